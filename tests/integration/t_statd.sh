#!/bin/bash
# t_statd: rpc.statd (NSM, 100024 v1), every procedure from a local client
# and the local-only rule, with the suite's rpcbind:
#  - --check-config, --print-config, file:line for bad [statd] keys and
#    values, nfs-utils' flags (-T refused, port == outgoing port refused,
#    -v/-V, --help);
#  - rpcinfo -p lists status 1 on udp and tcp; NULL on both;
#  - SM_STAT, SM_MON (the sm/ record in nfs-utils' format, dedupe with a
#    new cookie, two callers), SM_UNMON, SM_UNMON_ALL, SM_NOTIFY (the
#    callback to a registered receiver with the cookie and the state; a
#    replay of the same state is not passed on), SM_SIMU_CRASH (next odd
#    state, sm/ moved to sm.bak/), over TCP and UDP;
#  - bad names ('/', '..', control characters, blanks, 8-bit bytes, 246
#    and 1024 bytes) and non-lockd callbacks get stat_fail, and no file
#    appears anywhere but sm/;
#  - from the peer namespace: SM_STAT and SM_NOTIFY are served,
#    SM_MON/SM_UNMON/SM_UNMON_ALL/SM_SIMU_CRASH change nothing (SM_MON:
#    stat_fail state=-1), each logged once a second at most.
# timeout: 90
. "$(dirname "$0")/lib.sh"
need_rpcbind
. "$(dirname "$0")/statd-lib.sh"

# ---------------------------------------------------------------- config
statd_conf port=0 max-monitors=64
must "$STATD" --check-config -f "$T/statd.conf"
must "$STATD" --print-config -f "$T/statd.conf" -p 4001 -o 4002 -n me.example
eff=$OUT
assert_match '^\[statd\]' "$eff" "--print-config section"
assert_match '^port = 4001$' "$eff" "-p in --print-config"
assert_match '^outgoing-port = 4002$' "$eff" "-o in --print-config"
assert_match '^max-monitors = 64$' "$eff" "the file's max-monitors"
assert_match '^name = "?me\.example"?$' "$eff" "-n in --print-config"
assert_match "^state-dir = \"?$SD\"?\$" "$eff" "state-dir"
for k in port outgoing-port name state-dir user notify-retry-time \
    max-monitors pidfile threads bind ha-callout; do
	assert_match "^$k = " "$eff" "--print-config lists $k"
done
# what --print-config prints, --check-config takes back
printf '%s\n' "$eff" >"$T/printed.conf"
must "$STATD" --check-config -f "$T/printed.conf"

# bad LINE KEY=VALUE: a [statd] file whose line LINE is wrong
nbad=0
bad() {
	local line=$1 f
	shift
	nbad=$((nbad + 1))
	f=$T/bad$nbad.conf
	printf '%s\n' "[statd]" "# a comment" "$@" >"$f"
	mustnot "$STATD" --check-config -f "$f"
	assert_match "$f:$line([^0-9]|\$)" "$OUT" "bad$nbad.conf: the error is on line $line"
}
bad 3 "frobnicate = 1"
bad 4 "port = 662" "outgoing-port = 70000"
bad 3 "max-monitors = 0"
bad 3 "notify-retry-time = soon"
bad 4 "port = 1" "name = a/b"
bad 3 "name = .hidden"
bad 3 "ha-callout = relative/prog"
bad 3 "threads = 65"
ok "--check-config refuses $nbad bad files with file:line"

mustnot "$STATD" --check-config -f "$T/statd.conf" -p 2000 -o 2000
assert_match "cannot be the same" "$OUT" "port == outgoing-port"
mustnot "$STATD" -T 4045 -f "$T/statd.conf"
assert_match "\[lockd\] port" "$OUT" "-T points at [lockd] port"
mustnot "$STATD" --nlm-udp-port 4045 -f "$T/statd.conf"
mustnot "$STATD" --check-config -f "$T/statd.conf" -n "bad name"
mustnot "$STATD" --check-config -f "$T/statd.conf" -H relative
mustnot "$STATD" --check-config -f "$T/does-not-exist.conf"
must "$STATD" --help
assert_match "--no-notify" "$OUT" "--help"
# -o and -T are nfs-utils' (outgoing port, NLM port), not the common ones
assert_nomatch "key=value|-[a-zA-Z]*T" "$(head -1 <<<"$OUT")" "--help's usage line"
for v in -v -V --version; do
	must "$STATD" "$v"
	assert_match "^rpc.statd .*[0-9]+\.[0-9]+" "$OUT" "$v"
done
ok "flags: -T/-U refused, -p == -o refused, --help, -v/-V/--version"

# ---------------------------------------------------------------- start
start_rpcbind
statd_conf max-monitors=64
start_statd
rp=$(rpcinfo -p)
echo "$rp"
assert_match '^ +100024 +1 +udp +[0-9]+ +status$' "$rp" "rpcinfo -p: status 1 udp"
assert_match '^ +100024 +1 +tcp +[0-9]+ +status$' "$rp" "rpcinfo -p: status 1 tcp"
for p in udp tcp udp6 tcp6; do
	rpcinfo -T "$p" "$([ "${p%6}" = "$p" ] && echo 127.0.0.1 || echo ::1)" 100024 1 \
	    >/dev/null || fail "NULL over $p"
done
assert_eq "$(statd_state)" 1 "state of a fresh directory"
for d in "$SD" "$SD/sm" "$SD/sm.bak" "$SD/state"; do
	assert_eq "$(stat -c %U "$d")" statd "owner of $d"
done
assert_match 'running as statd' "$(cat "$T/statd.log")" "privileges dropped"
uid=$(id -u statd)
grep -q "^Uid:[[:space:]]*${uid}[[:space:]]*${uid}[[:space:]]*${uid}[[:space:]]*${uid}\$" \
    "/proc/$(daemon_pid statd)/status" ||
    fail "statd does not run as uid $uid: $(grep ^Uid "/proc/$(daemon_pid statd)/status")"
grep -q '^CapEff:[[:space:]]*0*$' "/proc/$(daemon_pid statd)/status" ||
    fail "statd kept capabilities: $(grep ^Cap "/proc/$(daemon_pid statd)/status")"
# a second statd (as a daemon, or -F) refuses to start, and says so
mustnot "$STATD" -f "$T/statd.conf"
assert_match "another rpc.statd is running" "$OUT" "a second statd"
mustnot "$STATD" -F -f "$T/statd.conf"
assert_match "another rpc.statd is running" "$OUT" "a second statd -F"
check_daemons
ok "registered on udp and tcp, state 1, running as statd with no capability; one statd only"

# ---------------------------------------------------------------- procedures
# rec NAME MYNAME PRIVHEX VERS: the sm/ line nfs-utils writes
rec() {
	local priv=$3
	while [ ${#priv} -lt 32 ]; do priv=${priv}0; done
	printf '0100007f 000186b5 %08x 00000010 %s %s %s' "$4" "$priv" "$1" "$2"
}

for P in tcp udp; do
	np -P $P sm-stat host.example
	assert_eq "$OUT" "stat_succ state=1" "SM_STAT over $P"
	np -P $P sm-stat 'a/b'
	assert_eq "$OUT" "stat_fail state=1" "SM_STAT of a bad name over $P"
	np -P $P sm-mon "192.0.2.$([ $P = tcp ] && echo 10 || echo 11)" 0a0b
	assert_eq "$OUT" "stat_succ state=1" "SM_MON over $P"
done
assert_eq "$(cat "$SD/sm/192.0.2.10")" "$(rec 192.0.2.10 nlmprobe 0a0b 3)" "sm/192.0.2.10"
assert_eq "$(cat "$SD/sm/192.0.2.11")" "$(rec 192.0.2.11 nlmprobe 0a0b 3)" "sm/192.0.2.11"
assert_eq "$(stat -c %a "$SD/sm/192.0.2.10")" 600 "mode of a host file"

# the same registration with a new cookie: one line, the new cookie
np sm-mon 192.0.2.10 ffee
assert_eq "$(cat "$SD/sm/192.0.2.10")" "$(rec 192.0.2.10 nlmprobe ffee 3)" "SM_MON again"
# another caller: a second line; names in any case share one file
np -n other sm-mon HOST.Example 01
np -P udp sm-mon host.example 02
assert_eq "$(find "$SD/sm" -mindepth 1 -printf '%f\n' | sort | tr '\n' ' ')" \
    "192.0.2.10 192.0.2.11 host.example " "sm/ files"
assert_eq "$(cat "$SD/sm/host.example")" "$(rec HOST.Example other 01 3)
$(rec host.example nlmprobe 02 3)" "two registrations of one host"
ok "SM_STAT, SM_MON over udp and tcp: nfs-utils' records, deduplicated"

np sm-unmon HOST.EXAMPLE
assert_eq "$OUT" "state=1" "SM_UNMON"
assert_eq "$(cat "$SD/sm/host.example")" "$(rec HOST.Example other 01 3)" "after SM_UNMON"
np -P udp sm-unmon 192.0.2.11
[ ! -e "$SD/sm/192.0.2.11" ] || fail "sm/192.0.2.11 still there after SM_UNMON"
np sm-unmon 192.0.2.99
assert_eq "$OUT" "state=1" "SM_UNMON of a host not monitored"
np sm-unmon-all
assert_eq "$OUT" "state=1" "SM_UNMON_ALL"
[ ! -e "$SD/sm/192.0.2.10" ] || fail "SM_UNMON_ALL left sm/192.0.2.10"
[ -e "$SD/sm/host.example" ] || fail "SM_UNMON_ALL removed the other caller's host"
np -n other -P udp sm-unmon-all
assert_eq "$(ls -A "$SD/sm")" "" "sm/ after both SM_UNMON_ALL"
ok "SM_UNMON, SM_UNMON_ALL over udp and tcp"

# ---------------------------------------------------------------- SM_NOTIFY -> callback
"$NSMPROBE" serve 100021 3 >"$T/cb.out" 2>"$T/cb.err" &
CB=$!
_PIDS+=("$CB")
wait_until 10 grep -q '^serving' "$T/cb.out" || fail "nsmprobe serve: $(cat "$T/cb.err")"
np sm-mon 127.0.0.1 00112233445566778899aabbccddeeff
np -n other sm-mon 127.0.0.1 ffeeddccbbaa99887766554433221100
callbacks() { grep -c "^callback .* state=$1 " "$T/cb.out"; }
for P in udp tcp; do
	s=$([ $P = udp ] && echo 7 || echo 9)
	np -P $P sm-notify whoever "$s"
	assert_eq "$OUT" ok "SM_NOTIFY over $P"
	wait_until 10 sh -c "[ \$(grep -c ' state=$s ' '$T/cb.out') -ge 2 ]" ||
	    fail "no callbacks for state $s: $(cat "$T/cb.out")"
done
cat "$T/cb.out"
assert_match '^callback prog=100021 vers=3 proc=16 from=127\.0\.0\.1 mon_name=127\.0\.0\.1 state=7 priv=00112233445566778899aabbccddeeff$' \
    "$(cat "$T/cb.out")" "the callback carries mon_name, state and cookie"
assert_match ' state=7 priv=ffeeddccbbaa99887766554433221100$' "$(cat "$T/cb.out")" \
    "the other caller's callback"
# a replay of state 9 is not passed on; state 11 is
np sm-notify whoever 9
np sm-notify 127.0.0.1 11
wait_until 10 sh -c "[ \$(grep -c ' state=11 ' '$T/cb.out') -ge 2 ]" || fail "no callback for 11"
assert_eq "$(callbacks 9)" 2 "callbacks of the replayed state 9"
# a notifier nobody monitors: no callback
np sm-notify 127.0.0.1 11
np sm-unmon-all
np -n other sm-unmon-all
np sm-notify 127.0.0.1 13
# the handler queues its callbacks before it answers: one queued after
# 13's (for 15) arriving means none was queued for 13
np sm-mon 127.0.0.1 15
np sm-notify 127.0.0.1 15
wait_until 10 grep -q ' state=15 ' "$T/cb.out" || fail "no callback for 15"
assert_eq "$(callbacks 13)" 0 "callbacks after SM_UNMON_ALL"
assert_eq "$(callbacks 11)" 2 "callbacks of the replayed state 11"
np sm-unmon-all
ok "SM_NOTIFY: callbacks with cookie and state to every registered caller; replays and strangers dropped"

# ---------------------------------------------------------------- SM_SIMU_CRASH
np sm-mon 192.0.2.20 01
np -P udp sm-mon 192.0.2.21 02
np -P udp sm-simu-crash
assert_eq "$OUT" ok "SM_SIMU_CRASH"
assert_eq "$(statd_state)" 3 "state after SM_SIMU_CRASH"
np sm-stat x
assert_eq "$OUT" "stat_succ state=3" "SM_STAT after SM_SIMU_CRASH"
assert_eq "$(ls -A "$SD/sm")" "" "sm/ after SM_SIMU_CRASH"
assert_eq "$(cat "$SD/sm.bak/192.0.2.21")" "$(rec 192.0.2.21 nlmprobe 02 3)" "sm.bak/192.0.2.21"
[ -e "$SD/sm.bak/192.0.2.20" ] || fail "sm.bak/192.0.2.20 missing"
# nothing monitored: nothing to simulate, the state stays
np sm-simu-crash
assert_eq "$(statd_state)" 3 "state after an empty SM_SIMU_CRASH"
ok "SM_SIMU_CRASH: state 1 -> 3, the monitor list moved to sm.bak"

# ---------------------------------------------------------------- bad names
find /var/lib/nfs-suite /run "$T" -xdev | sort >"$T/files.before"
long245=$(printf 'h%.0s' $(seq 245))
long246=${long245}x
long1024=$(printf 'n%.0s' $(seq 1024))
for name in / a/b ../../../tmp/pwned .. . .hidden "a b" $'a\tb' $'a\nb' \
    $'a\x01b' $'\x1b[31mred' $'a\x7f' $'h\xc3\xa9' "$long246" "$long1024"; do
	np sm-mon "$name"
	assert_eq "$OUT" "stat_fail state=-1" "SM_MON of a bad name (${#name} bytes)"
	np -n "$name" sm-mon 192.0.2.30
	assert_eq "$OUT" "stat_fail state=-1" "SM_MON with a bad my_name (${#name} bytes)"
done
np sm-mon "$long245"
assert_eq "$OUT" "stat_succ state=3" "SM_MON of a 245-byte name"
[ -f "$SD/sm/$long245" ] || fail "no file for the 245-byte name"
np sm-unmon "$long245"
[ ! -e "$SD/sm/$long245" ] || fail "the 245-byte name's file stays"
find /var/lib/nfs-suite /run "$T" -xdev | sort >"$T/files.after"
new=$(comm -13 "$T/files.before" "$T/files.after" |
    grep -v "^$T/\([^/]*\.\(log\|out\|err\)\|files\.\(before\|after\)\)$" || true)
assert_eq "$new" "" "files created by bad names"
[ ! -e /tmp/pwned ] || fail "/tmp/pwned exists"
assert_match 'refused SM_MON: mon_name "/" contains' "$(cat "$T/statd.log")" "bad names are logged"
ok "bad names refused (stat_fail), no file outside sm/"

# a callback that is not the lock manager's (raw SM_MON: nlmprobe always
# sends 100021/3/16)
/usr/bin/python3 - "$SRCDIR/tests/clients" "$(rpcinfo -p | awk '$1 == 100024 && $3 == "tcp" { print $4; exit }')" <<'EOP' ||
import struct, sys
sys.path.insert(0, sys.argv[1])
import rpcjunk as j
class A: pass
a = A(); a.host = "127.0.0.1"; a.port = int(sys.argv[2]); a.timeout = 5.0
t = j.Target(a)
for prog, vers, proc in ((100000, 2, 1), (100003, 3, 16), (100021, 4, 15)):
    args = (j.xstring("192.0.2.40") + j.xstring("127.0.0.1") +
            j.u32(prog, vers, proc) + b"\x01" * 16)
    r = j.tcp_call(t, j.call_msg(j.new_xid(), prog=100024, vers=1, proc=2,
                                 args=args))
    res, state = struct.unpack(">Ii", r.body[:8])
    print("callback %d/%d/%d: %s res_stat=%d state=%d" % (prog, vers, proc, r, res, state))
    if not (r.accepted and r.stat == 0 and res == 1 and state == -1):
        sys.exit(1)
EOP
    fail "SM_MON with a callback to another program was not refused"
[ ! -e "$SD/sm/192.0.2.40" ] || fail "sm/192.0.2.40 written"
ok "SM_MON naming a callback other than 100021 proc 16/24: stat_fail"

# ---------------------------------------------------------------- remote callers
peer_setup
np sm-mon 192.0.2.50 5050
before=$(cat "$SD/sm/192.0.2.50")
pnp() { must in_peer "$NLMPROBE" -s "$ADDR_SELF" "$@"; }
for P in tcp udp; do
	pnp -P $P sm-stat host.example
	assert_eq "$OUT" "stat_succ state=3" "remote SM_STAT over $P"
	pnp -P $P sm-mon 192.0.2.51
	assert_eq "$OUT" "stat_fail state=-1" "remote SM_MON over $P"
	pnp -P $P sm-unmon 192.0.2.50
	assert_eq "$OUT" "state=3" "remote SM_UNMON over $P"
	pnp -P $P -n nlmprobe sm-unmon-all
	assert_eq "$OUT" "state=3" "remote SM_UNMON_ALL over $P"
	pnp -P $P sm-simu-crash
	assert_eq "$OUT" ok "remote SM_SIMU_CRASH over $P"
	pnp -P $P sm-notify peer 5
	assert_eq "$OUT" ok "remote SM_NOTIFY over $P"
done
assert_eq "$(statd_state)" 3 "state after remote SM_SIMU_CRASH"
assert_eq "$(cat "$SD/sm/192.0.2.50")" "$before" "sm/192.0.2.50 after remote calls"
[ ! -e "$SD/sm/192.0.2.51" ] || fail "a remote SM_MON wrote sm/192.0.2.51"
log=$(cat "$T/statd.log")
for c in SM_MON SM_UNMON SM_UNMON_ALL SM_SIMU_CRASH; do
	assert_match "refused $c from $ADDR_PEER: not a local caller" "$log" "remote $c logged"
done

# a flood of remote SM_MON: every one refused, the log bounded (a few
# lines per 5 s, then a count: common/ratelog.h)
t0=$SECONDS
from=$(wc -l <"$T/statd.log")
must in_peer "$NSMPROBE" -s "$ADDR_SELF" flood 3000 'fd00::%x'
assert_match 'sent 3000 answers 3000 \(stat_succ 0, stat_fail 3000\)' "$OUT" "remote flood"
secs=$((SECONDS - t0 + 2))
wait_until 10 grep -q "\.\.\. and [0-9]* more refused remote SM_MON calls in the last [0-9]* s (all from $ADDR_PEER)" "$T/statd.log" ||
    fail "the suppressed refusals are never counted in the log"
n=$(tail -n +"$((from + 1))" "$T/statd.log" | grep -c "refused SM_MON from $ADDR_PEER")
echo "refused-SM_MON lines: $n over about $secs s"
[ "$n" -le $(((secs / 5 + 1) * 5)) ] || fail "$n log lines for 3000 refused SM_MON in $secs s"
assert_eq "$(find "$SD/sm" -mindepth 1 | wc -l)" 1 "sm/ files after the remote flood"
np sm-stat x
ok "remote SM_MON/UNMON/UNMON_ALL/SIMU_CRASH change nothing, logged at most once a second"

check_daemons
