/*
 * helpq - rules_eval.c: a message through the compiled rule set.
 *
 * Top to bottom, until a stop. A regex whose required literals (rules_
 * literal.c) are all absent from its text is not run: one Aho-Corasick
 * scan per text finds every literal of every rule at once, so the cost of
 * rules that cannot match is a bit test each.
 */
#include "compat.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "log.h"		/* fatalx only: the caller logs */
#include "message.h"
#include "rules_private.h"
#include "utf8.h"
#include "xmalloc.h"

/* Matched text kept in a trace. */
#define RULES_TRACE_MATCH	80
/* The JIT stack may grow to this; past it the match gives up. */
#define RULES_JIT_STACK		(1024 * 1024)

struct rules_var {
	char	*name;
	char	*value;
};

struct rules_ctx {
	const struct rules	*rs;
	pcre2_match_data	*md;
	pcre2_match_context	*mctx;
	pcre2_jit_stack		*jit;
	uint8_t			*seen;		/* literal ids found */
	uint8_t			*scanned;	/* scanners run */
	uint8_t			*nomatch;	/* regexes known not to match */
	struct buf		 text;		/* a field's values, joined */
	struct buf		 fmt;		/* one formatted address */

	/* Per evaluation. */
	const struct message	*msg;
	const struct rules_facts *facts;
	struct rules_verdict	*v;
	struct rules_trace_rule	*tr;		/* the rule being traced */
	const struct rules_rule	*rule;
	int			 limit_noted;	/* for the current rule */
	struct rules_var	*vars;		/* named captures */
	size_t			 nvars;
	char			*num[10];	/* $1..$9 of the last match */
	int			 captured;	/* vars or num set */
};

struct rules_ctx *
rules_ctx_new(const struct rules *rs)
{
	struct rules_ctx	*c;

	c = xcalloc(1, sizeof *c);
	c->rs = rs;
	c->md = pcre2_match_data_create(rs->max_captures, NULL);
	c->mctx = pcre2_match_context_create(NULL);
	if (c->md == NULL || c->mctx == NULL)
		fatalx("pcre2: out of memory");
	pcre2_set_match_limit(c->mctx, rs->match_limit);
	pcre2_set_depth_limit(c->mctx, rs->depth_limit);
	c->jit = pcre2_jit_stack_create(32 * 1024, RULES_JIT_STACK, NULL);
	if (c->jit != NULL)
		pcre2_jit_stack_assign(c->mctx, NULL, c->jit);
	c->seen = xcalloc(rs->nlits / 8 + 1, 1);
	c->scanned = xcalloc(rs->nscanners + 1, 1);
	c->nomatch = xcalloc(rs->nregexes / 8 + 1, 1);
	buf_init(&c->text);
	buf_init(&c->fmt);
	return (c);
}

static void
ctx_vars_clear(struct rules_ctx *c)
{
	size_t	i;

	if (!c->captured)
		return;
	c->captured = 0;
	for (i = 0; i < c->nvars; i++) {
		free(c->vars[i].name);
		free(c->vars[i].value);
	}
	free(c->vars);
	c->vars = NULL;
	c->nvars = 0;
	for (i = 0; i < nitems(c->num); i++) {
		free(c->num[i]);
		c->num[i] = NULL;
	}
}

void
rules_ctx_free(struct rules_ctx *c)
{
	if (c == NULL)
		return;
	ctx_vars_clear(c);
	pcre2_match_data_free(c->md);
	pcre2_match_context_free(c->mctx);
	pcre2_jit_stack_free(c->jit);
	free(c->seen);
	free(c->scanned);
	free(c->nomatch);
	buf_free(&c->text);
	buf_free(&c->fmt);
	free(c);
}

/* ---- the values a condition looks at ---- */

static const struct msg_addrs *
field_addrs(const struct message *m, enum rules_what w, size_t part)
{
	switch (w) {
	case RW_FROM:
		return (part == 0 ? &m->from : NULL);
	case RW_TO:
		return (part == 0 ? &m->to : NULL);
	case RW_CC:
		return (part == 0 ? &m->cc : NULL);
	case RW_RECIPIENT:
		return (part == 0 ? &m->to : part == 1 ? &m->cc : NULL);
	case RW_REPLY_TO:
		return (part == 0 ? &m->reply_to : NULL);
	default:
		return (NULL);
	}
}

/*
 * The i-th value of a field, or NULL past the last. Addresses read as
 * "Name <addr>" (or just addr); *addrp is then the bare address. The
 * result lives until the next call.
 */
static const char *
field_value(struct rules_ctx *c, enum rules_what w, const char *header,
    size_t i, const char **addrp)
{
	const struct message	*m = c->msg;
	const struct msg_addrs	*as;
	const struct msg_addr	*a;
	size_t			 part, k;

	*addrp = NULL;
	switch (w) {
	case RW_SUBJECT:
		return (i == 0 ? m->subject : NULL);
	case RW_BODY:
		return (i == 0 ? m->text : NULL);
	case RW_LANGUAGE:
		return (i == 0 && c->facts != NULL ? c->facts->language : NULL);
	case RW_HEADER:
		for (k = 0; k < m->nheaders; k++) {
			if (strcasecmp(m->headers[k].name, header) == 0 &&
			    i-- == 0)
				return (m->headers[k].value);
		}
		return (NULL);
	case RW_ATTACHMENT:
		for (k = 0; k < m->nattachments; k++) {
			if (m->attachments[k].filename != NULL && i-- == 0)
				return (m->attachments[k].filename);
		}
		return (NULL);
	case RW_ATTACHMENT_TYPE:
		return (i < m->nattachments ? m->attachments[i].type : NULL);
	default:
		break;
	}
	for (part = 0; (as = field_addrs(m, w, part)) != NULL; part++) {
		if (i >= as->n) {
			i -= as->n;
			continue;
		}
		a = &as->v[i];
		*addrp = a->addr;
		if (a->name == NULL || *a->name == '\0')
			return (a->addr);
		buf_reset(&c->fmt);
		buf_addf(&c->fmt, "%s <%s>", a->name, a->addr);
		return (buf_cstr(&c->fmt));
	}
	return (NULL);
}

/* Run a scanner over its field once per message. */
static void
scan_field(struct rules_ctx *c, int sc)
{
	const struct rules_scanner	*s = &c->rs->scanners[sc];
	const char			*v, *addr;
	size_t				 i;

	if (c->scanned[sc])
		return;
	c->scanned[sc] = 1;
	if (s->what == RW_BODY) {
		/* The body alone, without a copy. */
		rules_ac_scan(s->ac, c->msg->text, c->msg->textlen, c->seen);
		return;
	}
	buf_reset(&c->text);
	for (i = 0; (v = field_value(c, s->what, s->header, i, &addr)) !=
	    NULL; i++) {
		buf_adds(&c->text, v);
		buf_addc(&c->text, '\n');
	}
	if (c->text.len > 0)
		rules_ac_scan(s->ac, c->text.data, c->text.len, c->seen);
}

/* Could the regex match at all? */
static int
prefilter_pass(struct rules_ctx *c, const struct rules_regex *re)
{
	size_t	i;

	if (re->nlits == 0 || c->rs->prefilter_off)
		return (1);
	scan_field(c, re->scanner);
	for (i = 0; i < re->nlits; i++) {
		if (c->seen[re->lits[i] / 8] & (1 << (re->lits[i] % 8)))
			return (1);
	}
	return (0);
}

/* ---- captures ---- */

static char *
ovec_dup(const char *subject, PCRE2_SIZE *ov, uint32_t n)
{
	if (ov[2 * n] == PCRE2_UNSET)
		return (xstrdup(""));
	return (xstrndup(subject + ov[2 * n], ov[2 * n + 1] - ov[2 * n]));
}

static void
var_set(struct rules_ctx *c, const char *name, char *value)
{
	size_t	i;

	for (i = 0; i < c->nvars; i++) {
		if (strcmp(c->vars[i].name, name) == 0) {
			free(c->vars[i].value);
			c->vars[i].value = value;
			return;
		}
	}
	c->vars = xreallocarray(c->vars, c->nvars + 1, sizeof *c->vars);
	c->vars[c->nvars].name = xstrdup(name);
	c->vars[c->nvars++].value = value;
}

static void
captures_take(struct rules_ctx *c, const struct rules_regex *re,
    const char *subject)
{
	PCRE2_SIZE	*ov = pcre2_get_ovector_pointer(c->md);
	PCRE2_SPTR	 table;
	uint32_t	 count, size, i, n;

	c->captured = 1;
	for (i = 1; i < nitems(c->num); i++) {
		free(c->num[i]);
		c->num[i] = i <= re->ncaptures ? ovec_dup(subject, ov, i) :
		    NULL;
	}
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMECOUNT, &count);
	if (count == 0)
		return;
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMEENTRYSIZE, &size);
	pcre2_pattern_info(re->code, PCRE2_INFO_NAMETABLE, &table);
	for (i = 0; i < count; i++) {
		n = (uint32_t)table[i * size] << 8 | table[i * size + 1];
		/* Duplicate names: the set one wins. */
		if (ov[2 * n] == PCRE2_UNSET)
			continue;
		var_set(c, (const char *)table + i * size + 2,
		    ovec_dup(subject, ov, n));
	}
}

static const char *
var_get(const struct rules_ctx *c, const char *name, size_t len)
{
	size_t	i;

	if (len == 1 && isdigit((unsigned char)*name))
		return (c->num[*name - '0']);
	for (i = 0; i < c->nvars; i++) {
		if (strlen(c->vars[i].name) == len &&
		    strncmp(c->vars[i].name, name, len) == 0)
			return (c->vars[i].value);
	}
	return (NULL);
}

/*
 * A value with its $captures put in; allocated. NULL when it names a
 * capture that is empty or did not take part in the match: "order-$order"
 * makes no tag "order-" for a message without an order number.
 */
static char *
expand(const struct rules_ctx *c, const char *s)
{
	struct buf	 b;
	const char	*v, *name;
	size_t		 n;

	if (strchr(s, '$') == NULL)
		return (xstrdup(s));
	buf_init(&b);
	while (*s != '\0') {
		if (*s == '\\' && s[1] == '$') {
			buf_addc(&b, '$');
			s += 2;
			continue;
		}
		if (*s != '$') {
			buf_addc(&b, *s++);
			continue;
		}
		s++;
		if (*s == '$') {
			buf_addc(&b, *s++);
			continue;
		}
		if (*s == '{') {
			name = ++s;
			for (n = 0; s[n] != '}' && s[n] != '\0'; n++)
				;
			s += n + (s[n] == '}');
		} else {
			name = s;
			if (isdigit((unsigned char)*s))
				n = 1;
			else
				for (n = 0; isalnum((unsigned char)s[n]) ||
				    s[n] == '_'; n++)
					;
			s += n;
		}
		if ((v = var_get(c, name, n)) == NULL || *v == '\0') {
			buf_free(&b);
			return (NULL);
		}
		buf_adds(&b, v);
	}
	return (buf_steal(&b, NULL));
}

/* ---- conditions ---- */

static void
trace_test(struct rules_ctx *c, const struct rules_node *n, int result,
    int skipped, const char *subject, PCRE2_SIZE *ov)
{
	struct rules_trace_test	*t;
	size_t			 len;

	if (c->tr == NULL)
		return;
	c->tr->tests = xreallocarray(c->tr->tests, c->tr->ntests + 1,
	    sizeof *c->tr->tests);
	t = &c->tr->tests[c->tr->ntests++];
	memset(t, 0, sizeof *t);
	t->what = xstrdup(n->source);
	t->result = result;
	t->skipped = skipped;
	if (subject != NULL && ov != NULL) {
		len = utf8_cut(subject + ov[0], ov[1] - ov[0],
		    RULES_TRACE_MATCH);
		t->matched = xstrndup(subject + ov[0], len);
	}
}

/* Counted, and the rule named once per message for the caller's log. */
static void
limit_hit(struct rules_ctx *c, int rc)
{
	struct rules_verdict	*v = c->v;
	struct rules_limit	*l;
	PCRE2_UCHAR		 msg[128];

	v->limits++;
	if (c->limit_noted)
		return;
	c->limit_noted = 1;
	if (pcre2_get_error_message(rc, msg, sizeof msg) < 0)
		snprintf((char *)msg, sizeof msg, "error %d", rc);
	v->limited = xreallocarray(v->limited, v->nlimited + 1,
	    sizeof *v->limited);
	l = &v->limited[v->nlimited++];
	l->name = c->rule->name;
	l->file = c->rule->file;
	l->line = c->rule->line;
	l->error = xstrdup((const char *)msg);
}

/*
 * Does any value of the field match the regex? A match is traced here,
 * while the matched value is still at hand.
 */
static int
test_regex(struct rules_ctx *c, const struct rules_node *n, int *skipped)
{
	const struct rules_regex	*re = n->re;
	const char			*v, *addr;
	size_t				 i;
	int				 rc;

	if (!prefilter_pass(c, re)) {
		*skipped = 1;
		return (0);
	}
	/* Another condition had the same regex on the same field. */
	if (c->nomatch[re->index / 8] & (1 << (re->index % 8)))
		return (0);
	for (i = 0; (v = field_value(c, n->what, n->header, i, &addr)) !=
	    NULL; i++) {
		rc = pcre2_match(re->code, (PCRE2_SPTR)v, strlen(v), 0, 0,
		    c->md, c->mctx);
		if (rc >= 0) {
			captures_take(c, re, v);
			trace_test(c, n, n->op == RO_MATCH, 0, v,
			    pcre2_get_ovector_pointer(c->md));
			return (1);
		}
		if (rc != PCRE2_ERROR_NOMATCH)
			limit_hit(c, rc);
	}
	c->nomatch[re->index / 8] |= 1 << (re->index % 8);
	return (0);
}

static int
test_equal(struct rules_ctx *c, const struct rules_node *n)
{
	const char	*v, *addr;
	size_t		 i;

	for (i = 0; (v = field_value(c, n->what, n->header, i, &addr)) !=
	    NULL; i++) {
		if (strcasecmp(addr != NULL ? addr : v, n->value) == 0)
			return (1);
	}
	return (0);
}

static int
compare(int64_t a, enum rules_op op, int64_t b)
{
	switch (op) {
	case RO_EQ:
		return (a == b);
	case RO_NE:
		return (a != b);
	case RO_LT:
		return (a < b);
	case RO_LE:
		return (a <= b);
	case RO_GT:
		return (a > b);
	case RO_GE:
		return (a >= b);
	default:
		return (0);
	}
}

static int
test_fact(const struct rules_ctx *c, const struct rules_node *n)
{
	const struct rules_facts	*f = c->facts;

	if (n->what == RW_ALL)
		return (1);
	if (f == NULL)
		return (0);
	switch (n->what) {
	case RW_CUSTOMER_NEW:
		return (f->customer_tickets == 0);
	case RW_CUSTOMER_RETURNING:
		return (f->customer_tickets > 0);
	case RW_TICKET_NEW:
		return (f->new_ticket);
	case RW_TICKET_EXISTING:
		return (!f->new_ticket);
	case RW_TICKETS:
		return (compare(f->customer_tickets, n->op, n->number));
	default:
		return (0);
	}
}

static int
test_eval(struct rules_ctx *c, const struct rules_node *n)
{
	const char	*addr;
	int		 r, skipped = 0;

	switch (n->op) {
	case RO_MATCH:
	case RO_NOMATCH:
		r = test_regex(c, n, &skipped);
		if (r)
			return (n->op == RO_MATCH);	/* traced */
		r = n->op == RO_NOMATCH;
		break;
	case RO_EQ:
	case RO_NE:
		if (n->what == RW_TICKETS)
			r = test_fact(c, n);
		else
			r = test_equal(c, n) == (n->op == RO_EQ);
		break;
	case RO_EXISTS:
		r = field_value(c, n->what, n->header, 0, &addr) != NULL;
		break;
	default:
		r = test_fact(c, n);
		break;
	}
	trace_test(c, n, r, skipped, NULL, NULL);
	return (r);
}

static int
node_eval(struct rules_ctx *c, const struct rules_node *n)
{
	switch (n->type) {
	case RN_AND:
		return (node_eval(c, n->a) && node_eval(c, n->b));
	case RN_OR:
		return (node_eval(c, n->a) || node_eval(c, n->b));
	case RN_NOT:
		return (!node_eval(c, n->a));
	case RN_TEST:
		break;
	}
	return (test_eval(c, n));
}

/* ---- actions ---- */

/*
 * What an action did, for the trace: its source when it has no values,
 * else the keyword and each value as put in (n of them were looked at).
 */
static void
trace_action(struct rules_ctx *c, const struct rules_action *a,
    char **vals, size_t n)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	if (a->nargs == 0)
		buf_adds(&b, a->source);
	else
		buf_add(&b, a->source, strcspn(a->source, " \t"));
	for (i = 0; i < n; i++) {
		if (vals[i] != NULL)
			buf_addf(&b, " %s", vals[i]);
		else
			buf_addf(&b, " (%s: empty)", a->args[i]);
	}
	c->tr->actions = xreallocarray(c->tr->actions, c->tr->nactions + 1,
	    sizeof *c->tr->actions);
	c->tr->actions[c->tr->nactions++] = buf_steal(&b, NULL);
}

/*
 * Do one action: its values with the captures put in, then its row of
 * the action table. An empty capture leaves its value out; in an action
 * of several fixed values ("set NAME VALUE") it leaves the action out.
 */
static void
action_do(struct rules_ctx *c, const struct rules_action *a)
{
	const struct rules_action_def	*d = &rules_action_defs[a->act];
	char				*small[4], **vals = small;
	size_t				 i, n;

	if (a->nargs > nitems(small))
		vals = xreallocarray(NULL, a->nargs, sizeof *vals);
	for (i = 0; i < a->nargs; i++)
		vals[i] = NULL;
	for (n = 0; n < a->nargs; n++) {
		if ((vals[n] = expand(c, a->args[n])) == NULL && d->nargs > 1) {
			n++;
			break;
		}
	}
	if (c->tr != NULL)
		trace_action(c, a, vals, n);
	d->apply(c->v, a, vals);
	for (i = 0; i < a->nargs; i++)
		free(vals[i]);
	if (vals != small)
		free(vals);
}

/* ---- evaluation ---- */

void
rules_eval(struct rules_ctx *c, const struct message *msg,
    const struct rules_facts *facts, struct rules_verdict *v,
    struct rules_trace *trace)
{
	const struct rules	*rs = c->rs;
	const struct rules_rule	*r;
	size_t			 i, j;
	int			 fired;

	memset(v, 0, sizeof *v);
	if (trace != NULL)
		memset(trace, 0, sizeof *trace);
	c->msg = msg;
	c->facts = facts;
	c->v = v;
	memset(c->seen, 0, rs->nlits / 8 + 1);
	memset(c->scanned, 0, rs->nscanners + 1);
	memset(c->nomatch, 0, rs->nregexes / 8 + 1);
	for (i = 0; i < rs->nrules && !v->stopped; i++) {
		r = &rs->rules[i];
		/* A trace shows every rule, so only an untraced run skips. */
		if (r->gate != NULL && trace == NULL &&
		    !prefilter_pass(c, r->gate))
			continue;
		c->rule = r;
		c->limit_noted = 0;
		c->tr = NULL;
		if (trace != NULL) {
			trace->rules = xreallocarray(trace->rules,
			    trace->nrules + 1, sizeof *trace->rules);
			c->tr = &trace->rules[trace->nrules++];
			memset(c->tr, 0, sizeof *c->tr);
			c->tr->name = r->name;
			c->tr->file = r->file;
			c->tr->line = r->line;
		}
		ctx_vars_clear(c);
		fired = r->cond == NULL || node_eval(c, r->cond);
		if (!fired)
			continue;
		if (c->tr != NULL)
			c->tr->fired = 1;
		v->fired = xreallocarray(v->fired, v->nfired + 1,
		    sizeof *v->fired);
		v->fired[v->nfired].name = r->name;
		v->fired[v->nfired].file = r->file;
		v->fired[v->nfired++].line = r->line;
		for (j = 0; j < r->nactions; j++)
			action_do(c, &r->actions[j]);
	}
	ctx_vars_clear(c);
	c->msg = NULL;
	c->facts = NULL;
	c->v = NULL;
	c->tr = NULL;
}

void
rules_trace_free(struct rules_trace *t)
{
	size_t	i, j;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrules; i++) {
		for (j = 0; j < t->rules[i].ntests; j++) {
			free(t->rules[i].tests[j].what);
			free(t->rules[i].tests[j].matched);
		}
		free(t->rules[i].tests);
		xfreev(t->rules[i].actions, t->rules[i].nactions);
	}
	free(t->rules);
	memset(t, 0, sizeof *t);
}
