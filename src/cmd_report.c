/*
 * helpq - cmd_report.c: helpq report, how well the promise was kept over
 * a period, for the desk and by group.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <errno.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "log.h"
#include "now.h"
#include "output.h"
#include "report.h"
#include "store.h"
#include "tz.h"
#include "xmalloc.h"

/* The default period: the week before --until. */
#define REPORT_DEFAULT_DAYS	7

static const struct args_opt report_opts[] = {
	{ "since", 0, "DATE", 's', "from DATE (default: a week before)" },
	{ "until", 0, "DATE", 'u', "up to DATE, not included (default: now)" },
	{ "by", 0, "KEY", 'b', "group by KEY: queue, tag, agent, language, "
	    "..." },
	{ "json", 0, NULL, 'j', "print JSON" },
	{ "csv", 0, NULL, 'c', "print CSV, a row per group" },
	{ "html", 0, "FILE", 'h', "write the report with charts to FILE" },
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

/* The page into path, whole or not at all (a temporary file renamed). */
static int
report_write_html(const char *path, const struct report *r,
    const struct output_report *o, int quiet)
{
	char	*tmp;
	FILE	*f;
	int	 fd, rc = 0;

	tmp = xprintf("%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		log_error("%s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		free(tmp);
		return (EX_CANTCREAT);
	}
	output_report_html(f, r, o);
	/* Reports are read by others: a web server, colleagues. */
	if (fchmod(fd, 0644) != 0 || fflush(f) != 0 || ferror(f))
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc != 0 || rename(tmp, path) != 0) {
		log_error("%s: %s", path, strerror(errno));
		unlink(tmp);
		rc = EX_IOERR;
	} else if (!quiet)
		printf("wrote %s\n", path);
	free(tmp);
	return (rc);
}

static int
report_main(struct globals *g, struct args *a)
{
	struct output_report	 o;
	struct report		*r;
	struct store		*st;
	const char		*val, *since = NULL, *until = NULL;
	const char		*html = NULL;
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
		case 'h':
			html = val;
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
	if (html != NULL && o.format != OUTPUT_REPORT_TEXT)
		cmd_usage_error("--html writes a file: not with --json or "
		    "--csv");
	o.tz = g->conf.tz;
	o.promise = g->conf.policy.response_time;
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
		if (html != NULL)
			rc = report_write_html(html, r, &o, g->quiet);
		else
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
