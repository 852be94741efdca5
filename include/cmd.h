/*
 * helpq - cmd.h: what the subcommands share: global options, the store
 * and the rules as the configuration names them, and exit statuses.
 */
#ifndef HELPQ_CMD_H
#define HELPQ_CMD_H

#include "compat.h"

#include <sys/time.h>

#include "args.h"
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

/* What the completion script offers for a command's operands. */
enum cmd_operand {
	CMD_OPERAND_NONE,
	CMD_OPERAND_TICKET,	/* the first operand is a ticket number */
	CMD_OPERAND_TICKETS,	/* every operand is one */
	CMD_OPERAND_FILE,
	CMD_OPERAND_COMMAND,	/* a command's name (help) */
	CMD_OPERAND_WORD	/* anything: search words, ids */
};

/*
 * One command: "show", or "rules" with sub "test". main() parses the
 * words after it against opts (then the global options) and checks the
 * count of operands; fn reads its options with args_next(a, 0, ...) and
 * returns the command's exit status.
 */
struct command {
	const char		*name;
	const char		*sub;		/* NULL, or "check" of rules */
	int			(*fn)(struct globals *, struct args *);
	const struct args_opt	*opts;		/* ends with a NULL name */
	const char		*operands;	/* for the synopsis: "N ..." */
	int			 min;		/* operands at least */
	int			 max;		/* at most; -1: any number */
	enum cmd_operand	 complete;
	int			 flags;		/* ARGS_* for args_parse */
	const char		*purpose;	/* one line */
};

/*
 * The commands and the global options (borrowed: static storage), for
 * the usage, help and completion.
 */
void		 cmd_register(const struct command *const *, size_t n,
		    const struct args_opt *globals);
/* The command being run, for its usage errors (borrowed). */
void		 cmd_set_current(const struct command *);
/* Print the list of commands to stdout (status 0) or stderr, and exit. */
__dead void	 cmd_usage(int status);
/*
 * A usage error: "helpq CMD: what was wrong" and the command's synopsis
 * on standard error, then exit EX_USAGE.
 */
__dead void	 cmd_usage_error(const char *fmt, ...) __printflike(1, 2);
/* The help of command name (every sub when sub is NULL) to stdout. */
int		 cmd_help_print(const char *name, const char *sub);
/* The ticket number s, or a usage error naming what it should be. */
int64_t		 cmd_ticket_arg(const char *s, const char *what);

/*
 * Open the store (creating it when the command writes). Returns 0, or an
 * exit status after saying why.
 */
int		 cmd_open_store(struct globals *, int writes, struct store **);

/*
 * Run fn on each ticket number in ids[0..n) in one transaction of the
 * store opened for writing: a ticket that does not exist is EX_DATAERR
 * and changes nothing. fn gets the ticket a merged number names and
 * returns 0, -1 with *cause, or 1 for bad input it has logged
 * (EX_DATAERR, nothing changes). Returns 0 or an exit status after
 * saying why.
 */
int		 cmd_each_ticket(struct globals *, int n, char **ids,
		    int (*fn)(struct store *, int64_t, void *, char **),
		    void *arg);

/* The agent who acts: given, else $HELPQ_AGENT, else $USER, else the
 * login name, else "an agent". Borrowed. */
const char	*cmd_agent_name(const char *given);

/*
 * The exit status for what a view of ticket returned: 0, 1 (no such
 * ticket: EX_DATAERR) or -1 (cause is logged and freed: EX_SOFTWARE).
 */
int		 cmd_view_status(int r, int64_t ticket, char *cause);

/*
 * Text an agent writes: standard input, or, on a terminal, $VISUAL or
 * $EDITOR (default vi) opened on draft, into out; what names it in
 * errors ("reply"), none says what did not happen ("nothing was sent").
 * Returns 0 or an exit status after saying why (an unchanged draft is
 * EX_DATAERR).
 */
struct buf;
int		 cmd_text(const char *what, const char *none,
		    const char *draft, struct buf *out);
/* Nonzero if s holds nothing but blanks. */
int		 cmd_blank(const char *s);
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
/*
 * Warn (log_warnx) of what works but likely not as meant: no rule file
 * loaded, configured languages without templates of their own. Returns
 * how many warnings (cmd_doctor.c).
 */
int		 cmd_check_warnings(struct globals *);
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
/* The commands, each defined beside its code. */
extern const struct command cmd_check_command;
extern const struct command cmd_assign_command;
extern const struct command cmd_close_command;
extern const struct command cmd_doctor_command;
extern const struct command cmd_failed_command;
extern const struct command cmd_help_command;
extern const struct command cmd_import_command;
extern const struct command cmd_merge_command;
extern const struct command cmd_note_command;
extern const struct command cmd_outbox_command;
extern const struct command cmd_poll_command;
extern const struct command cmd_priority_command;
extern const struct command cmd_reopen_command;
extern const struct command cmd_report_command;
extern const struct command cmd_sla_command;
extern const struct command cmd_tick_command;
extern const struct command cmd_wait_command;
extern const struct command cmd_reply_command;
extern const struct command cmd_requeue_command;
extern const struct command cmd_retry_command;
extern const struct command cmd_rules_check_command;
extern const struct command cmd_rules_test_command;
extern const struct command cmd_run_command;
extern const struct command cmd_search_command;
extern const struct command cmd_send_command;
extern const struct command cmd_show_command;
extern const struct command cmd_tag_command;
extern const struct command cmd_tickets_command;

#endif
