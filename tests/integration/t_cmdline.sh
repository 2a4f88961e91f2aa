#!/bin/bash
# t_cmdline: the command lines nfs-utils (and Debian's rpcbind) document, run
# against the suite's daemons, each checked for what it must do:
#  - every tool: --help and --version exit 0 and print something; an unknown
#    flag, a bad value or a stray argument prints the usage and exits 2;
#  - rpcbind -f -w (Debian's), -h ADDR (only there, and loopback), -r;
#  - rpc.nfsd N, -p, -N/-V, -t/-T, -u/-U, -H, -d, -s: serves what rpcinfo
#    shows; "rpc.nfsd N" on a running one changes its threads
#    (/proc/PID/task), "rpc.nfsd 0" stops it (and unregisters);
#  - rpc.mountd -p, -N/-V, -n/-u, -t, -d kind, -g, -e, -v;
#  - /etc/nfs.conf (a stand-in given by --nfs-conf or [global] nfs-conf):
#    its keys apply where the suite's file is silent, the suite's file and
#    the command line win, --print-config says where each value came from.
. "$(dirname "$0")/lib.sh"
need_rpcbind

NFSD=$BUILD/nfsd/rpc.nfsd MOUNTD=$BUILD/mountd/rpc.mountd
LOCKD=$BUILD/lockd/rpc.lockd STATD=$BUILD/statd/rpc.statd
RQUOTAD=$BUILD/rquotad/rpc.rquotad
for p in "$NFSD" "$MOUNTD" "$LOCKD" "$STATD" "$RQUOTAD"; do
	[ -x "$p" ] || fail "$p not built"
done

mkdir -p "$T/export" "$T/exports.d"
echo "$T/export 127.0.0.1(rw,no_subtree_check,fsid=1)" >"$T/exports"
cat >"$T/nfs.conf" <<EOF
[global]
state-dir = /var/lib/nfs-suite
EOF
X=(--config "$T/nfs.conf" -e "$T/exports" -E "$T/exports.d")

# expect STATUS CMD...: CMD exits STATUS; output in $OUT
expect() {
	local want=$1 rc=0
	shift
	OUT=$("$@" 2>&1 </dev/null) || rc=$?
	printf '+ %s  (exit %s)\n%s\n' "$*" "$rc" "$OUT" | head -n 6
	[ "$rc" = "$want" ] || fail "'$*' exited $rc, expected $want"
}

# ---------------------------------------------------------------- every tool
# TOOL | a stray argument (after the config flags)
while IFS='|' read -r tool stray; do
	expect 0 "$tool" --help
	assert_match '^usage: ' "$OUT" "$tool --help"
	expect 0 "$tool" --version
	assert_match 'nfs-suite [0-9]' "$OUT" "$tool --version"
	expect 2 "$tool" --no-such-flag
	assert_match '^usage: ' "$OUT" "$tool: usage after an unknown flag"
	expect 2 "$tool" -Z
	assert_match '^usage: ' "$OUT" "$tool: usage after -Z"
	expect 2 "$tool" --config "$T/nfs.conf" $stray
	assert_match '^usage: ' "$OUT" "$tool: usage after a stray argument"
	assert_match 'unexpected argument' "$OUT" "$tool names the stray argument"
done <<EOF
$RPCBIND|stray
$NFSD|8 9
$NFSD|eight
$MOUNTD|stray
$LOCKD|stray
$STATD|stray
$RQUOTAD|stray
EOF
ok "--help, --version; unknown flags and stray arguments: usage, exit 2"

# Flags with bad values, and nfs-utils flags the suite refuses (exit 2).
while IFS= read -r line; do
	# shellcheck disable=SC2086  # the table's words
	expect 2 $line
	assert_match '^usage: ' "$OUT" "usage after: $line"
done <<EOF
$RPCBIND -h
$NFSD -p 0
$NFSD -V 5
$NFSD -N x
$NFSD -r
$NFSD --rdma
$NFSD 513
$NFSD -1
$MOUNTD -t 0
$MOUNTD -d bogus
$MOUNTD -N 7
$MOUNTD -H /bin/true
$MOUNTD -p 70000
$MOUNTD -o 0
EOF
ok "bad values and refused nfs-utils flags: usage, exit 2"

# What would start a server with nothing to serve is an error (exit 1).
expect 1 "$NFSD" -F "${X[@]}" -T -U
assert_match 'no transport' "$OUT" "rpc.nfsd -T -U"
expect 1 "$NFSD" -F "${X[@]}" -N 2 -N 3
assert_match 'no NFS version' "$OUT" "rpc.nfsd -N 2 -N 3"
expect 1 "$MOUNTD" -F "${X[@]}" -n -u
expect 1 "$MOUNTD" -F "${X[@]}" -N 2 -N 3
# rpc.nfsd 0 with none running: nothing to stop, nothing started
expect 0 "$NFSD" "${X[@]}" 0
rpcinfo -p 127.0.0.1 2>/dev/null | grep -q ' 100003 ' && fail "rpc.nfsd 0 started a server"
expect 0 "$MOUNTD" -v
assert_match 'nfs-suite' "$OUT" "rpc.mountd -v"
ok "nothing to serve: exit 1; rpc.nfsd 0 with none running: exit 0"

# ---------------------------------------------------------------- rpcbind
rpcbind_conf
# Debian's usual: -f -w; -h: that address and the loopbacks only
start_daemon rpcbind "$RPCBIND" -f -w -h 127.0.0.1 -a -i -l -s --config "$T/rpcbind.conf"
wait_rpc 100000 4 tcp
wait_rpc 100000 2 udp
must ss -Hlnu sport = :111
assert_match '127\.0\.0\.1:111' "$OUT" "rpcbind -h 127.0.0.1: bound there"
assert_nomatch '0\.0\.0\.0:111|\*:111' "$OUT" "rpcbind -h: not the wildcard"
stop_daemon rpcbind
expect 0 "$RPCBIND" -r --print-config --config "$T/rpcbind.conf"
assert_match 'remote-calls = yes' "$OUT" "rpcbind -r"
assert_match '# from: command line' "$OUT" "rpcbind -r comes from the command line"
start_rpcbind
ok "rpcbind -f -w -h ADDR -a -i -l -s, -r"

# ---------------------------------------------------------------- rpc.nfsd
# nfs_has PROTO VERS [PORT]: rpcinfo -p lists NFS VERS over PROTO (on PORT)
nfs_has() {
	rpcinfo -p 127.0.0.1 | grep -Eq "^ *100003 +$2 +$1 +${3:-[0-9]+} "
}
ntasks() {
	find "/proc/$1/task" -mindepth 1 -maxdepth 1 | wc -l
}
# Registered is not yet running: rpc.nfsd registers NFS, then NFS_ACL,
# and starts its workers after that. Answered is: count threads then.
nfs_answers() {
	must rpcinfo -T tcp 127.0.0.1 100003 3
}

# TABLE: flags | must serve (proto:vers[:port] ...) | must not serve
while IFS='|' read -r flags yes no; do
	# shellcheck disable=SC2086  # the table's words
	start_daemon nfsd "$NFSD" -F "${X[@]}" $flags
	must_exit_0 nfsd
	for s in $yes; do
		IFS=: read -r proto vers port <<<"$s"
		wait_until 15 nfs_has "$proto" "$vers" "$port" ||
		    fail "rpc.nfsd $flags: no NFS v$vers over $proto${port:+ on $port}"
	done
	for s in $no; do
		IFS=: read -r proto vers <<<"$s"
		! nfs_has "$proto" "$vers" ||
		    fail "rpc.nfsd $flags: NFS v$vers over $proto registered"
	done
	stop_daemon nfsd
	ok "rpc.nfsd $flags: serves $yes${no:+, not $no}"
done <<EOF
|tcp:3:2049|udp:3 tcp:2 udp:2
4|tcp:3:2049|udp:3 tcp:2
-p 2050 -V 2 -N 3|tcp:2:2050|tcp:3 udp:2
--port 2051 --nfs-version 2 --udp|tcp:3:2051 udp:3:2051 tcp:2 udp:2|
-u -T|udp:3|tcp:3
--no-tcp --udp --no-nfs-version 3 -V 2|udp:2|udp:3 tcp:2
-t -U -d -s|tcp:3|udp:3
-H 127.0.0.1 -p 2052|tcp:3:2052|udp:3
EOF

# -H: only that address
start_daemon nfsd "$NFSD" -F "${X[@]}" -H 127.0.0.1 -p 2053 -u
must_exit_0 nfsd
wait_until 15 nfs_has tcp 3 2053 || fail "rpc.nfsd -H: not registered"
must ss -Hlnt sport = :2053
assert_match '127\.0\.0\.1:2053' "$OUT" "rpc.nfsd -H 127.0.0.1"
assert_nomatch '0\.0\.0\.0:2053|\*:2053|\[::\]:2053' "$OUT" "rpc.nfsd -H: no wildcard"
stop_daemon nfsd
ok "rpc.nfsd -H 127.0.0.1: listens there only"

# rpc.nfsd N on a running one: its thread count; rpc.nfsd 0: stop it
start_daemon nfsd "$NFSD" -F "${X[@]}" 4
must_exit_0 nfsd
wait_until 15 nfs_has tcp 3 || fail "rpc.nfsd 4 did not register"
nfs_answers
pid=$(daemon_pid nfsd)
n4=$(ntasks "$pid")
must "$NFSD" "${X[@]}" 8
assert_eq "$(ntasks "$pid")" $((n4 + 4)) "threads after rpc.nfsd 8 (had $n4 with 4)"
must rpcinfo -T tcp 127.0.0.1 100003 3
must "$NFSD" "${X[@]}" 2
assert_eq "$(ntasks "$pid")" $((n4 - 2)) "threads after rpc.nfsd 2"
must rpcinfo -T tcp 127.0.0.1 100003 3
grep -q '2 threads' "$T/nfsd.log" || fail "rpc.nfsd did not log its new thread count"
daemon_alive nfsd || fail "rpc.nfsd N stopped the server"
must "$NFSD" "${X[@]}" 0
wait_exit "$pid" 5 || fail "rpc.nfsd 0 returned before the server exited"
assert_eq "$WAIT_STATUS" 0 "exit status of the server stopped by rpc.nfsd 0"
unset "_DPID[nfsd]"
nfs_has tcp 3 && fail "rpc.nfsd 0: NFS still registered"
ok "rpc.nfsd 8 / 2 change a running server's threads ($n4 tasks with 4), rpc.nfsd 0 stops it"

# without one running, rpc.nfsd N starts one with N threads
start_daemon nfsd "$NFSD" -F "${X[@]}" 3
must_exit_0 nfsd
wait_until 15 nfs_has tcp 3 || fail "rpc.nfsd 3 did not start a server"
nfs_answers
assert_eq "$(ntasks "$(daemon_pid nfsd)")" $((n4 - 1)) "tasks of rpc.nfsd 3"
stop_daemon nfsd
ok "rpc.nfsd 3 with none running starts one with 3 threads"

# ---------------------------------------------------------------- rpc.mountd
mnt_has() {
	rpcinfo -p 127.0.0.1 | grep -Eq "^ *100005 +$2 +$1 +${3:-[0-9]+} "
}
while IFS='|' read -r flags yes no; do
	# shellcheck disable=SC2086  # the table's words
	start_daemon mountd "$MOUNTD" -F "${X[@]}" $flags
	must_exit_0 mountd
	for s in $yes; do
		IFS=: read -r proto vers port <<<"$s"
		wait_until 15 mnt_has "$proto" "$vers" "$port" ||
		    fail "rpc.mountd $flags: no MOUNT v$vers over $proto${port:+ on $port}"
	done
	for s in $no; do
		IFS=: read -r proto vers <<<"$s"
		! mnt_has "$proto" "$vers" ||
		    fail "rpc.mountd $flags: MOUNT v$vers over $proto registered"
	done
	stop_daemon mountd
	ok "rpc.mountd $flags: serves $yes${no:+, not $no}"
done <<EOF
|tcp:3:20048 udp:3:20048 tcp:1 udp:1 tcp:2|
-p 4002 -N 2 -t 2 -d all -g|tcp:3:4002 udp:3:4002|tcp:1 udp:1 tcp:2
--port 4003 -V 3 -u|tcp:3:4003 tcp:1|udp:3 udp:1
-n -P 4004 --num-threads 3 --debug auth -l -i -r -T 60 -o 4096|udp:3:4004 udp:1|tcp:3 tcp:1
--no-nfs-version 3 --manage-gids --no-udp|tcp:1 tcp:2|tcp:3 udp:1
EOF

# -e FILE (nfs-utils' --exports-file): that file's exports
echo "$T/exports.d 127.0.0.1(ro,no_subtree_check,fsid=2)" >"$T/other.exports"
start_daemon mountd "$MOUNTD" -F --config "$T/nfs.conf" -E "$T/exports.d" \
    --exports-file "$T/other.exports" -p 4005
must_exit_0 mountd
wait_until 15 mnt_has tcp 3 4005 || fail "rpc.mountd --exports-file did not register"
must showmount -e 127.0.0.1
assert_match "^$T/exports\.d " "$OUT" "the export of --exports-file"
stop_daemon mountd
ok "rpc.mountd --exports-file FILE"

# ---------------------------------------------------------------- nfs.conf
cat >"$T/nfs-utils.conf" <<'EOF'
#
# a stand-in for nfs-common's /etc/nfs.conf
#
[general]
pipefs-directory=/run/rpc_pipefs
[exportd]
# threads=1
[mountd]
manage-gids=y
port=4010
threads=0
[nfsd]
threads=3
port=2060
UDP=y
vers3=y
vers4.1=n
[nfsdcld]
storagedir=/var/lib/nfs/nfsdcld
[statd]
port=4020
outgoing-port=4021
[lockd]
port=4030
[sm-notify]
retry-time=900
EOF
cat >"$T/suite.conf" <<EOF
[global]
state-dir = /var/lib/nfs-suite
nfs-conf = $T/nfs-utils.conf
[nfsd]
port = 2049
EOF
line_of() { grep -n "^$1" "$T/nfs-utils.conf" | head -n 1 | cut -d: -f1; }

# value KEY: the value --print-config shows for KEY (in $OUT), and its source
value() {
	awk -v k="$1" '/^# from: / { src = substr($0, 9) }
	    index($0, k " = ") == 1 { print substr($0, length(k) + 4) " <- " src; exit }' <<<"$OUT"
}
expect 0 "$NFSD" --print-config --config "$T/suite.conf" -e "$T/exports"
assert_eq "$(value threads)" "3 <- $T/nfs-utils.conf:$(line_of threads=3) [nfsd] threads" "nfsd threads from nfs.conf"
assert_eq "$(value udp)" "yes <- $T/nfs-utils.conf:$(line_of UDP) [nfsd] udp" "nfsd udp from nfs.conf (UDP=y)"
assert_eq "$(value port)" "2049 <- $T/suite.conf:5" "nfsd port: the suite's file wins"
assert_eq "$(value manage-gids)" "yes <- $T/nfs-utils.conf:$(line_of manage-gids) [mountd] manage-gids" "manage-gids from nfs.conf's [mountd]"
assert_eq "$(value tcp)" "yes <- default" "nfsd tcp: default"
assert_eq "$(value vers2)" "no <- default" "nfsd vers2: default (Debian 12)"
assert_eq "$(value nfs-conf)" "$T/nfs-utils.conf <- $T/suite.conf:3" "[global] nfs-conf"
expect 0 "$NFSD" --print-config --config "$T/suite.conf" -p 2061 -U 7
assert_eq "$(value port)" "2061 <- command line" "nfsd -p: the command line wins"
assert_eq "$(value udp)" "no <- command line" "nfsd -U: the command line wins"
assert_eq "$(value threads)" "7 <- command line" "nfsd N: the command line wins"
expect 0 "$NFSD" --print-config --config "$T/suite.conf" --nfs-conf ""
assert_eq "$(value threads)" "8 <- default" "--nfs-conf '': no nfs.conf"
assert_eq "$(value udp)" "no <- default" "--nfs-conf '': udp default"
expect 0 "$NFSD" --print-config --config "$T/nfs.conf" --nfs-conf "$T/nfs-utils.conf"
assert_eq "$(value port)" "2060 <- $T/nfs-utils.conf:$(line_of port=2060) [nfsd] port" "--nfs-conf FILE"
expect 0 "$MOUNTD" --print-config --config "$T/suite.conf" -e "$T/exports"
assert_eq "$(value port)" "4010 <- $T/nfs-utils.conf:$(line_of port=4010) [mountd] port" "mountd port from nfs.conf"
assert_eq "$(value threads)" "4 <- default" "mountd threads=0 in nfs.conf: the default"
assert_eq "$(value udp)" "yes <- $T/nfs-utils.conf:$(line_of UDP) [nfsd] udp" "mountd udp from nfs.conf's [nfsd] (as nfs-utils)"
expect 0 "$LOCKD" --print-config --config "$T/suite.conf" -e "$T/exports"
assert_eq "$(value port)" "4030 <- $T/nfs-utils.conf:$(line_of port=4030) [lockd] port" "lockd port from nfs.conf"
expect 0 "$STATD" --print-config --config "$T/suite.conf"
assert_eq "$(value port)" "4020 <- $T/nfs-utils.conf:$(line_of port=4020) [statd] port" "statd port from nfs.conf"
assert_eq "$(value outgoing-port)" "4021 <- $T/nfs-utils.conf:$(line_of outgoing-port) [statd] outgoing-port" "statd outgoing-port"
# a bad value there is reported with where it came from
printf '[nfsd]\nthreads = lots\n' >"$T/bad-value.conf"
expect 1 "$NFSD" --print-config --config "$T/nfs.conf" --nfs-conf "$T/bad-value.conf"
assert_match "bad-value\.conf:2 \[nfsd\] threads" "$OUT" "a bad value names nfs.conf's line"
printf '[nfsd\nthreads = 2\n' >"$T/bad-syntax.conf"
expect 1 "$NFSD" --print-config --config "$T/nfs.conf" --nfs-conf "$T/bad-syntax.conf"
assert_match "bad-syntax\.conf:1:" "$OUT" "a syntax error names nfs.conf's line"
ok "nfs.conf: its keys where the suite's file is silent, the suite's file and the command line win, sources shown"

# and the server started on it serves what it says: UDP on, 3 threads
start_daemon nfsd "$NFSD" -F --config "$T/suite.conf" -e "$T/exports" -E "$T/exports.d"
must_exit_0 nfsd
wait_until 15 nfs_has udp 3 2049 || fail "udp=y in nfs.conf: no NFS over UDP"
nfs_answers
assert_eq "$(ntasks "$(daemon_pid nfsd)")" $((n4 - 1)) "threads=3 from nfs.conf"
stop_daemon nfsd
ok "rpc.nfsd on nfs.conf's threads=3, UDP=y"
