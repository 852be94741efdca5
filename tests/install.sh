#!/bin/sh
# helpq - tests/install.sh: make install into a DESTDIR, file by file;
# the paths compiled in and in the man pages agree with the configured
# ones; the systemd units verify and are hardened (systemd-analyze); the
# skeleton configuration is never written over; make uninstall takes
# back what install put there.
. "$TOP_SRCDIR/tests/lib.sh"
: "${INST_DIRS:?make check sets INST_DIRS}"
eval "$INST_DIRS"
D=$T/root

make -s -C "$TOP_BUILDDIR" install DESTDIR="$D" >"$T/install.log" 2>&1 ||
	{ sed 's/^/#   /' "$T/install.log"; false; }
ok_rc $? "make install DESTDIR=... succeeds"

has() {	# has PATH [MODE]: installed, as a regular file
	[ -f "$D$1" ] && [ ! -L "$D$1" ] || { is "missing" "there" "$1 is installed"; return; }
	if [ -n "${2:-}" ]; then
		is "$(stat -c %a "$D$1")" "$2" "$1 is installed, mode $2"
	else
		ok_rc 0 "$1 is installed"
	fi
}
has "$bindir/helpq" 755
has "$mandir/man1/helpq.1" 644
has "$mandir/man5/helpq.conf.5" 644
has "$mandir/man5/helpq.rules.5" 644
has "$pkgdatadir/rules/00-spam.rules" 644
has "$pkgdatadir/rules/10-automated.rules" 644
for l in "$TOP_SRCDIR"/templates/*/; do
	l=$(basename "$l")
	n=$(find "$D$pkgdatadir/templates/$l" -type f 2>/dev/null | wc -l | tr -d ' ')
	is "$n" "$(ls "$TOP_SRCDIR/templates/$l" | wc -l | tr -d ' ')" \
	    "every template of $l is installed"
done
has "$docdir/examples/helpq.conf.example"
has "$docdir/examples/routing.rules"
has "$docdir/examples/helpq.cron"
has "$sysconfdir/helpq/helpq.conf" 644
ok_rc "$([ -d "$D$sysconfdir/helpq/rules.d" ]; echo $?)" \
    "$sysconfdir/helpq/rules.d is made for the desk's own rules"
has "$completiondir/helpq"
for u in helpq.service helpq@.service helpq-poll.service helpq-poll.timer \
    helpq-tick.service helpq-tick.timer; do
	has "$unitdir/$u" 644
done
has "$sysusersdir/helpq.conf"
has "$tmpfilesdir/helpq.conf"
like "$(cat "$D$sysusersdir/helpq.conf")" '^u helpq - ' "sysusers.d makes the helpq system user"
like "$(cat "$D$tmpfilesdir/helpq.conf")" '^d /var/lib/helpq 0750 helpq helpq' \
    "tmpfiles.d makes its state directory"

# Every installed file that names a path names the configured one.
left=$(grep -rlI '@[a-zA-Z_]*@' "$D" 2>/dev/null | sed "s|^$D||")
is "$left" "" "no @placeholder@ is left in what is installed"
like "$(cat "$D$mandir/man1/helpq.1")" "^\.Pa $sysconfdir/helpq/helpq\.conf" \
    "helpq(1) names the configuration where helpq reads it"
like "$(cat "$D$mandir/man5/helpq.conf.5")" "$localstatedir/lib/helpq/helpq\.db" \
    "helpq.conf(5) names root's database where helpq keeps it"
like "$(cat "$D$mandir/man5/helpq.conf.5")" "$pkgdatadir/templates" \
    "and the shipped templates where they are"
for s in "$sysconfdir/helpq/helpq.conf" "$sysconfdir/helpq/rules.d" \
    "$pkgdatadir/rules" "$pkgdatadir/templates" \
    "$localstatedir/lib/helpq/helpq.db"; do
	grep -q -a -F "$s" "$D$bindir/helpq"
	ok_rc $? "the program has $s compiled in"
done
like "$(cat "$D$unitdir/helpq.service")" "^ExecStart=$bindir/helpq --config $sysconfdir/helpq/helpq.conf run" \
    "the unit starts the installed program with the installed configuration"
like "$(cat "$D$unitdir/helpq.service")" "^Type=$servicetype$" \
    "Type=$servicetype (libsystemd: notify)"
like "$(cat "$D$unitdir/helpq.service")" "^WatchdogSec=$watchdog$" \
    "WatchdogSec=$watchdog (libsystemd: 10min; without, helpq cannot ping it)"

# The skeleton is a configuration helpq accepts (its shipped rules
# where DESTDIR put them).
sed "s|$pkgdatadir|$D$pkgdatadir|g; s|$sysconfdir/helpq/rules.d|$D$sysconfdir/helpq/rules.d|g" \
    "$D$sysconfdir/helpq/helpq.conf" >"$T/skel.conf"
out=$(HOME=$T "$D$bindir/helpq" -c "$T/skel.conf" check 2>&1)
ok_rc $? "helpq check accepts the skeleton configuration"
like "$out" "[0-9]+ rules in 2 files OK" "with the shipped rules"

# A second install leaves the administrator's configuration alone.
echo "# changed by the administrator" >>"$D$sysconfdir/helpq/helpq.conf"
cp "$D$sysconfdir/helpq/helpq.conf" "$T/mine"
out=$(make -s -C "$TOP_BUILDDIR" install DESTDIR="$D" 2>&1)
ok_rc $? "installing again succeeds"
like "$out" "helpq.conf is there: left as it is" "and says the configuration stays"
is "$(cmp "$T/mine" "$D$sysconfdir/helpq/helpq.conf" && echo same)" same \
    "the changed configuration is not written over"

# systemd: the units as installed, the program where DESTDIR put it.
if command -v systemd-analyze >/dev/null; then
	mkdir "$T/units"
	for u in "$D$unitdir"/*; do
		sed "s|$bindir/helpq|$D$bindir/helpq|g" "$u" >"$T/units/${u##*/}"
	done
	cp "$T/units/helpq@.service" "$T/units/helpq@support.service"
	(cd "$T/units" && MANPATH=$D$mandir systemd-analyze verify \
	    ./helpq.service ./helpq@support.service ./helpq-poll.service \
	    ./helpq-poll.timer ./helpq-tick.service ./helpq-tick.timer) \
	    >"$T/verify" 2>&1
	ok_rc $? "systemd-analyze verify passes every unit"
	is "$(cat "$T/verify")" "" "without a word"
	for u in helpq.service helpq@support.service helpq-poll.service \
	    helpq-tick.service; do
		out=$(cd "$T/units" && systemd-analyze security --offline=true \
		    --threshold=19 "./$u" 2>&1)
		ok_rc $? "$u: systemd-analyze security exposure under 2.0"
		diag "$(printf '%s\n' "$out" | tail -1)"
	done
else
	echo "not ok - systemd-analyze is missing (Debian: systemd)"
	_failed=$((_failed + 1))
	_n=$((_n + 1))
fi

# Uninstall: everything install put there goes, except what was changed.
make -s -C "$TOP_BUILDDIR" uninstall DESTDIR="$D" >"$T/uninstall.log" 2>&1
ok_rc $? "make uninstall succeeds"
is "$(find "$D" -type f | sed "s|^$D||")" "$sysconfdir/helpq/helpq.conf" \
    "and leaves only the changed configuration"
rm -f "$D$sysconfdir/helpq/helpq.conf"
make -s -C "$TOP_BUILDDIR" install DESTDIR="$D" >/dev/null 2>&1
make -s -C "$TOP_BUILDDIR" uninstall DESTDIR="$D" >/dev/null 2>&1
is "$(find "$D" -type f | sed "s|^$D||")" "" \
    "an unchanged skeleton goes with the rest"

done_testing
