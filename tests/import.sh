#!/bin/sh
# helpq - import.sh: importing a Maildir, an mbox, a file and stdin;
# duplicates recognised; errors and exit statuses.
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

tj=$(hq tickets --json)
is "$(printf "%s\n" "$tj" | json '[t["subject"] for t in j if t["customer"]=="juergen.mueller@example.de"][0]')" \
    "Rechnung für Bestellung 4711" "Latin-1 Q-encoded subject decoded"
is "$(printf "%s\n" "$tj" | json '[t["subject"] for t in j if t["customer"]=="eleni@example.gr"][0]')" \
    "Πρόβλημα με την παραγγελία μου" "ISO-8859-7 B-encoded subject decoded"
is "$(printf "%s\n" "$tj" | json '[t["messages"] for t in j if t["customer"]=="eleni@example.gr"][0]')" \
    2 "Greek ΣΧΕΤ: follow-up joined by subject"
is "$(printf "%s\n" "$tj" | json 'sorted(t["customer"] for t in j if t["subject"]=="Hello")')" \
    '["marco@example.it", "priya@example.net"]' \
    "two strangers' 'Hello' stay two tickets"

n=$(printf "%s\n" "$tj" | json '[t["number"] for t in j if t["customer"]=="juergen.mueller@example.de"][0]')
sj=$(hq show --json "$n")
is "$(printf "%s\n" "$sj" | json 'len(j["messages"])')" 3 "German ticket has 3 messages"
is "$(printf "%s\n" "$sj" | json '[m["direction"] for m in j["messages"]]')" \
    '["in", "out", "in"]' "in, agent reply out, in — in order"
is "$(printf "%s\n" "$sj" | json 'j["messages"][1]["kind"]')" agent \
    "the reply from anna@example.com is an agent's"
is "$(printf "%s\n" "$sj" | json 'j["ticket"]["first_response"]')" \
    "2026-11-16T13:40:00Z" "first response time from the agent's Date"
like "$(printf "%s\n" "$sj" | json 'j["messages"][0]["body"]')" \
    "Mit freundlichen Grüßen" "Latin-1 QP body decoded to UTF-8"
is "$(printf "%s\n" "$sj" | json 'j["messages"][0]["date"]')" "2026-11-16T08:12:00Z" \
    "Date converted to UTC"
like "$(printf "%s\n" "$sj" | json '[e["detail"] for e in j["events"] if e["kind"]=="threaded"][1]')" \
    "^references: .*rechnung-4711@mail.example.de" \
    "threading evidence names the In-Reply-To"

lena=$(printf "%s\n" "$tj" | json '[t["number"] for t in j if t["customer"]=="lena.vogel@example.at"][0]')
is "$(hq show --json "$lena" | json 'j["messages"][0]["attachments"][0]["name"]')" \
    "Pakét.png" "RFC 2231 attachment name decoded"

# One message on standard input, as a delivery command would pass it.
printf 'From: Neu <neu@example.ch>\nTo: support@example.com\nSubject: Frage\nMessage-ID: <stdin-1@example.ch>\n\nHallo?\n' |
    hq -q import -; rc=$?
is "$rc" 0 "stdin import exits 0"
is "$(hq tickets --json --customer neu@example.ch | json 'len(j)')" 1 \
    "stdin message opened a ticket"

# No Message-ID: recognised by content hash.
printf 'From: x@example.net\nSubject: no id\n\nbody\n' > "$T/noid.eml"
hq -q import "$T/noid.eml"
out=$(hq import --json "$T/noid.eml")
is "$(printf "%s\n" "$out" | json 'j["duplicates"]')" 1 "no Message-ID: hash recognises it"

# Same Message-ID, other bytes (a list copy): stored in the same ticket.
printf 'From: Neu <neu@example.ch>\nTo: support@example.com\nSubject: Frage\nMessage-ID: <stdin-1@example.ch>\nList-Id: <x.example.ch>\n\nHallo?\n' > "$T/copy.eml"
out=$(hq import --json "$T/copy.eml")
is "$(printf "%s\n" "$out" | json 'j["threaded"]')" 1 "same Message-ID, other bytes: threaded"
is "$(hq tickets --json --customer neu@example.ch | json 'j[0]["messages"]')" 2 \
    "the copy joined the first one's ticket"

# A colleague in Cc answers the original: References keep it in the ticket.
printf 'From: Chef <chef@example.de>\nTo: support@example.com\nCc: juergen.mueller@example.de\nSubject: Re: Rechnung\nMessage-ID: <chef-1@example.de>\nIn-Reply-To: <rechnung-4711@mail.example.de>\n\nIch schliesse mich an.\n' > "$T/cc.eml"
out=$(hq import --json "$T/cc.eml")
is "$(printf "%s\n" "$out" | json 'j["threaded"]')" 1 "colleague's reply threaded by In-Reply-To"
is "$(hq show --json "$n" | json 'len(j["messages"])')" 4 \
    "colleague's reply is in the customer's ticket"

# A stranger who names the ticket token gets a new ticket linked to it.
printf 'From: Fremder <stranger@example.net>\nTo: support@example.com\nSubject: Re: [#%s] Rechnung\nMessage-ID: <stranger-1@example.net>\n\nIch auch!\n' "$n" > "$T/stranger.eml"
out=$(hq import --json "$T/stranger.eml")
is "$(printf "%s\n" "$out" | json 'j["new_tickets"]')" 1 "stranger with a token: new ticket"
is "$(hq tickets --json --customer stranger@example.net | json 'j[0]["linked_to"]')" \
    "$n" "the stranger's ticket is linked to the one named"
is "$(hq show --json "$n" | json 'len(j["messages"])')" 4 \
    "nothing joined the customer's ticket"

# The customer himself with the token joins, even with another subject.
printf 'From: juergen.mueller@example.de\nTo: support@example.com\nSubject: Nachtrag [#%s]\nMessage-ID: <nachtrag@example.de>\n\nNoch etwas.\n' "$n" > "$T/token.eml"
out=$(hq import --json "$T/token.eml")
is "$(printf "%s\n" "$out" | json 'j["threaded"]')" 1 "customer's token joins"
like "$(hq show --json "$n" | json '[e["detail"] for e in j["events"] if e["kind"]=="threaded"][-1]')" \
    "^token: " "the evidence names the token"

# An mbox file: three messages, the middle one with a ">From " body line.
cat > "$T/box.mbox" <<'MBOX'
From a@example.net Mon Nov 16 10:00:00 2026
From: a@example.net
Subject: one
Message-ID: <mbox-1@example.net>

first

From b@example.net Mon Nov 16 10:01:00 2026
From: b@example.net
Subject: two
Message-ID: <mbox-2@example.net>

>From the start
second

From c@example.net Mon Nov 16 10:02:00 2026
From: c@example.net
Subject: Re: one
Message-ID: <mbox-3@example.net>
In-Reply-To: <mbox-1@example.net>

third
MBOX
out=$(hq import --json "$T/box.mbox"); rc=$?
is "$rc" 0 "mbox imports"
is "$(printf "%s\n" "$out" | json 'j["messages"]')" 3 "mbox: 3 messages split"
is "$(printf "%s\n" "$out" | json '(j["new_tickets"], j["threaded"])')" "(2, 1)" \
    "mbox: reply threaded"

# A quoted display name holding an agent's address is only a name: the
# mail is from the address in the angle brackets (as Python, DMARC and
# every mail client read it), a customer, and it answers nothing.
ADB=$T/attack.db
ahq() { "$HELPQ" -c "$SAMPLE/helpq.conf" --db "$ADB" "$@"; }
printf 'From: Carl Kunde <carl@customer.example>\nTo: support@example.com\nSubject: Order 88 missing\nDate: Mon, 16 Nov 2026 10:00:00 +0000\nMessage-ID: <o88@customer.example>\n\nWhere is order 88?\n' |
    ahq -q import -; is $? 0 "a customer writes"
n=$(ahq tickets --json | json 'j[0]["number"]')
printf 'From: "Anna (Support) <anna@example.com>" <attacker@evil.example>\nTo: support@example.com\nSubject: Re: Order 88 missing\nDate: Mon, 16 Nov 2026 10:05:00 +0000\nMessage-ID: <x1@evil.example>\nIn-Reply-To: <o88@customer.example>\n\nPlease pay here.\n' |
    ahq -q import -; is $? 0 "an outsider answers, with the agent in the quotes"
sj=$(ahq show --json "$n")
is "$(printf "%s\n" "$sj" | json '[(m["direction"], m["kind"], m["from"]) for m in j["messages"]][-1]')" \
    "('in', 'customer', 'attacker@evil.example')" \
    "it is recorded as from attacker@evil.example, no agent's answer"
is "$(printf "%s\n" "$sj" | json 'j["messages"][-1]["from_name"]')" \
    "Anna (Support) <anna@example.com>" "the quotes are only its name"
is "$(ahq tickets --json | json '[(t["first_response"], t["status"]) for t in j if t["number"] == '"$n"']')" \
    '[[null, "new"]]' "the ticket's first response is not set"
printf 'From: "Carl Kunde (Kunde) <carl@customer.example>" <attacker@evil.example>\nTo: support@example.com\nSubject: Refund to a new account\nDate: Mon, 16 Nov 2026 10:10:00 +0000\nMessage-ID: <x2@evil.example>\n\nSend the refund elsewhere.\n' |
    ahq -q import -; is $? 0 "an outsider writes with a customer in the quotes"
is "$(ahq tickets --json | json '[t["customer"] for t in j if t["subject"] == "Refund to a new account"]')" \
    '["attacker@evil.example"]' "the new ticket is the outsider's, not the customer's"
is "$(ahq tickets --customer carl@customer.example --json | json 'len(j)')" 1 \
    "the customer still has only his own ticket"

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

done_testing
