#!/bin/bash
# t_rpcbind_liveness: rpcbind does not send clients to dead daemons, and
# its state file follows the state directory.
#  - [global] state-dir = elsewhere: rpcbind.state is written there, and
#    nothing under /var/lib/nfs-suite;
#  - a server registered over the local socket (rpcreg serve: svc_create,
#    rpcb_set with its own pid) is killed with SIGKILL: its registrations
#    leave rpcinfo -p at once (milliseconds; the bound is 4 s, as a port
#    that gives no answer is only checked again after 2 s), one log line;
#  - a registration a tool made for a port another process holds (a daemon
#    that forked after registering) outlives the tool; once the port closes
#    GETPORT stops answering it within about 2 s;
#  - PMAPPROC_SET from loopback UDP (no pid known) for a port nobody
#    listens on: GETPORT stops answering it after the 2 s recheck age, and
#    the periodic check (port-check-interval) takes such entries out of DUMP;
#  - warm start: rpcbind stopped, a real rpc.mountd killed -9, rpcbind
#    started again: mountd's registrations are gone, those of a server
#    still running are kept (and watched again: killing it drops them), as
#    is one whose port still answers;
#  - a saved pid whose start time does not match (a reused pid) does not
#    keep a registration; a version-1 state file (no pids) is still read,
#    its closed ports dropped.
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
MOUNTD=$BUILD/mountd/rpc.mountd
[ -x "$MOUNTD" ] || fail "$MOUNTD not built"
STATE=/var/lib/nfs-suite/rpcbind/rpcbind.state

listed() {
	rpcinfo -p 127.0.0.1 | awk -v p="$1" -v v="$2" -v t="$3" '
		$1 == p && $2 == v && $3 == t { f = 1 } END { exit !f }'
}
unlisted() {
	! rpcinfo -p 127.0.0.1 | awk -v p="$1" '$1 == p { f = 1 } END { exit !f }'
}
# port_of PROG VERS PROTO: what GETPORT answers (0: not registered)
port_of() {
	"$RPCREG" getport 127.0.0.1 "$1" "$2" "$3" | sed -n 's/^getport: \([0-9]*\)$/\1/p'
}
getport_zero() {
	[ "$(port_of "$@")" = 0 ]
}
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}
# start_of PID: field 22 of /proc/PID/stat (the command has no blanks here)
start_of() {
	awk '{ print $22 }' "/proc/$1/stat"
}
# serve NAME PROG: rpcreg serve PROG 1, registered over the local socket
serve() {
	start_daemon "$1" "$RPCREG" serve "$2" 1
	wait_until 10 grep -q '^serving' "$T/$1.log" || fail "$1 did not start"
	listed "$2" 1 udp || fail "$1: $2 not registered"
}
logged() {
	grep -E -- "$1" "$T/rpcbind.log"
}

# ---------------------------------------------------------------- state-dir
mkdir -p "$T/elsewhere"
cat >"$T/rpcbind.conf" <<EOC
# written by $TEST_NAME
[global]
state-dir = $T/elsewhere
[rpcbind]
pidfile = /run/rpcbind.pid
socket = /run/rpcbind.sock
EOC
must "$RPCBIND" --print-config --config "$T/rpcbind.conf"
assert_match "^# state directory in force: $T/elsewhere/rpcbind\$" "$OUT" "-T"
start_rpcbind
serve sd 400500
stop_daemon rpcbind TERM
[ -s "$T/elsewhere/rpcbind/rpcbind.state" ] || fail "no $T/elsewhere/rpcbind/rpcbind.state"
grep -q '^400500 1 ' "$T/elsewhere/rpcbind/rpcbind.state" || fail "400500 not saved"
left=$(find /var/lib/nfs-suite -mindepth 1)
assert_eq "$left" "" "files under /var/lib/nfs-suite with [global] state-dir elsewhere"
stop_daemon sd TERM
ok "[global] state-dir = $T/elsewhere: rpcbind.state there, nothing in /var/lib/nfs-suite"

# ---------------------------------------------------------------- SIGKILL
rpcbind_conf
start_rpcbind
serve svc 400501
listed 400501 1 tcp || fail "400501/tcp not registered"
svc=$(daemon_pid svc)
t0=$(now_ms)
stop_daemon svc KILL
wait_until 4 unlisted 400501 || fail "400501 still listed 4 s after its server died"
dt=$(($(now_ms) - t0))
must logged "pid $svc exited: dropped (its )?[0-9]+ registrations \\(400501/1/"
ok "SIGKILLed server: its registrations left rpcinfo -p in ${dt} ms, one log line"

# ---------------------------------------------------------------- a tool for another process
hold_ports 40100
must "$RPCREG" set 400502 1 udp 0.0.0.0.156.164
must "$RPCREG" set 400502 1 tcp 0.0.0.0.156.164
wait_until 5 sh -c "[ \$(grep -c 'exited: kept its 1 registration, the port is not closed (400502/1/' '$T/rpcbind.log') = 2 ]" ||
    fail "rpcbind did not keep 400502 after the registering tool exited"
listed 400502 1 udp || fail "400502/udp dropped though its port is held"
assert_eq "$(port_of 400502 1 tcp)" 40100 "GETPORT while the port is held"
t0=$(now_ms)
stop_daemon ports-40100 KILL
wait_until 4 getport_zero 400502 1 tcp || fail "GETPORT still answers 400502/tcp 4 s after its port closed"
dt=$(($(now_ms) - t0))
# (by the GETPORT itself, or by the check a silent probe brought forward)
must logged "dropped 400502/1/tcp 0\\.0\\.0\\.0\\.156\\.164: port closed|port check: dropped .*400502/1/tcp"
ok "a registration made for another process outlives the tool; GETPORT stops answering ${dt} ms after the port closed"

# ---------------------------------------------------------------- PMAP SET, no pid
must "$RPCREG" -T udp pmap-set-remote 127.0.0.1 400503 1 udp 40103
listed 400503 1 udp || fail "PMAP SET 400503 not listed"
t0=$(now_ms)
wait_until 5 getport_zero 400503 1 udp || fail "GETPORT still answers 400503/udp (nobody listens)"
dt=$(($(now_ms) - t0))
unlisted 400503 || fail "400503 still in DUMP after GETPORT found it dead"
ok "PMAP SET from loopback UDP for a closed port: GETPORT answers 0 after ${dt} ms (the 2 s recheck age)"

stop_daemon rpcbind TERM
start_rpcbind -o port-check-interval=1
must "$RPCREG" -T udp pmap-set-remote 127.0.0.1 400504 1 udp 40104
must "$RPCREG" -T tcp pmap-set-remote 127.0.0.1 400504 1 tcp 40104
t0=$(now_ms)
wait_until 5 unlisted 400504 || fail "400504 still in DUMP after the periodic check"
dt=$(($(now_ms) - t0))
must logged "port check: dropped [0-9]+ registrations? whose port is closed \\(400504/1/"
ok "port-check-interval = 1: closed PMAP registrations left DUMP after ${dt} ms, nobody asking for them"
stop_daemon rpcbind TERM

# ---------------------------------------------------------------- warm start
printf '# written by %s\n[global]\nstate-dir = /var/lib/nfs-suite\n' \
    "$TEST_NAME" >"$T/nfs.conf"
: >"$T/exports"
mkdir -p "$T/exports.d"
start_rpcbind
start_daemon mountd "$MOUNTD" -F -f "$T/nfs.conf" -e "$T/exports" \
    -E "$T/exports.d"
wait_rpc 100005 3 tcp
wait_rpc 100005 1 udp
mountd=$(daemon_pid mountd)
serve kept 400505
hold_ports 40106
must "$RPCREG" set 400506 1 tcp 0.0.0.0.156.170
wait_until 5 grep -q 'kept its 1 registration, the port is not closed (400506/1/tcp)' "$T/rpcbind.log" ||
    fail "400506 not kept after the tool exited"
stop_daemon rpcbind TERM
grep -Eq "^100005 3 tcp [^ ]+ superuser $mountd [0-9]+\$" "$STATE" ||
    fail "mountd's pid not saved: $(cat "$STATE")"
stop_daemon mountd KILL
mv "$T/rpcbind.log" "$T/rpcbind-1.log"
start_rpcbind
unlisted 100005 || fail "rpc.mountd's registrations survived its death and a warm start"
listed 400505 1 udp || fail "a running server's registration lost at the warm start"
listed 400506 1 tcp || fail "a registration whose port answers lost at the warm start"
must logged "warm start: dropped [0-9]+ registrations whose owner is gone and whose port is closed \\(100005/"
grep -q '^100005 ' "$STATE" && fail "the state file still holds mountd's registrations"
ok "warm start after rpc.mountd was killed -9: its registrations gone, the others kept"
kept=$(daemon_pid kept)
stop_daemon kept KILL
wait_until 4 unlisted 400505 || fail "400505 still listed after its server died (not watched after the warm start)"
must logged "pid $kept exited: dropped its"
ok "a warm-started registration's owner is watched again"

# ---------------------------------------------------------------- reused pid, version 1
stop_daemon rpcbind TERM
start_daemon sleeper sleep 1000
sl=$(daemon_pid sleeper)
st=$(start_of "$sl")
{
	echo "nfs-suite-rpcbind-state 2"
	echo "400510 1 udp 0.0.0.0.156.200 superuser $sl $st"
	echo "400511 1 udp 0.0.0.0.156.201 superuser $sl $((st + 1))"
	echo "400512 1 tcp 0.0.0.0.156.202 superuser 0 0"
} >"$STATE"
start_rpcbind
listed 400510 1 udp || fail "the registration of a running process (no port) was dropped"
unlisted 400511 || fail "a pid with another start time (reused) kept a dead registration"
unlisted 400512 || fail "a registration without pid on a closed port survived"
stop_daemon sleeper KILL
wait_until 4 unlisted 400510 || fail "400510 stays after its owner died"
ok "saved owners: kept while the same process runs, a reused pid keeps nothing"

stop_daemon rpcbind TERM
{
	echo "nfs-suite-rpcbind-state 1"
	echo "400520 1 tcp 0.0.0.0.156.170 superuser"
	echo "400521 1 tcp 0.0.0.0.156.210 superuser"
} >"$STATE"
start_rpcbind
listed 400520 1 tcp || fail "version 1: a registration whose port answers was dropped"
unlisted 400521 || fail "version 1: a closed port was kept"
head -n 1 "$STATE" | grep -qx 'nfs-suite-rpcbind-state 2' ||
    fail "the state file was not rewritten as version 2"
ok "a version-1 state file is read; its closed ports are dropped"
check_daemons
