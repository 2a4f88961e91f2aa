#!/bin/bash
# t_lockd_junk: malformed input to rpc.lockd (tests/clients/rpcjunk.py,
# every message built by hand):
#  - every NLM procedure of v1, v3 and v4 with its arguments cut short is
#    answered GARBAGE_ARGS, over TCP and UDP; so is statd's callback
#    procedure 16;
#  - seeded random records, byte streams, datagrams and random arguments
#    for every procedure of every version: every reply parses, lockd keeps
#    serving, and a lock taken before is still held after.
# timeout: 120
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lockd-lib.sh"

mkdir -p "$E/x" "$T/exports.d"
echo data >"$E/x/a"
echo "$E/x	127.0.0.1(rw,no_root_squash)" >"$T/exports"
start_rpcbind
start_nfs
start_statd
start_lockd -g 0
port=$(rpcinfo -p | awk '$1 == 100021 && $2 == 4 && $3 == "tcp" { print $4 }')
[ -n "$port" ] || fail "no NLM v4 tcp port"
np_is granted -e "$E/x" -i 1 lock a 0 10

junk() {
	must rpcjunk --port "$port" --target 100021 "$@"
	assert_match '^ok ' "$OUT" "rpcjunk $*"
}
junk --low 1 --high 1 --proc-list 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16 garbage-args
junk --low 3 --high 4 --proc-list 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,20,21,22,23 garbage-args
ok "every procedure with short arguments: GARBAGE_ARGS"
for seed in 1 2 3; do
	junk --low 1 --high 4 --procs 24 --seed "$seed" junk
done
ok "random records, streams, datagrams and arguments: lockd answered them all"
np_is "denied holder exclusive=1 svid=1 oh=6f682d31 off=0 len=10" -e "$E/x" -i 2 test a 0 10
np_is granted -e "$E/x" -i 1 unlock a 0 10
check_daemons
