#!/bin/bash
# t_statd_malformed: rpc.statd and bad input.
#  - raw calls built by hand (tests/clients/rpcjunk.py's encoders) over UDP
#    and TCP: for every procedure with arguments, nothing, truncated
#    strings, a length of 0xfffffff0, names of 1025 and 4096 bytes (over
#    SM_MAXSTRLEN), a NUL inside a name, SM_MON without its whole cookie:
#    GARBAGE_ARGS; random arguments for every procedure: every reply
#    parses; procedure 7 and 255: PROC_UNAVAIL; version 2: PROG_MISMATCH
#    1..1; RPC version 3: RPC_MISMATCH; a huge TCP record mark closes that
#    connection; statd still answers and nothing was written;
#  - a flood of 300000 SM_MON (60000 names, each 5 times) from one local
#    client against max-monitors = 50: exactly 50 names are kept (250
#    stat_succ: the 50, 5 times each), every other call gets stat_fail,
#    the refusals are logged at most once a second, and a second client is
#    served all along.
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
. "$(dirname "$0")/statd-lib.sh"

start_rpcbind
statd_conf max-monitors=50
start_statd
port=$(rpcinfo -p | awk '$1 == 100024 && $3 == "udp" { print $4; exit }')
[ -n "$port" ] || fail "no statd port"
np sm-mon 192.0.2.7 77
find "$SD" | sort >"$T/files.before"

# ---------------------------------------------------------------- malformed
/usr/bin/python3 - "$SRCDIR/tests/clients" "$port" <<'EOP' || fail "malformed calls"
import os, random, socket, struct, sys, time
sys.path.insert(0, sys.argv[1])
import rpcjunk as j

class A:
    pass

a = A()
a.host, a.port, a.timeout = "127.0.0.1", int(sys.argv[2]), 5.0
t = j.Target(a)
SM = 100024
GARBAGE, PROC_UNAVAIL, PROG_MISMATCH = 4, 3, 2
bad = []
count = 0


def call(proto, proc, args, vers=1, rpcvers=2):
    msg = j.call_msg(j.new_xid(), prog=SM, vers=vers, proc=proc, args=args,
                     rpcvers=rpcvers)
    return j.tcp_call(t, msg) if proto == "tcp" else j.udp_call(t, msg)


def expect(what, proto, proc, args, stat, vers=1):
    global count
    count += 1
    try:
        r = call(proto, proc, args, vers)
    except (j.Closed, j.Timeout) as e:
        bad.append("%s over %s: %s" % (what, proto, type(e).__name__))
        return
    if not (r.accepted and r.stat == stat):
        bad.append("%s over %s: %s" % (what, proto, r))
    elif stat == PROG_MISMATCH and (r.low, r.high) != (1, 1):
        bad.append("%s over %s: %s, not 1..1" % (what, proto, r))


def s(b):
    return j.opaque(b)


name = s(b"192.0.2.9")
my_id = name + j.u32(100021, 4, 16)
priv = b"\x01" * 16
long1025 = s(b"a" * 1025)
long4096 = s(b"b" * 4096)
huge = j.u32(0xfffffff0) + b"abcd"
trunc = j.u32(10) + b"abc"
nul = s(b"ab\0cd")
cases = {
    # proc: [(what, args)]
    1: [("SM_STAT empty", b""), ("SM_STAT truncated", trunc),
        ("SM_STAT huge length", huge), ("SM_STAT 1025", long1025),
        ("SM_STAT 4096", long4096), ("SM_STAT NUL", nul)],
    2: [("SM_MON empty", b""), ("SM_MON no my_id", name),
        ("SM_MON short cookie", name + my_id + priv[:8]),
        ("SM_MON huge mon_name", huge),
        ("SM_MON 1025 mon_name", long1025 + my_id + priv),
        ("SM_MON 4096 my_name", name + long4096 + j.u32(100021, 4, 16) + priv),
        ("SM_MON NUL mon_name", nul + my_id + priv),
        ("SM_MON NUL my_name", name + nul + j.u32(100021, 4, 16) + priv)],
    3: [("SM_UNMON empty", b""), ("SM_UNMON no my_id", name),
        ("SM_UNMON 1025", long1025 + my_id),
        ("SM_UNMON NUL", name + nul + j.u32(1, 2, 3)),
        ("SM_UNMON short my_id", name + name + j.u32(1))],
    4: [("SM_UNMON_ALL empty", b""), ("SM_UNMON_ALL huge", huge),
        ("SM_UNMON_ALL 4096", long4096 + j.u32(1, 2, 3)),
        ("SM_UNMON_ALL short", name + j.u32(1, 2))],
    6: [("SM_NOTIFY empty", b""), ("SM_NOTIFY no state", name),
        ("SM_NOTIFY 1025", long1025 + j.u32(3)),
        ("SM_NOTIFY NUL", nul + j.u32(3)), ("SM_NOTIFY truncated", trunc)],
}
for proto in ("udp", "tcp"):
    for proc, lst in cases.items():
        for what, args in lst:
            expect(what, proto, proc, args, GARBAGE)
    expect("procedure 7", proto, 7, b"", PROC_UNAVAIL)
    expect("procedure 255", proto, 255, name, PROC_UNAVAIL)
    expect("version 2", proto, 1, name, PROG_MISMATCH, vers=2)
    try:
        r = call(proto, 0, b"", rpcvers=3)
        if r.accepted or r.stat != j.RPC_MISMATCH:
            bad.append("rpcvers 3 over %s: %s" % (proto, r))
    except (j.Closed, j.Timeout) as e:
        bad.append("rpcvers 3 over %s: %s" % (proto, type(e).__name__))
    count += 1

# random arguments to every procedure: every reply must parse
seed = int.from_bytes(os.urandom(4), "big")
rnd = random.Random(seed)
replies = 0
for proto in ("udp", "tcp"):
    for proc in (0, 1, 2, 3, 4, 6, 7):	# not 5: SM_SIMU_CRASH has no arguments
        for _ in range(20):
            args = bytes(rnd.getrandbits(8)
                         for _ in range(rnd.choice((0, 3, 4, 8, 20, 64, 300))))
            # never a random SM_MON that could pass: garble its callback
            try:
                r = call(proto, proc, args)
                replies += 1
                if proc == 2 and r.accepted and r.stat == 0 and \
                        struct.unpack(">I", r.body[:4])[0] == 0:
                    bad.append("a random SM_MON succeeded (seed %d)" % seed)
            except (j.Closed, j.Timeout) as e:
                bad.append("random proc %d over %s: %s (seed %d)" %
                           (proc, proto, type(e).__name__, seed))
            except (ValueError, struct.error) as e:
                bad.append("random proc %d over %s: bad reply %s (seed %d)" %
                           (proc, proto, e, seed))

# a huge record mark: that connection is closed
sock = t.connect()
try:
    j.send_all(sock, j.u32(0xffffffff) + b"\x01\x02\x03\x04")
    if not j.wait_closed(sock, 5):
        bad.append("a record mark of 0xffffffff: connection still open")
except j.Closed:
    pass
finally:
    sock.close()

# still there: NULL over both
for proto in ("udp", "tcp"):
    r = call(proto, 0, b"")
    if not (r.accepted and r.stat == 0):
        bad.append("NULL over %s afterwards: %s" % (proto, r))
print("%d malformed calls, %d random calls answered (seed %d)" %
      (count, replies, seed))
for b in bad:
    print("BAD:", b)
sys.exit(1 if bad else 0)
EOP
find "$SD" | sort >"$T/files.after"
diff "$T/files.before" "$T/files.after" || fail "files changed by malformed calls"
check_daemons
np sm-stat x
assert_eq "$OUT" "stat_succ state=1" "SM_STAT after the malformed calls"
np sm-unmon 192.0.2.7
ok "malformed calls: GARBAGE_ARGS / PROC_UNAVAIL / PROG_MISMATCH / RPC_MISMATCH, statd unharmed"

# ---------------------------------------------------------------- flood
"$NSMPROBE" -w 90 flood 300000 'fd00::1:%x' 60000 >"$T/flood.out" 2>&1 &
FLOOD=$!
_PIDS+=("$FLOOD")
served=0
t0=$SECONDS
while kill -0 "$FLOOD" 2>/dev/null && [ $((SECONDS - t0)) -lt 90 ]; do
	"$NLMPROBE" -t 2 -n other sm-stat host.example >"$T/other.out" 2>&1 ||
	    fail "the second client was not served during the flood: $(cat "$T/other.out")"
	assert_eq "$(cat "$T/other.out")" "stat_succ state=1" "SM_STAT during the flood"
	served=$((served + 1))
done
wait_exit "$FLOOD" 5 || fail "the flood did not end"
secs=$((SECONDS - t0 + 1))
cat "$T/flood.out"
echo "the second client was served $served times during the flood"
[ "$WAIT_STATUS" = 0 ] || fail "flood: exit $WAIT_STATUS (lost answers?)"
assert_match '^flood: sent 300000 answers 300000 \(stat_succ 250, stat_fail 299750\) other 0 lost 0 ' \
    "$(cat "$T/flood.out")" "flood outcome"
[ "$served" -ge 3 ] || fail "the second client was served only $served times during the flood"
assert_eq "$(find "$SD/sm" -mindepth 1 | wc -l)" 50 "files in sm/ after the flood"
n=$(count_in "$T/statd.log" 'refused SM_MON: mon_name "fd00::1:[0-9a-f]*" over max-monitors')
echo "refused-SM_MON lines: $n in about $secs s"
# five per 5 s, then a count (common/ratelog.h)
[ "$n" -le $(((secs / 5 + 1) * 5)) ] || fail "$n log lines for the refused flood in $secs s"
np -P udp sm-stat x
check_daemons
ok "a flood of SM_MON: 50 kept, the rest refused, logged $n times, another client served $served times"
