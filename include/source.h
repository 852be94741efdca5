/*
 * helpq - source.h: where raw messages come from. Every kind of source
 * (Maildir, mbox, stdin, IMAP) implements the same operations, so the
 * pipeline never asks which kind it has.
 */
#ifndef HELPQ_SOURCE_H
#define HELPQ_SOURCE_H

#include "compat.h"

#include <signal.h>
#include <time.h>

struct source;

/* One message handed out by a source; valid until the next call of next. */
struct source_item {
	const char	*data;
	size_t		 len;
	const char	*where;		/* file name, "mbox:offset", "stdin" */
	uint32_t	 uidvalidity;	/* IMAP only, else 0 */
	uint32_t	 uid;		/* IMAP only, else 0 */
	int		 history;	/* there before helpq first looked */
	time_t		 arrived;	/* the server's or file's time (IMAP
					   INTERNALDATE, file mtime); 0 none */
	int		 archive;	/* a file of past mail (Maildir, mbox,
					   .eml): its Date may say when */
};

struct source_ops {
	const char	*name;
	/* 0 and *item set; 1 at the end; -1 with *cause on error. */
	int		(*next)(struct source *, struct source_item *item,
			    char **cause);
	/* Everything handed out so far is committed: mark it processed. */
	int		(*mark)(struct source *, char **cause);
	void		(*close)(struct source *);
};

struct source {
	const struct source_ops	*ops;
	char			*name;		/* mailbox name for the store */
	size_t			 total;		/* messages, when known, else 0 */
	void			*priv;
};

/*
 * Open path as a local source: a Maildir (a directory with cur/ and new/),
 * an mbox file, or "-" for one message on standard input. An mbox is held
 * locked (fcntl read lock, and a dotlock FILE.lock where the directory
 * allows) until source_close. Returns 0, 2 when another program keeps the
 * mbox locked (try again later), or -1; *cause set for both. Close with
 * source_close.
 */
int	 source_local_open(const char *path, struct source **sp,
	    char **cause);

/*
 * Open the new messages of an IMAP folder (after the UID the store has
 * for it; all of it at first contact or after a UIDVALIDITY change) as a
 * source, recording first contact in the store unless dry_run. Handing
 * out stops early once *stop is set. Returns 0, 1 when the server has no
 * such folder, or -1; *cause set for both.
 */
struct config_imap;
struct imap;
struct store;
int	 source_imap_open(struct imap *, struct store *,
	    const struct config_imap *, const char *folder, int dry_run,
	    volatile sig_atomic_t *stop, struct source **sp, char **cause);

/*
 * An IMAP source hands out rounds bounded by [imap] commit-count,
 * commit-size and commit-time: at the end of a round next says the end.
 * The caller commits what it got, sets keywords, and calls
 * source_imap_more: 1 when the folder has more (the next round starts),
 * 0 when it is done.
 */
int	 source_imap_more(struct source *);

int	 source_next(struct source *, struct source_item *, char **cause);
int	 source_mark(struct source *, char **cause);
void	 source_close(struct source *);

#endif
