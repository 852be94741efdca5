/*
 * helpq - cmd_failed.c: "helpq failed" lists the messages the pipeline set
 * aside; "helpq retry ID" runs one through it again (after an upgrade, or
 * a fixed rule file) and, once it is stored, removes its failure mark.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "cmd.h"
#include "cycle.h"
#include "deliver.h"
#include "ingest.h"
#include "log.h"
#include "now.h"
#include "outbox.h"
#include "output.h"
#include "rules.h"
#include "store.h"
#include "xmalloc.h"

static const struct args_opt failed_opts[] = {
	{ "json", 0, NULL, 'j', "print JSON" },
	{ NULL, 0, NULL, 0, NULL }
};

static int
failed_main(struct globals *g, struct args *a)
{
	struct store	*st;
	const char	*v;
	char		*cause = NULL;
	int		 json = 0, rc;

	while (args_next(a, 0, &v) != -1)
		json = 1;
	if ((rc = cmd_open_store(g, 0, &st)) != 0)
		return (rc);
	if (output_failed(stdout, g->conf.tz, st, json, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		rc = EX_SOFTWARE;
	}
	store_close(st);
	return (rc);
}

const struct command cmd_failed_command = {
	"failed", NULL, failed_main, failed_opts, "", 0, 0, CMD_OPERAND_NONE,
	0, "List the messages set aside as failed, oldest first"
};

/* A copy of the entry being retried (store_failed_get lends it). */
struct retry_entry {
	char		*source;
	uint32_t	 uidvalidity;
	uint32_t	 uid;
	char		*raw;
	size_t		 len;
};

static int
retry_copy(const struct failed_message *f, const char *raw, size_t len,
    void *arg, char **cause)
{
	struct retry_entry	*e = arg;

	e->source = xstrdup(f->source);
	e->uidvalidity = f->uidvalidity;
	e->uid = f->uid;
	e->raw = xmalloc(len + 1);
	memcpy(e->raw, raw, len);
	e->raw[len] = '\0';
	e->len = len;
	return (0);
}

struct retry_result {
	enum ingest_result	 res;
	int64_t			 ticket;
};

static void
retry_report(void *arg, const struct msg_origin *o, enum ingest_result r,
    const struct ingest_plan *p)
{
	struct retry_result	*rr = arg;

	rr->res = r;
	rr->ticket = p != NULL ? p->ticket : 0;
}

/* Store e again; on success its failure mark goes in the same commit. */
static int
retry_one(struct globals *g, struct store *st, struct rules *rs,
    struct outbox *ob, int64_t id, const struct retry_entry *e)
{
	static const char *const what[] = { "a new ticket", "threaded",
	    "a duplicate of a stored message", "stored without a ticket",
	    "failed" };
	struct msg_origin	 o;
	struct ingest		*in;
	struct retry_result	 rr;
	char			*why = NULL, *cause = NULL, *detail;
	int			 r, rc = 0;

	memset(&o, 0, sizeof o);
	o.mailbox = e->source;
	o.uidvalidity = e->uidvalidity;
	o.uid = e->uid;
	o.received = now_get();
	memset(&rr, 0, sizeof rr);
	in = ingest_new(st, &g->conf, 1);
	ingest_set_rules(in, rs);
	ingest_set_outbox(in, ob);
	ingest_set_report(in, retry_report, &rr);
	r = ingest_retry(in, e->raw, e->len, &o, &rr.res, &why, &cause);
	if (r == 1) {
		log_error("failed message %lld still fails: %s",
		    (long long)id, why);
		rc = EX_DATAERR;
		goto out;
	}
	if (r == 0) {
		detail = xprintf("failed message %lld from %s retried: %s",
		    (long long)id, e->source, what[rr.res]);
		r = store_failed_remove(st, id, &cause);
		/* From IMAP: the next poll marks it with its ticket. */
		if (r == 0 && e->uid != 0)
			r = store_mailbox_remark(st, e->source, e->uidvalidity,
			    e->uid, &cause);
		if (r == 0)
			r = store_event_add(st, rr.ticket, 0, o.received,
			    "retried", detail, &cause);
		free(detail);
	}
	if (r == 0)
		r = ingest_flush(in, &cause);
	if (r != 0) {
		log_error("%s", cause);
		rc = store_temporary(st) ? EX_TEMPFAIL : EX_SOFTWARE;
		goto out;
	}
	printf("failed message %lld: %s", (long long)id, what[rr.res]);
	if (rr.ticket != 0)
		printf(" #%lld", (long long)rr.ticket);
	putchar('\n');
out:
	free(why);
	free(cause);
	ingest_free(in, NULL);
	return (rc);
}

static const struct args_opt retry_opts[] = {
	{ NULL, 0, NULL, 0, NULL }
};

static int
retry_main(struct globals *g, struct args *a)
{
	struct retry_entry	 e;
	struct deliver_stats	 os;
	struct store		*st;
	struct rules		*rs;
	struct outbox		*ob;
	int64_t			 id;
	char			*cause = NULL;
	int			 r, rc;

	id = cmd_ticket_arg(a->argv[0], "failed message");
	if ((rc = cmd_open_ingest(g, &rs, &ob, &st)) != 0)
		return (rc);
	memset(&e, 0, sizeof e);
	r = store_failed_get(st, id, retry_copy, &e, &cause);
	if (r == 1) {
		log_error("no failed message %lld (helpq failed lists them)",
		    (long long)id);
		rc = EX_DATAERR;
	} else if (r != 0) {
		log_error("%s", cause);
		free(cause);
		rc = EX_TEMPFAIL;
	} else
		rc = retry_one(g, st, rs, ob, id, &e);
	if (rc == 0 && outbox_enabled(ob))
		cycle_flush(g, st, ob, 0, NULL, &os);
	free(e.source);
	free(e.raw);
	store_close(st);
	outbox_free(ob);
	rules_free(rs);
	return (rc);
}

const struct command cmd_retry_command = {
	"retry", NULL, retry_main, retry_opts, "ID", 1, 1, CMD_OPERAND_WORD, 0,
	"Run a failed message through the pipeline again"
};
