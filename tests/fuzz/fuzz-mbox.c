/*
 * helpq - fuzz-mbox.c: mbox splitting (source_local). The input is the
 * mbox file ("From " is put in front when it lacks one, so the mbox
 * reader runs); every message handed out must be the file's bytes after
 * its "From " line, in order, without overlap, the last one to the end. The file is a
 * real one in a directory of its own, not a memfd: the reader takes a
 * dotlock beside it, and where it cannot it refuses to read at all.
 */
#include "fuzz.h"

#include <fcntl.h>

#include "source.h"

static char	 mbox_path[64];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	dir[] = "/tmp/helpq-fuzz-mbox.XXXXXX";

	fuzz_quiet();
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(mbox_path, sizeof mbox_path, "%s/mbox", dir);
	return (0);
}

/* Write the input to the mbox file. */
static void
mbox_write(const char *buf, size_t len)
{
	int	fd;

	if ((fd = open(mbox_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 || write(fd, buf, len) != (ssize_t)len ||
	    close(fd) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct source		*s;
	struct source_item	 item;
	const char		*colon, *nl;
	char			*buf, *cause = NULL;
	size_t			 len, off = 0, start, rest;
	unsigned long long	 sep;
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
	mbox_write(buf, len);
	/* A file that starts with "From " always opens as an mbox. */
	FUZZ_ASSERT(source_local_open(mbox_path, &s, &cause) == 0);
	while ((rc = source_next(s, &item, &cause)) == 0) {
		/* where is "FILE:OFFSET", the offset of the "From " line. */
		FUZZ_ASSERT(item.where != NULL &&
		    (colon = strrchr(item.where, ':')) != NULL);
		sep = strtoull(colon + 1, NULL, 10);
		/* In order, without overlap: at or after the last one's end,
		 * with at most the blank line before it in between. */
		FUZZ_ASSERT(sep >= off && sep - off <= 1 && sep + 5 <= len);
		FUZZ_ASSERT(memcmp(buf + sep, "From ", 5) == 0);
		/* The message is the file's bytes after that line (memcmp
		 * reads each: the sanitizers check). */
		nl = memchr(buf + sep, '\n', len - sep);
		FUZZ_ASSERT(nl != NULL);
		start = (size_t)(nl + 1 - buf);
		FUZZ_ASSERT(item.len <= len - start);
		FUZZ_ASSERT(memcmp(buf + start, item.data, item.len) == 0);
		off = start + item.len;
	}
	/* Every byte is read: the last message runs to the end, or what
	 * is left is a "From " line without a newline, holding nothing. */
	if (off < len) {
		rest = off + (off > 0 && buf[off] == '\n');
		FUZZ_ASSERT(len - rest >= 5 &&
		    memcmp(buf + rest, "From ", 5) == 0 &&
		    memchr(buf + rest, '\n', len - rest) == NULL);
	}
	FUZZ_ASSERT(rc == 1);
	/* An mbox is not counted before it is read (source.h). */
	FUZZ_ASSERT(s->total == 0);
	/* At the end, the reader has stopped for good. */
	FUZZ_ASSERT(source_next(s, &item, &cause) == 1);
	source_close(s);
	free(buf);
	return (0);
}
