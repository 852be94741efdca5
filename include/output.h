/*
 * helpq - output.h: how tickets, conversations and search hits are shown,
 * as terminal text or as the documented JSON interface (helpq(1)).
 */
#ifndef HELPQ_OUTPUT_H
#define HELPQ_OUTPUT_H

#include "compat.h"

#include <stdio.h>
#include <time.h>

#include "report.h"

struct buf;
struct config;
struct json_t;
struct store;
struct ticket_filter;
struct tz;

/*
 * Each returns 0, or -1 with *cause set (allocated; the caller frees).
 * Text shows times on the clocks of tz (NULL: UTC); JSON in UTC.
 */
int	output_tickets(FILE *, const struct tz *tz, struct store *,
	    const struct ticket_filter *, time_t now, int json, char **cause);
/* Returns 1 if ticket id does not exist. */
int	output_show(FILE *, const struct tz *tz, struct store *, int64_t id,
	    time_t now, int json, char **cause);
int	output_search(FILE *, const struct tz *tz, struct store *,
	    const char *query, int limit, int json, char **cause);

/* The outbox, newest first: status -1 for all, limit 0 for all. */
int	output_outbox(FILE *, const struct tz *tz, struct store *,
	    int status, int limit, int json, char **cause);

/* The messages set aside as failed, oldest first. */
int	output_failed(FILE *, const struct tz *tz, struct store *, int json,
	    char **cause);

/* Which clocks helpq sla lists. */
struct output_sla_filter {
	const char	*queue;		/* NULL: all */
	int		 overdue;	/* only those past their due time */
};

/* The running and paused clocks at now, what is due soonest first. */
int	output_sla(FILE *, const struct config *, struct store *,
	    const struct output_sla_filter *, time_t now, int json,
	    char **cause);

/* Ticket's clocks, oldest first, as lines into b or, when array is not
 * NULL, as objects (helpq sla --json's) into it. */
int	output_clocks(struct store *, int64_t ticket, const struct tz *tz,
	    time_t now, struct buf *b, struct json_t *array, char **cause);

/* The arithmetic of ticket's clocks at now; 1 if there is no ticket. */
int	output_sla_explain(FILE *, const struct config *, struct store *,
	    int64_t ticket, time_t now, int json, char **cause);

/* How helpq report prints. */
enum output_report_format {
	OUTPUT_REPORT_TEXT,
	OUTPUT_REPORT_JSON,
	OUTPUT_REPORT_CSV
};

struct output_report {
	enum output_report_format format;
	time_t			 since, until;
	enum report_by		 by;
	struct report_fairness	 fair;
	const struct tz		*tz;	/* the text's times */
	time_t			 promise; /* [policy] response-time */
};

/* A finished report (report_finish). */
void	output_report(FILE *, const struct report *,
	    const struct output_report *);
/* The same as one self-contained HTML page (output_html.c). */
void	output_report_html(FILE *, const struct report *,
	    const struct output_report *);

/* "2026-11-22T10:00:00Z" into buf (at least 21 bytes); "" for 0. */
const char *output_iso8601(time_t, char *buf, size_t len);

#endif
