/*
 * helpq - store_message.c: messages (their rows, raw bytes, attachments
 * and participants), where each came from and the state of each mailbox
 * read, messages set aside as failed, and what each source had in flight.
 */
#include "compat.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <zdict.h>
#include <zstd.h>

#include "buf.h"
#include "message.h"
#include "store.h"
#include "log.h"
#include "store_private.h"
#include "xmalloc.h"

/* A text without raw bytes beside it is packed from this long. */
#define TEXT_PACK_MIN	512
/* One with raw bytes is packed against them from this long. */
#define TEXT_DELTA_MIN	64

static const char *const kind_names[] = {
	[MSG_KIND_CUSTOMER] = "customer",
	[MSG_KIND_AGENT] = "agent",
	[MSG_KIND_ACK] = "ack",
	[MSG_KIND_ESCALATION] = "escalation",
	[MSG_KIND_SURVEY] = "survey",
	[MSG_KIND_AUTOMATED] = "automated"
};
static const char *const direction_names[] = {
	[MSG_IN] = "in",
	[MSG_OUT] = "out"
};

/* ---- known messages, origins, mailbox state ---- */

int
store_message_known(struct store *s, const char *msgid, const char *hash,
    int64_t *idp, int64_t *ticketp, char **cause)
{
	struct store_query	q;
	int64_t			id = 0, ticket = 0;
	int			r, same = 0;

	if (msgid != NULL && *msgid != '\0') {
		if (store_query_start(&q, s, ST_KNOWN_ID, "looking up message",
		    cause) != 0)
			return (-1);
		store_query_text(&q, 1, msgid);
		store_query_text(&q, 2, hash);
	} else {
		if (store_query_start(&q, s, ST_KNOWN_HASH,
		    "looking up message", cause) != 0)
			return (-1);
		store_query_text(&q, 1, hash);
	}
	if ((r = store_query_step(&q, cause)) == -1)
		return (-1);
	if (r == 1) {
		id = sqlite3_column_int64(q.stmt, 0);
		ticket = sqlite3_column_int64(q.stmt, 1);
		/* The hash-only statement has no third column: same hash. */
		same = sqlite3_column_count(q.stmt) < 3 ||
		    sqlite3_column_int(q.stmt, 2);
	}
	store_query_end(&q);
	if (r == 0)
		return (1);
	if (idp != NULL)
		*idp = id;
	if (ticketp != NULL)
		*ticketp = ticket;
	return (same ? 0 : 2);
}

int
store_mailbox_get(struct store *s, const char *mailbox,
    struct mailbox_state *ms, char **cause)
{
	struct store_query	q;
	int			r;

	memset(ms, 0, sizeof *ms);
	if (store_query_start(&q, s, ST_MAILBOX_GET, "reading mailbox state",
	    cause) != 0)
		return (-1);
	store_query_text(&q, 1, mailbox);
	if ((r = store_query_step(&q, cause)) != 1)
		return (r == 0 ? 1 : -1);
	ms->uidvalidity = (uint32_t)sqlite3_column_int64(q.stmt, 0);
	ms->last_uid = (uint32_t)sqlite3_column_int64(q.stmt, 1);
	ms->history_uid = (uint32_t)sqlite3_column_int64(q.stmt, 2);
	ms->reflected_uid = (uint32_t)sqlite3_column_int64(q.stmt, 3);
	ms->updated = (time_t)sqlite3_column_int64(q.stmt, 4);
	store_query_end(&q);
	return (0);
}

int
store_mailbox_set(struct store *s, const char *mailbox,
    const struct mailbox_state *ms, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_MAILBOX_SET, "writing mailbox state",
	    cause) != 0)
		return (-1);
	store_query_text(&q, 1, mailbox);
	store_query_int(&q, 2, ms->uidvalidity);
	store_query_int(&q, 3, ms->last_uid);
	store_query_int(&q, 4, ms->history_uid);
	store_query_int(&q, 5, ms->reflected_uid);
	store_query_int(&q, 6, ms->updated);
	return (store_query_exec(&q, cause));
}

int
store_mailbox_advance(struct store *s, const char *mailbox,
    uint32_t uidvalidity, uint32_t uid, time_t when, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_MAILBOX_ADVANCE,
	    "writing mailbox state", cause) != 0)
		return (-1);
	store_query_text(&q, 1, mailbox);
	store_query_int(&q, 2, uidvalidity);
	store_query_int(&q, 3, uid);
	store_query_int(&q, 4, when);
	return (store_query_exec(&q, cause));
}

int
store_mailbox_reflected(struct store *s, const char *mailbox,
    uint32_t uidvalidity, uint32_t uid, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_MAILBOX_REFLECTED,
	    "writing mailbox state", cause) != 0)
		return (-1);
	store_query_text(&q, 1, mailbox);
	store_query_int(&q, 2, uidvalidity);
	store_query_int(&q, 3, uid);
	return (store_query_exec(&q, cause));
}

int
store_mailbox_remark(struct store *s, const char *mailbox,
    uint32_t uidvalidity, uint32_t uid, char **cause)
{
	struct store_query	q;

	if (uid == 0)
		return (0);
	if (store_query_start(&q, s, ST_MAILBOX_REMARK,
	    "writing mailbox state", cause) != 0)
		return (-1);
	store_query_text(&q, 1, mailbox);
	store_query_int(&q, 2, uidvalidity);
	store_query_int(&q, 3, uid - 1);
	return (store_query_exec(&q, cause));
}

int
store_mailbox_messages(struct store *s, const char *mailbox,
    uint32_t uidvalidity, uint32_t after, uint32_t upto,
    store_uid_cb fn, void *arg, char **cause)
{
	struct store_query	q;
	int			r;

	if (store_query_start(&q, s, ST_MAILBOX_MESSAGES, "reading mailbox "
	    "messages", cause) != 0)
		return (-1);
	store_query_text(&q, 1, mailbox);
	store_query_int(&q, 2, uidvalidity);
	store_query_int(&q, 3, after);
	store_query_int(&q, 4, upto);
	while ((r = store_query_step(&q, cause)) == 1) {
		if (fn((uint32_t)sqlite3_column_int64(q.stmt, 0),
		    sqlite3_column_int64(q.stmt, 1), arg) != 0) {
			store_query_end(&q);
			return (0);
		}
	}
	return (r);
}

int
store_message_set_origin(struct store *s, int64_t id,
    const struct msg_origin *o, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_SET_ORIGIN, "recording origin",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, id);
	store_query_text(&q, 2, o->mailbox);
	store_query_int(&q, 3, o->uidvalidity);
	store_query_int(&q, 4, o->uid);
	return (store_query_exec(&q, cause));
}

/* ---- messages ---- */

/* Append "Name <addr>, addr2" to b; names with specials are quoted. */
static void
addrs_display(struct buf *b, const struct msg_addrs *as)
{
	const struct msg_addr	*a;
	const char		*p;
	size_t			 i;

	buf_reset(b);
	for (i = 0; i < as->n; i++) {
		a = &as->v[i];
		if (b->len > 0)
			buf_adds(b, ", ");
		if (a->name == NULL || *a->name == '\0') {
			buf_adds(b, a->addr);
			continue;
		}
		if (strpbrk(a->name, ",;<>\"@") == NULL)
			buf_adds(b, a->name);
		else {
			buf_addc(b, '"');
			for (p = a->name; *p != '\0'; p++) {
				if (*p == '"' || *p == '\\')
					buf_addc(b, '\\');
				buf_addc(b, *p);
			}
			buf_addc(b, '"');
		}
		buf_addf(b, " <%s>", a->addr);
	}
}

/* References as one line of ids separated by spaces, or NULL. */
static char *
refs_join(const struct message *m)
{
	struct buf	b;
	size_t		i;

	if (m->nreferences == 0)
		return (NULL);
	buf_init(&b);
	for (i = 0; i < m->nreferences; i++) {
		if (i > 0)
			buf_addc(&b, ' ');
		buf_adds(&b, m->references[i]);
	}
	return (buf_steal(&b, NULL));
}

static int
message_row(struct store *s, const struct message *m, const char *raw,
    size_t rawlen, const struct msg_origin *o, enum msg_direction dir,
    enum msg_kind kind, int64_t ticket, time_t date, char **cause)
{
	struct store_query	 q;
	struct buf		 to, cc;
	const struct msg_addr	*from;
	char			*refs;
	void			*z = NULL;
	size_t			 zlen = 0;
	int			 rc;

	if (store_query_start(&q, s, ST_MESSAGE_INSERT, "storing message",
	    cause) != 0)
		return (-1);
	buf_init(&to);
	buf_init(&cc);
	addrs_display(&to, &m->to);
	addrs_display(&cc, &m->cc);
	refs = refs_join(m);
	from = m->from.n > 0 ? &m->from.v[0] : NULL;

	store_query_opt(&q, 1, ticket);
	store_query_text(&q, 2, m->message_id != NULL &&
	    *m->message_id != '\0' ? m->message_id : NULL);
	store_query_text(&q, 3, direction_names[dir]);
	store_query_text(&q, 4, kind_names[kind]);
	store_query_text(&q, 5, from != NULL ? from->addr : "");
	store_query_text(&q, 6, from != NULL ? from->name : NULL);
	store_query_text(&q, 7, buf_cstr(&to));
	store_query_text(&q, 8, buf_cstr(&cc));
	store_query_int(&q, 9, date);
	store_query_int(&q, 10, o->received);
	store_query_text(&q, 11, m->hash);
	store_query_int(&q, 12, (int64_t)m->size);
	store_query_text(&q, 13, o->mailbox);
	store_query_opt(&q, 14, o->uidvalidity);
	store_query_opt(&q, 15, o->uid);
	store_query_text(&q, 16, m->in_reply_to);
	store_query_text(&q, 17, refs);
	store_query_text(&q, 18, m->subject != NULL ? m->subject : "");
	/* A long text is kept packed too (helpq_text reads it back). */
	if (m->packed_text != NULL)
		store_query_blob(&q, 19, m->packed_text, m->packed_textlen);
	else if (m->text != NULL && raw != NULL && rawlen > 0 &&
	    store_text_pack(&s->zc, m->text, m->textlen, raw, rawlen, &z,
	    &zlen) == 0)
		store_query_blob(&q, 19, z, zlen);
	else if (m->text != NULL && (raw == NULL || rawlen == 0) &&
	    m->textlen >= TEXT_PACK_MIN &&
	    store_raw_pack(&s->zc, NULL, m->text, m->textlen, &z, &zlen) == 0)
		store_query_blob(&q, 19, z, zlen);
	else
		store_query_text_len(&q, 19, m->text, m->text != NULL ?
		    m->textlen : 0);
	rc = store_query_exec(&q, cause);
	free(z);
	buf_free(&to);
	buf_free(&cc);
	free(refs);
	return (rc);
}

static int
message_attachments(struct store *s, const struct message *m, int64_t id,
    char **cause)
{
	const struct msg_attachment	*a;
	struct store_query		 q;
	size_t				 i;

	for (i = 0; i < m->nattachments; i++) {
		a = &m->attachments[i];
		if (store_query_start(&q, s, ST_ATTACHMENT_INSERT,
		    "storing attachment", cause) != 0)
			return (-1);
		store_query_int(&q, 1, id);
		store_query_text(&q, 2, a->filename);
		store_query_text(&q, 3, a->type != NULL ? a->type :
		    "application/octet-stream");
		store_query_int(&q, 4, (int64_t)a->size);
		if (store_query_exec(&q, cause) != 0)
			return (-1);
	}
	return (0);
}

/* What m references, for threading the messages that come later. */
static int
message_references(struct store *s, const struct message *m, int64_t ticket,
    char **cause)
{
	struct store_query	 q;
	const char		*id;
	size_t			 i;

	for (i = 0; i <= m->nreferences; i++) {
		id = i == m->nreferences ? m->in_reply_to : m->references[i];
		if (id == NULL || *id == '\0')
			continue;
		if (store_query_start(&q, s, ST_REFERENCE_ADD, "storing a "
		    "referenced Message-ID", cause) != 0)
			return (-1);
		store_query_text(&q, 1, id);
		store_query_int(&q, 2, ticket);
		if (store_query_exec(&q, cause) != 0)
			return (-1);
	}
	return (0);
}

static int
message_participants(struct store *s, const struct message *m,
    int64_t ticket, char **cause)
{
	const struct msg_addrs	*lists[] = {
		&m->from, &m->to, &m->cc, &m->reply_to
	};
	size_t			 i, j;

	for (i = 0; i < nitems(lists); i++) {
		for (j = 0; j < lists[i]->n; j++) {
			if (store_participant_add(s, ticket,
			    lists[i]->v[j].addr, cause) != 0)
				return (-1);
		}
	}
	return (0);
}

/*
 * Raw messages are kept compressed (zstd, as Dovecot compresses mail):
 * a blob that begins with zstd's frame magic is a frame, anything else
 * is the raw bytes as they came. Mail begins with a header field, never
 * with the magic; should raw bytes ever begin with it, they are
 * compressed all the same, so the rule holds.
 */
#define RAW_LEVEL	1	/* mail packs as well as at zstd's default, faster */

static int	raw_unpack(struct store_text_ctx *, const void *, size_t,
		    char **, size_t *, char **);
static const unsigned char raw_magic[4] = { 0x28, 0xb5, 0x2f, 0xfd };

static int
raw_is_frame(const void *p, size_t len)
{
	return (len >= sizeof raw_magic &&
	    memcmp(p, raw_magic, sizeof raw_magic) == 0);
}

void
store_raw_pack_free(void *zctx)
{
	ZSTD_freeCCtx(zctx);
}

void
store_raw_free(struct store *s)
{
	store_raw_pack_free(s->zc);
	s->zc = NULL;
	ZSTD_freeCDict(atomic_load(&s->cdict));
	atomic_store(&s->cdict, NULL);
}

/*
 * A dictionary packs small mail much tighter: what messages share (header
 * names, the desk's address, mail clients' and list servers' boilerplate)
 * is in it once. It is learnt from the desk's own mail, once there is
 * enough, and kept in zdicts under its zstd dictionary id, which each
 * frame names; earlier messages stay packed as they were.
 */
#define RAW_DICT_SAMPLES	500		/* messages learnt from */
#define RAW_DICT_SAMPLE_MAX	4096		/* bytes of each: the start */
#define RAW_DICT_SIZE		(64 * 1024)

static int
raw_dict_use(struct store *s, const void *dict, size_t len, char **cause)
{
	ZSTD_CDict	*cd;

	if ((cd = ZSTD_createCDict(dict, len, RAW_LEVEL)) == NULL) {
		*cause = xprintf("%s: a damaged raw dictionary", s->path);
		return (-1);
	}
	ZSTD_freeCDict(atomic_exchange(&s->cdict, cd));
	s->dict_checked = 1;
	return (0);
}

int
store_raw_dict_load(struct store *s, char **cause)
{
	struct store_query	q;
	int			r;

	if (store_query_start(&q, s, ST_ZDICT_NEWEST, "reading the raw "
	    "dictionary", cause) != 0)
		return (-1);
	if ((r = store_query_step(&q, cause)) != 1)
		return (r);
	r = raw_dict_use(s, sqlite3_column_blob(q.stmt, 0),
	    (size_t)sqlite3_column_bytes(q.stmt, 0), cause);
	store_query_end(&q);
	return (r);
}

/* The starts of the newest RAW_DICT_SAMPLES raw messages, end to end. */
static int
raw_dict_samples(struct store *s, struct buf *b, size_t *sizes, unsigned *n,
    char **cause)
{
	struct store_query	 q;
	char			*raw;
	size_t			 len;
	int			 r;

	*n = 0;
	if (store_query_start(&q, s, ST_ZDICT_SAMPLES, "learning a raw "
	    "dictionary", cause) != 0)
		return (-1);
	store_query_int(&q, 1, RAW_DICT_SAMPLES);
	while ((r = store_query_step(&q, cause)) == 1) {
		if (raw_unpack(s->tctx, sqlite3_column_blob(q.stmt, 0),
		    (size_t)sqlite3_column_bytes(q.stmt, 0), &raw, &len,
		    cause) != 0) {
			store_query_end(&q);
			return (-1);
		}
		if (len > RAW_DICT_SAMPLE_MAX)
			len = RAW_DICT_SAMPLE_MAX;
		buf_add(b, raw, len);
		sizes[(*n)++] = len;
		free(raw);
	}
	return (r);
}

void
store_raw_dict_train(struct store *s)
{
	struct store_query	 q;
	struct buf		 samples;
	size_t			*sizes, dlen;
	unsigned		 n;
	char			*dict, *cause = NULL;
	int64_t			 newest = 0;

	if (s->readonly || s->in_tx || s->dict_checked)
		return;
	if (store_query_start(&q, s, ST_RAW_LAST_ID, "learning a raw "
	    "dictionary", &cause) != 0 || store_query_lookup(&q, &newest,
	    &cause) == -1)
		goto fail;
	if (newest < RAW_DICT_SAMPLES)
		return;			/* not yet enough mail */
	s->dict_checked = 1;
	buf_init(&samples);
	sizes = xcalloc(RAW_DICT_SAMPLES, sizeof *sizes);
	dict = xmalloc(RAW_DICT_SIZE);
	if (raw_dict_samples(s, &samples, sizes, &n, &cause) != 0)
		goto done;
	dlen = ZDICT_trainFromBuffer(dict, RAW_DICT_SIZE, samples.data, sizes,
	    n);
	if (ZDICT_isError(dlen)) {
		log_debug("%s: no raw dictionary: %s", s->path,
		    ZDICT_getErrorName(dlen));
		goto done;
	}
	if (store_begin(s, &cause) != 0)
		goto done;
	if (store_query_start(&q, s, ST_ZDICT_INSERT, "storing the raw "
	    "dictionary", &cause) != 0) {
		store_rollback(s);
		goto done;
	}
	store_query_int(&q, 1, ZDICT_getDictID(dict, dlen));
	store_query_blob(&q, 2, dict, dlen);
	if (store_query_exec(&q, &cause) != 0 || store_commit(s, &cause) != 0) {
		store_rollback(s);
		goto done;
	}
	if (raw_dict_use(s, dict, dlen, &cause) == 0)
		log_debug("%s: raw messages are packed with a dictionary of "
		    "%zu bytes learnt from %u", s->path, dlen, n);
done:
	buf_free(&samples);
	free(sizes);
	free(dict);
fail:
	if (cause != NULL) {
		log_warnx("%s", cause);
		free(cause);
	}
}

int
store_raw_pack(void **zctx, struct store *s, const char *raw, size_t len,
    void **outp, size_t *outlenp)
{
	ZSTD_CDict	*cd;
	void		*z;
	size_t		 zlen, bound;

	*outp = NULL;
	*outlenp = 0;
	if (len == 0)
		return (-1);
	if (*zctx == NULL && (*zctx = ZSTD_createCCtx()) == NULL)
		return (-1);
	bound = ZSTD_compressBound(len);
	z = xmalloc(bound);
	cd = s != NULL ? atomic_load_explicit(&s->cdict, memory_order_acquire) :
	    NULL;
	if (cd != NULL)
		zlen = ZSTD_compress_usingCDict(*zctx, z, bound, raw, len, cd);
	else
		zlen = ZSTD_compressCCtx(*zctx, z, bound, raw, len, RAW_LEVEL);
	if (ZSTD_isError(zlen) || (zlen >= len && !raw_is_frame(raw, len))) {
		free(z);
		return (-1);
	}
	*outp = z;
	*outlenp = zlen;
	return (0);
}

/*
 * A text packed against its raw message is a tag byte, then a zstd frame
 * made with the raw bytes as its prefix (ZSTD_CCtx_refPrefix): reading it
 * takes the raw message too. Stored texts are TEXT otherwise, never a
 * blob that begins with the tag.
 */
#define TEXT_DELTA_TAG	0x01

int
store_text_pack(void **zctx, const char *text, size_t len, const char *raw,
    size_t rawlen, void **outp, size_t *outlenp)
{
	unsigned char	*z;
	size_t		 zlen, bound;

	*outp = NULL;
	*outlenp = 0;
	if (text == NULL || len < TEXT_DELTA_MIN || raw == NULL ||
	    rawlen == 0)
		return (-1);
	if (*zctx == NULL && (*zctx = ZSTD_createCCtx()) == NULL)
		return (-1);
	bound = ZSTD_compressBound(len);
	z = xmalloc(bound + 1);
	z[0] = TEXT_DELTA_TAG;
	/* The prefix lasts for one frame; a reset drops any left over. A
	 * checksum tells a text read against the wrong bytes. */
	ZSTD_CCtx_reset(*zctx, ZSTD_reset_session_and_parameters);
	if (ZSTD_isError(ZSTD_CCtx_setParameter(*zctx,
	    ZSTD_c_compressionLevel, RAW_LEVEL)) ||
	    ZSTD_isError(ZSTD_CCtx_setParameter(*zctx,
	    ZSTD_c_checksumFlag, 1)) ||
	    ZSTD_isError(ZSTD_CCtx_refPrefix(*zctx, raw, rawlen))) {
		free(z);
		return (-1);
	}
	zlen = ZSTD_compress2(*zctx, z + 1, bound, text, len);
	ZSTD_CCtx_reset(*zctx, ZSTD_reset_session_and_parameters);
	if (ZSTD_isError(zlen) || zlen + 1 >= len) {
		free(z);
		return (-1);
	}
	*outp = z;
	*outlenp = zlen + 1;
	return (0);
}

/* Store the raw bytes, packed if m's reader did not pack them already. */
static int
store_raw_insert(struct store *s, int64_t id, const struct message *m,
    const char *raw, size_t len, char **cause)
{
	struct store_query	 q;
	void			*z = NULL;
	size_t			 zlen = 0;
	int			 rc;

	if (m->packed == NULL)
		(void)store_raw_pack(&s->zc, s, raw, len, &z, &zlen);
	if (m->packed == NULL && z == NULL && raw_is_frame(raw, len)) {
		*cause = xstrdup("storing raw message: it cannot be "
		    "compressed");
		return (-1);
	}
	if (store_query_start(&q, s, ST_RAW_INSERT, "storing raw message",
	    cause) != 0) {
		free(z);
		return (-1);
	}
	store_query_int(&q, 1, id);
	if (m->packed != NULL)
		store_query_blob(&q, 2, m->packed, m->packedlen);
	else if (z != NULL)
		store_query_blob(&q, 2, z, zlen);
	else
		store_query_blob(&q, 2, raw, len);
	rc = store_query_exec(&q, cause);
	free(z);
	return (rc);
}

/*
 * What helpq_text and store_message_raw read with, one for a connection
 * (one thread uses it at a time): a decompression context (a new one is
 * costly) and the dictionaries met so far.
 */
#define TEXT_CTX_DICTS	8
struct store_text_ctx {
	sqlite3		*db;
	char		*zdicts;	/* "main.zdicts" or "db.zdicts" */
	ZSTD_DCtx	*dctx;
	unsigned	 ids[TEXT_CTX_DICTS];
	ZSTD_DDict	*dicts[TEXT_CTX_DICTS];
	size_t		 ndicts;
};

/* The dictionary a frame names, read from zdicts the first time. */
static ZSTD_DDict *
text_ctx_dict(struct store_text_ctx *c, unsigned id, char **cause)
{
	sqlite3_stmt	*stmt = NULL;
	ZSTD_DDict	*dd = NULL;
	char		*sql;
	size_t		 i;

	for (i = 0; i < c->ndicts; i++) {
		if (c->ids[i] == id)
			return (c->dicts[i]);
	}
	sql = xprintf("SELECT dict FROM %s WHERE id = ?1", c->zdicts);
	if (sqlite3_prepare_v2(c->db, sql, -1, &stmt, NULL) == SQLITE_OK) {
		sqlite3_bind_int64(stmt, 1, id);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			dd = ZSTD_createDDict(sqlite3_column_blob(stmt, 0),
			    (size_t)sqlite3_column_bytes(stmt, 0));
	}
	sqlite3_finalize(stmt);
	free(sql);
	if (dd == NULL) {
		*cause = xprintf("reading raw message: its dictionary %u is "
		    "missing", id);
		return (NULL);
	}
	if (c->ndicts == TEXT_CTX_DICTS) {
		ZSTD_freeDDict(c->dicts[0]);
		memmove(c->ids, c->ids + 1, (TEXT_CTX_DICTS - 1) *
		    sizeof c->ids[0]);
		memmove(c->dicts, c->dicts + 1, (TEXT_CTX_DICTS - 1) *
		    sizeof c->dicts[0]);
		c->ndicts--;
	}
	c->ids[c->ndicts] = id;
	c->dicts[c->ndicts++] = dd;
	return (dd);
}

/* The raw bytes of a stored blob, allocated with a spare NUL. */
static int
raw_unpack(struct store_text_ctx *c, const void *p, size_t len, char **rawp,
    size_t *lenp, char **cause)
{
	unsigned long long	 n;
	ZSTD_DDict		*dd = NULL;
	unsigned		 id;
	size_t			 got;

	if (!raw_is_frame(p, len)) {
		*rawp = xmalloc(len + 1);
		if (len > 0)
			memcpy(*rawp, p, len);
		(*rawp)[len] = '\0';
		*lenp = len;
		return (0);
	}
	n = ZSTD_getFrameContentSize(p, len);
	if (n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN ||
	    n > SIZE_MAX - 1) {
		*cause = xstrdup("reading raw message: a damaged frame");
		return (-1);
	}
	if ((id = ZSTD_getDictID_fromFrame(p, len)) != 0 &&
	    (dd = text_ctx_dict(c, id, cause)) == NULL)
		return (-1);
	*rawp = xmalloc((size_t)n + 1);
	ZSTD_DCtx_reset(c->dctx, ZSTD_reset_session_only);
	if (dd != NULL)
		got = ZSTD_decompress_usingDDict(c->dctx, *rawp, (size_t)n, p,
		    len, dd);
	else
		got = ZSTD_decompressDCtx(c->dctx, *rawp, (size_t)n, p, len);
	if (ZSTD_isError(got) || got != n) {
		*cause = xprintf("reading raw message: %s", ZSTD_isError(got) ?
		    ZSTD_getErrorName(got) : "short frame");
		free(*rawp);
		*rawp = NULL;
		return (-1);
	}
	(*rawp)[got] = '\0';
	*lenp = got;
	return (0);
}

/* A text packed against raw (blob bytes as stored), allocated with a NUL. */
static int
text_unpack_delta(struct store_text_ctx *c, const unsigned char *p, size_t len,
    const void *rawblob, size_t rawbloblen, char **textp, size_t *lenp,
    char **cause)
{
	unsigned long long	 n;
	char			*raw;
	size_t			 rawlen, got;

	if (rawblob == NULL) {
		*cause = xstrdup("reading a message text: its raw message "
		    "is missing");
		return (-1);
	}
	if (raw_unpack(c, rawblob, rawbloblen, &raw, &rawlen, cause) != 0)
		return (-1);
	p++;
	len--;
	n = ZSTD_getFrameContentSize(p, len);
	if (n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN ||
	    n > SIZE_MAX - 1) {
		free(raw);
		*cause = xstrdup("reading a message text: a damaged frame");
		return (-1);
	}
	*textp = xmalloc((size_t)n + 1);
	/* The prefix holds for this one frame. */
	ZSTD_DCtx_reset(c->dctx, ZSTD_reset_session_only);
	got = ZSTD_DCtx_refPrefix(c->dctx, raw, rawlen);
	if (!ZSTD_isError(got))
		got = ZSTD_decompressDCtx(c->dctx, *textp, (size_t)n, p, len);
	free(raw);
	if (ZSTD_isError(got) || got != n) {
		*cause = xprintf("reading a message text: %s",
		    ZSTD_isError(got) ? ZSTD_getErrorName(got) :
		    "short frame");
		free(*textp);
		*textp = NULL;
		return (-1);
	}
	(*textp)[got] = '\0';
	*lenp = got;
	return (0);
}

/*
 * helpq_text(x, raw [, instead]): a stored text x, unpacked if it was
 * packed; raw, the message's raw blob, is needed (and only read:
 * STORE_TEXT_SQL) when x was packed against it. A text that cannot be
 * read is an error, or instead when given (the search index would stop
 * at it for good).
 */
static void
text_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct store_text_ctx	*c = sqlite3_user_data(ctx);
	const unsigned char	*p;
	char			*text, *cause = NULL;
	size_t			 len;
	int			 r;

	if (argc != 2 && argc != 3) {
		sqlite3_result_error(ctx, "helpq_text takes 2 or 3 arguments",
		    -1);
		return;
	}
	if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	p = sqlite3_value_blob(argv[0]);
	len = (size_t)sqlite3_value_bytes(argv[0]);
	if (len > 0 && p[0] == TEXT_DELTA_TAG)
		r = text_unpack_delta(c, p, len,
		    sqlite3_value_blob(argv[1]),
		    (size_t)sqlite3_value_bytes(argv[1]), &text, &len, &cause);
	else
		r = raw_unpack(c, p, len, &text, &len, &cause);
	if (r != 0 && argc > 2) {
		log_warnx("%s", cause);
		free(cause);
		sqlite3_result_value(ctx, argv[2]);
		return;
	}
	if (r != 0) {
		sqlite3_result_error(ctx, cause, -1);
		free(cause);
		return;
	}
	sqlite3_result_text64(ctx, text, len, free, SQLITE_UTF8);
}

static void
text_ctx_free(void *arg)
{
	struct store_text_ctx	*c = arg;
	size_t			 i;

	for (i = 0; i < c->ndicts; i++)
		ZSTD_freeDDict(c->dicts[i]);
	ZSTD_freeDCtx(c->dctx);
	free(c->zdicts);
	free(c);
}

int
store_text_register(sqlite3 *db, const char *path, const char *schema,
    struct store_text_ctx **ctxp, char **cause)
{
	struct store_text_ctx	*c;

	c = xcalloc(1, sizeof *c);
	c->db = db;
	c->zdicts = xprintf("%s.zdicts", schema);
	if ((c->dctx = ZSTD_createDCtx()) == NULL) {
		free(c->zdicts);
		free(c);
		*cause = xprintf("%s: out of memory", path);
		return (-1);
	}
	/* SQLite frees c with the function (also when this fails). */
	if (sqlite3_create_function_v2(db, "helpq_text", -1, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, c, text_fn, NULL,
	    NULL, text_ctx_free) != SQLITE_OK) {
		*cause = xprintf("%s: %s", path, sqlite3_errmsg(db));
		return (-1);
	}
	if (ctxp != NULL)
		*ctxp = c;
	return (0);
}

int
store_message_insert(struct store *s, const struct message *m,
    const char *raw, size_t rawlen, const struct msg_origin *o,
    enum msg_direction dir, enum msg_kind kind, int64_t ticket,
    int64_t *idp, char **cause)
{
	time_t			date, when;
	int64_t			id;

	if ((unsigned)dir >= nitems(direction_names) ||
	    (unsigned)kind >= nitems(kind_names)) {
		*cause = xprintf("storing message: bad direction or kind");
		return (-1);
	}
	date = m->date != 0 ? m->date : o->received;
	if (message_row(s, m, raw, raw != NULL ? rawlen : 0, o, dir, kind,
	    ticket, date, cause) != 0)
		return (-1);
	id = sqlite3_last_insert_rowid(s->db);

	if (store_raw_insert(s, id, m, raw, raw != NULL ? rawlen : 0,
	    cause) != 0)
		return (-1);
	if (message_attachments(s, m, id, cause) != 0)
		return (-1);
	s->inserted = 1;

	if (ticket != 0) {
		if (message_participants(s, m, ticket, cause) != 0 ||
		    message_references(s, m, ticket, cause) != 0)
			return (-1);
		/* A Date in the future must not pin the ticket on top. */
		when = date;
		if (o->received != 0 && when > o->received)
			when = o->received;
		if (store_ticket_touch(s, ticket, when, cause) != 0)
			return (-1);
	}
	if (idp != NULL)
		*idp = id;
	return (0);
}

int
store_message_raw(struct store *s, int64_t id, char **rawp, size_t *lenp,
    char **cause)
{
	struct store_query	 q;
	const void		*p;
	size_t			 len;
	int			 r;

	if (store_query_start(&q, s, ST_RAW_GET, "reading raw message",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, id);
	if ((r = store_query_step(&q, cause)) != 1)
		return (r == 0 ? 1 : -1);
	p = sqlite3_column_blob(q.stmt, 0);
	len = (size_t)sqlite3_column_bytes(q.stmt, 0);
	/* One spare NUL so text callers may treat it as a string. */
	r = raw_unpack(s->tctx, p, len, rawp, &len, cause);
	store_query_end(&q);
	if (r == 0 && lenp != NULL)
		*lenp = len;
	return (r);
}

/* ---- messages set aside ---- */

int
store_failed_add(struct store *s, const struct failed_message *f,
    const char *raw, size_t len, int64_t *idp, char **cause)
{
	struct store_query	q;
	int			r;

	/* The same bytes read again: one entry, at its latest place. */
	if (store_query_start(&q, s, ST_FAILED_FIND, "looking for a failed "
	    "message", cause) != 0)
		return (-1);
	store_query_int(&q, 1, (int64_t)len);
	store_query_blob(&q, 2, raw, len);
	if ((r = store_query_lookup(&q, idp, cause)) == -1)
		return (-1);
	if (r == 0) {
		if (store_query_start(&q, s, ST_FAILED_AGAIN, "setting a "
		    "message aside", cause) != 0)
			return (-1);
		store_query_int(&q, 1, *idp);
		store_query_text(&q, 2, f->source);
		store_query_opt(&q, 3, f->uidvalidity);
		store_query_opt(&q, 4, f->uid);
		store_query_text(&q, 5, f->reason);
		return (store_query_exec(&q, cause) == 0 ? 1 : -1);
	}
	if (store_query_start(&q, s, ST_FAILED_ADD, "setting a message aside",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, f->time);
	store_query_text(&q, 2, f->source);
	store_query_opt(&q, 3, f->uidvalidity);
	store_query_opt(&q, 4, f->uid);
	store_query_text(&q, 5, f->reason);
	store_query_text(&q, 6, f->from);
	store_query_text(&q, 7, f->subject);
	store_query_int(&q, 8, (int64_t)len);
	store_query_blob(&q, 9, raw, len);
	if (store_query_exec(&q, cause) != 0)
		return (-1);
	*idp = sqlite3_last_insert_rowid(s->db);
	return (0);
}

/* The columns both failed queries start with; strings borrowed from q. */
static void
failed_read(struct store_query *q, struct failed_message *f)
{
	f->id = sqlite3_column_int64(q->stmt, 0);
	f->time = (time_t)sqlite3_column_int64(q->stmt, 1);
	f->source = store_column_text(q, 2);
	f->uidvalidity = (uint32_t)sqlite3_column_int64(q->stmt, 3);
	f->uid = (uint32_t)sqlite3_column_int64(q->stmt, 4);
	f->reason = store_column_text(q, 5);
	f->from = store_column_text(q, 6);
	f->subject = store_column_text(q, 7);
	f->size = (size_t)sqlite3_column_int64(q->stmt, 8);
}

int
store_failed_list(struct store *s, store_failed_cb cb, void *arg,
    char **cause)
{
	struct failed_message	f;
	struct store_query	q;
	int			r;

	if (store_query_start(&q, s, ST_FAILED_LIST, "listing failed messages",
	    cause) != 0)
		return (-1);
	while ((r = store_query_step(&q, cause)) == 1) {
		failed_read(&q, &f);
		if (cb(&f, arg) != 0) {
			store_query_end(&q);
			return (0);
		}
	}
	return (r);
}

int
store_failed_get(struct store *s, int64_t id, store_failed_raw_cb cb,
    void *arg, char **cause)
{
	struct failed_message	f;
	struct store_query	q;
	int			r;

	if (store_query_start(&q, s, ST_FAILED_GET, "reading a failed message",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, id);
	if ((r = store_query_step(&q, cause)) != 1)
		return (r == 0 ? 1 : -1);
	failed_read(&q, &f);
	r = cb(&f, sqlite3_column_blob(q.stmt, 9),
	    (size_t)sqlite3_column_bytes(q.stmt, 9), arg, cause);
	store_query_end(&q);
	return (r);
}

int
store_failed_remove(struct store *s, int64_t id, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_FAILED_REMOVE,
	    "removing a failure mark", cause) != 0)
		return (-1);
	store_query_int(&q, 1, id);
	return (store_query_exec(&q, cause));
}

int
store_inflight_get(struct store *s, const char *source, char **posp,
    int *singlep, long *pidp, char **cause)
{
	struct store_query	q;
	int			r;

	if (store_query_start(&q, s, ST_INFLIGHT_GET,
	    "reading what was in flight", cause) != 0)
		return (-1);
	store_query_text(&q, 1, source);
	if ((r = store_query_step(&q, cause)) != 1)
		return (r == 0 ? 1 : -1);
	*posp = store_column_dup(&q, 0);
	*singlep = sqlite3_column_int(q.stmt, 1);
	*pidp = (long)sqlite3_column_int64(q.stmt, 2);
	store_query_end(&q);
	return (0);
}

int
store_inflight_set(struct store *s, const char *source, const char *pos,
    int single, long pid, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_INFLIGHT_SET,
	    "recording what is in flight", cause) != 0)
		return (-1);
	store_query_text(&q, 1, source);
	store_query_text(&q, 2, pos);
	store_query_int(&q, 3, single);
	store_query_int(&q, 4, pid);
	return (store_query_exec(&q, cause));
}

int
store_inflight_clear(struct store *s, const char *source, char **cause)
{
	struct store_query	q;

	if (store_query_start(&q, s, ST_INFLIGHT_CLEAR, "clearing what was in "
	    "flight", cause) != 0)
		return (-1);
	store_query_text(&q, 1, source);
	return (store_query_exec(&q, cause));
}

/* ---- walks ---- */

int
store_ticket_messages(struct store *s, int64_t ticket, store_message_cb cb,
    void *arg, char **cause)
{
	struct stored_message	 m;
	struct store_query	 q;
	int			 r, d, k;

	if (store_query_start(&q, s, ST_MESSAGES, "reading messages",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, ticket);
	while ((r = store_query_step(&q, cause)) == 1) {
		memset(&m, 0, sizeof m);
		m.id = sqlite3_column_int64(q.stmt, 0);
		m.ticket_id = sqlite3_column_int64(q.stmt, 1);
		m.message_id = store_column_text(&q, 2);
		d = store_name_lookup(direction_names, nitems(direction_names),
		    store_column_text(&q, 3));
		m.direction = d == -1 ? MSG_IN : (enum msg_direction)d;
		k = store_name_lookup(kind_names, nitems(kind_names),
		    store_column_text(&q, 4));
		m.kind = k == -1 ? MSG_KIND_AUTOMATED : (enum msg_kind)k;
		m.from_addr = store_column_text(&q, 5);
		m.from_name = store_column_text(&q, 6);
		m.to = store_column_text(&q, 7);
		m.cc = store_column_text(&q, 8);
		m.subject = store_column_text(&q, 9);
		m.date = (time_t)sqlite3_column_int64(q.stmt, 10);
		m.received = (time_t)sqlite3_column_int64(q.stmt, 11);
		m.body = store_column_text(&q, 12);
		m.attachments = store_column_text(&q, 13);
		m.hash = store_column_text(&q, 14);
		m.in_reply_to = store_column_text(&q, 15);
		m.references = store_column_text(&q, 16);
		if (cb(&m, arg) != 0)
			break;
	}
	store_query_end(&q);
	return (r == -1 ? -1 : 0);
}

/* ---- names ---- */

const char *
store_kind_name(enum msg_kind k)
{
	if ((unsigned)k >= nitems(kind_names))
		return ("unknown");
	return (kind_names[k]);
}

const char *
store_direction_name(enum msg_direction d)
{
	if ((unsigned)d >= nitems(direction_names))
		return ("unknown");
	return (direction_names[d]);
}
