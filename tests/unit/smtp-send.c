/*
 * helpq - smtp-send.c: hand one message to the SMTP server of a helpq
 * configuration, for tests/smtp.sh (a check program, not a test).
 *
 *   smtp-send [-v] [--twice [--wait FILE]] CONFIG FROM MESSAGE-FILE RCPT...
 *
 * Prints "ok|temp|perm|down REPLY" for each send and exits with 0, 1, 2
 * or 3 for the last result, 78 when the configuration cannot be read or
 * smtp_new refuses it. --twice sends the message twice over one session;
 * --wait FILE waits (up to 20 s) for FILE to exist before the second send,
 * so a test can do something to the server in between. -v logs the SMTP
 * dialogue (libcurl's, without credentials) to stderr.
 */
#include "compat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "smtp.h"

static int
usage(void)
{
	fprintf(stderr, "usage: smtp-send [-v] [--twice [--wait FILE]] "
	    "CONFIG FROM FILE RCPT...\n");
	return (64);
}

int
main(int argc, char **argv)
{
	static const char *const names[] = {
		"ok", "temp", "perm", "down", "config"
	};
	struct config	 conf;
	struct smtp	*s;
	struct buf	 msg;
	enum smtp_result r = SMTP_DOWN;
	const char	*wait = NULL;
	FILE		*f;
	char		 chunk[8192], *cause = NULL, *reply;
	size_t		 n;
	int		 i, times = 1, t;

	log_init(LOG_DEST_STDERR, LOG_LEVEL_WARN, "smtp-send");
	for (argc--, argv++; argc > 0 && argv[0][0] == '-'; argc--, argv++) {
		if (strcmp(argv[0], "-v") == 0)
			log_init(LOG_DEST_STDERR, LOG_LEVEL_TRACE, NULL);
		else if (strcmp(argv[0], "--twice") == 0)
			times = 2;
		else if (strcmp(argv[0], "--wait") == 0 && argc > 1) {
			wait = argv[1];
			argc--;
			argv++;
		} else
			return (usage());
	}
	if (argc < 4)
		return (usage());
	config_defaults(&conf);
	if (config_load(&conf, argv[0], &cause) != 0) {
		printf("config %s\n", cause);
		free(cause);
		config_clear(&conf);
		return (78);
	}
	if ((f = fopen(argv[2], "rb")) == NULL) {
		perror(argv[2]);
		config_clear(&conf);
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
		if (i > 0 && wait != NULL) {
			for (t = 0; t < 400 && access(wait, F_OK) != 0; t++)
				usleep(50000);
		}
		r = smtp_send(s, argv[1], (const char *const *)argv + 3,
		    (size_t)(argc - 3), msg.data != NULL ? msg.data : "",
		    msg.len, &reply);
		printf("%s %s\n", names[r], reply);
		fflush(stdout);
		free(reply);
	}
	smtp_free(s);
	buf_free(&msg);
	config_clear(&conf);
	/* As for a configuration smtp_new refuses. */
	return (r == SMTP_CONFIG ? 78 : (int)r);
}
