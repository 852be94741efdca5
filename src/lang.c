/* helpq - lang.c: the customer's language (Content-Language, libexttextcat). */
#include "compat.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <textcat.h>

#include "lang.h"
#include "message.h"
#include "utf8.h"
#include "xmalloc.h"

/* Text looked at: the start of a message says enough, and costs less. */
#define LANG_SAMPLE	1024
/* Below this many letters textcat guesses; better to say nothing. */
#define LANG_MIN_TEXT	24

struct lang {
	void	*tc;
	char	**codes;
	size_t	 ncodes;
};

void
lang_free(struct lang *l)
{
	size_t	i;

	if (l == NULL)
		return;
	if (l->tc != NULL)
		textcat_Done(l->tc);
	for (i = 0; i < l->ncodes; i++)
		free(l->codes[i]);
	free(l->codes);
	free(l);
}

/*
 * textcat reads its list of models from a file: write one for just our
 * languages (a shorter list is faster and guesses better), read it, and
 * remove it.
 */
static void *
lang_textcat(struct lang *l, const char *datadir, char **cause)
{
	char		 path[] = "/tmp/helpq-textcat.XXXXXX", *prefix, *lm;
	FILE		*f;
	void		*tc;
	size_t		 i;
	int		 fd;

	for (i = 0; i < l->ncodes; i++) {
		lm = xprintf("%s/%s.lm", datadir, l->codes[i]);
		if (access(lm, R_OK) != 0) {
			*cause = xprintf("no language model for '%s' (%s: "
			    "%s)", l->codes[i], lm, strerror(errno));
			free(lm);
			return (NULL);
		}
		free(lm);
	}
	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		*cause = xprintf("%s: %s", path, strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(path);
		}
		return (NULL);
	}
	for (i = 0; i < l->ncodes; i++)
		fprintf(f, "%s.lm %s\n", l->codes[i], l->codes[i]);
	fclose(f);
	prefix = xprintf("%s/", datadir);
	tc = special_textcat_Init(path, prefix);
	free(prefix);
	unlink(path);
	if (tc == NULL)
		*cause = xprintf("libexttextcat could not read its models in "
		    "%s", datadir);
	return (tc);
}

struct lang *
lang_new(const char *const *codes, size_t ncodes, const char *datadir,
    char **cause)
{
	struct lang	*l;
	const char	*p;
	size_t		 i;

	l = xcalloc(1, sizeof *l);
	for (i = 0; i < ncodes; i++) {
		for (p = codes[i]; *p != '\0'; p++) {
			if (!islower((unsigned char)*p) && *p != '-') {
				*cause = xprintf("'%s' is not a language code "
				    "like de or el", codes[i]);
				lang_free(l);
				return (NULL);
			}
		}
		l->codes = xreallocarray(l->codes, l->ncodes + 1,
		    sizeof *l->codes);
		l->codes[l->ncodes++] = xstrdup(codes[i]);
	}
	if (datadir == NULL)
		datadir = TEXTCAT_DATADIR;
	if (l->ncodes > 0 && (l->tc = lang_textcat(l, datadir,
	    cause)) == NULL) {
		lang_free(l);
		return (NULL);
	}
	return (l);
}

/* Our code for a tag like "de", "de-AT" or "el_GR", or NULL. */
static const char *
lang_known(const struct lang *l, const char *tag, size_t len)
{
	size_t	i, n;

	n = strcspn(tag, "-_");
	if (n > len)
		n = len;
	for (i = 0; i < l->ncodes; i++) {
		if (strlen(l->codes[i]) == n &&
		    strncasecmp(l->codes[i], tag, n) == 0)
			return (l->codes[i]);
	}
	return (NULL);
}

const char *
lang_code(const struct lang *l, const char *tag)
{
	return (tag != NULL ? lang_known(l, tag, strlen(tag)) : NULL);
}

/*
 * The text textcat looks at: lines quoted with '>' and what follows a
 * signature delimiter ("-- ") are someone else's or boilerplate, and the
 * start of the rest says enough. Copies at most LANG_SAMPLE bytes into
 * buf, whole UTF-8 characters; returns how many.
 */
static size_t
lang_sample(const char *text, size_t len, char *buf)
{
	const char	*p = text, *end = text + len, *nl;
	size_t		 n = 0, take;

	while (p < end && n < LANG_SAMPLE) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		take = (size_t)(nl - p);
		if (take > 0 && p[take - 1] == '\r')
			take--;
		if (take == 3 && memcmp(p, "-- ", 3) == 0)
			break;
		if (*p != '>') {
			if (take > LANG_SAMPLE - n - 1)
				take = utf8_cut(p, take, LANG_SAMPLE - n - 1);
			memcpy(buf + n, p, take);
			n += take;
			buf[n++] = '\n';
		}
		p = nl + 1;
	}
	return (n);
}

const char *
lang_identify(struct lang *l, const struct message *msg)
{
	char		 buf[LANG_SAMPLE + 1];
	const char	*r, *end;
	size_t		 i, len, letters = 0;

	if (l->tc == NULL || msg->text == NULL)
		return (NULL);
	len = lang_sample(msg->text, msg->textlen, buf);
	buf[len] = '\0';	/* textcat reads up to a NUL, whatever len says */
	/* ASCII letters, and every non-ASCII character (its lead byte). */
	for (i = 0; i < len; i++) {
		if (isalpha((unsigned char)buf[i]) ||
		    (unsigned char)buf[i] >= 0xc0)
			letters++;
	}
	if (letters < LANG_MIN_TEXT)
		return (NULL);
	/* "[de][nl]": the first is the best; "UNKNOWN" or "SHORT" else. */
	r = textcat_Classify(l->tc, buf, len);
	if (r == NULL || *r != '[' || (end = strchr(r, ']')) == NULL)
		return (NULL);
	return (lang_known(l, r + 1, (size_t)(end - r - 1)));
}

const char *
lang_declared(struct lang *l, const struct message *msg)
{
	if (msg->content_language == NULL)
		return (NULL);
	return (lang_known(l, msg->content_language,
	    strlen(msg->content_language)));
}

const char *
lang_detect(struct lang *l, const struct message *msg)
{
	const char	*code;

	if ((code = lang_declared(l, msg)) != NULL)
		return (code);
	return (lang_identify(l, msg));
}
