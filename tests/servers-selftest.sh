#!/bin/sh
# helpq - servers-selftest.sh: tests/servers.sh itself. Dovecot and the
# SMTP sink come up on free ports, speak verified TLS, keep their data over
# a restart, refuse on demand, and are gone afterwards, also when a test
# dies (checked by process id).
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/servers.sh"
servers_need dovecot smtp curl

# imapc ARGS...: curl as the test user with our CA (so TLS is verified);
# the server's lines without CR; curl's exit status.
imapc() {
	curl -sS --max-time 10 --cacert "$DOVECOT_CA" \
	    -u "$IMAP_USER:$IMAP_PASS" "$@" >"$T/curl.out" 2>"$T/curl.err"
	_rc=$?
	tr -d '\r' <"$T/curl.out"
	return $_rc
}
IMAPS() { echo "imaps://127.0.0.1:$IMAPS_PORT/${1:-}"; }
# live PID: processes of the session PID leads that are not zombies
live() { ps -o pid= -o stat= -s "$1" 2>/dev/null | awk '$2 !~ /^Z/' | wc -l | tr -d ' '; }

for i in 1 2 3; do
	printf 'From: c%d@example.org\nTo: support@example.com\nSubject: seed %d\nMessage-ID: <seed%d@example.org>\n\nbody %d\n' \
	    "$i" "$i" "$i" "$i" >"$T/m$i.eml"
done

# ---- Dovecot ---------------------------------------------------------
dovecot_up; rc=$?
is "$rc" 0 "dovecot_up"
if [ "$rc" != 0 ]; then echo "Bail out! dovecot did not start"; exit 1; fi
pid1=$DOVECOT_PID p1=$IMAP_PORT p2=$IMAPS_PORT
like "$IMAP_PORT $IMAPS_PORT" '^[0-9]+ [0-9]+$' "IMAP_PORT and IMAPS_PORT set"
ok_rc "$([ "$IMAP_PORT" != "$IMAPS_PORT" ]; echo $?)" "two different ports"
ok_rc "$([ -s "$DOVECOT_CA" ] && [ -f "$DOVECOT_CONF" ] && [ -d "$MAILDIR/new" ]; echo $?)" \
    "DOVECOT_CA, DOVECOT_CONF and MAILDIR exist"
if [ "$(id -u)" = 0 ]; then
	is "$(stat -c %U "$MAILDIR")" nobody "as root, the Maildir belongs to nobody"
else
	is "$(stat -c %U "$MAILDIR")" "$(id -un)" "not root: the Maildir is ours"
fi

caps=$(imapc "$(IMAPS)" -X CAPABILITY); rc=$?
is "$rc" 0 "CAPABILITY over imaps with --cacert (certificate verified)"
for c in IDLE UIDPLUS MOVE CONDSTORE; do
	like "$caps" "^\* CAPABILITY .* $c( |\$)" "CAPABILITY has $c"
done
curl -sS --max-time 10 --cacert /etc/ssl/certs/ca-certificates.crt \
    -u "$IMAP_USER:$IMAP_PASS" "$(IMAPS)" -X CAPABILITY >/dev/null 2>&1; rc=$?
is "$rc" 60 "with the system CAs only, curl refuses it (self-signed)"

imap_seed INBOX "$T/m1.eml" "$T/m2.eml" "$T/m3.eml"; rc=$?
is "$rc" 0 "imap_seed INBOX, 3 messages"
is "$(imapc "$(IMAPS INBOX)" -X 'STATUS INBOX (MESSAGES)')" \
    "* STATUS INBOX (MESSAGES 3)" "imaps: STATUS INBOX says MESSAGES 3"
is "$(imapc --ssl-reqd "imap://localhost:$IMAP_PORT/INBOX" -X 'STATUS INBOX (MESSAGES)')" \
    "* STATUS INBOX (MESSAGES 3)" "STARTTLS to localhost: MESSAGES 3"
is "$(imap_count INBOX)" 3 "imap_count INBOX"
like "$(imapc "$(IMAPS INBOX)" -X 'UID FETCH 3 (ENVELOPE)')" \
    '^\* 3 FETCH \(UID 3 ENVELOPE \((NIL|"[^"]*") "seed 3" ' "UIDs follow the seeding order (UID 3 is the third)"
is "$(imap_uids INBOX | tr '\n' ' ')" "1 2 3 " "imap_uids INBOX"

imap_seed --flags S Archive "$T/m1.eml" "$T/m2.eml"
imap_seed 'Erledigt & Über' "$T/m3.eml"
like "$(imapc "$(IMAPS)" -X 'LIST "" "*"')" '^\* LIST .* "?Archive"?$' "a seeded folder is listed"
is "$(imap_count Archive)" 2 "imap_seed Archive: 2 messages"
is "$(imap_keywords Archive 2)" '\Seen' "imap_seed --flags S: seen"
is "$(imap_count 'Erledigt & Über')" 1 "a seeded folder with & and Ü (modified UTF-7)"
is "$(stat -c %U "$MAILDIR/.Archive/maildirfolder")" "$(stat -c %U "$MAILDIR")" \
    "a seeded folder belongs to the mail user"

imap_create Queue; rc=$?
is "$rc" 0 "imap_create"
uv1=$(imap_uidvalidity Queue)
imap_append Queue "$T/m1.eml" "$T/m2.eml"
is "$(imap_count Queue)" 2 "imap_append: 2 messages"
imap_delete Queue; rc=$?
is "$rc" 0 "imap_delete (not empty)"
imap_count Queue >/dev/null 2>&1; rc=$?
ok_rc "$([ "$rc" != 0 ]; echo $?)" "deleted: imap_count fails"
imap_create Queue
uv2=$(imap_uidvalidity Queue)
like "$uv1 $uv2" '^[0-9]+ [0-9]+$' "imap_uidvalidity prints a number"
ok_rc "$([ "$uv1" != "$uv2" ]; echo $?)" "delete and create: UIDVALIDITY changed ($uv1, $uv2)"
is "$(imap_count Queue)" 0 "the new folder is empty"

imapc "$(IMAPS INBOX)" -X 'UID STORE 1 +FLAGS ($billing)' >/dev/null; rc=$?
is "$rc" 0 "curl: UID STORE 1 +FLAGS (\$billing)"
kw=$(imap_keywords INBOX 1)
ok_rc "$(printf '%s\n' "$kw" | grep -qx '\$billing'; echo $?)" "imap_keywords shows \$billing"
ok_rc "$(printf '%s\n' "$kw" | grep -qx '\\Recent'; [ $? = 1 ]; echo $?)" "and not \\Recent"
is "$(imap_keywords INBOX 2)" "" "message 2 has no flags"
imap_keywords INBOX 99 >/dev/null; rc=$?
ok_rc "$([ "$rc" != 0 ]; echo $?)" "imap_keywords fails for a missing UID"
uvin=$(imap_uidvalidity INBOX)

t0=$(date +%s)
dovecot_restart; rc=$?
is "$rc" 0 "dovecot_restart"
is "$(live "$pid1")" 0 "the old master's processes are all gone"
ok_rc "$([ "$DOVECOT_PID" != "$pid1" ]; echo $?)" "a new master"
is "$IMAP_PORT $IMAPS_PORT" "$p1 $p2" "same ports after the restart"
is "$(imapc "$(IMAPS INBOX)" -X 'STATUS INBOX (MESSAGES)')" \
    "* STATUS INBOX (MESSAGES 3)" "the messages survived"
ok_rc "$(imap_keywords INBOX 1 | grep -qx '\$billing'; echo $?)" "the keyword survived"
is "$(imap_uidvalidity INBOX)" "$uvin" "UIDVALIDITY unchanged"
diag "restart took $(($(date +%s) - t0)) s"

# ---- SMTP sink ---------------------------------------------------------
send() {	# send URL [curl options]: one message a@example.com -> b@example.org
	url=$1
	shift
	curl -sS --max-time 10 "$url" --mail-from a@example.com \
	    --mail-rcpt b@example.org -T "$T/m1.eml" "$@" 2>"$T/curl.err"
}
hdr() { grep -m1 "^$1:" "$2" | sed "s/^$1: //"; }

smtp_up; rc=$?
is "$rc" 0 "smtp_up (plain)"
plain=$SMTP_PORT
send "smtp://127.0.0.1:$SMTP_PORT"; rc=$?
is "$rc" 0 "curl delivers over plain SMTP"
is "$(smtp_count)" 1 "smtp_count: 1"
m=$(smtp_messages)
is "$(hdr X-Envelope-From "$m") | $(hdr X-Envelope-To "$m") | $(hdr X-Sink-TLS "$m") | $(hdr X-Sink-Auth "$m")" \
    "a@example.com | b@example.org | no | no" "envelope, no TLS, no AUTH recorded"
ok_rc "$(grep -q '^Subject: seed 1$' "$m"; echo $?)" "the message itself is stored"

smtp_up --tls --require-tls --auth sender:secret; rc=$?
is "$rc" 0 "smtp_up --tls --require-tls --auth"
ok_rc "$([ "$SMTP_PORT" != "$plain" ]; echo $?)" "a second sink, another port"
send "smtp://localhost:$SMTP_PORT" --ssl-reqd --cacert "$SMTP_CA" -u sender:secret; rc=$?
is "$rc" 0 "curl delivers with STARTTLS and AUTH"
m=$(smtp_messages)
is "$(hdr X-Sink-TLS "$m") $(hdr X-Sink-Auth "$m")" "yes yes" "TLS and AUTH recorded"
send "smtp://localhost:$SMTP_PORT" -u sender:secret; rc=$?
ok_rc "$([ "$rc" != 0 ]; echo $?)" "without STARTTLS: refused (curl $rc)"
send "smtp://localhost:$SMTP_PORT" --ssl-reqd --cacert "$SMTP_CA" -u sender:wrong; rc=$?
is "$rc" 67 "a wrong password: login denied"
is "$(smtp_count) $(smtp_count "$plain")" "1 1" "each sink has its own Maildir"

smtp_up --smtps; rc=$?
is "$rc" 0 "smtp_up --smtps"
send "smtps://localhost:$SMTP_PORT" --cacert "$SMTP_CA"; rc=$?
is "$rc" 0 "curl delivers over implicit TLS"
is "$(hdr X-Sink-TLS "$(smtp_messages)")" yes "implicit TLS recorded"

smtp_up --fail 451; rc=$?
is "$rc" 0 "smtp_up --fail 451"
send "smtp://127.0.0.1:$SMTP_PORT" -v; rc=$?
ok_rc "$([ "$rc" != 0 ]; echo $?)" "DATA answered 451: curl fails (curl $rc)"
like "$(cat "$T/curl.err")" "^< 451 " "curl saw the 451"
is "$(smtp_count) $(smtp_rejected)" "0 1" "nothing stored, one refusal"

smtp_up --fail 550 --fail-at rcpt --fail-times 1
send "smtp://127.0.0.1:$SMTP_PORT"; rc=$?
ok_rc "$([ "$rc" != 0 ]; echo $?)" "--fail 550 --fail-at rcpt: the first try fails (curl $rc)"
send "smtp://127.0.0.1:$SMTP_PORT"; rc=$?
is "$rc" 0 "--fail-times 1: the second try is accepted"
is "$(smtp_count) $(smtp_rejected)" "1 1" "one stored, one refused"

p=$SMTP_PORT spid=$SMTP_PID
smtp_down; rc=$?
is "$rc" 0 "smtp_down"
ok_rc "$(_srv_gone "$spid"; echo $?)" "the sink's process is gone"
ok_rc "$(! _srv_listening "$p"; echo $?)" "its port is closed"
smtp_up --port "$p"; rc=$?
is "$rc" 0 "smtp_up --port: the same port again"
send "smtp://127.0.0.1:$SMTP_PORT"
is "$(smtp_count)" 2 "the same Maildir, numbering continued"
is "$(smtp_messages | sed 's|.*/||; s|\..*||' | tr '\n' ' ')" "000001 000002 " \
    "smtp_messages in arrival order"

# ---- stopping ----------------------------------------------------------
# A test that dies halfway, under dash: the EXIT trap must stop both
# servers before lib.sh removes its directory.
out=$(TMPDIR=$T /bin/sh -c '. "$TOP_SRCDIR/tests/lib.sh"
	. "$TOP_SRCDIR/tests/servers.sh"
	dovecot_up && smtp_up --tls || exit 9
	echo "$T $DOVECOT_PID $SMTP_PID $IMAP_PORT $IMAPS_PORT $SMTP_PORT"
	false; exit 1' 2>&1); rc=$?
is "$rc" 1 "a dying test (dash) keeps its exit status"
set -- $out
if [ $# -eq 6 ]; then
	ok_rc "$([ ! -e "$1" ]; echo $?)" "its directory was removed"
	is "$(live "$2")" 0 "its Dovecot processes are gone (by pid)"
	ok_rc "$(_srv_gone "$3"; echo $?)" "its sink is gone (by pid)"
	ok_rc "$(! _srv_listening "$4" && ! _srv_listening "$5" && ! _srv_listening "$6"; echo $?)" \
	    "its ports are closed"
else
	ok_rc 1 "the dying test started its servers: $out"
fi

dpid=$DOVECOT_PID spids=$_SRV_SMTP
servers_down; rc=$?
is "$rc" 0 "servers_down"
is "$(live "$dpid")" 0 "no process of our Dovecot left (session $dpid)"
left=0
for e in $spids; do _srv_gone "${e#*:}" || left=$((left + 1)); done
is "$left" 0 "no sink left"
ok_rc "$(! _srv_listening "$p1" && ! _srv_listening "$p2"; echo $?)" "IMAP ports closed"
is "$DOVECOT_PID${_SRV_SMTP# }" "" "nothing recorded as running"
errs=$(grep -E ': (Error|Fatal|Panic|Warning):' "$T/dovecot/dovecot.log" | grep -v 'Killed with signal 15')
is "$errs" "" "Dovecot logged no errors or warnings"

done_testing
