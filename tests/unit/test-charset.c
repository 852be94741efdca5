/*
 * helpq - test-charset.c: the charset converter over every charset iconv
 * offers ("iconv -l"), straight and through the allowlist, with inputs
 * that break decoders: lone shifts and escapes, truncated multibyte
 * sequences, NUL, 0xff runs. Meant to run under ASan and UBSan too.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "message.h"
#include "utf8.h"
#include "../../src/message_private.h"
#include "xmalloc.h"
#include "../tap.h"

struct input {
	const char	*s;
	size_t		 len;
};
#define IN(s)	{ s, sizeof s - 1 }

static const struct input nasty[] = {
	IN("\x0e"), IN("\x0f"), IN("\x1b"), IN("\x0e\x0e"), IN("a\x0e"),
	IN("\x0e\x1b"), IN("\x1b$"), IN("\x1b$)"), IN("\x1b$)A"),
	IN("\x1b$)A\x0e"), IN("\x1b$)A\x0e\x21"), IN("\x1b$A\x0e"),
	IN("\x1b$B"), IN("\x1b$B$"), IN("\x1b(B"), IN("\x1b$*H\x1bN"),
	IN("\x1b$+I\x1bO!"), IN("\x1bN"), IN("\x1bO"), IN("\x1b$(D"),
	IN("\xe3\x81"), IN("\x82"), IN("\xa4"), IN("\x8e"), IN("\x8f\xa2"),
	IN("\x81\x30\x81"), IN("\xd8\x00"), IN("\x00\xd8"), IN("\xdc\x00a"),
	IN("\x00"), IN("\x00\x00\x00"), IN("\x00\x00\x00\x00\x00\x00\x11"),
	IN("\xff"), IN("\xff\xfe"), IN("\xfe\xff"),
	IN("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"),
	IN("+"), IN("+AOk"), IN("+AOk-+"), IN("&"), IN("&AOk"), IN("~{"),
	IN("~{!"), IN("~"), IN("\x1b\x1b\x1b\x1b"), IN("\x0e\x0e\x0e\x0e"),
};

/* Every name "iconv -l" prints; the caller frees with xfreev. */
static char **
iconv_names(size_t *np)
{
	FILE	 *f;
	char	  line[4096], *p, *e, **v = NULL;
	size_t	  n = 0, k;

	if ((f = popen("iconv -l", "r")) == NULL)
		return (*np = 0, NULL);
	while (fgets(line, sizeof line, f) != NULL) {
		for (p = line; *p != '\0'; p = e) {
			p += strspn(p, ", \t\r\n");
			e = p + strcspn(p, ", \t\r\n");
			if (e == p)
				break;
			k = (size_t)(e - p);
			if (k > 2 && e[-1] == '/' && e[-2] == '/')
				k -= 2;		/* "UTF-8//" */
			v = xreallocarray(v, n + 1, sizeof *v);
			v[n++] = xstrndup(p, k);
		}
	}
	pclose(f);
	*np = n;
	return (v);
}

/* Valid UTF-8, no NUL, and not blown up out of proportion. */
static int
sane(const char *s, size_t len, size_t inlen)
{
	return (strlen(s) == len && utf8_valid(s, len) &&
	    len <= 16 * inlen + 16);
}

/* Every input, straight to iconv and through the allowlist. */
static void
test_every_iconv_charset(void)
{
	struct buf	  b;
	char		**names, *out, all[256];
	size_t		  n, i, j, opened = 0, bad = 0, outlen;

	for (i = 0; i < sizeof all; i++)
		all[i] = (char)i;
	names = iconv_names(&n);
	ok(n > 100, "iconv -l lists %zu charsets", n);
	for (i = 0; i < n; i++) {
		buf_init(&b);
		if (message_iconv_append(&b, names[i], all, sizeof all) == 0) {
			opened++;
			if (!sane(buf_cstr(&b), b.len, sizeof all) && bad++ < 10)
				diag("%s: all 256 bytes: bad output", names[i]);
		}
		buf_free(&b);
		for (j = 0; j < nitems(nasty); j++) {
			buf_init(&b);
			if (message_iconv_append(&b, names[i], nasty[j].s,
			    nasty[j].len) == 0 && !sane(buf_cstr(&b), b.len,
			    nasty[j].len) && bad++ < 10)
				diag("%s: input %zu: bad output", names[i], j);
			buf_free(&b);
			out = message_to_utf8(names[i], nasty[j].s,
			    nasty[j].len, &outlen);
			if (!sane(out, outlen, nasty[j].len) && bad++ < 10)
				diag("%s: input %zu: bad output through the "
				    "allowlist", names[i], j);
			free(out);
		}
	}
	ok(opened > 100, "iconv opened %zu of %zu charsets", opened, n);
	is_int(bad, 0, "every charset, %zu nasty inputs: valid UTF-8 "
	    "without NUL", nitems(nasty) + 1);
	xfreev(names, n);
	message_thread_end();
}

/* Sorted (bsearch needs it), lower case, and iconv knows every target. */
static void
test_allowlist(void)
{
	const char	*name, *prev = NULL, *ic, *p;
	struct buf	 b;
	size_t		 i, unsorted = 0, upper = 0, unknown = 0;

	for (i = 0; (name = message_charset_alias(i, &ic)) != NULL; i++) {
		if (prev != NULL && strcmp(prev, name) >= 0 && unsorted++ < 5)
			diag("allowlist: '%s' after '%s'", name, prev);
		for (p = name; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z' && upper++ < 5)
				diag("allowlist: '%s' not lower case", name);
		buf_init(&b);
		if (ic != NULL && message_iconv_append(&b, ic, "a", 1) != 0 &&
		    unknown++ < 5)
			diag("allowlist: iconv does not know '%s'", ic);
		buf_free(&b);
		prev = name;
	}
	ok(i > 100, "allowlist has %zu labels", i);
	is_int(unsorted, 0, "allowlist sorted");
	is_int(upper, 0, "allowlist lower case");
	is_int(unknown, 0, "iconv knows every allowlisted charset");
}

/*
 * Charsets iconv knows but mail does not use decode as UTF-8 or
 * Windows-1252, byte for byte: they never reach iconv.
 */
static void
test_not_allowlisted(void)
{
	static const struct {
		const char	*cs, *in, *want, *iconv_want;
	} t[] = {
		/* UTF-7-IMAP would give U+00E9. */
		{ "UTF-7-IMAP", "&AOk-", "&AOk-", "\xc3\xa9" },
		/* EBCDIC: iconv would say "HELLO". */
		{ "IBM1047", "\xc8\xc5\xd3\xd3\xd6",
		    "\xc3\x88\xc3\x85\xc3\x93\xc3\x93\xc3\x96", "HELLO" },
		{ "ISO-2022-CN-EXT", "\x0e", "\x0e", "\xef\xbf\xbd" },
		{ "ISO-2022-CN", "\x1b$)A\x0e\x44\x63\x0f",
		    "\x1b$)A\x0e" "Dc\x0f", NULL },
		{ "ISO646-DE", "[\\]", "[\\]", "\xc3\x84\xc3\x96\xc3\x9c" },
	};
	struct buf	 b;
	size_t		 i, outlen;
	char		*out;

	for (i = 0; i < nitems(t); i++) {
		out = message_to_utf8(t[i].cs, t[i].in, strlen(t[i].in),
		    &outlen);
		is_str(out, t[i].want, "%s is not on the allowlist", t[i].cs);
		free(out);
		if (t[i].iconv_want == NULL)
			continue;
		buf_init(&b);
		ok(message_iconv_append(&b, t[i].cs, t[i].in,
		    strlen(t[i].in)) == 0 &&
		    strcmp(buf_cstr(&b), t[i].iconv_want) == 0,
		    "... though iconv would have decoded it");
		buf_free(&b);
	}
}

/* Labels on the allowlist decode with their (superset) charset. */
static void
test_allowlisted(void)
{
	static const struct {
		const char	*cs, *in, *want;
	} t[] = {
		{ "EUC-KR", "\xc7\xd1", "\xed\x95\x9c" },
		{ "ks_c_5601-1987", "\xc7\xd1", "\xed\x95\x9c" },
		{ "Big5", "\xa4\xa4", "\xe4\xb8\xad" },
		{ "GBK", "\xd6\xd0", "\xe4\xb8\xad" },
		{ "EUC-JP", "\xa4\xa2", "\xe3\x81\x82" },
		{ "Windows-31J", "\x82\xa0", "\xe3\x81\x82" },
		{ "ISO-2022-KR", "\x1b$)C\x0e\x47\x51\x0f", "\xed\x95\x9c" },
		{ "TIS-620", "\xa1", "\xe0\xb8\x81" },
		{ "KOI8-U", "\xa4", "\xd1\x94" },
		{ "IBM850", "\x82", "\xc3\xa9" },
		{ "macintosh", "\x8e", "\xc3\xa9" },
		{ "UTF-16LE", "a\0", "a" },
		{ "windows-1258", "\xcc", "\xcc\x80" },
		{ "VISCII", "\x02", "\xe1\xba\xb2" },
		{ "iso_8859-5:1988", "\xd0", "\xd0\xb0" },
	};
	size_t	 i, len, outlen;
	char	*out;

	for (i = 0; i < nitems(t); i++) {
		len = strlen(t[i].in);
		if (strcmp(t[i].cs, "UTF-16LE") == 0)
			len = 2;
		out = message_to_utf8(t[i].cs, t[i].in, len, &outlen);
		is_str(out, t[i].want, "allowlisted %s decodes", t[i].cs);
		free(out);
	}
}

/* A wrapped size stops as an overflow, not as an allocation of 2^64. */
static void
test_size_guard(void)
{
	struct buf	b;
	pid_t		pid;
	int		status, fd[2];
	char		msg[256] = "";
	ssize_t		n;

	if (pipe(fd) != 0 || (pid = fork()) == -1) {
		ok(0, "fork for the size guard");
		return;
	}
	if (pid == 0) {
		dup2(fd[1], 2);
		buf_init(&b);
		buf_add(&b, "x", 1);
		buf_reserve(&b, (size_t)-35);
		_exit(0);
	}
	close(fd[1]);
	n = read(fd[0], msg, sizeof msg - 1);
	msg[n > 0 ? n : 0] = '\0';
	close(fd[0]);
	waitpid(pid, &status, 0);
	ok(WIFSIGNALED(status) && strstr(msg, "buffer size overflow") != NULL,
	    "buf_reserve(2^64 - 35) is refused as an overflow");
	if (strstr(msg, "buffer size overflow") == NULL)
		diag("stderr: %s", msg);
}

int
main(void)
{
	test_allowlist();
	test_allowlisted();
	test_not_allowlisted();
	test_every_iconv_charset();
	test_size_guard();
	return (done_testing());
}
