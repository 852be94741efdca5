/*
 * helpq - cmd_desk.c: the desk commands, reading and changing tickets by
 * hand: tickets, show, search, close, reopen and tag.
 */
#include "compat.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "buf.h"
#include "cmd.h"
#include "log.h"
#include "output.h"
#include "store.h"

int
cmd_tickets(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "customer", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "limit", required_argument, NULL, 'l' },
		{ "open", no_argument, NULL, 'o' },
		{ "queue", required_argument, NULL, 'q' },
		{ "status", required_argument, NULL, 's' },
		{ "tag", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	struct ticket_filter	 f;
	struct store		*st;
	enum ticket_status	 status;
	char			*cause = NULL;
	int			 ch, json = 0, rc;

	memset(&f, 0, sizeof f);
	f.status = -1;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			f.customer = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'l':
			f.limit = atoi(optarg);
			break;
		case 'o':
			f.open_only = 1;
			break;
		case 'q':
			f.queue = optarg;
			break;
		case 's':
			if (store_status_parse(optarg, &status) != 0) {
				log_error("unknown status '%s' (new, open, "
				    "waiting, closed)", optarg);
				return (EX_USAGE);
			}
			f.status = (int)status;
			break;
		case 't':
			f.tag = optarg;
			break;
		default:
			cmd_usage(EX_USAGE);
		}
	}
	if (optind != argc)
		cmd_usage(EX_USAGE);
	if ((rc = cmd_open_store(g, 0, &st)) != 0)
		return (rc);
	if (output_tickets(stdout, g->conf.tz, st, &f, json, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		rc = EX_SOFTWARE;
	}
	store_close(st);
	return (rc);
}

int
cmd_show(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct store	*st;
	int64_t		 id;
	char		*cause = NULL;
	int		 ch, json = 0, rc, r;

	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch != 'j')
			cmd_usage(EX_USAGE);
		json = 1;
	}
	if (optind + 1 != argc || cmd_parse_ticket(argv[optind], &id) != 0)
		cmd_usage(EX_USAGE);
	if ((rc = cmd_open_store(g, 0, &st)) != 0)
		return (rc);
	r = output_show(stdout, g->conf.tz, st, id, json, &cause);
	if (r == 1) {
		log_error("no ticket %lld", (long long)id);
		rc = EX_DATAERR;
	} else if (r != 0) {
		log_error("%s", cause);
		free(cause);
		rc = EX_SOFTWARE;
	}
	store_close(st);
	return (rc);
}

int
cmd_search(struct globals *g, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "limit", required_argument, NULL, 'l' },
		{ NULL, 0, NULL, 0 }
	};
	struct store	*st;
	struct buf	 q;
	char		*cause = NULL;
	int		 ch, i, json = 0, limit = 0, rc;

	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 'l':
			limit = atoi(optarg);
			break;
		default:
			cmd_usage(EX_USAGE);
		}
	}
	if (optind >= argc)
		cmd_usage(EX_USAGE);
	buf_init(&q);
	for (i = optind; i < argc; i++)
		buf_addf(&q, "%s%s", i > optind ? " " : "", argv[i]);
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

/* Run fn on each ticket number in argv[1..] inside one transaction. */
static int
each_ticket(struct globals *g, int argc, char **argv,
    int (*fn)(struct store *, int64_t, void *, char **), void *arg)
{
	struct store	*st;
	struct ticket	 t;
	int64_t		 id;
	char		*cause = NULL;
	int		 i, rc, r;

	if (argc < 2)
		cmd_usage(EX_USAGE);
	for (i = 1; i < argc; i++) {
		if (cmd_parse_ticket(argv[i], &id) != 0)
			cmd_usage(EX_USAGE);
	}
	if ((rc = cmd_open_store(g, 1, &st)) != 0)
		return (rc);
	if (store_begin(st, &cause) != 0)
		goto fail;
	for (i = 1; i < argc; i++) {
		cmd_parse_ticket(argv[i], &id);
		memset(&t, 0, sizeof t);
		if ((r = store_ticket_get(st, id, &t, &cause)) == 1) {
			log_error("no ticket %lld", (long long)id);
			store_rollback(st);
			store_close(st);
			return (EX_DATAERR);
		}
		store_ticket_clear(&t);
		if (r != 0 || fn(st, id, arg, &cause) != 0) {
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

static int
set_status(struct store *st, int64_t id, void *arg, char **cause)
{
	enum ticket_status	 to = *(enum ticket_status *)arg;
	time_t			 now = time(NULL);

	if (store_ticket_set_status(st, id, to, now, cause) != 0)
		return (-1);
	return (store_event_add(st, id, 0, now, to == TICKET_CLOSED ?
	    "closed" : "reopened", "by command", cause));
}

int
cmd_close(struct globals *g, int argc, char **argv)
{
	enum ticket_status	to = TICKET_CLOSED;

	return (each_ticket(g, argc, argv, set_status, &to));
}

int
cmd_reopen(struct globals *g, int argc, char **argv)
{
	enum ticket_status	to = TICKET_OPEN;

	return (each_ticket(g, argc, argv, set_status, &to));
}

struct tag_args {
	char	**ops;
	int	  nops;
};

static int
apply_tags(struct store *st, int64_t id, void *arg, char **cause)
{
	struct tag_args	*ta = arg;
	time_t		 now = time(NULL);
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

int
cmd_tag(struct globals *g, int argc, char **argv)
{
	struct tag_args	 ta;
	char		*nums[2];
	int		 i;

	if (argc < 3)
		cmd_usage(EX_USAGE);
	for (i = 2; i < argc; i++) {
		if (!tag_valid(argv[i])) {
			log_error("'%s': expected +tag or -tag (no blanks "
			    "or commas)", argv[i]);
			return (EX_USAGE);
		}
	}
	ta.ops = argv + 2;
	ta.nops = argc - 2;
	nums[0] = argv[0];
	nums[1] = argv[1];
	return (each_ticket(g, 2, nums, apply_tags, &ta));
}
