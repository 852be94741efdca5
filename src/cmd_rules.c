/*
 * helpq - cmd_rules.c: "helpq rules check" and "helpq rules test": rule
 * files validated with every error shown, and messages run through the
 * rules without storing anything, explained rule by rule.
 */
#include "compat.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#ifdef HAVE_VALGRIND_VALGRIND_H
#endif

#include "cmd.h"
#include "ingest.h"
#include "log.h"
#include "message.h"
#include "rules.h"
#include "safe.h"
#include "source.h"
#include "store.h"
#include "xmalloc.h"

static const struct args_opt check_opts[] = {
	{ NULL, 0, NULL, 0, NULL }
};

static int
check_main(struct globals *g, struct args *a)
{
	struct rules	*rs;
	const char	**paths;
	size_t		  n;
	int		  rc;

	if (a->argc > 0) {
		paths = (const char **)a->argv;
		n = (size_t)a->argc;
	} else if ((n = cmd_rule_paths(g, &paths)) == 0) {
		printf("no rule files configured (see [rules] path in "
		    "helpq.conf(5))\n");
		return (0);
	}
	if ((rc = cmd_load_rule_paths(g, paths, n, &rs)) != 0)
		return (rc);
	if (!g->quiet)
		printf("%zu rules in %zu files: OK\n", rules_count(rs),
		    rules_files(rs));
	rules_free(rs);
	return (0);
}

const struct command cmd_rules_check_command = {
	"rules", "check", check_main, check_opts, "[PATH ...]", 0, -1,
	CMD_OPERAND_FILE, 0,
	"Check rule files and report every error"
};

/* ---- rules test ---- */

struct test_opts {
	const char	**rules;	/* --rules, else the configured ones */
	size_t		  nrules;
	int		 explain;
	int		 json;
	int		 time;
	int		 new_ticket;	/* -1: as threading says */
	int64_t		 customer_tickets; /* -1: as the store says */
	const char	*language;
};

struct test_run {
	struct globals		*g;
	struct test_opts	*o;
	struct rules		*rs;
	struct rules_ctx	*ctx;
	struct ingest		*in;
	json_t			*out;		/* --json: the array */
	double			*times;		/* --time: microseconds */
	size_t			 ntimes;
	size_t			 ctimes;
	size_t			 fired;		/* messages a rule fired on */
	int			 first;
};

static json_t *
json_strv(char **v, size_t n)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return (a);
}

static json_t *
trace_json(const struct rules_trace *t)
{
	const struct rules_trace_rule	*r;
	const struct rules_trace_test	*c;
	json_t				*a = json_array(), *o, *tests, *x;
	size_t				 i, j;

	for (i = 0; i < t->nrules; i++) {
		r = &t->rules[i];
		o = json_object();
		json_object_set_new(o, "rule", json_string(r->name));
		json_object_set_new(o, "file", json_string(r->file));
		json_object_set_new(o, "line", json_integer(r->line));
		json_object_set_new(o, "fired", json_boolean(r->fired));
		tests = json_array();
		for (j = 0; j < r->ntests; j++) {
			c = &r->tests[j];
			x = json_object();
			json_object_set_new(x, "condition",
			    json_string(c->what));
			json_object_set_new(x, "result",
			    json_boolean(c->result));
			json_object_set_new(x, "skipped",
			    json_boolean(c->skipped));
			json_object_set_new(x, "matched", c->matched != NULL ?
			    json_string(c->matched) : json_null());
			json_array_append_new(tests, x);
		}
		json_object_set_new(o, "conditions", tests);
		json_object_set_new(o, "actions", json_strv(r->actions,
		    r->nactions));
		json_array_append_new(a, o);
	}
	return (a);
}

/* A value for the terminal: control characters shown as '?'. */
static void
put_clean(FILE *f, const char *s)
{
	char	*c = safe_dup(s, 0);

	fputs(c, f);
	free(c);
}

static void
trace_print(const struct rules_trace *t)
{
	const struct rules_trace_rule	*r;
	const struct rules_trace_test	*c;
	size_t				 i, j;

	for (i = 0; i < t->nrules; i++) {
		r = &t->rules[i];
		printf("  rule \"%s\" (%s:%u): %s\n", r->name, r->file,
		    r->line, r->fired ? "FIRED" : "no");
		for (j = 0; j < r->ntests; j++) {
			c = &t->rules[i].tests[j];
			printf("      %-5s ", c->skipped ? "skip" :
			    c->result ? "yes" : "no");
			put_clean(stdout, c->what);
			if (c->matched != NULL) {
				printf("  matched \"");
				put_clean(stdout, c->matched);
				printf("\"");
			} else if (c->skipped)
				printf("  (a word it needs is absent)");
			printf("\n");
		}
		for (j = 0; j < r->nactions; j++) {
			printf("      -> ");
			put_clean(stdout, r->actions[j]);
			printf("\n");
		}
	}
}

/* The verdict, one item a line, under the message and its facts. */
static void
verdict_print(const struct rules_verdict *v)
{
	char	*text = rules_verdict_text(v, RULES_TEXT_LINES);

	fputs(text, stdout);
	free(text);
}

static double
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3);
}

/* The rules where a regular expression gave up, for stderr. */
static void
limits_log(const char *where, const struct rules_verdict *v)
{
	size_t	i;

	for (i = 0; i < v->nlimited; i++)
		log_warnx("%s: rule \"%s\" (%s:%u): a regular expression "
		    "gave up (%s); it counts as no match", where,
		    v->limited[i].name, v->limited[i].file, v->limited[i].line,
		    v->limited[i].error);
}

/*
 * One message through the rules, as import would plan it; 0, or an exit
 * status. --time measures the rules alone, over the plan's facts.
 */
static int
test_one(struct test_run *t, const char *where, const char *raw, size_t len)
{
	struct test_opts	*o = t->o;
	struct message		*msg;
	struct ingest_plan	 p;
	struct ingest_what_if	 w;
	struct rules_verdict	 v;
	struct rules_trace	 tr;
	const struct rules_facts *f = &p.facts;
	char			*cause = NULL;
	double			 start;
	json_t			*j, *facts;

	if (message_parse(raw, len, &msg, &cause) != 0) {
		log_warnx("%s: %s", where, cause);
		free(cause);
		return (EX_DATAERR);
	}
	memset(&w, 0, sizeof w);
	w.new_ticket = o->new_ticket;
	w.customer_tickets = o->customer_tickets;
	w.language = o->language;
	w.trace = o->explain && !o->time ? &tr : NULL;
	if (ingest_preview(t->in, msg, &w, &p, &cause) != 0) {
		log_error("%s: %s", where, cause);
		free(cause);
		ingest_plan_clear(&p);
		message_free(msg);
		return (EX_SOFTWARE);
	}
	if (o->time) {
		start = now_us();
		rules_eval(t->ctx, msg, f, &v, NULL);
		t->times[t->ntimes++] = now_us() - start;
		limits_log(where, &v);
		t->fired += v.nfired > 0;
		rules_verdict_clear(&v);
		ingest_plan_clear(&p);
		message_free(msg);
		return (0);
	}
	limits_log(where, &p.v);
	if (o->json) {
		j = json_object();
		json_object_set_new(j, "message", json_string(where));
		json_object_set_new(j, "subject", json_string(msg->subject));
		facts = json_object();
		json_object_set_new(facts, "new_ticket",
		    json_boolean(f->new_ticket));
		json_object_set_new(facts, "customer_tickets",
		    json_integer((json_int_t)f->customer_tickets));
		json_object_set_new(facts, "language", f->language != NULL ?
		    json_string(f->language) : json_null());
		json_object_set_new(facts, "from_agent",
		    json_boolean(p.outgoing));
		json_object_set_new(j, "facts", facts);
		if (o->explain)
			json_object_set_new(j, "rules", trace_json(&tr));
		json_object_set_new(j, "verdict", rules_verdict_json(&p.v));
		json_array_append_new(t->out, j);
	} else {
		printf("%s%s: ", t->first ? "" : "\n", where);
		put_clean(stdout, msg->subject);
		printf("\n  facts: %s ticket, customer with %lld earlier "
		    "tickets, language %s%s\n", f->new_ticket ? "new" :
		    "existing", (long long)f->customer_tickets,
		    f->language != NULL ? f->language : "unknown",
		    p.outgoing ? "; from an agent (import applies no rules)" :
		    "");
		if (o->explain)
			trace_print(&tr);
		verdict_print(&p.v);
	}
	t->first = 0;
	if (o->explain)
		rules_trace_free(&tr);
	ingest_plan_clear(&p);
	message_free(msg);
	return (0);
}

static int
dbl_cmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

static void
time_report(struct test_run *t)
{
	double	sum = 0, *v = t->times;
	size_t	n = t->ntimes, i;
	json_t	*o;

	if (n == 0) {
		printf("no messages\n");
		return;
	}
	qsort(v, n, sizeof *v, dbl_cmp);
	for (i = 0; i < n; i++)
		sum += v[i];
	if (t->o->json) {
		o = json_object();
		json_object_set_new(o, "messages", json_integer((json_int_t)n));
		json_object_set_new(o, "rules",
		    json_integer((json_int_t)rules_count(t->rs)));
		json_object_set_new(o, "fired", json_integer((json_int_t)
		    t->fired));
		json_object_set_new(o, "median_us", json_real(v[n / 2]));
		json_object_set_new(o, "p90_us", json_real(v[n * 9 / 10]));
		json_object_set_new(o, "p99_us", json_real(v[n * 99 / 100]));
		json_object_set_new(o, "max_us", json_real(v[n - 1]));
		json_object_set_new(o, "mean_us", json_real(sum / (double)n));
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
		return;
	}
	printf("%zu messages, %zu rules (rules fired on %zu): evaluation "
	    "median %.1f us, p90 %.1f us, p99 %.1f us, max %.1f us, mean "
	    "%.1f us\n", n, rules_count(t->rs), t->fired, v[n / 2],
	    v[n * 9 / 10], v[n * 99 / 100], v[n - 1], sum / (double)n);
}

static int
test_source(struct test_run *t, const char *path)
{
	struct source		*src;
	struct source_item	 it;
	char			*cause = NULL;
	int			 r, rc = 0;

	if (source_local_open(path, &src, &cause) != 0) {
		log_error("%s", cause);
		free(cause);
		return (strcmp(path, "-") != 0 && access(path, F_OK) != 0 ?
		    EX_NOINPUT : EX_DATAERR);
	}
	while ((r = source_next(src, &it, &cause)) == 0) {
		if (t->o->time && t->ntimes == t->ctimes) {
			t->ctimes = t->ctimes == 0 ? 1024 : t->ctimes * 2;
			t->times = xreallocarray(t->times, t->ctimes,
			    sizeof *t->times);
		}
		if ((r = test_one(t, it.where, it.data, it.len)) != 0)
			rc = r;
	}
	if (r == -1) {
		log_error("%s: %s", path, cause);
		free(cause);
		rc = EX_IOERR;
	}
	source_close(src);
	return (rc);
}

static const struct args_opt test_options[] = {
	{ "explain", 0, NULL, 'e', "list every rule with each condition it "
	    "tested" },
	{ "json", 0, NULL, 'j', "print JSON" },
	{ "time", 0, NULL, 't', "measure only the time the rules take" },
	{ "rules", 0, "PATH", 'R', "test these rule files (may be repeated)" },
	{ "new", 0, NULL, 'n', "as if the message opened a ticket" },
	{ "reply", 0, NULL, 'r', "as if it continued a ticket" },
	{ "customer-tickets", 0, "N", 'c', "as if the customer had N earlier "
	    "tickets" },
	{ "language", 0, "CODE", 'l', "as if the message were in this "
	    "language" },
	{ NULL, 0, NULL, 0, NULL }
};

static int
test_main(struct globals *g, struct args *a)
{
	struct test_opts	 o;
	struct test_run		 t;
	struct store		*st = NULL;
	const char		*val;
	char			*cause = NULL, *end;
	int			 ch, i, rc, r;

	memset(&o, 0, sizeof o);
	o.new_ticket = -1;
	o.customer_tickets = -1;
	while ((ch = args_next(a, 0, &val)) != -1) {
		switch (ch) {
		case 'c':
			o.customer_tickets = strtoll(val, &end, 10);
			if (*val == '\0' || *end != '\0' ||
			    o.customer_tickets < 0)
				cmd_usage_error("--customer-tickets %s: "
				    "expected a number", val);
			break;
		case 'e':
			o.explain = 1;
			break;
		case 'j':
			o.json = 1;
			break;
		case 'l':
			o.language = val;
			break;
		case 'n':
		case 'r':
			o.new_ticket = ch == 'n';
			break;
		case 'R':
			o.rules = xreallocarray(o.rules, o.nrules + 1,
			    sizeof *o.rules);
			o.rules[o.nrules++] = val;
			break;
		case 't':
			o.time = 1;
			break;
		}
	}
	memset(&t, 0, sizeof t);
	t.g = g;
	t.o = &o;
	t.first = 1;
	rc = o.nrules > 0 ? cmd_load_rule_paths(g, o.rules, o.nrules, &t.rs) :
	    cmd_load_rules(g, &t.rs);
	free(o.rules);
	if (rc != 0)
		return (rc);
	if (t.rs == NULL) {
		log_warnx("no rule files configured: nothing fires");
		if (rules_load_string("(none)", "", &t.rs, &cause) != 0)
			fatalx("an empty rule set: %s", cause);
	}
	/* Facts come from the database when there is one: never written. */
	if (access(cmd_db_path(g), F_OK) == 0 &&
	    (rc = cmd_open_store(g, 0, &st)) != 0) {
		rules_free(t.rs);
		return (rc);
	}
	t.in = ingest_new(st, &g->conf, 1);
	ingest_set_rules(t.in, t.rs);
	t.ctx = rules_ctx_new(t.rs);
	if (o.json && !o.time)
		t.out = json_array();
	for (i = 0; i < a->argc; i++) {
		if ((r = test_source(&t, a->argv[i])) != 0)
			rc = r;
	}
	if (o.time)
		time_report(&t);
	else if (o.json) {
		json_dumpf(t.out, stdout, JSON_INDENT(2) |
		    JSON_PRESERVE_ORDER);
		putchar('\n');
	}
	json_decref(t.out);
	free(t.times);
	rules_ctx_free(t.ctx);
	ingest_free(t.in, NULL);
	store_close(st);
	rules_free(t.rs);
	return (rc);
}

const struct command cmd_rules_test_command = {
	"rules", "test", test_main, test_options, "MESSAGE|MAILDIR|- ...", 1,
	-1, CMD_OPERAND_FILE, 0,
	"Run messages through the rules without storing anything"
};
