#!/bin/bash
# t_seccomp: every daemon, started as the tests start them, runs in its
# sandbox (common/sandbox.h): /proc/PID/status of each thread shows
# Seccomp: 2 (filter) and NoNewPrivs: 1, and CapBnd, the bounding set, is
# exactly the capabilities the daemon kept (CapPrm).
#
# A call outside a daemon's allow-list is reported by name: with no test
# hook in the daemons, tests/clients/sysinject (ptrace) makes the daemon's
# loop thread issue kexec_load(2) (17 segments: EINVAL, or EPERM without
# CAP_SYS_BOOT, or ENOSYS, should it ever get through). The filter traps it, the
# daemon logs "seccomp: blocked syscall kexec_load (246)" and dies of
# SIGABRT. Detached, the line goes to syslog (a stand-in on /dev/log).
#
# rpc.statd's -H callout runs outside statd's filter (a runner forked
# before it): the program it starts shows Seccomp: 0 and NoNewPrivs: 0.
#
# Turned off ([global] seccomp = no, or --no-seccomp): Seccomp: 0,
# NoNewPrivs: 1 still, and the same injected call just fails while the
# daemon goes on serving.
# timeout: 240
. "$(dirname "$0")/lib.sh"
# shellcheck source=lockd-lib.sh
. "$(dirname "$0")/lockd-lib.sh"
INJECT=$BUILD/tests/clients/sysinject
[ -x "$INJECT" ] || fail "$INJECT not built"
[ "$(uname -m)" = x86_64 ] || skip "sysinject is x86-64 only"
ulimit -c 0	# the daemons abort on purpose: no core files
KEXEC_NR=246	# kexec_load on x86-64

mkdir -p "$E/x" "$T/exports.d"
cat >"$T/exports" <<EOF2
$E/x	127.0.0.1(rw,no_root_squash)
EOF2
# the callout (run as statd's user): its arguments and what it runs under
mkdir -m 1777 "$T/co"
cat >"$T/callout.sh" <<EOS
#!/bin/sh
{ echo "\$*"; grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status; } >>"$T/co/callout.out"
EOS
chmod 755 "$T/callout.sh"

start_rpcbind
start_nfs
start_statd -H "$T/callout.sh"
start_lockd
start_rquotad() {
	start_daemon rquotad "$BUILD/rquotad/rpc.rquotad" -F -f "$1" \
	    -e "$T/exports" -E "$T/exports.d"
	must_exit_0 rquotad
	wait_rpc 100011 1 udp
}
start_rquotad "$T/nfs.conf"

# status_field PID KEY: the value of KEY in /proc/PID/status
status_field() {
	awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status"
}

# ident of each daemon's log lines
declare -A IDENT=([rpcbind]=rpcbind [mountd]=rpc.mountd [nfsd]=rpc.nfsd
    [lockd]=rpc.lockd [statd]=rpc.statd [rquotad]=rpc.rquotad)

for d in rpcbind mountd nfsd statd lockd rquotad; do
	pid=$(daemon_pid "$d")
	[ -n "$pid" ] || fail "$d not started"
	n=0
	for t in /proc/"$pid"/task/*; do
		tid=${t##*/}
		assert_eq "$(status_field "$tid" Seccomp)" 2 "$d thread $tid: Seccomp"
		assert_eq "$(status_field "$tid" NoNewPrivs)" 1 "$d thread $tid: NoNewPrivs"
		n=$((n + 1))
	done
	bnd=$(status_field "$pid" CapBnd)
	prm=$(status_field "$pid" CapPrm)
	assert_eq "$bnd" "$prm" "$d: the bounding set is what it kept"
	grep -Eq "sandbox: no_new_privs, bounding set the kept capabilities, seccomp allow-list of [0-9]+ system calls" \
	    "$T/$d.log" || fail "$d: the sandbox is not in its log"
	ok "$d (pid $pid): Seccomp 2 and NoNewPrivs 1 in its $n threads, CapBnd $bnd = CapPrm"
done

# statd's callout: outside the filter
np sm-mon callout.example
assert_match "stat_succ" "$OUT" "SM_MON for the callout"
wait_until 10 grep -q "^add-client callout.example " "$T/co/callout.out" ||
    fail "the ha-callout did not run: $(cat "$T/co/callout.out" 2>&1)"
cat "$T/co/callout.out"
grep -Eq "^Seccomp:[[:space:]]+0$" "$T/co/callout.out" || fail "the callout ran under a filter"
grep -Eq "^NoNewPrivs:[[:space:]]+0$" "$T/co/callout.out" || fail "the callout ran with no_new_privs"
ok "statd's ha-callout runs without statd's filter"

# inject DAEMON: kexec_load in its loop thread; it must die naming it
inject() {
	local d=$1 pid
	pid=$(daemon_pid "$d")
	must "$INJECT" "$pid" kexec_load 0 17
	assert_eq "$OUT" trapped "sysinject into $d"
	wait_exit "$pid" 10 || fail "$d still runs after a blocked call"
	# the test's exit checks must not look for it any more
	unset "_DPID[$d]" "_CHECK_EXIT[$d]"
	assert_eq "$WAIT_STATUS" 134 "$d's exit status (SIGABRT)"
	grep -F "${IDENT[$d]}: seccomp: blocked syscall kexec_load ($KEXEC_NR)" "$T/$d.log" ||
	    fail "$d did not name the call:
$(tail -n 5 "$T/$d.log")"
	ok "$d: kexec_load trapped, named in its log, SIGABRT"
}
for d in rquotad lockd statd nfsd mountd rpcbind; do
	inject "$d"
done

# ------------------------------------------------------------ filters off
mv "$T/rpcbind.log" "$T/rpcbind-1.log"
start_rpcbind --no-seccomp
cat >"$T/off.conf" <<EOC
[global]
state-dir = /var/lib/nfs-suite
seccomp = no
EOC
for d in mountd nfsd; do
	mv "$T/$d.log" "$T/$d-1.log"
done
start_daemon mountd "$BUILD/mountd/rpc.mountd" -F -f "$T/off.conf" \
    -e "$T/exports" -E "$T/exports.d"
must_exit_0 mountd
start_daemon nfsd "$BUILD/nfsd/rpc.nfsd" -F -f "$T/off.conf" \
    -e "$T/exports" -E "$T/exports.d"
must_exit_0 nfsd
wait_rpc 100005 3
wait_rpc 100003 3
for d in statd lockd; do
	mv "$T/$d.log" "$T/$d-1.log"
done
start_statd --no-seccomp
start_lockd --no-seccomp
mv "$T/rquotad.log" "$T/rquotad-1.log"
start_rquotad "$T/off.conf"
for d in rpcbind mountd nfsd statd lockd rquotad; do
	pid=$(daemon_pid "$d")
	assert_eq "$(status_field "$pid" Seccomp)" 0 "$d (filter off): Seccomp"
	assert_eq "$(status_field "$pid" NoNewPrivs)" 1 "$d (filter off): NoNewPrivs"
	grep -q "sandbox: no_new_privs, bounding set the kept capabilities, seccomp filter off" \
	    "$T/$d.log" || fail "$d: its log does not say the filter is off"
	mustnot "$INJECT" "$pid" kexec_load 0 17
	# EPERM (no CAP_SYS_BOOT), EINVAL, or ENOSYS from a kernel
	# without kexec: the kernel's answer, not the filter's
	assert_match "^returned -(1|22|38)$" "$OUT" "$d (filter off): kexec_load fails"
done
must rpcinfo -T tcp 127.0.0.1 100005 3
must rpcinfo -T tcp 127.0.0.1 100003 3
must rpcinfo -T udp 127.0.0.1 100024 1
must rpcinfo -T tcp 127.0.0.1 100021 4
check_daemons
ok "filters off: Seccomp 0, NoNewPrivs 1, the injected call fails and every daemon serves on"

# ------------------------------------------------------------ detached
# a detached rpc.mountd reports the blocked call to syslog
stop_daemon mountd
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
printf '[global]\nstate-dir = /var/lib/nfs-suite\n[mountd]\npidfile = %s\n' \
    "$T/rpc.mountd.pid" >"$T/detached.conf"
# shellcheck disable=SC2016  # the inner shell expands
unshare --mount --propagation private -- sh -c '
	set -e
	mount -t tmpfs -o mode=0755 tmpfs /dev
	mknod -m 666 /dev/null c 1 3
	mknod -m 666 /dev/zero c 1 5
	mknod -m 666 /dev/urandom c 1 9
	ln -s "$1/devlog" /dev/log
	shift
	exec "$@"' sh "$T" "$BUILD/mountd/rpc.mountd" -f "$T/detached.conf" \
    -e "$T/exports" -E "$T/exports.d" >"$T/mountd-detached.out" 2>&1 &
ppid_d=$!
_PIDS+=("$ppid_d")
wait_exit "$ppid_d" 10 || fail "detached rpc.mountd: the parent did not exit"
[ "$WAIT_STATUS" = 0 ] ||
    fail "detached rpc.mountd exited $WAIT_STATUS: $(cat "$T/mountd-detached.out")"
wait_until 10 sh -c "p=\$(cat '$T/rpc.mountd.pid') && [ \"\$p\" != $ppid_d ] && kill -0 \"\$p\"" ||
    fail "no pidfile naming the detached rpc.mountd"
dpid=$(cat "$T/rpc.mountd.pid")
_PIDS+=("$dpid")
wait_rpc 100005 3 tcp
assert_eq "$(status_field "$dpid" Seccomp)" 2 "detached mountd: Seccomp"
must "$INJECT" "$dpid" kexec_load 0 17
assert_eq "$OUT" trapped "sysinject into the detached mountd"
# <26> is LOG_DAEMON (3) * 8 + LOG_CRIT (2)
wait_until 10 grep -q "^<26>rpc\.mountd\[$dpid\]: seccomp: blocked syscall kexec_load ($KEXEC_NR)\$" \
    "$T/syslog.out" || fail "no report in syslog:
$(cat "$T/syslog.out")"
cat "$T/syslog.out"
wait_until 10 sh -c "! kill -0 $dpid || grep -q '^State:.*Z' /proc/$dpid/status" ||
    fail "the detached rpc.mountd did not die"
ok "detached: the blocked call is reported to syslog (LOG_DAEMON|LOG_CRIT)"
