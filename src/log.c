/* helpq - log.c: the one logging path, stderr or syslog. */
#include "compat.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "utf8.h"

static int		 log_syslog;
static enum log_level	 log_level = LOG_LEVEL_INFO;
static const char	*log_ident = "helpq";

void
log_init(int to_syslog, enum log_level level, const char *ident)
{
	if (log_syslog && !to_syslog)
		closelog();
	log_syslog = to_syslog;
	log_level = level;
	if (ident != NULL)
		log_ident = ident;
	if (log_syslog)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

int
log_get_level(void)
{
	return (log_level);
}

/* The format attribute lets the compiler check every caller's format. */
static void	log_vwrite(enum log_level, const char *, va_list, int)
		    __printflike(2, 0);

static void
log_vwrite(enum log_level level, const char *fmt, va_list ap, int with_errno)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char	 msg[4096], clean[sizeof msg];
	int	 saved = errno;

	if (level > log_level)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	if (with_errno) {
		size_t	len = strlen(msg);
		snprintf(msg + len, sizeof msg - len, ": %s", strerror(saved));
	}
	if (log_syslog)
		syslog(prio[level], "%s", msg);
	else {
		/* Messages quote mail: the terminal gets no control bytes. */
		utf8_terminal(clean, msg, strlen(msg), 1);
		fprintf(stderr, "%s: %s\n", log_ident, clean);
	}
	errno = saved;
}

#define LOG_FN(name, level, with_errno)					\
void									\
name(const char *fmt, ...)						\
{									\
	va_list	ap;							\
	va_start(ap, fmt);						\
	log_vwrite(level, fmt, ap, with_errno);				\
	va_end(ap);							\
}
LOG_FN(log_debug, LOG_LEVEL_DEBUG, 0)
LOG_FN(log_info, LOG_LEVEL_INFO, 0)
LOG_FN(log_warn, LOG_LEVEL_WARN, 1)
LOG_FN(log_warnx, LOG_LEVEL_WARN, 0)
LOG_FN(log_error, LOG_LEVEL_ERROR, 0)

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, fmt, ap, 1);
	va_end(ap);
	abort();
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, fmt, ap, 0);
	va_end(ap);
	abort();
}

