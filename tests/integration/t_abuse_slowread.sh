#!/bin/bash
# t_abuse_slowread: clients that never read their replies (issue: all of
# rpc.nfsd's workers sat blocked in sends, and nobody got an answer for
# 30 s). 200 TCP connections each pipeline 16 READs of 1 MiB and read
# nothing, for 10 s, then reset. Meanwhile a control client (a fresh PMAP
# GETPORT, MOUNT NULL and NFS GETATTR every 0.25 s) is answered within a
# second every time, and a client pipelining 16 GETATTRs on one connection
# goes on at speed; the replies that cannot leave wait on their
# connections (bounded per connection and in all), no worker waits on a
# socket; after the attackers leave, rpc.nfsd's descriptors are back to
# their count before within 5 s (no socket outlives its peer) and its RSS
# within 20 MB of it within 10 s.
# timeout: 120
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/abuse-lib.sh"

start_rpcbind
start_nfs
# a client pipelining 16 GETATTRs on one connection, in the middle of the
# attack: the slow readers' parked calls must not hold it back
echo getattr-me >"$E/x/getattr"
(sleep 4; "$BUILD/tests/clients/nfsbench" bench -s 127.0.0.1 -e "$E/x" \
    -w getattr -c 1 -d 16 -t 3) >"$T/pipelined.out" 2>&1 &
bench=$!
abuse_run slow-readers nfsd -- slow-readers 200 --fh "$(fh big)" --depth 16 --secs 10
wait "$bench" || fail "the pipelining client failed: $(cat "$T/pipelined.out")"
cat "$T/pipelined.out"
ops=$(sed -n 's/.* ops=\([0-9]*\) .*/\1/p' "$T/pipelined.out")
[ "${ops:-0}" -ge 1000 ] ||
    fail "a pipelining client made only ${ops:-0} GETATTRs in 3 s during the attack"
ok "a pipelining client made $ops GETATTRs in 3 s during the attack"
check_daemons
