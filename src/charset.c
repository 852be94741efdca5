/*
 * helpq - charset.c: text in the charsets mail is written in, to UTF-8:
 * the allowlist of charset labels, the iconv cache and the Windows-1252
 * fallback. Part of the message module (message_private.h).
 */
#include "compat.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "message.h"
#include "message_private.h"
#include "utf8.h"

#define MSG_CACHE_SIZE	16		/* iconv descriptors kept open */

/* Windows-1252 0x80-0x9f; the five undefined bytes become U+FFFD. */
static const uint16_t cp1252_c1[32] = {
	0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd,
	0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
};

/* ---- UTF-8 ---- */

/*
 * Check s: returns 0 if it is not valid UTF-8 (or holds a NUL), 1 if it is
 * plain ASCII, 2 if it is valid UTF-8 with non-ASCII characters.
 */
int
message_utf8_class(const char *s, size_t n)
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
	if (kind == CS_AUTO || (kind != CS_STATEFUL &&
	    message_utf8_class(in, len))) {
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
