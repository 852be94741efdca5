/*
 * helpq - cycle.c: one cycle of the mail loop: sources -> ingest -> mark
 * at the source -> timers -> flush. The cycle holds the store: it hands a
 * folder's saved state to the IMAP source, saves what the source
 * returns, and tells the source what the store made of each message.
 */
#include "compat.h"

#include <sys/time.h>

#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "cycle.h"
#include "deliver.h"
#include "imap.h"
#include "ingest.h"
#include "buf.h"
#include "log.h"
#include "service.h"
#include "now.h"
#include "outbox.h"
#include "source.h"
#include "store.h"
#include "tick.h"
#include "xmalloc.h"

/* ---- one source ---- */

struct cycle_tick {
	struct cmd_progress	*pg;
	uint64_t		*done;
};

static void
cycle_tick(void *arg, uint64_t n)
{
	struct cycle_tick	*t = arg;

	(*t->done)++;
	cmd_progress_show(t->pg, *t->done, 0);
	/* A first poll of a big mailbox takes longer than the watchdog. */
	service_watchdog();
}

int
cycle_source(struct ingest *in, struct source *src, struct cmd_progress *pg,
    uint64_t *done)
{
	struct cycle_tick		 t;
	enum ingest_source_result	 r;
	char				*cause = NULL;

	pg->total += src->total;
	t.pg = pg;
	t.done = done;
	if ((r = ingest_source(in, src, cycle_tick, &t, &cause)) !=
	    INGEST_SOURCE_OK) {
		log_error("%s: %s", src->name, cause);
		free(cause);
	}
	return (cmd_ingest_status(r));
}

/* ---- a folder's state, kept in the store for the IMAP source ---- */

static int
cycle_state_load(struct cycle *c, const char *folder,
    struct source_imap_state *s, char **cause)
{
	struct mailbox_state	ms;
	int			r;

	memset(s, 0, sizeof *s);
	if ((r = store_mailbox_get(c->st, folder, &ms, cause)) == -1)
		return (-1);
	if (r == 1)
		return (0);
	s->known = 1;
	s->uidvalidity = ms.uidvalidity;
	s->last_uid = ms.last_uid;
	s->history_uid = ms.history_uid;
	s->updated = ms.updated;
	return (0);
}

/* A new state replaces the old one whole, in a transaction of its own. */
static int
cycle_state_save(struct cycle *c, const char *folder,
    const struct source_imap_state *s, char **cause)
{
	struct mailbox_state	ms;

	if (c->dry_run)
		return (0);
	memset(&ms, 0, sizeof ms);
	ms.uidvalidity = s->uidvalidity;
	ms.last_uid = s->last_uid;
	ms.history_uid = s->history_uid;
	ms.updated = s->updated;
	if (store_begin(c->st, cause) != 0)
		return (-1);
	if (store_mailbox_set(c->st, folder, &ms, cause) != 0) {
		store_rollback(c->st);
		return (-1);
	}
	return (store_commit(c->st, cause));
}

/* ---- the mark at the source ---- */

/* The committed messages of a folder that the server does not show yet. */
/* The merged numbers whose keywords a mark takes away, at most. */
#define MARK_ALIASES	64

struct cycle_marks {
	struct source_mark	*v;
	struct ticket		*t;	/* v[i]'s ticket (id 0: none read) */
	int64_t			**aliases; /* v[i]'s, allocated */
	size_t			 n;
};

static int
cycle_marks_add(uint32_t uid, int64_t ticket, void *arg)
{
	struct cycle_marks	*m = arg;
	struct source_mark	*sm;
	struct ticket		*t;

	m->v = xreallocarray(m->v, m->n + 1, sizeof *m->v);
	m->t = xreallocarray(m->t, m->n + 1, sizeof *m->t);
	m->aliases = xreallocarray(m->aliases, m->n + 1, sizeof *m->aliases);
	m->aliases[m->n] = NULL;
	sm = &m->v[m->n];
	t = &m->t[m->n++];
	memset(sm, 0, sizeof *sm);
	memset(t, 0, sizeof *t);
	sm->uid = uid;
	sm->ticket = ticket;
	return (0);
}

/* Each mark gets its ticket's tags and queue, and with numbered
 * keywords the numbers merged into it. */
static int
cycle_marks_tickets(struct store *st, struct cycle_marks *m, int numbers,
    char **cause)
{
	size_t	i;

	for (i = 0; i < m->n; i++) {
		if (m->v[i].ticket <= 0)
			continue;
		if (store_ticket_get(st, m->v[i].ticket, &m->t[i],
		    cause) != 0) {
			memset(&m->t[i], 0, sizeof m->t[i]);
			return (-1);
		}
		m->v[i].queue = m->t[i].queue;
		m->v[i].tags = m->t[i].tags;
		m->v[i].ntags = m->t[i].ntags;
		if (!numbers)
			continue;
		m->aliases[i] = xreallocarray(NULL, MARK_ALIASES,
		    sizeof *m->aliases[i]);
		if (store_ticket_aliases(st, m->t[i].id, m->aliases[i],
		    MARK_ALIASES, &m->v[i].naliases, cause) != 0)
			return (-1);
		m->v[i].aliases = m->aliases[i];
	}
	return (0);
}

static void
cycle_marks_free(struct cycle_marks *m)
{
	size_t	i;

	for (i = 0; i < m->n; i++) {
		store_ticket_clear(&m->t[i]);
		free(m->aliases[i]);
	}
	free(m->aliases);
	free(m->t);
	free(m->v);
}

/*
 * Mark at the server what the store has from folder beyond its reflected
 * high-water mark. The mark moves only after the server took them, so a
 * crash in between marks them again, which changes nothing.
 */
static int
cycle_mark(struct cycle *c, struct source *src, const char *folder,
    char **cause)
{
	const struct config_imap	*ci = &c->g->conf.imap;
	struct mailbox_state		 ms;
	struct cycle_marks		 m;
	int				 rc;

	if (store_mailbox_get(c->st, folder, &ms, cause) != 0)
		return (-1);
	if (ms.reflected_uid >= ms.last_uid)
		return (0);
	memset(&m, 0, sizeof m);
	if ((ci->keywords || ci->queue_folder != NULL) &&
	    (store_mailbox_messages(c->st, folder, ms.uidvalidity,
	    ms.reflected_uid, ms.last_uid, cycle_marks_add, &m, cause) != 0 ||
	    cycle_marks_tickets(c->st, &m, ci->keywords &&
	    ci->ticket_keywords, cause) != 0)) {
		cycle_marks_free(&m);
		return (-1);
	}
	rc = source_mark(src, m.v, m.n, cause);
	cycle_marks_free(&m);
	if (rc != 0)
		return (-1);
	if (store_begin(c->st, cause) != 0)
		return (-1);
	if (store_mailbox_reflected(c->st, folder, ms.uidvalidity,
	    ms.last_uid, cause) != 0) {
		store_rollback(c->st);
		return (-1);
	}
	return (store_commit(c->st, cause));
}

/* ---- the folders ---- */

static int
cycle_folder(struct cycle *c, struct ingest *in, const char *folder,
    uint64_t *done)
{
	struct cmd_progress		 pg;
	struct source_imap_state	 state;
	struct source			*src;
	enum source_imap_open_result	 r;
	char				*cause = NULL;
	int				 changed, rc;

	if (cycle_state_load(c, folder, &state, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		return (EX_TEMPFAIL);
	}
	r = source_imap_open(c->im, &c->g->conf.imap, folder, &state,
	    &changed, c->stop, &src, &cause);
	if (r == SOURCE_IMAP_OPEN_OK && changed &&
	    cycle_state_save(c, folder, &state, &cause) != 0) {
		source_close(src);
		r = SOURCE_IMAP_OPEN_ERROR;
	}
	if (r != SOURCE_IMAP_OPEN_OK) {
		log_error("%s", cause);
		free(cause);
		return (cmd_folder_status(r));
	}
	memset(&pg, 0, sizeof pg);
	pg.on = !c->g->quiet && isatty(STDERR_FILENO) && src->total > 100;
	pg.label = folder;
	gettimeofday(&pg.start, NULL);
	pg.last = pg.start;
	/* Round by round: each commits, then the server gets its marks,
	 * so a poll killed on a large folder keeps what it did. */
	do {
		/* Commits what the round read before it returns. */
		rc = cycle_source(in, src, &pg, done);
		if (rc == 0 && !c->dry_run && cycle_mark(c, src, folder,
		    &cause) != 0) {
			log_error("%s: %s", folder, cause);
			free(cause);
			rc = EX_TEMPFAIL;
		}
	} while (rc == 0 && !*c->stop && source_imap_more(src));
	if (pg.on)
		cmd_progress_show(&pg, *done, 1);
	source_close(src);
	return (rc);
}

int
cycle_folders(struct cycle *c, struct ingest_stats *stats)
{
	const struct config_imap	*ci = &c->g->conf.imap;
	struct ingest			*in;
	uint64_t			 done = 0;
	size_t				 i;
	char				*cause = NULL;
	int				 rc = 0;

	/* One transaction a round (source_imap_more). */
	in = ingest_new(c->st, &c->g->conf, ci->commit_count);
	ingest_set_rules(in, c->rs);
	ingest_set_outbox(in, c->ob);
	if (c->dry_run)
		ingest_set_dry_run(in);
	if (c->report != NULL)
		ingest_set_report(in, c->report, c->report_arg);
	for (i = 0; i < ci->nfolders && rc == 0 && !*c->stop; i++)
		rc = cycle_folder(c, in, ci->folders[i], &done);
	if (rc == 0 && ci->sent != NULL && !*c->stop)
		rc = cycle_folder(c, in, ci->sent, &done);
	*stats = *ingest_stats(in);
	if (ingest_free(in, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		rc = EX_TEMPFAIL;
	}
	return (rc);
}

int
cycle_timers(struct cycle *c)
{
	char	*cause = NULL;

	if (tick_run(c->ob, c->st, &c->g->conf, now_get(), &c->tick,
	    &cause) != 0) {
		log_error("response clocks: %s", cause);
		free(cause);
		return (EX_TEMPFAIL);
	}
	return (0);
}

int
cycle_finish(struct cycle *c, struct deliver_stats *os)
{
	int	rc;

	memset(os, 0, sizeof *os);
	if ((rc = cycle_timers(c)) != 0)
		return (rc);
	/* Without an SMTP server nothing is queued, sent or copied. */
	if (!outbox_enabled(c->ob))
		return (0);
	return (cycle_flush(c->g, c->st, c->ob, 0, c->im, os));
}

/* "3 new tickets" or "1 new ticket" into b. */
static void
cycle_count(struct buf *b, const char *sep, uint64_t n, const char *one,
    const char *many)
{
	buf_addf(b, "%s%llu %s", sep, (unsigned long long)n, n == 1 ? one :
	    many);
}

void
cycle_summary(const struct ingest_stats *in, const struct tick_stats *ts,
    const struct deliver_stats *os, char *out, size_t len)
{
	struct buf	 b;
	uint64_t	 total = 0;
	int		 i;

	buf_init(&b);
	if (in != NULL)
		for (i = 0; i <= INGEST_FAILED; i++)
			total += in->count[i];
	if (total > 0) {
		cycle_count(&b, "", total, "message", "messages");
		cycle_count(&b, ": ", in->count[INGEST_NEW], "new ticket",
		    "new tickets");
		cycle_count(&b, ", ", in->count[INGEST_THREADED], "threaded",
		    "threaded");
		cycle_count(&b, ", ", in->count[INGEST_DUPLICATE],
		    "duplicate", "duplicates");
		cycle_count(&b, ", ", in->count[INGEST_IGNORED], "ignored",
		    "ignored");
		cycle_count(&b, ", ", in->count[INGEST_FAILED], "failed",
		    "failed");
	}
	if (ts != NULL && ts->steps + ts->breached > 0) {
		cycle_count(&b, b.len > 0 ? "; " : "", ts->steps,
		    "clock step", "clock steps");
		cycle_count(&b, ", ", ts->breached, "breach", "breaches");
	}
	if (ts != NULL && ts->mailed + ts->surveys > 0)
		cycle_count(&b, b.len > 0 ? "; " : "",
		    ts->mailed + ts->surveys, "mail queued", "mails queued");
	if (os != NULL && os->sent + os->deferred + os->failed > 0) {
		cycle_count(&b, b.len > 0 ? "; " : "", os->sent, "sent",
		    "sent");
		buf_addf(&b, " (%u ack%s)", os->acks, os->acks == 1 ? "" :
		    "s");
		cycle_count(&b, ", ", os->deferred, "to retry", "to retry");
		cycle_count(&b, ", ", os->failed, "failed to send",
		    "failed to send");
	}
	snprintf(out, len, "%s", buf_cstr(&b));
	buf_free(&b);
}

void
cycle_log(const struct cycle *c, const struct ingest_stats *in,
    const struct deliver_stats *os)
{
	char	line[512];

	cycle_summary(in, &c->tick, os, line, sizeof line);
	if (*line == '\0')
		return;
	log_info("%s", line);
	service_status("%s", line);
}

int
cycle_run(struct cycle *c, struct ingest_stats *stats)
{
	struct deliver_stats	os;
	int			rc;

	if ((rc = cycle_folders(c, stats)) != 0)
		return (rc);
	if (c->dry_run)
		return (0);
	rc = cycle_finish(c, &os);
	cycle_log(c, stats, &os);
	return (rc);
}

/* ---- the flush ---- */

/* The Sent copy goes through the cycle's IMAP connection. */
static int
cycle_append(void *arg, const char *folder, const char *raw, size_t len,
    char **cause)
{
	return (imap_append(arg, folder, raw, len, cause));
}

/* Copy sent mail to the Sent folder over im, else a connection of our
 * own when copies wait. */
static void
cycle_copy_sent(struct globals *g, struct store *st, struct outbox *ob,
    struct imap *im, struct deliver_stats *os)
{
	struct imap	*own = NULL;
	enum imap_fail	 f;
	char		*cause = NULL;
	int		 r;

	if (g->conf.imap.host == NULL || g->conf.imap.sent == NULL)
		return;
	if (im == NULL) {
		if ((r = deliver_copies_pending(st, &cause)) <= 0) {
			if (r == -1) {
				log_warnx("%s", cause);
				free(cause);
			}
			return;
		}
		if (imap_open(&g->conf.imap, &own, &f, &cause) != 0) {
			log_warnx("no copies in %s yet: %s",
			    g->conf.imap.sent, cause);
			free(cause);
			return;
		}
		im = own;
	}
	if (deliver_copy_sent(ob, st, cycle_append, im, os, &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
	}
	imap_close(own);
}

int
cycle_flush(struct globals *g, struct store *st, struct outbox *ob,
    int force, struct imap *im, struct deliver_stats *os)
{
	enum deliver_result	 r;
	char			*cause = NULL;

	if ((r = deliver_flush(ob, st, force, os, &cause)) == DELIVER_ERROR) {
		log_error("sending: %s", cause);
		free(cause);
		return (cmd_flush_status(r));
	}
	cycle_copy_sent(g, st, ob, im, os);
	if (os->sent + os->failed + os->deferred > 0)
		log_debug("outbox: %u sent, %u to retry, %u failed", os->sent,
		    os->deferred, os->failed);
	return (cmd_flush_status(r));
}
