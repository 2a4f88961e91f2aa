#!/bin/bash
# t_two_guests: two guests at once on the bridge, each with its own address
# and MAC: each reaches the server and the other guest, and our rpcbind
# answers both. The base of every two-client test.
# timeout: 300
. "$(dirname "$0")/lib.sh"

lc_net_setup
start_lc_rpcbind

cat >"$T/two-guest.sh" <<'GUEST'
. /share/guest-lib.sh
other=$NET_PREFIX.$((10 + 3 - GUEST_NUM))

step "my address is $GUEST_ADDR"
must ip -4 -o addr show dev eth0
assert_match "inet $GUEST_ADDR/24" "$OUT"

step "rpcinfo -p $SERVER_ADDR"
must rpcinfo -p "$SERVER_ADDR"
assert_match '^ *100000 +4 +tcp +111 +portmapper' "$OUT"

step "meet the other guest ($other)"
barrier "$other"
must ping -c 1 -W 2 "$other"
barrier "$other"	# neither powers off before the other's ping
ok "$GUEST_NAME reached the server and $other"
GUEST

guest_start 1 "$T/two-guest.sh" -t 180 -e "NET_PREFIX=$NET_PREFIX"
guest_start 2 "$T/two-guest.sh" -t 180 -e "NET_PREFIX=$NET_PREFIX"
guest_wait 1
guest_wait 2
ok "two guests, $(guest_addr 1) and $(guest_addr 2), ran at once"
lc_timings
