/*
 * helpq - source_local.c: messages from a Maildir, an mbox file or standard
 * input. Importing reads and never changes the local mailbox: a message
 * imported twice is recognised by the store, so there is nothing to mark.
 */
#include "compat.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "source.h"
#include "xmalloc.h"

struct maildir {
	char		**files;	/* paths, in delivery order */
	size_t		  nfiles;
	size_t		  next;
	struct buf	  data;		/* the current message */
};

struct mbox {
	char		 *map;
	size_t		  len;
	size_t		  off;		/* start of the next "From " line */
	char		  where[64];
};

struct single {
	struct buf	  data;
	int		  done;
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
	const char	*pa = strrchr(*(char *const *)a, '/');
	const char	*pb = strrchr(*(char *const *)b, '/');

	return (strverscmp(pa, pb));
}

static int
maildir_scan(struct maildir *md, const char *path, const char *sub,
    char **cause)
{
	DIR		*d;
	struct dirent	*de;
	char		*dir;

	dir = xprintf("%s/%s", path, sub);
	if ((d = opendir(dir)) == NULL) {
		*cause = xprintf("%s: %s", dir, strerror(errno));
		free(dir);
		return (-1);
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		md->files = xreallocarray(md->files, md->nfiles + 1,
		    sizeof *md->files);
		md->files[md->nfiles++] = xprintf("%s/%s", dir, de->d_name);
	}
	closedir(d);
	free(dir);
	return (0);
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
	const char	*path;
	int		 fd;

	for (;;) {
		if (md->next >= md->nfiles)
			return (1);
		path = md->files[md->next++];
		if ((fd = maildir_open_file(path, cause)) == -2)
			continue;
		if (fd == -1)
			return (-1);
		if (read_fd(fd, &md->data, path, cause) != 0) {
			close(fd);
			return (-1);
		}
		close(fd);
		break;
	}
	memset(item, 0, sizeof *item);
	item->data = md->data.data;
	item->len = md->data.len;
	item->where = path;
	return (0);
}

static void
maildir_close(struct source *s)
{
	struct maildir	*md = s->priv;
	size_t		 i;

	for (i = 0; i < md->nfiles; i++)
		free(md->files[i]);
	free(md->files);
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
	if (maildir_scan(md, path, "new", cause) != 0 ||
	    maildir_scan(md, path, "cur", cause) != 0) {
		s->priv = md;
		maildir_close(s);
		s->priv = NULL;
		return (-1);
	}
	qsort(md->files, md->nfiles, sizeof *md->files, maildir_cmp);
	s->ops = &maildir_ops;
	s->priv = md;
	s->total = md->nfiles;
	return (0);
}

/* mbox */

/* Does a "From " separator start at off? Only at the start of the file or
 * after an empty line, so an unescaped "From " in a body rarely splits. */
static int
mbox_is_sep(const struct mbox *mb, size_t off)
{
	if (mb->len - off < 5 || memcmp(mb->map + off, "From ", 5) != 0)
		return (0);
	if (off == 0)
		return (1);
	if (off >= 2 && mb->map[off - 1] == '\n' && mb->map[off - 2] == '\n')
		return (1);
	if (off >= 3 && mb->map[off - 1] == '\n' && mb->map[off - 2] == '\r' &&
	    mb->map[off - 3] == '\n')
		return (1);
	return (0);
}

static int
mbox_next(struct source *s, struct source_item *item, char **cause)
{
	struct mbox	*mb = s->priv;
	const char	*start, *nl, *p;
	size_t		 off, end;

	if (mb->off >= mb->len)
		return (1);
	off = mb->off;
	/* Skip the separator line itself. */
	if ((nl = memchr(mb->map + off, '\n', mb->len - off)) == NULL) {
		mb->off = mb->len;
		return (1);
	}
	start = nl + 1;
	end = mb->len;
	for (p = start; p < mb->map + mb->len; p++) {
		p = memchr(p, '\n', (size_t)(mb->map + mb->len - p));
		if (p == NULL)
			break;
		if (mbox_is_sep(mb, (size_t)(p + 1 - mb->map))) {
			end = (size_t)(p + 1 - mb->map);
			break;
		}
	}
	mb->off = end;
	/* The blank line before the next separator belongs to the mbox. */
	if (end < mb->len && end > (size_t)(start - mb->map) &&
	    mb->map[end - 1] == '\n')
		end--;
	snprintf(mb->where, sizeof mb->where, "%s:%zu", s->name, off);
	memset(item, 0, sizeof *item);
	item->data = start;
	item->len = end - (size_t)(start - mb->map);
	item->where = mb->where;
	return (0);
}

static void
mbox_close(struct source *s)
{
	struct mbox	*mb = s->priv;

	if (mb->map != NULL && mb->len != 0)
		munmap(mb->map, mb->len);
	free(mb);
}

static const struct source_ops mbox_ops = {
	"mbox", mbox_next, NULL, mbox_close
};

static size_t
mbox_count(const struct mbox *mb)
{
	const char	*p = mb->map, *e = mb->map + mb->len;
	size_t		 n = mbox_is_sep(mb, 0);

	while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		p++;
		if (mbox_is_sep(mb, (size_t)(p - mb->map)))
			n++;
	}
	return (n);
}

static int
mbox_open(const char *path, int fd, const struct stat *st, struct source *s,
    char **cause)
{
	struct mbox	*mb;

	mb = xcalloc(1, sizeof *mb);
	mb->len = (size_t)st->st_size;
	if (mb->len != 0) {
		mb->map = mmap(NULL, mb->len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (mb->map == MAP_FAILED) {
			*cause = xprintf("%s: mmap: %s", path, strerror(errno));
			free(mb);
			return (-1);
		}
	}
	s->ops = &mbox_ops;
	s->priv = mb;
	s->total = mbox_count(mb);
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

	one = xcalloc(1, sizeof *one);
	if (read_fd(fd, &one->data, name, cause) != 0) {
		buf_free(&one->data);
		free(one);
		return (-1);
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
		rc = mbox_open(path, fd, &st, s, cause);
		close(fd);
		if (rc != 0)
			goto fail;
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
