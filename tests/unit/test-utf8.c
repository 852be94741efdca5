/* helpq - test-utf8.c: decode, encode, validate, cut and fold, by table. */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "../tap.h"

#define B(s)	s, sizeof(s) - 1	/* bytes and their count, NULs too */
#define BAD	{ UTF8_BAD, 0 }		/* a byte that starts nothing */
#define END	{ 0, 9 }

struct step {
	uint32_t	cp;	/* what utf8_next gives */
	size_t		len;	/* what utf8_decode gives: 0 = invalid */
};

struct utf8_case {
	const char	*what;
	const char	*in;
	size_t		 len;
	int		 valid;
	struct step	 steps[16];	/* up to END */
	size_t		 cut_max;	/* utf8_cut(in, len, cut_max) ... */
	size_t		 cut_want;	/* ... gives this */
	const char	*fold;		/* utf8_fold(in) */
	size_t		 foldlen;
};

static const struct utf8_case cases[] = {
	{ "ASCII", B("Hi!"), 1, { { 'H', 1 }, { 'i', 1 }, { '!', 1 }, END },
	    2, 2, B("hi!") },
	{ "empty", B(""), 1, { END }, 0, 0, B("") },
	{ "ASCII with a NUL", B("a\0B"), 1,
	    { { 'a', 1 }, { 0, 1 }, { 'B', 1 }, END }, 2, 2, B("a\0b") },
	{ "long ASCII, word at a time",
	    B("The Quick Brown"), 1,
	    { { 'T', 1 }, { 'h', 1 }, { 'e', 1 }, { ' ', 1 }, { 'Q', 1 },
	    { 'u', 1 }, { 'i', 1 }, { 'c', 1 }, { 'k', 1 }, { ' ', 1 },
	    { 'B', 1 }, { 'r', 1 }, { 'o', 1 }, { 'w', 1 }, { 'n', 1 }, END },
	    12, 12, B("the quick brown") },
	{ "ASCII then Greek past a word", B("abcdefghij\xce\xb1"), 1,
	    { { 'a', 1 }, { 'b', 1 }, { 'c', 1 }, { 'd', 1 }, { 'e', 1 },
	    { 'f', 1 }, { 'g', 1 }, { 'h', 1 }, { 'i', 1 }, { 'j', 1 },
	    { 0x3b1, 2 }, END }, 11, 10, B("abcdefghij\xce\xb1") },
	{ "2 bytes: é", B("\xc3\xa9"), 1, { { 0xe9, 2 }, END }, 1, 0,
	    B("\xc3\xa9") },
	{ "2 bytes: É folds to é", B("\xc3\x89"), 1, { { 0xc9, 2 }, END },
	    2, 2, B("\xc3\xa9") },
	{ "3 bytes: €", B("\xe2\x82\xac"), 1, { { 0x20ac, 3 }, END }, 2, 0,
	    B("\xe2\x82\xac") },
	{ "4 bytes: emoji", B("\xf0\x9f\x98\x80"), 1, { { 0x1f600, 4 }, END },
	    3, 0, B("\xf0\x9f\x98\x80") },
	{ "one of each length", B("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"), 1,
	    { { 'a', 1 }, { 0xe9, 2 }, { 0x20ac, 3 }, { 0x1f600, 4 }, END },
	    5, 3, B("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80") },
	{ "edges: U+7F U+80 U+7FF U+800",
	    B("\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80"), 1,
	    { { 0x7f, 1 }, { 0x80, 2 }, { 0x7ff, 2 }, { 0x800, 3 }, END },
	    4, 3, B("\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80") },
	{ "edges: U+D7FF U+E000 U+FFFF",
	    B("\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf"), 1,
	    { { 0xd7ff, 3 }, { 0xe000, 3 }, { 0xffff, 3 }, END },
	    8, 6, B("\xed\x9f\xbf\xee\x80\x80\xef\xbf\xbf") },
	{ "edges: U+10000 U+10FFFF", B("\xf0\x90\x80\x80\xf4\x8f\xbf\xbf"), 1,
	    { { 0x10000, 4 }, { 0x10ffff, 4 }, END }, 7, 4,
	    B("\xf0\x90\x80\x80\xf4\x8f\xbf\xbf") },
	{ "overlong 2 bytes: C0 AF", B("\xc0\xaf"), 0, { BAD, BAD, END },
	    1, 1, B("\xc0\xaf") },
	{ "overlong 2 bytes: C1 BF", B("\xc1\xbf"), 0, { BAD, BAD, END },
	    1, 1, B("\xc1\xbf") },
	{ "overlong 3 bytes: E0 80 AF", B("\xe0\x80\xaf"), 0,
	    { BAD, BAD, BAD, END }, 2, 2, B("\xe0\x80\xaf") },
	{ "overlong 3 bytes: E0 9F BF", B("\xe0\x9f\xbf"), 0,
	    { BAD, BAD, BAD, END }, 1, 1, B("\xe0\x9f\xbf") },
	{ "overlong 4 bytes: F0 80 80 AF", B("\xf0\x80\x80\xaf"), 0,
	    { BAD, BAD, BAD, BAD, END }, 3, 3, B("\xf0\x80\x80\xaf") },
	{ "overlong 4 bytes: F0 8F BF BF", B("\xf0\x8f\xbf\xbf"), 0,
	    { BAD, BAD, BAD, BAD, END }, 2, 2, B("\xf0\x8f\xbf\xbf") },
	{ "surrogate U+D800", B("\xed\xa0\x80"), 0, { BAD, BAD, BAD, END },
	    1, 1, B("\xed\xa0\x80") },
	{ "surrogate U+DFFF", B("\xed\xbf\xbf"), 0, { BAD, BAD, BAD, END },
	    2, 2, B("\xed\xbf\xbf") },
	{ "above U+10FFFF: F4 90 80 80", B("\xf4\x90\x80\x80"), 0,
	    { BAD, BAD, BAD, BAD, END }, 3, 3, B("\xf4\x90\x80\x80") },
	{ "above U+10FFFF: F5 80 80 80", B("\xf5\x80\x80\x80"), 0,
	    { BAD, BAD, BAD, BAD, END }, 2, 2, B("\xf5\x80\x80\x80") },
	{ "FE and FF", B("\xfe\xff"), 0, { BAD, BAD, END }, 1, 1,
	    B("\xfe\xff") },
	{ "truncated at the end", B("ok\xe2\x82"), 0,
	    { { 'o', 1 }, { 'k', 1 }, BAD, BAD, END }, 3, 3, B("ok\xe2\x82") },
	{ "truncated by ASCII", B("\xe2\x82x\xc3"), 0,
	    { BAD, BAD, { 'x', 1 }, BAD, END }, 1, 1, B("\xe2\x82x\xc3") },
	{ "stray continuation", B("a\x80Z"), 0,
	    { { 'a', 1 }, BAD, { 'Z', 1 }, END }, 2, 2, B("a\x80z") },
	{ "stray continuation after é is cut, é is not",
	    B("\xc3\xa9\xa9!"), 0, { { 0xe9, 2 }, BAD, { '!', 1 }, END },
	    2, 2, B("\xc3\xa9\xa9!") },
	{ "invalid Latin-1 byte in a word", B("Caf\xe9"), 0,
	    { { 'C', 1 }, { 'a', 1 }, { 'f', 1 }, BAD, END }, 3, 3,
	    B("caf\xe9") },
	{ "ß and ẞ are ss", B("Stra\xc3\x9f" "e \xe1\xba\x9e"), 1,
	    { { 'S', 1 }, { 't', 1 }, { 'r', 1 }, { 'a', 1 }, { 0xdf, 2 },
	    { 'e', 1 }, { ' ', 1 }, { 0x1e9e, 3 }, END }, 5, 4,
	    B("strasse ss") },
	{ "final sigma, capitals, tonos", B("ΚΌΣΜΟΣ κόσμος"), 1,
	    { { 0x39a, 2 }, { 0x38c, 2 }, { 0x3a3, 2 }, { 0x39c, 2 },
	    { 0x39f, 2 }, { 0x3a3, 2 }, { ' ', 1 }, { 0x3ba, 2 },
	    { 0x3cc, 2 }, { 0x3c3, 2 }, { 0x3bc, 2 }, { 0x3bf, 2 },
	    { 0x3c2, 2 }, END },
	    3, 2, B("κοσμοσ κοσμοσ") },
	{ "dialytika: ΐ ϊ Ϋ", B("\xce\x90\xcf\x8a\xce\xab"), 1,
	    { { 0x390, 2 }, { 0x3ca, 2 }, { 0x3ab, 2 }, END }, 5, 4,
	    B("ιιυ") },
	{ "polytonic: breathings, accents, iota subscript",
	    B("\xe1\xbc\xa9 \xe1\xbc\x80\xce\xb3\xe1\xbd\xb1\xcf\x80\xce\xb7 "
	    "\xe1\xbe\xb3\xe1\xbf\xa5\xe1\xbf\xbc"), 1,
	    { { 0x1f29, 3 }, { ' ', 1 }, { 0x1f00, 3 }, { 0x3b3, 2 },
	    { 0x1f71, 3 }, { 0x3c0, 2 }, { 0x3b7, 2 }, { ' ', 1 },
	    { 0x1fb3, 3 }, { 0x1fe5, 3 }, { 0x1ffc, 3 }, END }, 2, 0,
	    B("η αγαπη αρω") },
	{ "polytonic spacing marks stay", B("\xe1\xbe\xbd\xe1\xbf\x80"), 1,
	    { { 0x1fbd, 3 }, { 0x1fc0, 3 }, END }, 4, 3,
	    B("\xe1\xbe\xbd\xe1\xbf\x80") },
	{ "Turkish i, long s, Ÿ", B("\xc4\xb0\xc4\xb1\xc5\xbf\xc5\xb8"), 1,
	    { { 0x130, 2 }, { 0x131, 2 }, { 0x17f, 2 }, { 0x178, 2 }, END },
	    3, 2, B("iis\xc3\xbf") },
	{ "Latin accents stay, case goes", B("MÜLLER Łódź"), 1,
	    { { 'M', 1 }, { 0xdc, 2 }, { 'L', 1 }, { 'L', 1 }, { 'E', 1 },
	    { 'R', 1 }, { ' ', 1 }, { 0x141, 2 }, { 0xf3, 2 }, { 'd', 1 },
	    { 0x17a, 2 }, END }, 2, 1, B("müller łódź") },
	{ "Cyrillic capitals", B("ПРИВЕТ Ёж"), 1,
	    { { 0x41f, 2 }, { 0x420, 2 }, { 0x418, 2 }, { 0x412, 2 },
	    { 0x415, 2 }, { 0x422, 2 }, { ' ', 1 }, { 0x401, 2 },
	    { 0x436, 2 }, END }, 14, 13, B("привет ёж") },
	{ "invisible characters are dropped",
	    B("a\xc2\xad" "b\xe2\x80\x8b" "c\xef\xbb\xbf"), 1,
	    { { 'a', 1 }, { 0xad, 2 }, { 'b', 1 }, { 0x200b, 3 }, { 'c', 1 },
	    { 0xfeff, 3 }, END }, 5, 4, B("abc") },
	{ "other scripts stay", B("打印机"), 1,
	    { { 0x6253, 3 }, { 0x5370, 3 }, { 0x673a, 3 }, END }, 7, 6,
	    B("打印机") },
};

/* The steps up to END (a full array has none). */
static size_t
nsteps(const struct utf8_case *t)
{
	size_t	i;

	for (i = 0; i < nitems(t->steps) && t->steps[i].len != 9; i++)
		;
	return (i);
}

/* A step's length in the input: an invalid byte is one byte. */
static size_t
step_bytes(const struct step *s)
{
	return (s->len == 0 ? 1 : s->len);
}

/* Decoding, utf8_next, validity, and encoding back. */
static void
check_decode(const struct utf8_case *t)
{
	const char	*p = t->in, *end = t->in + t->len;
	char		 enc[UTF8_MAX];
	uint32_t	 cp;
	size_t		 i, n = nsteps(t), off = 0, k;
	int		 good = 1;

	for (i = 0; i < n; i++) {
		cp = 0x12345;
		k = utf8_decode(t->in + off, t->len - off, &cp);
		if (k != t->steps[i].len || (k != 0 && cp != t->steps[i].cp))
			good = 0;
		if (k != 0 && (utf8_encode(cp, enc) != k ||
		    memcmp(enc, t->in + off, k) != 0))
			good = 0;
		if (p >= end || utf8_next(&p, end) != t->steps[i].cp ||
		    p != t->in + off + step_bytes(&t->steps[i]))
			good = 0;
		off += step_bytes(&t->steps[i]);
	}
	ok(good && off == t->len && p == end, "%s: decode", t->what);
	is_int(utf8_valid(t->in, t->len), t->valid, "%s: valid", t->what);
}

/* Every valid character cut short, at every place, is refused. */
static void
check_truncation(const struct utf8_case *t)
{
	const struct step	*s;
	uint32_t		 cp;
	size_t			 i, n = nsteps(t), off = 0, cut;
	int			 good = 1;

	for (i = 0; i < n; off += step_bytes(s), i++) {
		s = &t->steps[i];
		for (cut = 1; cut < s->len; cut++) {
			if (utf8_decode(t->in + off, cut, &cp) != 0 ||
			    utf8_valid(t->in, off + cut))
				good = 0;
		}
	}
	ok(good, "%s: truncated characters refused", t->what);
}

/*
 * utf8_cut at every length, against the character starts the table
 * gives; for invalid input only the row's own cut applies. Then the
 * character count and offsets.
 */
static void
check_cut(const struct utf8_case *t)
{
	size_t	i, n = nsteps(t), max, want, off, chars = 0;
	int	good = 1;

	is_int(utf8_cut(t->in, t->len, t->cut_max), t->cut_want,
	    "%s: cut at %zu", t->what, t->cut_max);
	if (!t->valid)
		return;
	for (max = 0; max <= t->len + 1; max++) {
		for (want = off = i = 0; i < n; i++) {
			off += t->steps[i].len;
			if (off <= max)
				want = off;
		}
		if (utf8_cut(t->in, t->len, max) != want)
			good = 0;
	}
	for (off = i = 0; i < n; off += t->steps[i++].len) {
		if (utf8_skip(t->in, t->len, i) != off)
			good = 0;
		chars++;
	}
	if (utf8_skip(t->in, t->len, n) != t->len ||
	    utf8_skip(t->in, t->len, n + 1) != t->len ||
	    utf8_chars(t->in, t->len) != chars)
		good = 0;
	ok(good, "%s: cut at every length, count, skip", t->what);
}

/* The ASCII run: bytes up to the first non-ASCII, invalid byte or NUL. */
static void
check_ascii(const struct utf8_case *t)
{
	size_t	i, n = nsteps(t), want = 0;

	for (i = 0; i < n && t->steps[i].len == 1 && t->steps[i].cp != 0 &&
	    t->steps[i].cp < 0x80; i++)
		want++;
	is_int(utf8_ascii_span(t->in, t->len), want, "%s: ASCII span",
	    t->what);
}

/* The fold: the table's result, never longer, and stable. */
static void
check_fold(const struct utf8_case *t)
{
	char	*out, *again;
	size_t	 n, n2;

	out = malloc(t->len + 1);
	again = malloc(t->len + 1);
	n = utf8_fold(t->in, t->len, out);
	ok(n == t->foldlen && memcmp(out, t->fold, n) == 0, "%s: fold",
	    t->what);
	if (n != t->foldlen || memcmp(out, t->fold, n) != 0)
		diag("got '%.*s' (%zu bytes)", (int)n, out, n);
	n2 = utf8_fold(out, n, again);
	ok(n <= t->len && n2 == n && memcmp(again, out, n) == 0,
	    "%s: fold is no longer and folds to itself", t->what);
	free(out);
	free(again);
}

int
main(void)
{
	char	enc[UTF8_MAX];
	size_t	i;

	for (i = 0; i < nitems(cases); i++) {
		check_decode(&cases[i]);
		check_truncation(&cases[i]);
		check_cut(&cases[i]);
		check_ascii(&cases[i]);
		check_fold(&cases[i]);
	}
	ok(utf8_encode(0xd800, enc) == 0 && utf8_encode(0xdfff, enc) == 0 &&
	    utf8_encode(0x110000, enc) == 0, "encode refuses what is no "
	    "character");
	return (done_testing());
}
