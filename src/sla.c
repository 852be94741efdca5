/*
 * helpq - sla.c: the terms a clock runs by, its due time and its steps'
 * times, and its arithmetic in words.
 */
#include "compat.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "calendar.h"
#include "config.h"
#include "sla.h"
#include "tz.h"
#include "xmalloc.h"

void
sla_queue_init(struct sla_queue *q, const char *name)
{
	memset(q, 0, sizeof *q);
	q->name = name != NULL ? xstrdup(name) : NULL;
	q->business = -1;
}

void
sla_step_clear(struct sla_step *s)
{
	xfreev(s->to, s->nto);
	memset(s, 0, sizeof *s);
}

void
sla_queue_clear(struct sla_queue *q)
{
	size_t	i;

	for (i = 0; i < SLA_NSTEPS; i++)
		sla_step_clear(&q->step[i]);
	free(q->name);
	free(q->calendar);
	free(q->address);
	memset(q, 0, sizeof *q);
}

/* ---- parsing a step ---- */

/* "4h", "30m", "1d12h", "90s": 0 and *secs, or -1. */
static int
sla_parse_span(const char *s, size_t n, time_t *secs)
{
	time_t	t = 0, v;
	size_t	i = 0;

	if (n == 0)
		return (-1);
	while (i < n) {
		if (!isdigit((unsigned char)s[i]))
			return (-1);
		for (v = 0; i < n && isdigit((unsigned char)s[i]); i++) {
			if (v > 100000)
				return (-1);
			v = v * 10 + (s[i] - '0');
		}
		if (i == n)
			return (-1);
		switch (s[i++]) {
		case 'd':
			v *= 86400;
			break;
		case 'h':
			v *= 3600;
			break;
		case 'm':
			v *= 60;
			break;
		case 's':
			break;
		default:
			return (-1);
		}
		t += v;
	}
	*secs = t;
	return (0);
}

/* An audience word or an address a header can carry. */
static int
sla_audience_ok(const char *w, size_t n)
{
	size_t	i;
	int	at = 0;

	if ((n == 6 && strncmp(w, "agents", 6) == 0) ||
	    (n == 8 && strncmp(w, "managers", 8) == 0) ||
	    (n == 5 && strncmp(w, "queue", 5) == 0))
		return (1);
	for (i = 0; i < n; i++) {
		if (w[i] == '@')
			at++;
		else if ((unsigned char)w[i] <= ' ' || w[i] == '<' ||
		    w[i] == '>' || w[i] == '"' || w[i] == 0x7f)
			return (0);
	}
	return (at == 1 && w[0] != '@' && w[n - 1] != '@');
}

static int
sla_step_when(struct sla_step *s, const char *w, size_t n, char **cause)
{
	char	*end;
	long	 pct;

	if (n > 1 && w[n - 1] == '%') {
		pct = strtol(w, &end, 10);
		if (end != w + n - 1 || !isdigit((unsigned char)*w) ||
		    pct < 1 || pct > 1000) {
			*cause = xstrdup("expected a share from 1% to 1000%");
			return (-1);
		}
		s->percent = (int)pct;
		return (0);
	}
	if ((*w == '+' || *w == '-') &&
	    sla_parse_span(w + 1, n - 1, &s->offset) == 0) {
		if (*w == '-')
			s->offset = -s->offset;
		return (0);
	}
	*cause = xstrdup("expected a share of the response time (75%) or an "
	    "offset from the due time (+4h, -30m), then to whom, or 'none'");
	return (-1);
}

int
sla_step_parse(struct sla_step *out, const char *v, char **cause)
{
	struct sla_step	 s;
	const char	*p = v, *w;
	size_t		 n;

	memset(&s, 0, sizeof s);
	while (isspace((unsigned char)*p))
		p++;
	if (strcmp(p, "none") == 0) {
		sla_step_clear(out);
		out->set = 1;
		return (0);
	}
	n = strcspn(p, " \t,");
	if (sla_step_when(&s, p, n, cause) != 0)
		return (-1);
	for (p += n;; p += n) {
		while (isspace((unsigned char)*p) || *p == ',')
			p++;
		if (*p == '\0')
			break;
		w = p;
		n = strcspn(p, " \t,");
		if (!sla_audience_ok(w, n)) {
			*cause = xprintf("'%.*s': expected 'agents', "
			    "'managers', 'queue' or an address", (int)n, w);
			sla_step_clear(&s);
			return (-1);
		}
		s.to = xreallocarray(s.to, s.nto + 1, sizeof *s.to);
		s.to[s.nto++] = xstrndup(w, n);
	}
	if (s.nto == 0) {
		*cause = xstrdup("expected to whom after the time: 'agents', "
		    "'managers', 'queue' or an address");
		return (-1);
	}
	s.set = s.on = 1;
	sla_step_clear(out);
	*out = s;
	return (0);
}

/* ---- the terms ---- */

const struct sla_queue *
sla_queue_find(const struct config *c, const char *name)
{
	size_t	i;

	if (name == NULL)
		return (NULL);
	for (i = 0; i < c->nqueues; i++) {
		if (strcasecmp(c->queues[i]->name, name) == 0)
			return (c->queues[i]);
	}
	return (NULL);
}

int
sla_terms(const struct config *c, const char *queue, time_t rule_seconds,
    int rule_business, int resolution, struct sla_terms *t)
{
	const struct sla_queue	*q = sla_queue_find(c, queue);
	const struct calendar	*cal = NULL;
	time_t			 qs, ds;

	memset(t, 0, sizeof *t);
	t->queue = q != NULL ? q->name : NULL;
	if (q != NULL && q->calendar != NULL)
		cal = config_calendar(c, q->calendar);
	t->cal = cal != NULL ? cal : &c->policy.cal;
	t->business = q != NULL && q->business != -1 ? q->business :
	    q != NULL && q->calendar != NULL ? 1 : c->policy.business;
	qs = q == NULL ? 0 : resolution ? q->resolution_time :
	    q->response_time;
	ds = resolution ? c->sla.resolution_time : c->policy.response_time;
	if (!resolution && rule_seconds > 0) {
		t->seconds = rule_seconds;
		t->business = rule_business;
		t->source = "rule";
	} else if (qs > 0) {
		t->seconds = qs;
		t->source = "queue";
	} else if (ds > 0) {
		t->seconds = ds;
		t->source = "default";
	} else
		return (1);
	return (0);
}

const struct sla_step *
sla_step_for(const struct config *c, const char *queue, enum sla_step_id id)
{
	static char		*queue_to[] = { "queue" };
	static char		*managers_to[] = { "managers" };
	static const struct sla_step builtin[SLA_NSTEPS] = {
		[SLA_WARN] = { 1, 1, 75, 0, queue_to, 1 },
		[SLA_BREACH] = { 1, 1, 100, 0, managers_to, 1 },
		[SLA_ESCALATE] = { 1, 0, 0, 0, NULL, 0 },
	};
	const struct sla_queue	*q = sla_queue_find(c, queue);

	if (q != NULL && q->step[id].set)
		return (&q->step[id]);
	if (c->sla.step[id].set)
		return (&c->sla.step[id]);
	return (&builtin[id]);
}

/* ---- the arithmetic ---- */

time_t
sla_due(const struct calendar *cal, int business, time_t from,
    time_t seconds)
{
	if (!business)
		return (from + seconds);
	return (calendar_due(cal, from, seconds));
}

time_t
sla_clock_due(const struct sla_clock *c, const struct calendar *cal)
{
	time_t	left = c->seconds - c->spent;

	return (sla_due(cal, c->business, c->resumed, left > 0 ? left : 0));
}

time_t
sla_step_at(const struct sla_clock *c, const struct calendar *cal,
    const struct sla_step *s)
{
	time_t	share;

	if (!s->on)
		return (0);
	if (s->percent == 0)
		return (c->due != 0 ? c->due + s->offset : 0);
	share = c->seconds / 100 * s->percent +
	    c->seconds % 100 * s->percent / 100;
	if (c->resumed == 0)
		return (0);
	/* Time counted before a pause has passed already. */
	if (share <= c->spent)
		return (c->resumed);
	return (sla_due(cal, c->business, c->resumed, share - c->spent));
}

unsigned
sla_steps_due(const struct sla_clock *c, const struct calendar *cal,
    const struct sla_step *const *steps, time_t now, time_t at[SLA_NSTEPS])
{
	unsigned	due = 0;
	int		i;

	for (i = 0; i < SLA_NSTEPS; i++) {
		at[i] = sla_step_at(c, cal, steps[i]);
		if (c->stopped != 0 || c->resumed == 0 || at[i] == 0)
			continue;
		if (at[i] <= now && (c->done & SLA_DONE_STEP(i)) == 0 &&
		    steps[i]->nto > 0)
			due |= SLA_DONE_STEP(i);
	}
	return (due);
}

static const char *const sla_kinds[] = {
	[SLA_FIRST] = "first", [SLA_NEXT] = "next",
	[SLA_RESOLUTION] = "resolution"
};

const char *
sla_kind_title(enum sla_kind k)
{
	return (k == SLA_FIRST ? "first response" : k == SLA_NEXT ?
	    "next response" : "resolution");
}

const char *
sla_kind_name(enum sla_kind k)
{
	return ((size_t)k < nitems(sla_kinds) ? sla_kinds[k] : "?");
}

int
sla_kind_parse(const char *s, enum sla_kind *k)
{
	size_t	i;

	for (i = 0; i < nitems(sla_kinds); i++) {
		if (strcmp(s, sla_kinds[i]) == 0) {
			*k = (enum sla_kind)i;
			return (0);
		}
	}
	return (-1);
}

const char *
sla_step_name(enum sla_step_id id)
{
	static const char *const names[] = {
		[SLA_WARN] = "warn", [SLA_BREACH] = "breach",
		[SLA_ESCALATE] = "escalate"
	};

	return ((size_t)id < nitems(names) ? names[id] : "?");
}

/* A span with days (calendar time) or in hours alone (open time, where
 * "1d" would read as a day rather than 24 open hours). */
static void
sla_span_in(struct buf *b, time_t s, int days)
{
	time_t	d, h, m;

	if (s < 0) {
		buf_adds(b, "-");
		s = -s;
	}
	d = days ? s / 86400 : 0;
	h = (s - d * 86400) / 3600;
	m = s % 3600 / 60;
	if (d > 0)
		buf_addf(b, h > 0 ? "%lldd %lldh" : "%lldd", (long long)d,
		    (long long)h);
	else if (h > 0)
		buf_addf(b, m > 0 ? "%lldh %lldm" : "%lldh", (long long)h,
		    (long long)m);
	else if (m > 0)
		buf_addf(b, "%lldm", (long long)m);
	else
		buf_addf(b, "%llds", (long long)s);
}

void
sla_span(struct buf *b, time_t s)
{
	sla_span_in(b, s, 1);
}

void
sla_hours(struct buf *b, time_t s)
{
	sla_span_in(b, s, 0);
}

/* ---- in words ---- */

void
sla_time(struct buf *b, const struct calendar *cal, time_t t)
{
	struct tm	tm;
	char		s[64];

	if (t == 0 || tz_local(cal->tz, t, &tm) != 0) {
		buf_adds(b, "never");
		return;
	}
	strftime(s, sizeof s, "%a %Y-%m-%d %H:%M", &tm);
	buf_addf(b, "%s %s", s, tm.tm_zone != NULL ? tm.tm_zone : "UTC");
}

struct sla_words {
	struct buf		*b;
	const struct calendar	*cal;
};

static void
sla_explain_step(const struct calendar_step *s, void *arg)
{
	struct sla_words	*w = arg;
	static const char *const wd[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	int64_t			 days;

	switch (s->kind) {
	case CALENDAR_STEP_OPEN:
		buf_adds(w->b, "  counted ");
		sla_time(w->b, w->cal, s->from);
		buf_adds(w->b, " to ");
		sla_time(w->b, w->cal, s->to);
		buf_adds(w->b, " (");
		sla_span(w->b, s->to - s->from);
		buf_adds(w->b, "; ");
		sla_hours(w->b, s->counted);
		buf_adds(w->b, " so far)\n");
		break;
	case CALENDAR_STEP_CLOSED:
	case CALENDAR_STEP_HOLIDAY:
		days = tz_days(s->year, s->month, s->day);
		buf_addf(w->b, "  skipped %s %04d-%02d-%02d: ",
		    wd[((days % 7) + 11) % 7], s->year, s->month, s->day);
		if (s->kind == CALENDAR_STEP_HOLIDAY)
			buf_addf(w->b, "holiday (%s)\n", s->holiday);
		else
			buf_adds(w->b, "closed all day\n");
		break;
	}
}

void
sla_explain(struct buf *b, const struct sla_clock *c,
    const struct calendar *cal, time_t now)
{
	struct sla_words	w;
	time_t			end;

	buf_addf(b, "Ticket %lld, %s clock", (long long)c->ticket,
	    sla_kind_title(c->kind));
	buf_adds(b, c->stopped != 0 ? " (stopped)\n" : c->resumed == 0 ?
	    " (paused: waiting on the customer)\n" : " (running)\n");
	buf_adds(b, "Started:  ");
	sla_time(b, cal, c->started);
	buf_adds(b, "\nPromise:  ");
	(c->business ? sla_hours : sla_span)(b, c->seconds);
	buf_addf(b, " %s, set by %s\n", c->business ? "business time" :
	    "calendar time", c->source);
	buf_addf(b, "Calendar: %s (%s)", c->calendar,
	    cal->tz != NULL ? tz_name(cal->tz) : "UTC");
	if (!c->business) {
		buf_adds(b, ", not used: the promise is in calendar time,"
		    " every hour counts\n");
	} else
		buf_adds(b, "\n");
	if (c->spent > 0) {
		buf_adds(b, "Counted before the last pause: ");
		sla_span(b, c->spent);
		buf_adds(b, "\n");
	}
	if (c->business && c->resumed != 0) {
		buf_adds(b, "Counting from ");
		sla_time(b, cal, c->resumed);
		buf_adds(b, ":\n");
		w.b = b;
		w.cal = cal;
		(void)calendar_explain(cal, c->resumed, c->seconds - c->spent >
		    0 ? c->seconds - c->spent : 0, sla_explain_step, &w);
	}
	buf_adds(b, "Due:      ");
	sla_time(b, cal, c->due);
	buf_adds(b, "\n");
	if (c->stopped != 0) {
		buf_addf(b, "Stopped:  ");
		sla_time(b, cal, c->stopped);
		buf_addf(b, " (%s, ", c->outcome != NULL ? c->outcome : "?");
		end = c->stopped;
	} else {
		buf_adds(b, "Now:      ");
		sla_time(b, cal, now);
		buf_adds(b, " (");
		end = now;
	}
	if (c->due == 0)
		buf_adds(b, "the calendar is never open)\n");
	else if (end <= c->due) {
		sla_span(b, c->due - end);
		buf_adds(b, c->stopped != 0 ? " early: kept)\n" : " left)\n");
	} else {
		sla_span(b, end - c->due);
		buf_adds(b, " late)\n");
	}
}
