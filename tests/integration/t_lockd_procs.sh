#!/bin/bash
# t_lockd_procs: rpc.lockd's synchronous procedures from one client host
# (nlmprobe: libtirpc with handles from libnfs's MOUNT + LOOKUP), and what
# the server's kernel holds (tests/linux-client/lockctl.py):
#  - rpcinfo: nlockmgr 1, 3, 4 and status 1 on tcp, udp, tcp6 and udp6;
#    NULL in every version over tcp and udp; locks over IPv6;
#  - TEST, LOCK, UNLOCK in v4 (TCP), v3 and v1 (UDP): conflicts between two
#    owners (svid, oh), TEST naming the holder, shared locks sharing, an
#    upgrade and a downgrade in place, unlocking the middle splits, len 0
#    runs to end of file; the locks are real OFD locks on the server;
#  - 32-bit and 64-bit limits: a v3 range ending exactly at 2^32 is fine,
#    one past it is refused (denied_nolocks), never wrapped; v4's past 2^64
#    gets fbig; a v3 TEST of a holder reaching past 4 GiB reports it as
#    running to end of file;
#  - a process on the server and NLM owners: each stops the other, TEST
#    names the local holder's range and pid;
#  - NM_LOCK, SHARE / UNSHARE (deny modes against access), FREE_ALL;
#  - bad and stale handles (stale_fh / denied), a read-only export (shared
#    locks only), a file not a regular one;
#  - a blocking request closing a wait cycle gets deadlck;
#  - AUTH_SYS locks on a sec=krb5 export are taken (NLM is not held to the
#    export's flavours, as in knfsd);
#  - CANCEL of nothing, UNLOCK of nothing: granted;
#  - oversized owner handle, caller name and cookie: refused
#    (denied_nolocks); lockd stays up and serves the next call.
# timeout: 120
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lockd-lib.sh"

mkdir -p "$E/x/dir" "$E/ro" "$T/exports.d"
for f in a b c d e s fa big; do
	echo "file $f" >"$E/x/$f"
done
echo "read-only" >"$E/ro/r"
cat >"$T/exports" <<EOF
$E/x	127.0.0.1(rw,no_root_squash) ::1(rw,no_root_squash)
$E/ro	127.0.0.1(ro,no_root_squash)
EOF
start_rpcbind
start_nfs
start_statd
start_lockd -g 0

# ---------------------------------------------------------------- registration
must rpcinfo -p
regs=$OUT
for v in 1 3 4; do
	for p in tcp udp; do
		assert_match "^ *100021 +$v +$p +[0-9]+ +nlockmgr" "$regs" "nlockmgr v$v/$p"
		np_is ok -V "$v" -P "$p" null
	done
done
for p in tcp udp; do
	assert_match "^ *100024 +1 +$p +[0-9]+ +status" "$regs" "status v1/$p"
done
must rpcinfo
regs=$OUT
for n in udp6 tcp6; do
	for v in 1 3 4; do
		assert_match "^ *100021 +$v +$n +" "$regs" "nlockmgr v$v/$n"
	done
	assert_match "^ *100024 +1 +$n +" "$regs" "status v1/$n"
done
ok "registered: nlockmgr 1, 3, 4 and status 1 on tcp, udp, tcp6, udp6; NULL answers"

X="-e $E/x"
# ---------------------------------------------------------------- v4, two owners
np_is granted $X -i 1 lock a 0 10
np_is granted $X -i 1 lock a 0 10			# a repeat is granted
np_is "denied holder exclusive=1 svid=1 oh=6f682d31 off=0 len=10" $X -i 2 test a 5 1 s
np_is granted $X -i 1 test a 5 1			# the holder itself
np_is denied $X -i 2 lock a 9 5
np_is granted $X -i 2 lock a 10 5			# adjacent: no conflict
np_is "denied holder exclusive=1 svid=1 oh=6f682d31 off=0 len=10" $X -i 1 -O '' test a 0 1 s	# svid 1, empty oh: another owner
must srv_lock ofd-getlk "$E/x/a" 0 1 w
assert_eq "$OUT" "locked w 0 10 pid=-1" "the server's kernel holds owner 1's lock"
must srv_lock ofd-getlk "$E/x/a" 10 1 w
assert_eq "$OUT" "locked w 10 5 pid=-1" "and owner 2's"
# the same svid with another oh is another owner
np_is denied $X -i 1 -O someone-else lock a 0 1
np_is granted $X -i 1 unlock a 0 10
np_is granted $X -i 2 unlock a 0 0
must srv_lock ofd-getlk "$E/x/a" 0 0 w
assert_eq "$OUT" unlocked "nothing left on a"
ok "v4: two owners conflict, TEST names the holder, the kernel holds the locks"

# shared locks, upgrade and downgrade in place, split, to end of file
np_is granted $X -i 1 lock b 0 100 s
np_is granted $X -i 2 lock b 50 100 s
np_is denied $X -i 3 lock b 60 1
np_is denied $X -i 1 lock b 0 100			# owner 2 shares part of it
np_is granted $X -i 2 unlock b 0 0
np_is granted $X -i 1 lock b 0 100			# upgrade in place
np_is "denied holder exclusive=1 svid=1 oh=6f682d31 off=0 len=100" $X -i 3 test b 99 1 s
np_is granted $X -i 1 lock b 0 100 s			# downgrade in place
np_is granted $X -i 3 test b 0 100 s
np_is granted $X -i 1 unlock b 40 20			# split
np_is "denied holder exclusive=0 svid=1 oh=6f682d31 off=0 len=40" $X -i 3 test b 0 50
np_is granted $X -i 3 test b 40 20
np_is "denied holder exclusive=0 svid=1 oh=6f682d31 off=60 len=40" $X -i 3 test b 45 50
np_is granted $X -i 1 lock b 1000 0			# to end of file
np_is "denied holder exclusive=1 svid=1 oh=6f682d31 off=1000 len=0" $X -i 3 test b 0x10000000000 1 s
must srv_lock ofd-getlk "$E/x/b" 2000 1 r
assert_eq "$OUT" "locked w 1000 0 pid=-1" "len 0 runs to the end of the file on the server"
np_is granted $X -i 1 unlock b 0 0
ok "v4: shared, upgrade/downgrade in place, split, to end of file"

# ---------------------------------------------------------------- v3 and v1 over UDP
for v in 3 1; do
	np_is granted $X -V $v -P udp -i 1 lock c 0 10
	np_is "denied holder exclusive=1 svid=1 oh=6f682d31 off=0 len=10" $X -V $v -P udp -i 2 test c 0 20
	np_is denied $X -V $v -P udp -i 2 lock c 5 1 s
	np_is granted $X -V $v -P udp -i 1 unlock c 0 10
	np_is granted $X -V $v -P udp -i 2 test c 0 20
done
# v3 and v4 owners are the same owners
np_is granted $X -V 3 -i 1 lock c 0 10
np_is denied $X -V 4 -i 2 lock c 0 10
np_is granted $X -V 4 -i 1 unlock c 0 10
ok "v3 and v1 over UDP; one owner across versions"

# ---------------------------------------------------------------- IPv6
np_is granted -s ::1 $X -i 1 lock c 0 10
np_is "denied holder exclusive=1 svid=1 oh=6f682d31 off=0 len=10" -s ::1 -P udp $X -i 2 test c 0 10
np_is "denied holder exclusive=1 svid=1 oh=6f682d31 off=0 len=10" $X -i 1 test c 0 10	# ::1 is another host
np_is granted -s ::1 -P udp $X -i 1 unlock c 0 10
ok "IPv6: lock, test, unlock over tcp6 and udp6"

# ---------------------------------------------------------------- limits
np_is granted $X -V 3 -i 1 lock d 0xfffffff0 0x10	# ends exactly at 2^32
np_is "denied holder exclusive=1 svid=1 oh=6f682d31 off=4294967280 len=16" $X -V 4 -i 2 test d 0xffffffff 1
np_is granted $X -V 4 -i 2 test d 0x100000000 1
np_is denied_nolocks $X -V 3 -i 1 --raw lock d 0xffffff00 0x200
np_is fbig $X -V 4 -i 1 --raw lock d 0xffffffffffffff00 0x200
np_is granted $X -V 4 -i 2 test d 0 0xffffff00		# nothing wrapped to 0
np_is granted $X -V 4 -i 1 lock d 0x100000000 0x10	# past 4 GiB (v4)
# a v3 TEST sees it as running to end of file from 2^32 - 16
np_is "denied holder exclusive=1 svid=1 oh=6f682d31 off=4294967280 len=0" $X -V 3 -i 2 test d 0xfffffff8 8
np_is granted $X -V 4 -i 1 unlock d 0 0
# v4: the whole 64-bit range, and a start beyond off_t
np_is granted $X -V 4 -i 1 lock d 0 0xffffffffffffffff
np_is granted $X -V 4 -i 1 unlock d 0 0
np_is fbig $X -V 4 -i 1 lock d 0x8000000000000000 1
ok "32/64-bit limits: refused with the version's error, never wrapped"

# ---------------------------------------------------------------- a local process
/usr/bin/python3 "$LOCKCTL" hold "$E/x/e" 0 10 w --ready "$T/e-ready" >"$T/e-hold.log" 2>&1 &
hp=$!
wait_until 10 test -e "$T/e-ready" || fail "the local holder did not start"
np_is denied $X -i 1 lock e 5 10 s
np_is "denied holder exclusive=1 svid=$hp oh= off=0 len=10" $X -i 1 test e 0 1
np_is granted $X -i 1 lock e 10 10
kill "$hp"
wait "$hp"
np_is granted $X -i 1 lock e 0 10
mustnot srv_lock setlk "$E/x/e" 5 1 r
assert_eq "$OUT" EAGAIN "the local process against the NLM lock"
must srv_lock setlk "$E/x/e" 20 1 w
np_is granted $X -i 1 unlock e 0 0
must srv_lock setlk "$E/x/e" 0 1 w
ok "a process on the server and NLM owners stop each other"

# ---------------------------------------------------------------- NM_LOCK, SHARE, FREE_ALL
np_is granted $X -i 7 nmlock a 0 10
np_is denied $X -i 8 nmlock a 0 10
np_is granted $X -i 7 unlock a 0 0
np_is "granted sequence=0" $X -i 1 share s dw r
np_is "denied sequence=0" $X -i 2 share s dn w	# access w against deny w
np_is "denied sequence=0" $X -i 2 share s drw r	# deny r against access r
np_is "granted sequence=0" $X -i 2 share s dn r
np_is "granted sequence=0" $X -i 1 unshare s dw r
np_is "granted sequence=0" $X -i 3 share s dn w
np_is "granted sequence=0" $X -i 2 unshare s dn r
np_is "granted sequence=0" $X -i 3 unshare s dn w
np_is "granted sequence=0" $X -V 3 -i 1 share s drw rw
np_is "denied sequence=0" $X -V 3 -i 2 share s dn r
np_is "granted sequence=0" $X -V 3 -i 1 unshare s drw rw
# FREE_ALL drops the locks and shares of one caller name from this host
np_is granted $X -n gone -i 1 lock fa 0 10
np_is granted $X -n gone -i 2 lock fa 20 10
np_is granted $X -n stays -i 1 lock fa 40 10
np_is "granted sequence=0" $X -n gone -i 1 share fa dw r
np_is ok $X -n gone freeall gone 3
np_is granted $X -n other -i 9 test fa 0 30
np_is "granted sequence=0" $X -n other -i 1 share fa dn w
np_is "denied holder exclusive=1 svid=1 oh=6f682d31 off=40 len=10" $X -n other -i 9 test fa 40 1
np_is granted $X -n stays -i 1 unlock fa 0 0
np_is "granted sequence=0" $X -n other -i 1 unshare fa dn w
ok "NM_LOCK, SHARE/UNSHARE, FREE_ALL"

# ---------------------------------------------------------------- handles, exports
np_is stale_fh -F 0a0b -i 1 lock - 0 10
np_is stale_fh -F 0a0b -i 1 test - 0 10
np_is denied -V 3 -F 0a0b -i 1 lock - 0 10
np -e "$E/x" fh a
fh_a=$OUT
# flip the last byte of the MAC'd handle
bad=${fh_a%??}$(printf '%02x' $(( (0x${fh_a: -2} + 1) % 256 )))
np_is stale_fh -F "$bad" -i 1 lock - 0 10
np_is granted -F "$fh_a" -i 1 lock - 0 10
np_is granted -F "$fh_a" -i 1 unlock - 0 10
np_is rofs -e "$E/ro" -i 1 lock r 0 10
np_is granted -e "$E/ro" -i 1 lock r 0 10 s
np_is granted -e "$E/ro" -i 1 unlock r 0 10
np_is denied -V 3 -e "$E/ro" -i 1 lock r 0 10
np -e "$E/x" fh dir
np_match '^(failed|denied|stale_fh)$' -e "$E/x" -i 1 lock dir 0 10
ok "stale and forged handles, read-only export, a directory"

# ---------------------------------------------------------------- deadlock
# owner 1 holds [0,10) and waits for owner 2's [20,30); owner 2 asking for
# [0,10) would wait for itself
np_is granted $X -i 1 lock c 0 10
np_is granted $X -i 2 lock c 20 10
np_is blocked $X -i 1 lock c 20 10 --block
np_is deadlck $X -i 2 lock c 0 10 --block
np_is denied $X -i 2 lock c 0 10		# not blocking: just denied
np_is granted $X -i 1 cancel c 20 10 --block
np_is blocked $X -i 2 lock c 0 10 --block	# no cycle any more
np_is granted $X -i 2 cancel c 0 10 --block
np_is granted $X -i 1 unlock c 0 0
np_is granted $X -i 2 unlock c 0 0
ok "a blocking request that would wait for itself gets deadlck"

# ---------------------------------------------------------------- Kerberos exports
# Clients send NLM with AUTH_SYS even for a sec=krb5 mount: lockd, as
# knfsd, does not hold the flavour against the export (nfsd does)
np -e "$E/x" fh a
fh_a=$OUT
sed -i "s|^$E/x	.*|$E/x	127.0.0.1(sec=krb5,rw,no_root_squash)|" "$T/exports"
n=$(grep -c "2 exports" "$T/lockd.log")
kill -HUP "$(daemon_pid lockd)"
wait_until 10 eval '[ "$(grep -c "2 exports" "$T/lockd.log")" -gt "$n" ]' ||
    fail "lockd did not reload its exports"
np_is granted -F "$fh_a" -i 1 lock - 0 10
np_is granted -F "$fh_a" -i 1 unlock - 0 10
sed -i "s|^$E/x	.*|$E/x	127.0.0.1(rw,no_root_squash) ::1(rw,no_root_squash)|" "$T/exports"
kill -HUP "$(daemon_pid lockd)"
wait_until 10 eval '[ "$(grep -c "2 exports" "$T/lockd.log")" -gt "$((n + 1))" ]' ||
    fail "lockd did not reload its exports"
ok "an AUTH_SYS lock on a sec=krb5 export is taken, as knfsd does"

# ---------------------------------------------------------------- CANCEL, UNLOCK of nothing
np_is granted $X -i 1 cancel a 0 10 --block
np_is granted $X -i 1 unlock a 0 10
np_is granted $X -i 1 unlock big 0 0
ok "CANCEL and UNLOCK of nothing are granted"

# ---------------------------------------------------------------- oversized fields
long=$(printf 'x%.0s' $(seq 300))
np_is denied_nolocks $X -i 1 -O "$long" lock a 0 10
np_is denied_nolocks $X -i 1 -n "$long" lock a 0 10
np_is denied_nolocks $X -i 1 -c "$(printf 'c%.0s' $(seq 100))" lock a 0 10
np_is granted $X -i 1 -O "$(printf 'o%.0s' $(seq 256))" lock a 0 10
np_is granted $X -i 1 -O "$(printf 'o%.0s' $(seq 256))" unlock a 0 10
np_is granted $X -i 1 test a 0 0
ok "oversized oh, caller_name and cookie refused; lockd serves on"

check_daemons
