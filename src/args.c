/*
 * helpq - args.c: command-line words into options and operands (args.h).
 * Unlike getopt with "+", options may follow operands; unlike GNU getopt
 * argv is never permuted: the operands are collected into a new array.
 */
#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "xmalloc.h"

static int __printflike(2, 3)
args_error(struct args *a, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(a->error, sizeof a->error, fmt, ap);
	va_end(ap);
	return (-1);
}

static void
args_add(struct args *a, const struct args_opt *o, size_t table,
    const char *value)
{
	a->items = xreallocarray(a->items, a->nitems + 1, sizeof *a->items);
	a->items[a->nitems].opt = o;
	a->items[a->nitems].table = table;
	a->items[a->nitems].value = value;
	a->nitems++;
}

/*
 * The option named by the n bytes at name: an exact name in any table,
 * else the one option whose name begins with them (getopt_long's
 * abbreviations). NULL if none or several; *ambiguous says which.
 */
static const struct args_opt *
args_find_long(const struct args_opt *const *tables, size_t ntables,
    const char *name, size_t n, size_t *tablep, int *ambiguous)
{
	const struct args_opt	*o, *found = NULL;
	size_t			 t;

	*ambiguous = 0;
	for (t = 0; t < ntables; t++) {
		for (o = tables[t]; o->name != NULL; o++) {
			if (strlen(o->name) == n &&
			    strncmp(o->name, name, n) == 0) {
				*tablep = t;
				return (o);
			}
		}
	}
	for (t = 0; t < ntables; t++) {
		for (o = tables[t]; o->name != NULL; o++) {
			if (strncmp(o->name, name, n) != 0)
				continue;
			if (found != NULL && found != o) {
				*ambiguous = 1;
				return (NULL);
			}
			found = o;
			*tablep = t;
		}
	}
	return (found);
}

static const struct args_opt *
args_find_short(const struct args_opt *const *tables, size_t ntables,
    char letter, size_t *tablep)
{
	const struct args_opt	*o;
	size_t			 t;

	for (t = 0; t < ntables; t++) {
		for (o = tables[t]; o->name != NULL; o++) {
			if (o->letter != 0 && o->letter == letter) {
				*tablep = t;
				return (o);
			}
		}
	}
	return (NULL);
}

/* "--name", "--name=value" or "--name value"; *ip moves past what it read. */
static int
args_long(struct args *a, int argc, char **argv, int *ip,
    const struct args_opt *const *tables, size_t ntables)
{
	const struct args_opt	*o;
	const char		*word = argv[*ip] + 2, *eq;
	size_t			 n, t = 0;
	int			 ambiguous;

	eq = strchr(word, '=');
	n = eq != NULL ? (size_t)(eq - word) : strlen(word);
	if ((o = args_find_long(tables, ntables, word, n, &t,
	    &ambiguous)) == NULL)
		return (args_error(a, "%s option '--%.*s'", ambiguous ?
		    "ambiguous" : "unknown", (int)n, word));
	if (o->arg == NULL) {
		if (eq != NULL)
			return (args_error(a, "option '--%s' takes no "
			    "argument", o->name));
		args_add(a, o, t, NULL);
		return (0);
	}
	if (eq != NULL)
		args_add(a, o, t, eq + 1);
	else if (*ip + 1 < argc)
		args_add(a, o, t, argv[++*ip]);
	else
		return (args_error(a, "option '--%s' needs an argument (%s)",
		    o->name, o->arg));
	return (0);
}

/* "-qv", "-cFILE", "-c FILE". */
static int
args_short(struct args *a, int argc, char **argv, int *ip,
    const struct args_opt *const *tables, size_t ntables)
{
	const struct args_opt	*o;
	const char		*p;
	size_t			 t = 0;

	for (p = argv[*ip] + 1; *p != '\0'; p++) {
		if ((o = args_find_short(tables, ntables, *p, &t)) == NULL)
			return (args_error(a, "unknown option '-%c'", *p));
		if (o->arg == NULL) {
			args_add(a, o, t, NULL);
			continue;
		}
		if (p[1] != '\0')
			args_add(a, o, t, p + 1);
		else if (*ip + 1 < argc)
			args_add(a, o, t, argv[++*ip]);
		else
			return (args_error(a, "option '-%c' needs an argument "
			    "(%s)", *p, o->arg));
		break;
	}
	return (0);
}

int
args_parse(struct args *a, int argc, char **argv,
    const struct args_opt *const *tables, size_t ntables, int flags)
{
	const char	*w;
	int		 i, options = 1;

	memset(a, 0, sizeof *a);
	a->argv = xcalloc((size_t)argc + 1, sizeof *a->argv);
	for (i = 0; i < argc; i++) {
		w = argv[i];
		if (options && strcmp(w, "--") == 0) {
			options = 0;
			continue;
		}
		/* "-" is standard input, an operand. */
		if (!options || w[0] != '-' || w[1] == '\0' ||
		    ((flags & ARGS_DASH_WORDS) && a->argc > 0 && w[1] != '-')) {
			if (flags & ARGS_STOP) {
				while (i < argc)
					a->argv[a->argc++] = argv[i++];
				break;
			}
			a->argv[a->argc++] = argv[i];
			continue;
		}
		if ((w[1] == '-' ? args_long(a, argc, argv, &i, tables,
		    ntables) : args_short(a, argc, argv, &i, tables,
		    ntables)) != 0)
			return (-1);
	}
	a->argv[a->argc] = NULL;
	return (0);
}

int
args_next(struct args *a, size_t table, const char **valuep)
{
	const struct args_item	*it;

	while (a->next < a->nitems) {
		it = &a->items[a->next++];
		if (it->table == table) {
			*valuep = it->value;
			return (it->opt->key);
		}
	}
	*valuep = NULL;
	a->next = 0;
	return (-1);
}

int
args_has(const struct args *a, size_t table, int key)
{
	size_t	i;

	for (i = 0; i < a->nitems; i++) {
		if (a->items[i].table == table && a->items[i].opt->key == key)
			return (1);
	}
	return (0);
}

void
args_free(struct args *a)
{
	free(a->items);
	free(a->argv);
	a->items = NULL;
	a->argv = NULL;
	a->nitems = a->next = 0;
	a->argc = 0;
}
