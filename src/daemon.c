/*
 * helpq - daemon.c: what poll and run hold, and the run loop: a cycle,
 * then IDLE (or a nap) until news or the next timer, reconnecting with
 * backoff; SIGTERM stops it, SIGHUP reloads the configuration and rules.
 */
#include "compat.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "cycle.h"
#include "daemon.h"
#include "imap.h"
#include "lockfile.h"
#include "log.h"
#include "now.h"
#include "outbox.h"
#include "rules.h"
#include "service.h"
#include "store.h"
#include "tick.h"
#include "xmalloc.h"

/* Servers end IDLE after 30 minutes: it is renewed before. */
#define DAEMON_IDLE_RENEW	(25 * 60)
/* The longest wait before reconnecting, in seconds. */
#define DAEMON_BACKOFF_MAX	300

static volatile sig_atomic_t daemon_stop;	/* SIGTERM, SIGINT */
static volatile sig_atomic_t daemon_reload;	/* SIGHUP */
static volatile sig_atomic_t daemon_wake;	/* any of them: end the wait */

static void
daemon_signal(int sig)
{
	if (sig == SIGHUP)
		daemon_reload = 1;
	else
		daemon_stop = 1;
	daemon_wake = 1;
}

/* No SA_RESTART: a signal ends the wait in poll() at once. */
void
daemon_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = daemon_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int
daemon_stopping(void)
{
	return (daemon_stop != 0);
}

/* ---- setting up ---- */

/*
 * One helpq per database: cron may start a poll while the last one still
 * runs. The lock file holds the pid of the helpq that has it.
 */
static int
daemon_lock(struct daemon *d)
{
	char	*path, *holder = NULL, *cause = NULL;
	int	 rc = 0;

	path = xprintf("%s.lock", cmd_db_path(d->g));
	lockfile_make_parent(path);
	switch (lockfile_lock(path, 1, &d->lockfd, &holder, &cause)) {
	case LOCKFILE_ERROR:
		/* A planted link stays until someone removes it. */
		rc = errno == ELOOP ? EX_CANTCREAT : cmd_store_status(path);
		log_error("%s", cause);
		free(cause);
		break;
	case LOCKFILE_BUSY:
		log_error("another helpq (pid %s) is working on %s; not "
		    "starting a second one", holder != NULL ? holder : "?",
		    cmd_db_path(d->g));
		free(holder);
		rc = EX_TEMPFAIL;
		break;
	case LOCKFILE_HELD:
		break;
	}
	free(path);
	return (rc);
}

int
daemon_setup(struct daemon *d, struct globals *g)
{
	char	*cause = NULL;
	int	 rc;

	memset(d, 0, sizeof *d);
	d->g = g;
	d->lockfd = -1;
	if (g->conf.imap.host == NULL) {
		log_error("%s: no IMAP server configured ([imap] host)",
		    g->conf.path != NULL ? g->conf.path : "configuration");
		return (EX_CONFIG);
	}
	if ((rc = cmd_load_rules(g, &d->rs)) != 0)
		return (rc);
	if ((rc = cmd_outbox(g, &d->ob)) != 0)
		return (rc);
	if ((rc = daemon_lock(d)) != 0)
		return (rc);
	if ((rc = cmd_open_store(g, 1, &d->st)) != 0)
		return (rc);
	if (store_background(d->st, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		return (EX_TEMPFAIL);
	}
	return (0);
}

void
daemon_teardown(struct daemon *d)
{
	imap_close(d->im);
	d->im = NULL;
	if (d->st != NULL)
		store_close(d->st);
	d->st = NULL;
	rules_free(d->rs);
	d->rs = NULL;
	outbox_free(d->ob);
	d->ob = NULL;
	if (d->lockfd != -1)
		close(d->lockfd);
	d->lockfd = -1;
}

int
daemon_connect(struct daemon *d)
{
	enum imap_fail	 f;
	char		*cause = NULL;

	if (imap_open(&d->g->conf.imap, &d->im, &f, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		return (cmd_imap_status(f));
	}
	return (0);
}

int
daemon_cycle(struct daemon *d, int dry_run, ingest_report_fn report,
    void *arg, struct ingest_stats *stats)
{
	struct cycle	c;

	memset(&c, 0, sizeof c);
	c.g = d->g;
	c.st = d->st;
	c.rs = d->rs;
	c.ob = d->ob;
	c.im = d->im;
	c.dry_run = dry_run;
	c.stop = &daemon_stop;
	c.report = report;
	c.report_arg = arg;
	return (cycle_run(&c, stats));
}

/* ---- the run loop ---- */

/*
 * Reload the configuration and rules; keep the old ones if they fail.
 * The new configuration takes the old one's place while the rules and
 * the outbox are made from it (the outbox points at it), and gives it
 * back if they fail.
 */
static void	daemon_do_reload_config(struct daemon *);

static void
daemon_do_reload(struct daemon *d)
{
	daemon_reload = 0;
	service_reloading();
	daemon_do_reload_config(d);
	service_ready("reloaded");
}

static void
daemon_do_reload_config(struct daemon *d)
{
	struct config	 conf, old;
	struct rules	*rs = NULL;
	struct outbox	*ob = NULL;
	char		*cause = NULL;

	config_defaults(&conf);
	if (d->g->conf.path != NULL &&
	    config_load(&conf, d->g->conf.path, &cause) != 0) {
		log_error("reload: %s; keeping the running configuration",
		    cause);
		free(cause);
		config_clear(&conf);
		return;
	}
	old = d->g->conf;
	d->g->conf = conf;
	if (cmd_load_rules(d->g, &rs) != 0) {
		log_error("reload: the rules have errors; keeping the running "
		    "rules");
		d->g->conf = old;
		config_clear(&conf);
		return;
	}
	if (cmd_outbox(d->g, &ob) != 0) {
		log_error("reload: the templates have errors; keeping the "
		    "running configuration");
		rules_free(rs);
		d->g->conf = old;
		config_clear(&conf);
		return;
	}
	outbox_free(d->ob);
	d->ob = ob;
	config_clear(&old);
	rules_free(d->rs);
	d->rs = rs;
	/* A changed server or login takes a new connection. */
	imap_close(d->im);
	d->im = NULL;
	log_info("reloaded %s", d->g->conf.path != NULL ? d->g->conf.path :
	    "the configuration");
}

int
daemon_wait_seconds(const time_t *due, size_t n, time_t now, int max)
{
	size_t	i;
	int	t = max;

	for (i = 0; i < n; i++) {
		if (due[i] != 0 && due[i] - now < t)
			t = due[i] <= now ? 1 : (int)(due[i] - now);
	}
	return (t);
}

/*
 * How long to wait for news: until IDLE needs renewing or the next poll,
 * or sooner when a timer comes due (queued mail to try again, the next
 * step of a response clock).
 */
static int
daemon_timeout(struct daemon *d)
{
	const struct config_imap	*c = &d->g->conf.imap;
	time_t				 due[2] = { 0, 0 }, now = now_get();
	size_t				 n = 0;
	char				*cause = NULL;
	int				 w, every;

	if (tick_next(d->st, &d->g->conf, now, &due[n], &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
		cause = NULL;
		due[n] = 0;
	}
	n++;

	if (outbox_enabled(d->ob)) {
		if (store_outbox_next(d->st, &due[n], &cause) != 0) {
			log_warnx("%s", cause);
			free(cause);
			due[n] = 0;
		}
		n++;
	}
	w = daemon_wait_seconds(due, n, now, c->idle ? DAEMON_IDLE_RENEW :
	    (int)c->poll_interval);
	/* systemd's watchdog is pinged once a cycle. */
	if ((every = service_watchdog_every()) > 0 && every < w)
		w = every;
	return (w);
}

/* Wait seconds before reconnecting, unless a signal comes first. */
static void
daemon_nap(unsigned seconds)
{
	unsigned	w;

	for (w = 0; w < seconds * 5 && !daemon_stop && !daemon_reload; w++) {
		/* Retrying is alive: the watchdog must not kill it. */
		if (w % 5 == 0)
			service_watchdog();
		poll(NULL, 0, 200);
	}
}

/*
 * Did mail come into folder between the cycle's read and this select (f)?
 * IDLE reports only what comes after the select, so such mail would wait
 * for the next renewal. Then the cycle runs again, once for each UIDNEXT
 * the server shows: a gap of mail expunged before helpq saw it keeps
 * UIDNEXT ahead of what is stored, and must not make helpq spin.
 */
static int
daemon_missed(struct daemon *d, const char *folder,
    const struct imap_folder *f, uint32_t *rechecked)
{
	struct mailbox_state	 ms;
	char			*cause = NULL;
	int			 r;

	if ((r = store_mailbox_get(d->st, folder, &ms, &cause)) == -1) {
		log_warnx("%s", cause);
		free(cause);
		return (0);
	}
	if (r == 0 && ms.uidvalidity == f->uidvalidity &&
	    f->uidnext <= ms.last_uid + 1)
		return (0);
	if (f->uidnext == *rechecked)
		return (0);
	*rechecked = f->uidnext;
	log_debug("%s: new mail since the last read (UIDNEXT %u)", folder,
	    f->uidnext);
	return (1);
}

int
daemon_run(struct daemon *d)
{
	const struct config_imap	*c;
	struct ingest_stats		 stats;
	struct imap_folder		 f;
	unsigned			 backoff = 1;
	uint32_t			 rechecked = 0;
	char				*cause = NULL;
	int				 rc = 0, w, ready = 0, lost = 0;

	log_info("watching %s on %s", d->g->conf.imap.folders[0],
	    d->g->conf.imap.host);
	while (!daemon_stop) {
		if (daemon_reload)
			daemon_do_reload(d);
		c = &d->g->conf.imap;
		if (d->im == NULL && (rc = daemon_connect(d)) != 0) {
			/* Wrong password or certificate: no retry fixes it. */
			if (rc == EX_NOPERM || rc == EX_CONFIG)
				break;
			log_warnx("reconnecting in %u s", backoff);
			daemon_nap(backoff);
			backoff = backoff < DAEMON_BACKOFF_MAX ? backoff * 2 :
			    DAEMON_BACKOFF_MAX;
			rc = 0;
			continue;
		}
		/* Loaded, and the first login worked: systemd may go on. */
		if (!ready) {
			log_info("logged in to %s as %s", c->host,
			    c->user != NULL ? c->user : "(nobody)");
			service_ready("connected");
			ready = 1;
		} else if (lost)
			log_info("reconnected to %s", c->host);
		lost = 0;
		service_watchdog();
		rc = daemon_cycle(d, 0, NULL, NULL, &stats);
		if (rc == EX_CONFIG || rc == EX_CANTCREAT)
			break;
		if (rc != 0 || daemon_stop)
			goto reconnect;
		backoff = 1;
		/* Wait on the first folder; the others are read each time. */
		if (imap_select(d->im, c->folders[0], &f, &cause) != 0)
			goto reconnect;
		if (daemon_missed(d, c->folders[0], &f, &rechecked))
			continue;
		/* Cleared before the flags are read: a signal in between
		 * still ends the wait. */
		daemon_wake = 0;
		if (daemon_stop || daemon_reload)
			continue;
		w = imap_wait(d->im, c->idle, daemon_timeout(d), &daemon_wake,
		    &cause);
		if (w >= 0)
			continue;
reconnect:
		if (cause != NULL) {
			log_warnx("%s", cause);
			free(cause);
			cause = NULL;
		}
		imap_close(d->im);
		d->im = NULL;
		lost = 1;
		rc = 0;
	}
	service_stopping();
	if (daemon_stop)
		log_info("stopping on a signal");
	return (rc);
}
