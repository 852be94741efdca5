/*
 * helpq - store_survey.c: satisfaction surveys as the store keeps them,
 * one per ticket: sent or passed over, and the rating once it came.
 */
#include "compat.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

int
store_surveys_due(struct store *s, time_t from, time_t to, int64_t **idsp,
    size_t *np, char **cause)
{
	struct store_query	q;
	int64_t			*ids = NULL;
	size_t			 n = 0;
	int			 r;

	*idsp = NULL;
	*np = 0;
	if (store_query_start(&q, s, ST_SURVEY_DUE, "finding surveys due",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, from);
	store_query_int(&q, 2, to);
	while ((r = store_query_step(&q, cause)) == 1) {
		ids = xreallocarray(ids, n + 1, sizeof *ids);
		ids[n++] = sqlite3_column_int64(q.stmt, 0);
	}
	store_query_end(&q);
	if (r == -1) {
		free(ids);
		return (-1);
	}
	*idsp = ids;
	*np = n;
	return (0);
}

int
store_survey_last(struct store *s, int64_t ticket, time_t *lastp,
    char **cause)
{
	struct store_query	q;
	int64_t			v = 0;
	int			r;

	if (store_query_start(&q, s, ST_SURVEY_LAST, "reading surveys",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	r = store_query_lookup(&q, &v, cause);
	*lastp = r == 0 ? (time_t)v : 0;
	return (r == -1 ? -1 : 0);
}

int
store_survey_add(struct store *s, int64_t ticket, time_t when, int scale,
    int64_t outbox, const char *skipped, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_SURVEY_ADD, "recording a survey",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	store_query_int(&q, 2, when);
	store_query_int(&q, 3, scale);
	store_query_opt(&q, 4, outbox);
	store_query_text(&q, 5, skipped);
	return (store_query_exec(&q, cause));
}

int
store_survey_pending(struct store *s, int64_t ticket, int *scalep,
    char **cause)
{
	struct store_query	q;
	int64_t			v = 0;
	int			r;

	if (store_query_start(&q, s, ST_SURVEY_PENDING, "reading surveys",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	if ((r = store_query_lookup(&q, &v, cause)) == -1)
		return (-1);
	*scalep = (int)v;
	return (r == 0 ? 1 : 0);
}

int
store_survey_rate(struct store *s, int64_t ticket, int rating,
    const char *comment, time_t when, int64_t message, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_SURVEY_RATE, "recording a rating",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	store_query_int(&q, 2, rating);
	store_query_text(&q, 3, comment);
	store_query_int(&q, 4, when);
	store_query_opt(&q, 5, message);
	return (store_query_exec(&q, cause));
}

int
store_survey_get(struct store *s, int64_t ticket, struct survey *v,
    char **cause)
{
	struct store_query	q;
	int			r;

	memset(v, 0, sizeof *v);
	v->rating = -1;
	if (store_query_start(&q, s, ST_SURVEY_GET, "reading a survey",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	if ((r = store_query_step(&q, cause)) == 1) {
		v->time = sqlite3_column_int64(q.stmt, 0);
		v->scale = sqlite3_column_int(q.stmt, 1);
		v->outbox = sqlite3_column_int64(q.stmt, 2);
		v->skipped = store_column_dup(&q, 3);
		v->rating = sqlite3_column_int(q.stmt, 4);
		v->comment = store_column_dup(&q, 5);
		v->rated = sqlite3_column_int64(q.stmt, 6);
	}
	store_query_end(&q);
	return (r == 1 ? 0 : r == 0 ? 1 : -1);
}

void
store_survey_clear(struct survey *v)
{
	free(v->skipped);
	free(v->comment);
	memset(v, 0, sizeof *v);
}
