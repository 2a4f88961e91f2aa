#!/bin/bash
# t_rpcbind_malformed: hostile input (tests/clients/rpcjunk.py, every mode)
# never stops rpcbind from serving: after each mode a control
# `rpcinfo -T tcp 127.0.0.1 100000 4` must answer. Also: 500 held
# connections with max-connections=100 still let a new client in; RSS
# stays flat across bursts of junk connections and zero-length fragments;
# idle and half-sent connections are reaped after idle-timeout.
# timeout: 400
. "$(dirname "$0")/lib.sh"
need_rpcbind

control() {
	check_daemons
	rpcinfo -T tcp 127.0.0.1 100000 4 >/dev/null 2>&1 ||
	    fail "control rpcinfo -T tcp 127.0.0.1 100000 4 failed after: $*"
}
# junk ARGS...: one rpcjunk run, must say ok, then the control call.
junk() {
	must rpcjunk "$@"
	assert_match '^ok ' "$OUT" "rpcjunk $*"
	control "rpcjunk $*"
}

# Under AddressSanitizer freed memory sits in a quarantine (256 MiB by
# default) and RSS climbs for reasons of its own: keep it small here so the
# RSS check below still measures rpcbind. (Leaks are LeakSanitizer's job
# at exit; lib.sh fails a test whose rpcbind does not exit 0.)
if is_asan "$RPCBIND"; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4
fi
start_rpcbind -o max-connections=100
pid=$(daemon_pid rpcbind)
junk_as_nobody() {
	must setpriv --reuid=65534 --regid=65534 --clear-groups \
	    /usr/bin/python3 "$SRCDIR/tests/clients/rpcjunk.py" "$@"
	assert_match '^ok ' "$OUT" "rpcjunk $* (uid 65534)"
	control "rpcjunk $* (uid 65534)"
}

# --- every mode, IPv4 and (for the reply checks) IPv6
junk null
junk mark-huge
junk zero-frags 20
junk empty-records 20
junk gids17
junk machname256
junk udp-4gib-string
junk bad-rpcvers
junk bad-prog
junk bad-vers
junk bad-proc
for m in null gids17 machname256 bad-rpcvers bad-vers bad-proc mark-huge; do
	junk --host ::1 "$m"
done
junk --seed 1 junk
junk junk
junk slow-partial
junk --hold 1 slow-partial
junk conn-burst 200
ok "every rpcjunk mode answered as expected; rpcbind kept serving"

# --- the same over /run/rpcbind.sock (mode 0666: any local user), as uid
# 65534
for m in null mark-huge "zero-frags 20" "empty-records 20" gids17 \
    machname256 udp-4gib-string bad-rpcvers bad-prog bad-vers bad-proc \
    junk slow-partial "conn-burst 200" "many-conns 300"; do
	# shellcheck disable=SC2086  # $m is a mode and its count
	junk_as_nobody --unix /run/rpcbind.sock $m
done
ok "every rpcjunk mode over the local socket as uid 65534"

# --- more connections than max-connections
junk many-conns 500
junk --partial 5 many-conns 300
ok "500 idle / 300 half-sending connections (max-connections=100): a new client is served"

# --- memory stays flat
rss0=$(rss_kb "$pid")
burst() {
	junk conn-burst 2000
	junk zero-frags 20
	junk empty-records 20
	junk --seed 2 junk
	junk many-conns 300
}
burst
rss1=$(rss_kb "$pid")
burst
rss2=$(rss_kb "$pid")
echo "rpcbind RSS: ${rss0} kB -> ${rss1} kB -> ${rss2} kB"
[ $((rss2 - rss0)) -lt 8192 ] ||
    fail "RSS grew by $((rss2 - rss0)) kB over two bursts (${rss0} -> ${rss1} -> ${rss2} kB)"
[ $((rss2 - rss1)) -lt 4096 ] ||
    fail "RSS grew by $((rss2 - rss1)) kB in the second burst alone (a leak?)"
ok "RSS ${rss0} -> ${rss1} -> ${rss2} kB across two bursts"

# --- idle connections are reaped
stop_daemon rpcbind
start_rpcbind -o idle-timeout=2 -o max-connections=100
junk --expect-closed 10 many-conns 50
junk --expect-close 10 slow-partial
ok "idle-timeout=2: held idle and half-sent connections are closed"
