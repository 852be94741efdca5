/*
 * helpq - message_mime.c: the MIME walk: transfer decoding, the text
 * body and the attachments list.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "message.h"
#include "message_private.h"
#include "utf8.h"
#include "xmalloc.h"

/*
 * How the work is split: the MIME structure (header blocks, boundaries,
 * nesting) is walked here, by hand, so that depth and part count can be
 * capped. libetpan's mailmime_parse() has no such limits: it recurses once
 * per level and rescans each level's body, so 5,000 nested multiparts
 * (330 KB) take 2 s and the cost grows quadratically. Its quoted-printable
 * decoder also turns a stray "=" into a NUL and eats what follows, and its
 * RFC 2047 decoder drops raw 8-bit bytes; both are done here too. Address
 * lists are read by message_addr.c (see there why not by libetpan).
 */

#define MSG_DEPTH_MAX	64		/* deeper multiparts are opaque */
#define MSG_PARTS_MAX	10000		/* MIME entities walked, then stop */

const signed char message_b64_val[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -1, -1, -1,
	-1,  0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

/* ---- transfer encodings ---- */

/* Quoted-printable; a "=" that starts no escape is kept as it is. */
static void
qp_decode(struct buf *out, const char *s, size_t n)
{
	char	*d;
	size_t	 i, j;
	int	 h1, h2;

	buf_reserve(out, n);
	d = out->data + out->len;
	for (i = 0; i < n; i++) {
		if (s[i] != '=') {
			*d++ = s[i];
			continue;
		}
		j = i + 1;
		while (j < n && is_wsp((unsigned char)s[j]))
			j++;
		if (j == n || s[j] == '\n') {	/* soft line break */
			i = j;
			continue;
		}
		if (s[j] == '\r' && (j + 1 == n || s[j + 1] == '\n')) {
			i = j + 1;
			continue;
		}
		if (i + 2 < n && (h1 = hex_val((unsigned char)s[i + 1])) >= 0 &&
		    (h2 = hex_val((unsigned char)s[i + 2])) >= 0) {
			*d++ = (char)(h1 << 4 | h2);
			i += 2;
			continue;
		}
		*d++ = '=';
	}
	out->len = d - out->data;
	out->data[out->len] = '\0';
}

/*
 * Base64, skipping anything outside the alphabet. Padding ends a group, so
 * concatenated base64 blobs decode too. With out NULL only counts bytes.
 */
size_t
message_b64_decode(struct buf *out, const char *s, size_t n)
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned char		*d = NULL;
	uint32_t		 acc = 0;
	size_t			 i, count = 0;
	int			 v, bits = 0;

	if (out != NULL) {
		buf_reserve(out, n / 4 * 3 + 3);
		d = (unsigned char *)out->data + out->len;
	}
	for (i = 0; i < n; i++) {
		if ((v = message_b64_val[u[i]]) < 0) {
			if (u[i] == '=')
				bits = 0;
			continue;
		}
		acc = (acc << 6) | v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (d != NULL)
				*d++ = (unsigned char)(acc >> bits);
			count++;
		}
	}
	if (out != NULL) {
		out->len += count;
		out->data[out->len] = '\0';
	}
	return (count);
}

/* Decode at most max input bytes of e's body; *p, *n point at the result. */
static void
body_decode(struct walk *w, const struct entity *e, size_t max,
    const char **p, size_t *n)
{
	size_t	len = e->bodylen < max ? e->bodylen : max;

	buf_reset(&w->dec);
	switch (e->cte) {
	case CTE_QP:
		qp_decode(&w->dec, e->body, len);
		break;
	case CTE_BASE64:
		message_b64_decode(&w->dec, e->body, len);
		break;
	default:
		*p = e->body;
		*n = len;
		return;
	}
	*p = w->dec.data != NULL ? w->dec.data : "";
	*n = w->dec.len;
}

static size_t
body_size(struct walk *w, const struct entity *e)
{
	const char	*p;
	size_t		 n;

	switch (e->cte) {
	case CTE_BASE64:
		return (message_b64_decode(NULL, e->body, e->bodylen));
	case CTE_QP:
		body_decode(w, e, e->bodylen, &p, &n);
		return (n);
	default:
		return (e->bodylen);
	}
}

/* ---- text body ---- */

/* CRLF and lone CR to LF, in place. */
static void
text_lf(struct buf *b)
{
	char	*s, *d, *end;

	if (b->data == NULL || memchr(b->data, '\r', b->len) == NULL)
		return;
	end = b->data + b->len;
	for (s = d = b->data; s < end; s++) {
		if (*s == '\r') {
			*d++ = '\n';
			if (s + 1 < end && s[1] == '\n')
				s++;
		} else
			*d++ = *s;
	}
	b->len = d - b->data;
	b->data[b->len] = '\0';
}

/*
 * Undo format=flowed (RFC 3676): a line ending in a space joins the next
 * one of the same quote depth; space-stuffing is removed; with delsp=yes
 * the joining space goes too.
 */
static void
text_unflow(struct buf *out, const char *s, size_t len, int delsp)
{
	const char	*end = s + len, *nl, *e, *c;
	size_t		 depth, pdepth = 0, i;
	int		 flowed = 0, pflowed = 0, first = 1;

	while (s < end) {
		nl = memchr(s, '\n', end - s);
		e = nl != NULL ? nl : end;
		for (c = s, depth = 0; c < e && *c == '>'; c++)
			depth++;
		if (c < e && *c == ' ')
			c++;
		flowed = e > c && e[-1] == ' ' &&
		    !(e - c == 3 && memcmp(c, "-- ", 3) == 0);
		if (!(pflowed && depth == pdepth)) {
			if (!first)
				buf_addc(out, '\n');
			for (i = 0; i < depth; i++)
				buf_addc(out, '>');
			if (depth > 0 && c < e)
				buf_addc(out, ' ');
		}
		buf_add(out, c, (e - c) - (flowed && delsp ? 1 : 0));
		first = 0;
		pflowed = flowed;
		pdepth = depth;
		s = nl != NULL ? nl + 1 : end;
	}
	if (len > 0 && end[-1] == '\n')
		buf_addc(out, '\n');
}

/* Append a text part (UTF-8) to the body, up to MESSAGE_TEXT_MAX. */
static void
text_add(struct walk *w, const char *s, size_t len, int from_html)
{
	struct message	*msg = w->msg;
	size_t		 i, room;

	for (i = 0; i < len && is_space((unsigned char)s[i]); i++)
		;
	if (i == len)
		return;
	if (w->text.len > 0) {
		if (w->text.data[w->text.len - 1] != '\n')
			buf_addc(&w->text, '\n');
		buf_addc(&w->text, '\n');
	}
	room = w->text.len < MESSAGE_TEXT_MAX ?
	    MESSAGE_TEXT_MAX - w->text.len : 0;
	if (len > room) {
		len = utf8_cut(s, len, room);
		msg->text_truncated = 1;
	}
	buf_add(&w->text, s, len);
	if (from_html)
		msg->text_from_html = 1;
}

/* A text part that goes into the body. */
static void
walk_text(struct walk *w, struct entity *e)
{
	struct buf	 cs, fmt, out;
	const char	*p;
	size_t		 n;
	int		 html, delsp;

	if (w->msg->text_truncated)
		return;
	html = strcmp(e->type, "text/html") == 0;
	/* Enough input for MESSAGE_TEXT_MAX of output, whatever the CTE. */
	body_decode(w, e, html ? MESSAGE_HTML_MAX / 3 * 4 :
	    MESSAGE_TEXT_MAX / 3 * 4 * 2, &p, &n);
	if (n > (html ? MESSAGE_HTML_MAX : (size_t)MESSAGE_TEXT_MAX * 2)) {
		n = html ? MESSAGE_HTML_MAX : (size_t)MESSAGE_TEXT_MAX * 2;
		w->msg->text_truncated = 1;
	}
	buf_init(&cs);
	buf_init(&fmt);
	buf_init(&out);
	if (!message_param_find(e->ct.data, e->ct.len, "charset", &cs, NULL))
		buf_add(&cs, "", 0);
	buf_reset(&w->utf);
	message_utf8_append(&w->utf, cs.data, p, n);
	text_lf(&w->utf);
	if (html) {
		message_html_text(buf_cstr(&w->utf), w->utf.len, &out);
		text_add(w, buf_cstr(&out), out.len, 1);
	} else if (message_param_find(e->ct.data, e->ct.len, "format", &fmt,
	    NULL) && strcasecmp(fmt.data, "flowed") == 0) {
		delsp = message_param_find(e->ct.data, e->ct.len, "delsp", &fmt,
		    NULL) && strcasecmp(fmt.data, "yes") == 0;
		text_unflow(&out, buf_cstr(&w->utf), w->utf.len, delsp);
		text_add(w, buf_cstr(&out), out.len, 0);
	} else
		text_add(w, buf_cstr(&w->utf), w->utf.len, 0);
	buf_free(&cs);
	buf_free(&fmt);
	buf_free(&out);
}

/* ---- attachments ---- */

/* The Subject of an embedded message, decoded, or NULL. */
static char *
inner_subject(struct walk *w, const char *s, size_t len)
{
	struct field	 f;
	const char	*p = s, *end = s + len;

	while (message_field_next(&p, end, &f)) {
		if (ncase_eq(f.name, f.namelen, "subject"))
			return (message_value_decode(&w->tmp, f.value,
			    f.valuelen, w->hdrcs));
	}
	return (NULL);
}

static void
attach_add(struct walk *w, struct entity *e)
{
	struct message		*msg = w->msg;
	struct msg_attachment	*a;
	struct buf		 name;
	const char		*p;
	size_t			 n;
	char			*subj;
	int			 rfc822;

	if (msg->nattachments == w->attcap) {
		w->attcap = w->attcap == 0 ? 4 : w->attcap * 2;
		msg->attachments = xreallocarray(msg->attachments, w->attcap,
		    sizeof *msg->attachments);
	}
	a = &msg->attachments[msg->nattachments++];
	a->type = xstrdup(e->type);
	a->size = body_size(w, e);
	a->filename = NULL;

	buf_init(&name);
	if (message_param_find(e->cd.data, e->cd.len, "filename", &name,
	    w->hdrcs) ||
	    message_param_find(e->ct.data, e->ct.len, "name", &name,
	    w->hdrcs)) {
		if (name.len > 0)
			a->filename = buf_steal(&name, NULL);
	}
	buf_free(&name);
	rfc822 = strcmp(e->type, "message/rfc822") == 0 ||
	    strcmp(e->type, "message/global") == 0;
	if (a->filename == NULL && rfc822) {
		body_decode(w, e, e->bodylen, &p, &n);
		subj = inner_subject(w, p, n);
		a->filename = xprintf("%s.eml", subj != NULL && *subj != '\0' ?
		    subj : "message");
		free(subj);
	}
}

/* ---- the MIME walk ---- */

/*
 * Find the next delimiter line "--boundary" at a line start in [p, end).
 * Returns where it starts, with *close set for "--boundary--" and *next at
 * the line after it; NULL if there is none.
 */
static const char *
delim_next(const char *p, const char *end, const char *body,
    const char *delim, size_t dlen, int *close, const char **next)
{
	const char	*q, *r, *nl;

	while (p < end && (q = memmem(p, end - p, delim, dlen)) != NULL) {
		p = q + 1;
		if (q != body && q[-1] != '\n')
			continue;
		r = q + dlen;
		*close = end - r >= 2 && r[0] == '-' && r[1] == '-';
		if (*close)
			r += 2;
		while (r < end && is_wsp((unsigned char)*r))
			r++;
		if (r < end && *r != '\r' && *r != '\n')
			continue;
		nl = memchr(r, '\n', end - r);
		*next = nl != NULL ? nl + 1 : end;
		return (q);
	}
	return (NULL);
}

struct part {
	const char	*s;
	size_t		 len;
};

/*
 * Split a multipart body at its boundary. Returns the parts (caller frees)
 * and their number in *np; an unterminated last part runs to the end.
 */
static struct part *
multipart_split(struct walk *w, struct entity *e, const char *boundary,
    size_t *np)
{
	struct part	*v = NULL;
	const char	*end = e->body + e->bodylen, *q, *next, *ps, *pe;
	char		*delim;
	size_t		 dlen, n = 0, cap = 0;
	int		 close;

	delim = xprintf("--%s", boundary);
	dlen = strlen(delim);
	q = delim_next(e->body, end, e->body, delim, dlen, &close, &next);
	while (q != NULL && !close) {
		if (w->nparts + n >= MSG_PARTS_MAX) {
			w->msg->limits |= MESSAGE_LIMIT_PARTS;
			break;
		}
		ps = next;
		q = delim_next(ps, end, e->body, delim, dlen, &close, &next);
		pe = q != NULL ? q : end;
		/* The line break before a delimiter belongs to it. */
		if (q != NULL && pe > ps && pe[-1] == '\n')
			pe--;
		if (q != NULL && pe > ps && pe[-1] == '\r')
			pe--;
		if (n == cap) {
			cap = cap == 0 ? 4 : cap * 2;
			v = xreallocarray(v, cap, sizeof *v);
		}
		v[n].s = ps;
		v[n].len = pe - ps;
		n++;
	}
	free(delim);
	*np = n;
	return (v);
}

/* Peek at a part's type and disposition without walking it. */
static int
part_kind(const struct part *pt, const char *deftype, const char *want)
{
	struct entity	e;
	int		match;

	message_entity_init(&e, pt->s, pt->len, deftype);
	if (strcmp(want, "multipart/") == 0)
		match = strncmp(e.type, want, 10) == 0;
	else
		match = !e.attachment && strcmp(e.type, want) == 0;
	message_entity_free(&e);
	return (match);
}

/*
 * multipart/alternative: the first text/plain gives the text, else the
 * first text/html, else the first nested multipart; the others are walked
 * only for attachments. If the chosen part holds no text (an empty
 * text/plain beside real HTML happens), the next candidates are tried.
 */
static void
walk_alternative(struct walk *w, struct part *v, size_t n, int depth,
    int flags)
{
	static const char *const order[] = {
		"text/plain", "text/html", "multipart/"
	};
	size_t	i, j, pick = 0, before;
	int	found = 0;

	for (j = 0; j < nitems(order) && !found; j++) {
		for (i = 0; i < n && !found; i++) {
			if (part_kind(&v[i], "text/plain", order[j])) {
				pick = i;
				found = 1;
			}
		}
	}
	before = w->text.len;
	for (i = 0; i < n; i++) {
		message_walk_entity(w, v[i].s, v[i].len, "text/plain",
		    depth + 1, i == pick ? flags : flags & ~W_TEXT);
	}
	if (!(flags & W_TEXT) || w->text.len != before)
		return;
	for (j = 0; j < nitems(order) && w->text.len == before; j++) {
		for (i = 0; i < n && w->text.len == before; i++) {
			if (i != pick && part_kind(&v[i], "text/plain",
			    order[j]))
				message_walk_entity(w, v[i].s, v[i].len,
				    "text/plain", depth + 1, W_TEXT);
		}
	}
}

/*
 * A multipart without a boundary parameter (a list server once pushed it
 * out of the header): take the first "--token" line of the body, if that
 * line occurs again.
 */
static int
boundary_guess(struct entity *e, struct buf *out)
{
	const char	*p = e->body, *end = e->body + e->bodylen, *t, *nl;
	size_t		 n;
	int		 lines;

	for (lines = 0; p < end && lines < 1000; lines++) {
		nl = memchr(p, '\n', end - p);
		if (nl == NULL)
			nl = end;
		if (nl - p > 2 && p[0] == '-' && p[1] == '-') {
			for (t = p + 2; t < nl && !is_space((unsigned char)*t);
			    t++)
				;
			n = t - (p + 2);
			if (n > 0 && n <= 200 && memmem(nl, end - nl, p,
			    t - p) != NULL) {
				buf_reset(out);
				buf_add(out, p + 2, n);
				return (1);
			}
		}
		p = nl + 1;
	}
	return (0);
}

/* Returns 0 if the body had no parts (then it is read as text). */
static int
walk_multipart(struct walk *w, struct entity *e, int depth, int flags)
{
	struct buf	 boundary;
	struct part	*v;
	const char	*deftype;
	size_t		 n = 0, i;

	buf_init(&boundary);
	if ((!message_param_find(e->ct.data, e->ct.len, "boundary", &boundary,
	    NULL) || boundary.len == 0) && !boundary_guess(e, &boundary)) {
		buf_free(&boundary);
		return (0);
	}
	v = multipart_split(w, e, boundary.data, &n);
	buf_free(&boundary);
	if (n == 0) {
		free(v);
		return (0);
	}
	deftype = strcmp(e->type, "multipart/digest") == 0 ?
	    "message/rfc822" : "text/plain";
	if (strcmp(e->type, "multipart/alternative") == 0)
		walk_alternative(w, v, n, depth, flags);
	else {
		for (i = 0; i < n; i++)
			message_walk_entity(w, v[i].s, v[i].len, deftype,
			    depth + 1, flags);
	}
	free(v);
	return (1);
}

/*
 * message/rfc822 is listed as one attachment (named after its Subject); its
 * own parts are not listed. Its text is used only when the whole message
 * has no text of its own (a message forwarded as an attachment with no
 * comment), see message_parse().
 */
static void
walk_rfc822(struct walk *w, struct entity *e, int depth, int flags)
{
	if (flags & W_ATT)
		attach_add(w, e);
	if ((flags & W_TEXT) && w->inner == NULL &&
	    e->cte == CTE_IDENTITY) {
		w->inner = e->body;
		w->innerlen = e->bodylen;
		w->innerdepth = depth + 1;
	}
}

void
message_walk_entity(struct walk *w, const char *s, size_t len,
    const char *deftype, int depth, int flags)
{
	struct entity	e;

	if (w->nparts >= MSG_PARTS_MAX) {
		w->msg->limits |= MESSAGE_LIMIT_PARTS;
		return;
	}
	w->nparts++;
	message_entity_init(&e, s, len, deftype);
	if (strncmp(e.type, "multipart/", 10) == 0) {
		if (depth >= MSG_DEPTH_MAX) {
			w->msg->limits |= MESSAGE_LIMIT_DEPTH;
			if (flags & W_ATT)
				attach_add(w, &e);
			goto done;
		}
		if (walk_multipart(w, &e, depth, flags))
			goto done;
		copy_str(e.type, "text/plain", sizeof e.type);
	}
	if (strcmp(e.type, "message/rfc822") == 0 ||
	    strcmp(e.type, "message/global") == 0)
		walk_rfc822(w, &e, depth, flags);
	else if (e.attachment || strncmp(e.type, "text/", 5) != 0) {
		if (flags & W_ATT)
			attach_add(w, &e);
	} else if (flags & W_TEXT)
		walk_text(w, &e);
done:
	message_entity_free(&e);
}
