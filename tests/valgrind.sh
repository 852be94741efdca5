#!/bin/sh
# helpq - valgrind.sh: the unit tests and the main commands run clean under
# valgrind: no invalid access, no use of uninitialised memory, no leak.
. "$TOP_SRCDIR/tests/lib.sh"

VG="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --suppressions=$TOP_SRCDIR/tests/valgrind.supp"

for t in test-config test-message test-policy test-rules test-rules-literal \
    test-secret test-store test-thread test-tls; do
	$VG "$TOP_BUILDDIR/tests/unit/$t" > "$T/out" 2> "$T/err"
	rc=$?
	is "$rc" 0 "$t under valgrind"
	[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | head -30
done

hq() { $VG "$HELPQ" -c "$SAMPLE/helpq.conf" --db "$T/h.db" "$@"; }
for c in "-q import $SAMPLE/Maildir" "-q import $SAMPLE/Maildir" "tickets --json" \
    "show 1" "show --json 2" "search grusse" "tag 1 +x -x" "close 2"; do
	hq $c > "$T/out" 2> "$T/err"
	rc=$?
	is "$rc" 0 "helpq $c under valgrind"
	[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | head -30
done

done_testing
