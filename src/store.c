/*
 * helpq - store.c: the SQLite store's core. Opening a store (configured,
 * migrated by store_schema.c), closing it, the query helpers every store
 * file runs its statements with (each prepared once per connection from
 * the table in store_private.h and cached), transactions and savepoints,
 * and the threads that keep the search index and the WAL in step with
 * the writer. Tickets, messages, the outbox and search have files of
 * their own.
 */
#include "compat.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store.h"
/* The statement table is defined here, once. */
#define STORE_SQL_TABLE
#include "store_private.h"
#include "xmalloc.h"

/* What store_count accepts; sorted for bsearch. */
static const struct store_count_name {
	const char		*name;
	enum store_stmt		 stmt;
} store_count_names[] = {
	{ "attachments",	ST_COUNT_ATTACHMENTS },
	{ "customers",		ST_COUNT_CUSTOMERS },
	{ "events",		ST_COUNT_EVENTS },
	{ "failed",		ST_COUNT_FAILED },
	{ "messages",		ST_COUNT_MESSAGES },
	{ "outbox",		ST_COUNT_OUTBOX },
	{ "participants",	ST_COUNT_PARTICIPANTS },
	{ "ratings",		ST_COUNT_RATINGS },
	{ "tags",		ST_COUNT_TAGS },
	{ "tickets",		ST_COUNT_TICKETS },
};

/* ---- statements ---- */

static char *
store_error(struct store *s, const char *what)
{
	s->last_rc = sqlite3_extended_errcode(s->db);
	return (xprintf("%s: %s", what, sqlite3_errmsg(s->db)));
}

sqlite3_stmt *
store_prepare(struct store *s, sqlite3_stmt **slot, const char *sql,
    const char *what, char **cause)
{
	if (*slot != NULL) {
		/* A callback calling back into the same walk. */
		if (sqlite3_stmt_busy(*slot)) {
			*cause = xprintf("%s: statement already in use", what);
			return (NULL);
		}
		return (*slot);
	}
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
	    slot, NULL) != SQLITE_OK) {
		s->last_rc = sqlite3_extended_errcode(s->db);
		*cause = xprintf("%s: preparing: %s", what,
		    sqlite3_errmsg(s->db));
		*slot = NULL;
		return (NULL);
	}
	return (*slot);
}

int
store_query_start(struct store_query *q, struct store *s, enum store_stmt id,
    const char *what, char **cause)
{
	s->last_rc = 0;		/* store_temporary speaks of this query */
	return (store_query_init(q, s, store_prepare(s, &s->stmts[id],
	    store_sql[id], what, cause), what));
}

int
store_query_step(struct store_query *q, char **cause)
{
	int	rc;

	if (q->rc != SQLITE_OK) {
		q->s->last_rc = q->rc;
		*cause = xprintf("%s: %s", q->what, sqlite3_errstr(q->rc));
		store_query_end(q);
		return (-1);
	}
	rc = sqlite3_step(q->stmt);
	if (rc == SQLITE_ROW)
		return (1);
	if (rc == SQLITE_DONE) {
		store_query_end(q);
		return (0);
	}
	*cause = store_error(q->s, q->what);
	store_query_end(q);
	return (-1);
}

int
store_query_exec(struct store_query *q, char **cause)
{
	if (store_query_step(q, cause) == -1)
		return (-1);
	store_query_end(q);
	return (0);
}

char *
store_column_dup(struct store_query *q, int i)
{
	const char	*v = store_column_text(q, i);

	return (v != NULL ? xstrdup(v) : NULL);
}

int
store_query_lookup(struct store_query *q, int64_t *idp, char **cause)
{
	int	r;

	if ((r = store_query_step(q, cause)) == -1)
		return (-1);
	if (r == 1 && idp != NULL)
		*idp = sqlite3_column_int64(q->stmt, 0);
	store_query_end(q);
	return (r == 1 ? 0 : 1);
}

int
store_run(struct store *s, enum store_stmt id, const char *what,
    char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, id, what, cause) != 0)
		return (-1);
	return (store_query_exec(&q, cause));
}

int
store_name_lookup(const char *const *names, size_t n, const char *v)
{
	size_t	i;

	if (v != NULL) {
		for (i = 0; i < n; i++) {
			if (strcmp(names[i], v) == 0)
				return ((int)i);
		}
	}
	return (-1);
}

/* ---- open and close ---- */

/*
 * Connection settings. page_size only matters before the file has any
 * content, so it must come before journal_mode. The page cache is capped
 * so a long import keeps a flat memory profile.
 */
static int
store_configure(struct store *s, char **cause)
{
	sqlite3_stmt	*stmt;
	const char	*mode;

	if (store_exec_fixed(s, "PRAGMA foreign_keys = ON;"
	    "PRAGMA cache_size = -8000;"
	    "PRAGMA temp_store = MEMORY;", "configuring", cause) != 0)
		return (-1);
	if (s->readonly)
		return (0);
	if (store_exec_fixed(s, "PRAGMA page_size = 4096;"
	    "PRAGMA synchronous = NORMAL;"
	    "PRAGMA journal_size_limit = 67108864;", "configuring",
	    cause) != 0)
		return (-1);
	if (sqlite3_prepare_v2(s->db, "PRAGMA journal_mode = WAL", -1, &stmt,
	    NULL) != SQLITE_OK) {
		*cause = xprintf("%s: journal_mode: %s", s->path,
		    sqlite3_errmsg(s->db));
		return (-1);
	}
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		*cause = xprintf("%s: journal_mode: %s", s->path,
		    sqlite3_errmsg(s->db));
		sqlite3_finalize(stmt);
		return (-1);
	}
	mode = (const char *)sqlite3_column_text(stmt, 0);
	if (mode == NULL || strcmp(mode, "wal") != 0)
		log_warnx("%s: cannot use WAL (journal mode %s)", s->path,
		    mode != NULL ? mode : "unknown");
	sqlite3_finalize(stmt);
	return (0);
}

int
store_open(const char *path, int readonly, struct store **sp, char **cause)
{
	struct store	*s;

	*sp = NULL;
	s = xcalloc(1, sizeof *s);
	s->path = xstrdup(path);
	s->readonly = readonly;
	if (store_sqlite_open(path, readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &s->db, cause) != 0)
		goto fail;
	if (store_fold_register(s->db, s->path, cause) != 0 ||
	    store_text_register(s->db, s->path, "main", &s->tctx,
	    cause) != 0 ||
	    store_configure(s, cause) != 0 ||
	    store_schema_upgrade(s, cause) != 0 ||
	    (!readonly && store_raw_dict_load(s, cause) != 0))
		goto fail;
	/* Catch up with messages a crash left unindexed. */
	if (!readonly && store_index_update(path, cause) != 0)
		goto fail;
	*sp = s;
	return (0);
fail:
	store_close(s);
	return (-1);
}

/*
 * Bring the search index up to date with what this connection added. A
 * failure costs search freshness only (the next writer catches up), so it
 * is logged, not returned.
 */
static void
store_index_follow(struct store *s)
{
	char	*cause = NULL;
	int	 rc = 0;

	if (s->checkpointer != NULL) {
		/* Back to checkpoints on commit, as SQLite does by default. */
		sqlite3_wal_autocheckpoint(s->db, STORE_CHECKPOINT_FRAMES);
		if (store_worker_stop(s->checkpointer, &cause) != 0) {
			log_warnx("checkpoint: %s", cause);
			free(cause);
			cause = NULL;
		}
		s->checkpointer = NULL;
	}
	if (s->indexer != NULL) {
		rc = store_worker_stop(s->indexer, &cause);
		s->indexer = NULL;
	} else if (s->inserted && !s->readonly)
		rc = store_index_update(s->path, &cause);
	s->inserted = 0;
	if (rc != 0) {
		log_warnx("search index: %s", cause);
		free(cause);
	}
}

void
store_close(struct store *s)
{
	size_t	i;

	if (s == NULL)
		return;
	store_index_follow(s);
	for (i = 0; i < nitems(s->stmts); i++)
		sqlite3_finalize(s->stmts[i]);
	for (i = 0; i < nitems(s->lists); i++)
		sqlite3_finalize(s->lists[i]);
	if (s->db != NULL) {
		/* Cheap, and keeps the planner's statistics current. */
		if (!s->readonly)
			sqlite3_exec(s->db, "PRAGMA optimize", NULL, NULL,
			    NULL);
		if (sqlite3_close(s->db) != SQLITE_OK)
			log_warnx("%s: close: %s", s->path,
			    sqlite3_errmsg(s->db));
	}
	store_raw_free(s);
	free(s->path);
	free(s);
}

/* ---- transactions ---- */

/*
 * The search index lives beside the database (store_index.c) and follows
 * it after each commit: from a thread of its own when one was started
 * (store_background), else when the store is closed.
 */
int
store_begin(struct store *s, char **cause)
{
	/* IMMEDIATE takes the write lock now, so busy_timeout covers it. */
	if (store_run(s, s->readonly ? ST_BEGIN_READ : ST_BEGIN, "begin",
	    cause) != 0)
		return (-1);
	s->in_tx = !s->readonly;
	return (0);
}

int
store_commit(struct store *s, char **cause)
{
	if (store_run(s, ST_COMMIT, "commit", cause) != 0)
		return (-1);
	s->in_tx = 0;
	if (s->indexer != NULL)
		store_worker_kick(s->indexer);
	if (s->inserted && !s->dict_checked)
		store_raw_dict_train(s);
	return (0);
}

/*
 * The checkpointer: copies committed pages from the WAL back into the
 * database on a connection of its own. PASSIVE never waits for the writer
 * and never blocks it; what it cannot copy now, it copies next time.
 */
struct store_ckpt {
	sqlite3	*db;
	char	*path;
};

static int
store_ckpt_job(void *arg, int last, char **cause)
{
	struct store_ckpt	*c = arg;
	int			 rc;

	rc = sqlite3_wal_checkpoint_v2(c->db, "main",
	    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
		*cause = xprintf("%s: %s", c->path, sqlite3_errmsg(c->db));
		return (-1);
	}
	return (0);
}

static void
store_ckpt_free(void *arg)
{
	struct store_ckpt	*c = arg;

	sqlite3_close(c->db);
	free(c->path);
	free(c);
}

/*
 * Called by SQLite after each commit, locks released, with the WAL's size
 * in pages. The checkpointer copies in the background; but the WAL only
 * starts over when a writer begins after everything was copied, which a
 * busy writer never does. So past a limit the writer copies the rest
 * itself (little: the checkpointer did most), and its next transaction
 * rewinds the WAL.
 */
static int
store_wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	struct store	*s = arg;

	if (frames >= STORE_WAL_LIMIT)
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE,
		    NULL, NULL);
	else if (frames >= STORE_CHECKPOINT_FRAMES)
		store_worker_kick(s->checkpointer);
	return (SQLITE_OK);
}

int
store_background(struct store *s, char **cause)
{
	struct store_ckpt	*c;

	if (s->readonly || s->indexer != NULL)
		return (0);
	if ((s->indexer = store_indexer_start(s->path, cause)) == NULL)
		return (-1);
	c = xcalloc(1, sizeof *c);
	c->path = xstrdup(s->path);
	/* A connection checkpoints only once it has seen the WAL. */
	if (store_sqlite_open(s->path, SQLITE_OPEN_READWRITE, &c->db,
	    cause) != 0 || sqlite3_exec(c->db, "PRAGMA schema_version",
	    NULL, NULL, NULL) != SQLITE_OK) {
		if (*cause == NULL)
			*cause = xprintf("%s: %s", s->path,
			    sqlite3_errmsg(c->db));
		store_ckpt_free(c);
		return (-1);
	}
	s->checkpointer = store_worker_start("helpq-checkpt", store_ckpt_job,
	    store_ckpt_free, c);
	/* Replaces SQLite's own checkpoint-on-commit hook. */
	sqlite3_wal_hook(s->db, store_wal_hook, s);
	return (0);
}

void
store_rollback(struct store *s)
{
	char	*cause = NULL;

	s->in_tx = 0;
	if (sqlite3_get_autocommit(s->db))
		return;		/* SQLite already rolled back */
	if (store_run(s, ST_ROLLBACK, "rollback", &cause) != 0) {
		log_warnx("%s: %s", s->path, cause);
		free(cause);
	}
}

int
store_savepoint(struct store *s, char **cause)
{
	return (store_run(s, ST_SAVEPOINT, "savepoint", cause));
}

int
store_savepoint_release(struct store *s, char **cause)
{
	return (store_run(s, ST_RELEASE, "release savepoint", cause));
}

/* Undo to the savepoint and pop it, so savepoints do not pile up. */
int
store_savepoint_rollback(struct store *s, char **cause)
{
	if (store_run(s, ST_ROLLBACK_TO, "rollback to savepoint", cause) != 0)
		return (-1);
	return (store_run(s, ST_RELEASE, "release savepoint", cause));
}

int
store_temporary(const struct store *s)
{
	switch (s->last_rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_NOMEM:
	case SQLITE_CANTOPEN:
	case SQLITE_PROTOCOL:
	case SQLITE_READONLY:
		return (1);
	default:
		return (0);
	}
}

/* ---- counts ---- */

static int
count_name_cmp(const void *key, const void *elem)
{
	const struct store_count_name	*c = elem;

	return (strcmp(key, c->name));
}

int
store_count(struct store *s, const char *what, int64_t *np, char **cause)
{
	const struct store_count_name	*c;
	struct store_query		 q;

	c = bsearch(what, store_count_names, nitems(store_count_names),
	    sizeof store_count_names[0], count_name_cmp);
	if (c == NULL) {
		*cause = xprintf("count: no such table: %s", what);
		return (-1);
	}
	if (store_query_start(&q, s, c->stmt, "counting", cause) != 0)
		return (-1);
	*np = 0;
	return (store_query_lookup(&q, np, cause) == -1 ? -1 : 0);
}
