#!/bin/sh
# helpq - tests/agents.sh: the agents' desk on the imported sample
# mailbox: assign and unassign, priority, internal notes, the ticket
# list by assignee, each change an event naming who made it.
. "$TOP_SRCDIR/tests/lib.sh"

SAMPLE=$TOP_SRCDIR/contrib/sample
hq() { "$HELPQ" -c "$SAMPLE/helpq.conf" --db "$T/h.db" "$@"; }
nums() { json '[t["number"] for t in sorted(j, key=lambda t: t["number"])]'; }
events() { hq show --json "$1" | json "[e[\"detail\"] for e in j[\"events\"] if e[\"kind\"] == \"$2\"]"; }
hq -q import "$SAMPLE/Maildir" || echo "Bail out! the sample did not import"

HELPQ_AGENT=bob hq assign 1 anna; is $? 0 "assign 1 anna"
hq assign 3 carl
is "$(hq tickets --assignee anna --json | nums)" "[1]" "tickets --assignee anna"
is "$(HELPQ_AGENT=anna hq tickets --mine --json | nums)" "[1]" "--mine: \$HELPQ_AGENT's"
is "$(hq tickets --mine --agent carl --json | nums)" "[3]" "--mine --agent carl"
# (The sample's rules assign the Greek ticket, 2, to eleni@example.com.)
is "$(hq tickets --unassigned --json | nums)" "[4, 5, 6]" "--unassigned"
is "$(hq tickets --json | json '[t["assignee"] for t in j if t["number"] == 1][0]')" anna \
    "the ticket's assignee"
is "$(events 1 assigned)" '["to anna by bob"]' "an event names who assigned it"
HELPQ_AGENT=bob hq assign --unassign 1
is "$(hq tickets --unassigned --json | nums)" "[1, 4, 5, 6]" "unassigned again"
is "$(events 1 unassigned)" '["by bob"]' "and said so"
hq assign 1 2>/dev/null; is $? 64 "assign without an agent: usage"
hq assign 99 anna 2>/dev/null; is $? 65 "no such ticket"
hq assign --unassign 1 anna 2>/dev/null; is $? 64 "--unassign takes no agent"

hq priority --agent bob 2 high
is "$(hq tickets --json | json '[t["priority"] for t in j if t["number"] == 2][0]')" high \
    "priority 2 high"
is "$(events 2 priority)" '["high by bob"]' "an event"
hq priority 2 extreme 2>/dev/null; is $? 64 "an unknown priority: usage"

n=$(hq show --json 3 | json 'len(j["messages"])')
printf 'Called the customer.\nThe fix ships tomorrow.\n' | hq note --agent dora 3
is $? 0 "a note from standard input"
is "$(events 3 note)" '["by dora:\nCalled the customer.\nThe fix ships tomorrow."]' \
    "kept as an event with who wrote it"
like "$(hq show 3)" 'note +by dora:
Called the customer\.
The fix ships tomorrow\.' "show prints its lines"
is "$(hq show --json 3 | json 'len(j["messages"])')" "$n" "a note is no message: nothing to send"
printf '  \n' | hq note 3 2>/dev/null; is $? 65 "an empty note: bad input"

done_testing
