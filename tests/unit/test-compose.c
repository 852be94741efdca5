/*
 * helpq - test-compose.c: outgoing mail as bytes. What a customer wrote
 * never makes a header of its own; everything reads back the same through
 * the message parser; lines are short, CRLF-ended 7-bit text.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compose.h"
#include "message.h"
#include "xmalloc.h"
#include "../tap.h"

/* A mail with the given subject, sender name and body, parsed back. */
static struct message *
roundtrip(const char *subject, const char *name, const char *body,
    char **rawp, size_t *lenp)
{
	struct compose_mail	 m;
	struct compose_addr	 to = { name, "customer@example.org" };
	struct message		*msg = NULL;
	const char		*refs[] = { "a@example.org", "bad id", "b@x" };
	char			*raw, *cause = NULL;
	size_t			 len;

	memset(&m, 0, sizeof m);
	m.from.name = "Example Support";
	m.from.addr = "support@example.com";
	m.to = &to;
	m.n_to = 1;
	m.subject = subject;
	m.date = 1795000000;
	m.message_id = "id1@example.com";
	m.in_reply_to = "b@x";
	m.references = refs;
	m.nreferences = nitems(refs);
	m.auto_submitted = "auto-replied";
	m.language = "de";
	m.body = body;
	if ((raw = compose_mail(&m, &len, &cause)) == NULL) {
		diag("compose: %s", cause);
		free(cause);
		return (NULL);
	}
	if (message_parse(raw, len, &msg, &cause) != 0) {
		diag("parse: %s", cause);
		free(cause);
	}
	if (rawp != NULL) {
		*rawp = raw;
		*lenp = len;
	} else
		free(raw);
	return (msg);
}

/* Every line ends in CRLF, none is longer than max (header or body). */
static int
lines_ok(const char *raw, size_t len, size_t head_max, size_t body_max)
{
	const char	*p = raw, *end = raw + len, *nl;
	int		 head = 1;

	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return (0);
		if (nl == p || nl[-1] != '\r' || memchr(p, '\r',
		    (size_t)(nl - 1 - p)) != NULL)
			return (0);
		if ((size_t)(nl - 1 - p) > (head ? head_max : body_max)) {
			diag("long line: %.*s", (int)(nl - 1 - p), p);
			return (0);
		}
		if (nl - 1 == p)
			head = 0;
		p = nl + 1;
	}
	return (1);
}

/* The largest encoded-word in raw. */
static size_t
longest_word(const char *raw)
{
	const char	*p = raw, *e;
	size_t		 max = 0;

	while ((p = strstr(p, "=?")) != NULL) {
		if ((e = strstr(p + 2, "?=")) == NULL)
			break;
		/* "=?UTF-8?B?" has its own "?"s: the end is the "?=". */
		e = strstr(p + 10, "?=");
		if (e != NULL && (size_t)(e + 2 - p) > max)
			max = (size_t)(e + 2 - p);
		p = e != NULL ? e + 2 : p + 2;
	}
	return (max);
}

static int
header_count(const struct message *m, const char *name)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < m->nheaders; i++)
		n += strcasecmp(m->headers[i].name, name) == 0;
	return (n);
}

static void
test_header_text(void)
{
	char	*s;

	s = compose_header_text("  Hello\r\nBcc: x@y\r\n\r\nbody  ");
	is_str(s, "Hello Bcc: x@y body", "CR LF become one blank; ends trimmed");
	free(s);
	s = compose_header_text("a\tb\x01\x1b[31mc\x7f");
	is_str(s, "a b [31mc", "TAB, C0 controls and DEL");
	free(s);
	s = compose_header_text("x\xc2\x85y\xe2\x80\xa8z");
	is_str(s, "x y z", "C1 NEL and U+2028 are line breaks too");
	free(s);
	s = compose_header_text("caf\xe9 \xff");
	is_str(s, "caf\xef\xbf\xbd \xef\xbf\xbd", "invalid UTF-8 becomes U+FFFD");
	free(s);
	s = compose_header_text("Πρόβλημα με την παραγγελία");
	is_str(s, "Πρόβλημα με την παραγγελία", "Greek stays as it is");
	free(s);
}

static void
test_addrs(void)
{
	static const char *const good[] = {
		"a@example.org", "first.last+tag@sub.example.co.uk",
		"x_y-z@example-1.org", "o'brien@example.ie"
	};
	static const char *const bad[] = {
		"", "plain", "@example.org", "a@", "a@@b", "a b@example.org",
		"a@exa mple.org", "a\r\n@x.org", "<a@b.org>", "a@b.org>",
		"a,b@c.org", "\"q\"@c.org", "a@b.org\r\nBcc: c@d", "ä@b.org",
		"a@b_c.org", "a@.org", "a@org."
	};
	size_t	i;

	for (i = 0; i < nitems(good); i++)
		ok(compose_addr_ok(good[i]), "address ok: %s", good[i]);
	for (i = 0; i < nitems(bad); i++)
		ok(!compose_addr_ok(bad[i]), "address refused: case %zu", i);
}

static void
test_injection(void)
{
	static const char *const subjects[] = {
		"Hello\r\nBcc: victim@example.org",
		"Hello\nBcc: victim@example.org\n\nbody",
		"Hello\rBcc: victim@example.org",
		"=?utf-8?q?a=0D=0ABcc:_v@x?=",
		"\r\n\r\nTo: other@example.org",
	};
	struct message	*m;
	char		*raw, *want;
	size_t		 i, len;

	for (i = 0; i < nitems(subjects); i++) {
		m = roundtrip(subjects[i], "Eve\r\nCc: victim@example.org",
		    "text", &raw, &len);
		if (!ok(m != NULL, "injection %zu: composed and parsed", i)) {
			free(raw);
			continue;
		}
		ok(header_count(m, "Bcc") == 0 && header_count(m, "Cc") == 0 &&
		    header_count(m, "Subject") == 1 &&
		    header_count(m, "To") == 1, "injection %zu: no header "
		    "was added", i);
		ok(m->to.n == 1 && strcmp(m->to.v[0].addr,
		    "customer@example.org") == 0, "injection %zu: one "
		    "recipient", i);
		want = compose_header_text(subjects[i]);
		is_str(m->subject, want, "injection %zu: the subject reads "
		    "back as the sanitised text", i);
		ok(lines_ok(raw, len, 78, 76), "injection %zu: CRLF lines, "
		    "none too long", i);
		free(want);
		free(raw);
		message_free(m);
	}
}

static void
test_roundtrip(void)
{
	static const char *const subjects[] = {
		"Rechnung für Bestellung 4711 ist falsch – bitte korrigieren "
		    "Sie die Positionen drei und vier, Grüße aus München",
		"Πρόβλημα με την παραγγελία μου: δεν έχει φτάσει ακόμα και "
		    "πέρασαν ήδη δύο εβδομάδες από την πληρωμή",
		"A plain ASCII subject that is long enough to be folded over "
		    "more than one line by the composer",
		"Re: [#12] short",
		"日本語の件名",
		"",
	};
	static const char *const names[] = {
		"Jürgen Müller", "Ελένη Παπαδοπούλου", "Smith, John",
		"\"Quoted\" Name", "Back\\slash", "O'Brien"
	};
	struct message	*m;
	char		*raw;
	size_t		 i, len;

	for (i = 0; i < nitems(subjects); i++) {
		m = roundtrip(subjects[i], names[i], "x", &raw, &len);
		if (!ok(m != NULL, "subject %zu parses", i)) {
			free(raw);
			continue;
		}
		is_str(m->subject, subjects[i], "subject %zu reads back the "
		    "same", i);
		is_str(m->to.v[0].name, names[i], "name %zu reads back the "
		    "same", i);
		ok(lines_ok(raw, len, 78, 76), "subject %zu: lines of at most "
		    "78 and 76", i);
		ok(longest_word(raw) <= 75, "subject %zu: encoded-words of at "
		    "most 75", i);
		ok(m->in_reply_to != NULL && strcmp(m->in_reply_to, "b@x") == 0,
		    "In-Reply-To");
		ok(m->nreferences == 2, "References leave out an id with a "
		    "blank");
		is_str(message_header(m, "Auto-Submitted"), "auto-replied",
		    "Auto-Submitted");
		is_str(m->content_language, "de", "Content-Language");
		free(raw);
		message_free(m);
	}
}

static void
test_body(void)
{
	static const char body[] =
	    "Guten Tag,\n"
	    ".\n"
	    "From here on\n"
	    "trailing blanks   \n"
	    "tab\tinside\t\n"
	    "= sign and =3D\n"
	    "Ένα πολύ μεγάλο κείμενο στα ελληνικά που πρέπει να σπάσει σε "
	    "περισσότερες γραμμές quoted-printable χωρίς να χαθεί τίποτα.\n"
	    "\n"
	    "end";
	struct message	*m;
	char		*raw, *p;
	size_t		 len;

	m = roundtrip("body", NULL, body, &raw, &len);
	if (!ok(m != NULL, "a body parses")) {
		free(raw);
		return;
	}
	/* The parser keeps CRLF in text; compare without CRs. */
	for (p = m->text; (p = strchr(p, '\r')) != NULL; )
		memmove(p, p + 1, strlen(p));
	while ((p = strrchr(m->text, '\n')) != NULL && p[1] == '\0')
		*p = '\0';
	is_str(m->text, body, "the body reads back the same");
	ok(lines_ok(raw, len, 78, 76), "quoted-printable lines of at most 76");
	ok(strstr(raw, "\r\n.\r\n") == NULL && strstr(raw, "\r\nFrom ") ==
	    NULL, "no line starts with \".\" or \"From \"");
	ok(strstr(raw, "Content-Transfer-Encoding: quoted-printable\r\n") !=
	    NULL && strstr(raw, "charset=utf-8") != NULL, "declared UTF-8 "
	    "quoted-printable");
	free(raw);
	message_free(m);

	m = roundtrip("bad", NULL, "caf\xe9 ok\r\nline two", &raw, &len);
	ok(m != NULL && strncmp(m->text, "caf\xef\xbf\xbd ok", 9) == 0,
	    "invalid UTF-8 in the body becomes U+FFFD");
	free(raw);
	message_free(m);
}

static void
test_refusals(void)
{
	struct compose_mail	 m;
	struct compose_addr	 to = { NULL, "a@b\r\nBcc: c@d" };
	char			*raw, *cause = NULL;
	size_t			 len;

	memset(&m, 0, sizeof m);
	m.from.addr = "support@example.com";
	m.to = &to;
	m.n_to = 1;
	m.subject = "x";
	m.message_id = "id@example.com";
	m.body = "x";
	raw = compose_mail(&m, &len, &cause);
	ok(raw == NULL && cause != NULL && strstr(cause, "To") != NULL &&
	    strpbrk(cause, "\r\n") == NULL, "an address with CR LF is "
	    "refused, and the reason holds no CR LF");
	free(cause);
	cause = NULL;
	to.addr = "a@example.org";
	m.message_id = "id with blank";
	raw = compose_mail(&m, &len, &cause);
	ok(raw == NULL && cause != NULL, "a Message-ID with a blank is "
	    "refused");
	free(cause);
}

static int
str_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

static void
test_ids(void)
{
	char	*ids[10000];
	size_t	 i, dup = 0;

	for (i = 0; i < nitems(ids); i++)
		ids[i] = compose_message_id("support@example.com");
	ok(strstr(ids[0], "@example.com") != NULL && strchr(ids[0], '<') ==
	    NULL, "in our domain, without <>: %s", ids[0]);
	qsort(ids, nitems(ids), sizeof ids[0], str_cmp);
	for (i = 1; i < nitems(ids); i++)
		dup += strcmp(ids[i - 1], ids[i]) == 0;
	is_int(dup, 0, "10,000 Message-IDs, all different");
	for (i = 0; i < nitems(ids); i++)
		free(ids[i]);
	ids[0] = compose_message_id("not an address");
	ok(strstr(ids[0], "@helpq.invalid") != NULL, "no domain: "
	    "helpq.invalid");
	free(ids[0]);
}

static void
test_subjects(void)
{
	static const struct {
		const char	*in;
		const char	*want;
	} cases[] = {
		{ "Rechnung", "Re: Rechnung [#7]" },
		{ "Re: Rechnung", "Re: Rechnung [#7]" },
		{ "RE: Rechnung", "RE: Rechnung [#7]" },
		{ "AW: Rechnung", "AW: Rechnung [#7]" },
		{ "ΑΠ: Παραγγελία", "ΑΠ: Παραγγελία [#7]" },
		{ "Re[2]: x", "Re[2]: x [#7]" },
		{ "Rechnung [#7]", "Re: Rechnung [#7]" },
		{ "Fwd: Rechnung", "Re: Fwd: Rechnung [#7]" },
		{ "Reisekosten", "Re: Reisekosten [#7]" },
	};
	size_t	 i;
	char	*s;

	for (i = 0; i < nitems(cases); i++) {
		s = compose_reply_subject(cases[i].in, "[#7]");
		is_str(s, cases[i].want, "reply subject of '%s'", cases[i].in);
		free(s);
	}
}

static void
test_date(void)
{
	char	buf[64];

	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	is_str(compose_date(1795000000, buf, sizeof buf),
	    "Wed, 18 Nov 2026 12:06:40 +0100", "RFC 5322 date in Berlin");
	setenv("TZ", "America/New_York", 1);
	tzset();
	is_str(compose_date(1782000000, buf, sizeof buf),
	    "Sat, 20 Jun 2026 20:00:00 -0400", "and in New York, summer");
	setenv("TZ", "UTC", 1);
	tzset();
}

int
main(void)
{
	test_header_text();
	test_addrs();
	test_injection();
	test_roundtrip();
	test_body();
	test_refusals();
	test_ids();
	test_subjects();
	test_date();
	return (done_testing());
}
