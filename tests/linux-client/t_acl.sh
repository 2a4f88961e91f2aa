#!/bin/bash
# t_acl: POSIX ACLs through the Linux kernel client (vers=3, tcp), which
# finds rpc.nfsd's NFS_ACL (program 100227) on its own; one guest, users
# 1000 (the owner), 1001 and 1002, root_squash:
#  - setfacl -m u:1001:rw as the owner; getfacl in the guest and on the
#    server agree (and the guest does not fall back to mode bits: the
#    named entry is there);
#  - user 1001 writes the file through that entry, user 1002 cannot
#    (EACCES: the client's ACCESS check, answered with the ACL applied);
#  - a non-owner's setfacl is refused (EPERM), nothing changes;
#  - setfacl -d -m on a directory: new files and directories inherit the
#    default ACL (seen in the guest and on the server);
#  - cp -a of a tree with access and default ACLs keeps them (getfacl -R
#    of the copy is the original's, in the guest and on the server);
#  - setfacl -b takes an ACL away, on the server too.
# timeout: 300
. "$(dirname "$0")/lib.sh"

command -v setfacl >/dev/null || fail "setfacl not installed (package acl)"
lc_net_setup
X=$T/acl
mkdir -p "$X"
chmod 0777 "$X"
printf 'owned by 1000\n' >"$X/file"
chown 1000:1000 "$X/file"
chmod 0640 "$X/file"
start_lc_server "$X $NET_PREFIX.0/24(rw,root_squash)"
rpcinfo -p "$SERVER_ADDR" | grep -E "nfs_acl" ||
    fail "nfs_acl is not registered"

facl() { (cd "$X" && getfacl -n -E -p "$@"); }
# same NAME PATH...: the guest's getfacl output (/share/NAME) is the
# server's for the same paths under the export
same() {
	local name=$1
	shift
	diff -u "$T/guest1/$name" <(facl "$@") ||
	    { echo "guest's and server's getfacl differ"; return 1; }
}

cat >"$T/guest.sh" <<'GUEST'
. /share/guest-lib.sh
refused() {
	local want=$1
	shift
	mustnot "$@"
	assert_match "$want" "$OUT" "'$*' must fail with '$want'"
}
# gfacl NAME PATH...: getfacl as the server prints it, from /mnt/acl, into
# /share/NAME for the host to compare
gfacl() {
	local name=$1
	shift
	(cd /mnt/acl && getfacl -n -E -p "$@") >"/share/$name" ||
	    fail "getfacl $*"
	cat "/share/$name"
}

step "users 1000 (owner), 1001, 1002"
for u in 1000 1001 1002; do
	must useradd -M -u $u -U "u$u"
done

step "mount vers=3 (the client probes NFS_ACL)"
mkdir -p /mnt/acl
must mount -t nfs -o vers=3,proto=tcp,nolock "$SERVER_ADDR:$EXPORT" /mnt/acl
must getfacl -n -E /mnt/acl/file
assert_match "^user::rw-" "$OUT" "getfacl works on the mount"

step "setfacl -m u:1001:rw as the owner"
must as_uid 1000 setfacl -m u:1001:rw /mnt/acl/file
gfacl file.acl file
assert_match "^user:1001:rw-$" "$(cat /share/file.acl)" "the named entry"
assert_match "^mask::rw-$" "$(cat /share/file.acl)" "the mask"
host_check file-acl

step "user 1001 writes through the ACL, user 1002 cannot"
must as_uid 1001 sh -c 'echo "by 1001" >>/mnt/acl/file'
must as_uid 1001 cat /mnt/acl/file
assert_eq "$OUT" "owned by 1000
by 1001"
refused "Permission denied" as_uid 1002 sh -c 'echo "by 1002" >>/mnt/acl/file'
refused "Permission denied" as_uid 1002 cat /mnt/acl/file

step "a non-owner's setfacl is refused"
refused "Operation not permitted" as_uid 1001 setfacl -m u:1002:rw /mnt/acl/file
refused "Operation not permitted" setfacl -m u:1002:rw /mnt/acl/file
gfacl file2.acl file
assert_eq "$(cat /share/file2.acl)" "$(cat /share/file.acl)" "the ACL changed"

step "setfacl -d -m on a directory: new files inherit it"
must as_uid 1000 mkdir /mnt/acl/dir
must as_uid 1000 setfacl -d -m u:1001:rwx,g:1002:rx /mnt/acl/dir
must as_uid 1000 sh -c 'echo new >/mnt/acl/dir/new'
must as_uid 1000 mkdir /mnt/acl/dir/sub
gfacl dir.acl dir dir/new dir/sub
must getfacl -n -E /mnt/acl/dir/new
assert_match "^user:1001:rwx$" "$OUT" "the new file inherits user:1001"
assert_match "^group:1002:r-x$" "$OUT" "the new file inherits group:1002"
must getfacl -n -E /mnt/acl/dir/sub
assert_match "^default:user:1001:rwx$" "$OUT" "the new directory inherits the default"
host_check dir-acl
# the inherited entry works
must as_uid 1001 sh -c 'echo "by 1001" >>/mnt/acl/dir/new'

step "cp -a of a tree with ACLs keeps them"
must as_uid 1000 sh -c '
	set -e
	mkdir -p /mnt/acl/tree/sub/deeper
	echo a >/mnt/acl/tree/a
	echo b >/mnt/acl/tree/sub/b
	setfacl -m u:1001:r,g:1002:rw /mnt/acl/tree/a
	setfacl -m u:1002:rwx /mnt/acl/tree/sub
	setfacl -d -m u:1001:rwx /mnt/acl/tree/sub
	setfacl -m g:1001:r /mnt/acl/tree/sub/b
	setfacl -m u:1001:x,m::rx /mnt/acl/tree/sub/deeper
	cp -a /mnt/acl/tree /mnt/acl/copy'
(cd /mnt/acl/tree && getfacl -n -E $TREE) >/share/tree.facl
(cd /mnt/acl/copy && getfacl -n -E $TREE) >/share/copy.facl
diff -u /share/tree.facl /share/copy.facl || fail "cp -a lost ACLs"
cat /share/copy.facl
assert_match "^group:1002:rw-$" "$(cat /share/copy.facl)" "a's entry copied"
assert_match "^default:user:1001:rwx$" "$(cat /share/copy.facl)" "sub's default copied"
gfacl copy.acl $(for f in $TREE; do echo "copy/$f"; done)
host_check copy-acl

step "setfacl -b removes the ACL"
must as_uid 1000 setfacl -b /mnt/acl/file
gfacl plain.acl file
assert_eq "$(grep -c '^user:' /share/plain.acl)" 1 "named entries left"
host_check plain-acl
refused "Permission denied" as_uid 1001 sh -c 'echo x >>/mnt/acl/file'

step "umount"
must umount /mnt/acl
ok "ACLs through the kernel client agree with the server"
GUEST

# the tree cp -a copies, in a fixed order (getfacl -R lists a directory in
# its readdir order)
TREE=". a sub sub/b sub/deeper"
guest_start 1 "$T/guest.sh" -t 240 -e "EXPORT=$X" -e "TREE=$TREE"
host_answer 1 file-acl same file.acl file
host_answer 1 dir-acl same dir.acl dir dir/new dir/sub
# shellcheck disable=SC2086  # TREE is a list
host_answer 1 copy-acl eval 'same copy.acl $(for f in $TREE; do echo "copy/$f"; done) &&
    diff -u <(cd "$X/tree" && getfacl -n -E $TREE 2>/dev/null) \
    <(cd "$X/copy" && getfacl -n -E $TREE 2>/dev/null)'
host_answer 1 plain-acl same plain.acl file
guest_wait 1

# ---- the server's side
assert_eq "$(cat "$X/file")" "owned by 1000
by 1001" "the file on the server"
must stat -c '%u:%g' "$X/dir/new" "$X/copy/a" "$X/copy/sub/b"
assert_eq "$OUT" "1000:1000
1000:1000
1000:1000" "owners on the server"
assert_match "^user:1001:r--$" "$(getfacl -n -E "$X/copy/a" 2>/dev/null)" \
    "copy/a's ACL on the server"
must grep -c . "$T/nfsd.log"
ok "the server's files carry what the guest set"
lc_timings
