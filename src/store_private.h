/* helpq - store_private.h: what store.c and store_index.c share. */
#ifndef HELPQ_STORE_PRIVATE_H
#define HELPQ_STORE_PRIVATE_H

#include <sqlite3.h>

/* The FTS5 tokenizer that folds Greek and German; named in the schema. */
#define FOLD_TOKENIZER		"helpq_fold"

/* How long a connection waits for another one's lock. */
#define STORE_BUSY_MS		10000

/* Register helpq_fold on db (path is for messages). 0, or -1 + *cause. */
int	 store_fold_register(sqlite3 *db, const char *path, char **cause);

/* The search index file that belongs to the database at path (allocated). */
char	*store_index_path(const char *path);

/*
 * Bring the search index of the database at path up to date with every
 * committed message, creating the index if needed. 0, or -1 + *cause.
 */
int	 store_index_update(const char *path, char **cause);

struct store_indexer;

/* Keep the index up to date from a thread of its own until stopped. */
struct store_indexer *store_indexer_start(const char *path, char **cause);
/* New messages were committed. */
void	 store_indexer_kick(struct store_indexer *);
/* Index what is left, stop the thread, free. 0, or -1 + *cause. */
int	 store_indexer_stop(struct store_indexer *, char **cause);

#endif
