/*
 * helpq - addr-parse.c: print the mailboxes helpq reads from each
 * argument, as a To field of a message, one JSON array of
 * [display name or "", address] pairs a line.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <jansson.h>

#include "buf.h"
#include "message.h"

static int
print_field(const char *field)
{
	struct message	*msg;
	struct buf	 raw;
	json_t		*list, *pair;
	char		*cause = NULL, *line;
	size_t		 i;

	buf_init(&raw);
	buf_addf(&raw, "From: x@example.org\r\nTo: %s\r\nSubject: t\r\n\r\n"
	    "body\r\n", field);
	if (message_parse(raw.data, raw.len, &msg, &cause) != 0) {
		fprintf(stderr, "addr-parse: %s\n", cause);
		free(cause);
		buf_free(&raw);
		return (-1);
	}
	list = json_array();
	for (i = 0; i < msg->to.n; i++) {
		pair = json_pack("[ss]", msg->to.v[i].name != NULL ?
		    msg->to.v[i].name : "", msg->to.v[i].addr);
		json_array_append_new(list, pair);
	}
	line = json_dumps(list, JSON_COMPACT | JSON_ENSURE_ASCII);
	printf("%s\n", line);
	free(line);
	json_decref(list);
	message_free(msg);
	buf_free(&raw);
	return (0);
}

int
main(int argc, char **argv)
{
	int	i;

	for (i = 1; i < argc; i++) {
		if (print_field(argv[i]) != 0)
			return (EX_SOFTWARE);
	}
	return (0);
}
