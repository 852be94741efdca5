/*
 * helpq - smtp-send.c: hand one message to the SMTP server of a helpq
 * configuration, for tests/smtp.sh (a check program, not a test).
 *
 *   smtp-send [--twice] CONFIG FROM MESSAGE-FILE RCPT...
 *
 * Prints "ok|temp|perm|down REPLY" for each send and exits with 0, 1, 2
 * or 3 for the last result, 78 when smtp_new refuses the configuration.
 * --twice sends the message twice over one session.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "smtp.h"

int
main(int argc, char **argv)
{
	static const char *const names[] = { "ok", "temp", "perm", "down" };
	struct config	 conf;
	struct smtp	*s;
	struct buf	 msg;
	enum smtp_result r = SMTP_DOWN;
	FILE		*f;
	char		 chunk[8192], *cause = NULL, *reply;
	size_t		 n;
	int		 i, times = 1;

	if (argc > 1 && strcmp(argv[1], "--twice") == 0) {
		times = 2;
		argc--;
		argv++;
	}
	if (argc < 5) {
		fprintf(stderr, "usage: smtp-send [--twice] CONFIG FROM FILE "
		    "RCPT...\n");
		return (64);
	}
	config_defaults(&conf);
	if (config_load(&conf, argv[1], &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		return (78);
	}
	if ((f = fopen(argv[3], "rb")) == NULL) {
		perror(argv[3]);
		return (66);
	}
	buf_init(&msg);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&msg, chunk, n);
	fclose(f);
	if ((s = smtp_new(&conf.smtp, &cause)) == NULL) {
		printf("config %s\n", cause);
		free(cause);
		buf_free(&msg);
		config_clear(&conf);
		return (78);
	}
	for (i = 0; i < times; i++) {
		r = smtp_send(s, argv[2], (const char *const *)argv + 4,
		    (size_t)(argc - 4), msg.data, msg.len, &reply);
		printf("%s %s\n", names[r], reply);
		free(reply);
	}
	smtp_free(s);
	buf_free(&msg);
	config_clear(&conf);
	return ((int)r);
}
