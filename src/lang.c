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
#define LANG_SAMPLE	2048
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

/* Identify len bytes of UTF-8 text; NULL when unsure. */
static const char *
lang_identify(struct lang *l, const char *text, size_t len)
{
	const char	*r, *end;
	size_t		 i, letters = 0;

	if (l->tc == NULL)
		return (NULL);
	len = utf8_cut(text, len, LANG_SAMPLE);
	/* ASCII letters, and every non-ASCII character (its lead byte). */
	for (i = 0; i < len; i++) {
		if (isalpha((unsigned char)text[i]) ||
		    (unsigned char)text[i] >= 0xc0)
			letters++;
	}
	if (letters < LANG_MIN_TEXT)
		return (NULL);
	/* "[de][nl]": the first is the best; "UNKNOWN" or "SHORT" else. */
	r = textcat_Classify(l->tc, text, len);
	if (r == NULL || *r != '[' || (end = strchr(r, ']')) == NULL)
		return (NULL);
	return (lang_known(l, r + 1, (size_t)(end - r - 1)));
}

const char *
lang_detect(struct lang *l, const struct message *msg)
{
	const char	*code;

	if (msg->content_language != NULL && (code = lang_known(l,
	    msg->content_language, strlen(msg->content_language))) != NULL)
		return (code);
	return (lang_identify(l, msg->text, msg->textlen));
}
