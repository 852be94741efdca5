/* helpq - test-policy.c: due times in calendar and business hours, what may
 * be answered automatically, and the limits on automatic mail. */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "message.h"
#include "policy.h"
#include "tz.h"
#include "xmalloc.h"
#include "../tap.h"
#include "../when.h"

/* The zone of most cases (loaded in main). */
static struct tz	*berlin;


static time_t
at(const char *s)
{
	return (at_in(berlin, s));
}

/* t as "YYYY-MM-DD HH:MM" on z's clocks (NULL: UTC). */
static const char *
fmt_in(const struct tz *z, time_t t)
{
	static char	buf[64];
	struct tm	tm;

	if (t == 0)
		return ("never");
	tz_local(z, t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
	return (buf);
}

static const char *
fmt(time_t t)
{
	return (fmt_in(berlin, t));
}

static void
test_due(void)
{
	struct policy	p;
	char		*cause = NULL;
	static const struct {
		const char	*start;
		int		 hours;
		int		 business;
		const char	*due;
	} t[] = {
		/* Calendar: plain addition, across the DST change too. */
		{ "2026-11-23 10:00", 24, 0, "2026-11-24 10:00" },
		{ "2026-03-28 12:00", 24, 0, "2026-03-29 13:00" },
		/* Business, Mon-Fri 09:00-17:00 in Europe/Berlin. */
		{ "2026-11-23 10:00", 4, 1, "2026-11-23 14:00" },
		{ "2026-11-23 16:00", 4, 1, "2026-11-24 12:00" },
		{ "2026-11-23 07:00", 8, 1, "2026-11-23 17:00" },
		{ "2026-11-23 18:00", 1, 1, "2026-11-24 10:00" },
		{ "2026-11-27 16:30", 1, 1, "2026-11-30 09:30" },
		{ "2026-11-28 11:00", 24, 1, "2026-12-02 17:00" },
		/* Holidays are skipped. */
		{ "2026-12-23 16:00", 2, 1, "2026-12-28 10:00" },
		/* A business day across the DST change is still 8 hours. */
		{ "2026-03-27 16:00", 2, 1, "2026-03-30 10:00" },
	};
	size_t	i;

	policy_defaults(&p);
	p.cal.tz = berlin;
	ok(policy_parse_holidays(&p, "2026-12-24, 2026-12-25 2026-12-26",
	    &cause) == 0, "holidays parse");
	for (i = 0; i < nitems(t); i++)
		is_str(fmt(policy_due(&p, at(t[i].start), t[i].hours * 3600,
		    t[i].business)), t[i].due, "%s + %dh %s", t[i].start,
		    t[i].hours, t[i].business ? "business" : "calendar");

	ok(policy_parse_hours(&p, "mon-fri 08:00-12:00, sat 10:00-14:00",
	    &cause) == 0, "hours parse");
	is_str(fmt(policy_due(&p, at("2026-11-27 11:00"), 4 * 3600, 1)),
	    "2026-11-28 13:00", "Saturday hours count");
	ok(policy_parse_hours(&p, "sun closed", &cause) == 0, "all closed "
	    "parses");
	is_int(policy_due(&p, at("2026-11-27 11:00"), 3600, 1), 0,
	    "never open: no due time");
	policy_clear(&p);
}

static void
test_parse_errors(void)
{
	static const char *const bad_hours[] = {
		"mon-fri", "mon-fri 9-17", "mon-fri 17:00-09:00",
		"moon 09:00-17:00", "mon-fri 09:00-25:00", "mon-fri 09:60-17:00",
	};
	static const char *const bad_days[] = {
		"2026-13-01", "26-12-24", "christmas", "2026-12-24x",
	};
	struct policy	p;
	char		*cause;
	size_t		 i;

	policy_defaults(&p);
	for (i = 0; i < nitems(bad_hours); i++) {
		cause = NULL;
		ok(policy_parse_hours(&p, bad_hours[i], &cause) == -1 &&
		    cause != NULL, "hours '%s' refused", bad_hours[i]);
		free(cause);
	}
	is_int(p.cal.week[1].span[0].open, 9 * 60,
	    "a refused value changes nothing");
	for (i = 0; i < nitems(bad_days); i++) {
		cause = NULL;
		ok(policy_parse_holidays(&p, bad_days[i], &cause) == -1 &&
		    cause != NULL, "holiday '%s' refused", bad_days[i]);
		free(cause);
	}
	policy_clear(&p);
}

/* One message with extra header lines h (may be ""), parsed. */
static struct message *
ack_msg(const char *from, const char *h)
{
	struct message	*m = NULL;
	char		*raw, *why = NULL;

	raw = xprintf("From: %s\r\nTo: support@example.com\r\n"
	    "Subject: hello\r\nMessage-ID: <a@example.org>\r\n%s\r\n"
	    "text\r\n", from, h);
	if (message_parse(raw, strlen(raw), &m, &why) != 0)
		diag("parse: %s", why);
	free(why);
	free(raw);
	return (m);
}

static void
test_ack(void)
{
	static const struct {
		const char	*from;
		const char	*headers;
		const char	*want;	/* NULL: may be acknowledged */
	} cases[] = {
		{ "a@example.org", "", NULL },
		{ "a@example.org", "Auto-Submitted: no\r\n", NULL },
		{ "a@example.org", "Auto-Submitted: No (a person)\r\n", NULL },
		{ "a@example.org", "Auto-Submitted: auto-replied\r\n",
		    "Auto-Submitted: auto-replied" },
		{ "a@example.org", "Auto-Submitted: auto-generated\r\n",
		    "Auto-Submitted" },
		{ "a@example.org", "Auto-Submitted: nothing\r\n",
		    "Auto-Submitted" },
		{ "a@example.org", "Precedence: bulk\r\n", "Precedence: bulk" },
		{ "a@example.org", "Precedence: JUNK\r\n", "Precedence" },
		{ "a@example.org", "Precedence: list\r\n", "Precedence" },
		{ "a@example.org", "Precedence: first-class\r\n", NULL },
		{ "a@example.org", "Precedence: bulky\r\n", NULL },
		{ "a@example.org", "List-Id: <l.example.org>\r\n",
		    "mailing list" },
		{ "a@example.org", "List-Unsubscribe: <mailto:x@y>\r\n",
		    "List-Unsubscribe" },
		{ "a@example.org", "Return-Path: <>\r\n", "null return path" },
		{ "a@example.org", "Return-Path: <a@example.org>\r\n", NULL },
		{ "a@example.org",
		    "Return-Path: <MAILER-DAEMON@mx.example.org>\r\n", "robot" },
		{ "Mail Delivery System <Mailer-Daemon@example.org>", "",
		    "robot" },
		{ "owner-list@example.org", "", "robot" },
		{ "list-request@example.org", "", "robot" },
		{ "request@example.org", "", NULL },
		{ "a@example.org",
		    "Content-Type: multipart/report; report-type=delivery-status;"
		    " boundary=x\r\n", "multipart/report" },
		{ "a@example.org", "X-Auto-Response-Suppress: DR, All\r\n",
		    "X-Auto-Response-Suppress" },
		{ "a@example.org", "X-Auto-Response-Suppress: OOF\r\n", NULL },
		{ "a@example.org", "X-Autoreply: yes\r\n", "X-Autoreply" },
		{ "a@example.org", "X-Autorespond: yes\r\n", "X-Autorespond" },
		{ "a@example.org", "X-Loop: Support@Example.com\r\n",
		    "X-Loop" },
		{ "a@example.org", "X-Loop: other@example.net\r\n", NULL },
	};
	struct message	*m;
	char		*why;
	size_t		 i;

	for (i = 0; i < nitems(cases); i++) {
		if ((m = ack_msg(cases[i].from, cases[i].headers)) == NULL) {
			ok(0, "case %zu parses", i);
			continue;
		}
		why = policy_ack_refusal(m, "support@example.com");
		/* The header without its CR LF, for the test's name. */
		if (cases[i].want == NULL)
			ok(why == NULL, "ack case %zu (%s, %.*s): may be "
			    "acknowledged %s", i, cases[i].from,
			    (int)strcspn(cases[i].headers, "\r"),
			    cases[i].headers, why ? why : "");
		else
			ok(why != NULL && strstr(why, cases[i].want) != NULL,
			    "ack case %zu (%s, %.*s): refused: %s", i,
			    cases[i].from, (int)strcspn(cases[i].headers, "\r"),
			    cases[i].headers, why ? why : "(not refused)");
		free(why);
		message_free(m);
	}
}

/* The clock a message sets: live mail never by its Date; past mail by a
 * Date within the window of its Received dates. */
static void
test_arrival(void)
{
	/* 2026-11-20 12:00:00 UTC, and times relative to it. */
	const time_t	now = 1795176000, day = 86400;
	static const char *const recv =
	    "Received: from a by b; Mon, 16 Nov 2026 12:00:00 +0000\r\n"
	    "Received: from c by d;\r\n Mon, 16 Nov 2026 11:00:00 +0000\r\n";
	const time_t	r_hi = now - 4 * day, r_lo = r_hi - 3600;
	const struct {
		const char	*date;		/* the Date field, or "" */
		const char	*headers;
		time_t		 arrived;
		int		 archive;
		time_t		 want;
	} cases[] = {
		/* Live: the server's time, else now; never the Date. */
		{ "Fri, 02 Jan 1970 00:00:00 +0000", recv, now - 60, 0,
		    now - 60 },
		{ "Fri, 20 Nov 2026 10:00:00 +0000", "", 0, 0, now },
		{ "Fri, 20 Nov 2026 10:00:00 +0000", "", now + 2 * day, 0,
		    now },
		/* Past mail with Received: the window around them. */
		{ "Mon, 16 Nov 2026 10:00:00 +0000", recv, 0, 1,
		    r_lo - 3600 },
		{ "Mon, 09 Nov 2026 11:00:00 +0000", recv, 0, 1,
		    r_lo - 7 * day },
		{ "Mon, 09 Nov 2026 10:59:59 +0000", recv, 0, 1, r_hi },
		{ "Tue, 17 Nov 2026 12:00:00 +0000", recv, 0, 1, r_hi + day },
		{ "Tue, 17 Nov 2026 12:00:01 +0000", recv, 0, 1, r_hi },
		{ "Fri, 02 Jan 1970 00:00:00 +0000", recv, now - day, 1,
		    r_hi },
		{ "", recv, 0, 1, r_hi },
		/* Received dates that are absurd themselves do not count. */
		{ "Fri, 02 Jan 1970 00:00:00 +0000",
		    "Received: from a by b; Fri, 02 Jan 1970 00:00:00 +0000\r\n",
		    now - day, 1, now - day },
		/* Past mail without Received: 1990 to tomorrow, else the
		 * file's time, else now. */
		{ "Mon, 01 Jan 1990 00:00:00 +0000", "", now - day, 1,
		    631152000 },
		{ "Sun, 31 Dec 1989 23:59:59 +0000", "", now - day, 1,
		    now - day },
		{ "Sat, 21 Nov 2026 12:00:00 +0000", "", 0, 1, now + day },
		{ "Sat, 21 Nov 2026 12:00:01 +0000", "", 0, 1, now },
		{ "Fri, 02 Jan 1970 00:00:00 +0000", "", 0, 1, now },
	};
	struct message	*m;
	char		*h;
	size_t		 i;
	time_t		 got;

	for (i = 0; i < nitems(cases); i++) {
		h = xprintf("%s%s%s%s", cases[i].headers,
		    *cases[i].date != '\0' ? "Date: " : "", cases[i].date,
		    *cases[i].date != '\0' ? "\r\n" : "");
		m = ack_msg("a@example.org", h);
		free(h);
		if (m == NULL) {
			ok(0, "arrival case %zu parses", i);
			continue;
		}
		got = policy_arrival(m, cases[i].arrived, cases[i].archive,
		    now);
		ok(got == cases[i].want, "arrival case %zu (%s, %s): %lld, "
		    "want %lld", i, cases[i].archive ? "past" : "live",
		    cases[i].date, (long long)got, (long long)cases[i].want);
		message_free(m);
	}
}

/* Where an ack goes: From, or a Reply-To in From's domain. */
static void
test_ack_recipient(void)
{
	static const struct {
		const char	*from;
		const char	*headers;
		const char	*want;
	} cases[] = {
		{ "a@example.org", "", "a@example.org" },
		{ "a@example.org", "Reply-To: b@example.org\r\n",
		    "b@example.org" },
		{ "a@example.org", "Reply-To: B <b@EXAMPLE.org>\r\n",
		    "b@example.org" },
		{ "a@example.org", "Reply-To: v@third.example\r\n",
		    "a@example.org" },
		{ "a@example.org", "Reply-To: v@mail.example.org\r\n",
		    "a@example.org" },
		{ "a@example.org", "Return-Path: <v@third.example>\r\n"
		    "Reply-To: v@third.example\r\n", "a@example.org" },
	};
	const struct msg_addr	*to;
	struct message		*m;
	size_t			 i;

	for (i = 0; i < nitems(cases); i++) {
		if ((m = ack_msg(cases[i].from, cases[i].headers)) == NULL) {
			ok(0, "recipient case %zu parses", i);
			continue;
		}
		to = policy_ack_recipient(m);
		ok(to != NULL && strcmp(to->addr, cases[i].want) == 0,
		    "recipient case %zu (%.*s): %s", i,
		    (int)strcspn(cases[i].headers, "\r"), cases[i].headers,
		    to != NULL ? to->addr : "(none)");
		message_free(m);
	}
	m = ack_msg("a@example.org", "Reply-To: b@example.org\r\n");
	if (m != NULL) {
		/* No From at all: nobody, even with a Reply-To. */
		m->from.n = 0;
		ok(policy_ack_recipient(m) == NULL, "no From: no recipient");
		m->from.n = 1;
		message_free(m);
	}
}

/*
 * Two policies in two zones in one process: the same hours are other
 * instants; and business hours across the DST changes count the time
 * that passes, opening after a gap and at the first of a fold.
 */
static void
test_zones(void)
{
	static const struct {
		const char	*zone, *hours, *start;	/* start: UTC */
		int		 minutes;
		const char	*due;			/* UTC */
	} t[] = {
		/* Friday 16:00 UTC: after closing in Berlin (17:00 CET),
		 * 11:00 in New York, 03:00 on Saturday on Lord Howe. */
		{ "Europe/Berlin", "mon-fri 09:00-17:00",
		  "2026-11-27 16:00", 120, "2026-11-30 10:00" },
		{ "America/New_York", "mon-fri 09:00-17:00",
		  "2026-11-27 16:00", 120, "2026-11-27 18:00" },
		{ "Australia/Lord_Howe", "mon-fri 09:00-17:00",
		  "2026-11-27 16:00", 120, "2026-11-30 00:00" },
		{ "UTC", "mon-fri 09:00-17:00",
		  "2026-11-27 16:00", 120, "2026-11-30 10:00" },
		/* Open through the spring gap: 01:00 CET to 05:00 CEST is
		 * three hours, the rest waits a week. */
		{ "Europe/Berlin", "sun 01:00-05:00",
		  "2026-03-28 12:00", 210, "2026-04-04 23:30" },
		/* Through the autumn fold: five hours. */
		{ "Europe/Berlin", "sun 01:00-05:00",
		  "2026-10-24 12:00", 270, "2026-10-25 03:30" },
		/* Opening in the gap: at 03:00 CEST, its first instant. */
		{ "Europe/Berlin", "sun 02:30-04:00",
		  "2026-03-28 12:00", 30, "2026-03-29 01:30" },
		/* Opening in the fold: the first 02:30 (CEST). */
		{ "Europe/Berlin", "sun 02:30-04:00",
		  "2026-10-24 12:00", 120, "2026-10-25 02:30" },
		/* Lord Howe's half hour: 01:00-05:00 is 3.5 hours... */
		{ "Australia/Lord_Howe", "sun 01:00-05:00",
		  "2026-10-03 00:00", 210, "2026-10-03 18:00" },
		/* ...and 4.5 hours when the clock goes back. */
		{ "Australia/Lord_Howe", "sun 01:00-05:00",
		  "2026-04-04 00:00", 270, "2026-04-04 18:30" },
		/* New York springs forward on its own date, 2026-03-08. */
		{ "America/New_York", "sun 01:00-05:00",
		  "2026-03-07 12:00", 210, "2026-03-15 05:30" },
	};
	struct policy	 p;
	struct tz	*z;
	char		*cause = NULL;
	size_t		 i;

	for (i = 0; i < nitems(t); i++) {
		if ((z = tz_load(t[i].zone, &cause)) == NULL) {
			ok(0, "%s: %s", t[i].zone, cause);
			free(cause);
			cause = NULL;
			continue;
		}
		policy_defaults(&p);
		p.cal.tz = z;
		if (policy_parse_hours(&p, t[i].hours, &cause) != 0) {
			ok(0, "%s: %s", t[i].hours, cause);
			free(cause);
			cause = NULL;
		} else
			is_str(fmt_in(NULL, policy_due(&p, at_in(NULL,
			    t[i].start), t[i].minutes * 60, 1)), t[i].due,
			    "%s %s from %s UTC + %d min", t[i].zone,
			    t[i].hours, t[i].start, t[i].minutes);
		policy_clear(&p);
		tz_free(z);
	}
}

/* Where each limit's count starts, or that it is off. */
static void
test_limit_window(void)
{
	static const struct {
		time_t			 window;
		unsigned		 cap;
		enum policy_limit	 limit;
		time_t			 now;
		int			 on;
		time_t			 since;
	} cases[] = {
		{ 600, 0, POLICY_LIMIT_SENDER, 10000, 1, 9400 },
		{ 1, 0, POLICY_LIMIT_SENDER, 10000, 1, 9999 },
		{ 0, 5, POLICY_LIMIT_SENDER, 10000, 0, 0 },
		{ -5, 5, POLICY_LIMIT_SENDER, 10000, 0, 0 },
		{ 9999, 0, POLICY_LIMIT_SENDER, 10000, 1, 1 },
		{ 10000, 0, POLICY_LIMIT_SENDER, 10000, 1, 0 },
		{ 20000, 0, POLICY_LIMIT_SENDER, 10000, 1, 0 },
		{ 0, 5, POLICY_LIMIT_HOURLY, 10000, 1, 10000 - 3600 },
		{ 600, 1, POLICY_LIMIT_HOURLY, 10000, 1, 10000 - 3600 },
		{ 600, 0, POLICY_LIMIT_HOURLY, 10000, 0, 0 },
		{ 0, 5, POLICY_LIMIT_HOURLY, 3600, 1, 0 },
		{ 0, 5, POLICY_LIMIT_HOURLY, 100, 1, 0 },
		{ 600, 5, POLICY_LIMIT_NONE, 10000, 0, 0 },
	};
	struct policy_limits	l;
	time_t			since;
	size_t			i;
	int			on;

	for (i = 0; i < nitems(cases); i++) {
		l.sender_window = cases[i].window;
		l.max_per_hour = cases[i].cap;
		since = 12345;
		on = policy_limit_window(&l, cases[i].limit, cases[i].now,
		    &since);
		if (cases[i].on)
			ok(on == 1 && since == cases[i].since,
			    "window case %zu: counts from %lld (want %lld)", i,
			    (long long)since, (long long)cases[i].since);
		else
			ok(on == 0 && since == 12345,
			    "window case %zu: off, nothing counted (%d)", i,
			    on);
	}
}

/* Limits at, below and above: one ack per sender, max-per-hour mails. */
static void
test_limit_holds(void)
{
	static const struct {
		time_t			 window;
		unsigned		 cap;
		enum policy_limit	 limit;
		int64_t			 n;
		enum policy_limit	 want;
	} cases[] = {
		{ 600, 5, POLICY_LIMIT_SENDER, 0, POLICY_LIMIT_NONE },
		{ 600, 5, POLICY_LIMIT_SENDER, 1, POLICY_LIMIT_SENDER },
		{ 600, 5, POLICY_LIMIT_SENDER, 2, POLICY_LIMIT_SENDER },
		{ 0, 5, POLICY_LIMIT_SENDER, 3, POLICY_LIMIT_NONE },
		{ -1, 5, POLICY_LIMIT_SENDER, 3, POLICY_LIMIT_NONE },
		{ 600, 5, POLICY_LIMIT_HOURLY, 4, POLICY_LIMIT_NONE },
		{ 600, 5, POLICY_LIMIT_HOURLY, 5, POLICY_LIMIT_HOURLY },
		{ 600, 5, POLICY_LIMIT_HOURLY, 6, POLICY_LIMIT_HOURLY },
		{ 0, 1, POLICY_LIMIT_HOURLY, 0, POLICY_LIMIT_NONE },
		{ 0, 1, POLICY_LIMIT_HOURLY, 1, POLICY_LIMIT_HOURLY },
		{ 600, 0, POLICY_LIMIT_HOURLY, 1000, POLICY_LIMIT_NONE },
		{ 0, 4294967295u, POLICY_LIMIT_HOURLY, 4294967294ll,
		    POLICY_LIMIT_NONE },
		{ 0, 4294967295u, POLICY_LIMIT_HOURLY, 4294967295ll,
		    POLICY_LIMIT_HOURLY },
		{ 600, 5, POLICY_LIMIT_NONE, 1000, POLICY_LIMIT_NONE },
	};
	struct policy_limits	l;
	enum policy_limit	got;
	size_t			i;

	for (i = 0; i < nitems(cases); i++) {
		l.sender_window = cases[i].window;
		l.max_per_hour = cases[i].cap;
		got = policy_limit_holds(&l, cases[i].limit, cases[i].n);
		ok(got == cases[i].want, "limit case %zu: %lld of %u: %d "
		    "(want %d)", i, (long long)cases[i].n, cases[i].cap,
		    (int)got, (int)cases[i].want);
	}
}

/*
 * The sender window's edges, counted the way the outbox counts (mail
 * created at or after the start): an ack exactly window seconds ago
 * still holds the next one back, one a second older does not.
 */
static void
test_limit_edges(void)
{
	static const struct {
		time_t			 window;
		time_t			 ago;	/* last ack; -1: none */
		enum policy_limit	 want;
	} cases[] = {
		{ 600, -1, POLICY_LIMIT_NONE },
		{ 600, 0, POLICY_LIMIT_SENDER },
		{ 600, 599, POLICY_LIMIT_SENDER },
		{ 600, 600, POLICY_LIMIT_SENDER },
		{ 600, 601, POLICY_LIMIT_NONE },
		{ 0, 0, POLICY_LIMIT_NONE },
	};
	const time_t		now = 1798761600;	/* 2027-01-01 */
	struct policy_limits	l;
	enum policy_limit	got;
	time_t			since = 0;
	int64_t			n;
	size_t			i;

	for (i = 0; i < nitems(cases); i++) {
		l.sender_window = cases[i].window;
		l.max_per_hour = 0;
		n = 0;
		if (policy_limit_window(&l, POLICY_LIMIT_SENDER, now,
		    &since) && cases[i].ago >= 0 && now - cases[i].ago >= since)
			n = 1;
		got = policy_limit_holds(&l, POLICY_LIMIT_SENDER, n);
		ok(got == cases[i].want, "edge case %zu: window %lld, last "
		    "ack %lld s ago: %d (want %d)", i,
		    (long long)cases[i].window, (long long)cases[i].ago,
		    (int)got, (int)cases[i].want);
	}
}

int
main(void)
{
	char	*cause = NULL;

	/* Zones are passed in; the process's TZ is no part of it. */
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	if ((berlin = tz_load("Europe/Berlin", &cause)) == NULL) {
		diag("%s", cause);
		free(cause);
		return (1);
	}
	test_due();
	test_zones();
	test_parse_errors();
	test_ack();
	test_arrival();
	test_ack_recipient();
	test_limit_window();
	test_limit_holds();
	test_limit_edges();
	tz_free(berlin);
	return (done_testing());
}
