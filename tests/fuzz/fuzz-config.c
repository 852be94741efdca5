/*
 * helpq - fuzz-config.c: the input is a configuration file. A file that
 * loads yields a configuration whose promises hold; one that does not
 * says file:line:column.
 */
#include "fuzz.h"

#include "config.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	 c;
	const char	*path;
	char		*cause = NULL;
	size_t		 i;

	fuzz_file(data, size, &path);
	config_defaults(&c);
	if (config_load(&c, path, &cause) != 0) {
		FUZZ_ASSERT(cause != NULL &&
		    strncmp(cause, path, strlen(path)) == 0);
		free(cause);
		config_clear(&c);
		return (0);
	}
	FUZZ_ASSERT(c.token_prefix != NULL);
	FUZZ_ASSERT(strlen(c.token_prefix) >= 1 &&
	    strlen(c.token_prefix) <= 16);
	FUZZ_ASSERT(c.subject_window >= 0 && c.reopen_window >= 0);
	for (i = 0; i < c.nagents; i++)
		FUZZ_ASSERT(config_is_agent(&c, c.agents[i]) ||
		    c.agents[i][0] == '@');
	if (c.address != NULL)
		FUZZ_ASSERT(config_is_agent(&c, c.address));
	(void)config_is_agent(&c, "someone@example.org");
	config_clear(&c);
	return (0);
}
