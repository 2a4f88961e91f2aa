#!/bin/bash
# t_abuse_records: half-sent records (issue: 1,000 connections each sending
# 1.06 MiB of a record that never ends grew rpc.nfsd to 1.09 GB, which kept
# 393 MB after they left; rpc.mountd, 200 of them, 227 MB). Unfinished
# records of all connections are bounded (the connections whose record
# began longest ago are closed past the budget): during each attack the
# control client is answered within a second; afterwards descriptors are
# back within 5 s and RSS within 20 MB of its value before within 10 s.
#  - 1,000 connections to rpc.nfsd, 1.06 MiB each, held 8 s;
#  - 200 to rpc.mountd, as much as its record limit lets through.
# timeout: 180
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/abuse-lib.sh"

start_rpcbind
start_nfs
abuse_run half-records-nfsd nfsd -- half-records 1000 --size 1111490 --secs 8
mport=$(rpcinfo -p | awk '$1 == 100005 && $2 == 3 && $3 == "tcp" { print $4; exit }')
[ -n "$mport" ] || fail "no mountd port"
abuse_run half-records-mountd mountd -- half-records 200 --port "$mport" --size 8000 --secs 8
check_daemons
