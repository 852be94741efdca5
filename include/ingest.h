/*
 * helpq - ingest.h: the pipeline for one incoming message: parse, recognise
 * duplicates, decide what it does (a plan), store it (message, ticket,
 * events, mail) in a transaction.
 */
#ifndef HELPQ_INGEST_H
#define HELPQ_INGEST_H

#include "compat.h"

#include "clocks.h"

#include <time.h>

#include "rules.h"
#include "store.h"
#include "thread.h"

struct config;
struct message;
struct msg_addr;
struct msg_origin;
struct outbox;
struct rules;
struct store;

enum ingest_result {
	INGEST_NEW = 0,		/* opened a new ticket */
	INGEST_THREADED,	/* joined an existing ticket */
	INGEST_DUPLICATE,	/* already stored; nothing added */
	INGEST_IGNORED,		/* stored without a ticket (rules) */
	INGEST_FAILED		/* could not be stored (logged) */
};

/* What was committed (a batch rolled back counts for nothing). */
struct ingest_stats {
	uint64_t	 count[INGEST_FAILED + 1];
	uint64_t	 bytes;
	uint64_t	 kept_failed;	/* of the failed, set aside (helpq
					   failed lists them) */
};

struct ingest;

/*
 * What one message does, decided before anything is written
 * (ingest_decide) and then written as it stands (ingest_apply): the
 * dry run, the report after each message and the audit events all say
 * what is in it. The plan owns its strings, the thread result and the
 * verdict: free them with ingest_plan_clear. It borrows party from the
 * message and language from the configuration (or the ingest's language
 * identifier); both must outlive it.
 */
struct ingest_plan {
	enum ingest_result	 result;	/* NEW, THREADED or IGNORED */
	int64_t			 ticket;	/* joins it; 0: opens one (NEW),
						   none (IGNORED), or unknown
						   (ingest_preview) */
	int64_t			 linked_to;	/* NEW: link to this ticket */
	int			 outgoing;	/* our own mail: an answer */
	enum msg_kind		 kind;
	time_t			 when;		/* the message's time */
	time_t			 now;		/* processing time */
	const struct msg_addr	*party;		/* the customer; may be NULL */
	struct thread_result	 thread;	/* where it goes, and why */
	struct rules_facts	 facts;		/* what the rules saw */
	struct rules_verdict	 v;		/* tags, fields, notes, queue,
						   priority, escalate, close */
	int			 ruled;		/* rules ran: v is applied */
	int			 reopen;	/* a closed ticket opens again */
	int			 rated;		/* an answer to the survey: */
	int			 rating;	/* its rating, */
	char			*rating_comment; /* and the words with it */
	int			 resume;	/* a waiting ticket opens again */
	int			 answered;	/* our answer stops the clock */
	int			 set_due;	/* a response clock starts: */
	struct clocks_start	 clock;		/* this one, */
	time_t			 due;		/* due then */
	int			 customer;	/* a customer's message on an
						   open ticket: the resolution
						   clock runs */
	char			*queue;		/* the ticket's queue after
						   the rules, or NULL */
	const char		*language;	/* NEW: the ticket's, or NULL */
	int			 fresh;		/* new mail, not history or old:
						   mail may go out for it */
	int			 escalate;	/* a rule escalated */
	int			 close;		/* a rule closed the ticket */
	int			 ack;		/* ask the outbox for an ack; it
						   may refuse over its limits
						   (ack_what says why) */
	const char		*noack;		/* a new customer ticket that
						   gets none asked for: why */
	char			*received;	/* event texts: "received" (or
						   "replied") and "threaded" */
	char			*threaded;
	char			*rules;		/* "rules"; NULL: none fired */
	/* What ingest_apply recorded. */
	int64_t			 msgrow;	/* the message's row */
	int			 acked;		/* an ack was queued */
	char			*ack_what;	/* what became of the ack in
						   words; NULL: none asked */
	char			*escalated;	/* the "escalated" event's text */
};

/*
 * Decide what msg (arrived as origin says) does: where threading puts it,
 * the rules' verdict and what follows from it, the clock, whether to
 * acknowledge. same_id_ticket is the ticket a stored message with the
 * same Message-ID is in (0: none). Reads the store (threading, the
 * customer's tickets, the ticket joined) and writes nothing. Fills *p
 * (zeroed first: clear a used plan before; ingest_plan_clear it either
 * way). Returns 0, or -1 with *cause.
 */
int		 ingest_decide(struct ingest *, const struct message *msg,
		    const struct msg_origin *origin, int64_t same_id_ticket,
		    struct ingest_plan *p, char **cause);
/*
 * Write p for msg (raw, len bytes, from origin) inside the open
 * transaction: the ticket, the message, events, the verdict, the
 * acknowledgement and escalation mail. Records in p what it did (the
 * ticket opened, msgrow, the ack's fate). Returns 0, or -1 with *cause.
 */
int		 ingest_apply(struct ingest *, struct ingest_plan *p,
		    const struct message *msg, const char *raw, size_t len,
		    const struct msg_origin *origin, char **cause);
void		 ingest_plan_clear(struct ingest_plan *);

/* What a preview may impose (helpq rules test). */
struct ingest_what_if {
	int			 new_ticket;	   /* -1: as threading finds */
	int64_t			 customer_tickets; /* -1: as stored */
	const char		*language;	   /* NULL: as identified */
	struct rules_trace	*trace;		   /* NULL: none; else filled
						      (rules_trace_free) */
};
/*
 * The plan for msg if it were imported now, as past mail, with the facts
 * w imposes; nothing is written. With no store (ingest_new(NULL, ...))
 * a message opens a ticket unless it replies to something (THREADED,
 * ticket 0: which one cannot be said), from a new customer, and the
 * plan ends with the verdict. Our own mail (p->outgoing) gets its facts
 * but no verdict: import applies no rules to it. Returns 0, or -1 with
 * *cause; ingest_plan_clear *p either way.
 */
int		 ingest_preview(struct ingest *, const struct message *msg,
		    const struct ingest_what_if *w, struct ingest_plan *p,
		    char **cause);

/*
 * Messages are committed in batches of batch_size (1 = one transaction per
 * message). ingest_flush() commits the open batch; the caller marks its
 * sources processed only after a flush returns 0.
 */
struct ingest	*ingest_new(struct store *, const struct config *,
		    unsigned batch_size);
/*
 * Evaluate incoming mail against rs (NULL: no rules) from now on. The rule
 * set is borrowed: the caller keeps it until ingest_free or the next call.
 */
void		 ingest_set_rules(struct ingest *, const struct rules *rs);
/*
 * Acknowledge new tickets and mail escalations through ob (borrowed; NULL
 * or one without SMTP: no mail is queued).
 */
void		 ingest_set_outbox(struct ingest *, struct outbox *ob);
/*
 * A dry run: nothing is ever committed; ingest_free rolls everything
 * back. Reports (below) show what would have happened.
 */
void		 ingest_set_dry_run(struct ingest *);
/*
 * Call fn after each message, inside its transaction (so fn may read the
 * store): where it came from, what happened, and the plan it was stored
 * by, as applied (NULL for a duplicate or a failure; borrowed for the
 * call).
 */
typedef void	(*ingest_report_fn)(void *, const struct msg_origin *,
		    enum ingest_result, const struct ingest_plan *);
void		 ingest_set_report(struct ingest *, ingest_report_fn,
		    void *arg);
/* Flushes (rolls back a dry run), then frees. Returns what ingest_flush
 * returned. */
int		 ingest_free(struct ingest *, char **cause);

/*
 * Commit the open batch. Returns 0, or -1 with *cause (allocated; the
 * caller frees it): the batch is rolled back and must be offered again.
 */
int		 ingest_flush(struct ingest *, char **cause);

/*
 * Run a message that was set aside through the pipeline again, leaving
 * the batch open so the caller can remove its failure mark in the same
 * transaction (then ingest_flush). Returns 0 (stored, or a duplicate),
 * 1 when the pipeline fails on it again (*why set, nothing stored), or -1
 * with *cause when the store failed (nothing stored).
 */
int		 ingest_retry(struct ingest *, const char *raw, size_t len,
		    const struct msg_origin *, enum ingest_result *resp,
		    char **why, char **cause);

/*
 * Import every message of src: a reader thread reads and parses ahead while
 * this thread stores, committing in batches; the open batch is committed at
 * the end. fn (may be NULL) is called after each message with the count so
 * far. *cause is set for either failure.
 */
enum ingest_source_result {
	INGEST_SOURCE_OK = 0,
	INGEST_SOURCE_STORE_FAILED = -1,	/* nothing of the open batch
						   was kept: offer it again */
	INGEST_SOURCE_READ_FAILED = -2		/* what was read is committed */
};
typedef void	(*ingest_progress_fn)(void *, uint64_t);
struct source;
enum ingest_source_result ingest_source(struct ingest *, struct source *,
		    ingest_progress_fn fn, void *arg, char **cause);
const struct ingest_stats *ingest_stats(const struct ingest *);

#endif
