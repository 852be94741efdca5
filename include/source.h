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

/*
 * What the store made of one message handed out (committed already), for
 * the source to show at its end: the ticket's number and tags as IMAP
 * keywords, its queue as a folder. Strings are borrowed for the call.
 */
struct source_mark {
	uint32_t	 uid;
	int64_t		 ticket;	/* -1: set aside as failed */
	const char	*queue;		/* NULL: none */
	char *const	*tags;
	size_t		 ntags;
	const int64_t	*aliases;	/* numbers merged into ticket */
	size_t		 naliases;
};

struct source_ops {
	const char	*name;
	/* 0 and *item set; 1 at the end; -1 with *cause on error. */
	int		(*next)(struct source *, struct source_item *item,
			    char **cause);
	/* marks[0..n) are committed: mark them processed at the source
	 * (NULL: the source keeps no mark). */
	int		(*mark)(struct source *,
			    const struct source_mark *marks, size_t n,
			    char **cause);
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
 * An IMAP folder's saved state, which the caller keeps (the store) and
 * hands to source_imap_open: UIDVALIDITY, the highest UID stored, the
 * first UID that is not history.
 */
struct source_imap_state {
	int		 known;		/* 0: never seen (first contact) */
	uint32_t	 uidvalidity;
	uint32_t	 last_uid;
	uint32_t	 history_uid;
	time_t		 updated;
};

/* What source_imap_open found. */
enum source_imap_open_result {
	SOURCE_IMAP_OPEN_ERROR = -1,	/* *cause set */
	SOURCE_IMAP_OPEN_OK = 0,
	SOURCE_IMAP_OPEN_NO_FOLDER = 1	/* the server has none; *cause set */
};

/*
 * Open the new messages of an IMAP folder (after state's last UID; all of
 * it at first contact or after a UIDVALIDITY change) as a source. When
 * the folder's state must change first (first contact, a new
 * UIDVALIDITY), *state is replaced and *changed set: the caller saves it
 * before it stores any message. Handing out stops early once *stop is
 * set. Marks set keywords and move messages as [imap] says.
 */
struct config_imap;
struct imap;
enum source_imap_open_result source_imap_open(struct imap *,
	    const struct config_imap *, const char *folder,
	    struct source_imap_state *state, int *changed,
	    volatile sig_atomic_t *stop, struct source **sp, char **cause);

/*
 * An IMAP source hands out rounds bounded by [imap] commit-count,
 * commit-size and commit-time: at the end of a round next says the end.
 * The caller commits what it got, marks it, and calls
 * source_imap_more: 1 when the folder has more (the next round starts),
 * 0 when it is done.
 */
int	 source_imap_more(struct source *);

/*
 * The next message: 0 with *item set (valid until the next call), 1 at
 * the end (of the source or of an IMAP round), -1 with *cause allocated
 * (the caller frees it).
 */
int	 source_next(struct source *, struct source_item *, char **cause);
/*
 * Only after marks[0..n) are committed: mark them processed at the
 * source (IMAP keywords, moves). Marking twice changes nothing, so a
 * crash before the caller records the marks repeats them. A source that
 * keeps no mark returns 0. Returns 0, or -1 with *cause allocated.
 */
int	 source_mark(struct source *, const struct source_mark *marks,
	    size_t n, char **cause);
/* Close and free src (NULL is fine). */
void	 source_close(struct source *);

#endif
