#!/bin/sh
# helpq - valgrind.sh TARGET.vg: run one valgrind target, a small shell
# file in tests/valgrind/, under valgrind: no invalid access, no use of
# uninitialised memory, no leak. make check runs it as the log compiler of
# every .vg test, so -j spreads the targets over the cores.
. "$TOP_SRCDIR/tests/lib.sh"
. "$TOP_SRCDIR/tests/servers.sh"

VG="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect --suppressions=$TOP_SRCDIR/tests/valgrind.supp"

# vg_is NAME CMD...: CMD under valgrind exits 0, else show what it said.
vg_is() {
	_name=$1; shift
	"$@" > "$T/out" 2> "$T/err"
	_rc=$?
	is "$_rc" 0 "$_name under valgrind"
	[ "$_rc" = 0 ] || sed 's/^/#   /' "$T/err" | head -30
}

# vg_unit TEST: a unit test program from tests/unit.
vg_unit() { vg_is "$1" $VG "$TOP_BUILDDIR/tests/unit/$1"; }

# hq ARGS: helpq on the sample mailbox's configuration, under valgrind;
# hq_plain without it, to set up a database quickly.
hq() { $VG "$HELPQ" -c "$SAMPLE/helpq.conf" --db "$T/h.db" "$@"; }
hq_plain() { "$HELPQ" -c "$SAMPLE/helpq.conf" --db "$T/h.db" "$@"; }

[ $# = 1 ] && [ -f "$1" ] || { echo "Bail out! usage: valgrind.sh TARGET.vg"; exit 1; }
. "$1"

done_testing
