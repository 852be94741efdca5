/*
 * helpq - notify.c: what helpq writes by itself or for an agent, from the
 * decision to the queued mail: acknowledgements (whether, within which
 * limits, in which template and language), escalations to managers and
 * agents' replies. Each is queued in the transaction that decided it and
 * sent only after the commit (deliver.c); see notify.h.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "clocks.h"
#include "compose.h"
#include "config.h"
#include "log.h"
#include "message.h"
#include "notify.h"
#include "outbox.h"
#include "outbox_private.h"
#include "policy.h"
#include "rules.h"
#include "store.h"
#include "template.h"
#include "thread.h"
#include "xmalloc.h"

/*
 * What became of a post, in words for the event log ("queued" or why
 * not); a mail that cannot be made is not an error of the store.
 * Returns 1 if it was queued, 0 if not, -1 on a store error.
 */
static int
notify_posted(enum outbox_post_result r, int64_t id, const char *noun,
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

/* ---- acknowledgements ---- */

/* The limits of [ack], for policy to decide over. */
static void
notify_limits(const struct outbox *ob, struct policy_limits *l)
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
notify_breaker(struct outbox *ob, struct store *st, time_t now, char **why,
    char **cause)
{
	struct policy_limits	l;
	time_t			since;
	int64_t			n;

	notify_limits(ob, &l);
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
notify_ack_refusal(struct outbox *ob, const struct notify_ack *a,
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
notify_ack_limits(struct outbox *ob, struct store *st,
    const struct notify_ack *a, const char *to, char **why, char **cause)
{
	struct policy_limits	 l;
	time_t			 since;
	int64_t			 n, other;

	*why = NULL;
	notify_limits(ob, &l);
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
	return (notify_breaker(ob, st, a->now, why, cause) == -1 ? -1 : 0);
}

/* The ticket's values for a template. Borrows from ob, t and the caller. */
static void
notify_vars(const struct outbox *ob, struct template_vars *tv,
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
notify_render(struct outbox *ob, const char *name, const char *lang,
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
notify_ack_queue(struct outbox *ob, struct store *st,
    const struct notify_ack *a, const struct msg_addr *to, char **what,
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
	notify_vars(ob, &tv, &t, token, a->due, NULL, ob->conf->address);
	if (notify_render(ob, a->v != NULL && a->v->ack_template != NULL ?
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
	r = notify_posted(pr, id, "ack", done, what, cause);
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
notify_ack(struct outbox *ob, struct store *st, const struct notify_ack *a,
    char **whatp, char **cause)
{
	const struct msg_addr	*to;
	char			*why, *what = NULL;
	int			 r;

	if (!outbox_enabled(ob))
		return (0);
	if ((why = notify_ack_refusal(ob, a, &to)) == NULL &&
	    notify_ack_limits(ob, st, a, to->addr, &why, cause) != 0)
		return (-1);
	if (why != NULL) {
		what = xprintf("no ack: %s", why);
		free(why);
		r = 0;
	} else if ((r = notify_ack_queue(ob, st, a, to, &what, cause)) == -1)
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

/* Add addr to out[0..*k) unless it is there. */
static void
notify_add(const char ***out, size_t *k, const char *addr)
{
	size_t	i;

	for (i = 0; i < *k; i++) {
		if (strcasecmp((*out)[i], addr) == 0)
			return;
	}
	*out = xreallocarray(*out, *k + 1, sizeof **out);
	(*out)[(*k)++] = addr;
}

/* The agents' own addresses ([agents] also holds "@domain"). */
static void
notify_agents(const struct config *c, const char ***out, size_t *k)
{
	size_t	i;

	for (i = 0; i < c->nagents; i++) {
		if (*c->agents[i] != '@')
			notify_add(out, k, c->agents[i]);
	}
}

size_t
notify_audience(const struct config *c, const char *const *to, size_t n,
    const char *queue_address, const char ***outp)
{
	const char	**out = NULL;
	size_t		  i, j, k = 0;

	for (i = 0; i < n; i++) {
		if (strcmp(to[i], "managers") == 0) {
			for (j = 0; j < c->nmanagers; j++)
				notify_add(&out, &k, c->managers[j]);
		} else if (strcmp(to[i], "agents") == 0)
			notify_agents(c, &out, &k);
		else if (strcmp(to[i], "queue") == 0) {
			if (queue_address != NULL)
				notify_add(&out, &k, queue_address);
			else
				notify_agents(c, &out, &k);
		} else if (compose_addr_ok(to[i]))
			notify_add(&out, &k, to[i]);
	}
	*outp = out;
	return (k);
}

/* The mail of m to addrs[0..k), rendered and queued. */
static int
notify_team_queue(struct outbox *ob, struct store *st,
    const struct notify_team *m, const char **addrs, size_t k,
    const struct ticket *t, char **whatp, char **cause)
{
	const struct config	*c = ob->conf;
	struct outbox_draft	 d;
	struct compose_addr	*rcpts;
	struct template_vars	 tv;
	const char		*used;
	char			*token = NULL, *subject = NULL, *body = NULL;
	char			*why = NULL;
	int64_t			 msgrow, id = 0;
	size_t			 i;
	int			 r;

	if (t != NULL) {
		token = thread_token(c->token_prefix, t->id);
		notify_vars(ob, &tv, t, token, m->due != 0 ? m->due : t->due,
		    m->text, c->address);
	} else {
		memset(&tv, 0, sizeof tv);
		tv.tz = c->tz;
		tv.text = m->text;
		tv.support = c->address;
	}
	if (templates_render(ob->tpl, m->template_name, c->default_language,
	    NULL, &tv, &subject, &body, &used, &why) != 0) {
		*whatp = xprintf("no mail: %s", why);
		free(why);
		free(token);
		return (0);
	}
	rcpts = xreallocarray(NULL, k, sizeof *rcpts);
	for (i = 0; i < k; i++) {
		rcpts[i].name = NULL;
		rcpts[i].addr = addrs[i];
	}
	memset(&d, 0, sizeof d);
	d.key = m->key;
	d.ticket = t != NULL ? t->id : 0;
	d.kind = MSG_KIND_ESCALATION;
	d.sender = c->smtp.auto_from;
	d.to = rcpts;
	d.n_to = k;
	d.subject = subject;
	d.body = body;
	d.language = used;
	d.auto_submitted = "auto-generated";
	d.now = m->now;
	r = notify_posted(outbox_post(ob, st, &d, &msgrow, &id, cause), id,
	    "mail", "mail queued", whatp, cause);
	free(rcpts);
	free(subject);
	free(body);
	free(token);
	return (r);
}

int
notify_team(struct outbox *ob, struct store *st, const struct notify_team *m,
    char **whatp, char **cause)
{
	const struct config	*c = ob->conf;
	struct ticket		 t;
	const char		**addrs;
	char			*why = NULL;
	size_t			 k;
	int			 r;

	*whatp = NULL;
	if (!outbox_enabled(ob))
		return (0);
	if ((k = notify_audience(c, m->to, m->nto, m->queue_address,
	    &addrs)) == 0) {
		*whatp = xstrdup("no mail: nobody to tell");
		return (0);
	}
	if (m->breaker && (r = notify_breaker(ob, st, m->now, &why,
	    cause)) != 0) {
		free(addrs);
		if (r == 1)
			*whatp = xprintf("no mail: %s", why);
		free(why);
		return (r == 1 ? 0 : -1);
	}
	if (m->ticket == 0)
		r = notify_team_queue(ob, st, m, addrs, k, NULL, whatp, cause);
	else if (store_ticket_get(st, m->ticket, &t, cause) != 0)
		r = -1;
	else {
		r = notify_team_queue(ob, st, m, addrs, k, &t, whatp, cause);
		store_ticket_clear(&t);
	}
	free(addrs);
	return (r);
}

/* ---- an agent's reply ---- */

/* The last message from outside, which the reply answers. */
struct notify_parent {
	int64_t	 id;
	char	*message_id;
	char	*references;
};

static int
notify_parent_cb(const struct stored_message *m, void *arg)
{
	struct notify_parent	*p = arg;

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
notify_reply_to(struct outbox *ob, struct store *st,
    const struct notify_parent *p, const struct ticket *t, char **namep)
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
notify_refs(char *s, const char *id, const char ***refsp)
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

/* A mail into the ticket's conversation, to the customer: its token,
 * the message it answers and its References. */
struct notify_thread {
	struct notify_parent	 parent;
	struct compose_addr	 rcpt;
	char			*token;
	char			*to;
	char			*name;
	const char		**refs;
	size_t			 nrefs;
};

static int
notify_thread_open(struct outbox *ob, struct store *st,
    const struct ticket *t, struct notify_thread *th, char **cause)
{
	memset(th, 0, sizeof *th);
	th->token = thread_token(ob->conf->token_prefix, t->id);
	if (store_ticket_messages(st, t->id, notify_parent_cb, &th->parent,
	    cause) != 0)
		return (-1);
	th->to = notify_reply_to(ob, st, &th->parent, t, &th->name);
	th->rcpt.name = th->name;
	th->rcpt.addr = th->to;
	th->nrefs = notify_refs(th->parent.references, th->parent.message_id,
	    &th->refs);
	return (0);
}

/* The draft goes to the customer, threaded. */
static void
notify_thread_draft(struct notify_thread *th, struct outbox_draft *d)
{
	d->to = &th->rcpt;
	d->n_to = 1;
	d->in_reply_to = th->parent.message_id;
	d->refs = th->refs;
	d->nrefs = th->nrefs;
}

static void
notify_thread_clear(struct notify_thread *th)
{
	free(th->to);
	free(th->name);
	free(th->parent.message_id);
	free(th->parent.references);
	free(th->refs);
	free(th->token);
}

/* The reply's subject and body: the template's, or the agent's text. */
static int
notify_reply_text(struct outbox *ob, const struct ticket *t,
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
	notify_vars(ob, &tv, t, token, t->due, text, ob->conf->address);
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
notify_reply_store(struct outbox *ob, struct store *st,
    const struct ticket *t, const char *text, const char *tname,
    const char *agent, int then, time_t now, int64_t *idp, char **cause)
{
	const struct config	*c = ob->conf;
	struct notify_thread	 th;
	struct outbox_draft	 d;
	const char		*used = NULL;
	char			*subject = NULL, *body = NULL, *detail;
	int64_t			 msgrow = 0;
	enum outbox_post_result	 pr;
	int			 r, rc = -1;

	if (notify_thread_open(ob, st, t, &th, cause) != 0 ||
	    notify_reply_text(ob, t, th.token, text, tname, &subject, &body,
	    &used, cause) != 0)
		goto out;
	/* No key of its own: "helpq reply" twice is two answers. */
	memset(&d, 0, sizeof d);
	d.ticket = t->id;
	d.kind = MSG_KIND_AGENT;
	d.sender = c->smtp.from != NULL ? c->smtp.from : c->address;
	notify_thread_draft(&th, &d);
	d.subject = subject;
	d.body = body;
	d.language = used;
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
	/* The clock stops when the server accepts the answer
	 * (outbox_record), not now. */
	if (r != 0 || (then != TICKET_OPEN && clocks_move(st, c, t->id, then,
	    now, agent, msgrow, cause) != 0))
		goto out;
	rc = 0;
out:
	notify_thread_clear(&th);
	free(subject);
	free(body);
	return (rc);
}

int
notify_reply(struct outbox *ob, struct store *st, int64_t ticket,
    const char *text, const char *tname, const char *agent, int then,
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
		r = notify_reply_store(ob, st, &t, text, tname, agent, then,
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

/* ---- satisfaction surveys ---- */

/* Why ticket t gets no survey, or NULL. */
static const char *
notify_survey_refusal(const struct config *c, const struct ticket *t,
    time_t last, time_t now)
{
	size_t	i;

	if (t->customer == NULL || *t->customer == '\0' ||
	    !compose_addr_ok(t->customer))
		return ("nobody to ask");
	if (config_is_agent(c, t->customer) || (c->address != NULL &&
	    strcasecmp(t->customer, c->address) == 0))
		return ("the customer is one of us");
	for (i = 0; i < t->ntags; i++) {
		if (strcmp(t->tags[i], "spam") == 0 ||
		    strcmp(t->tags[i], "automated") == 0)
			return ("the ticket is tagged spam or automated");
	}
	if (t->first_response == 0)
		return ("nobody answered it");
	if (last != 0 && now - last < c->survey.window)
		return ("the customer had a survey within [survey] window");
	return (NULL);
}

/* The survey to t's customer, queued; 1, 0 (*why), -1. */
static int
notify_survey_queue(struct outbox *ob, struct store *st,
    const struct ticket *t, time_t now, int64_t *idp, char **why,
    char **cause)
{
	const struct config	*c = ob->conf;
	struct notify_thread	 th;
	struct template_vars	 tv;
	struct outbox_draft	 d;
	const char		*used;
	char			*subject = NULL, *body = NULL;
	int64_t			 msgrow;
	int			 r = -1;

	if (notify_thread_open(ob, st, t, &th, cause) != 0)
		goto out;
	notify_vars(ob, &tv, t, th.token, 0, NULL, c->address);
	if (templates_render(ob->tpl, c->survey.scale == 10 ? "survey-nps" :
	    "survey", t->language, c->default_language, &tv, &subject, &body,
	    &used, why) != 0) {
		r = 0;
		goto out;
	}
	memset(&d, 0, sizeof d);
	d.ticket = t->id;
	d.kind = MSG_KIND_SURVEY;
	d.sender = c->smtp.auto_from;
	notify_thread_draft(&th, &d);
	d.subject = subject;
	d.body = body;
	d.language = used;
	d.auto_submitted = "auto-generated";
	d.now = now;
	switch (outbox_post(ob, st, &d, &msgrow, idp, cause)) {
	case OUTBOX_POSTED:
		r = 1;
		break;
	case OUTBOX_CANNOT_COMPOSE:
		*why = *cause;
		*cause = NULL;
		r = 0;
		break;
	default:
		break;
	}
out:
	notify_thread_clear(&th);
	free(subject);
	free(body);
	return (r);
}

int
notify_survey(struct outbox *ob, struct store *st, int64_t ticket,
    time_t now, char **whatp, char **cause)
{
	const struct config	*c = ob->conf;
	struct ticket		 t;
	const char		*refusal;
	char			*why = NULL;
	time_t			 last;
	int64_t			 id = 0;
	int			 r;

	*whatp = NULL;
	if ((r = store_ticket_get(st, ticket, &t, cause)) != 0)
		return (r == 1 ? 0 : -1);
	if (store_survey_last(st, ticket, &last, cause) != 0) {
		store_ticket_clear(&t);
		return (-1);
	}
	if ((refusal = notify_survey_refusal(c, &t, last, now)) != NULL)
		why = xstrdup(refusal);
	else if ((r = notify_survey_queue(ob, st, &t, now, &id, &why,
	    cause)) == -1) {
		store_ticket_clear(&t);
		return (-1);
	}
	store_ticket_clear(&t);
	if (store_survey_add(st, ticket, now, c->survey.scale, id, why,
	    cause) != 0) {
		free(why);
		return (-1);
	}
	*whatp = id != 0 ? xprintf("survey sent (outbox %lld)", (long long)id) :
	    xprintf("no survey: %s", why);
	free(why);
	if (store_event_add(st, ticket, 0, now, id != 0 ? "survey" :
	    "no-survey", *whatp, cause) != 0)
		return (-1);
	return (id != 0);
}

