/*
 * helpq - rules_verdict.c: what the rules decided about a message, kept
 * and freed here.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "rules_private.h"
#include "xmalloc.h"

void
rules_verdict_clear(struct rules_verdict *v)
{
	size_t	i;

	xfreev(v->tags_add, v->ntags_add);
	xfreev(v->tags_remove, v->ntags_remove);
	free(v->queue);
	free(v->assignee);
	free(v->ack_template);
	xfreev(v->escalate, v->nescalate);
	xfreev(v->notes, v->nnotes);
	for (i = 0; i < v->nfields; i++) {
		free(v->fields[i].name);
		free(v->fields[i].value);
	}
	free(v->fields);
	free(v->fired);
	for (i = 0; i < v->nlimited; i++)
		free(v->limited[i].error);
	free(v->limited);
	memset(v, 0, sizeof *v);
}
