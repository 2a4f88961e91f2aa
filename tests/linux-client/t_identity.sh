#!/bin/bash
# t_identity: who the server takes the guest's users for, through the Linux
# kernel client (vers=3, tcp, AUTH_SYS):
#  - root_squash: the guest's root creates files owned by 65534 (nobody),
#    cannot read another user's 0600 file nor chown (EACCES/EPERM);
#  - an ordinary guest user (useradd, uid 1000, matching an owner on the
#    server) reads and writes its own files, creates files owned by 1000,
#    and cannot write other users' files or directories (EACCES);
#  - all_squash,anonuid=1234,anongid=1234: root and uid 1000 both create
#    files owned by 1234:1234;
#  - a ro export: creating, removing, renaming, chmod, utimes give EROFS
#    (opening an existing file for writing: EACCES from the client's own
#    ACCESS check, as against knfsd);
#  - an export to 198.51.100.99 only: the guest (198.51.100.11) cannot mount
#    it (access denied), although showmount -e lists it.
# Every mount uses nolock: these servers run no lock manager (t_lock_* do).
# timeout: 180
. "$(dirname "$0")/lib.sh"

lc_net_setup
S=$T/squash A=$T/all R=$T/ro D=$T/denied
mkdir -p "$S/u1000" "$S/u2000" "$A" "$R" "$D"
chmod 1777 "$S"				# squashed root may create here
echo "secret of 2000" >"$S/secret"
chown 2000:2000 "$S/secret" "$S/u2000"
chmod 0600 "$S/secret"
echo "readable, not writable" >"$S/others"
chown 2000:2000 "$S/others"
chmod 0644 "$S/others"
echo "mine" >"$S/u1000/mine"
chown -R 1000:1000 "$S/u1000"
chown 1234:1234 "$A"
echo "read-only data" >"$R/data"
start_lc_server \
    "$S $NET_PREFIX.0/24(rw,root_squash)" \
    "$A $NET_PREFIX.0/24(rw,all_squash,anonuid=1234,anongid=1234)" \
    "$R $NET_PREFIX.0/24(ro,no_root_squash)" \
    "$D $NET_PREFIX.99(rw,no_root_squash)"

cat >"$T/guest.sh" <<'GUEST'
. /share/guest-lib.sh
# as_user CMD...: run CMD as uid/gid 1000 with no supplementary groups.
as_user() { setpriv --reuid=1000 --regid=1000 --clear-groups -- "$@"; }
# refused ERRTEXT CMD...: CMD must fail with ERRTEXT (strerror) in its output.
refused() {
	local want=$1
	shift
	mustnot "$@"
	assert_match "$want" "$OUT" "'$*' must fail with '$want'"
}
mnt() {
	mkdir -p "$2"
	must mount -t nfs -o vers=3,proto=tcp,nolock "$SERVER_ADDR:$1" "$2"
}

step "showmount -e lists all four exports"
must showmount -e "$SERVER_ADDR"
for e in "$SQ" "$ALL" "$RO"; do
	assert_match "^$e +$NET_PREFIX\.0/24\$" "$OUT" "export $e"
done
assert_match "^$DENIED +$NET_PREFIX\.99\$" "$OUT" "export $DENIED"

step "a user with uid 1000 in the guest"
must useradd -M -u 1000 -U -s /bin/sh user1000
must as_user id
assert_match '^uid=1000\(user1000\) gid=1000\(user1000\) groups=1000' "$OUT"

step "root_squash: root creates as nobody"
mnt "$SQ" /mnt/sq
echo "made by root" >/mnt/sq/root-made || fail "root cannot create"
must stat -c '%u:%g' /mnt/sq/root-made
assert_eq "$OUT" "65534:65534" "owner of root's new file"
must mkdir /mnt/sq/root-dir
must stat -c '%u:%g' /mnt/sq/root-dir
assert_eq "$OUT" "65534:65534" "owner of root's new directory"

step "root_squash: root cannot read another user's 0600 file"
must stat -c '%a %u' /mnt/sq/secret
assert_eq "$OUT" "600 2000"
refused "Permission denied" cat /mnt/sq/secret
refused "Permission denied" sh -c 'echo x >>/mnt/sq/others'
refused "Operation not permitted" chown 0:0 /mnt/sq/root-made
refused "Permission denied" touch /mnt/sq/u1000/by-root

step "uid 1000 reads and writes its own files"
must as_user cat /mnt/sq/u1000/mine
assert_eq "$OUT" "mine"
must as_user sh -c 'echo "more" >>/mnt/sq/u1000/mine'
must as_user sh -c 'echo "new by 1000" >/mnt/sq/u1000/new'
must as_user mkdir /mnt/sq/u1000/subdir
must as_user chmod 0600 /mnt/sq/u1000/new
must stat -c '%u:%g %a' /mnt/sq/u1000/new /mnt/sq/u1000/subdir
assert_eq "$OUT" "1000:1000 600
1000:1000 755"
must as_user cat /mnt/sq/u1000/mine /mnt/sq/u1000/new
assert_eq "$OUT" "mine
more
new by 1000"
must as_user rm /mnt/sq/u1000/subdir -r

step "uid 1000 cannot write other users' files"
must as_user cat /mnt/sq/others
refused "Permission denied" as_user sh -c 'echo x >>/mnt/sq/others'
refused "Permission denied" as_user cat /mnt/sq/secret
refused "Permission denied" as_user touch /mnt/sq/u2000/by-1000
refused "Operation not permitted" as_user chmod 0666 /mnt/sq/others
# The sticky bit of the export's root: no removing another user's file.
refused "Operation not permitted" as_user rm -f /mnt/sq/others

step "all_squash,anonuid=1234,anongid=1234"
mnt "$ALL" /mnt/all
must as_user sh -c 'echo "by 1000" >/mnt/all/from-1000'
echo "by root" >/mnt/all/from-root || fail "root cannot create on all_squash"
must as_user mkdir /mnt/all/dir-1000
must stat -c '%n %u:%g' /mnt/all/from-1000 /mnt/all/from-root /mnt/all/dir-1000
assert_eq "$OUT" "/mnt/all/from-1000 1234:1234
/mnt/all/from-root 1234:1234
/mnt/all/dir-1000 1234:1234"
# Everyone is 1234: uid 1000 may change what root made.
must as_user sh -c 'echo "appended by 1000" >>/mnt/all/from-root'

step "ro export: EROFS"
mnt "$RO" /mnt/ro
must cat /mnt/ro/data
assert_eq "$OUT" "read-only data"
# Opening an existing file for writing fails in the client with EACCES,
# not EROFS: the client asks ACCESS first, the server (like knfsd) grants
# only READ (and LOOKUP/EXECUTE) on a read-only export, and the client
# refuses open(2) itself, sending no WRITE. Operations the client leaves
# to the server (CREATE, MKDIR, REMOVE, RENAME, SYMLINK, SETATTR) get
# NFS3ERR_ROFS: EROFS.
refused "Permission denied" sh -c 'echo x >>/mnt/ro/data'
refused "Read-only file system" sh -c 'echo x >/mnt/ro/new'
refused "Read-only file system" mkdir /mnt/ro/dir
refused "Read-only file system" chmod 0600 /mnt/ro/data
# (touch(1) would open the file for writing first: EACCES as above)
refused "Read-only file system" /usr/bin/python3 -c \
    'import os; os.utime("/mnt/ro/data", (0, 0))'
refused "Read-only file system" rm /mnt/ro/data
refused "Read-only file system" mv /mnt/ro/data /mnt/ro/moved
refused "Read-only file system" ln -s data /mnt/ro/link
must cat /mnt/ro/data
assert_eq "$OUT" "read-only data"

step "an export to 198.51.100.99 only: no mount from $GUEST_ADDR"
mkdir -p /mnt/denied
refused "access denied by server" \
    mount -t nfs -o vers=3,proto=tcp,nolock,retry=0 "$SERVER_ADDR:$DENIED" /mnt/denied
grep -q " /mnt/denied " /proc/mounts && fail "mounted anyway"

step "umount"
for m in sq all ro; do
	must umount /mnt/$m
done
ok "identity battery passed in the guest"
GUEST

guest_run 1 "$T/guest.sh" -t 150 -e "SQ=$S" -e "ALL=$A" -e "RO=$R" \
    -e "DENIED=$D" -e "NET_PREFIX=$NET_PREFIX"

# ---- the server's side
must stat -c '%n %u:%g' "$S/root-made" "$S/root-dir" "$S/u1000/new" \
    "$A/from-1000" "$A/from-root" "$A/dir-1000"
assert_eq "$OUT" "$S/root-made 65534:65534
$S/root-dir 65534:65534
$S/u1000/new 1000:1000
$A/from-1000 1234:1234
$A/from-root 1234:1234
$A/dir-1000 1234:1234" "owners on the server"
assert_eq "$(cat "$S/u1000/mine")" "mine
more" "uid 1000's append on the server"
assert_eq "$(cat "$S/others")" "readable, not writable" "others untouched"
assert_eq "$(stat -c '%a' "$S/others")" 644 "others' mode untouched"
assert_eq "$(ls "$S/u2000")" "" "nothing created in u2000"
assert_eq "$(ls "$R")" "data" "nothing created in the ro export"
assert_eq "$(cat "$A/from-root")" "by root
appended by 1000" "all_squash append on the server"
assert_eq "$(ls -A "$D")" "" "nothing in the denied export"
grep -E "denied|refused|not exported" "$T/mountd.log" || true
ok "the server's file system agrees"
lc_timings
