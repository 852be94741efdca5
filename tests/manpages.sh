#!/bin/sh
# helpq - manpages.sh: every configuration key and every command is
# documented in the man pages, and every JSON field helpq prints is listed.
. "$TOP_SRCDIR/tests/lib.sh"

keys=$(sed -n 's/^	{ "\([a-z]*\)",	*"\([a-z-]*\)",.*/\1 \2/p' "$TOP_SRCDIR/src/config.c")
[ -n "$keys" ]; ok_rc $? "found the configuration keyword table"
echo "$keys" | while read -r section key; do
	# A section of named instances is headed [section "NAME"].
	{ grep -q "^\.Ss \[$section\]" "$TOP_BUILDDIR/man/helpq.conf.5" ||
	    grep -qF ".Ss [$section \\(dqNAME\\(dq]" \
	    "$TOP_BUILDDIR/man/helpq.conf.5"; } &&
	    grep -q "^\.It Cm $key " "$TOP_BUILDDIR/man/helpq.conf.5"
	echo $? > "$T/rc"
	[ "$(cat "$T/rc")" = 0 ] && echo "ok - [$section] $key in helpq.conf(5)" ||
	    echo "not ok - [$section] $key in helpq.conf(5)"
done > "$T/out"
while read -r r rest; do
	case $r in ok) ok_rc 0 "${rest#- }" ;; *) ok_rc 1 "${rest#ok - }" ;; esac
done < "$T/out"

# The commands and their options, from the tables helpq parses with.
# Each option is named in its command's item (from ".It Cm command" to
# the next ".It Cm"), each global one in the list of global options.
M=$TOP_BUILDDIR/man/helpq.1
item() {	# item COMMAND...: the text of that command's item in helpq(1)
	awk -v c="$*" '
	    /^\.It Cm / { r = substr($0, 8); on = (r == c || index(r, c " ") == 1) }
	    /^\.(El|Sh)/ { on = 0 }
	    on' "$M"
}
cmds=$("$HELPQ" help --complete | grep -v '^-')
[ -n "$cmds" ]; ok_rc $? "helpq help --complete lists the commands"
globals=$("$HELPQ" help --complete | sed -n 's/^--\([^ ]*\).*/\1/p')
[ -n "$globals" ]; ok_rc $? "helpq help --complete lists the global options"
for o in $globals; do
	awk '/^The global options/,/^\.El/' "$M" | grep -Eq "^\.It .*Fl -$o( |$)"
	ok_rc $? "global option --$o in helpq(1)"
done
for c in $cmds; do
	subs=$("$HELPQ" help --complete "$c" | grep -v '^[-@]')
	[ -n "$subs" ] || subs=-
	for s in $subs; do
		words=$c
		[ "$s" = - ] || words="$c $s"
		text=$(item $words)
		[ -n "$text" ]; ok_rc $? "command $words in helpq(1)"
		"$HELPQ" help --complete $words | sed -n 's/^--\([^ ]*\).*/\1/p' |
		    while read -r o; do
			if echo "$globals" | grep -qx -- "$o"; then
				echo global
			elif printf '%s\n' "$text" |
			    grep -Eq "Fl (.* )?-$o( |$)"; then
				echo ok
			else
				echo "missing --$o"
			fi
		done > "$T/opts"
		! grep -q missing "$T/opts"
		ok_rc $? "every option of $words in helpq(1)$(grep missing "$T/opts" | tr '\n' ' ' | sed 's/^./: &/')"
	done
done

# Every keyword of the rule language is in helpq.rules(5): in the
# grammar, and in the text.
kws=$(sed -n '/^const char \*const rules_keywords/,/^};/p' \
    "$TOP_SRCDIR/src/rules_parse.c" | grep -o '"[a-z-]*"' | tr -d '"')
[ -n "$kws" ]; ok_rc $? "found the rule keyword table"
for k in $kws; do
	grep -q "\"$k\"" "$TOP_BUILDDIR/man/helpq.rules.5" &&
	    grep -Eq "(^\.| )Cm $k( |$)" "$TOP_BUILDDIR/man/helpq.rules.5"
	ok_rc $? "rule keyword $k in helpq.rules(5)"
done

# JSON fields: the ones helpq prints must be named in helpq(1).
: > "$T/none.rules"
printf '[helpq]\naddress = support@example.com\n[rules]\npath = %s\n' \
    "$T/none.rules" > "$T/c.conf"
"$HELPQ" -q -c "$T/c.conf" --db "$T/h.db" import "$SAMPLE/Maildir"
fields=$( { "$HELPQ" -c "$T/c.conf" --db "$T/h.db" tickets --json;
	"$HELPQ" -c "$T/c.conf" --db "$T/h.db" show --json 1;
	"$HELPQ" -c "$T/c.conf" --db "$T/h.db" search --json rechnung;
	"$HELPQ" -c "$T/c.conf" --db "$T/h.db" sla --json;
	"$HELPQ" -c "$T/c.conf" --db "$T/h.db" sla explain --json 1;
	"$HELPQ" -c "$T/c.conf" --db "$T/h.db" report --json \
	    --since 2026-11-01 --until 2026-12-01; } |
	grep -o '^ *"[a-z_]*":' | tr -d ' ":' | sort -u)
for f in $fields; do
	grep -q "Li .*\b$f\b" "$TOP_BUILDDIR/man/helpq.1"
	ok_rc $? "JSON field $f documented in helpq(1)"
done

# The pages as groff reads them: no warning (-ww), UTF-8 in (-k); and
# what mdoc would take for macros (%A of a date format) is text. With
# the paths of a Debian install: a long --prefix (distcheck's) makes
# paths no line can hold, which says nothing about the page.
for p in helpq.1 helpq.conf.5 helpq.rules.5; do
	sed -e 's|@bindir@|/usr/bin|g' -e 's|@sysconfdir@|/etc|g' \
	    -e 's|@localstatedir@|/var|g' -e 's|@pkgdatadir@|/usr/share/helpq|g' \
	    -e 's|@docdir@|/usr/share/doc/helpq|g' \
	    -e 's|@bashcompletiondir@|/usr/share/bash-completion/completions|g' \
	    "$TOP_SRCDIR/man/$p.in" >"$T/$p"
	w=$(groff -k -ww -mandoc -Tutf8 -z "$T/$p" 2>&1)
	is "$w" "" "groff -ww reads $p without a warning"
done
page=$(groff -k -mandoc -Tutf8 -P-bcu "$TOP_BUILDDIR/man/helpq.conf.5" 2>/dev/null)
like "$page" 'The date format knows %A and %a' "helpq.conf(5) shows %A and %a"
like "$page" '%B and %b' "and %B and %b"

done_testing
