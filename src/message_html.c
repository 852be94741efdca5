/* helpq - message_html.c: HTML mail bodies to readable text (libxml2). */
#include "compat.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>

#include "buf.h"
#include "message.h"
#include "message_private.h"
#include "utf8.h"
#include "xmalloc.h"

#define HTML_LINKS_MAX	16		/* nested <a> we track */

/* The text being written, with white space kept pending until needed. */
struct html_out {
	struct buf	*b;
	size_t		 start;		/* where our text begins in b */
	int		 space;		/* a space is pending */
	int		 nl;		/* line ends pending (at most 2) */
	int		 bullet;	/* "- " pending (<li>) */
	int		 pre;		/* inside <pre>: keep white space */
	int		 skip;		/* inside script, style, head... */
	size_t		 nlinks;	/* open <a> elements */
	size_t		 linkat[HTML_LINKS_MAX]; /* where their text starts */
	char		*href[HTML_LINKS_MAX];
};

enum html_kind {
	HK_INLINE,
	HK_SKIP,	/* dropped with its content */
	HK_BLOCK,	/* starts and ends a line */
	HK_PARA,	/* surrounded by a blank line */
	HK_BR,
	HK_LI,
	HK_CELL,	/* td, th: separated by a space */
	HK_PRE,
	HK_A
};

static const struct {
	const char	*name;
	enum html_kind	 kind;
} html_kinds[] = {
	{ "a", HK_A }, { "address", HK_BLOCK }, { "article", HK_BLOCK },
	{ "aside", HK_BLOCK }, { "blockquote", HK_PARA }, { "br", HK_BR },
	{ "caption", HK_BLOCK }, { "center", HK_BLOCK }, { "dd", HK_BLOCK },
	{ "div", HK_BLOCK }, { "dl", HK_BLOCK }, { "dt", HK_BLOCK },
	{ "fieldset", HK_BLOCK }, { "figure", HK_BLOCK },
	{ "footer", HK_BLOCK }, { "form", HK_BLOCK }, { "h1", HK_PARA },
	{ "h2", HK_PARA }, { "h3", HK_PARA }, { "h4", HK_PARA },
	{ "h5", HK_PARA }, { "h6", HK_PARA }, { "head", HK_SKIP },
	{ "header", HK_BLOCK }, { "hr", HK_BLOCK }, { "iframe", HK_SKIP },
	{ "li", HK_LI }, { "main", HK_BLOCK }, { "nav", HK_BLOCK },
	{ "object", HK_SKIP }, { "ol", HK_BLOCK }, { "p", HK_PARA },
	{ "pre", HK_PRE }, { "script", HK_SKIP }, { "section", HK_BLOCK },
	{ "style", HK_SKIP }, { "table", HK_BLOCK }, { "td", HK_CELL },
	{ "template", HK_SKIP }, { "th", HK_CELL }, { "title", HK_SKIP },
	{ "tr", HK_BLOCK }, { "ul", HK_BLOCK },
};

static enum html_kind
html_kind(const char *name)
{
	size_t	lo = 0, hi = nitems(html_kinds), mid;
	int	c;

	if (name == NULL)
		return (HK_INLINE);
	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcasecmp(name, html_kinds[mid].name);
		if (c == 0)
			return (html_kinds[mid].kind);
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return (HK_INLINE);
}

static void
html_break(struct html_out *o, int n)
{
	if (o->nl < n)
		o->nl = n;
	o->space = 0;
}

/* Write what is pending before the next visible character. */
static void
html_flush(struct html_out *o)
{
	if (o->b->len > o->start) {
		if (o->nl > 0) {
			buf_add(o->b, "\n\n", o->nl > 2 ? 2 : o->nl);
			o->space = 0;
		} else if (o->space)
			buf_addc(o->b, ' ');
	}
	if (o->bullet)
		buf_add(o->b, "- ", 2);
	o->nl = o->space = o->bullet = 0;
}

static int
html_blank(int c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f');
}

static void
html_characters(void *ctx, const xmlChar *s, int len)
{
	struct html_out		*o = ctx;
	const unsigned char	*u = s, *end = s + len;
	size_t			 run;

	if (o->skip > 0)
		return;
	while (u < end) {
		if (o->pre) {
			if (*u == '\n') {
				if (o->nl < 2)
					o->nl++;
				else
					buf_addc(o->b, '\n');
				u++;
				continue;
			}
		} else if (html_blank(*u)) {
			o->space = 1;
			u++;
			continue;
		} else if (end - u >= 2 && u[0] == 0xc2 && u[1] == 0xa0) {
			o->space = 1;			/* &nbsp; */
			u += 2;
			continue;
		}
		html_flush(o);
		for (run = 1; u + run < end && !html_blank(u[run]) &&
		    u[run] != 0xc2; run++)
			;
		buf_add(o->b, u, run);
		u += run;
	}
}

/* Only links with a scheme mean anything outside the page. */
static int
html_absolute(const char *h, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++) {
		if (h[i] == ':')
			return (i > 0);
		if (!((h[i] >= 'a' && h[i] <= 'z') || (h[i] >= 'A' &&
		    h[i] <= 'Z') || (i > 0 && ((h[i] >= '0' && h[i] <= '9') ||
		    h[i] == '+' || h[i] == '-' || h[i] == '.'))))
			return (0);
	}
	return (0);
}

/* After a link: " <url>" unless the text already says it. */
static void
html_link(struct html_out *o, size_t at, const char *h)
{
	const char	*text;
	size_t		 len, hl;

	if (h == NULL)
		return;
	while (html_blank((unsigned char)*h))
		h++;
	hl = strlen(h);
	while (hl > 0 && html_blank((unsigned char)h[hl - 1]))
		hl--;
	text = o->b->data != NULL ? o->b->data + at : "";
	len = o->b->len > at ? o->b->len - at : 0;
	while (len > 0 && html_blank((unsigned char)*text)) {
		text++;
		len--;
	}
	if (!html_absolute(h, hl) || strncasecmp(h, "javascript:", 11) == 0 ||
	    (len == hl && memcmp(text, h, hl) == 0) ||
	    (hl > 7 && strncasecmp(h, "mailto:", 7) == 0 && len == hl - 7 &&
	    memcmp(text, h + 7, len) == 0))
		return;
	if (len > 0)
		o->space = 1;
	html_flush(o);
	buf_addc(o->b, '<');
	buf_add(o->b, h, hl);
	buf_addc(o->b, '>');
}

static void
html_start(void *ctx, const xmlChar *name, const xmlChar **atts)
{
	struct html_out	*o = ctx;
	const char	*href = NULL;
	size_t		 i;

	switch (html_kind((const char *)name)) {
	case HK_SKIP:
		o->skip++;
		break;
	case HK_BLOCK:
		html_break(o, 1);
		break;
	case HK_PARA:
		html_break(o, 2);
		break;
	case HK_BR:
		if (o->nl < 2)
			o->nl++;
		o->space = 0;
		break;
	case HK_LI:
		html_break(o, 1);
		o->bullet = 1;
		break;
	case HK_CELL:
		o->space = 1;
		break;
	case HK_PRE:
		html_break(o, 2);
		o->pre++;
		break;
	case HK_A:
		for (i = 0; atts != NULL && atts[i] != NULL; i += 2) {
			if (strcasecmp((const char *)atts[i], "href") == 0)
				href = (const char *)atts[i + 1];
		}
		if (o->nlinks < HTML_LINKS_MAX) {
			o->linkat[o->nlinks] = o->b->len;
			o->href[o->nlinks] = href != NULL && o->skip == 0 ?
			    xstrdup(href) : NULL;
		}
		o->nlinks++;
		break;
	default:
		break;
	}
}

static void
html_end(void *ctx, const xmlChar *name)
{
	struct html_out	*o = ctx;

	switch (html_kind((const char *)name)) {
	case HK_SKIP:
		if (o->skip > 0)
			o->skip--;
		break;
	case HK_BLOCK:
	case HK_LI:
		html_break(o, 1);
		break;
	case HK_PARA:
		html_break(o, 2);
		break;
	case HK_PRE:
		if (o->pre > 0)
			o->pre--;
		html_break(o, 2);
		break;
	case HK_CELL:
		o->space = 1;
		break;
	case HK_A:
		if (o->nlinks == 0)
			break;
		if (--o->nlinks < HTML_LINKS_MAX) {
			html_link(o, o->linkat[o->nlinks], o->href[o->nlinks]);
			free(o->href[o->nlinks]);
			o->href[o->nlinks] = NULL;
		}
		break;
	default:
		break;
	}
}

/*
 * libxml2's SAX interface: no tree is built, which halves the time spent
 * on large HTML, and nesting depth costs nothing here.
 */
size_t
message_html_text(const char *html, size_t len, struct buf *out)
{
	htmlSAXHandler		 sax;
	htmlParserCtxtPtr	 ctxt;
	xmlCharEncodingHandler	*enc;
	struct html_out		 o;
	struct buf		 bad;
	size_t			 before = out->len, i;

	if (len > MESSAGE_HTML_MAX)
		len = utf8_cut(html, len, MESSAGE_HTML_MAX);
	if (len == 0)
		return (0);
	memset(&sax, 0, sizeof sax);
	sax.startElement = html_start;
	sax.endElement = html_end;
	sax.characters = html_characters;
	sax.cdataBlock = html_characters;
	memset(&o, 0, sizeof o);
	o.b = out;
	o.start = out->len;

	if ((ctxt = htmlCreateMemoryParserCtxt(html, (int)len)) == NULL)
		return (0);
	memcpy(ctxt->sax, &sax, sizeof sax);
	ctxt->userData = &o;
	/*
	 * The input is UTF-8 already. Naming its encoding on the input stops
	 * libxml2 from switching to what a <meta charset> says (and then
	 * printing conversion errors to stderr).
	 */
	if ((enc = xmlFindCharEncodingHandler("UTF-8")) != NULL)
		xmlSwitchToEncoding(ctxt, enc);
	if (ctxt->input != NULL && ctxt->input->encoding == NULL)
		ctxt->input->encoding = xmlStrdup((const xmlChar *)"UTF-8");
	htmlCtxtUseOptions(ctxt, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
	    HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
	htmlParseDocument(ctxt);
	if (ctxt->myDoc != NULL)
		xmlFreeDoc(ctxt->myDoc);
	htmlFreeParserCtxt(ctxt);
	for (i = 0; i < o.nlinks && i < HTML_LINKS_MAX; i++)
		free(o.href[i]);

	if (out->len == before)
		return (0);
	buf_addc(out, '\n');
	/* libxml2 writes UTF-8; should it ever not, repair it. */
	if (!utf8_valid(out->data + before, out->len - before)) {
		buf_init(&bad);
		buf_add(&bad, out->data + before, out->len - before);
		out->len = before;
		message_utf8_append(out, NULL, bad.data, bad.len);
		buf_free(&bad);
	}
	return (out->len - before);
}
