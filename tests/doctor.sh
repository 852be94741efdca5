#!/bin/sh
# helpq - tests/doctor.sh: helpq doctor against real servers, a desk in
# order and one broken in each way a sysadmin meets: every failure named
# in words, a non-zero exit status, the same in --json; no mail is sent
# by it. And helpq check's warnings.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/servers.sh"
servers_need dovecot smtp

desk_up
hq() { "$HELPQ" --config "$T/c" "$@"; }
# The service's user is root unless a test names another (--user NAME
# later on the line wins), so that a helpq user on this machine, which
# cannot read the test's files, does not change the outcome.
doctor() {	# doctor CONFIG [ARGS]: sets $out and $rc
	local c=$1
	shift
	out=$("$HELPQ" --config "$c" doctor --user root "$@" 2>&1)
	rc=$?
}
fails() { printf '%s\n' "$out" | grep -c '^FAILED'; }

# ---- a desk in order ----------------------------------------------------
sed -i 's/^\[helpq\]$/[helpq]\nlanguages = de, en/' "$T/c"
hq -q poll
doctor "$T/c"
is "$rc" 0 "a desk in order: doctor exits 0"
like "$out" "^ok +config +$T/c$" "names the configuration"
like "$out" "^ok +rules +[0-9]+ rules in 2 files" "the shipped rules"
like "$out" "^ok +templates +$TOP_SRCDIR/templates$" "the templates"
like "$out" "^ok +time +time zone " "the time zone"
like "$out" "^ok +database +$T/h.db: writable, schema [0-9]+, [0-9.]+ MiB$" \
    "the database: writable, its schema and size"
like "$out" "^ok +imap +127.0.0.1: TLS certificate and host name verified, logged in as $IMAP_USER$" \
    "IMAP: TLS verified and logged in"
like "$out" "^ok +imap +incoming folder INBOX: [0-9]+ messages$" "the incoming folder is there"
like "$out" "^ok +imap +Sent folder Sent: [0-9]+ messages, writable$" "Sent is there and writable"
like "$out" "^ok +smtp +127.0.0.1: TLS verified, sender <support@example.com> of agents' replies accepted \(no mail sent\): 250" \
    "SMTP: TLS, the agents' sender accepted"
like "$out" "^ok +smtp +127.0.0.1: TLS verified, sender <> of acknowledgements accepted" \
    "and the null sender of acknowledgements"
is "$(smtp_count)" 0 "no mail was sent"
like "$out" "^0 failed, [0-9]+ warnings$" "0 failed"
doctor "$T/c" --json
is "$rc" 0 "--json: exit 0 too"
is "$(printf '%s' "$out" | json 'j["ok"], j["failures"]')" "(True, 0)" "--json: ok, no failures"
is "$(printf '%s' "$out" | json 'sorted(set(c["area"] for c in j["checks"]) - {"user"})')" \
    '["config", "database", "imap", "rules", "smtp", "templates", "time"]' \
    "--json: every area is checked"

# A language without templates of its own: a warning, in doctor and check.
sed 's/^languages = de, en$/languages = de, en, sv/' "$T/c" >"$T/c.sv"
doctor "$T/c.sv"
is "$rc" 0 "a language without templates: still exit 0"
like "$out" "^warning +templates +sv has no templates of its own: customers writing sv get the en ones" \
    "but a warning naming it"
out=$("$HELPQ" --config "$T/c.sv" check 2>&1)
like "$out" "sv has no templates of its own" "helpq check says it too"

# No rule file: a warning (a build run from the tree loads none).
mkdir "$T/empty"
sed "s|^path = .*|path = $T/empty|" "$T/c" >"$T/c.norules"
out=$("$HELPQ" --config "$T/c.norules" check 2>&1)
ok_rc $? "check with an empty rules directory still passes"
like "$out" "0 rules in 0 files" "and counts no rules"

# ---- broken, one way at a time --------------------------------------------
bad() {	# bad NAME SED-SCRIPT: $T/c.NAME, doctor run on it
	sed "$2" "$T/c" >"$T/c.$1"
	doctor "$T/c.$1"
}
printf 'wrong\n' >"$T/pw.bad"
chmod 600 "$T/pw.bad"
bad login "s|^password-file = .*|password-file = $T/pw.bad|"
is "$rc" 77 "a wrong IMAP password: 77 (EX_NOPERM)"
like "$out" "^FAILED +imap +login as $IMAP_USER at 127.0.0.1: login refused" "saying so"

bad folder "s|^sent = Sent$|sent = Sent\nfolders = INBOX, Support|"
is "$rc" 78 "a folder that is not there: 78 (EX_CONFIG)"
like "$out" "^FAILED +imap +folder Support: no such folder$" "naming it"

bad sent "s|^sent = Sent$|sent = Gesendet|"
is "$rc" 78 "no Sent folder: 78"
like "$out" "^FAILED +imap +folder Gesendet: no such folder \(\[imap\] sent" "naming it"

bad dns "s|^host = 127.0.0.1$|host = mail.helpq-test.invalid|"
is "$(fails)" 2 "a host name that does not resolve: IMAP and SMTP fail"
like "$out" "^FAILED +imap +cannot connect to mail.helpq-test.invalid port [0-9]+: the host name mail.helpq-test.invalid does not resolve" \
    "IMAP says the name does not resolve"
like "$out" "^FAILED +smtp +sender <support@example.com> of agents' replies: smtp mail.helpq-test.invalid:[0-9]+: the host name mail.helpq-test.invalid does not resolve" \
    "SMTP too"

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -days 2 -subj /CN=other -keyout "$T/other.key" -out "$T/other.pem" 2>/dev/null
bad ca "s|^ca-file = .*|ca-file = $T/other.pem|"
is "$rc" 78 "a certificate not trusted: 78"
like "$out" "^FAILED +imap +.*(certificate|trust)" "IMAP says the certificate is not trusted"
like "$out" "^FAILED +smtp +.*(certificate|SSL|verify)" "and SMTP"

chmod 644 "$T/pw"
doctor "$T/c"
is "$rc" 78 "a password file others can read: 78"
like "$out" "^FAILED +imap +IMAP password: secret file $T/pw has mode 0644" "saying why"
chmod 600 "$T/pw"

# The SMTP server refuses the sender: the sink refuses MAIL.
port=$SMTP_PORT
smtp_up --tls --fail 550 --fail-at mail
sed "s|^port = $port$|port = $SMTP_PORT|" "$T/c" >"$T/c.from"
doctor "$T/c.from"
is "$rc" 78 "a refused envelope sender: 78"
like "$out" "^FAILED +smtp +sender <support@example.com> of agents' replies: 550" \
    "with the server's words"

smtp_down "$SMTP_PORT"
doctor "$T/c.from"
is "$rc" 69 "an SMTP server that is down: 69 (EX_UNAVAILABLE)"
like "$out" "^FAILED +smtp +sender <support@example.com> of agents' replies: smtp 127.0.0.1:[0-9]+: " \
    "saying where"

# The database: not writable, and a schema from a newer helpq.
cp "$T/h.db" "$T/new.db"
"$PY" -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA user_version = 999"); c.commit()' "$T/new.db"
doctor "$T/c" --db "$T/new.db"
is "$rc" 78 "a database from a newer helpq: 78"
like "$out" "^FAILED +database +$T/new.db: writable, schema 999 \(newer than this helpq: upgrade helpq\)" \
    "saying so"
doctor "$T/c" --db "$T/nowhere/deeper/h.db"
is "$rc" 0 "a database not made yet: fine"
like "$out" "^ok +database +$T/nowhere/deeper/h.db: not yet made" "saying the first poll makes it"
doctor "$T/c" --json --db "$T/new.db"
like "$(printf '%s' "$out" | json '[c["detail"] for c in j["checks"] if c["status"] == "failed"]')" \
    "^\\[\"$T/new.db: writable, schema 999 \\(newer than this helpq: upgrade helpq\\), [0-9.]+ MiB\"\\]$" \
    "--json names the failure, and only it"

# ---- the service user (root only: what user helpq may read) --------------
if [ "$(id -u)" = 0 ]; then
	doctor "$T/c" --user nobody
	is "$rc" 77 "as root: a file the service's user cannot read is 77 (EX_NOPERM)"
	like "$out" "^FAILED +user +nobody cannot read the configuration $T/c: its mode does not let it" \
	    "nobody cannot read a 0600 configuration"
	mkdir -p "$T/closed/etc"
	cp "$T/c" "$T/closed/etc/c"
	chmod 644 "$T/closed/etc/c"
	chmod 700 "$T/closed"
	doctor "$T/closed/etc/c" --user nobody
	like "$out" "^FAILED +user +nobody cannot read the configuration $T/closed/etc/c: a directory above it does not let it in" \
	    "a readable file in a 0700 directory: not readable"
	# Made readable for the user: root:GROUP 0640 secrets, 0755 dirs.
	mkdir -p "$T/etc"
	cp "$T/c" "$T/etc/c"
	cp "$T/pw" "$T/etc/pw"
	sed -i "s|^password-file = .*|password-file = $T/etc/pw|" "$T/etc/c"
	chmod 755 "$T/etc"
	chmod 644 "$T/etc/c"
	group=$(id -gn nobody)
	chown "root:$group" "$T/etc/pw"
	chmod 640 "$T/etc/pw"
	doctor "$T/etc/c" --user nobody --db /nonexistent/h.db
	like "$out" "^ok +user +nobody can read the configuration $T/etc/c$" \
	    "a 0644 configuration in 0755 directories: readable"
	like "$out" "^ok +user +nobody can read the IMAP password $T/etc/pw$" \
	    "a root:$group 0640 password: readable by the group's user"
	doctor "$T/c" --user no-such-user-here
	like "$out" "^warning +user +no user no-such-user-here: the systemd units run as helpq" \
	    "no such user: a warning"
else
	skip 6 "the service user's checks run as root"
fi

done_testing
