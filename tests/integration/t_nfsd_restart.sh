#!/bin/bash
# t_nfsd_restart: handles survive rpc.nfsd being killed with SIGKILL and
# restarted: a file handle reads the data written before, a directory
# handle is looked up, listed and created in, over TCP and UDP, without a
# new MNT (-N: only the saved handles); the write verifier changes across
# the restart (clients resend unstable writes).
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
PROBE=$BUILD/tests/clients/nfsprobe
[ -x "$PROBE" ] || fail "$PROBE not built"
[ -x "$BUILD/nfsd/rpc.nfsd" ] || fail "rpc.nfsd not built"

. "$(dirname "$0")/nfs-lib.sh"

mkdir -p "$E/r" "$T/exports.d"
chmod 0777 "$E/r"
cat >"$T/exports" <<EOF2
$E/r	127.0.0.1(rw,no_root_squash)
EOF2
start_rpcbind
start_nfs

probe save 127.0.0.1 "$E/r" save
hargs=()
for n in root file dir inner; do
	h=$(awk -v n="$n" '$1 == "fh" && $2 == n { print $3 }' "$T/probe-save.out")
	[ -n "$h" ] || fail "no $n handle saved"
	hargs+=(-H "$n=$h")
done
verf1=$(awk '$1 == "verf" { print $2 }' "$T/probe-save.out")

stop_daemon nfsd KILL
# shellcheck disable=SC2119
start_nfsd
probe after -N "${hargs[@]}" 127.0.0.1 "$E/r" restarted
probe after-udp -U -N "${hargs[@]}" 127.0.0.1 "$E/r" restarted
verf2=$(awk '$1 == "verf" { print $2 }' "$T/probe-after.out")
if [ -z "$verf1" ] || [ -z "$verf2" ]; then
	fail "no write verifiers printed"
fi
[ "$verf1" != "$verf2" ] || fail "write verifier $verf1 unchanged across a restart"
ok "write verifier changed across the restart: $verf1 -> $verf2"

# and once more, with the daemon stopped cleanly
stop_daemon nfsd TERM
# shellcheck disable=SC2119
start_nfsd
probe after2 -N "${hargs[@]}" 127.0.0.1 "$E/r" restarted
d=$(ls -d "$E"/r/probe.*.save)
assert_eq "$(cat "$d/file")" "survives a restart
more" "file content after the restarts"
check_daemons
