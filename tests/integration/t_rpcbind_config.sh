#!/bin/bash
# t_rpcbind_config: the [rpcbind] section of the suite config.
#  - `rpcbind -t` accepts a good file and rejects bad ones with file:line;
#  - -o overrides, bad -o keys are rejected, an explicit missing -f is an
#    error;
#  - `rpcbind -T` prints the effective config, which -t accepts in turn;
#  - -t does not disturb a running rpcbind;
#  - SIGHUP with a broken file keeps serving with the old settings; SIGHUP
#    with a good one applies it (remote-calls switched on).
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind

good=$T/good.conf
cat >"$good" <<CONF
# a comment
; another comment
[rpcbind]
user = _rpc
state-dir = /var/lib/nfs-suite/rpcbind
pidfile = /run/rpcbind.pid
socket = /run/rpcbind.sock
port = 111
warm-start = yes
remote-calls = no
threads = 3
max-connections = 200
idle-timeout = 60
max-record = 64K
CONF
must "$RPCBIND" -t --config "$good"
ok "rpcbind -t accepts a good file"

# bad LINE TEXT...: a file whose error is on LINE; -t must name file:LINE.
nbad=0
bad() {
	local line=$1 f
	shift
	nbad=$((nbad + 1))
	f=$T/bad$nbad.conf
	printf '%s\n' "$@" >"$f"
	mustnot "$RPCBIND" -t --config "$f"
	assert_match "$f:$line([^0-9]|\$)" "$OUT" "-t on bad$nbad.conf (error on line $line)"
}
bad 3 "[rpcbind]" "port = 111" "frobnicate = 1"
bad 2 "[rpcbind]" "warm-start = maybe"
bad 2 "[rpcbind]" "port = 70000"
bad 3 "[rpcbind]" "" "max-record = lots"
bad 2 "[rpcbind]" "idle-timeout = -5"
bad 2 "[rpcbind]" "threads = 3x"
bad 1 "[rpcbind"
bad 1 "[nosuchsection]" "x = 1"
bad 2 "[rpcbind]" "just some words"
# a value that passes the type check but names no program
bad 4 "[rpcbind]" "# ok" "remote-calls = yes" "remote-calls-deny = no-such-program-name"
assert_match "no-such-program-name" "$OUT" "bad remote-calls-deny names the value"
ok "rpcbind -t rejects $nbad bad files, naming file:line"

mustnot "$RPCBIND" -t --config "$T/does-not-exist.conf"
assert_match "does-not-exist" "$OUT" "missing -f file"
mustnot "$RPCBIND" -t --config "$good" -o frobnicate=1
assert_match "frobnicate" "$OUT" "bad -o key"
mustnot "$RPCBIND" -t --config "$good" -o port=0
mustnot "$RPCBIND" -t --config "$good" --no-such-flag
must "$RPCBIND" --help
assert_match "usage|Usage" "$OUT" "-h"
must "$RPCBIND" -V
assert_match "[0-9]+\.[0-9]+" "$OUT" "-V"
ok "missing -f file, bad -o, bad flags are errors; -h and -V work"

# -T: the effective configuration, file values and -o overrides merged.
must "$RPCBIND" -T --config "$good" -o idle-timeout=7 -o remote-calls=yes
eff=$OUT
assert_match '^\[rpcbind\]' "$eff" "-T section header"
assert_match '^idle-timeout *= *7 *$' "$eff" "-T shows the -o override"
assert_match '^threads *= *3 *$' "$eff" "-T shows the file's value"
assert_match '^port *= *111 *$' "$eff" "-T port"
assert_match '^remote-calls *= *(yes|true|on|1) *$' "$eff" "-T remote-calls"
assert_match '^max-record *= *(65536|64K|64k) *$' "$eff" "-T max-record"
for k in user state-dir pidfile socket port bind warm-start remote-calls \
    remote-calls-deny threads max-connections idle-timeout max-record; do
	assert_match "^#? *$k *=" "$eff" "-T lists $k"
done
printf '%s\n' "$eff" >"$T/effective.conf"
must "$RPCBIND" -t --config "$T/effective.conf"
ok "-T prints the effective config (file + -o), and -t accepts it back"

# --- a running rpcbind
cp "$good" "$T/rpcbind.conf"
start_rpcbind
hold_ports 40000
must "$RPCREG" set 400111 1 udp 0.0.0.0.156.64
must "$RPCBIND" -t --config "$T/rpcbind.conf"
must "$RPCBIND" -T --config "$T/rpcbind.conf"
check_daemons
must rpcinfo -T tcp 127.0.0.1 100000 4
[ -S /run/rpcbind.sock ] || fail "-t removed /run/rpcbind.sock"
must "$RPCREG" set 400111 1 tcp 0.0.0.0.156.64
ok "-t and -T beside a running rpcbind leave it alone"

start_daemon target "$RPCREG" serve 400112 1
wait_until 10 sh -c 'rpcinfo -p 127.0.0.1 | grep -q "^ *400112 .* udp "' ||
    fail "test server 400112 did not register"
mustnot "$RPCREG" -w 2 callit 127.0.0.1 400112 1 0

# SIGHUP with a broken file: still serving, old settings.
printf '[rpcbind]\nport = 111\nfrobnicate = 1\nremote-calls = yes\n' >"$T/rpcbind.conf"
kill -HUP "$(daemon_pid rpcbind)"
wait_until 10 grep -q "rpcbind.conf:3" "$T/rpcbind.log" ||
    fail "no error naming rpcbind.conf:3 logged after SIGHUP"
check_daemons
must rpcinfo -T tcp 127.0.0.1 100000 4
must rpcinfo -T udp 127.0.0.1 100000 2
must rpcinfo -p 127.0.0.1
assert_match '^ *400111 +1 +udp +40000' "$OUT" "registrations after a failed reload"
mustnot "$RPCREG" -w 2 callit 127.0.0.1 400112 1 0
assert_match "RPC_PROCUNAVAIL" "$OUT" "remote calls must stay off"
ok "SIGHUP with a broken config: error logged with file:line, old settings kept"

# SIGHUP with a good file that turns remote calls on.
{ cat "$good"; echo "remote-calls = yes"; } | sed '/^remote-calls = no$/d' >"$T/rpcbind.conf"
must "$RPCBIND" -t --config "$T/rpcbind.conf"
kill -HUP "$(daemon_pid rpcbind)"
wait_until 10 "$RPCREG" -w 1 callit 127.0.0.1 400112 1 0 ||
    fail "remote-calls=yes not applied by SIGHUP"
check_daemons
ok "SIGHUP with a good config applies it (remote calls now forwarded)"
