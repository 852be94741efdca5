#!/bin/sh
# helpq - cases.sh [CASE...]: the data-driven cases in tests/cases, one
# TAP line each (tests/cases/README); cases.py does the work. Then a check
# of the runner itself: a case that must fail does.
. "$TOP_SRCDIR/tests/lib.sh"

# cases DIR TMP [CASE...]: run the cases in DIR, a TAP line for each.
cases() {
	"$PY" "$TOP_SRCDIR/tests/cases.py" "$HELPQ" "$@" > "$T/out"
	while IFS= read -r line; do
		case $line in
		"ok "*) ok_rc 0 "${line#ok }" ;;
		"not ok "*) ok_rc 1 "${line#not ok }" ;;
		*) echo "$line" ;;
		esac
	done < "$T/out"
}

mkdir "$T/run"
cases "$TOP_SRCDIR/tests/cases" "$T/run" "$@"

if [ $# = 0 ]; then
	# A wrong value, a line that cannot be read and a helpq command that
	# fails: each is reported, and the case fails.
	mkdir -p "$T/self/0001-wrong" "$T/selfrun"
	printf 'From: a@example.net\nTo: support@example.com\nSubject: one\nMessage-ID: <self-1@example.net>\n\nhello\n' \
	    > "$T/self/0001-wrong/1.eml"
	printf '# right, then wrong\ntickets.length = 1\nshow[1].ticket.subject = "two"\nshow[1].ticket.subject == "one"\nshow[2].ticket ~ /x/\n' \
	    > "$T/self/0001-wrong/expect"
	"$PY" "$TOP_SRCDIR/tests/cases.py" "$HELPQ" "$T/self" "$T/selfrun" \
	    > "$T/self.out"
	is "$?" 1 "a failing case: cases.py exits 1"
	out=$(cat "$T/self.out")
	is "$(printf '%s\n' "$out" | grep -c '^not ok 0001-wrong$')" 1 \
	    "a wrong expectation fails its case"
	like "$out" '#   expect:3: show\[1\]\.ticket\.subject = "two"' \
	    "the failure names the expect line"
	like "$out" '#   got:  "one"' "and shows what helpq gave"
	like "$out" '#   want: = "two"' "and what was wanted"
	like "$out" 'cannot read this line: the value is not JSON' \
	    "a line that cannot be read is an error"
	like "$out" 'helpq show --json 2: exit status 65' "a failing helpq command is an error"
	is "$(printf '%s\n' "$out" | grep -c 'expect:2:')" 0 "expectations that hold are not reported"
fi

done_testing
