/*
 * helpq - template.c: the texts of outgoing mail. Every file under the
 * templates directory is read and checked at load time, so a typo in a
 * variable is a configuration error with file:line:column, never a
 * half-written mail to a customer.
 */
#include "compat.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "compose.h"
#include "log.h"
#include "template.h"
#include "tz.h"
#include "utf8.h"
#include "xmalloc.h"

/* A template file larger than this is surely not a mail text. */
#define TEMPLATE_MAX	(256 * 1024)

/* The variables, in the order of their bits in a "used" mask. */
static const char *const template_vars[] = {
	"$", "address", "due", "name", "queue", "subject", "support",
	"text", "ticket", "token"
};
#define VAR_DUE		(1U << 2)
#define VAR_TICKET	(1U << 8)

/* How one language writes a date and time. */
struct tlocale {
	char	*format;
	char	*days[7];
	char	*short_days[7];
	char	*months[12];
	char	*short_months[12];
};

struct template {
	char	*lang;
	char	*name;
	char	*subject;
	char	*body;
};

struct tlang {
	char		*lang;
	struct tlocale	*locale;	/* NULL: the neutral format */
};

struct templates {
	struct template	*v;		/* sorted by language, then name */
	size_t		 n;
	struct tlang	*langs;		/* sorted by code */
	size_t		 nlangs;
};

/* Errors of a load, and the file being read. */
struct tload {
	struct buf	 errors;
	unsigned	 nerrors;
	const char	*file;
};

/* Record an error; line 0 is about the whole file or directory. */
static void __printflike(4, 5)
tload_error(struct tload *l, unsigned line, unsigned col, const char *fmt,
    ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	if (l->nerrors > 0)
		buf_addc(&l->errors, '\n');
	if (line == 0)
		buf_addf(&l->errors, "%s: %s", l->file, msg);
	else
		buf_addf(&l->errors, "%s:%u:%u: %s", l->file, line, col, msg);
	l->nerrors++;
	free(msg);
}

/* Columns count characters, not bytes: a caret under Greek text lines up. */
static unsigned
column(const char *line, const char *at)
{
	return (1 + (unsigned)utf8_chars(line, (size_t)(at - line)));
}

/* The bit of the variable named by the n bytes at name, or 0. */
static unsigned
var_bit(const char *name, size_t n)
{
	size_t	i;

	for (i = 0; i < nitems(template_vars); i++) {
		if (strlen(template_vars[i]) == n &&
		    strncmp(template_vars[i], name, n) == 0)
			return (1U << i);
	}
	return (0);
}

/*
 * Check the ${variables} of one line of text; *used collects what was
 * used. A '$' not followed by '{' is text.
 */
static void
check_vars(struct tload *l, const char *text, unsigned line,
    unsigned *used)
{
	const char	*p, *end;
	unsigned	 bit;
	size_t		 n;

	for (p = text; (p = strstr(p, "${")) != NULL; p = end + 1) {
		if ((end = strchr(p + 2, '}')) == NULL) {
			tload_error(l, line, column(text, p),
			    "\"${\" without \"}\"");
			return;
		}
		n = (size_t)(end - p - 2);
		if ((bit = var_bit(p + 2, n)) == 0) {
			tload_error(l, line, column(text, p),
			    "unknown variable ${%.*s} (known: ${ticket}, "
			    "${token}, ${name}, ${address}, ${subject}, "
			    "${queue}, ${due}, ${text}, ${support}, ${$})",
			    (int)(n > 40 ? 40 : n), p + 2);
			continue;
		}
		*used |= bit;
	}
}

/* Read a whole regular file; 0, or -1 after recording why. */
static int
read_file(struct tload *l, const char *path, char **textp, size_t *lenp)
{
	FILE		*f;
	struct buf	 b;
	int		 r;

	if ((f = fopen(path, "r")) == NULL) {
		tload_error(l, 0, 0, "%s", strerror(errno));
		return (-1);
	}
	buf_init(&b);
	if ((r = buf_read(&b, f, TEMPLATE_MAX)) == -1)
		tload_error(l, 0, 0, "%s", strerror(errno));
	else if (r == 1)
		tload_error(l, 0, 0, "larger than %d bytes", TEMPLATE_MAX);
	fclose(f);
	if (r != 0) {
		buf_free(&b);
		return (-1);
	}
	*textp = buf_steal(&b, lenp);
	return (0);
}

/* Invalid UTF-8 or a NUL: reported at its line and column. */
static int
check_utf8(struct tload *l, const char *text, size_t len)
{
	const char	*line = text, *p, *end = text + len;
	unsigned	 lineno = 1;
	uint32_t	 cp;
	size_t		 n;

	for (p = text; p < end; p += n) {
		n = 1;
		if (*p == '\n') {
			lineno++;
			line = p + 1;
			continue;
		}
		if (*p == '\0') {
			tload_error(l, lineno, column(line, p), "a NUL byte");
			return (-1);
		}
		if ((n = utf8_decode(p, (size_t)(end - p), &cp)) == 0) {
			tload_error(l, lineno, column(line, p),
			    "not valid UTF-8");
			return (-1);
		}
	}
	return (0);
}

/*
 * Parse a template file: comment lines, "Subject: ...", an empty line,
 * the body. Nothing is kept if any of it is wrong.
 */
static void
parse_template(struct tload *l, struct templates *t, const char *lang,
    const char *name, char *text)
{
	struct template	*tp;
	char		*line, *next, *subject = NULL, *colon, *body = NULL;
	char		*p, *nl;
	unsigned	 lineno = 0, bodyline = 0, n, used = 0, before;
	int		 comments = 1;

	before = l->nerrors;
	for (line = text; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		if (comments && *line == '#')
			continue;
		comments = 0;
		if (*line == '\0') {
			body = next;
			bodyline = lineno + 1;
			break;
		}
		if ((colon = strchr(line, ':')) == NULL) {
			tload_error(l, lineno, 1, "expected a header line "
			    "like \"Subject: ...\", then an empty line and "
			    "the text");
			return;
		}
		if ((size_t)(colon - line) != 7 ||
		    strncasecmp(line, "Subject", 7) != 0) {
			tload_error(l, lineno, 1, "unknown header \"%.*s\" "
			    "(a template has only Subject)",
			    (int)(colon - line > 40 ? 40 : colon - line),
			    line);
			continue;
		}
		if (subject != NULL) {
			tload_error(l, lineno, 1, "a second Subject: line");
			continue;
		}
		subject = colon + 1 + strspn(colon + 1, " \t");
		if (*subject == '\0')
			tload_error(l, lineno, column(line, subject),
			    "an empty Subject");
		check_vars(l, line, lineno, &used);
	}
	if (bodyline == 0) {
		tload_error(l, lineno, 1, subject == NULL ? "no Subject: line" :
		    "no empty line between the Subject and the text");
		return;
	}
	if (subject == NULL) {
		tload_error(l, 1, 1, "no Subject: line");
		return;
	}
	if (body == NULL || body[strspn(body, " \t\r\n")] == '\0') {
		tload_error(l, bodyline, 1, "no text after the Subject");
		return;
	}
	/* Each body line: its variables. */
	for (p = body, n = bodyline; *p != '\0'; p = nl + 1, n++) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl = '\0';
		check_vars(l, p, n, &used);
		if (nl == NULL)
			break;
		*nl = '\n';
	}
	if (strcmp(name, "ack") == 0 &&
	    (used & (VAR_TICKET | VAR_DUE)) != (VAR_TICKET | VAR_DUE))
		tload_error(l, 1, 1, "an acknowledgement must say which ticket "
		    "and by when: it uses %s", (used & VAR_TICKET) ?
		    "no ${due}" : (used & VAR_DUE) ? "no ${ticket}" :
		    "neither ${ticket} nor ${due}");
	if (l->nerrors != before)
		return;
	t->v = xreallocarray(t->v, t->n + 1, sizeof *t->v);
	tp = &t->v[t->n++];
	tp->lang = xstrdup(lang);
	tp->name = xstrdup(name);
	tp->subject = xstrdup(subject);
	tp->body = xstrdup(body);
}

static void
locale_free(struct tlocale *lc)
{
	size_t	i;

	if (lc == NULL)
		return;
	free(lc->format);
	for (i = 0; i < 7; i++) {
		free(lc->days[i]);
		free(lc->short_days[i]);
	}
	for (i = 0; i < 12; i++) {
		free(lc->months[i]);
		free(lc->short_months[i]);
	}
	free(lc);
}

/*
 * "a, b, c" (v, the value of key, both inside line) into exactly n
 * names, none empty; 0, or -1 after recording why.
 */
static int
locale_names(struct tload *l, unsigned lineno, const char *line,
    const char *key, const char *v, char **out, size_t n)
{
	const char	*p, *w, *end;
	size_t		 i = 0, k, len = 0;

	if (out[0] != NULL) {
		tload_error(l, lineno, column(line, key), "%s given twice",
		    key);
		return (-1);
	}
	for (p = v;; p = end + 1) {
		end = p + strcspn(p, ",");
		w = p + strspn(p, " \t");
		for (len = (size_t)(end - w); len > 0 &&
		    (w[len - 1] == ' ' || w[len - 1] == '\t'); len--)
			;
		if (len == 0) {
			if (*v == '\0')
				tload_error(l, lineno, column(line, v), "%s: "
				    "expected %zu names separated by commas",
				    key, n);
			else
				tload_error(l, lineno, column(line, w), "%s: "
				    "an empty name", key);
			break;
		}
		if (i < n)
			out[i] = xstrndup(w, len);
		i++;
		if (*end == '\0')
			break;
	}
	if (len > 0 && i != n)
		tload_error(l, lineno, column(line, v), "%s: expected %zu "
		    "names separated by commas, found %zu", key, n, i);
	if (len == 0 || i != n) {
		for (k = 0; k < n; k++) {
			free(out[k]);
			out[k] = NULL;
		}
		return (-1);
	}
	return (0);
}

/* Where a date format first uses each directive, for what it needs. */
struct tformat {
	unsigned	 col_A, col_a, col_B, col_b;
};

/* The directives a date format may use. */
static void
check_format(struct tload *l, unsigned lineno, const char *line,
    const char *v, struct tformat *tf)
{
	const char	*p;
	unsigned	*first;
	size_t		 n;

	for (p = v; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '\0') {
			tload_error(l, lineno, column(line, p), "a lone %% at "
			    "the end (write %%%% for a percent sign)");
			return;
		}
		if (strchr("AaBbdemYHMZ%", p[1]) == NULL) {
			/* The whole character after the %, even Greek. */
			n = 1 + utf8_skip(p + 1, strnlen(p + 1, UTF8_MAX), 1);
			tload_error(l, lineno, column(line, p), "unknown "
			    "directive %.*s (known: %%A %%a %%B %%b %%d %%e "
			    "%%m %%Y %%H %%M %%Z %%%%)", (int)n, p);
			return;
		}
		first = p[1] == 'A' ? &tf->col_A : p[1] == 'a' ? &tf->col_a :
		    p[1] == 'B' ? &tf->col_B : p[1] == 'b' ? &tf->col_b : NULL;
		if (first != NULL && *first == 0)
			*first = column(line, p);
		p++;
	}
}

/*
 * Parse a locale file: "date = FORMAT", "days = ..." (7, Sunday first),
 * "months = ..." (12), optionally "short-days" and "short-months" (else
 * the full names serve), comments with "#". days and months are needed
 * only when the format uses them.
 */
static void
parse_locale(struct tload *l, struct tlang *tl, char *text)
{
	struct tlocale	*lc;
	struct tformat	 tf;
	char		*line, *next, *eq, *key, *v;
	unsigned	 lineno = 0, dateline = 0, before = l->nerrors;
	size_t		 i;

	memset(&tf, 0, sizeof tf);
	lc = xcalloc(1, sizeof *lc);
	for (line = text; line != NULL; line = next) {
		lineno++;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		key = line + strspn(line, " \t");
		if (*key == '\0' || *key == '#')
			continue;
		if ((eq = strchr(key, '=')) == NULL) {
			tload_error(l, lineno, column(line, key),
			    "expected \"key = value\"");
			continue;
		}
		v = eq + 1 + strspn(eq + 1, " \t");
		for (i = strlen(v); i > 0 && (v[i - 1] == ' ' ||
		    v[i - 1] == '\t'); i--)
			v[i - 1] = '\0';
		while (eq > key && (eq[-1] == ' ' || eq[-1] == '\t'))
			eq--;
		*eq = '\0';
		if (strcmp(key, "date") == 0) {
			if (lc->format != NULL) {
				tload_error(l, lineno, column(line, key),
				    "date given twice");
				continue;
			}
			if (*v == '\0')
				tload_error(l, lineno, column(line, v),
				    "an empty date format");
			check_format(l, lineno, line, v, &tf);
			lc->format = xstrdup(v);
			dateline = lineno;
		} else if (strcmp(key, "days") == 0)
			locale_names(l, lineno, line, key, v, lc->days, 7);
		else if (strcmp(key, "short-days") == 0)
			locale_names(l, lineno, line, key, v, lc->short_days,
			    7);
		else if (strcmp(key, "months") == 0)
			locale_names(l, lineno, line, key, v, lc->months, 12);
		else if (strcmp(key, "short-months") == 0)
			locale_names(l, lineno, line, key, v,
			    lc->short_months, 12);
		else
			tload_error(l, lineno, column(line, key), "unknown key "
			    "\"%s\" (known: date, days, short-days, months, "
			    "short-months)", key);
	}
	if (l->nerrors == before) {
		if (lc->format == NULL)
			tload_error(l, 0, 0, "no \"date = ...\" line");
		else if (tf.col_A != 0 && lc->days[0] == NULL)
			tload_error(l, dateline, tf.col_A, "%%A needs a "
			    "\"days = ...\" line");
		else if (tf.col_a != 0 && lc->days[0] == NULL &&
		    lc->short_days[0] == NULL)
			tload_error(l, dateline, tf.col_a, "%%a needs a "
			    "\"short-days = ...\" or \"days = ...\" line");
		else if (tf.col_B != 0 && lc->months[0] == NULL)
			tload_error(l, dateline, tf.col_B, "%%B needs a "
			    "\"months = ...\" line");
		else if (tf.col_b != 0 && lc->months[0] == NULL &&
		    lc->short_months[0] == NULL)
			tload_error(l, dateline, tf.col_b, "%%b needs a "
			    "\"short-months = ...\" or \"months = ...\" line");
	}
	if (l->nerrors != before) {
		locale_free(lc);
		return;
	}
	/* Short names default to the long ones. */
	for (i = 0; i < 7; i++) {
		if (lc->short_days[i] == NULL && lc->days[i] != NULL)
			lc->short_days[i] = xstrdup(lc->days[i]);
	}
	for (i = 0; i < 12; i++) {
		if (lc->short_months[i] == NULL && lc->months[i] != NULL)
			lc->short_months[i] = xstrdup(lc->months[i]);
	}
	tl->locale = lc;
}

/* Names: a language is 2 or 3 lower-case letters, a template lower-case
 * letters, digits and '-'. */
static int
name_ok(const char *s, int lang)
{
	size_t	n = strlen(s);

	if (lang)
		return (n >= 2 && n <= 3 &&
		    strspn(s, "abcdefghijklmnopqrstuvwxyz") == n);
	return (n > 0 && n <= 64 &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n);
}

static int
name_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* The sorted entries of a directory that are not hidden or backups;
 * -1 with errno when it cannot be read. */
static int
list_dir(const char *dir, char ***vp, size_t *np)
{
	DIR		*d;
	struct dirent	*de;
	char		**v = NULL;
	size_t		 n = 0, len;

	*vp = NULL;
	*np = 0;
	if ((d = opendir(dir)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || de->d_name[len - 1] == '~')
			continue;
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof *v, name_cmp);
	*vp = v;
	*np = n;
	return (0);
}

/* One language's directory: every entry is a template or its locale. */
static void
load_lang(struct tload *l, struct templates *t, const char *dir,
    const char *lang)
{
	struct tlang	*tl;
	struct stat	 sb;
	char		**files, *path, *text, *start;
	size_t		 n, i, len;

	t->langs = xreallocarray(t->langs, t->nlangs + 1, sizeof *t->langs);
	tl = &t->langs[t->nlangs++];
	tl->lang = xstrdup(lang);
	tl->locale = NULL;
	path = xprintf("%s/%s", dir, lang);
	if (list_dir(path, &files, &n) != 0) {
		l->file = path;
		tload_error(l, 0, 0, "%s", strerror(errno));
		l->file = NULL;
	}
	free(path);
	for (i = 0; i < n; i++) {
		path = xprintf("%s/%s/%s", dir, lang, files[i]);
		l->file = path;
		if (stat(path, &sb) != 0)
			tload_error(l, 0, 0, "%s", strerror(errno));
		else if (S_ISDIR(sb.st_mode))
			tload_error(l, 0, 0, "a directory among the templates");
		else if (!S_ISREG(sb.st_mode))
			tload_error(l, 0, 0, "not a regular file");
		else if (!name_ok(files[i], 0))
			tload_error(l, 0, 0, "not a template name (lower-case "
			    "letters, digits and '-')");
		else if (read_file(l, path, &text, &len) == 0) {
			/* An editor's byte order mark is no header. */
			start = text;
			if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
				start += 3;
			if (check_utf8(l, start, len - (size_t)(start -
			    text)) == 0) {
				if (strcmp(files[i], "locale") == 0)
					parse_locale(l, tl, start);
				else
					parse_template(l, t, lang, files[i],
					    start);
			}
			free(text);
		}
		free(path);
		l->file = NULL;
	}
	xfreev(files, n);
}

int
templates_load(const char *dir, struct templates **tp, char **errors)
{
	struct templates	*t;
	struct tload		 l;
	struct stat		 sb;
	char			**names, *path;
	size_t			 n, i;

	*tp = NULL;
	*errors = NULL;
	if (list_dir(dir, &names, &n) != 0) {
		*errors = xprintf("%s: %s", dir, strerror(errno));
		return (-1);
	}
	memset(&l, 0, sizeof l);
	buf_init(&l.errors);
	t = xcalloc(1, sizeof *t);
	for (i = 0; i < n; i++) {
		path = xprintf("%s/%s", dir, names[i]);
		l.file = path;
		if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if (name_ok(names[i], 1))
				load_lang(&l, t, dir, names[i]);
			else
				tload_error(&l, 0, 0, "not a language code "
				    "like de or el");
		} else if (name_ok(names[i], 0)) {
			/* README and the like may sit beside the languages;
			 * a file named like a template is likely lost. */
			log_warnx("%s: ignored: templates go in %s/<language>/",
			    path, dir);
		}
		l.file = NULL;
		free(path);
	}
	xfreev(names, n);
	if (l.nerrors == 0 && t->n == 0) {
		l.file = dir;
		tload_error(&l, 0, 0, "no templates");
	}
	if (l.nerrors > 0) {
		*errors = buf_steal(&l.errors, NULL);
		templates_free(t);
		return (-1);
	}
	buf_free(&l.errors);
	*tp = t;
	return (0);
}

void
templates_free(struct templates *t)
{
	size_t	i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->v[i].lang);
		free(t->v[i].name);
		free(t->v[i].subject);
		free(t->v[i].body);
	}
	free(t->v);
	for (i = 0; i < t->nlangs; i++) {
		free(t->langs[i].lang);
		locale_free(t->langs[i].locale);
	}
	free(t->langs);
	free(t);
}

static const struct template *
find(const struct templates *t, const char *name, const char *lang)
{
	size_t	i;

	for (i = 0; lang != NULL && i < t->n; i++) {
		if (strcmp(t->v[i].name, name) == 0 &&
		    strcmp(t->v[i].lang, lang) == 0)
			return (&t->v[i]);
	}
	return (NULL);
}

int
templates_has(const struct templates *t, const char *name)
{
	size_t	i;

	for (i = 0; t != NULL && i < t->n; i++) {
		if (strcmp(t->v[i].name, name) == 0)
			return (1);
	}
	return (0);
}

int
templates_lang_has(const struct templates *t, const char *lang,
    const char *name)
{
	size_t	i;

	for (i = 0; t != NULL && i < t->n; i++) {
		if (strcmp(t->v[i].lang, lang) == 0 &&
		    strcmp(t->v[i].name, name) == 0)
			return (1);
	}
	return (0);
}

static const struct tlocale *
locale_of(const struct templates *t, const char *lang)
{
	size_t	i;

	for (i = 0; t != NULL && lang != NULL && i < t->nlangs; i++) {
		if (strcmp(t->langs[i].lang, lang) == 0)
			return (t->langs[i].locale);
	}
	return (NULL);
}

/* A name of the locale; loading made sure the format's are there. */
static void
add_name(struct buf *b, const char *name)
{
	buf_adds(b, name != NULL ? name : "");
}

char *
templates_time(const struct templates *t, const char *lang,
    const struct tz *tz, time_t when)
{
	const struct tlocale	*lc = locale_of(t, lang);
	const char		*p;
	struct tm		 tm;
	struct buf		 b;

	if (tz_local(tz, when, &tm) != 0)
		tz_local(NULL, 0, &tm);		/* beyond any calendar */
	buf_init(&b);
	if (lc == NULL) {
		buf_addf(&b, "%04d-%02d-%02d %02d:%02d %s", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_zone != NULL ? tm.tm_zone : "");
		return (buf_steal(&b, NULL));
	}
	for (p = lc->format; *p != '\0'; p++) {
		if (*p != '%' || p[1] == '\0') {
			buf_addc(&b, *p);
			continue;
		}
		switch (*++p) {
		case 'A':
			add_name(&b, lc->days[tm.tm_wday]);
			break;
		case 'a':
			add_name(&b, lc->short_days[tm.tm_wday]);
			break;
		case 'B':
			add_name(&b, lc->months[tm.tm_mon]);
			break;
		case 'b':
			add_name(&b, lc->short_months[tm.tm_mon]);
			break;
		case 'd':
			buf_addf(&b, "%02d", tm.tm_mday);
			break;
		case 'e':
			buf_addf(&b, "%d", tm.tm_mday);
			break;
		case 'm':
			buf_addf(&b, "%02d", tm.tm_mon + 1);
			break;
		case 'Y':
			buf_addf(&b, "%d", tm.tm_year + 1900);
			break;
		case 'H':
			buf_addf(&b, "%02d", tm.tm_hour);
			break;
		case 'M':
			buf_addf(&b, "%02d", tm.tm_min);
			break;
		case 'Z':
			buf_adds(&b, tm.tm_zone != NULL ? tm.tm_zone : "");
			break;
		default:
			buf_addc(&b, *p);
			break;
		}
	}
	return (buf_steal(&b, NULL));
}

/* Nonzero if s is NULL or "". */
static int
empty(const char *s)
{
	return (s == NULL || *s == '\0');
}

/*
 * s as one line of at most max characters: controls to single blanks
 * (compose_header_text), and a longer text cut at a character boundary
 * with an ellipsis in the last place. Allocated; NULL stays NULL.
 */
static char *
one_line(const char *s, size_t max)
{
	char	*out, *cutout;
	size_t	 len;

	if (s == NULL)
		return (NULL);
	out = compose_header_text(s);
	/* Valid UTF-8 now, so characters count exactly. */
	len = strlen(out);
	if (utf8_chars(out, len) > max) {
		out[max > 0 ? utf8_skip(out, len, max - 1) : 0] = '\0';
		cutout = xprintf("%s\xe2\x80\xa6", out);
		free(out);
		return (cutout);
	}
	return (out);
}

/* The value of one variable (the caller frees *owned, if set). */
static const char *
var_value(const struct templates *t, const char *lang,
    const struct template_vars *v, const char *name, size_t n, char **owned)
{
	*owned = NULL;
#define IS(s)	(n == strlen(s) && strncmp(name, s, n) == 0)
	if (IS("$"))
		return ("$");
	if (IS("ticket"))
		return (*owned = xprintf("%lld", (long long)v->ticket));
	if (IS("due"))
		return (v->due == 0 ? "" :
		    (*owned = templates_time(t, lang, v->tz, v->due)));
	if (IS("token"))
		return (*owned = one_line(v->token, TEMPLATE_ADDRESS_MAX));
	if (IS("name"))
		return (*owned = empty(v->name) ?
		    one_line(v->address, TEMPLATE_ADDRESS_MAX) :
		    one_line(v->name, TEMPLATE_NAME_MAX));
	if (IS("address"))
		return (*owned = one_line(v->address, TEMPLATE_ADDRESS_MAX));
	if (IS("subject"))
		return (*owned = one_line(v->subject, TEMPLATE_SUBJECT_MAX));
	if (IS("queue"))
		return (*owned = one_line(v->queue, TEMPLATE_NAME_MAX));
	/* An agent's text has lines; it is ours, not a stranger's. */
	if (IS("text"))
		return (v->text);
	if (IS("support"))
		return (*owned = one_line(v->support, TEMPLATE_ADDRESS_MAX));
#undef IS
	return (NULL);
}

/* Text with its variables replaced (checked at load); values are not
 * read again, so a "${" in a customer's subject stays as it is.
 * Allocated. */
static char *
substitute(const struct templates *t, const char *lang, const char *text,
    const struct template_vars *v)
{
	struct buf	 b;
	const char	*p, *end, *val;
	char		*owned;

	buf_init(&b);
	for (p = text; *p != '\0'; p++) {
		if (p[0] != '$' || p[1] != '{' ||
		    (end = strchr(p + 2, '}')) == NULL) {
			buf_addc(&b, *p);
			continue;
		}
		val = var_value(t, lang, v, p + 2, (size_t)(end - p - 2),
		    &owned);
		if (val != NULL)
			buf_adds(&b, val);
		free(owned);
		p = end;
	}
	return (buf_steal(&b, NULL));
}

int
templates_render(const struct templates *t, const char *name,
    const char *lang, const char *fallback, const struct template_vars *v,
    char **subject, char **body, const char **used, char **cause)
{
	const struct template	*tp;
	size_t			 i;

	if ((tp = find(t, name, lang)) == NULL &&
	    (tp = find(t, name, fallback)) == NULL &&
	    (tp = find(t, name, "en")) == NULL) {
		/* Any language: the first in alphabetical order, as the
		 * languages were loaded sorted. */
		for (i = 0; i < t->n && tp == NULL; i++) {
			if (strcmp(t->v[i].name, name) == 0)
				tp = &t->v[i];
		}
	}
	if (tp == NULL) {
		*cause = xprintf("no template \"%s\" in any language", name);
		return (-1);
	}
	*subject = substitute(t, tp->lang, tp->subject, v);
	*body = substitute(t, tp->lang, tp->body, v);
	*used = tp->lang;
	return (0);
}
