/*
 * helpq - calendar.c: opening hours, holidays and the arithmetic of open
 * time in a time zone.
 */
#include "compat.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar.h"
#include "tz.h"
#include "xmalloc.h"

static const char *const calendar_days[7] = {
	"sun", "mon", "tue", "wed", "thu", "fri", "sat"
};

void
calendar_init(struct calendar *cal, const char *name)
{
	int	d;

	memset(cal, 0, sizeof *cal);
	cal->name = xstrdup(name);
	cal->always = 1;
	for (d = 0; d < 7; d++) {
		cal->week[d].span[0].open = 0;
		cal->week[d].span[0].close = 24 * 60;
		cal->week[d].n = 1;
	}
}

static void
holidays_free(struct calendar_holiday *h, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(h[i].name);
	free(h);
}

void
calendar_clear(struct calendar *cal)
{
	free(cal->name);
	holidays_free(cal->holidays, cal->nholidays);
	tz_free(cal->own);
	memset(cal, 0, sizeof *cal);
}

int
calendar_name_valid(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || n > CALENDAR_NAME_MAX)
		return (0);
	for (i = 0; i < n; i++) {
		if (!isalnum((unsigned char)s[i]) && strchr("-_.", s[i]) ==
		    NULL)
			return (0);
	}
	return (1);
}

/* ---- opening hours ---- */

static int
day_parse(const char *s, size_t len)
{
	int	d;

	if (len < 3)
		return (-1);
	for (d = 0; d < 7; d++) {
		/* "mon", "monday", "Mon" */
		if (strncasecmp(s, calendar_days[d], 3) == 0)
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

/* "08:00-12:00 13:00-17:00" or "closed" into *day. */
static int
spans_parse(const char *p, struct calendar_day *day)
{
	struct calendar_span	s;

	memset(day, 0, sizeof *day);
	if (strcasecmp(p, "closed") == 0)
		return (0);
	while (*p != '\0') {
		if (clock_parse(&p, &s.open) != 0 || *p++ != '-' ||
		    clock_parse(&p, &s.close) != 0 || s.close <= s.open)
			return (-1);
		/* In order and apart: a lunch break is a gap of time. */
		if (day->n == CALENDAR_SPANS_MAX || (day->n > 0 &&
		    s.open < day->span[day->n - 1].close))
			return (-1);
		day->span[day->n++] = s;
		if (*p != '\0' && *p != ' ' && *p != '\t')
			return (-1);
		while (*p == ' ' || *p == '\t')
			p++;
	}
	return (day->n > 0 ? 0 : -1);
}

/* One "mon-fri 08:00-12:00 13:00-17:00" or "sun closed". */
static int
hours_item(struct calendar_day *week, const char *s, char **cause)
{
	struct calendar_day	 day;
	const char		*p = s, *dash;
	int			 from, to, d;
	size_t			 n;

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
	if (spans_parse(p, &day) != 0)
		goto bad;
	for (d = from;; d = (d + 1) % 7) {
		week[d] = day;
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
calendar_parse_hours(struct calendar *cal, const char *s, char **cause)
{
	struct calendar_day	 week[7];
	char			*copy, *item, *next;
	int			 rc = 0, d;

	while (isspace((unsigned char)*s))
		s++;
	if (strncmp(s, "24/7", 4) == 0 && s[4 + strspn(s + 4, " \t")] ==
	    '\0') {
		cal->always = 1;
		for (d = 0; d < 7; d++) {
			memset(&cal->week[d], 0, sizeof cal->week[d]);
			cal->week[d].span[0].close = 24 * 60;
			cal->week[d].n = 1;
		}
		return (0);
	}
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
	if (rc == 0) {
		memcpy(cal->week, week, sizeof week);
		cal->always = 0;
	}
	return (rc);
}

/* ---- dates ---- */

static int
leap(int y)
{
	return ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0);
}

static int
month_days(int y, int m)
{
	static const int n[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return (m == 2 && leap(y) ? 29 : n[m - 1]);
}

int
calendar_easter(int year, int orthodox, int *month, int *day)
{
	int	a, b, c, d, e, f, g, h, i, k, l, m, n;
	long	days;

	if (year < 1583 || year > 9999)
		return (-1);
	if (orthodox) {
		/* The Julian computus gives a Julian date... */
		a = year % 4;
		b = year % 7;
		c = year % 19;
		d = (19 * c + 15) % 30;
		e = (2 * a + 4 * b - d + 34) % 7;
		m = (d + e + 114) / 31;
		n = (d + e + 114) % 31 + 1;
		/* ...and the calendars drift apart by 3 days in 400 years
		 * (13 days from 1900 to 2099). */
		days = tz_days(year, m, n) + year / 100 - year / 400 -
		    2;
		/* March and April dates: add back to a day of the year. */
		for (m = 3; days >= tz_days(year, m + 1, 1); m++)
			;
		*month = m;
		*day = (int)(days - tz_days(year, m, 1)) + 1;
		return (0);
	}
	/* The Gregorian computus: the paschal full moon's Sunday. */
	a = year % 19;
	b = year / 100;
	c = year % 100;
	d = b / 4;
	e = b % 4;
	f = (b + 8) / 25;
	g = (b - f + 1) / 3;
	h = (19 * a + b - d - g + 15) % 30;
	i = c / 4;
	k = c % 4;
	l = (32 + 2 * e + 2 * i - h - k) % 7;
	m = (a + 11 * h + 22 * l) / 451;
	*month = (h + l - 7 * m + 114) / 31;
	*day = (h + l - 7 * m + 114) % 31 + 1;
	return (0);
}

/* ---- holidays ---- */

/* "easter+50", "orthodox-easter-2", "easter": 0 and the offset, or -1. */
static int
easter_parse(const char *s, size_t len, int *orthodox, int *offset)
{
	char	 buf[32], *end;
	long	 n = 0;

	if (len >= sizeof buf)
		return (-1);
	memcpy(buf, s, len);
	buf[len] = '\0';
	*orthodox = strncasecmp(buf, "orthodox-", 9) == 0;
	s = buf + (*orthodox ? 9 : 0);
	if (strncasecmp(s, "easter", 6) != 0)
		return (-1);
	s += 6;
	if (*s != '\0') {
		if ((*s != '+' && *s != '-') || !isdigit((unsigned char)s[1]))
			return (-1);
		n = strtol(s, &end, 10);
		if (*end != '\0' || n < -CALENDAR_EASTER_MAX ||
		    n > CALENDAR_EASTER_MAX)
			return (-1);
	}
	*offset = (int)n;
	return (0);
}

/* One holiday of the forms calendar_parse_holidays takes, at s. */
static int
holiday_parse(const char *s, size_t len, struct calendar_holiday *h)
{
	int	y, m, d, n;
	char	buf[16];

	memset(h, 0, sizeof *h);
	if (easter_parse(s, len, &n, &h->day) == 0) {
		h->kind = n ? CALENDAR_ORTHODOX : CALENDAR_EASTER;
		h->name = xstrndup(s, len);
		return (0);
	}
	if (len >= sizeof buf)
		return (-1);
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (sscanf(buf, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 &&
	    (size_t)n == len && len == 10 && y >= 1970 && m >= 1 && m <= 12 &&
	    d >= 1 && d <= month_days(y, m)) {
		h->kind = CALENDAR_DATE;
		h->year = y;
	} else if (sscanf(buf, "%2d-%2d%n", &m, &d, &n) == 2 &&
	    (size_t)n == len && len == 5 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= month_days(2000, m))
		h->kind = CALENDAR_YEARLY;
	else
		return (-1);
	h->month = m;
	h->day = d;
	h->name = xstrndup(s, len);
	return (0);
}

int
calendar_parse_holidays(struct calendar *cal, const char *s, char **cause)
{
	struct calendar_holiday	*list = NULL, h;
	size_t			 n = 0, len, i;
	const char		*q = s;

	/* The file's holidays stay; these replace the others. */
	for (i = 0; i < cal->nholidays; i++) {
		if (!cal->holidays[i].from_file)
			continue;
		list = xreallocarray(list, n + 1, sizeof *list);
		list[n] = cal->holidays[i];
		list[n++].name = xstrdup(cal->holidays[i].name);
	}
	while (*q != '\0') {
		while (*q == ',' || isspace((unsigned char)*q))
			q++;
		if (*q == '\0')
			break;
		len = strcspn(q, ", \t\r\n");
		if (holiday_parse(q, len, &h) != 0) {
			xasprintf(cause, "'%.*s' is not a date like 2026-12-24, "
			    "12-25, easter+1 or orthodox-easter-2", (int)len,
			    q);
			holidays_free(list, n);
			return (-1);
		}
		list = xreallocarray(list, n + 1, sizeof *list);
		list[n++] = h;
		q += len;
	}
	holidays_free(cal->holidays, cal->nholidays);
	cal->holidays = list;
	cal->nholidays = n;
	return (0);
}

const char *
calendar_holiday(const struct calendar *cal, int y, int m, int d)
{
	const struct calendar_holiday	*h;
	long				 today, easter[2] = { 0, 0 };
	int				 em, ed, o;
	size_t				 i;

	today = tz_days(y, m, d);
	for (i = 0; i < cal->nholidays; i++) {
		h = &cal->holidays[i];
		switch (h->kind) {
		case CALENDAR_DATE:
			if (h->year == y && h->month == m && h->day == d)
				return (h->name);
			break;
		case CALENDAR_YEARLY:
			if (h->month == m && h->day == d)
				return (h->name);
			break;
		case CALENDAR_EASTER:
		case CALENDAR_ORTHODOX:
			o = h->kind == CALENDAR_ORTHODOX;
			/* Easter is computed once per call and kind. */
			if (easter[o] == 0) {
				if (calendar_easter(y, o, &em, &ed) != 0)
					break;
				easter[o] = tz_days(y, em, ed);
			}
			if (easter[o] + h->day == today)
				return (h->name);
			break;
		}
	}
	return (NULL);
}

/* ---- the arithmetic ---- */

/*
 * The instant of minute m of the local date day in cal's zone: a time in
 * a gap is the first instant after it, in a fold the first of the two
 * (an office opens or closes when its clock first shows the time).
 * Returns 0, or -1 when the day is out of range.
 */
static int
at_minute(const struct calendar *cal, const struct tm *day, int m,
    time_t *when)
{
	struct tm	t = *day;

	t.tm_hour = m / 60;
	t.tm_min = m % 60;
	t.tm_sec = 0;
	return (tz_utc(cal->tz, &t, TZ_AFTER_GAP, when) == TZ_FOUND_ERROR ?
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

/*
 * A walk over the open time after start: until seconds have been counted
 * (left >= 0) or up to until (left < 0). fn, if not NULL, hears every
 * step.
 */
struct walk {
	time_t			 left;
	time_t			 until;
	time_t			 counted;
	calendar_explain_fn	 fn;
	void			*arg;
};

static void
walk_tell(struct walk *w, enum calendar_step_kind kind, const struct tm *day,
    time_t from, time_t to, const char *holiday)
{
	struct calendar_step	s;

	if (w->fn == NULL)
		return;
	memset(&s, 0, sizeof s);
	s.kind = kind;
	s.year = day->tm_year + 1900;
	s.month = day->tm_mon + 1;
	s.day = day->tm_mday;
	s.from = from;
	s.to = to;
	s.counted = w->counted;
	s.holiday = holiday;
	w->fn(&s, w->arg);
}

/*
 * One open day's spans from start on. Returns 1 with *due when the count
 * is complete, 0 to go on, -1 on a date out of range.
 */
static int
walk_day(const struct calendar *cal, const struct tm *day, time_t start,
    struct walk *w, time_t *due)
{
	const struct calendar_day	*wd = &cal->week[day->tm_wday];
	time_t				 open, close, from;
	size_t				 i;

	for (i = 0; i < wd->n; i++) {
		if (at_minute(cal, day, wd->span[i].open, &open) != 0 ||
		    at_minute(cal, day, wd->span[i].close, &close) != 0)
			return (-1);
		from = start > open ? start : open;
		if (w->left < 0) {
			if (from >= w->until)
				return (1);
			if (close > w->until)
				close = w->until;
		}
		/* Past already, or opening and closing in one gap. */
		if (from >= close)
			continue;
		if (w->left >= 0 && close - from >= w->left) {
			w->counted += w->left;
			walk_tell(w, CALENDAR_STEP_OPEN, day, from,
			    from + w->left, NULL);
			*due = from + w->left;
			return (1);
		}
		w->counted += close - from;
		if (w->left >= 0)
			w->left -= close - from;
		walk_tell(w, CALENDAR_STEP_OPEN, day, from, close, NULL);
	}
	return (0);
}

/* Walk from start; returns the due time, or 0 when never reached. */
static time_t
walk(const struct calendar *cal, time_t start, struct walk *w)
{
	struct tm	 day;
	const char	*name;
	time_t		 due = 0, midnight;
	int		 i, rc;

	if (tz_local(cal->tz, start, &day) != 0)
		return (0);
	for (i = 0; i < CALENDAR_DAYS_MAX; i++) {
		if (i > 0 && next_day(&day) != 0)
			return (0);
		if (w->left < 0 && (at_minute(cal, &day, 0, &midnight) != 0 ||
		    midnight >= w->until))
			return (0);
		if (cal->week[day.tm_wday].n == 0) {
			walk_tell(w, CALENDAR_STEP_CLOSED, &day, 0, 0, NULL);
			continue;
		}
		if ((name = calendar_holiday(cal, day.tm_year + 1900,
		    day.tm_mon + 1, day.tm_mday)) != NULL) {
			walk_tell(w, CALENDAR_STEP_HOLIDAY, &day, 0, 0, name);
			continue;
		}
		if ((rc = walk_day(cal, &day, start, w, &due)) != 0)
			return (rc == 1 ? due : 0);
	}
	return (0);
}

time_t
calendar_explain(const struct calendar *cal, time_t start, time_t seconds,
    calendar_explain_fn fn, void *arg)
{
	struct walk		w;
	struct calendar_step	s;
	struct tm		day;

	if (seconds < 0)
		seconds = 0;
	/* Calendar hours: no day to look at. */
	if (cal->always && cal->nholidays == 0) {
		if (fn != NULL && tz_local(cal->tz, start, &day) == 0) {
			memset(&s, 0, sizeof s);
			s.kind = CALENDAR_STEP_OPEN;
			s.year = day.tm_year + 1900;
			s.month = day.tm_mon + 1;
			s.day = day.tm_mday;
			s.from = start;
			s.to = start + seconds;
			s.counted = seconds;
			fn(&s, arg);
		}
		return (start + seconds);
	}
	memset(&w, 0, sizeof w);
	w.left = seconds;
	w.fn = fn;
	w.arg = arg;
	return (walk(cal, start, &w));
}

time_t
calendar_due(const struct calendar *cal, time_t start, time_t seconds)
{
	return (calendar_explain(cal, start, seconds, NULL, NULL));
}

time_t
calendar_open_between(const struct calendar *cal, time_t a, time_t b)
{
	struct walk	w;

	if (b <= a)
		return (0);
	if (cal->always && cal->nholidays == 0)
		return (b - a);
	memset(&w, 0, sizeof w);
	w.left = -1;
	w.until = b;
	walk(cal, a, &w);
	return (w.counted);
}
