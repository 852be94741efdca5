/* helpq - log.h: the one logging path (stderr or syslog). */
#ifndef HELPQ_LOG_H
#define HELPQ_LOG_H

#include "compat.h"

#include <stdarg.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG
};

/*
 * Send messages at or below level to syslog (to_syslog != 0, with ident) or
 * to stderr prefixed by ident. May be called again to change either.
 */
void	log_init(int to_syslog, enum log_level level, const char *ident);
int	log_get_level(void);

void	log_debug(const char *, ...) __printflike(1, 2);
void	log_info(const char *, ...) __printflike(1, 2);
/* log_warn appends ": strerror(errno)"; log_warnx does not. */
void	log_warn(const char *, ...) __printflike(1, 2);
void	log_warnx(const char *, ...) __printflike(1, 2);
void	log_error(const char *, ...) __printflike(1, 2);
/* For broken invariants and exhausted memory only, never for bad input. */
__dead void fatal(const char *, ...) __printflike(1, 2);
__dead void fatalx(const char *, ...) __printflike(1, 2);

#endif
