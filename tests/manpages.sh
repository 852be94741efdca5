#!/bin/sh
# helpq - manpages.sh: every configuration key and every command is
# documented in the man pages, and every JSON field helpq prints is listed.
. "$TOP_SRCDIR/tests/lib.sh"

keys=$(sed -n 's/^	{ "\([a-z]*\)",	*"\([a-z-]*\)",.*/\1 \2/p' "$TOP_SRCDIR/src/config.c")
[ -n "$keys" ]; ok_rc $? "found the configuration keyword table"
echo "$keys" | while read -r section key; do
	# A section of named instances is headed [section "NAME"].
	{ grep -q "^\.Ss \[$section\]" "$TOP_SRCDIR/man/helpq.conf.5" ||
	    grep -qF ".Ss [$section \\(dqNAME\\(dq]" \
	    "$TOP_SRCDIR/man/helpq.conf.5"; } &&
	    grep -q "^\.It Cm $key " "$TOP_SRCDIR/man/helpq.conf.5"
	echo $? > "$T/rc"
	[ "$(cat "$T/rc")" = 0 ] && echo "ok - [$section] $key in helpq.conf(5)" ||
	    echo "not ok - [$section] $key in helpq.conf(5)"
done > "$T/out"
while read -r r rest; do
	case $r in ok) ok_rc 0 "${rest#- }" ;; *) ok_rc 1 "${rest#ok - }" ;; esac
done < "$T/out"

cmds=$(sed -n 's/^	{ "\([a-z]*\)", cmd_.*/\1/p' "$TOP_SRCDIR/src/main.c")
for c in $cmds; do
	grep -q "^\.It Cm $c\b" "$TOP_SRCDIR/man/helpq.1"
	ok_rc $? "command $c in helpq(1)"
done

# Every keyword of the rule language is in helpq.rules(5): in the
# grammar, and in the text.
kws=$(sed -n '/^const char \*const rules_keywords/,/^};/p' \
    "$TOP_SRCDIR/src/rules_parse.c" | grep -o '"[a-z-]*"' | tr -d '"')
[ -n "$kws" ]; ok_rc $? "found the rule keyword table"
for k in $kws; do
	grep -q "\"$k\"" "$TOP_SRCDIR/man/helpq.rules.5" &&
	    grep -Eq "(^\.| )Cm $k( |$)" "$TOP_SRCDIR/man/helpq.rules.5"
	ok_rc $? "rule keyword $k in helpq.rules(5)"
done

# JSON fields: the ones helpq prints must be named in helpq(1).
: > "$T/none.rules"
printf '[helpq]\naddress = support@example.com\n[rules]\npath = %s\n' \
    "$T/none.rules" > "$T/c.conf"
"$HELPQ" -q -c "$T/c.conf" --db "$T/h.db" import "$SAMPLE/Maildir"
fields=$( { "$HELPQ" -c "$T/c.conf" --db "$T/h.db" tickets --json;
	"$HELPQ" -c "$T/c.conf" --db "$T/h.db" show --json 1;
	"$HELPQ" -c "$T/c.conf" --db "$T/h.db" search --json rechnung; } |
	grep -o '^ *"[a-z_]*":' | tr -d ' ":' | sort -u)
for f in $fields; do
	grep -q "Li .*\b$f\b" "$TOP_SRCDIR/man/helpq.1"
	ok_rc $? "JSON field $f documented in helpq(1)"
done

done_testing
