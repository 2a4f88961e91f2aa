# statd-lib.sh: the shared set-up of the t_statd_* tests, sourced after
# lib.sh.
#   SD                 our statd's state directory (/var/lib/nfs-suite/statd)
#   statd_conf [K=V...]  $T/statd.conf: [statd] state-dir, pidfile and the
#                      given keys
#   start_statd [ARGS...]  our rpc.statd -F on $T/statd.conf (written if
#                      missing), waited for over udp and tcp
#   statd_state        the state number in $SD/state (decimal)
#   np ARGS...         nlmprobe, one line in $OUT, fails unless it exits 0
#   np_rc RC RE ARGS...  nlmprobe must exit RC and print a line matching RE
#   peer_rpcbind       peer_setup and the suite's rpcbind inside the peer
#   start_peer_statd   Debian's rpc.statd in the peer (-F -d -L, its state
#                      in $PSD), registered with the peer's rpcbind
#   count_in FILE ERE  number of lines of FILE matching ERE
# shellcheck shell=bash
STATD=$BUILD/statd/rpc.statd
NLMPROBE=$BUILD/tests/clients/nlmprobe
NSMPROBE=$BUILD/tests/clients/nsmprobe
for _x in "$STATD" "$NLMPROBE" "$NSMPROBE"; do
	[ -x "$_x" ] || fail "$_x not built"
done
SD=/var/lib/nfs-suite/statd
PSD=$T/peer-nfs

# shellcheck disable=SC2120  # arguments are optional
statd_conf() {
	local kv
	{
		echo "# written by $TEST_NAME"
		echo "[statd]"
		echo "state-dir = $SD"
		echo "pidfile = /run/rpc.statd.pid"
		for kv in "$@"; do
			echo "${kv%%=*} = ${kv#*=}"
		done
	} >"$T/statd.conf"
}

# shellcheck disable=SC2120  # arguments are optional
start_statd() {
	# shellcheck disable=SC2119
	[ -f "$T/statd.conf" ] || statd_conf
	start_daemon statd "$STATD" -F -f "$T/statd.conf" "$@"
	must_exit_0 statd
	wait_rpc 100024 1 udp
	wait_rpc 100024 1 tcp
}

statd_state() {
	od -An -tu4 "$SD/state" | tr -d ' \n'
}

np() {
	must "$NLMPROBE" "$@"
}

# np_rc RC ERE ARGS...
np_rc() {
	local want=$1 re=$2 rc=0
	shift 2
	OUT=$("$NLMPROBE" "$@" 2>&1) || rc=$?
	printf '+ nlmprobe %s  -> exit %s\n%s\n' "$*" "$rc" "$OUT"
	[ "$rc" = "$want" ] || fail "nlmprobe $*: exit $rc, expected $want"
	assert_match "$re" "$OUT" "nlmprobe $*"
}

count_in() {
	grep -Ec -- "$2" "$1" || true
}

peer_rpcbind() {
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
	wait_until 10 in_peer rpcinfo -T tcp 127.0.0.1 100000 4 ||
	    fail "the peer's rpcbind does not answer"
}

# Debian's rpc.statd in the peer. -L: its own sm-notify would use the
# host's /var/lib/nfs (it is not given -P); notifications of the peer are
# sent by running /sbin/sm-notify -P "$PSD" explicitly.
# shellcheck disable=SC2120  # arguments are optional
start_peer_statd() {
	[ -x /usr/sbin/rpc.statd ] || fail "Debian's rpc.statd is not installed (nfs-common)"
	mkdir -p "$PSD/sm" "$PSD/sm.bak"
	start_daemon peer-statd nsenter --net="/proc/$PEER_PID/ns/net" \
	    --mount="/proc/$PEER_PID/ns/mnt" -- /usr/sbin/rpc.statd -F -d -L \
	    -P "$PSD" "$@"
	wait_until 15 in_peer rpcinfo -T udp 127.0.0.1 100024 1 ||
	    fail "Debian's rpc.statd in the peer does not answer"
}
