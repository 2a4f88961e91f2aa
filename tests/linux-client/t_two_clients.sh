#!/bin/bash
# t_two_clients: two guests (two kernel clients, 198.51.100.11 and .12)
# mount the same export at once:
#   - close-to-open, both ways: the reader has read version 1 of a file
#     (data and attributes cached, well inside acregmin), the writer
#     rewrites it in place with version 2 of the same size (no truncate,
#     so only the times and the change show it) and closes; the reader's
#     next open sees version 2;
#   - both append concurrently, 2000 numbered lines each, one open/append
#     /close per line, to their own file in the same directory: each file
#     is complete and in order, checked from both guests and on the server;
#   - a directory (with a file) made by one is visible to the other, in a
#     listing of the parent the other had listed just before (after however
#     long its cache takes: recorded), and by name.
#
# Measured here (TCG, 2 cores, both guests at once): ~65 s in all, of which
# boot ~10 s and the 2 x 2000 appends ~30 s (15 ms per open/append/close).
# The stock client: the reader saw version 2 on its first open, though its
# cached attributes were well under acregmin (3 s) old: open revalidates
# (GETATTR), and the change in mtime/ctime alone (same size) dropped its
# cached data. A peer's new directory showed in the first `ls` of a parent
# listed ~0.3 s before (no acdirmin wait): opening a directory revalidates
# it too.
# timeout: 300
. "$(dirname "$0")/lib.sh"

LINES=2000

E=$(mktemp -d "/var/tmp/nfs-suite-$TEST_NAME.XXXXXX") || fail "mktemp"
# shellcheck disable=SC2154  # rc is the trap's
trap 'rc=$?; rm -rf "$E"; (exit $rc); _on_exit' EXIT
mkdir "$E/shared" "$E/lsdir"

lc_net_setup
start_lc_server "$E $NET_PREFIX.0/24(rw,no_root_squash)"

cat >"$T/two-clients.sh" <<'GUEST'
. /share/guest-lib.sh
peer_num=$((3 - GUEST_NUM))
peer=guest$peer_num
peer_addr=$NET_PREFIX.$((10 + peer_num))
# Barriers wait on the guest's clock, which under TCG on a loaded host can
# run several times too fast (a TSC calibrated at 483 MHz instead of 2.6 GHz
# was seen): generous limits; run-guest's -t bounds the guest in real time.
BT=900
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# lines NAME N: what an appender writes
lines() { awk -v n="$1" -v c="$2" 'BEGIN { for (i = 1; i <= c; i++) printf "%s line %d\n", n, i }'; }

step "mount $SERVER_ADDR:$EXPORT"
must mount -t nfs -o vers=3,proto=tcp,nolock "$SERVER_ADDR:$EXPORT" /mnt
barrier "$peer_addr" "$BT"

# cto WRITER: close-to-open with guest WRITER writing, the other reading.
cto() {
	local w=$1 f=/mnt/cto.$1 v1 v2
	v1=$(printf 'version 1 written by guest%s' "$w")
	v2=$(printf 'version 2 written by guest%s' "$w")
	step "close-to-open, guest$w writes: version 1"
	if [ "$GUEST_NUM" = "$w" ]; then
		printf '%s\n' "$v1" >"$f" || fail "write $f"
	fi
	barrier "$peer_addr" "$BT"
	must cat "$f"
	assert_eq "$OUT" "$v1" "$f as guest$w wrote it"
	barrier "$peer_addr" "$BT"
	step "close-to-open, guest$w writes: version 2 in place"
	if [ "$GUEST_NUM" = "$w" ]; then
		# 1<>: opened read-write, not truncated; same size
		printf '%s\n' "$v2" 1<>"$f" || fail "rewrite $f"
		must cat "$f"
		assert_eq "$OUT" "$v2" "$f read back by its writer"
	fi
	barrier "$peer_addr" "$BT"
	must cat "$f"
	assert_eq "$OUT" "$v2" "$f after guest$w closed it (close-to-open)"
	ok "guest$GUEST_NUM sees version 2 of $f on its first open after guest$w's close"
	barrier "$peer_addr" "$BT"
}
cto 1
cto 2

# dirvis MAKER: guest MAKER makes a directory (and a file in it) in
# /mnt/lsdir, which the other has just listed and does not change itself
# (its own changes would drop its cached listing); the other must see it
# in a listing (however long its cache keeps the old one: timed), then by
# name.
dirvis() {
	local m=$1 d=/mnt/lsdir/dir.guest$1 t0 n=0
	step "directories: guest$m makes $d"
	must ls -la /mnt/lsdir	# the listing is now in this client's cache
	barrier "$peer_addr" "$BT"
	if [ "$GUEST_NUM" = "$m" ]; then
		must mkdir "$d"
		echo "made by guest$m" >"$d/file" || fail "write in $d"
	fi
	barrier "$peer_addr" "$BT"
	if [ "$GUEST_NUM" != "$m" ]; then
		step "directories: guest$m's $d in a listing of /mnt/lsdir"
		t0=$(now)
		until ls /mnt/lsdir | grep -qx "dir.guest$m"; do
			n=$((n + 1))
			[ $n -lt 1200 ] ||
			    fail "${d##*/} not listed after 60 s: $(ls /mnt/lsdir | tr '\n' ' ')"
			sleep 0.05
		done
		ok "${d##*/} listed by guest$GUEST_NUM $(secs "$t0" "$(now)")s after the barrier (ls repeated $n times)"
		step "directories: guest$m's $d by name"
		must cat "$d/file"
		assert_eq "$OUT" "made by guest$m" "$d/file"
	fi
	barrier "$peer_addr" "$BT"
}
dirvis 1
dirvis 2

step "concurrent appends: $LINES lines each to /mnt/shared/app.$GUEST_NAME"
barrier "$peer_addr" "$BT"
t0=$(now)
f=/mnt/shared/app.$GUEST_NAME
for i in $(seq "$LINES"); do
	echo "$GUEST_NAME line $i" >>"$f" || fail "append $i to $f"
done
echo "guest$GUEST_NUM: $LINES appends in $(secs "$t0" "$(now)")s"
barrier "$peer_addr" "$BT"

step "check both files from $GUEST_NAME"
for g in guest1 guest2; do
	lines "$g" "$LINES" >/tmp/want.$g
	must wc -l "/mnt/shared/app.$g"
	cmp "/mnt/shared/app.$g" "/tmp/want.$g" ||
	    fail "/mnt/shared/app.$g is not lines 1..$LINES of $g in order: $(diff "/tmp/want.$g" "/mnt/shared/app.$g" | head -n 5)"
done
must ls -la /mnt/shared
ok "both files complete and in order, seen from $GUEST_NAME"
barrier "$peer_addr" "$BT"	# neither unmounts before the other has checked
must umount /mnt
GUEST

guest_start 1 "$T/two-clients.sh" -t 240 -e "NET_PREFIX=$NET_PREFIX" -e "EXPORT=$E" \
    -e "LINES=$LINES"
guest_start 2 "$T/two-clients.sh" -t 240 -e "NET_PREFIX=$NET_PREFIX" -e "EXPORT=$E" \
    -e "LINES=$LINES"
guest_wait 1
guest_wait 2

# The server's view.
for g in guest1 guest2; do
	want=$(awk -v n="$g" -v c="$LINES" 'BEGIN { for (i = 1; i <= c; i++) printf "%s line %d\n", n, i }')
	[ "$(cat "$E/shared/app.$g")" = "$want" ] ||
	    fail "server: $E/shared/app.$g is not $LINES lines of $g in order"
	assert_eq "$(cat "$E/lsdir/dir.$g/file")" "made by $g" "server: lsdir/dir.$g/file"
done
ok "server: both append files complete and in order, both directories there"
for g in 1 2; do
	grep -E '^(ok|guest[12]): ' "$T/guest$g/output.log" | sed "s/^/guest$g: /"
done
lc_timings
