/*
 * helpq - store_index.c: the full-text search index. It is derived data,
 * kept in a file of its own beside the database (<db>-search), so a thread
 * with its own connection can index on the second core while the store
 * writes messages: two files, two write locks. It only ever reads messages
 * that are committed, and records how far it got in the same transaction
 * as the index entries, so after a crash it simply catches up. Deleting
 * the file is safe: the next command that writes rebuilds it.
 */
#include "compat.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store_private.h"
#include "xmalloc.h"

/* 2: tokens folded with utf8_fold, which makes the dotless i an i.
 * 3: contentless: the database has the text, the index only finds it. */
#define INDEX_VERSION	3
#define INDEX_VERSION_S	"3"

static const char index_schema[] =
	"CREATE TABLE IF NOT EXISTS index_state ("
	" id INTEGER PRIMARY KEY CHECK (id = 1),"
	" upto INTEGER NOT NULL);"
	"INSERT OR IGNORE INTO index_state VALUES (1, 0);"
	/* No copy of the text: snippets come from the database's own
	 * (store_search.c), so the index is a fraction of the mail. */
	"CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5("
	" subject, body, content = '', tokenize = '" FOLD_TOKENIZER "');"
	"INSERT INTO messages_fts(messages_fts, rank) VALUES ('pgsz', 8000);"
	/*
	 * Merge 8 segments of a level at a time, not 4: an import indexes
	 * 10% faster and searches of 100,000 messages still take
	 * milliseconds. 16 would be faster still, but then levels are merged
	 * whole (crisismerge), in transactions of hundreds of MB.
	 */
	"INSERT INTO messages_fts(messages_fts, rank) VALUES ('automerge', 8);";

/*
 * Messages are copied out of the database in chunks, each in a read
 * transaction of its own, and indexed from the copy. Reading and indexing
 * in one transaction would pin the database's snapshot while FTS5 merges
 * segments, and the database's WAL could not be checkpointed meanwhile.
 * upto advances with each indexed chunk, so it is exactly what was
 * indexed.
 */
#define INDEX_CHUNK	"1000"

static const char index_temp[] =
	"CREATE TEMP TABLE IF NOT EXISTS pending ("
	" id INTEGER PRIMARY KEY, subject TEXT, body TEXT)";
static const char index_stage[] =
	"INSERT INTO temp.pending (id, subject, body)"
	" SELECT id, coalesce(subject, ''), coalesce("
	STORE_TEXT_SQL_OR("db", "m", ", ''") ", '')"
	" FROM db.messages m"
	" WHERE id > (SELECT upto FROM main.index_state WHERE id = 1)"
	" ORDER BY id LIMIT " INDEX_CHUNK;
static const char index_insert[] =
	"INSERT INTO messages_fts(rowid, subject, body)"
	" SELECT id, subject, body FROM temp.pending ORDER BY id";
static const char index_advance[] =
	"UPDATE index_state SET upto = (SELECT max(id) FROM temp.pending)"
	" WHERE id = 1";
static const char index_unstage[] = "DELETE FROM temp.pending";

struct store_index {
	sqlite3		*db;
	char		*path;
	sqlite3_stmt	*stage;
	sqlite3_stmt	*insert;
	sqlite3_stmt	*advance;
	sqlite3_stmt	*unstage;
};

char *
store_index_path(const char *path)
{
	return (xprintf("%s-search", path));
}

static int
index_exec(struct store_index *ix, const char *sql, char **cause)
{
	char	*err = NULL;

	if (sqlite3_exec(ix->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		*cause = xprintf("%s: %s", ix->path, err != NULL ? err :
		    sqlite3_errmsg(ix->db));
		sqlite3_free(err);
		return (-1);
	}
	return (0);
}

static void
index_close(struct store_index *ix)
{
	if (ix == NULL)
		return;
	sqlite3_finalize(ix->stage);
	sqlite3_finalize(ix->insert);
	sqlite3_finalize(ix->advance);
	sqlite3_finalize(ix->unstage);
	if (ix->db != NULL)
		sqlite3_close(ix->db);
	free(ix->path);
	free(ix);
}

/* Create or open the index file and attach the database it follows. */
static int
index_open(const char *dbpath, struct store_index **ixp, char **cause)
{
	struct store_index	*ix;
	sqlite3_stmt		*stmt = NULL;
	int			 v = 0;

	ix = xcalloc(1, sizeof *ix);
	ix->path = store_index_path(dbpath);
	if (store_sqlite_open(ix->path, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, &ix->db, cause) != 0)
		goto fail;
	if (store_fold_register(ix->db, ix->path, cause) != 0 ||
	    store_text_register(ix->db, ix->path, "db", NULL, cause) != 0 ||
	    index_exec(ix, "PRAGMA journal_mode = WAL;"
	    "PRAGMA synchronous = NORMAL;"
	    "PRAGMA cache_size = -8000;"
	    "PRAGMA journal_size_limit = 67108864;", cause) != 0)
		goto fail;
	/* ATTACH takes an expression, so the path is bound, never quoted. */
	if (sqlite3_prepare_v2(ix->db, "ATTACH DATABASE ?1 AS db", -1, &stmt,
	    NULL) != SQLITE_OK ||
	    sqlite3_bind_text(stmt, 1, dbpath, -1, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_step(stmt) != SQLITE_DONE) {
		*cause = xprintf("%s: attaching %s: %s", ix->path, dbpath,
		    sqlite3_errmsg(ix->db));
		goto fail;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (sqlite3_prepare_v2(ix->db, "PRAGMA main.user_version", -1, &stmt,
	    NULL) != SQLITE_OK || sqlite3_step(stmt) != SQLITE_ROW) {
		*cause = xprintf("%s: %s", ix->path, sqlite3_errmsg(ix->db));
		goto fail;
	}
	v = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	stmt = NULL;
	if (v > INDEX_VERSION) {
		*cause = xprintf("%s: index version %d is newer than this "
		    "helpq understands (%d)", ix->path, v, INDEX_VERSION);
		goto fail;
	}
	/* An index from an older fold is built again from the messages. */
	if (v < INDEX_VERSION && (index_exec(ix, "BEGIN", cause) != 0 ||
	    (v > 0 && index_exec(ix, "DROP TABLE IF EXISTS messages_fts;"
	    "UPDATE index_state SET upto = 0", cause) != 0) ||
	    index_exec(ix, index_schema, cause) != 0 ||
	    index_exec(ix, "PRAGMA main.user_version = " INDEX_VERSION_S ";"
	    " COMMIT", cause))) {
		sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
		goto fail;
	}
	if (index_exec(ix, index_temp, cause) != 0)
		goto fail;
	if (sqlite3_prepare_v2(ix->db, index_stage, -1, &ix->stage,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ix->db, index_insert, -1, &ix->insert,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ix->db, index_advance, -1, &ix->advance,
	    NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(ix->db, index_unstage, -1, &ix->unstage,
	    NULL) != SQLITE_OK) {
		*cause = xprintf("%s: %s", ix->path, sqlite3_errmsg(ix->db));
		goto fail;
	}
	*ixp = ix;
	return (0);
fail:
	sqlite3_finalize(stmt);
	index_close(ix);
	return (-1);
}

static int
index_step(struct store_index *ix, sqlite3_stmt *stmt, char **cause)
{
	int	rc;

	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		*cause = xprintf("%s: indexing: %s", ix->path,
		    sqlite3_errmsg(ix->db));
		return (-1);
	}
	return (0);
}

/* Index every message committed so far, a chunk per transaction. */
static int
index_catch_up(struct store_index *ix, char **cause)
{
	for (;;) {
		if (index_step(ix, ix->stage, cause) != 0)
			break;
		if (sqlite3_changes(ix->db) == 0)
			return (0);
		/* Deferred: the write lock is taken on the index file only. */
		if (index_exec(ix, "BEGIN", cause) != 0)
			break;
		if (index_step(ix, ix->insert, cause) != 0 ||
		    index_step(ix, ix->advance, cause) != 0 ||
		    index_exec(ix, "COMMIT", cause) != 0) {
			sqlite3_exec(ix->db, "ROLLBACK", NULL, NULL, NULL);
			break;
		}
		if (index_step(ix, ix->unstage, cause) != 0)
			break;
	}
	/* Whatever is staged is staged again next time. */
	sqlite3_step(ix->unstage);
	sqlite3_reset(ix->unstage);
	return (-1);
}

int
store_index_update(const char *path, char **cause)
{
	struct store_index	*ix;
	int			 rc;

	if (index_open(path, &ix, cause) != 0)
		return (-1);
	rc = index_catch_up(ix, cause);
	index_close(ix);
	return (rc);
}

/* A store_worker job: index what the writer committed. */
static int
index_job(void *arg, int last, char **cause)
{
	return (index_catch_up(arg, cause));
}

static void
index_job_free(void *arg)
{
	index_close(arg);
}

struct store_worker *
store_indexer_start(const char *path, char **cause)
{
	struct store_index	*ix;

	if (index_open(path, &ix, cause) != 0)
		return (NULL);
	return (store_worker_start("helpq-index", index_job, index_job_free,
	    ix));
}
