#!/bin/bash
# t_gssprobe_tirpc: tests/clients/gssprobe.py against a second RPCSEC_GSS
# implementation, libtirpc's own server side (tests/clients/gsssvc), for
# what NFS-Ganesha cannot show (t_gssprobe_ganesha): krb5i and krb5p over
# UDP. For each service, over UDP and then TCP: a context, an ECHO of 16 KiB
# whose reply (the server's wrap or checksum, verified by gssprobe) carries
# the same bytes, WHOAMI naming alice@NFS.TEST and the service the server
# saw, and a body altered after signing refused.
# libtirpc 1.3.3's server keeps one context per transport, and UDP is one
# transport: each service gets its own gsssvc. What it answers to replays
# (RPCSEC_GSS_CTXPROBLEM, where RFC 2203 5.3.3.1 says to drop them) is not
# tested here.
# timeout: 60
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/krb5-lib.sh"
GSSSVC=$BUILD/tests/clients/gsssvc
[ -x "$GSSSVC" ] || fail "$GSSSVC not built"
/usr/bin/python3 -c 'import gssapi' 2>/dev/null ||
    fail "python3-gssapi missing (apt-get install python3-gssapi)"

# shellcheck disable=SC2119  # the default realm
krb5_realm_setup
krb5_add_service nfs/localhost
krb5_add_user alice
krb5_kinit alice

hexof() {
	printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n'
}

n=0
for svc in krb5 krb5i krb5p; do
	n=$((n + 1))
	port=$((5100 + n))
	start_daemon "gsssvc-$svc" "$GSSSVC" nfs@localhost "$port"
	wait_until 10 grep -q '^listening' "$T/gsssvc-$svc.log" ||
	    fail "gsssvc-$svc did not start"
	# the ECHO reply is the opaque<> sent: length + 16 KiB
	want=$(/usr/bin/python3 -c "import hashlib, random, struct
d = random.Random($n).randbytes(16384)
print(hashlib.sha256(struct.pack('>I', len(d)) + d).hexdigest())")
	who=$(hexof "principal=alice@NFS.TEST service=$n")
	# krb5 (no protection) would echo altered bytes: nothing to refuse
	tamper=
	[ $svc = krb5 ] || tamper="tamper body
call 1 opaque:pattern:64:$n expect=GARBAGE_ARGS|AUTH_ERROR"
	for proto in udp tcp; do
		opt=()
		[ $proto = tcp ] || opt=(--udp)
		must krb5_as alice /usr/bin/python3 \
		    "$SRCDIR/tests/clients/gssprobe.py" "${opt[@]}" \
		    --prog 0x20000099 --vers 1 --port "$port" --service "$svc" \
		    script - <<EOF
context A
call 1 opaque:pattern:16384:$n expect=SUCCESS
call 2 expect=SUCCESS
$tamper
call 0 expect=SUCCESS
EOF
		assert_nomatch '^FAIL' "$OUT" "$svc over $proto"
		assert_match "^reply ctx=A proc=1 seq=1 svc=[a-z]+ xid=0x[0-9a-f]+ result=SUCCESS verf=ok( unwrap=ok)? len=16388 sha256=$want " \
		    "$OUT" "$svc ECHO over $proto"
		assert_match "proc=2 .* body=[0-9a-f]*$who" "$OUT" "$svc WHOAMI over $proto"
		ok "$svc over $proto: 16 KiB ECHO intact, the server saw alice and service $n"
	done
done
check_daemons
