#!/bin/bash
# t_nfsd_ro: a read-only export: every modifying NFSv3 procedure (SETATTR,
# WRITE, CREATE incl. EXCLUSIVE, MKDIR, SYMLINK, MKNOD, REMOVE, RMDIR,
# RENAME, LINK) and the v2 ones (WRITE, CREATE, REMOVE, SETATTR, MKDIR)
# answer ROFS, even for root on no_root_squash; reads work and ACCESS grants
# no MODIFY/EXTEND; over TCP and UDP; nothing on disk changes. An export
# that is ro for the world and rw for one host: rw for that host.
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

mkdir -p "$E/ro/ro_dir" "$E/mixed/ro_dir" "$T/exports.d"
for x in ro mixed; do
	echo "read only" >"$E/$x/ro_file"
	echo inner >"$E/$x/ro_dir/inner"
	chmod 0777 "$E/$x" "$E/$x/ro_dir"
	chmod 0666 "$E/$x/ro_file"
done
cat >"$T/exports" <<EOF2
$E/ro	127.0.0.1(ro,no_root_squash)
$E/mixed	*(ro,no_root_squash) 127.0.0.1(rw,no_root_squash)
EOF2
before=$(cd "$E/ro" && find . -printf '%p %s %m %T@ %n\n' | sort)
start_rpcbind
start_nfs

probe ro-tcp 127.0.0.1 "$E/ro" ro
probe ro-udp -U 127.0.0.1 "$E/ro" ro
probe ro-user -u 1000 -g 1000 127.0.0.1 "$E/ro" ro
after=$(cd "$E/ro" && find . -printf '%p %s %m %T@ %n\n' | sort)
assert_eq "$after" "$before" "the ro export changed on disk"
ok "the ro export is unchanged on disk"

# most specific client wins (exports(5)): 127.0.0.1 is rw on "mixed"
probe mixed-rw 127.0.0.1 "$E/mixed" io create
check_daemons
