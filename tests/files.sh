#!/bin/sh
# helpq - files.sh: the files helpq makes are private whatever the umask;
# links planted at a lock file or in a Maildir are refused; mbox files are
# read (not mapped) and locked the way the MTA locks them.
. "$TOP_SRCDIR/tests/lib.sh"

msg() {	# msg ID SUBJECT: one small message on stdout
	printf 'From: Customer <customer@example.com>\nTo: support@example.com\n'
	printf 'Subject: %s\nMessage-ID: <%s@example.com>\n' "$2" "$1"
	printf 'Date: Mon, 1 Jan 2024 10:00:00 +0000\n\nHello %s\n' "$1"
}
mode() { stat -c %a "$1"; }

cat > "$T/conf" <<CONF
[helpq]
address = support@example.com
CONF

# ---- modes, under umask 000, in directories that do not exist yet ----
DB=$T/new/dir/h.db
mkfifo "$T/fifo"
(umask 000; exec "$HELPQ" -q -c "$T/conf" --db "$DB" import - \
    < "$T/fifo" > "$T/out" 2>&1) &
pid=$!
exec 3> "$T/fifo"
# helpq holds the database open while it waits for the message.
i=0
while { [ ! -e "$DB-shm" ] || [ ! -e "$DB-search" ]; } && [ $i -lt 100 ]; do
	sleep 0.1; i=$((i + 1))
done
sleep 0.2
ls "$DB"* > "$T/files" 2>/dev/null
for f in "$DB" "$DB-wal" "$DB-shm" "$DB-search"; do
	grep -qx -- "$f" "$T/files"; ok_rc $? "$(basename "$f") exists while helpq runs"
done
for f in $(cat "$T/files"); do
	[ -e "$f" ] || continue		# a journal that came and went
	is "$(mode "$f")" 600 "umask 000: $(basename "$f") is 0600"
done
msg m1 "first" >&3
exec 3>&-
wait $pid; is "$?" 0 "import from stdin exits 0"
is "$(mode "$T/new")" 700 "umask 000: a directory helpq made is 0700"
is "$(mode "$T/new/dir")" 700 "umask 000: the database's directory is 0700"
is "$(mode "$DB")" 600 "the database stays 0600"

cat > "$T/conf-net" <<CONF
[helpq]
address = support@example.com
templates = $TOP_SRCDIR/templates
[imap]
host = 127.0.0.1
port = 1
tls = no
user = u
password-env = NOPE
[smtp]
host = 127.0.0.1
port = 1
tls = no
CONF
(umask 000; "$HELPQ" -q -c "$T/conf-net" --db "$DB" poll > /dev/null 2>&1)
is "$(mode "$DB.lock")" 600 "umask 000: DB.lock is 0600"
(umask 000; "$HELPQ" -q -c "$T/conf-net" --db "$DB" send > /dev/null 2>&1)
is "$(mode "$DB.send.lock")" 600 "umask 000: DB.send.lock is 0600"

# ---- a symbolic link at a lock file is refused, its target untouched ----
printf 'precious\n' > "$T/victim"
rm -f "$DB.lock" "$DB.send.lock"
ln -s "$T/victim" "$DB.lock"
"$HELPQ" -c "$T/conf-net" --db "$DB" poll > /dev/null 2> "$T/err"; rc=$?
is "$rc" 73 "poll with a symlink at DB.lock: refused (status 73)"
like "$(cat "$T/err")" "h\.db\.lock: a symbolic link" "saying so"
is "$(cat "$T/victim")" precious "the link's target is untouched"
rm -f "$DB.lock"
ln "$T/victim" "$DB.lock"
"$HELPQ" -c "$T/conf-net" --db "$DB" poll > /dev/null 2> "$T/err"; rc=$?
is "$rc" 73 "poll with a hard link at DB.lock: refused (status 73)"
is "$(cat "$T/victim")" precious "the other file is untouched"
rm -f "$DB.lock"
ln -s "$T/victim" "$DB.send.lock"
"$HELPQ" -c "$T/conf-net" --db "$DB" send > /dev/null 2> "$T/err"; rc=$?
ok_rc $((rc != 0 ? 0 : 1)) "send with a symlink at DB.send.lock fails"
like "$(cat "$T/err")" "send\.lock: a symbolic link" "saying so"
is "$(cat "$T/victim")" precious "the link's target is untouched"
rm -f "$DB.send.lock"

# ---- links and other non-files in a Maildir are skipped ----
MD=$T/Maildir
mkdir -p "$MD/cur" "$MD/new" "$MD/tmp"
msg real "a real message" > "$MD/new/1.host"
msg shadow "shadow-secret" > "$T/shadow"
ln -s "$T/shadow" "$MD/cur/2.host:2,S"
ln -s "$T/shadow" "$MD/new/3.host"
mkfifo "$MD/new/4.host"
DB2=$T/md.db
timeout 10 "$HELPQ" -c "$T/conf" --db "$DB2" import "$MD" > "$T/out" 2> "$T/err"
is "$?" 0 "import of a Maildir with links exits 0"
like "$(cat "$T/out")" "^1 message: 1 new ticket," "one message imported"
is "$(grep -c 'a symbolic link, not a message; skipped' "$T/err")" 2 \
    "a warning for each link"
like "$(cat "$T/err")" "4\.host: not a regular file; skipped" "and for the FIFO"
is "$("$HELPQ" -c "$T/conf" --db "$DB2" tickets --json | json \
    '[t["subject"] for t in j]')" '["a real message"]' \
    "the link's target is not in the store"

# ---- mbox: read, not mapped; locked as the MTA locks it ----
"$PY" - "$T/big.mbox" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        f.write("From sender@example.com Mon Jan  1 10:00:00 2024\n"
                "From: Customer %d <c%d@example.com>\n"
                "To: support@example.com\nSubject: order %d\n"
                "Message-ID: <big%d@example.com>\n"
                "Date: Mon, 1 Jan 2024 10:00:00 +0000\n\n" % (i, i, i, i))
        f.write(("line of text for message %d\n" % i) * 60 + "\n")
PY
DB3=$T/mbox.db
"$HELPQ" -q -c "$T/conf" --db "$DB3" import "$T/big.mbox" &
pid=$!
# Once helpq has read some of the file (its descriptor's offset has
# moved; a mapping counts too), cut it to nothing.
read_some() {
	local fd
	grep -q big.mbox "/proc/$pid/maps" 2>/dev/null && return 0
	for fd in /proc/$pid/fd/*; do
		case $(readlink "$fd" 2>/dev/null) in
		*/big.mbox) ;;
		*) continue ;;
		esac
		[ "$(awk '/^pos:/ { print $2 }' "/proc/$pid/fdinfo/${fd##*/}" 2>/dev/null)" -gt 0 ] 2>/dev/null &&
		    return 0
	done
	return 1
}
i=0
until read_some; do
	[ $i -lt 1000 ] || break
	sleep 0.01; i=$((i + 1))
done
truncate -s 0 "$T/big.mbox"
wait $pid; rc=$?
is "$rc" 0 "an mbox cut short while imported: no SIGBUS, exit 0 (got $rc)"
n=$("$HELPQ" -c "$T/conf" --db "$DB3" tickets --json --limit 0 | json 'len(j)')
ok_rc $((n >= 1 && n < 3000 ? 0 : 1)) "what was read before the cut is imported ($n of 3000)"

"$PY" - "$T/box" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(3):
        f.write("From sender@example.com Mon Jan  1 10:00:00 2024\n"
                "From: c%d@example.com\nSubject: box %d\n"
                "Message-ID: <box%d@example.com>\n\nbody %d\n"
                "From the body, unescaped\n\n" % (i, i, i, i))
PY
DB4=$T/box.db
: > "$T/box.lock"
start=$(date +%s)
"$HELPQ" -c "$T/conf" --db "$DB4" import "$T/box" > /dev/null 2> "$T/err"; rc=$?
is "$rc" 75 "an mbox with a fresh dotlock: EX_TEMPFAIL (75)"
like "$(cat "$T/err")" "box: locked by another program" "saying so"
ok_rc $(($(date +%s) - start >= 4 ? 0 : 1)) "after waiting some seconds for it"
ok_rc $([ -e "$T/box.lock" ]; echo $?) "someone else's lock is left alone"
touch -d '-20 minutes' "$T/box.lock"
"$HELPQ" -c "$T/conf" --db "$DB4" import "$T/box" > "$T/out" 2> "$T/err"; rc=$?
is "$rc" 0 "a stale dotlock (20 minutes old) is broken"
like "$(cat "$T/out")" "^3 messages: 3 new tickets" "and the mbox imported"
like "$(cat "$T/err")" "stale lock" "saying so"
ok_rc $([ ! -e "$T/box.lock" ]; echo $?) "helpq removes its own dotlock"
# A deliverer's fcntl write lock, held while helpq tries.
"$PY" - "$T/box" <<'PY' &
import fcntl, sys, time
f = open(sys.argv[1], "r+")
fcntl.lockf(f, fcntl.LOCK_EX)
open(sys.argv[1] + ".held", "w").close()
time.sleep(8)
PY
lpid=$!
i=0
while [ ! -e "$T/box.held" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
"$HELPQ" -c "$T/conf" --db "$DB4" import "$T/box" > /dev/null 2> "$T/err"; rc=$?
is "$rc" 75 "an mbox under a fcntl write lock: EX_TEMPFAIL (75)"
like "$(cat "$T/err")" "locked by another program \(fcntl\)" "saying so"
kill "$lpid" 2>/dev/null; wait "$lpid" 2>/dev/null

done_testing
