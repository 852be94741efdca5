/*
 * helpq - test-args.c: command lines into options and operands, a table
 * of words and what args_parse must make of them.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "buf.h"
#include "../tap.h"

static const struct args_opt own[] = {
	{ "json", 0, NULL, 'j', "print JSON" },
	{ "limit", 0, "N", 'l', "at most N" },
	{ "language", 0, "CODE", 'L', "a language" },
	{ "explain", 'e', NULL, 'e', "explain" },
	{ NULL, 0, NULL, 0, NULL }
};

static const struct args_opt globals[] = {
	{ "config", 'c', "FILE", 'c', "configuration" },
	{ "db", 'd', "FILE", 'd', "database" },
	{ "quiet", 'q', NULL, 'q', "quiet" },
	{ "verbose", 'v', NULL, 'v', "verbose" },
	{ "help", 'h', NULL, 'h', "help" },
	{ NULL, 0, NULL, 0, NULL }
};

/*
 * Each case: the words (split at blanks), the flags, and what comes out:
 * the options in order as "key=value" or "key" (upper case for the
 * global table: 'C' is -c), then "|" and the operands; or "!" and the
 * error.
 */
static const struct {
	const char	*words;
	int		 flags;
	const char	*want;
} cases[] = {
	{ "3 --json", 0, "j | 3" },
	{ "--json 3", 0, "j | 3" },
	{ "a --limit 5 b", 0, "l=5 | a b" },
	{ "a --limit=5 b", 0, "l=5 | a b" },
	{ "--limit= a", 0, "l= | a" },
	{ "--lim 7", 0, "l=7 |" },
	{ "--l 7", 0, "! ambiguous option '--l'" },
	{ "--js", 0, "j |" },
	{ "--json=yes", 0, "! option '--json' takes no argument" },
	{ "--limit", 0, "! option '--limit' needs an argument (N)" },
	{ "--bogus x", 0, "! unknown option '--bogus'" },
	{ "-x", 0, "! unknown option '-x'" },
	{ "-qv x", 0, "Q V | x" },
	{ "-qcFILE x", 0, "Q C=FILE | x" },
	{ "-c FILE x -e", 0, "C=FILE e | x" },
	{ "-c", 0, "! option '-c' needs an argument (FILE)" },
	{ "x --db other.db --json", 0, "D=other.db j | x" },
	{ "- --json", 0, "j | -" },
	{ "a -- --json -q", 0, "| a --json -q" },
	{ "-- -- x", 0, "| -- x" },
	/* tag: after the ticket number -word is a tag. */
	{ "3 +billing -urgent", ARGS_DASH_WORDS, "| 3 +billing -urgent" },
	{ "-q 3 -q -v", ARGS_DASH_WORDS, "Q | 3 -q -v" },
	{ "3 -urgent --db x", ARGS_DASH_WORDS, "D=x | 3 -urgent" },
	{ "3 --urgent", ARGS_DASH_WORDS, "! unknown option '--urgent'" },
	{ "3 -- --urgent", ARGS_DASH_WORDS, "| 3 --urgent" },
	/* The global options before the command name. */
	{ "-q --db x show 3 --json", ARGS_STOP, "Q D=x | show 3 --json" },
	{ "show -q", ARGS_STOP, "| show -q" },
	{ "-q", ARGS_STOP, "Q |" },
	{ "", 0, "|" },
};

static char *
run(const char *words, int flags)
{
	const struct args_opt	*tables[2] = { own, globals };
	struct args		 a;
	struct buf		 b;
	char			*copy, *w, *argv[32], *out;
	size_t			 t;
	int			 argc = 0, i, key;

	copy = strdup(words);
	for (w = strtok(copy, " "); w != NULL && argc < 32;
	    w = strtok(NULL, " "))
		argv[argc++] = w;
	buf_init(&b);
	if (args_parse(&a, argc, argv, tables, 2, flags) != 0)
		buf_addf(&b, "! %s", a.error);
	else {
		/* In the order given, whichever table. */
		for (i = 0; (size_t)i < a.nitems; i++) {
			t = a.items[i].table;
			key = a.items[i].opt->key;
			buf_addf(&b, "%s%c", i > 0 ? " " : "", t == 1 ?
			    key - 'a' + 'A' : key);
			if (a.items[i].value != NULL)
				buf_addf(&b, "=%s", a.items[i].value);
		}
		buf_addf(&b, "%s|", a.nitems > 0 ? " " : "");
		for (i = 0; i < a.argc; i++)
			buf_addf(&b, " %s", a.argv[i]);
		if (a.argv[a.argc] != NULL)
			buf_adds(&b, " (operands not NULL-terminated)");
	}
	args_free(&a);
	free(copy);
	out = strdup(buf_cstr(&b));
	buf_free(&b);
	return (out);
}

int
main(void)
{
	const struct args_opt	*tables[2] = { own, globals };
	struct args		 a;
	char			*got, *argv[] = { "x", "--json", "-q",
				    "--limit", "3", "--json" };
	const char		*val;
	size_t			 i;
	int			 n;

	for (i = 0; i < nitems(cases); i++) {
		got = run(cases[i].words, cases[i].flags);
		is_str(got, cases[i].want, "'%s'", cases[i].words);
		free(got);
	}

	/* args_next walks one table, and starts again after the end. */
	ok(args_parse(&a, 6, argv, tables, 2, 0) == 0, "parsed");
	ok(args_next(&a, 0, &val) == 'j' && val == NULL, "first --json");
	ok(args_next(&a, 0, &val) == 'l' && strcmp(val, "3") == 0,
	    "then --limit 3, -q skipped");
	ok(args_next(&a, 0, &val) == 'j', "second --json");
	ok(args_next(&a, 0, &val) == -1 && val == NULL, "then no more");
	for (n = 0; args_next(&a, 1, &val) != -1; n++)
		;
	ok(n == 1, "one global option, from the start again");
	ok(args_has(&a, 1, 'q') && !args_has(&a, 0, 'q') &&
	    args_has(&a, 0, 'l'), "args_has looks in its table only");
	ok(a.argc == 1 && strcmp(a.argv[0], "x") == 0, "one operand");
	args_free(&a);

	/* A sequence of tables in which one table's names shadow another's:
	 * the first table wins on an exact name. */
	{
		static const struct args_opt shadow[] = {
			{ "db", 0, NULL, 'X', "the command's own --db" },
			{ NULL, 0, NULL, 0, NULL }
		};
		const struct args_opt	*t2[2] = { shadow, globals };
		char			*v2[] = { "--db" };

		ok(args_parse(&a, 1, v2, t2, 2, 0) == 0 && a.nitems == 1 &&
		    a.items[0].table == 0, "an exact name in the first table "
		    "wins");
		args_free(&a);
	}
	return (done_testing());
}
