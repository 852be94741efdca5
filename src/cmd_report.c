/*
 * helpq - cmd_report.c: helpq report, how well the promise was kept over
 * a period, for the desk and by group.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "cmd.h"
#include "config.h"
#include "log.h"
#include "now.h"
#include "output.h"
#include "report.h"
#include "store.h"
#include "tz.h"

/* The default period: the week before --until. */
#define REPORT_DEFAULT_DAYS	7

static const struct args_opt report_opts[] = {
	{ "since", 0, "DATE", 's', "from DATE (default: a week before)" },
	{ "until", 0, "DATE", 'u', "up to DATE, not included (default: now)" },
	{ "by", 0, "KEY", 'b', "group by KEY: queue, tag, agent, language, "
	    "..." },
	{ "json", 0, NULL, 'j', "print JSON" },
	{ "csv", 0, NULL, 'c', "print CSV, a row per group" },
	{ NULL, 0, NULL, 0, NULL }
};

/* A --since or --until: 0 and *t, or -1. */
static int
report_date(const struct config *conf, const char *s, time_t *t)
{
	struct tm	tm;
	char		rest;

	if (now_parse(s, t) == 0)
		return (0);
	memset(&tm, 0, sizeof tm);
	if (sscanf(s, "%4d-%2d-%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
	    &rest) != 3 || tm.tm_mon < 1 || tm.tm_mon > 12 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_year < 1970)
		return (-1);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (tz_utc(conf->tz, &tm, TZ_AFTER_GAP, t) == TZ_FOUND_ERROR ?
	    -1 : 0);
}

static int
report_main(struct globals *g, struct args *a)
{
	struct output_report	 o;
	struct report		*r;
	struct store		*st;
	const char		*val, *since = NULL, *until = NULL;
	char			*cause = NULL;
	int			 ch, rc;

	memset(&o, 0, sizeof o);
	o.format = OUTPUT_REPORT_TEXT;
	while ((ch = args_next(a, 0, &val)) != -1) {
		switch (ch) {
		case 'b':
			if (report_by_parse(val, &o.by) != 0)
				cmd_usage_error("unknown group '%s' (queue, "
				    "tag, agent, language, priority, "
				    "customer-type, day, week)", val);
			break;
		case 'c':
			o.format = OUTPUT_REPORT_CSV;
			break;
		case 'j':
			o.format = OUTPUT_REPORT_JSON;
			break;
		case 's':
			since = val;
			break;
		case 'u':
			until = val;
			break;
		}
	}
	o.until = now_get();
	if (until != NULL && report_date(&g->conf, until, &o.until) != 0)
		cmd_usage_error("--until %s: expected YYYY-MM-DD or a UTC time "
		    "like 2026-11-02T08:00:00Z", until);
	o.since = o.until - REPORT_DEFAULT_DAYS * 86400;
	if (since != NULL && report_date(&g->conf, since, &o.since) != 0)
		cmd_usage_error("--since %s: expected YYYY-MM-DD or a UTC time "
		    "like 2026-11-02T08:00:00Z", since);
	if (o.since >= o.until)
		cmd_usage_error("--since must come before --until");
	o.tz = g->conf.tz;
	o.fair.slower = (int)g->conf.report.slower;
	o.fair.points = (int)g->conf.report.points;
	o.fair.min_tickets = g->conf.report.min_tickets;
	if ((rc = cmd_open_store(g, 0, &st)) != 0)
		return (rc);
	r = report_new(&g->conf, o.since, o.until, o.by, &o.fair);
	if (store_report_tickets(st, o.since, o.until, now_get(),
	    g->conf.address, report_add, r, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		rc = EX_SOFTWARE;
	} else {
		report_finish(r);
		output_report(stdout, r, &o);
	}
	report_free(r);
	store_close(st);
	return (rc);
}

const struct command cmd_report_command = {
	"report", NULL, report_main, report_opts, "", 0, 0, CMD_OPERAND_NONE,
	0, "How well the promise was kept: response times, shares in time, "
	"backlog"
};
