#!/bin/bash
# t_nfsd_probe: tests/clients/nfsprobe (libnfs raw RPC) against rpc.nfsd:
# every NFSv3 procedure with its results checked (attr, lookup, io, create,
# readdir), READDIRPLUS and LOOKUP as fresh as a stat (fresh: a file
# changed on the server shows its new size and mtime with the same handle,
# one made again under the old name gets a new handle and the old one is
# STALE, through the handle cache), the duplicate request cache (a retransmitted REMOVE, CREATE,
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

. "$(dirname "$0")/nfs-lib.sh"

mkdir -p "$E/a" "$E/b" "$T/exports.d"
chmod 0777 "$E/a"
cat >"$T/exports" <<EOF2
$E/a	127.0.0.1(rw,no_root_squash,sync)
$E/b	127.0.0.1(rw,no_root_squash)
EOF2
start_rpcbind
start_nfs

groups=(attr lookup io create readdir fresh drc concurrency forged v2 setuid)
probe tcp -X "$E/b" 127.0.0.1 "$E/a" "${groups[@]}"
probe udp -U -X "$E/b" 127.0.0.1 "$E/a" "${groups[@]}"

# the wrapped writes left nothing behind at offset 0 and nothing escaped
for f in "$E"/a/probe.*.io/f; do
	[ "$(head -c 5 "$f")" = hello ] || fail "$f was overwritten at offset 0"
done
! grep -rq WRAP "$E/a" || fail "a huge-offset WRITE landed in a file"
ok "no data from the huge-offset WRITEs"

check_daemons
