/*
 * helpq - compose.c: outgoing mail as bytes. Header values that came from
 * a customer pass compose_header_text (no control character survives)
 * and, when not plain ASCII, become RFC 2047 encoded-words; the body is
 * UTF-8 in quoted-printable, so every line is short 7-bit text that no
 * relay rewrites.
 */
#include "compat.h"

#include <sys/random.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "compose.h"
#include "xmalloc.h"

/* RFC 5322 wants lines of at most 78 characters where we can fold. */
#define COMPOSE_LINE	78
/* Bytes of text per encoded-word: 39 bytes are 52 base64 characters,
 * so "=?UTF-8?B?" + 52 + "?=" is 64, well inside the 75 allowed. */
#define COMPOSE_WORD	39
/* RFC 2045: quoted-printable lines of at most 76 characters. */
#define COMPOSE_QP	76

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/*
 * The length of the valid UTF-8 sequence at s (at most n bytes), or 0
 * if it is not one (overlong forms, surrogates and code points past
 * U+10FFFF are not). *cp is the code point.
 */
static size_t
utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t		len, i;
	uint32_t	c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return (1);
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return (0);
	if (n < len)
		return (0);
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))) ||
	    (len == 4 && (c < 0x10000 || c > 0x10ffff)))
		return (0);
	*cp = c;
	return (len);
}

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
	const unsigned char	*p = (const unsigned char *)s;
	struct buf		 b;
	size_t			 n, len = strlen(s);
	uint32_t		 c;
	int			 blank = 0;

	buf_init(&b);
	while (len > 0) {
		if ((n = utf8_seq(p, len, &c)) == 0) {
			n = 1;
			c = 0xfffd;
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

int
compose_addr_ok(const char *addr)
{
	const char	*at, *p;

	if (addr == NULL || (at = strchr(addr, '@')) == NULL ||
	    at == addr || at[1] == '\0' || strchr(at + 1, '@') != NULL ||
	    strlen(addr) > 254)
		return (0);
	for (p = addr; p < at; p++) {
		if (*p <= ' ' || *p > '~' || strchr("()<>,;:\\\"[]", *p))
			return (0);
	}
	for (p = at + 1; *p != '\0'; p++) {
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
			return (0);
	}
	return (at[1] != '.' && p[-1] != '.');
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

/* Nonzero if s needs encoded-words: not plain printable ASCII, looks
 * like one already, or has a word too long to fold. */
static int
needs_encoding(const char *s)
{
	const char	*p;
	size_t		 run = 0;

	if (strstr(s, "=?") != NULL)
		return (1);
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			return (1);
		run = *p == ' ' ? 0 : run + 1;
		if (run > COMPOSE_LINE - 12)
			return (1);
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

/*
 * Append s (sanitised UTF-8) as encoded-words, each on a line of its own
 * after the first; *col is the column the first one starts at and is
 * left after the last. Words end on character boundaries.
 */
static void
add_words(struct buf *b, const char *s, size_t *col)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len = strlen(s), n, take;
	uint32_t		 c;
	int			 first = 1;

	while (len > 0) {
		take = 0;
		while (take < len) {
			n = utf8_seq(p + take, len - take, &c);
			if (n == 0)
				n = 1;	/* sanitised text has none */
			if (take + n > COMPOSE_WORD)
				break;
			take += n;
		}
		if (!first || *col + 64 > COMPOSE_LINE) {
			buf_adds(b, "\r\n ");
			*col = 1;
		}
		buf_adds(b, "=?UTF-8?B?");
		add_base64(b, p, take);
		buf_adds(b, "?=");
		*col += 12 + (take + 2) / 3 * 4;
		p += take;
		len -= take;
		first = 0;
	}
}

/* Append plain ASCII words, folding before a word that would pass 78. */
static void
add_folded(struct buf *b, const char *s, size_t *col)
{
	const char	*w = s, *end;
	size_t		 n;
	int		 first = 1;

	while (*w != '\0') {
		while (*w == ' ')
			w++;
		if (*w == '\0')
			break;
		end = w + strcspn(w, " ");
		n = (size_t)(end - w);
		if (!first && *col + 1 + n > COMPOSE_LINE) {
			buf_adds(b, "\r\n");
			*col = 0;
		}
		if (!first || *col > 0) {
			buf_addc(b, ' ');
			(*col)++;
		}
		buf_add(b, w, n);
		*col += n;
		w = end;
		first = 0;
	}
}

/* An unstructured header (Subject): sanitised, encoded if needed. */
static void
add_text_header(struct buf *b, const char *name, const char *value)
{
	char	*v = compose_header_text(value != NULL ? value : "");
	size_t	 col;

	buf_addf(b, "%s:", name);
	col = strlen(name) + 1;
	if (needs_encoding(v)) {
		buf_addc(b, ' ');
		col++;
		add_words(b, v, &col);
	} else
		add_folded(b, v, &col);
	buf_adds(b, "\r\n");
	free(v);
}

/* A display name: an atom sequence, a quoted-string, or encoded-words. */
static void
add_name(struct buf *b, const char *name, size_t *col)
{
	char		*v = compose_header_text(name);
	const char	*p;

	if (*v == '\0')
		;
	else if (needs_encoding(v))
		add_words(b, v, col);
	else if (strpbrk(v, "()<>[]:;@\\,.\"") == NULL) {
		buf_adds(b, v);
		*col += strlen(v);
	} else {
		buf_addc(b, '"');
		for (p = v; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_addc(b, '\\');
			buf_addc(b, *p);
		}
		buf_addc(b, '"');
		*col += strlen(v) + 2;
	}
	free(v);
}

/* An address header: "Name <addr>, addr2", folded between mailboxes. */
static int
add_addr_header(struct buf *b, const char *name,
    const struct compose_addr *v, size_t n, char **cause)
{
	size_t	i, col;

	for (i = 0; i < n; i++) {
		if (!compose_addr_ok(v[i].addr)) {
			char	*safe = compose_header_text(v[i].addr != NULL ?
			    v[i].addr : "");

			*cause = xprintf("%s: an address helpq cannot write "
			    "into a mail: \"%s\"", name, safe);
			free(safe);
			return (-1);
		}
	}
	buf_addf(b, "%s:", name);
	col = strlen(name) + 1;
	for (i = 0; i < n; i++) {
		if (i > 0) {
			buf_addc(b, ',');
			col++;
		}
		if (col + 2 + strlen(v[i].addr) > COMPOSE_LINE && i > 0) {
			buf_adds(b, "\r\n");
			col = 0;
		}
		buf_addc(b, ' ');
		col++;
		if (v[i].name != NULL && *v[i].name != '\0') {
			add_name(b, v[i].name, &col);
			if (col + 3 + strlen(v[i].addr) > COMPOSE_LINE) {
				buf_adds(b, "\r\n");
				col = 0;
			}
			buf_addc(b, ' ');
			buf_addf(b, "<%s>", v[i].addr);
			col += 3 + strlen(v[i].addr);
		} else {
			buf_adds(b, v[i].addr);
			col += strlen(v[i].addr);
		}
	}
	buf_adds(b, "\r\n");
	return (0);
}

/* References: ids we may repeat, folded one or more a line. */
static void
add_refs(struct buf *b, const char *const *refs, size_t n)
{
	size_t	i, col, any = 0;

	for (i = 0; i < n; i++)
		any += compose_id_ok(refs[i]);
	if (any == 0)
		return;
	buf_adds(b, "References:");
	col = 11;
	for (i = 0; i < n; i++) {
		if (!compose_id_ok(refs[i]))
			continue;
		if (col > 11 && col + 3 + strlen(refs[i]) > COMPOSE_LINE) {
			buf_adds(b, "\r\n");
			col = 0;
		}
		buf_addf(b, " <%s>", refs[i]);
		col += 3 + strlen(refs[i]);
	}
	buf_adds(b, "\r\n");
}

/* Nonzero if s is a language tag like "de" or "pt-BR". */
static int
language_ok(const char *s)
{
	return (*s != '\0' && strlen(s) < 36 &&
	    strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-") == strlen(s));
}

/* One body line in quoted-printable, soft-broken at 76 characters. */
static void
add_qp_line(struct buf *b, const unsigned char *p, size_t n)
{
	size_t	 i, col = 0, w;
	char	 enc[4];
	int	 literal;

	for (i = 0; i < n; i++) {
		/* A leading "." or "From " is encoded: no relay then adds a
		 * dot or a ">". Blanks at the end of a line are encoded. */
		literal = p[i] >= 33 && p[i] <= 126 && p[i] != '=' &&
		    !(i == 0 && (p[i] == '.' || (p[i] == 'F' && n >= 5 &&
		    memcmp(p, "From ", 5) == 0)));
		if ((p[i] == ' ' || p[i] == '\t') && i + 1 < n)
			literal = 1;
		if (literal) {
			enc[0] = (char)p[i];
			w = 1;
		} else {
			snprintf(enc, sizeof enc, "=%02X", p[i]);
			w = 3;
		}
		/* Room for the soft break's "=" unless this ends the line. */
		if (col + w > COMPOSE_QP - (i + 1 < n ? 1 : 0)) {
			buf_adds(b, "=\r\n");
			col = 0;
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
		if ((n = utf8_seq((const unsigned char *)p, len, &c)) == 0) {
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
	buf_addf(&b, "Date: %s\r\n", compose_date(m->date, date,
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
	if (m->auto_submitted != NULL)
		buf_addf(&b, "Auto-Submitted: %s\r\n", m->auto_submitted);
	if (m->language != NULL && language_ok(m->language))
		buf_addf(&b, "Content-Language: %s\r\n", m->language);
	for (i = 0; i < m->nextra; i++) {
		/* helpq's own fields; a line break would be a bug here. */
		if (strpbrk(m->extra[i], "\r\n") == NULL)
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
		/* Not seeded yet at boot: time and pid still differ. */
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
compose_date(time_t t, char *buf, size_t len)
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

	localtime_r(&t, &tm);
	off = tm.tm_gmtoff / 60;
	snprintf(buf, len, "%s, %d %s %d %02d:%02d:%02d %c%02ld%02ld",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	return (buf);
}

/* Reply prefixes of the languages a desk hears most, with the colon. */
static int
has_reply_prefix(const char *s)
{
	static const char *const prefixes[] = {
		"re:", "aw:", "sv:", "vs:", "antw:", "odp:", "ynt:", "rif:",
		"res:", "ответ:", "απ:", "ΑΠ:", "Απ:", "σχετ:", "ΣΧΕΤ:",
		"Σχετ:"
	};
	size_t	i, n;

	while (*s == ' ')
		s++;
	/* "Re[2]:" and "Re^2:" count too. */
	if (strncasecmp(s, "re[", 3) == 0 || strncasecmp(s, "re^", 3) == 0)
		return (strchr(s, ':') != NULL);
	for (i = 0; i < nitems(prefixes); i++) {
		n = strlen(prefixes[i]);
		if (strncasecmp(s, prefixes[i], n) == 0)
			return (1);
	}
	return (0);
}

char *
compose_reply_subject(const char *subject, const char *token)
{
	const char	*s = subject != NULL ? subject : "";
	char		*r;

	r = xprintf("%s%s", has_reply_prefix(s) ? "" : "Re: ", s);
	if (token != NULL && strstr(r, token) == NULL) {
		char	*t = xprintf("%s %s", r, token);

		free(r);
		r = t;
	}
	return (r);
}
