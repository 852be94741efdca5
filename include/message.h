/* helpq - message.h: a raw RFC 5322 message parsed into a UTF-8 model. */
#ifndef HELPQ_MESSAGE_H
#define HELPQ_MESSAGE_H

#include "compat.h"

#include <time.h>

/* Text bodies longer than this are cut (the raw bytes are always kept). */
#define MESSAGE_TEXT_MAX	(4 * 1024 * 1024)

struct msg_addr {
	char	*name;		/* display name, decoded UTF-8, or NULL */
	char	*addr;		/* addr-spec, lower-cased, never NULL */
};

struct msg_addrs {
	struct msg_addr	*v;
	size_t		 n;
};

struct msg_header {
	char	*name;		/* field name as written */
	char	*value;		/* unfolded, RFC 2047-decoded, valid UTF-8 */
};

struct msg_attachment {
	char	*filename;	/* decoded UTF-8 (RFC 2231/2047), or NULL */
	char	*type;		/* lower-case "type/subtype" */
	size_t	 size;		/* decoded size in bytes */
};

/*
 * Every string is valid UTF-8 and NUL-terminated. Missing headers are NULL
 * unless said otherwise. The whole struct and everything it points to is
 * owned by the message and freed by message_free().
 */
struct message {
	char			*message_id;	/* without <>, or NULL */
	char			*in_reply_to;	/* first msg-id, without <> */
	char			**references;	/* msg-ids, oldest first */
	size_t			 nreferences;

	struct msg_addrs	 from;
	struct msg_addrs	 to;
	struct msg_addrs	 cc;
	struct msg_addrs	 reply_to;

	char			*subject;	/* decoded; "" when absent */
	time_t			 date;		/* UTC epoch; 0 when unknown */

	char			*auto_submitted;
	char			*precedence;
	char			*list_id;
	char			*return_path;	/* "" for <>, NULL if absent */
	char			*content_language;

	struct msg_header	*headers;	/* all top-level fields, in order */
	size_t			 nheaders;

	char			*text;		/* text body; "" if none */
	size_t			 textlen;
	int			 text_from_html; /* text was converted from HTML */
	int			 text_truncated; /* cut at MESSAGE_TEXT_MAX */

	struct msg_attachment	*attachments;
	size_t			 nattachments;

	char			 hash[65];	/* SHA-256 of the raw bytes, hex */
	/* The raw bytes as the store keeps them (store_raw_pack), when the
	 * reader thread packed them ahead of the store; else NULL. */
	void			*packed;
	size_t			 packedlen;
	void			*packed_text;	/* text, likewise, or NULL */
	size_t			 packed_textlen;
	size_t			 size;		/* raw size in bytes */

	int			 limits;	/* MESSAGE_LIMIT_* hit while parsing */
};

/* Bits in struct message limits: what a hostile message made us skip. */
#define MESSAGE_LIMIT_DEPTH	0x1	/* MIME nesting deeper than 64 levels */
#define MESSAGE_LIMIT_PARTS	0x2	/* more than 10,000 MIME parts */
#define MESSAGE_LIMIT_HEADERS	0x4	/* too many or too long header fields */

/*
 * Parse len bytes of raw message (LF or CRLF line ends; a leading mbox
 * "From " line is skipped). Hostile input never crashes: whatever can be
 * read is returned. Returns 0 and sets *msgp (free with message_free), or -1
 * with *cause set (allocated; caller frees) when nothing usable was found.
 */
int	 message_parse(const char *raw, size_t len, struct message **msgp,
	    char **cause);
void	 message_free(struct message *);

/*
 * Release what message_parse keeps per thread (cached charset converters).
 * A thread that parsed messages calls it before it ends.
 */
void	 message_thread_end(void);

/* The first header called name (case-insensitive), or NULL. Not copied. */
const char *message_header(const struct message *, const char *name);

/*
 * Convert len bytes in charset to a new NUL-terminated UTF-8 string.
 * Unknown or lying charsets fall back to Windows-1252 (bytes that do not
 * convert become U+FFFD), so the result is always valid UTF-8.
 * Returns allocated memory; the caller frees it.
 */
char	*message_to_utf8(const char *charset, const char *in, size_t len,
	    size_t *outlen);

/*
 * Parse an RFC 5322 date (tolerant of common malformed dates) to a UTC
 * epoch. Returns 0 when nothing sensible is found.
 */
time_t	 message_parse_date(const char *);

#endif
