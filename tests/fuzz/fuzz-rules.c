/*
 * helpq - fuzz-rules.c: the input is a rule file; when it compiles it is
 * evaluated, with and without an explanation, against a few fixed
 * messages (ASCII, Greek and German UTF-8, a list mail with attachment).
 */
#include "fuzz.h"

#include "message.h"
#include "rules.h"

static const char *const mails[] = {
	"From: Anna Kunde <anna@example.org>\n"
	"To: support@example.com\n"
	"Subject: Re: Bestellung 12345 nicht angekommen [#42]\n"
	"Message-ID: <a1@example.org>\n"
	"Content-Language: de\n"
	"\n"
	"Hallo, meine Rechnung fehlt. Bestellnummer: 12345\n",

	"From: =?UTF-8?B?zpzOsc+Bzq/OsQ==?= <maria@example.gr>\n"
	"To: support@example.com, other@example.net\n"
	"Cc: boss@example.gr\n"
	"Reply-To: maria.reply@example.gr\n"
	"Subject: =?UTF-8?Q?=CF=80=CE=B1=CF=81=CE=AC=CF=80=CE=BF=CE=BD=CE=BF?=\n"
	"Content-Type: text/plain; charset=utf-8\n"
	"\n"
	"Το δέμα δεν έφτασε. παράπονο!\n",

	"From: list@lists.example.net\n"
	"To: support@example.com\n"
	"Subject: [announce] weekly digest\n"
	"List-Id: <announce.lists.example.net>\n"
	"Precedence: bulk\n"
	"Auto-Submitted: auto-generated\n"
	"MIME-Version: 1.0\n"
	"Content-Type: multipart/mixed; boundary=b\n"
	"\n"
	"--b\n"
	"Content-Type: text/html\n"
	"\n"
	"<p>Unsubscribe <b>here</b></p>\n"
	"--b\n"
	"Content-Type: application/pdf; name=invoice.pdf\n"
	"Content-Disposition: attachment; filename=invoice.pdf\n"
	"Content-Transfer-Encoding: base64\n"
	"\n"
	"JVBERi0xLjQK\n"
	"--b--\n",
};
static struct message	*msgs[nitems(mails)];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	*cause = NULL;
	size_t	 i;

	fuzz_quiet();
	for (i = 0; i < nitems(mails); i++) {
		if (message_parse(mails[i], strlen(mails[i]), &msgs[i],
		    &cause) != 0)
			abort();
	}
	return (0);
}

static void
check_verdict(const struct rules_verdict *v, const struct rules *rs)
{
	const char	*p;
	size_t		 i, j;

	FUZZ_ASSERT(v->nfired <= rules_count(rs));
	/* rules.h: tags are lower case and unique within tags_add. */
	for (i = 0; i < v->ntags_add; i++) {
		for (p = v->tags_add[i]; *p != '\0'; p++)
			FUZZ_ASSERT(*p < 'A' || *p > 'Z');
		for (j = 0; j < i; j++)
			FUZZ_ASSERT(strcmp(v->tags_add[i],
			    v->tags_add[j]) != 0);
	}
	for (i = 0; i < v->nfired; i++)
		FUZZ_ASSERT(v->fired[i].name != NULL &&
		    v->fired[i].file != NULL);
	FUZZ_ASSERT(v->priority <= RULES_PRIO_URGENT);
	if (v->priority != RULES_PRIO_UNSET)
		FUZZ_ASSERT(rules_priority_name(v->priority) != NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const langs[] = { NULL, "de", "el" };
	struct rules		*rs = NULL;
	struct rules_ctx	*ctx;
	struct rules_verdict	 v;
	struct rules_trace	 trace;
	struct rules_facts	 facts;
	char			*text, *errors = NULL;
	size_t			 i;

	text = xstrndup((const char *)data, size);
	if (rules_load_string("fuzz.rules", text, &rs, &errors) != 0) {
		/* Every error names the file, line and column. */
		FUZZ_ASSERT(errors != NULL &&
		    strncmp(errors, "fuzz.rules:", 11) == 0);
		free(errors);
		free(text);
		return (0);
	}
	free(text);
	(void)rules_uses_language(rs);
	ctx = rules_ctx_new(rs);
	for (i = 0; i < nitems(msgs); i++) {
		facts.new_ticket = (int)(i & 1);
		facts.customer_tickets = (int64_t)i;
		facts.language = langs[i];
		memset(&v, 0, sizeof v);
		rules_eval(ctx, msgs[i], i == 0 ? NULL : &facts, &v, NULL);
		check_verdict(&v, rs);
		rules_verdict_clear(&v);
		memset(&trace, 0, sizeof trace);
		rules_eval(ctx, msgs[i], &facts, &v, &trace);
		check_verdict(&v, rs);
		FUZZ_ASSERT(trace.nrules <= rules_count(rs));
		rules_trace_free(&trace);
		rules_verdict_clear(&v);
	}
	rules_ctx_free(ctx);
	rules_free(rs);
	return (0);
}
