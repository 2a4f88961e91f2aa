#!/bin/bash
# t_config_example: etc/nfs-suite.conf.example is a valid configuration for
# every program, its values are the defaults (uncommented, it changes
# nothing), and it documents every key each daemon knows (-T).
. "$(dirname "$0")/lib.sh"

EX=$SRCDIR/etc/nfs-suite.conf.example
sed 's/^#\([a-z][a-z-]* = \)/\1/' "$EX" >"$T/uncommented.conf"
for p in rpcbind/rpcbind mountd/rpc.mountd nfsd/rpc.nfsd lockd/rpc.lockd; do
	name=${p#*/}
	extra=()
	[ "$name" = rpcbind ] || extra=(-e /dev/null -E "$T/none")
	for f in "$EX" "$T/uncommented.conf"; do
		must "$BUILD/$p" --check-config -f "$f" "${extra[@]}"
	done
	# every key the daemon prints with -T is in the example
	"$BUILD/$p" --print-config -f /dev/null >"$T/$name.T" 2>/dev/null
	while IFS= read -r line; do
		case $line in
		\#*|\[*|"") continue ;;
		esac
		key=${line%% = *}
		grep -q "^#$key = " "$EX" || fail "$name: key '$key' missing from the example"
	done <"$T/$name.T"
	# and the uncommented example gives exactly the defaults
	"$BUILD/$p" --print-config -f "$T/uncommented.conf" >"$T/$name.T2" 2>/dev/null
	diff -u "$T/$name.T" "$T/$name.T2" || fail "$name: the example is not the defaults"
	ok "$name accepts the example and it documents all its keys"
done
must "$BUILD/mountd/exportfs" -f "$T/uncommented.conf" -e /dev/null -S "$T/st" -s
ok "exportfs accepts the example"
