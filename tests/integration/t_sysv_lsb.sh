#!/bin/bash
# t_sysv_lsb: the SysV scripts (etc/init.d), installed as `make install`
# installs them (@sbindir@, @sysconfdir@ replaced), run with Debian's
# /lib/lsb/init-functions and start-stop-daemon, give the LSB exit codes:
#   status: 3 before start, 0 running, 1 after the daemon was killed
#           (its pid file left), 3 after stop, 4 for a pid file the
#           caller cannot read;
#   start:  0, 0 again when running, 1 when the daemon cannot start, 4 when
#           not root; stop: 0, 0 again when stopped; an unknown action 2,
#           statd's reload 3 (not implemented).
# All six daemons are started, checked (rpcinfo) and stopped this way.
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
[ -r /lib/lsb/init-functions ] || fail "no /lib/lsb/init-functions (package lsb-base)"
command -v start-stop-daemon >/dev/null || fail "no start-stop-daemon"

R=$T/root
mkdir -p "$R/sbin" "$R/etc/init.d" "$R/exports.d" "$T/default"
for p in rpcbind/rpcbind mountd/rpc.mountd nfsd/rpc.nfsd lockd/rpc.lockd \
    statd/rpc.statd rquotad/rpc.rquotad mountd/exportfs; do
	[ -x "$BUILD/$p" ] || fail "$BUILD/$p not built"
	cp "$BUILD/$p" "$R/sbin/"
done
for s in "$SRCDIR"/etc/init.d/*; do
	sed "s|@sbindir@|$R/sbin|g; s|@sysconfdir@|$R/etc|g" "$s" \
	    >"$R/etc/init.d/${s##*/}"
	chmod 755 "$R/etc/init.d/${s##*/}"
done
E=$(mktemp -d "/var/tmp/nfs-suite-$TEST_NAME.XXXXXX") || fail "mktemp"
trap 'rc=$?; rm -rf "$E"; (exit $rc); _on_exit' EXIT
printf '%s\t127.0.0.1(rw)\n' "$E" >"$R/exports"
cat >"$R/etc/nfs-suite.conf" <<EOC
[global]
state-dir = /var/lib/nfs-suite
[exports]
file = $R/exports
dir = $R/exports.d
EOC
# /etc/default/nfs-suite-*: ours only, in this mount namespace
mount --bind "$T/default" /etc/default || fail "bind mount on /etc/default"

# lsb NAME ACTION EXPECTED: run the script, check its exit status
lsb() {
	local rc=0
	OUT=$("$R/etc/init.d/nfs-suite-$1" "$2" 2>&1) || rc=$?
	printf '+ nfs-suite-%s %s -> %s\n%s\n' "$1" "$2" "$rc" "$OUT"
	[ "$rc" = "$3" ] || fail "nfs-suite-$1 $2: exit $rc, LSB wants $3"
}
pid_of() {
	cat "/run/$1.pid"
}
declare -A PROG=([rpcbind]=rpcbind [statd]=rpc.statd [mountd]=rpc.mountd
    [nfsd]=rpc.nfsd [lockd]=rpc.lockd [rquotad]=rpc.rquotad)
declare -A RPC=([rpcbind]="100000 4" [statd]="100024 1" [mountd]="100005 3"
    [nfsd]="100003 3" [lockd]="100021 4" [rquotad]="100011 1")
ORDER="rpcbind statd mountd nfsd lockd rquotad"

for d in $ORDER; do
	lsb "$d" status 3
	lsb "$d" start 0
	# shellcheck disable=SC2086  # "PROG VERS"
	WAIT_SECS=10 wait_rpc ${RPC[$d]}
	_PIDS+=("$(pid_of "${PROG[$d]}")")
	lsb "$d" status 0
	lsb "$d" start 0
done
ok "start: 0 for each daemon (and again when running), status 0, each answers rpcinfo"

lsb mountd frobnicate 2
lsb statd reload 3
ok "unknown action: 2; statd's reload (not implemented): 3"

# not root: start refused with 4; an unreadable pid file: status 4
OUT=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$R/etc/init.d/nfs-suite-rquotad" start 2>&1) && rc=0 || rc=$?
echo "$OUT"
assert_eq "$rc" 4 "start as nobody"
chmod 600 /run/rpc.rquotad.pid
OUT=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$R/etc/init.d/nfs-suite-rquotad" status 2>&1) && rc=0 || rc=$?
echo "$OUT"
assert_eq "$rc" 4 "status as nobody, pid file unreadable"
chmod 644 /run/rpc.rquotad.pid
ok "not root: start 4; pid file unreadable: status 4"

# killed: the pid file stays behind
pid=$(pid_of rpc.rquotad)
kill -KILL "$pid"
wait_until 10 sh -c "! kill -0 $pid 2>/dev/null || grep -q '^State:.*Z' /proc/$pid/status" ||
    fail "rpc.rquotad survived SIGKILL"
# a zombie of ours (PID 1 of the namespace) holds no lock: reap it
wait "$pid" 2>/dev/null
lsb rquotad status 1
lsb rquotad start 0
_PIDS+=("$(pid_of rpc.rquotad)")
WAIT_SECS=10 wait_rpc 100011 1
lsb rquotad status 0
ok "killed: status 1 (pid file left), start again 0"

# a daemon that cannot start: start 1
echo 'DAEMON_ARGS="--config $CONF --set rquotad.port=notaport"' \
    >"$T/default/nfs-suite-rquotad"
lsb rquotad stop 0
lsb rquotad start 1
rm "$T/default/nfs-suite-rquotad"
lsb rquotad status 3
ok "a daemon that cannot start: start 1, status 3"

# restart checks the configuration, stops, starts
lsb mountd restart 0
_PIDS+=("$(pid_of rpc.mountd)")
WAIT_SECS=10 wait_rpc 100005 3
lsb mountd status 0

for d in lockd nfsd mountd statd rpcbind; do
	lsb "$d" stop 0
	lsb "$d" status 3
	[ ! -e "/run/${PROG[$d]}.pid" ] || fail "$d: pid file left after stop"
	lsb "$d" stop 0
done
ok "stop: 0 (and again when stopped), status 3 after"
