/*
 * helpq - now.h: the current time as helpq's commands see it. $HELPQ_NOW
 * (ISO 8601 in UTC, "2026-03-29T01:30:00Z", or seconds since the epoch)
 * stands the clock still at that instant, so tests and replays of a week
 * run in seconds; without it, the system clock. Timeouts of network I/O
 * and lock ages read the system clock themselves: they measure waiting,
 * not the promise.
 */
#ifndef HELPQ_NOW_H
#define HELPQ_NOW_H

#include "compat.h"

#include <time.h>

/*
 * Read $HELPQ_NOW once, before any command runs. Returns 0, or -1 with
 * *cause (allocated; the caller frees) when it is set but not a time.
 */
int	 now_setup(char **cause);

/* The current time: $HELPQ_NOW's, else time(NULL). */
time_t	 now_get(void);

/* Nonzero when $HELPQ_NOW holds the clock still. */
int	 now_fixed(void);

/* Parse s as now_setup reads $HELPQ_NOW: 0 with *tp, or -1. */
int	 now_parse(const char *s, time_t *tp);

#endif
