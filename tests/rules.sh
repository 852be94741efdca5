#!/bin/sh
# helpq - rules.sh: rule files from the command line: rules check (every
# error, exit status), rules test (--explain, its options), import of the
# sample with its rules (mail kept without a ticket), and the default
# rules against real machine-written mail. The verdicts for single
# messages are cases in tests/cases.
. "$TOP_SRCDIR/tests/lib.sh"

CONF=$SAMPLE/helpq.conf
hq() { "$HELPQ" -c "$CONF" --db "$T/h.db" "$@"; }

# ---- rules check ----
out=$("$HELPQ" --db "$T/none.db" rules check "$TOP_SRCDIR/rules" \
    "$TOP_SRCDIR/rules/examples/routing.rules" 2>&1); rc=$?
is "$rc" 0 "the shipped rules check clean"
like "$out" "^[0-9]+ rules in 3 files: OK$" "rules check says how many"

cat > "$T/bad.rules" <<'EOF'
rule "one" {
	when subject ~ /(unclosed/
	tag x
}
rule "two" {
	tagg billing
}
rule "three" {
	when (subject ~ /a/ or body ~ /b/
	tag y
}
EOF
"$HELPQ" --db "$T/none.db" rules check "$T/bad.rules" > "$T/out" 2> "$T/err"
rc=$?
is "$rc" 78 "a broken rule file: exit status 78 (EX_CONFIG)"
is "$(grep -c "^$T/bad.rules:[0-9]*:[0-9]*: " "$T/err")" 3 \
    "every error reported, as file:line:column"
like "$(cat "$T/err")" "bad.rules:2:27: bad regular expression: missing closing parenthesis" \
    "PCRE2's message at the spot in the pattern"
like "$(cat "$T/err")" "bad.rules:6:2: unknown action 'tagg'" "unknown action"
like "$(cat "$T/err")" "bad.rules:9:7: this parenthesis is not closed" \
    "unbalanced parenthesis"
like "$(sed -n 3p "$T/err")" '^    	                         \^$' \
    "a caret under the column"
is "$(cat "$T/out")" "" "nothing on standard output"

# A broken rule set stops an import before it reads anything.
printf '[helpq]\naddress = support@example.com\n[rules]\npath = %s\n' \
    "$T/bad.rules" > "$T/bad.conf"
"$HELPQ" -q -c "$T/bad.conf" --db "$T/bad.db" import "$SAMPLE/Maildir" \
    2> "$T/err"
is "$?" 78 "import with broken rules: exit status 78"
ok_rc "$([ ! -e "$T/bad.db" ] && echo 0 || echo 1)" "and no database written"
"$HELPQ" -c "$T/bad.conf" check > /dev/null 2> "$T/err"
is "$?" 78 "helpq check reads the rules too"
like "$(cat "$T/err")" "bad.rules:6:2:" "helpq check shows rule errors"

# ---- rules test ----
m1=$(ls "$SAMPLE"/Maildir/cur/*M0P1*)
out=$(hq rules test --explain "$m1"); rc=$?
is "$rc" 0 "rules test exits 0"
like "$out" 'rule "billing" \(.*routing.rules:[0-9]+\): FIRED' \
    "--explain names each rule, its place and FIRED"
like "$out" 'yes   subject ~ .*matched "Rechnung"' \
    "--explain shows the matched text"
like "$out" '-> tag order-4711' "--explain shows actions with captures put in"
like "$out" 'skip  .*a word it needs is absent' \
    "--explain shows rules skipped by the literal prefilter"
is "$(hq rules test --json --language el --reply "$m1" |
    json '(j[0]["facts"]["language"], j[0]["facts"]["new_ticket"])')" \
    "('el', False)" "--language and --reply set the facts"
is "$(hq rules test --json --rules "$TOP_SRCDIR/rules" "$m1" |
    json 'j[0]["verdict"]["fired"]')" "[]" \
    "--rules tests other rule files"
is "$(hq rules test --time --json "$SAMPLE/Maildir" |
    json '(j["messages"], j["median_us"] > 0)')" "(10, True)" \
    "--time measures every message"
hq rules test "$T/no-such-file" > /dev/null 2>&1
is "$?" 66 "a missing message: exit status 66"

# ---- import with the rules ----
# Verdicts and what import makes of them, message by message (tags,
# fields, queue, events, response times): tests/cases.
hq -q import "$SAMPLE/Maildir"
is "$?" 0 "the sample imports with its rules"
t1=$(hq show --json 1)
# (overdue too: the sample's mail is weeks old and unanswered.)
is "$(echo "$t1" | json 'j["ticket"]["tags"]')" '["billing", "order-4711", "overdue"]' \
    "tags from the rules, a capture among them"
is "$(echo "$t1" | json 'j["ticket"]["queue"]')" billing "queue set"
is "$(echo "$t1" | json 'j["ticket"]["fields"]')" '{"order": "4711"}' \
    "ticket field from a capture"
is "$(echo "$t1" | json 'j["ticket"]["language"]')" de "ticket language"
like "$(echo "$t1" | json '[e["detail"] for e in j["events"] if e["kind"] == "rules"][0]')" \
    '^"order number" \(.*routing.rules:[0-9]+\), "billing" \(.*routing.rules:[0-9]+\); tags order-4711 billing; queue billing; set order = 4711$' \
    "an event names the rules that fired, where, and what they did"
is "$(hq tickets --json | json 'len(j)')" 6 \
    "the out-of-office reply opens no ticket"
is "$("$PY" -c 'import sqlite3,sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("select count(*) from messages where ticket_id is null and kind = ?", ("automated",)).fetchone()[0])' "$T/h.db")" 1 \
    "but it is stored, as automated mail"
hq -q import "$SAMPLE/Maildir"
is "$(hq tickets --json | json 'len(j)')" 6 "importing again adds nothing"

# Rules set the response time: four business hours for a complaint.
cat > "$T/complaint.eml" <<'EOF'
From: Kim Kunde <kim@example.net>
To: support@example.com
Subject: Beschwerde: Paket nicht angekommen
Message-ID: <complaint-1@example.net>
Date: Mon, 23 Nov 2026 15:00:00 +0100

Das ist unzumutbar.
EOF
hq -q import "$T/complaint.eml"
n=$(hq tickets --json | json '[t["number"] for t in j if t["subject"].startswith("Beschwerde")][0]')
t=$(hq show --json "$n")
is "$(echo "$t" | json 'j["ticket"]["priority"]')" high "priority from a rule"
is "$(echo "$t" | json 'j["ticket"]["due"]')" 2026-11-24T10:00:00Z \
    "due in four business hours (Mon 15:00 + 2h, Tue 09:00 + 2h, Berlin)"
like "$(echo "$t" | json '[e["detail"] for e in j["events"] if e["kind"] == "escalated"]')" \
    "to managers" "escalation recorded"
# The audit event, rules test and its JSON say the same, durations alike.
audit=$(echo "$t" | json '[e["detail"] for e in j["events"] if e["kind"] == "rules"][0]')
like "$audit" '; priority high; respond within 4h business hours; escalate managers' \
    "the audit event: priority, response time as written in rules, escalation"
out=$(hq rules test "$T/complaint.eml")
like "$out" '"complaint" \(.*routing.rules:36\)' \
    "rules test names the rule and its place, as the audit event does"
like "$out" 'respond within: 4h business hours' \
    "rules test: the response time in the same words"
like "$out" 'escalate: +managers' "rules test: the escalation"
is "$(hq rules test --json "$T/complaint.eml" | json '(j[0]["verdict"]["response_time"], j[0]["verdict"]["business_hours"], j[0]["verdict"]["escalate"], [r["line"] for r in j[0]["verdict"]["fired_rules"] if r["rule"] == "complaint"])')" \
    "(14400, True, ['managers'], [36])" \
    "--json: the response time in seconds, the rule's place in fired_rules"

# ---- the default rules against real machine-written mail ----
if [ -n "${HELPQ_CORPUS:-}" ] && [ -d "$HELPQ_CORPUS/auto" ]; then
	find "$HELPQ_CORPUS/auto" -type f ! -path '*/not-bounce/*' \
	    ! -name 'mbox-*' | sort > "$T/auto.list"
	xargs "$HELPQ" --db "$T/none.db" rules test --json --rules \
	    "$TOP_SRCDIR/rules" < "$T/auto.list" > "$T/auto.json" 2>/dev/null
	r=$("$PY" -c 'import json,sys
j = json.load(open(sys.argv[1]))
miss = [m["message"] for m in j if not (m["verdict"]["automated"] or m["verdict"]["noack"])]
print(len(j), len(miss))
for m in miss: print("# not caught:", m, file=sys.stderr)' "$T/auto.json")
	total=${r% *}; miss=${r#* }
	diag "default rules: $miss of $total machine-written messages not caught"
	ok_rc "$([ "$total" -gt 700 ] && [ "$((miss * 100))" -le "$total" ] && echo 0 || echo 1)" \
	    "the default rules mark 99% of the corpus's machine mail as automated"
else
	ok_rc 0 "# SKIP corpus not found"
fi

done_testing
