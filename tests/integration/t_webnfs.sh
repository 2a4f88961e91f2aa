#!/bin/bash
# t_webnfs: WebNFS (RFC 2054/2055) on rpc.nfsd, driven by
# tests/clients/webnfsprobe (libnfs raw API: a zero-length v3 handle, 32
# zero bytes in v2, straight to port 2049).
#  - rpc.nfsd alone (no rpcbind, no rpc.mountd): GETATTR of the public
#    handle, a multi-component LOOKUP of a deep file and READ of it (200 kB,
#    same bytes), v3 and v2, TCP and UDP;
#  - RFC 2055 paths: %XX escapes in canonical paths (%2f is ACCES, a bad
#    escape INVAL), native paths (0x80) taken literally, absolute paths
#    served only where they land in an export that admits the caller;
#  - every containment rule of LOOKUP through the public handle: ".." at
#    the top; symlinks: the link itself at the end of a path, followed in
#    the middle only while inside the export (out is ACCES, a loop ends),
#    a mount point without crossmnt, a client
#    address the public export does not admit (the peer namespace), a
#    non-privileged port on a "secure" export;
#  - with rpcbind and rpc.mountd: LOOKUP "." from the public handle is the
#    handle MNT gives for the export (v3 and v1/v2);
#  - paths at and past the XDR limits (1024 bytes, 255 in v2): answered,
#    or GARBAGE_ARGS, and rpc.nfsd carries on;
#  - exportfs -r: a second public export is refused with file:line (the
#    served table stays), and so does rpc.nfsd on SIGHUP with such an etab;
#    crossmnt then lets the walk cross the mount, insecure takes a
#    non-privileged port,
#    sec=krb5 refuses AUTH_SYS lookups, and with no public export the
#    public handle is BADHANDLE (v3) / STALE (v2).
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
W=$BUILD/tests/clients/webnfsprobe
MNTPROBE=$BUILD/tests/clients/mntprobe
EXPORTFS=$BUILD/mountd/exportfs
for p in "$W" "$MNTPROBE" "$EXPORTFS" "$BUILD/nfsd/rpc.nfsd"; do
	[ -x "$p" ] || fail "$p not built"
done
PROBE=$W
. "$(dirname "$0")/nfs-lib.sh"

# ------------------------------------------------------------ the tree
P=$E/pub
mkdir -p "$P/a/b/c" "$P/mnt" "$E/other" "$E/secret" "$E/deny" "$E/peeronly" \
    "$T/exports.d" || fail mkdir
head -c 200000 /dev/urandom >"$P/a/b/c/deep.txt" || fail "deep file"
echo upper >"$P/A"
echo space >"$P/sp ace"
echo percent >"$P/100%"
echo literal >"$P/lit%41"
ln -s /etc "$P/out"
ln -s ../secret "$P/up"
ln -s a "$P/in"
ln -s "$P/a/b" "$P/absin"
ln -s loop "$P/loop"
ln -s ../../.. "$P/a/b/c/top"
ln -s ../../../.. "$P/a/b/c/over"
echo other >"$E/other/o.txt"
echo secret >"$E/secret/s.txt"
echo deny >"$E/deny/d.txt"
echo peer >"$E/peeronly/p.txt"
mount -t tmpfs -o size=1m tmpfs "$P/mnt" || fail "tmpfs on $P/mnt"
echo mounted >"$P/mnt/t.txt"

# write_exports PUBOPTS [EXTRA LINE]
write_exports() {
	{
		echo "# written by $TEST_NAME"
		echo "$P	127.0.0.1($1)"
		echo "$E/other	127.0.0.1(ro,no_subtree_check)"
		echo "$E/deny	192.0.2.99(ro,no_subtree_check)"
		echo "$E/peeronly	192.0.2.2(ro,no_subtree_check)"
		[ $# -lt 2 ] || echo "$2"
	} >"$T/exports"
}
write_exports "ro,public,no_subtree_check"

# wp ARGS...: run webnfsprobe, output in $OUT
wp() {
	OUT=$("$W" "$@" 2>&1)
	printf '+ webnfsprobe %s\n%s\n' "$*" "$OUT"
}
# expect ERE MSG ARGS...: webnfsprobe ARGS must print a line starting ERE
expect() {
	local ere=$1 msg=$2
	shift 2
	wp "$@"
	assert_match "^$ere" "$OUT" "$msg"
	ok "$msg"
}
expect_peer() {
	local ere=$1 msg=$2
	shift 2
	OUT=$(in_peer "$W" "$@" 2>&1)
	printf '+ (peer) webnfsprobe %s\n%s\n' "$*" "$OUT"
	assert_match "^$ere" "$OUT" "$msg"
	ok "$msg"
}
S=127.0.0.1

# ------------------------------------------------------------ nfsd alone
peer_setup
start_daemon nfsd "$BUILD/nfsd/rpc.nfsd" -F -f "$T/nfs.conf" \
    -e "$T/exports" -E "$T/exports.d"
must_exit_0 nfsd
wait_until 15 "$W" -t 1 "$S" getattr || fail "rpc.nfsd does not answer on 2049"
[ -z "$(daemon_pid rpcbind)$(daemon_pid mountd)" ] || fail "not alone"

expect "getattr OK DIR" "v3 GETATTR of the zero-length handle: the public root" \
    "$S" getattr
expect "lookup OK REG 200000 fh=" "v3 multi-component LOOKUP a/b/c/deep.txt" \
    "$S" lookup a/b/c/deep.txt
expect "read OK 200000" "v3 READ of the deep file by path" \
    "$S" read a/b/c/deep.txt "$T/deep.v3"
cmp "$P/a/b/c/deep.txt" "$T/deep.v3" || fail "v3 READ: other bytes"
ok "v3 READ: the same 200000 bytes"
expect "lookup OK DIR" "a path with empty components (a//b/)" "$S" lookup a//b/
expect "lookup ACCES" "an empty path is ACCES, as an empty name" "$S" lookup ""

# canonical escapes (RFC 2055 6.1)
expect "lookup OK REG 6 " "%41 decodes to A" "$S" lookup %41
expect "lookup OK REG 6 " "%20 inside a name" "$S" lookup sp%20ace
expect "lookup OK REG 8 " "%25 is a literal %" "$S" lookup 100%25
expect "lookup ACCES" "%2f cannot put a / into a name" "$S" lookup a%2fb
expect "lookup INVAL" "a % without two hex digits is INVAL" "$S" lookup bad%zz
expect "lookup INVAL" "an escaped NUL is INVAL" "$S" lookup a%00
expect "lookup NOENT" "canonical lit%41 is litA" "$S" lookup lit%41
# native paths: taken as they are
expect "lookup OK REG 8 " "native path: no %-decoding" "$S" lookup $'\x80lit%41'
expect "lookup OK REG 200000 " "native relative path" "$S" lookup $'\x80a/b/c/deep.txt'

# absolute paths: only inside an export that admits us
expect "lookup OK REG 6 " "absolute path into another export" "$S" lookup "$E/other/o.txt"
expect "lookup OK REG 6 " "absolute native path into another export" \
    "$S" lookup $'\x80'"$E/other/o.txt"
expect "lookup OK REG 200000 " "absolute path into the public export" \
    "$S" lookup "$P/a/b/c/deep.txt"
expect "lookup OK DIR" "absolute path to an export's root" "$S" lookup "$E/other"
expect "lookup ACCES" "/etc/passwd: outside every export" "$S" lookup /etc/passwd
expect "lookup ACCES" "native /etc/passwd" "$S" lookup $'\x80/etc/passwd'
expect "lookup ACCES" "/ itself" "$S" lookup /
expect "lookup ACCES" "the directory above the exports" "$S" lookup "$E"
expect "lookup ACCES" "a directory that is not exported" "$S" lookup "$E/secret/s.txt"
expect "lookup ACCES" "an export that does not admit 127.0.0.1" "$S" lookup "$E/deny/d.txt"
expect "lookup ACCES" "a .. above the exports matches none" "$S" lookup "/var/..$E/other/o.txt"
expect "lookup NOENT" ".. at an export root stays there" "$S" lookup "$E/other/../secret/s.txt"

# containment, as a normal LOOKUP
expect "lookup NOENT" "../../etc/passwd stays in the export" "$S" lookup ../../../../../etc/passwd
expect "lookup NOENT" "a/../../etc/passwd stays in the export" "$S" lookup a/../../../etc/passwd
expect "lookup OK DIR" ".. at the top is the root" "$S" lookup ../a/b
expect "lookup OK LNK" "a symlink at the end is returned as itself" "$S" lookup out
expect "readlink OK /etc" "its text, for the client to evaluate" "$S" readlink out
expect "lookup ACCES" "an absolute symlink out in the middle is not followed" "$S" lookup out/passwd
expect "lookup ACCES" "a relative symlink out (../secret) is not followed" "$S" lookup up/s.txt
expect "lookup OK DIR" "a symlink that stays inside is followed (RFC 2055 6.2)" "$S" lookup in/b
expect "lookup OK REG 200000 " "... also an absolute one into the export" "$S" lookup absin/c/deep.txt
expect "lookup OK REG 200000 " "... and ../../.. from a/b/c back to the root" "$S" lookup a/b/c/top/a/b/c/deep.txt
expect "lookup ACCES" "... but a link with one .. more is out" "$S" lookup a/b/c/over/A
expect "lookup INVAL" "a symlink loop ends (ELOOP)" "$S" lookup loop/x
expect "lookup OK LNK" "a loop at the end is just a link" "$S" lookup loop
expect "lookup ACCES" "a mount point without crossmnt" "$S" lookup mnt/t.txt
expect "lookup NOENT" "%2e%2e is .. and stays in the export" "$S" lookup %2e%2e/%2e%2e/etc/passwd

# who may use the public handle
expect_peer "lookup ACCES" "peer: not admitted to the public export (LOOKUP)" \
    "$ADDR_SELF" lookup a/b/c/deep.txt
expect_peer "getattr ACCES" "peer: not admitted (GETATTR of the public handle)" \
    "$ADDR_SELF" getattr
expect_peer "lookup OK REG 5 " "peer: an absolute path into the export it is admitted to" \
    "$ADDR_SELF" lookup "$E/peeronly/p.txt"
expect_peer "lookup ACCES" "peer: but not into 127.0.0.1's" \
    "$ADDR_SELF" lookup "$E/other/o.txt"
expect "lookup PERM" "a non-privileged port on a secure export" -P "$S" lookup A

# over UDP too (RFC 2054: TCP first, then UDP)
expect "read OK 200000" "v3 over UDP: LOOKUP and READ by path" \
    -U "$S" read a/b/c/deep.txt "$T/deep.udp"
cmp "$P/a/b/c/deep.txt" "$T/deep.udp" || fail "UDP READ: other bytes"
expect "read OK 200000" "v2 over UDP" -U -2 "$S" read a/b/c/deep.txt "$T/deep.udp2"
cmp "$P/a/b/c/deep.txt" "$T/deep.udp2" || fail "v2 UDP READ: other bytes"
expect_peer "lookup ACCES" "peer over UDP: not admitted" -U "$ADDR_SELF" lookup A
expect "lookup PERM" "UDP from a non-privileged port on a secure export" -U -P "$S" lookup A

# v2: 32 zero bytes
expect "getattr OK DIR" "v2 GETATTR of the all-zero handle" -2 "$S" getattr
expect "read OK 200000" "v2 multi-component LOOKUP and READ" \
    -2 "$S" read a/b/c/deep.txt "$T/deep.v2"
cmp "$P/a/b/c/deep.txt" "$T/deep.v2" || fail "v2 READ: other bytes"
ok "v2 READ: the same 200000 bytes"
expect "lookup OK REG 6 " "v2 absolute path into another export" -2 "$S" lookup "$E/other/o.txt"
expect "lookup NOENT" "v2 ../../etc/passwd" -2 "$S" lookup ../../../etc/passwd
expect "lookup ACCES" "v2 /etc/passwd" -2 "$S" lookup /etc/passwd
expect "lookup ACCES" "v2 symlink out" -2 "$S" lookup out/passwd
expect "lookup OK DIR" "v2 symlink inside" -2 "$S" lookup in/b
expect_peer "lookup ACCES" "v2 peer: not admitted" -2 "$ADDR_SELF" lookup A
# the limits of a path: 1024 bytes (255 in v2); more is GARBAGE_ARGS
expect "lookup OK DIR" "340 .. components stay at the root" \
    "$S" lookup "$(printf '../%.0s' $(seq 340))a"
expect "lookup NOENT" "511 components" "$S" lookup "$(printf 'x/%.0s' $(seq 511))y"
expect "lookup RPCERR" "a 1025-byte path is not decoded" "$S" lookup "$(printf 'x%.0s' $(seq 1025))"
expect "lookup ACCES" "0x80 alone: no component" "$S" lookup $'\x80'
expect "lookup OK DIR" "v2: 85 .. components" -2 "$S" lookup "$(printf '../%.0s' $(seq 84))a"
expect "lookup RPCERR" "v2: a 256-byte path is not decoded" -2 "$S" lookup "$(printf 'x%.0s' $(seq 256))"
check_daemons
expect "getattr OK DIR" "rpc.nfsd still answers" "$S" getattr
# a v3 handle of 32 zero bytes is not the public handle
wp "$S" fhlookup 0000000000000000000000000000000000000000000000000000000000000000 A
assert_match "^fhlookup BADHANDLE" "$OUT" "32 zero bytes in v3"
ok "v3: 32 zero bytes are not the public handle"
check_daemons

# ------------------------------------------------------------ with MOUNT
start_rpcbind
start_daemon mountd "$BUILD/mountd/rpc.mountd" -F -f "$T/nfs.conf" \
    -e "$T/exports" -E "$T/exports.d"
must_exit_0 mountd
wait_rpc 100005 3
must "$MNTPROBE" "$S" mnt "$P"
mfh=$(sed -n 's/.*: OK fh=\([0-9a-f]*\).*/\1/p' <<<"$OUT")
[ -n "$mfh" ] || fail "no handle from MNT"
expect "lookup OK DIR [0-9]+ fh=$mfh\$" "v3: LOOKUP . from the public handle = MNT's root handle" \
    "$S" lookup .
must "$MNTPROBE" -v 1 "$S" mnt "$P"
mfh2=$(sed -n 's/.*: OK fh=\([0-9a-f]*\).*/\1/p' <<<"$OUT")
expect "lookup OK DIR [0-9]+ fh=$mfh2\$" "v2: LOOKUP . from the public handle = MNT v1's root handle" \
    -2 "$S" lookup .

# ------------------------------------------------------------ exportfs
exportfs_r() {
	"$EXPORTFS" -f "$T/nfs.conf" -e "$T/exports" -E "$T/exports.d" -r
}
write_exports "ro,public,no_subtree_check" "$E/secret	127.0.0.1(ro,public)"
mustnot exportfs_r
assert_match "$T/exports:6" "$OUT" "exportfs names the second public entry"
assert_match "only one export may be public" "$OUT" "exportfs says why"
expect "lookup ACCES" "the served table did not change" "$S" lookup "$E/secret/s.txt"
ok "exportfs refuses a second public export with file:line"
echo "$E/secret	127.0.0.1(ro,public)" >"$T/exports.d/second.exports"
write_exports "ro,public,no_subtree_check"
mustnot exportfs_r
assert_match "$T/exports.d/second.exports:1" "$OUT" "across files too"
rm -f "$T/exports.d/second.exports"
ok "... also across exports.d"

write_exports "ro,public,crossmnt,insecure,no_subtree_check"
must exportfs_r
expect "lookup OK REG 8 " "crossmnt: the walk crosses the mount" "$S" lookup mnt/t.txt
expect "lookup OK REG 6 " "insecure: a non-privileged port is served" -P "$S" lookup A
# rpc.nfsd refuses a second public export too (an etab written by hand),
# with file:line, and keeps serving the table it has
printf '%s\t127.0.0.1(ro,public)\n' "$E/secret" >>/var/lib/nfs-suite/etab
kill -HUP "$(daemon_pid nfsd)"
wait_until 10 grep -q "only one export may be public" "$T/nfsd.log" ||
    fail "rpc.nfsd did not refuse a second public export"
assert_match "/var/lib/nfs-suite/etab:[0-9]+:[0-9]+: .*only one export may be public" \
    "$(cat "$T/nfsd.log")" "rpc.nfsd names the etab's line"
expect "lookup OK REG 8 " "rpc.nfsd keeps its table" "$S" lookup mnt/t.txt
expect "lookup ACCES" "... in which $E/secret is not exported" "$S" lookup "$E/secret/s.txt"
write_exports "ro,public,sec=krb5,no_subtree_check"
must exportfs_r
expect "lookup ACCES" "sec=krb5: AUTH_SYS LOOKUP through the public handle refused" \
    "$S" lookup a/b/c/deep.txt
write_exports "ro,no_subtree_check"
must exportfs_r
expect "lookup BADHANDLE" "no public export: the public handle is not a handle (v3)" \
    "$S" lookup A
expect "lookup STALE" "no public export: v2 STALE" -2 "$S" lookup A
check_daemons
umount "$P/mnt" 2>/dev/null
