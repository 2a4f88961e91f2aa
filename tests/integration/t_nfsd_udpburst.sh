#!/bin/bash
# t_nfsd_udpburst: NFS over UDP holds a Linux client's burst. The client
# keeps 16 requests in flight over UDP (sunrpc udp_slot_table_entries) at
# wsize 32 KiB: about 530 KiB arrive at once, and a datagram the server's
# socket drops costs the client a retransmission timeout (timeo, 1.1 s and
# up), so the UDP socket's receive buffer must hold such a burst: at least
# 1 MiB as the kernel accounts it (ss -m "rb"; the default 208 KiB of
# net.core.rmem_max does not, and only SO_RCVBUFFORCE gets past rmem_max).
# Then 8 bursts of 16 x 32 KiB WRITEs from nfsprobe, every one answered.
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
PROBE=$BUILD/tests/clients/nfsprobe
[ -x "$PROBE" ] || fail "$PROBE not built"
[ -x "$BUILD/nfsd/rpc.nfsd" ] || fail "rpc.nfsd not built"
command -v ss >/dev/null || fail "no ss (iproute2)"

. "$(dirname "$0")/nfs-lib.sh"

mkdir -p "$E/a" "$T/exports.d"
chmod 0777 "$E/a"
echo "$E/a	127.0.0.1(rw,no_root_squash)" >"$T/exports"
start_rpcbind
start_nfs

must ss -uanm sport = :2049
rb=$(printf '%s\n' "$OUT" | sed -n 's/.*skmem:(r[0-9]*,rb\([0-9]*\),.*/\1/p' | sort -n | head -1)
[ -n "$rb" ] || fail "no receive buffer size for nfsd's UDP socket in ss -m"
echo "nfsd UDP receive buffer: $rb bytes (net.core.rmem_max $(cat /proc/sys/net/core/rmem_max))"
probe udpburst -U -t 3 127.0.0.1 "$E/a" udpburst
[ "$rb" -ge 1048576 ] ||
    fail "nfsd's UDP socket buffer is $rb bytes: a burst of 16 x 32 KiB WRITEs (about 530 KiB) overflows it"
ok "UDP receive buffer $rb bytes"
check_daemons
