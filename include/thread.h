/* helpq - thread.h: which ticket (conversation) a message belongs to. */
#ifndef HELPQ_THREAD_H
#define HELPQ_THREAD_H

#include "compat.h"

#include <time.h>

struct config;
struct message;
struct store;

enum thread_how {
	THREAD_NEW = 0,		/* no evidence: a new ticket */
	THREAD_TOKEN,		/* ticket token in the subject */
	THREAD_REFERENCES,	/* In-Reply-To/References name a stored msg */
	THREAD_SUBJECT,		/* same customer, same normalised subject */
	THREAD_MSGID		/* same Message-ID as a stored message */
};

struct thread_result {
	enum thread_how	 how;
	int64_t		 ticket;	/* joins this ticket; 0 = new ticket */
	int		 reopen;	/* the ticket was closed: reopen it */
	int64_t		 link;		/* new ticket: link to this one */
	char		*evidence;	/* why, for the event log; allocated */
	char		*norm_subject;	/* normalised subject; allocated */
};

/*
 * Decide where msg goes. sender is the customer address (lower-case) the
 * caller chose (Reply-To or From); now is the processing time. Fills r
 * (free with thread_result_clear). Returns 0, or -1 with *cause set.
 */
int	 thread_find(struct store *, const struct config *,
	    const struct message *msg, const char *sender, time_t now,
	    struct thread_result *r, char **cause);
void	 thread_result_clear(struct thread_result *);

/*
 * After msg is stored in ticket: merge the other tickets it links to it
 * (those holding or referencing its Message-ID, In-Reply-To and
 * References), each time under the older ticket, when their customers
 * know each other as for a token and neither was closed longer ago than
 * the reopen window. *ticketp is where msg is then. 0, or -1 with
 * *cause.
 */
int	 thread_merges(struct store *, const struct config *,
	    const struct message *msg, int64_t ticket, time_t now,
	    int64_t *ticketp, char **cause);
/* Merge tickets a and b under the older with a "merged" event saying why
 * (helpq merge, thread_merges); *intop is the older. 0, 1 when they are
 * one or either is not there, -1 with *cause. */
int	 thread_merge_into(struct store *, int64_t a, int64_t b, time_t now,
	    const char *why, int64_t *intop, char **cause);

/* Short name of how: "new", "token", "references", "subject", "msgid". */
const char *thread_how_name(enum thread_how);

/*
 * Subject with reply/forward prefixes (Re, Fwd, AW, WG, SV, ΑΠ, ΣΧΕΤ, ...
 * repeated, nested, any case, "Re[2]:", "Re^2:") and [list] tags and ticket
 * tokens stripped, white space collapsed, case folded. Pure; returns
 * allocated memory the caller frees.
 */
char	*thread_subject_normalise(const char *subject, const char *token_prefix);

/* The token "[<prefix>123]" of ticket 123 (allocated). Pure. */
char	*thread_token(const char *token_prefix, int64_t ticket);

/* The ticket number in a "[<prefix>123]" token in subject, or 0. Pure. */
int64_t	 thread_token_find(const char *subject, const char *token_prefix);

#endif
