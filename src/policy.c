/* helpq - policy.c: due times in calendar or business hours. */
#include "compat.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy.h"
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
hours_item(struct policy_day *week, const char *s, char **why)
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
	xasprintf(why, "'%s' is not like 'mon-fri 09:00-17:00' or "
	    "'sun closed'", s);
	return (-1);
}

int
policy_parse_hours(struct policy *p, const char *s, char **why)
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
		rc = hours_item(week, item, why);
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
policy_parse_holidays(struct policy *p, const char *s, char **why)
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
			xasprintf(why, "'%.*s' is not a date like 2026-12-24",
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

/* The local time of minute m of the day in tm (DST handled by mktime). */
static time_t
at_minute(const struct tm *day, int m)
{
	struct tm	t = *day;

	t.tm_hour = m / 60;
	t.tm_min = m % 60;
	t.tm_sec = 0;
	t.tm_isdst = -1;
	return (mktime(&t));
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
	localtime_r(&start, &day);
	for (i = 0; i < POLICY_DAYS_MAX; i++) {
		if (i > 0) {
			/* Noon avoids DST edges when stepping a day. */
			day.tm_mday++;
			day.tm_hour = 12;
			day.tm_min = day.tm_sec = 0;
			day.tm_isdst = -1;
			mktime(&day);
		}
		if (p->week[day.tm_wday].open == p->week[day.tm_wday].close ||
		    is_holiday(p, &day))
			continue;
		open = at_minute(&day, p->week[day.tm_wday].open);
		close = at_minute(&day, p->week[day.tm_wday].close);
		from = start > open ? start : open;
		if (from >= close)
			continue;
		if (close - from >= left)
			return (from + left);
		left -= close - from;
	}
	return (0);
}
