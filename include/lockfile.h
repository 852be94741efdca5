/*
 * helpq - lockfile.h: the files helpq creates for itself (locks, the
 * database and its directories), private to the user it runs as.
 */
#ifndef HELPQ_LOCKFILE_H
#define HELPQ_LOCKFILE_H

#include "compat.h"

/*
 * Open the lock file at path read-write, creating it with mode 0600. A
 * symbolic link there is refused (O_NOFOLLOW), and so is anything but a
 * regular file with one link, so a link planted at the lock's path cannot
 * make helpq truncate or write another file. Returns the descriptor
 * (close-on-exec; the caller closes it), or -1 with *cause allocated (the
 * caller frees it) and errno ELOOP for a file refused as above.
 */
int	lockfile_open(const char *path, char **cause);

/* What lockfile_lock found. */
enum lockfile_result {
	LOCKFILE_ERROR = -1,	/* *cause set; errno ELOOP: a refused file */
	LOCKFILE_HELD = 0,	/* ours until the descriptor is closed */
	LOCKFILE_BUSY = 1	/* another process holds it */
};

/*
 * Open the lock file at path as lockfile_open does and take its lock
 * without waiting. The lock is the kernel's (flock), so a killed helpq
 * never leaves it held. When held, *fdp is the descriptor (the caller
 * closes it to let go) and, with write_pid, our process id replaces the
 * file's contents. When busy, *holderp (if not NULL) is what the holder
 * wrote there (allocated, the caller frees it; NULL when nothing).
 */
enum lockfile_result lockfile_lock(const char *path, int write_pid,
	    int *fdp, char **holderp, char **cause);

/*
 * Create path as an empty file of mode 0600 whatever the umask, unless
 * something is there already (then nothing changes). SQLite gives a
 * database's -wal and -shm files the database's mode, so creating the
 * database this way first keeps all three private. Returns 0, or -1 with
 * *cause allocated.
 */
int	lockfile_create_private(const char *path, char **cause);

/*
 * mkdir -p of the directory that will hold path; each directory made is
 * 0700 whatever the umask, directories already there are left alone.
 * Errors are left to the open that follows, which names the path.
 */
void	lockfile_make_parent(const char *path);

#endif
