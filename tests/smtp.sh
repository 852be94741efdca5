#!/bin/sh
# helpq - tests/smtp.sh: the smtp module against a real SMTP server on
# loopback (the aiosmtpd sink): the bytes, the envelope, STARTTLS and
# smtps with the certificate and host name checked, AUTH PLAIN and LOGIN,
# and how each kind of failure is sorted (try later, never, server
# unusable). A scripted peer shows what the sink cannot: the bytes on
# the wire, a kept connection the server dropped, a server that stalls.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/servers.sh"
servers_need smtp openssl

SEND=$TOP_BUILDDIR/tests/unit/smtp-send
umask 077
conf() {	# conf FILE LINES...: an [smtp] section for 127.0.0.1
	local f=$1 l
	shift
	printf '[smtp]\nhost = 127.0.0.1\n' > "$f"
	for l; do printf '%s\n' "$l" >> "$f"; done
}
send() {	# send [OPTIONS] CONFIG [FROM [RCPT...]]: sets $out, $err, $rc
	local o=
	while :; do
		case $1 in
		-v|--twice) o="$o $1"; shift ;;
		*) break ;;
		esac
	done
	local c=$1
	[ $# -ge 2 ] || set -- "$c" support@example.com
	[ $# -ge 3 ] || set -- "$@" a@example.org
	local from=$2
	shift 2
	out=$("$SEND" $o "$c" "$from" "${MSG:-$T/m}" "$@" 2>"$T/err"); rc=$?
	err=$(cat "$T/err")
	# In a sanitizer build, reports go to stderr: count them.
	if grep -Eq 'Sanitizer|runtime error:' "$T/err"; then
		SAN=$((SAN + 1))
		diag "sanitizer report from smtp-send $o $c:"
		sed 's/^/#   /' "$T/err" | head -30
	fi
}
SAN=0
last() { smtp_messages | tail -1; }
hdr() { sed -n "s/^$2: //p" "$1" | head -1; }
body() {	# body FILE: the message as stored, without the sink's 4 lines
	"$PY" -c 'import sys
d = open(sys.argv[1], "rb").read()
sys.stdout.buffer.write(d.split(b"\n", 4)[4])' "$1"
}
lf() {		# lf FILE: with LF line ends, as the sink stores it
	"$PY" -c 'import sys
d = open(sys.argv[1], "rb").read()
sys.stdout.buffer.write(d.replace(b"\r\n", b"\n"))' "$1"
}

# The message: CRLF, 8-bit UTF-8, a lone "." line and lines that start
# with dots (the sink stores it with LF).
HEAD='From: support@example.com\r\nTo: a@example.org\r\nSubject: dots\r\n\r\n'
UTF8='Gr\303\274\303\237e aus M\303\274nchen.\r\n'
printf "$HEAD$UTF8"'.\r\n..two\r\n.three\r\nend\r\n' > "$T/m"
# Bare LFs, a first line with a dot, no line end at the end.
printf '.lead: x\nSubject: lf\n\n.dot\n..two\n.\nend' > "$T/lf"

# ---- plain: the envelope and the bytes -----------------------------------
smtp_up || { echo "Bail out! the sink did not start"; exit 1; }
P=$SMTP_PORT
conf "$T/plain" "port = $P" "tls = no"
send "$T/plain"
is "$rc" 0 "plain delivery succeeds"
is "$out" "ok 250 OK stored" "with the server's 250"
f=$(last)
is "$(hdr "$f" X-Envelope-From)" "support@example.com" "envelope sender"
is "$(hdr "$f" X-Envelope-To)" "a@example.org" "envelope recipient"
is "$(hdr "$f" X-Sink-TLS)" no "no TLS, as configured"
body "$f" > "$T/got"
lf "$T/m" > "$T/want"
cmp -s "$T/got" "$T/want"
ok_rc $? "the bytes arrive as sent"
grep -qx 'Grüße aus München.' "$T/got"
ok_rc $? "the 8-bit UTF-8 line is intact"
is "$(grep -c -x -e '\.' -e '\.\.two' -e '\.three' "$T/got")" 3 \
    "lines that start with dots are intact"
MSG=$T/lf
send "$T/plain"
MSG=
body "$(last)" > "$T/got"
{ cat "$T/lf"; echo; } > "$T/want"
cmp -s "$T/got" "$T/want"
ok_rc $? "bare LFs, a dot first and no last line end: intact, line end added"
send "$T/plain" ""
is "$(hdr "$(last)" X-Envelope-From)" "<>" "the null sender"
send "$T/plain" support@example.com a@example.org b@example.org
is "$(hdr "$(last)" X-Envelope-To)" "a@example.org, b@example.org" \
    "two recipients"
n=$(smtp_count)
send "$T/plain" support@example.com \
    "$(printf 'a@example.org\r\nRCPT TO:<x@example.org>')"
is "$rc" 2 "a recipient with CRLF in it: never"
is "$(smtp_count)" "$n" "and the server heard nothing of it"

n=$(smtp_count)
send -v --twice "$T/plain"
is "$(smtp_count)" $((n + 2)) "two messages over one session"
is "$(printf '%s\n' "$out" | grep -c '^ok 250 ')" 2 "both accepted"
is "$(printf '%s\n' "$err" | grep -c 'sent over a new connection')" 1 \
    "the first over a new connection"
is "$(printf '%s\n' "$err" | grep -c 'sent over the kept connection')" 1 \
    "the second over the same one"
conf "$T/must" "port = $P"
n=$(smtp_count)
send "$T/must"
is "$rc" 3 "STARTTLS required, the server has none: down, never plain"
like "$out" "^down smtp 127\\.0\\.0\\.1:$P: STARTTLS" "saying so"
is "$(smtp_count)" "$n" "nothing was sent"
smtp_down

# ---- TLS -------------------------------------------------------------------
smtp_up --tls || { echo "Bail out! no TLS sink"; exit 1; }
conf "$T/tls" "port = $SMTP_PORT" "ca-file = $SMTP_CA"
send "$T/tls"
is "$rc" 0 "STARTTLS (the default) when the server offers it"
is "$(hdr "$(last)" X-Sink-TLS)" yes "the sink saw TLS"
printf '[smtp]\nhost = localhost\nport = %s\nca-file = %s\n' \
    "$SMTP_PORT" "$SMTP_CA" > "$T/tlsname"
send "$T/tlsname"
is "$rc" 0 "the certificate's DNS name works as the host too"
conf "$T/smtpsbad" "port = $SMTP_PORT" "tls = smtps" "ca-file = $SMTP_CA" \
    "timeout = 5"
n=$(smtp_count)
send "$T/smtpsbad"
is "$rc" 3 "smtps to a STARTTLS port: down"
is "$(smtp_count)" "$n" "nothing was sent"
smtp_down

smtp_up --require-tls || { echo "Bail out! no TLS sink"; exit 1; }
conf "$T/tls" "port = $SMTP_PORT" "ca-file = $SMTP_CA"
send "$T/tls"
is "$rc" 0 "STARTTLS to a server that requires it"
is "$(hdr "$(last)" X-Sink-TLS)" yes "the sink saw TLS"
conf "$T/notrust" "port = $SMTP_PORT"
n=$(smtp_count)
send "$T/notrust"
is "$rc" 78 "a certificate nobody vouches for: a configuration error"
like "$out" "^config smtp 127\\.0\\.0\\.1:$SMTP_PORT: .*certificate" \
    "and the reply names the server and the certificate"
is "$(smtp_count)" "$n" "nothing was sent"

# The same through helpq: the ack fails with the reason at once (no
# two days of retries), an event says so, and send exits 78.
desk() {	# desk FILE DB [SMTP-LINES...]
	local f=$1 db=$2 l
	shift 2
	printf '[helpq]\naddress = support@example.com\ndatabase = %s\n' \
	    "$db" > "$f"
	printf 'templates = %s/templates\n' "$TOP_SRCDIR" >> "$f"
	printf '[ack]\nsender-window = 0\n[smtp]\nhost = 127.0.0.1\n' >> "$f"
	for l; do printf '%s\n' "$l" >> "$f"; done
}
cmail() {	# cmail FILE ID: a customer's message
	printf 'From: Ann <ann@example.net>\nTo: support@example.com\n' > "$1"
	printf 'Subject: Order %s\nMessage-ID: <%s@example.net>\n' "$2" "$2" \
	    >> "$1"
	printf 'Date: %s\n\nWhere is my order?\n' "$(date -R)" >> "$1"
}
desk "$T/d1" "$T/d1.db" "port = $SMTP_PORT"
hd() { "$HELPQ" --config "$T/d1" "$@"; }
cmail "$T/c1" c1
err=$(hd -q import "$T/c1" 2>&1); rc=$?
is "$rc" 0 "the import stores the mail (an MTA must not bounce it)"
like "$err" 'configuration error.*certificate' "and logs the configuration error"
o=$(hd outbox --json)
is "$(echo "$o" | json '[e["status"] for e in j]')" '["failed"]' \
    "the ack is marked failed at once, not retried"
like "$(echo "$o" | json 'j[0]["last_error"]')" \
    "configuration error.*smtp 127\\.0\\.0\\.1:$SMTP_PORT: .*certificate" \
    "with the reason"
like "$(hd show 1)" 'send-failed.*certificate' "an event on the ticket says so"
cmail "$T/c2" c2
desk "$T/d2" "$T/d1.db" "port = $SMTP_PORT" "tls = no"
"$HELPQ" -q --config "$T/d2" import "$T/c2" 2>/dev/null	# queued: 530
hd -q send 2>/dev/null; rc=$?
is "$rc" 78 "helpq send: exit 78 (EX_CONFIG)"
is "$(hd outbox --status failed --json | json 'len(j)')" 2 \
    "the second ack fails the same way"
is "$(smtp_count)" "$n" "nothing was sent"
# Once the configuration is right, requeue sends what failed.
desk "$T/d3" "$T/d1.db" "port = $SMTP_PORT" "ca-file = $SMTP_CA"
hr() { "$HELPQ" -q --config "$T/d3" requeue "$@"; }
ids=$(hd outbox --status failed --json | json '" ".join(str(e["id"]) for e in j)')
# shellcheck disable=SC2086 # two ids
hr $ids; rc=$?
is "$rc" 0 "helpq requeue with the CA file fixed: sent"
is "$(smtp_count)" "$((n + 2))" "both acks reach the server"
is "$(hd outbox --status failed --json | json 'len(j)')" 0 \
    "nothing failed is left"
like "$(hd show 1)" 'requeued.*certificate' \
    "an event says it was queued again, and why it had failed"
hr "${ids%% *}" 2>/dev/null; rc=$?
is "$rc" 65 "requeueing mail that was sent: EX_DATAERR"
hr 999 2>/dev/null; rc=$?
is "$rc" 65 "requeueing mail that does not exist: EX_DATAERR"
hr abc 2>/dev/null; rc=$?
is "$rc" 64 "requeue abc: EX_USAGE"
n=$(smtp_count)
conf "$T/nocafile" "port = $SMTP_PORT" "ca-file = $T/no-such.pem"
send "$T/nocafile"
is "$rc" 78 "a ca-file that is not there: a configuration error"
like "$out" "^config ca-file $T/no-such.pem: No such file" "saying which"
conf "$T/plain2" "port = $SMTP_PORT" "tls = no"
send "$T/plain2"
is "$rc" 3 "a server that insists on STARTTLS refuses a plain session: down"
like "$out" "^down 530 .*smtp 127\\.0\\.0\\.1:$SMTP_PORT, after MAIL" \
    "with its 530, the server and the command"
is "$(smtp_count)" "$n" "nothing was sent"
smtp_down

smtp_up --smtps || { echo "Bail out! no smtps sink"; exit 1; }
conf "$T/smtps" "port = $SMTP_PORT" "tls = smtps" "ca-file = $SMTP_CA"
send "$T/smtps"
is "$rc" 0 "smtps (TLS from the first byte)"
is "$(hdr "$(last)" X-Sink-TLS)" yes "the sink saw TLS"
body "$(last)" > "$T/got"
lf "$T/m" > "$T/want"
cmp -s "$T/got" "$T/want"
ok_rc $? "the bytes arrive as sent over TLS"
smtp_down

# ---- AUTH ------------------------------------------------------------------
smtp_up --tls --auth helpq:s3cret || { echo "Bail out! no AUTH sink"; exit 1; }
printf 's3cret\n' > "$T/pw"
chmod 600 "$T/pw"
conf "$T/auth" "port = $SMTP_PORT" "ca-file = $SMTP_CA" "user = helpq" \
    "password-file = $T/pw"
send -v "$T/auth"
is "$rc" 0 "AUTH PLAIN with a password file"
is "$(hdr "$(last)" X-Sink-Auth)" yes "the sink saw the login"
like "$err" '> AUTH PLAIN$' "the transcript shows the mechanism"
case $err in *s3cret*|*czNjcmV0*|*aGVscHEAczNjcmV0*) r=1 ;; *) r=0 ;; esac
ok_rc "$r" "but not the credentials"
conf "$T/auth2" "port = $SMTP_PORT" "ca-file = $SMTP_CA" "user = helpq" \
    "auth = login" "password-env = HELPQ_SMTP_PW"
HELPQ_SMTP_PW=s3cret send -v "$T/auth2"
is "$rc" 0 "AUTH LOGIN with the password from the environment"
is "$(hdr "$(last)" X-Sink-Auth)" yes "the sink saw the login"
like "$err" '> AUTH LOGIN$' "the transcript shows the mechanism"
case $err in *s3cret*|*czNjcmV0*) r=1 ;; *) r=0 ;; esac
ok_rc "$r" "but not the password"
printf 'Wr0ngPass\n' > "$T/pw2"
conf "$T/auth3" "port = $SMTP_PORT" "ca-file = $SMTP_CA" "user = helpq" \
    "password-file = $T/pw2"
n=$(smtp_count)
send "$T/auth3"
is "$rc" 3 "a wrong password: the server is unusable until it is fixed"
like "$out" "^down 535 .*smtp 127\\.0\\.0\\.1:$SMTP_PORT, after AUTH" \
    "with the server's 535"
case $out in *Wr0ngPass*) r=1 ;; *) r=0 ;; esac
ok_rc "$r" "the reply does not hold the password"
is "$(smtp_count)" "$n" "nothing was sent"
chmod 644 "$T/pw"
send "$T/auth"
is "$rc" 78 "a password file others can read is refused"
like "$out" 'mode 0644' "and says why"
chmod 600 "$T/pw"
conf "$T/noauth" "port = $SMTP_PORT" "ca-file = $SMTP_CA"
send "$T/noauth"
is "$rc" 3 "no login where the server wants one: down"
smtp_down

# ---- how failures are sorted -----------------------------------------------
try() {	# try CODE STAGE WANT-EXIT NAME
	smtp_up --fail "$1" --fail-at "$2" ||
	    { echo "Bail out! no sink"; exit 1; }
	conf "$T/f" "port = $SMTP_PORT" "tls = no"
	send "$T/f"
	is "$rc" "$3" "$4"
	like "$out" "^[a-z]+ $1 " "the reply is the server's $1"
	is "$(smtp_rejected)" 1 "the sink refused it once"
	is "$(smtp_count)" 0 "and stored nothing"
	smtp_down
}
try 451 rcpt 1 "451 to RCPT: try later"
try 450 data 1 "450 to DATA: try later"
try 550 data 2 "550 to DATA: never"
try 554 rcpt 2 "554 to RCPT: never"
try 421 rcpt 3 "421 (the server closes): down"

smtp_up --fail 451 --fail-at data --fail-times 1 ||
    { echo "Bail out! no sink"; exit 1; }
conf "$T/f" "port = $SMTP_PORT" "tls = no"
send -v --twice "$T/f"
is "$out" "temp 451 4.3.0 temporary failure from the test sink
ok 250 OK stored" "a 451, then the next send of the session gets through"
is "$(printf '%s\n' "$err" | grep -c 'over a new connection')" 2 \
    "over a new connection, not the one the failure left"
is "$(smtp_count)" 1 "exactly one copy arrived"
smtp_down

smtp_up --fail 550 --fail-at rcpt --fail-times 1 ||
    { echo "Bail out! no sink"; exit 1; }
conf "$T/f" "port = $SMTP_PORT" "tls = no"
send "$T/f" support@example.com a@example.org b@example.org
is "$rc" 2 "one recipient refused: the whole message is refused"
is "$(smtp_count)" 0 "nobody got it"
send "$T/f" support@example.com a@example.org b@example.org
is "$(hdr "$(last)" X-Envelope-To)" "a@example.org, b@example.org" \
    "sent again, both get it"
smtp_down

# ---- nobody there ----------------------------------------------------------
conf "$T/gone" "port = $P" "tls = no" "timeout = 5"
send "$T/gone"
is "$rc" 3 "nobody listening: down"
like "$out" "^down smtp 127\\.0\\.0\\.1:$P: .*(onnect|refused)" \
    "the reply names the server"

# ---- a scripted peer: the wire, a dropped connection, a stall --------------
cat > "$T/peer.py" <<'EOF'
# peer.py MODE PORTFILE OUT: record (store each DATA as sent on the
# wire in OUT.N), drop (the same, but the first connection is closed
# without a word at its second MAIL) or stall (never say anything).
# Exits after 30 s without a connection.
import os, socket, sys
mode, portfile, out = sys.argv[1:4]
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 0))
ls.listen(8)
ls.settimeout(30)
with open(portfile + ".tmp", "w") as f:
    f.write("%d\n" % ls.getsockname()[1])
os.rename(portfile + ".tmp", portfile)
conns, stored, held = 0, 0, []
while True:
    try:
        c, _ = ls.accept()
    except socket.timeout:
        sys.exit(0)
    conns += 1
    if mode == "stall":
        held.append(c)
        continue
    f = c.makefile("rb")
    say = lambda s: c.sendall(s.encode() + b"\r\n")
    say("220 peer ready")
    mails = 0
    while True:
        line = f.readline()
        if not line:
            break
        verb = line[:4].upper()
        if verb == b"MAIL":
            mails += 1
            if mode == "drop" and conns == 1 and mails == 2:
                break
        if verb in (b"EHLO", b"HELO"):
            say("250-peer")
            say("250 8BITMIME")
        elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
            say("250 ok")
        elif verb == b"DATA":
            say("354 go on")
            data = b""
            while True:
                l = f.readline()
                data += l
                if not l or l == b".\r\n":
                    break
            stored += 1
            with open("%s.%d" % (out, stored), "wb") as o:
                o.write(data)
            say("250 stored %d" % stored)
        elif verb == b"QUIT":
            say("221 bye")
            break
        else:
            say("502 what")
    f.close()
    c.close()
EOF
PEER_PID=
peer_up() {	# peer_up MODE: sets PEER_PORT
	rm -f "$T/peer.port" "$T/wire".*
	"$PY" "$T/peer.py" "$1" "$T/peer.port" "$T/wire" </dev/null \
	    >"$T/peer.log" 2>&1 &
	PEER_PID=$!
	_srv_wait 10 test -s "$T/peer.port" ||
	    { echo "Bail out! the peer did not start"; exit 1; }
	PEER_PORT=$(cat "$T/peer.port")
}
peer_down() {
	kill "$PEER_PID" 2>/dev/null
	wait "$PEER_PID" 2>/dev/null
	PEER_PID=
}

peer_up record
conf "$T/peer" "port = $PEER_PORT" "tls = no"
send "$T/peer"
is "$out" "ok 250 stored 1" "the peer took the message"
printf "$HEAD$UTF8"'..\r\n...two\r\n..three\r\nend\r\n.\r\n' > "$T/want"
cmp -s "$T/wire.1" "$T/want"
ok_rc $? "on the wire: dots doubled at line starts (libcurl), then CRLF . CRLF"
MSG=$T/lf
send "$T/peer"
MSG=
printf '..lead: x\r\nSubject: lf\r\n\r\n..dot\r\n...two\r\n..\r\nend\r\n.\r\n' \
    > "$T/want"
cmp -s "$T/wire.2" "$T/want"
ok_rc $? "bare LFs go out as CRLF, so their dots are doubled too"
peer_down

peer_up drop
conf "$T/peer" "port = $PEER_PORT" "tls = no"
send -v --twice "$T/peer"
is "$out" "ok 250 stored 1
ok 250 stored 2" "the server dropped the kept connection: sent over a new one"
like "$err" "kept connection failed" "after saying so in the debug log"
peer_down

peer_up stall
conf "$T/peer" "port = $PEER_PORT" "tls = no" "timeout = 1"
t0=$(date +%s)
send "$T/peer"
t1=$(date +%s)
is "$rc" 3 "a server that never answers: down"
like "$out" "^down smtp 127\\.0\\.0\\.1:$PEER_PORT: .*(imed out|imeout)" \
    "the reply says it timed out"
ok_rc "$([ $((t1 - t0)) -le 5 ] && echo 0 || echo 1)" \
    "after the configured second, not much later"
peer_down

# ---- a name the certificate does not have (last: it replaces the cert) -----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -days 2 -subj /CN=mail.example.com \
    -addext "subjectAltName=DNS:mail.example.com" \
    -keyout "$T/dovecot/key.pem" -out "$T/dovecot/cert.pem" 2>/dev/null
smtp_up --tls || { echo "Bail out! no sink"; exit 1; }
conf "$T/name" "port = $SMTP_PORT" "ca-file = $T/dovecot/cert.pem"
n=$(smtp_count)
send "$T/name"
is "$rc" 78 "a trusted certificate for another host name: a configuration error"
like "$out" 'name|match|subject' "the reply says the name does not match"
is "$(smtp_count)" "$n" "nothing was sent"
smtp_down

# A host name that does not resolve says so (.invalid never does).
printf '[smtp]\nhost = smtp.helpq-test.invalid\nport = 2525\ntls = no\n' >"$T/dns"
send "$T/dns"
is "$rc" 3 "a host name that does not resolve: down (tried again later)"
like "$out" "^down smtp smtp.helpq-test.invalid:2525: the host name smtp.helpq-test.invalid does not resolve" \
    "saying so"

is "$SAN" 0 "no sanitizer reports"
done_testing
