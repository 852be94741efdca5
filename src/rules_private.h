/* helpq - rules_private.h: what the rules_*.c files share. */
#ifndef HELPQ_RULES_PRIVATE_H
#define HELPQ_RULES_PRIVATE_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "buf.h"
#include "rules.h"

/* Regular expression flags, as the rule language writes them. */
#define RULES_RE_CASELESS	0x01	/* i */
#define RULES_RE_MULTILINE	0x02	/* m */
#define RULES_RE_DOTALL		0x04	/* s */
#define RULES_RE_EXTENDED	0x08	/* x */

/* ---- lexer: rules_lex.c ---- */

enum rules_tok_type {
	RT_EOF = 0,
	RT_NEWLINE,		/* also ';' */
	RT_WORD,		/* keyword, name, tag, address, duration */
	RT_STRING,		/* "..." (text holds it unescaped) */
	RT_NUMBER,
	RT_REGEX,		/* /.../flags (text: the pattern) */
	RT_LBRACE,
	RT_RBRACE,
	RT_LPAREN,
	RT_RPAREN,
	RT_MATCH,		/* ~ */
	RT_NOMATCH,		/* !~ */
	RT_EQ,			/* = or == */
	RT_NE,			/* != */
	RT_LT,
	RT_LE,
	RT_GT,
	RT_GE,
	RT_ERROR		/* already reported */
};

struct rules_tok {
	enum rules_tok_type	 type;
	const char		*start;		/* in the source */
	size_t			 len;
	unsigned		 line;
	unsigned		 col;		/* 1-based, in characters */
	char			*text;		/* string/regex/word, allocated */
	int			 flags;		/* regex flags: RULES_RE_* */
	const char		*flagpos;	/* where the flags start */
};

struct rules_lex {
	const char		*file;
	const char		*src;
	size_t			 len;
	size_t			 pos;
	unsigned		 line;
	size_t			 line_start;	/* offset of the line */
	struct buf		*errors;	/* reports, in order */
	unsigned		 nerrors;
};

void	 rules_lex_init(struct rules_lex *, const char *file,
	    const char *src, size_t len, struct buf *errors);
/* Lex the next token into t (t->text freed first). */
void	 rules_lex_next(struct rules_lex *, struct rules_tok *t);
/* Lex a /regex/flags at the current position (after an operator). */
void	 rules_lex_regex(struct rules_lex *, struct rules_tok *t);
void	 rules_tok_clear(struct rules_tok *);
/* Report an error at line:col of the source; col is 1-based. */
void	 rules_lex_error(struct rules_lex *, unsigned line, unsigned col,
	    const char *fmt, ...) __printflike(4, 5);
/* Report at a byte position of the source. */
void	 rules_lex_error_at(struct rules_lex *, const char *at,
	    const char *fmt, ...) __printflike(3, 4);

/* ---- the compiled rule set: rules_parse.c, rules_eval.c ---- */

/* What a condition tests. */
enum rules_what {
	RW_ALL = 0,
	RW_SUBJECT,
	RW_FROM,
	RW_TO,
	RW_CC,
	RW_RECIPIENT,		/* To and Cc */
	RW_REPLY_TO,
	RW_HEADER,
	RW_BODY,
	RW_ATTACHMENT,		/* file names */
	RW_ATTACHMENT_TYPE,
	RW_LANGUAGE,
	RW_CUSTOMER_NEW,
	RW_CUSTOMER_RETURNING,
	RW_TICKET_NEW,
	RW_TICKET_EXISTING,
	RW_TICKETS		/* number of earlier tickets */
};

enum rules_op {
	RO_NONE = 0,
	RO_MATCH,		/* ~ */
	RO_NOMATCH,		/* !~ */
	RO_EQ,			/* = */
	RO_NE,			/* != */
	RO_LT,
	RO_LE,
	RO_GT,
	RO_GE,
	RO_EXISTS
};

/*
 * A compiled regex on one field. Conditions that test the same field
 * with the same pattern and flags share one (rules->regexes owns them),
 * so a message is matched against it once.
 */
struct rules_regex {
	pcre2_code	*code;
	uint32_t	*lits;		/* prefilter literal ids */
	size_t		 nlits;		/* 0: always run the regex */
	int		 scanner;	/* which prefilter scans its text */
	uint32_t	 ncaptures;	/* numbered groups */
	uint32_t	 index;		/* in rules->regexes */
	enum rules_what	 what;		/* what it is matched against */
	char		*header;	/* RW_HEADER */
	char		*pattern;
	int		 flags;
};

enum rules_node_type {
	RN_TEST,
	RN_AND,
	RN_OR,
	RN_NOT
};

struct rules_node {
	enum rules_node_type	 type;
	struct rules_node	*a, *b;		/* operands; b NULL for not */

	enum rules_what		 what;
	enum rules_op		 op;
	char			*header;	/* RW_HEADER: the field name */
	struct rules_regex	*re;		/* ~ and !~; rules owns it */
	char			*value;		/* = and != */
	int64_t			 number;	/* tickets compared with */
	char			*source;	/* the test as written */
};

/* The actions, in the order the language's documentation lists them. */
enum rules_act {
	RA_TAG,
	RA_UNTAG,
	RA_QUEUE,
	RA_PRIORITY,
	RA_ASSIGN,
	RA_RESPOND,
	RA_ACK,
	RA_NOACK,
	RA_AUTOMATED,
	RA_SPAM,
	RA_IGNORE,
	RA_CLOSE,
	RA_ESCALATE,
	RA_NOTE,
	RA_SET,
	RA_STOP,
	RA_NACTIONS
};

struct rules_action {
	enum rules_act		 act;
	char			**args;		/* may hold $captures */
	size_t			 nargs;
	enum rules_priority	 priority;
	time_t			 duration;
	int			 business;
	char			*source;	/* as written, for traces */
};

/* ---- the actions as a table: rules_action.c ---- */

/* How an action's arguments are written. */
enum rules_arg {
	RULES_ARG_NONE,
	RULES_ARG_VALUE,	/* words or strings, $captures allowed */
	RULES_ARG_TAG,		/* values that read as tags */
	RULES_ARG_ADDRESS,	/* addresses or "managers" */
	RULES_ARG_PRIORITY,	/* low, normal, high, urgent */
	RULES_ARG_DURATION	/* 4h, 1d12h, ... then business|calendar */
};

/*
 * Carry out one action on the verdict. vals holds the action's values
 * with their captures put in, a->nargs of them, NULL where a capture was
 * empty; apply sets to NULL each one it keeps, the caller frees the rest.
 */
typedef void	 rules_apply_fn(struct rules_verdict *,
		    const struct rules_action *, char **vals);

struct rules_action_def {
	const char	*name;		/* the keyword */
	enum rules_arg	 arg;
	int		 nargs;		/* n, or -1: one or more, -2: any */
	const char	*what;		/* its values, for "expected ..." */
	const char	*item;		/* the verdict item it sets (key) */
	rules_apply_fn	*apply;
};

/* Indexed by enum rules_act; every row is filled (a test checks it). */
extern const struct rules_action_def rules_action_defs[RA_NACTIONS];

/* The action called name, or NULL. */
const struct rules_action_def *rules_action_find(const char *name,
	    enum rules_act *actp);

struct rules_rule {
	char			*name;
	const char		*file;		/* in rules->files */
	unsigned		 line;
	struct rules_node	*cond;		/* NULL: always */
	/*
	 * A regex the rule cannot fire without (one of an "and", never
	 * under "or" or "not"), so a rule whose literals are all absent
	 * is passed over without walking its conditions.
	 */
	const struct rules_regex *gate;		/* NULL: none; rules owns it */
	struct rules_action	*actions;
	size_t			 nactions;
};

struct rules_ac;

/* The text a prefilter scans: a field, or one header by name. */
struct rules_scanner {
	enum rules_what		 what;
	char			*header;	/* RW_HEADER */
	struct rules_ac		*ac;
};

struct rules {
	struct rules_rule	*rules;
	size_t			 nrules;
	char			**files;
	size_t			 nfiles;
	struct rules_scanner	*scanners;
	size_t			 nscanners;
	struct rules_regex	**regexes;	/* every distinct one */
	uint32_t		 nregexes;
	uint32_t		 nlits;		/* literal ids handed out */
	uint32_t		 max_captures;	/* over all regexes */
	uint32_t		 match_limit;
	uint32_t		 depth_limit;
	int			 prefilter_off;	/* tests compare with it off */
	int			 uses_language;	/* a rule tests it */
};

/* Sorted keyword table, shared by parser and man page test. */
extern const char *const rules_keywords[];
extern const size_t rules_nkeywords;

/* ---- prefilter: rules_literal.c, rules_ac.c ---- */

/*
 * A set of literals such that every match of the pattern contains at least
 * one of them, compared with ASCII letters folded to lower case (bytes >=
 * 0x80 compared exactly); flags are RULES_RE_*. Returns the number of
 * literals (each at least RULES_LITERAL_MIN bytes, at most
 * RULES_LITERALS_MAX of them) with *litsp set to an allocated array of
 * allocated, NUL-terminated, lower-cased strings, sorted, that the caller
 * frees with rules_literals_free; or 0 and *litsp NULL when there is no
 * useful set (the regex must then always run). Pure: no I/O, no logging.
 */
#define RULES_LITERAL_MIN	3
#define RULES_LITERALS_MAX	32
size_t	 rules_literals(const char *pattern, size_t len, int flags,
	    char ***litsp);
void	 rules_literals_free(char **lits, size_t n);

/*
 * Aho-Corasick over many literals. An empty automaton (rules_ac_new never
 * returns NULL; free it with rules_ac_free, which accepts NULL) takes
 * literals and ids (< 2^31, may repeat) with rules_ac_add, is built once
 * with rules_ac_build, and can then be scanned any number of times.
 * rules_ac_scan folds the ASCII letters of text (and U+017F and U+212A,
 * which caseless PCRE2 matches to s and k) and sets bit id of seen
 * (caller-zeroed, at least rules_ac_max_id() / 8 + 1 bytes) for every
 * literal that occurs; it returns how many bits it set that were not set
 * before, and stops early once all of its ids are set.
 */
struct rules_ac	*rules_ac_new(void);
void		 rules_ac_add(struct rules_ac *, const char *lit, size_t len,
		    uint32_t id);
void		 rules_ac_build(struct rules_ac *);
size_t		 rules_ac_scan(const struct rules_ac *, const char *text,
		    size_t len, uint8_t *seen);
uint32_t	 rules_ac_max_id(const struct rules_ac *);
void		 rules_ac_free(struct rules_ac *);

/* rules_parse.c: one file's text parsed into rs (the file name is
 * copied), each error appended to errors and counted in *nerrors. */
void	 rules_parse_text(struct rules *rs, const char *name, const char *text,
	    size_t len, struct buf *errors, unsigned *nerrors);
/* Free what a rule or a regex holds (the rule itself is not freed). */
void	 rules_rule_clear(struct rules_rule *);
void	 rules_regex_free(struct rules_regex *);

#endif
