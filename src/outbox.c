/*
 * helpq - outbox.c: acknowledgements, escalations and agents' replies,
 * from the decision to the server's answer. Every mail is committed to
 * the outbox (with a unique key) in the transaction that decided it and
 * sent only after the commit; see outbox.h.
 */
#include "compat.h"


#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "compose.h"
#include "config.h"
#include "lockfile.h"
#include "log.h"
#include "message.h"
#include "outbox.h"
#include "policy.h"
#include "rules.h"
#include "smtp.h"
#include "store.h"
#include "template.h"
#include "thread.h"
#include "xmalloc.h"

/* Backoff after a temporary failure: a minute, doubling, at most an hour. */
#define OUTBOX_RETRY_FIRST	60
#define OUTBOX_RETRY_MAX	3600

struct outbox {
	const struct config	*conf;
	struct templates	*tpl;		/* NULL: nothing is sent */
	char			*lockpath;	/* held while sending */
	int			 breaker_said;	/* the cap was logged */
};

/*
 * A test can stop helpq dead at a chosen point (HELPQ_CRASH_AT=queued:
 * queued mail committed, nothing sent yet; =sent: the server took a
 * mail that is not yet recorded as sent), to show what a crash there
 * costs. Nobody else sets it.
 */
static void
outbox_crash_point(const char *where)
{
	const char	*at = getenv("HELPQ_CRASH_AT");

	if (at != NULL && strcmp(at, where) == 0)
		raise(SIGKILL);
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
	dir = conf->templates != NULL ? conf->templates :
	    PKGDATADIR "/templates";
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

/* A mail to queue: what acks, escalations and replies differ in. */
struct outbox_draft {
	const char		 *key;		/* unique in the outbox; NULL:
						   "kind:Message-ID" */
	int64_t			  ticket;
	enum msg_kind		  kind;
	const char		 *sender;	/* envelope; "" is <> */
	const struct compose_addr *to;
	size_t			  n_to;
	const char		 *subject;	/* the token is added if missing */
	const char		 *body;
	const char		 *language;
	const char		 *in_reply_to;
	const char *const	 *refs;
	size_t			  nrefs;
	const char		 *auto_submitted;
	enum outbox_copy	  copy;
	time_t			  now;
};

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

/* What became of a mail to queue. */
enum outbox_post_result {
	OUTBOX_POST_ERROR,		/* a store error: *cause */
	OUTBOX_POSTED,			/* queued, its message stored */
	OUTBOX_DUPLICATE,		/* its key was queued before: *idp
					   is that one */
	OUTBOX_CANNOT_COMPOSE		/* the mail cannot be made (an
					   address that cannot go into a
					   header): *cause, the store is
					   untouched */
};

/*
 * Put the mail together (From the desk, the ticket's token in the
 * subject, a new Message-ID, X-Loop naming us so our own mail coming
 * back is never answered) and queue it with its message in the ticket.
 */
static enum outbox_post_result
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

/*
 * What became of a post, in words for the event log ("queued" or why
 * not); a mail that cannot be made is not an error of the store.
 * Returns 1 if it was queued, 0 if not, -1 on a store error.
 */
static int
outbox_posted(enum outbox_post_result r, int64_t id, const char *noun,
    const char *done, char **what, char **cause)
{
	switch (r) {
	case OUTBOX_POSTED:
		*what = xprintf("%s (outbox %lld)", done, (long long)id);
		return (1);
	case OUTBOX_DUPLICATE:
		*what = xprintf("no %s: one was queued before (outbox %lld)",
		    noun, (long long)id);
		return (0);
	case OUTBOX_CANNOT_COMPOSE:
		*what = xprintf("no %s: %s", noun, *cause);
		free(*cause);
		*cause = NULL;
		return (0);
	case OUTBOX_POST_ERROR:
		break;
	}
	return (-1);
}

/* The limits of [ack], for policy to decide over. */
static void
outbox_limits(const struct outbox *ob, struct policy_limits *l)
{
	l->sender_window = ob->conf->ack.sender_window;
	l->max_per_hour = ob->conf->ack.max_per_hour;
}

/*
 * The hourly cap on automatic mail: past it, helpq stops answering by
 * itself and says so loudly, once per run. Returns 1 if the cap is
 * reached (*why set), 0 if not, -1 on error.
 */
static int
outbox_breaker(struct outbox *ob, struct store *st, time_t now, char **why,
    char **cause)
{
	struct policy_limits	l;
	time_t			since;
	int64_t			n;

	outbox_limits(ob, &l);
	if (!policy_limit_window(&l, POLICY_LIMIT_HOURLY, now, &since))
		return (0);
	if (store_outbox_recent(st, NULL, NULL, since, &n, NULL, cause) != 0)
		return (-1);
	if (policy_limit_holds(&l, POLICY_LIMIT_HOURLY, n) ==
	    POLICY_LIMIT_NONE)
		return (0);
	*why = xprintf("the circuit breaker is open: %lld automatic mails "
	    "in the last hour, [ack] max-per-hour is %u", (long long)n,
	    l.max_per_hour);
	if (!ob->breaker_said) {
		log_error("automatic mail stopped: %s", *why);
		ob->breaker_said = 1;
	}
	return (1);
}

/* Why this new ticket gets no ack, before looking at the store. */
static char *
outbox_ack_refusal(struct outbox *ob, const struct outbox_ack *a,
    const struct msg_addr **to)
{
	const struct config		*c = ob->conf;
	const struct message		*msg = a->msg;
	const struct rules_verdict	*v = a->v;
	char				*why;

	*to = NULL;
	if (!c->ack.enabled)
		return (xstrdup("acknowledgements are off ([ack] enabled)"));
	if (a->history)
		return (xstrdup("the mail was there before helpq first "
		    "looked"));
	if (a->now - a->when > c->ack.max_age)
		return (xprintf("the mail is %lld hours old ([ack] max-age)",
		    (long long)(a->now - a->when) / 3600));
	if (v != NULL && v->noack)
		return (xstrdup("a rule said noack"));
	if (v != NULL && v->close)
		return (xstrdup("a rule closed the ticket"));
	if ((why = policy_ack_refusal(msg, c->address)) != NULL)
		return (why);
	if ((*to = policy_ack_recipient(msg)) == NULL)
		return (xstrdup("the mail has no From to answer"));
	if (config_is_agent(c, (*to)->addr))
		return (xprintf("the answer would go to us (%s)",
		    (*to)->addr));
	if (!compose_addr_ok((*to)->addr))
		return (xstrdup("the sender's address cannot be written "
		    "into a mail"));
	return (NULL);
}

/*
 * Why not now, from what the outbox already holds: the sender window,
 * then the cap. *why NULL if nothing holds the ack back; 0, or -1.
 */
static int
outbox_ack_limits(struct outbox *ob, struct store *st,
    const struct outbox_ack *a, const char *to, char **why, char **cause)
{
	struct policy_limits	 l;
	time_t			 since;
	int64_t			 n, other;

	*why = NULL;
	outbox_limits(ob, &l);
	if (policy_limit_window(&l, POLICY_LIMIT_SENDER, a->now, &since)) {
		if (store_outbox_recent(st, "ack", to, since, &n, &other,
		    cause) != 0)
			return (-1);
		if (policy_limit_holds(&l, POLICY_LIMIT_SENDER, n) !=
		    POLICY_LIMIT_NONE) {
			*why = xprintf("%s had an acknowledgement within "
			    "[ack] sender-window (ticket %lld)", to,
			    (long long)other);
			return (0);
		}
	}
	return (outbox_breaker(ob, st, a->now, why, cause) == -1 ? -1 : 0);
}

/* The ticket's values for a template. Borrows from ob, t and the caller. */
static void
outbox_vars(const struct outbox *ob, struct template_vars *tv,
    const struct ticket *t, const char *token, time_t due, const char *text,
    const char *support)
{
	memset(tv, 0, sizeof *tv);
	tv->tz = ob->conf->tz;
	tv->ticket = t->id;
	tv->token = token;
	tv->name = t->customer_name != NULL && *t->customer_name != '\0' ?
	    t->customer_name : t->customer;
	tv->address = t->customer;
	tv->subject = t->subject;
	tv->queue = t->queue;
	tv->due = due;
	tv->text = text;
	tv->support = support;
}

/*
 * Render template name (else "ack" when name is a rule's choice nobody
 * wrote) in lang, else the default language: 0, or -1 with *why.
 */
static int
outbox_render(struct outbox *ob, const char *name, const char *lang,
    const struct template_vars *tv, char **subject, char **body,
    const char **used, char **why)
{
	const char	*fallback = ob->conf->default_language;

	if (templates_render(ob->tpl, name, lang, fallback, tv, subject, body,
	    used, why) == 0)
		return (0);
	if (strcmp(name, "ack") == 0)
		return (-1);
	log_warnx("%s; using \"ack\"", *why);
	free(*why);
	*why = NULL;
	return (templates_render(ob->tpl, "ack", lang, fallback, tv, subject,
	    body, used, why));
}

/* Queue the ack of a->ticket to *to. 1 queued, 0 not (*what says), -1. */
static int
outbox_ack_queue(struct outbox *ob, struct store *st,
    const struct outbox_ack *a, const struct msg_addr *to, char **what,
    char **cause)
{
	const struct message	*msg = a->msg;
	struct outbox_draft	 d;
	struct compose_addr	 rcpt;
	struct template_vars	 tv;
	struct ticket		 t;
	const char		*used, **refs;
	char			*token, *subject = NULL, *body = NULL, *why = NULL;
	char			*key, *due, *done;
	int64_t			 msgrow, id = 0;
	size_t			 i;
	enum outbox_post_result	 pr;
	int			 r;

	if (store_ticket_get(st, a->ticket, &t, cause) != 0)
		return (-1);
	token = thread_token(ob->conf->token_prefix, a->ticket);
	outbox_vars(ob, &tv, &t, token, a->due, NULL, ob->conf->address);
	if (outbox_render(ob, a->v != NULL && a->v->ack_template != NULL ?
	    a->v->ack_template : "ack", a->language, &tv, &subject, &body,
	    &used, &why) != 0) {
		*what = xprintf("no ack: %s", why);
		free(why);
		free(token);
		store_ticket_clear(&t);
		return (0);
	}
	/* References: the customer's, then the customer's message. */
	refs = xreallocarray(NULL, msg->nreferences + 1, sizeof *refs);
	for (i = 0; i < msg->nreferences; i++)
		refs[i] = msg->references[i];
	if (msg->message_id != NULL)
		refs[i++] = msg->message_id;
	rcpt.name = to->name;
	rcpt.addr = to->addr;
	key = xprintf("ack:%lld", (long long)a->ticket);
	memset(&d, 0, sizeof d);
	d.key = key;
	d.ticket = a->ticket;
	d.kind = MSG_KIND_ACK;
	d.sender = ob->conf->smtp.auto_from;
	d.to = &rcpt;
	d.n_to = 1;
	d.subject = subject;
	d.body = body;
	d.language = used;
	d.in_reply_to = msg->message_id;
	d.refs = refs;
	d.nrefs = i;
	d.auto_submitted = "auto-replied";
	d.now = a->now;
	pr = outbox_post(ob, st, &d, &msgrow, &id, cause);
	due = templates_time(ob->tpl, used, ob->conf->tz, a->due);
	done = xprintf("ack to %s in %s, answer due %s", to->addr, used, due);
	r = outbox_posted(pr, id, "ack", done, what, cause);
	free(done);
	free(due);
	free(key);
	free(refs);
	free(subject);
	free(body);
	free(token);
	store_ticket_clear(&t);
	return (r);
}

int
outbox_ack(struct outbox *ob, struct store *st, const struct outbox_ack *a,
    char **whatp, char **cause)
{
	const struct msg_addr	*to;
	char			*why, *what = NULL;
	int			 r;

	if (!outbox_enabled(ob))
		return (0);
	if ((why = outbox_ack_refusal(ob, a, &to)) == NULL &&
	    outbox_ack_limits(ob, st, a, to->addr, &why, cause) != 0)
		return (-1);
	if (why != NULL) {
		what = xprintf("no ack: %s", why);
		free(why);
		r = 0;
	} else if ((r = outbox_ack_queue(ob, st, a, to, &what, cause)) == -1)
		return (-1);
	/* "acked" or "no-ack", with the reason, so "helpq show" says. */
	if (store_event_add(st, a->ticket, a->msgrow, a->now, r == 1 ?
	    "acked" : "no-ack", r == 1 ? what : what + strlen("no ack: "),
	    cause) != 0) {
		free(what);
		return (-1);
	}
	if (whatp != NULL)
		*whatp = what;
	else
		free(what);
	return (r);
}

/* The addresses an escalation goes to: "managers" expands. */
static size_t
outbox_managers(const struct config *c, const char *const *to, size_t n,
    const char ***outp)
{
	const char	**out = NULL;
	size_t		  i, j, k = 0;

	for (i = 0; i < n; i++) {
		if (strcmp(to[i], "managers") == 0) {
			for (j = 0; j < c->nmanagers; j++) {
				out = xreallocarray(out, k + 1, sizeof *out);
				out[k++] = c->managers[j];
			}
		} else if (compose_addr_ok(to[i])) {
			out = xreallocarray(out, k + 1, sizeof *out);
			out[k++] = to[i];
		}
	}
	*outp = out;
	return (k);
}

int
outbox_escalate(struct outbox *ob, struct store *st, int64_t ticket,
    const char *key, const char *const *to, size_t n, const char *reason,
    time_t now, char **whatp, char **cause)
{
	const struct config	*c = ob->conf;
	struct outbox_draft	 d;
	struct compose_addr	*rcpts;
	struct template_vars	 tv;
	struct ticket		 t;
	const char		**addrs, *used;
	char			*token, *subject = NULL, *body = NULL;
	char			*why = NULL;
	int64_t			 msgrow, id = 0;
	size_t			 i, k;
	int			 r;

	*whatp = NULL;
	if (!outbox_enabled(ob))
		return (0);
	if ((k = outbox_managers(c, to, n, &addrs)) == 0) {
		*whatp = xstrdup("no mail: nobody to tell ([helpq] managers)");
		return (0);
	}
	if ((r = outbox_breaker(ob, st, now, &why, cause)) != 0 ||
	    store_ticket_get(st, ticket, &t, cause) != 0) {
		free(addrs);
		if (r == 1)
			*whatp = xprintf("no mail: %s", why);
		free(why);
		return (r == 1 ? 0 : -1);
	}
	token = thread_token(c->token_prefix, ticket);
	outbox_vars(ob, &tv, &t, token, t.due, reason, c->address);
	if (templates_render(ob->tpl, "escalation", c->default_language,
	    NULL, &tv, &subject, &body, &used, &why) != 0) {
		*whatp = xprintf("no mail: %s", why);
		free(why);
		r = 0;
		goto out;
	}
	rcpts = xreallocarray(NULL, k, sizeof *rcpts);
	for (i = 0; i < k; i++) {
		rcpts[i].name = NULL;
		rcpts[i].addr = addrs[i];
	}
	memset(&d, 0, sizeof d);
	d.key = key;
	d.ticket = ticket;
	d.kind = MSG_KIND_ESCALATION;
	d.sender = c->smtp.auto_from;
	d.to = rcpts;
	d.n_to = k;
	d.subject = subject;
	d.body = body;
	d.language = used;
	d.auto_submitted = "auto-generated";
	d.now = now;
	r = outbox_posted(outbox_post(ob, st, &d, &msgrow, &id, cause), id,
	    "mail", "mail queued", whatp, cause);
	free(rcpts);
out:
	free(subject);
	free(body);
	free(token);
	free(addrs);
	store_ticket_clear(&t);
	return (r);
}

/* ---- an agent's reply ---- */

/* The last message from outside, which the reply answers. */
struct outbox_parent {
	int64_t	 id;
	char	*message_id;
	char	*references;
};

static int
outbox_parent_cb(const struct stored_message *m, void *arg)
{
	struct outbox_parent	*p = arg;

	if (m->direction != MSG_IN || m->message_id == NULL)
		return (0);
	free(p->message_id);
	free(p->references);
	p->id = m->id;
	p->message_id = xstrdup(m->message_id);
	/* RFC 5322 3.6.4: its References, else its one In-Reply-To. */
	if (m->references != NULL)
		p->references = xstrdup(m->references);
	else if (m->in_reply_to != NULL)
		p->references = xstrdup(m->in_reply_to);
	else
		p->references = NULL;
	return (0);
}

/*
 * Where the answer goes: the Reply-To of the customer's last message,
 * else its From (as a mail client answers), else the ticket's customer.
 * Allocated.
 */
static char *
outbox_reply_to(struct outbox *ob, struct store *st,
    const struct outbox_parent *p, const struct ticket *t, char **namep)
{
	struct message		*msg = NULL;
	const struct msg_addr	*a = NULL;
	char			*raw = NULL, *why = NULL, *to;
	size_t			 len;

	*namep = NULL;
	if (p->id != 0 && store_message_raw(st, p->id, &raw, &len,
	    &why) == 0 && message_parse(raw, len, &msg, &why) == 0) {
		if (msg->reply_to.n > 0)
			a = &msg->reply_to.v[0];
		else if (msg->from.n > 0)
			a = &msg->from.v[0];
		if (a != NULL && (!compose_addr_ok(a->addr) ||
		    config_is_agent(ob->conf, a->addr)))
			a = NULL;
	}
	if (a != NULL) {
		to = xstrdup(a->addr);
		*namep = a->name != NULL ? xstrdup(a->name) : NULL;
	} else {
		to = xstrdup(t->customer);
		*namep = t->customer_name != NULL ?
		    xstrdup(t->customer_name) : NULL;
	}
	message_free(msg);
	free(raw);
	free(why);
	return (to);
}

/* Split "a b c" into refs (pointing into s, which is changed), then id. */
static size_t
outbox_refs(char *s, const char *id, const char ***refsp)
{
	const char	**refs = NULL;
	char		 *w, *last;
	size_t		  n = 0;

	for (w = s != NULL ? strtok_r(s, " ", &last) : NULL; w != NULL;
	    w = strtok_r(NULL, " ", &last)) {
		refs = xreallocarray(refs, n + 1, sizeof *refs);
		refs[n++] = w;
	}
	if (id != NULL) {
		refs = xreallocarray(refs, n + 1, sizeof *refs);
		refs[n++] = id;
	}
	*refsp = refs;
	return (n);
}

/* The reply's subject and body: the template's, or the agent's text. */
static int
outbox_reply_text(struct outbox *ob, const struct ticket *t,
    const char *token, const char *text, const char *tname, char **subject,
    char **body, const char **used, char **cause)
{
	struct template_vars	tv;
	char			*s;

	if (tname == NULL) {
		*subject = compose_reply_subject(t->subject, token);
		*body = xstrdup(text);
		*used = t->language;
		return (0);
	}
	outbox_vars(ob, &tv, t, token, t->due, text, ob->conf->address);
	if (templates_render(ob->tpl, tname, t->language,
	    ob->conf->default_language, &tv, &s, body, used, cause) != 0)
		return (-1);
	/* An answer is "Re:" once, whatever the template and the
	 * customer wrote. */
	*subject = compose_reply_subject(s, token);
	free(s);
	return (0);
}

/* Everything the reply writes; inside the transaction. */
static int
outbox_reply_store(struct outbox *ob, struct store *st,
    const struct ticket *t, const char *text, const char *tname,
    const char *agent, int close, time_t now, int64_t *idp, char **cause)
{
	const struct config	*c = ob->conf;
	struct outbox_parent	 parent;
	struct outbox_draft	 d;
	struct compose_addr	 rcpt;
	const char		*used = NULL, **refs = NULL;
	char			*token, *subject = NULL, *body = NULL;
	char			*detail, *to = NULL, *name = NULL;
	int64_t			 msgrow = 0;
	enum outbox_post_result	 pr;
	int			 r, rc = -1;

	memset(&parent, 0, sizeof parent);
	token = thread_token(c->token_prefix, t->id);
	if (store_ticket_messages(st, t->id, outbox_parent_cb, &parent,
	    cause) != 0 || outbox_reply_text(ob, t, token, text, tname,
	    &subject, &body, &used, cause) != 0)
		goto out;
	to = outbox_reply_to(ob, st, &parent, t, &name);
	rcpt.name = name;
	rcpt.addr = to;
	/* No key of its own: "helpq reply" twice is two answers. */
	memset(&d, 0, sizeof d);
	d.ticket = t->id;
	d.kind = MSG_KIND_AGENT;
	d.sender = c->smtp.from != NULL ? c->smtp.from : c->address;
	d.to = &rcpt;
	d.n_to = 1;
	d.subject = subject;
	d.body = body;
	d.language = used;
	d.in_reply_to = parent.message_id;
	d.nrefs = outbox_refs(parent.references, parent.message_id, &refs);
	d.refs = refs;
	d.copy = c->imap.host != NULL && c->imap.sent != NULL ?
	    OUTBOX_COPY_WANTED : OUTBOX_COPY_NONE;
	d.now = now;
	if ((pr = outbox_post(ob, st, &d, &msgrow, idp, cause)) !=
	    OUTBOX_POSTED) {
		if (pr == OUTBOX_DUPLICATE)
			*cause = xstrdup("the reply was queued before");
		goto out;
	}
	detail = xprintf("by %s (helpq reply)", agent);
	r = store_event_add(st, t->id, msgrow, now, "replied", detail,
	    cause);
	free(detail);
	if (r != 0 || store_ticket_answered(st, t->id, now, cause) != 0)
		goto out;
	if (close && (store_ticket_set_status(st, t->id, TICKET_CLOSED, now,
	    cause) != 0 || store_event_add(st, t->id, msgrow, now, "closed",
	    agent, cause) != 0))
		goto out;
	rc = 0;
out:
	free(to);
	free(name);
	free(parent.message_id);
	free(parent.references);
	free(refs);
	free(subject);
	free(body);
	free(token);
	return (rc);
}

int
outbox_reply(struct outbox *ob, struct store *st, int64_t ticket,
    const char *text, const char *tname, const char *agent, int close,
    time_t now, int64_t *idp, char **cause)
{
	struct ticket	t;
	int		r;

	if (!outbox_enabled(ob)) {
		*cause = xstrdup("no SMTP server is configured ([smtp] host)");
		return (-1);
	}
	if (store_begin(st, cause) != 0)
		return (-1);
	if ((r = store_ticket_get(st, ticket, &t, cause)) != 0) {
		if (r == 1)
			*cause = xprintf("no ticket %lld", (long long)ticket);
		store_rollback(st);
		return (-1);
	}
	if (*t.customer == '\0' || !compose_addr_ok(t.customer)) {
		*cause = xprintf("ticket %lld has nobody to answer",
		    (long long)ticket);
		r = -1;
	} else
		r = outbox_reply_store(ob, st, &t, text, tname, agent, close,
		    now, idp, cause);
	store_ticket_clear(&t);
	if (r != 0) {
		store_rollback(st);
		return (-1);
	}
	if (store_commit(st, cause) != 0) {
		store_rollback(st);
		return (-1);
	}
	return (0);
}

/* ---- sending ---- */

/* One queued mail, copied out of the store. */
struct outbox_job {
	int64_t		 id;
	int64_t		 ticket;
	char		*kind;
	char		*sender;
	char		*recipients;
	char		*raw;
	size_t		 rawlen;
	int		 attempts;
	time_t		 created;
	enum outbox_status status;
};

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

static int
outbox_job_cb(const struct outbox_entry *e, void *arg)
{
	struct outbox_job	*j = arg;

	j->id = e->id;
	j->ticket = e->ticket;
	j->kind = xstrdup(e->kind);
	j->sender = xstrdup(e->sender);
	j->recipients = xstrdup(e->recipients);
	j->raw = xmalloc(e->rawlen + 1);
	memcpy(j->raw, e->raw, e->rawlen);
	j->raw[e->rawlen] = '\0';
	j->rawlen = e->rawlen;
	j->attempts = e->attempts;
	j->created = e->created;
	j->status = e->status;
	return (1);
}

static void
outbox_job_clear(struct outbox_job *j)
{
	free(j->kind);
	free(j->sender);
	free(j->recipients);
	free(j->raw);
	memset(j, 0, sizeof *j);
}

/* The recipients, split at ", " (the outbox keeps them that way). */
static size_t
outbox_split(char *list, const char ***vp)
{
	const char	**v = NULL;
	char		 *w, *last;
	size_t		  n = 0;

	for (w = strtok_r(list, ", ", &last); w != NULL;
	    w = strtok_r(NULL, ", ", &last)) {
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = w;
	}
	*vp = v;
	return (n);
}

/* Write what became of one attempt, in a transaction of its own. */
static int
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
	if (rc != 0 || store_commit(st, cause) != 0) {
		store_rollback(st);
		return (-1);
	}
	return (0);
}

/* After a temporary failure: when to try again, or give up. */
static int
outbox_defer(struct outbox *ob, struct store *st, const struct outbox_job *j,
    time_t now, const char *reply, struct outbox_stats *stats, char **cause)
{
	time_t	 delay = OUTBOX_RETRY_FIRST;
	char	*why;
	int	 i, rc;

	if (now - j->created >= ob->conf->smtp.give_up) {
		why = xprintf("gave up after %lld hours: %s",
		    (long long)(now - j->created) / 3600, reply);
		log_error("outbox %lld: %s", (long long)j->id, why);
		rc = outbox_record(st, j, OUTBOX_FAILED, 0, now, why, NULL,
		    cause);
		free(why);
		stats->failed++;
		return (rc);
	}
	for (i = 0; i < j->attempts && delay < OUTBOX_RETRY_MAX; i++)
		delay *= 2;
	if (delay > OUTBOX_RETRY_MAX)
		delay = OUTBOX_RETRY_MAX;
	log_warnx("outbox %lld: %s; trying again in %lld s", (long long)j->id,
	    reply, (long long)delay);
	stats->deferred++;
	return (outbox_record(st, j, OUTBOX_QUEUED, now + delay, now, reply,
	    NULL, cause));
}

/*
 * Send one mail. Returns an enum outbox_flush_result: OUTBOX_FLUSH_OK,
 * OUTBOX_FLUSH_SERVER_DOWN when the server cannot be used now,
 * OUTBOX_FLUSH_CONFIG when it cannot be used as configured (the mail is
 * failed: no retry helps), OUTBOX_FLUSH_ERROR.
 */
static int
outbox_send_one(struct outbox *ob, struct store *st, struct smtp *sm,
    const struct outbox_job *j, struct outbox_stats *stats, char **cause)
{
	enum smtp_result	 r;
	const char		**rcpts;
	char			*list, *reply = NULL, *safe, *why;
	size_t			 n;
	time_t			 now;
	int			 rc;

	list = xstrdup(j->recipients);
	n = outbox_split(list, &rcpts);
	r = smtp_send(sm, j->sender, rcpts, n, j->raw, j->rawlen, &reply);
	free(rcpts);
	free(list);
	safe = log_sanitize(reply != NULL ? reply : "no reply");
	free(reply);
	now = time(NULL);
	switch (r) {
	case SMTP_OK:
		outbox_crash_point("sent");
		stats->sent++;
		log_info("outbox %lld: %s to %s: %s", (long long)j->id,
		    j->kind, j->recipients, safe);
		rc = outbox_record(st, j, OUTBOX_SENT, 0, now, NULL, safe,
		    cause);
		break;
	case SMTP_PERM:
		log_error("outbox %lld: %s to %s refused for good: %s",
		    (long long)j->id, j->kind, j->recipients, safe);
		stats->failed++;
		rc = outbox_record(st, j, OUTBOX_FAILED, 0, now, safe, NULL,
		    cause);
		break;
	case SMTP_CONFIG:
		why = xprintf("a configuration error ([smtp]): %s", safe);
		log_error("outbox %lld: %s to %s not sent: %s",
		    (long long)j->id, j->kind, j->recipients, why);
		stats->failed++;
		rc = outbox_record(st, j, OUTBOX_FAILED, 0, now, why, NULL,
		    cause);
		free(why);
		if (rc == 0)
			rc = OUTBOX_FLUSH_CONFIG;
		break;
	default:
		rc = outbox_defer(ob, st, j, now, safe, stats, cause);
		if (rc == 0 && r == SMTP_DOWN)
			rc = OUTBOX_FLUSH_SERVER_DOWN;
		break;
	}
	free(safe);
	return (rc);
}

int
outbox_copy_sent(struct outbox *ob, struct store *st, outbox_append_fn append,
    void *arg, struct outbox_stats *stats, char **cause)
{
	const char		*folder;
	struct outbox_ids	 ids;
	struct outbox_job	 j;
	char			*err = NULL;
	size_t			 i;
	int			 rc = 0;

	if (!outbox_enabled(ob) || (folder = ob->conf->imap.sent) == NULL)
		return (0);
	memset(&ids, 0, sizeof ids);
	if (store_outbox_copies(st, outbox_ids_cb, &ids, cause) != 0)
		return (-1);
	for (i = 0; i < ids.n && rc == 0; i++) {
		memset(&j, 0, sizeof j);
		if (store_outbox_get(st, ids.v[i], outbox_job_cb, &j,
		    cause) == -1) {
			rc = -1;
			break;
		}
		if (append(arg, folder, j.raw, j.rawlen, &err) != 0) {
			log_warnx("outbox %lld: no copy in %s yet: %s",
			    (long long)j.id, folder, err);
			free(err);
			outbox_job_clear(&j);
			break;
		}
		if (store_begin(st, cause) != 0 || store_outbox_copied(st,
		    j.id, cause) != 0 || store_commit(st, cause) != 0) {
			store_rollback(st);
			rc = -1;
		} else
			stats->copied++;
		outbox_job_clear(&j);
	}
	free(ids.v);
	return (rc);
}

static int	outbox_flush_locked(struct outbox *, struct store *, int,
		    struct outbox_stats *, char **);

enum outbox_flush_result
outbox_flush(struct outbox *ob, struct store *st, int force,
    struct outbox_stats *stats, char **cause)
{
	int	fd, rc;

	memset(stats, 0, sizeof *stats);
	if (!outbox_enabled(ob))
		return (0);
	/* One sender at a time: a poll, "helpq send" and "helpq reply" may
	 * run together, and only one of them may pick up a queued mail. */
	switch (lockfile_lock(ob->lockpath, 0, &fd, NULL, cause)) {
	case LOCKFILE_BUSY:
		log_info("another helpq is sending; the mail is left to it");
		return (0);
	case LOCKFILE_ERROR:
		return (-1);
	case LOCKFILE_HELD:
		break;
	}
	rc = outbox_flush_locked(ob, st, force, stats, cause);
	close(fd);
	return (rc);
}

static int
outbox_flush_locked(struct outbox *ob, struct store *st, int force,
    struct outbox_stats *stats, char **cause)
{
	struct outbox_ids	 ids;
	struct outbox_job	 j;
	struct smtp		*sm = NULL;
	size_t			 i;
	int			 rc = 0;

	memset(&ids, 0, sizeof ids);
	if (store_outbox_due(st, force ? 0 : time(NULL), outbox_ids_cb, &ids,
	    cause) != 0)
		return (-1);
	if (ids.n > 0) {
		outbox_crash_point("queued");
		if ((sm = smtp_new(&ob->conf->smtp, cause)) == NULL) {
			free(ids.v);
			return (-1);
		}
	}
	for (i = 0; i < ids.n && rc == 0; i++) {
		memset(&j, 0, sizeof j);
		if ((rc = store_outbox_get(st, ids.v[i], outbox_job_cb, &j,
		    cause)) == -1)
			break;
		if (rc == 0 && j.status == OUTBOX_QUEUED)
			rc = outbox_send_one(ob, st, sm, &j, stats, cause);
		else
			rc = 0;
		outbox_job_clear(&j);
	}
	smtp_free(sm);
	free(ids.v);
	return (rc);
}

static int
outbox_any_cb(const struct outbox_entry *e, void *arg)
{
	*(int *)arg = 1;
	return (1);
}

int
outbox_copies_pending(struct store *st, char **cause)
{
	int	any = 0;

	if (store_outbox_copies(st, outbox_any_cb, &any, cause) != 0)
		return (-1);
	return (any);
}
