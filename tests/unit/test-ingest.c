/*
 * helpq - test-ingest.c: what ingest_decide plans for a message, before
 * anything is written, and what ingest_apply makes of the plan, on a
 * real database with a real outbox (templates, no SMTP connection: mail
 * is only queued).
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ingest.h"
#include "log.h"
#include "message.h"
#include "outbox.h"
#include "rules.h"
#include "store.h"
#include "thread.h"
#include "xmalloc.h"
#include "../tap.h"

static const char rules_text[] =
    "rule \"quiet\" {\n"
    "\twhen subject ~ /newsletter/i\n"
    "\tnoack\n"
    "\ttag news\n"
    "}\n"
    "rule \"junk\" {\n"
    "\twhen subject ~ /^junk/i\n"
    "\tignore\n"
    "}\n";

struct fixture {
	struct store	*st;
	struct config	 conf;
	struct outbox	*ob;
	struct rules	*rs;
	struct ingest	*in;
	time_t		 now;
};

/* One message: From, Subject, Message-ID and In-Reply-To (may be NULL). */
static char *
mail(const char *from, const char *subject, const char *id,
    const char *parent)
{
	return (xprintf("From: %s\r\nTo: support@example.com\r\n"
	    "Subject: %s\r\nMessage-ID: <%s>\r\n%s%s%s"
	    "Date: Thu, 03 Dec 2026 10:00:00 +0000\r\n\r\nHello.\r\n", from,
	    subject, id, parent != NULL ? "In-Reply-To: <" : "",
	    parent != NULL ? parent : "", parent != NULL ? ">\r\n" : ""));
}

/*
 * Plan raw as live mail arriving now; with apply, write the plan and
 * commit. *msgp keeps the message the plan borrows from (the caller
 * frees it after the plan).
 */
static int
plan(struct fixture *fx, const char *raw, int apply, struct ingest_plan *p,
    struct message **msgp)
{
	struct msg_origin	 o;
	char			*cause = NULL;
	int			 rc;

	memset(p, 0, sizeof *p);
	if (message_parse(raw, strlen(raw), msgp, &cause) != 0) {
		ok(0, "message_parse: %s", cause);
		free(cause);
		return (-1);
	}
	memset(&o, 0, sizeof o);
	o.mailbox = "INBOX";
	o.arrived = fx->now;
	o.received = fx->now;
	if (store_begin(fx->st, &cause) != 0)
		goto fail;
	rc = ingest_decide(fx->in, *msgp, &o, 0, p, &cause);
	if (rc == 0 && apply)
		rc = ingest_apply(fx->in, p, *msgp, raw, strlen(raw), &o,
		    &cause);
	if (rc != 0) {
		store_rollback(fx->st);
		goto fail;
	}
	if (store_commit(fx->st, &cause) != 0)
		goto fail;
	return (0);
fail:
	ok(0, "planning: %s", cause);
	free(cause);
	return (-1);
}

static int64_t
tickets(struct fixture *fx)
{
	struct ticket	t;
	char		*cause = NULL;
	int64_t		 n = 0;

	/* Tickets are numbered from 1 with none removed. */
	while (store_ticket_get(fx->st, n + 1, &t, &cause) == 0) {
		store_ticket_clear(&t);
		n++;
	}
	free(cause);
	return (n);
}

static enum ticket_status
status(struct fixture *fx, int64_t id)
{
	struct ticket		t;
	enum ticket_status	s = (enum ticket_status)-1;
	char			*cause = NULL;

	if (store_ticket_get(fx->st, id, &t, &cause) == 0) {
		s = t.status;
		store_ticket_clear(&t);
	}
	free(cause);
	return (s);
}

static void
done(struct ingest_plan *p, struct message *msg, char *raw)
{
	ingest_plan_clear(p);
	message_free(msg);
	free(raw);
}

static void
test_plans(struct fixture *fx)
{
	struct ingest_plan	 p;
	struct message		*msg = NULL;
	char			*raw, *cause = NULL;
	int64_t			 t1;

	/* A new customer: a new ticket, the clock runs, an ack is asked. */
	raw = mail("Alice <alice@cust.org>", "Printer broken", "m1@cust.org",
	    NULL);
	if (plan(fx, raw, 0, &p, &msg) != 0)
		return;
	ok(p.result == INGEST_NEW && p.ticket == 0, "new mail: a new ticket");
	ok(p.kind == MSG_KIND_CUSTOMER && !p.outgoing, "from a customer");
	ok(p.set_due && p.due > p.when, "the clock runs from the message");
	ok(p.ack && p.noack == NULL && p.fresh, "an ack is asked for");
	ok(p.ruled && p.v.nfired == 0 && p.rules == NULL,
	    "rules ran, none fired");
	ok(p.threaded != NULL && strncmp(p.threaded, "new: ", 5) == 0,
	    "the threaded event says why (%s)", p.threaded);
	ok(tickets(fx) == 0, "deciding wrote nothing");
	done(&p, msg, raw);

	raw = mail("Alice <alice@cust.org>", "Printer broken", "m1@cust.org",
	    NULL);
	if (plan(fx, raw, 1, &p, &msg) != 0)
		return;
	t1 = p.ticket;
	ok(t1 == 1 && tickets(fx) == 1, "applied: ticket %lld opened",
	    (long long)t1);
	ok(p.acked && p.ack_what != NULL &&
	    strncmp(p.ack_what, "ack to alice@cust.org", 21) == 0,
	    "and acknowledged (%s)", p.ack_what);
	ok(p.msgrow > 0, "the message row is recorded");
	done(&p, msg, raw);

	/* The customer writes again: the ticket, no second clock, no ack. */
	raw = mail("alice@cust.org", "Re: Printer broken", "m2@cust.org",
	    "m1@cust.org");
	if (plan(fx, raw, 1, &p, &msg) != 0)
		return;
	ok(p.result == INGEST_THREADED && p.ticket == t1,
	    "a reply joins ticket %lld", (long long)p.ticket);
	ok(p.thread.how == THREAD_REFERENCES, "by its In-Reply-To");
	ok(!p.reopen && !p.resume, "an open ticket stays as it is");
	ok(!p.set_due, "the clock already runs for the first message");
	ok(!p.ack && p.ack_what == NULL, "no ack for a reply");
	done(&p, msg, raw);

	/* Our answer: the clock stops; the ticket stays open (only an
	 * agent's wait makes it wait on the customer). */
	raw = mail("Anna <anna@example.com>", "Re: Printer broken",
	    "a1@example.com", "m2@cust.org");
	if (plan(fx, raw, 1, &p, &msg) != 0)
		return;
	ok(p.outgoing && p.kind == MSG_KIND_AGENT && p.answered &&
	    !p.ruled, "an agent's answer stops the clock, no rules");
	ok(status(fx, t1) == TICKET_OPEN, "the answered ticket stays open");
	done(&p, msg, raw);

	/* The customer writes again: the next response clock starts. */
	raw = mail("alice@cust.org", "Re: Printer broken", "m3@cust.org",
	    "a1@example.com");
	if (plan(fx, raw, 0, &p, &msg) != 0)
		return;
	ok(p.set_due && !p.resume && !p.reopen &&
	    p.clock.c.kind == SLA_NEXT, "the next response clock starts");
	ingest_plan_clear(&p);
	message_free(msg);
	msg = NULL;

	/* Waiting on the customer, their message opens the ticket again. */
	if (store_begin(fx->st, &cause) != 0 ||
	    store_ticket_set_status(fx->st, t1, TICKET_WAITING, fx->now,
	    &cause) != 0 || store_commit(fx->st, &cause) != 0) {
		ok(0, "waiting: %s", cause);
		free(cause);
		return;
	}
	if (plan(fx, raw, 0, &p, &msg) != 0)
		return;
	ok(p.resume && !p.reopen && p.set_due, "a waiting ticket opens, "
	    "its clock runs again");
	done(&p, msg, raw);

	/* A reply to a closed ticket reopens it. */
	if (store_begin(fx->st, &cause) != 0 ||
	    store_ticket_set_status(fx->st, t1, TICKET_CLOSED, fx->now,
	    &cause) != 0 || store_ticket_set_due(fx->st, t1, 0, &cause) != 0 ||
	    store_commit(fx->st, &cause) != 0) {
		ok(0, "closing: %s", cause);
		free(cause);
		return;
	}
	raw = mail("alice@cust.org", "Re: Printer broken", "m4@cust.org",
	    "m2@cust.org");
	if (plan(fx, raw, 0, &p, &msg) != 0)
		return;
	ok(p.result == INGEST_THREADED && p.ticket == t1 && p.reopen,
	    "a reply to the closed ticket reopens it");
	ok(p.set_due && !p.resume, "and its clock runs again");
	ok(status(fx, t1) == TICKET_CLOSED, "deciding left it closed");
	ingest_plan_clear(&p);
	message_free(msg);
	msg = NULL;
	if (plan(fx, raw, 1, &p, &msg) == 0)
		ok(status(fx, t1) == TICKET_OPEN, "applying opened it");
	done(&p, msg, raw);

	/* A rule says noack: asked all the same, the outbox refuses. */
	raw = mail("Bob <bob@cust.org>", "Newsletter feedback", "n1@cust.org",
	    NULL);
	if (plan(fx, raw, 0, &p, &msg) != 0)
		return;
	ok(p.result == INGEST_NEW && p.ruled && p.v.noack &&
	    p.v.ntags_add == 1 && strcmp(p.v.tags_add[0], "news") == 0,
	    "a rule tags it and says noack");
	ok(p.rules != NULL && strstr(p.rules, "quiet") != NULL,
	    "the rules event names the rule (%s)", p.rules);
	done(&p, msg, raw);
	raw = mail("Bob <bob@cust.org>", "Newsletter feedback", "n1@cust.org",
	    NULL);
	if (plan(fx, raw, 1, &p, &msg) != 0)
		return;
	ok(!p.acked && p.ack_what != NULL &&
	    strcmp(p.ack_what, "no ack: a rule said noack") == 0,
	    "no ack, and why (%s)", p.ack_what);
	done(&p, msg, raw);

	/* Ignored: stored without a ticket, the event says why. */
	raw = mail("spam@junk.example", "Junk offer", "j1@junk.example",
	    NULL);
	if (plan(fx, raw, 1, &p, &msg) != 0)
		return;
	ok(p.result == INGEST_IGNORED && p.ticket == 0 && !p.ack,
	    "an ignored message gets no ticket and no ack");
	ok(p.received != NULL && strncmp(p.received, "ignored, no ticket: ",
	    20) == 0, "its event says so (%s)", p.received);
	done(&p, msg, raw);
}

/* Without an outbox that can send, the plan says why no ack is asked. */
static void
test_no_mail(struct fixture *fx)
{
	struct ingest_plan	 p;
	struct message		*msg = NULL;
	char			*raw;

	ingest_set_outbox(fx->in, NULL);
	raw = mail("carol@cust.org", "Where is my parcel", "c1@cust.org",
	    NULL);
	if (plan(fx, raw, 0, &p, &msg) == 0)
		ok(p.result == INGEST_NEW && !p.ack && p.noack != NULL &&
		    strcmp(p.noack, "no SMTP server configured") == 0,
		    "no SMTP server: no ack asked, and why");
	done(&p, msg, raw);
	ingest_set_outbox(fx->in, fx->ob);
}

/* A preview without a database: where it would go, its facts, the
 * verdict; the facts imposed win. */
static void
test_preview(struct fixture *fx)
{
	struct ingest		*in;
	struct ingest_plan	 p;
	struct ingest_what_if	 w;
	struct message		*msg;
	char			*raw, *cause = NULL;

	in = ingest_new(NULL, &fx->conf, 1);
	ingest_set_rules(in, fx->rs);
	memset(&w, 0, sizeof w);
	w.new_ticket = -1;
	w.customer_tickets = -1;
	raw = mail("dan@cust.org", "Re: newsletter", "d2@cust.org",
	    "d1@cust.org");
	if (message_parse(raw, strlen(raw), &msg, &cause) != 0) {
		ok(0, "message_parse: %s", cause);
		free(cause);
		free(raw);
		ingest_free(in, NULL);
		return;
	}
	ok(ingest_preview(in, msg, &w, &p, &cause) == 0 &&
	    p.result == INGEST_THREADED && p.ticket == 0 &&
	    !p.facts.new_ticket, "a reply previewed without a database "
	    "joins some ticket");
	ok(p.ruled && p.v.noack && !p.ack, "with the verdict, nothing more");
	ingest_plan_clear(&p);
	w.new_ticket = 1;
	w.customer_tickets = 7;
	w.language = "el";
	ok(ingest_preview(in, msg, &w, &p, &cause) == 0 &&
	    p.facts.new_ticket && p.facts.customer_tickets == 7 &&
	    strcmp(p.facts.language, "el") == 0, "imposed facts win");
	ingest_plan_clear(&p);
	message_free(msg);
	free(raw);
	ingest_free(in, NULL);
}

int
main(void)
{
	static const char *const suffixes[] = {
		"-wal", "-shm", "-search", "-search-wal", "-search-shm"
	};
	struct fixture	 fx;
	char		 path[] = "/tmp/helpq-test-ingest-XXXXXX";
	char		*cause = NULL;
	const char	*top;
	size_t		 i;
	int		 fd;

	memset(&fx, 0, sizeof fx);
	if ((top = getenv("TOP_SRCDIR")) == NULL)
		top = "..";
	if ((fd = mkstemp(path)) == -1)
		fatalx("mkstemp");
	close(fd);
	unlink(path);
	if (store_open(path, 0, &fx.st, &cause) != 0)
		fatalx("store_open: %s", cause);
	config_defaults(&fx.conf);
	free(fx.conf.address);
	fx.conf.address = xstrdup("support@example.com");
	fx.conf.agents = xcalloc(1, sizeof *fx.conf.agents);
	fx.conf.agents[0] = xstrdup("@example.com");
	fx.conf.nagents = 1;
	fx.conf.smtp.host = xstrdup("127.0.0.1");
	free(fx.conf.smtp.auto_from);
	fx.conf.smtp.auto_from = xstrdup("support@example.com");
	fx.conf.templates = xprintf("%s/templates", top);
	if ((fx.ob = outbox_new(&fx.conf, path, &cause)) == NULL)
		fatalx("outbox_new: %s", cause);
	if (rules_load_string("t.rules", rules_text, &fx.rs, &cause) != 0)
		fatalx("rules: %s", cause);
	fx.now = time(NULL);
	fx.in = ingest_new(fx.st, &fx.conf, 1);
	ingest_set_rules(fx.in, fx.rs);
	ingest_set_outbox(fx.in, fx.ob);

	test_plans(&fx);
	test_no_mail(&fx);
	test_preview(&fx);

	ingest_free(fx.in, NULL);
	rules_free(fx.rs);
	outbox_free(fx.ob);
	store_close(fx.st);
	config_clear(&fx.conf);
	unlink(path);
	/* SQLite's write-ahead logs, the search index beside the store. */
	free(cause);
	for (i = 0; i < nitems(suffixes); i++) {
		cause = xprintf("%s%s", path, suffixes[i]);
		unlink(cause);
		free(cause);
	}
	return (done_testing());
}
