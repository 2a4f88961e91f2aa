#!/bin/bash
# t_nfsd_space: the space of a removed file comes back at once. A libnfs
# client (tests/clients/nfsbench shell) writes a 64 MiB file to an export
# on a 256 MiB tmpfs of its own (exact figures), reads it back so rpc.nfsd
# holds it in its open-file caches, and removes it over NFS: the free space
# of the filesystem is back within 1 s and no descriptor of rpc.nfsd names
# a deleted file. The same for a RENAME over an existing 64 MiB file, and
# for a file the server removes locally while rpc.nfsd has it open (freed
# by the idle sweep, within open-files-idle plus its period). Last, on an
# async export on a loop-mounted ext4 image: an UNSTABLE WRITE, the idle
# close of its descriptor (which flushes it: the data is on the device
# before any COMMIT), then COMMIT answers the write's verifier.
# timeout: 180
. "$(dirname "$0")/lib.sh"

NFSBENCH=$BUILD/tests/clients/nfsbench
IDLE=${NFSD_SPACE_IDLE:-3}
MIB=$((1024 * 1024))
need_rpcbind
for p in "$BUILD/nfsd/rpc.nfsd" "$BUILD/mountd/rpc.mountd" "$NFSBENCH"; do
	[ -x "$p" ] || fail "$p not built"
done
for c in losetup mkfs.ext4 filefrag dd cmp; do
	command -v "$c" >/dev/null || fail "$c not installed"
done

VOL=$T/vol
EXT=$T/ext
cleanup() {
	# rpc.nfsd may still hold them: detach now, freed when it is gone
	umount -l "$EXT" 2>/dev/null
	umount -l "$VOL" 2>/dev/null
}
trap 'rc=$?; [ "$BASHPID" != "$_MAIN_PID" ] || cleanup; (exit $rc); _on_exit' EXIT
mkdir -p "$VOL" "$EXT" || fail "mkdir"
mount -t tmpfs -o size=256m,mode=0777 tmpfs "$VOL" || fail "tmpfs on $VOL"
must mkfs.ext4 -q -F -b 4096 "$T/ext.img" 32M
mount -o loop "$T/ext.img" "$EXT" || fail "loop mount of $T/ext.img"
LOOPDEV=$(findmnt -n -o SOURCE "$EXT")
chmod 0777 "$EXT"
echo "+ $VOL: tmpfs 256 MiB; $EXT: ext4 on $LOOPDEV"

start_rpcbind
cat >"$T/nfs.conf" <<EOC
[global]
state-dir = /var/lib/nfs-suite
[nfsd]
open-files-idle = $IDLE
EOC
cat >"$T/exports" <<EOX
$VOL 127.0.0.1(rw,no_root_squash,insecure,fsid=7301)
$EXT 127.0.0.1(rw,no_root_squash,insecure,async)
EOX
mkdir -p "$T/exports.d"
dargs=(-F -f "$T/nfs.conf" -e "$T/exports" -E "$T/exports.d")
start_daemon mountd "$BUILD/mountd/rpc.mountd" "${dargs[@]}"
must_exit_0 mountd
start_daemon nfsd "$BUILD/nfsd/rpc.nfsd" "${dargs[@]}"
must_exit_0 nfsd
wait_rpc 100005 3
wait_rpc 100003 3
NFSD_PID=$(daemon_pid nfsd)

# ------------------------------------------------------------ the client
coproc SH { exec "$NFSBENCH" shell 2>>"$T/shell.err"; }
# shellcheck disable=SC2153  # SH_PID is the coprocess's, set by bash
sh_pid=$SH_PID
_PIDS+=("$sh_pid")
LINE=
sh_ok() {
	echo "$*" >&"${SH[1]}" || fail "nfsbench shell is gone"
	IFS= read -r -t 60 LINE <&"${SH[0]}" ||
	    fail "nfsbench shell: no answer to '$*' ($(cat "$T/shell.err"))"
	echo "+ shell: $* -> $LINE"
	[[ $LINE == ok* ]] || fail "'$*' failed: $LINE"
}

# ------------------------------------------------------------ helpers
free_bytes() {
	stat -f -c '%f %S' "$1" | awk '{ print $1 * $2 }'
}
now_ms() {
	local t=${EPOCHREALTIME/./}
	echo $((t / 1000))
}
# nfsd_fds PATH: how many of rpc.nfsd's descriptors are open on PATH
nfsd_fds() {
	local fd n=0 l
	for fd in /proc/"$NFSD_PID"/fd/*; do
		l=$(readlink "$fd" 2>/dev/null) || continue
		[ "$l" != "$1" ] || n=$((n + 1))
	done
	echo "$n"
}
# deleted_fds: "FD -> TARGET" for each descriptor of a deleted object
deleted_fds() {
	local fd l
	for fd in /proc/"$NFSD_PID"/fd/*; do
		l=$(readlink "$fd" 2>/dev/null) || continue
		[[ $l != *" (deleted)" ]] || echo "${fd##*/} -> $l"
	done
}
# wait_ms MS CMD...: poll CMD every 10 ms for up to MS ms; WAITED gets the
# time it took (ms). 1 on timeout.
WAITED=
wait_ms() {
	local limit=$1 t0
	shift
	t0=$(now_ms)
	while ! "$@"; do
		WAITED=$(($(now_ms) - t0))
		[ "$WAITED" -lt "$limit" ] || return 1
		sleep 0.01
	done
	WAITED=$(($(now_ms) - t0))
	return 0
}
free_at_least() {
	[ "$(free_bytes "$VOL")" -ge "$1" ]
}
no_deleted_fds() {
	[ -z "$(deleted_fds)" ]
}
# cached_fds NAME: rpc.nfsd has NAME of $VOL open (the test is meaningful)
cached_fds() {
	local n
	n=$(nfsd_fds "$VOL/$1")
	[ "$n" -ge 1 ] || fail "rpc.nfsd holds no descriptor of $1 after reading it"
	echo "+ rpc.nfsd holds $n descriptors of $1"
}

sh_ok mount a 127.0.0.1 "$VOL"
free0=$(free_bytes "$VOL")
echo "+ free on $VOL: $free0"

# ------------------------------------------------------------ REMOVE
sh_ok fill a big1 64
assert_eq "$LINE" "ok $((64 * MIB))" "fill big1"
sh_ok read a big1
assert_eq "$LINE" "ok $((64 * MIB))" "read big1"
free1=$(free_bytes "$VOL")
[ $((free0 - free1)) -ge $((64 * MIB)) ] ||
    fail "64 MiB written but only $((free0 - free1)) bytes in use"
cached_fds big1
sh_ok rm a big1
wait_ms 1000 free_at_least "$free0" ||
    fail "REMOVE: $(( ($(free_bytes "$VOL") - free1) / MIB )) MiB of 64 back after 1 s; rpc.nfsd holds:
$(deleted_fds)"
dt=$WAITED
wait_ms 1000 no_deleted_fds || fail "REMOVE: rpc.nfsd still holds deleted files:
$(deleted_fds)"
ok "REMOVE of a 64 MiB file read back: space back in ${dt} ms, no deleted file open"

# ------------------------------------------------------------ RENAME over a file
sh_ok fill a big2 64
sh_ok fill a big3 64
sh_ok read a big2
sh_ok read a big3
free2=$(free_bytes "$VOL")
[ $((free0 - free2)) -ge $((128 * MIB)) ] ||
    fail "128 MiB written but only $((free0 - free2)) bytes in use"
cached_fds big2
sh_ok mv a big3 big2
wait_ms 1000 free_at_least $((free0 - 64 * MIB)) ||
    fail "RENAME: the replaced file's space is not back after 1 s ($(free_bytes "$VOL") free, want $((free0 - 64 * MIB))); rpc.nfsd holds:
$(deleted_fds)"
dt=$WAITED
wait_ms 1000 no_deleted_fds || fail "RENAME: rpc.nfsd still holds deleted files:
$(deleted_fds)"
ok "RENAME over a 64 MiB file: its space back in ${dt} ms, no deleted file open"

# ------------------------------------------------------------ other objects, links
# Directories and FIFOs are held too (O_PATH descriptors of the handle
# cache, after a GETATTR): removing them lets them go at once as well.
sh_ok mkdir a d1
sh_ok stat a d1
sh_ok mkfifo a p1
sh_ok stat a p1
[ "$(nfsd_fds "$VOL/d1")" -ge 1 ] || fail "rpc.nfsd holds no descriptor of d1"
[ "$(nfsd_fds "$VOL/p1")" -ge 1 ] || fail "rpc.nfsd holds no descriptor of p1"
sh_ok rmdir a d1
sh_ok rm a p1
wait_ms 1000 no_deleted_fds || fail "RMDIR, REMOVE of a FIFO: rpc.nfsd still holds:
$(deleted_fds)"
ok "RMDIR of a directory, REMOVE of a FIFO: no descriptor of either left (${WAITED} ms)"

# A file with two names is freed when the second goes.
base=$(free_bytes "$VOL")
sh_ok fill a h1 32
sh_ok ln a h1 h2
sh_ok read a h1
cached_fds h1
sh_ok rm a h1
[ $((base - $(free_bytes "$VOL"))) -ge $((32 * MIB)) ] ||
    fail "a file with a name left lost its space"
sh_ok read a h2
sh_ok rm a h2
wait_ms 1000 free_at_least "$base" ||
    fail "the last name of a linked file removed: space not back after 1 s; rpc.nfsd holds:
$(deleted_fds)"
dt=$WAITED
wait_ms 1000 no_deleted_fds || fail "rpc.nfsd still holds deleted files:
$(deleted_fds)"
ok "a file with two names: kept after the first REMOVE, space back ${dt} ms after the second"

# ------------------------------------------------------------ removed on the server
sh_ok read a big2
cached_fds big2
rm -f "$VOL/big2" || fail "rm on the server"
t0=$(now_ms)
limit=$(( (IDLE + 2) * 1000 ))
wait_ms "$limit" free_at_least "$free0" ||
    fail "removed on the server: space not back $limit ms later; rpc.nfsd holds:
$(deleted_fds)"
dt=$(($(now_ms) - t0))
no_deleted_fds || fail "removed on the server: rpc.nfsd holds deleted files:
$(deleted_fds)"
ok "a file removed on the server while open in rpc.nfsd: space back in ${dt} ms (open-files-idle = $IDLE s)"
assert_eq "$(free_bytes "$VOL")" "$free0" "free space at the end"

# ------------------------------------------------------------ UNSTABLE, idle close, COMMIT
# ext4 with delayed allocation: unstable data has no block on the device
# until it is written back. filefrag gives the block once it has one; the
# device is read with O_DIRECT (what the filesystem wrote, not a cache).
WORD=nfs-suite-unstable-$$-
COUNT=65536
yes "$WORD" | tr -d '\n' | head -c $COUNT >"$T/expect" || true
[ "$(stat -c %s "$T/expect")" = $COUNT ] || fail "building the expected data"
on_disk() {
	local blk
	blk=$(filefrag -v -b4096 "$EXT/f" 2>/dev/null |
	    awk '$1 == "0:" { sub(/\.\..*/, "", $4); print $4; exit }')
	[ -n "$blk" ] || return 1
	dd if="$LOOPDEV" bs=4096 skip="$blk" count=$((COUNT / 4096)) \
	    iflag=direct status=none 2>/dev/null | cmp -s - "$T/expect"
}
: >"$EXT/f"
sync -f "$EXT" || fail "sync"
sh_ok mount b 127.0.0.1 "$EXT"
sh_ok writeu b f 0 $COUNT "$WORD"
read -r _ n committed verf1 <<<"$LINE"
assert_eq "$n" $COUNT "bytes written"
assert_eq "$committed" 0 "committed level on an async export (UNSTABLE)"
cmp -s "$EXT/f" "$T/expect" || fail "the server's file does not hold what was written"
[ "$(nfsd_fds "$EXT/f")" -ge 1 ] || fail "rpc.nfsd has no descriptor of f after WRITE"
if on_disk; then
	echo "+ (the data reached the device before the idle close)"
fi
no_fds_of_f() {
	[ "$(nfsd_fds "$EXT/f")" = 0 ]
}
wait_until $((IDLE + 3)) no_fds_of_f ||
    fail "rpc.nfsd still holds f $((IDLE + 3)) s after the last WRITE"
on_disk || fail "the idle close did not flush the unstable data to the device"
ok "UNSTABLE WRITE: the descriptor closed after ${IDLE} s idle, its data flushed first"
sh_ok commit b f
verf2=${LINE#ok }
assert_eq "$verf2" "$verf1" "COMMIT's verifier (after the idle close) against WRITE's"
on_disk || fail "data not on the device after COMMIT"
cmp -s "$EXT/f" "$T/expect" || fail "the file changed"
ok "COMMIT after the idle close: verifier $verf2 unchanged, the data on the device"
grep -q "new write verifier" "$T/nfsd.log" && fail "rpc.nfsd changed its write verifier:
$(cat "$T/nfsd.log")"

sh_ok umount b
sh_ok umount a
check_daemons
