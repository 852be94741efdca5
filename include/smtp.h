/*
 * helpq - smtp.h: handing one finished message to the SMTP server
 * (libcurl): smtps or STARTTLS with the certificate and host name
 * verified, AUTH when a user is configured, and the server's verdict
 * sorted into accepted, try again later, or refused for good.
 */
#ifndef HELPQ_SMTP_H
#define HELPQ_SMTP_H

#include "compat.h"

struct config_smtp;
struct smtp;

enum smtp_result {
	SMTP_OK = 0,		/* the server took the message (2xx) */
	SMTP_TEMP,		/* this message: try again later (4xx) */
	SMTP_PERM,		/* this message will never go (5xx) */
	SMTP_DOWN		/* no message can go now: the server cannot be
				   reached, TLS or the certificate check
				   failed, the login was refused, 421 */
};

/*
 * A session for the configured server. The connection is made at the
 * first smtp_send and kept for the next ones (one connection for a
 * whole outbox flush). The password is read (secret_get) here, so a
 * missing or unsafe secret file is reported before anything is sent:
 * returns NULL with *cause allocated (the caller frees it).
 */
struct smtp	*smtp_new(const struct config_smtp *, char **cause);
void		 smtp_free(struct smtp *);	/* NULL is fine */

/*
 * Send len bytes of raw message (CRLF line ends; dot-stuffing is done
 * by libcurl) from the envelope sender from ("" sends the null sender <>) to
 * the n envelope recipients rcpts. *reply is set to the server's last
 * reply ("250 2.0.0 Ok: queued as ABC") or to what went wrong before the
 * server could answer (allocated; the caller frees it, also on
 * SMTP_OK). A refused recipient refuses the whole message.
 */
enum smtp_result smtp_send(struct smtp *, const char *from,
		    const char *const *rcpts, size_t n, const char *raw,
		    size_t len, char **reply);

#endif
