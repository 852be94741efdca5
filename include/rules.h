/*
 * helpq - rules.h: the rule language. Rule files are compiled once into a
 * rule set (PCRE2, JIT); each incoming message is evaluated against it and
 * yields a verdict: tags, queue, priority, response time, ack choice, ...
 * Evaluation is pure: no I/O; the caller supplies what the store knows.
 */
#ifndef HELPQ_RULES_H
#define HELPQ_RULES_H

#include "compat.h"

#include <time.h>

struct message;
struct rules;
struct rules_ctx;

/* Ticket priorities a rule can set; 0 means "not set by any rule". */
enum rules_priority {
	RULES_PRIO_UNSET = 0,
	RULES_PRIO_LOW,
	RULES_PRIO_NORMAL,
	RULES_PRIO_HIGH,
	RULES_PRIO_URGENT
};

/* What the store knows about the message, for the fact conditions. */
struct rules_facts {
	int		 new_ticket;	/* the message opens a ticket */
	int64_t		 customer_tickets; /* the sender's earlier tickets */
	const char	*language;	/* "de", "el", ...; NULL if unknown */
};

/* A rule that fired; strings belong to the rule set. */
struct rules_fired {
	const char	*name;
	const char	*file;
	unsigned	 line;
};

/*
 * A rule in which a regular expression gave up (a match or depth limit):
 * name and file belong to the rule set, error (PCRE2's words) to the
 * verdict.
 */
struct rules_limit {
	const char	*name;
	const char	*file;
	unsigned	 line;
	char		*error;
};

/* One "set NAME VALUE": a ticket field. */
struct rules_field {
	char	*name;
	char	*value;
};

/*
 * The outcome of evaluating a message. Everything is owned by the verdict
 * and freed by rules_verdict_clear. Lists keep the order of the actions;
 * tags are lower case and unique within tags_add (an untag after a tag
 * removes it there and records it in tags_remove).
 */
struct rules_verdict {
	char			**tags_add;
	size_t			  ntags_add;
	char			**tags_remove;
	size_t			  ntags_remove;
	char			 *queue;		/* NULL = not set */
	char			 *assignee;		/* NULL = not set */
	enum rules_priority	  priority;
	time_t			  response_time;	/* 0 = not set */
	int			  response_business;	/* business hours */
	char			 *ack_template;		/* NULL = default */
	int			  noack;
	int			  automated;
	int			  ignore;		/* stored, no ticket */
	int			  close;
	char			**escalate;	/* addresses; "managers" */
	size_t			  nescalate;
	char			**notes;
	size_t			  nnotes;
	struct rules_field	 *fields;
	size_t			  nfields;
	struct rules_fired	 *fired;	/* in order */
	size_t			  nfired;
	int			  stopped;	/* a stop ended evaluation */
	int			  limits;	/* regexes that hit a limit */
	struct rules_limit	 *limited;	/* their rules, once each */
	size_t			  nlimited;
};

/*
 * Load rule files. Each path is a file, or a directory whose *.rules
 * files are read in name order. Either every file loads or nothing does:
 * returns 0 and *rp (free with rules_free), or -1 with *errors set to
 * every error found, one "file:line:column: message" per error followed
 * by the source line and a caret under the spot (allocated; the caller
 * frees it).
 */
int	 rules_load(const char *const *paths, size_t npaths,
	    struct rules **rp, char **errors);
/* The same for rule text in memory; name is used in messages. */
int	 rules_load_string(const char *name, const char *text,
	    struct rules **rp, char **errors);
void	 rules_free(struct rules *);

/*
 * Compile regexes to machine code (PCRE2 JIT) in later loads: on by
 * default. Off for systems that forbid writable executable memory (and
 * under valgrind, which cannot follow JIT code's aligned reads).
 */
void	 rules_use_jit(int on);

/* Rules and files in a set. */
size_t	 rules_count(const struct rules *);
size_t	 rules_files(const struct rules *);

/*
 * PCRE2 limits for every match: match_limit bounds backtracking steps,
 * depth bounds nesting (heap). A regex that hits one counts as no match
 * and is noted in the verdict (limits, limited) for the caller to log.
 * rules_load uses RULES_MATCH_LIMIT and RULES_DEPTH_LIMIT;
 * rules_set_limits keeps a limit that it is given as 0.
 */
#define RULES_MATCH_LIMIT	1000000
#define RULES_DEPTH_LIMIT	10000
void	 rules_set_limits(struct rules *, uint32_t match, uint32_t depth);

/*
 * An evaluation context: the per-thread state (PCRE2 match data, JIT
 * stack, scratch). A thread evaluates with its own context; a rule set
 * may be shared by threads. Free with rules_ctx_free before the rules.
 */
struct rules_ctx *rules_ctx_new(const struct rules *);
void	 rules_ctx_free(struct rules_ctx *);

/*
 * An explanation of one evaluation, for "helpq rules test --explain": for
 * each rule, whether it fired and each condition tested, in order. Owned
 * by the caller; free with rules_trace_free.
 */
struct rules_trace_test {
	char		*what;		/* the condition, as written */
	int		 result;	/* it held */
	int		 skipped;	/* a required literal was absent */
	char		*matched;	/* the text matched, or NULL */
};

struct rules_trace_rule {
	const char		*name;
	const char		*file;
	unsigned		 line;
	int			 fired;
	struct rules_trace_test	*tests;
	size_t			 ntests;
	char			**actions;	/* done, captures expanded */
	size_t			 nactions;
};

struct rules_trace {
	struct rules_trace_rule	*rules;
	size_t			 nrules;
};

/*
 * Evaluate msg against the rule set, top to bottom, until a stop. facts may
 * be NULL (fact conditions are then false). trace may be NULL. Fills v
 * (cleared first). Never fails: a regex error or limit is counted in
 * v->limits and its rule named once in v->limited; rules_eval does not
 * log it, the caller does.
 */
void	 rules_eval(struct rules_ctx *, const struct message *msg,
	    const struct rules_facts *facts, struct rules_verdict *v,
	    struct rules_trace *trace);

void	 rules_verdict_clear(struct rules_verdict *);

/*
 * A verdict item by item: everything a verdict can say, each in one
 * item, so the ways of showing it (rules_verdict_text, _json) cannot
 * leave one out. Pointers are into the verdict; kind says which hold.
 */
enum rules_item_kind {
	RULES_ITEM_RULES,	/* rules, n: the rules that fired */
	RULES_ITEM_WORDS,	/* strv, n: shown on one line */
	RULES_ITEM_LINES,	/* strv, n: one line each */
	RULES_ITEM_STRING,	/* s; NULL: not set */
	RULES_ITEM_FLAG,	/* flag */
	RULES_ITEM_DURATION,	/* number: seconds; flag: business hours */
	RULES_ITEM_FIELDS,	/* fields, n */
	RULES_ITEM_LIMITS	/* number: regexes that gave up; limited, n */
};

struct rules_item {
	const char		 *key;		/* its JSON name: "tags" */
	const char		 *key2;		/* a second JSON name, or NULL */
	const char		 *label;	/* its words in text: "tags" */
	enum rules_item_kind	  kind;
	int			  set;		/* the verdict says something */
	const char		 *s;
	char *const		 *strv;
	const struct rules_fired *rules;
	const struct rules_field *fields;
	const struct rules_limit *limited;
	size_t			  n;
	int64_t			  number;
	int			  flag;
};

typedef void	 rules_item_fn(const struct rules_item *, void *arg);

/* Call fn for every item of v, set or not, always in the same order. */
void	 rules_verdict_each(const struct rules_verdict *v, rules_item_fn *fn,
	    void *arg);

/*
 * The verdict in words: each item that is set, by its label, durations
 * as the rule language writes them ("1d4h"), every string made safe for
 * a terminal (safe.h). With RULES_TEXT_LINES one item a line, indented,
 * for "helpq rules test" ("rules fired: none" when no rule fired); else
 * one line, items separated by "; ", for the audit event ("" when no
 * rule fired). Allocated; the caller frees it.
 */
#define RULES_TEXT_LINES	0x1
char	*rules_verdict_text(const struct rules_verdict *v, int flags);

/*
 * The verdict as a JSON object with every item (null, false, 0, [] or {}
 * when not set), durations in seconds, strings as they are: a new
 * reference, the caller json_decref's it.
 */
struct json_t;
struct json_t *rules_verdict_json(const struct rules_verdict *v);

/* Nonzero if a rule of rs (may be NULL) tests the language: identifying
 * it costs more than most rules, so it is done only when needed. */
int	 rules_uses_language(const struct rules *rs);
void	 rules_trace_free(struct rules_trace *);

/* "low", "normal", "high", "urgent", or NULL for RULES_PRIO_UNSET. */
const char *rules_priority_name(enum rules_priority);

/* Nonzero if the keyword table is sorted (for the unit test). */
int	 rules_keywords_sorted(void);
/* The n-th keyword of the language, NULL past the end (for the man page
 * test). */
const char *rules_keyword(size_t n);

#endif
