/* helpq - config.c: the INI-style configuration file and its defaults. */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "lang.h"
#include "log.h"
#include "rules.h"
#include "tz.h"
#include "xmalloc.h"

#define CONFIG_LINE_MAX	4096

struct config_pos {
	const char	*file;
	unsigned	 line;
};

typedef int (*config_set_fn)(struct config *, const char *, char **);

struct config_key {
	const char	*section;
	const char	*key;
	config_set_fn	 set;
};

static int
set_string(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
	return (0);
}

static int
set_database(struct config *c, const char *v, char **why)
{
	return (set_string(&c->database, v));
}

static int
set_address(struct config *c, const char *v, char **why)
{
	char	*p;

	if (strchr(v, '@') == NULL || strpbrk(v, " \t<>,") != NULL) {
		*why = xstrdup("expected one plain address like support@example.com");
		return (-1);
	}
	set_string(&c->address, v);
	for (p = c->address; *p != '\0'; p++)
		*p = tolower((unsigned char)*p);
	return (0);
}

static int
set_name(struct config *c, const char *v, char **why)
{
	return (set_string(&c->name, v));
}

/* The zone is loaded here, once, so a bad name is a config error. */
static int
set_timezone(struct config *c, const char *v, char **why)
{
	struct tz	*tz;

	if ((tz = tz_load(v, why)) == NULL)
		return (-1);
	tz_free(c->tz);
	c->tz = tz;
	c->policy.tz = tz;
	return (set_string(&c->timezone, v));
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

/* A list of addresses or "@domain", separated by commas or blanks. */
static int
set_agents(struct config *c, const char *v, char **why)
{
	size_t	i, first = c->nagents;
	char	*q;

	config_split(v, &c->agents, &c->nagents);
	for (i = first; i < c->nagents; i++) {
		if (strchr(c->agents[i], '@') == NULL) {
			xasprintf(why, "'%s' is neither an address nor "
			    "@domain", c->agents[i]);
			return (-1);
		}
		for (q = c->agents[i]; *q != '\0'; q++)
			*q = tolower((unsigned char)*q);
	}
	return (0);
}

/* An ISO 639-1 code: two or three lower-case letters. */
static int
language_valid(const char *s)
{
	size_t	n = strlen(s);

	return (n >= 2 && n <= 3 && strspn(s, "abcdefghijklmnopqrstuvwxyz") ==
	    n);
}

static int
set_languages(struct config *c, const char *v, char **why)
{
	size_t	i;

	xfreev(c->languages, c->nlanguages);
	c->languages = NULL;
	c->nlanguages = 0;
	if (config_split(v, &c->languages, &c->nlanguages) == 0) {
		*why = xstrdup("expected language codes like de, el, en");
		return (-1);
	}
	for (i = 0; i < c->nlanguages; i++) {
		if (!language_valid(c->languages[i])) {
			xasprintf(why, "'%s' is not a language code like de "
			    "or el", c->languages[i]);
			return (-1);
		}
	}
	return (0);
}

static int
set_default_language(struct config *c, const char *v, char **why)
{
	if (!language_valid(v)) {
		xasprintf(why, "'%s' is not a language code like en or de", v);
		return (-1);
	}
	return (set_string(&c->default_language, v));
}

/* Rule files or directories; each line adds to the list. */
static int
set_rules_path(struct config *c, const char *v, char **why)
{
	if (config_split(v, &c->rules, &c->nrules) == 0) {
		*why = xstrdup("expected a rule file or directory");
		return (-1);
	}
	return (0);
}

static int
set_count(uint32_t *field, const char *v, uint32_t min, uint32_t max,
    char **why)
{
	char		*end;
	unsigned long	 n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || end == v || *end != '\0' || n < min || n > max) {
		xasprintf(why, "expected a number from %u to %u", min, max);
		return (-1);
	}
	*field = (uint32_t)n;
	return (0);
}

static int
set_jit(struct config *c, const char *v, char **why)
{
	if (strcmp(v, "yes") == 0)
		c->jit = 1;
	else if (strcmp(v, "no") == 0)
		c->jit = 0;
	else {
		*why = xstrdup("expected 'yes' or 'no'");
		return (-1);
	}
	return (0);
}

static int
set_match_limit(struct config *c, const char *v, char **why)
{
	return (set_count(&c->match_limit, v, 1000, 100000000, why));
}

static int
set_depth_limit(struct config *c, const char *v, char **why)
{
	return (set_count(&c->depth_limit, v, 100, 10000000, why));
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
set_token_prefix(struct config *c, const char *v, char **why)
{
	const char	*p;

	if (*v == '\0' || strlen(v) > 16) {
		*why = xstrdup("expected 1 to 16 characters");
		return (-1);
	}
	for (p = v; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p) || *p == '[' || *p == ']' ||
		    isspace((unsigned char)*p) || prefix_invisible(p)) {
			*why = xstrdup("digits, brackets and blanks cannot "
			    "be part of the token prefix");
			return (-1);
		}
	}
	return (set_string(&c->token_prefix, v));
}

static int
set_duration(time_t *field, const char *v, char **why)
{
	if (config_parse_duration(v, field) != 0) {
		xasprintf(why, "'%s' is not a duration (like 90, 30m, 24h, "
		    "7d, 2w)", v);
		return (-1);
	}
	return (0);
}

static int
set_subject_window(struct config *c, const char *v, char **why)
{
	return (set_duration(&c->subject_window, v, why));
}

static int
set_reopen_window(struct config *c, const char *v, char **why)
{
	return (set_duration(&c->reopen_window, v, why));
}

static int
set_strangers(struct config *c, const char *v, char **why)
{
	if (strcmp(v, "link") == 0)
		c->stranger = CONFIG_STRANGER_LINK;
	else if (strcmp(v, "join") == 0)
		c->stranger = CONFIG_STRANGER_JOIN;
	else {
		*why = xstrdup("expected 'link' or 'join'");
		return (-1);
	}
	return (0);
}

static int
set_response_time(struct config *c, const char *v, char **why)
{
	if (set_duration(&c->policy.response_time, v, why) != 0)
		return (-1);
	if (c->policy.response_time == 0) {
		*why = xstrdup("a response time of 0 cannot be kept");
		return (-1);
	}
	return (0);
}

static int
set_clock(struct config *c, const char *v, char **why)
{
	if (strcmp(v, "calendar") == 0)
		c->policy.business = 0;
	else if (strcmp(v, "business") == 0)
		c->policy.business = 1;
	else {
		*why = xstrdup("expected 'calendar' or 'business'");
		return (-1);
	}
	return (0);
}

static int
set_business_hours(struct config *c, const char *v, char **why)
{
	return (policy_parse_hours(&c->policy, v, why));
}

static int
set_holidays(struct config *c, const char *v, char **why)
{
	return (policy_parse_holidays(&c->policy, v, why));
}

/* ---- [imap] ---- */

static int
set_yesno(int *field, const char *v, char **why)
{
	if (strcmp(v, "yes") == 0)
		*field = 1;
	else if (strcmp(v, "no") == 0)
		*field = 0;
	else {
		*why = xstrdup("expected 'yes' or 'no'");
		return (-1);
	}
	return (0);
}

/* Settings a mail server of either kind has. */
static int
set_host(char **field, const char *v, char **why)
{
	if (*v == '\0' || strpbrk(v, " \t/") != NULL) {
		*why = xstrdup("expected a host name like mail.example.com");
		return (-1);
	}
	return (set_string(field, v));
}

static int
set_port(unsigned *field, const char *v, char **why)
{
	uint32_t	n;

	if (set_count(&n, v, 1, 65535, why) != 0)
		return (-1);
	*field = n;
	return (0);
}

/* implicit names the protocol's TLS-first form ("imaps", "smtps"). */
static int
set_tls(enum config_tls *field, const char *implicit, const char *v,
    char **why)
{
	if (strcmp(v, implicit) == 0 || strcmp(v, "yes") == 0)
		*field = CONFIG_TLS_IMPLICIT;
	else if (strcmp(v, "starttls") == 0)
		*field = CONFIG_TLS_STARTTLS;
	else if (strcmp(v, "no") == 0)
		*field = CONFIG_TLS_NONE;
	else {
		xasprintf(why, "expected '%s', 'starttls' or 'no' "
		    "(passwords in the clear)", implicit);
		return (-1);
	}
	return (0);
}

static int
set_auth(enum config_auth *field, const char *v, char **why)
{
	if (strcmp(v, "login") == 0)
		*field = CONFIG_AUTH_LOGIN;
	else if (strcmp(v, "plain") == 0)
		*field = CONFIG_AUTH_PLAIN;
	else if (strcmp(v, "xoauth2") == 0)
		*field = CONFIG_AUTH_XOAUTH2;
	else {
		*why = xstrdup("expected 'login', 'plain' or 'xoauth2'");
		return (-1);
	}
	return (0);
}

/* One place for the secret: a later key replaces an earlier one. */
static int
set_secret(struct secret_spec *sp, enum secret_source src, const char *v,
    char **why)
{
	if (*v == '\0') {
		*why = xstrdup("expected a value");
		return (-1);
	}
	sp->source = src;
	return (set_string(&sp->arg, v));
}

/* A duration of at least one second. */
static int
set_seconds(time_t *field, const char *v, char **why)
{
	if (set_duration(field, v, why) != 0)
		return (-1);
	if (*field < 1) {
		*why = xstrdup("expected at least 1 second");
		return (-1);
	}
	return (0);
}

static int
set_imap_host(struct config *c, const char *v, char **why)
{
	return (set_host(&c->imap.host, v, why));
}

static int
set_imap_port(struct config *c, const char *v, char **why)
{
	return (set_port(&c->imap.port, v, why));
}

static int
set_imap_tls(struct config *c, const char *v, char **why)
{
	return (set_tls(&c->imap.tls, "imaps", v, why));
}

static int
set_imap_ca_file(struct config *c, const char *v, char **why)
{
	return (set_string(&c->imap.ca_file, v));
}

static int
set_imap_user(struct config *c, const char *v, char **why)
{
	return (set_string(&c->imap.user, v));
}

static int
set_imap_auth(struct config *c, const char *v, char **why)
{
	return (set_auth(&c->imap.auth, v, why));
}

static int
set_imap_password_file(struct config *c, const char *v, char **why)
{
	return (set_secret(&c->imap.password, SECRET_FILE, v, why));
}

static int
set_imap_password_env(struct config *c, const char *v, char **why)
{
	return (set_secret(&c->imap.password, SECRET_ENV, v, why));
}

static int
set_imap_password_command(struct config *c, const char *v, char **why)
{
	return (set_secret(&c->imap.password, SECRET_COMMAND, v, why));
}

static int
set_imap_folders(struct config *c, const char *v, char **why)
{
	xfreev(c->imap.folders, c->imap.nfolders);
	c->imap.folders = NULL;
	c->imap.nfolders = 0;
	if (config_split(v, &c->imap.folders, &c->imap.nfolders) == 0) {
		*why = xstrdup("expected folder names like INBOX");
		return (-1);
	}
	return (0);
}

static int
set_imap_sent(struct config *c, const char *v, char **why)
{
	if (strcmp(v, "none") == 0) {
		free(c->imap.sent);
		c->imap.sent = NULL;
		return (0);
	}
	return (set_string(&c->imap.sent, v));
}

static int
set_imap_keywords(struct config *c, const char *v, char **why)
{
	return (set_yesno(&c->imap.keywords, v, why));
}

static int
set_imap_queue_folder(struct config *c, const char *v, char **why)
{
	if (strcmp(v, "none") == 0) {
		free(c->imap.queue_folder);
		c->imap.queue_folder = NULL;
		return (0);
	}
	if (strstr(v, "%q") == NULL) {
		*why = xstrdup("expected a folder name with %q for the queue, "
		    "like Queues/%q, or 'none'");
		return (-1);
	}
	return (set_string(&c->imap.queue_folder, v));
}

static int
set_imap_batch(struct config *c, const char *v, char **why)
{
	uint32_t	n;

	if (set_count(&n, v, 1, 10000, why) != 0)
		return (-1);
	c->imap.batch = n;
	return (0);
}

/* A size in bytes, with k or M. */
static int
set_size(size_t *sp, const char *v, char **why)
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
		*why = xstrdup("expected a size like 0 (no limit), 500k or 50M");
		return (-1);
	}
	*sp = (size_t)n;
	return (0);
}

static int
set_imap_max_size(struct config *c, const char *v, char **why)
{
	return (set_size(&c->imap.max_size, v, why));
}

static int
set_imap_commit_count(struct config *c, const char *v, char **why)
{
	uint32_t	n;

	if (set_count(&n, v, 1, 100000, why) != 0)
		return (-1);
	c->imap.commit_count = n;
	return (0);
}

static int
set_imap_commit_size(struct config *c, const char *v, char **why)
{
	return (set_size(&c->imap.commit_size, v, why));
}

static int
set_imap_commit_time(struct config *c, const char *v, char **why)
{
	return (set_seconds(&c->imap.commit_time, v, why));
}

static int
set_imap_start(struct config *c, const char *v, char **why)
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
		*why = xstrdup("expected 'now', 'all' or a date like 2026-11-01");
		return (-1);
	}
	c->imap.start = CONFIG_START_DATE;
	c->imap.start_date = timegm(&tm);
	return (0);
}

static int
set_imap_idle(struct config *c, const char *v, char **why)
{
	return (set_yesno(&c->imap.idle, v, why));
}

static int
set_imap_poll_interval(struct config *c, const char *v, char **why)
{
	return (set_seconds(&c->imap.poll_interval, v, why));
}

static int
set_imap_timeout(struct config *c, const char *v, char **why)
{
	return (set_seconds(&c->imap.timeout, v, why));
}

/* ---- [smtp] ---- */

static int
set_smtp_host(struct config *c, const char *v, char **why)
{
	return (set_host(&c->smtp.host, v, why));
}

static int
set_smtp_port(struct config *c, const char *v, char **why)
{
	return (set_port(&c->smtp.port, v, why));
}

static int
set_smtp_tls(struct config *c, const char *v, char **why)
{
	return (set_tls(&c->smtp.tls, "smtps", v, why));
}

static int
set_smtp_ca_file(struct config *c, const char *v, char **why)
{
	return (set_string(&c->smtp.ca_file, v));
}

static int
set_smtp_user(struct config *c, const char *v, char **why)
{
	return (set_string(&c->smtp.user, v));
}

static int
set_smtp_auth(struct config *c, const char *v, char **why)
{
	return (set_auth(&c->smtp.auth, v, why));
}

static int
set_smtp_password_file(struct config *c, const char *v, char **why)
{
	return (set_secret(&c->smtp.password, SECRET_FILE, v, why));
}

static int
set_smtp_password_env(struct config *c, const char *v, char **why)
{
	return (set_secret(&c->smtp.password, SECRET_ENV, v, why));
}

static int
set_smtp_password_command(struct config *c, const char *v, char **why)
{
	return (set_secret(&c->smtp.password, SECRET_COMMAND, v, why));
}

/* An envelope sender: an address, or <> for the null sender. */
static int
set_envelope(char **field, const char *v, char **why)
{
	if (strcmp(v, "<>") == 0)
		return (set_string(field, ""));
	if (strchr(v, '@') == NULL || strpbrk(v, " \t<>,") != NULL) {
		*why = xstrdup("expected a plain address or <>");
		return (-1);
	}
	return (set_string(field, v));
}

static int
set_smtp_from(struct config *c, const char *v, char **why)
{
	return (set_envelope(&c->smtp.from, v, why));
}

static int
set_smtp_auto_from(struct config *c, const char *v, char **why)
{
	return (set_envelope(&c->smtp.auto_from, v, why));
}

static int
set_smtp_timeout(struct config *c, const char *v, char **why)
{
	return (set_seconds(&c->smtp.timeout, v, why));
}

static int
set_smtp_give_up(struct config *c, const char *v, char **why)
{
	return (set_seconds(&c->smtp.give_up, v, why));
}

/* ---- [ack] ---- */

static int
set_ack_enabled(struct config *c, const char *v, char **why)
{
	return (set_yesno(&c->ack.enabled, v, why));
}

static int
set_ack_sender_window(struct config *c, const char *v, char **why)
{
	return (set_duration(&c->ack.sender_window, v, why));
}

static int
set_ack_max_per_hour(struct config *c, const char *v, char **why)
{
	uint32_t	n;

	if (set_count(&n, v, 0, 1000000, why) != 0)
		return (-1);
	c->ack.max_per_hour = n;
	return (0);
}

static int
set_ack_max_age(struct config *c, const char *v, char **why)
{
	return (set_seconds(&c->ack.max_age, v, why));
}

static int
set_managers(struct config *c, const char *v, char **why)
{
	size_t	i, first = c->nmanagers;
	char	*q;

	config_split(v, &c->managers, &c->nmanagers);
	for (i = first; i < c->nmanagers; i++) {
		if (strchr(c->managers[i], '@') == NULL ||
		    c->managers[i][0] == '@') {
			xasprintf(why, "'%s' is not an address",
			    c->managers[i]);
			return (-1);
		}
		for (q = c->managers[i]; *q != '\0'; q++)
			*q = tolower((unsigned char)*q);
	}
	return (0);
}

static int
set_templates(struct config *c, const char *v, char **why)
{
	return (set_string(&c->templates, v));
}

/* Sorted by section, then key (bsearch); a unit test checks the order. */
static const struct config_key config_keys[] = {
	{ "ack",	"enabled",		set_ack_enabled },
	{ "ack",	"max-age",		set_ack_max_age },
	{ "ack",	"max-per-hour",		set_ack_max_per_hour },
	{ "ack",	"sender-window",	set_ack_sender_window },
	{ "helpq",	"address",		set_address },
	{ "helpq",	"agents",		set_agents },
	{ "helpq",	"database",		set_database },
	{ "helpq",	"default-language",	set_default_language },
	{ "helpq",	"languages",		set_languages },
	{ "helpq",	"managers",		set_managers },
	{ "helpq",	"name",			set_name },
	{ "helpq",	"templates",		set_templates },
	{ "helpq",	"timezone",		set_timezone },
	{ "imap",	"auth",			set_imap_auth },
	{ "imap",	"batch",		set_imap_batch },
	{ "imap",	"ca-file",		set_imap_ca_file },
	{ "imap",	"commit-count",		set_imap_commit_count },
	{ "imap",	"commit-size",		set_imap_commit_size },
	{ "imap",	"commit-time",		set_imap_commit_time },
	{ "imap",	"folders",		set_imap_folders },
	{ "imap",	"host",			set_imap_host },
	{ "imap",	"idle",			set_imap_idle },
	{ "imap",	"keywords",		set_imap_keywords },
	{ "imap",	"max-size",		set_imap_max_size },
	{ "imap",	"password-command",	set_imap_password_command },
	{ "imap",	"password-env",		set_imap_password_env },
	{ "imap",	"password-file",	set_imap_password_file },
	{ "imap",	"poll-interval",	set_imap_poll_interval },
	{ "imap",	"port",			set_imap_port },
	{ "imap",	"queue-folder",		set_imap_queue_folder },
	{ "imap",	"sent",			set_imap_sent },
	{ "imap",	"start",		set_imap_start },
	{ "imap",	"timeout",		set_imap_timeout },
	{ "imap",	"tls",			set_imap_tls },
	{ "imap",	"user",			set_imap_user },
	{ "policy",	"business-hours",	set_business_hours },
	{ "policy",	"clock",		set_clock },
	{ "policy",	"holidays",		set_holidays },
	{ "policy",	"response-time",	set_response_time },
	{ "rules",	"depth-limit",		set_depth_limit },
	{ "rules",	"jit",			set_jit },
	{ "rules",	"match-limit",		set_match_limit },
	{ "rules",	"path",			set_rules_path },
	{ "smtp",	"auth",			set_smtp_auth },
	{ "smtp",	"auto-from",		set_smtp_auto_from },
	{ "smtp",	"ca-file",		set_smtp_ca_file },
	{ "smtp",	"from",			set_smtp_from },
	{ "smtp",	"give-up",		set_smtp_give_up },
	{ "smtp",	"host",			set_smtp_host },
	{ "smtp",	"password-command",	set_smtp_password_command },
	{ "smtp",	"password-env",		set_smtp_password_env },
	{ "smtp",	"password-file",	set_smtp_password_file },
	{ "smtp",	"port",			set_smtp_port },
	{ "smtp",	"timeout",		set_smtp_timeout },
	{ "smtp",	"tls",			set_smtp_tls },
	{ "smtp",	"user",			set_smtp_user },
	{ "thread",	"reopen-window",	set_reopen_window },
	{ "thread",	"strangers",		set_strangers },
	{ "thread",	"subject-window",	set_subject_window },
	{ "thread",	"token-prefix",		set_token_prefix },
};

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
	c->match_limit = RULES_MATCH_LIMIT;
	c->depth_limit = RULES_DEPTH_LIMIT;
	c->jit = 1;
	policy_defaults(&c->policy);
	c->tz = tz_system();
	c->policy.tz = c->tz;
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
	c->ack.sender_window = 86400;
	c->ack.max_per_hour = 100;
	c->ack.max_age = 2 * 86400;
}

void
config_clear(struct config *c)
{
	free(c->path);
	free(c->database);
	free(c->address);
	free(c->name);
	free(c->timezone);
	tz_free(c->tz);
	free(c->token_prefix);
	xfreev(c->agents, c->nagents);
	xfreev(c->languages, c->nlanguages);
	free(c->default_language);
	xfreev(c->rules, c->nrules);
	policy_clear(&c->policy);
	free(c->imap.host);
	free(c->imap.ca_file);
	free(c->imap.user);
	free(c->imap.password.arg);
	xfreev(c->imap.folders, c->imap.nfolders);
	free(c->imap.sent);
	free(c->imap.queue_folder);
	xfreev(c->managers, c->nmanagers);
	free(c->templates);
	free(c->smtp.host);
	free(c->smtp.ca_file);
	free(c->smtp.user);
	free(c->smtp.password.arg);
	free(c->smtp.from);
	free(c->smtp.auto_from);
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

/* One line: blank, comment, [section] or key = value. */
static int
config_line(struct config *c, char *line, const struct config_pos *pos,
    char *section, size_t sectionsz, char **cause)
{
	struct config_key	 want, *k;
	char			*p = line, *key, *value, *end, *why = NULL;
	size_t			 keycol, valcol;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0' || *p == '#' || *p == ';')
		return (0);
	if (*p == '[') {
		if ((end = strchr(p, ']')) == NULL) {
			*cause = config_err(pos, (size_t)(p - line) + 1,
			    "missing ']' after section name");
			return (-1);
		}
		*end = '\0';
		if (!config_section_known(p + 1)) {
			why = xprintf("unknown section [%s]", p + 1);
			*cause = config_err(pos, (size_t)(p - line) + 2, why);
			free(why);
			return (-1);
		}
		snprintf(section, sectionsz, "%s", p + 1);
		p = end + 1;
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '\0' && *p != '#' && *p != ';') {
			*cause = config_err(pos, (size_t)(p - line) + 1,
			    "unexpected text after section name");
			return (-1);
		}
		return (0);
	}
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
		why = xprintf("unknown key '%s' in section [%s]", key, section);
		*cause = config_err(pos, keycol, why);
		free(why);
		return (-1);
	}
	if (k->set(c, value, &why) != 0) {
		char	*what = xprintf("%s: %s", key, why);

		*cause = config_err(pos, valcol, what);
		free(what);
		free(why);
		return (-1);
	}
	return (0);
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
	if (rc == 0) {
		set_string(&c->path, path);
		config_rules_relative(c, path);
	}
	return (rc);
}
