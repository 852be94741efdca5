/*
 * helpq - outbox.h: the queue of what helpq sends. A mail is decided and
 * put together (notify) inside the transaction that stores what caused
 * it, committed to the outbox with a unique key, and only then sent
 * (deliver). A crash before the send sends it on the next run; a send is
 * recorded as soon as the server accepts it. Temporary failures retry
 * with exponential backoff until [smtp] give-up; permanent ones are
 * marked failed and shown by "helpq outbox".
 */
#ifndef HELPQ_OUTBOX_H
#define HELPQ_OUTBOX_H

#include "compat.h"

#include <time.h>

#include "store.h"

struct compose_addr;
struct config;
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

/* The directory the templates are read from: the configured one, else
 * the shipped one. */
const char	*outbox_templates_dir(const struct config *);

/* Nonzero if mail can be sent (an SMTP server is configured). */
int		 outbox_enabled(const struct outbox *);

/* A mail to queue: what acks, escalations and replies differ in. All
 * borrowed from the caller. */
struct outbox_draft {
	const char		 *key;		/* unique in the outbox; NULL:
						   "kind:Message-ID" */
	int64_t			  ticket;
	enum msg_kind		  kind;
	const char		 *sender;	/* envelope; "" is <> */
	const struct compose_addr *to;
	size_t			  n_to;
	const char		 *subject;	/* the token is added if missing */
	const char		 *body;
	const char		 *language;
	const char		 *in_reply_to;
	const char *const	 *refs;
	size_t			  nrefs;
	const char		 *auto_submitted;
	enum outbox_copy	  copy;
	time_t			  now;
};

/* What became of a mail to queue. */
enum outbox_post_result {
	OUTBOX_POST_ERROR,		/* a store error: *cause */
	OUTBOX_POSTED,			/* queued, its message stored */
	OUTBOX_DUPLICATE,		/* its key was queued before: *idp
					   is that one */
	OUTBOX_CANNOT_COMPOSE		/* the mail cannot be made (an
					   address that cannot go into a
					   header): *cause, the store is
					   untouched */
};

/*
 * Put the mail together (From the desk, the ticket's token in the
 * subject, a new Message-ID, X-Loop naming us so our own mail coming
 * back is never answered) and queue it with its message in the ticket,
 * inside the caller's transaction. *msgrowp is that message's row, *idp
 * the outbox id.
 */
enum outbox_post_result outbox_post(struct outbox *, struct store *,
		    const struct outbox_draft *, int64_t *msgrowp,
		    int64_t *idp, char **cause);

/* One queued mail, copied out of the store; outbox_job_clear frees its
 * strings. */
struct outbox_job {
	int64_t		 id;
	int64_t		 ticket;
	char		*kind;
	char		*sender;
	char		*recipients;	/* ", " between addresses */
	char		*message_id;	/* without <>, or NULL */
	char		*raw;		/* a NUL follows rawlen */
	size_t		 rawlen;
	int		 attempts;
	time_t		 created;
	enum outbox_status status;
};

/*
 * The ids of the queued mail due at now (now 0: all queued), oldest
 * first; or of the sent mail whose copy to the Sent folder is still to
 * be made. *idsp is allocated (the caller frees it; NULL when *np is 0).
 * 0, or -1 with *cause.
 */
int		 outbox_due(struct store *, time_t now, int64_t **idsp,
		    size_t *np, char **cause);
int		 outbox_uncopied(struct store *, int64_t **idsp, size_t *np,
		    char **cause);

/* Read the mail id into *j: 0, 1 if there is no such mail (*j zeroed),
 * or -1 with *cause. */
int		 outbox_job_get(struct store *, int64_t id,
		    struct outbox_job *j, char **cause);
void		 outbox_job_clear(struct outbox_job *);

/*
 * Write what became of one attempt, in a transaction of its own: status,
 * the next attempt (queued), the error or the server's reply, and an
 * event in the ticket unless the mail stays queued. 0, or -1 with *cause.
 */
int		 outbox_record(struct store *, const struct outbox_job *,
		    enum outbox_status status, time_t next, time_t now,
		    const char *error, const char *reply, char **cause);

/*
 * After a temporary failure (reply says which): queue the mail again
 * with backoff (a minute, doubling, at most an hour), or fail it past
 * [smtp] give-up. *statusp gets which (OUTBOX_QUEUED or OUTBOX_FAILED)
 * even when recording it fails. 0, or -1 with *cause.
 */
int		 outbox_defer(struct outbox *, struct store *,
		    const struct outbox_job *, time_t now, const char *reply,
		    enum outbox_status *statusp, char **cause);

#endif
