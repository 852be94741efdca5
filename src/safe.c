/* helpq - safe.c: text from mail made safe for a terminal. */
#include "compat.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "safe.h"
#include "utf8.h"
#include "xmalloc.h"

void
safe_add(struct buf *b, const char *s, int flags)
{
	size_t	len;

	if (s == NULL)
		return;
	/* The clean copy is never longer than s. */
	len = strlen(s);
	buf_reserve(b, len + 1);
	b->len += utf8_terminal(b->data + b->len, s, len,
	    (flags & SAFE_LINES) != 0);
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
