/* helpq - message_date.c: RFC 5322 dates, tolerant of what mailers write. */
#include "compat.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "message.h"
#include "message_private.h"
#include "tz.h"

/* ---- dates ---- */

static const struct {
	const char	*name;
	int		 minutes;
} date_zones[] = {
	{ "ut", 0 }, { "utc", 0 }, { "gmt", 0 }, { "z", 0 }, { "wet", 0 },
	{ "bst", 60 }, { "cet", 60 }, { "met", 60 }, { "mez", 60 },
	{ "west", 60 }, { "cest", 120 }, { "mest", 120 }, { "mesz", 120 },
	{ "eet", 120 }, { "eest", 180 }, { "msk", 180 }, { "ist", 330 },
	{ "hkt", 480 }, { "sgt", 480 }, { "awst", 480 }, { "jst", 540 },
	{ "kst", 540 }, { "aest", 600 }, { "aedt", 660 }, { "nzst", 720 },
	{ "nzdt", 780 }, { "est", -300 }, { "edt", -240 }, { "cst", -360 },
	{ "cdt", -300 }, { "mst", -420 }, { "mdt", -360 }, { "pst", -480 },
	{ "pdt", -420 }, { "akst", -540 }, { "akdt", -480 },
	{ "hst", -600 }, { "ast", -240 }, { "adt", -180 }, { "brt", -180 },
};

static const char *const date_months[] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec"
};

/* Parsed pieces of a date; -1 is unset. */
struct date_parts {
	int	day, mon, year, yearlen, hh, mm, ss, pm;
	int	zone, havezone;		/* zone in minutes east */
};

static const char *
date_word(struct date_parts *d, const char *s)
{
	char	w[16];
	size_t	n = 0, i;

	for (; is_alpha((unsigned char)*s); s++) {
		if (n + 1 < sizeof w)
			w[n++] = lc((unsigned char)*s);
	}
	w[n] = '\0';
	if (n >= 3 && d->mon < 0) {
		for (i = 0; i < nitems(date_months); i++) {
			if (strncmp(w, date_months[i], 3) == 0) {
				d->mon = i;
				return (s);
			}
		}
	}
	if (strcmp(w, "am") == 0 || strcmp(w, "pm") == 0) {
		d->pm = w[0] == 'p';
		return (s);
	}
	if (!d->havezone && d->day >= 0) {
		for (i = 0; i < nitems(date_zones); i++) {
			if (strcmp(w, date_zones[i].name) == 0) {
				d->zone = date_zones[i].minutes;
				d->havezone = 1;
				break;
			}
		}
	}
	return (s);
}

/* "+hhmm", "+hh:mm", "+h": a numeric zone; s is at the sign. */
static const char *
date_zone(struct date_parts *d, const char *s)
{
	int	sign = *s == '-' ? -1 : 1, v = 0, n = 0, h, m = 0;

	for (s++; is_digit((unsigned char)*s) && n < 4; s++, n++)
		v = v * 10 + *s - '0';
	if (n <= 2 && *s == ':' && is_digit((unsigned char)s[1]) &&
	    is_digit((unsigned char)s[2])) {
		h = v;
		m = (s[1] - '0') * 10 + s[2] - '0';
		s += 3;
	} else if (n > 2) {
		h = v / 100;
		m = v % 100;
	} else
		h = v;
	while (is_digit((unsigned char)*s))
		s++;
	if (!d->havezone && h <= 18 && m < 60) {
		d->zone = sign * (h * 60 + m);
		d->havezone = 1;
	}
	return (s);
}

/* A number: time (h:m[:s]), ISO date (yyyy-mm-dd), year or day. */
static const char *
date_number(struct date_parts *d, const char *s)
{
	long		 v = 0;
	int		 n = 0;

	for (; is_digit((unsigned char)*s); s++, n++) {
		if (v < 100000)
			v = v * 10 + *s - '0';
	}
	if (*s == ':' && is_digit((unsigned char)s[1]) && d->hh < 0) {
		d->hh = v;
		d->mm = 0;
		d->ss = 0;
		for (v = 0, s++; is_digit((unsigned char)*s); s++)
			v = v < 1000 ? v * 10 + *s - '0' : v;
		d->mm = v;
		if (*s == ':' && is_digit((unsigned char)s[1])) {
			for (v = 0, s++; is_digit((unsigned char)*s); s++)
				v = v < 1000 ? v * 10 + *s - '0' : v;
			d->ss = v;
		}
		if (*s == '.' || *s == ',')	/* fractions of a second */
			for (s++; is_digit((unsigned char)*s); s++)
				;
		return (s);
	}
	if (n == 4 && *s == '-' && is_digit((unsigned char)s[1]) &&
	    d->year < 0 && d->day < 0) {
		d->year = v;
		d->yearlen = 4;
		d->mon = (int)strtol(s + 1, (char **)&s, 10) - 1;
		if (*s == '-' && is_digit((unsigned char)s[1]))
			d->day = (int)strtol(s + 1, (char **)&s, 10);
		if (*s == 'T' || *s == 't')
			s++;
		return (s);
	}
	/* "029" is a day with a stray zero; "0102" a Y2K-broken year. */
	if (n == 3 && s[-3] == '0' && v >= 1 && v <= 31 && d->day < 0)
		d->day = v;
	else if ((n >= 3 || v > 31) && d->year < 0) {
		d->year = v;
		d->yearlen = n;
	} else if (d->day < 0)
		d->day = v;
	else if (d->year < 0) {
		d->year = v;
		d->yearlen = n;
	}
	return (s);
}

time_t
message_parse_date(const char *s)
{
	struct date_parts	d = { -1, -1, -1, 0, -1, 0, 0, -1, 0, 0 };
	long long		t;
	int			depth, mdays;
	static const int	 ml[] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (s == NULL)
		return (0);
	while (*s != '\0') {
		if (*s == '(') {		/* comment */
			for (depth = 0; *s != '\0'; s++) {
				depth += *s == '(' ? 1 : *s == ')' ? -1 : 0;
				if (depth == 0)
					break;
			}
			if (*s != '\0')
				s++;
		} else if ((*s == '+' || *s == '-') &&
		    is_digit((unsigned char)s[1]) && d.day >= 0 && d.hh >= 0)
			s = date_zone(&d, s);
		else if (is_digit((unsigned char)*s))
			s = date_number(&d, s);
		else if (is_alpha((unsigned char)*s))
			s = date_word(&d, s);
		else
			s++;
	}
	if (d.day < 1 || d.mon < 0 || d.mon > 11 || d.year < 0)
		return (0);
	/* Two digits; three (or "0102", Y2K bugs) count from 1900. */
	if (d.yearlen <= 2)
		d.year += d.year < 50 ? 2000 : 1900;
	else if (d.year >= 100 && d.year < 200)
		d.year += 1900;
	/* A missing or impossible time still leaves a usable day. */
	if (d.hh < 0 || d.hh > 24 || d.mm > 59 || d.ss > 60)
		d.hh = d.mm = d.ss = 0;
	if (d.pm == 1 && d.hh < 12)
		d.hh += 12;
	else if (d.pm == 0 && d.hh == 12)
		d.hh = 0;
	if (d.ss == 60)
		d.ss = 59;
	mdays = ml[d.mon];
	if (d.mon == 1 && !(d.year % 4 == 0 &&
	    (d.year % 100 != 0 || d.year % 400 == 0)))
		mdays = 28;
	if (d.year < 1900 || d.year > 9999 || d.day > mdays || d.hh > 24 ||
	    d.mm > 59 || d.ss > 59)
		return (0);
	t = tz_days(d.year, d.mon + 1, d.day) * 86400LL +
	    d.hh * 3600 + d.mm * 60 + d.ss - d.zone * 60LL;
	if ((long long)(time_t)t != t)
		return (0);
	return ((time_t)t);
}
