/*
 * helpq - policy.h: the response promise as arithmetic: when an answer is
 * due, in calendar hours or in business hours of a time zone with
 * holidays; and whether a mail may be answered automatically, over the
 * message and over counts of what the outbox holds. Pure functions: no
 * I/O, no clock reading.
 */
#ifndef HELPQ_POLICY_H
#define HELPQ_POLICY_H

#include "compat.h"

#include <time.h>

#include "calendar.h"

#define POLICY_RESPONSE_DEFAULT	(24 * 3600)

struct policy {
	time_t			 response_time;	/* the promise */
	int			 business;	/* counted in business hours */
	struct calendar		 cal;		/* the default calendar: its
						 * business hours, holidays
						 * and zone */
};

/* The built-in promise: 24 calendar hours; business hours Monday to
 * Friday 09:00 to 17:00 UTC, no holidays. */
void	 policy_defaults(struct policy *);
void	 policy_clear(struct policy *);

/* calendar_parse_hours and calendar_parse_holidays on p->cal. */
int	 policy_parse_hours(struct policy *, const char *, char **cause);
int	 policy_parse_holidays(struct policy *, const char *, char **cause);

/*
 * When an answer to a message received at start is due, given a response
 * time of seconds: calendar time, or business time: calendar_due over
 * the default calendar p->cal (see calendar.h for DST gaps and folds).
 * Returns 0 when business hours are configured to be never open.
 */
time_t	 policy_due(const struct policy *, time_t start, time_t seconds,
	    int business);

struct message;

/* How far a Date of imported past mail may stray from its Received
 * fields' dates, and the earliest Date believed without any. */
#define POLICY_DATE_BEFORE	(7 * 86400)	/* before the earliest */
#define POLICY_DATE_AFTER	86400		/* after the latest */
#define POLICY_DATE_FLOOR	((time_t)631152000)	/* 1990-01-01 UTC */

/*
 * The time msg arrived, which sets its clock (due times, thread windows,
 * whether it is too old to acknowledge). Live mail (archive 0: IMAP, standard
 * input) arrived when the server says (arrived, the IMAP INTERNALDATE) or
 * now: the sender's Date never counts. Past mail (archive 1: a Maildir,
 * an mbox, IMAP history) is dated by its Date when that lies within
 * POLICY_DATE_BEFORE before the earliest and POLICY_DATE_AFTER after the
 * latest of its Received fields' dates, else by the latest of those; with
 * no Received dates, by its Date between POLICY_DATE_FLOOR and a day from
 * now, else by arrived (a file's mtime), else now.
 */
time_t	 policy_arrival(const struct message *msg, time_t arrived,
	    int archive, time_t now);

/*
 * Why msg must not be answered automatically, or NULL if it may be: what
 * RFC 3834 rules out (Auto-Submitted other than "no", Precedence bulk,
 * junk or list, list headers, the null or the mailer daemon's return
 * path), delivery and read reports, what auto-responders mark as theirs
 * (X-Auto-Response-Suppress, X-Autoreply, X-Autorespond), and an X-Loop
 * naming ours, the support address. Holds regardless of the rules, which
 * a desk may replace. Returns allocated text ("Precedence: bulk") the
 * caller frees.
 */
char	*policy_ack_refusal(const struct message *msg, const char *ours);

/*
 * To whom an acknowledgement of msg goes (RFC 3834 section 4): its author,
 * From, whose address the receiving MTA's SPF and DMARC checks stand
 * behind; Reply-To instead only when it is in From's domain (the same
 * person or organisation asking for answers elsewhere). A Reply-To naming
 * another party is anyone's to write, so following it would let a
 * stranger have the support address mail a third party; the agents'
 * answers, written by people, still honour it. NULL when msg has no From
 * (the Return-Path, a bounce address of the sending system as often as
 * not, is never guessed at). Points into msg.
 */
struct msg_addr;
const struct msg_addr *policy_ack_recipient(const struct message *msg);

/*
 * The limits on automatic mail ([ack] sender-window, max-per-hour),
 * decided over counts of the outbox that the caller reads: for each
 * limit policy_limit_window says where its count starts, the caller
 * counts the mail created then or later, and policy_limit_holds decides
 * over that count.
 */
enum policy_limit {
	POLICY_LIMIT_NONE = 0,		/* nothing holds the mail back */
	POLICY_LIMIT_SENDER,		/* the sender had an ack within
					   [ack] sender-window (count: acks
					   to that sender) */
	POLICY_LIMIT_HOURLY		/* [ack] max-per-hour automatic mails
					   in the last hour: the circuit
					   breaker is open (count: mail of
					   every kind but agents') */
};

/* The hour of [ack] max-per-hour. */
#define POLICY_LIMIT_HOUR	3600

struct policy_limits {
	time_t		 sender_window;	/* seconds; 0 or less: off */
	unsigned	 max_per_hour;	/* 0: off */
};

/*
 * Where the count of limit starts at now: mail created at or after
 * *since counts (a window reaching back before the epoch starts there).
 * Returns 1, or 0 when the limit is off and nothing need be counted
 * (*since untouched).
 */
int	 policy_limit_window(const struct policy_limits *,
	    enum policy_limit limit, time_t now, time_t *since);

/*
 * limit when n, the count since policy_limit_window's start, holds the
 * mail back, else POLICY_LIMIT_NONE: one ack to the sender is enough for
 * the sender window; max-per-hour mails (or more) open the breaker.
 */
enum policy_limit policy_limit_holds(const struct policy_limits *,
	    enum policy_limit limit, int64_t n);

#endif
