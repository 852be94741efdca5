/*
 * helpq - utf8.c: UTF-8 decoding, encoding, validation, cutting and the
 * case fold for matching. Everything that reads characters out of mail
 * text goes through here, so the message parser, the composer, the rules,
 * the templates, threading and search agree on what a character is.
 */
#include "compat.h"

#include <string.h>

#include "utf8.h"

#define WORD_HI		0x8080808080808080ULL
#define WORD_LO		0x0101010101010101ULL

/* A continuation byte (10xxxxxx) never starts a character. */
#define IS_CONT(c)	(((c) & 0xc0) == 0x80)

/*
 * The number of bytes below 0x80 at the start of s, eight at a time: mail
 * is mostly ASCII, and this is the loop every message's text runs through.
 * With nul set, a NUL ends the run too.
 */
static size_t
ascii_words(const unsigned char *s, size_t n, int nul)
{
	uint64_t	w;
	size_t		i = 0;

	while (n - i >= 8) {
		memcpy(&w, s + i, 8);
		if ((w & WORD_HI) != 0 ||
		    (nul && ((w - WORD_LO) & ~w & WORD_HI) != 0))
			break;
		i += 8;
	}
	while (i < n && s[i] < 0x80 && (!nul || s[i] != 0))
		i++;
	return (i);
}

size_t
utf8_ascii_span(const char *s, size_t n)
{
	return (ascii_words((const unsigned char *)s, n, 1));
}

size_t
utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned char		 c;

	if (n == 0)
		return (0);
	c = u[0];
	if (c < 0x80) {
		*cp = c;
		return (1);
	}
	if (c < 0xc2)			/* continuation, or overlong 2-byte */
		return (0);
	if (c < 0xe0) {
		if (n < 2 || !IS_CONT(u[1]))
			return (0);
		*cp = (uint32_t)(c & 0x1f) << 6 | (u[1] & 0x3f);
		return (2);
	}
	if (c < 0xf0) {
		if (n < 3 || !IS_CONT(u[1]) || !IS_CONT(u[2]))
			return (0);
		/* Overlong below U+0800; surrogates U+D800-U+DFFF. */
		if ((c == 0xe0 && u[1] < 0xa0) || (c == 0xed && u[1] > 0x9f))
			return (0);
		*cp = (uint32_t)(c & 0x0f) << 12 |
		    (uint32_t)(u[1] & 0x3f) << 6 | (u[2] & 0x3f);
		return (3);
	}
	if (c < 0xf5) {
		if (n < 4 || !IS_CONT(u[1]) || !IS_CONT(u[2]) ||
		    !IS_CONT(u[3]))
			return (0);
		/* Overlong below U+10000; past U+10FFFF. */
		if ((c == 0xf0 && u[1] < 0x90) || (c == 0xf4 && u[1] > 0x8f))
			return (0);
		*cp = (uint32_t)(c & 0x07) << 18 |
		    (uint32_t)(u[1] & 0x3f) << 12 |
		    (uint32_t)(u[2] & 0x3f) << 6 | (u[3] & 0x3f);
		return (4);
	}
	return (0);
}

uint32_t
utf8_next(const char **pp, const char *end)
{
	uint32_t	cp;
	size_t		k;

	if ((k = utf8_decode(*pp, (size_t)(end - *pp), &cp)) == 0) {
		(*pp)++;
		return (UTF8_BAD);
	}
	*pp += k;
	return (cp);
}

size_t
utf8_encode(uint32_t cp, char *out)
{
	unsigned char	*u = (unsigned char *)out;

	if (cp < 0x80) {
		u[0] = cp;
		return (1);
	}
	if (cp < 0x800) {
		u[0] = 0xc0 | (cp >> 6);
		u[1] = 0x80 | (cp & 0x3f);
		return (2);
	}
	if (cp < 0x10000) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			return (0);
		u[0] = 0xe0 | (cp >> 12);
		u[1] = 0x80 | ((cp >> 6) & 0x3f);
		u[2] = 0x80 | (cp & 0x3f);
		return (3);
	}
	if (cp > 0x10ffff)
		return (0);
	u[0] = 0xf0 | (cp >> 18);
	u[1] = 0x80 | ((cp >> 12) & 0x3f);
	u[2] = 0x80 | ((cp >> 6) & 0x3f);
	u[3] = 0x80 | (cp & 0x3f);
	return (4);
}

int
utf8_valid(const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	uint32_t		 cp;
	size_t			 i = 0, k;

	for (;;) {
		i += ascii_words(u + i, n - i, 0);
		if (i == n)
			return (1);
		if ((k = utf8_decode(s + i, n - i, &cp)) == 0)
			return (0);
		i += k;
	}
}

size_t
utf8_cut(const char *s, size_t n, size_t max)
{
	const unsigned char	*u = (const unsigned char *)s;
	uint32_t		 cp;
	size_t			 start, k;

	if (n <= max)
		return (n);
	if (!IS_CONT(u[max]))
		return (max);
	/* The character s[max] continues starts at most 3 bytes back. */
	for (start = max; start > 0 && max - start < 3; start--) {
		if (!IS_CONT(u[start - 1])) {
			start--;
			k = utf8_decode(s + start, n - start, &cp);
			return (start + k > max ? start : max);
		}
	}
	return (max);			/* stray continuation bytes */
}

size_t
utf8_chars(const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i, chars = 0;

	for (i = 0; i < n; i++) {
		if (!IS_CONT(u[i]))
			chars++;
	}
	return (chars);
}

size_t
utf8_skip(const char *s, size_t n, size_t k)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i;

	if (k == 0)
		return (0);
	for (i = 0; i < n; i++) {
		if (!IS_CONT(u[i]) && k-- == 0)
			return (i);
	}
	return (n);
}

/* ---- the case fold ---- */

/*
 * Greek Extended (U+1F00-U+1FFF, polytonic), 16 code points a row, to the
 * plain small letter: a=α e=ε h=η i=ι o=ο u=υ w=ω r=ρ; '.' marks the
 * unassigned places and the spacing accents, which stay as they are.
 */
static const char fold_polytonic_rows[16][17] = {
	"aaaaaaaaaaaaaaaa", "eeeeee..eeeeee..", "hhhhhhhhhhhhhhhh",
	"iiiiiiiiiiiiiiii", "oooooo..oooooo..", "uuuuuuuu.u.u.u.u",
	"wwwwwwwwwwwwwwww", "aaeehhiioouuww..", "aaaaaaaaaaaaaaaa",
	"hhhhhhhhhhhhhhhh", "wwwwwwwwwwwwwwww", "aaaaa.aaaaaaa.i.",
	"..hhh.hheehhh...", "iiii..iiiiii....", "uuuurruuuuuur...",
	"..www.wwoowww..."
};

static uint32_t
fold_polytonic(uint32_t c)
{
	switch (fold_polytonic_rows[(c >> 4) & 0xf][c & 0xf]) {
	case 'a':
		return (0x3b1);
	case 'e':
		return (0x3b5);
	case 'h':
		return (0x3b7);
	case 'i':
		return (0x3b9);
	case 'o':
		return (0x3bf);
	case 'u':
		return (0x3c5);
	case 'w':
		return (0x3c9);
	case 'r':
		return (0x3c1);
	}
	return (c);
}

/* Greek and Coptic: capitals, tonos and dialytika to the plain small
 * letter, final sigma to sigma. */
static uint32_t
fold_greek(uint32_t c)
{
	switch (c) {
	case 0x386: case 0x3ac:
		return (0x3b1);			/* α */
	case 0x388: case 0x3ad:
		return (0x3b5);			/* ε */
	case 0x389: case 0x3ae:
		return (0x3b7);			/* η */
	case 0x38a: case 0x390: case 0x3aa: case 0x3af: case 0x3ca:
		return (0x3b9);			/* ι */
	case 0x38c: case 0x3cc:
		return (0x3bf);			/* ο */
	case 0x38e: case 0x3ab: case 0x3b0: case 0x3cb: case 0x3cd:
		return (0x3c5);			/* υ */
	case 0x38f: case 0x3ce:
		return (0x3c9);			/* ω */
	case 0x3c2:
		return (0x3c3);			/* final sigma */
	}
	if ((c >= 0x391 && c <= 0x3a1) || (c >= 0x3a3 && c <= 0x3a9))
		return (c + 0x20);
	return (c);
}

/* Latin Extended-A: upper and lower case alternate, in runs. */
static uint32_t
fold_latin_a(uint32_t c)
{
	if (c == 0x130 || c == 0x131)		/* İ ı: Turkish i */
		return ('i');
	if (c == 0x178)
		return (0xff);			/* Ÿ */
	if (c == 0x17f)
		return ('s');			/* long s */
	if (c <= 0x137)
		return ((c & 1) == 0 ? c + 1 : c);
	if (c >= 0x139 && c <= 0x148)
		return ((c & 1) == 1 ? c + 1 : c);
	if (c >= 0x14a && c <= 0x177)
		return ((c & 1) == 0 ? c + 1 : c);
	if (c >= 0x179 && c <= 0x17e)
		return ((c & 1) == 1 ? c + 1 : c);
	return (c);
}

size_t
utf8_fold_cp(uint32_t c, uint32_t out[2])
{
	if (c < 0x80) {
		out[0] = c >= 'A' && c <= 'Z' ? c + 0x20 : c;
		return (1);
	}
	if (c == 0xad || (c >= 0x200b && c <= 0x200d) || c == 0x2060 ||
	    c == 0xfeff)
		return (0);			/* soft hyphen, zero widths */
	if (c == 0xdf || c == 0x1e9e) {
		out[0] = out[1] = 's';		/* ß ẞ */
		return (2);
	}
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		c += 0x20;
	else if (c >= 0x100 && c <= 0x17f)
		c = fold_latin_a(c);
	else if (c >= 0x386 && c <= 0x3ce)
		c = fold_greek(c);
	else if (c >= 0x410 && c <= 0x42f)
		c += 0x20;			/* Cyrillic А-Я */
	else if (c >= 0x400 && c <= 0x40f)
		c += 0x50;			/* Cyrillic Ѐ-Џ */
	else if (c >= 0x1f00 && c <= 0x1fff)
		c = fold_polytonic(c);
	out[0] = c;
	return (1);
}

size_t
utf8_fold(const char *s, size_t n, char *out)
{
	const unsigned char	*u = (const unsigned char *)s;
	uint32_t		 cp, f[2];
	size_t			 i = 0, o = 0, k, nf, j;

	while (i < n) {
		if (u[i] < 0x80) {
			out[o++] = u[i] >= 'A' && u[i] <= 'Z' ?
			    (char)(u[i] + 0x20) : (char)u[i];
			i++;
			continue;
		}
		if ((k = utf8_decode(s + i, n - i, &cp)) == 0) {
			out[o++] = s[i++];
			continue;
		}
		nf = utf8_fold_cp(cp, f);
		for (j = 0; j < nf; j++)
			o += utf8_encode(f[j], out + o);
		i += k;
	}
	return (o);
}

/* A code point a terminal or a bidi algorithm would act on. */
static int
utf8_is_control(uint32_t c)
{
	return (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069));
}

size_t
utf8_terminal(char *out, const char *s, size_t len, int lines)
{
	const char	*p = s, *end = s + len;
	char		*o = out;
	uint32_t	 c;
	size_t		 n;

	for (; p < end; p += n) {
		if ((n = utf8_decode(p, (size_t)(end - p), &c)) == 0) {
			*o++ = '?';
			n = 1;
		} else if (c == '\n' || c == '\t')
			*o++ = lines ? (char)c : ' ';
		else if (c == '\r') {
			if (!(lines && p + 1 < end && p[1] == '\n'))
				*o++ = ' ';
		} else if (utf8_is_control(c))
			*o++ = '?';
		else {
			memcpy(o, p, n);
			o += n;
		}
	}
	*o = '\0';
	return ((size_t)(o - out));
}
