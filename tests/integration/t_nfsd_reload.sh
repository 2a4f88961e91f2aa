#!/bin/bash
# t_nfsd_reload: `exportfs -r` changes what rpc.nfsd serves, live: one
# libnfs client (tests/clients/nfsbench shell, automatic reconnection off)
# holds sessions on exports A and B across every change, and its TCP
# connections must survive them all (same local ports, same nfsd PID).
#  - B removed, C added: A keeps working on the same connection; B's handles
#    are refused by nfsd (on the same connection) and mountd refuses B;
#    C is mountable at once, and readable and writable through nfsd.
#  - a broken exports file: exportfs prints FILE:LINE, exits 1, and changes
#    nothing: mountd and nfsd keep serving A and C, B stays refused; SIGHUP
#    sent straight to both daemons changes nothing either.
#  - B exported again: the handles the client kept work again.
# timeout: 180
. "$(dirname "$0")/lib.sh"

for c in nfs-ls nfs-cp nfs-cat; do
	command -v "$c" >/dev/null || fail "$c not installed (libnfs-utils)"
done
NFSD=$BUILD/nfsd/rpc.nfsd MOUNTD=$BUILD/mountd/rpc.mountd EXPORTFS=$BUILD/mountd/exportfs
NFSBENCH=$BUILD/tests/clients/nfsbench
for p in "$NFSD" "$MOUNTD" "$EXPORTFS" "$NFSBENCH"; do
	[ -x "$p" ] || fail "$p not built"
done

D=$(mktemp -d "/var/tmp/nfs-suite-$TEST_NAME.XXXXXX") || fail "mktemp on /var/tmp"
trap 'rc=$?; [ "$BASHPID" != "$_MAIN_PID" ] || rm -rf "$D"; (exit $rc); _on_exit' EXIT
for x in a b c; do
	mkdir -p "$D/$x" && echo "this is $x" >"$D/$x/hello" || fail "mkdir $x"
done

start_rpcbind
cat >"$T/nfs-suite.conf" <<CONF
# written by $TEST_NAME
[global]
state-dir = /var/lib/nfs-suite
CONF
mkdir -p "$T/exports.d"
# write_exports X...: the exports file exports these of a, b, c.
write_exports() {
	local x
	{
		echo "# written by $TEST_NAME"
		for x in "$@"; do
			echo "$D/$x 127.0.0.1(rw,no_root_squash,insecure,no_subtree_check)"
		done
	} >"$T/exports"
}
write_exports a b
conf_args=(-f "$T/nfs-suite.conf" -e "$T/exports" -E "$T/exports.d")
start_daemon mountd "$MOUNTD" -F "${conf_args[@]}"
must_exit_0 mountd
start_daemon nfsd "$NFSD" -F "${conf_args[@]}"
must_exit_0 nfsd
wait_rpc 100005 3
wait_rpc 100003 3
nfsd_pid=$(daemon_pid nfsd)
mountd_pid=$(daemon_pid mountd)

# ------------------------------------------------------------ the client
coproc SH { exec "$NFSBENCH" shell 2>>"$T/shell.err"; }
# bash unsets SH_PID once the coprocess has been reaped: keep our own copy
sh_pid=$SH_PID
_PIDS+=("$sh_pid")
LINE=
sh_cmd() {
	echo "$*" >&"${SH[1]}" || fail "nfsbench shell is gone"
	IFS= read -r -t 30 LINE <&"${SH[0]}" || fail "nfsbench shell: no answer to '$*'"
	echo "+ shell: $* -> $LINE"
}
sh_ok() {
	sh_cmd "$@"
	[[ $LINE == ok* ]] || fail "'$*' failed: $LINE"
}
sh_err() {
	sh_cmd "$@"
	[[ $LINE == err* ]] || fail "'$*' succeeded, expected an error: $LINE"
}
# same_conn NAME PORT: session NAME still on its first connection.
same_conn() {
	sh_ok port "$1"
	assert_eq "${LINE#ok }" "$2" "session $1: local port of its nfsd connection"
}
still_nfsd() {
	check_daemons
	assert_eq "$(daemon_pid nfsd)" "$nfsd_pid" "nfsd pid"
	assert_eq "$(daemon_pid mountd)" "$mountd_pid" "mountd pid"
}
# The hash of the table nfsd says it serves (its ack to exportfs).
NFSD_ACK=/var/lib/nfs-suite/rpc.nfsd.exports-hash
MOUNTD_ACK=/var/lib/nfs-suite/rpc.mountd.exports-hash
acks() {
	cat "$NFSD_ACK" "$MOUNTD_ACK" 2>/dev/null | tr '\n' ' '
}
exportfs_r() {
	"$EXPORTFS" "${conf_args[@]}" -r
}

sh_ok mount a 127.0.0.1 "$D/a"
sh_ok mount b 127.0.0.1 "$D/b"
sh_ok port a
port_a=${LINE#ok }
sh_ok port b
port_b=${LINE#ok }
sh_ok cat a /hello
assert_eq "$LINE" "ok this is a" "read through A"
sh_ok cat b /hello
assert_eq "$LINE" "ok this is b" "read through B"
sh_ok write b /kept "written before the change"
must nfs-ls "nfs://127.0.0.1$D/a"
mustnot nfs-ls "nfs://127.0.0.1$D/c"
ok "sessions on A (port $port_a) and B (port $port_b); C not exported"

# ------------------------------------------------------------ B out, C in
h0=$(acks)
write_exports a c
must exportfs_r
h1=$(acks)
[ "$h1" != "$h0" ] || fail "exportfs -r returned but the daemons' acks did not change ($h0)"
still_nfsd
same_conn a "$port_a"
sh_ok cat a /hello
assert_eq "$LINE" "ok this is a" "A after the reload"
sh_ok write a /after "written after the change"
assert_eq "$(cat "$D/a/after")" "written after the change" "write through A after the reload"
same_conn a "$port_a"
ok "A keeps working on the same connection after exportfs -r"

sh_err stat b /hello
err_b=$LINE
sh_err cat b /kept
sh_err ls b /
same_conn b "$port_b"
mustnot nfs-ls "nfs://127.0.0.1$D/b"
ok "B's handles are refused by nfsd ($err_b) on the same connection; mountd refuses B"

must nfs-ls "nfs://127.0.0.1$D/c"
assert_match ' hello$' "$OUT" "nfs-ls of C"
must nfs-cp "$D/a/hello" "nfs://127.0.0.1$D/c/copied"
assert_eq "$(cat "$D/c/copied")" "this is a" "nfs-cp into C"
sh_ok mount c 127.0.0.1 "$D/c"
sh_ok port c
port_c=${LINE#ok }
sh_ok cat c /hello
assert_eq "$LINE" "ok this is c" "read through C"
sh_ok write c /new "new in C"
assert_eq "$(cat "$D/c/new")" "new in C" "write through C"
ok "C is mountable and usable right after exportfs -r"

# ------------------------------------------------------------ a broken file
cat >"$T/exports" <<EXP
# written by $TEST_NAME: line 3 is broken
$D/a 127.0.0.1(rw,no_root_squash,insecure,no_subtree_check)
$D/b 127.0.0.1(rw,no_such_option_at_all)
$D/c 127.0.0.1(rw,no_root_squash,insecure,no_subtree_check)
EXP
mustnot exportfs_r
assert_eq "$RC" 1 "exportfs -r exit status with a broken file"
assert_match "$T/exports:3" "$OUT" "exportfs names the file and line"
assert_eq "$(acks)" "$h1" "the daemons' tables after a failed exportfs -r"
still_nfsd
same_conn a "$port_a"
sh_ok cat a /after
assert_eq "$LINE" "ok written after the change" "A after the failed reload"
sh_ok write c /still "still served"
same_conn c "$port_c"
sh_err stat b /hello
must nfs-ls "nfs://127.0.0.1$D/a"
must nfs-ls "nfs://127.0.0.1$D/c"
mustnot nfs-ls "nfs://127.0.0.1$D/b"
ok "broken exports: exportfs exits 1 naming $T/exports:3; A and C still served, B still refused"

# The daemons told directly to reload: nothing changes either.
l_nfsd=$(wc -l <"$T/nfsd.log") l_mountd=$(wc -l <"$T/mountd.log")
kill -HUP "$nfsd_pid" "$mountd_pid" || fail "kill -HUP"
# both say something about the reload (what, is theirs to choose)
wait_until 10 test "$(wc -l <"$T/nfsd.log")" -gt "$l_nfsd" ||
    echo "+ note: nfsd logged nothing after SIGHUP"
wait_until 10 test "$(wc -l <"$T/mountd.log")" -gt "$l_mountd" ||
    echo "+ note: mountd logged nothing after SIGHUP"
tail -n +$((l_nfsd + 1)) "$T/nfsd.log"
tail -n +$((l_mountd + 1)) "$T/mountd.log"
assert_eq "$(acks)" "$h1" "the daemons' tables after SIGHUP with a broken file"
still_nfsd
same_conn a "$port_a"
sh_ok cat a /hello
sh_ok cat c /hello
sh_err stat b /hello
must nfs-ls "nfs://127.0.0.1$D/c"
mustnot nfs-ls "nfs://127.0.0.1$D/b"
ok "SIGHUP with the broken file: both daemons keep serving what they had"

# ------------------------------------------------------------ B back
write_exports a b c
must exportfs_r
[ "$(acks)" != "$h1" ] || fail "exportfs -r returned but the daemons' acks did not change"
still_nfsd
sh_ok cat b /kept
assert_eq "$LINE" "ok written before the change" "B's old handles after B is exported again"
same_conn b "$port_b"
same_conn a "$port_a"
same_conn c "$port_c"
must nfs-ls "nfs://127.0.0.1$D/b"
ok "B exported again: the client's old handles work again, same connection"

echo quit >&"${SH[1]}"
wait_exit "$sh_pid" 10 || fail "nfsbench shell did not quit"
check_daemons
