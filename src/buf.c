/* helpq - buf.c: growable byte buffer. */
#include "compat.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "xmalloc.h"

void
buf_init(struct buf *b)
{
	memset(b, 0, sizeof *b);
}

void
buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/*
 * A buffer never grows past PTRDIFF_MAX: pointer differences into it must
 * stay defined, and a request that large is a size computation that
 * wrapped, which must stop here with its figures rather than reach malloc.
 */
#define BUF_SIZE_MAX	((size_t)PTRDIFF_MAX)

void
buf_reserve(struct buf *b, size_t n)
{
	size_t	want;

	if (b->len >= BUF_SIZE_MAX || n > BUF_SIZE_MAX - b->len - 1)
		fatalx("buffer size overflow: %zu more bytes after %zu", n,
		    b->len);
	want = b->len + n + 1;
	if (want <= b->size)
		return;
	if (b->size == 0)
		b->size = 256;
	while (b->size < want)
		b->size = b->size > BUF_SIZE_MAX / 2 ? want : b->size * 2;
	b->data = xreallocarray(b->data, 1, b->size);
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n != 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("buf_addf: bad format");
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

const char *
buf_cstr(struct buf *b)
{
	if (b->data == NULL)
		buf_reserve(b, 0), b->data[0] = '\0';
	return (b->data);
}

char *
buf_steal(struct buf *b, size_t *lenp)
{
	char	*p;

	buf_cstr(b);
	p = b->data;
	if (lenp != NULL)
		*lenp = b->len;
	buf_init(b);
	return (p);
}

int
buf_read(struct buf *b, FILE *f, size_t max)
{
	char	chunk[65536];
	size_t	n;

	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		buf_add(b, chunk, n);
		if (b->len > max)
			return (1);
	}
	return (ferror(f) ? -1 : 0);
}
