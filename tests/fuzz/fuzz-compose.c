/*
 * helpq - fuzz-compose.c: outgoing mail from hostile parts. The input is
 * "SUBJECT\0FROMNAME\0TONAME\0TOADDR\0TO2NAME\0TO2ADDR\0CCNAME\0CCADDR\0
 * REPLYTO\0INREPLYTO\0REF\0LANGUAGE\0BODY" (an empty address leaves that
 * mailbox out). What compose_mail writes must be CRLF-only lines within
 * 998 octets, 7-bit header lines, no header field but its own, and parse
 * back to the same addresses, names and subject.
 */
#include "fuzz.h"

#include <strings.h>

#include "compose.h"
#include "message.h"

enum { F_SUBJECT, F_FROMNAME, F_TONAME, F_TOADDR, F_TO2NAME, F_TO2ADDR,
	F_CCNAME, F_CCADDR, F_REPLYTO, F_INREPLYTO, F_REF, F_LANGUAGE,
	F_BODY, F_N };

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	setenv("TZ", "Europe/Athens", 1);
	return (0);
}

/* The fields compose_mail writes, and the extra one given it here. */
static int
field_known(const char *name, size_t n)
{
	static const char *const known[] = {
		"Auto-Submitted", "Cc", "Content-Language",
		"Content-Transfer-Encoding", "Content-Type", "Date", "From",
		"In-Reply-To", "MIME-Version", "Message-ID", "References",
		"Reply-To", "Subject", "To", "X-Helpq-Ticket"
	};
	size_t	i;

	for (i = 0; i < nitems(known); i++) {
		if (strlen(known[i]) == n && strncmp(name, known[i], n) == 0)
			return ((int)i + 1);
	}
	return (0);
}

/* The wire format: returns the header's length (to the empty line). */
static size_t
check_lines(const char *raw, size_t len)
{
	const char	*p = raw, *end = raw + len, *nl, *colon, *q;
	size_t		 hlen = 0;
	int		 head = 1, k;
	unsigned	 seen = 0;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		FUZZ_ASSERT(nl != NULL && nl > p && nl[-1] == '\r');
		FUZZ_ASSERT(memchr(p, '\r', (size_t)(nl - 1 - p)) == NULL);
		FUZZ_ASSERT(nl - 1 - p <= 998);
		if (head && nl - 1 == p) {
			head = 0;
			hlen = (size_t)(p - raw);
		} else if (head) {
			for (q = p; q < nl - 1; q++)
				FUZZ_ASSERT((*q >= ' ' && *q <= '~') ||
				    *q == '\t');
			if (*p != ' ' && *p != '\t') {
				colon = memchr(p, ':', (size_t)(nl - p));
				FUZZ_ASSERT(colon != NULL);
				k = field_known(p, (size_t)(colon - p));
				FUZZ_ASSERT(k != 0);
				FUZZ_ASSERT((seen & (1u << k)) == 0);
				seen |= 1u << k;
			}
		}
		p = nl + 1;
	}
	FUZZ_ASSERT(!head);
	return (hlen);
}

/* What the customer wrote, as the header can say it: one line, or no
 * display name at all when nothing printable is left. */
static int
same_text(const char *got, const char *wrote)
{
	char	*want = compose_header_text(wrote);
	int	 same;

	same = strcmp(got != NULL ? got : "", want) == 0;
	if (!same)
		fprintf(stderr, "wrote \"%s\", read back \"%s\"\n", want,
		    got != NULL ? got : "(null)");
	free(want);
	return (same);
}

static void
check_addrs(const struct msg_addrs *got, const struct compose_addr *v,
    size_t n)
{
	size_t	i;

	FUZZ_ASSERT(got->n == n);
	for (i = 0; i < n; i++) {
		FUZZ_ASSERT(strcasecmp(got->v[i].addr, v[i].addr) == 0);
		FUZZ_ASSERT(same_text(got->v[i].name, v[i].name));
	}
}

/* A mailbox from two fields, when the address is not empty. */
static size_t
mailbox(struct compose_addr *to, size_t n, const char *name,
    const char *addr)
{
	if (*addr == '\0')
		return (n);
	to[n].name = name;
	to[n].addr = addr;
	return (n + 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const extra[] = { "X-Helpq-Ticket: 4242" };
	struct compose_mail	 m;
	struct compose_addr	 to[2], cc[1];
	struct message		*msg = NULL;
	const char		*f[F_N], *refs[1];
	char			*copy, *raw, *cause = NULL;
	size_t			 len;

	copy = fuzz_fields(data, size, f, F_N);
	memset(&m, 0, sizeof m);
	m.from.name = f[F_FROMNAME];
	m.from.addr = "support@example.com";
	m.n_to = mailbox(to, 0, f[F_TONAME], f[F_TOADDR]);
	m.n_to = mailbox(to, m.n_to, f[F_TO2NAME], f[F_TO2ADDR]);
	m.to = to;
	m.n_cc = mailbox(cc, 0, f[F_CCNAME], f[F_CCADDR]);
	m.cc = cc;
	m.reply_to = *f[F_REPLYTO] != '\0' ? f[F_REPLYTO] : NULL;
	m.subject = f[F_SUBJECT];
	m.date = 1795000000;
	m.message_id = "helpq.1.2.0123456789abcdef@example.com";
	m.in_reply_to = f[F_INREPLYTO];
	refs[0] = f[F_REF];
	m.references = refs;
	m.nreferences = 1;
	m.auto_submitted = "auto-replied";
	m.language = f[F_LANGUAGE];
	m.extra = extra;
	m.nextra = nitems(extra);
	m.body = f[F_BODY];
	if ((raw = compose_mail(&m, &len, &cause)) == NULL) {
		FUZZ_ASSERT(cause != NULL && strchr(cause, '\n') == NULL);
		free(cause);
		free(copy);
		return (0);
	}
	if (getenv("HELPQ_FUZZ_VERBOSE") != NULL)
		fwrite(raw, 1, len, stderr);
	FUZZ_ASSERT(strlen(raw) == len);
	check_lines(raw, len);
	FUZZ_ASSERT(message_parse(raw, len, &msg, &cause) == 0);
	FUZZ_ASSERT(msg->from.n == 1 &&
	    strcmp(msg->from.v[0].addr, "support@example.com") == 0);
	FUZZ_ASSERT(same_text(msg->from.v[0].name, m.from.name));
	check_addrs(&msg->to, to, m.n_to);
	check_addrs(&msg->cc, cc, m.n_cc);
	if (m.reply_to != NULL)
		FUZZ_ASSERT(msg->reply_to.n == 1 && strcasecmp(
		    msg->reply_to.v[0].addr, m.reply_to) == 0);
	FUZZ_ASSERT(same_text(msg->subject, m.subject));
	if (msg->in_reply_to != NULL)
		FUZZ_ASSERT(strcmp(msg->in_reply_to, m.in_reply_to) == 0);
	message_free(msg);
	free(raw);
	free(copy);
	return (0);
}
