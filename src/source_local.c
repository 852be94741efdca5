/*
 * helpq - source_local.c: messages from a Maildir, an mbox file or standard
 * input. Importing reads and never changes the local mailbox: a message
 * imported twice is recognised by the store, so there is nothing to mark.
 */
#include "compat.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "source.h"
#include "xmalloc.h"

/*
 * The file names of a large Maildir are most of what reading it costs in
 * memory: they are kept in one buffer, each as 'n' or 'c' (new/ or cur/)
 * then the base name and a NUL, and the paths are made one at a time.
 */
struct maildir {
	char		 *dir;		/* the Maildir */
	struct buf	  names;
	const char	**files;	/* into names, in delivery order */
	size_t		  nfiles;
	size_t		  next;
	char		 *path;		/* the current file's */
	struct buf	  data;		/* the current message */
};

/*
 * An mbox is read in chunks, never mapped: a file truncated while helpq
 * reads it then ends early instead of killing helpq with SIGBUS. in holds
 * the bytes from file offset base on; the messages before pos are handed
 * out, so a fill drops them and in grows only to the largest message.
 * The fuzz build makes a chunk a few bytes, so its splitting runs across
 * chunk boundaries everywhere.
 */
#ifndef MBOX_CHUNK
#define MBOX_CHUNK	(1024 * 1024)
#endif

struct mbox {
	int		  fd;
	struct buf	  in;
	size_t		  pos;		/* in in: the next "From " line */
	off_t		  base;		/* the file offset of in.data[0] */
	int		  eof;
	char		 *lock;		/* our dotlock, to remove; or NULL */
	time_t		  touched;	/* when we last renewed it */
	char		  where[64];
};

struct single {
	struct buf	  data;
	int		  done;
	int		  file;		/* a file of past mail, not stdin */
	time_t		  mtime;	/* the file's */
};

static int
read_fd(int fd, struct buf *b, const char *name, char **cause)
{
	struct stat	st;
	ssize_t		n;

	buf_reset(b);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		buf_reserve(b, (size_t)st.st_size);
	for (;;) {
		buf_reserve(b, 65536);
		n = read(fd, b->data + b->len, b->size - b->len - 1);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*cause = xprintf("%s: %s", name, strerror(errno));
			return (-1);
		}
		b->len += (size_t)n;
	}
	b->data[b->len] = '\0';
	return (0);
}

/* Maildir */

static int
maildir_cmp(const void *a, const void *b)
{
	/* Delivery order: the base names start with the delivery time. */
	return (strverscmp(*(const char *const *)a + 1,
	    *(const char *const *)b + 1));
}

static int
maildir_scan(struct maildir *md, const char *sub, char **cause)
{
	DIR		*d;
	struct dirent	*de;
	char		*dir;

	dir = xprintf("%s/%s", md->dir, sub);
	if ((d = opendir(dir)) == NULL) {
		*cause = xprintf("%s: %s", dir, strerror(errno));
		free(dir);
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		buf_addc(&md->names, *sub);
		buf_add(&md->names, de->d_name, strlen(de->d_name) + 1);
		md->nfiles++;
	}
	closedir(d);
	free(dir);
	return (0);
}

/* Point files at the names, now that the buffer no longer moves. */
static void
maildir_index(struct maildir *md)
{
	const char	*p = md->names.data;
	size_t		 i;

	if (md->nfiles == 0)
		return;
	md->files = xreallocarray(NULL, md->nfiles, sizeof *md->files);
	for (i = 0; i < md->nfiles; i++) {
		md->files[i] = p;
		p += strlen(p) + 1;
	}
	qsort(md->files, md->nfiles, sizeof *md->files, maildir_cmp);
}

/*
 * Open one Maildir file: never through a symbolic link and only a regular
 * file, so a link in cur/ or new/ cannot import /etc/shadow into the store
 * (O_NONBLOCK: a FIFO must not hang the open). Returns the descriptor, -2
 * for an entry to skip, or -1 with *cause set.
 */
static int
maildir_open_file(const char *path, char **cause)
{
	struct stat	st;
	int		fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1) {
		/* Moved or removed by a mail client meanwhile. */
		if (errno == ENOENT) {
			log_debug("%s: gone", path);
			return (-2);
		}
		if (errno == ELOOP) {
			log_warnx("%s: a symbolic link, not a message; "
			    "skipped", path);
			return (-2);
		}
		*cause = xprintf("%s: %s", path, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) != 0) {
		*cause = xprintf("%s: %s", path, strerror(errno));
		close(fd);
		return (-1);
	}
	if (!S_ISREG(st.st_mode)) {
		log_warnx("%s: not a regular file; skipped", path);
		close(fd);
		return (-2);
	}
	return (fd);
}

static int
maildir_next(struct source *s, struct source_item *item, char **cause)
{
	struct maildir	*md = s->priv;
	struct stat	 st;
	const char	*path;
	time_t		 mtime = 0;
	int		 fd;

	for (;;) {
		if (md->next >= md->nfiles)
			return (1);
		free(md->path);
		path = md->path = xprintf("%s/%s/%s", md->dir,
		    md->files[md->next][0] == 'n' ? "new" : "cur",
		    md->files[md->next] + 1);
		md->next++;
		if ((fd = maildir_open_file(path, cause)) == -2)
			continue;
		if (fd == -1)
			return (-1);
		if (read_fd(fd, &md->data, path, cause) != 0) {
			close(fd);
			return (-1);
		}
		/* Delivery time, when the sender's Date is not believable. */
		if (fstat(fd, &st) == 0)
			mtime = st.st_mtime;
		close(fd);
		break;
	}
	memset(item, 0, sizeof *item);
	item->data = md->data.data;
	item->len = md->data.len;
	item->where = path;
	item->arrived = mtime;
	item->archive = 1;
	return (0);
}

static void
maildir_close(struct source *s)
{
	struct maildir	*md = s->priv;

	free(md->files);
	buf_free(&md->names);
	free(md->path);
	free(md->dir);
	buf_free(&md->data);
	free(md);
}

static const struct source_ops maildir_ops = {
	"maildir", maildir_next, NULL, maildir_close
};

static int
maildir_open(const char *path, struct source *s, char **cause)
{
	struct maildir	*md;

	md = xcalloc(1, sizeof *md);
	md->dir = xstrdup(path);
	buf_init(&md->names);
	if (maildir_scan(md, "new", cause) != 0 ||
	    maildir_scan(md, "cur", cause) != 0) {
		s->priv = md;
		maildir_close(s);
		s->priv = NULL;
		return (-1);
	}
	maildir_index(md);
	s->ops = &maildir_ops;
	s->priv = md;
	s->total = md->nfiles;
	return (0);
}

/* mbox */

/*
 * Locking as Debian's MTAs do while they deliver (Postfix, Exim, procmail:
 * a dotlock FILE.lock made with O_EXCL, plus fcntl): a read lock with
 * fcntl, and a dotlock when the directory lets us make one. Someone else's
 * dotlock is waited for; one older than MBOX_LOCK_STALE is a crashed
 * deliverer's (Postfix's stale_lock_time) and is removed. A dotlock of
 * ours is renewed as the import goes on, so nobody takes it for stale.
 */
#define MBOX_LOCK_WAIT	5	/* seconds */
#define MBOX_LOCK_STALE	500	/* seconds */

/* Is a dotlock in the way? 0 none (or a stale one removed), 1 held. */
static int
mbox_dotlock_held(const char *lock)
{
	struct stat	st;

	if (lstat(lock, &st) != 0)
		return (0);
	if (time(NULL) - st.st_mtime <= MBOX_LOCK_STALE)
		return (1);
	log_warnx("%s: older than %d seconds; removing the stale lock", lock,
	    MBOX_LOCK_STALE);
	if (unlink(lock) != 0 && errno != ENOENT)
		return (1);
	return (0);
}

/* Sleep a fifth of a second; returns 0 once MBOX_LOCK_WAIT is up. */
static int
mbox_lock_retry(const struct timespec *start)
{
	struct timespec	now, step = { 0, 200 * 1000 * 1000 };

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - start->tv_sec >= MBOX_LOCK_WAIT)
		return (0);
	nanosleep(&step, NULL);
	return (1);
}

/* Take the dotlock, or just wait for another's. Returns 0, 2 busy, -1. */
static int
mbox_dotlock(struct mbox *mb, const char *path, const struct timespec *start,
    char **cause)
{
	char	*lock, *dir, *slash, pid[32];
	int	 fd, mine;

	lock = xprintf("%s.lock", path);
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	mine = access(slash != NULL ? dir : ".", W_OK) == 0;
	free(dir);
	for (;;) {
		if (!mine) {
			if (!mbox_dotlock_held(lock))
				break;
		} else if ((fd = open(lock, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600)) != -1) {
			snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
			if (write(fd, pid, strlen(pid)) < 0)
				log_debug("%s: %s", lock, strerror(errno));
			close(fd);
			mb->lock = lock;
			mb->touched = time(NULL);
			return (0);
		} else if (errno != EEXIST) {
			*cause = xprintf("%s: %s", lock, strerror(errno));
			free(lock);
			return (-1);
		} else if (!mbox_dotlock_held(lock))
			continue;
		if (!mbox_lock_retry(start)) {
			*cause = xprintf("%s: locked by another program (%s); "
			    "try again later", path, lock);
			free(lock);
			return (2);
		}
	}
	free(lock);
	return (0);
}

/* The fcntl read lock; a deliverer holds a write lock. 0, 2 busy, -1. */
static int
mbox_fcntl_lock(struct mbox *mb, const char *path,
    const struct timespec *start, char **cause)
{
	struct flock	fl;

	for (;;) {
		memset(&fl, 0, sizeof fl);
		fl.l_type = F_RDLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(mb->fd, F_SETLK, &fl) == 0)
			return (0);
		if (errno != EACCES && errno != EAGAIN) {
			/* A file system without locks (some NFS): go on. */
			log_debug("%s: fcntl lock: %s", path, strerror(errno));
			return (0);
		}
		if (!mbox_lock_retry(start)) {
			*cause = xprintf("%s: locked by another program "
			    "(fcntl); try again later", path);
			return (2);
		}
	}
}

/* Renew our dotlock once a minute, so a deliverer never breaks it. */
static void
mbox_dotlock_touch(struct mbox *mb)
{
	time_t	now;

	if (mb->lock == NULL || (now = time(NULL)) - mb->touched < 60)
		return;
	if (utimensat(AT_FDCWD, mb->lock, NULL, 0) != 0)
		log_debug("%s: %s", mb->lock, strerror(errno));
	mb->touched = now;
}

/*
 * Read the next chunk after what in holds, first dropping what was handed
 * out (indices into in move down by the old pos: callers keep theirs
 * relative to pos). Returns 0 (eof set at the end), or -1 with *cause.
 */
static int
mbox_fill(struct mbox *mb, const char *name, char **cause)
{
	struct stat	st;
	ssize_t		n;

	if (mb->pos > 0) {
		memmove(mb->in.data, mb->in.data + mb->pos,
		    mb->in.len - mb->pos);
		mb->in.len -= mb->pos;
		mb->base += (off_t)mb->pos;
		mb->pos = 0;
	}
	buf_reserve(&mb->in, MBOX_CHUNK);
	do
		n = read(mb->fd, mb->in.data + mb->in.len, MBOX_CHUNK);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		*cause = xprintf("%s: %s", name, strerror(errno));
		return (-1);
	}
	mb->in.len += (size_t)n;
	mb->in.data[mb->in.len] = '\0';
	if (n == 0) {
		mb->eof = 1;
		if (fstat(mb->fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_size < mb->base + (off_t)mb->in.len)
			log_warnx("%s: the file was cut short while it was "
			    "read; its last message may be incomplete", name);
	}
	return (0);
}

/* Does a "From " separator start at off? Only at the start of the file or
 * after an empty line, so an unescaped "From " in a body rarely splits.
 * The caller has at least 5 bytes at off, or the end of the file. */
static int
mbox_is_sep(const struct mbox *mb, size_t off)
{
	const char	*d = mb->in.data;

	if (mb->in.len - off < 5 || memcmp(d + off, "From ", 5) != 0)
		return (0);
	if (off == 0 && mb->base == 0)
		return (1);
	if (off >= 2 && d[off - 1] == '\n' && d[off - 2] == '\n')
		return (1);
	if (off >= 3 && d[off - 1] == '\n' && d[off - 2] == '\r' &&
	    d[off - 3] == '\n')
		return (1);
	return (0);
}

/*
 * Find the end of the message whose separator line starts at pos: *start
 * and *end relative to pos, *more when another separator follows. Reads
 * on as needed. Returns 0, 1 when nothing is left, -1 on error.
 */
static int
mbox_find(struct mbox *mb, const char *name, size_t *start, size_t *end,
    int *more, char **cause)
{
	const char	*nl;
	size_t		 scan, off;

	/* The separator line itself. */
	for (;;) {
		nl = memchr(mb->in.data + mb->pos, '\n', mb->in.len - mb->pos);
		if (nl != NULL)
			break;
		if (mb->eof)
			return (1);
		if (mbox_fill(mb, name, cause) != 0)
			return (-1);
	}
	*start = scan = (size_t)(nl + 1 - mb->in.data) - mb->pos;
	for (;;) {
		nl = memchr(mb->in.data + mb->pos + scan, '\n',
		    mb->in.len - mb->pos - scan);
		if (nl == NULL || (!mb->eof &&
		    mb->in.len - (size_t)(nl + 1 - mb->in.data) < 5)) {
			if (mb->eof) {
				*end = mb->in.len - mb->pos;
				*more = 0;
				return (0);
			}
			/* Look at this newline again with more after it. */
			if (nl != NULL)
				scan = (size_t)(nl - mb->in.data) - mb->pos;
			else
				scan = mb->in.len - mb->pos;
			if (mbox_fill(mb, name, cause) != 0)
				return (-1);
			continue;
		}
		off = (size_t)(nl + 1 - mb->in.data);
		if (mbox_is_sep(mb, off)) {
			*end = off - mb->pos;
			*more = 1;
			return (0);
		}
		scan = off - mb->pos;
	}
}

static int
mbox_next(struct source *s, struct source_item *item, char **cause)
{
	struct mbox	*mb = s->priv;
	size_t		 start, end, len;
	off_t		 at;
	int		 more, rc;

	mbox_dotlock_touch(mb);
	if ((rc = mbox_find(mb, s->name, &start, &end, &more, cause)) != 0) {
		if (rc == 1)
			mb->pos = mb->in.len;
		return (rc);
	}
	at = mb->base + (off_t)mb->pos;
	len = end - start;
	/* The blank line before the next separator belongs to the mbox. */
	if (more && len > 0 && mb->in.data[mb->pos + end - 1] == '\n')
		len--;
	snprintf(mb->where, sizeof mb->where, "%s:%lld", s->name,
	    (long long)at);
	memset(item, 0, sizeof *item);
	item->data = mb->in.data + mb->pos + start;
	item->len = len;
	item->where = mb->where;
	item->archive = 1;
	/* Valid until the next call, which is the first to move in. */
	mb->pos += end;
	return (0);
}

static void
mbox_close(struct source *s)
{
	struct mbox	*mb = s->priv;

	if (mb->lock != NULL) {
		if (unlink(mb->lock) != 0)
			log_warn("%s", mb->lock);
		free(mb->lock);
	}
	if (mb->fd != -1)
		close(mb->fd);	/* and the fcntl lock goes */
	buf_free(&mb->in);
	free(mb);
}

static const struct source_ops mbox_ops = {
	"mbox", mbox_next, NULL, mbox_close
};

/*
 * Open the mbox at path (fd, which it takes) locked. Returns 0, 2 when
 * another program holds a lock for longer than we wait, or -1; *cause set
 * for both. The number of messages is not known before the end (0).
 */
static int
mbox_open(const char *path, int fd, struct source *s, char **cause)
{
	struct mbox	*mb;
	struct timespec	 start;
	int		 rc;

	mb = xcalloc(1, sizeof *mb);
	mb->fd = fd;
	buf_init(&mb->in);
	buf_reserve(&mb->in, MBOX_CHUNK);	/* data is never NULL */
	clock_gettime(CLOCK_MONOTONIC, &start);
	s->priv = mb;
	if ((rc = mbox_dotlock(mb, path, &start, cause)) != 0 ||
	    (rc = mbox_fcntl_lock(mb, path, &start, cause)) != 0) {
		mbox_close(s);
		s->priv = NULL;
		return (rc);
	}
	s->ops = &mbox_ops;
	s->total = 0;
	return (0);
}

/* One message on standard input. */

static int
single_next(struct source *s, struct source_item *item, char **cause)
{
	struct single	*one = s->priv;

	if (one->done)
		return (1);
	one->done = 1;
	memset(item, 0, sizeof *item);
	item->data = buf_cstr(&one->data);
	item->len = one->data.len;
	item->where = s->name;
	/* Standard input is mail arriving now; a file is past mail. */
	item->archive = one->file;
	item->arrived = one->mtime;
	return (0);
}

static void
single_close(struct source *s)
{
	struct single	*one = s->priv;

	buf_free(&one->data);
	free(one);
}

static const struct source_ops single_ops = {
	"file", single_next, NULL, single_close
};

/* Read the one message in fd (standard input or a file). */
static int
single_open(struct source *s, int fd, const char *name, char **cause)
{
	struct single	*one;
	struct stat	 st;

	one = xcalloc(1, sizeof *one);
	if (read_fd(fd, &one->data, name, cause) != 0) {
		buf_free(&one->data);
		free(one);
		return (-1);
	}
	if (fd != STDIN_FILENO) {
		one->file = 1;
		if (fstat(fd, &st) == 0)
			one->mtime = st.st_mtime;
	}
	s->ops = &single_ops;
	s->priv = one;
	s->total = 1;
	return (0);
}

/* Does the file start with an mbox "From " line? Leaves the offset at 0. */
static int
file_is_mbox(int fd)
{
	char	head[5];

	if (pread(fd, head, sizeof head, 0) != (ssize_t)sizeof head)
		return (0);
	return (memcmp(head, "From ", 5) == 0);
}

int
source_local_open(const char *path, struct source **sp, char **cause)
{
	struct source	*s;
	struct stat	 st;
	char		*sub;
	int		 fd, rc;

	s = xcalloc(1, sizeof *s);
	s->name = xstrdup(path);
	if (strcmp(path, "-") == 0) {
		if (single_open(s, STDIN_FILENO, "stdin", cause) != 0)
			goto fail;
		*sp = s;
		return (0);
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*cause = xprintf("%s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) != 0) {
		*cause = xprintf("%s: %s", path, strerror(errno));
		close(fd);
		goto fail;
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		sub = xprintf("%s/cur", path);
		rc = access(sub, F_OK);
		free(sub);
		if (rc != 0) {
			*cause = xprintf("%s: a directory but not a Maildir "
			    "(no cur/)", path);
			goto fail;
		}
		if (maildir_open(path, s, cause) != 0)
			goto fail;
	} else if (file_is_mbox(fd)) {
		if ((rc = mbox_open(path, fd, s, cause)) != 0) {
			free(s->name);
			free(s);
			return (rc);
		}
	} else {
		/* One message in a file of its own (an .eml). */
		rc = single_open(s, fd, path, cause);
		close(fd);
		if (rc != 0)
			goto fail;
	}
	*sp = s;
	return (0);
fail:
	free(s->name);
	free(s);
	return (-1);
}
