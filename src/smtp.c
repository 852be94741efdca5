/*
 * helpq - smtp.c: one finished message to the SMTP server with libcurl.
 * libcurl speaks the protocol (EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA
 * with the dot-stuffing of "CRLF." in the body); this module sets it up
 * so that TLS is never optional and the certificate is always checked,
 * hands it the body with CRLF line ends only, and reads the server's
 * answers to tell "try later" from "never" and "not now at all".
 */
#include "compat.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <curl/curl.h>

#include "config.h"
#include "log.h"
#include "safe.h"
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
	CURL			*curl;		/* NULL: made when needed */
	int			 kept;		/* curl may hold a connection */
	char			*url;
	char			*where;		/* "host:port", for messages */
	char			*password;	/* secret_get; NULL: no AUTH */
	char			 errbuf[CURL_ERROR_SIZE];
	char			 reply[1024];	/* the server's last reply */
	int			 more;		/* its last line was "NNN-" */
	enum smtp_stage		 stage;
	int			 quitting;	/* QUIT sent: keep the reply */
	const char		*cmd;		/* the last command's verb */
	int			 authing;	/* AUTH sent, no verdict yet */
	const char		*data;		/* the message being sent */
	size_t			 len;
	size_t			 off;
	int			 lf;		/* a line end's LF is owed */
};

static pthread_once_t	smtp_once = PTHREAD_ONCE_INIT;
static CURLcode		smtp_global;

static void
smtp_global_init(void)
{
	smtp_global = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/*
 * libcurl reads the message from here. libcurl stuffs a dot only after
 * CRLF and CURLOPT_CRLF would turn CRLF into CR CR LF, so every line end
 * (CRLF, or a stray LF or CR) goes out as CRLF: then no line that starts
 * with "." escapes the stuffing and ends the DATA early.
 */
static size_t
smtp_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct smtp	*s = arg;
	size_t		 room = size * nitems, n = 0;
	char		 c;

	while (n < room) {
		if (s->lf) {
			buf[n++] = '\n';
			s->lf = 0;
			continue;
		}
		if (s->off == s->len)
			break;
		c = s->data[s->off++];
		if (c == '\r' || c == '\n') {
			if (c == '\r' && s->off < s->len &&
			    s->data[s->off] == '\n')
				s->off++;
			buf[n++] = '\r';
			s->lf = 1;
		} else
			buf[n++] = c;
	}
	return (n);
}

/* How many bytes smtp_read gives for len bytes (for SIZE=). */
static size_t
smtp_wire_len(const char *p, size_t len)
{
	size_t	i, n = 0;

	for (i = 0; i < len; i++, n++) {
		if (p[i] == '\r' && i + 1 < len && p[i + 1] == '\n')
			i++;
		if (p[i] == '\r' || p[i] == '\n')
			n++;
	}
	return (n);
}

/*
 * Whether libcurl may put addr into MAIL FROM or RCPT TO as it is:
 * libcurl checks nothing, so a CR or LF here would add commands of its
 * own. "" (the null sender) only if empty_ok.
 */
static int
smtp_address_ok(const char *addr, int empty_ok)
{
	const unsigned char	*p;

	if (*addr == '\0')
		return (empty_ok);
	for (p = (const unsigned char *)addr; *p != '\0'; p++) {
		if (*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>')
			return (0);
	}
	return (strchr(addr, '@') != NULL);
}

/*
 * Keep a server line in s->reply. The lines of a multi-line reply
 * ("550-...", "550 ...") are joined, the code given once.
 */
static void
smtp_reply_line(struct smtp *s, const char *line, size_t len)
{
	size_t	have, skip;
	int	more;

	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	more = len >= 4 && line[3] == '-';
	if (!s->more)
		s->reply[0] = '\0';
	s->more = more;
	have = strlen(s->reply);
	skip = 0;
	if (have > 0) {
		skip = len >= 4 ? 4 : len;
		if (have < sizeof s->reply - 1)
			s->reply[have++] = ' ';
	}
	len -= skip;
	if (len > sizeof s->reply - 1 - have)
		len = sizeof s->reply - 1 - have;
	memcpy(s->reply + have, line + skip, len);
	s->reply[have + len] = '\0';
	if (have == 0 && more)
		s->reply[3] = ' ';
}

/*
 * What goes over the wire, seen by libcurl's debug hook: the server's
 * replies, and the last command, which tells whether the session has
 * reached the message yet (MAIL FROM onwards). The debug log shows the
 * replies and the commands, but of AUTH only the mechanism: what
 * follows it, and the lines after it up to the verdict, are the
 * credentials.
 */
static int
smtp_debug(CURL *curl, curl_infotype type, char *data, size_t len, void *arg)
{
	static const char *const	 verbs[] = {
		"AUTH", "DATA", "EHLO", "HELO", "MAIL", "QUIT", "RCPT",
		"RSET", "STARTTLS"
	};
	struct smtp			*s = arg;
	char				*line, *safe;
	size_t				 i, n, show;

	(void)curl;
	if (type != CURLINFO_HEADER_OUT && type != CURLINFO_HEADER_IN)
		return (0);
	for (n = 0; n < len && data[n] != '\r' && data[n] != '\n'; n++)
		;
	show = n;
	if (type == CURLINFO_HEADER_OUT && s->authing)
		show = 0;	/* the credentials */
	else if (type == CURLINFO_HEADER_OUT) {
		for (i = 0; i < nitems(verbs); i++) {
			if (n >= strlen(verbs[i]) && strncasecmp(data,
			    verbs[i], strlen(verbs[i])) == 0 &&
			    (n == strlen(verbs[i]) ||
			    data[strlen(verbs[i])] == ' '))
				break;
		}
		if (i == nitems(verbs))
			;
		else if (strcmp(verbs[i], "QUIT") == 0)
			s->quitting = 1;
		else {
			s->cmd = verbs[i];
			if (strcmp(s->cmd, "MAIL") == 0)
				s->stage = STAGE_MESSAGE;
			else if (strcmp(s->cmd, "RCPT") != 0 &&
			    strcmp(s->cmd, "DATA") != 0)
				s->stage = STAGE_SESSION;
		}
		if (i < nitems(verbs) && strcmp(verbs[i], "AUTH") == 0) {
			/* "AUTH PLAIN", not the initial response after it;
			 * the lines up to the verdict are credentials. */
			s->authing = 1;
			for (show = 5; show < n && data[show] != ' '; show++)
				;
			if (show > n)
				show = n;
		}
	} else if (!s->quitting) {
		smtp_reply_line(s, data, len);
		/* 334: the server asks for more of the login. */
		if (!s->more && strncmp(s->reply, "334", 3) != 0)
			s->authing = 0;
	}
	if (log_get_level() < LOG_LEVEL_TRACE)
		return (0);
	line = xstrndup(data, show);
	safe = safe_dup(line, 0);
	log_trace("smtp %s: %s %s", s->where, type == CURLINFO_HEADER_IN ?
	    "<" : ">", show > 0 ? safe : "...");
	free(safe);
	free(line);
	return (0);
}

/* Set one option or say which one this libcurl refused. */
#define SMTP_SETOPT(h, opt, v) do {					\
	if ((rc = curl_easy_setopt((h), (opt), (v))) != CURLE_OK) {	\
		name = #opt;						\
		goto fail;						\
	}								\
} while (0)

/*
 * A handle set up the way every send needs it. An option libcurl refuses
 * (one built without TLS, say) is an error, never something to skip.
 */
static CURL *
smtp_handle(struct smtp *s, char **cause)
{
	static const char *const	 mech[] = {
		[CONFIG_AUTH_LOGIN] = "AUTH=LOGIN",
		[CONFIG_AUTH_PLAIN] = "AUTH=PLAIN",
		[CONFIG_AUTH_XOAUTH2] = "AUTH=XOAUTH2"
	};
	const struct config_smtp	*c = s->conf;
	const char			*name = NULL;
	CURLcode			 rc;
	CURL				*h;
	long				 timeout;

	if ((h = curl_easy_init()) == NULL) {
		*cause = xstrdup("libcurl: cannot make a handle");
		return (NULL);
	}
	timeout = c->timeout > 0 ? (long)c->timeout : 60;
	SMTP_SETOPT(h, CURLOPT_URL, s->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	SMTP_SETOPT(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
	SMTP_SETOPT(h, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS));
#endif
	/*
	 * No proxy, not even one from smtp_proxy or all_proxy in the
	 * environment: the mail and the password go where helpq's own
	 * configuration says, and nowhere else.
	 */
	SMTP_SETOPT(h, CURLOPT_PROXY, "");
	SMTP_SETOPT(h, CURLOPT_NOSIGNAL, 1L);
	SMTP_SETOPT(h, CURLOPT_ERRORBUFFER, s->errbuf);
	/* STARTTLS is required, never "if the server offers it". */
	SMTP_SETOPT(h, CURLOPT_USE_SSL, c->tls == CONFIG_TLS_NONE ?
	    (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
	SMTP_SETOPT(h, CURLOPT_SSL_VERIFYPEER, 1L);
	SMTP_SETOPT(h, CURLOPT_SSL_VERIFYHOST, 2L);
	SMTP_SETOPT(h, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	/* A ca-file is the only trust, as for IMAP (tls.c): the built-in
	 * CA directory would add the whole system store to it. */
	if (c->ca_file != NULL) {
		SMTP_SETOPT(h, CURLOPT_CAINFO, c->ca_file);
		SMTP_SETOPT(h, CURLOPT_CAPATH, NULL);
	}
	/* No overall limit (a big message on a slow line is fine), but
	 * no step may hang: connecting, each reply, a stalled upload. */
	SMTP_SETOPT(h, CURLOPT_CONNECTTIMEOUT, timeout);
	SMTP_SETOPT(h, CURLOPT_SERVER_RESPONSE_TIMEOUT, timeout);
	SMTP_SETOPT(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	SMTP_SETOPT(h, CURLOPT_LOW_SPEED_TIME, timeout);
	if (c->user != NULL) {
		SMTP_SETOPT(h, CURLOPT_USERNAME, c->user);
		SMTP_SETOPT(h, CURLOPT_LOGIN_OPTIONS, mech[c->auth]);
		if (c->auth == CONFIG_AUTH_XOAUTH2)
			SMTP_SETOPT(h, CURLOPT_XOAUTH2_BEARER, s->password);
		else
			SMTP_SETOPT(h, CURLOPT_PASSWORD, s->password);
	}
	SMTP_SETOPT(h, CURLOPT_UPLOAD, 1L);
	SMTP_SETOPT(h, CURLOPT_READFUNCTION, smtp_read);
	SMTP_SETOPT(h, CURLOPT_READDATA, s);
	/* The debug hook sees the replies only while verbose is on. */
	SMTP_SETOPT(h, CURLOPT_DEBUGFUNCTION, smtp_debug);
	SMTP_SETOPT(h, CURLOPT_DEBUGDATA, s);
	SMTP_SETOPT(h, CURLOPT_VERBOSE, 1L);
	return (h);

fail:
	*cause = xprintf("libcurl refused %s: %s", name,
	    curl_easy_strerror(rc));
	curl_easy_cleanup(h);
	return (NULL);
}

#undef SMTP_SETOPT

struct smtp *
smtp_new(const struct config_smtp *c, char **cause)
{
	struct smtp	*s;
	char		 helo[256];
	const char	*p;
	unsigned	 port;

	pthread_once(&smtp_once, smtp_global_init);
	if (smtp_global != CURLE_OK) {
		*cause = xprintf("libcurl: %s",
		    curl_easy_strerror(smtp_global));
		return (NULL);
	}
	if (c->host == NULL) {
		*cause = xstrdup("no SMTP server ([smtp] host)");
		return (NULL);
	}
	if ((unsigned)c->auth > CONFIG_AUTH_XOAUTH2) {
		*cause = xstrdup("unknown SMTP login method ([smtp] auth)");
		return (NULL);
	}
	/* libcurl would only say "problem with the SSL CA cert". */
	if (c->ca_file != NULL && access(c->ca_file, R_OK) != 0) {
		*cause = xprintf("ca-file %s: %s", c->ca_file,
		    strerror(errno));
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
	/* The EHLO name is this machine's (libcurl takes it from the URL's
	 * path); one that is no plain host name becomes "localhost". */
	if (gethostname(helo, sizeof helo) != 0)
		helo[0] = '\0';
	helo[sizeof helo - 1] = '\0';
	for (p = helo; *p != '\0'; p++) {
		if (strchr("abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-", *p) == NULL)
			break;
	}
	if (*p != '\0' || *helo == '\0' || *helo == '.' || *helo == '-')
		snprintf(helo, sizeof helo, "localhost");
	/* An IPv6 address goes in brackets, in the URL and in messages. */
	if (strchr(c->host, ':') != NULL)
		s->where = xprintf("[%s]:%u", c->host, port);
	else
		s->where = xprintf("%s:%u", c->host, port);
	s->url = xprintf("%s://%s/%s", c->tls == CONFIG_TLS_IMPLICIT ?
	    "smtps" : "smtp", s->where, helo);
	if ((s->curl = smtp_handle(s, cause)) == NULL) {
		smtp_free(s);
		return (NULL);
	}
	return (s);
}

void
smtp_free(struct smtp *s)
{
	if (s == NULL)
		return;
	/* Sends QUIT on a kept connection. */
	if (s->curl != NULL)
		curl_easy_cleanup(s->curl);
	secret_free(s->password);
	free(s->url);
	free(s->where);
	free(s);
}

/*
 * Sort a failure: a reply to the message's own commands is about this
 * message (4xx later, 5xx never); anything before them, 421 (the server
 * closes), 530 to 538 (TLS or a login wanted, the login refused), or no
 * reply at all (no connection, TLS, a timeout) is about the session.
 */
static enum smtp_result
smtp_verdict(const struct smtp *s, long code)
{
	if (code == 421 || (code >= 530 && code <= 538))
		return (SMTP_DOWN);
	if (s->stage == STAGE_MESSAGE && code >= 500 && code <= 599)
		return (SMTP_PERM);
	if (s->stage == STAGE_MESSAGE && code >= 400 && code <= 499)
		return (SMTP_TEMP);
	return (SMTP_DOWN);
}

/*
 * A certificate that is not trusted or not for the host, or a CA file
 * that cannot be used: the same tomorrow as now, so a configuration
 * error, as for IMAP. A failed handshake (no TLS there, a dropped
 * connection) may pass and stays SMTP_DOWN.
 */
static int
smtp_cert_error(CURLcode rc)
{
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		return (1);
	default:
		return (0);
	}
}

/* One try over the handle's connection (kept, or a new one). */
static CURLcode
smtp_perform(struct smtp *s, long *code, long *connects)
{
	CURLcode	rc;

	s->off = 0;
	s->lf = 0;
	s->stage = STAGE_SESSION;
	s->quitting = 0;
	s->cmd = NULL;
	s->authing = 0;
	s->more = 0;
	s->reply[0] = '\0';
	s->errbuf[0] = '\0';
	rc = curl_easy_perform(s->curl);
	*code = *connects = 0;
	curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, code);
	curl_easy_getinfo(s->curl, CURLINFO_NUM_CONNECTS, connects);
	return (rc);
}

/* What a custom command's reply carries is in the debug hook's reply. */
static size_t
smtp_discard(char *data, size_t size, size_t n, void *arg)
{
	(void)data;
	(void)arg;
	return (size * n);
}

/* The failure's words: the server's, with where it said them, or curl's. */
static char *
smtp_failure(const struct smtp *s, enum smtp_result r, CURLcode rc, long code)
{
	if (code >= 400 && *s->reply != '\0' && (r == SMTP_TEMP ||
	    r == SMTP_PERM))
		return (xstrdup(s->reply));
	if (code >= 400 && *s->reply != '\0' && r == SMTP_DOWN)
		return (xprintf("%s (smtp %s, after %s)", s->reply, s->where,
		    s->cmd != NULL ? s->cmd : "connecting"));
	if (rc == CURLE_COULDNT_RESOLVE_HOST)
		return (xprintf("smtp %s: the host name %s does not resolve",
		    s->where, s->conf->host));
	return (xprintf("smtp %s: %s", s->where, *s->errbuf != '\0' ?
	    s->errbuf : curl_easy_strerror(rc)));
}

enum smtp_result
smtp_probe(struct smtp *s, const char *from, char **reply)
{
	enum smtp_result	 r;
	CURLcode		 rc;
	CURL			*kept = s->curl;
	char			*cmd, *cause;
	long			 code, connects;

	if (!smtp_address_ok(from, 1)) {
		*reply = xstrdup("the envelope sender is no plain address");
		return (SMTP_PERM);
	}
	if ((s->curl = smtp_handle(s, &cause)) == NULL) {
		s->curl = kept;
		*reply = cause;
		return (SMTP_DOWN);
	}
	/* Without recipients libcurl sends the custom command alone. */
	cmd = xprintf("MAIL FROM:<%s>", from);
	curl_easy_setopt(s->curl, CURLOPT_UPLOAD, 0L);
	curl_easy_setopt(s->curl, CURLOPT_CUSTOMREQUEST, cmd);
	curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, smtp_discard);
	rc = smtp_perform(s, &code, &connects);
	if (rc == CURLE_OK && code >= 200 && code <= 299) {
		r = SMTP_OK;
		*reply = xstrdup(*s->reply != '\0' ? s->reply : "accepted");
	} else {
		r = smtp_cert_error(rc) ? SMTP_CONFIG : smtp_verdict(s, code);
		*reply = smtp_failure(s, r, rc, code);
	}
	curl_easy_cleanup(s->curl);
	s->curl = kept;
	free(cmd);
	return (r);
}

enum smtp_result
smtp_send(struct smtp *s, const char *from, const char *const *rcpts,
    size_t n, const char *raw, size_t len, char **reply)
{
	struct curl_slist	*list = NULL, *l;
	enum smtp_result	 r;
	CURLcode		 rc;
	char			*sender, *cause;
	long			 code, connects;
	size_t			 i;

	if (n == 0) {
		*reply = xstrdup("no recipients");
		return (SMTP_PERM);
	}
	/* Refused here, they would be refused by every server. */
	if (!smtp_address_ok(from, 1)) {
		*reply = xstrdup("the envelope sender is no plain address");
		return (SMTP_PERM);
	}
	for (i = 0; i < n; i++) {
		if (!smtp_address_ok(rcpts[i], 0)) {
			*reply = xstrdup("an envelope recipient is no plain "
			    "address");
			return (SMTP_PERM);
		}
	}
	if (s->curl == NULL && (s->curl = smtp_handle(s, &cause)) == NULL) {
		*reply = cause;
		return (SMTP_DOWN);
	}
	for (i = 0; i < n; i++) {
		if ((l = curl_slist_append(list, rcpts[i])) == NULL)
			fatalx("%s: out of memory", __func__);
		list = l;
	}
	/* "<>" is the null sender, which libcurl sends as it is. */
	sender = xprintf("<%s>", from);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, sender);
	curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, list);
	curl_easy_setopt(s->curl, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)smtp_wire_len(raw, len));
	s->data = raw;
	s->len = len;

	rc = smtp_perform(s, &code, &connects);
	/*
	 * The kept connection was gone (the server timed it out) before
	 * the server said a word in this send: nothing can have been
	 * delivered, so one try over a new connection.
	 */
	if (rc != CURLE_OK && s->kept && connects == 0 &&
	    *s->reply == '\0') {
		log_debug("smtp %s: the kept connection failed (%s); "
		    "connecting again", s->where, curl_easy_strerror(rc));
		curl_easy_setopt(s->curl, CURLOPT_FRESH_CONNECT, 1L);
		rc = smtp_perform(s, &code, &connects);
		curl_easy_setopt(s->curl, CURLOPT_FRESH_CONNECT, 0L);
	}
	if (rc == CURLE_OK) {
		r = SMTP_OK;
		*reply = xstrdup(*s->reply != '\0' ? s->reply : "accepted");
	} else {
		r = smtp_cert_error(rc) ? SMTP_CONFIG : smtp_verdict(s, code);
		*reply = smtp_failure(s, r, rc, code);
	}
	log_debug("smtp %s: %s over %s connection", s->where,
	    r == SMTP_OK ? "sent" : "not sent", connects > 0 ? "a new" :
	    "the kept");
	s->kept = r == SMTP_OK;
	if (r != SMTP_OK) {
		/* Whatever state the connection is in, start afresh. */
		curl_easy_cleanup(s->curl);
		s->curl = NULL;
	} else {
		/* The options point at these, freed below. */
		curl_easy_setopt(s->curl, CURLOPT_MAIL_RCPT, NULL);
		curl_easy_setopt(s->curl, CURLOPT_MAIL_FROM, NULL);
	}
	curl_slist_free_all(list);
	free(sender);
	s->data = NULL;
	return (r);
}
