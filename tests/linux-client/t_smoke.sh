#!/bin/bash
# t_smoke: the harness end to end. Our rpcbind and rpc.mountd (exporting a
# scratch directory to 198.51.100.0/24) listen on the bridge; a guest runs
# Debian's rpcinfo -p and showmount -e against them over its tap, from its
# own address; the guest has the NFS client modules (v2 and v3), mount.nfs
# and a working rpc.statd. Prints the harness timings.
# timeout: 300
. "$(dirname "$0")/lib.sh"

lc_net_setup
start_lc_rpcbind
have_mountd=0
if [ -x "$MOUNTD" ]; then
	mkdir -p "$T/export"
	start_lc_mountd "$T/export $NET_PREFIX.0/24(rw,no_root_squash)"
	have_mountd=1
else
	echo "note: $MOUNTD not built: checking rpcbind only"
fi

cat >"$T/smoke-guest.sh" <<'GUEST'
. /share/guest-lib.sh

step "reach the server ($SERVER_ADDR)"
must ping -c 1 -W 5 "$SERVER_ADDR"

step "rpcinfo -p $SERVER_ADDR"
must rpcinfo -p "$SERVER_ADDR"
for proto in tcp udp; do
	assert_match "^ *100000 +2 +$proto +111 +portmapper" "$OUT" "portmapper v2/$proto"
done
if [ "$HAVE_MOUNTD" = 1 ]; then
	assert_match '^ *100005 +3 +tcp +[0-9]+ +mountd' "$OUT" "mountd v3/tcp"
	assert_match '^ *100005 +3 +udp +[0-9]+ +mountd' "$OUT" "mountd v3/udp"

	step "showmount -e $SERVER_ADDR"
	must showmount -e "$SERVER_ADDR"
	assert_match "^Export list for $SERVER_ADDR:" "$OUT" "showmount header"
	assert_match "^$EXPORT_DIR +$NET_PREFIX\.0/24\$" "$OUT" "the export"
fi

step "the guest kernel's NFS client"
must cat /proc/filesystems
assert_match 'nfs$' "$OUT" "nfs in /proc/filesystems"
must modprobe nfsv2
must ls /sbin/mount.nfs

step "the guest's own rpcbind and rpc.statd (for NLM)"
start_statd
must rpcinfo -p 127.0.0.1
assert_match '^ *100024 +1 +tcp +[0-9]+ +status' "$OUT" "statd registered"
ok "rpcinfo${HAVE_MOUNTD/1/ and showmount} from $GUEST_ADDR; NFS client and statd ready"
GUEST

guest_run 1 "$T/smoke-guest.sh" -t 120 -e "HAVE_MOUNTD=$have_mountd" \
    -e "EXPORT_DIR=$T/export" -e "NET_PREFIX=$NET_PREFIX"
ok "guest1 ran rpcinfo -p$([ $have_mountd = 1 ] && echo " and showmount -e")"

# The server saw the guest itself, not a NAT address.
if [ $have_mountd = 1 ]; then
	grep -q "$(guest_addr 1)" "$T/mountd.log" &&
	    ok "mountd logged the guest's address $(guest_addr 1)" ||
	    echo "note: mountd does not log EXPORT callers at this level"
fi
lc_timings
