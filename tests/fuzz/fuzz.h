/*
 * helpq - tests/fuzz/fuzz.h: what the libFuzzer harnesses share. Every
 * tests/fuzz/fuzz-NAME.c defines LLVMFuzzerTestOneInput (and may define
 * LLVMFuzzerInitialize) and includes this file; tests/fuzz/build links
 * each with the project's sources.
 */
#ifndef HELPQ_FUZZ_H
#define HELPQ_FUZZ_H
#include "compat.h"

#include <sys/mman.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

/* A finding: say what broke, then abort so libFuzzer saves the input. */
#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond); \
		abort();						\
	}								\
} while (0)

/*
 * The input cut at NUL bytes into n fields, NUL-terminated (missing ones
 * are "", the last takes the rest). They point into one copy, returned:
 * the caller frees it.
 */
static inline char *
fuzz_fields(const uint8_t *data, size_t size, const char **fields, size_t n)
{
	char	*copy = xmalloc(size + 1), *p = copy, *end = copy + size;
	size_t	 i;

	memcpy(copy, data, size);
	copy[size] = '\0';
	for (i = 0; i < n; i++) {
		fields[i] = p < end ? p : "";
		if (p < end && i + 1 < n)
			p += strlen(p) + 1;
		else if (i + 1 < n)
			p = end;
	}
	return (copy);
}

/*
 * An in-memory file holding the input, for the parts that read a path;
 * *path is "/proc/self/fd/N" (static). Returns the descriptor (kept for
 * the life of the process and rewritten on each call), or aborts.
 */
static inline int
fuzz_file(const void *data, size_t size, const char **path)
{
	static int	 fd = -1;
	static char	 name[64];

	if (fd == -1) {
		if ((fd = memfd_create("helpq-fuzz", MFD_CLOEXEC)) == -1)
			abort();
		snprintf(name, sizeof name, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || (size > 0 &&
	    pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	*path = name;
	return (fd);
}

/* Errors the parsers log would flood libFuzzer's output: keep them. */
static inline void
fuzz_quiet(void)
{
	if (getenv("HELPQ_FUZZ_VERBOSE") == NULL)
		log_init(0, LOG_LEVEL_ERROR, "helpq-fuzz");
}
#endif
