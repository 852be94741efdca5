/* helpq - safe.c: text from mail made safe for a terminal. */
#include "compat.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "safe.h"
#include "utf8.h"
#include "xmalloc.h"

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
	const char	*p = s, *end;
	uint32_t	 c;
	size_t		 n;

	if (s == NULL)
		return;
	for (end = s + strlen(s); p < end; p += n) {
		if ((n = utf8_decode(p, (size_t)(end - p), &c)) == 0) {
			buf_addc(b, '?');
			n = 1;
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

json_t *
safe_json(const char *s)
{
	json_t	*j;

	if (s == NULL)
		return (json_null());
	if ((j = json_string(s)) == NULL)
		j = json_string("\xef\xbf\xbd");
	return (j);
}
