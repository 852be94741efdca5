/* helpq - config.c: the INI-style configuration file and its defaults. */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "log.h"
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

static int
set_timezone(struct config *c, const char *v, char **why)
{
	return (set_string(&c->timezone, v));
}

/* A list of addresses or "@domain", separated by commas or blanks. */
static int
set_agents(struct config *c, const char *v, char **why)
{
	const char	*p = v, *end;
	char		*a, *q;

	while (*p != '\0') {
		while (*p == ',' || isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		end = p;
		while (*end != '\0' && *end != ',' &&
		    !isspace((unsigned char)*end))
			end++;
		a = xstrndup(p, (size_t)(end - p));
		if (strchr(a, '@') == NULL) {
			xasprintf(why, "'%s' is neither an address nor "
			    "@domain", a);
			free(a);
			return (-1);
		}
		for (q = a; *q != '\0'; q++)
			*q = tolower((unsigned char)*q);
		c->agents = xreallocarray(c->agents, c->nagents + 1,
		    sizeof *c->agents);
		c->agents[c->nagents++] = a;
		p = end;
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
		    isspace((unsigned char)*p)) {
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

/* Sorted by section, then key (bsearch); a unit test checks the order. */
static const struct config_key config_keys[] = {
	{ "helpq",	"address",		set_address },
	{ "helpq",	"agents",		set_agents },
	{ "helpq",	"database",		set_database },
	{ "helpq",	"name",			set_name },
	{ "helpq",	"timezone",		set_timezone },
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
}

void
config_clear(struct config *c)
{
	size_t	i;

	free(c->path);
	free(c->database);
	free(c->address);
	free(c->name);
	free(c->timezone);
	free(c->token_prefix);
	for (i = 0; i < c->nagents; i++)
		free(c->agents[i]);
	free(c->agents);
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
	if (rc == 0)
		set_string(&c->path, path);
	return (rc);
}
