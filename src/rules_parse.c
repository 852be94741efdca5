/*
 * helpq - rules_parse.c: rule files to a compiled rule set.
 *
 * The grammar, in EBNF. A rule's actions end at a line end (or ';'); a
 * condition may go on over several lines after "when", "and", "or", "not"
 * or "(", inside parentheses, and before a line that starts with "and" or
 * "or". # starts a comment; a backslash at the end of a line joins the
 * next.
 *
 *   file     = { rule } ;
 *   rule     = "rule" value "{" [ "when" cond ] { action } "}" ;
 *   cond     = term { "or" term } ;
 *   term     = factor { "and" factor } ;
 *   factor   = "not" factor | "(" cond ")" | test ;
 *   test     = "all"
 *            | field match
 *            | "header" value ( "exists" | match )
 *            | ( "attachment" | "attachment-type" ) ( "exists" | match )
 *            | "customer" ( "new" | "returning" )
 *            | "ticket" ( "new" | "existing" )
 *            | "tickets" compare number ;
 *   field    = "subject" | "from" | "to" | "cc" | "recipient" | "reply-to"
 *            | "body" | "language" ;
 *   match    = ( "~" | "!~" ) regex | ( "=" | "!=" ) value ;
 *   compare  = "=" | "!=" | "<" | "<=" | ">" | ">=" ;
 *   action   = "tag" value { value } | "untag" value { value }
 *            | "queue" value | "assign" value | "ack" value | "note" value
 *            | "set" value value
 *            | "priority" ( "low" | "normal" | "high" | "urgent" )
 *            | "respond-within" duration [ "business" | "calendar" ]
 *            | "escalate" { value }
 *            | "noack" | "automated" | "spam" | "ignore" | "close" | "stop" ;
 *   value    = word | string ;
 *   regex    = "/" pattern "/" { "i" | "m" | "s" | "x" } ;
 *   duration = number unit { number unit } ;    unit = "m" | "h" | "d" | "w"
 *
 * Values may name captures of the rule's regexes: $name or ${name} for
 * (?<name>...), $1 to $9 for numbered groups; $$ is a dollar sign.
 */
#include "compat.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "rules_private.h"
#include "xmalloc.h"

static int	rules_jit = 1;

/* Every keyword of the language, sorted (bsearch; a test checks it). */
const char *const rules_keywords[] = {
	"ack", "all", "and", "assign", "attachment", "attachment-type",
	"automated", "body", "business", "calendar", "cc", "close",
	"customer", "escalate", "existing", "exists", "from", "header",
	"high", "ignore", "language", "low", "new", "noack", "normal", "not",
	"note", "or", "priority", "queue", "recipient", "reply-to",
	"respond-within", "returning", "rule", "set", "spam", "stop",
	"subject", "tag", "ticket", "tickets", "to", "untag", "urgent",
	"when"
};
const size_t rules_nkeywords = nitems(rules_keywords);

static const struct {
	const char	*name;
	enum rules_what	 what;
} rules_fields[] = {
	{ "body", RW_BODY },
	{ "cc", RW_CC },
	{ "from", RW_FROM },
	{ "language", RW_LANGUAGE },
	{ "recipient", RW_RECIPIENT },
	{ "reply-to", RW_REPLY_TO },
	{ "subject", RW_SUBJECT },
	{ "to", RW_TO },
};

/* A capture name a regex of the current rule defines. */
struct parse_capture {
	char		*name;
};

struct parser {
	struct rules_lex	 lx;
	struct rules_tok	 tok;
	const char		*last_end;	/* end of the last token */
	struct rules		*rs;
	const char		*file;		/* interned in rs->files */
	struct rules_rule	*rule;		/* being parsed */
	char			**caps;		/* named captures of the rule */
	size_t			 ncaps;
	uint32_t		 maxnum;	/* numbered groups of the rule */
	int			 depth;		/* open parentheses */
};

int
rules_keywords_sorted(void)
{
	size_t	i;

	for (i = 1; i < rules_nkeywords; i++) {
		if (strcmp(rules_keywords[i - 1], rules_keywords[i]) >= 0)
			return (0);
	}
	return (1);
}

const char *
rules_keyword(size_t n)
{
	return (n < rules_nkeywords ? rules_keywords[n] : NULL);
}

/* ---- tokens ---- */

static void
advance(struct parser *p)
{
	/* Before the first token there is no token to end (NULL + 0 is
	 * undefined behaviour). */
	if (p->tok.start != NULL)
		p->last_end = p->tok.start + p->tok.len;
	rules_lex_next(&p->lx, &p->tok);
}

static int
tok_is(const struct parser *p, const char *word)
{
	return (p->tok.type == RT_WORD && strcmp(p->tok.text, word) == 0);
}

static void
skip_newlines(struct parser *p)
{
	while (p->tok.type == RT_NEWLINE)
		advance(p);
}

static void
perror_tok(struct parser *p, const char *fmt, ...) __printflike(2, 3);

/* Report at the current token (unless the lexer already did). */
static void
perror_tok(struct parser *p, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (p->tok.type == RT_ERROR)
		return;
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	rules_lex_error(&p->lx, p->tok.line, p->tok.col, "%s", msg);
	free(msg);
}

/* What the current token is, for messages. */
static const char *
tok_desc(const struct parser *p, char *buf, size_t size)
{
	switch (p->tok.type) {
	case RT_EOF:
		return ("the end of the file");
	case RT_NEWLINE:
		return (*p->tok.start == ';' ? "';'" : "the end of the line");
	case RT_WORD:
	case RT_NUMBER:
		snprintf(buf, size, "'%s'", p->tok.text);
		return (buf);
	case RT_STRING:
		snprintf(buf, size, "\"%s\"", p->tok.text);
		return (buf);
	default:
		snprintf(buf, size, "'%.*s'", (int)p->tok.len, p->tok.start);
		return (buf);
	}
}

static void
expected(struct parser *p, const char *what)
{
	char	buf[128];

	perror_tok(p, "expected %s, found %s", what, tok_desc(p, buf,
	    sizeof buf));
}

/*
 * A value: a word or a string. Keywords are words too where a value is
 * expected ("tag spam", "queue new"). Returns it allocated, or NULL after
 * an error.
 */
static char *
parse_value(struct parser *p, const char *what)
{
	char	*v;

	if (p->tok.type == RT_STRING || p->tok.type == RT_NUMBER ||
	    p->tok.type == RT_WORD) {
		v = p->tok.text;
		p->tok.text = NULL;
		advance(p);
		return (v);
	}
	expected(p, what);
	return (NULL);
}

/* ---- captures ---- */

static void
captures_clear(struct parser *p)
{
	size_t	i;

	for (i = 0; i < p->ncaps; i++)
		free(p->caps[i]);
	free(p->caps);
	p->caps = NULL;
	p->ncaps = 0;
	p->maxnum = 0;
}

/* Remember the named and numbered groups of a regex of this rule. */
static void
captures_add(struct parser *p, const pcre2_code *code)
{
	PCRE2_SPTR	table;
	uint32_t	count, size, i, n;

	pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &n);
	if (n > p->maxnum)
		p->maxnum = n;
	pcre2_pattern_info(code, PCRE2_INFO_NAMECOUNT, &count);
	pcre2_pattern_info(code, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(code, PCRE2_INFO_NAMETABLE, &table);
	for (i = 0; i < count; i++) {
		p->caps = xreallocarray(p->caps, p->ncaps + 1,
		    sizeof *p->caps);
		p->caps[p->ncaps++] = xstrdup((const char *)table + i * size +
		    2);
	}
}

/*
 * Check the $captures in a value of an action at the current token's
 * place: each must be defined by a regex of the rule.
 */
static int
captures_check(struct parser *p, const char *v, unsigned line, unsigned col)
{
	const char	*s, *e;
	char		 name[64];
	size_t		 i, n;

	for (s = v; (s = strchr(s, '$')) != NULL; s = e) {
		e = s + 1;
		if (*e == '$') {
			e++;
			continue;
		}
		if (*e == '{') {
			for (e++, n = 0; *e != '}' && *e != '\0'; e++, n++)
				;
			if (*e != '}') {
				rules_lex_error(&p->lx, line, col, "unclosed "
				    "${ in '%s'", v);
				return (-1);
			}
			s += 2;
			e++;
		} else {
			for (n = 0; isalnum((unsigned char)e[n]) ||
			    e[n] == '_'; n++)
				;
			s++;
			e += n;
		}
		if (n == 0 || n >= sizeof name) {
			rules_lex_error(&p->lx, line, col, "'$' must be "
			    "followed by a capture name or number (write $$ "
			    "for a dollar sign)");
			return (-1);
		}
		memcpy(name, s, n);
		name[n] = '\0';
		if (isdigit((unsigned char)name[0])) {
			if (strspn(name, "0123456789") != n ||
			    strtoul(name, NULL, 10) > p->maxnum ||
			    strtoul(name, NULL, 10) == 0) {
				rules_lex_error(&p->lx, line, col, "$%s: the "
				    "rule's regular expressions have %u "
				    "numbered groups", name, p->maxnum);
				return (-1);
			}
			continue;
		}
		for (i = 0; i < p->ncaps; i++) {
			if (strcmp(p->caps[i], name) == 0)
				break;
		}
		if (i == p->ncaps) {
			rules_lex_error(&p->lx, line, col, "$%s: no regular "
			    "expression of this rule has a group "
			    "(?<%s>...)", name, name);
			return (-1);
		}
	}
	return (0);
}

/* ---- regular expressions ---- */

void
rules_regex_free(struct rules_regex *re)
{
	if (re == NULL)
		return;
	pcre2_code_free(re->code);
	free(re->lits);
	free(re->header);
	free(re->pattern);
	free(re);
}

/* The same pattern with the same flags on the same field, if compiled. */
static struct rules_regex *
regex_find(const struct rules *rs, enum rules_what what, const char *header,
    const char *pattern, int flags)
{
	struct rules_regex	*re;
	uint32_t		 i;

	for (i = 0; i < rs->nregexes; i++) {
		re = rs->regexes[i];
		if (re->what == what && re->flags == flags &&
		    strcmp(re->pattern, pattern) == 0 && (what != RW_HEADER ||
		    strcasecmp(re->header, header) == 0))
			return (re);
	}
	return (NULL);
}

static int
scanner_find(struct rules *rs, enum rules_what what, const char *header)
{
	size_t	i;

	for (i = 0; i < rs->nscanners; i++) {
		if (rs->scanners[i].what == what && (what != RW_HEADER ||
		    strcasecmp(rs->scanners[i].header, header) == 0))
			return ((int)i);
	}
	rs->scanners = xreallocarray(rs->scanners, rs->nscanners + 1,
	    sizeof *rs->scanners);
	rs->scanners[i].what = what;
	rs->scanners[i].header = header != NULL ? xstrdup(header) : NULL;
	rs->scanners[i].ac = rules_ac_new();
	rs->nscanners++;
	return ((int)i);
}

/* Register the literals one of which every match must contain. */
static void
regex_prefilter(struct parser *p, struct rules_regex *re, const char *pat,
    int flags, enum rules_what what, const char *header)
{
	struct rules_scanner	*sc;
	char			**lits;
	size_t			 n, i;

	if (what == RW_LANGUAGE)
		return;		/* two letters: nothing to gain */
	n = rules_literals(pat, strlen(pat), flags, &lits);
	if (n == 0)
		return;
	re->scanner = scanner_find(p->rs, what, header);
	sc = &p->rs->scanners[re->scanner];
	re->lits = xreallocarray(NULL, n, sizeof *re->lits);
	for (i = 0; i < n; i++) {
		re->lits[i] = p->rs->nlits++;
		rules_ac_add(sc->ac, lits[i], strlen(lits[i]), re->lits[i]);
	}
	re->nlits = n;
	rules_literals_free(lits, n);
}

/* Compile the regex token; errors point into the pattern. */
static struct rules_regex *
regex_compile(struct parser *p, enum rules_what what, const char *header)
{
	struct rules_regex	*re;
	PCRE2_UCHAR		 msg[256];
	PCRE2_SIZE		 off;
	uint32_t		 opts, n;
	int			 err;
	const char		*at;

	if ((re = regex_find(p->rs, what, header, p->tok.text,
	    p->tok.flags)) != NULL) {
		captures_add(p, re->code);
		return (re);
	}
	opts = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF;
	if (p->tok.flags & RULES_RE_CASELESS)
		opts |= PCRE2_CASELESS;
	if (p->tok.flags & RULES_RE_MULTILINE)
		opts |= PCRE2_MULTILINE;
	if (p->tok.flags & RULES_RE_DOTALL)
		opts |= PCRE2_DOTALL;
	if (p->tok.flags & RULES_RE_EXTENDED)
		opts |= PCRE2_EXTENDED;
	re = xcalloc(1, sizeof *re);
	re->scanner = -1;
	re->code = pcre2_compile((PCRE2_SPTR)p->tok.text, PCRE2_ZERO_TERMINATED,
	    opts, &err, &off, NULL);
	if (re->code == NULL) {
		pcre2_get_error_message(err, msg, sizeof msg);
		/* The offset is in bytes of the pattern, one past the /. */
		at = p->tok.start + 1 + (off < strlen(p->tok.text) ? off :
		    strlen(p->tok.text));
		rules_lex_error_at(&p->lx, at, "bad regular expression: %s",
		    (const char *)msg);
		free(re);
		return (NULL);
	}
	/* Without JIT (some platforms) the interpreter does the same. */
	if (rules_jit)
		pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
	pcre2_pattern_info(re->code, PCRE2_INFO_CAPTURECOUNT, &n);
	re->ncaptures = n;
	if (n + 1 > p->rs->max_captures)
		p->rs->max_captures = n + 1;
	captures_add(p, re->code);
	regex_prefilter(p, re, p->tok.text, p->tok.flags, what, header);
	re->what = what;
	re->header = header != NULL ? xstrdup(header) : NULL;
	re->pattern = xstrdup(p->tok.text);
	re->flags = p->tok.flags;
	re->index = p->rs->nregexes;
	p->rs->regexes = xreallocarray(p->rs->regexes, p->rs->nregexes + 1,
	    sizeof *p->rs->regexes);
	p->rs->regexes[p->rs->nregexes++] = re;
	return (re);
}

/* ---- conditions ---- */

static void
node_free(struct rules_node *n)
{
	if (n == NULL)
		return;
	node_free(n->a);
	node_free(n->b);
	free(n->header);
	free(n->value);
	free(n->source);
	free(n);
}

static struct rules_node *parse_or(struct parser *);
static const struct rules_regex *gate_find(const struct rules_node *);

/* Newlines are free where a condition cannot end. */
static void
cond_newlines(struct parser *p)
{
	if (p->depth > 0)
		skip_newlines(p);
}

/* match = ( "~" | "!~" ) regex | ( "=" | "!=" ) value */
static int
parse_match(struct parser *p, struct rules_node *n)
{
	enum rules_tok_type	t = p->tok.type;

	if (t == RT_MATCH || t == RT_NOMATCH) {
		n->op = t == RT_MATCH ? RO_MATCH : RO_NOMATCH;
		rules_lex_regex(&p->lx, &p->tok);
		if (p->tok.type != RT_REGEX)
			return (-1);
		if ((n->re = regex_compile(p, n->what, n->header)) == NULL)
			return (-1);
		advance(p);
		return (0);
	}
	if (t == RT_EQ || t == RT_NE) {
		n->op = t == RT_EQ ? RO_EQ : RO_NE;
		advance(p);
		n->value = parse_value(p, "a value to compare with");
		return (n->value == NULL ? -1 : 0);
	}
	expected(p, "~, !~, = or !=");
	return (-1);
}

static int
parse_fact(struct parser *p, struct rules_node *n, const char *kw)
{
	const char	*a = "new", *b;

	if (strcmp(kw, "tickets") == 0) {
		n->what = RW_TICKETS;
		switch (p->tok.type) {
		case RT_EQ:
			n->op = RO_EQ;
			break;
		case RT_NE:
			n->op = RO_NE;
			break;
		case RT_LT:
			n->op = RO_LT;
			break;
		case RT_LE:
			n->op = RO_LE;
			break;
		case RT_GT:
			n->op = RO_GT;
			break;
		case RT_GE:
			n->op = RO_GE;
			break;
		default:
			expected(p, "a comparison (=, !=, <, <=, >, >=)");
			return (-1);
		}
		advance(p);
		if (p->tok.type != RT_NUMBER) {
			expected(p, "a number");
			return (-1);
		}
		n->number = strtoll(p->tok.text, NULL, 10);
		advance(p);
		return (0);
	}
	b = kw[0] == 'c' ? "returning" : "existing";
	if (tok_is(p, a))
		n->what = kw[0] == 'c' ? RW_CUSTOMER_NEW : RW_TICKET_NEW;
	else if (tok_is(p, b))
		n->what = kw[0] == 'c' ? RW_CUSTOMER_RETURNING :
		    RW_TICKET_EXISTING;
	else {
		char	want[64];

		snprintf(want, sizeof want, "'%s' or '%s'", a, b);
		expected(p, want);
		return (-1);
	}
	advance(p);
	return (0);
}

static struct rules_node *
parse_test(struct parser *p)
{
	struct rules_node	*n;
	const char		*start = p->tok.start;
	char			*kw;
	size_t			 i;
	int			 rc = -1;

	if (p->tok.type != RT_WORD) {
		expected(p, "a condition (subject, from, body, header, ...)");
		return (NULL);
	}
	n = xcalloc(1, sizeof *n);
	n->type = RN_TEST;
	kw = xstrdup(p->tok.text);
	advance(p);
	for (i = 0; i < nitems(rules_fields); i++) {
		if (strcmp(kw, rules_fields[i].name) == 0)
			break;
	}
	if (i < nitems(rules_fields)) {
		n->what = rules_fields[i].what;
		if (n->what == RW_LANGUAGE)
			p->rs->uses_language = 1;
		rc = parse_match(p, n);
	} else if (strcmp(kw, "all") == 0) {
		n->what = RW_ALL;
		rc = 0;
	} else if (strcmp(kw, "header") == 0 || strcmp(kw, "attachment") == 0 ||
	    strcmp(kw, "attachment-type") == 0) {
		if (kw[0] == 'h') {
			n->what = RW_HEADER;
			if ((n->header = parse_value(p, "a header name like "
			    "\"X-Priority\"")) == NULL)
				goto out;
			if (strpbrk(n->header, ": \t") != NULL) {
				rules_lex_error_at(&p->lx, start, "header "
				    "name '%s' has a colon or a blank",
				    n->header);
				goto out;
			}
		} else
			n->what = kw[10] == '-' ? RW_ATTACHMENT_TYPE :
			    RW_ATTACHMENT;
		if (tok_is(p, "exists")) {
			n->op = RO_EXISTS;
			advance(p);
			rc = 0;
		} else
			rc = parse_match(p, n);
	} else if (strcmp(kw, "customer") == 0 || strcmp(kw, "ticket") == 0 ||
	    strcmp(kw, "tickets") == 0)
		rc = parse_fact(p, n, kw);
	else
		rules_lex_error_at(&p->lx, start, "unknown condition '%s' "
		    "(subject, from, to, cc, recipient, reply-to, header, "
		    "body, attachment, attachment-type, language, customer, "
		    "ticket, tickets, all)", kw);
out:
	free(kw);
	if (rc != 0) {
		node_free(n);
		return (NULL);
	}
	n->source = xstrndup(start, (size_t)(p->last_end - start));
	return (n);
}

static struct rules_node *
parse_factor(struct parser *p)
{
	struct rules_node	*n, *a;
	unsigned		 line, col;

	if (tok_is(p, "not")) {
		advance(p);
		skip_newlines(p);
		if ((a = parse_factor(p)) == NULL)
			return (NULL);
		n = xcalloc(1, sizeof *n);
		n->type = RN_NOT;
		n->a = a;
		return (n);
	}
	if (p->tok.type == RT_LPAREN) {
		line = p->tok.line;
		col = p->tok.col;
		p->depth++;
		advance(p);
		skip_newlines(p);
		n = parse_or(p);
		p->depth--;
		if (n == NULL)
			return (NULL);
		if (p->tok.type != RT_RPAREN) {
			if (p->tok.type != RT_ERROR)
				rules_lex_error(&p->lx, line, col, "this "
				    "parenthesis is not closed");
			node_free(n);
			return (NULL);
		}
		advance(p);
		cond_newlines(p);
		return (n);
	}
	if (p->tok.type == RT_RPAREN) {
		perror_tok(p, "unbalanced parenthesis: nothing to close");
		return (NULL);
	}
	n = parse_test(p);
	if (n != NULL)
		cond_newlines(p);
	return (n);
}

/* A line that starts with and/or goes on with the condition. */
static int
cond_continues(struct parser *p, const char *op)
{
	struct rules_lex	save;
	struct rules_tok	t;
	struct buf		scratch;
	int			yes;

	if (tok_is(p, op))
		return (1);
	if (p->tok.type != RT_NEWLINE)
		return (0);
	/* Peek past the line ends; errors there are reported later. */
	save = p->lx;
	buf_init(&scratch);
	p->lx.errors = &scratch;
	memset(&t, 0, sizeof t);
	do {
		rules_lex_next(&p->lx, &t);
	} while (t.type == RT_NEWLINE);
	yes = t.type == RT_WORD && strcmp(t.text, op) == 0;
	rules_tok_clear(&t);
	buf_free(&scratch);
	p->lx = save;
	if (yes)
		skip_newlines(p);
	return (yes);
}

static struct rules_node *
parse_binary(struct parser *p, const char *op, enum rules_node_type type,
    struct rules_node *(*sub)(struct parser *))
{
	struct rules_node	*left, *right, *n;

	if ((left = sub(p)) == NULL)
		return (NULL);
	while (cond_continues(p, op)) {
		advance(p);
		skip_newlines(p);
		if ((right = sub(p)) == NULL) {
			node_free(left);
			return (NULL);
		}
		n = xcalloc(1, sizeof *n);
		n->type = type;
		n->a = left;
		n->b = right;
		left = n;
	}
	return (left);
}

static struct rules_node *
parse_and(struct parser *p)
{
	return (parse_binary(p, "and", RN_AND, parse_factor));
}

static struct rules_node *
parse_or(struct parser *p)
{
	return (parse_binary(p, "or", RN_OR, parse_and));
}

/* ---- actions ---- */

static void
action_clear(struct rules_action *a)
{
	size_t	i;

	for (i = 0; i < a->nargs; i++)
		free(a->args[i]);
	free(a->args);
	free(a->source);
}

/* A tag as written (captures still in it): letters, digits, . _ : / + -. */
static int
tag_valid(const char *t)
{
	const unsigned char	*s;

	if (*t == '\0' || *t == '-' || *t == '+')
		return (0);
	for (s = (const unsigned char *)t; *s != '\0'; s++) {
		if (!isalnum(*s) && *s < 0x80 && strchr("._:/+-${}", *s) ==
		    NULL)
			return (0);
	}
	return (1);
}

/* duration = number unit { number unit } */
static int
parse_duration(const char *s, time_t *out)
{
	long long	n, total = 0;
	char		*end;

	if (*s == '\0')
		return (-1);
	while (*s != '\0') {
		if (!isdigit((unsigned char)*s))
			return (-1);
		n = strtoll(s, &end, 10);
		/* A year at most in all, so no unit can overflow. */
		if (n > 366LL * 86400)
			return (-1);
		switch (*end) {
		case 'm':
			n *= 60;
			break;
		case 'h':
			n *= 3600;
			break;
		case 'd':
			n *= 86400;
			break;
		case 'w':
			n *= 7 * 86400;
			break;
		default:
			return (-1);
		}
		total += n;
		if (total > 366LL * 86400)
			return (-1);
		s = end + 1;
	}
	if (total <= 0)
		return (-1);
	*out = (time_t)total;
	return (0);
}

static int
action_args(struct parser *p, struct rules_action *a,
    const struct rules_action_def *d)
{
	unsigned	 line, col;
	char		*v;

	for (;;) {
		if (p->tok.type == RT_NEWLINE || p->tok.type == RT_RBRACE ||
		    p->tok.type == RT_EOF) {
			if (d->nargs == -1 && a->nargs == 0) {
				expected(p, d->what);
				return (-1);
			}
			if (d->nargs > 0 && a->nargs < (size_t)d->nargs) {
				expected(p, d->what);
				return (-1);
			}
			return (0);
		}
		if (d->nargs >= 0 && a->nargs == (size_t)d->nargs) {
			expected(p, "the end of the line");
			return (-1);
		}
		line = p->tok.line;
		col = p->tok.col;
		if ((v = parse_value(p, d->what)) == NULL)
			return (-1);
		a->args = xreallocarray(a->args, a->nargs + 1,
		    sizeof *a->args);
		a->args[a->nargs++] = v;
		if (captures_check(p, v, line, col) != 0)
			return (-1);
		if (d->arg == RULES_ARG_ADDRESS && strchr(v, '@') == NULL &&
		    strchr(v, '$') == NULL && strcmp(v, "managers") != 0) {
			rules_lex_error(&p->lx, line, col, "escalate to an "
			    "address or to 'managers', not '%s'", v);
			return (-1);
		}
		if (d->arg == RULES_ARG_TAG && !tag_valid(v)) {
			rules_lex_error(&p->lx, line, col, "'%s' is not a "
			    "tag: letters, digits and . _ : / + - only, not "
			    "starting with + or -", v);
			return (-1);
		}
	}
}

static int
parse_action_args(struct parser *p, struct rules_action *a,
    const struct rules_action_def *d)
{
	static const char *const prios[] = { "low", "normal", "high",
	    "urgent" };
	size_t		 i;

	switch (d->arg) {
	case RULES_ARG_PRIORITY:
		for (i = 0; i < nitems(prios); i++) {
			if (tok_is(p, prios[i]))
				break;
		}
		if (i == nitems(prios)) {
			expected(p, d->what);
			return (-1);
		}
		a->priority = (enum rules_priority)(RULES_PRIO_LOW + i);
		advance(p);
		return (0);
	case RULES_ARG_DURATION:
		if ((p->tok.type != RT_WORD && p->tok.type != RT_NUMBER) ||
		    parse_duration(p->tok.text, &a->duration) != 0) {
			expected(p, d->what);
			return (-1);
		}
		advance(p);
		if (tok_is(p, "business") || tok_is(p, "calendar")) {
			a->business = p->tok.text[0] == 'b';
			advance(p);
		}
		return (0);
	default:
		return (action_args(p, a, d));
	}
}

/* "unknown action": the message lists them all, from the table. */
static void
unknown_action(struct parser *p)
{
	struct buf	b;
	size_t		i;

	buf_init(&b);
	for (i = 0; i < RA_NACTIONS; i++)
		buf_addf(&b, "%s%s", i == 0 ? "" : ", ",
		    rules_action_defs[i].name);
	perror_tok(p, "unknown action '%s' (%s)", p->tok.text, buf_cstr(&b));
	buf_free(&b);
}

static int
parse_action(struct parser *p)
{
	struct rules_rule	*r = p->rule;
	struct rules_action	 a;
	const struct rules_action_def *d;
	const char		*start = p->tok.start;

	if (p->tok.type != RT_WORD) {
		expected(p, "an action (tag, queue, priority, ...) or '}'");
		return (-1);
	}
	memset(&a, 0, sizeof a);
	if ((d = rules_action_find(p->tok.text, &a.act)) == NULL) {
		if (strcmp(p->tok.text, "when") == 0)
			perror_tok(p, "'when' comes once, before the actions");
		else
			unknown_action(p);
		return (-1);
	}
	advance(p);
	if (parse_action_args(p, &a, d) != 0) {
		action_clear(&a);
		return (-1);
	}
	if (p->tok.type != RT_NEWLINE && p->tok.type != RT_RBRACE &&
	    p->tok.type != RT_EOF) {
		expected(p, "the end of the line");
		action_clear(&a);
		return (-1);
	}
	a.source = xstrndup(start, (size_t)(p->last_end - start));
	r->actions = xreallocarray(r->actions, r->nactions + 1,
	    sizeof *r->actions);
	r->actions[r->nactions++] = a;
	return (0);
}

/* ---- rules ---- */

void
rules_rule_clear(struct rules_rule *r)
{
	size_t	i;

	free(r->name);
	node_free(r->cond);
	for (i = 0; i < r->nactions; i++)
		action_clear(&r->actions[i]);
	free(r->actions);
	memset(r, 0, sizeof *r);
}

/* After an error: skip to the end of the rule, or to the next rule. */
static void
recover(struct parser *p)
{
	int	depth = 1, bol = 0;

	while (p->tok.type != RT_EOF) {
		if (p->tok.type == RT_LBRACE)
			depth++;
		else if (p->tok.type == RT_RBRACE && --depth == 0) {
			advance(p);
			return;
		} else if (bol && tok_is(p, "rule"))
			return;
		bol = p->tok.type == RT_NEWLINE;
		advance(p);
	}
}

static int
rule_name_taken(const struct rules *rs, const char *name,
    const struct rules_rule **prev)
{
	size_t	i;

	for (i = 0; i < rs->nrules; i++) {
		if (strcmp(rs->rules[i].name, name) == 0) {
			*prev = &rs->rules[i];
			return (1);
		}
	}
	return (0);
}

static int
parse_rule(struct parser *p)
{
	struct rules_rule	 r;
	const struct rules_rule	*prev;
	unsigned		 line, col, errs = p->lx.nerrors;

	memset(&r, 0, sizeof r);
	r.file = p->file;
	r.line = p->tok.line;
	advance(p);
	line = p->tok.line;
	col = p->tok.col;
	if ((r.name = parse_value(p, "a rule name")) == NULL)
		goto fail;
	if (rule_name_taken(p->rs, r.name, &prev)) {
		rules_lex_error(&p->lx, line, col, "rule \"%s\" is already "
		    "defined at %s:%u", r.name, prev->file, prev->line);
		goto fail;
	}
	if (p->tok.type != RT_LBRACE) {
		expected(p, "'{'");
		goto fail;
	}
	advance(p);
	skip_newlines(p);
	p->rule = &r;
	if (tok_is(p, "when")) {
		advance(p);
		skip_newlines(p);
		p->depth = 0;
		if ((r.cond = parse_or(p)) == NULL)
			goto fail;
		if (p->tok.type != RT_NEWLINE && p->tok.type != RT_RBRACE) {
			if (p->tok.type == RT_RPAREN)
				perror_tok(p, "unbalanced parenthesis: "
				    "nothing to close");
			else
				expected(p, "'and', 'or' or the end of the "
				    "line");
			goto fail;
		}
		skip_newlines(p);
	}
	while (p->tok.type != RT_RBRACE) {
		if (p->tok.type == RT_EOF) {
			rules_lex_error(&p->lx, r.line, 1, "rule \"%s\" is "
			    "not closed with '}'", r.name);
			goto fail_eof;
		}
		if (parse_action(p) != 0)
			goto fail;
		skip_newlines(p);
	}
	advance(p);
	p->rule = NULL;
	captures_clear(p);
	if (p->lx.nerrors != errs)
		goto fail_done;
	r.gate = r.cond != NULL ? gate_find(r.cond) : NULL;
	p->rs->rules = xreallocarray(p->rs->rules, p->rs->nrules + 1,
	    sizeof *p->rs->rules);
	p->rs->rules[p->rs->nrules++] = r;
	return (0);
fail:
	recover(p);
fail_eof:
	p->rule = NULL;
	captures_clear(p);
fail_done:
	rules_rule_clear(&r);
	return (-1);
}

static void
parse_file(struct parser *p)
{
	advance(p);
	for (;;) {
		skip_newlines(p);
		if (p->tok.type == RT_EOF)
			break;
		if (!tok_is(p, "rule")) {
			expected(p, "'rule'");
			/* Skip to the next line that starts a rule. */
			while (p->tok.type != RT_EOF && !tok_is(p, "rule")) {
				do {
					advance(p);
				} while (p->tok.type != RT_NEWLINE &&
				    p->tok.type != RT_EOF);
				skip_newlines(p);
			}
			continue;
		}
		parse_rule(p);
	}
	rules_tok_clear(&p->tok);
}

/*
 * A regex with prefilter literals that must match for the condition to
 * hold: either side of an "and" will do; "or" and "not" give none.
 */
static const struct rules_regex *
gate_find(const struct rules_node *n)
{
	const struct rules_regex	*g;

	switch (n->type) {
	case RN_AND:
		if ((g = gate_find(n->a)) != NULL)
			return (g);
		return (gate_find(n->b));
	case RN_TEST:
		if (n->op == RO_MATCH && n->re->nlits > 0)
			return (n->re);
		return (NULL);
	default:
		return (NULL);
	}
}

int
rules_uses_language(const struct rules *rs)
{
	return (rs != NULL && rs->uses_language);
}

/* ---- entry ---- */

/* Parse one file's text into rs; errors go to errors, counted. */
void
rules_parse_text(struct rules *rs, const char *name, const char *text,
    size_t len, struct buf *errors, unsigned *nerrors)
{
	struct parser	p;

	memset(&p, 0, sizeof p);
	rs->files = xreallocarray(rs->files, rs->nfiles + 1,
	    sizeof *rs->files);
	rs->files[rs->nfiles++] = xstrdup(name);
	p.file = rs->files[rs->nfiles - 1];
	p.rs = rs;
	rules_lex_init(&p.lx, p.file, text, len, errors);
	parse_file(&p);
	*nerrors += p.lx.nerrors;
}

void
rules_use_jit(int on)
{
	rules_jit = on;
}
