#!/bin/sh
# helpq - threads.sh: real threads from the corpus land in one ticket each,
# in the order mail arrives and also reversed and shuffled (replies before
# their parents: ghosts and merges); unrelated messages with the same
# subject from different people do not.
. "$TOP_SRCDIR/tests/lib.sh"

if [ -z "${HELPQ_CORPUS:-}" ] || [ ! -d "$HELPQ_CORPUS/threads" ]; then
	echo "1..0 # SKIP corpus not found (configure --with-corpus=DIR)"
	exit 0
fi

# No rules: threading alone (the default rules would set list mail aside).
: > "$T/none.rules"
printf '[helpq]\naddress = support@example.com\n[rules]\npath = %s\n' \
    "$T/none.rules" > "$T/helpq.conf"

# In every order, every reply is in its parent's ticket, wherever the
# parent came, but on spamassassin-easy-ham: there a few replies and their
# parents name nobody in common (no To or Cc) and helpq does not merge
# the tickets of strangers, so it counts those as a "#" line.
for run in linux-mips:date:all notmuch-lkml:date:all \
    notmuch-threading:date:all notmuch-default:date:all \
    spamassassin-easy-ham:date: linux-mips:reversed:all \
    linux-mips:shuffled:all notmuch-lkml:reversed:all \
    notmuch-lkml:shuffled:all spamassassin-easy-ham:reversed: \
    spamassassin-easy-ham:shuffled:; do
	folder=${run%%:*}
	order=${run#*:}
	all=${order#*:}
	order=${order%%:*}
	src=$HELPQ_CORPUS/threads/$folder
	name=$folder
	[ "$order" = date ] || name="$folder ($order)"
	folder=$folder-$order
	DB=$T/$folder.db
	# Arrival order is Date order: copy the files into a Maildir so.
	"$PY" "$TOP_SRCDIR/tests/corpus-threads.py" prepare "$src" "$T/$folder" \
	    "$order"
	"$HELPQ" -q -c "$T/helpq.conf" --db "$DB" import "$T/$folder/Maildir"
	rc=$?
	is "$rc" 0 "$name: import exits 0 (nothing failed)"
	# The index thread copies messages out in chunks of 1,000: every
	# message is in the search index once, and upto names the last.
	is "$("$PY" -c 'import sqlite3,sys
db = sqlite3.connect(sys.argv[1]); ix = sqlite3.connect(sys.argv[1] + "-search")
m = db.execute("select count(*), max(id) from messages").fetchone()
i = ix.execute("select count(*), count(distinct id) from messages_fts_docsize").fetchone()
u = ix.execute("select upto from index_state").fetchone()[0]
print("same" if (m[0], m[0], m[1]) == (i[0], i[1], u) else (m, i, u))' "$DB")" same \
	    "$name: every message indexed once"
	# Which ticket holds each message, read from the database in one
	# process; helpq show --json of the largest tickets must agree with it.
	"$PY" "$TOP_SRCDIR/tests/corpus-threads.py" check "$T/$folder" "$DB" \
	    "$name" $all > "$T/out"
	is "$("$HELPQ" -c "$T/helpq.conf" --db "$DB" tickets --json | json 'len(j)')" \
	    "$("$PY" -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from tickets").fetchone()[0])' "$DB")" \
	    "$name: helpq tickets --json lists every ticket"
	"$PY" "$TOP_SRCDIR/tests/corpus-threads.py" largest "$DB" 10 |
	    while read -r n; do
		"$HELPQ" -c "$T/helpq.conf" --db "$DB" show --json "$n"
	    done > "$T/$folder/shows.json"
	"$PY" "$TOP_SRCDIR/tests/corpus-threads.py" agree "$DB" \
	    "$T/$folder/shows.json" "$name" >> "$T/out"
	while IFS= read -r line; do
		case $line in
		ok*) ok_rc 0 "${line#ok }" ;;
		"not ok"*) ok_rc 1 "${line#not ok }" ;;
		*) echo "$line" ;;
		esac
	done < "$T/out"
done

done_testing
