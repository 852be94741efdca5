/*
 * helpq - compose.h: outgoing mail as bytes on the wire. Whatever comes
 * from a customer's message (a subject, a name) is made safe here: no
 * CR, LF or other control character ever reaches an outgoing header,
 * non-ASCII text is RFC 2047-encoded, the body is UTF-8 in
 * quoted-printable. No I/O; only compose_message_id reads the clock and
 * random bytes.
 */
#ifndef HELPQ_COMPOSE_H
#define HELPQ_COMPOSE_H

#include "compat.h"

#include <time.h>

/* One mailbox for a header: display name (UTF-8, may be NULL) and
 * address. Borrowed. */
struct compose_addr {
	const char	*name;
	const char	*addr;
};

/* What an outgoing message says. Everything is borrowed. */
struct compose_mail {
	struct compose_addr	 from;
	const struct compose_addr *to;		/* n_to entries */
	size_t			 n_to;
	const struct compose_addr *cc;
	size_t			 n_cc;
	const char		*reply_to;	/* address, or NULL */
	const char		*subject;	/* UTF-8, any bytes */
	time_t			 date;
	const struct tz		*tz;		/* date's zone; NULL: UTC */
	const char		*message_id;	/* without <> */
	const char		*in_reply_to;	/* without <>, or NULL */
	const char *const	*references;	/* without <>, oldest first */
	size_t			 nreferences;
	const char		*auto_submitted; /* "auto-replied", or NULL */
	const char		*language;	/* Content-Language, or NULL */
	const char *const	*extra;		/* "Name: value" fields, safe
						   ASCII written by helpq */
	size_t			 nextra;
	const char		*body;		/* UTF-8 text, LF or CRLF */
};

/*
 * The whole message (CRLF line ends, header lines folded to at most 78
 * characters where a blank allows, MIME-Version, text/plain;
 * charset=utf-8, quoted-printable). The subject and display names may
 * hold anything: they are sanitised and, where needed, encoded. It fails
 * (NULL, *cause allocated, one line) on an address compose_addr_ok
 * refuses, no To address, a Message-ID with blanks or <>, and on
 * auto_submitted or an extra field that is not one line of ASCII (an
 * extra field may not repeat a field written here). An In-Reply-To or
 * References id with blanks or <> is left out, as is a language that is
 * not a language tag. Otherwise returns the bytes (allocated; the caller
 * frees), *lenp their length.
 */
char	*compose_mail(const struct compose_mail *, size_t *lenp,
	    char **cause);

/*
 * Nonzero if addr can go into an envelope and a header as it is: one
 * '@', a local part of printable ASCII without blanks, quotes or
 * ()<>[],;:\, a domain of non-empty labels of ASCII letters, digits and
 * '-'. Quoted local parts, IP literals and non-ASCII are refused.
 */
int	 compose_addr_ok(const char *addr);

/*
 * A copy of s fit for one header line: CR, LF, TAB and other control
 * characters become one space each run, invalid UTF-8 becomes U+FFFD,
 * blanks at either end go. Allocated; the caller frees.
 */
char	*compose_header_text(const char *s);

/*
 * A new Message-ID (without <>) in the domain of address (else
 * helpq.invalid): "helpq.<time>.<pid>.<16 random hex digits>@domain", so
 * two helpq never make the same one. Allocated.
 */
char	*compose_message_id(const char *address);

/* The RFC 5322 date of t on the clocks of tz, NULL for UTC ("Sat, 28
 * Nov 2026 14:05:00 +0100"), into buf. */
struct tz;
const char *compose_date(time_t t, const struct tz *tz, char *buf,
	    size_t len);

/*
 * "Re: " + subject unless it already starts with a reply prefix (Re, AW,
 * SV, ΑΠ, ... with a colon: a customer's own prefix is kept), with the
 * ticket token ("[#123]") added at the end when the subject lacks it.
 * Blanks at either end go. Allocated; the caller frees.
 */
char	*compose_reply_subject(const char *subject, const char *token);

#endif
