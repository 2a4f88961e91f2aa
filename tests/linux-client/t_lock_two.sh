#!/bin/bash
# t_lock_two: locking between two Linux clients (guest A = guest1, guest B =
# guest2), both mounted without nolock, in one boot of each:
#  1. A holds a lock, B's F_SETLK gets EAGAIN and its F_SETLKW blocks; A
#     unlocks and B's F_SETLKW returns within 2 s (our lockd's NLM_GRANTED
#     callback to B's lock manager).
#  2. The whole suite is killed (SIGKILL: rpcbind, mountd, nfsd, statd,
#     lockd) while A, B and a third client C (nlmprobe in a peer namespace)
#     hold locks, and started again with a 20 s grace period: our statd
#     notifies the hosts it monitored, A and B reclaim their locks (the
#     server holds them again, checked with F_OFD_GETLK), C does not; B's
#     attempt at C's lock waits until the grace period is over and only
#     then succeeds: a lock that was not reclaimed is given to nobody
#     during grace.
#  3. A holds a lock and B waits for it (F_SETLKW); A is powered off hard
#     (QEMU killed): B stays blocked, the server keeps A's lock. A boots
#     again with its state directory (/var/lib/nfs, saved before the power
#     loss as a disk would keep it); its rpc.statd runs sm-notify, our statd
#     passes the notification to lockd, which drops A's locks and grants
#     B's waiting lock: B's F_SETLKW returns.
# timeout: 420
. "$(dirname "$0")/lib.sh"

GRACE=20
lc_net_setup
peer_setup
X=$T/export
mkdir -p "$X"
for f in f0 f1 f2; do
	echo "data of $f" >"$X/$f"
done
start_lc_locking_server -g 0 -- \
    "$X $NET_PREFIX.0/24(rw,no_root_squash) $ADDR_PEER(rw,no_root_squash)"
for n in 1 2; do
	mkdir -p "$T/guest$n"
	cp "$SRCDIR/tests/linux-client/lockctl.py" "$T/guest$n/"
done
LOCKCTL=$SRCDIR/tests/linux-client/lockctl.py
NLMPROBE=$BUILD/tests/clients/nlmprobe
[ -x "$NLMPROBE" ] || fail "$NLMPROBE not built"

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
srv_is() {
	local got
	got=$(/usr/bin/python3 "$LOCKCTL" ofd-getlk "$X/$1" "$2" "$3" "$4") ||
	    return 1
	[ "$got" = "$5" ]
}
srv_held() { srv_is "$1" 0 1 w "locked w 0 $2 pid=-1"; }
srv_free() { srv_is "$1" 0 0 w unlocked; }
show() {
	local f
	for f in f0 f1 f2; do
		echo "server: $f: $(/usr/bin/python3 "$LOCKCTL" ofd-getlk "$X/$f" 0 0 w)"
	done
}

# ---------------------------------------------------------------- guests
cat >"$T/a.sh" <<'GUEST'
. /share/guest-lib.sh
L="python3 /share/lockctl.py"
M=/mnt/nfs
B=$NET_PREFIX.12
mkdir -p $M
start_statd
step "mount"
must mount -t nfs -o vers=3,proto=tcp "$SERVER_ADDR:$EXPORT" $M

step "1: hold f0 while B waits"
$L hold $M/f0 0 0 w --ready /tmp/a0 >/tmp/a0.out &
a0=$!
while [ ! -e /tmp/a0 ]; do sleep 0.05; done
barrier "$B"	# 1: A holds f0
barrier "$B"	# 2: B waits for it
kill $a0
wait $a0
: >/share/unlocked-f0

step "2: hold f1 across the server's crash"
$L hold $M/f1 0 10 w --ready /tmp/a1 >/tmp/a1.out &
a1=$!
while [ ! -e /tmp/a1 ]; do sleep 0.05; done
host_check a-holds 240

step "3: hold f1 while B waits, then lose power"
barrier "$B" 180	# 3: B waits for f1
# what the disk would hold at the power loss: statd's state directory
rm -rf /share/nfs-state
cp -a /var/lib/nfs /share/nfs-state
ls -lR /share/nfs-state
: >/share/power-off
sleep 600	# the host pulls the plug
GUEST

cat >"$T/a2.sh" <<'GUEST'
. /share/guest-lib.sh
step "boot again with the saved state directory"
rm -rf /var/lib/nfs
cp -a /share/nfs-state /var/lib/nfs
ls -lR /var/lib/nfs
# rpc.statd runs sm-notify at start (no --no-notify): the server hears of
# the reboot
rpcbind -w 2>/dev/null || rpcbind || fail "rpcbind"
must rpc.statd
: >/share/notifying
host_check a2-done 120
ps ax | grep -E 'sm-notify|statd' | grep -v grep || true
GUEST

cat >"$T/b.sh" <<'GUEST'
. /share/guest-lib.sh
L="python3 /share/lockctl.py"
M=/mnt/nfs
A=$NET_PREFIX.11
mkdir -p $M
start_statd
step "mount"
must mount -t nfs -o vers=3,proto=tcp "$SERVER_ADDR:$EXPORT" $M

step "1: wait for A's lock on f0"
barrier "$A"	# 1: A holds f0
mustnot $L setlk $M/f0 0 0 w
assert_eq "$OUT" EAGAIN "F_SETLK while A holds f0"
$L hold $M/f0 0 0 w --wait --ready /share/granted-f0 >/tmp/b0.out &
b0=$!
sleep 1
[ ! -e /share/granted-f0 ] || fail "F_SETLKW returned while A held f0"
barrier "$A"	# 2: B waits
for i in $(seq 600); do [ -e /share/granted-f0 ] && break; sleep 0.05; done
[ -e /share/granted-f0 ] || fail "F_SETLKW on f0 not granted 30 s after A's unlock"
cat /tmp/b0.out

step "2: hold f0 across the server's crash"
host_check b-holds 240
step "2: C's lock, not reclaimed, during grace"
: >/share/try-f2
$L hold $M/f2 0 10 w --ready /share/got-f2 >/tmp/b2.out &
b2=$!
for i in $(seq 1800); do [ -e /share/got-f2 ] && break; sleep 0.05; done
[ -e /share/got-f2 ] || fail "f2 never granted"
cat /tmp/b2.out
host_check b-got-f2
kill $b2
wait $b2

step "3: wait for A's lock on f1"
mustnot $L setlk $M/f1 0 10 w
assert_eq "$OUT" EAGAIN "F_SETLK while A holds f1"
$L hold $M/f1 0 10 w --wait --ready /share/granted-f1 >/tmp/b1.out &
b1=$!
sleep 1
[ ! -e /share/granted-f1 ] || fail "F_SETLKW returned while A held f1"
barrier "$A"	# 3: B waits for f1
for i in $(seq 3600); do [ -e /share/granted-f1 ] && break; sleep 0.05; done
[ -e /share/granted-f1 ] || fail "F_SETLKW on f1 never granted after A's reboot"
cat /tmp/b1.out
host_check b-granted-f1
kill $b0 $b1
wait
must umount $M
ok "B: granted after A's unlock, reclaimed after the server's crash, granted after A's reboot"
GUEST

env=(-e "EXPORT=$X" -e "NET_PREFIX=$NET_PREFIX")
guest_start 1 "$T/a.sh" -t 400 "${env[@]}"
guest_start 2 "$T/b.sh" -t 400 "${env[@]}"

# ---------------------------------------------------------------- 1
wait_until 120 test -e "$T/guest1/unlocked-f0" || { guest_wait 1; fail "A never unlocked f0"; }
t0=$(now)
wait_until 30 test -e "$T/guest2/granted-f0" || { guest_wait 2; fail "B's F_SETLKW never returned"; }
dt=$(since "$t0")
echo "1: B granted ${dt}s after A's unlock"
LC_TIMINGS+=("1: B's F_SETLKW granted ${dt}s after A's unlock")
awk -v d="$dt" 'BEGIN { exit !(d < 2) }' || fail "B granted after ${dt}s, not within 2 s"

# ---------------------------------------------------------------- 2
wait_until 120 test -e "$T/guest1/a-holds" || { guest_wait 1; fail "A never held f1"; }
wait_until 120 test -e "$T/guest2/b-holds" || { guest_wait 2; fail "B never held f0"; }
must in_peer "$NLMPROBE" -s "$ADDR_SELF" -e "$X" -n client-c lock f2 0 10
assert_eq "$OUT" granted "C's lock on f2"
show
srv_held f0 0 && srv_held f1 10 && srv_held f2 10 || fail "the server does not hold A's, B's and C's locks"
echo "+ killing the whole suite (SIGKILL)"
for d in lockd statd nfsd mountd rpcbind; do
	stop_daemon "$d" KILL
done
show
srv_free f0 && srv_free f1 && srv_free f2 || fail "locks survived the lock manager"
t_restart=$(now)
start_lc_rpcbind
start_lc_mountd "$X $NET_PREFIX.0/24(rw,no_root_squash) $ADDR_PEER(rw,no_root_squash)"
start_lc_nfsd
start_lc_statd
start_lc_lockd -g "$GRACE"
t_lockd=$(now)
grep -E 'notif|grace' "$T/statd.log" "$T/lockd.log" | tail -n 8
wait_until 60 eval 'srv_held f0 0 && srv_held f1 10' || { show; fail "A and B did not reclaim within 60 s"; }
dt=$(since "$t_restart")
echo "2: A and B reclaimed ${dt}s after the restart"
LC_TIMINGS+=("2: A and B reclaimed ${dt}s after the suite restarted")
show
srv_free f2 || fail "C's lock came back"
: >"$T/guest1/a-holds.done"
: >"$T/guest2/b-holds.done"
wait_until 60 test -e "$T/guest2/try-f2" || { guest_wait 2; fail "B never tried f2"; }
in_grace=$(since "$t_lockd")
wait_until 120 test -e "$T/guest2/got-f2" || { guest_wait 2; fail "B never got f2"; }
dt=$(since "$t_lockd")
echo "2: B asked for f2 ${in_grace}s into grace, got it ${dt}s after lockd started (grace ${GRACE}s)"
LC_TIMINGS+=("2: B got C's unreclaimed f2 ${dt}s after lockd started (grace ${GRACE}s)")
awk -v a="$in_grace" -v g="$GRACE" 'BEGIN { exit !(a < g - 2) }' ||
    fail "B asked for f2 too late (${in_grace}s) to show anything"
awk -v d="$dt" -v g="$GRACE" 'BEGIN { exit !(d >= g - 0.5) }' ||
    fail "B got f2 ${dt}s after lockd started, before the ${GRACE}s grace period ended"
grep -q 'grace period over' "$T/lockd.log" || fail "lockd did not log the end of grace"
host_answer 2 b-got-f2 srv_held f2 10

# ---------------------------------------------------------------- 3
wait_until 120 test -e "$T/guest1/power-off" || { guest_wait 1; fail "A never got to the power-off"; }
show
guest_kill 1
sleep 3
show
srv_held f1 10 || fail "the server dropped A's lock without a notification"
[ ! -e "$T/guest2/granted-f1" ] || fail "B got f1 while A was merely off"
[ -d "$T/guest1/nfs-state/sm" ] || fail "A saved no statd state"
rm -f "$T/guest1/notifying"
guest_start 1 "$T/a2.sh" -t 120 "${env[@]}"
wait_until 120 test -e "$T/guest1/notifying" || { guest_wait 1; fail "A did not boot again"; }
t0=$(now)
wait_until 60 test -e "$T/guest2/granted-f1" || { show; guest_wait 2; fail "B was not granted f1 after A's reboot"; }
dt=$(since "$t0")
echo "3: B granted f1 ${dt}s after A's statd started"
LC_TIMINGS+=("3: B granted A's lock ${dt}s after A's rebooted statd started")
grep -E 'rebooted|NOTIFY|notif' "$T/statd.log" "$T/lockd.log" | tail -n 6
host_answer 2 b-granted-f1 srv_held f1 10
host_answer 1 a2-done true
guest_wait 2
guest_wait 1
check_daemons
ok "block and grant, reclaim after a crash, grace, and a client's reboot between two Linux clients"
lc_timings
