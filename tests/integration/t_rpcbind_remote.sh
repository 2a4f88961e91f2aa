#!/bin/bash
# t_rpcbind_remote: what another host may and may not do. A second network
# namespace (192.0.2.2, its own /run) reaches our rpcbind at 192.0.2.1:
#  - GETPORT/GETADDR/DUMP work from there, GETADDR merges the wildcard
#    registration to the address the call came to;
#  - SET and UNSET from there (v2 and v3, udp and tcp, privileged source
#    port) are refused and change nothing;
#  - CALLIT is off by default: PROC_UNAVAIL, and the target never sees a
#    call; with remote-calls=yes it is forwarded, but never to a program in
#    remote-calls-deny, and never as a SET to rpcbind itself.
# timeout: 180
. "$(dirname "$0")/lib.sh"
need_rpcbind
peer_setup
start_rpcbind
hold_ports 40000
P=400111
S=$ADDR_SELF

listed() {
	rpcinfo -p 127.0.0.1 | awk -v p="$1" -v v="$2" -v t="$3" -v n="${4:-}" '
		$1 == p && $2 == v && $3 == t && (n == "" || $4 == n) { f = 1 }
		END { exit !f }'
}
calls() {
	grep -c '^CALL' "$T/$1.log"
}
# no_new_call NAME COUNT: the server NAME got no call beyond COUNT (a
# forwarded call would reach it before CALLIT is answered; allow 1 s more).
no_new_call() {
	if wait_until 1 sh -c "[ \$(grep -c '^CALL' '$T/$1.log') -gt $2 ]"; then
		fail "$1 received a forwarded call:
$(cat "$T/$1.log")"
	fi
}

must "$RPCREG" set $P 1 udp 0.0.0.0.156.64
must "$RPCREG" set $P 1 tcp 0.0.0.0.156.64

# --- look-ups from the peer
wait_until 10 in_peer rpcinfo -T udp $S 100000 4 || fail "peer cannot reach rpcbind"
must in_peer rpcinfo -T tcp $S 100000 2
must in_peer rpcinfo -p $S
assert_match "^ *$P +1 +udp +40000" "$OUT" "peer's rpcinfo -p"
must in_peer "$RPCREG" getport $S $P 1 udp
assert_eq "$OUT" "getport: 40000"
must in_peer "$RPCREG" -T tcp getaddr $S $P 1 tcp
assert_eq "$OUT" "getaddr: $S.156.64" "GETADDR from the peer"
ok "GETPORT/GETADDR/DUMP from another host"

# --- SET/UNSET from the peer
for t in udp tcp; do
	mustnot in_peer "$RPCREG" -T $t set-remote $S 400222 1 udp 0.0.0.0.156.80
	assert_eq "$RC" 1 "RPCBPROC_SET over $t from the peer: refusal"
	mustnot in_peer "$RPCREG" -T $t pmap-set-remote $S 400222 2 udp 40080
	assert_eq "$RC" 1 "PMAPPROC_SET over $t from the peer: refusal"
	mustnot in_peer "$RPCREG" -T $t unset-remote $S $P 1 udp
	assert_eq "$RC" 1 "RPCBPROC_UNSET over $t from the peer: refusal"
	mustnot in_peer "$RPCREG" -T $t pmap-unset-remote $S $P 1
	assert_eq "$RC" 1 "PMAPPROC_UNSET over $t from the peer: refusal"
done
listed 400222 "" udp && fail "a SET from another host registered 400222"
listed $P 1 udp 40000 || fail "an UNSET from another host removed $P/udp"
listed $P 1 tcp 40000 || fail "an UNSET from another host removed $P/tcp"
ok "SET/UNSET from another host refused (v2 and v3, udp and tcp)"

# --- CALLIT, off by default
start_daemon target "$RPCREG" serve 400112 1
wait_until 10 listed 400112 1 udp || fail "test server 400112 did not register"
n=$(calls target)
mustnot in_peer "$RPCREG" -w 2 callit $S 400112 1 0
assert_match "RPC_PROCUNAVAIL" "$OUT" "CALLIT from the peer, remote calls off"
mustnot "$RPCREG" -w 2 callit 127.0.0.1 400112 1 0
assert_match "RPC_PROCUNAVAIL" "$OUT" "CALLIT from loopback, remote calls off"
must in_peer /usr/bin/python3 "$SRCDIR/tests/clients/rpcjunk.py" --host $S \
    --prog 400112 rmtcall-off
must rpcjunk --prog 400112 rmtcall-off
no_new_call target "$n"
ok "CALLIT (v2, v3), BCAST and INDIRECT are PROC_UNAVAIL by default and forward nothing"

# --- CALLIT on, with a deny list
stop_daemon rpcbind
start_rpcbind -o remote-calls=yes -o remote-calls-deny=400113
listed 400112 1 udp || fail "warm start lost 400112"
start_daemon denied "$RPCREG" serve 400113 1
wait_until 10 listed 400113 1 udp || fail "test server 400113 did not register"
port=$(rpcinfo -p 127.0.0.1 | awk '$1 == 400112 && $3 == "udp" { print $4; exit }')

n=$(calls target)
must in_peer "$RPCREG" -w 5 callit $S 400112 1 0
assert_eq "$OUT" "callit: RPC_SUCCESS port=$port" "forwarded CALLIT"
wait_until 5 sh -c "[ \$(grep -c '^CALL' '$T/target.log') -gt $n ]" ||
    fail "CALLIT answered but the target saw no call"
ok "with remote-calls=yes CALLIT is forwarded ($(tail -n 1 "$T/target.log"))"

n=$(calls denied)
mustnot in_peer "$RPCREG" -w 2 callit $S 400113 1 0
no_new_call denied "$n"
ok "CALLIT to a program in remote-calls-deny is not forwarded ($OUT)"

mustnot in_peer "$RPCREG" -w 2 callit-pmapset $S 400666 1 udp 40066
listed 400666 "" udp && fail "CALLIT made rpcbind register 400666 for another host"
mustnot setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$RPCREG" -w 2 callit-pmapset 127.0.0.1 400667 1 udp 1000
listed 400667 "" udp && fail "CALLIT let uid 65534 map privileged port 1000"
ok "CALLIT cannot be used to SET through rpcbind itself"
check_daemons
