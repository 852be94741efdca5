/* helpq - test-secret.c: secrets from files, the environment and commands. */
#include "compat.h"

#include <sys/stat.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "secret.h"
#include "xmalloc.h"
#include "../tap.h"

static char	dir[] = "/tmp/helpq-test-secret.XXXXXX";

/* ok() that cause contains want, printing cause when it does not. */
static void
has(const char *cause, const char *want, const char *name)
{
	if (!ok(cause != NULL && strstr(cause, want) != NULL, "%s", name))
		diag("got '%s', want it to contain '%s'",
		    cause ? cause : "(null)", want);
}

/* Write len bytes of text to dir/name with mode; returns the path. */
static char *
put(const char *name, const char *text, size_t len, mode_t mode)
{
	char	*path;
	FILE	*f;

	path = xprintf("%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		abort();
	fwrite(text, 1, len, f);
	fclose(f);
	if (chmod(path, mode) != 0)
		abort();
	return (path);
}

/* Fetch a secret expected to be got; checks the value. */
static void
good(enum secret_source source, const char *arg, const char *want,
    const char *name)
{
	struct secret_spec	 spec;
	char			*s = NULL, *cause = NULL;

	spec.source = source;
	spec.arg = (char *)arg;
	if (ok(secret_get(&spec, &s, &cause) == 0, "%s: got", name))
		is_str(s, want, "%s: value", name);
	else
		diag("%s", cause);
	secret_free(s);
	free(cause);
}

/* Fetch a secret expected to fail; checks the message. */
static void
bad(enum secret_source source, const char *arg, const char *want,
    const char *name)
{
	struct secret_spec	 spec;
	char			*s = NULL, *cause = NULL;

	spec.source = source;
	spec.arg = (char *)arg;
	ok(secret_get(&spec, &s, &cause) == -1 && s == NULL, "%s: refused",
	    name);
	has(cause, want, name);
	secret_free(s);
	free(cause);
}

int
main(void)
{
	struct passwd	*pw;
	char		*path, *want, *big, *cmd;

	if (mkdtemp(dir) == NULL)
		return (1);

	/* Files. */
	path = put("pw", "hunter2\r\nsecond line\n", 21, 0644);
	want = xprintf("secret file %s has mode 0644, group %u: others must "
	    "not read it, nor its group write it; its group may read it only "
	    "when root owns it and the group is helpq's own (gid %u) (chmod "
	    "600 %s, or chown root:GROUP and chmod 640)", path,
	    (unsigned int)getegid(), (unsigned int)getegid(), path);
	bad(SECRET_FILE, path, want, "0644 file");
	free(want);
	chmod(path, 0660);
	bad(SECRET_FILE, path, "has mode 0660", "0660 file: the group may write");
	/* root:helpq 0640: the administrator's file, our group's to read. */
	chmod(path, 0640);
	if (geteuid() == 0) {
		good(SECRET_FILE, path, "hunter2",
		    "0640 file of root's, in helpq's own group");
		if (chown(path, 0, 65534) != 0)
			abort();
		bad(SECRET_FILE, path, "has mode 0640, group 65534",
		    "0640 file of root's, in another group");
		/* root runs helpq by hand on the service's files. */
		if ((pw = getpwnam(SECRET_SERVICE_USER)) != NULL) {
			if (chown(path, 0, pw->pw_gid) != 0)
				abort();
			good(SECRET_FILE, path, "hunter2", "0640 file of "
			    "root's in the helpq user's group, read by root");
		} else
			ok(1, "# SKIP no user " SECRET_SERVICE_USER " here");
		if (chown(path, 0, 0) != 0)
			abort();
	} else
		bad(SECRET_FILE, path, "has mode 0640",
		    "0640 file of our own: the group is not to read it");
	chmod(path, 0602);
	bad(SECRET_FILE, path, "has mode 0602", "0602 file");
	chmod(path, 0600);
	good(SECRET_FILE, path, "hunter2", "0600 file, CRLF stripped");
	chmod(path, 0400);
	good(SECRET_FILE, path, "hunter2", "0400 file");
	/* Another user's file, however strict its mode (root can make it). */
	chmod(path, 0600);
	if (geteuid() == 0) {
		if (chown(path, 65534, 65534) != 0)
			abort();
		bad(SECRET_FILE, path, "is owned by uid 65534: it must be "
		    "owned by the user helpq runs as (uid 0) or root",
		    "0600 file owned by nobody");
		if (chown(path, 0, 0) != 0)
			abort();
		good(SECRET_FILE, path, "hunter2", "0600 file owned by root");
	} else
		ok(1, "# SKIP chown to another user needs root");
	free(path);

	/* systemd credentials: a name in $CREDENTIALS_DIRECTORY. */
	unsetenv("CREDENTIALS_DIRECTORY");
	bad(SECRET_CREDENTIAL, "imap-password", "credential imap-password: "
	    "CREDENTIALS_DIRECTORY is not set (LoadCredential=imap-password:"
	    "FILE in the service's unit sets it)", "credential without systemd");
	path = put("imap-password", "s3cret\n", 7, 0400);
	setenv("CREDENTIALS_DIRECTORY", dir, 1);
	good(SECRET_CREDENTIAL, "imap-password", "s3cret", "credential");
	bad(SECRET_CREDENTIAL, "../imap-password", "a name, not a path",
	    "credential name with a slash");
	bad(SECRET_CREDENTIAL, "none", "No such file",
	    "credential that was not loaded");
	chmod(path, 0644);
	bad(SECRET_CREDENTIAL, "imap-password", "has mode 0644",
	    "credential others can read");
	unsetenv("CREDENTIALS_DIRECTORY");
	free(path);

	path = put("nonl", "no newline", 10, 0600);
	good(SECRET_FILE, path, "no newline", "file without a newline");
	free(path);

	path = put("empty", "", 0, 0600);
	bad(SECRET_FILE, path, "the first line is empty", "empty file");
	free(path);
	path = put("blank", "\r\nsecret\n", 9, 0600);
	bad(SECRET_FILE, path, "the first line is empty", "blank first line");
	free(path);
	path = put("nul", "a\0b\n", 4, 0600);
	bad(SECRET_FILE, path, "the first line holds a NUL byte", "NUL byte");
	free(path);

	path = xprintf("%s/missing", dir);
	want = xprintf("secret file %s: No such file or directory", path);
	bad(SECRET_FILE, path, want, "missing file");
	free(want);
	free(path);
	want = xprintf("secret file %s is not a regular file", dir);
	bad(SECRET_FILE, dir, want, "directory");
	free(want);

	big = xmalloc(SECRET_MAX + 10);
	memset(big, 'x', SECRET_MAX + 10);
	path = put("big", big, SECRET_MAX + 10, 0600);
	bad(SECRET_FILE, path, "the first line is 65536 bytes or longer",
	    "overlong line");
	free(path);
	big[SECRET_MAX - 1] = '\n';
	path = put("big2", big, SECRET_MAX + 10, 0600);
	big[SECRET_MAX - 1] = '\0';
	good(SECRET_FILE, path, big, "longest line");
	free(path);

	/* The environment. */
	setenv("HELPQ_TEST_SECRET", "tok3n\n", 1);
	good(SECRET_ENV, "HELPQ_TEST_SECRET", "tok3n", "environment");
	setenv("HELPQ_TEST_SECRET", "", 1);
	bad(SECRET_ENV, "HELPQ_TEST_SECRET",
	    "environment variable HELPQ_TEST_SECRET is empty",
	    "empty variable");
	unsetenv("HELPQ_TEST_SECRET");
	bad(SECRET_ENV, "HELPQ_TEST_SECRET",
	    "environment variable HELPQ_TEST_SECRET is not set",
	    "unset variable");

	/* Commands. */
	good(SECRET_COMMAND, "printf 'cmd secret\\r\\nsecond\\n'", "cmd secret",
	    "command, first line");
	good(SECRET_COMMAND, "echo noise >&2; echo s3cret", "s3cret",
	    "command, stderr passes through");
	good(SECRET_COMMAND, "echo s3cret; head -c 200000 /dev/zero", "s3cret",
	    "command printing 200 KB after the line");
	bad(SECRET_COMMAND, "echo s3cret; exit 3",
	    "command 'echo s3cret; exit 3' exited with status 3",
	    "command exiting 3");
	bad(SECRET_COMMAND, "true", "command 'true' printed nothing (exit "
	    "status 0)", "command printing nothing");
	bad(SECRET_COMMAND, "echo", "printed an empty first line",
	    "command printing an empty line");
	bad(SECRET_COMMAND, "kill -TERM $$", "was killed by signal 15",
	    "command killed");
	bad(SECRET_COMMAND, "helpq-no-such-command-here 2>/dev/null",
	    "exited with status 127 (not found?)", "command not found");
	bad(SECRET_COMMAND, "head -c 70000 /dev/zero | tr '\\0' x",
	    "the first line is 65536 bytes or longer", "command overlong line");
	cmd = xprintf("cat %s/big2", dir);
	good(SECRET_COMMAND, cmd, big, "command, longest line");
	free(cmd);
	free(big);

	/* No source. */
	bad(SECRET_NONE, NULL, "no source for the secret", "no source");
	bad(SECRET_FILE, "", "is empty", "empty file name");

	secret_free(NULL);
	cmd = xprintf("rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("cannot remove %s", dir);
	free(cmd);
	return (done_testing());
}
