# shellcheck shell=bash
# lib.sh: sourced by every tests/linux-client/t_*.sh (kernel-client tests).
#
# Before anything else, and before entering namespaces (the guest build
# needs the host's apt mirror), it makes sure the guest exists: build-guest
# builds it once into $GUEST_CACHE (/var/cache/nfs-suite-guest) and does
# nothing when it is current. Then it sources tests/integration/lib.sh,
# which re-executes the test in private network, mount and PID namespaces
# and provides start_daemon, wait_rpc, must, fail, ... (see there); the
# daemons' logs ($T/*.log) are printed when the test fails.
#
# Provides, in addition:
#   lc_net_setup          bridge br0 with $SERVER_ADDR/24 (198.51.100.1) in
#                         our network namespace; guests plug into it
#   guest_run N SCRIPT [run-guest options]   boot guest N (address
#                         198.51.100.(10+N)) running SCRIPT; results in
#                         $T/guestN; on failure print the failing step, the
#                         guest's output, console and dmesg, and fail
#   guest_start N SCRIPT [...] / guest_wait N   the same in the background,
#                         for two guests at once
#   start_lc_rpcbind      our rpcbind, answering on $SERVER_ADDR
#   start_lc_mountd [EXPORTS_LINE...]   our rpc.mountd on $T/exports,
#                         answering on $SERVER_ADDR
#   start_lc_nfsd [ARGS...]  our rpc.nfsd on the same exports and state as
#                         start_lc_mountd (call that first); restart it with
#                         stop_lc_nfsd [SIGNAL] + start_lc_nfsd
#   start_lc_server EXPORTS_LINE...  rpcbind, mountd and nfsd in one go
#                         (mountd and nfsd read $LC_CONF, default none)
#   lc_timings            print the timings collected so far
#   lc_krb5_setup USER... a throwaway realm (tests/integration/krb5-lib.sh)
#                         whose KDC also listens on $SERVER_ADDR:88, the
#                         server's nfs/server principal in $KRB5_KEYTAB and
#                         the USERs (keytabs $KRB5_DIR/USER.keytab)
#   lc_krb5_guest N USER...  what guest N's start_gssd needs, in its share:
#                         krb5.conf (the KDC at $SERVER_ADDR), krb5.keytab
#                         (nfs/guestN, root's machine credential) and
#                         USER.keytab for each USER (kinit -k in the guest)
# A guest script sources /share/guest-lib.sh (step, must, fail, ...).

_lc_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if [ -z "${_NFS_TEST_IN_NS:-}" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: needs root (namespaces, tap devices, guest build)"
		exit 77
	fi
	_t0=$(date +%s.%N)
	"$_lc_dir/build-guest" -q || { echo "FAIL: build-guest failed" >&2; exit 1; }
	LC_BUILD_SECS=$(awk -v a="$_t0" -v b="$(date +%s.%N)" \
	    'BEGIN { printf "%.1f", b - a }')
	export LC_BUILD_SECS
	LC_T0=$_t0
	export LC_T0
fi
# shellcheck source=../integration/lib.sh
. "$_lc_dir/../integration/lib.sh"

SERVER_ADDR=198.51.100.1
NET_PREFIX=198.51.100
GUEST_CACHE=${GUEST_CACHE:-/var/cache/nfs-suite-guest}
export GUEST_CACHE
RUN_GUEST=$_lc_dir/run-guest
MOUNTD=$BUILD/mountd/rpc.mountd
NFSD=$BUILD/nfsd/rpc.nfsd
EXPORTFS=$BUILD/mountd/exportfs

# guest_addr N
guest_addr() {
	echo "$NET_PREFIX.$((10 + $1))"
}

# ---------------------------------------------------------------- network
# br0 carries the server's address; each guest's tap (nfsg<N>, made by
# run-guest) is a port of it. No STP, no forwarding delay: a port forwards
# as soon as it is up. Its MAC address is set, never inherited: a bridge
# left to itself takes the lowest address of its ports, so it changed each
# time run-guest added or removed a guest's tap, and a guest still running
# kept sending to the old address (its lock call hung in a stress run of
# two guests, when the other guest finished first).
lc_net_setup() {
	ip link show br0 >/dev/null 2>&1 && return 0
	ip link add br0 address 02:00:c6:33:64:01 type bridge stp_state 0 \
	    forward_delay 0 || fail "ip link add br0"
	ip addr add "$SERVER_ADDR/24" dev br0 || fail "ip addr add $SERVER_ADDR"
	ip link set br0 up || fail "br0 up"
	echo "+ bridge br0 $SERVER_ADDR/24"
}

# ---------------------------------------------------------------- daemons
start_lc_rpcbind() {
	need_rpcbind
	start_rpcbind
	wait_rpc 100000 2 tcp "$SERVER_ADDR"
	wait_rpc 100000 2 udp "$SERVER_ADDR"
}

# start_lc_mountd [EXPORTS_LINE...]: rpc.mountd on $T/exports (the lines
# given), state in $T/mountd-state; waits for MOUNT v3 on $SERVER_ADDR.
start_lc_mountd() {
	local l
	[ -x "$MOUNTD" ] || fail "$MOUNTD not built"
	mkdir -p "$T/mountd-state" "$T/exports.d"
	: >"$T/exports"
	for l in "$@"; do
		printf '%s\n' "$l" >>"$T/exports"
	done
	start_daemon mountd "$MOUNTD" -F -f "${LC_CONF:-/dev/null}" \
	    -e "$T/exports" -E "$T/exports.d" -S "$T/mountd-state"
	wait_rpc 100005 3 tcp "$SERVER_ADDR"
	wait_rpc 100005 3 udp "$SERVER_ADDR"
}

# start_lc_nfsd [ARGS...]: rpc.nfsd on the exports and state directory of
# start_lc_mountd (the two share the handle key), NFSv2 on too (-V 2: off by
# default, as in Debian 12; t_mount drives it); waits for NFS v3.
start_lc_nfsd() {
	[ -x "$NFSD" ] || fail "$NFSD not built"
	# NFSv2 and UDP as well (Debian 12's defaults, now rpc.nfsd's, are
	# v3 over TCP): t_mount mounts vers=2 and shows that the client
	# refuses proto=udp itself, with the server offering it
	start_daemon nfsd "$NFSD" -F -f "${LC_CONF:-/dev/null}" \
	    -e "$T/exports" -E "$T/exports.d" -S "$T/mountd-state" -V 2 -u "$@"
	wait_rpc 100003 3 tcp "$SERVER_ADDR"
}

# stop_lc_nfsd [SIGNAL]: stop rpc.nfsd (TERM by default, KILL for a crash)
# and wait until it is gone.
stop_lc_nfsd() {
	stop_daemon nfsd "${1:-TERM}"
}

# start_lc_server EXPORTS_LINE...: rpcbind, rpc.mountd and rpc.nfsd.
start_lc_server() {
	start_lc_rpcbind
	start_lc_mountd "$@"
	start_lc_nfsd
}

# start_lc_statd [ARGS...]: our rpc.statd, state in $T/statd (kept across
# restarts: stop_daemon statd + start_lc_statd is a statd restart); waits
# for NSM v1 on $SERVER_ADDR.
STATD=$BUILD/statd/rpc.statd
LOCKD=$BUILD/lockd/rpc.lockd
start_lc_statd() {
	[ -x "$STATD" ] || fail "$STATD not built"
	mkdir -p "$T/statd"
	start_daemon statd "$STATD" -F -f /dev/null -P "$T/statd" "$@"
	wait_rpc 100024 1 udp "$SERVER_ADDR"
}

# start_lc_lockd [ARGS...]: our rpc.lockd on the exports, handle key and
# state of start_lc_mountd (call that first); waits for NLM v4.
start_lc_lockd() {
	[ -x "$LOCKD" ] || fail "$LOCKD not built"
	start_daemon lockd "$LOCKD" -F -f /dev/null -e "$T/exports" \
	    -E "$T/exports.d" -S "$T/mountd-state" "$@"
	wait_rpc 100021 4 tcp "$SERVER_ADDR"
	wait_rpc 100021 4 udp "$SERVER_ADDR"
}

# start_lc_locking_server [LOCKD_ARGS...] -- EXPORTS_LINE...: rpcbind,
# mountd, nfsd, statd and lockd, as a server that takes locks.
start_lc_locking_server() {
	local largs=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		largs+=("$1")
		shift
	done
	[ "${1:-}" = -- ] && shift
	start_lc_server "$@"
	start_lc_statd
	start_lc_lockd "${largs[@]}"
}

# host_answer N NAME CMD...: wait for guest N's host_check NAME (the guest
# creates /share/NAME), run CMD, then let the guest go on (NAME.done, or
# NAME.fail holding CMD's output when CMD failed: the guest fails there).
host_answer() {
	local n=$1 name=$2 out rc=0
	shift 2
	wait_until 300 test -e "$T/guest$n/$name" || {
		guest_wait "$n"
		fail "guest$n never reached $name"
	}
	# in this shell (CMD may start processes and set variables)
	"$@" >"$T/.host-check.out" 2>&1 || rc=$?
	out=$(cat "$T/.host-check.out")
	printf '+ host check %s (guest%s): %s\n%s\n' "$name" "$n" "$*" "$out"
	if [ $rc -eq 0 ]; then
		: >"$T/guest$n/$name.done"
	else
		printf '%s\n' "$out" >"$T/guest$n/$name.fail"
		guest_wait "$n"
		fail "host check $name: '$*' exited $rc"
	fi
}

# ---------------------------------------------------------------- Kerberos
# The guest calls the server "server" (its /etc/hosts, from guest-init), so
# rpc.gssd asks for nfs/server; the guest's root uses nfs/guestN.
lc_krb5_setup() {
	local u
	lc_net_setup
	# shellcheck source=../integration/krb5-lib.sh
	. "$_lc_dir/../integration/krb5-lib.sh"
	KRB5_KDC_ADDR=$SERVER_ADDR
	# shellcheck disable=SC2119  # the default realm
	krb5_realm_setup
	krb5_add_service nfs/server
	for u in "$@"; do
		krb5_add_user "$u"
	done
}

lc_krb5_guest() {
	local n=$1 u
	shift
	mkdir -p "$T/guest$n"
	krb5_client_conf "$T/guest$n/krb5.conf" "$SERVER_ADDR"
	krb5_add_service "nfs/guest$n" "$T/guest$n/krb5.keytab"
	for u in "$@"; do
		cp "$KRB5_DIR/$u.keytab" "$T/guest$n/$u.keytab" ||
		    fail "copy $u.keytab"
	done
}

# ---------------------------------------------------------------- guests
declare -A _GPID=()
declare -A _GT0=()
LC_TIMINGS=()

# guest_start N SCRIPT [run-guest options]: boot guest N in the background.
guest_start() {
	local n=$1 script=$2
	shift 2
	local r=$T/guest$n
	mkdir -p "$r"	# may already hold files for the guest's /share
	echo "+ boot guest$n ($(guest_addr "$n")): ${script##*/}"
	_GT0[$n]=$(date +%s.%N)
	"$RUN_GUEST" -n "$n" -r "$r" "$@" "$script" >"$r/run-guest.log" 2>&1 &
	_GPID[$n]=$!
	_PIDS+=($!)
}

# guest_wait N: wait for guest N; 0 if its script passed, else print what
# it did and fail the test.
guest_wait() {
	local n=$1 r=$T/guest$1 rc=0 dt
	[ -n "${_GPID[$n]:-}" ] || fail "guest_wait $n: not started"
	wait "${_GPID[$n]}" || rc=$?
	unset "_GPID[$n]"
	dt=$(awk -v a="${_GT0[$n]}" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	local _lc_retried=
	[ ! -e "$r/boot-retries" ] ||
	    _lc_retried=" (booted twice: the first boot hung, run-guest.log says more)"
	LC_TIMINGS+=("guest$n: boot to script $(cat "$r/uptime" 2>/dev/null || echo ?)s, run ${dt}s${_lc_retried:-}")
	# $T goes away with the test: keep the guest's logs (run-tests style
	# TEST_LOGDIR, else /tmp/nfs-suite-logs/TEST) when it failed or asked.
	_LC_KEPT=
	if [ -n "${TEST_LOGDIR:-}" ] && [ -d "$TEST_LOGDIR" ]; then
		_LC_KEPT=$TEST_LOGDIR/guest$n
	elif [ $rc -ne 0 ]; then
		_LC_KEPT=${TMPDIR:-/tmp}/nfs-suite-logs/$TEST_NAME/guest$n
	fi
	if [ -n "$_LC_KEPT" ]; then
		rm -rf "$_LC_KEPT"
		mkdir -p "$_LC_KEPT"
		cp "$r"/*.log "$r/status" "$r/step" "$r/test.sh" "$_LC_KEPT/" 2>/dev/null
	fi
	if [ $rc -eq 0 ]; then
		echo "+ guest$n passed (${dt}s)"
		return 0
	fi
	guest_report "$n" "$rc"
	# shellcheck disable=SC2016  # the quotes are text
	fail "guest$n: $(guest_why "$rc")${_LC_STEP:+ in step '$_LC_STEP'}"
}

# guest_kill N: power guest N off hard (SIGKILL to its QEMU: no shutdown,
# nothing flushed) and reap its run-guest. Its results so far move to
# $T/guestN.killed/, so the directory can boot the guest again.
guest_kill() {
	local n=$1 pid
	[ -n "${_GPID[$n]:-}" ] || fail "guest_kill $n: not running"
	pid=$(pgrep -f -- "ifname=nfsg$n,") || fail "guest_kill $n: no QEMU"
	kill -KILL $pid
	wait "${_GPID[$n]}" 2>/dev/null
	unset "_GPID[$n]"
	rm -rf "$T/guest$n.killed"
	mkdir -p "$T/guest$n.killed"
	cp "$T/guest$n"/*.log "$T/guest$n.killed/" 2>/dev/null
	echo "+ guest$n powered off (QEMU pid $pid killed)"
}

# guest_run N SCRIPT [run-guest options]: boot, wait, fail with a report.
guest_run() {
	guest_start "$@"
	guest_wait "$1"
}

guest_why() {
	case $1 in
	124) echo "timed out" ;;
	125) echo "harness error (no status from the guest)" ;;
	*) echo "script exited $1" ;;
	esac
}

# guest_report N RC: what a failed guest leaves for the reader.
_LC_STEP=
guest_report() {
	local n=$1 r=$T/guest$1
	_LC_STEP=$(cat "$r/step" 2>/dev/null)
	# shellcheck disable=SC2016  # the quotes are text
	[ -e "$r/uptime" ] || _LC_STEP="none: the guest never reached its script"
	echo "==== guest$n ($(guest_addr "$n")) failed: $(guest_why "$2")" \
	    "${_LC_STEP:+in step '$_LC_STEP'}"
	echo "---- run-guest"
	cat "$r/run-guest.log" 2>/dev/null
	_lc_tail "$r/output.log" 60 "guest$n script output"
	# The console repeats the output: show only what the kernel and the
	# guest's init said there.
	_lc_tail "$r/console.log" 15 "guest$n console (without the script's output)" \
	    '^guest-init:|^\[ *[0-9]+\.[0-9]+\]'
	_lc_tail "$r/ps.log" 40 "guest$n processes before the timeout"
	_lc_tail "$r/dmesg.log" 40 "guest$n dmesg"
	_lc_tail "$r/qemu.log" 10 "qemu"
	_lc_tail "$r/console.hung1.log" 15 "guest$n console of the boot that hung"
	echo "---- guest$n logs kept in $_LC_KEPT"
}

# _lc_tail FILE N TITLE [ERE]: the last N lines (matching ERE) of FILE.
_lc_tail() {
	[ -s "$1" ] || return 0
	echo "---- $3 (last $2 lines of ${1##*/})"
	if [ -n "${4:-}" ]; then
		grep -aE -- "$4" "$1" | tail -n "$2"
	else
		tail -n "$2" "$1"
	fi
}

lc_timings() {
	local t
	echo "timings: guest build/check ${LC_BUILD_SECS:-?}s"
	for t in "${LC_TIMINGS[@]}"; do
		echo "timings: $t"
	done
	[ -z "${LC_T0:-}" ] ||
	    echo "timings: total $(awk -v a="$LC_T0" -v b="$(date +%s.%N)" \
		'BEGIN { printf "%.1f", b - a }')s"
}
