/* helpq - test-safe.c: text from mail made safe for a terminal. */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "safe.h"
#include "../tap.h"

static void
check(const char *in, int flags, const char *want, const char *name)
{
	char	*got = safe_dup(in, flags);

	is_str(got, want, "%s", name);
	free(got);
}

int
main(void)
{
	check("plain text", 0, "plain text", "ASCII kept");
	check("Grüße καλημέρα 日本 😀", 0, "Grüße καλημέρα 日本 😀",
	    "UTF-8 kept");
	check("\x1b]0;title\x07", 0, "?]0;title?", "OSC title: ESC and BEL");
	check("\x1b[31mred", 0, "?[31mred", "SGR: ESC");
	check("a\x7f" "b", 0, "a?b", "DEL");
	check("a\xc2\x9b" "31m", 0, "a?31m", "C1 CSI (U+009B)");
	check("a\xc2\x85" "b\xc2\xa0" "c", 0, "a?b\xc2\xa0" "c",
	    "C1 NEL replaced, U+00A0 kept");
	check("evil\xe2\x80\xae" "moc.elpmaxe", 0, "evil?moc.elpmaxe",
	    "RIGHT-TO-LEFT OVERRIDE");
	check("\xe2\x80\xaa\xe2\x81\xa6\xe2\x81\xa9x", 0, "???x",
	    "embedding and isolates");
	check("\xe2\x80\x8f" "x", 0, "\xe2\x80\x8f" "x",
	    "RIGHT-TO-LEFT MARK kept (it moves nothing)");
	check("a\xff" "b\xc3", 0, "a?b?", "bytes that are not UTF-8");
	check("\xc0\xaf\xed\xa0\x80", 0, "?????",
	    "overlong form and surrogate");
	check("\xe2\x82", 0, "??", "a cut character");
	check("one\r\ntwo\tthree\nfour", 0, "one  two three four",
	    "one line: CR, LF and tab are blanks");
	check("one\r\ntwo\tthree\rfour\n", SAFE_LINES,
	    "one\ntwo\tthree four\n", "lines: newlines and tabs kept");
	check("a\x1b" "b\n", SAFE_LINES, "a?b\n", "lines: ESC still replaced");
	check(NULL, 0, "(null)", "NULL");
	return (done_testing());
}
