/*
 * helpq - lockfile.c: lock files, the database file and the directories
 * helpq makes, created private and never through a planted link.
 */
#include "compat.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lockfile.h"
#include "log.h"
#include "xmalloc.h"

int
lockfile_open(const char *path, char **cause)
{
	struct stat	st;
	int		fd, saved;

	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		saved = errno;
		if (errno == ELOOP)
			*cause = xprintf("%s: a symbolic link; refusing to use "
			    "it as a lock file (remove it)", path);
		else
			*cause = xprintf("%s: %s", path, strerror(errno));
		errno = saved;
		return (-1);
	}
	if (fstat(fd, &st) != 0) {
		*cause = xprintf("%s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
		*cause = xprintf("%s: not a regular file of one link; refusing "
		    "to use it as a lock file (remove it)", path);
		close(fd);
		errno = ELOOP;
		return (-1);
	}
	/* A lock file helpq created under a loose umask. */
	if ((st.st_mode & 07777) != 0600 && st.st_uid == geteuid())
		(void)fchmod(fd, 0600);
	return (fd);
}

/* The first line of what the holder of fd wrote, or NULL. */
static char *
lockfile_holder(int fd)
{
	char	buf[32];
	ssize_t	n;

	memset(buf, 0, sizeof buf);
	if ((n = read(fd, buf, sizeof buf - 1)) <= 0)
		return (NULL);
	buf[strcspn(buf, "\n")] = '\0';
	return (buf[0] != '\0' ? xstrdup(buf) : NULL);
}

enum lockfile_result
lockfile_lock(const char *path, int write_pid, int *fdp, char **holderp,
    char **cause)
{
	char	buf[32];
	int	fd;

	*fdp = -1;
	if (holderp != NULL)
		*holderp = NULL;
	if ((fd = lockfile_open(path, cause)) == -1)
		return (LOCKFILE_ERROR);
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (holderp != NULL)
			*holderp = lockfile_holder(fd);
		close(fd);
		return (LOCKFILE_BUSY);
	}
	if (write_pid && ftruncate(fd, 0) == 0) {
		snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
		if (write(fd, buf, strlen(buf)) < 0)
			log_debug("%s: %s", path, strerror(errno));
	}
	*fdp = fd;
	return (LOCKFILE_HELD);
}

int
lockfile_create_private(const char *path, char **cause)
{
	int	fd;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd == -1) {
		if (errno == EEXIST)
			return (0);
		*cause = xprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	/* The umask may have taken bits away that the owner needs. */
	if (fchmod(fd, 0600) != 0) {
		*cause = xprintf("%s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	close(fd);
	return (0);
}

void
lockfile_make_parent(const char *path)
{
	char	*dir, *p;

	dir = xstrdup(path);
	if ((p = strrchr(dir, '/')) != NULL && p != dir) {
		*p = '\0';
		for (p = dir + 1; *p != '\0'; p++) {
			if (*p != '/')
				continue;
			*p = '\0';
			if (mkdir(dir, 0700) == 0)
				(void)chmod(dir, 0700);
			*p = '/';
		}
		if (mkdir(dir, 0700) == 0)
			(void)chmod(dir, 0700);
	}
	free(dir);
}
