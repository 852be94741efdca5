#!/bin/sh
# helpq - cli.sh: the command line as people type it: options after the
# operands of every command (each driven against a real database, Dovecot
# and SMTP sink), "--", tags that begin with "-", the global options after
# the command, help for every command and option, one-line usage errors
# with status 64, and the bash completion.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/servers.sh"
servers_need dovecot smtp

desk_up
hq() { "$HELPQ" --config "$T/c" "$@"; }
MSG=$(ls "$SAMPLE"/Maildir/cur/* | head -n 1)

# ---- every command with its options after its operands ----

out=$(hq import "$SAMPLE/Maildir" --json); rc=$?
is "$rc" 0 "import PATH --json"
is "$(echo "$out" | json 'j["messages"]')" 10 "the summary is JSON"
num=$(hq tickets --json | json 'j[0]["number"]')

a=$(hq tickets --open --json); b=$(hq tickets --json --open)
is "$a" "$b" "tickets --open --json is tickets --json --open"
is "$(echo "$a" | json 'all(t["status"] != "closed" for t in j)')" True \
    "and is JSON of open tickets"
is "$(hq show "$num" --json | json 'j["ticket"]["number"]')" "$num" \
    "show N --json"
# One instant for both: what is left of a clock is counted from now.
HELPQ_NOW=$(date -u +%s); export HELPQ_NOW
is "$(hq show "$num" --json)" "$(hq show --json "$num")" \
    "show N --json is show --json N"
unset HELPQ_NOW
is "$(hq search Lieferung --limit 1 --json | json 'len(j) <= 1')" True \
    "search WORD --limit 1 --json"
hq close "$num" -q; rc=$?
is "$rc" 0 "close N -q"
is "$(hq show "$num" --json | json 'j["ticket"]["status"]')" closed \
    "closed"
hq reopen "$num" --quiet; rc=$?
is "$rc" 0 "reopen N --quiet"
is "$(hq show "$num" --json | json 'j["ticket"]["status"]')" open \
    "reopened"
is "$(hq failed --json -q)" "[]" "failed --json -q"
hq retry 999 -q 2>/dev/null; rc=$?
is "$rc" 65 "retry ID -q: read, and there is no failed message 999"
is "$(hq outbox --limit 5 --json | json 'isinstance(j, list)')" True \
    "outbox --limit 5 --json"
out=$(hq rules test "$MSG" --explain --json); rc=$?
is "$rc" 0 "rules test MESSAGE --explain --json"
is "$(echo "$out" | json '"rules" in j[0] and "verdict" in j[0]')" True \
    "explained, as JSON"
is "$(hq rules check "$TOP_SRCDIR/rules" -q)" "" "rules check PATH -q"
is "$(hq check -q | wc -l)" 1 "check -q"

NOW=$(date -R)
printf 'From: Kunde <kunde@example.net>\nTo: support@example.com\nSubject: Frage zur Lieferung\nDate: %s\nMessage-ID: <cli1@example.net>\n\nWann kommt sie?\n' \
    "$NOW" > "$T/m1"
hq poll -q; is $? 0 "poll -q (first contact)"
imap_seed INBOX "$T/m1"
out=$(hq poll --dry-run --json); rc=$?
is "$rc" 0 "poll --dry-run --json"
is "$(echo "$out" | json '[m["result"] for m in j]')" '["new ticket"]' \
    "the dry run lists the new message"
hq poll --verbose 2>/dev/null; is $? 0 "poll --verbose"
new=$(hq tickets --json | json '[t["number"] for t in j if t["customer"]=="kunde@example.net"][0]')
echo "Sie kommt morgen." | hq reply "$new" --close --agent zoe > /dev/null
is $? 0 "reply N --close --agent NAME"
is "$(hq show "$new" --json | json 'j["ticket"]["status"]')" closed \
    "the reply closed the ticket"
like "$(hq show "$new" --json | json '[e["detail"] for e in j["events"]]')" \
    zoe "the agent is named in the events"
is "$(hq send --json | json 'sorted(j)')" \
    '["copied", "deferred", "failed", "sent"]' "send --json"
"$HELPQ" --config "$T/c" run -v 2> "$T/run.log" & runpid=$!
_srv_wait 10 grep -q watching "$T/run.log"
ok_rc $? "run -v: the global option after the command"
kill -TERM "$runpid"
wait "$runpid"; is $? 0 "and SIGTERM ends it"

# ---- "--" ends the options ----

cp "$MSG" "$T/-dash.eml"
(cd "$T" && hq import -dash.eml 2>/dev/null); rc=$?
is "$rc" 64 "without --, -dash.eml is options"
out=$(cd "$T" && hq import --json -- -dash.eml); rc=$?
is "$rc" 0 "after --, -dash.eml is a file"
is "$(echo "$out" | json 'j["duplicates"]')" 1 "(read, and known already)"

# ---- tag: words after the ticket number that begin with - are tags ----

tags() { hq show "$num" --json | json '" ".join(sorted(j["ticket"]["tags"]))'; }
hq tag "$num" +alpha +beta +gamma +q; is $? 0 "tag N +a +b +c +q"
like " $(tags) " ' alpha beta gamma q ' "four tags"
hq tag "$num" -alpha -q; is $? 0 "tag N -alpha -q"
like " $(tags) " ' beta gamma $' \
    "-alpha and -q removed: after the ticket number -q is a tag"
hq tag "$num" +q
hq tag "$num" --quiet -q; is $? 0 "but --quiet is the option"
like " $(tags) " ' beta gamma $' "and -q removed again"
hq tag "$num" -- -beta; is $? 0 "tag N -- -beta"
like " $(tags) " '^ gamma' "-beta removed after --"
hq tag -q "$num" +delta; is $? 0 "tag -q N +delta: before the ticket an option"
like " $(tags) " ' delta ' "+delta added"

# ---- the global options after the command ----

hq show "$num" --db "$T/none.db" 2>/dev/null; rc=$?
is "$rc" 66 "show N --db FILE: that database (there is none)"
is "$(hq show "$num" -d "$T/h.db" --json | json 'j["ticket"]["number"]')" \
    "$num" "show N -d FILE"
printf '[helpq]\ndatabase = %s\n' "$T/other.db" > "$T/c2"
"$HELPQ" tickets --json -c "$T/c2" 2>/dev/null; rc=$?
is "$rc" 66 "tickets --json -c FILE: that configuration"
is "$("$HELPQ" tickets --config="$T/c" --json | json 'len(j) > 0')" True \
    "tickets --config=FILE --json"
is "$(hq import "$T/m1" -q)" "" "import PATH -q: no summary"
like "$(hq show 1 --version)" '^helpq [0-9]' "show 1 --version: the version"

# ---- help ----

hq --help > "$T/help"; is $? 0 "helpq --help exits 0"
is "$(hq help)" "$(cat "$T/help")" "helpq help is helpq --help"
# The tables from the source: each command's options and the globals.
"$PY" - "$TOP_SRCDIR/src" > "$T/tables" <<'EOF'
import glob, re, sys
tables, cmds = {}, []
for f in sorted(glob.glob(sys.argv[1] + "/*.c")):
    s = open(f).read()
    for name, body in re.findall(r'struct args_opt (\w+)\[\] = \{(.*?)\n\};', s, re.S):
        tables[name] = re.findall(r'\{ "([a-z-]+)",', body)
    for c, sub, t in re.findall(r'struct command \w+ = \{\s*"(\w+)", (NULL|"\w+"), \w+, (\w+),', s):
        cmds.append((c + ("" if sub == "NULL" else " " + sub.strip('"')), t))
print("GLOBAL " + " ".join(tables["global_opts"]))
for c, t in cmds:
    print(c.replace(" ", "/") + " " + " ".join(tables[t]))
EOF
ncmds=$(grep -c '^[[:space:]]*&cmd_' "$TOP_SRCDIR/src/main.c")
is "$(wc -l < "$T/tables")" "$((ncmds + 1))" \
    "the tables of every command in main.c's list, and the globals"
grep -v '^GLOBAL' "$T/tables" | while read -r c opts; do
	words=$(echo "$c" | tr / ' ')
	h=$(hq help $words); r1=$?
	h2=$(hq $words --help); r2=$?
	h3=$(hq $words -h); r3=$?
	miss=
	for o in $opts; do
		printf '%s\n' "$h" | grep -q -- "--$o\b" || miss="$miss --$o"
	done
	echo "$r1 $r2 $r3 [$([ "$h" = "$h2" ] && [ "$h" = "$h3" ] && echo same)] $words:$miss"
	printf '%s\n' "$h" | head -n 1 | grep -q "^usage: helpq $words" ||
	    echo "$words: no synopsis"
	printf '%s\n' "$h" | awk 'length > 79 { print "long: " $0 }'
done > "$T/helps"
is "$(grep -vc '^0 0 0 \[same\] [a-z ]*:$' "$T/helps")" 0 \
    "help CMD, CMD --help and CMD -h: exit 0, the same, every option listed"
grep -v '^0 0 0 \[same\] [a-z ]*:$' "$T/helps" | sed 's/^/# /'
for o in $(grep '^GLOBAL' "$T/tables" | cut -d' ' -f2-); do
	grep -q -- "--$o\b" "$T/help"; ok_rc $? "helpq --help lists --$o"
done
grep -v '^GLOBAL' "$T/tables" | cut -d' ' -f1 | tr / ' ' | while read -r c; do
	grep -Eq "^  $c  +[A-Z]" "$T/help" || echo "$c"
done > "$T/missing"
is "$(cat "$T/missing")" "" "helpq --help lists each command with its purpose"
is "$(hq help rules | grep -c '^usage: helpq rules')" 2 \
    "helpq help rules: both rules commands"
hq help bogus 2>/dev/null; is $? 64 "help for no such command: 64"
printf '[helpq\nbroken\n' > "$T/broken.conf"
"$HELPQ" -c "$T/broken.conf" tickets 2>/dev/null; is $? 78 \
    "a broken configuration stops a command"
is "$("$HELPQ" -c "$T/broken.conf" help show)" "$(hq help show)" \
    "but not help, which reads none"
is "$("$HELPQ" -c "$T/broken.conf" help --complete show | tail -n 1)" \
    @ticket "nor the completion's questions"

# ---- usage errors: one line, the synopsis, status 64 ----

usage() {	# usage LINE ARGS...: stderr is LINE and the synopsis, exit 64
	want=$1; shift
	hq "$@" > "$T/uo" 2> "$T/ue"; rc=$?
	is "$rc $(wc -c < "$T/uo")" "64 0" "helpq $*: 64, nothing on stdout"
	is "$(head -n 1 "$T/ue")" "$want" "helpq $*: one line on what was wrong"
	# The synopsis: one line, and lines that continue it.
	like "$(sed -n 2p "$T/ue")" '^usage: helpq ' "helpq $*: then the usage"
	is "$(tail -n +3 "$T/ue" | grep -vc '^   ')" 0 "helpq $*: and no more"
}
usage "helpq show: 'abc' is not a ticket number" show abc
usage "helpq show: missing N" show
usage "helpq show: unexpected '2'" show 1 2
usage "helpq show: unknown option '--bogus'" show 1 --bogus
usage "helpq close: 'x' is not a ticket number" close 1 x
usage "helpq retry: 'abc' is not a failed message number" retry abc
usage "helpq search: option '--limit' needs an argument (N)" search x --limit
usage "helpq tickets: unknown status 'x' (new, open, waiting, closed)" \
    tickets --status x
usage "helpq tickets: option '--json' takes no argument" tickets --json=1
usage "helpq outbox: --status x: expected queued, sent or failed" \
    outbox --status x
usage "helpq import: --batch 0: expected 1 to 100000" import x --batch 0
usage "helpq tag: 'bad tag': expected +TAG or -TAG (no blanks or commas)" \
    tag 1 'bad tag'
usage "helpq check: unexpected 'x'" check x
usage "helpq: unknown command 'bogus'" bogus
usage "helpq: unknown command 'rules bogus' (helpq help rules lists them)" \
    rules bogus
usage "helpq: no command given"
usage "helpq: unknown option '--bogus'" --bogus show 1

# ---- the bash completion ----

COMP=$TOP_SRCDIR/contrib/bash-completion/helpq
comp() {	# comp WORD...: what completing the last word offers
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
	    _helpq; printf "%s\n" "${COMPREPLY[@]}" | sort' \
	    - "$COMP" "$HELPQ" "$@" | tr '\n' ' ' | sed 's/ $//'
}
is "$(comp sh)" show "a command"
ncmd=$(grep -v '^GLOBAL' "$T/tables" | cut -d' ' -f1 | sed 's|/.*||' | sort -u | wc -l)
is "$(comp "" | wc -w)" "$ncmd" "every command, nothing else"
is "$(comp --conf)" --config "a global option"
is "$(comp show --j)" --json "a command's option"
is "$(comp tickets --open --)" "$(hq help --complete tickets |
    sed -n 's/^\(--[^ ]*\).*/\1/p' | sort | tr '\n' ' ' | sed 's/ $//')" \
    "every option of tickets, the global ones too"
is "$(comp rules "")" "check test" "the rules commands"
is "$(comp rules test "$MSG" --ex)" --explain "rules test's options"
nums=$(hq tickets --json | json '" ".join(sorted(str(t["number"]) for t in j))')
is "$(comp -c "$T/c" show "")" "$nums" "show: the tickets of -c FILE's database"
is "$(comp --db "$T/h.db" close "$num" "")" "$nums" \
    "close: more tickets, from --db FILE"
is "$(comp --db "$T/none.db" show "")" "" "no database: no numbers"
is "$(comp -c "$T/c" tag "$num" "")" "" "tag: one ticket only"
is "$(comp tag "$num" -al)" "" "tag N -...: a tag, no options"
is "$(comp tag "$num" --qu)" --quiet "tag N --...: an option"
mkdir "$T/dir"; : > "$T/dir/file.mbox"
is "$(comp import "$T/dir/fi")" "$T/dir/file.mbox" "import: files"
is "$(comp rules test --rules "$T/dir/f")" "$T/dir/file.mbox" \
    "an option's PATH: files"
is "$(comp tickets --status "")" "" "an option's other argument: nothing"
is "$(comp help tic)" "tick tickets" "help: a command"
is "$(comp help rules "")" "check test" "help rules: its commands"

done_testing
