/*
 * helpq - cmd.h: what the subcommands share: global options, the store
 * and the rules as the configuration names them, and exit statuses.
 */
#ifndef HELPQ_CMD_H
#define HELPQ_CMD_H

#include "compat.h"

#include <sys/time.h>

#include "config.h"
#include "imap.h"
#include "ingest.h"
#include "deliver.h"
#include "source.h"

struct rules;
struct store;

struct globals {
	struct config	 conf;
	const char	*db_path;	/* --db, else config, else default */
	int		 quiet;
	int		 verbose;
};

/* One subcommand: fn returns the command's exit status. */
struct command {
	const char	*name;
	int		(*fn)(struct globals *, int, char **);
	const char	*usage;
};

/* The command table the usage lists (borrowed: static storage). */
void		 cmd_register(const struct command *, size_t n);
/* Print the usage to stdout (status 0) or stderr, and exit. */
__dead void	 cmd_usage(int status);

/*
 * Open the store (creating it when the command writes). Returns 0, or an
 * exit status after saying why.
 */
int		 cmd_open_store(struct globals *, int writes, struct store **);
/*
 * What a command that stores incoming mail needs: the rules, the outbox
 * and the store open for writing (the caller frees all three). Returns 0,
 * or an exit status after saying why, with nothing left open.
 */
struct outbox;
struct rules;
int		 cmd_open_ingest(struct globals *, struct rules **,
		    struct outbox **, struct store **);
/* The exit status for a database at path that cannot be opened or
 * locked: EX_CANTCREAT if it never can be, else EX_TEMPFAIL. */
int		 cmd_store_status(const char *path);

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
/* The rule paths cmd_load_rules loads: *pathsp[0..n) (borrowed), n
 * returned; 0 when there are none. */
size_t		 cmd_rule_paths(struct globals *, const char ***pathsp);
/* Load paths[0..n) as cmd_load_rules does (n 0: *rp NULL). */
int		 cmd_load_rule_paths(struct globals *, const char *const *paths,
		    size_t n, struct rules **rp);

/* A progress line on standard error while a terminal watches. */
struct cmd_progress {
	int		 on;
	const char	*label;		/* "import", "INBOX" */
	struct timeval	 start;
	struct timeval	 last;
	size_t		 total;
};
struct ingest_stats;
double		 cmd_elapsed(const struct timeval *since);
void		 cmd_progress_show(struct cmd_progress *, uint64_t done,
		    int final);
/* "N messages: ... new tickets, ..." or the same as JSON. */
void		 cmd_ingest_summary(const struct ingest_stats *, double secs,
		    int json);

/*
 * The exit statuses (sysexits) of the named outcomes below the commands,
 * in one place: a failure to connect to the IMAP server, to store a
 * source's messages, to open an IMAP folder, to send the outbox.
 */
int		 cmd_imap_status(enum imap_fail);
int		 cmd_ingest_status(enum ingest_source_result);
int		 cmd_folder_status(enum source_imap_open_result);
int		 cmd_flush_status(enum deliver_result);

/* A ticket number ("12" or "#12"): 0, or -1 if s is not one. */
int		 cmd_parse_ticket(const char *s, int64_t *idp);

/*
 * The outbox the configuration describes (templates loaded when an SMTP
 * server is configured). Returns 0, or EX_CONFIG after printing every
 * template error.
 */
struct outbox;
struct deliver_stats;
int		 cmd_outbox(struct globals *, struct outbox **);
int		 cmd_close(struct globals *, int, char **);
int		 cmd_failed(struct globals *, int, char **);
int		 cmd_import(struct globals *, int, char **);
int		 cmd_outbox_list(struct globals *, int, char **);
int		 cmd_retry(struct globals *, int, char **);
int		 cmd_reply(struct globals *, int, char **);
int		 cmd_rules(struct globals *, int, char **);
int		 cmd_send(struct globals *, int, char **);
int		 cmd_poll(struct globals *, int, char **);
int		 cmd_reopen(struct globals *, int, char **);
int		 cmd_run(struct globals *, int, char **);
int		 cmd_search(struct globals *, int, char **);
int		 cmd_show(struct globals *, int, char **);
int		 cmd_tag(struct globals *, int, char **);
int		 cmd_tickets(struct globals *, int, char **);

#endif
