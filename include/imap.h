/*
 * helpq - imap.h: one IMAP connection (libetpan): TLS with our own
 * certificate check, login, and the few commands helpq needs. A
 * connection is used by one thread at a time.
 */
#ifndef HELPQ_IMAP_H
#define HELPQ_IMAP_H

#include "compat.h"

#include <signal.h>
#include <time.h>

struct config_imap;
struct imap;

/* What kind of failure imap_open met (the program maps it to an exit
 * status). */
enum imap_fail {
	IMAP_FAIL_TEMP,			/* network, server down: try later */
	IMAP_FAIL_AUTH,			/* wrong password or token */
	IMAP_FAIL_CONFIG,		/* certificate, host name, secret */
	IMAP_FAIL_PROTOCOL		/* the server said something odd */
};

/*
 * Connect, verify the server's certificate and host name (before any
 * credential is sent), log in. Returns 0 with *ip set, or -1 with *cause
 * (allocated) and *fail saying what kind of failure it was.
 */
int	 imap_open(const struct config_imap *, struct imap **ip,
	    enum imap_fail *fail, char **cause);
/* Log out (if still connected) and free. NULL is fine. */
void	 imap_close(struct imap *);

/* What SELECT says of a folder. */
struct imap_folder {
	uint32_t	 uidvalidity;
	uint32_t	 uidnext;
	uint32_t	 exists;
	int		 readonly;	/* [READ-ONLY]: we may not change it */
};

/* Select folder for reading and flag changes. 1: no such folder. */
int	 imap_select(struct imap *, const char *folder,
	    struct imap_folder *, char **cause);

/* One message of a folder as listed before fetching. */
struct imap_entry {
	uint32_t	 uid;
	uint32_t	 size;		/* RFC822.SIZE */
	time_t		 internal;	/* INTERNALDATE, UTC */
};

/*
 * The messages of the selected folder with UID > after, in UID order:
 * *vp (allocated; the caller frees) with *np entries.
 */
int	 imap_list(struct imap *, uint32_t after, struct imap_entry **vp,
	    size_t *np, char **cause);

/*
 * Fetch the messages uids[0..n) of the selected folder without setting
 * \Seen (the header only if headers_only), calling fn for each with its
 * bytes (valid during the call). fn returning non-zero stops (not an
 * error). A UID the server no longer has is skipped.
 */
typedef int (*imap_msg_fn)(uint32_t uid, const char *data, size_t len,
    void *arg);
int	 imap_fetch(struct imap *, const uint32_t *uids, size_t n,
	    int headers_only, imap_msg_fn fn, void *arg, char **cause);

/* Add keywords to messages uids[0..nuids) of the selected folder (in
 * one command), or remove them (add 0); either is idempotent. */
int	 imap_store_keywords(struct imap *, const uint32_t *uids,
	    size_t nuids, char *const *keywords, size_t n, int add,
	    char **cause);

/*
 * Move one message to folder (created if missing): UID MOVE when the
 * server has it, else COPY, \Deleted and UID EXPUNGE. *newuid is its UID
 * there when the server says (UIDPLUS), else 0.
 */
int	 imap_move(struct imap *, uint32_t uid, const char *folder,
	    uint32_t *newuid, char **cause);

/* Append len bytes of message to folder as \Seen (our own sent mail). */
int	 imap_append(struct imap *, const char *folder, const char *raw,
	    size_t len, char **cause);

/*
 * Wait in IDLE (if use_idle and the server has it; else sleep) until the selected folder has
 * news, timeout seconds pass or *stop becomes non-zero. Returns 1 on
 * news, 0 otherwise, -1 on a broken connection.
 */
int	 imap_wait(struct imap *, int use_idle, int timeout,
	    volatile sig_atomic_t *stop, char **cause);

/*
 * An IMAP keyword for a tag: prefix + the tag with characters IMAP does
 * not allow in an atom replaced by '_'. Allocated; the caller frees.
 */
char	*imap_keyword(const char *prefix, const char *tag);

#endif
