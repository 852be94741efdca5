/* helpq - log.c: the one logging path, stderr, syslog or journald. */
#include "compat.h"

#include <sys/stat.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#ifdef HAVE_LIBSYSTEMD
/* Where a line was logged is log.c each time: not worth a field. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>
/* journald's socket: without it sd_journal_sendv drops the line. */
#define LOG_JOURNAL_SOCKET	"/run/systemd/journal/socket"
#endif

#include "log.h"
#include "utf8.h"

static enum log_dest	 log_dest;
static enum log_level	 log_level = LOG_LEVEL_INFO;
static const char	*log_ident = "helpq";

void
log_init(enum log_dest dest, enum log_level level, const char *ident)
{
	if (log_dest == LOG_DEST_SYSLOG && dest != LOG_DEST_SYSLOG)
		closelog();
	log_dest = dest;
	log_level = level;
	if (ident != NULL)
		log_ident = ident;
	if (log_dest == LOG_DEST_SYSLOG)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

int
log_get_level(void)
{
	return (log_level);
}

int
log_to_service(void)
{
	return (log_dest != LOG_DEST_STDERR);
}

int
log_journal_stream(void)
{
	const char		*v;
	struct stat		 st;
	unsigned long long	 dev, ino;

	if ((v = getenv("JOURNAL_STREAM")) == NULL ||
	    sscanf(v, "%llu:%llu", &dev, &ino) != 2)
		return (0);
	if (fstat(STDERR_FILENO, &st) == -1)
		return (0);
	return ((unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino);
}

static const int log_prio[] = {
	LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG, LOG_DEBUG
};

#ifdef HAVE_LIBSYSTEMD
/* The line and its ids as journal fields; 0 when the journal took it. */
static int
log_journal_send(int prio, const char *msg, const struct log_ids *ids)
{
	struct iovec	 iov[6];
	char		 f[6][4200];
	int		 n = 0, i;

	if (access(LOG_JOURNAL_SOCKET, W_OK) != 0)
		return (-1);
	snprintf(f[n++], sizeof f[0], "MESSAGE=%s", msg);
	snprintf(f[n++], sizeof f[0], "PRIORITY=%d", prio);
	snprintf(f[n++], sizeof f[0], "SYSLOG_IDENTIFIER=%s", log_ident);
	if (ids != NULL && ids->ticket != 0)
		snprintf(f[n++], sizeof f[0], "HELPQ_TICKET=%lld",
		    (long long)ids->ticket);
	if (ids != NULL && ids->outbox != 0)
		snprintf(f[n++], sizeof f[0], "HELPQ_OUTBOX=%lld",
		    (long long)ids->outbox);
	if (ids != NULL && ids->message_id != NULL)
		snprintf(f[n++], sizeof f[0], "HELPQ_MESSAGE_ID=%s",
		    ids->message_id);
	for (i = 0; i < n; i++) {
		iov[i].iov_base = f[i];
		iov[i].iov_len = strlen(f[i]);
	}
	return (sd_journal_sendv(iov, n));
}
#endif

/* The format attribute lets the compiler check every caller's format. */
static void	log_vwrite(enum log_level, const struct log_ids *,
		    const char *, va_list, int) __printflike(3, 0);

static void
log_vwrite(enum log_level level, const struct log_ids *ids, const char *fmt,
    va_list ap, int with_errno)
{
	char	 msg[4096], clean[sizeof msg];
	int	 saved = errno;

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (with_errno) {
		size_t	len = strlen(msg);
		snprintf(msg + len, sizeof msg - len, ": %s", strerror(saved));
	}
	/* Messages quote mail: no log gets control bytes (a newline in a
	 * stream would start a line of its own). */
	utf8_terminal(clean, msg, strlen(msg), log_dest == LOG_DEST_STDERR);
	switch (log_dest) {
	case LOG_DEST_SYSLOG:
		syslog(log_prio[level], "%s", clean);
		break;
	case LOG_DEST_JOURNAL:
#ifdef HAVE_LIBSYSTEMD
		if (log_journal_send(log_prio[level], clean, ids) == 0)
			break;
#endif
		/* journald reads the priority off the front of the line. */
		fprintf(stderr, "<%d>%s\n", log_prio[level], clean);
		break;
	case LOG_DEST_STDERR:
		fprintf(stderr, "%s: %s\n", log_ident, clean);
		break;
	}
	errno = saved;
}

#define LOG_FN(name, level, with_errno)					\
void									\
name(const char *fmt, ...)						\
{									\
	va_list	ap;							\
	va_start(ap, fmt);						\
	log_vwrite(level, NULL, fmt, ap, with_errno);			\
	va_end(ap);							\
}
LOG_FN(log_trace, LOG_LEVEL_TRACE, 0)
LOG_FN(log_debug, LOG_LEVEL_DEBUG, 0)
LOG_FN(log_info, LOG_LEVEL_INFO, 0)
LOG_FN(log_warn, LOG_LEVEL_WARN, 1)
LOG_FN(log_warnx, LOG_LEVEL_WARN, 0)
LOG_FN(log_error, LOG_LEVEL_ERROR, 0)

void
log_info_ids(const struct log_ids *ids, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_INFO, ids, fmt, ap, 0);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, NULL, fmt, ap, 1);
	va_end(ap);
	abort();
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, NULL, fmt, ap, 0);
	va_end(ap);
	abort();
}
