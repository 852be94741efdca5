/*
 * helpq - fuzz-charset.c: libFuzzer harness for the charset converter,
 * over every charset iconv offers (as "iconv -l" lists them, read once at
 * start) and every label of the allowlist. Input: two bytes choose the
 * charset, the rest is the text. Each charset name goes both through
 * message_to_utf8 (the allowlist decides) and straight to iconv
 * (message_iconv_append); either way the result must be valid UTF-8
 * without NUL. Build (from the top directory, BUILD configured):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -fno-sanitize-recover=undefined -std=gnu11 -Iinclude -IBUILD \
 *     $(pkg-config --cflags libxml-2.0) tests/fuzz/fuzz-charset.c \
 *     src/message*.c src/charset.c src/utf8.c src/buf.c src/xmalloc.c \
 *     src/log.c -letpan $(pkg-config --libs libxml-2.0 gnutls) \
 *     -o fuzz-charset
 * (make fuzz builds every harness against all of libhelpq's sources.)
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "message.h"
#include "utf8.h"
#include "../../src/message_private.h"
#include "xmalloc.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char	**names;	/* every charset name; owned here for good */
static size_t	  nnames, niconv;	/* niconv: the first ones are iconv's */

static void
add_name(const char *s, size_t n)
{
	names = xreallocarray(names, nnames + 1, sizeof *names);
	names[nnames++] = xstrndup(s, n);
}

/* "iconv -l" prints names separated by commas, blanks and newlines. */
static void
read_iconv_list(void)
{
	FILE	*f;
	char	 line[4096], *p, *e;

	if ((f = popen("iconv -l", "r")) == NULL)
		return;
	while (fgets(line, sizeof line, f) != NULL) {
		for (p = line; *p != '\0'; p = e) {
			p += strspn(p, ", \t\r\n");
			e = p + strcspn(p, ", \t\r\n");
			if (e == p)
				break;
			/* "UTF-8//" is an alias written with its suffix. */
			add_name(p, e - p > 2 && e[-1] == '/' && e[-2] == '/' ?
			    (size_t)(e - p - 2) : (size_t)(e - p));
		}
	}
	pclose(f);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*alias, *ic;
	size_t		 i;

	(void)argc;
	(void)argv;
	read_iconv_list();
	niconv = nnames;
	for (i = 0; (alias = message_charset_alias(i, &ic)) != NULL; i++)
		add_name(alias, strlen(alias));
	add_name("x-no-such-charset", 17);
	if (niconv < 100) {
		fprintf(stderr, "fuzz-charset: iconv -l gave %zu names\n",
		    niconv);
		abort();
	}
	return (0);
}

static void
check(const char *s, size_t len)
{
	if (strlen(s) != len || !utf8_valid(s, len))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*name, *in;
	char		*out;
	struct buf	 b;
	size_t		 len, outlen;

	if (size < 2 || nnames == 0)
		return (0);
	name = names[((size_t)data[0] << 8 | data[1]) % nnames];
	in = (const char *)data + 2;
	len = size - 2;
	out = message_to_utf8(name, in, len, &outlen);
	check(out, outlen);
	free(out);
	buf_init(&b);
	if (message_iconv_append(&b, name, in, len) == 0)
		check(buf_cstr(&b), b.len);
	buf_free(&b);
	return (0);
}
