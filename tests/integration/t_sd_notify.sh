#!/bin/bash
# t_sd_notify: the daemons under a service manager (systemd's protocols,
# with stand-ins: tests/clients/notifyd.py for the notify socket, a
# datagram socket for /dev/log).
#
#  - Registration retried until rpcbind answers: rpc.mountd and rpc.nfsd
#    started first, rpcbind 2 s later; both are in rpcbind's map within a
#    few seconds of it, and say READY=1 only then (STATUS= says they wait).
#  - Type=notify: each of the six daemons sends READY=1 (with STATUS= and
#    MAINPID=) only once it is registered and answers: the stand-in asks
#    rpcinfo the moment READY=1 arrives; an abstract "@name" socket works;
#    STOPPING=1 comes at SIGTERM.
#  - Journal: with $JOURNAL_STREAM naming stderr, lines are "<prio>text"
#    (no time, no ident: journald adds them); a $JOURNAL_STREAM naming
#    another file changes nothing.
#  - The syslog ident is the program's name: "rpc.statd[pid]:" from a
#    detached rpc.statd (rpc.mountd's is checked by t_seccomp).
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
# shellcheck source=lockd-lib.sh
. "$(dirname "$0")/lockd-lib.sh"
NOTIFYD=$SRCDIR/tests/clients/notifyd.py

mkdir -p "$E/x" "$T/exports.d"
printf '%s\t127.0.0.1(rw)\n' "$E/x" >"$T/exports"

# notifyd NAME ADDR [PROG VERS]: a notify socket for daemon NAME; its
# messages in $T/notify-NAME.out
notifyd() {
	local n=$1
	shift
	start_daemon "notifyd-$n" /usr/bin/python3 "$NOTIFYD" "$1" \
	    "$T/notify-$n.out" "${@:2}"
	wait_until 10 grep -q '^listening' "$T/notify-$n.out" ||
	    fail "notify stand-in for $n did not start"
}
# wait_ready NAME SECS: READY=1 seen, and rpcinfo answered at that moment
wait_ready() {
	wait_until "$2" grep -q '^rpcinfo-at-ready' "$T/notify-$1.out" ||
	    fail "no READY=1 from $1:
$(cat "$T/notify-$1.out")"
	grep -q '^rpcinfo-at-ready 0$' "$T/notify-$1.out" ||
	    fail "$1 said READY=1 before it was registered:
$(cat "$T/notify-$1.out")"
	grep -Eq "READY=1\|STATUS=Serving [^|]+\|MAINPID=$(daemon_pid "$1")$" \
	    "$T/notify-$1.out" ||
	    fail "$1: READY=1 without STATUS= and its MAINPID=:
$(cat "$T/notify-$1.out")"
}

# ------------------------------------------------ rpcbind comes late
notifyd mountd "$T/notify-mountd.sock" 100005 3
notifyd nfsd "@nfs-suite-test-nfsd" 100003 3
NOTIFY_SOCKET=$T/notify-mountd.sock start_daemon mountd \
    "$BUILD/mountd/rpc.mountd" -F --config "$T/nfs.conf" -e "$T/exports" -E "$T/exports.d"
must_exit_0 mountd
NOTIFY_SOCKET=@nfs-suite-test-nfsd start_daemon nfsd "$BUILD/nfsd/rpc.nfsd" \
    -F --config "$T/nfs.conf" -e "$T/exports" -E "$T/exports.d"
must_exit_0 nfsd
sleep 2
check_daemons
for d in mountd nfsd; do
	grep -q 'READY=1' "$T/notify-$d.out" &&
	    fail "$d: READY=1 with no rpcbind running:
$(cat "$T/notify-$d.out")"
	grep -q 'STATUS=Waiting for rpcbind' "$T/notify-$d.out" ||
	    fail "$d: no STATUS= saying it waits for rpcbind:
$(cat "$T/notify-$d.out")"
	grep -q 'rpcbind does not answer: .* will be registered as soon as it does' \
	    "$T/$d.log" || fail "$d does not say it waits for rpcbind"
done
ok "without rpcbind: mountd and nfsd serve, wait, and are not READY (STATUS= says why)"

notifyd rpcbind "$T/notify-rpcbind.sock" 100000 4
t0=$(date +%s%N)
NOTIFY_SOCKET=$T/notify-rpcbind.sock start_rpcbind
wait_ready rpcbind 10
ok "rpcbind: READY=1 when it answers"
WAIT_SECS=10 wait_rpc 100005 3 tcp
WAIT_SECS=10 wait_rpc 100003 3 udp
dt=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$dt" -lt 10000 ] || fail "registered ${dt} ms after rpcbind started"
wait_ready mountd 10
wait_ready nfsd 10
for d in mountd nfsd; do
	grep -Eq 'registered [a-z_, ]+ with rpcbind \(attempt [0-9]+' "$T/$d.log" ||
	    fail "$d does not log its late registration"
done
ok "rpcbind 2 s late: mountd and nfsd registered ${dt} ms after its start, READY=1 after that"

# ------------------------------------------------ READY=1 from each daemon
stop_daemon mountd
grep -q 'STOPPING=1' "$T/notify-mountd.out" || fail "no STOPPING=1 at SIGTERM"
ok "mountd: STOPPING=1 at SIGTERM"
rm -f "$T/notify-mountd.out"
stop_daemon notifyd-mountd
notifyd mountd "$T/notify-mountd2.sock" 100005 3
NOTIFY_SOCKET=$T/notify-mountd2.sock start_daemon mountd \
    "$BUILD/mountd/rpc.mountd" -F --config "$T/nfs.conf" -e "$T/exports" -E "$T/exports.d"
must_exit_0 mountd
wait_ready mountd 10
notifyd statd "$T/notify-statd.sock" 100024 1
NOTIFY_SOCKET=$T/notify-statd.sock start_statd
wait_ready statd 10
notifyd lockd "$T/notify-lockd.sock" 100021 4
NOTIFY_SOCKET=$T/notify-lockd.sock start_lockd
wait_ready lockd 10
notifyd rquotad "$T/notify-rquotad.sock" 100011 1
: >"$T/rquotad.log"
# the journal's stream is stderr: the file the log goes to
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/rquotad.log") \
NOTIFY_SOCKET=$T/notify-rquotad.sock start_daemon rquotad \
    "$BUILD/rquotad/rpc.rquotad" -F --config "$T/nfs.conf" -e "$T/exports" -E "$T/exports.d"
must_exit_0 rquotad
wait_ready rquotad 10
for d in rpcbind mountd nfsd statd lockd rquotad; do
	echo "== notify-$d"
	cat "$T/notify-$d.out"
done
ok "READY=1 from rpcbind, rpc.mountd, rpc.nfsd, rpc.statd, rpc.lockd, rpc.rquotad only once registered"

# ------------------------------------------------ journal format
cat "$T/rquotad.log"
n=$(grep -c . "$T/rquotad.log")
[ "$n" -gt 0 ] || fail "rquotad logged nothing"
bad=$(grep -Ev '^<[0-7]>[^<]' "$T/rquotad.log" | grep -v '^==' || true)
[ -z "$bad" ] || fail "lines not in the journal format:
$bad"
grep -Eq '^<5>rpc\.rquotad [^ ]+ serving RQUOTA' "$T/rquotad.log" ||
    fail "no <5> (LOG_NOTICE) start line"
grep -Eq '[0-9]{2}:[0-9]{2}:[0-9]{2}' "$T/rquotad.log" &&
    fail "a timestamp under the journal"
ok "JOURNAL_STREAM = stderr: $n lines of '<prio>text', no time stamp, no ident"
# a JOURNAL_STREAM for another file (inherited, stderr redirected)
grep -Eq '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} rpc\.lockd: ' "$T/lockd.log" ||
    fail "lockd's foreground lines lost their time stamp or ident"
JOURNAL_STREAM=$(stat -c '%d:%i' "$T/exports") "$BUILD/rpcbind/rpcbind" -F --config "$T/rpcbind.conf" \
    >"$T/rpcbind-dup.out" 2>&1 && fail "a second rpcbind started"
cat "$T/rpcbind-dup.out"
grep -Eq '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} rpcbind: ' "$T/rpcbind-dup.out" ||
    fail "JOURNAL_STREAM naming another file changed the format"
ok "JOURNAL_STREAM naming another file: time stamp and ident as before"

# ------------------------------------------------ syslog ident
cat >"$T/syslogd.py" <<'PY'
import os, socket, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
with open(out, "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536).rstrip(b"\n") + b"\n")
PY
start_daemon syslogd /usr/bin/python3 "$T/syslogd.py" "$T/devlog" "$T/syslog.out"
wait_until 10 test -S "$T/devlog" || fail "syslog stand-in did not start"
stop_daemon statd
# shellcheck disable=SC2016  # the inner shell expands
unshare --mount --propagation private -- sh -c '
	set -e
	mount -t tmpfs -o mode=0755 tmpfs /dev
	mknod -m 666 /dev/null c 1 3
	mknod -m 666 /dev/zero c 1 5
	mknod -m 666 /dev/urandom c 1 9
	ln -s "$1/devlog" /dev/log
	shift
	exec "$@"' sh "$T" "$BUILD/statd/rpc.statd" --config "$T/nfs.conf" \
    >"$T/statd-detached.out" 2>&1 &
ppid_d=$!
_PIDS+=("$ppid_d")
wait_exit "$ppid_d" 10 || fail "detached rpc.statd: the parent did not exit"
[ "$WAIT_STATUS" = 0 ] || fail "detached rpc.statd exited $WAIT_STATUS"
wait_until 10 sh -c 'p=$(cat /run/rpc.statd.pid) && kill -0 "$p"' ||
    fail "no pidfile naming the detached rpc.statd"
dpid=$(cat /run/rpc.statd.pid)
_PIDS+=("$dpid")
wait_rpc 100024 1 udp
wait_until 10 grep -Eq "^<[0-9]+>.* rpc\.statd\[$dpid\]: " "$T/syslog.out" ||
    fail "no 'rpc.statd[$dpid]:' in syslog:
$(cat "$T/syslog.out")"
cat "$T/syslog.out"
kill -TERM "$dpid"
ok "detached rpc.statd logs to syslog as rpc.statd[pid]"
