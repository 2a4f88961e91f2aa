#!/bin/bash
# t_lockd_peer: rpc.lockd and a second client host (a peer namespace at
# 192.0.2.2 with its own rpcbind), where the callbacks go:
#  - blocking locks: BLOCKED, then NLM_GRANTED to the peer's callback
#    service once the holder unlocks (v4 over TCP, v3 and v1 over UDP),
#    within 2 s; the peer holds the lock afterwards;
#  - the asynchronous procedures: TEST_MSG, LOCK_MSG, CANCEL_MSG,
#    UNLOCK_MSG, GRANTED_MSG over UDP and TCP, each answered by a _RES call
#    to the peer's lock manager; a blocked LOCK_MSG is granted with
#    GRANTED_MSG and the peer's GRANTED_RES keeps the lock;
#  - a grant the client refuses is released; CANCEL removes a waiter;
#  - a client whose callbacks fail (nothing registered) does not slow down
#    anyone else;
#  - blocking requests are bounded per host (denied_nolocks past the
#    bound) while another host is still queued;
#  - a client the export does not admit gets denied with a valid handle;
#  - Debian's rpc.statd and sm-notify in the peer: the peer "reboots",
#    sm-notify tells our statd, our statd tells lockd, and every lock and
#    waiter of the peer is gone; a remote SM_MON to our statd is refused;
#  - tshark decodes every NLM and NSM packet of the test without a
#    malformed one.
# timeout: 180
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lockd-lib.sh"

mkdir -p "$E/x" "$E/only" "$T/exports.d"
for f in a b c d m r q s; do
	echo "file $f" >"$E/x/$f"
done
echo "not for the peer" >"$E/only/o"
cat >"$T/exports" <<EOF
$E/x	127.0.0.1(rw,no_root_squash) 192.0.2.2(rw,no_root_squash)
$E/only	127.0.0.1(rw,no_root_squash)
EOF
peer_setup
# every packet of the test, for tshark at the end
command -v tshark >/dev/null || fail "tshark not installed (scripts/install-deps)"
tshark -q -i any -w "$T/cap.pcapng" -f 'not port 22' >"$T/tshark.log" 2>&1 &
TSHARK=$!
_PIDS+=("$TSHARK")
wait_until 10 grep -q 'Capturing on' "$T/tshark.log" || fail "tshark did not start"

start_rpcbind
start_nfs
start_statd
start_lockd -g 0 -o max-waiters-per-host=6

# the peer's rpcbind, for its callback services
mkdir -p /var/lib/nfs-suite/peer-rpcbind
cat >"$T/peer-rpcbind.conf" <<EOC
[rpcbind]
state-dir = /var/lib/nfs-suite/peer-rpcbind
pidfile = /run/rpcbind.pid
socket = /run/rpcbind.sock
EOC
start_daemon peer-rpcbind nsenter --net="/proc/$PEER_PID/ns/net" \
    --mount="/proc/$PEER_PID/ns/mnt" -- "$RPCBIND" -F --config "$T/peer-rpcbind.conf"
wait_until 10 in_peer rpcinfo -T tcp 127.0.0.1 100000 4 || fail "peer rpcbind"

X="-e $E/x"
# npp ARGS...: nlmprobe from the peer, to our address
npp() {
	RC=0
	OUT=$(in_peer "$NLMPROBE" -s "$ADDR_SELF" "$@" 2>"$T/np.err") || RC=$?
	printf '+ peer nlmprobe %s -> %s\n' "$*" "$OUT"
}
npp_is() {
	local want=$1
	shift
	npp "$@"
	[ "$OUT" = "$want" ] || fail "peer nlmprobe $*: '$OUT' (exit $RC), expected '$want'
$(cat "$T/np.err")"
}
# wait_granted NAME ARGS...: a peer wait-granted in the background, its
# output in $T/NAME.out; returns once the LOCK was answered
wait_granted() {
	local name=$1
	shift
	in_peer "$NLMPROBE" -s "$ADDR_SELF" "$@" >"$T/$name.out" 2>"$T/$name.err" &
	WG=$!
	wait_until 15 test -s "$T/$name.out" || fail "$name: no answer to the LOCK: $(cat "$T/$name.err")"
	echo "+ peer wait-granted $*: $(head -n 1 "$T/$name.out")"
}
# granted_after NAME: wait for its callback line; print the delay
granted_after() {
	wait_exit "$WG" 30 || fail "$1: no callback within 30 s"
	cat "$T/$1.out" "$T/$1.err" >&2
	sed -n 's/^granted-callback .*after=\([0-9.]*\).*/\1/p' "$T/$1.out"
}
peer_regs() {
	in_peer rpcinfo -p 2>/dev/null | awk '$1 == 100021' | wc -l
}
# ---------------------------------------------------------------- GRANTED callbacks
for vp in "4 tcp" "3 udp" "1 udp"; do
	set -- $vp
	np_is granted $X -V "$1" -i 1 lock a 0 10
	wait_granted wg$1 $X -V "$1" -P "$2" -i 50 wait-granted a 0 10 --wait 20
	assert_eq "$(head -n 1 "$T/wg$1.out")" blocked "v$1 LOCK of a held range"
	np_is granted $X -V "$1" -i 1 unlock a 0 10
	dt=$(granted_after wg$1)
	assert_match '^granted-callback proc=GRANTED after=[0-9.]+ reply=granted$' \
	    "$(sed -n 2p "$T/wg$1.out")" "v$1 over $2: the GRANTED callback"
	awk -v d="$dt" 'BEGIN { exit !(d < 2) }' || fail "v$1 GRANTED ${dt}s after the unlock"
	np_is "denied holder exclusive=1 svid=50 oh=6f682d3530 off=0 len=10" $X -V "$1" -i 2 test a 0 10
	npp_is granted $X -V "$1" -P "$2" -i 50 unlock a 0 10
	ok "v$1/$2: blocked, NLM_GRANTED ${dt}s after the holder's unlock, held"
done

# ---------------------------------------------------------------- _MSG / _RES
for p in udp tcp; do
	npp_is granted $X -P "$p" -c "t-$p" --msg -i 60 test b 0 10
	npp_is granted $X -P "$p" -c "l-$p" --msg -i 60 lock b 0 10
	np_is "denied holder exclusive=1 svid=60 oh=6f682d3630 off=0 len=10" $X -i 2 test b 0 10
	npp_is granted $X -P "$p" --msg -i 61 -V 3 test b 20 10
	npp_is "denied holder exclusive=1 svid=60 oh=6f682d3630 off=0 len=10" $X -P "$p" --msg -i 61 test b 5 1
	npp_is granted $X -P "$p" --msg -i 60 cancel b 0 10
	npp_is granted $X -P "$p" --msg -i 60 unlock b 0 10
	npp_is denied $X -P "$p" --msg -i 60 granted b 0 10
	np_is granted $X -i 2 test b 0 10
	[ "$(peer_regs)" = 0 ] || fail "a --msg callback service is still registered"
	ok "TEST/LOCK/CANCEL/UNLOCK/GRANTED_MSG over $p, answered with _RES calls"
done
# a blocked LOCK_MSG: GRANTED_MSG, and the peer's GRANTED_RES keeps it
np_is granted $X -i 1 lock b 0 10
wait_granted wgm $X -P udp --msg -i 62 wait-granted b 0 10 --wait 20
assert_eq "$(head -n 1 "$T/wgm.out")" blocked "LOCK_MSG of a held range"
np_is granted $X -i 1 unlock b 0 10
dt=$(granted_after wgm)
assert_match '^granted-callback proc=GRANTED_MSG after=[0-9.]+ reply=granted granted-res=sent$' \
    "$(sed -n 2p "$T/wgm.out")" "GRANTED_MSG"
sleep 1		# lockd acts on the GRANTED_RES it was sent
np_is "denied holder exclusive=1 svid=62 oh=6f682d3632 off=0 len=10" $X -i 2 test b 0 10
npp_is granted $X -i 62 unlock b 0 10
ok "LOCK_MSG blocked, GRANTED_MSG ${dt}s after the unlock, GRANTED_RES kept it"

# ---------------------------------------------------------------- refused grant, CANCEL
np_is granted $X -i 1 lock r 0 10
wait_granted wgr $X -i 70 wait-granted r 0 10 --refuse --wait 20
np_is granted $X -i 1 unlock r 0 10
granted_after wgr >/dev/null
assert_match 'reply=denied' "$(cat "$T/wgr.out")" "the peer refused the grant"
wait_until 5 eval 'np_is granted $X -i 3 test r 0 10 >/dev/null 2>&1' ||
    fail "a refused grant was not released"
np_is granted $X -i 3 test r 0 10
np_is granted $X -i 1 lock r 0 10
npp_is blocked $X -i 71 lock r 0 10 --block
npp_is granted $X -i 71 cancel r 0 10 --block
np_is granted $X -i 1 unlock r 0 10
sleep 1		# a grant would go out now if the waiter were still there
np_is granted $X -i 3 test r 0 10
ok "a refused grant is released; CANCEL removes the waiter"

# ---------------------------------------------------------------- dead callbacks, bounds
# the peer queues 6 blocking locks (no callback service: every GRANTED to
# it will fail), a 7th is refused; we queue one more from here
np_is granted $X -i 1 lock q 0 0
for i in 1 2 3 4 5 6; do
	npp_is blocked $X -i $((80 + i)) lock q 0 10 --block
done
npp_is denied_nolocks $X -i 87 lock q 0 10 --block
np_is blocked $X -i 5 lock q 100 10 --block
np_is granted $X -i 5 cancel q 100 10 --block
# unlock: lockd grants the first waiter and calls the peer back in vain
np_is granted $X -i 1 unlock q 0 0
t0=$SECONDS
for i in $(seq 20); do
	np_is granted $X -i 9 test c 0 10 >/dev/null
done
[ $((SECONDS - t0)) -le 3 ] || fail "20 calls took $((SECONDS - t0)) s while callbacks to the peer failed"
np_match '^denied holder exclusive=1 svid=81 ' $X -i 2 test q 0 10
wait_until 10 grep -q 'GRANTED callback to 192.0.2.2 failed' "$T/lockd.log" ||
    fail "lockd did not log the failed callback"
for i in 1 2 3 4 5 6; do
	npp_is granted $X -i $((80 + i)) cancel q 0 10 --block
done
np_is granted $X -i 2 test q 0 0
ok "per-host bound on blocked locks; failing callbacks slow nobody down"

# ---------------------------------------------------------------- admission
np -e "$E/only" fh o
fh_o=$OUT
np_is granted -F "$fh_o" -i 1 lock - 0 10
npp_is "denied holder exclusive=0 svid=0 oh= off=0 len=0" -F "$fh_o" -i 1 test - 0 10
npp_is denied -F "$fh_o" -i 1 lock - 20 10
np_is granted -F "$fh_o" -i 1 unlock - 0 10
ok "a host the export does not admit gets denied, even with a valid handle"

# ---------------------------------------------------------------- a peer's reboot
# Debian's rpc.statd in the peer monitors us, as the peer's lock manager
# would have asked it to
PD=$T/peer-nfs
mkdir -p "$PD/sm" "$PD/sm.bak"
start_daemon peer-statd nsenter --net="/proc/$PEER_PID/ns/net" \
    --mount="/proc/$PEER_PID/ns/mnt" -- /usr/sbin/rpc.statd -F -d -L -P "$PD"
wait_until 10 in_peer rpcinfo -T udp 127.0.0.1 100024 1 || fail "Debian's rpc.statd in the peer"
must in_peer "$NLMPROBE" -n peerhost sm-mon "$ADDR_SELF"
assert_match '^stat_succ state=' "$OUT" "the peer's statd monitors us"
ls -l "$PD/sm"
stop_daemon peer-statd TERM
# the peer holds a lock and waits for another
npp_is granted $X -i 90 lock m 0 10
np_is granted $X -i 1 lock m 20 10
npp_is blocked $X -i 91 lock m 20 10 --block
np_is "denied holder exclusive=1 svid=90 oh=6f682d3930 off=0 len=10" $X -i 2 test m 0 10
# its reboot: sm-notify from the peer's state directory
must in_peer /usr/sbin/sm-notify -f -d -P "$PD"
wait_until 10 eval 'np_is granted $X -i 2 test m 0 10 >/dev/null 2>&1' ||
    fail "the peer's locks survived its reboot notification"
np_is granted $X -i 2 test m 0 10
grep -E 'rebooted|SM_NOTIFY' "$T/statd.log" "$T/lockd.log"
grep -q 'releasing its locks (2 owners, 1 waiting' "$T/lockd.log" ||
    fail "lockd did not say it released the peer's owners and waiter"
np_is granted $X -i 1 unlock m 20 10
sleep 1
np_is granted $X -i 2 test m 0 0	# the waiter went too: nobody got it
ok "Debian's sm-notify in the peer freed its locks and waiters through our statd"
npp_match() { npp "${@:2}"; assert_match "$1" "$OUT" "peer nlmprobe ${*:2}"; }
npp_match '^stat_fail ' sm-mon intruder
ok "a remote SM_MON is refused"

# ---------------------------------------------------------------- the wire
check_daemons
kill -INT "$TSHARK"
wait_exit "$TSHARK" 10 || fail "tshark did not stop"
nlm=$(tshark -r "$T/cap.pcapng" -Y nlm 2>/dev/null | wc -l)
nsm=$(tshark -r "$T/cap.pcapng" -Y stat 2>/dev/null | wc -l)
# (only RPC: the reserved source ports lockd and nlmprobe pick are also
# the well-known ports of other protocols, which tshark then tries)
bad=$(tshark -r "$T/cap.pcapng" \
    -Y 'rpc && (_ws.malformed || _ws.expert.severity == error)' 2>/dev/null)
echo "tshark: $nlm NLM and $nsm NSM packets"
[ "$nlm" -gt 100 ] || fail "tshark saw only $nlm NLM packets"
[ "$nsm" -gt 3 ] || fail "tshark saw only $nsm NSM packets"
if [ -n "$bad" ]; then
	[ -z "${TEST_LOGDIR:-}" ] || cp "$T/cap.pcapng" "$TEST_LOGDIR/"
	fail "tshark: malformed packets:
$bad"
fi
ok "tshark: every NLM and NSM packet well formed"
