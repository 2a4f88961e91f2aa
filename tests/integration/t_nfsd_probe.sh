#!/bin/bash
# t_nfsd_probe: tests/clients/nfsprobe (libnfs raw RPC) against rpc.nfsd:
# every NFSv3 procedure with its results checked (attr, lookup, io, create,
# readdir), the duplicate request cache (a retransmitted REMOVE, CREATE,
# MKDIR, RENAME answered from the cache), many requests in flight with
# interleaved credentials, forged and foreign handles, all NFSv2
# procedures, and setuid clearing; over TCP, then again over UDP.
# The export is a directory on ext4 (no_root_squash); a second export gives
# the foreign handles.
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
PROBE=$BUILD/tests/clients/nfsprobe
[ -x "$PROBE" ] || fail "$PROBE not built"
[ -x "$BUILD/nfsd/rpc.nfsd" ] || fail "rpc.nfsd not built"

# ---- shared set-up of the t_nfsd_* tests: exports on ext4 (not $T: tmpfs)
E=$(mktemp -d "/var/tmp/nfs-suite-$TEST_NAME.XXXXXX") || fail "mktemp"
trap 'rc=$?; rm -rf "$E"; (exit $rc); _on_exit' EXIT
cat >"$T/nfs.conf" <<EOC
[global]
state-dir = /var/lib/nfs-suite
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
# ----

mkdir -p "$E/a" "$E/b" "$T/exports.d"
chmod 0777 "$E/a"
cat >"$T/exports" <<EOF2
$E/a	127.0.0.1(rw,no_root_squash,sync)
$E/b	127.0.0.1(rw,no_root_squash)
EOF2
start_rpcbind
start_nfs

groups=(attr lookup io create readdir drc concurrency forged v2 setuid)
probe tcp -X "$E/b" 127.0.0.1 "$E/a" "${groups[@]}"
probe udp -U -X "$E/b" 127.0.0.1 "$E/a" "${groups[@]}"

# the wrapped writes left nothing behind at offset 0 and nothing escaped
for f in "$E"/a/probe.*.io/f; do
	[ "$(head -c 5 "$f")" = hello ] || fail "$f was overwritten at offset 0"
done
! grep -rq WRAP "$E/a" || fail "a huge-offset WRITE landed in a file"
ok "no data from the huge-offset WRITEs"

check_daemons
