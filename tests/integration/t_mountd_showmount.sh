#!/bin/bash
# t_mountd_showmount: what Debian's showmount, rpcinfo and nfs-ls see of
# rpc.mountd.
#  - rpcinfo -p lists mountd versions 1, 2 and 3 on tcp and udp.
#  - showmount -e (from us and from the peer namespace) prints one line per
#    export with its groups as nfs-utils' mountd builds them: hosts, CIDR
#    and dotted-netmask subnets, wildcards; a host covered by a subnet of
#    the same export is left out; an export to "*" alone shows "*", "*"
#    beside other clients shows "(everyone)"; exports.d is read too.
#  - nfs-ls -D nfs://SERVER lists the same exports.
#  - MNT from two addresses (127.0.0.1 and the peer 192.0.2.2, MOUNT v3 over
#    TCP and v1 over UDP, tests/clients/mntprobe) shows up in showmount -a
#    and -d; the list survives a restart of rpc.mountd (rmtab); UMNT removes
#    one entry, UMNTALL all of the caller's, also after the restart.
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
MOUNTD=$BUILD/mountd/rpc.mountd MNTPROBE=$BUILD/tests/clients/mntprobe
for p in "$MOUNTD" "$MNTPROBE"; do
	[ -x "$p" ] || fail "$p not built"
done
for c in showmount nfs-ls; do
	command -v "$c" >/dev/null || fail "$c not installed"
done

E=$(mktemp -d "/var/tmp/nfs-suite-$TEST_NAME.XXXXXX") || fail "mktemp"
trap 'rc=$?; [ "$BASHPID" != "$_MAIN_PID" ] || rm -rf "$E"; (exit $rc); _on_exit' EXIT
mkdir -p "$E/hosts/sub" "$E/net/sub" "$E/wild" "$E/world" "$E/mixed" \
    "$E/dotd" "$T/exports.d" || fail mkdir
cat >"$T/nfs.conf" <<EOC
# written by $TEST_NAME
[global]
state-dir = /var/lib/nfs-suite
[mountd]
pidfile = $T/rpc.mountd.pid
EOC
cat >"$T/exports" <<EOX
# written by $TEST_NAME
$E/hosts	127.0.0.1(rw,insecure) 192.0.2.2(ro)
$E/net	192.0.2.0/24(rw) 10.1.0.0/255.255.0.0(ro) 192.0.2.7(rw) 127.0.0.1(ro)
$E/wild	*.example.com(rw) host?.test(ro) 192.0.2.2(rw)
$E/world	*(ro,insecure)
$E/mixed	192.0.2.2(rw) *(ro)
EOX
echo "$E/dotd	127.0.0.1(rw)" >"$T/exports.d/extra.exports"

peer_setup
start_rpcbind
start_mountd() {
	start_daemon mountd "$MOUNTD" -F -f "$T/nfs.conf" -S /var/lib/nfs-suite \
	    -e "$T/exports" -E "$T/exports.d"
	must_exit_0 mountd
	wait_rpc 100005 3 tcp
	wait_rpc 100005 1 udp
}
start_mountd

# ------------------------------------------------------------ rpcinfo -p
must rpcinfo -p 127.0.0.1
for v in 1 2 3; do
	for proto in tcp udp; do
		assert_match "^ +100005 +$v +$proto +20048 +mountd$" "$OUT" \
		    "rpcinfo -p: mountd v$v/$proto"
	done
done
must in_peer rpcinfo -p "$ADDR_SELF"
assert_match "^ +100005 +3 +tcp +20048 +mountd$" "$OUT" "rpcinfo -p from the peer"
ok "rpcinfo -p lists mountd v1, v2, v3 on tcp and udp"

# ------------------------------------------------------------ showmount -e
# groups_of PATH: the groups showmount -e printed for PATH, sorted, one line
groups_of() {
	printf '%s\n' "$OUT" | awk -v p="$1" '$1 == p { print $2 }' |
	    tr ',' '\n' | sort | tr '\n' ' '
}
check_exports() {
	local who=$1
	assert_match "^Export list for " "$OUT" "showmount -e header ($who)"
	assert_eq "$(printf '%s\n' "$OUT" | grep -c "^$E/")" 6 \
	    "showmount -e ($who): number of exports"
	assert_eq "$(groups_of "$E/hosts")" "127.0.0.1 192.0.2.2 " \
	    "showmount -e ($who): hosts"
	assert_eq "$(groups_of "$E/net")" \
	    "10.1.0.0/255.255.0.0 127.0.0.1 192.0.2.0/24 " \
	    "showmount -e ($who): subnets (192.0.2.7 is covered by 192.0.2.0/24)"
	assert_eq "$(groups_of "$E/wild")" "*.example.com 192.0.2.2 host?.test " \
	    "showmount -e ($who): wildcards"
	assert_eq "$(groups_of "$E/world")" "* " "showmount -e ($who): * alone"
	assert_eq "$(groups_of "$E/mixed")" "(everyone) " \
	    "showmount -e ($who): * beside a host"
	assert_eq "$(groups_of "$E/dotd")" "127.0.0.1 " \
	    "showmount -e ($who): the exports.d file"
	# showmount's own layout: the path padded, one space, the groups
	assert_match "^$E/hosts +[^ ]+$" "$OUT" "showmount -e layout"
}
must showmount -e 127.0.0.1
check_exports us
must in_peer showmount -e "$ADDR_SELF"
check_exports peer
ok "showmount -e: groups per export, hosts, subnets, wildcards, *"

# ------------------------------------------------------------ nfs-ls -D
must nfs-ls -D nfs://127.0.0.1
for x in hosts net wild world mixed dotd; do
	assert_match "^nfs://127.0.0.1$E/$x\$" "$OUT" "nfs-ls -D lists $E/$x"
done
ok "nfs-ls -D lists the exports"

# ------------------------------------------------------------ MNT, showmount -a/-d
# mnt_ok SIDE ARGS...: mntprobe (SIDE: self or peer) must get MNT3_OK for
# every mnt in ARGS
mnt_ok() {
	local side=$1
	shift
	if [ "$side" = peer ]; then
		must in_peer "$MNTPROBE" "$@"
	else
		must "$MNTPROBE" "$@"
	fi
	assert_nomatch ': (ERR|RPC ERROR)' "$OUT" "mntprobe $*"
}
must showmount -a 127.0.0.1
assert_nomatch "^[0-9].*:/" "$OUT" "showmount -a before any mount"

mnt_ok self 127.0.0.1 mnt "$E/hosts" mnt "$E/net/sub"
assert_match "^mnt $E/hosts: OK fh=[0-9a-f]+ flavors=1$" "$OUT" "MNT v3 reply"
mnt_ok self -U -v 1 127.0.0.1 mnt "$E/dotd"
assert_match "^mnt $E/dotd: OK fh=[0-9a-f]{64}$" "$OUT" "MNT v1 reply: a 32-byte handle"
mnt_ok peer "$ADDR_SELF" mnt "$E/hosts" mnt "$E/wild" mnt "$E/world"

# expected showmount -a lines (sorted as showmount sorts them)
ALL="127.0.0.1:$E/dotd
127.0.0.1:$E/hosts
127.0.0.1:$E/net/sub
192.0.2.2:$E/hosts
192.0.2.2:$E/wild
192.0.2.2:$E/world"
DIRS="$E/dotd
$E/hosts
$E/net/sub
$E/wild
$E/world"
# check_list WHAT ALL DIRS: showmount -a and -d against the expectation
check_list() {
	must showmount -a 127.0.0.1
	assert_eq "$(printf '%s\n' "$OUT" | grep -v '^All mount points' | sort)" \
	    "$(printf '%s\n' "$2" | sed '/^$/d' | sort)" "showmount -a $1"
	must showmount -d 127.0.0.1
	assert_eq "$(printf '%s\n' "$OUT" | grep -v '^Directories on' | sort)" \
	    "$(printf '%s\n' "$3" | sed '/^$/d' | sort)" "showmount -d $1"
	must in_peer showmount -a "$ADDR_SELF"
	assert_eq "$(printf '%s\n' "$OUT" | grep -v '^All mount points' | sort)" \
	    "$(printf '%s\n' "$2" | sed '/^$/d' | sort)" "showmount -a from the peer $1"
}
check_list "after MNT from two addresses" "$ALL" "$DIRS"
ok "showmount -a/-d show the mounts of 127.0.0.1 and 192.0.2.2"

# ------------------------------------------------------------ restart
RMTAB=/var/lib/nfs-suite/rmtab
[ -s "$RMTAB" ] || fail "no $RMTAB after MNT"
stop_daemon mountd
wait_until 10 sh -c '! rpcinfo -T tcp 127.0.0.1 100005 3' ||
    fail "mountd still registered after SIGTERM"
start_mountd
wait_until 10 sh -c "grep 'mounts recorded' '$T/mountd.log' | tail -n 1 | grep -q ' 6 mounts recorded'" ||
    fail "mountd did not say it read back 6 mounts"
check_list "after a restart of rpc.mountd" "$ALL" "$DIRS"
ok "the mount list survives a restart (rmtab)"

# ------------------------------------------------------------ UMNT, UMNTALL
must "$MNTPROBE" 127.0.0.1 umnt "$E/hosts"
assert_match "^umnt $E/hosts: ok$" "$OUT" "UMNT reply"
ALL=$(printf '%s\n' "$ALL" | grep -vx "127.0.0.1:$E/hosts")
check_list "after UMNT of 127.0.0.1:$E/hosts" "$ALL" "$DIRS"
ok "UMNT removes one entry; 192.0.2.2:$E/hosts stays"

must in_peer "$MNTPROBE" "$ADDR_SELF" umntall
assert_match "^umntall: ok$" "$OUT" "UMNTALL reply"
ALL=$(printf '%s\n' "$ALL" | grep -v "^192\.0\.2\.2:")
DIRS="$E/dotd
$E/net/sub"
check_list "after UMNTALL from the peer" "$ALL" "$DIRS"
ok "UMNTALL removes every entry of the caller and only those"

# v1 UMNT over UDP, then a restart: what was removed stays removed
must "$MNTPROBE" -U -v 1 127.0.0.1 umnt "$E/dotd"
ALL="127.0.0.1:$E/net/sub"
DIRS="$E/net/sub"
stop_daemon mountd
start_mountd
check_list "after UMNT and a restart" "$ALL" "$DIRS"
must "$MNTPROBE" 127.0.0.1 umntall
check_list "after the last UMNTALL" "" ""
ok "removals are persistent too; the list ends empty"
check_daemons
