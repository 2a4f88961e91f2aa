#!/bin/bash
# t_config_example: etc/nfs-suite.conf.example is a valid configuration for
# every program, its values are the defaults (uncommented, it changes
# nothing), and it documents every key each daemon knows (-T).
. "$(dirname "$0")/lib.sh"

EX=$SRCDIR/etc/nfs-suite.conf.example
sed 's/^#\([a-z][a-z-]* = \)/\1/' "$EX" >"$T/uncommented.conf"
for p in rpcbind/rpcbind mountd/rpc.mountd nfsd/rpc.nfsd lockd/rpc.lockd \
    statd/rpc.statd rquotad/rpc.rquotad; do
	name=${p#*/}
	extra=()
	# rpc.statd reads no exports (and keeps nfs-utils' -o, -T)
	case $name in rpcbind|rpc.statd) ;; *) extra=(-e /dev/null -E "$T/none") ;; esac
	for f in "$EX" "$T/uncommented.conf"; do
		must "$BUILD/$p" --check-config --config "$f" "${extra[@]}"
	done
	# every key the daemon prints with --print-config is in the example
	must "$BUILD/$p" --print-config --config /dev/null
	# (where each value came from is not part of the comparison)
	printf '%s\n' "$OUT" | grep -v '^# from: ' >"$T/$name.T"
	grep -q "^\[" "$T/$name.T" || fail "$name --print-config printed no section"
	# (in its own section)
	sect=
	while IFS= read -r line; do
		case $line in
		\[*) sect=$line; continue ;;
		\#*|"") continue ;;
		esac
		key=${line%% = *}
		awk -v s="$sect" -v k="#$key = " '
		    $0 == s { on = 1; next }
		    /^\[/ { on = 0 }
		    on && index($0, k) == 1 { found = 1 }
		    END { exit !found }' "$EX" ||
		    fail "$name: key '$key' missing from $sect in the example"
	done <"$T/$name.T"
	# and the uncommented example gives exactly the defaults
	must "$BUILD/$p" --print-config --config "$T/uncommented.conf"
	printf '%s\n' "$OUT" | grep -v '^# from: ' >"$T/$name.T2"
	diff -u "$T/$name.T" "$T/$name.T2" || fail "$name: the example is not the defaults"
	ok "$name accepts the example and it documents all its keys"
done
must "$BUILD/mountd/exportfs" -f "$T/uncommented.conf" -e /dev/null -S "$T/st" -s
ok "exportfs accepts the example"
