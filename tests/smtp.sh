#!/bin/sh
# helpq - tests/smtp.sh: the smtp module against a real SMTP server on
# loopback: bytes on the wire, the envelope, STARTTLS and smtps with the
# certificate and host name checked, AUTH PLAIN and LOGIN, and how each
# kind of failure is sorted (try later, never, server unusable).
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/servers.sh"
servers_need smtp openssl

SEND=$TOP_BUILDDIR/tests/unit/smtp-send
umask 077
conf() {	# conf FILE LINES...: an [smtp] section
	local f=$1
	shift
	printf '[smtp]\nhost = 127.0.0.1\n' > "$f"
	for l; do printf '%s\n' "$l" >> "$f"; done
}
# The message: CRLF, 8-bit UTF-8, lines that start with dots.
printf 'From: support@example.com\r\nTo: a@example.org\r\nSubject: dots\r\n\r\nGrüße aus München.\r\n.\r\n..two\r\n.three\r\nend\r\n' > "$T/m"
body() {	# body FILE: what arrived after the sink's four lines
	"$PY" -c 'import sys; d=open(sys.argv[1],"rb").read(); print(d.split(b"\n",4)[4].decode())' "$1"
}
hdr() { sed -n "s/^$2: //p" "$1" | head -1; }

# ---- plain, the envelope, the bytes ------------------------------------
smtp_up || { echo "Bail out! the sink did not start"; exit 1; }
P=$SMTP_PORT
conf "$T/plain" "port = $P" "tls = no"
out=$("$SEND" "$T/plain" support@example.com "$T/m" a@example.org); rc=$?
is "$rc" 0 "plain delivery succeeds"
like "$out" '^ok 250 ' "with the server's 250"
f=$(smtp_messages | tail -1)
is "$(hdr "$f" X-Envelope-From)" "support@example.com" "envelope sender"
is "$(hdr "$f" X-Envelope-To)" "a@example.org" "envelope recipient"
want=$("$PY" -c 'import sys; print(open(sys.argv[1],"rb").read().replace(b"\r\n",b"\n").decode())' "$T/m")
is "$(body "$f")" "$want" "the bytes arrive as sent: UTF-8 and lines starting with dots intact"
"$SEND" "$T/plain" "" "$T/m" a@example.org >/dev/null
is "$(hdr "$(smtp_messages | tail -1)" X-Envelope-From)" "<>" "the null sender"
"$SEND" "$T/plain" support@example.com "$T/m" a@example.org b@example.org >/dev/null
is "$(hdr "$(smtp_messages | tail -1)" X-Envelope-To)" "a@example.org, b@example.org" \
    "two recipients"
n=$(smtp_count)
out=$("$SEND" --twice "$T/plain" support@example.com "$T/m" a@example.org)
is "$(smtp_count)" $((n + 2)) "two messages over one session"
is "$(echo "$out" | grep -c '^ok ')" 2 "both accepted"
smtp_down

# ---- TLS -----------------------------------------------------------------
smtp_up --require-tls || { echo "Bail out! no TLS sink"; exit 1; }
conf "$T/tls" "port = $SMTP_PORT" "ca-file = $SMTP_CA"
out=$("$SEND" "$T/tls" support@example.com "$T/m" a@example.org); rc=$?
is "$rc" 0 "STARTTLS (the default) with the certificate checked"
is "$(hdr "$(smtp_messages | tail -1)" X-Sink-TLS)" yes "the sink saw TLS"
conf "$T/notrust" "port = $SMTP_PORT"
n=$(smtp_count)
out=$("$SEND" "$T/notrust" support@example.com "$T/m" a@example.org); rc=$?
is "$rc" 3 "a certificate nobody vouches for: the server is unusable (down)"
like "$out" 'certificate|issuer|verif' "and the reply says it is the certificate"
is "$(smtp_count)" "$n" "nothing was sent"
conf "$T/plain2" "port = $SMTP_PORT" "tls = no"
out=$("$SEND" "$T/plain2" support@example.com "$T/m" a@example.org); rc=$?
is "$rc" 3 "a server that insists on STARTTLS refuses a plain session"
smtp_down

smtp_up --smtps || { echo "Bail out! no smtps sink"; exit 1; }
conf "$T/smtps" "port = $SMTP_PORT" "tls = smtps" "ca-file = $SMTP_CA"
"$SEND" "$T/smtps" support@example.com "$T/m" a@example.org >/dev/null
is "$?" 0 "smtps (TLS from the first byte)"
is "$(hdr "$(smtp_messages | tail -1)" X-Sink-TLS)" yes "the sink saw TLS"
smtp_down

# ---- AUTH ----------------------------------------------------------------
smtp_up --tls --auth helpq:s3cret || { echo "Bail out! no AUTH sink"; exit 1; }
printf 's3cret\n' > "$T/pw"
conf "$T/auth" "port = $SMTP_PORT" "ca-file = $SMTP_CA" "user = helpq" \
    "password-file = $T/pw"
"$SEND" "$T/auth" support@example.com "$T/m" a@example.org >/dev/null
is "$?" 0 "AUTH PLAIN with a password file"
is "$(hdr "$(smtp_messages | tail -1)" X-Sink-Auth)" yes "the sink saw the login"
conf "$T/auth2" "port = $SMTP_PORT" "ca-file = $SMTP_CA" "user = helpq" \
    "auth = login" "password-env = HELPQ_SMTP_PW"
HELPQ_SMTP_PW=s3cret "$SEND" "$T/auth2" support@example.com "$T/m" a@example.org >/dev/null
is "$?" 0 "AUTH LOGIN with the password from the environment"
printf 'wrong\n' > "$T/pw2"
conf "$T/auth3" "port = $SMTP_PORT" "ca-file = $SMTP_CA" "user = helpq" \
    "password-file = $T/pw2"
n=$(smtp_count)
out=$("$SEND" "$T/auth3" support@example.com "$T/m" a@example.org); rc=$?
is "$rc" 3 "a wrong password: the server is unusable until it is fixed"
like "$out" '^down 535' "with the server's 535"
is "$(smtp_count)" "$n" "nothing was sent"
chmod 644 "$T/pw"
out=$("$SEND" "$T/auth" support@example.com "$T/m" a@example.org); rc=$?
is "$rc" 78 "a password file others can read is refused"
like "$out" 'mode 0644' "and says why"
chmod 600 "$T/pw"
smtp_down

# ---- how failures are sorted ---------------------------------------------
try() {	# try CODE STAGE WANT-EXIT NAME
	smtp_up --fail "$1" --fail-at "$2" || return
	conf "$T/f" "port = $SMTP_PORT" "tls = no"
	out=$("$SEND" "$T/f" support@example.com "$T/m" a@example.org); rc=$?
	is "$rc" "$3" "$4"
	like "$out" "^[a-z]+ $1 " "the reply is the server's $1"
	is "$(smtp_rejected)" 1 "the sink refused it once"
	smtp_down
}
try 451 rcpt 1 "451 to RCPT: try later"
try 450 data 1 "450 to DATA: try later"
try 550 data 2 "550 to DATA: never"
try 554 rcpt 2 "554 to RCPT: never"
smtp_up --fail 451 --fail-at data --fail-times 1
conf "$T/f" "port = $SMTP_PORT" "tls = no"
"$SEND" "$T/f" support@example.com "$T/m" a@example.org >/dev/null
"$SEND" "$T/f" support@example.com "$T/m" a@example.org >/dev/null
is "$?" 0 "after a 451 the next try gets through"
is "$(smtp_count)" 1 "exactly one copy arrived"
smtp_down

# ---- a server that is not there, a name the certificate does not have -----
conf "$T/gone" "port = $P" "tls = no" "timeout = 5"
out=$("$SEND" "$T/gone" support@example.com "$T/m" a@example.org); rc=$?
is "$rc" 3 "nobody listening: down"
like "$out" "127\\.0\\.0\\.1:$P" "the reply names the server"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -days 2 -subj /CN=mail.example.com \
    -addext "subjectAltName=DNS:mail.example.com" \
    -keyout "$T/dovecot/key.pem" -out "$T/dovecot/cert.pem" 2>/dev/null
smtp_up --tls || { echo "Bail out! no sink"; exit 1; }
conf "$T/name" "port = $SMTP_PORT" "ca-file = $T/dovecot/cert.pem"
n=$(smtp_count)
out=$("$SEND" "$T/name" support@example.com "$T/m" a@example.org); rc=$?
is "$rc" 3 "a trusted certificate for another host name: down"
like "$out" 'name|match|subject' "the reply says the name does not match"
is "$(smtp_count)" "$n" "nothing was sent"

done_testing
