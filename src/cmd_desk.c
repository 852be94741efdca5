/*
 * helpq - cmd_desk.c: the desk commands, reading and changing tickets by
 * hand: tickets, show, search, close, reopen and tag.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "buf.h"
#include "clocks.h"
#include "cmd.h"
#include "log.h"
#include "now.h"
#include "output.h"
#include "store.h"

static const struct args_opt tickets_opts[] = {
	{ "status", 0, "S", 's', "only tickets in status S: new, open, "
	    "waiting or closed" },
	{ "open", 0, NULL, 'o', "leave out closed tickets" },
	{ "tag", 0, "T", 't', "only tickets tagged T" },
	{ "queue", 0, "Q", 'q', "only tickets in queue Q" },
	{ "customer", 0, "ADDRESS", 'c', "only the tickets of this customer" },
	{ "assignee", 0, "AGENT", 'A', "only the tickets assigned to AGENT" },
	{ "mine", 0, NULL, 'm', "only mine (the agent of --agent, "
	    "$HELPQ_AGENT or $USER)" },
	{ "unassigned", 0, NULL, 'U', "only tickets assigned to nobody" },
	{ "agent", 0, "NAME", 'a', "who I am, for --mine" },
	{ "overdue", 0, NULL, 'O', "only tickets past their due time" },
	{ "sort", 0, "KEY", 'S', "order by KEY: updated (the default) or "
	    "due" },
	{ "limit", 0, "N", 'l', "at most N tickets" },
	{ "json", 0, NULL, 'j', "print JSON" },
	{ NULL, 0, NULL, 0, NULL }
};

static int
tickets_main(struct globals *g, struct args *a)
{
	struct ticket_filter	 f;
	struct store		*st;
	enum ticket_status	 status;
	const char		*val, *me = NULL;
	char			*cause = NULL;
	int			 ch, json = 0, rc, mine = 0;

	memset(&f, 0, sizeof f);
	f.status = -1;
	while ((ch = args_next(a, 0, &val)) != -1) {
		switch (ch) {
		case 'c':
			f.customer = val;
			break;
		case 'j':
			json = 1;
			break;
		case 'l':
			f.limit = atoi(val);
			break;
		case 'o':
			f.open_only = 1;
			break;
		case 'A':
			f.assignee = val;
			break;
		case 'a':
			me = val;
			break;
		case 'm':
			mine = 1;
			break;
		case 'U':
			f.unassigned = 1;
			break;
		case 'O':
			f.overdue_at = now_get();
			break;
		case 'S':
			if (strcmp(val, "due") == 0)
				f.sort_due = 1;
			else if (strcmp(val, "updated") != 0)
				cmd_usage_error("unknown sort key '%s' "
				    "(updated, due)", val);
			break;
		case 'q':
			f.queue = val;
			break;
		case 's':
			if (store_status_parse(val, &status) != 0)
				cmd_usage_error("unknown status '%s' (new, "
				    "open, waiting, closed)", val);
			f.status = (int)status;
			break;
		case 't':
			f.tag = val;
			break;
		}
	}
	if (mine)
		f.assignee = cmd_agent_name(me);
	if (f.unassigned && f.assignee != NULL)
		cmd_usage_error("--unassigned and --assignee or --mine exclude "
		    "each other");
	if ((rc = cmd_open_store(g, 0, &st)) != 0)
		return (rc);
	if (output_tickets(stdout, g->conf.tz, st, &f, now_get(), json,
	    &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		rc = EX_SOFTWARE;
	}
	store_close(st);
	return (rc);
}

const struct command cmd_tickets_command = {
	"tickets", NULL, tickets_main, tickets_opts, "", 0, 0,
	CMD_OPERAND_NONE, 0, "List tickets, most recent activity first"
};

static const struct args_opt show_opts[] = {
	{ "json", 0, NULL, 'j', "print JSON" },
	{ NULL, 0, NULL, 0, NULL }
};

static int
show_main(struct globals *g, struct args *a)
{
	struct store	*st;
	int64_t		 id;
	const char	*v;
	char		*cause = NULL;
	int		 json = 0, rc, r;

	while (args_next(a, 0, &v) != -1)
		json = 1;
	id = cmd_ticket_arg(a->argv[0], "ticket");
	if ((rc = cmd_open_store(g, 0, &st)) != 0)
		return (rc);
	r = output_show(stdout, g->conf.tz, st, id, now_get(), json, &cause);
	store_close(st);
	return (cmd_view_status(r, id, cause));
}

const struct command cmd_show_command = {
	"show", NULL, show_main, show_opts, "N", 1, 1, CMD_OPERAND_TICKET, 0,
	"Show a ticket: its messages, decoded, and its events"
};

static const struct args_opt search_opts[] = {
	{ "limit", 0, "N", 'l', "at most N tickets" },
	{ "json", 0, NULL, 'j', "print JSON" },
	{ NULL, 0, NULL, 0, NULL }
};

static int
search_main(struct globals *g, struct args *a)
{
	struct store	*st;
	struct buf	 q;
	const char	*val;
	char		*cause = NULL;
	int		 ch, i, json = 0, limit = 0, rc;

	while ((ch = args_next(a, 0, &val)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'l':
			limit = atoi(val);
			break;
		}
	}
	buf_init(&q);
	for (i = 0; i < a->argc; i++)
		buf_addf(&q, "%s%s", i > 0 ? " " : "", a->argv[i]);
	if ((rc = cmd_open_store(g, 0, &st)) != 0) {
		buf_free(&q);
		return (rc);
	}
	if (output_search(stdout, g->conf.tz, st, buf_cstr(&q), limit, json,
	    &cause) != 0) {
		log_error("search: %s", cause);
		free(cause);
		rc = EX_DATAERR;
	}
	buf_free(&q);
	store_close(st);
	return (rc);
}

const struct command cmd_search_command = {
	"search", NULL, search_main, search_opts, "QUERY ...", 1, -1,
	CMD_OPERAND_WORD, 0, "Full-text search over subjects and bodies"
};


/* Run fn on each ticket number in ids[0..n) inside one transaction. */
int
cmd_each_ticket(struct globals *g, int n, char **ids,
    int (*fn)(struct store *, int64_t, void *, char **), void *arg)
{
	struct store	*st;
	struct ticket	 t;
	int64_t		 id;
	char		*cause = NULL;
	int		 i, rc, r;

	for (i = 0; i < n; i++)
		(void)cmd_ticket_arg(ids[i], "ticket");
	if ((rc = cmd_open_store(g, 1, &st)) != 0)
		return (rc);
	if (store_begin(st, &cause) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		cmd_parse_ticket(ids[i], &id);
		memset(&t, 0, sizeof t);
		if ((r = store_ticket_get(st, id, &t, &cause)) == 1) {
			log_error("no ticket %lld", (long long)id);
			store_rollback(st);
			store_close(st);
			return (EX_DATAERR);
		}
		/* A merged ticket's number names the ticket it went into. */
		if (r == 0)
			id = t.id;
		store_ticket_clear(&t);
		if (r == 0 && (r = fn(st, id, arg, &cause)) == 1) {
			/* Bad input fn has said why: nothing changes. */
			store_rollback(st);
			store_close(st);
			return (EX_DATAERR);
		}
		if (r != 0) {
			store_rollback(st);
			goto fail;
		}
	}
	if (store_commit(st, &cause) != 0)
		goto fail;
	store_close(st);
	return (0);
fail:
	log_error("%s", cause);
	free(cause);
	store_close(st);
	return (EX_SOFTWARE);
}

struct status_args {
	const struct config	*conf;
	enum ticket_status	 to;
};

static int
set_status(struct store *st, int64_t id, void *arg, char **cause)
{
	struct status_args	*sa = arg;

	return (clocks_move(st, sa->conf, id, (int)sa->to, now_get(),
	    "by command", 0, cause));
}

static const struct args_opt no_opts[] = {
	{ NULL, 0, NULL, 0, NULL }
};

static int
status_main(struct globals *g, struct args *a, enum ticket_status to)
{
	struct status_args	sa;

	sa.conf = &g->conf;
	sa.to = to;
	return (cmd_each_ticket(g, a->argc, a->argv, set_status, &sa));
}

static int
close_main(struct globals *g, struct args *a)
{
	return (status_main(g, a, TICKET_CLOSED));
}

const struct command cmd_close_command = {
	"close", NULL, close_main, no_opts, "N ...", 1, -1,
	CMD_OPERAND_TICKETS, 0, "Close tickets"
};

static int
reopen_main(struct globals *g, struct args *a)
{
	return (status_main(g, a, TICKET_OPEN));
}

const struct command cmd_reopen_command = {
	"reopen", NULL, reopen_main, no_opts, "N ...", 1, -1,
	CMD_OPERAND_TICKETS, 0, "Reopen tickets"
};

static int
wait_main(struct globals *g, struct args *a)
{
	return (status_main(g, a, TICKET_WAITING));
}

const struct command cmd_wait_command = {
	"wait", NULL, wait_main, no_opts, "N ...", 1, -1,
	CMD_OPERAND_TICKETS, 0, "Wait on the customer: no response clock "
	"runs until they write"
};

struct tag_args {
	char	**ops;
	int	  nops;
};

static int
apply_tags(struct store *st, int64_t id, void *arg, char **cause)
{
	struct tag_args	*ta = arg;
	time_t		 now = now_get();
	int		 i;

	for (i = 0; i < ta->nops; i++) {
		const char	*op = ta->ops[i];

		if (op[0] == '+') {
			if (store_tag_add(st, id, op + 1, now, cause) != 0)
				return (-1);
		} else if (store_tag_remove(st, id, op + 1, now, cause) != 0)
			return (-1);
	}
	return (0);
}

static int
tag_valid(const char *s)
{
	if ((s[0] != '+' && s[0] != '-') || s[1] == '\0')
		return (0);
	for (s++; *s != '\0'; s++) {
		if ((unsigned char)*s <= ' ' || *s == ',' || *s == 0x7f)
			return (0);
	}
	return (1);
}

/* After the ticket number -word is a tag to remove, not an option. */
static int
tag_main(struct globals *g, struct args *a)
{
	struct tag_args	 ta;
	int		 i;

	(void)cmd_ticket_arg(a->argv[0], "ticket");
	for (i = 1; i < a->argc; i++) {
		if (!tag_valid(a->argv[i]))
			cmd_usage_error("'%s': expected +TAG or -TAG (no "
			    "blanks or commas)", a->argv[i]);
	}
	ta.ops = a->argv + 1;
	ta.nops = a->argc - 1;
	return (cmd_each_ticket(g, 1, a->argv, apply_tags, &ta));
}

const struct command cmd_tag_command = {
	"tag", NULL, tag_main, no_opts, "N +TAG|-TAG ...", 2, -1,
	CMD_OPERAND_TICKET, ARGS_DASH_WORDS, "Add (+TAG) or remove (-TAG) tags"
};
