/*
 * helpq - cmd.c: what the subcommands share: the database path and the
 * store, the outbox, ticket numbers and the progress line.
 */
#include "compat.h"

#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <valgrind/valgrind.h>

#include "buf.h"
#include "cmd.h"
#include "config.h"
#include "imap.h"
#include "ingest.h"
#include "lockfile.h"
#include "log.h"
#include "outbox.h"
#include "rules.h"
#include "source.h"
#include "store.h"
#include "xmalloc.h"

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

/* The lowest uid of a person's account (UID_MIN in Debian's login.defs). */
#define CMD_FIRST_USER_UID	1000

/*
 * Where the database is when the configuration does not say: under
 * systemd the unit's state directory; for root and system users (the
 * helpq user has no home of its own) the system's; for a person their
 * XDG data directory.
 */
static const char *
default_db(void)
{
	static char	 path[4096];
	const char	*home, *data, *state;
	size_t		 n;

	if ((state = getenv("STATE_DIRECTORY")) != NULL && *state == '/') {
		/* Several directories are separated by colons: the first. */
		n = strcspn(state, ":");
		snprintf(path, sizeof path, "%.*s/helpq.db", (int)n, state);
		return (path);
	}
	if (getuid() < CMD_FIRST_USER_UID)
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

/* ---- the rules ---- */

/*
 * The rule paths to load: the configured ones, else the system's, else
 * the default rules shipped with helpq (so mail from machines is never
 * acknowledged, even with no rules of one's own).
 */
size_t
cmd_rule_paths(struct globals *g, const char ***pathsp)
{
	static const char	*sys = SYSCONFDIR "/helpq/rules.d";
	static const char	*shipped = PKGDATADIR "/rules";

	if (g->conf.nrules > 0) {
		*pathsp = (const char **)g->conf.rules;
		return (g->conf.nrules);
	}
	if (access(sys, F_OK) == 0) {
		*pathsp = &sys;
		return (1);
	}
	if (access(shipped, F_OK) == 0) {
		*pathsp = &shipped;
		return (1);
	}
	*pathsp = NULL;
	return (0);
}

int
cmd_load_rule_paths(struct globals *g, const char *const *paths, size_t n,
    struct rules **rp)
{
	char	*errors = NULL;

	*rp = NULL;
	if (n == 0)
		return (0);
	/*
	 * JIT code reads aligned 16 bytes at a time past the end of a
	 * subject; harmless, but valgrind reports every such read, so
	 * under valgrind the interpreter runs instead.
	 */
	rules_use_jit(g->conf.jit && !RUNNING_ON_VALGRIND);
	if (rules_load(paths, n, rp, &errors) != 0) {
		/* Every error, as the compiler would print them. */
		fputs(errors, stderr);
		free(errors);
		return (EX_CONFIG);
	}
	rules_set_limits(*rp, g->conf.match_limit, g->conf.depth_limit);
	return (0);
}

int
cmd_load_rules(struct globals *g, struct rules **rp)
{
	const char	**paths;
	size_t		  n;

	n = cmd_rule_paths(g, &paths);
	return (cmd_load_rule_paths(g, paths, n, rp));
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
cmd_view_status(int r, int64_t ticket, char *cause)
{
	if (r == 0)
		return (0);
	if (r == 1) {
		log_error("no ticket %lld", (long long)ticket);
		return (EX_DATAERR);
	}
	log_error("%s", cause);
	free(cause);
	return (EX_SOFTWARE);
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

int
cmd_outbox(struct globals *g, struct outbox **obp)
{
	char	*cause = NULL;

	if ((*obp = outbox_new(&g->conf, cmd_db_path(g), &cause)) == NULL) {
		log_error("the templates have errors:\n%s", cause);
		free(cause);
		return (EX_CONFIG);
	}
	return (0);
}

int
cmd_imap_status(enum imap_fail f)
{
	switch (f) {
	case IMAP_FAIL_AUTH:
		return (EX_NOPERM);
	case IMAP_FAIL_CONFIG:
		return (EX_CONFIG);
	case IMAP_FAIL_PROTOCOL:
		return (EX_PROTOCOL);
	case IMAP_FAIL_TEMP:
		break;
	}
	return (EX_TEMPFAIL);
}

int
cmd_ingest_status(enum ingest_source_result r)
{
	switch (r) {
	case INGEST_SOURCE_OK:
		return (0);
	case INGEST_SOURCE_READ_FAILED:
		return (EX_IOERR);
	case INGEST_SOURCE_STORE_FAILED:
		break;
	}
	return (EX_TEMPFAIL);
}

int
cmd_folder_status(enum source_imap_open_result r)
{
	switch (r) {
	case SOURCE_IMAP_OPEN_OK:
		return (0);
	case SOURCE_IMAP_OPEN_NO_FOLDER:
		return (EX_CONFIG);
	case SOURCE_IMAP_OPEN_ERROR:
		break;
	}
	return (EX_TEMPFAIL);
}

int
cmd_flush_status(enum deliver_result r)
{
	switch (r) {
	case DELIVER_ERROR:
		return (EX_TEMPFAIL);
	case DELIVER_CONFIG:
		/* The certificate stays wrong until someone changes the
		 * file. */
		return (EX_CONFIG);
	case DELIVER_OK:
	case DELIVER_SERVER_DOWN:
		/* What waits is tried again on the next run. */
		break;
	}
	return (0);
}

/* ---- progress ---- */

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
	printf("%llu message%s: %llu new ticket%s, %llu threaded, "
	    "%llu duplicate%s, %llu ignored, %llu failed (%.1f MiB in %.2f s, "
	    "%.0f msg/s)\n",
	    (unsigned long long)total, total == 1 ? "" : "s",
	    (unsigned long long)s->count[INGEST_NEW],
	    s->count[INGEST_NEW] == 1 ? "" : "s",
	    (unsigned long long)s->count[INGEST_THREADED],
	    (unsigned long long)s->count[INGEST_DUPLICATE],
	    s->count[INGEST_DUPLICATE] == 1 ? "" : "s",
	    (unsigned long long)s->count[INGEST_IGNORED],
	    (unsigned long long)s->count[INGEST_FAILED],
	    (double)s->bytes / 1048576.0, secs,
	    secs > 0 ? (double)total / secs : 0.0);
}

/* ---- text an agent writes ---- */

/* Texts longer than this are refused: a person writes them. */
#define CMD_TEXT_MAX	(1024 * 1024)

/* Read all of f (at most CMD_TEXT_MAX bytes). */
static int
cmd_text_read(const char *what, FILE *f, struct buf *b)
{
	switch (buf_read(b, f, CMD_TEXT_MAX)) {
	case 1:
		log_error("the %s is longer than %d bytes", what, CMD_TEXT_MAX);
		return (EX_DATAERR);
	case -1:
		log_error("reading the %s: %s", what, strerror(errno));
		return (EX_IOERR);
	}
	return (0);
}

/* Let the agent write in $VISUAL or $EDITOR, starting from draft. */
static int
cmd_text_edit(const char *what, const char *none, const char *draft,
    struct buf *out)
{
	const char	*editor;
	char		 path[] = "/tmp/helpq-text.XXXXXX";
	char		*cmd;
	FILE		*f;
	int		 fd, st, rc;

	if ((editor = getenv("VISUAL")) == NULL || *editor == '\0')
		editor = getenv("EDITOR");
	if (editor == NULL || *editor == '\0')
		editor = "vi";
	if ((fd = mkstemp(path)) == -1) {
		log_error("%s: %s", path, strerror(errno));
		return (EX_CANTCREAT);
	}
	if (write(fd, draft, strlen(draft)) != (ssize_t)strlen(draft)) {
		log_error("%s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return (EX_IOERR);
	}
	close(fd);
	/* The editor is the user's own choice, as with any mail client. */
	cmd = xprintf("%s '%s'", editor, path);
	st = system(cmd);
	free(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		log_error("the editor failed; %s (the draft is in %s)", none,
		    path);
		return (EX_SOFTWARE);
	}
	if ((f = fopen(path, "r")) == NULL) {
		log_error("%s: %s", path, strerror(errno));
		return (EX_IOERR);
	}
	rc = cmd_text_read(what, f, out);
	fclose(f);
	if (rc == 0 && strcmp(buf_cstr(out), draft) == 0) {
		log_error("the draft was not changed; %s", none);
		rc = EX_DATAERR;
	}
	unlink(path);
	return (rc);
}

int
cmd_text(const char *what, const char *none, const char *draft,
    struct buf *out)
{
	if (!isatty(STDIN_FILENO))
		return (cmd_text_read(what, stdin, out));
	return (cmd_text_edit(what, none, draft, out));
}

/* Nonzero if s holds nothing but blanks. */
int
cmd_blank(const char *s)
{
	return (s[strspn(s, " \t\r\n")] == '\0');
}
