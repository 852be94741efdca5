/*
 * helpq - cmd_poll.c: "helpq poll" (one cycle over the IMAP folders, for
 * cron or a timer) and "helpq run" (stay connected, IDLE, reconnect).
 */
#include "compat.h"

#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "cycle.h"
#include "config.h"
#include "imap.h"
#include "ingest.h"
#include "lockfile.h"
#include "log.h"
#include "outbox.h"
#include "rules.h"
#include "safe.h"
#include "source.h"
#include "store.h"
#include "xmalloc.h"

static volatile sig_atomic_t poll_stop;		/* SIGTERM, SIGINT */
static volatile sig_atomic_t poll_reload;	/* SIGHUP */

/* What one run of the command holds. */
struct poller {
	struct globals	*g;
	struct store	*st;
	struct rules	*rs;
	struct imap	*im;
	struct outbox	*ob;
	int		 dry_run;
	int		 json;
	int		 lockfd;
	json_t		*report;	/* dry run with --json */
};

/*
 * One helpq per database: cron may start a poll while the last one still
 * runs. The lock is the kernel's, so a killed helpq never leaves it held.
 */
static int
poll_lock(struct poller *p)
{
	char	*path, *cause = NULL, buf[32];
	int	 fd, rc;

	path = xprintf("%s.lock", cmd_db_path(p->g));
	lockfile_make_parent(path);
	if ((fd = lockfile_open(path, &cause)) == -1) {
		/* A planted link stays until someone removes it. */
		rc = errno == ELOOP ? EX_CANTCREAT : cmd_store_status(path);
		log_error("%s", cause);
		free(cause);
		free(path);
		return (rc);
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		memset(buf, 0, sizeof buf);
		if (read(fd, buf, sizeof buf - 1) < 0)
			buf[0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		log_error("another helpq (pid %s) is working on %s; not "
		    "starting a second one", *buf != '\0' ? buf : "?",
		    cmd_db_path(p->g));
		close(fd);
		free(path);
		return (EX_TEMPFAIL);
	}
	if (ftruncate(fd, 0) == 0) {
		snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
		if (write(fd, buf, strlen(buf)) < 0)
			log_debug("%s: %s", path, strerror(errno));
	}
	free(path);
	p->lockfd = fd;
	return (0);
}

static int
imap_status(enum imap_fail f)
{
	switch (f) {
	case IMAP_FAIL_AUTH:
		return (EX_NOPERM);
	case IMAP_FAIL_CONFIG:
		return (EX_CONFIG);
	case IMAP_FAIL_PROTOCOL:
		return (EX_PROTOCOL);
	default:
		return (EX_TEMPFAIL);
	}
}

/* ---- a dry run says what it would do ---- */

static void
dry_report(void *arg, const struct msg_origin *o, enum ingest_result r,
    int64_t ticket, int acked, const char *ack)
{
	static const char *const what[] = { "new ticket", "threaded",
	    "duplicate", "ignored", "failed" };
	struct poller	*p = arg;
	struct ticket	 t;
	struct buf	 b;
	char		*cause = NULL;
	json_t		*j, *tags;
	size_t		 i;

	memset(&t, 0, sizeof t);
	if (ticket != 0 && store_ticket_get(p->st, ticket, &t, &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
		ticket = 0;
	}
	if (p->report != NULL) {
		j = json_object();
		json_object_set_new(j, "folder", json_string(o->mailbox));
		json_object_set_new(j, "uid", json_integer(o->uid));
		json_object_set_new(j, "result", json_string(what[r]));
		json_object_set_new(j, "ticket", ticket != 0 ?
		    json_integer(ticket) : json_null());
		tags = json_array();
		for (i = 0; i < t.ntags; i++)
			json_array_append_new(tags, json_string(t.tags[i]));
		json_object_set_new(j, "tags", tags);
		json_object_set_new(j, "queue", t.queue != NULL ?
		    json_string(t.queue) : json_null());
		json_object_set_new(j, "acknowledge", json_boolean(acked));
		json_object_set_new(j, "ack", ack != NULL ? json_string(ack) :
		    json_null());
		json_array_append_new(p->report, j);
	} else {
		buf_init(&b);
		safe_add(&b, o->mailbox, 0);
		buf_addf(&b, " UID %u: %s", o->uid, what[r]);
		if (ticket != 0)
			buf_addf(&b, " #%lld", (long long)ticket);
		for (i = 0; i < t.ntags; i++) {
			buf_adds(&b, " +");
			safe_add(&b, t.tags[i], 0);
		}
		if (t.queue != NULL) {
			buf_adds(&b, " queue ");
			safe_add(&b, t.queue, 0);
		}
		if (ack != NULL) {
			buf_adds(&b, " (");
			safe_add(&b, ack, 0);
			buf_adds(&b, ")");
		} else if (r == INGEST_NEW && !outbox_enabled(p->ob))
			buf_adds(&b, " (no ack: no SMTP server configured)");
		printf("%s\n", buf_cstr(&b));
		buf_free(&b);
	}
	store_ticket_clear(&t);
}

/* One cycle over the connection: folders, timers, flush. */
static int
poll_cycle(struct poller *p, struct ingest_stats *stats)
{
	struct cycle	c;

	memset(&c, 0, sizeof c);
	c.g = p->g;
	c.st = p->st;
	c.rs = p->rs;
	c.ob = p->ob;
	c.im = p->im;
	c.dry_run = p->dry_run;
	c.stop = &poll_stop;
	if (p->dry_run) {
		c.report = dry_report;
		c.report_arg = p;
	}
	return (cycle_run(&c, stats));
}

static int
poll_connect(struct poller *p)
{
	enum imap_fail	 f;
	char		*cause = NULL;

	if (imap_open(&p->g->conf.imap, &p->im, &f, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		return (imap_status(f));
	}
	return (0);
}

static int
poll_setup(struct poller *p, struct globals *g)
{
	char	*cause = NULL;
	int	 rc;

	memset(p, 0, sizeof *p);
	p->g = g;
	p->lockfd = -1;
	if (g->conf.imap.host == NULL) {
		log_error("%s: no IMAP server configured ([imap] host)",
		    g->conf.path != NULL ? g->conf.path : "configuration");
		return (EX_CONFIG);
	}
	if ((rc = cmd_load_rules(g, &p->rs)) != 0)
		return (rc);
	if ((rc = cmd_outbox(g, &p->ob)) != 0)
		return (rc);
	if ((rc = poll_lock(p)) != 0)
		return (rc);
	if ((rc = cmd_open_store(g, 1, &p->st)) != 0)
		return (rc);
	if (store_background(p->st, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		return (EX_TEMPFAIL);
	}
	return (0);
}

static void
poll_teardown(struct poller *p)
{
	imap_close(p->im);
	p->im = NULL;
	if (p->st != NULL)
		store_close(p->st);
	rules_free(p->rs);
	outbox_free(p->ob);
	if (p->lockfd != -1)
		close(p->lockfd);
	json_decref(p->report);
}

static void
poll_signal(int sig)
{
	if (sig == SIGHUP)
		poll_reload = 1;
	else
		poll_stop = 1;
}

/* No SA_RESTART: a signal ends the wait in poll() at once. */
static void
poll_signals(void)
{
	struct sigaction	sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = poll_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int
cmd_poll(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct poller		p;
	struct ingest_stats	stats;
	struct timeval		start;
	int			ch, dry = 0, json = 0, rc;

	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			dry = 1;
			break;
		case 'j':
			json = 1;
			break;
		default:
			cmd_usage(EX_USAGE);
		}
	}
	if (optind != argc)
		cmd_usage(EX_USAGE);
	poll_signals();
	gettimeofday(&start, NULL);
	memset(&stats, 0, sizeof stats);
	if ((rc = poll_setup(&p, g)) == 0) {
		p.dry_run = dry;
		p.json = json;
		if (dry && json)
			p.report = json_array();
		if ((rc = poll_connect(&p)) == 0)
			rc = poll_cycle(&p, &stats);
	}
	if (rc == 0 && p.report != NULL) {
		json_dumpf(p.report, stdout, JSON_INDENT(2));
		putchar('\n');
	} else if (rc == 0 && (!g->quiet || json))
		cmd_ingest_summary(&stats, cmd_elapsed(&start), json);
	poll_teardown(&p);
	/* Messages set aside are kept (helpq failed): not an error. */
	if (rc == 0 && stats.count[INGEST_FAILED] > stats.kept_failed)
		rc = EX_DATAERR;
	return (rc);
}

/* Reload the configuration and rules; keep the old ones if they fail. */
static void
run_reload(struct poller *p)
{
	struct config	 conf;
	struct rules	*rs = NULL;
	struct outbox	*ob = NULL;
	struct globals	 g2;
	char		*cause = NULL;

	poll_reload = 0;
	config_defaults(&conf);
	if (p->g->conf.path != NULL &&
	    config_load(&conf, p->g->conf.path, &cause) != 0) {
		log_error("reload: %s; keeping the running configuration",
		    cause);
		free(cause);
		config_clear(&conf);
		return;
	}
	g2 = *p->g;
	g2.conf = conf;
	if (cmd_load_rules(&g2, &rs) != 0) {
		log_error("reload: the rules have errors; keeping the running "
		    "rules");
		config_clear(&conf);
		return;
	}
	if (cmd_outbox(&g2, &ob) != 0) {
		log_error("reload: the templates have errors; keeping the "
		    "running configuration");
		rules_free(rs);
		config_clear(&conf);
		return;
	}
	/* The outbox points at the configuration: made again for it. */
	outbox_free(ob);
	outbox_free(p->ob);
	config_clear(&p->g->conf);
	p->g->conf = conf;
	if (cmd_outbox(p->g, &p->ob) != 0)
		p->ob = NULL;
	rules_free(p->rs);
	p->rs = rs;
	/* A changed server or login takes a new connection. */
	imap_close(p->im);
	p->im = NULL;
	log_info("reloaded %s", conf.path != NULL ? conf.path :
	    "the configuration");
}

/*
 * How long to wait for news: until IDLE needs renewing or the next poll,
 * or sooner when queued mail is due for another try.
 */
static int
run_timeout(struct poller *p)
{
	const struct config_imap	*c = &p->g->conf.imap;
	time_t				 next, now;
	char				*cause = NULL;
	int				 t;

	t = c->idle ? 25 * 60 : (int)c->poll_interval;
	if (!outbox_enabled(p->ob))
		return (t);
	if (store_outbox_next(p->st, &next, &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
		return (t);
	}
	now = time(NULL);
	if (next != 0 && next - now < t)
		t = next <= now ? 1 : (int)(next - now);
	return (t);
}

int
cmd_run(struct globals *g, int argc, char **argv)
{
	struct poller		p;
	struct ingest_stats	stats;
	unsigned		backoff = 1;
	char			*cause = NULL;
	int			rc, w;

	if (argc != 1)
		cmd_usage(EX_USAGE);
	poll_signals();
	if ((rc = poll_setup(&p, g)) != 0) {
		poll_teardown(&p);
		return (rc);
	}
	log_info("watching %s on %s", g->conf.imap.folders[0],
	    g->conf.imap.host);
	while (!poll_stop) {
		if (poll_reload)
			run_reload(&p);
		if (p.im == NULL && (rc = poll_connect(&p)) != 0) {
			/* Wrong password or certificate: no retry fixes it. */
			if (rc == EX_NOPERM || rc == EX_CONFIG)
				break;
			log_warnx("reconnecting in %u s", backoff);
			for (w = 0; w < (int)backoff * 5 && !poll_stop &&
			    !poll_reload; w++)
				poll(NULL, 0, 200);
			backoff = backoff < 300 ? backoff * 2 : 300;
			rc = 0;
			continue;
		}
		rc = poll_cycle(&p, &stats);
		if (rc == 0 && stats.count[INGEST_NEW] +
		    stats.count[INGEST_THREADED] + stats.count[INGEST_IGNORED] > 0)
			log_info("%llu new tickets, %llu threaded, %llu ignored",
			    (unsigned long long)stats.count[INGEST_NEW],
			    (unsigned long long)stats.count[INGEST_THREADED],
			    (unsigned long long)stats.count[INGEST_IGNORED]);
		if (rc == EX_CONFIG || rc == EX_CANTCREAT)
			break;
		if (rc != 0 || poll_stop)
			goto reconnect;
		backoff = 1;
		/* Wait on the first folder; the others are read each time. */
		if (imap_select(p.im, g->conf.imap.folders[0],
		    &(struct imap_folder){ 0 }, &cause) != 0)
			goto reconnect;
		/* Servers end IDLE after 30 minutes: renew it before. */
		w = imap_wait(p.im, g->conf.imap.idle, run_timeout(&p),
		    &poll_stop, &cause);
		if (w >= 0)
			continue;
reconnect:
		if (cause != NULL) {
			log_warnx("%s", cause);
			free(cause);
			cause = NULL;
		}
		imap_close(p.im);
		p.im = NULL;
		rc = 0;
	}
	if (poll_stop)
		log_info("stopping on a signal");
	poll_teardown(&p);
	return (rc);
}
