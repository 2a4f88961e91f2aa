#!/bin/bash
# t_rpcbind_warmstart: registrations survive a restart (SIGTERM and SIGKILL:
# the state file is written when it changes, not only at exit), owners
# included; -W starts empty; a damaged state file does not stop rpcbind;
# a second instance refuses to start (pidfile lock) without disturbing the
# first; rpcbind runs as the unprivileged user with no capabilities.
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
STATE=/var/lib/nfs-suite/rpcbind/rpcbind.state
rpcbind_conf user=_rpc state-dir=/var/lib/nfs-suite/rpcbind

listed() {
	rpcinfo -p 127.0.0.1 | awk -v p="$1" -v v="$2" -v t="$3" -v n="$4" '
		$1 == p && $2 == v && $3 == t && $4 == n { f = 1 } END { exit !f }'
}
owner_of() {
	rpcinfo -s 127.0.0.1 | awk -v p="$1" '$1 == p { print $NF }'
}
# status_field PID FIELD: the values of a /proc/PID/status line.
status_field() {
	awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ +/, ""); print }' "/proc/$1/status"
}

start_rpcbind
pid=$(daemon_pid rpcbind)
# the registrations below point at live ports (rpcbind drops the others)
hold_ports 40000 40006 40016 40026

# --- privileges
rpc_uid=$(id -u _rpc 2>/dev/null || id -u nobody)
uids=$(status_field "$pid" Uid)
assert_match "^(${rpc_uid}[[:space:]]+){3}${rpc_uid}\$" "$uids" "real/effective/saved/fs uid"
[ "$rpc_uid" != 0 ] || fail "_rpc is uid 0?"
gids=$(status_field "$pid" Gid)
assert_nomatch '(^|[[:space:]])0([[:space:]]|$)' "$gids" "no gid 0 left"
assert_eq "$(status_field "$pid" Groups)" "" "supplementary groups"
assert_eq "$(status_field "$pid" CapEff)" 0000000000000000 "CapEff"
assert_eq "$(status_field "$pid" CapPrm)" 0000000000000000 "CapPrm"
ok "rpcbind runs as uid $rpc_uid (Uid: $uids), no groups, no capabilities"

# --- registrations survive SIGTERM
must "$RPCREG" set 400111 1 udp 0.0.0.0.156.64
must "$RPCREG" set 400111 1 tcp 0.0.0.0.156.64
must setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$RPCREG" set 400222 1 udp 0.0.0.0.156.70
stop_daemon rpcbind TERM
assert_eq "$DAEMON_STATUS" 0 "exit status after SIGTERM"
[ -s "$STATE" ] || fail "no state file $STATE"
start_rpcbind
listed 400111 1 udp 40000 || fail "400111/udp lost across SIGTERM restart"
listed 400111 1 tcp 40000 || fail "400111/tcp lost across SIGTERM restart"
listed 400222 1 udp 40006 || fail "400222/udp lost across SIGTERM restart"
assert_eq "$(owner_of 400111)" superuser "owner of 400111 after restart"
assert_eq "$(owner_of 400222)" 65534 "owner of 400222 after restart"
must rpcinfo -p 127.0.0.1
n=$(printf '%s\n' "$OUT" | grep -c '^ *100000 ')
assert_eq "$n" 6 "rpcbind's own entries after restart (not duplicated)"
ok "registrations and owners survive SIGTERM"

# --- and SIGKILL: a SET and an UNSET just before the kill both stick
must "$RPCREG" set 400333 1 udp 0.0.0.0.156.80
must "$RPCREG" unset 400111 1
stop_daemon rpcbind KILL
start_rpcbind
listed 400333 1 udp 40016 || fail "SET before SIGKILL lost"
listed 400111 1 udp 40000 && fail "UNSET before SIGKILL undone"
listed 400222 1 udp 40006 || fail "400222 lost across SIGKILL"
ok "state written as it changes: SET and UNSET survive SIGKILL"

# --- a second instance
before=$(cat /run/rpcbind.pid 2>/dev/null)
rc=0
out=$(timeout 10 "$RPCBIND" -F --config "$T/rpcbind.conf" 2>&1) || rc=$?
echo "second instance: status $rc: $out"
case $rc in
0|124) fail "second rpcbind: status $rc (should refuse at once)" ;;
esac
assert_match 'another|running|lock' "$out" "second instance message"
check_daemons
[ "$(cat /run/rpcbind.pid 2>/dev/null)" = "$before" ] || fail "pidfile changed: '$before' -> '$(cat /run/rpcbind.pid)'"
[ -S /run/rpcbind.sock ] || fail "second instance removed /run/rpcbind.sock"
must "$RPCREG" set 400444 1 udp 0.0.0.0.156.90
must rpcinfo -T tcp 127.0.0.1 100000 4
ok "a second instance refuses to start; the first keeps its socket and pidfile"

# --- -W: no warm start
stop_daemon rpcbind TERM
start_rpcbind -W
listed 400333 1 udp 40016 && fail "-W still loaded the saved registrations"
ok "-W starts empty"
stop_daemon rpcbind TERM

# --- damaged state files: the saved file with one bad line added, and
# garbage without the header
cp "$STATE" "$T/good.state" || fail "no state file after -W run"
for junk in "garbage" "400111 1 udp" \
    "400111 1 udp 0.0.0.0.156.64 superuser 0 0 extra" \
    "400111 1 udp 0.0.0.0.156.64 superuser" \
    "99999999999 1 udp 0.0.0.0.1.1 superuser 0 0" \
    "400111 99999999999 udp 0.0.0.0.1.1 superuser 0 0" \
    "400111 1 udp 0.0.0.0.156.64 superuser 99999999 0" \
    "400111 1 udp 0.0.0.0.156.64 superuser 1 99999999999999999999" \
    "400111 1 udp 0.0.0.0.156.64 $(printf 'o%.0s' $(seq 300)) 0 0" \
    "400111 1 udp $(head -c 5000 /dev/zero | tr '\0' x) superuser 0 0"; do
	{ cat "$T/good.state"; printf '%s\n' "$junk"; } >"$STATE"
	start_rpcbind
	must rpcinfo -p 127.0.0.1
	stop_daemon rpcbind TERM
done
printf 'garbage\n' >"$STATE"
start_rpcbind
stop_daemon rpcbind TERM
head -c 3000000 /dev/urandom >"$STATE"
start_rpcbind
stop_daemon rpcbind TERM
ok "damaged or oversized state files do not stop rpcbind"
