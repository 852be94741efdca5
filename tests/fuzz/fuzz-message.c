/* helpq - fuzz-message.c: libFuzzer harness for message_parse(). */
#include "compat.h"

#include <stdlib.h>
#include <string.h>

#include "message.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct message	*msg;
	char		*cause = NULL;
	size_t		 i;

	if (message_parse((const char *)data, size, &msg, &cause) != 0) {
		free(cause);
		return (0);
	}
	/* Touch every string so the sanitizers check them. */
	if (strlen(msg->text) != msg->textlen ||
	    !message_utf8_valid(msg->text, msg->textlen) ||
	    !message_utf8_valid(msg->subject, strlen(msg->subject)))
		abort();
	for (i = 0; i < msg->nheaders; i++) {
		if (!message_utf8_valid(msg->headers[i].value,
		    strlen(msg->headers[i].value)))
			abort();
	}
	for (i = 0; i < msg->from.n; i++) {
		if (!message_utf8_valid(msg->from.v[i].addr,
		    strlen(msg->from.v[i].addr)))
			abort();
	}
	for (i = 0; i < msg->nattachments; i++) {
		if (msg->attachments[i].filename != NULL &&
		    !message_utf8_valid(msg->attachments[i].filename,
		    strlen(msg->attachments[i].filename)))
			abort();
	}
	message_free(msg);
	return (0);
}
