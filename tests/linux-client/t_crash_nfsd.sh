#!/bin/bash
# t_crash_nfsd: rpc.nfsd is killed with SIGKILL while the guest's kernel
# client writes a 1 GiB file, and started again: the write completes (hard
# mount: the client retries) and the data is intact, checked with sha256
# in the guest after drop_caches and on the server directly.
#
# The data: a 1 GiB file of random bytes made on the server (its sha256
# taken there), which the guest copies with dd to another name in the
# export. That keeps sha256 out of the write path: under TCG the guest
# hashes at only ~12-20 MB/s, so hashing while writing would set the pace.
# The host kills nfsd when the server-side file has passed 300 MiB (it sees
# the size grow directly), restarts it at once, and records:
#   - from nfsd's call log (-D call, timestamped): the first call of the
#     guest to reach the new nfsd, i.e. how long the client took to recover;
#   - from tcpdump on br0 (SYN/FIN/RST only): the client's reconnect
#     attempts while nfsd was down and after;
#   - from the guest's /proc/self/mountstats: WRITE and COMMIT counts and
#     bytes (more than 1 GiB of WRITE payload = resent unstable writes,
#     which the new write verifier makes the client send again) and the
#     transport's connect count; and the kernel's "not responding" lines.
#
# Measured here (TCG, 2 cores, Debian 6.1.0-56 client, async export, nfsd
# kept dead 3 s): dd of 1 GiB NFS -> NFS 58-60 s (~18 MB/s: the guest's
# 5000-odd 200 KiB READs set the pace), kill at ~300 MiB ~22 s in, the
# guest's sha256 of 1 GiB 54-57 s, the whole test ~155 s.
# The client, seen on the wire and in its mountstats:
#   - nfsd's death closes the connection (RST when its socket held unread
#     data, FIN otherwise); the client reconnects at once, three SYNs in 30 ms, all
#     refused, then waits 3.2 s (the RPC transport's initial 3 s reconnect
#     delay) and its fourth SYN reaches the new nfsd: the client was back
#     3.3 s after the kill, 0.2 s after nfsd answered rpcinfo. With nfsd
#     restarted at once (no pause) the first SYN after the server's FIN
#     already succeeded: back in 0.08 s.
#   - the WRITE in flight is retransmitted on the new connection (WRITE
#     ops 1031, transmissions 1032), and after the first COMMIT answered
#     with the new verifier the client resent the ~7 MiB it had not yet
#     had committed: 1031 WRITEs for 1024 MiB, 8 MiB more WRITE payload
#     than the file's size; 303 WRITEs to the old nfsd, 728 to the new.
#   - nothing in dmesg: "server not responding" needs a major timeout
#     (timeo=600, 60 s); dd saw only a 3 s stall.
#   - on a sync export the client sends no COMMIT at all (every reply is
#     FILE_SYNC), so there is nothing to resend: hence async here.
# timeout: 420
. "$(dirname "$0")/lib.sh"

SIZE_MIB=1024
KILL_AT_MIB=300
DOWN_SECS=3	# how long nfsd stays dead

# The export lives on ext4 (not $T, a tmpfs), like a real server's.
E=$(mktemp -d "/var/tmp/nfs-suite-$TEST_NAME.XXXXXX") || fail "mktemp"
trap 'rc=$?; rm -rf "$E"; (exit $rc); _on_exit' EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# guest_alive N: guest N's run-guest is still running (not a zombie).
guest_alive() {
	local p=${_GPID[$1]:-}
	[ -n "$p" ] && kill -0 "$p" 2>/dev/null &&
	    ! grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null
}

# await_guest N SECS CMD...: poll CMD until it succeeds; if guest N ends
# first or SECS pass, report the guest (guest_wait fails the test).
await_guest() {
	local n=$1 deadline=$((SECONDS + $2))
	shift 2
	until "$@" >/dev/null 2>&1; do
		if ! guest_alive "$n" || [ $SECONDS -ge $deadline ]; then
			echo "host: guest$n never got to: $*"
			guest_wait "$n"
			fail "guest$n passed without getting to: $*"
		fi
		sleep 0.05
	done
}

file_mib() {
	local s
	s=$(stat -c %s "$1" 2>/dev/null) || s=0
	echo $((s / 1048576))
}

lc_net_setup

step_t0=$(now)
head -c "${SIZE_MIB}M" /dev/urandom >"$E/src" || fail "make $E/src"
src_sum=$(sha256sum "$E/src" | cut -d' ' -f1)
echo "+ $E/src: $SIZE_MIB MiB of random bytes, sha256 $src_sum ($(secs "$step_t0" "$(now)")s)"

# Connection events on the NFS port, with absolute timestamps.
tcpdump -l -i br0 -n -tt -s 96 \
    'tcp port 2049 and (tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst) != 0)' \
    >"$T/tcpdump.log" 2>&1 &
_PIDS+=($!)

start_lc_rpcbind
# async: on a sync export (the default) every WRITE is written with
# RWF_SYNC and answered FILE_SYNC, so the client never COMMITs and the
# verifier plays no part (measured: 1024 WRITEs, 0 COMMITs, no resends).
# On an async export WRITEs are UNSTABLE and the client must keep its
# pages until a COMMIT with the same verifier: that is what this checks.
start_lc_mountd "$E $NET_PREFIX.0/24(rw,async,no_root_squash)"
start_lc_nfsd -D call

cat >"$T/crash-guest.sh" <<'GUEST'
. /share/guest-lib.sh
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

step "mount $SERVER_ADDR:$EXPORT"
must mount -t nfs -o vers=3,proto=tcp,nolock "$SERVER_ADDR:$EXPORT" /mnt
grep " /mnt " /proc/mounts

step "dd /mnt/src -> /mnt/big ($SIZE_MIB MiB) while the host kills nfsd"
: >/share/writing
t0=$(now)
must dd if=/mnt/src of=/mnt/big bs=1M conv=fsync
t1=$(now)
: >/share/written
echo "dd took $(secs "$t0" "$t1")s"

step "what the kernel said"
dmesg | grep -E 'nfs: server|NFS:|RPC:.*(timeout|retr|error)' ||
    echo "(the kernel logged nothing about the server)"
echo "--- mountstats (ops trans timeouts bytes_sent bytes_recv queue rtt execute errors)"
awk '$1 == "device" { m = ($5 == "/mnt") } m && ($1 ~ /^(xprt|WRITE|COMMIT|READ|GETATTR|events):$/)' \
    /proc/self/mountstats | tee /tmp/stats
ok "dd ran $(secs "$t0" "$t1")s"

step "sha256 of /mnt/big after drop_caches"
sync
echo 3 >/proc/sys/vm/drop_caches
must stat -c %s /mnt/big
assert_eq "$OUT" $((SIZE_MIB * 1048576)) "size of /mnt/big"
t2=$(now)
must sha256sum /mnt/big
echo "sha256sum took $(secs "$t2" "$(now)")s"
assert_eq "${OUT%% *}" "$SRC_SUM" "sha256 of /mnt/big (read back after drop_caches)"
ok "1 GiB copy intact across the nfsd crash"
GUEST

guest_start 1 "$T/crash-guest.sh" -t 360 -e "EXPORT=$E" -e "SRC_SUM=$src_sum" \
    -e "SIZE_MIB=$SIZE_MIB"

# ---- the crash
await_guest 1 120 test -e "$T/guest1/writing"
t_start=$(now)
big_past_kill_point() { [ "$(file_mib "$E/big")" -ge "$KILL_AT_MIB" ]; }
await_guest 1 120 big_past_kill_point
t_kill=$(now)
mib_kill=$(file_mib "$E/big")
stop_lc_nfsd KILL
t_dead=$(now)
sleep "$DOWN_SECS"	# a crash and restart take a moment: let the client see it
echo "==== restart (host: nfsd killed at $mib_kill MiB)" >>"$T/nfsd.log"
start_lc_nfsd -D call
t_up=$(now)
echo "host: dd started, $mib_kill MiB on the server after $(secs "$t_start" "$t_kill")s:" \
    "SIGKILL; gone after $(secs "$t_kill" "$t_dead")s; new nfsd answering rpcinfo" \
    "$(secs "$t_kill" "$t_up")s after the kill"
await_guest 1 300 test -e "$T/guest1/written"
t_done=$(now)
guest_wait 1
# The guest's times (the client's reconnect delay) are only as good as its
# TSC calibration: under TCG on a loaded host it can be far off.
grep -m1 'tsc: Detected' "$T/guest1/dmesg.log" | sed 's/^/guest1 clock: /'

# ---- what the server has
got=$(sha256sum "$E/big" | cut -d' ' -f1)
assert_eq "$got" "$src_sum" "sha256 of $E/big on the server"
ok "server-side sha256 of the 1 GiB copy matches"

# ---- recovery, from the new nfsd's call log: the first call after the
# restart marker, and how many WRITE/COMMIT calls each instance served.
first=$(awk -v g="from $(guest_addr 1):" '/^==== restart/ { r = 1; next }
    r && index($0, g) { print $1; exit }' "$T/nfsd.log")
calls() {	# calls PROC before|after
	awk -v p="$1" -v w="$2" '/^==== restart/ { r = 1; next }
	    $3 == "nfsd_proc_" p && (w == "after") == (r == 1) { n++ } END { print n + 0 }' "$T/nfsd.log"
}
tod() { date -d "@$1" +%H:%M:%S.%N | cut -c1-12; }
# sod HH:MM:SS.mmm...: seconds since midnight
sod() { awk -v t="$1" 'BEGIN { split(t, a, ":"); printf "%.3f", a[1] * 3600 + a[2] * 60 + a[3] }'; }
echo "host: nfsd killed at $(tod "$t_kill"), answering again at $(tod "$t_up"), first call from the client at ${first:-none}"
if [ -n "$first" ]; then
	f=$(sod "$first")
	echo "timings: client back $(secs "$(sod "$(tod "$t_kill")")" "$f")s after the SIGKILL," \
	    "$(secs "$(sod "$(tod "$t_up")")" "$f")s after nfsd was up again"
fi
echo "timings: dd started -> kill $(secs "$t_start" "$t_kill")s (at $mib_kill MiB); kill -> dd done $(secs "$t_kill" "$t_done")s"
echo "host: WRITE calls before/after the restart: $(calls write before)/$(calls write after)," \
    "COMMIT $(calls commit before)/$(calls commit after)"
echo "--- connection events on port 2049 (tcpdump, SYN/FIN/RST)"
awk -v k="$t_kill" '$1 ~ /^[0-9]+\.[0-9]+$/ { printf "%+8.3f %s\n", $1 - k, substr($0, index($0, " ") + 1) }' \
    "$T/tcpdump.log" | grep -E '^ *[-+][0-9]' | head -n 40
echo "--- guest mountstats"
grep -E '^[[:space:]]*(xprt|WRITE|COMMIT|events):' "$T/guest1/output.log"
lc_timings
