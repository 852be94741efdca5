#!/bin/sh
# helpq - tests/arrival.sh: which clock a message sets. Live mail (standard
# input, IMAP from a real Dovecot) is due a response time after it
# arrived, whatever the sender's Date says; imported past mail keeps a
# plausible Date and falls back to its Received dates, the file's time or
# now when the Date is absurd (helpq(1), "The time a message arrived").
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/servers.sh"
servers_need dovecot smtp

dovecot_up || { echo "Bail out! dovecot did not start"; exit 1; }
smtp_up || { echo "Bail out! the SMTP sink did not start"; exit 1; }

umask 077
printf '%s\n' "$IMAP_PASS" > "$T/pw"
conf() {	# conf FILE DB [LINES...]
	local f=$1 db=$2
	shift 2
	cat > "$f" <<EOF
[helpq]
address = support@example.com
agents = anna@example.com
database = $db
templates = $TOP_SRCDIR/templates
[policy]
response-time = 24h
[smtp]
host = 127.0.0.1
port = $SMTP_PORT
tls = no
[ack]
sender-window = 0
EOF
	for l; do printf '%s\n' "$l" >> "$f"; done
}
conf "$T/c" "$T/h.db"
hq() { "$HELPQ" --config "$T/c" "$@"; }
# epoch FIELD NUMBER: a ticket's time field as seconds since 1970
epoch() {
	hq tickets --json | json "[int(__import__('datetime').datetime.fromisoformat(t['$1'].replace('Z', '+00:00')).timestamp()) for t in j if t['number'] == $2][0]"
}
near() {	# near GOT WANT SLACK NAME
	ok_rc "$([ "$1" -ge $(($2 - $3)) ] && [ "$1" -le $(($2 + $3)) ]; echo $?)" "$4"
	[ "$1" -ge $(($2 - $3)) ] && [ "$1" -le $(($2 + $3)) ] ||
	    diag "got $1, want $2 +- $3"
}
# mail FILE FROM ID DATE [HEADER...]: a customer's message
mail() {
	local f=$1 from=$2 id=$3 date=$4
	shift 4
	{
		for h; do printf '%s\n' "$h"; done
		printf 'From: %s\nTo: support@example.com\n' "$from"
		printf 'Subject: Question %s\nDate: %s\n' "$id" "$date"
		printf 'Message-ID: <%s@example.net>\n\n' "$id"
		printf 'Hello, my order %s has not arrived.\n' "$id"
	} > "$f"
}
OLD='Fri, 02 Jan 1970 00:00:00 +0000'
DAY=86400

# ---- standard input: delivered now ------------------------------------
mail "$T/m1" 'Ann <ann@example.net>' stdin1 "$OLD"
now=$(date +%s)
hq -q import - < "$T/m1"; is $? 0 "stdin delivery of a message dated 1970"
near "$(epoch created 1)" "$now" 60 "the ticket is created when it arrived"
near "$(epoch due 1)" $((now + DAY)) 60 "due 24 hours after arrival, not in 1970"
is "$(smtp_count)" 1 "the message is acknowledged"
is "$(hq show --json 1 | json '[m["date"] for m in j["messages"]][0]')" \
    "1970-01-02T00:00:00Z" "the sender's Date is kept for display"

mail "$T/m2" 'Bob <bob@example.net>' stdin2 'Fri, 01 Jan 2100 00:00:00 +0000'
now=$(date +%s)
hq -q import - < "$T/m2"
near "$(epoch due 2)" $((now + DAY)) 60 "a Date in 2100 does not postpone the due time"

# ---- IMAP: the server's INTERNALDATE ----------------------------------
conf "$T/ci" "$T/i.db" '[imap]' 'host = 127.0.0.1' "port = $IMAPS_PORT" \
    "ca-file = $DOVECOT_CA" "user = $IMAP_USER" "password-file = $T/pw"
hi() { "$HELPQ" --config "$T/ci" "$@"; }
hi -q poll; is $? 0 "first contact with an empty INBOX"
mail "$T/m3" 'Cem <cem@example.net>' imap1 "$OLD"
imap_seed INBOX "$T/m3"
sent=$(smtp_count)
now=$(date +%s)
hi -q poll; is $? 0 "a poll reads a message dated 1970"
got=$(hi tickets --json | json "[int(__import__('datetime').datetime.fromisoformat(t['due'].replace('Z', '+00:00')).timestamp()) for t in j][0]")
near "$got" $((now + DAY)) 120 "due 24 hours after the server received it"
is "$(smtp_count)" $((sent + 1)) "the IMAP message is acknowledged"

# ---- IMAP history: what a folder held at first contact is past mail ----
now=$(date +%s)
ago=$((now - 10 * DAY))
rdate=$(date -R -d "@$ago")
imap_create Hist
mail "$T/h1" 'Ida <ida@example.net>' hist1 "$OLD" \
    "Received: from mx.example.net by mail.example.com; $rdate"
mail "$T/h2" 'Jan <jan@example.net>' hist2 "$(date -R -d "@$((ago - 600))")" \
    "Received: from mx.example.net by mail.example.com; $rdate"
imap_seed Hist "$T/h1" "$T/h2"
conf "$T/ch" "$T/hist.db" '[imap]' 'host = 127.0.0.1' "port = $IMAPS_PORT" \
    "ca-file = $DOVECOT_CA" "user = $IMAP_USER" "password-file = $T/pw" \
    'folders = Hist'
"$HELPQ" -q --config "$T/ch" poll; is $? 0 "first contact with a folder of past mail"
hh() {	# hh CUSTOMER: that customer's ticket's creation, in seconds
	"$HELPQ" --config "$T/ch" tickets --json | json "[int(__import__('datetime').datetime.fromisoformat(t['created'].replace('Z', '+00:00')).timestamp()) for t in j if t['customer'] == '$1'][0]"
}
is "$(hh ida@example.net)" "$ago" "IMAP history dated 1970 takes its Received date"
is "$(hh jan@example.net)" $((ago - 600)) "IMAP history with a plausible Date keeps it"

# ---- importing past mail ----------------------------------------------
conf "$T/c" "$T/p.db"
# Plausible: a Date an hour before the Received date.
mail "$T/p1" 'Dan <dan@example.net>' past1 "$(date -R -d "@$((ago - 3600))")" \
    "Received: from mx.example.net by mail.example.com; $rdate"
# Absurd against Received: 1970.
mail "$T/p2" 'Eve <eve@example.net>' past2 "$OLD" \
    "Received: from mx.example.net by mail.example.com; $rdate"
# Absurd, and no Received: the file's time.
mail "$T/p3" 'Fay <fay@example.net>' past3 "$OLD"
touch -d "@$((now - 5 * DAY))" "$T/p3"
# Plausible, no Received.
mail "$T/p4" 'Gil <gil@example.net>' past4 "$(date -R -d "@$((now - 3 * DAY))")"
sent=$(smtp_count)
hq -q import "$T/p1" "$T/p2" "$T/p3" "$T/p4"
is "$(epoch created 1)" $((ago - 3600)) "past mail with a plausible Date keeps it"
is "$(epoch created 2)" "$ago" "past mail dated 1970 takes its Received date"
is "$(epoch created 3)" $((now - 5 * DAY)) "without Received, an absurd Date gives way to the file's time"
is "$(epoch created 4)" $((now - 3 * DAY)) "without Received, a plausible Date is kept"
is "$(smtp_count)" "$sent" "mail days old is not acknowledged"

# A Maildir: the same rules, the file's time from the Maildir.
mkdir -p "$T/md/cur" "$T/md/new" "$T/md/tmp"
mail "$T/md/cur/1.eml" 'Hal <hal@example.net>' past5 "$OLD"
touch -d "@$((now - 4 * DAY))" "$T/md/cur/1.eml"
hq -q import "$T/md"
is "$(epoch created 5)" $((now - 4 * DAY)) "a Maildir message dated 1970 takes the file's time"

done_testing
