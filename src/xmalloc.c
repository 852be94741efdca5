/* helpq - xmalloc.c: allocation wrappers that stop on exhausted memory. */
#include "compat.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <stdint.h>

#include "log.h"
#include "xmalloc.h"

/*
 * No object is larger than PTRDIFF_MAX (malloc refuses, and pointer
 * differences would be undefined): a bigger request is a size computation
 * that wrapped, reported as such.
 */
#define XMALLOC_MAX	((size_t)PTRDIFF_MAX)

void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		size = 1;
	if (size > XMALLOC_MAX)
		fatalx("allocation overflow: %zu bytes", size);
	if ((p = malloc(size)) == NULL)
		fatalx("out of memory allocating %zu bytes", size);
	return (p);
}

void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if (n > XMALLOC_MAX / size)
		fatalx("allocation overflow: %zu * %zu", n, size);
	if ((p = calloc(n, size)) == NULL)
		fatalx("out of memory allocating %zu * %zu bytes", n, size);
	return (p);
}

void *
xreallocarray(void *old, size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		n = size = 1;
	if (n > XMALLOC_MAX / size)
		fatalx("allocation overflow: %zu * %zu", n, size);
	if ((p = realloc(old, n * size)) == NULL)
		fatalx("out of memory allocating %zu * %zu bytes", n, size);
	return (p);
}

char *
xstrdup(const char *s)
{
	return (xstrndup(s, strlen(s)));
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;
	size_t	 len;

	len = strnlen(s, n);
	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return (p);
}

int
xvasprintf(char **out, const char *fmt, va_list ap)
{
	int	n;

	if ((n = vasprintf(out, fmt, ap)) < 0)
		fatalx("out of memory formatting a string");
	return (n);
}

int
xasprintf(char **out, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	va_start(ap, fmt);
	n = xvasprintf(out, fmt, ap);
	va_end(ap);
	return (n);
}

char *
xprintf(const char *fmt, ...)
{
	va_list	 ap;
	char	*s;

	va_start(ap, fmt);
	xvasprintf(&s, fmt, ap);
	va_end(ap);
	return (s);
}

void
xfreev(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
