/*
 * helpq - store_sqlite.c: a SQLite connection set up the way every helpq
 * connection is, for the store (store.c) and for the threads with a
 * connection of their own (store_index.c, the checkpointer).
 */
#include "compat.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "lockfile.h"
#include "store_private.h"
#include "xmalloc.h"

/*
 * SQLite's memory statistics take one global mutex around every allocation;
 * with the store, the indexer and the checkpointer each on a connection of
 * their own that mutex was the busiest lock of an import. helpq reads no
 * statistics, so they are off.
 */
static void
store_sqlite_init(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int
store_sqlite_open(const char *path, int flags, sqlite3 **dbp, char **cause)
{
	static pthread_once_t	 once = PTHREAD_ONCE_INIT;
	int			 rc;

	pthread_once(&once, store_sqlite_init);
	*dbp = NULL;
	if ((flags & SQLITE_OPEN_CREATE) != 0 &&
	    lockfile_create_private(path, cause) != 0)
		return (-1);
	/* Each connection is used by one thread at a time. */
	rc = sqlite3_open_v2(path, dbp, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		*cause = xprintf("%s: %s", path, *dbp != NULL ?
		    sqlite3_errmsg(*dbp) : sqlite3_errstr(rc));
		sqlite3_close(*dbp);
		*dbp = NULL;
		return (-1);
	}
	sqlite3_extended_result_codes(*dbp, 1);
	sqlite3_busy_timeout(*dbp, STORE_BUSY_MS);
	return (0);
}
