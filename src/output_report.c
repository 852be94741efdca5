/*
 * helpq - output_report.c: helpq report as a terminal table, JSON
 * (helpq(1) names every field) or CSV for spreadsheets.
 */
#include "compat.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "output.h"
#include "output_private.h"
#include "report.h"
#include "safe.h"
#include "sla.h"
#include "tz.h"

/* ---- JSON ---- */

static json_t *
stat_json(const struct report_stat *s)
{
	json_t	*o = json_object();

	json_object_set_new(o, "count", json_integer((json_int_t)s->n));
	json_object_set_new(o, "median", s->n > 0 ?
	    json_integer(s->median) : json_null());
	json_object_set_new(o, "p90", s->n > 0 ? json_integer(s->p90) :
	    json_null());
	json_object_set_new(o, "mean", s->n > 0 ? json_integer(s->mean) :
	    json_null());
	return (o);
}

static json_t *
share_json(const struct report_share *s)
{
	json_t	*o = json_object();

	json_object_set_new(o, "count", json_integer((json_int_t)s->k));
	json_object_set_new(o, "of", json_integer((json_int_t)s->n));
	json_object_set_new(o, "percent", s->n > 0 ?
	    json_real(report_percent(s)) : json_null());
	return (o);
}

/* The share of 4 and 5 of the 1-5 ratings, and of the surveys
 * answered. */
static struct report_share
csat_satisfied(const struct report_group *g)
{
	struct report_share	s = { g->csat_good, g->csat_n };

	return (s);
}

static struct report_share
csat_answered(const struct report_group *g)
{
	struct report_share	s = { g->csat_n + g->nps_n, g->surveys };

	return (s);
}

static double
csat_average(const struct report_group *g)
{
	return (g->csat_n == 0 ? 0 : (double)g->csat_sum / (double)g->csat_n);
}

/* Promoters less detractors, in percent of the ratings. */
static double
nps_score(const struct report_group *g)
{
	return (g->nps_n == 0 ? 0 : 100.0 * ((double)g->nps_promoters -
	    (double)g->nps_detractors) / (double)g->nps_n);
}

static json_t *
csat_json(const struct report_group *g)
{
	struct report_share	 good = csat_satisfied(g);
	struct report_share	 answered = csat_answered(g);
	json_t			*o = json_object();

	json_object_set_new(o, "surveys", json_integer((json_int_t)
	    g->surveys));
	json_object_set_new(o, "ratings", json_integer((json_int_t)
	    g->csat_n));
	json_object_set_new(o, "average", g->csat_n > 0 ?
	    json_real(csat_average(g)) : json_null());
	json_object_set_new(o, "satisfied", share_json(&good));
	json_object_set_new(o, "answered", share_json(&answered));
	return (o);
}

static json_t *
nps_json(const struct report_group *g)
{
	json_t	*o = json_object();

	json_object_set_new(o, "ratings", json_integer((json_int_t)
	    g->nps_n));
	json_object_set_new(o, "promoters", json_integer((json_int_t)
	    g->nps_promoters));
	json_object_set_new(o, "detractors", json_integer((json_int_t)
	    g->nps_detractors));
	json_object_set_new(o, "score", g->nps_n > 0 ?
	    json_real(nps_score(g)) : json_null());
	return (o);
}

static json_t *
group_json(const struct report_group *g)
{
	json_t	*o = json_object(), *b = json_object();

	json_object_set_new(o, "group", safe_json(g->name));
	json_object_set_new(o, "by", g->by == REPORT_BY_NONE ? json_null() :
	    json_string(report_by_name(g->by)));
	json_object_set_new(o, "tickets", json_integer((json_int_t)
	    g->tickets));
	json_object_set_new(o, "messages", json_integer((json_int_t)
	    g->messages));
	json_object_set_new(o, "first_response", stat_json(&g->first));
	json_object_set_new(o, "first_response_business",
	    stat_json(&g->first_business));
	json_object_set_new(o, "responses", stat_json(&g->response));
	json_object_set_new(o, "handle", stat_json(&g->handle));
	json_object_set_new(o, "resolution", stat_json(&g->resolution));
	json_object_set_new(o, "first_in_time", share_json(&g->first_in_time));
	json_object_set_new(o, "all_in_time", share_json(&g->all_in_time));
	json_object_set_new(o, "warnings", json_integer((json_int_t)
	    g->warnings));
	json_object_set_new(o, "breaches", json_integer((json_int_t)
	    g->breaches));
	json_object_set_new(o, "reopened", share_json(&g->reopened));
	json_object_set_new(o, "one_touch", share_json(&g->one_touch));
	json_object_set_new(o, "returning", share_json(&g->returning));
	json_object_set_new(b, "under_4h", json_integer((json_int_t)
	    g->backlog[REPORT_AGE_4H]));
	json_object_set_new(b, "4h_to_24h", json_integer((json_int_t)
	    g->backlog[REPORT_AGE_1D]));
	json_object_set_new(b, "1d_to_3d", json_integer((json_int_t)
	    g->backlog[REPORT_AGE_3D]));
	json_object_set_new(b, "over_3d", json_integer((json_int_t)
	    g->backlog[REPORT_AGE_OLDER]));
	json_object_set_new(o, "backlog", b);
	json_object_set_new(o, "csat", csat_json(g));
	json_object_set_new(o, "nps", nps_json(g));
	json_object_set_new(o, "flagged", json_boolean(g->flagged));
	json_object_set_new(o, "flag", g->flag != NULL ?
	    json_string(g->flag) : json_null());
	return (o);
}

static json_t *
groups_json(const struct report_group *v, size_t n)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, group_json(&v[i]));
	return (a);
}

static void
report_json(FILE *f, const struct report *r, const struct output_report *o)
{
	const struct report_group	*v;
	json_t				*j = json_object(), *fair;
	size_t				 n;

	json_object_set_new(j, "since", output_json_time(o->since));
	json_object_set_new(j, "until", output_json_time(o->until));
	json_object_set_new(j, "by", o->by == REPORT_BY_NONE ? json_null() :
	    json_string(report_by_name(o->by)));
	json_object_set_new(j, "desk", group_json(report_desk(r)));
	v = report_groups(r, &n);
	json_object_set_new(j, "groups", groups_json(v, n));
	fair = json_object();
	json_object_set_new(fair, "slower", json_integer(o->fair.slower));
	json_object_set_new(fair, "points", json_integer(o->fair.points));
	json_object_set_new(fair, "min_tickets", json_integer((json_int_t)
	    o->fair.min_tickets));
	v = report_fair_groups(r, &n);
	json_object_set_new(fair, "groups", groups_json(v, n));
	json_object_set_new(j, "fairness", fair);
	output_json_print(f, j);
}

/* ---- CSV ---- */

/* A CSV field (RFC 4180): quoted when it holds a comma, quote or line. */
static void
csv_field(FILE *f, const char *s, int last)
{
	const char	*p;

	if (strpbrk(s, ",\"\r\n") == NULL)
		fputs(s, f);
	else {
		fputc('"', f);
		for (p = s; *p != '\0'; p++) {
			if (*p == '"')
				fputc('"', f);
			fputc(*p, f);
		}
		fputc('"', f);
	}
	fputs(last ? "\r\n" : ",", f);
}

static void
csv_num(FILE *f, long long v, int have)
{
	if (have)
		fprintf(f, "%lld", v);
	fputc(',', f);
}

static void
csv_pct(FILE *f, const struct report_share *s)
{
	if (s->n > 0)
		fprintf(f, "%.1f", report_percent(s));
	fputc(',', f);
}

static const char csv_header[] =
    "by,group,tickets,messages,first_median,first_p90,first_mean,"
    "first_business_median,responses_median,responses_mean,"
    "handle_median,resolution_median,first_in_time_percent,"
    "all_in_time_percent,warnings,breaches,reopened_percent,"
    "one_touch_percent,returning_percent,backlog_under_4h,"
    "backlog_4h_to_24h,backlog_1d_to_3d,backlog_over_3d,csat_average,"
    "csat_satisfied_percent,surveys_answered_percent,nps,flag\r\n";

static void
csv_group(FILE *f, const struct report_group *g)
{
	struct report_share	good = csat_satisfied(g);
	struct report_share	answered = csat_answered(g);
	struct buf		name;

	buf_init(&name);
	safe_add(&name, g->name, 0);
	csv_field(f, g->by == REPORT_BY_NONE ? "" : report_by_name(g->by), 0);
	csv_field(f, buf_cstr(&name), 0);
	buf_free(&name);
	csv_num(f, (long long)g->tickets, 1);
	csv_num(f, (long long)g->messages, 1);
	csv_num(f, g->first.median, g->first.n > 0);
	csv_num(f, g->first.p90, g->first.n > 0);
	csv_num(f, g->first.mean, g->first.n > 0);
	csv_num(f, g->first_business.median, g->first_business.n > 0);
	csv_num(f, g->response.median, g->response.n > 0);
	csv_num(f, g->response.mean, g->response.n > 0);
	csv_num(f, g->handle.median, g->handle.n > 0);
	csv_num(f, g->resolution.median, g->resolution.n > 0);
	csv_pct(f, &g->first_in_time);
	csv_pct(f, &g->all_in_time);
	csv_num(f, (long long)g->warnings, 1);
	csv_num(f, (long long)g->breaches, 1);
	csv_pct(f, &g->reopened);
	csv_pct(f, &g->one_touch);
	csv_pct(f, &g->returning);
	csv_num(f, (long long)g->backlog[REPORT_AGE_4H], 1);
	csv_num(f, (long long)g->backlog[REPORT_AGE_1D], 1);
	csv_num(f, (long long)g->backlog[REPORT_AGE_3D], 1);
	csv_num(f, (long long)g->backlog[REPORT_AGE_OLDER], 1);
	if (g->csat_n > 0)
		fprintf(f, "%.2f", csat_average(g));
	fputc(',', f);
	csv_pct(f, &good);
	csv_pct(f, &answered);
	if (g->nps_n > 0)
		fprintf(f, "%.0f", nps_score(g));
	fputc(',', f);
	csv_field(f, g->flag != NULL ? g->flag : "", 1);
}

static void
report_csv(FILE *f, const struct report *r)
{
	const struct report_group	*v;
	size_t				 n, i;

	fputs(csv_header, f);
	csv_group(f, report_desk(r));
	v = report_groups(r, &n);
	for (i = 0; i < n; i++)
		csv_group(f, &v[i]);
	v = report_fair_groups(r, &n);
	for (i = 0; i < n; i++)
		csv_group(f, &v[i]);
}

/* ---- text ---- */

static void
text_stat(struct buf *b, const struct report_stat *s, time_t v)
{
	if (s->n == 0)
		buf_adds(b, "-");
	else
		sla_span(b, v);
}

static void
text_share(struct buf *b, const struct report_share *s)
{
	if (s->n == 0)
		buf_adds(b, "-");
	else
		buf_addf(b, "%.0f%% (%zu of %zu)", report_percent(s), s->k,
		    s->n);
}

static void
text_line(FILE *f, const char *label, struct buf *b)
{
	fprintf(f, "  %-26s %s\n", label, buf_cstr(b));
	buf_reset(b);
}

static void
text_desk(FILE *f, const struct report_group *g)
{
	struct buf	b;

	buf_init(&b);
	buf_addf(&b, "%zu", g->tickets);
	text_line(f, "Tickets", &b);
	buf_addf(&b, "%zu", g->messages);
	text_line(f, "Messages received", &b);
	text_stat(&b, &g->first, g->first.median);
	buf_adds(&b, " median, ");
	text_stat(&b, &g->first, g->first.p90);
	buf_adds(&b, " p90, ");
	text_stat(&b, &g->first, g->first.mean);
	buf_addf(&b, " mean (%zu answered)", g->first.n);
	text_line(f, "First response", &b);
	text_stat(&b, &g->first_business, g->first_business.median);
	buf_adds(&b, " median, ");
	text_stat(&b, &g->first_business, g->first_business.p90);
	buf_adds(&b, " p90");
	text_line(f, "  in business hours", &b);
	text_stat(&b, &g->response, g->response.mean);
	buf_adds(&b, " mean, ");
	text_stat(&b, &g->response, g->response.median);
	buf_addf(&b, " median (%zu answer%s)", g->response.n,
	    g->response.n == 1 ? "" : "s");
	text_line(f, "Every response", &b);
	text_share(&b, &g->first_in_time);
	text_line(f, "First answers in time", &b);
	text_share(&b, &g->all_in_time);
	text_line(f, "All answers in time", &b);
	buf_addf(&b, "%zu warning%s, %zu breach%s", g->warnings,
	    g->warnings == 1 ? "" : "s", g->breaches, g->breaches == 1 ? "" :
	    "es");
	text_line(f, "Steps", &b);
	text_stat(&b, &g->handle, g->handle.median);
	buf_adds(&b, " median, ");
	text_stat(&b, &g->handle, g->handle.mean);
	buf_addf(&b, " mean (%zu closed)", g->handle.n);
	text_line(f, "Handle time", &b);
	text_stat(&b, &g->resolution, g->resolution.median);
	buf_adds(&b, " median, ");
	text_stat(&b, &g->resolution, g->resolution.mean);
	buf_adds(&b, " mean");
	text_line(f, "Resolution time", &b);
	text_share(&b, &g->reopened);
	text_line(f, "Reopened", &b);
	text_share(&b, &g->one_touch);
	text_line(f, "One-touch", &b);
	text_share(&b, &g->returning);
	text_line(f, "Returning customers", &b);
	buf_addf(&b, "%zu under 4h, %zu 4-24h, %zu 1-3d, %zu over 3d",
	    g->backlog[REPORT_AGE_4H], g->backlog[REPORT_AGE_1D],
	    g->backlog[REPORT_AGE_3D], g->backlog[REPORT_AGE_OLDER]);
	text_line(f, "Backlog at the end", &b);
	if (g->surveys == 0)
		buf_adds(&b, "no surveys sent");
	else {
		struct report_share	answered = csat_answered(g);
		struct report_share	good = csat_satisfied(g);

		if (g->csat_n > 0) {
			buf_addf(&b, "%.1f of 5 average, ", csat_average(g));
			text_share(&b, &good);
			buf_adds(&b, " rated 4 or 5; ");
		}
		if (g->nps_n > 0)
			buf_addf(&b, "NPS %+.0f; ", nps_score(g));
		text_share(&b, &answered);
		buf_adds(&b, " of the surveys answered");
	}
	text_line(f, "Satisfaction", &b);
	buf_free(&b);
}

static void
text_groups(FILE *f, const char *title, const struct report_group *v,
    size_t n)
{
	struct buf	b, cell;
	size_t		i;

	if (n == 0)
		return;
	buf_init(&b);
	buf_init(&cell);
	fprintf(f, "\n%s\n  %-16s %7s  %-10s %-10s %-8s %-8s %-10s %8s  %s\n",
	    title, "GROUP", "TICKETS", "FIRST MED", "FIRST P90", "IN TIME",
	    "ALL", "HANDLE", "BREACHES", "BACKLOG");
	for (i = 0; i < n; i++) {
		buf_reset(&b);
		buf_adds(&b, "  ");
		output_clipped(&b, v[i].name, 15, 1);
		buf_addf(&b, "%7zu  ", v[i].tickets);
#define CELL(w, stmt) do {						\
	buf_reset(&cell);						\
	stmt;								\
	buf_addf(&b, "%-*s ", (w), buf_cstr(&cell));			\
} while (0)
		CELL(10, text_stat(&cell, &v[i].first, v[i].first.median));
		CELL(10, text_stat(&cell, &v[i].first, v[i].first.p90));
		CELL(8, v[i].first_in_time.n == 0 ? buf_adds(&cell, "-") :
		    buf_addf(&cell, "%.0f%%",
		    report_percent(&v[i].first_in_time)));
		CELL(8, v[i].all_in_time.n == 0 ? buf_adds(&cell, "-") :
		    buf_addf(&cell, "%.0f%%",
		    report_percent(&v[i].all_in_time)));
		CELL(10, text_stat(&cell, &v[i].handle, v[i].handle.median));
#undef CELL
		buf_addf(&b, "%8zu  %zu", v[i].breaches,
		    v[i].backlog[REPORT_AGE_4H] + v[i].backlog[REPORT_AGE_1D] +
		    v[i].backlog[REPORT_AGE_3D] +
		    v[i].backlog[REPORT_AGE_OLDER]);
		fprintf(f, "%s\n", buf_cstr(&b));
		if (v[i].flagged)
			fprintf(f, "  ! %s: %s\n", v[i].name, v[i].flag);
	}
	buf_free(&cell);
	buf_free(&b);
}

static void
report_text(FILE *f, const struct report *r, const struct output_report *o)
{
	const struct report_group	*v;
	char				 a[32], b[32];
	size_t				 n, i;

	fprintf(f, "helpq report, %s to %s (%s)\n", output_local(o->tz,
	    o->since, a, sizeof a), output_local(o->tz, o->until, b, sizeof b),
	    o->tz != NULL ? tz_name(o->tz) : "UTC");
	text_desk(f, report_desk(r));
	v = report_groups(r, &n);
	if (o->by != REPORT_BY_NONE) {
		char	title[64];

		snprintf(title, sizeof title, "By %s", report_by_name(o->by));
		text_groups(f, title, v, n);
	}
	v = report_fair_groups(r, &n);
	fprintf(f, "\nEqual treatment: groups of %zu tickets or more are "
	    "flagged (!) with a median first\nresponse more than %d%% slower "
	    "than the desk's, or %d points fewer answered in time.\n",
	    o->fair.min_tickets, o->fair.slower, o->fair.points);
	for (i = 0; i < n && v[i].by == REPORT_BY_LANGUAGE; i++)
		;
	text_groups(f, "By language", v, i);
	text_groups(f, "By customer type", v + i, n - i);
}

void
output_report(FILE *f, const struct report *r, const struct output_report *o)
{
	switch (o->format) {
	case OUTPUT_REPORT_JSON:
		report_json(f, r, o);
		break;
	case OUTPUT_REPORT_CSV:
		report_csv(f, r);
		break;
	case OUTPUT_REPORT_TEXT:
		report_text(f, r, o);
		break;
	}
}
