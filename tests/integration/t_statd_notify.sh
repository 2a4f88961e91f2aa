#!/bin/bash
# t_statd_notify: a peer's reboot reaches our lock manager. Debian's
# sm-notify runs in the peer namespace (state directory of its own, its
# sm/ naming us) and our rpc.statd passes its SM_NOTIFY to every local
# caller that monitors the peer (a callback receiver registered with our
# rpcbind as 100021 v3, like lockd's procedure 16), with the cookie of the
# registration and the peer's new state:
#  - only the registrations of the notifying host are called back;
#  - a second reboot (sm-notify -f again) is passed on, a replay of the
#    same state is not;
#  - a host monitored by a name with no address matches by that name;
#  - a callback to a lock manager that went away is retried and reaches
#    its successor on another port;
#  - the -H callout hears add-client, del-client and sm-notify, with
#    nfs-utils' arguments.
# timeout: 90
. "$(dirname "$0")/lib.sh"
need_rpcbind
. "$(dirname "$0")/statd-lib.sh"
[ -x /sbin/sm-notify ] || fail "Debian's sm-notify is not installed (nfs-common)"

peer_setup
start_rpcbind
cat >"$T/ha.sh" <<EOS
#!/bin/sh
echo "\$*" >>"$T/ha.out"
EOS
chmod 755 "$T/ha.sh"
: >"$T/ha.out"
chmod 666 "$T/ha.out"
statd_conf "ha-callout=$T/ha.sh"
start_statd -d
start_daemon cb "$NSMPROBE" serve 100021 3
wait_until 10 grep -q '^serving' "$T/cb.log" || fail "callback receiver"

P1=0102030405060708090a0b0c0d0e0f10
P2=2122232425262728292a2b2c2d2e2f30
P3=4142434445464748494a4b4c4d4e4f50
np -n lockd sm-mon "$ADDR_PEER" "$P1"
np -n lockd2 sm-mon "$ADDR_PEER" "$P3"
np -n lockd sm-mon peer.example "$P2"
np -n lockd sm-mon 192.0.2.3 ffff
wait_until 5 sh -c "[ \$(grep -c '^add-client' '$T/ha.out') -eq 4 ]" ||
    fail "add-client callouts: $(cat "$T/ha.out")"
assert_match "^add-client $ADDR_PEER lockd\$" "$(cat "$T/ha.out")" "add-client callout"
assert_match "^add-client peer.example lockd\$" "$(cat "$T/ha.out")" "add-client callout by name"

# ---------------------------------------------------------------- Debian's sm-notify
PD=$T/peer-sm-notify
mkdir -p "$PD/sm" "$PD/sm.bak"
peer_rec() {
	printf '0100007f 000186b5 00000003 00000010 %s %s %s\n' \
	    00000000000000000000000000000000 "$ADDR_SELF" "$ADDR_PEER" >"$PD/sm/$ADDR_SELF"
}
peer_state() {
	od -An -tu4 "$PD/state" | tr -d ' \n'
}
sm_notify() {
	peer_rec
	# no -v: it would want a name for the address (reverse lookup); the
	# mon_name is then the my_name of the record, our address
	must timeout 60 nsenter --net="/proc/$PEER_PID/ns/net" \
	    --mount="/proc/$PEER_PID/ns/mnt" -- /sbin/sm-notify -f -d -m 1 \
	    -P "$PD"
}
# count_cb STATE PRIV: callbacks seen for that state and cookie
count_cb() {
	grep -c " state=$1 priv=$2\$" "$T/cb.log" || true
}

sm_notify
s1=$(peer_state)
echo "the peer's state: $s1"
[ "$((s1 % 2))" = 1 ] || fail "the peer's state $s1 is not odd"
wait_until 10 sh -c "[ \$(grep -c ' state=$s1 ' '$T/cb.log') -ge 2 ]" ||
    fail "no callbacks for the peer's reboot: $(cat "$T/cb.log")"
cat "$T/cb.log"
assert_match "^callback prog=100021 vers=3 proc=16 from=127\\.0\\.0\\.1 mon_name=$ADDR_PEER state=$s1 priv=$P1\$" \
    "$(cat "$T/cb.log")" "the callback of the peer's reboot"
assert_eq "$(count_cb "$s1" "$P3")" 1 "the other caller's callback"
assert_eq "$(grep -c ' state=' "$T/cb.log")" 2 "callbacks (peer.example and 192.0.2.3 are not the peer)"
assert_eq "$(find "$PD/sm" "$PD/sm.bak" -mindepth 1 | wc -l)" 0 "sm-notify's lists after our answer"
assert_match "SM_NOTIFY from $ADDR_PEER " "$(cat "$T/statd.log")" "the SM_NOTIFY is logged"
wait_until 5 grep -q "^sm-notify [^ ]* $ADDR_PEER $s1\$" "$T/ha.out" ||
    fail "no sm-notify callout: $(cat "$T/ha.out")"
ok "Debian's sm-notify (state $s1): both registrations of $ADDR_PEER called back with their cookies"

# Debian's sm-notify sends a second SM_NOTIFY with mon_name "192" (the
# first label of its my_name): the same state, not passed on again
assert_match "mon_name 192, state $s1\): this state was passed on already" \
    "$(cat "$T/statd.log")" "sm-notify's second SM_NOTIFY is a replay"

# a second reboot
sm_notify
s2=$(peer_state)
[ "$s2" -gt "$s1" ] || fail "sm-notify -f did not bump the state ($s1 -> $s2)"
wait_until 10 sh -c "[ \$(grep -c ' state=$s2 ' '$T/cb.log') -ge 2 ]" ||
    fail "no callback for the second reboot"
# a replay of it (same state, from the peer) is not passed on; a newer
# state queued after it is (the handler queues before it answers)
must in_peer "$NLMPROBE" -s "$ADDR_SELF" -P udp sm-notify "$ADDR_PEER" "$s2"
must in_peer "$NLMPROBE" -s "$ADDR_SELF" sm-notify "$ADDR_PEER" "$((s2 + 2))"
wait_until 10 sh -c "[ \$(grep -c ' state=$((s2 + 2)) ' '$T/cb.log') -ge 2 ]" ||
    fail "no callback for state $((s2 + 2))"
assert_eq "$(count_cb "$s2" "$P1")" 1 "callbacks of the replayed state $s2"
ok "a second reboot (state $s2) is passed on, its replay is not"

# ---------------------------------------------------------------- by name
must in_peer "$NLMPROBE" -s "$ADDR_SELF" sm-notify PEER.example 77
wait_until 10 grep -q ' state=77 ' "$T/cb.log" || fail "no callback for peer.example"
assert_match "^callback .* mon_name=peer\\.example state=77 priv=$P2\$" "$(cat "$T/cb.log")" \
    "the callback of the host monitored by name"
# (from the peer its address matched too: 3 callbacks)
assert_eq "$(grep -c ' state=77 ' "$T/cb.log")" 3 "callbacks of state 77"
# from an address nobody monitors: by name only; a stranger is ignored
np sm-notify stranger.example 79
np -P udp sm-notify peer.EXAMPLE 81
wait_until 10 grep -q ' state=81 ' "$T/cb.log" || fail "no callback for state 81"
assert_eq "$(grep -c ' state=81 ' "$T/cb.log")" 1 "callbacks of state 81"
assert_eq "$(grep -c ' state=79 ' "$T/cb.log")" 0 "callbacks for a stranger"
ok "a host monitored by name is matched by that name from anywhere; strangers are ignored"

# ---------------------------------------------------------------- the lock manager restarts
stop_daemon cb
mv "$T/cb.log" "$T/cb-1.log"
must in_peer "$NLMPROBE" -s "$ADDR_SELF" sm-notify "$ADDR_PEER" 101
wait_until 10 grep -q "callback 100021/3/16 for $ADDR_PEER, attempt 1 (udp):" "$T/statd.log" ||
    fail "the callback to the stopped receiver did not fail"
# it comes back over TCP only (a lock manager with [lockd] udp = no)
start_daemon cb "$NSMPROBE" -P tcp serve 100021 3
wait_until 10 grep -q '^serving' "$T/cb.log" || fail "the second callback receiver"
wait_until 20 sh -c "[ \$(grep -c ' state=101 ' '$T/cb.log') -ge 2 ]" ||
    fail "the callback did not reach the restarted receiver"
assert_eq "$(count_cb 101 "$P1")" 1 "the retried callback"
assert_match "callback 100021/3/16 for $ADDR_PEER, attempt [0-9]+ \(udp\): Connection refused" \
    "$(cat "$T/statd.log")" "UDP refused"
ok "a callback retried until the lock manager is back (on another port, TCP only)"

# ---------------------------------------------------------------- del-client
np -n lockd sm-unmon "$ADDR_PEER"
np -n lockd sm-unmon-all
wait_until 5 sh -c "[ \$(grep -c '^del-client' '$T/ha.out') -eq 3 ]" ||
    fail "del-client callouts: $(cat "$T/ha.out")"
cat "$T/ha.out"
assert_match "^del-client $ADDR_PEER lockd\$" "$(cat "$T/ha.out")" "del-client callout"
assert_match "^del-client 192\\.0\\.2\\.3 lockd\$" "$(cat "$T/ha.out")" "del-client of SM_UNMON_ALL"
assert_match "^sm-notify PEER\\.example $ADDR_PEER 77\$" "$(cat "$T/ha.out")" "sm-notify callout"
ok "the -H callout: add-client, del-client, sm-notify MON_NAME ADDRESS STATE"

check_daemons
