/*
 * helpq - compose.c: outgoing mail as bytes. Header values that came from
 * a customer pass compose_header_text (no control character survives)
 * and, where not plain ASCII, become RFC 2047 encoded-words; the body is
 * UTF-8 in quoted-printable, so every line is short 7-bit text that no
 * relay rewrites.
 */
#include "compat.h"

#include <sys/random.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "compose.h"
#include "tz.h"
#include "utf8.h"
#include "xmalloc.h"

/* RFC 5322 wants lines of at most 78 characters where we can fold. */
#define COMPOSE_LINE	78
/* Bytes of text per encoded-word: 39 bytes are 52 base64 characters,
 * so "=?UTF-8?B?" + 52 + "?=" is 64, well inside the 75 allowed. */
#define COMPOSE_WORD	39
/* A plain word longer than this would not fit after "Subject: " on one
 * line; it is encoded instead, as encoded-words can be split. */
#define COMPOSE_ATOM	(COMPOSE_LINE - 12)
/* RFC 2045: quoted-printable lines of at most 76 characters. */
#define COMPOSE_QP	76
/* The RFC 5322 specials: a display name with one is quoted. */
#define COMPOSE_SPECIALS "()<>[]:;@\\,.\""

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* A header field being written: where its current line stands. */
struct hdr {
	struct buf	*b;
	size_t		 col;	/* characters on the current line */
	int		 fresh;	/* nothing on the line but the name or fold */
};

/* Control characters: C0, DEL and C1, and the line and paragraph
 * separators, none of which belongs in a header. */
static int
is_control(uint32_t c)
{
	return (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 ||
	    c == 0x2029);
}

char *
compose_header_text(const char *s)
{
	const char	*p = s;
	struct buf	 b;
	size_t		 n, len = strlen(s);
	uint32_t	 c;
	int		 blank = 0;

	buf_init(&b);
	while (len > 0) {
		if ((n = utf8_decode(p, len, &c)) == 0) {
			n = 1;
			c = UTF8_BAD;
		}
		if (is_control(c) || c == ' ') {
			blank = b.len > 0;
		} else {
			if (blank)
				buf_addc(&b, ' ');
			blank = 0;
			if (c == 0xfffd && n == 1)
				buf_adds(&b, "\xef\xbf\xbd");
			else
				buf_add(&b, p, n);
		}
		p += n;
		len -= n;
	}
	return (buf_steal(&b, NULL));
}

/* Letters and digits of ASCII, whatever the locale says. */
static int
ascii_alnum(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'));
}

int
compose_addr_ok(const char *addr)
{
	const char	*at, *p;
	size_t		 label = 0;

	if (addr == NULL || strlen(addr) > 254 ||
	    (at = strchr(addr, '@')) == NULL || at == addr ||
	    strchr(at + 1, '@') != NULL)
		return (0);
	/* Printable ASCII without blanks or specials: a quoted local part
	 * is refused rather than parsed, no customer needs one. Nor "=?":
	 * readers (ours and Python's) may take it for an encoded word. */
	for (p = addr; p < at; p++) {
		if ((unsigned char)*p <= ' ' || (unsigned char)*p > '~' ||
		    strchr("()<>[],;:\\\"", *p) != NULL ||
		    (p[0] == '=' && p[1] == '?'))
			return (0);
	}
	/* Labels of letters, digits and '-', none of them empty. */
	for (p = at + 1;; p++) {
		if (*p == '.' || *p == '\0') {
			if (label == 0)
				return (0);
			if (*p == '\0')
				break;
			label = 0;
		} else if (ascii_alnum(*p) || *p == '-')
			label++;
		else
			return (0);
	}
	return (1);
}

/* A msg-id we may repeat in In-Reply-To or References. */
static int
compose_id_ok(const char *id)
{
	const char	*p;

	/* Not only id@domain: Outlook writes "<!~!...>", and an answer
	 * must name what it answers. */
	if (id == NULL || *id == '\0' || strlen(id) > 250)
		return (0);
	for (p = id; *p != '\0'; p++) {
		if (*p <= ' ' || *p > '~' || *p == '<' || *p == '>')
			return (0);
	}
	return (1);
}

/* Nonzero if the n bytes at w (one word, no blank) cannot be written as
 * they are: not printable ASCII, like an encoded-word, or too long. */
static int
word_needs_encoding(const char *w, size_t n)
{
	size_t	i;

	if (n > COMPOSE_ATOM)
		return (1);
	for (i = 0; i < n; i++) {
		if ((unsigned char)w[i] < 0x21 || (unsigned char)w[i] > 0x7e)
			return (1);
		if (w[i] == '=' && i + 1 < n && w[i + 1] == '?')
			return (1);
	}
	return (0);
}

/* The same for sanitised text of words with single blanks between. */
static int
text_needs_encoding(const char *s)
{
	size_t	n;

	while (*s != '\0') {
		n = strcspn(s, " ");
		if (word_needs_encoding(s, n))
			return (1);
		s += n;
		if (*s == ' ')
			s++;
	}
	return (0);
}

/* Append n bytes as base64. */
static void
add_base64(struct buf *b, const unsigned char *p, size_t n)
{
	uint32_t	v;
	size_t		i;

	for (i = 0; i + 2 < n; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		buf_addc(b, b64[v >> 18]);
		buf_addc(b, b64[(v >> 12) & 63]);
		buf_addc(b, b64[(v >> 6) & 63]);
		buf_addc(b, b64[v & 63]);
	}
	if (i < n) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		buf_addc(b, b64[v >> 18]);
		buf_addc(b, b64[(v >> 12) & 63]);
		buf_addc(b, i + 1 < n ? b64[(v >> 6) & 63] : '=');
		buf_addc(b, '=');
	}
}

static void
hdr_start(struct hdr *h, struct buf *b, const char *name)
{
	h->b = b;
	buf_addf(b, "%s:", name);
	h->col = strlen(name) + 1;
	h->fresh = 1;
}

/*
 * Append a blank and n bytes that must stay on one line, then tail (a
 * comma, say) with no blank. The blank becomes a fold when the line
 * would pass 78 characters, unless the line has nothing else yet:
 * folding there would not make it shorter.
 */
static void
hdr_unit(struct hdr *h, const char *s, size_t n, const char *tail)
{
	size_t	t = strlen(tail);

	if (!h->fresh && h->col + 1 + n + t > COMPOSE_LINE) {
		buf_adds(h->b, "\r\n");
		h->col = 0;
	}
	buf_addc(h->b, ' ');
	buf_add(h->b, s, n);
	buf_add(h->b, tail, t);
	h->col += 1 + n + t;
	h->fresh = 0;
}

static void
hdr_end(struct hdr *h)
{
	buf_adds(h->b, "\r\n");
}

/*
 * Append n bytes of sanitised UTF-8 as encoded-words, each a unit of its
 * own. Words end on character boundaries, so each decodes alone; the
 * blanks between them are folding white space that decoders drop.
 */
static void
hdr_words(struct hdr *h, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	struct buf		 w;
	size_t			 n, take;
	uint32_t		 c;

	buf_init(&w);
	while (len > 0) {
		take = 0;
		while (take < len) {
			if ((n = utf8_decode((const char *)p + take,
			    len - take, &c)) == 0)
				n = 1;	/* sanitised text has none */
			if (take > 0 && take + n > COMPOSE_WORD)
				break;
			take += n;
		}
		buf_reset(&w);
		buf_adds(&w, "=?UTF-8?B?");
		add_base64(&w, p, take);
		buf_adds(&w, "?=");
		hdr_unit(h, w.data, w.len, "");
		p += take;
		len -= take;
	}
	buf_free(&w);
}

/*
 * An unstructured field (Subject). Words that can be written as they
 * are stay readable; each run of words that cannot becomes encoded-words
 * with its inner blanks inside the encoding, as blanks between two
 * encoded-words are not text.
 */
static void
add_text_header(struct buf *b, const char *name, const char *value)
{
	struct hdr	 h;
	char		*v = compose_header_text(value != NULL ? value : "");
	const char	*p = v, *run = NULL, *runend = NULL;
	size_t		 n;

	hdr_start(&h, b, name);
	while (*p != '\0') {
		n = strcspn(p, " ");
		if (word_needs_encoding(p, n)) {
			if (run == NULL)
				run = p;
			runend = p + n;
		} else {
			if (run != NULL)
				hdr_words(&h, run, (size_t)(runend - run));
			run = NULL;
			hdr_unit(&h, p, n, "");
		}
		p += n;
		if (*p == ' ')
			p++;
	}
	if (run != NULL)
		hdr_words(&h, run, (size_t)(runend - run));
	hdr_end(&h);
	free(v);
}

/*
 * A display name: atoms when it has no specials, a quoted-string when
 * it has some and fits on a line, else encoded-words (as is any name
 * that is not plain ASCII or looks like an encoded-word).
 */
static void
add_name(struct hdr *h, const char *name)
{
	struct buf	 q;
	char		*v = compose_header_text(name);
	const char	*p;
	size_t		 n;

	if (*v == '\0')
		;
	else if (text_needs_encoding(v))
		hdr_words(h, v, strlen(v));
	else if (strpbrk(v, COMPOSE_SPECIALS) == NULL) {
		for (p = v; *p != '\0'; p += n + (p[n] == ' ')) {
			n = strcspn(p, " ");
			hdr_unit(h, p, n, "");
		}
	} else {
		buf_init(&q);
		buf_addc(&q, '"');
		for (p = v; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_addc(&q, '\\');
			buf_addc(&q, *p);
		}
		buf_addc(&q, '"');
		if (q.len <= COMPOSE_ATOM)
			hdr_unit(h, q.data, q.len, "");
		else
			hdr_words(h, v, strlen(v));
		buf_free(&q);
	}
	free(v);
}

/* An address field: "Name <addr>, addr2", folded between words. */
static int
add_addr_header(struct buf *b, const char *name,
    const struct compose_addr *v, size_t n, char **cause)
{
	struct hdr	 h;
	char		*a, *safe;
	size_t		 i;

	if (n == 0) {
		*cause = xprintf("%s: no address", name);
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (!compose_addr_ok(v[i].addr)) {
			/* The reason is logged: it gets no line break. */
			safe = compose_header_text(v[i].addr != NULL ?
			    v[i].addr : "");
			*cause = xprintf("%s: an address helpq cannot write "
			    "into a mail: \"%s\"", name, safe);
			free(safe);
			return (-1);
		}
	}
	hdr_start(&h, b, name);
	for (i = 0; i < n; i++) {
		if (v[i].name != NULL && *v[i].name != '\0') {
			add_name(&h, v[i].name);
			a = xprintf("<%s>", v[i].addr);
		} else
			a = xstrdup(v[i].addr);
		hdr_unit(&h, a, strlen(a), i + 1 < n ? "," : "");
		free(a);
	}
	hdr_end(&h);
	return (0);
}

/* References: the ids we may repeat, folded between ids. */
static void
add_refs(struct buf *b, const char *const *refs, size_t n)
{
	struct hdr	 h;
	char		*id;
	size_t		 i, any = 0;

	for (i = 0; i < n; i++)
		any += compose_id_ok(refs[i]);
	if (any == 0)
		return;
	hdr_start(&h, b, "References");
	for (i = 0; i < n; i++) {
		if (!compose_id_ok(refs[i]))
			continue;
		id = xprintf("<%s>", refs[i]);
		hdr_unit(&h, id, strlen(id), "");
		free(id);
	}
	hdr_end(&h);
}

/* Nonzero if s is a language tag like "de" or "pt-BR". */
static int
language_ok(const char *s)
{
	return (*s != '\0' && strlen(s) < 36 &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-") == strlen(s));
}

/* Nonzero if s is one line of printable ASCII (blanks allowed). */
static int
ascii_line_ok(const char *s, size_t max)
{
	const char	*p;

	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p < ' ' || (unsigned char)*p > '~')
			return (0);
	}
	return (p > s && (size_t)(p - s) <= max);
}

/*
 * Nonzero if an extra field is "Name: value" in safe ASCII and not one
 * of the fields compose_mail writes itself (a second Subject or To would
 * be read differently by different programs).
 */
static int
extra_ok(const char *f)
{
	static const char *const ours[] = {
		"Auto-Submitted", "Bcc", "Cc", "Content-Language",
		"Content-Transfer-Encoding", "Content-Type", "Date", "From",
		"In-Reply-To", "MIME-Version", "Message-ID", "References",
		"Reply-To", "Subject", "To"
	};
	const char	*colon;
	size_t		 i, n;

	if (!ascii_line_ok(f, 998) || (colon = strchr(f, ':')) == NULL ||
	    colon == f)
		return (0);
	n = (size_t)(colon - f);
	if (strcspn(f, " ") < n)
		return (0);
	for (i = 0; i < nitems(ours); i++) {
		if (strlen(ours[i]) == n && strncasecmp(f, ours[i], n) == 0)
			return (0);
	}
	return (1);
}

/*
 * How byte i of a body line is written: as it is, or as =XX, into enc;
 * returns its width. At the start of a line (bol), "." and "From " are
 * encoded, so no relay adds a dot or a ">"; blanks at the end of a line
 * are encoded, as relays strip them.
 */
static size_t
qp_char(const unsigned char *p, size_t n, size_t i, int bol, char *enc)
{
	int	literal;

	literal = (p[i] >= 33 && p[i] <= 126 && p[i] != '=') ||
	    ((p[i] == ' ' || p[i] == '\t') && i + 1 < n);
	if (bol && (p[i] == '.' || (n - i >= 5 &&
	    memcmp(p + i, "From ", 5) == 0)))
		literal = 0;
	if (literal) {
		enc[0] = (char)p[i];
		return (1);
	}
	snprintf(enc, 4, "=%02X", p[i]);
	return (3);
}

/* One body line in quoted-printable, soft-broken at 76 characters. */
static void
add_qp_line(struct buf *b, const unsigned char *p, size_t n)
{
	size_t	 i, col = 0, w;
	char	 enc[4];

	for (i = 0; i < n; i++) {
		w = qp_char(p, n, i, col == 0, enc);
		/* Room for the soft break's "=" unless this ends the line. */
		if (col + w > COMPOSE_QP - (i + 1 < n ? 1 : 0)) {
			buf_adds(b, "=\r\n");
			col = 0;
			w = qp_char(p, n, i, 1, enc);
		}
		buf_add(b, enc, w);
		col += w;
	}
	buf_adds(b, "\r\n");
}

/* The body: valid UTF-8 (anything else becomes U+FFFD), CRLF lines. */
static void
add_body(struct buf *b, const char *body)
{
	char		*clean;
	struct buf	 t;
	const char	*p, *nl;
	size_t		 n, len;
	uint32_t	 c;

	buf_init(&t);
	len = strlen(body);
	for (p = body; len > 0; p += n, len -= n) {
		if ((n = utf8_decode(p, len, &c)) == 0) {
			buf_adds(&t, "\xef\xbf\xbd");
			n = 1;
		} else
			buf_add(&t, p, n);
	}
	clean = buf_steal(&t, NULL);
	for (p = clean; *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		n = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		add_qp_line(b, (const unsigned char *)p, n);
		if (nl == NULL)
			break;
	}
	free(clean);
}

char *
compose_mail(const struct compose_mail *m, size_t *lenp, char **cause)
{
	struct buf	 b;
	char		 date[64];
	size_t		 i;

	buf_init(&b);
	buf_addf(&b, "Date: %s\r\n", compose_date(m->date, m->tz, date,
	    sizeof date));
	if (add_addr_header(&b, "From", &m->from, 1, cause) != 0 ||
	    add_addr_header(&b, "To", m->to, m->n_to, cause) != 0 ||
	    (m->n_cc > 0 && add_addr_header(&b, "Cc", m->cc, m->n_cc,
	    cause) != 0))
		goto fail;
	if (m->reply_to != NULL) {
		struct compose_addr	r = { NULL, m->reply_to };

		if (add_addr_header(&b, "Reply-To", &r, 1, cause) != 0)
			goto fail;
	}
	add_text_header(&b, "Subject", m->subject);
	if (!compose_id_ok(m->message_id)) {
		*cause = xstrdup("no usable Message-ID");
		goto fail;
	}
	buf_addf(&b, "Message-ID: <%s>\r\n", m->message_id);
	if (compose_id_ok(m->in_reply_to))
		buf_addf(&b, "In-Reply-To: <%s>\r\n", m->in_reply_to);
	add_refs(&b, m->references, m->nreferences);
	if (m->auto_submitted != NULL) {
		if (!ascii_line_ok(m->auto_submitted, 200)) {
			*cause = xstrdup("Auto-Submitted: not one line of "
			    "ASCII");
			goto fail;
		}
		buf_addf(&b, "Auto-Submitted: %s\r\n", m->auto_submitted);
	}
	/* The language is a guess about the customer: a strange one is
	 * left out rather than failing the mail. */
	if (m->language != NULL && language_ok(m->language))
		buf_addf(&b, "Content-Language: %s\r\n", m->language);
	for (i = 0; i < m->nextra; i++) {
		/* helpq's own fields: a bad one is a bug, said loudly. */
		if (!extra_ok(m->extra[i])) {
			*cause = xprintf("extra header field %zu is not one "
			    "\"Name: value\" line of ASCII of its own", i + 1);
			goto fail;
		}
		buf_addf(&b, "%s\r\n", m->extra[i]);
	}
	buf_adds(&b, "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	add_body(&b, m->body != NULL ? m->body : "");
	return (buf_steal(&b, lenp));
fail:
	buf_free(&b);
	return (NULL);
}

char *
compose_message_id(const char *address)
{
	unsigned char	 r[8];
	const char	*at;
	char		 hex[17];
	size_t		 i;

	if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
		/* Interrupted or not seeded: time and pid still differ. */
		for (i = 0; i < sizeof r; i++)
			r[i] = (unsigned char)rand();
	}
	for (i = 0; i < sizeof r; i++)
		snprintf(hex + 2 * i, 3, "%02x", r[i]);
	at = address != NULL ? strrchr(address, '@') : NULL;
	if (at == NULL || !compose_addr_ok(address))
		at = "@helpq.invalid";
	return (xprintf("helpq.%llx.%ld.%s%s", (unsigned long long)time(NULL),
	    (long)getpid(), hex, at));
}

const char *
compose_date(time_t t, const struct tz *tz, char *buf, size_t len)
{
	static const char *const days[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
	};
	static const char *const months[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep",
		"Oct", "Nov", "Dec"
	};
	struct tm	tm;
	long		off;

	if (tz_local(tz, t, &tm) != 0)
		tz_local(NULL, 0, &tm);		/* beyond any calendar */
	off = tm.tm_gmtoff / 60;
	snprintf(buf, len, "%s, %d %s %d %02d:%02d:%02d %c%02ld%02ld",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	return (buf);
}

/*
 * Reply prefixes mail programs write, so that an answer to "AW: x" stays
 * "AW: x" rather than growing "Re: AW: x". Forward prefixes are left out
 * on purpose (an answer to "Fwd: x" is "Re: Fwd: x"), which is also why
 * thread_subject_normalise, which strips both and list tags, cannot
 * decide this. ASCII compares without case; other scripts are listed in
 * the cases their mail programs use.
 */
static const char *const reply_prefixes[] = {
	"re", "aw", "antw", "antwort", "sv", "vs", "odp", "ynt", "rif", "r",
	"res", "vá", "VÁ",
	"απ", "Απ", "ΑΠ", "σχετ", "Σχετ", "ΣΧΕΤ",
	"отв", "Отв", "ОТВ", "ответ", "Ответ", "ОТВЕТ",
	"回复", "回覆", "答复", "答覆", "返信", "회신", "השב", "رد"
};

/* Blanks, no-break spaces (French "RE :" has either) and a counter
 * ("[2]", "(2)", "^2") between a prefix and its colon. */
static const char *
skip_prefix_tail(const char *p)
{
	const char	*q;
	char		 close = '\0';

	if (*p == '[' || *p == '(' || *p == '^') {
		close = *p == '[' ? ']' : *p == '(' ? ')' : '\0';
		for (q = p + 1; *q >= '0' && *q <= '9'; q++)
			;
		if (q > p + 1 && (close == '\0' || *q == close))
			p = close == '\0' ? q : q + 1;
	}
	for (;;) {
		if (*p == ' ')
			p++;
		else if (strncmp(p, "\xc2\xa0", 2) == 0)
			p += 2;
		else if (strncmp(p, "\xe2\x80\xaf", 3) == 0)
			p += 3;
		else
			return (p);
	}
}

/* Nonzero if s starts with a reply prefix and its colon. */
static int
has_reply_prefix(const char *s)
{
	const char	*p;
	size_t		 i, n;

	for (i = 0; i < nitems(reply_prefixes); i++) {
		n = strlen(reply_prefixes[i]);
		if (strncasecmp(s, reply_prefixes[i], n) != 0)
			continue;
		p = skip_prefix_tail(s + n);
		/* A colon, or the full-width colon of CJK mail programs. */
		if (*p == ':' || strncmp(p, "\xef\xbc\x9a", 3) == 0)
			return (1);
	}
	return (0);
}

char *
compose_reply_subject(const char *subject, const char *token)
{
	struct buf	 b;
	const char	*s = subject != NULL ? subject : "";
	size_t		 n;

	s += strspn(s, " \t");
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	buf_init(&b);
	if (!has_reply_prefix(s))
		buf_adds(&b, "Re:");
	if (n > 0) {
		if (b.len > 0)
			buf_addc(&b, ' ');
		buf_add(&b, s, n);
	}
	if (token != NULL && *token != '\0' &&
	    strstr(buf_cstr(&b), token) == NULL) {
		if (b.len > 0)
			buf_addc(&b, ' ');
		buf_adds(&b, token);
	}
	return (buf_steal(&b, NULL));
}
