/*
 * helpq - output_html.c: helpq report --html, one page that needs
 * nothing else: inline CSS, charts as inline SVG, no script, no font, no
 * network. Every chart has its figures in a table beside it, so the page
 * reads without the charts and with a screen reader; each figure cell
 * carries its exact value in data-value.
 */
#include "compat.h"

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
#include "xmalloc.h"

#define BAR_W		420	/* the longest bar */
#define ROW_H		26
#define LABEL_W		110

/* s, made safe for the terminal rules and escaped for HTML. */
static void
html_text(FILE *f, const char *s)
{
	struct buf	 b;
	const char	*p;

	buf_init(&b);
	safe_add(&b, s != NULL ? s : "", 0);
	for (p = buf_cstr(&b); *p != '\0'; p++) {
		switch (*p) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*p, f);
		}
	}
	buf_free(&b);
}

/* A duration cell: the seconds in data-value, "6h 30m" to read. */
static void
td_span(FILE *f, const struct report_stat *s, time_t v)
{
	struct buf	b;

	if (s->n == 0) {
		fputs("<td data-value=\"\">-</td>", f);
		return;
	}
	buf_init(&b);
	sla_span(&b, v);
	fprintf(f, "<td data-value=\"%lld\">%s</td>", (long long)v,
	    buf_cstr(&b));
	buf_free(&b);
}

static void
td_count(FILE *f, size_t n)
{
	fprintf(f, "<td data-value=\"%zu\">%zu</td>", n, n);
}

static void
td_share(FILE *f, const struct report_share *s)
{
	if (s->n == 0)
		fputs("<td data-value=\"\">-</td>", f);
	else
		fprintf(f, "<td data-value=\"%.1f\">%.0f%% (%zu of %zu)</td>",
		    report_percent(s), report_percent(s), s->k, s->n);
}

/*
 * A horizontal bar chart: n bars of values v (of at most max), labelled;
 * late[i] colours bar i as past the promise. line_after >= 0 draws the
 * promise line below bar line_after, with its label.
 */
static void
svg_bars(FILE *f, const char *id, const char *title, const char *const *label,
    const double *v, const char *const *text, const int *late, size_t n,
    double max, int line_after, const char *line_label)
{
	size_t	i;
	double	w;
	int	h = (int)n * ROW_H + 12;

	fprintf(f, "<svg role=\"img\" aria-labelledby=\"%s\" width=\"%d\" "
	    "height=\"%d\" viewBox=\"0 0 %d %d\"><title id=\"%s\">", id,
	    LABEL_W + BAR_W + 90, h, LABEL_W + BAR_W + 90, h, id);
	html_text(f, title);
	fputs("</title>", f);
	for (i = 0; i < n; i++) {
		w = max > 0 ? v[i] / max * BAR_W : 0;
		fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">",
		    LABEL_W - 6, (int)i * ROW_H + 18);
		html_text(f, label[i]);
		fprintf(f, "</text><rect x=\"%d\" y=\"%d\" width=\"%.1f\" "
		    "height=\"%d\" class=\"%s\"/>", LABEL_W, (int)i * ROW_H + 4,
		    w, ROW_H - 8, late != NULL && late[i] ? "late" : "bar");
		fprintf(f, "<text x=\"%.1f\" y=\"%d\">", LABEL_W + w + 6,
		    (int)i * ROW_H + 18);
		html_text(f, text[i]);
		fputs("</text>", f);
	}
	if (line_after >= 0) {
		fprintf(f, "<line x1=\"0\" x2=\"%d\" y1=\"%d\" y2=\"%d\" "
		    "class=\"promise\"/><text x=\"%d\" y=\"%d\" "
		    "class=\"promise\">", LABEL_W + BAR_W + 80,
		    (line_after + 1) * ROW_H + 2, (line_after + 1) * ROW_H + 2,
		    LABEL_W + BAR_W + 80, (line_after + 1) * ROW_H - 2);
		html_text(f, line_label);
		fputs("</text>", f);
	}
	fputs("</svg>\n", f);
}

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<title>helpq report</title>\n<style>\n"
    "body{font-family:sans-serif;margin:2em;color:#222;max-width:72em}\n"
    "h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em}\n"
    "figure{display:flex;flex-wrap:wrap;gap:2em;align-items:flex-start;"
    "margin:0}\n"
    "table{border-collapse:collapse}td,th{padding:.2em .6em;"
    "border-bottom:1px solid #ddd;text-align:left}\n"
    "td[data-value]{text-align:right}\n"
    "svg text{font-size:13px;fill:#222}.bar{fill:#4a7ab5}.late{fill:#c0504d}"
    "\n.promise{stroke:#c0504d;stroke-dasharray:4 3;fill:#c0504d;"
    "text-anchor:end;font-size:12px}\n"
    "tr.flagged td{background:#fbe5e5}.flag{color:#a02020}\n"
    "</style></head>\n<body>\n";

static void
html_summary(FILE *f, const struct report_group *d)
{
	fputs("<h2>The desk</h2>\n<table id=\"desk\">\n", f);
#define ROW(name, key, cell) do {					\
	fprintf(f, "<tr data-key=\"%s\"><th>%s</th>", key, name);	\
	cell;								\
	fputs("</tr>\n", f);						\
} while (0)
	ROW("Tickets", "tickets", td_count(f, d->tickets));
	ROW("Messages received", "messages", td_count(f, d->messages));
	ROW("First response, median", "first_response.median",
	    td_span(f, &d->first, d->first.median));
	ROW("First response, p90", "first_response.p90",
	    td_span(f, &d->first, d->first.p90));
	ROW("First response, mean", "first_response.mean",
	    td_span(f, &d->first, d->first.mean));
	ROW("First response in business hours, median",
	    "first_response_business.median", td_span(f, &d->first_business,
	    d->first_business.median));
	ROW("Every response, median", "responses.median",
	    td_span(f, &d->response, d->response.median));
	ROW("Every response, mean", "responses.mean",
	    td_span(f, &d->response, d->response.mean));
	ROW("First answers in time", "first_in_time.percent",
	    td_share(f, &d->first_in_time));
	ROW("All answers in time", "all_in_time.percent",
	    td_share(f, &d->all_in_time));
	ROW("Warnings", "warnings", td_count(f, d->warnings));
	ROW("Breaches", "breaches", td_count(f, d->breaches));
	ROW("Handle time, median", "handle.median",
	    td_span(f, &d->handle, d->handle.median));
	ROW("Resolution time, median", "resolution.median",
	    td_span(f, &d->resolution, d->resolution.median));
	ROW("Reopened", "reopened.percent", td_share(f, &d->reopened));
	ROW("One-touch", "one_touch.percent", td_share(f, &d->one_touch));
	ROW("Returning customers", "returning.percent",
	    td_share(f, &d->returning));
#undef ROW
	fputs("</table>\n", f);
}

/* The first response times against the promise. */
static void
html_first(FILE *f, const struct report_group *d, time_t promise)
{
	static const char *const labels[REPORT_BUCKETS] = {
		"under 1h", "1h to 4h", "4h to 8h", "8h to 24h", "24h to 48h",
		"48h to 72h", "over 72h"
	};
	double		 v[REPORT_BUCKETS];
	char		 num[REPORT_BUCKETS][24];
	const char	*text[REPORT_BUCKETS];
	int		 late[REPORT_BUCKETS], line = -1;
	struct buf	 pl;
	size_t		 i, max = 0;

	for (i = 0; i < REPORT_BUCKETS; i++) {
		v[i] = (double)d->first_buckets[i];
		snprintf(num[i], sizeof num[i], "%zu", d->first_buckets[i]);
		text[i] = num[i];
		/* A bucket that starts at or after the promise is late. */
		late[i] = i > 0 && report_bucket_end[i - 1] >= promise;
		if (i < REPORT_BUCKETS - 1 && report_bucket_end[i] <= promise)
			line = (int)i;
		if (d->first_buckets[i] > max)
			max = d->first_buckets[i];
	}
	buf_init(&pl);
	buf_adds(&pl, "promise: ");
	sla_hours(&pl, promise);
	fputs("<h2>First response time against the promise</h2>\n<figure>", f);
	svg_bars(f, "chart-first", "First responses by time, against the "
	    "promise", labels, v, text, late, REPORT_BUCKETS, (double)max,
	    line, buf_cstr(&pl));
	fputs("<table id=\"first-buckets\"><tr><th>First response</th>"
	    "<th>Tickets</th></tr>\n", f);
	for (i = 0; i < REPORT_BUCKETS; i++) {
		fprintf(f, "<tr><td>%s</td>", labels[i]);
		td_count(f, d->first_buckets[i]);
		fputs("</tr>\n", f);
	}
	fprintf(f, "<tr><td>the promise</td><td>%s</td></tr></table>"
	    "</figure>\n", buf_cstr(&pl));
	buf_free(&pl);
}

/* Bars of one figure per group (day, age, rating), and the table. */
static void
html_series(FILE *f, const char *h2, const char *id, const char *title,
    const char *col, const char *const *label, const size_t *count,
    const struct report_share *share, size_t n)
{
	double		*v = xcalloc(n + 1, sizeof *v);
	char		**num = xcalloc(n + 1, sizeof *num);
	double		 max = share != NULL ? 100 : 0;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (share != NULL) {
			v[i] = report_percent(&share[i]);
			num[i] = xmalloc(24);
			if (share[i].n == 0)
				snprintf(num[i], 24, "-");
			else
				snprintf(num[i], 24, "%.0f%%", v[i]);
		} else {
			v[i] = (double)count[i];
			num[i] = xmalloc(24);
			snprintf(num[i], 24, "%zu", count[i]);
			if (v[i] > max)
				max = v[i];
		}
	}
	fprintf(f, "<h2>%s</h2>\n<figure>", h2);
	svg_bars(f, id, title, label, v, (const char *const *)num, NULL, n,
	    max, -1, NULL);
	fprintf(f, "<table id=\"%s-table\"><tr><th></th><th>%s</th></tr>\n",
	    id, col);
	for (i = 0; i < n; i++) {
		fputs("<tr><td>", f);
		html_text(f, label[i]);
		fputs("</td>", f);
		if (share != NULL)
			td_share(f, &share[i]);
		else
			td_count(f, count[i]);
		fputs("</tr>\n", f);
		free(num[i]);
	}
	fputs("</table></figure>\n", f);
	free(num);
	free(v);
}

static void
html_days(FILE *f, const struct report *r)
{
	const struct report_group	*v;
	struct report_share		*s;
	const char			**label;
	size_t				 n, i;

	v = report_days(r, &n);
	if (n == 0)
		return;
	label = xcalloc(n, sizeof *label);
	s = xcalloc(n, sizeof *s);
	for (i = 0; i < n; i++) {
		label[i] = v[i].name;
		s[i] = v[i].first_in_time;
	}
	html_series(f, "First answers in time, by the day the ticket came",
	    "chart-days", "Share of first answers in time per day",
	    "In time", label, NULL, s, n);
	free(label);
	free(s);
}

static void
html_backlog(FILE *f, const struct report_group *d)
{
	static const char *const label[REPORT_AGES] = {
		"under 4h", "4h to 24h", "1 to 3 days", "over 3 days"
	};

	html_series(f, "Backlog at the end of the period, by age",
	    "chart-backlog", "Open tickets at the end, by age", "Open tickets",
	    label, d->backlog, NULL, REPORT_AGES);
}

static void
html_csat(FILE *f, const struct report_group *d)
{
	static const char *const label[5] = { "1", "2", "3", "4", "5" };

	if (d->csat_n == 0) {
		fputs("<h2>Satisfaction</h2>\n<p id=\"csat\">No ratings in "
		    "the period.</p>\n", f);
		return;
	}
	fprintf(f, "<h2>Satisfaction</h2>\n<p id=\"csat\" data-value=\"%.2f\">"
	    "%.1f of 5 on average, from %zu ratings of %zu surveys.</p>\n",
	    (double)d->csat_sum / (double)d->csat_n,
	    (double)d->csat_sum / (double)d->csat_n, d->csat_n, d->surveys);
	html_series(f, "Ratings", "chart-csat", "Ratings from 1 to 5",
	    "Ratings", label, d->csat_counts + 1, NULL, 5);
}

/* The groups side by side: median first response, against the desk. */
static void
html_groups(FILE *f, const char *h2, const char *id,
    const struct report_group *d, const struct report_group *v, size_t n)
{
	const char	**label;
	const char	**text;
	struct buf	*b;
	double		*val, max = (double)d->first.median;
	int		*late;
	size_t		 i;

	if (n == 0)
		return;
	label = xcalloc(n, sizeof *label);
	text = xcalloc(n, sizeof *text);
	b = xcalloc(n, sizeof *b);
	val = xcalloc(n, sizeof *val);
	late = xcalloc(n, sizeof *late);
	for (i = 0; i < n; i++) {
		label[i] = v[i].name;
		val[i] = (double)v[i].first.median;
		buf_init(&b[i]);
		if (v[i].first.n == 0)
			buf_adds(&b[i], "-");
		else
			sla_span(&b[i], v[i].first.median);
		if (v[i].flagged)
			buf_adds(&b[i], " !");
		text[i] = buf_cstr(&b[i]);
		late[i] = v[i].flagged;
		if (val[i] > max)
			max = val[i];
	}
	fprintf(f, "<h2>%s</h2>\n<figure>", h2);
	svg_bars(f, id, "Median first response per group (flagged in red)",
	    label, val,
	    text, late, n, max, -1, NULL);
	fputs("<table class=\"groups\"><tr><th>Group</th><th>Tickets</th>"
	    "<th>First response, median</th><th>First answers in time</th>"
	    "<th>Breaches</th><th>Flag</th></tr>\n", f);
	fputs("<tr data-group=\"all\"><td>the desk</td>", f);
	td_count(f, d->tickets);
	td_span(f, &d->first, d->first.median);
	td_share(f, &d->first_in_time);
	td_count(f, d->breaches);
	fputs("<td></td></tr>\n", f);
	for (i = 0; i < n; i++) {
		fprintf(f, "<tr data-group=\"%s:", report_by_name(v[i].by));
		html_text(f, v[i].name);
		fprintf(f, "\"%s><td>", v[i].flagged ? " class=\"flagged\"" :
		    "");
		html_text(f, v[i].name);
		fputs("</td>", f);
		td_count(f, v[i].tickets);
		td_span(f, &v[i].first, v[i].first.median);
		td_share(f, &v[i].first_in_time);
		td_count(f, v[i].breaches);
		fputs("<td class=\"flag\">", f);
		if (v[i].flag != NULL)
			html_text(f, v[i].flag);
		fputs("</td></tr>\n", f);
		buf_free(&b[i]);
	}
	fputs("</table></figure>\n", f);
	free(label);
	free(text);
	free(b);
	free(val);
	free(late);
}

void
output_report_html(FILE *f, const struct report *r,
    const struct output_report *o)
{
	const struct report_group	*d = report_desk(r), *v;
	char				 a[32], b[32];
	size_t				 n, i;

	fputs(html_head, f);
	fprintf(f, "<h1>helpq report, %s to %s (", output_local(o->tz,
	    o->since, a, sizeof a), output_local(o->tz, o->until, b,
	    sizeof b));
	html_text(f, o->tz != NULL ? tz_name(o->tz) : "UTC");
	fputs(")</h1>\n", f);
	html_summary(f, d);
	html_first(f, d, o->promise);
	html_days(f, r);
	html_backlog(f, d);
	html_csat(f, d);
	v = report_groups(r, &n);
	if (o->by != REPORT_BY_NONE)
		html_groups(f, "By group", "chart-groups", d, v, n);
	v = report_fair_groups(r, &n);
	for (i = 0; i < n && v[i].by == REPORT_BY_LANGUAGE; i++)
		;
	fprintf(f, "<p>Equal treatment: groups of %zu tickets or more are "
	    "flagged with a median first response more than %d%% slower "
	    "than the desk's, or %d points fewer first answers in time.</p>\n",
	    o->fair.min_tickets, o->fair.slower, o->fair.points);
	html_groups(f, "By language", "chart-language", d, v, i);
	html_groups(f, "By customer type", "chart-customer-type", d, v + i,
	    n - i);
	fputs("</body></html>\n", f);
}
