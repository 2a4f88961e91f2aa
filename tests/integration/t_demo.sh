#!/bin/bash
# t_demo: scripts/demo (make demo / make demo-stop), run in this test's
# namespaces as `scripts/demo shell` would, with DEMO_DIR under $T.
#  - start with DEMO_EXPORT=exp1: showmount -e shows exp1; its top is 1777
#    and a non-root client (nfs-cp as uid 1000, root squashed) creates a
#    file there, owned by 1000 on the server.
#  - start again with DEMO_EXPORT=exp2 while the demo runs: the demo
#    publishes its own table: showmount -e shows exp2 and no longer exp1.
#  - stop: every daemon gone, rpcbind's warm-start file holds no
#    registration of a stopped daemon (only rpcbind's own), and
#    /run/rpcbind.sock is not left behind.
#  - start with exp3 after the stop (the etab of the last run still there):
#    exp3 is what is served; stop again.
# timeout: 90
. "$(dirname "$0")/lib.sh"
for c in showmount rpcinfo nfs-cp ss; do
	command -v "$c" >/dev/null || fail "$c not installed"
done
[ -x "$BUILD/rpcbind/rpcbind" ] || fail "not built"
export DEMO_DIR=$T/demo
DEMO() {
	DEMO_EXPORT=$1 "$SRCDIR/scripts/demo" "$2" "$BUILD"
}
shown() {
	must showmount -e 127.0.0.1
	printf '%s\n' "$OUT" | grep -q "^$1 "
}

# ------------------------------------------------------------ first start
must DEMO "$T/exp1" start
echo "$OUT" | tail -n 8
assert_match "mount -t nfs -o vers=3 .*:$T/exp1 /mnt" "$OUT" "the mount hint"
shown "$T/exp1" || fail "showmount -e does not show $T/exp1: $OUT"
assert_eq "$(stat -c %a "$T/exp1")" 1777 "mode of the export's top"
echo "from uid 1000" >"$T/src"
must nfs-cp "$T/src" "nfs://127.0.0.1$T/exp1/by-1000?uid=1000&gid=1000"
[ -f "$T/exp1/by-1000" ] || fail "nfs-cp as uid 1000 created nothing"
assert_eq "$(stat -c %u:%g "$T/exp1/by-1000")" 1000:1000 "owner of the new file"
must nfs-cp "$T/src" "nfs://127.0.0.1$T/exp1/by-root"
assert_eq "$(stat -c %u "$T/exp1/by-root")" 65534 "root squashed to nobody"
ok "demo start: exp1 shown, its top writable by a non-root client (uid 1000)"

# ------------------------------------------------------------ second start
must DEMO "$T/exp2" start
shown "$T/exp2" || fail "the second start does not serve $T/exp2: $OUT"
shown "$T/exp1" && fail "the second start still serves $T/exp1: $OUT"
ok "demo start with another DEMO_EXPORT while running publishes it"

# ------------------------------------------------------------ stop
pids=$(cat "$DEMO_DIR"/run/*.pid)
[ -S /run/rpcbind.sock ] || fail "no /run/rpcbind.sock while the demo runs"
must DEMO "$T/exp2" stop
for p in $pids; do
	kill -0 "$p" 2>/dev/null && fail "pid $p still runs after demo stop"
done
[ -e /run/rpcbind.sock ] && fail "demo stop left /run/rpcbind.sock behind"
W=$DEMO_DIR/state/rpcbind/rpcbind.state
[ -f "$W" ] || fail "no warm-start file $W"
for prog in 100003 100005 100021 100024 100011; do
	grep -Eq "(^|[^0-9])$prog([^0-9]|$)" "$W" &&
	    fail "warm-start file keeps program $prog of a stopped daemon: $(cat "$W")"
done
ok "demo stop: daemons gone one by one, no dead registration saved, no socket left"

# ------------------------------------------------------------ start after stop
must DEMO "$T/exp3" start
shown "$T/exp3" || fail "a start after a stop does not serve $T/exp3: $OUT"
shown "$T/exp2" && fail "a start after a stop serves the old table ($T/exp2)"
must rpcinfo -p 127.0.0.1
assert_match "100005" "$OUT" "mountd registered after a warm start"
must DEMO "$T/exp3" stop
ok "demo start after a stop publishes its own table (exp3), stop again"
