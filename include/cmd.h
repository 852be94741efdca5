/*
 * helpq - cmd.h: what the subcommands share: global options, the store
 * and the rules as the configuration names them, and exit statuses.
 */
#ifndef HELPQ_CMD_H
#define HELPQ_CMD_H

#include "compat.h"

#include "config.h"

struct rules;
struct store;

struct globals {
	struct config	 conf;
	const char	*db_path;	/* --db, else config, else default */
	int		 quiet;
	int		 verbose;
};

/* Print the usage to stdout (status 0) or stderr, and exit. */
__dead void	 cmd_usage(int status);

/*
 * Open the store (creating it when the command writes). Returns 0, or an
 * exit status after saying why.
 */
int		 cmd_open_store(struct globals *, int writes, struct store **);

/*
 * The path of the database the configuration names (static storage).
 */
const char	*cmd_db_path(struct globals *);

/*
 * Load the rule files the configuration names ([rules] path), else
 * SYSCONFDIR/helpq/rules.d if it exists; *rp is NULL when there are none.
 * Returns 0, or EX_CONFIG after printing every error.
 */
int		 cmd_load_rules(struct globals *, struct rules **rp);

int		 cmd_rules(struct globals *, int, char **);

#endif
