/*
 * helpq - csat.c: the rating in a reply to a satisfaction survey.
 */
#include "compat.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csat.h"
#include "utf8.h"
#include "xmalloc.h"

/* Words and the rating (1-5) they give, folded (utf8_fold: lower case,
 * Greek without accents); the longer phrase of a pair first. */
static const struct {
	const char	*word;
	int		 rating;
} csat_words[] = {
	/* English */
	{ "very poor", 1 }, { "very bad", 1 }, { "terrible", 1 },
	{ "awful", 1 }, { "horrible", 1 }, { "not good", 2 },
	{ "very good", 5 }, { "excellent", 5 }, { "outstanding", 5 },
	{ "perfect", 5 }, { "great", 5 }, { "good", 4 }, { "okay", 3 },
	{ "ok", 3 }, { "average", 3 }, { "fair", 3 }, { "poor", 2 },
	{ "bad", 2 },
	/* German */
	{ "sehr schlecht", 1 }, { "furchtbar", 1 }, { "schrecklich", 1 },
	{ "ungenügend", 1 }, { "nicht gut", 2 }, { "sehr gut", 5 },
	{ "ausgezeichnet", 5 }, { "hervorragend", 5 }, { "perfekt", 5 },
	{ "super", 5 }, { "toll", 5 }, { "gut", 4 }, { "geht so", 3 },
	{ "befriedigend", 3 }, { "mittelmäßig", 3 }, { "schlecht", 2 },
	{ "mangelhaft", 2 },
	/* Greek, folded: πολύ καλά is "πολυ καλα" */
	{ "πολυ κακα", 1 }, { "πολυ κακη", 1 }, { "απαισια", 1 },
	{ "χαλια", 1 }, { "οχι καλα", 2 }, { "πολυ καλα", 5 },
	{ "πολυ καλη", 5 }, { "πολυ καλο", 5 }, { "αριστα", 5 },
	{ "εξαιρετικα", 5 }, { "εξαιρετικη", 5 }, { "τελεια", 5 },
	{ "καλα", 4 }, { "καλη", 4 }, { "καλο", 4 }, { "μετρια", 3 },
	{ "κακα", 2 }, { "κακη", 2 },
};

/* Faces and thumbs, on the 1-5 scale. */
static const struct {
	unsigned	 cp;
	int		 rating;
} csat_emoji[] = {
	{ 0x1F600, 5 }, { 0x1F601, 5 }, { 0x1F603, 5 }, { 0x1F604, 5 },
	{ 0x1F60A, 5 }, { 0x1F60D, 5 }, { 0x1F929, 5 }, { 0x1F44D, 5 },
	{ 0x2764, 5 }, { 0x1F642, 4 }, { 0x1F610, 3 }, { 0x1F611, 3 },
	{ 0x1F615, 2 }, { 0x1F641, 2 }, { 0x2639, 2 }, { 0x1F61E, 2 },
	{ 0x1F620, 1 }, { 0x1F621, 1 }, { 0x1F92C, 1 }, { 0x1F44E, 1 },
};

/* "--", "On ... wrote:", "Am ... schrieb ...:", "Στις ... έγραψε:",
 * "-----Original Message-----": where the customer's own words end. */
static int
csat_end_line(const char *l, size_t n)
{
	while (n > 0 && (l[n - 1] == ' ' || l[n - 1] == '\r' ||
	    l[n - 1] == '\t'))
		n--;
	if ((n == 2 && strncmp(l, "--", 2) == 0) || (n >= 5 &&
	    strncmp(l, "-----", 5) == 0))
		return (1);
	/* The header block Outlook puts above the message it answers. */
	if (strncmp(l, "From: ", 6) == 0 || strncmp(l, "Von: ", 5) == 0 ||
	    strncmp(l, "Από: ", strlen("Από: ")) == 0)
		return (1);
	if (n < 6 || l[n - 1] != ':')
		return (0);
	if (strncmp(l, "On ", 3) == 0 && n >= 9 &&
	    strncmp(l + n - 6, "wrote:", 6) == 0)
		return (1);
	if (strncmp(l, "Am ", 3) == 0 && memmem(l, n, "schrieb", 7) != NULL)
		return (1);
	if (strncmp(l, "Στις ", strlen("Στις ")) == 0 &&
	    memmem(l, n, "έγραψε", strlen("έγραψε")) != NULL)
		return (1);
	return (0);
}

/* The customer's own words: no quotes, no signature, no attribution. */
static void
csat_own(const char *text, struct buf *b)
{
	const char	*l = text, *e;
	size_t		 n, i;

	while (*l != '\0') {
		e = strchr(l, '\n');
		n = e != NULL ? (size_t)(e - l) : strlen(l);
		if (csat_end_line(l, n))
			break;
		for (i = 0; i < n && (l[i] == ' ' || l[i] == '\t'); i++)
			;
		if (i == n || l[i] != '>') {
			buf_add(b, l, n);
			buf_addc(b, '\n');
		}
		if (e == NULL)
			break;
		l = e + 1;
	}
}

/* Carry r on scale from to scale to (5 or 10), rounded. */
static int
csat_rescale(int r, int from, int to)
{
	if (from == to)
		return (r);
	return ((r * to + from / 2) / from);
}

static int
csat_word_char(const char *s, size_t n, size_t at)
{
	unsigned char	c;

	if (at >= n)
		return (0);
	c = (unsigned char)s[at];
	return (isalnum(c) || c >= 0x80);
}

/* The number at s[*i] (1 or 2 digits, not part of a longer one). */
static int
csat_number(const char *s, size_t n, size_t *i, int *v)
{
	size_t	j = *i;

	if (j > 0 && (isalnum((unsigned char)s[j - 1]) || s[j - 1] == '.' ||
	    s[j - 1] == ','))
		return (0);
	if (j >= n || !isdigit((unsigned char)s[j]))
		return (0);
	*v = s[j++] - '0';
	if (j < n && isdigit((unsigned char)s[j]))
		*v = *v * 10 + (s[j++] - '0');
	if (j < n && (isdigit((unsigned char)s[j]) || isalpha((unsigned char)
	    s[j]) || ((s[j] == '.' || s[j] == ',') && j + 1 < n &&
	    isdigit((unsigned char)s[j + 1]))))
		return (0);
	*i = j;
	return (1);
}

/* After a number at s[i]: "/5", " von 5", " out of 10", " of 5": the
 * scale written, else 0. " stars" and its kin: -1. */
static int
csat_after(const char *s, size_t n, size_t i)
{
	static const char *const of[] = { " von ", " out of ", " of ",
	    " από ", " aus " };
	static const char *const stars[] = { " stars", " star", " sterne",
	    " stern", " αστερια", " αστερι" };
	size_t	k, len;
	int	d;

	while (i < n && s[i] == ' ' && i + 1 < n && s[i + 1] == ' ')
		i++;
	if (i < n && s[i] == '/') {
		i++;
		while (i < n && s[i] == ' ')
			i++;
		return (csat_number(s, n, &i, &d) && (d == 5 || d == 10) ?
		    d : 0);
	}
	for (k = 0; k < nitems(of); k++) {
		len = strlen(of[k]);
		if (i + len <= n && strncmp(s + i, of[k], len) == 0) {
			i += len;
			return (csat_number(s, n, &i, &d) && (d == 5 ||
			    d == 10) ? d : 0);
		}
	}
	for (k = 0; k < nitems(stars); k++) {
		len = strlen(stars[k]);
		if (i + len <= n && strncmp(s + i, stars[k], len) == 0 &&
		    !csat_word_char(s, n, i + len))
			return (-1);
	}
	return (0);
}

/* A number rating in folded text s: opening it, or written as one
 * anywhere. */
static int
csat_numbers(const char *s, size_t n, int scale, int *rating)
{
	size_t	i, j;
	int	v, d;

	for (i = 0; i < n && isspace((unsigned char)s[i]); i++)
		;
	j = i;
	if (csat_number(s, n, &j, &v)) {
		d = csat_after(s, n, j);
		if (d > 0)
			v = csat_rescale(v, d, scale);
		/* Opening the text, the number is the answer. */
		if (v >= (scale == 10 ? 0 : 1) && v <= scale) {
			*rating = v;
			return (1);
		}
	}
	for (i = 0; i < n; i++) {
		j = i;
		if (!csat_number(s, n, &j, &v) || (d = csat_after(s, n, j)) ==
		    0)
			continue;
		if (d > 0) {
			if (v > d)
				continue;
			v = csat_rescale(v, d, scale);
		} else if (v < 1 || v > 5)
			continue;
		else
			v = csat_rescale(v, 5, scale);
		if (v < (scale == 10 ? 0 : 1) || v > scale)
			continue;
		*rating = v;
		return (1);
	}
	return (0);
}

/* Stars, then faces, in s. */
static int
csat_symbols(const char *s, size_t n, int scale, int *rating)
{
	const char	*p = s, *end = s + n;
	uint32_t	 cp;
	size_t		 k;
	int		 filled = 0, empty = 0, face = 0;

	while (p < end) {
		cp = utf8_next(&p, end);
		if (cp == 0x2605 || cp == 0x2B50)
			filled++;
		else if (cp == 0x2606)
			empty++;
		else if (face == 0) {
			for (k = 0; k < nitems(csat_emoji); k++) {
				if (csat_emoji[k].cp == cp)
					face = csat_emoji[k].rating;
			}
		}
	}
	if (filled > 0 && filled <= 5 && filled + empty <= 5) {
		*rating = csat_rescale(filled, 5, scale);
		return (1);
	}
	if (face != 0) {
		*rating = csat_rescale(face, 5, scale);
		return (1);
	}
	return (0);
}

/* A word rating in folded s, the earliest in the text. */
static int
csat_wordsearch(const char *s, size_t n, int scale, int *rating)
{
	const char	*at, *best = NULL;
	size_t		 k, len, bestlen = 0;
	int		 r = 0;

	for (k = 0; k < nitems(csat_words); k++) {
		len = strlen(csat_words[k].word);
		for (at = s; (at = memmem(at, (size_t)(s + n - at),
		    csat_words[k].word, len)) != NULL; at++) {
			if (csat_word_char(s, n, (size_t)(at - s) - 1) &&
			    at > s)
				continue;
			if (csat_word_char(s, n, (size_t)(at - s) + len))
				continue;
			/* The earliest, and of those there the longest. */
			if (best == NULL || at < best || (at == best &&
			    len > bestlen)) {
				best = at;
				bestlen = len;
				r = csat_words[k].rating;
			}
			break;
		}
	}
	if (best == NULL)
		return (0);
	*rating = csat_rescale(r, 5, scale);
	return (1);
}

int
csat_parse(const char *text, int scale, int *rating, char **comment)
{
	struct buf	 own;
	char		*folded;
	size_t		 n, flen;
	int		 r = -1, found;

	if (scale != 10)
		scale = 5;
	buf_init(&own);
	csat_own(text != NULL ? text : "", &own);
	n = own.len;
	folded = xmalloc(n + 1);
	flen = utf8_fold(buf_cstr(&own), n, folded);
	folded[flen] = '\0';
	found = csat_numbers(folded, flen, scale, &r) ||
	    csat_symbols(folded, flen, scale, &r);
	/* A word in a question ("is it good to ...?") rates nothing. */
	if (!found && memchr(folded, '?', flen) == NULL &&
	    memchr(folded, ';', flen) == NULL &&
	    memmem(folded, flen, "\xcd\xbe", 2) == NULL)
		found = csat_wordsearch(folded, flen, scale, &r);
	free(folded);
	if (!found) {
		buf_free(&own);
		return (-1);
	}
	*rating = r;
	while (own.len > 0 && isspace((unsigned char)own.data[own.len - 1]))
		own.len--;
	own.data[own.len] = '\0';
	*comment = xstrdup(buf_cstr(&own) + strspn(buf_cstr(&own), " \t\r\n"));
	buf_free(&own);
	return (0);
}
