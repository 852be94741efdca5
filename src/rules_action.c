/*
 * helpq - rules_action.c: what each action of the language does to a
 * verdict, one row per action: its keyword, how its arguments are
 * written, the verdict item it sets and the function that sets it. The
 * parser reads the arguments by the row, evaluation calls the row.
 */
#include "compat.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rules_private.h"
#include "xmalloc.h"

/* Longest tag a capture can make; the rest is cut. */
#define RULES_TAG_MAX		64

static int
list_find(char **v, size_t n, const char *s)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(v[i], s) == 0)
			return ((int)i);
	}
	return (-1);
}

/* Add s (which the list takes) unless it is there already. */
static void
list_add(char ***v, size_t *n, char *s)
{
	if (list_find(*v, *n, s) != -1) {
		free(s);
		return;
	}
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = s;
}

static void
list_del(char **v, size_t *n, const char *s)
{
	int	i;

	if ((i = list_find(v, *n, s)) == -1)
		return;
	free(v[i]);
	memmove(v + i, v + i + 1, (*n - (size_t)i - 1) * sizeof *v);
	(*n)--;
}

/*
 * A tag made from a value: ASCII lower-cased, anything but letters,
 * digits and . _ : / + - becomes '-', no leading + or -, at most
 * RULES_TAG_MAX bytes. NULL if nothing is left (s is then freed).
 */
static char *
tag_make(char *s)
{
	unsigned char	*p;
	size_t		 len;

	for (p = (unsigned char *)s; *p != '\0'; p++) {
		if (*p >= 0x80)
			continue;
		*p = (unsigned char)tolower(*p);
		if (!isalnum(*p) && strchr("._:/+-", *p) == NULL)
			*p = '-';
	}
	len = strspn(s, "+-");
	memmove(s, s + len, strlen(s + len) + 1);
	len = strlen(s);
	if (len > RULES_TAG_MAX) {
		len = RULES_TAG_MAX;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
		s[len] = '\0';
	}
	if (*s == '\0') {
		free(s);
		return (NULL);
	}
	return (s);
}

/* Take vals[i]: it is the caller's no more. */
static char *
take(char **vals, size_t i)
{
	char	*s = vals[i];

	vals[i] = NULL;
	return (s);
}

/* Tag, or untag: the value goes into one list and out of the other. */
static void
tags_move(char ***to, size_t *nto, char **from, size_t *nfrom,
    const struct rules_action *a, char **vals)
{
	char	*t;
	size_t	 i;

	for (i = 0; i < a->nargs; i++) {
		if (vals[i] == NULL || (t = tag_make(take(vals, i))) == NULL)
			continue;
		list_del(from, nfrom, t);
		list_add(to, nto, t);
	}
}

static void
apply_tag(struct rules_verdict *v, const struct rules_action *a,
    char **vals)
{
	tags_move(&v->tags_add, &v->ntags_add, v->tags_remove,
	    &v->ntags_remove, a, vals);
}

static void
apply_untag(struct rules_verdict *v, const struct rules_action *a,
    char **vals)
{
	tags_move(&v->tags_remove, &v->ntags_remove, v->tags_add,
	    &v->ntags_add, a, vals);
}

/* One value for one string of the verdict; the last one set wins. */
static void
string_set(char **field, char **vals)
{
	if (vals[0] == NULL)
		return;
	free(*field);
	*field = take(vals, 0);
}

static void
apply_queue(struct rules_verdict *v, const struct rules_action *a,
    char **vals)
{
	(void)a;
	string_set(&v->queue, vals);
}

static void
apply_assign(struct rules_verdict *v, const struct rules_action *a,
    char **vals)
{
	(void)a;
	string_set(&v->assignee, vals);
}

static void
apply_ack(struct rules_verdict *v, const struct rules_action *a,
    char **vals)
{
	(void)a;
	string_set(&v->ack_template, vals);
}

static void
apply_priority(struct rules_verdict *v, const struct rules_action *a,
    char **vals)
{
	(void)vals;
	v->priority = a->priority;
}

static void
apply_respond(struct rules_verdict *v, const struct rules_action *a,
    char **vals)
{
	(void)vals;
	v->response_time = a->duration;
	v->response_business = a->business;
}

static void
apply_noack(struct rules_verdict *v, const struct rules_action *a,
    char **vals)
{
	(void)a;
	(void)vals;
	v->noack = 1;
}

static void
apply_automated(struct rules_verdict *v, const struct rules_action *a,
    char **vals)
{
	(void)a;
	(void)vals;
	v->automated = 1;
	v->noack = 1;
}

static void
apply_ignore(struct rules_verdict *v, const struct rules_action *a,
    char **vals)
{
	(void)a;
	(void)vals;
	v->ignore = 1;
	v->noack = 1;
}

static void
apply_spam(struct rules_verdict *v, const struct rules_action *a,
    char **vals)
{
	list_add(&v->tags_add, &v->ntags_add, xstrdup("spam"));
	apply_ignore(v, a, vals);
}

static void
apply_close(struct rules_verdict *v, const struct rules_action *a,
    char **vals)
{
	(void)a;
	(void)vals;
	v->close = 1;
}

/* "escalate" alone means the managers. */
static void
apply_escalate(struct rules_verdict *v, const struct rules_action *a,
    char **vals)
{
	size_t	i;

	if (a->nargs == 0)
		list_add(&v->escalate, &v->nescalate, xstrdup("managers"));
	for (i = 0; i < a->nargs; i++) {
		if (vals[i] != NULL)
			list_add(&v->escalate, &v->nescalate, take(vals, i));
	}
}

static void
apply_note(struct rules_verdict *v, const struct rules_action *a,
    char **vals)
{
	(void)a;
	if (vals[0] == NULL)
		return;
	v->notes = xreallocarray(v->notes, v->nnotes + 1, sizeof *v->notes);
	v->notes[v->nnotes++] = take(vals, 0);
}

/* A field is set once; a later set replaces its value. */
static void
apply_set(struct rules_verdict *v, const struct rules_action *a,
    char **vals)
{
	size_t	i;

	(void)a;
	if (vals[0] == NULL || vals[1] == NULL)
		return;
	for (i = 0; i < v->nfields; i++) {
		if (strcmp(v->fields[i].name, vals[0]) == 0) {
			free(v->fields[i].value);
			v->fields[i].value = take(vals, 1);
			return;
		}
	}
	v->fields = xreallocarray(v->fields, v->nfields + 1,
	    sizeof *v->fields);
	v->fields[v->nfields].name = take(vals, 0);
	v->fields[v->nfields++].value = take(vals, 1);
}

static void
apply_stop(struct rules_verdict *v, const struct rules_action *a,
    char **vals)
{
	(void)a;
	(void)vals;
	v->stopped = 1;
}

const struct rules_action_def rules_action_defs[RA_NACTIONS] = {
	[RA_TAG] = { "tag", RULES_ARG_TAG, -1, "a tag", "tags",
	    apply_tag },
	[RA_UNTAG] = { "untag", RULES_ARG_TAG, -1, "a tag", "untags",
	    apply_untag },
	[RA_QUEUE] = { "queue", RULES_ARG_VALUE, 1, "a value", "queue",
	    apply_queue },
	[RA_PRIORITY] = { "priority", RULES_ARG_PRIORITY, 0,
	    "low, normal, high or urgent", "priority", apply_priority },
	[RA_ASSIGN] = { "assign", RULES_ARG_VALUE, 1, "an agent's address",
	    "assignee", apply_assign },
	[RA_RESPOND] = { "respond-within", RULES_ARG_DURATION, 0,
	    "a response time like 4h, 2d or 1d12h", "response_time",
	    apply_respond },
	[RA_ACK] = { "ack", RULES_ARG_VALUE, 1,
	    "an acknowledgement template name", "ack_template", apply_ack },
	[RA_NOACK] = { "noack", RULES_ARG_NONE, 0, NULL, "noack",
	    apply_noack },
	[RA_AUTOMATED] = { "automated", RULES_ARG_NONE, 0, NULL,
	    "automated", apply_automated },
	[RA_SPAM] = { "spam", RULES_ARG_NONE, 0, NULL, "ignore",
	    apply_spam },
	[RA_IGNORE] = { "ignore", RULES_ARG_NONE, 0, NULL, "ignore",
	    apply_ignore },
	[RA_CLOSE] = { "close", RULES_ARG_NONE, 0, NULL, "close",
	    apply_close },
	[RA_ESCALATE] = { "escalate", RULES_ARG_ADDRESS, -2,
	    "an address or 'managers'", "escalate", apply_escalate },
	[RA_NOTE] = { "note", RULES_ARG_VALUE, 1, "a value", "notes",
	    apply_note },
	[RA_SET] = { "set", RULES_ARG_VALUE, 2, "a field name and a value",
	    "fields", apply_set },
	[RA_STOP] = { "stop", RULES_ARG_NONE, 0, NULL, "stopped",
	    apply_stop },
};

const struct rules_action_def *
rules_action_find(const char *name, enum rules_act *actp)
{
	size_t	i;

	for (i = 0; i < RA_NACTIONS; i++) {
		if (strcmp(rules_action_defs[i].name, name) == 0) {
			*actp = (enum rules_act)i;
			return (&rules_action_defs[i]);
		}
	}
	return (NULL);
}
