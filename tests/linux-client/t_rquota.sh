#!/bin/bash
# t_rquota: rpc.rquotad over real quotas. This host's kernel has no quota
# support, so the whole suite (rpcbind, rpc.mountd, rpc.nfsd, rpc.rquotad,
# the binaries of this build) runs inside one guest, whose Debian kernel
# has it, on a quota-enabled ext4 image (mkfs.ext4 -O quota -E
# quotatype=usrquota:grpquota, on a loop device), and the guest's kernel
# client mounts it over loopback. One boot for all of it:
#  - libnfs's raw RQUOTA API (rquotaprobe) v1 and v2: the user and group
#    quotas root reads match repquota's (usage, limits, grace left: 7 days
#    for a user over its soft limit); GETACTIVEQUOTA the same, limits being
#    enforced; a user reads its own and its group's, and gets EPERM for
#    another uid or group; a path outside the exports: EPERM; a path in
#    the export that does not exist: NOQUOTA;
#  - Debian's rpc.rquotad (the quota package), run in its place, gives
#    the same answers to the same calls;
#  - SETQUOTA (rquotacall, v1 and v2, UDP and TCP): refused while off, and
#    repquota shows nothing changed; with -S, root's SETQUOTA changes what
#    repquota shows, and the answer carries the new limits;
#  - the kernel client: mount -t nfs -o vers=3; `quota -v` as an ordinary
#    user shows the mount's limits and usage as set on the server (over
#    rpc.rquotad, UDP); after the user writes 300 KiB over NFS its usage
#    has grown by that much; writing past the hard limit fails with
#    "Disk quota exceeded" (EDQUOT) in the guest.
# timeout: 420
. "$(dirname "$0")/lib.sh"

G=$T/guest1
mkdir -p "$G/bin"
for b in rpcbind/rpcbind mountd/rpc.mountd nfsd/rpc.nfsd rquotad/rpc.rquotad \
    tests/clients/rquotaprobe tests/clients/rquotacall; do
	[ -x "$BUILD/$b" ] || fail "$BUILD/$b not built"
	cp "$BUILD/$b" "$G/bin/" || fail "cp $b"
done

cat >"$T/q.sh" <<'GUEST'
. /share/guest-lib.sh
B=/share/bin
Q=/srv/q
S=/tmp/st

step "a quota-enabled ext4 on a loop device"
modprobe -a loop ext4 quota_v2 2>/dev/null
must truncate -s 96M /tmp/q.img
must mkfs.ext4 -q -F -O quota -E quotatype=usrquota:grpquota /tmp/q.img
mkdir -p $Q
must mount -o loop,usrquota,grpquota /tmp/q.img $Q
# quotaon -p exits with a bit per quota type that is on
OUT=$(quotaon -p $Q 2>&1)
echo "$OUT"
assert_match 'user quota on .* is on' "$OUT" "user quota enforced"
assert_match 'group quota on .* is on' "$OUT" "group quota enforced"
cat >>/etc/passwd <<EOF
alice:x:1001:1001::/tmp:/bin/sh
bob:x:1002:1002::/tmp:/bin/sh
EOF
cat >>/etc/group <<EOF
alice:x:1001:
bob:x:1002:
proj:x:2000:alice
EOF
mkdir -p $Q/home $Q/proj
chown 1001:1001 $Q/home
chown 1001:2000 $Q/proj
chmod 2775 $Q/proj
must setquota -u alice 1000 2000 50 100 $Q
must setquota -u bob 500 900 20 40 $Q
must setquota -g proj 3000 4000 200 300 $Q
# alice: 1200 KiB, over her soft limit (a grace period starts); 3 files
as_uid 1001 dd if=/dev/zero of=$Q/home/a bs=1k count=1100 status=none ||
    fail "alice's first file"
as_uid 1001 dd if=/dev/zero of=$Q/home/b bs=1k count=100 status=none ||
    fail "alice's second file"
# proj: 200 KiB, owned by alice, group proj
HOME=/tmp setpriv --reuid=1001 --regid=2000 --clear-groups -- \
    dd if=/dev/zero of=$Q/proj/p bs=1k count=200 status=none ||
    fail "proj's file"
sync
must repquota -v -u -n -p $Q
echo "$OUT" >/tmp/rep-u
must repquota -v -g -n -p $Q
echo "$OUT" >/tmp/rep-g

step "start the suite"
mkdir -p $S
cat >/tmp/nfs.conf <<EOF
[global]
state-dir = $S
log-burst = 1000
# not the guest's /etc/nfs.conf (nfs-common's: [mountd] manage-gids = y)
nfs-conf =
[rpcbind]
state-dir = $S/rpcbind
EOF
echo "$Q 127.0.0.1(rw,no_root_squash)" >/tmp/exports
mkdir -p /tmp/exports.d
x="-e /tmp/exports -E /tmp/exports.d"
$B/rpcbind -F --config /tmp/nfs.conf >/share/rpcbind.log 2>&1 &
for i in $(seq 100); do rpcinfo -T tcp 127.0.0.1 100000 4 >/dev/null 2>&1 && break; sleep 0.1; done
$B/rpc.mountd -F -f /tmp/nfs.conf $x >/share/mountd.log 2>&1 &
$B/rpc.nfsd -F -f /tmp/nfs.conf $x >/share/nfsd.log 2>&1 &
# rpc.rquotad's 875 is a reserved port: as rpc.rquotad(8) advises, keep
# root's libtirpc clients off it; a client that used it anyway (libnfs)
# leaves a TIME_WAIT that rpc.rquotad waits out (up to 70 s) when started
# again
echo "875	# rpc.rquotad" >>/etc/bindresvport.blacklist
start_rquotad() {
	$B/rpc.rquotad -F -f /tmp/nfs.conf $x "$@" >>/share/rquotad.log 2>&1 &
	RQD=$!
	for i in $(seq 800); do
		rpcinfo -T udp 127.0.0.1 100011 1 >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "rpc.rquotad did not register"
}
start_rquotad
for p in "100005 3" "100003 3"; do
	for i in $(seq 100); do rpcinfo -T tcp 127.0.0.1 $p >/dev/null 2>&1 && break; sleep 0.1; done
done
must rpcinfo -p 127.0.0.1
assert_match '100011 +2 +udp +875 +rquotad' "$OUT"

# rep FILE ID: "bused bsoft bhard btime iused isoft ihard itime" of ID
rep() {
	awk -v id="#$2" '$1 == id { print $3, $4, $5, $6, $7, $8, $9, $10 }' "$1"
}
# probe_vs_rep OUT REPLINE: the RQUOTA answer says what repquota said
probe_vs_rep() {
	local out=$1 bu bs bh bt iu is ih it now left
	read -r bu bs bh bt iu is ih it <<<"$2"
	[ -n "$ih" ] || fail "no repquota line"
	assert_match "^status=OK bsize=1024 active=1 bhard=$bh bsoft=$bs curblocks=$bu fhard=$ih fsoft=$is curfiles=$iu " "$out" "quota as repquota has it ($2)"
	left=$(sed -n 's/.* btimeleft=\(-*[0-9]*\) .*/\1/p' <<<"$out")
	now=$(date +%s)
	if [ "$bt" = 0 ]; then
		assert_eq "$left" 0 "no block grace running"
	else
		# the seconds left are the deadline repquota prints, less now
		[ $((bt - now - left)) -ge -2 ] && [ $((bt - now - left)) -le 2 ] ||
		    fail "btimeleft $left, repquota's deadline $bt, now $now"
	fi
}

step "GETQUOTA as root: repquota's numbers"
must $B/rquotaprobe 127.0.0.1 get1 $Q 1001
probe_vs_rep "$OUT" "$(rep /tmp/rep-u 1001)"
left=$(sed -n 's/.* btimeleft=\([0-9]*\) .*/\1/p' <<<"$OUT")
[ "$left" -gt $((7 * 86400 - 120)) ] && [ "$left" -le $((7 * 86400)) ] ||
    fail "alice's grace left: $left s, not about 7 days"
must $B/rquotaprobe 127.0.0.1 getactive1 $Q/home 1001
probe_vs_rep "$OUT" "$(rep /tmp/rep-u 1001)"
must $B/rquotaprobe 127.0.0.1 get2 $Q usr 1002
probe_vs_rep "$OUT" "$(rep /tmp/rep-u 1002)"
must $B/rquotaprobe 127.0.0.1 get2 $Q/proj grp 2000
probe_vs_rep "$OUT" "$(rep /tmp/rep-g 2000)"
must $B/rquotaprobe 127.0.0.1 getactive2 $Q grp 2000
probe_vs_rep "$OUT" "$(rep /tmp/rep-g 2000)"
must $B/rquotacall 127.0.0.1 get1 $Q 1001
probe_vs_rep "$OUT" "$(rep /tmp/rep-u 1001)"
must $B/rquotacall -t 127.0.0.1 get2 $Q grp 2000
probe_vs_rep "$OUT" "$(rep /tmp/rep-g 2000)"
# an id with no quota set: all zero, no limit
must $B/rquotaprobe 127.0.0.1 get1 $Q 4242
assert_match '^status=OK bsize=1024 active=1 bhard=0 bsoft=0 curblocks=0 fhard=0 fsoft=0 curfiles=0 btimeleft=0 ftimeleft=0' "$OUT"
ok "v1 and v2, user and group, libnfs and libtirpc, UDP and TCP: as repquota"

step "who may ask, which paths"
must $B/rquotaprobe -u 1001 -g 1001,2000 127.0.0.1 get1 $Q 1001
probe_vs_rep "$OUT" "$(rep /tmp/rep-u 1001)"
must $B/rquotaprobe -u 1001 -g 1001,2000 127.0.0.1 get2 $Q grp 2000
probe_vs_rep "$OUT" "$(rep /tmp/rep-g 2000)"
must $B/rquotaprobe -u 1001 -g 1001,2000 127.0.0.1 get1 $Q 1002
assert_match '^status=EPERM' "$OUT" "alice asking for bob"
must $B/rquotaprobe -u 1002 -g 1002 127.0.0.1 get2 $Q grp 2000
assert_match '^status=EPERM' "$OUT" "bob asking for proj"
must $B/rquotaprobe 127.0.0.1 get1 /tmp 1001
assert_match '^status=EPERM' "$OUT" "a path outside the exports"
must $B/rquotaprobe 127.0.0.1 get1 $Q/../tmp 1001
assert_match '^status=EPERM' "$OUT" "a path out by .."
must $B/rquotaprobe 127.0.0.1 get1 $Q/nonexistent 1001
assert_match '^status=NOQUOTA' "$OUT" "a missing path"
grep -q "refused GETQUOTA request from 127.0.0.1:[0-9]* for user quota of 1002 on $Q: caller is uid 1001" /share/rquotad.log ||
    fail "the refusal is not logged"
ok "own uid and groups only, EPERM otherwise and logged; outside the exports: EPERM"

step "Debian's rpc.rquotad, the reference, answers the same"
# ours: the answers up to the time left (seconds pass between the calls)
cmp_calls() {
	"$B/rquotaprobe" 127.0.0.1 get1 $Q 1001
	"$B/rquotaprobe" 127.0.0.1 get2 $Q usr 1002
	"$B/rquotaprobe" 127.0.0.1 get2 $Q/proj grp 2000
	"$B/rquotaprobe" 127.0.0.1 get2 $Q usr 4242
	"$B/rquotacall" 127.0.0.1 get1 $Q 1001
	"$B/rquotaprobe" -u 1001 -g 1001,2000 127.0.0.1 get1 $Q 1001
	"$B/rquotaprobe" -u 1001 -g 1001,2000 127.0.0.1 get2 $Q grp 2000
	"$B/rquotaprobe" -u 1001 -g 1001,2000 127.0.0.1 get1 $Q 1002
}
cmp_calls 2>&1 | sed 's/ btimeleft=.*//' >/tmp/ours.txt
kill $RQD
wait $RQD
/usr/sbin/rpc.rquotad -F >/share/debian-rquotad.log 2>&1 &
DRQ=$!
for i in $(seq 100); do rpcinfo -T udp 127.0.0.1 100011 2 >/dev/null 2>&1 && break; sleep 0.1; done
must rpcinfo -p 127.0.0.1
assert_match '100011 +2 +udp' "$OUT" "Debian's rpc.rquotad registered"
cmp_calls 2>&1 | sed 's/ btimeleft=.*//' >/tmp/theirs.txt
kill $DRQ
wait $DRQ
echo "--- ours"; cat /tmp/ours.txt
echo "--- Debian's"; cat /tmp/theirs.txt
diff -u /tmp/theirs.txt /tmp/ours.txt || fail "our answers differ from Debian's rpc.rquotad"
for i in $(seq 100); do rpcinfo -T udp 127.0.0.1 100011 1 >/dev/null 2>&1 || break; sleep 0.1; done
start_rquotad
ok "Debian's rpc.rquotad gives the same $(wc -l </tmp/ours.txt) answers"

step "SETQUOTA"
must $B/rquotacall 127.0.0.1 set2 $Q usr 1002 qlim 3000 2500 70 60
assert_match '^status=EPERM' "$OUT" "SETQUOTA while off"
must repquota -v -u -n -p $Q
assert_eq "$(echo "$OUT" | awk '$1 == "#1002" { print $4, $5, $8, $9 }')" "500 900 20 40" "bob's limits unchanged"
kill $RQD
wait $RQD
start_rquotad -S
must $B/rquotacall 127.0.0.1 set2 $Q usr 1002 qlim 3000 2500 70 60
assert_match '^status=OK bsize=1024 active=1 bhard=3000 bsoft=2500 curblocks=0 fhard=70 fsoft=60 ' "$OUT" "SETQUOTA's answer"
must $B/rquotacall -t 127.0.0.1 set1 $Q 1001 qlim 2000 1000 100 50
must $B/rquotacall -t 127.0.0.1 set2 $Q grp 2000 qlim 6000 5000 400 300
must $B/rquotacall -u 1001 -g 1001 127.0.0.1 set1 $Q 1001 qlim 9000 9000 900 900
assert_match '^status=EPERM' "$OUT" "alice setting her own quota"
must repquota -v -u -n -p $Q
assert_eq "$(echo "$OUT" | awk '$1 == "#1002" { print $4, $5, $8, $9 }')" "2500 3000 60 70" "bob's new limits in repquota"
assert_eq "$(echo "$OUT" | awk '$1 == "#1001" { print $4, $5, $8, $9 }')" "1000 2000 50 100" "alice's limits in repquota"
must repquota -v -g -n -p $Q
assert_eq "$(echo "$OUT" | awk '$1 == "#2000" { print $4, $5, $8, $9 }')" "5000 6000 300 400" "proj's new limits in repquota"
ok "SETQUOTA refused while off; with -S root's changes show in repquota"

# quota(1) exits 1 when a file system is over quota (alice is): not an error
quota_v() {
	local rc=0
	OUT=$(as_uid 1001 quota -u -v -w 2>&1) || rc=$?
	printf '+ quota -u -v -w (as alice)\n%s\n' "$OUT"
	[ $rc -le 1 ] || fail "quota -v exited $rc"
}

step "the kernel client: quota -v over NFS"
mkdir -p /mnt/q
must mount -t nfs -o vers=3,proto=tcp,nolock 127.0.0.1:$Q /mnt/q
quota_v
echo "$OUT" >/share/quota-1.txt
line=$(echo "$OUT" | grep "^ *127.0.0.1:$Q ")
[ -n "$line" ] || fail "quota -v shows no line for the NFS mount"
read -r _ bused bsoft bhard grace iused isoft ihard _ <<<"$line"
u=$(rep /tmp/rep-u 1001)
read -r rbu _ _ _ riu _ _ _ <<<"$u"
assert_eq "${bused%\*}" "$rbu" "quota -v: blocks used, as on the server"
assert_eq "$bsoft $bhard" "1000 2000" "quota -v: block limits, as set on the server"
assert_match '^(6days|7days|167:5[0-9]|168:00)$' "$grace" "quota -v: grace left"
assert_eq "$iused $isoft $ihard" "$riu 50 100" "quota -v: files, as on the server"
ok "quota -v as alice: $line"

step "usage grows with what alice writes over NFS"
as_uid 1001 dd if=/dev/zero of=/mnt/q/home/c bs=1k count=300 conv=fsync status=none ||
    fail "alice's write over NFS"
quota_v
line=$(echo "$OUT" | grep "^ *127.0.0.1:$Q ")
read -r _ bused2 _ <<<"$line"
bused2=${bused2%\*}
[ "$bused2" -ge $((rbu + 300)) ] && [ "$bused2" -le $((rbu + 310)) ] ||
    fail "usage $bused2 after 300 KiB more, was $rbu"
must repquota -v -u -n -p $Q
assert_eq "$(echo "$OUT" | awk '$1 == "#1001" { print $3 }')" "$bused2" "quota -v and repquota agree"
ok "usage grew from $rbu to $bused2 KiB"

step "past the hard limit: EDQUOT"
mustnot as_uid 1001 dd if=/dev/zero of=/mnt/q/home/d bs=64k count=16 conv=fsync status=none
assert_match 'Disk quota exceeded' "$OUT" "dd past the hard limit"
quota_v
echo "$OUT" >/share/quota-2.txt
line=$(echo "$OUT" | grep "^ *127.0.0.1:$Q ")
read -r _ bused3 _ <<<"$line"
[ "${bused3%\*}" -le 2000 ] || fail "usage $bused3 past the hard limit of 2000"
must umount /mnt/q
ok "writing past the hard limit fails with EDQUOT; usage stays at $bused3 <= 2000"
kill %1 %2 %3 $RQD 2>/dev/null
wait
ok "rpc.rquotad over real quotas: libnfs, SETQUOTA, quota -v and EDQUOT"
GUEST

guest_start 1 "$T/q.sh" -t 360 --no-net
guest_wait 1
for f in rquotad.log quota-1.txt quota-2.txt; do
	[ -f "$G/$f" ] && { echo "---- $f"; tail -n 20 "$G/$f"; }
done
lc_timings
ok "rpc.rquotad over real quotas in the guest: RQUOTA v1/v2, SETQUOTA, quota -v, EDQUOT"
