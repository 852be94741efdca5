/*
 * helpq - tz.c: time zones read from TZif files (RFC 8536) and POSIX TZ
 * strings, converting between UTC and local time without touching the
 * process-wide TZ. Leap-second records are skipped: helpq's clocks count
 * POSIX seconds, like the rest of the system.
 */
#include "compat.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tz.h"
#include "xmalloc.h"

#define TZ_FILE_MAX	(1024 * 1024)	/* real zone files are ~3 KiB */
#define TZ_NAME_MAX	255
#define TZ_ABBR_MAX	16
#define TZ_LOCALTIME	"/etc/localtime"
/* Instants beyond this are refused: their years do not fit a struct tm. */
#define TZ_T_LIMIT	((int64_t)1 << 55)

/* One local time type: offset east of UTC, DST or not, abbreviation. */
struct tz_type {
	int32_t	off;
	int	isdst;
	char	abbr[TZ_ABBR_MAX];
};

/* A POSIX rule date: Jn (1-365, no Feb 29), n (0-365) or Mm.w.d. */
struct tz_rule {
	char	kind;		/* 'J', 'n' or 'M' */
	int	day;		/* Jn, n; or d of Mm.w.d (0 = Sunday) */
	int	month;		/* 1-12 */
	int	week;		/* 1-5, 5 = the last */
	int32_t	secs;		/* local time of day, may be < 0 or > 24h */
};

/* The POSIX TZ string: what holds past the last transition. */
struct tz_posix {
	struct tz_type	std;
	struct tz_type	dst;
	int		has_dst;
	struct tz_rule	start;	/* into DST, in standard time */
	struct tz_rule	end;	/* out of DST, in DST */
};

struct tz {
	char		*name;
	int64_t		*trans;		/* transition instants, ascending */
	uint8_t		*idx;		/* the type each transition starts */
	size_t		 ntrans;
	struct tz_type	*types;
	size_t		 ntypes;
	int		 has_posix;
	struct tz_posix	 posix;
};

/* ---- calendar arithmetic, proleptic Gregorian, no zone ---- */

static int
tz_leap(int64_t y)
{
	return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

static int
tz_mdays(int64_t y, int m)
{
	static const int days[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return (days[m - 1] + (m == 2 && tz_leap(y)));
}

/* Eras of 400 years repeat. */
int64_t
tz_days(int64_t y, int m, int d)
{
	int64_t	era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return (era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468);
}

/* ---- the POSIX TZ string ---- */

/* A name: <...> of letters, digits, '+' and '-', or 3+ letters. */
static int
posix_name(const char **sp, char *out)
{
	const char	*s = *sp, *start;
	size_t		 n;

	if (*s == '<') {
		start = ++s;
		while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || *s == '+' || *s == '-')
			s++;
		if (*s != '>')
			return (-1);
		n = (size_t)(s++ - start);
	} else {
		start = s;
		while ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
			s++;
		n = (size_t)(s - start);
	}
	if (n < 3 || n >= TZ_ABBR_MAX)
		return (-1);
	memcpy(out, start, n);
	out[n] = '\0';
	*sp = s;
	return (0);
}

/* [+-]hh[:mm[:ss]], hh at most maxh; seconds in *secs. */
static int
posix_clock(const char **sp, int maxh, int32_t *secs)
{
	const char	*s = *sp;
	int		 sign = 1, part[3] = { 0, 0, 0 }, i, digits;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	for (i = 0; i < 3; i++) {
		if (i > 0) {
			if (*s != ':')
				break;
			s++;
		}
		for (digits = 0; *s >= '0' && *s <= '9' && digits < 3;
		    digits++)
			part[i] = part[i] * 10 + (*s++ - '0');
		if (digits == 0 || (i > 0 && (digits != 2 || part[i] > 59)))
			return (-1);
	}
	if (part[0] > maxh)
		return (-1);
	*secs = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
	*sp = s;
	return (0);
}

/* A number in [lo, hi]. */
static int
posix_num(const char **sp, int lo, int hi, int *out)
{
	const char	*s = *sp;
	int		 n = 0, digits = 0;

	while (*s >= '0' && *s <= '9' && digits++ < 3)
		n = n * 10 + (*s++ - '0');
	if (digits == 0 || n < lo || n > hi)
		return (-1);
	*out = n;
	*sp = s;
	return (0);
}

/* ",date[/time]": Jn, n or Mm.w.d, the time 02:00 when not given. */
static int
posix_rule(const char **sp, struct tz_rule *r)
{
	const char	*s = *sp;

	if (*s++ != ',')
		return (-1);
	if (*s == 'J') {
		s++;
		r->kind = 'J';
		if (posix_num(&s, 1, 365, &r->day) != 0)
			return (-1);
	} else if (*s == 'M') {
		s++;
		r->kind = 'M';
		if (posix_num(&s, 1, 12, &r->month) != 0 || *s++ != '.' ||
		    posix_num(&s, 1, 5, &r->week) != 0 || *s++ != '.' ||
		    posix_num(&s, 0, 6, &r->day) != 0)
			return (-1);
	} else {
		r->kind = 'n';
		if (posix_num(&s, 0, 365, &r->day) != 0)
			return (-1);
	}
	r->secs = 2 * 3600;
	/* RFC 8536 3.3.1: hours -167 to 167. */
	if (*s == '/' && (s++, posix_clock(&s, 167, &r->secs) != 0))
		return (-1);
	*sp = s;
	return (0);
}

static int
posix_parse(const char *s, struct tz_posix *p)
{
	int32_t	west;

	memset(p, 0, sizeof *p);
	if (posix_name(&s, p->std.abbr) != 0 ||
	    posix_clock(&s, 24, &west) != 0)
		return (-1);
	p->std.off = -west;		/* POSIX counts west of UTC */
	if (*s == '\0')
		return (0);
	if (posix_name(&s, p->dst.abbr) != 0)
		return (-1);
	p->has_dst = 1;
	p->dst.isdst = 1;
	p->dst.off = p->std.off + 3600;
	if (*s != ',' && *s != '\0') {
		if (posix_clock(&s, 24, &west) != 0)
			return (-1);
		p->dst.off = -west;
	}
	if (*s == '\0') {
		/* No rules: the US rules, as the reference tzcode does. */
		s = ",M3.2.0,M11.1.0";
	}
	if (posix_rule(&s, &p->start) != 0 || posix_rule(&s, &p->end) != 0 ||
	    *s != '\0')
		return (-1);
	return (0);
}

/* The instant (UTC) rule r takes effect in year y, read at offset off. */
static int64_t
posix_when(const struct tz_rule *r, int64_t y, int32_t off)
{
	int64_t	day;
	int	first, d;

	switch (r->kind) {
	case 'J':
		day = r->day - 1 + (tz_leap(y) && r->day >= 60);
		day += tz_days(y, 1, 1);
		break;
	case 'n':
		day = tz_days(y, 1, 1) + r->day;
		break;
	default:
		day = tz_days(y, r->month, 1);
		/* 1970-01-01 was a Thursday. */
		first = (int)(((day % 7) + 11) % 7);
		d = 1 + (r->day - first + 7) % 7 + 7 * (r->week - 1);
		while (d > tz_mdays(y, r->month))
			d -= 7;
		day += d - 1;
		break;
	}
	return (day * 86400 + r->secs - off);
}

/* The type of the POSIX rule at instant t. */
static const struct tz_type *
posix_type(const struct tz_posix *p, int64_t t)
{
	int64_t		 y, when, best = 0;
	const struct tz_type *type = &p->std;
	int		 i, found = 0;

	if (!p->has_dst)
		return (&p->std);
	/*
	 * The latest transition at or before t among the year of t (near
	 * enough) and the years either side. A year's start that falls on
	 * the previous year's end wins: that is DST all year
	 * ("EST5EDT,0/0,J365/25", RFC 8536 3.3.1).
	 */
	y = 1970 + (t + p->std.off) / 31556952 - ((t + p->std.off) < 0);
	for (y -= 1, i = 0; i < 3; i++, y++) {
		when = posix_when(&p->end, y, p->dst.off);
		if (when <= t && (!found || when >= best)) {
			best = when;
			type = &p->std;
			found = 1;
		}
		when = posix_when(&p->start, y, p->std.off);
		if (when <= t && (!found || when >= best)) {
			best = when;
			type = &p->dst;
			found = 1;
		}
	}
	return (type);
}

/* ---- TZif ---- */

static int64_t
be32(const unsigned char *p)
{
	return ((int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]));
}

static int64_t
be64(const unsigned char *p)
{
	return ((int64_t)((uint64_t)(uint32_t)be32(p) << 32 |
	    (uint32_t)be32(p + 4)));
}

/* The counts of a TZif header, in RFC 8536's order. */
struct tzif_counts {
	size_t	isut, isstd, leap, time, type, chars;
};

static int
tzif_header(const unsigned char *p, size_t len, struct tzif_counts *c)
{
	if (len < 44 || memcmp(p, "TZif", 4) != 0 ||
	    (p[4] != '\0' && (p[4] < '2' || p[4] > '4')))
		return (-1);
	c->isut = (size_t)(uint32_t)be32(p + 20);
	c->isstd = (size_t)(uint32_t)be32(p + 24);
	c->leap = (size_t)(uint32_t)be32(p + 28);
	c->time = (size_t)(uint32_t)be32(p + 32);
	c->type = (size_t)(uint32_t)be32(p + 36);
	c->chars = (size_t)(uint32_t)be32(p + 40);
	if (c->type == 0 || c->type > 256 || c->chars == 0 ||
	    (c->isut != 0 && c->isut != c->type) ||
	    (c->isstd != 0 && c->isstd != c->type) ||
	    c->time > TZ_FILE_MAX || c->leap > TZ_FILE_MAX ||
	    c->chars > TZ_FILE_MAX)
		return (-1);
	return (0);
}

/* The size of a data block whose times take tsize bytes. */
static size_t
tzif_block(const struct tzif_counts *c, size_t tsize)
{
	return (c->time * tsize + c->time + c->type * 6 + c->chars +
	    c->leap * (tsize + 4) + c->isstd + c->isut);
}

/* Read the data block at p (after its header) into z. */
static int
tzif_data(struct tz *z, const unsigned char *p, const struct tzif_counts *c,
    size_t tsize)
{
	const unsigned char	*ti, *tt, *chars;
	size_t			 i, at;

	z->ntrans = c->time;
	z->trans = xreallocarray(NULL, c->time + 1, sizeof *z->trans);
	z->idx = xmalloc(c->time + 1);
	for (i = 0; i < c->time; i++) {
		z->trans[i] = tsize == 8 ? be64(p + 8 * i) : be32(p + 4 * i);
		if (i > 0 && z->trans[i] <= z->trans[i - 1])
			return (-1);
	}
	ti = p + c->time * tsize;
	for (i = 0; i < c->time; i++) {
		if ((z->idx[i] = ti[i]) >= c->type)
			return (-1);
	}
	tt = ti + c->time;
	chars = tt + c->type * 6;
	z->ntypes = c->type;
	z->types = xcalloc(c->type, sizeof *z->types);
	for (i = 0; i < c->type; i++) {
		z->types[i].off = (int32_t)be32(tt + 6 * i);
		z->types[i].isdst = tt[6 * i + 4] != 0;
		at = tt[6 * i + 5];
		if (at >= c->chars || tt[6 * i + 4] > 1 ||
		    z->types[i].off <= -89999 || z->types[i].off >= 93600)
			return (-1);
		snprintf(z->types[i].abbr, sizeof z->types[i].abbr, "%.*s",
		    (int)strnlen((const char *)chars + at, c->chars - at),
		    chars + at);
	}
	return (0);
}

/* Parse a whole TZif file into z. */
static int
tzif_parse(struct tz *z, const unsigned char *buf, size_t len)
{
	struct tzif_counts	 c;
	const unsigned char	*p = buf, *end = buf + len, *nl;
	size_t			 block;
	char			*footer;
	int			 rc;

	if (tzif_header(p, len, &c) != 0)
		return (-1);
	block = tzif_block(&c, 4);
	if (block > (size_t)(end - p) - 44)
		return (-1);
	if (buf[4] == '\0')
		return (tzif_data(z, p + 44, &c, 4));
	/* Version 2 and later: skip the 32-bit data for the 64-bit. */
	p += 44 + block;
	if (tzif_header(p, (size_t)(end - p), &c) != 0)
		return (-1);
	block = tzif_block(&c, 8);
	if (block > (size_t)(end - p) - 44 ||
	    tzif_data(z, p + 44, &c, 8) != 0)
		return (-1);
	p += 44 + block;
	if (p >= end || *p != '\n' ||
	    (nl = memchr(p + 1, '\n', (size_t)(end - p - 1))) == NULL)
		return (-1);
	if (nl == p + 1)
		return (0);		/* an empty footer: none */
	footer = xmalloc((size_t)(nl - p));
	memcpy(footer, p + 1, (size_t)(nl - p - 1));
	footer[nl - p - 1] = '\0';
	rc = posix_parse(footer, &z->posix);
	free(footer);
	if (rc != 0)
		return (-1);
	z->has_posix = 1;
	return (0);
}

/* Read at most TZ_FILE_MAX bytes of path; -1 with errno on failure. */
static int
tz_read(const char *path, unsigned char **bufp, size_t *lenp)
{
	FILE		*f;
	unsigned char	*buf;
	size_t		 len;
	int		 saved;

	if ((f = fopen(path, "rb")) == NULL)
		return (-1);
	buf = xmalloc(TZ_FILE_MAX + 1);
	len = fread(buf, 1, TZ_FILE_MAX + 1, f);
	saved = ferror(f) ? errno : 0;
	fclose(f);
	if (saved != 0 || len > TZ_FILE_MAX) {
		free(buf);
		errno = saved != 0 ? saved : EFBIG;
		return (-1);
	}
	*bufp = buf;
	*lenp = len;
	return (0);
}

static struct tz *
tz_utc_zone(const char *name)
{
	struct tz	*z = xcalloc(1, sizeof *z);

	z->name = xstrdup(name);
	z->ntypes = 1;
	z->types = xcalloc(1, sizeof *z->types);
	snprintf(z->types[0].abbr, sizeof z->types[0].abbr, "UTC");
	return (z);
}

/* Load the TZif file at path under the name name. */
static struct tz *
tz_load_file(const char *path, const char *name, char **cause)
{
	struct tz	*z;
	unsigned char	*buf;
	size_t		 len;

	if (tz_read(path, &buf, &len) != 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			xasprintf(cause, "unknown time zone '%s' (no %s)",
			    name, path);
		else
			xasprintf(cause, "time zone '%s': %s: %s", name,
			    path, strerror(errno));
		return (NULL);
	}
	z = xcalloc(1, sizeof *z);
	z->name = xstrdup(name);
	if (tzif_parse(z, buf, len) != 0) {
		xasprintf(cause, "time zone '%s': %s is not a valid TZif "
		    "file", name, path);
		tz_free(z);
		z = NULL;
	}
	free(buf);
	return (z);
}

/* Nonzero if name is a zone name that stays under the zone directory. */
static int
tz_name_ok(const char *name)
{
	const char	*p, *comp = name;

	if (*name == '\0' || strlen(name) > TZ_NAME_MAX)
		return (0);
	for (p = name;; p++) {
		if (*p == '/' || *p == '\0') {
			/* No empty, hidden, "." or ".." component. */
			if (p == comp || comp[0] == '.')
				return (0);
			if (*p == '\0')
				return (1);
			comp = p + 1;
		} else if (!((*p >= 'A' && *p <= 'Z') ||
		    (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '_' || *p == '+' || *p == '-' || *p == '.'))
			return (0);
	}
}

struct tz *
tz_load(const char *name, char **cause)
{
	const char	*dir;
	char		*path;
	struct tz	*z;

	if (strcmp(name, "UTC") == 0)
		return (tz_utc_zone(name));
	if (!tz_name_ok(name)) {
		xasprintf(cause, "'%s' is not a time zone name like "
		    "Europe/Berlin", name);
		return (NULL);
	}
	if ((dir = getenv("TZDIR")) == NULL || *dir == '\0')
		dir = TZ_DIR_DEFAULT;
	path = xprintf("%s/%s", dir, name);
	z = tz_load_file(path, name, cause);
	free(path);
	return (z);
}

struct tz *
tz_load_posix(const char *spec, char **cause)
{
	struct tz	*z = xcalloc(1, sizeof *z);

	z->name = xstrdup(spec);
	if (posix_parse(spec, &z->posix) != 0) {
		xasprintf(cause, "'%s' is not a POSIX TZ string like "
		    "CET-1CEST,M3.5.0,M10.5.0/3", spec);
		tz_free(z);
		return (NULL);
	}
	z->has_posix = 1;
	z->ntypes = 1;
	z->types = xcalloc(1, sizeof *z->types);
	z->types[0] = z->posix.std;
	return (z);
}

struct tz *
tz_system(void)
{
	const char	*env = getenv("TZ");
	struct tz	*z = NULL;
	char		*cause = NULL;

	if (env == NULL)
		z = tz_load_file(TZ_LOCALTIME, "localtime", &cause);
	else if (*env == ':' && env[1] == '/')
		z = tz_load_file(env + 1, env + 1, &cause);
	else if (*env != '\0') {
		if (*env == ':')
			env++;
		if ((z = tz_load(env, &cause)) == NULL) {
			free(cause);
			cause = NULL;
			z = tz_load_posix(env, &cause);
		}
	}
	free(cause);
	return (z != NULL ? z : tz_utc_zone("UTC"));
}

const char *
tz_name(const struct tz *z)
{
	return (z != NULL ? z->name : "UTC");
}

void
tz_free(struct tz *z)
{
	if (z == NULL)
		return;
	free(z->name);
	free(z->trans);
	free(z->idx);
	free(z->types);
	free(z);
}

/* ---- conversions ---- */

/* The local time type in effect at instant t. */
static const struct tz_type *
tz_type_at(const struct tz *z, int64_t t)
{
	size_t	lo, hi, mid;

	if (z->ntrans == 0 || t < z->trans[0]) {
		/* RFC 8536 3.2: type 0 holds before the first transition;
		 * a footer-only zone has its rule throughout. */
		if (z->ntrans == 0 && z->has_posix)
			return (posix_type(&z->posix, t));
		return (&z->types[0]);
	}
	if (t >= z->trans[z->ntrans - 1] && z->has_posix)
		return (posix_type(&z->posix, t));
	lo = 0;
	hi = z->ntrans;
	while (hi - lo > 1) {		/* trans[lo] <= t < trans[hi] */
		mid = lo + (hi - lo) / 2;
		if (z->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return (&z->types[z->idx[lo]]);
}

static int32_t
tz_off_at(const struct tz *z, int64_t t)
{
	return (z != NULL ? tz_type_at(z, t)->off : 0);
}

int
tz_local(const struct tz *z, time_t t, struct tm *tm)
{
	const struct tz_type	*type;
	time_t			 local;

	if (t > TZ_T_LIMIT || t < -TZ_T_LIMIT)
		return (-1);
	type = z != NULL ? tz_type_at(z, t) : NULL;
	if (type != NULL && __builtin_add_overflow(t, type->off, &local))
		return (-1);
	if (type == NULL)
		local = t;
	if (gmtime_r(&local, tm) == NULL)
		return (-1);
	tm->tm_isdst = type != NULL ? type->isdst : 0;
	tm->tm_gmtoff = type != NULL ? type->off : 0;
	tm->tm_zone = type != NULL ? type->abbr : "UTC";
	return (0);
}

/* The first instant in (lo, hi] whose offset is not off (one exists). */
static int64_t
tz_change(const struct tz *z, int64_t lo, int64_t hi, int32_t off)
{
	int64_t	mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (tz_off_at(z, mid) == off)
			lo = mid;
		else
			hi = mid;
	}
	return (hi);
}

enum tz_found
tz_utc(const struct tz *z, const struct tm *local, enum tz_pick pick,
    time_t *t)
{
	int64_t	wall, y, m, t1, t2;
	int32_t	o1, o2;
	int	ok1, ok2;

	/* Normalise the month first, then count days from the 1st. */
	m = (int64_t)local->tm_mon;
	y = (int64_t)local->tm_year + 1900 + m / 12;
	if ((m %= 12) < 0) {
		m += 12;
		y--;
	}
	if (y < -1000000000 || y > 1000000000)
		return (TZ_FOUND_ERROR);
	wall = (tz_days(y, (int)m + 1, 1) + local->tm_mday - 1) * 86400 +
	    (int64_t)local->tm_hour * 3600 + (int64_t)local->tm_min * 60 +
	    local->tm_sec;
	/* The offsets a day either side; the wall time read with each. */
	o1 = tz_off_at(z, wall - 86400);
	o2 = tz_off_at(z, wall + 86400);
	t1 = wall - o1;
	t2 = wall - o2;
	ok1 = tz_off_at(z, t1) == o1;
	ok2 = tz_off_at(z, t2) == o2;
	if ((time_t)t1 != t1 || (time_t)t2 != t2)
		return (TZ_FOUND_ERROR);
	if (ok1 && ok2 && t1 != t2) {
		*t = (time_t)(pick == TZ_LATER ? (t1 > t2 ? t1 : t2) :
		    (t1 < t2 ? t1 : t2));
		return (TZ_FOUND_FOLD);
	}
	if (ok1 || ok2) {
		*t = (time_t)(ok1 ? t1 : t2);
		return (TZ_FOUND_ONE);
	}
	/* A gap: the clock went forward from o1 to o2, so t2 < t1. */
	if (pick == TZ_EARLIER)
		*t = (time_t)t2;
	else if (pick == TZ_LATER)
		*t = (time_t)t1;
	else
		*t = (time_t)tz_change(z, t2, t1, o1);
	return (TZ_FOUND_GAP);
}

