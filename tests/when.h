/* helpq - when.h: local times in a zone for the unit tests' tables. */
#ifndef HELPQ_TEST_WHEN_H
#define HELPQ_TEST_WHEN_H

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tz.h"

/* The instant of a UTC "YYYY-MM-DD HH:MM[:SS]", by the C library alone
 * (not the zone module the tests check). */
static inline time_t
utc(const char *s)
{
	struct tm	tm;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) < 5)
		return (-1);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (timegm(&tm));
}

/* The instant of "YYYY-MM-DD HH:MM" on z's clocks (a fold's first), or
 * -1 when it is no such time or falls in a gap. */
static inline time_t
at_in(const struct tz *z, const char *s)
{
	struct tm	tm;
	time_t		t;

	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%d-%d-%d %d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	    &tm.tm_hour, &tm.tm_min) != 5)
		return (-1);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if (tz_utc(z, &tm, TZ_EARLIER, &t) != TZ_FOUND_ONE)
		return (-1);
	return (t);
}

#endif
