#!/bin/bash
# t_abuse_conncap: at the connection limit, who is closed (issue: after
# slow readers left, rpc.nfsd kept their dead sockets for minutes and at
# its cap evicted live idle connections instead). rpc.nfsd with
# max-connections = 32 and a live client (tests/clients/nfsbench shell,
# one connection, reconnection off) that made a call and then idles:
#  - 200 connections that never send anything: each new one evicts one of
#    them, the live client keeps its connection (same local port, its next
#    call works);
#  - 100 slow readers (READs whose replies they never read): the stalled
#    and the silent go first, the live client keeps its connection; when
#    the attackers reset, rpc.nfsd's descriptors are back to their count
#    before at once (nothing outlives its peer).
# timeout: 120
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/abuse-lib.sh"

NFSBENCH=$BUILD/tests/clients/nfsbench
[ -x "$NFSBENCH" ] || fail "$NFSBENCH not built"
start_rpcbind
start_daemon mountd "$BUILD/mountd/rpc.mountd" -F -f "$T/nfs.conf" \
    -e "$T/exports" -E "$T/exports.d"
start_nfsd -o max-connections=32
wait_rpc 100005 3
NP=$(daemon_pid nfsd)

coproc SH { exec "$NFSBENCH" shell 2>>"$T/shell.err"; }
sh_pid=$SH_PID
_PIDS+=("$sh_pid")
LINE=
sh_ok() {
	echo "$*" >&"${SH[1]}" || fail "nfsbench shell is gone"
	IFS= read -r -t 30 LINE <&"${SH[0]}" || fail "nfsbench shell: no answer to '$*'"
	echo "+ shell: $* -> $LINE"
	[[ $LINE == ok* ]] || fail "'$*' failed: $LINE"
}
sh_ok mount live 127.0.0.1 "$E/x"
sh_ok stat live small
sh_ok port live
port0=$LINE
fds0=$(fd_count "$NP")

must rpcabuse conn-hold 200 --secs 3
sh_ok port live
assert_eq "$LINE" "$port0" "the live client's connection after 200 silent ones"
sh_ok stat live small
ok "200 silent connections at a cap of 32: the live client kept its connection"

must rpcabuse slow-readers 100 --fh "$(fh big)" --depth 8 --secs 4
wait_until 2 eval '[ "$(fd_count '"$NP"')" -le '"$fds0"' ]' ||
    fail "rpc.nfsd has $(fd_count "$NP") fds after the slow readers reset (before: $fds0)"
sh_ok port live
assert_eq "$LINE" "$port0" "the live client's connection after 100 slow readers"
sh_ok stat live small
ok "100 slow readers at a cap of 32: stalled and silent ones went first; no descriptor left behind"
check_daemons
