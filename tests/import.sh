#!/bin/sh
# helpq - import.sh: importing a Maildir, a file and stdin; duplicates
# recognised; control characters kept from the terminal; errors and exit
# statuses. (An mbox, threading and decoding: tests/cases.)
. "$TOP_SRCDIR/tests/lib.sh"

DB=$T/h.db
hq() { "$HELPQ" -c "$SAMPLE/helpq.conf" --db "$DB" "$@"; }

out=$(hq import --json "$SAMPLE/Maildir"); rc=$?
is "$rc" 0 "sample Maildir imports"
is "$(printf "%s\n" "$out" | json 'j["messages"]')" 10 "10 messages read"
is "$(printf "%s\n" "$out" | json 'j["new_tickets"]')" 6 "6 new tickets"
is "$(printf "%s\n" "$out" | json 'j["ignored"]')" 1 \
    "the out-of-office reply is kept without a ticket"
is "$(printf "%s\n" "$out" | json 'j["threaded"]')" 3 "3 messages threaded"
is "$(printf "%s\n" "$out" | json 'j["failed"]')" 0 "none failed"

out=$(hq import --json "$SAMPLE/Maildir"); rc=$?
is "$rc" 0 "re-import succeeds"
is "$(printf "%s\n" "$out" | json 'j["duplicates"]')" 10 "re-import: all 10 recognised"
is "$(printf "%s\n" "$out" | json 'j["new_tickets"]+j["threaded"]')" 0 \
    "re-import adds nothing"
is "$(hq tickets --json | json 'len(j)')" 6 "still 6 tickets"

# One message on standard input, as a delivery command would pass it.
printf 'From: Neu <neu@example.ch>\nTo: support@example.com\nSubject: Frage\nMessage-ID: <stdin-1@example.ch>\n\nHallo?\n' |
    hq -q import -; rc=$?
is "$rc" 0 "stdin import exits 0"
is "$(hq tickets --json --customer neu@example.ch | json 'len(j)')" 1 \
    "stdin message opened a ticket"

# Threading, decoding and who-wrote-it cases ("these messages -> these
# tickets") live in tests/cases, one folder each.

ADB=$T/attack.db
ahq() { "$HELPQ" -c "$SAMPLE/helpq.conf" --db "$ADB" "$@"; }

# Control characters in an address never reach a terminal: an address
# holding ESC or BEL is refused, and a name holding them is made text.
printf 'From: "Eve \033]0;owned\007" <eve\033[31m@evil.example>, Eve Two <eve2\007@evil.example>\nTo: support@example.com\nSubject: Terminal test\nDate: Mon, 16 Nov 2026 10:20:00 +0000\nMessage-ID: <x3@evil.example>\n\nhello\n' |
    ahq -q import -
n=$(ahq tickets --json | json '[t["number"] for t in j if t["subject"] == "Terminal test"][0]')
out=$(ahq show "$n"; ahq tickets; ahq tickets --json; ahq show --json "$n"; ahq search hello)
is "$(printf '%s' "$out" | tr -d -c '\033\007' | wc -c | tr -d ' ')" 0 \
    "no ESC or BEL from the From field in show, tickets or search"
like "$out" "Terminal test" "show, tickets and search did print the ticket"
is "$(ahq show --json "$n" | json '[j["messages"][0]["from"], j["messages"][0]["from_name"]]')" \
    '["", null]' "the addresses with control characters are not stored"

# Errors and exit statuses (sysexits).
hq import "$T/missing" 2>"$T/err"; rc=$?
is "$rc" 66 "missing input: EX_NOINPUT"
like "$(cat "$T/err")" "$T/missing: No such file" "missing input named"
mkdir "$T/notmd"
hq import "$T/notmd" 2>"$T/err"; rc=$?
is "$rc" 65 "directory that is no Maildir: EX_DATAERR"
printf '' | hq import - 2>/dev/null; rc=$?
is "$rc" 65 "empty message on stdin: EX_DATAERR"
printf '[helpq]\naddress = support@example.com\nfrobnicate = yes\n' > "$T/bad.conf"
"$HELPQ" -c "$T/bad.conf" --db "$DB" tickets 2>"$T/err"; rc=$?
is "$rc" 78 "bad config: EX_CONFIG"
like "$(cat "$T/err")" "$T/bad.conf:3:1: unknown key 'frobnicate'" \
    "bad config: file:line:column"
"$HELPQ" --db "$DB" frobnicate 2>/dev/null; rc=$?
is "$rc" 64 "unknown command: EX_USAGE"
"$HELPQ" --db "$T/none.db" tickets 2>/dev/null; rc=$?
is "$rc" 66 "listing a missing database: EX_NOINPUT"
hq show 999 2>"$T/err"; rc=$?
is "$rc" 65 "show of an unknown ticket: EX_DATAERR"

# A Maildir is read in delivery order: by the time its file names begin
# with, as numbers, across new/ and cur/.
OD=$T/order
mkdir -p "$OD/new" "$OD/cur" "$OD/tmp"
for f in new/1000.a new/10000.b cur/999.c:2,S cur/1001.d:2,S new/2.e; do
	id=${f##*.}; id=${id%%:*}
	printf 'From: o@example.net\nTo: support@example.com\nSubject: order %s\nMessage-ID: <o-%s@example.net>\n\nhi\n' \
	    "$id" "$id" > "$OD/$f"
done
"$HELPQ" -q -c "$SAMPLE/helpq.conf" --db "$T/order.db" import "$OD"
is "$("$PY" -c 'import sqlite3,sys; print(" ".join(r[0][2] for r in sqlite3.connect(sys.argv[1]).execute("SELECT message_id FROM messages ORDER BY id")))' "$T/order.db")" \
    "e c a d b" "a Maildir in delivery order, new/ and cur/ together"

done_testing
