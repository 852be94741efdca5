/* helpq - config.h: the configuration file (INI style), defaults, secrets. */
#ifndef HELPQ_CONFIG_H
#define HELPQ_CONFIG_H

#include "compat.h"

#include <time.h>

#include "policy.h"
#include "sla.h"
#include "secret.h"

enum config_tls {
	CONFIG_TLS_IMPLICIT = 0,	/* imaps: TLS from the first byte */
	CONFIG_TLS_STARTTLS,
	CONFIG_TLS_NONE			/* only when the config says so */
};

enum config_auth {
	CONFIG_AUTH_LOGIN = 0,
	CONFIG_AUTH_PLAIN,		/* AUTHENTICATE PLAIN */
	CONFIG_AUTH_XOAUTH2		/* a bearer token as the secret */
};

/* What helpq does at first contact with a folder that holds mail. */
enum config_start {
	CONFIG_START_NOW = 0,		/* record it, acknowledge nothing */
	CONFIG_START_DATE,		/* ... except mail since start_date */
	CONFIG_START_ALL		/* treat all of it as new */
};

/* [imap]: the support mailbox. host NULL: no IMAP configured. */
struct config_imap {
	char		*host;
	unsigned	 port;		/* 0: 993, or 143 without implicit TLS */
	enum config_tls	 tls;
	char		*ca_file;	/* NULL: the system's trust store */
	char		*user;
	enum config_auth auth;
	struct secret_spec password;	/* or the OAuth2 token */
	char		**folders;	/* incoming, in order; INBOX default */
	size_t		 nfolders;
	char		*sent;		/* agents' replies; NULL: none */
	int		 keywords;	/* reflect tickets as keywords */
	int		 ticket_keywords; /* and $ticket-N, one per ticket */
	char		*queue_folder;	/* move here, %q = queue; NULL: no */
	unsigned	 batch;		/* messages per UID FETCH */
	size_t		 max_size;	/* larger: headers only; 0: no limit */
	/* A poll commits and sets keywords after this many messages, bytes
	 * or seconds, whichever comes first (0: no limit of that kind). */
	unsigned	 commit_count;
	size_t		 commit_size;
	time_t		 commit_time;
	enum config_start start;
	time_t		 start_date;
	int		 idle;		/* use IDLE when the server has it */
	time_t		 poll_interval;	/* helpq run without IDLE */
	time_t		 timeout;	/* per network operation */
};

/* [smtp]: where outgoing mail goes. host NULL: helpq sends nothing. */
struct config_smtp {
	char		*host;
	unsigned	 port;		/* 0: 465 for smtps, else 587 */
	enum config_tls	 tls;		/* STARTTLS unless configured */
	char		*ca_file;	/* NULL: the system's trust store */
	char		*user;		/* NULL: no AUTH */
	enum config_auth auth;		/* LOGIN or PLAIN (XOAUTH2 too) */
	struct secret_spec password;
	char		*from;		/* envelope sender of agents' mail;
					   NULL: the support address */
	char		*auto_from;	/* of acks and other automatic mail;
					   "" is the null sender <> */
	time_t		 timeout;	/* per connection and command */
	time_t		 give_up;	/* temporary failures retry this long */
};

/* [ack]: the automatic acknowledgement of a new ticket. */
struct config_ack {
	int		 enabled;
	time_t		 sender_window;	/* at most one ack per sender within */
	unsigned	 max_per_hour;	/* all automatic mail; 0: no cap */
	time_t		 max_age;	/* mail older than this is not acked */
};

/* Satisfaction surveys on close. */
struct config_survey {
	int		 enabled;
	time_t		 delay;		/* after the close */
	time_t		 window;	/* at most one per customer within */
	int		 scale;		/* 5: 1-5 (CSAT), 10: 0-10 (NPS) */
};

/* When helpq report flags a group as treated worse than the desk. */
struct config_report {
	unsigned	 slower;	/* percent slower median first response */
	unsigned	 points;	/* points fewer answered in time */
	unsigned	 min_tickets;	/* smaller groups are not judged */
};

enum config_stranger {
	CONFIG_STRANGER_LINK = 0,	/* new ticket linked to the old one */
	CONFIG_STRANGER_JOIN		/* let the token decide */
};

struct config {
	char		*path;		/* file read, or NULL for defaults */

	/* [helpq] */
	char		*database;	/* SQLite file */
	char		*address;	/* the support address */
	char		*name;		/* display name for outgoing mail */
	char		**agents;	/* addresses, or "@domain" */
	size_t		 nagents;
	char		*timezone;	/* zone name; NULL: the system's */
	struct tz	*tz;		/* that zone, for business hours,
					   due times and display (owned) */
	char		**languages;	/* identified, ISO 639-1 */
	size_t		 nlanguages;
	char		*default_language; /* when none is identified */
	char		**managers;	/* escalations go to these */
	size_t		 nmanagers;
	char		*templates;	/* outgoing mail's templates (a
					   directory); NULL: PKGDATADIR's */

	/* [thread] */
	char		*token_prefix;	/* "#" gives "[#123]" */
	time_t		 subject_window; /* same subject joins within this */
	time_t		 reopen_window;	/* closed ticket reopens within this */
	enum config_stranger stranger;

	/* [policy] */
	struct policy	 policy;	/* its cal is the default calendar */
	struct sla_queue sla;		/* its steps and resolution-time */
	/* [policy "QUEUE"], in the order of the file (owned) */
	struct sla_queue **queues;
	size_t		 nqueues;
	int		 in_queue;	/* loading: [policy "QUEUE"]'s keys */

	/* [calendar "NAME"], in the order of the file (owned) */
	struct calendar	**calendars;
	size_t		 ncalendars;

	/* [rules] */
	char		**rules;	/* files and directories, in order */
	size_t		 nrules;
	/* PCRE2 limits per match; 0: the rules module's own defaults. */
	unsigned	 match_limit;
	unsigned	 depth_limit;
	int		 jit;		/* compile regexes to machine code */

	struct config_imap imap;
	struct config_smtp smtp;
	struct config_ack ack;
	struct config_report report;
	struct config_survey survey;
};

/* Fill c with the built-in defaults. */
void	 config_defaults(struct config *c);

/*
 * Read path into c (after config_defaults). Returns 0, or -1 with *cause
 * ("file:line:column: what") allocated for the caller to free.
 */
int	 config_load(struct config *c, const char *path, char **cause);

/* Nonzero if addr (lower-case) is the support address or an agent's. */
int	 config_is_agent(const struct config *c, const char *addr);

/*
 * The calendar named name: a [calendar "NAME"] section, or "default" (or
 * NULL) for the default calendar of [policy]. NULL if there is none.
 */
const struct calendar *config_calendar(const struct config *c,
	    const char *name);

/* Free everything c owns; c itself is not freed. */
void	 config_clear(struct config *c);

/* Nonzero if the keyword table is sorted (for the unit test). */
int	 config_keys_sorted(void);

/*
 * Parse a duration: "90" (seconds), "30m", "24h", "7d", "2w".
 * Returns 0 and sets *out, or -1.
 */
int	 config_parse_duration(const char *s, time_t *out);

#endif
