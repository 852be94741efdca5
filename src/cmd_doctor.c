/*
 * helpq - cmd_doctor.c: "helpq doctor": everything a desk needs, checked
 * the way helpq will use it and said in words a sysadmin can act on: the
 * configuration, rules and templates, the time zone and calendars, the
 * database, the IMAP server (reached, TLS verified, logged in, every
 * folder there, Sent writable), the SMTP server (reached, TLS, AUTH, the
 * envelope senders accepted; no mail sent), and, run as root, what the
 * helpq user can read. "helpq check" shares its warnings.
 */
#include "compat.h"

#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <jansson.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "buf.h"
#include "calendar.h"
#include "cmd.h"
#include "config.h"
#include "imap.h"
#include "log.h"
#include "outbox.h"
#include "rules.h"
#include "safe.h"
#include "secret.h"
#include "smtp.h"
#include "store.h"
#include "template.h"
#include "tz.h"
#include "xmalloc.h"

/* The user the shipped units run as (sysusers.d). */
#define DOCTOR_USER	SECRET_SERVICE_USER

enum doctor_status { DOCTOR_OK, DOCTOR_WARN, DOCTOR_FAIL };

struct doctor {
	struct globals	*g;
	json_t		*checks;	/* --json: what was said, else NULL */
	unsigned	 warnings;
	unsigned	 failures;
	int		 rc;		/* the first failure's exit status */
	int		 as_log;	/* check: warnings to the log, no more */
	const char	*user;		/* the service's user */
};

/* Say one finding; a failure sets the exit status (the first one's). */
static void	doctor_say(struct doctor *, enum doctor_status, int rc,
		    const char *area, const char *, ...) __printflike(5, 6);

static void
doctor_say(struct doctor *d, enum doctor_status st, int rc, const char *area,
    const char *fmt, ...)
{
	static const char *const words[] = { "ok", "warning", "FAILED" };
	char	*text, *safe;
	va_list	 ap;

	va_start(ap, fmt);
	xvasprintf(&text, fmt, ap);
	va_end(ap);
	if (st == DOCTOR_WARN)
		d->warnings++;
	if (st == DOCTOR_FAIL && d->failures++ == 0)
		d->rc = rc;
	if (d->as_log) {
		if (st != DOCTOR_OK)
			log_warnx("%s", text);
	} else if (d->checks != NULL)
		json_array_append_new(d->checks, json_pack("{s:s, s:s, s:s}",
		    "area", area, "status", st == DOCTOR_OK ? "ok" :
		    st == DOCTOR_WARN ? "warning" : "failed", "detail", text));
	else {
		safe = safe_dup(text, 0);
		printf("%-8s %-10s %s\n", words[st], area, safe);
		free(safe);
	}
	free(text);
}

/* ---- what check and doctor share ---- */

static void	doctor_no_rules(struct doctor *);

/* The rule files that will be loaded, said; NULL *rsp when none. */
static void
doctor_rules(struct doctor *d, struct rules **rsp)
{
	const char	**paths;
	char		 *errors = NULL;
	size_t		  n;

	*rsp = NULL;
	if ((n = cmd_rule_paths(d->g, &paths)) == 0) {
		doctor_no_rules(d);
		return;
	}
	if (rules_load(paths, n, rsp, &errors) != 0) {
		doctor_say(d, DOCTOR_FAIL, EX_CONFIG, "rules", "%s", errors);
		free(errors);
		*rsp = NULL;
		return;
	}
	doctor_say(d, DOCTOR_OK, 0, "rules", "%zu rules in %zu files "
	    "(%s%s)", rules_count(*rsp), rules_files(*rsp), paths[0],
	    n > 1 ? ", ..." : "");
}

/* Each configured language without an acknowledgement of its own. */
static void
doctor_languages(struct doctor *d, const struct templates *t)
{
	const struct config	*c = &d->g->conf;
	const char		*fb;
	size_t			 i;

	fb = c->default_language != NULL &&
	    templates_lang_has(t, c->default_language, "ack") ?
	    c->default_language : "en";
	for (i = 0; i < c->nlanguages; i++) {
		if (templates_lang_has(t, c->languages[i], "ack"))
			continue;
		doctor_say(d, DOCTOR_WARN, 0, "templates", "%s has no "
		    "templates of its own: customers writing %s get the %s "
		    "ones", c->languages[i], c->languages[i], fb);
	}
}

static void
doctor_templates(struct doctor *d)
{
	struct templates	*t = NULL;
	const char		*dir = outbox_templates_dir(&d->g->conf);
	char			*errors = NULL;

	if (templates_load(dir, &t, &errors) != 0) {
		doctor_say(d, d->g->conf.smtp.host != NULL ? DOCTOR_FAIL :
		    DOCTOR_WARN, EX_CONFIG, "templates", "%s", errors);
		free(errors);
		return;
	}
	doctor_say(d, DOCTOR_OK, 0, "templates", "%s", dir);
	doctor_languages(d, t);
	templates_free(t);
}

/* No rule file at all. */
static void
doctor_no_rules(struct doctor *d)
{
	doctor_say(d, DOCTOR_WARN, 0, "rules", "no rule file is loaded: none "
	    "configured ([rules] path), none in " SYSCONFDIR "/helpq/rules.d "
	    "or " PKGDATADIR "/rules; mail from machines and lists may be "
	    "acknowledged");
}

int
cmd_check_warnings(struct globals *g)
{
	struct doctor		 d;
	struct templates	*t = NULL;
	char			*errors = NULL;
	const char		**paths;

	memset(&d, 0, sizeof d);
	d.g = g;
	d.as_log = 1;
	if (cmd_rule_paths(g, &paths) == 0)
		doctor_no_rules(&d);
	/* Broken templates are check's own error, said already. */
	if (templates_load(outbox_templates_dir(&g->conf), &t, &errors) == 0)
		doctor_languages(&d, t);
	free(errors);
	templates_free(t);
	return ((int)d.warnings);
}

/* ---- time ---- */

static void
doctor_time(struct doctor *d)
{
	const struct config	*c = &d->g->conf;
	const struct calendar	*cal;
	size_t			 i, open;
	int			 day;

	doctor_say(d, DOCTOR_OK, 0, "time", "time zone %s%s",
	    c->tz != NULL ? tz_name(c->tz) : "UTC", c->timezone == NULL ?
	    " (the system's; [helpq] timezone names one)" : "");
	for (i = 0; i <= c->ncalendars; i++) {
		cal = i == 0 ? &c->policy.cal : c->calendars[i - 1];
		if (cal->always) {
			doctor_say(d, DOCTOR_OK, 0, "time", "calendar %s: "
			    "always open", cal->name != NULL ? cal->name :
			    "default");
			continue;
		}
		for (day = 0, open = 0; day < 7; day++)
			open += cal->week[day].n > 0;
		doctor_say(d, open == 0 ? DOCTOR_FAIL : DOCTOR_OK, EX_CONFIG,
		    "time", "calendar %s: %s, open %zu days a week, %zu "
		    "holidays", cal->name != NULL ? cal->name : "default",
		    cal->tz != NULL ? tz_name(cal->tz) : "UTC", open,
		    cal->nholidays);
	}
}

/* ---- the database ---- */

static off_t
doctor_size(const char *path, const char *suffix)
{
	struct stat	 st;
	char		*p = xprintf("%s%s", path, suffix);
	off_t		 n = stat(p, &st) == 0 ? st.st_size : 0;

	free(p);
	return (n);
}

static void
doctor_database(struct doctor *d)
{
	const char	*path = cmd_db_path(d->g);
	char		*dir, *slash, *cause = NULL;
	int		 v, want;
	off_t		 size;

	if (access(path, F_OK) != 0) {
		dir = xstrdup(path);
		if ((slash = strrchr(dir, '/')) != NULL)
			*(slash == dir ? slash + 1 : slash) = '\0';
		else {
			free(dir);
			dir = xstrdup(".");
		}
		if (access(dir, W_OK) == 0)
			doctor_say(d, DOCTOR_OK, 0, "database", "%s: not yet "
			    "made; the first import or poll makes it", path);
		else if (errno == ENOENT)
			doctor_say(d, DOCTOR_OK, 0, "database", "%s: not yet "
			    "made; its directory %s will be made too", path,
			    dir);
		else
			doctor_say(d, DOCTOR_FAIL, EX_CANTCREAT, "database",
			    "%s cannot be made: directory %s: %s", path, dir,
			    strerror(errno));
		free(dir);
		return;
	}
	if (store_schema_version(path, &v, &want, &cause) != 0) {
		doctor_say(d, DOCTOR_FAIL, EX_NOINPUT, "database", "%s",
		    cause);
		free(cause);
		return;
	}
	size = doctor_size(path, "") + doctor_size(path, "-wal") +
	    doctor_size(path, "-search") + doctor_size(path, "-search-wal");
	if (access(path, W_OK) != 0) {
		doctor_say(d, DOCTOR_FAIL, EX_NOPERM, "database", "%s is not "
		    "writable: %s", path, strerror(errno));
		return;
	}
	doctor_say(d, v > want ? DOCTOR_FAIL : DOCTOR_OK, EX_CONFIG,
	    "database", "%s: writable, schema %d%s, %.1f MiB", path, v,
	    v > want ? " (newer than this helpq: upgrade helpq)" : v < want ?
	    " (the next command that writes upgrades it)" : "",
	    (double)size / 1048576.0);
}

/* ---- the servers ---- */

static void
doctor_imap(struct doctor *d)
{
	const struct config_imap	*c = &d->g->conf.imap;
	struct imap			*im = NULL;
	struct imap_folder		 f;
	enum imap_fail			 fail;
	char				*cause = NULL;
	size_t				 i;
	int				 r;

	if (c->host == NULL) {
		doctor_say(d, DOCTOR_WARN, 0, "imap", "no IMAP server "
		    "([imap] host): only import can bring mail in");
		return;
	}
	if (imap_open(c, &im, &fail, &cause) != 0) {
		doctor_say(d, DOCTOR_FAIL, cmd_imap_status(fail), "imap",
		    "%s", cause);
		free(cause);
		return;
	}
	doctor_say(d, DOCTOR_OK, 0, "imap", "%s: %s, logged in as %s",
	    c->host, c->tls == CONFIG_TLS_NONE ? "no TLS (tls = no)" :
	    "TLS certificate and host name verified", c->user != NULL ?
	    c->user : "(nobody)");
	for (i = 0; i <= c->nfolders; i++) {
		const char	*folder = i < c->nfolders ? c->folders[i] :
		    c->sent;

		if (folder == NULL)
			break;
		if ((r = imap_select(im, folder, &f, &cause)) == -1) {
			doctor_say(d, DOCTOR_FAIL, EX_TEMPFAIL, "imap", "%s",
			    cause);
			free(cause);
			break;
		}
		if (r == 1)
			doctor_say(d, DOCTOR_FAIL, EX_CONFIG, "imap", "folder "
			    "%s: no such folder%s", folder, i == c->nfolders ?
			    " ([imap] sent; none: no Sent folder)" : "");
		else if (i == c->nfolders && f.readonly)
			doctor_say(d, DOCTOR_FAIL, EX_NOPERM, "imap", "Sent "
			    "folder %s is read-only: copies of helpq's "
			    "replies cannot go there", folder);
		else
			doctor_say(d, DOCTOR_OK, 0, "imap", "%s folder %s: "
			    "%u messages%s", i == c->nfolders ? "Sent" :
			    "incoming", folder, f.exists, i == c->nfolders ?
			    ", writable" : "");
	}
	imap_close(im);
}

static int
doctor_smtp_status(enum smtp_result r)
{
	switch (r) {
	case SMTP_OK:
		return (0);
	case SMTP_TEMP:
		return (EX_TEMPFAIL);
	case SMTP_DOWN:
		return (EX_UNAVAILABLE);
	case SMTP_PERM:
	case SMTP_CONFIG:
		break;
	}
	return (EX_CONFIG);
}

static void
doctor_smtp(struct doctor *d)
{
	const struct config	*c = &d->g->conf;
	const char		*senders[2], *what[2] = { "agents' replies",
				    "acknowledgements" };
	struct smtp		*sm;
	enum smtp_result	 r;
	char			*cause = NULL, *reply = NULL;
	int			 i;

	if (c->smtp.host == NULL) {
		doctor_say(d, DOCTOR_WARN, 0, "smtp", "no SMTP server ([smtp] "
		    "host): no acknowledgement, escalation or reply is sent");
		return;
	}
	if ((sm = smtp_new(&c->smtp, &cause)) == NULL) {
		doctor_say(d, DOCTOR_FAIL, EX_CONFIG, "smtp", "%s", cause);
		free(cause);
		return;
	}
	senders[0] = c->smtp.from != NULL ? c->smtp.from : c->address;
	senders[1] = c->smtp.auto_from != NULL ? c->smtp.auto_from : "";
	for (i = 0; i < 2; i++) {
		if (senders[i] == NULL || (i == 1 && senders[0] != NULL &&
		    strcmp(senders[0], senders[1]) == 0))
			continue;
		r = smtp_probe(sm, senders[i], &reply);
		if (r == SMTP_OK)
			doctor_say(d, DOCTOR_OK, 0, "smtp", "%s: %s%s, sender "
			    "<%s> of %s accepted (no mail sent): %s",
			    c->smtp.host, c->smtp.tls == CONFIG_TLS_NONE ?
			    "no TLS (tls = no)" : "TLS verified",
			    c->smtp.user != NULL ? ", logged in" : "",
			    senders[i], what[i], reply);
		else
			doctor_say(d, DOCTOR_FAIL, doctor_smtp_status(r),
			    "smtp", "sender <%s> of %s: %s", senders[i],
			    what[i], reply);
		free(reply);
		reply = NULL;
		if (r == SMTP_DOWN || r == SMTP_CONFIG)
			break;
	}
	smtp_free(sm);
}

/* ---- the service user ---- */

/*
 * Whether pw may read (want R_OK) or write (W_OK) path: the mode bits of
 * the path and the search bits of every directory above it, for pw's
 * uid and groups, as the kernel would decide for that user.
 */
static int
doctor_may(const struct passwd *pw, const gid_t *gids, int ngids,
    const char *path, int want, const char **why)
{
	struct stat	 st;
	char		 buf[PATH_MAX], *p;
	int		 i, bits, ok, last;

	if ((size_t)snprintf(buf, sizeof buf, "%s", path) >= sizeof buf) {
		*why = "too long a path";
		return (0);
	}
	/* Each directory from the top, then the path itself. */
	for (p = buf + 1;; p++) {
		last = (p = strchr(p, '/')) == NULL;
		if (!last)
			*p = '\0';
		if (stat(buf, &st) != 0) {
			*why = "it is not there";
			return (0);
		}
		bits = last ? want : X_OK;
		if (last && S_ISDIR(st.st_mode) && want == R_OK)
			bits = R_OK | X_OK;
		if (st.st_uid == pw->pw_uid)
			ok = ((st.st_mode >> 6) & bits) == (unsigned)bits;
		else {
			for (i = 0; i < ngids && gids[i] != st.st_gid; i++)
				;
			ok = i < ngids ?
			    ((st.st_mode >> 3) & bits) == (unsigned)bits :
			    (st.st_mode & bits) == (unsigned)bits;
		}
		if (!ok) {
			*why = last ? "its mode does not let it" :
			    "a directory above it does not let it in";
			return (0);
		}
		if (last)
			break;
		*p = '/';
	}
	return (1);
}

static void
doctor_user_path(struct doctor *d, const struct passwd *pw, const gid_t *gids,
    int ngids, const char *what, const char *path, int want)
{
	const char	*why = NULL;

	if (path == NULL)
		return;
	if (doctor_may(pw, gids, ngids, path, want, &why))
		doctor_say(d, DOCTOR_OK, 0, "user", "%s can %s %s %s",
		    pw->pw_name, want == W_OK ? "write" : "read", what, path);
	else
		doctor_say(d, DOCTOR_FAIL, EX_NOPERM, "user", "%s cannot %s "
		    "%s %s: %s", pw->pw_name, want == W_OK ? "write" : "read",
		    what, path, why);
}

static void
doctor_user(struct doctor *d)
{
	const struct config	*c = &d->g->conf;
	struct passwd		*pw;
	gid_t			 gids[64];
	int			 ngids = (int)nitems(gids);
	const char		**paths;
	char			*dir, *slash;
	size_t			 i, n;

	if (geteuid() != 0)
		return;
	if ((pw = getpwnam(d->user)) == NULL) {
		doctor_say(d, DOCTOR_WARN, 0, "user", "no user %s: the "
		    "systemd units run as " DOCTOR_USER " (systemd-sysusers "
		    "makes it)", d->user);
		return;
	}
	if (getgrouplist(pw->pw_name, pw->pw_gid, gids, &ngids) == -1)
		ngids = (int)nitems(gids);
	doctor_user_path(d, pw, gids, ngids, "the configuration", c->path,
	    R_OK);
	if (c->imap.password.source == SECRET_FILE)
		doctor_user_path(d, pw, gids, ngids, "the IMAP password",
		    c->imap.password.arg, R_OK);
	if (c->smtp.password.source == SECRET_FILE)
		doctor_user_path(d, pw, gids, ngids, "the SMTP password",
		    c->smtp.password.arg, R_OK);
	n = cmd_rule_paths(d->g, &paths);
	for (i = 0; i < n; i++)
		doctor_user_path(d, pw, gids, ngids, "the rules", paths[i],
		    R_OK);
	doctor_user_path(d, pw, gids, ngids, "the templates",
	    outbox_templates_dir(c), R_OK);
	dir = xstrdup(cmd_db_path(d->g));
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (access(dir, F_OK) == 0)
			doctor_user_path(d, pw, gids, ngids, "the database's "
			    "directory", dir, W_OK);
	}
	free(dir);
}

/* ---- the command ---- */

static const struct args_opt doctor_opts[] = {
	{ "json", 0, NULL, 'j', "print JSON for monitoring" },
	{ "user", 'u', "NAME", 'u', "the service's user (default helpq)" },
	{ NULL, 0, NULL, 0, NULL }
};

static int
doctor_main(struct globals *g, struct args *a)
{
	struct doctor	 d;
	struct rules	*rs;
	const char	*v;
	json_t		*o;
	int		 ch;

	memset(&d, 0, sizeof d);
	d.g = g;
	d.user = DOCTOR_USER;
	while ((ch = args_next(a, 0, &v)) != -1) {
		if (ch == 'j' && d.checks == NULL)
			d.checks = json_array();
		else if (ch == 'u')
			d.user = v;
	}
	doctor_say(&d, DOCTOR_OK, 0, "config", "%s", g->conf.path != NULL ?
	    g->conf.path : "none found: built-in defaults");
	doctor_rules(&d, &rs);
	rules_free(rs);
	doctor_templates(&d);
	doctor_time(&d);
	doctor_database(&d);
	doctor_imap(&d);
	doctor_smtp(&d);
	doctor_user(&d);
	if (d.checks != NULL) {
		o = json_pack("{s:b, s:i, s:i, s:o}", "ok", d.failures == 0,
		    "failures", (int)d.failures, "warnings", (int)d.warnings,
		    "checks", d.checks);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
	} else
		printf("%u failed, %u warnings\n", d.failures, d.warnings);
	return (d.failures > 0 ? d.rc : 0);
}

const struct command cmd_doctor_command = {
	"doctor", NULL, doctor_main, doctor_opts, "", 0, 0, CMD_OPERAND_NONE,
	0, "Check all the desk needs: files, database, servers, user"
};
