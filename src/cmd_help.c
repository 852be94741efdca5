/*
 * helpq - cmd_help.c: what the command line says about itself, all from
 * the command and option tables: "helpq --help", "helpq help COMMAND",
 * "helpq COMMAND --help", usage errors, and the words the completion
 * script offers ("helpq help --complete").
 */
#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "args.h"
#include "buf.h"
#include "cmd.h"

/* What main() registers. */
static const struct command *const	*cmd_table;
static size_t				 cmd_ntable;
static const struct args_opt		*cmd_globals;
static const struct command		*cmd_current;

/* The synopsis wraps before this column. */
#define HELP_WIDTH	78
/* Option help starts in this column. */
#define HELP_COLUMN	24

void
cmd_register(const struct command *const *v, size_t n,
    const struct args_opt *globals)
{
	cmd_table = v;
	cmd_ntable = n;
	cmd_globals = globals;
}

void
cmd_set_current(const struct command *c)
{
	cmd_current = c;
}

/* "[--name ARG]" words after "helpq name sub", wrapped. */
static void
help_synopsis(FILE *f, const struct command *c)
{
	const struct args_opt	*o;
	struct buf		 w;
	size_t			 col, indent;

	col = (size_t)fprintf(f, "usage: helpq %s%s%s", c->name,
	    c->sub != NULL ? " " : "", c->sub != NULL ? c->sub : "");
	indent = col + 1;
	buf_init(&w);
	for (o = c->opts; ; o++) {
		buf_reset(&w);
		if (o->name != NULL)
			buf_addf(&w, "[--%s%s%s]", o->name,
			    o->arg != NULL ? " " : "",
			    o->arg != NULL ? o->arg : "");
		else if (*c->operands != '\0')
			buf_adds(&w, c->operands);
		else
			break;
		if (col + 1 + w.len > HELP_WIDTH) {
			fprintf(f, "\n%*s", (int)indent, "");
			col = indent;
		} else {
			fputc(' ', f);
			col++;
		}
		fputs(buf_cstr(&w), f);
		col += w.len;
		if (o->name == NULL)
			break;
	}
	fputc('\n', f);
	buf_free(&w);
}

/* "  -c, --config FILE    what it does" */
static void
help_options(FILE *f, const struct args_opt *o)
{
	int	n;

	for (; o->name != NULL; o++) {
		if (o->letter != 0)
			n = fprintf(f, "  -%c, --%s", o->letter, o->name);
		else
			n = fprintf(f, "      --%s", o->name);
		if (o->arg != NULL)
			n += fprintf(f, " %s", o->arg);
		if (n + 2 > HELP_COLUMN)
			fprintf(f, "\n%*s", HELP_COLUMN, "");
		else
			fprintf(f, "%*s", HELP_COLUMN - n, "");
		fprintf(f, "%s\n", o->help);
	}
}

static void
help_command(FILE *f, const struct command *c)
{
	help_synopsis(f, c);
	fprintf(f, "%s\n", c->purpose);
	if (c->opts[0].name != NULL) {
		fprintf(f, "\noptions:\n");
		help_options(f, c->opts);
	}
	fprintf(f, "\nThe global options (helpq --help) may follow the "
	    "command too.\n");
}

int
cmd_help_print(const char *name, const char *sub)
{
	size_t	i;
	int	found = 0;

	for (i = 0; i < cmd_ntable; i++) {
		if (strcmp(cmd_table[i]->name, name) != 0 || (sub != NULL &&
		    (cmd_table[i]->sub == NULL ||
		    strcmp(cmd_table[i]->sub, sub) != 0)))
			continue;
		if (found++)
			putchar('\n');
		help_command(stdout, cmd_table[i]);
	}
	return (found ? 0 : -1);
}

__dead void
cmd_usage(int status)
{
	const struct command	*c;
	FILE			*f = status == 0 ? stdout : stderr;
	size_t			 i;
	int			 n;

	fprintf(f, "usage: helpq [options] command [args]\n");
	if (status != 0)
		exit(status);
	fprintf(f, "\nglobal options (before or after the command):\n");
	help_options(f, cmd_globals);
	fprintf(f, "\ncommands:\n");
	for (i = 0; i < cmd_ntable; i++) {
		c = cmd_table[i];
		n = fprintf(f, "  %s%s%s", c->name, c->sub != NULL ? " " : "",
		    c->sub != NULL ? c->sub : "");
		fprintf(f, "%*s%s\n", n < 16 ? 16 - n : 1, "", c->purpose);
	}
	fprintf(f, "\nhelpq help COMMAND or helpq COMMAND --help describes a "
	    "command.\n");
	exit(0);
}

__dead void
cmd_usage_error(const char *fmt, ...)
{
	const struct command	*c = cmd_current;
	va_list			 ap;

	if (c != NULL)
		fprintf(stderr, "helpq %s%s%s: ", c->name, c->sub != NULL ?
		    " " : "", c->sub != NULL ? c->sub : "");
	else
		fprintf(stderr, "helpq: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (c != NULL)
		help_synopsis(stderr, c);
	else
		fprintf(stderr, "usage: helpq [options] command [args] "
		    "(helpq --help lists the commands)\n");
	exit(EX_USAGE);
}

int64_t
cmd_ticket_arg(const char *s, const char *what)
{
	int64_t	id;

	if (cmd_parse_ticket(s, &id) != 0)
		cmd_usage_error("'%s' is not a %s number", s, what);
	return (id);
}

/* ---- helpq help ---- */

static const char *const operand_kinds[] = {
	[CMD_OPERAND_NONE] = "none",
	[CMD_OPERAND_TICKET] = "ticket",
	[CMD_OPERAND_TICKETS] = "tickets",
	[CMD_OPERAND_FILE] = "file",
	[CMD_OPERAND_COMMAND] = "command",
	[CMD_OPERAND_WORD] = "word",
};

static void
complete_options(const struct args_opt *o)
{
	for (; o->name != NULL; o++)
		printf("--%s%s%s\n", o->name, o->arg != NULL ? " " : "",
		    o->arg != NULL ? o->arg : "");
}

/*
 * For the completion script, one word a line: with no name the commands
 * and the global options; for a command with subcommands its subs; for
 * a command its options, then the global ones, then "@" and what its
 * operands are, and "@dash-operands" when a word after the first operand
 * that begins with '-' is one. Options that take an argument are
 * followed by its name.
 */
static int
help_complete(int argc, char **argv)
{
	const struct command	*c;
	size_t			 i;
	int			 found = 0;

	for (i = 0; i < cmd_ntable; i++) {
		c = cmd_table[i];
		if (argc == 0) {
			if (i == 0 || strcmp(cmd_table[i - 1]->name,
			    c->name) != 0)
				printf("%s\n", c->name);
			continue;
		}
		if (strcmp(c->name, argv[0]) != 0)
			continue;
		if (c->sub != NULL && argc == 1) {
			printf("%s\n", c->sub);
			found = 1;
			continue;
		}
		if (c->sub != NULL && strcmp(c->sub, argv[1]) != 0)
			continue;
		complete_options(c->opts);
		complete_options(cmd_globals);
		printf("@%s\n", operand_kinds[c->complete]);
		if (c->flags & ARGS_DASH_WORDS)
			printf("@dash-operands\n");
		return (0);
	}
	if (argc == 0) {
		complete_options(cmd_globals);
		return (0);
	}
	return (found ? 0 : EX_USAGE);
}

static const struct args_opt help_opts[] = {
	{ "complete", 0, NULL, 'C', "print the words the shell completion "
	    "offers, one a line" },
	{ NULL, 0, NULL, 0, NULL }
};

static int
help_main(struct globals *g, struct args *a)
{
	const char	*v;
	int		 ch, complete = 0;

	while ((ch = args_next(a, 0, &v)) != -1) {
		if (ch == 'C')
			complete = 1;
	}
	if (complete)
		return (help_complete(a->argc, a->argv));
	if (a->argc == 0)
		cmd_usage(0);
	if (cmd_help_print(a->argv[0], a->argc > 1 ? a->argv[1] : NULL) != 0)
		cmd_usage_error("no command '%s%s%s'", a->argv[0],
		    a->argc > 1 ? " " : "", a->argc > 1 ? a->argv[1] : "");
	return (0);
}

const struct command cmd_help_command = {
	"help", NULL, help_main, help_opts, "[COMMAND [SUBCOMMAND]]", 0, 2,
	CMD_OPERAND_COMMAND, 0,
	"Describe a command and its options, or list the commands"
};
