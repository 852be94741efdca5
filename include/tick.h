/*
 * helpq - tick.h: what the response clocks do as time passes. A step
 * (warn, breach, escalate: sla.h) that comes due is mailed to its
 * audience once per clock; at the due time the ticket is tagged overdue.
 * A step mailed more than SLA_LATE after its time says so, and several
 * late ones to the same people go as one digest; one older than [ack]
 * max-age (history just imported) is recorded and mailed to nobody.
 * Tickets closed [survey] delay ago get their satisfaction survey.
 */
#ifndef HELPQ_TICK_H
#define HELPQ_TICK_H

#include "compat.h"

#include <stddef.h>
#include <time.h>

struct config;
struct outbox;
struct store;

struct tick_stats {
	size_t	clocks;		/* running clocks looked at */
	size_t	steps;		/* steps that came due */
	size_t	mailed;		/* mails queued (a digest is one) */
	size_t	late;		/* steps mailed late */
	size_t	breached;	/* clocks that passed their due time */
	size_t	surveys;	/* satisfaction surveys queued */
};

/*
 * Everything due at now, in one transaction of its own: the mail is
 * queued in the outbox (the caller flushes it), each step and breach
 * recorded on its clock with an event. Returns 0, or -1 with *cause
 * (nothing written).
 */
int	 tick_run(struct outbox *, struct store *, const struct config *,
	    time_t now, struct tick_stats *, char **cause);

/* When the next step or breach of a running clock comes due after now:
 * *next, 0 for none. 0, or -1 with *cause. */
int	 tick_next(struct store *, const struct config *, time_t now,
	    time_t *next, char **cause);

#endif
