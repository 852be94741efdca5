/*
 * helpq - deliver.h: sending what the outbox holds. One sender at a time
 * (a lock file next to the database), one SMTP session per flush, each
 * result recorded as it comes; then copies of agents' mail into the IMAP
 * Sent folder, through a callback of the caller's, which holds the
 * connection.
 */
#ifndef HELPQ_DELIVER_H
#define HELPQ_DELIVER_H

#include "compat.h"

struct outbox;
struct store;

/* What a flush or copy did. */
struct deliver_stats {
	unsigned	 sent;
	unsigned	 acks;		/* of the sent, acknowledgements */
	unsigned	 deferred;	/* still queued: try again later */
	unsigned	 failed;	/* refused for good, or gave up */
	unsigned	 copied;	/* copies put into the Sent folder */
};

/* What a flush came to. */
enum deliver_result {
	DELIVER_ERROR = -1,		/* a store error, or the SMTP password
					   cannot be had: *cause set */
	DELIVER_OK = 0,			/* every send was tried (or another
					   helpq is sending right now) */
	DELIVER_SERVER_DOWN = 1,	/* the server could not be used: the
					   rest waits */
	DELIVER_CONFIG = 2		/* it cannot be used as configured
					   (its certificate): the mail tried
					   is failed with the reason, the rest
					   waits for a corrected
					   configuration */
};

/* Send what is due (all queued mail if force), recording each result as
 * it comes. */
enum deliver_result deliver_flush(struct outbox *, struct store *,
		    int force, struct deliver_stats *, char **cause);

/* Nonzero if sent mail waits to be copied to the Sent folder; -1 with
 * *cause on a store error. */
int		 deliver_copies_pending(struct store *, char **cause);

/*
 * Put len bytes of raw into folder (the IMAP Sent folder): 0, or -1 with
 * *cause allocated (the caller frees it).
 */
typedef int	(*deliver_append_fn)(void *arg, const char *folder,
		    const char *raw, size_t len, char **cause);
/*
 * Copy sent agents' mail into the Sent folder through append (the
 * caller holds the IMAP connection), where colleagues see it (and the
 * poller recognises it). A failed append leaves the rest for next time
 * (logged); -1 with *cause on a store error.
 */
int		 deliver_copy_sent(struct outbox *, struct store *,
		    deliver_append_fn append, void *arg,
		    struct deliver_stats *, char **cause);

#endif
