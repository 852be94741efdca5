/*
 * helpq - store_outbox.c: the outbox table: mail queued to send, the
 * result of each attempt, copies to file in Sent and the counts that rate
 * limits are decided on.
 */
#include "compat.h"

#include <sqlite3.h>
#include <string.h>

#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

static const char *const outbox_status_names[] = {
	[OUTBOX_QUEUED] = "queued",
	[OUTBOX_SENT] = "sent",
	[OUTBOX_FAILED] = "failed"
};

int
store_outbox_add(struct store *s, const struct outbox_entry *e,
    int64_t *idp, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_OUTBOX_ADD, "queueing mail",
	    cause) != 0)
		return (-1);
	store_query_text(&q, 1, e->key);
	store_query_opt(&q, 2, e->ticket);
	store_query_text(&q, 3, e->message_id);
	store_query_text(&q, 4, e->kind);
	store_query_text(&q, 5, e->sender);
	store_query_text(&q, 6, e->recipients);
	store_query_blob(&q, 7, e->raw, e->rawlen);
	store_query_int(&q, 8, e->created);
	store_query_opt(&q, 9, e->next_attempt);
	store_query_int(&q, 10, e->copy);
	if (store_query_exec(&q, cause) != 0)
		return (-1);
	if (sqlite3_changes(s->db) == 1) {
		if (idp != NULL)
			*idp = sqlite3_last_insert_rowid(s->db);
		return (0);
	}
	if (store_query_start(&q, s, ST_OUTBOX_KEY, "queueing mail",
	    cause) != 0)
		return (-1);
	store_query_text(&q, 1, e->key);
	if (store_query_lookup(&q, idp, cause) == -1)
		return (-1);
	return (1);
}

static void
outbox_read(struct store_query *q, struct outbox_entry *e)
{
	int	st;

	memset(e, 0, sizeof *e);
	e->id = sqlite3_column_int64(q->stmt, 0);
	e->key = store_column_text(q, 1);
	e->ticket = sqlite3_column_int64(q->stmt, 2);
	e->message_id = store_column_text(q, 3);
	e->kind = store_column_text(q, 4);
	e->sender = store_column_text(q, 5);
	e->recipients = store_column_text(q, 6);
	e->raw = sqlite3_column_blob(q->stmt, 7);
	e->rawlen = (size_t)sqlite3_column_bytes(q->stmt, 7);
	st = store_name_lookup(outbox_status_names, nitems(outbox_status_names),
	    store_column_text(q, 8));
	e->status = st == -1 ? OUTBOX_FAILED : (enum outbox_status)st;
	e->attempts = sqlite3_column_int(q->stmt, 9);
	e->created = (time_t)sqlite3_column_int64(q->stmt, 10);
	e->next_attempt = (time_t)sqlite3_column_int64(q->stmt, 11);
	e->sent = (time_t)sqlite3_column_int64(q->stmt, 12);
	e->last_error = store_column_text(q, 13);
	e->reply = store_column_text(q, 14);
	e->copy = (enum outbox_copy)sqlite3_column_int(q->stmt, 15);
}

/* Call cb for each row of a started outbox query; *found counts them. */
static int
outbox_walk(struct store_query *q, store_outbox_cb cb, void *arg, int *found,
    char **cause)
{
	struct outbox_entry	e;
	int			r;

	while ((r = store_query_step(q, cause)) == 1) {
		(*found)++;
		outbox_read(q, &e);
		if (cb(&e, arg) != 0)
			break;
	}
	store_query_end(q);
	return (r == -1 ? -1 : 0);
}

int
store_outbox_due(struct store *s, time_t now, store_outbox_cb cb, void *arg,
    char **cause)
{
	struct store_query	q;
	int			found = 0;

	if (store_query_start(&q, s, now == 0 ? ST_OUTBOX_ALL_QUEUED :
	    ST_OUTBOX_DUE, "reading the outbox", cause) != 0)
		return (-1);
	if (now != 0)
		store_query_int(&q, 1, now);
	return (outbox_walk(&q, cb, arg, &found, cause));
}

int
store_outbox_get(struct store *s, int64_t id, store_outbox_cb cb, void *arg,
    char **cause)
{
	struct store_query	q;
	int			found = 0;

	if (store_query_start(&q, s, ST_OUTBOX_GET, "reading the outbox",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, id);
	if (outbox_walk(&q, cb, arg, &found, cause) != 0)
		return (-1);
	return (found ? 0 : 1);
}

int
store_outbox_list(struct store *s, int status, int limit, store_outbox_cb cb,
    void *arg, char **cause)
{
	struct store_query	q;
	int			found = 0, filter;

	filter = status >= 0 && (size_t)status < nitems(outbox_status_names);
	if (store_query_start(&q, s, filter ? ST_OUTBOX_LIST_STATUS :
	    ST_OUTBOX_LIST, "listing the outbox", cause) != 0)
		return (-1);
	store_query_int(&q, 1, limit > 0 ? limit : -1);
	if (filter)
		store_query_text(&q, 2, outbox_status_names[status]);
	return (outbox_walk(&q, cb, arg, &found, cause));
}

int
store_outbox_result(struct store *s, int64_t id, enum outbox_status status,
    time_t next_attempt, time_t sent, const char *error, const char *reply,
    char **cause)
{
	struct store_query	q;

	if ((unsigned)status >= nitems(outbox_status_names)) {
		*cause = xstrdup("recording a send: bad status");
		return (-1);
	}
	if (store_query_start(&q, s, ST_OUTBOX_RESULT, "recording a send",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, id);
	store_query_text(&q, 2, outbox_status_names[status]);
	store_query_opt(&q, 3, next_attempt);
	store_query_opt(&q, 4, sent);
	store_query_text(&q, 5, error);
	store_query_text(&q, 6, reply);
	return (store_query_exec(&q, cause));
}

int
store_outbox_copies(struct store *s, store_outbox_cb cb, void *arg,
    char **cause)
{
	struct store_query	q;
	int			found = 0;

	if (store_query_start(&q, s, ST_OUTBOX_COPIES, "reading the outbox",
	    cause) != 0)
		return (-1);
	return (outbox_walk(&q, cb, arg, &found, cause));
}

int
store_outbox_next(struct store *s, time_t *nextp, char **cause)
{
	struct store_query	q;
	int64_t			next = 0;

	if (store_query_start(&q, s, ST_OUTBOX_NEXT, "reading the outbox",
	    cause) != 0)
		return (-1);
	if (store_query_lookup(&q, &next, cause) == -1)
		return (-1);
	*nextp = (time_t)next;
	return (0);
}

int
store_outbox_copied(struct store *s, int64_t id, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_OUTBOX_COPIED,
	    "recording the Sent copy", cause) != 0)
		return (-1);
	store_query_int(&q, 1, id);
	return (store_query_exec(&q, cause));
}

int
store_outbox_requeue(struct store *s, int64_t id, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_OUTBOX_REQUEUE,
	    "putting mail back in the queue", cause) != 0)
		return (-1);
	store_query_int(&q, 1, id);
	if (store_query_exec(&q, cause) != 0)
		return (-1);
	return (sqlite3_changes(s->db) == 1 ? 0 : 1);
}

int
store_outbox_recent(struct store *s, const char *kind, const char *recipient,
    time_t since, int64_t *np, int64_t *ticketp, char **cause)
{
	struct store_query	 q;
	enum store_stmt		 id;
	int			 r;

	if (kind == NULL)
		id = ST_OUTBOX_RECENT_AUTO;
	else
		id = recipient != NULL ? ST_OUTBOX_RECENT_TO : ST_OUTBOX_RECENT;
	if (store_query_start(&q, s, id, "counting recent mail", cause) != 0)
		return (-1);
	store_query_text(&q, 1, recipient);
	if (kind != NULL)
		store_query_text(&q, 2, kind);
	store_query_int(&q, 3, since);
	if ((r = store_query_step(&q, cause)) == -1)
		return (-1);
	*np = r == 1 ? sqlite3_column_int64(q.stmt, 0) : 0;
	if (ticketp != NULL)
		*ticketp = r == 1 ? sqlite3_column_int64(q.stmt, 1) : 0;
	store_query_end(&q);
	return (0);
}

const char *
store_outbox_status_name(enum outbox_status st)
{
	if ((unsigned)st >= nitems(outbox_status_names))
		return ("?");
	return (outbox_status_names[st]);
}

int
store_outbox_status_parse(const char *name, enum outbox_status *stp)
{
	int	i;

	if ((i = store_name_lookup(outbox_status_names,
	    nitems(outbox_status_names), name)) == -1)
		return (-1);
	*stp = (enum outbox_status)i;
	return (0);
}
