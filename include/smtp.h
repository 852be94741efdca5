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
	SMTP_TEMP,		/* this message: try again later (4xx to
				   MAIL, RCPT or DATA) */
	SMTP_PERM,		/* this message will never go (5xx to MAIL,
				   RCPT or DATA) */
	SMTP_DOWN,		/* no message can go now: the server cannot be
				   reached, TLS failed, the login was refused
				   (530-538), 421, no reply in time */
	SMTP_CONFIG		/* no message can ever go as configured: the
				   server's certificate is not trusted (by
				   ca-file or the system) or not for its host
				   name, or the CA file is unusable */
};

/*
 * A session for the configured server. The connection is made at the
 * first smtp_send and kept for the next ones (one connection for a
 * whole outbox flush). The password is read (secret_get) here, so a
 * missing or unsafe secret file is reported before anything is sent:
 * returns NULL with *cause allocated (the caller frees it). c must
 * outlive the session. A session is used by one thread at a time.
 */
struct smtp	*smtp_new(const struct config_smtp *c, char **cause);
/* QUIT, close, wipe the password, free. NULL is fine. */
void		 smtp_free(struct smtp *);

/*
 * Send len bytes of raw message from the envelope sender from ("" sends
 * the null sender <>) to the n envelope recipients rcpts. Line ends
 * should be CRLF; a bare LF or CR is sent as CRLF. libcurl dot-stuffs
 * lines that start with "." and ends the DATA. A refused recipient
 * refuses the whole message. An address with a space, a control
 * character or <> in it, or no recipient at all, is SMTP_PERM without
 * a word to the server.
 *
 * *reply is set to the server's last reply ("250 2.0.0 Ok: queued as
 * ABC"; the lines of a multi-line reply joined), or, when the server did
 * not answer, to what went wrong, naming the server ("smtp
 * host:587: Couldn't connect to server"). It never holds the password.
 * Allocated; the caller frees it, also on SMTP_OK. After a failure the
 * next send starts on a new connection.
 */
enum smtp_result smtp_send(struct smtp *, const char *from,
		    const char *const *rcpts, size_t n, const char *raw,
		    size_t len, char **reply);

/*
 * Everything a send does up to the envelope sender, and no further:
 * connect, TLS, AUTH, then "MAIL FROM:<from>" alone and QUIT, so the
 * server says whether it takes mail from that sender while no mail is
 * sent (helpq doctor). The result and *reply as for smtp_send; the
 * session's kept connection is not touched.
 */
enum smtp_result smtp_probe(struct smtp *, const char *from, char **reply);

#endif
