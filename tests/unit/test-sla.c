/*
 * helpq - test-sla.c: the response promise's arithmetic: steps as
 * written in the configuration, which terms win (rule over queue over
 * [policy]), when each step of a clock comes due (also after a pause),
 * and spans in words.
 *
 * The expected times were counted by hand on a 2026 calendar: Western
 * Easter is 5 April (Good Friday 3 April, Easter Monday 6 April); Berlin
 * is on summer time (UTC+2) from 29 March.
 */
#include "compat.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "sla.h"
#include "xmalloc.h"
#include "../tap.h"
#include "../when.h"

static char	tmpl[] = "/tmp/helpq-test-sla.XXXXXX";

#define is_time(got, want, ...) is_int(got, want, __VA_ARGS__)

/* text matches the extended regular expression re. */
static void
like(const char *text, const char *re, const char *name)
{
	regex_t	r;
	int	m;

	if (regcomp(&r, re, REG_EXTENDED | REG_NOSUB) != 0) {
		ok(0, "%s: bad pattern %s", name, re);
		return;
	}
	m = regexec(&r, text, 0, NULL, 0) == 0;
	regfree(&r);
	if (!ok(m, "%s", name))
		diag("%s", text);
}

static int
load(struct config *c, const char *text)
{
	FILE	*f;
	char	*cause = NULL;
	int	 rc;

	f = fopen(tmpl, "w");
	fputs(text, f);
	fclose(f);
	config_defaults(c);
	if ((rc = config_load(c, tmpl, &cause)) != 0) {
		diag("%s", cause);
		free(cause);
	}
	return (rc);
}

static void
test_step_parse(void)
{
	struct sla_step	 s;
	char		*cause = NULL;

	memset(&s, 0, sizeof s);
	ok(sla_step_parse(&s, "75% agents", &cause) == 0 && s.on &&
	    s.percent == 75 && s.nto == 1 && strcmp(s.to[0], "agents") == 0,
	    "75%% agents");
	ok(sla_step_parse(&s, "+4h director@example.com, managers",
	    &cause) == 0 && s.percent == 0 && s.offset == 4 * 3600 &&
	    s.nto == 2 && strcmp(s.to[0], "director@example.com") == 0 &&
	    strcmp(s.to[1], "managers") == 0, "+4h to an address and managers");
	ok(sla_step_parse(&s, "-30m queue", &cause) == 0 &&
	    s.offset == -1800 && s.percent == 0, "-30m: before the due time");
	ok(sla_step_parse(&s, "none", &cause) == 0 && s.set && !s.on &&
	    s.nto == 0, "none turns a step off");
	ok(sla_step_parse(&s, "75%", &cause) == -1 && cause != NULL,
	    "a step without an audience: %s", cause ? cause : "-");
	free(cause);
	cause = NULL;
	ok(sla_step_parse(&s, "soon agents", &cause) == -1,
	    "not a time: %s", cause ? cause : "-");
	free(cause);
	cause = NULL;
	ok(sla_step_parse(&s, "50% everybody", &cause) == -1,
	    "not an audience: %s", cause ? cause : "-");
	free(cause);
	cause = NULL;
	ok(s.set && !s.on, "a failed parse leaves the step as it was");
	sla_step_clear(&s);
}

static const char conf_text[] =
    "[helpq]\n"
    "timezone = Europe/Berlin\n"
    "[policy]\n"
    "response-time = 8h\n"
    "clock = business\n"
    "business-hours = mon-fri 09:00-17:00\n"
    "holidays = easter-2, easter+1\n"
    "warn = 50% agents\n"
    "escalate = +2h director@example.com\n"
    "[calendar \"always\"]\n"
    "[policy \"billing\"]\n"
    "response-time = 4h\n"
    "resolution-time = 3d\n"
    "warn = none\n"
    "[policy \"vip\"]\n"
    "calendar = always\n"
    "breach = 100% boss@example.com\n";

static void
test_terms(const struct config *c)
{
	struct sla_terms	t;

	ok(sla_terms(c, NULL, 0, 0, 0, &t) == 0 && t.seconds == 8 * 3600 &&
	    t.business && strcmp(t.source, "default") == 0 &&
	    t.cal == &c->policy.cal, "no queue: [policy]'s 8 business hours");
	ok(sla_terms(c, "Billing", 0, 0, 0, &t) == 0 &&
	    t.seconds == 4 * 3600 && strcmp(t.source, "queue") == 0 &&
	    strcmp(t.queue, "billing") == 0 && t.business,
	    "a queue's own time (names compared without case)");
	ok(sla_terms(c, "billing", 3600, 0, 0, &t) == 0 && t.seconds == 3600 &&
	    strcmp(t.source, "rule") == 0 && !t.business,
	    "a rule's time wins over the queue's");
	ok(sla_terms(c, "vip", 0, 0, 0, &t) == 0 && t.seconds == 8 * 3600 &&
	    strcmp(t.source, "default") == 0 &&
	    t.cal == config_calendar(c, "always") && t.business,
	    "a queue with only a calendar: [policy]'s time over its hours");
	ok(sla_terms(c, "other", 0, 0, 0, &t) == 0 &&
	    strcmp(t.source, "default") == 0, "an unknown queue: [policy]'s");
	is_int(sla_terms(c, NULL, 0, 0, 1, &t), 1,
	    "no resolution-time in [policy]: no resolution clock");
	ok(sla_terms(c, "billing", 3600, 0, 1, &t) == 0 &&
	    t.seconds == 3 * 86400 && strcmp(t.source, "queue") == 0,
	    "the queue's resolution time; a rule's response time does not "
	    "touch it");
}

static void
test_steps_for(const struct config *c)
{
	const struct sla_step	*s;

	s = sla_step_for(c, NULL, SLA_WARN);
	ok(s->on && s->percent == 50 && strcmp(s->to[0], "agents") == 0,
	    "[policy]'s warning");
	s = sla_step_for(c, "billing", SLA_WARN);
	ok(!s->on, "a queue turns its warning off");
	s = sla_step_for(c, "billing", SLA_BREACH);
	ok(s->on && s->percent == 100 && strcmp(s->to[0], "managers") == 0,
	    "the built-in breach: 100%% to the managers");
	s = sla_step_for(c, "vip", SLA_BREACH);
	ok(s->on && strcmp(s->to[0], "boss@example.com") == 0,
	    "a queue's own breach");
	s = sla_step_for(c, "vip", SLA_ESCALATE);
	ok(s->on && s->offset == 7200, "[policy]'s escalation for a queue "
	    "that sets none");
}

/* The clock of a message on Thu 2 April 2026 15:00 CEST, 8 business
 * hours: 2h on Thursday, Good Friday, the weekend and Easter Monday
 * skipped, 6h on Tuesday 7 April: due 15:00 CEST (13:00Z). */
static void
test_step_times(const struct config *c)
{
	const struct calendar	*cal = &c->policy.cal;
	const struct sla_step	*steps[SLA_NSTEPS];
	struct sla_clock	 k;
	struct buf		 b;
	time_t			 at[SLA_NSTEPS];
	int			 i;

	for (i = 0; i < SLA_NSTEPS; i++)
		steps[i] = sla_step_for(c, NULL, (enum sla_step_id)i);
	memset(&k, 0, sizeof k);
	k.ticket = 7;
	k.kind = SLA_FIRST;
	k.started = k.resumed = utc("2026-04-02 13:00");
	k.seconds = 8 * 3600;
	k.business = 1;
	k.calendar = "default";
	k.source = "default";
	k.due = sla_clock_due(&k, cal);
	is_time(k.due, utc("2026-04-07 13:00"), "due Tuesday 15:00 CEST");
	/* 50% = 4h: 2h Thursday, then 09:00-11:00 CEST Tuesday. */
	is_time(sla_step_at(&k, cal, steps[SLA_WARN]), utc("2026-04-07 09:00"),
	    "the warning at 50%%: Tuesday 11:00 CEST");
	is_time(sla_step_at(&k, cal, steps[SLA_BREACH]), k.due,
	    "the breach at the due time");
	is_time(sla_step_at(&k, cal, steps[SLA_ESCALATE]),
	    utc("2026-04-07 15:00"), "the escalation 2h (calendar time) after");

	is_int(sla_steps_due(&k, cal, steps, utc("2026-04-07 08:59"), at), 0,
	    "nothing due a minute before the warning");
	is_int(sla_steps_due(&k, cal, steps, utc("2026-04-07 09:00"), at),
	    SLA_DONE_STEP(SLA_WARN), "the warning at its time");
	k.done = SLA_DONE_STEP(SLA_WARN);
	is_int(sla_steps_due(&k, cal, steps, utc("2026-04-07 20:00"), at),
	    SLA_DONE_STEP(SLA_BREACH) | SLA_DONE_STEP(SLA_ESCALATE),
	    "later: breach and escalation, not the warning done already");
	k.stopped = utc("2026-04-07 10:00");
	is_int(sla_steps_due(&k, cal, steps, utc("2026-04-07 20:00"), at), 0,
	    "a stopped clock has no steps");
	k.stopped = 0;
	k.resumed = 0;
	is_int(sla_steps_due(&k, cal, steps, utc("2026-04-07 20:00"), at), 0,
	    "nor a paused one");

	/* Paused after 3h counted, running again Tue 09:00 CEST: 5h left,
	 * due 14:00 CEST; the warning's 4h is 1h into Tuesday; a share
	 * counted before the pause is due at once. */
	k.done = 0;
	k.spent = 3 * 3600;
	k.resumed = utc("2026-04-07 07:00");
	k.due = sla_clock_due(&k, cal);
	is_time(k.due, utc("2026-04-07 12:00"), "after a pause: what is left");
	is_time(sla_step_at(&k, cal, steps[SLA_WARN]), utc("2026-04-07 08:00"),
	    "the warning counts the time before the pause");
	k.spent = 5 * 3600;
	is_time(sla_step_at(&k, cal, steps[SLA_WARN]), k.resumed,
	    "a share already spent is due when the clock runs again");

	k.spent = 0;
	k.resumed = k.started;
	k.due = sla_clock_due(&k, cal);
	buf_init(&b);
	sla_explain(&b, &k, cal, utc("2026-04-07 10:00"));
	like(buf_cstr(&b), "skipped Fri 2026-04-03: holiday \\(easter-2\\)",
	    "explain names Good Friday");
	like(buf_cstr(&b), "skipped Sun 2026-04-05: closed all day",
	    "and the closed Sunday");
	like(buf_cstr(&b), "counted Tue 2026-04-07 09:00 CEST to Tue "
	    "2026-04-07 15:00 CEST \\(6h; 8h so far\\)",
	    "the last interval, cut at the due time, in open hours");
	like(buf_cstr(&b), "Promise:  8h business time, set by default",
	    "the promise and who set it");
	like(buf_cstr(&b), "\\(3h left\\)", "what is left at now");
	buf_free(&b);
}

static void
test_spans(void)
{
	struct buf	b;

	buf_init(&b);
	sla_span(&b, 93600);
	is_str(buf_cstr(&b), "1d 2h", "a day and two hours");
	buf_reset(&b);
	sla_hours(&b, 86400);
	is_str(buf_cstr(&b), "24h", "open time in hours: 24h, not 1d");
	buf_reset(&b);
	sla_span(&b, 5400);
	is_str(buf_cstr(&b), "1h 30m", "an hour and a half");
	buf_reset(&b);
	sla_span(&b, 59);
	is_str(buf_cstr(&b), "59s", "seconds");
	buf_reset(&b);
	sla_span(&b, -7200);
	is_str(buf_cstr(&b), "-2h", "negative");
	buf_free(&b);
}

int
main(void)
{
	struct config	c;
	int		fd;

	if ((fd = mkstemp(tmpl)) == -1)
		return (1);
	close(fd);
	test_step_parse();
	if (load(&c, conf_text) != 0) {
		ok(0, "the configuration loads");
		unlink(tmpl);
		return (done_testing());
	}
	test_terms(&c);
	test_steps_for(&c);
	test_step_times(&c);
	test_spans();
	config_clear(&c);
	unlink(tmpl);
	return (done_testing());
}
