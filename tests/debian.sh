#!/bin/sh
# helpq - tests/debian.sh: the Debian package from end to end. A clean
# tree of what is committed (git archive HEAD) builds with
# dpkg-buildpackage -us -uc -b; lintian finds no error; dpkg -i installs
# it: the program runs, the helpq user is made (sysusers.d) with its
# state directory (tmpfiles.d), the configuration is a conffile that a
# reinstall leaves alone, the units verify and none is enabled, helpq
# check passes as the helpq user; dpkg --purge leaves nothing of it.
#
# Not part of make check: it takes minutes and installs a package on
# the machine. .ci/run runs it as root on a throwaway machine:
#     sh tests/debian.sh
# It refuses to run over a helpq installed some other way.
TOP_SRCDIR=${TOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
HELPQ=/usr/bin/helpq
export TOP_SRCDIR HELPQ
. "$TOP_SRCDIR/tests/lib.sh"
export LC_ALL=C.UTF-8

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP installs a package: run as root (on a throwaway machine)"
	exit 0
fi
for c in git dpkg-buildpackage lintian; do
	command -v "$c" >/dev/null 2>&1 ||
		{ echo "Bail out! $c is missing (contrib/debian-packages/test)"; exit 1; }
done
if dpkg-query -W -f='${Status}' helpq 2>/dev/null | grep -q 'installed$' ||
    [ -e /usr/bin/helpq ] || [ -e /etc/helpq ]; then
	echo "Bail out! helpq is already installed here (/usr/bin/helpq, /etc/helpq or the package): not touching it"
	exit 1
fi

# Whatever happens, the package goes again (and its processes with it).
installed=
cleanup() {
	if [ -n "$installed" ]; then
		pkill -u helpq 2>/dev/null
		dpkg --purge helpq >/dev/null 2>&1
	fi
	rm -rf "$T"
}
trap cleanup EXIT

units="helpq.service helpq@.service helpq-poll.service helpq-poll.timer
helpq-tick.service helpq-tick.timer"

# The tree: what is committed, nothing a build left in the checkout.
git -c safe.directory="$TOP_SRCDIR" -C "$TOP_SRCDIR" archive --prefix=src/ HEAD |
    tar -x -C "$T"
ok_rc $? "git archive HEAD makes a clean tree"
version=$(cd "$T/src" && dpkg-parsechangelog -S Version)
like "$version" '^[0-9][0-9.]*-[0-9]+$' "debian/changelog names version $version"
like "$version" "^$(sed -n 's/^AC_INIT(\[helpq\], \[\([^]]*\)\].*/\1/p' "$T/src/configure.ac")-" \
    "the same upstream version as configure.ac"

(cd "$T/src" && dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1
rc=$?
ok_rc $rc "dpkg-buildpackage -us -uc -b builds it"
[ $rc -eq 0 ] || tail -40 "$T/build.log" | sed 's/^/#   /'
arch=$(dpkg --print-architecture)
deb=$T/helpq_${version}_$arch.deb
changes=$T/helpq_${version}_$arch.changes
ok_rc "$([ -f "$deb" ] && [ -f "$changes" ]; echo $?)" "the .deb and the .changes are there"
diag "built: $(cd "$T" && echo *.deb *.changes)"

# lintian: every line shown, an error fails.
lintian -I --pedantic "$changes" >"$T/lintian" 2>&1
sed 's/^/# lintian: /' "$T/lintian"
is "$(grep -c '^E:' "$T/lintian")" 0 "lintian finds no error"

# Install.
dpkg -i "$deb" >"$T/install.log" 2>&1
rc=$?
installed=yes
ok_rc $rc "dpkg -i installs it"
[ $rc -eq 0 ] || sed 's/^/#   /' "$T/install.log"
is "$(dpkg-query -W -f='${Status}' helpq 2>&1)" "install ok installed" "dpkg has it installed"
like "$(/usr/bin/helpq --version 2>&1)" "^helpq ${version%-*}\$" \
    "/usr/bin/helpq --version says ${version%-*}"

# The user (sysusers.d) and its state directory (tmpfiles.d).
pw=$(getent passwd helpq)
ok_rc $? "the helpq user is there (systemd-sysusers ran)"
is "$(echo "$pw" | cut -d: -f6,7)" "/var/lib/helpq:/usr/sbin/nologin" \
    "with home /var/lib/helpq and no login shell"
like "$(echo "$pw" | cut -d: -f3)" '^[0-9]+$' "a system user (uid $(echo "$pw" | cut -d: -f3))"
[ "$(echo "$pw" | cut -d: -f3)" -lt 1000 ] 2>/dev/null
ok_rc $? "below 1000"
is "$(stat -c '%U:%G %a' /var/lib/helpq 2>&1)" "helpq:helpq 750" \
    "/var/lib/helpq is helpq's, mode 750 (systemd-tmpfiles ran)"

# The configuration: there, a conffile, kept over a reinstall.
ok_rc "$([ -f /etc/helpq/helpq.conf ]; echo $?)" "/etc/helpq/helpq.conf is there"
ok_rc "$([ -d /etc/helpq/rules.d ]; echo $?)" "and /etc/helpq/rules.d"
like "$(dpkg-query -W -f='${Conffiles}' helpq)" '^ /etc/helpq/helpq\.conf [0-9a-f]{32}$' \
    "/etc/helpq/helpq.conf is the package's one conffile"

# What make install installs, where Debian wants it.
for f in /usr/share/man/man1/helpq.1.gz /usr/share/man/man5/helpq.conf.5.gz \
    /usr/share/man/man5/helpq.rules.5.gz /usr/share/helpq/rules/00-spam.rules \
    /usr/share/helpq/templates/en/ack /usr/share/doc/helpq/copyright \
    /usr/share/doc/helpq/examples/helpq.conf.example \
    /usr/share/bash-completion/completions/helpq \
    /usr/lib/sysusers.d/helpq.conf /usr/lib/tmpfiles.d/helpq.conf; do
	ok_rc "$([ -f "$f" ]; echo $?)" "$f is installed"
done
is "$(man -w helpq 2>&1)" /usr/share/man/man1/helpq.1.gz "man finds helpq(1)"

# The units: in /lib/systemd/system, they verify, none is enabled.
for u in $units; do
	ok_rc "$([ -f "/lib/systemd/system/$u" ]; echo $?)" "/lib/systemd/system/$u is installed"
done
(cd /lib/systemd/system && systemd-analyze verify helpq.service \
    helpq@support.service helpq-poll.service helpq-poll.timer \
    helpq-tick.service helpq-tick.timer) >"$T/verify" 2>&1
ok_rc $? "systemd-analyze verify passes every unit"
is "$(cat "$T/verify")" "" "without a word (man pages found)"
for u in helpq.service helpq-poll.timer helpq-tick.timer; do
	is "$(systemctl --root=/ is-enabled "$u" 2>&1)" disabled \
	    "$u is not enabled (no mailbox is configured yet)"
done
if [ -d /run/systemd/system ]; then
	for u in helpq.service helpq-poll.timer helpq-tick.timer; do
		is "$(systemctl is-active "$u" 2>&1)" inactive "$u was not started"
	done
else
	skip 3 "systemd is not running here: nothing could be started"
fi

# The skeleton is a configuration helpq accepts, read as the helpq user.
out=$(runuser -u helpq -- /usr/bin/helpq --config /etc/helpq/helpq.conf check 2>&1)
ok_rc $? "runuser -u helpq -- helpq --config /etc/helpq/helpq.conf check passes"
like "$out" "[0-9]+ rules in 2 files OK" "with the shipped rules"

# The desk starts as its unit starts it: helpq@desk.service's command,
# as the helpq user, in its state directory, against a Dovecot and an
# SMTP sink of the test's own; ready once logged in (sd_notify), a
# clean stop on SIGTERM. The password is root:helpq 0640, as the README
# says to install it. doctor passes, as the helpq user and as root.
. "$TOP_SRCDIR/tests/servers.sh"
desk_up
install -m 640 -o root -g helpq "$T/pw" /etc/helpq/desk-imap-password
install -m 644 "$DOVECOT_CA" /etc/helpq/desk-ca.pem
sed -e "s|^password-file = .*|password-file = /etc/helpq/desk-imap-password|" \
    -e "s|^ca-file = .*|ca-file = /etc/helpq/desk-ca.pem|" \
    -e "/^database = /d" -e "/^templates = /d" -e "s|^path = .*|path = /usr/share/helpq/rules|" \
    "$T/c" >/etc/helpq/desk.conf
chmod 644 /etc/helpq/desk.conf
out=$(runuser -u helpq -- /usr/bin/helpq --config /etc/helpq/desk.conf doctor 2>&1)
ok_rc $? "helpq doctor as the helpq user passes"
[ -z "$(printf '%s\n' "$out" | grep '^FAILED')" ] || printf '%s\n' "$out" | sed 's/^/#   /'
out=$(/usr/bin/helpq --config /etc/helpq/desk.conf doctor 2>&1)
ok_rc $? "helpq doctor as root passes, the helpq user's access included"
[ -z "$(printf '%s\n' "$out" | grep '^FAILED')" ] || printf '%s\n' "$out" | sed 's/^/#   /'
like "$out" "^ok +user +helpq can read the IMAP password /etc/helpq/desk-imap-password$" \
    "the root:helpq 0640 password is the helpq user's to read"
install -d -m 750 -o helpq -g helpq /var/lib/helpq/desk
rm -f "$T/notify"
"$PY" -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o777)
with open(sys.argv[2], "a") as log:
    while True:
        log.write(s.recv(4096).decode().replace("\n", "|") + "\n"); log.flush()
' "$T/notify" "$T/notify.log" &
npid=$!
_srv_wait 10 test -S "$T/notify"
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/helpq@.service | sed 's/%i/desk/g')
runuser -u helpq -- env STATE_DIRECTORY=/var/lib/helpq/desk NOTIFY_SOCKET="$T/notify" \
    $exec_start 2>"$T/desk.log" &
dpid=$!
_srv_wait 20 grep -q '^READY=1' "$T/notify.log"
ok_rc $? "helpq@desk's command starts and says it is ready"
ok_rc "$([ -s /var/lib/helpq/desk/helpq.db ]; echo $?)" "its database is in /var/lib/helpq/desk"
is "$(stat -c %U /var/lib/helpq/desk/helpq.db 2>&1)" helpq "the helpq user's"
kill -TERM $(pgrep -u helpq -f 'helpq --config /etc/helpq/desk.conf run') 2>/dev/null
wait "$dpid"
is "$?" 0 "SIGTERM stops it cleanly"
is "$(tail -1 "$T/notify.log")" "STOPPING=1" "saying so"
kill "$npid" 2>/dev/null
rm -f /etc/helpq/desk.conf /etc/helpq/desk-imap-password /etc/helpq/desk-ca.pem

# Installing again (an upgrade's path through the scripts) keeps the
# administrator's configuration.
echo "# changed by the administrator" >>/etc/helpq/helpq.conf
cp /etc/helpq/helpq.conf "$T/mine"
dpkg -i "$deb" >"$T/reinstall.log" 2>&1
rc=$?
ok_rc $rc "dpkg -i again succeeds"
[ $rc -eq 0 ] || sed 's/^/#   /' "$T/reinstall.log"
is "$(cmp "$T/mine" /etc/helpq/helpq.conf && echo same)" same \
    "and leaves the changed configuration alone"

is "$(pgrep -u helpq 2>/dev/null | wc -l | tr -d ' ')" 0 "no process of the helpq user is running"

# Purge: nothing of it is left but the user (Debian keeps system users).
dpkg --purge helpq >"$T/purge.log" 2>&1
rc=$?
ok_rc $rc "dpkg --purge helpq succeeds"
[ $rc -eq 0 ] || sed 's/^/#   /' "$T/purge.log"
case $(dpkg-query -W -f='${Status}' helpq 2>/dev/null) in
'' | *' not-installed') ok_rc 0 "dpkg has it as not installed" ;;
*) ok_rc 1 "dpkg has it as not installed" ;;
esac
for f in /usr/bin/helpq /etc/helpq /var/lib/helpq /usr/share/helpq \
    /usr/share/doc/helpq /usr/lib/sysusers.d/helpq.conf \
    /usr/lib/tmpfiles.d/helpq.conf /usr/share/bash-completion/completions/helpq; do
	ok_rc "$([ ! -e "$f" ]; echo $?)" "$f is gone"
done
is "$(find /lib/systemd/system /etc/systemd -name 'helpq*' 2>/dev/null)" "" \
    "so are the units, and no link to one"
is "$(grep -l helpq /var/lib/systemd/deb-systemd-helper-enabled/* 2>/dev/null)" "" \
    "nor deb-systemd-helper's state"
installed=

done_testing
