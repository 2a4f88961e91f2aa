#!/bin/bash
# t_gss_nfsd: rpc.nfsd's RPCSEC_GSS (RFC 2203) with a throwaway MIT realm
# (krb5-lib.sh) in our namespace, driven by two independent clients:
# tests/clients/gssprobe.py (hand-built RFC 2203, proven against
# NFS-Ganesha and libtirpc's server in t_gssprobe_*) and libtirpc's own
# client-side RPCSEC_GSS (tests/clients/gsscall, rpc_gss_seccreate).
#  - contexts for krb5, krb5i, krb5p (the window's MIC verified); MNT lists
#    the export's flavours in the admin's order;
#  - AUTH_SYS and AUTH_NONE on the krb5-only export: GETATTR of its root
#    answered (the Linux client's mount does that, knfsd allows it),
#    LOOKUP in it NFS3ERR_ACCES; a sys export next to it is untouched;
#  - every NFS procedure gssprobe knows under krb5, krb5i and krb5p, the
#    service switched call by call on one context, two contexts on one
#    connection, 100 calls in flight out of order, replays (the same bytes,
#    the same sequence number) and a number below the window dropped, a
#    tampered krb5i body and krb5p token GARBAGE_ARGS, a tampered header
#    and verifier RPCSEC_GSS_CREDPROBLEM, a sequence number at MAXSEQ
#    RPCSEC_GSS_CTXPROBLEM (the context is gone), DESTROY;
#  - 1 MiB WRITE and READ under krb5i and krb5p, intact on disk;
#  - principals mapped to their passwd users (alice, bob: a private
#    /etc/passwd in our mount namespace), a principal with no user to the
#    anonymous user;
#  - a context outliving its ticket: RPCSEC_GSS_CTXPROBLEM; a new ticket
#    and context work;
#  - sec= changed by exportfs -r takes effect on the next call (and MNT);
#  - UDP: krb5, krb5i and krb5p, a replay dropped, two contexts;
#  - libtirpc's client: NULL, GETATTR, LOOKUP and READ under each service,
#    over TCP and UDP.
# timeout: 180
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/krb5-lib.sh"
need_rpcbind
/usr/bin/python3 -c 'import gssapi' 2>/dev/null ||
    fail "python3-gssapi missing (apt-get install python3-gssapi)"
GSSCALL=$BUILD/tests/clients/gsscall
[ -x "$GSSCALL" ] || fail "$GSSCALL not built"
. "$(dirname "$0")/nfs-lib.sh"

mkdir -p "$E/k" "$E/s" "$T/exports.d"
chmod 0777 "$E/k"
echo hello >"$E/k/hello"
echo plain >"$E/s/plain"

ALICE_UID=2001 BOB_UID=2002
{
	grep -Ev '^(alice|bob):' /etc/passwd
	echo "alice:x:$ALICE_UID:$ALICE_UID::/nonexistent:/usr/sbin/nologin"
	echo "bob:x:$BOB_UID:$BOB_UID::/nonexistent:/usr/sbin/nologin"
} >"$T/passwd"
{
	grep -Ev '^(alice|bob):' /etc/group
	echo "alice:x:$ALICE_UID:"
	echo "bob:x:$BOB_UID:"
} >"$T/group"
mount --bind "$T/passwd" /etc/passwd || fail "bind mount passwd"
mount --bind "$T/group" /etc/group || fail "bind mount group"

KRB5_CLOCKSKEW=1 krb5_realm_setup
krb5_add_service nfs/localhost
krb5_add_user alice
krb5_add_user bob
krb5_add_user ghost
krb5_kinit alice

cat >"$T/exports" <<EOF
$E/k	127.0.0.1(sec=krb5p:krb5i:krb5,rw,insecure)
$E/s	127.0.0.1(rw,insecure)
EOF
cat >>"$T/nfs.conf" <<EOF
[gss]
keytab = $KRB5_KEYTAB
principal = nfs/localhost
EOF
start_rpcbind
start_nfs
grep -q 'RPCSEC_GSS: accepting nfs/localhost' "$T/nfsd.log" ||
    fail "rpc.nfsd did not take the keytab"

gssprobe() {
	must krb5_as alice /usr/bin/python3 "$SRCDIR/tests/clients/gssprobe.py" \
	    --principal nfs@localhost --drop-wait 1 "$@"
}

# ---------------------------------------------------------------- contexts
for svc in krb5 krb5i krb5p; do
	gssprobe --service "$svc" null --expect SUCCESS
	assert_match '^context name=A result=SUCCESS handle=[0-9a-f]+ window=128 major=0 minor=0 rounds=1 verf=ok' \
	    "$OUT" "$svc context"
done
ok "contexts for krb5, krb5i, krb5p; window 128, its MIC verifies"

gssprobe mnt "$E/k" --expect MNT3_OK
assert_match 'flavors=390005,390004,390003( |$)' "$OUT" "MNT's flavours, in order"
ROOT=$(sed -n 's/^mnt .* fh=\([0-9a-f]*\) .*/\1/p' <<<"$OUT")
[ -n "$ROOT" ] || fail "no root handle"
export ROOT

# ---------------------------------------------------------------- sys on krb5
gssprobe --flavor sys nfs getattr "$ROOT" --expect NFS3_OK
gssprobe --flavor sys nfs fsinfo "$ROOT" --expect NFS3_OK
gssprobe --flavor sys nfs lookup "$ROOT" hello --expect NFS3ERR_ACCES
gssprobe --flavor none nfs lookup "$ROOT" hello --expect NFS3ERR_ACCES
gssprobe --flavor sys mnt "$E/s" --expect MNT3_OK
SROOT=$(sed -n 's/^mnt .* fh=\([0-9a-f]*\) .*/\1/p' <<<"$OUT")
gssprobe --flavor sys nfs lookup "$SROOT" plain --expect NFS3_OK
ok "AUTH_SYS on the krb5 export: its root's GETATTR/FSINFO, nothing more; the sys export as before"

# ---------------------------------------------------------------- one connection
cat >"$T/main.gss" <<'EOF'
context A
# every procedure under every service, switched call by call on context A
service none
nfs getattr $ROOT expect=NFS3_OK
nfs lookup $ROOT hello expect=NFS3_OK
save HELLO
nfs access $HELLO expect=NFS3_OK
nfs read $HELLO 0 100 expect=NFS3_OK
nfs create $ROOT f.krb5 expect=NFS3_OK
save F
nfs write $F 0 text:krb5 expect=NFS3_OK
nfs readdirplus $ROOT expect=NFS3_OK
nfs fsinfo $ROOT expect=NFS3_OK
nfs remove $ROOT f.krb5 expect=NFS3_OK
service integrity
nfs getattr $ROOT expect=NFS3_OK
nfs lookup $ROOT hello expect=NFS3_OK
nfs access $HELLO expect=NFS3_OK
nfs read $HELLO 0 100 expect=NFS3_OK
nfs create $ROOT f.krb5i expect=NFS3_OK
save F
nfs write $F 0 text:krb5i expect=NFS3_OK
nfs readdirplus $ROOT expect=NFS3_OK
nfs fsinfo $ROOT expect=NFS3_OK
nfs remove $ROOT f.krb5i expect=NFS3_OK
service privacy
nfs getattr $ROOT expect=NFS3_OK
nfs lookup $ROOT hello expect=NFS3_OK
nfs access $HELLO expect=NFS3_OK
nfs read $HELLO 0 100 expect=NFS3_OK
nfs create $ROOT f.krb5p expect=NFS3_OK
save F
nfs write $F 0 text:krb5p expect=NFS3_OK
nfs readdirplus $ROOT expect=NFS3_OK
nfs fsinfo $ROOT expect=NFS3_OK
nfs remove $ROOT f.krb5p expect=NFS3_OK
service integrity
nfs getattr $ROOT expect=NFS3_OK
service none
nfs getattr $ROOT expect=NFS3_OK
# a second context on the same connection, used in turns with the first
context B
service privacy
nfs getattr $ROOT expect=NFS3_OK
use A
nfs getattr $ROOT expect=NFS3_OK
use B
nfs getattr $ROOT expect=NFS3_OK
# 100 calls in flight, sent in shuffled sequence order: all inside the
# window (128), all answered
burst 100 shuffled nfs getattr $ROOT expect=SUCCESS
# replays: the same bytes; the same sequence number under a new xid
service integrity
nfs access $ROOT expect=NFS3_OK
replay expect=dropped
replay-seq expect=dropped
nfs getattr $ROOT expect=NFS3_OK
# far below the window (after seq 1000, seq 10) is dropped; above is fine
seq 1000
nfs getattr $ROOT expect=NFS3_OK
seq 10
nfs getattr $ROOT expect=dropped
seq 1001
nfs getattr $ROOT expect=NFS3_OK
# tampering after signing
tamper body
nfs getattr $ROOT expect=GARBAGE_ARGS
service privacy
tamper body
nfs getattr $ROOT expect=GARBAGE_ARGS
tamper header
nfs getattr $ROOT expect=RPCSEC_GSS_CREDPROBLEM
tamper verifier
nfs getattr $ROOT expect=RPCSEC_GSS_CREDPROBLEM
nfs getattr $ROOT expect=NFS3_OK
# 1 MiB through the wrap and the checksum, both ways
nfs create $ROOT big expect=NFS3_OK
save BIG
nfs write $BIG 0 pattern:1048576:1 expect=NFS3_OK
nfs read $BIG 0 1048576 expect=NFS3_OK
service integrity
nfs write $BIG 1048576 pattern:1048576:2 expect=NFS3_OK
nfs read $BIG 1048576 1048576 expect=NFS3_OK
# MAXSEQ and above: the context is finished (CTXPROBLEM)
context C
seq 2147483648
nfs getattr $ROOT expect=RPCSEC_GSS_CTXPROBLEM
nfs getattr $ROOT expect=RPCSEC_GSS_CREDPROBLEM
use A
# DESTROY A; its handle is dead, B lives on
destroy A expect=SUCCESS
use A
nfs getattr $ROOT expect=RPCSEC_GSS_CREDPROBLEM
use B
nfs getattr $ROOT expect=NFS3_OK
EOF
gssprobe script "$T/main.gss"
nfail=$(grep -c '^FAIL' <<<"$OUT")
assert_eq "$nfail" 0 "failed steps"
nok=$(grep -c '^ok line' <<<"$OUT")
ok "one connection: $nok steps as expected"

p1=$(/usr/bin/python3 -c 'import hashlib, random; print(hashlib.sha256(random.Random(1).randbytes(1048576)).hexdigest())')
p2=$(/usr/bin/python3 -c 'import hashlib, random; print(hashlib.sha256(random.Random(2).randbytes(1048576)).hexdigest())')
assert_match "^nfs3 WRITE status=NFS3_OK count=1048576 .*sent_sha256=$p1" "$OUT" "krb5p WRITE"
assert_match "^nfs3 READ status=NFS3_OK count=1048576 .*sha256=$p1" "$OUT" "krb5p READ"
assert_match "^nfs3 WRITE status=NFS3_OK count=1048576 .*sent_sha256=$p2" "$OUT" "krb5i WRITE"
assert_match "^nfs3 READ status=NFS3_OK count=1048576 .*sha256=$p2" "$OUT" "krb5i READ"
assert_eq "$(head -c 1048576 "$E/k/big" | sha256sum | cut -d' ' -f1)" "$p1" "the file's first MiB"
assert_eq "$(tail -c 1048576 "$E/k/big" | sha256sum | cut -d' ' -f1)" "$p2" "the file's second MiB"
ok "1 MiB WRITE and READ under krb5p and krb5i, intact on disk"
assert_match "^nfs3 CREATE status=NFS3_OK fh=[0-9a-f]+ mode=0644 uid=$ALICE_UID " "$OUT" "CREATE as alice"
assert_eq "$(stat -c %u "$E/k/big")" "$ALICE_UID" "owner of big on the server"
ok "alice@NFS.TEST is uid $ALICE_UID"

# ---------------------------------------------------------------- other users
krb5_kinit bob
must krb5_as bob /usr/bin/python3 "$SRCDIR/tests/clients/gssprobe.py" \
    --principal nfs@localhost --service krb5i nfs create "$ROOT" bob.f --expect NFS3_OK
assert_match "uid=$BOB_UID " "$OUT" "CREATE as bob"
krb5_kinit ghost
must krb5_as ghost /usr/bin/python3 "$SRCDIR/tests/clients/gssprobe.py" \
    --principal nfs@localhost nfs create "$ROOT" ghost.f --expect NFS3_OK
assert_match "uid=65534 " "$OUT" "CREATE as a principal with no user"
grep -q 'ghost@NFS.TEST has no local user: anonymous' "$T/nfsd.log" ||
    fail "the unmapped principal was not logged"
ok "bob is uid $BOB_UID; ghost (no local user) is the anonymous user"

# ---------------------------------------------------------------- exportfs -r
exportfs_sec() {
	sed -i "s|^$E/k\t127.0.0.1(sec=[^,]*,|$E/k\t127.0.0.1(sec=$1,|" "$T/exports"
	grep -q "(sec=$1," "$T/exports" || fail "exports not rewritten"
	must "$BUILD/mountd/exportfs" -f "$T/nfs.conf" -e "$T/exports" -E "$T/exports.d" -r
}
exportfs_sec krb5p:sys
gssprobe --service krb5i nfs lookup "$ROOT" hello --expect NFS3ERR_ACCES
gssprobe --service krb5 nfs lookup "$ROOT" hello --expect NFS3ERR_ACCES
gssprobe --service krb5p nfs lookup "$ROOT" hello --expect NFS3_OK
gssprobe --flavor sys nfs lookup "$ROOT" hello --expect NFS3_OK
gssprobe mnt "$E/k" --expect MNT3_OK
assert_match 'flavors=390005,1( |$)' "$OUT" "MNT's flavours after exportfs -r"
exportfs_sec krb5i
gssprobe --service krb5i nfs lookup "$ROOT" hello --expect NFS3_OK
gssprobe --service krb5p nfs lookup "$ROOT" hello --expect NFS3ERR_ACCES
gssprobe --flavor sys nfs lookup "$ROOT" hello --expect NFS3ERR_ACCES
exportfs_sec krb5p:krb5i:krb5
gssprobe --service krb5 nfs lookup "$ROOT" hello --expect NFS3_OK
ok "sec= changed by exportfs -r: krb5p:sys, then krb5i alone, then back; each call as the new list says"

# ---------------------------------------------------------------- UDP
for svc in krb5 krb5i krb5p; do
	gssprobe --udp --service "$svc" nfs getattr "$ROOT" --expect NFS3_OK
done
cat >"$T/udp.gss" <<'EOF'
context A
service integrity
nfs getattr $ROOT expect=NFS3_OK
replay expect=dropped
context B
service privacy
nfs lookup $ROOT hello expect=NFS3_OK
use A
nfs getattr $ROOT expect=NFS3_OK
EOF
gssprobe --udp script "$T/udp.gss"
ok "UDP: krb5, krb5i, krb5p, replay dropped, two contexts"

# ---------------------------------------------------------------- libtirpc's client
for p in "" -u; do
	for svc in none integrity privacy; do
		must krb5_as alice "$GSSCALL" $p 127.0.0.1 nfs@localhost "$svc" "$ROOT" hello
		assert_match '^getattr status=0 type=2 ' "$OUT" "libtirpc $svc getattr"
		assert_match '^read status=0 count=6 eof=1$' "$OUT" "libtirpc $svc read"
	done
done
ok "libtirpc's rpc_gss_seccreate client: NULL, GETATTR, LOOKUP, READ under each service, TCP and UDP"

# ---------------------------------------------------------------- expiry
krb5_kinit alice 4s
cat >"$T/expiry.gss" <<'EOF'
context A
nfs getattr $ROOT expect=NFS3_OK
sleep 6
nfs getattr $ROOT expect=RPCSEC_GSS_CTXPROBLEM
nfs getattr $ROOT expect=RPCSEC_GSS_CREDPROBLEM
EOF
gssprobe script "$T/expiry.gss"
ok "a context outliving its ticket: RPCSEC_GSS_CTXPROBLEM, then gone"
krb5_kinit alice
gssprobe --service krb5p nfs getattr "$ROOT" --expect NFS3_OK
ok "a new ticket, a new context: works again"

check_daemons
