/*
 * helpq - cmd_mail.c: the commands that send mail: "helpq reply" (an
 * agent's answer), "helpq send" (flush the outbox now) and "helpq outbox"
 * (what was sent, what waits, what failed).
 */
#include "compat.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "cycle.h"
#include "config.h"
#include "deliver.h"
#include "log.h"
#include "notify.h"
#include "now.h"
#include "outbox.h"
#include "output.h"
#include "safe.h"
#include "store.h"
#include "tz.h"
#include "xmalloc.h"

/* The outbox of a command that sends: an SMTP server is a must. */
static int
cmd_sender(struct globals *g, struct outbox **obp)
{
	int	rc;

	if ((rc = cmd_outbox(g, obp)) != 0)
		return (rc);
	if (!outbox_enabled(*obp)) {
		log_error("%s: no SMTP server to send with ([smtp] host)",
		    g->conf.path != NULL ? g->conf.path : "configuration");
		outbox_free(*obp);
		*obp = NULL;
		return (EX_CONFIG);
	}
	return (0);
}

/* ---- helpq reply ---- */

/* The last message from outside: who wrote it, when, what. */
struct reply_quote {
	char	*who;
	time_t	 date;
	char	*body;
};

static int
reply_quote_cb(const struct stored_message *m, void *arg)
{
	struct reply_quote	*q = arg;

	if (m->direction != MSG_IN)
		return (0);
	free(q->who);
	free(q->body);
	q->who = xstrdup(m->from_name != NULL && *m->from_name != '\0' ?
	    m->from_name : m->from_addr);
	q->date = m->date;
	q->body = xstrdup(m->body != NULL ? m->body : "");
	return (0);
}

/* The text an editor starts with: room on top, the customer quoted
 * with the time on the clocks of tz. */
static void
reply_draft(struct store *st, const struct tz *tz, int64_t ticket,
    struct buf *b)
{
	struct reply_quote	 q;
	struct tm		 tm;
	char			 when[64], *cause = NULL;
	const char		*p, *nl;

	memset(&q, 0, sizeof q);
	buf_adds(b, "\n\n");
	if (store_ticket_messages(st, ticket, reply_quote_cb, &q,
	    &cause) != 0) {
		log_warnx("%s", cause);
		free(cause);
	}
	if (q.body != NULL) {
		if (tz_local(tz, q.date, &tm) != 0)
			tz_local(NULL, 0, &tm);	/* beyond any calendar */
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
		buf_addf(b, "On %s, %s wrote:\n", when, q.who);
		for (p = q.body; *p != '\0'; p = nl + 1) {
			nl = strchr(p, '\n');
			if (nl == NULL)
				nl = p + strlen(p);
			buf_addf(b, ">%s%.*s\n", p == nl ? "" : " ",
			    (int)(nl - p), p);
			if (*nl == '\0')
				break;
		}
	}
	free(q.who);
	free(q.body);
}




/* What became of outbox entry id, for the agent. */
struct reply_fate {
	enum outbox_status	 status;
	char			*to;
	char			*note;
};

static int
reply_fate_cb(const struct outbox_entry *e, void *arg)
{
	struct reply_fate	*r = arg;

	r->status = e->status;
	r->to = xstrdup(e->recipients);
	r->note = xstrdup(e->status == OUTBOX_SENT ? (e->reply != NULL ?
	    e->reply : "") : (e->last_error != NULL ? e->last_error :
	    "not tried yet"));
	return (1);
}

static int
reply_report(struct store *st, int64_t ticket, int64_t id)
{
	struct reply_fate	 r;
	char			*cause = NULL, *to, *note;
	int			 rc = 0;

	memset(&r, 0, sizeof r);
	if (store_outbox_get(st, id, reply_fate_cb, &r, &cause) != 0) {
		log_error("%s", cause != NULL ? cause : "the reply is gone");
		free(cause);
		return (EX_SOFTWARE);
	}
	/* The address is the customer's and the note the server's. */
	to = safe_dup(r.to, 0);
	note = safe_dup(r.note, 0);
	switch (r.status) {
	case OUTBOX_SENT:
		printf("ticket %lld: answer sent to %s (%s)\n",
		    (long long)ticket, to, note);
		break;
	case OUTBOX_QUEUED:
		/* Not answered yet: a script must not take it for sent. */
		log_warnx("ticket %lld: the answer to %s is queued, not sent "
		    "(%s); helpq send or the next poll tries again",
		    (long long)ticket, to, note);
		rc = EX_TEMPFAIL;
		break;
	case OUTBOX_FAILED:
		log_error("ticket %lld: the server refused the answer to %s: "
		    "%s", (long long)ticket, r.to, r.note);
		rc = EX_UNAVAILABLE;
		break;
	}
	free(to);
	free(note);
	free(r.to);
	free(r.note);
	return (rc);
}

/* The text: standard input, else an editor on the quoted conversation. */
static int
reply_text(struct store *st, const struct tz *tz, int64_t ticket,
    const char *tname, struct buf *text)
{
	struct buf	draft;
	int		rc;

	buf_init(&draft);
	if (isatty(STDIN_FILENO))
		reply_draft(st, tz, ticket, &draft);
	rc = cmd_text("reply", "nothing was sent", buf_cstr(&draft), text);
	buf_free(&draft);
	if (rc == 0 && tname == NULL && cmd_blank(buf_cstr(text))) {
		log_error("the reply is empty; nothing was sent");
		rc = EX_DATAERR;
	}
	return (rc);
}

static const struct args_opt reply_opts[] = {
	{ "template", 0, "NAME", 't', "fill the template NAME with the text" },
	{ "close", 0, NULL, 'c', "close the ticket once answered" },
	{ "wait", 0, NULL, 'w', "wait on the customer once answered" },
	{ "agent", 0, "NAME", 'a', "name the agent (default $HELPQ_AGENT, "
	    "else $USER)" },
	{ NULL, 0, NULL, 0, NULL }
};

static int
reply_main(struct globals *g, struct args *a)
{
	struct deliver_stats	 os;
	struct outbox		*ob = NULL;
	struct store		*st = NULL;
	struct buf		 text;
	const char		*tname = NULL, *agent, *val;
	int64_t			 ticket, id;
	char			*cause = NULL;
	int			 ch, then = TICKET_OPEN, rc;

	agent = cmd_agent_name(NULL);
	while ((ch = args_next(a, 0, &val)) != -1) {
		switch (ch) {
		case 'a':
			agent = val;
			break;
		case 'c':
			then = TICKET_CLOSED;
			break;
		case 'w':
			then = TICKET_WAITING;
			break;
		case 't':
			tname = val;
			break;
		}
	}
	ticket = cmd_ticket_arg(a->argv[0], "ticket");
	if (g->conf.address == NULL) {
		log_error("%s: no support address ([helpq] address)",
		    g->conf.path != NULL ? g->conf.path : "configuration");
		return (EX_CONFIG);
	}
	if ((rc = cmd_sender(g, &ob)) != 0)
		return (rc);
	buf_init(&text);
	if ((rc = cmd_open_store(g, 1, &st)) != 0)
		goto out;
	/* A merged ticket's number answers the ticket it went into. */
	if (store_ticket_resolve(st, ticket, &ticket, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		rc = EX_SOFTWARE;
		goto out;
	}
	if ((rc = reply_text(st, g->conf.tz, ticket, tname, &text)) != 0)
		goto out;
	if (notify_reply(ob, st, ticket, buf_cstr(&text), tname, agent, then,
	    now_get(), &id, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		rc = EX_DATAERR;
		goto out;
	}
	cycle_flush(g, st, ob, 0, NULL, &os);
	rc = reply_report(st, ticket, id);
out:
	buf_free(&text);
	if (st != NULL)
		store_close(st);
	outbox_free(ob);
	return (rc);
}

const struct command cmd_reply_command = {
	"reply", NULL, reply_main, reply_opts, "N", 1, 1, CMD_OPERAND_TICKET,
	0, "Answer a ticket from the support address"
};

/* ---- helpq send, helpq outbox ---- */

static const struct args_opt send_opts[] = {
	{ "json", 0, NULL, 'j', "print JSON" },
	{ NULL, 0, NULL, 0, NULL }
};

static int
send_main(struct globals *g, struct args *a)
{
	struct deliver_stats	 os;
	struct outbox		*ob = NULL;
	struct store		*st = NULL;
	const char		*v;
	int			 json = 0, rc;

	while (args_next(a, 0, &v) != -1)
		json = 1;
	if ((rc = cmd_sender(g, &ob)) != 0)
		return (rc);
	if ((rc = cmd_open_store(g, 1, &st)) == 0) {
		memset(&os, 0, sizeof os);
		rc = cycle_flush(g, st, ob, 1, NULL, &os);
		/* What still waits makes cron or a script try again. */
		if (rc == 0 && os.deferred > 0)
			rc = EX_TEMPFAIL;
		if (json)
			printf("{\"sent\": %u, \"deferred\": %u, \"failed\": %u, "
			    "\"copied\": %u}\n", os.sent, os.deferred, os.failed,
			    os.copied);
		else if (!g->quiet)
			printf("%u sent, %u to retry, %u failed, %u copied to "
			    "Sent\n", os.sent, os.deferred, os.failed,
			    os.copied);
		store_close(st);
	}
	outbox_free(ob);
	return (rc);
}

const struct command cmd_send_command = {
	"send", NULL, send_main, send_opts, "", 0, 0, CMD_OPERAND_NONE, 0,
	"Send everything queued in the outbox now"
};

static const struct args_opt outbox_opts[] = {
	{ "status", 0, "S", 's', "only mail in status S: queued, sent or "
	    "failed" },
	{ "limit", 0, "N", 'l', "at most N entries" },
	{ "json", 0, NULL, 'j', "print JSON" },
	{ NULL, 0, NULL, 0, NULL }
};

static int
outbox_main(struct globals *g, struct args *a)
{
	enum outbox_status	 status;
	struct store		*st;
	const char		*val;
	char			*cause = NULL;
	int			 ch, json = 0, limit = 0, want = -1, rc;

	while ((ch = args_next(a, 0, &val)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'l':
			limit = atoi(val);
			if (limit <= 0)
				cmd_usage_error("--limit %s: expected a "
				    "number above 0", val);
			break;
		case 's':
			if (store_outbox_status_parse(val, &status) != 0)
				cmd_usage_error("--status %s: expected "
				    "queued, sent or failed", val);
			want = (int)status;
			break;
		}
	}
	if ((rc = cmd_open_store(g, 0, &st)) != 0)
		return (rc);
	if (output_outbox(stdout, g->conf.tz, st, want, limit, json,
	    &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		rc = EX_SOFTWARE;
	}
	store_close(st);
	return (rc);
}

const struct command cmd_outbox_command = {
	"outbox", NULL, outbox_main, outbox_opts, "", 0, 0, CMD_OPERAND_NONE,
	0, "The outbox, newest first: what was sent, waits or failed"
};

/* ---- helpq requeue ---- */

/* What requeue needs of an entry (store_outbox_get lends it). */
struct requeue_entry {
	int64_t			 ticket;
	enum outbox_status	 status;
	char			*error;
};

static int
requeue_copy(const struct outbox_entry *e, void *arg)
{
	struct requeue_entry	*r = arg;

	r->ticket = e->ticket;
	r->status = e->status;
	r->error = e->last_error != NULL ? xstrdup(e->last_error) : NULL;
	return (0);
}

/* Queue failed mail id again, with an event on its ticket. */
static int
requeue_one(struct store *st, int64_t id, char **cause)
{
	struct requeue_entry	 e;
	char			*detail;
	int			 r;

	memset(&e, 0, sizeof e);
	if ((r = store_outbox_get(st, id, requeue_copy, &e, cause)) == -1)
		return (EX_TEMPFAIL);
	if (r == 1 || e.status != OUTBOX_FAILED) {
		log_error("outgoing mail %lld %s (helpq outbox --status "
		    "failed lists what can be requeued)", (long long)id,
		    r == 1 ? "does not exist" : e.status == OUTBOX_SENT ?
		    "was sent" : "is queued already");
		free(e.error);
		return (EX_DATAERR);
	}
	detail = xprintf("outgoing mail %lld queued again after: %s",
	    (long long)id, e.error != NULL ? e.error : "(no error recorded)");
	free(e.error);
	r = store_begin(st, cause);
	if (r == 0 && (r = store_outbox_requeue(st, id, cause)) == 0)
		r = store_event_add(st, e.ticket, 0, now_get(), "requeued",
		    detail, cause);
	free(detail);
	if (r == 0)
		r = store_commit(st, cause);
	if (r != 0) {
		store_rollback(st);
		return (r == 1 ? EX_DATAERR : EX_TEMPFAIL);
	}
	return (0);
}

static const struct args_opt requeue_opts[] = {
	{ NULL, 0, NULL, 0, NULL }
};

static int
requeue_main(struct globals *g, struct args *a)
{
	struct deliver_stats	 os;
	struct outbox		*ob = NULL;
	struct store		*st = NULL;
	int64_t			*ids;
	char			*cause = NULL;
	int			 i, n = 0, rc, flush_rc;

	ids = xcalloc((size_t)a->argc, sizeof *ids);
	for (i = 0; i < a->argc; i++)
		ids[i] = cmd_ticket_arg(a->argv[i], "outgoing mail");
	if ((rc = cmd_sender(g, &ob)) != 0)
		goto out;
	if ((rc = cmd_open_store(g, 1, &st)) != 0)
		goto out;
	for (i = 0; i < a->argc && rc == 0; i++) {
		if ((rc = requeue_one(st, ids[i], &cause)) == 0)
			n++;
		else if (cause != NULL) {
			log_error("%s", cause);
			free(cause);
			cause = NULL;
		}
	}
	if (n > 0) {
		/* The fixed configuration is tried at once. */
		memset(&os, 0, sizeof os);
		flush_rc = cycle_flush(g, st, ob, 1, NULL, &os);
		if (rc == 0)
			rc = flush_rc != 0 ? flush_rc : os.deferred > 0 ?
			    EX_TEMPFAIL : 0;
		if (!g->quiet)
			printf("%d requeued: %u sent, %u to retry, %u failed\n",
			    n, os.sent, os.deferred, os.failed);
	}
out:
	if (st != NULL)
		store_close(st);
	outbox_free(ob);
	free(ids);
	return (rc);
}

const struct command cmd_requeue_command = {
	"requeue", NULL, requeue_main, requeue_opts, "ID ...", 1, -1,
	CMD_OPERAND_WORD, 0, "Queue failed outgoing mail again and send it"
};

