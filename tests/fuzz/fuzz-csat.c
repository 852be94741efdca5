/*
 * helpq - fuzz-csat.c: libFuzzer harness for the survey rating parser.
 * The input is the text of a customer's reply; on both scales a rating
 * found must lie on the scale, and the comment must be no longer than
 * the text.
 *
 * Build as tests/fuzz/run does, with a libhelpq.a compiled by clang
 * -fsanitize=fuzzer-no-link,address,undefined.
 */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "csat.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*text, *comment;
	int	 scale, rating;

	text = xmalloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	for (scale = 5; scale <= 10; scale += 5) {
		comment = NULL;
		if (csat_parse(text, scale, &rating, &comment) != 0)
			continue;
		if (rating < (scale == 10 ? 0 : 1) || rating > scale ||
		    comment == NULL || strlen(comment) > strlen(text))
			abort();
		free(comment);
	}
	free(text);
	return (0);
}
