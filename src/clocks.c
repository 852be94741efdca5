/*
 * helpq - clocks.c: the clocks' lives as the ticket moves: started by a
 * customer's message, stopped by our answer, a wait or a close, the
 * resolution clock paused while the customer is waited on.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clocks.h"
#include "config.h"
#include "store.h"
#include "xmalloc.h"

const struct calendar *
clocks_calendar(const struct config *conf, const struct sla_clock *c)
{
	const struct calendar	*cal = config_calendar(conf, c->calendar);

	return (cal != NULL ? cal : &conf->policy.cal);
}

/* The clock's terms: what started it says this much. */
static void
clocks_terms_text(struct buf *b, const struct sla_clock *c)
{
	(c->business ? sla_hours : sla_span)(b, c->seconds);
	buf_addf(b, " in %s", c->business ? "business time" :
	    "calendar time");
	if (c->business)
		buf_addf(b, " of calendar %s", c->calendar);
	buf_addf(b, ", set by %s", c->source);
}

static void
clocks_fill(enum sla_kind kind, int64_t ticket, time_t when,
    const struct sla_terms *t, struct clocks_start *s)
{
	memset(s, 0, sizeof *s);
	snprintf(s->calendar, sizeof s->calendar, "%s", t->cal->name);
	if (strcmp(t->source, "queue") == 0)
		snprintf(s->source, sizeof s->source, "queue %s", t->queue);
	else
		snprintf(s->source, sizeof s->source, "%s", t->source);
	s->c.ticket = ticket;
	s->c.kind = kind;
	s->c.started = when;
	s->c.resumed = when;
	s->c.seconds = t->seconds;
	s->c.business = t->business;
	s->c.due = sla_due(t->cal, t->business, when, t->seconds);
}

void
clocks_plan(const struct config *conf, const char *queue,
    time_t rule_seconds, int rule_business, enum sla_kind kind,
    int64_t ticket, time_t when, struct clocks_start *s)
{
	struct sla_terms	t;

	/* A response clock always has terms: [policy]'s at least. */
	(void)sla_terms(conf, queue, rule_seconds, rule_business, 0, &t);
	clocks_fill(kind, ticket, when, &t, s);
}

static int
clocks_event(struct store *st, int64_t ticket, int64_t message,
    time_t when, struct buf *b, char **cause)
{
	int	rc;

	rc = store_event_add(st, ticket, message, when, "clock", buf_cstr(b),
	    cause);
	buf_free(b);
	return (rc);
}

int
clocks_start(struct store *st, const struct config *conf,
    struct clocks_start *s, int64_t message, char **cause)
{
	const struct calendar	*cal;
	struct buf		 b;

	s->c.calendar = s->calendar;
	s->c.source = s->source;
	if (store_clock_start(st, &s->c, &s->c.id, cause) != 0)
		return (-1);
	if (s->c.kind != SLA_RESOLUTION && store_ticket_set_due(st,
	    s->c.ticket, s->c.due, cause) != 0)
		return (-1);
	cal = clocks_calendar(conf, &s->c);
	buf_init(&b);
	buf_addf(&b, "%s clock started: ", sla_kind_title(s->c.kind));
	clocks_terms_text(&b, &s->c);
	buf_adds(&b, "; due ");
	sla_time(&b, cal, s->c.due);
	return (clocks_event(st, s->c.ticket, message, s->c.started, &b,
	    cause));
}

/* The clocks of a ticket not stopped: its response and resolution ones.
 * Strings are not kept. */
struct clocks_running {
	struct sla_clock	response;
	struct sla_clock	resolution;
	char			calendar[CALENDAR_NAME_MAX + 1];
};

static int
clocks_running_cb(const struct sla_clock *c, void *arg)
{
	struct clocks_running	*r = arg;

	if (c->kind == SLA_RESOLUTION) {
		r->resolution = *c;
		snprintf(r->calendar, sizeof r->calendar, "%s", c->calendar);
		r->resolution.calendar = r->calendar;
	} else
		r->response = *c;
	r->response.calendar = r->response.source = NULL;
	r->resolution.source = r->resolution.outcome = NULL;
	r->response.outcome = NULL;
	return (0);
}

static int
clocks_running(struct store *st, int64_t ticket, struct clocks_running *r,
    char **cause)
{
	memset(r, 0, sizeof *r);
	return (store_clocks_running(st, ticket, clocks_running_cb, r,
	    cause));
}

int
clocks_customer(struct store *st, const struct config *conf, int64_t ticket,
    const char *queue, time_t when, int64_t message, char **cause)
{
	struct clocks_running	 r;
	struct clocks_start	 s;
	struct sla_terms	 t;
	struct buf		 b;
	const struct calendar	*cal;

	if (clocks_running(st, ticket, &r, cause) != 0)
		return (-1);
	if (r.resolution.id != 0 && r.resolution.resumed == 0) {
		/* It waited: what is left counts from now. */
		r.resolution.resumed = when;
		cal = clocks_calendar(conf, &r.resolution);
		r.resolution.due = sla_clock_due(&r.resolution, cal);
		if (store_clock_resume(st, r.resolution.id, when,
		    r.resolution.due, cause) != 0)
			return (-1);
		buf_init(&b);
		buf_adds(&b, "resolution clock resumed: ");
		sla_span(&b, r.resolution.seconds - r.resolution.spent);
		buf_adds(&b, " left; due ");
		sla_time(&b, cal, r.resolution.due);
		return (clocks_event(st, ticket, message, when, &b, cause));
	}
	if (r.resolution.id != 0 ||
	    sla_terms(conf, queue, 0, 0, 1, &t) != 0)
		return (0);
	clocks_fill(SLA_RESOLUTION, ticket, when, &t, &s);
	return (clocks_start(st, conf, &s, message, cause));
}

/* The latest response clock of a ticket. */
struct clocks_last {
	struct sla_clock	c;
	char			calendar[CALENDAR_NAME_MAX + 1];
};

static int
clocks_last_cb(const struct sla_clock *c, void *arg)
{
	struct clocks_last	*l = arg;

	if (c->kind == SLA_RESOLUTION)
		return (0);
	l->c = *c;
	snprintf(l->calendar, sizeof l->calendar, "%s", c->calendar);
	l->c.calendar = l->calendar;
	l->c.source = l->c.outcome = NULL;
	return (0);
}

/* The clock stopped: the due time goes, and so does the overdue tag. */
static int
clocks_stopped(struct store *st, int64_t ticket, time_t when, char **cause)
{
	if (store_ticket_set_due(st, ticket, 0, cause) != 0)
		return (-1);
	return (store_tag_system(st, ticket, "overdue", 0, when, cause));
}

int
clocks_answered(struct store *st, int64_t ticket, time_t when,
    time_t queued, int64_t message, char **cause)
{
	struct clocks_last	 l;
	struct buf		 b;
	int			 r;

	if (store_ticket_answered(st, ticket, when, cause) != 0)
		return (-1);
	if ((r = store_clock_answered(st, ticket, when, queued, cause)) != 0)
		return (r == 1 ? clocks_stopped(st, ticket, when, cause) : -1);
	memset(&l, 0, sizeof l);
	if (store_ticket_clocks(st, ticket, clocks_last_cb, &l, cause) != 0 ||
	    clocks_stopped(st, ticket, when, cause) != 0)
		return (-1);
	buf_init(&b);
	buf_addf(&b, "%s clock stopped: answered after ",
	    sla_kind_title(l.c.kind));
	sla_span(&b, l.c.stopped - l.c.started);
	if (l.c.due != 0 && l.c.stopped > l.c.due) {
		buf_adds(&b, ", late by ");
		sla_span(&b, l.c.stopped - l.c.due);
	} else
		buf_adds(&b, ", in time");
	return (clocks_event(st, ticket, message, when, &b, cause));
}

int
clocks_wait(struct store *st, const struct config *conf, int64_t ticket,
    time_t when, char **cause)
{
	struct clocks_running	 r;
	struct buf		 b;
	time_t			 spent;

	if (clocks_running(st, ticket, &r, cause) != 0)
		return (-1);
	if (r.response.id != 0) {
		if (store_clock_stop(st, ticket, STORE_CLOCK_RESPONSE, when,
		    "waiting", cause) != 0)
			return (-1);
		buf_init(&b);
		buf_addf(&b, "%s clock stopped: waiting on the customer",
		    sla_kind_title(r.response.kind));
		if (clocks_event(st, ticket, 0, when, &b, cause) != 0)
			return (-1);
	}
	if (clocks_stopped(st, ticket, when, cause) != 0)
		return (-1);
	if (r.resolution.id == 0 || r.resolution.resumed == 0)
		return (0);
	spent = r.resolution.spent + (r.resolution.business ?
	    calendar_open_between(clocks_calendar(conf, &r.resolution),
	    r.resolution.resumed, when) : when - r.resolution.resumed);
	if (store_clock_pause(st, r.resolution.id, spent, cause) != 0)
		return (-1);
	buf_init(&b);
	buf_adds(&b, "resolution clock paused: waiting on the customer, ");
	sla_span(&b, spent);
	buf_adds(&b, " counted");
	return (clocks_event(st, ticket, 0, when, &b, cause));
}

int
clocks_close(struct store *st, int64_t ticket, time_t when, char **cause)
{
	if (store_clock_stop(st, ticket, STORE_CLOCK_ALL, when, "closed",
	    cause) != 0)
		return (-1);
	return (clocks_stopped(st, ticket, when, cause));
}

int
clocks_move(struct store *st, const struct config *conf, int64_t ticket,
    int to, time_t when, const char *by, int64_t message, char **cause)
{
	static const char *const events[] = {
		[TICKET_NEW] = "reopened", [TICKET_OPEN] = "reopened",
		[TICKET_WAITING] = "waiting", [TICKET_CLOSED] = "closed"
	};
	struct clocks_running	 r;
	struct sla_clock	*c = &r.resolution;
	int			 rc = 0;

	if (to < TICKET_NEW || to > TICKET_CLOSED)
		return (0);
	if (store_ticket_set_status(st, ticket, (enum ticket_status)to, when,
	    cause) != 0 || store_event_add(st, ticket, message, when,
	    events[to], by, cause) != 0)
		return (-1);
	switch (to) {
	case TICKET_WAITING:
		rc = clocks_wait(st, conf, ticket, when, cause);
		break;
	case TICKET_CLOSED:
		rc = clocks_close(st, ticket, when, cause);
		break;
	default:
		if (clocks_running(st, ticket, &r, cause) != 0)
			return (-1);
		if (c->id != 0 && c->resumed == 0) {
			c->resumed = when;
			c->due = sla_clock_due(c, clocks_calendar(conf, c));
			rc = store_clock_resume(st, c->id, when, c->due, cause);
		}
		break;
	}
	return (rc);
}
