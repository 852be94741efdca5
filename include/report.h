/*
 * helpq - report.h: how well the promise was kept, computed from the
 * tickets and clocks the store hands out (store_report_tickets), in
 * pure functions: no I/O, no clock reading, no SQL.
 *
 * The definitions (helpq(1), METRICS):
 *  - a ticket counts in the period its first response clock started (its
 *    creation when it has none); each response clock counts in the
 *    period it started;
 *  - first response time: from the customer's first message to the
 *    first answer the server accepted (or that was seen leaving), in
 *    calendar time and in the open hours of the clock's calendar;
 *  - response time: the same for every response clock (first and next);
 *  - in time: answered by the due time; late: answered after it, or not
 *    answered and past due at the end of the period; a clock neither is
 *    pending and left out of the shares;
 *  - handle time: from the ticket's creation to its close; resolution
 *    time: the same less the time it waited on the customer;
 *  - backlog: the tickets open at the end of the period, by age;
 *  - reopen rate: closed tickets reopened at least once, of the closed;
 *    one-touch: closed tickets with exactly one answer, of the closed;
 *  - new customers: tickets of customers with no earlier ticket;
 *  - CSAT: the mean of the 1-5 ratings, the share of 4 and 5, and the
 *    share of surveys answered; NPS: promoters (9, 10) less detractors
 *    (0 to 6), in percent of the 0-10 ratings.
 */
#ifndef HELPQ_REPORT_H
#define HELPQ_REPORT_H

#include "compat.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct config;
struct sla_clock;

/* One ticket as the store hands it out; strings and arrays are valid
 * during the callback only. */
struct report_ticket {
	int64_t			 id;
	time_t			 created;
	time_t			 closed;	/* 0: open */
	const char		*queue;		/* NULL: none */
	const char		*language;
	const char		*agent;		/* who answered first, or NULL */
	int			 priority;	/* enum rules_priority */
	int			 returning;	/* the customer wrote before */
	int			 reopened;	/* times reopened */
	int			 answers;	/* our answers */
	int			 messages;	/* customer messages in the period */
	time_t			 waited;	/* on the customer, until closed
						   or the end of the period */
	int			 surveyed;	/* a survey was sent */
	int			 rating;	/* its rating, -1: none */
	int			 scale;		/* 5 (1-5) or 10 (0-10) */
	const char *const	*tags;
	size_t			 ntags;
	const struct sla_clock	*clocks;	/* oldest first */
	size_t			 nclocks;
};

enum report_by {
	REPORT_BY_NONE = 0,
	REPORT_BY_QUEUE,
	REPORT_BY_TAG,
	REPORT_BY_AGENT,
	REPORT_BY_LANGUAGE,
	REPORT_BY_PRIORITY,
	REPORT_BY_CUSTOMER_TYPE,
	REPORT_BY_DAY,
	REPORT_BY_WEEK
};

/* "queue", "tag", ... "week": 0, or -1 for no such key. */
int		 report_by_parse(const char *, enum report_by *);
const char	*report_by_name(enum report_by);

/* A distribution of durations, in seconds. */
struct report_stat {
	size_t		 n;
	time_t		 median;
	time_t		 p90;
	time_t		 mean;
};

/* A share: of n, k (the share is k / n, none when n is 0). */
struct report_share {
	size_t		 k;
	size_t		 n;
};

/* Backlog ages at the end of the period. */
enum {
	REPORT_AGE_4H = 0,	/* under 4 hours */
	REPORT_AGE_1D,		/* 4 to 24 hours */
	REPORT_AGE_3D,		/* 1 to 3 days */
	REPORT_AGE_OLDER,	/* over 3 days */
	REPORT_AGES
};

/* First response times by bucket: under 1h, 1-4h, 4-8h, 8-24h, 24-48h,
 * 48-72h, over 72h. */
#define REPORT_BUCKETS	7
extern const time_t report_bucket_end[REPORT_BUCKETS - 1];

/* The figures of one group (or of the whole desk). */
struct report_group {
	char			*name;		/* "all" for the desk */
	enum report_by		 by;		/* NONE for the desk */
	size_t			 tickets;
	size_t			 messages;
	struct report_stat	 first;		/* first response, calendar */
	struct report_stat	 first_business;
	struct report_stat	 response;	/* every response */
	struct report_stat	 handle;
	struct report_stat	 resolution;
	struct report_share	 first_in_time;
	struct report_share	 all_in_time;
	size_t			 warnings;
	size_t			 breaches;
	struct report_share	 reopened;	/* of the closed */
	struct report_share	 one_touch;	/* of the closed */
	struct report_share	 returning;	/* of the tickets */
	size_t			 backlog[REPORT_AGES];
	/* Satisfaction: surveys sent, answered; ratings 1-5 (CSAT) and
	 * 0-10 (NPS). */
	size_t			 surveys;
	size_t			 csat_n;		/* 1-5 ratings */
	size_t			 csat_sum;
	size_t			 csat_good;	/* 4 or 5 */
	size_t			 nps_n;		/* 0-10 ratings */
	size_t			 nps_promoters;	/* 9 or 10 */
	size_t			 nps_detractors;	/* 0 to 6 */
	size_t			 first_buckets[REPORT_BUCKETS];
	size_t			 csat_counts[6];	/* [1..5] */
	/* Equal treatment: set when the group fares worse than the desk. */
	int			 flagged;
	char			*flag;		/* why, in words, or NULL */
};

/* When a group is flagged ([report] in helpq.conf(5)). */
struct report_fairness {
	int		 slower;	/* median first response more than this
					   many percent above the desk's */
	int		 points;	/* share in time this many points below */
	size_t		 min_tickets;	/* groups with fewer are not judged */
};

struct report;

/*
 * A report over [since, until) grouped by by (NONE: the desk alone),
 * with the configuration's calendars (borrowed; must outlive it).
 * Language and customer-type groups are always kept for the fairness
 * comparison. Free with report_free.
 */
struct report	*report_new(const struct config *, time_t since, time_t until,
		    enum report_by by, const struct report_fairness *);
void		 report_free(struct report *);

/* Count one ticket (a store_report_tickets callback; returns 0). */
int		 report_add(const struct report_ticket *, void *report);

/* Work out the figures once every ticket is in. */
void		 report_finish(struct report *);

/* The desk, the groups of by in name order, and the fairness groups
 * (language, then customer type) in name order. Borrowed. */
const struct report_group *report_desk(const struct report *);
const struct report_group *report_groups(const struct report *,
		    size_t *np);
const struct report_group *report_fair_groups(const struct report *,
		    size_t *np);
/* Each day of the period that tickets started on, in order. */
const struct report_group *report_days(const struct report *, size_t *np);

/* The share in percent (0 when there is nothing to share). */
double		 report_percent(const struct report_share *);

/* The median of v[0..n) (sorted in place), and the p90, nearest rank. */
void		 report_stat_of(time_t *v, size_t n, struct report_stat *);

#endif
