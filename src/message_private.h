/*
 * helpq - message_private.h: internals shared by the files of the message
 * module: message.c (the model), message_header.c, message_mime.c,
 * message_date.c, message_addr.c, message_html.c and charset.c.
 */
#ifndef HELPQ_MESSAGE_PRIVATE_H
#define HELPQ_MESSAGE_PRIVATE_H

#include "compat.h"

#include <string.h>
#include <strings.h>

#include "buf.h"

struct message;
struct msg_addrs;

/* Addresses kept per field. */
#define MSG_ADDRS_MAX	1000

#define MSG_CHARSET_MAX	64		/* longest charset name */

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

/* State of one message_parse() call (message.c starts it). */
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

/* Small helpers every message file uses. */

/* Copy src into dst of size bytes, cutting if needed (no strlcpy here). */
static inline void
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

static inline int
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
static inline void
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

static inline int
ncase_eq(const char *s, size_t len, const char *lit)
{
	return (strlen(lit) == len && strncasecmp(s, lit, len) == 0);
}

static inline void
lower_ascii(char *s)
{
	for (; *s != '\0'; s++)
		*s = lc((unsigned char)*s);
}


/* HTML longer than this is cut before it reaches the HTML parser. */
#define MESSAGE_HTML_MAX	(16 * 1024 * 1024)

/*
 * Append readable text for len bytes of UTF-8 HTML to out: block elements
 * end lines, <li> becomes "- ", links keep their target as " <url>",
 * script/style/head are dropped, white space is collapsed. The appended
 * text is valid UTF-8 without NUL bytes. Returns the number of bytes
 * appended.
 */
size_t	 message_html_text(const char *html, size_t len, struct buf *out);

/*
 * Append len bytes in charset (NULL or "" for unknown) to out as UTF-8,
 * with NUL bytes and undecodable input replaced by U+FFFD.
 */
void	 message_utf8_append(struct buf *out, const char *charset,
	    const char *in, size_t len);

/*
 * Append len bytes converted by iconv from the charset iconv calls name,
 * with no allowlist in between: what does not convert becomes U+FFFD, and
 * the result is valid UTF-8 without NUL. Returns -1, appending nothing,
 * when iconv does not know name. Mail goes through message_utf8_append;
 * this is for the tests and the fuzzer, which try every charset iconv has.
 */
int	 message_iconv_append(struct buf *out, const char *name,
	    const char *in, size_t len);

/*
 * The i-th entry of the charset allowlist, in its sorted order: the label
 * (lower case) and in *iconv_name the name iconv gets, NULL for labels
 * decoded without iconv. NULL past the end. Not copied.
 */
const char *message_charset_alias(size_t i, const char **iconv_name);

/*
 * Append s (raw header text) decoded to UTF-8: encoded words decoded,
 * white space between adjacent words dropped, and the bytes of adjacent
 * words in one charset joined before conversion (a character may be split
 * across words). Malformed words stay as text. Raw 8-bit text that is not
 * UTF-8 is read in fbcs (the message's charset; NULL: Windows-1252).
 */
void	 message_rfc2047_append(struct buf *out, const char *s, size_t len,
	    const char *fbcs);

/* A copy of n raw bytes made valid UTF-8 (Windows-1252 where they are
 * not UTF-8). Allocated; the caller frees. */
char	*message_utf8_dup(const char *s, size_t n);

/*
 * Append the mailboxes of an unfolded address-list value (s, len bytes)
 * to as, at most MSG_ADDRS_MAX in all; groups are flattened, names
 * RFC 2047-decoded with fbcs for raw 8-bit text (NULL: Windows-1252).
 * Never fails: what cannot be read is left out (message_addr.c says
 * what is read and what is refused). The strings added are allocated
 * and freed with the message.
 */
void	 message_addr_parse(struct msg_addrs *as, const char *s, size_t len,
	    const char *fbcs);

/* ---- message_header.c ---- */

/* Unfold a value into out: each line break and the blanks after it
 * become one space; both ends are trimmed. At most MSG_VALUE_MAX bytes. */
void	 message_unfold(struct buf *out, const char *v, size_t len);

/*
 * Read the field at *pp. Returns 1 with f set, or 0 at the end of the
 * header block, with *pp at the body.
 */
int	 message_field_next(const char **pp, const char *end, struct field *f);

/* Unfold and decode a raw value into a new string (the caller frees);
 * tmp is scratch. */
char	*message_value_decode(struct buf *tmp, const char *v, size_t len,
	    const char *fbcs);

/*
 * Find parameter want in the unfolded header value hv and put it, decoded
 * to UTF-8, in out (RFC 2231 and RFC 2047 forms). Returns 1 if found.
 */
int	 message_param_find(const char *hv, size_t len, const char *want,
	    struct buf *out, const char *fbcs);

/* Read an entity's header block (len bytes at s; deftype when it names no
 * Content-Type); message_entity_free frees what it holds, not e. */
void	 message_entity_init(struct entity *e, const char *s, size_t len,
	    const char *deftype);
void	 message_entity_free(struct entity *e);

/* The address in a Return-Path field f: "" for <>; allocated, freed with
 * the message. */
char	*message_return_path(struct walk *w, const struct field *f);

/* Take one top-level header field f into the message w builds. */
void	 message_header_field(struct walk *w, const struct field *f);

/* ---- message_mime.c ---- */

/* Base64 values of the bytes; -1 outside the alphabet. */
extern const signed char message_b64_val[256];

/* Base64-decode n bytes at s into out (NULL: only count); returns the
 * decoded length. */
size_t	 message_b64_decode(struct buf *out, const char *s, size_t n);

/* Walk the MIME entity of len bytes at s, depth levels down: its text
 * into the body (W_TEXT), its attachments listed (W_ATT). */
void	 message_walk_entity(struct walk *w, const char *s, size_t len,
	    const char *deftype, int depth, int flags);

/* ---- charset.c ---- */

/* 0: not valid UTF-8 (or holds a NUL), 1: plain ASCII, 2: valid UTF-8
 * with non-ASCII characters. */
int	 message_utf8_class(const char *s, size_t n);

#endif
