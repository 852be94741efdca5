#!/bin/sh
# helpq - tests/service.sh: helpq as systemd runs it, against real
# servers. What it tells systemd on NOTIFY_SOCKET (ready only after the
# first login, reloading, stopping, the status line, the watchdog), and
# what it logs: at the info level by default under journald (the stream
# systemd names in JOURNAL_STREAM) and under --syslog, one line per
# cycle and one per mail sent; nothing of it on a terminal.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/servers.sh"
servers_need dovecot smtp

desk_up
hq() { "$HELPQ" --config "$T/c" "$@"; }
mail() { desk_mail "$@"; }
hq -q poll

# listen.py SOCKET LOG: datagrams on a Unix socket, each written to LOG
# as one line with its newlines as "|" (sd_notify, journald, syslog).
cat >"$T/listen.py" <<'PY'
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
with open(sys.argv[2], "a") as log:
    while True:
        d = s.recv(65536).decode("utf-8", "replace")
        log.write(d.strip("\n").replace("\n", "|") + "\n")
        log.flush()
PY
listen() {	# listen SOCKET LOG: sets $lpid
	rm -f "$1"
	"$PY" "$T/listen.py" "$1" "$2" &
	lpid=$!
	_srv_wait 10 test -S "$1"
}

# ---- sd_notify -----------------------------------------------------------
if grep -q '^#define HAVE_LIBSYSTEMD 1' "$TOP_BUILDDIR/autoconf.h"; then
	listen "$T/notify" "$T/notify.log"
	NOTIFY_SOCKET=$T/notify WATCHDOG_USEC=2000000 \
	    "$HELPQ" --config "$T/c" run 2>"$T/run.log" & runpid=$!
	_srv_wait 10 grep -q '^READY=1' "$T/notify.log"
	ok_rc $? "helpq run tells systemd it is ready"
	is "$(head -1 "$T/notify.log")" "READY=1|STATUS=connected" \
	    "first of all, once logged in"
	mail "$T/m1" 1
	imap_append INBOX "$T/m1"
	_srv_wait 15 grep -q '^STATUS=1 message: 1 new ticket' "$T/notify.log"
	ok_rc $? "the status line says what the last cycle did"
	like "$(grep '^STATUS=1 message' "$T/notify.log")" \
	    '1 sent \(1 ack\)' "acknowledgement included"
	sleep 3
	is "$(grep -c '^WATCHDOG=1$' "$T/notify.log" | awk '$1 >= 2 { print "pinged" }')" \
	    pinged "the watchdog is pinged (WatchdogSec=2s: every second)"
	kill -HUP "$runpid"
	_srv_wait 10 grep -q '^READY=1|STATUS=reloaded' "$T/notify.log"
	ok_rc $? "SIGHUP: ready again after the reload"
	like "$(tr '\n' '~' <"$T/notify.log")" \
	    'RELOADING=1\|MONOTONIC_USEC=[0-9]+~(WATCHDOG=1~)*READY=1\|STATUS=reloaded' \
	    "announced as reloading first"
	kill -TERM "$runpid"
	wait "$runpid"
	is "$?" 0 "SIGTERM stops it cleanly"
	is "$(tail -1 "$T/notify.log")" "STOPPING=1" "saying it is stopping"

	# A login refused: never ready, and an exit status systemd does not
	# restart (RestartPreventExitStatus=77).
	: >"$T/notify.log"
	printf 'wrong\n' >"$T/pw2"
	sed "s|^password-file = .*|password-file = $T/pw2|" "$T/c" >"$T/c2"
	NOTIFY_SOCKET=$T/notify "$HELPQ" --config "$T/c2" run 2>"$T/run2.log"
	is "$?" 77 "a refused login ends helpq run with 77"
	is "$(grep -c READY "$T/notify.log")" 0 "without ever saying ready"
	kill "$lpid"
else
	diag "configured without libsystemd: helpq.service is Type=exec"
	like "$(cat "$TOP_BUILDDIR/contrib/systemd/helpq.service")" '^Type=exec$' \
	    "without libsystemd the unit does not wait for a notification"
fi

# ---- the log ---------------------------------------------------------------
# On a terminal a poll prints its summary and logs nothing more.
mail "$T/m2" 2
imap_append INBOX "$T/m2"
out=$(hq poll 2>"$T/err")
like "$out" '^1 message: 1 new ticket' "on a terminal the summary is printed"
is "$(cat "$T/err")" "" "and nothing is logged"

# journald's stream: stderr is the stream JOURNAL_STREAM names (with
# libsystemd and a journal socket the lines go there, with fields; this
# machine's journal, if any, is kept out of it by an empty /run).
journal_poll() {	# journal_poll OUT ERR [ARGS]: one poll under journald
	local out=$1 err=$2
	shift 2
	: >"$err"
	JOURNAL_STREAM=$(stat -c '%d:%i' "$err") "$HELPQ" --config "$T/c" \
	    "$@" poll >"$out" 2>>"$err"
}
mail "$T/m3" 3
imap_append INBOX "$T/m3"
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	# A mount namespace of the test's own: /run is empty but for a
	# journal socket the test listens on.
	unshare -m sh -c '
		mount -t tmpfs tmpfs /run && mkdir -p /run/systemd/journal || exit 1
		"$0" "$1/listen.py" /run/systemd/journal/socket "$1/journal.log" &
		lp=$!
		i=0; while [ ! -S /run/systemd/journal/socket ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
		: >"$1/jerr"
		JOURNAL_STREAM=$(stat -c "%d:%i" "$1/jerr") "$2" --config "$1/c" poll \
		    >"$1/jout" 2>>"$1/jerr"
		echo $? >"$1/jrc"
		sleep 0.2
		kill $lp' "$PY" "$T" "$HELPQ"
	is "$(cat "$T/jrc")" 0 "a poll under journald succeeds"
	is "$(cat "$T/jout")" "" "and prints nothing on standard output"
	if grep -q '^#define HAVE_LIBSYSTEMD 1' "$TOP_BUILDDIR/autoconf.h"; then
		j=$(cat "$T/journal.log")
		like "$j" '^MESSAGE=1 message: 1 new ticket, 0 threaded.*\|PRIORITY=6\|SYSLOG_IDENTIFIER=helpq(\||$)' \
		    "the cycle's summary, at the info level (6), in the journal"
		like "$j" '^MESSAGE=outbox [0-9]+: ack for ticket ([0-9]+) to kunde3@example.net: 250 .*\|PRIORITY=6\|SYSLOG_IDENTIFIER=helpq\|HELPQ_TICKET=\1\|HELPQ_OUTBOX=[0-9]+\|HELPQ_MESSAGE_ID=[^|@]+@[^|]+(\||$)' \
		    "the acknowledgement sent, with its ticket, outbox id and Message-ID as fields"
		is "$(cat "$T/jerr")" "" "and nothing on the stream itself"
	else
		like "$(cat "$T/jerr")" '^<6>1 message: 1 new ticket' \
		    "the cycle's summary on the stream, at the info level (<6>)"
	fi
else
	journal_poll "$T/jout" "$T/jerr"
	is "$?" 0 "a poll under journald succeeds"
	is "$(cat "$T/jout")" "" "and prints nothing on standard output"
	skip 3 "the journal's fields are captured in a mount namespace of the test's own (root)"
fi

# Levels on the stream (no journal socket here, or none reachable: the
# lines carry their priority): -q errors only, -v debugging too, -vv the
# SMTP transcript, never the password.
if [ ! -S /run/systemd/journal/socket ]; then
	mail "$T/m4" 4
	imap_append INBOX "$T/m4"
	journal_poll "$T/out4" "$T/err4" -vv
	like "$(cat "$T/err4")" '^<7>smtp [^ ]+: > RCPT TO:<kunde4@example.net>' \
	    "-vv: the SMTP transcript, at the debug level (<7>)"
	like "$(cat "$T/err4")" '^<6>outbox [0-9]+: ack for ticket [0-9]+ to kunde4@example.net' \
	    "and the info lines"
	# A sink that wants a login: the transcript shows AUTH, not the
	# password, in the clear or in base64.
	port=$SMTP_PORT
	smtp_up --tls --auth "desk:Geheim-42"
	sed "s|^port = $port|port = $SMTP_PORT\nuser = desk\npassword-env = HELPQ_TEST_PW|" \
	    "$T/c" >"$T/c4"
	mail "$T/m7" 7
	imap_append INBOX "$T/m7"
	: >"$T/err7"
	HELPQ_TEST_PW=Geheim-42 JOURNAL_STREAM=$(stat -c '%d:%i' "$T/err7") \
	    "$HELPQ" --config "$T/c4" -vv poll >/dev/null 2>>"$T/err7"
	like "$(cat "$T/err7")" '^<7>smtp [^ ]+: > AUTH PLAIN' "-vv shows the login's mechanism"
	like "$(cat "$T/err7")" '^<7>imap 127.0.0.1: > [0-9]+ SELECT INBOX$' \
	    "-vv shows the IMAP conversation"
	like "$(cat "$T/err7")" '^<7>imap 127.0.0.1: > \([0-9]+ private bytes, not shown\)$' \
	    "but not the IMAP login"
	is "$(grep -c -e "$IMAP_PASS" -e "$(printf '\0%s\0%s' "$IMAP_USER" "$IMAP_PASS" | base64)" "$T/err7")" 0 \
	    "the IMAP password appears nowhere"
	sed 's/^\[imap\]$/[imap]\nauth = plain/' "$T/c4" >"$T/c4p"
	: >"$T/err8"
	HELPQ_TEST_PW=Geheim-42 JOURNAL_STREAM=$(stat -c '%d:%i' "$T/err8") \
	    "$HELPQ" --config "$T/c4p" -vv poll >/dev/null 2>>"$T/err8"
	ok_rc $? "-vv poll with AUTHENTICATE PLAIN"
	is "$(grep -c -e "$IMAP_PASS" -e "$(printf '\0%s\0%s' "$IMAP_USER" "$IMAP_PASS" | base64)" "$T/err8")" 0 \
	    "nor with AUTHENTICATE PLAIN"
	b64=$(printf '\0desk\0Geheim-42' | base64)
	is "$(grep -c -e 'Geheim-42' -e "$b64" -e "${b64%??}" "$T/err7")" 0 \
	    "but never the password"
	mail "$T/m5" 5
	imap_append INBOX "$T/m5"
	journal_poll "$T/out5" "$T/err5" -q
	is "$(cat "$T/err5")" "" "-q: nothing but errors"
	sed "s|^port = $port$|port = 1|" "$T/c" >"$T/c5"
	mail "$T/m6" 6
	imap_append INBOX "$T/m6"
	: >"$T/err6"
	JOURNAL_STREAM=$(stat -c '%d:%i' "$T/err6") "$HELPQ" --config "$T/c5" poll \
	    >/dev/null 2>>"$T/err6"
	like "$(cat "$T/err6")" '^<4>' "a server refusing: a warning (<4>)"
	printf 'wrong\n' >"$T/pw9"
	sed "s|^password-file = .*|password-file = $T/pw9|" "$T/c" >"$T/c9"
	: >"$T/err9"
	JOURNAL_STREAM=$(stat -c '%d:%i' "$T/err9") "$HELPQ" --config "$T/c9" poll \
	    >/dev/null 2>>"$T/err9"
	like "$(cat "$T/err9")" '^<3>login as [^ ]+ at 127.0.0.1: login refused' \
	    "a refused login: an error (<3>)"
else
	diag "a journal socket is reachable: the levels are checked by the namespace part"
fi

# ---- systemd's credentials and state directory ----------------------------
# LoadCredential=imap-password:FILE gives a 0400 file in
# $CREDENTIALS_DIRECTORY; StateDirectory= gives $STATE_DIRECTORY, where
# the database goes when the configuration names none, whatever HOME.
mkdir -m 700 "$T/creds" "$T/state"
install -m 400 "$T/pw" "$T/creds/imap-password"
sed "s|^password-file = .*|password-credential = imap-password|; /^database = /d" \
    "$T/c" >"$T/c.cred"
HOME=/nonexistent STATE_DIRECTORY=$T/state CREDENTIALS_DIRECTORY=$T/creds \
    "$HELPQ" --config "$T/c.cred" -q poll
ok_rc $? "the IMAP password from a systemd credential"
ok_rc "$([ -s "$T/state/helpq.db" ]; echo $?)" \
    "the database in \$STATE_DIRECTORY, though HOME is elsewhere"
out=$(HOME=/nonexistent STATE_DIRECTORY=$T/state "$HELPQ" --config "$T/c.cred" poll 2>&1)
is "$?" 78 "the credential without CREDENTIALS_DIRECTORY: 78"
like "$out" "credential imap-password: CREDENTIALS_DIRECTORY is not set \(LoadCredential=imap-password:FILE" \
    "saying what to add to the unit"

# ---- syslog (--syslog) -----------------------------------------------------
# /dev/log is the test's own: a mount namespace with a /dev of its own
# (null, zero, random and urandom bound in from the real one).
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
	mkdir "$T/olddev"
	for n in 8 9 10; do
		mail "$T/m$n" "$n"
	done
	imap_append INBOX "$T/m8"
	unshare -m sh -c '
		mount --rbind /dev "$1/olddev" && mount -t tmpfs tmpfs /dev || exit 1
		for f in null zero random urandom; do
			touch "/dev/$f" && mount --bind "$1/olddev/$f" "/dev/$f"
		done
		"$0" "$1/listen.py" /dev/log "$1/syslog.log" &
		lp=$!
		i=0; while [ ! -S /dev/log ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
		"$2" --config "$1/c" --syslog poll >"$1/sout" 2>"$1/serr"
		echo $? >"$1/src"
		sleep 0.2
		kill $lp' "$PY" "$T" "$HELPQ"
	is "$(cat "$T/src")" 0 "helpq --syslog poll succeeds"
	is "$(cat "$T/sout" "$T/serr")" "" "with nothing on standard output or error"
	l=$(cat "$T/syslog.log")
	like "$l" '^<22>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} helpq\[[0-9]+\]: 1 message: 1 new ticket' \
	    "the cycle's summary to syslog: facility mail, level info (<22>)"
	like "$l" '^<22>.* helpq\[[0-9]+\]: outbox [0-9]+: ack for ticket [0-9]+ to kunde8@example.net' \
	    "and the acknowledgement sent"
	is "$(printf '%s\n' "$l" | grep -vc '^<22>')" 0 "nothing above info by default"
else
	skip 5 "syslog is captured in a mount namespace of the test's own (root)"
fi

done_testing
