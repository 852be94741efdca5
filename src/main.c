/* helpq - main.c: the command line, subcommands and exit statuses. */
#include "compat.h"

#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "config.h"
#include "fault.h"
#include "ingest.h"
#include "lockfile.h"
#include "log.h"
#include "outbox.h"
#include "output.h"
#include "rules.h"
#include "source.h"
#include "store.h"
#include "xmalloc.h"

struct command {
	const char	*name;
	int		(*fn)(struct globals *, int, char **);
	const char	*usage;
};

static int	cmd_check(struct globals *, int, char **);
static int	cmd_close(struct globals *, int, char **);
static int	cmd_import(struct globals *, int, char **);
static int	cmd_reopen(struct globals *, int, char **);
static int	cmd_search(struct globals *, int, char **);
static int	cmd_show(struct globals *, int, char **);
static int	cmd_tag(struct globals *, int, char **);
static int	cmd_tickets(struct globals *, int, char **);

static const struct command commands[] = {
	{ "check", cmd_check, "check" },
	{ "close", cmd_close, "close N..." },
	{ "failed", cmd_failed, "failed [--json]" },
	{ "import", cmd_import, "import [--batch N] [--json] PATH|- ..." },
	{ "outbox", cmd_outbox_list, "outbox [--status S] [--limit N] "
	    "[--json]" },
	{ "poll", cmd_poll, "poll [--dry-run] [--json]" },
	{ "reopen", cmd_reopen, "reopen N..." },
	{ "reply", cmd_reply, "reply [--template NAME] [--close] "
	    "[--agent NAME] N" },
	{ "retry", cmd_retry, "retry ID" },
	{ "rules", cmd_rules, "rules check [PATH...]\n"
	    "  helpq rules test [--explain] [--json] [--time] [--rules PATH] "
	    "[--new|--reply]\n"
	    "        [--customer-tickets N] [--language L] MESSAGE|MAILDIR|- ..." },
	{ "run", cmd_run, "run" },
	{ "search", cmd_search, "search [--limit N] [--json] QUERY..." },
	{ "send", cmd_send, "send [--json]" },
	{ "show", cmd_show, "show [--json] N" },
	{ "tag", cmd_tag, "tag N +TAG|-TAG..." },
	{ "tickets", cmd_tickets, "tickets [--status S] [--open] [--tag T] "
	    "[--queue Q] [--customer A] [--limit N] [--json]" },
};

__dead void
cmd_usage(int status)
{
	size_t	i;
	FILE	*f = status == 0 ? stdout : stderr;

	fprintf(f, "usage: helpq [-qv] [-c config] [--db file] command "
	    "[args]\ncommands:\n");
	for (i = 0; i < nitems(commands); i++)
		fprintf(f, "  helpq %s\n", commands[i].usage);
	exit(status);
}

int
cmd_parse_ticket(const char *s, int64_t *idp)
{
	char		*end;
	long long	 n;

	if (*s == '#')
		s++;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || n <= 0)
		return (-1);
	*idp = n;
	return (0);
}

static const char *
default_db(void)
{
	static char	 path[4096];
	const char	*home, *data;

	if (getuid() == 0)
		return (LOCALSTATEDIR "/lib/helpq/helpq.db");
	if ((data = getenv("XDG_DATA_HOME")) != NULL && *data == '/')
		snprintf(path, sizeof path, "%s/helpq/helpq.db", data);
	else if ((home = getenv("HOME")) != NULL)
		snprintf(path, sizeof path, "%s/.local/share/helpq/helpq.db",
		    home);
	else
		return ("helpq.db");
	return (path);
}

const char *
cmd_db_path(struct globals *g)
{
	if (g->db_path != NULL)
		return (g->db_path);
	return (g->conf.database != NULL ? g->conf.database : default_db());
}

/*
 * A database that cannot be opened: EX_CANTCREAT only when it never can
 * be (its directory is missing or no directory), else EX_TEMPFAIL, since a
 * full disk or a locked database passes and a mail server that reads 73
 * bounces the mail.
 */
int
cmd_store_status(const char *path)
{
	struct stat	 sb;
	char		*dir, *p;
	int		 rc = EX_TEMPFAIL;

	if ((p = strrchr(path, '/')) == NULL)
		dir = xstrdup(".");
	else
		dir = xstrdup(path);
	if ((p = strrchr(dir, '/')) == NULL)
		;
	else if (p == dir)
		p[1] = '\0';
	else
		*p = '\0';
	if (stat(dir, &sb) == -1 || !S_ISDIR(sb.st_mode))
		rc = EX_CANTCREAT;
	free(dir);
	return (rc);
}

int
cmd_open_ingest(struct globals *g, struct rules **rsp, struct outbox **obp,
    struct store **stp)
{
	int	rc;

	if ((rc = cmd_load_rules(g, rsp)) != 0)
		return (rc);
	if ((rc = cmd_outbox(g, obp)) != 0) {
		rules_free(*rsp);
		return (rc);
	}
	if ((rc = cmd_open_store(g, 1, stp)) != 0) {
		outbox_free(*obp);
		rules_free(*rsp);
		return (rc);
	}
	return (0);
}

int
cmd_open_store(struct globals *g, int writes, struct store **sp)
{
	const char	*path = cmd_db_path(g);
	char		*cause = NULL;

	if (writes)
		lockfile_make_parent(path);
	else if (access(path, F_OK) != 0) {
		log_error("%s: no database yet (run helpq import or poll "
		    "first)", path);
		return (EX_NOINPUT);
	}
	if (store_open(path, !writes, sp, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		return (cmd_store_status(path));
	}
	return (0);
}

/* Find the configuration: -c, else the system file, else the user's. */
static int
load_config(struct globals *g, const char *path)
{
	char		*cause = NULL, user[4096];
	const char	*home, *xdg;

	config_defaults(&g->conf);
	if (path == NULL) {
		if (access(SYSCONFDIR "/helpq/helpq.conf", F_OK) == 0)
			path = SYSCONFDIR "/helpq/helpq.conf";
		else {
			xdg = getenv("XDG_CONFIG_HOME");
			home = getenv("HOME");
			if (xdg != NULL && *xdg == '/')
				snprintf(user, sizeof user,
				    "%s/helpq/helpq.conf", xdg);
			else if (home != NULL)
				snprintf(user, sizeof user,
				    "%s/.config/helpq/helpq.conf", home);
			else
				user[0] = '\0';
			if (user[0] != '\0' && access(user, F_OK) == 0)
				path = user;
		}
	} else if (access(path, F_OK) != 0) {
		log_error("%s: %s", path, strerror(errno));
		return (EX_NOINPUT);
	}
	if (path == NULL)
		return (0);
	if (config_load(&g->conf, path, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		return (EX_CONFIG);
	}
	return (0);
}

/* The configuration was read by main; the rules are read here. */
static int
cmd_check(struct globals *g, int argc, char **argv)
{
	struct rules	*rs;
	struct outbox	*ob;
	int		 rc;

	if (argc != 1)
		cmd_usage(EX_USAGE);
	if ((rc = cmd_load_rules(g, &rs)) != 0)
		return (rc);
	if ((rc = cmd_outbox(g, &ob)) != 0) {
		rules_free(rs);
		return (rc);
	}
	printf("%s: configuration OK", g->conf.path != NULL ?
	    g->conf.path : "(built-in defaults)");
	if (rs != NULL)
		printf("; %zu rules in %zu files OK", rules_count(rs),
		    rules_files(rs));
	if (outbox_enabled(ob))
		printf("; templates OK");
	printf("\n");
	outbox_free(ob);
	rules_free(rs);
	return (0);
}

/* Import progress */

double
cmd_elapsed(const struct timeval *since)
{
	struct timeval	now;

	gettimeofday(&now, NULL);
	return ((double)(now.tv_sec - since->tv_sec) +
	    (double)(now.tv_usec - since->tv_usec) / 1e6);
}

void
cmd_progress_show(struct cmd_progress *p, uint64_t done, int final)
{
	double	secs;

	if (!p->on)
		return;
	if (!final && cmd_elapsed(&p->last) < 0.25)
		return;
	gettimeofday(&p->last, NULL);
	secs = cmd_elapsed(&p->start);
	fprintf(stderr, "\r%s: %llu", p->label, (unsigned long long)done);
	if (p->total > 0)
		fprintf(stderr, "/%zu (%d%%)", p->total,
		    (int)(100.0 * (double)done / (double)p->total));
	if (secs > 0)
		fprintf(stderr, "  %.0f msg/s", (double)done / secs);
	fprintf(stderr, final ? "\n" : "   ");
}

struct import_progress {
	struct cmd_progress *pg;
	uint64_t	*done;
};

static void
import_tick(void *arg, uint64_t n)
{
	struct import_progress	*ip = arg;

	(*ip->done)++;
	cmd_progress_show(ip->pg, *ip->done, 0);
}

int
cmd_ingest_source(struct ingest *in, struct source *src,
    struct cmd_progress *pg,
    uint64_t *done)
{
	struct import_progress	 ip;
	char			*cause = NULL;
	int			 rc;

	pg->total += src->total;
	ip.pg = pg;
	ip.done = done;
	rc = ingest_source(in, src, import_tick, &ip, &cause);
	if (rc != 0) {
		log_error("%s: %s", src->name, cause);
		free(cause);
		return (rc == INGEST_ERR_SOURCE ? EX_IOERR : EX_TEMPFAIL);
	}
	if (source_mark(src, &cause) != 0) {
		log_error("%s: %s", src->name, cause);
		free(cause);
		return (EX_IOERR);
	}
	return (0);
}

void
cmd_ingest_summary(const struct ingest_stats *s, double secs, int json)
{
	uint64_t	 total = 0;
	int		 i;
	json_t		*o;

	for (i = 0; i <= INGEST_FAILED; i++)
		total += s->count[i];
	if (json) {
		o = json_object();
		json_object_set_new(o, "messages", json_integer((json_int_t)total));
		json_object_set_new(o, "new_tickets",
		    json_integer((json_int_t)s->count[INGEST_NEW]));
		json_object_set_new(o, "threaded",
		    json_integer((json_int_t)s->count[INGEST_THREADED]));
		json_object_set_new(o, "duplicates",
		    json_integer((json_int_t)s->count[INGEST_DUPLICATE]));
		json_object_set_new(o, "ignored",
		    json_integer((json_int_t)s->count[INGEST_IGNORED]));
		json_object_set_new(o, "failed",
		    json_integer((json_int_t)s->count[INGEST_FAILED]));
		json_object_set_new(o, "bytes", json_integer((json_int_t)s->bytes));
		json_object_set_new(o, "seconds", json_real(secs));
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
		return;
	}
	printf("%llu messages: %llu new tickets, %llu threaded, "
	    "%llu duplicates, %llu ignored, %llu failed (%.1f MiB in %.2f s, "
	    "%.0f msg/s)\n",
	    (unsigned long long)total,
	    (unsigned long long)s->count[INGEST_NEW],
	    (unsigned long long)s->count[INGEST_THREADED],
	    (unsigned long long)s->count[INGEST_DUPLICATE],
	    (unsigned long long)s->count[INGEST_IGNORED],
	    (unsigned long long)s->count[INGEST_FAILED],
	    (double)s->bytes / 1048576.0, secs,
	    secs > 0 ? (double)total / secs : 0.0);
}

static int
cmd_import(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "batch", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct store	*st;
	struct ingest	*in;
	struct rules	*rs;
	struct outbox	*ob;
	struct source	*src;
	struct cmd_progress pg;
	struct ingest_stats stats;
	struct outbox_stats os;
	uint64_t	 done = 0;
	unsigned	 batch = 1000;
	char		*cause = NULL;
	int		 ch, i, json = 0, rc = 0;

	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 'b':
			batch = (unsigned)strtoul(optarg, NULL, 10);
			if (batch == 0 || batch > 100000)
				cmd_usage(EX_USAGE);
			break;
		case 'j':
			json = 1;
			break;
		default:
			cmd_usage(EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		cmd_usage(EX_USAGE);
	if ((rc = cmd_open_ingest(g, &rs, &ob, &st)) != 0)
		return (rc);
	if (store_background(st, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		store_close(st);
		outbox_free(ob);
		rules_free(rs);
		return (EX_TEMPFAIL);
	}
	memset(&pg, 0, sizeof pg);
	pg.on = !g->quiet && isatty(STDERR_FILENO);
	pg.label = "import";
	gettimeofday(&pg.start, NULL);
	pg.last = pg.start;
	in = ingest_new(st, &g->conf, batch);
	ingest_set_rules(in, rs);
	ingest_set_outbox(in, ob);
	for (i = 0; i < argc && rc == 0; i++) {
		if ((rc = source_local_open(argv[i], &src, &cause)) != 0) {
			log_error("%s", cause);
			free(cause);
			if (rc == 2)	/* an MTA is delivering to the mbox */
				rc = EX_TEMPFAIL;
			else
				rc = strcmp(argv[i], "-") != 0 &&
				    access(argv[i], F_OK) != 0 ? EX_NOINPUT :
				    EX_DATAERR;
			break;
		}
		rc = cmd_ingest_source(in, src, &pg, &done);
		source_close(src);
	}
	if (ingest_flush(in, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		rc = EX_TEMPFAIL;
	}
	cmd_progress_show(&pg, done, 1);
	stats = *ingest_stats(in);
	ingest_free(in, NULL);
	/* What the import queued goes out now (a mail server's delivery
	 * command acknowledges at once); a server that is down leaves it
	 * for the next run. */
	if (rc == 0 && outbox_enabled(ob))
		cmd_flush(g, st, ob, 0, NULL, &os);
	outbox_free(ob);
	rules_free(rs);
	store_close(st);
	if ((!g->quiet || json) && (rc == 0 || done > 0))
		cmd_ingest_summary(&stats, cmd_elapsed(&pg.start), json);
	/* A message set aside is kept (helpq failed lists it): only one that
	 * could not be kept at all, as an empty one, fails the import. */
	if (rc == 0 && stats.count[INGEST_FAILED] > stats.kept_failed)
		rc = EX_DATAERR;
	return (rc);
}

static int
cmd_tickets(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "customer", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "limit", required_argument, NULL, 'l' },
		{ "open", no_argument, NULL, 'o' },
		{ "queue", required_argument, NULL, 'q' },
		{ "status", required_argument, NULL, 's' },
		{ "tag", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	struct ticket_filter	 f;
	struct store		*st;
	enum ticket_status	 status;
	char			*cause = NULL;
	int			 ch, json = 0, rc;

	memset(&f, 0, sizeof f);
	f.status = -1;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			f.customer = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'l':
			f.limit = atoi(optarg);
			break;
		case 'o':
			f.open_only = 1;
			break;
		case 'q':
			f.queue = optarg;
			break;
		case 's':
			if (store_status_parse(optarg, &status) != 0) {
				log_error("unknown status '%s' (new, open, "
				    "waiting, closed)", optarg);
				return (EX_USAGE);
			}
			f.status = (int)status;
			break;
		case 't':
			f.tag = optarg;
			break;
		default:
			cmd_usage(EX_USAGE);
		}
	}
	if (optind != argc)
		cmd_usage(EX_USAGE);
	if ((rc = cmd_open_store(g, 0, &st)) != 0)
		return (rc);
	if (output_tickets(stdout, g->conf.tz, st, &f, json, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		rc = EX_SOFTWARE;
	}
	store_close(st);
	return (rc);
}

static int
cmd_show(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct store	*st;
	int64_t		 id;
	char		*cause = NULL;
	int		 ch, json = 0, rc, r;

	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch != 'j')
			cmd_usage(EX_USAGE);
		json = 1;
	}
	if (optind + 1 != argc || cmd_parse_ticket(argv[optind], &id) != 0)
		cmd_usage(EX_USAGE);
	if ((rc = cmd_open_store(g, 0, &st)) != 0)
		return (rc);
	r = output_show(stdout, g->conf.tz, st, id, json, &cause);
	if (r == 1) {
		log_error("no ticket %lld", (long long)id);
		rc = EX_DATAERR;
	} else if (r != 0) {
		log_error("%s", cause);
		free(cause);
		rc = EX_SOFTWARE;
	}
	store_close(st);
	return (rc);
}

static int
cmd_search(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	struct store	*st;
	struct buf	 q;
	char		*cause = NULL;
	int		 ch, i, json = 0, limit = 0, rc;

	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'l':
			limit = atoi(optarg);
			break;
		default:
			cmd_usage(EX_USAGE);
		}
	}
	if (optind >= argc)
		cmd_usage(EX_USAGE);
	buf_init(&q);
	for (i = optind; i < argc; i++)
		buf_addf(&q, "%s%s", i > optind ? " " : "", argv[i]);
	if ((rc = cmd_open_store(g, 0, &st)) != 0) {
		buf_free(&q);
		return (rc);
	}
	if (output_search(stdout, g->conf.tz, st, buf_cstr(&q), limit, json,
	    &cause) != 0) {
		log_error("search: %s", cause);
		free(cause);
		rc = EX_DATAERR;
	}
	buf_free(&q);
	store_close(st);
	return (rc);
}

/* Run fn on each ticket number in argv[1..] inside one transaction. */
static int
each_ticket(struct globals *g, int argc, char **argv,
    int (*fn)(struct store *, int64_t, void *, char **), void *arg)
{
	struct store	*st;
	struct ticket	 t;
	int64_t		 id;
	char		*cause = NULL;
	int		 i, rc, r;

	if (argc < 2)
		cmd_usage(EX_USAGE);
	for (i = 1; i < argc; i++) {
		if (cmd_parse_ticket(argv[i], &id) != 0)
			cmd_usage(EX_USAGE);
	}
	if ((rc = cmd_open_store(g, 1, &st)) != 0)
		return (rc);
	if (store_begin(st, &cause) != 0)
		goto fail;
	for (i = 1; i < argc; i++) {
		cmd_parse_ticket(argv[i], &id);
		memset(&t, 0, sizeof t);
		if ((r = store_ticket_get(st, id, &t, &cause)) == 1) {
			log_error("no ticket %lld", (long long)id);
			store_rollback(st);
			store_close(st);
			return (EX_DATAERR);
		}
		store_ticket_clear(&t);
		if (r != 0 || fn(st, id, arg, &cause) != 0) {
			store_rollback(st);
			goto fail;
		}
	}
	if (store_commit(st, &cause) != 0)
		goto fail;
	store_close(st);
	return (0);
fail:
	log_error("%s", cause);
	free(cause);
	store_close(st);
	return (EX_SOFTWARE);
}

static int
set_status(struct store *st, int64_t id, void *arg, char **cause)
{
	enum ticket_status	 to = *(enum ticket_status *)arg;
	time_t			 now = time(NULL);

	if (store_ticket_set_status(st, id, to, now, cause) != 0)
		return (-1);
	return (store_event_add(st, id, 0, now, to == TICKET_CLOSED ?
	    "closed" : "reopened", "by command", cause));
}

static int
cmd_close(struct globals *g, int argc, char **argv)
{
	enum ticket_status	to = TICKET_CLOSED;

	return (each_ticket(g, argc, argv, set_status, &to));
}

static int
cmd_reopen(struct globals *g, int argc, char **argv)
{
	enum ticket_status	to = TICKET_OPEN;

	return (each_ticket(g, argc, argv, set_status, &to));
}

struct tag_args {
	char	**ops;
	int	  nops;
};

static int
apply_tags(struct store *st, int64_t id, void *arg, char **cause)
{
	struct tag_args	*ta = arg;
	time_t		 now = time(NULL);
	int		 i;

	for (i = 0; i < ta->nops; i++) {
		const char	*op = ta->ops[i];

		if (op[0] == '+') {
			if (store_tag_add(st, id, op + 1, now, cause) != 0)
				return (-1);
		} else if (store_tag_remove(st, id, op + 1, now, cause) != 0)
			return (-1);
	}
	return (0);
}

static int
tag_valid(const char *s)
{
	if ((s[0] != '+' && s[0] != '-') || s[1] == '\0')
		return (0);
	for (s++; *s != '\0'; s++) {
		if ((unsigned char)*s <= ' ' || *s == ',' || *s == 0x7f)
			return (0);
	}
	return (1);
}

static int
cmd_tag(struct globals *g, int argc, char **argv)
{
	struct tag_args	 ta;
	char		*nums[2];
	int		 i;

	if (argc < 3)
		cmd_usage(EX_USAGE);
	for (i = 2; i < argc; i++) {
		if (!tag_valid(argv[i])) {
			log_error("'%s': expected +tag or -tag (no blanks "
			    "or commas)", argv[i]);
			return (EX_USAGE);
		}
	}
	ta.ops = argv + 2;
	ta.nops = argc - 2;
	nums[0] = argv[0];
	nums[1] = argv[1];
	return (each_ticket(g, 2, nums, apply_tags, &ta));
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "syslog", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct globals	 g;
	const char	*config_path = NULL;
	size_t		 i;
	int		 ch, rc, use_syslog = 0;

	memset(&g, 0, sizeof g);
	while ((ch = getopt_long(argc, argv, "+c:d:hqsvV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_path = optarg;
			break;
		case 'd':
			g.db_path = optarg;
			break;
		case 'h':
			cmd_usage(0);
		case 'q':
			g.quiet = 1;
			break;
		case 's':
			use_syslog = 1;
			break;
		case 'v':
			g.verbose++;
			break;
		case 'V':
			printf("helpq %s\n", PACKAGE_VERSION);
			return (0);
		default:
			cmd_usage(EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		cmd_usage(EX_USAGE);
	log_init(use_syslog, g.quiet ? LOG_LEVEL_ERROR : g.verbose ?
	    LOG_LEVEL_DEBUG : LOG_LEVEL_WARN, "helpq");
	fault_init();
	if ((rc = load_config(&g, config_path)) != 0) {
		config_clear(&g.conf);
		return (rc);
	}
	for (i = 0; i < nitems(commands); i++) {
		if (strcmp(commands[i].name, argv[0]) == 0)
			break;
	}
	if (i == nitems(commands)) {
		log_error("unknown command '%s'", argv[0]);
		cmd_usage(EX_USAGE);
	}
	optind = 1;	/* subcommands parse argv[1..] */
	rc = commands[i].fn(&g, argc, argv);
	config_clear(&g.conf);
	return (rc);
}
