#!/bin/sh
# helpq - tests/report.sh: helpq report over a week of mail with known
# arrival and answer times (HELPQ_NOW): every figure checked against the
# values worked out below by hand from those times, the equal-treatment
# flag raised for the group answered slowly on purpose and for no other,
# and the JSON, CSV and text forms agreeing.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/week.sh"

# The ticket numbers: #0 is 1, so #n is n + 1.
is "$(hq tickets --json | json '",".join("%d:%s" % (t["number"], t["language"]) for t in sorted(j, key=lambda t: t["number"]))')" \
    "1:en,2:de,3:de,4:el,5:el,6:el,7:en,8:de,9:en" "the mail's languages"

hq report --since 2026-06-01 --until 2026-06-08 --json > "$T/r.json"
is $? 0 "helpq report --json"
r() { json "$1" < "$T/r.json"; }
is "$(r '[j["since"], j["until"]]')" '["2026-06-01T00:00:00Z", "2026-06-08T00:00:00Z"]' \
    "the period: midnight to midnight in the desk's zone"
is "$(r 'j["desk"]["tickets"]')" 8 "8 tickets started in the week (#0 did not)"
is "$(r 'j["desk"]["messages"]')" 10 "10 customer messages came in"
# First responses 1h30m, 2h, 3h, 10h, 26h, 28h: median (3h + 10h) / 2,
# p90 the 6th of 6, mean 70h30m / 6.
is "$(r '[j["desk"]["first_response"][k] for k in ("count", "median", "p90", "mean")]')" \
    "[6, 23400, 100800, 42300]" "first response time: count, median, p90, mean"
# In open hours (Mon-Fri 09:00-17:00): 0, 1h, 3h, 7h, 9h, 12h.
is "$(r '[j["desk"]["first_response_business"][k] for k in ("median", "p90", "mean")]')" \
    "[18000, 43200, 19200]" "first response time in business hours"
# Every response: those six and the two next responses of 1h each.
is "$(r '[j["desk"]["responses"][k] for k in ("count", "median", "p90", "mean")]')" \
    "[8, 9000, 100800, 32625]" "every response: count, median, p90, mean"
# In time: #1 #2 #5 #6 of the first answers; late #3 #4 and #8
# (unanswered past due); #7 pending. All: the two next ones too.
is "$(r '[j["desk"]["first_in_time"][k] for k in ("count", "of")]')" "[4, 7]" \
    "first answers in time: 4 of 7 (the pending one left out)"
is "$(r '[j["desk"]["all_in_time"][k] for k in ("count", "of")]')" "[6, 9]" \
    "all answers in time: 6 of 9"
is "$(r 'round(j["desk"]["first_in_time"]["percent"], 1)')" 57.1 "as a percentage"
# Closed: #1 after 24h, #2 after 48h, #6 after 28h of which 24h waiting.
is "$(r '[j["desk"]["handle"][k] for k in ("count", "median", "mean")]')" \
    "[3, 100800, 120000]" "handle time: median 28h, mean 33h20m"
is "$(r '[j["desk"]["resolution"][k] for k in ("median", "mean")]')" \
    "[86400, 91200]" "resolution time leaves out the 24h #6 waited on the customer"
is "$(r '[j["desk"]["one_touch"][k] for k in ("count", "of")]')" "[1, 3]" \
    "one-touch: #1 alone was closed after one answer"
is "$(r '[j["desk"]["reopened"][k] for k in ("count", "of")]')" "[0, 3]" "none reopened"
is "$(r '[j["desk"]["returning"][k] for k in ("count", "of")]')" "[1, 8]" \
    "one returning customer (a@ wrote #1 before #6)"
is "$(r '[j["desk"]["warnings"], j["desk"]["breaches"]]')" "[0, 3]" \
    "breaches: #3, #4 and #8 (#0's clock started before the week)"
is "$(r '[j["desk"]["backlog"][k] for k in ("under_4h", "4h_to_24h", "1d_to_3d", "over_3d")]')" \
    "[0, 1, 1, 4]" "backlog at the end: #7 16h old, #8 28h, #0 #3 #4 #5 older"

# Equal treatment: the Greek customers were answered slowly on purpose.
fair() { r "[(g['by'], g['group'], g['tickets'], g['flagged']) for g in j['fairness']['groups']]"; }
is "$(fair)" \
    '[["language", "de", 3, false], ["language", "el", 3, true], ["language", "en", 2, false], ["customer-type", "new", 7, false], ["customer-type", "returning", 1, false]]' \
    "the Greek group is flagged, no other (en and returning are too small)"
like "$(r '[g["flag"] for g in j["fairness"]["groups"] if g["flagged"]][0]')" \
    '^median first response 1d 2h against the desk.s 6h 30m \(300% slower\); answered in time 33% against the desk.s 57%$' \
    "the flag says why, with the desk's figures"
is "$(r '[g["first_response"]["median"] for g in j["fairness"]["groups"] if g["group"] == "new"][0]')" \
    36000 "new customers: median 10h, not 60% slower than the desk's 6h 30m"

# Grouped: by language, the same groups; by day, the day each started.
is "$(hq report --since 2026-06-01 --until 2026-06-08 --by day --json | json '[(g["group"], g["tickets"]) for g in j["groups"]]')" \
    '[["2026-06-01", 2], ["2026-06-02", 3], ["2026-06-03", 1], ["2026-06-06", 1], ["2026-06-07", 1]]' \
    "--by day"
is "$(hq report --since 2026-06-01 --until 2026-06-08 --by week --json | json '[(g["group"], g["tickets"]) for g in j["groups"]]')" \
    '[["2026-W23", 8]]' "--by week (ISO weeks)"
is "$(hq report --since 2026-06-01 --until 2026-06-08 --by agent --json | json '[(g["group"], g["first_response"]["count"]) for g in j["groups"]]')" \
    '[["-", 0], ["anna@example.com", 6]]' "--by agent: who answered first"

# CSV: the same figures, a row per group.
hq report --since 2026-06-01 --until 2026-06-08 --csv > "$T/r.csv"
is "$("$PY" -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); d=r[0]; print(d["group"], d["tickets"], d["first_median"], d["first_p90"], d["handle_median"], d["backlog_over_3d"], len(r))' "$T/r.csv")" \
    "all 8 23400 100800 100800 4 6" "CSV: the desk's row, then the five fairness groups"
is "$("$PY" -c 'import csv,sys; r=[x for x in csv.DictReader(open(sys.argv[1])) if x["group"] == "el"][0]; print(r["by"], r["first_median"], r["first_in_time_percent"], r["flag"][:21])' "$T/r.csv")" \
    "language 93600 33.3 median first response" "CSV: the flagged group"

# Text: the figures as people read them.
hq report --since 2026-06-01 --until 2026-06-08 > "$T/r.txt"
like "$(cat "$T/r.txt")" 'First response +6h 30m median, 1d 4h p90, 11h 45m mean \(6 answered\)' \
    "text: first response"
like "$(cat "$T/r.txt")" 'First answers in time +57% \(4 of 7\)' "text: in time"
like "$(cat "$T/r.txt")" '^  ! el: median first response 1d 2h' "text: the flag"

# Bad input.
hq report --since tomorrow 2>/dev/null; is $? 64 "a date that is no date: usage"
hq report --since 2026-06-08 --until 2026-06-01 2>/dev/null; is $? 64 "an empty period: usage"
hq report --by colour 2>/dev/null; is $? 64 "an unknown group: usage"

done_testing
