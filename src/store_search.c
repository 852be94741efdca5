/*
 * helpq - store_search.c: full-text search over the index store_index.c
 * keeps: what the user typed made into an FTS5 query (syntax on purpose
 * kept, anything else quoted word by word), the hits ranked, and a
 * snippet of each. It runs on the store's connection, the index attached
 * for the while.
 */
#include "compat.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "store.h"
#include "store_private.h"
#include "xmalloc.h"

/* Search hits when the caller asks for 0. */
#define SEARCH_DEFAULT_LIMIT	50

/* Does the user's query use FTS5 syntax on purpose? */
static int
search_is_syntax(const char *q)
{
	static const char	*ops[] = { "AND", "OR", "NOT", "NEAR" };
	const char		*p = q, *w;
	size_t			 n, i;

	if (strchr(q, '"') != NULL)
		return (1);
	while (*p != '\0') {
		p += strspn(p, " \t\r\n");
		w = p;
		n = strcspn(p, " \t\r\n");
		p += n;
		for (i = 0; i < nitems(ops); i++) {
			if (n >= strlen(ops[i]) &&
			    strncmp(w, ops[i], strlen(ops[i])) == 0 &&
			    (n == strlen(ops[i]) || w[strlen(ops[i])] == '('))
				return (1);
		}
		if ((n > 8 && strncmp(w, "subject:", 8) == 0) ||
		    (n > 5 && strncmp(w, "body:", 5) == 0))
			return (1);
	}
	return (0);
}

/*
 * Every phrase of a query costs FTS5 work for every occurrence of every
 * other phrase in each matching row (ranking and the snippet), so a word
 * repeated a few hundred times took minutes. Repeats are dropped and the
 * distinct words capped; the byte cap only bounds the scan for them.
 */
#define SEARCH_MAX_TERMS	32
#define SEARCH_MAX_BYTES	65536

/* A letter, a digit or part of a non-ASCII character: FTS5 indexes it. */
static int
search_is_wordc(unsigned char c)
{
	return (c >= 0x80 || (c >= '0' && c <= '9') ||
	    ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'));
}

/* The words of an FTS5 query, its operators aside. */
static size_t
search_count_terms(const char *q)
{
	static const char	*ops[] = { "AND", "OR", "NOT", "NEAR" };
	const unsigned char	*p = (const unsigned char *)q, *w;
	size_t			 n = 0, len, i;

	while (*p != '\0') {
		if (!search_is_wordc(*p)) {
			p++;
			continue;
		}
		for (w = p; search_is_wordc(*p); p++)
			;
		len = (size_t)(p - w);
		for (i = 0; i < nitems(ops); i++) {
			if (len == strlen(ops[i]) &&
			    memcmp(w, ops[i], len) == 0)
				break;
		}
		if (i == nitems(ops))
			n++;
	}
	return (n);
}

/* Has out (phrases separated by blanks) the phrase in word already? */
static int
search_has_phrase(const struct buf *out, const struct buf *word)
{
	const char	*p, *e;

	/* An empty buffer may have no data yet: no NULL + 0. */
	if (out->len == 0)
		return (0);
	p = out->data;
	e = p + out->len;
	while (p < e) {
		/* Phrases hold no blank: their words have none. */
		const char	*end = memchr(p, ' ', (size_t)(e - p));

		if (end == NULL)
			end = e;
		if ((size_t)(end - p) == word->len &&
		    memcmp(p, word->data, word->len) == 0)
			return (1);
		p = end + 1;
	}
	return (0);
}

/*
 * Turn the user's words into FTS5 strings: each becomes a "quoted" phrase
 * (so punctuation is never syntax), a trailing * stays a prefix search,
 * and words with no letter or digit are dropped, and so are repeats. The
 * phrases are ANDed. Returns the number of distinct phrases.
 */
static size_t
search_quote(const char *q, struct buf *out)
{
	const unsigned char	*p = (const unsigned char *)q, *w;
	struct buf		 word;
	size_t			 n, i, terms = 0;
	int			 prefix, useful;

	buf_reset(out);
	buf_init(&word);
	while (*p != '\0') {
		p += strspn((const char *)p, " \t\r\n");
		w = p;
		n = strcspn((const char *)p, " \t\r\n");
		p += n;
		prefix = n > 1 && w[n - 1] == '*';
		if (prefix)
			n--;
		useful = 0;
		for (i = 0; i < n; i++) {
			if (search_is_wordc(w[i]))
				useful = 1;
		}
		if (!useful)
			continue;
		buf_reset(&word);
		buf_addc(&word, '"');
		for (i = 0; i < n; i++) {
			if (w[i] == '"')
				buf_addc(&word, '"');
			buf_addc(&word, (char)w[i]);
		}
		buf_addc(&word, '"');
		if (prefix)
			buf_addc(&word, '*');
		if (search_has_phrase(out, &word))
			continue;
		if (out->len > 0)
			buf_addc(out, ' ');
		buf_add(out, word.data, word.len);
		terms++;
	}
	buf_free(&word);
	return (terms);
}

/*
 * The snippet of a hit: a few words either side of the first match in
 * hl (text with each match between \2 and \3), matches in [ ], blanks
 * folded, "..." where cut. FTS5's snippet() scores every window against
 * every match, which is quadratic in the matches of a row: one word
 * searched in a message that repeats it 60,000 times took minutes; this
 * is one pass. Returns 0 with out set, -1 when hl has no match.
 */
#define SNIPPET_BEFORE	5	/* words */
#define SNIPPET_AFTER	10	/* words */
#define SNIPPET_MAX	240	/* bytes, before the [ ] and ... */

static int
search_snippet(const char *hl, struct buf *out)
{
	const char	*m, *p, *start, *end;
	size_t		 words;
	int		 blank = 0;

	if (hl == NULL || (m = strchr(hl, '\2')) == NULL)
		return (-1);
	for (start = m, words = 0; start > hl; start--) {
		if (strchr(" \t\r\n", start[-1]) != NULL &&
		    strchr(" \t\r\n", start[0]) == NULL &&
		    ++words > SNIPPET_BEFORE)
			break;
		if ((size_t)(m - start) >= SNIPPET_MAX / 2 &&
		    ((unsigned char)*start & 0xc0) != 0x80)
			break;
	}
	for (end = m, words = 0; *end != '\0'; end++) {
		if (strchr(" \t\r\n", *end) != NULL && end > m &&
		    strchr(" \t\r\n", end[-1]) == NULL &&
		    ++words > SNIPPET_AFTER)
			break;
		if ((size_t)(end - start) >= SNIPPET_MAX &&
		    ((unsigned char)*end & 0xc0) != 0x80)
			break;
	}
	buf_reset(out);
	if (start > hl)
		buf_adds(out, "...");
	for (p = start; p < end; p++) {
		if (strchr(" \t\r\n", *p) != NULL) {
			blank = out->len > 0;
			continue;
		}
		if (blank)
			buf_addc(out, ' ');
		blank = 0;
		buf_addc(out, *p == '\2' ? '[' : *p == '\3' ? ']' : *p);
	}
	if (*end != '\0')
		buf_adds(out, "...");
	return (0);
}

/* The snippet of hit id: the body's first match, else the subject's. */
static int
search_hit_text(struct store *s, const char *match, int64_t id,
    struct buf *snip, char **cause)
{
	struct store_query	q;
	int			r;

	buf_reset(snip);
	/* FTS5 marks the match up in a copy of the hit's text alone. */
	if (!s->hl && store_exec_fixed(s, "CREATE VIRTUAL TABLE IF NOT EXISTS"
	    " temp.hl USING fts5(subject, body, tokenize = '" FOLD_TOKENIZER
	    "')", "searching", cause) != 0)
		return (-1);
	s->hl = 1;
	if (store_run(s, ST_SEARCH_HL_CLEAR, "searching", cause) != 0 ||
	    store_query_start(&q, s, ST_SEARCH_HL_FILL, "searching",
	    cause) != 0)
		return (-1);
	store_query_int(&q, 1, id);
	if (store_query_exec(&q, cause) != 0 ||
	    store_query_start(&q, s, ST_SEARCH_TEXT, "searching", cause) != 0)
		return (-1);
	store_query_text(&q, 1, match);
	if ((r = store_query_step(&q, cause)) == 1) {
		if (search_snippet(store_column_text(&q, 0), snip) != 0 &&
		    search_snippet(store_column_text(&q, 1), snip) != 0)
			buf_reset(snip);
		store_query_end(&q);
	}
	return (r == -1 ? -1 : 0);
}

static int
search_run(struct store *s, const char *match, int limit, store_hit_cb cb,
    void *arg, char **cause)
{
	struct search_hit	h;
	struct store_query	q;
	struct buf		snip;
	int			r;

	if (store_query_start(&q, s, ST_SEARCH, "searching", cause) != 0)
		return (-1);
	store_query_text(&q, 1, match);
	store_query_int(&q, 2, limit);
	buf_init(&snip);
	while ((r = store_query_step(&q, cause)) == 1) {
		h.ticket_id = sqlite3_column_int64(q.stmt, 0);
		h.message_id = sqlite3_column_int64(q.stmt, 1);
		h.subject = store_column_text(&q, 2);
		h.from_addr = store_column_text(&q, 3);
		h.date = (time_t)sqlite3_column_int64(q.stmt, 4);
		if (search_hit_text(s, match, h.message_id, &snip,
		    cause) != 0) {
			r = -1;
			break;
		}
		h.snippet = buf_cstr(&snip);
		if (cb(&h, arg) != 0)
			break;
	}
	buf_free(&snip);
	store_query_end(&q);
	return (r == -1 ? -1 : 0);
}

static int
search_query(struct store *s, const char *query, int limit,
    store_hit_cb cb, void *arg, char **cause)
{
	struct buf	 b;
	char		*why = NULL;
	int		 rc;

	if (strlen(query) > SEARCH_MAX_BYTES) {
		*cause = xprintf("the query is longer than %d bytes",
		    SEARCH_MAX_BYTES);
		return (-1);
	}
	if (search_is_syntax(query)) {
		if (search_count_terms(query) > SEARCH_MAX_TERMS) {
			*cause = xprintf("the query has more than %d words; "
			    "search for fewer", SEARCH_MAX_TERMS);
			return (-1);
		}
		if (search_run(s, query, limit, cb, arg, &why) == 0)
			return (0);
		/* Not valid FTS5 after all: search for the words instead. */
		log_debug("search: %s; searching the words", why);
		free(why);
	}
	buf_init(&b);
	if (search_quote(query, &b) > SEARCH_MAX_TERMS) {
		*cause = xprintf("the query has more than %d different words; "
		    "search for fewer", SEARCH_MAX_TERMS);
		rc = -1;
	} else
		rc = b.len == 0 ? 0 : search_run(s, buf_cstr(&b), limit, cb,
		    arg, cause);
	buf_free(&b);
	return (rc);
}

/*
 * The index is attached only while a search runs: attached, it would be
 * write-locked by every BEGIN IMMEDIATE of this connection and stall the
 * thread that indexes.
 */
int
store_search(struct store *s, const char *query, int limit,
    store_hit_cb cb, void *arg, char **cause)
{
	struct store_query	 q;
	char			*path, *why = NULL;
	int			 rc;

	if (limit <= 0)
		limit = SEARCH_DEFAULT_LIMIT;
	if (!s->readonly && s->indexer == NULL && s->inserted) {
		if (store_index_update(s->path, cause) != 0)
			return (-1);
		s->inserted = 0;
	}
	path = store_index_path(s->path);
	if (store_query_start(&q, s, ST_ATTACH_INDEX,
	    "opening the search index", cause) != 0) {
		free(path);
		return (-1);
	}
	store_query_text(&q, 1, path);
	rc = store_query_exec(&q, &why);
	free(path);
	if (rc != 0) {
		*cause = xprintf("%s (a command that writes, such as "
		    "helpq import, builds it)", why);
		free(why);
		return (-1);
	}
	rc = search_query(s, query, limit, cb, arg, cause);
	if (store_query_start(&q, s, ST_DETACH_INDEX,
	    "closing the search index", rc == 0 ? cause : &why) != 0 ||
	    store_query_exec(&q, rc == 0 ? cause : &why) != 0) {
		if (rc != 0)
			free(why);
		rc = -1;
	}
	return (rc);
}
