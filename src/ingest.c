/*
 * helpq - ingest.c: one incoming message through the pipeline: parse,
 * recognise, thread, store. Everything a message changes is written inside
 * the open batch transaction, each message under its own savepoint so a
 * failure costs that message only.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "ingest.h"
#include "log.h"
#include "message.h"
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

int
ingest_message(struct ingest *in, const char *raw, size_t len,
    const struct msg_origin *origin, enum ingest_result *resp, char **cause)
{
	struct message	*msg = NULL;
	int64_t		 known, known_ticket = 0;
	char		*why = NULL;
	int		 k;

	*resp = INGEST_FAILED;
	in->stats.bytes += len;
	if (message_parse(raw, len, &msg, &why) != 0) {
		log_warnx("%s: %s", origin->mailbox, why);
		free(why);
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
	    &why) != 0) {
		/* This message only: the rest of the batch stands. */
		log_warnx("%s: not stored: %s", origin->mailbox, why);
		free(why);
		*resp = INGEST_FAILED;
		if (store_savepoint_rollback(in->store, cause) != 0)
			goto fail;
		goto done;
	}
	if (store_savepoint_release(in->store, cause) != 0)
		goto fail;
done:
	in->stats.count[*resp]++;
	message_free(msg);
	if (++in->pending >= in->batch_size)
		return (ingest_flush(in, cause));
	return (0);
fail:
	message_free(msg);
	if (in->in_tx) {
		store_rollback(in->store);
		in->in_tx = 0;
		in->pending = 0;
	}
	return (-1);
}
