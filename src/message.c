/* helpq - message.c: a raw RFC 5322/MIME message to a UTF-8 model. */
#include "compat.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <libetpan/libetpan.h>

#include "buf.h"
#include "log.h"
#include "message.h"
#include "message_private.h"
#include "xmalloc.h"

/*
 * How the work is split: the MIME structure (header blocks, boundaries,
 * nesting) is walked here, by hand, so that depth and part count can be
 * capped. libetpan's mailmime_parse() has no such limits: it recurses once
 * per level and rescans each level's body, so 5,000 nested multiparts
 * (330 KB) take 2 s and the cost grows quadratically. Its quoted-printable
 * decoder also turns a stray "=" into a NUL and eats what follows, and its
 * RFC 2047 decoder drops raw 8-bit bytes; both are done here too. libetpan
 * parses address lists (mailimf_address_list_parse), with a hand scan as
 * the fallback when it fails or returns nonsense.
 */

#define MSG_DEPTH_MAX	64		/* deeper multiparts are opaque */
#define MSG_PARTS_MAX	10000		/* MIME entities walked, then stop */
#define MSG_HEADERS_MAX	1000		/* top-level fields kept */
#define MSG_VALUE_MAX	(64 * 1024)	/* bytes of a field value used */
#define MSG_ADDRS_MAX	1000		/* addresses kept per field */
#define MSG_REFS_MAX	200		/* References kept: first + newest */
#define MSG_SECTIONS_MAX 64		/* RFC 2231 continuations */
#define MSG_CHARSET_MAX	64		/* longest charset name */
#define MSG_CACHE_SIZE	16		/* iconv descriptors kept open */

/* Content-Transfer-Encoding values we decode. */
enum cte {
	CTE_IDENTITY,
	CTE_QP,
	CTE_BASE64
};

/* Where a walk step may put what it finds. */
#define W_TEXT		0x1		/* append text parts to the body */
#define W_ATT		0x2		/* list attachments */

/* One header field as found in the raw bytes. */
struct field {
	const char	*name;
	size_t		 namelen;
	const char	*value;		/* after the colon, still folded */
	size_t		 valuelen;
};

/* A MIME entity: its header block is [start, body). */
struct entity {
	const char	*start;
	const char	*body;
	size_t		 bodylen;
	char		 type[64];	/* lower-case type/subtype */
	enum cte	 cte;
	int		 attachment;	/* Content-Disposition: attachment */
	struct buf	 ct;		/* unfolded Content-Type value */
	struct buf	 cd;		/* unfolded Content-Disposition value */
};

/* State of one message_parse() call. */
struct walk {
	struct message	*msg;
	struct buf	 text;		/* the text body being built */
	struct buf	 dec;		/* scratch: transfer-decoded bytes */
	struct buf	 utf;		/* scratch: converted to UTF-8 */
	struct buf	 tmp;		/* scratch: anything short-lived */
	size_t		 nparts;
	size_t		 attcap;
	const char	*hdrcs;		/* charset for raw 8-bit header text */
	char		 hdrcsbuf[MSG_CHARSET_MAX];
	const char	*inner;		/* first message/rfc822 body */
	size_t		 innerlen;
	int		 innerdepth;
};

static const signed char b64_val[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

/* Windows-1252 0x80-0x9f; the five undefined bytes become U+FFFD. */
static const uint16_t cp1252_c1[32] = {
	0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
	0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
};

static void	 walk_entity(struct walk *, const char *, size_t,
		    const char *, int, int);

/* ---- small helpers ---- */

/* Copy src into dst of size bytes, cutting if needed (no strlcpy here). */
static void
copy_str(char *dst, const char *src, size_t size)
{
	size_t	n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static inline int
lc(int c)
{
	return (c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

static inline int
is_wsp(int c)
{
	return (c == ' ' || c == '\t');
}

static inline int
is_space(int c)
{
	return (c == ' ' || c == '\t' || c == '\r' || c == '\n');
}

static inline int
is_digit(int c)
{
	return (c >= '0' && c <= '9');
}

static inline int
is_alpha(int c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

static int
hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	c = lc(c);
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

/* Trim white space at both ends of [*sp, *sp + *lenp). */
static void
trim(const char **sp, size_t *lenp)
{
	const char	*s = *sp;
	size_t		 len = *lenp;

	while (len > 0 && is_space((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && is_space((unsigned char)s[len - 1]))
		len--;
	*sp = s;
	*lenp = len;
}

static int
ncase_eq(const char *s, size_t len, const char *lit)
{
	return (strlen(lit) == len && strncasecmp(s, lit, len) == 0);
}

static void
lower_ascii(char *s)
{
	for (; *s != '\0'; s++)
		*s = lc((unsigned char)*s);
}

/* ---- UTF-8 ---- */

/* Length of the valid UTF-8 sequence at s (n > 0 bytes), 0 if invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char	c = s[0];

	if (c < 0x80)
		return (1);
	if (c < 0xc2)
		return (0);
	if (c < 0xe0)
		return (n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0);
	if (c < 0xf0) {
		if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
			return (0);
		if ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] > 0x9f))
			return (0);
		return (3);
	}
	if (c < 0xf5) {
		if (n < 4 || (s[1] & 0xc0) != 0x80 ||
		    (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
			return (0);
		if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] > 0x8f))
			return (0);
		return (4);
	}
	return (0);
}

/* Length of the run of ASCII bytes other than NUL at the start of s. */
static size_t
ascii_run(const unsigned char *s, size_t n)
{
	const uint64_t	 hi = 0x8080808080808080ULL;
	const uint64_t	 lo = 0x0101010101010101ULL;
	uint64_t	 w;
	size_t		 i = 0;

	while (n - i >= 8) {
		memcpy(&w, s + i, 8);
		if ((w & hi) != 0 || ((w - lo) & ~w & hi) != 0)
			break;
		i += 8;
	}
	while (i < n && s[i] != 0 && s[i] < 0x80)
		i++;
	return (i);
}

/*
 * Check s: returns 0 if it is not valid UTF-8 (or holds a NUL), 1 if it is
 * plain ASCII, 2 if it is valid UTF-8 with non-ASCII characters.
 */
static int
utf8_class(const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, k;
	int			 wide = 0;

	for (;;) {
		i += ascii_run(u + i, n - i);
		if (i == n)
			return (wide ? 2 : 1);
		if (u[i] == 0 || (k = utf8_seq(u + i, n - i)) == 0)
			return (0);
		wide = 1;
		i += k;
	}
}

int
message_utf8_valid(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, k;

	while (i < len) {
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_seq(u + i, len - i)) == 0)
			return (0);
		i += k;
	}
	return (1);
}

size_t
message_utf8_cut(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i, need;

	/* Find the start of the last character and see if it is whole. */
	for (i = len; i > 0 && len - i < 4; i--) {
		if ((u[i - 1] & 0xc0) == 0x80)
			continue;
		if (u[i - 1] < 0x80)
			return (len);
		need = u[i - 1] >= 0xf0 ? 4 : u[i - 1] >= 0xe0 ? 3 : 2;
		return (len - (i - 1) >= need ? len : i - 1);
	}
	return (len);
}

static void
put_cp(struct buf *b, uint32_t cp)
{
	unsigned char	u[4];
	size_t		n;

	if (cp < 0x80) {
		u[0] = cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = 0xc0 | (cp >> 6);
		u[1] = 0x80 | (cp & 0x3f);
		n = 2;
	} else {
		u[0] = 0xe0 | (cp >> 12);
		u[1] = 0x80 | ((cp >> 6) & 0x3f);
		u[2] = 0x80 | (cp & 0x3f);
		n = 3;
	}
	buf_add(b, u, n);
}

static uint32_t
cp1252(unsigned char c)
{
	if (c >= 0x80 && c < 0xa0)
		return (cp1252_c1[c - 0x80]);
	return (c == 0 ? 0xfffd : c);
}

/*
 * Append s as UTF-8 where it is valid UTF-8 and as Windows-1252 byte by byte
 * where it is not: never loses a byte, handles both "UTF-8" that is really
 * Latin-1 and UTF-8 with a few broken bytes. NUL becomes U+FFFD.
 */
static void
utf8_or_1252(struct buf *out, const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, run, k;

	buf_reserve(out, n);
	while (i < n) {
		run = ascii_run(u + i, n - i);
		if (run > 0) {
			buf_add(out, u + i, run);
			i += run;
			continue;
		}
		if (u[i] != 0 && (k = utf8_seq(u + i, n - i)) != 0) {
			buf_add(out, u + i, k);
			i += k;
		} else
			put_cp(out, cp1252(u[i++]));
	}
	buf_add(out, "", 0);		/* NUL-terminate even when empty */
}

static void
cp1252_append(struct buf *out, const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, run;

	buf_reserve(out, n);
	while (i < n) {
		run = ascii_run(u + i, n - i);
		if (run > 0) {
			buf_add(out, u + i, run);
			i += run;
		} else
			put_cp(out, cp1252(u[i++]));
	}
	buf_add(out, "", 0);		/* NUL-terminate even when empty */
}

/* A copy of raw bytes (header text) made valid UTF-8. */
static char *
utf8_dup(const char *s, size_t n)
{
	struct buf	b;

	buf_init(&b);
	utf8_or_1252(&b, s, n);
	return (buf_steal(&b, NULL));
}

/* ---- charsets ---- */

enum cs_kind {
	CS_AUTO,	/* UTF-8 where valid, else Windows-1252 */
	CS_1252,	/* Latin-1 and Windows-1252, decoded here */
	CS_ICONV,	/* an ASCII superset iconv converts */
	CS_STATEFUL	/* UTF-7, UTF-16, ISO-2022: ASCII alone is not safe */
};

struct cs_alias {
	const char	*name;
	const char	*iconv;		/* NULL: see kind */
	enum cs_kind	 kind;
};

static const struct cs_alias cs_aliases[] = {
	{ "", NULL, CS_AUTO },
	{ "ansi_x3.4-1968", NULL, CS_AUTO },
	{ "ascii", NULL, CS_AUTO },
	{ "charset", NULL, CS_AUTO },
	{ "cp1252", NULL, CS_1252 },
	{ "cp819", NULL, CS_1252 },
	{ "default", NULL, CS_AUTO },
	{ "euc-cn", "GB18030", CS_ICONV },
	{ "gb2312", "GB18030", CS_ICONV },
	{ "gbk", "GB18030", CS_ICONV },
	{ "hz-gb-2312", "HZ", CS_STATEFUL },
	{ "ibm819", NULL, CS_1252 },
	{ "iso-8859-1", NULL, CS_1252 },
	{ "iso-8859-8-i", "ISO-8859-8", CS_ICONV },
	{ "iso-ir-100", NULL, CS_1252 },
	{ "iso8859-1", NULL, CS_1252 },
	{ "iso_8859-1", NULL, CS_1252 },
	{ "ks_c_5601-1987", "CP949", CS_ICONV },
	{ "l1", NULL, CS_1252 },
	{ "latin-1", NULL, CS_1252 },
	{ "latin1", NULL, CS_1252 },
	{ "none", NULL, CS_AUTO },
	{ "shift-jis", "CP932", CS_ICONV },
	{ "shift_jis", "CP932", CS_ICONV },
	{ "sjis", "CP932", CS_ICONV },
	{ "unicode-1-1-utf-7", "UTF-7", CS_STATEFUL },
	{ "unknown", NULL, CS_AUTO },
	{ "unknown-8bit", NULL, CS_AUTO },
	{ "us", NULL, CS_AUTO },
	{ "us-ascii", NULL, CS_AUTO },
	{ "utf-7", "UTF-7", CS_STATEFUL },
	{ "utf-8", NULL, CS_AUTO },
	{ "utf8", NULL, CS_AUTO },
	{ "windows-1252", NULL, CS_1252 },
	{ "x-cp1252", NULL, CS_1252 },
	{ "x-gbk", "GB18030", CS_ICONV },
	{ "x-sjis", "CP932", CS_ICONV },
	{ "x-unknown", NULL, CS_AUTO },
	{ "x-user-defined", NULL, CS_AUTO },
	{ "x-utf-8", NULL, CS_AUTO },
};

static int
cs_alias_cmp(const void *key, const void *elem)
{
	return (strcmp(key, ((const struct cs_alias *)elem)->name));
}

/*
 * Normalize a charset name into norm (lower case, quotes and junk after the
 * name dropped), pick how to convert it and the name to give iconv.
 */
static enum cs_kind
cs_classify(const char *charset, char *norm, size_t size, const char **ic)
{
	const struct cs_alias	*a;
	size_t			 n = 0;
	int			 c;

	if (charset != NULL) {
		while (is_space((unsigned char)*charset) || *charset == '"' ||
		    *charset == '\'')
			charset++;
		for (; n + 1 < size; charset++) {
			c = lc((unsigned char)*charset);
			if (!is_alpha(c) && !is_digit(c) && c != '-' &&
			    c != '_' && c != '.' && c != ':')
				break;
			norm[n++] = c;
		}
	}
	norm[n] = '\0';
	*ic = norm;
	a = bsearch(norm, cs_aliases, nitems(cs_aliases), sizeof *a,
	    cs_alias_cmp);
	if (a != NULL) {
		if (a->iconv != NULL)
			*ic = a->iconv;
		return (a->kind);
	}
	if (strncmp(norm, "utf-16", 6) == 0 ||
	    strncmp(norm, "utf-32", 6) == 0 || strncmp(norm, "ucs-", 4) == 0 ||
	    strncmp(norm, "iso-2022", 8) == 0 ||
	    strcmp(norm, "utf16") == 0 || strcmp(norm, "utf32") == 0)
		return (CS_STATEFUL);
	return (CS_ICONV);
}

/* iconv_open is slow: keep descriptors per thread, per charset name. */
struct cs_cache {
	char	 name[MSG_CHARSET_MAX];
	iconv_t	 cd;		/* (iconv_t)-1: iconv does not know it */
};
static _Thread_local struct cs_cache	cs_cache[MSG_CACHE_SIZE];
static _Thread_local size_t		cs_ncache, cs_next;

static iconv_t
cs_open(const char *name)
{
	struct cs_cache	*c;
	size_t		 i;

	for (i = 0; i < cs_ncache; i++) {
		if (strcmp(cs_cache[i].name, name) == 0)
			return (cs_cache[i].cd);
	}
	if (cs_ncache < MSG_CACHE_SIZE)
		c = &cs_cache[cs_ncache++];
	else {
		c = &cs_cache[cs_next];
		cs_next = (cs_next + 1) % MSG_CACHE_SIZE;
		if (c->cd != (iconv_t)-1)
			iconv_close(c->cd);
	}
	copy_str(c->name, name, sizeof c->name);
	c->cd = iconv_open("UTF-8", name);
	return (c->cd);
}

void
message_thread_end(void)
{
	size_t	i;

	for (i = 0; i < cs_ncache; i++) {
		if (cs_cache[i].cd != (iconv_t)-1)
			iconv_close(cs_cache[i].cd);
	}
	cs_ncache = cs_next = 0;
}

/* Convert with iconv; a byte that does not convert becomes U+FFFD. */
static void
iconv_append(struct buf *out, iconv_t cd, const char *in, size_t len)
{
	struct buf	 tmp;
	char		*ip = (char *)in, *op;
	size_t		 il = len, ol, r;

	buf_init(&tmp);
	iconv(cd, NULL, NULL, NULL, NULL);
	while (il > 0) {
		buf_reserve(&tmp, il * 2 + 16);
		op = tmp.data + tmp.len;
		ol = tmp.size - tmp.len - 1;
		r = iconv(cd, &ip, &il, &op, &ol);
		tmp.len = op - tmp.data;
		tmp.data[tmp.len] = '\0';
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		if (errno != EILSEQ && errno != EINVAL)
			break;
		put_cp(&tmp, 0xfffd);
		ip++;
		il--;
	}
	/* iconv's output is UTF-8, but NULs must still go. */
	utf8_or_1252(out, tmp.data != NULL ? tmp.data : "", tmp.len);
	buf_free(&tmp);
}

void
message_utf8_append(struct buf *out, const char *charset, const char *in,
    size_t len)
{
	char		 norm[MSG_CHARSET_MAX];
	const char	*ic;
	enum cs_kind	 kind;
	iconv_t		 cd;

	if (charset == NULL || *charset == '\0') {
		utf8_or_1252(out, in, len);
		return;
	}
	kind = cs_classify(charset, norm, sizeof norm, &ic);
	/*
	 * Bytes that are valid UTF-8 with some non-ASCII in them are UTF-8
	 * whatever the label says: text in a single-byte charset or GBK/SJIS
	 * practically never forms valid multi-byte UTF-8 by chance.
	 */
	if (kind == CS_AUTO || (kind != CS_STATEFUL && utf8_class(in, len))) {
		utf8_or_1252(out, in, len);
		return;
	}
	if (kind == CS_1252) {
		cp1252_append(out, in, len);
		return;
	}
	if ((cd = cs_open(ic)) == (iconv_t)-1) {
		utf8_or_1252(out, in, len);
		return;
	}
	iconv_append(out, cd, in, len);
}

char *
message_to_utf8(const char *charset, const char *in, size_t len,
    size_t *outlen)
{
	struct buf	b;

	buf_init(&b);
	message_utf8_append(&b, charset, in, len);
	return (buf_steal(&b, outlen));
}

/* ---- transfer encodings ---- */

/* Quoted-printable; a "=" that starts no escape is kept as it is. */
static void
qp_decode(struct buf *out, const char *s, size_t n)
{
	char	*d;
	size_t	 i, j;
	int	 h1, h2;

	buf_reserve(out, n);
	d = out->data + out->len;
	for (i = 0; i < n; i++) {
		if (s[i] != '=') {
			*d++ = s[i];
			continue;
		}
		j = i + 1;
		while (j < n && is_wsp((unsigned char)s[j]))
			j++;
		if (j == n || s[j] == '\n') {	/* soft line break */
			i = j;
			continue;
		}
		if (s[j] == '\r' && (j + 1 == n || s[j + 1] == '\n')) {
			i = j + 1;
			continue;
		}
		if (i + 2 < n && (h1 = hex_val((unsigned char)s[i + 1])) >= 0 &&
		    (h2 = hex_val((unsigned char)s[i + 2])) >= 0) {
			*d++ = (char)(h1 << 4 | h2);
			i += 2;
			continue;
		}
		*d++ = '=';
	}
	out->len = d - out->data;
	out->data[out->len] = '\0';
}

/*
 * Base64, skipping anything outside the alphabet. Padding ends a group, so
 * concatenated base64 blobs decode too. With out NULL only counts bytes.
 */
static size_t
b64_decode(struct buf *out, const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned char		*d = NULL;
	uint32_t		 acc = 0;
	size_t			 i, count = 0;
	int			 v, bits = 0;

	if (out != NULL) {
		buf_reserve(out, n / 4 * 3 + 3);
		d = (unsigned char *)out->data + out->len;
	}
	for (i = 0; i < n; i++) {
		if ((v = b64_val[u[i]]) < 0) {
			if (u[i] == '=')
				bits = 0;
			continue;
		}
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (d != NULL)
				*d++ = (unsigned char)(acc >> bits);
			count++;
		}
	}
	if (out != NULL) {
		out->len += count;
		out->data[out->len] = '\0';
	}
	return (count);
}

/* Decode at most max input bytes of e's body; *p, *n point at the result. */
static void
body_decode(struct walk *w, const struct entity *e, size_t max,
    const char **p, size_t *n)
{
	size_t	len = e->bodylen < max ? e->bodylen : max;

	buf_reset(&w->dec);
	switch (e->cte) {
	case CTE_QP:
		qp_decode(&w->dec, e->body, len);
		break;
	case CTE_BASE64:
		b64_decode(&w->dec, e->body, len);
		break;
	default:
		*p = e->body;
		*n = len;
		return;
	}
	*p = w->dec.data != NULL ? w->dec.data : "";
	*n = w->dec.len;
}

static size_t
body_size(struct walk *w, const struct entity *e)
{
	const char	*p;
	size_t		 n;

	switch (e->cte) {
	case CTE_BASE64:
		return (b64_decode(NULL, e->body, e->bodylen));
	case CTE_QP:
		body_decode(w, e, e->bodylen, &p, &n);
		return (n);
	default:
		return (e->bodylen);
	}
}

/* ---- header fields ---- */

/*
 * A "name=value" line after a line ending in ";" continues a field even
 * without leading white space: list servers that unfold Content-Type badly
 * leave "boundary=..." at the start of a line. prevend is the end of the
 * previous line.
 */
static int
param_line(const char *q, const char *end, const char *prevend)
{
	while (is_space((unsigned char)prevend[-1]))
		prevend--;
	if (prevend[-1] != ';')
		return (0);
	for (; q < end && (is_alpha((unsigned char)*q) ||
	    is_digit((unsigned char)*q) || *q == '-' || *q == '*' ||
	    *q == '_'); q++)
		;
	return (q < end && *q == '=');
}

/*
 * Read the field at *pp. Returns 1 with f set, or 0 at the end of the
 * header block, with *pp at the body. A line that is no field (and no
 * blank line) also ends the block: the body starts there.
 */
static int
field_next(const char **pp, const char *end, struct field *f)
{
	const char	*p = *pp, *nl, *e, *q, *colon;
	size_t		 n;

	if (p >= end)
		return (0);
	nl = memchr(p, '\n', end - p);
	e = nl != NULL ? nl : end;
	if (e > p && e[-1] == '\r')
		e--;
	if (e == p) {				/* blank line */
		*pp = nl != NULL ? nl + 1 : end;
		return (0);
	}
	for (q = p; q < e; q++) {
		if (*q == ':' || (unsigned char)*q <= ' ' ||
		    (unsigned char)*q >= 0x7f)
			break;
	}
	n = q - p;
	while (q < e && is_wsp((unsigned char)*q))
		q++;
	if (n == 0 || q == e || *q != ':')
		return (0);			/* not a field: body */
	colon = q;
	f->name = p;
	f->namelen = n;

	/* Continuation lines start with white space. */
	q = nl != NULL ? nl + 1 : end;
	while (q < end && (is_wsp((unsigned char)*q) ||
	    param_line(q, end, e))) {
		nl = memchr(q, '\n', end - q);
		e = nl != NULL ? nl : end;
		q = nl != NULL ? nl + 1 : end;
	}
	e = q;
	if (e > colon + 1 && e[-1] == '\n')
		e--;
	if (e > colon + 1 && e[-1] == '\r')
		e--;
	f->value = colon + 1;
	f->valuelen = e - f->value;
	*pp = q;
	return (1);
}

/* Unfold a value into out: each line break and the blanks after it
 * become one space; both ends are trimmed. At most MSG_VALUE_MAX bytes. */
static void
unfold(struct buf *out, const char *v, size_t len)
{
	const char	*end, *nl;
	char		*d;
	size_t		 n;

	buf_reset(out);
	trim(&v, &len);
	if (len > MSG_VALUE_MAX)
		len = MSG_VALUE_MAX;
	buf_reserve(out, len);
	d = out->data;
	for (end = v + len; v < end; v = nl) {
		if ((nl = memchr(v, '\n', end - v)) == NULL)
			nl = end;
		n = nl - v;
		memcpy(d, v, n);
		d += n;
		if (nl == end)
			break;
		/* A fold: the line end and the blanks around it, one space. */
		while (d > out->data && is_space((unsigned char)d[-1]))
			d--;
		while (nl < end && is_space((unsigned char)*nl))
			nl++;
		*d++ = ' ';
	}
	out->len = d - out->data;
	out->data[out->len] = '\0';
	/* A lone CR is no line end, but must not survive either. */
	for (d = out->data; (d = memchr(d, '\r', out->len -
	    (d - out->data))) != NULL; d++)
		*d = ' ';
}

/* ---- RFC 2047 ---- */

/* Where "=?" starts in s, or NULL (memmem is slow for two bytes). */
static const char *
ew_find(const char *s, const char *end)
{
	const char	*p;

	for (p = s; p < end && (p = memchr(p, '=', end - p)) != NULL; p++) {
		if (p + 1 < end && p[1] == '?')
			return (p);
	}
	return (NULL);
}

/* Decode a Q or B payload; returns 0 if it is malformed. */
static int
ew_payload(struct buf *out, int enc, const char *s, size_t n)
{
	size_t	i;
	int	h1, h2;

	if (enc == 'b') {
		for (i = 0; i < n; i++) {
			if (b64_val[(unsigned char)s[i]] < 0 && s[i] != '=')
				return (0);
		}
		b64_decode(out, s, n);
		return (1);
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '_')
			buf_addc(out, ' ');
		else if (s[i] == '=' && i + 2 < n + 0 &&
		    (h1 = hex_val((unsigned char)s[i + 1])) >= 0 &&
		    (h2 = hex_val((unsigned char)s[i + 2])) >= 0) {
			buf_addc(out, (char)(h1 << 4 | h2));
			i += 2;
		} else
			buf_addc(out, s[i]);
	}
	return (1);
}

/*
 * Parse an encoded word "=?charset?e?text?=" at s. Returns its length and
 * decodes into bytes/charset, or 0 (and leaves bytes alone) if it is none.
 */
static size_t
ew_parse(const char *s, const char *end, struct buf *bytes, char *cs,
    size_t cssize)
{
	const char	*p = s + 2, *csend, *t, *q;
	size_t		 oldlen = bytes->len;
	int		 enc;

	for (csend = p; csend < end && *csend != '?'; csend++) {
		if (is_space((unsigned char)*csend) || csend - p >= 40)
			return (0);
	}
	if (csend == p || end - csend < 4 || csend[2] != '?')
		return (0);
	enc = lc((unsigned char)csend[1]);
	if (enc != 'q' && enc != 'b')
		return (0);
	t = csend + 3;
	for (q = t; q < end && *q != '?'; q++) {
		if (is_space((unsigned char)*q))
			return (0);
	}
	if (q + 1 >= end || q[1] != '=')
		return (0);
	if (!ew_payload(bytes, enc, t, q - t)) {
		bytes->len = oldlen;
		if (bytes->data != NULL)
			bytes->data[oldlen] = '\0';
		return (0);
	}
	/* "charset*lang": RFC 2231 language suffix. */
	t = memchr(p, '*', csend - p);
	if (t == NULL)
		t = csend;
	if ((size_t)(t - p) >= cssize)
		t = p + cssize - 1;
	memcpy(cs, p, t - p);
	cs[t - p] = '\0';
	return (q + 2 - s);
}

/*
 * Append s (raw header text) decoded to UTF-8: encoded words decoded,
 * white space between adjacent words dropped, and the bytes of adjacent
 * words in one charset joined before conversion (a character may be split
 * across words). Malformed words stay as text. Raw 8-bit text that is not
 * UTF-8 is read in fbcs (the message's charset; NULL: Windows-1252).
 */
static void
rfc2047_append(struct buf *out, const char *s, size_t len, const char *fbcs)
{
	struct buf	 pend;
	char		 pendcs[MSG_CHARSET_MAX] = "", cs[MSG_CHARSET_MAX];
	const char	*end = s + len, *p = s, *text = s, *q, *t;
	size_t		 n, mark;
	int		 after_word = 0, gap;

	if (len < 8 || ew_find(s, s + len) == NULL) {
		message_utf8_append(out, fbcs, s, len);
		return;
	}
	buf_init(&pend);
	while ((q = ew_find(p, end)) != NULL) {
		gap = !after_word;
		for (t = text; t < q && !gap; t++)
			gap = !is_space((unsigned char)*t);
		mark = pend.len;
		if ((n = ew_parse(q, end, &pend, cs, sizeof cs)) == 0) {
			p = q + 2;
			continue;
		}
		if (gap || strcasecmp(cs, pendcs) != 0) {
			/* Flush what came before this word. */
			message_utf8_append(out, pendcs,
			    pend.data != NULL ? pend.data : "", mark);
			if (gap)
				message_utf8_append(out, fbcs, text, q - text);
			if (pend.data != NULL)
				memmove(pend.data, pend.data + mark,
				    pend.len - mark);
			pend.len -= mark;
			copy_str(pendcs, cs, sizeof pendcs);
		}
		p = text = q + n;
		after_word = 1;
	}
	message_utf8_append(out, pendcs, pend.data != NULL ? pend.data : "",
	    pend.len);
	message_utf8_append(out, fbcs, text, end - text);
	buf_free(&pend);
}

/* Unfold and decode a raw value into a new string. */
static char *
value_decode(struct buf *tmp, const char *v, size_t len, const char *fbcs)
{
	struct buf	out;

	unfold(tmp, v, len);
	/* Most values are plain ASCII: copy them as they are. */
	if (utf8_class(buf_cstr(tmp), tmp->len) == 1 &&
	    ew_find(tmp->data, tmp->data + tmp->len) == NULL)
		return (xstrndup(tmp->data, tmp->len));
	buf_init(&out);
	rfc2047_append(&out, buf_cstr(tmp), tmp->len, fbcs);
	return (buf_steal(&out, NULL));
}

/* ---- Content-Type and parameters ---- */

/*
 * Read the next "name=value" parameter after *pp (a header value whose
 * leading type or disposition token has been skipped). The value is
 * unquoted into val. Returns 0 when there are no more.
 */
static int
param_next(const char **pp, const char *end, const char **name,
    size_t *namelen, struct buf *val)
{
	const char	*p = *pp, *n, *ne, *v, *ve;

	for (;;) {
		while (p < end && (is_space((unsigned char)*p) || *p == ';'))
			p++;
		if (p >= end)
			return (0);
		n = p;
		while (p < end && *p != '=' && *p != ';' &&
		    !is_space((unsigned char)*p))
			p++;
		ne = p;
		while (p < end && is_space((unsigned char)*p))
			p++;
		if (p < end && *p == '=' && ne > n)
			break;
		while (p < end && *p != ';')	/* no "=": skip it */
			p++;
	}
	for (p++; p < end && is_space((unsigned char)*p); p++)
		;
	buf_reset(val);
	if (p < end && *p == '"') {
		for (p++; p < end && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < end)
				p++;
			buf_addc(val, *p);
		}
		if (p < end)
			p++;
	} else {
		/* Unquoted, possibly with spaces (broken mailers): to ";". */
		for (v = p; p < end && *p != ';'; p++)
			;
		for (ve = p; ve > v && is_space((unsigned char)ve[-1]); ve--)
			;
		buf_add(val, v, ve - v);
	}
	if (val->data == NULL)
		buf_add(val, "", 0);
	*name = n;
	*namelen = ne - n;
	*pp = p;
	return (1);
}

/* Skip the leading "type/subtype" or disposition token of a value. */
static const char *
param_start(const char *v, const char *end)
{
	const char	*p = memchr(v, ';', end - v);

	return (p != NULL ? p : end);
}

/* Percent-decode an RFC 2231 extended value. */
static void
pct_decode(struct buf *out, const char *s, size_t n)
{
	size_t	i;
	int	h1, h2;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n + 0 &&
		    (h1 = hex_val((unsigned char)s[i + 1])) >= 0 &&
		    (h2 = hex_val((unsigned char)s[i + 2])) >= 0) {
			buf_addc(out, (char)(h1 << 4 | h2));
			i += 2;
		} else
			buf_addc(out, s[i]);
	}
}

/*
 * Find parameter want in the unfolded header value hv and put it, decoded
 * to UTF-8, in out. RFC 2231 forms (name*=cs'lang'..., name*0*=...) win
 * over a plain name=, which may hold RFC 2047 words (Outlook). Returns 1
 * if found.
 */
static int
param_find(const char *hv, size_t len, const char *want, struct buf *out,
    const char *fbcs)
{
	struct buf	 val, plain, sec, raw;
	const char	*end, *p, *name, *suf;
	size_t		 namelen, wlen = strlen(want);
	size_t		 off[MSG_SECTIONS_MAX];
	size_t		 slen[MSG_SECTIONS_MAX], i, nsec = 0;
	char		 cs[MSG_CHARSET_MAX] = "", *c, *l;
	int		 ext[MSG_SECTIONS_MAX], found = 0, have_plain = 0, k;
	unsigned char	 have[MSG_SECTIONS_MAX] = { 0 };

	/* Most parameters asked for are absent: look before allocating. */
	if (hv == NULL || len == 0 || strcasestr(hv, want) == NULL)
		return (0);
	end = hv + len;
	buf_init(&val);
	buf_init(&plain);
	buf_init(&sec);
	buf_init(&raw);
	p = param_start(hv, end);
	while (param_next(&p, end, &name, &namelen, &val)) {
		if (namelen < wlen || strncasecmp(name, want, wlen) != 0)
			continue;
		suf = name + wlen;
		namelen -= wlen;
		if (namelen == 0) {
			if (!have_plain)
				buf_add(&plain, val.data, val.len);
			have_plain = 1;
			continue;
		}
		if (*suf != '*')
			continue;
		if (namelen == 1) {		/* name*=cs'lang'value */
			k = 0;
			nsec = 0;
			memset(have, 0, sizeof have);
		} else {
			k = 0;
			for (i = 1; i < namelen && is_digit(suf[i]); i++) {
				k = k * 10 + suf[i] - '0';
				if (k >= MSG_SECTIONS_MAX)
					break;
			}
			if (i == 1 || k >= MSG_SECTIONS_MAX ||
			    (i < namelen && !(i + 1 == namelen &&
			    suf[i] == '*')))
				continue;
		}
		if (have[k])
			continue;
		have[k] = 1;
		off[k] = sec.len;
		slen[k] = val.len;
		ext[k] = suf[namelen - 1] == '*';
		buf_add(&sec, val.data, val.len);
		if ((size_t)k + 1 > nsec)
			nsec = k + 1;
		if (namelen == 1)
			break;
	}
	if (nsec > 0 && have[0]) {
		for (i = 0; i < nsec && have[i]; i++) {
			p = sec.data + off[i];
			namelen = slen[i];
			if (i == 0 && ext[0] &&
			    (c = memchr(p, '\'', namelen)) != NULL &&
			    (l = memchr(c + 1, '\'', namelen - (c + 1 - p)))) {
				snprintf(cs, sizeof cs, "%.*s", (int)(c - p),
				    p);
				namelen -= l + 1 - p;
				p = l + 1;
			}
			if (ext[i])
				pct_decode(&raw, p, namelen);
			else
				buf_add(&raw, p, namelen);
		}
		buf_reset(out);
		if (cs[0] != '\0' || raw.len == 0)
			message_utf8_append(out, cs, buf_cstr(&raw), raw.len);
		else
			rfc2047_append(out, raw.data, raw.len, fbcs);
		found = 1;
	} else if (have_plain) {
		buf_reset(out);
		rfc2047_append(out, buf_cstr(&plain), plain.len, fbcs);
		found = 1;
	}
	buf_free(&val);
	buf_free(&plain);
	buf_free(&sec);
	buf_free(&raw);
	return (found);
}

/* Lower-case "type/subtype" from a Content-Type value; "" if malformed. */
static void
ctype_parse(const char *v, size_t len, char *type, size_t size)
{
	size_t	n = 0, i;
	int	slash = 0, c;

	for (i = 0; i < len && n + 1 < size; i++) {
		c = (unsigned char)v[i];
		if (c == ';' || is_space(c) || c == '(')
			break;
		/* RFC 2045 tokens are ASCII: other bytes make it malformed
		 * (and would break the model's promise of UTF-8). */
		if (c < 0x21 || c > 0x7e) {
			type[0] = '\0';
			return;
		}
		if (c == '/')
			slash++;
		type[n++] = lc(c);
	}
	type[n] = '\0';
	if (slash != 1 || type[0] == '/' || type[n - 1] == '/') {
		/* "text" alone is common enough to mean text/plain. */
		if (strcmp(type, "text") == 0)
			copy_str(type, "text/plain", size);
		else
			type[0] = '\0';
	}
}

static enum cte
cte_parse(const char *v, size_t len)
{
	trim(&v, &len);
	while (len > 0 && (v[len - 1] == ';' ||
	    is_space((unsigned char)v[len - 1])))
		len--;
	if (ncase_eq(v, len, "base64"))
		return (CTE_BASE64);
	if (ncase_eq(v, len, "quoted-printable"))
		return (CTE_QP);
	return (CTE_IDENTITY);
}

/*
 * Read an entity's header block: Content-Type (the first one counts),
 * Content-Transfer-Encoding and Content-Disposition.
 */
static void
entity_init(struct entity *e, const char *s, size_t len, const char *deftype)
{
	struct field	 f;
	const char	*p = s, *end = s + len, *v;
	size_t		 vl;
	int		 have_ct = 0, have_cte = 0, have_cd = 0;

	memset(e, 0, sizeof *e);
	buf_init(&e->ct);
	buf_init(&e->cd);
	e->start = s;
	/* A part that starts with white space has no header at all. */
	if (len > 0 && is_wsp((unsigned char)*s))
		p = s;
	else {
		while (field_next(&p, end, &f)) {
			if (!have_ct && ncase_eq(f.name, f.namelen,
			    "content-type")) {
				unfold(&e->ct, f.value, f.valuelen);
				have_ct = 1;
			} else if (!have_cte && ncase_eq(f.name, f.namelen,
			    "content-transfer-encoding")) {
				e->cte = cte_parse(f.value, f.valuelen);
				have_cte = 1;
			} else if (!have_cd && ncase_eq(f.name, f.namelen,
			    "content-disposition")) {
				unfold(&e->cd, f.value, f.valuelen);
				have_cd = 1;
			}
		}
	}
	e->body = p;
	e->bodylen = end - p;
	if (have_ct)
		ctype_parse(e->ct.data, e->ct.len, e->type, sizeof e->type);
	if (e->type[0] == '\0')
		copy_str(e->type, deftype, sizeof e->type);
	if (have_cd) {
		v = e->cd.data;
		vl = e->cd.len;
		e->attachment = vl >= 10 &&
		    strncasecmp(v, "attachment", 10) == 0;
	}
}

static void
entity_free(struct entity *e)
{
	buf_free(&e->ct);
	buf_free(&e->cd);
}

/* ---- text body ---- */

/* CRLF and lone CR to LF, in place. */
static void
text_lf(struct buf *b)
{
	char	*s, *d, *end;

	if (b->data == NULL || memchr(b->data, '\r', b->len) == NULL)
		return;
	end = b->data + b->len;
	for (s = d = b->data; s < end; s++) {
		if (*s == '\r') {
			*d++ = '\n';
			if (s + 1 < end && s[1] == '\n')
				s++;
		} else
			*d++ = *s;
	}
	b->len = d - b->data;
	b->data[b->len] = '\0';
}

/*
 * Undo format=flowed (RFC 3676): a line ending in a space joins the next
 * one of the same quote depth; space-stuffing is removed; with delsp=yes
 * the joining space goes too.
 */
static void
text_unflow(struct buf *out, const char *s, size_t len, int delsp)
{
	const char	*end = s + len, *nl, *e, *c;
	size_t		 depth, pdepth = 0, i;
	int		 flowed = 0, pflowed = 0, first = 1;

	while (s < end) {
		nl = memchr(s, '\n', end - s);
		e = nl != NULL ? nl : end;
		for (c = s, depth = 0; c < e && *c == '>'; c++)
			depth++;
		if (c < e && *c == ' ')
			c++;
		flowed = e > c && e[-1] == ' ' &&
		    !(e - c == 3 && memcmp(c, "-- ", 3) == 0);
		if (!(pflowed && depth == pdepth)) {
			if (!first)
				buf_addc(out, '\n');
			for (i = 0; i < depth; i++)
				buf_addc(out, '>');
			if (depth > 0 && c < e)
				buf_addc(out, ' ');
		}
		buf_add(out, c, (e - c) - (flowed && delsp ? 1 : 0));
		first = 0;
		pflowed = flowed;
		pdepth = depth;
		s = nl != NULL ? nl + 1 : end;
	}
	if (len > 0 && end[-1] == '\n')
		buf_addc(out, '\n');
}

/* Append a text part (UTF-8) to the body, up to MESSAGE_TEXT_MAX. */
static void
text_add(struct walk *w, const char *s, size_t len, int from_html)
{
	struct message	*msg = w->msg;
	size_t		 i, room;

	for (i = 0; i < len && is_space((unsigned char)s[i]); i++)
		;
	if (i == len)
		return;
	if (w->text.len > 0) {
		if (w->text.data[w->text.len - 1] != '\n')
			buf_addc(&w->text, '\n');
		buf_addc(&w->text, '\n');
	}
	room = w->text.len < MESSAGE_TEXT_MAX ?
	    MESSAGE_TEXT_MAX - w->text.len : 0;
	if (len > room) {
		len = message_utf8_cut(s, room);
		msg->text_truncated = 1;
	}
	buf_add(&w->text, s, len);
	if (from_html)
		msg->text_from_html = 1;
}

/* A text part that goes into the body. */
static void
walk_text(struct walk *w, struct entity *e)
{
	struct buf	 cs, fmt, out;
	const char	*p;
	size_t		 n;
	int		 html, delsp;

	if (w->msg->text_truncated)
		return;
	html = strcmp(e->type, "text/html") == 0;
	/* Enough input for MESSAGE_TEXT_MAX of output, whatever the CTE. */
	body_decode(w, e, html ? MESSAGE_HTML_MAX / 3 * 4 :
	    MESSAGE_TEXT_MAX / 3 * 4 * 2, &p, &n);
	if (n > (html ? MESSAGE_HTML_MAX : (size_t)MESSAGE_TEXT_MAX * 2)) {
		n = html ? MESSAGE_HTML_MAX : (size_t)MESSAGE_TEXT_MAX * 2;
		w->msg->text_truncated = 1;
	}
	buf_init(&cs);
	buf_init(&fmt);
	buf_init(&out);
	if (!param_find(e->ct.data, e->ct.len, "charset", &cs, NULL))
		buf_add(&cs, "", 0);
	buf_reset(&w->utf);
	message_utf8_append(&w->utf, cs.data, p, n);
	text_lf(&w->utf);
	if (html) {
		message_html_text(buf_cstr(&w->utf), w->utf.len, &out);
		text_add(w, buf_cstr(&out), out.len, 1);
	} else if (param_find(e->ct.data, e->ct.len, "format", &fmt, NULL) &&
	    strcasecmp(fmt.data, "flowed") == 0) {
		delsp = param_find(e->ct.data, e->ct.len, "delsp", &fmt,
		    NULL) && strcasecmp(fmt.data, "yes") == 0;
		text_unflow(&out, buf_cstr(&w->utf), w->utf.len, delsp);
		text_add(w, buf_cstr(&out), out.len, 0);
	} else
		text_add(w, buf_cstr(&w->utf), w->utf.len, 0);
	buf_free(&cs);
	buf_free(&fmt);
	buf_free(&out);
}

/* ---- attachments ---- */

/* The Subject of an embedded message, decoded, or NULL. */
static char *
inner_subject(struct walk *w, const char *s, size_t len)
{
	struct field	 f;
	const char	*p = s, *end = s + len;

	while (field_next(&p, end, &f)) {
		if (ncase_eq(f.name, f.namelen, "subject"))
			return (value_decode(&w->tmp, f.value, f.valuelen,
			    w->hdrcs));
	}
	return (NULL);
}

static void
attach_add(struct walk *w, struct entity *e)
{
	struct message		*msg = w->msg;
	struct msg_attachment	*a;
	struct buf		 name;
	const char		*p;
	size_t			 n;
	char			*subj;
	int			 rfc822;

	if (msg->nattachments == w->attcap) {
		w->attcap = w->attcap == 0 ? 4 : w->attcap * 2;
		msg->attachments = xreallocarray(msg->attachments, w->attcap,
		    sizeof *msg->attachments);
	}
	a = &msg->attachments[msg->nattachments++];
	a->type = xstrdup(e->type);
	a->size = body_size(w, e);
	a->filename = NULL;

	buf_init(&name);
	if (param_find(e->cd.data, e->cd.len, "filename", &name, w->hdrcs) ||
	    param_find(e->ct.data, e->ct.len, "name", &name, w->hdrcs)) {
		if (name.len > 0)
			a->filename = buf_steal(&name, NULL);
	}
	buf_free(&name);
	rfc822 = strcmp(e->type, "message/rfc822") == 0 ||
	    strcmp(e->type, "message/global") == 0;
	if (a->filename == NULL && rfc822) {
		body_decode(w, e, e->bodylen, &p, &n);
		subj = inner_subject(w, p, n);
		a->filename = xprintf("%s.eml", subj != NULL && *subj != '\0' ?
		    subj : "message");
		free(subj);
	}
}

/* ---- the MIME walk ---- */

/*
 * Find the next delimiter line "--boundary" at a line start in [p, end).
 * Returns where it starts, with *close set for "--boundary--" and *next at
 * the line after it; NULL if there is none.
 */
static const char *
delim_next(const char *p, const char *end, const char *body,
    const char *delim, size_t dlen, int *close, const char **next)
{
	const char	*q, *r, *nl;

	while (p < end && (q = memmem(p, end - p, delim, dlen)) != NULL) {
		p = q + 1;
		if (q != body && q[-1] != '\n')
			continue;
		r = q + dlen;
		*close = end - r >= 2 && r[0] == '-' && r[1] == '-';
		if (*close)
			r += 2;
		while (r < end && is_wsp((unsigned char)*r))
			r++;
		if (r < end && *r != '\r' && *r != '\n')
			continue;
		nl = memchr(r, '\n', end - r);
		*next = nl != NULL ? nl + 1 : end;
		return (q);
	}
	return (NULL);
}

struct part {
	const char	*s;
	size_t		 len;
};

/*
 * Split a multipart body at its boundary. Returns the parts (caller frees)
 * and their number in *np; an unterminated last part runs to the end.
 */
static struct part *
multipart_split(struct walk *w, struct entity *e, const char *boundary,
    size_t *np)
{
	struct part	*v = NULL;
	const char	*end = e->body + e->bodylen, *q, *next, *ps, *pe;
	char		*delim;
	size_t		 dlen, n = 0, cap = 0;
	int		 close;

	delim = xprintf("--%s", boundary);
	dlen = strlen(delim);
	q = delim_next(e->body, end, e->body, delim, dlen, &close, &next);
	while (q != NULL && !close) {
		if (w->nparts + n >= MSG_PARTS_MAX) {
			w->msg->limits |= MESSAGE_LIMIT_PARTS;
			break;
		}
		ps = next;
		q = delim_next(ps, end, e->body, delim, dlen, &close, &next);
		pe = q != NULL ? q : end;
		/* The line break before a delimiter belongs to it. */
		if (q != NULL && pe > ps && pe[-1] == '\n')
			pe--;
		if (q != NULL && pe > ps && pe[-1] == '\r')
			pe--;
		if (n == cap) {
			cap = cap == 0 ? 4 : cap * 2;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[n].s = ps;
		v[n].len = pe - ps;
		n++;
	}
	free(delim);
	*np = n;
	return (v);
}

/* Peek at a part's type and disposition without walking it. */
static int
part_kind(const struct part *pt, const char *deftype, const char *want)
{
	struct entity	e;
	int		match;

	entity_init(&e, pt->s, pt->len, deftype);
	if (strcmp(want, "multipart/") == 0)
		match = strncmp(e.type, want, 10) == 0;
	else
		match = !e.attachment && strcmp(e.type, want) == 0;
	entity_free(&e);
	return (match);
}

/*
 * multipart/alternative: the first text/plain gives the text, else the
 * first text/html, else the first nested multipart; the others are walked
 * only for attachments. If the chosen part holds no text (an empty
 * text/plain beside real HTML happens), the next candidates are tried.
 */
static void
walk_alternative(struct walk *w, struct part *v, size_t n, int depth,
    int flags)
{
	static const char *const order[] = {
		"text/plain", "text/html", "multipart/"
	};
	size_t	i, j, pick = 0, before;
	int	found = 0;

	for (j = 0; j < nitems(order) && !found; j++) {
		for (i = 0; i < n && !found; i++) {
			if (part_kind(&v[i], "text/plain", order[j])) {
				pick = i;
				found = 1;
			}
		}
	}
	before = w->text.len;
	for (i = 0; i < n; i++) {
		walk_entity(w, v[i].s, v[i].len, "text/plain", depth + 1,
		    i == pick ? flags : flags & ~W_TEXT);
	}
	if (!(flags & W_TEXT) || w->text.len != before)
		return;
	for (j = 0; j < nitems(order) && w->text.len == before; j++) {
		for (i = 0; i < n && w->text.len == before; i++) {
			if (i != pick && part_kind(&v[i], "text/plain",
			    order[j]))
				walk_entity(w, v[i].s, v[i].len, "text/plain",
				    depth + 1, W_TEXT);
		}
	}
}

/*
 * A multipart without a boundary parameter (a list server once pushed it
 * out of the header): take the first "--token" line of the body, if that
 * line occurs again.
 */
static int
boundary_guess(struct entity *e, struct buf *out)
{
	const char	*p = e->body, *end = e->body + e->bodylen, *t, *nl;
	size_t		 n;
	int		 lines;

	for (lines = 0; p < end && lines < 1000; lines++) {
		nl = memchr(p, '\n', end - p);
		if (nl == NULL)
			nl = end;
		if (nl - p > 2 && p[0] == '-' && p[1] == '-') {
			for (t = p + 2; t < nl && !is_space((unsigned char)*t);
			    t++)
				;
			n = t - (p + 2);
			if (n > 0 && n <= 200 && memmem(nl, end - nl, p,
			    t - p) != NULL) {
				buf_reset(out);
				buf_add(out, p + 2, n);
				return (1);
			}
		}
		p = nl + 1;
	}
	return (0);
}

/* Returns 0 if the body had no parts (then it is read as text). */
static int
walk_multipart(struct walk *w, struct entity *e, int depth, int flags)
{
	struct buf	 boundary;
	struct part	*v;
	const char	*deftype;
	size_t		 n = 0, i;

	buf_init(&boundary);
	if ((!param_find(e->ct.data, e->ct.len, "boundary", &boundary, NULL) ||
	    boundary.len == 0) && !boundary_guess(e, &boundary)) {
		buf_free(&boundary);
		return (0);
	}
	v = multipart_split(w, e, boundary.data, &n);
	buf_free(&boundary);
	if (n == 0) {
		free(v);
		return (0);
	}
	deftype = strcmp(e->type, "multipart/digest") == 0 ?
	    "message/rfc822" : "text/plain";
	if (strcmp(e->type, "multipart/alternative") == 0)
		walk_alternative(w, v, n, depth, flags);
	else {
		for (i = 0; i < n; i++)
			walk_entity(w, v[i].s, v[i].len, deftype, depth + 1,
			    flags);
	}
	free(v);
	return (1);
}

/*
 * message/rfc822 is listed as one attachment (named after its Subject); its
 * own parts are not listed. Its text is used only when the whole message
 * has no text of its own (a message forwarded as an attachment with no
 * comment), see message_parse().
 */
static void
walk_rfc822(struct walk *w, struct entity *e, int depth, int flags)
{
	if (flags & W_ATT)
		attach_add(w, e);
	if ((flags & W_TEXT) && w->inner == NULL &&
	    e->cte == CTE_IDENTITY) {
		w->inner = e->body;
		w->innerlen = e->bodylen;
		w->innerdepth = depth + 1;
	}
}

static void
walk_entity(struct walk *w, const char *s, size_t len, const char *deftype,
    int depth, int flags)
{
	struct entity	e;

	if (w->nparts >= MSG_PARTS_MAX) {
		w->msg->limits |= MESSAGE_LIMIT_PARTS;
		return;
	}
	w->nparts++;
	entity_init(&e, s, len, deftype);
	if (strncmp(e.type, "multipart/", 10) == 0) {
		if (depth >= MSG_DEPTH_MAX) {
			w->msg->limits |= MESSAGE_LIMIT_DEPTH;
			if (flags & W_ATT)
				attach_add(w, &e);
			goto done;
		}
		if (walk_multipart(w, &e, depth, flags))
			goto done;
		copy_str(e.type, "text/plain", sizeof e.type);
	}
	if (strcmp(e.type, "message/rfc822") == 0 ||
	    strcmp(e.type, "message/global") == 0)
		walk_rfc822(w, &e, depth, flags);
	else if (e.attachment || strncmp(e.type, "text/", 5) != 0) {
		if (flags & W_ATT)
			attach_add(w, &e);
	} else if (flags & W_TEXT)
		walk_text(w, &e);
done:
	entity_free(&e);
}

/* ---- message ids and addresses ---- */

static void
ids_add(char ***v, size_t *n, const char *s, size_t len)
{
	trim(&s, &len);
	if (len == 0)
		return;
	if (*n % 16 == 0)
		*v = xreallocarray(*v, *n + 16, sizeof **v);
	(*v)[(*n)++] = utf8_dup(s, len);
}

/*
 * The msg-ids in a value: "<...>" tokens, junk between them skipped. With
 * no brackets at all, white-space separated tokens, those with an "@" only
 * unless anytoken is set.
 */
static void
ids_scan(const char *s, size_t len, char ***v, size_t *n, size_t max,
    int anytoken)
{
	const char	*end = s + len, *p = s, *lt, *gt, *t;
	int		 brackets = 0;

	while (*n < max && (lt = memchr(p, '<', end - p)) != NULL) {
		if ((gt = memchr(lt, '>', end - lt)) == NULL)
			gt = end;
		brackets = 1;
		ids_add(v, n, lt + 1, gt - lt - 1);
		p = gt < end ? gt + 1 : end;
	}
	if (brackets)
		return;
	for (p = s; p < end && *n < max; p = t) {
		while (p < end && (is_space((unsigned char)*p) || *p == ','))
			p++;
		for (t = p; t < end && !is_space((unsigned char)*t) &&
		    *t != ','; t++)
			;
		if (t > p && (anytoken || memchr(p, '@', t - p) != NULL))
			ids_add(v, n, p, t - p);
	}
}

/* Keep the first id and the newest max - 1 (as threading code does). */
static void
ids_trim(char **v, size_t *n, size_t max)
{
	size_t	i, drop;

	if (*n <= max)
		return;
	drop = *n - max;
	for (i = 1; i <= drop; i++)
		free(v[i]);
	memmove(v + 1, v + 1 + drop, (max - 1) * sizeof *v);
	*n = max;
}

/*
 * Add one address: the display name is unquoted and RFC 2047-decoded, the
 * address lower-cased. An empty address ("MAILER-DAEMON <>") is kept when
 * there is a name, as bounces say who they are that way.
 */
static void
addr_add(struct msg_addrs *as, const char *name, size_t namelen,
    const char *addr, size_t addrlen, const char *fbcs)
{
	struct msg_addr	*a;
	struct buf	 b;

	trim(&addr, &addrlen);
	trim(&name, &namelen);
	while (namelen >= 2 && name[0] == '"' && name[namelen - 1] == '"') {
		name++;
		namelen -= 2;
		trim(&name, &namelen);
	}
	if ((addrlen == 0 && namelen == 0) || as->n >= MSG_ADDRS_MAX)
		return;
	if (as->n % 8 == 0)
		as->v = xreallocarray(as->v, as->n + 8, sizeof *as->v);
	a = &as->v[as->n++];
	a->addr = utf8_dup(addr, addrlen);
	lower_ascii(a->addr);
	a->name = NULL;
	if (namelen > 0) {
		buf_init(&b);
		rfc2047_append(&b, name, namelen, fbcs);
		a->name = buf_steal(&b, NULL);
		if (*a->name == '\0') {
			free(a->name);
			a->name = NULL;
		}
	}
}

/*
 * What libetpan returned is usable only if it looks like an address and
 * appears as it is in the input: for "Big Bug bb@bug.com" it returns
 * "BigBugbb@bug.com", joining words as an obsolete local-part.
 */
static int
addr_sane(const char *a, const char *in, size_t inlen, size_t *pos)
{
	const char	*p, *q;

	if (a == NULL || *a == '\0')
		return (0);
	for (p = a; *p != '\0'; p++) {
		if (*p == '<' || *p == '>' || *p == ',' ||
		    is_space((unsigned char)*p))
			return (0);
	}
	/* Addresses come in order: search on from the last one. */
	if ((q = memmem(in + *pos, inlen - *pos, a, p - a)) == NULL)
		return (0);
	*pos = q + (p - a) - in;
	return (1);
}

/* Check (add == 0) or add one mailbox libetpan found. */
static int
addr_etpan_mailbox(struct msg_addrs *as, struct mailimf_mailbox *mb,
    const char *in, size_t inlen, size_t *pos, int add, const char *fbcs)
{
	const char	*name;

	if (mb == NULL || !addr_sane(mb->mb_addr_spec, in, inlen, pos))
		return (0);
	if (add) {
		name = mb->mb_display_name != NULL ? mb->mb_display_name : "";
		addr_add(as, name, strlen(name), mb->mb_addr_spec,
		    strlen(mb->mb_addr_spec), fbcs);
	}
	return (1);
}

/* Check every address, then add them all; 0 if anything looks wrong. */
static int
addr_etpan(struct msg_addrs *as, const char *s, size_t len, const char *fbcs)
{
	struct mailimf_address_list	*al = NULL;
	struct mailimf_address		*a;
	struct mailimf_mailbox_list	*ml;
	clistiter			*it, *jt;
	size_t				 idx = 0, pos;
	int				 add, good = 1;

	/* libetpan drops comments, which may hold the only name. */
	if (memchr(s, '(', len) != NULL ||
	    mailimf_address_list_parse(s, len, &idx, &al) != MAILIMF_NO_ERROR)
		return (0);
	while (idx < len && is_space((unsigned char)s[idx]))
		idx++;
	if (idx != len)
		good = 0;
	for (add = 0; add < 2 && good; add++) {
		pos = 0;
		for (it = clist_begin(al->ad_list); it != NULL && good;
		    it = clist_next(it)) {
			a = clist_content(it);
			if (a->ad_type == MAILIMF_ADDRESS_MAILBOX) {
				good = addr_etpan_mailbox(as,
				    a->ad_data.ad_mailbox, s, len, &pos, add,
				    fbcs);
				continue;
			}
			ml = a->ad_data.ad_group != NULL ?
			    a->ad_data.ad_group->grp_mb_list : NULL;
			if (ml == NULL)
				continue;
			for (jt = clist_begin(ml->mb_list); jt != NULL &&
			    good; jt = clist_next(jt))
				good = addr_etpan_mailbox(as,
				    clist_content(jt), s, len, &pos, add, fbcs);
		}
	}
	mailimf_address_list_free(al);
	return (good);
}

/* Where a character of set occurs outside quotes, <> and comments. */
static const char *
addr_find(const char *s, const char *end, const char *set)
{
	int	quoted = 0, angle = 0, paren = 0;

	for (; s < end; s++) {
		if (quoted) {
			if (*s == '\\' && s + 1 < end)
				s++;
			else if (*s == '"')
				quoted = 0;
			continue;
		}
		if (paren) {
			paren += *s == '(' ? 1 : *s == ')' ? -1 : 0;
			continue;
		}
		if (!angle && *s != '\0' && strchr(set, *s) != NULL)
			return (s);
		if (*s == '"')
			quoted = 1;
		else if (*s == '(')
			paren = 1;
		else if (*s == '<')
			angle = 1;
		else if (*s == '>')
			angle = 0;
	}
	return (NULL);
}

/*
 * One mailbox by hand: "name <addr>", "addr (name)", "name addr@host" or a
 * bare token. Comments outside <> are dropped; the first one is the name
 * when there is no other.
 */
static void
addr_scan_one(struct msg_addrs *as, const char *s, const char *end,
    const char *fbcs)
{
	struct buf	 clean, comment;
	const char	*p, *lt, *gt, *t, *te;
	int		 depth = 0, quoted = 0, ncomment = 0;

	buf_init(&clean);
	buf_init(&comment);
	for (p = s; p < end; p++) {
		if (!quoted && *p == '(') {
			if (depth++ == 0) {
				ncomment++;
				continue;
			}
		} else if (!quoted && depth > 0 && *p == ')') {
			if (--depth == 0)
				continue;
		} else if (depth == 0 && *p == '"')
			quoted = !quoted;
		if (depth == 0)
			buf_addc(&clean, *p);
		else if (ncomment == 1 && comment.len < MSG_VALUE_MAX)
			buf_addc(&comment, *p);
	}
	s = buf_cstr(&clean);
	end = s + clean.len;
	if ((lt = memchr(s, '<', end - s)) != NULL) {
		if ((gt = memchr(lt, '>', end - lt)) == NULL)
			gt = end;
		if (lt > s || comment.len == 0)
			addr_add(as, s, lt - s, lt + 1, gt - lt - 1, fbcs);
		else
			addr_add(as, comment.data, comment.len, lt + 1,
			    gt - lt - 1, fbcs);
		goto out;
	}
	/* The word holding an "@" is the address, the others the name. */
	for (t = s; t < end; t = te) {
		while (t < end && is_space((unsigned char)*t))
			t++;
		for (te = t; te < end && !is_space((unsigned char)*te); te++)
			;
		if (te > t && memchr(t, '@', te - t) != NULL)
			break;
	}
	if (t >= end) {
		/* No "@": one bare word (MAILER-DAEMON) or nothing. */
		t = s;
		te = end;
		while (t < te && is_space((unsigned char)*t))
			t++;
		while (te > t && is_space((unsigned char)te[-1]))
			te--;
		if (te == t || memchr(t, ' ', te - t) != NULL)
			goto out;
	}
	if (t > s)
		addr_add(as, s, t - s, t, te - t, fbcs);
	else
		addr_add(as, buf_cstr(&comment), comment.len, t, te - t, fbcs);
out:
	buf_free(&clean);
	buf_free(&comment);
}

/* The tolerant scan: split at commas outside quotes, brackets, comments. */
static void
addr_scan(struct msg_addrs *as, const char *s, size_t len, const char *fbcs)
{
	const char	*end = s + len, *p = s, *e, *colon;

	while (p < end && as->n < MSG_ADDRS_MAX) {
		if ((e = addr_find(p, end, ",;")) == NULL)
			e = end;
		/* "group: a, b;" - drop the group name. */
		colon = addr_find(p, e, ":");
		if (colon != NULL && memchr(p, '@', colon - p) == NULL &&
		    memchr(p, '<', colon - p) == NULL)
			p = colon + 1;
		while (p < e && is_space((unsigned char)*p))
			p++;
		if (p < e)
			addr_scan_one(as, p, e, fbcs);
		p = e + 1;
	}
}

static void
addrs_parse(struct walk *w, struct msg_addrs *as, const struct field *f)
{
	unfold(&w->tmp, f->value, f->valuelen);
	if (w->tmp.len == 0)
		return;
	if (!addr_etpan(as, w->tmp.data, w->tmp.len, w->hdrcs))
		addr_scan(as, w->tmp.data, w->tmp.len, w->hdrcs);
}

static char *
return_path(struct walk *w, const struct field *f)
{
	const char	*s, *lt, *gt;
	size_t		 len;
	char		*r;

	unfold(&w->tmp, f->value, f->valuelen);
	s = buf_cstr(&w->tmp);
	len = w->tmp.len;
	if ((lt = memchr(s, '<', len)) != NULL) {
		if ((gt = memchr(lt, '>', len - (lt - s))) == NULL)
			gt = s + len;
		s = lt + 1;
		len = gt - s;
	}
	trim(&s, &len);
	r = utf8_dup(s, len);
	lower_ascii(r);
	return (r);
}

/* ---- the top-level header ---- */

enum hdr_id {
	H_OTHER,
	H_AUTO_SUBMITTED,
	H_CC,
	H_CONTENT_LANGUAGE,
	H_DATE,
	H_FROM,
	H_IN_REPLY_TO,
	H_LIST_ID,
	H_MESSAGE_ID,
	H_PRECEDENCE,
	H_REFERENCES,
	H_REPLY_TO,
	H_RETURN_PATH,
	H_SUBJECT,
	H_TO
};

static const struct {
	const char	*name;
	size_t		 len;
	enum hdr_id	 id;
} hdr_names[] = {
	{ "to", 2, H_TO },
	{ "cc", 2, H_CC },
	{ "date", 4, H_DATE },
	{ "from", 4, H_FROM },
	{ "list-id", 7, H_LIST_ID },
	{ "subject", 7, H_SUBJECT },
	{ "reply-to", 8, H_REPLY_TO },
	{ "message-id", 10, H_MESSAGE_ID },
	{ "precedence", 10, H_PRECEDENCE },
	{ "references", 10, H_REFERENCES },
	{ "in-reply-to", 11, H_IN_REPLY_TO },
	{ "return-path", 11, H_RETURN_PATH },
	{ "auto-submitted", 14, H_AUTO_SUBMITTED },
	{ "content-language", 16, H_CONTENT_LANGUAGE },
};

static enum hdr_id
hdr_lookup(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < nitems(hdr_names); i++) {
		if (hdr_names[i].len == len &&
		    strncasecmp(hdr_names[i].name, name, len) == 0)
			return (hdr_names[i].id);
	}
	return (H_OTHER);
}

/* Set *dst to a copy of value unless a first occurrence was seen. */
static void
set_once(char **dst, const char *value)
{
	if (*dst == NULL)
		*dst = xstrdup(value);
}

static void
header_field(struct walk *w, const struct field *f)
{
	struct message		*msg = w->msg;
	struct msg_header	*h = NULL;
	char			*value, **ids = NULL;
	size_t			 nids = 0, i;
	enum hdr_id		 id;

	if (f->valuelen > MSG_VALUE_MAX)
		msg->limits |= MESSAGE_LIMIT_HEADERS;
	value = value_decode(&w->tmp, f->value, f->valuelen, w->hdrcs);
	if (msg->nheaders < MSG_HEADERS_MAX) {
		if (msg->nheaders % 16 == 0)
			msg->headers = xreallocarray(msg->headers,
			    msg->nheaders + 16, sizeof *msg->headers);
		h = &msg->headers[msg->nheaders++];
		/* field_next() allows only printable ASCII names. */
		h->name = xstrndup(f->name, f->namelen);
		h->value = value;
	} else
		msg->limits |= MESSAGE_LIMIT_HEADERS;

	switch ((id = hdr_lookup(f->name, f->namelen))) {
	case H_MESSAGE_ID:
	case H_IN_REPLY_TO:
		if ((id == H_MESSAGE_ID ? msg->message_id : msg->in_reply_to))
			break;
		unfold(&w->tmp, f->value, f->valuelen);
		ids_scan(w->tmp.data, w->tmp.len, &ids, &nids, 1,
		    id == H_MESSAGE_ID);
		if (nids > 0) {
			if (id == H_MESSAGE_ID)
				msg->message_id = ids[0];
			else
				msg->in_reply_to = ids[0];
		}
		free(ids);
		break;
	case H_REFERENCES:
		if (msg->references != NULL)
			break;
		unfold(&w->tmp, f->value, f->valuelen);
		ids_scan(w->tmp.data, w->tmp.len, &msg->references,
		    &msg->nreferences, SIZE_MAX, 0);
		ids_trim(msg->references, &msg->nreferences, MSG_REFS_MAX);
		break;
	case H_FROM:
		if (msg->from.n == 0)
			addrs_parse(w, &msg->from, f);
		break;
	case H_TO:
		addrs_parse(w, &msg->to, f);
		break;
	case H_CC:
		addrs_parse(w, &msg->cc, f);
		break;
	case H_REPLY_TO:
		if (msg->reply_to.n == 0)
			addrs_parse(w, &msg->reply_to, f);
		break;
	case H_SUBJECT:
		set_once(&msg->subject, value);
		break;
	case H_DATE:
		if (msg->date == 0) {
			unfold(&w->tmp, f->value, f->valuelen);
			msg->date = message_parse_date(buf_cstr(&w->tmp));
		}
		break;
	case H_AUTO_SUBMITTED:
		set_once(&msg->auto_submitted, value);
		break;
	case H_PRECEDENCE:
		set_once(&msg->precedence, value);
		break;
	case H_LIST_ID:
		set_once(&msg->list_id, value);
		break;
	case H_CONTENT_LANGUAGE:
		set_once(&msg->content_language, value);
		break;
	case H_RETURN_PATH:
		if (msg->return_path == NULL)
			msg->return_path = return_path(w, f);
		break;
	case H_OTHER:
		break;
	}
	if (h == NULL)
		free(value);
	for (i = 1; i < nids; i++)
		free(ids[i]);
}

/* ---- dates ---- */

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static long long
days_from_civil(long long y, int m, int d)
{
	long long	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

static const struct {
	const char	*name;
	int		 minutes;
} date_zones[] = {
	{ "ut", 0 }, { "utc", 0 }, { "gmt", 0 }, { "z", 0 }, { "wet", 0 },
	{ "bst", 60 }, { "cet", 60 }, { "met", 60 }, { "mez", 60 },
	{ "west", 60 }, { "cest", 120 }, { "mest", 120 }, { "mesz", 120 },
	{ "eet", 120 }, { "eest", 180 }, { "msk", 180 }, { "ist", 330 },
	{ "hkt", 480 }, { "sgt", 480 }, { "awst", 480 }, { "jst", 540 },
	{ "kst", 540 }, { "aest", 600 }, { "aedt", 660 }, { "nzst", 720 },
	{ "nzdt", 780 }, { "est", -300 }, { "edt", -240 }, { "cst", -360 },
	{ "cdt", -300 }, { "mst", -420 }, { "mdt", -360 }, { "pst", -480 },
	{ "pdt", -420 }, { "akst", -540 }, { "akdt", -480 },
	{ "hst", -600 }, { "ast", -240 }, { "adt", -180 }, { "brt", -180 },
};

static const char *const date_months[] = {
	"jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec"
};

/* Parsed pieces of a date; -1 is unset. */
struct date_parts {
	int	day, mon, year, yearlen, hh, mm, ss, pm;
	int	zone, havezone;		/* zone in minutes east */
};

static const char *
date_word(struct date_parts *d, const char *s)
{
	char	w[16];
	size_t	n = 0, i;

	for (; is_alpha((unsigned char)*s); s++) {
		if (n + 1 < sizeof w)
			w[n++] = lc((unsigned char)*s);
	}
	w[n] = '\0';
	if (n >= 3 && d->mon < 0) {
		for (i = 0; i < nitems(date_months); i++) {
			if (strncmp(w, date_months[i], 3) == 0) {
				d->mon = i;
				return (s);
			}
		}
	}
	if (strcmp(w, "am") == 0 || strcmp(w, "pm") == 0) {
		d->pm = w[0] == 'p';
		return (s);
	}
	if (!d->havezone && d->day >= 0) {
		for (i = 0; i < nitems(date_zones); i++) {
			if (strcmp(w, date_zones[i].name) == 0) {
				d->zone = date_zones[i].minutes;
				d->havezone = 1;
				break;
			}
		}
	}
	return (s);
}

/* "+hhmm", "+hh:mm", "+h": a numeric zone; s is at the sign. */
static const char *
date_zone(struct date_parts *d, const char *s)
{
	int	sign = *s == '-' ? -1 : 1, v = 0, n = 0, h, m = 0;

	for (s++; is_digit((unsigned char)*s) && n < 4; s++, n++)
		v = v * 10 + *s - '0';
	if (n <= 2 && *s == ':' && is_digit((unsigned char)s[1]) &&
	    is_digit((unsigned char)s[2])) {
		h = v;
		m = (s[1] - '0') * 10 + s[2] - '0';
		s += 3;
	} else if (n > 2) {
		h = v / 100;
		m = v % 100;
	} else
		h = v;
	while (is_digit((unsigned char)*s))
		s++;
	if (!d->havezone && h <= 18 && m < 60) {
		d->zone = sign * (h * 60 + m);
		d->havezone = 1;
	}
	return (s);
}

/* A number: time (h:m[:s]), ISO date (yyyy-mm-dd), year or day. */
static const char *
date_number(struct date_parts *d, const char *s)
{
	long		 v = 0;
	int		 n = 0;

	for (; is_digit((unsigned char)*s); s++, n++) {
		if (v < 100000)
			v = v * 10 + *s - '0';
	}
	if (*s == ':' && is_digit((unsigned char)s[1]) && d->hh < 0) {
		d->hh = v;
		d->mm = 0;
		d->ss = 0;
		for (v = 0, s++; is_digit((unsigned char)*s); s++)
			v = v < 1000 ? v * 10 + *s - '0' : v;
		d->mm = v;
		if (*s == ':' && is_digit((unsigned char)s[1])) {
			for (v = 0, s++; is_digit((unsigned char)*s); s++)
				v = v < 1000 ? v * 10 + *s - '0' : v;
			d->ss = v;
		}
		if (*s == '.' || *s == ',')	/* fractions of a second */
			for (s++; is_digit((unsigned char)*s); s++)
				;
		return (s);
	}
	if (n == 4 && *s == '-' && is_digit((unsigned char)s[1]) &&
	    d->year < 0 && d->day < 0) {
		d->year = v;
		d->yearlen = 4;
		d->mon = (int)strtol(s + 1, (char **)&s, 10) - 1;
		if (*s == '-' && is_digit((unsigned char)s[1]))
			d->day = (int)strtol(s + 1, (char **)&s, 10);
		if (*s == 'T' || *s == 't')
			s++;
		return (s);
	}
	/* "029" is a day with a stray zero; "0102" a Y2K-broken year. */
	if (n == 3 && s[-3] == '0' && v >= 1 && v <= 31 && d->day < 0)
		d->day = v;
	else if ((n >= 3 || v > 31) && d->year < 0) {
		d->year = v;
		d->yearlen = n;
	} else if (d->day < 0)
		d->day = v;
	else if (d->year < 0) {
		d->year = v;
		d->yearlen = n;
	}
	return (s);
}

time_t
message_parse_date(const char *s)
{
	struct date_parts	d = { -1, -1, -1, 0, -1, 0, 0, -1, 0, 0 };
	long long		t;
	int			depth, mdays;
	static const int	 ml[] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	if (s == NULL)
		return (0);
	while (*s != '\0') {
		if (*s == '(') {		/* comment */
			for (depth = 0; *s != '\0'; s++) {
				depth += *s == '(' ? 1 : *s == ')' ? -1 : 0;
				if (depth == 0)
					break;
			}
			if (*s != '\0')
				s++;
		} else if ((*s == '+' || *s == '-') &&
		    is_digit((unsigned char)s[1]) && d.day >= 0 && d.hh >= 0)
			s = date_zone(&d, s);
		else if (is_digit((unsigned char)*s))
			s = date_number(&d, s);
		else if (is_alpha((unsigned char)*s))
			s = date_word(&d, s);
		else
			s++;
	}
	if (d.day < 1 || d.mon < 0 || d.mon > 11 || d.year < 0)
		return (0);
	/* Two digits; three (or "0102", Y2K bugs) count from 1900. */
	if (d.yearlen <= 2)
		d.year += d.year < 50 ? 2000 : 1900;
	else if (d.year >= 100 && d.year < 200)
		d.year += 1900;
	/* A missing or impossible time still leaves a usable day. */
	if (d.hh < 0 || d.hh > 24 || d.mm > 59 || d.ss > 60)
		d.hh = d.mm = d.ss = 0;
	if (d.pm == 1 && d.hh < 12)
		d.hh += 12;
	else if (d.pm == 0 && d.hh == 12)
		d.hh = 0;
	if (d.ss == 60)
		d.ss = 59;
	mdays = ml[d.mon];
	if (d.mon == 1 && !(d.year % 4 == 0 &&
	    (d.year % 100 != 0 || d.year % 400 == 0)))
		mdays = 28;
	if (d.year < 1900 || d.year > 9999 || d.day > mdays || d.hh > 24 ||
	    d.mm > 59 || d.ss > 59)
		return (0);
	t = days_from_civil(d.year, d.mon + 1, d.day) * 86400LL +
	    d.hh * 3600 + d.mm * 60 + d.ss - d.zone * 60LL;
	if ((long long)(time_t)t != t)
		return (0);
	return ((time_t)t);
}

/* ---- the whole message ---- */

static void
message_hash(struct message *msg, const char *raw, size_t len)
{
	static const char	hex[] = "0123456789abcdef";
	unsigned char		d[32];
	size_t			i;

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, raw, len, d) != 0)
		fatalx("gnutls_hash_fast failed");
	for (i = 0; i < sizeof d; i++) {
		msg->hash[i * 2] = hex[d[i] >> 4];
		msg->hash[i * 2 + 1] = hex[d[i] & 0xf];
	}
	msg->hash[64] = '\0';
}

/*
 * Raw 8-bit bytes in a header that are not UTF-8 are most likely in the
 * charset of the message's own Content-Type (old Russian, Greek, Korean
 * mailers); without one, Windows-1252 is the guess.
 */
static void
header_charset(struct walk *w, const char *s, const char *end)
{
	struct entity	 e;
	struct buf	 cs;
	const char	*p;

	entity_init(&e, s, end - s, "text/plain");
	for (p = s; p < e.body && (unsigned char)*p < 0x80; p++)
		;
	buf_init(&cs);
	if (p < e.body && param_find(e.ct.data, e.ct.len, "charset", &cs,
	    NULL) && cs.len > 0) {
		copy_str(w->hdrcsbuf, cs.data, sizeof w->hdrcsbuf);
		w->hdrcs = w->hdrcsbuf;
	}
	buf_free(&cs);
	entity_free(&e);
}

/*
 * Skip a UTF-8 byte order mark (editors on Windows write one) and an mbox
 * "From " envelope line.
 */
static const char *
skip_from_line(const char *p, const char *end)
{
	const char	*nl;

	if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	if (end - p < 5 || memcmp(p, "From ", 5) != 0)
		return (p);
	nl = memchr(p, '\n', end - p);
	return (nl != NULL ? nl + 1 : end);
}

int
message_parse(const char *raw, size_t len, struct message **msgp,
    char **cause)
{
	struct message	*msg;
	struct walk	 w;
	struct field	 f;
	const char	*p, *end;

	*msgp = NULL;
	if (raw == NULL || len == 0) {
		*cause = xstrdup("empty message");
		return (-1);
	}
	end = raw + len;
	if ((p = skip_from_line(raw, end)) == end) {
		*cause = xstrdup("nothing after the mbox From line");
		return (-1);
	}
	msg = xcalloc(1, sizeof *msg);
	msg->size = len;
	message_hash(msg, raw, len);

	memset(&w, 0, sizeof w);
	w.msg = msg;
	buf_init(&w.text);
	header_charset(&w, p, end);
	while (field_next(&p, end, &f))
		header_field(&w, &f);

	p = skip_from_line(raw, end);
	walk_entity(&w, p, end - p, "text/plain", 0, W_TEXT | W_ATT);
	if (w.text.len == 0 && w.inner != NULL && !msg->text_truncated)
		walk_entity(&w, w.inner, w.innerlen, "text/plain",
		    w.innerdepth, W_TEXT);

	if (msg->subject == NULL)
		msg->subject = xstrdup("");
	msg->text = buf_steal(&w.text, &msg->textlen);
	if (msg->text == NULL) {
		msg->text = xstrdup("");
		msg->textlen = 0;
	}
	buf_free(&w.dec);
	buf_free(&w.utf);
	buf_free(&w.tmp);
	if (msg->limits != 0)
		log_debug("message %.16s: parse limits hit (%#x)", msg->hash,
		    msg->limits);
	*msgp = msg;
	return (0);
}

static void
addrs_free(struct msg_addrs *as)
{
	size_t	i;

	for (i = 0; i < as->n; i++) {
		free(as->v[i].name);
		free(as->v[i].addr);
	}
	free(as->v);
}

void
message_free(struct message *msg)
{
	size_t	i;

	if (msg == NULL)
		return;
	free(msg->message_id);
	free(msg->in_reply_to);
	for (i = 0; i < msg->nreferences; i++)
		free(msg->references[i]);
	free(msg->references);
	addrs_free(&msg->from);
	addrs_free(&msg->to);
	addrs_free(&msg->cc);
	addrs_free(&msg->reply_to);
	free(msg->subject);
	free(msg->auto_submitted);
	free(msg->precedence);
	free(msg->list_id);
	free(msg->return_path);
	free(msg->content_language);
	for (i = 0; i < msg->nheaders; i++) {
		free(msg->headers[i].name);
		free(msg->headers[i].value);
	}
	free(msg->headers);
	free(msg->text);
	for (i = 0; i < msg->nattachments; i++) {
		free(msg->attachments[i].filename);
		free(msg->attachments[i].type);
	}
	free(msg->attachments);
	free(msg);
}

const char *
message_header(const struct message *msg, const char *name)
{
	size_t	i;

	for (i = 0; i < msg->nheaders; i++) {
		if (strcasecmp(msg->headers[i].name, name) == 0)
			return (msg->headers[i].value);
	}
	return (NULL);
}
