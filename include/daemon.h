/*
 * helpq - daemon.h: what "helpq poll" and "helpq run" hold (the rules,
 * the outbox, the lock, the store, the IMAP connection), and the run
 * loop: IDLE, reconnect with backoff, signals, reload on SIGHUP, and one
 * wake-up for every timer.
 */
#ifndef HELPQ_DAEMON_H
#define HELPQ_DAEMON_H

#include "compat.h"

#include <time.h>

#include "ingest.h"

struct globals;
struct imap;
struct outbox;
struct rules;
struct store;

struct daemon {
	struct globals	*g;
	struct store	*st;
	struct rules	*rs;
	struct imap	*im;		/* NULL while disconnected */
	struct outbox	*ob;
	int		 lockfd;	/* the poll lock, or -1 */
};

/*
 * Catch SIGTERM and SIGINT (stop after the current step) and SIGHUP
 * (reload); ignore SIGPIPE.
 */
void	 daemon_signals(void);
/* Nonzero once SIGTERM or SIGINT came. */
int	 daemon_stopping(void);

/*
 * Load the rules and the outbox, take the poll lock (one helpq per
 * database: "<database>.lock", which holds the pid of the helpq that has
 * it, so it is also run's pid file), open the store and start its
 * upkeep. Returns 0, or an exit status after saying why; daemon_teardown
 * frees what was set up either way.
 */
int	 daemon_setup(struct daemon *, struct globals *);
void	 daemon_teardown(struct daemon *);

/* Connect and log in to the IMAP server. 0, or an exit status. */
int	 daemon_connect(struct daemon *);

/*
 * One cycle (cycle.h) over the connection; a dry run commits and marks
 * nothing and calls report after each message. Returns 0, or an exit
 * status after saying why.
 */
int	 daemon_cycle(struct daemon *, int dry_run, ingest_report_fn report,
	    void *arg, struct ingest_stats *);

/*
 * Stay connected until a signal stops it: a cycle, then wait for news
 * (IDLE, else the poll interval) or the next timer, reconnecting with
 * backoff after a failure. Returns 0, or an exit status when no retry
 * can help (a wrong password, certificate or configuration).
 */
int	 daemon_run(struct daemon *);

/*
 * Seconds to wait from now until the first of due[0..n) (0 entries mean
 * nothing due), at most max and at least 1 once something is due.
 */
int	 daemon_wait_seconds(const time_t *due, size_t n, time_t now, int max);

#endif
