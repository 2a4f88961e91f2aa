#!/bin/bash
# t_abuse_slowread: clients that never read their replies (issue: all of
# rpc.nfsd's workers sat blocked in sends, and nobody got an answer for
# 30 s). 200 TCP connections each pipeline 16 READs of 1 MiB and read
# nothing, for 10 s, then reset. Meanwhile a control client (a fresh PMAP
# GETPORT, MOUNT NULL and NFS GETATTR every 0.25 s) is answered within a
# second every time; the replies that cannot leave wait on their
# connections (bounded per connection and in all), no worker waits on a
# socket; after the attackers leave, rpc.nfsd's descriptors are back to
# their count before within 5 s (no socket outlives its peer) and its RSS
# within 20 MB of it within 10 s.
# timeout: 120
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/abuse-lib.sh"

start_rpcbind
start_nfs
abuse_run slow-readers nfsd -- slow-readers 200 --fh "$(fh big)" --depth 16 --secs 10
check_daemons
