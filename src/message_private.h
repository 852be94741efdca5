/*
 * helpq - message_private.h: internals shared by message.c,
 * message_addr.c and message_html.c.
 */
#ifndef HELPQ_MESSAGE_PRIVATE_H
#define HELPQ_MESSAGE_PRIVATE_H

#include "compat.h"

struct buf;
struct msg_addrs;

/* Addresses kept per field. */
#define MSG_ADDRS_MAX	1000

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

#endif
