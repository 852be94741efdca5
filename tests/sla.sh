#!/bin/sh
# helpq - tests/sla.sh: the response promise end to end, with the time
# fixed by HELPQ_NOW and mail through a real SMTP sink: due times over a
# weekend, Easter holidays, the change to summer time and a queue with a
# calendar of its own (Athens, Orthodox Easter); what helpq sla lists and
# sla explain says; warning, breach and escalation each mailed once, also
# across a kill -9 between queueing and sending; nothing for a clock that
# waits; several late steps to the same people as one digest.
#
# The expected times were counted by hand on a 2026 calendar (Western
# Easter is 5 April, Orthodox Easter 12 April; Europe switches to summer
# time on Sunday 29 March at 01:00 UTC), not by helpq's code.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/servers.sh"
servers_need smtp

CHECK=$TOP_SRCDIR/tests/check-mail.py
smtp_up || { echo "Bail out! the SMTP sink did not start"; exit 1; }

cat > "$T/greek.rules" <<'EOF'
rule "greek desk" {
	when subject ~ /παραγγελ/i
	queue greek
}
EOF
cat > "$T/c" <<EOF
[helpq]
address = support@example.com
agents = anna@example.com, @example.com
managers = boss@example.com
database = $T/h.db
timezone = Europe/Berlin
templates = $TOP_SRCDIR/templates
[policy]
response-time = 8h
clock = business
business-hours = mon-fri 09:00-17:00
holidays = easter-2, easter+1
warn = 50% agents
escalate = +2h director@example.com
[calendar "athens"]
timezone = Europe/Athens
hours = mon-fri 09:00-17:00
holidays = orthodox-easter+1
[policy "greek"]
calendar = athens
response-time = 4h
address = greek-desk@example.com
warn = 75% queue
[rules]
path = $T/greek.rules
[smtp]
host = 127.0.0.1
port = $SMTP_PORT
tls = no
EOF
hq() { "$HELPQ" --config "${CONF:-$T/c}" "$@"; }
at() { HELPQ_NOW=$1; shift; HELPQ_NOW=$HELPQ_NOW "$HELPQ" --config "${CONF:-$T/c}" "$@"; }

# new AT FROM SUBJECT ID [OPTION...]: a customer's message on standard
# input at AT.
new() {
	local when=$1 from=$2 subj=$3 id=$4
	shift 4
	printf 'From: %s\nTo: support@example.com\nSubject: %s\nDate: %s\n' \
	    "$from" "$subj" "$(date -u -R -d "$when")" > "$T/$id"
	[ -z "${REPLY_TO:-}" ] ||
	    printf 'In-Reply-To: <%s@example.net>\n' "$REPLY_TO" >> "$T/$id"
	printf 'Message-ID: <%s@example.net>\nMIME-Version: 1.0\n' "$id" >> "$T/$id"
	printf 'Content-Type: text/plain; charset=utf-8\n\nHello.\n' >> "$T/$id"
	at "$when" -q "$@" import - < "$T/$id"
}
due() { hq sla --json | json "[c[\"due\"] for c in j if c[\"ticket\"] == $1][0]"; }
tags() { hq tickets --json | json "[t for t in j if t[\"number\"] == $1][0][\"tags\"]"; }
body() { "$PY" "$CHECK" "$1" | json 'j["body"]'; }
subject() { "$PY" "$CHECK" "$1" | json 'j["subject"]'; }
# sent_to N: the envelope recipients of the mails after the first N.
sent_to() {
	smtp_messages | tail -n +$(($1 + 1)) | while read -r f; do
		sed -n 's/^X-Envelope-To: //p' "$f" | head -1
	done | sort | tr '\n' ' ' | sed 's/ $//'
}

# Each run of helpq mails what is due at its time, so the story below
# moves forward in time, never back.

# ---- due times ---------------------------------------------------------
# Fri 27 March 16:00 CET: 1h that day; Monday is summer time already:
# 7h from 09:00 CEST, due 16:00 CEST = 14:00Z. (A database of its own:
# its time lies before the rest.)
new 2026-03-27T15:00:00Z 'Dora <dora@example.org>' 'Login broken' d1 \
    --db "$T/dst.db"
is "$(hq --db "$T/dst.db" sla --json | json 'j[0]["due"]')" \
    2026-03-30T14:00:00Z "across the change to summer time"

# Thu 2 April 15:00 CEST: 2h that day; Good Friday, the weekend and
# Easter Monday are skipped; 6h on Tue 7 April: due 15:00 CEST = 13:00Z.
new 2026-04-02T13:00:00Z 'Carl <carl@example.org>' 'Invoice question' m1
is $? 0 "a message on standard input at a fixed time"
is "$(smtp_count)" 2 "acknowledged"
is "$(due 1)" 2026-04-07T13:00:00Z "8 business hours over Easter: due Tuesday"
hq sla explain 1 > "$T/x1"
like "$(cat "$T/x1")" 'skipped Fri 2026-04-03: holiday \(easter-2\)' \
    "sla explain names Good Friday"
like "$(cat "$T/x1")" 'skipped Sat 2026-04-04: closed all day' \
    "and the weekend"
like "$(cat "$T/x1")" 'skipped Mon 2026-04-06: holiday \(easter\+1\)' \
    "and Easter Monday"
like "$(cat "$T/x1")" 'Due: +Tue 2026-04-07 15:00 CEST' "in the desk's zone"
like "$(cat "$T/x1")" 'warn +Tue 2026-04-07 11:00 CEST, to agents' \
    "the warning at 50%: 2h on Thursday, 2h on Tuesday"
like "$(hq show 1)" 'first response clock started: 8h in business time' \
    "show says how the clock started"

# On Easter Monday (a holiday) at 12:00 CEST: counting starts Tuesday
# 09:00 CEST, due 17:00 CEST = 15:00Z.
new 2026-04-06T10:00:00Z 'Bea <bea@example.org>' 'Password reset' m2
is "$(due 2)" 2026-04-07T15:00:00Z "a message on a holiday counts from the next opening"

# ---- what to answer next -------------------------------------------------
is "$(HELPQ_NOW=2026-04-07T10:00:00Z hq sla --json | json '[c["ticket"] for c in j]')" \
    "[1, 2]" "helpq sla: the soonest due first"
is "$(HELPQ_NOW=2026-04-07T14:00:00Z hq sla --overdue --json | json '[c["ticket"] for c in j]')" \
    "[1]" "--overdue: only what is past due"
like "$(HELPQ_NOW=2026-04-07T10:00:00Z hq sla)" '^ +1 +first +- +2026-04-07 15:00 +3h ' \
    "the text view: due in local time, what is left"

# Ticket 2 waits on the customer: no clock runs, no step comes.
at 2026-04-07T08:00:00Z -q wait 2
is "$(hq sla --json | json '[c["ticket"] for c in j]')" "[1]" \
    "a waiting ticket has no running response clock"

# ---- steps, each once ------------------------------------------------------
n=$(smtp_count)
at 2026-04-07T09:05:00Z -q tick
is "$(sent_to "$n")" "anna@example.com" "the warning goes to the agents"
like "$(body "$(smtp_messages | tail -1)")" 'The first response is due Tue 2026-04-07 15:00 CEST' \
    "it says what is due"
like "$(subject "$(smtp_messages | tail -1)")" '^Due soon: ticket 1 \[#1\]: Invoice question$' \
    "the sla-warn template's subject"
at 2026-04-07T09:06:00Z -q tick
is "$(smtp_count)" $((n + 1)) "a second tick mails nothing again"

n=$(smtp_count)
at 2026-04-07T13:01:00Z -q tick
is "$(sent_to "$n")" "boss@example.com" "the breach goes to the managers"
is "$(tags 1)" '["overdue"]' "the breached ticket is tagged overdue"
is "$(HELPQ_NOW=2026-04-07T13:01:00Z hq sla --overdue --json | json '[(c["ticket"], c["breached"]) for c in j]')" \
    "[[1, true]]" "sla --overdue lists it, breached"

# Killed after the escalation is queued, before it is sent.
n=$(smtp_count)
(HELPQ_CRASH_AT=queued HELPQ_NOW=2026-04-07T15:01:00Z exec "$HELPQ" \
    --config "$T/c" -q tick) 2>/dev/null
is $? 137 "killed between queueing the escalation and sending it"
is "$(smtp_count)" "$n" "nothing sent yet"
at 2026-04-07T15:02:00Z -q tick
is "$(sent_to "$n")" "director@example.com" "the next tick sends it: once"
at 2026-04-07T15:03:00Z -q tick
is "$(smtp_count)" $((n + 1)) "and never again"
is "$(hq show --json 1 | json '[e["kind"] for e in j["events"]].count("sla")')" 3 \
    "three steps recorded on the ticket"

# The greek queue counts Athens hours: Fri 10 April 15:00 EEST, 2h;
# Orthodox Easter Monday skipped; 2h on Tue 14 April: 11:00 EEST = 08:00Z.
new 2026-04-10T12:00:00Z 'Eleni <eleni@example.gr>' 'Η παραγγελία μου' m3
is "$(due 3)" 2026-04-14T08:00:00Z "a queue's own calendar and promise"
like "$(hq sla explain 3)" 'skipped Mon 2026-04-13: holiday \(orthodox-easter\+1\)' \
    "Orthodox Easter Monday in Athens"
like "$(hq show 3)" 'set by queue greek' "the source of the terms is the queue"
is "$(hq sla --queue greek --json | json '[c["ticket"] for c in j]')" "[3]" \
    "sla --queue"

# The greek queue's warning (75% of 4h: 10:00 EEST) goes to its own address.
n=$(smtp_count)
at 2026-04-14T07:01:00Z -q tick
is "$(sent_to "$n")" "greek-desk@example.com" "a queue's warning to the queue's address"

# The answer stops the clock, and the overdue tag goes.
echo "Here is your answer." | HELPQ_AGENT=anna at 2026-04-14T07:30:00Z -q reply 1 >/dev/null
is "$(tags 1)" '[]' "answered: no longer overdue"
like "$(hq show 1)" 'first response clock stopped: answered after .*, late by' \
    "the event says it came late"
is "$(hq report --since 2026-04-01 --until 2026-04-15 --by agent --json | json '[(g["group"], g["first_response"]["count"]) for g in j["groups"]]')" \
    '[["-", 0], ["anna", 1]]' "report --by agent: helpq reply's agent answered ticket 1"

# helpq did not run from 07:30 to 10:30: the greek ticket's breach
# (08:00Z) and escalation (10:00Z) are late, to different people: one
# mail each, saying so.
n=$(smtp_count)
at 2026-04-14T10:30:00Z -q tick
is "$(sent_to "$n")" "boss@example.com director@example.com" \
    "two late steps to different people: one mail each"
like "$(for f in $(smtp_messages | tail -2); do body "$f"; done)" \
    'Mailed late: 2h 30m after its time' "saying how late"
n=$(smtp_count)
at 2026-04-20T12:00:00Z -q tick
is "$(smtp_count)" "$n" "nothing more for the answered, the waiting or the breached"

# ---- late steps: one digest ----------------------------------------------
# Two tickets at the same time, then helpq does not run until past their
# warnings (by 3h): one mail to the agents for both.
new 2026-04-21T07:00:00Z 'Fritz <fritz@example.org>' 'First' m4
new 2026-04-21T07:00:00Z 'Gina <gina@example.org>' 'Second' m5
n=$(smtp_count)
at 2026-04-21T14:00:00Z -q tick
is "$(sent_to "$n")" "anna@example.com" "two late warnings to the agents: one mail"
d=$(subject "$(smtp_messages | tail -1)"; body "$(smtp_messages | tail -1)")
like "$d" 'steps missed' "a digest"
like "$d" 'ticket 4 ' "naming the first ticket"
like "$d" 'ticket 5 ' "and the second"
like "$(hq show 4)" 'one digest with 2 late steps' "each ticket records it"

# ---- days late: recorded, not mailed ------------------------------------
# Tickets 4 and 5 breach at 15:00Z; helpq next runs four days later,
# beyond [ack] max-age (2d): nobody gets mail about days-old steps.
n=$(smtp_count)
at 2026-04-25T10:00:00Z -q tick
is "$(smtp_count)" "$n" "steps more than max-age late are not mailed"
like "$(hq show 4)" 'breach of the first response clock: not mailed: ' \
    "the ticket records why"
like "$(tags 4)" overdue "but it is overdue all the same"

# ---- the desk's views over the promise ------------------------------------
is "$(HELPQ_NOW=2026-04-25T10:00:00Z hq tickets --overdue --sort due --json | json '[t["number"] for t in j]')" \
    "[3, 4, 5]" "tickets --overdue --sort due: the most overdue first"
like "$(HELPQ_NOW=2026-04-25T10:00:00Z hq tickets --sort due)" '^ +3 +new +late 11d 2h ' \
    "the DUE column says how late"
like "$(hq show 1)" 'first response +started 2026-04-02 15:00, answered 2026-04-14 09:30: late by 6d 18h' \
    "show lists the clocks with their outcomes"

# ---- a follow-up, an agent's own mail, the resolution clock ----------------
# Its own database, with resolution-time = 16h (business hours).
sed 's/^warn = 50% agents$/&\nresolution-time = 16h/; s#/h\.db$#/r.db#' "$T/c" > "$T/r.c"
CONF=$T/r.c
# Mon 4 May 09:00 CEST: the first response is due 17:00 CEST (15:00Z),
# the resolution Tue 17:00 CEST.
new 2026-05-04T07:00:00Z 'Ida <ida@example.org>' 'Refund' r1
is "$(hq sla --json | json '[(c["clock"], c["due"]) for c in j]')" \
    '[["first", "2026-05-04T15:00:00Z"], ["resolution", "2026-05-05T15:00:00Z"]]' \
    "a first response clock and a resolution clock"
# Anna answers from her own mail program at 11:00 CEST, Cc to the desk.
REPLY_TO=r1 new 2026-05-04T09:00:00Z 'Anna <anna@example.com>' 'Re: Refund' a1
like "$(hq show 1)" 'first response clock stopped: answered after 2h, in time' \
    "an agent's own mail is the answer, at its time"
at 2026-05-04T09:30:00Z -q wait 1
is "$(hq sla --json | json '[(c["clock"], c["state"], c["left"]) for c in j]')" \
    '[["resolution", "paused", 48600]]' \
    "waiting: the resolution clock pauses with 13h 30m left"
# The customer writes back Tue 09:00 CEST: a next response clock, due
# 17:00 CEST; the resolution clock runs again: 8h Tuesday, 5h 30m
# Wednesday, due 14:30 CEST (12:30Z).
REPLY_TO=a1 new 2026-05-05T07:00:00Z 'Ida <ida@example.org>' 'Re: Refund' r2
is "$(hq tickets --json | json 'j[0]["status"]')" open "the customer's answer opens it"
is "$(hq sla --json | json '[(c["clock"], c["state"], c["due"]) for c in j]')" \
    '[["next", "running", "2026-05-05T15:00:00Z"], ["resolution", "running", "2026-05-06T12:30:00Z"]]' \
    "the next response clock, and the resolution clock resumed"
at 2026-05-05T10:00:00Z -q close 1
is "$(hq sla --json)" "[]" "closed: no clock runs"
like "$(hq show 1)" 'resolution +started 2026-05-04 09:00, closed 2026-05-05 12:00: in time' \
    "the resolution clock stopped at the close"

done_testing
