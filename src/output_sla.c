/*
 * helpq - output_sla.c: the response clocks as text or JSON: what to
 * answer next (helpq sla) and one ticket's arithmetic (helpq sla explain).
 */
#include "compat.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "clocks.h"
#include "config.h"
#include "notify.h"
#include "output.h"
#include "output_private.h"
#include "rules.h"
#include "safe.h"
#include "sla.h"
#include "store.h"
#include "xmalloc.h"

/* A clock with what the views show of its ticket. */
struct sla_row {
	struct sla_clock	 c;
	char			*calendar;
	char			*source;
	char			*outcome;
	char			*queue;
	char			*subject;
	char			*customer;
	int			 priority;	/* enum rules_priority */
};

struct sla_rows {
	struct sla_row		*v;
	size_t			 n;
};

static int
sla_rows_cb(const struct sla_clock *c, void *arg)
{
	struct sla_rows	*l = arg;
	struct sla_row	*r;

	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	r = &l->v[l->n++];
	memset(r, 0, sizeof *r);
	r->c = *c;
	r->calendar = xstrdup(c->calendar);
	r->source = xstrdup(c->source);
	r->outcome = c->outcome != NULL ? xstrdup(c->outcome) : NULL;
	r->c.calendar = r->calendar;
	r->c.source = r->source;
	r->c.outcome = r->outcome;
	return (0);
}

static void
sla_rows_free(struct sla_rows *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].calendar);
		free(l->v[i].source);
		free(l->v[i].outcome);
		free(l->v[i].queue);
		free(l->v[i].subject);
		free(l->v[i].customer);
	}
	free(l->v);
	memset(l, 0, sizeof *l);
}

/* Running clocks by due time, the soonest first, then first come first
 * served; paused ones last. */
static int
sla_row_cmp(const void *a, const void *b)
{
	const struct sla_row	*x = a, *y = b;
	time_t			 dx = x->c.resumed != 0 ? x->c.due : 0;
	time_t			 dy = y->c.resumed != 0 ? y->c.due : 0;

	if ((dx == 0) != (dy == 0))
		return (dx == 0 ? 1 : -1);
	if (dx != dy)
		return (dx < dy ? -1 : 1);
	if (x->c.started != y->c.started)
		return (x->c.started < y->c.started ? -1 : 1);
	return (x->c.ticket < y->c.ticket ? -1 : x->c.ticket > y->c.ticket);
}

/* What is left of the promise at now; negative when late. */
static time_t
sla_left(const struct sla_clock *c, time_t now)
{
	if (c->resumed == 0)
		return (c->seconds - c->spent);
	return (c->due - now);
}

static const char *
sla_state(const struct sla_clock *c)
{
	return (c->stopped != 0 ? "stopped" : c->resumed == 0 ? "paused" :
	    "running");
}

static const char *
sla_priority(const struct sla_row *r)
{
	return (rules_priority_name((enum rules_priority)r->priority));
}

static json_t *
sla_clock_json(const struct sla_row *r, time_t now)
{
	const struct sla_clock	*c = &r->c;
	json_t			*o = json_object();

	json_object_set_new(o, "ticket", json_integer(c->ticket));
	json_object_set_new(o, "clock", json_string(sla_kind_name(c->kind)));
	json_object_set_new(o, "state", json_string(sla_state(c)));
	json_object_set_new(o, "started", output_json_time(c->started));
	json_object_set_new(o, "due", output_json_time(c->due));
	json_object_set_new(o, "left", c->stopped != 0 ? json_null() :
	    json_integer(sla_left(c, now)));
	json_object_set_new(o, "seconds", json_integer(c->seconds));
	json_object_set_new(o, "business", json_boolean(c->business));
	json_object_set_new(o, "calendar", json_string(c->calendar));
	json_object_set_new(o, "source", json_string(c->source));
	json_object_set_new(o, "warned", json_boolean(c->done &
	    SLA_DONE_STEP(SLA_WARN)));
	json_object_set_new(o, "breached", json_boolean(c->done &
	    SLA_DONE_OVERDUE));
	json_object_set_new(o, "escalated", json_boolean(c->done &
	    SLA_DONE_STEP(SLA_ESCALATE)));
	json_object_set_new(o, "stopped", output_json_time(c->stopped));
	json_object_set_new(o, "outcome", c->outcome != NULL ?
	    json_string(c->outcome) : json_null());
	if (r->subject != NULL) {
		json_object_set_new(o, "queue", r->queue != NULL ?
		    safe_json(r->queue) : json_null());
		json_object_set_new(o, "customer", safe_json(r->customer));
		json_object_set_new(o, "priority", sla_priority(r) != NULL ?
		    json_string(sla_priority(r)) : json_null());
		json_object_set_new(o, "subject", safe_json(r->subject));
	}
	return (o);
}

/* "3h 20m", "late 2h", "paused 1d": the LEFT column. */
static void
sla_left_text(struct buf *b, const struct sla_clock *c, time_t now)
{
	time_t	left = sla_left(c, now);

	if (c->resumed == 0)
		buf_adds(b, "paused ");
	if (left < 0) {
		buf_adds(b, "late ");
		left = -left;
	}
	sla_span(b, left);
}

static void
sla_steps_text(struct buf *b, unsigned done)
{
	size_t	start = b->len;

	if (done & SLA_DONE_STEP(SLA_WARN))
		buf_adds(b, "warned");
	if (done & SLA_DONE_OVERDUE)
		buf_addf(b, "%sbreached", b->len > start ? "," : "");
	if (done & SLA_DONE_STEP(SLA_ESCALATE))
		buf_addf(b, "%sescalated", b->len > start ? "," : "");
	if (b->len == start)
		buf_adds(b, "-");
}

static void
sla_row_text(FILE *f, const struct config *conf, const struct sla_row *r,
    time_t now)
{
	struct buf	line, cell;
	char		when[32];

	buf_init(&line);
	buf_init(&cell);
	buf_addf(&line, "%6lld  %-10s  %-6s  %-16s  ", (long long)r->c.ticket,
	    sla_kind_name(r->c.kind), sla_priority(r) != NULL ?
	    sla_priority(r) : "-", r->c.resumed == 0 ? "-" :
	    output_local(conf->tz, r->c.due, when, sizeof when));
	sla_left_text(&cell, &r->c, now);
	buf_addf(&line, "%-14s  ", buf_cstr(&cell));
	buf_reset(&cell);
	sla_steps_text(&cell, r->c.done);
	buf_addf(&line, "%-17s  ", buf_cstr(&cell));
	output_clipped(&line, r->queue != NULL ? r->queue : "-", 10, 1);
	output_clipped(&line, r->subject != NULL ? r->subject : "", 50, 0);
	fprintf(f, "%s\n", buf_cstr(&line));
	buf_free(&cell);
	buf_free(&line);
}

/* The ticket's queue, subject and customer onto each row. */
static int
sla_rows_tickets(struct store *st, struct sla_rows *l, char **cause)
{
	struct ticket	t;
	size_t		i;
	int		r;

	for (i = 0; i < l->n; i++) {
		if ((r = store_ticket_get(st, l->v[i].c.ticket, &t,
		    cause)) == -1)
			return (-1);
		if (r == 1)
			continue;
		l->v[i].queue = t.queue != NULL ? xstrdup(t.queue) : NULL;
		l->v[i].subject = xstrdup(t.subject != NULL ? t.subject : "");
		l->v[i].customer = xstrdup(t.customer != NULL ? t.customer :
		    "");
		l->v[i].priority = t.priority;
		store_ticket_clear(&t);
	}
	return (0);
}

static int
sla_keep(const struct output_sla_filter *flt, const struct sla_row *r,
    time_t now)
{
	if (flt->queue != NULL && (r->queue == NULL ||
	    strcasecmp(flt->queue, r->queue) != 0))
		return (0);
	if (flt->overdue && (r->c.resumed == 0 || r->c.due == 0 ||
	    r->c.due > now))
		return (0);
	return (1);
}

int
output_sla(FILE *f, const struct config *conf, struct store *st,
    const struct output_sla_filter *flt, time_t now, int json, char **cause)
{
	struct sla_rows	 l;
	json_t		*array = NULL;
	size_t		 i;
	int		 rc = -1;

	memset(&l, 0, sizeof l);
	if (store_clocks_running(st, 0, sla_rows_cb, &l, cause) != 0 ||
	    sla_rows_tickets(st, &l, cause) != 0)
		goto out;
	if (l.n > 1)
		qsort(l.v, l.n, sizeof *l.v, sla_row_cmp);
	if (json)
		array = json_array();
	else
		fprintf(f, "%6s  %-10s  %-6s  %-16s  %-14s  %-17s  %-10s %s\n",
		    "TICKET", "CLOCK", "PRIO", "DUE", "LEFT", "STEPS", "QUEUE",
		    "SUBJECT");
	for (i = 0; i < l.n; i++) {
		if (!sla_keep(flt, &l.v[i], now))
			continue;
		if (array != NULL)
			json_array_append_new(array, sla_clock_json(&l.v[i],
			    now));
		else
			sla_row_text(f, conf, &l.v[i], now);
	}
	if (array != NULL)
		output_json_print(f, array);
	rc = 0;
out:
	sla_rows_free(&l);
	return (rc);
}

int
output_clocks(struct store *st, int64_t ticket, const struct tz *tz,
    time_t now, struct buf *b, json_t *array, char **cause)
{
	struct sla_rows	 l;
	char		 w1[32], w2[32];
	size_t		 i;

	memset(&l, 0, sizeof l);
	if (store_ticket_clocks(st, ticket, sla_rows_cb, &l, cause) != 0)
		return (-1);
	for (i = 0; i < l.n; i++) {
		const struct sla_clock	*c = &l.v[i].c;

		if (array != NULL) {
			json_array_append_new(array, sla_clock_json(&l.v[i],
			    now));
			continue;
		}
		buf_addf(b, "  %-15s started %s, ", sla_kind_title(c->kind),
		    output_local(tz, c->started, w1, sizeof w1));
		if (c->stopped != 0) {
			buf_addf(b, "%s %s: ", c->outcome != NULL ?
			    c->outcome : "stopped",
			    output_local(tz, c->stopped, w2, sizeof w2));
			if (c->due != 0 && c->stopped > c->due) {
				buf_adds(b, "late by ");
				sla_span(b, c->stopped - c->due);
			} else
				buf_adds(b, "in time");
		} else if (c->resumed == 0) {
			buf_adds(b, "paused while waiting: ");
			sla_span(b, c->seconds - c->spent);
			buf_adds(b, " left");
		} else {
			buf_addf(b, "due %s: ", output_local(tz, c->due, w2,
			    sizeof w2));
			output_left(b, c->due, now, 0);
			buf_adds(b, c->due < now ? " (running)" :
			    " left (running)");
		}
		buf_adds(b, "\n");
	}
	sla_rows_free(&l);
	return (0);
}

/* ---- sla explain ---- */

/* The steps of a clock that runs, or waits, with their times. */
static void
sla_steps_explain(struct buf *b, json_t *steps, const struct config *conf,
    const struct sla_row *r, const struct calendar *cal)
{
	const struct sla_step	*s;
	const char		**addrs;
	time_t			 at;
	size_t			 i, k;
	int			 id;
	unsigned		 bit;

	buf_adds(b, "Steps:\n");
	for (id = 0; id < SLA_NSTEPS; id++) {
		s = sla_step_for(conf, r->queue, (enum sla_step_id)id);
		at = sla_step_at(&r->c, cal, s);
		bit = SLA_DONE_STEP(id);
		buf_addf(b, "  %-9s ", sla_step_name((enum sla_step_id)id));
		if (!s->on || s->nto == 0) {
			buf_adds(b, "off\n");
			continue;
		}
		if (at == 0)
			buf_adds(b, "when the clock runs again");
		else
			sla_time(b, cal, at);
		k = notify_audience(conf, (const char *const *)s->to, s->nto,
		    NULL, &addrs);
		buf_adds(b, ", to");
		for (i = 0; i < s->nto; i++)
			buf_addf(b, "%s %s", i > 0 ? "," : "", s->to[i]);
		if (k == 0)
			buf_adds(b, " (nobody to mail)");
		else
			buf_addf(b, " (%zu address%s)", k, k == 1 ? "" : "es");
		buf_addf(b, ": %s\n", r->c.done & bit ? "done" : "not yet");
		if (steps != NULL) {
			json_t	*o = json_object(), *to = json_array();

			for (i = 0; i < k; i++)
				json_array_append_new(to,
				    json_string(addrs[i]));
			json_object_set_new(o, "step", json_string(
			    sla_step_name((enum sla_step_id)id)));
			json_object_set_new(o, "at", output_json_time(at));
			json_object_set_new(o, "to", to);
			json_object_set_new(o, "done",
			    json_boolean(r->c.done & bit));
			json_array_append_new(steps, o);
		}
		free(addrs);
	}
}

/* A stopped clock in one line. */
static void
sla_stopped_text(struct buf *b, const struct sla_row *r,
    const struct calendar *cal)
{
	buf_addf(b, "  %s clock, started ", sla_kind_name(r->c.kind));
	sla_time(b, cal, r->c.started);
	buf_addf(b, ", %s ", r->c.outcome != NULL ? r->c.outcome : "stopped");
	sla_time(b, cal, r->c.stopped);
	if (r->c.due != 0 && r->c.stopped > r->c.due) {
		buf_adds(b, ", late by ");
		sla_span(b, r->c.stopped - r->c.due);
	} else
		buf_adds(b, ", in time");
	buf_adds(b, "\n");
}

int
output_sla_explain(FILE *f, const struct config *conf, struct store *st,
    int64_t ticket, time_t now, int json, char **cause)
{
	const struct calendar	*cal;
	struct sla_rows		 l;
	struct ticket		 t;
	struct buf		 b, one;
	json_t			*o = NULL, *clocks = NULL, *c, *steps;
	size_t			 i, stopped = 0;
	int			 r;

	if ((r = store_ticket_get(st, ticket, &t, cause)) != 0)
		return (r);
	ticket = t.id;	/* a merged ticket's number: the one it went into */
	memset(&l, 0, sizeof l);
	if (store_ticket_clocks(st, ticket, sla_rows_cb, &l, cause) != 0) {
		store_ticket_clear(&t);
		return (-1);
	}
	for (i = 0; i < l.n; i++)
		l.v[i].queue = t.queue != NULL ? xstrdup(t.queue) : NULL;
	store_ticket_clear(&t);
	if (json) {
		o = json_object();
		clocks = json_array();
		json_object_set_new(o, "ticket", json_integer(ticket));
		json_object_set_new(o, "clocks", clocks);
	}
	buf_init(&b);
	for (i = 0; i < l.n; i++) {
		cal = clocks_calendar(conf, &l.v[i].c);
		if (l.v[i].c.stopped != 0) {
			stopped++;
			if (json)
				json_array_append_new(clocks,
				    sla_clock_json(&l.v[i], now));
			continue;
		}
		buf_init(&one);
		sla_explain(&one, &l.v[i].c, cal, now);
		steps = json ? json_array() : NULL;
		sla_steps_explain(&one, steps, conf, &l.v[i], cal);
		if (json) {
			c = sla_clock_json(&l.v[i], now);
			json_object_set_new(c, "steps", steps);
			json_object_set_new(c, "explain",
			    json_string(buf_cstr(&one)));
			json_array_append_new(clocks, c);
		} else
			buf_addf(&b, "%s%s", b.len > 0 ? "\n" : "",
			    buf_cstr(&one));
		buf_free(&one);
	}
	if (stopped > 0) {
		buf_addf(&b, "%sStopped clocks:\n", b.len > 0 ? "\n" : "");
		for (i = 0; i < l.n; i++) {
			if (l.v[i].c.stopped != 0)
				sla_stopped_text(&b, &l.v[i],
				    clocks_calendar(conf, &l.v[i].c));
		}
	}
	if (l.n == 0)
		buf_addf(&b, "Ticket %lld has no clocks: no customer message "
		    "waits for an answer.\n", (long long)ticket);
	if (json)
		output_json_print(f, o);
	else
		fputs(buf_cstr(&b), f);
	buf_free(&b);
	sla_rows_free(&l);
	return (0);
}
