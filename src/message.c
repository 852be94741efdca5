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

#include "buf.h"
#include "log.h"
#include "message.h"
#include "message_private.h"
#include "utf8.h"
#include "xmalloc.h"

/*
 * How the work is split: the MIME structure (header blocks, boundaries,
 * nesting) is walked here, by hand, so that depth and part count can be
 * capped. libetpan's mailmime_parse() has no such limits: it recurses once
 * per level and rescans each level's body, so 5,000 nested multiparts
 * (330 KB) take 2 s and the cost grows quadratically. Its quoted-printable
 * decoder also turns a stray "=" into a NUL and eats what follows, and its
 * RFC 2047 decoder drops raw 8-bit bytes; both are done here too. Address
 * lists are read by message_addr.c (see there why not by libetpan).
 */

#define MSG_DEPTH_MAX	64		/* deeper multiparts are opaque */
#define MSG_PARTS_MAX	10000		/* MIME entities walked, then stop */
#define MSG_HEADERS_MAX	1000		/* top-level fields kept */
#define MSG_VALUE_MAX	(64 * 1024)	/* bytes of a field value used */
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

/*
 * Check s: returns 0 if it is not valid UTF-8 (or holds a NUL), 1 if it is
 * plain ASCII, 2 if it is valid UTF-8 with non-ASCII characters.
 */
static int
utf8_class(const char *s, size_t n)
{
	uint32_t	cp;
	size_t		i = 0, k;
	int		wide = 0;

	for (;;) {
		i += utf8_ascii_span(s + i, n - i);
		if (i == n)
			return (wide ? 2 : 1);
		if (s[i] == 0 || (k = utf8_decode(s + i, n - i, &cp)) == 0)
			return (0);
		wide = 1;
		i += k;
	}
}

static void
put_cp(struct buf *b, uint32_t cp)
{
	char	u[UTF8_MAX];

	buf_add(b, u, utf8_encode(cp, u));
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
	uint32_t		 cp;
	size_t			 i = 0, run, k;

	buf_reserve(out, n);
	while (i < n) {
		run = utf8_ascii_span(s + i, n - i);
		if (run > 0) {
			buf_add(out, u + i, run);
			i += run;
			continue;
		}
		if (u[i] != 0 && (k = utf8_decode(s + i, n - i, &cp)) != 0) {
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
		run = utf8_ascii_span(s + i, n - i);
		if (run > 0) {
			buf_add(out, u + i, run);
			i += run;
		} else
			put_cp(out, cp1252(u[i++]));
	}
	buf_add(out, "", 0);		/* NUL-terminate even when empty */
}

char *
message_utf8_dup(const char *s, size_t n)
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
	CS_STATEFUL	/* UTF-7, UTF-16, ISO-2022, VISCII: bytes below 0x80
			   are not (only) ASCII, so ASCII alone is not safe */
};

struct cs_alias {
	const char	*name;
	const char	*iconv;		/* NULL: see kind */
	enum cs_kind	 kind;
};

/*
 * The allowlist: the IANA names and aliases (and the common misspellings)
 * that mail carries, sorted for bsearch, lower case. Only these reach
 * iconv, under the name given here; any other label is decoded as CS_AUTO
 * (the raw message is stored as it came either way). Left out on purpose:
 * EBCDIC and other non-ASCII-based code pages, ISO-2022-CN(-EXT), the
 * 7-bit national ISO 646 variants, UTF-7-IMAP (a mailbox-name encoding)
 * and glibc's private and OSF names. Where a label is commonly used for
 * its superset, the superset decodes it (GB2312/GBK as GB18030, Big5 as
 * Big5-HKSCS, EUC-KR as CP949, Shift_JIS as CP932, TIS-620 as CP874,
 * ISO-2022-JP as ISO-2022-JP-2). man/helpq.1, CHARSETS, lists them.
 */
static const struct cs_alias cs_aliases[] = {
	{ "", NULL, CS_AUTO },
	{ "437", "CP437", CS_ICONV },
	{ "737", "CP737", CS_ICONV },
	{ "775", "CP775", CS_ICONV },
	{ "850", "CP850", CS_ICONV },
	{ "852", "CP852", CS_ICONV },
	{ "855", "CP855", CS_ICONV },
	{ "857", "CP857", CS_ICONV },
	{ "858", "CP858", CS_ICONV },
	{ "860", "CP860", CS_ICONV },
	{ "861", "CP861", CS_ICONV },
	{ "862", "CP862", CS_ICONV },
	{ "863", "CP863", CS_ICONV },
	{ "864", "CP864", CS_ICONV },
	{ "865", "CP865", CS_ICONV },
	{ "866", "CP866", CS_ICONV },
	{ "869", "CP869", CS_ICONV },
	{ "8859-1", NULL, CS_1252 },
	{ "ansi_x3.4-1968", NULL, CS_AUTO },
	{ "ansi_x3.4-1986", NULL, CS_AUTO },
	{ "arabic", "ISO-8859-6", CS_ICONV },
	{ "ascii", NULL, CS_AUTO },
	{ "asmo-708", "ISO-8859-6", CS_ICONV },
	{ "big-5", "BIG5-HKSCS", CS_ICONV },
	{ "big-five", "BIG5-HKSCS", CS_ICONV },
	{ "big5", "BIG5-HKSCS", CS_ICONV },
	{ "big5-hkscs", "BIG5-HKSCS", CS_ICONV },
	{ "big5hkscs", "BIG5-HKSCS", CS_ICONV },
	{ "bigfive", "BIG5-HKSCS", CS_ICONV },
	{ "charset", NULL, CS_AUTO },
	{ "chinese", "GB18030", CS_ICONV },
	{ "chinesebig5", "BIG5-HKSCS", CS_ICONV },
	{ "cn-big5", "BIG5-HKSCS", CS_ICONV },
	{ "cp1125", "CP1125", CS_ICONV },
	{ "cp1250", "CP1250", CS_ICONV },
	{ "cp1251", "CP1251", CS_ICONV },
	{ "cp1252", NULL, CS_1252 },
	{ "cp1253", "CP1253", CS_ICONV },
	{ "cp1254", "CP1254", CS_ICONV },
	{ "cp1255", "CP1255", CS_ICONV },
	{ "cp1256", "CP1256", CS_ICONV },
	{ "cp1257", "CP1257", CS_ICONV },
	{ "cp1258", "CP1258", CS_ICONV },
	{ "cp367", NULL, CS_AUTO },
	{ "cp437", "CP437", CS_ICONV },
	{ "cp65001", NULL, CS_AUTO },
	{ "cp737", "CP737", CS_ICONV },
	{ "cp775", "CP775", CS_ICONV },
	{ "cp819", NULL, CS_1252 },
	{ "cp850", "CP850", CS_ICONV },
	{ "cp852", "CP852", CS_ICONV },
	{ "cp855", "CP855", CS_ICONV },
	{ "cp857", "CP857", CS_ICONV },
	{ "cp858", "CP858", CS_ICONV },
	{ "cp860", "CP860", CS_ICONV },
	{ "cp861", "CP861", CS_ICONV },
	{ "cp862", "CP862", CS_ICONV },
	{ "cp863", "CP863", CS_ICONV },
	{ "cp864", "CP864", CS_ICONV },
	{ "cp865", "CP865", CS_ICONV },
	{ "cp866", "CP866", CS_ICONV },
	{ "cp869", "CP869", CS_ICONV },
	{ "cp874", "CP874", CS_ICONV },
	{ "cp932", "CP932", CS_ICONV },
	{ "cp936", "GB18030", CS_ICONV },
	{ "cp949", "CP949", CS_ICONV },
	{ "cp950", "CP950", CS_ICONV },
	{ "csascii", NULL, CS_AUTO },
	{ "csbig5", "BIG5-HKSCS", CS_ICONV },
	{ "cseuckr", "CP949", CS_ICONV },
	{ "cseucpkdfmtjapanese", "EUC-JP", CS_ICONV },
	{ "csgb2312", "GB18030", CS_ICONV },
	{ "csibm866", "CP866", CS_ICONV },
	{ "csiso2022jp", "ISO-2022-JP-2", CS_STATEFUL },
	{ "csiso2022jp2", "ISO-2022-JP-2", CS_STATEFUL },
	{ "csiso2022kr", "ISO-2022-KR", CS_STATEFUL },
	{ "csisolatin1", NULL, CS_1252 },
	{ "csisolatin2", "ISO-8859-2", CS_ICONV },
	{ "csisolatin3", "ISO-8859-3", CS_ICONV },
	{ "csisolatin4", "ISO-8859-4", CS_ICONV },
	{ "csisolatin5", "ISO-8859-9", CS_ICONV },
	{ "csisolatin6", "ISO-8859-10", CS_ICONV },
	{ "csisolatinarabic", "ISO-8859-6", CS_ICONV },
	{ "csisolatincyrillic", "ISO-8859-5", CS_ICONV },
	{ "csisolatingreek", "ISO-8859-7", CS_ICONV },
	{ "csisolatinhebrew", "ISO-8859-8", CS_ICONV },
	{ "cskoi8r", "KOI8-R", CS_ICONV },
	{ "csksc56011987", "CP949", CS_ICONV },
	{ "csmacintosh", "MACINTOSH", CS_ICONV },
	{ "cspc850multilingual", "CP850", CS_ICONV },
	{ "cspc8codepage437", "CP437", CS_ICONV },
	{ "cspcp852", "CP852", CS_ICONV },
	{ "csshiftjis", "CP932", CS_ICONV },
	{ "csucs4", "UCS-4", CS_STATEFUL },
	{ "csunicode", "UCS-2", CS_STATEFUL },
	{ "csunicode11utf7", "UTF-7", CS_STATEFUL },
	{ "csviscii", "VISCII", CS_STATEFUL },
	{ "cswindows31j", "CP932", CS_ICONV },
	{ "cyrillic", "ISO-8859-5", CS_ICONV },
	{ "default", NULL, CS_AUTO },
	{ "ecma-114", "ISO-8859-6", CS_ICONV },
	{ "ecma-118", "ISO-8859-7", CS_ICONV },
	{ "elot_928", "ISO-8859-7", CS_ICONV },
	{ "euc-cn", "GB18030", CS_ICONV },
	{ "euc-jp", "EUC-JP", CS_ICONV },
	{ "euc-kr", "CP949", CS_ICONV },
	{ "euc-tw", "EUC-TW", CS_ICONV },
	{ "euccn", "GB18030", CS_ICONV },
	{ "eucjp", "EUC-JP", CS_ICONV },
	{ "euckr", "CP949", CS_ICONV },
	{ "euctw", "EUC-TW", CS_ICONV },
	{ "gb18030", "GB18030", CS_ICONV },
	{ "gb2312", "GB18030", CS_ICONV },
	{ "gbk", "GB18030", CS_ICONV },
	{ "greek", "ISO-8859-7", CS_ICONV },
	{ "greek8", "ISO-8859-7", CS_ICONV },
	{ "hebrew", "ISO-8859-8", CS_ICONV },
	{ "ibm367", NULL, CS_AUTO },
	{ "ibm437", "CP437", CS_ICONV },
	{ "ibm737", "CP737", CS_ICONV },
	{ "ibm775", "CP775", CS_ICONV },
	{ "ibm819", NULL, CS_1252 },
	{ "ibm850", "CP850", CS_ICONV },
	{ "ibm852", "CP852", CS_ICONV },
	{ "ibm855", "CP855", CS_ICONV },
	{ "ibm857", "CP857", CS_ICONV },
	{ "ibm858", "CP858", CS_ICONV },
	{ "ibm860", "CP860", CS_ICONV },
	{ "ibm861", "CP861", CS_ICONV },
	{ "ibm862", "CP862", CS_ICONV },
	{ "ibm863", "CP863", CS_ICONV },
	{ "ibm864", "CP864", CS_ICONV },
	{ "ibm865", "CP865", CS_ICONV },
	{ "ibm866", "CP866", CS_ICONV },
	{ "ibm869", "CP869", CS_ICONV },
	{ "iso-10646-ucs-2", "UCS-2", CS_STATEFUL },
	{ "iso-10646-ucs-4", "UCS-4", CS_STATEFUL },
	{ "iso-2022-jp", "ISO-2022-JP-2", CS_STATEFUL },
	{ "iso-2022-jp-1", "ISO-2022-JP-2", CS_STATEFUL },
	{ "iso-2022-jp-2", "ISO-2022-JP-2", CS_STATEFUL },
	{ "iso-2022-jp-3", "ISO-2022-JP-3", CS_STATEFUL },
	{ "iso-2022-kr", "ISO-2022-KR", CS_STATEFUL },
	{ "iso-8859-1", NULL, CS_1252 },
	{ "iso-8859-10", "ISO-8859-10", CS_ICONV },
	{ "iso-8859-11", "CP874", CS_ICONV },
	{ "iso-8859-13", "ISO-8859-13", CS_ICONV },
	{ "iso-8859-14", "ISO-8859-14", CS_ICONV },
	{ "iso-8859-15", "ISO-8859-15", CS_ICONV },
	{ "iso-8859-16", "ISO-8859-16", CS_ICONV },
	{ "iso-8859-2", "ISO-8859-2", CS_ICONV },
	{ "iso-8859-3", "ISO-8859-3", CS_ICONV },
	{ "iso-8859-4", "ISO-8859-4", CS_ICONV },
	{ "iso-8859-5", "ISO-8859-5", CS_ICONV },
	{ "iso-8859-6", "ISO-8859-6", CS_ICONV },
	{ "iso-8859-6-e", "ISO-8859-6", CS_ICONV },
	{ "iso-8859-6-i", "ISO-8859-6", CS_ICONV },
	{ "iso-8859-7", "ISO-8859-7", CS_ICONV },
	{ "iso-8859-8", "ISO-8859-8", CS_ICONV },
	{ "iso-8859-8-e", "ISO-8859-8", CS_ICONV },
	{ "iso-8859-8-i", "ISO-8859-8", CS_ICONV },
	{ "iso-8859-9", "ISO-8859-9", CS_ICONV },
	{ "iso-ir-100", NULL, CS_1252 },
	{ "iso-ir-101", "ISO-8859-2", CS_ICONV },
	{ "iso-ir-109", "ISO-8859-3", CS_ICONV },
	{ "iso-ir-110", "ISO-8859-4", CS_ICONV },
	{ "iso-ir-126", "ISO-8859-7", CS_ICONV },
	{ "iso-ir-127", "ISO-8859-6", CS_ICONV },
	{ "iso-ir-138", "ISO-8859-8", CS_ICONV },
	{ "iso-ir-144", "ISO-8859-5", CS_ICONV },
	{ "iso-ir-148", "ISO-8859-9", CS_ICONV },
	{ "iso-ir-149", "CP949", CS_ICONV },
	{ "iso-ir-157", "ISO-8859-10", CS_ICONV },
	{ "iso-ir-179", "ISO-8859-13", CS_ICONV },
	{ "iso-ir-199", "ISO-8859-14", CS_ICONV },
	{ "iso-ir-203", "ISO-8859-15", CS_ICONV },
	{ "iso-ir-226", "ISO-8859-16", CS_ICONV },
	{ "iso-ir-6", NULL, CS_AUTO },
	{ "iso646-us", NULL, CS_AUTO },
	{ "iso8859-1", NULL, CS_1252 },
	{ "iso8859-10", "ISO-8859-10", CS_ICONV },
	{ "iso8859-13", "ISO-8859-13", CS_ICONV },
	{ "iso8859-14", "ISO-8859-14", CS_ICONV },
	{ "iso8859-15", "ISO-8859-15", CS_ICONV },
	{ "iso8859-16", "ISO-8859-16", CS_ICONV },
	{ "iso8859-2", "ISO-8859-2", CS_ICONV },
	{ "iso8859-3", "ISO-8859-3", CS_ICONV },
	{ "iso8859-4", "ISO-8859-4", CS_ICONV },
	{ "iso8859-5", "ISO-8859-5", CS_ICONV },
	{ "iso8859-6", "ISO-8859-6", CS_ICONV },
	{ "iso8859-7", "ISO-8859-7", CS_ICONV },
	{ "iso8859-8", "ISO-8859-8", CS_ICONV },
	{ "iso8859-9", "ISO-8859-9", CS_ICONV },
	{ "iso88591", NULL, CS_1252 },
	{ "iso885910", "ISO-8859-10", CS_ICONV },
	{ "iso885913", "ISO-8859-13", CS_ICONV },
	{ "iso885914", "ISO-8859-14", CS_ICONV },
	{ "iso885915", "ISO-8859-15", CS_ICONV },
	{ "iso885916", "ISO-8859-16", CS_ICONV },
	{ "iso88592", "ISO-8859-2", CS_ICONV },
	{ "iso88593", "ISO-8859-3", CS_ICONV },
	{ "iso88594", "ISO-8859-4", CS_ICONV },
	{ "iso88595", "ISO-8859-5", CS_ICONV },
	{ "iso88596", "ISO-8859-6", CS_ICONV },
	{ "iso88597", "ISO-8859-7", CS_ICONV },
	{ "iso88598", "ISO-8859-8", CS_ICONV },
	{ "iso88599", "ISO-8859-9", CS_ICONV },
	{ "iso_8859-1", NULL, CS_1252 },
	{ "iso_8859-10", "ISO-8859-10", CS_ICONV },
	{ "iso_8859-10:1992", "ISO-8859-10", CS_ICONV },
	{ "iso_8859-13", "ISO-8859-13", CS_ICONV },
	{ "iso_8859-14", "ISO-8859-14", CS_ICONV },
	{ "iso_8859-14:1998", "ISO-8859-14", CS_ICONV },
	{ "iso_8859-15", "ISO-8859-15", CS_ICONV },
	{ "iso_8859-15:1998", "ISO-8859-15", CS_ICONV },
	{ "iso_8859-16", "ISO-8859-16", CS_ICONV },
	{ "iso_8859-16:2001", "ISO-8859-16", CS_ICONV },
	{ "iso_8859-1:1987", NULL, CS_1252 },
	{ "iso_8859-2", "ISO-8859-2", CS_ICONV },
	{ "iso_8859-2:1987", "ISO-8859-2", CS_ICONV },
	{ "iso_8859-3", "ISO-8859-3", CS_ICONV },
	{ "iso_8859-3:1988", "ISO-8859-3", CS_ICONV },
	{ "iso_8859-4", "ISO-8859-4", CS_ICONV },
	{ "iso_8859-4:1988", "ISO-8859-4", CS_ICONV },
	{ "iso_8859-5", "ISO-8859-5", CS_ICONV },
	{ "iso_8859-5:1988", "ISO-8859-5", CS_ICONV },
	{ "iso_8859-6", "ISO-8859-6", CS_ICONV },
	{ "iso_8859-6:1987", "ISO-8859-6", CS_ICONV },
	{ "iso_8859-7", "ISO-8859-7", CS_ICONV },
	{ "iso_8859-7:1987", "ISO-8859-7", CS_ICONV },
	{ "iso_8859-8", "ISO-8859-8", CS_ICONV },
	{ "iso_8859-8:1988", "ISO-8859-8", CS_ICONV },
	{ "iso_8859-9", "ISO-8859-9", CS_ICONV },
	{ "iso_8859-9:1989", "ISO-8859-9", CS_ICONV },
	{ "johab", "JOHAB", CS_ICONV },
	{ "koi8-r", "KOI8-R", CS_ICONV },
	{ "koi8-ru", "KOI8-RU", CS_ICONV },
	{ "koi8-u", "KOI8-U", CS_ICONV },
	{ "koi8r", "KOI8-R", CS_ICONV },
	{ "koi8u", "KOI8-U", CS_ICONV },
	{ "korean", "CP949", CS_ICONV },
	{ "ks_c_5601-1987", "CP949", CS_ICONV },
	{ "ks_c_5601-1989", "CP949", CS_ICONV },
	{ "ksc5601", "CP949", CS_ICONV },
	{ "ksc_5601", "CP949", CS_ICONV },
	{ "l1", NULL, CS_1252 },
	{ "l10", "ISO-8859-16", CS_ICONV },
	{ "l2", "ISO-8859-2", CS_ICONV },
	{ "l3", "ISO-8859-3", CS_ICONV },
	{ "l4", "ISO-8859-4", CS_ICONV },
	{ "l5", "ISO-8859-9", CS_ICONV },
	{ "l6", "ISO-8859-10", CS_ICONV },
	{ "l7", "ISO-8859-13", CS_ICONV },
	{ "l8", "ISO-8859-14", CS_ICONV },
	{ "l9", "ISO-8859-15", CS_ICONV },
	{ "latin-1", NULL, CS_1252 },
	{ "latin-2", "ISO-8859-2", CS_ICONV },
	{ "latin-9", "ISO-8859-15", CS_ICONV },
	{ "latin1", NULL, CS_1252 },
	{ "latin10", "ISO-8859-16", CS_ICONV },
	{ "latin2", "ISO-8859-2", CS_ICONV },
	{ "latin3", "ISO-8859-3", CS_ICONV },
	{ "latin4", "ISO-8859-4", CS_ICONV },
	{ "latin5", "ISO-8859-9", CS_ICONV },
	{ "latin6", "ISO-8859-10", CS_ICONV },
	{ "latin7", "ISO-8859-13", CS_ICONV },
	{ "latin8", "ISO-8859-14", CS_ICONV },
	{ "latin9", "ISO-8859-15", CS_ICONV },
	{ "mac", "MACINTOSH", CS_ICONV },
	{ "mac-centraleurope", "MAC-CENTRALEUROPE", CS_ICONV },
	{ "mac-cyrillic", "MAC-CYRILLIC", CS_ICONV },
	{ "mac-roman", "MACINTOSH", CS_ICONV },
	{ "maccyrillic", "MAC-CYRILLIC", CS_ICONV },
	{ "macintosh", "MACINTOSH", CS_ICONV },
	{ "macroman", "MACINTOSH", CS_ICONV },
	{ "ms932", "CP932", CS_ICONV },
	{ "ms936", "GB18030", CS_ICONV },
	{ "ms_kanji", "CP932", CS_ICONV },
	{ "none", NULL, CS_AUTO },
	{ "shift-jis", "CP932", CS_ICONV },
	{ "shift_jis", "CP932", CS_ICONV },
	{ "sjis", "CP932", CS_ICONV },
	{ "tis-620", "CP874", CS_ICONV },
	{ "tis620", "CP874", CS_ICONV },
	{ "ucs-2", "UCS-2", CS_STATEFUL },
	{ "ucs-4", "UCS-4", CS_STATEFUL },
	{ "uft-8", NULL, CS_AUTO },
	{ "uhc", "CP949", CS_ICONV },
	{ "ujis", "EUC-JP", CS_ICONV },
	{ "unicode", "UTF-16", CS_STATEFUL },
	{ "unicode-1-1-utf-7", "UTF-7", CS_STATEFUL },
	{ "unicode-1-1-utf-8", NULL, CS_AUTO },
	{ "unicodefffe", "UTF-16BE", CS_STATEFUL },
	{ "unknown", NULL, CS_AUTO },
	{ "unknown-8bit", NULL, CS_AUTO },
	{ "us", NULL, CS_AUTO },
	{ "us-ascii", NULL, CS_AUTO },
	{ "utf-16", "UTF-16", CS_STATEFUL },
	{ "utf-16be", "UTF-16BE", CS_STATEFUL },
	{ "utf-16le", "UTF-16LE", CS_STATEFUL },
	{ "utf-32", "UTF-32", CS_STATEFUL },
	{ "utf-32be", "UTF-32BE", CS_STATEFUL },
	{ "utf-32le", "UTF-32LE", CS_STATEFUL },
	{ "utf-7", "UTF-7", CS_STATEFUL },
	{ "utf-8", NULL, CS_AUTO },
	{ "utf16", "UTF-16", CS_STATEFUL },
	{ "utf32", "UTF-32", CS_STATEFUL },
	{ "utf8", NULL, CS_AUTO },
	{ "viscii", "VISCII", CS_STATEFUL },
	{ "windows-1250", "CP1250", CS_ICONV },
	{ "windows-1251", "CP1251", CS_ICONV },
	{ "windows-1252", NULL, CS_1252 },
	{ "windows-1253", "CP1253", CS_ICONV },
	{ "windows-1254", "CP1254", CS_ICONV },
	{ "windows-1255", "CP1255", CS_ICONV },
	{ "windows-1256", "CP1256", CS_ICONV },
	{ "windows-1257", "CP1257", CS_ICONV },
	{ "windows-1258", "CP1258", CS_ICONV },
	{ "windows-31j", "CP932", CS_ICONV },
	{ "windows-874", "CP874", CS_ICONV },
	{ "windows-936", "GB18030", CS_ICONV },
	{ "windows-949", "CP949", CS_ICONV },
	{ "x-cp1250", "CP1250", CS_ICONV },
	{ "x-cp1251", "CP1251", CS_ICONV },
	{ "x-cp1252", NULL, CS_1252 },
	{ "x-cp1253", "CP1253", CS_ICONV },
	{ "x-cp1254", "CP1254", CS_ICONV },
	{ "x-cp1255", "CP1255", CS_ICONV },
	{ "x-cp1256", "CP1256", CS_ICONV },
	{ "x-cp1257", "CP1257", CS_ICONV },
	{ "x-cp1258", "CP1258", CS_ICONV },
	{ "x-euc-cn", "GB18030", CS_ICONV },
	{ "x-euc-jp", "EUC-JP", CS_ICONV },
	{ "x-euc-tw", "EUC-TW", CS_ICONV },
	{ "x-gbk", "GB18030", CS_ICONV },
	{ "x-mac-ce", "MAC-CENTRALEUROPE", CS_ICONV },
	{ "x-mac-centraleurope", "MAC-CENTRALEUROPE", CS_ICONV },
	{ "x-mac-cyrillic", "MAC-CYRILLIC", CS_ICONV },
	{ "x-mac-roman", "MACINTOSH", CS_ICONV },
	{ "x-mac-ukrainian", "MACUKRAINIAN", CS_ICONV },
	{ "x-ms-cp932", "CP932", CS_ICONV },
	{ "x-sjis", "CP932", CS_ICONV },
	{ "x-unknown", NULL, CS_AUTO },
	{ "x-user-defined", NULL, CS_AUTO },
	{ "x-utf-7", "UTF-7", CS_STATEFUL },
	{ "x-utf-8", NULL, CS_AUTO },
	{ "x-windows-874", "CP874", CS_ICONV },
	{ "x-windows-949", "CP949", CS_ICONV },
	{ "x-windows-950", "CP950", CS_ICONV },
	{ "x-x-big5", "BIG5-HKSCS", CS_ICONV },
};

static int
cs_alias_cmp(const void *key, const void *elem)
{
	return (strcmp(key, ((const struct cs_alias *)elem)->name));
}

/*
 * Normalize a charset name into norm (lower case, quotes and junk after the
 * name dropped), pick how to convert it and the name to give iconv (set
 * only for CS_ICONV and CS_STATEFUL).
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
	if (a == NULL)
		return (CS_AUTO);	/* not on the allowlist */
	if (a->iconv != NULL)
		*ic = a->iconv;
	return (a->kind);
}

const char *
message_charset_alias(size_t i, const char **iconv_name)
{
	if (i >= nitems(cs_aliases))
		return (NULL);
	*iconv_name = cs_aliases[i].iconv;
	return (cs_aliases[i].name);
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

/*
 * Output room asked of the buffer for one iconv() pass: twice the input
 * left (capped, so the product cannot wrap) plus extra, which doubles while
 * a pass makes no progress at all.
 */
#define CS_ROOM_MIN	64
#define CS_ROOM_MAX	(1024 * 1024)

static size_t
cs_room(size_t il, size_t extra)
{
	return ((il < CS_ROOM_MAX ? il : CS_ROOM_MAX) * 2 + extra);
}

/*
 * Convert with iconv; a byte that does not convert becomes U+FFFD. What
 * iconv() says it consumed and produced is checked, not trusted: glibc's
 * ISO-2022-CN-EXT decoder reports EILSEQ after consuming all the input, so
 * the skip past a bad byte happens only while a byte is left. Each pass
 * consumes input or doubles the room (up to CS_ROOM_MAX), so the loop ends.
 * Input iconv cannot be trusted with is appended as utf8_or_1252 would.
 */
static void
iconv_append(struct buf *out, iconv_t cd, const char *in, size_t len)
{
	struct buf	 tmp;
	char		*ip = (char *)in, *op, *ip0, *op0, *end;
	size_t		 il = len, ol, extra = CS_ROOM_MIN;
	size_t		 r;

	buf_init(&tmp);
	iconv(cd, NULL, NULL, NULL, NULL);
	while (il > 0) {
		buf_reserve(&tmp, cs_room(il, extra));
		op0 = op = tmp.data + tmp.len;
		end = tmp.data + tmp.size - 1;
		ol = (size_t)(end - op);
		ip0 = ip;
		r = iconv(cd, &ip, &il, &op, &ol);
		if (ip < ip0 || ip > in + len || il != len - (size_t)(ip - in) ||
		    op < op0 || op > end) {
			/* iconv broke its contract: keep the rest raw. */
			utf8_or_1252(&tmp, ip0, len - (size_t)(ip0 - in));
			break;
		}
		tmp.len = (size_t)(op - tmp.data);
		tmp.data[tmp.len] = '\0';
		if (r != (size_t)-1) {
			if (ip == ip0) {	/* nothing consumed, no error */
				utf8_or_1252(&tmp, ip, il);
				break;
			}
			continue;
		}
		if (errno == E2BIG) {
			if (ip != ip0 || op != op0)
				continue;
			if (extra >= CS_ROOM_MAX) {
				utf8_or_1252(&tmp, ip, il);
				break;
			}
			extra *= 2;
			continue;
		}
		if (errno != EILSEQ && errno != EINVAL) {
			utf8_or_1252(&tmp, ip, il);
			break;
		}
		put_cp(&tmp, 0xfffd);
		if (il > 0) {
			ip++;
			il--;
		}
	}
	/* iconv's output is UTF-8, but NULs must still go. */
	utf8_or_1252(out, tmp.data != NULL ? tmp.data : "", tmp.len);
	buf_free(&tmp);
}

int
message_iconv_append(struct buf *out, const char *name, const char *in,
    size_t len)
{
	iconv_t	cd;

	if ((cd = cs_open(name)) == (iconv_t)-1)
		return (-1);
	iconv_append(out, cd, in, len);
	return (0);
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
 * Header text is one line of text: from offset from on, turn CR, LF and
 * TAB (which encoded words can carry) into spaces and drop the other C0
 * controls, DEL and C1 controls (U+0080..U+009F). b holds valid UTF-8.
 */
static void
ctl_clean(struct buf *b, size_t from)
{
	unsigned char	*u, *d, *end;

	if (b->data == NULL)
		return;
	u = d = (unsigned char *)b->data + from;
	end = (unsigned char *)b->data + b->len;
	while (u < end) {
		if (*u == '\r' || *u == '\n' || *u == '\t') {
			*d++ = ' ';
			u++;
		} else if (*u < 0x20 || *u == 0x7f)
			u++;
		else if (*u == 0xc2 && u + 1 < end && u[1] >= 0x80 &&
		    u[1] < 0xa0)
			u += 2;
		else
			*d++ = *u++;
	}
	b->len = (size_t)(d - (unsigned char *)b->data);
	b->data[b->len] = '\0';
}

/* Nonzero if the header text s holds a control ctl_clean would change. */
static int
ctl_any(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i;

	for (i = 0; i < len; i++) {
		if (u[i] < 0x20 || u[i] == 0x7f)
			return (1);
	}
	return (0);
}

/*
 * Append s (raw header text) decoded to UTF-8: encoded words decoded,
 * white space between adjacent words dropped, and the bytes of adjacent
 * words in one charset joined before conversion (a character may be split
 * across words). Malformed words stay as text. Raw 8-bit text that is not
 * UTF-8 is read in fbcs (the message's charset; NULL: Windows-1252).
 * The result is one line without controls (ctl_clean).
 */
void
message_rfc2047_append(struct buf *out, const char *s, size_t len,
    const char *fbcs)
{
	struct buf	 pend;
	char		 pendcs[MSG_CHARSET_MAX] = "", cs[MSG_CHARSET_MAX];
	const char	*end = s + len, *p = s, *text = s, *q, *t;
	size_t		 n, mark, start = out->len;
	int		 after_word = 0, gap;

	if (len < 8 || ew_find(s, s + len) == NULL) {
		message_utf8_append(out, fbcs, s, len);
		ctl_clean(out, start);
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
	ctl_clean(out, start);
}

/* Unfold and decode a raw value into a new string. */
static char *
value_decode(struct buf *tmp, const char *v, size_t len, const char *fbcs)
{
	struct buf	out;

	unfold(tmp, v, len);
	/* Most values are plain ASCII: copy them as they are. */
	if (utf8_class(buf_cstr(tmp), tmp->len) == 1 &&
	    ew_find(tmp->data, tmp->data + tmp->len) == NULL &&
	    !ctl_any(tmp->data, tmp->len))
		return (xstrndup(tmp->data, tmp->len));
	buf_init(&out);
	message_rfc2047_append(&out, buf_cstr(tmp), tmp->len, fbcs);
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
			message_rfc2047_append(out, raw.data, raw.len, fbcs);
		found = 1;
	} else if (have_plain) {
		buf_reset(out);
		message_rfc2047_append(out, buf_cstr(&plain), plain.len, fbcs);
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
		len = utf8_cut(s, len, room);
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
	(*v)[(*n)++] = message_utf8_dup(s, len);
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

static void
addrs_parse(struct walk *w, struct msg_addrs *as, const struct field *f)
{
	unfold(&w->tmp, f->value, f->valuelen);
	if (w->tmp.len == 0)
		return;
	message_addr_parse(as, w->tmp.data, w->tmp.len, w->hdrcs);
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
	r = message_utf8_dup(s, len);
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
