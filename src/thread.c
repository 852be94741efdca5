/* helpq - thread.c: which ticket (conversation) a message belongs to. */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "config.h"
#include "log.h"
#include "message.h"
#include "store.h"
#include "thread.h"
#include "utf8.h"
#include "xmalloc.h"

#define FOLD_END	0xffffffffU	/* end of a folded stream */

#define TOKEN_MAX	(1ULL << 53)	/* larger ticket numbers are absurd */
#define TAG_MAX		100		/* longest "[list tag]" we strip */
#define REFS_MAX	100		/* References entries we look up */
#define QUOTE_MAX	200		/* message text quoted in evidence */

/*
 * Reply and forward prefixes, written folded (lower case, no Greek
 * accents: utf8_fold_cp) and compared after folding, so "AW", "Aw", "aw"
 * and "ΣΧΕΤ", "Σχετ", "Σχέτ", "ἈΠ" are one entry each. Each only counts
 * with a colon after it (and an optional counter), so "Re-install" and
 * "Aw shucks" keep their words.
 */
static const char *const thread_prefixes[] = {
	"re", "fwd", "fw", "aw", "wg", "antw", "antwort", "doorst",
	"sv", "vs", "vb", "vl", "fs", "tr", "rv", "res", "enc", "rif", "r",
	"i", "odp", "pd", "ynt", "ilt", "atb", "ats", "pers", "bls", "trs",
	"vá", "továbbítás",
	"απ", "σχετ", "πρθ", "προωθηση",
	"отв", "ответ", "пересл",
	"回复", "回覆", "答复", "答覆", "转发", "轉發", "转寄", "轉寄",
	"返信", "転送", "회신", "전달",
	"השב", "הועבר", "رد",
};

/*
 * Normalised subjects too common to mean "the same conversation" unless the
 * subject also carried a reply prefix.
 */
static const char *const thread_generic[] = {
	"(no subject)", "(kein betreff)", "(sans objet)", "contact",
	"enquiry", "feedback", "hallo", "hello", "help", "hey", "hi",
	"important", "info", "information", "inquiry", "issue",
	"kein betreff", "no subject", "problem", "question", "questions",
	"request", "support", "test", "thank you", "thanks", "untitled",
	"urgent",
};

/* A stream of case-folded code points read from UTF-8 text. */
struct fold_iter {
	const char	*p;
	const char	*end;
	uint32_t	 pend[2];	/* rest of an expansion (ß = ss) */
	size_t		 npend;
	size_t		 ipend;
};

/* What the rules learnt on the way that the final evidence mentions. */
struct thread_notes {
	int64_t		 link;		/* stranger's token: link to this */
	const char	*stranger;	/* who used it */
	int64_t		 missing;	/* token naming no ticket */
	const char	*generic;	/* subject too generic to match on */
};

/* Blanks and controls (C0, DEL, C1) and the Unicode spaces. */
static int
is_space(uint32_t c)
{
	if (c <= 0x20 || (c >= 0x7f && c <= 0xa0))
		return (1);
	if (c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 ||
	    c == 0x2029 || c == 0x202f || c == 0x205f || c == 0x3000)
		return (1);
	return (0);
}

static void
fold_init(struct fold_iter *fi, const char *p, const char *end)
{
	fi->p = p;
	fi->end = end;
	fi->npend = fi->ipend = 0;
}

static uint32_t
fold_next(struct fold_iter *fi)
{
	if (fi->ipend < fi->npend)
		return (fi->pend[fi->ipend++]);
	while (fi->p < fi->end) {
		fi->npend = utf8_fold_cp(utf8_next(&fi->p, fi->end),
		    fi->pend);
		if (fi->npend == 0)
			continue;
		fi->ipend = 1;
		return (fi->pend[0]);
	}
	return (FOLD_END);
}

/* If the text at *pp starts with word, both folded, move *pp past it. */
static int
match_word(const char **pp, const char *end, const char *word)
{
	struct fold_iter	 in, w;
	uint32_t		 wc;

	fold_init(&in, *pp, end);
	fold_init(&w, word, word + strlen(word));
	while ((wc = fold_next(&w)) != FOLD_END) {
		if (fold_next(&in) != wc)
			return (0);
	}
	if (in.ipend < in.npend)
		return (0);			/* stopped halfway through ß */
	*pp = in.p;
	return (1);
}

/* Skip ASCII blanks and no-break spaces (French "RE :" uses either). */
static const char *
skip_blanks(const char *p, const char *end)
{
	for (;;) {
		if (p < end && (*p == ' ' || *p == '\t'))
			p++;
		else if (end - p >= 2 && memcmp(p, "\xc2\xa0", 2) == 0)
			p += 2;
		else if (end - p >= 3 && memcmp(p, "\xe2\x80\xaf", 3) == 0)
			p += 3;
		else
			return (p);
	}
}

/* Skip any white space, Unicode spaces and invisible characters. */
static const char *
skip_space(const char *p, const char *end)
{
	const char	*q;
	uint32_t	 c, f[2];

	while (p < end) {
		q = p;
		c = utf8_next(&q, end);
		if (!is_space(c) && utf8_fold_cp(c, f) != 0)
			break;
		p = q;
	}
	return (p);
}

/* A reply counter after the prefix: "[2]", "(2)" or "^2". */
static const char *
skip_counter(const char *p, const char *end)
{
	const char	*q;
	char		 close;

	if (p >= end)
		return (p);
	if (*p == '[')
		close = ']';
	else if (*p == '(')
		close = ')';
	else if (*p == '^')
		close = '\0';
	else
		return (p);
	for (q = p + 1; q < end && *q >= '0' && *q <= '9'; q++)
		;
	if (q == p + 1)
		return (p);
	if (close == '\0')
		return (q);
	if (q < end && *q == close)
		return (q + 1);
	return (p);
}

/* A reply/forward prefix with its colon at p: returns its end or NULL. */
static const char *
strip_prefix(const char *p, const char *end)
{
	struct fold_iter	 fi;
	const char		*q, *w;
	uint32_t		 first;
	size_t			 i;

	/* The table is folded already: its first letters filter cheaply. */
	fold_init(&fi, p, end);
	if ((first = fold_next(&fi)) == FOLD_END)
		return (NULL);
	for (i = 0; i < nitems(thread_prefixes); i++) {
		w = thread_prefixes[i];
		if (utf8_next(&w, w + strlen(w)) != first)
			continue;
		q = p;
		if (!match_word(&q, end, thread_prefixes[i]))
			continue;
		q = skip_blanks(skip_counter(q, end), end);
		if (q < end && *q == ':')
			return (q + 1);
		if (end - q >= 3 && memcmp(q, "\xef\xbc\x9a", 3) == 0)
			return (q + 3);		/* full-width colon */
	}
	return (NULL);
}

/* A "[list tag]" at p: returns its end, or NULL. */
static const char *
strip_tag(const char *p, const char *end)
{
	const char	*q;

	if (p >= end || *p != '[')
		return (NULL);
	for (q = p + 1; q < end && q - p <= TAG_MAX; q++) {
		if (*q == ']')
			return (q + 1);
		if (*q == '[')
			return (NULL);
	}
	return (NULL);
}

/*
 * A ticket token "[<prefix><digits>]" at p, blanks allowed after "[",
 * before the digits and before "]" (people retype tokens). Returns its
 * end with *nump set (0 when the number is absurd), or NULL.
 */
static const char *
token_match(const char *p, const char *end, const char *prefix,
    int64_t *nump)
{
	uint64_t	 n = 0;
	const char	*q, *digits;
	int		 absurd = 0;

	if (p >= end || *p != '[')
		return (NULL);
	q = skip_blanks(p + 1, end);
	if (!match_word(&q, end, prefix))
		return (NULL);
	q = skip_blanks(q, end);
	for (digits = q; q < end && *q >= '0' && *q <= '9'; q++) {
		if (n > (TOKEN_MAX - (*q - '0')) / 10)
			absurd = 1;
		else
			n = n * 10 + (*q - '0');
	}
	if (q == digits)
		return (NULL);
	q = skip_blanks(q, end);
	if (q >= end || *q != ']')
		return (NULL);
	*nump = absurd ? 0 : (int64_t)n;
	return (q + 1);
}

/* Drop trailing blanks from the output ending at o. */
static char *
trim_end(char *out, char *o)
{
	while (o > out && o[-1] == ' ')
		o--;
	return (o);
}

/*
 * The normaliser behind thread_subject_normalise. At the start, in any
 * order and repeated: reply/forward prefixes (with a colon), "[list]" tags
 * of any content ("[PATCH v2]" too: a help desk has no patch series), and
 * "[Fwd: ...]" wrappers. Anywhere: ticket tokens. At the end: "(fwd)".
 * A subject that is nothing but tags keeps its last tag, so it can still
 * match. *prefixedp says whether a reply or forward prefix was stripped.
 */
static char *
normalise(const char *subject, const char *prefix, int *prefixedp)
{
	const char	*p, *q, *end, *tag = NULL, *tagend = NULL;
	char		*out, *o;
	uint32_t	 f[2];
	size_t		 len, n, i;
	int64_t		 num;
	int		 unwrap = 0, prefixed = 0, space = 0;

	if (subject == NULL)
		subject = "";
	if (prefix == NULL)
		prefix = "#";
	len = strlen(subject);
	end = subject + len;
	/* One input byte gives at most 3 output bytes (bad byte: U+FFFD). */
	if (len > (SIZE_MAX - 1) / 3)
		fatalx("subject too long");
	out = xmalloc(3 * len + 1);

	/* Prefixes, list tags and tokens at the start, in any order. */
	p = subject;
	for (;;) {
		p = skip_space(p, end);
		if (p < end && *p == '[' &&
		    (q = strip_prefix(skip_blanks(p + 1, end), end)) != NULL) {
			unwrap++;		/* "[Fwd: subject]" */
			prefixed = 1;
		} else if ((q = strip_prefix(p, end)) != NULL)
			prefixed = 1;
		else if ((q = strip_tag(p, end)) != NULL) {
			tag = p;
			tagend = q;
		} else
			break;
		p = q;
	}
	/* A subject that is only a tag ("Re: [meta]") keeps the tag. */
	if (p >= end && tag != NULL && token_match(tag, tagend, prefix,
	    &num) == NULL) {
		p = tag;
		end = tagend;
	}

	/* The rest: fold, collapse spaces, drop tokens wherever they are. */
	o = out;
	while (p < end) {
		if (*p == '[' && (q = token_match(p, end, prefix,
		    &num)) != NULL) {
			p = q;
			space = 1;
			continue;
		}
		n = utf8_fold_cp(utf8_next(&p, end), f);
		if (n == 0)
			continue;
		if (is_space(f[0])) {
			space = 1;
			continue;
		}
		if (space && o != out)
			*o++ = ' ';
		space = 0;
		for (i = 0; i < n; i++)
			o += utf8_encode(f[i], o);
	}

	/* The end: the "]" of "[Fwd: ...]" and "(fwd)" suffixes. */
	for (;;) {
		o = trim_end(out, o);
		if (unwrap > 0 && o > out && o[-1] == ']') {
			unwrap--;
			o--;
		} else if (o - out >= 5 && memcmp(o - 5, "(fwd)", 5) == 0)
			o -= 5;
		else
			break;
	}
	*o = '\0';
	if (prefixedp != NULL)
		*prefixedp = prefixed;
	return (out);
}

char *
thread_subject_normalise(const char *subject, const char *token_prefix)
{
	return (normalise(subject, token_prefix, NULL));
}

char *
thread_token(const char *token_prefix, int64_t ticket)
{
	return (xprintf("[%s%lld]", token_prefix != NULL ? token_prefix : "#",
	    (long long)ticket));
}

int64_t
thread_token_find(const char *subject, const char *token_prefix)
{
	const char	*p, *end, *q;
	int64_t		 num;

	if (subject == NULL)
		return (0);
	if (token_prefix == NULL)
		token_prefix = "#";
	end = subject + strlen(subject);
	for (p = subject; (p = memchr(p, '[', end - p)) != NULL; p++) {
		q = token_match(p, end, token_prefix, &num);
		if (q != NULL && num > 0)
			return (num);
	}
	return (0);
}

const char *
thread_how_name(enum thread_how how)
{
	switch (how) {
	case THREAD_NEW:
		return ("new");
	case THREAD_TOKEN:
		return ("token");
	case THREAD_REFERENCES:
		return ("references");
	case THREAD_SUBJECT:
		return ("subject");
	case THREAD_MSGID:
		return ("msgid");
	}
	return ("unknown");
}

void
thread_result_clear(struct thread_result *r)
{
	if (r == NULL)
		return;
	free(r->evidence);
	free(r->norm_subject);
	memset(r, 0, sizeof *r);
}

static const char *
thread_prefix(const struct config *conf)
{
	return (conf->token_prefix != NULL ? conf->token_prefix : "#");
}

/* Characters that must not reach a terminal or log from message text. */
static int
is_unsafe(uint32_t c)
{
	return (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x2028 ||
	    c == 0x2029 || (c >= 0x202a && c <= 0x202e) ||
	    (c >= 0x2066 && c <= 0x2069) || c == UTF8_BAD);
}

/*
 * Message-derived text for the evidence: control, line-separator and
 * bidi-override characters become '?', and long text is cut. Allocated.
 */
static char *
thread_quote(const char *s)
{
	const char	*p, *end, *q;
	char		*out, *o;
	uint32_t	 c;

	if (s == NULL)
		s = "";
	end = s + strlen(s);
	out = o = xmalloc(QUOTE_MAX + 4);
	for (p = s; p < end; p = q) {
		q = p;
		c = utf8_next(&q, end);
		if (o - out + (q - p) > QUOTE_MAX) {
			memcpy(o, "...", 3);
			o += 3;
			break;
		}
		if (is_unsafe(c))
			*o++ = '?';
		else {
			memcpy(o, p, q - p);
			o += q - p;
		}
	}
	*o = '\0';
	return (out);
}

/* "3 days", "5 hours", "1 minute": how long ago something happened. */
static void
thread_age(time_t secs, char *buf, size_t len)
{
	long long	 n;
	const char	*unit;

	if (secs < 0)
		secs = 0;
	if (secs < 2 * 3600) {
		n = secs / 60;
		unit = "minute";
	} else if (secs < 2 * 86400) {
		n = secs / 3600;
		unit = "hour";
	} else {
		n = secs / 86400;
		unit = "day";
	}
	snprintf(buf, len, "%lld %s%s", n, unit, n == 1 ? "" : "s");
}

/*
 * The message joins ticket t for reason why (consumed). A closed ticket
 * reopens within the reopen window; after it the message starts a new
 * ticket linked to the old one.
 */
static void
thread_settle(const struct config *conf, const struct ticket *t,
    enum thread_how how, char *why, time_t now, struct thread_result *r)
{
	char	 age[32];
	time_t	 ago;

	if (t->status != TICKET_CLOSED) {
		r->how = how;
		r->ticket = t->id;
		r->evidence = why;
		return;
	}
	ago = t->closed != 0 ? now - t->closed : 0;
	thread_age(ago, age, sizeof age);
	if (ago <= conf->reopen_window) {
		r->how = how;
		r->ticket = t->id;
		r->reopen = 1;
		r->evidence = xprintf("%s; ticket %lld was closed %s ago: "
		    "reopened", why, (long long)t->id, age);
	} else {
		r->how = THREAD_NEW;
		r->link = t->id;
		r->evidence = xprintf("%s, but ticket %lld closed %s ago: "
		    "new ticket linked to it", why, (long long)t->id, age);
	}
	free(why);
}

/* May addr use a token for ticket t? Returns 1 yes, 0 no, -1 error. */
static int
thread_may_join(struct store *st, const struct config *conf,
    const struct ticket *t, const char *addr, char **cause)
{
	int	rc;

	if (addr == NULL || *addr == '\0')
		return (0);
	if (config_is_agent(conf, addr))
		return (1);
	if (t->customer != NULL && strcasecmp(t->customer, addr) == 0)
		return (1);
	rc = store_ticket_has_participant(st, t->id, addr, cause);
	if (rc == -1)
		return (-1);
	return (rc == 0);
}

/*
 * Rule 1: a ticket token. Both the chosen sender and the From address
 * count, so an agent writing to a customer may use any token. Returns 0
 * when decided, 1 when not, -1 on error.
 */
static int
thread_by_token(struct store *st, const struct config *conf,
    const struct message *msg, const char *sender, time_t now,
    struct thread_result *r, struct thread_notes *nt, char **cause)
{
	struct ticket	 t;
	const char	*from;
	int64_t		 tok;
	int		 rc, may;

	tok = thread_token_find(msg->subject, thread_prefix(conf));
	if (tok == 0)
		return (1);
	memset(&t, 0, sizeof t);
	rc = store_ticket_get(st, tok, &t, cause);
	if (rc == -1)
		return (-1);
	if (rc != 0) {
		store_ticket_clear(&t);
		nt->missing = tok;
		return (1);
	}
	from = msg->from.n > 0 ? msg->from.v[0].addr : NULL;
	may = 1;
	if (conf->stranger != CONFIG_STRANGER_JOIN) {
		may = thread_may_join(st, conf, &t, sender, cause);
		if (may == 0 && from != NULL &&
		    (sender == NULL || strcasecmp(from, sender) != 0))
			may = thread_may_join(st, conf, &t, from, cause);
	}
	if (may == -1) {
		store_ticket_clear(&t);
		return (-1);
	}
	if (may) {
		thread_settle(conf, &t, THREAD_TOKEN, xprintf("token "
		    "[%s%lld] in subject", thread_prefix(conf), (long long)tok),
		    now, r);
		store_ticket_clear(&t);
		return (0);
	}
	/* A guessable number alone does not open someone else's ticket. */
	nt->link = tok;
	if (sender != NULL && *sender != '\0')
		nt->stranger = sender;
	else
		nt->stranger = from != NULL ? from : "an unknown sender";
	store_ticket_clear(&t);
	return (1);
}

/* An address that is neither the desk nor an agent's. */
static int
thread_outsider(const char *addr, void *arg)
{
	const struct config	*conf = arg;

	return (addr != NULL && *addr != '\0' && !config_is_agent(conf, addr));
}

/*
 * Does msg know ticket t's conversation? Its sender may join it as for a
 * token, or one of its addresses besides the desk's and the agents' (a
 * mailing list, a colleague in Cc) takes part in it. 1 yes, 0 no, -1
 * error.
 */
static int
thread_knows(struct store *st, const struct config *conf,
    const struct ticket *t, const struct message *msg, const char *sender,
    char **cause)
{
	const struct msg_addrs	*lists[] = {
		&msg->from, &msg->to, &msg->cc, &msg->reply_to
	};
	const char		*addr;
	size_t			 i, j;
	int			 rc;

	if ((rc = thread_may_join(st, conf, t, sender, cause)) != 0)
		return (rc);
	for (i = 0; i < nitems(lists); i++) {
		for (j = 0; j < lists[i]->n; j++) {
			addr = lists[i]->v[j].addr;
			if (!thread_outsider(addr, (void *)conf))
				continue;
			if ((rc = thread_may_join(st, conf, t, addr,
			    cause)) != 0)
				return (rc);
		}
	}
	return (0);
}

/*
 * One Message-ID this message names (header: "In-Reply-To" or
 * "References"; NULL for its own): 0 decided, 1 not, -1 error. Rule 2
 * (ghost 0) looks for the ticket holding it. Rule 2b (ghost 1), for
 * replies that came before their parent, looks for the oldest ticket
 * that references it while no message has it: a sibling's reference is
 * proof enough, as in rule 2; this message's own Message-ID joins only
 * when it knows the ticket's conversation (thread_knows), since the reply
 * that came first may have joined its ticket by subject alone and must
 * not pull a stranger's conversation in with it.
 */
static int
thread_by_id(struct store *st, const struct config *conf,
    const struct message *msg, const char *header, const char *id,
    int ghost, const char *sender, time_t now, struct thread_result *r,
    char **cause)
{
	struct ticket	 t;
	int64_t		 ticket = 0;
	char		*q, *why;
	int		 rc;

	if (id == NULL || *id == '\0')
		return (1);
	rc = ghost ? store_ticket_by_reference(st, id, &ticket, cause) :
	    store_ticket_by_msgid(st, id, &ticket, cause);
	if (rc == -1 || ticket == 0)
		return (rc == -1 ? -1 : 1);
	memset(&t, 0, sizeof t);
	if ((rc = store_ticket_get(st, ticket, &t, cause)) != 0 ||
	    (header == NULL &&
	    (rc = thread_knows(st, conf, &t, msg, sender, cause)) != 1)) {
		store_ticket_clear(&t);
		return (rc == -1 ? -1 : 1);
	}
	q = thread_quote(id);
	if (!ghost)
		why = xprintf("%s <%s> is in ticket %lld", header, q,
		    (long long)ticket);
	else if (header != NULL)
		why = xprintf("%s <%s>, not stored yet, is referenced by "
		    "ticket %lld too", header, q, (long long)ticket);
	else
		why = xprintf("its Message-ID <%s> is referenced by ticket "
		    "%lld (a reply came first)", q, (long long)ticket);
	thread_settle(conf, &t, THREAD_REFERENCES, why, now, r);
	free(q);
	store_ticket_clear(&t);
	return (0);
}

/*
 * Rule 2 (ghost 0) or 2b (ghost 1) over In-Reply-To, then References
 * newest first (at most REFS_MAX), then for 2b the message's own
 * Message-ID.
 */
static int
thread_by_ids(struct store *st, const struct config *conf,
    const struct message *msg, int ghost, const char *sender, time_t now,
    struct thread_result *r, char **cause)
{
	const char	*irt = msg->in_reply_to, *id;
	size_t		 i, tried = 0;
	int		 rc;

	rc = thread_by_id(st, conf, msg, "In-Reply-To", irt, ghost, sender,
	    now, r, cause);
	for (i = msg->nreferences; rc == 1 && i > 0 && tried < REFS_MAX;
	    i--) {
		id = msg->references[i - 1];
		if (id == NULL || (irt != NULL && strcmp(id, irt) == 0))
			continue;
		tried++;
		rc = thread_by_id(st, conf, msg, "References", id, ghost,
		    sender, now, r, cause);
	}
	if (rc == 1 && ghost)
		rc = thread_by_id(st, conf, msg, NULL, msg->message_id, 1,
		    sender, now, r, cause);
	return (rc);
}

/* Is norm one of the subjects everybody writes? */
static int
thread_is_generic(const char *norm)
{
	const char	*p, *end;
	size_t		 i, chars = 0;

	end = norm + strlen(norm);
	for (p = norm; p < end; chars++)
		utf8_next(&p, end);
	if (chars < 3)
		return (1);
	for (i = 0; i < nitems(thread_generic); i++) {
		if (strcmp(norm, thread_generic[i]) == 0)
			return (1);
	}
	return (0);
}

/*
 * Rule 3: the same customer with the same normalised subject, active
 * within the subject window. A generic subject ("Hello") only counts when
 * it carried a reply prefix.
 */
static int
thread_by_subject(struct store *st, const struct config *conf,
    const char *sender, int replies, int prefixed, time_t now,
    struct thread_result *r, struct thread_notes *nt, char **cause)
{
	struct ticket	 t;
	struct tm	 tm;
	const char	*norm = r->norm_subject;
	char		 day[32], *qs, *qa;
	int64_t		 ticket = 0;
	time_t		 since;
	int		 rc;

	if (*norm == '\0' || sender == NULL || *sender == '\0' ||
	    conf->subject_window <= 0)
		return (1);
	if (!prefixed && thread_is_generic(norm)) {
		nt->generic = norm;
		return (1);
	}
	since = now > conf->subject_window ? now - conf->subject_window : 0;
	rc = store_ticket_by_subject(st, sender, norm, since, &ticket, cause);
	if (rc != 0 || ticket == 0)
		return (rc == -1 ? -1 : 1);
	/*
	 * A reply to a message helpq has not seen joins a ticket by its
	 * subject only when that ticket began with a message of its own,
	 * not with another such reply: replies under one subject to
	 * different unseen messages (a bot answering every pull request)
	 * are different conversations, each waiting for its parent.
	 */
	if (replies &&
	    (rc = store_ticket_root_is_reply(st, ticket, cause)) != 0)
		return (rc == -1 ? -1 : 1);
	memset(&t, 0, sizeof t);
	rc = store_ticket_get(st, ticket, &t, cause);
	if (rc != 0) {
		store_ticket_clear(&t);
		return (rc);
	}
	if (t.updated > 0 && gmtime_r(&t.updated, &tm) != NULL)
		strftime(day, sizeof day, "%Y-%m-%d", &tm);
	else
		snprintf(day, sizeof day, "unknown");
	qs = thread_quote(norm);
	qa = thread_quote(sender);
	thread_settle(conf, &t, THREAD_SUBJECT, xprintf("subject \"%s\" from "
	    "%s matches ticket %lld (last activity %s)", qs, qa,
	    (long long)ticket, day), now, r);
	free(qs);
	free(qa);
	store_ticket_clear(&t);
	return (0);
}

/* Nothing matched: a new ticket, linked when a stranger used a token. */
static void
thread_new(const char *prefix, struct thread_result *r,
    const struct thread_notes *nt)
{
	char	*q, *s;

	r->how = THREAD_NEW;
	r->ticket = 0;
	if (nt->link != 0) {
		q = thread_quote(nt->stranger);
		r->link = nt->link;
		r->evidence = xprintf("token [%s%lld] from %s who is not a "
		    "participant: new ticket linked to %lld", prefix,
		    (long long)nt->link, q, (long long)nt->link);
		free(q);
		return;
	}
	r->evidence = xstrdup("no earlier message matched");
	if (nt->missing != 0) {
		s = xprintf("%s (token [%s%lld] names no ticket)",
		    r->evidence, prefix, (long long)nt->missing);
		free(r->evidence);
		r->evidence = s;
	}
	if (nt->generic != NULL) {
		q = thread_quote(nt->generic);
		s = xprintf("%s (subject \"%s\" is too common to match on)",
		    r->evidence, q);
		free(q);
		free(r->evidence);
		r->evidence = s;
	}
}

/*
 * The rules, strongest first; the first that names a ticket wins.
 * 1. A token "[#12]" naming an existing ticket, used by its customer, a
 *    participant, an agent or the support address (the sender or the From
 *    address may qualify). Anyone else, with strangers = link, gets a new
 *    ticket linked to it: ticket numbers are easy to guess, so a token is
 *    not proof of being in the conversation. Rules 2 and 3 still run for
 *    such a stranger, since a Message-ID quoted in References is.
 * 2. In-Reply-To, then References newest first (at most REFS_MAX ids).
 *    Then the same ids among those no message has yet but another
 *    ticket's message references (a sibling that came first), then this
 *    message's own Message-ID when a ticket references it (its reply
 *    came first).
 * 3. The same customer and normalised subject, active within the subject
 *    window (0 turns the rule off). An empty subject never matches; a
 *    generic one ("Hello", "Question", under three characters) only when it
 *    carried a reply or forward prefix.
 * A closed ticket found by any rule reopens within the reopen window;
 * after it the message starts a new ticket linked to the old one.
 */
int
thread_find(struct store *st, const struct config *conf,
    const struct message *msg, const char *sender, time_t now,
    struct thread_result *r, char **cause)
{
	struct thread_notes	 nt;
	char			*s, *q;
	int			 prefixed, rc;

	memset(r, 0, sizeof *r);
	memset(&nt, 0, sizeof nt);
	r->norm_subject = normalise(msg->subject, thread_prefix(conf),
	    &prefixed);

	rc = thread_by_token(st, conf, msg, sender, now, r, &nt, cause);
	if (rc == 1)
		rc = thread_by_ids(st, conf, msg, 0, sender, now, r, cause);
	if (rc == 1)
		rc = thread_by_ids(st, conf, msg, 1, sender, now, r, cause);
	if (rc == 1)
		rc = thread_by_subject(st, conf, sender,
		    (msg->in_reply_to != NULL && *msg->in_reply_to != '\0') ||
		    msg->nreferences > 0, prefixed, now, r, &nt, cause);
	if (rc == -1) {
		thread_result_clear(r);
		return (-1);
	}
	if (rc == 1) {
		thread_new(thread_prefix(conf), r, &nt);
		return (0);
	}
	if (nt.link != 0) {
		/* A stranger's token lost to stronger evidence: say so. */
		q = thread_quote(nt.stranger);
		s = xprintf("%s (token [%s%lld] from %s, not a participant, "
		    "was not used)", r->evidence, thread_prefix(conf),
		    (long long)nt.link, q);
		free(q);
		free(r->evidence);
		r->evidence = s;
	}
	return (0);
}

/* ---- merging: a message that links two tickets ---- */

/* The tickets one merge looks at, and the rounds it goes; a thread
 * larger than that merges over the next messages. */
#define MERGE_MAX	16
#define MERGE_ROUNDS	4

/* A closed ticket older than the reopen window stays as it is. */
static int
thread_merge_closed(const struct config *conf, const struct ticket *t,
    time_t now)
{
	return (t->status == TICKET_CLOSED && t->closed != 0 &&
	    now - t->closed > conf->reopen_window);
}

/*
 * May a and b become one ticket? Their customers must know each other:
 * the same, an agent, one a participant of the other's conversation, or
 * both conversations with someone besides the desk (a mailing list, a
 * colleague in Cc). 1 yes, 0 no, -1 error.
 */
static int
thread_may_merge(struct store *st, const struct config *conf,
    const struct ticket *a, const struct ticket *b, time_t now,
    char **cause)
{
	int	rc;

	if (thread_merge_closed(conf, a, now) ||
	    thread_merge_closed(conf, b, now))
		return (0);
	if (conf->stranger == CONFIG_STRANGER_JOIN)
		return (1);
	if ((rc = thread_may_join(st, conf, a, b->customer, cause)) != 0 ||
	    (rc = thread_may_join(st, conf, b, a->customer, cause)) != 0)
		return (rc);
	return (store_shared_participants(st, a->id, b->id, thread_outsider,
	    (void *)conf, cause));
}

int
thread_merge_into(struct store *st, int64_t a, int64_t b, time_t now,
    const char *why, int64_t *intop, char **cause)
{
	int64_t	 into = a < b ? a : b, from = a < b ? b : a;
	char	*detail;
	int	 rc;

	*intop = a;
	if ((rc = store_ticket_merge(st, into, from, now, cause)) != 0)
		return (rc);
	*intop = into;
	detail = xprintf("ticket %lld merged into ticket %lld: %s",
	    (long long)from, (long long)into, why);
	rc = store_event_add(st, into, 0, now, "merged", detail, cause);
	free(detail);
	return (rc);
}

/* One round: merge what ticket links to that may be merged. 1 when one
 * was, 0 when none, -1 on error. */
static int
thread_merge_round(struct store *st, const struct config *conf,
    const char *quoted, time_t now, int64_t *ticketp, char **cause)
{
	struct ticket	 a, b;
	int64_t		 v[MERGE_MAX];
	size_t		 i, n;
	char		*why;
	int		 rc = 0, merged = 0;

	if (store_ticket_links(st, *ticketp, v, nitems(v), &n, cause) != 0)
		return (-1);
	for (i = 0; i < n && rc != -1; i++) {
		memset(&a, 0, sizeof a);
		memset(&b, 0, sizeof b);
		if ((rc = store_ticket_get(st, *ticketp, &a, cause)) == 0 &&
		    (rc = store_ticket_get(st, v[i], &b, cause)) == 0 &&
		    a.id != b.id &&
		    (rc = thread_may_merge(st, conf, &a, &b, now, cause)) == 1) {
			why = xprintf("their messages reference each other "
			    "(seen on message <%s>)", quoted);
			rc = thread_merge_into(st, a.id, b.id, now, why,
			    ticketp, cause);
			free(why);
			if (rc == 0)
				merged = 1;
		}
		store_ticket_clear(&a);
		store_ticket_clear(&b);
	}
	return (rc == -1 ? -1 : merged);
}

int
thread_merges(struct store *st, const struct config *conf,
    const struct message *msg, int64_t ticket, time_t now, int64_t *ticketp,
    char **cause)
{
	char	*q;
	int	 i, rc = 1;

	*ticketp = ticket;
	if (ticket <= 0)
		return (0);
	q = thread_quote(msg->message_id != NULL ? msg->message_id : "");
	for (i = 0; i < MERGE_ROUNDS && rc == 1; i++)
		rc = thread_merge_round(st, conf, q, now, ticketp, cause);
	free(q);
	return (rc == -1 ? -1 : 0);
}
