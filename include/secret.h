/* helpq - secret.h: passwords and OAuth2 tokens, never from argv. */
#ifndef HELPQ_SECRET_H
#define HELPQ_SECRET_H

#include "compat.h"

enum secret_source {
	SECRET_NONE = 0,
	SECRET_FILE,		/* a file that only its owner can read, or
				   root's that only our group can */
	SECRET_ENV,		/* an environment variable */
	SECRET_COMMAND,		/* what a /bin/sh -c command prints */
	SECRET_CREDENTIAL	/* $CREDENTIALS_DIRECTORY/arg (systemd) */
};

/*
 * Where one secret comes from: arg is the path, variable name or command.
 * arg belongs to whoever filled the spec (the configuration).
 */
struct secret_spec {
	enum secret_source	 source;
	char			*arg;
};

/* The user the shipped systemd units run helpq as. */
#define SECRET_SERVICE_USER	"helpq"

/* The most a file or command may give before its first line ends. */
#define SECRET_MAX	65536

/*
 * Fetch a secret: the first line of the file, variable or command output,
 * without its CR/LF. A file owned by another user than the one helpq runs
 * as (or root), writable by group or others, readable by others, or
 * readable by its group unless root owns it and the group is helpq's
 * effective group (for root also the helpq user's group, so that root
 * uses the service's files), is refused; so are an empty secret and a command that fails. A command
 * inherits stdin and stderr. Returns 0 with *out allocated (free it with
 * secret_free()), or -1 with *cause allocated (caller frees; it never holds
 * the secret).
 */
int	secret_get(const struct secret_spec *spec, char **out, char **cause);

/* Wipe and free a secret from secret_get(); NULL is fine. */
void	secret_free(char *s);

#endif
