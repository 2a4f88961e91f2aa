#!/bin/bash
# t_stats: statistics. rpc.nfsd and rpc.mountd run; a raw RPC client
# (tests/clients/rpcstat.py) makes a known mix of calls (NULL over TCP and
# UDP, GETATTR that succeed, fail with a status, carry garbage; an unknown
# procedure, a wrong version, a bad credential flavour), then another makes
# 10000 NULL calls and /metrics is scraped during that load. Afterwards
# nfs-suite-stat (nfsstat -s layout, -l, -o net/rc/io, -Z, --daemon) and
# the Prometheus text, read on the stats socket and over HTTP, must show
# exactly the calls made. The HTTP listener is off by default (mountd has
# none; --print-config says so), refuses what is not GET/HEAD /metrics,
# and idle connections past its client limit leave NFS service untouched.
# timeout: 120
. "$(dirname "$0")/lib.sh"

STAT=$BUILD/nfsd/nfs-suite-stat
PY=/usr/bin/python3
RPCSTAT=$SRCDIR/tests/clients/rpcstat.py
MPORT=9464
# background NULL calls, one at a time: long enough (about a second) for
# scrapes to see them in progress now that rpc.nfsd answers NULL on its
# event loop in a few microseconds
NBG=50000
need_rpcbind
for p in "$BUILD/nfsd/rpc.nfsd" "$BUILD/mountd/rpc.mountd" "$STAT"; do
	[ -x "$p" ] || fail "$p not built"
done
[ -x "$PY" ] || fail "no $PY"
command -v ss >/dev/null || fail "ss not installed (iproute2)"

E=$T/export
mkdir -p "$E" "$T/exports.d"
echo "$E 127.0.0.1(rw,no_root_squash,insecure,fsid=7401)" >"$T/exports"
cat >"$T/nfs.conf" <<EOC
[global]
state-dir = /var/lib/nfs-suite
[nfsd]
udp = yes
threads = 4
metrics-listen = $MPORT
EOC
dargs=(-F -f "$T/nfs.conf" -e "$T/exports" -E "$T/exports.d")

# ------------------------------------------------------------ defaults
must "$BUILD/mountd/rpc.mountd" -f /dev/null --print-config
assert_match '^metrics-listen = ("")?$' "$OUT" "metrics-listen is off by default"
assert_match "^stats-socket = /run/rpc.mountd.stats$" "$OUT" \
    "default stats socket"

start_rpcbind
start_daemon mountd "$BUILD/mountd/rpc.mountd" "${dargs[@]}"
must_exit_0 mountd
start_daemon nfsd "$BUILD/nfsd/rpc.nfsd" "${dargs[@]}"
must_exit_0 nfsd
wait_rpc 100005 3
# not wait_rpc for nfsd: its probes would be calls too; registered means
# listening, and the stats socket answers once the loop runs
wait_until 20 sh -c 'rpcinfo -p | grep -q "100003 *3 *tcp"' ||
    fail "rpc.nfsd did not register"
wait_until 20 "$STAT" --metrics || fail "no statistics from rpc.nfsd"
wait_until 20 "$PY" "$RPCSTAT" scrape "http://127.0.0.1:$MPORT/metrics" ||
    fail "no metrics listener on $MPORT"

# the listener is where it was asked for and nowhere else; mountd has none
listening() {
	ss -ltnpH | grep "pid=$1," | awk '{ print $4 }' | sort
}
NFSD_L=$(listening "$(daemon_pid nfsd)")
MOUNTD_L=$(listening "$(daemon_pid mountd)")
echo "+ nfsd listens on: $(echo $NFSD_L)"
echo "+ mountd listens on: $(echo $MOUNTD_L)"
assert_match "^127\.0\.0\.1:$MPORT$" "$NFSD_L" "metrics on loopback"
assert_eq "$(grep -c ":$MPORT$" <<<"$NFSD_L")" 1 "one metrics listener"
assert_nomatch ":$MPORT$" "$MOUNTD_L" "mountd has no metrics listener"
assert_eq "$(grep -vc ':20048$' <<<"$MOUNTD_L")" 0 \
    "mountd listens on its RPC port only"
[ -S /run/rpc.nfsd.stats ] || fail "no /run/rpc.nfsd.stats"
[ -S /run/rpc.mountd.stats ] || fail "no /run/rpc.mountd.stats"

# a fresh server: nothing counted, nfsstat's empty layout
nums() {	# nfsstat's print_numbers()
	local first=1 v
	for v in "$@"; do
		[ $first = 1 ] || printf '   '
		printf '%-8s' "$v"
		first=0
	done
	printf '\n'
}
names() {	# a row of procedure names
	printf '%-17s' "$@"
	printf '\n'
}
counts() {	# a row of COUNT PCT pairs
	while [ $# -ge 2 ]; do
		printf '%-8s%3s%%     ' "$1" "$2"
		shift 2
	done
	printf '\n'
}
must "$STAT" -s
assert_eq "$OUT" "Server rpc stats:
calls      badcalls   badfmt     badauth    badclnt
$(nums 0 0 0 0 0)" "fresh nfs-suite-stat -s"

# ------------------------------------------------------------ the workload
must "$PY" "$RPCSTAT" calls 127.0.0.1 "$E"
"$PY" "$RPCSTAT" nulls 127.0.0.1 $NBG >"$T/bg.out" 2>&1 &
bg=$!
_PIDS+=("$bg")
# scrape while the load runs: counts only grow, never past the calls made
prev=0 during=0 i=0
while kill -0 "$bg" 2>/dev/null; do
	i=$((i + 1))
	"$PY" "$RPCSTAT" scrape "http://127.0.0.1:$MPORT/metrics" \
	    >"$T/during.$i" || fail "scrape $i during the load"
	assert_eq "$(head -1 "$T/during.$i")" 200 "scrape $i status"
	n=$("$PY" "$RPCSTAT" value "$T/during.$i" nfs_suite_rpc_calls_total \
	    program=nfs version=3 procedure=null)
	[ "$n" -ge "$prev" ] || fail "NULL count went down: $prev -> $n"
	[ "$n" -le $((NBG + 10)) ] || fail "NULL count $n past the calls made"
	if [ "$n" -gt 10 ] && [ "$n" -lt $((NBG + 10)) ]; then
		during=$((during + 1))
		echo "+ scrape $i during the load: $((n - 10)) of $NBG NULL calls"
	fi
	prev=$n
done
wait "$bg" || fail "background NULL calls: $(cat "$T/bg.out")"
[ $during -ge 1 ] || fail "no scrape saw the load in progress"
echo "+ scrapes that saw the load in progress: $during of $i"

# ------------------------------------------------------------ exact counts
NULLS=$((NBG + 10))
CALLS=$((NULLS + 8))	# + GETATTR 5 ok, 2 bad handle, 1 garbage
must "$STAT" -s
{
	echo "Server rpc stats:"
	echo "calls      badcalls   badfmt     badauth    badclnt"
	nums $CALLS 4 3 1 0
	echo
	echo "Server nfs v3:"
	names null getattr setattr lookup access
	counts $NULLS $((NULLS * 100 / CALLS)) 8 $((8 * 100 / CALLS)) 0 0 0 0 0 0
	names readlink read write create mkdir
	counts 0 0 0 0 0 0 0 0 0 0
	names symlink mknod remove rmdir rename
	counts 0 0 0 0 0 0 0 0 0 0
	names link readdir readdirplus fsstat fsinfo
	counts 0 0 0 0 0 0 0 0 0 0
	names pathconf commit
	counts 0 0 0 0
} >"$T/want"
diff -u "$T/want" <(printf '%s\n' "$OUT") || fail "nfs-suite-stat -s"
ok "nfs-suite-stat -s: $CALLS calls, 4 bad (3 badfmt, 1 badauth), null $NULLS, getattr 8"

must "$STAT" -s -o net -o rc -o io
assert_match "^$(nums $((CALLS + 3)) 3 $CALLS 2)$" "$OUT" \
    "net: packets udp tcp tcpconn"
assert_match "^$(nums 0 0 $CALLS)$" "$OUT" "rc: hits misses nocache"
must "$STAT" -l
assert_eq "$OUT" "$(printf '%13s %13s %8s \n' "nfs v3 server" total: $CALLS
	printf -- '------------- ------------- --------\n'
	printf '%13s %12s: %8s \n' "nfs v3 server" null $NULLS
	printf '%13s %12s: %8s \n' "nfs v3 server" getattr 8)" \
    "nfs-suite-stat -l"
must "$STAT" -n --daemon rpc.mountd
assert_match '^Server mountd v3:$' "$OUT" "mountd's table"
assert_eq "$(grep -A1 '^null  *mnt' <<<"$OUT" | tail -1 | awk '{ print $3 }')" \
    1 "one MNT"

# the same on the socket and over HTTP
must "$STAT" --metrics
printf '%s\n' "$OUT" >"$T/sock.prom"
"$PY" "$RPCSTAT" scrape "http://127.0.0.1:$MPORT/metrics" >"$T/http.out" ||
    fail "scrape"
assert_eq "$(head -1 "$T/http.out")" 200 "GET /metrics"
tail -n +2 "$T/http.out" >"$T/http.prom"
v() {	# v FILE NAME [k=v...]
	"$PY" "$RPCSTAT" value "$@"
}
for f in "$T/sock.prom" "$T/http.prom"; do
	P="program=nfs version=3"
	assert_eq "$(v "$f" nfs_suite_rpc_calls_total $P procedure=null)" $NULLS "$f null"
	assert_eq "$(v "$f" nfs_suite_rpc_calls_total $P procedure=getattr)" 8 "$f getattr"
	assert_eq "$(v "$f" nfs_suite_rpc_calls_total)" $CALLS "$f calls"
	assert_eq "$(v "$f" nfs_suite_rpc_call_errors_total $P procedure=getattr)" 1 "$f getattr errors"
	assert_eq "$(v "$f" nfs_suite_rpc_call_status_errors_total $P procedure=getattr)" 2 "$f getattr status errors"
	assert_eq "$(v "$f" nfs_suite_rpc_call_duration_seconds_count $P procedure=getattr)" 8 "$f getattr histogram"
	assert_eq "$(v "$f" nfs_suite_rpc_call_duration_seconds_bucket $P procedure=null le=+Inf)" $NULLS "$f null histogram"
	assert_eq "$(v "$f" nfs_suite_rpc_packets_total transport=udp)" 3 "$f udp"
	assert_eq "$(v "$f" nfs_suite_rpc_packets_total transport=tcp)" $CALLS "$f tcp"
	assert_eq "$(v "$f" nfs_suite_rpc_rejected_total reason=auth)" 1 "$f auth"
	assert_eq "$(v "$f" nfs_suite_rpc_rejected_total reason=garbage)" 1 "$f garbage"
	assert_eq "$(v "$f" nfs_suite_rpc_rejected_total reason=proc_unavail)" 1 "$f proc_unavail"
	assert_eq "$(v "$f" nfs_suite_rpc_rejected_total reason=prog_mismatch)" 1 "$f prog_mismatch"
	assert_eq "$(v "$f" nfs_suite_rpc_connections_accepted_total)" 2 "$f tcp connections"
	assert_eq "$(v "$f" nfs_suite_drc_uncached_total)" $CALLS "$f drc nocache"
	assert_eq "$(v "$f" nfs_suite_info daemon=rpc.nfsd)" 1 "$f info"
	assert_match '^nfs_suite_nfsd_open_files\{cache="path"\} ' "$(cat "$f")" "$f nfsd gauge"
done
# bytes: a NULL call is 68 bytes with AUTH_SYS "t-stats", its reply 24
assert_eq "$(v "$T/http.prom" nfs_suite_rpc_received_bytes_total program=nfs version=3 procedure=null)" \
    $((NULLS * 68)) "bytes in"
assert_eq "$(v "$T/http.prom" nfs_suite_rpc_sent_bytes_total program=nfs version=3 procedure=null)" \
    $((NULLS * 24)) "bytes out"
ok "metrics on the socket and over HTTP: $CALLS calls, $NULLS NULL, histograms and bytes agree"

# ------------------------------------------------------------ -Z
coproc Z { exec "$STAT" -Z -r -n 2>&1; }
zpid=$Z_PID
_PIDS+=("$zpid")
IFS= read -r -t 10 line <&"${Z[0]}" || fail "nfs-suite-stat -Z: no banner"
assert_match '^Collecting statistics' "$line" "-Z banner"
must "$PY" "$RPCSTAT" nulls 127.0.0.1 5
kill -INT "$zpid"
zout=$(timeout 10 cat <&"${Z[0]}")
echo "$zout"
assert_match "^$(nums 5 0 0 0 0)$" "$zout" "-Z: 5 calls in the interval"
assert_match "^5 +100% " "$zout" "-Z: 5 NULL"

# ------------------------------------------------------------ HTTP rules
"$PY" "$RPCSTAT" scrape "http://127.0.0.1:$MPORT/nope" >"$T/h" || true
assert_eq "$(head -1 "$T/h")" 404 "unknown path"
"$PY" "$RPCSTAT" scrape "http://127.0.0.1:$MPORT/metrics" POST >"$T/h" || true
assert_eq "$(head -1 "$T/h")" 405 "POST"
"$PY" "$RPCSTAT" scrape "http://127.0.0.1:$MPORT/metrics" HEAD >"$T/h" || true
assert_eq "$(cat "$T/h")" 200 "HEAD: no body"
# 20 idle connections (past the 16 clients served at once) do not slow NFS
coproc H { exec "$PY" "$RPCSTAT" hold 127.0.0.1 $MPORT 20 30; }
hpid=$H_PID
_PIDS+=("$hpid")
IFS= read -r -t 10 line <&"${H[0]}" || fail "hold: no answer"
t0=$(date +%s%N)
must "$PY" "$RPCSTAT" nulls 127.0.0.1 200
ms=$((($(date +%s%N) - t0) / 1000000))
echo "+ 200 NULL calls with 20 idle metrics clients: $ms ms"
[ $ms -lt 5000 ] || fail "NFS slowed down by idle metrics clients"
kill "$hpid" 2>/dev/null
wait "$hpid" 2>/dev/null
wait_until 10 "$PY" "$RPCSTAT" scrape "http://127.0.0.1:$MPORT/metrics" ||
    fail "metrics did not come back after the idle clients left"
must "$STAT" -s -r
assert_match "^$((CALLS + 205)) " "$OUT" "every call counted after all that"
ok "HTTP: 404, 405, HEAD; idle clients harmless"

stop_daemon nfsd
stop_daemon mountd
ok "t_stats"
