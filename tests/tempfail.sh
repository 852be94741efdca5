#!/bin/sh
# helpq - tests/tempfail.sh: the exit statuses a mail server reads from
# stdin delivery (helpq import -). A full disk and a busy database pass:
# 75 (EX_TEMPFAIL), so the server tries again; 73 only for a path that can
# never be created. The summary counts only what was committed. The full
# disk is a real one: a small tmpfs (mounting needs root).
. "$TOP_SRCDIR/tests/lib.sh"

D="$T/full"
mkdir -p "$D"
if ! mount -t tmpfs -o size=2m tmpfs "$D" 2>/dev/null; then
	echo "1..0 # SKIP cannot mount a tmpfs here (not root?)"
	exit 0
fi
trap 'umount "$D"; rm -rf "$T"' EXIT

hd() { "$HELPQ" --db "$D/h.db" "$@"; }
tickets() { "$HELPQ" --db "$D/h.db" tickets --json | json 'len(j)'; }
fill() {	# fill KIB: leave KIB kibibytes free on the tmpfs
	avail=$(df -k --output=avail "$D" | tail -1)
	dd if=/dev/zero of="$D/fill" bs=1k count=$((avail - $1)) 2>/dev/null
}

printf 'From: a@example.org\r\nSubject: one\r\nMessage-ID: <t1@example.org>\r\n\r\nhello\r\n' |
    hd -q import -
is "$?" 0 "a first message is delivered"
# Random base64, as an attachment is: the store packs mail, and this
# does not get smaller.
"$PY" -c '
import base64, os, sys
sys.stdout.write("From: b@example.org\r\nSubject: two\r\n"
    "Message-ID: <t2@example.org>\r\n\r\n" + "".join(
    base64.b64encode(os.urandom(57)).decode() + "\r\n" for i in range(2700)))' \
    > "$T/big.eml"

# The database opens, storing the message fills the disk.
fill 150
hd import --json - < "$T/big.eml" > "$T/out" 2>"$T/err"; rc=$?
is "$rc" 75 "full disk while storing: EX_TEMPFAIL, not a bounce"
like "$(cat "$T/err")" "full" "the error says the disk is full"
is "$(json '[j["messages"], j["new_tickets"], j["bytes"]]' < "$T/out")" '[0, 0, 0]' \
    "the summary counts nothing: nothing was committed"
is "$(hd failed --json | json 'len(j)')" 0 \
    "a full disk is no fault of the message: nothing set aside"

# Nothing free at all: the database cannot even be opened.
rm -f "$D/fill"
fill 0
hd import - < "$T/big.eml" 2>/dev/null; rc=$?
is "$rc" 75 "full disk at open: EX_TEMPFAIL"

rm -f "$D/fill"
hd -q import - < "$T/big.eml"; rc=$?
is "$rc" 0 "with room again the same delivery succeeds"
is "$(tickets)" 2 "and the message is there, once"

# A busy database: another process holds the write lock past the wait.
"$PY" - "$D/h.db" "$T/locked" <<'EOF' &
import sqlite3, sys, time, os
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(14)
db.execute("ROLLBACK")
EOF
lockpid=$!
i=0
while [ ! -e "$T/locked" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
printf 'From: c@example.org\r\nSubject: three\r\nMessage-ID: <t3@example.org>\r\n\r\nhi\r\n' |
    hd import - >/dev/null 2>&1; rc=$?
is "$rc" 75 "a locked database: EX_TEMPFAIL"
wait "$lockpid"

# A path that can never be created.
: > "$T/file"
printf 'From: c@example.org\r\nSubject: four\r\n\r\nhi\r\n' |
    "$HELPQ" --db "$T/file/sub/h.db" import - 2>/dev/null; rc=$?
is "$rc" 73 "a database under a regular file: EX_CANTCREAT"

done_testing
