/*
 * helpq - message.c: a raw RFC 5322/MIME message to a UTF-8 model. The
 * work is shared out by phase: message_header.c, message_mime.c,
 * message_date.c, message_addr.c, message_html.c and charset.c.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "buf.h"
#include "log.h"
#include "message.h"
#include "message_private.h"
#include "xmalloc.h"

/* ---- the whole message ---- */

static void
message_hash(struct message *msg, const char *raw, size_t len)
{
	static const char	hex[] = "0123456789abcdef";
	unsigned char		d[32];
	size_t			i;

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, raw, len, d) != 0)
		fatalx("gnutls_hash_fast failed");
	for (i = 0; i < sizeof d; i++) {
		msg->hash[i * 2] = hex[d[i] >> 4];
		msg->hash[i * 2 + 1] = hex[d[i] & 0xf];
	}
	msg->hash[64] = '\0';
}

/*
 * Raw 8-bit bytes in a header that are not UTF-8 are most likely in the
 * charset of the message's own Content-Type (old Russian, Greek, Korean
 * mailers); without one, Windows-1252 is the guess.
 */
static void
header_charset(struct walk *w, const char *s, const char *end)
{
	struct entity	 e;
	struct buf	 cs;
	const char	*p;

	message_entity_init(&e, s, end - s, "text/plain");
	for (p = s; p < e.body && (unsigned char)*p < 0x80; p++)
		;
	buf_init(&cs);
	if (p < e.body && message_param_find(e.ct.data, e.ct.len, "charset",
	    &cs, NULL) && cs.len > 0) {
		copy_str(w->hdrcsbuf, cs.data, sizeof w->hdrcsbuf);
		w->hdrcs = w->hdrcsbuf;
	}
	buf_free(&cs);
	message_entity_free(&e);
}

/*
 * Skip a UTF-8 byte order mark (editors on Windows write one) and an mbox
 * "From " envelope line.
 */
static const char *
skip_from_line(const char *p, const char *end)
{
	const char	*nl;

	if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	if (end - p < 5 || memcmp(p, "From ", 5) != 0)
		return (p);
	nl = memchr(p, '\n', end - p);
	return (nl != NULL ? nl + 1 : end);
}

int
message_parse(const char *raw, size_t len, struct message **msgp,
    char **cause)
{
	struct message	*msg;
	struct walk	 w;
	struct field	 f;
	const char	*p, *end;

	*msgp = NULL;
	if (raw == NULL || len == 0) {
		*cause = xstrdup("empty message");
		return (-1);
	}
	end = raw + len;
	if ((p = skip_from_line(raw, end)) == end) {
		*cause = xstrdup("nothing after the mbox From line");
		return (-1);
	}
	msg = xcalloc(1, sizeof *msg);
	msg->size = len;
	message_hash(msg, raw, len);

	memset(&w, 0, sizeof w);
	w.msg = msg;
	buf_init(&w.text);
	header_charset(&w, p, end);
	while (message_field_next(&p, end, &f))
		message_header_field(&w, &f);

	p = skip_from_line(raw, end);
	message_walk_entity(&w, p, end - p, "text/plain", 0, W_TEXT | W_ATT);
	if (w.text.len == 0 && w.inner != NULL && !msg->text_truncated)
		message_walk_entity(&w, w.inner, w.innerlen, "text/plain",
		    w.innerdepth, W_TEXT);

	if (msg->subject == NULL)
		msg->subject = xstrdup("");
	msg->text = buf_steal(&w.text, &msg->textlen);
	if (msg->text == NULL) {
		msg->text = xstrdup("");
		msg->textlen = 0;
	}
	buf_free(&w.dec);
	buf_free(&w.utf);
	buf_free(&w.tmp);
	if (msg->limits != 0)
		log_debug("message %.16s: parse limits hit (%#x)", msg->hash,
		    msg->limits);
	*msgp = msg;
	return (0);
}

static void
addrs_free(struct msg_addrs *as)
{
	size_t	i;

	for (i = 0; i < as->n; i++) {
		free(as->v[i].name);
		free(as->v[i].addr);
	}
	free(as->v);
}

void
message_free(struct message *msg)
{
	size_t	i;

	if (msg == NULL)
		return;
	free(msg->packed);
	free(msg->packed_text);
	free(msg->message_id);
	free(msg->in_reply_to);
	for (i = 0; i < msg->nreferences; i++)
		free(msg->references[i]);
	free(msg->references);
	addrs_free(&msg->from);
	addrs_free(&msg->to);
	addrs_free(&msg->cc);
	addrs_free(&msg->reply_to);
	free(msg->subject);
	free(msg->auto_submitted);
	free(msg->precedence);
	free(msg->list_id);
	free(msg->return_path);
	free(msg->content_language);
	for (i = 0; i < msg->nheaders; i++) {
		free(msg->headers[i].name);
		free(msg->headers[i].value);
	}
	free(msg->headers);
	free(msg->text);
	for (i = 0; i < msg->nattachments; i++) {
		free(msg->attachments[i].filename);
		free(msg->attachments[i].type);
	}
	free(msg->attachments);
	free(msg);
}

const char *
message_header(const struct message *msg, const char *name)
{
	size_t	i;

	for (i = 0; i < msg->nheaders; i++) {
		if (strcasecmp(msg->headers[i].name, name) == 0)
			return (msg->headers[i].value);
	}
	return (NULL);
}
