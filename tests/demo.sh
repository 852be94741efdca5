#!/bin/sh
# helpq - tests/demo.sh: contrib/demo, the README's first command, run
# twice as a new user would: it shows the README's output both times,
# and leaves no server running and no file behind.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/servers.sh"
servers_need dovecot smtp

# The demo's own temporary directory goes here; Dovecot's mail user
# (nobody, when root runs the tests) must reach it.
mkdir "$T/tmp"
chmod 755 "$T" "$T/tmp"
demo() {	# demo OUT: rc
	TMPDIR=$T/tmp HELPQ_DEMO_TRACE=$T/trace HELPQ=$HELPQ \
	    sh "$TOP_SRCDIR/contrib/demo" >"$1" 2>"$1.err"
}

# A process of the demo still there: the pid, or a process in its
# session (Dovecot's children), or a listener on one of its ports.
left() {	# left PID PORT...: prints what is left
	local pid=$1 port
	shift
	_srv_gone "$pid" || echo "process $pid"
	ps -o pid=,stat= -s "$pid" 2>/dev/null | grep -v ' Z' | sed 's/^/session: /'
	for port; do
		_srv_listening "$port" && echo "port $port"
	done
	return 0
}

demo "$T/out1"
ok_rc $? "the demo runs"
[ -s "$T/out1.err" ] && sed 's/^/#   /' "$T/out1.err"
demo "$T/out2"
ok_rc $? "and runs again"
is "$(cat "$T/out2.err")" "" "with nothing on standard error"
is "$(cmp "$T/out1" "$T/out2" && echo same)" same "the same output both times"

# Both runs' servers: "DOVECOT IMAP IMAPS SMTP SMTPPORT" a line.
is "$(wc -l <"$T/trace" | tr -d ' ')" 2 "two runs started their servers"
still=$(while read -r dpid iport sport spid port; do
	left "$dpid" "$iport" "$sport"
	left "$spid" "$port"
done <"$T/trace")
is "$still" "" "no Dovecot, no SMTP sink, nothing listening is left"
is "$(ls -A "$T/tmp")" "" "and no file is left"

out=$(cat "$T/out1")
like "$out" "Jürgen Müller: Rechnung für Bestellung 4711" \
    "the sample's German customer arrives"
like "$out" "Anna Schmidt: AW: .*
 +-> threaded" "the agent's answer in Sent joins the ticket"
like "$out" "Max Weber: Abwesenheitsnotiz.*
 +-> ignored \(an auto-reply\)" "the auto-reply is not answered"
is "$(printf '%s\n' "$out" | grep -c '^  [^ ].*@.* de  Wir haben Ihre Anfrage erhalten')" 2 \
    "two German acknowledgements"
is "$(printf '%s\n' "$out" | grep -c '^  eleni@example.gr  *el  Λάβαμε το αίτημά σας \[#2\]')" 1 \
    "one Greek"
is "$(printf '%s\n' "$out" | grep -c '^  [^ ]*  *en  We have received your request')" 3 \
    "three English"
like "$out" "lead@example.com +en  Overdue: ticket 1" \
    "the manager hears of the overdue ticket"
like "$out" "^     1  next .* warned,breached +billing" "helpq sla shows it"

# The README shows the demo's output as it is: its indented block that
# starts with the demo's first line, to the first line not indented.
"$PY" - "$TOP_SRCDIR/README" "$T/readme" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
first = "    Dovecot (IMAP over TLS) and an SMTP sink run on 127.0.0.1. The sample"
out = []
if first in lines:
    for l in lines[lines.index(first):]:
        if l and not l.startswith("    "):
            break
        out.append(l[4:])
while out and not out[-1]:
    out.pop()
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(out) + "\n")
PY
is "$(diff "$T/readme" "$T/out1" && echo same)" same \
    "the README shows what the demo prints"

done_testing
