/*
 * helpq - store_clock.c: the response promise's clocks as the store keeps
 * them; sla.c does their arithmetic, clocks.c decides when they start
 * and stop.
 */
#include "compat.h"

#include <sqlite3.h>
#include <string.h>

#include "sla.h"
#include "store.h"
#include "store_private.h"

static const char *const clock_kinds[] = { "first", "next", "resolution" };

int
store_clock_start(struct store *s, const struct sla_clock *c, int64_t *idp,
    char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_CLOCK_START, "starting a clock",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, c->ticket);
	store_query_text(&q, 2, clock_kinds[c->kind]);
	store_query_int(&q, 3, c->started);
	store_query_int(&q, 4, c->seconds);
	store_query_int(&q, 5, c->business);
	store_query_text(&q, 6, c->calendar);
	store_query_text(&q, 7, c->source);
	store_query_opt(&q, 8, c->due);
	store_query_int(&q, 9, c->spent);
	store_query_opt(&q, 10, c->resumed);
	if (store_query_exec(&q, cause) != 0)
		return (-1);
	if (idp != NULL)
		*idp = sqlite3_last_insert_rowid(s->db);
	return (0);
}

void
store_clock_read(struct store_query *q, struct sla_clock *c)
{
	const char	*kind;
	int		 k;

	memset(c, 0, sizeof *c);
	c->id = sqlite3_column_int64(q->stmt, 0);
	c->ticket = sqlite3_column_int64(q->stmt, 1);
	kind = (const char *)sqlite3_column_text(q->stmt, 2);
	k = store_name_lookup(clock_kinds, nitems(clock_kinds), kind);
	c->kind = k >= 0 ? (enum sla_kind)k : SLA_FIRST;
	c->started = sqlite3_column_int64(q->stmt, 3);
	c->seconds = sqlite3_column_int64(q->stmt, 4);
	c->business = sqlite3_column_int(q->stmt, 5);
	c->calendar = (const char *)sqlite3_column_text(q->stmt, 6);
	c->source = (const char *)sqlite3_column_text(q->stmt, 7);
	c->due = sqlite3_column_int64(q->stmt, 8);
	c->stopped = sqlite3_column_int64(q->stmt, 9);
	c->outcome = (const char *)sqlite3_column_text(q->stmt, 10);
	c->spent = sqlite3_column_int64(q->stmt, 11);
	c->resumed = sqlite3_column_int64(q->stmt, 12);
	c->done = (unsigned)sqlite3_column_int64(q->stmt, 13);
}

static int
clock_walk(struct store *s, enum store_stmt id, int64_t ticket,
    store_clock_cb cb, void *arg, char **cause)
{
	struct store_query	q;
	struct sla_clock	c;
	int			r;

	if (store_query_start(&q, s, id, "reading clocks", cause) != 0)
		return (-1);
	if (ticket != 0)
		store_query_int(&q, 1, ticket);
	while ((r = store_query_step(&q, cause)) == 1) {
		store_clock_read(&q, &c);
		if (cb(&c, arg) != 0)
			break;
	}
	store_query_end(&q);
	return (r == -1 ? -1 : 0);
}

int
store_clocks_running(struct store *s, int64_t ticket, store_clock_cb cb,
    void *arg, char **cause)
{
	return (clock_walk(s, ticket != 0 ? ST_CLOCKS_RUNNING_TICKET :
	    ST_CLOCKS_RUNNING, ticket, cb, arg, cause));
}

int
store_ticket_clocks(struct store *s, int64_t ticket, store_clock_cb cb,
    void *arg, char **cause)
{
	return (clock_walk(s, ST_CLOCKS_TICKET, ticket, cb, arg, cause));
}

int
store_clock_stop(struct store *s, int64_t ticket, enum store_clocks which,
    time_t when, const char *outcome, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_CLOCK_STOP, "stopping a clock",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	store_query_int(&q, 2, when);
	store_query_int(&q, 3, (int64_t)which);
	store_query_text(&q, 4, outcome);
	return (store_query_exec(&q, cause));
}

int
store_clock_answered(struct store *s, int64_t ticket, time_t when,
    time_t queued, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_CLOCK_ANSWERED, "stopping a clock",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	store_query_int(&q, 2, when);
	store_query_int(&q, 3, queued);
	if (store_query_exec(&q, cause) != 0)
		return (-1);
	return (sqlite3_changes(s->db) > 0 ? 0 : 1);
}

int
store_clock_pause(struct store *s, int64_t id, time_t spent, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_CLOCK_PAUSE, "pausing a clock",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, id);
	store_query_int(&q, 2, spent);
	return (store_query_exec(&q, cause));
}

int
store_clock_resume(struct store *s, int64_t id, time_t resumed, time_t due,
    char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_CLOCK_RESUME, "resuming a clock",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, id);
	store_query_int(&q, 2, resumed);
	store_query_opt(&q, 3, due);
	return (store_query_exec(&q, cause));
}

int
store_clock_done(struct store *s, int64_t id, unsigned bits, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_CLOCK_DONE, "recording a clock's "
	    "step", cause) != 0)
		return (-1);
	store_query_int(&q, 1, id);
	store_query_int(&q, 2, (int64_t)bits);
	return (store_query_exec(&q, cause));
}
