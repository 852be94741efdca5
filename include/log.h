/*
 * helpq - log.h: the one logging path: standard error on a terminal,
 * syslog under --syslog, journald when systemd gave helpq its stream.
 */
#ifndef HELPQ_LOG_H
#define HELPQ_LOG_H

#include "compat.h"

#include <stdarg.h>
#include <stdint.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
	LOG_LEVEL_TRACE		/* protocol transcripts, never secrets */
};

enum log_dest {
	LOG_DEST_STDERR = 0,	/* "helpq: message" */
	LOG_DEST_SYSLOG,	/* syslog(3), facility mail */
	LOG_DEST_JOURNAL	/* journald: native with libsystemd (with
				   fields), else "<N>message" on stderr */
};

/*
 * Send messages at or below level to dest, as ident. May be called
 * again to change any of them (ident NULL keeps it).
 */
void	log_init(enum log_dest dest, enum log_level level, const char *ident);
int	log_get_level(void);
/* Nonzero when the log goes to syslog or the journal: helpq runs as a
 * service, and what it did is logged rather than printed. */
int	log_to_service(void);
/* Nonzero when standard error is journald's stream (systemd says so in
 * JOURNAL_STREAM: the device and inode of the stream it gave us). */
int	log_journal_stream(void);

/* What a line is about, as journal fields (HELPQ_TICKET, HELPQ_OUTBOX,
 * HELPQ_MESSAGE_ID); 0 and NULL are left out. */
struct log_ids {
	int64_t		 ticket;
	int64_t		 outbox;
	const char	*message_id;
};

void	log_trace(const char *, ...) __printflike(1, 2);
void	log_debug(const char *, ...) __printflike(1, 2);
void	log_info(const char *, ...) __printflike(1, 2);
/* log_info with the ids as fields where the journal takes them. */
void	log_info_ids(const struct log_ids *, const char *, ...)
	    __printflike(2, 3);
/* log_warn appends ": strerror(errno)"; log_warnx does not. */
void	log_warn(const char *, ...) __printflike(1, 2);
void	log_warnx(const char *, ...) __printflike(1, 2);
void	log_error(const char *, ...) __printflike(1, 2);
/* For broken invariants and exhausted memory only, never for bad input. */
__dead void fatal(const char *, ...) __printflike(1, 2);
__dead void fatalx(const char *, ...) __printflike(1, 2);

#endif
