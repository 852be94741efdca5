/*
 * helpq - source_imap.c: the new messages of one IMAP folder as a source.
 * The folder's state (UIDVALIDITY, the highest stored UID) lives in the
 * store and advances in the transaction that stores the messages, so a
 * crash at any point repeats work and never skips or doubles a message.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "config.h"
#include "imap.h"
#include "log.h"
#include "source.h"
#include "store.h"
#include "xmalloc.h"

/* A batch is fetched in one command: at most this many bytes of it. */
#define SOURCE_IMAP_BATCH_BYTES	(32u << 20)

struct imap_held {
	uint32_t	 uid;
	char		*data;
	size_t		 len;
};

struct source_imap {
	struct imap		*im;
	const struct config_imap *conf;
	char			*folder;
	struct mailbox_state	 state;
	struct imap_entry	*entries;	/* to fetch, in UID order */
	size_t			 nentries;
	size_t			 next;		/* first not yet fetched */
	size_t			 batch;		/* first of the held batch */
	struct imap_held	*held;		/* the fetched batch */
	size_t			 nheld;
	size_t			 given;		/* of held, handed out */
	volatile sig_atomic_t	*stop;
	/* This round (source_imap_more): handed out, and since when. */
	unsigned		 round_count;
	size_t			 round_bytes;
	time_t			 round_start;
	int			 paused;	/* the round is full */
};

static void
held_clear(struct source_imap *si)
{
	size_t	i;

	for (i = 0; i < si->nheld; i++)
		free(si->held[i].data);
	si->nheld = 0;
	si->given = 0;
}

static int
held_add(uint32_t uid, const char *data, size_t len, void *arg)
{
	struct source_imap	*si = arg;
	struct imap_held	*h;

	h = &si->held[si->nheld++];
	h->uid = uid;
	h->data = xmalloc(len + 1);
	memcpy(h->data, data, len);
	h->data[len] = '\0';
	h->len = len;
	return (0);
}

/* Too large to fetch whole: the header, marked so nobody is misled. */
static int
held_truncate(uint32_t uid, const char *data, size_t len, void *arg)
{
	struct source_imap	*si = arg;
	struct buf		 b;
	struct imap_held	*h;
	size_t			 i;

	for (i = si->next; i < si->nentries && si->entries[i].uid != uid; i++)
		;
	buf_init(&b);
	buf_addf(&b, "X-Helpq-Truncated: the body of this message (%u bytes) "
	    "was not fetched: it is larger than max-size\r\n",
	    i < si->nentries ? si->entries[i].size : 0);
	buf_add(&b, data, len);
	h = &si->held[si->nheld++];
	h->uid = uid;
	h->len = b.len;
	h->data = buf_steal(&b, NULL);
	log_warnx("%s UID %u: %u bytes, over max-size: only its header is "
	    "stored", si->folder, uid, i < si->nentries ?
	    si->entries[i].size : 0);
	return (0);
}

/* Fetch the next batch: by count and bytes, a too-large message alone. */
static int
source_imap_fill(struct source_imap *si, char **cause)
{
	const struct imap_entry	*e = &si->entries[si->next];
	uint32_t		*uids;
	size_t			 n = 0, bytes = 0;
	int			 rc;

	held_clear(si);
	si->batch = si->next;
	uids = xreallocarray(NULL, si->conf->batch, sizeof *uids);
	if (si->conf->max_size != 0 && e->size > si->conf->max_size) {
		uids[n++] = e->uid;
		si->held = xreallocarray(si->held, 1, sizeof *si->held);
		rc = imap_fetch(si->im, uids, n, 1, held_truncate, si, cause);
	} else {
		while (si->next + n < si->nentries && n < si->conf->batch) {
			e = &si->entries[si->next + n];
			if (n > 0 && (bytes + e->size > SOURCE_IMAP_BATCH_BYTES ||
			    (si->conf->max_size != 0 &&
			    e->size > si->conf->max_size)))
				break;
			bytes += e->size;
			uids[n++] = e->uid;
		}
		si->held = xreallocarray(si->held, n, sizeof *si->held);
		rc = imap_fetch(si->im, uids, n, 0, held_add, si, cause);
	}
	free(uids);
	si->next += n;
	return (rc);
}

/* The round is full: by count, bytes or time, whichever comes first. */
static int
source_imap_round_full(struct source_imap *si)
{
	const struct config_imap	*c = si->conf;

	if (si->round_count == 0)
		return (0);
	if (c->commit_count != 0 && si->round_count >= c->commit_count)
		return (1);
	if (c->commit_size != 0 && si->round_bytes >= c->commit_size)
		return (1);
	return (c->commit_time != 0 &&
	    time(NULL) - si->round_start >= c->commit_time);
}

static int
source_imap_next(struct source *src, struct source_item *item, char **cause)
{
	struct source_imap	*si = src->priv;
	struct imap_held	*h;
	size_t			 i;

	if (si->paused || source_imap_round_full(si)) {
		si->paused = 1;
		return (1);
	}
	while (si->given == si->nheld) {
		if (*si->stop || si->next == si->nentries)
			return (1);
		if (source_imap_fill(si, cause) != 0)
			return (-1);
	}
	h = &si->held[si->given++];
	si->round_count++;
	si->round_bytes += h->len;
	memset(item, 0, sizeof *item);
	item->data = h->data;
	item->len = h->len;
	item->where = si->folder;
	item->uidvalidity = si->state.uidvalidity;
	item->uid = h->uid;
	for (i = si->batch; i < si->next; i++) {
		if (si->entries[i].uid == h->uid)
			break;
	}
	/* The server's arrival time, not the sender's Date, sets the clock. */
	if (i < si->next)
		item->arrived = si->entries[i].internal;
	if (h->uid < si->state.history_uid) {
		item->history = 1;
		/* Since the start date it counts as new after all. */
		if (si->conf->start == CONFIG_START_DATE && i < si->next &&
		    si->entries[i].internal >= si->conf->start_date)
			item->history = 0;
	}
	return (0);
}

static int
source_imap_mark(struct source *src, char **cause)
{
	/* Done already: the store advanced the folder with each message. */
	return (0);
}

int
source_imap_more(struct source *src)
{
	struct source_imap	*si = src->priv;

	if (!si->paused)
		return (0);
	si->paused = 0;
	si->round_count = 0;
	si->round_bytes = 0;
	si->round_start = time(NULL);
	/* The progress line counted the whole folder already. */
	src->total = 0;
	return (1);
}

static void
source_imap_close(struct source *src)
{
	struct source_imap	*si = src->priv;

	held_clear(si);
	free(si->held);
	free(si->entries);
	free(si->folder);
	free(si);
}

static const struct source_ops source_imap_ops = {
	"imap",
	source_imap_next,
	source_imap_mark,
	source_imap_close
};

/* Save st for folder in a transaction of its own (unless dry). */
static int
source_imap_save(struct store *st, const char *folder,
    const struct mailbox_state *ms, int dry_run, char **cause)
{
	if (dry_run)
		return (0);
	if (store_begin(st, cause) != 0)
		return (-1);
	if (store_mailbox_set(st, folder, ms, cause) != 0) {
		store_rollback(st);
		return (-1);
	}
	return (store_commit(st, cause));
}

int
source_imap_open(struct imap *im, struct store *st,
    const struct config_imap *conf, const char *folder, int dry_run,
    volatile sig_atomic_t *stop, struct source **sp, char **cause)
{
	struct source_imap	*si;
	struct source		*src;
	struct imap_folder	 f;
	struct mailbox_state	 ms;
	int			 r;

	*sp = NULL;
	if ((r = imap_select(im, folder, &f, cause)) == 1) {
		*cause = xprintf("no folder \"%s\" on the server", folder);
		return (1);
	}
	if (r != 0)
		return (-1);
	if ((r = store_mailbox_get(st, folder, &ms, cause)) == -1)
		return (-1);
	if (r == 1) {
		/* First contact: what is there now is history. */
		memset(&ms, 0, sizeof ms);
		ms.uidvalidity = f.uidvalidity;
		ms.history_uid = conf->start == CONFIG_START_ALL ? 0 :
		    f.uidnext;
		ms.updated = time(NULL);
		log_info("%s: first contact (%u messages; %s)", folder,
		    f.exists, conf->start == CONFIG_START_ALL ? "all of them "
		    "count as new" : "recorded without acknowledgement");
		if (source_imap_save(st, folder, &ms, dry_run, cause) != 0)
			return (-1);
	} else if (ms.uidvalidity != f.uidvalidity) {
		/* Every UID changed meaning: read it all again; the store
		 * recognises what it has. */
		log_warnx("%s: UIDVALIDITY changed from %u to %u: reading the "
		    "folder again", folder, ms.uidvalidity, f.uidvalidity);
		memset(&ms, 0, sizeof ms);
		ms.uidvalidity = f.uidvalidity;
		ms.updated = time(NULL);
		if (source_imap_save(st, folder, &ms, dry_run, cause) != 0)
			return (-1);
	}

	si = xcalloc(1, sizeof *si);
	si->im = im;
	si->conf = conf;
	si->folder = xstrdup(folder);
	si->state = ms;
	si->stop = stop;
	si->round_start = time(NULL);
	/* Nothing new costs one SELECT: no listing at all. */
	if (f.uidnext == 0 || f.uidnext - 1 > ms.last_uid) {
		if (imap_list(im, ms.last_uid, &si->entries, &si->nentries,
		    cause) != 0) {
			free(si->folder);
			free(si);
			return (-1);
		}
	}
	src = xcalloc(1, sizeof *src);
	src->ops = &source_imap_ops;
	src->name = xstrdup(folder);
	src->total = si->nentries;
	src->priv = si;
	*sp = src;
	return (0);
}
