# helpq - tests/week.sh: a week of mail with known arrival and answer
# times, for tests/report.sh and tests/html.sh (sourced after lib.sh):
# the configuration in $T/c, the store in $T/h.db, hq and at to run
# helpq (at: with HELPQ_NOW).
cat > "$T/c" <<EOF
[helpq]
address = support@example.com
agents = anna@example.com
database = $T/h.db
timezone = UTC
[policy]
response-time = 24h
clock = calendar
warn = none
breach = none
[report]
fairness-min-tickets = 3
fairness-slower = 60
EOF
at() { HELPQ_NOW=$1; shift; HELPQ_NOW=$HELPQ_NOW "$HELPQ" --config "$T/c" "$@"; }
hq() { "$HELPQ" --config "$T/c" "$@"; }

DE='Guten Tag, ich habe eine Frage zu meiner Bestellung. Die Lieferung ist noch nicht angekommen und ich warte schon seit einer Woche darauf. Können Sie mir bitte sagen, wann das Paket kommt? Vielen Dank und freundliche Grüße'
EL='Καλημέρα σας, έχω μια ερώτηση για την παραγγελία μου. Το δέμα δεν έχει φτάσει ακόμα και περιμένω εδώ και μία εβδομάδα. Μπορείτε να μου πείτε πότε θα έρθει; Ευχαριστώ πολύ'
EN='Hello, I have a question about my order. The parcel has not arrived yet and I have been waiting for a week now. Could you please tell me when it will come? Thank you very much and kind regards'

mail() { mail_at "$@"; }
# answer AT ID TO: Anna answers message TO from her own mail program.
answer() { mail "$1" 'Anna <anna@example.com>' "$2" "Hier die Antwort." "$3"; }

# The week of 1 to 8 June 2026 (UTC; 1 June is a Monday), a promise of
# 24 hours in calendar time:
#   #1 de a@  Mon 08:00, answered 10:00 (2h), closed Tue 08:00
#   #2 de b@  Mon 09:00, answered 12:00 (3h); again 14:00, answered
#             15:00 (1h); closed Wed 09:00
#   #3 el c@  Tue 08:00, answered Wed 10:00 (26h, late)
#   #4 el d@  Tue 09:00, answered Wed 13:00 (28h, late)
#   #5 el e@  Tue 10:00, answered 20:00 (10h)
#   #6 en a@  Wed 07:30 (a returning customer), answered 09:00 (1h 30m);
#             waits on the customer from 09:30; they write Thu 09:30
#             (24h waited), answered 10:30, closed 11:30
#   #7 en f@  Sun 08:00, unanswered: due after the week, pending
#   #8 de g@  Sat 20:00, unanswered: due Sun 20:00, late
# and #0 from 20 May, unanswered, before the week.
mail 2026-05-20T08:00:00Z 'old@example.org' m0 "$EN"
mail 2026-06-01T08:00:00Z 'a@example.org' m1 "$DE"
mail 2026-06-01T09:00:00Z 'b@example.org' m2 "$DE"
answer 2026-06-01T10:00:00Z a1 m1
answer 2026-06-01T12:00:00Z a2 m2
mail 2026-06-01T14:00:00Z 'b@example.org' m2b "$DE" a2
answer 2026-06-01T15:00:00Z a2b m2b
mail 2026-06-02T08:00:00Z 'c@example.org' m3 "$EL"
at 2026-06-02T08:00:00Z -q close 2
mail 2026-06-02T09:00:00Z 'd@example.org' m4 "$EL"
mail 2026-06-02T10:00:00Z 'e@example.org' m5 "$EL"
answer 2026-06-02T20:00:00Z a5 m5
mail 2026-06-03T07:30:00Z 'a@example.org' m6 "$EN"
answer 2026-06-03T09:00:00Z a6 m6
at 2026-06-03T09:00:00Z -q close 3
at 2026-06-03T09:30:00Z -q wait 7
answer 2026-06-03T10:00:00Z a3 m3
answer 2026-06-03T13:00:00Z a4 m4
mail 2026-06-04T09:30:00Z 'a@example.org' m6b "$EN" a6
answer 2026-06-04T10:30:00Z a6b m6b
at 2026-06-04T11:30:00Z -q close 7
mail 2026-06-06T20:00:00Z 'g@example.org' m8 "$DE"
mail 2026-06-07T08:00:00Z 'f@example.org' m7 "$EN"
at 2026-06-08T00:00:00Z -q tick

