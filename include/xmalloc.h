/* helpq - xmalloc.h: allocation that never returns NULL (fatalx on OOM). */
#ifndef HELPQ_XMALLOC_H
#define HELPQ_XMALLOC_H

#include "compat.h"

#include <stdarg.h>

/* Every function returns memory the caller frees with free(). */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...) __printflike(2, 3);
int	 xvasprintf(char **, const char *, va_list) __printflike(2, 0);
/* Free the n strings of v, then v (an array from xreallocarray). */
void	 xfreev(char **v, size_t n);
/* xasprintf into a returned string. */
char	*xprintf(const char *, ...) __printflike(1, 2);

#endif
