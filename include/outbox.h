/*
 * helpq - outbox.h: what helpq sends, and when. A mail is decided and
 * put together (templates, compose) inside the transaction that stores
 * what caused it, committed to the outbox with a unique key, and only
 * then sent (smtp). A crash before the send sends it on the next run; a
 * send is recorded as soon as the server accepts it. Temporary failures
 * retry with exponential backoff until [smtp] give-up; permanent ones
 * are marked failed and shown by "helpq outbox".
 */
#ifndef HELPQ_OUTBOX_H
#define HELPQ_OUTBOX_H

#include "compat.h"

#include <time.h>

struct config;
struct message;
struct rules_verdict;
struct store;
struct outbox;

/*
 * The outbox for conf (borrowed; it must outlive the outbox) and the
 * database at dbpath (whose "<dbpath>.send.lock" keeps two helpq from
 * sending the same mail at once). With an SMTP server configured the
 * templates are loaded now: returns NULL with *cause (every template
 * error, file:line:column) when they are broken. Without one, the outbox
 * queues nothing and sends nothing.
 */
struct outbox	*outbox_new(const struct config *conf, const char *dbpath,
		    char **cause);
void		 outbox_free(struct outbox *);	/* NULL is fine */

/* Nonzero if mail can be sent (an SMTP server is configured). */
int		 outbox_enabled(const struct outbox *);

/* The message that opened a new ticket, for its acknowledgement. */
struct outbox_ack {
	const struct message	 *msg;
	int64_t			  ticket;
	int64_t			  msgrow;	/* messages.id of msg */
	const struct rules_verdict *v;		/* may be NULL */
	const char		 *language;	/* the ticket's, or NULL */
	time_t			  due;		/* when the answer is due */
	time_t			  when;		/* the message's time */
	time_t			  now;		/* processing time */
	int			  history;	/* there before helpq looked */
};

/*
 * Acknowledge a new ticket, or record why not (RFC 3834, the rules, one
 * ack per sender within [ack] sender-window, the hourly cap on automatic
 * mail, the message's age). Runs inside the caller's transaction: the
 * ack, its message row and an "acked" or "no ack" event commit with the
 * ticket. *what (may be NULL) gets what happened (allocated). Returns 1
 * if an ack was queued, 0 if not, -1 with *cause on a store error.
 */
int		 outbox_ack(struct outbox *, struct store *,
		    const struct outbox_ack *, char **what, char **cause);

/*
 * Tell managers (or the addresses to[0..n), where "managers" stands for
 * [helpq] managers) about ticket, for reason; inside the caller's
 * transaction, keyed by key so a repeated run never mails twice.
 * *what as for outbox_ack. Returns 1 if queued, 0 if not, -1 on error.
 */
int		 outbox_escalate(struct outbox *, struct store *,
		    int64_t ticket, const char *key, const char *const *to,
		    size_t n, const char *reason, time_t now, char **what,
		    char **cause);

/*
 * An agent's answer to ticket: text (or the template name with ${text}
 * = text) sent from the support address with the ticket's threading
 * headers and token. In a transaction of its own: the message is stored
 * as our answer (the clock stops; the ticket waits, or closes with
 * close), an event names agent, and the mail is queued. *idp is the
 * outbox id. Returns 0, or -1 with *cause (EX_DATAERR-worthy when the
 * ticket has nobody to answer).
 */
int		 outbox_reply(struct outbox *, struct store *, int64_t ticket,
		    const char *text, const char *template_name,
		    const char *agent, int close, time_t now, int64_t *idp,
		    char **cause);

/* What a flush or copy did. */
struct outbox_stats {
	unsigned	 sent;
	unsigned	 deferred;	/* still queued: try again later */
	unsigned	 failed;	/* refused for good, or gave up */
	unsigned	 copied;	/* copies put into the Sent folder */
};

/* What a flush came to. */
enum outbox_flush_result {
	OUTBOX_FLUSH_ERROR = -1,	/* a store error, or the SMTP password
					   cannot be had: *cause set */
	OUTBOX_FLUSH_OK = 0,		/* every send was tried (or another
					   helpq is sending right now) */
	OUTBOX_FLUSH_SERVER_DOWN = 1,	/* the server could not be used: the
					   rest waits */
	OUTBOX_FLUSH_CONFIG = 2		/* it cannot be used as configured
					   (its certificate): the mail tried
					   is failed with the reason, the rest
					   waits for a corrected
					   configuration */
};

/* Send what is due (all queued mail if force), recording each result as
 * it comes. */
enum outbox_flush_result outbox_flush(struct outbox *, struct store *,
		    int force, struct outbox_stats *, char **cause);

/* Nonzero if sent mail waits to be copied to the Sent folder. */
int		 outbox_copies_pending(struct store *, char **cause);

/*
 * Put len bytes of raw into folder (the IMAP Sent folder): 0, or -1 with
 * *cause allocated (the caller frees it).
 */
typedef int	(*outbox_append_fn)(void *arg, const char *folder,
		    const char *raw, size_t len, char **cause);
/*
 * Copy sent agents' mail into the Sent folder through append (the
 * caller holds the IMAP connection), where colleagues see it (and the
 * poller recognises it). A failed append leaves the rest for next time
 * (logged); -1 with *cause on a store error.
 */
int		 outbox_copy_sent(struct outbox *, struct store *,
		    outbox_append_fn append, void *arg, struct outbox_stats *,
		    char **cause);

#endif
