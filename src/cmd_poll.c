/*
 * helpq - cmd_poll.c: "helpq poll" (one cycle over the IMAP folders, for
 * cron or a timer) and "helpq run" (stay connected: daemon.c).
 */
#include "compat.h"

#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "daemon.h"
#include "ingest.h"
#include "log.h"
#include "safe.h"
#include "xmalloc.h"

/* What one poll holds. */
struct poll_run {
	struct daemon	 d;
	json_t		*report;	/* dry run with --json */
};

/* ---- a dry run says what it would do ---- */

/*
 * One message as the plan it was stored by says: its ticket, the tags and
 * queue its rules set, and the acknowledgement's fate.
 */
static void
dry_report(void *arg, const struct msg_origin *o, enum ingest_result r,
    const struct ingest_plan *plan)
{
	static const char *const what[] = { "new ticket", "threaded",
	    "duplicate", "ignored", "failed" };
	struct poll_run			*p = arg;
	const struct rules_verdict	*v = NULL;
	struct buf			 b;
	json_t				*j, *tags;
	const char			*queue = NULL;
	char				*noack = NULL;
	size_t				 i, ntags = 0;
	int64_t				 ticket = 0;

	if (plan != NULL) {
		ticket = plan->ticket;
		if (plan->ruled && plan->result != INGEST_IGNORED) {
			v = &plan->v;
			ntags = v->ntags_add;
			queue = v->queue;
		}
		if (plan->noack != NULL)
			noack = xprintf("no ack: %s", plan->noack);
	}
	if (p->report != NULL) {
		j = json_object();
		json_object_set_new(j, "folder", json_string(o->mailbox));
		json_object_set_new(j, "uid", json_integer(o->uid));
		json_object_set_new(j, "result", json_string(what[r]));
		json_object_set_new(j, "ticket", ticket != 0 ?
		    json_integer(ticket) : json_null());
		tags = json_array();
		for (i = 0; i < ntags; i++)
			json_array_append_new(tags,
			    json_string(v->tags_add[i]));
		json_object_set_new(j, "tags", tags);
		json_object_set_new(j, "queue", queue != NULL ?
		    json_string(queue) : json_null());
		json_object_set_new(j, "acknowledge",
		    json_boolean(plan != NULL && plan->acked));
		json_object_set_new(j, "ack", plan != NULL &&
		    plan->ack_what != NULL ? json_string(plan->ack_what) :
		    json_null());
		json_array_append_new(p->report, j);
	} else {
		buf_init(&b);
		safe_add(&b, o->mailbox, 0);
		buf_addf(&b, " UID %u: %s", o->uid, what[r]);
		if (ticket != 0)
			buf_addf(&b, " #%lld", (long long)ticket);
		for (i = 0; i < ntags; i++) {
			buf_adds(&b, " +");
			safe_add(&b, v->tags_add[i], 0);
		}
		if (queue != NULL) {
			buf_adds(&b, " queue ");
			safe_add(&b, queue, 0);
		}
		if (plan != NULL && (plan->ack_what != NULL ||
		    noack != NULL)) {
			buf_adds(&b, " (");
			safe_add(&b, plan->ack_what != NULL ?
			    plan->ack_what : noack, 0);
			buf_adds(&b, ")");
		}
		printf("%s\n", buf_cstr(&b));
		buf_free(&b);
	}
	free(noack);
}

static const struct args_opt poll_opts[] = {
	{ "dry-run", 0, NULL, 'n', "change nothing; say what each new message "
	    "would do" },
	{ "json", 0, NULL, 'j', "print JSON" },
	{ NULL, 0, NULL, 0, NULL }
};

static int
poll_main(struct globals *g, struct args *a)
{
	struct poll_run		p;
	struct ingest_stats	stats;
	struct timeval		start;
	const char		*v;
	int			ch, dry = 0, json = 0, rc;

	while ((ch = args_next(a, 0, &v)) != -1) {
		switch (ch) {
		case 'n':
			dry = 1;
			break;
		case 'j':
			json = 1;
			break;
		}
	}
	daemon_signals();
	gettimeofday(&start, NULL);
	memset(&stats, 0, sizeof stats);
	memset(&p, 0, sizeof p);
	if ((rc = daemon_setup(&p.d, g)) == 0) {
		if (dry && json)
			p.report = json_array();
		if ((rc = daemon_connect(&p.d)) == 0)
			rc = daemon_cycle(&p.d, dry, dry ? dry_report : NULL,
			    &p, &stats);
	}
	if (rc == 0 && p.report != NULL) {
		json_dumpf(p.report, stdout, JSON_INDENT(2));
		putchar('\n');
	} else if (rc == 0 && (json || (!g->quiet && !log_to_service())))
		cmd_ingest_summary(&stats, cmd_elapsed(&start), json);
	daemon_teardown(&p.d);
	json_decref(p.report);
	/* Messages set aside are kept (helpq failed): not an error. */
	if (rc == 0 && stats.count[INGEST_FAILED] > stats.kept_failed)
		rc = EX_DATAERR;
	return (rc);
}

const struct command cmd_poll_command = {
	"poll", NULL, poll_main, poll_opts, "", 0, 0, CMD_OPERAND_NONE, 0,
	"One cycle over the IMAP mailbox, for cron or a timer"
};

static const struct args_opt run_opts[] = {
	{ NULL, 0, NULL, 0, NULL }
};

static int
run_main(struct globals *g, struct args *a)
{
	struct daemon	d;
	int		rc;

	daemon_signals();
	if ((rc = daemon_setup(&d, g)) == 0)
		rc = daemon_run(&d);
	daemon_teardown(&d);
	return (rc);
}

const struct command cmd_run_command = {
	"run", NULL, run_main, run_opts, "", 0, 0, CMD_OPERAND_NONE, 0,
	"Like poll, but stay connected (IDLE) until SIGTERM"
};
