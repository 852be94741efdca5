#!/bin/sh
# helpq - valgrind.sh: the unit tests and the main commands run clean under
# valgrind: no invalid access, no use of uninitialised memory, no leak.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/servers.sh"

VG="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --suppressions=$TOP_SRCDIR/tests/valgrind.supp"

for t in test-compose test-config test-message test-policy test-rules \
    test-rules-literal test-secret test-store test-template test-thread \
    test-tls; do
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

# Mail going out: an ack over STARTTLS, an agent's reply, the outbox.
if "$SRV_PY" -c 'import aiosmtpd' 2>/dev/null && smtp_up --tls; then
	printf '[helpq]\naddress = support@example.com\ntemplates = %s\n[smtp]\nhost = 127.0.0.1\nport = %s\nca-file = %s\n' \
	    "$TOP_SRCDIR/templates" "$SMTP_PORT" "$SMTP_CA" > "$T/s.conf"
	printf 'From: Ελένη <eleni@example.gr>\nTo: support@example.com\nSubject: Πρόβλημα\nDate: %s\nMessage-ID: <vg1@example.gr>\n\nΚαλημέρα, η παραγγελία μου δεν έφτασε.\n' \
	    "$(date -R)" > "$T/m"
	hs() { $VG "$HELPQ" -c "$T/s.conf" --db "$T/s.db" "$@"; }
	hs -q import "$T/m" > "$T/out" 2> "$T/err"
	rc=$?
	is "$rc" 0 "helpq import with an ack over STARTTLS under valgrind"
	[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | head -30
	echo "Sie kommt morgen." | hs reply 1 > "$T/out" 2> "$T/err"
	rc=$?
	is "$rc" 0 "helpq reply under valgrind"
	[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | head -30
	for c in "outbox --json" "send"; do
		hs $c > "$T/out" 2> "$T/err"
		rc=$?
		is "$rc" 0 "helpq $c under valgrind"
		[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err" | head -30
	done
	is "$(smtp_count)" 2 "the ack and the reply went out"
fi

done_testing
