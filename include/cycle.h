/*
 * helpq - cycle.h: one cycle of the mail loop, the same for import, poll
 * and run: sources -> ingest -> mark at the source -> timers -> flush.
 * Each step runs only after the one before it committed, so a crash at
 * any point repeats work and never loses it.
 */
#ifndef HELPQ_CYCLE_H
#define HELPQ_CYCLE_H

#include "compat.h"

#include <signal.h>

#include "ingest.h"
#include "tick.h"

struct cmd_progress;
struct globals;
struct imap;
struct outbox;
struct deliver_stats;
struct rules;
struct source;
struct store;

/* What a cycle works with; everything is borrowed. */
struct cycle {
	struct globals		*g;
	struct store		*st;
	struct rules		*rs;	/* NULL: no rules */
	struct outbox		*ob;
	struct imap		*im;	/* the IMAP connection, or NULL */
	int			 dry_run;	/* commit, mark nothing */
	volatile sig_atomic_t	*stop;	/* set: end after the round (the
					   folders only; else NULL is fine) */
	ingest_report_fn	 report;	/* after each message or NULL */
	void			*report_arg;
	struct tick_stats	 tick;		/* out: what cycle_timers did */
};

/*
 * Run every message of src through in, with progress (pg->total grows by
 * what src holds); *done counts them. Returns 0 or an exit status after
 * saying why.
 */
int	 cycle_source(struct ingest *in, struct source *src,
	    struct cmd_progress *pg, uint64_t *done);

/*
 * Every configured IMAP folder, then Sent, over c->im: new messages
 * stored round by round, each round marked at the server once committed.
 * *stats says what was stored. Returns 0 or an exit status after saying
 * why.
 */
int	 cycle_folders(struct cycle *c, struct ingest_stats *stats);

/*
 * What comes due with time alone: the steps and breaches of the response
 * clocks (tick.h), queued for the flush. Returns 0 or an exit status.
 */
int	 cycle_timers(struct cycle *c);

/*
 * The end of every cycle, once what came in is committed: the timers,
 * then the flush of what is due (when an SMTP server is configured). *os
 * says what the flush did. Returns 0 or an exit status after saying why.
 */
int	 cycle_finish(struct cycle *c, struct deliver_stats *os);

/*
 * What a cycle did, in one line at most len bytes long in buf ("" when
 * it did nothing): messages, tickets, mail sent, the clocks' steps.
 * in and os may be NULL.
 */
void	 cycle_summary(const struct ingest_stats *in,
	    const struct tick_stats *ts, const struct deliver_stats *os,
	    char *buf, size_t len);

/*
 * The summary at the info level and as systemd's status line, when the
 * cycle did something.
 */
void	 cycle_log(const struct cycle *, const struct ingest_stats *,
	    const struct deliver_stats *);

/*
 * One whole cycle over IMAP: the folders, then (unless a dry run)
 * cycle_finish. Returns 0 or an exit status after saying
 * why.
 */
int	 cycle_run(struct cycle *c, struct ingest_stats *stats);

/*
 * Send what the outbox holds (everything queued if force, else what is
 * due), then copy agents' mail to the IMAP Sent folder over im (NULL: a
 * connection of its own, opened only when copies wait). *os says what
 * happened (deferred counts mail that still waits). Returns 0,
 * EX_TEMPFAIL after saying why when the store failed, or EX_CONFIG when
 * the SMTP server's certificate fails the check (the mail tried is
 * failed; the rest waits for a corrected configuration).
 */
int	 cycle_flush(struct globals *, struct store *, struct outbox *,
	    int force, struct imap *im, struct deliver_stats *os);

#endif
