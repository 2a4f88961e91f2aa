#!/bin/bash
# t_rpcbind_rpcinfo: Debian's rpcinfo against our rpcbind: -p (PMAPPROC_DUMP),
# -s (RPCBPROC_DUMP), -m (RPCBPROC_GETSTAT, counters move with calls), -l
# (GETADDRLIST), NULL calls of v2/v3/v4 over tcp/udp, and the same over IPv6.
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
start_rpcbind

# rpcinfo -p: every version on udp and tcp, port 111, named portmapper.
must rpcinfo -p 127.0.0.1
p=$OUT
for v in 2 3 4; do
	for proto in tcp udp; do
		assert_match "^ *100000 +$v +$proto +111 +portmapper *\$" "$p" \
		    "rpcinfo -p: v$v/$proto"
	done
done
ok "rpcinfo -p lists portmapper v2-4 on tcp and udp port 111"

# rpcinfo -s: versions, every netid including local, owner superuser.
must rpcinfo -s 127.0.0.1
line=$(printf '%s\n' "$OUT" | awk '$1 == 100000')
assert_match '^ *100000 +2,3,4 +' "$line" "rpcinfo -s versions"
for n in local udp tcp udp6 tcp6; do
	assert_match "[ ,]${n}[ ,]" "$line" "rpcinfo -s netid $n"
done
assert_match ' portmapper +superuser *$' "$line" "rpcinfo -s service/owner"
ok "rpcinfo -s: 100000 2,3,4 on local,udp,tcp,udp6,tcp6, owner superuser"

# Without a host: rpcinfo (RPCBPROC_DUMP over the local socket) lists the
# universal addresses; -p and -s default to this host.
must rpcinfo
d=$OUT
assert_match '^ *100000 +4 +tcp +0\.0\.0\.0\.0\.111 +portmapper +superuser' "$d" "rpcinfo: tcp"
assert_match '^ *100000 +2 +udp +0\.0\.0\.0\.0\.111 +portmapper +superuser' "$d" "rpcinfo: udp v2"
assert_match '^ *100000 +4 +tcp6 +::\.0\.111 +portmapper +superuser' "$d" "rpcinfo: tcp6"
assert_match '^ *100000 +4 +local +/run/rpcbind\.sock +portmapper +superuser' "$d" "rpcinfo: local"
must rpcinfo -p
assert_match '^ *100000 +2 +udp +111 +portmapper' "$OUT" "rpcinfo -p (no host)"
must rpcinfo -s
assert_match '^ *100000 +2,3,4 +' "$OUT" "rpcinfo -s (no host)"
must rpcinfo -a 127.0.0.1.0.111 -T tcp 100000 4
assert_match "program 100000 version 4 ready and waiting" "$OUT" "rpcinfo -a"
ok "rpcinfo, rpcinfo -p, -s without a host; -a with a universal address"

# NULL calls of every version over both transports and IPv6.
for v in 2 3 4; do
	for proto in tcp udp; do
		must rpcinfo -T "$proto" 127.0.0.1 100000 "$v"
		assert_match "program 100000 version $v ready and waiting" "$OUT"
	done
	for proto in tcp6 udp6; do
		must rpcinfo -T "$proto" ::1 100000 "$v"
		assert_match "program 100000 version $v ready and waiting" "$OUT"
	done
done
must rpcinfo -T local 127.0.0.1 100000 4
ok "NULL answers on v2/v3/v4 over tcp, udp, tcp6, udp6 and local"

must rpcinfo -p ::1
assert_match '^ *100000 +2 +tcp +111 +portmapper' "$OUT" "rpcinfo -p ::1"
must rpcinfo -s ::1
assert_match '^ *100000 +2,3,4 ' "$OUT" "rpcinfo -s ::1"
ok "rpcinfo -p/-s over IPv6"

# rpcinfo -l: GETADDRLIST answers with addresses the caller can use: the
# wildcard registration merged to the address the call came to.
must rpcinfo -l 127.0.0.1 100000 4
assert_match '^ *100000 +4 +inet/tcp[^ ]* +127\.0\.0\.1\.0\.111 +portmapper' "$OUT" \
    "rpcinfo -l tcp entry"
assert_match '^ *100000 +4 +inet/udp[^ ]* +127\.0\.0\.1\.0\.111 +portmapper' "$OUT" \
    "rpcinfo -l udp entry"
ok "rpcinfo -l: merged addresses 127.0.0.1.0.111 for tcp and udp"

# rpcinfo -m: GETSTAT. stat_of OUTPUT VERS COLUMN: the counter (before any
# "/") of COLUMN in the "(version VERS) statistics" block.
stat_of() {
	printf '%s\n' "$1" | awk -v v="(version $2)" -v col="$3" '
		index($0, v) && /statistics/ { getline hdr; getline val
			n = split(hdr, h); split(val, x)
			for (i = 1; i <= n; i++) if (h[i] == col) {
				sub("/.*", "", x[i]); print x[i]; exit } }'
}
must rpcinfo -m 127.0.0.1
m1=$OUT
for v in 2 3 4; do
	assert_match "^(PORTMAP|RPCBIND) \\(version $v\\) statistics" "$m1" "rpcinfo -m v$v block"
done
n2a=$(stat_of "$m1" 2 NULL) n4a=$(stat_of "$m1" 4 NULL) d2a=$(stat_of "$m1" 2 DUMP)
[[ $n2a =~ ^[0-9]+$ && $n4a =~ ^[0-9]+$ && $d2a =~ ^[0-9]+$ ]] ||
    fail "rpcinfo -m: cannot read the counters (v2 NULL '$n2a', v4 NULL '$n4a', v2 DUMP '$d2a')"
for _ in 1 2 3; do
	must rpcinfo -T udp 127.0.0.1 100000 2
	must rpcinfo -T tcp 127.0.0.1 100000 4
done
must rpcinfo -p 127.0.0.1
must rpcinfo -m 127.0.0.1
m2=$OUT
n2b=$(stat_of "$m2" 2 NULL) n4b=$(stat_of "$m2" 4 NULL) d2b=$(stat_of "$m2" 2 DUMP)
[ "$n2b" -ge $((n2a + 3)) ] || fail "v2 NULL counter $n2a -> $n2b after 3 calls"
[ "$n4b" -ge $((n4a + 3)) ] || fail "v4 NULL counter $n4a -> $n4b after 3 calls"
[ "$d2b" -ge $((d2a + 1)) ] || fail "v2 DUMP counter $d2a -> $d2b after rpcinfo -p"
ok "rpcinfo -m: v2 NULL $n2a -> $n2b, v4 NULL $n4a -> $n4b, v2 DUMP $d2a -> $d2b"
check_daemons
