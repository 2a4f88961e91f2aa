#!/bin/bash
# t_nfsd_denied: client addresses and ports. From the peer namespace
# (192.0.2.2), which is not in the export: MNT is refused, and NFS calls
# (GETATTR, LOOKUP, READDIR, FSINFO, CREATE) with a root handle obtained by
# an allowed client (127.0.0.1) are refused, over TCP and UDP. A "secure"
# export refuses NFS calls from a non-privileged source port (TCP and UDP)
# and takes them from a reserved one; an "insecure" export takes both.
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
PROBE=$BUILD/tests/clients/nfsprobe
[ -x "$PROBE" ] || fail "$PROBE not built"
[ -x "$BUILD/nfsd/rpc.nfsd" ] || fail "rpc.nfsd not built"

. "$(dirname "$0")/nfs-lib.sh"

mkdir -p "$E/only" "$E/sec" "$E/insec" "$T/exports.d"
echo x >"$E/only/ro_file"
chmod 0777 "$E/only" "$E/sec" "$E/insec"
cat >"$T/exports" <<EOF2
$E/only	127.0.0.1(rw,no_root_squash)
$E/sec	192.0.2.2(rw,secure,no_root_squash)
$E/insec	192.0.2.2(rw,insecure,no_root_squash)
EOF2
peer_setup
start_rpcbind
start_nfs
wait_rpc 100003 3 tcp "$ADDR_SELF"
in_peer rpcinfo -T tcp "$ADDR_SELF" 100003 3 >/dev/null ||
    fail "the peer cannot reach nfsd"

# an allowed client's root handle
probe self 127.0.0.1 "$E/only" save
rootfh=$(awk '$1 == "fh" && $2 == "root" { print $3 }' "$T/probe-self.out")
[ -n "$rootfh" ] || fail "no root handle from nfsprobe save"

# the peer: MNT refused, the handle refused
pprobe() {
	local name=$1 rc=0
	shift
	echo "+ (peer) nfsprobe $*"
	in_peer "$PROBE" "$@" >"$T/probe-$name.out" 2>&1 || rc=$?
	cat "$T/probe-$name.out"
	[ $rc -eq 0 ] || fail "peer nfsprobe $name: $(grep -c '^not ok' "$T/probe-$name.out") checks failed (exit $rc)"
	ok "peer nfsprobe $name"
}
pprobe mnt "$ADDR_SELF" "$E/only" mntdenied
pprobe nfs-tcp -N -H "root=$rootfh" "$ADDR_SELF" "$E/only" nfsdenied
pprobe nfs-udp -U -N -H "root=$rootfh" "$ADDR_SELF" "$E/only" nfsdenied
[ ! -e "$E/only/denied-create" ] || fail "the peer created a file"

# secure / insecure (MNT from a reserved port in every case)
pprobe sec-priv "$ADDR_SELF" "$E/sec" nfsallowed
pprobe sec-priv-udp -U "$ADDR_SELF" "$E/sec" nfsallowed
pprobe sec-nonpriv -P "$ADDR_SELF" "$E/sec" nfsdenied
pprobe sec-nonpriv-udp -U -P "$ADDR_SELF" "$E/sec" nfsdenied
pprobe insec-nonpriv -P "$ADDR_SELF" "$E/insec" nfsallowed
pprobe insec-nonpriv-udp -U -P "$ADDR_SELF" "$E/insec" nfsallowed
[ -z "$(ls "$E/sec")" ] || fail "a non-privileged port created something in $E/sec"
ok "secure refuses non-privileged ports, insecure takes them"
check_daemons
