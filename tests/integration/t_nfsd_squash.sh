#!/bin/bash
# t_nfsd_squash: identity mapping. root_squash (default and custom
# anonuid/anongid): uid 0 creates files owned by the anonymous user, gid 0
# is squashed as primary group and in the supplementary list, squashed root
# cannot read another user's 0600 file nor mknod a device; no_root_squash
# keeps root; all_squash maps everyone (root, users) to anonuid/anongid;
# AUTH_NONE is anonymous; a non-owner's WRITE clears setuid/setgid. Owners
# are also checked on disk.
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
PROBE=$BUILD/tests/clients/nfsprobe
[ -x "$PROBE" ] || fail "$PROBE not built"
[ -x "$BUILD/nfsd/rpc.nfsd" ] || fail "rpc.nfsd not built"

. "$(dirname "$0")/nfs-lib.sh"

for x in rs rs2 nrs as; do
	mkdir -p "$E/$x/g0"
	chmod 0777 "$E/$x"
	chmod 0070 "$E/$x/g0"
	echo secret >"$E/$x/secret"
	chown 1000:1000 "$E/$x/secret"
	chmod 0600 "$E/$x/secret"
done
mkdir -p "$T/exports.d"
cat >"$T/exports" <<EOF2
$E/rs	127.0.0.1(rw,root_squash)
$E/rs2	127.0.0.1(rw,root_squash,anonuid=4321,anongid=8765)
$E/nrs	127.0.0.1(rw,no_root_squash)
$E/as	127.0.0.1(rw,all_squash,anonuid=1234,anongid=5678)
EOF2
start_rpcbind
start_nfs

for t in "" -U; do
	probe "rs$t" $t -a 65534:65534 127.0.0.1 "$E/rs" rootsquash authnone setuid
	probe "rs2$t" $t -a 4321:8765 127.0.0.1 "$E/rs2" rootsquash authnone
	probe "nrs$t" $t 127.0.0.1 "$E/nrs" norootsquash setuid
	probe "as$t" $t -a 1234:5678 127.0.0.1 "$E/as" allsquash authnone
done

# on disk, as the server's filesystem sees it
own() { stat -c %u:%g "$1"; }
for d in "$E"/rs/probe.*.rootsquash; do
	assert_eq "$(own "$d/r0")" 65534:65534 "root_squash: $d/r0"
	assert_eq "$(own "$d/r1")" 1000:65534 "root_squash gid 0: $d/r1"
	assert_eq "$(own "$d/r2")" 1000:1000 "root_squash user: $d/r2"
	[ ! -e "$d/chr" ] || fail "squashed root made a device: $d/chr"
done
for d in "$E"/rs2/probe.*.rootsquash; do
	assert_eq "$(own "$d/r0")" 4321:8765 "root_squash anonuid: $d/r0"
done
for d in "$E"/nrs/probe.*.norootsquash; do
	assert_eq "$(own "$d/n0")" 0:0 "no_root_squash: $d/n0"
	[ -c "$d/chr" ] || fail "no_root_squash: no device $d/chr"
done
for d in "$E"/as/probe.*.allsquash; do
	for f in a0 a1 a2; do
		assert_eq "$(own "$d/$f")" 1234:5678 "all_squash: $d/$f"
	done
done
for f in "$E"/rs/probe.*.setuid/su "$E"/nrs/probe.*.setuid/su; do
	m=$(stat -c %a "$f")
	[ $((8#$m & 8#4000)) -eq 0 ] || fail "$f: setuid survived a non-owner write ($m)"
done
for x in rs rs2 nrs as; do
	assert_eq "$(cat "$E/$x/secret")" secret "$x/secret"
	assert_eq "$(stat -c %a:%u "$E/$x/secret")" 600:1000 "$x/secret mode/owner"
done
ok "owners on disk: root_squash, anonuid, no_root_squash, all_squash; setuid cleared"
check_daemons
