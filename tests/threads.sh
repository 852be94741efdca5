#!/bin/sh
# helpq - threads.sh: real threads from the corpus land in one ticket each;
# unrelated messages with the same subject from different people do not.
. "$TOP_SRCDIR/tests/lib.sh"

if [ -z "${HELPQ_CORPUS:-}" ] || [ ! -d "$HELPQ_CORPUS/threads" ]; then
	echo "1..0 # SKIP corpus not found (configure --with-corpus=DIR)"
	exit 0
fi

printf '[helpq]\naddress = support@example.com\n' > "$T/helpq.conf"

for folder in linux-mips notmuch-lkml notmuch-threading notmuch-default \
    spamassassin-easy-ham; do
	src=$HELPQ_CORPUS/threads/$folder
	DB=$T/$folder.db
	# Arrival order is Date order: link the files into a Maildir so.
	"$PY" "$TOP_SRCDIR/tests/corpus-threads.py" prepare "$src" "$T/$folder"
	"$HELPQ" -q -c "$T/helpq.conf" --db "$DB" import "$T/$folder/Maildir"
	rc=$?
	is "$rc" 0 "$folder: import exits 0 (nothing failed)"
	"$HELPQ" -c "$T/helpq.conf" --db "$DB" tickets --json > "$T/tickets.json"
	"$PY" -c 'import json,sys; [print(t["number"]) for t in json.load(open(sys.argv[1]))]' \
	    "$T/tickets.json" | while read -r n; do
		"$HELPQ" -c "$T/helpq.conf" --db "$DB" show --json "$n"
	done > "$T/$folder/shows.json"
	"$PY" "$TOP_SRCDIR/tests/corpus-threads.py" check "$T/$folder" \
	    "$T/$folder/shows.json" "$folder" > "$T/out"
	while IFS= read -r line; do
		case $line in
		ok*) ok 0 "${line#ok }" ;;
		"not ok"*) ok 1 "${line#not ok }" ;;
		*) echo "$line" ;;
		esac
	done < "$T/out"
done

done_testing
