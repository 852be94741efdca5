/* helpq - test-lockfile.c: lock files: held, busy, refused. */
#include "compat.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lockfile.h"
#include "../tap.h"

static char	dir[] = "/tmp/helpq-lockfile-XXXXXX";

static char *
path_in(const char *name)
{
	static char	p[512];

	snprintf(p, sizeof p, "%s/%s", dir, name);
	return (p);
}

/* The whole of a small file, or "" when it cannot be read. */
static const char *
slurp(const char *path)
{
	static char	 b[64];
	FILE		*f;
	size_t		 n = 0;

	if ((f = fopen(path, "r")) != NULL) {
		n = fread(b, 1, sizeof b - 1, f);
		fclose(f);
	}
	b[n] = '\0';
	return (b);
}

static void
held_and_busy(void)
{
	char	*p, *holder = NULL, *cause = NULL, want[32];
	int	 fd, fd2;

	p = path_in("db.lock");
	is_int(lockfile_lock(p, 1, &fd, &holder, &cause), LOCKFILE_HELD,
	    "a free lock is taken");
	ok(fd >= 0 && holder == NULL, "with a descriptor, nobody else named");
	snprintf(want, sizeof want, "%ld\n", (long)getpid());
	is_str(slurp(p), want, "the holder's pid is written");
	/* flock belongs to the open file: a second open is another taker. */
	is_int(lockfile_lock(p, 1, &fd2, &holder, &cause), LOCKFILE_BUSY,
	    "a held lock is busy for another taker");
	is_int(fd2, -1, "a busy lock gives no descriptor");
	snprintf(want, sizeof want, "%ld", (long)getpid());
	is_str(holder, want, "the busy answer names the holder");
	free(holder);
	holder = NULL;
	snprintf(want, sizeof want, "%ld\n", (long)getpid());
	is_str(slurp(p), want, "a busy attempt leaves the holder's pid");
	close(fd);
	is_int(lockfile_lock(p, 0, &fd, &holder, &cause), LOCKFILE_HELD,
	    "closing lets go of the lock");
	close(fd);
	unlink(p);
}

static void
refused(void)
{
	char	*p, *cause = NULL, target[512];
	int	 fd, r;

	snprintf(target, sizeof target, "%s", path_in("victim"));
	fclose(fopen(target, "w"));
	p = path_in("link.lock");
	if (symlink(target, p) != 0)
		diag("symlink: %s", strerror(errno));
	r = lockfile_lock(p, 1, &fd, NULL, &cause);
	ok(r == LOCKFILE_ERROR && errno == ELOOP && cause != NULL,
	    "a symbolic link is refused (ELOOP)");
	free(cause);
	cause = NULL;
	is_str(slurp(target), "", "the link's target is left alone");
	unlink(p);
	p = path_in("hard.lock");
	if (link(target, p) != 0)
		diag("link: %s", strerror(errno));
	r = lockfile_lock(p, 1, &fd, NULL, &cause);
	ok(r == LOCKFILE_ERROR && errno == ELOOP && cause != NULL,
	    "a file of two links is refused");
	free(cause);
	cause = NULL;
	unlink(p);
	unlink(target);
	p = path_in("dir.lock");
	mkdir(p, 0700);
	r = lockfile_lock(p, 1, &fd, NULL, &cause);
	ok(r == LOCKFILE_ERROR && cause != NULL, "a directory is refused");
	free(cause);
	rmdir(p);
}

int
main(void)
{
	if (mkdtemp(dir) == NULL) {
		printf("1..0 # SKIP mkdtemp: %s\n", strerror(errno));
		return (0);
	}
	held_and_busy();
	refused();
	rmdir(dir);
	return (done_testing());
}
