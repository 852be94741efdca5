/*
 * helpq - ingest.c: one incoming message through the pipeline: parse,
 * recognise, decide a plan (thread, rules, clock, mail), apply it.
 * Everything a message changes is written inside the open batch
 * transaction, each message under its own savepoint so a failure costs
 * that message only.
 */
#include "compat.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "csat.h"
#include "fault.h"
#include "ingest.h"
#include "ingest_queue.h"
#include "lang.h"
#include "log.h"
#include "message.h"
#include "notify.h"
#include "now.h"
#include "outbox.h"
#include "policy.h"
#include "rules.h"
#include "source.h"
#include "store.h"
#include "thread.h"
#include "utf8.h"
#include "xmalloc.h"

struct ingest {
	struct store		*store;
	const struct config	*conf;
	unsigned		 batch_size;
	unsigned		 pending;	/* messages in the open batch */
	int			 in_tx;
	struct ingest_stats	 stats;		/* what was committed */
	struct ingest_stats	 open;		/* of the open batch */
	const struct rules	*rules;		/* borrowed; NULL: none */
	struct rules_ctx	*rctx;
	struct lang		*lang;		/* made when first needed */
	int			 lang_failed;	/* and said why, once */
	int			 dry;		/* never commit */
	ingest_report_fn	 report;
	void			*report_arg;
	struct outbox		*outbox;	/* borrowed; NULL: no mail */
	int			 mail;		/* and it can send */
	struct ingest_plan	 plan;		/* the last message's */
	int			 planned;	/* and it was applied */
	/* Crash detection (ingest_source): the source whose position is
	 * recorded, NULL when none is; one message a transaction, each
	 * recorded; the reason to set the next message aside, if any. */
	const char		*flight;
	int			 careful;
	const char		*forced;
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

void
ingest_set_dry_run(struct ingest *in)
{
	in->dry = 1;
}

void
ingest_set_report(struct ingest *in, ingest_report_fn fn, void *arg)
{
	in->report = fn;
	in->report_arg = arg;
}

/* The open batch is committed (or, in a dry run, would be): count it. */
static void
ingest_count_batch(struct ingest *in)
{
	int	i;

	for (i = 0; i <= INGEST_FAILED; i++)
		in->stats.count[i] += in->open.count[i];
	in->stats.bytes += in->open.bytes;
	in->stats.kept_failed += in->open.kept_failed;
	memset(&in->open, 0, sizeof in->open);
}

/* The open batch is gone: what it counted never happened. */
static void
ingest_drop_batch(struct ingest *in)
{
	if (in->in_tx) {
		store_rollback(in->store);
		in->in_tx = 0;
	}
	in->pending = 0;
	memset(&in->open, 0, sizeof in->open);
}

int
ingest_flush(struct ingest *in, char **cause)
{
	if (in->dry || !in->in_tx) {
		/* Nothing to commit; messages that wrote nothing (an empty
		 * one) count all the same. */
		ingest_count_batch(in);
		in->pending = 0;
		return (0);
	}
	if (store_commit(in->store, cause) != 0) {
		ingest_drop_batch(in);
		return (-1);
	}
	in->in_tx = 0;
	in->pending = 0;
	ingest_count_batch(in);
	return (0);
}

int
ingest_free(struct ingest *in, char **cause)
{
	int	rc;

	if (in == NULL)
		return (0);
	if (in->dry && in->in_tx) {
		store_rollback(in->store);
		in->in_tx = 0;
	}
	rc = ingest_flush(in, cause);
	rules_ctx_free(in->rctx);
	lang_free(in->lang);
	ingest_plan_clear(&in->plan);
	free(in);
	return (rc);
}

void
ingest_set_rules(struct ingest *in, const struct rules *rs)
{
	rules_ctx_free(in->rctx);
	in->rctx = rs != NULL ? rules_ctx_new(rs) : NULL;
	in->rules = rs;
}

void
ingest_set_outbox(struct ingest *in, struct outbox *ob)
{
	in->outbox = ob;
	in->mail = outbox_enabled(ob);
}

/*
 * The customer's language among the configured ones: the message's
 * Content-Language, else its text's, else, when the text says too
 * little, the language of the customer's last ticket.
 */
static const char *
ingest_language(struct ingest *in, const struct message *msg,
    const struct msg_addr *party)
{
	const char	*code;
	char		*known = NULL, *cause = NULL;

	if (in->lang == NULL && !in->lang_failed) {
		in->lang = lang_new((const char *const *)in->conf->languages,
		    in->conf->nlanguages, NULL, &cause);
		if (in->lang == NULL) {
			log_warnx("languages will not be identified: %s",
			    cause);
			free(cause);
			in->lang_failed = 1;
		}
	}
	if (in->lang == NULL)
		return (NULL);
	if ((code = lang_detect(in->lang, msg)) != NULL)
		return (code);
	if (in->store != NULL && party != NULL &&
	    store_customer_language(in->store, party->addr, &known,
	    &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
	}
	code = lang_code(in->lang, known);
	free(known);
	return (code);
}

const struct ingest_stats *
ingest_stats(const struct ingest *in)
{
	return (&in->stats);
}

/*
 * The time a message belongs to (policy_arrival): when live mail arrived,
 * or for past mail its Date within reason. Our own mail (outgoing: an
 * agent's, as found in Sent) is dated like past mail: the agent's client
 * wrote its Date when the answer was sent. Windows are measured in message
 * time so an old mailbox imported today threads the way it did when the
 * mail arrived.
 */
static time_t
ingest_when(const struct message *msg, const struct msg_origin *o,
    int outgoing)
{
	return (policy_arrival(msg, o->arrived, o->archive || o->history ||
	    outgoing, o->received));
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

void
ingest_plan_clear(struct ingest_plan *p)
{
	thread_result_clear(&p->thread);
	rules_verdict_clear(&p->v);
	free(p->received);
	free(p->threaded);
	free(p->rules);
	free(p->ack_what);
	free(p->escalated);
	free(p->queue);
	free(p->rating_comment);
	memset(p, 0, sizeof *p);
}

/* Facts the rules may ask for, given where threading puts the message. */
static int
ingest_facts_for(struct ingest *in, const struct message *msg,
    const struct msg_addr *party, int64_t ticket, struct rules_facts *f,
    char **cause)
{
	struct ticket	t;
	size_t		i;

	memset(f, 0, sizeof *f);
	f->new_ticket = ticket == 0;
	if (in->store != NULL && party != NULL &&
	    store_customer_tickets(in->store, party->addr,
	    &f->customer_tickets, cause) != 0)
		return (-1);
	if (ticket != 0) {
		/* A conversation keeps the language it started in. */
		if (store_ticket_get(in->store, ticket, &t, cause) != 0)
			return (-1);
		for (i = 0; t.language != NULL && i < in->conf->nlanguages;
		    i++) {
			if (strcmp(in->conf->languages[i], t.language) == 0)
				f->language = in->conf->languages[i];
		}
		store_ticket_clear(&t);
	}
	/* A new ticket keeps it; otherwise only a rule would ask. */
	if (f->language == NULL && (ticket == 0 ||
	    rules_uses_language(in->rules)))
		f->language = ingest_language(in, msg, party);
	return (0);
}

/*
 * Facts, then the rules: p->facts, p->v, p->ruled. Our own mail is our
 * answer, which no rule judges; a preview (w) shows its facts all the
 * same, may change them and asks for a trace. unnamed: a reply whose
 * ticket nobody can name (a preview without a database).
 */
static int
ingest_rules(struct ingest *in, const struct message *msg,
    const struct ingest_what_if *w, int unnamed, struct ingest_plan *p,
    char **cause)
{
	size_t	i;

	if (fault_hit(FAULT_RULES, msg->message_id)) {
		*cause = xstrdup("rules: fault injected (HELPQ_FAULT)");
		return (-1);
	}
	if (ingest_facts_for(in, msg, p->party, p->thread.ticket, &p->facts,
	    cause) != 0)
		return (-1);
	if (unnamed)
		p->facts.new_ticket = 0;
	if (w != NULL && w->new_ticket != -1)
		p->facts.new_ticket = w->new_ticket;
	if (w != NULL && w->customer_tickets != -1)
		p->facts.customer_tickets = w->customer_tickets;
	if (w != NULL && w->language != NULL)
		p->facts.language = w->language;
	if (in->rules == NULL || p->outgoing)
		return (0);
	rules_eval(in->rctx, msg, &p->facts, &p->v, w != NULL ? w->trace :
	    NULL);
	p->ruled = 1;
	/* The message goes on through the rest; the log says why a
	 * rule may not have fired (a preview's caller says it itself). */
	for (i = 0; w == NULL && i < p->v.nlimited; i++)
		log_warnx("message %s: rule \"%s\" (%s:%u): a regular "
		    "expression gave up (%s); it counts as no match",
		    msg->message_id != NULL ? msg->message_id : msg->hash,
		    p->v.limited[i].name, p->v.limited[i].file,
		    p->v.limited[i].line, p->v.limited[i].error);
	return (0);
}

/*
 * The response clock a customer's message starts: by the response time a
 * rule set on it, else the one a rule set on the ticket before, else its
 * queue's, else the configured one.
 */
static void
ingest_due(struct ingest *in, const struct ticket *t, struct ingest_plan *p)
{
	const struct rules_verdict	*v = &p->v;
	time_t				 secs = 0;
	int				 business = 0;

	if (v->response_time != 0) {
		secs = v->response_time;
		business = v->response_business;
	} else if (t != NULL && t->response_time != 0) {
		secs = t->response_time;
		business = in->conf->policy.business;
	}
	clocks_plan(in->conf, p->queue, secs, business, t != NULL &&
	    t->first_response != 0 ? SLA_NEXT : SLA_FIRST, t != NULL ?
	    t->id : 0, p->when, &p->clock);
	p->set_due = 1;
	p->due = p->clock.c.due;
}

/* ---- deciding: reads the store, writes nothing ---- */

/* Where msg goes: the ticket a copy of it is in, or threading's answer. */
static int
ingest_decide_thread(struct ingest *in, const struct message *msg,
    int64_t same_id_ticket, struct ingest_plan *p, char **cause)
{
	struct thread_result	*r = &p->thread;

	if (same_id_ticket == 0)
		return (thread_find(in->store, in->conf, msg,
		    p->party != NULL ? p->party->addr : "", p->when, r,
		    cause));
	/* Another copy of a message we have (a list or a Cc copy). */
	r->how = THREAD_MSGID;
	r->ticket = same_id_ticket;
	r->norm_subject = thread_subject_normalise(msg->subject,
	    in->conf->token_prefix);
	r->evidence = xprintf("Message-ID <%s> is already in ticket %lld "
	    "(another copy)", msg->message_id, (long long)same_id_ticket);
	return (0);
}

/*
 * The ticket's clock: t is the ticket joined as it is stored now (NULL:
 * a new one), before p's own changes.
 */
static void
ingest_decide_clock(struct ingest *in, const struct ticket *t,
    struct ingest_plan *p)
{
	enum ticket_status	status;
	const char		*queue;

	if (p->outgoing) {
		/* Our answer stops the clock; now we wait for the customer. */
		p->answered = 1;
		return;
	}
	if (p->kind != MSG_KIND_CUSTOMER)
		return;
	queue = p->v.queue != NULL ? p->v.queue : t != NULL ? t->queue : NULL;
	p->queue = queue != NULL ? xstrdup(queue) : NULL;
	/* The customer waits for us now: a clock runs from here, unless
	 * one already runs for an earlier message. */
	if (t == NULL) {
		ingest_due(in, NULL, p);
		p->customer = 1;
		p->language = p->facts.language;
		return;
	}
	status = p->reopen ? TICKET_OPEN : t->status;
	p->resume = status == TICKET_WAITING;
	if (status == TICKET_CLOSED)
		return;
	p->customer = 1;
	if (status == TICKET_WAITING || t->due == 0)
		ingest_due(in, t, p);
}

/*
 * A customer's answer to the ticket's satisfaction survey: with a rating
 * in it, it is the rating and does not open the ticket again; without
 * one (a question), it is a message like any other.
 */
static int
ingest_decide_rating(struct ingest *in, const struct message *msg,
    struct ingest_plan *p, char **cause)
{
	int	scale, r;

	if (p->outgoing || p->kind != MSG_KIND_CUSTOMER)
		return (0);
	if ((r = store_survey_pending(in->store, p->ticket, &scale,
	    cause)) != 1)
		return (r);
	if (csat_parse(msg->text, scale, &p->rating,
	    &p->rating_comment) != 0)
		return (0);
	p->rated = 1;
	p->reopen = 0;
	return (0);
}

/* Mail no ticket should hold: ignored by a rule, or machine-made mail that
 * does not belong to a conversation. */
static void
ingest_decide_unticketed(struct ingest_plan *p)
{
	char	*rules;

	p->result = INGEST_IGNORED;
	p->kind = p->v.automated ? MSG_KIND_AUTOMATED : MSG_KIND_CUSTOMER;
	rules = rules_verdict_text(&p->v, 0);
	p->received = xprintf("%s, no ticket: %s", p->v.ignore ? "ignored" :
	    "automated mail that continues no conversation", rules);
	free(rules);
}

/* ingest_decide, or with w a preview (ingest_preview). */
static int
ingest_plan_make(struct ingest *in, const struct message *msg,
    const struct msg_origin *origin, int64_t same_id_ticket,
    const struct ingest_what_if *w, struct ingest_plan *p, char **cause)
{
	struct ticket		 t;
	const struct msg_addr	*from;
	int			 unnamed;

	memset(p, 0, sizeof *p);
	from = msg->from.n > 0 ? &msg->from.v[0] : NULL;
	p->outgoing = from != NULL && config_is_agent(in->conf, from->addr);
	p->when = ingest_when(msg, origin, p->outgoing);
	p->now = origin->received;
	p->party = ingest_party(msg, p->outgoing);
	unnamed = in->store == NULL && (msg->in_reply_to != NULL ||
	    msg->nreferences > 0);
	if (in->store != NULL && ingest_decide_thread(in, msg,
	    same_id_ticket, p, cause) != 0)
		return (-1);
	if ((!p->outgoing || w != NULL) && ingest_rules(in, msg, w, unnamed,
	    p, cause) != 0)
		return (-1);
	if (p->v.ignore || (p->v.automated && p->thread.ticket == 0 &&
	    !unnamed)) {
		ingest_decide_unticketed(p);
		return (0);
	}
	p->kind = p->outgoing ? MSG_KIND_AGENT : p->v.automated ?
	    MSG_KIND_AUTOMATED : MSG_KIND_CUSTOMER;
	p->ticket = p->thread.ticket;
	p->result = p->ticket == 0 && !unnamed ? INGEST_NEW :
	    INGEST_THREADED;
	/* Without a database nothing more can be said. */
	if (in->store == NULL)
		return (0);
	if (p->ticket == 0)
		p->linked_to = p->thread.link;
	else
		p->reopen = p->thread.reopen && p->kind == MSG_KIND_CUSTOMER;
	p->received = xstrdup(origin->history ? "history" : origin->mailbox);
	p->threaded = xprintf("%s: %s", thread_how_name(p->thread.how),
	    p->thread.evidence);
	if (p->ruled && p->v.nfired > 0)
		p->rules = rules_verdict_text(&p->v, 0);
	if (p->ticket != 0 && ingest_decide_rating(in, msg, p, cause) != 0)
		return (-1);
	if (p->ticket == 0)
		ingest_decide_clock(in, NULL, p);
	else {
		if (store_ticket_get(in->store, p->ticket, &t, cause) != 0)
			return (-1);
		ingest_decide_clock(in, &t, p);
		store_ticket_clear(&t);
	}
	/* Mail goes out for what is new, not for history or old mail. */
	p->fresh = !origin->history &&
	    origin->received - p->when <= in->conf->ack.max_age;
	p->escalate = p->ruled && p->v.nescalate > 0;
	p->close = p->ruled && p->v.close;
	if (p->result == INGEST_NEW && p->kind == MSG_KIND_CUSTOMER) {
		if (in->mail)
			p->ack = 1;
		else
			p->noack = "no SMTP server configured";
	}
	return (0);
}

int
ingest_decide(struct ingest *in, const struct message *msg,
    const struct msg_origin *origin, int64_t same_id_ticket,
    struct ingest_plan *p, char **cause)
{
	return (ingest_plan_make(in, msg, origin, same_id_ticket, NULL, p,
	    cause));
}

int
ingest_preview(struct ingest *in, const struct message *msg,
    const struct ingest_what_if *w, struct ingest_plan *p, char **cause)
{
	struct msg_origin	o;

	/* A message looked at, not arriving: dated as past mail. */
	memset(&o, 0, sizeof o);
	o.mailbox = "";
	o.history = 1;
	o.received = now_get();
	if (w->trace != NULL)
		memset(w->trace, 0, sizeof *w->trace);
	return (ingest_plan_make(in, msg, &o, 0, w, p, cause));
}

/* ---- applying: writes the plan, and only the plan ---- */

/* Open the ticket p asks for, or reopen the closed one it joins. */
static int
ingest_apply_ticket(struct ingest *in, struct ingest_plan *p,
    const struct message *msg, char **cause)
{
	struct ticket_new	 tn;
	char			*detail = NULL;
	int			 rc;

	if (p->reopen)
		return (store_ticket_set_status(in->store, p->ticket,
		    TICKET_OPEN, p->when, cause) != 0 || ingest_event(in,
		    p->ticket, 0, p->when, "reopened", "a reply arrived after "
		    "the ticket was closed", cause) != 0 ? -1 : 0);
	if (p->result != INGEST_NEW)
		return (0);
	memset(&tn, 0, sizeof tn);
	tn.subject = msg->subject;
	tn.norm_subject = p->thread.norm_subject;
	tn.customer = p->party != NULL ? p->party->addr : "";
	tn.customer_name = p->party != NULL ? p->party->name : NULL;
	tn.created = p->when;
	tn.linked_to = p->linked_to;
	if (store_ticket_create(in->store, &tn, &p->ticket, cause) != 0)
		return (-1);
	if (p->linked_to != 0)
		detail = xprintf("linked to ticket %lld",
		    (long long)p->linked_to);
	rc = ingest_event(in, p->ticket, 0, p->when, "created", detail,
	    cause);
	free(detail);
	if (rc == 0 && p->outgoing)
		rc = store_ticket_set_status(in->store, p->ticket,
		    TICKET_WAITING, p->when, cause);
	return (rc);
}

/*
 * A rule escalated the ticket: recorded, and mailed to the managers when
 * the mail is fresh (not history, not older than [ack] max-age).
 */
static int
ingest_apply_escalation(struct ingest *in, struct ingest_plan *p,
    char **cause)
{
	const struct rules_verdict	*v = &p->v;
	struct notify_team		 m;
	struct buf			 b;
	char				*key, *what = NULL;
	size_t				 i;
	int				 rc = 0;

	buf_init(&b);
	for (i = 0; i < v->nescalate; i++)
		buf_addf(&b, "%s%s", i == 0 ? "to " : ", ", v->escalate[i]);
	if (in->mail && !p->fresh)
		buf_adds(&b, "; no mail: old mail");
	else if (in->mail) {
		key = xprintf("escalation:%lld", (long long)p->msgrow);
		memset(&m, 0, sizeof m);
		m.ticket = p->ticket;
		m.key = key;
		m.template_name = "escalation";
		m.to = (const char *const *)v->escalate;
		m.nto = v->nescalate;
		m.text = p->rules != NULL ? p->rules : "";
		m.breaker = 1;
		m.now = p->now;
		rc = notify_team(in->outbox, in->store, &m, &what, cause);
		free(key);
		if (what != NULL)
			buf_addf(&b, "; %s", what);
		free(what);
	}
	p->escalated = xstrdup(buf_cstr(&b));
	buf_free(&b);
	if (rc == -1)
		return (-1);
	return (ingest_event(in, p->ticket, p->msgrow, p->when, "escalated",
	    p->escalated, cause));
}

/* Carry out the verdict on the ticket. */
static int
ingest_apply_verdict(struct ingest *in, struct ingest_plan *p, char **cause)
{
	const struct rules_verdict	*v = &p->v;
	struct ticket_change		 c;
	int64_t				 ticket = p->ticket;
	size_t				 i;

	for (i = 0; i < v->ntags_add; i++) {
		if (store_tag_add(in->store, ticket, v->tags_add[i], p->when,
		    cause) != 0)
			return (-1);
	}
	for (i = 0; i < v->ntags_remove; i++) {
		if (store_tag_remove(in->store, ticket, v->tags_remove[i],
		    p->when, cause) != 0)
			return (-1);
	}
	memset(&c, 0, sizeof c);
	c.queue = v->queue;
	c.assignee = v->assignee;
	c.priority = (int)v->priority;
	c.response_time = v->response_time;
	if (store_ticket_change(in->store, ticket, &c, p->when, cause) != 0)
		return (-1);
	for (i = 0; i < v->nfields; i++) {
		if (store_ticket_field_set(in->store, ticket,
		    v->fields[i].name, v->fields[i].value, cause) != 0)
			return (-1);
	}
	for (i = 0; i < v->nnotes; i++) {
		if (ingest_event(in, ticket, p->msgrow, p->when, "note",
		    v->notes[i], cause) != 0)
			return (-1);
	}
	if (p->escalate && ingest_apply_escalation(in, p, cause) != 0)
		return (-1);
	if (p->close && clocks_move(in->store, in->conf, ticket,
	    TICKET_CLOSED, p->when, "by a rule", p->msgrow, cause) != 0)
		return (-1);
	return (0);
}

/* The new ticket's acknowledgement, or why there is none: the outbox
 * decides over its own limits and records it. */
static int
ingest_apply_ack(struct ingest *in, struct ingest_plan *p,
    const struct message *msg, const struct msg_origin *origin, char **cause)
{
	struct notify_ack	a;
	int			r;

	memset(&a, 0, sizeof a);
	a.msg = msg;
	a.ticket = p->ticket;
	a.msgrow = p->msgrow;
	a.v = p->ruled ? &p->v : NULL;
	a.language = p->facts.language;
	a.due = p->due;
	a.when = p->when;
	a.now = p->now;
	a.history = origin->history;
	if ((r = notify_ack(in->outbox, in->store, &a, &p->ack_what,
	    cause)) == -1)
		return (-1);
	p->acked = r;
	return (0);
}

/* What the message itself adds: its row and its events. */
static int
ingest_apply_message(struct ingest *in, struct ingest_plan *p,
    const struct message *msg, const char *raw, size_t len,
    const struct msg_origin *origin, char **cause)
{
	if (store_message_insert(in->store, msg, raw, len, origin,
	    p->outgoing ? MSG_OUT : MSG_IN, p->kind, p->ticket, &p->msgrow,
	    cause) != 0)
		return (-1);
	if (p->result == INGEST_IGNORED)
		return (ingest_event(in, 0, p->msgrow, p->when, "received",
		    p->received, cause));
	if (ingest_event(in, p->ticket, p->msgrow, p->when, p->outgoing ?
	    "replied" : "received", p->received, cause) != 0 ||
	    ingest_event(in, p->ticket, p->msgrow, p->when, "threaded",
	    p->threaded, cause) != 0)
		return (-1);
	if (p->rules != NULL && ingest_event(in, p->ticket, p->msgrow,
	    p->when, "rules", p->rules, cause) != 0)
		return (-1);
	return (0);
}

static int
ingest_apply_rating(struct ingest *in, struct ingest_plan *p, char **cause)
{
	struct buf	b;
	int		rc, scale = 5;

	(void)store_survey_pending(in->store, p->ticket, &scale, cause);
	if (store_survey_rate(in->store, p->ticket, p->rating,
	    p->rating_comment, p->when, p->msgrow, cause) != 0)
		return (-1);
	buf_init(&b);
	buf_addf(&b, "%d of %s", p->rating, scale == 10 ? "0-10" : "1-5");
	if (p->rating_comment != NULL && *p->rating_comment != '\0') {
		buf_adds(&b, ": ");
		buf_add(&b, p->rating_comment, utf8_cut(p->rating_comment,
		    strlen(p->rating_comment), 200));
	}
	rc = ingest_event(in, p->ticket, p->msgrow, p->when, "rated",
	    buf_cstr(&b), cause);
	buf_free(&b);
	return (rc);
}

int
ingest_apply(struct ingest *in, struct ingest_plan *p,
    const struct message *msg, const char *raw, size_t len,
    const struct msg_origin *origin, char **cause)
{
	struct ticket_change	c;
	int64_t			t;

	if (p->result == INGEST_IGNORED)
		return (ingest_apply_message(in, p, msg, raw, len, origin,
		    cause));
	if (ingest_apply_ticket(in, p, msg, cause) != 0 ||
	    ingest_apply_message(in, p, msg, raw, len, origin, cause) != 0)
		return (-1);
	t = p->ticket;
	if (p->answered && clocks_answered(in->store, t, p->when, p->when,
	    p->msgrow, cause) != 0)
		return (-1);
	if (p->resume && store_ticket_set_status(in->store, t, TICKET_OPEN,
	    p->when, cause) != 0)
		return (-1);
	p->clock.c.ticket = t;
	if (p->set_due && clocks_start(in->store, in->conf, &p->clock,
	    p->msgrow, cause) != 0)
		return (-1);
	if (p->customer && clocks_customer(in->store, in->conf, t,
	    p->queue, p->when, p->msgrow, cause) != 0)
		return (-1);
	if (p->language != NULL) {
		memset(&c, 0, sizeof c);
		c.language = p->language;
		if (store_ticket_change(in->store, t, &c, p->when,
		    cause) != 0)
			return (-1);
	}
	if (store_ticket_touch(in->store, t, p->when, cause) != 0)
		return (-1);
	if (p->ruled && ingest_apply_verdict(in, p, cause) != 0)
		return (-1);
	if (p->ack && ingest_apply_ack(in, p, msg, origin, cause) != 0)
		return (-1);
	if (p->rated && ingest_apply_rating(in, p, cause) != 0)
		return (-1);
	/* A late parent can join the conversations its replies began. */
	return (thread_merges(in->store, in->conf, msg, t, p->when,
	    &p->ticket, cause));
}

/* Everything one message writes; runs inside the batch transaction. The
 * plan stays in in->plan for the report. */
static int
ingest_store(struct ingest *in, const struct message *msg, const char *raw,
    size_t len, const struct msg_origin *origin, int64_t same_id_ticket,
    enum ingest_result *resp, char **cause)
{
	if (fault_hit(FAULT_STORE, msg->message_id)) {
		*cause = xstrdup("storing: fault injected (HELPQ_FAULT)");
		return (-1);
	}
	if (ingest_decide(in, msg, origin, same_id_ticket, &in->plan,
	    cause) != 0 || ingest_apply(in, &in->plan, msg, raw, len, origin,
	    cause) != 0)
		return (-1);
	in->planned = 1;
	*resp = in->plan.result;
	return (0);
}

/* Open the batch transaction if it is not open yet. */
static int
ingest_begin(struct ingest *in, char **cause)
{
	if (in->in_tx)
		return (0);
	if (store_begin(in->store, cause) != 0)
		return (-1);
	in->in_tx = 1;
	return (0);
}

/*
 * The pipeline failed on this message: keep its raw bytes with the
 * reason (the failure mark, and an event) instead, so the source can go
 * on past it and helpq retry can try it again later. msg may be NULL.
 */
static int
ingest_set_aside(struct ingest *in, const char *raw, size_t len,
    const struct message *msg, const struct msg_origin *origin,
    const char *reason, char **cause)
{
	struct failed_message	 f;
	int64_t			 id;
	char			*detail;
	int			 rc, again;

	log_warnx("%s%s%.0u: set aside as failed: %s", origin->mailbox,
	    origin->uid != 0 ? " UID " : "", origin->uid, reason);
	memset(&f, 0, sizeof f);
	f.time = origin->received;
	f.source = origin->mailbox;
	f.uidvalidity = origin->uidvalidity;
	f.uid = origin->uid;
	f.reason = reason;
	if (msg != NULL) {
		f.from = msg->from.n > 0 ? msg->from.v[0].addr : NULL;
		f.subject = msg->subject;
	}
	if (ingest_begin(in, cause) != 0 ||
	    (again = store_failed_add(in->store, &f, raw, len, &id,
	    cause)) == -1)
		return (-1);
	detail = xprintf("failed message %lld %sfrom %s: %s", (long long)id,
	    again ? "read again " : "", origin->mailbox, reason);
	rc = ingest_event(in, 0, 0, origin->received, "failed", detail,
	    cause);
	free(detail);
	if (rc == 0)
		in->open.kept_failed++;
	return (rc);
}

/*
 * Store msg, in its own savepoint. Returns 0 (*resp says what happened),
 * 1 when the pipeline failed on this message (*why says why; nothing of it
 * is kept), or -1 when the store failed in a way that may pass (the batch
 * must be offered again).
 */
static int
ingest_try(struct ingest *in, const char *raw, size_t len,
    const struct message *msg, const struct msg_origin *origin,
    enum ingest_result *resp, char **why, char **cause)
{
	int64_t		 known, known_ticket = 0;
	int		 k;

	if (ingest_begin(in, cause) != 0)
		return (-1);
	k = store_message_known(in->store, msg->message_id, msg->hash, &known,
	    &known_ticket, cause);
	if (k == -1)
		return (-1);
	if (k == 0) {
		*resp = INGEST_DUPLICATE;
		/* The same mail at a new place (a folder resynchronised):
		 * keywords are set where it is now. */
		if (origin->uid != 0 && store_message_set_origin(in->store,
		    known, origin, cause) != 0)
			return (-1);
		return (0);
	}
	if (k != 2)
		known_ticket = 0;
	if (store_savepoint(in->store, cause) != 0)
		return (-1);
	if (ingest_store(in, msg, raw, len, origin, known_ticket, resp,
	    why) != 0) {
		*resp = INGEST_FAILED;
		/* A full disk or a busy database is no fault of the message:
		 * the whole batch is tried again later. */
		if (store_temporary(in->store)) {
			*cause = *why;
			*why = NULL;
			return (-1);
		}
		/* This message only: the rest of the batch stands. */
		if (store_savepoint_rollback(in->store, cause) != 0)
			return (-1);
		return (1);
	}
	if (store_savepoint_release(in->store, cause) != 0)
		return (-1);
	return (0);
}

/*
 * Crash detection. A signal (SIGSEGV, abort, the OOM killer, kill -9)
 * leaves no time to write anything, so what is being processed is written
 * before, in a committed row of its own per source (the inflight table):
 *
 * - Normally only the first message of each batch is recorded, in a small
 *   transaction before the batch (WAL, synchronous=NORMAL: no fsync), and
 *   the row is cleared when the source is done. Imports keep their speed.
 * - A run that finds the row of a dead run (its process is gone) knows
 *   helpq died somewhere in that batch, or in the messages the reader had
 *   parsed ahead of it. It goes one message a transaction over the next
 *   batch and read-ahead's worth of messages, recording each before it is
 *   parsed and clearing the record in the transaction that stores it.
 * - A run that finds a single message recorded by a dead run sets that
 *   message aside when it comes up: helpq died on it alone, after dying
 *   in its batch before; that is "twice in a row".
 *
 * So the first death costs nothing but a careful next run, the second
 * names the message, the third run sets it aside and goes on. A position
 * is the message's place (folder and UID, file, mbox offset, stdin) and a
 * hash of its bytes, since stdin has no place of its own.
 */
static char *
ingest_position(const struct msg_origin *o, const char *raw, size_t len)
{
	uint64_t	h = 1469598103934665603ULL;	/* FNV-1a */
	size_t		i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)raw[i];
		h *= 1099511628211ULL;
	}
	return (xprintf("%s#%u#%016llx", o->mailbox, o->uid,
	    (unsigned long long)h));
}

/* Record (committed) that the message at origin is being processed. */
static int
ingest_record_flight(struct ingest *in, const struct msg_origin *o,
    const char *raw, size_t len, int single, char **cause)
{
	char	*pos;
	int	 rc;

	pos = ingest_position(o, raw, len);
	rc = store_begin(in->store, cause);
	if (rc == 0 && (rc = store_inflight_set(in->store, in->flight, pos,
	    single, (long)getpid(), cause)) != 0)
		store_rollback(in->store);
	if (rc == 0)
		rc = store_commit(in->store, cause);
	free(pos);
	return (rc);
}

/*
 * Store msg (parsed from raw; the caller frees it). why is set instead when
 * the parser found nothing usable. A message the pipeline fails on is set
 * aside (ingest_set_aside) and counts as failed; the source goes on past
 * it either way.
 */
static int
ingest_parsed(struct ingest *in, const char *raw, size_t len,
    const struct message *msg, const char *why,
    const struct msg_origin *origin, enum ingest_result *resp, char **cause)
{
	char		*err = NULL, *reason = NULL;
	int		 r;

	*resp = INGEST_FAILED;
	if (in->flight != NULL && !in->careful && !in->in_tx && !in->dry &&
	    ingest_record_flight(in, origin, raw, len, 0, cause) != 0)
		return (-1);
	in->open.bytes += len;
	ingest_plan_clear(&in->plan);
	in->planned = 0;
	if (msg != NULL)
		fault_die(msg->message_id);
	if (msg != NULL && fault_hit(FAULT_PARSE, msg->message_id)) {
		msg = NULL;
		why = "fault injected (HELPQ_FAULT)";
	}
	if (msg == NULL && in->forced == NULL && (len == 0 || in->dry ||
	    in->store == NULL)) {
		/* Nothing to keep. */
		log_warnx("%s: %s", origin->mailbox, why);
		in->open.count[INGEST_FAILED]++;
		return (0);
	}
	if (in->forced != NULL)
		reason = xstrdup(in->forced);
	else if (msg == NULL)
		reason = xprintf("cannot be parsed: %s", why);
	else if ((r = ingest_try(in, raw, len, msg, origin, resp, &err,
	    cause)) == -1)
		goto fail;
	else if (r == 1) {
		reason = err;
		err = NULL;
	}
	if (reason != NULL && (in->dry ? (log_warnx("%s: would be set "
	    "aside as failed: %s", origin->mailbox, reason), 0) :
	    ingest_set_aside(in, raw, len, msg, origin, reason, cause)) != 0)
		goto fail;
	free(reason);
	reason = NULL;
	/* The folder's high-water mark commits with the message. */
	if (origin->uid != 0 && store_mailbox_advance(in->store,
	    origin->mailbox, origin->uidvalidity, origin->uid,
	    origin->received, cause) != 0)
		goto fail;
	in->open.count[*resp]++;
	if (in->report != NULL)
		in->report(in->report_arg, origin, *resp,
		    in->planned ? &in->plan : NULL);
	/* A careful run commits each message itself (ingest_careful). */
	if (++in->pending >= in->batch_size && !in->careful)
		return (ingest_flush(in, cause));
	return (0);
fail:
	free(reason);
	free(err);
	ingest_drop_batch(in);
	return (-1);
}

int
ingest_retry(struct ingest *in, const char *raw, size_t len,
    const struct msg_origin *origin, enum ingest_result *resp, char **why,
    char **cause)
{
	struct message	*msg = NULL;
	int		 rc;

	*resp = INGEST_FAILED;
	ingest_plan_clear(&in->plan);
	in->planned = 0;
	if (message_parse(raw, len, &msg, why) != 0)
		return (1);
	fault_die(msg->message_id);
	if (fault_hit(FAULT_PARSE, msg->message_id)) {
		*why = xstrdup("cannot be parsed: fault injected "
		    "(HELPQ_FAULT)");
		rc = 1;
	} else if ((rc = ingest_try(in, raw, len, msg, origin, resp, why,
	    cause)) == -1)
		ingest_drop_batch(in);
	if (rc == 0) {
		in->open.count[*resp]++;
		in->open.bytes += len;
		in->pending++;
		if (in->report != NULL)
			in->report(in->report_arg, origin, *resp,
			    in->planned ? &in->plan : NULL);
	}
	message_free(msg);
	return (rc);
}

/* Store what the reader thread (ingest_queue.c) reads and parses ahead. */
static int
ingest_threaded(struct ingest *in, struct source *src, ingest_progress_fn fn,
    void *arg, uint64_t count, char **cause)
{
	struct ingest_queue	*q;
	struct ingest_item	 batch[INGEST_QUEUE], done[INGEST_QUEUE];
	struct msg_origin	 origin;
	enum ingest_result	 res;
	size_t			 i, n, ndone = 0;
	char			*error;
	int			 rc = 0;

	q = ingest_queue_start(src, in->store);
	while (rc == 0 && (n = ingest_queue_take(q, done, &ndone,
	    batch)) > 0) {
		for (i = 0; i < n; i++) {
			if (rc != 0) {
				ingest_queue_item_clear(&batch[i]);
				continue;
			}
			memset(&origin, 0, sizeof origin);
			origin.mailbox = batch[i].where;
			origin.uidvalidity = batch[i].uidvalidity;
			origin.uid = batch[i].uid;
			origin.history = batch[i].history;
			origin.arrived = batch[i].arrived;
			origin.archive = batch[i].archive;
			origin.received = now_get();
			rc = ingest_parsed(in, batch[i].raw, batch[i].len,
			    batch[i].msg, batch[i].why, &origin, &res, cause);
			done[ndone++] = batch[i];
			if (rc != 0)
				rc = INGEST_SOURCE_STORE_FAILED;
			else if (fn != NULL)
				fn(arg, ++count);
		}
	}
	error = ingest_queue_stop(q);
	while (ndone > 0)
		ingest_queue_item_clear(&done[--ndone]);
	if (rc == 0 && error != NULL) {
		*cause = error;
		error = NULL;
		rc = INGEST_SOURCE_READ_FAILED;
	}
	free(error);
	if (rc == 0 && ingest_flush(in, cause) != 0)
		rc = INGEST_SOURCE_STORE_FAILED;
	return (rc);
}

/*
 * After a death: the next budget messages of src one a transaction, each
 * recorded before it is parsed; the one at died (NULL: none) is set aside.
 * *count counts them; *end says the source is done.
 */
static int
ingest_careful(struct ingest *in, struct source *src, const char *died,
    unsigned budget, ingest_progress_fn fn, void *arg, uint64_t *count,
    int *end, char **cause)
{
	struct source_item	 si;
	struct msg_origin	 o;
	struct message		*msg;
	enum ingest_result	 res;
	char			*raw, *why, *pos;
	int			 r, rc = 0;

	in->careful = 1;
	*end = 0;
	while (rc == 0 && budget-- > 0) {
		if ((r = source_next(src, &si, cause)) != 0) {
			*end = 1;
			rc = r == 1 ? 0 : INGEST_SOURCE_READ_FAILED;
			break;
		}
		raw = xmalloc(si.len + 1);
		memcpy(raw, si.data, si.len);
		raw[si.len] = '\0';
		memset(&o, 0, sizeof o);
		o.mailbox = si.where;
		o.uidvalidity = si.uidvalidity;
		o.uid = si.uid;
		o.history = si.history;
		o.received = now_get();
		pos = ingest_position(&o, raw, si.len);
		msg = NULL;
		why = NULL;
		if (died != NULL && strcmp(pos, died) == 0) {
			in->forced = "helpq died while processing it (twice)";
			r = ingest_parsed(in, raw, si.len, NULL, NULL, &o, &res,
			    cause);
			in->forced = NULL;
		} else if ((r = ingest_record_flight(in, &o, raw, si.len, 1,
		    cause)) == 0) {
			if (message_parse(raw, si.len, &msg, &why) != 0)
				msg = NULL;
			r = ingest_parsed(in, raw, si.len, msg, why, &o, &res,
			    cause);
		}
		/* The record goes with the message it names. */
		if (r == 0 && in->in_tx && store_inflight_clear(in->store,
		    in->flight, cause) != 0) {
			ingest_drop_batch(in);
			r = -1;
		}
		if (r == 0)
			r = ingest_flush(in, cause);
		if (r != 0)
			rc = INGEST_SOURCE_STORE_FAILED;
		else if (fn != NULL)
			fn(arg, ++*count);
		message_free(msg);
		free(why);
		free(pos);
		free(raw);
	}
	in->careful = 0;
	return (rc);
}

/* A dead run's record for src: 0 and *diedp (the single message it was
 * processing, or NULL), 1 when there is none, -1 on error. */
static int
ingest_dead_run(struct ingest *in, struct source *src, char **diedp,
    char **cause)
{
	char	*pos = NULL;
	long	 pid;
	int	 single, r;

	*diedp = NULL;
	r = store_inflight_get(in->store, src->name, &pos, &single, &pid,
	    cause);
	if (r != 0)
		return (r);
	/* Another helpq at work on it (two deliveries at once) is alive. */
	if (pid != (long)getpid() && pid > 0 && kill((pid_t)pid, 0) == 0) {
		free(pos);
		return (1);
	}
	if (single)
		*diedp = pos;
	else
		free(pos);
	return (0);
}

enum ingest_source_result
ingest_source(struct ingest *in, struct source *src, ingest_progress_fn fn,
    void *arg, char **cause)
{
	uint64_t	 count = 0;
	char		*died = NULL;
	int		 r, rc = 0, end = 0;

	if (in->dry || in->store == NULL)
		return (ingest_threaded(in, src, fn, arg, 0, cause));
	if ((rc = ingest_flush(in, cause)) != 0)
		return (INGEST_SOURCE_STORE_FAILED);
	if ((r = ingest_dead_run(in, src, &died, cause)) == -1)
		return (INGEST_SOURCE_STORE_FAILED);
	in->flight = src->name;
	if (r == 0) {
		log_warnx("%s: helpq died while processing it last time; "
		    "going on one message at a time%s", src->name,
		    died != NULL ? " (the message it died on alone will be "
		    "set aside)" : "");
		rc = ingest_careful(in, src, died, in->batch_size +
		    INGEST_QUEUE, fn, arg, &count, &end, cause);
		free(died);
	}
	if (rc == 0 && !end)
		rc = ingest_threaded(in, src, fn, arg, count, cause);
	/* Done with the source: nothing of it is in flight. */
	if (rc == 0 && (store_begin(in->store, cause) != 0 ||
	    store_inflight_clear(in->store, src->name, cause) != 0 ||
	    store_commit(in->store, cause) != 0)) {
		store_rollback(in->store);
		rc = INGEST_SOURCE_STORE_FAILED;
	}
	in->flight = NULL;
	return (rc);
}
