/* helpq - store_private.h: what store.c and store_index.c share. */
#ifndef HELPQ_STORE_PRIVATE_H
#define HELPQ_STORE_PRIVATE_H

#include <sqlite3.h>

/* The FTS5 tokenizer that folds Greek and German; named in the schema. */
#define FOLD_TOKENIZER		"helpq_fold"

/* How long a connection waits for another one's lock. */
#define STORE_BUSY_MS		10000

/* WAL pages after which committed pages are copied back (SQLite's own
 * default). */
#define STORE_CHECKPOINT_FRAMES	1000
/* WAL pages past which the writer itself finishes the copying. */
#define STORE_WAL_LIMIT		(16 * STORE_CHECKPOINT_FRAMES)

/* Register helpq_fold on db (path is for messages). 0, or -1 + *cause. */
int	 store_fold_register(sqlite3 *db, const char *path, char **cause);

/* The search index file that belongs to the database at path (allocated). */
char	*store_index_path(const char *path);

/*
 * Bring the search index of the database at path up to date with every
 * committed message, creating the index if needed. 0, or -1 + *cause.
 */
int	 store_index_update(const char *path, char **cause);

/*
 * Open a connection to path (flags as for sqlite3_open_v2) configured the
 * way every helpq connection is. 0, or -1 + *cause; close with
 * sqlite3_close.
 */
int	 store_sqlite_open(const char *path, int flags, sqlite3 **dbp,
	    char **cause);

/*
 * A thread of store upkeep. job runs after each kick (kicks during a run
 * fold into one more run) and once more, with last set, when the worker
 * is stopped; it returns 0, or -1 + *cause, after which it runs no more.
 * job_free (may be NULL) frees arg when the worker stops.
 */
typedef int	(*store_job_fn)(void *arg, int last, char **cause);
typedef void	(*store_job_free_fn)(void *arg);
struct store_worker;

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
