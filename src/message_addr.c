/* helpq - message_addr.c: RFC 5322 address lists, as mail carries them. */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "message.h"
#include "message_private.h"
#include "xmalloc.h"

/*
 * Why a parser of our own: libetpan's mailimf_address_list_parse() drops
 * comments (which may hold the only name), joins "Big Bug bb@bug.com"
 * into the local part "BigBugbb", and fails a whole field for one bad
 * mailbox; the hand scan that backed it up took the first "<" even
 * inside a quoted string, so "\"Anna <anna@example.com>\"
 * <attacker@evil.example>" read as Anna. libetpan is no longer used for
 * addresses: this file reads RFC 5322 section 3.4 with the obsolete
 * forms of section 4.4 in two steps, tokens then mailboxes.
 *
 *   address-list = address *("," address)
 *   address      = mailbox / group
 *   group        = display-name ":" [mailbox *("," mailbox)] ";"
 *   mailbox      = [display-name] "<" [obs-route] addr-spec ">" / addr-spec
 *   obs-route    = 1*("@" domain ["," ...]) ":"
 *   addr-spec    = word *("." word) "@" (atom *("." atom) / domain-literal)
 *
 * with CFWS (white space and nested comments) allowed between any two
 * tokens. Quoted strings lose their quotes and quoted-pairs; a display
 * name is its words with one blank wherever white space or a comment
 * separated them, RFC 2047-decoded (also inside quotes, as Python and
 * mail clients do), then made one line: control characters and runs of
 * blanks become one space, blanks at the ends go (compose_header_text
 * does the same, so a name survives composing and parsing back).
 *
 * What real mail breaks, read anyway: ";" outside a group separates
 * like ","; a missing ">" ends at the next "," or the end; "Name
 * addr@host" takes the words before the addr-spec as the name; in
 * "addr (Name)", the old convention, the comment after a bare addr-spec
 * is the name when there is no other and no comment before it (comments
 * elsewhere are never names, as for Python); "<>" is
 * an empty address, kept when it has a name (bounces); a lone word with
 * no "@" is an address (MAILER-DAEMON); dots may lead, trail or double
 * in a local part (some carriers hand such addresses out).
 *
 * Refused: when there are angle brackets the address is what is inside
 * them, never a phrase in front ("a@b <c@d>" is c@d, the address DMARC
 * and the MTA see). An addr-spec holding a control character (C0 or
 * DEL, also quoted or in a domain literal) or a stray "\", ")" or "]",
 * or a domain with an empty label, drops that mailbox: it is not stored
 * and never answered, and the rest of the field still counts. C1
 * controls (U+0080..U+009F) count as control characters there too.
 * Addresses are lower-cased; local parts that need quotes are written
 * quoted ("a b"@c), others bare ("a.b"@c is a.b@c).
 */

/* Kinds of token. */
enum addr_kind {
	AK_ATOM,		/* atext run (8-bit bytes included) */
	AK_QUOTED,		/* quoted-string, content unescaped */
	AK_LITERAL,		/* domain-literal, "[...]" without blanks */
	AK_COMMENT,		/* outermost comment, content unescaped */
	AK_SPECIAL		/* one of <>@,;:. */
};

struct addr_tok {
	enum addr_kind	 kind;
	char		 c;	/* AK_SPECIAL: the character */
	size_t		 off;	/* content in the text buffer */
	size_t		 len;
	int		 space;	/* white space or a comment before it */
	int		 bad;	/* control character, stray \ ) ] */
};

/* The tokens of one field; text holds their contents. */
struct addr_toks {
	struct addr_tok	*v;
	size_t		 n;
	size_t		 size;	/* room in v */
	struct buf	 text;
};

static int
addr_is_control(unsigned char c)
{
	return (c < 0x20 || c == 0x7f);
}

/* A C1 control in UTF-8 at p (U+0080..U+009F: 0xc2 0x80..0x9f), which
 * some terminals obey as they do ESC. */
static int
addr_is_c1(const char *p, const char *end)
{
	return ((unsigned char)p[0] == 0xc2 && p + 1 < end &&
	    (unsigned char)p[1] >= 0x80 && (unsigned char)p[1] <= 0x9f);
}

/* What an encoded word may hold: printable ASCII, no blank. Anything
 * else makes it an ordinary atom, checked as one. */
static int
addr_is_word_char(unsigned char c)
{
	return (c > 0x20 && c < 0x7f);
}

static int
addr_is_blank(unsigned char c)
{
	return (c == ' ' || c == '\t' || c == '\r' || c == '\n');
}

/* One of the specials that are tokens of their own (NUL is not). */
static int
addr_is_special(unsigned char c)
{
	return (c != '\0' && strchr("<>@,;:.", c) != NULL);
}

/* Characters that end an atom. */
static int
addr_is_delim(unsigned char c)
{
	return (addr_is_blank(c) || addr_is_special(c) || c == '(' ||
	    c == '"' || c == '[');
}

static struct addr_tok *
addr_tok_new(struct addr_toks *t, enum addr_kind kind, int space)
{
	struct addr_tok	*k;

	/* Doubling: a 64 KB field has as many tokens. */
	if (t->n == t->size) {
		t->size = t->size == 0 ? 32 : t->size * 2;
		t->v = xreallocarray(t->v, t->size, sizeof *t->v);
	}
	k = &t->v[t->n++];
	memset(k, 0, sizeof *k);
	k->kind = kind;
	k->space = space;
	k->off = t->text.len;
	return (k);
}

/* Close a token: its content is what was added to text since it began. */
static void
addr_tok_end(struct addr_toks *t, struct addr_tok *k)
{
	k->len = t->text.len - k->off;
}

/*
 * A quoted-string, comment or domain-literal from p (after its opening
 * character); returns where it ends. Unclosed, it runs to the end.
 */
static const char *
addr_lex_quoted(struct addr_toks *t, struct addr_tok *k, const char *p,
    const char *end)
{
	int	depth = 1;

	for (; p < end; p++) {
		if (*p == '\\' && p + 1 < end)
			p++;
		else if (k->kind == AK_QUOTED && *p == '"')
			return (p + 1);
		else if (k->kind == AK_LITERAL && *p == ']')
			break;
		else if (k->kind == AK_COMMENT && *p == '(')
			depth++;
		else if (k->kind == AK_COMMENT && *p == ')' && --depth == 0)
			return (p + 1);
		if ((addr_is_control((unsigned char)*p) &&
		    !(k->kind != AK_QUOTED && addr_is_blank((unsigned char)*p))) ||
		    addr_is_c1(p, end))
			k->bad = 1;
		/* FWS inside a domain-literal is not part of it. */
		if (k->kind == AK_LITERAL && addr_is_blank((unsigned char)*p))
			continue;
		buf_addc(&t->text, *p);
		/* Blanks left out can join two bytes into a C1 control. */
		if (k->kind == AK_LITERAL && t->text.len - k->off >= 2 &&
		    addr_is_c1(t->text.data + t->text.len - 2,
		    t->text.data + t->text.len))
			k->bad = 1;
	}
	if (k->kind == AK_LITERAL && p < end) {
		buf_addc(&t->text, ']');
		return (p + 1);
	}
	if (k->kind == AK_LITERAL)
		buf_addc(&t->text, ']');
	return (end);
}

/*
 * Length of an RFC 2047 encoded word at p ("=?cs?Q?text?="), or 0. Mailers
 * put specials in Q-encoded names ("=?UTF-8?Q?M=C3=BCller,_Hans?="); like
 * Python and mail clients, read such a word as one atom.
 */
static size_t
addr_lex_word(const char *p, const char *end)
{
	const char	*q = p + 2;

	if (end - p < 8 || p[0] != '=' || p[1] != '?')
		return (0);
	/* charset: a token, no specials (RFC 2047 section 2). */
	while (q < end && *q != '?' && !addr_is_delim((unsigned char)*q) &&
	    addr_is_word_char((unsigned char)*q))
		q++;
	/* q[1] is tested by hand: strchr() would match its NUL. */
	if (q == p + 2 || end - q < 5 || q[0] != '?' ||
	    (q[1] != 'B' && q[1] != 'b' && q[1] != 'Q' && q[1] != 'q') ||
	    q[2] != '?')
		return (0);
	/* encoded-text: printable ASCII up to "?=", no blank, no "?". */
	for (q += 3; q < end && *q != '?'; q++) {
		if (!addr_is_word_char((unsigned char)*q))
			return (0);
	}
	if (end - q < 2 || q[1] != '=')
		return (0);
	return ((size_t)(q + 2 - p));
}

static void
addr_lex(struct addr_toks *t, const char *s, size_t len)
{
	const char	*p = s, *end = s + len;
	struct addr_tok	*k;
	size_t		 n;
	int		 space = 0;

	while (p < end) {
		unsigned char c = (unsigned char)*p;

		if (addr_is_blank(c)) {
			space = 1;
			p++;
			continue;
		}
		if (c == '"' || c == '(' || c == '[') {
			k = addr_tok_new(t, c == '"' ? AK_QUOTED : c == '(' ?
			    AK_COMMENT : AK_LITERAL, space);
			if (c == '[')
				buf_addc(&t->text, '[');
			p = addr_lex_quoted(t, k, p + 1, end);
			addr_tok_end(t, k);
			space = c == '(';
			continue;
		}
		if (addr_is_special(c)) {
			k = addr_tok_new(t, AK_SPECIAL, space);
			k->c = c;
			buf_addc(&t->text, c);
			addr_tok_end(t, k);
			space = 0;
			p++;
			continue;
		}
		if ((n = addr_lex_word(p, end)) > 0) {
			k = addr_tok_new(t, AK_ATOM, space);
			buf_add(&t->text, p, n);
			addr_tok_end(t, k);
			space = 0;
			p += n;
			continue;
		}
		/* An atom; stray closers and backslashes make it bad. */
		k = addr_tok_new(t, AK_ATOM, space);
		for (; p < end && !addr_is_delim((unsigned char)*p); p++) {
			if (addr_is_control((unsigned char)*p) ||
			    addr_is_c1(p, end) ||
			    *p == '\\' || *p == ')' || *p == ']')
				k->bad = 1;
			buf_addc(&t->text, *p);
		}
		addr_tok_end(t, k);
		space = 0;
	}
	buf_add(&t->text, "", 0);
}

static const char *
addr_text(const struct addr_toks *t, const struct addr_tok *k)
{
	return (t->text.data + k->off);
}

static int
addr_special(const struct addr_tok *k, char c)
{
	return (k->kind == AK_SPECIAL && k->c == c);
}

static int
addr_word(const struct addr_tok *k)
{
	return (k->kind == AK_ATOM || k->kind == AK_QUOTED);
}

/* Next token at or after i that is not a comment, or end. */
static size_t
addr_skip(const struct addr_toks *t, size_t i, size_t end)
{
	while (i < end && t->v[i].kind == AK_COMMENT)
		i++;
	return (i);
}

/*
 * Append a phrase (tokens [a, b), comments skipped) to out: contents,
 * with one blank where the input separated two tokens.
 */
static void
addr_phrase(const struct addr_toks *t, size_t a, size_t b, struct buf *out)
{
	size_t	i;
	int	first = 1;

	for (i = a; i < b; i++) {
		if (t->v[i].kind == AK_COMMENT)
			continue;
		if (!first && t->v[i].space)
			buf_addc(out, ' ');
		buf_add(out, addr_text(t, &t->v[i]), t->v[i].len);
		first = 0;
	}
}

/*
 * Make a decoded name one line, the way compose_header_text writes it:
 * C0, DEL, C1, U+2028/9 and blanks, each run one space; none at the
 * ends. s is valid UTF-8. Returns NULL for an empty name, else an
 * allocated string.
 */
static char *
addr_name_line(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	struct buf		 b;
	size_t			 i, n;
	int			 blank = 0, ctl;

	buf_init(&b);
	for (i = 0; i < len; i += n) {
		n = 1;
		ctl = p[i] <= ' ' || p[i] == 0x7f;
		if (p[i] == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 &&
		    p[i + 1] <= 0x9f) {
			ctl = 1;
			n = 2;
		} else if (p[i] == 0xe2 && i + 2 < len && p[i + 1] == 0x80 &&
		    (p[i + 2] == 0xa8 || p[i + 2] == 0xa9)) {
			ctl = 1;
			n = 3;
		}
		if (ctl) {
			blank = b.len > 0;
			continue;
		}
		if (blank)
			buf_addc(&b, ' ');
		blank = 0;
		buf_addc(&b, (char)p[i]);
	}
	if (b.len == 0) {
		buf_free(&b);
		return (NULL);
	}
	return (buf_steal(&b, NULL));
}

/* Decode raw name text (RFC 2047, fbcs for raw 8-bit) into a name. */
static char *
addr_name(const char *raw, size_t len, const char *fbcs)
{
	struct buf	 b;
	char		*name;

	if (len == 0)
		return (NULL);
	buf_init(&b);
	message_rfc2047_append(&b, raw, len, fbcs);
	name = addr_name_line(buf_cstr(&b), b.len);
	buf_free(&b);
	return (name);
}

/* Nonzero if a local part must be quoted to be one. */
static int
addr_local_needs_quotes(const char *s, size_t len)
{
	size_t	i;

	if (len == 0)
		return (1);
	for (i = 0; i < len; i++) {
		if (addr_is_blank((unsigned char)s[i]) ||
		    strchr("()<>@,:;\\\"[]", s[i]) != NULL)
			return (1);
	}
	return (0);
}

/*
 * Read an addr-spec from exactly the tokens [a, b) (comments allowed
 * anywhere) into out. Returns 0, or -1 if they are not one (empty
 * range: -1 too; the caller decides about "<>").
 */
static int
addr_spec(const struct addr_toks *t, size_t a, size_t b, struct buf *out)
{
	struct buf	 local;
	size_t		 i, at;
	int		 want_word = 1, ret = -1;

	buf_init(&local);
	/* The local part: words and dots, ending at "@". */
	for (i = addr_skip(t, a, b); i < b && !addr_special(&t->v[i], '@');
	    i = addr_skip(t, i + 1, b)) {
		if (t->v[i].bad)
			goto out;
		if (addr_special(&t->v[i], '.'))
			want_word = 1;
		else if (addr_word(&t->v[i]) && want_word)
			want_word = 0;
		else
			goto out;
		buf_add(&local, addr_text(t, &t->v[i]), t->v[i].len);
	}
	if (i >= b || local.len == 0)
		goto out;
	at = i;
	if (addr_local_needs_quotes(local.data, local.len)) {
		buf_addc(out, '"');
		for (i = 0; i < local.len; i++) {
			if (local.data[i] == '"' || local.data[i] == '\\')
				buf_addc(out, '\\');
			buf_addc(out, local.data[i]);
		}
		buf_addc(out, '"');
	} else
		buf_add(out, local.data, local.len);
	buf_addc(out, '@');
	/* The domain: atoms with single dots, or one literal. */
	i = addr_skip(t, at + 1, b);
	if (i < b && t->v[i].kind == AK_LITERAL) {
		if (t->v[i].bad)
			goto out;
		buf_add(out, addr_text(t, &t->v[i]), t->v[i].len);
		ret = addr_skip(t, i + 1, b) == b ? 0 : -1;
		goto out;
	}
	for (want_word = 1; i < b; i = addr_skip(t, i + 1, b)) {
		if (t->v[i].bad)
			goto out;
		if (want_word && t->v[i].kind == AK_ATOM)
			want_word = 0;
		else if (!want_word && addr_special(&t->v[i], '.'))
			want_word = 1;
		else
			goto out;
		buf_add(out, addr_text(t, &t->v[i]), t->v[i].len);
	}
	ret = want_word ? -1 : 0;
out:
	buf_free(&local);
	return (ret);
}

static int
addr_has_comment(const struct addr_toks *t, size_t a, size_t b)
{
	for (; a < b; a++) {
		if (t->v[a].kind == AK_COMMENT)
			return (1);
	}
	return (0);
}

/* The content of the first comment in [a, b), as a name. */
static char *
addr_comment_name(const struct addr_toks *t, size_t a, size_t b,
    const char *fbcs)
{
	size_t	i;

	for (i = a; i < b; i++) {
		if (t->v[i].kind == AK_COMMENT)
			return (addr_name(addr_text(t, &t->v[i]), t->v[i].len,
			    fbcs));
	}
	return (NULL);
}

/* Store one mailbox; takes name (may be NULL). */
static void
addr_store(struct msg_addrs *as, char *name, const char *spec, size_t len)
{
	struct msg_addr	*a;
	char		*p;

	if ((len == 0 && name == NULL) || as->n >= MSG_ADDRS_MAX) {
		free(name);
		return;
	}
	if (as->n % 8 == 0)
		as->v = xreallocarray(as->v, as->n + 8, sizeof *as->v);
	a = &as->v[as->n++];
	a->name = name;
	a->addr = message_utf8_dup(spec, len);
	for (p = a->addr; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	}
}

/* "[name] <[route] spec>" with "<" at lt; the ">" may be missing. */
static void
addr_angle(struct msg_addrs *as, const struct addr_toks *t, size_t a,
    size_t lt, size_t b, const char *fbcs)
{
	struct buf	 spec, raw;
	char		*name;
	size_t		 i, gt, s;

	for (gt = lt + 1; gt < b && !addr_special(&t->v[gt], '>'); gt++)
		;
	/* An obsolete route "@a,@b:" goes up to the first ":". */
	s = addr_skip(t, lt + 1, gt);
	if (s < gt && addr_special(&t->v[s], '@')) {
		for (i = s; i < gt && !addr_special(&t->v[i], ':'); i++)
			;
		if (i < gt)
			s = i + 1;
	}
	buf_init(&spec);
	buf_init(&raw);
	if (addr_skip(t, s, gt) == gt ||
	    addr_spec(t, s, gt, &spec) == 0) {
		/* Comments are never the name here (as for Python). */
		addr_phrase(t, a, lt, &raw);
		name = addr_name(raw.data, raw.len, fbcs);
		addr_store(as, name, buf_cstr(&spec), spec.len);
	}
	buf_free(&spec);
	buf_free(&raw);
}

/* An addr-spec without brackets, words before it being the name. */
static void
addr_bare(struct msg_addrs *as, const struct addr_toks *t, size_t a,
    size_t b, const char *fbcs)
{
	struct buf	 spec, raw;
	char		*name;
	size_t		 at, ls, e, i;
	int		 want_word;

	for (at = a; at < b && !addr_special(&t->v[at], '@'); at++)
		;
	if (at == b) {
		/* No "@": one lone atom is an address (MAILER-DAEMON). */
		i = addr_skip(t, a, b);
		if (i == b || t->v[i].kind != AK_ATOM || t->v[i].bad ||
		    addr_skip(t, i + 1, b) != b)
			return;
		addr_store(as, addr_comment_name(t, a, b, fbcs),
		    addr_text(t, &t->v[i]), t->v[i].len);
		return;
	}
	/* The local part: back from "@" over words joined by dots. */
	ls = at;
	want_word = 1;
	for (i = at; i > a; i--) {
		const struct addr_tok *k = &t->v[i - 1];

		if (k->kind == AK_COMMENT)
			continue;
		if (want_word && addr_word(k))
			want_word = 0;
		else if (addr_special(k, '.'))
			want_word = 1;
		else
			break;
		ls = i - 1;
	}
	/* The domain: forward over atoms and dots, or a literal. */
	e = addr_skip(t, at + 1, b);
	if (e < b && t->v[e].kind == AK_LITERAL)
		e++;
	else {
		for (want_word = 1, i = e; i < b; i++) {
			if (t->v[i].kind == AK_COMMENT)
				continue;
			if ((want_word && t->v[i].kind == AK_ATOM) ||
			    (!want_word && addr_special(&t->v[i], '.')))
				want_word = !want_word;
			else
				break;
			e = i + 1;
		}
	}
	buf_init(&spec);
	buf_init(&raw);
	if (addr_spec(t, ls, e, &spec) == 0) {
		addr_phrase(t, a, ls, &raw);
		name = addr_name(raw.data, raw.len, fbcs);
		/* "addr (Name)": a comment after a plain addr-spec. */
		if (name == NULL && !addr_has_comment(t, a, e))
			name = addr_comment_name(t, e, b, fbcs);
		addr_store(as, name, buf_cstr(&spec), spec.len);
	}
	buf_free(&spec);
	buf_free(&raw);
}

/* One mailbox from the tokens [a, b). */
static void
addr_mailbox(struct msg_addrs *as, const struct addr_toks *t, size_t a,
    size_t b, const char *fbcs)
{
	size_t	i;

	for (i = a; i < b; i++) {
		if (addr_special(&t->v[i], '<')) {
			addr_angle(as, t, a, i, b, fbcs);
			return;
		}
	}
	addr_bare(as, t, a, b, fbcs);
}

/*
 * Where the mailbox starting at i ends: a "," or ";" outside brackets,
 * or inside unclosed ones unless a route is being read. *startp is where
 * it starts: after "name:" when that begins a group.
 */
static size_t
addr_mailbox_end(const struct addr_toks *t, size_t i, size_t *startp)
{
	size_t	 j, first = 0;
	int	 angle = 0, route = 0, addr = 0;

	*startp = i;
	for (j = i; j < t->n; j++) {
		const struct addr_tok *k = &t->v[j];

		if (k->kind != AK_SPECIAL)
			continue;
		if (angle) {
			if (k->c == '>')
				angle = 0;
			else if (k->c == '@' && j == first)
				route = 1;
			else if (k->c == ':')
				route = 0;
			else if ((k->c == ',' && !route) || k->c == ';')
				return (j);
			continue;
		}
		switch (k->c) {
		case '<':
			angle = 1;
			route = 0;
			first = addr_skip(t, j + 1, t->n);
			addr = 1;
			break;
		case ',':
		case ';':
			return (j);
		case ':':
			/* A phrase and ":" before any address: a group. */
			if (!addr)
				*startp = j + 1;
			break;
		case '@':
		case '>':
			addr = 1;
			break;
		}
	}
	return (t->n);
}

void
message_addr_parse(struct msg_addrs *as, const char *s, size_t len,
    const char *fbcs)
{
	struct addr_toks	t;
	size_t			i = 0, start, end;

	memset(&t, 0, sizeof t);
	buf_init(&t.text);
	addr_lex(&t, s, len);
	while (i < t.n && as->n < MSG_ADDRS_MAX) {
		end = addr_mailbox_end(&t, i, &start);
		if (start < end)
			addr_mailbox(as, &t, start, end, fbcs);
		i = end + 1;
	}
	free(t.v);
	buf_free(&t.text);
}
