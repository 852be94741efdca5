/*
 * helpq - store_private.h: what the store files share. The statement ids
 * and, beside them, the SQL of every statement the store prepares (the
 * table is compiled into store.c alone), the connection, and the query
 * helpers that run the statements.
 */
#ifndef HELPQ_STORE_PRIVATE_H
#define HELPQ_STORE_PRIVATE_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

/* The FTS5 tokenizer that folds Greek and German; named in the schema. */
#define FOLD_TOKENIZER		"helpq_fold"

/*
 * The text of the messages row aliased m, in schema db ("main", or the
 * index connection's "db"). A text packed against its raw message (a blob
 * that begins with 0x01: store_text_pack) is read with the raw bytes; the
 * raw blob is read only then.
 */
#define STORE_TEXT_SQL(db, m)	STORE_TEXT_SQL_OR(db, m, "")
/* The same, or instead (SQL: "''") for a text that cannot be read. */
#define STORE_TEXT_SQL_OR(db, m, instead)				\
	"helpq_text(" m ".body, (SELECT raw FROM " db ".message_raw"	\
	" WHERE id = " m ".id AND substr(" m ".body, 1, 1) = x'01')"	\
	instead ")"

/* How long a connection waits for another one's lock. */
#define STORE_BUSY_MS		10000

/* WAL pages after which committed pages are copied back (SQLite's own
 * default). */
#define STORE_CHECKPOINT_FRAMES	1000
/* WAL pages past which the writer itself finishes the copying. */
#define STORE_WAL_LIMIT		(16 * STORE_CHECKPOINT_FRAMES)

/* ---- the statements ---- */

/* The columns of a struct ticket, in the order ticket_read reads them. */
#define TICKET_SELECT							\
	"SELECT t.id, t.subject, t.norm_subject,"			\
	" coalesce(t.customer_id, 0), coalesce(c.address, ''), c.name,"	\
	" t.status, t.queue, t.priority, t.assignee, t.language,"	\
	" t.created, t.updated, coalesce(t.first_response, 0),"		\
	" coalesce(t.due, 0), coalesce(t.closed, 0),"			\
	" coalesce(t.linked_to, 0),"					\
	" (SELECT count(*) FROM messages m WHERE m.ticket_id = t.id),"	\
	" coalesce(t.response_time, 0)"					\
	" FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id"

/* The columns of a struct sla_clock, in the order clock_read reads them. */
#define CLOCK_SELECT							\
	"SELECT id, ticket_id, kind, started, seconds, business, calendar,"	\
	" source, coalesce(due, 0), coalesce(stopped, 0), outcome, spent,"	\
	" coalesce(resumed, 0), done FROM clocks"

/* The columns of a struct outbox_entry, in the order outbox_read reads
 * them. */
#define OUTBOX_SELECT							\
	"SELECT id, key, coalesce(ticket_id, 0), message_id, kind,"	\
	" sender, recipients, raw, status, attempts, created,"		\
	" coalesce(next_attempt, 0), coalesce(sent, 0), last_error,"	\
	" reply, copy FROM outbox"

enum store_stmt {
	ST_BEGIN,
	ST_BEGIN_READ,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_KNOWN_ID,
	ST_KNOWN_HASH,
	ST_BY_MSGID,
	ST_BY_REFERENCE,
	ST_REFERENCE_ADD,
	ST_ROOT_IS_REPLY,
	ST_TICKET_LINKS,
	ST_ALIAS,
	ST_ALIASES,
	ST_SHARED_PARTICIPANTS,
	/* store_ticket_merge runs these in order: ?1 into, ?2 from, ?3 now */
	ST_MERGE_REMARK,
	ST_MERGE_TICKET,
	ST_MERGE_MESSAGES,
	ST_MERGE_PARTICIPANTS,
	ST_MERGE_PARTICIPANTS_DEL,
	ST_MERGE_TAGS,
	ST_MERGE_TAGS_DEL,
	ST_MERGE_FIELDS,
	ST_MERGE_FIELDS_DEL,
	ST_MERGE_REFS,
	ST_MERGE_REFS_DEL,
	ST_MERGE_EVENTS,
	ST_MERGE_OUTBOX,
	ST_MERGE_RATINGS,
	ST_MERGE_SURVEYS,
	ST_MERGE_SURVEYS_DEL,
	ST_MERGE_CLOCKS,
	ST_MERGE_CLOCKS_STOP,
	ST_MERGE_LINKS,
	ST_MERGE_ALIASES,
	ST_MERGE_ALIAS,
	ST_MERGE_DELETE,
	ST_BY_SUBJECT,
	ST_TICKET_GET,
	ST_TICKET_TAGS,
	ST_HAS_PARTICIPANT,
	ST_CUSTOMER_UPSERT,
	ST_CUSTOMER_ID,
	ST_TICKET_INSERT,
	ST_PARTICIPANT_ADD,
	ST_SET_STATUS,
	ST_TOUCH,
	ST_TICKET_CHANGE,
	ST_SET_DUE,
	ST_FIELD_SET,
	ST_FIELDS,
	ST_CUSTOMER_TICKETS,
	ST_CUSTOMER_LANGUAGE,
	ST_MESSAGE_INSERT,
	ST_RAW_INSERT,
	ST_ATTACHMENT_INSERT,
	ST_EVENT_ADD,
	ST_TAG_ADD,
	ST_TAG_DELETE,
	ST_MESSAGES,
	ST_EVENTS,
	ST_SEARCH,
	ST_SEARCH_TEXT,
	ST_SEARCH_HL_FILL,
	ST_SEARCH_HL_CLEAR,
	ST_RAW_GET,
	ST_ZDICT_NEWEST,
	ST_RAW_LAST_ID,
	ST_ZDICT_SAMPLES,
	ST_ZDICT_INSERT,
	ST_ATTACH_INDEX,
	ST_DETACH_INDEX,
	ST_MAILBOX_GET,
	ST_MAILBOX_SET,
	ST_MAILBOX_ADVANCE,
	ST_MAILBOX_REFLECTED,
	ST_MAILBOX_REMARK,
	ST_MAILBOX_MESSAGES,
	ST_SET_ORIGIN,
	ST_OUTBOX_ADD,
	ST_OUTBOX_KEY,
	ST_OUTBOX_DUE,
	ST_OUTBOX_ALL_QUEUED,
	ST_OUTBOX_GET,
	ST_OUTBOX_LIST,
	ST_OUTBOX_LIST_STATUS,
	ST_OUTBOX_RESULT,
	ST_OUTBOX_COPIED,
	ST_OUTBOX_REQUEUE,
	ST_OUTBOX_COPIES,
	ST_OUTBOX_NEXT,
	ST_ANSWERED,
	ST_CLOCK_START,
	ST_CLOCKS_RUNNING,
	ST_CLOCKS_RUNNING_TICKET,
	ST_CLOCKS_TICKET,
	ST_CLOCK_STOP,
	ST_CLOCK_ANSWERED,
	ST_CLOCK_PAUSE,
	ST_CLOCK_RESUME,
	ST_CLOCK_DONE,
	ST_REPORT_TICKETS,
	ST_REPORT_CLOCKS,
	ST_ASSIGN,
	ST_SURVEY_DUE,
	ST_SURVEY_LAST,
	ST_SURVEY_ADD,
	ST_SURVEY_PENDING,
	ST_SURVEY_RATE,
	ST_SURVEY_GET,
	ST_OUTBOX_RECENT,
	ST_OUTBOX_RECENT_TO,
	ST_OUTBOX_RECENT_AUTO,
	ST_COUNT_TICKETS,
	ST_COUNT_MESSAGES,
	ST_COUNT_EVENTS,
	ST_COUNT_CUSTOMERS,
	ST_COUNT_ATTACHMENTS,
	ST_COUNT_PARTICIPANTS,
	ST_COUNT_TAGS,
	ST_COUNT_OUTBOX,
	ST_COUNT_RATINGS,
	ST_COUNT_FAILED,
	ST_FAILED_ADD,
	ST_FAILED_FIND,
	ST_FAILED_AGAIN,
	ST_FAILED_LIST,
	ST_FAILED_GET,
	ST_FAILED_REMOVE,
	ST_INFLIGHT_GET,
	ST_INFLIGHT_SET,
	ST_INFLIGHT_CLEAR,
	ST__MAX
};

/*
 * The ticket list WHERE is put together from these fixed fragments, one
 * bit each; every combination is prepared once, like the other statements.
 */
enum {
	LIST_STATUS = 0x01,
	LIST_OPEN = 0x02,
	LIST_TAG = 0x04,
	LIST_QUEUE = 0x08,
	LIST_CUSTOMER = 0x10,
	LIST_OVERDUE = 0x20,
	LIST_ASSIGNEE = 0x40,
	LIST_UNASSIGNED = 0x80,
	LIST_SORT_DUE = 0x100,	/* not a fragment: the order */
	LIST_COMBOS = 0x200
};
#define LIST_WHERES	8	/* fragments, one bit each from 0x01 */

/*
 * The SQL by statement id, and the ticket list fragments by bit: every
 * statement the store runs on the database, each prepared once per
 * connection. Only the migrations and the pragmas that set a connection
 * up (store_schema.c, store.c) are fixed text run as it stands. The
 * tables are defined in store.c alone, which defines STORE_SQL_TABLE.
 */
extern const char *const store_sql[ST__MAX];
extern const char *const store_list_where[LIST_WHERES];

#ifdef STORE_SQL_TABLE
const char *const store_sql[ST__MAX] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_BEGIN_READ] = "BEGIN",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT helpq_message",
	[ST_RELEASE] = "RELEASE helpq_message",
	[ST_ROLLBACK_TO] = "ROLLBACK TO helpq_message",

	/* A row with the same hash sorts first. */
	/* Our own mail (its Message-ID is in the outbox) counts as the
	 * same whatever its bytes: a server that files a copy in Sent may
	 * add a header. */
	[ST_KNOWN_ID] =
	    "SELECT id, coalesce(ticket_id, 0), hash = ?2 OR EXISTS"
	    " (SELECT 1 FROM outbox o WHERE o.message_id = ?1)"
	    " FROM messages WHERE message_id = ?1"
	    " ORDER BY hash = ?2 DESC, id LIMIT 1",
	[ST_KNOWN_HASH] =
	    "SELECT id, coalesce(ticket_id, 0) FROM messages"
	    " WHERE hash = ?1 AND message_id IS NULL ORDER BY id LIMIT 1",
	/* Our own outgoing mail (acks) is threaded by its Message-ID too. */
	[ST_BY_MSGID] =
	    "SELECT ticket_id FROM messages"
	    " WHERE message_id = ?1 AND ticket_id IS NOT NULL"
	    " UNION ALL SELECT ticket_id FROM outbox"
	    " WHERE message_id = ?1 AND ticket_id IS NOT NULL LIMIT 1",
	/* The oldest ticket whose messages reference msgid. */
	[ST_BY_REFERENCE] =
	    "SELECT ticket_id FROM thread_refs WHERE msgid = ?1"
	    " ORDER BY ticket_id LIMIT 1",
	[ST_REFERENCE_ADD] =
	    "INSERT OR IGNORE INTO thread_refs (msgid, ticket_id)"
	    " VALUES (?1, ?2)",
	[ST_ROOT_IS_REPLY] =
	    "SELECT in_reply_to IS NOT NULL OR refs IS NOT NULL FROM messages"
	    " WHERE ticket_id = ?1 ORDER BY id LIMIT 1",
	[ST_SHARED_PARTICIPANTS] =
	    "SELECT a.address FROM participants a JOIN participants b"
	    " ON b.ticket_id = ?2 AND b.address = a.address"
	    " WHERE a.ticket_id = ?1",
	[ST_ALIAS] = "SELECT ticket_id FROM ticket_aliases WHERE id = ?1",
	[ST_ALIASES] =
	    "SELECT id FROM ticket_aliases WHERE ticket_id = ?1 ORDER BY id",
	/* The other tickets one reference away from ?1: they reference
	 * its messages, hold messages it references, or reference what it
	 * references. */
	[ST_TICKET_LINKS] =
	    "SELECT r.ticket_id FROM messages m JOIN thread_refs r"
	    " ON r.msgid = m.message_id WHERE m.ticket_id = ?1"
	    " AND r.ticket_id <> ?1"
	    " UNION SELECT m.ticket_id FROM thread_refs r JOIN messages m"
	    " ON m.message_id = r.msgid WHERE r.ticket_id = ?1"
	    " AND m.ticket_id <> ?1"
	    " UNION SELECT b.ticket_id FROM thread_refs a JOIN thread_refs b"
	    " ON b.msgid = a.msgid WHERE a.ticket_id = ?1 AND b.ticket_id <> ?1"
	    " ORDER BY 1 LIMIT ?2",
	/*
	 * Merging ticket ?2 into ticket ?1 at ?3. Both tickets' messages
	 * are marked again at the source (their keywords change); the
	 * ticket row takes the earlier start, the later activity, the
	 * earlier answer and due times, and the status that needs the
	 * most attention; everything that hangs on ?2 moves to ?1, whose
	 * values win where both have one; ?2's number stays an alias.
	 */
	[ST_MERGE_REMARK] =
	    "UPDATE mailbox_state SET reflected_uid = min(reflected_uid,"
	    " (SELECT min(m.uid) - 1 FROM messages m"
	    "  WHERE m.ticket_id IN (?1, ?2) AND m.mailbox = mailbox_state.mailbox"
	    "  AND m.uidvalidity = mailbox_state.uidvalidity))"
	    " WHERE EXISTS (SELECT 1 FROM messages m"
	    "  WHERE m.ticket_id IN (?1, ?2) AND m.mailbox = mailbox_state.mailbox"
	    "  AND m.uidvalidity = mailbox_state.uidvalidity"
	    "  AND m.uid IS NOT NULL)",
	[ST_MERGE_TICKET] =
	    "UPDATE tickets SET"
	    " status = CASE WHEN tickets.status = 'new' AND f.status = 'new'"
	    "  THEN 'new' WHEN tickets.status IN ('new', 'open')"
	    "  OR f.status IN ('new', 'open') THEN 'open'"
	    "  WHEN 'waiting' IN (tickets.status, f.status) THEN 'waiting'"
	    "  ELSE 'closed' END,"
	    " waiting_since = CASE WHEN tickets.status NOT IN ('new', 'open')"
	    "  AND f.status NOT IN ('new', 'open') THEN coalesce(min("
	    "  tickets.waiting_since, f.waiting_since), tickets.waiting_since,"
	    "  f.waiting_since) END,"
	    " closed = CASE WHEN tickets.closed IS NOT NULL AND f.closed IS NOT"
	    "  NULL THEN max(tickets.closed, f.closed) END,"
	    " created = min(tickets.created, f.created),"
	    " updated = max(tickets.updated, f.updated, ?3),"
	    " first_response = coalesce(min(tickets.first_response,"
	    "  f.first_response), tickets.first_response, f.first_response),"
	    " due = coalesce(min(tickets.due, f.due), tickets.due, f.due),"
	    " next_due = coalesce(min(tickets.next_due, f.next_due),"
	    "  tickets.next_due, f.next_due),"
	    " waited = tickets.waited + f.waited,"
	    " queue = coalesce(tickets.queue, f.queue),"
	    " priority = max(tickets.priority, f.priority),"
	    " assignee = coalesce(tickets.assignee, f.assignee),"
	    " language = coalesce(tickets.language, f.language),"
	    " response_time = coalesce(tickets.response_time, f.response_time),"
	    " linked_to = CASE WHEN tickets.linked_to IS NULL"
	    "  AND f.linked_to IS NOT ?1 THEN f.linked_to"
	    "  WHEN tickets.linked_to = ?2 THEN NULL ELSE tickets.linked_to END"
	    " FROM (SELECT * FROM tickets WHERE id = ?2) AS f"
	    " WHERE tickets.id = ?1",
	[ST_MERGE_MESSAGES] =
	    "UPDATE messages SET ticket_id = ?1 WHERE ticket_id = ?2",
	[ST_MERGE_PARTICIPANTS] =
	    "INSERT OR IGNORE INTO participants (ticket_id, address)"
	    " SELECT ?1, address FROM participants WHERE ticket_id = ?2",
	[ST_MERGE_PARTICIPANTS_DEL] =
	    "DELETE FROM participants WHERE ticket_id = ?2",
	[ST_MERGE_TAGS] =
	    "INSERT OR IGNORE INTO tags (ticket_id, tag)"
	    " SELECT ?1, tag FROM tags WHERE ticket_id = ?2",
	[ST_MERGE_TAGS_DEL] = "DELETE FROM tags WHERE ticket_id = ?2",
	[ST_MERGE_FIELDS] =
	    "INSERT OR IGNORE INTO ticket_fields (ticket_id, name, value)"
	    " SELECT ?1, name, value FROM ticket_fields WHERE ticket_id = ?2",
	[ST_MERGE_FIELDS_DEL] = "DELETE FROM ticket_fields WHERE ticket_id = ?2",
	[ST_MERGE_REFS] =
	    "INSERT OR IGNORE INTO thread_refs (msgid, ticket_id)"
	    " SELECT msgid, ?1 FROM thread_refs WHERE ticket_id = ?2",
	[ST_MERGE_REFS_DEL] = "DELETE FROM thread_refs WHERE ticket_id = ?2",
	[ST_MERGE_EVENTS] =
	    "UPDATE events SET ticket_id = ?1 WHERE ticket_id = ?2",
	[ST_MERGE_OUTBOX] =
	    "UPDATE outbox SET ticket_id = ?1 WHERE ticket_id = ?2",
	[ST_MERGE_RATINGS] =
	    "UPDATE ratings SET ticket_id = ?1 WHERE ticket_id = ?2",
	[ST_MERGE_SURVEYS] =
	    "INSERT OR IGNORE INTO surveys (ticket_id, time, scale, outbox_id,"
	    " skipped, rating, comment, rated, message_id)"
	    " SELECT ?1, time, scale, outbox_id, skipped, rating, comment,"
	    " rated, message_id FROM surveys WHERE ticket_id = ?2",
	[ST_MERGE_SURVEYS_DEL] = "DELETE FROM surveys WHERE ticket_id = ?2",
	[ST_MERGE_CLOCKS] =
	    "UPDATE clocks SET ticket_id = ?1 WHERE ticket_id = ?2",
	/* Of two running clocks of a kind, the one that started first
	 * (the stricter promise) runs on. */
	[ST_MERGE_CLOCKS_STOP] =
	    "UPDATE clocks SET stopped = max(?3, started), outcome = 'merged'"
	    " WHERE ticket_id = ?1 AND stopped IS NULL AND EXISTS (SELECT 1"
	    " FROM clocks o WHERE o.ticket_id = ?1 AND o.stopped IS NULL"
	    " AND (o.kind = 'resolution') = (clocks.kind = 'resolution')"
	    " AND (o.started < clocks.started"
	    " OR (o.started = clocks.started AND o.id < clocks.id)))",
	[ST_MERGE_LINKS] =
	    "UPDATE tickets SET linked_to = ?1 WHERE linked_to = ?2 AND id <> ?1",
	[ST_MERGE_ALIASES] =
	    "UPDATE ticket_aliases SET ticket_id = ?1 WHERE ticket_id = ?2",
	[ST_MERGE_ALIAS] =
	    "INSERT INTO ticket_aliases (id, ticket_id) VALUES (?2, ?1)",
	[ST_MERGE_DELETE] = "DELETE FROM tickets WHERE id = ?2",
	[ST_BY_SUBJECT] =
	    "SELECT t.id FROM customers c"
	    " JOIN tickets t ON t.customer_id = c.id"
	    " WHERE c.address = ?1 AND t.norm_subject = ?2"
	    " AND t.updated >= ?3 ORDER BY t.updated DESC, t.id DESC LIMIT 1",
	/* A merged ticket's number names the ticket it went into. */
	[ST_TICKET_GET] = TICKET_SELECT " WHERE t.id = coalesce((SELECT"
	    " ticket_id FROM ticket_aliases WHERE id = ?1), ?1)",
	[ST_TICKET_TAGS] =
	    "SELECT tag FROM tags WHERE ticket_id = ?1 ORDER BY tag",
	[ST_HAS_PARTICIPANT] =
	    "SELECT 1 FROM participants WHERE ticket_id = ?1 AND address = ?2"
	    " UNION ALL SELECT 1 FROM tickets t"
	    " JOIN customers c ON c.id = t.customer_id"
	    " WHERE t.id = ?1 AND c.address = ?2 LIMIT 1",

	[ST_CUSTOMER_UPSERT] =
	    "INSERT INTO customers (address, name, first_seen, tickets)"
	    " VALUES (?1, ?2, ?3, 1) ON CONFLICT (address) DO UPDATE SET"
	    " tickets = tickets + 1, name = coalesce(excluded.name, name),"
	    " first_seen = min(first_seen, excluded.first_seen)",
	[ST_CUSTOMER_ID] = "SELECT id FROM customers WHERE address = ?1",
	[ST_TICKET_INSERT] =
	    "INSERT INTO tickets (subject, norm_subject, customer_id, status,"
	    " created, updated, linked_to)"
	    " VALUES (?1, ?2, ?3, 'new', ?4, ?4, ?5)",
	[ST_PARTICIPANT_ADD] =
	    "INSERT OR IGNORE INTO participants (ticket_id, address)"
	    " VALUES (?1, ?2)",
	/* Closing an already closed ticket keeps its closed time. Leaving
	 * 'waiting' adds the time waited. */
	[ST_SET_STATUS] =
	    "UPDATE tickets SET waited = waited + CASE WHEN status = 'waiting'"
	    " AND ?2 <> 'waiting' THEN max(?3 - coalesce(waiting_since, ?3), 0)"
	    " ELSE 0 END,"
	    " waiting_since = CASE WHEN ?2 <> 'waiting' THEN NULL"
	    " WHEN status = 'waiting' THEN waiting_since ELSE ?3 END,"
	    " status = ?2, updated = max(updated, ?3),"
	    " closed = CASE WHEN ?2 <> 'closed' THEN NULL"
	    " WHEN status = 'closed' THEN coalesce(closed, ?3) ELSE ?3 END"
	    " WHERE id = ?1",
	[ST_TOUCH] =
	    "UPDATE tickets SET updated = max(updated, ?2) WHERE id = ?1",
	/* NULL (or 0 for the numbers) leaves a column as it is. */
	[ST_TICKET_CHANGE] =
	    "UPDATE tickets SET queue = coalesce(?2, queue),"
	    " assignee = coalesce(?3, assignee),"
	    " language = coalesce(?4, language),"
	    " priority = CASE WHEN ?5 > 0 THEN ?5 ELSE priority END,"
	    " due = coalesce(?6, due),"
	    " response_time = coalesce(?7, response_time),"
	    " updated = max(updated, ?8) WHERE id = ?1",
	[ST_SET_DUE] = "UPDATE tickets SET due = ?2 WHERE id = ?1",
	[ST_FIELD_SET] =
	    "INSERT INTO ticket_fields (ticket_id, name, value)"
	    " VALUES (?1, ?2, ?3) ON CONFLICT (ticket_id, name)"
	    " DO UPDATE SET value = excluded.value",
	[ST_FIELDS] =
	    "SELECT name, value FROM ticket_fields WHERE ticket_id = ?1"
	    " ORDER BY name",
	[ST_CUSTOMER_TICKETS] =
	    "SELECT tickets FROM customers WHERE address = ?1",
	[ST_CUSTOMER_LANGUAGE] =
	    "SELECT t.language FROM customers c JOIN tickets t"
	    " ON t.customer_id = c.id WHERE c.address = ?1"
	    " AND t.language IS NOT NULL ORDER BY t.id DESC LIMIT 1",
	[ST_MAILBOX_GET] =
	    "SELECT uidvalidity, last_uid, history_uid, reflected_uid, updated"
	    " FROM mailbox_state WHERE mailbox = ?1",
	[ST_MAILBOX_SET] =
	    "INSERT OR REPLACE INTO mailbox_state (mailbox, uidvalidity,"
	    " last_uid, history_uid, reflected_uid, updated)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[ST_MAILBOX_ADVANCE] =
	    "UPDATE mailbox_state SET last_uid = max(last_uid, ?3),"
	    " updated = ?4 WHERE mailbox = ?1 AND uidvalidity = ?2",
	[ST_MAILBOX_REFLECTED] =
	    "UPDATE mailbox_state SET reflected_uid = max(reflected_uid, ?3)"
	    " WHERE mailbox = ?1 AND uidvalidity = ?2",
	[ST_MAILBOX_REMARK] =
	    "UPDATE mailbox_state SET reflected_uid = min(reflected_uid, ?3)"
	    " WHERE mailbox = ?1 AND uidvalidity = ?2",
	[ST_MAILBOX_MESSAGES] =
	    "SELECT uid, coalesce(ticket_id, 0) FROM messages"
	    " WHERE mailbox = ?1 AND uidvalidity = ?2 AND uid > ?3"
	    " AND uid <= ?4"
	    " UNION ALL SELECT uid, -1 FROM failed"
	    " WHERE source = ?1 AND uidvalidity = ?2 AND uid > ?3"
	    " AND uid <= ?4 ORDER BY 1",
	[ST_SET_ORIGIN] =
	    "UPDATE messages SET mailbox = ?2, uidvalidity = ?3, uid = ?4"
	    " WHERE id = ?1",

	[ST_MESSAGE_INSERT] =
	    "INSERT INTO messages (ticket_id, message_id, direction, kind,"
	    " from_addr, from_name, to_addrs, cc_addrs, date, received, hash,"
	    " size, mailbox, uidvalidity, uid, in_reply_to, refs, subject,"
	    " body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
	    " ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
	[ST_RAW_INSERT] = "INSERT INTO message_raw (id, raw) VALUES (?1, ?2)",
	[ST_ATTACHMENT_INSERT] =
	    "INSERT INTO attachments (message_id, filename, type, size)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[ST_EVENT_ADD] =
	    "INSERT INTO events (ticket_id, message_id, time, kind, detail)"
	    " VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_TAG_ADD] =
	    "INSERT OR IGNORE INTO tags (ticket_id, tag) VALUES (?1, ?2)",
	[ST_TAG_DELETE] = "DELETE FROM tags WHERE ticket_id = ?1 AND tag = ?2",

	[ST_MESSAGES] =
	    "SELECT m.id, coalesce(m.ticket_id, 0), m.message_id,"
	    " m.direction, m.kind, m.from_addr, m.from_name, m.to_addrs,"
	    " m.cc_addrs, m.subject, m.date, m.received, "
	    STORE_TEXT_SQL("main", "m") ","
	    " (SELECT json_group_array(json_object('name', a.filename,"
	    " 'type', a.type, 'size', a.size)) FROM attachments a"
	    " WHERE a.message_id = m.id), m.hash, m.in_reply_to, m.refs"
	    " FROM messages m WHERE m.ticket_id = ?1 ORDER BY m.date, m.id",
	[ST_EVENTS] =
	    "SELECT id, coalesce(ticket_id, 0), coalesce(message_id, 0),"
	    " time, kind, detail FROM events WHERE ticket_id = ?1"
	    " ORDER BY time, id",
	/* Subject words weigh twice as much as body words. */
	[ST_SEARCH] =
	    "SELECT coalesce(m.ticket_id, 0), m.id, m.subject, m.from_addr,"
	    " m.date"
	    " FROM idx.messages_fts"
	    " JOIN messages m ON m.id = messages_fts.rowid"
	    " WHERE messages_fts MATCH ?1"
	    " ORDER BY bm25(messages_fts, 2.0, 1.0), m.id LIMIT ?2",
	/* Apart from ST_SEARCH: only the hits shown pay for it. */
	/* The index keeps no text: a hit's is marked up in a one-row
	 * table of the connection's own (store_search.c). */
	[ST_SEARCH_TEXT] =
	    "SELECT highlight(hl, 1, x'02', x'03'), highlight(hl, 0, x'02',"
	    " x'03') FROM temp.hl WHERE hl MATCH ?1",
	[ST_SEARCH_HL_FILL] =
	    "INSERT INTO temp.hl (rowid, subject, body)"
	    " SELECT id, coalesce(subject, ''), coalesce("
	    STORE_TEXT_SQL("main", "m") ", '')"
	    " FROM messages m WHERE id = ?1",
	[ST_SEARCH_HL_CLEAR] = "DELETE FROM temp.hl",
	[ST_RAW_GET] = "SELECT raw FROM message_raw WHERE id = ?1",
	[ST_ZDICT_NEWEST] = "SELECT dict FROM zdicts ORDER BY seq DESC LIMIT 1",
	[ST_RAW_LAST_ID] = "SELECT coalesce(max(id), 0) FROM message_raw",
	[ST_ZDICT_SAMPLES] =
	    "SELECT raw FROM message_raw ORDER BY id DESC LIMIT ?1",
	[ST_ZDICT_INSERT] = "INSERT INTO zdicts (id, dict) VALUES (?1, ?2)",
	[ST_ATTACH_INDEX] = "ATTACH DATABASE ?1 AS idx",
	[ST_DETACH_INDEX] = "DETACH DATABASE idx",

	[ST_FAILED_ADD] =
	    "INSERT INTO failed (time, source, uidvalidity, uid, reason,"
	    " from_addr, subject, size, raw)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	/* The size first: the raw bytes are compared only when it agrees. */
	[ST_FAILED_FIND] =
	    "SELECT id FROM failed WHERE size = ?1 AND raw = ?2"
	    " ORDER BY id LIMIT 1",
	[ST_FAILED_AGAIN] =
	    "UPDATE failed SET source = ?2, uidvalidity = ?3, uid = ?4,"
	    " reason = ?5 WHERE id = ?1",
	[ST_FAILED_LIST] =
	    "SELECT id, time, source, coalesce(uidvalidity, 0),"
	    " coalesce(uid, 0), reason, from_addr, subject, size"
	    " FROM failed ORDER BY id",
	[ST_FAILED_GET] =
	    "SELECT id, time, source, coalesce(uidvalidity, 0),"
	    " coalesce(uid, 0), reason, from_addr, subject, size, raw"
	    " FROM failed WHERE id = ?1",
	[ST_FAILED_REMOVE] = "DELETE FROM failed WHERE id = ?1",
	[ST_INFLIGHT_GET] =
	    "SELECT position, single, pid FROM inflight WHERE source = ?1",
	[ST_INFLIGHT_SET] =
	    "INSERT OR REPLACE INTO inflight (source, position, single, pid)"
	    " VALUES (?1, ?2, ?3, ?4)",
	[ST_INFLIGHT_CLEAR] = "DELETE FROM inflight WHERE source = ?1",

	[ST_OUTBOX_ADD] =
	    "INSERT INTO outbox (key, ticket_id, message_id, kind, sender,"
	    " recipients, raw, created, next_attempt, copy)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
	    " ON CONFLICT (key) DO NOTHING",
	[ST_OUTBOX_KEY] = "SELECT id FROM outbox WHERE key = ?1",
	[ST_OUTBOX_DUE] =
	    OUTBOX_SELECT " WHERE status = 'queued'"
	    " AND coalesce(next_attempt, 0) <= ?1 ORDER BY id",
	[ST_OUTBOX_ALL_QUEUED] =
	    OUTBOX_SELECT " WHERE status = 'queued' ORDER BY id",
	[ST_OUTBOX_GET] = OUTBOX_SELECT " WHERE id = ?1",
	[ST_OUTBOX_LIST] = OUTBOX_SELECT " ORDER BY id DESC LIMIT ?1",
	[ST_OUTBOX_LIST_STATUS] =
	    OUTBOX_SELECT " WHERE status = ?2 ORDER BY id DESC LIMIT ?1",
	[ST_OUTBOX_RESULT] =
	    "UPDATE outbox SET status = ?2, attempts = attempts + 1,"
	    " next_attempt = ?3, sent = ?4, last_error = ?5,"
	    " reply = coalesce(?6, reply) WHERE id = ?1",
	[ST_OUTBOX_COPIED] = "UPDATE outbox SET copy = 2 WHERE id = ?1",
	/* attempts start again: the backoff counts from the requeue. */
	[ST_OUTBOX_REQUEUE] =
	    "UPDATE outbox SET status = 'queued', attempts = 0,"
	    " next_attempt = NULL WHERE id = ?1 AND status = 'failed'",
	[ST_OUTBOX_COPIES] =
	    OUTBOX_SELECT " WHERE status = 'sent' AND copy = 1 ORDER BY id",
	[ST_OUTBOX_NEXT] =
	    "SELECT min(coalesce(next_attempt, 0)) FROM outbox"
	    " WHERE status = 'queued'",
	[ST_ANSWERED] =
	    "UPDATE tickets SET first_response = coalesce(first_response, ?2),"
	    " due = NULL, updated = max(updated, ?2),"
	    " status = CASE WHEN status = 'new' THEN 'open' ELSE status END"
	    " WHERE id = ?1",
	[ST_CLOCK_START] =
	    "INSERT INTO clocks (ticket_id, kind, started, seconds, business,"
	    " calendar, source, due, spent, resumed)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	/* Paused clocks last: nothing is due while they wait. */
	[ST_CLOCKS_RUNNING] =
	    CLOCK_SELECT " WHERE stopped IS NULL"
	    " ORDER BY resumed IS NULL, due, ticket_id, id",
	[ST_CLOCKS_RUNNING_TICKET] =
	    CLOCK_SELECT " WHERE stopped IS NULL AND ticket_id = ?1"
	    " ORDER BY id",
	[ST_CLOCKS_TICKET] =
	    CLOCK_SELECT " WHERE ticket_id = ?1 ORDER BY started, id",
	/* ?3: 0 the response clock, 1 the resolution clock, 2 both. */
	[ST_CLOCK_STOP] =
	    "UPDATE clocks SET stopped = max(?2, started), outcome = ?4"
	    " WHERE ticket_id = ?1 AND stopped IS NULL AND (?3 = 2"
	    " OR (?3 = 1) = (kind = 'resolution'))",
	/* An answer stops the response clock; one a close or a wait stopped
	 * after the answer was queued (?3) was stopped by the answer. A
	 * clock never stops before it started (an agent's Date behind the
	 * server's clock). */
	[ST_CLOCK_ANSWERED] =
	    "UPDATE clocks SET stopped = max(?2, started), outcome = 'answered'"
	    " WHERE id = (SELECT id FROM clocks WHERE ticket_id = ?1"
	    " AND kind <> 'resolution' AND (stopped IS NULL"
	    " OR (outcome IN ('closed', 'waiting') AND stopped >= ?3))"
	    " ORDER BY started DESC, id DESC LIMIT 1)",
	[ST_CLOCK_PAUSE] =
	    "UPDATE clocks SET spent = ?2, resumed = NULL WHERE id = ?1",
	[ST_CLOCK_RESUME] =
	    "UPDATE clocks SET resumed = ?2, due = ?3 WHERE id = ?1",
	[ST_CLOCK_DONE] = "UPDATE clocks SET done = done | ?2 WHERE id = ?1",
	/* The report's tickets (store_report.c reads the columns in this
	 * order): ?1 since, ?2 until, ?3 now, ?4 the support address. A
	 * message's arrival is the time of its "received" event. The first
	 * answer's agent: its sender, or for one helpq reply sent, the
	 * event that names who wrote it. */
	[ST_REPORT_TICKETS] =
	    "SELECT t.id, t.created, coalesce(t.closed, 0), t.queue,"
	    " t.language, t.priority,"
	    " EXISTS (SELECT 1 FROM tickets p WHERE p.customer_id ="
	    "  t.customer_id AND p.id < t.id),"
	    " (SELECT count(*) FROM events e WHERE e.ticket_id = t.id"
	    "  AND e.kind = 'reopened'),"
	    " (SELECT count(*) FROM messages m WHERE m.ticket_id = t.id"
	    "  AND m.kind = 'agent'),"
	    " (SELECT count(*) FROM events e WHERE e.ticket_id = t.id"
	    "  AND e.kind = 'received' AND e.time >= ?1 AND e.time < ?2),"
	    " t.waited + CASE WHEN t.status = 'waiting' THEN"
	    "  max(min(?2, ?3) - coalesce(t.waiting_since, ?2), 0) ELSE 0 END,"
	    " (SELECT group_concat(tag, char(31)) FROM (SELECT tag FROM tags"
	    "  WHERE ticket_id = t.id ORDER BY tag)),"
	    " (SELECT CASE WHEN m.from_addr = ?4 THEN (SELECT e.detail FROM"
	    "  events e WHERE e.message_id = m.id AND e.kind = 'replied'"
	    "  LIMIT 1) ELSE m.from_addr END FROM messages m"
	    "  WHERE m.ticket_id = t.id AND m.kind = 'agent'"
	    "  ORDER BY m.date, m.id LIMIT 1),"
	    " s.outbox_id IS NOT NULL, coalesce(s.rating, -1),"
	    " coalesce(s.scale, 5)"
	    " FROM tickets t LEFT JOIN surveys s ON s.ticket_id = t.id"
	    " WHERE t.created < ?2 ORDER BY t.id",
	[ST_ASSIGN] =
	    "UPDATE tickets SET assignee = ?2, updated = max(updated, ?3)"
	    " WHERE id = ?1",
	/* Closed tickets due a survey: closed in [?1, ?2), none yet. */
	[ST_SURVEY_DUE] =
	    "SELECT t.id FROM tickets t WHERE t.closed >= ?1 AND t.closed < ?2"
	    " AND t.status = 'closed' AND NOT EXISTS (SELECT 1 FROM surveys s"
	    " WHERE s.ticket_id = t.id) ORDER BY t.closed, t.id",
	/* The last survey sent to the customer of ticket ?1. */
	[ST_SURVEY_LAST] =
	    "SELECT coalesce(max(s.time), 0) FROM surveys s JOIN tickets t"
	    " ON t.id = s.ticket_id WHERE s.outbox_id IS NOT NULL AND"
	    " t.customer_id = (SELECT customer_id FROM tickets WHERE id = ?1)",
	[ST_SURVEY_ADD] =
	    "INSERT OR IGNORE INTO surveys (ticket_id, time, scale, outbox_id,"
	    " skipped) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_SURVEY_PENDING] =
	    "SELECT scale FROM surveys WHERE ticket_id = ?1"
	    " AND outbox_id IS NOT NULL AND rating IS NULL",
	[ST_SURVEY_RATE] =
	    "UPDATE surveys SET rating = ?2, comment = ?3, rated = ?4,"
	    " message_id = ?5 WHERE ticket_id = ?1 AND rating IS NULL",
	[ST_SURVEY_GET] =
	    "SELECT time, scale, coalesce(outbox_id, 0), skipped,"
	    " coalesce(rating, -1), comment, coalesce(rated, 0)"
	    " FROM surveys WHERE ticket_id = ?1",
	[ST_REPORT_CLOCKS] =
	    CLOCK_SELECT " WHERE ticket_id IN (SELECT id FROM tickets"
	    " WHERE created < ?1) ORDER BY ticket_id, started, id",
	[ST_OUTBOX_RECENT_TO] =
	    "SELECT count(*), max(coalesce(ticket_id, 0)) FROM outbox"
	    " WHERE recipients = ?1 AND kind = ?2 AND created >= ?3",
	[ST_OUTBOX_RECENT] =
	    "SELECT count(*), max(coalesce(ticket_id, 0)) FROM outbox"
	    " WHERE kind = ?2 AND created >= ?3",
	[ST_OUTBOX_RECENT_AUTO] =
	    "SELECT count(*), max(coalesce(ticket_id, 0)) FROM outbox"
	    " WHERE kind <> 'agent' AND created >= ?3"
	    " AND (?1 IS NULL OR recipients = ?1)",

	[ST_COUNT_TICKETS] = "SELECT count(*) FROM tickets",
	[ST_COUNT_MESSAGES] = "SELECT count(*) FROM messages",
	[ST_COUNT_EVENTS] = "SELECT count(*) FROM events",
	[ST_COUNT_CUSTOMERS] = "SELECT count(*) FROM customers",
	[ST_COUNT_ATTACHMENTS] = "SELECT count(*) FROM attachments",
	[ST_COUNT_PARTICIPANTS] = "SELECT count(*) FROM participants",
	[ST_COUNT_TAGS] = "SELECT count(*) FROM tags",
	[ST_COUNT_OUTBOX] = "SELECT count(*) FROM outbox",
	[ST_COUNT_RATINGS] = "SELECT count(*) FROM ratings",
	[ST_COUNT_FAILED] = "SELECT count(*) FROM failed",
};

const char *const store_list_where[LIST_WHERES] = {
	" AND t.status = ?1",
	" AND t.status <> 'closed'",
	" AND t.id IN (SELECT ticket_id FROM tags WHERE tag = ?2)",
	" AND t.queue = ?3",
	" AND t.customer_id = (SELECT id FROM customers WHERE address = ?4)",
	" AND t.due IS NOT NULL AND t.due <= ?6",
	" AND t.assignee = ?7 COLLATE NOCASE",
	" AND t.assignee IS NULL",
};
#endif /* STORE_SQL_TABLE */

/* ---- the connection and its queries ---- */

struct store_worker;

struct store {
	sqlite3		*db;
	char		*path;
	int		 readonly;
	int		 in_tx;		/* between store_begin and commit */
	int		 inserted;	/* messages added: the index is behind */
	struct store_worker *indexer;	/* the thread keeping the index */
	struct store_worker *checkpointer; /* the thread copying the WAL back */
	sqlite3_stmt	*stmts[ST__MAX];
	sqlite3_stmt	*lists[LIST_COMBOS];
	int		 last_rc;	/* SQLite's code for the last error */
	void		*zc;		/* zstd's compression context, or NULL */
	/* The dictionary new raw messages are packed with (a ZSTD_CDict,
	 * read by the reader thread too), or NULL; dict_checked: one was
	 * loaded, made or given up on. */
	_Atomic(void *)	 cdict;
	int		 dict_checked;
	struct store_text_ctx *tctx;	/* helpq_text's, owned by SQLite */
	int		 hl;		/* temp.hl made (store_search.c) */
};

/* One use of a cached statement. Bind errors are kept until the step. */
struct store_query {
	struct store	*s;
	sqlite3_stmt	*stmt;
	const char	*what;		/* the operation, for error messages */
	int		 rc;		/* first bind error */
};

/* The query helpers (store.c). */

/*
 * The cached statement in *slot, prepared from sql the first time (sql
 * may be NULL once it is); NULL + *cause if it cannot be had or is in use.
 */
sqlite3_stmt *store_prepare(struct store *s, sqlite3_stmt **slot,
	    const char *sql, const char *what, char **cause);
/* Start using cached statement id; -1 with *cause if it cannot be had. */
int	 store_query_start(struct store_query *q, struct store *s,
	    enum store_stmt id, const char *what, char **cause);
/* Returns 1 for a row, 0 when done (statement reset), -1 on error. */
int	 store_query_step(struct store_query *q, char **cause);
/* Run a statement that returns nothing (or whose rows do not matter). */
int	 store_query_exec(struct store_query *q, char **cause);
/* Run a lookup whose first column is the id wanted; 0 found, 1 not. */
int	 store_query_lookup(struct store_query *q, int64_t *idp,
	    char **cause);
/* Column i of the current row as a string the caller frees, or NULL. */
char	*store_column_dup(struct store_query *q, int i);
/* Run one statement by id with no parameters. */
int	 store_run(struct store *s, enum store_stmt id, const char *what,
	    char **cause);
/* The index of v in names[n], or -1. */
int	 store_name_lookup(const char *const *names, size_t n, const char *v);

/* The row of CLOCK_SELECT into *c; its strings live until the next
 * step. (store_clock.c) */
struct sla_clock;
void	 store_clock_read(struct store_query *q, struct sla_clock *c);

/* Run SQL text of the store files (never with values in it): pragmas,
 * migrations. 0, or -1 + *cause. (store_schema.c) */
int	 store_exec_fixed(struct store *s, const char *sql, const char *what,
	    char **cause);
/* Bring the schema of a store just opened up to this helpq's version.
 * 0, or -1 + *cause. (store_schema.c) */
int	 store_schema_upgrade(struct store *s, char **cause);
/*
 * Register helpq_text(x, raw), which reads a stored message text back
 * (packed or not), on db, whose messages are in schema ("main", "db").
 * *ctxp (may be NULL) is what it reads with, for store_message_raw;
 * SQLite frees it with the connection. 0, or -1 + *cause.
 * (store_message.c)
 */
struct store_text_ctx;
int	 store_text_register(sqlite3 *db, const char *path,
	    const char *schema, struct store_text_ctx **ctxp, char **cause);
/* Load the newest raw dictionary, if any (store_message.c). */
int	 store_raw_dict_load(struct store *s, char **cause);
/* After a commit: make the raw dictionary once there is mail enough to
 * learn from. Failing costs only its size, so it is logged. */
void	 store_raw_dict_train(struct store *s);
/* Free what storing raw messages keeps (store_message.c). */
void	 store_raw_free(struct store *s);
/* Add addr (may be NULL or empty: nothing to do) to the ticket's
 * participants (store_ticket.c). */
int	 store_participant_add(struct store *s, int64_t ticket,
	    const char *addr, char **cause);

/*
 * The binders and readers below run for every column of every row, from
 * every store file: inline, they cost no call each.
 */
static inline int
store_query_init(struct store_query *q, struct store *s, sqlite3_stmt *stmt,
    const char *what)
{
	q->s = s;
	q->stmt = stmt;
	q->what = what;
	q->rc = SQLITE_OK;
	return (stmt == NULL ? -1 : 0);
}

/* Bind v, borrowed until store_query_end; NULL binds NULL. */
static inline void
store_query_text(struct store_query *q, int i, const char *v)
{
	if (q->rc != SQLITE_OK)
		return;
	if (v == NULL)
		q->rc = sqlite3_bind_null(q->stmt, i);
	else
		q->rc = sqlite3_bind_text(q->stmt, i, v, -1, SQLITE_STATIC);
}

static inline void
store_query_text_len(struct store_query *q, int i, const char *v,
    size_t len)
{
	if (q->rc == SQLITE_OK)
		q->rc = sqlite3_bind_text64(q->stmt, i, v != NULL ? v : "",
		    v != NULL ? len : 0, SQLITE_STATIC, SQLITE_UTF8);
}

static inline void
store_query_int(struct store_query *q, int i, int64_t v)
{
	if (q->rc == SQLITE_OK)
		q->rc = sqlite3_bind_int64(q->stmt, i, v);
}

/* 0 means none: ticket and message ids, optional times. */
static inline void
store_query_opt(struct store_query *q, int i, int64_t v)
{
	if (q->rc != SQLITE_OK)
		return;
	if (v == 0)
		q->rc = sqlite3_bind_null(q->stmt, i);
	else
		q->rc = sqlite3_bind_int64(q->stmt, i, v);
}

static inline void
store_query_blob(struct store_query *q, int i, const void *v, size_t len)
{
	if (q->rc == SQLITE_OK)
		q->rc = sqlite3_bind_blob64(q->stmt, i, v != NULL ? v : "",
		    len, SQLITE_STATIC);
}

/* Done with the statement: reset it and drop borrowed bindings. */
static inline void
store_query_end(struct store_query *q)
{
	sqlite3_reset(q->stmt);
	sqlite3_clear_bindings(q->stmt);
}

/* Column i of the current row, valid until the next step or end. */
static inline const char *
store_column_text(struct store_query *q, int i)
{
	return ((const char *)sqlite3_column_text(q->stmt, i));
}

/* ---- the other connections: tokenizer, index, upkeep ---- */

/* Register helpq_fold on db (path is for messages). 0, or -1 + *cause.
 * (store_fold.c) */
int	 store_fold_register(sqlite3 *db, const char *path, char **cause);

/*
 * Open a connection to path (flags as for sqlite3_open_v2) configured the
 * way every helpq connection is. 0, or -1 + *cause; close with
 * sqlite3_close. (store_sqlite.c)
 */
int	 store_sqlite_open(const char *path, int flags, sqlite3 **dbp,
	    char **cause);

/* The search index file that belongs to the database at path (allocated). */
char	*store_index_path(const char *path);

/*
 * Bring the search index of the database at path up to date with every
 * committed message, creating the index if needed. 0, or -1 + *cause.
 */
int	 store_index_update(const char *path, char **cause);

/*
 * A thread of store upkeep. job runs after each kick (kicks during a run
 * fold into one more run) and once more, with last set, when the worker
 * is stopped; it returns 0, or -1 + *cause, after which it runs no more.
 * job_free (may be NULL) frees arg when the worker stops.
 */
typedef int	(*store_job_fn)(void *arg, int last, char **cause);
typedef void	(*store_job_free_fn)(void *arg);

struct store_worker *store_worker_start(const char *name, store_job_fn job,
	    store_job_free_fn job_free, void *arg);
void	 store_worker_kick(struct store_worker *);
/* Run the job a last time, stop the thread, free. 0, or -1 + the job's
 * first error in *cause. */
int	 store_worker_stop(struct store_worker *, char **cause);

/* A worker that keeps the search index of the database at path up to
 * date; NULL + *cause if the index cannot be opened. */
struct store_worker *store_indexer_start(const char *path, char **cause);

#endif
