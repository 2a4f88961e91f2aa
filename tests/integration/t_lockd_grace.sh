#!/bin/bash
# t_lockd_grace: rpc.lockd's grace period after a restart (nlmprobe from
# this host, 127.0.0.1, and from a peer namespace, 192.0.2.2):
#  - lockd keeps the hosts that held locks in its host list; restarted
#    while statd keeps running, it asks statd (SM_SIMU_CRASH) to tell them
#    that their locks are gone;
#  - during grace: LOCK, NM_LOCK, TEST, UNLOCK, CANCEL and SHARE without
#    reclaim get denied_grace_period (v4 and v3); reclaims (LOCK, SHARE)
#    are granted; FREE_ALL is taken;
#  - when every listed host has reclaimed, grace ends early (a couple of
#    seconds after the last reclaim), long before its configured end;
#  - when a listed host never reclaims, grace lasts its full length, and
#    its lock is not given to anyone meanwhile;
#  - with an empty list grace ends at once; -g 0 means no grace at all.
# timeout: 120
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lockd-lib.sh"

mkdir -p "$E/x" "$T/exports.d"
for f in a b c s; do
	echo "file $f" >"$E/x/$f"
done
echo "$E/x	127.0.0.1(rw,no_root_squash) 192.0.2.2(rw,no_root_squash)" >"$T/exports"
peer_setup
start_rpcbind
start_nfs
start_statd
X="-e $E/x"
npp() {
	RC=0
	OUT=$(in_peer "$NLMPROBE" -s "$ADDR_SELF" "$@" 2>"$T/np.err") || RC=$?
	printf '+ peer nlmprobe %s -> %s\n' "$*" "$OUT"
}
restart_lockd() {
	stop_daemon lockd TERM
	T_START=$SECONDS
	start_lockd "$@"
}
grace_over() {
	grep -c 'grace period over' "$T/lockd.log"
}

# ---------------------------------------------------------------- no list
start_lockd -g 30
wait_until 5 eval '[ "$(grace_over)" = 1 ]' ||
    fail "grace did not end at once with no former clients"
np_is granted $X -i 1 lock a 0 10
np_is "granted sequence=0" $X -i 1 -c share-1 share s dw r
ok "no former client: grace ended at once"
must cat /var/lib/nfs-suite/lockd/hosts
assert_match '^host 127\.0\.0\.1$' "$OUT" "the host list names 127.0.0.1"

# ---------------------------------------------------------------- all reclaim
restart_lockd -g 30
grep -q 'asking statd to notify 1 former client' "$T/lockd.log" ||
    fail "lockd did not ask statd to notify its former clients"
for v in 4 3; do
	np_is denied_grace_period $X -V $v -i 2 lock b 0 10
	np_is denied_grace_period $X -V $v -i 2 nmlock b 0 10
	np_is denied_grace_period $X -V $v -i 2 test b 0 10
	np_is denied_grace_period $X -V $v -i 1 unlock a 0 10
	np_is denied_grace_period $X -V $v -i 1 cancel a 0 10
	np_is "denied_grace_period sequence=0" $X -V $v -i 3 share s dn r
done
np_is ok $X -n nobody freeall nobody 1
np_is granted $X -i 1 lock a 0 10 --reclaim
np_is "granted sequence=0" $X -i 1 share s dw r --reclaim
wait_until 10 eval '[ "$(grace_over)" = 2 ]' || fail "grace did not end after the reclaims"
dt=$((SECONDS - T_START))
echo "grace ended ${dt}s after the restart (every former client reclaimed)"
[ "$dt" -lt 20 ] || fail "grace lasted ${dt}s although every client reclaimed"
np_is "denied holder exclusive=1 svid=1 oh=6f682d31 off=0 len=10" $X -i 2 test a 0 10
np_is "denied sequence=0" $X -i 3 share s dn w
np_is granted $X -i 2 lock b 0 10
ok "grace: only reclaims; it ended ${dt}s after the restart once all had reclaimed"

# ---------------------------------------------------------------- one never reclaims
npp $X -i 7 lock c 0 10
assert_eq "$OUT" granted "the peer's lock"
restart_lockd -g 8
np_is granted $X -i 1 lock a 0 10 --reclaim
np_is granted $X -i 2 lock b 0 10 --reclaim
sleep 3
np_is denied_grace_period $X -i 3 lock c 0 10
np_is denied_grace_period $X -i 3 test c 0 10
wait_until 15 eval '[ "$(grace_over)" = 3 ]' || fail "grace never ended"
dt=$((SECONDS - T_START))
echo "grace ended ${dt}s after the restart (one former client never reclaimed)"
[ "$dt" -ge 7 ] || fail "grace ended after ${dt}s, before its 8 s, with a client not back"
np_is granted $X -i 3 test c 0 10
np_is granted $X -i 3 lock c 0 10
ok "a client that never reclaims keeps grace on for its full length; its lock went to nobody"

# ---------------------------------------------------------------- -g 0
restart_lockd -g 0
np_is granted $X -i 4 lock c 20 10
ok "-g 0: no grace period"
check_daemons
