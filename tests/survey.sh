#!/bin/sh
# helpq - tests/survey.sh: satisfaction surveys by mail through a real
# SMTP sink, with the time fixed by HELPQ_NOW: one per closed ticket after
# [survey] delay, in the customer's language, threaded; none twice, none
# within the window; replies in German, Greek and English rated without
# opening the ticket again; a reply that asks instead reopens it; the
# report counts the ratings.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/servers.sh"
servers_need smtp

CHECK=$TOP_SRCDIR/tests/check-mail.py
smtp_up || { echo "Bail out! the SMTP sink did not start"; exit 1; }
cat > "$T/c" <<EOF
[helpq]
address = support@example.com
agents = anna@example.com
database = $T/h.db
timezone = UTC
templates = $TOP_SRCDIR/templates
languages = de, el, en
[policy]
response-time = 24h
clock = calendar
[survey]
enabled = yes
delay = 1h
window = 30d
[smtp]
host = 127.0.0.1
port = $SMTP_PORT
tls = no
EOF
at() { HELPQ_NOW=$1; shift; HELPQ_NOW=$HELPQ_NOW "$HELPQ" --config "$T/c" "$@"; }
hq() { "$HELPQ" --config "$T/c" "$@"; }
field() { "$PY" "$CHECK" "$1" | json "$2"; }

DE='Guten Tag, meine Bestellung ist noch nicht angekommen. Können Sie bitte nachsehen, wo das Paket gerade ist? Vielen Dank'
EL='Καλημέρα σας, η παραγγελία μου δεν έχει φτάσει ακόμα. Μπορείτε να δείτε πού βρίσκεται το δέμα; Ευχαριστώ πολύ'
EN='Hello, my order has not arrived yet. Could you please check where the parcel is at the moment? Thank you'

mail() { mail_at "$@"; }
# The Message-ID of the survey the sink got for address.
survey_to() {
	for f in $(smtp_messages); do
		if [ "$(field "$f" 'j["envelope_to"]')" = "$1" ] &&
		    grep -q '^X-Helpq-Ticket' "$f" &&
		    [ "$(field "$f" 'j["auto_submitted"]')" = auto-generated ]; then
			echo "$f"
		fi
	done | tail -1
}

# Tickets 1-4: a German, a Greek and two English customers, answered by
# Anna at 09:00 and closed at 10:00.
mail 2026-06-01T08:00:00Z 'Karl <karl@example.de>' k1 "$DE"
mail 2026-06-01T08:00:00Z 'Eleni <eleni@example.gr>' e1 "$EL"
mail 2026-06-01T08:00:00Z 'Jane <jane@example.com>' j1 "$EN"
mail 2026-06-01T08:00:00Z 'Dan <dan@example.org>' d1 "$EN"
for m in k1 e1 j1 d1; do
	mail 2026-06-01T09:00:00Z 'Anna <anna@example.com>' "a$m" 'Hier die Antwort.' "<$m@example.net>"
done
at 2026-06-01T10:00:00Z -q close 1 2 3 4
n=$(smtp_count)
is "$n" 4 "four acks so far"

at 2026-06-01T10:30:00Z -q tick
is "$(smtp_count)" 4 "no survey before [survey] delay has passed"
at 2026-06-01T11:01:00Z -q tick
is "$(smtp_count)" 8 "an hour after the close: four surveys"
sk=$(survey_to karl@example.de) se=$(survey_to eleni@example.gr)
sj=$(survey_to jane@example.com) sd=$(survey_to dan@example.org)
like "$(field "$sk" 'j["subject"]')" '^Wie zufrieden waren Sie\? \[#1\]' "in German for Karl"
like "$(field "$se" 'j["subject"]')" '^Πώς τα πήγαμε; \[#2\]' "in Greek for Eleni"
like "$(field "$sj" 'j["subject"]')" '^How did we do\? \[#3\]' "in English for Jane"
is "$(field "$sk" 'j["in_reply_to"]')" "<k1@example.net>" "threaded to the customer's message"
like "$(field "$sk" 'j["body"]')" '1 bis 5' "asking for a rating from 1 to 5"
at 2026-06-01T12:00:00Z -q tick
is "$(smtp_count)" 8 "a second tick sends no survey again"
like "$(hq show 1)" 'Survey: sent 2026-06-01 11:01, no answer yet' "show: the survey waits"

# The answers: in German, Greek and English, each quoting the survey.
reply() {	# reply AT FROM ID SURVEY-FILE TEXT
	{
		printf '%s\n\n' "$5"
		field "$4" 'j["body"]' | sed 's/^/> /'
	} > "$T/$3.txt"
	mail "$1" "$2" "$3" "$(cat "$T/$3.txt")" "$(field "$4" 'j["message_id"]')"
}
reply 2026-06-02T08:00:00Z 'Karl <karl@example.de>' k2 "$sk" 'Sehr gut, danke!'
reply 2026-06-02T08:10:00Z 'Eleni <eleni@example.gr>' e2 "$se" '★★★★☆'
reply 2026-06-02T08:20:00Z 'Jane <jane@example.com>' j2 "$sj" 'Poor. It took far too long.'
reply 2026-06-02T08:30:00Z 'Dan <dan@example.org>' d2 "$sd" 'When will the refund come?'
is "$(hq tickets --json | json '[(t["number"], t["status"]) for t in sorted(j, key=lambda t: t["number"])]')" \
    '[[1, "closed"], [2, "closed"], [3, "closed"], [4, "open"]]' \
    "the ratings leave their tickets closed; Dan's question reopens his"
is "$(for t in 1 2 3 4; do hq show --json $t | json 'j["ticket"]["survey"]["rating"]'; done | tr '\n' ' ')" \
    "5 4 2 None " "ratings: sehr gut 5, ★★★★☆ 4, poor 2, a question none"
like "$(hq show 1)" 'Rating: 5 of 1-5: Sehr gut, danke!' "show: the rating and the words"
is "$(hq show --json 3 | json 'j["ticket"]["survey"]["comment"]')" \
    "Poor. It took far too long." "the comment, without the quoted survey"
is "$(hq show --json 2 | json '[e["kind"] for e in j["events"]].count("rated")')" 1 \
    "a rated event"
is "$(smtp_count)" 8 "no ack for a rating"

# Karl writes again, a new ticket; closed, it gets no survey within the
# window.
mail 2026-06-03T08:00:00Z 'Karl <karl@example.de>' k3 "$DE"
mail 2026-06-03T09:00:00Z 'Anna <anna@example.com>' ak3 'Hier die Antwort.' "<k3@example.net>"
at 2026-06-03T10:00:00Z -q close 5
at 2026-06-03T12:00:00Z -q tick
like "$(hq show 5)" 'Survey: not sent \(the customer had a survey within \[survey\] window\)' \
    "one survey per customer within the window"

# The report counts them: (5 + 4 + 2) / 3, two of three 4 or 5, three of
# five surveys answered (Karl's second was not sent; Dan's not rated).
hq report --since 2026-06-01 --until 2026-06-08 --json > "$T/r.json"
is "$(json '[j["desk"]["csat"][k] for k in ("surveys", "ratings")]' < "$T/r.json")" "[4, 3]" \
    "report: four surveys, three ratings"
is "$(json 'round(j["desk"]["csat"]["average"], 2)' < "$T/r.json")" 3.67 "CSAT average"
is "$(json '[j["desk"]["csat"]["satisfied"][k] for k in ("count", "of")]' < "$T/r.json")" \
    "[2, 3]" "two of three rated 4 or 5"
is "$(json '[j["desk"]["csat"]["answered"][k] for k in ("count", "of")]' < "$T/r.json")" \
    "[3, 4]" "three of four surveys answered"
like "$(hq report --since 2026-06-01 --until 2026-06-08)" \
    'Satisfaction +3.7 of 5 average, 67% \(2 of 3\) rated 4 or 5; 75% \(3 of 4\) of the surveys answered' \
    "the text says it"

done_testing
