/*
 * helpq - test-tz.c: zones from tzdata and POSIX strings against the C
 * library's own conversions (TZ is set here only to produce expectations),
 * and gaps, folds and names against known facts.
 */
#include "compat.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tz.h"
#include "xmalloc.h"
#include "../tap.h"
#include "../when.h"

static const char *const zones[] = {
	"Europe/Berlin", "Europe/Athens", "America/New_York",
	"Australia/Lord_Howe", "UTC"
};

/* Spans of instants to sweep: far past, the present, far future. */
static const struct {
	const char	*what;
	time_t		 from, to, step;
} spans[] = {
	/* 1800 to 2200 every 3 days 7 hours 13 minutes. */
	{ "1800-2200", -5364662400LL, 7258118400LL,
	  3 * 86400 + 7 * 3600 + 780 },
	/* 2025 to 2028 every 15 minutes (every transition crossed). */
	{ "2025-2027", 1735689600LL, 1830297600LL, 900 },
	/* 2399 to 2401, past the last transition: the footer rule. */
	{ "2399-2401", 13537929600LL, 13632624000LL, 900 },
	/* Before 1900 at a fine grain: before the first transition. */
	{ "1850", -3786825600LL, -3755289600LL, 3600 },
	/* 1971 to 2200: the C library applies POSIX rules from 1970 on. */
	{ "1971-2200", 31536000LL, 7258118400LL, 86400 + 3600 + 60 },
};

static int
same_tm(const struct tm *a, const struct tm *b)
{
	return (a->tm_year == b->tm_year && a->tm_mon == b->tm_mon &&
	    a->tm_mday == b->tm_mday && a->tm_hour == b->tm_hour &&
	    a->tm_min == b->tm_min && a->tm_sec == b->tm_sec &&
	    a->tm_wday == b->tm_wday && a->tm_yday == b->tm_yday &&
	    a->tm_isdst == b->tm_isdst && a->tm_gmtoff == b->tm_gmtoff &&
	    strcmp(a->tm_zone, b->tm_zone) == 0);
}

/*
 * Compare tz_local with localtime_r under TZ=sys over one span, and that
 * tz_utc gives each instant back (as one of two in a fold, never a gap).
 */
static void
sweep(const struct tz *z, const char *sys, int i)
{
	struct tm	 want, got;
	time_t		 t, back, other;
	enum tz_found	 f;
	size_t		 n = 0, bad = 0, badback = 0;

	setenv("TZ", sys, 1);
	tzset();
	for (t = spans[i].from; t < spans[i].to; t += spans[i].step, n++) {
		if (localtime_r(&t, &want) == NULL ||
		    tz_local(z, t, &got) != 0 || !same_tm(&want, &got)) {
			if (bad++ == 0)
				diag("%lld: want %02d:%02d %s %ld, got "
				    "%02d:%02d %s %ld", (long long)t,
				    want.tm_hour, want.tm_min, want.tm_zone,
				    want.tm_gmtoff, got.tm_hour, got.tm_min,
				    got.tm_zone, got.tm_gmtoff);
			continue;
		}
		f = tz_utc(z, &got, TZ_EARLIER, &back);
		if (f == TZ_FOUND_FOLD && back != t)
			tz_utc(z, &got, TZ_LATER, &other), back = other;
		if ((f != TZ_FOUND_ONE && f != TZ_FOUND_FOLD) || back != t) {
			if (badback++ == 0)
				diag("%lld: back %lld (%d)", (long long)t,
				    (long long)back, f);
		}
	}
	ok(bad == 0 && n > 0, "%s %s: %zu instants as the C library "
	    "(%zu differ)", sys, spans[i].what, n, bad);
	ok(badback == 0, "%s %s: local times back to the same instant "
	    "(%zu differ)", sys, spans[i].what, badback);
}

static void
test_sweeps(void)
{
	struct tz	*z;
	char		*cause = NULL;
	size_t		 i, j;

	for (i = 0; i < nitems(zones); i++) {
		if ((z = tz_load(zones[i], &cause)) == NULL) {
			ok(0, "load %s: %s", zones[i], cause);
			free(cause);
			continue;
		}
		for (j = 0; j < nitems(spans); j++)
			sweep(z, zones[i], (int)j);
		tz_free(z);
	}
}

/* Local times with none, one or two instants: facts, not the library. */
static const struct {
	const char	*zone, *local;
	enum tz_found	 found;
	const char	*earlier, *later, *after_gap;	/* UTC */
} facts[] = {
	{ "Europe/Berlin", "2026-07-01 12:00", TZ_FOUND_ONE,
	  "2026-07-01 10:00", "2026-07-01 10:00", "2026-07-01 10:00" },
	{ "Europe/Berlin", "2026-03-29 02:30", TZ_FOUND_GAP,
	  "2026-03-29 00:30", "2026-03-29 01:30", "2026-03-29 01:00" },
	{ "Europe/Berlin", "2026-03-29 02:00", TZ_FOUND_GAP,
	  "2026-03-29 00:00", "2026-03-29 01:00", "2026-03-29 01:00" },
	{ "Europe/Berlin", "2026-03-29 03:00", TZ_FOUND_ONE,
	  "2026-03-29 01:00", "2026-03-29 01:00", "2026-03-29 01:00" },
	{ "Europe/Berlin", "2026-10-25 02:30", TZ_FOUND_FOLD,
	  "2026-10-25 00:30", "2026-10-25 01:30", "2026-10-25 00:30" },
	{ "Europe/Berlin", "2026-10-25 03:00", TZ_FOUND_ONE,
	  "2026-10-25 02:00", "2026-10-25 02:00", "2026-10-25 02:00" },
	{ "Europe/Berlin", "2400-03-26 02:30", TZ_FOUND_GAP,
	  "2400-03-26 00:30", "2400-03-26 01:30", "2400-03-26 01:00" },
	{ "Europe/Berlin", "2400-10-29 02:30", TZ_FOUND_FOLD,
	  "2400-10-29 00:30", "2400-10-29 01:30", "2400-10-29 00:30" },
	/* Local mean time before 1893: +0:53:28. */
	{ "Europe/Berlin", "1850-01-01 00:00", TZ_FOUND_ONE,
	  "1849-12-31 23:06:32", "1849-12-31 23:06:32",
	  "1849-12-31 23:06:32" },
	{ "Europe/Athens", "2026-03-29 03:30", TZ_FOUND_GAP,
	  "2026-03-29 00:30", "2026-03-29 01:30", "2026-03-29 01:00" },
	{ "Europe/Athens", "2026-10-25 03:30", TZ_FOUND_FOLD,
	  "2026-10-25 00:30", "2026-10-25 01:30", "2026-10-25 00:30" },
	{ "America/New_York", "2026-03-08 02:30", TZ_FOUND_GAP,
	  "2026-03-08 06:30", "2026-03-08 07:30", "2026-03-08 07:00" },
	{ "America/New_York", "2026-11-01 01:30", TZ_FOUND_FOLD,
	  "2026-11-01 05:30", "2026-11-01 06:30", "2026-11-01 05:30" },
	/* Lord Howe moves its clock by 30 minutes: +10:30 and +11. */
	{ "Australia/Lord_Howe", "2026-10-04 02:15", TZ_FOUND_GAP,
	  "2026-10-03 15:15", "2026-10-03 15:45", "2026-10-03 15:30" },
	{ "Australia/Lord_Howe", "2026-10-04 02:30", TZ_FOUND_ONE,
	  "2026-10-03 15:30", "2026-10-03 15:30", "2026-10-03 15:30" },
	{ "Australia/Lord_Howe", "2026-04-05 01:45", TZ_FOUND_FOLD,
	  "2026-04-04 14:45", "2026-04-04 15:15", "2026-04-04 14:45" },
	{ "Australia/Lord_Howe", "2026-04-05 02:00", TZ_FOUND_ONE,
	  "2026-04-04 15:30", "2026-04-04 15:30", "2026-04-04 15:30" },
	{ "UTC", "2026-03-29 02:30", TZ_FOUND_ONE,
	  "2026-03-29 02:30", "2026-03-29 02:30", "2026-03-29 02:30" },
	/* Out of range fields are normalised: March 32nd, 25 o'clock. */
	{ "Europe/Berlin", "2026-03-32 25:00", TZ_FOUND_ONE,
	  "2026-04-01 23:00", "2026-04-01 23:00", "2026-04-01 23:00" },
};

static void
test_facts(void)
{
	struct tz	*z;
	struct tm	 tm;
	char		*cause = NULL;
	const char	*want[3];
	enum tz_pick	 picks[3] = { TZ_EARLIER, TZ_LATER, TZ_AFTER_GAP };
	time_t		 t;
	size_t		 i, j;
	enum tz_found	 f;

	for (i = 0; i < nitems(facts); i++) {
		if ((z = tz_load(facts[i].zone, &cause)) == NULL) {
			ok(0, "load %s: %s", facts[i].zone, cause);
			free(cause);
			continue;
		}
		memset(&tm, 0, sizeof tm);
		sscanf(facts[i].local, "%d-%d-%d %d:%d", &tm.tm_year,
		    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min);
		tm.tm_year -= 1900;
		tm.tm_mon -= 1;
		want[0] = facts[i].earlier;
		want[1] = facts[i].later;
		want[2] = facts[i].after_gap;
		for (j = 0; j < 3; j++) {
			t = 0;
			f = tz_utc(z, &tm, picks[j], &t);
			ok(f == facts[i].found && t == utc(want[j]),
			    "%s %s pick %zu: %s", facts[i].zone,
			    facts[i].local, j, want[j]);
			if (f != facts[i].found || t != utc(want[j]))
				diag("found %d, t %lld, want %d, %lld", f,
				    (long long)t, facts[i].found,
				    (long long)utc(want[j]));
		}
		tz_free(z);
	}
}

/*
 * POSIX strings, compared with the C library reading the same string;
 * without rules (EST5EDT) the C library reads "posixrules", whose history
 * before 2007 differs from the rules of today helpq assumes.
 */
static const struct {
	const char	*spec;
	int		 since_1971;
} posix_good[] = {
	{ "CET-1CEST,M3.5.0,M10.5.0/3", 1 },
	{ "<+1030>-10:30<+11>-11,M10.1.0,M4.1.0", 1 },
	{ "EST5EDT,M3.2.0,M11.1.0", 1 },
	{ "EST5EDT", 0 },
	{ "<-03>3<-02>,M3.5.0/-2,M10.5.0/-1", 1 },
	{ "AAA3BBB,J60/12:30,J300/1:15:30", 1 },
	{ "XXX-5:45YYY-6,59,300/0", 1 },
	{ "<+0545>-5:45", 1 },
	{ "NZST-12NZDT,M9.5.0,M4.1.0/3", 1 },
};

static const char *const posix_bad[] = {
	"", "C", "CET", "CET-1CEST,M13.1.0,M10.5.0", "CET-1CEST,M3.5.0",
	"CET-25", "CET-1CEST,J0,J365", "CET-1CEST,M3.6.0,M10.5.0",
	"CET-1CEST,M3.5.7,M10.5.0", "<CET-1", "CET-1CEST,M3.5.0,M10.5.0/x",
	"CET-1:60", "CET-1CEST,M3.5.0/168,M10.5.0",
};

static void
test_posix(void)
{
	struct tz	*z;
	struct tm	 tm;
	char		*cause;
	size_t		 i, j;

	for (i = 0; i < nitems(posix_good); i++) {
		cause = NULL;
		if ((z = tz_load_posix(posix_good[i].spec, &cause)) == NULL) {
			ok(0, "posix %s: %s", posix_good[i].spec, cause);
			free(cause);
			continue;
		}
		sweep(z, posix_good[i].spec, 1);
		sweep(z, posix_good[i].spec, 2);
		if (posix_good[i].since_1971)
			sweep(z, posix_good[i].spec, 4);
		tz_free(z);
	}
	/* DST all year: each year's start meets the last year's end. */
	cause = NULL;
	z = tz_load_posix("<-04>4<-03>,0/0,J365/25", &cause);
	for (i = 0, j = 0; z != NULL && i < 3 * 365 * 4; i++) {
		if (tz_local(z, 1767225600 + (time_t)i * 6 * 3600, &tm) != 0 ||
		    tm.tm_gmtoff != -3 * 3600 || !tm.tm_isdst)
			j++;
	}
	ok(z != NULL && j == 0, "DST all year (%zu instants differ)", j);
	tz_free(z);
	free(cause);
	for (i = 0; i < nitems(posix_bad); i++) {
		cause = NULL;
		z = tz_load_posix(posix_bad[i], &cause);
		ok(z == NULL && cause != NULL && strstr(cause, "POSIX") != NULL,
		    "posix '%s' refused: %s", posix_bad[i], cause);
		tz_free(z);
		free(cause);
	}
}

static const char *const bad_names[] = {
	"", "../etc/passwd", "/etc/localtime", "/usr/share/zoneinfo/UTC",
	"Europe/../../etc/passwd", "Europe/..", "./Europe/Berlin",
	"Europe//Berlin", "Europe/Berlin/", ".hidden", "Bad Zone",
	"Europe/Berlin\n", "Europe\\Berlin",
};

/* s with control characters as '?', for one TAP line (static). */
static const char *
vis(const char *s)
{
	static char	buf[256];
	size_t		i;

	for (i = 0; s[i] != '\0' && i < sizeof buf - 1; i++)
		buf[i] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
	buf[i] = '\0';
	return (buf);
}

static void
test_names(void)
{
	struct tz	*z;
	char		*cause;
	size_t		 i;

	for (i = 0; i < nitems(bad_names); i++) {
		cause = NULL;
		z = tz_load(bad_names[i], &cause);
		ok(z == NULL && cause != NULL &&
		    strstr(cause, "not a time zone name") != NULL,
		    "name '%s' refused", vis(bad_names[i]));
		tz_free(z);
		free(cause);
	}
	cause = NULL;
	z = tz_load("No/Such_Zone", &cause);
	ok(z == NULL && cause != NULL && strstr(cause, "unknown time zone "
	    "'No/Such_Zone'") != NULL, "unknown zone: %s", cause);
	free(cause);
	cause = NULL;
	z = tz_load("Europe", &cause);
	ok(z == NULL && cause != NULL, "a directory is no zone: %s", cause);
	free(cause);
	cause = NULL;
	z = tz_load("zone.tab", &cause);
	ok(z == NULL && cause != NULL && strstr(cause, "not a valid TZif")
	    != NULL, "a file that is no zone: %s", cause);
	tz_free(z);
	free(cause);
}

/* Write len bytes of buf to dir/name. */
static int
put(const char *dir, const char *name, const unsigned char *buf, size_t len)
{
	char	*path = xprintf("%s/%s", dir, name);
	FILE	*f = fopen(path, "wb");
	int	 rc;

	free(path);
	if (f == NULL)
		return (-1);
	rc = fwrite(buf, 1, len, f) == len ? 0 : -1;
	return (fclose(f) != 0 ? -1 : rc);
}

/* The size of a version 1 header and data block. */
static size_t
v1_size(const unsigned char *p)
{
	size_t	c[6];
	int	i;

	for (i = 0; i < 6; i++)
		c[i] = (size_t)p[20 + 4 * i] << 24 |
		    (size_t)p[21 + 4 * i] << 16 |
		    (size_t)p[22 + 4 * i] << 8 | p[23 + 4 * i];
	return (44 + c[3] * 5 + c[4] * 6 + c[5] + c[2] * 8 + c[1] + c[0]);
}

/*
 * Zone files in a directory of our own ($TZDIR): UTC needs none, a
 * version 1 file (the 32-bit block alone) reads right, and every cut of
 * a real file is refused without a crash.
 */
static void
test_files(void)
{
	char		 dir[] = "/tmp/test-tz.XXXXXX";
	unsigned char	 buf[64 * 1024], *v1;
	struct tz	*z;
	struct tm	 tm;
	char		*cause = NULL, *path;
	size_t		 len, n, refused = 0, cuts = 0;
	FILE		*f;

	if ((f = fopen("/usr/share/zoneinfo/Europe/Berlin", "rb")) == NULL ||
	    mkdtemp(dir) == NULL) {
		ok(0, "tzdata and a temporary directory: %s", strerror(errno));
		return;
	}
	len = fread(buf, 1, sizeof buf, f);
	fclose(f);
	setenv("TZDIR", dir, 1);
	z = tz_load("UTC", &cause);
	ok(z != NULL && tz_local(z, 1790000000, &tm) == 0 &&
	    tm.tm_gmtoff == 0 && strcmp(tm.tm_zone, "UTC") == 0,
	    "UTC without any zone file");
	tz_free(z);

	v1 = xmalloc(len);
	memcpy(v1, buf, len);
	v1[4] = '\0';
	n = v1_size(v1);
	ok(n < len && put(dir, "Berlin1", v1, n) == 0, "a version 1 file");
	if ((z = tz_load("Berlin1", &cause)) == NULL) {
		ok(0, "version 1: %s", cause);
		free(cause);
		cause = NULL;
	} else {
		/* 32-bit times: 1901 to 2037, and the last type after. */
		sweep(z, ":/usr/share/zoneinfo/Europe/Berlin", 1);
		tz_free(z);
	}
	free(v1);

	for (n = 0; n < len; n += n < 64 ? 1 : 37) {
		if (put(dir, "Cut", buf, n) != 0)
			break;
		cuts++;
		if ((z = tz_load("Cut", &cause)) == NULL) {
			refused++;
			free(cause);
			cause = NULL;
		}
		tz_free(z);
	}
	ok(cuts > 0 && refused == cuts, "every cut file refused (%zu of %zu)",
	    refused, cuts);
	ok(put(dir, "Whole", buf, len) == 0 &&
	    (z = tz_load("Whole", &cause)) != NULL, "the whole file loads");
	tz_free(z);
	free(cause);

	path = xprintf("%s/Berlin1", dir);
	unlink(path);
	free(path);
	path = xprintf("%s/Cut", dir);
	unlink(path);
	free(path);
	path = xprintf("%s/Whole", dir);
	unlink(path);
	free(path);
	rmdir(dir);
	unsetenv("TZDIR");
}

/* The system zone follows $TZ in its forms; a null zone is UTC. */
static void
test_system(void)
{
	static const struct {
		const char	*tz, *abbr;
	} cases[] = {
		{ "Europe/Athens", "EET" },
		{ ":America/New_York", "EST" },
		{ ":/usr/share/zoneinfo/Australia/Lord_Howe", "+11" },
		{ "CET-1CEST,M3.5.0,M10.5.0/3", "CET" },
		{ "", "UTC" },
		{ "Not/A_Zone", "UTC" },
	};
	struct tz	*z;
	struct tm	 tm;
	size_t		 i;
	time_t		 winter = 1798761600;	/* 2027-01-01 */

	for (i = 0; i < nitems(cases); i++) {
		setenv("TZ", cases[i].tz, 1);
		z = tz_system();
		ok(z != NULL && tz_local(z, winter, &tm) == 0 &&
		    strcmp(tm.tm_zone, cases[i].abbr) == 0,
		    "TZ='%s' is %s", cases[i].tz, cases[i].abbr);
		tz_free(z);
	}
	ok(tz_local(NULL, winter, &tm) == 0 && tm.tm_hour == 0 &&
	    tm.tm_gmtoff == 0, "no zone is UTC");
	ok(tz_local(NULL, (time_t)1 << 60, &tm) == -1, "a year too far");
}

int
main(void)
{
	test_sweeps();
	test_facts();
	test_posix();
	test_names();
	test_files();
	test_system();
	return (done_testing());
}
