#!/bin/sh
# helpq - tests/desk.sh: the whole desk against real servers: mail
# arrives in Dovecot, helpq poll acknowledges it in the same cycle
# through the SMTP sink, an agent answers with helpq reply (a copy goes
# to the Sent folder, which the next poll recognises), and helpq run
# acknowledges what arrives while it idles.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/servers.sh"
servers_need dovecot smtp

desk_up
hq() { "$HELPQ" --config "$T/c" "$@"; }
mail() { desk_mail "$@"; }

hq -q poll; is $? 0 "first contact with an empty INBOX"
mail "$T/m1" 1
imap_seed INBOX "$T/m1"
out=$(hq poll --dry-run 2>&1)
like "$out" 'new ticket #1 \(ack to kunde1@example.net in de' \
    "a dry run says which ack it would send"
is "$(smtp_count)" 0 "and sends nothing"
hq -q poll; is $? 0 "helpq poll"
is "$(smtp_count)" 1 "the new ticket is acknowledged in the same cycle"
f=$(smtp_messages | tail -1)
is "$(grep -c '^X-Sink-TLS: yes' "$f")" 1 "over STARTTLS, certificate checked"
is "$("$PY" "$TOP_SRCDIR/tests/check-mail.py" "$f" | json 'j["to"]')" \
    '["kunde1@example.net"]' "to the customer"
hq -q poll
is "$(smtp_count)" 1 "the next poll sends nothing again"

# Some servers file a copy of what they relay in Sent, with a header of
# their own: it is the ack again, and the ack never stops the clock.
grep -v '^X-Envelope-\|^X-Sink-' "$f" | sed '1i X-Filed-By: the SMTP server' > "$T/ackcopy"
imap_seed Sent "$T/ackcopy"
n=$(hq tickets --json | json 'j[0]["messages"]')
hq -q poll
is "$(hq tickets --json | json 'j[0]["messages"]')" "$n" \
    "a copy of the ack in Sent is recognised by its Message-ID"
is "$(hq tickets --json | json 'j[0]["first_response"]')" None \
    "and is no answer: the clock still runs"

# An agent answers from the command line; the copy lands in Sent.
n=$(hq tickets --json | json 'j[0]["messages"]')
sent=$(imap_count Sent)
echo "Ihre Lieferung kommt morgen." | hq reply 1 >/dev/null
is "$(smtp_count)" 2 "helpq reply sends the answer"
is "$(imap_count Sent)" $((sent + 1)) "and puts a copy into the Sent folder"
is "$(imap_uids Sent seen | wc -l | tr -d ' ')" 1 "marked as seen"
is "$(hq outbox --json | json '[o["copy"] for o in j if o["kind"] == "agent"]')" \
    '["done"]' "the outbox records the copy"
hq -q poll
is "$(hq tickets --json | json 'j[0]["messages"]')" $((n + 1)) \
    "the next poll recognises the copy in Sent: no second message"
is "$(hq tickets --json | json 'j[0]["status"]')" open "the answered ticket stays open"

# helpq run acknowledges what arrives while it idles.
"$HELPQ" -v --config "$T/c" run 2> "$T/run.log" & runpid=$!
_srv_wait 10 grep -q watching "$T/run.log"
mail "$T/m2" 2
imap_append INBOX "$T/m2"
_srv_wait 15 sh -c "[ \$(find '$SMTP_MAILDIR/new' -type f | wc -l) -ge 3 ]"
ok_rc $? "helpq run acknowledges new mail while idling"

# SIGHUP reloads at once, even while idling; a configuration that does
# not load leaves the running one in place.
cp "$T/c" "$T/c.good"
printf 'rule "broken" {\n' > "$T/bad.rules"
sed -i "s|^path = .*|path = $T/bad.rules|" "$T/c"
kill -HUP "$runpid"
_srv_wait 10 grep -q 'reload: the rules have errors' "$T/run.log"
ok_rc $? "SIGHUP with broken rules keeps the running rules"
mkdir -p "$T/tpl"
cp -r "$TOP_SRCDIR/templates/de" "$TOP_SRCDIR/templates/en" "$T/tpl/"
printf 'Subject: ${token}\n\nTicket ${tiket}.\n' > "$T/tpl/en/ack"
sed "s|^templates = .*|templates = $T/tpl|" "$T/c.good" > "$T/c"
kill -HUP "$runpid"
_srv_wait 10 grep -q 'reload: the templates have errors' "$T/run.log"
ok_rc $? "SIGHUP with broken templates keeps the running configuration"
cp "$T/c.good" "$T/c"
kill -HUP "$runpid"
_srv_wait 10 grep -q "reloaded $T/c" "$T/run.log"
ok_rc $? "SIGHUP with a good configuration reloads it"
mail "$T/m3" 3
imap_append INBOX "$T/m3"
_srv_wait 15 sh -c "[ \$(find '$SMTP_MAILDIR/new' -type f | wc -l) -ge 4 ]"
ok_rc $? "after the reloads helpq run still acknowledges new mail"
kill -TERM "$runpid"
wait "$runpid"; is $? 0 "SIGTERM ends helpq run"

# helpq run wakes for the next step of a response clock, not at the next
# IDLE renewal: a promise of 6 seconds, its warning at 3 to the boss.
sed 's|^\[rules\]|[policy]\nresponse-time = 6\nwarn = 50% boss@example.com\nbreach = none\n&|' \
    "$T/c.good" > "$T/c.fast"
"$HELPQ" -v --config "$T/c.fast" run 2> "$T/run2.log" & runpid=$!
_srv_wait 10 grep -q watching "$T/run2.log"
mail "$T/m4" 4
imap_append INBOX "$T/m4"
_srv_wait 20 sh -c "grep -qs '^X-Envelope-To: boss@example.com' '$SMTP_MAILDIR'/new/*"
ok_rc $? "helpq run wakes to mail a warning seconds after the mail came"
kill -TERM "$runpid"
wait "$runpid"

done_testing
