#!/bin/bash
# t_statd_restart: what rpc.statd keeps across restarts and crashes, and
# sm-notify's job at start, with Debian's rpc.statd as the peer:
#  - the state number goes to the next odd number at each start (SIGTERM
#    or kill -9 before), -L keeps it, a corrupt state file is a warning;
#  - the monitor list survives kill -9: the same sm/ files, and the
#    registrations are back in memory (an SM_NOTIFY calls the original
#    cookie back);
#  - at start every host monitored before is notified (-n ADDRESS: from
#    that address, with that mon_name): a peer whose statd is not up yet is
#    retried with back-off until Debian's rpc.statd answers, which then
#    calls its own lock manager back with our new state; a host that never
#    answers is given up after notify-retry-time and stays in sm.bak/;
#    answered hosts leave sm.bak/;
#  - -p (a privileged port) and -o: the listeners and the SM_NOTIFY socket;
#  - SM_SIMU_CRASH and -N (notify, then exit) notify the peer too.
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
. "$(dirname "$0")/statd-lib.sh"

peer_rpcbind
start_rpcbind
statd_conf notify-retry-time=12
# the peer's lock manager: a callback receiver registered with its rpcbind
start_daemon peer-cb nsenter --net="/proc/$PEER_PID/ns/net" \
    --mount="/proc/$PEER_PID/ns/mnt" -- "$NSMPROBE" serve 100021 3
wait_until 10 grep -q '^serving' "$T/peer-cb.log" || fail "the peer's callback receiver"
# Debian's statd monitors us already (its sm/ read at its start)
mkdir -p "$PSD/sm" "$PSD/sm.bak"
printf '0100007f 000186b5 00000003 00000010 %s %s %s\n' \
    a1a2a3a4a5a6a7a8a9aaabacadaeafb0 "$ADDR_SELF" 127.0.0.1 >"$PSD/sm/$ADDR_SELF"

# ---------------------------------------------------------------- kill -9
start_statd -d -n "$ADDR_SELF"
assert_eq "$(statd_state)" 1 "first state"
np sm-mon 127.0.0.1 00112233445566778899aabbccddeeff
np sm-mon "$ADDR_PEER" 0202
np -n other sm-mon host.example 0303
np sm-mon 192.0.2.99 0909
cp -a "$SD/sm" "$T/sm.before"
stop_daemon statd KILL
assert_eq "$(statd_state)" 1 "state after kill -9"
diff -r "$T/sm.before" "$SD/sm" || fail "sm/ changed by kill -9"
mv "$T/statd.log" "$T/statd-1.log"

start_statd -d -n "$ADDR_SELF"
assert_eq "$(statd_state)" 3 "state after kill -9 and a restart"
diff -r "$T/sm.before" "$SD/sm" || fail "sm/ changed by the restart"
np sm-stat x
assert_eq "$OUT" "stat_succ state=3" "SM_STAT after the restart"
port=$(sed -n 's/.*ready on port \([0-9]*\) (udp).*/\1/p' "$T/statd.log")
assert_match "^ +100024 +1 +udp +$port +status\$" "$(rpcinfo -p)" "the new port is registered"
# the registrations are back: a notification of 127.0.0.1 calls the
# original cookie back
start_daemon cb "$NSMPROBE" serve 100021 3
wait_until 10 grep -q '^serving' "$T/cb.log" || fail "callback receiver"
np sm-notify localhost 41
wait_until 10 grep -q ' state=41 ' "$T/cb.log" || fail "no callback after the restart"
assert_match '^callback prog=100021 vers=3 proc=16 from=127\.0\.0\.1 mon_name=127\.0\.0\.1 state=41 priv=00112233445566778899aabbccddeeff$' \
    "$(cat "$T/cb.log")" "the callback of a registration read back"
ok "kill -9: state 1 -> 3, sm/ intact, registrations back in memory"

# ---------------------------------------------------------------- start-up notification
# the peer's statd is not running: the first attempts fail, then it starts
wait_until 10 grep -q "SM_NOTIFY to $ADDR_PEER .*attempt 1:" "$T/statd.log" ||
    fail "no failed first attempt to notify $ADDR_PEER"
[ -f "$SD/sm.bak/$ADDR_PEER" ] || fail "sm.bak/$ADDR_PEER missing while notifying"
start_peer_statd
wait_until 20 grep -q "$ADDR_PEER answered our SM_NOTIFY (state 3)" "$T/statd.log" ||
    fail "the peer's statd was not notified"
wait_until 10 grep -q ' state=3 ' "$T/peer-cb.log" || fail "the peer's statd did not call its lock manager back"
cat "$T/peer-cb.log"
assert_match "^callback prog=100021 vers=3 proc=16 from=127\\.0\\.0\\.1 mon_name=$ADDR_SELF state=3 priv=a1a2a3a4a5a6a7a8a9aaabacadaeafb0\$" \
    "$(cat "$T/peer-cb.log")" "Debian's statd's callback"
assert_match "Received SM_NOTIFY from $ADDR_SELF, state: 3" "$(cat "$T/peer-statd.log")" \
    "Debian's statd logged our SM_NOTIFY (mon_name = -n)"
[ ! -e "$SD/sm.bak/$ADDR_PEER" ] || fail "sm.bak/$ADDR_PEER stays after the answer"
wait_until 5 test ! -e "$SD/sm.bak/127.0.0.1" || fail "sm.bak/127.0.0.1 stays (we answer ourselves)"
# a host that never answers: given up after notify-retry-time (12 s)
wait_until 30 grep -q "no answer from 192.0.2.99 to SM_NOTIFY after" "$T/statd.log" ||
    fail "192.0.2.99 was not given up"
[ -f "$SD/sm.bak/192.0.2.99" ] || fail "sm.bak/192.0.2.99 was dropped"
[ -f "$SD/sm.bak/host.example" ] || fail "sm.bak/host.example was dropped"
assert_match "cannot resolve host.example \(to notify it\): " "$(cat "$T/statd.log")" \
    "the unresolvable name is reported"
diff -r "$T/sm.before" "$SD/sm" || fail "sm/ changed by the notifications"
ok "start-up: the peer notified once its statd came up, from and as $ADDR_SELF; a dead host given up"

# ---------------------------------------------------------------- SM_SIMU_CRASH
np sm-simu-crash
assert_eq "$(statd_state)" 5 "state after SM_SIMU_CRASH"
wait_until 15 grep -q ' state=5 ' "$T/peer-cb.log" || fail "SM_SIMU_CRASH did not reach the peer"
assert_eq "$(ls -A "$SD/sm")" "" "sm/ after SM_SIMU_CRASH"
ok "SM_SIMU_CRASH: state 5 reaches Debian's statd"

# ---------------------------------------------------------------- SIGTERM, -L, -N
np sm-mon "$ADDR_PEER" 0202
stop_daemon statd
# fixed ports this time: a privileged listening port (registered before
# the privileges go; below 600, where no client's reserved port lands),
# SM_NOTIFY from -n's address and -o's port
start_statd -d -n "$ADDR_SELF" -p 599 -o 4001
assert_eq "$(statd_state)" 7 "state after SIGTERM and a restart"
rp=$(rpcinfo -p)
assert_match '^ +100024 +1 +udp +599 +status$' "$rp" "-p 599 over udp"
assert_match '^ +100024 +1 +tcp +599 +status$' "$rp" "-p 599 over tcp"
assert_match "$ADDR_SELF:4001 " "$(ss -uanp | grep "pid=$(daemon_pid statd),")" \
    "the SM_NOTIFY socket at $ADDR_SELF:4001"
wait_until 15 grep -q ' state=7 ' "$T/peer-cb.log" || fail "the restart did not reach the peer"
stop_daemon statd
cp "$T/peer-cb.log" "$T/peer-cb.before"
start_statd -L -n "$ADDR_SELF"
assert_eq "$(statd_state)" 7 "-L keeps the state"
np sm-stat x
assert_eq "$OUT" "stat_succ state=7" "SM_STAT with -L"
stop_daemon statd
assert_eq "$(grep -c ' state=7 ' "$T/peer-cb.log")" 1 "-L notified nobody"
[ ! -e "$SD/sm.bak/$ADDR_PEER" ] || fail "-L wrote sm.bak"

# -N: notify, wait for the answers, exit 0 (the dead host and the
# unresolvable name are in sm.bak/ too: a short retry time)
"$STATD" -F -N -n "$ADDR_SELF" -f "$T/statd.conf" >>"$T/notify.log" 2>&1 &
pid=$!
_PIDS+=("$pid")
wait_until 15 grep -q ' state=9 ' "$T/peer-cb.log" || fail "-N did not reach the peer"
assert_eq "$(statd_state)" 9 "state after -N"
wait_exit "$pid" 30 || fail "-N did not exit once the notify-retry-time passed"
assert_eq "$WAIT_STATUS" 0 "-N's exit status"
[ ! -e "$SD/sm.bak/$ADDR_PEER" ] || fail "sm.bak/$ADDR_PEER after -N"
! rpcinfo -p | grep -q ' status$' || fail "-N registered with rpcbind"
ok "SIGTERM: 5 -> 7 notified; -L: 7 kept, nobody notified; -N: 9, notified, exit 0"

# ---------------------------------------------------------------- a corrupt state file
printf 'abc' >"$SD/state"
start_statd -L
assert_match "not a state file" "$(cat "$T/statd.log")" "the corrupt state file is reported"
assert_eq "$(statd_state)" 1 "state after a corrupt file"
ok "a corrupt state file: a warning, state 1"

check_daemons
