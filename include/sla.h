/*
 * helpq - sla.h: the response promise's clocks as arithmetic. Which terms
 * a ticket's clock runs by (a rule's time wins over its queue's, the
 * queue's over [policy]'s), when a clock is due, when each of its steps
 * (warning, breach, escalation) comes due, and the arithmetic of a clock
 * told in words. Pure functions over the calendars and the
 * configuration: no I/O, no clock reading.
 *
 * A response clock (first or next) runs from the arrival of the earliest
 * customer message we have not answered to our answer; a ticket has at
 * most one running. The resolution clock runs from the first customer
 * message to close and pauses while the ticket waits on the customer:
 * spent holds the open time counted before the last pause, resumed when
 * it ran again.
 */
#ifndef HELPQ_SLA_H
#define HELPQ_SLA_H

#include "compat.h"

#include <stddef.h>
#include <time.h>

struct buf;
struct calendar;
struct config;

enum sla_kind {
	SLA_FIRST = 0,		/* first response */
	SLA_NEXT,		/* a later response */
	SLA_RESOLUTION		/* first customer message to close */
};

/* The steps of a clock, in the order of the configuration's keys. */
enum sla_step_id {
	SLA_WARN = 0,
	SLA_BREACH,
	SLA_ESCALATE,
	SLA_NSTEPS
};

/* What a clock has done, as bits of sla_clock.done. */
#define SLA_DONE_STEP(id)	(1u << (id))	/* the step's mail */
#define SLA_DONE_OVERDUE	(1u << 8)	/* breached: tagged overdue */

/*
 * One step: at a share of the promised time (percent > 0; 100 is the
 * due time), or an offset from the due time (percent 0; "+4h", "-1h"),
 * to an audience: "agents", "managers", "queue" (the queue's address,
 * else the agents) or addresses.
 */
struct sla_step {
	int		 set;		/* written in this section */
	int		 on;		/* 0: "none" */
	int		 percent;
	time_t		 offset;
	char		**to;		/* owned */
	size_t		 nto;
};

/*
 * The promise of [policy] (name NULL) or of a queue's [policy "NAME"]
 * section; 0, NULL and -1 members fall back to [policy]'s.
 */
struct sla_queue {
	char		*name;		/* owned */
	time_t		 response_time;
	time_t		 resolution_time; /* 0 in [policy]: no such clock */
	int		 business;	/* -1: [policy]'s */
	char		*calendar;	/* a [calendar "NAME"] (owned) */
	char		*address;	/* the queue's own (owned) */
	struct sla_step	 step[SLA_NSTEPS];
};

/* A clock, as sla.c reckons with it and the store keeps it. Strings are
 * borrowed. */
struct sla_clock {
	int64_t		 id;		/* the store's; 0 before it is kept */
	int64_t		 ticket;
	enum sla_kind	 kind;
	time_t		 started;	/* the message's arrival */
	time_t		 seconds;	/* the promise */
	int		 business;	/* counted in open hours of calendar */
	const char	*calendar;	/* its name */
	const char	*source;	/* "rule", "queue NAME", "default" */
	time_t		 due;
	time_t		 stopped;	/* 0: running (or paused) */
	const char	*outcome;	/* "answered", "waiting", "closed" */
	time_t		 spent;		/* open seconds counted before resumed */
	time_t		 resumed;	/* 0: paused; else started or when it
					 * ran again */
	unsigned	 done;		/* SLA_DONE_* */
};

/* What a clock runs by: borrowed from the configuration. */
struct sla_terms {
	time_t			 seconds;
	int			 business;
	const struct calendar	*cal;
	const char		*source;	/* "rule", "queue", "default" */
	const char		*queue;		/* the queue, or NULL */
};

/* A step's due time is more than this late when mailed: it says so. */
#define SLA_LATE	(15 * 60)

void	 sla_queue_init(struct sla_queue *, const char *name);
void	 sla_queue_clear(struct sla_queue *);
void	 sla_step_clear(struct sla_step *);

/*
 * Parse a step: "75% agents", "100% managers", "+4h director@example.com,
 * managers", "-30m queue" or "none". Returns 0, or -1 with *cause
 * (allocated; the caller frees) and *s unchanged.
 */
int	 sla_step_parse(struct sla_step *s, const char *v, char **cause);

/* The queue section name, or NULL. */
const struct sla_queue *sla_queue_find(const struct config *,
	    const char *name);

/*
 * The terms of a response clock (resolution 0) or the resolution clock
 * (resolution 1) of a ticket in queue (NULL: none), with rule_seconds
 * set by a rule (0: none) counted in business time if rule_business:
 * a rule's time wins over the queue's, the queue's over [policy]'s.
 * The calendar is the queue's, else [policy]'s. Returns 0, or 1 when
 * there is no such clock (no resolution-time anywhere).
 */
int	 sla_terms(const struct config *, const char *queue,
	    time_t rule_seconds, int rule_business, int resolution,
	    struct sla_terms *);

/* The steps of queue's clocks, each the queue's where it set the step,
 * else [policy]'s, else the built-in defaults (75% queue, 100%
 * managers, no escalation). */
const struct sla_step *sla_step_for(const struct config *,
	    const char *queue, enum sla_step_id);

/* When seconds of time counted from from have passed: calendar time, or
 * open time of cal when business. 0 if cal is never open. */
time_t	 sla_due(const struct calendar *cal, int business, time_t from,
	    time_t seconds);

/* The due time of c, from where it last resumed. */
time_t	 sla_clock_due(const struct sla_clock *c,
	    const struct calendar *cal);

/* When step s of clock c comes due (0: never: the calendar is never
 * open). */
time_t	 sla_step_at(const struct sla_clock *c, const struct calendar *cal,
	    const struct sla_step *s);

/* The steps of a running clock due at now and not done, as SLA_DONE_STEP
 * bits; at[] gets each step's time (those set, whatever the result). */
unsigned sla_steps_due(const struct sla_clock *c,
	    const struct calendar *cal, const struct sla_step *const *steps,
	    time_t now, time_t at[SLA_NSTEPS]);

/* "first", "next", "resolution"; "warn", "breach", "escalate". */
const char *sla_kind_name(enum sla_kind);
int	 sla_kind_parse(const char *, enum sla_kind *);
const char *sla_step_name(enum sla_step_id);
/* "first response", "next response", "resolution": a kind in words. */
const char *sla_kind_title(enum sla_kind);

/* "1d 4h", "3h 20m", "45m", "30s": a span for people (d is 24 hours). */
void	 sla_span(struct buf *, time_t seconds);
/* The same in hours and minutes alone: "24h", "16h 30m" (open time). */
void	 sla_hours(struct buf *, time_t seconds);

/* "Mon 2026-03-30 09:00 CEST": t in cal's zone ("never" for 0). */
void	 sla_time(struct buf *, const struct calendar *cal, time_t t);

/*
 * The arithmetic of clock c in words, one line each, into b: its start,
 * the terms and where they came from, each open interval counted and
 * each day skipped and why, the due time (in cal's zone), and at now
 * what is left or how late it is.
 */
void	 sla_explain(struct buf *b, const struct sla_clock *c,
	    const struct calendar *cal, time_t now);

#endif
