/*
 * helpq - message_header.c: header fields: unfolding, RFC 2047 encoded
 * words, Content-Type and RFC 2231 parameters, message ids, and the
 * top-level fields of the model.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "message.h"
#include "message_private.h"
#include "xmalloc.h"

#define MSG_HEADERS_MAX	1000		/* top-level fields kept */
#define MSG_VALUE_MAX	(64 * 1024)	/* bytes of a field value used */
#define MSG_REFS_MAX	200		/* References kept: first + newest */
#define MSG_SECTIONS_MAX 64		/* RFC 2231 continuations */

/* ---- header fields ---- */

/*
 * A "name=value" line after a line ending in ";" continues a field even
 * without leading white space: list servers that unfold Content-Type badly
 * leave "boundary=..." at the start of a line. prevend is the end of the
 * previous line.
 */
static int
param_line(const char *q, const char *end, const char *prevend)
{
	while (is_space((unsigned char)prevend[-1]))
		prevend--;
	if (prevend[-1] != ';')
		return (0);
	for (; q < end && (is_alpha((unsigned char)*q) ||
	    is_digit((unsigned char)*q) || *q == '-' || *q == '*' ||
	    *q == '_'); q++)
		;
	return (q < end && *q == '=');
}

/*
 * Read the field at *pp. Returns 1 with f set, or 0 at the end of the
 * header block, with *pp at the body. A line that is no field (and no
 * blank line) also ends the block: the body starts there.
 */
int
message_field_next(const char **pp, const char *end, struct field *f)
{
	const char	*p = *pp, *nl, *e, *q, *colon;
	size_t		 n;

	if (p >= end)
		return (0);
	nl = memchr(p, '\n', end - p);
	e = nl != NULL ? nl : end;
	if (e > p && e[-1] == '\r')
		e--;
	if (e == p) {				/* blank line */
		*pp = nl != NULL ? nl + 1 : end;
		return (0);
	}
	for (q = p; q < e; q++) {
		if (*q == ':' || (unsigned char)*q <= ' ' ||
		    (unsigned char)*q >= 0x7f)
			break;
	}
	n = q - p;
	while (q < e && is_wsp((unsigned char)*q))
		q++;
	if (n == 0 || q == e || *q != ':')
		return (0);			/* not a field: body */
	colon = q;
	f->name = p;
	f->namelen = n;

	/* Continuation lines start with white space. */
	q = nl != NULL ? nl + 1 : end;
	while (q < end && (is_wsp((unsigned char)*q) ||
	    param_line(q, end, e))) {
		nl = memchr(q, '\n', end - q);
		e = nl != NULL ? nl : end;
		q = nl != NULL ? nl + 1 : end;
	}
	e = q;
	if (e > colon + 1 && e[-1] == '\n')
		e--;
	if (e > colon + 1 && e[-1] == '\r')
		e--;
	f->value = colon + 1;
	f->valuelen = e - f->value;
	*pp = q;
	return (1);
}

/* Unfold a value into out: each line break and the blanks after it
 * become one space; both ends are trimmed. At most MSG_VALUE_MAX bytes. */
void
message_unfold(struct buf *out, const char *v, size_t len)
{
	const char	*end, *nl;
	char		*d;
	size_t		 n;

	buf_reset(out);
	trim(&v, &len);
	if (len > MSG_VALUE_MAX)
		len = MSG_VALUE_MAX;
	buf_reserve(out, len);
	d = out->data;
	for (end = v + len; v < end; v = nl) {
		if ((nl = memchr(v, '\n', end - v)) == NULL)
			nl = end;
		n = nl - v;
		memcpy(d, v, n);
		d += n;
		if (nl == end)
			break;
		/* A fold: the line end and the blanks around it, one space. */
		while (d > out->data && is_space((unsigned char)d[-1]))
			d--;
		while (nl < end && is_space((unsigned char)*nl))
			nl++;
		*d++ = ' ';
	}
	out->len = d - out->data;
	out->data[out->len] = '\0';
	/* A lone CR is no line end, but must not survive either. */
	for (d = out->data; (d = memchr(d, '\r', out->len -
	    (d - out->data))) != NULL; d++)
		*d = ' ';
}

/* ---- RFC 2047 ---- */

/* Where "=?" starts in s, or NULL (memmem is slow for two bytes). */
static const char *
ew_find(const char *s, const char *end)
{
	const char	*p;

	for (p = s; p < end && (p = memchr(p, '=', end - p)) != NULL; p++) {
		if (p + 1 < end && p[1] == '?')
			return (p);
	}
	return (NULL);
}

/* Decode a Q or B payload; returns 0 if it is malformed. */
static int
ew_payload(struct buf *out, int enc, const char *s, size_t n)
{
	size_t	i;
	int	h1, h2;

	if (enc == 'b') {
		for (i = 0; i < n; i++) {
			if (message_b64_val[(unsigned char)s[i]] < 0 &&
			    s[i] != '=')
				return (0);
		}
		message_b64_decode(out, s, n);
		return (1);
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '_')
			buf_addc(out, ' ');
		else if (s[i] == '=' && i + 2 < n + 0 &&
		    (h1 = hex_val((unsigned char)s[i + 1])) >= 0 &&
		    (h2 = hex_val((unsigned char)s[i + 2])) >= 0) {
			buf_addc(out, (char)(h1 << 4 | h2));
			i += 2;
		} else
			buf_addc(out, s[i]);
	}
	return (1);
}

/*
 * Parse an encoded word "=?charset?e?text?=" at s. Returns its length and
 * decodes into bytes/charset, or 0 (and leaves bytes alone) if it is none.
 */
static size_t
ew_parse(const char *s, const char *end, struct buf *bytes, char *cs,
    size_t cssize)
{
	const char	*p = s + 2, *csend, *t, *q;
	size_t		 oldlen = bytes->len;
	int		 enc;

	for (csend = p; csend < end && *csend != '?'; csend++) {
		if (is_space((unsigned char)*csend) || csend - p >= 40)
			return (0);
	}
	if (csend == p || end - csend < 4 || csend[2] != '?')
		return (0);
	enc = lc((unsigned char)csend[1]);
	if (enc != 'q' && enc != 'b')
		return (0);
	t = csend + 3;
	for (q = t; q < end && *q != '?'; q++) {
		if (is_space((unsigned char)*q))
			return (0);
	}
	if (q + 1 >= end || q[1] != '=')
		return (0);
	if (!ew_payload(bytes, enc, t, q - t)) {
		bytes->len = oldlen;
		if (bytes->data != NULL)
			bytes->data[oldlen] = '\0';
		return (0);
	}
	/* "charset*lang": RFC 2231 language suffix. */
	t = memchr(p, '*', csend - p);
	if (t == NULL)
		t = csend;
	if ((size_t)(t - p) >= cssize)
		t = p + cssize - 1;
	memcpy(cs, p, t - p);
	cs[t - p] = '\0';
	return (q + 2 - s);
}

/*
 * Header text is one line of text: from offset from on, turn CR, LF and
 * TAB (which encoded words can carry) into spaces and drop the other C0
 * controls, DEL and C1 controls (U+0080..U+009F). b holds valid UTF-8.
 */
static void
ctl_clean(struct buf *b, size_t from)
{
	unsigned char	*u, *d, *end;

	if (b->data == NULL)
		return;
	u = d = (unsigned char *)b->data + from;
	end = (unsigned char *)b->data + b->len;
	while (u < end) {
		if (*u == '\r' || *u == '\n' || *u == '\t') {
			*d++ = ' ';
			u++;
		} else if (*u < 0x20 || *u == 0x7f)
			u++;
		else if (*u == 0xc2 && u + 1 < end && u[1] >= 0x80 &&
		    u[1] < 0xa0)
			u += 2;
		else
			*d++ = *u++;
	}
	b->len = (size_t)(d - (unsigned char *)b->data);
	b->data[b->len] = '\0';
}

/* Nonzero if the header text s holds a control ctl_clean would change. */
static int
ctl_any(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i;

	for (i = 0; i < len; i++) {
		if (u[i] < 0x20 || u[i] == 0x7f)
			return (1);
	}
	return (0);
}

/*
 * Append s (raw header text) decoded to UTF-8: encoded words decoded,
 * white space between adjacent words dropped, and the bytes of adjacent
 * words in one charset joined before conversion (a character may be split
 * across words). Malformed words stay as text. Raw 8-bit text that is not
 * UTF-8 is read in fbcs (the message's charset; NULL: Windows-1252).
 * The result is one line without controls (ctl_clean).
 */
void
message_rfc2047_append(struct buf *out, const char *s, size_t len,
    const char *fbcs)
{
	struct buf	 pend;
	char		 pendcs[MSG_CHARSET_MAX] = "", cs[MSG_CHARSET_MAX];
	const char	*end = s + len, *p = s, *text = s, *q, *t;
	size_t		 n, mark, start = out->len;
	int		 after_word = 0, gap;

	if (len < 8 || ew_find(s, s + len) == NULL) {
		message_utf8_append(out, fbcs, s, len);
		ctl_clean(out, start);
		return;
	}
	buf_init(&pend);
	while ((q = ew_find(p, end)) != NULL) {
		gap = !after_word;
		for (t = text; t < q && !gap; t++)
			gap = !is_space((unsigned char)*t);
		mark = pend.len;
		if ((n = ew_parse(q, end, &pend, cs, sizeof cs)) == 0) {
			p = q + 2;
			continue;
		}
		if (gap || strcasecmp(cs, pendcs) != 0) {
			/* Flush what came before this word. */
			message_utf8_append(out, pendcs,
			    pend.data != NULL ? pend.data : "", mark);
			if (gap)
				message_utf8_append(out, fbcs, text, q - text);
			if (pend.data != NULL)
				memmove(pend.data, pend.data + mark,
				    pend.len - mark);
			pend.len -= mark;
			copy_str(pendcs, cs, sizeof pendcs);
		}
		p = text = q + n;
		after_word = 1;
	}
	message_utf8_append(out, pendcs, pend.data != NULL ? pend.data : "",
	    pend.len);
	message_utf8_append(out, fbcs, text, end - text);
	buf_free(&pend);
	ctl_clean(out, start);
}

/* Unfold and decode a raw value into a new string. */
char *
message_value_decode(struct buf *tmp, const char *v, size_t len,
    const char *fbcs)
{
	struct buf	out;

	message_unfold(tmp, v, len);
	/* Most values are plain ASCII: copy them as they are. */
	if (message_utf8_class(buf_cstr(tmp), tmp->len) == 1 &&
	    ew_find(tmp->data, tmp->data + tmp->len) == NULL &&
	    !ctl_any(tmp->data, tmp->len))
		return (xstrndup(tmp->data, tmp->len));
	buf_init(&out);
	message_rfc2047_append(&out, buf_cstr(tmp), tmp->len, fbcs);
	return (buf_steal(&out, NULL));
}

/* ---- Content-Type and parameters ---- */

/*
 * Read the next "name=value" parameter after *pp (a header value whose
 * leading type or disposition token has been skipped). The value is
 * unquoted into val. Returns 0 when there are no more.
 */
static int
param_next(const char **pp, const char *end, const char **name,
    size_t *namelen, struct buf *val)
{
	const char	*p = *pp, *n, *ne, *v, *ve;

	for (;;) {
		while (p < end && (is_space((unsigned char)*p) || *p == ';'))
			p++;
		if (p >= end)
			return (0);
		n = p;
		while (p < end && *p != '=' && *p != ';' &&
		    !is_space((unsigned char)*p))
			p++;
		ne = p;
		while (p < end && is_space((unsigned char)*p))
			p++;
		if (p < end && *p == '=' && ne > n)
			break;
		while (p < end && *p != ';')	/* no "=": skip it */
			p++;
	}
	for (p++; p < end && is_space((unsigned char)*p); p++)
		;
	buf_reset(val);
	if (p < end && *p == '"') {
		for (p++; p < end && *p != '"'; p++) {
			if (*p == '\\' && p + 1 < end)
				p++;
			buf_addc(val, *p);
		}
		if (p < end)
			p++;
	} else {
		/* Unquoted, possibly with spaces (broken mailers): to ";". */
		for (v = p; p < end && *p != ';'; p++)
			;
		for (ve = p; ve > v && is_space((unsigned char)ve[-1]); ve--)
			;
		buf_add(val, v, ve - v);
	}
	if (val->data == NULL)
		buf_add(val, "", 0);
	*name = n;
	*namelen = ne - n;
	*pp = p;
	return (1);
}

/* Skip the leading "type/subtype" or disposition token of a value. */
static const char *
param_start(const char *v, const char *end)
{
	const char	*p = memchr(v, ';', end - v);

	return (p != NULL ? p : end);
}

/* Percent-decode an RFC 2231 extended value. */
static void
pct_decode(struct buf *out, const char *s, size_t n)
{
	size_t	i;
	int	h1, h2;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n + 0 &&
		    (h1 = hex_val((unsigned char)s[i + 1])) >= 0 &&
		    (h2 = hex_val((unsigned char)s[i + 2])) >= 0) {
			buf_addc(out, (char)(h1 << 4 | h2));
			i += 2;
		} else
			buf_addc(out, s[i]);
	}
}

/*
 * Find parameter want in the unfolded header value hv and put it, decoded
 * to UTF-8, in out. RFC 2231 forms (name*=cs'lang'..., name*0*=...) win
 * over a plain name=, which may hold RFC 2047 words (Outlook). Returns 1
 * if found.
 */
int
message_param_find(const char *hv, size_t len, const char *want,
    struct buf *out, const char *fbcs)
{
	struct buf	 val, plain, sec, raw;
	const char	*end, *p, *name, *suf;
	size_t		 namelen, wlen = strlen(want);
	size_t		 off[MSG_SECTIONS_MAX];
	size_t		 slen[MSG_SECTIONS_MAX], i, nsec = 0;
	char		 cs[MSG_CHARSET_MAX] = "", *c, *l;
	int		 ext[MSG_SECTIONS_MAX], found = 0, have_plain = 0, k;
	unsigned char	 have[MSG_SECTIONS_MAX] = { 0 };

	/* Most parameters asked for are absent: look before allocating. */
	if (hv == NULL || len == 0 || strcasestr(hv, want) == NULL)
		return (0);
	end = hv + len;
	buf_init(&val);
	buf_init(&plain);
	buf_init(&sec);
	buf_init(&raw);
	p = param_start(hv, end);
	while (param_next(&p, end, &name, &namelen, &val)) {
		if (namelen < wlen || strncasecmp(name, want, wlen) != 0)
			continue;
		suf = name + wlen;
		namelen -= wlen;
		if (namelen == 0) {
			if (!have_plain)
				buf_add(&plain, val.data, val.len);
			have_plain = 1;
			continue;
		}
		if (*suf != '*')
			continue;
		if (namelen == 1) {		/* name*=cs'lang'value */
			k = 0;
			nsec = 0;
			memset(have, 0, sizeof have);
		} else {
			k = 0;
			for (i = 1; i < namelen && is_digit(suf[i]); i++) {
				k = k * 10 + suf[i] - '0';
				if (k >= MSG_SECTIONS_MAX)
					break;
			}
			if (i == 1 || k >= MSG_SECTIONS_MAX ||
			    (i < namelen && !(i + 1 == namelen &&
			    suf[i] == '*')))
				continue;
		}
		if (have[k])
			continue;
		have[k] = 1;
		off[k] = sec.len;
		slen[k] = val.len;
		ext[k] = suf[namelen - 1] == '*';
		buf_add(&sec, val.data, val.len);
		if ((size_t)k + 1 > nsec)
			nsec = k + 1;
		if (namelen == 1)
			break;
	}
	if (nsec > 0 && have[0]) {
		for (i = 0; i < nsec && have[i]; i++) {
			p = sec.data + off[i];
			namelen = slen[i];
			if (i == 0 && ext[0] &&
			    (c = memchr(p, '\'', namelen)) != NULL &&
			    (l = memchr(c + 1, '\'', namelen - (c + 1 - p)))) {
				snprintf(cs, sizeof cs, "%.*s", (int)(c - p),
				    p);
				namelen -= l + 1 - p;
				p = l + 1;
			}
			if (ext[i])
				pct_decode(&raw, p, namelen);
			else
				buf_add(&raw, p, namelen);
		}
		buf_reset(out);
		if (cs[0] != '\0' || raw.len == 0)
			message_utf8_append(out, cs, buf_cstr(&raw), raw.len);
		else
			message_rfc2047_append(out, raw.data, raw.len, fbcs);
		found = 1;
	} else if (have_plain) {
		buf_reset(out);
		message_rfc2047_append(out, buf_cstr(&plain), plain.len, fbcs);
		found = 1;
	}
	buf_free(&val);
	buf_free(&plain);
	buf_free(&sec);
	buf_free(&raw);
	return (found);
}

/* Lower-case "type/subtype" from a Content-Type value; "" if malformed. */
static void
ctype_parse(const char *v, size_t len, char *type, size_t size)
{
	size_t	n = 0, i;
	int	slash = 0, c;

	for (i = 0; i < len && n + 1 < size; i++) {
		c = (unsigned char)v[i];
		if (c == ';' || is_space(c) || c == '(')
			break;
		/* RFC 2045 tokens are ASCII: other bytes make it malformed
		 * (and would break the model's promise of UTF-8). */
		if (c < 0x21 || c > 0x7e) {
			type[0] = '\0';
			return;
		}
		if (c == '/')
			slash++;
		type[n++] = lc(c);
	}
	type[n] = '\0';
	if (slash != 1 || type[0] == '/' || type[n - 1] == '/') {
		/* "text" alone is common enough to mean text/plain. */
		if (strcmp(type, "text") == 0)
			copy_str(type, "text/plain", size);
		else
			type[0] = '\0';
	}
}

static enum cte
cte_parse(const char *v, size_t len)
{
	trim(&v, &len);
	while (len > 0 && (v[len - 1] == ';' ||
	    is_space((unsigned char)v[len - 1])))
		len--;
	if (ncase_eq(v, len, "base64"))
		return (CTE_BASE64);
	if (ncase_eq(v, len, "quoted-printable"))
		return (CTE_QP);
	return (CTE_IDENTITY);
}

/*
 * Read an entity's header block: Content-Type (the first one counts),
 * Content-Transfer-Encoding and Content-Disposition.
 */
void
message_entity_init(struct entity *e, const char *s, size_t len,
    const char *deftype)
{
	struct field	 f;
	const char	*p = s, *end = s + len, *v;
	size_t		 vl;
	int		 have_ct = 0, have_cte = 0, have_cd = 0;

	memset(e, 0, sizeof *e);
	buf_init(&e->ct);
	buf_init(&e->cd);
	e->start = s;
	/* A part that starts with white space has no header at all. */
	if (len > 0 && is_wsp((unsigned char)*s))
		p = s;
	else {
		while (message_field_next(&p, end, &f)) {
			if (!have_ct && ncase_eq(f.name, f.namelen,
			    "content-type")) {
				message_unfold(&e->ct, f.value, f.valuelen);
				have_ct = 1;
			} else if (!have_cte && ncase_eq(f.name, f.namelen,
			    "content-transfer-encoding")) {
				e->cte = cte_parse(f.value, f.valuelen);
				have_cte = 1;
			} else if (!have_cd && ncase_eq(f.name, f.namelen,
			    "content-disposition")) {
				message_unfold(&e->cd, f.value, f.valuelen);
				have_cd = 1;
			}
		}
	}
	e->body = p;
	e->bodylen = end - p;
	if (have_ct)
		ctype_parse(e->ct.data, e->ct.len, e->type, sizeof e->type);
	if (e->type[0] == '\0')
		copy_str(e->type, deftype, sizeof e->type);
	if (have_cd) {
		v = e->cd.data;
		vl = e->cd.len;
		e->attachment = vl >= 10 &&
		    strncasecmp(v, "attachment", 10) == 0;
	}
}

void
message_entity_free(struct entity *e)
{
	buf_free(&e->ct);
	buf_free(&e->cd);
}

/* ---- message ids and addresses ---- */

static void
ids_add(char ***v, size_t *n, const char *s, size_t len)
{
	trim(&s, &len);
	if (len == 0)
		return;
	if (*n % 16 == 0)
		*v = xreallocarray(*v, *n + 16, sizeof **v);
	(*v)[(*n)++] = message_utf8_dup(s, len);
}

/*
 * The msg-ids in a value: "<...>" tokens, junk between them skipped. With
 * no brackets at all, white-space separated tokens, those with an "@" only
 * unless anytoken is set.
 */
static void
ids_scan(const char *s, size_t len, char ***v, size_t *n, size_t max,
    int anytoken)
{
	const char	*end = s + len, *p = s, *lt, *gt, *t;
	int		 brackets = 0;

	while (*n < max && (lt = memchr(p, '<', end - p)) != NULL) {
		if ((gt = memchr(lt, '>', end - lt)) == NULL)
			gt = end;
		brackets = 1;
		ids_add(v, n, lt + 1, gt - lt - 1);
		p = gt < end ? gt + 1 : end;
	}
	if (brackets)
		return;
	for (p = s; p < end && *n < max; p = t) {
		while (p < end && (is_space((unsigned char)*p) || *p == ','))
			p++;
		for (t = p; t < end && !is_space((unsigned char)*t) &&
		    *t != ','; t++)
			;
		if (t > p && (anytoken || memchr(p, '@', t - p) != NULL))
			ids_add(v, n, p, t - p);
	}
}

/* Keep the first id and the newest max - 1 (as threading code does). */
static void
ids_trim(char **v, size_t *n, size_t max)
{
	size_t	i, drop;

	if (*n <= max)
		return;
	drop = *n - max;
	for (i = 1; i <= drop; i++)
		free(v[i]);
	memmove(v + 1, v + 1 + drop, (max - 1) * sizeof *v);
	*n = max;
}

static void
addrs_parse(struct walk *w, struct msg_addrs *as, const struct field *f)
{
	message_unfold(&w->tmp, f->value, f->valuelen);
	if (w->tmp.len == 0)
		return;
	message_addr_parse(as, w->tmp.data, w->tmp.len, w->hdrcs);
}

char *
message_return_path(struct walk *w, const struct field *f)
{
	const char	*s, *lt, *gt;
	size_t		 len;
	char		*r;

	message_unfold(&w->tmp, f->value, f->valuelen);
	s = buf_cstr(&w->tmp);
	len = w->tmp.len;
	if ((lt = memchr(s, '<', len)) != NULL) {
		if ((gt = memchr(lt, '>', len - (lt - s))) == NULL)
			gt = s + len;
		s = lt + 1;
		len = gt - s;
	}
	trim(&s, &len);
	r = message_utf8_dup(s, len);
	lower_ascii(r);
	return (r);
}

/* ---- the top-level header ---- */

enum hdr_id {
	H_OTHER,
	H_AUTO_SUBMITTED,
	H_CC,
	H_CONTENT_LANGUAGE,
	H_DATE,
	H_FROM,
	H_IN_REPLY_TO,
	H_LIST_ID,
	H_MESSAGE_ID,
	H_PRECEDENCE,
	H_REFERENCES,
	H_REPLY_TO,
	H_RETURN_PATH,
	H_SUBJECT,
	H_TO
};

static const struct {
	const char	*name;
	size_t		 len;
	enum hdr_id	 id;
} hdr_names[] = {
	{ "to", 2, H_TO },
	{ "cc", 2, H_CC },
	{ "date", 4, H_DATE },
	{ "from", 4, H_FROM },
	{ "list-id", 7, H_LIST_ID },
	{ "subject", 7, H_SUBJECT },
	{ "reply-to", 8, H_REPLY_TO },
	{ "message-id", 10, H_MESSAGE_ID },
	{ "precedence", 10, H_PRECEDENCE },
	{ "references", 10, H_REFERENCES },
	{ "in-reply-to", 11, H_IN_REPLY_TO },
	{ "return-path", 11, H_RETURN_PATH },
	{ "auto-submitted", 14, H_AUTO_SUBMITTED },
	{ "content-language", 16, H_CONTENT_LANGUAGE },
};

static enum hdr_id
hdr_lookup(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < nitems(hdr_names); i++) {
		if (hdr_names[i].len == len &&
		    strncasecmp(hdr_names[i].name, name, len) == 0)
			return (hdr_names[i].id);
	}
	return (H_OTHER);
}

/* Set *dst to a copy of value unless a first occurrence was seen. */
static void
set_once(char **dst, const char *value)
{
	if (*dst == NULL)
		*dst = xstrdup(value);
}

void
message_header_field(struct walk *w, const struct field *f)
{
	struct message		*msg = w->msg;
	struct msg_header	*h = NULL;
	char			*value, **ids = NULL;
	size_t			 nids = 0, i;
	enum hdr_id		 id;

	if (f->valuelen > MSG_VALUE_MAX)
		msg->limits |= MESSAGE_LIMIT_HEADERS;
	value = message_value_decode(&w->tmp, f->value, f->valuelen, w->hdrcs);
	if (msg->nheaders < MSG_HEADERS_MAX) {
		if (msg->nheaders % 16 == 0)
			msg->headers = xreallocarray(msg->headers,
			    msg->nheaders + 16, sizeof *msg->headers);
		h = &msg->headers[msg->nheaders++];
		/* message_field_next() allows only printable ASCII names. */
		h->name = xstrndup(f->name, f->namelen);
		h->value = value;
	} else
		msg->limits |= MESSAGE_LIMIT_HEADERS;

	switch ((id = hdr_lookup(f->name, f->namelen))) {
	case H_MESSAGE_ID:
	case H_IN_REPLY_TO:
		if ((id == H_MESSAGE_ID ? msg->message_id : msg->in_reply_to))
			break;
		message_unfold(&w->tmp, f->value, f->valuelen);
		ids_scan(w->tmp.data, w->tmp.len, &ids, &nids, 1,
		    id == H_MESSAGE_ID);
		if (nids > 0) {
			if (id == H_MESSAGE_ID)
				msg->message_id = ids[0];
			else
				msg->in_reply_to = ids[0];
		}
		free(ids);
		break;
	case H_REFERENCES:
		if (msg->references != NULL)
			break;
		message_unfold(&w->tmp, f->value, f->valuelen);
		ids_scan(w->tmp.data, w->tmp.len, &msg->references,
		    &msg->nreferences, SIZE_MAX, 0);
		ids_trim(msg->references, &msg->nreferences, MSG_REFS_MAX);
		break;
	case H_FROM:
		if (msg->from.n == 0)
			addrs_parse(w, &msg->from, f);
		break;
	case H_TO:
		addrs_parse(w, &msg->to, f);
		break;
	case H_CC:
		addrs_parse(w, &msg->cc, f);
		break;
	case H_REPLY_TO:
		if (msg->reply_to.n == 0)
			addrs_parse(w, &msg->reply_to, f);
		break;
	case H_SUBJECT:
		set_once(&msg->subject, value);
		break;
	case H_DATE:
		if (msg->date == 0) {
			message_unfold(&w->tmp, f->value, f->valuelen);
			msg->date = message_parse_date(buf_cstr(&w->tmp));
		}
		break;
	case H_AUTO_SUBMITTED:
		set_once(&msg->auto_submitted, value);
		break;
	case H_PRECEDENCE:
		set_once(&msg->precedence, value);
		break;
	case H_LIST_ID:
		set_once(&msg->list_id, value);
		break;
	case H_CONTENT_LANGUAGE:
		set_once(&msg->content_language, value);
		break;
	case H_RETURN_PATH:
		if (msg->return_path == NULL)
			msg->return_path = message_return_path(w, f);
		break;
	case H_OTHER:
		break;
	}
	if (h == NULL)
		free(value);
	for (i = 1; i < nids; i++)
		free(ids[i]);
}
