/*
 * helpq - smtp.c: one finished message to the SMTP server with libcurl.
 * libcurl speaks the protocol (EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA
 * with dot-stuffing of "CRLF." in the body); this module sets it up so
 * that TLS is never optional and the certificate is always checked, and
 * reads the server's answers to tell "try later" from "never".
 */
#include "compat.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"
#include "config.h"
#include "log.h"
#include "secret.h"
#include "smtp.h"
#include "xmalloc.h"

/* What the session was doing when the server answered last. */
enum smtp_stage {
	STAGE_SESSION = 0,	/* greeting, EHLO, STARTTLS, AUTH */
	STAGE_MESSAGE		/* MAIL, RCPT, DATA and the body */
};

struct smtp {
	const struct config_smtp *conf;
	CURL			*curl;		/* NULL: made at the next send */
	char			*url;
	char			*helo;
	char			*password;	/* secret_get; NULL: no AUTH */
	char			 errbuf[CURL_ERROR_SIZE];
	char			 last[512];	/* the server's last reply line */
	enum smtp_stage		 stage;
	int			 quitting;	/* QUIT sent: keep the last */
	const char		*data;		/* the message being sent */
	size_t			 len;
	size_t			 off;
};

static pthread_once_t	smtp_once = PTHREAD_ONCE_INIT;
static CURLcode		smtp_global;

static void
smtp_global_init(void)
{
	smtp_global = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* libcurl reads the message from here. */
static size_t
smtp_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct smtp	*s = arg;
	size_t		 n = size * nitems;

	if (n > s->len - s->off)
		n = s->len - s->off;
	memcpy(buf, s->data + s->off, n);
	s->off += n;
	return (n);
}

/*
 * What goes over the wire, seen by libcurl's debug hook: the last reply
 * line the server sent, and whether the commands have reached the
 * message yet (MAIL FROM onwards) or are still about the session.
 */
static int
smtp_debug(CURL *curl, curl_infotype type, char *data, size_t len, void *arg)
{
	struct smtp	*s = arg;
	size_t		 n;

	if (type == CURLINFO_HEADER_OUT) {
		/* The answer to QUIT is not the one that matters. */
		if (len >= 4 && strncasecmp(data, "QUIT", 4) == 0)
			s->quitting = 1;
		else if (len >= 5 && strncasecmp(data, "MAIL ", 5) == 0)
			s->stage = STAGE_MESSAGE;
		else if (len >= 4 && (strncasecmp(data, "EHLO", 4) == 0 ||
		    strncasecmp(data, "HELO", 4) == 0 ||
		    strncasecmp(data, "AUTH", 4) == 0 ||
		    strncasecmp(data, "STARTTLS", 8) == 0))
			s->stage = STAGE_SESSION;
	} else if (type == CURLINFO_HEADER_IN && !s->quitting) {
		n = len;
		while (n > 0 && (data[n - 1] == '\r' || data[n - 1] == '\n'))
			n--;
		if (n >= sizeof s->last)
			n = sizeof s->last - 1;
		memcpy(s->last, data, n);
		s->last[n] = '\0';
	}
	return (0);
}

struct smtp *
smtp_new(const struct config_smtp *c, char **cause)
{
	struct smtp	*s;
	char		 host[256];
	unsigned	 port;

	pthread_once(&smtp_once, smtp_global_init);
	if (smtp_global != CURLE_OK) {
		*cause = xprintf("libcurl: %s", curl_easy_strerror(smtp_global));
		return (NULL);
	}
	if (c->host == NULL) {
		*cause = xstrdup("no SMTP server ([smtp] host)");
		return (NULL);
	}
	s = xcalloc(1, sizeof *s);
	s->conf = c;
	if (c->user != NULL && secret_get(&c->password, &s->password,
	    cause) != 0) {
		free(s);
		return (NULL);
	}
	port = c->port != 0 ? c->port : c->tls == CONFIG_TLS_IMPLICIT ? 465 :
	    587;
	/* EHLO names this machine (libcurl takes it from the URL's path). */
	if (gethostname(host, sizeof host) != 0 || *host == '\0' ||
	    strpbrk(host, "/?#% ") != NULL)
		snprintf(host, sizeof host, "localhost");
	host[sizeof host - 1] = '\0';
	s->helo = xstrdup(host);
	s->url = xprintf("%s://%s:%u/%s", c->tls == CONFIG_TLS_IMPLICIT ?
	    "smtps" : "smtp", c->host, port, s->helo);
	return (s);
}

void
smtp_free(struct smtp *s)
{
	if (s == NULL)
		return;
	if (s->curl != NULL)
		curl_easy_cleanup(s->curl);
	secret_free(s->password);
	free(s->url);
	free(s->helo);
	free(s);
}

/* The handle, set up the way every send needs it. */
static CURL *
smtp_handle(struct smtp *s)
{
	const struct config_smtp	*c = s->conf;
	static const char *const	 mech[] = {
		[CONFIG_AUTH_LOGIN] = "AUTH=LOGIN",
		[CONFIG_AUTH_PLAIN] = "AUTH=PLAIN",
		[CONFIG_AUTH_XOAUTH2] = "AUTH=XOAUTH2"
	};
	CURL				*h;

	if (s->curl != NULL)
		return (s->curl);
	if ((h = curl_easy_init()) == NULL)
		return (NULL);
	curl_easy_setopt(h, CURLOPT_URL, s->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
	curl_easy_setopt(h, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
	/* Never a proxy from the environment: mail goes where configured. */
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s->errbuf);
	/* STARTTLS is required, never "if the server offers it". */
	curl_easy_setopt(h, CURLOPT_USE_SSL, c->tls == CONFIG_TLS_NONE ?
	    (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	if (c->ca_file != NULL)
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)c->timeout);
	curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT,
	    (long)c->timeout);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, (long)c->timeout);
	if (c->user != NULL) {
		curl_easy_setopt(h, CURLOPT_USERNAME, c->user);
		curl_easy_setopt(h, CURLOPT_LOGIN_OPTIONS, mech[c->auth]);
		if (c->auth == CONFIG_AUTH_XOAUTH2)
			curl_easy_setopt(h, CURLOPT_XOAUTH2_BEARER,
			    s->password);
		else
			curl_easy_setopt(h, CURLOPT_PASSWORD, s->password);
	}
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, smtp_read);
	curl_easy_setopt(h, CURLOPT_READDATA, s);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, smtp_debug);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, s);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	s->curl = h;
	return (h);
}

/*
 * Sort a failure: a reply to the message's own commands is about this
 * message (4xx later, 5xx never); anything before them, 421 (the server
 * closes), 530 to 538 (TLS or a login wanted), or no reply at all is
 * about the session.
 */
static enum smtp_result
smtp_verdict(const struct smtp *s, long code)
{
	/* 530 (STARTTLS or a login first) and 53x to AUTH are about the
	 * session even when they answer MAIL FROM. */
	if (code >= 530 && code <= 538)
		return (SMTP_DOWN);
	if (s->stage == STAGE_MESSAGE && code >= 500 && code <= 599)
		return (SMTP_PERM);
	if (s->stage == STAGE_MESSAGE && code >= 400 && code <= 499 &&
	    code != 421)
		return (SMTP_TEMP);
	return (SMTP_DOWN);
}

enum smtp_result
smtp_send(struct smtp *s, const char *from, const char *const *rcpts,
    size_t n, const char *raw, size_t len, char **reply)
{
	struct curl_slist	*list = NULL;
	enum smtp_result	 r;
	CURLcode		 rc;
	CURL			*h;
	char			*sender;
	long			 code = 0;
	size_t			 i;

	if ((h = smtp_handle(s)) == NULL) {
		*reply = xstrdup("libcurl: cannot make a handle");
		return (SMTP_DOWN);
	}
	/* "<>" is the null sender; libcurl writes it as is. */
	sender = xprintf("<%s>", from);
	for (i = 0; i < n; i++)
		list = curl_slist_append(list, rcpts[i]);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, sender);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, list);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	s->data = raw;
	s->len = len;
	s->off = 0;
	s->stage = STAGE_SESSION;
	s->quitting = 0;
	s->last[0] = '\0';
	s->errbuf[0] = '\0';

	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (rc == CURLE_OK) {
		r = SMTP_OK;
		*reply = xstrdup(*s->last != '\0' ? s->last : "accepted");
	} else {
		r = smtp_verdict(s, code);
		/* The server's word when it refused; else curl's. */
		if (code >= 400 && *s->last != '\0')
			*reply = xstrdup(s->last);
		else
			*reply = xprintf("smtp %s:%u: %s", s->conf->host,
			    s->conf->port != 0 ? s->conf->port :
			    s->conf->tls == CONFIG_TLS_IMPLICIT ? 465 : 587,
			    *s->errbuf != '\0' ? s->errbuf :
			    curl_easy_strerror(rc));
		/* Whatever state the connection is in, start afresh. */
		curl_easy_cleanup(h);
		s->curl = NULL;
	}
	/* The options point at these; the next send sets them anew. */
	if (s->curl != NULL) {
		curl_easy_setopt(h, CURLOPT_MAIL_RCPT, NULL);
		curl_easy_setopt(h, CURLOPT_MAIL_FROM, NULL);
	}
	curl_slist_free_all(list);
	free(sender);
	s->data = NULL;
	return (r);
}
