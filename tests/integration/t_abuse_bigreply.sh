#!/bin/bash
# t_abuse_bigreply: big replies crowding out small ones (issue: 50
# connections repeating READDIRPLUS with maxcount 0xffffffff on a
# 10,000-entry directory made a control GETATTR wait up to 3.2 s). Cheap
# calls (P_FAST: GETATTR, LOOKUP, MNT, GETPORT, ...) are scheduled ahead of
# the rest, round robin over connections, on workers kept for them: for
# 10 s of that flood the control client is answered within a second.
# timeout: 120
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/abuse-lib.sh"

start_rpcbind
start_nfs
abuse_run readdirplus-flood nfsd -- rdp-flood 50 --fh "$(fh dir)" --secs 10
grep -q 'READDIRPLUS answered' "$T/attack-readdirplus-flood.log" ||
    fail "the flood did not run"
n=$(sed -n 's/.* \([0-9]*\) READDIRPLUS answered.*/\1/p' "$T/attack-readdirplus-flood.log")
[ "${n:-0}" -ge 50 ] || fail "only ${n:-0} READDIRPLUS answered: the flood was not served"
check_daemons
