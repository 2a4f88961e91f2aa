#!/bin/bash
# t_exportfs_live: exportfs(8) against running rpc.mountd and rpc.nfsd
# (found through the pidfiles named in the suite config).
#  - exportfs with no arguments lists (nfs-utils' layout: path padded to 14
#    columns, long paths on their own line, <world>, classes in nfs-utils'
#    order: hosts, subnets, wildcards, netgroups, everyone), -v adds the
#    options, -s prints nfs-utils' "path  client(opts)" lines that load
#    again (t_exportfs_compat checks them byte for byte).
#  - exportfs -r with a changed file: showmount -e shows the new export and
#    no longer the removed one, MNT of the new one works and of the old one
#    is refused, nfsd serves the new one (nfs-ls, nfs-cp), same daemon PIDs.
#  - a broken file (and a broken exports.d file): exportfs -r prints
#    FILE:LINE:COL: message and exits 1; the etab, the daemons' tables
#    (acknowledgement hashes) and showmount -e stay as they were;
#    rpc.mountd --check-config (with no etab in its state directory) prints the same
#    FILE:LINE.
#  - -o rw,insecure CLIENT:/path adds an entry live, -a keeps it, -u
#    removes it (again: "Could not find", exit 1), -r drops -o entries,
#    -ua empties the table and -a fills it again; a bad option exits 1, a
#    bad operand or flag 2 (usage), -h exits 0.
#  - exportfs -r while nfsd is stopped succeeds; nfsd started later serves
#    the new table.
# timeout: 120
. "$(dirname "$0")/lib.sh"
need_rpcbind
MOUNTD=$BUILD/mountd/rpc.mountd NFSD=$BUILD/nfsd/rpc.nfsd
EXPORTFS=$BUILD/mountd/exportfs MNTPROBE=$BUILD/tests/clients/mntprobe
for p in "$MOUNTD" "$NFSD" "$EXPORTFS" "$MNTPROBE"; do
	[ -x "$p" ] || fail "$p not built"
done
for c in showmount nfs-ls nfs-cp nfs-cat; do
	command -v "$c" >/dev/null || fail "$c not installed"
done

E=$(mktemp -d "/var/tmp/nfs-suite-$TEST_NAME.XXXXXX") || fail "mktemp"
trap 'rc=$?; [ "$BASHPID" != "$_MAIN_PID" ] || rm -rf "$E"; (exit $rc); _on_exit' EXIT
chmod 0755 "$E"
for x in a b c d; do
	mkdir -p "$E/$x" && echo "this is $x" >"$E/$x/hello" || fail "mkdir $x"
done
mkdir -p "$T/exports.d" "$T/empty.d" || fail mkdir
S=/var/lib/nfs-suite
cat >"$T/nfs.conf" <<EOC
# written by $TEST_NAME
[global]
state-dir = $S
[mountd]
pidfile = $T/rpc.mountd.pid
[nfsd]
pidfile = $T/rpc.nfsd.pid
[exportfs]
mountd-pidfile = $T/rpc.mountd.pid
nfsd-pidfile = $T/rpc.nfsd.pid
EOC
conf_args=(-f "$T/nfs.conf" -e "$T/exports" -E "$T/exports.d")
# write_exports X...: the exports file exports these of a, b, c, /tmp
write_exports() {
	local x
	{
		echo "# written by $TEST_NAME"
		for x in "$@"; do
			case $x in
			a) echo "$E/a	127.0.0.1(rw,insecure,no_root_squash) 192.0.2.0/24(ro)" ;;
			b) echo "$E/b	*(ro,insecure)" ;;
			c) echo "$E/c	127.0.0.1(rw,insecure,no_root_squash) 192.0.2.2(rw)" ;;
			tmp) echo "/tmp	192.0.2.99(ro)" ;;
			esac
		done
	} >"$T/exports"
}
write_exports a b tmp
echo "$E/d	*.example.com(rw)" >"$T/exports.d/wild.exports"

peer_setup
start_rpcbind
start_daemon mountd "$MOUNTD" -F "${conf_args[@]}"
must_exit_0 mountd
start_nfsd() {
	start_daemon nfsd "$NFSD" -F "${conf_args[@]}"
	must_exit_0 nfsd
	wait_rpc 100003 3 tcp
}
start_nfsd
wait_rpc 100005 3 tcp
wait_until 10 test -s "$T/rpc.mountd.pid" || fail "no mountd pidfile"
wait_until 10 test -s "$T/rpc.nfsd.pid" || fail "no nfsd pidfile"
mountd_pid=$(daemon_pid mountd) nfsd_pid=$(daemon_pid nfsd)

X() {
	"$EXPORTFS" "${conf_args[@]}" "$@"
}
acks() {
	cat "$S/rpc.mountd.exports-hash" "$S/rpc.nfsd.exports-hash" 2>/dev/null |
	    tr '\n' ' '
}
same_daemons() {
	check_daemons
	assert_eq "$(daemon_pid mountd)" "$mountd_pid" "mountd pid"
	assert_eq "$(daemon_pid nfsd)" "$nfsd_pid" "nfsd pid"
}
# exported PATH: showmount -e lists PATH (the output of the last call in $SM)
SM=
showmount_e() {
	must showmount -e 127.0.0.1
	SM=$OUT
}
exported() {
	printf '%s\n' "$SM" | grep -q "^$1 "
}
# mnt_st SIDE PATH: the MNT3 status (OK or MNT3ERR_...) for PATH
mnt_st() {
	local out
	if [ "$1" = peer ]; then
		out=$(in_peer "$MNTPROBE" "$ADDR_SELF" mnt "$2" 2>&1)
	else
		out=$("$MNTPROBE" 127.0.0.1 mnt "$2" 2>&1)
	fi
	printf '%s\n' "$out" | awk -v p="mnt $2:" '
		index($0, p) == 1 { print ($3 == "ERR") ? $4 : $3 }'
}
expect_mnt() {
	local st
	st=$(mnt_st "$1" "$2")
	assert_eq "$st" "$3" "MNT of $2 from $1"
	echo "+ MNT $2 from $1: $st"
}

# ------------------------------------------------------------ listing
must X
LIST=$OUT
assert_match "^$E/a$" "$LIST" "a long path stands on its own line"
assert_match "^		127\.0\.0\.1$" "$LIST" "then the client, two tabs in"
assert_match "^		192\.0\.2\.0/24$" "$LIST" "subnet client"
assert_match "^		<world>$" "$LIST" "* is listed as <world>"
assert_match "^		\*\.example\.com$" "$LIST" "the exports.d wildcard entry"
assert_match "^/tmp {10}	192\.0\.2\.99$" "$LIST" "a short path is padded to 14 columns"
assert_nomatch "\(" "$LIST" "no options without -v"
# classes in nfs-utils' order: hosts, subnets, wildcards, everyone
line_of() {
	printf '%s\n' "$LIST" | grep -n -- "$1" | head -n 1 | cut -d: -f1
}
lw=$(line_of '<world>') ls=$(line_of '192\.0\.2\.0/24') lx=$(line_of 'example\.com')
lh=$(line_of '127\.0\.0\.1')
[ "$lh" -lt "$ls" ] && [ "$ls" -lt "$lx" ] && [ "$lx" -lt "$lw" ] ||
    fail "exportfs lists classes out of order (host $lh, subnet $ls, wildcard $lx, world $lw)"
ok "exportfs lists the exports (no etab yet: from the files)"

must X -v
assert_match "^		127\.0\.0\.1\(([a-z_=]+,)*rw,([a-z_=]+,)*insecure,([a-z_=]+,)*no_root_squash(,[a-z_=]+)*\)$" \
    "$OUT" "-v: the options of 127.0.0.1 on $E/a"
assert_match "^		<world>\(([a-z_=]+,)*ro,([a-z_=]+,)*insecure(,[a-z_=]+)*\)$" "$OUT" \
    "-v: the options of <world>"
assert_match "^		192\.0\.2\.0/24\(([a-z_=]+,)*ro,([a-z_=]+,)*secure(,[a-z_=]+)*\)$" "$OUT" \
    "-v: defaults filled in (secure)"
assert_match "sync" "$OUT" "-v: sync (the default) is shown"
ok "exportfs -v shows every entry's options"

must X -s
CANON=$OUT
assert_match "^$E/a  127\.0\.0\.1\([a-z_=,]+\)$" "$CANON" "-s: path, two blanks, client(options)"
assert_match "^$E/b  \*\([a-z_=,]+\)$" "$CANON" "-s: * stays *"
assert_match "^$E/d  \*\.example\.com\([a-z_=,]+\)$" "$CANON" "-s: the exports.d entry"
assert_eq "$(printf '%s\n' "$CANON" | grep -c '  ')" 5 "-s: one line per entry"
printf '%s\n' "$CANON" >"$T/canon.exports"
must "$MOUNTD" -f "$T/nfs.conf" -e "$T/canon.exports" -E "$T/empty.d" --check-config
want=$OUT
must "$MOUNTD" "${conf_args[@]}" --check-config
assert_eq "$want" "$OUT" "rpc.mountd --check-config on exportfs -s output vs on the files"
must X -s -v
ok "exportfs -s prints canonical exports that load again ($want)"

# ------------------------------------------------------------ -r, changed file
showmount_e
SM0=$SM
h0=$(acks)
must X -r
[ -s "$S/etab" ] || fail "no etab after exportfs -r"
write_exports a c tmp
must X -r
h1=$(acks)
[ "$h1" != "$h0" ] || fail "acknowledgement hashes did not change after exportfs -r ($h0)"
same_daemons
showmount_e
exported "$E/c" || fail "showmount -e does not show the new export $E/c"
exported "$E/b" && fail "showmount -e still shows the removed export $E/b"
exported "$E/a" || fail "showmount -e lost $E/a"
expect_mnt self "$E/c" OK
expect_mnt peer "$E/c" OK
expect_mnt self "$E/b" MNT3ERR_ACCES
expect_mnt self "$E/a" OK
must nfs-ls "nfs://127.0.0.1$E/c"
assert_match ' hello$' "$OUT" "nfs-ls of the new export"
must nfs-cp "$E/a/hello" "nfs://127.0.0.1$E/c/copied"
assert_eq "$(cat "$E/c/copied")" "this is a" "nfs-cp into the new export"
must in_peer nfs-cat "nfs://$ADDR_SELF$E/c/hello"
assert_eq "$OUT" "this is c" "nfs-cat of the new export from the peer"
mustnot nfs-ls "nfs://127.0.0.1$E/b"
same_daemons
ok "exportfs -r: the new export is live in mountd and nfsd, the old one is gone, same PIDs"

# ------------------------------------------------------------ broken files
showmount_e
SM_GOOD=$SM
etab_sum=$(cksum <"$S/etab")
cat >"$T/exports" <<EOX
# written by $TEST_NAME: line 3 is broken
$E/a	127.0.0.1(rw,insecure,no_root_squash) 192.0.2.0/24(ro)
$E/b	127.0.0.1(rw,no_such_option)
$E/c	127.0.0.1(rw,insecure,no_root_squash) 192.0.2.2(rw)
EOX
mustnot X -r
assert_eq "$RC" 1 "exportfs -r exit status with a broken file"
assert_match "^exportfs: $T/exports:3:[0-9]+: .*no_such_option" "$OUT" \
    "exportfs prints FILE:LINE:COL: message"
assert_eq "$(cksum <"$S/etab")" "$etab_sum" "etab after a failed exportfs -r"
assert_eq "$(acks)" "$h1" "the daemons' tables after a failed exportfs -r"
showmount_e
assert_eq "$SM" "$SM_GOOD" "showmount -e after a failed exportfs -r"
expect_mnt self "$E/c" OK
expect_mnt self "$E/b" MNT3ERR_ACCES
must nfs-cat "nfs://127.0.0.1$E/c/hello"
same_daemons
SM1=$SM
# rpc.mountd --check-config checks the etab when there is one (what the daemon would
# load): point it at a state directory without one to check the files.
mkdir -p "$T/nostate"
mustnot "$MOUNTD" "${conf_args[@]}" -S "$T/nostate" --check-config
assert_eq "$RC" 1 "rpc.mountd --check-config exit status with a broken file"
assert_match "^rpc\.mountd: $T/exports:3:[0-9]+: .*no_such_option" "$OUT" \
    "rpc.mountd --check-config prints FILE:LINE:COL: message"
ok "broken exports: exportfs -r exits 1 naming $T/exports:3; nothing changes"

# a broken exports.d file, the main file fine again
write_exports a c tmp
printf '%s\n' "# line 1" "$E/d	*.example.com(rw" >"$T/exports.d/wild.exports"
mustnot X -r
assert_eq "$RC" 1 "exportfs -r exit status with a broken exports.d file"
assert_match "^exportfs: $T/exports\.d/wild\.exports:2(:[0-9]+)?: " "$OUT" \
    "exportfs names the exports.d file and line"
mustnot "$MOUNTD" "${conf_args[@]}" -S "$T/nostate" --check-config
assert_match "$T/exports\.d/wild\.exports:2" "$OUT" "rpc.mountd --check-config names the exports.d file"
assert_eq "$(cksum <"$S/etab")" "$etab_sum" "etab after a failed exportfs -r (exports.d)"
assert_eq "$(acks)" "$h1" "the daemons' tables after a failed exportfs -r (exports.d)"
showmount_e
assert_eq "$SM" "$SM1" "showmount -e after a failed exportfs -r (exports.d)"
echo "$E/d	*.example.com(rw)" >"$T/exports.d/wild.exports"
must X -r
assert_eq "$(acks)" "$h1" "the same table again: the same hashes"
ok "a broken exports.d file is refused the same way"

# ------------------------------------------------------------ -o, -a, -u
expect_mnt peer "$E/b" MNT3ERR_ACCES
must X -o rw,insecure "192.0.2.2:$E/b"
showmount_e
assert_match "^$E/b +192\.0\.2\.2$" "$SM" "showmount -e after exportfs -o"
expect_mnt peer "$E/b" OK
must in_peer nfs-cat "nfs://$ADDR_SELF$E/b/hello"
assert_eq "$OUT" "this is b" "nfs-cat through the entry added with -o"
must X -v
assert_match "^		192\.0\.2\.2\(([a-z_=]+,)*rw,([a-z_=]+,)*insecure(,[a-z_=]+)*\)$" "$OUT" \
    "-v shows the -o entry's options"
must X -a
showmount_e
exported "$E/b" || fail "exportfs -a dropped the entry added with -o"
must X -u "192.0.2.2:$E/b"
showmount_e
exported "$E/b" && fail "showmount -e still shows $E/b after exportfs -u"
expect_mnt peer "$E/b" MNT3ERR_ACCES
mustnot in_peer nfs-cat "nfs://$ADDR_SELF$E/b/hello"
mustnot X -u "192.0.2.2:$E/b"
assert_eq "$RC" 1 "exportfs -u of a missing entry"
assert_match "Could not find '192\.0\.2\.2:$E/b' to unexport" "$OUT" "exportfs -u message"
must X -o ro "192.0.2.2:$E/b"
expect_mnt peer "$E/b" OK
must X -r
showmount_e
exported "$E/b" && fail "exportfs -r kept an entry added with -o"
expect_mnt peer "$E/b" MNT3ERR_ACCES
same_daemons
ok "-o adds live, -a keeps it, -u removes it (twice: exit 1), -r drops it"

must X -ua
showmount_e
assert_nomatch "^/" "$SM" "showmount -e after exportfs -ua"
expect_mnt self "$E/a" MNT3ERR_ACCES
mustnot nfs-cat "nfs://127.0.0.1$E/c/hello"
must X -a
showmount_e
exported "$E/a" && exported "$E/c" || fail "exportfs -a did not export the files' entries"
expect_mnt self "$E/a" OK
must nfs-cat "nfs://127.0.0.1$E/c/hello"
same_daemons
ok "-ua unexports everything, -a exports the files again"

# ------------------------------------------------------------ exit codes
mustnot X -o rw,bogus "192.0.2.2:$E/b"
assert_eq "$RC" 1 "exportfs -o with an unknown option"
assert_match "bogus" "$OUT" "exportfs names the unknown option"
mustnot X -o rw 192.0.2.2
assert_eq "$RC" 2 "exportfs with an operand that is not client:/path"
mustnot X -z
assert_eq "$RC" 2 "exportfs with an unknown flag"
assert_match "usage" "$OUT" "exportfs prints its usage"
must X -h
assert_match "usage" "$OUT" "exportfs -h"
showmount_e
exported "$E/b" && fail "a failed exportfs -o exported $E/b"
ok "a bad option exits 1, bad operands and flags 2; -h exits 0"

# ------------------------------------------------------------ nfsd stopped
stop_daemon nfsd
write_exports a b c tmp
must X -r
showmount_e
exported "$E/b" || fail "mountd did not take the table while nfsd was stopped"
start_nfsd
nfsd_pid=$(daemon_pid nfsd)
must nfs-cat "nfs://127.0.0.1$E/b/hello"
assert_eq "$OUT" "this is b" "nfsd started after exportfs -r serves the new table"
wait_until 10 sh -c "[ \"\$(cat $S/rpc.nfsd.exports-hash)\" = \"\$(cat $S/rpc.mountd.exports-hash)\" ]" ||
    fail "mountd and nfsd acknowledge different tables: $(acks)"
ok "exportfs -r with nfsd stopped succeeds; nfsd picks the table up at start"
same_daemons
