/*
 * helpq - fuzz-thread.c: the subject normaliser and the ticket-token
 * finder. The input is "PREFIX\0SUBJECT\0NUMBER" (a prefix the
 * configuration refuses is replaced by "#").
 */
#include "fuzz.h"

#include "config.h"
#include "message.h"
#include "thread.h"
#include "utf8.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return (0);
}

/*
 * The prefix as the configuration would hold it ("token-prefix = P"), or
 * NULL when helpq.conf would refuse it: the finder must find every token
 * a valid configuration makes.
 */
static char *
configured_prefix(const char *p)
{
	struct config	 c;
	const char	*path;
	char		*text, *cause = NULL, *prefix = NULL;

	text = xprintf("[thread]\ntoken-prefix = %s\n", p);
	fuzz_file(text, strlen(text), &path);
	free(text);
	config_defaults(&c);
	if (config_load(&c, path, &cause) == 0)
		prefix = xstrdup(c.token_prefix);
	free(cause);
	config_clear(&c);
	return (prefix);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*f[3];
	char		*copy, *prefix, *norm, *token, *re;
	int64_t		 n, want;

	copy = fuzz_fields(data, size, f, 3);
	if (strchr(f[0], '\n') != NULL ||
	    (prefix = configured_prefix(f[0])) == NULL)
		prefix = xstrdup("#");

	norm = thread_subject_normalise(f[1], prefix);
	FUZZ_ASSERT(norm != NULL);
	if (utf8_valid(f[1], strlen(f[1])))
		FUZZ_ASSERT(utf8_valid(norm, strlen(norm)));
	free(norm);

	n = thread_token_find(f[1], prefix);
	FUZZ_ASSERT(n >= 0);

	/* A token helpq writes is found again, alone and in a reply (the
	 * finder takes numbers past 2^53 for absurd; no store gets there). */
	want = strtoll(f[2], NULL, 10);
	if (want > 0 && want < (int64_t)1 << 53) {
		token = thread_token(prefix, want);
		FUZZ_ASSERT(thread_token_find(token, prefix) == want);
		re = xprintf("Re: %s", token);
		FUZZ_ASSERT(thread_token_find(re, prefix) == want);
		free(re);
		free(token);
	}
	free(prefix);
	free(copy);
	return (0);
}
