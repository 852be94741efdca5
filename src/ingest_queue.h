/*
 * helpq - ingest_queue.h (private to ingest.c): the reader thread that
 * reads and parses a source ahead of the store, and its bounded queue.
 */
#ifndef HELPQ_INGEST_QUEUE_H
#define HELPQ_INGEST_QUEUE_H

#include "compat.h"

#include <time.h>

struct message;
struct source;
struct store;

/* How many parsed messages the reader may be ahead of the store. */
#define INGEST_QUEUE	64

/* One message read and parsed. Everything is owned by the item: free
 * with ingest_queue_item_clear, or give it back (ingest_queue_take). */
struct ingest_item {
	char		*raw;
	size_t		 len;
	struct message	*msg;		/* NULL if the parser gave up */
	char		*why;		/* the parser's reason */
	char		*where;
	uint32_t	 uidvalidity;
	uint32_t	 uid;
	int		 history;
	time_t		 arrived;
	int		 archive;
};

struct ingest_queue;

/* Start a reader thread over src (borrowed until ingest_queue_stop). It
 * also packs each message as st keeps it (store_raw_pack; st may be NULL
 * and is borrowed likewise). */
struct ingest_queue *ingest_queue_start(struct source *src,
	    struct store *st);
/*
 * Give back the items in done[0..*ndone) (*ndone is set to 0) and take
 * every parsed message waiting, at least one, into batch (room for
 * INGEST_QUEUE); returns how many, 0 at the end of the source. The
 * caller owns what it takes.
 */
size_t	 ingest_queue_take(struct ingest_queue *, struct ingest_item *done,
	    size_t *ndone, struct ingest_item *batch);
/*
 * Stop the reader (it may be anywhere in the source), wait for it and
 * free the queue with what it still holds. Returns NULL, or why the
 * source failed (allocated; the caller frees it).
 */
char	*ingest_queue_stop(struct ingest_queue *);
void	 ingest_queue_item_clear(struct ingest_item *);

#endif
