/*
 * helpq - clocks.h: when the response promise's clocks start, stop, pause
 * and resume, as the ticket's messages and commands move it; each change
 * is kept in the store with an event that says why. sla.h does the
 * arithmetic. Every function writes inside the caller's transaction.
 */
#ifndef HELPQ_CLOCKS_H
#define HELPQ_CLOCKS_H

#include "compat.h"

#include <time.h>

#include "calendar.h"
#include "sla.h"

struct config;
struct store;

/* A clock to start, as decided before anything is written. */
struct clocks_start {
	struct sla_clock	 c;	/* its strings: set by clocks_start */
	char			 calendar[CALENDAR_NAME_MAX + 1];
	char			 source[CALENDAR_NAME_MAX + 16];
};

/*
 * The response clock of kind (first or next) of ticket a message that
 * arrived at when starts: the terms of queue (NULL: none) with
 * rule_seconds (0: none) set by a rule, counted in business time if
 * rule_business. Pure.
 */
void	 clocks_plan(const struct config *, const char *queue,
	    time_t rule_seconds, int rule_business, enum sla_kind kind,
	    int64_t ticket, time_t when, struct clocks_start *s);

/* Keep s (its ticket set now if it was 0), with an event, and the
 * ticket's due time. */
int	 clocks_start(struct store *, const struct config *,
	    struct clocks_start *s, int64_t message, char **cause);

/*
 * A customer message at when on ticket (not closed, in queue): the
 * resolution clock resumes if it was paused, or starts if there is none
 * and a resolution-time applies.
 */
int	 clocks_customer(struct store *, const struct config *,
	    int64_t ticket, const char *queue, time_t when, int64_t message,
	    char **cause);

/*
 * Our answer to ticket, queued at queued (when itself for mail seen
 * leaving), was accepted at when: the response clock stops and the
 * overdue tag goes; the first response is recorded.
 */
int	 clocks_answered(struct store *, int64_t ticket, time_t when,
	    time_t queued, int64_t message, char **cause);

/* The ticket waits on the customer from when: no response clock runs and
 * the resolution clock pauses. */
int	 clocks_wait(struct store *, const struct config *, int64_t ticket,
	    time_t when, char **cause);

/* The ticket closed at when: every clock stops. */
int	 clocks_close(struct store *, int64_t ticket, time_t when,
	    char **cause);

/*
 * Move ticket to status to at when (an agent's command, a rule, a reply's
 * --wait or --close), with an event naming by (NULL: none) for message
 * (0: none): waiting stops the response clock and pauses the resolution
 * clock, closed stops them all, open resumes a paused one.
 */
int	 clocks_move(struct store *, const struct config *, int64_t ticket,
	    int to, time_t when, const char *by, int64_t message,
	    char **cause);

/* The calendar a kept clock counts over: its own by name, else [policy]'s
 * (a calendar since removed from the configuration). */
const struct calendar *clocks_calendar(const struct config *,
	    const struct sla_clock *);

#endif
