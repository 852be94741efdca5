/* helpq - fuzz-message.c: libFuzzer harness for message_parse(). */
#include "fuzz.h"

#include "message.h"
#include "utf8.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_quiet();
	return (0);
}

static int
valid(const char *s)
{
	return (s == NULL || utf8_valid(s, strlen(s)));
}

/* Every address is a string the sanitizers can read, valid UTF-8. */
static void
check_addrs(const struct msg_addrs *a)
{
	size_t	i;

	for (i = 0; i < a->n; i++) {
		FUZZ_ASSERT(a->v[i].addr != NULL);
		FUZZ_ASSERT(valid(a->v[i].addr));
		FUZZ_ASSERT(valid(a->v[i].name));
	}
}

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
	FUZZ_ASSERT(strlen(msg->text) == msg->textlen);
	FUZZ_ASSERT(utf8_valid(msg->text, msg->textlen));
	FUZZ_ASSERT(valid(msg->subject) && valid(msg->message_id) &&
	    valid(msg->in_reply_to) && valid(msg->auto_submitted) &&
	    valid(msg->precedence) && valid(msg->list_id) &&
	    valid(msg->return_path) && valid(msg->content_language));
	for (i = 0; i < msg->nreferences; i++)
		FUZZ_ASSERT(valid(msg->references[i]));
	for (i = 0; i < msg->nheaders; i++)
		FUZZ_ASSERT(valid(msg->headers[i].value));
	check_addrs(&msg->from);
	check_addrs(&msg->to);
	check_addrs(&msg->cc);
	check_addrs(&msg->reply_to);
	for (i = 0; i < msg->nattachments; i++) {
		FUZZ_ASSERT(valid(msg->attachments[i].filename));
		FUZZ_ASSERT(valid(msg->attachments[i].type));
	}
	FUZZ_ASSERT(msg->size == size);
	message_free(msg);
	return (0);
}
