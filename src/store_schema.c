/*
 * helpq - store_schema.c: the store's schema, as the forward migrations
 * that build it, and the step that brings a store opened by store.c up to
 * this helpq's version; and the runner of such fixed SQL text, which
 * store.c sets its connections up with too.
 */
#include "compat.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

/*
 * Forward migrations: store_migrations[n] takes user_version n to n + 1.
 * Never edit a released entry; append a new one.
 *
 * Column order matters for speed: the long text (subject, body) comes last
 * in messages so scans of the short columns never read overflow pages, and
 * the raw bytes live in their own table. The full-text index is not in
 * this file: store_index.c keeps it beside the database.
 */
static const char *const store_migrations[] = {
	/* 0 -> 1 */
	"CREATE TABLE customers ("
	" id INTEGER PRIMARY KEY,"
	" address TEXT NOT NULL COLLATE NOCASE UNIQUE,"
	" name TEXT,"
	" first_seen INTEGER NOT NULL,"
	" tickets INTEGER NOT NULL DEFAULT 0);"

	"CREATE TABLE tickets ("
	" id INTEGER PRIMARY KEY AUTOINCREMENT,"
	" subject TEXT NOT NULL DEFAULT '',"
	" norm_subject TEXT NOT NULL DEFAULT '',"
	" customer_id INTEGER REFERENCES customers(id),"
	" status TEXT NOT NULL DEFAULT 'new'"
	"  CHECK (status IN ('new', 'open', 'waiting', 'closed')),"
	" queue TEXT,"
	" priority INTEGER NOT NULL DEFAULT 0,"
	" assignee TEXT,"
	" language TEXT,"
	" created INTEGER NOT NULL,"
	" updated INTEGER NOT NULL,"
	" first_response INTEGER,"
	" due INTEGER,"
	" next_due INTEGER,"
	" closed INTEGER,"
	" linked_to INTEGER REFERENCES tickets(id));"
	"CREATE INDEX tickets_customer_subject"
	" ON tickets(customer_id, norm_subject);"
	"CREATE INDEX tickets_updated ON tickets(updated);"

	"CREATE TABLE messages ("
	" id INTEGER PRIMARY KEY,"
	" ticket_id INTEGER REFERENCES tickets(id),"
	" message_id TEXT,"
	" direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),"
	" kind TEXT NOT NULL,"
	" from_addr TEXT NOT NULL DEFAULT '',"
	" from_name TEXT,"
	" to_addrs TEXT NOT NULL DEFAULT '',"
	" cc_addrs TEXT NOT NULL DEFAULT '',"
	" date INTEGER NOT NULL,"
	" received INTEGER NOT NULL,"
	" hash TEXT NOT NULL,"
	" size INTEGER NOT NULL,"
	" mailbox TEXT,"
	" uidvalidity INTEGER,"
	" uid INTEGER,"
	" in_reply_to TEXT,"
	" refs TEXT,"
	" subject TEXT NOT NULL DEFAULT '',"
	" body TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX messages_message_id ON messages(message_id);"
	/* Only messages without a Message-ID are ever looked up by hash. */
	"CREATE INDEX messages_hash ON messages(hash)"
	" WHERE message_id IS NULL;"
	"CREATE INDEX messages_ticket_date ON messages(ticket_id, date);"

	"CREATE TABLE message_raw ("
	" id INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,"
	" raw BLOB NOT NULL);"

	"CREATE TABLE attachments ("
	" id INTEGER PRIMARY KEY,"
	" message_id INTEGER NOT NULL"
	"  REFERENCES messages(id) ON DELETE CASCADE,"
	" filename TEXT,"
	" type TEXT NOT NULL,"
	" size INTEGER NOT NULL);"
	"CREATE INDEX attachments_message ON attachments(message_id);"

	"CREATE TABLE participants ("
	" ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
	" address TEXT NOT NULL COLLATE NOCASE,"
	" PRIMARY KEY (ticket_id, address)) WITHOUT ROWID;"

	"CREATE TABLE tags ("
	" ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
	" tag TEXT NOT NULL,"
	" PRIMARY KEY (ticket_id, tag)) WITHOUT ROWID;"
	"CREATE INDEX tags_tag ON tags(tag);"

	"CREATE TABLE events ("
	" id INTEGER PRIMARY KEY,"
	" ticket_id INTEGER REFERENCES tickets(id),"
	" message_id INTEGER REFERENCES messages(id),"
	" time INTEGER NOT NULL,"
	" kind TEXT NOT NULL,"
	" detail TEXT);"
	"CREATE INDEX events_ticket_time ON events(ticket_id, time);"

	"CREATE TABLE outbox ("
	" id INTEGER PRIMARY KEY,"
	" key TEXT UNIQUE,"
	" ticket_id INTEGER REFERENCES tickets(id),"
	" message_id TEXT,"
	" kind TEXT NOT NULL,"
	" sender TEXT NOT NULL,"
	" recipients TEXT NOT NULL,"
	" raw BLOB NOT NULL,"
	" status TEXT NOT NULL DEFAULT 'queued'"
	"  CHECK (status IN ('queued', 'sent', 'failed')),"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_attempt INTEGER,"
	" last_error TEXT,"
	" created INTEGER NOT NULL,"
	" sent INTEGER,"
	" reply TEXT);"
	"CREATE INDEX outbox_pending ON outbox(status, next_attempt);"
	"CREATE INDEX outbox_message_id ON outbox(message_id);"

	"CREATE TABLE mailbox_state ("
	" mailbox TEXT PRIMARY KEY,"
	" uidvalidity INTEGER NOT NULL,"
	" last_uid INTEGER NOT NULL,"
	" updated INTEGER NOT NULL) WITHOUT ROWID;"

	"CREATE TABLE ratings ("
	" id INTEGER PRIMARY KEY,"
	" ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
	" message_id INTEGER REFERENCES messages(id),"
	" score INTEGER NOT NULL,"
	" comment TEXT,"
	" time INTEGER NOT NULL);"
	"CREATE INDEX ratings_ticket ON ratings(ticket_id);",

	/* 1 -> 2: what rules set on a ticket */
	"ALTER TABLE tickets ADD COLUMN response_time INTEGER;"
	"CREATE TABLE ticket_fields ("
	" ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
	" name TEXT NOT NULL,"
	" value TEXT NOT NULL,"
	" PRIMARY KEY (ticket_id, name)) WITHOUT ROWID;",

	/* 2 -> 3: IMAP folders: where history ends, what is reflected */
	"ALTER TABLE mailbox_state ADD COLUMN history_uid INTEGER NOT NULL"
	" DEFAULT 0;"
	"ALTER TABLE mailbox_state ADD COLUMN reflected_uid INTEGER NOT NULL"
	" DEFAULT 0;"
	"CREATE INDEX messages_origin ON messages(mailbox, uidvalidity, uid)"
	" WHERE uid IS NOT NULL;",

	/* 3 -> 4: the outbox sends: copies to Sent, rate limits */
	"ALTER TABLE outbox ADD COLUMN copy INTEGER NOT NULL DEFAULT 0;"
	"CREATE INDEX outbox_recipient ON outbox(recipients, kind, created);"
	"CREATE INDEX outbox_created ON outbox(created);",

	/* 4 -> 5: messages set aside because the pipeline failed on them
	 * (the failure mark); the raw bytes are kept for helpq retry. */
	"CREATE TABLE failed ("
	" id INTEGER PRIMARY KEY,"
	" time INTEGER NOT NULL,"
	" source TEXT NOT NULL,"
	" uidvalidity INTEGER,"
	" uid INTEGER,"
	" reason TEXT NOT NULL,"
	" from_addr TEXT,"
	" subject TEXT,"
	" size INTEGER NOT NULL,"
	" raw BLOB NOT NULL);",

	/* 5 -> 6: what each source was processing, so the next run knows
	 * where helpq died (ingest.c) */
	"CREATE TABLE inflight ("
	" source TEXT PRIMARY KEY,"
	" position TEXT NOT NULL,"
	" single INTEGER NOT NULL,"
	" pid INTEGER NOT NULL) WITHOUT ROWID;",

	/* 6 -> 7: the response promise's clocks (sla.h). A ticket that
	 * waited for an answer keeps a clock, its terms read back from the
	 * due time it had. */
	"CREATE TABLE clocks ("
	" id INTEGER PRIMARY KEY,"
	" ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
	" kind TEXT NOT NULL CHECK (kind IN ('first', 'next', 'resolution')),"
	" started INTEGER NOT NULL,"
	" seconds INTEGER NOT NULL,"
	" business INTEGER NOT NULL,"
	" calendar TEXT NOT NULL,"
	" source TEXT NOT NULL,"
	" due INTEGER,"
	" stopped INTEGER,"
	" outcome TEXT,"
	" spent INTEGER NOT NULL DEFAULT 0,"
	" resumed INTEGER,"
	" done INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX clocks_ticket ON clocks(ticket_id, started);"
	"CREATE INDEX clocks_running ON clocks(due) WHERE stopped IS NULL;"
	"INSERT INTO clocks (ticket_id, kind, started, seconds, business,"
	" calendar, source, due, resumed)"
	" SELECT id, CASE WHEN first_response IS NULL THEN 'first'"
	" ELSE 'next' END, min(updated, due), max(due - min(updated, due), 0),"
	" 0, 'default', 'the due time before clocks', due,"
	" min(updated, due) FROM tickets"
	" WHERE due IS NOT NULL AND status <> 'closed';",

	/* 7 -> 8: the time a ticket waited on the customer (the resolution
	 * time leaves it out), and the report's walk by time. A ticket
	 * waiting now waits since its last change. */
	"ALTER TABLE tickets ADD COLUMN waited INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE tickets ADD COLUMN waiting_since INTEGER;"
	"UPDATE tickets SET waiting_since = updated WHERE status = 'waiting';"
	"CREATE INDEX tickets_created ON tickets(created);",

	/* 8 -> 9: satisfaction surveys, one row per ticket: sent (outbox
	 * set) or passed over (why), and the rating once it came. */
	"CREATE TABLE surveys ("
	" ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),"
	" time INTEGER NOT NULL,"
	" scale INTEGER NOT NULL,"
	" outbox_id INTEGER,"
	" skipped TEXT,"
	" rating INTEGER,"
	" comment TEXT,"
	" rated INTEGER,"
	" message_id INTEGER REFERENCES messages(id));"
	"CREATE INDEX tickets_closed ON tickets(closed) WHERE closed IS NOT NULL;",
	/* 9 -> 10: threads whose messages come out of order. Every
	 * Message-ID a ticket's messages reference (In-Reply-To,
	 * References), stored or not: a reply that came before its parent
	 * leaves its parent's id (a "ghost" of JWZ threading) that the
	 * parent, or a sibling, finds; a reference that could not merge two
	 * tickets yet is there to try again. A merged ticket's number
	 * stays an alias of the ticket it went into, so its token still
	 * threads. */
	"CREATE TABLE thread_refs ("
	" msgid TEXT NOT NULL,"
	" ticket_id INTEGER NOT NULL REFERENCES tickets(id),"
	" PRIMARY KEY (msgid, ticket_id)) WITHOUT ROWID;"
	"CREATE INDEX thread_refs_ticket ON thread_refs(ticket_id);"
	"WITH RECURSIVE split(ticket, rest, id) AS ("
	" SELECT ticket_id, coalesce(in_reply_to, '') || ' ' ||"
	"  coalesce(refs, '') || ' ', '' FROM messages"
	"  WHERE ticket_id IS NOT NULL"
	"  AND (in_reply_to IS NOT NULL OR refs IS NOT NULL)"
	" UNION ALL SELECT ticket, substr(rest, instr(rest, ' ') + 1),"
	"  substr(rest, 1, instr(rest, ' ') - 1) FROM split WHERE rest <> '')"
	" INSERT OR IGNORE INTO thread_refs (msgid, ticket_id)"
	" SELECT id, ticket FROM split WHERE id <> '';"
	"CREATE TABLE ticket_aliases ("
	" id INTEGER PRIMARY KEY,"
	" ticket_id INTEGER NOT NULL REFERENCES tickets(id));"
	"CREATE INDEX ticket_aliases_ticket ON ticket_aliases(ticket_id);",
	/* 10 -> 11: a message text may be packed against its raw message
	 * (a blob that begins with 0x01, store_text_pack), and raw messages
	 * with a dictionary learnt from the desk's mail: a frame names its
	 * dictionary by its zstd id. A helpq of version 10 could read
	 * neither. */
	"CREATE TABLE zdicts ("
	" seq INTEGER PRIMARY KEY,"
	" id INTEGER NOT NULL UNIQUE,"
	" dict BLOB NOT NULL);",
};
#define STORE_VERSION	((int)nitems(store_migrations))

int
store_exec_fixed(struct store *s, const char *sql, const char *what,
    char **cause)
{
	char	*err = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		s->last_rc = sqlite3_extended_errcode(s->db);
		*cause = xprintf("%s: %s: %s", s->path, what,
		    err != NULL ? err : sqlite3_errmsg(s->db));
		sqlite3_free(err);
		return (-1);
	}
	return (0);
}

static int
store_pragma_int(struct store *s, const char *sql, int *vp, char **cause)
{
	sqlite3_stmt	*stmt;
	int		 rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
		*cause = xprintf("%s: %s: %s", s->path, sql,
		    sqlite3_errmsg(s->db));
		return (-1);
	}
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*vp = sqlite3_column_int(stmt, 0);
	else if (rc != SQLITE_DONE) {
		*cause = xprintf("%s: %s: %s", s->path, sql,
		    sqlite3_errmsg(s->db));
		sqlite3_finalize(stmt);
		return (-1);
	}
	sqlite3_finalize(stmt);
	return (0);
}

/* Bring the schema from its version up to STORE_VERSION in one go. */
static int
store_migrate(struct store *s, char **cause)
{
	char	*sql;
	int	 v, rc;

	if (store_exec_fixed(s, "BEGIN IMMEDIATE", "migrating", cause) != 0)
		return (-1);
	/* Again, now that we hold the lock: another process may have won. */
	if (store_pragma_int(s, "PRAGMA user_version", &v, cause) != 0)
		goto fail;
	if (v > STORE_VERSION) {
		*cause = xprintf("%s: schema version %d is newer than this "
		    "helpq understands (%d)", s->path, v, STORE_VERSION);
		goto fail;
	}
	for (; v < STORE_VERSION; v++) {
		log_debug("%s: schema %d -> %d", s->path, v, v + 1);
		if (store_exec_fixed(s, store_migrations[v], "migrating",
		    cause) != 0)
			goto fail;
		/* PRAGMA takes no parameters; v is our own number. */
		sql = xprintf("PRAGMA user_version = %d", v + 1);
		rc = store_exec_fixed(s, sql, "migrating", cause);
		free(sql);
		if (rc != 0)
			goto fail;
	}
	if (store_exec_fixed(s, "COMMIT", "migrating", cause) != 0)
		goto fail;
	return (0);
fail:
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return (-1);
}

int
store_schema_version(const char *path, int *version, int *current,
    char **cause)
{
	struct store	 s;
	int		 rc;

	memset(&s, 0, sizeof s);
	s.path = (char *)path;
	*current = STORE_VERSION;
	*version = 0;
	if (sqlite3_open_v2(path, &s.db, SQLITE_OPEN_READONLY, NULL) !=
	    SQLITE_OK) {
		*cause = xprintf("%s: %s", path, s.db != NULL ?
		    sqlite3_errmsg(s.db) : "cannot open");
		sqlite3_close(s.db);
		return (-1);
	}
	rc = store_pragma_int(&s, "PRAGMA user_version", version, cause);
	sqlite3_close(s.db);
	return (rc);
}

/*
 * Bring the schema of a store just opened up to STORE_VERSION. A newer
 * schema is never touched, an older one only by a connection that writes.
 */
int
store_schema_upgrade(struct store *s, char **cause)
{
	int	v = 0;

	if (store_pragma_int(s, "PRAGMA user_version", &v, cause) != 0)
		return (-1);
	if (v > STORE_VERSION) {
		*cause = xprintf("%s: schema version %d is newer than this "
		    "helpq understands (%d)", s->path, v, STORE_VERSION);
		return (-1);
	}
	if (v == STORE_VERSION)
		return (0);
	if (s->readonly) {
		*cause = xprintf("%s: schema version %d is older than %d; a "
		    "command that writes will upgrade it", s->path, v,
		    STORE_VERSION);
		return (-1);
	}
	return (store_migrate(s, cause));
}
