/* helpq - main.c: the command line, subcommands and exit statuses. */
#include "compat.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"
#include "fault.h"
#include "log.h"
#include "outbox.h"
#include "rules.h"

static int	cmd_check(struct globals *, int, char **);

static const struct command commands[] = {
	{ "check", cmd_check, "check" },
	{ "close", cmd_close, "close N..." },
	{ "failed", cmd_failed, "failed [--json]" },
	{ "import", cmd_import, "import [--batch N] [--json] PATH|- ..." },
	{ "outbox", cmd_outbox_list, "outbox [--status S] [--limit N] "
	    "[--json]" },
	{ "poll", cmd_poll, "poll [--dry-run] [--json]" },
	{ "reopen", cmd_reopen, "reopen N..." },
	{ "reply", cmd_reply, "reply [--template NAME] [--close] "
	    "[--agent NAME] N" },
	{ "retry", cmd_retry, "retry ID" },
	{ "rules", cmd_rules, "rules check [PATH...]\n"
	    "  helpq rules test [--explain] [--json] [--time] [--rules PATH] "
	    "[--new|--reply]\n"
	    "        [--customer-tickets N] [--language L] MESSAGE|MAILDIR|- ..." },
	{ "run", cmd_run, "run" },
	{ "search", cmd_search, "search [--limit N] [--json] QUERY..." },
	{ "send", cmd_send, "send [--json]" },
	{ "show", cmd_show, "show [--json] N" },
	{ "tag", cmd_tag, "tag N +TAG|-TAG..." },
	{ "tickets", cmd_tickets, "tickets [--status S] [--open] [--tag T] "
	    "[--queue Q] [--customer A] [--limit N] [--json]" },
};

/* Find the configuration: -c, else the system file, else the user's. */
static int
load_config(struct globals *g, const char *path)
{
	char		*cause = NULL, user[4096];
	const char	*home, *xdg;

	config_defaults(&g->conf);
	if (path == NULL) {
		if (access(SYSCONFDIR "/helpq/helpq.conf", F_OK) == 0)
			path = SYSCONFDIR "/helpq/helpq.conf";
		else {
			xdg = getenv("XDG_CONFIG_HOME");
			home = getenv("HOME");
			if (xdg != NULL && *xdg == '/')
				snprintf(user, sizeof user,
				    "%s/helpq/helpq.conf", xdg);
			else if (home != NULL)
				snprintf(user, sizeof user,
				    "%s/.config/helpq/helpq.conf", home);
			else
				user[0] = '\0';
			if (user[0] != '\0' && access(user, F_OK) == 0)
				path = user;
		}
	} else if (access(path, F_OK) != 0) {
		log_error("%s: %s", path, strerror(errno));
		return (EX_NOINPUT);
	}
	if (path == NULL)
		return (0);
	if (config_load(&g->conf, path, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		return (EX_CONFIG);
	}
	return (0);
}

/* The configuration was read by main; the rules are read here. */
static int
cmd_check(struct globals *g, int argc, char **argv)
{
	struct rules	*rs;
	struct outbox	*ob;
	int		 rc;

	if (argc != 1)
		cmd_usage(EX_USAGE);
	if ((rc = cmd_load_rules(g, &rs)) != 0)
		return (rc);
	if ((rc = cmd_outbox(g, &ob)) != 0) {
		rules_free(rs);
		return (rc);
	}
	printf("%s: configuration OK", g->conf.path != NULL ?
	    g->conf.path : "(built-in defaults)");
	if (rs != NULL)
		printf("; %zu rules in %zu files OK", rules_count(rs),
		    rules_files(rs));
	if (outbox_enabled(ob))
		printf("; templates OK");
	printf("\n");
	outbox_free(ob);
	rules_free(rs);
	return (0);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "syslog", no_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct globals	 g;
	const char	*config_path = NULL;
	size_t		 i;
	int		 ch, rc, use_syslog = 0;

	memset(&g, 0, sizeof g);
	cmd_register(commands, nitems(commands));
	while ((ch = getopt_long(argc, argv, "+c:d:hqsvV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			config_path = optarg;
			break;
		case 'd':
			g.db_path = optarg;
			break;
		case 'h':
			cmd_usage(0);
		case 'q':
			g.quiet = 1;
			break;
		case 's':
			use_syslog = 1;
			break;
		case 'v':
			g.verbose++;
			break;
		case 'V':
			printf("helpq %s\n", PACKAGE_VERSION);
			return (0);
		default:
			cmd_usage(EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		cmd_usage(EX_USAGE);
	log_init(use_syslog, g.quiet ? LOG_LEVEL_ERROR : g.verbose ?
	    LOG_LEVEL_DEBUG : LOG_LEVEL_WARN, "helpq");
	fault_init();
	if ((rc = load_config(&g, config_path)) != 0) {
		config_clear(&g.conf);
		return (rc);
	}
	for (i = 0; i < nitems(commands); i++) {
		if (strcmp(commands[i].name, argv[0]) == 0)
			break;
	}
	if (i == nitems(commands)) {
		log_error("unknown command '%s'", argv[0]);
		cmd_usage(EX_USAGE);
	}
	optind = 1;	/* subcommands parse argv[1..] */
	rc = commands[i].fn(&g, argc, argv);
	config_clear(&g.conf);
	return (rc);
}
