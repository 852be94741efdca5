/*
 * helpq - store_report.c: the rows helpq report counts: each ticket with
 * what is known of it and its clocks, two queries walked side by side in
 * ticket order so a store of any size is read once and never held whole.
 */
#include "compat.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "sla.h"
#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

/* One ticket's clocks, copied out of the clock query's rows. */
struct report_clocks {
	struct sla_clock	*v;
	char			**strs;		/* 3 per clock */
	size_t			 n;
	size_t			 cap;
};

static void
report_clocks_reset(struct report_clocks *l)
{
	size_t	i;

	for (i = 0; i < l->n * 3; i++)
		free(l->strs[i]);
	l->n = 0;
}

static void
report_clocks_free(struct report_clocks *l)
{
	report_clocks_reset(l);
	free(l->v);
	free(l->strs);
}

static void
report_clocks_add(struct report_clocks *l, const struct sla_clock *c)
{
	struct sla_clock	*k;
	char			**s;

	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 8 : l->cap * 2;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
		l->strs = xreallocarray(l->strs, l->cap * 3, sizeof *l->strs);
	}
	k = &l->v[l->n];
	s = &l->strs[l->n * 3];
	*k = *c;
	s[0] = xstrdup(c->calendar != NULL ? c->calendar : "default");
	s[1] = xstrdup(c->source != NULL ? c->source : "");
	s[2] = c->outcome != NULL ? xstrdup(c->outcome) : NULL;
	k->calendar = s[0];
	k->source = s[1];
	k->outcome = s[2];
	l->n++;
}

/* The tags, split at the unit separators group_concat put between. */
static size_t
report_tags(char *s, const char ***tagsp)
{
	const char	**v = NULL;
	size_t		  n = 0;
	char		 *p;

	*tagsp = NULL;
	if (s == NULL)
		return (0);
	for (;;) {
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = s;
		if ((p = strchr(s, '\x1f')) == NULL)
			break;
		*p = '\0';
		s = p + 1;
	}
	*tagsp = v;
	return (n);
}

/* "by NAME (helpq reply)", the event of a helpq reply: NAME. */
static const char *
report_agent(char *s)
{
	static const char	 tail[] = " (helpq reply)";
	size_t			 n;

	if (s == NULL || strncmp(s, "by ", 3) != 0)
		return (s);
	n = strlen(s);
	if (n > 3 + sizeof tail - 1 && strcmp(s + n - (sizeof tail - 1),
	    tail) == 0)
		s[n - (sizeof tail - 1)] = '\0';
	return (s + 3);
}

/* The clocks of ticket id: the clock query's rows up to the next ticket.
 * *more is 0 once the query is done. */
static int
report_clocks_of(struct store_query *cq, int *more, int64_t id,
    struct report_clocks *l, char **cause)
{
	struct sla_clock	c;

	report_clocks_reset(l);
	while (*more == 1) {
		store_clock_read(cq, &c);
		if (c.ticket > id)
			return (0);
		if (c.ticket == id)
			report_clocks_add(l, &c);
		if ((*more = store_query_step(cq, cause)) == -1)
			return (-1);
	}
	return (0);
}

int
store_report_tickets(struct store *s, time_t since, time_t until, time_t now,
    const char *support, store_report_cb cb, void *arg, char **cause)
{
	struct store_query	 tq, cq;
	struct report_clocks	 clocks;
	struct report_ticket	 t;
	const char		**tags;
	char			*tagtext, *agent;
	int			 r = 0, more, stop = 0;

	memset(&clocks, 0, sizeof clocks);
	if (store_query_start(&tq, s, ST_REPORT_TICKETS, "reading tickets",
	    cause) != 0)
		return (-1);
	if (store_query_start(&cq, s, ST_REPORT_CLOCKS, "reading clocks",
	    cause) != 0) {
		store_query_end(&tq);
		return (-1);
	}
	store_query_int(&tq, 1, since);
	store_query_int(&tq, 2, until);
	store_query_int(&tq, 3, now);
	store_query_text(&tq, 4, support != NULL ? support : "");
	store_query_int(&cq, 1, until);
	more = store_query_step(&cq, cause);
	while (more != -1 && !stop && (r = store_query_step(&tq, cause)) == 1) {
		memset(&t, 0, sizeof t);
		t.id = sqlite3_column_int64(tq.stmt, 0);
		t.created = sqlite3_column_int64(tq.stmt, 1);
		t.closed = sqlite3_column_int64(tq.stmt, 2);
		t.queue = store_column_text(&tq, 3);
		t.language = store_column_text(&tq, 4);
		t.priority = sqlite3_column_int(tq.stmt, 5);
		t.returning = sqlite3_column_int(tq.stmt, 6);
		t.reopened = sqlite3_column_int(tq.stmt, 7);
		t.answers = sqlite3_column_int(tq.stmt, 8);
		t.messages = sqlite3_column_int(tq.stmt, 9);
		t.waited = sqlite3_column_int64(tq.stmt, 10);
		t.surveyed = sqlite3_column_int(tq.stmt, 13);
		t.rating = sqlite3_column_int(tq.stmt, 14);
		t.scale = sqlite3_column_int(tq.stmt, 15);
		tagtext = store_column_dup(&tq, 11);
		agent = store_column_dup(&tq, 12);
		t.ntags = report_tags(tagtext, &tags);
		t.tags = tags;
		t.agent = report_agent(agent);
		if (report_clocks_of(&cq, &more, t.id, &clocks, cause) != 0)
			more = -1;
		else {
			t.clocks = clocks.v;
			t.nclocks = clocks.n;
			stop = cb(&t, arg);
		}
		free(tags);
		free(tagtext);
		free(agent);
	}
	store_query_end(&cq);
	store_query_end(&tq);
	report_clocks_free(&clocks);
	return (more == -1 || (!stop && r == -1) ? -1 : 0);
}
