/* helpq - rules_lex.c: the rule language's tokens, and its error reports. */
#include "compat.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rules_private.h"
#include "utf8.h"
#include "xmalloc.h"

/* Errors past this many are counted but not printed. */
#define RULES_ERRORS_SHOWN	50

void
rules_lex_init(struct rules_lex *lx, const char *file, const char *src,
    size_t len, struct buf *errors)
{
	memset(lx, 0, sizeof *lx);
	lx->file = file;
	lx->src = src;
	lx->len = len;
	lx->line = 1;
	lx->errors = errors;
}

void
rules_tok_clear(struct rules_tok *t)
{
	free(t->text);
	memset(t, 0, sizeof *t);
}

/* Characters (not bytes) from the start of the line to off, 1-based. */
static unsigned
lex_col(const struct rules_lex *lx, size_t line_start, size_t off)
{
	if (off > lx->len)
		off = lx->len;
	return (off > line_start ?
	    1 + (unsigned)utf8_chars(lx->src + line_start, off - line_start) :
	    1);
}

/* The offset where line number line starts. */
static size_t
lex_line_offset(const struct rules_lex *lx, unsigned line)
{
	size_t		off = 0;
	unsigned	n = 1;

	while (n < line && off < lx->len) {
		if (lx->src[off++] == '\n')
			n++;
	}
	return (off);
}

static void	lex_verror(struct rules_lex *, unsigned, unsigned,
		    const char *, va_list) __printflike(4, 0);

static void
lex_verror(struct rules_lex *lx, unsigned line, unsigned col,
    const char *fmt, va_list ap)
{
	size_t		 start, end, i;
	unsigned	 c;
	char		*msg;

	lx->nerrors++;
	if (lx->nerrors > RULES_ERRORS_SHOWN)
		return;
	xvasprintf(&msg, fmt, ap);
	buf_addf(lx->errors, "%s:%u:%u: %s\n", lx->file, line, col, msg);
	free(msg);
	/* The line, and a caret under the column (tabs kept for alignment). */
	start = lex_line_offset(lx, line);
	for (end = start; end < lx->len && lx->src[end] != '\n' &&
	    lx->src[end] != '\r'; end++)
		;
	buf_adds(lx->errors, "    ");
	for (i = start; i < end; i++)
		buf_addc(lx->errors, (unsigned char)lx->src[i] < 0x20 &&
		    lx->src[i] != '\t' ? '?' : lx->src[i]);
	buf_adds(lx->errors, "\n    ");
	for (i = start, c = 1; i < end && c < col; i++) {
		if (((unsigned char)lx->src[i] & 0xc0) == 0x80)
			continue;
		buf_addc(lx->errors, lx->src[i] == '\t' ? '\t' : ' ');
		c++;
	}
	buf_adds(lx->errors, "^\n");
}

void
rules_lex_error(struct rules_lex *lx, unsigned line, unsigned col,
    const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	lex_verror(lx, line, col, fmt, ap);
	va_end(ap);
}

void
rules_lex_error_at(struct rules_lex *lx, const char *at, const char *fmt, ...)
{
	va_list		 ap;
	size_t		 off, ls;
	unsigned	 line = 1;

	off = (size_t)(at - lx->src);
	for (ls = 0; ls < off; ls++) {
		if (lx->src[ls] == '\n')
			line++;
	}
	ls = lex_line_offset(lx, line);
	va_start(ap, fmt);
	lex_verror(lx, line, lex_col(lx, ls, off), fmt, ap);
	va_end(ap);
}

/* Characters that make up a bare word: names, tags, addresses, $vars. */
static int
lex_wordc(unsigned char c)
{
	return (isalnum(c) || c >= 0x80 || strchr("_.@+:$-", c) != NULL);
}

static void
lex_start(struct rules_lex *lx, struct rules_tok *t, enum rules_tok_type type)
{
	free(t->text);
	memset(t, 0, sizeof *t);
	t->type = type;
	t->start = lx->src + lx->pos;
	t->line = lx->line;
	t->col = lex_col(lx, lx->line_start, lx->pos);
}

/* Skip blanks and comments, not line ends. */
static void
lex_skip(struct rules_lex *lx)
{
	char	c;

	while (lx->pos < lx->len) {
		c = lx->src[lx->pos];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\f' ||
		    c == '\v')
			lx->pos++;
		else if (c == '\\' && lx->pos + 1 < lx->len &&
		    lx->src[lx->pos + 1] == '\n') {
			/* A backslash at the end of a line joins the next. */
			lx->pos += 2;
			lx->line++;
			lx->line_start = lx->pos;
		} else if (c == '#') {
			while (lx->pos < lx->len && lx->src[lx->pos] != '\n')
				lx->pos++;
		} else
			break;
	}
}

static void
lex_string(struct rules_lex *lx, struct rules_tok *t)
{
	struct buf	b;
	char		c;

	buf_init(&b);
	lx->pos++;	/* the opening quote */
	for (;;) {
		if (lx->pos >= lx->len || lx->src[lx->pos] == '\n') {
			rules_lex_error(lx, t->line, t->col,
			    "unterminated string");
			t->type = RT_ERROR;
			break;
		}
		c = lx->src[lx->pos++];
		if (c == '"')
			break;
		if (c == '\\' && lx->pos < lx->len &&
		    lx->src[lx->pos] != '\n') {
			c = lx->src[lx->pos++];
			switch (c) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case '"':
			case '\\':
				break;
			default:
				/* Keep it: "\$" is for the expander. */
				buf_addc(&b, '\\');
				break;
			}
		}
		buf_addc(&b, c);
	}
	t->text = buf_steal(&b, NULL);
}

void
rules_lex_next(struct rules_lex *lx, struct rules_tok *t)
{
	const char	*two;
	unsigned char	 c;
	size_t		 i;

	lex_skip(lx);
	lex_start(lx, t, RT_EOF);
	if (lx->pos >= lx->len)
		return;
	c = (unsigned char)lx->src[lx->pos];
	two = lx->pos + 1 < lx->len ? lx->src + lx->pos : "";
	if (c == '\n' || c == ';') {
		t->type = RT_NEWLINE;
		lx->pos++;
		if (c == '\n') {
			lx->line++;
			lx->line_start = lx->pos;
		}
	} else if (c == '"') {
		t->type = RT_STRING;
		lex_string(lx, t);
	} else if (c == '{' || c == '}' || c == '(' || c == ')' || c == '~') {
		t->type = c == '{' ? RT_LBRACE : c == '}' ? RT_RBRACE :
		    c == '(' ? RT_LPAREN : c == ')' ? RT_RPAREN : RT_MATCH;
		lx->pos++;
	} else if (strncmp(two, "!~", 2) == 0 || strncmp(two, "!=", 2) == 0 ||
	    strncmp(two, "==", 2) == 0 || strncmp(two, "<=", 2) == 0 ||
	    strncmp(two, ">=", 2) == 0) {
		t->type = two[0] == '!' ? (two[1] == '~' ? RT_NOMATCH : RT_NE) :
		    two[0] == '=' ? RT_EQ : two[0] == '<' ? RT_LE : RT_GE;
		lx->pos += 2;
	} else if (c == '=' || c == '<' || c == '>') {
		t->type = c == '=' ? RT_EQ : c == '<' ? RT_LT : RT_GT;
		lx->pos++;
	} else if (lex_wordc(c)) {
		/* A / inside a word (application/pdf) starts no regex. */
		for (i = lx->pos; i < lx->len &&
		    (lex_wordc((unsigned char)lx->src[i]) ||
		    lx->src[i] == '/'); i++)
			;
		t->text = xstrndup(lx->src + lx->pos, i - lx->pos);
		t->type = RT_WORD;
		for (i = 0; t->text[i] != '\0' && isdigit((unsigned char)
		    t->text[i]); i++)
			;
		if (t->text[i] == '\0')
			t->type = RT_NUMBER;
		lx->pos += strlen(t->text);
	} else {
		if (c == '/')
			rules_lex_error(lx, t->line, t->col, "a regular "
			    "expression must follow ~ or !~");
		else
			rules_lex_error(lx, t->line, t->col, "unexpected "
			    "character '%c'", isprint(c) ? c : '?');
		t->type = RT_ERROR;
		lx->pos++;
		/* Skip the rest of a UTF-8 sequence. */
		while (lx->pos < lx->len &&
		    ((unsigned char)lx->src[lx->pos] & 0xc0) == 0x80)
			lx->pos++;
	}
	t->len = (size_t)(lx->src + lx->pos - t->start);
}

void
rules_lex_regex(struct rules_lex *lx, struct rules_tok *t)
{
	size_t	 i, end;
	char	 c;
	int	 flags = 0;

	lex_skip(lx);
	lex_start(lx, t, RT_REGEX);
	if (lx->pos >= lx->len || lx->src[lx->pos] != '/') {
		rules_lex_error(lx, t->line, t->col, "expected a regular "
		    "expression like /invoice|rechnung/i");
		t->type = RT_ERROR;
		return;
	}
	/* The pattern is kept as written: PCRE2 reads \/ as /. */
	for (i = lx->pos + 1; i < lx->len; i++) {
		c = lx->src[i];
		if (c == '\n')
			break;
		if (c == '\\' && i + 1 < lx->len && lx->src[i + 1] != '\n')
			i++;
		else if (c == '/')
			break;
	}
	if (i >= lx->len || lx->src[i] != '/') {
		rules_lex_error(lx, t->line, t->col, "unterminated regular "
		    "expression (a / inside it is written \\/)");
		t->type = RT_ERROR;
		lx->pos = i;
		return;
	}
	end = i;
	t->text = xstrndup(lx->src + lx->pos + 1, end - lx->pos - 1);
	t->flagpos = lx->src + end + 1;
	for (i = end + 1; i < lx->len && isalpha((unsigned char)lx->src[i]);
	    i++) {
		switch (lx->src[i]) {
		case 'i':
			flags |= RULES_RE_CASELESS;
			break;
		case 'm':
			flags |= RULES_RE_MULTILINE;
			break;
		case 's':
			flags |= RULES_RE_DOTALL;
			break;
		case 'x':
			flags |= RULES_RE_EXTENDED;
			break;
		default:
			rules_lex_error_at(lx, lx->src + i, "unknown regular "
			    "expression flag '%c' (i, m, s and x are known)",
			    lx->src[i]);
			t->type = RT_ERROR;
			break;
		}
	}
	t->flags = flags;
	lx->pos = i;
	t->len = (size_t)(lx->src + lx->pos - t->start);
}
