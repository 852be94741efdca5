/*
 * helpq - utf8.h: UTF-8 decoding, encoding, validation, cutting and the
 * one case fold every matcher (threading, search) uses.
 */
#ifndef HELPQ_UTF8_H
#define HELPQ_UTF8_H

#include "compat.h"

#define UTF8_MAX	4		/* bytes in the longest character */
#define UTF8_BAD	0xfffdU		/* U+FFFD, what a bad byte becomes */

/*
 * Decode the character at s (n bytes available): returns its length (1-4)
 * with *cp set, or 0 when the bytes are no valid UTF-8 character: n is 0,
 * a stray continuation byte, an overlong form, a surrogate, a code point
 * past U+10FFFF, or a sequence cut short by n or by a byte that does not
 * continue it.
 */
size_t	 utf8_decode(const char *s, size_t n, uint32_t *cp);

/*
 * The next character from *pp (which must be before end), moving *pp past
 * it. A byte that starts no valid character gives UTF8_BAD and is
 * consumed alone, so a loop over broken text neither stalls nor overruns.
 */
uint32_t utf8_next(const char **pp, const char *end);

/*
 * Write cp as UTF-8 at out (room for UTF8_MAX bytes); returns the bytes
 * written, or 0 if cp is a surrogate or past U+10FFFF (nothing written).
 */
size_t	 utf8_encode(uint32_t cp, char *out);

/* 1 if the n bytes at s are all valid UTF-8 (NUL is valid), else 0. */
int	 utf8_valid(const char *s, size_t n);

/* The number of ASCII bytes other than NUL at the start of s. */
size_t	 utf8_ascii_span(const char *s, size_t n);

/*
 * The length of the longest prefix of the n bytes at s that is at most max
 * bytes long and does not end inside a valid character: n when n <= max.
 * Bytes that belong to no valid character may be cut anywhere.
 */
size_t	 utf8_cut(const char *s, size_t n, size_t max);

/*
 * The characters in the n bytes at s, and the byte offset just after the
 * first k of them (n when there are fewer). Both count the bytes that
 * start a character, so they are exact for valid UTF-8; in other text a
 * stray continuation byte goes with the character before it.
 */
size_t	 utf8_chars(const char *s, size_t n);
size_t	 utf8_skip(const char *s, size_t n, size_t k);

/*
 * The case fold for matching, one character at a time: cp becomes 0, 1 or
 * 2 characters in out, and the count is returned. It lower-cases ASCII,
 * Latin-1, Latin Extended-A (dotted and dotless i become i, long s
 * becomes s), Greek and Cyrillic capitals; takes tonos, dialytika and
 * every polytonic mark (breathings, accents, iota subscript, vrachy,
 * macron) off Greek letters; makes final sigma sigma; writes ß and ẞ as
 * "ss"; and drops the soft hyphen, zero-width spaces and joiners and the
 * byte order mark. Latin accents stay ("müller" is not "muller": the
 * search index strips those itself), and so do combining marks and every
 * other script, so the fold never depends on the locale or on tables
 * from outside helpq. No folded character is longer in UTF-8 than the
 * character it came from, and folding twice changes nothing more.
 */
size_t	 utf8_fold_cp(uint32_t cp, uint32_t out[2]);

/*
 * Fold the n bytes at s with utf8_fold_cp into out, which has room for n
 * bytes (the result is never longer); returns the folded length. Bytes
 * that are no valid UTF-8 are copied as they are.
 */
size_t	 utf8_fold(const char *s, size_t n, char *out);

/*
 * Copy the len bytes at s to out for a terminal: every C0 control but
 * newline and tab (which become blanks unless lines is set; a CR before a
 * newline goes, another CR is a blank), DEL, C1 control, bidirectional
 * embedding, override and isolate, and every byte that is not UTF-8
 * become '?'. The copy is never longer than s: out has room for len + 1
 * bytes and is terminated. Returns its length. No allocation, so the
 * logger can use it (safe.h is the interface for everyone else).
 */
size_t	 utf8_terminal(char *out, const char *s, size_t len, int lines);

#endif
