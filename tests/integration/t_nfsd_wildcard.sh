#!/bin/bash
# t_nfsd_wildcard: exports that name their clients by a wildcard (and a
# netgroup nobody is in). The client 127.0.0.1 is known to the server as
# "localhost" (/etc/hosts: reverse lookup confirmed by the forward one), so
# an export to "local*" admits it: MNT in rpc.mountd, and NFS requests in
# rpc.nfsd, whose first request waits for the name lookup of its resolver
# thread. The peer namespace (192.0.2.2) has no name: refused by both.
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
PROBE=$BUILD/tests/clients/nfsprobe
[ -x "$PROBE" ] || fail "$PROBE not built"
. "$(dirname "$0")/nfs-lib.sh"

mkdir -p "$E/wild" "$E/other" "$T/exports.d"
echo hello >"$E/wild/hello"
cat >"$T/exports" <<EOX
$E/wild	local*(rw,insecure,no_root_squash) @no-such-netgroup(rw)
$E/other	192.0.2.77(rw)
EOX
peer_setup
start_rpcbind
start_nfs
wait_rpc 100003 3 tcp "$ADDR_SELF"

# the name-matched export works end to end from 127.0.0.1
must nfs-ls "nfs://127.0.0.1$E/wild"
assert_match "hello" "$OUT" "the wildcard export lists from 127.0.0.1"
must nfs-cat "nfs://127.0.0.1$E/wild/hello"
assert_match "^hello$" "$OUT" "and reads through rpc.nfsd"
printf 'written\n' >"$T/src"
must nfs-cp "$T/src" "nfs://127.0.0.1$E/wild/new"
[ "$(cat "$E/wild/new")" = written ] || fail "the write did not land"
ok "local* admits 127.0.0.1 (localhost) in mountd and nfsd"

# the peer has no name: MNT refused, and NFS calls with a handle an
# allowed client obtained refused too
probe self 127.0.0.1 "$E/wild" save
rootfh=$(awk '$1 == "fh" && $2 == "root" { print $3 }' "$T/probe-self.out")
[ -n "$rootfh" ] || fail "no root handle from nfsprobe save"
for args in "$ADDR_SELF $E/wild mntdenied" \
    "-N -H root=$rootfh $ADDR_SELF $E/wild nfsdenied"; do
	# shellcheck disable=SC2086
	in_peer "$PROBE" $args >"$T/peer.out" 2>&1 || {
		cat "$T/peer.out"
		fail "the nameless peer was not refused: $args"
	}
done
[ ! -e "$E/wild/denied-create" ] || fail "the peer created a file"
grep -q "refused mount request from 192.0.2.2" "$T/mountd.log" ||
    fail "mountd did not log the refusal"
ok "a client without a name gets nothing from a wildcard export"
check_daemons

# [nfsd] udp = no: TCP only, and only TCP is registered
stop_daemon nfsd
start_daemon nfsd "$BUILD/nfsd/rpc.nfsd" -F -f "$T/nfs.conf" \
    -e "$T/exports" -E "$T/exports.d" -o udp=no
wait_rpc 100003 3 tcp
must rpcinfo -p 127.0.0.1
assert_nomatch "100003 +3 +udp" "$OUT" "no NFS over UDP registered"
mustnot rpcinfo -T udp 127.0.0.1 100003 3
ok "udp = no: rpc.nfsd serves TCP only"
