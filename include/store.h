/*
 * helpq - store.h: the SQLite store. Every SQL statement helpq runs lives in
 * the store's statement table (src/store_private.h), run by the store*.c
 * files and prepared once per connection.
 */
#ifndef HELPQ_STORE_H
#define HELPQ_STORE_H

#include "compat.h"

#include <time.h>

struct message;
struct store;

enum ticket_status {
	TICKET_NEW = 0,
	TICKET_OPEN,
	TICKET_WAITING,
	TICKET_CLOSED
};

enum msg_direction {
	MSG_IN = 0,		/* from a customer (or anyone outside) */
	MSG_OUT			/* from us: agent, ack, escalation, survey */
};

enum msg_kind {
	MSG_KIND_CUSTOMER = 0,
	MSG_KIND_AGENT,
	MSG_KIND_ACK,
	MSG_KIND_ESCALATION,
	MSG_KIND_SURVEY,
	MSG_KIND_AUTOMATED
};

/* A ticket as read back. Strings are owned; free with store_ticket_clear. */
struct ticket {
	int64_t			 id;		/* the ticket number */
	char			*subject;
	char			*norm_subject;
	int64_t			 customer_id;
	char			*customer;	/* address */
	char			*customer_name;	/* or NULL */
	enum ticket_status	 status;
	char			*queue;		/* or NULL */
	int			 priority;
	char			*assignee;	/* or NULL */
	char			*language;	/* or NULL */
	time_t			 created;
	time_t			 updated;	/* last message or change */
	time_t			 first_response; /* 0 = none yet */
	time_t			 due;		/* 0 = none */
	time_t			 closed;	/* 0 = not closed */
	int64_t			 linked_to;	/* 0 = none */
	int			 nmessages;
	time_t			 response_time;	/* set by a rule; 0 = default */
	char			**tags;		/* sorted */
	size_t			 ntags;
};

/* A new ticket to create. Strings are borrowed. */
struct ticket_new {
	const char		*subject;
	const char		*norm_subject;
	const char		*customer;	/* address, lower-case */
	const char		*customer_name;	/* or NULL */
	time_t			 created;
	int64_t			 linked_to;	/* 0 = none */
};

/* Where a stored message came from. Strings are borrowed. */
struct msg_origin {
	const char		*mailbox;	/* "INBOX", a path, "-" for stdin */
	uint32_t		 uidvalidity;	/* 0 when not IMAP */
	uint32_t		 uid;		/* 0 when not IMAP */
	time_t			 received;	/* when helpq read it */
	int			 history;	/* there before helpq first
						   looked: record, never ack */
	time_t			 arrived;	/* the source's time for it
						   (source_item); 0 none */
	int			 archive;	/* from a file of past mail */
};

/* A stored message as read back. Strings are owned by the store callback
 * and valid only during the callback. */
struct stored_message {
	int64_t			 id;
	int64_t			 ticket_id;	/* 0 = no ticket (ignored) */
	const char		*message_id;	/* or NULL */
	enum msg_direction	 direction;
	enum msg_kind		 kind;
	const char		*from_addr;
	const char		*from_name;	/* or NULL */
	const char		*to;		/* "a@x, B <b@y>" decoded */
	const char		*cc;
	const char		*subject;
	time_t			 date;		/* header date, else received */
	time_t			 received;
	const char		*body;
	const char		*attachments;	/* JSON array of {name,type,size} */
	const char		*hash;
	const char		*in_reply_to;	/* or NULL */
	const char		*references;	/* ids, blank-separated, or NULL */
};

/* An audit event as read back; strings valid during the callback only. */
struct stored_event {
	int64_t			 id;
	int64_t			 ticket_id;
	int64_t			 message_id;	/* messages.id, 0 = none */
	time_t			 time;
	const char		*kind;		/* "received", "threaded", ... */
	const char		*detail;	/* free text, or NULL */
};

/* Filter for store_tickets_list; NULL/0 fields do not filter. Borrowed. */
struct ticket_filter {
	int			 status;	/* -1 = any, else enum ticket_status */
	int			 open_only;	/* anything but closed */
	const char		*tag;
	const char		*queue;
	const char		*customer;
	time_t			 overdue_at;	/* 0, or only tickets due by
						   then */
	const char		*assignee;	/* only those assigned to */
	int			 unassigned;	/* only those assigned to
						   nobody */
	int			 sort_due;	/* soonest due first, not the
						   latest activity */
	int			 limit;		/* 0 = all */
};

/* One full-text search hit; strings valid during the callback only. */
struct search_hit {
	int64_t			 ticket_id;
	int64_t			 message_id;
	const char		*subject;
	const char		*from_addr;
	time_t			 date;
	const char		*snippet;	/* matched text, terms in [ ] */
};

/*
 * Every function that can fail returns -1 and sets *cause (allocated; the
 * caller frees it). Lookups return 0 when found, 1 when not found.
 */

/* Open (creating and migrating forward as needed) the database at path.
 * readonly opens an existing database without writing. */
int	 store_open(const char *path, int readonly, struct store **sp,
	    char **cause);
void	 store_close(struct store *);
/* The schema version of the database at path (*version, read without
 * writing or migrating) and the one this helpq writes (*current). */
int	 store_schema_version(const char *path, int *version, int *current,
	    char **cause);

int	 store_begin(struct store *, char **cause);
int	 store_commit(struct store *, char **cause);
void	 store_rollback(struct store *);

/* A savepoint inside the open transaction, so one message's failure undoes
 * that message only. */
int	 store_savepoint(struct store *, char **cause);

/*
 * The full-text index is kept in a file beside the database
 * (<database>-search) and follows committed messages. By default it is
 * brought up to date when a writing store is opened and closed, and
 * SQLite copies the WAL back into the database on commit. After this call
 * (for imports and the poller) two threads with connections of their own
 * do both after every commit, so the writer never waits for them. They
 * stop at store_close.
 */
int	 store_background(struct store *, char **cause);
int	 store_savepoint_release(struct store *, char **cause);
int	 store_savepoint_rollback(struct store *, char **cause);

/*
 * Recognise a message already stored. With a Message-ID: the same id and
 * the same hash is a duplicate (returns 0, *idp set), and so is mail
 * helpq sent itself (the id is in the outbox) whatever its bytes; the
 * same id with another hash returns 2 (*idp = that message, *ticketp
 * its ticket).
 * Without one: the same hash is a duplicate. Otherwise returns 1.
 */
int	 store_message_known(struct store *, const char *msgid,
	    const char *hash, int64_t *idp, int64_t *ticketp, char **cause);

/* The ticket holding a message whose Message-ID is msgid. */
int	 store_ticket_by_msgid(struct store *, const char *msgid,
	    int64_t *ticketp, char **cause);

/* The oldest ticket whose messages reference msgid: *ticketp, or 0.
 * 0, or -1 with *cause. */
int	 store_ticket_by_reference(struct store *, const char *msgid,
	    int64_t *ticketp, char **cause);
/* The other tickets one reference away from ticket (they reference its
 * messages, hold messages it references, or reference what it does),
 * oldest first: up to max into v, their number in *np. 0, or -1 with
 * *cause. */
int	 store_ticket_links(struct store *, int64_t ticket, int64_t *v,
	    size_t max, size_t *np, char **cause);
/* Call fn with each address that takes part in both tickets a and b
 * until it returns nonzero: that value, 0 when none did, -1 with *cause.
 */
int	 store_shared_participants(struct store *, int64_t a, int64_t b,
	    int (*fn)(const char *addr, void *), void *arg, char **cause);
/* Whether the ticket's first message replies to another (In-Reply-To or
 * References): 1 yes, 0 no, -1 with *cause. */
int	 store_ticket_root_is_reply(struct store *, int64_t ticket,
	    char **cause);
/*
 * The newest ticket of customer whose normalised subject is norm_subject
 * and which had activity at or after since.
 */
int	 store_ticket_by_subject(struct store *, const char *customer,
	    const char *norm_subject, time_t since, int64_t *ticketp,
	    char **cause);

/*
 * Merge ticket from into ticket into: its messages, participants, tags,
 * fields, events, outbox, clocks and survey go to into, whose values win
 * where both have one; of two running clocks of a kind the earlier runs
 * on. from's number becomes an alias of into (store_ticket_get and
 * store_ticket_resolve follow it) and both tickets' messages are marked
 * again at the source. The caller writes the event. 0, 1 when either
 * ticket is not there or they are one, -1 with *cause.
 */
int	 store_ticket_merge(struct store *, int64_t into, int64_t from,
	    time_t now, char **cause);
/* The numbers merged into ticket, oldest first: up to max into v, their
 * number in *np. 0, or -1 with *cause. */
int	 store_ticket_aliases(struct store *, int64_t ticket, int64_t *v,
	    size_t max, size_t *np, char **cause);
/* The ticket a number names now: id, or the ticket it was merged into.
 * 0, or -1 with *cause. */
int	 store_ticket_resolve(struct store *, int64_t id, int64_t *ticketp,
	    char **cause);

/* Read ticket id into t (with tags and message count); a merged
 * ticket's number reads the ticket it went into. */
int	 store_ticket_get(struct store *, int64_t id, struct ticket *t,
	    char **cause);
void	 store_ticket_clear(struct ticket *);

/* Returns 0 if addr is the customer or appeared in From/To/Cc of any of
 * the ticket's messages, 1 if not. */
int	 store_ticket_has_participant(struct store *, int64_t ticket,
	    const char *addr, char **cause);

/* Create a ticket (and its customer, counting it). *idp is its number. */
int	 store_ticket_create(struct store *, const struct ticket_new *,
	    int64_t *idp, char **cause);

/* Set the status; closing sets the closed time, anything else clears it. */
int	 store_ticket_set_status(struct store *, int64_t ticket,
	    enum ticket_status, time_t when, char **cause);

/* Record activity at when (updated = max(updated, when)). */
int	 store_ticket_touch(struct store *, int64_t ticket, time_t when,
	    char **cause);

/* Changes to a ticket; NULL and 0 members change nothing. Borrowed. */
struct ticket_change {
	const char		*queue;
	const char		*assignee;
	const char		*language;
	int			 priority;	/* enum rules_priority */
	time_t			 due;
	time_t			 response_time;
};

/* Assign ticket to agent (NULL: to nobody) at when. */
int	 store_ticket_assign(struct store *, int64_t ticket,
	    const char *agent, time_t when, char **cause);

/* Apply c and record activity at when. */
int	 store_ticket_change(struct store *, int64_t ticket,
	    const struct ticket_change *c, time_t when, char **cause);

/* When an answer is due; 0: nothing is waiting for us. */
int	 store_ticket_set_due(struct store *, int64_t ticket, time_t due,
	    char **cause);

/* A named field of a ticket (set by rules); replaces an earlier value. */
int	 store_ticket_field_set(struct store *, int64_t ticket,
	    const char *name, const char *value, char **cause);

/*
 * The raw bytes of a message as the store keeps them: *outp (allocated,
 * the caller frees) and *outlenp. *zctx is a compression context the
 * caller keeps for the next call (start with NULL; free it with
 * store_raw_pack_free); one thread uses it at a time. The store (may be
 * NULL) lends the dictionary it packs mail with, once it has one; any
 * thread may ask while the store is open. 0, or -1 when the bytes are
 * better kept as they are (*outp NULL).
 */
int	 store_raw_pack(void **zctx, struct store *, const char *raw,
	    size_t len, void **outp, size_t *outlenp);
void	 store_raw_pack_free(void *zctx);
/*
 * A message text as the store keeps it beside the raw bytes it came
 * from: packed with zstd against them, so that what the text shares with
 * the raw message (all of a plain text mail's body) costs a few bytes.
 * *outp (allocated, the caller frees) and *outlenp; zctx as for
 * store_raw_pack. 0, or -1 when the text is better kept as it is.
 */
int	 store_text_pack(void **zctx, const char *text, size_t len,
	    const char *raw, size_t rawlen, void **outp, size_t *outlenp);

/* The tickets opened so far by the customer at addr (0 if unknown). */
int	 store_customer_tickets(struct store *, const char *addr,
	    int64_t *np, char **cause);
/* The language of the last ticket of the customer at addr that has one:
 * *langp (allocated, the caller frees), NULL when none. 0, or -1 with
 * *cause. */
int	 store_customer_language(struct store *, const char *addr,
	    char **langp, char **cause);


/*
 * Our answer went out at when: the first response is recorded, the clock
 * stops (no due time) and, unless closed, the ticket waits for the
 * customer.
 */
int	 store_ticket_answered(struct store *, int64_t ticket, time_t when,
	    char **cause);

/*
 * Store a parsed message with its raw bytes, attachments, participants and
 * full-text entry. ticket may be 0 (stored but no ticket). *idp is the new
 * messages.id.
 */
int	 store_message_insert(struct store *, const struct message *,
	    const char *raw, size_t rawlen, const struct msg_origin *,
	    enum msg_direction, enum msg_kind, int64_t ticket, int64_t *idp,
	    char **cause);

/* Append an audit event. message may be 0; detail may be NULL. */
int	 store_event_add(struct store *, int64_t ticket, int64_t message,
	    time_t when, const char *kind, const char *detail, char **cause);

/* Tags: adding an existing one or removing a missing one is not an error.
 * Each change that happens is also written as an event. */
int	 store_tag_add(struct store *, int64_t ticket, const char *tag,
	    time_t when, char **cause);
int	 store_tag_remove(struct store *, int64_t ticket, const char *tag,
	    time_t when, char **cause);
/* A tag helpq keeps itself (overdue), added or removed: the event is
 * written, the ticket's time of last activity stays. */
int	 store_tag_system(struct store *, int64_t ticket, const char *tag,
	    int add, time_t when, char **cause);

typedef int (*store_ticket_cb)(const struct ticket *, void *);
typedef int (*store_message_cb)(const struct stored_message *, void *);
typedef int (*store_event_cb)(const struct stored_event *, void *);
typedef int (*store_hit_cb)(const struct search_hit *, void *);
typedef int (*store_field_cb)(const char *name, const char *value, void *);

/* Walk tickets matching f, newest activity first. A callback returning
 * non-zero stops the walk (not an error). */
int	 store_tickets_list(struct store *, const struct ticket_filter *f,
	    store_ticket_cb, void *arg, char **cause);

/* Walk a ticket's messages in order (date, then id). */
int	 store_ticket_messages(struct store *, int64_t ticket,
	    store_message_cb, void *arg, char **cause);

/* Walk a ticket's fields by name. */
int	 store_ticket_fields(struct store *, int64_t ticket, store_field_cb,
	    void *arg, char **cause);

/* Walk a ticket's events in order. */
int	 store_ticket_events(struct store *, int64_t ticket, store_event_cb,
	    void *arg, char **cause);

/*
 * Full-text search (FTS5 query syntax; bare words are ANDed, accents and
 * case folded, so "grusse" finds "Grüße" and "καλημερα" "Καλημέρα").
 * Best matches first, at most limit (0 = 50).
 *
 * Folding: Latin accents, Greek tonos/dialytika (polytonic marks too),
 * final sigma, and ß = ss; "ue" is not "ü" (gruesse does not find Grüße).
 * Plain words are each quoted, so punctuation is never syntax; a word
 * ending in * is a prefix. A query with a double quote, AND, OR, NOT,
 * NEAR or a subject:/body: filter is FTS5 syntax; if that does not parse,
 * its words are searched instead. Messages inserted inside an open
 * transaction are indexed by store_commit, so found only after it.
 */
int	 store_search(struct store *, const char *query, int limit,
	    store_hit_cb, void *arg, char **cause);

/* Raw bytes of a stored message (allocated; caller frees). */
int	 store_message_raw(struct store *, int64_t id, char **rawp,
	    size_t *lenp, char **cause);

/*
 * What helpq knows of one IMAP folder ("INBOX", "Sent"): messages with
 * UIDs up to last_uid are stored (under this uidvalidity); those below
 * history_uid were there at first contact; keywords are set up to
 * reflected_uid.
 */
struct mailbox_state {
	uint32_t		 uidvalidity;
	uint32_t		 last_uid;
	uint32_t		 history_uid;
	uint32_t		 reflected_uid;
	time_t			 updated;
};

/* Returns 0 (found), 1 (never seen) or -1. */
int	 store_mailbox_get(struct store *, const char *mailbox,
	    struct mailbox_state *, char **cause);
/* Replace the folder's whole state (first contact, UIDVALIDITY change). */
int	 store_mailbox_set(struct store *, const char *mailbox,
	    const struct mailbox_state *, char **cause);
/* Raise last_uid to uid if uidvalidity still holds; inside the
 * transaction that stores the messages, so both commit or neither. */
int	 store_mailbox_advance(struct store *, const char *mailbox,
	    uint32_t uidvalidity, uint32_t uid, time_t when, char **cause);
int	 store_mailbox_reflected(struct store *, const char *mailbox,
	    uint32_t uidvalidity, uint32_t uid, char **cause);
/* Mark uid and what follows it at the server again, at the next poll (a
 * retried message that was set aside gets its ticket's keywords). */
int	 store_mailbox_remark(struct store *, const char *mailbox,
	    uint32_t uidvalidity, uint32_t uid, char **cause);
/* Walk the stored messages of a folder with after < uid <= upto, in UID
 * order: fn(uid, ticket or 0, arg), ticket -1 for a message set aside as
 * failed; non-zero from fn stops the walk. */
typedef int (*store_uid_cb)(uint32_t uid, int64_t ticket, void *);
int	 store_mailbox_messages(struct store *, const char *mailbox,
	    uint32_t uidvalidity, uint32_t after, uint32_t upto,
	    store_uid_cb fn, void *arg, char **cause);
/* Where a message already stored is now (a folder resynchronised). */
int	 store_message_set_origin(struct store *, int64_t id,
	    const struct msg_origin *, char **cause);

/* ---- satisfaction surveys ---- */

/* A ticket's survey; survey_clear frees the strings. */
struct survey {
	time_t		 time;		/* sent, or passed over */
	int		 scale;		/* 5 (1-5) or 10 (0-10) */
	int64_t		 outbox;	/* 0: not sent */
	char		*skipped;	/* why not, or NULL */
	int		 rating;	/* -1: none yet */
	char		*comment;	/* or NULL */
	time_t		 rated;
};

/* The tickets closed in [from, to) with no survey yet, by close time;
 * *idsp allocated (the caller frees). */
int	 store_surveys_due(struct store *, time_t from, time_t to,
	    int64_t **idsp, size_t *np, char **cause);
/* When a survey last went to the customer of ticket (0: never). */
int	 store_survey_last(struct store *, int64_t ticket, time_t *lastp,
	    char **cause);
/* Record ticket's survey: sent as outbox (0: not sent, for skipped). */
int	 store_survey_add(struct store *, int64_t ticket, time_t when,
	    int scale, int64_t outbox, const char *skipped, char **cause);
/* 1 (and *scalep) if ticket's survey was sent and not answered, 0 if
 * not, -1 with *cause. */
int	 store_survey_pending(struct store *, int64_t ticket, int *scalep,
	    char **cause);
int	 store_survey_rate(struct store *, int64_t ticket, int rating,
	    const char *comment, time_t when, int64_t message, char **cause);
/* 0 and *v, 1 if ticket has no survey, -1 with *cause. */
int	 store_survey_get(struct store *, int64_t ticket, struct survey *v,
	    char **cause);
void	 store_survey_clear(struct survey *);

/* ---- the report (report.h) ---- */

struct report_ticket;
typedef int (*store_report_cb)(const struct report_ticket *, void *);

/*
 * Every ticket created before until, oldest first, with its clocks, for
 * cb (which returns nonzero to stop). messages counts the messages that
 * arrived on it in [since, until); waited is the time it waited on
 * the customer, counted to until or now, whichever is first; agent is
 * who answered first: the sender's address, or the agent a helpq reply
 * named (support is the desk's address, that reply's sender). 0, or -1
 * with *cause.
 */
int	 store_report_tickets(struct store *, time_t since, time_t until,
	    time_t now, const char *support, store_report_cb cb, void *arg,
	    char **cause);

/* ---- the response promise's clocks (sla.h) ---- */

struct sla_clock;

/* Keep a new clock (its id, stopped, outcome and done are ignored);
 * *idp (may be NULL) is its id. */
int	 store_clock_start(struct store *, const struct sla_clock *,
	    int64_t *idp, char **cause);

/* The clocks a callback gets; strings valid during the callback only. A
 * callback returning non-zero stops the walk (not an error). */
typedef int (*store_clock_cb)(const struct sla_clock *, void *);

/* The clocks not stopped (running, or paused while the ticket waits) of
 * ticket, or of every ticket (0) by due time, paused ones last. The
 * callback may not write to the store. */
int	 store_clocks_running(struct store *, int64_t ticket,
	    store_clock_cb, void *arg, char **cause);
/* Every clock of ticket, oldest first. */
int	 store_ticket_clocks(struct store *, int64_t ticket,
	    store_clock_cb, void *arg, char **cause);

enum store_clocks {
	STORE_CLOCK_RESPONSE = 0,	/* first or next */
	STORE_CLOCK_RESOLUTION = 1,
	STORE_CLOCK_ALL = 2
};

/* Stop the ticket's clocks of which at when, with outcome ("waiting",
 * "closed"). */
int	 store_clock_stop(struct store *, int64_t ticket,
	    enum store_clocks which, time_t when, const char *outcome,
	    char **cause);
/* Our answer, queued at queued, was accepted at when: it stops the
 * running response clock, or the one a close or wait stopped since
 * queued. Returns 0, 1 if there was none, -1. */
int	 store_clock_answered(struct store *, int64_t ticket, time_t when,
	    time_t queued, char **cause);
/* Pause clock id with spent open seconds counted; resume it at resumed
 * with its new due time. */
int	 store_clock_pause(struct store *, int64_t id, time_t spent,
	    char **cause);
int	 store_clock_resume(struct store *, int64_t id, time_t resumed,
	    time_t due, char **cause);
/* Add bits (SLA_DONE_*) to what clock id has done. */
int	 store_clock_done(struct store *, int64_t id, unsigned bits,
	    char **cause);

/* ---- the outbox: mail committed before it is sent ---- */

enum outbox_status {
	OUTBOX_QUEUED = 0,
	OUTBOX_SENT,
	OUTBOX_FAILED
};

/* Whether a sent mail also goes into the IMAP Sent folder. */
enum outbox_copy {
	OUTBOX_COPY_NONE = 0,
	OUTBOX_COPY_WANTED,
	OUTBOX_COPY_DONE
};

/*
 * One outgoing mail. Filled by the caller for store_outbox_add (strings
 * borrowed); filled by the store for reading (strings valid during the
 * callback only).
 */
struct outbox_entry {
	int64_t			 id;
	const char		*key;		/* unique: "ack:12", ... */
	int64_t			 ticket;	/* 0 = none */
	const char		*message_id;	/* without <> */
	const char		*kind;		/* store_kind_name() */
	const char		*sender;	/* envelope; "" is <> */
	const char		*recipients;	/* envelope, ", " between */
	const char		*raw;
	size_t			 rawlen;
	enum outbox_status	 status;
	int			 attempts;
	time_t			 created;
	time_t			 next_attempt;	/* 0 = at once */
	time_t			 sent;		/* 0 = not yet */
	const char		*last_error;	/* or NULL */
	const char		*reply;		/* the server's, or NULL */
	enum outbox_copy	 copy;
};

/* Queue e (its status, attempts, sent and errors are ignored). Returns
 * 0 (*idp set), 1 if a mail with e->key is already there (nothing
 * added, *idp is that one), -1 on error. */
int	 store_outbox_add(struct store *, const struct outbox_entry *e,
	    int64_t *idp, char **cause);

typedef int (*store_outbox_cb)(const struct outbox_entry *, void *);

/* Walk the queued mail due at now (now 0: all queued), oldest first. The
 * callback may not write to the store; collect ids and act afterwards. */
int	 store_outbox_due(struct store *, time_t now, store_outbox_cb,
	    void *arg, char **cause);

/* Read one entry by id. 0, 1 (no such entry) or -1. */
int	 store_outbox_get(struct store *, int64_t id, store_outbox_cb,
	    void *arg, char **cause);

/* Walk the outbox, newest first: status -1 for all; limit 0 for all. */
int	 store_outbox_list(struct store *, int status, int limit,
	    store_outbox_cb, void *arg, char **cause);

/* What became of an attempt: status, the attempt counted, the next one
 * (queued), when it was sent, the error or the server's reply. */
int	 store_outbox_result(struct store *, int64_t id,
	    enum outbox_status status, time_t next_attempt, time_t sent,
	    const char *error, const char *reply, char **cause);

/* Walk the sent mail whose copy to the Sent folder is still to be made. */
int	 store_outbox_copies(struct store *, store_outbox_cb, void *arg,
	    char **cause);

/* When the next queued mail is due (0 if none is queued). */
int	 store_outbox_next(struct store *, time_t *nextp, char **cause);

/* The copy in the Sent folder is made. */
int	 store_outbox_copied(struct store *, int64_t id, char **cause);
/* Queue failed mail id again, its attempts from 0 (its last error stays
 * until the next attempt). Returns 0, 1 if id is no failed mail, -1. */
int	 store_outbox_requeue(struct store *, int64_t id, char **cause);

/* Mail of kind sent or queued to recipient since (kind NULL: any
 * automatic mail, that is anything but an agent's; recipient NULL: to
 * anyone). *np counts them; *ticketp is a ticket of the newest (0 if
 * none or not asked). */
int	 store_outbox_recent(struct store *, const char *kind,
	    const char *recipient, time_t since, int64_t *np,
	    int64_t *ticketp, char **cause);

const char *store_outbox_status_name(enum outbox_status);
int	 store_outbox_status_parse(const char *, enum outbox_status *);

/*
 * A message set aside: the pipeline failed on it (parse, rules, store, or
 * helpq died on it). Its row is the failure mark; the raw bytes stay until
 * a retry stores it. Strings are borrowed (from the caller when adding,
 * from the store during a callback).
 */
struct failed_message {
	int64_t		 id;
	time_t		 time;
	const char	*source;	/* folder, file, "mbox:offset", "stdin" */
	uint32_t	 uidvalidity;	/* IMAP only, else 0 */
	uint32_t	 uid;
	const char	*reason;
	const char	*from;		/* NULL when unknown */
	const char	*subject;	/* NULL when unknown */
	size_t		 size;
};
/* Returns 0 with the new entry's *idp, 1 when the same bytes were set
 * aside before (*idp is that entry, now at f's place with f's reason),
 * or -1 with *cause. */
int	 store_failed_add(struct store *, const struct failed_message *f,
	    const char *raw, size_t len, int64_t *idp, char **cause);
typedef int (*store_failed_cb)(const struct failed_message *, void *);
/* Oldest first; a callback returning non-zero stops the walk. */
int	 store_failed_list(struct store *, store_failed_cb, void *arg,
	    char **cause);
/* cb gets the entry and its raw bytes (borrowed) and returns 0, or -1
 * with *cause; store_failed_get returns that, or 1 if there is no id. */
typedef int (*store_failed_raw_cb)(const struct failed_message *,
	    const char *raw, size_t len, void *, char **cause);
int	 store_failed_get(struct store *, int64_t id, store_failed_raw_cb,
	    void *arg, char **cause);
int	 store_failed_remove(struct store *, int64_t id, char **cause);

/*
 * What a source was processing (ingest.c says how it is used): its
 * position, whether that was one message alone, and the process. get
 * returns 1 when nothing is recorded; *posp is allocated.
 */
int	 store_inflight_get(struct store *, const char *source, char **posp,
	    int *singlep, long *pidp, char **cause);
int	 store_inflight_set(struct store *, const char *source,
	    const char *pos, int single, long pid, char **cause);
int	 store_inflight_clear(struct store *, const char *source,
	    char **cause);

/*
 * The last error of the store could pass by itself (busy or locked
 * database, full disk, I/O error, no memory): the caller should try again
 * later, not give up on the message.
 */
int	 store_temporary(const struct store *);

/* Counts for summaries and tests. */
int	 store_count(struct store *, const char *what, int64_t *np,
	    char **cause);	/* what: "tickets", "messages", "events" */

const char *store_status_name(enum ticket_status);
int	 store_status_parse(const char *, enum ticket_status *);
const char *store_kind_name(enum msg_kind);
const char *store_direction_name(enum msg_direction);

#endif
