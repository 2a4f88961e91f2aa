# shellcheck shell=bash
# lib.sh: sourced by every tests/integration/t_*.sh.
#
# Sourcing it re-executes the test, once, inside fresh network, mount and PID
# namespaces (unshare --net --mount --pid --fork --mount-proc --kill-child):
#   - lo is up; nothing else is reachable, so ports 111/2049 are ours;
#   - / is private, tmpfs is mounted on /run (so libtirpc's /run/rpcbind.sock
#     is ours, not the host's), on /var/lib/nfs-suite and on $T, the test's
#     scratch directory;
#   - being PID 1 of its own PID namespace, the test takes every process it
#     started with it when it ends, even when run-tests' timeout SIGKILLs it:
#     no daemon can outlive its test or hold a port for the next one.
# Not root, or no namespaces: the test is skipped (exit 77).
#
# Provides:
#   start_daemon NAME CMD...  run CMD in the background, output in $T/NAME.log;
#                             killed at exit; $PID_NAME... see daemon_pid
#   daemon_pid NAME           its PID          stop_daemon NAME [SIG]
#   wait_rpc PROG VERS [proto] [host]   poll rpcinfo until it answers
#   wait_until SECS CMD...    poll CMD until it succeeds
#   must CMD... / mustnot CMD...        run CMD, output in $OUT, fail the
#                             test if it fails (resp. succeeds)
#   fail MSG  ok MSG  skip MSG  assert_eq A B MSG  assert_match ERE TEXT MSG
#   assert_nomatch ERE TEXT MSG   rss_kb PID
#   peer_setup                a second network namespace (own /run) joined by
#                             a veth pair: we are $ADDR_SELF (192.0.2.1),
#                             it is $ADDR_PEER (192.0.2.2) (TEST-NET-1, only
#                             inside namespaces this test made)
#   in_peer CMD...            run CMD in that namespace
#   rpcbind_conf [KEY=VALUE...]  write $T/rpcbind.conf for a test rpcbind
#   start_rpcbind [ARGS...]   start $BUILD/rpcbind/rpcbind -f with that
#                             config and wait until it answers
#   hold_ports PORT...        something listening on those udp/tcp ports,
#                             so rpcbind keeps registrations pointing there

set -u -o pipefail

_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${SRCDIR:=$(cd "$_lib_dir/../.." && pwd)}"
: "${BUILD:=$SRCDIR/build}"
BUILD=$(cd "$BUILD" 2>/dev/null && pwd || echo "$BUILD")
export SRCDIR BUILD
TEST_NAME=${TEST_NAME:-$(basename "$0" .sh)}
export TEST_NAME

skip() {
	echo "SKIP: $*"
	exit 77
}

if [ -z "${_NFS_TEST_IN_NS:-}" ]; then
	[ "$(id -u)" = 0 ] || skip "needs root (network/mount namespaces)"
	command -v unshare >/dev/null || skip "no unshare(1)"
	unshare --net --mount --pid --fork --mount-proc true 2>/dev/null ||
	    skip "cannot create namespaces here"
	export _NFS_TEST_IN_NS=1
	_self=$(readlink -f "$0")
	exec unshare --net --mount --pid --fork --mount-proc --kill-child \
	    -- bash "$_self" "$@"
fi
unset _NFS_TEST_IN_NS

# ---------------------------------------------------------------- reporting
fail() {
	echo "FAIL: $*" >&2
	exit 1
}

ok() {
	echo "ok: $*"
}

assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-values differ}: got '$1', expected '$2'"
}

# assert_match ERE TEXT [MSG]
assert_match() {
	grep -Eq -- "$1" <<<"$2" ||
	    fail "${3:-no match}: /$1/ not in:
$2"
}

assert_nomatch() {
	! grep -Eq -- "$1" <<<"$2" ||
	    fail "${3:-unexpected match}: /$1/ found in:
$2"
}

# must CMD...: run, keep stdout+stderr in $OUT (also echoed), fail on error.
OUT=
must() {
	local rc=0
	OUT=$("$@" 2>&1) || rc=$?
	printf '+ %s\n%s\n' "$*" "$OUT"
	[ $rc -eq 0 ] || fail "'$*' exited $rc"
}

# mustnot CMD...: the same, but CMD must fail; $RC gets its status.
RC=0
mustnot() {
	RC=0
	OUT=$("$@" 2>&1) || RC=$?
	printf '+ %s  (expect failure)\n%s\n' "$*" "$OUT"
	[ $RC -ne 0 ] || fail "'$*' succeeded, expected failure"
}

# ---------------------------------------------------------------- namespace set-up
ip link set lo up || fail "ip link set lo up"
mount --make-rprivate / || fail "mount --make-rprivate /"
mount -t tmpfs -o mode=0755 tmpfs /run || fail "tmpfs on /run"
mkdir -p /var/lib/nfs-suite || fail "mkdir /var/lib/nfs-suite"
mount -t tmpfs -o mode=0755 tmpfs /var/lib/nfs-suite || fail "tmpfs on /var/lib/nfs-suite"
T=$(mktemp -d "${TMPDIR:-/tmp}/nfs-suite-$TEST_NAME.XXXXXX") || fail "mktemp"
_T_dir=$T
mount -t tmpfs -o mode=0755 tmpfs "$T" || fail "tmpfs on $T"
export T
# The daemons also read nfs-utils' /etc/nfs.conf (nfs-common's, with
# manage-gids = y): a test sees an empty one unless it gives --nfs-conf.
if [ -e /etc/nfs.conf ]; then
	: >"$T/.empty-nfs.conf"
	mount --bind "$T/.empty-nfs.conf" /etc/nfs.conf || fail "hide /etc/nfs.conf"
fi

# rpc.rquotad listens on the reserved port 875: root's libtirpc clients
# (rpcinfo, the test clients) must not take it as their source port, or
# its TIME_WAIT holds rpc.rquotad's start for a minute. What rpc.rquotad(8)
# tells the admin to do: add it to bindresvport's blacklist.
{ cat /etc/bindresvport.blacklist 2>/dev/null; echo "875	# rpc.rquotad"; } \
    >"$T/.bindresvport.blacklist"
if [ -e /etc/bindresvport.blacklist ]; then
	mount --bind "$T/.bindresvport.blacklist" /etc/bindresvport.blacklist ||
	    fail "bindresvport blacklist"
fi

# ---------------------------------------------------------------- daemons
declare -A _DPID=() _CHECK_EXIT=()
_PIDS=()

# start_daemon NAME CMD...
start_daemon() {
	local name=$1
	shift
	[ -z "${_DPID[$name]:-}" ] || ! kill -0 "${_DPID[$name]}" 2>/dev/null ||
	    fail "start_daemon $name: already running"
	echo "+ start $name: $*"
	"$@" >>"$T/$name.log" 2>&1 </dev/null &
	_DPID[$name]=$!
	_PIDS+=($!)
}

daemon_pid() {
	echo "${_DPID[$1]:-}"
}

daemon_alive() {
	local p=${_DPID[$1]:-}
	[ -n "$p" ] && kill -0 "$p" 2>/dev/null &&
	    ! grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null
}

# wait_exit PID SECS: 0 if PID (a child of ours) has exited within SECS;
# WAIT_STATUS gets its exit status (128+N for signal N).
WAIT_STATUS=
wait_exit() {
	local pid=$1 deadline=$((SECONDS + $2))
	while kill -0 "$pid" 2>/dev/null &&
	    ! grep -q '^State:[[:space:]]*Z' "/proc/$pid/status" 2>/dev/null; do
		[ $SECONDS -lt "$deadline" ] || return 1
		sleep 0.05
	done
	WAIT_STATUS=0
	wait "$pid" 2>/dev/null || WAIT_STATUS=$?
	return 0
}

# stop_daemon NAME [SIG]: signal it (TERM) and wait for it; SIGKILL after 10 s.
# Sets DAEMON_STATUS to its exit status.
DAEMON_STATUS=
stop_daemon() {
	local name=$1 sig=${2:-TERM} pid=${_DPID[$1]:-}
	[ -n "$pid" ] || fail "stop_daemon $name: not started"
	kill -"$sig" "$pid" 2>/dev/null
	if ! wait_exit "$pid" 10; then
		echo "stop_daemon $name: still alive 10 s after SIG$sig, killing" >&2
		kill -KILL "$pid" 2>/dev/null
		wait_exit "$pid" 5
	fi
	DAEMON_STATUS=$WAIT_STATUS
	unset "_DPID[$name]"
	echo "+ stopped $name (SIG$sig): status $DAEMON_STATUS"
	if [ "$sig" = TERM ] && [ -n "${_CHECK_EXIT[$name]:-}" ] &&
	    [ "$DAEMON_STATUS" != 0 ]; then
		fail "$name exited with status $DAEMON_STATUS after SIGTERM"
	fi
}

# must_exit_0 NAME: the daemon must exit 0 when stopped with SIGTERM (also
# at the end of the test): a sanitizer report or a crash on the way out
# fails the test.
must_exit_0() {
	_CHECK_EXIT[$1]=1
}

# is_asan FILE: built with AddressSanitizer?
is_asan() {
	grep -q __asan_init "$1" 2>/dev/null
}

# wait_until SECS CMD...: poll CMD (quietly) until it succeeds; 1 on timeout.
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ $SECONDS -lt "$deadline" ] || return 1
		sleep 0.05
	done
	return 0
}

# Fail early, with its log, if a daemon we started has died.
check_daemons() {
	local n
	for n in "${!_DPID[@]}"; do
		daemon_alive "$n" || fail "daemon $n (pid ${_DPID[$n]}) died"
	done
}

# wait_rpc PROG VERS [proto] [host]: poll `rpcinfo -T proto host PROG VERS`
# until it answers (WAIT_SECS, default 15).
wait_rpc() {
	local prog=$1 vers=$2 proto=${3:-tcp} host=${4:-127.0.0.1}
	local deadline=$((SECONDS + ${WAIT_SECS:-15}))
	until rpcinfo -T "$proto" "$host" "$prog" "$vers" >/dev/null 2>&1; do
		check_daemons
		[ $SECONDS -lt "$deadline" ] ||
		    fail "no answer from $prog v$vers over $proto at $host"
		sleep 0.05
	done
}

rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# ---------------------------------------------------------------- peer namespace
ADDR_SELF=192.0.2.1
ADDR_PEER=192.0.2.2
PEER_PID=

# peer_setup: a second network namespace with its own mount namespace (an
# empty tmpfs /run: no view of our /run/rpcbind.sock), joined to ours by a
# veth pair. It is a `sleep infinity` in namespaces of its own; commands
# enter it by its PID with nsenter.
peer_setup() {
	[ -z "$PEER_PID" ] || return 0
	rm -f "$T/.peer-ready"
	# shellcheck disable=SC2016  # $1 is the inner shell's
	unshare --net --mount --propagation private -- sh -c '
		mount -t tmpfs -o mode=0755 tmpfs /run || exit 1
		ip link set lo up || exit 1
		: >"$1/.peer-ready"
		exec sleep infinity' sh "$T" &
	PEER_PID=$!
	_PIDS+=("$PEER_PID")
	wait_until 10 test -e "$T/.peer-ready" || fail "peer namespace did not come up"
	ip link add nfst0 type veth peer name nfst1 || fail "ip link add veth"
	ip link set nfst1 netns "$PEER_PID" || fail "veth into peer"
	ip addr add "$ADDR_SELF/24" dev nfst0 || fail "ip addr add"
	ip link set nfst0 up || fail "veth up"
	in_peer ip addr add "$ADDR_PEER/24" dev nfst1 || fail "peer ip addr add"
	in_peer ip link set nfst1 up || fail "peer veth up"
	wait_until 10 sh -c 'ip -o link show nfst0 | grep -q LOWER_UP' ||
	    fail "veth has no carrier"
	echo "+ peer namespace: pid $PEER_PID, $ADDR_SELF <-> $ADDR_PEER"
}

# in_peer CMD...
in_peer() {
	[ -n "$PEER_PID" ] || fail "in_peer before peer_setup"
	nsenter --net="/proc/$PEER_PID/ns/net" --mount="/proc/$PEER_PID/ns/mnt" \
	    --wd="$T" -- "$@"
}

# ---------------------------------------------------------------- rpcbind helpers
RPCBIND=$BUILD/rpcbind/rpcbind
RPCREG=$BUILD/tests/clients/rpcreg
# rpcjunk MODE...: the raw malformed-input sender (Debian's python3).
rpcjunk() {
	/usr/bin/python3 "$SRCDIR/tests/clients/rpcjunk.py" "$@"
}

need_rpcbind() {
	[ -x "$RPCBIND" ] || fail "$RPCBIND not built"
	[ -x "$RPCREG" ] || fail "$RPCREG not built"
	command -v rpcinfo >/dev/null || fail "rpcinfo not installed (package rpcbind)"
}

# rpcbind_conf [KEY=VALUE...]: $T/rpcbind.conf, state in /var/lib/nfs-suite.
# shellcheck disable=SC2120  # arguments are optional
rpcbind_conf() {
	local kv
	{
		echo "# written by $TEST_NAME"
		echo "[rpcbind]"
		echo "state-dir = /var/lib/nfs-suite/rpcbind"
		echo "pidfile = /run/rpcbind.pid"
		echo "socket = /run/rpcbind.sock"
		for kv in "$@"; do
			echo "${kv%%=*} = ${kv#*=}"
		done
	} >"$T/rpcbind.conf"
}

# start_rpcbind [ARGS...]: foreground rpcbind on $T/rpcbind.conf (written
# with the defaults if missing), wait until tcp and udp answer.
# shellcheck disable=SC2120  # arguments are optional
start_rpcbind() {
	[ -f "$T/rpcbind.conf" ] || rpcbind_conf state-dir=/var/lib/nfs-suite/rpcbind
	start_daemon rpcbind "$RPCBIND" -f --config "$T/rpcbind.conf" "$@"
	must_exit_0 rpcbind
	wait_rpc 100000 4 tcp
	wait_rpc 100000 2 udp
	[ -S /run/rpcbind.sock ] || fail "no /run/rpcbind.sock"
}

# hold_ports PORT...: rpcreg listen on those udp and tcp ports of 0.0.0.0
# until the test ends. rpcbind drops a registration once its owner process
# is gone and its port is closed; a test that registers ports for nobody
# in particular holds them here (as the daemon a tool registers for would).
hold_ports() {
	start_daemon "ports-$1" "$RPCREG" listen "$@"
	wait_until 10 grep -q '^listening' "$T/ports-$1.log" ||
	    fail "cannot hold ports $*"
}

# ---------------------------------------------------------------- exit
_MAIN_PID=$BASHPID
_on_exit() {
	local rc=$? p n
	# A subshell (pipeline element, $(...)) dying of an error can run this
	# trap too: only the test's own shell cleans up.
	[ "$BASHPID" = "$_MAIN_PID" ] || exit $rc
	trap - EXIT
	for p in "${_PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${_PIDS[@]}"; do
		wait_exit "$p" 5 || { kill -KILL "$p" 2>/dev/null; wait_exit "$p" 2; }
		for n in "${!_CHECK_EXIT[@]}"; do
			if [ "${_DPID[$n]:-}" = "$p" ] && [ "$WAIT_STATUS" != 0 ]; then
				echo "FAIL: $n exited with status $WAIT_STATUS after SIGTERM" >&2
				[ $rc -ne 0 ] || rc=1
			fi
		done
	done
	if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
		for n in "$T"/*.log; do
			[ -f "$n" ] || continue
			echo "==== $n"
			tail -n 200 "$n"
		done
	fi
	if [ -n "${TEST_LOGDIR:-}" ] && [ -d "$TEST_LOGDIR" ]; then
		cp "$T"/*.log "$TEST_LOGDIR"/ 2>/dev/null
	fi
	cd /
	# A client the test left running may still hold a file in $T: detach
	# the tmpfs anyway, so the directory under /tmp goes too.
	{ umount "$T" 2>/dev/null || umount -l "$T" 2>/dev/null; } &&
	    rmdir "$_T_dir" 2>/dev/null
	case $rc in
	0) echo "PASS: $TEST_NAME" ;;
	77) ;;
	*) echo "FAIL: $TEST_NAME (exit $rc)" ;;
	esac
	exit $rc
}
trap _on_exit EXIT
# PID 1 of a PID namespace gets no default signal actions: say what to do.
trap 'echo "killed by SIGTERM" >&2; exit 143' TERM
trap 'echo "interrupted" >&2; exit 130' INT
