#!/bin/sh
# helpq - charset.sh: hostile charsets through import (file and stdin):
# helpq never dies on them, and the raw bytes are stored as they came.
. "$TOP_SRCDIR/tests/lib.sh"

DB=$T/h.db
hq() { "$HELPQ" -c "$SAMPLE/helpq.conf" --db "$DB" "$@"; }
# raw ID: the stored raw bytes of message ID, hex-encoded.
# raw ID: the stored raw bytes of message ID in hex, unpacked with the
# zstd tool when the store packed them.
raw() {
	"$PY" -c 'import sqlite3,sys; sys.stdout.buffer.write(sqlite3.connect(sys.argv[1]).execute("SELECT raw FROM message_raw WHERE id=?", (int(sys.argv[2]),)).fetchone()[0])' "$DB" "$1" > "$T/raw.bin"
	if [ "$(head -c 4 "$T/raw.bin" | od -An -tx1 | tr -d ' ')" = 28b52ffd ]; then
		zstd -dcq "$T/raw.bin" > "$T/raw.out"
	else
		cp "$T/raw.bin" "$T/raw.out"
	fi
	hex "$T/raw.out"
}
hex() { "$PY" -c 'import sys; print(open(sys.argv[1],"rb").read().hex())' "$1"; }
# msgid MESSAGE-ID: the store's id of that message.
msgid() { "$PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT id FROM messages WHERE message_id=?", (sys.argv[2],)).fetchone()[0])' "$DB" "$1"; }

# glibc's ISO-2022-CN-EXT decoder reports an error after consuming a lone
# SO (0x0e); helpq used to step past the end of its input and abort.
printf 'From: a@example.net\nTo: support@example.com\nSubject: =?ISO-2022-CN-EXT?B?Dg==?=\nMessage-ID: <cn-1@example.net>\n\nhi\n' > "$T/cn-subject.eml"
printf 'From: b@example.net\nTo: support@example.com\nSubject: body\nMessage-ID: <cn-2@example.net>\nContent-Type: text/plain; charset=ISO-2022-CN-EXT\n\n\016' > "$T/cn-body.eml"

out=$(hq import --json "$T/cn-subject.eml"); rc=$?
is "$rc" 0 "ISO-2022-CN-EXT subject of one SO: import exits 0"
is "$(printf "%s\n" "$out" | json 'j["new_tickets"]')" 1 "... and opens a ticket"
hq -q import - < "$T/cn-body.eml"; rc=$?
is "$rc" 0 "ISO-2022-CN-EXT body of one SO on stdin: exits 0"
is "$(hq tickets --json --customer b@example.net | json 'len(j)')" 1 \
    "... and opens a ticket"
printf 'From: c@example.net\nTo: support@example.com\nSubject: =?ISO-2022-CN-EXT?B?Dg==?=\nMessage-ID: <cn-3@example.net>\nContent-Type: text/plain; charset=ISO-2022-CN-EXT\n\n\016' |
    hq -q import -; rc=$?
is "$rc" 0 "both at once on stdin: exits 0"
is "$(hq tickets --json --customer c@example.net | json 'len(j)')" 1 \
    "... and opens a ticket"
is "$(raw "$(msgid cn-2@example.net)")" "$(hex "$T/cn-body.eml")" \
    "the raw bytes are stored as they came"

# A charset iconv knows but mail does not use (EBCDIC here) never reaches
# iconv: the text decodes as Windows-1252, the raw bytes are kept.
printf 'From: d@example.net\nTo: support@example.com\nSubject: =?UTF-7-IMAP?Q?&AOk-?=\nMessage-ID: <ebcdic-1@example.net>\nContent-Type: text/plain; charset=IBM1047\nContent-Transfer-Encoding: 8bit\n\n\310\305\323\323\326\n' > "$T/ebcdic.eml"
hq -q import "$T/ebcdic.eml"; rc=$?
is "$rc" 0 "IBM1047 body, UTF-7-IMAP subject: import exits 0"
n=$(hq tickets --json --customer d@example.net | json 'j[0]["number"]')
sj=$(hq show --json "$n")
is "$(printf "%s\n" "$sj" | json 'j["messages"][0]["subject"]')" "&AOk-" \
    "UTF-7-IMAP subject is not decoded by iconv"
is "$(printf "%s\n" "$sj" | json 'j["messages"][0]["body"].strip()')" "ÈÅÓÓÖ" \
    "IBM1047 body decodes as Windows-1252, not as EBCDIC"
is "$(raw "$(msgid ebcdic-1@example.net)")" "$(hex "$T/ebcdic.eml")" \
    "... and its raw bytes are stored as they came"

done_testing
