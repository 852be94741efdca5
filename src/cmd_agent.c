/*
 * helpq - cmd_agent.c: the agents' desk: assign, note, priority and
 * merge. Each change is an event that names who made it (--agent, else
 * $HELPQ_AGENT, else the login name).
 */
#include "compat.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "buf.h"
#include "cmd.h"
#include "log.h"
#include "now.h"
#include "rules.h"
#include "store.h"
#include "thread.h"
#include "xmalloc.h"

/* A note longer than this is cut in the event. */
#define NOTE_MAX	(64 * 1024)

const char *
cmd_agent_name(const char *given)
{
	const struct passwd	*pw;
	const char		*s;

	if (given != NULL)
		return (given);
	if ((s = getenv("HELPQ_AGENT")) != NULL && *s != '\0')
		return (s);
	if ((s = getenv("USER")) != NULL && *s != '\0')
		return (s);
	/* No $USER (cron, a container's root shell): the login name. */
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_name != NULL &&
	    *pw->pw_name != '\0')
		return (pw->pw_name);
	return ("an agent");
}

/* One change to one ticket, in a transaction, with its event. */
struct agent_change {
	const char	*assign;	/* the agent to assign, or NULL */
	int		 unassign;
	int		 priority;	/* 0: none */
	const char	*note;
	const char	*by;
};

static int
agent_apply(struct store *st, int64_t id, void *arg, char **cause)
{
	struct agent_change	*a = arg;
	struct ticket_change	 c;
	time_t			 now = now_get();
	char			*detail;
	int			 rc;

	if (a->assign != NULL || a->unassign) {
		if (store_ticket_assign(st, id, a->assign, now, cause) != 0)
			return (-1);
		detail = a->assign != NULL ? xprintf("to %s by %s", a->assign,
		    a->by) : xprintf("by %s", a->by);
		rc = store_event_add(st, id, 0, now, a->assign != NULL ?
		    "assigned" : "unassigned", detail, cause);
	} else if (a->priority != 0) {
		memset(&c, 0, sizeof c);
		c.priority = a->priority;
		if (store_ticket_change(st, id, &c, now, cause) != 0)
			return (-1);
		detail = xprintf("%s by %s", rules_priority_name(
		    (enum rules_priority)a->priority), a->by);
		rc = store_event_add(st, id, 0, now, "priority", detail, cause);
	} else {
		detail = xprintf("by %s:\n%s", a->by, a->note);
		rc = store_event_add(st, id, 0, now, "note", detail, cause);
		if (rc == 0)
			rc = store_ticket_touch(st, id, now, cause);
	}
	free(detail);
	return (rc);
}

static const struct args_opt assign_opts[] = {
	{ "unassign", 0, NULL, 'u', "assign the ticket to nobody" },
	{ "agent", 0, "NAME", 'a', "who makes the change (default "
	    "$HELPQ_AGENT, else $USER)" },
	{ NULL, 0, NULL, 0, NULL }
};

static int
assign_main(struct globals *g, struct args *a)
{
	struct agent_change	 c;
	const char		*val, *by = NULL;
	int			 ch;

	memset(&c, 0, sizeof c);
	while ((ch = args_next(a, 0, &val)) != -1) {
		if (ch == 'u')
			c.unassign = 1;
		else if (ch == 'a')
			by = val;
	}
	if (c.unassign && a->argc != 1)
		cmd_usage_error("--unassign takes the ticket alone");
	if (!c.unassign && a->argc != 2)
		cmd_usage_error("missing AGENT (or --unassign)");
	if (!c.unassign) {
		c.assign = a->argv[1];
		if (*c.assign == '\0' || strpbrk(c.assign, " \t\r\n") != NULL)
			cmd_usage_error("'%s': an agent is one word, a name or "
			    "an address", c.assign);
	}
	c.by = cmd_agent_name(by);
	return (cmd_each_ticket(g, 1, a->argv, agent_apply, &c));
}

const struct command cmd_assign_command = {
	"assign", NULL, assign_main, assign_opts, "N [AGENT]", 1, 2,
	CMD_OPERAND_TICKET, 0, "Assign a ticket to an agent, or to nobody"
};

static const struct args_opt by_opts[] = {
	{ "agent", 0, "NAME", 'a', "who makes the change (default "
	    "$HELPQ_AGENT, else $USER)" },
	{ NULL, 0, NULL, 0, NULL }
};

static int
priority_main(struct globals *g, struct args *a)
{
	struct agent_change	 c;
	const char		*val, *by = NULL;
	int			 p;

	memset(&c, 0, sizeof c);
	while (args_next(a, 0, &val) != -1)
		by = val;
	for (p = RULES_PRIO_LOW; p <= RULES_PRIO_URGENT; p++) {
		if (strcmp(a->argv[1], rules_priority_name(
		    (enum rules_priority)p)) == 0)
			c.priority = p;
	}
	if (c.priority == 0)
		cmd_usage_error("unknown priority '%s' (low, normal, high, "
		    "urgent)", a->argv[1]);
	c.by = cmd_agent_name(by);
	return (cmd_each_ticket(g, 1, a->argv, agent_apply, &c));
}

const struct command cmd_priority_command = {
	"priority", NULL, priority_main, by_opts, "N LEVEL", 2, 2,
	CMD_OPERAND_TICKET, 0, "Set a ticket's priority: low, normal, high "
	"or urgent"
};

static int
note_main(struct globals *g, struct args *a)
{
	struct agent_change	 c;
	struct buf		 text;
	const char		*val, *by = NULL;
	int			 rc;

	memset(&c, 0, sizeof c);
	while (args_next(a, 0, &val) != -1)
		by = val;
	(void)cmd_ticket_arg(a->argv[0], "ticket");
	buf_init(&text);
	if ((rc = cmd_text("note", "no note was made", "", &text)) != 0)
		goto out;
	if (cmd_blank(buf_cstr(&text))) {
		log_error("the note is empty; no note was made");
		rc = EX_DATAERR;
		goto out;
	}
	if (text.len > NOTE_MAX) {
		log_error("the note is longer than %d bytes", NOTE_MAX);
		rc = EX_DATAERR;
		goto out;
	}
	while (text.len > 0 && (text.data[text.len - 1] == '\n' ||
	    text.data[text.len - 1] == '\r'))
		text.data[--text.len] = '\0';
	c.note = buf_cstr(&text);
	c.by = cmd_agent_name(by);
	rc = cmd_each_ticket(g, 1, a->argv, agent_apply, &c);
out:
	buf_free(&text);
	return (rc);
}

const struct command cmd_note_command = {
	"note", NULL, note_main, by_opts, "N", 1, 1, CMD_OPERAND_TICKET, 0,
	"Add an internal note to a ticket (never sent to the customer)"
};

/* helpq merge N M...: the tickets become one, under the oldest. */
struct agent_merge {
	int64_t		 into;		/* the ticket so far */
	const char	*by;
	char		**argv;		/* the numbers as given */
	int		 i;
};

static int
merge_apply(struct store *st, int64_t id, void *arg, char **cause)
{
	struct agent_merge	*m = arg;
	char			*why;
	int			 rc;

	const char		*given = m->argv[m->i++];

	if (m->into == 0) {
		m->into = id;
		return (0);
	}
	why = xprintf("by %s", m->by);
	rc = thread_merge_into(st, m->into, id, now_get(), why, &m->into,
	    cause);
	free(why);
	if (rc == 1)
		log_error("ticket %s is ticket %lld already: nothing was "
		    "merged", given, (long long)m->into);
	return (rc);
}

static int
merge_main(struct globals *g, struct args *a)
{
	struct agent_merge	 m;
	const char		*val, *by = NULL;
	int			 rc;

	memset(&m, 0, sizeof m);
	while (args_next(a, 0, &val) != -1)
		by = val;
	m.by = cmd_agent_name(by);
	m.argv = a->argv;
	if ((rc = cmd_each_ticket(g, a->argc, a->argv, merge_apply, &m)) == 0)
		printf("ticket %lld\n", (long long)m.into);
	return (rc);
}

const struct command cmd_merge_command = {
	"merge", NULL, merge_main, by_opts, "N M ...", 2, -1,
	CMD_OPERAND_TICKET, 0, "Merge tickets into the oldest; the other "
	"numbers name it"
};
