#!/bin/bash
# t_krb5_guest: the Linux kernel client mounts rpc.nfsd with sec=krb5,
# krb5i and krb5p (RPCSEC_GSS, rpc.gssd in the guest):
#  - a throwaway realm whose KDC listens on the bridge (198.51.100.1:88);
#    the guest gets krb5.conf, a keytab with nfs/guest1 (root's machine
#    credential) and the users' keytabs through the share, and runs
#    rpc.gssd (start_gssd)
#  - kinit and klist in the guest, as an ordinary user, against that KDC
#  - mount -o vers=3,sec=krb5 / krb5i / krb5p of one export, three times
#  - alice (uid 2001) writes and reads as herself on each: the server's
#    file is owned by 2001 (alice@NFS.TEST mapped by rpc.nfsd)
#  - carol, with no ticket, is refused (EACCES)
#  - alice and bob write at once on one mount: each file is its writer's
#  - 256 MiB copied to the krb5p mount and read back: the server's copy has
#    the sha256 of the original, and the guest reads back the same bytes
# The suite runs in our namespace on the bridge address, with a private
# /etc/passwd (bind mounted here only) naming alice and bob; rpc.nfsd's
# keytab holds nfs/server (the name the guest's rpc.gssd asks for).
# timeout: 600
. "$(dirname "$0")/lib.sh"

E=$(mktemp -d "/var/tmp/nfs-suite-$TEST_NAME.XXXXXX") || fail "mktemp"
# shellcheck disable=SC2154  # rc is the trap's own
trap 'rc=$?; rm -rf "$E"; (exit $rc); _on_exit' EXIT
chmod 0777 "$E"
ALICE=2001 BOB=2002 CAROL=2003
{
	grep -Ev '^(alice|bob|carol):' /etc/passwd
	echo "alice:x:$ALICE:$ALICE::/nonexistent:/usr/sbin/nologin"
	echo "bob:x:$BOB:$BOB::/nonexistent:/usr/sbin/nologin"
	echo "carol:x:$CAROL:$CAROL::/nonexistent:/usr/sbin/nologin"
} >"$T/passwd"
{
	grep -Ev '^(alice|bob|carol):' /etc/group
	printf '%s:x:%s:\n' alice $ALICE bob $BOB carol $CAROL
} >"$T/group"
mount --bind "$T/passwd" /etc/passwd || fail "bind mount passwd"
mount --bind "$T/group" /etc/group || fail "bind mount group"

t_setup=$SECONDS
lc_krb5_setup alice bob
lc_krb5_guest 1 alice bob
cat >"$T/nfs.conf" <<EOF
[gss]
keytab = $KRB5_KEYTAB
principal = nfs/server
EOF
LC_CONF=$T/nfs.conf
start_lc_server "$E $NET_PREFIX.0/24(sec=krb5:krb5i:krb5p,rw)"
grep -q 'RPCSEC_GSS: accepting nfs/server' "$T/nfsd.log" ||
    fail "rpc.nfsd did not take the keytab"
echo "timings: realm + suite $((SECONDS - t_setup)) s"

cat >"$T/guest.sh" <<'GUEST'
. /share/guest-lib.sh
MIB=256

step "Kerberos in the guest"
start_gssd
must klist -k /etc/krb5.keytab
assert_match "nfs/$GUEST_NAME@$REALM" "$OUT" "the guest's keytab"
for u in alice:$ALICE bob:$BOB carol:$CAROL; do
	must useradd -M -u "${u#*:}" -U -s /bin/sh "${u%%:*}"
done
for u in alice:$ALICE bob:$BOB; do
	install -m 600 -o "${u#*:}" -g "${u#*:}" "/share/${u%%:*}.keytab" \
	    "/tmp/${u%%:*}.keytab" || fail "install ${u%%:*}.keytab"
done

step "kinit as alice and bob (KDC at $SERVER_ADDR)"
t0=$(date +%s.%N)
must as_uid "$ALICE" kinit -k -t /tmp/alice.keytab alice
echo "kinit: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s"
must as_uid "$ALICE" klist
assert_match "Ticket cache: FILE:/tmp/krb5cc_$ALICE" "$OUT" "alice's ccache"
assert_match "Default principal: alice@$REALM" "$OUT" "alice's ticket"
must as_uid "$BOB" kinit -k -t /tmp/bob.keytab bob
must rpcinfo -p "$SERVER_ADDR"
assert_match "100003 +3 +tcp +2049 +nfs" "$OUT" "NFS v3 registered"

for sec in krb5 krb5i krb5p; do
	step "mount -o vers=3,sec=$sec"
	mkdir -p "/mnt/$sec"
	t0=$(date +%s.%N)
	must mount -t nfs -o "vers=3,proto=tcp,nolock,sec=$sec" \
	    "$SERVER_ADDR:$EXPORT" "/mnt/$sec"
	echo "mount $sec: $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s"
	assert_match "sec=$sec[,)]" "$(grep " /mnt/$sec " /proc/mounts)" "mount options"

	step "alice writes and reads under $sec"
	must as_uid "$ALICE" sh -c "echo 'alice via $sec' >/mnt/$sec/alice.$sec"
	must as_uid "$ALICE" cat "/mnt/$sec/alice.$sec"
	assert_eq "$OUT" "alice via $sec" "alice's file under $sec"
	must stat -c %u "/mnt/$sec/alice.$sec"
	assert_eq "$OUT" "$ALICE" "owner of alice.$sec"
done

step "carol has no ticket: refused"
# rpc.gssd finds no ccache for her uid and answers the kernel EACCES; no
# call reaches the server. Opening the mount's root directory then fails
# with ESTALE, not EACCES (the kernel's doing: no RPC is sent).
for sec in krb5 krb5i krb5p; do
	mustnot as_uid "$CAROL" ls "/mnt/$sec"
	assert_match "Permission denied|Stale file handle" "$OUT" "carol's ls ($sec)"
	mustnot as_uid "$CAROL" cat "/mnt/$sec/alice.$sec"
	assert_match "Permission denied" "$OUT" "carol's cat ($sec)"
	mustnot as_uid "$CAROL" touch "/mnt/$sec/carol"
	assert_match "Permission denied" "$OUT" "carol's touch ($sec)"
done

step "alice and bob at once on the krb5i mount"
as_uid "$ALICE" sh -c 'for i in $(seq 20); do echo "alice $i" >/mnt/krb5i/two.alice.$i || exit 1; done' &
pa=$!
as_uid "$BOB" sh -c 'for i in $(seq 20); do echo "bob $i" >/mnt/krb5i/two.bob.$i || exit 1; done' &
pb=$!
wait $pa || fail "alice's writes failed"
wait $pb || fail "bob's writes failed"
must sh -c "stat -c '%u %n' /mnt/krb5i/two.* | sort -u -k1,1"
assert_match "^$ALICE /mnt/krb5i/two.alice" "$OUT" "alice's files"
assert_match "^$BOB /mnt/krb5i/two.bob" "$OUT" "bob's files"
[ "$(stat -c %u /mnt/krb5i/two.alice.* | sort -u)" = "$ALICE" ] ||
    fail "an alice file is not alice's"
[ "$(stat -c %u /mnt/krb5i/two.bob.* | sort -u)" = "$BOB" ] ||
    fail "a bob file is not bob's"

step "$MIB MiB to the krb5p mount and back"
# /share/big.src: random bytes the host made (and hashed), staged in the
# guest's tmpfs first so that the timings below are NFS's alone
t0=$(date +%s.%N)
must cp /share/big.src /tmp/big
chmod 644 /tmp/big
t1=$(date +%s.%N)
must as_uid "$ALICE" cp /tmp/big /mnt/krb5p/big
t2=$(date +%s.%N)
sync
echo 3 >/proc/sys/vm/drop_caches
must as_uid "$ALICE" cmp /tmp/big /mnt/krb5p/big
t3=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" -v m="$MIB" 'BEGIN {
	printf "staging %.1f s, krb5p write %.1f s (%.1f MB/s), read back and compare %.1f s (%.1f MB/s)\n",
	    b - a, c - b, m * 1.048576 / (c - b), d - c, m * 1.048576 / (d - c) }' |
    tee /share/big.timings
rm -f /tmp/big

step "unmount"
for sec in krb5 krb5i krb5p; do
	must umount "/mnt/$sec"
done
GUEST

# the bytes for the krb5p copy, made and hashed here (fast), read by the
# guest from its share
head -c $((256 << 20)) /dev/urandom >"$T/guest1/big.src" || fail "big.src"
BIG_SHA=$(sha256sum <"$T/guest1/big.src" | cut -d' ' -f1)

guest_run 1 "$T/guest.sh" -t 540 -e "EXPORT=$E" -e "REALM=$KRB5_REALM" \
    -e "ALICE=$ALICE" -e "BOB=$BOB" -e "CAROL=$CAROL"

# ---------------------------------------------------------------- the server's view
for sec in krb5 krb5i krb5p; do
	assert_eq "$(stat -c %u "$E/alice.$sec")" "$ALICE" "owner of alice.$sec on the server"
	assert_eq "$(cat "$E/alice.$sec")" "alice via $sec" "alice.$sec on the server"
done
ok "alice's files under krb5, krb5i, krb5p are uid $ALICE on the server"
assert_eq "$(stat -c %u "$E"/two.alice.* | sort -u)" "$ALICE" "alice's concurrent files"
assert_eq "$(stat -c %u "$E"/two.bob.* | sort -u)" "$BOB" "bob's concurrent files"
ok "two users at once on one mount: $ALICE and $BOB on the server"
[ ! -e "$E/carol" ] || fail "carol's file exists"
assert_eq "$(sha256sum <"$E/big" | cut -d' ' -f1)" "$BIG_SHA" \
    "sha256 of the krb5p copy on the server's disk"
assert_eq "$(stat -c %u "$E/big")" "$ALICE" "owner of big"
ok "256 MiB under krb5p: intact on the server ($(cat "$T/guest1/big.timings"))"
grep -q "alice@$KRB5_REALM" "$T/krb5kdc.log" || fail "the KDC never saw alice"
grep -q "nfs/guest1@$KRB5_REALM for nfs/server@$KRB5_REALM" "$T/krb5kdc.log" ||
    fail "the KDC never gave the guest's root a ticket for nfs/server"
check_daemons
lc_timings
