/* helpq - parse-corpus.c: parse the real-mail corpus and hostile messages. */
#include "compat.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "message.h"
#include "utf8.h"
#include "xmalloc.h"
#include "../tap.h"

/* What the corpus checks learn about one folder of files. */
struct folder {
	char	 name[512];
	size_t	 files;
	size_t	 failed;		/* parse error or broken invariant */
	double	 secs;
	size_t	 bytes;
};

/* Content checks, keyed by file name prefix in linux-mips-charsets. */
struct checks {
	size_t	 greek_omega, greek_mu;
	size_t	 german, german_ok;
	size_t	 ew, ew_ok, ew_mueller, ew_rene, ew_chen;
	size_t	 html, html_ok;
	size_t	 pdf, pdf_ok;
	size_t	 rfc822, rfc822_ok;
	size_t	 gb, gb_ok;
	size_t	 koi8_cyr;
	size_t	 from_html, from_html_ok;
};

static struct folder	*folders;
static size_t		 nfolders;
static struct checks	 ck;
static double		 total_secs;
static size_t		 total_files, total_bytes;

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec + ts.tv_nsec / 1e9);
}

static int
valid(const char *s)
{
	return (s == NULL || utf8_valid(s, strlen(s)));
}

/* Every string valid UTF-8, lengths right, limits kept. */
static int
invariants(const struct message *m)
{
	size_t	i;

	if (m->subject == NULL || m->text == NULL || !valid(m->subject) ||
	    strlen(m->text) != m->textlen || m->textlen > MESSAGE_TEXT_MAX ||
	    !utf8_valid(m->text, m->textlen) ||
	    !valid(m->message_id) || !valid(m->in_reply_to) ||
	    !valid(m->list_id) || !valid(m->return_path) ||
	    strlen(m->hash) != 64)
		return (0);
	for (i = 0; i < m->nreferences; i++)
		if (!valid(m->references[i]))
			return (0);
	for (i = 0; i < m->nheaders; i++)
		if (!valid(m->headers[i].name) || !valid(m->headers[i].value))
			return (0);
	for (i = 0; i < m->from.n; i++)
		if (m->from.v[i].addr == NULL || !valid(m->from.v[i].addr) ||
		    !valid(m->from.v[i].name))
			return (0);
	for (i = 0; i < m->nattachments; i++)
		if (!valid(m->attachments[i].filename) ||
		    m->attachments[i].type == NULL)
			return (0);
	return (1);
}

static int
prefixed(const char *name, const char *prefix)
{
	return (strncmp(name, prefix, strlen(prefix)) == 0);
}

/* Any header value still holding an encoded word? */
static int
undecoded(const struct message *m)
{
	size_t	i;

	for (i = 0; i < m->nheaders; i++)
		if (strcasestr(m->headers[i].value, "=?utf-8?") != NULL ||
		    strcasestr(m->headers[i].value, "=?iso-8859-1?") != NULL)
			return (1);
	return (0);
}

/* No HTML tags or entities left ("</" before a letter ends a tag). */
static int
tagless(const char *t)
{
	const char	*p;

	for (p = t; (p = strstr(p, "</")) != NULL; p += 2)
		if ((p[2] >= 'a' && p[2] <= 'z') ||
		    (p[2] >= 'A' && p[2] <= 'Z'))
			return (0);
	return (strstr(t, "<div") == NULL && strstr(t, "<p>") == NULL &&
	    strstr(t, "<br") == NULL && strstr(t, "&nbsp;") == NULL &&
	    strstr(t, "<html") == NULL);
}

/* Checks that fail if decoding breaks, on known corpus files. */
static void
content_checks(const char *path, const struct message *m)
{
	const char	*base = strrchr(path, '/');
	size_t		 i;
	int		 good;

	base = base != NULL ? base + 1 : path;
	if (m->text_from_html) {
		ck.from_html++;
		ck.from_html_ok += m->textlen > 0 && tagless(m->text);
	}
	if (strstr(path, "linux-mips-charsets/") == NULL)
		return;
	if (prefixed(base, "greek-")) {
		/* iso-8859-7 0xd9 and 0xec: Ω and μ; Latin-1 would be Ù, ì. */
		ck.greek_omega += strstr(m->text, "50\xce\xa9 ") != NULL;
		ck.greek_mu += strstr(m->text, "\xce\xbc" "Clibc") != NULL;
	} else if (prefixed(base, "german_latin1-")) {
		ck.german++;
		ck.german_ok += (strstr(m->text, "\xc3\xbc") != NULL ||
		    strstr(m->text, "\xc3\xb6") != NULL ||
		    strstr(m->text, "\xc3\xa4") != NULL ||
		    strstr(m->text, "\xc3\x9f") != NULL) &&
		    strstr(m->text, "\xc3\x83") == NULL &&
		    strstr(m->text, "\xef\xbf\xbd") == NULL;
	} else if (prefixed(base, "ew_q_latin1-") ||
	    prefixed(base, "ew_b_utf8-")) {
		ck.ew++;
		ck.ew_ok += !undecoded(m);
		for (i = 0; i < m->from.n; i++) {
			if (m->from.v[i].name == NULL)
				continue;
			ck.ew_mueller += strcmp(m->from.v[i].name,
			    "Stephan M\xc3\xbcller") == 0;
			ck.ew_rene += strcmp(m->from.v[i].name,
			    "Ren\xc3\xa9 van Dorst") == 0;
			ck.ew_chen += strcmp(m->from.v[i].name,
			    "\xe9\x99\x88\xe5\x8d\x8e\xe6\x89\x8d") == 0;
		}
	} else if (prefixed(base, "html_only-")) {
		ck.html++;
		ck.html_ok += m->textlen > 0 && tagless(m->text);
	} else if (prefixed(base, "attach_pdf-")) {
		/* Despite the name: .config.gz, .7z, patches; all base64. */
		ck.pdf++;
		for (good = 0, i = 0; i < m->nattachments; i++)
			good |= m->attachments[i].filename != NULL &&
			    m->attachments[i].size > 0 &&
			    strcmp(m->attachments[i].type,
			    "application/octet-stream") == 0;
		ck.pdf_ok += good;
	} else if (prefixed(base, "rfc822_attached-")) {
		ck.rfc822++;
		for (good = 0, i = 0; i < m->nattachments; i++)
			good |= strcmp(m->attachments[i].type,
			    "message/rfc822") == 0 &&
			    m->attachments[i].filename != NULL &&
			    m->attachments[i].size > 100;
		ck.rfc822_ok += good;
	} else if (prefixed(base, "gb-")) {
		/* Every one has some CJK in a header or the text. */
		ck.gb++;
		for (good = 0, i = 0; m->text[i] != '\0'; i++)
			good |= (unsigned char)m->text[i] >= 0xe4 &&
			    (unsigned char)m->text[i] <= 0xe9;
		for (i = 0; i < m->from.n && m->from.v[i].name != NULL; i++)
			good |= strstr(m->from.v[i].name, "\xe4") != NULL;
		ck.gb_ok += good;
	} else if (prefixed(base, "koi8-")) {
		ck.koi8_cyr += strstr(m->text, "\xd0\xbf") != NULL ||
		    strstr(m->text, "\xd0\xb8") != NULL;
	}
}

static char *
slurp(const char *path, size_t *lenp)
{
	FILE	*f;
	char	*data;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return (NULL);
	}
	data = xmalloc(n + 1);
	*lenp = fread(data, 1, n, f);
	fclose(f);
	return (data);
}

static void
parse_file(const char *path, struct folder *fo)
{
	struct message	*m;
	char		*raw, *cause = NULL;
	size_t		 len = 0;
	double		 t0;
	int		 r;

	if ((raw = slurp(path, &len)) == NULL) {
		diag("%s: cannot read", path);
		fo->failed++;
		return;
	}
	t0 = now();
	r = message_parse(raw, len, &m, &cause);
	if (r == 0) {
		if (!invariants(m)) {
			diag("%s: invariant broken", path);
			fo->failed++;
		}
		content_checks(path, m);
		message_free(m);
	} else {
		if (len != 0) {
			diag("%s: %s", path, cause);
			fo->failed++;
		}
		free(cause);
	}
	fo->secs += now() - t0;
	fo->files++;
	fo->bytes += len;
	free(raw);
}

static int
name_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Parse every file under dir, in name order, into folder fo. */
static void
walk_dir(const char *dir, struct folder *fo, int depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		**names = NULL, *path;
	size_t		 n = 0, i;

	if (depth > 16 || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, name_cmp);
	for (i = 0; i < n; i++) {
		path = xprintf("%s/%s", dir, names[i]);
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
			walk_dir(path, fo, depth + 1);
		else if (S_ISREG(sb.st_mode))
			parse_file(path, fo);
		free(path);
		free(names[i]);
	}
	free(names);
}

/* Folders are the corpus's second level: threads/linux-mips, ... */
static void
walk_corpus(const char *root)
{
	DIR		*d, *d2;
	struct dirent	*de, *de2;
	struct folder	*fo;
	char		*top, *sub;

	if ((d = opendir(root)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		top = xprintf("%s/%s", root, de->d_name);
		if ((d2 = opendir(top)) == NULL) {
			free(top);
			continue;
		}
		while ((de2 = readdir(d2)) != NULL) {
			if (de2->d_name[0] == '.')
				continue;
			sub = xprintf("%s/%s", top, de2->d_name);
			folders = xreallocarray(folders, nfolders + 1,
			    sizeof *folders);
			fo = &folders[nfolders++];
			memset(fo, 0, sizeof *fo);
			snprintf(fo->name, sizeof fo->name, "%s/%s",
			    de->d_name, de2->d_name);
			walk_dir(sub, fo, 0);
			free(sub);
		}
		closedir(d2);
		free(top);
	}
	closedir(d);
}

static int
folder_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct folder *)a)->name,
	    ((const struct folder *)b)->name));
}

static void
report_corpus(void)
{
	struct folder	*fo;
	size_t		 i;

	qsort(folders, nfolders, sizeof *folders, folder_cmp);
	for (i = 0; i < nfolders; i++) {
		fo = &folders[i];
		if (fo->files == 0)
			continue;
		ok(fo->failed == 0, "%s: parsed %zu files, 0 crashes, "
		    "%zu failures", fo->name, fo->files, fo->failed);
		total_files += fo->files;
		total_bytes += fo->bytes;
		total_secs += fo->secs;
	}
	ok(total_files > 9000, "corpus: %zu files", total_files);
	diag("corpus: %zu files, %.1f MB, %.3f s parsing: %.0f files/s, "
	    "%.1f us/message", total_files, total_bytes / 1e6, total_secs,
	    total_files / total_secs, total_secs * 1e6 / total_files);

	ok(ck.greek_omega >= 1, "greek iso-8859-7: 50\xce\xa9 decoded");
	ok(ck.greek_mu >= 1, "greek iso-8859-7: \xce\xbc" "Clibc decoded");
	ok(ck.german >= 20 && ck.german_ok == ck.german,
	    "german_latin1: %zu/%zu have umlauts, no mojibake",
	    ck.german_ok, ck.german);
	ok(ck.ew >= 20 && ck.ew_ok == ck.ew,
	    "ew_*: %zu/%zu without encoded words left", ck.ew_ok, ck.ew);
	ok(ck.ew_mueller >= 1 && ck.ew_rene >= 10 && ck.ew_chen >= 3,
	    "ew_*: names decoded (M\xc3\xbcller %zu, Ren\xc3\xa9 %zu, "
	    "\xe9\x99\x88\xe5\x8d\x8e\xe6\x89\x8d %zu)", ck.ew_mueller,
	    ck.ew_rene, ck.ew_chen);
	ok(ck.html >= 10 && ck.html_ok == ck.html,
	    "html_only: %zu/%zu non-empty text without tags", ck.html_ok,
	    ck.html);
	ok(ck.pdf >= 10 && ck.pdf_ok == ck.pdf,
	    "attach_pdf: %zu/%zu list a named attachment with a size",
	    ck.pdf_ok, ck.pdf);
	ok(ck.rfc822 >= 10 && ck.rfc822_ok == ck.rfc822,
	    "rfc822_attached: %zu/%zu list message/rfc822", ck.rfc822_ok,
	    ck.rfc822);
	ok(ck.gb >= 10 && ck.gb_ok == ck.gb, "gb: %zu/%zu decode to CJK",
	    ck.gb_ok, ck.gb);
	ok(ck.koi8_cyr >= 2, "koi8: %zu decode to Cyrillic", ck.koi8_cyr);
	ok(ck.from_html >= 10 && ck.from_html_ok == ck.from_html,
	    "corpus: %zu/%zu HTML-only texts have no tags", ck.from_html_ok,
	    ck.from_html);
}

/* ---- hostile messages ---- */

static long
peak_rss_mb(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_maxrss / 1024);
}

/* Parse a generated message; it must finish in time and stay sane. */
static void
hostile(const char *what, struct buf *b, double maxsecs)
{
	struct message	*m = NULL;
	char		*cause = NULL;
	double		 t0, secs;
	int		 r;

	t0 = now();
	r = message_parse(b->data, b->len, &m, &cause);
	secs = now() - t0;
	ok(r == 0 && invariants(m) && secs < maxsecs,
	    "hostile: %s (%.1f MB) parsed in %.3f s, limits %#x, "
	    "%zu attachments, text %zu bytes, peak RSS %ld MB", what,
	    b->len / 1e6, secs, m != NULL ? m->limits : 0,
	    m != NULL ? m->nattachments : 0, m != NULL ? m->textlen : 0,
	    peak_rss_mb());
	if (r != 0) {
		diag("%s", cause);
		free(cause);
	}
	message_free(m);
	buf_free(b);
}

static void
hostile_big(void)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	buf_adds(&b, "Subject: big\nContent-Type: multipart/mixed; "
	    "boundary=\"big\"\n\n--big\nContent-Type: text/plain\n\n");
	for (i = 0; b.len < 20 * 1000 * 1000; i++)
		buf_addf(&b, "line %zu of a very long text part, "
		    "which goes on and on\n", i);
	buf_adds(&b, "--big\nContent-Type: application/octet-stream\n"
	    "Content-Transfer-Encoding: base64\n"
	    "Content-Disposition: attachment; filename=big.bin\n\n");
	while (b.len < 50 * 1000 * 1000)
		buf_adds(&b, "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlq"
		    "a2xtbm9wcXJzdHV2d3h5ejAx\n");
	buf_adds(&b, "--big--\n");
	hostile("50 MB message", &b, 20);
}

static void
hostile_parts(void)
{
	struct buf	b;
	int		i;

	buf_init(&b);
	buf_adds(&b, "Content-Type: multipart/mixed; boundary=p\n\n");
	for (i = 0; i < 10000; i++)
		buf_addf(&b, "--p\nContent-Type: %s\n\npart %d\n",
		    i % 2 ? "text/plain" : "application/x-part", i);
	buf_adds(&b, "--p--\n");
	hostile("10,000 MIME parts", &b, 10);
}

static void
hostile_header(void)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	buf_adds(&b, "Subject: ");
	for (i = 0; i < 1024 * 1024 / 16; i++)
		buf_adds(&b, "=?utf-8?q?=C3=A9?");
	buf_adds(&b, "\nTo: ");
	for (i = 0; b.len < 2 * 1024 * 1024; i++)
		buf_addf(&b, "\"User %zu\" <user%zu@example.com>, ", i, i);
	buf_adds(&b, "\nReferences:");
	for (i = 0; b.len < 3 * 1024 * 1024; i++)
		buf_addf(&b, " <%zu@x>", i);
	buf_adds(&b, "\nX-Long: ");
	for (i = 0; i < 1024 * 1024; i++)
		buf_addc(&b, 'a' + i % 26);
	buf_adds(&b, "\n\nbody\n");
	hostile("1 MB header lines", &b, 10);
}

static void
hostile_nesting(void)
{
	struct buf	b;
	int		i;

	buf_init(&b);
	for (i = 0; i < 5000; i++)
		buf_addf(&b, "Content-Type: multipart/mixed; boundary=\"n%d\""
		    "\n\n--n%d\n", i, i);
	buf_adds(&b, "Content-Type: text/plain\n\ndeep\n");
	for (i = 4999; i >= 0; i--)
		buf_addf(&b, "--n%d--\n", i);
	hostile("5,000 nested multiparts", &b, 10);

	buf_init(&b);
	for (i = 0; i < 20000; i++)
		buf_addf(&b, "Subject: level %d\nContent-Type: "
		    "message/rfc822\n\n", i);
	buf_adds(&b, "Subject: core\n\ninnermost\n");
	hostile("20,000 nested message/rfc822", &b, 10);

	/* Same boundary at every level: delimiters all look alike. */
	buf_init(&b);
	for (i = 0; i < 3000; i++)
		buf_adds(&b, "Content-Type: multipart/mixed; boundary=same\n\n"
		    "--same\n");
	buf_adds(&b, "\ntext\n--same--\n");
	hostile("3,000 levels, one boundary", &b, 10);
}

static void
hostile_broken(void)
{
	static const char nul[] = "Subject: nul\0here\nFrom: a\0b@c\n"
	    "X-\0: x\nContent-Type: text/plain; charset=\0utf-8\n\nbo\0dy\n";
	struct buf	b;
	int		i;

	buf_init(&b);
	buf_adds(&b, "Content-Type: multipart/mixed; boundary=u\n\n--u\n"
	    "Content-Type: multipart/alternative; boundary=v\n\n--v\n"
	    "Content-Type: text/plain\n\nnever closed\n--v\n"
	    "Content-Type: text/html\n\n<p>open <b>tags");
	hostile("unterminated boundaries", &b, 5);

	buf_init(&b);
	buf_adds(&b, "Content-Type: multipart/mixed; boundary=\n\n--\n--\n");
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "--u\n");
	hostile("empty boundary, 100,000 delimiter lines", &b, 5);

	buf_init(&b);
	buf_add(&b, nul, sizeof nul - 1);
	hostile("NUL bytes in headers and body", &b, 5);

	buf_init(&b);
	buf_adds(&b, "Content-Type: text/html\n\n");
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "<div><a href=x>");
	hostile("HTML nested 100,000 deep", &b, 20);

	buf_init(&b);
	buf_adds(&b, "Content-Type: text/plain; charset=utf-7\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n");
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "+AOk-=\n=ZZ=E9\xff");
	hostile("broken utf-7 and quoted-printable", &b, 5);

	buf_init(&b);
	buf_adds(&b, "Content-Type: multipart/mixed; boundary=\"a\"\n\n");
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "--a\n\n");
	hostile("100,000 empty parts", &b, 5);
}

int
main(int argc, char *argv[])
{
	const char	*root;
	struct stat	 sb;

	root = argc > 1 ? argv[1] : getenv("HELPQ_CORPUS");
	if (root != NULL && *root != '\0' && stat(root, &sb) == 0 &&
	    S_ISDIR(sb.st_mode)) {
		walk_corpus(root);
		report_corpus();
		free(folders);
	} else
		diag("corpus not found: only generated messages");
	hostile_big();
	hostile_parts();
	hostile_header();
	hostile_nesting();
	hostile_broken();
	return (done_testing());
}
