/* helpq - test-config.c: the configuration file parser and its errors. */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "tz.h"
#include "xmalloc.h"
#include "../tap.h"
#include "../when.h"

static char	tmpl[] = "/tmp/helpq-test-config.XXXXXX";

/* Write text to the temp file and load it; returns rc, *cause on error. */
static int
load(struct config *c, const char *text, char **cause)
{
	FILE	*f;

	f = fopen(tmpl, "w");
	fputs(text, f);
	fclose(f);
	config_defaults(c);
	*cause = NULL;
	return (config_load(c, tmpl, cause));
}

static void
expect_error(const char *text, const char *where_what, const char *name)
{
	struct config	 c;
	char		*cause, *want;

	want = NULL;
	if (asprintf(&want, "%s:%s", tmpl, where_what) < 0)
		abort();
	ok(load(&c, text, &cause) == -1, "%s: rejected", name);
	is_str(cause, want, "%s: message", name);
	free(cause);
	free(want);
	config_clear(&c);
}

/*
 * One bad value of each kind, and of each key with a check of its own:
 * the message names the value's line and column (bytes, a tab is one).
 */
static const struct {
	const char	*text;
	const char	*want;		/* after "file:" */
	const char	*name;
} bad_values[] = {
	{ "[imap]\nhost = mail example.com\n",
	  "2:8: host: expected a host name like mail.example.com", "host" },
	{ "[smtp]\n\n  host = a/b\n",
	  "3:10: host: expected a host name like mail.example.com",
	  "host with a slash, indented" },
	{ "[imap]\nport = 0\n",
	  "2:8: port: expected a number from 1 to 65535", "port 0" },
	{ "[smtp]\n\t port\t=\t65536\n",
	  "2:10: port: expected a number from 1 to 65535",
	  "port too high, among tabs" },
	{ "[imap]\nbatch = 10001\n",
	  "2:9: batch: expected a number from 1 to 10000", "count too high" },
	{ "[ack]\nmax-per-hour = -1\n",
	  "2:16: max-per-hour: expected a number from 0 to 1000000",
	  "negative count" },
	{ "[imap]\ncommit-count = 12x\n",
	  "2:16: commit-count: expected a number from 1 to 100000",
	  "count with junk" },
	{ "[rules]\ndepth-limit = 99\n",
	  "2:15: depth-limit: expected a number from 100 to 10000000",
	  "depth limit too low" },
	{ "[ack]\nsender-window = 5hh\n",
	  "2:17: sender-window: '5hh' is not a duration (like 90, 30m, 24h, "
	  "7d, 2w)", "duration" },
	{ "[smtp]\ntimeout = 0s\n",
	  "2:11: timeout: expected at least 1 second", "zero seconds" },
	{ "[imap]\npoll-interval = 1y\n",
	  "2:17: poll-interval: '1y' is not a duration (like 90, 30m, 24h, "
	  "7d, 2w)", "seconds that are no duration" },
	{ "[imap]\nmax-size = 50G\n",
	  "2:12: max-size: expected a size like 0 (no limit), 500k or 50M",
	  "size" },
	{ "[imap]\nidle = Yes\n",
	  "2:8: idle: expected 'yes' or 'no'", "yes/no is case-sensitive" },
	{ "[rules]\njit = 1\n",
	  "2:7: jit: expected 'yes' or 'no'", "yes/no" },
	{ "[smtp]\ntls = imaps\n",
	  "2:7: tls: expected 'smtps', 'starttls' or 'no' (passwords in the "
	  "clear)", "SMTP TLS" },
	{ "[imap]\ntls = smtps\n",
	  "2:7: tls: expected 'imaps', 'starttls' or 'no' (passwords in the "
	  "clear)", "IMAP TLS" },
	{ "[imap]\nauth = cram-md5\n",
	  "2:8: auth: expected 'login', 'plain' or 'xoauth2'", "auth" },
	{ "[imap]\npassword-env =\n",
	  "2:16: password-env: expected a value", "empty secret" },
	{ "[imap]\nfolders = , ,\n",
	  "2:11: folders: expected folder names like INBOX", "empty list" },
	{ "[rules]\npath = rules.d\npath = ,\n",
	  "3:8: path: expected a rule file or directory",
	  "empty list on a later line" },
	{ "[helpq]\nmanagers = boss@example.com, @example.com\n",
	  "2:12: managers: '@example.com' is not an address",
	  "a domain as a manager" },
	{ "[helpq]\nlanguages = de,EN\n",
	  "2:13: languages: 'EN' is not a language code like de or el",
	  "list item" },
	{ "[helpq]\naddress = <support@example.com>\n",
	  "2:11: address: expected one plain address like "
	  "support@example.com", "address in brackets" },
	{ "[smtp]\nfrom = nobody\n",
	  "2:8: from: expected a plain address or <>", "sender" },
	{ "[smtp]\nauto-from = a@b.c, d@e.f\n",
	  "2:13: auto-from: expected a plain address or <>", "two senders" },
	{ "[imap]\nqueue-folder = Queues\n",
	  "2:16: queue-folder: expected a folder name with %q for the queue, "
	  "like Queues/%q, or 'none'", "queue folder without %q" },
	{ "[imap]\nstart = 2026-13-01\n",
	  "2:9: start: expected 'now', 'all' or a date like 2026-11-01",
	  "start date" },
	{ "[helpq]\ndefault-language = EN\n",
	  "2:20: default-language: 'EN' is not a language code like en or de",
	  "default language" },
	{ "[policy]\nholidays = 2026-12-24, soon\n",
	  "2:12: holidays: 'soon' is not a date like 2026-12-24, 12-25, "
	  "easter+1 or orthodox-easter-2", "holidays" },
	{ "[thread]\ntoken-prefix = ABCDEFGHIJKLMNOPQ\n",
	  "2:16: token-prefix: expected 1 to 16 characters",
	  "token prefix too long" },
};

/* Good values of each kind, as they are stored. */
static void
good_values(void)
{
	struct config	 c;
	char		*cause;

	ok(load(&c,
	    "[imap]\n"
	    "host = imap.example.com\n"
	    "port = 143\n"
	    "tls = starttls\n"
	    "auth = xoauth2\n"
	    "password-env = TOKEN\n"
	    "folders = Support, Sales\n"
	    "folders = Help\n"
	    "sent = none\n"
	    "queue-folder = Queues/%q\n"
	    "max-size = 500k\n"
	    "commit-size = 2M\n"
	    "commit-time = 2m\n"
	    "start = 2026-11-01\n"
	    "idle = no\n"
	    "[smtp]\n"
	    "tls = yes\n"
	    "password-file = /etc/pw\n"
	    "password-command = pass smtp\n"
	    "from = Agents@Example.com\n"
	    "auto-from = <>\n"
	    "[ack]\n"
	    "max-per-hour = 0\n"
	    "[helpq]\n"
	    "managers = Boss@Example.com\n"
	    "managers = deputy@example.com\n", &cause) == 0,
	    "good values of every kind load");
	is_str(c.imap.host, "imap.example.com", "host");
	is_int(c.imap.port, 143, "port");
	is_int(c.imap.tls, CONFIG_TLS_STARTTLS, "tls = starttls");
	is_int(c.imap.auth, CONFIG_AUTH_XOAUTH2, "auth = xoauth2");
	is_int(c.imap.password.source, SECRET_ENV, "password-env");
	is_str(c.imap.password.arg, "TOKEN", "the variable's name");
	is_int(c.imap.nfolders, 1, "a later folders line replaces the list");
	is_str(c.imap.nfolders == 1 ? c.imap.folders[0] : NULL, "Help",
	    "the later folder");
	ok(c.imap.sent == NULL, "sent = none");
	is_str(c.imap.queue_folder, "Queues/%q", "queue-folder");
	is_int(c.imap.max_size, 500 * 1024, "500k");
	is_int(c.imap.commit_size, 2 * 1024 * 1024, "2M");
	is_int(c.imap.commit_time, 120, "2m");
	is_int(c.imap.start, CONFIG_START_DATE, "start at a date");
	is_int(c.imap.start_date, 1793491200, "2026-11-01 00:00 UTC");
	ok(!c.imap.idle, "idle = no");
	is_int(c.smtp.tls, CONFIG_TLS_IMPLICIT, "tls = yes is smtps");
	is_int(c.smtp.password.source, SECRET_COMMAND,
	    "a later password key replaces an earlier one");
	is_str(c.smtp.password.arg, "pass smtp", "the command");
	is_str(c.smtp.from, "Agents@Example.com", "a sender keeps its case");
	is_str(c.smtp.auto_from, "", "<> is the null sender");
	is_int(c.ack.max_per_hour, 0, "a count may be its minimum");
	is_int(c.nmanagers, 2, "managers lines add up");
	is_str(c.nmanagers == 2 ? c.managers[0] : NULL, "boss@example.com",
	    "managers lower-cased");
	config_clear(&c);
}

/* [calendar "NAME"] sections: their keys, zones, files and errors. */
static void
test_calendars(void)
{
	struct config		 c;
	const struct calendar	*de, *gr, *always, *late;
	const char		*top, *slash;
	char			*text, *cause, *want;
	int			 rc;

	if ((top = getenv("TOP_SRCDIR")) == NULL)
		top = ".";
	text = xprintf(
	    "[helpq]\n"
	    "timezone = Europe/Berlin\n"
	    "[calendar \"de\"]\n"
	    "hours = mon-fri 08:00-12:00 13:00-17:00\n"
	    "holidays = easter-2, easter+1, 12-25\n"
	    "holidays-file = %s/tests/holidays.ics\n"
	    "[calendar \"gr\"]  # Athens\n"
	    "timezone = Europe/Athens\n"
	    "hours = mon-fri 09:00-17:00\n"
	    "holidays = orthodox-easter-2, orthodox-easter+1\n"
	    "[calendar \"always\"]\n"
	    "[calendar \"late-zone\"]\n"
	    "hours = 24/7\n"
	    "[policy]\n"
	    "clock = business\n", top);
	rc = load(&c, text, &cause);
	ok(rc == 0, "calendars load: %s", cause != NULL ? cause : "ok");
	free(text);
	free(cause);
	is_int(c.ncalendars, 4, "four calendars");
	de = config_calendar(&c, "de");
	gr = config_calendar(&c, "gr");
	always = config_calendar(&c, "always");
	late = config_calendar(&c, "late-zone");
	ok(config_calendar(&c, NULL) == &c.policy.cal &&
	    config_calendar(&c, "default") == &c.policy.cal,
	    "the default calendar is [policy]'s");
	ok(config_calendar(&c, "fr") == NULL, "no calendar fr");
	ok(de != NULL && de->tz == c.tz && de->week[1].n == 2 &&
	    !de->always, "de: [helpq]'s zone, a lunch break");
	/* Thursday 2026-04-02 14:00 UTC (16:00 CEST) + 2h: Good Friday,
	 * the weekend and Easter Monday skipped; 07:00 UTC is 09:00 CEST. */
	ok(de != NULL && calendar_due(de, utc("2026-04-02 14:00"), 7200) ==
	    utc("2026-04-07 07:00"), "de: due after Easter Monday");
	ok(de != NULL && calendar_holiday(de, 2026, 10, 3) != NULL &&
	    calendar_holiday(de, 2026, 12, 25) != NULL,
	    "de: holidays of the file and of the key");
	ok(gr != NULL && gr->tz != NULL && gr->tz != c.tz &&
	    strcmp(tz_name(gr->tz), "Europe/Athens") == 0,
	    "gr: its own zone");
	/* Orthodox Good Friday 2026 is 04-10, Easter Monday 04-13: from
	 * Thursday 13:00 UTC (16:00 EEST) + 2h to Tuesday 07:00 UTC. */
	ok(gr != NULL && calendar_due(gr, utc("2026-04-09 13:00"), 7200) ==
	    utc("2026-04-14 07:00"), "gr: due after Orthodox Easter Monday");
	ok(always != NULL && always->always && always->nholidays == 0 &&
	    calendar_due(always, 1000, 86400) == 1000 + 86400,
	    "a calendar without hours is 24/7");
	ok(late != NULL && late->always, "hours = 24/7");
	config_clear(&c);

	/* A zone set after the calendar is still its zone. */
	ok(load(&c, "[calendar \"x\"]\nhours = mon 09:00-10:00\n"
	    "[helpq]\ntimezone = America/New_York\n", &cause) == 0 &&
	    config_calendar(&c, "x") != NULL &&
	    config_calendar(&c, "x")->tz == c.tz &&
	    strcmp(tz_name(c.tz), "America/New_York") == 0,
	    "a calendar without a zone has [helpq]'s, set later");
	free(cause);
	config_clear(&c);

	expect_error("[calendar]\n",
	    "1:10: expected a quoted name: [calendar \"NAME\"]",
	    "a calendar without a name");
	expect_error("[calendar \"a b\"]\n",
	    "1:12: a calendar's name is letters, digits, '-', '_' and '.'",
	    "a calendar's name with a blank");
	expect_error("[calendar \"x\"] y\n",
	    "1:16: unexpected text after section name",
	    "text after a calendar's section");
	expect_error("[calendar \"x\"]\n[calendar \"x\"]\n",
	    "2:12: calendar \"x\" is defined already", "a calendar twice");
	expect_error("[calendar \"default\"]\n",
	    "1:12: calendar \"default\" is defined already ([policy]'s)",
	    "the default calendar is not a section");
	expect_error("[calendar \"x\"]\nhours = mon-fri 08:00-12:00 "
	    "11:00-13:00\n",
	    "2:9: hours: 'mon-fri 08:00-12:00 11:00-13:00' is not like "
	    "'mon-fri 09:00-17:00' or 'sun closed'", "overlapping hours");
	expect_error("[calendar \"x\"]\n\tholidays = 12-24, easter+100\n",
	    "2:13: holidays: 'easter+100' is not a date like 2026-12-24, "
	    "12-25, easter+1 or orthodox-easter-2", "a holiday too far "
	    "from Easter");
	expect_error("[calendar \"x\"]\ntimezone = ../x\n",
	    "2:12: timezone: '../x' is not a time zone name like "
	    "Europe/Berlin", "a calendar's bad zone");
	expect_error("[policy]\nhours = 24/7\n",
	    "2:1: unknown key 'hours' in section [policy]",
	    "hours is a calendar's key");
	/* A relative file is read from the config's folder. */
	slash = strrchr(tmpl, '/');
	want = xprintf("2:17: holidays-file: %.*s/no-such.ics: No such file "
	    "or directory", (int)(slash - tmpl), tmpl);
	expect_error("[calendar \"x\"]\nholidays-file = no-such.ics\n", want,
	    "a missing holiday file, relative to the config");
	free(want);
}

int
main(void)
{
	struct config	 c;
	char		*cause;
	time_t		 d;
	size_t		 i;
	int		 fd;

	if ((fd = mkstemp(tmpl)) == -1)
		return (1);
	close(fd);

	ok(config_keys_sorted(), "keyword table is sorted for bsearch");
	for (i = 0; i < nitems(bad_values); i++)
		expect_error(bad_values[i].text, bad_values[i].want,
		    bad_values[i].name);
	good_values();

	config_defaults(&c);
	is_str(c.token_prefix, "#", "default token prefix");
	is_int(c.subject_window, 30 * 86400, "default subject window");
	is_int(c.reopen_window, 14 * 86400, "default reopen window");
	is_int(c.stranger, CONFIG_STRANGER_LINK, "strangers linked by default");
	config_clear(&c);

	ok(load(&c,
	    "# comment\n"
	    "[helpq]\n"
	    "  database = /tmp/x.db  \n"
	    "address = Support@Example.COM\n"
	    "agents = alice@example.com, Bob@Example.com @staff.example.org\n"
	    "; another comment\n"
	    "[thread]\n"
	    "token-prefix = ACME-\n"
	    "subject-window = 2w\n"
	    "reopen-window=3d\n"
	    "strangers = join\n", &cause) == 0, "valid file loads");
	is_str(c.database, "/tmp/x.db", "database, blanks trimmed");
	is_str(c.address, "support@example.com", "address lower-cased");
	is_int(c.nagents, 3, "three agent entries");
	is_str(c.token_prefix, "ACME-", "token prefix");
	is_int(c.subject_window, 14 * 86400, "2w");
	is_int(c.reopen_window, 3 * 86400, "3d");
	is_int(c.stranger, CONFIG_STRANGER_JOIN, "strangers = join");
	ok(config_is_agent(&c, "support@example.com"), "support address is ours");
	ok(config_is_agent(&c, "bob@example.com"), "listed agent");
	ok(config_is_agent(&c, "carol@staff.example.org"), "@domain agent");
	ok(!config_is_agent(&c, "carol@example.org"), "stranger is no agent");
	ok(!config_is_agent(&c, "x@evilstaff.example.org"),
	    "@domain does not match a longer domain");
	config_clear(&c);

	expect_error("[helpq]\ncolour = blue\n",
	    "2:1: unknown key 'colour' in section [helpq]", "unknown key");
	expect_error("\n\n[imapx]\n", "3:2: unknown section [imapx]",
	    "unknown section");
	expect_error("[helpq\n", "1:1: missing ']' after section name",
	    "unclosed section");
	expect_error("[thread]\nsubject-window 3d\n",
	    "2:16: expected '=' after the key", "missing =");
	expect_error("[thread]\nsubject-window = soon\n",
	    "2:18: subject-window: 'soon' is not a duration (like 90, 30m, "
	    "24h, 7d, 2w)", "bad duration");
	expect_error("database = x\n",
	    "1:1: key outside a section (start with [helpq])", "no section");
	expect_error("[helpq]\naddress = not an address\n",
	    "2:11: address: expected one plain address like "
	    "support@example.com", "bad address");
	expect_error("[thread]\nstrangers = maybe\n",
	    "2:13: strangers: expected 'link' or 'join'", "bad enum");
	expect_error("[thread]\ntoken-prefix = T1\n",
	    "2:16: token-prefix: digits, brackets and blanks cannot be part "
	    "of the token prefix", "bad token prefix");
	/* The token finder skips no-break spaces: "[\u00a0:A3]" was written
	 * and never found again. */
	expect_error("[thread]\ntoken-prefix = \xc2\xa0:A\n",
	    "2:16: token-prefix: digits, brackets and blanks cannot be part "
	    "of the token prefix", "a no-break space in the token prefix");
	expect_error("[thread]\ntoken-prefix = T\xe2\x80\xaf\n",
	    "2:16: token-prefix: digits, brackets and blanks cannot be part "
	    "of the token prefix", "a narrow no-break space in the prefix");
	/* ... and drops zero-width characters: "[HQ\u200c3]" was lost. */
	expect_error("[thread]\ntoken-prefix = HQ\xe2\x80\x8c\n",
	    "2:16: token-prefix: digits, brackets and blanks cannot be part "
	    "of the token prefix", "a zero-width non-joiner in the prefix");
	expect_error("[helpq]\nagents = bob\n",
	    "2:10: agents: 'bob' is neither an address nor @domain",
	    "bad agent");

	/* Languages, the response policy and the rules. */
	config_defaults(&c);
	ok(c.nlanguages > 3 && strcmp(c.languages[0], "en") == 0,
	    "a default list of languages");
	is_str(c.default_language, "en", "default language");
	is_int(c.policy.response_time, 24 * 3600, "24 h promise by default");
	ok(!c.policy.business, "calendar hours by default");
	ok(c.jit, "JIT on by default");
	ok(c.match_limit == 0 && c.depth_limit == 0,
	    "PCRE2 limits left to the rules module by default");
	ok(c.imap.nfolders == 1 && strcmp(c.imap.folders[0], "INBOX") == 0,
	    "INBOX by default");
	is_str(c.smtp.auto_from, "", "acks from the null sender by default");
	config_clear(&c);
	ok(load(&c,
	    "[helpq]\n"
	    "languages = de, el en\n"
	    "default-language = de\n"
	    "[policy]\n"
	    "response-time = 8h\n"
	    "clock = business\n"
	    "business-hours = mon-thu 08:00-16:00, fri 08:00-12:00\n"
	    "holidays = 2026-12-24, 2026-12-31\n"
	    "[rules]\n"
	    "path = rules.d, /etc/helpq/extra.rules\n"
	    "path = more.rules\n"
	    "match-limit = 50000\n"
	    "depth-limit = 500\n"
	    "jit = no\n", &cause) == 0, "languages, policy, rules load");
	is_int(c.nlanguages, 3, "three languages");
	is_str(c.nlanguages == 3 ? c.languages[2] : NULL, "en",
	    "blanks separate too");
	is_str(c.default_language, "de", "default-language");
	is_int(c.policy.response_time, 8 * 3600, "response-time");
	ok(c.policy.business, "clock = business");
	is_int(c.policy.cal.week[5].span[0].close, 12 * 60,
	    "Friday closes at noon");
	is_int(c.policy.cal.week[6].n, 0, "Saturday closed");
	is_int(c.policy.cal.nholidays, 2, "holidays");
	is_int(c.nrules, 3, "rule paths add up");
	ok(c.nrules == 3 && c.rules[0][0] == '/' &&
	    strcmp(strrchr(c.rules[0], '/'), "/rules.d") == 0,
	    "a relative rule path is read from the config's folder");
	is_str(c.nrules == 3 ? c.rules[1] : NULL, "/etc/helpq/extra.rules",
	    "an absolute path stays");
	is_int(c.match_limit, 50000, "match-limit");
	is_int(c.depth_limit, 500, "depth-limit");
	ok(!c.jit, "jit = no");
	config_clear(&c);
	expect_error("[helpq]\nlanguages = de, greek\n",
	    "2:13: languages: 'greek' is not a language code like de or el",
	    "bad language");
	expect_error("[policy]\nclock = sometimes\n",
	    "2:9: clock: expected 'calendar' or 'business'", "bad clock");
	expect_error("[policy]\nbusiness-hours = weekdays\n",
	    "2:18: business-hours: 'weekdays' is not like 'mon-fri "
	    "09:00-17:00' or 'sun closed'", "bad business hours");
	expect_error("[policy]\nresponse-time = 0\n",
	    "2:17: response-time: a response time of 0 cannot be kept",
	    "zero response time");
	/* The zone of business hours and display, loaded with the file. */
	config_defaults(&c);
	ok(c.tz != NULL && c.policy.cal.tz == c.tz, "the system's zone by "
	    "default");
	config_clear(&c);
	ok(load(&c, "[helpq]\ntimezone = America/New_York\n", &cause) == 0 &&
	    c.policy.cal.tz == c.tz && strcmp(tz_name(c.tz),
	    "America/New_York") == 0, "timezone loads the zone");
	config_clear(&c);
	expect_error("[helpq]\ntimezone = ../../etc/passwd\n",
	    "2:12: timezone: '../../etc/passwd' is not a time zone name like "
	    "Europe/Berlin", "a zone name that climbs out");
	expect_error("[helpq]\ntimezone = /etc/localtime\n",
	    "2:12: timezone: '/etc/localtime' is not a time zone name like "
	    "Europe/Berlin", "an absolute path is no zone name");
	ok(load(&c, "[helpq]\n\ntimezone = Mars/Olympus_Mons\n", &cause) ==
	    -1 && cause != NULL && strstr(cause, ":3:12: timezone: unknown "
	    "time zone 'Mars/Olympus_Mons'") != NULL, "an unknown zone: %s",
	    cause);
	free(cause);
	config_clear(&c);
	expect_error("[rules]\nmatch-limit = 10\n",
	    "2:15: match-limit: expected a number from 1000 to 100000000",
	    "match limit too low");

	ok(config_parse_duration("90", &d) == 0 && d == 90, "90 seconds");
	ok(config_parse_duration("30m", &d) == 0 && d == 1800, "30m");
	ok(config_parse_duration("24h", &d) == 0 && d == 86400, "24h");
	ok(config_parse_duration("h", &d) == -1, "no number");
	ok(config_parse_duration("5hh", &d) == -1, "trailing junk");
	ok(config_parse_duration("99999999999w", &d) == -1, "overflow");

	ok(config_load(&c, "/nonexistent/helpq.conf", &cause) == -1 &&
	    strstr(cause, "/nonexistent/helpq.conf: ") == cause,
	    "missing file names the file");
	free(cause);

	test_calendars();
	unlink(tmpl);
	return (done_testing());
}
