#!/bin/sh
# helpq - tests/merge.sh: a late parent merges the tickets its replies
# began, under the older, with a "merged" event; the younger number stays
# an alias (show, tokens, commands); customers who are strangers to each
# other stay apart; helpq merge does the same for an agent.
. "$TOP_SRCDIR/tests/lib.sh"

: > "$T/none.rules"
printf '[helpq]\naddress = support@example.com\n[rules]\npath = %s\n' \
    "$T/none.rules" > "$T/c"
hq() { "$HELPQ" -c "$T/c" --db "$T/h.db" "$@"; }
sql() { "$PY" -c 'import sqlite3,sys; print("\n".join("|".join(str(c) for c in r) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])))' "$T/h.db" "$1"; }
# msg ID FROM CC SUBJECT [PARENT]: FROM's message <ID@example.net>,
# answering <PARENT@example.net>, imported from standard input.
msg() {
	{
		printf 'From: %s\nTo: support@example.com\n' "$2"
		[ -z "$3" ] || printf 'Cc: %s\n' "$3"
		printf 'Subject: %s\nDate: %s\nMessage-ID: <%s@example.net>\n' \
		    "$4" "$(date -R)" "$1"
		[ -z "${5:-}" ] || printf 'In-Reply-To: <%s@example.net>\nReferences: <%s@example.net>\n' "$5" "$5"
		printf '\nText of %s.\n' "$1"
	} | hq -q import -
}
ticket_of() { sql "SELECT ticket_id FROM messages WHERE message_id = '$1@example.net'"; }
events() { hq show --json "$1" | json "[e[\"detail\"] for e in j[\"events\"] if e[\"kind\"] == \"$2\"]"; }

# Alice's reply to a message helpq never saw (Bob in Cc), then Bob's
# reply to another unseen one: two tickets.
msg a2 alice@example.org bob@example.org "Re: Order 17" a1
msg b2 bob@example.org "" "Re: Delivery" b1
is "$(ticket_of a2) $(ticket_of b2)" "1 2" "two replies to unseen messages: two tickets"
# Bob's message that Alice answered arrives: it answers Bob's own, so it
# joins ticket 2 by In-Reply-To, and it is the message ticket 1 answered.
msg a1 bob@example.org "" "Order 17" b2
is "$(ticket_of a1)" 1 "the late parent is in the older ticket"
is "$(ticket_of b2)" 1 "and ticket 2's message with it"
is "$(sql 'SELECT count(*) FROM tickets')" 1 "one ticket left"
is "$(events 1 merged)" '["ticket 2 merged into ticket 1: their messages reference each other (seen on message <a1@example.net>)"]' \
    "a merged event says which and why"
is "$(hq show --json 2 | json 'j["ticket"]["number"]')" 1 "show 2 shows ticket 1"
is "$(hq show --json 2 | json 'len(j["messages"])')" 3 "with all three messages"
is "$(events 1 received | json 'len(j)')" 3 "and the younger ticket's events"
like "$(hq tickets)" 'Order 17' "the list shows the older ticket"
is "$(hq tickets --json | json 'len(j)')" 1 "and not the merged one"
# The younger number still threads: a token [#2] joins ticket 1.
msg a3 alice@example.org "" "Re: [#2] Delivery"
is "$(ticket_of a3)" 1 "a token naming the merged number joins ticket 1"
hq tag 2 +merged-once; is $? 0 "a command takes the merged number"
is "$(hq tickets --json | json '[t["tags"] for t in j if t["number"] == 1][0]')" '["merged-once"]' \
    "and changes ticket 1"

# Dave's reply to an unseen message; that message arrives from Erin as a
# reply into ticket 1. Dave and ticket 1's people share nobody but the
# desk: strangers, so the tickets stay apart.
msg d2 dave@example.com "" "Re: Something else" d1
is "$(ticket_of d2)" 3 "Dave's reply opens ticket 3"
msg d1 erin@example.net "" "Something else" a3
is "$(ticket_of d1)" 1 "Erin's message joins ticket 1 by In-Reply-To"
is "$(ticket_of d2)" 3 "Dave's ticket stays apart: strangers are not merged"
is "$(sql 'SELECT count(*) FROM ticket_aliases')" 1 "no merge happened"

# An agent merges them anyway, under the older ticket.
out=$(HELPQ_AGENT=olga hq merge 3 1); is $? 0 "helpq merge 3 1"
is "$out" "ticket 1" "says which ticket is left"
is "$(ticket_of d2)" 1 "Dave's message is in ticket 1"
is "$(events 1 merged | json 'j[-1]')" "ticket 3 merged into ticket 1: by olga" \
    "the event names the agent"
hq merge 1 3 2>"$T/err"; is $? 65 "merging a ticket with its alias: bad input"
like "$(cat "$T/err")" 'ticket 3 is ticket 1 already' "says so"
hq merge 1 99 2>/dev/null; is $? 65 "merging a ticket that is not there: bad input"
hq merge 1 2>/dev/null; is $? 64 "merge needs two tickets"
is "$(sql 'SELECT count(*) FROM messages WHERE ticket_id IS NOT NULL AND ticket_id <> 1')" 0 \
    "every message in ticket 1"
is "$(sql 'PRAGMA foreign_key_check')" "" "no row points at a merged ticket"

done_testing
