#!/bin/bash
# t_nfsd_pipeline: well-behaved clients that pipeline big READs faster than
# their sockets drain. nfsbench (libnfs' async API) keeps 4 connections x 16
# READs of 1 MiB in flight and reads every reply: each connection's queued
# replies pass the core's 4 MiB bound and fall back under half of it again
# and again (it is choked, then resumed). Every run must finish with every
# call answered and successful, and a control client (a fresh GETPORT, MNT
# NULL and GETATTR every 0.25 s) never fails meanwhile.
# (A choke racing its own unchoke once left a connection off the scheduler
# for good: `make bench`'s warm-up hung with 64 calls queued and every
# worker idle.) ROUNDS runs of SECS seconds each (8 x 2 here).
# timeout: 150
. "$(dirname "$0")/lib.sh"
need_rpcbind
NFSBENCH=$BUILD/tests/clients/nfsbench NLMPROBE=$BUILD/tests/clients/nlmprobe
for p in "$NFSBENCH" "$NLMPROBE"; do
	[ -x "$p" ] || fail "$p not built"
done
. "$(dirname "$0")/nfs-lib.sh"
ROUNDS=${ROUNDS:-8} SECS=${SECS:-2}

mkdir -p "$E/x" "$T/exports.d"
head -c $((64 * 1024 * 1024)) /dev/urandom >"$E/x/readfile" || fail "readfile"
echo "$E/x	127.0.0.1(rw,no_root_squash,insecure)" >"$T/exports"
start_rpcbind
start_nfs
nfsd_pid=$(daemon_pid nfsd)
ROOT=$("$NLMPROBE" -e "$E/x" fh readfile) || fail "no handle"

# the control: a fresh PMAP GETPORT, MOUNT NULL and NFS GETATTR every 0.25 s
/usr/bin/python3 "$SRCDIR/tests/clients/rpcabuse.py" control --fh "$ROOT" \
    --secs 600 --out "$T/control.log" &
cpid=$!
_PIDS+=("$cpid")
wait_until 10 eval '[ "$(grep -c "^round" "$T/control.log")" -ge 2 ]' ||
    fail "the control client did not start"

total_ops=0
for r in $(seq 1 "$ROUNDS"); do
	rc=0
	out=$(timeout $((SECS + 20)) "$NFSBENCH" bench -s 127.0.0.1 -e "$E/x" \
	    -w read -c 4 -d 16 -t "$SECS" -P "$nfsd_pid" 2>"$T/nfsbench.err") ||
	    rc=$?
	cat "$T/nfsbench.err"
	[ $rc -ne 124 ] || fail "round $r: nfsbench did not finish in $((SECS + 20)) s (calls never answered)"
	[ $rc -eq 0 ] || fail "round $r: nfsbench exit $rc"
	line=$(grep '^RESULT ' <<<"$out") || fail "round $r: no result"
	echo "round $r: $line"
	assert_match ' errors=0( |$)' "$line" "round $r errors"
	ops=$(sed -n 's/.* ops=\([0-9]*\).*/\1/p' <<<"$line")
	[ "${ops:-0}" -ge 64 ] || fail "round $r: only ${ops:-0} READs"
	total_ops=$((total_ops + ops))
	check_daemons
	assert_eq "$(daemon_pid nfsd)" "$nfsd_pid" "nfsd pid"
done
kill "$cpid"
wait "$cpid" 2>/dev/null
line=$(awk '/^round/ { n++; for (i = 3; i <= NF; i++) {
	split($i, kv, "="); if (kv[2] ~ /^fail/) f++;
	else if (kv[2] + 0 > m) m = kv[2] + 0 } }
    END { printf "rounds=%d fails=%d max=%.3f", n, f, m }' "$T/control.log")
echo "control: $line"
assert_match ' fails=0 ' "$line" "control calls"
ok "$ROUNDS rounds of 4 x 16 pipelined 1 MiB READs: $total_ops READs, all answered and successful"
