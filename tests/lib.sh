# helpq - tests/lib.sh: TAP helpers for the shell tests (sourced).
# Every test gets its own temporary directory, removed at exit.
set -u
T=$(mktemp -d "${TMPDIR:-/tmp}/helpq-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
: "${HELPQ:?HELPQ must name the helpq binary (make check sets it)}"
: "${TOP_SRCDIR:?}"
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
_n=0
_failed=0

ok_rc() {	# ok_rc STATUS NAME: passes when STATUS is 0 (an exit status)
	_n=$((_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_n - $2"
	else
		echo "not ok $_n - $2"
		_failed=$((_failed + 1))
	fi
}

is() {	# is GOT WANT NAME
	_n=$((_n + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $_n - $3"
	else
		echo "not ok $_n - $3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
		_failed=$((_failed + 1))
	fi
}

like() {	# like TEXT EXTENDED-REGEX NAME
	_n=$((_n + 1))
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		echo "ok $_n - $3"
	else
		echo "not ok $_n - $3"
		printf '%s\n' "$1" | head -20 | sed 's/^/#   /'
		_failed=$((_failed + 1))
	fi
}

diag() { printf '# %s\n' "$*"; }

# skip N REASON: N checks this machine cannot make (TAP's SKIP).
skip() {
	local i=0
	while [ "$i" -lt "$1" ]; do
		_n=$((_n + 1))
		echo "ok $_n # SKIP $2"
		i=$((i + 1))
	done
}

done_testing() {
	echo "1..$_n"
	[ "$_failed" -eq 0 ]
}

# json FILTER: evaluate a Python expression over the JSON on stdin (as j).
json() {
	"$PY" -c 'import json,sys; j=json.load(sys.stdin); r=eval(sys.argv[1]); print(r if not isinstance(r,(list,dict)) else json.dumps(r,ensure_ascii=False))' "$1"
}

SAMPLE=$TOP_SRCDIR/contrib/sample

# mail_at AT FROM ID TEXT [IN-REPLY-TO]: FROM's message <ID@example.net>
# dated AT, imported from standard input with the caller's at (which
# runs helpq with HELPQ_NOW=AT). IN-REPLY-TO is a Message-ID in angle
# brackets, or the ID of one of these.
mail_at() {
	{
		printf 'From: %s\nTo: support@example.com\nSubject: Question %s\n' "$2" "$3"
		printf 'Date: %s\nMessage-ID: <%s@example.net>\n' "$(date -u -R -d "$1")" "$3"
		case ${5:-} in
		'') ;;
		'<'*) printf 'In-Reply-To: %s\n' "$5" ;;
		*) printf 'In-Reply-To: <%s@example.net>\n' "$5" ;;
		esac
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n%s\n' "$4"
	} > "$T/$3"
	at "$1" -q import - < "$T/$3"
}
