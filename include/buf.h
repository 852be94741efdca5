/* helpq - buf.h: a growable byte buffer for mail bytes and text. */
#ifndef HELPQ_BUF_H
#define HELPQ_BUF_H

#include "compat.h"

#include <stdarg.h>
#include <stdio.h>

/*
 * data is always NUL-terminated once anything was added (the NUL is not
 * counted in len). A zeroed struct buf is a valid empty buffer.
 */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 size;
};

void	 buf_init(struct buf *);
void	 buf_free(struct buf *);		/* frees data, leaves it empty */
void	 buf_reset(struct buf *);		/* len = 0, keeps the memory */
void	 buf_reserve(struct buf *, size_t);	/* room for n more bytes */
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_addc(struct buf *, char);
void	 buf_adds(struct buf *, const char *);
void	 buf_addf(struct buf *, const char *, ...) __printflike(2, 3);
/*
 * Append the rest of f, at most max bytes in all. Returns 0, 1 when f
 * holds more than max (the buffer then holds more than max too: no use
 * but to say so), or -1 on a read error (errno set).
 */
int	 buf_read(struct buf *, FILE *f, size_t max);
/* Returns data (never NULL, "" when empty); the buffer still owns it. */
const char *buf_cstr(struct buf *);
/* Hands data to the caller (who frees it) and leaves the buffer empty. */
char	*buf_steal(struct buf *, size_t *lenp);

#endif
