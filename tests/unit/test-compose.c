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

#include "buf.h"
#include "compose.h"
#include "message.h"
#include "tz.h"
#include "utf8.h"
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

/* The fields roundtrip() writes, in order. */
static const char *const expected_names[] = {
	"Date", "From", "To", "Subject", "Message-ID", "In-Reply-To",
	"References", "Auto-Submitted", "Content-Language", "MIME-Version",
	"Content-Type", "Content-Transfer-Encoding", NULL
};

/* Nonzero if m has exactly the fields in names (NULL-terminated). */
static int
names_are(const struct message *m, const char *const *names)
{
	size_t	i;

	for (i = 0; names[i] != NULL; i++) {
		if (i >= m->nheaders || strcmp(m->headers[i].name,
		    names[i]) != 0) {
			diag("field %zu is %s, want %s", i, i < m->nheaders ?
			    m->headers[i].name : "(none)", names[i]);
			return (0);
		}
	}
	if (m->nheaders != i)
		diag("%zu fields, want %zu", m->nheaders, i);
	return (m->nheaders == i);
}

/* The value of a base64 digit, or -1. */
static int
b64_digit(char c)
{
	const char	*d =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const char	*p = c != '\0' ? strchr(d, c) : NULL;

	return (p != NULL ? (int)(p - d) : -1);
}

/*
 * Nonzero if every "=?UTF-8?B?...?=" in raw decodes alone to valid UTF-8
 * (no character is split between two words).
 */
static int
words_whole(const char *raw)
{
	const char	*p = raw, *e, *q;
	char		 out[128];
	size_t		 n;
	uint32_t	 v;
	int		 bits, d;

	while ((p = strstr(p, "=?UTF-8?B?")) != NULL) {
		p += 10;
		if ((e = strstr(p, "?=")) == NULL)
			return (0);
		n = 0;
		v = 0;
		bits = 0;
		for (q = p; q < e && *q != '='; q++) {
			if ((d = b64_digit(*q)) < 0 || n >= sizeof out)
				return (0);
			v = v << 6 | (uint32_t)d;
			if ((bits += 6) >= 8) {
				bits -= 8;
				out[n++] = (char)(v >> bits);
			}
		}
		if (!utf8_valid(out, n)) {
			diag("a word that is not UTF-8 alone: %.*s",
			    (int)(e - p), p);
			return (0);
		}
		p = e + 2;
	}
	return (1);
}

static void
test_header_text(void)
{
	char	*s;

	s = compose_header_text("  Hello\r\nBcc: x@y\r\n\r\nbody  ");
	is_str(s, "Hello Bcc: x@y body", "CR LF become one blank; ends "
	    "trimmed");
	free(s);
	s = compose_header_text("a\tb\x01\x1b[31mc\x7f");
	is_str(s, "a b [31mc", "TAB, C0 controls and DEL");
	free(s);
	s = compose_header_text("x\xc2\x85y\xe2\x80\xa8z");
	is_str(s, "x y z", "C1 NEL and U+2028 are line breaks too");
	free(s);
	s = compose_header_text("caf\xe9 \xff");
	is_str(s, "caf\xef\xbf\xbd \xef\xbf\xbd", "invalid UTF-8 becomes "
	    "U+FFFD");
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
		"x_y-z@example-1.org", "o'brien@example.ie", "a=b?c@example.org"
	};
	static const char *const bad[] = {
		"", "plain", "@example.org", "a@", "a@@b", "a b@example.org",
		"a@exa mple.org", "a\r\n@x.org", "<a@b.org>", "a@b.org>",
		"a,b@c.org", "\"q\"@c.org", "a@b.org\r\nBcc: c@d", "ä@b.org",
		"a@b_c.org", "a@.org", "a@org.", "a@b..org", "a@exämple.org",
		"a@[192.0.2.1]", "a[1]@b.org", "a;b@c.org", "a@b.org\x7f",
		"=?x?q?y?=@b.org", "a=?b@c.org",
		NULL
	};
	size_t	i;

	for (i = 0; i < nitems(good); i++)
		ok(compose_addr_ok(good[i]), "address ok: %s", good[i]);
	for (i = 0; i < nitems(bad); i++)
		ok(!compose_addr_ok(bad[i]), "address refused: case %zu", i);
	ok(!compose_addr_ok(NULL), "no address is refused");
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
		ok(names_are(m, expected_names), "injection %zu: exactly the "
		    "fields written, in order", i);
		ok(m->to.v[0].name != NULL && strcmp(m->to.v[0].name,
		    "Eve Cc: victim@example.org") == 0, "injection %zu: the "
		    "name reads back sanitised", i);
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
		"Re: Grüße aus Köln [#12]",
		"📦📦📦📦📦📦📦📦📦📦📦📦📦📦📦📦📦📦📦📦 Lieferung 😀",
		"Averyveryveryveryveryveryveryveryveryveryveryveryvery"
		    "verylongwordthatcannotbefolded at all",
		"=?utf-8?B?SGVsbG8=?= is not an encoded word here",
		"Tab\there and  two blanks",
	};
	static const char *const names[] = {
		"Jürgen Müller", "Ελένη Παπαδοπούλου", "Smith, John",
		"\"Quoted\" Name", "Back\\slash", "O'Brien",
		"Dr. Maximilian Alexander von und zu Hohenzollern-Sigmaringen, "
		    "Abteilung Einkauf",
		"Very Long Display Name Without Any Specials In It Whatsoever "
		    "At All Really",
		"<script>", "=?utf-8?q?x?=", "a@b.c"
	};
	struct message	*m;
	char		*raw, *want;
	size_t		 i, len;

	for (i = 0; i < nitems(subjects); i++) {
		m = roundtrip(subjects[i], names[i], "x", &raw, &len);
		if (!ok(m != NULL, "subject %zu parses", i)) {
			free(raw);
			continue;
		}
		want = compose_header_text(subjects[i]);
		is_str(m->subject, want, "subject %zu reads back the same", i);
		free(want);
		is_str(m->to.v[0].name, names[i], "name %zu reads back the "
		    "same", i);
		ok(lines_ok(raw, len, 78, 76), "subject %zu: lines of at most "
		    "78 and 76", i);
		ok(longest_word(raw) <= 75, "subject %zu: encoded-words of at "
		    "most 75", i);
		ok(words_whole(raw), "subject %zu: no character split between "
		    "encoded-words", i);
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

/* A mail with every optional part, made and parsed back. */
static void
test_full(void)
{
	struct compose_addr	 to[12], cc[2];
	struct compose_mail	 m;
	struct message		*msg = NULL;
	const char		*refs[20], *extra[] = {
		"X-Loop: support@example.com", "X-Helpq-Ticket: 12"
	};
	char			*raw, *cause = NULL, *addrs[12], *ids[20];
	size_t			 i, len;

	for (i = 0; i < nitems(to); i++) {
		addrs[i] = xprintf("customer%zu@example.org", i);
		to[i].addr = addrs[i];
		to[i].name = i % 3 == 0 ? NULL : i % 3 == 1 ? "Jürgen Müller" :
		    "Müller, Jürgen";
	}
	cc[0].name = "Ελένη";
	cc[0].addr = "eleni@example.gr";
	cc[1].name = NULL;
	cc[1].addr = "team@example.com";
	for (i = 0; i < nitems(refs); i++) {
		ids[i] = xprintf("%zu.reference@mail.example.org", i);
		refs[i] = ids[i];
	}
	memset(&m, 0, sizeof m);
	m.from.name = "Kundendienst";
	m.from.addr = "support@example.com";
	m.to = to;
	m.n_to = nitems(to);
	m.cc = cc;
	m.n_cc = nitems(cc);
	m.reply_to = "replies@example.com";
	m.subject = "Re: Grüße aus Köln [#12]";
	m.date = 1795000000;
	m.message_id = "full@example.com";
	m.in_reply_to = ids[19];
	m.references = refs;
	m.nreferences = nitems(refs);
	m.extra = extra;
	m.nextra = nitems(extra);
	m.body = "Guten Tag,\n\nwir melden uns.\n";
	raw = compose_mail(&m, &len, &cause);
	if (!ok(raw != NULL && message_parse(raw, len, &msg, &cause) == 0,
	    "a mail with Cc, Reply-To, 20 References and extra fields")) {
		diag("%s", cause);
		free(cause);
		free(raw);
		goto out;
	}
	ok(lines_ok(raw, len, 78, 76), "12 recipients and 20 References fold "
	    "into lines of at most 78");
	ok(msg->to.n == 12 && msg->cc.n == 2 && msg->reply_to.n == 1 &&
	    msg->nreferences == 20, "every address and reference reads back");
	for (i = 0; i < msg->to.n && i < nitems(to); i++) {
		if (strcmp(msg->to.v[i].addr, to[i].addr) != 0 ||
		    (to[i].name == NULL) != (msg->to.v[i].name == NULL) ||
		    (to[i].name != NULL && strcmp(to[i].name,
		    msg->to.v[i].name) != 0))
			break;
	}
	is_int(i, 12, "the recipients' names and addresses, in order");
	is_str(msg->cc.v[0].name, "Ελένη", "a Greek name in Cc");
	is_str(message_header(msg, "X-Helpq-Ticket"), "12", "extra fields");
	ok(strstr(raw, "\r\nSubject: Re: =?UTF-8?B?") != NULL &&
	    strstr(raw, "?= [#12]\r\n") != NULL, "only the words that need "
	    "it are encoded: Re: and the token stay readable");
	is_str(msg->subject, "Re: Grüße aus Köln [#12]", "and it reads back");
	ok(strstr(raw, "\r\nAuto-Submitted") == NULL &&
	    strstr(raw, "\r\nContent-Language") == NULL, "no Auto-Submitted "
	    "or Content-Language unless given");
	ok(strncmp(raw, "Date: ", 6) == 0 && strstr(raw, "\r\nFrom: "
	    "Kundendienst <support@example.com>\r\n") != NULL,
	    "Date first, then From");
	message_free(msg);
	free(raw);

	/* What must fail, and say why in one line. */
	m.language = "de\r\nBcc: x@y";
	m.auto_submitted = "auto-replied";
	raw = compose_mail(&m, &len, &cause);
	ok(raw != NULL && strstr(raw, "Content-Language") == NULL &&
	    strstr(raw, "Bcc") == NULL, "a language that is no language tag "
	    "is left out");
	free(raw);
	m.language = "de";
	m.auto_submitted = "auto-replied\r\nBcc: x@y";
	cause = NULL;
	ok(compose_mail(&m, &len, &cause) == NULL && cause != NULL &&
	    strpbrk(cause, "\r\n") == NULL, "Auto-Submitted with CR LF "
	    "fails");
	free(cause);
	m.auto_submitted = NULL;
	extra[1] = "Subject: second";
	cause = NULL;
	ok(compose_mail(&m, &len, &cause) == NULL && cause != NULL,
	    "an extra field may not repeat Subject");
	free(cause);
	extra[1] = "X-Bad: a\r\nBcc: x@y";
	cause = NULL;
	ok(compose_mail(&m, &len, &cause) == NULL && cause != NULL,
	    "an extra field with CR LF fails");
	free(cause);
	extra[1] = "no colon";
	cause = NULL;
	ok(compose_mail(&m, &len, &cause) == NULL && cause != NULL,
	    "an extra field without a name fails");
	free(cause);
	m.nextra = 0;
	m.n_to = 0;
	cause = NULL;
	ok(compose_mail(&m, &len, &cause) == NULL && cause != NULL &&
	    strstr(cause, "To") != NULL, "no recipient fails");
	free(cause);
	m.n_to = 1;
	m.reply_to = "a b@example.org";
	cause = NULL;
	ok(compose_mail(&m, &len, &cause) == NULL && cause != NULL &&
	    strstr(cause, "Reply-To") != NULL, "a bad Reply-To fails");
	free(cause);
	m.reply_to = NULL;
	cc[1].addr = "team@example.com>";
	cause = NULL;
	ok(compose_mail(&m, &len, &cause) == NULL && cause != NULL &&
	    strstr(cause, "Cc") != NULL, "a bad Cc fails");
	free(cause);
	m.n_cc = 0;
	m.from.addr = "support";
	cause = NULL;
	ok(compose_mail(&m, &len, &cause) == NULL && cause != NULL &&
	    strstr(cause, "From") != NULL, "a bad From fails");
	free(cause);
out:
	for (i = 0; i < nitems(to); i++)
		free(addrs[i]);
	for (i = 0; i < nitems(refs); i++)
		free(ids[i]);
}

/* Soft line breaks never leave "." or "From " at a line's start. */
static void
test_qp_edges(void)
{
	struct buf	 b;
	struct message	*m;
	const char	*p, *end, *body;
	char		*raw, *text, *q;
	size_t		 len, i;
	int		 bad = 0, eightbit = 0, blank = 0;

	buf_init(&b);
	for (i = 0; i < 200; i++)
		buf_addc(&b, '.');
	buf_addc(&b, '\n');
	for (i = 0; i < 40; i++)
		buf_adds(&b, "From ");
	buf_adds(&b, "\n");
	for (i = 0; i < 100; i++)
		buf_adds(&b, "ä ");
	buf_adds(&b, "\n");
	for (i = 0; i < 80; i++)
		buf_addc(&b, ' ');
	buf_adds(&b, "\n=\t\nx\n\x0c\n");
	text = buf_steal(&b, NULL);
	m = roundtrip("qp", NULL, text, &raw, &len);
	if (!ok(m != NULL, "awkward lines parse")) {
		free(raw);
		free(text);
		return;
	}
	body = strstr(raw, "\r\n\r\n") + 4;
	end = raw + len;
	for (p = body; p < end;
	    p = (const char *)memchr(p, '\n', (size_t)(end - p)) + 1) {
		if (*p == '.' || strncmp(p, "From ", 5) == 0)
			bad++;
		q = memchr(p, '\r', (size_t)(end - p));
		if (q > p && (q[-1] == ' ' || q[-1] == '\t'))
			blank++;
	}
	for (p = body; p < end; p++)
		eightbit += (unsigned char)*p >= 0x80;
	is_int(bad, 0, "no line starts with \".\" or \"From \", also "
	    "after a soft break");
	is_int(blank, 0, "no line ends in a blank");
	is_int(eightbit, 0, "7-bit only");
	ok(lines_ok(raw, len, 78, 76), "lines of at most 76");
	for (q = m->text; (q = strchr(q, '\r')) != NULL; q++) {
		if (q[1] == '\n')
			memmove(q, q + 1, strlen(q));
	}
	is_str(m->text, text, "and it all reads back");
	free(raw);
	free(text);
	message_free(m);

	m = roundtrip("cr", NULL, "a\rb\n", &raw, &len);
	ok(m != NULL && strstr(raw, "\r\n\r\na=0Db\r\n") != NULL,
	    "a CR without LF is text, encoded");
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
		{ "Review: draft", "Re: Review: draft [#7]" },
		{ "RE : facture", "RE : facture [#7]" },
		{ "Re\xc2\xa0: facture", "Re\xc2\xa0: facture [#7]" },
		{ "Antw: Vraag", "Antw: Vraag [#7]" },
		{ "SV: Fråga", "SV: Fråga [#7]" },
		{ "Απ: Ερώτηση", "Απ: Ερώτηση [#7]" },
		{ "ΣΧΕΤ: Ερώτηση", "ΣΧΕΤ: Ερώτηση [#7]" },
		{ "Ответ: Вопрос", "Ответ: Вопрос [#7]" },
		{ "回复：问题", "回复：问题 [#7]" },
		{ "Re(3): x", "Re(3): x [#7]" },
		{ "Re[x]: y", "Re: Re[x]: y [#7]" },
		{ "Απάντηση", "Re: Απάντηση [#7]" },
		{ "Re: Rechnung [#7]", "Re: Rechnung [#7]" },
		{ "AW: [#7] Rechnung", "AW: [#7] Rechnung" },
		{ "  Rechnung  ", "Re: Rechnung [#7]" },
		{ "", "Re: [#7]" },
		{ "Re:", "Re: [#7]" },
	};
	size_t	 i;
	char	*s;

	for (i = 0; i < nitems(cases); i++) {
		s = compose_reply_subject(cases[i].in, "[#7]");
		is_str(s, cases[i].want, "reply subject of '%s'", cases[i].in);
		free(s);
	}
	s = compose_reply_subject(NULL, NULL);
	is_str(s, "Re:", "no subject, no token");
	free(s);
}

static void
test_date(void)
{
	struct tz	*berlin, *ny;
	char		 buf[64], *cause = NULL;

	berlin = tz_load("Europe/Berlin", &cause);
	ny = tz_load("America/New_York", &cause);
	is_str(compose_date(1795000000, berlin, buf, sizeof buf),
	    "Wed, 18 Nov 2026 12:06:40 +0100", "RFC 5322 date in Berlin");
	is_str(compose_date(1782000000, ny, buf, sizeof buf),
	    "Sat, 20 Jun 2026 20:00:00 -0400", "and in New York, summer");
	is_str(compose_date(1782000000, NULL, buf, sizeof buf),
	    "Sun, 21 Jun 2026 00:00:00 +0000", "and in UTC");
	tz_free(berlin);
	tz_free(ny);
	free(cause);
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
	test_full();
	test_qp_edges();
	test_ids();
	test_subjects();
	test_date();
	return (done_testing());
}
