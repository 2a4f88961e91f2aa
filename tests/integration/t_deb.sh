#!/bin/bash
# t_deb: the Debian package (`make deb`, packaging/deb) and `make uninstall`.
#  - `make deb` from this build (no recompilation: the same CC and
#    SANITIZE, checked on $BUILD/.flags) gives a .deb whose files are under
#    /usr/sbin, /usr/lib/systemd/system, /usr/share/man and /etc, whose
#    units run /usr/sbin/... --config /etc/nfs-suite.conf, with
#    /etc/nfs-suite.conf a conffile and Conflicts/Replaces/Provides on
#    rpcbind and nfs-kernel-server;
#  - `dpkg -i` of it on this host as it is (rpcbind and nfs-common
#    installed), inside this test's mount namespace: /usr, /etc, /var (and
#    any unmerged /bin, /sbin, /lib) are overlays whose writes land in $T,
#    so the host's files and dpkg database never change. dpkg replaces
#    rpcbind (nfs-common stays: nfs-suite provides rpcbind), diverts
#    nfs-common's rpc.statd, postinst makes /etc/exports and enables the
#    units (their Alias= names too) and the SysV links; policy-rc.d keeps
#    it from starting anything;
#  - the suite started from the installed units' own ExecStartPre/ExecStart
#    lines, on /etc/nfs-suite.conf as shipped and a one-line /etc/exports,
#    answers: showmount -e lists the export and nfs-ls lists a file in it;
#  - `dpkg -r` is refused (nfs-common needs an rpcbind); forced, it
#    gives nfs-common its rpc.statd back and drops the unit links
#    (rpcbind.service would shadow a reinstalled Debian rpcbind), keeping
#    the conffile; `dpkg --purge` removes it and keeps /etc/exports;
#  - `make install DESTDIR=X` then `make uninstall DESTDIR=X` leaves no
#    file in X.
# timeout: 120
. "$(dirname "$0")/lib.sh"
for c in make dpkg dpkg-deb dpkg-divert showmount rpcinfo nfs-ls; do
	command -v "$c" >/dev/null || fail "$c not installed"
done
dpkg-query -W -f='${Status}' nfs-common 2>/dev/null | grep -q 'ok installed' ||
    fail "nfs-common not installed (scripts/install-deps)"
{ [ -f "$BUILD/.flags" ] && [ -x "$BUILD/nfsd/rpc.nfsd" ]; } || fail "not built"
case $T in
/usr/* | /etc/* | /var/* | /bin/* | /sbin/* | /lib*) fail "scratch dir $T is under a dir this test overlays" ;;
esac

# The make variables $BUILD was built with: any other CC, SANITIZE or
# spelling of B (it is in -I) would rewrite $BUILD/.flags and rebuild the
# tree differently.
flags=$(cat "$BUILD/.flags")
b=$(sed -n 's/.* -I\. -I\([^ ]*\) .*/\1/p' <<<"$flags")
[ "$(cd "$SRCDIR" && cd "$b" 2>/dev/null && pwd)" = "$BUILD" ] ||
    fail "cannot tell the B= of $BUILD from its .flags"
MK=(make -C "$SRCDIR" --no-print-directory B="$b" CC="${flags%% *}")
case $flags in *-fsanitize=*) MK+=(SANITIZE=1) ;; *) MK+=(SANITIZE=0) ;; esac
mk() {
	"${MK[@]}" "$@" >"$T/make.log" 2>&1 || { cat "$T/make.log"; return 1; }
	cmp -s "$BUILD/.flags" - <<<"$flags" || fail "make changed $BUILD/.flags"
}

# ------------------------------------------------------------ make deb
t0=$SECONDS
mk deb || fail "make deb"
grep -E '^(gcc|clang|cc) .* -c ' "$T/make.log" && fail "make deb recompiled"
DEB=$(tail -n 1 "$T/make.log")
[ -f "$DEB" ] || DEB=$SRCDIR/$DEB
[ -f "$DEB" ] || fail "make deb made no .deb (last line: $DEB)"
ok "make deb: ${DEB##*/} in $((SECONDS - t0)) s"

F() { dpkg-deb -f "$DEB" "$1"; }
echo "+ control:"
dpkg-deb -f "$DEB"
assert_eq "$(F Package)" nfs-suite "Package"
assert_eq "$(F Version)" "$(sed -n 's/^PACKAGE_VERSION[[:space:]]*=[[:space:]]*//p' "$SRCDIR/config.mk")" "Version"
assert_eq "$(F Architecture)" "$(dpkg --print-architecture)" "Architecture"
for f in Conflicts Replaces; do
	for p in rpcbind nfs-kernel-server; do
		assert_match "(^|, )$p(,|$)" "$(F $f)" "$f: $p"
	done
done
assert_match "(^|, )rpcbind(,|$)" "$(F Provides)" "Provides: rpcbind (nfs-common depends on it)"
assert_nomatch "nfs-common|quota" "$(F Conflicts)" "Conflicts takes nfs-common or quota away"
assert_match "libtirpc3" "$(F Depends)" "Depends"
# libcrypto (AUTH_DH's DES and Diffie-Hellman: rpc.nfsd, rpc.mountd)
assert_match "libssl3" "$(F Depends)" "Depends"

LIST=$(dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|')
for p in rpcbind rpc.mountd rpc.nfsd rpc.lockd rpc.statd rpc.rquotad exportfs nfs-suite-stat; do
	assert_match "^/usr/sbin/$p$" "$LIST" "/usr/sbin/$p in the package"
done
assert_match "^/(usr/)?lib/systemd/system/nfs-suite\.target$" "$LIST" "units"
assert_match "^/usr/share/man/man8/rpc\.nfsd\.8\.gz$" "$LIST" "man pages"
assert_match "^/etc/nfs-suite\.conf$" "$LIST" "/etc/nfs-suite.conf"
assert_nomatch "^/etc/exports$|^/usr/local|^/sbin|^/bin" "$LIST" "files off Debian's paths"
mkdir "$T/ctl"
dpkg-deb -e "$DEB" "$T/ctl"
assert_match "^/etc/nfs-suite\.conf$" "$(cat "$T/ctl/conffiles")" "conffiles"
ok "control fields, file list and conffiles"

# ------------------------------------------------------------ install
# The host's originals, to compare with after the removal.
statd_md5=$(md5sum </usr/sbin/rpc.statd)
mkdir -p "$T/bin"
cp "$(command -v rpcinfo)" "$T/bin/"	# rpcbind's: gone once it is replaced
PATH=$T/bin:$PATH

overlay() {
	local d=$1 n
	n=$T/ovl/${d//\//_}
	mkdir -p "$n/u" "$n/w"
	mount -t overlay overlay -o "lowerdir=$d,upperdir=$n/u,workdir=$n/w" "$d" ||
	    fail "overlay on $d"
}
for d in /usr /etc /var /bin /sbin /lib /lib32 /lib64 /libx32 /root /opt /srv; do
	[ -d "$d" ] && [ ! -L "$d" ] && overlay "$d"
done
# what lib.sh had mounted there, hidden by the overlays
mount -t tmpfs -o mode=0755 tmpfs /var/lib/nfs-suite || fail "tmpfs on /var/lib/nfs-suite"
[ -e "$T/.empty-nfs.conf" ] && { mount --bind "$T/.empty-nfs.conf" /etc/nfs.conf || fail "hide /etc/nfs.conf"; }
printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
chmod 755 /usr/sbin/policy-rc.d
rm -f /var/lib/man-db/auto-update /etc/exports	# no mandb run; postinst makes exports
echo "+ / overlaid: $(findmnt -rn -t overlay -o TARGET | tr '\n' ' ')"

t0=$SECONDS
must dpkg -i "$DEB"
assert_match "nfs-suite" "$(dpkg-query -W -f='${Package} ${Status}\n' nfs-suite)" "dpkg -s"
assert_match "install ok installed" "$(dpkg-query -W -f='${Status}' nfs-suite)" "nfs-suite installed"
dpkg-query -W -f='${Status}' rpcbind 2>/dev/null | grep -q 'ok installed' &&
    fail "rpcbind still installed beside nfs-suite"
assert_match "install ok installed" "$(dpkg-query -W -f='${Status}' nfs-common)" "nfs-common kept"
must dpkg-divert --list 'nfs-suite'
assert_match "/usr/sbin/rpc\.statd to /usr/sbin/rpc\.statd\.nfs-common by nfs-suite" "$OUT" "rpc.statd diverted"
assert_eq "$(md5sum </usr/sbin/rpc.statd.nfs-common)" "$statd_md5" "nfs-common's rpc.statd kept aside"
cmp -s /usr/sbin/rpc.statd "$BUILD/statd/rpc.statd" || fail "/usr/sbin/rpc.statd is not ours"
cmp -s /usr/sbin/rpcbind "$BUILD/rpcbind/rpcbind" || fail "/usr/sbin/rpcbind is not ours"
[ -f /etc/exports ] || fail "postinst made no /etc/exports"
getent passwd _rpc >/dev/null || fail "no user _rpc"
getent passwd statd >/dev/null || fail "no user statd"
for l in /etc/systemd/system/multi-user.target.wants/nfs-suite.target \
    /etc/systemd/system/rpcbind.service /etc/systemd/system/nfs-server.service \
    /etc/systemd/system/sockets.target.wants/nfs-suite-rpcbind.socket; do
	[ -L "$l" ] || fail "postinst did not enable: no $l"
done
ls /etc/rc2.d/S*nfs-suite-nfsd >/dev/null 2>&1 || fail "no SysV link for nfs-suite-nfsd"
ok "dpkg -i in $((SECONDS - t0)) s: rpcbind replaced, nfs-common kept with its rpc.statd diverted, units enabled"

# ------------------------------------------------------------ serve from the units
U=/usr/lib/systemd/system
[ -f $U/nfs-suite-nfsd.service ] || U=/lib/systemd/system
mkdir -p "$T/exp"
echo hello >"$T/exp/hello.txt"
echo "$T/exp 127.0.0.1(rw,no_subtree_check,insecure)" >/etc/exports
# unit_exec KEY UNIT: the unit's KEY= command lines
unit_exec() {
	sed -n "s/^$1=//p" "$U/$2"
}
declare -A RPCPROG=([rpcbind]="100000 4" [statd]="100024 1" [lockd]="100021 4"
	[mountd]="100005 3" [nfsd]="100003 3" [rquotad]="100011 1")
for d in rpcbind statd lockd mountd nfsd rquotad; do
	u=nfs-suite-$d.service
	start=$(unit_exec ExecStart "$u")
	assert_match "^/usr/sbin/[a-z.]+ -F --config /etc/nfs-suite.conf$" "$start" "$u ExecStart"
	while read -r pre; do
		[ -n "$pre" ] || continue
		# shellcheck disable=SC2086  # split as systemd does
		if [ "${pre#-}" != "$pre" ]; then	# "-": its failure is ignored
			echo "+ $u: ${pre#-}"
			${pre#-} || echo "(exit $?, ignored as systemd would)"
		else
			must $pre
		fi
	done <<<"$(unit_exec ExecStartPre "$u")"
	# shellcheck disable=SC2086  # a unit's command line, split as systemd does
	start_daemon "$d" $start
	# shellcheck disable=SC2086
	wait_rpc ${RPCPROG[$d]}
done
ok "the suite runs from the units' own command lines"
must showmount -e 127.0.0.1
assert_match "^$T/exp " "$OUT" "showmount -e"
must nfs-ls "nfs://127.0.0.1$T/exp"
assert_match "hello\.txt" "$OUT" "nfs-ls of the export"
ok "serves a mount: showmount -e and nfs-ls"
for d in rquotad nfsd mountd lockd statd rpcbind; do
	stop_daemon "$d"
done

# ------------------------------------------------------------ remove, purge
# nfs-common (and nfs-ganesha) depend on rpcbind, which nfs-suite provides:
# dpkg refuses a plain removal, as it should (on a real host: apt install
# rpcbind, which replaces nfs-suite in turn).
mustnot dpkg -r nfs-suite
assert_match "nfs-common depends on rpcbind" "$OUT" "dpkg -r refused for nfs-common's sake"
must dpkg -r --force-depends nfs-suite
[ -e /usr/sbin/rpc.nfsd ] && fail "dpkg -r left /usr/sbin/rpc.nfsd"
assert_eq "$(md5sum </usr/sbin/rpc.statd)" "$statd_md5" "nfs-common's rpc.statd back in place"
[ -e /usr/sbin/rpc.statd.nfs-common ] && fail "rpc.statd.nfs-common left behind"
[ -z "$(dpkg-divert --list nfs-suite)" ] || fail "diversions left: $(dpkg-divert --list nfs-suite)"
[ -e /etc/systemd/system/rpcbind.service ] && fail "dpkg -r left the rpcbind.service alias"
[ -e /etc/systemd/system/multi-user.target.wants/nfs-suite.target ] && fail "dpkg -r left nfs-suite.target enabled"
[ -f /etc/nfs-suite.conf ] || fail "dpkg -r removed the conffile"
must dpkg --purge --force-depends nfs-suite
[ -e /etc/nfs-suite.conf ] && fail "dpkg --purge left /etc/nfs-suite.conf"
ls /etc/rc2.d/S*nfs-suite-nfsd >/dev/null 2>&1 && fail "dpkg --purge left SysV links"
[ -f /etc/exports ] || fail "dpkg --purge removed /etc/exports"
[ -z "$(ls -A /var/lib/nfs-suite)" ] || fail "dpkg --purge left state: $(ls -A /var/lib/nfs-suite)"
ok "dpkg -r gives rpc.statd back and drops the unit links; --purge the conffile"

# ------------------------------------------------------------ make uninstall
mk install DESTDIR="$T/inst" || fail "make install"
n=$(find "$T/inst" -type f | wc -l)
[ "$n" -gt 20 ] || fail "make install installed only $n files"
mk uninstall DESTDIR="$T/inst" || fail "make uninstall"
left=$(find "$T/inst" -type f -o -type l)
[ -z "$left" ] || fail "make uninstall left: $left"
ok "make uninstall removes the $n files make install installed"
