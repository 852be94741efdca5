/* helpq - safe.c: text from mail made safe for a terminal. */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "safe.h"
#include "xmalloc.h"

/*
 * The length of the UTF-8 character at p (1 to 4) with its code point in
 * *cp, or 0 when the bytes there are not UTF-8 (overlong forms and
 * surrogates included).
 */
static size_t
safe_utf8(const unsigned char *p, uint32_t *cp)
{
	size_t		n, i;
	uint32_t	c, min;

	if (p[0] < 0x80) {
		*cp = p[0];
		return (1);
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2, c = p[0] & 0x1f, min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3, c = p[0] & 0x0f, min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4, c = p[0] & 0x07, min = 0x10000;
	} else
		return (0);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)	/* the NUL stops here too */
			return (0);
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	*cp = c;
	return (n);
}

/* A code point a terminal or a bidi algorithm would act on. */
static int
safe_is_control(uint32_t c)
{
	return (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069));
}

void
safe_add(struct buf *b, const char *s, int flags)
{
	const unsigned char	*p = (const unsigned char *)s;
	uint32_t		 c;
	size_t			 n;

	if (s == NULL)
		return;
	while (*p != '\0') {
		if ((n = safe_utf8(p, &c)) == 0) {
			buf_addc(b, '?');
			p++;
			continue;
		}
		if (c == '\n' || c == '\t')
			buf_addc(b, (flags & SAFE_LINES) ? (char)c : ' ');
		else if (c == '\r')
			buf_adds(b, p[1] == '\n' && (flags & SAFE_LINES) ? "" :
			    " ");
		else if (safe_is_control(c))
			buf_addc(b, '?');
		else
			buf_add(b, p, n);
		p += n;
	}
}

char *
safe_dup(const char *s, int flags)
{
	struct buf	b;

	if (s == NULL)
		return (xstrdup("(null)"));
	buf_init(&b);
	safe_add(&b, s, flags);
	return (buf_steal(&b, NULL));
}
