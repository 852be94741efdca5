/*
 * helpq - ingest_queue.c: reading and parsing run in a thread of their
 * own, ahead of the store, so the two cores of a small server both work:
 * the reader fills a bounded queue of parsed messages, the caller's
 * thread stores them in order. Items the store is done with go back to
 * the reader to be freed, so each thread frees what its own malloc arena
 * gave it. Either side signals only when the other is waiting: a wake-up
 * per message costs more than a parse.
 */
#include "compat.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ingest_queue.h"
#include "message.h"
#include "source.h"
#include "store.h"
#include "worker.h"
#include "xmalloc.h"

struct ingest_queue {
	pthread_mutex_t		 mu;
	pthread_cond_t		 can_put;
	pthread_cond_t		 can_take;
	pthread_t		 reader;
	struct ingest_item	 items[INGEST_QUEUE];
	size_t			 head;		/* next to take */
	size_t			 count;
	struct ingest_item	 spent[INGEST_QUEUE]; /* stored: to free */
	size_t			 nspent;
	int			 put_waits;	/* the reader is waiting */
	int			 take_waits;	/* the store is waiting */
	int			 eof;		/* the reader is done */
	int			 stop;		/* the consumer gave up */
	char			*error;		/* the source failed */
	struct source		*src;
	void			*zctx;		/* the reader's packing context */
	struct store		*store;		/* lends its dictionary */
};

void
ingest_queue_item_clear(struct ingest_item *it)
{
	free(it->raw);
	message_free(it->msg);
	free(it->why);
	free(it->where);
	memset(it, 0, sizeof *it);
}

/* Free what the store gave back; called by the reader with mu held. */
static void
ingest_queue_free_spent(struct ingest_queue *q)
{
	struct ingest_item	spent[INGEST_QUEUE];
	size_t			i, n;

	n = q->nspent;
	memcpy(spent, q->spent, n * sizeof spent[0]);
	q->nspent = 0;
	pthread_mutex_unlock(&q->mu);
	for (i = 0; i < n; i++)
		ingest_queue_item_clear(&spent[i]);
	pthread_mutex_lock(&q->mu);
}

/* Read the next message of the source and parse it: 0, 1 at the end, -1
 * with *cause. */
static int
ingest_queue_read(struct ingest_queue *q, struct ingest_item *it,
    char **cause)
{
	struct source_item	si;
	int			rc;

	if ((rc = source_next(q->src, &si, cause)) != 0)
		return (rc);
	memset(it, 0, sizeof *it);
	it->raw = xmalloc(si.len + 1);
	memcpy(it->raw, si.data, si.len);
	it->raw[si.len] = '\0';
	it->len = si.len;
	it->where = xstrdup(si.where);
	it->uidvalidity = si.uidvalidity;
	it->uid = si.uid;
	it->history = si.history;
	it->arrived = si.arrived;
	it->archive = si.archive;
	if (message_parse(it->raw, it->len, &it->msg, &it->why) != 0)
		it->msg = NULL;
	else {
		/* The store would pack it on its own thread. */
		(void)store_raw_pack(&q->zctx, q->store, it->raw, it->len,
		    &it->msg->packed, &it->msg->packedlen);
		(void)store_text_pack(&q->zctx, it->msg->text,
		    it->msg->textlen, it->raw, it->len,
		    &it->msg->packed_text, &it->msg->packed_textlen);
	}
	return (0);
}

static void *
ingest_queue_reader(void *arg)
{
	struct ingest_queue	*q = arg;
	struct ingest_item	 it;
	char			*cause = NULL;
	int			 rc;

	for (;;) {
		if ((rc = ingest_queue_read(q, &it, &cause)) != 0)
			break;
		pthread_mutex_lock(&q->mu);
		for (;;) {
			if (q->nspent > 0)
				ingest_queue_free_spent(q);
			if (q->count < INGEST_QUEUE || q->stop)
				break;
			q->put_waits = 1;
			pthread_cond_wait(&q->can_put, &q->mu);
			q->put_waits = 0;
		}
		if (q->stop) {
			pthread_mutex_unlock(&q->mu);
			ingest_queue_item_clear(&it);
			rc = 1;
			break;
		}
		q->items[(q->head + q->count) % INGEST_QUEUE] = it;
		q->count++;
		if (q->take_waits)
			pthread_cond_signal(&q->can_take);
		pthread_mutex_unlock(&q->mu);
	}
	pthread_mutex_lock(&q->mu);
	if (rc == -1)
		q->error = cause;
	q->eof = 1;
	pthread_cond_signal(&q->can_take);
	pthread_mutex_unlock(&q->mu);
	message_thread_end();
	return (NULL);
}

struct ingest_queue *
ingest_queue_start(struct source *src, struct store *st)
{
	struct ingest_queue	*q;

	q = xcalloc(1, sizeof *q);
	q->src = src;
	q->store = st;
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->can_put, NULL);
	pthread_cond_init(&q->can_take, NULL);
	worker_start(&q->reader, ingest_queue_reader, q);
	return (q);
}

size_t
ingest_queue_take(struct ingest_queue *q, struct ingest_item *done,
    size_t *ndone, struct ingest_item *batch)
{
	size_t	n = 0;

	pthread_mutex_lock(&q->mu);
	if (*ndone > 0 && q->nspent + *ndone <= INGEST_QUEUE) {
		memcpy(q->spent + q->nspent, done, *ndone * sizeof done[0]);
		q->nspent += *ndone;
		*ndone = 0;
	}
	while (q->count == 0 && !q->eof) {
		q->take_waits = 1;
		pthread_cond_wait(&q->can_take, &q->mu);
		q->take_waits = 0;
	}
	while (q->count > 0) {
		batch[n++] = q->items[q->head];
		q->head = (q->head + 1) % INGEST_QUEUE;
		q->count--;
	}
	if (q->put_waits)
		pthread_cond_signal(&q->can_put);
	pthread_mutex_unlock(&q->mu);
	/* The reader had no room for them: free them here. */
	while (*ndone > 0)
		ingest_queue_item_clear(&done[--*ndone]);
	return (n);
}

char *
ingest_queue_stop(struct ingest_queue *q)
{
	char	*error;

	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	pthread_cond_signal(&q->can_put);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->reader, NULL);
	while (q->nspent > 0)
		ingest_queue_item_clear(&q->spent[--q->nspent]);
	while (q->count > 0) {
		ingest_queue_item_clear(&q->items[q->head]);
		q->head = (q->head + 1) % INGEST_QUEUE;
		q->count--;
	}
	error = q->error;
	store_raw_pack_free(q->zctx);
	pthread_cond_destroy(&q->can_take);
	pthread_cond_destroy(&q->can_put);
	pthread_mutex_destroy(&q->mu);
	free(q);
	return (error);
}
