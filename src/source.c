/* helpq - source.c: the operations every source shares. */
#include "compat.h"

#include <stdlib.h>

#include "source.h"

int
source_next(struct source *s, struct source_item *item, char **cause)
{
	return (s->ops->next(s, item, cause));
}

int
source_mark(struct source *s, const struct source_mark *marks, size_t n,
    char **cause)
{
	if (s->ops->mark == NULL || n == 0)
		return (0);
	return (s->ops->mark(s, marks, n, cause));
}

void
source_close(struct source *s)
{
	if (s == NULL)
		return;
	s->ops->close(s);
	free(s->name);
	free(s);
}
