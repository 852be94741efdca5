/*
 * helpq - cmd_sla.c: the response promise by hand: helpq sla (what to
 * answer next), helpq sla explain N, and helpq tick (the steps due now).
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "cmd.h"
#include "cycle.h"
#include "deliver.h"
#include "log.h"
#include "now.h"
#include "outbox.h"
#include "output.h"
#include "store.h"
#include "tick.h"

static const struct args_opt sla_opts[] = {
	{ "queue", 0, "Q", 'q', "only the clocks of queue Q" },
	{ "overdue", 0, NULL, 'o', "only clocks past their due time" },
	{ "json", 0, NULL, 'j', "print JSON" },
	{ NULL, 0, NULL, 0, NULL }
};

static int
sla_main(struct globals *g, struct args *a)
{
	struct output_sla_filter	 f;
	struct store			*st;
	const char			*val;
	char				*cause = NULL;
	int64_t				 ticket = 0;
	int				 ch, json = 0, rc, r;

	memset(&f, 0, sizeof f);
	while ((ch = args_next(a, 0, &val)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'o':
			f.overdue = 1;
			break;
		case 'q':
			f.queue = val;
			break;
		}
	}
	if (a->argc > 0) {
		if (strcmp(a->argv[0], "explain") != 0)
			cmd_usage_error("unknown command 'sla %s' (helpq sla "
			    "explain N explains a ticket's clocks)",
			    a->argv[0]);
		if (a->argc != 2)
			cmd_usage_error("sla explain needs one ticket number");
		if (f.queue != NULL || f.overdue)
			cmd_usage_error("--queue and --overdue choose what "
			    "helpq sla lists, not what it explains");
		ticket = cmd_ticket_arg(a->argv[1], "ticket");
	}
	if ((rc = cmd_open_store(g, 0, &st)) != 0)
		return (rc);
	if (ticket != 0)
		r = output_sla_explain(stdout, &g->conf, st, ticket,
		    now_get(), json, &cause);
	else
		r = output_sla(stdout, &g->conf, st, &f, now_get(), json,
		    &cause);
	store_close(st);
	return (cmd_view_status(r, ticket, cause));
}

const struct command cmd_sla_command = {
	"sla", NULL, sla_main, sla_opts, "[explain N]", 0, 2,
	CMD_OPERAND_NONE, 0,
	"The running response clocks, what is due soonest first"
};

static const struct args_opt tick_opts[] = {
	{ "json", 0, NULL, 'j', "print JSON" },
	{ NULL, 0, NULL, 0, NULL }
};

static int
tick_main(struct globals *g, struct args *a)
{
	struct deliver_stats	 os;
	struct tick_stats	 ts;
	struct outbox		*ob = NULL;
	struct store		*st = NULL;
	const char		*v;
	char			*cause = NULL, line[512];
	int			 json = 0, rc;

	while (args_next(a, 0, &v) != -1)
		json = 1;
	if ((rc = cmd_outbox(g, &ob)) != 0)
		return (rc);
	memset(&os, 0, sizeof os);
	if ((rc = cmd_open_store(g, 1, &st)) != 0)
		goto out;
	if (tick_run(ob, st, &g->conf, now_get(), &ts, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		rc = EX_TEMPFAIL;
		goto out;
	}
	if (outbox_enabled(ob))
		rc = cycle_flush(g, st, ob, 0, NULL, &os);
	if (json)
		printf("{\"clocks\": %zu, \"steps\": %zu, \"late\": %zu, "
		    "\"breached\": %zu, \"queued\": %zu, \"sent\": %u, "
		    "\"deferred\": %u}\n", ts.clocks, ts.steps, ts.late,
		    ts.breached, ts.mailed, os.sent, os.deferred);
	else if (log_to_service()) {
		cycle_summary(NULL, &ts, &os, line, sizeof line);
		if (*line != '\0')
			log_info("%s", line);
	} else if (!g->quiet)
		printf("%zu running clocks: %zu steps came due (%zu late), "
		    "%zu breached; %zu mails queued, %u sent\n", ts.clocks,
		    ts.steps, ts.late, ts.breached, ts.mailed, os.sent);
out:
	if (st != NULL)
		store_close(st);
	outbox_free(ob);
	return (rc);
}

const struct command cmd_tick_command = {
	"tick", NULL, tick_main, tick_opts, "", 0, 0, CMD_OPERAND_NONE, 0,
	"Mail the warnings, breaches and escalations due now"
};
