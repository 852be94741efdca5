#!/bin/sh
# helpq - tests/poison.sh: no message can stop the mailbox. A message the
# pipeline fails on (parse, rules, store; a fault injected through
# HELPQ_FAULT, a testing aid) is set aside as failed and the source goes
# on past it: over IMAP against a real Dovecot, and for a Maildir, an mbox
# and stdin delivery. helpq failed lists it; helpq retry stores it.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/servers.sh"
servers_need dovecot

dovecot_up || { echo "Bail out! dovecot did not start"; exit 1; }

umask 077
printf '%s\n' "$IMAP_PASS" > "$T/pw"
cat > "$T/c" <<EOF
[helpq]
address = support@example.com
database = $T/h.db
[imap]
host = 127.0.0.1
port = $IMAPS_PORT
ca-file = $DOVECOT_CA
user = $IMAP_USER
password-file = $T/pw
start = all
EOF
hq() { "$HELPQ" --config "$T/c" "$@"; }
tickets() { hq tickets --json | json 'len(j)'; }
nfailed() { hq failed --json | json 'len(j)'; }

mkmsg() {	# mkmsg FILE N: a customer's message with Message-ID <pN@example.net>
	printf 'From: Kunde %s <kunde%s@example.net>\r\nTo: support@example.com\r\nSubject: Frage %s\r\nMessage-ID: <p%s@example.net>\r\nDate: Mon, 30 Nov 2026 10:0%s:00 +0000\r\n\r\nHallo %s\r\n' \
	    "$2" "$2" "$2" "$2" "$(($2 % 10))" "$2" > "$1"
}
mkdir -p "$T/m"
for i in 1 2 3 4 5 6 7 8 9; do mkmsg "$T/m/$i.eml" $i; done

# ---- IMAP: normal, poison, normal -------------------------------------
imap_seed INBOX "$T/m/1.eml" "$T/m/2.eml" "$T/m/3.eml"
out=$(HELPQ_FAULT=store:p2@ hq poll 2>"$T/err"); rc=$?
is "$rc" 0 "a poll with a poison message succeeds"
like "$out" "^3 messages: 2 new tickets, .* 1 failed" \
    "the summary counts the poison message as failed"
like "$(cat "$T/err")" "INBOX UID 2: set aside as failed" "the log says so"
is "$(tickets)" 2 "normal, poison, normal: two tickets"
is "$(nfailed)" 1 "and one failed entry"
j=$(hq failed --json)
is "$(printf '%s' "$j" | json '[j[0][k] for k in ("source", "uid", "from", "subject")]')" \
    '["INBOX", 2, "kunde2@example.net", "Frage 2"]' \
    "helpq failed names source, UID, From and Subject"
like "$(printf '%s' "$j" | json 'j[0]["reason"]')" "fault injected" \
    "helpq failed gives the reason"
is "$(printf '%s' "$j" | json 'j[0]["size"]')" "$(wc -c < "$T/m/2.eml" | tr -d ' ')" \
    "and the size"
like "$(hq failed)" "kunde2@example.net: Frage 2" "helpq failed as text"
ev=$("$PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from events where kind = ? and detail like ?", ("failed", "failed message 1 from INBOX:%")).fetchone()[0])' "$T/h.db")
is "$ev" 1 "the failure is an event too"
like "$(imap_keywords INBOX 2)" 'helpq-failed' \
    "the poison message gets its keyword: processed"

imap_seed INBOX "$T/m/4.eml"
out=$(HELPQ_FAULT=store:p2@ hq poll 2>&1); rc=$?
is "$rc" 0 "the next poll succeeds"
like "$out" "^1 message: 1 new ticket," \
    "later mail keeps flowing, the poison message is not read again"
is "$(tickets)" 3 "three tickets now"

id=$(printf '%s' "$j" | json 'j[0]["id"]')
HELPQ_FAULT=store:p2@ hq retry "$id" 2>/dev/null; rc=$?
is "$rc" 65 "a retry that fails again: EX_DATAERR"
is "$(nfailed)" 1 "and the failure mark stays"
out=$(hq retry "$id" 2>&1); rc=$?
is "$rc" 0 "helpq retry without the fault succeeds"
like "$out" "new ticket #" "and says what it became"
is "$(tickets)" 4 "the retried message is a ticket"
is "$(nfailed)" 0 "its failure mark is gone"
is "$(hq tickets --json | json '[t["customer"] for t in j if t["subject"] == "Frage 2"]')" \
    '["kunde2@example.net"]' "the ticket is the poison message's"
hq retry "$id" 2>/dev/null; rc=$?
is "$rc" 65 "retrying it again: no such failed message"
t2=$(hq tickets --json | json '[t["number"] for t in j if t["subject"] == "Frage 2"][0]')
hq -q poll
like "$(imap_keywords INBOX 2)" '^\$helpq$' \
    "the next poll gives the retried message its ticket's keyword"
like "$(imap_keywords INBOX 4)" '^\$helpq$' \
    "and later messages keep theirs"

# A parse failure and a rules failure are set aside the same way.
imap_seed INBOX "$T/m/5.eml"
HELPQ_FAULT=parse:p5@ hq poll >/dev/null 2>&1
imap_seed INBOX "$T/m/6.eml"
HELPQ_FAULT=rules:p6@ hq poll >/dev/null 2>&1
is "$(hq failed --json | json '[(f["uid"], f["reason"].split(":")[0]) for f in j]')" \
    '[[5, "cannot be parsed"], [6, "rules"]]' \
    "parse and rules failures are set aside with their reason"

# ---- Maildir, mbox, stdin ---------------------------------------------
L="$T/local.db"
hl() { "$HELPQ" --db "$L" "$@"; }
mkdir -p "$T/md/cur" "$T/md/tmp" "$T/md/new"
cp "$T/m/1.eml" "$T/m/2.eml" "$T/m/3.eml" "$T/md/new/"
out=$(HELPQ_FAULT=store:p2@ hl import --json "$T/md" 2>/dev/null); rc=$?
is "$rc" 0 "Maildir import with a poison message succeeds"
is "$(printf '%s' "$out" | json '[j[k] for k in ("messages", "new_tickets", "failed")]')" \
    '[3, 2, 1]' "Maildir: two tickets and one failed in the JSON summary"
is "$(hl failed --json | json '[f["source"].endswith("/2.eml") for f in j]')" \
    '[true]' "Maildir: the failed entry names its file"
mv "$T/md/cur/"* "$T/md/new/" 2>/dev/null
out=$(HELPQ_FAULT=store:p2@ hl import --json "$T/md" 2>/dev/null); rc=$?
is "$(printf '%s' "$out" | json '[j[k] for k in ("new_tickets", "failed")]')" \
    '[0, 1]' "Maildir read again: the poison message fails again"
is "$(hl failed --json | json 'len(j)')" 1 \
    "and keeps its one failed entry"
ev=$("$PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from events where kind = ? and detail like ?", ("failed", "failed message % read again from %")).fetchone()[0])' "$L")
is "$ev" 1 "an event says it was read again"

for i in 7 8 9; do
	printf 'From MAILER-DAEMON Mon Nov 30 10:00:00 2026\n'
	cat "$T/m/$i.eml"
	printf '\n'
done > "$T/mbox"
out=$(HELPQ_FAULT=parse:p8@ hl import --json "$T/mbox" 2>/dev/null); rc=$?
is "$rc" 0 "mbox import with a poison message succeeds"
is "$(printf '%s' "$out" | json '[j["new_tickets"], j["failed"]]')" '[2, 1]' \
    "mbox: two tickets and one failed"
like "$(hl failed --json | json 'j[-1]["source"]')" "mbox" \
    "mbox: the failed entry says where it was"

mkmsg "$T/s.eml" 10
HELPQ_FAULT=store:p10@ hl import - < "$T/s.eml" >/dev/null 2>&1; rc=$?
is "$rc" 0 "stdin delivery of a poison message exits 0: it is kept, not bounced"
is "$(hl failed --json | json 'j[-1]["source"]')" - \
    "stdin: the message is set aside"
id=$(hl failed --json | json 'j[-1]["id"]')
hl retry "$id" >/dev/null 2>&1
is "$(hl tickets --json | json '[t["subject"] for t in j if t["customer"] == "kunde10@example.net"]')" \
    '["Frage 10"]' "stdin: a retry makes it a ticket"

# ---- IMAP progress commits in bounded batches ----------------------------
imap_create Big
for i in $(seq 101 123); do mkmsg "$T/m/$i.eml" $i; done
imap_seed Big $(for i in $(seq 101 123); do echo "$T/m/$i.eml"; done)
sed -e "s|^database = .*|database = $T/big.db|" "$T/c" > "$T/cb"
printf 'folders = Big\ncommit-count = 5\n' >> "$T/cb"
hb() { "$HELPQ" --config "$T/cb" "$@"; }
# helpq dies (SIGSEGV, no clean-up, like kill -9) on the 12th message.
HELPQ_FAULT=crash:p112@ hb poll >/dev/null 2>&1; rc=$?
ok_rc $((rc > 128 ? 0 : 1)) "a poll that dies on the 12th message dies of a signal"
is "$(hb tickets --json | json 'sorted(t["subject"] for t in j) == sorted("Frage %d" % i for i in range(101, 111))')" \
    True "the two batches committed before stay stored"
kw=""
for u in 1 10 11; do
	kw="$kw $(imap_keywords Big $u | grep -c '^\$helpq$')"
done
is "$kw" " 1 1 0" "their messages got keywords, the rest none yet"
out=$(hb poll 2>&1); rc=$?
is "$rc" 0 "the next poll succeeds"
like "$out" "^13 messages: 13 new tickets" "it goes on where the last one stopped"
is "$(hb tickets --json | json 'sum(t["messages"] for t in j)')" 23 \
    "every message once: none lost, none twice"
n=0
for u in $(seq 1 23); do
	imap_keywords Big $u | grep -q '^\$helpq$' && n=$((n + 1))
done
is "$n" 23 "and every message has its keyword"

# ---- helpq dies on a message: the next runs find it ---------------------
# Died twice in a row: once in its batch, once on it alone; the third run
# sets it aside and goes on.
crashruns() {	# crashruns NAME CMD...: three runs with message 2 of 3 fatal
	name=$1
	shift
	HELPQ_FAULT=crash:p202@ "$@" >/dev/null 2>&1; r1=$?
	HELPQ_FAULT=crash:p202@ "$@" >/dev/null 2>&1; r2=$?
	HELPQ_FAULT=crash:p202@ "$@" >/dev/null 2>"$T/err3"; r3=$?
	ok_rc $((r1 > 128 && r2 > 128 ? 0 : 1)) "$name: the first two runs die of the signal ($r1, $r2)"
	is "$r3" 0 "$name: the third run succeeds"
}
for i in 201 202 203; do mkmsg "$T/m/$i.eml" $i; done
imap_create Crash
imap_seed Crash "$T/m/201.eml" "$T/m/202.eml" "$T/m/203.eml"
sed -e "s|^database = .*|database = $T/crash.db|" "$T/c" > "$T/cc"
printf 'folders = Crash\n' >> "$T/cc"
hc() { "$HELPQ" --config "$T/cc" "$@"; }
crashruns IMAP hc poll
is "$(hc failed --json | json '[(f["uid"], f["reason"]) for f in j]')" \
    '[[2, "helpq died while processing it (twice)"]]' \
    "IMAP: the message helpq died on is set aside"
is "$(hc tickets --json | json 'sorted(t["subject"] for t in j)')" \
    '["Frage 201", "Frage 203"]' "IMAP: the others are tickets"
mkmsg "$T/m/204.eml" 204
imap_seed Crash "$T/m/204.eml"
out=$(HELPQ_FAULT=crash:p202@ hc poll 2>&1); rc=$?
is "$rc" 0 "IMAP: the next poll succeeds"
like "$out" "^1 message: 1 new ticket," "IMAP: and later mail keeps flowing"

mkdir -p "$T/cm/cur" "$T/cm/tmp" "$T/cm/new"
cp "$T/m/201.eml" "$T/m/202.eml" "$T/m/203.eml" "$T/cm/new/"
hm() { "$HELPQ" --db "$T/cm.db" "$@"; }
crashruns Maildir hm import "$T/cm"
is "$(hm failed --json | json '[f["reason"] for f in j]')" \
    '["helpq died while processing it (twice)"]' \
    "Maildir: the message helpq died on is set aside"
is "$(hm tickets --json | json 'len(j)')" 2 "Maildir: the others are tickets"

hs() { "$HELPQ" --db "$T/cs.db" import - < "$T/m/202.eml"; }
crashruns stdin hs
is "$("$HELPQ" --db "$T/cs.db" failed --json | json '[f["reason"] for f in j]')" \
    '["helpq died while processing it (twice)"]' \
    "stdin: the third delivery sets the message aside (and exits 0)"

done_testing
