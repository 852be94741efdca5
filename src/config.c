/* helpq - config.c: the INI-style configuration file and its defaults. */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "lang.h"
#include "log.h"
#include "tz.h"
#include "xmalloc.h"

#define CONFIG_LINE_MAX	4096

struct config_pos {
	const char	*file;
	unsigned	 line;
};

/*
 * What a key's value is, and so how it is checked, stored and freed.
 * Every error a kind reports is the text after "file:line:column: key: ".
 */
enum config_kind {
	CF_STRING,	/* any text (char *) */
	CF_HOST,	/* a host name: no blanks or slashes (char *) */
	CF_PORT,	/* 1 to 65535 (unsigned) */
	CF_COUNT,	/* a number from min to max (unsigned) */
	CF_DURATION,	/* "90", "30m", "24h", "7d", "2w" (time_t) */
	CF_SECONDS,	/* a duration of at least one second (time_t) */
	CF_SIZE,	/* bytes, with k or M (size_t) */
	CF_YESNO,	/* yes or no (int) */
	CF_ENUM,	/* one of words (an enum or int) */
	CF_SECRET,	/* where a secret comes from (struct secret_spec) */
	CF_LIST,	/* items separated by commas or blanks (char **) */
	CF_ADDRESS,	/* one plain address, lower-cased (char *) */
	CF_SENDER,	/* an envelope sender: an address or <> (char *) */
	CF_FOLDER,	/* a folder name, or "none" for NULL (char *) */
	CF_CUSTOM	/* set does it all; config_clear frees by name */
};

/* The words of a CF_ENUM, and the error for any other word. */
struct config_enum {
	const char	*expected;
	struct {
		const char	*word;
		int		 value;
	}		 words[5];	/* up to a NULL word */
};

typedef int (*config_set_fn)(struct config *, const char *, char **);

/* Checks one list item and may rewrite it in place (to lower case). */
typedef int (*config_item_fn)(char *, char **);

struct config_key {
	const char		*section;
	const char		*key;
	enum config_kind	 kind;
	size_t			 off;		/* the field in struct config */
	unsigned		 min, max;	/* CF_COUNT */
	enum secret_source	 source;	/* CF_SECRET */
	const struct config_enum *words;	/* CF_ENUM */
	size_t			 count;		/* CF_LIST: its length field */
	int			 append;	/* CF_LIST: each line adds */
	const char		*empty;		/* CF_LIST: error if empty,
						   NULL: empty is fine */
	config_item_fn		 item;		/* CF_LIST: NULL: any item */
	config_set_fn		 set;		/* CF_CUSTOM */
};

/* CF_ENUM fields of enum types are set through an int. */
_Static_assert(sizeof(enum config_tls) == sizeof(int) &&
    sizeof(enum config_auth) == sizeof(int) &&
    sizeof(enum config_stranger) == sizeof(int),
    "an enum field is not the size of an int");

static void
set_string(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

static void
lower(char *s)
{
	for (; *s != '\0'; s++)
		*s = tolower((unsigned char)*s);
}

/* One plain address: an '@' and no blanks, brackets or commas. */
static int
address_plain(const char *v)
{
	return (strchr(v, '@') != NULL && strpbrk(v, " \t<>,") == NULL);
}

/*
 * Split a list separated by commas or blanks, appending each item to
 * *listp (allocated). Returns the number of items added.
 */
static size_t
config_split(const char *v, char ***listp, size_t *np)
{
	const char	*p = v, *end;
	size_t		 added = 0;

	while (*p != '\0') {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		end = p;
		while (*end != '\0' && *end != ',' &&
		    !isspace((unsigned char)*end))
			end++;
		*listp = xreallocarray(*listp, *np + 1, sizeof **listp);
		(*listp)[(*np)++] = xstrndup(p, (size_t)(end - p));
		added++;
		p = end;
	}
	return (added);
}

/* An ISO 639-1 code: two or three lower-case letters. */
static int
language_valid(const char *s)
{
	size_t	n = strlen(s);

	return (n >= 2 && n <= 3 && strspn(s, "abcdefghijklmnopqrstuvwxyz") ==
	    n);
}

/* ---- the kinds ---- */

static int
set_count(unsigned *field, const char *v, unsigned min, unsigned max,
    char **cause)
{
	char		*end;
	unsigned long	 n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < min || n > max) {
		xasprintf(cause, "expected a number from %u to %u", min, max);
		return (-1);
	}
	*field = (unsigned)n;
	return (0);
}

static int
set_duration(time_t *field, const char *v, char **cause)
{
	if (config_parse_duration(v, field) != 0) {
		xasprintf(cause, "'%s' is not a duration (like 90, 30m, 24h, "
		    "7d, 2w)", v);
		return (-1);
	}
	return (0);
}

static int
set_seconds(time_t *field, const char *v, char **cause)
{
	if (set_duration(field, v, cause) != 0)
		return (-1);
	if (*field < 1) {
		*cause = xstrdup("expected at least 1 second");
		return (-1);
	}
	return (0);
}

/* A size in bytes, with k or M. */
static int
set_size(size_t *sp, const char *v, char **cause)
{
	char			*end;
	unsigned long long	 n;

	errno = 0;
	n = strtoull(v, &end, 10);
	if (errno == 0 && end != v) {
		if (strcmp(end, "k") == 0 || strcmp(end, "K") == 0)
			n *= 1024, end++;
		else if (strcmp(end, "M") == 0)
			n *= 1024 * 1024, end++;
	}
	if (errno != 0 || end == v || *end != '\0' || n > SIZE_MAX / 2) {
		*cause = xstrdup("expected a size like 0 (no limit), 500k or "
		    "50M");
		return (-1);
	}
	*sp = (size_t)n;
	return (0);
}

static const struct config_enum config_yesno = {
	"expected 'yes' or 'no'", { { "yes", 1 }, { "no", 0 } }
};

static int
set_word(int *field, const struct config_enum *e, const char *v,
    char **cause)
{
	size_t	i;

	for (i = 0; i < nitems(e->words) && e->words[i].word != NULL; i++) {
		if (strcmp(v, e->words[i].word) == 0) {
			*field = e->words[i].value;
			return (0);
		}
	}
	*cause = xstrdup(e->expected);
	return (-1);
}

static int
set_host(char **field, const char *v, char **cause)
{
	if (*v == '\0' || strpbrk(v, " \t/") != NULL) {
		*cause = xstrdup("expected a host name like mail.example.com");
		return (-1);
	}
	set_string(field, v);
	return (0);
}

/* One place for the secret: a later key replaces an earlier one. */
static int
set_secret(struct secret_spec *sp, enum secret_source src, const char *v,
    char **cause)
{
	if (*v == '\0') {
		*cause = xstrdup("expected a value");
		return (-1);
	}
	sp->source = src;
	set_string(&sp->arg, v);
	return (0);
}

static int
set_address(char **field, const char *v, char **cause)
{
	if (!address_plain(v)) {
		*cause = xstrdup("expected one plain address like "
		    "support@example.com");
		return (-1);
	}
	set_string(field, v);
	lower(*field);
	return (0);
}

/* An envelope sender: an address, or <> for the null sender (""). */
static int
set_sender(char **field, const char *v, char **cause)
{
	if (strcmp(v, "<>") == 0) {
		set_string(field, "");
		return (0);
	}
	if (!address_plain(v)) {
		*cause = xstrdup("expected a plain address or <>");
		return (-1);
	}
	set_string(field, v);
	return (0);
}

static void
set_folder(char **field, const char *v)
{
	if (strcmp(v, "none") == 0) {
		free(*field);
		*field = NULL;
	} else
		set_string(field, v);
}

static int
set_list(struct config *c, const struct config_key *k, const char *v,
    char **cause)
{
	char	***listp = (char ***)((char *)c + k->off);
	size_t	  *np = (size_t *)((char *)c + k->count), i, first;

	if (!k->append) {
		xfreev(*listp, *np);
		*listp = NULL;
		*np = 0;
	}
	first = *np;
	if (config_split(v, listp, np) == 0 && k->empty != NULL) {
		*cause = xstrdup(k->empty);
		return (-1);
	}
	for (i = first; k->item != NULL && i < *np; i++) {
		if (k->item((*listp)[i], cause) != 0)
			return (-1);
	}
	return (0);
}

/* ---- list items ---- */

/* An agent: an address or "@domain". */
static int
item_agent(char *s, char **cause)
{
	if (strchr(s, '@') == NULL) {
		xasprintf(cause, "'%s' is neither an address nor @domain", s);
		return (-1);
	}
	lower(s);
	return (0);
}

/* A manager: an address ("@domain" cannot receive an escalation). */
static int
item_manager(char *s, char **cause)
{
	if (strchr(s, '@') == NULL || s[0] == '@') {
		xasprintf(cause, "'%s' is not an address", s);
		return (-1);
	}
	lower(s);
	return (0);
}

static int
item_language(char *s, char **cause)
{
	if (!language_valid(s)) {
		xasprintf(cause, "'%s' is not a language code like de or el",
		    s);
		return (-1);
	}
	return (0);
}

/* ---- keys with checks of their own ---- */

static int
set_timezone(struct config *c, const char *v, char **cause)
{
	struct tz	*tz;

	/* The zone is loaded here, once, so a bad name is a config error. */
	if ((tz = tz_load(v, cause)) == NULL)
		return (-1);
	tz_free(c->tz);
	c->tz = tz;
	c->policy.cal.tz = tz;
	set_string(&c->timezone, v);
	return (0);
}

static int
set_default_language(struct config *c, const char *v, char **cause)
{
	if (!language_valid(v)) {
		xasprintf(cause, "'%s' is not a language code like en or de",
		    v);
		return (-1);
	}
	set_string(&c->default_language, v);
	return (0);
}

/*
 * Nonzero if s starts with a character the token finder skips (no-break
 * spaces) or drops (soft hyphen, zero widths): a token holding one would
 * never be found again.
 */
static int
prefix_invisible(const char *s)
{
	static const char *const skipped[] = {
		"\xc2\xa0", "\xe2\x80\xaf", "\xc2\xad", "\xe2\x80\x8b",
		"\xe2\x80\x8c", "\xe2\x80\x8d", "\xe2\x81\xa0", "\xef\xbb\xbf"
	};
	size_t	i;

	for (i = 0; i < nitems(skipped); i++) {
		if (strncmp(s, skipped[i], strlen(skipped[i])) == 0)
			return (1);
	}
	return (0);
}

static int
set_token_prefix(struct config *c, const char *v, char **cause)
{
	const char	*p;

	if (*v == '\0' || strlen(v) > 16) {
		*cause = xstrdup("expected 1 to 16 characters");
		return (-1);
	}
	for (p = v; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p) || *p == '[' || *p == ']' ||
		    isspace((unsigned char)*p) || prefix_invisible(p)) {
			*cause = xstrdup("digits, brackets and blanks cannot "
			    "be part of the token prefix");
			return (-1);
		}
	}
	set_string(&c->token_prefix, v);
	return (0);
}

/* ---- [policy] and [policy "QUEUE"] ---- */

/* The queue whose section the keys are in, or NULL for [policy]. */
static struct sla_queue *
queue_current(struct config *c)
{
	return (c->in_queue ? c->queues[c->nqueues - 1] : NULL);
}

static int
set_response_time(struct config *c, const char *v, char **cause)
{
	struct sla_queue	*q = queue_current(c);
	time_t			*field = q != NULL ? &q->response_time :
				    &c->policy.response_time;

	if (set_duration(field, v, cause) != 0)
		return (-1);
	if (*field == 0) {
		*cause = xstrdup("a response time of 0 cannot be kept");
		return (-1);
	}
	return (0);
}

static int
set_resolution_time(struct config *c, const char *v, char **cause)
{
	struct sla_queue	*q = queue_current(c);

	return (set_duration(q != NULL ? &q->resolution_time :
	    &c->sla.resolution_time, v, cause));
}

static int
set_survey_scale(struct config *c, const char *v, char **cause)
{
	if (strcmp(v, "5") == 0)
		c->survey.scale = 5;
	else if (strcmp(v, "10") == 0)
		c->survey.scale = 10;
	else {
		*cause = xstrdup("expected 5 (a rating from 1 to 5) or 10 "
		    "(0 to 10, for NPS)");
		return (-1);
	}
	return (0);
}

static int
set_clock(struct config *c, const char *v, char **cause)
{
	struct sla_queue	*q = queue_current(c);
	int			 business;

	if (strcmp(v, "calendar") == 0)
		business = 0;
	else if (strcmp(v, "business") == 0)
		business = 1;
	else {
		*cause = xstrdup("expected 'calendar' or 'business'");
		return (-1);
	}
	if (q != NULL)
		q->business = business;
	else
		c->policy.business = business;
	return (0);
}

/* A key of [policy]'s own: the default calendar's. */
static int
policy_only(struct config *c, char **cause)
{
	if (queue_current(c) == NULL)
		return (0);
	*cause = xstrdup("a queue names a [calendar \"NAME\"] with "
	    "'calendar = NAME' instead");
	return (-1);
}

static int
set_business_hours(struct config *c, const char *v, char **cause)
{
	if (policy_only(c, cause) != 0)
		return (-1);
	return (policy_parse_hours(&c->policy, v, cause));
}

static int
set_holidays(struct config *c, const char *v, char **cause)
{
	if (policy_only(c, cause) != 0)
		return (-1);
	return (policy_parse_holidays(&c->policy, v, cause));
}

/* A key of a queue's section alone. */
static struct sla_queue *
queue_only(struct config *c, char **cause)
{
	struct sla_queue	*q = queue_current(c);

	if (q == NULL)
		*cause = xstrdup("only in a queue's [policy \"QUEUE\"] "
		    "section");
	return (q);
}

static int
set_policy_calendar(struct config *c, const char *v, char **cause)
{
	struct sla_queue	*q;

	if ((q = queue_only(c, cause)) == NULL)
		return (-1);
	if (config_calendar(c, v) == NULL) {
		xasprintf(cause, "no [calendar \"%s\"] above this line", v);
		return (-1);
	}
	set_string(&q->calendar, v);
	return (0);
}

static int
set_policy_address(struct config *c, const char *v, char **cause)
{
	struct sla_queue	*q;
	char			*s;

	if ((q = queue_only(c, cause)) == NULL)
		return (-1);
	s = xstrdup(v);
	if (item_manager(s, cause) != 0) {
		free(s);
		return (-1);
	}
	free(q->address);
	q->address = s;
	return (0);
}

static int
set_step(struct config *c, enum sla_step_id id, const char *v,
    char **cause)
{
	struct sla_queue	*q = queue_current(c);

	return (sla_step_parse(q != NULL ? &q->step[id] : &c->sla.step[id],
	    v, cause));
}

static int
set_warn(struct config *c, const char *v, char **cause)
{
	return (set_step(c, SLA_WARN, v, cause));
}

static int
set_breach(struct config *c, const char *v, char **cause)
{
	return (set_step(c, SLA_BREACH, v, cause));
}

static int
set_escalate(struct config *c, const char *v, char **cause)
{
	return (set_step(c, SLA_ESCALATE, v, cause));
}

/* ---- [calendar "NAME"]: the keys set the section's calendar ---- */

static struct calendar *
calendar_current(struct config *c)
{
	/* A key of [calendar] is read only after its section's header. */
	return (c->calendars[c->ncalendars - 1]);
}

static int
set_cal_timezone(struct config *c, const char *v, char **cause)
{
	struct calendar	*cal = calendar_current(c);
	struct tz	*tz;

	if ((tz = tz_load(v, cause)) == NULL)
		return (-1);
	tz_free(cal->own);
	cal->own = tz;
	cal->tz = tz;
	return (0);
}

static int
set_cal_hours(struct config *c, const char *v, char **cause)
{
	return (calendar_parse_hours(calendar_current(c), v, cause));
}

static int
set_cal_holidays(struct config *c, const char *v, char **cause)
{
	return (calendar_parse_holidays(calendar_current(c), v, cause));
}

/* The file is read now, so its errors are the config's. */
static int
set_cal_holidays_file(struct config *c, const char *v, char **cause)
{
	const char	*slash;
	char		*path;
	int		 rc;

	if (*v == '\0') {
		*cause = xstrdup("expected an iCalendar file");
		return (-1);
	}
	/* Like rule paths: a relative one is in the config's folder. */
	if (*v != '/' && c->path != NULL &&
	    (slash = strrchr(c->path, '/')) != NULL)
		path = xprintf("%.*s/%s", (int)(slash - c->path), c->path, v);
	else
		path = xstrdup(v);
	rc = calendar_read_ics(calendar_current(c), path, cause);
	free(path);
	return (rc);
}

static int
set_queue_folder(struct config *c, const char *v, char **cause)
{
	if (strcmp(v, "none") != 0 && strstr(v, "%q") == NULL) {
		*cause = xstrdup("expected a folder name with %q for the "
		    "queue, like Queues/%q, or 'none'");
		return (-1);
	}
	set_folder(&c->imap.queue_folder, v);
	return (0);
}

static int
set_imap_start(struct config *c, const char *v, char **cause)
{
	struct tm	tm;
	char		*end;

	if (strcmp(v, "now") == 0) {
		c->imap.start = CONFIG_START_NOW;
		return (0);
	}
	if (strcmp(v, "all") == 0) {
		c->imap.start = CONFIG_START_ALL;
		return (0);
	}
	memset(&tm, 0, sizeof tm);
	end = strptime(v, "%Y-%m-%d", &tm);
	if (end == NULL || *end != '\0') {
		*cause = xstrdup("expected 'now', 'all' or a date like "
		    "2026-11-01");
		return (-1);
	}
	c->imap.start = CONFIG_START_DATE;
	c->imap.start_date = timegm(&tm);
	return (0);
}

/* ---- the table ---- */

static const struct config_enum config_auths = {
	"expected 'login', 'plain' or 'xoauth2'",
	{ { "login", CONFIG_AUTH_LOGIN }, { "plain", CONFIG_AUTH_PLAIN },
	  { "xoauth2", CONFIG_AUTH_XOAUTH2 } }
};

/* "yes" is the protocol's TLS-first form ("imaps", "smtps"). */
static const struct config_enum config_tls_imap = {
	"expected 'imaps', 'starttls' or 'no' (passwords in the clear)",
	{ { "imaps", CONFIG_TLS_IMPLICIT }, { "yes", CONFIG_TLS_IMPLICIT },
	  { "starttls", CONFIG_TLS_STARTTLS }, { "no", CONFIG_TLS_NONE } }
};

static const struct config_enum config_tls_smtp = {
	"expected 'smtps', 'starttls' or 'no' (passwords in the clear)",
	{ { "smtps", CONFIG_TLS_IMPLICIT }, { "yes", CONFIG_TLS_IMPLICIT },
	  { "starttls", CONFIG_TLS_STARTTLS }, { "no", CONFIG_TLS_NONE } }
};

static const struct config_enum config_strangers = {
	"expected 'link' or 'join'",
	{ { "link", CONFIG_STRANGER_LINK }, { "join", CONFIG_STRANGER_JOIN } }
};

/* A key of a kind, stored in field of struct config. */
#define F(k, field)	.kind = (k), .off = offsetof(struct config, field)
/* A CF_LIST's length field. */
#define N(field)	.count = offsetof(struct config, field)
#define CUSTOM(fn)	.kind = CF_CUSTOM, .set = (fn)

/*
 * Sorted by section, then key (bsearch); a unit test checks the order,
 * and tests/manpages.sh reads "{ section, key," at the start of a line.
 */
static const struct config_key config_keys[] = {
	{ "ack",	"enabled",		F(CF_YESNO, ack.enabled) },
	{ "ack",	"max-age",		F(CF_SECONDS, ack.max_age) },
	{ "ack",	"max-per-hour",		F(CF_COUNT, ack.max_per_hour),
	    .min = 0, .max = 1000000 },
	{ "ack",	"sender-window",	F(CF_DURATION,
	    ack.sender_window) },
	{ "calendar",	"holidays",		CUSTOM(set_cal_holidays) },
	{ "calendar",	"holidays-file",	CUSTOM(set_cal_holidays_file) },
	{ "calendar",	"hours",		CUSTOM(set_cal_hours) },
	{ "calendar",	"timezone",		CUSTOM(set_cal_timezone) },
	{ "helpq",	"address",		F(CF_ADDRESS, address) },
	{ "helpq",	"agents",		F(CF_LIST, agents),
	    N(nagents), .append = 1, .item = item_agent },
	{ "helpq",	"database",		F(CF_STRING, database) },
	{ "helpq",	"default-language",	CUSTOM(set_default_language) },
	{ "helpq",	"languages",		F(CF_LIST, languages),
	    N(nlanguages), .item = item_language,
	    .empty = "expected language codes like de, el, en" },
	{ "helpq",	"managers",		F(CF_LIST, managers),
	    N(nmanagers), .append = 1, .item = item_manager },
	{ "helpq",	"name",			F(CF_STRING, name) },
	{ "helpq",	"templates",		F(CF_STRING, templates) },
	{ "helpq",	"timezone",		CUSTOM(set_timezone) },
	{ "imap",	"auth",			F(CF_ENUM, imap.auth),
	    .words = &config_auths },
	{ "imap",	"batch",		F(CF_COUNT, imap.batch),
	    .min = 1, .max = 10000 },
	{ "imap",	"ca-file",		F(CF_STRING, imap.ca_file) },
	{ "imap",	"commit-count",		F(CF_COUNT, imap.commit_count),
	    .min = 1, .max = 100000 },
	{ "imap",	"commit-size",		F(CF_SIZE, imap.commit_size) },
	{ "imap",	"commit-time",		F(CF_SECONDS,
	    imap.commit_time) },
	{ "imap",	"folders",		F(CF_LIST, imap.folders),
	    N(imap.nfolders), .empty = "expected folder names like INBOX" },
	{ "imap",	"host",			F(CF_HOST, imap.host) },
	{ "imap",	"idle",			F(CF_YESNO, imap.idle) },
	{ "imap",	"keywords",		F(CF_YESNO, imap.keywords) },
	{ "imap",	"max-size",		F(CF_SIZE, imap.max_size) },
	{ "imap",	"password-command",	F(CF_SECRET, imap.password),
	    .source = SECRET_COMMAND },
	{ "imap",	"password-credential",	F(CF_SECRET, imap.password),
	    .source = SECRET_CREDENTIAL },
	{ "imap",	"password-env",		F(CF_SECRET, imap.password),
	    .source = SECRET_ENV },
	{ "imap",	"password-file",	F(CF_SECRET, imap.password),
	    .source = SECRET_FILE },
	{ "imap",	"poll-interval",	F(CF_SECONDS,
	    imap.poll_interval) },
	{ "imap",	"port",			F(CF_PORT, imap.port) },
	{ "imap",	"queue-folder",		CUSTOM(set_queue_folder) },
	{ "imap",	"sent",			F(CF_FOLDER, imap.sent) },
	{ "imap",	"start",		CUSTOM(set_imap_start) },
	{ "imap",	"ticket-keywords",	F(CF_YESNO,
	    imap.ticket_keywords) },
	{ "imap",	"timeout",		F(CF_SECONDS, imap.timeout) },
	{ "imap",	"tls",			F(CF_ENUM, imap.tls),
	    .words = &config_tls_imap },
	{ "imap",	"user",			F(CF_STRING, imap.user) },
	{ "policy",	"address",		CUSTOM(set_policy_address) },
	{ "policy",	"breach",		CUSTOM(set_breach) },
	{ "policy",	"business-hours",	CUSTOM(set_business_hours) },
	{ "policy",	"calendar",		CUSTOM(set_policy_calendar) },
	{ "policy",	"clock",		CUSTOM(set_clock) },
	{ "policy",	"escalate",		CUSTOM(set_escalate) },
	{ "policy",	"holidays",		CUSTOM(set_holidays) },
	{ "policy",	"resolution-time",	CUSTOM(set_resolution_time) },
	{ "policy",	"response-time",	CUSTOM(set_response_time) },
	{ "policy",	"warn",			CUSTOM(set_warn) },
	{ "report",	"fairness-min-tickets",	F(CF_COUNT,
	    report.min_tickets), .min = 1, .max = 1000000 },
	{ "report",	"fairness-points",	F(CF_COUNT, report.points),
	    .min = 0, .max = 100 },
	{ "report",	"fairness-slower",	F(CF_COUNT, report.slower),
	    .min = 0, .max = 1000 },
	{ "rules",	"depth-limit",		F(CF_COUNT, depth_limit),
	    .min = 100, .max = 10000000 },
	{ "rules",	"jit",			F(CF_YESNO, jit) },
	{ "rules",	"match-limit",		F(CF_COUNT, match_limit),
	    .min = 1000, .max = 100000000 },
	{ "rules",	"path",			F(CF_LIST, rules),
	    N(nrules), .append = 1,
	    .empty = "expected a rule file or directory" },
	{ "smtp",	"auth",			F(CF_ENUM, smtp.auth),
	    .words = &config_auths },
	{ "smtp",	"auto-from",		F(CF_SENDER, smtp.auto_from) },
	{ "smtp",	"ca-file",		F(CF_STRING, smtp.ca_file) },
	{ "smtp",	"from",			F(CF_SENDER, smtp.from) },
	{ "smtp",	"give-up",		F(CF_SECONDS, smtp.give_up) },
	{ "smtp",	"host",			F(CF_HOST, smtp.host) },
	{ "smtp",	"password-command",	F(CF_SECRET, smtp.password),
	    .source = SECRET_COMMAND },
	{ "smtp",	"password-credential",	F(CF_SECRET, smtp.password),
	    .source = SECRET_CREDENTIAL },
	{ "smtp",	"password-env",		F(CF_SECRET, smtp.password),
	    .source = SECRET_ENV },
	{ "smtp",	"password-file",	F(CF_SECRET, smtp.password),
	    .source = SECRET_FILE },
	{ "smtp",	"port",			F(CF_PORT, smtp.port) },
	{ "smtp",	"timeout",		F(CF_SECONDS, smtp.timeout) },
	{ "smtp",	"tls",			F(CF_ENUM, smtp.tls),
	    .words = &config_tls_smtp },
	{ "smtp",	"user",			F(CF_STRING, smtp.user) },
	{ "survey",	"delay",		F(CF_DURATION, survey.delay) },
	{ "survey",	"enabled",		F(CF_YESNO, survey.enabled) },
	{ "survey",	"scale",		CUSTOM(set_survey_scale) },
	{ "survey",	"window",		F(CF_DURATION, survey.window) },
	{ "thread",	"reopen-window",	F(CF_DURATION,
	    reopen_window) },
	{ "thread",	"strangers",		F(CF_ENUM, stranger),
	    .words = &config_strangers },
	{ "thread",	"subject-window",	F(CF_DURATION,
	    subject_window) },
	{ "thread",	"token-prefix",		CUSTOM(set_token_prefix) },
};

#undef F
#undef N
#undef CUSTOM

static void *
config_field(struct config *c, const struct config_key *k)
{
	return ((char *)c + k->off);
}

/* Check v and store it in k's field of c. */
static int
config_set(struct config *c, const struct config_key *k, const char *v,
    char **cause)
{
	void	*field = config_field(c, k);

	switch (k->kind) {
	case CF_STRING:
		set_string(field, v);
		return (0);
	case CF_HOST:
		return (set_host(field, v, cause));
	case CF_PORT:
		return (set_count(field, v, 1, 65535, cause));
	case CF_COUNT:
		return (set_count(field, v, k->min, k->max, cause));
	case CF_DURATION:
		return (set_duration(field, v, cause));
	case CF_SECONDS:
		return (set_seconds(field, v, cause));
	case CF_SIZE:
		return (set_size(field, v, cause));
	case CF_YESNO:
		return (set_word(field, &config_yesno, v, cause));
	case CF_ENUM:
		return (set_word(field, k->words, v, cause));
	case CF_SECRET:
		return (set_secret(field, k->source, v, cause));
	case CF_LIST:
		return (set_list(c, k, v, cause));
	case CF_ADDRESS:
		return (set_address(field, v, cause));
	case CF_SENDER:
		return (set_sender(field, v, cause));
	case CF_FOLDER:
		set_folder(field, v);
		return (0);
	case CF_CUSTOM:
		return (k->set(c, v, cause));
	}
	fatalx("config key %s: kind %d", k->key, (int)k->kind);
}

/* Free what k's field of c holds (several keys may share one field). */
static void
config_unset(struct config *c, const struct config_key *k)
{
	void			*field = config_field(c, k);
	struct secret_spec	*sp;
	size_t			*np;

	switch (k->kind) {
	case CF_STRING:
	case CF_HOST:
	case CF_ADDRESS:
	case CF_SENDER:
	case CF_FOLDER:
		free(*(char **)field);
		*(char **)field = NULL;
		break;
	case CF_SECRET:
		sp = field;
		free(sp->arg);
		sp->arg = NULL;
		break;
	case CF_LIST:
		np = (size_t *)((char *)c + k->count);
		xfreev(*(char ***)field, *np);
		*(char ***)field = NULL;
		*np = 0;
		break;
	default:
		break;
	}
}

static int
config_key_cmp(const void *a, const void *b)
{
	const struct config_key	*ka = a, *kb = b;
	int			 r;

	if ((r = strcmp(ka->section, kb->section)) != 0)
		return (r);
	return (strcmp(ka->key, kb->key));
}

int
config_keys_sorted(void)
{
	size_t	i;

	for (i = 1; i < nitems(config_keys); i++) {
		if (config_key_cmp(&config_keys[i - 1], &config_keys[i]) >= 0)
			return (0);
	}
	return (1);
}

static int
config_section_known(const char *s)
{
	size_t	i;

	for (i = 0; i < nitems(config_keys); i++) {
		if (strcmp(config_keys[i].section, s) == 0)
			return (1);
	}
	return (0);
}

void
config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->name = xstrdup("Support");
	c->token_prefix = xstrdup("#");
	c->subject_window = 30 * 86400;
	c->reopen_window = 14 * 86400;
	c->stranger = CONFIG_STRANGER_LINK;
	c->default_language = xstrdup("en");
	config_split(LANG_DEFAULT_LIST, &c->languages, &c->nlanguages);
	c->jit = 1;
	policy_defaults(&c->policy);
	sla_queue_init(&c->sla, NULL);
	c->tz = tz_system();
	c->policy.cal.tz = c->tz;
	config_split("INBOX", &c->imap.folders, &c->imap.nfolders);
	c->imap.keywords = 1;
	c->imap.batch = 200;
	c->imap.commit_count = 500;
	c->imap.commit_size = 64 * 1024 * 1024;
	c->imap.commit_time = 30;
	c->imap.idle = 1;
	c->imap.poll_interval = 60;
	c->imap.timeout = 60;
	c->smtp.tls = CONFIG_TLS_STARTTLS;
	c->smtp.auth = CONFIG_AUTH_PLAIN;
	c->smtp.auto_from = xstrdup("");
	c->smtp.timeout = 60;
	c->smtp.give_up = 2 * 86400;
	c->ack.enabled = 1;
	c->survey.delay = 3600;
	c->survey.window = 30 * 86400;
	c->survey.scale = 5;
	c->report.slower = 25;
	c->report.points = 10;
	c->report.min_tickets = 20;
	c->ack.sender_window = 86400;
	c->ack.max_per_hour = 100;
	c->ack.max_age = 2 * 86400;
}

void
config_clear(struct config *c)
{
	size_t	i;

	for (i = 0; i < nitems(config_keys); i++)
		config_unset(c, &config_keys[i]);
	/* The fields that CF_CUSTOM keys set. */
	free(c->timezone);
	tz_free(c->tz);
	free(c->default_language);
	free(c->token_prefix);
	free(c->imap.queue_folder);
	policy_clear(&c->policy);
	sla_queue_clear(&c->sla);
	for (i = 0; i < c->nqueues; i++) {
		sla_queue_clear(c->queues[i]);
		free(c->queues[i]);
	}
	free(c->queues);
	for (i = 0; i < c->ncalendars; i++) {
		calendar_clear(c->calendars[i]);
		free(c->calendars[i]);
	}
	free(c->calendars);
	free(c->path);
	memset(c, 0, sizeof *c);
}

int
config_parse_duration(const char *s, time_t *out)
{
	char		*end;
	unsigned long	 n;
	time_t		 unit = 1;

	if (!isdigit((unsigned char)*s))
		return (-1);
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno != 0)
		return (-1);
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		unit = 60;
		break;
	case 'h':
		unit = 3600;
		break;
	case 'd':
		unit = 86400;
		break;
	case 'w':
		unit = 7 * 86400;
		break;
	default:
		return (-1);
	}
	if (*end != '\0' && end[1] != '\0')
		return (-1);
	if (n > (unsigned long)(INT32_MAX / unit))
		return (-1);
	*out = (time_t)n * unit;
	return (0);
}

int
config_is_agent(const struct config *c, const char *addr)
{
	const char	*at;
	size_t		 i;

	if (addr == NULL)
		return (0);
	if (c->address != NULL && strcasecmp(c->address, addr) == 0)
		return (1);
	at = strrchr(addr, '@');
	for (i = 0; i < c->nagents; i++) {
		if (c->agents[i][0] == '@') {
			if (at != NULL && strcasecmp(at, c->agents[i]) == 0)
				return (1);
		} else if (strcasecmp(c->agents[i], addr) == 0)
			return (1);
	}
	return (0);
}

static char *
config_err(const struct config_pos *pos, size_t col, const char *what)
{
	return (xprintf("%s:%u:%zu: %s", pos->file, pos->line, col, what));
}

/* Strip trailing blanks in place; returns s. */
static char *
rtrim(char *s)
{
	size_t	len = strlen(s);

	while (len > 0 && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	return (s);
}

/* After the "]" at end: nothing but blanks or a comment. */
static int
config_section_end(const char *line, const char *end,
    const struct config_pos *pos, char **cause)
{
	const char	*p = end + 1;

	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0' && *p != '#' && *p != ';') {
		*cause = config_err(pos, (size_t)(p - line) + 1,
		    "unexpected text after section name");
		return (-1);
	}
	return (0);
}

/* A new [calendar "NAME"]: the following keys set it. */
static int
config_new_calendar(struct config *c, const char *name, char **what)
{
	struct calendar	*cal;

	if (config_calendar(c, name) != NULL) {
		*what = xprintf("calendar \"%s\" is defined already%s", name,
		    strcmp(name, "default") == 0 ? " ([policy]'s)" : "");
		return (-1);
	}
	cal = xmalloc(sizeof *cal);
	calendar_init(cal, name);
	c->calendars = xreallocarray(c->calendars, c->ncalendars + 1,
	    sizeof *c->calendars);
	c->calendars[c->ncalendars++] = cal;
	return (0);
}

/* A new [policy "QUEUE"]: the following keys set the queue's promise. */
static int
config_new_queue(struct config *c, const char *name, char **what)
{
	struct sla_queue	*q;

	if (sla_queue_find(c, name) != NULL) {
		*what = xprintf("queue \"%s\" has a [policy] section "
		    "already", name);
		return (-1);
	}
	q = xmalloc(sizeof *q);
	sla_queue_init(q, name);
	c->queues = xreallocarray(c->queues, c->nqueues + 1,
	    sizeof *c->queues);
	c->queues[c->nqueues++] = q;
	c->in_queue = 1;
	return (0);
}

/*
 * The rest of "[calendar "NAME"]" or "[policy "QUEUE"]" from p (after
 * the section's word) to end (the ']', now NUL): a new calendar or
 * queue the following keys set.
 */
static int
config_named_section(struct config *c, char *line, char *p, char *end,
    const struct config_pos *pos, const char *kind, char *section,
    size_t sectionsz, char **cause)
{
	char	*name, *close, *what = NULL;
	size_t	 n;
	int	 rc;

	while (isspace((unsigned char)*p))
		p++;
	if (*p != '"' || (close = strchr(p + 1, '"')) == NULL ||
	    close + 1 != end) {
		what = xprintf("expected a quoted name: [%s \"NAME\"]", kind);
		*cause = config_err(pos, (size_t)(p - line) + 1, what);
		free(what);
		return (-1);
	}
	name = p + 1;
	n = (size_t)(close - name);
	if (!calendar_name_valid(name, n)) {
		what = xprintf("a %s's name is letters, digits, '-', '_' and "
		    "'.'", strcmp(kind, "policy") == 0 ? "queue" : kind);
		*cause = config_err(pos, (size_t)(name - line) + 1, what);
		free(what);
		return (-1);
	}
	*close = '\0';
	rc = strcmp(kind, "policy") == 0 ? config_new_queue(c, name, &what) :
	    config_new_calendar(c, name, &what);
	if (rc != 0) {
		*cause = config_err(pos, (size_t)(name - line) + 1, what);
		free(what);
		return (-1);
	}
	snprintf(section, sectionsz, "%s", kind);
	return (config_section_end(line, end, pos, cause));
}

/* Nonzero if the section header at p names an instance of word. */
static int
config_named(const char *p, const char *word)
{
	size_t	n = strlen(word);

	return (strncmp(p, word, n) == 0 && isspace((unsigned char)p[n]));
}

/* "[name]" at p in line: the section the following keys belong to. */
static int
config_section(struct config *c, char *line, char *p,
    const struct config_pos *pos, char *section, size_t sectionsz,
    char **cause)
{
	char	*end, *what;

	if ((end = strchr(p, ']')) == NULL) {
		*cause = config_err(pos, (size_t)(p - line) + 1,
		    "missing ']' after section name");
		return (-1);
	}
	*end = '\0';
	c->in_queue = 0;
	if (config_named(p + 1, "calendar") || strcmp(p + 1, "calendar") == 0)
		return (config_named_section(c, line, p + 9, end, pos,
		    "calendar", section, sectionsz, cause));
	if (config_named(p + 1, "policy"))
		return (config_named_section(c, line, p + 7, end, pos,
		    "policy", section, sectionsz, cause));
	if (!config_section_known(p + 1)) {
		what = xprintf("unknown section [%s]", p + 1);
		*cause = config_err(pos, (size_t)(p - line) + 2, what);
		free(what);
		return (-1);
	}
	snprintf(section, sectionsz, "%s", p + 1);
	return (config_section_end(line, end, pos, cause));
}

/* "key = value" at p in line, a key of section. */
static int
config_keyval(struct config *c, char *line, char *p,
    const struct config_pos *pos, const char *section, char **cause)
{
	struct config_key	 want;
	const struct config_key	*k;
	char			*key, *value, *end, *what, *reason = NULL;
	size_t			 keycol, valcol;

	key = p;
	keycol = (size_t)(p - line) + 1;
	while (*p != '\0' && *p != '=' && !isspace((unsigned char)*p))
		p++;
	end = p;
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '=') {
		*cause = config_err(pos, (size_t)(p - line) + 1,
		    "expected '=' after the key");
		return (-1);
	}
	*end = '\0';
	p++;
	while (isspace((unsigned char)*p))
		p++;
	value = rtrim(p);
	valcol = (size_t)(p - line) + 1;
	if (*section == '\0') {
		*cause = config_err(pos, keycol,
		    "key outside a section (start with [helpq])");
		return (-1);
	}
	want.section = section;
	want.key = key;
	k = bsearch(&want, config_keys, nitems(config_keys),
	    sizeof config_keys[0], config_key_cmp);
	if (k == NULL) {
		what = xprintf("unknown key '%s' in section [%s]", key,
		    section);
		*cause = config_err(pos, keycol, what);
		free(what);
		return (-1);
	}
	if (config_set(c, k, value, &reason) != 0) {
		what = xprintf("%s: %s", key, reason);
		*cause = config_err(pos, valcol, what);
		free(what);
		free(reason);
		return (-1);
	}
	return (0);
}

/* One line: blank, comment, [section] or key = value. */
static int
config_line(struct config *c, char *line, const struct config_pos *pos,
    char *section, size_t sectionsz, char **cause)
{
	char	*p = line;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0' || *p == '#' || *p == ';')
		return (0);
	if (*p == '[')
		return (config_section(c, line, p, pos, section, sectionsz,
		    cause));
	return (config_keyval(c, line, p, pos, section, cause));
}

/* Rule paths that are not absolute are read from the config's folder. */
static void
config_rules_relative(struct config *c, const char *path)
{
	const char	*slash;
	char		*p;
	size_t		 i;

	if ((slash = strrchr(path, '/')) == NULL)
		return;
	for (i = 0; i < c->nrules; i++) {
		if (c->rules[i][0] == '/')
			continue;
		p = xprintf("%.*s/%s", (int)(slash - path), path,
		    c->rules[i]);
		free(c->rules[i]);
		/* "a/../../rules" reads badly in messages and the log. */
		if ((c->rules[i] = realpath(p, NULL)) == NULL)
			c->rules[i] = p;
		else
			free(p);
	}
}

/* A calendar that names no zone has [helpq]'s, wherever it was set. */
static void
config_calendar_zones(struct config *c)
{
	size_t	i;

	for (i = 0; i < c->ncalendars; i++) {
		if (c->calendars[i]->own == NULL)
			c->calendars[i]->tz = c->tz;
	}
}

const struct calendar *
config_calendar(const struct config *c, const char *name)
{
	size_t	i;

	if (name == NULL || strcmp(name, "default") == 0)
		return (&c->policy.cal);
	for (i = 0; i < c->ncalendars; i++) {
		if (strcmp(c->calendars[i]->name, name) == 0)
			return (c->calendars[i]);
	}
	return (NULL);
}

int
config_load(struct config *c, const char *path, char **cause)
{
	FILE			*f;
	struct config_pos	 pos;
	char			 section[64] = "", *line = NULL;
	size_t			 linesz = 0;
	ssize_t			 n;
	int			 rc = 0;

	if ((f = fopen(path, "r")) == NULL) {
		*cause = xprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	pos.file = path;
	pos.line = 0;
	/* Set early: files the config names are read relative to it. */
	set_string(&c->path, path);
	while ((n = getline(&line, &linesz, f)) != -1) {
		pos.line++;
		if (n > CONFIG_LINE_MAX) {
			*cause = config_err(&pos, CONFIG_LINE_MAX,
			    "line too long");
			rc = -1;
			break;
		}
		if (memchr(line, '\0', (size_t)n) != NULL) {
			*cause = config_err(&pos, 1, "NUL byte in line");
			rc = -1;
			break;
		}
		if (config_line(c, line, &pos, section, sizeof section,
		    cause) != 0) {
			rc = -1;
			break;
		}
	}
	if (rc == 0 && ferror(f)) {
		*cause = xprintf("%s: %s", path, strerror(errno));
		rc = -1;
	}
	free(line);
	fclose(f);
	c->in_queue = 0;
	if (rc == 0) {
		config_rules_relative(c, path);
		config_calendar_zones(c);
	}
	return (rc);
}
