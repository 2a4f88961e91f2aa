#!/bin/bash
# t_gssprobe_ganesha: tests/clients/gssprobe.py, the RPCSEC_GSS test client,
# proven against another implementation: NFS-Ganesha's (libntirpc's)
# RPCSEC_GSS v1, with a throwaway MIT realm (krb5-lib.sh) in our namespace.
#   - context creation (INIT, the window's MIC verified), MOUNT v3 listing
#     the krb5 flavours, and AUTH_SYS refused on a krb5-only export
#   - every NFS procedure gssprobe knows under krb5, krb5i and krb5p, the
#     service switched call by call on one context, two contexts on one
#     connection, 24 calls in flight in shuffled sequence order, 1 MiB
#     WRITE + READ under krb5i and krb5p (sha256 both ways)
#   - a replayed call (same bytes; same sequence number under a new xid) and
#     a sequence number far below the window: no reply; a tampered krb5i
#     body and krb5p token: GARBAGE_ARGS; a tampered header (xid) and
#     verifier: RPCSEC_GSS_CREDPROBLEM; DESTROY, then the dead handle:
#     RPCSEC_GSS_CREDPROBLEM, the other context still works
#   - the principal mapped to its passwd uid (a private /etc/passwd, bind
#     mounted in our mount namespace only)
#   - a context outliving its ticket: RPCSEC_GSS_CREDPROBLEM; a new ticket
#     and context work again
#   - UDP: krb5 calls, a replay dropped, two contexts
# What Ganesha 4.3 does not do, and so is not tested here: krb5i and krb5p
# over UDP. Every such call with arguments is answered GARBAGE_ARGS (the
# same bytes work over TCP: only the record mark differs), a krb5i NULL is
# never answered, a krb5p NULL is. t_gssprobe_tirpc proves gssprobe's UDP
# krb5i/krb5p against libtirpc's server instead.
# Note the realm's clockskew of 1 s: MIT's acceptor reports a context
# lifetime of the ticket's plus clockskew (300 s by default), and Ganesha
# expires contexts by that lifetime.
# timeout: 120
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/krb5-lib.sh"
. "$(dirname "$0")/ganesha-lib.sh"
need_rpcbind
need_ganesha
/usr/bin/python3 -c 'import gssapi' 2>/dev/null ||
    fail "python3-gssapi missing (apt-get install python3-gssapi)"

E=$(mktemp -d "/var/tmp/nfs-suite-$TEST_NAME.XXXXXX") || fail "mktemp"
# shellcheck disable=SC2154  # rc is the trap's own
trap 'rc=$?; rm -rf "$E"; (exit $rc); _on_exit' EXIT
chmod 0777 "$E"
echo hello >"$E/hello"

# alice and bob, as Ganesha's idmapper (getpwnam) will see them
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
krb5_kinit alice

start_rpcbind
start_ganesha "$E" "krb5, krb5i, krb5p" nfs@localhost

# gssprobe ARGS...: the probe as alice, output in $OUT (must: exit 0)
gssprobe() {
	must krb5_as alice /usr/bin/python3 "$SRCDIR/tests/clients/gssprobe.py" \
	    --drop-wait 1 "$@"
}

# ---------------------------------------------------------------- contexts
t0=$SECONDS
for svc in krb5 krb5i krb5p; do
	gssprobe --service "$svc" null --expect SUCCESS
	assert_match '^context name=A result=SUCCESS handle=[0-9a-f]+ window=[0-9]+ major=0 minor=0 rounds=1 verf=ok' \
	    "$OUT" "$svc context"
done
ok "contexts for krb5, krb5i, krb5p; the window's MIC verifies"

gssprobe mnt "$E" --expect MNT3_OK
assert_match 'flavors=.*390003' "$OUT" "MNT lists krb5"
assert_match 'flavors=.*390004' "$OUT" "MNT lists krb5i"
assert_match 'flavors=.*390005' "$OUT" "MNT lists krb5p"
ROOT=$(sed -n 's/^mnt .* fh=\([0-9a-f]*\) .*/\1/p' <<<"$OUT")
[ -n "$ROOT" ] || fail "no root handle"
export ROOT

gssprobe --flavor sys nfs getattr "$ROOT" --expect AUTH_TOOWEAK
ok "AUTH_SYS on the krb5-only export: AUTH_TOOWEAK"
gssprobe --flavor none nfs getattr "$ROOT" --expect AUTH_TOOWEAK
ok "AUTH_NONE on the krb5-only export: AUTH_TOOWEAK"

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
# 24 calls in flight, sent in shuffled sequence order: all inside the
# window (Ganesha's is 32), all answered
burst 24 shuffled nfs getattr $ROOT expect=SUCCESS
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

# the sha256 of what was written is what was read back, under each service
p1=$(/usr/bin/python3 -c 'import hashlib, random; print(hashlib.sha256(random.Random(1).randbytes(1048576)).hexdigest())')
p2=$(/usr/bin/python3 -c 'import hashlib, random; print(hashlib.sha256(random.Random(2).randbytes(1048576)).hexdigest())')
assert_match "svc=privacy .*result=SUCCESS verf=ok unwrap=ok len=1048680" "$OUT" "1 MiB krb5p READ reply"
assert_match "^nfs3 WRITE status=NFS3_OK count=1048576 .*sent_sha256=$p1" "$OUT" "krb5p WRITE"
assert_match "^nfs3 READ status=NFS3_OK count=1048576 .*sha256=$p1" "$OUT" "krb5p READ"
assert_match "^nfs3 WRITE status=NFS3_OK count=1048576 .*sent_sha256=$p2" "$OUT" "krb5i WRITE"
assert_match "^nfs3 READ status=NFS3_OK count=1048576 .*sha256=$p2" "$OUT" "krb5i READ"
assert_eq "$(head -c 1048576 "$E/big" | sha256sum | cut -d' ' -f1)" "$p1" "the file's first MiB"
assert_eq "$(tail -c 1048576 "$E/big" | sha256sum | cut -d' ' -f1)" "$p2" "the file's second MiB"
ok "1 MiB WRITE and READ under krb5p and krb5i, intact on disk"

# alice's files are alice's: the server mapped alice@NFS.TEST to her uid
assert_match "^nfs3 CREATE status=NFS3_OK fh=[0-9a-f]+ mode=0644 uid=$ALICE_UID " "$OUT" "CREATE as alice"
assert_eq "$(stat -c %u "$E/big")" "$ALICE_UID" "owner of big on the server"
ok "alice@NFS.TEST is uid $ALICE_UID on the server"
echo "timings: main steps $((SECONDS - t0)) s"

# ---------------------------------------------------------------- bob at once
krb5_kinit bob
must krb5_as bob /usr/bin/python3 "$SRCDIR/tests/clients/gssprobe.py" \
    --service krb5i nfs create "$ROOT" bob.f --expect NFS3_OK
assert_match "uid=$BOB_UID " "$OUT" "CREATE as bob"
ok "bob@NFS.TEST is uid $BOB_UID"

# ---------------------------------------------------------------- UDP
gssprobe --udp nfs getattr "$ROOT" --expect NFS3_OK
cat >"$T/udp.gss" <<'EOF'
context A
nfs getattr $ROOT expect=NFS3_OK
replay expect=dropped
context B
nfs lookup $ROOT hello expect=NFS3_OK
use A
nfs getattr $ROOT expect=NFS3_OK
EOF
gssprobe --udp script "$T/udp.gss"
ok "UDP: krb5 calls, replay dropped, two contexts"

# ---------------------------------------------------------------- expiry
# A 4 s ticket: the context dies with it (plus the 1 s clockskew).
krb5_kinit alice 4s
cat >"$T/expiry.gss" <<'EOF'
context A
nfs getattr $ROOT expect=NFS3_OK
sleep 6
nfs getattr $ROOT expect=RPCSEC_GSS_CREDPROBLEM
service privacy
nfs getattr $ROOT expect=RPCSEC_GSS_CREDPROBLEM
EOF
gssprobe script "$T/expiry.gss"
ok "a context outliving its ticket: RPCSEC_GSS_CREDPROBLEM"
mustnot krb5_as alice /usr/bin/python3 "$SRCDIR/tests/clients/gssprobe.py" null
assert_match "^error: GSS initiator failed.*expired" "$OUT" "an expired ticket makes no context"
krb5_kinit alice
gssprobe --service krb5p nfs getattr "$ROOT" --expect NFS3_OK
ok "a new ticket, a new context: works again"

check_daemons
