/*
 * helpq - source_imap.c: the new messages of one IMAP folder as a source,
 * and their mark there once stored (keywords, moves). The folder's state
 * (UIDVALIDITY, the highest stored UID) is kept by the caller, which
 * advances it in the transaction that stores the messages, so a crash at
 * any point repeats work and never skips or doubles a message.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "config.h"
#include "imap.h"
#include "log.h"
#include "source.h"
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
	struct source_imap_state state;
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

/* The keyword of a message set aside as failed (helpq failed). */
#define SOURCE_IMAP_FAILED_KEYWORD	"$helpq-failed"
/* The keyword of every message stored in a ticket. */
#define SOURCE_IMAP_KEYWORD		"$helpq"

/*
 * A message's keywords: $helpq, one per tag, and $ticket-N when asked
 * for. A folder keeps every keyword ever set in it, and the server lists
 * them all whenever one is new: one a ticket grows without end (each new
 * ticket costs more, and some clients cannot read such a folder), so the
 * set is bounded by the desk's tags unless ticket-keywords says so.
 */
static size_t
mark_keywords(const struct source_mark *m, int tickets, char ***kp)
{
	char	**k;
	char	 num[32];
	size_t	 i, n = 0;

	k = xreallocarray(NULL, m->ntags + 2, sizeof *k);
	k[n++] = xstrdup(SOURCE_IMAP_KEYWORD);
	if (tickets) {
		snprintf(num, sizeof num, "ticket-%lld",
		    (long long)m->ticket);
		k[n++] = imap_keyword("$", num);
	}
	for (i = 0; i < m->ntags; i++)
		k[n++] = imap_keyword("$", m->tags[i]);
	*kp = k;
	return (n);
}

/* The keywords of the tickets merged into this one: $ticket-N each. */
static size_t
mark_aliases(const struct source_mark *m, char ***kp)
{
	char	**k;
	char	 num[32];
	size_t	 i;

	k = xreallocarray(NULL, m->naliases, sizeof *k);
	for (i = 0; i < m->naliases; i++) {
		snprintf(num, sizeof num, "ticket-%lld",
		    (long long)m->aliases[i]);
		k[i] = imap_keyword("$", num);
	}
	*kp = k;
	return (m->naliases);
}

/* [imap] queue-folder with %q replaced by queue. Allocated. */
static char *
mark_folder(const char *pattern, const char *queue)
{
	const char	*q = strstr(pattern, "%q");

	return (xprintf("%.*s%s%s", (int)(q - pattern), pattern, queue,
	    q + 2));
}

/* What a mark does besides adding keywords: merged numbers go, and the
 * message moves to its queue's folder. */
static int
mark_rest(struct source_imap *si, const struct source_mark *m, char **cause)
{
	const struct config_imap	*c = si->conf;
	char				**k = NULL, *dest;
	size_t				 n = 0;
	uint32_t			 newuid;
	int				 rc = 0;

	if (m->ticket <= 0)
		return (0);
	if (c->keywords && c->ticket_keywords && m->naliases > 0) {
		/* Merged: the numbers that name this ticket now go. */
		n = mark_aliases(m, &k);
		rc = imap_store_keywords(si->im, &m->uid, 1, k, n, 0, cause);
		xfreev(k, n);
	}
	if (rc == 0 && c->queue_folder != NULL && m->queue != NULL &&
	    strcmp(si->folder, c->sent != NULL ? c->sent : "") != 0) {
		dest = mark_folder(c->queue_folder, m->queue);
		if (strcmp(dest, si->folder) != 0)
			rc = imap_move(si->im, m->uid, dest, &newuid, cause);
		free(dest);
	}
	return (rc);
}

/*
 * Messages that get the same keywords get them in one STORE: most of a
 * desk's share $helpq and a few tags, and a round trip a message was
 * most of what a poll spent on the server.
 */
#define MARK_GROUP_MAX	500
struct mark_group {
	char		**k;		/* the keywords, owned */
	size_t		  n;
	uint32_t	 *uids;
	size_t		  nuids;
};

static struct mark_group *
mark_group(struct mark_group **gs, size_t *ngs, char **k, size_t n)
{
	struct mark_group	*g;
	size_t			 i, j;

	for (i = 0; i < *ngs; i++) {
		g = &(*gs)[i];
		for (j = 0; g->n == n && j < n; j++) {
			if (strcmp(g->k[j], k[j]) != 0)
				break;
		}
		if (g->n == n && j == n) {
			xfreev(k, n);
			return (g);
		}
	}
	*gs = xreallocarray(*gs, *ngs + 1, sizeof **gs);
	g = &(*gs)[(*ngs)++];
	g->k = k;
	g->n = n;
	g->uids = xreallocarray(NULL, MARK_GROUP_MAX, sizeof *g->uids);
	g->nuids = 0;
	return (g);
}

static int
mark_keywords_all(struct source_imap *si, const struct source_mark *marks,
    size_t n, char **cause)
{
	struct mark_group	*gs = NULL, *g;
	char			**k;
	size_t			 i, ngs = 0, nk;
	int			 rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		if (marks[i].ticket == 0)
			continue;
		if (marks[i].ticket == -1) {
			/* Set aside: processed, and visible as such. */
			k = xreallocarray(NULL, 1, sizeof *k);
			k[0] = xstrdup(SOURCE_IMAP_FAILED_KEYWORD);
			nk = 1;
		} else
			nk = mark_keywords(&marks[i], si->conf->ticket_keywords,
			    &k);
		g = mark_group(&gs, &ngs, k, nk);
		g->uids[g->nuids++] = marks[i].uid;
		if (g->nuids == MARK_GROUP_MAX) {
			rc = imap_store_keywords(si->im, g->uids, g->nuids,
			    g->k, g->n, 1, cause);
			g->nuids = 0;
		}
	}
	for (i = 0; i < ngs; i++) {
		if (rc == 0)
			rc = imap_store_keywords(si->im, gs[i].uids,
			    gs[i].nuids, gs[i].k, gs[i].n, 1, cause);
		xfreev(gs[i].k, gs[i].n);
		free(gs[i].uids);
	}
	free(gs);
	return (rc);
}

/*
 * Keywords (and moves) for what the store has from the folder: keywords
 * first, so a message moved takes them along. Adding a keyword twice
 * changes nothing, and a message moved away already is skipped by the
 * server, so repeating marks after a crash is harmless.
 */
static int
source_imap_mark(struct source *src, const struct source_mark *marks,
    size_t n, char **cause)
{
	struct source_imap	*si = src->priv;
	size_t			 i;

	if (si->conf->keywords && mark_keywords_all(si, marks, n, cause) != 0)
		return (-1);
	for (i = 0; i < n; i++) {
		if (mark_rest(si, &marks[i], cause) != 0)
			return (-1);
	}
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

enum source_imap_open_result
source_imap_open(struct imap *im, const struct config_imap *conf,
    const char *folder, struct source_imap_state *state, int *changed,
    volatile sig_atomic_t *stop, struct source **sp, char **cause)
{
	struct source_imap	*si;
	struct source		*src;
	struct imap_folder	 f;
	int			 r;

	*sp = NULL;
	*changed = 0;
	if ((r = imap_select(im, folder, &f, cause)) == 1) {
		*cause = xprintf("no folder \"%s\" on the server", folder);
		return (SOURCE_IMAP_OPEN_NO_FOLDER);
	}
	if (r != 0)
		return (SOURCE_IMAP_OPEN_ERROR);
	if (!state->known) {
		/* First contact: what is there now is history. */
		memset(state, 0, sizeof *state);
		state->known = 1;
		state->uidvalidity = f.uidvalidity;
		state->history_uid = conf->start == CONFIG_START_ALL ? 0 :
		    f.uidnext;
		state->updated = time(NULL);
		log_info("%s: first contact (%u message%s; %s)", folder,
		    f.exists, f.exists == 1 ? "" : "s", conf->start == CONFIG_START_ALL ? "all of them "
		    "count as new" : "recorded without acknowledgement");
		*changed = 1;
	} else if (state->uidvalidity != f.uidvalidity) {
		/* Every UID changed meaning: read it all again; the store
		 * recognises what it has. */
		log_warnx("%s: UIDVALIDITY changed from %u to %u: reading the "
		    "folder again", folder, state->uidvalidity, f.uidvalidity);
		memset(state, 0, sizeof *state);
		state->known = 1;
		state->uidvalidity = f.uidvalidity;
		state->updated = time(NULL);
		*changed = 1;
	}

	si = xcalloc(1, sizeof *si);
	si->im = im;
	si->conf = conf;
	si->folder = xstrdup(folder);
	si->state = *state;
	si->stop = stop;
	si->round_start = time(NULL);
	/* Nothing new costs one SELECT: no listing at all. */
	if (f.uidnext == 0 || f.uidnext - 1 > state->last_uid) {
		if (imap_list(im, state->last_uid, &si->entries,
		    &si->nentries, cause) != 0) {
			free(si->folder);
			free(si);
			return (SOURCE_IMAP_OPEN_ERROR);
		}
	}
	src = xcalloc(1, sizeof *src);
	src->ops = &source_imap_ops;
	src->name = xstrdup(folder);
	src->total = si->nentries;
	src->priv = si;
	*sp = src;
	return (SOURCE_IMAP_OPEN_OK);
}
