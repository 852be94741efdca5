/* helpq - secret.c: reading passwords and tokens from files, env, commands. */
#include "compat.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secret.h"
#include "xmalloc.h"

extern char **environ;

/*
 * Copy the first line of p (len bytes) without its CR/LF into a new
 * string. Returns NULL when the line holds a NUL byte, which would cut the
 * secret short without anyone noticing.
 */
static char *
secret_first_line(const char *p, size_t len)
{
	const char	*nl;
	char		*s;

	if ((nl = memchr(p, '\n', len)) != NULL)
		len = (size_t)(nl - p);
	while (len > 0 && p[len - 1] == '\r')
		len--;
	if (memchr(p, '\0', len) != NULL)
		return (NULL);
	s = xmalloc(len + 1);
	memcpy(s, p, len);
	s[len] = '\0';
	return (s);
}

/*
 * Read the first line from fd into *out (allocated, maybe empty) and the
 * number of bytes seen into *nread. With drain, read to the end so a
 * command printing more is not killed by SIGPIPE. One buffer, never
 * reallocated, so no copy of the secret is left behind unwiped.
 */
static int
secret_read(int fd, int drain, const char *what, char **out, size_t *nread,
    char **cause)
{
	char	*b, junk[4096];
	size_t	 len = 0, more = 0;
	ssize_t	 r;
	int	 rv = -1;

	b = xmalloc(SECRET_MAX);
	while (len < SECRET_MAX) {
		r = read(fd, b + len, SECRET_MAX - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			xasprintf(cause, "%s: %s", what, strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (!drain && memchr(b, '\n', len) != NULL)
			break;
	}
	while (drain) {
		r = read(fd, junk, sizeof junk);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		more += (size_t)r;
	}
	explicit_bzero(junk, sizeof junk);

	*nread = len + more;
	if (len == SECRET_MAX && memchr(b, '\n', len) == NULL) {
		xasprintf(cause, "%s: the first line is %d bytes or longer",
		    what, SECRET_MAX);
		goto out;
	}
	if ((*out = secret_first_line(b, len)) == NULL) {
		xasprintf(cause, "%s: the first line holds a NUL byte", what);
		goto out;
	}
	rv = 0;

out:
	explicit_bzero(b, SECRET_MAX);
	free(b);
	return (rv);
}

/* helpq's own group: the effective one; for root also the service
 * user's, whose files root uses when it runs helpq by hand. */
static int
secret_own_group(gid_t gid)
{
	struct passwd	*pw;

	if (gid == getegid())
		return (1);
	return (geteuid() == 0 && (pw = getpwnam(SECRET_SERVICE_USER)) !=
	    NULL && pw->pw_gid == gid);
}

/*
 * Nobody but its owner may change it, and nobody but the owner and, on a
 * file root owns, helpq's own group may read it: root:helpq 0640 is how
 * Dovecot and OpenSMTPD take their secrets from an administrator.
 */
static int
secret_mode_ok(const struct stat *st)
{
	if ((st->st_mode & (S_IWGRP | S_IROTH | S_IWOTH)) != 0)
		return (0);
	if ((st->st_mode & S_IRGRP) == 0)
		return (1);
	return (st->st_uid == 0 && secret_own_group(st->st_gid));
}

/* Like ssh with a private key, refuse a file others could read or change. */
static int
secret_from_file(const char *path, char **out, char **cause)
{
	struct stat	 st;
	char		*what;
	size_t		 nread;
	int		 fd, rv = -1;

	/* O_NONBLOCK: a FIFO must not hang the open; it is refused below. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		xasprintf(cause, "secret file %s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		xasprintf(cause, "secret file %s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		xasprintf(cause, "secret file %s is not a regular file", path);
		goto out;
	}
	/* Its owner could change it, or has given it to us: ssh's rule. */
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		xasprintf(cause, "secret file %s is owned by uid %u: it must be "
		    "owned by the user helpq runs as (uid %u) or root", path,
		    (unsigned int)st.st_uid, (unsigned int)geteuid());
		goto out;
	}
	if (!secret_mode_ok(&st)) {
		xasprintf(cause, "secret file %s has mode %04o, group %u: "
		    "others must not read it, nor its group write it; its "
		    "group may read it only when root owns it and the group "
		    "is helpq's own (gid %u) (chmod 600 %s, or chown "
		    "root:GROUP and chmod 640)", path,
		    (unsigned int)(st.st_mode & 07777),
		    (unsigned int)st.st_gid, (unsigned int)getegid(), path);
		goto out;
	}

	xasprintf(&what, "secret file %s", path);
	if (secret_read(fd, 0, what, out, &nread, cause) == 0) {
		if (**out == '\0') {
			xasprintf(cause, "%s: the first line is empty", what);
			secret_free(*out);
			*out = NULL;
		} else
			rv = 0;
	}
	free(what);
out:
	close(fd);
	return (rv);
}

/* A systemd credential (LoadCredential= in the unit): a file of the
 * directory systemd names, readable by us alone. */
static int
secret_from_credential(const char *name, char **out, char **cause)
{
	const char	*dir;
	char		*path;
	int		 rv;

	if (strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0) {
		xasprintf(cause, "credential name %s: a name, not a path", name);
		return (-1);
	}
	if ((dir = getenv("CREDENTIALS_DIRECTORY")) == NULL || *dir != '/') {
		xasprintf(cause, "credential %s: CREDENTIALS_DIRECTORY is not "
		    "set (LoadCredential=%s:FILE in the service's unit sets "
		    "it)", name, name);
		return (-1);
	}
	path = xprintf("%s/%s", dir, name);
	rv = secret_from_file(path, out, cause);
	free(path);
	return (rv);
}

static int
secret_from_env(const char *name, char **out, char **cause)
{
	const char	*v;

	if ((v = getenv(name)) == NULL) {
		xasprintf(cause, "environment variable %s is not set", name);
		return (-1);
	}
	if ((*out = secret_first_line(v, strlen(v))) == NULL || **out == '\0') {
		xasprintf(cause, "environment variable %s is empty", name);
		secret_free(*out);
		*out = NULL;
		return (-1);
	}
	return (0);
}

/* Describe how a child ended when that was not a clean exit 0. */
static void
secret_status(const char *cmd, int status, char **cause)
{
	if (WIFSIGNALED(status))
		xasprintf(cause, "command '%s' was killed by signal %d (%s)",
		    cmd, WTERMSIG(status), strsignal(WTERMSIG(status)));
	else if (WEXITSTATUS(status) == 127)
		xasprintf(cause, "command '%s' exited with status 127 (not "
		    "found?)", cmd);
	else
		xasprintf(cause, "command '%s' exited with status %d", cmd,
		    WEXITSTATUS(status));
}

static int
secret_from_command(const char *cmd, char **out, char **cause)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 attr;
	sigset_t			 sigs;
	char				*argv[4], *what, *line = NULL;
	char				*readerr = NULL;
	size_t				 nread = 0;
	pid_t				 pid;
	int				 pfd[2], status, r;

	if (pipe2(pfd, O_CLOEXEC) == -1) {
		xasprintf(cause, "command '%s': pipe: %s", cmd,
		    strerror(errno));
		return (-1);
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pfd[1], STDOUT_FILENO);
	/* The command gets default signals even if helpq ignores SIGPIPE. */
	posix_spawnattr_init(&attr);
	sigemptyset(&sigs);
	posix_spawnattr_setsigmask(&attr, &sigs);
	sigaddset(&sigs, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &sigs);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF);
	argv[0] = (char *)"sh";
	argv[1] = (char *)"-c";
	argv[2] = (char *)cmd;
	argv[3] = NULL;
	r = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	close(pfd[1]);
	if (r != 0) {
		close(pfd[0]);
		xasprintf(cause, "command '%s': cannot run /bin/sh: %s", cmd,
		    strerror(r));
		return (-1);
	}

	xasprintf(&what, "command '%s'", cmd);
	secret_read(pfd[0], 1, what, &line, &nread, &readerr);
	free(what);
	close(pfd[0]);
	while (waitpid(pid, &status, 0) == -1) {
		if (errno != EINTR) {
			xasprintf(cause, "command '%s': waitpid: %s", cmd,
			    strerror(errno));
			goto fail;
		}
	}

	/* The exit status explains a failure best, so it goes first. */
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		secret_status(cmd, status, cause);
		goto fail;
	}
	if (readerr != NULL) {
		*cause = readerr;
		readerr = NULL;
		goto fail;
	}
	if (nread == 0) {
		xasprintf(cause, "command '%s' printed nothing (exit status 0)",
		    cmd);
		goto fail;
	}
	if (*line == '\0') {
		xasprintf(cause, "command '%s' printed an empty first line "
		    "(exit status 0)", cmd);
		goto fail;
	}
	*out = line;
	return (0);

fail:
	free(readerr);
	secret_free(line);
	return (-1);
}

int
secret_get(const struct secret_spec *spec, char **out, char **cause)
{
	*out = NULL;
	if (spec->source != SECRET_NONE &&
	    (spec->arg == NULL || *spec->arg == '\0')) {
		*cause = xstrdup("the secret's file, variable or command is "
		    "empty");
		return (-1);
	}
	switch (spec->source) {
	case SECRET_FILE:
		return (secret_from_file(spec->arg, out, cause));
	case SECRET_ENV:
		return (secret_from_env(spec->arg, out, cause));
	case SECRET_CREDENTIAL:
		return (secret_from_credential(spec->arg, out, cause));
	case SECRET_COMMAND:
		return (secret_from_command(spec->arg, out, cause));
	case SECRET_NONE:
		break;
	}
	*cause = xstrdup("no source for the secret is configured");
	return (-1);
}

void
secret_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}
