# shellcheck shell=bash
# lockd-lib.sh: the shared set-up of the t_lockd_* tests, sourced after
# lib.sh: nfs-lib.sh's export directory $E and start_nfs, plus
#   start_statd [ARGS]    our rpc.statd (state in /var/lib/nfs-suite/statd)
#   start_lockd [ARGS]    our rpc.lockd on $T/exports (the handle key of
#                         rpc.nfsd); waits for NLM v1, v3, v4 over tcp, udp
#   np ARGS...            nlmprobe; its output in $OUT (exit status in $RC)
#   np_is STATUS ARGS...  nlmprobe must print exactly STATUS
#   np_match ERE ARGS...  nlmprobe's output must match ERE
#   srv_lock FILE ...     tests/linux-client/lockctl.py on an exported file
#                         (a process on the server)
need_rpcbind
NLMPROBE=$BUILD/tests/clients/nlmprobe
LOCKCTL=$SRCDIR/tests/linux-client/lockctl.py
[ -x "$NLMPROBE" ] || fail "$NLMPROBE not built"
[ -x "$BUILD/lockd/rpc.lockd" ] || fail "rpc.lockd not built"
[ -x "$BUILD/statd/rpc.statd" ] || fail "rpc.statd not built"
# shellcheck source=nfs-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/nfs-lib.sh"

start_statd() {
	start_daemon statd "$BUILD/statd/rpc.statd" -F -f "$T/nfs.conf" "$@"
	must_exit_0 statd
	wait_rpc 100024 1 udp
}

start_lockd() {
	start_daemon lockd "$BUILD/lockd/rpc.lockd" -F -f "$T/nfs.conf" \
	    -e "$T/exports" -E "$T/exports.d" "$@"
	must_exit_0 lockd
	local v p
	for v in 1 3 4; do
		for p in tcp udp; do
			wait_rpc 100021 "$v" "$p"
		done
	done
}

RC=0
np() {
	RC=0
	OUT=$("$NLMPROBE" "$@" 2>"$T/np.err") || RC=$?
	printf '+ nlmprobe %s -> %s\n' "$*" "$OUT"
}
np_is() {
	local want=$1
	shift
	np "$@"
	[ "$OUT" = "$want" ] || fail "nlmprobe $*: '$OUT' (exit $RC), expected '$want'
$(cat "$T/np.err")"
}
np_match() {
	local re=$1
	shift
	np "$@"
	grep -Eq -- "$re" <<<"$OUT" ||
	    fail "nlmprobe $*: '$OUT' (exit $RC) does not match /$re/
$(cat "$T/np.err")"
}
srv_lock() {
	/usr/bin/python3 "$LOCKCTL" "$@"
}
