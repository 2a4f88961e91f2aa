#!/bin/bash
# t_authdh: AUTH_DH (RFC 2695 section 2, flavour 3) in rpc.nfsd and
# rpc.mountd, driven by tests/clients/dhcall (a client of its own, written
# from the RFC: its own key pairs, Diffie-Hellman, DES and XDR).
#  - [global] auth-dh off (the default): MNT offers no flavour 3; every
#    well-formed AUTH_DH call, fullname or nickname, gets AUTH_TOOWEAK and
#    the netname it claims is logged (unverified, escaped) at notice;
#    malformed ones still get AUTH_BADCRED / AUTH_BADVERF (the strict
#    decoding is always on);
#  - auth-dh = yes with /etc/publickey-format keys and the server's key
#    file: MNT offers 3 in the export's order; a fullname NULL answered
#    with the RFC's verifier (E(timestamp - 1)) and a nickname; CREATE with
#    the nickname makes a file owned by the netname's user (unix.2001 ->
#    alice, on disk too), in a directory only alice's supplementary group
#    may write; then the RFC's errors: a replayed nickname timestamp
#    AUTH_REJECTEDVERF, a replayed fullname AUTH_REJECTEDCRED, a timestamp
#    outside the window (past, future) AUTH_REJECTEDVERF, a wrong key and
#    an unknown netname AUTH_BADCRED, a forged nickname AUTH_REJECTEDCRED,
#    a truncated credential, a 256-byte netname and an unknown name kind
#    AUTH_BADCRED, a short verifier AUTH_BADVERF; the nickname still works
#    after all of them;
#  - root's netname squashed to 65534 (root_squash), a netname with no
#    passwd entry anonymous; a sys-only export refuses DH callers
#    (NFS3ERR_ACCES);
#  - 1100 sessions, more than the 1024 nicknames kept, all served;
#  - rpc.mountd verifies AUTH_DH calls too (fullname, nickname); rpcbind,
#    which never does, answers AUTH_TOOWEAK;
#  - a secret key file others may read, a secret key past the modulus, a
#    netname twice in the public keys: the daemons refuse to start.
# timeout: 60
. "$(dirname "$0")/lib.sh"
need_rpcbind
DHCALL=$BUILD/tests/clients/dhcall
MNTPROBE=$BUILD/tests/clients/mntprobe
[ -x "$DHCALL" ] || fail "$DHCALL not built"
[ -x "$MNTPROBE" ] || fail "$MNTPROBE not built"
. "$(dirname "$0")/nfs-lib.sh"

ALICE=2001 DHGRP=3001 GHOST=4999 DOM=dh.test
{
	grep -Ev '^(alice):' /etc/passwd
	echo "alice:x:$ALICE:$ALICE::/nonexistent:/usr/sbin/nologin"
} >"$T/passwd"
{
	grep -Ev '^(alice|dhgrp):' /etc/group
	echo "alice:x:$ALICE:"
	echo "dhgrp:x:$DHGRP:alice"
} >"$T/group"
mount --bind "$T/passwd" /etc/passwd || fail "bind mount passwd"
mount --bind "$T/group" /etc/group || fail "bind mount group"
getent passwd $GHOST >/dev/null && fail "uid $GHOST exists here"

mkdir -p "$E/d/grp" "$E/s"
chmod 0777 "$E/d" "$E/s"
chgrp $DHGRP "$E/d/grp"
chmod 0770 "$E/d/grp"

# key pairs: the server's, alice's, root's, a user with no passwd entry
SRV=unix.dhserver@$DOM
read -r SPUB SSEC < <("$DHCALL" genkey) || fail "genkey"
read -r APUB ASEC < <("$DHCALL" genkey) || fail "genkey"
read -r RPUB RSEC < <("$DHCALL" genkey) || fail "genkey"
read -r GPUB GSEC < <("$DHCALL" genkey) || fail "genkey"
[ ${#SPUB} = 48 ] && [ ${#SSEC} = 48 ] || fail "genkey: '$SPUB' '$SSEC'"
cat >"$T/publickey" <<EOF
# netname  hexpublic:hexsecret (encrypted with the owner's password)
$SRV	$SPUB:0000
unix.$ALICE@$DOM	$APUB:0000
unix.0@$DOM	$RPUB:0000
unix.$GHOST@$DOM	$GPUB:0000
EOF
echo "$SRV $SSEC" >"$T/dh.key"
chmod 600 "$T/dh.key"

cat >"$T/exports" <<EOF
$E/d	127.0.0.1(sec=dh:sys,rw,insecure)
$E/s	127.0.0.1(rw,insecure)
EOF

# dhcall [-1] NETNAME SECRET FH NAME: as NETNAME; output in $OUT
dhcall() {
	local o=()
	[ "$1" = -1 ] && { o=(-1); shift; }
	must "$DHCALL" "${o[@]}" -w 60 127.0.0.1 "$SRV" "$SPUB" "$@"
}
mnt_fh() {
	"$MNTPROBE" 127.0.0.1 mnt "$1" |
	    sed -n 's/^mnt .*: OK fh=\([0-9a-f]*\).*/\1/p'
}
# expect NAME LINE-ERE: the line of check NAME in $OUT
expect() {
	assert_match "^$1: $2\$" "$OUT" "$1"
}

# ---------------------------------------------------------------- off
# every refusal logged (not 5 per 5 s), so that the last ones show too
sed -i 's/^\[global\]$/[global]\nlog-burst = 0/' "$T/nfs.conf"
start_rpcbind
start_nfs
must "$MNTPROBE" 127.0.0.1 mnt "$E/d"
assert_match 'flavors=1$' "$OUT" "MNT offers no AUTH_DH while it is off"
ROOT=$(sed -n 's/^mnt .*: OK fh=\([0-9a-f]*\).*/\1/p' <<<"$OUT")
[ -n "$ROOT" ] || fail "no root handle"

dhcall "unix.$ALICE@$DOM" "$ASEC" "$ROOT" off.txt
for c in fullname create nickname replay-nickname replay-fullname stale \
    future wrong-key unknown-netname ctrl-netname forged-nickname \
    nickname-again; do
	expect "$c" 'autherr 5'
done
expect truncated 'autherr 1'
expect long-netname 'autherr 1'
expect bad-kind 'autherr 1'
expect short-verf 'autherr 3'
[ ! -e "$E/d/off.txt" ] || fail "a refused CREATE made the file"
grep -q "AUTH_DH call refused (AUTH_DH is off): netname unix.$ALICE@$DOM (unverified)" \
    "$T/nfsd.log" || fail "the refused netname is not logged"
grep -q 'netname unix.4243@x\\012forged: line (unverified)' "$T/nfsd.log" ||
    fail "a newline in a netname is not escaped in the log"
ok "auth-dh off: AUTH_TOOWEAK for every well-formed call, netname logged"

stop_daemon nfsd
stop_daemon mountd

# ---------------------------------------------------------------- on
# nfs-lib.sh's config with AUTH_DH on
{
	echo "[global]"
	echo "state-dir = /var/lib/nfs-suite"
	echo "auth-dh = yes"
	echo "dh-publickey = $T/publickey"
	echo "dh-secretkey = $T/dh.key"
	echo "[nfsd]"
	echo "udp = yes"
	echo "vers2 = yes"
} >"$T/nfs.conf"
start_nfs
grep -q "AUTH_DH on as $SRV with 4 public keys" "$T/nfsd.log" ||
    fail "rpc.nfsd did not take the keys"
must "$MNTPROBE" 127.0.0.1 mnt "$E/d"
assert_match 'flavors=3,1$' "$OUT" "MNT offers AUTH_DH first, as exported"
ROOT=$(sed -n 's/^mnt .*: OK fh=\([0-9a-f]*\).*/\1/p' <<<"$OUT")

dhcall "unix.$ALICE@$DOM" "$ASEC" "$ROOT" alice.txt
expect fullname 'ok verf=ok nickname=0x[0-9a-f]+'
expect create "ok verf=ok nickname=0x[0-9a-f]+ status=0 uid=$ALICE gid=$ALICE"
expect nickname 'ok verf=ok nickname=0x[0-9a-f]+ status=0'
expect replay-nickname 'autherr 4'
expect replay-fullname 'autherr 2'
expect stale 'autherr 4'
expect future 'autherr 4'
expect wrong-key 'autherr 1'
expect unknown-netname 'autherr 1'
expect ctrl-netname 'autherr 1'
expect forged-nickname 'autherr 2'
expect truncated 'autherr 1'
expect long-netname 'autherr 1'
expect short-verf 'autherr 3'
expect bad-kind 'autherr 1'
expect nickname-again 'ok verf=ok nickname=0x[0-9a-f]+ status=0'
assert_eq "$(stat -c %u:%g "$E/d/alice.txt")" "$ALICE:$ALICE" "owner on disk"
ok "a verified call is served as alice; replays, stale, future, wrong key, forged nickname, truncated refused"

# alice's supplementary group, from the group database
GRP=$(mnt_fh "$E/d/grp")
[ -n "$GRP" ] || fail "no handle for $E/d/grp"
dhcall -1 "unix.$ALICE@$DOM" "$ASEC" "$GRP" ingroup.txt
expect create "ok verf=ok nickname=0x[0-9a-f]+ status=0 uid=$ALICE gid=$ALICE"
assert_eq "$(stat -c %u "$E/d/grp/ingroup.txt")" "$ALICE" "owner in the group directory"
ok "alice's groups come from the group database"

# root is squashed as for AUTH_SYS; a user with no passwd entry is anonymous
dhcall -1 "unix.0@$DOM" "$RSEC" "$ROOT" root.txt
expect create 'ok verf=ok nickname=0x[0-9a-f]+ status=0 uid=65534 gid=65534'
dhcall -1 "unix.$GHOST@$DOM" "$GSEC" "$ROOT" ghost.txt
expect create 'ok verf=ok nickname=0x[0-9a-f]+ status=0 uid=65534 gid=65534'
ok "root_squash applies to unix.0; an unknown uid is anonymous"

# more sessions than the 1024 nicknames kept: the oldest make room
must "$DHCALL" -1 -n 1100 -w 60 127.0.0.1 "$SRV" "$SPUB" "unix.$ALICE@$DOM" \
    "$ASEC" "$ROOT" many.txt
assert_eq "$(grep -c "^create: ok verf=ok nickname=0x[0-9a-f]* status=0 uid=$ALICE " <<<"$OUT")" \
    1100 "sessions served"
assert_match '^create: ok verf=ok nickname=0x2[0-9a-f]{4} ' "$OUT" \
    "evicted slots reused, a new generation in the nickname"
ok "1100 sessions on a table of 1024 nicknames"

# rpc.mountd verifies AUTH_DH too (its sandbox lets the passwd lookup by)
dhcall -M "unix.$ALICE@$DOM" "$ASEC" "$ROOT" x
expect fullname 'ok verf=ok nickname=0x[0-9a-f]+'
expect nickname-null 'ok verf=ok nickname=0x[0-9a-f]+'
check_daemons
ok "rpc.mountd: an AUTH_DH fullname and nickname NULL verified"
# a daemon that does not verify AUTH_DH (rpcbind: the call is for MOUNT,
# but the credential is looked at first) refuses it, auth-dh or not
dhcall -M -p 111 "unix.$ALICE@$DOM" "$ASEC" "$ROOT" x
expect fullname 'autherr 5'
expect nickname-null 'autherr 5'
ok "rpcbind (no AUTH_DH verifier): AUTH_TOOWEAK"

# an export without sec=dh does not admit AUTH_DH callers
S=$(mnt_fh "$E/s")
[ -n "$S" ] || fail "no handle for $E/s"
dhcall -1 "unix.$ALICE@$DOM" "$ASEC" "$S" nope.txt
expect create 'ok verf=ok nickname=0x[0-9a-f]+ status=13'
[ ! -e "$E/s/nope.txt" ] || fail "a sys-only export took an AUTH_DH CREATE"
ok "a sys-only export refuses AUTH_DH callers (NFS3ERR_ACCES)"
check_daemons

# ---------------------------------------------------------------- key file
stop_daemon nfsd
chmod 644 "$T/dh.key"
mustnot "$BUILD/nfsd/rpc.nfsd" -F -f "$T/nfs.conf" -e "$T/exports" \
    -E "$T/exports.d" -p 12049
assert_match 'auth-dh: .*dh.key: group or others may read it' "$OUT" \
    "the reason"
ok "a secret key file others may read is refused"

# a secret key past the modulus, a netname given twice in the public keys
echo "$SRV ffffffffffffffffffffffffffffffffffffffffffffffff" >"$T/dh.key"
chmod 600 "$T/dh.key"
mustnot "$BUILD/nfsd/rpc.nfsd" -F -f "$T/nfs.conf" -e "$T/exports" \
    -E "$T/exports.d" -p 12049
assert_match 'auth-dh: .*dh.key: the secret key is zero or not below the modulus' \
    "$OUT" "the reason"
echo "$SRV $SSEC" >"$T/dh.key"
echo "unix.0@$DOM	$APUB:0000" >>"$T/publickey"
mustnot "$BUILD/nfsd/rpc.nfsd" -F -f "$T/nfs.conf" -e "$T/exports" \
    -E "$T/exports.d" -p 12049
assert_match 'auth-dh: .*publickey: netname unix.0@dh.test is given twice' \
    "$OUT" "the reason"
ok "a secret key past the modulus and a netname given twice stop the start"
