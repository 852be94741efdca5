/*
 * helpq - notify.h: what helpq decides to write and puts together:
 * acknowledgements of new tickets, escalations to managers and agents'
 * replies. Each is rendered from its template and queued in the outbox
 * (outbox.h) in the transaction that decided it; deliver.h sends it.
 */
#ifndef HELPQ_NOTIFY_H
#define HELPQ_NOTIFY_H

#include "compat.h"

#include <time.h>

struct config;
struct message;
struct outbox;
struct rules_verdict;
struct store;

/* The message that opened a new ticket, for its acknowledgement. */
struct notify_ack {
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
int		 notify_ack(struct outbox *, struct store *,
		    const struct notify_ack *, char **what, char **cause);

/* A mail to the team about a ticket (or several). */
struct notify_team {
	int64_t		 ticket;	/* 0: about several (a digest) */
	const char	*key;		/* unique in the outbox */
	const char	*template_name;	/* "escalation", "sla", "sla-digest" */
	const char *const *to;		/* audiences: see notify_audience */
	size_t		 nto;
	const char	*queue_address;	/* "queue"'s; NULL: the agents */
	const char	*text;		/* ${text} */
	time_t		 due;		/* ${due}; 0: none */
	int		 breaker;	/* held by [ack] max-per-hour */
	time_t		 now;
};

/*
 * The addresses of audiences to[0..n): "managers" ([escalation]
 * managers), "agents" (the addresses of [agents]), "queue"
 * (queue_address, else the agents) and addresses, each once, in order.
 * *outp is allocated and borrows the strings (the caller frees the
 * array); returns how many.
 */
size_t		 notify_audience(const struct config *,
		    const char *const *to, size_t n, const char *queue_address,
		    const char ***outp);

/*
 * Mail m to the team in the default language, inside the caller's
 * transaction, keyed by m->key so a repeated run never mails twice.
 * *what as for notify_ack. Returns 1 if queued, 0 if not, -1 on error.
 */
int		 notify_team(struct outbox *, struct store *,
		    const struct notify_team *m, char **what, char **cause);

/*
 * An agent's answer to ticket: text (or the template name with ${text}
 * = text) sent from the support address with the ticket's threading
 * headers and token. In a transaction of its own: the message is stored
 * as our answer, an event names agent, and the mail is queued; the
 * response clock stops when the server accepts it (outbox_record). then
 * is the status the ticket moves to: TICKET_OPEN leaves it,
 * TICKET_WAITING waits on the customer, TICKET_CLOSED closes it. *idp is the
 * outbox id. Returns 0, or -1 with *cause (EX_DATAERR-worthy when the
 * ticket has nobody to answer).
 */
int		 notify_reply(struct outbox *, struct store *, int64_t ticket,
		    const char *text, const char *template_name,
		    const char *agent, int then, time_t now, int64_t *idp,
		    char **cause);

/*
 * The satisfaction survey of closed ticket at now, in the customer's
 * language ("survey", or "survey-nps" for [survey] scale = 10), threaded
 * to the conversation; or a record of why not (no answer was ever sent,
 * tagged spam or automated, the customer is an agent, one went to them
 * within [survey] window). Inside the caller's transaction, once per
 * ticket. *what says what happened (allocated). 1 if queued, 0 if not,
 * -1 with *cause.
 */
int		 notify_survey(struct outbox *, struct store *, int64_t ticket,
		    time_t now, char **what, char **cause);

#endif
