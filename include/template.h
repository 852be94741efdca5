/*
 * helpq - template.h: the texts of outgoing mail, one file per kind and
 * language (DIR/de/ack, DIR/el/ack, DIR/en/reply, ...), with ${variables}
 * and each language's way of writing a date and time (DIR/de/locale).
 * Every file is checked when loaded; a broken one is a configuration
 * error with file:line:column.
 */
#ifndef HELPQ_TEMPLATE_H
#define HELPQ_TEMPLATE_H

#include "compat.h"

#include <time.h>

struct templates;
struct tz;

/*
 * The values a template may use. NULL strings render as "". Borrowed.
 *   ${ticket}   the ticket number        ${token}    "[#123]"
 *   ${name}     the customer's name (when NULL or "": the address)
 *   ${address}  the customer's address   ${subject}  the ticket's subject
 *   ${queue}    the queue, or ""         ${due}      due time, in the
 *               language's date format, local time zone
 *   ${text}     the agent's text (replies) or the reason (escalations)
 *   ${support}  the support address     ${$}        a dollar sign
 * Every value but ${text} renders as one line (CR, LF, TAB and other
 * control characters become a space, runs of them one) and at most the
 * TEMPLATE_*_MAX characters below, cut with an ellipsis: the name and
 * subject come from anyone's mail and must not write lines of their own
 * into a mail from the support address.
 */
#define TEMPLATE_NAME_MAX	64	/* ${name}, ${queue} */
#define TEMPLATE_SUBJECT_MAX	200	/* ${subject} */
#define TEMPLATE_ADDRESS_MAX	254	/* ${address}, ${support}, ${token}:
					   RFC 5321's longest path */
struct template_vars {
	int64_t		 ticket;
	const char	*token;
	const char	*name;
	const char	*address;
	const char	*subject;
	const char	*queue;
	time_t		 due;		/* 0: ${due} renders as "" */
	const char	*text;
	const char	*support;
	const struct tz	*tz;		/* ${due}'s zone; NULL: UTC */
};

/*
 * Load every template under dir: dir/<lang>/<name>, lang 2 or 3
 * lower-case letters, name lower-case letters, digits and '-' ("locale"
 * is the language's date format, not a template). Hidden files and
 * backups ("~") are skipped everywhere; other plain files beside the
 * language directories (README) are ignored, with a warning when named
 * like a template. Either all load or none: returns 0 and *tp (free with
 * templates_free), or -1 with *errors set to every error, one a line,
 * "file:line:column: message" (columns count UTF-8 characters from 1),
 * or "file: message" when no line is to blame (allocated; the caller
 * frees). Errors: an unknown ${variable}, a "${" without "}", no
 * Subject: line, a second or empty one, another header, no empty line
 * after the header, no text, invalid UTF-8, an "ack" that does not use
 * both ${ticket} and ${due} (an acknowledgement says which ticket and by
 * when), a directory or file name that is no language or template name;
 * in a locale file, a key other than date, days (7 names, Sunday first),
 * months (12), short-days or short-months, a wrong count of names, an
 * unknown % directive, and days or months missing where the date format
 * needs them. A dir that cannot be read is an error naming it.
 */
int	 templates_load(const char *dir, struct templates **tp,
	    char **errors);
void	 templates_free(struct templates *);

/*
 * Render template name ("ack", "reply", "escalation", ...) in lang, else
 * in fallback, else in "en", else in any language that has it. *subject
 * and *body are allocated (the caller frees); *used is the language
 * chosen (static for the life of t). Returns 0, or -1 with *cause when no
 * language has the template.
 */
int	 templates_render(const struct templates *t, const char *name,
	    const char *lang, const char *fallback,
	    const struct template_vars *vars, char **subject, char **body,
	    const char **used, char **cause);

/* Nonzero if some language has template name. */
int	 templates_has(const struct templates *t, const char *name);
/* Nonzero if lang itself (no fallback) has template name. */
int	 templates_lang_has(const struct templates *t, const char *lang,
	    const char *name);

/*
 * The time when written the way lang writes it (its locale file: %A %a
 * %B %b names, %d %e %m %Y %H %M numbers, %Z the zone's abbreviation,
 * %% a percent sign), on the clocks of tz (NULL: UTC); without a locale
 * "2026-11-30 17:00 CET". Allocated; the caller frees.
 */
char	*templates_time(const struct templates *t, const char *lang,
	    const struct tz *tz, time_t when);

#endif
