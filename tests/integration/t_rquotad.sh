#!/bin/bash
# t_rquotad: rpc.rquotad's protocol, access rules and bad input, on this
# host (whose kernel has no quota support: every quota that passes the
# rules is Q_NOQUOTA here; t_rquota in the kernel-client tier reads real
# ones), with libnfs's raw RQUOTA API (rquotaprobe), libtirpc
# (rquotacall) and calls built by hand (rpcjunk.py's encoders):
#  - --check-config, --print-config, a bad [rquotad] key with file:line,
#    -p and -S on the command line;
#  - rpcinfo: rquotad 1 and 2 on udp, tcp, udp6 and tcp6; NULL answers;
#  - who may ask: root on a no_root_squash export any id; a user its own
#    uid and its own groups (primary and supplementary), EPERM otherwise;
#    root squashed on a root_squash export is nobody; AUTH_NONE is
#    AUTH_TOOWEAK; version 2's group type; a type the protocol lacks;
#  - which paths: outside every export, ".." out of one, a symlink out of
#    one, a relative path, a host the exports do not admit (a peer
#    namespace): EPERM, logged at notice with the numeric address; a path
#    that does not exist inside an export: NOQUOTA;
#  - SETQUOTA: refused while off (the default) and logged; with -S,
#    refused to a user, to squashed root, on a ro export, from an
#    unprivileged port, with a command that does not match the type; root
#    on a rw no_root_squash export gets through the rules;
#  - exportfs -r reaches rpc.rquotad (its ack) and a new export is served;
#  - a port another program listens on fails the start at once (the wait
#    for a port held only by closing connections does not apply);
#  - malformed calls: every procedure with short, huge, NUL-carrying and
#    over-long (1025 and 4096 bytes) paths: GARBAGE_ARGS over UDP and TCP;
#    random arguments: every reply parses; rquotad still answers.
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
PROBE=$BUILD/tests/clients/nfsprobe
. "$(dirname "$0")/nfs-lib.sh"

RQD=$BUILD/rquotad/rpc.rquotad
RQP=$BUILD/tests/clients/rquotaprobe
RQC=$BUILD/tests/clients/rquotacall
EXPORTFS=$BUILD/mountd/exportfs
for b in "$RQD" "$RQP" "$RQC" "$EXPORTFS"; do
	[ -x "$b" ] || fail "$b not built"
done

mkdir -p "$E/rw/sub" "$E/sq" "$E/ro" "$E/late" "$T/exports.d" "$T/out"
ln -s /etc "$E/rw/out"
cat >"$T/exports" <<EOF
$E/rw	127.0.0.1(rw,no_root_squash)
$E/sq	127.0.0.1(rw,root_squash)
$E/ro	127.0.0.1(ro,no_root_squash)
EOF
# every refusal logged, for the checks below (the limiter: t_log_flood)
sed -i 's/^\[global\]$/[global]\nlog-burst = 1000/' "$T/nfs.conf"
cat >>"$T/nfs.conf" <<EOF
[rquotad]
pidfile = /run/rpc.rquotad.pid
[exportfs]
mountd-pidfile = /run/none
nfsd-pidfile = /run/none
lockd-pidfile = /run/none
rquotad-pidfile = /run/rpc.rquotad.pid
EOF

# ---------------------------------------------------------------- config
must "$RQD" -f "$T/nfs.conf" -e "$T/exports" -E "$T/exports.d" --check-config
must "$RQD" -f "$T/nfs.conf" --print-config
assert_match '^setquota = no' "$OUT"
assert_match '^port = 875' "$OUT"
must "$RQD" -f "$T/nfs.conf" -S -p 4875 --print-config
assert_match '^setquota = yes' "$OUT"
assert_match '^port = 4875' "$OUT"
printf '[rquotad]\nport = 1\nsetquota = maybe\n' >"$T/bad.conf"
mustnot "$RQD" -f "$T/bad.conf" --check-config
assert_match "bad.conf:3:" "$OUT"
mustnot "$RQD" -f "$T/nfs.conf" --no-such-flag
ok "config: --check-config, --print-config, -S, -p, file:line"

start_rpcbind
start_rquotad() {
	start_daemon rquotad "$RQD" -F -f "$T/nfs.conf" -e "$T/exports" \
	    -E "$T/exports.d" "$@"
	must_exit_0 rquotad
	wait_rpc 100011 1 udp
	wait_rpc 100011 2 tcp
}
start_rquotad

must rpcinfo -p
for v in 1 2; do
	for p in udp tcp; do
		assert_match "^ *100011 +$v +$p +875 +rquotad" "$OUT"
	done
done
must rpcinfo -s
assert_match '^ *100011 +2,1 +[a-z0-9,]*tcp6[a-z0-9,]* +rquotad' "$OUT"
for v in 1 2; do
	for nt in udp tcp udp6 tcp6; do
		h=127.0.0.1
		case $nt in *6) h=::1 ;; esac
		must rpcinfo -T "$nt" "$h" 100011 "$v"
	done
done
ok "rpcinfo: rquotad 1 and 2 on udp, tcp, udp6, tcp6; NULL answered"

# q NAME EXPECTED CLIENT ARGS...: one call, its status checked
q() {
	local want=$1 tool=$2
	shift 2
	case $tool in
	p) must "$RQP" "$@" ;;
	c) must "$RQC" "$@" ;;
	ct) must "$RQC" -t "$@" ;;
	esac
	assert_match "^status=$want" "$OUT" "$tool $*"
}

# ---------------------------------------------------------------- who
# root, no_root_squash: anyone's quota (no quota on this kernel: NOQUOTA)
q NOQUOTA p 127.0.0.1 get1 "$E/rw" 0
q NOQUOTA p 127.0.0.1 get1 "$E/rw/sub" 1234
q NOQUOTA p 127.0.0.1 getactive1 "$E/rw" 1234
q NOQUOTA p 127.0.0.1 get2 "$E/rw" usr 1234
q NOQUOTA p 127.0.0.1 get2 "$E/rw" grp 4321
q NOQUOTA p 127.0.0.1 getactive2 "$E/rw" grp 4321
q NOQUOTA c 127.0.0.1 get1 "$E/rw" 1234
q NOQUOTA ct 127.0.0.1 get2 "$E/rw" grp 4321
q NOQUOTA c 127.0.0.1 get2 "$E/rw" 2 1234	# no project type
# a user: its own uid and groups only
q NOQUOTA p -u 1001 -g 1001,2000,3000 127.0.0.1 get1 "$E/rw" 1001
q EPERM p -u 1001 -g 1001,2000,3000 127.0.0.1 get1 "$E/rw" 1002
q EPERM p -u 1001 -g 1001,2000,3000 127.0.0.1 get1 "$E/rw" 0
q NOQUOTA p -u 1001 -g 1001,2000,3000 127.0.0.1 get2 "$E/rw" usr 1001
q NOQUOTA p -u 1001 -g 1001,2000,3000 127.0.0.1 get2 "$E/rw" grp 1001
q NOQUOTA p -u 1001 -g 1001,2000,3000 127.0.0.1 get2 "$E/rw" grp 3000
q EPERM p -u 1001 -g 1001,2000,3000 127.0.0.1 get2 "$E/rw" grp 3001
q EPERM p -u 1001 -g 1001,2000,3000 127.0.0.1 get2 "$E/rw" usr 2000
q EPERM c -u 1001 -g 1001 127.0.0.1 get2 "$E/rw" 2 1001
# root squashed is nobody
q EPERM p 127.0.0.1 get1 "$E/sq" 0
q EPERM p 127.0.0.1 get1 "$E/sq" 1001
q NOQUOTA p 127.0.0.1 get1 "$E/sq" 65534
ok "who may ask: root unsquashed anyone, a user its uid and groups, squashed root is nobody"

# ---------------------------------------------------------------- paths
q EPERM p 127.0.0.1 get1 /etc 0
q EPERM p 127.0.0.1 get1 / 0
q EPERM p 127.0.0.1 get1 "$E/rw/../.." 0
q EPERM p 127.0.0.1 get1 "$E/rw/../sq/../../etc" 0
q EPERM p 127.0.0.1 get1 "$E/rw/out" 0
q EPERM p 127.0.0.1 get1 "$E/rw/out/passwd" 0
q EPERM c 127.0.0.1 get1 "${E#/}/rw" 0
q NOQUOTA p 127.0.0.1 get1 "$E/rw/no/such/dir" 0
q NOQUOTA p 127.0.0.1 get1 "$E/rw//sub/./" 0
peer_setup
must in_peer "$RQC" "$ADDR_SELF" get1 "$E/rw" 0
assert_match '^status=EPERM' "$OUT"
must in_peer "$RQC" -t "$ADDR_SELF" get2 "$E/sq" usr 0
assert_match '^status=EPERM' "$OUT"
grep -q "refused GETQUOTA request from 127.0.0.1:[0-9]* for user quota of 0 on /etc: no export entry" "$T/rquotad.log" ||
    fail "refusal of /etc not logged"
grep -q "refused GETQUOTA request from 192.0.2.2:[0-9]* for user quota of 0 on $E/rw" "$T/rquotad.log" ||
    fail "refusal of the peer not logged"
grep -q "refused GETQUOTA request from 127.0.0.1:[0-9]* for user quota of 1002 on $E/rw: caller is uid 1001" "$T/rquotad.log" ||
    fail "refusal of another uid not logged"
grep -q "path leads out of the export" "$T/rquotad.log" ||
    fail "the symlink out was not logged"
ok "paths: outside, .., symlink out, relative, not admitted: EPERM and logged; missing inside: NOQUOTA"

# ---------------------------------------------------------------- AUTH_NONE, SETQUOTA from unprivileged ports
port=$(rpcinfo -p | awk '$1 == 100011 && $3 == "udp" { print $4; exit }')
rawcalls() {
	/usr/bin/python3 - "$SRCDIR/tests/clients" "$port" "$E" "$@" <<'EOP'
import sys
sys.path.insert(0, sys.argv[1])
import rpcjunk as j

class A:
    pass

a = A()
a.host, a.port, a.timeout = "127.0.0.1", int(sys.argv[2]), 5.0
E = sys.argv[3].encode()
t = j.Target(a)
bad = []
path = j.opaque(E + b"/rw")
for proto in ("udp", "tcp"):
    call = j.udp_call if proto == "udp" else j.tcp_call
    # AUTH_NONE: every quota procedure needs an identity
    for vers, proc, args in ((1, 1, path + j.u32(0)),
                             (2, 1, path + j.u32(0, 0)),
                             (2, 3, j.u32(0x701) + path + j.u32(0, 0) +
                              j.u32(*([0] * 8)))):
        r = call(t, j.call_msg(j.new_xid(), prog=100011, vers=vers,
                               proc=proc, args=args))
        if r.accepted or r.auth_stat != 5:	# AUTH_TOOWEAK
            bad.append("AUTH_NONE v%d proc %d over %s: %s" %
                       (vers, proc, proto, r))
    # SETQUOTA as root from an unprivileged port: Q_EPERM (3)
    r = call(t, j.call_msg(j.new_xid(), prog=100011, vers=2, proc=3,
                           cred=j.auth_sys(uid=0, gid=0),
                           args=j.u32(0x700) + path + j.u32(5, 0) +
                           j.u32(*([1] * 8))))
    if not (r.accepted and r.stat == 0 and r.body[:4] == j.u32(3)):
        bad.append("SETQUOTA from an unprivileged port over %s: %s" %
                   (proto, r))
for b in bad:
    print("FAIL", b)
sys.exit(1 if bad else 0)
EOP
}
rawcalls || fail "AUTH_NONE or SETQUOTA from an unprivileged port"
ok "AUTH_NONE: AUTH_TOOWEAK; SETQUOTA from an unprivileged port: EPERM"

# ---------------------------------------------------------------- SETQUOTA
q EPERM c 127.0.0.1 set1 "$E/rw" 1234 qlim 100 50 10 5
q EPERM ct 127.0.0.1 set2 "$E/rw" usr 1234 qlim 100 50 10 5
grep -q "refused SETQUOTA request from 127.0.0.1:[0-9]* for user quota of 1234 on $E/rw: SETQUOTA is off" "$T/rquotad.log" ||
    fail "refused SETQUOTA not logged"
stop_daemon rquotad
start_rquotad -S
q EPERM c -u 1001 -g 1001 127.0.0.1 set1 "$E/rw" 1001 qlim 100 50 10 5
q EPERM c 127.0.0.1 set1 "$E/sq" 1234 qlim 100 50 10 5
q EPERM c 127.0.0.1 set2 "$E/ro" usr 1234 qlim 100 50 10 5
q EPERM c 127.0.0.1 set2 "$E/rw" grp 1234 0x0700 100 50 10 5	# cmd for usr
q EPERM c 127.0.0.1 set2 "$E/rw" usr 1234 0x0300 100 50 10 5	# not a set
q EPERM c 127.0.0.1 set1 /etc 0 qlim 100 50 10 5
q NOQUOTA c 127.0.0.1 set1 "$E/rw" 1234 qlim 100 50 10 5
q NOQUOTA ct 127.0.0.1 set2 "$E/rw" grp 4321 quota 100 50 10 5
q NOQUOTA c 127.0.0.1 setactive2 "$E/rw" usr 1234 use 7 0 3 0
rawcalls || fail "SETQUOTA from an unprivileged port with -S"
grep -q "read-only export" "$T/rquotad.log" || fail "ro refusal not logged"
grep -q "only root on a no_root_squash export may set quotas" "$T/rquotad.log" ||
    fail "user SETQUOTA refusal not logged"
grep -q "illegal port" "$T/rquotad.log" || fail "port refusal not logged"
ok "SETQUOTA: off by default; with -S only root, unsquashed, rw, reserved port, matching command"

# ---------------------------------------------------------------- exportfs -r
q EPERM p 127.0.0.1 get1 "$E/late" 0
echo "$E/late	127.0.0.1(rw,no_root_squash)" >>"$T/exports"
must "$EXPORTFS" -f "$T/nfs.conf" -e "$T/exports" -E "$T/exports.d" -r
[ -s /var/lib/nfs-suite/rpc.rquotad.exports-hash ] || fail "no ack from rpc.rquotad"
q NOQUOTA p 127.0.0.1 get1 "$E/late" 0
ok "exportfs -r: rpc.rquotad took the new table (ack written) and serves the new export"

# ---------------------------------------------------------------- port taken
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 4876)); s.listen(1)
print("listening", flush=True)
time.sleep(60)' >"$T/holder.out" 2>&1 &
holder=$!
wait_until 10 grep -q '^listening' "$T/holder.out" || fail "no port holder"
t0=$(date +%s.%N)
mustnot timeout 30 "$RQD" -F -f "$T/nfs.conf" -e "$T/exports" -E "$T/exports.d" \
    -p 4876 --set pidfile=/run/rq2.pid
dt=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
kill "$holder"
wait "$holder" 2>/dev/null
assert_match "port 4876: Address already in use" "$OUT" "a port in use"
awk -v d="$dt" 'BEGIN { exit !(d < 5) }' || fail "a port in use took ${dt}s to fail"
ok "a port another program listens on: the start fails in ${dt}s"

# ---------------------------------------------------------------- malformed
/usr/bin/python3 - "$SRCDIR/tests/clients" "$port" <<'EOP' || fail "malformed calls"
import os, random, struct, sys
sys.path.insert(0, sys.argv[1])
import rpcjunk as j

class A:
    pass

a = A()
a.host, a.port, a.timeout = "127.0.0.1", int(sys.argv[2]), 5.0
t = j.Target(a)
GARBAGE = 4
cred = j.auth_sys(uid=0, gid=0)
bad = []
count = 0
p = j.opaque(b"/srv")
huge = j.u32(0xfffffff0) + b"abcd"
nul = j.opaque(b"/srv\0/x")
p1025 = j.opaque(b"/" + b"a" * 1024)
p4096 = j.opaque(b"/" + b"b" * 4095)
trunc = j.u32(10) + b"/sr"
dq = j.u32(*([0] * 8))
# proc -> (v1 cases, v2 cases)
cases = {
    1: ([b"", trunc, huge, nul + j.u32(0), p1025 + j.u32(0),
         p4096 + j.u32(0), p],
        [b"", huge, nul + j.u32(0, 0), p1025 + j.u32(0, 0), p + j.u32(0)]),
    3: ([j.u32(0x700), j.u32(0x700) + huge, j.u32(0x700) + nul + j.u32(0) +
         dq, j.u32(0x700) + p1025 + j.u32(0) + dq,
         j.u32(0x700) + p + j.u32(0) + dq[:20]],
        [j.u32(0x700) + p + j.u32(0), j.u32(0x700) + p4096 + j.u32(0, 0) + dq,
         j.u32(0x700) + p + j.u32(0, 0) + dq[:28]]),
}
cases[2] = cases[1]
cases[4] = cases[3]
for proto in ("udp", "tcp"):
    call = j.udp_call if proto == "udp" else j.tcp_call
    for proc, (v1, v2) in cases.items():
        for vers, lst in ((1, v1), (2, v2)):
            for i, args in enumerate(lst):
                count += 1
                try:
                    r = call(t, j.call_msg(j.new_xid(), prog=100011,
                                           vers=vers, proc=proc, cred=cred,
                                           args=args))
                except (j.Closed, j.Timeout) as e:
                    bad.append("v%d proc %d case %d over %s: %s" %
                               (vers, proc, i, proto, type(e).__name__))
                    continue
                if not (r.accepted and r.stat == GARBAGE):
                    bad.append("v%d proc %d case %d over %s: %s" %
                               (vers, proc, i, proto, r))
seed = int.from_bytes(os.urandom(4), "big")
rnd = random.Random(seed)
for proto in ("udp", "tcp"):
    call = j.udp_call if proto == "udp" else j.tcp_call
    for vers in (1, 2, 3):
        for proc in range(6):
            for _ in range(10):
                args = bytes(rnd.getrandbits(8) for _ in
                             range(rnd.choice((0, 4, 8, 20, 64, 300))))
                try:
                    call(t, j.call_msg(j.new_xid(), prog=100011, vers=vers,
                                       proc=proc, cred=cred, args=args))
                except (j.Closed, j.Timeout) as e:
                    bad.append("random v%d proc %d over %s: %s (seed %d)" %
                               (vers, proc, proto, type(e).__name__, seed))
                except (ValueError, struct.error) as e:
                    bad.append("random v%d proc %d over %s: bad reply %s "
                               "(seed %d)" % (vers, proc, proto, e, seed))
for b in bad:
    print("FAIL", b)
print("%d malformed calls, %d wrong answers" % (count, len(bad)))
sys.exit(1 if bad else 0)
EOP
must rpcinfo -T udp 127.0.0.1 100011 2
q NOQUOTA p 127.0.0.1 get1 "$E/rw" 0
check_daemons
ok "malformed calls: GARBAGE_ARGS; random arguments: every reply parses; rquotad still serves"
