/*
 * helpq - lang.h: which language a customer writes in: the
 * Content-Language header, else the text identified by libexttextcat
 * among the languages helpq is configured for.
 */
#ifndef HELPQ_LANG_H
#define HELPQ_LANG_H

#include "compat.h"

struct message;
struct lang;

/*
 * The languages identified when none are configured: those of the
 * shipped templates and the usual neighbours they are told apart from.
 */
#define LANG_DEFAULT_LIST \
	"en, de, el, fr, es, it, nl, pt, pl, cs, sv, da, fi, tr, ru"

/*
 * A classifier for the given ISO 639-1 codes ("de", "el", ...), reading
 * libexttextcat's language models from datadir (NULL: the configured
 * default). A handle is used by one thread at a time. Returns NULL with
 * *cause set (allocated) when a model is missing.
 */
struct lang	*lang_new(const char *const *codes, size_t ncodes,
		    const char *datadir, char **cause);
void		 lang_free(struct lang *);

/*
 * The language of msg: its Content-Language when that names one of the
 * configured languages, else the identified language of its text, else
 * NULL. The result is one of the codes given to lang_new (static for the
 * life of the handle).
 */
const char	*lang_detect(struct lang *, const struct message *msg);
/* Its Content-Language, when that names a configured language: NULL
 * else. */
const char	*lang_declared(struct lang *, const struct message *msg);
/* The identified language of msg's text alone (its start, quotes and
 * signature cut), or NULL. */
const char	*lang_identify(struct lang *, const struct message *msg);
/* The configured code that tag ("de", "de-AT", "el_GR") names, or NULL. */
const char	*lang_code(const struct lang *, const char *tag);

#endif
