/* helpq - rules_literal.c: literals without which a regex cannot match. */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rules_private.h"
#include "utf8.h"
#include "xmalloc.h"

/*
 * A conservative walk over PCRE2 syntax. Each alternative keeps a "run" of
 * consecutive literal characters; its candidates are its runs and the sets
 * of its groups that must match at least once, and it keeps the best one.
 * Anything not fully understood ends the run where that is safe, and gives
 * up on the whole pattern where it is not: a wrong literal makes helpq skip
 * a rule that should have fired, a missing one only costs a regex run.
 *
 * Caseless matching (PCRE2_UTF|PCRE2_UCP) folds Unicode case, and two ASCII
 * letters have non-ASCII case partners: 'k' (U+212A KELVIN SIGN) and 's'
 * (U+017F LATIN SMALL LETTER LONG S). The scanner folds ASCII letters and
 * those two (rules_ac_scan), so in caseless mode every other non-ASCII
 * character ends the run.
 *
 * Extended mode assumes PCRE2's default newline (LF, or ANY/ANYCRLF) for
 * the end of a '#' comment; a comment holding another line break gives up.
 */

#define LIT_DEPTH_MAX	100		/* deeper nesting: give up */

/* A set of literals; n == 0 means no useful set. */
struct lit_set {
	char	**v;
	size_t	  n;
	size_t	  min;			/* length of the shortest literal */
};

struct lit_parse {
	const unsigned char	*p;
	const unsigned char	*end;
	int			 caseless;
	int			 extended;
	int			 inline_i;	/* saw (?i): redo as caseless */
	int			 fail;		/* give up on the pattern */
	int			 depth;
};

/* What a '{' starts. */
enum lit_brace {
	LIT_BRACE_LITERAL,
	LIT_BRACE_QUANT,		/* {n}, {n,}, {n,m} */
	LIT_BRACE_MAYBE			/* a quantifier in some PCRE2 */
};

/* What a parenthesis starts. */
enum lit_paren {
	LIT_PAREN_GROUP,		/* a group; the set is valid */
	LIT_PAREN_LOOK,			/* a lookaround */
	LIT_PAREN_OPTS,			/* (?i) and friends, or a comment */
	LIT_PAREN_REF			/* (?P=name) */
};

static void	lit_alt(struct lit_parse *, struct lit_set *);

static int
lit_cmp_len(const void *a, const void *b)
{
	const char	*x = *(char * const *)a, *y = *(char * const *)b;
	size_t		 lx = strlen(x), ly = strlen(y);

	if (lx != ly)
		return (lx < ly ? -1 : 1);
	return (strcmp(x, y));
}

static int
lit_cmp_str(const void *a, const void *b)
{
	return (strcmp(*(char * const *)a, *(char * const *)b));
}

static void
set_clear(struct lit_set *s)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

/* Move every literal of from into to; from ends empty. */
static void
set_merge(struct lit_set *to, struct lit_set *from)
{
	if (from->n == 0)
		return;
	to->v = xreallocarray(to->v, to->n + from->n, sizeof *to->v);
	memcpy(to->v + to->n, from->v, from->n * sizeof *from->v);
	if (to->n == 0 || from->min < to->min)
		to->min = from->min;
	to->n += from->n;
	free(from->v);
	memset(from, 0, sizeof *from);
}

/* Drop duplicates and literals that contain another one (implied). */
static void
set_reduce(struct lit_set *s)
{
	size_t	i, j, n;

	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof *s->v, lit_cmp_len);
	n = 0;
	for (i = 0; i < s->n; i++) {
		for (j = 0; j < n; j++) {
			if (strstr(s->v[i], s->v[j]) != NULL)
				break;
		}
		if (j < n)
			free(s->v[i]);
		else
			s->v[n++] = s->v[i];
	}
	s->n = n;
	s->min = strlen(s->v[0]);
}

/* Is a a better candidate than b: longer shortest literal, then fewer. */
static int
set_better(const struct lit_set *a, const struct lit_set *b)
{
	if (b->n == 0)
		return (1);
	if (a->min != b->min)
		return (a->min > b->min);
	return (a->n < b->n);
}

/* Keep cand in best if it is useful and better; cand ends empty. */
static void
set_offer(struct lit_set *best, struct lit_set *cand)
{
	if (cand->n != 0 && cand->min >= RULES_LITERAL_MIN &&
	    set_better(cand, best)) {
		set_clear(best);
		*best = *cand;
		memset(cand, 0, sizeof *cand);
	} else
		set_clear(cand);
}

/* The run ends: offer it as a candidate and start an empty one. */
static void
run_end(struct buf *run, struct lit_set *best)
{
	struct lit_set	cand;

	if (run->len >= RULES_LITERAL_MIN) {
		cand.v = xcalloc(1, sizeof *cand.v);
		cand.v[0] = xstrndup(run->data, run->len);
		cand.n = 1;
		cand.min = run->len;
		set_offer(best, &cand);
	}
	buf_reset(run);
}

/* Append one character, ASCII letters lower-cased. */
static void
run_add(struct buf *run, const unsigned char *ch, size_t n)
{
	if (n == 1 && ch[0] >= 'A' && ch[0] <= 'Z')
		buf_addc(run, (char)(ch[0] - 'A' + 'a'));
	else
		buf_add(run, ch, n);
}

/* Can a literal hold this character (see the comment at the top)? */
static int
lit_usable(const struct lit_parse *ps, const unsigned char *ch, size_t n)
{
	if (n != 1)
		return (!ps->caseless);
	return (ch[0] != '\0');
}

static int
lit_xdigit(int c)
{
	return ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F'));
}

static int
lit_at(const struct lit_parse *ps, size_t off)
{
	if ((size_t)(ps->end - ps->p) <= off)
		return (-1);
	return (ps->p[off]);
}

/* Skip past the next c, or give up if there is none. */
static void
lit_skip_to(struct lit_parse *ps, int c)
{
	const unsigned char	*q;

	q = memchr(ps->p, c, ps->end - ps->p);
	if (q == NULL) {
		ps->fail = 1;
		ps->p = ps->end;
	} else
		ps->p = q + 1;
}

/* Length of PCRE2's extended-mode white space at p, or 0. */
static size_t
lit_space(const struct lit_parse *ps)
{
	const unsigned char	*p = ps->p;
	size_t			 left = ps->end - ps->p;

	if (left == 0)
		return (0);
	if (p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r'))
		return (1);
	if (left >= 2 && p[0] == 0xc2 && p[1] == 0x85)
		return (2);
	if (left >= 3 && p[0] == 0xe2 && p[1] == 0x80 &&
	    (p[2] == 0x8e || p[2] == 0x8f || p[2] == 0xa8 || p[2] == 0xa9))
		return (3);
	return (0);
}

/*
 * Is there a line break other than LF at p? Under another newline
 * convention it would end a '#' comment where we do not.
 */
static int
lit_newline_other(const struct lit_parse *ps)
{
	const unsigned char	*p = ps->p;
	size_t			 left = ps->end - ps->p;

	if (*p == '\r' || *p == '\v' || *p == '\f')
		return (1);
	if (left >= 2 && p[0] == 0xc2 && p[1] == 0x85)
		return (1);
	return (left >= 3 && p[0] == 0xe2 && p[1] == 0x80 &&
	    (p[2] == 0xa8 || p[2] == 0xa9));
}

/* Skip what matches nothing: comments, \E, \Q\E, x-mode space. */
static void
lit_skip(struct lit_parse *ps)
{
	const unsigned char	*p;
	size_t			 n;

	while (!ps->fail && ps->p < ps->end) {
		p = ps->p;
		if (ps->extended && (n = lit_space(ps)) != 0) {
			ps->p += n;
			continue;
		}
		if (ps->extended && *p == '#') {
			for (; ps->p < ps->end && *ps->p != '\n'; ps->p++) {
				if (lit_newline_other(ps)) {
					ps->fail = 1;
					return;
				}
			}
			continue;
		}
		if (lit_at(ps, 0) == '(' && lit_at(ps, 1) == '?' &&
		    lit_at(ps, 2) == '#') {
			lit_skip_to(ps, ')');
			continue;
		}
		if (lit_at(ps, 0) == '\\' && lit_at(ps, 1) == 'E') {
			ps->p += 2;
			continue;
		}
		if (lit_at(ps, 0) == '\\' && lit_at(ps, 1) == 'Q' &&
		    lit_at(ps, 2) == '\\' && lit_at(ps, 3) == 'E') {
			ps->p += 4;
			continue;
		}
		break;
	}
}

/* Classify the '{' at the current position; *minp for a quantifier. */
static enum lit_brace
lit_brace(const struct lit_parse *ps, unsigned long *minp)
{
	const unsigned char	*p = ps->p + 1, *q;
	unsigned long		 n = 0;
	int			 digits = 0;

	while (p < ps->end && *p >= '0' && *p <= '9') {
		if (n < 100000)
			n = n * 10 + (*p - '0');
		p++;
		digits = 1;
	}
	if (digits && p < ps->end && *p == ',') {
		p++;
		while (p < ps->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (digits && p < ps->end && *p == '}') {
		*minp = n;
		return (LIT_BRACE_QUANT);
	}
	/* Newer PCRE2 also reads {,m} and { n , m } as quantifiers. */
	for (q = ps->p + 1; q < ps->end && *q != '}'; q++) {
		if (!(*q >= '0' && *q <= '9') && *q != ',' && *q != ' ' &&
		    !(*q >= '\t' && *q <= '\r'))
			return (LIT_BRACE_LITERAL);
	}
	if (q == ps->end)
		return (LIT_BRACE_LITERAL);
	return (LIT_BRACE_MAYBE);
}

/*
 * Consume a quantifier after an atom, if any: 1 with *minp set, or 0.
 * Anything doubtful (a second quantifier, a brace that newer PCRE2 reads
 * as one) gives up.
 */
static int
lit_quant(struct lit_parse *ps, unsigned long *minp)
{
	unsigned long	dummy;
	int		c;

	lit_skip(ps);
	if (ps->fail)
		return (0);
	switch (c = lit_at(ps, 0)) {
	case '?':
	case '*':
		*minp = 0;
		ps->p++;
		break;
	case '+':
		*minp = 1;
		ps->p++;
		break;
	case '{':
		switch (lit_brace(ps, minp)) {
		case LIT_BRACE_QUANT:
			lit_skip_to(ps, '}');
			break;
		case LIT_BRACE_MAYBE:
			ps->fail = 1;
			return (0);
		case LIT_BRACE_LITERAL:
			return (0);
		}
		break;
	default:
		return (0);
	}
	/* Lazy or possessive. */
	if ((c = lit_at(ps, 0)) == '?' || c == '+')
		ps->p++;
	lit_skip(ps);
	c = lit_at(ps, 0);
	if (c == '?' || c == '*' || c == '+' ||
	    (c == '{' && lit_brace(ps, &dummy) != LIT_BRACE_LITERAL))
		ps->fail = 1;
	return (1);
}

/* An atom that matches something we do not know: end the run. */
static void
lit_opaque(struct lit_parse *ps, struct buf *run, struct lit_set *best)
{
	unsigned long	min;

	run_end(run, best);
	lit_quant(ps, &min);
}

/* A zero-width assertion: the run goes on; a quantifier gives up. */
static void
lit_zero(struct lit_parse *ps)
{
	unsigned long	min;

	if (lit_quant(ps, &min))
		ps->fail = 1;
}

/* One literal character (already consumed), maybe quantified. */
static void
lit_char(struct lit_parse *ps, struct buf *run, struct lit_set *best,
    const unsigned char *ch, size_t n)
{
	unsigned long	min;
	int		usable, q;

	usable = lit_usable(ps, ch, n);
	q = lit_quant(ps, &min);
	if (ps->fail)
		return;
	if (!usable || (q && min == 0)) {
		run_end(run, best);
		return;
	}
	run_add(run, ch, n);
	if (q) {
		/* c+ is c c*: the run ends, and the next one starts with c. */
		run_end(run, best);
		run_add(run, ch, n);
	}
}

/* The text of \Q...\E (\Q consumed), the last character maybe quantified. */
static void
lit_quote(struct lit_parse *ps, struct buf *run, struct lit_set *best)
{
	const unsigned char	*q, *ch;
	uint32_t		 cp;
	size_t			 n;

	for (q = ps->p; q < ps->end; q++) {
		if (q[0] == '\\' && q + 1 < ps->end && q[1] == 'E')
			break;
	}
	while (!ps->fail && ps->p < q) {
		ch = ps->p;
		if ((n = utf8_decode((const char *)ch, (size_t)(q - ch),
		    &cp)) == 0) {
			ps->fail = 1;
			return;
		}
		ps->p += n;
		if (ps->p == q)
			lit_char(ps, run, best, ch, n);
		else if (lit_usable(ps, ch, n))
			run_add(run, ch, n);
		else
			run_end(run, best);
	}
}

/*
 * After "[:", "[." or "[=" inside a class (p at the ':'), where PCRE2's
 * check_posix_syntax() would end the POSIX name: past its ":]", or NULL.
 */
static const unsigned char *
lit_posix(const unsigned char *p, const unsigned char *end)
{
	const unsigned char	*q;
	int			 term = *p;

	for (q = p + 1; q < end; q++) {
		if (*q == '\\' && q + 1 < end && (q[1] == ']' || q[1] == '\\'))
			q++;
		else if ((*q == '[' && q + 1 < end && q[1] == term) ||
		    *q == ']')
			return (NULL);
		else if (*q == term && q + 1 < end && q[1] == ']')
			return (q + 2);
	}
	return (NULL);
}

/* Skip a character class; the current position is at '['. */
static void
lit_class(struct lit_parse *ps)
{
	const unsigned char	*p, *q, *end = ps->end;

	p = ps->p + 1;
	if (p < end && *p == '^')
		p++;
	/* A ']' first is a literal. */
	if (p < end && *p == ']')
		p++;
	while (p < end && *p != ']') {
		if (*p == '\\') {
			/* \Q...\E could hide a ']': give up. */
			if (p + 1 >= end || p[1] == 'Q' || p[1] == 'E')
				break;
			p += 2;
		} else if (*p == '[' && p + 1 < end && (p[1] == ':' ||
		    p[1] == '.' || p[1] == '=') &&
		    (q = lit_posix(p + 1, end)) != NULL)
			p = q;
		else
			p++;
	}
	if (p >= end || *p != ']') {
		ps->fail = 1;
		ps->p = end;
		return;
	}
	ps->p = p + 1;
}

/*
 * Step over what follows an escape letter that matches something we
 * cannot read as a literal (a class, a reference, a code point); sets
 * fail for a letter or form we do not know.
 */
static void
lit_escape_skip(struct lit_parse *ps, int c)
{
	int	n;

	switch (c) {
	case 'd': case 'D': case 'w': case 'W': case 's': case 'S':
	case 'h': case 'H': case 'v': case 'V': case 'R': case 'X': case 'C':
		break;
	case 'N':
		/* \N{U+hh} is a character; \N{3} a quantifier. */
		if (lit_at(ps, 0) == '{')
			ps->fail = 1;
		break;
	case 'p': case 'P':
		if (lit_at(ps, 0) == '{')
			lit_skip_to(ps, '}');
		else if (lit_at(ps, 0) == -1)
			ps->fail = 1;
		else
			ps->p++;
		break;
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		/* A back reference or octal: skip every digit. */
		while ((c = lit_at(ps, 0)) >= '0' && c <= '9')
			ps->p++;
		break;
	case 'g':
		if (lit_at(ps, 0) == '{') {
			lit_skip_to(ps, '}');
			break;
		}
		/* \g<n> and \g'n' are subroutine calls. */
		if ((c = lit_at(ps, 0)) == '+' || c == '-')
			ps->p++;
		if (!((c = lit_at(ps, 0)) >= '0' && c <= '9')) {
			ps->fail = 1;
			break;
		}
		while ((c = lit_at(ps, 0)) >= '0' && c <= '9')
			ps->p++;
		break;
	case 'k':
		/* \k<name>, \k'name', \k{name}. */
		if ((c = lit_at(ps, 0)) != '<' && c != '\'' && c != '{') {
			ps->fail = 1;
			break;
		}
		ps->p++;
		lit_skip_to(ps, c == '<' ? '>' : c == '{' ? '}' : '\'');
		break;
	case 'x':
		if (lit_at(ps, 0) == '{') {
			lit_skip_to(ps, '}');
			break;
		}
		for (n = 0; n < 2 && lit_xdigit(lit_at(ps, 0)); n++)
			ps->p++;
		break;
	case 'o':
		if (lit_at(ps, 0) == '{')
			lit_skip_to(ps, '}');
		else
			ps->fail = 1;
		break;
	case 'c':
		if ((c = lit_at(ps, 0)) == -1 || c >= 0x80)
			ps->fail = 1;
		else
			ps->p++;
		break;
	default:
		/* \K, and letters we do not know. */
		ps->fail = 1;
		break;
	}
}

/* A backslash sequence; the current position is at the backslash. */
static void
lit_escape(struct lit_parse *ps, struct buf *run, struct lit_set *best)
{
	static const char	 ctl_from[] = "tnrfea";
	static const char	 ctl_to[] = "\t\n\r\f\033\a";
	unsigned char		 ch;
	const char		*s;
	int			 c;

	c = lit_at(ps, 1);
	if (c == -1 || c >= 0x80) {
		ps->fail = 1;
		return;
	}
	ps->p += 2;
	ch = (unsigned char)c;
	if (!(c >= '0' && c <= '9') && !(c >= 'A' && c <= 'Z') &&
	    !(c >= 'a' && c <= 'z')) {
		lit_char(ps, run, best, &ch, 1);
		return;
	}
	if ((s = strchr(ctl_from, c)) != NULL) {
		ch = (unsigned char)ctl_to[s - ctl_from];
		lit_char(ps, run, best, &ch, 1);
		return;
	}
	switch (c) {
	case 'Q':
		lit_quote(ps, run, best);
		return;
	case 'E':
		return;
	case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G':
		lit_zero(ps);
		return;
	default:
		lit_escape_skip(ps, c);
		break;
	}
	if (!ps->fail)
		lit_opaque(ps, run, best);
}

/* The body of a group up to its ')', which is consumed. */
static void
lit_body(struct lit_parse *ps, struct lit_set *set)
{
	if (++ps->depth > LIT_DEPTH_MAX) {
		ps->fail = 1;
		return;
	}
	lit_alt(ps, set);
	ps->depth--;
	if (ps->fail || lit_at(ps, 0) != ')') {
		ps->fail = 1;
		set_clear(set);
		return;
	}
	ps->p++;
}

/* What follows "(?" when it is not a group type: option letters. */
static enum lit_paren
lit_options(struct lit_parse *ps, struct lit_set *set)
{
	int	c;

	for (;;) {
		switch (c = lit_at(ps, 0)) {
		case 'i':
			ps->inline_i = 1;
			break;
		case 'm': case 's': case 'n': case 'U': case 'J': case '-':
			break;
		case ')':
			ps->p++;
			return (LIT_PAREN_OPTS);
		case ':':
			ps->p++;
			lit_body(ps, set);
			return (LIT_PAREN_GROUP);
		default:
			/* x, xx, ^, and whatever newer PCRE2 adds. */
			ps->fail = 1;
			return (LIT_PAREN_OPTS);
		}
		ps->p++;
	}
}

/* A parenthesis; the current position is at '('. */
static enum lit_paren
lit_paren(struct lit_parse *ps, struct lit_set *set)
{
	struct lit_set	look;
	int		c;

	memset(set, 0, sizeof *set);
	ps->p++;
	if (lit_at(ps, 0) == '*') {
		/* Verbs, (*UTF), (*pla:...): give up. */
		ps->fail = 1;
		return (LIT_PAREN_OPTS);
	}
	if (lit_at(ps, 0) != '?') {
		lit_body(ps, set);
		return (LIT_PAREN_GROUP);
	}
	ps->p++;
	switch (c = lit_at(ps, 0)) {
	case ':':
	case '|':
	case '>':
		ps->p++;
		lit_body(ps, set);
		return (LIT_PAREN_GROUP);
	case '#':
		lit_skip_to(ps, ')');
		return (LIT_PAREN_OPTS);
	case '=':
	case '!':
		ps->p++;
		break;
	case '<':
		c = lit_at(ps, 1);
		if (c == '=' || c == '!') {
			ps->p += 2;
			break;
		}
		if (!(c >= 'A' && c <= 'Z') && !(c >= 'a' && c <= 'z') &&
		    c != '_' && c < 0x80) {
			ps->fail = 1;
			return (LIT_PAREN_OPTS);
		}
		lit_skip_to(ps, '>');
		if (!ps->fail)
			lit_body(ps, set);
		return (LIT_PAREN_GROUP);
	case '\'':
		ps->p++;
		lit_skip_to(ps, '\'');
		if (!ps->fail)
			lit_body(ps, set);
		return (LIT_PAREN_GROUP);
	case 'P':
		if (lit_at(ps, 1) == '<') {
			ps->p += 2;
			lit_skip_to(ps, '>');
			if (!ps->fail)
				lit_body(ps, set);
			return (LIT_PAREN_GROUP);
		}
		if (lit_at(ps, 1) == '=') {
			lit_skip_to(ps, ')');
			return (LIT_PAREN_REF);
		}
		ps->fail = 1;
		return (LIT_PAREN_OPTS);
	default:
		return (lit_options(ps, set));
	}
	/* A lookaround: its text need not be in the match; skip it. */
	lit_body(ps, &look);
	set_clear(&look);
	return (LIT_PAREN_LOOK);
}

/* One alternative, up to '|', ')' or the end; its best set in best. */
static void
lit_seq(struct lit_parse *ps, struct lit_set *best)
{
	struct buf		 run;
	struct lit_set		 set;
	const unsigned char	*ch;
	unsigned long		 min, dummy;
	uint32_t		 cp;
	size_t			 n;
	int			 c, q;

	buf_init(&run);
	memset(best, 0, sizeof *best);
	for (;;) {
		lit_skip(ps);
		if (ps->fail || (c = lit_at(ps, 0)) == -1 || c == '|' ||
		    c == ')')
			break;
		switch (c) {
		case '(':
			switch (lit_paren(ps, &set)) {
			case LIT_PAREN_GROUP:
				run_end(&run, best);
				q = lit_quant(ps, &min);
				if (!ps->fail && !(q && min == 0))
					set_offer(best, &set);
				else
					set_clear(&set);
				break;
			case LIT_PAREN_OPTS:
				/* An option setting ends the run. */
				run_end(&run, best);
				lit_zero(ps);
				break;
			case LIT_PAREN_LOOK:
			case LIT_PAREN_REF:
				lit_opaque(ps, &run, best);
				break;
			}
			break;
		case '[':
			lit_class(ps);
			if (!ps->fail)
				lit_opaque(ps, &run, best);
			break;
		case '.':
			ps->p++;
			lit_opaque(ps, &run, best);
			break;
		case '^':
		case '$':
			ps->p++;
			lit_zero(ps);
			break;
		case '?':
		case '*':
		case '+':
			ps->fail = 1;
			break;
		case '{':
			if (lit_brace(ps, &dummy) != LIT_BRACE_LITERAL) {
				ps->fail = 1;
				break;
			}
			ps->p++;
			lit_opaque(ps, &run, best);
			break;
		case '\\':
			lit_escape(ps, &run, best);
			break;
		default:
			ch = ps->p;
			if ((n = utf8_decode((const char *)ch,
			    (size_t)(ps->end - ch), &cp)) == 0) {
				ps->fail = 1;
				break;
			}
			ps->p += n;
			lit_char(ps, &run, best, ch, n);
			break;
		}
	}
	if (!ps->fail)
		run_end(&run, best);
	buf_free(&run);
	if (ps->fail)
		set_clear(best);
}

/* Alternatives up to ')' or the end: the union of their best sets. */
static void
lit_alt(struct lit_parse *ps, struct lit_set *out)
{
	struct lit_set	u, s;
	int		none = 0;

	memset(&u, 0, sizeof u);
	for (;;) {
		lit_seq(ps, &s);
		if (ps->fail)
			break;
		if (s.n == 0)
			none = 1;
		if (!none)
			set_merge(&u, &s);
		set_clear(&s);
		if (lit_at(ps, 0) != '|')
			break;
		ps->p++;
	}
	if (ps->fail || none)
		set_clear(&u);
	set_reduce(&u);
	if (u.n > RULES_LITERALS_MAX)
		set_clear(&u);
	*out = u;
}

size_t
rules_literals(const char *pattern, size_t len, int flags, char ***litsp)
{
	struct lit_parse	ps;
	struct lit_set		set;
	int			caseless;

	*litsp = NULL;
	caseless = (flags & RULES_RE_CASELESS) != 0;
	for (;;) {
		memset(&ps, 0, sizeof ps);
		ps.p = (const unsigned char *)pattern;
		ps.end = ps.p + len;
		ps.caseless = caseless;
		ps.extended = (flags & RULES_RE_EXTENDED) != 0;
		lit_alt(&ps, &set);
		/* A stray ')' leaves input behind. */
		if (!ps.fail && ps.p != ps.end)
			ps.fail = 1;
		if (ps.fail) {
			set_clear(&set);
			return (0);
		}
		if (!ps.inline_i || caseless)
			break;
		/* An inline (?i): redo it all as caseless. */
		set_clear(&set);
		caseless = 1;
	}
	if (set.n == 0)
		return (0);
	qsort(set.v, set.n, sizeof *set.v, lit_cmp_str);
	*litsp = set.v;
	return (set.n);
}

void
rules_literals_free(char **lits, size_t n)
{
	size_t	i;

	if (lits == NULL)
		return;
	for (i = 0; i < n; i++)
		free(lits[i]);
	free(lits);
}
