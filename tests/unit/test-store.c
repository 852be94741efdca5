/* helpq - test-store.c: the SQLite store, its schema and every call. */
#include "compat.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "buf.h"
#include "message.h"
#include "store.h"
#include "xmalloc.h"
#include "../tap.h"

static char	tmpdir[] = "/tmp/helpq-test-store.XXXXXX";

/* Search hits outside this ticket are not counted. */
static int64_t	search_ticket;

/* ---- building messages by hand (no parser needed) ---- */

static void
addrs_add(struct msg_addrs *as, const char *name, const char *addr)
{
	as->v = xreallocarray(as->v, as->n + 1, sizeof *as->v);
	as->v[as->n].name = name != NULL ? xstrdup(name) : NULL;
	as->v[as->n].addr = xstrdup(addr);
	as->n++;
}


/* A message with one sender; hash is made from tag so it is unique. */
static struct message *
msg_new(const char *msgid, const char *hashtag, const char *from_name,
    const char *from, const char *subject, const char *text, time_t date)
{
	struct message	*m;
	unsigned long	 h = 5381;
	const char	*p;

	m = xcalloc(1, sizeof *m);
	m->message_id = msgid != NULL ? xstrdup(msgid) : NULL;
	addrs_add(&m->from, from_name, from);
	m->subject = xstrdup(subject);
	m->text = xstrdup(text);
	m->textlen = strlen(text);
	m->date = date;
	for (p = hashtag; *p != '\0'; p++)
		h = h * 33 + (unsigned char)*p;
	snprintf(m->hash, sizeof m->hash, "%064lx", h);
	m->size = 100 + strlen(text);
	return (m);
}

static void
msg_attach(struct message *m, const char *filename, const char *type,
    size_t size)
{
	struct msg_attachment	*a;

	m->attachments = xreallocarray(m->attachments, m->nattachments + 1,
	    sizeof *m->attachments);
	a = &m->attachments[m->nattachments++];
	a->filename = filename != NULL ? xstrdup(filename) : NULL;
	a->type = xstrdup(type);
	a->size = size;
}


/* ---- helpers ---- */

static int64_t
count(struct store *st, const char *what)
{
	int64_t	 n = -1;
	char	*cause = NULL;

	if (store_count(st, what, &n, &cause) != 0) {
		diag("count %s: %s", what, cause);
		free(cause);
	}
	return (n);
}

static int64_t
new_ticket(struct store *st, const char *subject, const char *customer,
    const char *name, time_t created)
{
	struct ticket_new	 tn;
	int64_t			 id = 0;
	char			*cause = NULL;

	memset(&tn, 0, sizeof tn);
	tn.subject = subject;
	tn.norm_subject = subject;
	tn.customer = customer;
	tn.customer_name = name;
	tn.created = created;
	if (store_ticket_create(st, &tn, &id, &cause) != 0) {
		diag("create: %s", cause);
		free(cause);
	}
	return (id);
}

static int64_t
insert(struct store *st, struct message *m, const char *raw, size_t rawlen,
    int64_t ticket, enum msg_direction dir, time_t received)
{
	struct msg_origin	 o;
	int64_t			 id = 0;
	char			*cause = NULL;

	memset(&o, 0, sizeof o);
	o.mailbox = "INBOX";
	o.uidvalidity = 7;
	o.uid = 42;
	o.received = received;
	if (store_message_insert(st, m, raw, rawlen, &o, dir,
	    dir == MSG_IN ? MSG_KIND_CUSTOMER : MSG_KIND_AGENT, ticket, &id,
	    &cause) != 0) {
		diag("insert: %s", cause);
		free(cause);
	}
	return (id);
}

/* The oldest ticket that references msgid, 0 for none, -1 on error. */
static int64_t
ghost(struct store *st, const char *msgid)
{
	int64_t	 t = 0;
	char	*cause = NULL;

	if (store_ticket_by_reference(st, msgid, &t, &cause) != 0) {
		diag("ghost: %s", cause);
		free(cause);
		return (-1);
	}
	return (t);
}

/* The first column of the first row of sql on path, or -1. */
static int64_t
sql_int(const char *path, const char *sql)
{
	sqlite3		*db;
	sqlite3_stmt	*stmt;
	int64_t		 v = -1;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) ==
	    SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW)
			v = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
	}
	sqlite3_close(db);
	return (v);
}

static int
user_version(const char *path)
{
	return ((int)sql_int(path, "PRAGMA user_version"));
}

/* Run sql on the database at path with a connection of its own. */
static void
set_user_version_sql(const char *path, const char *sql)
{
	sqlite3	*db;
	char	*err = NULL;

	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		diag("%s: %s", sql, err != NULL ? err : sqlite3_errmsg(db));
	sqlite3_free(err);
	sqlite3_close(db);
}

static void
set_user_version(const char *path, int v)
{
	sqlite3	*db;
	char	 sql[64];

	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		diag("cannot set user_version");
	sqlite3_close(db);
}

static char *
path_in(const char *name)
{
	return (xprintf("%s/%s", tmpdir, name));
}

/* ---- open, schema, versions ---- */

static void
test_open(void)
{
	struct store	*st = NULL;
	struct message	*m;
	char		*path, *path2, *cause = NULL;
	int64_t		 n, tk;

	path = path_in("schema.db");
	ok(store_open(path, 0, &st, &cause) == 0, "open creates");
	is_int(user_version(path), 11, "user_version 11 after create");
	tk = new_ticket(st, "hello", "a@example.com", NULL, 1000);
	/* A reply's references are kept for the messages that come later,
	 * its unseen parent's too. */
	m = msg_new("r1@example.com", "r1", NULL, "a@example.com", "Re: hello",
	    "text", 1000);
	m->in_reply_to = xstrdup("p1@example.com");
	m->references = xcalloc(2, sizeof *m->references);
	m->references[0] = xstrdup("p0@example.com");
	m->references[1] = xstrdup("p1@example.com");
	m->nreferences = 2;
	ok(insert(st, m, "x", 1, tk, MSG_IN, 1000) > 0, "a reply stored");
	message_free(m);
	is_int(ghost(st, "p1@example.com"), tk, "its unseen parent is "
	    "referenced by its ticket");
	is_int(ghost(st, "p0@example.com"), tk, "and the whole References");
	is_int(ghost(st, "r1@example.com"), 0, "the reply itself is not");
	is_int(ghost(st, "zz@example.com"), 0, "an unknown id is not");
	store_close(st);

	ok(store_open(path, 0, &st, &cause) == 0, "reopen");
	is_int(user_version(path), 11, "user_version still 11");
	n = count(st, "tickets");
	is_int(n, 1, "reopen keeps data (no migration re-run)");
	store_close(st);

	/* A version 1 database (as helpq 0.1 wrote it) moves forward. */
	set_user_version_sql(path, "DROP TABLE zdicts; DROP TABLE thread_refs;"
	    "DROP TABLE ticket_aliases;"
	    "DROP TABLE surveys; DROP INDEX tickets_closed;"
	    "DROP INDEX tickets_created;"
	    "ALTER TABLE tickets DROP COLUMN waited;"
	    "ALTER TABLE tickets DROP COLUMN waiting_since;"
	    "DROP TABLE clocks;"
	    "DROP TABLE inflight; DROP TABLE failed;"
	    "DROP INDEX outbox_recipient;"
	    "DROP INDEX outbox_created; ALTER TABLE outbox DROP COLUMN copy;"
	    "DROP INDEX messages_origin;"
	    "ALTER TABLE mailbox_state DROP COLUMN history_uid;"
	    "ALTER TABLE mailbox_state DROP COLUMN reflected_uid;"
	    "ALTER TABLE tickets DROP COLUMN "
	    "response_time; DROP TABLE ticket_fields; PRAGMA user_version = 1");
	is_int(user_version(path), 1, "made a version 1 database");
	if (!ok(store_open(path, 0, &st, &cause) == 0, "open migrates 1 -> 11")) {
		diag("%s", cause);
		exit(1);
	}
	is_int(user_version(path), 11, "user_version 11 after migrating");
	is_int(ghost(st, "p1@example.com"), tk, "migrating finds what the "
	    "stored messages reference");
	is_int(ghost(st, "p0@example.com"), tk, "In-Reply-To and References");
	is_int(ghost(st, "r1@example.com"), 0, "and nothing else");
	is_int(count(st, "failed"), 0, "the migrated database has failed");
	is_int(count(st, "tickets"), 1, "migration keeps the tickets");
	ok(store_begin(st, &cause) == 0 && store_ticket_field_set(st, 1,
	    "order", "4711", &cause) == 0 && store_commit(st, &cause) == 0,
	    "the migrated database takes ticket fields");
	store_close(st);

	ok(store_open(path, 1, &st, &cause) == 0, "open read-only");
	is_int(count(st, "tickets"), 1, "read-only reads");
	ok(store_begin(st, &cause) == 0, "read-only begin");
	ok(new_ticket(st, "x", "b@example.com", NULL, 1) == 0,
	    "read-only refuses a write");
	store_rollback(st);
	store_close(st);

	set_user_version(path, 99);
	cause = NULL;
	ok(store_open(path, 0, &st, &cause) == -1 && st == NULL,
	    "newer schema refused");
	ok(cause != NULL && strstr(cause, "newer") != NULL,
	    "newer schema: clear message");
	diag("%s", cause != NULL ? cause : "(none)");
	free(cause);
	cause = NULL;
	ok(store_open(path, 1, &st, &cause) == -1, "newer schema refused "
	    "read-only");
	free(cause);

	path2 = path_in("empty.db");
	fclose(fopen(path2, "w"));
	cause = NULL;
	ok(store_open(path2, 1, &st, &cause) == -1 &&
	    cause != NULL && strstr(cause, "older") != NULL,
	    "read-only refuses an unmigrated database");
	free(cause);
	cause = NULL;
	free(path);
	path = path_in("no/such/dir.db");
	ok(store_open(path, 0, &st, &cause) == -1 && cause != NULL,
	    "unopenable path is an error");
	free(cause);
	free(path);
	free(path2);
}

/* ---- tickets, messages, lookups ---- */

struct seen {
	int		 n;
	int64_t		 ids[32];
	char		 text[4096];
};

static int
ticket_cb(const struct ticket *t, void *arg)
{
	struct seen	*s = arg;

	if (s->n < 32)
		s->ids[s->n] = t->id;
	s->n++;
	return (0);
}

static int
message_cb(const struct stored_message *m, void *arg)
{
	struct seen	*s = arg;
	size_t		 len = strlen(s->text);

	if (s->n < 32)
		s->ids[s->n] = m->id;
	s->n++;
	snprintf(s->text + len, sizeof s->text - len, "%s|%s|%s|%s|%s|%s;",
	    m->from_name != NULL ? m->from_name : "-", m->to, m->cc,
	    m->attachments, store_direction_name(m->direction),
	    store_kind_name(m->kind));
	return (0);
}

static int
event_cb(const struct stored_event *e, void *arg)
{
	struct seen	*s = arg;
	size_t		 len = strlen(s->text);

	s->n++;
	snprintf(s->text + len, sizeof s->text - len, "%s:%s,", e->kind,
	    e->detail != NULL ? e->detail : "-");
	return (0);
}

static int
stop_cb(const struct ticket *t, void *arg)
{
	int	*n = arg;

	(*n)++;
	return (1);
}

static struct seen *
list(struct store *st, int status, int open_only, const char *tag,
    const char *queue, const char *customer, int limit)
{
	static struct seen	 s;
	struct ticket_filter	 f;
	char			*cause = NULL;

	memset(&s, 0, sizeof s);
	memset(&f, 0, sizeof f);
	f.status = status;
	f.open_only = open_only;
	f.tag = tag;
	f.queue = queue;
	f.customer = customer;
	f.limit = limit;
	if (store_tickets_list(st, &f, ticket_cb, &s, &cause) != 0) {
		diag("list: %s", cause);
		free(cause);
		s.n = -1;
	}
	return (&s);
}

static void
test_tickets(struct store *st)
{
	struct ticket	 t;
	struct message	*m1, *m2, *m3, *m4;
	struct seen	 s, *l;
	int64_t		 t1, t2, t3, id, tk, mid1, mid2, mid4;
	char		*cause = NULL, *raw = NULL;
	size_t		 rawlen;
	static const char bin[] = "From: x\r\n\r\n\0\x01\xff\0tail";
	int		 n;

	ok(store_begin(st, &cause) == 0, "begin");
	t1 = new_ticket(st, "Order 123 broken", "alice@example.com", "Alice",
	    1000);
	t2 = new_ticket(st, "Refund", "bob@example.com", NULL, 2000);
	t3 = new_ticket(st, "Another", "alice@example.com", "Alice A.", 3000);
	ok(t1 > 0 && t2 > t1 && t3 > t2, "tickets numbered in order");
	is_int(count(st, "customers"), 2, "customers deduplicated");

	ok(store_ticket_get(st, t1, &t, &cause) == 0, "get ticket");
	is_str(t.subject, "Order 123 broken", "get: subject");
	is_str(t.customer, "alice@example.com", "get: customer");
	is_str(t.customer_name, "Alice A.", "get: newest customer name");
	is_int(t.status, TICKET_NEW, "get: status new");
	is_int(t.created, 1000, "get: created");
	is_int(t.updated, 1000, "get: updated = created");
	is_int(t.first_response, 0, "get: no response yet");
	is_int(t.closed, 0, "get: not closed");
	is_int(t.nmessages, 0, "get: no messages");
	store_ticket_clear(&t);
	ok(store_ticket_get(st, 999999, &t, &cause) == 1, "get missing: 1");

	/* Messages. */
	m1 = msg_new("m1@example.com", "m1", "Alice", "alice@example.com",
	    "Order 123 broken", "My order 123 arrived broken. Grüße, Alice",
	    1500);
	addrs_add(&m1->to, "Support, Team", "support@helpq.test");
	addrs_add(&m1->to, NULL, "sales@helpq.test");
	addrs_add(&m1->cc, "Carol", "carol@example.com");
	addrs_add(&m1->reply_to, NULL, "alice.private@example.com");
	msg_attach(m1, "photo.jpg", "image/jpeg", 12345);
	msg_attach(m1, NULL, "application/pdf", 9);
	mid1 = insert(st, m1, bin, sizeof bin - 1, t1, MSG_IN, 1600);
	ok(mid1 > 0, "insert message");

	m2 = msg_new("m2@helpq.test", "m2", NULL, "agent@helpq.test",
	    "Re: Order 123 broken", "Sorry! We send a new one.", 1400);
	m2->in_reply_to = xstrdup("m1@example.com");
	m2->references = xcalloc(1, sizeof *m2->references);
	m2->references[0] = xstrdup("m1@example.com");
	m2->nreferences = 1;
	mid2 = insert(st, m2, "raw2", 4, t1, MSG_OUT, 1700);
	ok(mid2 > mid1, "insert reply");

	m3 = msg_new(NULL, "m3", NULL, "noid@example.com", "No id",
	    "no message id here", 0);
	ok(insert(st, m3, "raw3", 4, 0, MSG_IN, 1800) > 0,
	    "insert without Message-ID or ticket");

	/* Same date as m1: id breaks the tie. */
	m4 = msg_new("m4@example.com", "m4", NULL, "alice@example.com",
	    "Order 123 broken", "Also: the box. Καλημέρα! Ευχαριστώ, Müller",
	    1500);
	mid4 = insert(st, m4, "raw4", 4, t1, MSG_IN, 1900);

	/* store_message_known */
	id = tk = -1;
	is_int(store_message_known(st, "m1@example.com", m1->hash, &id, &tk,
	    &cause), 0, "known: same id and hash is a duplicate");
	is_int(id, mid1, "known: duplicate id");
	is_int(tk, t1, "known: duplicate ticket");
	id = tk = -1;
	is_int(store_message_known(st, "m1@example.com", m2->hash, &id, &tk,
	    &cause), 2, "known: same id, other hash returns 2");
	is_int(id, mid1, "known: 2 gives that message");
	is_int(tk, t1, "known: 2 gives its ticket");
	is_int(store_message_known(st, NULL, m3->hash, &id, &tk, &cause), 0,
	    "known: hash only, no Message-ID");
	is_int(tk, 0, "known: hash only, no ticket");
	is_int(store_message_known(st, "", m3->hash, &id, &tk, &cause), 0,
	    "known: empty Message-ID is no Message-ID");
	is_int(store_message_known(st, NULL, "feed", &id, &tk, &cause), 1,
	    "known: unknown hash");
	is_int(store_message_known(st, "new@x", m1->hash, &id, &tk, &cause),
	    1, "known: unknown Message-ID");

	/* store_ticket_by_msgid */
	tk = 0;
	is_int(store_ticket_by_msgid(st, "m2@helpq.test", &tk, &cause), 0,
	    "by_msgid: found");
	is_int(tk, t1, "by_msgid: ticket");
	is_int(store_ticket_by_msgid(st, "nope@x", &tk, &cause), 1,
	    "by_msgid: not found");
	is_int(store_ticket_by_msgid(st, NULL, &tk, &cause), 1,
	    "by_msgid: NULL");

	/* store_ticket_by_subject: t1 updated 1500 by its messages */
	ok(store_ticket_get(st, t1, &t, &cause) == 0 && t.updated == 1500,
	    "insert bumps updated to the (clamped) message date");
	is_int(t.nmessages, 3, "message count");
	store_ticket_clear(&t);
	tk = 0;
	is_int(store_ticket_by_subject(st, "alice@example.com",
	    "Order 123 broken", 1500, &tk, &cause), 0, "by_subject: in window");
	is_int(tk, t1, "by_subject: ticket");
	is_int(store_ticket_by_subject(st, "ALICE@example.com",
	    "Order 123 broken", 0, &tk, &cause), 0,
	    "by_subject: address case ignored");
	is_int(store_ticket_by_subject(st, "alice@example.com",
	    "Order 123 broken", 1501, &tk, &cause), 1,
	    "by_subject: outside window");
	is_int(store_ticket_by_subject(st, "bob@example.com",
	    "Order 123 broken", 0, &tk, &cause), 1,
	    "by_subject: other customer");
	is_int(store_ticket_by_subject(st, "nobody@example.com", "Refund", 0,
	    &tk, &cause), 1, "by_subject: unknown customer");

	/* Participants */
	is_int(store_ticket_has_participant(st, t1, "alice@example.com",
	    &cause), 0, "participant: customer");
	is_int(store_ticket_has_participant(st, t1, "carol@example.com",
	    &cause), 0, "participant: Cc");
	is_int(store_ticket_has_participant(st, t1, "sales@helpq.test",
	    &cause), 0, "participant: To");
	is_int(store_ticket_has_participant(st, t1,
	    "alice.private@example.com", &cause), 0, "participant: Reply-To");
	is_int(store_ticket_has_participant(st, t1, "agent@helpq.test",
	    &cause), 0, "participant: From of a reply");
	is_int(store_ticket_has_participant(st, t2, "carol@example.com",
	    &cause), 1, "participant: not in another ticket");
	is_int(store_ticket_has_participant(st, t1, "eve@example.com",
	    &cause), 1, "participant: stranger");
	is_int(store_ticket_has_participant(st, t2, "bob@example.com",
	    &cause), 0, "participant: customer without messages");

	/* Messages walk: order by date then id, decoded fields */
	memset(&s, 0, sizeof s);
	ok(store_ticket_messages(st, t1, message_cb, &s, &cause) == 0,
	    "messages walk");
	is_int(s.n, 3, "messages: three");
	ok(s.ids[0] == mid2 && s.ids[1] == mid1 && s.ids[2] == mid4,
	    "messages: by date, then id");
	ok(strstr(s.text, "Alice|\"Support, Team\" <support@helpq.test>, "
	    "sales@helpq.test|Carol <carol@example.com>|") != NULL,
	    "messages: to/cc display strings");
	ok(strstr(s.text, "[{\"name\":\"photo.jpg\",\"type\":\"image/jpeg\","
	    "\"size\":12345},{\"name\":null,\"type\":\"application/pdf\","
	    "\"size\":9}]|in|customer;") != NULL, "messages: attachments");
	ok(strstr(s.text, "-|||[]|out|agent;") != NULL,
	    "messages: reply without attachments");
	if (tap_failed)
		diag("%s", s.text);

	/* Raw bytes, NULs included */
	ok(store_message_raw(st, mid1, &raw, &rawlen, &cause) == 0,
	    "raw: read");
	ok(rawlen == sizeof bin - 1 && memcmp(raw, bin, rawlen) == 0,
	    "raw: binary bytes round-trip");
	free(raw);
	ok(store_message_raw(st, 999999, &raw, &rawlen, &cause) == 1,
	    "raw: missing is 1");

	/* Status and response */
	ok(store_ticket_set_status(st, t1, TICKET_CLOSED, 5000, &cause) == 0,
	    "close");
	store_ticket_get(st, t1, &t, &cause);
	ok(t.status == TICKET_CLOSED && t.closed == 5000, "closed time set");
	is_int(t.updated, 5000, "status change is activity");
	store_ticket_clear(&t);
	store_ticket_set_status(st, t1, TICKET_CLOSED, 6000, &cause);
	store_ticket_get(st, t1, &t, &cause);
	is_int(t.closed, 5000, "closing again keeps the closed time");
	store_ticket_clear(&t);
	store_ticket_set_status(st, t1, TICKET_OPEN, 7000, &cause);
	store_ticket_get(st, t1, &t, &cause);
	ok(t.status == TICKET_OPEN && t.closed == 0, "reopen clears closed");
	store_ticket_clear(&t);
	ok(store_ticket_set_status(st, 999999, TICKET_OPEN, 1, &cause) == -1,
	    "status of a missing ticket is an error");
	free(cause);
	cause = NULL;
	store_ticket_touch(st, t1, 100, &cause);
	store_ticket_get(st, t1, &t, &cause);
	is_int(t.updated, 7000, "touch never goes back in time");
	store_ticket_clear(&t);

	/* Tags and their events */
	store_tag_add(st, t1, "vip", 7100, &cause);
	store_tag_add(st, t1, "billing", 7200, &cause);
	store_tag_add(st, t1, "vip", 7300, &cause);
	store_tag_remove(st, t1, "nothere", 7400, &cause);
	store_tag_add(st, t2, "vip", 7500, &cause);
	store_tag_add(st, t3, "spam", 7500, &cause);
	store_tag_remove(st, t3, "spam", 7600, &cause);
	store_ticket_get(st, t1, &t, &cause);
	ok(t.ntags == 2 && strcmp(t.tags[0], "billing") == 0 &&
	    strcmp(t.tags[1], "vip") == 0, "tags sorted");
	store_ticket_clear(&t);
	store_event_add(st, t1, mid1, 1600, "received", "INBOX", &cause);
	store_event_add(st, t1, 0, 1000, "created", NULL, &cause);
	memset(&s, 0, sizeof s);
	store_ticket_events(st, t1, event_cb, &s, &cause);
	is_str(s.text, "created:-,received:INBOX,tagged:vip,tagged:billing,",
	    "events: by time, tag events only on change");
	memset(&s, 0, sizeof s);
	store_ticket_events(st, t3, event_cb, &s, &cause);
	is_str(s.text, "tagged:spam,untagged:spam,", "events: untagged");

	/* List filters: t1 updated 7300? no, 7200; t2 7500; t3 7600 */
	store_ticket_set_status(st, t2, TICKET_WAITING, 2500, &cause);
	l = list(st, -1, 0, NULL, NULL, NULL, 0);
	ok(l->n == 3 && l->ids[0] == t3 && l->ids[1] == t2 &&
	    l->ids[2] == t1, "list: all, newest activity first");
	l = list(st, TICKET_WAITING, 0, NULL, NULL, NULL, 0);
	ok(l->n == 1 && l->ids[0] == t2, "list: status");
	store_ticket_set_status(st, t3, TICKET_CLOSED, 7700, &cause);
	l = list(st, -1, 1, NULL, NULL, NULL, 0);
	ok(l->n == 2 && l->ids[0] == t2 && l->ids[1] == t1,
	    "list: open only");
	l = list(st, -1, 0, "vip", NULL, NULL, 0);
	ok(l->n == 2 && l->ids[0] == t2 && l->ids[1] == t1, "list: tag");
	l = list(st, -1, 0, "spam", NULL, NULL, 0);
	is_int(l->n, 0, "list: removed tag");
	l = list(st, -1, 0, NULL, "sales", NULL, 0);
	is_int(l->n, 0, "list: queue");
	l = list(st, -1, 0, NULL, NULL, "alice@example.com", 0);
	ok(l->n == 2 && l->ids[0] == t3 && l->ids[1] == t1,
	    "list: customer");
	l = list(st, -1, 1, "vip", NULL, "alice@example.com", 0);
	ok(l->n == 1 && l->ids[0] == t1, "list: filters combined");
	l = list(st, -1, 0, NULL, NULL, NULL, 2);
	ok(l->n == 2 && l->ids[0] == t3, "list: limit");
	l = list(st, -1, 0, NULL, NULL, NULL, 0);
	is_int(l->n, 3, "list: cached statement reused");
	n = 0;
	{
		struct ticket_filter	f;

		memset(&f, 0, sizeof f);
		f.status = -1;
		ok(store_tickets_list(st, &f, stop_cb, &n, &cause) == 0 &&
		    n == 1, "list: callback stops the walk");
	}
	{
		struct ticket_filter	f;
		struct seen		was;
		int64_t			first;

		/* Due times 500 and 100 on the newest two; none on the
		 * third. */
		memset(&was, 0, sizeof was);
		l = list(st, -1, 0, NULL, NULL, NULL, 0);
		was = *l;
		ok(was.n == 3 && store_ticket_set_due(st, was.ids[0], 500,
		    &cause) == 0 && store_ticket_set_due(st, was.ids[1], 100,
		    &cause) == 0 && store_ticket_set_due(st, was.ids[2], 0,
		    &cause) == 0, "due times set");
		first = was.ids[1];
		memset(&f, 0, sizeof f);
		f.status = -1;
		f.sort_due = 1;
		memset(l, 0, sizeof *l);
		ok(store_tickets_list(st, &f, ticket_cb, l, &cause) == 0 &&
		    l->n == 3 && l->ids[0] == first && l->ids[1] == was.ids[0] &&
		    l->ids[2] == was.ids[2], "list: by due time, none last");
		f.overdue_at = 499;
		memset(l, 0, sizeof *l);
		ok(store_tickets_list(st, &f, ticket_cb, l, &cause) == 0 &&
		    l->n == 1 && l->ids[0] == first,
		    "list: only those due by a time");
	}

	/* Counts */
	is_int(count(st, "tickets"), 3, "count tickets");
	is_int(count(st, "messages"), 4, "count messages");
	is_int(count(st, "attachments"), 2, "count attachments");
	is_int(count(st, "events"), 7, "count events");
	ok(store_count(st, "sqlite_master", &id, &cause) == -1,
	    "count: unknown name refused");
	free(cause);
	cause = NULL;
	ok(store_commit(st, &cause) == 0, "commit");

	message_free(m1);
	message_free(m2);
	message_free(m3);
	message_free(m4);
}

/* ---- search ---- */

static int
hit_cb(const struct search_hit *h, void *arg)
{
	struct seen	*s = arg;
	size_t		 len = strlen(s->text);

	if (search_ticket != 0 && h->ticket_id != search_ticket)
		return (0);
	if (s->n < 32)
		s->ids[s->n] = h->message_id;
	s->n++;
	snprintf(s->text + len, sizeof s->text - len, "%s\n", h->snippet);
	return (0);
}

static int
search(struct store *st, const char *q, struct seen *s)
{
	char	*cause = NULL;

	memset(s, 0, sizeof *s);
	if (store_search(st, q, 0, hit_cb, s, &cause) != 0) {
		diag("search '%s': %s", q, cause);
		free(cause);
		return (-1);
	}
	return (s->n);
}

static void
test_search(struct store *st)
{
	static const struct {
		const char	*query;
		int		 hits;
		const char	*what;
	} cases[] = {
		{ "grüße", 2, "German: same spelling" },
		{ "GRÜSSE", 2, "German: capitals, SS for ß" },
		{ "grusse", 2, "German: ASCII, ss for ß" },
		{ "Gruesse", 0, "German: ue is not folded (documented)" },
		{ "muller", 1, "German: umlaut folded" },
		{ "MÜLLER", 1, "German: capital umlaut" },
		{ "καλημερα", 1, "Greek: no tonos finds tonos" },
		{ "ΚΑΛΗΜΕΡΑ", 1, "Greek: capitals" },
		{ "ευχαριστω", 1, "Greek: ώ folded" },
		{ "ΕΥΧΑΡΙΣΤΩ", 1, "Greek: capitals without accent" },
		{ "κοσμος", 1, "Greek: final sigma and tonos" },
		{ "ΚΌΣΜΟΣ", 1, "Greek: capital with tonos, capital sigma" },
		{ "προιον", 1, "Greek: dialytika with tonos (ϊ)" },
		{ "αγαπη", 1, "Greek: polytonic breathing folded" },
		{ "ευχαριστουμε", 1, "Greek: decomposed (NFD) text" },
		{ "καλημ*", 1, "prefix search" },
		{ "kirmizi", 1, "Turkish: dotless i is i, as in threading" },
		{ "KIRMIZI", 1, "Turkish: capitals" },
		{ "order 123", 2, "words are ANDed" },
		{ "order #123, (broken)!", 1, "punctuation is not syntax" },
		{ "order AND broken", 1, "FTS5 AND" },
		{ "refund OR καλημερα", 2, "FTS5 OR" },
		{ "order NOT box", 1, "FTS5 NOT" },
		{ "\"arrived broken\"", 1, "FTS5 phrase" },
		{ "\"arrived broken", 1, "broken FTS5 falls back to words" },
		{ "subject:refund", 1, "column filter" },
		{ "   ", 0, "empty query" },
		{ "#!?", 0, "punctuation only" },
		{ "nonexistentword", 0, "no match" },
	};
	struct message	*m[5];
	int64_t		 ids[5];
	struct seen	 s;
	char		*cause = NULL;
	int64_t		 t;
	size_t		 i;

	ok(store_begin(st, &cause) == 0, "search: begin");
	t = new_ticket(st, "Search", "s@example.com", NULL, 100);
	search_ticket = t;
	m[0] = msg_new("s1@x", "s1", NULL, "s@example.com", "Order 123",
	    "My order arrived broken. Viele Grüße, Hans Müller", 100);
	m[1] = msg_new("s2@x", "s2", NULL, "s@example.com", "Καλημέρα",
	    "Ευχαριστώ για το προϊόν. Ο κόσμος. ἀγάπη", 200);
	m[2] = msg_new("s3@x", "s3", NULL, "s@example.com", "Refund",
	    "BESTE GRÜSSE. Order 123 in a box.", 300);
	/* "ευχαριστούμε" decomposed: ου + U+0301 combining acute */
	m[3] = msg_new("s4@x", "s4", NULL, "s@example.com", "NFD",
	    "\xce\xb5\xcf\x85\xcf\x87\xce\xb1\xcf\x81\xce\xb9\xcf\x83\xcf"
	    "\x84\xce\xbf\xcf\x85\xcc\x81\xce\xbc\xce\xb5", 400);
	m[4] = msg_new("s5@x", "s5", NULL, "s@example.com", "Nothing",
	    "unrelated k\xc4\xb1rm\xc4\xb1z\xc4\xb1", 500);
	for (i = 0; i < nitems(m); i++)
		ids[i] = insert(st, m[i], "r", 1, t, MSG_IN, 1000);
	ok(store_commit(st, &cause) == 0, "search: commit");

	for (i = 0; i < nitems(cases); i++) {
		if (search(st, cases[i].query, &s) != cases[i].hits) {
			ok(0, "search '%s': %s", cases[i].query,
			    cases[i].what);
			diag("got %d hits, want %d", s.n, cases[i].hits);
		} else
			ok(1, "search '%s': %s", cases[i].query,
			    cases[i].what);
	}
	search(st, "broken muller", &s);
	ok(strstr(s.text, "[broken]") != NULL &&
	    strstr(s.text, "[Müller]") != NULL, "snippet marks terms in [ ]");
	diag("snippet: %s", s.text);
	search(st, "order", &s);
	ok(s.n == 2 && s.ids[0] == ids[0] && s.ids[1] == ids[2],
	    "best match first (subject and body)");
	for (i = 0; i < nitems(m); i++)
		message_free(m[i]);
}

/* ---- transactions ---- */

static void
test_rollback(struct store *st)
{
	struct message	*m, *m2;
	int64_t		 before_t, before_m, before_e, t;
	char		*cause = NULL;
	struct seen	 s;

	before_t = count(st, "tickets");
	before_m = count(st, "messages");
	before_e = count(st, "events");
	search_ticket = 0;

	ok(store_begin(st, &cause) == 0, "rollback: begin");
	t = new_ticket(st, "Doomed", "doomed@example.com", NULL, 100);
	m = msg_new("doomed@x", "doomed", NULL, "doomed@example.com",
	    "Doomed", "zyxxyz doomed words", 100);
	insert(st, m, "raw", 3, t, MSG_IN, 100);
	store_tag_add(st, t, "gone", 100, &cause);
	store_rollback(st);
	is_int(count(st, "tickets"), before_t, "rollback: no ticket");
	is_int(count(st, "messages"), before_m, "rollback: no message");
	is_int(count(st, "events"), before_e, "rollback: no event");
	is_int(count(st, "customers"), 3, "rollback: no customer");
	is_int(search(st, "zyxxyz", &s), 0, "rollback: nothing indexed");

	/* A savepoint undoes one message and keeps the rest. */
	ok(store_begin(st, &cause) == 0, "savepoint: begin");
	t = new_ticket(st, "Kept", "kept@example.com", NULL, 100);
	ok(store_savepoint(st, &cause) == 0, "savepoint");
	insert(st, m, "raw", 3, t, MSG_IN, 100);
	ok(store_savepoint_rollback(st, &cause) == 0, "savepoint rollback");
	ok(store_savepoint(st, &cause) == 0 &&
	    store_savepoint_release(st, &cause) == 0, "savepoint release");
	m2 = msg_new("kept@x", "kept", NULL, "kept@example.com", "Kept",
	    "qwqwqw kept words", 100);
	ok(store_savepoint(st, &cause) == 0 &&
	    insert(st, m2, "raw", 3, t, MSG_IN, 100) > 0 &&
	    store_savepoint_release(st, &cause) == 0,
	    "savepoint: next message kept");
	ok(store_commit(st, &cause) == 0, "savepoint: commit");
	is_int(count(st, "tickets"), before_t + 1, "savepoint: ticket kept");
	is_int(count(st, "messages"), before_m + 1,
	    "savepoint: one message undone, one kept");
	is_int(search(st, "zyxxyz", &s), 0, "savepoint: nothing indexed");
	is_int(search(st, "qwqwqw", &s), 1, "savepoint: kept one indexed");
	message_free(m2);

	/* Outside a transaction a message is indexed at once. */
	m2 = msg_new("auto@x", "auto", NULL, "kept@example.com", "Auto",
	    "plplpl autocommit", 100);
	ok(insert(st, m2, "raw", 3, t, MSG_IN, 100) > 0, "autocommit insert");
	is_int(search(st, "plplpl", &s), 1, "autocommit: indexed");
	message_free(m2);
	message_free(m);
}

static int
uid_walk(uint32_t uid, int64_t ticket, void *arg)
{
	uint32_t	*last = arg;

	last[0]++;
	last[1] = uid;
	return (0);
}

/* What helpq keeps of an IMAP folder, and where messages are. */
static void
test_mailbox(struct store *st)
{
	struct mailbox_state	 ms, got;
	struct msg_origin	 o;
	uint32_t		 walk[2] = { 0, 0 };
	char			*cause = NULL;

	is_int(store_mailbox_get(st, "Support", &got, &cause), 1,
	    "a folder never seen is not found");
	memset(&ms, 0, sizeof ms);
	ms.uidvalidity = 100;
	ms.history_uid = 11;
	ms.updated = 5;
	ok(store_begin(st, &cause) == 0 &&
	    store_mailbox_set(st, "Support", &ms, &cause) == 0 &&
	    store_mailbox_advance(st, "Support", 100, 7, 6, &cause) == 0 &&
	    store_mailbox_advance(st, "Support", 100, 3, 6, &cause) == 0 &&
	    store_mailbox_advance(st, "Support", 99, 50, 6, &cause) == 0 &&
	    store_mailbox_reflected(st, "Support", 100, 4, &cause) == 0 &&
	    store_commit(st, &cause) == 0, "set, advance, reflect");
	ok(store_mailbox_get(st, "Support", &got, &cause) == 0 &&
	    got.uidvalidity == 100 && got.last_uid == 7 &&
	    got.history_uid == 11 && got.reflected_uid == 4 &&
	    got.updated == 6, "the mark only rises, and only under its "
	    "UIDVALIDITY");

	ok(store_mailbox_messages(st, "INBOX", 7, 0, 100, uid_walk, walk,
	    &cause) == 0 && walk[0] > 1 && walk[1] == 42,
	    "the folder's stored messages are walked");
	memset(&o, 0, sizeof o);
	o.mailbox = "INBOX";
	o.uidvalidity = 8;
	o.uid = 5;
	walk[0] = walk[1] = 0;
	ok(store_begin(st, &cause) == 0 &&
	    store_message_set_origin(st, 1, &o, &cause) == 0 &&
	    store_commit(st, &cause) == 0 &&
	    store_mailbox_messages(st, "INBOX", 8, 0, 5, uid_walk, walk,
	    &cause) == 0 && walk[0] == 1 && walk[1] == 5,
	    "a message found again under a new UIDVALIDITY moves there");
	walk[0] = 0;
	ok(store_mailbox_messages(st, "INBOX", 8, 5, 100, uid_walk, walk,
	    &cause) == 0 && walk[0] == 0, "UIDs up to the mark are left out");
	free(cause);
}

/* Remember the outbox entries a walk shows. */
struct ob_seen {
	int		 n;
	int64_t		 ids[8];
	int		 attempts[8];
	enum outbox_status status[8];
	char		 raw[64];
};

static int
ob_walk(const struct outbox_entry *e, void *arg)
{
	struct ob_seen	*w = arg;

	if (w->n < 8) {
		w->ids[w->n] = e->id;
		w->attempts[w->n] = e->attempts;
		w->status[w->n] = e->status;
	}
	if (w->n++ == 0)
		snprintf(w->raw, sizeof w->raw, "%.*s", (int)e->rawlen,
		    e->raw);
	return (0);
}

static void
test_outbox(struct store *st)
{
	struct outbox_entry	 e;
	struct ob_seen		 w;
	struct ticket		 t;
	int64_t			 id1 = 0, id2 = 0, id3 = 0, n, tk;
	time_t			 next;
	char			*cause = NULL;

	memset(&e, 0, sizeof e);
	e.key = "ack:1";
	e.ticket = 1;
	e.message_id = "a1@example.com";
	e.kind = "ack";
	e.sender = "";
	e.recipients = "c@example.org";
	e.raw = "Subject: x\r\n\r\nbody\r\n";
	e.rawlen = strlen(e.raw);
	e.created = 1000;
	ok(store_begin(st, &cause) == 0 &&
	    store_outbox_add(st, &e, &id1, &cause) == 0 && id1 > 0,
	    "queue an ack");
	is_int(store_outbox_add(st, &e, &id2, &cause), 1,
	    "the same key again adds nothing");
	is_int(id2, id1, "and names the one queued before");
	e.key = "reply:x";
	e.kind = "agent";
	e.created = 1500;
	e.copy = OUTBOX_COPY_WANTED;
	ok(store_outbox_add(st, &e, &id2, &cause) == 0, "queue a reply");
	e.key = "ack:2";
	e.kind = "ack";
	e.recipients = "d@example.org";
	e.created = 1600;
	e.next_attempt = 5000;
	e.copy = OUTBOX_COPY_NONE;
	ok(store_outbox_add(st, &e, &id3, &cause) == 0 &&
	    store_commit(st, &cause) == 0, "queue one not due before 5000");

	memset(&w, 0, sizeof w);
	ok(store_outbox_due(st, 2000, ob_walk, &w, &cause) == 0 &&
	    w.n == 2 && w.ids[0] == id1 && w.ids[1] == id2,
	    "due at 2000: the two without a later attempt, oldest first");
	is_str(w.raw, "Subject: x\r\n\r\nbody\r\n", "the bytes come back");
	memset(&w, 0, sizeof w);
	ok(store_outbox_due(st, 0, ob_walk, &w, &cause) == 0 && w.n == 3,
	    "all queued: three");
	ok(store_outbox_next(st, &next, &cause) == 0 && next == 0,
	    "the next is due at once");

	ok(store_outbox_recent(st, "ack", "c@example.org", 900, &n, &tk,
	    &cause) == 0 && n == 1 && tk == 1, "one ack to c since 900");
	ok(store_outbox_recent(st, "ack", "c@example.org", 1001, &n, NULL,
	    &cause) == 0 && n == 0, "none since 1001");
	ok(store_outbox_recent(st, NULL, NULL, 0, &n, NULL, &cause) == 0 &&
	    n == 2, "two automatic mails (the reply is an agent's)");

	ok(store_begin(st, &cause) == 0 &&
	    store_outbox_result(st, id1, OUTBOX_SENT, 0, 2100, NULL,
	    "250 OK", &cause) == 0 &&
	    store_outbox_result(st, id2, OUTBOX_QUEUED, 2160, 0,
	    "451 later", NULL, &cause) == 0 &&
	    store_commit(st, &cause) == 0, "record a send and a deferral");
	memset(&w, 0, sizeof w);
	ok(store_outbox_due(st, 2100, ob_walk, &w, &cause) == 0 && w.n == 0,
	    "nothing due at 2100");
	ok(store_outbox_next(st, &next, &cause) == 0 && next == 2160,
	    "the next try is at 2160");
	memset(&w, 0, sizeof w);
	ok(store_outbox_list(st, OUTBOX_SENT, 0, ob_walk, &w, &cause) == 0 &&
	    w.n == 1 && w.ids[0] == id1 && w.attempts[0] == 1,
	    "list sent: the ack, one attempt");
	memset(&w, 0, sizeof w);
	ok(store_outbox_list(st, -1, 2, ob_walk, &w, &cause) == 0 &&
	    w.n == 2 && w.ids[0] == id3, "list all, newest first, limit 2");

	memset(&w, 0, sizeof w);
	ok(store_outbox_copies(st, ob_walk, &w, &cause) == 0 && w.n == 0,
	    "no copy is due before the reply is sent");
	ok(store_begin(st, &cause) == 0 &&
	    store_outbox_result(st, id2, OUTBOX_SENT, 0, 2200, NULL, "250",
	    &cause) == 0 && store_commit(st, &cause) == 0, "the reply goes");
	memset(&w, 0, sizeof w);
	ok(store_outbox_copies(st, ob_walk, &w, &cause) == 0 && w.n == 1 &&
	    w.ids[0] == id2, "now its copy to Sent is due");
	ok(store_begin(st, &cause) == 0 &&
	    store_outbox_copied(st, id2, &cause) == 0 &&
	    store_commit(st, &cause) == 0, "the copy is made");
	memset(&w, 0, sizeof w);
	ok(store_outbox_copies(st, ob_walk, &w, &cause) == 0 && w.n == 0,
	    "and no longer due");
	memset(&w, 0, sizeof w);
	is_int(store_outbox_get(st, 9999, ob_walk, &w, &cause), 1,
	    "no such entry");

	/* Our answer: first response, no due time; a new ticket opens. */
	ok(store_begin(st, &cause) == 0 &&
	    store_ticket_set_due(st, 1, 99999, &cause) == 0 &&
	    store_ticket_answered(st, 1, 3000, &cause) == 0 &&
	    store_commit(st, &cause) == 0, "answer ticket 1");
	memset(&t, 0, sizeof t);
	ok(store_ticket_get(st, 1, &t, &cause) == 0 && t.due == 0 &&
	    t.first_response != 0 && t.status != TICKET_NEW &&
	    t.status != TICKET_WAITING, "the clock stopped, it is open");
	store_ticket_clear(&t);
	free(cause);
}

static int
failed_count_cb(const struct failed_message *f, void *arg)
{
	int	*n = arg;

	(*n)++;
	return (0);
}

static int
failed_raw_cb(const struct failed_message *f, const char *raw, size_t len,
    void *arg, char **cause)
{
	int	*good = arg;

	*good = f->uid == 7 && f->size == 5 && len == 5 &&
	    memcmp(raw, "x\0y\r\n", 5) == 0 && strcmp(f->source, "INBOX") == 0 &&
	    f->from == NULL && strcmp(f->reason, "why") == 0;
	return (0);
}

static void
test_failed(struct store *st)
{
	struct failed_message	 f;
	int64_t			 id = 0;
	char			*cause = NULL;
	int			 n = 0, good = 0;

	memset(&f, 0, sizeof f);
	f.time = 1000;
	f.source = "INBOX";
	f.uidvalidity = 3;
	f.uid = 7;
	f.reason = "why";
	ok(store_begin(st, &cause) == 0 && store_failed_add(st, &f,
	    "x\0y\r\n", 5, &id, &cause) == 0 && store_commit(st, &cause) == 0,
	    "a message is set aside");
	ok(store_failed_list(st, failed_count_cb, &n, &cause) == 0 && n == 1,
	    "and listed");
	ok(store_failed_get(st, id, failed_raw_cb, &good, &cause) == 0 &&
	    good, "its raw bytes (with a NUL) and facts read back");
	ok(store_failed_get(st, id + 1, failed_raw_cb, &good, &cause) == 1,
	    "an unknown id is not found");
	ok(store_begin(st, &cause) == 0 && store_failed_remove(st, id,
	    &cause) == 0 && store_commit(st, &cause) == 0 &&
	    count(st, "failed") == 0, "its failure mark is removed");
	ok(!store_temporary(st), "no error: nothing temporary");
}

static void
test_names(void)
{
	enum ticket_status	st;

	is_str(store_status_name(TICKET_WAITING), "waiting", "status name");
	ok(store_status_parse("closed", &st) == 0 && st == TICKET_CLOSED,
	    "status parse");
	ok(store_status_parse("bogus", &st) == -1, "status parse: bad");
	is_str(store_kind_name(MSG_KIND_ESCALATION), "escalation",
	    "kind name");
	is_str(store_direction_name(MSG_OUT), "out", "direction name");
	is_str(store_outbox_status_name(OUTBOX_FAILED), "failed",
	    "outbox status name");
}

/* Two tickets become one: everything moves, the younger number is an
 * alias, and the ticket row takes from both. */
static void
test_merge(struct store *st)
{
	struct ticket	 t;
	struct message	*m;
	struct ticket_change tc;
	int64_t		 a, b, c, v[4], id, before;
	size_t		 n;
	char		*cause = NULL, *lang = NULL;

	before = count(st, "tickets");
	ok(store_begin(st, &cause) == 0, "merge: begin");
	a = new_ticket(st, "Invoice", "ann@example.com", NULL, 5000);
	b = new_ticket(st, "Re: Invoice", "ben@example.com", NULL, 6000);
	c = new_ticket(st, "Other", "cid@example.com", NULL, 6500);
	m = msg_new("inv1@example.com", "inv1", NULL, "ann@example.com",
	    "Invoice", "Where is it?", 5000);
	ok(insert(st, m, "x", 1, a, MSG_IN, 5000) > 0, "merge: a's message");
	message_free(m);
	m = msg_new("inv2@example.com", "inv2", NULL, "ben@example.com",
	    "Re: Invoice", "Here.", 6000);
	m->in_reply_to = xstrdup("inv1@example.com");
	ok(insert(st, m, "x", 1, b, MSG_IN, 6000) > 0, "merge: b's reply");
	message_free(m);
	ok(store_ticket_links(st, a, v, nitems(v), &n, &cause) == 0 &&
	    n == 1 && v[0] == b, "a ticket's links: the one answering it");
	ok(store_ticket_links(st, b, v, nitems(v), &n, &cause) == 0 &&
	    n == 1 && v[0] == a, "and the one it answers");
	ok(store_ticket_links(st, c, v, nitems(v), &n, &cause) == 0 &&
	    n == 0, "an unrelated ticket has none");
	ok(store_ticket_set_status(st, a, TICKET_WAITING, 5500, &cause) == 0 &&
	    store_tag_add(st, a, "billing", 5500, &cause) == 0 &&
	    store_tag_add(st, b, "vip", 6000, &cause) == 0,
	    "merge: a waits, tags on both");

	is_int(store_ticket_merge(st, a, b, 7000, &cause), 0, "merge b into a");
	is_int(store_ticket_merge(st, a, b, 7000, &cause), 1,
	    "again: they are one");
	is_int(store_ticket_merge(st, a, a, 7000, &cause), 1,
	    "a ticket with itself: nothing");
	is_int(store_ticket_merge(st, a, 999999, 7000, &cause), 1,
	    "with no ticket: nothing");
	ok(store_ticket_resolve(st, b, &id, &cause) == 0 && id == a,
	    "b's number names a");
	ok(store_ticket_resolve(st, c, &id, &cause) == 0 && id == c,
	    "another number names itself");
	memset(&t, 0, sizeof t);
	ok(store_ticket_get(st, b, &t, &cause) == 0 && t.id == a,
	    "reading b reads a");
	is_int(t.nmessages, 2, "a has both messages");
	is_int(t.status, TICKET_OPEN, "a waited, b was new: open");
	is_int(t.created, 5000, "the earlier start");
	is_str(t.customer, "ann@example.com", "the older ticket's customer");
	ok(t.ntags == 2, "the tags of both");
	store_ticket_clear(&t);
	ok(store_ticket_links(st, a, v, nitems(v), &n, &cause) == 0 && n == 0,
	    "a merged ticket links to nothing outside");
	/* The store merges as told; the older-survives rule is threading's. */
	is_int(store_ticket_merge(st, c, a, 7100, &cause), 0,
	    "merge a into c");
	ok(store_ticket_resolve(st, a, &id, &cause) == 0 && id == c,
	    "a's number names c");
	ok(store_ticket_resolve(st, b, &id, &cause) == 0 && id == c,
	    "and so does b's: its alias moved with a");
	ok(store_ticket_get(st, b, &t, &cause) == 0 && t.id == c &&
	    t.nmessages == 2, "reading b reads c with both messages");
	store_ticket_clear(&t);
	is_int(count(st, "tickets"), before + 1, "three tickets made, two "
	    "merged away");
	/* A customer's language is that of their last ticket with one. */
	ok(store_customer_language(st, "cid@example.com", &lang, &cause) == 0 &&
	    lang == NULL, "a customer without a ticket language: none");
	memset(&tc, 0, sizeof tc);
	tc.language = "de";
	ok(store_ticket_change(st, c, &tc, 7200, &cause) == 0 &&
	    store_customer_language(st, "CID@example.com", &lang, &cause) == 0 &&
	    lang != NULL && strcmp(lang, "de") == 0,
	    "then the language of their ticket, whatever the address's case");
	free(lang);
	ok(store_customer_language(st, "nobody@example.com", &lang,
	    &cause) == 0 && lang == NULL, "an unknown address: none");
	ok(store_commit(st, &cause) == 0, "merge: commit");
	free(cause);
}

/* Raw messages are kept packed and come back byte for byte. */
static void
test_raw(struct store *st)
{
	static const char magic[] = "\x28\xb5\x2f\xfdnot a frame at all";
	struct message	*m;
	struct buf	 big;
	void		*zc = NULL;
	int64_t		 tk, id1, id2, id3, id4;
	char		*raw, *cause = NULL;
	size_t		 len;
	int		 i;

	buf_init(&big);
	buf_adds(&big, "From: a@example.com\r\nSubject: big\r\n\r\n");
	for (i = 0; i < 2000; i++)
		buf_addf(&big, "Line %d of a long and repetitive letter.\r\n",
		    i % 7);
	ok(store_begin(st, &cause) == 0, "raw: begin");
	tk = new_ticket(st, "raw", "raw@example.com", NULL, 9000);
	m = msg_new("raw1@example.com", "raw1", NULL, "raw@example.com",
	    "big", "x", 9000);
	id1 = insert(st, m, big.data, big.len, tk, MSG_IN, 9000);
	message_free(m);
	m = msg_new("raw2@example.com", "raw2", NULL, "raw@example.com",
	    "magic", "x", 9000);
	id2 = insert(st, m, magic, sizeof magic - 1, tk, MSG_IN, 9000);
	message_free(m);
	m = msg_new("raw3@example.com", "raw3", NULL, "raw@example.com",
	    "tiny", "x", 9000);
	id3 = insert(st, m, "F", 1, tk, MSG_IN, 9000);
	message_free(m);
	/* Packed ahead by the reader, as ingest does. */
	m = msg_new("raw4@example.com", "raw4", NULL, "raw@example.com",
	    "packed", "x", 9000);
	ok(store_raw_pack(&zc, NULL, big.data, big.len, &m->packed,
	    &m->packedlen) == 0 && m->packedlen < big.len / 10,
	    "a repetitive letter packs to under a tenth");
	id4 = insert(st, m, big.data, big.len, tk, MSG_IN, 9000);
	message_free(m);
	store_raw_pack_free(zc);
	ok(store_commit(st, &cause) == 0, "raw: commit");

	ok(store_message_raw(st, id1, &raw, &len, &cause) == 0 &&
	    len == big.len && memcmp(raw, big.data, len) == 0,
	    "a packed message comes back byte for byte");
	free(raw);
	ok(store_message_raw(st, id2, &raw, &len, &cause) == 0 &&
	    len == sizeof magic - 1 && memcmp(raw, magic, len) == 0,
	    "so does one that begins like a zstd frame");
	free(raw);
	ok(store_message_raw(st, id3, &raw, &len, &cause) == 0 && len == 1 &&
	    raw[0] == 'F' && raw[1] == '\0', "and one too small to pack");
	free(raw);
	ok(store_message_raw(st, id4, &raw, &len, &cause) == 0 &&
	    len == big.len && memcmp(raw, big.data, len) == 0,
	    "and one the reader packed");
	free(raw);
	buf_free(&big);
	free(cause);
}

/* The first stored text of ticket tk, copied into buf. */
static int
text_cb(const struct stored_message *m, void *arg)
{
	struct buf	*b = arg;

	if (b->len == 0)
		buf_adds(b, m->body != NULL ? m->body : "(null)");
	return (1);
}

static char *
text_of(struct store *st, int64_t tk)
{
	struct buf	 b;
	char		*cause = NULL;

	buf_init(&b);
	if (store_ticket_messages(st, tk, text_cb, &b, &cause) != 0) {
		diag("text: %s", cause);
		free(cause);
		buf_free(&b);
		return (NULL);
	}
	return (buf_steal(&b, NULL));
}

/* How the row of message id keeps its text: "delta N", "frame N", "text N". */
static void
text_kept(const char *path, int64_t id, char *out, size_t len)
{
	sqlite3		*db;
	sqlite3_stmt	*stmt;
	const unsigned char *p;
	int		 n;

	snprintf(out, len, "?");
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(db, "SELECT typeof(body), body"
	    " FROM messages WHERE id = ?1", -1, &stmt, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return;
	}
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		p = sqlite3_column_blob(stmt, 1);
		n = sqlite3_column_bytes(stmt, 1);
		snprintf(out, len, "%s %d", strcmp((const char *)
		    sqlite3_column_text(stmt, 0), "blob") != 0 ? "text" :
		    n > 0 && p[0] == 0x01 ? "delta" : "frame", n);
	}
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

static void
test_text(struct store *st, const char *path)
{
	struct message	*m;
	struct buf	 raw, body;
	void		*zc = NULL, *z;
	size_t		 zl;
	int64_t		 tk[4], id[4];
	char		*t, *cause = NULL, kept[64], sql[160];
	struct seen	 s;
	int		 i, n;

	buf_init(&raw);
	buf_init(&body);
	for (i = 0; i < 300; i++)
		buf_addf(&body, "Zeile %d: Wann kommt meine Lieferung %d?\n", i,
		    i * 7919 % 1000);
	buf_adds(&raw, "From: t@example.com\nSubject: text\n\n");
	buf_add(&raw, body.data, body.len);
	ok(store_begin(st, &cause) == 0, "text: begin");
	for (i = 0; i < 4; i++)
		tk[i] = new_ticket(st, "text", "t@example.com", NULL, 9100 + i);
	/* Packed by the store, against the raw bytes. */
	m = msg_new("t0@example.com", "t0", NULL, "t@example.com", "text",
	    buf_cstr(&body), 9100);
	id[0] = insert(st, m, raw.data, raw.len, tk[0], MSG_IN, 9100);
	message_free(m);
	/* Packed ahead by the reader, as ingest does. */
	m = msg_new("t1@example.com", "t1", NULL, "t@example.com", "text",
	    buf_cstr(&body), 9101);
	ok(store_text_pack(&zc, m->text, m->textlen, raw.data, raw.len,
	    &m->packed_text, &m->packed_textlen) == 0 &&
	    m->packed_textlen < body.len / 50,
	    "a text that is the raw message's body packs to under a 50th");
	id[1] = insert(st, m, raw.data, raw.len, tk[1], MSG_IN, 9101);
	message_free(m);
	/* A text the raw bytes do not hold (decoded, say) still packs. */
	m = msg_new("t2@example.com", "t2", NULL, "t@example.com", "text",
	    "Grüße aus Köln, und noch einmal: Grüße aus Köln, bis bald!",
	    9102);
	id[2] = insert(st, m, raw.data, raw.len, tk[2], MSG_IN, 9102);
	message_free(m);
	/* No raw bytes (nothing to pack against): a frame of its own. */
	m = msg_new("t3@example.com", "t3", NULL, "t@example.com", "text",
	    buf_cstr(&body), 9103);
	id[3] = insert(st, m, NULL, 0, tk[3], MSG_IN, 9103);
	message_free(m);
	ok(store_text_pack(&zc, "short", 5, raw.data, raw.len, &z, &zl) ==
	    -1 && z == NULL, "a short text is kept as it is");
	store_raw_pack_free(zc);
	ok(store_commit(st, &cause) == 0, "text: commit");

	for (i = 0; i < 4; i++) {
		t = text_of(st, tk[i]);
		ok(t != NULL && strcmp(t, i == 2 ? "Grüße aus Köln, und noch "
		    "einmal: Grüße aus Köln, bis bald!" : buf_cstr(&body)) == 0,
		    "text %d reads back as it was", i);
		free(t);
	}
	text_kept(path, id[0], kept, sizeof kept);
	n = 0;
	ok(sscanf(kept, "delta %d", &n) == 1 && n < (int)body.len / 50,
	    "the store packs against the raw message (%s)", kept);
	text_kept(path, id[3], kept, sizeof kept);
	ok(strncmp(kept, "frame ", 6) == 0, "without raw bytes: a frame "
	    "(%s)", kept);

	/* Read against other bytes, the checksum says so. */
	snprintf(sql, sizeof sql, "UPDATE message_raw SET raw = 'From: "
	    "x@example.com' WHERE id = %lld", (long long)id[0]);
	set_user_version_sql(path, sql);
	t = text_of(st, tk[0]);
	ok(t == NULL, "a text read against the wrong raw bytes is an error");
	free(t);
	/* The index passes over what it cannot read and goes on. */
	ok(store_begin(st, &cause) == 0, "text: begin again");
	m = msg_new("t4@example.com", "t4", NULL, "t@example.com", "text",
	    "Zwiebelkuchen und Federweißer, wie jedes Jahr im Oktober.", 9104);
	insert(st, m, raw.data, raw.len, tk[3], MSG_IN, 9104);
	message_free(m);
	ok(store_commit(st, &cause) == 0, "text: commit again");
	search_ticket = tk[3];
	is_int(search(st, "zwiebelkuchen", &s), 1,
	    "the index goes past a text it cannot read");
	buf_free(&raw);
	buf_free(&body);
	free(cause);
}

/* A customer's mail, different in every part a desk's mail differs in. */
static void
dict_mail(struct buf *b, int i)
{
	static const char *const words[] = { "Lieferung", "Rechnung",
	    "Passwort", "Bestellung", "Rücksendung", "Gutschein", "Konto",
	    "Adresse", "Paket", "Zahlung", "Termin", "Vertrag" };
	int	 k;

	buf_reset(b);
	buf_addf(b, "Received: from mx%d.example.net (mx%d.example.net "
	    "[192.0.2.%d])\n\tby mail.example.com with ESMTPS id %08x;\n\t"
	    "Mon, 7 Dec 2026 %02d:%02d:%02d +0100\nFrom: Kunde %d "
	    "<kunde%d@example.net>\nTo: support@example.com\nSubject: Frage "
	    "%d zur %s\nMessage-ID: <d%d.%x@example.net>\nMIME-Version: 1.0"
	    "\nContent-Type: text/plain; charset=utf-8\n\nGuten Tag,\n\n",
	    i % 17, i % 17, i % 250, (unsigned)(i * 2654435761u), i % 24,
	    i % 60, (i * 7) % 60, i, i, i, words[i % 12], i,
	    (unsigned)(i * 40503u));
	for (k = 0; k < 12; k++)
		buf_addf(b, "meine %s %d (Nummer %06d) ist noch nicht da.\n",
		    words[(i + k * 5) % 12], i * k, (i * 7919 + k) % 1000000);
	buf_adds(b, "\nViele Grüße\n");
}

static void
test_dict(void)
{
	struct store	*st = NULL;
	struct message	*m;
	struct buf	 raw;
	int64_t		 tk, tk2, id = 0;
	char		*path, *back, *t, *cause = NULL, sql[128];
	size_t		 len, plain;
	void		*z;
	int		 i;

	path = path_in("dict.db");
	buf_init(&raw);
	if (!ok(store_open(path, 0, &st, &cause) == 0, "dict: open")) {
		diag("%s", cause);
		return;
	}
	ok(store_begin(st, &cause) == 0, "dict: begin");
	tk = new_ticket(st, "dict", "kunde@example.net", NULL, 9200);
	for (i = 0; i < 1000; i++) {
		dict_mail(&raw, i);
		m = msg_new("x", "dict", NULL, "kunde@example.net", "Frage",
		    "Guten Tag", 9200);
		insert(st, m, raw.data, raw.len, tk, MSG_IN, 9200);
		message_free(m);
		if (i % 100 == 99 && (store_commit(st, &cause) != 0 ||
		    store_begin(st, &cause) != 0))
			break;
	}
	ok(store_commit(st, &cause) == 0, "dict: commit");
	is_int(sql_int(path, "SELECT count(*) FROM zdicts"), 1,
	    "after 1,000 messages (500 needed) the store learnt a dictionary");

	ok(store_begin(st, &cause) == 0, "dict: begin again");
	tk2 = new_ticket(st, "dict 2", "kunde@example.net", NULL, 9300);
	dict_mail(&raw, 4711);
	m = msg_new("y", "dict2", NULL, "kunde@example.net", "Frage",
	    strstr(raw.data, "\n\n") + 2, 9300);
	id = insert(st, m, raw.data, raw.len, tk2, MSG_IN, 9300);
	message_free(m);
	ok(store_commit(st, &cause) == 0, "dict: commit again");
	snprintf(sql, sizeof sql, "SELECT length(raw) FROM message_raw WHERE "
	    "id = %lld", (long long)id);
	len = (size_t)sql_int(path, sql);
	z = xmalloc(ZSTD_compressBound(raw.len));
	plain = ZSTD_compress(z, ZSTD_compressBound(raw.len), raw.data,
	    raw.len, 1);
	free(z);
	ok(len < plain * 3 / 4, "with it a message packs into %zu bytes, "
	    "not %zu", len, plain);
	for (i = 0; i < 2; i++) {
		back = NULL;
		ok(store_message_raw(st, id, &back, &len, &cause) == 0 &&
		    len == raw.len && memcmp(back, raw.data, len) == 0,
		    "%s: the raw message comes back byte for byte",
		    i == 0 ? "the same connection" : "a new one");
		free(back);
		t = text_of(st, tk2);
		ok(t != NULL && strcmp(t, strstr(raw.data, "\n\n") + 2) == 0,
		    "%s: and its text, packed against it",
		    i == 0 ? "the same connection" : "a new one");
		free(t);
		store_close(st);
		st = NULL;
		if (i == 0 && store_open(path, 0, &st, &cause) != 0) {
			diag("%s", cause);
			break;
		}
	}
	store_close(st);
	buf_free(&raw);
	free(path);
	free(cause);
}

int
main(void)
{
	struct store	*st;
	char		*path, *cause = NULL, *cmd;

	if (mkdtemp(tmpdir) == NULL)
		return (1);
	test_names();
	test_open();
	path = path_in("main.db");
	if (!ok(store_open(path, 0, &st, &cause) == 0, "open main")) {
		diag("%s", cause);
		return (done_testing());
	}
	test_tickets(st);
	test_search(st);
	test_rollback(st);
	test_mailbox(st);
	test_outbox(st);
	test_failed(st);
	test_merge(st);
	test_raw(st);
	test_text(st, path);
	store_close(st);
	test_dict();
	free(path);

	cmd = xprintf("rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		diag("could not remove %s", tmpdir);
	free(cmd);
	return (done_testing());
}
