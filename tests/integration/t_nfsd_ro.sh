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

. "$(dirname "$0")/nfs-lib.sh"

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
