#!/bin/bash
# t_sd_units: the systemd units (etc/systemd) as `make install` installs
# them, and rpcbind under socket activation.
#  - `systemd-analyze verify` finds nothing wrong in any unit (that check is
#    skipped when systemd-analyze is not installed);
#  - `systemctl --root enable nfs-suite.target` enables them all, making the names Debian admins and
#    Debian's units use (rpcbind.socket, rpcbind.service, nfs-server.service,
#    nfs-kernel-server.service, nfs-mountd.service, rpc-statd.service), even
#    with a Debian rpcbind.socket in /lib (skipped without systemctl);
#  - every daemon is Type=notify, no unit that opens exported files has
#    PrivateTmp, and no unit conflicts with rpcbind.socket or other names a
#    Debian unit pulls in (which would stop the suite);
#  - rpcbind given the sockets of nfs-suite-rpcbind.socket (LISTEN_FDS,
#    tests/clients/sdactivate.py stands in for systemd) serves on them
#    instead of binding its own: the same socket inodes, the same
#    /run/rpcbind.sock file (left in place at its exit: it is the
#    manager's), and a socket it was not configured for is served too.
# timeout: 60
. "$(dirname "$0")/lib.sh"
need_rpcbind
ACTIVATE=$SRCDIR/tests/clients/sdactivate.py

R=$T/root
mkdir -p "$R/sbin" "$R/etc" "$R/lib/systemd/system" "$R/etc/systemd/system"
for p in rpcbind/rpcbind mountd/rpc.mountd nfsd/rpc.nfsd lockd/rpc.lockd \
    statd/rpc.statd rquotad/rpc.rquotad mountd/exportfs; do
	ln -s "$BUILD/$p" "$R/sbin/"
done
: >"$R/etc/nfs-suite.conf"
UNITS=()
for u in "$SRCDIR"/etc/systemd/*; do
	sed "s|@sbindir@|$R/sbin|g; s|@sysconfdir@|$R/etc|g" "$u" \
	    >"$R/lib/systemd/system/${u##*/}"
	UNITS+=("${u##*/}")
done
echo "units: ${UNITS[*]}"

# ------------------------------------------------ what the units say
U=$R/lib/systemd/system
for u in "$U"/*.service; do
	grep -qx 'Type=notify' "$u" || fail "${u##*/} is not Type=notify"
	grep -Eq '^ExecStart=[^ ]+ -F ' "$u" || fail "${u##*/}: not in the foreground"
	grep -Eq '^SyslogIdentifier=(rpcbind|rpc\.[a-z]+)$' "$u" ||
	    fail "${u##*/}: no SyslogIdentifier= of the program's name"
done
for d in mountd nfsd lockd rquotad statd; do
	! grep -q '^PrivateTmp' "$U/nfs-suite-$d.service" ||
	    fail "nfs-suite-$d.service has PrivateTmp (it would hide exports in /tmp)"
done
bad=$(grep '^Conflicts=' "$U"/* | sed 's/.*Conflicts=//' | grep -E 'rpcbind|nfs-server|nfs-kernel-server|rpc-statd|nfs-mountd|nfs-utils' || true)
[ -z "$bad" ] || fail "conflicts with names Debian's units pull in:
$bad"
ok "Type=notify, -F, SyslogIdentifier everywhere; no PrivateTmp where exports are opened; no Conflicts with Debian's names"

# ------------------------------------------------ systemd-analyze verify
if command -v systemd-analyze >/dev/null; then
	(cd "$U" && systemd-analyze verify --man=no "${UNITS[@]}") >"$T/verify.out" 2>&1 ||
	    fail "systemd-analyze verify: $(cat "$T/verify.out")"
	cat "$T/verify.out"
	[ ! -s "$T/verify.out" ] || fail "systemd-analyze verify has complaints"
	ok "systemd-analyze verify: ${#UNITS[@]} units, no complaint"
else
	echo "no systemd-analyze: verify skipped"
fi

# ------------------------------------------------ enable: the alias names
if command -v systemctl >/dev/null; then
	# Debian's rpcbind package beside ours
	printf '[Unit]\nDescription=Debian rpcbind.socket\n[Socket]\nListenStream=/run/rpcbind.sock\n[Install]\nWantedBy=sockets.target\n' \
	    >"$U/rpcbind.socket"
	# the target takes every unit with it (Also=)
	systemctl --root="$R" enable nfs-suite.target >"$T/enable.out" 2>&1 ||
	    fail "systemctl enable: $(cat "$T/enable.out")"
	for a in rpcbind.socket:nfs-suite-rpcbind.socket \
	    rpcbind.service:nfs-suite-rpcbind.service \
	    nfs-server.service:nfs-suite-nfsd.service \
	    nfs-kernel-server.service:nfs-suite-nfsd.service \
	    nfs-mountd.service:nfs-suite-mountd.service \
	    rpc-statd.service:nfs-suite-statd.service; do
		l=$(readlink "$R/etc/systemd/system/${a%%:*}") ||
		    fail "no alias ${a%%:*}"
		assert_eq "${l##*/}" "${a#*:}" "alias ${a%%:*}"
	done
	for d in rpcbind mountd nfsd statd lockd rquotad; do
		[ -L "$R/etc/systemd/system/nfs-suite.target.wants/nfs-suite-$d.service" ] ||
		    fail "nfs-suite.target does not want nfs-suite-$d.service"
	done
	ok "enabled: rpcbind.socket, rpcbind.service, nfs-server, nfs-kernel-server, nfs-mountd, rpc-statd are ours; nfs-suite.target wants all six"
else
	echo "no systemctl: enable skipped"
fi

# ------------------------------------------------ socket activation
rpcbind_conf
start_daemon rpcbind /usr/bin/python3 "$ACTIVATE" "$T/fds" \
    unix:/run/rpcbind.sock stream:0.0.0.0:111 dgram:0.0.0.0:111 \
    'stream:[::]:111' 'dgram:[::]:111' stream:127.0.0.1:1111 -- \
    "$BUILD/rpcbind/rpcbind" -F --config "$T/rpcbind.conf"
must_exit_0 rpcbind
wait_rpc 100000 4 tcp
wait_rpc 100000 2 udp
cat "$T/fds"
sock_ino=$(stat -c %i /run/rpcbind.sock)
pid=$(daemon_pid rpcbind)
while read -r fd ino spec; do
	[ "$(readlink "/proc/$pid/fd/$fd")" = "socket:[$ino]" ] ||
	    fail "rpcbind's fd $fd is not the socket it was given for $spec"
done <"$T/fds"
n=$(find "/proc/$pid/fd" -lname 'socket:*' | while read -r f; do readlink "$f"; done |
    sort -u | grep -c . || true)
grep -c 'from the service manager' "$T/rpcbind.log" | grep -qx 6 ||
    fail "rpcbind does not log the 6 sockets it adopted"
must rpcinfo -n 1111 -t 127.0.0.1 100000 4
must rpcinfo -T tcp6 ::1 100000 4
must rpcinfo -T udp6 ::1 100000 4
# a registration over the local socket
start_daemon rquotad "$BUILD/rquotad/rpc.rquotad" -F --config "$R/etc/nfs-suite.conf" \
    -e /dev/null -E "$T/none.d"
must_exit_0 rquotad
WAIT_SECS=10 wait_rpc 100011 1 udp
stop_daemon rquotad
stop_daemon rpcbind
[ -S /run/rpcbind.sock ] || fail "rpcbind removed the manager's /run/rpcbind.sock"
assert_eq "$(stat -c %i /run/rpcbind.sock)" "$sock_ino" "/run/rpcbind.sock inode"
ok "socket activation: rpcbind serves on the 6 sockets it was given ($n sockets open), leaves /run/rpcbind.sock"
