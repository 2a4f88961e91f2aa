# shellcheck shell=bash
# abuse-lib.sh: the shared set-up of the t_abuse_* tests (resource abuse of
# the RPC core), sourced after lib.sh. It exports $E/x to 127.0.0.1
# (insecure: attackers use many unprivileged ports) with a 4 MiB file
# `big`, a small file `small` and a directory `dir` of 10,000 entries,
# starts rpcbind, mountd and nfsd, and provides
#   fh PATH                 the handle of $E/x/PATH (hex)
#   abuse_run NAME DAEMON... -- ATTACK ARGS...
#       takes each DAEMON's RSS and fd count, runs the control client
#       (tests/clients/rpcabuse.py control: a fresh PMAP GETPORT, MOUNT
#       NULL and NFS GETATTR every 0.25 s) during ATTACK (rpcabuse.py ARGS)
#       and for 2 s after, then checks: no failed control call, the worst
#       control latency under CONTROL_MAX s, no daemon died, each DAEMON's
#       socket count back to its baseline within 5 s and its RSS within
#       20 MB of its baseline within 10 s after the attackers closed.
#   ABUSE_FIGURES   the figures of the last run, one line (for the log)
# shellcheck source=nfs-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/nfs-lib.sh"

NLMPROBE=$BUILD/tests/clients/nlmprobe
ABUSE=$SRCDIR/tests/clients/rpcabuse.py
[ -x "$NLMPROBE" ] || fail "$NLMPROBE not built"
# The figures are the normal build's; under AddressSanitizer every call
# costs several times more, so the latency bound is looser there.
CONTROL_MAX=1.0
is_asan "$BUILD/nfsd/rpc.nfsd" && CONTROL_MAX=3.0

need_rpcbind
mkdir -p "$E/x/dir" "$T/exports.d"
head -c $((4 * 1024 * 1024)) /dev/urandom >"$E/x/big"
echo small >"$E/x/small"
(cd "$E/x/dir" && seq -f 'entry-%05g' 1 10000 | xargs touch) ||
    fail "making the big directory"
echo "$E/x	127.0.0.1(rw,no_root_squash,insecure)" >"$T/exports"

fh() {
	"$NLMPROBE" -e "$E/x" fh "$1" || fail "no handle for $1"
}

# fd_count PID: its sockets (files come and go with nfsd's open-file
# cache, tested in t_nfsd_space)
fd_count() {
	find "/proc/$1/fd" -mindepth 1 -maxdepth 1 -lname 'socket:*' \
	    2>/dev/null | wc -l
}

rpcabuse() {
	/usr/bin/python3 "$ABUSE" "$@"
}

ABUSE_FIGURES=
abuse_run() {
	local name=$1 d pid
	shift
	local daemons=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		daemons+=("$1")
		shift
	done
	shift
	declare -A rss0 fd0
	rpcabuse control --fh "$(fh small)" --secs 600 \
	    --out "$T/control-$name.log" &
	local cpid=$!
	_PIDS+=("$cpid")
	# the baseline with the control client running (its calls keep a
	# file of nfsd's open-file cache open)
	wait_until 10 eval '[ "$(grep -c "^round" "$T/control-$name.log")" -ge 4 ]' ||
	    fail "$name: the control client did not start"
	for d in "${daemons[@]}"; do
		pid=$(daemon_pid "$d")
		rss0[$d]=$(rss_kb "$pid")
		fd0[$d]=$(fd_count "$pid")
	done
	echo "+ $name: rpcabuse $*"
	rpcabuse "$@" >"$T/attack-$name.log" 2>&1 ||
	    fail "$name: the attack failed: $(cat "$T/attack-$name.log")"
	cat "$T/attack-$name.log"
	local t_end=$SECONDS
	check_daemons
	# the figures during the attack
	local peak="" line
	for d in "${daemons[@]}"; do
		pid=$(daemon_pid "$d")
		peak="$peak $d: rss ${rss0[$d]} kB, at the end $(rss_kb "$pid") kB, fds ${fd0[$d]} -> $(fd_count "$pid");"
	done
	# fds back within 5 s, RSS within 10 s
	for d in "${daemons[@]}"; do
		pid=$(daemon_pid "$d")
		wait_until 5 eval '[ "$(fd_count '"$pid"')" -le '"${fd0[$d]}"' ]' || {
			ls -l "/proc/$pid/fd"
			ss -tanpe 2>/dev/null | grep -F "pid=$pid," || true
			fail "$name: $d still has $(fd_count "$pid") fds 5 s after the attackers left (baseline ${fd0[$d]})"
		}
		# (AddressSanitizer keeps freed memory in its quarantine: the
		# RSS bound holds for the normal build only)
		is_asan "$BUILD/nfsd/rpc.nfsd" && continue
		wait_until $((10 - (SECONDS - t_end))) eval \
		    '[ "$(rss_kb '"$pid"')" -le $(('"${rss0[$d]}"' + 20480)) ]' ||
		    fail "$name: $d's RSS is $(rss_kb "$pid") kB 10 s after the attackers left (baseline ${rss0[$d]} kB)"
	done
	sleep 2		# the control client's view of the after-math
	kill "$cpid"
	wait "$cpid" 2>/dev/null
	line=$(awk '/^round/ { n++; for (i = 3; i <= NF; i++) {
		split($i, kv, "="); if (kv[2] ~ /^fail/) f++;
		else if (kv[2] + 0 > m) m = kv[2] + 0 } }
	    END { printf "rounds=%d fails=%d max=%.3f", n, f, m }' \
	    "$T/control-$name.log")
	ABUSE_FIGURES="$name: control $line;$peak"
	echo "figures: $ABUSE_FIGURES"
	case $line in
	*" fails=0 "*) ;;
	*) grep fail "$T/control-$name.log" | head -5
	   fail "$name: control calls failed ($line)" ;;
	esac
	awk -v l="$line" -v m="$CONTROL_MAX" 'BEGIN {
		split(l, a, "max="); exit !(a[2] + 0 < m) }' || {
		awk '{ for (i = 3; i <= NF; i++) { split($i, kv, "=");
		    if (kv[2] + 0 > 0.3) { print; break } } }' \
		    "$T/control-$name.log" | head -10
		fail "$name: the control client waited more than ${CONTROL_MAX} s ($line)"
	}
	for d in "${daemons[@]}"; do
		daemon_alive "$d" || fail "$name: $d died"
	done
	ok "$name: control calls never waited ${CONTROL_MAX} s or more; fds and RSS back"
}
