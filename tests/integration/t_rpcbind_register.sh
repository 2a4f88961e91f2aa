#!/bin/bash
# t_rpcbind_register: registrations come and go as rpcinfo sees them.
#  - rpcb_set/rpcb_unset over /run/rpcbind.sock (libtirpc, as every daemon
#    registers), owner "superuser" for root and the uid for others;
#  - pmap_set/pmap_unset (libtirpc), and real PMAPPROC_SET/UNSET v2 sent to
#    127.0.0.1 over udp and tcp;
#  - a second SET of a taken prog/vers/netid is refused;
#  - a non-root AF_LOCAL caller cannot map a privileged port, nor remove
#    another user's registration; root can.
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
start_rpcbind
# the ports the registrations below point at have a listener
hold_ports 40000 40001 40002 40006
P=400111

# listed PROG VERS PROTO PORT: rpcinfo -p shows that mapping.
listed() {
	rpcinfo -p 127.0.0.1 | awk -v p="$1" -v v="$2" -v t="$3" -v n="$4" '
		$1 == p && $2 == v && $3 == t && $4 == n { f = 1 } END { exit !f }'
}
# owner_of PROG: the owner column of rpcinfo -s.
owner_of() {
	rpcinfo -s 127.0.0.1 | awk -v p="$1" '$1 == p { print $NF }'
}
nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

# --- AF_LOCAL, root
must "$RPCREG" set $P 1 udp 0.0.0.0.156.64
assert_eq "$OUT" "set: true"
must "$RPCREG" set $P 1 tcp 0.0.0.0.156.64
listed $P 1 udp 40000 || fail "$P v1 udp 40000 not listed"
listed $P 1 tcp 40000 || fail "$P v1 tcp 40000 not listed"
must rpcinfo -s 127.0.0.1
assert_match "^ *$P +1 +(tcp,udp|udp,tcp) +[^ ]+ +superuser *\$" "$OUT" "rpcinfo -s line"
ok "rpcb_set over the local socket: listed by -p and -s, owner superuser"

must "$RPCREG" getaddr 127.0.0.1 $P 1 udp
assert_eq "$OUT" "getaddr: 127.0.0.1.156.64" "GETADDR merges the wildcard address"
must "$RPCREG" getport 127.0.0.1 $P 1 tcp
assert_eq "$OUT" "getport: 40000"
ok "GETADDR/GETPORT find it"

mustnot "$RPCREG" set $P 1 udp 0.0.0.0.156.65
assert_eq "$RC" 1 "second SET of $P/1/udp must answer false"
listed $P 1 udp 40000 || fail "the first registration was replaced"
ok "SET of a taken prog/vers/netid is refused"

must "$RPCREG" unset $P 1
listed $P 1 udp 40000 && fail "$P v1 udp still listed after unset"
listed $P 1 tcp 40000 && fail "$P v1 tcp still listed after unset"
must rpcinfo -s 127.0.0.1
assert_nomatch "^ *$P " "$OUT" "rpcinfo -s after unset"
ok "rpcb_unset removes every netid; -p and -s no longer list it"

# --- libtirpc pmap_set/pmap_unset
must "$RPCREG" pmap-set $P 2 udp 40001
listed $P 2 udp 40001 || fail "pmap_set mapping not listed"
must "$RPCREG" pmap-unset $P 2
listed $P 2 udp 40001 && fail "pmap_unset left the mapping"
ok "pmap_set/pmap_unset"

# --- PMAPPROC_SET/UNSET v2 over loopback, udp and tcp
for t in udp tcp; do
	must "$RPCREG" -T $t pmap-set-remote 127.0.0.1 $P 3 $t 40002
	assert_eq "$OUT" "pmap-set-remote: true"
	listed $P 3 $t 40002 || fail "PMAPPROC_SET over $t: not listed"
	o=$(owner_of $P)
	[ "$o" = unknown ] || [ "$o" = superuser ] ||
	    fail "owner of a v2 loopback registration: '$o'"
	must "$RPCREG" -T $t pmap-unset-remote 127.0.0.1 $P 3
	listed $P 3 $t 40002 && fail "PMAPPROC_UNSET over $t left the mapping"
done
ok "PMAPPROC_SET/UNSET v2 from 127.0.0.1 over udp and tcp"

# --- a non-root local caller
mustnot nobody "$RPCREG" set 400222 1 udp 0.0.0.0.3.232
assert_eq "$RC" 1 "uid 65534 SET of port 1000 must answer false"
listed 400222 1 udp 1000 && fail "uid 65534 mapped privileged port 1000"
mustnot nobody "$RPCREG" -T udp pmap-set-remote 127.0.0.1 400222 1 udp 1000
assert_eq "$RC" 1 "PMAPPROC_SET of port 1000 from an unprivileged port"
listed 400222 1 udp 1000 && fail "unprivileged loopback caller mapped port 1000"
ok "privileged-port mapping from a non-root caller refused"

must nobody "$RPCREG" set 400222 1 udp 0.0.0.0.156.70
listed 400222 1 udp 40006 || fail "uid 65534 registration not listed"
assert_eq "$(owner_of 400222)" 65534 "owner of uid 65534's registration"
ok "uid 65534 may map an unprivileged port; owner column 65534"

must "$RPCREG" set $P 1 udp 0.0.0.0.156.64
mustnot nobody "$RPCREG" unset $P 1
assert_eq "$RC" 1 "uid 65534 UNSET of root's registration must answer false"
listed $P 1 udp 40000 || fail "uid 65534 removed root's registration"
mustnot setpriv --reuid=65533 --regid=65533 --clear-groups "$RPCREG" unset 400222 1
assert_eq "$RC" 1 "uid 65533 UNSET of uid 65534's registration"
listed 400222 1 udp 40006 || fail "uid 65533 removed uid 65534's registration"
mustnot nobody "$RPCREG" -T udp pmap-unset-remote 127.0.0.1 $P 1
listed $P 1 udp 40000 || fail "PMAPPROC_UNSET from an unprivileged loopback port removed root's registration"
ok "UNSET of someone else's registration refused"

must nobody "$RPCREG" unset 400222 1
listed 400222 1 udp 40006 && fail "the owner could not remove its registration"
must nobody "$RPCREG" set 400222 1 udp 0.0.0.0.156.70
must "$RPCREG" unset 400222 1
listed 400222 1 udp 40006 && fail "root could not remove uid 65534's registration"
must "$RPCREG" unset $P 1
ok "the owner and root may remove it"
check_daemons
