# shellcheck shell=bash
# guest-lib.sh: sourced by test scripts inside the guest (. /share/guest-lib.sh).
#
#   step NAME            start a named step: printed, and recorded in
#                        /share/step so a failure names the step it was in
#   must CMD...          run CMD, output in $OUT (and echoed), fail if it fails
#   mustnot CMD...       the same, CMD must fail; $RC gets its status
#   fail MSG  ok MSG     assert_match ERE TEXT [MSG]   assert_eq A B [MSG]
#   start_statd          the guest's own rpcbind + rpc.statd (needed for NLM)
#   barrier PEER [SECS]  meet another guest: returns once both have called
#                        barrier (the Nth call on one side meets the Nth on
#                        the other), fails after SECS (120)
#   host_check NAME [SECS]  let the host look at the server side now (the
#                        host's host_answer runs its check) and go on once
#                        it has; fails if the host's check failed
# Variables: SERVER_ADDR, GUEST_ADDR, GUEST_NAME, GUEST_NUM and whatever
# run-guest -e passed.
set -u -o pipefail

STEP=
step() {
	STEP=$*
	printf '%s\n' "$STEP" >/share/step
	echo "=== step: $STEP"
}

fail() {
	echo "FAIL${STEP:+ [$STEP]}: $*" >&2
	exit 1
}

ok() {
	echo "ok: $*"
}

assert_eq() {
	[ "$1" = "$2" ] || fail "${3:-values differ}: got '$1', expected '$2'"
}

assert_match() {
	grep -Eq -- "$1" <<<"$2" ||
	    fail "${3:-no match}: /$1/ not in:
$2"
}

OUT=
must() {
	local rc=0
	OUT=$("$@" 2>&1) || rc=$?
	printf '+ %s\n%s\n' "$*" "$OUT"
	[ $rc -eq 0 ] || fail "'$*' exited $rc"
}

RC=0
mustnot() {
	RC=0
	OUT=$("$@" 2>&1) || RC=$?
	printf '+ %s  (expect failure)\n%s\n' "$*" "$OUT"
	[ $RC -ne 0 ] || fail "'$*' succeeded, expected failure"
}

start_statd() {
	rpcbind -w 2>/dev/null || rpcbind || fail "guest rpcbind"
	rpc.statd --no-notify || fail "guest rpc.statd"
}

# barrier PEER [SECS]: each side listens on TCP port 7000+N and dials the
# other's; it is through when its dial succeeded (the peer is here) and it
# accepted the peer's dial (the peer knows we are here).
_BARRIER_N=0
barrier() {
	local peer=$1 secs=${2:-120}
	_BARRIER_N=$((_BARRIER_N + 1))
	/usr/bin/python3 - "$peer" $((7000 + _BARRIER_N)) "$secs" <<'PY' ||
import socket, sys, threading, time
peer, port, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
deadline = time.monotonic() + secs
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("", port))
srv.listen(4)
srv.settimeout(secs)
dialed = []
def dial():
    while time.monotonic() < deadline:
        try:
            socket.create_connection((peer, port), 1).close()
            dialed.append(1)
            return
        except OSError:
            time.sleep(0.05)
t = threading.Thread(target=dial)
t.start()
try:
    srv.accept()[0].close()
except OSError:
    sys.exit("no dial from %s within %gs" % (peer, secs))
t.join()
if not dialed:
    sys.exit("cannot reach %s:%d" % (peer, port))
PY
	    fail "barrier $_BARRIER_N with $peer"
	echo "+ barrier $_BARRIER_N with $peer"
}

# host_check NAME [SECS]: create /share/NAME, wait for the host's verdict:
# /share/NAME.done (go on) or /share/NAME.fail (its output: fail).
host_check() {
	local name=$1 secs=${2:-120} i
	: >"/share/$name"
	for i in $(seq $((secs * 20))); do
		[ -e "/share/$name.done" ] && return 0
		if [ -e "/share/$name.fail" ]; then
			fail "host check $name failed: $(cat "/share/$name.fail")"
		fi
		sleep 0.05
	done
	fail "the host did not answer $name within $secs s"
}
