#!/bin/bash
# t_lock_one: fcntl and lockf locks from one Linux client, mounted WITHOUT
# nolock, checked on the server itself. The guest runs a battery of lock
# cases on files of the mount (the kernel client sends NLM v4 to our
# rpc.lockd); after each step the host looks at the exported file with
# F_OFD_GETLK from a process of its own, so what is checked is what the
# server's kernel really holds (lockd takes OFD locks), byte for byte:
#  - mount: local_lock=none, statd monitors the guest;
#  - the whole file (len 0), released at close;
#  - ranges: shared, exact boundaries; upgrade and downgrade in place;
#    overlapping and adjacent ranges merge; unlocking the middle splits;
#    to end of file; 64-bit offsets past 4 GiB;
#  - lockf(3) F_TLOCK / F_ULOCK;
#  - parent and child processes (two owners at the server, the child's
#    lock goes when it exits); close of another descriptor drops the locks;
#  - two owners with shared locks on one range, then one upgrades;
#  - a process ON THE SERVER holds a POSIX lock: the guest's F_SETLK gets
#    EAGAIN, F_GETLK names the holder's range, F_SETLKW blocks and is
#    granted (NLM_GRANTED callback to the guest) soon after the local
#    process unlocks; and the reverse: the guest's lock stops the server's
#    local process;
#  - after umount nothing is left locked on the server.
# timeout: 300
. "$(dirname "$0")/lib.sh"

lc_net_setup
mkdir -p "$T/export"
for f in whole ranges merge far lf fork shared local; do
	echo "data of $f" >"$T/export/$f"
done
start_lc_locking_server -g 0 -- "$T/export $NET_PREFIX.0/24(rw,no_root_squash)"
mkdir -p "$T/guest1"
cp "$SRCDIR/tests/linux-client/lockctl.py" "$T/guest1/"
LOCKCTL=$SRCDIR/tests/linux-client/lockctl.py
X=$T/export

# srv_is FILE START LEN r|w EXPECT: F_OFD_GETLK on the server (a new
# description: every NLM lock conflicts with it) prints EXPECT.
srv_is() {
	local got
	got=$(/usr/bin/python3 "$LOCKCTL" ofd-getlk "$X/$1" "$2" "$3" "$4") ||
	    return 1
	echo "server: ofd-getlk $1 $2 $3 $4 -> $got"
	[ "$got" = "$5" ] || { echo "expected: $5"; return 1; }
}
# srv_held FILE START LEN r|w: the server holds exactly [START, +LEN) of
# that type for one NLM owner (LEN 0: to end of file), nothing just before.
srv_held() {
	srv_is "$1" "$2" 1 w "locked $4 $2 $3 pid=-1" || return 1
	[ "$2" = 0 ] || srv_is "$1" $(($2 - 1)) 1 w unlocked
}
# srv_free FILE START LEN: nothing locked there.
srv_free() {
	srv_is "$1" "$2" "$3" w unlocked
}
# all_free: nothing locked on any file of the export.
all_free() {
	local f
	for f in "$X"/*; do
		srv_free "${f##*/}" 0 0 || return 1
	done
}

cat >"$T/guest.sh" <<'GUEST'
. /share/guest-lib.sh
L="python3 /share/lockctl.py"
M=/mnt/nfs
mkdir -p $M
start_statd

step "mount vers=3 without nolock"
must mount -t nfs -o vers=3,proto=tcp "$SERVER_ADDR:$EXPORT" $M
must grep " $M nfs " /proc/mounts
assert_match 'local_lock=none' "$OUT" "local_lock=none"

step "whole file, exclusive, released at close"
$L run $M/whole <<'EOF' || fail "whole"
setlk 0 0 w
check whole-held
setlk 0 0 u
check whole-free
setlk 0 0 w
EOF
host_check whole-closed

step "ranges: shared, upgrade, downgrade in place"
$L run $M/ranges <<'EOF' || fail "ranges"
setlk 100 100 r
check ranges-shared
setlk 100 100 w
check ranges-upgraded
setlk 100 100 r
check ranges-downgraded
setlk 0 0 u
check ranges-free
EOF

step "merge adjacent and overlapping ranges, split by unlocking the middle"
$L run $M/merge <<'EOF' || fail "merge"
setlk 0 10 w
setlk 5 15 w
setlk 20 10 w
check merge-merged
setlk 10 5 u
check merge-split
# to the end of the file from 1000
setlk 1000 0 w
check merge-eof
EOF

step "64-bit offsets past 4 GiB"
$L run $M/far <<'EOF' || fail "far"
setlk 5368709120 10 w
check far-5g
setlk 4294967295 2 r
check far-4g
EOF

step "lockf(3)"
$L run $M/lf <<'EOF' || fail "lockf"
lockf 0 100 tlock
check lf-locked
lockf 0 100 ulock
check lf-unlocked
EOF

step "parent and child processes"
$L fork $M/fork 0 10 /tmp/fork-ready /tmp/fork-go >/tmp/fork.out &
fp=$!
while [ ! -e /tmp/fork-ready ]; do sleep 0.05; done
host_check fork-both
: >/tmp/fork-go
wait $fp || fail "fork: exit $?"
cat /tmp/fork.out
assert_eq "$(cat /tmp/fork.out)" "locked w 0 10 pid=PARENT child-setlk=EAGAIN child-locked-next parent-took-next" "fork"

step "close of another descriptor drops the process's locks"
$L run $M/fork <<'EOF' || fail "reopen-close"
setlk 0 10 w
check close-held
reopen-close
check close-dropped
EOF

step "two owners share a range, then one upgrades"
$L hold $M/shared 0 10 r --ready /tmp/s1 >/tmp/s1.out &
s1=$!
while [ ! -e /tmp/s1 ]; do sleep 0.05; done
$L run $M/shared <<'EOF' || fail "shared"
setlk 0 10 r
check shared-two
setlk 0 10 w EAGAIN
EOF
kill $s1
wait $s1
$L run $M/shared <<'EOF' || fail "upgrade after the other left"
setlk 0 10 r
setlk 0 10 w
check shared-upgraded
EOF

step "a process on the server holds a lock"
host_check local-held
lp=$(cat /share/local.pid)
$L run $M/local <<'EOF' || fail "local holder"
setlk 0 10 w EAGAIN
setlk 5 10 r EAGAIN
setlk 10 10 w
EOF
must $L getlk $M/local 0 10 w
# the holder's range and its pid (the Linux client shows a remote
# holder's svid negated: lockd sends a local holder's pid as the svid)
assert_match "^locked w 0 10 pid=-?$lp\$" "$OUT" "F_GETLK names the server's process"
step "F_SETLKW waits for the server's local process"
$L hold $M/local 0 10 w --wait --ready /tmp/lw >/tmp/lw.out &
lw=$!
sleep 1
[ -e /tmp/lw ] && fail "F_SETLKW returned while the server's process held the lock"
host_check local-released 60
while [ ! -e /tmp/lw ]; do sleep 0.05; done
: >/share/granted-local
cat /tmp/lw.out
host_check guest-holds
kill $lw
wait $lw

step "umount"
must umount $M
host_check unmounted
ok "lock battery from $GUEST_ADDR"
GUEST

local_hold() {
	/usr/bin/python3 "$LOCKCTL" hold "$X/local" 0 10 w --ready "$T/local-ready" \
	    >"$T/local-hold.log" 2>&1 &
	LOCAL_PID=$!
	_PIDS+=("$LOCAL_PID")
	wait_until 10 test -e "$T/local-ready" || return 1
	echo "$LOCAL_PID" >"$T/guest1/local.pid"
}

guest_start 1 "$T/guest.sh" -t 240 -e "EXPORT=$X"
host_answer 1 whole-held srv_held whole 0 0 w
host_answer 1 whole-free srv_free whole 0 0
host_answer 1 whole-closed srv_free whole 0 0
host_answer 1 ranges-shared eval 'srv_held ranges 100 100 r && srv_free ranges 200 0 && srv_is ranges 0 0 r unlocked'
host_answer 1 ranges-upgraded eval 'srv_held ranges 100 100 w && srv_is ranges 150 1 r "locked w 100 100 pid=-1"'
host_answer 1 ranges-downgraded eval 'srv_held ranges 100 100 r && srv_is ranges 0 0 r unlocked'
host_answer 1 ranges-free srv_free ranges 0 0
host_answer 1 merge-merged eval 'srv_held merge 0 30 w && srv_free merge 30 0'
host_answer 1 merge-split eval 'srv_held merge 0 10 w && srv_free merge 10 5 && srv_held merge 15 15 w'
host_answer 1 merge-eof eval 'srv_held merge 1000 0 w && srv_is merge 1099511627776 1 w "locked w 1000 0 pid=-1" && srv_free merge 30 970'
host_answer 1 far-5g eval 'srv_held far 5368709120 10 w && srv_free far 0 5368709120'
host_answer 1 far-4g eval 'srv_held far 4294967295 2 r && srv_held far 5368709120 10 w'
host_answer 1 lf-locked srv_held lf 0 100 w
host_answer 1 lf-unlocked srv_free lf 0 0
host_answer 1 fork-both eval 'srv_held fork 0 10 w && srv_is fork 10 1 w "locked w 10 10 pid=-1" && srv_free fork 20 0'
host_answer 1 close-held srv_held fork 0 10 w
host_answer 1 close-dropped srv_free fork 0 0
host_answer 1 shared-two eval 'srv_held shared 0 10 r && srv_is shared 0 10 r unlocked'
host_answer 1 shared-upgraded srv_held shared 0 10 w
host_answer 1 local-held local_hold
host_answer 1 local-released eval 'kill $LOCAL_PID; srv_free local 10 10 || true'
# the guest saw its F_SETLKW granted: how long after the local unlock?
t0=$(date +%s.%N)
wait_until 30 test -e "$T/guest1/granted-local" || fail "the guest's F_SETLKW was never granted"
dt=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
echo "F_SETLKW granted ${dt}s after the local process unlocked"
LC_TIMINGS+=("F_SETLKW granted ${dt}s after the server's local unlock")
host_answer 1 guest-holds eval 'srv_held local 0 10 w && ! /usr/bin/python3 "$LOCKCTL" setlk "$X/local" 0 1 r'
host_answer 1 unmounted all_free
guest_wait 1
ok "every lock the guest took was held by the server's kernel, byte for byte"
grep -c 'p4_lock\|p4_unlock' "$T/lockd.log" >/dev/null || true
check_daemons
lc_timings
