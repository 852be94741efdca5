/*
 * helpq - ingest.c: one incoming message through the pipeline: parse,
 * recognise, thread, store. Everything a message changes is written inside
 * the open batch transaction, each message under its own savepoint so a
 * failure costs that message only.
 */
#include "compat.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "ingest.h"
#include "log.h"
#include "message.h"
#include "source.h"
#include "store.h"
#include "thread.h"
#include "xmalloc.h"

struct ingest {
	struct store		*store;
	const struct config	*conf;
	unsigned		 batch_size;
	unsigned		 pending;	/* messages in the open batch */
	int			 in_tx;
	struct ingest_stats	 stats;
};

struct ingest *
ingest_new(struct store *st, const struct config *conf, unsigned batch_size)
{
	struct ingest	*in;

	in = xcalloc(1, sizeof *in);
	in->store = st;
	in->conf = conf;
	in->batch_size = batch_size == 0 ? 1 : batch_size;
	return (in);
}

int
ingest_flush(struct ingest *in, char **cause)
{
	if (!in->in_tx)
		return (0);
	in->in_tx = 0;
	in->pending = 0;
	if (store_commit(in->store, cause) != 0) {
		store_rollback(in->store);
		return (-1);
	}
	return (0);
}

int
ingest_free(struct ingest *in, char **cause)
{
	int	rc;

	if (in == NULL)
		return (0);
	rc = ingest_flush(in, cause);
	free(in);
	return (rc);
}

unsigned
ingest_pending(const struct ingest *in)
{
	return (in->pending);
}

const struct ingest_stats *
ingest_stats(const struct ingest *in)
{
	return (&in->stats);
}

/*
 * The time a message belongs to: its Date when plausible, else now. Windows
 * are measured in message time so an old mailbox imported today threads
 * the way it did when the mail arrived.
 */
static time_t
ingest_when(const struct message *msg, time_t now)
{
	if (msg->date > 0 && msg->date <= now + 86400)
		return (msg->date);
	return (now);
}

/* Who the conversation is with: the sender, or for our own mail the first
 * recipient. */
static const struct msg_addr *
ingest_party(const struct message *msg, int outgoing)
{
	if (outgoing) {
		if (msg->to.n > 0)
			return (&msg->to.v[0]);
		if (msg->cc.n > 0)
			return (&msg->cc.v[0]);
		return (NULL);
	}
	if (msg->from.n > 0)
		return (&msg->from.v[0]);
	if (msg->reply_to.n > 0)
		return (&msg->reply_to.v[0]);
	return (NULL);
}

static int
ingest_event(struct ingest *in, int64_t ticket, int64_t msgid, time_t when,
    const char *kind, const char *detail, char **cause)
{
	return (store_event_add(in->store, ticket, msgid, when, kind, detail,
	    cause));
}

/* Create the ticket thread_find asked for. */
static int
ingest_open_ticket(struct ingest *in, const struct message *msg,
    const struct msg_addr *party, const struct thread_result *r, time_t when,
    int outgoing, int64_t *ticketp, char **cause)
{
	struct ticket_new	 tn;
	char			*detail;
	int			 rc;

	memset(&tn, 0, sizeof tn);
	tn.subject = msg->subject;
	tn.norm_subject = r->norm_subject;
	tn.customer = party != NULL ? party->addr : "";
	tn.customer_name = party != NULL ? party->name : NULL;
	tn.created = when;
	tn.linked_to = r->link;
	if (store_ticket_create(in->store, &tn, ticketp, cause) != 0)
		return (-1);
	if (r->link != 0)
		detail = xprintf("linked to ticket %lld", (long long)r->link);
	else
		detail = NULL;
	rc = ingest_event(in, *ticketp, 0, when, "created", detail, cause);
	free(detail);
	if (rc == 0 && outgoing)
		rc = store_ticket_set_status(in->store, *ticketp,
		    TICKET_WAITING, when, cause);
	return (rc);
}

/* Everything one message writes; runs inside the batch transaction. */
static int
ingest_store(struct ingest *in, const struct message *msg, const char *raw,
    size_t len, const struct msg_origin *origin, int64_t same_id_ticket,
    enum ingest_result *resp, char **cause)
{
	struct thread_result	 r;
	struct ticket		 t;
	const struct msg_addr	*from, *party;
	int64_t			 ticket, msgrow;
	time_t			 when;
	int			 outgoing, rc = -1;
	char			*detail = NULL;

	memset(&r, 0, sizeof r);
	memset(&t, 0, sizeof t);
	when = ingest_when(msg, origin->received);
	from = msg->from.n > 0 ? &msg->from.v[0] : NULL;
	outgoing = from != NULL && config_is_agent(in->conf, from->addr);
	party = ingest_party(msg, outgoing);

	if (same_id_ticket != 0) {
		/* Another copy of a message we have (a list or a Cc copy). */
		r.how = THREAD_MSGID;
		r.ticket = same_id_ticket;
		r.norm_subject = thread_subject_normalise(msg->subject,
		    in->conf->token_prefix);
		r.evidence = xprintf("Message-ID <%s> is already in ticket "
		    "%lld (another copy)", msg->message_id,
		    (long long)same_id_ticket);
	} else if (thread_find(in->store, in->conf, msg,
	    party != NULL ? party->addr : "", when, &r, cause) != 0)
		return (-1);

	ticket = r.ticket;
	if (ticket == 0) {
		if (ingest_open_ticket(in, msg, party, &r, when, outgoing,
		    &ticket, cause) != 0)
			goto out;
		*resp = INGEST_NEW;
	} else {
		*resp = INGEST_THREADED;
		if (r.reopen) {
			if (store_ticket_set_status(in->store, ticket,
			    TICKET_OPEN, when, cause) != 0 ||
			    ingest_event(in, ticket, 0, when, "reopened",
			    "a reply arrived after the ticket was closed",
			    cause) != 0)
				goto out;
		}
	}

	if (store_message_insert(in->store, msg, raw, len, origin,
	    outgoing ? MSG_OUT : MSG_IN,
	    outgoing ? MSG_KIND_AGENT : MSG_KIND_CUSTOMER, ticket, &msgrow,
	    cause) != 0)
		goto out;
	detail = xprintf("%s: %s", thread_how_name(r.how), r.evidence);
	if (ingest_event(in, ticket, msgrow, when, outgoing ? "replied" :
	    "received", origin->mailbox, cause) != 0 ||
	    ingest_event(in, ticket, msgrow, when, "threaded", detail,
	    cause) != 0)
		goto out;

	if (store_ticket_get(in->store, ticket, &t, cause) != 0)
		goto out;
	if (outgoing) {
		/* Our answer stops the clock; now we wait for the customer. */
		if (store_ticket_responded(in->store, ticket, when,
		    cause) != 0)
			goto out;
		if (t.status != TICKET_CLOSED && t.status != TICKET_WAITING &&
		    store_ticket_set_status(in->store, ticket, TICKET_WAITING,
		    when, cause) != 0)
			goto out;
	} else if (*resp == INGEST_THREADED && t.status == TICKET_WAITING) {
		if (store_ticket_set_status(in->store, ticket, TICKET_OPEN,
		    when, cause) != 0)
			goto out;
	}
	if (store_ticket_touch(in->store, ticket, when, cause) != 0)
		goto out;
	rc = 0;
out:
	free(detail);
	store_ticket_clear(&t);
	thread_result_clear(&r);
	return (rc);
}

/*
 * Store msg (parsed from raw; the caller frees it). why is set instead when
 * the parser found nothing usable.
 */
static int
ingest_parsed(struct ingest *in, const char *raw, size_t len,
    const struct message *msg, const char *why,
    const struct msg_origin *origin, enum ingest_result *resp, char **cause)
{
	int64_t		 known, known_ticket = 0;
	char		*err = NULL;
	int		 k;

	*resp = INGEST_FAILED;
	in->stats.bytes += len;
	if (msg == NULL) {
		log_warnx("%s: %s", origin->mailbox, why);
		in->stats.count[INGEST_FAILED]++;
		return (0);
	}
	if (!in->in_tx) {
		if (store_begin(in->store, cause) != 0)
			goto fail;
		in->in_tx = 1;
	}
	k = store_message_known(in->store, msg->message_id, msg->hash, &known,
	    &known_ticket, cause);
	if (k == -1)
		goto fail;
	if (k == 0) {
		*resp = INGEST_DUPLICATE;
		goto done;
	}
	if (k != 2)
		known_ticket = 0;
	if (store_savepoint(in->store, cause) != 0)
		goto fail;
	if (ingest_store(in, msg, raw, len, origin, known_ticket, resp,
	    &err) != 0) {
		/* This message only: the rest of the batch stands. */
		log_warnx("%s: not stored: %s", origin->mailbox, err);
		free(err);
		*resp = INGEST_FAILED;
		if (store_savepoint_rollback(in->store, cause) != 0)
			goto fail;
		goto done;
	}
	if (store_savepoint_release(in->store, cause) != 0)
		goto fail;
done:
	in->stats.count[*resp]++;
	if (++in->pending >= in->batch_size)
		return (ingest_flush(in, cause));
	return (0);
fail:
	if (in->in_tx) {
		store_rollback(in->store);
		in->in_tx = 0;
		in->pending = 0;
	}
	return (-1);
}

int
ingest_message(struct ingest *in, const char *raw, size_t len,
    const struct msg_origin *origin, enum ingest_result *resp, char **cause)
{
	struct message	*msg = NULL;
	char		*why = NULL;
	int		 rc;

	if (message_parse(raw, len, &msg, &why) != 0)
		msg = NULL;
	rc = ingest_parsed(in, raw, len, msg, why, origin, resp, cause);
	message_free(msg);
	free(why);
	return (rc);
}

/*
 * Reading and parsing run in a thread of their own, ahead of the store, so
 * the two cores of a small server both work: the reader fills a bounded
 * queue of parsed messages, the caller's thread stores them in order.
 * Items the store is done with go back to the reader to be freed, so each
 * thread frees what its own malloc arena gave it. Either side signals only
 * when the other is waiting: a wake-up per message costs more than a parse.
 */
#define INGEST_QUEUE	64

struct ingest_item {
	char		*raw;
	size_t		 len;
	struct message	*msg;		/* NULL if the parser gave up */
	char		*why;		/* the parser's reason */
	char		*where;
};

struct ingest_queue {
	pthread_mutex_t		 mu;
	pthread_cond_t		 can_put;
	pthread_cond_t		 can_take;
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
};

static void
ingest_item_clear(struct ingest_item *it)
{
	free(it->raw);
	message_free(it->msg);
	free(it->why);
	free(it->where);
	memset(it, 0, sizeof *it);
}

/* Free what the store gave back; called by the reader with mu held. */
static void
ingest_free_spent(struct ingest_queue *q)
{
	struct ingest_item	spent[INGEST_QUEUE];
	size_t			i, n;

	n = q->nspent;
	memcpy(spent, q->spent, n * sizeof spent[0]);
	q->nspent = 0;
	pthread_mutex_unlock(&q->mu);
	for (i = 0; i < n; i++)
		ingest_item_clear(&spent[i]);
	pthread_mutex_lock(&q->mu);
}

static void *
ingest_reader(void *arg)
{
	struct ingest_queue	*q = arg;
	struct source_item	 si;
	struct ingest_item	 it;
	char			*cause = NULL;
	int			 rc;

	for (;;) {
		if ((rc = source_next(q->src, &si, &cause)) != 0)
			break;
		memset(&it, 0, sizeof it);
		it.raw = xmalloc(si.len + 1);
		memcpy(it.raw, si.data, si.len);
		it.raw[si.len] = '\0';
		it.len = si.len;
		it.where = xstrdup(si.where);
		if (message_parse(it.raw, it.len, &it.msg, &it.why) != 0)
			it.msg = NULL;
		pthread_mutex_lock(&q->mu);
		for (;;) {
			if (q->nspent > 0)
				ingest_free_spent(q);
			if (q->count < INGEST_QUEUE || q->stop)
				break;
			q->put_waits = 1;
			pthread_cond_wait(&q->can_put, &q->mu);
			q->put_waits = 0;
		}
		if (q->stop) {
			pthread_mutex_unlock(&q->mu);
			ingest_item_clear(&it);
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

/*
 * Give back the items in done[0..*ndone) and take every parsed message
 * waiting, at least one, into batch; returns how many (0 at the end).
 */
static size_t
ingest_take(struct ingest_queue *q, struct ingest_item *done, size_t *ndone,
    struct ingest_item *batch)
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
		ingest_item_clear(&done[--*ndone]);
	return (n);
}

int
ingest_source(struct ingest *in, struct source *src, ingest_progress_fn fn,
    void *arg, char **cause)
{
	struct ingest_queue	 q;
	struct ingest_item	 batch[INGEST_QUEUE], done[INGEST_QUEUE];
	struct msg_origin	 origin;
	enum ingest_result	 res;
	pthread_t		 reader;
	uint64_t		 count = 0;
	size_t			 i, n, ndone = 0;
	int			 rc = 0;

	memset(&q, 0, sizeof q);
	q.src = src;
	pthread_mutex_init(&q.mu, NULL);
	pthread_cond_init(&q.can_put, NULL);
	pthread_cond_init(&q.can_take, NULL);
	if ((errno = pthread_create(&reader, NULL, ingest_reader, &q)) != 0)
		fatal("pthread_create");
	while (rc == 0 && (n = ingest_take(&q, done, &ndone, batch)) > 0) {
		for (i = 0; i < n; i++) {
			if (rc != 0) {
				ingest_item_clear(&batch[i]);
				continue;
			}
			memset(&origin, 0, sizeof origin);
			origin.mailbox = batch[i].where;
			origin.received = time(NULL);
			rc = ingest_parsed(in, batch[i].raw, batch[i].len,
			    batch[i].msg, batch[i].why, &origin, &res, cause);
			done[ndone++] = batch[i];
			if (rc != 0)
				rc = INGEST_ERR_STORE;
			else if (fn != NULL)
				fn(arg, ++count);
		}
	}
	pthread_mutex_lock(&q.mu);
	q.stop = 1;
	pthread_cond_signal(&q.can_put);
	pthread_mutex_unlock(&q.mu);
	pthread_join(reader, NULL);
	while (ndone > 0)
		ingest_item_clear(&done[--ndone]);
	while (q.nspent > 0)
		ingest_item_clear(&q.spent[--q.nspent]);
	while (q.count > 0) {
		ingest_item_clear(&q.items[q.head]);
		q.head = (q.head + 1) % INGEST_QUEUE;
		q.count--;
	}
	if (rc == 0 && q.error != NULL) {
		*cause = q.error;
		q.error = NULL;
		rc = INGEST_ERR_SOURCE;
	}
	free(q.error);
	if (rc == 0 && ingest_flush(in, cause) != 0)
		rc = INGEST_ERR_STORE;
	pthread_cond_destroy(&q.can_take);
	pthread_cond_destroy(&q.can_put);
	pthread_mutex_destroy(&q.mu);
	return (rc);
}
