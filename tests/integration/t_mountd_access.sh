#!/bin/bash
# t_mountd_access: who may MNT what, and odd paths.
#  - Two client namespaces: the peer (192.0.2.2, in the export's subnet) and
#    a second peer made here (198.51.100.2, on its own veth pair, in no
#    export). The first mounts (mntprobe MNT v3 over TCP and UDP, v1, and
#    libnfs' nfs-ls through rpc.nfsd), the second gets MNT3ERR_ACCES and
#    mountd logs "refused mount request from 198.51.100.2:PORT".
#  - secure (the default) refuses a non-privileged source port, from root
#    and from uid 65534 (setpriv), over TCP and UDP; insecure takes them.
#  - A directory below an export mounts and gets its own handle.
#  - Refused cleanly: "..", a symlink leading out of the export, a relative
#    path, a component over 255 bytes, a 4 KiB path, %n%s%x and control
#    bytes in a path; afterwards mountd still answers NULL and an ordinary
#    MNT, and its log shows the odd paths as data (\ooo for control bytes).
#  - A detached rpc.mountd logging to syslog (a /dev/log of our own in a
#    nested mount namespace) sends the refusal at LOG_DAEMON|LOG_NOTICE.
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
MOUNTD=$BUILD/mountd/rpc.mountd NFSD=$BUILD/nfsd/rpc.nfsd
MNTPROBE=$BUILD/tests/clients/mntprobe
for p in "$MOUNTD" "$NFSD" "$MNTPROBE"; do
	[ -x "$p" ] || fail "$p not built"
done
for c in nfs-ls setpriv; do
	command -v "$c" >/dev/null || fail "$c not installed"
done

E=$(mktemp -d "/var/tmp/nfs-suite-$TEST_NAME.XXXXXX") || fail "mktemp"
trap 'rc=$?; [ "$BASHPID" != "$_MAIN_PID" ] || rm -rf "$E"; (exit $rc); _on_exit' EXIT
chmod 0755 "$E"
mkdir -p "$E/exp/sub/deeper" "$E/insec" "$E/secret" "$E/exp/%n%s%x" \
    "$T/exports.d" || fail mkdir
echo "in the export" >"$E/exp/hello"
echo "not exported" >"$E/secret/key"
ln -s /etc "$E/exp/etc"			# absolute, out of the export
ln -s ../secret "$E/exp/sibling"	# relative, out of the export
ln -s sub "$E/exp/inside"		# stays inside
cat >"$T/nfs.conf" <<EOC
# written by $TEST_NAME
[global]
state-dir = /var/lib/nfs-suite
# every refusal is looked for below: none counted instead of logged
log-burst = 0
[mountd]
pidfile = $T/rpc.mountd.pid
[nfsd]
pidfile = $T/rpc.nfsd.pid
EOC
cat >"$T/exports" <<EOX
# written by $TEST_NAME
$E/exp		192.0.2.0/24(rw,no_subtree_check) 127.0.0.1(rw)
$E/insec	192.0.2.2(rw,insecure) 127.0.0.1(rw,insecure)
EOX
conf_args=(-f "$T/nfs.conf" -e "$T/exports" -E "$T/exports.d")

# ------------------------------------------------------------ namespaces
peer_setup
ADDR_SELF2=198.51.100.1 ADDR_PEER2=198.51.100.2	# TEST-NET-2
rm -f "$T/.peer2-ready"
# shellcheck disable=SC2016  # $1 is the inner shell's
unshare --net --mount --propagation private -- sh -c '
	mount -t tmpfs -o mode=0755 tmpfs /run || exit 1
	ip link set lo up || exit 1
	: >"$1/.peer2-ready"
	exec sleep infinity' sh "$T" &
PEER2_PID=$!
_PIDS+=("$PEER2_PID")
wait_until 10 test -e "$T/.peer2-ready" || fail "second peer did not come up"
in_peer2() {
	nsenter --net="/proc/$PEER2_PID/ns/net" --mount="/proc/$PEER2_PID/ns/mnt" \
	    --wd="$T" -- "$@"
}
ip link add nfst2 type veth peer name nfst3 || fail "ip link add veth 2"
ip link set nfst3 netns "$PEER2_PID" || fail "veth into peer 2"
ip addr add "$ADDR_SELF2/24" dev nfst2 || fail "ip addr add 2"
ip link set nfst2 up || fail "veth 2 up"
in_peer2 ip addr add "$ADDR_PEER2/24" dev nfst3 || fail "peer 2 ip addr add"
in_peer2 ip link set nfst3 up || fail "peer 2 veth up"
wait_until 10 sh -c 'ip -o link show nfst2 | grep -q LOWER_UP' ||
    fail "veth 2 has no carrier"
echo "+ second peer: pid $PEER2_PID, $ADDR_SELF2 <-> $ADDR_PEER2"

start_rpcbind
start_daemon mountd "$MOUNTD" -F "${conf_args[@]}"
must_exit_0 mountd
start_daemon nfsd "$NFSD" -F "${conf_args[@]}"
must_exit_0 nfsd
wait_rpc 100005 3 tcp
wait_rpc 100005 3 udp
wait_rpc 100003 3 tcp
in_peer rpcinfo -T tcp "$ADDR_SELF" 100005 3 >/dev/null || fail "the peer cannot reach mountd"
in_peer2 rpcinfo -T tcp "$ADDR_SELF2" 100005 3 >/dev/null ||
    fail "the second peer cannot reach mountd"

# mp WHERE ARGS...: mntprobe from self, peer or peer2; output in $OUT
mp() {
	local where=$1
	shift
	case $where in
	self) must "$MNTPROBE" "$@" ;;
	peer) must in_peer "$MNTPROBE" "$@" ;;
	peer2) must in_peer2 "$MNTPROBE" "$@" ;;
	nobody) must in_peer setpriv --reuid 65534 --regid 65534 --clear-groups \
	    "$MNTPROBE" "$@" ;;
	esac
}
# log_since N: mountd's log after line N
log_since() {
	tail -n +$(($1 + 1)) "$T/mountd.log"
}
loglines() {
	wc -l <"$T/mountd.log"
}
# wait_log N ERE: wait until mountd logged ERE after line N
wait_log() {
	local n=$1 re=$2
	wait_until 10 sh -c "tail -n +$((n + 1)) '$T/mountd.log' | grep -Eq -- \"\$1\"" sh "$re" ||
	    fail "mountd did not log /$re/; its log since line $n:
$(log_since "$n")"
}
# still_serving: NULL and an ordinary MNT, mountd alive
still_serving() {
	check_daemons
	mp self 127.0.0.1 null mnt "$E/exp"
	assert_match "^null: ok$" "$OUT" "NULL after $1"
	assert_match "^mnt $E/exp: OK fh=" "$OUT" "ordinary MNT after $1"
}

# ------------------------------------------------------------ allowed, denied
mp peer "$ADDR_SELF" mnt "$E/exp"
assert_match "^mnt $E/exp: OK fh=[0-9a-f]+ flavors=1$" "$OUT" "MNT from the peer (192.0.2.2)"
fh_root=$(printf '%s\n' "$OUT" | sed -n 's/.*OK fh=\([0-9a-f]*\).*/\1/p')
mp peer -U "$ADDR_SELF" mnt "$E/exp"
assert_match "^mnt $E/exp: OK fh=$fh_root " "$OUT" "MNT over UDP from the peer: the same handle"
mp peer -v 1 "$ADDR_SELF" mnt "$E/exp"
assert_match "^mnt $E/exp: OK fh=[0-9a-f]{64}$" "$OUT" "MNT v1 from the peer"
must in_peer nfs-ls "nfs://$ADDR_SELF$E/exp"
assert_match ' hello$' "$OUT" "nfs-ls (libnfs MNT, then NFS) from the peer"
ok "the peer (192.0.2.2, in 192.0.2.0/24) mounts $E/exp (v3 tcp/udp, v1, libnfs)"

n=$(loglines)
mp peer2 "$ADDR_SELF2" mnt "$E/exp" mnt "$E/insec"
assert_match "^mnt $E/exp: ERR MNT3ERR_ACCES 13$" "$OUT" "MNT from the second peer"
assert_match "^mnt $E/insec: ERR MNT3ERR_ACCES 13$" "$OUT" "MNT of insec from the second peer"
port2=$(printf '%s\n' "$OUT" | awk '/^local port/ { print $3 }')
wait_log "$n" "refused mount request from 198\.51\.100\.2:$port2 for $E/exp"
wait_log "$n" "refused mount request from 198\.51\.100\.2:$port2 for $E/insec"
mp peer2 -U -v 1 "$ADDR_SELF2" mnt "$E/exp"
assert_match "^mnt $E/exp: ERR errno 13$" "$OUT" "MNT v1 over UDP from the second peer"
mustnot in_peer2 nfs-ls "nfs://$ADDR_SELF2$E/exp"
assert_match "MNT3ERR_ACCES" "$OUT" "nfs-ls from the second peer"
assert_nomatch ' hello$' "$OUT" "nfs-ls from the second peer"
log_since "$n"
assert_nomatch "authenticated mount request from 198\.51\.100\.2" "$(log_since "$n")" \
    "a mount from the second peer was accepted"
ok "the second peer (198.51.100.2) is refused with MNT3ERR_ACCES, logged with its numeric address and port"

# ------------------------------------------------------------ secure / insecure
n=$(loglines)
mp peer -P "$ADDR_SELF" mnt "$E/exp"
assert_match "^mnt $E/exp: ERR MNT3ERR_ACCES 13$" "$OUT" "secure export, non-privileged port (root)"
pport=$(printf '%s\n' "$OUT" | awk '/^local port/ { print $3 }')
[ "$pport" -ge 1024 ] || fail "mntprobe -P used port $pport"
wait_log "$n" "refused mount request from 192\.0\.2\.2:$pport for $E/exp: .*port"
mp peer -P -U "$ADDR_SELF" mnt "$E/exp"
assert_match "^mnt $E/exp: ERR MNT3ERR_ACCES 13$" "$OUT" "secure export, non-privileged UDP port"
mp nobody -P "$ADDR_SELF" mnt "$E/exp" mnt "$E/insec"
assert_match "^mnt $E/exp: ERR MNT3ERR_ACCES 13$" "$OUT" "secure export, uid 65534"
assert_match "^mnt $E/insec: OK fh=" "$OUT" "insecure export, uid 65534"
mp nobody -P -U "$ADDR_SELF" mnt "$E/insec"
assert_match "^mnt $E/insec: OK fh=" "$OUT" "insecure export, uid 65534, UDP"
mp peer -P "$ADDR_SELF" mnt "$E/insec"
assert_match "^mnt $E/insec: OK fh=" "$OUT" "insecure export, non-privileged port (root)"
mp peer "$ADDR_SELF" mnt "$E/exp" mnt "$E/insec"
assert_match "^mnt $E/exp: OK fh=" "$OUT" "secure export, reserved port"
assert_match "^mnt $E/insec: OK fh=" "$OUT" "insecure export, reserved port"
ok "secure refuses non-privileged source ports (root and uid 65534, TCP and UDP); insecure takes them"

# ------------------------------------------------------------ below an export
mp peer "$ADDR_SELF" mnt "$E/exp/sub" mnt "$E/exp/sub/deeper" mnt "$E/exp/sub/" \
    mnt "$E/exp//sub/./deeper" mnt "$E/exp/inside" mnt "$E/exp/hello" \
    mnt "$E/exp/nonexistent"
fh_sub=$(printf '%s\n' "$OUT" | sed -n "s|^mnt $E/exp/sub: OK fh=\([0-9a-f]*\).*|\1|p")
fh_deeper=$(printf '%s\n' "$OUT" | sed -n "s|^mnt $E/exp/sub/deeper: OK fh=\([0-9a-f]*\).*|\1|p")
[ -n "$fh_sub" ] && [ -n "$fh_deeper" ] || fail "MNT below the export"
[ "$fh_sub" != "$fh_root" ] && [ "$fh_deeper" != "$fh_sub" ] ||
    fail "a directory below the export got the export root's handle"
assert_match "^mnt $E/exp/sub/: OK fh=$fh_sub " "$OUT" "trailing slash"
assert_match "^mnt $E/exp//sub/./deeper: OK fh=$fh_deeper " "$OUT" "// and ."
assert_match "^mnt $E/exp/inside: (OK fh=$fh_sub |ERR MNT3ERR_ACCES)" "$OUT" \
    "a symlink that stays inside"
assert_match "^mnt $E/exp/hello: ERR MNT3ERR_NOTDIR 20$" "$OUT" "MNT of a file"
assert_match "^mnt $E/exp/nonexistent: ERR MNT3ERR_NOENT 2$" "$OUT" "MNT of a missing directory"
must in_peer nfs-ls "nfs://$ADDR_SELF$E/exp/sub"
assert_match ' deeper$' "$OUT" "nfs-ls of a directory below the export"
ok "directories below an export mount with handles of their own"

# ------------------------------------------------------------ odd paths
n=$(loglines)
long_comp=$(printf 'n%.0s' $(seq 300))
path4k=$E/exp/$(printf 'x%.0s' $(seq 4096))
mp peer "$ADDR_SELF" \
    mnt "$E/exp/.." \
    mnt "$E/exp/../../../../../../../etc" \
    mnt "$E/exp/sub/../../secret" \
    mnt "$E/exp/etc" \
    mnt "$E/exp/sibling" \
    mnt "$E/exp/sibling/../exp" \
    mnt "$E/exp/etc/ssl" \
    mnt "exp/relative" \
    mnt "$E/exp/$long_comp" \
    mnt "$E/exp/%n%s%x%n%n%n" \
    mnt "$E/exp/%n%s%x" \
    mnt "$E/exp/ctl"$'\n\033'"[31mred"
printf '%s\n' "$OUT" | grep '^mnt .*: OK' | grep -vq "^mnt $E/exp/%n%s%x: OK" &&
    fail "an odd path was mounted"
assert_match "^mnt $E/exp/..: ERR MNT3ERR_ACCES 13$" "$OUT" "MNT of EXPORT/.."
assert_match "^mnt $E/exp/../../../../../../../etc: ERR MNT3ERR_ACCES 13$" "$OUT" "MNT of EXPORT/../../etc"
assert_match "^mnt $E/exp/sub/../../secret: ERR MNT3ERR_ACCES 13$" "$OUT" "MNT of EXPORT/sub/../../secret"
assert_match "^mnt $E/exp/etc: ERR MNT3ERR_(ACCES 13|NOENT 2)$" "$OUT" "MNT through a symlink to /etc"
assert_match "^mnt $E/exp/sibling: ERR MNT3ERR_(ACCES 13|NOENT 2)$" "$OUT" "MNT through a symlink to ../secret"
assert_match "^mnt $E/exp/sibling/../exp: ERR MNT3ERR_(ACCES 13|NOENT 2)$" "$OUT" "MNT through symlink/.."
assert_match "^mnt $E/exp/etc/ssl: ERR MNT3ERR_(ACCES 13|NOENT 2)$" "$OUT" "MNT below a symlink to /etc"
assert_match "^mnt exp/relative: ERR MNT3ERR_(INVAL 22|ACCES 13)$" "$OUT" "MNT of a relative path"
assert_match "^mnt <[0-9]+ bytes>: ERR MNT3ERR_NAMETOOLONG 63$" "$OUT" "MNT with a 300-byte component"
assert_match "^mnt $E/exp/%n%s%x%n%n%n: ERR MNT3ERR_NOENT 2$" "$OUT" "MNT of a missing %n path"
# $E/exp/%n%s%x exists (a directory of that name): mountable, as data
assert_match "^mnt $E/exp/%n%s%x: OK fh=" "$OUT" "MNT of the directory EXPORT/%n%s%x"
assert_match "^mnt $E/exp/ctl\\\\012\\\\033\\[31mred: ERR MNT3ERR_NOENT 2$" "$OUT" \
    "MNT with control bytes"
# the 4 KiB path on its own: refused, or a decode error (mntprobe exits 1
# on an RPC error), over TCP and over UDP
# try LABEL CMD...: run CMD, whatever its status, output in $OUT
try() {
	local label=$1
	shift
	RC=0
	OUT=$("$@" 2>&1) || RC=$?
	printf '+ %s: exit %s\n%s\n' "$label" "$RC" "$OUT"
}
try "(peer) mntprobe mnt <4 KiB path> null" \
    in_peer "$MNTPROBE" "$ADDR_SELF" mnt "$path4k" null
assert_match "^mnt <[0-9]+ bytes>: (ERR MNT3ERR_(NAMETOOLONG|ACCES|INVAL)|RPC ERROR: RPC: Server can't decode arguments)" \
    "$OUT" "MNT of a 4 KiB path (TCP)"
assert_match "^null: ok$" "$OUT" "NULL on the same connection after the 4 KiB path"
try "(peer) mntprobe -U mnt <4 KiB path>" \
    in_peer "$MNTPROBE" -U "$ADDR_SELF" mnt "$path4k"
assert_match "^mnt <[0-9]+ bytes>: (ERR MNT3ERR_(NAMETOOLONG|ACCES|INVAL)|RPC ERROR: RPC: Server can't decode arguments)" \
    "$OUT" "MNT of a 4 KiB path (UDP)"
still_serving "the odd paths"
log_since "$n"
logn=$(log_since "$n")
assert_match "refused mount request from 192\.0\.2\.2:[0-9]+ for $E/exp/%n%s%x%n%n%n(:|$)" "$logn" \
    "the %n path is logged as data"
assert_match "from 192\.0\.2\.2:[0-9]+ for $E/exp/ctl\\\\012\\\\033\[31mred" "$logn" \
    "control bytes are logged as \\ooo"
assert_nomatch "$(printf '\033')" "$(cat "$T/mountd.log")" "a raw ESC in mountd's log"
assert_match "refused mount request from 192\.0\.2\.2:[0-9]+ for $E/exp/\.\.(:| )" "$logn" \
    "the .. request is logged"
assert_match "refused mount request from 192\.0\.2\.2:[0-9]+ for $E/exp/etc(:| )" "$logn" \
    "the symlink request is logged"
assert_nomatch "authenticated mount request .*(secret|/etc|relative|ctl)" "$logn" \
    "an odd path was accepted"
ok "odd paths refused cleanly; mountd still answers NULL and MNT; the log shows them as data"

# nothing outside the export became reachable through nfsd either
mustnot in_peer nfs-ls "nfs://$ADDR_SELF$E/exp/sibling"
mustnot in_peer nfs-ls "nfs://$ADDR_SELF$E/secret"
check_daemons
stop_daemon mountd

# ------------------------------------------------------------ syslog: LOG_NOTICE
# A datagram socket standing in for syslogd, and a detached rpc.mountd in a
# nested mount namespace whose /dev holds null, zero, urandom and our log.
cat >"$T/syslogd.py" <<'PY'
import os, socket, sys
path, out = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
os.chmod(path, 0o666)
with open(out, "ab", buffering=0) as f:
    while True:
        f.write(s.recv(65536).rstrip(b"\n") + b"\n")
PY
start_daemon syslogd /usr/bin/python3 "$T/syslogd.py" "$T/devlog" "$T/syslog.out"
wait_until 10 test -S "$T/devlog" || fail "syslog stand-in did not start"
rm -f "$T/rpc.mountd.pid"
# shellcheck disable=SC2016  # the inner shell expands
unshare --mount --propagation private -- sh -c '
	set -e
	mount -t tmpfs -o mode=0755 tmpfs /dev
	mknod -m 666 /dev/null c 1 3
	mknod -m 666 /dev/zero c 1 5
	mknod -m 666 /dev/urandom c 1 9
	ln -s "$1/devlog" /dev/log
	shift
	exec "$@"' sh "$T" "$MOUNTD" "${conf_args[@]}" >"$T/mountd-detached.out" 2>&1 &
ppid_d=$!
_PIDS+=("$ppid_d")
wait_exit "$ppid_d" 10 || fail "detached rpc.mountd: the parent did not exit"
[ "$WAIT_STATUS" = 0 ] ||
    fail "detached rpc.mountd exited $WAIT_STATUS: $(cat "$T/mountd-detached.out")"
# the child rewrites the pidfile after detaching
wait_until 10 sh -c "p=\$(cat '$T/rpc.mountd.pid') && [ \"\$p\" != $ppid_d ] && kill -0 \"\$p\"" ||
    fail "no pidfile naming the detached rpc.mountd"
dpid=$(cat "$T/rpc.mountd.pid")
_PIDS+=("$dpid")
wait_rpc 100005 3 tcp
mp peer2 "$ADDR_SELF2" mnt "$E/exp"
assert_match "^mnt $E/exp: ERR MNT3ERR_ACCES 13$" "$OUT" "MNT from the second peer (detached mountd)"
port2=$(printf '%s\n' "$OUT" | awk '/^local port/ { print $3 }')
# <29> is LOG_DAEMON (3) * 8 + LOG_NOTICE (5)
wait_until 10 grep -Eq "^<29>.*mountd\[$dpid\]: refused mount request from 198\.51\.100\.2:$port2 for $E/exp" \
    "$T/syslog.out" || fail "no LOG_NOTICE refusal in syslog:
$(cat "$T/syslog.out")"
cat "$T/syslog.out"
kill -TERM "$dpid"
# gone, or a zombie of ours (PID 1 of this namespace inherits it)
wait_until 10 sh -c "! kill -0 $dpid || grep -q '^State:.*Z' /proc/$dpid/status" ||
    fail "detached rpc.mountd did not stop"
ok "the refusal goes to syslog as LOG_DAEMON|LOG_NOTICE with the numeric address"
