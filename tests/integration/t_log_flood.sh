#!/bin/bash
# t_log_flood: a flood of refused calls costs a bounded number of log lines
# in every daemon (common/ratelog.h): from the peer namespace (192.0.2.2,
# admitted by no export and not a local caller), 5,000 calls each of
#   MNT of an export                 rpc.mountd  "refused MNT calls"
#   GETATTR of an export's root      rpc.nfsd    "NFS calls refused by the
#                                                 exports"
#   portmap SET                      rpcbind     "refused SET calls"
#   NLM LOCK on that root            rpc.lockd   "lock requests refused by
#                                                 the exports"
#   SM_MON                           rpc.statd   "refused remote SM_MON
#                                                 calls"
# Each daemon's log must grow by at most 20 lines, with a summary
# "... and N more <kind> in the last S s", and every refused call must be
# either logged or counted in a summary: lines + the summaries' N = 5,000.
# Then the same MNT flood with [global] log-burst = 0 logs every one.
# timeout: 240
. "$(dirname "$0")/lib.sh"
# shellcheck source=lockd-lib.sh
. "$(dirname "$0")/lockd-lib.sh"
PROBE=$BUILD/tests/clients/nfsprobe
[ -x "$PROBE" ] || fail "$PROBE not built"
N=5000
MAXLINES=20

mkdir -p "$E/only" "$T/exports.d"
chmod 0777 "$E/only"
cat >"$T/exports" <<EOF2
$E/only	127.0.0.1(rw,no_root_squash)
EOF2
peer_setup
start_rpcbind
start_nfs
start_statd
start_lockd
wait_rpc 100005 3 tcp "$ADDR_SELF"

# a handle of the export, from the one client it admits
probe self 127.0.0.1 "$E/only" save
rootfh=$(awk '$1 == "fh" && $2 == "root" { print $3 }' "$T/probe-self.out")
[ -n "$rootfh" ] || fail "no root handle from nfsprobe save"
before=$(ls -A "$E/only")

loglines() {
	wc -l <"$T/$1.log"
}

# accounted LOG FROM WHAT ALLOWED_ERE: the refusals of the flood that the
# log since line FROM shows, lines let through (matching ALLOWED_ERE) plus
# the counts of the summaries for WHAT
accounted() {
	tail -n +"$(($2 + 1))" "$T/$1.log" | awk -v what="$3" -v re="$4" '
	    index($0, "... and ") && index($0, " more " what " in the last ") {
		    s = substr($0, index($0, "... and ") + 8); split(s, w, " ")
		    n += w[1]; next }
	    $0 ~ re { n++ }
	    END { print n + 0 }'
}

all_accounted() {
	[ "$(accounted "$@")" -eq "$N" ]
}

# flood DAEMON WHAT ALLOWED_ERE CALL ARGS...: N calls from the peer; the
# log must account for all of them within 20 s, in MAXLINES lines at most
flood() {
	local d=$1 what=$2 re=$3 from t0 t1 lines got
	shift 3
	from=$(loglines "$d")
	t0=$(date +%s.%N)
	OUT=$(in_peer /usr/bin/python3 "$SRCDIR/tests/clients/rpcflood.py" \
	    --host "$ADDR_SELF" "$N" "$@" 2>&1) || fail "rpcflood $*: $OUT"
	t1=$(date +%s.%N)
	echo "+ rpcflood $N $*: $OUT ($(awk -v a="$t0" -v b="$t1" \
	    'BEGIN { printf "%.1f s", b - a }'))"
	assert_match "^sent $N replies $N " "$OUT" "rpcflood $1"
	# the summary comes at the end of the interval (5 s) and the next
	# tick of the daemon's timer (1 s)
	wait_until 20 all_accounted "$d" "$from" "$what" "$re" ||
	    fail "$d: $(accounted "$d" "$from" "$what" "$re") of $N refused \
calls accounted for in its log:
$(tail -n +"$((from + 1))" "$T/$d.log" | head -n 40)"
	lines=$(($(loglines "$d") - from))
	tail -n +"$((from + 1))" "$T/$d.log"
	[ "$lines" -le "$MAXLINES" ] ||
	    fail "$d: $lines log lines for $N refused calls (at most $MAXLINES)"
	got=$(tail -n +"$((from + 1))" "$T/$d.log" | grep -c "^.* \.\.\. and [0-9]* more $what in the last [0-9]* s (all from $ADDR_PEER)\$")
	[ "$got" -ge 1 ] || fail "$d: no summary naming $ADDR_PEER"
	check_daemons
	ok "$d: $N $what, $lines log lines ($got summar$( [ "$got" = 1 ] &&
	    echo y || echo ies))"
}

flood mountd "refused MNT calls" "refused mount request from $ADDR_PEER:" \
    mnt "$E/only"
flood nfsd "NFS calls refused by the exports" \
    "refused NFS call from $ADDR_PEER:[0-9]+ for $E/only: not exported" \
    getattr "$rootfh"
flood rpcbind "refused SET calls" "refused set of 200999/1 from $ADDR_PEER" \
    set 200999 1 4000
flood lockd "lock requests refused by the exports" \
    "refused lock request from $ADDR_PEER:[0-9]+ on $E/only" \
    nlm-lock "$rootfh"
flood statd "refused remote SM_MON calls" \
    "refused SM_MON from $ADDR_PEER: not a local caller" sm-mon flood.example

# nothing was granted on the way
[ "$(ls -A "$E/only")" = "$before" ] || fail "something was created in the export"
must rpcinfo -p 127.0.0.1
assert_nomatch "200999" "$OUT" "a refused SET was registered"

# [global] log-burst = 0: every refusal logged (what the limiter saves)
stop_daemon mountd
printf '[global]\nstate-dir = /var/lib/nfs-suite\nlog-burst = 0\n' \
    >"$T/unlimited.conf"
start_daemon mountd "$BUILD/mountd/rpc.mountd" -F -f "$T/unlimited.conf" \
    -e "$T/exports" -E "$T/exports.d"
must_exit_0 mountd
wait_rpc 100005 3 tcp "$ADDR_SELF"
from=$(loglines mountd)
OUT=$(in_peer /usr/bin/python3 "$SRCDIR/tests/clients/rpcflood.py" \
    --host "$ADDR_SELF" "$N" mnt "$E/only" 2>&1) || fail "rpcflood: $OUT"
refused_since() {
	tail -n +"$(($1 + 1))" "$T/mountd.log" | grep -c "refused mount request"
}
all_logged() {
	[ "$(refused_since "$from")" -eq "$N" ]
}
wait_until 10 all_logged ||
    fail "log-burst = 0: $(refused_since "$from") of $N refusals logged"
ok "mountd with log-burst = 0: $N refused MNT calls, $N lines ($(tail -n \
+"$((from + 1))" "$T/mountd.log" | wc -c) bytes)"
