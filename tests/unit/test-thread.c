/* helpq - test-thread.c: subject normalising, tokens and thread_find. */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "message.h"
#include "store.h"
#include "thread.h"
#include "utf8.h"
#include "xmalloc.h"
#include "../tap.h"

#define DAY	86400

struct norm_case {
	const char	*subject;
	const char	*prefix;	/* NULL = "#" */
	const char	*want;
};

static const struct norm_case norm_cases[] = {
	/* English prefixes, any case, colon variants. */
	{ "Re: Printer broken", NULL, "printer broken" },
	{ "RE: Printer broken", NULL, "printer broken" },
	{ "re: printer BROKEN", NULL, "printer broken" },
	{ "Re:Printer broken", NULL, "printer broken" },
	{ "Re: Re: Re: Printer broken", NULL, "printer broken" },
	{ "Re:Re:RE: Printer broken", NULL, "printer broken" },
	{ "Fwd: Printer broken", NULL, "printer broken" },
	{ "FWD: Printer broken", NULL, "printer broken" },
	{ "Fw: Printer broken", NULL, "printer broken" },
	{ "FW: Printer broken", NULL, "printer broken" },
	{ "Re[2]: Printer broken", NULL, "printer broken" },
	{ "Re(2): Printer broken", NULL, "printer broken" },
	{ "Re^2: Printer broken", NULL, "printer broken" },
	{ "RE : Printer broken", NULL, "printer broken" },
	{ "RE\xc2\xa0: Printer broken", NULL, "printer broken" },
	{ "Re\xef\xbc\x9a Printer broken", NULL, "printer broken" },
	/* Other languages. */
	{ "AW: Drucker defekt", NULL, "drucker defekt" },
	{ "Aw: WG: Drucker defekt", NULL, "drucker defekt" },
	{ "Antw: Drucker defekt", NULL, "drucker defekt" },
	{ "Antwort: Drucker defekt", NULL, "drucker defekt" },
	{ "SV: Skrivare", NULL, "skrivare" },
	{ "Sv: VS: vs: Skrivare", NULL, "skrivare" },
	{ "TR: Imprimante", NULL, "imprimante" },
	{ "RV: Impresora", NULL, "impresora" },
	{ "Rif: R: Stampante", NULL, "stampante" },
	{ "Doorst: Printer", NULL, "printer" },
	{ "Odp: PD: Drukarka", NULL, "drukarka" },
	{ "YNT: Yazıcı", NULL, "yazici" },
	{ "\xc4\xb0LT: Yaz\xc4\xb1" "c\xc4\xb1", NULL, "yazici" },
	{ "VL: VS: Tulostin", NULL, "tulostin" },
	{ "ΑΠ: Εκτυπωτής", NULL, "εκτυπωτησ" },
	{ "Απ: ΕΚΤΥΠΩΤΗΣ", NULL, "εκτυπωτησ" },
	{ "ΣΧΕΤ: Λογαριασμός", NULL, "λογαριασμοσ" },
	{ "Σχετ: ΛΟΓΑΡΙΑΣΜΟΣ", NULL, "λογαριασμοσ" },
	{ "ΠΡΘ: Σχέτ: Λογαριασμός", NULL, "λογαριασμοσ" },
	{ "Ответ: Принтер", NULL, "принтер" },
	{ "ОТВ: Пересл: Принтер", NULL, "принтер" },
	{ "VÁ: Továbbítás: Nyomtató", NULL, "nyomtató" },
	{ "ΠΡΟΩΘΗΣΗ: Εκτύπωση", NULL, "εκτυπωση" },
	/* Polytonic Greek: Ἡ ἀγάπη; ἈΠ: ῤᾳδιον (a prefix, iota subscript). */
	{ "Re: \xe1\xbc\xa9 \xe1\xbc\x80\xce\xb3\xe1\xbd\xb1\xcf\x80\xce\xb7",
	    NULL, "η αγαπη" },
	{ "\xe1\xbc\x88\xce\xa0: \xe1\xbf\xa4\xe1\xbe\xb3\xce\xb4\xce\xb9"
	    "\xce\xbf\xce\xbd", NULL, "ραδιον" },
	{ "RES: ENC: Impressora", NULL, "impressora" },
	{ "VB: FS: Skrivare", NULL, "skrivare" },
	{ "回复：打印机坏了", NULL, "打印机坏了" },
	{ "转发: 答复: 打印机", NULL, "打印机" },
	/* Nesting with list tags, tokens and the old forward styles. */
	{ "Re: AW: Fwd: [list] Re[3]: x", NULL, "x" },
	{ "[linux-mips] Re: [PATCH v2 3/7] MIPS: fix", NULL, "mips: fix" },
	{ "[#12] Re: Printer broken", NULL, "printer broken" },
	{ "Re: Printer broken [#12]", NULL, "printer broken" },
	{ "Printer [#12] broken", NULL, "printer broken" },
	{ "Printer [ # 12 ] broken", NULL, "printer broken" },
	{ "[ACME-5] AW: Rechnung", "ACME-", "rechnung" },
	{ "Rechnung [acme-5]", "ACME-", "rechnung" },
	{ "Rechnung [#5]", "ACME-", "rechnung [#5]" },
	{ "Printer broken (fwd)", NULL, "printer broken" },
	{ "Printer broken (FWD) (fwd)", NULL, "printer broken" },
	{ "[Fwd: Printer broken]", NULL, "printer broken" },
	{ "Re: [Fwd: Re: Printer broken]", NULL, "printer broken" },
	{ "[PATCH] fix the build", NULL, "fix the build" },
	/* Things that must stay. */
	{ "Re-install fails", NULL, "re-install fails" },
	{ "Aw shucks", NULL, "aw shucks" },
	{ "Results: Q3", NULL, "results: q3" },
	{ "Really: no", NULL, "really: no" },
	{ "SVN: broken", NULL, "svn: broken" },
	{ "Re install", NULL, "re install" },
	{ "Fwd", NULL, "fwd" },
	{ "R2-D2: status", NULL, "r2-d2: status" },
	{ "Printer [#abc]", NULL, "printer [#abc]" },
	{ "[oops Printer", NULL, "[oops printer" },
	{ "Printer: Re: broken", NULL, "printer: re: broken" },
	{ "(no subject)", NULL, "(no subject)" },
	/* White space, folding, invisible and broken characters. */
	{ "  Printer \t  broken  ", NULL, "printer broken" },
	{ "Printer\xc2\xa0\xe3\x80\x80" "broken", NULL, "printer broken" },
	{ "Printer\r\n\tbroken", NULL, "printer broken" },
	{ "Re:\xe2\x80\x8b Printer", NULL, "printer" },
	{ "Grüße", NULL, "grüsse" },
	{ "GRÜSSE", NULL, "grüsse" },
	{ "Straße ÄÖÜ", NULL, "strasse äöü" },
	{ "ŁÓDŹ Čeština", NULL, "łódź čeština" },
	{ "Re: caf\xe9", NULL, "caf\xef\xbf\xbd" },
	{ "Re: \xf0\x9f\x98\x80 ok", NULL, "\xf0\x9f\x98\x80 ok" },
	{ "", NULL, "" },
	{ "Re:", NULL, "" },
	{ "Re: Fwd: ", NULL, "" },
	{ "[list]", NULL, "[list]" },
	{ "Re: [Meta-Forkage]", NULL, "[meta-forkage]" },
	{ "[list] Re:", NULL, "[list]" },
	{ "[#12]", NULL, "" },
};

struct token_case {
	const char	*subject;
	const char	*prefix;
	int64_t		 want;
};

static const struct token_case token_cases[] = {
	{ "[#123] Printer", "#", 123 },
	{ "Re: Printer [#42]", "#", 42 },
	{ "[#7] and [#8]", "#", 7 },
	{ "[#abc] then [#9]", "#", 9 },
	{ "[ #12 ]", "#", 12 },
	{ "[# 12]", "#", 12 },
	{ "[#0012]", "#", 12 },
	{ "[ACME-77] x", "ACME-", 77 },
	{ "[acme-77] x", "ACME-", 77 },
	{ "[Acme-77] x", "acme-", 77 },
	{ "[αρ-5] x", "ΑΡ-", 5 },
	{ "[#77] x", "ACME-", 0 },
	{ "[ACME77] x", "ACME-", 0 },
	{ "#12", "#", 0 },
	{ "[#12", "#", 0 },
	{ "[#]", "#", 0 },
	{ "[##12]", "#", 0 },
	{ "[#12x]", "#", 0 },
	{ "[#-5]", "#", 0 },
	{ "[#1 2]", "#", 0 },
	{ "[#0]", "#", 0 },
	{ "[#9007199254740992]", "#", 9007199254740992LL },
	{ "[#9007199254740993]", "#", 0 },
	{ "[#99999999999999999999999999]", "#", 0 },
	{ "[#99999999999999999999999999] [#3]", "#", 3 },
	{ "", "#", 0 },
};

/* The subject made safe for a TAP line. */
static const char *
printable(const char *s)
{
	static char	 out[256];
	size_t		 i;

	for (i = 0; s[i] != '\0' && i < sizeof out - 1; i++)
		out[i] = (unsigned char)s[i] < 0x20 ? '?' : s[i];
	out[i] = '\0';
	return (out);
}

static void
test_normalise(void)
{
	const struct norm_case	*c;
	size_t			 i;
	char			*got;

	for (i = 0; i < nitems(norm_cases); i++) {
		c = &norm_cases[i];
		got = thread_subject_normalise(c->subject,
		    c->prefix != NULL ? c->prefix : "#");
		is_str(got, c->want, "normalise \"%s\"",
		    printable(c->subject));
		free(got);
	}
	got = thread_subject_normalise(NULL, "#");
	is_str(got, "", "normalise NULL");
	free(got);
	got = thread_subject_normalise("Re: x [#4]", NULL);
	is_str(got, "x", "normalise with a NULL prefix uses #");
	free(got);
}

/* Bytes that are not UTF-8 must not crash or overrun. */
static void
test_normalise_garbage(void)
{
	char	 s[512], *got;
	size_t	 i, j;
	int	 fine = 1;

	srand(7);
	for (i = 0; i < 2000; i++) {
		for (j = 0; j < sizeof s - 1; j++)
			s[j] = (char)(rand() % 255 + 1);
		s[rand() % (sizeof s - 1)] = '\0';
		s[sizeof s - 1] = '\0';
		got = thread_subject_normalise(s, "#");
		if (!utf8_valid(got, strlen(got)))
			fine = 0;
		free(got);
		(void)thread_token_find(s, "#");
	}
	ok(fine, "random bytes normalise to valid UTF-8");
	got = thread_subject_normalise("Re: \xce", "#");
	is_str(got, "\xef\xbf\xbd", "truncated sequence at the end");
	free(got);
}

static void
test_token(void)
{
	const struct token_case	*c;
	size_t			 i;

	for (i = 0; i < nitems(token_cases); i++) {
		c = &token_cases[i];
		is_int(thread_token_find(c->subject, c->prefix), c->want,
		    "token in \"%s\" with prefix \"%s\"", c->subject,
		    c->prefix);
	}
	is_int(thread_token_find(NULL, "#"), 0, "token in NULL");
	is_int(thread_token_find("[#5]", NULL), 5, "NULL prefix is #");
}

static void
test_names(void)
{
	is_str(thread_how_name(THREAD_NEW), "new", "name new");
	is_str(thread_how_name(THREAD_TOKEN), "token", "name token");
	is_str(thread_how_name(THREAD_REFERENCES), "references",
	    "name references");
	is_str(thread_how_name(THREAD_SUBJECT), "subject", "name subject");
	is_str(thread_how_name(THREAD_MSGID), "msgid", "name msgid");
}

/* thread_find against a real store. */

static struct store	*st;
static struct config	 conf;
static int		 nmsg;

static void
add_addr(struct msg_addrs *a, const char *addr)
{
	a->v = xreallocarray(a->v, a->n + 1, sizeof *a->v);
	a->v[a->n].name = NULL;
	a->v[a->n].addr = xstrdup(addr);
	a->n++;
}

/* A message as the parser would give it; refs is NULL-terminated. */
static struct message *
mkmsg(const char *msgid, const char *from, const char *cc,
    const char *subject, time_t date, const char *irt, const char **refs)
{
	struct message	*m;

	m = xcalloc(1, sizeof *m);
	m->message_id = msgid != NULL ? xstrdup(msgid) : NULL;
	m->in_reply_to = irt != NULL ? xstrdup(irt) : NULL;
	while (refs != NULL && refs[m->nreferences] != NULL) {
		m->references = xreallocarray(m->references,
		    m->nreferences + 1, sizeof *m->references);
		m->references[m->nreferences] = xstrdup(refs[m->nreferences]);
		m->nreferences++;
	}
	add_addr(&m->from, from);
	add_addr(&m->to, "support@example.com");
	if (cc != NULL)
		add_addr(&m->cc, cc);
	m->subject = xstrdup(subject);
	m->date = date;
	m->text = xstrdup("text");
	m->textlen = 4;
	snprintf(m->hash, sizeof m->hash, "%064d", ++nmsg);
	m->size = 100;
	return (m);
}

/* What ingest does: thread, create the ticket if new, store, touch. */
static int64_t
file_msg(struct message *m, const char *sender, struct thread_result *r)
{
	struct msg_origin	 o;
	struct ticket_new	 tn;
	int64_t			 ticket, row;
	char			*cause = NULL;

	if (thread_find(st, &conf, m, sender, m->date, r, &cause) != 0) {
		diag("thread_find: %s", cause);
		free(cause);
		return (-1);
	}
	ticket = r->ticket;
	if (ticket == 0) {
		memset(&tn, 0, sizeof tn);
		tn.subject = m->subject;
		tn.norm_subject = r->norm_subject;
		tn.customer = sender;
		tn.created = m->date;
		tn.linked_to = r->link;
		if (store_ticket_create(st, &tn, &ticket, &cause) != 0)
			goto fail;
	} else if (r->reopen && store_ticket_set_status(st, ticket,
	    TICKET_OPEN, m->date, &cause) != 0)
		goto fail;
	memset(&o, 0, sizeof o);
	o.mailbox = "test";
	o.received = m->date;
	if (store_message_insert(st, m, "raw", 3, &o, MSG_IN,
	    MSG_KIND_CUSTOMER, ticket, &row, &cause) != 0 ||
	    store_ticket_touch(st, ticket, m->date, &cause) != 0)
		goto fail;
	return (ticket);
fail:
	diag("store: %s", cause);
	free(cause);
	return (-1);
}

/* File a message and free it; returns the ticket, r keeps the result. */
static int64_t
deliver(const char *msgid, const char *from, const char *cc,
    const char *subject, time_t date, const char *irt, const char **refs,
    struct thread_result *r)
{
	struct message	*m;
	int64_t		 t;

	thread_result_clear(r);
	m = mkmsg(msgid, from, cc, subject, date, irt, refs);
	t = file_msg(m, from, r);
	message_free(m);
	return (t);
}

/* Only ask (store nothing). */
static int
ask(const char *from, const char *subject, time_t date, const char *irt,
    const char **refs, struct thread_result *r)
{
	struct message	*m;
	char		*cause = NULL;
	int		 rc;

	thread_result_clear(r);
	m = mkmsg(NULL, from, NULL, subject, date, irt, refs);
	rc = thread_find(st, &conf, m, from, date, r, &cause);
	if (rc != 0) {
		diag("thread_find: %s", cause);
		free(cause);
	}
	message_free(m);
	return (rc);
}

static int
has(const char *hay, const char *needle)
{
	return (hay != NULL && strstr(hay, needle) != NULL);
}

static void
test_find(void)
{
	struct thread_result	 r;
	struct message		*m;
	char			 path[] = "/tmp/helpq-test-thread.XXXXXX";
	char			*cause = NULL, subj[128], tok[32];
	const char		*refs[4];
	time_t			 t0 = 1780000000;	/* 2026-05-28 */
	int64_t			 t1, t2, t3, t;
	int			 fd;

	memset(&r, 0, sizeof r);
	fd = mkstemp(path);
	if (fd == -1) {
		ok(0, "mkstemp");
		return;
	}
	close(fd);
	unlink(path);
	if (store_open(path, 0, &st, &cause) != 0) {
		ok(0, "store_open: %s", cause);
		free(cause);
		return;
	}
	config_defaults(&conf);
	free(conf.address);
	conf.address = xstrdup("support@example.com");
	conf.agents = xcalloc(1, sizeof *conf.agents);
	conf.agents[0] = xstrdup("@example.com");
	conf.nagents = 1;

	/* A first message: a new ticket, nothing to match. */
	t1 = deliver("a1@alice", "alice@cust.org", "bob@cust.org",
	    "Printer broken", t0, NULL, NULL, &r);
	ok(t1 > 0, "first message opens a ticket");
	is_int(r.how, THREAD_NEW, "first message: new");
	is_str(r.evidence, "no earlier message matched", "new: evidence");
	is_str(r.norm_subject, "printer broken", "new: norm_subject set");
	t2 = deliver("b1@dave", "dave@else.net", NULL, "Invoice missing",
	    t0 + 60, NULL, NULL, &r);
	ok(t2 > 0 && t2 != t1, "another customer's ticket");
	snprintf(tok, sizeof tok, "[#%lld]", (long long)t1);

	/* Rule 1: tokens, and who may use them. */
	snprintf(subj, sizeof subj, "Re: %s something else", tok);
	t = deliver("a2@alice", "alice@cust.org", NULL, subj, t0 + 120,
	    NULL, NULL, &r);
	is_int(t, t1, "customer's token joins");
	is_int(r.how, THREAD_TOKEN, "customer's token: how");
	ok(has(r.evidence, "token [#"), "token evidence: %s", r.evidence);
	ask("bob@cust.org", subj, t0 + 130, NULL, NULL, &r);
	is_int(r.ticket, t1, "participant (Cc) token joins");
	is_int(r.how, THREAD_TOKEN, "participant token: how");
	ask("agent@example.com", subj, t0 + 130, NULL, NULL, &r);
	is_int(r.ticket, t1, "agent token joins");
	ask("mallory@evil.com", subj, t0 + 130, NULL, NULL, &r);
	is_int(r.ticket, 0, "stranger's token: new ticket");
	is_int(r.link, t1, "stranger's token: linked");
	is_int(r.how, THREAD_NEW, "stranger's token: how");
	ok(has(r.evidence, "mallory@evil.com who is not a participant: "
	    "new ticket linked to"), "stranger evidence: %s", r.evidence);
	conf.stranger = CONFIG_STRANGER_JOIN;
	ask("mallory@evil.com", subj, t0 + 130, NULL, NULL, &r);
	is_int(r.ticket, t1, "stranger's token joins with strangers = join");
	is_int(r.link, 0, "strangers = join: no link");
	conf.stranger = CONFIG_STRANGER_LINK;
	ask("mallory@evil.com", subj, t0 + 130, "a1@alice", NULL, &r);
	is_int(r.ticket, t1, "stranger with In-Reply-To joins");
	is_int(r.how, THREAD_REFERENCES, "stranger with In-Reply-To: how");
	ok(has(r.evidence, "was not used"), "unused token noted: %s",
	    r.evidence);
	m = mkmsg(NULL, "alice@cust.org", NULL, subj, t0 + 130, NULL, NULL);
	thread_result_clear(&r);
	if (thread_find(st, &conf, m, "alice@home.example", t0 + 130, &r,
	    &cause) != 0) {
		diag("thread_find: %s", cause);
		free(cause);
	}
	message_free(m);
	is_int(r.ticket, t1, "Reply-To elsewhere, From is the customer: joins");
	ask("evil\x1b[31m@x.com", subj, t0 + 130, NULL, NULL, &r);
	ok(r.evidence != NULL && strchr(r.evidence, '\x1b') == NULL,
	    "evidence is sanitised: %s", r.evidence);
	ask("alice@cust.org", "Toner low [#99999]", t0 + 130, NULL, NULL, &r);
	is_int(r.ticket, 0, "token naming no ticket: new");
	ok(has(r.evidence, "names no ticket"), "missing token noted: %s",
	    r.evidence);

	/* Rule 2: In-Reply-To and References. */
	ask("carol@third.org", "Something", t0 + 200, "a1@alice", NULL, &r);
	is_int(r.ticket, t1, "In-Reply-To joins (no stranger check)");
	is_int(r.how, THREAD_REFERENCES, "In-Reply-To: how");
	is_str(r.evidence, (snprintf(subj, sizeof subj, "In-Reply-To "
	    "<a1@alice> is in ticket %lld", (long long)t1), subj),
	    "In-Reply-To: evidence");
	refs[0] = "a1@alice";
	refs[1] = "b1@dave";
	refs[2] = NULL;
	ask("carol@third.org", "Something", t0 + 200, NULL, refs, &r);
	is_int(r.ticket, t2, "References: the newest wins");
	ok(has(r.evidence, "References <b1@dave>"), "References evidence: %s",
	    r.evidence);
	refs[0] = "b1@dave";
	refs[1] = NULL;
	ask("carol@third.org", "Something", t0 + 200, "a1@alice", refs, &r);
	is_int(r.ticket, t1, "In-Reply-To before References");
	refs[0] = "a1@alice";
	refs[1] = "nowhere@x";
	refs[2] = NULL;
	ask("carol@third.org", "Something", t0 + 200, "gone@x", refs, &r);
	is_int(r.ticket, t1, "unknown ids are skipped");
	ask("carol@third.org", "Something", t0 + 200, "gone@x", NULL, &r);
	is_int(r.ticket, 0, "only unknown ids: new");

	/* Rule 3: same customer, same subject, within the window. */
	ask("alice@cust.org", "RE: AW: printer  BROKEN", t0 + 5 * DAY, NULL,
	    NULL, &r);
	is_int(r.ticket, t1, "same customer, same subject joins");
	is_int(r.how, THREAD_SUBJECT, "subject: how");
	ok(has(r.evidence, "subject \"printer broken\" from alice@cust.org "
	    "matches ticket") && has(r.evidence, "(last activity 2026-05-28)"),
	    "subject evidence: %s", r.evidence);
	ask("alice@cust.org", "Printer broken", t0 + 5 * DAY, NULL, NULL, &r);
	is_int(r.ticket, t1, "same subject without Re: joins too");
	ask("alice@cust.org", "Re: Printer broken",
	    t0 + 120 + conf.subject_window + 1, NULL, NULL, &r);
	is_int(r.ticket, 0, "outside the subject window: new");
	ask("erin@other.org", "Re: Printer broken", t0 + DAY, NULL, NULL, &r);
	is_int(r.ticket, 0, "different customer, same subject: new");
	/* One subject, spelt monotonic and then polytonic (Ἡ, ί with oxia). */
	t3 = deliver("g1@alice", "alice@cust.org", NULL,
	    "Η παραγγελία μου", t0 + DAY, NULL, NULL, &r);
	ask("alice@cust.org", "Re: \xe1\xbc\xa9 \xcf\x80\xce\xb1\xcf\x81"
	    "\xce\xb1\xce\xb3\xce\xb3\xce\xb5\xce\xbb\xe1\xbd\xb7\xce\xb1 "
	    "\xce\xbc\xce\xbf\xcf\x85", t0 + DAY + 60, NULL, NULL, &r);
	ok(t3 > 0 && r.ticket == t3 && r.how == THREAD_SUBJECT,
	    "polytonic reply joins the monotonic ticket");
	t3 = deliver("h1@alice", "alice@cust.org", NULL, "Hello", t0 + DAY,
	    NULL, NULL, &r);
	t = deliver("h2@alice", "alice@cust.org", NULL, "Hello", t0 + DAY + 60,
	    NULL, NULL, &r);
	ok(t3 > 0 && t != t3, "a generic subject alone does not join");
	ok(has(r.evidence, "too common"), "generic subject noted: %s",
	    r.evidence);
	ask("alice@cust.org", "Re: Hello", t0 + DAY + 120, NULL, NULL, &r);
	ok(r.ticket != 0 && r.how == THREAD_SUBJECT,
	    "a generic subject with Re: joins");
	t3 = deliver("e1@alice", "alice@cust.org", NULL, "", t0 + 2 * DAY,
	    NULL, NULL, &r);
	t = deliver("e2@alice", "alice@cust.org", NULL, "", t0 + 2 * DAY + 60,
	    NULL, NULL, &r);
	ok(t3 > 0 && t > 0 && t != t3, "empty subjects never match");
	ask("alice@cust.org", "Re:", t0 + 2 * DAY + 90, NULL, NULL, &r);
	is_int(r.ticket, 0, "\"Re:\" alone never matches");
	conf.subject_window = 0;
	ask("alice@cust.org", "Re: Printer broken", t0 + DAY, NULL, NULL, &r);
	is_int(r.ticket, 0, "subject-window 0 turns rule 3 off");
	conf.subject_window = 30 * DAY;

	/* Closed tickets: reopen within the window, link after it. */
	if (store_ticket_set_status(st, t1, TICKET_CLOSED, t0 + 3 * DAY,
	    &cause) != 0) {
		diag("close: %s", cause);
		free(cause);
	}
	ask("alice@cust.org", "Thanks", t0 + 4 * DAY, "a1@alice", NULL, &r);
	is_int(r.ticket, t1, "closed ticket, reply within the window");
	is_int(r.reopen, 1, "closed ticket within the window: reopen");
	ok(has(r.evidence, "reopened"), "reopen evidence: %s", r.evidence);
	ask("alice@cust.org", "Thanks", t0 + 43 * DAY, "a1@alice", NULL, &r);
	is_int(r.ticket, 0, "closed ticket after the window: new ticket");
	is_int(r.link, t1, "closed ticket after the window: linked");
	is_int(r.reopen, 0, "closed ticket after the window: no reopen");
	ok(has(r.evidence, "closed 40 days ago: new ticket linked to it"),
	    "closed evidence: %s", r.evidence);
	snprintf(subj, sizeof subj, "%s thanks", tok);
	ask("alice@cust.org", subj, t0 + 43 * DAY, NULL, NULL, &r);
	ok(r.ticket == 0 && r.link == t1, "old closed ticket by token: link");
	ask("alice@cust.org", subj, t0 + 5 * DAY, NULL, NULL, &r);
	ok(r.ticket == t1 && r.reopen, "closed ticket by token: reopen");

	thread_result_clear(&r);
	ok(r.evidence == NULL && r.norm_subject == NULL, "result cleared");
	store_close(st);
	config_clear(&conf);
	unlink(path);
	/* The search index beside the database. */
	snprintf(subj, sizeof subj, "%s-search", path);
	unlink(subj);
}

int
main(void)
{
	test_normalise();
	test_normalise_garbage();
	test_token();
	test_names();
	test_find();
	return (done_testing());
}
