/*
 * helpq - tz.h: UTC and local time in a named IANA time zone, read from
 * the system's tzdata (TZif files), without the process-wide TZ. Two
 * zones can be used side by side; a loaded zone is read only, so one may
 * be shared by threads.
 */
#ifndef HELPQ_TZ_H
#define HELPQ_TZ_H

#include "compat.h"

#include <time.h>

struct tz;

/* Where zone files are looked for when $TZDIR is not set. */
#define TZ_DIR_DEFAULT	"/usr/share/zoneinfo"

/*
 * Load the zone name ("Europe/Berlin") from $TZDIR or TZ_DIR_DEFAULT: a
 * TZif file of version 1, 2 or 3 (the 64-bit data where there is one),
 * and its POSIX TZ footer for instants past the last transition. "UTC"
 * needs no file. A name is letters, digits, '_', '+', '-' in components
 * split by '/': no absolute path, no "." or "..". Returns the zone (free
 * with tz_free), or NULL with *cause (allocated; the caller frees) for a
 * bad name, a zone not found, or a file that is not valid TZif.
 */
struct tz	*tz_load(const char *name, char **cause);

/*
 * A zone from a POSIX TZ string alone ("CET-1CEST,M3.5.0,M10.5.0/3",
 * "<+0330>-3:30", "EST5EDT"): std and dst names, offsets, and the
 * Mm.w.d, Jn or n rules with their times. Same result as tz_load.
 */
struct tz	*tz_load_posix(const char *spec, char **cause);

/*
 * The system's own zone, for a configuration that names none: $TZ (a
 * zone name, ":name", ":/path" or a POSIX string) when set, else
 * /etc/localtime, else UTC. Never NULL; free with tz_free.
 */
struct tz	*tz_system(void);

/* The name the zone was loaded by (static for the life of the zone). */
const char	*tz_name(const struct tz *);

void		 tz_free(struct tz *);

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar
 * (negative before; m 1-12, d may run past the month's end). */
int64_t		 tz_days(int64_t y, int m, int d);

/*
 * The local time of instant t in zone z (NULL: UTC): every field of *tm
 * including tm_wday, tm_yday, tm_isdst, tm_gmtoff (seconds east of UTC)
 * and tm_zone (the abbreviation, "CEST"; it lives as long as z). Returns
 * 0, or -1 when the year does not fit a struct tm.
 */
int		 tz_local(const struct tz *z, time_t t, struct tm *tm);

/*
 * Which instant a local time names when it names none (a gap: the clock
 * jumped over it, as 02:30 on the day summer time starts) or two (a
 * fold: the clock showed it twice, as 02:30 on the day it ends).
 */
enum tz_pick {
	TZ_EARLIER,	/* fold: the first; gap: read with the later offset,
			 * which lands before the gap */
	TZ_LATER,	/* fold: the second; gap: read with the earlier
			 * offset, which lands after the gap */
	TZ_AFTER_GAP,	/* gap: the first instant after it (the
			 * transition); fold: the first */
};

/* What a local time was. */
enum tz_found {
	TZ_FOUND_ERROR = -1,	/* out of range */
	TZ_FOUND_ONE,		/* exactly one instant */
	TZ_FOUND_GAP,		/* none: *t is what pick chose */
	TZ_FOUND_FOLD,		/* two: *t is what pick chose */
};

/*
 * The instant (UTC) of local time *local in zone z (NULL: UTC). Only
 * tm_year, tm_mon, tm_mday, tm_hour, tm_min and tm_sec are read, and they
 * may be out of their ranges (tm_mday 32 is the 1st of the next month);
 * tm_isdst is ignored: gaps and folds are reported and settled by pick.
 * Zones are assumed to change offset at most once within two days.
 */
enum tz_found	 tz_utc(const struct tz *z, const struct tm *local,
		    enum tz_pick pick, time_t *t);

#endif
