#!/bin/bash
# t_posix: POSIX behaviour through the Linux kernel client (vers=3, tcp) on
# a rw,no_root_squash export, checked in the guest and again on the
# server's own file system: create/write/read; rename in a directory and
# across directories; hard links (nlink 2); symlink/readlink; chmod with
# setuid (4755 kept for root); chown; touch -d / utimes (times to the
# nanosecond); mkfifo; mknod of a character and a block device; O_EXCL
# create (the second one fails with EEXIST; mode and times are the
# caller's, not the exclusive-create verifier); unlink of an open file (the
# client's silly rename, reading on through the open descriptor);
# truncate and extend; a sparse file with one byte at 5 GiB; readdir of
# 10,000 entries (each exactly once), also while the server adds files to
# the directory; a 1 GiB copy (in the background while the other steps
# run) whose sha256, computed in the guest after drop_caches, matches the
# server's; mmap write and read back. At the end
# the guest's stat of every file must equal the server's.
# Every mount uses nolock: these servers run no lock manager (t_lock_* do).
# timeout: 300
. "$(dirname "$0")/lib.sh"

BIG_MIB=${BIG_MIB:-1024}	# the copy
NDIR=10000			# readdir

lc_net_setup
E=$T/export
mkdir -p "$E/a" "$E/b" "$E/big"
t0=$(date +%s.%N)
# 10,000 entries, made on the server side (the guest's shell would need
# minutes under TCG).
(cd "$E/big" && printf 'f%05d\n' $(seq 0 $((NDIR - 1))) | xargs touch) ||
    fail "pre-create $NDIR files"
# Random data, fast: AES-CTR keyed from /dev/urandom (1 GiB in ~1 s, where
# /dev/urandom itself takes ~8 s here), hashed on the way to the file.
command -v openssl >/dev/null || fail "openssl missing (apt-get install openssl)"
big_sum=$(openssl enc -aes-128-ctr -pbkdf2 -nosalt \
    -pass "pass:$(head -c 32 /dev/urandom | base64)" -in /dev/zero 2>/dev/null |
    head -c $((BIG_MIB << 20)) | tee "$E/big.src" | sha256sum | cut -d' ' -f1)
assert_eq "$(stat -c %s "$E/big.src")" $((BIG_MIB << 20)) "size of big.src"
echo "+ server side: $NDIR files, $BIG_MIB MiB big.src (sha256 $big_sum)" \
    "in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')s"
start_lc_server "$E $NET_PREFIX.0/24(rw,no_root_squash)"

cat >"$T/guest.sh" <<'GUEST'
. /share/guest-lib.sh
M=/mnt/nfs
mkdir -p $M
# host_check NAME: let the host act on the server side now (it polls for
# /share/NAME) and go on once it has (it creates /share/NAME.done).
host_check() {
	: >"/share/$1"
	local i
	for i in $(seq 1200); do
		[ -e "/share/$1.done" ] && return 0
		sleep 0.1
	done
	fail "the host did not answer $1 within 120 s"
}
# tstep NAME: step, with its duration recorded for the timings.
T_LAST='' T_NAME=''
: >/share/timings
tstep() {
	local now
	now=$(date +%s.%N)
	[ -z "$T_NAME" ] || awk -v a="$T_LAST" -v b="$now" -v n="$T_NAME" \
	    'BEGIN { printf "%6.1fs  %s\n", b - a, n }' >>/share/timings
	T_LAST=$now T_NAME=$1
	[ "$1" = end ] || step "$1"
}
py() { /usr/bin/python3 "$@"; }

tstep "mount vers=3,proto=tcp"
must mount -t nfs -o vers=3,proto=tcp,nolock "$SERVER_ADDR:$EXPORT" $M
cd $M || fail "cd $M"

tstep "start the copy of $BIG_MIB MiB in the background"
# TCG makes the copy CPU-bound (~30 s unloaded): it runs while the small
# steps below do, on the other vCPU; its data are checked at the end.
(
	rc=0
	dd if=big.src of=big.dst bs=1M conv=fsync status=none || rc=$?
	echo $rc >/tmp/copy.rc
) >/tmp/copy.log 2>&1 &
COPY_PID=$!

tstep "create, write, read"
printf 'hello\n' >a/file || fail "create"
printf 'world\n' >>a/file || fail "append"
must cat a/file
assert_eq "$OUT" "hello
world"
must stat -c '%s %F' a/file
assert_eq "$OUT" "12 regular file"

tstep "rename in one directory and across directories"
printf 'moving\n' >a/r1 || fail "create a/r1"
must mv a/r1 a/r2
[ ! -e a/r1 ] || fail "a/r1 still there"
must mv a/r2 b/r3
[ ! -e a/r2 ] || fail "a/r2 still there"
must cat b/r3
assert_eq "$OUT" "moving"
printf 'victim\n' >b/r4 || fail "create b/r4"
must mv b/r3 b/r4	# rename over an existing file
must cat b/r4
assert_eq "$OUT" "moving"
must mkdir a/dir1
must mv a/dir1 b/dir2	# a directory across directories
[ -d b/dir2 ] || fail "b/dir2 not a directory"

tstep "hard links"
printf 'linked\n' >a/h1 || fail "create a/h1"
must ln a/h1 b/h2
must stat -c '%h %i' a/h1
h1=$OUT
must stat -c '%h %i' b/h2
assert_eq "$OUT" "$h1" "nlink and inode of the two names"
assert_match '^2 ' "$h1" "nlink 2"
printf 'more\n' >>b/h2
must cat a/h1
assert_eq "$OUT" "linked
more"

tstep "symlink, readlink"
must ln -s ../b/r4 a/sym
must readlink a/sym
assert_eq "$OUT" "../b/r4"
must cat a/sym
assert_eq "$OUT" "moving"
must stat -c '%F %s' a/sym
assert_eq "$OUT" "symbolic link 7"
long=$(printf 'x%.0s' $(seq 1000))
must ln -s "$long" a/longsym
must readlink a/longsym
assert_eq "$OUT" "$long" "a 1000-byte symlink"

tstep "chmod with setuid, chown"
printf '#!/bin/sh\n' >a/suid
must chmod 4755 a/suid
must stat -c '%a %A' a/suid
assert_eq "$OUT" "4755 -rwsr-xr-x"
must mkdir a/dir0
must chmod 2710 a/dir0
must stat -c '%a' a/dir0
assert_eq "$OUT" "2710"
printf 'owned\n' >a/owned
must chown 1234:5678 a/owned
must stat -c '%u:%g' a/owned
assert_eq "$OUT" "1234:5678"
must chmod 0640 a/owned
must stat -c '%a %u:%g' a/owned
assert_eq "$OUT" "640 1234:5678"

tstep "touch -d, utimes"
: >a/times
must touch -m -d '2001-02-03 04:05:06.123456789 UTC' a/times
must touch -a -d '1999-12-31 23:59:58.5 UTC' a/times
must stat -c '%Y %y|%X %x' a/times
assert_match '^981173106 2001-02-03 04:05:06\.123456789' "$OUT" "mtime"
assert_match '\|946684798 1999-12-31 23:59:58\.500000000' "$OUT" "atime"
must touch -d '@4102444800' a/times2	# 2100-01-01: past 2038
must stat -c '%Y' a/times2
assert_eq "$OUT" 4102444800 "mtime past 2038"

tstep "mkfifo, mknod"
must mkfifo -m 0620 a/fifo
must stat -c '%F %a' a/fifo
assert_eq "$OUT" "fifo 620"
must mknod -m 0600 a/chr c 1 3
must mknod -m 0660 a/blk b 7 129
must stat -c '%F %t:%T %a' a/chr
assert_eq "$OUT" "character special file 1:3 600"
must stat -c '%F %t:%T %a' a/blk
assert_eq "$OUT" "block special file 7:81 660"
must head -c 4 a/chr	# /dev/null of the guest: reads nothing
assert_eq "$OUT" ""

tstep "O_EXCL create"
# A reference for "now" in the server's clock (a TCG guest's own clock
# can run fast on a loaded host).
: >a/excl-ref
t_before=$(stat -c %Y a/excl-ref)
must py - a/excl <<'PY'
import errno, os, sys
p = sys.argv[1]
fd = os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o640)
os.write(fd, b"first\n")
os.close(fd)
try:
    os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
except OSError as e:
    if e.errno != errno.EEXIST:
        raise
    print("second O_EXCL: EEXIST")
else:
    sys.exit("second O_EXCL create succeeded")
PY
assert_match "second O_EXCL: EEXIST" "$OUT"
must cat a/excl
assert_eq "$OUT" "first"
# NFSv3 EXCLUSIVE create keeps a verifier in the times until the client's
# SETATTR: the file must end with the caller's mode and real times.
must stat -c '%a %s %Y %X' a/excl
read -r mode size mt at <<<"$OUT"
assert_eq "$mode $size" "640 6" "mode and size after O_EXCL"
[ "$mt" -ge "$t_before" ] && [ "$mt" -le $((t_before + 120)) ] ||
    fail "mtime $mt after O_EXCL is not now ($t_before)"
[ "$at" -ge "$t_before" ] && [ "$at" -le $((t_before + 120)) ] ||
    fail "atime $at after O_EXCL is not now ($t_before)"

tstep "unlink of an open file"
mkdir -p a/ul
printf 'still readable\n' >a/ul/open
exec 7<a/ul/open || fail "open"
must rm a/ul/open
[ ! -e a/ul/open ] || fail "a/ul/open still there"
must ls -A a/ul
silly=$OUT
# The Linux client renames instead of removing (".nfsXXXX") while the
# file is open, and removes that name at the last close.
assert_match '^\.nfs[0-9a-f]+$' "$silly" "the client's silly rename"
echo "$silly" >/share/silly-name
host_check silly-open
must cat <&7
assert_eq "$OUT" "still readable" "reading through the open descriptor"
exec 7<&-
for i in $(seq 100); do
	[ -z "$(ls -A a/ul)" ] && break
	sleep 0.1
done
must ls -A a/ul
assert_eq "$OUT" "" "the silly-renamed file is gone after close"

tstep "truncate and extend"
head -c 100000 /dev/urandom >/tmp/rnd
cp /tmp/rnd a/trunc || fail "cp"
must truncate -s 10000 a/trunc
must stat -c '%s' a/trunc
assert_eq "$OUT" 10000
cmp -n 10000 a/trunc /tmp/rnd || fail "first 10000 bytes changed"
must truncate -s 1048576 a/trunc
must stat -c '%s' a/trunc
assert_eq "$OUT" 1048576
cmp -n 10000 a/trunc /tmp/rnd || fail "first 10000 bytes changed by extend"
cmp -i 10000:0 -n $((1048576 - 10000)) a/trunc /dev/zero ||
    fail "the extension does not read as zeros"
echo 3 >/proc/sys/vm/drop_caches
cmp -i 10000:0 -n $((1048576 - 10000)) a/trunc /dev/zero ||
    fail "the extension does not read as zeros (after drop_caches)"
head -c 10000 /tmp/rnd | cmp - <(head -c 10000 a/trunc) || fail "prefix after drop_caches"
must truncate -s 0 a/trunc
must stat -c '%s' a/trunc
assert_eq "$OUT" 0

tstep "sparse file past 4 GiB"
G5=$((5 << 30))
printf 'Z' | dd of=a/sparse bs=1 seek=$G5 conv=notrunc status=none ||
    fail "write a byte at 5 GiB"
must stat -c '%s' a/sparse
assert_eq "$OUT" $((G5 + 1))
echo 3 >/proc/sys/vm/drop_caches
must dd if=a/sparse bs=1 skip=$G5 count=1 status=none
assert_eq "$OUT" "Z" "the byte at 5 GiB"
# Zeros before it: the start, around 4 GiB (32-bit offsets), and the
# last MiB before the byte.
for off in 0 $(((4 << 30) - (1 << 19))) $((G5 - (1 << 20))); do
	cmp -i "$off:0" -n $((1 << 20)) a/sparse /dev/zero ||
	    fail "a hole at offset $off does not read as zeros"
done
ok "5 GiB + 1 byte, holes read as zeros"

tstep "readdir of 10,000 entries"
printf 'f%05d\n' $(seq 0 $((NDIR - 1))) >/tmp/expected
ls big >/tmp/list1 || fail "ls big"
n=$(wc -l </tmp/list1)
assert_eq "$n" "$NDIR" "entries listed"
dups=$(sort /tmp/list1 | uniq -d | head)
assert_eq "$dups" "" "duplicates"
cmp -s /tmp/expected /tmp/list1 || fail "ls big differs from the names made"
ls -f big >/tmp/list1f || fail "ls -f big"
assert_eq "$(grep -vc '^\.\.\?$' /tmp/list1f)" "$NDIR" "ls -f (readdir order)"
echo "ls -f lists $(grep -c '^\.\.\?$' /tmp/list1f) of . and .."

tstep "readdir while the server adds files"
echo 3 >/proc/sys/vm/drop_caches
host_check adding	# the host is now adding big/nNNNNNN, and goes on
ls -f big >/tmp/list2 || fail "ls -f big"
host_check stop-adding
grep '^f' /tmp/list2 | sort >/tmp/list2f
dups=$(grep -v '^\.\.\?$' /tmp/list2 | sort | uniq -d | head)
assert_eq "$dups" "" "duplicates while files were being added"
missing=$(comm -23 /tmp/expected /tmp/list2f | head)
assert_eq "$missing" "" "entries that existed before the listing, missing"
assert_eq "$(wc -l </tmp/list2f)" "$NDIR" "old entries listed"
added=$(grep -c '^n' /tmp/list2)
echo "the listing saw $added of the $(cat /share/added-during) files added during it" |
    tee /share/readdir-added

tstep "wait for the copy of $BIG_MIB MiB"
wait $COPY_PID
assert_eq "$(cat /tmp/copy.rc 2>/dev/null)" 0 \
    "status of dd if=big.src of=big.dst ($(cat /tmp/copy.log))"

tstep "sha256 of the copy after drop_caches"
echo 3 >/proc/sys/vm/drop_caches
# Python's hashlib (OpenSSL) hashes faster than sha256sum under TCG, and
# a reader thread lets the NFS reads and the hashing overlap (both release
# the GIL): the two vCPUs halve the time of this step.
must py -c '
import hashlib, queue, sys, threading
q = queue.Queue(16)
def reader():
    with open(sys.argv[1], "rb", buffering=0) as f:
        while True:
            b = f.read(1 << 20)
            q.put(b)
            if not b:
                return
threading.Thread(target=reader, daemon=True).start()
h = hashlib.sha256()
while True:
    b = q.get()
    if not b:
        break
    h.update(b)
print(h.hexdigest())' big.dst
assert_eq "$OUT" "$BIG_SUM" "sha256 of the copy"
must stat -c '%s' big.dst
assert_eq "$OUT" $((BIG_MIB << 20))

tstep "mmap write, read back"
must py - a/mmap <<'PY'
import mmap, os, sys
p, size = sys.argv[1], 1 << 20
fd = os.open(p, os.O_RDWR | os.O_CREAT, 0o644)
os.ftruncate(fd, size)
m = mmap.mmap(fd, size)
for i in range(0, size, 4096):
    m[i:i + 16] = b"page%06d-mmap\n" % (i // 4096)
m[size - 4:] = b"END\n"
m.flush()
m.close()
os.close(fd)
PY
echo 3 >/proc/sys/vm/drop_caches
must py - a/mmap <<'PY'
import mmap, os, sys
p, size = sys.argv[1], 1 << 20
data = open(p, "rb").read()
assert len(data) == size, len(data)
fd = os.open(p, os.O_RDONLY)
m = mmap.mmap(fd, size, prot=mmap.PROT_READ)
assert m[:] == data
for i in range(0, size - 4096, 4096):
    assert data[i:i + 16] == b"page%06d-mmap\n" % (i // 4096), i
    assert data[i + 16:i + 4096] == bytes(4080), i
assert data[-4:] == b"END\n"
print("mmap: 256 pages read back by read(2) and by a new mapping")
PY

tstep "stat of every file, for the server side"
echo 3 >/proc/sys/vm/drop_caches
# name type mode uid gid size nlink inode mtime major minor, as the
# server must have them (atime and ctime aside: reads move atime).
find . -path ./big -prune -o -print | LC_ALL=C sort |
    xargs stat -c '%n|%F|%a|%u|%g|%s|%h|%i|%Y|%t|%T' >/share/stat.guest ||
    fail "stat"
wc -l </share/stat.guest
cd /
must umount $M
tstep end
ok "POSIX battery passed in the guest"
GUEST

host_answer() {
	wait_until 280 test -e "$T/guest1/$1" || {
		guest_wait 1
		fail "guest1 never reached $1"
	}
	"${@:2}"
	: >"$T/guest1/$1.done"
}
silly_on_server() {
	SILLY_SERVER=$(ls -A "$E/a/ul")
	echo "+ server side of a/ul while the file is open: $SILLY_SERVER"
}
ADDER=
start_adding() {
	(
		i=0
		while [ $i -lt 200000 ]; do
			printf -v f '%s/big/n%06d' "$E" $i
			: >"$f"
			i=$((i + 1))
		done
	) &
	ADDER=$!
	wait_until 10 test -e "$E/big/n000050" || fail "the adder does not add"
}
stop_adding() {
	kill "$ADDER" 2>/dev/null
	wait "$ADDER" 2>/dev/null
	find "$E/big" -name 'n*' | wc -l >"$T/guest1/added-during"
	echo "+ the server added $(cat "$T/guest1/added-during") files during the listing"
}

guest_start 1 "$T/guest.sh" -t 280 -e "EXPORT=$E" -e "BIG_SUM=$big_sum" \
    -e "BIG_MIB=$BIG_MIB" -e "NDIR=$NDIR"
host_answer silly-open silly_on_server
host_answer adding start_adding
host_answer stop-adding stop_adding
guest_wait 1
sed 's/^/timings:   /' "$T/guest1/timings"
cat "$T/guest1/readdir-added"

# ---- the server's side of what the guest did
assert_eq "$SILLY_SERVER" "$(cat "$T/guest1/silly-name")" \
    "the silly-renamed name on the server while open"
cd "$E" || fail "cd $E"
find . -path ./big -prune -o -print | LC_ALL=C sort |
    xargs stat -c '%n|%F|%a|%u|%g|%s|%h|%i|%Y|%t|%T' >"$T/stat.server"
if ! diff -u "$T/guest1/stat.guest" "$T/stat.server"; then
	fail "the guest's stat (-) differs from the server's (+)"
fi
ok "stat of $(wc -l <"$T/stat.server") names agrees between guest and server"
must stat -c '%a %u:%g %h' a/suid a/owned a/h1 b/h2
assert_eq "$OUT" "4755 0:0 1
640 1234:5678 1
644 0:0 2
644 0:0 2" "setuid, chown, nlink on the server"
assert_eq "$(stat -c '%F %t:%T' a/chr a/blk a/fifo)" "character special file 1:3
block special file 7:81
fifo 0:0" "device numbers on the server"
assert_eq "$(readlink a/sym)" "../b/r4" "symlink on the server"
mt=$(stat -c '%.9Y' a/times) at=$(stat -c '%.9X' a/times)
assert_eq "$mt|$at" "981173106.123456789|946684798.500000000" \
    "mtime and atime to the nanosecond on the server"
assert_eq "$(stat -c '%s' a/sparse)" $(((5 << 30) + 1)) "sparse size on the server"
blocks=$(stat -c '%b' a/sparse)
[ "$blocks" -lt 1024 ] || fail "a/sparse uses $blocks blocks on the server: holes filled"
assert_eq "$(tail -c 1 a/sparse)" "Z" "the byte at 5 GiB on the server"
cmp big.src big.dst || fail "big.dst differs from big.src on the server"
assert_eq "$(head -c 16 a/mmap)" "page000000-mmap" "mmap'd data on the server"
assert_eq "$(ls -A a/ul)" "" "no silly-renamed file left on the server"
ok "the server's file system has what the guest did"
lc_timings
