/* helpq - rules_ac.c: Aho-Corasick scan for many literals in one pass. */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rules_private.h"
#include "xmalloc.h"

/*
 * A dense DFA. Every byte maps to a class: bytes in no literal share class
 * 0, 'A'..'Z' share the class of 'a'..'z' (so the text is folded for free).
 * next[s + class] is the following state, stored multiplied by nclasses so
 * the scan needs no multiplication, with AC_HIT set when some literal ends
 * in that state (its own or a shorter one through the failure links).
 *
 * The table holds nstates * nclasses uint32s, nstates being at most one
 * plus the literal bytes. 1,000 literals of 5-12 bytes (the 50 benchmark
 * rules' and mail words) make ~4,600 states: 0.6 MB with their 31 classes,
 * 1.1 MB if digits, punctuation and UTF-8 bring 60; 5,000 literals make
 * ~22,000 states, 2.7-5 MB. Built in about a millisecond per 1,000.
 */

#define AC_HIT		0x80000000U	/* a literal ends in the target */
#define AC_ID_MAX	0x7fffffffU

struct ac_lit {
	char		*s;			/* folded */
	size_t		 len;
	uint32_t	 id;
};

struct rules_ac {
	struct ac_lit	*lits;			/* until built */
	size_t		 nlits;
	size_t		 slits;
	int		 built;

	uint8_t		 cls[256];
	uint32_t	 nclasses;
	uint32_t	 nstates;
	uint32_t	*next;			/* [state * nclasses + class] */
	/* The ids ending in state s: ids[own[s]] to ids[own[s + 1] - 1]. */
	uint32_t	*own;
	uint32_t	*ids;
	/* For each state, the next one on its failure chain with ids, or 0. */
	uint32_t	*link;
	uint32_t	*distinct;		/* sorted, unique ids */
	size_t		 ndistinct;
	uint32_t	 max_id;
};

struct rules_ac *
rules_ac_new(void)
{
	return (xcalloc(1, sizeof (struct rules_ac)));
}

/*
 * Caseless PCRE2 with Unicode matches 's' to U+017F (long s) and 'k' to
 * U+212A (Kelvin sign): the only characters outside ASCII that fold to an
 * ASCII letter. Text holding either is scanned as a copy with them turned
 * into s and k, so caseless literals may keep those letters; literals are
 * folded the same way, so one holding U+212A still finds it.
 */
static char *
ac_fold_copy(const char *text, size_t len, size_t *lenp)
{
	char	*out;
	size_t	 i, o = 0;

	out = xmalloc(len + 1);
	for (i = 0; i < len; i++) {
		if (i + 1 < len && (unsigned char)text[i] == 0xc5 &&
		    (unsigned char)text[i + 1] == 0xbf) {
			out[o++] = 's';
			i++;
		} else if (i + 2 < len && (unsigned char)text[i] == 0xe2 &&
		    (unsigned char)text[i + 1] == 0x84 &&
		    (unsigned char)text[i + 2] == 0xaa) {
			out[o++] = 'k';
			i += 2;
		} else
			out[o++] = text[i];
	}
	*lenp = o;
	return (out);
}

void
rules_ac_add(struct rules_ac *ac, const char *lit, size_t len, uint32_t id)
{
	struct ac_lit	*l;
	size_t		 i;

	if (ac->built)
		fatalx("%s: automaton already built", __func__);
	if (id > AC_ID_MAX)
		fatalx("%s: id %u too large", __func__, id);
	if (ac->nlits == ac->slits) {
		ac->slits = ac->slits == 0 ? 64 : ac->slits * 2;
		ac->lits = xreallocarray(ac->lits, ac->slits, sizeof *ac->lits);
	}
	l = &ac->lits[ac->nlits++];
	l->s = ac_fold_copy(lit, len, &len);
	for (i = 0; i < len; i++) {
		if (l->s[i] >= 'A' && l->s[i] <= 'Z')
			l->s[i] += 'a' - 'A';
	}
	l->s[len] = '\0';
	l->len = len;
	l->id = id;
	if (id > ac->max_id)
		ac->max_id = id;
}

static int
ac_cmp_id(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x < y ? -1 : x > y);
}

/* Give every byte its class; letters share their lower case's. */
static void
ac_classes(struct rules_ac *ac)
{
	uint8_t		used[256];
	size_t		i, j;
	unsigned	c, k;

	memset(used, 0, sizeof used);
	for (i = 0; i < ac->nlits; i++) {
		for (j = 0; j < ac->lits[i].len; j++)
			used[(uint8_t)ac->lits[i].s[j]] = 1;
	}
	k = 1;
	for (c = 0; c < 256; c++) {
		if (used[c] && !(c >= 'A' && c <= 'Z'))
			ac->cls[c] = k++;
		else
			ac->cls[c] = 0;
	}
	for (c = 'A'; c <= 'Z'; c++)
		ac->cls[c] = ac->cls[c - 'A' + 'a'];
	ac->nclasses = k;
}

/* The sorted distinct ids of the literals, which are then freed. */
static void
ac_distinct(struct rules_ac *ac)
{
	size_t	i, n;

	ac->distinct = xcalloc(ac->nlits + 1, sizeof *ac->distinct);
	for (i = 0; i < ac->nlits; i++)
		ac->distinct[i] = ac->lits[i].id;
	qsort(ac->distinct, ac->nlits, sizeof *ac->distinct, ac_cmp_id);
	for (i = n = 0; i < ac->nlits; i++) {
		if (n == 0 || ac->distinct[n - 1] != ac->distinct[i])
			ac->distinct[n++] = ac->distinct[i];
	}
	ac->ndistinct = n;
	for (i = 0; i < ac->nlits; i++)
		free(ac->lits[i].s);
	free(ac->lits);
	ac->lits = NULL;
	ac->nlits = ac->slits = 0;
}

void
rules_ac_build(struct rules_ac *ac)
{
	uint32_t	*term, *fail, *queue, *cnt, *next, s, t, nc, head, tail;
	size_t		 i, j, cap, n;
	uint8_t		*hit;

	if (ac->built)
		fatalx("%s: automaton already built", __func__);
	ac->built = 1;
	ac_classes(ac);
	nc = ac->nclasses;

	/* The trie; row 0 is the root, and 0 in a row means no child yet. */
	cap = 1;
	for (i = 0; i < ac->nlits; i++)
		cap += ac->lits[i].len;
	if (cap > AC_ID_MAX / nc)
		fatalx("%s: too many literals", __func__);
	next = xcalloc(cap * nc, sizeof *next);
	term = xcalloc(ac->nlits + 1, sizeof *term);
	ac->nstates = 1;
	for (i = 0; i < ac->nlits; i++) {
		s = 0;
		for (j = 0; j < ac->lits[i].len; j++) {
			t = ac->cls[(uint8_t)ac->lits[i].s[j]];
			if (next[s * nc + t] == 0)
				next[s * nc + t] = ac->nstates++;
			s = next[s * nc + t];
		}
		term[i] = s;
	}
	next = xreallocarray(next, (size_t)ac->nstates * nc, sizeof *next);
	ac->next = next;

	/* Each state's own ids, grouped by state. */
	cnt = xcalloc(ac->nstates + 1, sizeof *cnt);
	for (i = 0; i < ac->nlits; i++)
		cnt[term[i] + 1]++;
	for (s = 0; s < ac->nstates; s++)
		cnt[s + 1] += cnt[s];
	ac->own = xcalloc(ac->nstates + 1, sizeof *ac->own);
	memcpy(ac->own, cnt, (ac->nstates + 1) * sizeof *cnt);
	ac->ids = xcalloc(ac->nlits + 1, sizeof *ac->ids);
	for (i = 0; i < ac->nlits; i++)
		ac->ids[cnt[term[i]]++] = ac->lits[i].id;
	free(cnt);

	/*
	 * Failure links breadth first: when s is reached, every shallower
	 * row is complete, so a missing child of s goes where its failure
	 * state goes.
	 */
	fail = xcalloc(ac->nstates, sizeof *fail);
	queue = xcalloc(ac->nstates, sizeof *queue);
	ac->link = xcalloc(ac->nstates, sizeof *ac->link);
	hit = xcalloc(ac->nstates, 1);
	head = tail = 0;
	for (t = 0; t < nc; t++) {
		if ((s = next[t]) != 0)
			queue[tail++] = s;
	}
	while (head < tail) {
		s = queue[head++];
		for (t = 0; t < nc; t++) {
			if (next[s * nc + t] != 0) {
				fail[next[s * nc + t]] = next[fail[s] * nc + t];
				queue[tail++] = next[s * nc + t];
			} else
				next[s * nc + t] = next[fail[s] * nc + t];
		}
		/* The root's ids (empty literals) are reported up front. */
		if (fail[s] != 0 && ac->own[fail[s]] != ac->own[fail[s] + 1])
			ac->link[s] = fail[s];
		else
			ac->link[s] = ac->link[fail[s]];
		hit[s] = ac->own[s] != ac->own[s + 1] || ac->link[s] != 0;
	}
	n = (size_t)ac->nstates * nc;
	for (i = 0; i < n; i++)
		next[i] = next[i] * nc | (hit[next[i]] ? AC_HIT : 0);
	free(hit);
	free(queue);
	free(fail);
	free(term);

	ac_distinct(ac);
}

/* Set the bits of the ids ending in state s; returns how many were new. */
static size_t
ac_report(const struct rules_ac *ac, uint32_t s, uint8_t *seen,
    size_t *left)
{
	size_t		n = 0;
	uint32_t	i, id;

	if (s != 0 && ac->own[s] == ac->own[s + 1])
		s = ac->link[s];
	do {
		for (i = ac->own[s]; i < ac->own[s + 1]; i++) {
			id = ac->ids[i];
			if (seen[id >> 3] & (1U << (id & 7)))
				continue;
			seen[id >> 3] |= 1U << (id & 7);
			n++;
			if (--*left == 0)
				return (n);
		}
	} while (s != 0 && (s = ac->link[s]) != 0);
	return (n);
}

static size_t	ac_scan(const struct rules_ac *, const char *, size_t,
		    uint8_t *);

size_t
rules_ac_scan(const struct rules_ac *ac, const char *text, size_t len,
    uint8_t *seen)
{
	char	*folded;
	size_t	 flen, n;

	if (memmem(text, len, "\xc5\xbf", 2) == NULL &&
	    memmem(text, len, "\xe2\x84\xaa", 3) == NULL)
		return (ac_scan(ac, text, len, seen));
	folded = ac_fold_copy(text, len, &flen);
	n = ac_scan(ac, folded, flen, seen);
	free(folded);
	return (n);
}

static size_t
ac_scan(const struct rules_ac *ac, const char *text, size_t len,
    uint8_t *seen)
{
	const uint8_t	*p = (const uint8_t *)text, *end = p + len;
	const uint32_t	*next = ac->next;
	const uint8_t	*cls = ac->cls;
	size_t		 i, left, n;
	uint32_t	 s, id;

	if (!ac->built)
		fatalx("%s: automaton not built", __func__);
	/*
	 * Stop once left, an upper bound of the ids not yet seen, drops to
	 * 0. Counting the bits set by earlier scans costs a pass over the
	 * ids, which is only worth it for a text at least as long.
	 */
	left = ac->ndistinct;
	if (len >= ac->ndistinct) {
		for (i = 0; i < ac->ndistinct; i++) {
			id = ac->distinct[i];
			if (seen[id >> 3] & (1U << (id & 7)))
				left--;
		}
	}
	if (left == 0)
		return (0);
	n = 0;
	if (ac->own[0] != ac->own[1]) {
		n += ac_report(ac, 0, seen, &left);
		if (left == 0)
			return (n);
	}
	s = 0;
	while (p < end) {
		s = next[s + cls[*p++]];
		if (s & AC_HIT) {
			s &= ~AC_HIT;
			n += ac_report(ac, s / ac->nclasses, seen, &left);
			if (left == 0)
				break;
		}
	}
	return (n);
}

uint32_t
rules_ac_max_id(const struct rules_ac *ac)
{
	return (ac->max_id);
}

void
rules_ac_free(struct rules_ac *ac)
{
	size_t	i;

	if (ac == NULL)
		return;
	for (i = 0; i < ac->nlits; i++)
		free(ac->lits[i].s);
	free(ac->lits);
	free(ac->next);
	free(ac->own);
	free(ac->ids);
	free(ac->link);
	free(ac->distinct);
	free(ac);
}
