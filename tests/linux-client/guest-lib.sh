# shellcheck shell=bash
# guest-lib.sh: sourced by test scripts inside the guest (. /share/guest-lib.sh).
#
#   step NAME            start a named step: printed, and recorded in
#                        /share/step so a failure names the step it was in
#   must CMD...          run CMD, output in $OUT (and echoed), fail if it fails
#   mustnot CMD...       the same, CMD must fail; $RC gets its status
#   fail MSG  ok MSG     assert_match ERE TEXT [MSG]   assert_eq A B [MSG]
#   start_statd          the guest's own rpcbind + rpc.statd (needed for NLM)
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
	printf '%s\n' "$2" | grep -Eq -- "$1" ||
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
