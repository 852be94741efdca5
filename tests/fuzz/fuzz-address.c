/*
 * helpq - fuzz-address.c: libFuzzer harness for address lists. The
 * input is one field value; every mailbox read from it must be valid
 * UTF-8 with no control character in its address or name, and the
 * mailboxes the composer can write must come back exactly: composed
 * into a To field, parsed again, the same names and addresses in the
 * same order.
 *
 * Build (as tests/fuzz/run does for the message parser), with a
 * libhelpq.a compiled by clang -fsanitize=fuzzer-no-link,address,undefined:
 *   clang -fsanitize=fuzzer,address,undefined -Iinclude -Isrc -I$BUILD \
 *       tests/fuzz/fuzz-address.c $BUILD/libhelpq.a <its libraries>
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "compose.h"
#include "message.h"
#include "utf8.h"
#include "../../src/message_private.h"
#include "xmalloc.h"

/* Mailboxes composed per input: enough for folding, few for speed. */
#define FUZZ_ADDRS	64

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Valid UTF-8 without C0, DEL or (with c1) C1 controls. */
static void
check_clean(const char *s, int c1)
{
	const unsigned char	*p;

	if (s == NULL)
		return;
	if (!utf8_valid(s, strlen(s)))
		abort();
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			abort();
		if (c1 && p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f)
			abort();
	}
}

static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp(a, b) == 0);
}

/* Compose the n mailboxes in v into a To field and read them back. */
static void
roundtrip(const struct compose_addr *v, size_t n)
{
	struct compose_mail	 m;
	struct message		*msg;
	char			*raw, *cause = NULL;
	size_t			 len, i;

	memset(&m, 0, sizeof m);
	m.from.addr = "support@example.com";
	m.to = v;
	m.n_to = n;
	m.subject = "s";
	m.date = 1795000000;
	m.message_id = "id@example.com";
	m.body = "b";
	if ((raw = compose_mail(&m, &len, &cause)) == NULL)
		abort();	/* every address passed compose_addr_ok */
	if (message_parse(raw, len, &msg, &cause) != 0)
		abort();
	if (msg->to.n != n)
		abort();
	for (i = 0; i < n; i++) {
		if (!same(msg->to.v[i].name, v[i].name) ||
		    strcmp(msg->to.v[i].addr, v[i].addr) != 0)
			abort();
	}
	message_free(msg);
	free(raw);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg_addrs	 as = { NULL, 0 };
	struct compose_addr	 v[FUZZ_ADDRS];
	size_t			 i, n = 0;

	if (size > 8192)
		return (0);
	message_addr_parse(&as, (const char *)data, size, NULL);
	for (i = 0; i < as.n; i++) {
		check_clean(as.v[i].addr, 1);
		check_clean(as.v[i].name, 1);
		if (as.v[i].name != NULL && *as.v[i].name == '\0')
			abort();
		if (n < FUZZ_ADDRS && compose_addr_ok(as.v[i].addr)) {
			v[n].name = as.v[i].name;
			v[n].addr = as.v[i].addr;
			n++;
		}
	}
	if (n > 0)
		roundtrip(v, n);
	for (i = 0; i < as.n; i++) {
		free(as.v[i].name);
		free(as.v[i].addr);
	}
	free(as.v);
	return (0);
}
