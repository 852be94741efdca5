/*
 * helpq - test-address.c: what the composer writes into To, From and Cc
 * reads back the same: many generated (name, address) pairs, with names
 * full of quotes, backslashes, commas, parentheses, angle brackets,
 * encoded-word look-alikes, control characters, non-ASCII and length,
 * composed and parsed again give the same names (as compose_header_text
 * makes them one line) and the same addresses.
 */
#include "compat.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "compose.h"
#include "message.h"
#include "xmalloc.h"
#include "../tap.h"

#define ROUNDS		2000	/* generated fields */
#define PER_FIELD	5	/* mailboxes at most in one field */

/* The pieces names are made of: every one is hard for some reader. */
static const char *const name_parts[] = {
	"Anna", "Smith", " ", "  ", "\"", "\\", "\\\"", ",", ";", ":", "(",
	")", "(Support)", "<", ">", "<anna@example.com>", "@", ".", "[",
	"]", "=?", "?=", "=?utf-8?q?x?=", "=?UTF-8?B?w6k=?=", "\t", "\r\n",
	"\x1b[31m", "\x07", "\x7f", "\xc3\xa9", "J\xc3\xb6rg", "\xe9",
	"\xe9\x99\x88\xe5\x8d\x8e", "\xf0\x9f\x98\x80", "\xc2\x85",
	"\xe2\x80\xa8", "'", "O'Neil", "-", "_", "!", "#", "%", "a b",
	"\"Anna (Support) <anna@example.com>\"", "MAILER-DAEMON", "x"
};

static const char *const locals[] = {
	"anna", "a.b", "o'neil", "x+tag", "a_b", "K", "first.last",
	"u-1", "a!b", "a#b", "a$b", "a%b", "a&b", "a*b", "a=b", "a?b",
	"a^b", "a`b", "a{b}", "a|b", "a~b", "123"
};

static const char *const domains[] = {
	"example.com", "mail.example.org", "x-y.example", "a.b.c.d.example",
	"EXAMPLE.NET", "xn--bcher-kva.example", "1.example"
};

static uint64_t	rng = 0x9e3779b97f4a7c15ULL;

static size_t
pick(size_t n)
{
	/* xorshift64*: the same cases on every run. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return ((size_t)((rng * 0x2545f4914f6cdd1dULL) >> 33) % n);
}

/* A generated name (allocated), sometimes very long, sometimes NULL. */
static char *
gen_name(void)
{
	struct buf	b;
	size_t		i, n;

	if (pick(10) == 0)
		return (NULL);
	n = pick(20) == 0 ? 200 + pick(300) : 1 + pick(8);
	buf_init(&b);
	for (i = 0; i < n; i++)
		buf_adds(&b, name_parts[pick(nitems(name_parts))]);
	return (buf_steal(&b, NULL));
}

static char *
gen_addr(void)
{
	return (xprintf("%s@%s", locals[pick(nitems(locals))],
	    domains[pick(nitems(domains))]));
}

/* What the name must read back as: one line, or NULL when empty. */
static char *
want_name(const char *name)
{
	char	*w;

	if (name == NULL)
		return (NULL);
	w = compose_header_text(name);
	if (*w == '\0') {
		free(w);
		return (NULL);
	}
	return (w);
}

static char *
lower(const char *s)
{
	char	*l = xstrdup(s), *p;

	for (p = l; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p += 'a' - 'A';
	}
	return (l);
}

static int
same(const char *a, const char *b)
{
	return (a == NULL || b == NULL ? a == b : strcmp(a, b) == 0);
}

/* Compose one field of n generated mailboxes; 0 if it reads back. */
static int
one_round(int round)
{
	struct compose_mail	 m;
	struct compose_addr	 v[PER_FIELD];
	struct message		*msg = NULL;
	const struct msg_addrs	*got;
	char			*names[PER_FIELD], *addrs[PER_FIELD];
	char			*raw = NULL, *cause = NULL, *wn, *wa;
	size_t			 n = 1 + pick(PER_FIELD), ngen = n, i, len;
	int			 good = 1, field = round % 3;

	for (i = 0; i < n; i++) {
		v[i].name = names[i] = gen_name();
		v[i].addr = addrs[i] = gen_addr();
	}
	memset(&m, 0, sizeof m);
	m.from.name = "Example Support";
	m.from.addr = "support@example.com";
	m.to = v;
	m.n_to = n;
	m.subject = "s";
	m.date = 1795000000;
	m.message_id = "id@example.com";
	m.body = "b";
	/* From takes one mailbox; To and Cc take the list. */
	if (field == 0) {
		m.from = v[0];
		n = 1;
		m.to = &m.from;
		m.n_to = 1;
	} else if (field == 2) {
		m.cc = v;
		m.n_cc = n;
	}
	if ((raw = compose_mail(&m, &len, &cause)) == NULL) {
		diag("round %d: compose: %s", round, cause);
		free(cause);
		good = 0;
		goto out;
	}
	if (message_parse(raw, len, &msg, &cause) != 0) {
		diag("round %d: parse: %s", round, cause);
		free(cause);
		good = 0;
		goto out;
	}
	got = field == 0 ? &msg->from : field == 1 ? &msg->to : &msg->cc;
	if (got->n != n) {
		diag("round %d: %zu mailboxes for %zu in:\n%s", round, got->n,
		    n, raw);
		good = 0;
	}
	for (i = 0; good && i < n; i++) {
		wn = want_name(v[i].name);
		wa = lower(v[i].addr);
		if (!same(got->v[i].name, wn) || strcmp(got->v[i].addr,
		    wa) != 0) {
			diag("round %d: [%zu] got \"%s\" <%s>, want \"%s\" "
			    "<%s> from:\n%s", round, i, got->v[i].name ?
			    got->v[i].name : "(null)", got->v[i].addr,
			    wn ? wn : "(null)", wa, raw);
			good = 0;
		}
		free(wn);
		free(wa);
	}
out:
	for (i = 0; i < ngen; i++) {
		free(names[i]);
		free(addrs[i]);
	}
	message_free(msg);
	free(raw);
	return (good);
}

/* A NUL byte in an addr-spec drops that mailbox, as any control does. */
static void
nul_in_address(void)
{
	static const char raw[] = "From: a@example.org\r\nTo: Anna "
	    "<an\0na@example.com>, b\0@example.com, c@example.com\r\n\r\n"
	    "body\r\n";
	struct message	*msg;
	char		*cause = NULL;

	if (message_parse(raw, sizeof raw - 1, &msg, &cause) != 0) {
		ok(0, "NUL in an address: %s", cause);
		free(cause);
		return;
	}
	ok(msg->to.n == 1 && strcmp(msg->to.v[0].addr, "c@example.com") == 0,
	    "NUL in an address drops that mailbox only (%zu left)", msg->to.n);
	message_free(msg);
}

/* A To field of unit repeated to 64 KB parses in linear time. */
static void
hostile(const char *unit, const char *what)
{
	struct message	*msg;
	struct buf	 raw;
	struct timespec	 t0, t1;
	char		*cause = NULL;
	double		 secs;
	int		 parsed;

	buf_init(&raw);
	buf_adds(&raw, "From: a@example.org\r\nTo: ");
	while (raw.len < 64 * 1024)
		buf_adds(&raw, unit);
	buf_adds(&raw, "\r\n\r\nbody\r\n");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	parsed = message_parse(raw.data, raw.len, &msg, &cause) == 0;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ok(parsed && secs < 0.5, "hostile To (%s): %zu mailboxes in %.3f s",
	    what, parsed ? msg->to.n : 0, secs);
	if (parsed)
		message_free(msg);
	free(cause);
	buf_free(&raw);
}

int
main(void)
{
	int	round, bad = 0;

	for (round = 0; round < ROUNDS; round++) {
		if (!one_round(round) && ++bad >= 5)
			break;
	}
	ok(bad == 0, "%d generated From, To and Cc fields read back the "
	    "same (%d failed)", round, bad);
	nul_in_address();
	hostile("(", "one open comment, nested 64 K deep");
	hostile("()", "empty comments");
	hostile("<() @", "routes and comments, never closed");
	hostile("\"", "quotes");
	hostile("<", "open brackets");
	hostile("a@b.example,", "1,000 addresses and more");
	hostile("a.", "a 64 KB local part");
	hostile("g:", "group starts");
	hostile("=?utf-8?q?=C3=A9?= ", "encoded-words in one name");
	return (done_testing());
}
