#!/bin/bash
# t_exportfs_compat: exportfs as nfs-utils admins know it.
#  - the command line: --help/-h (exit 0), --version, -d KIND, -f alone;
#    an unknown flag, a stray argument, operands with -a/-r, -i with -r,
#    -r with -u: usage and exit 2.
#  - a fresh server (no etab): exportfs -r publishes the lines that parse,
#    reports each bad one as FILE:LINE:COL and exits 1; rpc.mountd started
#    after it serves them (showmount -e) and not the bad ones.
#  - the warnings nfs-utils prints, from exportfs itself: "10.0.0.1 (rw)"
#    (no options for 10.0.0.1, no host name for (rw), and the blank
#    between them), still parsed as nfs-utils does (10.0.0.1 read-only,
#    everyone read-write: -v and showmount -e), duplicated entries (exit 1),
#    the no_subtree_check default.
#  - a reload with a broken file changes nothing: etab, mountd's table.
#  - exportfs -s and -v after -r are byte for byte what Debian 12's
#    nfs-utils 2.6.2 exportfs printed for the same exports file on a host
#    whose kernel has nfsd (its order, options and escapes).
# timeout: 60
. "$(dirname "$0")/lib.sh"
need_rpcbind
EXPORTFS=$BUILD/mountd/exportfs MOUNTD=$BUILD/mountd/rpc.mountd
for p in "$EXPORTFS" "$MOUNTD"; do [ -x "$p" ] || fail "$p not built"; done
command -v showmount >/dev/null || fail "showmount not installed"
S=$T/state
mkdir -p "$S" "$T/empty.d" /srv 2>/dev/null
cat >"$T/nfs.conf" <<EOC
[global]
state-dir = $S
[mountd]
pidfile = $T/rpc.mountd.pid
[exportfs]
mountd-pidfile = $T/rpc.mountd.pid
EOC
X() {
	"$EXPORTFS" --config "$T/nfs.conf" -e "$T/exports" -E "$T/empty.d" "$@"
}

# ------------------------------------------------------------ command line
: >"$T/exports"
must X --help
assert_match "^usage: exportfs" "$OUT" "--help"
must X -h
assert_match "^usage: exportfs" "$OUT" "-h"
must X --version
assert_match "nfs-suite" "$OUT" "--version"
must X -d all
must X -f
for args in "-z" "--bogus" "stray" "-r 127.0.0.1:/srv" "-a 127.0.0.1:/srv" \
    "-i -r" "-r -u" "-o" "-u" "-o rw"; do
	# shellcheck disable=SC2086
	mustnot X $args
	assert_eq "$RC" 2 "exportfs $args: exit status"
	assert_match "usage: exportfs" "$OUT" "exportfs $args: usage"
done
assert_eq "$(stat -c %s "$T/exports")" 0 "nothing written"
[ -e "$S/etab" ] && fail "a refused command line wrote the etab"
ok "--help, -h, --version, -d all, -f: exit 0; bad command lines: usage, exit 2"

# ------------------------------------------------------------ fresh start
E=$T/e
mkdir -p "$E/a" "$E/b" "$E/c" "$E/s" || fail mkdir
cat >"$T/exports" <<EOX
$E/a	127.0.0.1(rw,insecure,no_subtree_check)
$E/b	127.0.0.1(rw,no_such_option)
$E/c	127.0.0.1(ro,insecure,no_subtree_check) 192.0.2.7(rw,no_subtree_check)
$E/s	127.0.0.2 (rw,insecure,no_subtree_check)
$E/c	127.0.0.1(rw,insecure,no_subtree_check)
$E/b	*(ro
EOX
mustnot X -r
assert_eq "$RC" 1 "exportfs -r with bad lines and no etab: exit status"
W=$OUT
printf '%s\n' "$W"
assert_match "^exportfs: $T/exports:2:[0-9]+: unknown option \"no_such_option\"" "$W" \
    "line 2 reported with FILE:LINE:COL"
assert_match "^exportfs: $T/exports:6:[0-9]+: " "$W" "line 6 reported with FILE:LINE:COL"
assert_match "^exportfs: $T/exports:4:[0-9]+: No options for $E/s 127\.0\.0\.2: suggest 127\.0\.0\.2\(sync\) to avoid warning$" \
    "$W" "no options warning"
assert_match "^exportfs: $T/exports:4:[0-9]+: No host name given with $E/s \(rw,insecure,no_subtree_check\), suggest \*\(rw,insecure,no_subtree_check\) to avoid warning$" \
    "$W" "no host name warning"
assert_match "^exportfs: $T/exports:4:[0-9]+: blank between 127\.0\.0\.2 and \(rw" "$W" \
    "the blank before the options"
assert_match "^exportfs: $T/exports:4:[0-9]+: Neither 'subtree_check' or 'no_subtree_check' specified for export \"127\.0\.0\.2:$E/s\"" \
    "$W" "no_subtree_check default"
assert_match "^exportfs: $T/exports:5:[0-9]+: incompatible duplicated export entries: 127\.0\.0\.1:$E/c ignored \(first at line 3\)$" \
    "$W" "duplicate warning"
assert_match "published the entries that parse, without the 2 bad lines" "$W" "partial publish"
[ -s "$S/etab" ] || fail "no etab after a partial exportfs -r"
must X -v
V=$OUT
printf '%s\n' "$V"
assert_match "^		127\.0\.0\.2\(sync,wdelay,hide,no_subtree_check,sec=sys,ro,secure,root_squash,no_all_squash\)$" \
    "$V" "127.0.0.2 gets the defaults (read-only)"
assert_match "^		<world>\(sync,wdelay,hide,no_subtree_check,sec=sys,rw,insecure,root_squash,no_all_squash\)$" \
    "$V" "(rw,...) is everyone's, read-write"
assert_match "^		127\.0\.0\.1\([a-z_,=]*sec=sys,ro,insecure," "$V" "the first of the duplicates is kept"
start_rpcbind
start_daemon mountd "$MOUNTD" -F --config "$T/nfs.conf" -e "$T/exports" -E "$T/empty.d"
wait_rpc 100005 3 tcp
must showmount -e 127.0.0.1
SM=$OUT
printf '%s\n' "$SM"
assert_match "^$E/a +127\.0\.0\.1$" "$SM" "showmount -e: a"
assert_match "^$E/c +" "$SM" "showmount -e: c"
assert_match "^$E/s +\(everyone\)$" "$SM" "showmount -e: s is everyone's"
assert_nomatch "^$E/b " "$SM" "showmount -e: b (bad lines) not served"
ok "fresh start: good lines published and served, each bad line FILE:LINE:COL, exit 1, nfs-utils' warnings"

# ------------------------------------------------------------ reload, broken
sum=$(cksum <"$S/etab") ack=$(cat "$S/rpc.mountd.exports-hash")
sed -i "1s|.*|$E/a	127.0.0.1(rw,what_is_this)|" "$T/exports"
echo "$E/b	127.0.0.1(rw,no_subtree_check)" >>"$T/exports"
mustnot X -r
assert_eq "$RC" 1 "exportfs -r with a broken file and a table published"
assert_match "^exportfs: $T/exports:1:[0-9]+: unknown option \"what_is_this\"" "$OUT" "reported"
assert_match "not changed" "$OUT" "says nothing changed"
assert_eq "$(cksum <"$S/etab")" "$sum" "etab after a broken reload"
assert_eq "$(cat "$S/rpc.mountd.exports-hash")" "$ack" "mountd's table after a broken reload"
must showmount -e 127.0.0.1
assert_eq "$OUT" "$SM" "showmount -e after a broken reload"
ok "reload with a broken file: nothing changes (etab, mountd's table, showmount -e)"

# ------------------------------------------------------------ debug
mkdir -p "$E/d"
printf '%s\t127.0.0.1(rw,no_subtree_check)\n%s\t127.0.0.2(ro,no_subtree_check)\n' \
    "$E/a" "$E/d" >"$T/exports"
must X -d all -r
assert_match "^exportfs: debug: SIGHUP to rpc.mountd \(pid [0-9]+\)" "$OUT" "-d all: the signal"
assert_match "^exportfs: debug: rpc.mountd confirmed the table after [0-9]+ ms" "$OUT" "-d all: the ack"
assert_match "^exportfs: debug: rpc.nfsd is not running" "$OUT" "-d all: nfsd not running"
must X -r
assert_nomatch "debug:" "$OUT" "no debug by default"
# nfs-utils' /etc/nfs.conf: its [exportfs] debug, unless ours sets it
printf '[exportfs]\ndebug = all\n' >"$T/nfs-utils.conf"
printf '[global]\nstate-dir = %s\nnfs-conf = %s\n[exportfs]\nmountd-pidfile = %s\n' \
    "$S" "$T/nfs-utils.conf" "$T/rpc.mountd.pid" >"$T/nfs2.conf"
must "$EXPORTFS" --config "$T/nfs2.conf" -e "$T/exports" -E "$T/empty.d" -r
assert_match "^exportfs: debug: rpc.mountd confirmed" "$OUT" "[exportfs] debug from nfs.conf"
printf '[exportfs]\ndebug = 0\n' >>"$T/nfs2.conf"
must "$EXPORTFS" --config "$T/nfs2.conf" -e "$T/exports" -E "$T/empty.d" -r
assert_nomatch "debug:" "$OUT" "the suite's [exportfs] debug = 0 wins over nfs.conf's"
must "$EXPORTFS" --config "$T/nfs2.conf" -e "$T/exports" -E "$T/empty.d" -d none -r
assert_nomatch "debug:" "$OUT" "-d none"
ok "exportfs -d, [exportfs] debug, nfs.conf's [exportfs] debug under ours"

# ------------------------------------------------------------ -s, -v
mount -t tmpfs tmpfs /srv || fail "tmpfs on /srv"
mkdir -p /srv/a/sub1 "/srv/with space" "/srv/c d" /srv/b/7 /srv/p/1 /srv/zzz/9 \
    /srv/q1/5 || fail mkdir
S2=$T/state2
cat >"$T/ref.exports" <<'EOR'
/srv/a 10.0.0.0/8(rw,insecure,no_root_squash) 10.1.0.0/255.255.0.0(ro,all_squash,anonuid=1000,anongid=100) *.example.org(async,no_wdelay,nohide,crossmnt) @ng(insecure_locks,nordirplus,no_acl)
"/srv/with space" *(rw,sec=krb5p,ro,sec=sys,rw,mp=/srv)
/srv/c\040d 192.168.1.1(rw,pnfs,security_label)
/ *(ro,fsid=0)
/srv/a/sub1 *(ro,fsid=root) 127.0.0.1(rw) 10.0.0.0/24(rw) 10.0.0.1/32(rw) ::1/128(rw)
/srv/a 10.0.0.0/24(ro)
/srv/a 10.9.0.1(rw,fsid=0123456789ABCDEF0123456789abcdef,anonuid=-2,subtree_check)
/srv/a 10.9.0.2(insecure_locks,nordirplus,security_label,no_acl,pnfs,no_subtree_check,mp=/srv)
/srv/b 10.9.0.4(fsid=4294967295,no_subtree_check,sec=sys:krb5,insecure,sec=krb5i,no_root_squash)
/srv/b 10.9.0.5(fsid=01234567-89ab-cdef-0123-456789abcdef,no_subtree_check,anongid=70000,async,secure_locks,hide,nocrossmnt)
/srv/a 10.0.0.0/8(ro,no_subtree_check)
/srv/p/1 10.2.0.0/16(rw,no_subtree_check) @g1(ro,no_subtree_check)
/srv/zzz/9 h4*.ex(rw,no_subtree_check) 10.1.1.1(rw,async,no_subtree_check)
/srv/b/7 10.0.3.4(rw,async,no_subtree_check)
/srv/q1/5 10.3.2.3(rw,async,no_subtree_check)
EOR
Y() {
	"$EXPORTFS" --config /dev/null -S "$S2" -e "$T/ref.exports" -E "$T/empty.d" "$@"
}
mustnot Y -r
assert_eq "$RC" 1 "exportfs -r with a duplicated entry (nfs-utils: 1)"
assert_match "duplicated export entries: 10\.0\.0\.0/8:/srv/a" "$OUT" "the duplicate"
cat >"$T/want-s" <<'EOR'
/srv/c\040d  192.168.1.1(sync,wdelay,hide,no_subtree_check,security_label,pnfs,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/a/sub1  127.0.0.1(sync,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/a  10.9.0.1(sync,wdelay,hide,fsid=0123456789ABCDEF0123456789abcdef,anonuid=-2,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/a  10.9.0.2(sync,wdelay,hide,no_subtree_check,insecure_locks,nordirplus,security_label,no_acl,pnfs,mountpoint=/srv,sec=sys,ro,secure,root_squash,no_all_squash)
/srv/b  10.9.0.4(sync,wdelay,hide,no_subtree_check,fsid=-1,sec=sys:krb5,ro,insecure,root_squash,no_all_squash,sec=krb5i,ro,insecure,no_root_squash,no_all_squash)
/srv/b  10.9.0.5(async,wdelay,hide,no_subtree_check,fsid=01234567-89ab-cdef-0123-456789abcdef,anongid=70000,sec=sys,ro,secure,root_squash,no_all_squash)
/srv/zzz/9  10.1.1.1(async,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/b/7  10.0.3.4(async,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/q1/5  10.3.2.3(async,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/a  10.0.0.0/8(sync,wdelay,hide,no_subtree_check,sec=sys,rw,insecure,no_root_squash,no_all_squash)
/srv/a  10.1.0.0/255.255.0.0(sync,wdelay,hide,no_subtree_check,anonuid=1000,anongid=100,sec=sys,ro,secure,root_squash,all_squash)
/srv/a  10.0.0.0/24(sync,wdelay,hide,no_subtree_check,sec=sys,ro,secure,root_squash,no_all_squash)
/srv/a/sub1  10.0.0.0/24(sync,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/a/sub1  10.0.0.1/32(sync,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/a/sub1  ::1/128(sync,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/p/1  10.2.0.0/16(sync,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/a  *.example.org(async,no_wdelay,nohide,crossmnt,no_subtree_check,sec=sys,ro,secure,root_squash,no_all_squash)
/srv/zzz/9  h4*.ex(sync,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/a  @ng(sync,wdelay,hide,no_subtree_check,insecure_locks,nordirplus,no_acl,sec=sys,ro,secure,root_squash,no_all_squash)
/srv/p/1  @g1(sync,wdelay,hide,no_subtree_check,sec=sys,ro,secure,root_squash,no_all_squash)
/srv/with\040space  *(sync,wdelay,hide,no_subtree_check,mountpoint=/srv,sec=krb5p,ro,secure,root_squash,no_all_squash,sec=sys,rw,secure,root_squash,no_all_squash)
/  *(sync,wdelay,hide,no_subtree_check,fsid=0,sec=sys,ro,secure,root_squash,no_all_squash)
/srv/a/sub1  *(sync,wdelay,hide,no_subtree_check,fsid=0,sec=sys,ro,secure,root_squash,no_all_squash)
EOR
cat >"$T/want-v" <<'EOR'
/srv/c d      	192.168.1.1(sync,wdelay,hide,no_subtree_check,security_label,pnfs,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/a/sub1   	127.0.0.1(sync,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/a        	10.9.0.1(sync,wdelay,hide,fsid=0123456789ABCDEF0123456789abcdef,anonuid=-2,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/a        	10.9.0.2(sync,wdelay,hide,no_subtree_check,insecure_locks,nordirplus,security_label,no_acl,pnfs,mountpoint=/srv,sec=sys,ro,secure,root_squash,no_all_squash)
/srv/b        	10.9.0.4(sync,wdelay,hide,no_subtree_check,fsid=-1,sec=sys:krb5,ro,insecure,root_squash,no_all_squash,sec=krb5i,ro,insecure,no_root_squash,no_all_squash)
/srv/b        	10.9.0.5(async,wdelay,hide,no_subtree_check,fsid=01234567-89ab-cdef-0123-456789abcdef,anongid=70000,sec=sys,ro,secure,root_squash,no_all_squash)
/srv/zzz/9    	10.1.1.1(async,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/b/7      	10.0.3.4(async,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/q1/5     	10.3.2.3(async,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/a        	10.0.0.0/8(sync,wdelay,hide,no_subtree_check,sec=sys,rw,insecure,no_root_squash,no_all_squash)
/srv/a        	10.1.0.0/255.255.0.0(sync,wdelay,hide,no_subtree_check,anonuid=1000,anongid=100,sec=sys,ro,secure,root_squash,all_squash)
/srv/a        	10.0.0.0/24(sync,wdelay,hide,no_subtree_check,sec=sys,ro,secure,root_squash,no_all_squash)
/srv/a/sub1   	10.0.0.0/24(sync,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/a/sub1   	10.0.0.1/32(sync,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/a/sub1   	::1/128(sync,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/p/1      	10.2.0.0/16(sync,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/a        	*.example.org(async,no_wdelay,nohide,crossmnt,no_subtree_check,sec=sys,ro,secure,root_squash,no_all_squash)
/srv/zzz/9    	h4*.ex(sync,wdelay,hide,no_subtree_check,sec=sys,rw,secure,root_squash,no_all_squash)
/srv/a        	@ng(sync,wdelay,hide,no_subtree_check,insecure_locks,nordirplus,no_acl,sec=sys,ro,secure,root_squash,no_all_squash)
/srv/p/1      	@g1(sync,wdelay,hide,no_subtree_check,sec=sys,ro,secure,root_squash,no_all_squash)
/srv/with space
		<world>(sync,wdelay,hide,no_subtree_check,mountpoint=/srv,sec=krb5p,ro,secure,root_squash,no_all_squash,sec=sys,rw,secure,root_squash,no_all_squash)
/             	<world>(sync,wdelay,hide,no_subtree_check,fsid=0,sec=sys,ro,secure,root_squash,no_all_squash)
/srv/a/sub1   	<world>(sync,wdelay,hide,no_subtree_check,fsid=0,sec=sys,ro,secure,root_squash,no_all_squash)
EOR
Y -s >"$T/got-s" || fail "exportfs -s"
Y -v >"$T/got-v" || fail "exportfs -v"
cmp "$T/want-s" "$T/got-s" || fail "exportfs -s differs from nfs-utils': $(diff "$T/want-s" "$T/got-s")"
cmp "$T/want-v" "$T/got-v" || fail "exportfs -v differs from nfs-utils': $(diff "$T/want-v" "$T/got-v")"
ok "exportfs -s and -v: byte for byte nfs-utils 2.6.2's ($(wc -l <"$T/want-s") entries)"
