#!/bin/sh
# helpq - terminal.sh: no byte from mail drives the terminal. A message
# whose From name and address, subject, attachment name and body carry
# an OSC title (ESC ] 0 ; ... BEL), an SGR colour (ESC [ 31 m), C1 CSI and
# a bidi override is shown by tickets, show and search without one of them.
. "$TOP_SRCDIR/tests/lib.sh"

DB=$T/h.db
cat > "$T/conf" <<CONF
[helpq]
address = support@example.com
CONF
hq() { "$HELPQ" -c "$T/conf" --db "$DB" "$@"; }

# Raw in the headers, encoded in words and in the file name parameter.
"$PY" - "$T/evil.eml" <<'PY'
import sys
esc = "\x1b]0;pwned\x07\x1b[31m"
b = ("From: =?UTF-8?Q?Eve=1B]0;pwned=07=1B[31m_=C2=9B31m_=E2=80=AE?= "
     "<eve@example.com>\n"
     "To: support@example.com\n"
     "Subject: =?UTF-8?Q?Invoice_=1B]0;pwned=07=1B[31m_red?= " + esc + "\n"
     "Message-ID: <evil@example.com>\n"
     "Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
     "MIME-Version: 1.0\n"
     "Content-Type: multipart/mixed; boundary=b\n\n"
     "--b\nContent-Type: text/plain; charset=utf-8\n\n"
     "zebra " + esc + " body \xc2\x9b1m\n"
     "--b\nContent-Type: application/octet-stream\n"
     "Content-Disposition: attachment; filename*=utf-8''a%1B%5D0%3Bx%07.txt\n"
     "Content-Transfer-Encoding: base64\n\naGVsbG8=\n--b--\n")
open(sys.argv[1], "w", encoding="utf-8", errors="surrogateescape").write(b)
PY
hq -q import "$T/evil.eml"
is "$?" 0 "the message is imported"
is "$(hq show --json 1 | json '"\x1b" in j["messages"][0]["subject"] or "\x07" in j["messages"][0]["subject"]')" \
    False "the parser keeps no control character of the subject"
# The address parser may refuse control characters in an addr-spec; the
# terminal must be safe even for what an older helpq stored, so put them
# into the store's address, tag and queue fields directly.
"$PY" - "$DB" <<'PY'
import sqlite3, sys
esc = "\x1b]0;pwned\x07\x1b[31m"
c = sqlite3.connect(sys.argv[1])
c.execute("UPDATE messages SET from_addr = ?", ("eve" + esc + "@example.com",))
c.execute("UPDATE customers SET address = ?", ("eve" + esc + "@example.com",))
c.execute("UPDATE tickets SET queue = ?", ("q" + esc,))
c.execute("UPDATE tickets SET subject = ?", ("Invoice " + esc + " red",))
c.execute("UPDATE messages SET subject = ?", ("Invoice " + esc + " red",))
c.execute("INSERT INTO tags (ticket_id, tag) SELECT id, ? FROM tickets",
          ("t" + esc + "\u202e",))
c.execute("UPDATE events SET detail = coalesce(detail, '') || ?", (esc,))
c.commit()
PY
is "$?" 0 "hostile fields in the store"
is "$(hq show --json 1 | json '"\x1b" in j["messages"][0]["from"] and "\x1b" in j["messages"][0]["subject"]')" \
    True "the store and --json keep them (JSON escapes them)"
hq show --json 1 > "$T/json"
ok_rc $(od -An -c "$T/json" | grep -Eq '033|007' && echo 1 || echo 0) \
    "--json output holds no raw ESC or BEL byte"

# bad FILE WHAT: no ESC, BEL, C1 (as UTF-8) or U+202E byte in FILE.
bad() {
	n=$("$PY" -c 'import sys
b = open(sys.argv[1], "rb").read()
print(sum(b.count(x) for x in (b"\x1b", b"\x07", b"\xc2\x9b", b"\xe2\x80\xae")))' "$1")
	is "$n" 0 "$2 prints no ESC, BEL, C1 or bidi override"
}
hq tickets > "$T/tickets"; bad "$T/tickets" "tickets"
like "$(cat "$T/tickets")" "Invoice \?\]0;pwned\?\?\[31m red" \
    "tickets shows the subject with ? for each control"
hq show 1 > "$T/show"; bad "$T/show" "show"
like "$(cat "$T/show")" "Attachments: a\?\]0;x\?\.txt" "show names the attachment"
like "$(cat "$T/show")" "eve\?\]0;pwned\?\?\[31m@example\.com" "show shows the address"
hq search zebra > "$T/search"; bad "$T/search" "search"
like "$(cat "$T/search")" "\[zebra\]" "search finds the message"
hq tickets --queue "q$(printf '\033]0;pwned\007\033[31m')" > "$T/tq"
bad "$T/tq" "tickets --queue"

# The list clips a long subject at 60 characters, not bytes, with an
# ellipsis, so two-byte letters are never cut in half.
long=$("$PY" -c 'print("ä" * 70)')
printf 'From: long@example.com\nTo: support@example.com\nSubject: %s\nMessage-ID: <long@example.com>\nDate: Mon, 1 Jan 2024 11:00:00 +0000\n\nhi\n' \
    "$long" > "$T/long.eml"
hq -q import "$T/long.eml"
line=$(hq tickets | grep long@example.com)
is "$(printf '%s' "$line" | "$PY" -c 'import sys,re; s=sys.stdin.read(); m=re.search("(ä+)(…?)", s); print(len(m.group(1)), m.group(2))')" \
    "60 …" "tickets clips a subject of 70 two-byte letters to 60 and an ellipsis"

done_testing
