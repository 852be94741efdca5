/* helpq - test-rules.c: the rule language: errors, conditions, actions. */
#include "compat.h"

#include <sys/stat.h>
#include <sys/time.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef HAVE_VALGRIND_VALGRIND_H
#include <valgrind/valgrind.h>
#endif

#include <jansson.h>

#include "buf.h"
#include "log.h"
#include "message.h"
#include "rules.h"
#include "../../src/rules_private.h"
#include "xmalloc.h"
#include "../tap.h"

static const char *const mail_de =
    "From: =?utf-8?q?J=C3=BCrgen_M=C3=BCller?= <Juergen@Example.DE>\r\n"
    "To: Support <support@shop.example>, Anna <anna@shop.example>\r\n"
    "Cc: bernd@example.de\r\n"
    "Reply-To: juergen.privat@example.de\r\n"
    "Subject: Rechnung =?utf-8?q?f=C3=BCr?= Bestellung 4711\r\n"
    "Message-ID: <r1@example.de>\r\n"
    "X-Priority: 1 (Highest)\r\n"
    "X-Note: first\r\n"
    "X-Note: second\r\n"
    "Date: Mon, 16 Nov 2026 09:00:00 +0100\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=b\r\n"
    "\r\n"
    "--b\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "Guten Tag,\r\n"
    "meine Bestellnummer: 4711, Kundennummer KD-0815.\r\n"
    "Die Rechnung fehlt. Mit freundlichen Grüßen\r\n"
    "--b\r\n"
    "Content-Type: application/pdf; name=\"Lieferschein.pdf\"\r\n"
    "Content-Disposition: attachment; filename=\"Lieferschein.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "JVBERi0xLjQK\r\n"
    "--b--\r\n";

static const char *const mail_auto =
    "From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\n"
    "To: support@shop.example\r\n"
    "Subject: Undelivered Mail Returned to Sender\r\n"
    "Auto-Submitted: auto-replied\r\n"
    "Message-ID: <b1@mx.example.org>\r\n"
    "\r\n"
    "This is the mail system.\r\n";

static struct message *
parse(const char *s)
{
	struct message	*msg = NULL;
	char		*cause = NULL;

	if (message_parse(s, strlen(s), &msg, &cause) != 0) {
		diag("parse failed: %s", cause);
		free(cause);
		return (NULL);
	}
	return (msg);
}

static struct rules *
load(const char *text)
{
	struct rules	*rs = NULL;
	char		*errors = NULL;

	if (rules_load_string("t.rules", text, &rs, &errors) != 0) {
		diag("unexpected errors:\n%s", errors);
		free(errors);
		return (NULL);
	}
	return (rs);
}

/* Evaluate one rule file on one message; v is filled. */
static int
eval(const char *text, const char *mail, const struct rules_facts *f,
    struct rules_verdict *v)
{
	struct rules		*rs;
	struct rules_ctx	*c;
	struct message		*m;

	memset(v, 0, sizeof *v);
	if ((rs = load(text)) == NULL || (m = parse(mail)) == NULL) {
		rules_free(rs);
		return (-1);
	}
	c = rules_ctx_new(rs);
	rules_eval(c, m, f, v, NULL);
	rules_ctx_free(c);
	message_free(m);
	/* The verdict's fired names point into the rules: copy out. */
	if (v->nfired > 0) {
		size_t	i;

		for (i = 0; i < v->nfired; i++)
			v->fired[i].name = xstrdup(v->fired[i].name);
	}
	rules_free(rs);
	return (0);
}

static void
verdict_free(struct rules_verdict *v)
{
	size_t	i;

	for (i = 0; i < v->nfired; i++)
		free((char *)v->fired[i].name);
	rules_verdict_clear(v);
}

/* Does one condition hold for the German mail? */
static int
holds(const char *cond, const char *mail, const struct rules_facts *f)
{
	struct rules_verdict	 v;
	char			*text;
	int			 r;

	text = xprintf("rule \"r\" {\n\twhen %s\n\ttag hit\n}\n", cond);
	if (eval(text, mail, f, &v) != 0) {
		free(text);
		return (-1);
	}
	free(text);
	r = v.ntags_add == 1;
	verdict_free(&v);
	return (r);
}

static void
test_keywords(void)
{
	ok(rules_keywords_sorted(), "keyword table is sorted");
	ok(rules_keyword(0) != NULL && rules_keyword(1000) == NULL,
	    "keywords can be listed");
}

static void
test_conditions(void)
{
	struct rules_facts	f;
	static const struct {
		const char	*cond;
		int		 want;
	} t[] = {
		{ "all", 1 },
		{ "subject ~ /rechnung für/i", 1 },
		{ "subject ~ /^Rechnung für Bestellung 4711$/", 1 },
		{ "subject ~ /rechnung/", 0 },
		{ "subject !~ /rechnung/", 1 },
		{ "subject !~ /Rechnung/", 0 },
		{ "subject = \"rechnung für bestellung 4711\"", 1 },
		{ "subject != \"rechnung\"", 1 },
		{ "from ~ /^Jürgen Müller <juergen@example\\.de>$/", 1 },
		{ "from = juergen@example.de", 1 },
		{ "from = \"JUERGEN@example.de\"", 1 },
		{ "from = anna@shop.example", 0 },
		{ "to = anna@shop.example", 1 },
		{ "to ~ /^Support </", 1 },
		{ "to = bernd@example.de", 0 },
		{ "cc = bernd@example.de", 1 },
		{ "recipient = bernd@example.de", 1 },
		{ "recipient = anna@shop.example", 1 },
		{ "recipient = juergen@example.de", 0 },
		{ "reply-to ~ /privat/", 1 },
		{ "header \"X-Priority\" ~ /^1\\b/", 1 },
		{ "header \"x-priority\" ~ /^1\\b/", 1 },
		{ "header \"X-Note\" ~ /second/", 1 },
		{ "header \"X-Note\" = first", 1 },
		{ "header \"X-Priority\" exists", 1 },
		{ "header \"X-Missing\" exists", 0 },
		{ "not header \"X-Missing\" exists", 1 },
		{ "header \"X-Missing\" !~ /x/", 1 },
		{ "body ~ /Bestellnummer:\\s*4711/", 1 },
		{ "body ~ /grüßen/i", 1 },
		{ "body ~ /^Die Rechnung/m", 1 },
		{ "body ~ /^Die Rechnung/", 0 },
		{ "body ~ /kundennummer\\s+kd-\\d+/i", 1 },
		{ "attachment ~ /\\.pdf$/", 1 },
		{ "attachment = lieferschein.pdf", 1 },
		{ "attachment exists", 1 },
		{ "attachment-type = application/pdf", 1 },
		{ "attachment-type ~ /^image\\//", 0 },
		{ "language = de", 1 },
		{ "language ~ /^(de|at)$/", 1 },
		{ "language = el", 0 },
		{ "customer new", 0 },
		{ "customer returning", 1 },
		{ "ticket new", 1 },
		{ "ticket existing", 0 },
		{ "tickets = 3", 1 },
		{ "tickets >= 3", 1 },
		{ "tickets > 3", 0 },
		{ "tickets < 4", 1 },
		{ "tickets <= 2", 0 },
		{ "tickets != 3", 0 },
		/* and binds tighter than or; not tighter than and */
		{ "subject ~ /x/ or subject ~ /Rechnung/ and body ~ /4711/", 1 },
		{ "(subject ~ /x/ or subject ~ /Rechnung/) and body ~ /zzz/", 0 },
		{ "not subject ~ /x/ and subject ~ /Rechnung/", 1 },
		{ "not (subject ~ /x/ or subject ~ /Rechnung/)", 0 },
		{ "subject ~ /x/ or\n\t    body ~ /4711/", 1 },
		{ "subject ~ /x/\n\t    or body ~ /4711/", 1 },
		{ "(subject ~ /x/\n\t    or body ~ /zzz/\n\t)", 0 },
		{ "subject ~ /r e c h # a comment in x mode/xi", 1 },
		{ "subject ~ /r e c h/i", 0 },
		{ "body ~ /Tag,.meine/s", 1 },
		{ "body ~ /Tag,.meine/", 0 },
		{ "subject ~ /\\p{Lu}\\w+ f\\w+r/", 1 },
	};
	size_t	i;

	memset(&f, 0, sizeof f);
	f.new_ticket = 1;
	f.customer_tickets = 3;
	f.language = "de";
	for (i = 0; i < nitems(t); i++) {
		char	*name = xstrdup(t[i].cond), *p;

		for (p = name; *p != '\0'; p++)
			if (*p == '\n' || *p == '\t')
				*p = ' ';
		is_int(holds(t[i].cond, mail_de, &f), t[i].want, "when %s",
		    name);
		free(name);
	}
	f.customer_tickets = 0;
	f.new_ticket = 0;
	is_int(holds("customer new", mail_de, &f), 1, "customer new: 0 "
	    "earlier tickets");
	is_int(holds("ticket existing", mail_de, &f), 1, "ticket existing");
	is_int(holds("language = de", mail_de, NULL), 0, "no facts: no "
	    "language");
	is_int(holds("customer new", mail_de, NULL), 0, "no facts: fact "
	    "conditions are false");
	is_int(holds("header \"Auto-Submitted\" ~ /^(?!no\\b)/i", mail_auto,
	    NULL), 1, "Auto-Submitted: auto-replied is automated");
	is_int(holds("from ~ /(^|<)mailer-daemon@/i", mail_auto, NULL), 1,
	    "from with a display name");
}

static void
test_actions(void)
{
	struct rules_verdict	v;
	const char		*text =
	    "rule \"one\" {\n"
	    "\twhen subject ~ /Rechnung/\n"
	    "\ttag Billing b2 billing\n"
	    "\tqueue billing\n"
	    "\tpriority high\n"
	    "\tassign anna@shop.example\n"
	    "\trespond-within 1d4h business\n"
	    "\tack vip\n"
	    "\tnote \"customer \\\"said\\\" so\"\n"
	    "\tset source web\n"
	    "\tset source mail\n"
	    "\tescalate\n"
	    "\tescalate boss@shop.example managers\n"
	    "}\n"
	    "rule two {\n"
	    "\tuntag b2\n"
	    "\tclose\n"
	    "\tstop\n"
	    "}\n"
	    "rule three {\n"
	    "\ttag never\n"
	    "}\n";

	if (eval(text, mail_de, NULL, &v) != 0) {
		ok(0, "actions: load");
		return;
	}
	is_int(v.nfired, 2, "two rules fired, the third not (stop)");
	is_str(v.nfired > 1 ? v.fired[1].name : NULL, "two", "fired in "
	    "order");
	is_int(v.nfired > 1 ? v.fired[1].line : 0, 15, "fired: the rule's "
	    "line");
	ok(v.stopped, "stopped");
	is_int(v.ntags_add, 1, "tags deduplicated, untag removed one");
	is_str(v.ntags_add > 0 ? v.tags_add[0] : NULL, "billing",
	    "tags are lower case");
	is_int(v.ntags_remove, 1, "untag recorded");
	is_str(v.queue, "billing", "queue");
	is_int(v.priority, RULES_PRIO_HIGH, "priority");
	is_str(v.assignee, "anna@shop.example", "assign");
	is_int(v.response_time, 28 * 3600, "respond-within 1d4h");
	ok(v.response_business, "business hours");
	is_str(v.ack_template, "vip", "ack template");
	ok(!v.noack && !v.automated && !v.ignore, "ack not suppressed");
	is_int(v.nnotes, 1, "note");
	is_str(v.nnotes > 0 ? v.notes[0] : NULL, "customer \"said\" so",
	    "note string escapes");
	is_int(v.nfields, 1, "set replaces a field");
	is_str(v.nfields > 0 ? v.fields[0].value : NULL, "mail",
	    "set: last value wins");
	is_int(v.nescalate, 2, "escalate: managers once, and an address");
	ok(v.close, "close");
	verdict_free(&v);

	if (eval("rule a {\n\tspam\n}\n", mail_de, NULL, &v) == 0) {
		ok(v.ignore && v.noack && v.ntags_add == 1 &&
		    strcmp(v.tags_add[0], "spam") == 0, "spam: ignored, no "
		    "ack, tagged spam");
		verdict_free(&v);
	}
	if (eval("rule a {\n\tautomated\n}\n", mail_de, NULL, &v) == 0) {
		ok(v.automated && v.noack && !v.ignore, "automated: no ack");
		verdict_free(&v);
	}
	if (eval("rule a {\n\tignore\n\tnoack\n}\n", mail_de, NULL,
	    &v) == 0) {
		ok(v.ignore && v.noack, "ignore");
		verdict_free(&v);
	}
	if (eval("rule a {\n\trespond-within 30m\n\tpriority urgent;"
	    " priority low\n}\n", mail_de, NULL, &v) == 0) {
		ok(v.response_time == 1800 && !v.response_business,
		    "respond-within, calendar by default");
		ok(v.priority == RULES_PRIO_LOW, "';' separates actions; the "
		    "last priority wins");
		verdict_free(&v);
	}
	if (eval("rule a {\n\twhen subject ~ /nothing/\n\ttag x\n}\n",
	    mail_de, NULL, &v) == 0) {
		ok(v.nfired == 0 && v.ntags_add == 0, "no match, no actions");
		verdict_free(&v);
	}
}

static void
test_captures(void)
{
	struct rules_verdict	v;
	const char		*text =
	    "rule \"order\" {\n"
	    "\twhen body ~ /Bestellnummer:\\s*(?<order>\\d+), "
	    "Kundennummer (\\w+)-(\\d+)/\n"
	    "\ttag \"order-$order\" \"kd-${3}\" $2\n"
	    "\tset order $order\n"
	    "\tset customer \"$2-$3\"\n"
	    "\tnote \"costs $$5 for ${order}\"\n"
	    "}\n"
	    "rule \"missing\" {\n"
	    "\twhen subject ~ /Rechnung(?: (?<never>nie))?/\n"
	    "\ttag \"x-$never\" y\n"
	    "\tset never \"$never\"\n"
	    "}\n";

	if (eval(text, mail_de, NULL, &v) != 0) {
		ok(0, "captures: load");
		return;
	}
	is_int(v.ntags_add, 4, "captured tags (and y; an empty capture "
	    "makes no tag)");
	is_str(v.ntags_add > 0 ? v.tags_add[0] : NULL, "order-4711",
	    "named capture $order");
	is_str(v.ntags_add > 1 ? v.tags_add[1] : NULL, "kd-0815",
	    "numbered ${3}");
	is_str(v.ntags_add > 2 ? v.tags_add[2] : NULL, "kd", "$2, lower "
	    "case");
	is_str(v.ntags_add > 3 ? v.tags_add[3] : NULL, "y", "the other "
	    "value stays");
	is_int(v.nfields, 2, "fields set (not the empty one)");
	is_str(v.nfields > 0 ? v.fields[0].value : NULL, "4711", "set from "
	    "a capture");
	is_str(v.nfields > 1 ? v.fields[1].value : NULL, "KD-0815",
	    "fields keep case");
	is_str(v.nnotes > 0 ? v.notes[0] : NULL, "costs $5 for 4711",
	    "$$ and ${name} in a note");
	verdict_free(&v);

	/* A capture with odd characters makes a tame tag. */
	if (eval("rule a {\n\twhen subject ~ /^(?<w>\\S+ \\S+)/\n"
	    "\ttag \"$w\"\n}\n", mail_de, NULL, &v) == 0) {
		is_str(v.ntags_add > 0 ? v.tags_add[0] : NULL, "rechnung-für",
		    "a tag from a capture: lower case, blanks to '-'");
		verdict_free(&v);
	}
}

/* Each error, at its exact place. */
static void
test_errors(void)
{
	static const struct {
		const char	*text;
		const char	*want;		/* the first error line */
	} t[] = {
		{ "rule a {\n\twhen subject ~ /(abc/\n}\n",
		    "t.rules:2:22: bad regular expression: missing closing "
		    "parenthesis" },
		{ "rule a {\n\ttagg billing\n}\n",
		    "t.rules:2:2: unknown action 'tagg'" },
		{ "rule a {\n\twhen subjekt ~ /x/\n}\n",
		    "t.rules:2:7: unknown condition 'subjekt'" },
		{ "rule a {\n\twhen (subject ~ /a/\n\ttag x\n}\n",
		    "t.rules:2:7: this parenthesis is not closed" },
		{ "rule a {\n\twhen subject ~ /a/)\n\ttag x\n}\n",
		    "t.rules:2:20: unbalanced parenthesis: nothing to close" },
		{ "rule a {\n\twhen header ~ /x/\n}\n",
		    "t.rules:2:14: expected a header name like \"X-Priority\", "
		    "found '~'" },
		{ "rule a {\n\twhen header \"X-A\" exist\n}\n",
		    "t.rules:2:20: expected ~, !~, = or !=, found 'exist'" },
		{ "rule a {\n\twhen header \"X-A:\" exists\n}\n",
		    "t.rules:2:7: header name 'X-A:' has a colon or a blank" },
		{ "rule a {\n\twhen subject ~ /abc\n}\n",
		    "t.rules:2:17: unterminated regular expression" },
		{ "rule a {\n\twhen subject ~ /abc/q\n}\n",
		    "t.rules:2:22: unknown regular expression flag 'q'" },
		{ "rule a {\n\twhen subject ~ \"abc\"\n}\n",
		    "t.rules:2:17: expected a regular expression" },
		{ "rule a {\n\tnote \"abc\n}\n",
		    "t.rules:2:7: unterminated string" },
		{ "rule a\n\ttag x\n}\n",
		    "t.rules:1:7: expected '{', found the end of the line" },
		{ "rule a {\n\ttag x\n",
		    "t.rules:1:1: rule \"a\" is not closed with '}'" },
		{ "rule a {\n\ttag x\n}\nrule a {\n\ttag y\n}\n",
		    "t.rules:4:6: rule \"a\" is already defined at t.rules:1" },
		{ "rule a {\n\trespond-within 4x\n}\n",
		    "t.rules:2:17: expected a response time like 4h, 2d or "
		    "1d12h, found '4x'" },
		/* A count so large that its unit once overflowed. */
		{ "rule a {\n\trespond-within 9223372036854775807h\n}\n",
		    "t.rules:2:17: expected a response time like 4h, 2d or "
		    "1d12h, found '9223372036854775807h'" },
		{ "rule a {\n\tpriority higher\n}\n",
		    "t.rules:2:11: expected low, normal, high or urgent, "
		    "found 'higher'" },
		{ "rule a {\n\twhen subject ~ /(?<o>\\d+)/\n\ttag \"o-$ord\"\n}\n",
		    "t.rules:3:6: $ord: no regular expression of this rule "
		    "has a group (?<ord>...)" },
		{ "rule a {\n\twhen subject ~ /(\\d+)/\n\ttag \"o-$2\"\n}\n",
		    "t.rules:3:6: $2: the rule's regular expressions have 1 "
		    "numbered groups" },
		{ "rule a {\n\ttag -foo\n}\n",
		    "t.rules:2:6: '-foo' is not a tag" },
		{ "rule a {\n\tescalate boss\n}\n",
		    "t.rules:2:11: escalate to an address or to 'managers', "
		    "not 'boss'" },
		{ "rule a {\n\twhen all\n\twhen all\n}\n",
		    "t.rules:3:2: 'when' comes once, before the actions" },
		{ "rule a {\n\tqueue a b\n}\n",
		    "t.rules:2:10: expected the end of the line, found 'b'" },
		{ "rule a {\n\twhen tickets >= many\n}\n",
		    "t.rules:2:18: expected a number, found 'many'" },
		{ "rule a {\n\twhen customer old\n}\n",
		    "t.rules:2:16: expected 'new' or 'returning', found 'old'" },
		{ "tag x\n",
		    "t.rules:1:1: expected 'rule', found 'tag'" },
		{ "rule a {\n\twhen subject ~ /a/ tag x\n}\n",
		    "t.rules:2:21: expected 'and', 'or' or the end of the line, "
		    "found 'tag'" },
		/* Columns count characters, not bytes. */
		{ "rule a {\n\twhen subject ~ /äö/ tag x\n}\n",
		    "t.rules:2:22: expected 'and', 'or' or the end of the line, "
		    "found 'tag'" },
		{ "rule a {\n\twhen subject ~ /a/ and\n}\n",
		    "t.rules:3:1: expected a condition" },
		{ "rule a {\n\tset order\n}\n",
		    "t.rules:2:11: expected a field name and a value, found the "
		    "end of the line" },
		{ "rule a {\n\twhen subject ~ /a/ % 3\n}\n",
		    "t.rules:2:21: unexpected character '%'" },
	};
	struct rules	*rs;
	char		*errors, *nl;
	size_t		 i;

	for (i = 0; i < nitems(t); i++) {
		errors = NULL;
		if (rules_load_string("t.rules", t[i].text, &rs,
		    &errors) == 0) {
			ok(0, "error %zu: loaded, but should not", i);
			rules_free(rs);
			continue;
		}
		ok(rs == NULL, "error %zu: nothing half-loaded", i);
		if ((nl = strchr(errors, '\n')) != NULL)
			*nl = '\0';
		if (!ok(strncmp(errors, t[i].want, strlen(t[i].want)) == 0,
		    "error: %s", t[i].want))
			diag("got: %s", errors);
		free(errors);
	}
}

static void
test_error_report(void)
{
	struct rules	*rs;
	char		*errors = NULL, *line2, *line3;
	int		 n = 0;
	const char	*p;

	/* Every error is reported, with the line and a caret under it. */
	rules_load_string("t.rules", "rule a {\n\ttagg x\n}\n"
	    "rule b {\n\twhen subject ~ /(/\n}\n"
	    "rule c {\n\tpriority soon\n}\n"
	    "rule d {\n\ttag ok\n}\n", &rs, &errors);
	ok(rs == NULL && errors != NULL, "three bad rules, one good: none "
	    "loaded");
	for (p = errors; p != NULL && (p = strstr(p, "t.rules:")) != NULL;
	    p++)
		n++;
	is_int(n, 3, "all three errors reported");
	if (errors != NULL && (line2 = strchr(errors, '\n')) != NULL &&
	    (line3 = strchr(line2 + 1, '\n')) != NULL) {
		ok(strncmp(line2 + 1, "    \ttagg x\n", 12) == 0,
		    "the source line follows");
		ok(strncmp(line3 + 1, "    \t^\n", 7) == 0,
		    "a caret under the column (tab kept)");
	} else
		ok(0, "error report has three lines");
	free(errors);
}

static void
test_files(void)
{
	char		 dir[] = "/tmp/helpq-test-rules.XXXXXX";
	char		 path[512], *errors = NULL;
	const char	*paths[1];
	struct rules	*rs = NULL;
	FILE		*f;

	if (mkdtemp(dir) == NULL) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof path, "%s/20-b.rules", dir);
	f = fopen(path, "w");
	fputs("rule b {\n\ttag b\n}\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/10-a.rules", dir);
	f = fopen(path, "w");
	fputs("rule a {\n\ttag a\n}\n", f);
	fclose(f);
	snprintf(path, sizeof path, "%s/notes.txt", dir);
	f = fopen(path, "w");
	fputs("not rules\n", f);
	fclose(f);
	paths[0] = dir;
	ok(rules_load(paths, 1, &rs, &errors) == 0, "a directory loads");
	if (rs != NULL) {
		is_int(rules_count(rs), 2, "only *.rules files");
		is_str(rs->rules[0].name, "a", "in name order");
		rules_free(rs);
	}
	snprintf(path, sizeof path, "%s/30-c.rules", dir);
	f = fopen(path, "w");
	fputs("rule c {\n\tfrobnicate\n}\n", f);
	fclose(f);
	rs = NULL;
	ok(rules_load(paths, 1, &rs, &errors) == -1 && rs == NULL,
	    "one broken file: nothing loads");
	ok(errors != NULL && strstr(errors, "30-c.rules:2:2: unknown "
	    "action") != NULL, "the broken file is named");
	free(errors);
	paths[0] = "/nonexistent/helpq.rules";
	errors = NULL;
	ok(rules_load(paths, 1, &rs, &errors) == -1 && errors != NULL &&
	    strstr(errors, "No such file") != NULL, "a missing file is an "
	    "error");
	free(errors);
	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	if (system(path) != 0)
		diag("could not remove %s", dir);
}

static double
seconds(void)
{
	struct timeval	tv;

	gettimeofday(&tv, NULL);
	return ((double)tv.tv_sec + (double)tv.tv_usec / 1e6);
}

static void
test_limits(void)
{
	struct rules		*rs;
	struct rules_ctx	*c;
	struct rules_verdict	 v;
	struct message		*m;
	struct buf		 mail;
	double			 t0;
	int			 i;

	/* Catastrophic backtracking: (a+)+$ against a's and a b. */
	buf_init(&mail);
	buf_adds(&mail, "From: a@example.com\r\nSubject: x\r\n\r\n");
	for (i = 0; i < 5000; i++)
		buf_addc(&mail, 'a');
	buf_adds(&mail, "b\r\n");
	rs = load("rule slow {\n\twhen body ~ /^(a+)+$/\n\ttag slow\n}\n"
	    "rule after {\n\twhen all\n\ttag after\n}\n");
	m = parse(buf_cstr(&mail));
	if (rs == NULL || m == NULL) {
		ok(0, "limits: setup");
		rules_free(rs);
		message_free(m);
		buf_free(&mail);
		return;
	}
	rules_set_limits(rs, 100000, 1000);
	c = rules_ctx_new(rs);
	log_init(LOG_DEST_STDERR, LOG_LEVEL_ERROR, "test-rules");
	t0 = seconds();
	rules_eval(c, m, NULL, &v, NULL);
	ok(seconds() - t0 < 2.0, "a pathological regex ends in bounded "
	    "time (%.3f s)", seconds() - t0);
	ok(v.limits == 1, "the limit is counted");
	ok(v.ntags_add == 1 && strcmp(v.tags_add[0], "after") == 0,
	    "it counts as no match; later rules still run");
	rules_verdict_clear(&v);
	rules_ctx_free(c);
	rules_free(rs);
	message_free(m);
	buf_free(&mail);
}

/* The prefilter never changes a verdict: compare with it off. */
static void
test_prefilter(void)
{
	static const char *const mails[2] = { NULL, NULL };
	const char	*text =
	    "rule r1 {\n\twhen subject ~ /invoice|rechnung/i\n\ttag r1\n}\n"
	    "rule r2 {\n\twhen body ~ /freundlichen\\s+gr/i\n\ttag r2\n}\n"
	    "rule r3 {\n\twhen body !~ /zebra crossing/\n\ttag r3\n}\n"
	    "rule r4 {\n\twhen from ~ /example\\.de>$/\n\ttag r4\n}\n"
	    "rule r5 {\n\twhen header \"Auto-Submitted\" ~ /auto-replied/"
	    "\n\ttag r5\n}\n"
	    "rule r6 {\n\twhen subject ~ /undelivered mail/i\n\ttag r6\n}\n"
	    /* Gated by one side of an "and": never, then once each. */
	    "rule r7 {\n\twhen body !~ /zebra/ and subject ~ /zqzq/\n"
	    "\ttag r7\n}\n"
	    "rule r8 {\n\twhen body !~ /zebra/ and subject ~ "
	    "/rechnung|undelivered/i\n\ttag r8\n}\n"
	    /* Under "or" and "not": no gate. */
	    "rule r9 {\n\twhen subject ~ /zqzq/ or not subject ~ /zqzq/\n"
	    "\ttag r9\n}\n";
	struct rules		*rs;
	struct rules_ctx	*c;
	struct rules_verdict	 v1, v2;
	struct message		*m;
	size_t			 i, j;
	int			 same;

	(void)mails;
	if ((rs = load(text)) == NULL) {
		ok(0, "prefilter: load");
		return;
	}
	ok(rs->nscanners > 0 && rs->nlits > 0, "literals were found "
	    "(%u literals, %zu texts)", rs->nlits, rs->nscanners);
	ok(rs->nrules == 9 && rs->rules[6].gate != NULL &&
	    rs->rules[7].gate != NULL && rs->rules[8].gate == NULL &&
	    rs->rules[2].gate == NULL, "gates: \"and\" has one, \"or\", "
	    "\"not\" and !~ none");
	c = rules_ctx_new(rs);
	for (i = 0; i < 2; i++) {
		m = parse(i == 0 ? mail_de : mail_auto);
		rules_eval(c, m, NULL, &v1, NULL);
		rs->prefilter_off = 1;
		rules_eval(c, m, NULL, &v2, NULL);
		rs->prefilter_off = 0;
		same = v1.ntags_add == v2.ntags_add;
		for (j = 0; same && j < v1.ntags_add; j++)
			same = strcmp(v1.tags_add[j], v2.tags_add[j]) == 0;
		ok(same && v1.ntags_add == (i == 0 ? 6 : 5), "message %zu: "
		    "the same %zu tags with and without the prefilter", i,
		    v1.ntags_add);
		rules_verdict_clear(&v1);
		rules_verdict_clear(&v2);
		message_free(m);
	}
	rules_ctx_free(c);
	rules_free(rs);

	/* Caseless PCRE2 matches s to U+017F and k to U+212A: so does the
	 * prefilter. */
	if (eval("rule a {\n\twhen subject ~ /password kit/i\n\ttag hit\n}\n",
	    "From: a@example.com\r\nSubject: PA\xc5\xbf\xc5\xbfWORD "
	    "\xe2\x84\xaaIT\r\n\r\nx\r\n", NULL, &v1) == 0) {
		ok(v1.ntags_add == 1, "long s and Kelvin sign: the rule still "
		    "fires");
		verdict_free(&v1);
	}
}

static void
test_trace(void)
{
	struct rules		*rs;
	struct rules_ctx	*c;
	struct rules_verdict	 v;
	struct rules_trace	 t;
	struct message		*m;

	rs = load("rule a {\n\twhen subject ~ /nope/ or subject ~ "
	    "/B\\w+ (\\d+)/\n\ttag \"n-$1\"\n}\nrule b {\n\twhen body ~ "
	    "/zzzzz/\n}\n");
	m = parse(mail_de);
	if (rs == NULL || m == NULL) {
		ok(0, "trace: setup");
		rules_free(rs);
		message_free(m);
		return;
	}
	c = rules_ctx_new(rs);
	rules_eval(c, m, NULL, &v, &t);
	is_int(t.nrules, 2, "trace: both rules");
	if (t.nrules == 2) {
		ok(t.rules[0].fired && !t.rules[1].fired, "trace: fired");
		is_int(t.rules[0].ntests, 2, "trace: both conditions tested");
		if (t.rules[0].ntests == 2) {
			ok(t.rules[0].tests[0].skipped &&
			    !t.rules[0].tests[0].result, "trace: a test whose "
			    "literal is absent is skipped");
			is_str(t.rules[0].tests[1].what, "subject ~ "
			    "/B\\w+ (\\d+)/", "trace: the condition as "
			    "written");
			is_str(t.rules[0].tests[1].matched, "Bestellung 4711",
			    "trace: the matched text");
		}
		is_str(t.rules[0].nactions > 0 ? t.rules[0].actions[0] :
		    NULL, "tag n-4711", "trace: the action, expanded");
		is_int(t.rules[0].line, 1, "trace: the rule's line");
	}
	rules_trace_free(&t);
	rules_verdict_clear(&v);
	rules_ctx_free(c);
	rules_free(rs);
	message_free(m);
}

/* ---- the verdict described: items, words, JSON ---- */

/* What the walker yields, kept for the checks. */
struct seen_item {
	const struct rules_item	*items;
	struct rules_item	 v[64];
	size_t			 n;
};

static void
seen_add(const struct rules_item *it, void *arg)
{
	struct seen_item	*s = arg;

	if (s->n < nitems(s->v))
		s->v[s->n++] = *it;
}

static const struct rules_item *
seen_find(const struct seen_item *s, const char *key)
{
	size_t	i;

	for (i = 0; i < s->n; i++) {
		if (strcmp(s->v[i].key, key) == 0)
			return (&s->v[i]);
	}
	return (NULL);
}

/* A JSON value that says something: not null, false, 0, [] or {}. */
static int
json_says(const json_t *j)
{
	if (j == NULL || json_is_null(j) || json_is_false(j))
		return (0);
	if (json_is_integer(j))
		return (json_integer_value(j) != 0);
	if (json_is_array(j))
		return (json_array_size(j) > 0);
	if (json_is_object(j))
		return (json_object_size(j) > 0);
	return (1);
}

/* Load and evaluate, keeping the rules (the verdict points into them). */
static struct rules *
eval_keep(const char *text, const char *mail, struct rules_verdict *v)
{
	struct rules		*rs;
	struct rules_ctx	*c;
	struct message		*m;

	memset(v, 0, sizeof *v);
	if ((rs = load(text)) == NULL)
		return (NULL);
	if ((m = parse(mail)) == NULL) {
		rules_free(rs);
		return (NULL);
	}
	c = rules_ctx_new(rs);
	rules_eval(c, m, NULL, v, NULL);
	rules_ctx_free(c);
	message_free(m);
	return (rs);
}

/* Values an action is tested with, by how its arguments are written. */
static char *
sample_args(const struct rules_action_def *d, size_t i)
{
	switch (d->arg) {
	case RULES_ARG_NONE:
		return (xstrdup(""));
	case RULES_ARG_TAG:
		return (xprintf("t%zu-%s", i, d->name));
	case RULES_ARG_ADDRESS:
		return (xprintf("x%zu-%s@example.org", i, d->name));
	case RULES_ARG_PRIORITY:
		return (xstrdup("urgent"));
	case RULES_ARG_DURATION:
		return (xstrdup("1d4h30m business"));
	case RULES_ARG_VALUE:
		if (d->nargs == 2)
			return (xprintf("f%zu-%s v%zu-%s", i, d->name, i,
			    d->name));
		return (xprintf("v%zu-%s", i, d->name));
	}
	return (xstrdup(""));
}

/* Each value of sample_args (split at blanks) occurs in s. */
static int
has_values(const char *s, const char *args)
{
	char	*copy = xstrdup(args), *w, *p = copy;
	int	 r = 1;

	while ((w = strsep(&p, " ")) != NULL) {
		if (*w != '\0' && strcmp(w, "business") != 0 &&
		    strstr(s, w) == NULL)
			r = 0;
	}
	free(copy);
	return (r);
}

/*
 * Every row of the action table is complete, its keyword is a keyword
 * of the language (so the man page test sees it) and finds its row.
 */
static void
test_action_table(void)
{
	const struct rules_action_def	*d;
	enum rules_act			 act;
	size_t				 i, k;
	int				 good = 1, kw;

	for (i = 0; i < RA_NACTIONS; i++) {
		d = &rules_action_defs[i];
		if (d->name == NULL || d->apply == NULL || d->item == NULL) {
			diag("action %zu: row not filled", i);
			good = 0;
			continue;
		}
		for (kw = 0, k = 0; rules_keyword(k) != NULL; k++)
			kw |= strcmp(rules_keyword(k), d->name) == 0;
		if (!kw || rules_action_find(d->name, &act) != d ||
		    act != (enum rules_act)i) {
			diag("action %s: not a keyword or not found", d->name);
			good = 0;
		}
	}
	ok(good, "every action has a complete row, a keyword, and is found");
	ok(rules_action_find("tagg", &act) == NULL, "no row for 'tagg'");
}

/*
 * Each action alone: the verdict item its row names is set, and every
 * form (words on lines, the audit line, JSON) names that item and shows
 * the action's values. An action whose effect no form shows fails here.
 */
static void
test_describe_actions(void)
{
	const struct rules_action_def	*d;
	const struct rules_item		*it;
	struct seen_item		 seen;
	struct rules_verdict		 v;
	struct rules			*rs;
	json_t				*j;
	char				*args, *text, *lines, *audit, *js;
	size_t				 i;
	int				 good;

	for (i = 0; i < RA_NACTIONS; i++) {
		d = &rules_action_defs[i];
		args = sample_args(d, i);
		text = xprintf("rule \"r-%s\" {\n\twhen subject ~ /Rechnung/\n"
		    "\t%s %s\n}\n", d->name, d->name, args);
		rs = eval_keep(text, mail_de, &v);
		free(text);
		if (rs == NULL) {
			ok(0, "%s: loads", d->name);
			free(args);
			continue;
		}
		memset(&seen, 0, sizeof seen);
		rules_verdict_each(&v, seen_add, &seen);
		it = seen_find(&seen, d->item);
		ok(it != NULL && it->set, "%s: the verdict item %s is set",
		    d->name, d->item);
		lines = rules_verdict_text(&v, RULES_TEXT_LINES);
		audit = rules_verdict_text(&v, 0);
		j = rules_verdict_json(&v);
		js = json_dumps(j, JSON_PRESERVE_ORDER);
		good = it != NULL && strstr(lines, it->label) != NULL &&
		    strstr(audit, it->label) != NULL &&
		    json_says(json_object_get(j, it->key));
		if (!ok(good, "%s: each form names %s", d->name, d->item))
			diag("lines:\n%saudit: %s\njson: %s", lines, audit, js);
		if (d->arg == RULES_ARG_DURATION)
			good = strstr(lines, "1d4h30m business hours") &&
			    strstr(audit, "1d4h30m business hours") &&
			    json_integer_value(json_object_get(j,
			    "response_time")) == ((24 + 4) * 60 + 30) * 60;
		else
			good = has_values(lines, args) &&
			    has_values(audit, args) && has_values(js, args);
		if (!ok(good, "%s: each form shows the values (%s)", d->name,
		    args))
			diag("lines:\n%saudit: %s\njson: %s", lines, audit, js);
		free(js);
		json_decref(j);
		free(lines);
		free(audit);
		free(args);
		rules_verdict_clear(&v);
		rules_free(rs);
	}
}

/* One verdict with every item set: every form names every item. */
static void
test_describe_all(void)
{
	struct seen_item	 seen;
	struct rules_verdict	 v;
	struct rules		*rs;
	struct buf		 text;
	json_t			*j;
	const char		*name;
	char			*args, *lines, *audit;
	size_t			 i, nkeys = 0;
	int			 set = 1, in_lines = 1, in_audit = 1, in_json = 1;

	buf_init(&text);
	buf_adds(&text, "rule \"everything\" {\n\twhen all\n");
	for (i = 0; i < RA_NACTIONS; i++) {
		args = sample_args(&rules_action_defs[i], i);
		buf_addf(&text, "\t%s %s\n", rules_action_defs[i].name, args);
		free(args);
	}
	buf_adds(&text, "}\n");
	rs = eval_keep(buf_cstr(&text), mail_de, &v);
	buf_free(&text);
	if (rs == NULL) {
		ok(0, "describe all: loads");
		return;
	}
	/* No action makes a regex give up: note one by hand. */
	v.limits = 2;
	v.limited = xcalloc(1, sizeof *v.limited);
	v.limited[0].name = "slow";
	v.limited[0].file = "t.rules";
	v.limited[0].line = 7;
	v.limited[0].error = xstrdup("match limit exceeded");
	v.nlimited = 1;

	memset(&seen, 0, sizeof seen);
	rules_verdict_each(&v, seen_add, &seen);
	lines = rules_verdict_text(&v, RULES_TEXT_LINES);
	audit = rules_verdict_text(&v, 0);
	j = rules_verdict_json(&v);
	for (i = 0; i < seen.n; i++) {
		const struct rules_item	*it = &seen.v[i];

		if (!it->set) {
			diag("item %s not set", it->key);
			set = 0;
		}
		/* On the audit line the rules that fired go by name. */
		name = it->kind == RULES_ITEM_RULES ? "\"everything\"" :
		    it->label;
		if (strstr(lines, it->label) == NULL) {
			diag("words on lines lack %s", it->label);
			in_lines = 0;
		}
		if (strstr(audit, name) == NULL) {
			diag("the audit line lacks %s", name);
			in_audit = 0;
		}
		if (!json_says(json_object_get(j, it->key)) ||
		    (it->key2 != NULL && json_object_get(j, it->key2) ==
		    NULL)) {
			diag("JSON lacks %s", it->key);
			in_json = 0;
		}
		nkeys += it->key2 != NULL ? 2 : 1;
	}
	ok(seen.n >= RA_NACTIONS / 2 && set, "every action at once: all %zu "
	    "items set", seen.n);
	ok(in_lines, "rules test's words name every item");
	ok(in_audit, "the audit line names every item");
	ok(in_json, "JSON names every item");
	is_int(json_object_size(j), nkeys, "JSON holds the items and no more");
	ok(strstr(lines, "2 regular expressions gave up in \"slow\" "
	    "(t.rules:7: match limit exceeded)") != NULL &&
	    strstr(audit, "warning 2 regular expressions gave up in \"slow\" "
	    "(t.rules:7: match limit exceeded)") != NULL,
	    "limits: how many, and where, in words");
	ok(strstr(lines, "  rules fired:    \"everything\" (t.rules:1)\n") !=
	    NULL && strncmp(audit, "\"everything\" (t.rules:1); ", 26) == 0,
	    "the rule and its place come first");
	ok(strchr(audit, '\n') == NULL, "the audit is one line");
	json_decref(j);
	free(lines);
	free(audit);
	rules_verdict_clear(&v);
	rules_free(rs);
}

/* Durations: seconds in JSON, as the rule language writes them in words. */
static void
test_describe_durations(void)
{
	static const struct {
		const char	*rule;
		const char	*words;
		long long	 seconds;
	} t[] = {
		{ "30m", "30m", 30 * 60 },
		{ "90m", "1h30m", 90 * 60 },
		{ "4h", "4h", 4 * 3600 },
		{ "2d", "2d", 2 * 86400 },
		{ "1d12h", "1d12h", 36 * 3600 },
		{ "1w", "7d", 7 * 86400 },
	};
	struct rules_verdict	 v;
	struct rules		*rs;
	json_t			*j;
	char			*text, *lines, *audit, *want;
	size_t			 i;

	for (i = 0; i < nitems(t); i++) {
		text = xprintf("rule d {\n\trespond-within %s\n}\n",
		    t[i].rule);
		rs = eval_keep(text, mail_de, &v);
		free(text);
		if (rs == NULL) {
			ok(0, "duration %s: loads", t[i].rule);
			continue;
		}
		lines = rules_verdict_text(&v, RULES_TEXT_LINES);
		audit = rules_verdict_text(&v, 0);
		j = rules_verdict_json(&v);
		want = xprintf("respond within: %s calendar hours\n",
		    t[i].words);
		ok(strstr(lines, want) != NULL, "respond-within %s: \"%s\" in "
		    "words", t[i].rule, t[i].words);
		free(want);
		want = xprintf("; respond within %s calendar hours",
		    t[i].words);
		ok(strstr(audit, want) != NULL, "respond-within %s: the same "
		    "on the audit line", t[i].rule);
		free(want);
		is_int(json_integer_value(json_object_get(j, "response_time")),
		    t[i].seconds, "respond-within %s: seconds in JSON",
		    t[i].rule);
		json_decref(j);
		free(lines);
		free(audit);
		rules_verdict_clear(&v);
		rules_free(rs);
	}
}

/*
 * Strings from mail go to a terminal made safe, the same way in every
 * item; JSON keeps them as they are (escaped by JSON).
 */
static void
test_describe_safe(void)
{
	static const char *const mail =
	    "From: a@example.com\r\n"
	    "Subject: safe\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "\r\n"
	    "Name: Evil\x1b[2J \xe2\x80\xaename\r\n";
	struct rules_verdict	 v;
	struct rules		*rs;
	json_t			*j;
	const char		*q;
	char			*lines, *audit;

	rs = eval_keep("rule s {\n\twhen body ~ /Name: (?<s>[^\\r\\n]+)/\n"
	    "\tqueue \"$s\"\n\tassign \"$s\"\n\tack \"$s\"\n\tnote \"$s\"\n"
	    "\tset \"$s\" \"$s\"\n\tescalate \"$s\"\n\ttag \"$s\"\n}\n", mail,
	    &v);
	if (rs == NULL || v.queue == NULL || strchr(v.queue, 0x1b) == NULL) {
		ok(0, "safe: the capture holds the escape (%s)", v.queue ?
		    v.queue : "no queue");
		rules_verdict_clear(&v);
		rules_free(rs);
		return;
	}
	lines = rules_verdict_text(&v, RULES_TEXT_LINES);
	audit = rules_verdict_text(&v, 0);
	j = rules_verdict_json(&v);
	ok(strchr(lines, 0x1b) == NULL && strstr(lines, "\xe2\x80\xae") ==
	    NULL, "words: no escape, no bidi override from mail");
	ok(strchr(audit, 0x1b) == NULL && strstr(audit, "\xe2\x80\xae") ==
	    NULL, "audit line: no escape, no bidi override from mail");
	/* queue, assign, ack template, note, set (name and value), escalate. */
	ok(strstr(lines, "queue:          Evil?[2J ?name\n") != NULL &&
	    strstr(lines, "assign:         Evil?[2J ?name\n") != NULL &&
	    strstr(lines, "note:           Evil?[2J ?name\n") != NULL &&
	    strstr(lines, "set:            Evil?[2J ?name = Evil?[2J ?name\n")
	    != NULL, "each string made safe the same way");
	q = json_string_value(json_object_get(j, "queue"));
	ok(q != NULL && strcmp(q, v.queue) == 0, "JSON keeps the string");
	json_decref(j);
	free(lines);
	free(audit);
	rules_verdict_clear(&v);
	rules_free(rs);
}

/* No rule fired: rules test says so, the audit has nothing to say. */
static void
test_describe_none(void)
{
	struct rules_verdict	 v;
	char			*s;

	memset(&v, 0, sizeof v);
	s = rules_verdict_text(&v, RULES_TEXT_LINES);
	is_str(s, "  rules fired:    none\n", "nothing fired: words");
	free(s);
	s = rules_verdict_text(&v, 0);
	is_str(s, "", "nothing fired: no audit text");
	free(s);
}

int
main(void)
{
#ifdef RUNNING_ON_VALGRIND
	/* valgrind cannot follow JIT code's aligned reads (see helpq). */
	rules_use_jit(!RUNNING_ON_VALGRIND);
#endif
	test_keywords();
	test_conditions();
	test_actions();
	test_captures();
	test_errors();
	test_error_report();
	test_files();
	test_limits();
	test_prefilter();
	test_trace();
	test_action_table();
	test_describe_actions();
	test_describe_all();
	test_describe_durations();
	test_describe_safe();
	test_describe_none();
	message_thread_end();
	return (done_testing());
}
