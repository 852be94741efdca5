/* helpq - output.c: tickets, conversations and search hits as text or JSON. */
#include "compat.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "output.h"
#include "output_private.h"
#include "rules.h"
#include "safe.h"
#include "sla.h"
#include "store.h"
#include "tz.h"
#include "utf8.h"
#include "xmalloc.h"

const char *
output_iso8601(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL) {
		if (len > 0)
			buf[0] = '\0';
		return (buf);
	}
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return (buf);
}

/* Local time in the configured zone, for people. */
const char *
output_local(const struct tz *tz, time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (t == 0 || tz_local(tz, t, &tm) != 0) {
		snprintf(buf, len, "-");
		return (buf);
	}
	strftime(buf, len, "%Y-%m-%d %H:%M", &tm);
	return (buf);
}

json_t *
output_json_time(time_t t)
{
	char	buf[32];

	if (t == 0)
		return (json_null());
	return (json_string(output_iso8601(t, buf, sizeof buf)));
}

static json_t *
ticket_json(const struct ticket *t)
{
	json_t	*o, *tags;
	size_t	 i;

	tags = json_array();
	for (i = 0; i < t->ntags; i++)
		json_array_append_new(tags, safe_json(t->tags[i]));
	o = json_object();
	json_object_set_new(o, "number", json_integer(t->id));
	json_object_set_new(o, "subject", safe_json(t->subject));
	json_object_set_new(o, "customer", safe_json(t->customer));
	json_object_set_new(o, "customer_name", safe_json(t->customer_name));
	json_object_set_new(o, "status",
	    safe_json(store_status_name(t->status)));
	json_object_set_new(o, "queue", safe_json(t->queue));
	json_object_set_new(o, "priority",
	    safe_json(rules_priority_name((enum rules_priority)t->priority)));
	json_object_set_new(o, "assignee", safe_json(t->assignee));
	json_object_set_new(o, "language", safe_json(t->language));
	json_object_set_new(o, "tags", tags);
	json_object_set_new(o, "messages", json_integer(t->nmessages));
	json_object_set_new(o, "created", output_json_time(t->created));
	json_object_set_new(o, "updated", output_json_time(t->updated));
	json_object_set_new(o, "first_response", output_json_time(t->first_response));
	json_object_set_new(o, "due", output_json_time(t->due));
	json_object_set_new(o, "closed", output_json_time(t->closed));
	json_object_set_new(o, "linked_to", t->linked_to != 0 ?
	    json_integer(t->linked_to) : json_null());
	return (o);
}

int
output_json_print(FILE *f, json_t *j)
{
	int	rc;

	rc = json_dumpf(j, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(j);
	return (rc);
}

/* A walk's JSON array: printed if the walk succeeded; freed either way.
 * NULL (text output) is fine. */
static void
json_finish(FILE *f, json_t *array, int rc)
{
	if (array == NULL)
		return;
	if (rc == 0)
		output_json_print(f, array);
	else
		json_decref(array);
}

/*
 * Copy at most width characters (code points) of s, made safe, marking a
 * cut; with pad, fill up to width with blanks so columns line up.
 */
void
output_clipped(struct buf *b, const char *s, size_t width, int pad)
{
	struct buf	 safe;
	size_t		 n, len;
	const char	*t;

	buf_init(&safe);
	safe_add(&safe, s, 0);
	t = buf_cstr(&safe);
	len = strlen(t);
	if ((n = utf8_chars(t, len)) > width) {
		buf_add(b, t, utf8_skip(t, len, width));
		buf_adds(b, "…");
		buf_free(&safe);
		return;
	}
	buf_adds(b, t);
	while (pad && n++ <= width)
		buf_addc(b, ' ');
	buf_free(&safe);
}

/* s made safe, then blanks to width characters and one more, as %-*s . */
static void
add_padded(struct buf *b, const char *s, size_t width)
{
	size_t	start = b->len, n;

	output_clipped(b, s, (size_t)-1, 0);
	n = utf8_chars(b->data + start, b->len - start);
	do
		buf_addc(b, ' ');
	while (++n <= width);
}

void
output_left(struct buf *b, time_t due, time_t now, size_t width)
{
	size_t	start = b->len;

	if (due == 0)
		buf_adds(b, "-");
	else if (due < now) {
		buf_adds(b, "late ");
		sla_span(b, now - due);
	} else
		sla_span(b, due - now);
	while (b->len - start < width)
		buf_addc(b, ' ');
}

/* Every field from mail reaches the terminal through here (safe.h). */
static void
add_safe(struct buf *b, const char *s, int keep_newlines)
{
	safe_add(b, s, keep_newlines ? SAFE_LINES : 0);
}

struct tickets_ctx {
	FILE		*f;
	const struct tz	*tz;
	time_t		 now;
	json_t		*array;
	struct buf	 line;
	size_t		 n;
};

static int
tickets_cb(const struct ticket *t, void *arg)
{
	struct tickets_ctx	*ctx = arg;
	struct buf		 subj;
	char			 when[32];
	size_t			 i;

	ctx->n++;
	if (ctx->array != NULL) {
		json_array_append_new(ctx->array, ticket_json(t));
		return (0);
	}
	buf_init(&subj);
	add_safe(&subj, t->subject != NULL ? t->subject : "", 0);
	for (i = 0; i < t->ntags; i++) {
		buf_adds(&subj, " +");
		add_safe(&subj, t->tags[i], 0);
	}
	buf_reset(&ctx->line);
	buf_addf(&ctx->line, "%6lld  %-7s ", (long long)t->id,
	    store_status_name(t->status));
	output_left(&ctx->line, t->due, ctx->now, 12);
	buf_addf(&ctx->line, " %s %4d  ",
	    output_local(ctx->tz, t->updated, when, sizeof when),
	    t->nmessages);
	output_clipped(&ctx->line, t->customer != NULL ? t->customer : "", 28, 1);
	buf_adds(&ctx->line, " ");
	output_clipped(&ctx->line, buf_cstr(&subj), 60, 0);
	fprintf(ctx->f, "%s\n", buf_cstr(&ctx->line));
	buf_free(&subj);
	return (0);
}

int
output_tickets(FILE *f, const struct tz *tz, struct store *st,
    const struct ticket_filter *flt, time_t now, int json, char **cause)
{
	struct tickets_ctx	ctx;
	int			rc;

	memset(&ctx, 0, sizeof ctx);
	ctx.f = f;
	ctx.tz = tz;
	ctx.now = now;
	if (json)
		ctx.array = json_array();
	else
		fprintf(f, "%6s  %-7s %-12s %-16s %4s  %-28s  %s\n", "TICKET",
		    "STATUS", "DUE", "UPDATED", "MSGS", "CUSTOMER", "SUBJECT");
	rc = store_tickets_list(st, flt, tickets_cb, &ctx, cause);
	buf_free(&ctx.line);
	json_finish(f, ctx.array, rc);
	return (rc);
}

struct show_ctx {
	FILE		*f;
	const struct tz	*tz;
	json_t		*messages;
	json_t		*events;
};

static json_t *
attachments_json(const char *text)
{
	json_t		*j;
	json_error_t	 err;

	if (text == NULL || (j = json_loads(text, 0, &err)) == NULL)
		return (json_array());
	return (j);
}

static int
show_message_cb(const struct stored_message *m, void *arg)
{
	struct show_ctx	*ctx = arg;
	json_t		*o, *att;
	struct buf	 b;
	char		 when[32];
	size_t		 i;

	if (ctx->messages != NULL) {
		o = json_object();
		json_object_set_new(o, "id", json_integer(m->id));
		json_object_set_new(o, "message_id", safe_json(m->message_id));
		json_object_set_new(o, "direction",
		    safe_json(store_direction_name(m->direction)));
		json_object_set_new(o, "kind",
		    safe_json(store_kind_name(m->kind)));
		json_object_set_new(o, "from", safe_json(m->from_addr));
		json_object_set_new(o, "from_name", safe_json(m->from_name));
		json_object_set_new(o, "to", safe_json(m->to));
		json_object_set_new(o, "cc", safe_json(m->cc));
		json_object_set_new(o, "subject", safe_json(m->subject));
		json_object_set_new(o, "date", output_json_time(m->date));
		json_object_set_new(o, "received", output_json_time(m->received));
		json_object_set_new(o, "body", safe_json(m->body));
		json_object_set_new(o, "attachments",
		    attachments_json(m->attachments));
		json_array_append_new(ctx->messages, o);
		return (0);
	}
	buf_init(&b);
	buf_addf(&b, "\n--- %s  %s %s  ", output_local(ctx->tz, m->date,
	    when, sizeof when), store_direction_name(m->direction),
	    store_kind_name(m->kind));
	if (m->from_name != NULL && *m->from_name != '\0') {
		add_safe(&b, m->from_name, 0);
		buf_adds(&b, " <");
		add_safe(&b, m->from_addr, 0);
		buf_adds(&b, ">");
	} else
		add_safe(&b, m->from_addr != NULL ? m->from_addr : "", 0);
	buf_adds(&b, "\n");
	if (m->to != NULL && *m->to != '\0') {
		buf_adds(&b, "To: ");
		add_safe(&b, m->to, 0);
		buf_adds(&b, "\n");
	}
	if (m->cc != NULL && *m->cc != '\0') {
		buf_adds(&b, "Cc: ");
		add_safe(&b, m->cc, 0);
		buf_adds(&b, "\n");
	}
	buf_adds(&b, "Subject: ");
	add_safe(&b, m->subject != NULL ? m->subject : "", 0);
	buf_adds(&b, "\n");
	att = attachments_json(m->attachments);
	for (i = 0; i < json_array_size(att); i++) {
		json_t	*a = json_array_get(att, i);

		buf_adds(&b, i == 0 ? "Attachments: " : ", ");
		add_safe(&b, json_string_value(json_object_get(a, "name")) ?
		    json_string_value(json_object_get(a, "name")) : "(unnamed)",
		    0);
		buf_adds(&b, " (");
		add_safe(&b, json_string_value(json_object_get(a, "type")) ?
		    json_string_value(json_object_get(a, "type")) : "?", 0);
		buf_addf(&b, ", %lld bytes)",
		    (long long)json_integer_value(json_object_get(a, "size")));
	}
	if (json_array_size(att) > 0)
		buf_adds(&b, "\n");
	json_decref(att);
	buf_adds(&b, "\n");
	add_safe(&b, m->body != NULL ? m->body : "", 1);
	if (b.len > 0 && b.data[b.len - 1] != '\n')
		buf_adds(&b, "\n");
	fputs(buf_cstr(&b), ctx->f);
	buf_free(&b);
	return (0);
}

static int
show_event_cb(const struct stored_event *e, void *arg)
{
	struct show_ctx	*ctx = arg;
	struct buf	 b;
	json_t		*o;
	char		 when[32];

	if (ctx->events != NULL) {
		o = json_object();
		json_object_set_new(o, "time", output_json_time(e->time));
		json_object_set_new(o, "kind", safe_json(e->kind));
		json_object_set_new(o, "message", e->message_id != 0 ?
		    json_integer(e->message_id) : json_null());
		json_object_set_new(o, "detail", safe_json(e->detail));
		json_array_append_new(ctx->events, o);
		return (0);
	}
	buf_init(&b);
	buf_addf(&b, "  %s  ", output_local(ctx->tz, e->time, when,
	    sizeof when));
	add_padded(&b, e->kind != NULL ? e->kind : "", 10);
	if (e->message_id != 0)
		buf_addf(&b, "[msg %lld] ", (long long)e->message_id);
	/* A note keeps its lines. */
	add_safe(&b, e->detail != NULL ? e->detail : "", e->kind != NULL &&
	    strcmp(e->kind, "note") == 0);
	fprintf(ctx->f, "%s\n", buf_cstr(&b));
	buf_free(&b);
	return (0);
}

/* A ticket's fields, as JSON or as "name=value" text. */
struct fields_ctx {
	json_t		*obj;
	struct buf	*b;
};

static int
fields_cb(const char *name, const char *value, void *arg)
{
	struct fields_ctx	*fc = arg;

	if (fc->obj != NULL)
		json_object_set_new(fc->obj, name, safe_json(value));
	else {
		buf_adds(fc->b, fc->b->len > 0 ? "   " : "");
		add_safe(fc->b, name, 0);
		buf_addc(fc->b, '=');
		add_safe(fc->b, value, 0);
	}
	return (0);
}

static void
show_header(FILE *f, const struct tz *tz, const struct ticket *t,
    const char *fields)
{
	struct buf	b;
	char		w1[32], w2[32];
	const char	*prio;
	size_t		i;

	buf_init(&b);
	buf_addf(&b, "Ticket #%lld  [%s]  ", (long long)t->id,
	    store_status_name(t->status));
	add_safe(&b, t->subject != NULL ? t->subject : "", 0);
	buf_adds(&b, "\nCustomer: ");
	if (t->customer_name != NULL && *t->customer_name != '\0') {
		add_safe(&b, t->customer_name, 0);
		buf_adds(&b, " <");
		add_safe(&b, t->customer, 0);
		buf_adds(&b, ">");
	} else
		add_safe(&b, t->customer != NULL ? t->customer : "", 0);
	buf_addf(&b, "\nCreated: %s   Updated: %s",
	    output_local(tz, t->created, w1, sizeof w1),
	    output_local(tz, t->updated, w2, sizeof w2));
	if (t->first_response != 0)
		buf_addf(&b, "   First response: %s",
		    output_local(tz, t->first_response, w1, sizeof w1));
	if (t->closed != 0)
		buf_addf(&b, "   Closed: %s",
		    output_local(tz, t->closed, w1, sizeof w1));
	if (t->due != 0)
		buf_addf(&b, "   Due: %s", output_local(tz, t->due, w1,
		    sizeof w1));
	buf_addf(&b, "\nMessages: %d", t->nmessages);
	if (t->language != NULL) {
		buf_adds(&b, "   Language: ");
		add_safe(&b, t->language, 0);
	}
	if (t->queue != NULL) {
		buf_adds(&b, "   Queue: ");
		add_safe(&b, t->queue, 0);
	}
	if ((prio = rules_priority_name((enum rules_priority)t->priority)) !=
	    NULL)
		buf_addf(&b, "   Priority: %s", prio);
	if (t->assignee != NULL) {
		buf_adds(&b, "   Assigned: ");
		add_safe(&b, t->assignee, 0);
	}
	if (t->ntags > 0) {
		buf_adds(&b, "   Tags:");
		for (i = 0; i < t->ntags; i++) {
			buf_adds(&b, " ");
			add_safe(&b, t->tags[i], 0);
		}
	}
	if (t->linked_to != 0)
		buf_addf(&b, "\nLinked to: #%lld", (long long)t->linked_to);
	if (*fields != '\0')
		buf_addf(&b, "\nFields: %s", fields);
	fprintf(f, "%s\n", buf_cstr(&b));
	buf_free(&b);
}

static json_t *
survey_json(const struct survey *v)
{
	json_t	*o = json_object();

	json_object_set_new(o, "sent", v->outbox != 0 ?
	    output_json_time(v->time) : json_null());
	json_object_set_new(o, "skipped", v->skipped != NULL ?
	    json_string(v->skipped) : json_null());
	json_object_set_new(o, "scale", json_integer(v->scale));
	json_object_set_new(o, "rating", v->rating >= 0 ?
	    json_integer(v->rating) : json_null());
	json_object_set_new(o, "comment", v->comment != NULL ?
	    safe_json(v->comment) : json_null());
	json_object_set_new(o, "rated", output_json_time(v->rated));
	return (o);
}

static void
show_survey(FILE *f, const struct tz *tz, const struct survey *v)
{
	struct buf	b;
	char		w[32];

	buf_init(&b);
	if (v->outbox == 0)
		buf_addf(&b, "Survey: not sent (%s)", v->skipped != NULL ?
		    v->skipped : "?");
	else if (v->rating < 0)
		buf_addf(&b, "Survey: sent %s, no answer yet",
		    output_local(tz, v->time, w, sizeof w));
	else {
		buf_addf(&b, "Rating: %d of %s", v->rating, v->scale == 10 ?
		    "0-10" : "1-5");
		if (v->comment != NULL && *v->comment != '\0') {
			buf_adds(&b, ": ");
			output_clipped(&b, v->comment, 200, 0);
		}
	}
	fprintf(f, "%s\n", buf_cstr(&b));
	buf_free(&b);
}

int
output_show(FILE *f, const struct tz *tz, struct store *st, int64_t id,
    time_t now, int json, char **cause)
{
	struct ticket		 t;
	struct show_ctx		 ctx;
	struct fields_ctx	 fc;
	struct buf		 fields;
	struct buf		 clocks;
	struct survey		 sv;
	json_t			*o, *tj, *cj = NULL;
	int			 rc, have_survey;

	memset(&t, 0, sizeof t);
	if ((rc = store_ticket_get(st, id, &t, cause)) != 0)
		return (rc);
	id = t.id;	/* a merged ticket's number shows the one it went into */
	memset(&ctx, 0, sizeof ctx);
	ctx.f = f;
	ctx.tz = tz;
	buf_init(&fields);
	fc.b = &fields;
	fc.obj = json ? json_object() : NULL;
	if ((rc = store_ticket_fields(st, id, fields_cb, &fc, cause)) != 0) {
		json_decref(fc.obj);
		store_ticket_clear(&t);
		return (rc);
	}
	buf_init(&clocks);
	if (json)
		cj = json_array();
	if (output_clocks(st, id, tz, now, &clocks, cj, cause) != 0 ||
	    (rc = store_survey_get(st, id, &sv, cause)) == -1) {
		json_decref(cj);
		json_decref(fc.obj);
		buf_free(&clocks);
		buf_free(&fields);
		store_ticket_clear(&t);
		return (-1);
	}
	have_survey = rc == 0;
	rc = 0;
	if (json) {
		ctx.messages = json_array();
		ctx.events = json_array();
	} else {
		show_header(f, tz, &t, buf_cstr(&fields));
		if (have_survey)
			show_survey(f, tz, &sv);
		if (clocks.len > 0)
			fprintf(f, "Clocks:\n%s", buf_cstr(&clocks));
	}
	buf_free(&clocks);
	buf_free(&fields);
	rc = store_ticket_messages(st, id, show_message_cb, &ctx, cause);
	if (rc == 0 && !json)
		fprintf(f, "\nEvents:\n");
	if (rc == 0)
		rc = store_ticket_events(st, id, show_event_cb, &ctx, cause);
	if (json) {
		if (rc == 0) {
			o = json_object();
			tj = ticket_json(&t);
			json_object_set_new(tj, "response_time",
			    t.response_time != 0 ? json_integer((json_int_t)
			    t.response_time) : json_null());
			json_object_set(tj, "fields", fc.obj);
			json_object_set_new(tj, "survey", have_survey ?
			    survey_json(&sv) : json_null());
			json_object_set_new(o, "ticket", tj);
			json_object_set(o, "messages", ctx.messages);
			json_object_set(o, "events", ctx.events);
			json_object_set(o, "clocks", cj);
			output_json_print(f, o);
		}
		json_decref(ctx.messages);
		json_decref(ctx.events);
		json_decref(cj);
		json_decref(fc.obj);
	}
	store_survey_clear(&sv);
	store_ticket_clear(&t);
	return (rc);
}

struct search_ctx {
	FILE		*f;
	const struct tz	*tz;
	json_t	*array;
};

static int
search_cb(const struct search_hit *h, void *arg)
{
	struct search_ctx	*ctx = arg;
	struct buf		 b;
	json_t			*o;
	char			 when[32];

	if (ctx->array != NULL) {
		o = json_object();
		json_object_set_new(o, "ticket", json_integer(h->ticket_id));
		json_object_set_new(o, "message", json_integer(h->message_id));
		json_object_set_new(o, "subject", safe_json(h->subject));
		json_object_set_new(o, "from", safe_json(h->from_addr));
		json_object_set_new(o, "date", output_json_time(h->date));
		json_object_set_new(o, "snippet", safe_json(h->snippet));
		json_array_append_new(ctx->array, o);
		return (0);
	}
	buf_init(&b);
	buf_addf(&b, "#%-6lld %s  ", (long long)h->ticket_id,
	    output_local(ctx->tz, h->date, when, sizeof when));
	output_clipped(&b, h->from_addr != NULL ? h->from_addr : "", 28, 0);
	buf_adds(&b, "  ");
	add_safe(&b, h->subject != NULL ? h->subject : "", 0);
	buf_adds(&b, "\n        ");
	add_safe(&b, h->snippet != NULL ? h->snippet : "", 0);
	fprintf(ctx->f, "%s\n", buf_cstr(&b));
	buf_free(&b);
	return (0);
}

int
output_search(FILE *f, const struct tz *tz, struct store *st,
    const char *query, int limit, int json, char **cause)
{
	struct search_ctx	ctx;
	int			rc;

	memset(&ctx, 0, sizeof ctx);
	ctx.f = f;
	ctx.tz = tz;
	if (json)
		ctx.array = json_array();
	rc = store_search(st, query, limit, search_cb, &ctx, cause);
	json_finish(f, ctx.array, rc);
	return (rc);
}

/* ---- the outbox ---- */

struct outbox_ctx {
	FILE		*f;
	const struct tz	*tz;
	json_t		*array;
};

static const char *const copy_names[] = {
	[OUTBOX_COPY_NONE] = "none",
	[OUTBOX_COPY_WANTED] = "wanted",
	[OUTBOX_COPY_DONE] = "done"
};

static int
outbox_cb(const struct outbox_entry *e, void *arg)
{
	struct outbox_ctx	*ctx = arg;
	struct buf		 b;
	json_t			*o;
	char			 when[32];
	const char		*note;

	if (ctx->array != NULL) {
		o = json_object();
		json_object_set_new(o, "id", json_integer(e->id));
		json_object_set_new(o, "key", safe_json(e->key));
		json_object_set_new(o, "status",
		    safe_json(store_outbox_status_name(e->status)));
		json_object_set_new(o, "kind", safe_json(e->kind));
		json_object_set_new(o, "ticket", e->ticket != 0 ?
		    json_integer(e->ticket) : json_null());
		json_object_set_new(o, "message_id", safe_json(e->message_id));
		json_object_set_new(o, "sender", safe_json(e->sender));
		json_object_set_new(o, "recipients", safe_json(e->recipients));
		json_object_set_new(o, "attempts", json_integer(e->attempts));
		json_object_set_new(o, "created", output_json_time(e->created));
		json_object_set_new(o, "next_attempt",
		    e->status == OUTBOX_QUEUED ? output_json_time(e->next_attempt) :
		    json_null());
		json_object_set_new(o, "sent", output_json_time(e->sent));
		json_object_set_new(o, "last_error", safe_json(e->last_error));
		json_object_set_new(o, "reply", safe_json(e->reply));
		json_object_set_new(o, "copy", safe_json(
		    (unsigned)e->copy < nitems(copy_names) ?
		    copy_names[e->copy] : "none"));
		json_array_append_new(ctx->array, o);
		return (0);
	}
	buf_init(&b);
	buf_addf(&b, "%6lld  %-7s ", (long long)e->id,
	    store_outbox_status_name(e->status));
	add_padded(&b, e->kind != NULL ? e->kind : "", 10);
	if (e->ticket != 0)
		buf_addf(&b, "%6lld  ", (long long)e->ticket);
	else
		buf_addf(&b, "%6s  ", "-");
	buf_addf(&b, "%s %3d  ", output_local(ctx->tz,
	    e->status == OUTBOX_SENT ? e->sent : e->created, when,
	    sizeof when), e->attempts);
	output_clipped(&b, e->recipients != NULL ? e->recipients : "", 28, 1);
	note = e->status == OUTBOX_SENT ? e->reply : e->last_error;
	if (note != NULL) {
		buf_adds(&b, " ");
		add_safe(&b, note, 0);
	}
	fprintf(ctx->f, "%s\n", buf_cstr(&b));
	buf_free(&b);
	return (0);
}

int
output_outbox(FILE *f, const struct tz *tz, struct store *st, int status,
    int limit, int json, char **cause)
{
	struct outbox_ctx	ctx;
	int			rc;

	memset(&ctx, 0, sizeof ctx);
	ctx.f = f;
	ctx.tz = tz;
	if (json)
		ctx.array = json_array();
	else
		fprintf(f, "%6s  %-7s %-10s %6s  %-16s %3s  %-28s  %s\n", "ID",
		    "STATUS", "KIND", "TICKET", "WHEN", "TRY", "TO",
		    "SERVER SAID");
	rc = store_outbox_list(st, status, limit, outbox_cb, &ctx, cause);
	json_finish(f, ctx.array, rc);
	return (rc);
}


/* ---- messages set aside ---- */

struct failed_ctx {
	FILE		*f;
	const struct tz	*tz;
	json_t	*array;		/* NULL: text */
};

/* One line of text from mail for a terminal: controls become '?'. */
static void
failed_text(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

static int
failed_cb(const struct failed_message *m, void *arg)
{
	struct failed_ctx	*ctx = arg;
	char			 when[32];
	json_t			*o;

	if (ctx->array != NULL) {
		o = json_object();
		json_object_set_new(o, "id", json_integer(m->id));
		json_object_set_new(o, "time", output_json_time(m->time));
		json_object_set_new(o, "source", safe_json(m->source));
		json_object_set_new(o, "uid", m->uid != 0 ?
		    json_integer(m->uid) : json_null());
		json_object_set_new(o, "reason", safe_json(m->reason));
		json_object_set_new(o, "from", safe_json(m->from));
		json_object_set_new(o, "subject", safe_json(m->subject));
		json_object_set_new(o, "size", json_integer((json_int_t)m->size));
		json_array_append_new(ctx->array, o);
		return (0);
	}
	fprintf(ctx->f, "%6lld  %-16s %8zu  ", (long long)m->id,
	    output_local(ctx->tz, m->time, when, sizeof when), m->size);
	failed_text(ctx->f, m->source);
	if (m->uid != 0)
		fprintf(ctx->f, " UID %u", m->uid);
	fputs("\n        from ", ctx->f);
	failed_text(ctx->f, m->from != NULL ? m->from : "?");
	fputs(": ", ctx->f);
	failed_text(ctx->f, m->subject != NULL ? m->subject : "?");
	fputs("\n        ", ctx->f);
	failed_text(ctx->f, m->reason);
	fputc('\n', ctx->f);
	return (0);
}

int
output_failed(FILE *f, const struct tz *tz, struct store *st, int json,
    char **cause)
{
	struct failed_ctx	ctx;
	int			rc;

	memset(&ctx, 0, sizeof ctx);
	ctx.f = f;
	ctx.tz = tz;
	if (json)
		ctx.array = json_array();
	else
		fprintf(f, "%6s  %-16s %8s  %s\n", "ID", "WHEN", "SIZE",
		    "SOURCE");
	rc = store_failed_list(st, failed_cb, &ctx, cause);
	json_finish(f, ctx.array, rc);
	return (rc);
}
