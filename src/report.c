/*
 * helpq - report.c: the figures of helpq report, from the rows the store
 * hands out. Durations are kept per group in arrays of seconds and
 * sorted once at the end; a group is a name under one key.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "calendar.h"
#include "clocks.h"
#include "config.h"
#include "report.h"
#include "rules.h"
#include "sla.h"
#include "tz.h"
#include "xmalloc.h"

struct vec {
	time_t		*v;
	size_t		 n;
	size_t		 cap;
};

/* A group while tickets come in. */
struct acc {
	struct report_group	 g;
	struct vec		 first, first_business, response, handle;
	struct vec		 resolution;
};

struct accs {
	struct acc		**v;
	size_t			  n;
	struct report_group	 *out;	/* report_finish's copies */
};

struct report {
	const struct config	*conf;
	time_t			 since;
	time_t			 until;
	enum report_by		 by;
	struct report_fairness	 fair;
	struct acc		 desk;
	struct accs		 groups;
	struct accs		 fair_groups;	/* language, customer type */
	struct accs		 days;
	int			 finished;
};

static const char *const report_by_names[] = {
	[REPORT_BY_NONE] = "none",
	[REPORT_BY_QUEUE] = "queue",
	[REPORT_BY_TAG] = "tag",
	[REPORT_BY_AGENT] = "agent",
	[REPORT_BY_LANGUAGE] = "language",
	[REPORT_BY_PRIORITY] = "priority",
	[REPORT_BY_CUSTOMER_TYPE] = "customer-type",
	[REPORT_BY_DAY] = "day",
	[REPORT_BY_WEEK] = "week",
};

int
report_by_parse(const char *s, enum report_by *by)
{
	size_t	i;

	for (i = 1; i < nitems(report_by_names); i++) {
		if (strcmp(s, report_by_names[i]) == 0) {
			*by = (enum report_by)i;
			return (0);
		}
	}
	return (-1);
}

const char *
report_by_name(enum report_by by)
{
	return ((size_t)by < nitems(report_by_names) ? report_by_names[by] :
	    "?");
}

static void
vec_add(struct vec *v, time_t t)
{
	if (v->n == v->cap) {
		v->cap = v->cap == 0 ? 16 : v->cap * 2;
		v->v = xreallocarray(v->v, v->cap, sizeof *v->v);
	}
	v->v[v->n++] = t;
}

static int
time_cmp(const void *a, const void *b)
{
	time_t	x = *(const time_t *)a, y = *(const time_t *)b;

	return (x < y ? -1 : x > y);
}

void
report_stat_of(time_t *v, size_t n, struct report_stat *s)
{
	long double	sum = 0;
	size_t		i, rank;

	memset(s, 0, sizeof *s);
	if ((s->n = n) == 0)
		return;
	qsort(v, n, sizeof *v, time_cmp);
	s->median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	/* Nearest rank: the smallest value with 90% at or below it. */
	rank = (n * 90 + 99) / 100;
	s->p90 = v[rank - 1];
	for (i = 0; i < n; i++)
		sum += v[i];
	s->mean = (time_t)(sum / n + 0.5L);
}

double
report_percent(const struct report_share *s)
{
	return (s->n == 0 ? 0 : 100.0 * (double)s->k / (double)s->n);
}

/* ---- groups ---- */

static void
acc_init(struct acc *a, const char *name, enum report_by by)
{
	memset(a, 0, sizeof *a);
	a->g.name = xstrdup(name);
	a->g.by = by;
}

static void
acc_clear(struct acc *a)
{
	free(a->g.name);
	free(a->g.flag);
	free(a->first.v);
	free(a->first_business.v);
	free(a->response.v);
	free(a->handle.v);
	free(a->resolution.v);
}

static struct acc *
accs_get(struct accs *l, const char *name, enum report_by by)
{
	struct acc	*a;
	size_t		 i;

	for (i = 0; i < l->n; i++) {
		if (l->v[i]->g.by == by && strcmp(l->v[i]->g.name, name) == 0)
			return (l->v[i]);
	}
	a = xmalloc(sizeof *a);
	acc_init(a, name, by);
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = a;
	return (a);
}

static void
accs_clear(struct accs *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		acc_clear(l->v[i]);
		free(l->v[i]);
	}
	free(l->v);
	free(l->out);
	memset(l, 0, sizeof *l);
}

struct report *
report_new(const struct config *conf, time_t since, time_t until,
    enum report_by by, const struct report_fairness *fair)
{
	struct report	*r = xcalloc(1, sizeof *r);

	r->conf = conf;
	r->since = since;
	r->until = until;
	r->by = by;
	r->fair = *fair;
	acc_init(&r->desk, "all", REPORT_BY_NONE);
	return (r);
}

void
report_free(struct report *r)
{
	if (r == NULL)
		return;
	acc_clear(&r->desk);
	accs_clear(&r->groups);
	accs_clear(&r->fair_groups);
	accs_clear(&r->days);
	free(r);
}

/* ---- one ticket ---- */

/* When the ticket counts: its first response clock's start. */
static time_t
report_start(const struct report_ticket *t)
{
	size_t	i;

	for (i = 0; i < t->nclocks; i++) {
		if (t->clocks[i].kind == SLA_FIRST)
			return (t->clocks[i].started);
	}
	return (t->created);
}

/* The local day or ISO week of t, for --by day and --by week. */
static void
report_when_name(const struct report *r, time_t t, int week, char *buf,
    size_t len)
{
	struct tm	tm;

	if (tz_local(r->conf->tz, t, &tm) != 0) {
		snprintf(buf, len, "-");
		return;
	}
	strftime(buf, len, week ? "%G-W%V" : "%Y-%m-%d", &tm);
}

/* The groups of key by the ticket is in (a ticket has several tags). */
static void
report_groups_of(struct report *r, struct accs *l, enum report_by by,
    const struct report_ticket *t, time_t start, struct acc **out,
    size_t *np)
{
	const char	*name = NULL;
	char		 buf[32];
	size_t		 i;

	*np = 0;
	switch (by) {
	case REPORT_BY_NONE:
		return;
	case REPORT_BY_TAG:
		for (i = 0; i < t->ntags && *np < 16; i++)
			out[(*np)++] = accs_get(l, t->tags[i], by);
		if (*np == 0)
			out[(*np)++] = accs_get(l, "-", by);
		return;
	case REPORT_BY_QUEUE:
		name = t->queue;
		break;
	case REPORT_BY_AGENT:
		name = t->agent;
		break;
	case REPORT_BY_LANGUAGE:
		name = t->language;
		break;
	case REPORT_BY_PRIORITY:
		name = rules_priority_name((enum rules_priority)t->priority);
		break;
	case REPORT_BY_CUSTOMER_TYPE:
		name = t->returning ? "returning" : "new";
		break;
	case REPORT_BY_DAY:
	case REPORT_BY_WEEK:
		report_when_name(r, start, by == REPORT_BY_WEEK, buf,
		    sizeof buf);
		name = buf;
		break;
	}
	out[(*np)++] = accs_get(l, name != NULL && *name != '\0' ? name : "-",
	    by);
}

/* A response clock's outcome against its due time at the period's end:
 * 1 in time, 0 late, -1 pending or not for the shares. */
static int
report_kept(const struct report *r, const struct sla_clock *c)
{
	if (c->stopped != 0 && c->outcome != NULL &&
	    strcmp(c->outcome, "answered") == 0)
		return (c->due == 0 || c->stopped <= c->due ? 1 : 0);
	if (c->stopped == 0 && c->resumed != 0 && c->due != 0 &&
	    c->due < r->until)
		return (0);
	return (-1);
}

static int
report_answered(const struct sla_clock *c)
{
	return (c->stopped != 0 && c->outcome != NULL &&
	    strcmp(c->outcome, "answered") == 0);
}

static void
report_share(struct report_share *s, int kept)
{
	if (kept < 0)
		return;
	s->n++;
	s->k += kept;
}

/* The clocks of t that started in the period, into a. */
static void
report_clocks(const struct report *r, struct acc *a,
    const struct report_ticket *t)
{
	const struct sla_clock	*c;
	const struct calendar	*cal;
	size_t			 i;

	for (i = 0; i < t->nclocks; i++) {
		c = &t->clocks[i];
		if (c->started < r->since || c->started >= r->until)
			continue;
		if (c->done & SLA_DONE_STEP(SLA_WARN))
			a->g.warnings++;
		if (c->done & SLA_DONE_OVERDUE)
			a->g.breaches++;
		if (c->kind == SLA_RESOLUTION)
			continue;
		report_share(&a->g.all_in_time, report_kept(r, c));
		if (report_answered(c))
			vec_add(&a->response, c->stopped - c->started);
		if (c->kind != SLA_FIRST)
			continue;
		report_share(&a->g.first_in_time, report_kept(r, c));
		if (report_answered(c)) {
			cal = clocks_calendar(r->conf, c);
			vec_add(&a->first, c->stopped - c->started);
			vec_add(&a->first_business, calendar_open_between(cal,
			    c->started, c->stopped));
		}
	}
}

/* Everything t adds to one group. */
static void
report_into(const struct report *r, struct acc *a,
    const struct report_ticket *t, int in_period)
{
	time_t	age, handle;

	/* Open at the end of the period: the backlog. */
	if (t->created < r->until && (t->closed == 0 ||
	    t->closed >= r->until)) {
		age = r->until - t->created;
		a->g.backlog[age < 4 * 3600 ? REPORT_AGE_4H : age < 86400 ?
		    REPORT_AGE_1D : age < 3 * 86400 ? REPORT_AGE_3D :
		    REPORT_AGE_OLDER]++;
	}
	report_clocks(r, a, t);
	if (!in_period)
		return;
	a->g.tickets++;
	a->g.messages += (size_t)t->messages;
	if (t->surveyed)
		a->g.surveys++;
	if (t->rating >= 0 && t->scale == 10) {
		a->g.nps_n++;
		a->g.nps_promoters += t->rating >= 9;
		a->g.nps_detractors += t->rating <= 6;
	} else if (t->rating >= 1) {
		if (t->rating <= 5)
			a->g.csat_counts[t->rating]++;
		a->g.csat_n++;
		a->g.csat_sum += (size_t)t->rating;
		a->g.csat_good += t->rating >= 4;
	}
	report_share(&a->g.returning, t->returning != 0);
	if (t->closed != 0 && t->closed < r->until) {
		handle = t->closed - t->created;
		if (handle < 0)
			handle = 0;
		vec_add(&a->handle, handle);
		vec_add(&a->resolution, handle > t->waited ?
		    handle - t->waited : 0);
		report_share(&a->g.reopened, t->reopened > 0);
		report_share(&a->g.one_touch, t->answers == 1);
	}
}

int
report_add(const struct report_ticket *t, void *arg)
{
	struct report	*r = arg;
	struct acc	*gs[16];
	time_t		 start = report_start(t);
	size_t		 n, i;
	int		 in_period = start >= r->since && start < r->until;

	if (t->created >= r->until)
		return (0);
	report_into(r, &r->desk, t, in_period);
	/* A day or week is a group of the tickets started in it. */
	if (!in_period && (r->by == REPORT_BY_DAY || r->by == REPORT_BY_WEEK))
		n = 0;
	else
		report_groups_of(r, &r->groups, r->by, t, start, gs, &n);
	for (i = 0; i < n; i++)
		report_into(r, gs[i], t, in_period);
	report_groups_of(r, &r->fair_groups, REPORT_BY_LANGUAGE, t, start,
	    gs, &n);
	for (i = 0; i < n; i++)
		report_into(r, gs[i], t, in_period);
	report_groups_of(r, &r->fair_groups, REPORT_BY_CUSTOMER_TYPE, t,
	    start, gs, &n);
	for (i = 0; i < n; i++)
		report_into(r, gs[i], t, in_period);
	if (in_period) {
		report_groups_of(r, &r->days, REPORT_BY_DAY, t, start, gs, &n);
		for (i = 0; i < n; i++)
			report_into(r, gs[i], t, in_period);
	}
	return (0);
}

/* ---- the end ---- */

const time_t report_bucket_end[REPORT_BUCKETS - 1] = {
	3600, 4 * 3600, 8 * 3600, 24 * 3600, 48 * 3600, 72 * 3600
};

static void
acc_finish(struct acc *a)
{
	size_t	i, b;

	for (i = 0; i < a->first.n; i++) {
		for (b = 0; b < REPORT_BUCKETS - 1 &&
		    a->first.v[i] >= report_bucket_end[b]; b++)
			;
		a->g.first_buckets[b]++;
	}
	report_stat_of(a->first.v, a->first.n, &a->g.first);
	report_stat_of(a->first_business.v, a->first_business.n,
	    &a->g.first_business);
	report_stat_of(a->response.v, a->response.n, &a->g.response);
	report_stat_of(a->handle.v, a->handle.n, &a->g.handle);
	report_stat_of(a->resolution.v, a->resolution.n, &a->g.resolution);
}

/* Is group g treated worse than the desk d? Why, into b. */
static int
report_unfair(const struct report_fairness *f, const struct report_group *d,
    const struct report_group *g, struct buf *b)
{
	double	gp, dp;
	int	bad = 0;

	if (g->tickets < f->min_tickets)
		return (0);
	if (g->first.n > 0 && d->first.n > 0 && d->first.median > 0 &&
	    (double)g->first.median > (double)d->first.median *
	    (100.0 + f->slower) / 100.0) {
		buf_adds(b, "median first response ");
		sla_span(b, g->first.median);
		buf_adds(b, " against the desk's ");
		sla_span(b, d->first.median);
		buf_addf(b, " (%.0f%% slower)", 100.0 *
		    (double)(g->first.median - d->first.median) /
		    (double)d->first.median);
		bad = 1;
	}
	gp = report_percent(&g->first_in_time);
	dp = report_percent(&d->first_in_time);
	if (g->first_in_time.n > 0 && d->first_in_time.n > 0 &&
	    gp < dp - f->points) {
		buf_addf(b, "%sanswered in time %.0f%% against the desk's "
		    "%.0f%%", bad ? "; " : "", gp, dp);
		bad = 1;
	}
	return (bad);
}

static int
group_cmp(const void *a, const void *b)
{
	const struct report_group	*x = a, *y = b;

	if (x->by != y->by)
		return (x->by < y->by ? -1 : 1);
	return (strcmp(x->name, y->name));
}

/* Finish l's groups, judged against the desk when judge, into l->out. */
static void
report_finish_list(struct report *r, struct accs *l, int judge)
{
	struct buf	b;
	size_t		i;

	l->out = xreallocarray(NULL, l->n + 1, sizeof *l->out);
	for (i = 0; i < l->n; i++) {
		acc_finish(l->v[i]);
		if (judge) {
			buf_init(&b);
			if (report_unfair(&r->fair, &r->desk.g, &l->v[i]->g,
			    &b)) {
				l->v[i]->g.flagged = 1;
				l->v[i]->g.flag = xstrdup(buf_cstr(&b));
			}
			buf_free(&b);
		}
		l->out[i] = l->v[i]->g;
	}
	if (l->n > 1)
		qsort(l->out, l->n, sizeof *l->out, group_cmp);
}

void
report_finish(struct report *r)
{
	if (r->finished)
		return;
	r->finished = 1;
	acc_finish(&r->desk);
	report_finish_list(r, &r->groups, r->by == REPORT_BY_LANGUAGE ||
	    r->by == REPORT_BY_CUSTOMER_TYPE);
	report_finish_list(r, &r->fair_groups, 1);
	report_finish_list(r, &r->days, 0);
}

const struct report_group *
report_desk(const struct report *r)
{
	return (&r->desk.g);
}

const struct report_group *
report_groups(const struct report *r, size_t *np)
{
	*np = r->groups.n;
	return (r->groups.out);
}

const struct report_group *
report_days(const struct report *r, size_t *np)
{
	*np = r->days.n;
	return (r->days.out);
}

const struct report_group *
report_fair_groups(const struct report *r, size_t *np)
{
	*np = r->fair_groups.n;
	return (r->fair_groups.out);
}
