/*
 * helpq - store_ticket.c: tickets and what hangs on them: customers,
 * participants, fields, events and tags; the lookups threading asks and
 * the walks the desk reads.
 */
#include "compat.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

static const char *const status_names[] = {
	[TICKET_NEW] = "new",
	[TICKET_OPEN] = "open",
	[TICKET_WAITING] = "waiting",
	[TICKET_CLOSED] = "closed"
};

/* ---- lookups ---- */

int
store_ticket_by_msgid(struct store *s, const char *msgid, int64_t *ticketp,
    char **cause)
{
	struct store_query	q;

	if (msgid == NULL || *msgid == '\0')
		return (1);
	if (store_query_start(&q, s, ST_BY_MSGID, "looking up Message-ID",
	    cause) != 0)
		return (-1);
	store_query_text(&q, 1, msgid);
	return (store_query_lookup(&q, ticketp, cause));
}

int
store_ticket_by_reference(struct store *s, const char *msgid,
    int64_t *ticketp, char **cause)
{
	struct store_query	q;

	*ticketp = 0;
	if (msgid == NULL || *msgid == '\0')
		return (0);
	if (store_query_start(&q, s, ST_BY_REFERENCE, "looking up a "
	    "referenced Message-ID", cause) != 0)
		return (-1);
	store_query_text(&q, 1, msgid);
	return (store_query_lookup(&q, ticketp, cause) == -1 ? -1 : 0);
}

/* The first column of each row of q, at most max of them, into v. */
static int
ticket_ids(struct store_query *q, int64_t *v, size_t max, size_t *np,
    char **cause)
{
	int	r;

	*np = 0;
	while ((r = store_query_step(q, cause)) == 1) {
		if (*np < max)
			v[(*np)++] = sqlite3_column_int64(q->stmt, 0);
	}
	return (r);
}

int
store_ticket_links(struct store *s, int64_t ticket, int64_t *v, size_t max,
    size_t *np, char **cause)
{
	struct store_query	q;

	*np = 0;
	if (store_query_start(&q, s, ST_TICKET_LINKS, "reading a ticket's "
	    "references", cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	store_query_int(&q, 2, (int64_t)max);
	return (ticket_ids(&q, v, max, np, cause));
}

int
store_shared_participants(struct store *s, int64_t a, int64_t b,
    int (*fn)(const char *, void *), void *arg, char **cause)
{
	struct store_query	q;
	int			r, v = 0;

	if (store_query_start(&q, s, ST_SHARED_PARTICIPANTS, "reading "
	    "participants", cause) != 0)
		return (-1);
	store_query_int(&q, 1, a);
	store_query_int(&q, 2, b);
	while ((r = store_query_step(&q, cause)) == 1) {
		if ((v = fn(store_column_text(&q, 0), arg)) != 0) {
			store_query_end(&q);
			return (v);
		}
	}
	return (r);
}

int
store_ticket_aliases(struct store *s, int64_t ticket, int64_t *v,
    size_t max, size_t *np, char **cause)
{
	struct store_query	q;

	*np = 0;
	if (store_query_start(&q, s, ST_ALIASES, "reading a ticket's "
	    "aliases", cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	return (ticket_ids(&q, v, max, np, cause));
}

int
store_ticket_resolve(struct store *s, int64_t id, int64_t *ticketp,
    char **cause)
{
	struct store_query	q;
	int			r;

	*ticketp = id;
	if (store_query_start(&q, s, ST_ALIAS, "reading a ticket's alias",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, id);
	if ((r = store_query_lookup(&q, ticketp, cause)) == 1)
		*ticketp = id;
	return (r == -1 ? -1 : 0);
}

int
store_ticket_merge(struct store *s, int64_t into, int64_t from, time_t now,
    char **cause)
{
	struct store_query	q;
	int64_t			a, b;
	int			st, np;

	/* Both must be tickets of their own, not aliases. */
	if (store_ticket_resolve(s, into, &a, cause) != 0 ||
	    store_ticket_resolve(s, from, &b, cause) != 0)
		return (-1);
	if (a != into || b != from || into == from)
		return (1);
	for (st = 0; st < 2; st++) {
		if (store_query_start(&q, s, ST_TICKET_GET, "reading ticket",
		    cause) != 0)
			return (-1);
		store_query_int(&q, 1, st == 0 ? into : from);
		if ((np = store_query_lookup(&q, NULL, cause)) != 0)
			return (np);
	}
	for (st = ST_MERGE_REMARK; st <= ST_MERGE_DELETE; st++) {
		if (store_query_start(&q, s, (enum store_stmt)st, "merging "
		    "tickets", cause) != 0)
			return (-1);
		/* Each statement names the parameters it needs. */
		np = sqlite3_bind_parameter_count(q.stmt);
		store_query_int(&q, 1, into);
		if (np >= 2)
			store_query_int(&q, 2, from);
		if (np >= 3)
			store_query_int(&q, 3, now);
		if (store_query_exec(&q, cause) != 0)
			return (-1);
	}
	return (0);
}

int
store_ticket_root_is_reply(struct store *s, int64_t ticket, char **cause)
{
	struct store_query	q;
	int64_t			v = 0;

	if (store_query_start(&q, s, ST_ROOT_IS_REPLY, "reading a ticket's "
	    "first message", cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	if (store_query_lookup(&q, &v, cause) == -1)
		return (-1);
	return (v != 0);
}

int
store_ticket_by_subject(struct store *s, const char *customer,
    const char *norm_subject, time_t since, int64_t *ticketp, char **cause)
{
	struct store_query	q;

	if (customer == NULL || *customer == '\0' || norm_subject == NULL)
		return (1);
	if (store_query_start(&q, s, ST_BY_SUBJECT, "looking up subject",
	    cause) != 0)
		return (-1);
	store_query_text(&q, 1, customer);
	store_query_text(&q, 2, norm_subject);
	store_query_int(&q, 3, since);
	return (store_query_lookup(&q, ticketp, cause));
}

int
store_ticket_has_participant(struct store *s, int64_t ticket,
    const char *addr, char **cause)
{
	struct store_query	q;

	if (addr == NULL || *addr == '\0')
		return (1);
	if (store_query_start(&q, s, ST_HAS_PARTICIPANT,
	    "looking up participant", cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	store_query_text(&q, 2, addr);
	return (store_query_lookup(&q, NULL, cause));
}

/* ---- tickets ---- */

/* Fill t from a row of TICKET_SELECT (tags not included). */
static void
ticket_read(struct store_query *q, struct ticket *t)
{
	sqlite3_stmt	*st = q->stmt;
	int		 status;

	memset(t, 0, sizeof *t);
	t->id = sqlite3_column_int64(st, 0);
	t->subject = store_column_dup(q, 1);
	t->norm_subject = store_column_dup(q, 2);
	t->customer_id = sqlite3_column_int64(st, 3);
	t->customer = store_column_dup(q, 4);
	t->customer_name = store_column_dup(q, 5);
	status = store_name_lookup(status_names, nitems(status_names),
	    store_column_text(q, 6));
	t->status = status == -1 ? TICKET_OPEN : (enum ticket_status)status;
	t->queue = store_column_dup(q, 7);
	t->priority = sqlite3_column_int(st, 8);
	t->assignee = store_column_dup(q, 9);
	t->language = store_column_dup(q, 10);
	t->created = (time_t)sqlite3_column_int64(st, 11);
	t->updated = (time_t)sqlite3_column_int64(st, 12);
	t->first_response = (time_t)sqlite3_column_int64(st, 13);
	t->due = (time_t)sqlite3_column_int64(st, 14);
	t->closed = (time_t)sqlite3_column_int64(st, 15);
	t->linked_to = sqlite3_column_int64(st, 16);
	t->nmessages = sqlite3_column_int(st, 17);
	t->response_time = (time_t)sqlite3_column_int64(st, 18);
}

static int
ticket_read_tags(struct store *s, struct ticket *t, char **cause)
{
	struct store_query	q;
	size_t			cap = 0;
	int			r;

	if (store_query_start(&q, s, ST_TICKET_TAGS, "reading tags",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, t->id);
	while ((r = store_query_step(&q, cause)) == 1) {
		if (t->ntags == cap) {
			cap = cap == 0 ? 4 : cap * 2;
			t->tags = xreallocarray(t->tags, cap,
			    sizeof *t->tags);
		}
		t->tags[t->ntags++] = store_column_dup(&q, 0);
	}
	return (r);
}

int
store_ticket_get(struct store *s, int64_t id, struct ticket *t,
    char **cause)
{
	struct store_query	q;
	int			r;

	memset(t, 0, sizeof *t);
	if (store_query_start(&q, s, ST_TICKET_GET, "reading ticket",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, id);
	if ((r = store_query_step(&q, cause)) == -1)
		return (-1);
	if (r == 0)
		return (1);
	ticket_read(&q, t);
	store_query_end(&q);
	if (ticket_read_tags(s, t, cause) != 0) {
		store_ticket_clear(t);
		return (-1);
	}
	return (0);
}

void
store_ticket_clear(struct ticket *t)
{
	size_t	i;

	if (t == NULL)
		return;
	free(t->subject);
	free(t->norm_subject);
	free(t->customer);
	free(t->customer_name);
	free(t->queue);
	free(t->assignee);
	free(t->language);
	for (i = 0; i < t->ntags; i++)
		free(t->tags[i]);
	free(t->tags);
	memset(t, 0, sizeof *t);
}

int
store_participant_add(struct store *s, int64_t ticket, const char *addr,
    char **cause)
{
	struct store_query	q;

	if (addr == NULL || *addr == '\0')
		return (0);
	if (store_query_start(&q, s, ST_PARTICIPANT_ADD, "adding participant",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	store_query_text(&q, 2, addr);
	return (store_query_exec(&q, cause));
}

/* Insert or count the customer; *idp = 0 when there is no address. */
static int
customer_upsert(struct store *s, const struct ticket_new *tn, int64_t *idp,
    char **cause)
{
	struct store_query	q;
	int			r;

	*idp = 0;
	if (tn->customer == NULL || *tn->customer == '\0')
		return (0);
	if (store_query_start(&q, s, ST_CUSTOMER_UPSERT, "adding customer",
	    cause) != 0)
		return (-1);
	store_query_text(&q, 1, tn->customer);
	store_query_text(&q, 2, tn->customer_name != NULL &&
	    *tn->customer_name != '\0' ? tn->customer_name : NULL);
	store_query_int(&q, 3, tn->created);
	if (store_query_exec(&q, cause) != 0)
		return (-1);
	/* An upsert that updated leaves last_insert_rowid alone: ask. */
	if (store_query_start(&q, s, ST_CUSTOMER_ID, "reading customer",
	    cause) != 0)
		return (-1);
	store_query_text(&q, 1, tn->customer);
	if ((r = store_query_lookup(&q, idp, cause)) == 1) {
		*cause = xprintf("reading customer: %s vanished",
		    tn->customer);
		return (-1);
	}
	return (r);
}

int
store_ticket_create(struct store *s, const struct ticket_new *tn,
    int64_t *idp, char **cause)
{
	struct store_query	q;
	int64_t			customer;

	if (customer_upsert(s, tn, &customer, cause) != 0)
		return (-1);
	if (store_query_start(&q, s, ST_TICKET_INSERT, "creating ticket",
	    cause) != 0)
		return (-1);
	store_query_text(&q, 1, tn->subject != NULL ? tn->subject : "");
	store_query_text(&q, 2, tn->norm_subject != NULL ? tn->norm_subject :
	    "");
	store_query_opt(&q, 3, customer);
	store_query_int(&q, 4, tn->created);
	store_query_opt(&q, 5, tn->linked_to);
	if (store_query_exec(&q, cause) != 0)
		return (-1);
	*idp = sqlite3_last_insert_rowid(s->db);
	/* The customer is a participant even before any message is in. */
	return (store_participant_add(s, *idp, tn->customer, cause));
}

/* An UPDATE of one ticket that must find it. */
static int
ticket_update(struct store *s, struct store_query *q, int64_t ticket,
    char **cause)
{
	if (store_query_exec(q, cause) != 0)
		return (-1);
	if (sqlite3_changes(s->db) == 0) {
		*cause = xprintf("%s: no ticket %lld", q->what,
		    (long long)ticket);
		return (-1);
	}
	return (0);
}

int
store_ticket_set_status(struct store *s, int64_t ticket,
    enum ticket_status status, time_t when, char **cause)
{
	struct store_query	q;

	if ((unsigned)status >= nitems(status_names)) {
		*cause = xprintf("setting status: bad status %d", status);
		return (-1);
	}
	if (store_query_start(&q, s, ST_SET_STATUS, "setting status",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	store_query_text(&q, 2, status_names[status]);
	store_query_int(&q, 3, when);
	return (ticket_update(s, &q, ticket, cause));
}

int
store_ticket_touch(struct store *s, int64_t ticket, time_t when,
    char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_TOUCH, "updating ticket", cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	store_query_int(&q, 2, when);
	return (ticket_update(s, &q, ticket, cause));
}

int
store_ticket_change(struct store *s, int64_t ticket,
    const struct ticket_change *c, time_t when, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_TICKET_CHANGE, "changing ticket",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	store_query_text(&q, 2, c->queue);
	store_query_text(&q, 3, c->assignee);
	store_query_text(&q, 4, c->language);
	store_query_int(&q, 5, c->priority);
	store_query_opt(&q, 6, c->due);
	store_query_opt(&q, 7, c->response_time);
	store_query_int(&q, 8, when);
	return (ticket_update(s, &q, ticket, cause));
}

int
store_ticket_set_due(struct store *s, int64_t ticket, time_t due,
    char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_SET_DUE, "setting the due time",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	store_query_opt(&q, 2, due);
	return (ticket_update(s, &q, ticket, cause));
}

int
store_ticket_field_set(struct store *s, int64_t ticket, const char *name,
    const char *value, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_FIELD_SET, "setting a ticket field",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	store_query_text(&q, 2, name);
	store_query_text(&q, 3, value);
	return (store_query_exec(&q, cause));
}

int
store_ticket_fields(struct store *s, int64_t ticket, store_field_cb cb,
    void *arg, char **cause)
{
	struct store_query	q;
	int			r;

	if (store_query_start(&q, s, ST_FIELDS, "reading ticket fields",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	while ((r = store_query_step(&q, cause)) == 1) {
		if (cb(store_column_text(&q, 0), store_column_text(&q, 1),
		    arg) != 0) {
			store_query_end(&q);
			return (0);
		}
	}
	return (r);
}

int
store_customer_tickets(struct store *s, const char *addr, int64_t *np,
    char **cause)
{
	struct store_query	q;
	int			r;

	*np = 0;
	if (store_query_start(&q, s, ST_CUSTOMER_TICKETS, "reading customer",
	    cause) != 0)
		return (-1);
	store_query_text(&q, 1, addr);
	if ((r = store_query_step(&q, cause)) == 1) {
		*np = sqlite3_column_int64(q.stmt, 0);
		store_query_end(&q);
		return (0);
	}
	return (r == 0 ? 0 : -1);
}

int
store_customer_language(struct store *s, const char *addr, char **langp,
    char **cause)
{
	struct store_query	q;
	int			r;

	*langp = NULL;
	if (addr == NULL || *addr == '\0')
		return (0);
	if (store_query_start(&q, s, ST_CUSTOMER_LANGUAGE, "reading a "
	    "customer's language", cause) != 0)
		return (-1);
	store_query_text(&q, 1, addr);
	if ((r = store_query_step(&q, cause)) == 1) {
		*langp = store_column_dup(&q, 0);
		store_query_end(&q);
		return (0);
	}
	return (r == 0 ? 0 : -1);
}

int
store_ticket_answered(struct store *s, int64_t ticket, time_t when,
    char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_ANSWERED, "recording our answer",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	store_query_int(&q, 2, when);
	return (store_query_exec(&q, cause));
}

/* ---- events and tags ---- */

int
store_event_add(struct store *s, int64_t ticket, int64_t message,
    time_t when, const char *kind, const char *detail, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_EVENT_ADD, "adding event", cause) != 0)
		return (-1);
	store_query_opt(&q, 1, ticket);
	store_query_opt(&q, 2, message);
	store_query_int(&q, 3, when);
	store_query_text(&q, 4, kind);
	store_query_text(&q, 5, detail);
	return (store_query_exec(&q, cause));
}

/* Add or remove a tag; an event and activity only when it changed. */
static int
tag_change(struct store *s, enum store_stmt id, int64_t ticket,
    const char *tag, time_t when, const char *event, int touch, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, id, event, cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	store_query_text(&q, 2, tag);
	if (store_query_exec(&q, cause) != 0)
		return (-1);
	if (sqlite3_changes(s->db) == 0)
		return (0);
	if (store_event_add(s, ticket, 0, when, event, tag, cause) != 0)
		return (-1);
	return (touch ? store_ticket_touch(s, ticket, when, cause) : 0);
}

int
store_tag_add(struct store *s, int64_t ticket, const char *tag, time_t when,
    char **cause)
{
	return (tag_change(s, ST_TAG_ADD, ticket, tag, when, "tagged", 1,
	    cause));
}

int
store_tag_remove(struct store *s, int64_t ticket, const char *tag,
    time_t when, char **cause)
{
	return (tag_change(s, ST_TAG_DELETE, ticket, tag, when, "untagged", 1,
	    cause));
}

int
store_tag_system(struct store *s, int64_t ticket, const char *tag, int add,
    time_t when, char **cause)
{
	return (tag_change(s, add ? ST_TAG_ADD : ST_TAG_DELETE, ticket, tag,
	    when, add ? "tagged" : "untagged", 0, cause));
}

int
store_ticket_assign(struct store *s, int64_t ticket, const char *agent,
    time_t when, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_ASSIGN, "assigning a ticket",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	store_query_text(&q, 2, agent);
	store_query_int(&q, 3, when);
	return (store_query_exec(&q, cause));
}

/* ---- walks ---- */

static sqlite3_stmt *
list_prepare(struct store *s, unsigned mask, char **cause)
{
	struct buf	sql;
	sqlite3_stmt	*stmt;
	size_t		 i;

	if (s->lists[mask] != NULL)
		return (store_prepare(s, &s->lists[mask], NULL,
		    "listing tickets", cause));
	buf_init(&sql);
	buf_adds(&sql, TICKET_SELECT " WHERE 1");
	for (i = 0; i < nitems(store_list_where); i++) {
		if (mask & (1U << i))
			buf_adds(&sql, store_list_where[i]);
	}
	/* By due time: the soonest (the most overdue) first, tickets
	 * without a running clock last. */
	buf_adds(&sql, mask & LIST_SORT_DUE ?
	    " ORDER BY t.due IS NULL, t.due, t.id LIMIT ?5" :
	    " ORDER BY t.updated DESC, t.id DESC LIMIT ?5");
	stmt = store_prepare(s, &s->lists[mask], buf_cstr(&sql),
	    "listing tickets", cause);
	buf_free(&sql);
	return (stmt);
}

int
store_tickets_list(struct store *s, const struct ticket_filter *f,
    store_ticket_cb cb, void *arg, char **cause)
{
	struct store_query	q;
	struct ticket		t;
	unsigned		mask = 0;
	int			r, stop;

	if (f->status >= 0 && (size_t)f->status < nitems(status_names))
		mask |= LIST_STATUS;
	if (f->open_only)
		mask |= LIST_OPEN;
	if (f->tag != NULL)
		mask |= LIST_TAG;
	if (f->queue != NULL)
		mask |= LIST_QUEUE;
	if (f->customer != NULL)
		mask |= LIST_CUSTOMER;
	if (f->overdue_at != 0)
		mask |= LIST_OVERDUE;
	if (f->assignee != NULL)
		mask |= LIST_ASSIGNEE;
	if (f->unassigned)
		mask |= LIST_UNASSIGNED;
	if (f->sort_due)
		mask |= LIST_SORT_DUE;
	if (store_query_init(&q, s, list_prepare(s, mask, cause),
	    "listing tickets") != 0)
		return (-1);
	if (mask & LIST_STATUS)
		store_query_text(&q, 1, status_names[f->status]);
	if (mask & LIST_TAG)
		store_query_text(&q, 2, f->tag);
	if (mask & LIST_QUEUE)
		store_query_text(&q, 3, f->queue);
	if (mask & LIST_CUSTOMER)
		store_query_text(&q, 4, f->customer);
	if (mask & LIST_OVERDUE)
		store_query_int(&q, 6, f->overdue_at);
	if (mask & LIST_ASSIGNEE)
		store_query_text(&q, 7, f->assignee);
	store_query_int(&q, 5, f->limit > 0 ? f->limit : -1);
	while ((r = store_query_step(&q, cause)) == 1) {
		ticket_read(&q, &t);
		if (ticket_read_tags(s, &t, cause) != 0) {
			store_ticket_clear(&t);
			store_query_end(&q);
			return (-1);
		}
		stop = cb(&t, arg);
		store_ticket_clear(&t);
		if (stop)
			break;
	}
	store_query_end(&q);
	return (r == -1 ? -1 : 0);
}

int
store_ticket_events(struct store *s, int64_t ticket, store_event_cb cb,
    void *arg, char **cause)
{
	struct stored_event	e;
	struct store_query	q;
	int			r;

	if (store_query_start(&q, s, ST_EVENTS, "reading events", cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	while ((r = store_query_step(&q, cause)) == 1) {
		e.id = sqlite3_column_int64(q.stmt, 0);
		e.ticket_id = sqlite3_column_int64(q.stmt, 1);
		e.message_id = sqlite3_column_int64(q.stmt, 2);
		e.time = (time_t)sqlite3_column_int64(q.stmt, 3);
		e.kind = store_column_text(&q, 4);
		e.detail = store_column_text(&q, 5);
		if (cb(&e, arg) != 0)
			break;
	}
	store_query_end(&q);
	return (r == -1 ? -1 : 0);
}

/* ---- names ---- */

const char *
store_status_name(enum ticket_status st)
{
	if ((unsigned)st >= nitems(status_names))
		return ("unknown");
	return (status_names[st]);
}

int
store_status_parse(const char *name, enum ticket_status *stp)
{
	int	i;

	if ((i = store_name_lookup(status_names, nitems(status_names),
	    name)) == -1)
		return (-1);
	*stp = (enum ticket_status)i;
	return (0);
}
