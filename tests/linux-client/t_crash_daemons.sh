#!/bin/bash
# t_crash_daemons: a kernel client's mount outlives the suite's daemons.
#   - rpc.mountd, then rpcbind, are killed with SIGKILL and started again
#     (rpcbind warm-starts: the saved registrations of mountd and nfsd come
#     back): the existing mount keeps reading and writing, rpcbind answers
#     with mountd's and nfsd's ports, and new mounts (the other export, and
#     the same export at a second mount point) succeed;
#   - rpc.nfsd is stopped with SIGTERM, then killed with SIGKILL, and
#     started again: `ls -li --full-time` of a directory of 200 files is
#     the same before and after, with no ESTALE, both from the client's
#     cached handles (after its attribute cache has expired, so the old
#     handles go to the new nfsd) and after drop_caches (looked up afresh),
#     and a file kept open across the restart reads with its old handle.
# The host acts when the guest leaves a marker in /share and answers with a
# marker of its own.
#
# Measured here (TCG, 2 cores): ~40 s in all; 200 creates 7 s; each daemon
# answers again 0.1 s (mountd, rpcbind) or 0.4-0.6 s (nfsd) after the kill.
# The stock client: a mount never talks to mountd or rpcbind again (with
# nolock), so their restarts are invisible to it. After an nfsd restart it
# keeps using its cached handles: once its attributes have expired, `ls -l`
# of the 200 files sent 159-199 RPCs (GETATTRs with the old handles) to the
# new nfsd, all answered; after drop_caches the same listing took 4 RPCs
# (READDIRPLUS carries the attributes). No ESTALE, nothing in dmesg.
# timeout: 240
. "$(dirname "$0")/lib.sh"

NFILES=200

E=$(mktemp -d "/var/tmp/nfs-suite-$TEST_NAME.XXXXXX") || fail "mktemp"
# shellcheck disable=SC2154  # rc is the trap's
trap 'rc=$?; rm -rf "$E"; (exit $rc); _on_exit' EXIT
mkdir "$E/a" "$E/b"
EXPORTS=("$E/a $NET_PREFIX.0/24(rw,no_root_squash)"
    "$E/b $NET_PREFIX.0/24(rw,no_root_squash)")

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# guest_alive N: guest N's run-guest is still running (not a zombie).
guest_alive() {
	local p=${_GPID[$1]:-}
	[ -n "$p" ] && kill -0 "$p" 2>/dev/null &&
	    ! grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null
}

# await_guest N MARK SECS: wait for guest N's marker /share/MARK; if the
# guest ends first or SECS pass, report the guest (guest_wait fails).
await_guest() {
	local n=$1 f=$T/guest$1/$2 deadline=$((SECONDS + $3))
	until [ -e "$f" ]; do
		if ! guest_alive "$n" || [ $SECONDS -ge $deadline ]; then
			echo "host: guest$n never got to '$2'"
			guest_wait "$n"
			fail "guest$n passed without getting to '$2'"
		fi
		sleep 0.05
	done
}

# registered PROG VERS NETID: rpcbind on the bridge lists it; prints the port.
registered() {
	rpcinfo -p "$SERVER_ADDR" | awk -v p="$1" -v v="$2" -v t="$3" '
	    $1 == p && $2 == v && $3 == t { print $4; f = 1 } END { exit !f }'
}

lc_net_setup
start_lc_server "${EXPORTS[@]}"

cat >"$T/crash-daemons.sh" <<'GUEST'
. /share/guest-lib.sh
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
signal() { : >"/share/$1"; }
# await MARK [SECS]: wait for the host's marker /share/MARK (600 s of the
# guest's clock, which can run fast under TCG: run-guest's -t is the bound)
await() {
	local n=0
	until [ -e "/share/$1" ]; do
		n=$((n + 1))
		[ $n -lt $((${2:-600} * 20)) ] || fail "no '$1' from the host within ${2:-600}s"
		sleep 0.05
	done
}
# ops: RPCs this client has sent for the /mnt/a mount (all procedures)
ops() {
	awk '$1 == "device" { m = ($5 == "/mnt/a") } m && /^[[:space:]]*[A-Z_]+: [0-9]/ { n += $2 } END { print n + 0 }' \
	    /proc/self/mountstats
}
MNT="-o vers=3,proto=tcp,nolock"

step "mount $SERVER_ADDR:$EXPORT_A on /mnt/a; a directory of $NFILES files"
mkdir -p /mnt/a /mnt/b /mnt/a2
must mount -t nfs $MNT "$SERVER_ADDR:$EXPORT_A" /mnt/a
echo "written before the restarts" >/mnt/a/before || fail "write /mnt/a/before"
mkdir /mnt/a/many || fail "mkdir /mnt/a/many"
t0=$(now)
for i in $(seq "$NFILES"); do
	echo "file $i" >"/mnt/a/many/f.$i" || fail "create f.$i"
done
echo "$NFILES files created in $(secs "$t0" "$(now)")s"
signal mounted

step "the existing mount after mountd and rpcbind were killed and restarted"
await daemons-restarted
must cat /mnt/a/before
assert_eq "$OUT" "written before the restarts" "/mnt/a/before"
echo "appended after the restarts" >>/mnt/a/before || fail "append to /mnt/a/before"
must dd if=/dev/urandom of=/mnt/a/after bs=64k count=16 conv=fsync status=none
sum=$(sha256sum </mnt/a/after)
sync
echo 3 >/proc/sys/vm/drop_caches
assert_eq "$(sha256sum </mnt/a/after)" "$sum" "/mnt/a/after read back after drop_caches"
must cat /mnt/a/before
assert_eq "$OUT" "written before the restarts
appended after the restarts" "/mnt/a/before after the append"
ok "the existing mount reads and writes"

step "new mounts after the restarts"
must rpcinfo -p "$SERVER_ADDR"
assert_match '^ *100005 +3 +tcp ' "$OUT" "mountd v3/tcp registered"
assert_match '^ *100003 +3 +tcp +2049 ' "$OUT" "nfs v3/tcp registered"
must showmount -e "$SERVER_ADDR"
assert_match "^$EXPORT_B " "$OUT" "the other export listed"
must mount -t nfs $MNT "$SERVER_ADDR:$EXPORT_B" /mnt/b
must mount -t nfs $MNT "$SERVER_ADDR:$EXPORT_A" /mnt/a2
must cat /mnt/a2/before
assert_match "appended after the restarts" "$OUT" "/mnt/a2/before (second mount point)"
echo "on b" >/mnt/b/file || fail "write /mnt/b/file"
must cat /mnt/b/file
must umount /mnt/b
must umount /mnt/a2
ok "new mounts of both exports succeed"

# nfsd_restart HOW FD: list, hold f.<FD> open on FD, let the host restart
# nfsd (HOW: term or kill), list again and compare.
nfsd_restart() {
	local how=$1 fd=$2 o0 o1 t0
	step "ls -li /mnt/a/many before nfsd's $how restart"
	ls -li --full-time /mnt/a/many >/tmp/ls.0 2>&1 || fail "ls before: $(cat /tmp/ls.0)"
	[ "$(grep -c ' f\.' /tmp/ls.0)" = "$NFILES" ] ||
	    fail "ls before lists $(grep -c ' f\.' /tmp/ls.0) files, not $NFILES"
	eval "exec $fd</mnt/a/many/f.$fd" || fail "open f.$fd"
	t0=$(now)
	signal "listed-$how"
	await "nfsd-$how-done"
	# Let the attribute cache (acregmin 3 s) expire, so the cached
	# handles are sent to the new nfsd rather than answered from memory.
	sleep "$(awk -v a="$t0" -v b="$(now)" 'BEGIN { d = 3.5 - (b - a); print d > 0 ? d : 0 }')"

	step "ls -li /mnt/a/many after nfsd's $how restart (cached handles)"
	o0=$(ops)
	ls -li --full-time /mnt/a/many >/tmp/ls.1 2>&1 || fail "ls after: $(cat /tmp/ls.1)"
	o1=$(ops)
	diff /tmp/ls.0 /tmp/ls.1 || fail "listing changed across nfsd's $how restart"
	ok "same listing with the cached handles ($((o1 - o0)) RPCs to the new nfsd)"

	step "ls -li /mnt/a/many after nfsd's $how restart and drop_caches"
	sync
	echo 3 >/proc/sys/vm/drop_caches
	o0=$(ops)
	ls -li --full-time /mnt/a/many >/tmp/ls.2 2>&1 || fail "ls after drop_caches: $(cat /tmp/ls.2)"
	o1=$(ops)
	diff /tmp/ls.0 /tmp/ls.2 || fail "listing changed across nfsd's $how restart (after drop_caches)"
	ok "same listing after drop_caches ($((o1 - o0)) RPCs)"

	step "f.$fd, open across nfsd's $how restart, read after drop_caches"
	must cat <&"$fd"
	assert_eq "$OUT" "file $fd" "f.$fd read through the descriptor opened before"
	eval "exec $fd<&-"
	echo "written after nfsd's $how restart" >"/mnt/a/after-$how" ||
	    fail "write after the restart"
}
nfsd_restart term 3
nfsd_restart kill 4

step "no ESTALE anywhere"
if dmesg | grep -iE 'stale|nfs: server'; then
	fail "the kernel complained (above)"
fi
ok "listings identical across nfsd SIGTERM and SIGKILL restarts, no ESTALE"
GUEST

guest_start 1 "$T/crash-daemons.sh" -t 200 -e "EXPORT_A=$E/a" -e "EXPORT_B=$E/b" \
    -e "NFILES=$NFILES"

await_guest 1 mounted 120
mport=$(registered 100005 3 tcp) || fail "mountd not registered"
nport=$(registered 100003 3 tcp) || fail "nfsd not registered"
echo "host: before: mountd v3/tcp on $mport, nfs v3/tcp on $nport"

t0=$(now)
stop_daemon mountd KILL
start_lc_mountd "${EXPORTS[@]}"
t1=$(now)
echo "host: mountd killed and answering again in $(secs "$t0" "$t1")s"
stop_daemon rpcbind KILL
start_lc_rpcbind
t2=$(now)
echo "host: rpcbind killed and answering again in $(secs "$t1" "$t2")s"
must rpcinfo -p "$SERVER_ADDR"
assert_eq "$(registered 100005 3 tcp)" "$mport" "mountd's port after rpcbind's warm start"
assert_eq "$(registered 100003 3 tcp)" "$nport" "nfsd's port after rpcbind's warm start"
ok "rpcbind's warm start kept mountd's and nfsd's registrations"
: >"$T/guest1/daemons-restarted"

for how in term kill; do
	await_guest 1 "listed-$how" 120
	t0=$(now)
	stop_lc_nfsd "${how^^}"
	# shellcheck disable=SC2119  # no arguments: the same nfsd as before
	start_lc_nfsd
	echo "host: nfsd stopped (SIG${how^^}) and answering again in $(secs "$t0" "$(now)")s"
	: >"$T/guest1/nfsd-$how-done"
done
guest_wait 1

assert_eq "$(cat "$E/a/after-kill")" "written after nfsd's kill restart" "server: a/after-kill"
assert_eq "$(cat "$E/b/file")" "on b" "server: b/file"
grep -E '^ok: ' "$T/guest1/output.log"
lc_timings
