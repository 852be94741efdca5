/*
 * helpq - outbox_private.h: the outbox handle that outbox.c makes and
 * notify.c (templates, the breaker's one warning) and deliver.c (the
 * send lock) read.
 */
#ifndef HELPQ_OUTBOX_PRIVATE_H
#define HELPQ_OUTBOX_PRIVATE_H

struct config;
struct templates;

/* conf is borrowed; tpl and lockpath are owned. */
struct outbox {
	const struct config	*conf;
	struct templates	*tpl;		/* NULL: nothing is sent */
	char			*lockpath;	/* held while sending */
	int			 breaker_said;	/* the cap was logged */
};

#endif
