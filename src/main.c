/*
 * helpq - main.c: the command line: the global options, the command
 * table, and which command runs with what.
 */
#include "compat.h"

#include <errno.h>
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
#include "now.h"
#include "outbox.h"
#include "rules.h"

/*
 * The global options, accepted before and after the command name. The
 * help lists them in this order.
 */
static const struct args_opt global_opts[] = {
	{ "config", 'c', "FILE", 'c', "read this configuration file" },
	{ "db", 'd', "FILE", 'd', "use this database, not the configured "
	    "one" },
	{ "quiet", 'q', NULL, 'q', "print errors only and no summary" },
	{ "verbose", 'v', NULL, 'v', "print debugging messages (twice: protocol transcripts too)" },
	{ "syslog", 's', NULL, 's', "log to syslog (facility mail), not "
	    "standard error" },
	{ "help", 'h', NULL, 'h', "describe the command (or list the "
	    "commands) and exit" },
	{ "version", 'V', NULL, 'V', "print the version and exit" },
	{ NULL, 0, NULL, 0, NULL }
};

/* What the global options said. */
struct main_opts {
	const char	*config_path;
	int		 use_syslog;
	int		 help;
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
check_main(struct globals *g, struct args *a)
{
	struct rules	*rs;
	struct outbox	*ob;
	int		 rc;

	if ((rc = cmd_load_rules(g, &rs)) != 0)
		return (rc);
	if ((rc = cmd_outbox(g, &ob)) != 0) {
		rules_free(rs);
		return (rc);
	}
	(void)cmd_check_warnings(g);
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

static const struct args_opt check_opts[] = {
	{ NULL, 0, NULL, 0, NULL }
};

static const struct command cmd_check_def = {
	"check", NULL, check_main, check_opts, "", 0, 0, CMD_OPERAND_NONE, 0,
	"Check the configuration, the rules and the templates"
};

/* The commands, in the order the help lists them. */
static const struct command *const commands[] = {
	&cmd_assign_command,
	&cmd_check_def,
	&cmd_close_command,
	&cmd_doctor_command,
	&cmd_failed_command,
	&cmd_help_command,
	&cmd_import_command,
	&cmd_merge_command,
	&cmd_note_command,
	&cmd_outbox_command,
	&cmd_poll_command,
	&cmd_priority_command,
	&cmd_reopen_command,
	&cmd_reply_command,
	&cmd_report_command,
	&cmd_requeue_command,
	&cmd_retry_command,
	&cmd_rules_check_command,
	&cmd_rules_test_command,
	&cmd_run_command,
	&cmd_search_command,
	&cmd_send_command,
	&cmd_show_command,
	&cmd_sla_command,
	&cmd_tag_command,
	&cmd_tick_command,
	&cmd_tickets_command,
	&cmd_wait_command,
};

/*
 * Where the log goes and how much of it: --syslog, else journald when
 * systemd gave helpq its stream, else standard error. The commands that
 * run as services say what they did at the info level there; on a
 * terminal only warnings and errors are shown. -v adds debugging, -vv
 * protocol transcripts, -q leaves errors alone.
 */
static void
main_log(const struct command *c, struct globals *g, struct main_opts *mo)
{
	static const char *const service[] = { "run", "poll", "tick" };
	enum log_dest	 dest = LOG_DEST_STDERR;
	enum log_level	 level = LOG_LEVEL_WARN;
	size_t		 i;

	if (mo->use_syslog)
		dest = LOG_DEST_SYSLOG;
	else if (log_journal_stream())
		dest = LOG_DEST_JOURNAL;
	for (i = 0; i < nitems(service) && dest != LOG_DEST_STDERR; i++)
		if (strcmp(c->name, service[i]) == 0)
			level = LOG_LEVEL_INFO;
	if (g->verbose > 0)
		level = g->verbose > 1 ? LOG_LEVEL_TRACE : LOG_LEVEL_DEBUG;
	if (g->quiet)
		level = LOG_LEVEL_ERROR;
	log_init(dest, level, "helpq");
}

/* The global options of tables[table] in a into g and mo. */
static void
main_globals(struct args *a, size_t table, struct globals *g,
    struct main_opts *mo)
{
	const char	*val;
	int		 ch;

	while ((ch = args_next(a, table, &val)) != -1) {
		switch (ch) {
		case 'c':
			mo->config_path = val;
			break;
		case 'd':
			g->db_path = val;
			break;
		case 'h':
			mo->help = 1;
			break;
		case 'q':
			g->quiet = 1;
			break;
		case 's':
			mo->use_syslog = 1;
			break;
		case 'v':
			g->verbose++;
			break;
		case 'V':
			printf("helpq %s\n", PACKAGE_VERSION);
			exit(0);
		}
	}
}

/*
 * The command words[0] names (with its sub, words[1], for "rules");
 * *skipp is how many words name it. Exits with a usage error, or the
 * help of every sub when none is given and help is asked for.
 */
static const struct command *
main_find(int n, char **words, int help, int *skipp)
{
	const struct command	*c;
	size_t			 i;
	int			 group = 0;

	for (i = 0; i < nitems(commands); i++) {
		c = commands[i];
		if (strcmp(c->name, words[0]) != 0)
			continue;
		if (c->sub == NULL) {
			*skipp = 1;
			return (c);
		}
		group = 1;
		if (n > 1 && strcmp(c->sub, words[1]) == 0) {
			*skipp = 2;
			return (c);
		}
	}
	if (!group)
		cmd_usage_error("unknown command '%s'", words[0]);
	if (help || (n > 1 && (strcmp(words[1], "--help") == 0 ||
	    strcmp(words[1], "-h") == 0))) {
		cmd_help_print(words[0], NULL);
		exit(0);
	}
	if (n > 1)
		cmd_usage_error("unknown command '%s %s' (helpq help %s "
		    "lists them)", words[0], words[1], words[0]);
	cmd_usage_error("'%s' needs a command (helpq help %s lists them)",
	    words[0], words[0]);
}

int
main(int argc, char **argv)
{
	const struct args_opt	*const pre_tables[] = { global_opts };
	const struct args_opt	*tables[2];
	const struct command	*c;
	struct main_opts	 mo;
	struct globals		 g;
	struct args		 pre, a;
	char			*cause;
	int			 rc, skip;

	memset(&g, 0, sizeof g);
	memset(&mo, 0, sizeof mo);
	cmd_register(commands, nitems(commands), global_opts);
	/* The global options before the command, then the command's words
	 * against its own options and the global ones. */
	if (args_parse(&pre, argc - 1, argv + 1, pre_tables, 1,
	    ARGS_STOP) != 0)
		cmd_usage_error("%s", pre.error);
	main_globals(&pre, 0, &g, &mo);
	if (pre.argc == 0) {
		if (mo.help)
			cmd_usage(0);
		cmd_usage_error("no command given");
	}
	c = main_find(pre.argc, pre.argv, mo.help, &skip);
	cmd_set_current(c);
	tables[0] = c->opts;
	tables[1] = global_opts;
	rc = args_parse(&a, pre.argc - skip, pre.argv + skip, tables, 2,
	    c->flags);
	main_globals(&a, 1, &g, &mo);
	if (mo.help) {
		cmd_help_print(c->name, c->sub);
		exit(0);
	}
	if (rc != 0)
		cmd_usage_error("%s", a.error);
	if (a.argc < c->min)
		cmd_usage_error("missing %s", c->operands);
	if (c->max >= 0 && a.argc > c->max)
		cmd_usage_error("unexpected '%s'", a.argv[c->max]);
	main_log(c, &g, &mo);
	fault_init();
	if (now_setup(&cause) != 0) {
		log_error("%s", cause);
		free(cause);
		exit(EX_USAGE);
	}
	/* Help (and the shell's completion through it) works whatever the
	 * configuration holds. */
	if (c == &cmd_help_command) {
		config_defaults(&g.conf);
		rc = c->fn(&g, &a);
	} else if ((rc = load_config(&g, mo.config_path)) == 0)
		rc = c->fn(&g, &a);
	config_clear(&g.conf);
	args_free(&a);
	args_free(&pre);
	return (rc);
}
