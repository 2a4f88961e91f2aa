#!/bin/bash
# t_nfsacl: NFS_ACL (program 100227) on rpc.nfsd, driven by aclcall
# (libtirpc), against getfacl/setfacl on the server's ext4:
#  - registered: rpcinfo -p lists nfs_acl 2 and 3 on tcp and udp, on
#    NFS's port, the versions of NFS served; [nfsd] acl = no takes it
#    away;
#  - GETACL of a file with a named user, and of a directory with a default
#    ACL, matches getfacl on the server (v3 and v2, TCP and UDP); on the
#    wire: Solaris' form (owner and group ids, a minimal ACL's mask, the
#    default flag), the counts NFS_ACLCNT / NFS_DFACLCNT ask for, a
#    symlink's (no ACLs) mode-derived ACL;
#  - SETACL by the owner of a named-group entry (sent unsorted) shows in
#    getfacl on the server and in the mode; a default ACL on a directory,
#    and its removal; by a non-owner and by squashed root: PERM, nothing
#    changes;
#  - malformed ACLs (unknown type, bits beyond rwx, no owner entry, a user
#    twice, named entries without a mask, a count that is not the list's,
#    a default ACL on a file): INVAL (ACCES for the last), nothing
#    changes, not even the half that was valid; 1025 entries: the call
#    does not decode (GARBAGE_ARGS);
#  - ro exports: ROFS; no_acl exports: the mode's ACL, SETACL NOTSUPP;
#    a handle from a client the export does not list: ACCES; a handle
#    that is not ours: BADHANDLE;
#  - v2 GETATTR and ACCESS (granted through a named-user entry);
#  - a SETACL whose default ACL does not fit (a full ext4 image) leaves
#    the access ACL and the mode as they were;
#  - nfs-suite-stat counts the calls (Server nfs_acl v2/v3).
# timeout: 180
. "$(dirname "$0")/lib.sh"
need_rpcbind
A=$BUILD/tests/clients/aclcall
STAT=$BUILD/nfsd/nfs-suite-stat
for p in "$A" "$STAT" "$BUILD/nfsd/rpc.nfsd"; do
	[ -x "$p" ] || fail "$p not built"
done
command -v setfacl >/dev/null || fail "setfacl not installed (package acl)"
PROBE=$A
. "$(dirname "$0")/nfs-lib.sh"

S=127.0.0.1
facl() { getfacl -c -n -E "$@" 2>/dev/null; }
# acl ARGS...: aclcall, its output in $OUT (must succeed: an answer)
acl() { must "$A" "$@"; }
# status WANT ARGS...: aclcall's first line must start with status=WANT
status() {
	local want=$1
	shift
	acl "$@"
	assert_match "^status=$want( |\$)" "$(head -n 1 <<<"$OUT")" \
	    "aclcall $*"
}

mkdir -p "$E/rw/d" "$E/rw/e" "$E/ro" "$E/noacl" "$T/exports.d"
echo data >"$E/rw/f"
echo plain >"$E/rw/plain"
ln -s f "$E/rw/link"
chown -R 1000:1000 "$E/rw"
chmod 0640 "$E/rw/f"
chmod 0644 "$E/rw/plain"
setfacl -m u:1001:rw "$E/rw/f"
setfacl -d -m u:1001:rwx,g:2002:rx "$E/rw/d"
for x in ro noacl; do
	echo data >"$E/$x/f"
	chown 1000:1000 "$E/$x/f"
	setfacl -m u:1001:rw "$E/$x/f"
done
mkdir -p "$E/noacl/d"
setfacl -d -m u:1001:rwx "$E/noacl/d"
cat >"$T/exports" <<EOF2
$E/rw	$S(rw)
$E/ro	$S(ro)
$E/noacl	$S(rw,no_acl)
EOF2
peer_setup
start_rpcbind
start_daemon mountd "$BUILD/mountd/rpc.mountd" -F -f "$T/nfs.conf" \
    -e "$T/exports" -E "$T/exports.d"
must_exit_0 mountd
start_nfsd -D vfs	# (the undoing of a failed SETACL is logged there)
wait_rpc 100005 3
wait_rpc 100227 3 tcp
wait_rpc 100227 2 udp

# ------------------------------------------------------------ registration
must rpcinfo -p
for v in 2 3; do
	for p in tcp udp; do
		assert_match "^ *100227 +$v +$p +2049 +nfs_acl\$" "$OUT" \
		    "nfs_acl $v $p on 2049"
	done
done
ok "rpcinfo -p: nfs_acl 2 and 3 over tcp and udp on 2049"
status OK $S "$E/rw" . null
status OK -2 -U $S "$E/rw" . null

# ------------------------------------------------------------ GETACL
for t in "" "-U" "-2" "-2 -U"; do
	# shellcheck disable=SC2086
	acl $t $S "$E/rw" f getfacl
	assert_eq "$OUT" "$(facl "$E/rw/f")" "GETACL $t of f is getfacl's"
	# shellcheck disable=SC2086
	acl $t $S "$E/rw" d getfacl
	assert_eq "$OUT" "$(facl "$E/rw/d")" "GETACL $t of d is getfacl's"
done
assert_match "^default:user:1001:rwx$" "$OUT" "d's default ACL"
ok "GETACL v3 and v2, TCP and UDP: the ACLs getfacl shows"

acl $S "$E/rw" f get
assert_eq "$OUT" "status=OK mask=0xf aclcnt=5 entries=5 dfaclcnt=0 dfentries=0
raw 0x1 1000 6
raw 0x2 1001 6
raw 0x4 1000 4
raw 0x10 0 6
raw 0x20 0 0" "f on the wire"
# a minimal ACL: four entries, the mask the group's; the default ACL with
# NFS_ACL_DEFAULT in each type
acl $S "$E/rw" d get
assert_eq "$OUT" "status=OK mask=0xf aclcnt=4 entries=4 dfaclcnt=6 dfentries=6
raw 0x1 1000 7
raw 0x4 1000 5
raw 0x10 0 5
raw 0x20 0 5
raw 0x1001 1000 7
raw 0x1002 1001 7
raw 0x1004 1000 5
raw 0x1008 2002 5
raw 0x1010 0 7
raw 0x1020 0 5" "d on the wire"
acl $S "$E/rw" plain getfacl
assert_eq "$OUT" "$(facl "$E/rw/plain")" "plain: the mode's ACL"
# counts only, one list only, nothing
acl $S "$E/rw" d get 0xa
assert_eq "$OUT" "status=OK mask=0xa aclcnt=4 entries=0 dfaclcnt=6 dfentries=0"
acl $S "$E/rw" d get 0x4
assert_eq "$(head -n 1 <<<"$OUT")" "status=OK mask=0x4 aclcnt=0 entries=0 dfaclcnt=6 dfentries=6"
acl $S "$E/rw" d get 0
assert_eq "$OUT" "status=OK mask=0x0 aclcnt=0 entries=0 dfaclcnt=0 dfentries=0"
status INVAL $S "$E/rw" d get 0x10
# a file has no default ACL; a symlink no ACL: its mode's
acl $S "$E/rw" f get 0xc
assert_eq "$OUT" "status=OK mask=0xc aclcnt=0 entries=0 dfaclcnt=0 dfentries=0"
acl $S "$E/rw" link get
assert_eq "$OUT" "status=OK mask=0xf aclcnt=4 entries=4 dfaclcnt=0 dfentries=0
raw 0x1 1000 7
raw 0x4 1000 7
raw 0x10 0 7
raw 0x20 0 7" "a symlink's ACL"
status NOTSUPP -u 1000 -g 1000 $S "$E/rw" link set 'u::rwx,g::rwx,o::r'
ok "GETACL: Solaris' form, the counts asked for, the mode's ACL"

# ------------------------------------------------------------ SETACL
before=$(facl "$E/rw/f")
status PERM -u 1001 -g 1001 $S "$E/rw" f set 'u::rwx,g::rwx,o::rwx'
status PERM $S "$E/rw" f set 'u::rwx,g::rwx,o::rwx'	# squashed root
assert_eq "$(facl "$E/rw/f")" "$before" "a refused SETACL changed f"
# unsorted, as Solaris may send it; the server sorts
status OK -u 1000 -g 1000 $S "$E/rw" f set 'g:2002:rw,o::-,u::rw,m::rw,g::r,u:1001:r'
assert_eq "$(facl "$E/rw/f")" "user::rw-
user:1001:r--
group::r--
group:2002:rw-
mask::rw-
other::---" "SETACL of a named group"
assert_eq "$(stat -c %a "$E/rw/f")" 660 "the mask is the mode's group bits"
acl $S "$E/rw" f getfacl
assert_eq "$OUT" "$(facl "$E/rw/f")" "GETACL after SETACL"
ok "SETACL by the owner: in getfacl on the server; non-owner and root: PERM"

# a default ACL, then none; the access ACL sent along is set too
status OK -u 1000 -g 1000 $S "$E/rw" e set 'u::rwx,g::r-x,o::r-x' \
    'u::rwx,u:1002:rw,g::r-x,m::rwx,o::---'
assert_eq "$(facl "$E/rw/e")" "user::rwx
group::r-x
other::r-x
default:user::rwx
default:user:1002:rw-
default:group::r-x
default:mask::rwx
default:other::---" "SETACL of a default ACL"
touch "$E/rw/e/new"
assert_match "^user:1002:rw-" "$(facl "$E/rw/e/new")" "a new file inherits it"
status OK -u 1000 -g 1000 $S "$E/rw" e set 'u::rwx,g::r-x,o::r-x' -
assert_eq "$(facl "$E/rw/e")" "user::rwx
group::r-x
other::r-x" "SETACL of an empty default ACL removes it"
# the empty access ACL removes the access ACL (the mode stays)
setfacl -m u:1003:r "$E/rw/plain"
status OK -u 1000 -g 1000 $S "$E/rw" plain set -
assert_eq "$(facl "$E/rw/plain")" "user::rw-
group::r--
other::r--" "SETACL of an empty access ACL removes it"
ok "SETACL: default ACLs set, inherited, removed"

# malformed: refused whole, nothing written (e's access half is valid)
before=$(facl "$E/rw/f")
bd=$(facl "$E/rw/e")
for spec in 'u::rw,g::r,0x40::r,o::r' 'u::rw,g::r,o::8' 'g::r,o::r' \
    'u::rw,u:7:r,u:7:rw,g::r,m::rw,o::-' 'u::rw,u:7:r,g::r,o::-' \
    'u::rw,g::r,m::r,m::rw,o::-' 'u::rw,g::r,o::r,o::r'; do
	status INVAL -u 1000 -g 1000 $S "$E/rw" f set "$spec"
	status INVAL -u 1000 -g 1000 $S "$E/rw" e set 'u::rw,g::r,o::-' "$spec"
done
status INVAL -c 7 -u 1000 -g 1000 $S "$E/rw" f set 'u::rw,g::r,o::r'
status INVAL -d 1 -u 1000 -g 1000 $S "$E/rw" e set 'u::rw,g::r,o::r' \
    'u::rw,g::r,o::r'
status ACCES -u 1000 -g 1000 $S "$E/rw" f set 'u::rw,g::r,o::r' \
    'u::rw,g::r,o::r'
mustnot "$A" -x 1025 -u 1000 -g 1000 $S "$E/rw" f set 'u::rw,g::r,m::rw,o::r'
assert_match "can't decode arguments" "$OUT" "1025 entries: GARBAGE_ARGS"
assert_eq "$(facl "$E/rw/f")" "$before" "a malformed SETACL changed f"
assert_eq "$(facl "$E/rw/e")" "$bd" "a malformed SETACL changed e"
assert_eq "$(stat -c %a "$E/rw/e")" 755 "a malformed SETACL changed e's mode"
ok "malformed ACLs: INVAL (or ACCES, or GARBAGE_ARGS), nothing applied"

# ------------------------------------------------------------ exports
before=$(facl "$E/ro/f")
acl $S "$E/ro" f getfacl
assert_eq "$OUT" "$before" "GETACL on a ro export"
status ROFS -u 1000 -g 1000 $S "$E/ro" f set 'u::rw,g::r,o::r'
status ROFS -2 -u 1000 -g 1000 $S "$E/ro" f set 'u::rw,g::r,o::r'
assert_eq "$(facl "$E/ro/f")" "$before" "SETACL changed a ro export"
before=$(facl "$E/noacl/f")
acl $S "$E/noacl" f getfacl
assert_eq "$OUT" "user::rw-
group::rw-
other::r--" "no_acl: the mode's ACL (the mask as group bits)"
acl $S "$E/noacl" d get
assert_match "dfaclcnt=0 dfentries=0" "$OUT" "no_acl: no default ACL"
status NOTSUPP -u 1000 -g 1000 $S "$E/noacl" f set 'u::rw,g::r,o::r'
status NOTSUPP -2 -u 1000 -g 1000 $S "$E/noacl" f set 'u::rw,g::r,o::r'
assert_eq "$(facl "$E/noacl/f")" "$before" "SETACL changed a no_acl export"
ok "ro export: ROFS; no_acl export: ACLs hidden, SETACL NOTSUPP"

# a handle of f given to 127.0.0.1, used from the peer: not exported there
acl $S "$E/rw" f fh
fh=${OUT#fh }
wait_rpc 100227 3 tcp "$ADDR_SELF"
in_peer "$A" -h "$fh" "$ADDR_SELF" - - get >"$T/peer.out" 2>&1 ||
    fail "peer aclcall: $(cat "$T/peer.out")"
assert_eq "$(cat "$T/peer.out")" "status=ACCES" "GETACL from a client not listed"
status BADHANDLE -h "0123${fh:4}" $S - - get
ok "the export's client list and handle checks"

# ------------------------------------------------------------ v2 extras
acl -2 $S "$E/rw" f getattr
assert_eq "$OUT" "status=OK mode=660 uid=1000 gid=1000" "v2 GETATTR"
acl -2 -u 1001 -g 1001 $S "$E/rw" f access 0x3f
assert_eq "$OUT" "status=OK access=0x1 mode=660" "v2 ACCESS: user:1001:r--"
acl -2 -u 1002 -g 2002 $S "$E/rw" f access 0x3f
assert_eq "$OUT" "status=OK access=0xd mode=660" "v2 ACCESS: group:2002:rw-"
acl -2 -u 1002 -g 1002 $S "$E/rw" f access 0x3f
assert_eq "$OUT" "status=OK access=0x0 mode=660" "v2 ACCESS: other"
status OK -2 -u 1000 -g 1000 $S "$E/rw" f set 'u::rw,u:1002:rw,g::r,m::rw,o::-'
assert_match "^user:1002:rw-" "$(facl "$E/rw/f")" "v2 SETACL"
ok "v2 GETATTR, ACCESS through ACL entries, SETACL"

# ------------------------------------------------------------ whole or nothing
# ext4 full to the last block: the small access ACL fits in the inode, the
# 200-entry default ACL needs a block of its own and gets ENOSPC: the
# access ACL (and the mode) must be as they were.
truncate -s 8M "$T/full.img"
mkfs.ext4 -q -F -m 0 -I 256 "$T/full.img" || fail "mkfs.ext4"
mkdir -p "$T/full"
mount -o loop "$T/full.img" "$T/full" || fail "mount the image"
mkdir "$T/full/x"
chown 1000:1000 "$T/full/x"
setfacl -m u:1001:r "$T/full/x"
dd if=/dev/zero of="$T/full/fill" bs=64k 2>/dev/null
sync
dd if=/dev/zero of="$T/full/fill2" bs=1k 2>/dev/null
sync
echo "$T/full $S(rw)" >"$T/exports.d/full.exports"
kill -HUP "$(daemon_pid mountd)" "$(daemon_pid nfsd)"
wait_until 10 "$A" $S "$T/full" x null || fail "no $T/full export"
# the access ACL alone still fits: written
status OK -u 1000 -g 1000 $S "$T/full" x set 'u::rwx,u:1001:r,g::x,m::rx,o::-'
before=$(facl "$T/full/x")
mode=$(stat -c %a "$T/full/x")
assert_eq "$mode" 750 "x's mode from its ACL"
big=u::rwx
for i in $(seq 3000 3199); do big="$big,u:$i:r"; done
big="$big,g::rx,m::rwx,o::-"
status NOSPC -u 1000 -g 1000 $S "$T/full" x set \
    'u::rwx,u:1002:rwx,g::-,m::rwx,o::-' "$big"
assert_eq "$(facl "$T/full/x")" "$before" "the access ACL was not put back"
assert_eq "$(stat -c %a "$T/full/x")" "$mode" "the mode was not put back"
grep "SETACL: the default ACL failed" "$T/nfsd.log" ||
    fail "no undoing of the SETACL in rpc.nfsd's log"
assert_match "put back" "$(grep "SETACL: the default ACL failed" "$T/nfsd.log")"
ok "a SETACL that fails half-way is undone"

# ------------------------------------------------------------ statistics
must "$STAT" -s -n
assert_match "Server nfs_acl v3:" "$OUT" "nfs_acl v3 counted"
assert_match "Server nfs_acl v2:" "$OUT" "nfs_acl v2 counted"
must "$STAT" -a
assert_match "Server nfs_acl v2:" "$OUT" "-a: nfs_acl v2"
assert_match "Server nfs_acl v3:" "$OUT" "-a: nfs_acl v3"
assert_match "null +getacl +setacl" "$OUT" "-a: the procedures' names"
must "$STAT" --metrics
assert_match 'program="nfs_acl",version="3",procedure="getacl"' "$OUT" \
    "GETACL v3 counted"
assert_match 'program="nfs_acl",version="3",procedure="setacl"' "$OUT" \
    "SETACL v3 counted"
assert_match 'program="nfs_acl",version="2",procedure="access"' "$OUT" \
    "ACCESS v2 counted"
ok "nfs-suite-stat counts NFS_ACL calls"

# ------------------------------------------------------------ switched off
stop_daemon nfsd
echo "acl = no" >>"$T/nfs.conf"
start_nfsd
must rpcinfo -p
assert_nomatch "nfs_acl" "$OUT" "[nfsd] acl = no: not registered"
mustnot "$A" $S "$E/rw" f get
assert_match "Program unavailable" "$OUT" "[nfsd] acl = no: PROG_UNAVAIL"
ok "[nfsd] acl = no: no NFS_ACL"
# NFS_ACL's versions are NFS's: without NFS v2, no NFS_ACL v2 (as knfsd)
stop_daemon nfsd
sed -i '/^acl = no$/d' "$T/nfs.conf"
start_nfsd -N 2
must rpcinfo -p
assert_match "^ *100227 +3 +tcp +2049 +nfs_acl\$" "$OUT" "-N 2: nfs_acl 3"
assert_nomatch "^ *100227 +2 " "$OUT" "-N 2: no nfs_acl 2"
ok "rpc.nfsd -N 2: NFS_ACL version 3 only"
check_daemons
