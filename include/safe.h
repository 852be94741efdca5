/*
 * helpq - safe.h: text from mail made safe for a terminal. Every field
 * from mail that helpq prints as text (names, addresses, subjects, tags,
 * queues, attachment names, snippets, event details, bodies) and every
 * line it logs to stderr goes through here, so a message cannot set the
 * window title, colours or the cursor of the agent reading it.
 */
#ifndef HELPQ_SAFE_H
#define HELPQ_SAFE_H

#include "compat.h"

struct buf;
struct json_t;

/* Keep newlines and tabs (a body, a log line); else each is one blank. */
#define SAFE_LINES	0x1

/*
 * Append s to b with every C0 control (but newline and tab, see
 * SAFE_LINES; a CR before a newline goes), DEL, C1 control (U+0080 to
 * U+009F, which some terminals take as ESC sequences), bidirectional
 * embedding, override and isolate (U+202A to U+202E, U+2066 to U+2069,
 * which can make one address read as another) and every byte that is not
 * UTF-8 replaced by '?'. NULL appends nothing.
 */
void	 safe_add(struct buf *b, const char *s, int flags);

/* The same as a new string (the caller frees it); NULL gives "(null)". */
char	*safe_dup(const char *s, int flags);

/*
 * s as a new JSON string (the caller owns the reference), null for NULL.
 * jansson refuses text that is not UTF-8: such text (the store never has
 * it, but a describer may be handed raw rule text) becomes U+FFFD.
 */
struct json_t	*safe_json(const char *s);

#endif
