# shellcheck shell=bash
# guest-lib.sh: sourced by test scripts inside the guest (. /share/guest-lib.sh).
#
#   step NAME            start a named step: printed, and recorded in
#                        /share/step so a failure names the step it was in
#   must CMD...          run CMD, output in $OUT (and echoed), fail if it fails
#   mustnot CMD...       the same, CMD must fail; $RC gets its status
#   fail MSG  ok MSG     assert_match ERE TEXT [MSG]   assert_eq A B [MSG]
#   start_statd          the guest's own rpcbind + rpc.statd (needed for NLM)
#   start_gssd           Kerberos for sec=krb5* mounts: /share/krb5.conf and
#                        /share/krb5.keytab (the host's lc_krb5_guest) become
#                        /etc/krb5.conf and /etc/krb5.keytab, rpc_pipefs is
#                        mounted and rpc.gssd runs (log: /share/gssd.log)
#   as_uid UID CMD...    run CMD as UID (gid UID, no other groups), with
#                        HOME=/tmp; its default ccache is /tmp/krb5cc_UID
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

# start_gssd: what `mount -o sec=krb5|krb5i|krb5p` needs in the guest. The
# kernel asks rpc.gssd (through rpc_pipefs) for a context per user: root's
# comes from the keytab (nfs/GUEST_NAME), a user's from their ccache
# (/tmp/krb5cc_UID, where kinit puts it).
start_gssd() {
	local i
	[ -f /share/krb5.conf ] || fail "start_gssd: no /share/krb5.conf"
	cp /share/krb5.conf /etc/krb5.conf || fail "cp krb5.conf"
	if [ -f /share/krb5.keytab ]; then
		install -m 600 /share/krb5.keytab /etc/krb5.keytab ||
		    fail "install krb5.keytab"
	fi
	modprobe -a auth_rpcgss rpcsec_gss_krb5 cts || fail "modprobe rpcsec_gss_krb5"
	mkdir -p /run/rpc_pipefs
	mountpoint -q /run/rpc_pipefs ||
	    mount -t rpc_pipefs sunrpc /run/rpc_pipefs || fail "mount rpc_pipefs"
	# -f: foreground (in our background), -vvv -rrr: its and libtirpc's
	# RPCSEC_GSS debugging, in /share/gssd.log
	rpc.gssd -f -vvv -rrr -p /run/rpc_pipefs -k /etc/krb5.keytab \
	    >/share/gssd.log 2>&1 </dev/null &
	GSSD_PID=$!
	# it is ready once it watches rpc_pipefs (inotify) for new clients
	for i in $(seq 200); do
		kill -0 "$GSSD_PID" 2>/dev/null ||
		    fail "rpc.gssd exited: $(tail -n 5 /share/gssd.log)"
		_watching "$GSSD_PID" && break
		sleep 0.05
	done
	_watching "$GSSD_PID" || fail "rpc.gssd does not watch rpc_pipefs"
	echo "+ rpc.gssd pid $GSSD_PID, ready after $i polls"
}

_watching() {
	local f
	for f in /proc/"$1"/fd/*; do
		[ "$(readlink "$f" 2>/dev/null)" = "anon_inode:inotify" ] &&
		    return 0
	done
	return 1
}

as_uid() {
	local uid=$1
	shift
	HOME=/tmp setpriv --reuid="$uid" --regid="$uid" --clear-groups -- "$@"
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
