/*
 * helpq - fuzz-mbox.c: mbox splitting (source_local). The input is the
 * mbox file ("From " is put in front when it lacks one, so the mbox
 * reader runs); every message handed out must lie inside the file, in
 * order, without overlap, as many as the source counted.
 */
#include "fuzz.h"

#include "source.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct source		*s;
	struct source_item	 item;
	const char		*path, *at;
	char			*buf, *cause = NULL;
	size_t			 len, n = 0, off = 0;
	int			 rc;

	if (size < 5 || memcmp(data, "From ", 5) != 0) {
		len = size + 7;
		buf = xmalloc(len);
		memcpy(buf, "From x\n", 7);
		memcpy(buf + 7, data, size);
	} else {
		len = size;
		buf = xmalloc(len);
		memcpy(buf, data, size);
	}
	fuzz_file(buf, len, &path);
	if (source_local_open(path, &s, &cause) != 0) {
		free(cause);
		free(buf);
		return (0);
	}
	while ((rc = source_next(s, &item, &cause)) == 0) {
		n++;
		FUZZ_ASSERT(item.where != NULL);
		/* The message's bytes are the file's, after the previous
		 * message's (memmem reads each: the sanitizers check). */
		FUZZ_ASSERT(item.len <= len - off);
		if (item.len == 0)
			continue;
		at = memmem(buf + off, len - off, item.data, item.len);
		FUZZ_ASSERT(at != NULL);
		off = (size_t)(at - buf) + item.len;
	}
	FUZZ_ASSERT(rc == 1);
	/* A last "From " line without a newline is counted but holds no
	 * message: the count is for progress, so at most one too many. */
	FUZZ_ASSERT(n <= s->total && s->total <= n + 1);
	source_close(s);
	free(buf);
	return (0);
}
