#!/bin/bash
# t_nlmprobe_self: tests/clients/nlmprobe without a lock manager.
#  - NLM and NSM calls to a server with neither registered fail with
#    rpc-error PROG_NOT_REGISTERED (exit 1), over TCP and UDP; a --msg call
#    to ourselves gets our own callback service's PROC_UNAVAIL, and the
#    service is unregistered after the error;
#  - fh resolves files through our mountd + nfsd (MOUNT v3 + LOOKUP by
#    libnfs); bad paths and exports exit 1, bad arguments exit 2;
#  - serve registers 100021 v1, v3, v4 on udp and tcp with our rpcbind,
#    answers NULL and GRANTED (granted, or denied with --refuse), refuses
#    other procedures (PROC_UNAVAIL), cannot register twice, and is gone
#    from rpcinfo after SIGTERM;
#  - the asynchronous path end to end: from a peer namespace with its own
#    rpcbind, GRANTED_MSG to a serve here, whose GRANTED_RES comes back to
#    the peer's callback service and is printed (TCP and UDP);
#  - --expect.
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
NLMPROBE=$BUILD/tests/clients/nlmprobe
[ -x "$NLMPROBE" ] || fail "$NLMPROBE not built"
[ -x "$BUILD/nfsd/rpc.nfsd" ] || fail "rpc.nfsd not built"

. "$(dirname "$0")/nfs-lib.sh"

mkdir -p "$E/x/sub" "$T/exports.d"
echo hello >"$E/x/f"
echo world >"$E/x/sub/g"
echo "$E/x	127.0.0.1(rw,no_root_squash)" >"$T/exports"
start_rpcbind
start_nfs

np() { "$NLMPROBE" "$@"; }

# expect_rc RC REGEX CMD...: CMD exits RC and its stdout matches REGEX
expect_rc() {
	local want=$1 re=$2 rc=0
	shift 2
	OUT=$(np "$@" 2>"$T/np.err") || rc=$?
	printf '+ nlmprobe %s  -> %s (exit %s)\n' "$*" "$OUT" "$rc"
	[ "$rc" = "$want" ] || fail "nlmprobe $*: exit $rc, expected $want
$(cat "$T/np.err")"
	assert_match "$re" "$OUT" "nlmprobe $*"
}

nlm_regs() {
	rpcinfo -p 2>/dev/null | awk '$1 == 100021' | wc -l
}
regs_are() {
	[ "$(nlm_regs)" -eq "$1" ]
}

# ---------------------------------------------------------------- no lock manager
expect_rc 1 '^rpc-error: PROG_NOT_REGISTERED ' null
expect_rc 1 '^rpc-error: PROG_NOT_REGISTERED ' -P udp -V 3 null
expect_rc 1 '^rpc-error: PROG_NOT_REGISTERED ' sm-stat localhost
expect_rc 1 '^rpc-error: PROG_NOT_REGISTERED ' -P udp sm-mon localhost 0102
expect_rc 1 '^rpc-error: PROG_NOT_REGISTERED ' -F 0a0b lock - 0 10
# --msg registers its callback service here first, so the TEST_MSG to
# 127.0.0.1 reaches that, which refuses it: the reply's error is reported
expect_rc 1 '^rpc-error: PROC_UNAVAIL \(NLM v4 TEST_MSG' -t 2 --msg -F 0a0b test - 0 10
assert_eq "$(nlm_regs)" 0 "the --msg callback service left a registration"
ok "no NLM, no NSM: PROG_NOT_REGISTERED, exit 1; --msg: PROC_UNAVAIL, unregistered"

# ---------------------------------------------------------------- fh
expect_rc 0 '^[0-9a-f]+$' -e "$E/x" fh f
fh_f=$OUT
expect_rc 0 "^$fh_f\$" -e "$E/x" -P udp fh /f
expect_rc 0 '^[0-9a-f]+$' -e "$E/x" fh sub/g
[ "$OUT" != "$fh_f" ] || fail "f and sub/g have the same handle"
expect_rc 0 '^[0-9a-f]+$' -e "$E/x" fh .
[ "$OUT" != "$fh_f" ] || fail "the root and f have the same handle"
expect_rc 0 '^0a0b$' -F 0a0b fh -
expect_rc 1 '^error: LOOKUP .*NOENT' -e "$E/x" fh nosuch
expect_rc 1 '^error: MOUNT .*ACCES' -e /nonexport fh f
ok "fh: MOUNT + LOOKUP through mountd and nfsd"

# ---------------------------------------------------------------- usage errors
expect_rc 2 '^$' -F 0a0b test - 0
expect_rc 2 '^$' -V 3 -F 0a0b lock - 0 0x100000000
expect_rc 2 '^$' -V 3 -F 0a0b lock - 0xffffff00 0x200
expect_rc 2 '^$' -V 4 -F 0a0b lock - 0xffffffffffffff00 0x200
expect_rc 2 '^$' -V 1 -F 0a0b share - dn r
expect_rc 2 '^$' -F 0a0b test - 0 10 --block
expect_rc 2 '^$' -F 0a0b test - 0 10 q
expect_rc 2 '^$' test f 0 10
expect_rc 2 '^$' -s localhost null
expect_rc 2 '^$' -F 0g fh -
expect_rc 2 '^$' frobnicate
# --raw and --wrap take them to the wire (and so to rpcbind's refusal)
expect_rc 1 '^rpc-error: PROG_NOT_REGISTERED ' -V 3 --raw -F 0a0b lock - 0xffffff00 0x200
expect_rc 1 '^rpc-error: PROG_NOT_REGISTERED ' -V 3 --wrap -F 0a0b test - 0x100000000 1
expect_rc 1 '^rpc-error: PROG_NOT_REGISTERED ' --raw -F 0a0b lock - 0xffffffffffffff00 0x200
expect_rc 1 '^rpc-error: PROG_NOT_REGISTERED ' -V 1 --raw -F 0a0b share - dn r
help=$(np --help) || fail "nlmprobe --help failed"
assert_match '^  wait-granted FILE OFF LEN' "$help" "--help lists wait-granted"
ok "usage errors exit 2; --raw, --wrap send what is refused otherwise"

# ---------------------------------------------------------------- serve
# serve_start [ARGS...]: a background serve, its PID in SERVE
serve_start() {
	"$NLMPROBE" "$@" serve >"$T/serve.out" 2>"$T/serve.err" &
	SERVE=$!
	wait_until 10 regs_are 6 || fail "serve did not register: $(rpcinfo -p)"
}
serve_start --wait 60
for v in 1 3 4; do
	for p in tcp udp; do
		rpcinfo -T "$p" 127.0.0.1 100021 "$v" >/dev/null ||
		    fail "serve: no answer from 100021 v$v over $p"
	done
done
expect_rc 0 '^ok$' null
expect_rc 0 '^ok$' -V 1 -P udp null
expect_rc 0 '^granted$' -c cookie1 -F 0a0b granted - 5 10 s
expect_rc 0 '^granted$' -V 3 -P udp -F 0a0b granted - 7 0
expect_rc 1 '^rpc-error: PROC_UNAVAIL ' -F 0a0b unlock - 0 10
expect_rc 0 '^ok$' --expect ok null
expect_rc 4 '^ok$' --expect granted null
# a second callback service cannot register, and unsets nothing of the first
expect_rc 1 '^error: .*did not register' --wait 1 serve
assert_eq "$(nlm_regs)" 6 "registrations after the refused second serve"
kill -TERM "$SERVE"
wait_exit "$SERVE" 10 || fail "serve did not exit on SIGTERM"
[ "$WAIT_STATUS" = 143 ] || fail "serve exited $WAIT_STATUS after SIGTERM, not by the signal"
assert_eq "$(nlm_regs)" 0 "registrations after SIGTERM"
cat "$T/serve.out"
assert_match '^GRANTED vers=4 from=127\.0\.0\.1 cookie=636f6f6b696531 exclusive=0 caller=nlmprobe fh=0a0b oh=6f682d313030 svid=100 off=5 len=10 reply=granted$' \
    "$(cat "$T/serve.out")" "serve's GRANTED line"
assert_match '^GRANTED vers=3 from=127\.0\.0\.1 .* off=7 len=0 reply=granted$' \
    "$(cat "$T/serve.out")" "serve's v3 GRANTED line"
assert_match '^UNLOCK vers=4 .* not-served$' "$(cat "$T/serve.out")" "serve's UNLOCK line"
ok "serve: registered v1/v3/v4 udp+tcp, answered, unregistered on SIGTERM"

serve_start --refuse --wait 3
expect_rc 0 '^denied$' -F 0a0b granted - 0 10
wait_exit "$SERVE" 10 || fail "serve --wait 3 did not end"
assert_eq "$WAIT_STATUS" 0 "serve's exit status after --wait"
assert_eq "$(nlm_regs)" 0 "registrations after serve ended"
ok "serve --refuse answers denied; ends after --wait, unregistered"

# ---------------------------------------------------------------- GRANTED_MSG -> GRANTED_RES
peer_setup
mkdir -p /var/lib/nfs-suite/peer-rpcbind
cat >"$T/peer-rpcbind.conf" <<EOC
[rpcbind]
state-dir = /var/lib/nfs-suite/peer-rpcbind
pidfile = /run/rpcbind.pid
socket = /run/rpcbind.sock
EOC
start_daemon peer-rpcbind nsenter --net="/proc/$PEER_PID/ns/net" \
    --mount="/proc/$PEER_PID/ns/mnt" -- "$RPCBIND" -F --config "$T/peer-rpcbind.conf"
wait_until 10 in_peer rpcinfo -T tcp 127.0.0.1 100000 4 || fail "peer rpcbind"
serve_start --wait 60
for p in tcp udp; do
	must in_peer "$NLMPROBE" -s "$ADDR_SELF" -P "$p" -c "msg-$p" -F 0a0b \
	    --msg --expect granted granted - 0 10
	assert_eq "$OUT" granted "granted --msg over $p"
	[ "$(in_peer rpcinfo -p | awk '$1 == 100021' | wc -l)" = 0 ] ||
	    fail "the peer's callback service is still registered"
done
kill -TERM "$SERVE"
wait_exit "$SERVE" 10 || fail "serve did not exit"
cat "$T/serve.out"
for p in tcp udp; do
	c=$(printf 'msg-%s' "$p" | od -An -tx1 | tr -d ' \n')
	assert_match "^GRANTED_MSG vers=4 from=$ADDR_PEER cookie=$c .* reply=granted\$" \
	    "$(cat "$T/serve.out")" "serve's GRANTED_MSG over $p"
done
[ "$(grep -c "^sent GRANTED_RES vers=4 to=$ADDR_PEER stat=granted sent\$" "$T/serve.out")" = 2 ] ||
    fail "serve did not send both GRANTED_RES"
ok "GRANTED_MSG from the peer, GRANTED_RES back through the peer's rpcbind"

check_daemons
