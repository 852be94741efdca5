/*
 * helpq - tick.c: the steps and breaches of the running clocks, mailed
 * once each.
 *
 * Exactly once: a step's done bit, its event and its mail (keyed
 * "sla:TICKET:CLOCK:STEP" in the outbox) commit together, and the mail is
 * sent only after that commit; a run killed before it repeats the step,
 * one killed after finds it done.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clocks.h"
#include "config.h"
#include "notify.h"
#include "outbox.h"
#include "sla.h"
#include "store.h"
#include "tick.h"
#include "xmalloc.h"

/* Late steps in one digest at most; the rest are counted. */
#define TICK_DIGEST_MAX	100

/* A running clock, copied out of the store. */
struct tick_clock {
	struct sla_clock	c;
	char			calendar[CALENDAR_NAME_MAX + 1];
	char			source[CALENDAR_NAME_MAX + 16];
};

struct tick_clocks {
	struct tick_clock	*v;
	size_t			 n;
};

/* A step mailed late, waiting for the others to the same people. */
struct tick_late {
	int64_t			 ticket;
	char			*key;
	char			*line;		/* the digest's line for it */
	char			*text;		/* its own mail's ${text} */
	char			*rcpts;		/* its addresses, for grouping */
	const struct sla_step	*step;
	enum sla_step_id	 id;
	const char		*queue_address;
	time_t			 due;
};

struct tick {
	struct outbox		*ob;
	struct store		*st;
	const struct config	*conf;
	time_t			 now;
	struct tick_stats	*stats;
	struct tick_late	*late;
	size_t			 nlate;
};

static int
tick_collect_cb(const struct sla_clock *c, void *arg)
{
	struct tick_clocks	*l = arg;
	struct tick_clock	*t;

	if (c->resumed == 0)
		return (0);		/* paused: nothing comes due */
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	t = &l->v[l->n++];
	t->c = *c;
	snprintf(t->calendar, sizeof t->calendar, "%s", c->calendar);
	snprintf(t->source, sizeof t->source, "%s", c->source);
	t->c.calendar = t->c.source = t->c.outcome = NULL;
	return (0);
}

/* The running clocks; their strings point into the array once it no
 * longer moves. */
static int
tick_collect(struct store *st, struct tick_clocks *l, char **cause)
{
	size_t	i;

	memset(l, 0, sizeof *l);
	if (store_clocks_running(st, 0, tick_collect_cb, l, cause) != 0)
		return (-1);
	for (i = 0; i < l->n; i++) {
		l->v[i].c.calendar = l->v[i].calendar;
		l->v[i].c.source = l->v[i].source;
	}
	return (0);
}

static const char *
tick_step_title(enum sla_step_id id)
{
	return (id == SLA_WARN ? "Warning" : id == SLA_BREACH ? "Breach" :
	    "Escalation");
}

/* A queue's own address, for the "queue" audience. */
static const char *
tick_queue_address(const struct config *conf, const char *queue)
{
	const struct sla_queue	*q = sla_queue_find(conf, queue);

	return (q != NULL ? q->address : NULL);
}

static void
tick_late_free(struct tick_late *l)
{
	free(l->key);
	free(l->line);
	free(l->text);
	free(l->rcpts);
}

/* The record of step id of c on its ticket. */
static int
tick_event(struct tick *t, const struct tick_clock *k, enum sla_step_id id,
    const char *what, char **cause)
{
	char	*detail;
	int	 rc;

	detail = xprintf("%s of the %s clock: %s", sla_step_name(id),
	    sla_kind_title(k->c.kind), what);
	rc = store_event_add(t->st, k->c.ticket, 0, t->now, "sla", detail,
	    cause);
	free(detail);
	return (rc);
}

/* Mail one step now (or a late one alone). */
static int
tick_mail(struct tick *t, int64_t ticket, const char *key,
    enum sla_step_id id, const struct sla_step *s, const char *queue_address,
    const char *text, time_t due, char **what, char **cause)
{
	struct notify_team	m;
	char			tname[32];
	int			r;

	/* sla-warn, sla-breach, sla-escalate: each says it its way. */
	snprintf(tname, sizeof tname, "sla-%s", sla_step_name(id));
	memset(&m, 0, sizeof m);
	m.ticket = ticket;
	m.key = key;
	m.template_name = tname;
	m.to = (const char *const *)s->to;
	m.nto = s->nto;
	m.queue_address = queue_address;
	m.text = text;
	m.due = due;
	m.now = t->now;
	if ((r = notify_team(t->ob, t->st, &m, what, cause)) == 1)
		t->stats->mailed++;
	if (r != -1 && *what == NULL)
		*what = xstrdup("no mail: no SMTP server is configured");
	return (r);
}

/* The addresses step s reaches, as one string, to group late steps. */
static char *
tick_rcpts(const struct tick *t, const struct sla_step *s,
    const char *queue_address)
{
	const char	**addrs;
	struct buf	  b;
	size_t		  i, k;
	char		 *out;

	k = notify_audience(t->conf, (const char *const *)s->to, s->nto,
	    queue_address, &addrs);
	buf_init(&b);
	for (i = 0; i < k; i++)
		buf_addf(&b, "%s%s", i > 0 ? ", " : "", addrs[i]);
	free(addrs);
	out = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return (out);
}

/* One step of clock k that came due at at. */
static int
tick_step(struct tick *t, const struct tick_clock *k, const struct ticket *tk,
    enum sla_step_id id, const struct sla_step *s, time_t at,
    const struct calendar *cal, char **cause)
{
	struct tick_late	*l;
	struct buf		 text, b;
	const char		*qa = tick_queue_address(t->conf, tk->queue);
	char			*key, *what = NULL;
	int			 r;

	t->stats->steps++;
	buf_init(&text);
	buf_addf(&text, "The %s %s ", sla_kind_title(k->c.kind),
	    k->c.due > t->now ? "is due" : "was due");
	sla_time(&text, cal, k->c.due);
	buf_adds(&text, ". The customer has waited ");
	sla_span(&text, t->now - k->c.started);
	buf_adds(&text, ".");
	if (t->now - at > t->conf->ack.max_age) {
		/* History, or helpq stood still for days: old news. */
		buf_init(&b);
		buf_adds(&b, "not mailed: its time, ");
		sla_time(&b, cal, at);
		buf_adds(&b, ", is more than [ack] max-age past");
		r = tick_event(t, k, id, buf_cstr(&b), cause);
		buf_free(&b);
		buf_free(&text);
		return (r);
	}
	key = xprintf("sla:%lld:%lld:%s", (long long)k->c.ticket,
	    (long long)k->c.id, sla_step_name(id));
	if (t->now - at > SLA_LATE) {
		buf_adds(&text, " Mailed late: ");
		sla_span(&text, t->now - at);
		buf_adds(&text, " after its time.");
		t->late = xreallocarray(t->late, t->nlate + 1,
		    sizeof *t->late);
		l = &t->late[t->nlate++];
		memset(l, 0, sizeof *l);
		l->ticket = k->c.ticket;
		l->key = key;
		l->text = xstrdup(buf_cstr(&text));
		l->line = xprintf("ticket %lld \"%s\": %s. %s", (long long)tk->id,
		    tk->subject != NULL ? tk->subject : "", tick_step_title(id),
		    buf_cstr(&text));
		l->rcpts = tick_rcpts(t, s, qa);
		l->step = s;
		l->id = id;
		l->queue_address = qa;
		l->due = k->c.due;
		t->stats->late++;
		buf_free(&text);
		return (0);
	}
	r = tick_mail(t, k->c.ticket, key, id, s, qa, buf_cstr(&text),
	    k->c.due, &what, cause);
	if (r != -1)
		r = tick_event(t, k, id, what, cause);
	free(what);
	free(key);
	buf_free(&text);
	return (r);
}

/* The due time passed: the ticket is overdue until answered. */
static int
tick_breach(struct tick *t, const struct tick_clock *k,
    const struct calendar *cal, char **cause)
{
	struct buf	b;
	int		rc;

	t->stats->breached++;
	if (k->c.kind != SLA_RESOLUTION && store_tag_system(t->st,
	    k->c.ticket, "overdue", 1, t->now, cause) != 0)
		return (-1);
	buf_init(&b);
	buf_addf(&b, "%s clock breached: it was due ",
	    sla_kind_title(k->c.kind));
	sla_time(&b, cal, k->c.due);
	rc = store_event_add(t->st, k->c.ticket, 0, t->now, "breached",
	    buf_cstr(&b), cause);
	buf_free(&b);
	return (rc);
}

/* Everything due on clock k. */
static int
tick_clock(struct tick *t, const struct tick_clock *k, char **cause)
{
	const struct sla_step	*steps[SLA_NSTEPS];
	const struct calendar	*cal = clocks_calendar(t->conf, &k->c);
	struct ticket		 tk;
	time_t			 at[SLA_NSTEPS];
	unsigned		 bits, done = 0;
	int			 i, r = 0;

	if ((r = store_ticket_get(t->st, k->c.ticket, &tk, cause)) != 0)
		return (r == 1 ? 0 : -1);
	t->stats->clocks++;
	for (i = 0; i < SLA_NSTEPS; i++)
		steps[i] = sla_step_for(t->conf, tk.queue,
		    (enum sla_step_id)i);
	bits = sla_steps_due(&k->c, cal, steps, t->now, at);
	if (k->c.due != 0 && k->c.due <= t->now &&
	    (k->c.done & SLA_DONE_OVERDUE) == 0) {
		done |= SLA_DONE_OVERDUE;
		r = tick_breach(t, k, cal, cause);
	}
	for (i = 0; r == 0 && i < SLA_NSTEPS; i++) {
		if (bits & SLA_DONE_STEP(i))
			r = tick_step(t, k, &tk, (enum sla_step_id)i,
			    steps[i], at[i], cal, cause);
	}
	done |= bits;
	if (r == 0 && done != 0)
		r = store_clock_done(t->st, k->c.id, done, cause);
	store_ticket_clear(&tk);
	return (r);
}

/* One record on each ticket of a digest. */
static int
tick_digest_events(struct tick *t, size_t *idx, size_t n, const char *what,
    char **cause)
{
	char	*detail;
	size_t	 i;
	int	 rc = 0;

	for (i = 0; rc == 0 && i < n; i++) {
		detail = xprintf("%s of the response clock: %s In one digest "
		    "with %zu late steps: %s", sla_step_name(t->late[idx[i]].id),
		    t->late[idx[i]].text, n, what);
		rc = store_event_add(t->st, t->late[idx[i]].ticket, 0, t->now,
		    "sla", detail, cause);
		free(detail);
	}
	return (rc);
}

/* The late steps to the same people as late[first]: one mail. */
static int
tick_digest(struct tick *t, size_t first, unsigned char *sent, char **cause)
{
	struct notify_team	 m;
	struct tick_late	*l = &t->late[first];
	struct buf		 b;
	size_t			*idx, n = 0, i;
	char			*key, *what = NULL;
	int			 r;

	idx = xreallocarray(NULL, t->nlate, sizeof *idx);
	for (i = first; i < t->nlate; i++) {
		if (!sent[i] && strcmp(t->late[i].rcpts, l->rcpts) == 0) {
			idx[n++] = i;
			sent[i] = 1;
		}
	}
	if (n == 1) {
		r = tick_mail(t, l->ticket, l->key, l->id, l->step,
		    l->queue_address, l->text, l->due, &what, cause);
		if (r != -1) {
			key = xprintf("%s of the response clock: %s %s",
			    sla_step_name(l->id), l->text, what);
			r = store_event_add(t->st, l->ticket, 0, t->now, "sla",
			    key, cause);
			free(key);
		}
		goto out;
	}
	buf_init(&b);
	for (i = 0; i < n && i < TICK_DIGEST_MAX; i++)
		buf_addf(&b, "- %s\n", t->late[idx[i]].line);
	if (n > TICK_DIGEST_MAX)
		buf_addf(&b, "- and %zu more (helpq sla --overdue)\n",
		    n - TICK_DIGEST_MAX);
	key = xprintf("sla-digest:%s", l->key);
	memset(&m, 0, sizeof m);
	m.key = key;
	m.template_name = "sla-digest";
	m.to = (const char *const *)l->step->to;
	m.nto = l->step->nto;
	m.queue_address = l->queue_address;
	m.text = buf_cstr(&b);
	m.now = t->now;
	if ((r = notify_team(t->ob, t->st, &m, &what, cause)) == 1)
		t->stats->mailed++;
	if (r != -1 && what == NULL)
		what = xstrdup("no mail: no SMTP server is configured");
	if (r != -1)
		r = tick_digest_events(t, idx, n, what, cause);
	free(key);
	buf_free(&b);
out:
	free(what);
	free(idx);
	return (r == -1 ? -1 : 0);
}

/* The surveys of tickets closed [survey] delay ago (not those closed
 * longer ago than [ack] max-age before that: history). */
static int
tick_surveys(struct tick *t, char **cause)
{
	const struct config	*c = t->conf;
	int64_t			*ids;
	size_t			 n, i;
	char			*what;
	int			 r = 0;

	if (!outbox_enabled(t->ob))
		return (0);
	if (store_surveys_due(t->st, t->now - c->survey.delay -
	    c->ack.max_age, t->now - c->survey.delay + 1, &ids, &n,
	    cause) != 0)
		return (-1);
	for (i = 0; r == 0 && i < n; i++) {
		if ((r = notify_survey(t->ob, t->st, ids[i], t->now, &what,
		    cause)) == 1)
			t->stats->surveys++;
		free(what);
		r = r == -1 ? -1 : 0;
	}
	free(ids);
	return (r);
}

int
tick_run(struct outbox *ob, struct store *st, const struct config *conf,
    time_t now, struct tick_stats *stats, char **cause)
{
	struct tick_clocks	 l;
	struct tick		 t;
	unsigned char		*sent = NULL;
	size_t			 i;
	int			 rc = -1;

	memset(stats, 0, sizeof *stats);
	memset(&l, 0, sizeof l);
	memset(&t, 0, sizeof t);
	t.ob = ob;
	t.st = st;
	t.conf = conf;
	t.now = now;
	t.stats = stats;
	if (store_begin(st, cause) != 0)
		return (-1);
	if (tick_collect(st, &l, cause) != 0)
		goto out;
	for (i = 0; i < l.n; i++) {
		if (tick_clock(&t, &l.v[i], cause) != 0)
			goto out;
	}
	sent = xcalloc(t.nlate + 1, 1);
	for (i = 0; i < t.nlate; i++) {
		if (!sent[i] && tick_digest(&t, i, sent, cause) != 0)
			goto out;
	}
	if (conf->survey.enabled && tick_surveys(&t, cause) != 0)
		goto out;
	rc = store_commit(st, cause);
out:
	if (rc != 0) {
		store_rollback(st);
		memset(stats, 0, sizeof *stats);
	}
	for (i = 0; i < t.nlate; i++)
		tick_late_free(&t.late[i]);
	free(t.late);
	free(sent);
	free(l.v);
	return (rc);
}

int
tick_next(struct store *st, const struct config *conf, time_t now,
    time_t *next, char **cause)
{
	struct tick_clocks	 l;
	const struct sla_step	*steps[SLA_NSTEPS];
	struct ticket		 tk;
	time_t			 at[SLA_NSTEPS];
	size_t			 i;
	int			 j, r = 0;

	*next = 0;
	if (tick_collect(st, &l, cause) != 0)
		return (-1);
	for (i = 0; r == 0 && i < l.n; i++) {
		if ((r = store_ticket_get(st, l.v[i].c.ticket, &tk,
		    cause)) != 0) {
			r = r == 1 ? 0 : -1;
			continue;
		}
		for (j = 0; j < SLA_NSTEPS; j++)
			steps[j] = sla_step_for(conf, tk.queue,
			    (enum sla_step_id)j);
		store_ticket_clear(&tk);
		(void)sla_steps_due(&l.v[i].c, clocks_calendar(conf,
		    &l.v[i].c), steps, now, at);
		for (j = 0; j < SLA_NSTEPS; j++) {
			if (at[j] > now && steps[j]->nto > 0 &&
			    (l.v[i].c.done & SLA_DONE_STEP(j)) == 0 &&
			    (*next == 0 || at[j] < *next))
				*next = at[j];
		}
		if (l.v[i].c.due > now && (l.v[i].c.done &
		    SLA_DONE_OVERDUE) == 0 && (*next == 0 ||
		    l.v[i].c.due < *next))
			*next = l.v[i].c.due;
	}
	free(l.v);
	return (r);
}
