#!/bin/sh
# helpq - tests/imap.sh: helpq poll and helpq run against a real Dovecot
# on loopback: incremental fetches, crash safety, UIDVALIDITY resets,
# reconnects, errors, Sent replies, keywords and folder moves.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/servers.sh"
servers_need dovecot

dovecot_up || { echo "Bail out! dovecot did not start"; exit 1; }
imap_create Sent
imap_create Support

umask 077
printf '%s\n' "$IMAP_PASS" > "$T/pw"
mkdir -p "$T/rules"
cat > "$T/rules/10-route.rules" <<'EOF'
rule billing {
	when subject ~ /rechnung|invoice/i
	tag billing
	queue billing
}
EOF
conf() {	# conf FILE [EXTRA-IMAP-LINES]
	cat > "$1" <<EOF
[helpq]
address = support@example.com
agents = anna@example.com
database = $T/h.db
[rules]
path = $T/rules
[imap]
host = 127.0.0.1
port = $IMAPS_PORT
ca-file = $DOVECOT_CA
user = $IMAP_USER
password-file = $T/pw
sent = Sent
batch = 10
$TK
${2:-}
EOF
}
# Most of this file watches the ticket numbers as keywords too; the
# default, without them, is checked on a folder of its own below.
TK="ticket-keywords = yes"
conf "$T/c"
hq() { "$HELPQ" --config "$T/c" "$@"; }
count() { hq tickets --json | json "$1"; }
msgs() { hq tickets --json | json 'sum(t["messages"] for t in j)'; }

# Messages made here: n customers, each writing once; every third one
# answered by its author in a second message (a thread).
mkmail() {	# mkmail DIR FIRST LAST
	"$PY" - "$@" <<'EOF'
import os, sys
d, a, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(d, exist_ok=True)
for i in range(a, b + 1):
    m = ("From: Kunde %d <kunde%d@example.net>\r\nTo: support@example.com\r\n"
         "Subject: Frage Nummer %d\r\nMessage-ID: <q%d@example.net>\r\n"
         "Date: Mon, 16 Nov 2026 %02d:%02d:00 +0000\r\n\r\nHallo, ich habe "
         "eine Frage zu Bestellung %d.\r\n" % (i, i, i, i, 8 + i % 10, i % 60, i))
    open(os.path.join(d, "%06d.eml" % i), "w").write(m)
EOF
}

# ---- first contact, then only what is new -----------------------------
imap_seed INBOX "$SAMPLE"/Maildir/cur/* "$SAMPLE"/Maildir/new/*
out=$(hq poll 2>&1); rc=$?
is "$rc" 0 "first poll succeeds"
like "$out" "^10 messages: " "first poll reads the whole INBOX"
"$HELPQ" -q --config "$T/c" --db "$T/local.db" import "$SAMPLE/Maildir"
want=$("$HELPQ" --config "$T/c" --db "$T/local.db" tickets --json |
    json '[(t["subject"], t["messages"]) for t in j]')
is "$(hq tickets --json | json '[(t["subject"], t["messages"]) for t in j]')" \
    "$want" "the same tickets as a local import of the same mail"
ev=$(hq show --json 1 | json '[e["detail"] for e in j["events"] if e["kind"] == "received"][0]')
ticket_of() { hq tickets --json | json "[t['number'] for t in j if t['customer'] == '$1'][0]"; }
is "$ev" history "mail there at first contact is recorded as history (no acknowledgement)"
out=$(hq poll 2>&1)
like "$out" "^0 messages" "a second poll with nothing new reads nothing"
mkmail "$T/new" 1 3
imap_seed INBOX "$T"/new/*
out=$(hq poll 2>&1)
like "$out" "^3 messages: 3 new tickets, 0 threaded, 0 duplicates" "new mail between polls: only it is fetched"
t1=$(ticket_of kunde1@example.net)
ev=$(hq show --json "$t1" | json '[e["detail"] for e in j["events"] if e["kind"] == "received"][0]')
is "$ev" INBOX "mail that arrived later is not history"
is "$(imap_count INBOX)" 13 "nothing was deleted from the server"
like "$(imap_keywords INBOX 11)" "\\\$ticket-$t1\$" "the ticket number is a keyword (ticket-keywords)"
like "$(imap_keywords INBOX 11)" '^\$helpq$' "every message in a ticket gets \$helpq"
is "$(imap_uids INBOX seen | wc -l)" 0 "reading does not set \\Seen"
like "$(imap_keywords INBOX 1)" '\$billing' "a rule's tag is a keyword, visible to another client"
# Merged tickets: the next poll marks the younger one's message with the
# number that is left, and takes the merged number away.
t2=$(ticket_of kunde2@example.net)
hq merge "$t1" "$t2" >/dev/null; is $? 0 "two tickets merged"
hq -q poll
is "$(imap_keywords INBOX 12 | grep -c -x -e "\\\$ticket-$t1" -e "\\\$ticket-$t2")" 1 \
    "the merged ticket's message has one ticket keyword after the next poll"
like "$(imap_keywords INBOX 12)" "\\\$ticket-$t1\$" "the number that is left"
like "$(imap_keywords INBOX 11)" "\\\$ticket-$t1\$" "the older ticket's message keeps its own"

# ---- by default: \$helpq and the tags, no keyword a ticket ---------------
TK= conf "$T/cd" "folders = Plain"
sed -i "s|^database = .*|database = $T/plain.db|" "$T/cd"
imap_create Plain
mkmail "$T/plain" 40 42
imap_seed Plain "$T"/plain/*
"$HELPQ" --config "$T/cd" -q poll; is $? 0 "a poll with the default keywords"
like "$(imap_keywords Plain 1)" '^\$helpq$' "a stored message gets \$helpq"
is "$(imap_keywords Plain 1 | grep -c '^\$ticket-')" 0 \
    "and no keyword of its ticket's number (ticket-keywords = no)"
is "$(imap_keywords Plain 3 | grep -c '^\$helpq$')" 1 "so does every other one"

# ---- dry run changes nothing -------------------------------------------
mkmail "$T/dry" 4 4
imap_seed INBOX "$T"/dry/*
before=$(count 'len(j)')
out=$(hq poll --dry-run 2>&1); rc=$?
is "$rc" 0 "dry run succeeds"
like "$out" "INBOX UID 14: new ticket #[0-9]+ \(no ack: no SMTP server configured\)" "dry run says what it would do"
is "$(count 'len(j)')" "$before" "dry run stores nothing"
is "$(imap_keywords INBOX 14 | grep -c ticket)" 0 "dry run sets no keyword"
j=$(hq poll --dry-run --json 2>/dev/null | json '[m["result"] for m in j]')
is "$j" '["new ticket"]' "dry run --json lists the message"
hq -q poll

# ---- agents' replies in Sent stop the clock ----------------------------
cat > "$T/reply.eml" <<'EOF'
From: Anna <anna@example.com>
To: kunde1@example.net
Subject: Re: Frage Nummer 1
Message-ID: <answer1@example.com>
In-Reply-To: <q1@example.net>
References: <q1@example.net>
Date: Tue, 17 Nov 2026 10:30:00 +0000

Guten Tag, hier die Antwort.
EOF
imap_append Sent "$T/reply.eml"
hq -q poll
t=$(ticket_of kunde1@example.net)
is "$(hq show --json "$t" | json 'j["ticket"]["first_response"]')" "2026-11-17T10:30:00Z" \
    "an agent's reply in Sent is the first response, at its time"
is "$(hq show --json "$t" | json 'j["ticket"]["status"]')" open "the answered ticket stays open"
is "$(hq sla --json | json "[c['clock'] for c in j if c['ticket'] == $t]")" "[]" \
    "its first response clock stopped: helpq sla no longer lists it"
like "$(hq show "$t")" 'first response +started (.*), answered \1: in time' \
    "show: the clock stopped (no earlier than it started: the reply's Date is older)"

# ---- kill -9 in the middle of a batch ----------------------------------
mkmail "$T/many" 100 4099
imap_seed Support "$T"/many/*
conf "$T/c" "folders = Support"
"$HELPQ" -q --config "$T/c" poll & pid=$!
# Kill it once some batches are committed and more are to come.
_srv_wait 20 sh -c "[ \$(\"$HELPQ\" --config \"$T/c\" tickets --json 2>/dev/null | \"$PY\" -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null || echo 0) -gt 60 ]"
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
mid=$(msgs)
diag "killed after $mid of $((4000 + 15)) messages were stored"
hq -q poll; rc=$?
is "$rc" 0 "the poll after a kill -9 succeeds"
got=$(hq tickets --json | json 'len([t for t in j if t["subject"].startswith("Frage Nummer") and int(t["subject"].split()[-1]) >= 100])')
is "$got" 4000 "after kill -9 and a second poll: every message once, none lost, none twice"
dup=$("$PY" -c 'import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("SELECT count(*) - count(DISTINCT message_id) FROM messages").fetchone()[0])' "$T/h.db")
is "$dup" 0 "no message is stored twice"

# ---- UIDVALIDITY reset ----------------------------------------------------
v1=$(imap_uidvalidity Support)
before=$(msgs)
imap_delete Support
imap_create Support
sleep 1
imap_seed Support "$T"/many/*
v2=$(imap_uidvalidity Support)
[ "$v1" != "$v2" ]; ok_rc $? "the folder has a new UIDVALIDITY ($v1 -> $v2)"
out=$(hq poll 2>&1)
like "$out" "UIDVALIDITY changed" "the change is noticed"
like "$out" "4000 messages: 0 new tickets, 0 threaded, 4000 duplicates" "every message is recognised"
is "$(msgs)" "$before" "no duplicates after a UIDVALIDITY reset"
like "$(imap_keywords Support 1)" '\$ticket-' "keywords are set again under the new UIDs"

# ---- folder per queue ------------------------------------------------------
conf "$T/c" "queue-folder = Queues.%q"
mkmail "$T/inv" 9000 9000
sed -i 's/^Subject: .*/Subject: Rechnung 9000/' "$T"/inv/*
imap_seed INBOX "$T"/inv/*
hq -q poll
is "$(imap_count Queues.billing)" 1 "a billing message moved to its queue's folder"
is "$(imap_uids INBOX all | wc -l)" 14 "and is gone from INBOX"

# ---- large messages ---------------------------------------------------------
bigmail() {	# bigmail FILE ID MB: a message with an attachment of MB megabytes
	"$PY" - "$@" <<'EOF'
import base64, os, sys
f, mid, mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = base64.encodebytes(os.urandom(mb << 20)).replace(b"\n", b"\r\n")
open(f, "wb").write(b"From: Big <big%s@example.net>\r\nTo: support@example.com\r\n"
    b"Subject: Scan %s\r\nMessage-ID: <big%s@example.net>\r\n"
    b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
    b"--b\r\nContent-Type: text/plain\r\n\r\nThe scan is attached.\r\n"
    b"--b\r\nContent-Type: application/pdf; name=scan.pdf\r\n"
    b"Content-Transfer-Encoding: base64\r\n\r\n" % (mid.encode(), mid.encode(), mid.encode())
    + data + b"--b--\r\n")
EOF
}
bigmail "$T/big1.eml" 1 30
imap_seed INBOX "$T/big1.eml"
hq -q poll; is $? 0 "a 30 MB message is fetched"
t=$(ticket_of big1@example.net)
is "$(hq show --json "$t" | json '[a["size"] for m in j["messages"] for a in m["attachments"]]')" \
    "[$((30 << 20))]" "whole: its 30 MB attachment is there"
conf "$T/c" "max-size = 1M"
bigmail "$T/big2.eml" 2 3
imap_seed INBOX "$T/big2.eml"
out=$(hq poll 2>&1); rc=$?
is "$rc" 0 "a message over max-size does not stop the poll"
like "$out" "over max-size: only its header is stored" "and says what it did"
t=$(ticket_of big2@example.net)
like "$(hq show "$t")" "Scan 2" "its header is stored: it has a ticket"
is "$(hq show --json "$t" | json '[len(m["attachments"]) for m in j["messages"]]')" "[0]" \
    "but not its body"

# ---- STARTTLS --------------------------------------------------------------
conf "$T/c" "tls = starttls
port = $IMAP_PORT"
hq -q poll; is $? 0 "STARTTLS with a verified certificate works"

# ---- other logins and other places for the password ------------------------
conf "$T/c" "auth = plain"
hq -q poll; is $? 0 "AUTHENTICATE PLAIN works"
sed '/^password-file/d' "$T/c" > "$T/c2"
printf 'password-env = HELPQ_TEST_PW\n' >> "$T/c2"
HELPQ_TEST_PW=$IMAP_PASS "$HELPQ" --config "$T/c2" -q poll
is $? 0 "the password from the environment"
out=$("$HELPQ" --config "$T/c2" poll 2>&1); rc=$?
is "$rc" 78 "an unset password variable: EX_CONFIG"
like "$out" "HELPQ_TEST_PW" "and names the variable"
sed '/^password-file/d' "$T/c" > "$T/c2"
printf 'password-command = cat %s\n' "$T/pw" >> "$T/c2"
"$HELPQ" --config "$T/c2" -q poll
is $? 0 "the password from a command"

# ---- a second helpq on the same database ----------------------------------
conf "$T/c"
"$HELPQ" --config "$T/c" run 2> "$T/run.log" & runpid=$!
_srv_wait 10 grep -q watching "$T/run.log"
out=$(hq poll 2>&1); rc=$?
is "$rc" 75 "a second helpq exits at once with EX_TEMPFAIL"
like "$out" "another helpq \(pid $runpid\)" "and says which one holds the database"

# ---- helpq run: IDLE, a server restart, SIGTERM ----------------------------
n0=$(count 'len(j)')
mkmail "$T/idle" 9100 9100
imap_append INBOX "$T"/idle/*
_srv_wait 10 sh -c "[ \$(\"$HELPQ\" --config \"$T/c\" tickets --json | \"$PY\" -c 'import json,sys; print(len(json.load(sys.stdin)))') -gt $n0 ]"
ok_rc $? "helpq run picks up new mail while idling"
dovecot_restart --fast
mkmail "$T/after" 9101 9101
imap_append INBOX "$T"/after/*
_srv_wait 20 sh -c "[ \$(\"$HELPQ\" --config \"$T/c\" tickets --json | \"$PY\" -c 'import json,sys; print(len(json.load(sys.stdin)))') -gt $((n0 + 1)) ]"
ok_rc $? "after a server restart helpq run reconnects and processes what arrived"
kill -TERM "$runpid"
wait "$runpid"; rc=$?
is "$rc" 0 "SIGTERM ends helpq run cleanly"
like "$(cat "$T/run.log")" "reconnecting|connection" "the lost connection was logged"

# ---- errors ----------------------------------------------------------------
printf 'wrong\n' > "$T/pw2"
conf "$T/c" "password-file = $T/pw2"
out=$(hq poll 2>&1); rc=$?
is "$rc" 77 "a wrong password: EX_NOPERM"
like "$out" "login as $IMAP_USER at 127.0.0.1: login refused" "a wrong password says so"
chmod 644 "$T/pw"
conf "$T/c"
out=$(hq poll 2>&1); rc=$?
is "$rc" 78 "a password file others can read: EX_CONFIG"
like "$out" "mode 0644" "and says why"
chmod 600 "$T/pw"
conf "$T/c" "folders = Nope"
out=$(hq poll 2>&1); rc=$?
is "$rc" 78 "a missing folder: EX_CONFIG"
like "$out" 'no folder "Nope" on the server' "a missing folder says so"
sed '/^ca-file/d' "$T/c" > "$T/c2" && mv "$T/c2" "$T/c"
out=$(hq poll 2>&1); rc=$?
is "$rc" 78 "an untrusted certificate: EX_CONFIG"
like "$out" "not trusted" "an untrusted certificate says so, before logging in"
# A certificate for another name, signed by the CA helpq trusts.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -days 2 -subj /CN=mail.example.com \
    -addext "subjectAltName=DNS:mail.example.com" \
    -keyout "$T/dovecot/key.pem" -out "$T/dovecot/cert.pem" 2>/dev/null
dovecot_restart --fast
conf "$T/c"
out=$(hq poll 2>&1); rc=$?
is "$rc" 78 "a certificate for another host name: EX_CONFIG"
like "$out" "does not match" "a wrong host name says so"
dovecot_down --fast
out=$(hq poll 2>&1); rc=$?
is "$rc" 75 "a server that is down: EX_TEMPFAIL (cron tries again)"
like "$out" "cannot connect to 127.0.0.1 port [0-9]+: connection refused" "and says so"
# A name that does not resolve (.invalid never does, RFC 6761).
sed 's/^host = 127.0.0.1$/host = imap.helpq-test.invalid/' "$T/c" >"$T/c.dns"
out=$("$HELPQ" --config "$T/c.dns" poll 2>&1); rc=$?
is "$rc" 75 "a host name that does not resolve: EX_TEMPFAIL"
like "$out" "the host name imap.helpq-test.invalid does not resolve" \
    "says so, not \"connection refused\""

done_testing
