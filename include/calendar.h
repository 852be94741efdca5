/*
 * helpq - calendar.h: when a desk is open. A calendar is a time zone,
 * weekly opening hours (several intervals a day) and holidays; its
 * arithmetic answers when a number of open seconds after a start have
 * passed, and how many open seconds lie between two instants. Pure
 * functions over the zone module: no clock reading, no I/O except
 * calendar_read_ics.
 *
 * Time counts as it passes: an open day across a DST change is an hour
 * (or, on Lord Howe, half an hour) shorter or longer. Opening and closing
 * times are read on the local clock of the calendar's zone: a time the
 * clock skips on a spring-forward day (02:30 in Europe/Berlin) is the
 * first existing instant after the gap (03:00 CEST); a time the clock
 * shows twice on a fall-back day is its first occurrence (the summer
 * time one). Holidays are local dates of the zone.
 */
#ifndef HELPQ_CALENDAR_H
#define HELPQ_CALENDAR_H

#include "compat.h"

#include <stddef.h>
#include <time.h>

struct tz;

/* Open intervals a weekday can have. */
#define CALENDAR_SPANS_MAX	8
/* Open time is looked for this many days ahead, at most. */
#define CALENDAR_DAYS_MAX	(3 * 366)
/* Easter-relative holidays lie within this many days of Easter. */
#define CALENDAR_EASTER_MAX	80
/* Yearly rules of an iCalendar file are expanded up to this year. */
#define CALENDAR_YEAR_MAX	2100

/* One open interval, in minutes after local midnight: open < close. */
struct calendar_span {
	int	open;
	int	close;		/* up to 24 * 60 */
};

/* The opening hours of one weekday: n == 0 is closed all day. */
struct calendar_day {
	struct calendar_span	span[CALENDAR_SPANS_MAX];	/* sorted,
								 * apart */
	size_t			n;
};

enum calendar_holiday_kind {
	CALENDAR_DATE,		/* year-month-day */
	CALENDAR_YEARLY,	/* month-day of every year */
	CALENDAR_EASTER,	/* day days after Western Easter */
	CALENDAR_ORTHODOX	/* day days after Orthodox Easter */
};

struct calendar_holiday {
	enum calendar_holiday_kind kind;
	int		 year, month, day;	/* as the kind says */
	int		 from_file;	/* read by calendar_read_ics */
	char		*name;		/* as written, or the SUMMARY (owned) */
};

struct calendar {
	char			*name;	/* "default", or the section's (owned) */
	const struct tz		*tz;	/* NULL: UTC. Not owned unless it
					 * is own */
	struct tz		*own;	/* a zone the calendar loaded; freed
					 * by calendar_clear */
	int			 always; /* 24/7: every day 00:00-24:00 */
	struct calendar_day	 week[7];	/* 0 = Sunday, as struct tm */
	struct calendar_holiday	*holidays;	/* owned */
	size_t			 nholidays;
};

/* Nonzero if the n bytes at s are a calendar's name: 1 to
 * CALENDAR_NAME_MAX letters, digits, '-', '_' and '.'. */
#define CALENDAR_NAME_MAX	63
int	 calendar_name_valid(const char *s, size_t n);

/* A calendar open 24/7 in UTC with no holidays, named name (copied). */
void	 calendar_init(struct calendar *, const char *name);
/* Free what the calendar owns; it is left as calendar_init's "". */
void	 calendar_clear(struct calendar *);

/*
 * Parse "mon-fri 08:00-12:00 13:00-17:00, sat 10:00-14:00" into the week:
 * days not named are closed, "sun closed" names a closed day, a day named
 * twice has the later hours, and "24/7" alone is open all the time.
 * Returns 0, or -1 with *cause (allocated; the caller frees) and the
 * calendar unchanged.
 */
int	 calendar_parse_hours(struct calendar *, const char *,
	    char **cause);

/*
 * Parse holidays separated by commas or blanks: fixed dates
 * ("2026-12-24"), yearly dates ("12-25"), days relative to Western Easter
 * ("easter-2" Good Friday, "easter+1", "easter+50" Whit Monday) or to
 * Orthodox Easter ("orthodox-easter+1"), up to CALENDAR_EASTER_MAX days
 * away. They replace the holidays parsed before (not those of a file).
 * Returns 0, or -1 with *cause as above and the calendar unchanged.
 */
int	 calendar_parse_holidays(struct calendar *, const char *,
	    char **cause);

/*
 * Add the all-day VEVENTs of the iCalendar file path as holidays (each
 * day of an event of several days), a yearly RRULE expanded up to
 * CALENDAR_YEAR_MAX; they replace the holidays of a file read before.
 * Events with a time of day are not holidays and are left out. Returns
 * 0, or -1 with *cause ("path:line: what" where the line is known, else
 * "path: what"; allocated, the caller frees) and the calendar unchanged.
 * In calendar_ics.c, with libical.
 */
int	 calendar_read_ics(struct calendar *, const char *path,
	    char **cause);

/*
 * Easter Sunday of year (1583 to 9999) on the Gregorian calendar: Western
 * (the Gregorian computus) or Orthodox (the Julian computus, its date
 * converted to the Gregorian calendar). Returns 0 and sets *month
 * (1-12) and *day, or -1 for a year out of range.
 */
int	 calendar_easter(int year, int orthodox, int *month, int *day);

/* The name of the holiday on local date y-m-d (m 1-12), or NULL. */
const char *calendar_holiday(const struct calendar *, int y, int m, int d);

/*
 * The instant at which seconds of open time have passed after start; a
 * start outside the hours begins at the next opening (so 0 seconds is
 * the next open instant). Returns 0 when the calendar is not open within
 * CALENDAR_DAYS_MAX days. A 24/7 calendar without holidays is start +
 * seconds: calendar hours.
 */
time_t	 calendar_due(const struct calendar *, time_t start, time_t seconds);

/* The open seconds in [a, b); 0 when b <= a. */
time_t	 calendar_open_between(const struct calendar *, time_t a, time_t b);

/* One step of the arithmetic, as calendar_explain tells it. */
enum calendar_step_kind {
	CALENDAR_STEP_OPEN,	/* [from, to) counted */
	CALENDAR_STEP_CLOSED,	/* date is closed all day by the hours */
	CALENDAR_STEP_HOLIDAY	/* date is the holiday named holiday */
};

struct calendar_step {
	enum calendar_step_kind kind;
	int		 year, month, day;	/* the local date */
	time_t		 from, to;		/* OPEN */
	time_t		 counted;	/* OPEN: open seconds so far,
					 * this interval included */
	const char	*holiday;	/* HOLIDAY: lives as long as the
					 * calendar */
};

typedef void (*calendar_explain_fn)(const struct calendar_step *, void *);

/*
 * calendar_due, telling fn each open interval counted (the last one cut
 * at the due time) and each day skipped and why, in order. Returns what
 * calendar_due returns.
 */
time_t	 calendar_explain(const struct calendar *, time_t start,
	    time_t seconds, calendar_explain_fn fn, void *arg);

#endif
