/*
 * helpq - outbox.c: the queue of outgoing mail. A mail is put together
 * and committed to the outbox (with a unique key, its message kept in
 * its ticket) in the transaction that decided it; what each attempt to
 * send it came to is recorded here, and a temporary failure schedules
 * the next one. See outbox.h.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "clocks.h"
#include "compose.h"
#include "config.h"
#include "log.h"
#include "message.h"
#include "outbox.h"
#include "outbox_private.h"
#include "store.h"
#include "template.h"
#include "thread.h"
#include "xmalloc.h"

/* Backoff after a temporary failure: a minute, doubling, at most an hour. */
#define OUTBOX_RETRY_FIRST	60
#define OUTBOX_RETRY_MAX	3600

const char *
outbox_templates_dir(const struct config *conf)
{
	return (conf->templates != NULL ? conf->templates :
	    PKGDATADIR "/templates");
}

struct outbox *
outbox_new(const struct config *conf, const char *dbpath, char **cause)
{
	struct outbox	*ob;
	const char	*dir;
	char		*errors = NULL;

	ob = xcalloc(1, sizeof *ob);
	ob->conf = conf;
	if (conf->smtp.host == NULL)
		return (ob);
	ob->lockpath = xprintf("%s.send.lock", dbpath);
	dir = outbox_templates_dir(conf);
	if (templates_load(dir, &ob->tpl, &errors) != 0) {
		*cause = errors;
		free(ob->lockpath);
		free(ob);
		return (NULL);
	}
	return (ob);
}

void
outbox_free(struct outbox *ob)
{
	if (ob == NULL)
		return;
	templates_free(ob->tpl);
	free(ob->lockpath);
	free(ob);
}

int
outbox_enabled(const struct outbox *ob)
{
	return (ob != NULL && ob->tpl != NULL);
}

/* ---- queueing ---- */

/* Store the mail's message in its ticket: replies to it thread back. */
static int
outbox_keep(struct store *st, const struct outbox_draft *d, const char *raw,
    size_t len, int64_t *msgrowp, char **cause)
{
	struct message		*msg = NULL;
	struct msg_origin	 o;
	char			*why = NULL;
	int			 rc;

	if (message_parse(raw, len, &msg, &why) != 0) {
		*cause = xprintf("our own mail does not parse: %s", why);
		free(why);
		return (-1);
	}
	memset(&o, 0, sizeof o);
	o.mailbox = "outbox";
	o.received = d->now;
	rc = store_message_insert(st, msg, raw, len, &o, MSG_OUT, d->kind,
	    d->ticket, msgrowp, cause);
	message_free(msg);
	return (rc);
}

enum outbox_post_result
outbox_post(struct outbox *ob, struct store *st, const struct outbox_draft *d,
    int64_t *msgrowp, int64_t *idp, char **cause)
{
	const struct config	*c = ob->conf;
	struct compose_mail	 cm;
	struct outbox_entry	 e;
	struct buf		 rcpts;
	const char		*extra[2];
	char			*token, *subject, *msgid, *loop, *tno, *raw;
	char			*key;
	size_t			 len, i;
	enum outbox_post_result	 rc;

	token = thread_token(c->token_prefix, d->ticket);
	if (strstr(d->subject, token) != NULL)
		subject = xstrdup(d->subject);
	else
		subject = xprintf("%s%s%s", d->subject, *d->subject != '\0' ?
		    " " : "", token);
	msgid = compose_message_id(c->address);
	key = d->key != NULL ? xstrdup(d->key) :
	    xprintf("%s:%s", store_kind_name(d->kind), msgid);
	loop = xprintf("X-Loop: %s", c->address);
	tno = xprintf("X-Helpq-Ticket: %lld", (long long)d->ticket);
	extra[0] = loop;
	extra[1] = tno;
	memset(&cm, 0, sizeof cm);
	cm.from.name = c->name;
	cm.from.addr = c->address;
	cm.to = d->to;
	cm.n_to = d->n_to;
	cm.subject = subject;
	cm.date = d->now;
	cm.tz = c->tz;
	cm.message_id = msgid;
	cm.in_reply_to = d->in_reply_to;
	cm.references = d->refs;
	cm.nreferences = d->nrefs;
	cm.auto_submitted = d->auto_submitted;
	cm.language = d->language;
	cm.extra = extra;
	cm.nextra = nitems(extra);
	cm.body = d->body;

	buf_init(&rcpts);
	if ((raw = compose_mail(&cm, &len, cause)) == NULL) {
		rc = OUTBOX_CANNOT_COMPOSE;
		goto out;
	}
	for (i = 0; i < d->n_to; i++)
		buf_addf(&rcpts, "%s%s", i > 0 ? ", " : "", d->to[i].addr);
	memset(&e, 0, sizeof e);
	e.key = key;
	e.ticket = d->ticket;
	e.message_id = msgid;
	e.kind = store_kind_name(d->kind);
	e.sender = d->sender;
	e.recipients = buf_cstr(&rcpts);
	e.raw = raw;
	e.rawlen = len;
	e.created = d->now;
	e.copy = d->copy;
	switch (store_outbox_add(st, &e, idp, cause)) {
	case 0:
		rc = outbox_keep(st, d, raw, len, msgrowp, cause) == 0 ?
		    OUTBOX_POSTED : OUTBOX_POST_ERROR;
		break;
	case 1:
		rc = OUTBOX_DUPLICATE;
		break;
	default:
		rc = OUTBOX_POST_ERROR;
		break;
	}
out:
	buf_free(&rcpts);
	free(raw);
	free(tno);
	free(loop);
	free(msgid);
	free(key);
	free(subject);
	free(token);
	return (rc);
}

/* ---- the mail in the queue ---- */

struct outbox_ids {
	int64_t		*v;
	size_t		 n;
};

static int
outbox_ids_cb(const struct outbox_entry *e, void *arg)
{
	struct outbox_ids	*ids = arg;

	ids->v = xreallocarray(ids->v, ids->n + 1, sizeof *ids->v);
	ids->v[ids->n++] = e->id;
	return (0);
}

int
outbox_due(struct store *st, time_t now, int64_t **idsp, size_t *np,
    char **cause)
{
	struct outbox_ids	ids;

	memset(&ids, 0, sizeof ids);
	if (store_outbox_due(st, now, outbox_ids_cb, &ids, cause) != 0) {
		free(ids.v);
		return (-1);
	}
	*idsp = ids.v;
	*np = ids.n;
	return (0);
}

int
outbox_uncopied(struct store *st, int64_t **idsp, size_t *np, char **cause)
{
	struct outbox_ids	ids;

	memset(&ids, 0, sizeof ids);
	if (store_outbox_copies(st, outbox_ids_cb, &ids, cause) != 0) {
		free(ids.v);
		return (-1);
	}
	*idsp = ids.v;
	*np = ids.n;
	return (0);
}

static int
outbox_job_cb(const struct outbox_entry *e, void *arg)
{
	struct outbox_job	*j = arg;

	j->id = e->id;
	j->ticket = e->ticket;
	j->kind = xstrdup(e->kind);
	j->sender = xstrdup(e->sender);
	j->recipients = xstrdup(e->recipients);
	j->message_id = e->message_id != NULL ? xstrdup(e->message_id) :
	    NULL;
	j->raw = xmalloc(e->rawlen + 1);
	memcpy(j->raw, e->raw, e->rawlen);
	j->raw[e->rawlen] = '\0';
	j->rawlen = e->rawlen;
	j->attempts = e->attempts;
	j->created = e->created;
	j->status = e->status;
	return (1);
}

int
outbox_job_get(struct store *st, int64_t id, struct outbox_job *j,
    char **cause)
{
	memset(j, 0, sizeof *j);
	return (store_outbox_get(st, id, outbox_job_cb, j, cause));
}

void
outbox_job_clear(struct outbox_job *j)
{
	free(j->kind);
	free(j->sender);
	free(j->recipients);
	free(j->message_id);
	free(j->raw);
	memset(j, 0, sizeof *j);
}

/* ---- what became of a send ---- */

int
outbox_record(struct store *st, const struct outbox_job *j,
    enum outbox_status status, time_t next, time_t now, const char *error,
    const char *reply, char **cause)
{
	char	*detail;
	int	 rc;

	if (store_begin(st, cause) != 0)
		return (-1);
	rc = store_outbox_result(st, j->id, status, next,
	    status == OUTBOX_SENT ? now : 0, error, reply, cause);
	if (rc == 0 && j->ticket != 0 && status != OUTBOX_QUEUED) {
		detail = xprintf("%s to %s: %s", j->kind, j->recipients,
		    status == OUTBOX_SENT ? reply : error);
		rc = store_event_add(st, j->ticket, 0, now, status ==
		    OUTBOX_SENT ? "sent" : "send-failed", detail, cause);
		free(detail);
	}
	/* An answer counts when the server took it, not when it was
	 * queued. */
	if (rc == 0 && j->ticket != 0 && status == OUTBOX_SENT &&
	    strcmp(j->kind, "agent") == 0)
		rc = clocks_answered(st, j->ticket, now, j->created, 0, cause);
	if (rc != 0 || store_commit(st, cause) != 0) {
		store_rollback(st);
		return (-1);
	}
	return (0);
}

/* The wait before attempt number attempts + 1 after a temporary failure. */
static time_t
outbox_backoff(int attempts)
{
	time_t	delay = OUTBOX_RETRY_FIRST;
	int	i;

	for (i = 0; i < attempts && delay < OUTBOX_RETRY_MAX; i++)
		delay *= 2;
	if (delay > OUTBOX_RETRY_MAX)
		delay = OUTBOX_RETRY_MAX;
	return (delay);
}

int
outbox_defer(struct outbox *ob, struct store *st, const struct outbox_job *j,
    time_t now, const char *reply, enum outbox_status *statusp, char **cause)
{
	time_t	 delay;
	char	*why;
	int	 rc;

	if (now - j->created >= ob->conf->smtp.give_up) {
		why = xprintf("gave up after %lld hours: %s",
		    (long long)(now - j->created) / 3600, reply);
		log_error("outbox %lld: %s", (long long)j->id, why);
		*statusp = OUTBOX_FAILED;
		rc = outbox_record(st, j, OUTBOX_FAILED, 0, now, why, NULL,
		    cause);
		free(why);
		return (rc);
	}
	delay = outbox_backoff(j->attempts);
	log_warnx("outbox %lld: %s; trying again in %lld s", (long long)j->id,
	    reply, (long long)delay);
	*statusp = OUTBOX_QUEUED;
	return (outbox_record(st, j, OUTBOX_QUEUED, now + delay, now, reply,
	    NULL, cause));
}
