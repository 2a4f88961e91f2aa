#!/bin/bash
# t_nfsd_bigdir: a 100,000-entry directory on ext4 listed by libnfs' nfs-ls
# (READDIRPLUS continued by cookie, about a hundred round trips): exactly
# 100,000 entries, every name once, the names the disk holds. Then listed
# again while another process keeps adding and removing other files in the
# same directory: every entry that existed before the listing began appears
# exactly once, and nothing appears twice.
# timeout: 300
. "$(dirname "$0")/lib.sh"

N=${NFSD_BIGDIR_N:-100000}
command -v nfs-ls >/dev/null || fail "nfs-ls not installed (libnfs-utils)"
[ -x "$BUILD/nfsd/rpc.nfsd" ] || fail "$BUILD/nfsd/rpc.nfsd not built"
[ -x "$BUILD/mountd/rpc.mountd" ] || fail "$BUILD/mountd/rpc.mountd not built"

D=$(mktemp -d "/var/tmp/nfs-suite-$TEST_NAME.XXXXXX") || fail "mktemp on /var/tmp"
churn_pid=
stop_churn() {
	[ -n "$churn_pid" ] || return 0
	kill "$churn_pid" 2>/dev/null
	wait "$churn_pid" 2>/dev/null
	churn_pid=
}
trap 'rc=$?; [ "$BASHPID" != "$_MAIN_PID" ] || { stop_churn; rm -rf "$D"; }; (exit $rc); _on_exit' EXIT
EXP=$D/export
mkdir -p "$EXP/big" || fail "mkdir"

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
URL=nfs://127.0.0.1$EXP/big

# Names of different lengths (8 to 57 bytes), so entries pack unevenly into
# the replies and the cookies are not at regular places.
t0=$SECONDS
awk -v n="$N" 'BEGIN {
	pad = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
	for (i = 1; i <= n; i++)
		printf "e%07d%s\n", i, substr(pad, 1, (i * 7) % 50)
}' >"$T/names"
(cd "$EXP/big" && xargs -d '\n' touch <"$T/names") || fail "creating $N files"
LC_ALL=C sort "$T/names" >"$T/names.sorted"
assert_eq "$(find "$EXP/big" -mindepth 1 | wc -l)" "$N" "files on disk"
echo "+ $N files created ($((SECONDS - t0)) s)"

# list FILE: nfs-ls of the big directory, names only, into FILE.
list() {
	local rc=0
	nfs-ls "$URL" >"$T/ls.raw" 2>"$T/ls.err" || rc=$?
	[ $rc -eq 0 ] || { cat "$T/ls.err"; tail -3 "$T/ls.raw"; fail "nfs-ls exited $rc"; }
	# "MODE NLINK UID GID SIZE NAME"
	awk 'NF == 6 { print $6 } NF != 6 { print "BAD LINE: " $0 > "/dev/stderr" }' \
	    "$T/ls.raw" >"$1"
}

# ------------------------------------------------------------ still directory
t0=$SECONDS
list "$T/l1"
dt=$((SECONDS - t0))
check_daemons
assert_eq "$(wc -l <"$T/l1")" "$N" "entries listed"
LC_ALL=C sort "$T/l1" >"$T/l1.sorted"
dups=$(uniq -d "$T/l1.sorted" | head -3)
assert_eq "$dups" "" "names listed twice"
cmp -s "$T/l1.sorted" "$T/names.sorted" || {
	diff "$T/names.sorted" "$T/l1.sorted" | head -10
	fail "the names listed are not the names on disk"
}
types=$(awk '{ print substr($1, 1, 1) }' "$T/ls.raw" | sort -u | tr -d '\n')
assert_eq "$types" "-" "every entry listed as a regular file"
ok "nfs-ls of $N entries: count, names and uniqueness right (${dt} s)"

# ------------------------------------------------------------ while it changes
# The writer adds new-* files and removes its own older ones, never touching
# the original entries, until told to stop; it counts what it did.
rm -f "$T/stop" "$T/churn"
python3 - "$EXP/big" "$T/stop" "$T/churn" <<'PY' &
import os, sys
d, stop, out = sys.argv[1:4]
i = 0
open(stop + ".started", "w").close()
while not os.path.exists(stop):
    i += 1
    open(os.path.join(d, "new-%d" % i), "w").close()
    if i % 3 == 0:		# keep two of every three
        os.unlink(os.path.join(d, "new-%d" % (i - 2)))
with open(out, "w") as f:
    f.write("%d\n" % i)
PY
churn_pid=$!
_PIDS+=("$churn_pid")
wait_until 10 test -e "$T/stop.started" || fail "the writer did not start"

for round in 1 2 3; do
	before=$(cat /proc/loadavg)
	list "$T/l2"
	check_daemons
	LC_ALL=C sort "$T/l2" >"$T/l2.sorted"
	dups=$(uniq -d "$T/l2.sorted" | head -3)
	assert_eq "$dups" "" "round $round: names listed twice"
	grep -v '^new-' "$T/l2.sorted" >"$T/l2.orig"
	cmp -s "$T/l2.orig" "$T/names.sorted" || {
		diff "$T/names.sorted" "$T/l2.orig" | head -10
		fail "round $round: the original entries are not all listed exactly once"
	}
	n_new=$(grep -c '^new-' "$T/l2.sorted")
	ok "round $round: all $N original entries once, $n_new new ones seen, no duplicates (load $before)"
done
: >"$T/stop"
wait "$churn_pid" || fail "the writer failed"
churn_pid=
churn=$(cat "$T/churn")
[ "$churn" -gt 1000 ] || fail "the writer made only $churn files during the listings"
ok "the directory changed under the listings: $churn files added by the writer"
check_daemons
