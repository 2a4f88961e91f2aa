#!/bin/bash
# t_nfsd_cp: libnfs' nfs-cp moves a 3 GiB file of non-repeating data to the
# server and back (sha256 of the source, of the file the server wrote and of
# the copy read back must agree; the size seen over NFS is the disk's), and
# nfs-ls lists a deep tree (30 levels, files, subdirectories, symlinks, a
# 600-entry directory at the bottom) exactly as find(1) sees it, with the
# same type, permissions, owner and size. libnfs' nfs-ls -R stops at 16
# levels, so the deep half is listed with nfs-ls -R in 15-level windows,
# each a MOUNT of a deep subdirectory. The export is an ext4 directory
# (under /var/tmp), as in production.
# timeout: 420
. "$(dirname "$0")/lib.sh"

SIZE_MIB=${NFSD_CP_MIB:-3072}
for c in nfs-cp nfs-ls nfs-cat openssl; do
	command -v "$c" >/dev/null || fail "$c not installed (libnfs-utils, openssl)"
done
[ -x "$BUILD/nfsd/rpc.nfsd" ] || fail "$BUILD/nfsd/rpc.nfsd not built"
[ -x "$BUILD/mountd/rpc.mountd" ] || fail "$BUILD/mountd/rpc.mountd not built"

# The export and the local copies live on ext4 (not on the test's tmpfs):
# two copies of the file at most, plus slack.
D=$(mktemp -d "/var/tmp/nfs-suite-$TEST_NAME.XXXXXX") || fail "mktemp on /var/tmp"
trap 'rc=$?; [ "$BASHPID" != "$_MAIN_PID" ] || rm -rf "$D"; (exit $rc); _on_exit' EXIT
need_kb=$(( (2 * SIZE_MIB + 1024) * 1024 ))
avail_kb=$(df -Pk "$D" | awk 'NR == 2 { print $4 }')
[ "$avail_kb" -ge "$need_kb" ] ||
    fail "$D: ${avail_kb} KiB free, this test needs ${need_kb} KiB"
fstype=$(stat -f -c %T "$D")
echo "+ scratch $D on $fstype, ${avail_kb} KiB free"
EXP=$D/export
LOC=$D/local
mkdir -p "$EXP" "$LOC" || fail "mkdir"

start_rpcbind
cat >"$T/nfs-suite.conf" <<CONF
# written by $TEST_NAME
[global]
state-dir = /var/lib/nfs-suite
CONF
echo "$EXP 127.0.0.1(rw,no_root_squash,insecure,no_subtree_check)" >"$T/exports"
mkdir -p "$T/exports.d"
daemon_args=(-F -f "$T/nfs-suite.conf" -e "$T/exports" -E "$T/exports.d")
start_daemon mountd "$BUILD/mountd/rpc.mountd" "${daemon_args[@]}"
must_exit_0 mountd
start_daemon nfsd "$BUILD/nfsd/rpc.nfsd" "${daemon_args[@]}"
must_exit_0 nfsd
wait_rpc 100005 3
wait_rpc 100003 3
URL=nfs://127.0.0.1$EXP

sha256() {
	openssl dgst -sha256 -r "$@" | awk '{ print $1 }'
}

# ------------------------------------------------------------ 3 GiB both ways
# AES-128-CTR of zeros: a keystream that never repeats, at GB/s. The hash is
# taken on the way to the disk. (openssl dies of SIGPIPE when head is done.)
t0=$SECONDS
h_src=$({ openssl enc -aes-128-ctr -K 0123456789abcdef0123456789abcdef \
    -iv 00000000000000000000000000000000 -in /dev/zero 2>/dev/null || :; } |
    head -c $((SIZE_MIB * 1024 * 1024)) | tee "$LOC/big" | sha256) ||
    fail "generating $SIZE_MIB MiB"
[ "$(stat -c %s "$LOC/big")" = $((SIZE_MIB * 1024 * 1024)) ] || fail "short source file"
echo "+ source: $SIZE_MIB MiB, sha256 $h_src ($((SECONDS - t0)) s)"

t0=$SECONDS
must nfs-cp "$LOC/big" "$URL/big"
dt=$((SECONDS - t0))
check_daemons
assert_eq "$(stat -c %s "$EXP/big")" $((SIZE_MIB * 1024 * 1024)) "size of the uploaded file"
h_up=$(sha256 "$EXP/big")
assert_eq "$h_up" "$h_src" "sha256 of the file the server wrote"
ok "nfs-cp to the server: $SIZE_MIB MiB in ${dt} s, sha256 matches"

# What the server says about it over NFS: size (and it is a regular file).
must nfs-ls "$URL"
line=$(printf '%s\n' "$OUT" | awk '$NF == "big"')
assert_match "^-rw" "$line" "nfs-ls: big is a regular file"
assert_eq "$(printf '%s\n' "$line" | awk '{ print $5 }')" $((SIZE_MIB * 1024 * 1024)) \
    "size of big over NFS"

rm -f "$LOC/big"
t0=$SECONDS
must nfs-cp "$URL/big" "$LOC/back"
dt=$((SECONDS - t0))
check_daemons
assert_eq "$(stat -c %s "$LOC/back")" $((SIZE_MIB * 1024 * 1024)) "size of the copy read back"
h_back=$(sha256 "$LOC/back")
assert_eq "$h_back" "$h_src" "sha256 of the copy read back"
ok "nfs-cp from the server: $SIZE_MIB MiB in ${dt} s, sha256 matches"
rm -f "$LOC/back" "$EXP/big"

# ------------------------------------------------------------ nfs-ls -R of a deep tree
# 30 levels; each holds three files of different sizes and modes, an empty
# directory, a directory of two files and the next level; a symlink at
# every fifth level; 600 files at the bottom.
t0=$SECONDS
(
	cd "$EXP" || exit 1
	mkdir tree && cd tree || exit 1
	for i in $(seq -w 1 30); do
		mkdir "lvl$i" empty"$i" side"$i" || exit 1
		head -c $((10#$i * 100)) /dev/zero >"a$i"
		echo "level $i" >"b$i"
		: >"c$i"
		chmod 0640 "b$i"
		chmod 0600 "c$i"
		echo x >"side$i/x"
		echo yy >"side$i/y"
		[ $((10#$i % 5)) -ne 0 ] || ln -s "../a$i" "link$i"
		cd "lvl$i" || exit 1
	done
	for j in $(seq 1 600); do
		echo "$j" >"leaf-$j"
	done
) || fail "building the tree"
chown 1234:5678 "$EXP/tree/a01" "$EXP/tree/lvl01/lvl02"
n_find=$(cd "$EXP/tree" && find . -mindepth 1 | wc -l)
echo "+ tree: $n_find entries, depth 30 ($((SECONDS - t0)) s)"

# Both sides as "type+mode uid gid size path", sorted. find's %M is ls-style,
# as nfs-ls prints it; sizes of directories and symlinks are the server's
# stat too, so they must agree.
(cd "$EXP/tree" && find . -mindepth 1 -printf '%M %U %G %s %P\n') |
    LC_ALL=C sort >"$T/find.txt"

# libnfs 4.0's nfs-ls -R stops at 16 levels ("Recursion detected!", exit
# 10): it cannot walk 30 from the top. So the tree is listed in windows:
# every directory above level 15 with a plain nfs-ls (each one a MOUNT of
# that subdirectory), and every directory at level 15 with nfs-ls -R,
# which recurses the 15 levels below it. The union must be find's list,
# every entry exactly once.
: >"$T/nfs-ls.raw"
n_calls=0
while IFS= read -r dir; do
	depth=$(printf '%s' "$dir" | tr -cd / | wc -c)
	rel=${dir#.}
	rel=${rel#/}
	if [ "$depth" -lt 15 ]; then
		must nfs-ls "$URL/tree${rel:+/$rel}"
	else
		must nfs-ls -R "$URL/tree/$rel"
	fi
	n_calls=$((n_calls + 1))
	# nfs-ls: "MODE NLINK UID GID SIZE NAME" (no spaces in our names)
	printf '%s\n' "$OUT" | awk -v p="${rel:+$rel/}" \
	    'NF == 6 { print $1, $3, $4, $5, p $6 }' >>"$T/nfs-ls.raw"
done < <(cd "$EXP/tree" && find . -type d -printf '%d %p\n' |
    awk '$1 <= 15 { sub(/^[0-9]+ /, ""); print }') >"$T/nfs-ls.log"
LC_ALL=C sort "$T/nfs-ls.raw" >"$T/nfs-ls.txt"
n_ls=$(wc -l <"$T/nfs-ls.txt")
if ! diff -u "$T/find.txt" "$T/nfs-ls.txt" >"$T/tree.diff"; then
	head -40 "$T/tree.diff"
	fail "nfs-ls of the tree differs from find ($n_ls vs $n_find lines)"
fi
assert_eq "$n_ls" "$n_find" "entries listed by nfs-ls"
dups=$(cut -d' ' -f5- "$T/nfs-ls.txt" | uniq -d | head -3)
assert_eq "$dups" "" "nfs-ls listed a name twice"
assert_match " lvl01/lvl02/lvl03/.*/lvl30/leaf-600\$" "$(cat "$T/nfs-ls.txt")" "deepest leaf"
ok "nfs-ls of a 30-level tree ($n_calls calls, nfs-ls -R 15 levels deep): $n_ls entries match find (mode, owner, size, path)"

check_daemons
