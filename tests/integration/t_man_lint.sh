#!/bin/bash
# t_man_lint: every man page (man/*.5, man/*.8) is clean under
# `mandoc -Tlint`: no error, warning or style message (a year-only .TH
# date, an empty paragraph, an overlong line would each print one).
# timeout: 30
. "$(dirname "$0")/lib.sh"
command -v mandoc >/dev/null || fail "mandoc not installed (scripts/install-deps)"
n=0
for m in "$SRCDIR"/man/*.[58]; do
	out=$(mandoc -Tlint "$m" 2>&1)
	[ -z "$out" ] || fail "mandoc -Tlint $m:
$out"
	n=$((n + 1))
done
[ "$n" -ge 8 ] || fail "only $n man pages found in $SRCDIR/man"
ok "mandoc -Tlint: $n man pages, no message"
