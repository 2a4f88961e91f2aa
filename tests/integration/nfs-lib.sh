# nfs-lib.sh: the shared set-up of the t_nfsd_* tests, sourced after lib.sh
# (and after need_rpcbind and the PROBE variable): an export directory $E on
# ext4 (not $T, which is tmpfs), removed at exit; a config naming the state
# directory; start_nfs (rpc.mountd + rpc.nfsd on $T/exports), start_nfsd
# [ARGS] and probe NAME ARGS... (run nfsprobe, fail on a failed check).
# shellcheck shell=bash
E=$(mktemp -d "/var/tmp/nfs-suite-$TEST_NAME.XXXXXX") || fail "mktemp"
trap 'rc=$?; rm -rf "$E"; (exit $rc); _on_exit' EXIT
cat >"$T/nfs.conf" <<EOC
[global]
state-dir = /var/lib/nfs-suite
[nfsd]
# the tests drive NFSv2 and UDP too (Debian 12's defaults have them off)
udp = yes
vers2 = yes
EOC
start_nfs() {
	start_daemon mountd "$BUILD/mountd/rpc.mountd" -F -f "$T/nfs.conf" \
	    -e "$T/exports" -E "$T/exports.d"
	must_exit_0 mountd
	# shellcheck disable=SC2119
	start_nfsd
	wait_rpc 100005 3
}
# shellcheck disable=SC2120  # arguments are optional
start_nfsd() {
	start_daemon nfsd "$BUILD/nfsd/rpc.nfsd" -F -f "$T/nfs.conf" \
	    -e "$T/exports" -E "$T/exports.d" "$@"
	must_exit_0 nfsd
	wait_rpc 100003 3 tcp
	wait_rpc 100003 3 udp
}
# probe NAME ARGS...: run nfsprobe, show its output, fail on a failed check
probe() {
	local name=$1 rc=0
	shift
	echo "+ nfsprobe $*"
	"$PROBE" "$@" >"$T/probe-$name.out" 2>&1 || rc=$?
	cat "$T/probe-$name.out"
	[ $rc -eq 0 ] || fail "nfsprobe $name: $(grep -c '^not ok' "$T/probe-$name.out") checks failed (exit $rc)"
	ok "nfsprobe $name: $(grep -c '^ok' "$T/probe-$name.out") checks"
}
