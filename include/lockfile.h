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
