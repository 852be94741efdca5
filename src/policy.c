/*
 * helpq - policy.c: due times in calendar or business hours, whether a
 * message may be answered automatically, and the limits on automatic
 * mail over the outbox's counts.
 */
#include "compat.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "message.h"
#include "policy.h"
#include "tz.h"
#include "xmalloc.h"

/* Business time is looked for this many days ahead, at most. */
#define POLICY_DAYS_MAX		(3 * 366)

static const char *const policy_days[7] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

void
policy_defaults(struct policy *p)
{
	int	d;

	memset(p, 0, sizeof *p);
	p->response_time = POLICY_RESPONSE_DEFAULT;
	for (d = 1; d <= 5; d++) {
		p->week[d].open = 9 * 60;
		p->week[d].close = 17 * 60;
	}
}

void
policy_clear(struct policy *p)
{
	free(p->holidays);
	p->holidays = NULL;
	p->nholidays = 0;
}

static int
day_parse(const char *s, size_t len)
{
	int	d;

	if (len < 3)
		return (-1);
	for (d = 0; d < 7; d++) {
		/* "mon", "monday", "Mon" */
		if (strncasecmp(s, policy_days[d], 3) == 0)
			return (d);
	}
	return (-1);
}

static int
clock_parse(const char **sp, int *minutes)
{
	const char	*s = *sp;
	int		 h, m;

	if (!isdigit((unsigned char)s[0]))
		return (-1);
	h = s[0] - '0';
	s++;
	if (isdigit((unsigned char)*s))
		h = h * 10 + (*s++ - '0');
	if (*s != ':' || !isdigit((unsigned char)s[1]) ||
	    !isdigit((unsigned char)s[2]))
		return (-1);
	m = (s[1] - '0') * 10 + (s[2] - '0');
	if (h > 24 || m > 59 || (h == 24 && m != 0))
		return (-1);
	*minutes = h * 60 + m;
	*sp = s + 3;
	return (0);
}

/* One "mon-fri 09:00-17:00" or "sat 10:00-14:00" or "sun closed". */
static int
hours_item(struct policy_day *week, const char *s, char **cause)
{
	const char	*p = s, *dash;
	int		 from, to, open = 0, close = 0, d;
	size_t		 n;

	n = strcspn(p, " \t-");
	if ((from = day_parse(p, n)) == -1)
		goto bad;
	p += n;
	to = from;
	if (*p == '-') {
		dash = ++p;
		n = strcspn(p, " \t");
		if ((to = day_parse(dash, n)) == -1)
			goto bad;
		p += n;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	if (strcasecmp(p, "closed") != 0) {
		if (clock_parse(&p, &open) != 0 || *p++ != '-' ||
		    clock_parse(&p, &close) != 0 || *p != '\0' ||
		    close <= open)
			goto bad;
	}
	for (d = from;; d = (d + 1) % 7) {
		week[d].open = open;
		week[d].close = close;
		if (d == to)
			break;
	}
	return (0);
bad:
	xasprintf(cause, "'%s' is not like 'mon-fri 09:00-17:00' or "
	    "'sun closed'", s);
	return (-1);
}

int
policy_parse_hours(struct policy *p, const char *s, char **cause)
{
	struct policy_day	 week[7];
	char			*copy, *item, *next;
	int			 rc = 0;

	memset(week, 0, sizeof week);
	copy = xstrdup(s);
	for (item = copy; item != NULL && rc == 0; item = next) {
		if ((next = strchr(item, ',')) != NULL)
			*next++ = '\0';
		while (isspace((unsigned char)*item))
			item++;
		while (*item != '\0' && isspace((unsigned char)
		    item[strlen(item) - 1]))
			item[strlen(item) - 1] = '\0';
		if (*item == '\0')
			continue;
		rc = hours_item(week, item, cause);
	}
	free(copy);
	if (rc == 0)
		memcpy(p->week, week, sizeof week);
	return (rc);
}

static int
int_cmp(const void *a, const void *b)
{
	int	x = *(const int *)a, y = *(const int *)b;

	return (x < y ? -1 : x > y);
}

int
policy_parse_holidays(struct policy *p, const char *s, char **cause)
{
	const char	*q = s;
	int		 y, m, d, n;

	policy_clear(p);
	while (*q != '\0') {
		while (*q == ',' || isspace((unsigned char)*q))
			q++;
		if (*q == '\0')
			break;
		if (sscanf(q, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 ||
		    y < 1970 || m < 1 || m > 12 || d < 1 || d > 31 ||
		    (q[n] != '\0' && q[n] != ',' &&
		    !isspace((unsigned char)q[n]))) {
			xasprintf(cause, "'%.*s' is not a date like 2026-12-24",
			    (int)strcspn(q, ", \t"), q);
			policy_clear(p);
			return (-1);
		}
		p->holidays = xreallocarray(p->holidays, p->nholidays + 1,
		    sizeof *p->holidays);
		p->holidays[p->nholidays++] = y * 10000 + m * 100 + d;
		q += n;
	}
	if (p->nholidays > 0)
		qsort(p->holidays, p->nholidays, sizeof *p->holidays, int_cmp);
	return (0);
}

static int
is_holiday(const struct policy *p, const struct tm *tm)
{
	int	key = (tm->tm_year + 1900) * 10000 + (tm->tm_mon + 1) * 100 +
		    tm->tm_mday;

	return (p->nholidays > 0 && bsearch(&key, p->holidays, p->nholidays,
	    sizeof *p->holidays, int_cmp) != NULL);
}

/*
 * The instant of minute m of the local day in p's zone. A time in a gap
 * is the first instant after it; in a fold, the first of the two: an
 * office opens or closes when its clock first shows the time. Returns 0,
 * or -1 when the day is out of range.
 */
static int
at_minute(const struct policy *p, const struct tm *day, int m, time_t *when)
{
	struct tm	t = *day;

	t.tm_hour = m / 60;
	t.tm_min = m % 60;
	t.tm_sec = 0;
	return (tz_utc(p->tz, &t, TZ_AFTER_GAP, when) == TZ_FOUND_ERROR ?
	    -1 : 0);
}

/* Step the calendar date in *day one day on (no zone: dates only). */
static int
next_day(struct tm *day)
{
	struct tm	t = *day;
	time_t		noon;

	t.tm_mday++;
	t.tm_hour = 12;
	t.tm_min = t.tm_sec = 0;
	if ((noon = timegm(&t)) == -1 || gmtime_r(&noon, day) == NULL)
		return (-1);
	return (0);
}

time_t
policy_due(const struct policy *p, time_t start, time_t seconds,
    int business)
{
	struct tm	 day;
	time_t		 open, close, from, left = seconds;
	int		 i;

	if (!business)
		return (start + seconds);
	if (tz_local(p->tz, start, &day) != 0)
		return (0);
	for (i = 0; i < POLICY_DAYS_MAX; i++) {
		if (i > 0 && next_day(&day) != 0)
			return (0);
		if (p->week[day.tm_wday].open == p->week[day.tm_wday].close ||
		    is_holiday(p, &day))
			continue;
		if (at_minute(p, &day, p->week[day.tm_wday].open, &open) != 0 ||
		    at_minute(p, &day, p->week[day.tm_wday].close, &close) != 0)
			return (0);
		from = start > open ? start : open;
		if (from >= close)
			continue;
		if (close - from >= left)
			return (from + left);
		left -= close - from;
	}
	return (0);
}

/* ---- may this message be answered automatically? ---- */

/* The header's value with white space trimmed at the start, or NULL. */
static const char *
policy_header(const struct message *msg, const char *name)
{
	const char	*v = message_header(msg, name);

	if (v == NULL)
		return (NULL);
	while (isspace((unsigned char)*v))
		v++;
	return (v);
}

/* Nonzero if the word w starts v (any case), followed by a non-word. */
static int
policy_word(const char *v, const char *w)
{
	size_t	n = strlen(w);

	return (strncasecmp(v, w, n) == 0 &&
	    !isalnum((unsigned char)v[n]) && v[n] != '-');
}

/* Nonzero if the comma-separated list v names any of the words. */
static int
policy_list_has(const char *v, const char *const *words, size_t n)
{
	size_t	i;

	while (*v != '\0') {
		while (*v == ',' || isspace((unsigned char)*v))
			v++;
		for (i = 0; i < n; i++) {
			if (policy_word(v, words[i]))
				return (1);
		}
		v += strcspn(v, ",");
	}
	return (0);
}

/* Local parts of robots' addresses (RFC 3834 section 2). */
static int
policy_robot(const char *addr)
{
	static const char *const robots[] = {
		"mailer-daemon", "listserv", "majordomo"
	};
	const char	*at;
	size_t		 i, n;

	if (addr == NULL || (at = strchr(addr, '@')) == NULL)
		return (0);
	n = (size_t)(at - addr);
	for (i = 0; i < nitems(robots); i++) {
		if (n == strlen(robots[i]) &&
		    strncasecmp(addr, robots[i], n) == 0)
			return (1);
	}
	return ((n > 8 && strncasecmp(at - 8, "-request", 8) == 0) ||
	    strncasecmp(addr, "owner-", 6) == 0);
}

char *
policy_ack_refusal(const struct message *msg, const char *ours)
{
	static const char *const lists[] = {
		"List-Id", "List-Unsubscribe", "List-Post", "List-Help"
	};
	static const char *const bulk[] = { "bulk", "junk", "list" };
	static const char *const suppress[] = { "all", "autoreply" };
	static const char *const mine[] = {
		"X-Autoreply", "X-Autorespond", "X-Autogenerated"
	};
	const char	*v, *from;
	size_t		 i;

	if ((v = policy_header(msg, "Auto-Submitted")) != NULL &&
	    *v != '\0' && !policy_word(v, "no"))
		return (xprintf("Auto-Submitted: %.40s", v));
	if ((v = policy_header(msg, "Precedence")) != NULL &&
	    policy_list_has(v, bulk, nitems(bulk)))
		return (xprintf("Precedence: %.40s", v));
	for (i = 0; i < nitems(lists); i++) {
		if (message_header(msg, lists[i]) != NULL)
			return (xprintf("a mailing list's message (%s)",
			    lists[i]));
	}
	if (msg->return_path != NULL && *msg->return_path == '\0')
		return (xstrdup("the null return path <> (a bounce)"));
	from = msg->from.n > 0 ? msg->from.v[0].addr : NULL;
	if (policy_robot(msg->return_path) || policy_robot(from))
		return (xprintf("sent by a robot (%s)",
		    policy_robot(from) ? from : msg->return_path));
	if ((v = policy_header(msg, "Content-Type")) != NULL &&
	    strncasecmp(v, "multipart/report", 16) == 0)
		return (xstrdup("a delivery or read report "
		    "(multipart/report)"));
	if ((v = policy_header(msg, "X-Auto-Response-Suppress")) != NULL &&
	    policy_list_has(v, suppress, nitems(suppress)))
		return (xprintf("X-Auto-Response-Suppress: %.40s", v));
	for (i = 0; i < nitems(mine); i++) {
		if (message_header(msg, mine[i]) != NULL)
			return (xprintf("an auto-responder's message (%s)",
			    mine[i]));
	}
	for (i = 0; ours != NULL && i < msg->nheaders; i++) {
		if (strcasecmp(msg->headers[i].name, "X-Loop") == 0 &&
		    strcasestr(msg->headers[i].value, ours) != NULL)
			return (xprintf("X-Loop: %s (our own mail came "
			    "back)", ours));
	}
	return (NULL);
}

/* A time that could be true of mail read now: after 1990, before tomorrow. */
static int
policy_sane_time(time_t t, time_t now)
{
	return (t >= POLICY_DATE_FLOOR && t <= now + POLICY_DATE_AFTER);
}

/* The earliest and latest sane dates of msg's Received fields: 0 if none. */
static int
policy_received_span(const struct message *msg, time_t now, time_t *lo,
    time_t *hi)
{
	const char	*v;
	time_t		 t;
	size_t		 i;
	int		 n = 0;

	*lo = *hi = 0;
	for (i = 0; i < msg->nheaders; i++) {
		if (strcasecmp(msg->headers[i].name, "Received") != 0)
			continue;
		/* RFC 5321 4.4: the date follows the last semicolon. */
		if ((v = strrchr(msg->headers[i].value, ';')) == NULL)
			continue;
		t = message_parse_date(v + 1);
		if (!policy_sane_time(t, now))
			continue;
		if (n++ == 0 || t < *lo)
			*lo = t;
		if (t > *hi)
			*hi = t;
	}
	return (n);
}

time_t
policy_arrival(const struct message *msg, time_t arrived, int archive,
    time_t now)
{
	time_t	lo, hi;

	if (!archive)
		return (arrived > 0 && arrived <= now + POLICY_DATE_AFTER ?
		    arrived : now);
	if (policy_received_span(msg, now, &lo, &hi) > 0) {
		if (msg->date >= lo - POLICY_DATE_BEFORE &&
		    msg->date <= hi + POLICY_DATE_AFTER &&
		    policy_sane_time(msg->date, now))
			return (msg->date);
		return (hi);
	}
	if (policy_sane_time(msg->date, now))
		return (msg->date);
	if (policy_sane_time(arrived, now))
		return (arrived);
	return (now);
}

/* The domain of addr after its last '@', or "" (never NULL). */
static const char *
policy_domain(const char *addr)
{
	const char	*at;

	return ((at = strrchr(addr, '@')) != NULL ? at + 1 : "");
}

const struct msg_addr *
policy_ack_recipient(const struct message *msg)
{
	const struct msg_addr	*from, *rt;

	if (msg->from.n == 0)
		return (NULL);
	from = &msg->from.v[0];
	if (msg->reply_to.n == 0)
		return (from);
	rt = &msg->reply_to.v[0];
	if (*policy_domain(from->addr) != '\0' &&
	    strcasecmp(policy_domain(rt->addr), policy_domain(from->addr)) == 0)
		return (rt);
	return (from);
}

/* ---- the limits on automatic mail ---- */

int
policy_limit_window(const struct policy_limits *l, enum policy_limit limit,
    time_t now, time_t *since)
{
	time_t	window = 0;

	switch (limit) {
	case POLICY_LIMIT_SENDER:
		window = l->sender_window;
		break;
	case POLICY_LIMIT_HOURLY:
		if (l->max_per_hour > 0)
			window = POLICY_LIMIT_HOUR;
		break;
	case POLICY_LIMIT_NONE:
		break;
	}
	if (window <= 0)
		return (0);
	/* Nothing was created before the epoch; no overflow below it. */
	*since = window < now ? now - window : 0;
	return (1);
}

enum policy_limit
policy_limit_holds(const struct policy_limits *l, enum policy_limit limit,
    int64_t n)
{
	switch (limit) {
	case POLICY_LIMIT_SENDER:
		if (l->sender_window > 0 && n > 0)
			return (limit);
		break;
	case POLICY_LIMIT_HOURLY:
		if (l->max_per_hour > 0 && n >= (int64_t)l->max_per_hour)
			return (limit);
		break;
	case POLICY_LIMIT_NONE:
		break;
	}
	return (POLICY_LIMIT_NONE);
}
