/*
 * helpq - test-report.c: the report's statistics (median, nearest-rank
 * p90, mean) and the equal-treatment rule over tickets made up here;
 * the expected values are worked out by hand in the comments.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "report.h"
#include "sla.h"
#include "../tap.h"

static void
test_stats(void)
{
	time_t			v[10];
	struct report_stat	s;
	int			i;

	report_stat_of(NULL, 0, &s);
	ok(s.n == 0 && s.median == 0, "nothing: no figures");
	v[0] = 7;
	report_stat_of(v, 1, &s);
	ok(s.median == 7 && s.p90 == 7 && s.mean == 7, "one value");
	v[0] = 10;
	v[1] = 3;
	report_stat_of(v, 2, &s);
	/* Even: the mean of the middle two; p90 rank ceil(1.8) = 2. */
	ok(s.median == 6 && s.p90 == 10 && s.mean == 7, "two: median 6, "
	    "p90 10, mean 6.5 rounded to 7");
	for (i = 0; i < 10; i++)
		v[i] = (10 - i) * 60;
	report_stat_of(v, 10, &s);
	/* 60..600: median (300 + 360) / 2, p90 the 9th, mean 330. */
	ok(s.median == 330 && s.p90 == 540 && s.mean == 330,
	    "ten: median 330, p90 540 (nearest rank 9), mean 330");
}

/* A ticket started at t, answered after a seconds (0: not at all), with
 * a 24-hour promise; language lang. */
static void
add(struct report *r, int64_t id, time_t t, time_t a, const char *lang)
{
	struct report_ticket	rt;
	struct sla_clock	c;

	memset(&c, 0, sizeof c);
	c.id = id;
	c.ticket = id;
	c.kind = SLA_FIRST;
	c.started = c.resumed = t;
	c.seconds = 86400;
	c.calendar = "default";
	c.source = "default";
	c.due = t + 86400;
	if (a != 0) {
		c.stopped = t + a;
		c.outcome = "answered";
	}
	memset(&rt, 0, sizeof rt);
	rt.id = id;
	rt.created = t;
	rt.language = lang;
	rt.answers = a != 0;
	rt.clocks = &c;
	rt.nclocks = 1;
	report_add(&rt, r);
}

static void
test_fairness(const struct config *conf)
{
	const struct report_group	*d, *g;
	struct report_fairness		 f = { 25, 10, 3 };
	struct report			*r;
	size_t				 n, i;
	time_t				 day = 1780000000;

	r = report_new(conf, day, day + 7 * 86400, REPORT_BY_NONE, &f);
	/* de: 1h, 2h, 3h. en: 4h, 5h, 30h (late). fr: 20h, 20h (too few). */
	add(r, 1, day, 3600, "de");
	add(r, 2, day, 7200, "de");
	add(r, 3, day, 10800, "de");
	add(r, 4, day, 14400, "en");
	add(r, 5, day, 18000, "en");
	add(r, 6, day, 30 * 3600, "en");
	add(r, 7, day, 20 * 3600, "fr");
	add(r, 8, day, 20 * 3600, "fr");
	report_finish(r);
	d = report_desk(r);
	/* All eight: 1 2 3 4 5 20 20 30 h: median 4.5h; 7 of 8 in time. */
	ok(d->tickets == 8 && d->first.median == 16200 &&
	    d->first_in_time.k == 7 && d->first_in_time.n == 8,
	    "the desk: median 4h 30m, 7 of 8 in time");
	g = report_fair_groups(r, &n);
	for (i = 0; i < n && g[i].by == REPORT_BY_LANGUAGE; i++) {
		if (strcmp(g[i].name, "de") == 0)
			ok(!g[i].flagged, "de (median 2h) is not flagged");
		if (strcmp(g[i].name, "en") == 0)
			/* Median 5h: 11% slower; 67% in time: 21 points
			 * fewer. */
			ok(g[i].flagged && g[i].flag != NULL &&
			    strncmp(g[i].flag, "answered in time 67%", 20) == 0,
			    "en is flagged for its share in time: %s",
			    g[i].flag != NULL ? g[i].flag : "-");
		if (strcmp(g[i].name, "fr") == 0)
			/* Median 20h, 344% slower: but two tickets only. */
			ok(!g[i].flagged, "fr has too few tickets to judge");
	}
	is_int(i, 3, "three languages");
	report_free(r);
}

int
main(void)
{
	struct config	conf;

	config_defaults(&conf);
	test_stats();
	test_fairness(&conf);
	config_clear(&conf);
	return (done_testing());
}
