/*
 * helpq - imap.c: one IMAP connection over libetpan. libetpan's GnuTLS
 * build checks no certificate, so tls_verify_stream runs after the
 * handshake and before the first credential leaves.
 */
#include "compat.h"

#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "config.h"
#include "imap.h"
#include "log.h"
#include "safe.h"
#include "secret.h"
#include "tls.h"
#include "xmalloc.h"

struct imap {
	mailimap	*s;
	char		*host;
	int		 authing;	/* the transcript hides what we send */
};

/* The most of one chunk of the conversation the transcript shows. */
#define IMAP_TRANSCRIPT_MAX	160

/*
 * -vv: the IMAP conversation, the first line of each chunk read or
 * written (a fetched message is its first line and a count). Never a
 * password: libetpan sends LOGIN's as private data, which is left out,
 * and so is everything sent from a LOGIN or AUTHENTICATE command until
 * the server answers with other than a continuation ("+").
 */
static void
imap_transcript(mailstream *s, int type, const char *str, size_t size,
    void *arg)
{
	struct imap	*im = arg;
	const char	*verb;
	size_t		 n, show;

	(void)s;
	if (type == MAILSTREAM_LOG_TYPE_DATA_RECEIVED) {
		if (size == 0 || str[0] != '+')
			im->authing = 0;
	} else if (type == MAILSTREAM_LOG_TYPE_DATA_SENT) {
		if (im->authing) {
			log_trace("imap %s: > (%zu bytes of the login, not "
			    "shown)", im->host, size);
			return;
		}
		/* "TAG VERB ...": from LOGIN or AUTHENTICATE on, only the
		 * verb (and AUTHENTICATE's mechanism) shows. */
		verb = memchr(str, ' ', size);
		if (verb != NULL && ((size_t)(str + size - verb) > 6 &&
		    strncasecmp(verb, " LOGIN", 6) == 0)) {
			im->authing = 1;
			log_trace("imap %s: > %.*s LOGIN (the rest not shown)",
			    im->host, (int)(verb - str), str);
			return;
		}
		if (verb != NULL && (size_t)(str + size - verb) > 13 &&
		    strncasecmp(verb, " AUTHENTICATE", 13) == 0)
			im->authing = 1;
	} else if (type == MAILSTREAM_LOG_TYPE_DATA_SENT_PRIVATE) {
		log_trace("imap %s: > (%zu private bytes, not shown)",
		    im->host, size);
		return;
	} else
		return;
	for (n = 0; n < size && str[n] != '\r' && str[n] != '\n'; n++)
		;
	show = n < IMAP_TRANSCRIPT_MAX ? n : IMAP_TRANSCRIPT_MAX;
	if (show < n || size - n > 2)
		log_trace("imap %s: %s %.*s ... (%zu bytes)", im->host,
		    type == MAILSTREAM_LOG_TYPE_DATA_SENT ? ">" : "<",
		    (int)show, str, size);
	else
		log_trace("imap %s: %s %.*s", im->host,
		    type == MAILSTREAM_LOG_TYPE_DATA_SENT ? ">" : "<",
		    (int)show, str);
}

/* libetpan's error codes say little; the server's last words say more. */
static char *
imap_error(struct imap *im, const char *what, int r)
{
	const char	*why;
	char		*resp = NULL, *out;

	switch (r) {
	case MAILIMAP_ERROR_STREAM:
		why = "the connection was lost";
		break;
	case MAILIMAP_ERROR_CONNECTION_REFUSED:
		why = "connection refused";
		break;
	case MAILIMAP_ERROR_PARSE:
		why = "unreadable answer";
		break;
	case MAILIMAP_ERROR_SSL:
	case MAILIMAP_ERROR_STARTTLS:
		why = "TLS failed";
		break;
	case MAILIMAP_ERROR_LOGIN:
	case MAILIMAP_ERROR_SASL:
		why = "login refused";
		break;
	default:
		why = "refused";
		break;
	}
	if (im != NULL && im->s != NULL && im->s->imap_response != NULL &&
	    r != MAILIMAP_ERROR_STREAM && r != MAILIMAP_ERROR_CONNECTION_REFUSED)
		resp = safe_dup(im->s->imap_response, 0);
	if (resp != NULL && *resp != '\0')
		out = xprintf("%s: %s: %s", what, why, resp);
	else
		out = xprintf("%s: %s (libetpan error %d)", what, why, r);
	free(resp);
	return (out);
}

static int
imap_ok(int r)
{
	return (r == MAILIMAP_NO_ERROR ||
	    r == MAILIMAP_NO_ERROR_AUTHENTICATED ||
	    r == MAILIMAP_NO_ERROR_NON_AUTHENTICATED);
}

/* Whether the server announced a capability ("IDLE", "MOVE", ...). */
static int
imap_has(struct imap *im, const char *capability)
{
	return (mailimap_has_extension(im->s, capability) ||
	    (strcmp(capability, "IDLE") == 0 && mailimap_has_idle(im->s)));
}

/* Ask for the capabilities, so mailimap_has_extension knows them. */
static void
imap_capabilities(struct imap *im)
{
	struct mailimap_capability_data	*cap = NULL;

	if (mailimap_capability(im->s, &cap) == MAILIMAP_NO_ERROR &&
	    cap != NULL)
		mailimap_capability_data_free(cap);
}

/* Why no connection came: the name, when it does not resolve; or NULL. */
static char *
imap_unresolved(const char *host)
{
	struct addrinfo	 hints, *res = NULL;
	int		 r;

	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if ((r = getaddrinfo(host, NULL, &hints, &res)) == 0) {
		freeaddrinfo(res);
		return (NULL);
	}
	return (xprintf("the host name %s does not resolve (%s)", host,
	    r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r)));
}

static int
imap_connect(struct imap *im, const struct config_imap *c, uint16_t port,
    enum imap_fail *fail, char **cause)
{
	char	*why;
	int	 r;

	if (c->tls == CONFIG_TLS_IMPLICIT)
		r = mailimap_ssl_connect_with_callback(im->s, c->host, port,
		    tls_set_sni, im->host);
	else
		r = mailimap_socket_connect(im->s, c->host, port);
	if (!imap_ok(r) && (why = imap_unresolved(c->host)) != NULL) {
		*fail = IMAP_FAIL_TEMP;
		*cause = xprintf("cannot connect to %s port %u: %s", c->host,
		    port, why);
		free(why);
		return (-1);
	}
	if (!imap_ok(r)) {
		*fail = IMAP_FAIL_TEMP;
		*cause = xprintf("cannot connect to %s port %u: %s", c->host,
		    port, r == MAILIMAP_ERROR_SSL ? "TLS handshake failed" :
		    r == MAILIMAP_ERROR_CONNECTION_REFUSED ? "connection "
		    "refused" : "no answer");
		return (-1);
	}
	if (log_get_level() >= LOG_LEVEL_TRACE)
		mailstream_set_logger(im->s->imap_stream, imap_transcript, im);
	if (c->tls == CONFIG_TLS_STARTTLS) {
		imap_capabilities(im);
		if (!mailimap_has_extension(im->s, "STARTTLS")) {
			*fail = IMAP_FAIL_CONFIG;
			*cause = xprintf("%s offers no STARTTLS: will not send "
			    "a password in the clear (tls = no allows it)",
			    c->host);
			return (-1);
		}
		r = mailimap_socket_starttls_with_callback(im->s, tls_set_sni,
		    im->host);
		if (!imap_ok(r)) {
			*fail = IMAP_FAIL_TEMP;
			*cause = imap_error(im, "STARTTLS", r);
			return (-1);
		}
	}
	if (c->tls != CONFIG_TLS_NONE &&
	    tls_verify_stream(im->s->imap_stream, c->host, c->ca_file,
	    cause) != 0) {
		*fail = IMAP_FAIL_CONFIG;
		return (-1);
	}
	return (0);
}

static int
imap_login(struct imap *im, const struct config_imap *c,
    enum imap_fail *fail, char **cause)
{
	char	*secret = NULL, *why = NULL;
	int	 r;

	if (c->user == NULL) {
		*fail = IMAP_FAIL_CONFIG;
		*cause = xstrdup("no user: set [imap] user");
		return (-1);
	}
	if (c->password.source == SECRET_NONE) {
		*fail = IMAP_FAIL_CONFIG;
		*cause = xstrdup("no password: set [imap] password-file, "
		    "password-env or password-command");
		return (-1);
	}
	if (secret_get(&c->password, &secret, &why) != 0) {
		*fail = IMAP_FAIL_CONFIG;
		*cause = xprintf("IMAP password: %s", why);
		free(why);
		return (-1);
	}
	switch (c->auth) {
	case CONFIG_AUTH_PLAIN:
		r = mailimap_authenticate(im->s, "PLAIN", c->host, NULL, NULL,
		    c->user, c->user, secret, NULL);
		break;
	case CONFIG_AUTH_XOAUTH2:
		r = mailimap_oauth2_authenticate(im->s, c->user, secret);
		break;
	default:
		r = mailimap_login(im->s, c->user, secret);
		break;
	}
	secret_free(secret);
	if (!imap_ok(r)) {
		*fail = r == MAILIMAP_ERROR_STREAM ? IMAP_FAIL_TEMP :
		    IMAP_FAIL_AUTH;
		why = xprintf("login as %s at %s", c->user, c->host);
		*cause = imap_error(im, why, r);
		free(why);
		return (-1);
	}
	/* The capabilities after login are the ones that count. */
	imap_capabilities(im);
	return (0);
}

int
imap_open(const struct config_imap *c, struct imap **ip,
    enum imap_fail *fail, char **cause)
{
	struct imap	*im;
	uint16_t	 port;

	*ip = NULL;
	if (c->host == NULL) {
		*fail = IMAP_FAIL_CONFIG;
		*cause = xstrdup("no IMAP server: set [imap] host");
		return (-1);
	}
	port = c->port != 0 ? c->port : c->tls == CONFIG_TLS_IMPLICIT ? 993 :
	    143;
	im = xcalloc(1, sizeof *im);
	im->host = xstrdup(c->host);
	if ((im->s = mailimap_new(0, NULL)) == NULL)
		fatalx("mailimap_new");
	mailimap_set_timeout(im->s, c->timeout);
	if (imap_connect(im, c, port, fail, cause) != 0 ||
	    imap_login(im, c, fail, cause) != 0) {
		imap_close(im);
		return (-1);
	}
	log_debug("imap: logged in to %s as %s (IDLE %s, MOVE %s, "
	    "UIDPLUS %s)", c->host, c->user, imap_has(im, "IDLE") ? "yes" :
	    "no", imap_has(im, "MOVE") ? "yes" : "no",
	    imap_has(im, "UIDPLUS") ? "yes" : "no");
	*ip = im;
	return (0);
}

void
imap_close(struct imap *im)
{
	if (im == NULL)
		return;
	if (im->s != NULL) {
		if (im->s->imap_stream != NULL)
			mailimap_logout(im->s);
		mailimap_free(im->s);
	}
	free(im->host);
	free(im);
}

int
imap_select(struct imap *im, const char *folder, struct imap_folder *f,
    char **cause)
{
	struct mailimap_selection_info	*si;
	char				*what;
	int				 r;

	memset(f, 0, sizeof f[0]);
	if ((r = mailimap_select(im->s, folder)) != MAILIMAP_NO_ERROR) {
		if (r != MAILIMAP_ERROR_STREAM && r != MAILIMAP_ERROR_PARSE)
			return (1);
		what = xprintf("SELECT %s", folder);
		*cause = imap_error(im, what, r);
		free(what);
		return (-1);
	}
	si = im->s->imap_selection_info;
	f->uidvalidity = si->sel_uidvalidity;
	f->uidnext = si->sel_uidnext;
	f->exists = si->sel_exists;
	f->readonly = si->sel_perm == MAILIMAP_MAILBOX_READONLY;
	return (0);
}

/* INTERNALDATE to UTC seconds; libetpan keeps the zone as +hhmm. */
static time_t
imap_date(const struct mailimap_date_time *d)
{
	struct tm	tm;
	int		zone;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = d->dt_year - 1900;
	tm.tm_mon = d->dt_month - 1;
	tm.tm_mday = d->dt_day;
	tm.tm_hour = d->dt_hour;
	tm.tm_min = d->dt_min;
	tm.tm_sec = d->dt_sec;
	zone = d->dt_zone;
	return (timegm(&tm) - ((zone / 100) * 3600 + (zone % 100) * 60));
}

int
imap_list(struct imap *im, uint32_t after, struct imap_entry **vp,
    size_t *np, char **cause)
{
	struct mailimap_fetch_type	*ft;
	struct mailimap_set		*set;
	struct mailimap_msg_att		*ma;
	struct mailimap_msg_att_item	*it;
	struct imap_entry		 e, *v = NULL;
	clist				*list = NULL;
	clistiter			*ci, *cj;
	size_t				 n = 0;
	int				 r;

	*vp = NULL;
	*np = 0;
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_rfc822_size());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_internaldate());
	set = mailimap_set_new_interval(after + 1, 0);
	r = mailimap_uid_fetch(im->s, set, ft, &list);
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	if (r != MAILIMAP_NO_ERROR) {
		*cause = imap_error(im, "listing new messages", r);
		return (-1);
	}
	for (ci = clist_begin(list); ci != NULL; ci = clist_next(ci)) {
		ma = clist_content(ci);
		memset(&e, 0, sizeof e);
		for (cj = clist_begin(ma->att_list); cj != NULL;
		    cj = clist_next(cj)) {
			it = clist_content(cj);
			if (it->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
				continue;
			switch (it->att_data.att_static->att_type) {
			case MAILIMAP_MSG_ATT_UID:
				e.uid = it->att_data.att_static->att_data.att_uid;
				break;
			case MAILIMAP_MSG_ATT_RFC822_SIZE:
				e.size = it->att_data.att_static->att_data.
				    att_rfc822_size;
				break;
			case MAILIMAP_MSG_ATT_INTERNALDATE:
				if (it->att_data.att_static->att_data.
				    att_internal_date != NULL)
					e.internal = imap_date(it->att_data.
					    att_static->att_data.
					    att_internal_date);
				break;
			}
		}
		/* "n:*" names the last message even below n. */
		if (e.uid <= after)
			continue;
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = e;
	}
	mailimap_fetch_list_free(list);
	*vp = v;
	*np = n;
	return (0);
}

int
imap_fetch(struct imap *im, const uint32_t *uids, size_t n, int headers_only,
    imap_msg_fn fn, void *arg, char **cause)
{
	struct mailimap_fetch_type	*ft;
	struct mailimap_set		*set;
	struct mailimap_msg_att		*ma;
	struct mailimap_msg_att_item	*it;
	struct mailimap_msg_att_static	*st;
	clist				*list = NULL;
	clistiter			*ci, *cj;
	const char			*data;
	size_t				 i, len;
	uint32_t			 uid;
	int				 r;

	if (n == 0)
		return (0);
	set = mailimap_set_new_empty();
	for (i = 0; i < n; i++)
		mailimap_set_add_single(set, uids[i]);
	ft = mailimap_fetch_type_new_fetch_att_list_empty();
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid());
	mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_body_peek_section(headers_only ?
	    mailimap_section_new_header() : mailimap_section_new(NULL)));
	r = mailimap_uid_fetch(im->s, set, ft, &list);
	mailimap_set_free(set);
	mailimap_fetch_type_free(ft);
	if (r != MAILIMAP_NO_ERROR) {
		*cause = imap_error(im, "fetching messages", r);
		return (-1);
	}
	for (ci = clist_begin(list); ci != NULL; ci = clist_next(ci)) {
		ma = clist_content(ci);
		uid = 0;
		data = NULL;
		len = 0;
		for (cj = clist_begin(ma->att_list); cj != NULL;
		    cj = clist_next(cj)) {
			it = clist_content(cj);
			if (it->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC)
				continue;
			st = it->att_data.att_static;
			if (st->att_type == MAILIMAP_MSG_ATT_UID)
				uid = st->att_data.att_uid;
			else if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION &&
			    st->att_data.att_body_section != NULL) {
				data = st->att_data.att_body_section->
				    sec_body_part;
				len = st->att_data.att_body_section->sec_length;
			}
		}
		if (uid == 0)
			continue;
		if (fn(uid, data != NULL ? data : "", len, arg) != 0)
			break;
	}
	mailimap_fetch_list_free(list);
	return (0);
}

int
imap_store_keywords(struct imap *im, const uint32_t *uids, size_t nuids,
    char *const *keywords, size_t n, int add, char **cause)
{
	struct mailimap_flag_list	*fl;
	struct mailimap_store_att_flags	*sf;
	struct mailimap_set		*set;
	size_t				 i, j;
	int				 r;

	if (n == 0 || nuids == 0)
		return (0);
	fl = mailimap_flag_list_new_empty();
	for (i = 0; i < n; i++)
		mailimap_flag_list_add(fl,
		    mailimap_flag_new_flag_keyword(xstrdup(keywords[i])));
	sf = add ? mailimap_store_att_flags_new_add_flags_silent(fl) :
	    mailimap_store_att_flags_new_remove_flags_silent(fl);
	/* Runs of consecutive UIDs go as ranges: a short command line. */
	set = mailimap_set_new_empty();
	for (i = 0; i < nuids; i = j) {
		for (j = i + 1; j < nuids && uids[j] == uids[j - 1] + 1; j++)
			continue;
		mailimap_set_add_interval(set, uids[i], uids[j - 1]);
	}
	r = mailimap_uid_store(im->s, set, sf);
	mailimap_set_free(set);
	mailimap_store_att_flags_free(sf);
	if (r != MAILIMAP_NO_ERROR) {
		*cause = imap_error(im, "setting keywords", r);
		return (-1);
	}
	return (0);
}

/* The first UID of a UIDPLUS answer, else 0. */
static uint32_t
imap_set_first(struct mailimap_set *set)
{
	struct mailimap_set_item	*item;

	if (set == NULL || clist_begin(set->set_list) == NULL)
		return (0);
	item = clist_content(clist_begin(set->set_list));
	return (item->set_first);
}

static int
imap_delete_one(struct imap *im, uint32_t uid, char **cause)
{
	struct mailimap_flag_list	*fl;
	struct mailimap_store_att_flags	*sf;
	struct mailimap_set		*set;
	int				 r;

	fl = mailimap_flag_list_new_empty();
	mailimap_flag_list_add(fl, mailimap_flag_new_deleted());
	sf = mailimap_store_att_flags_new_add_flags_silent(fl);
	set = mailimap_set_new_single(uid);
	r = mailimap_uid_store(im->s, set, sf);
	mailimap_store_att_flags_free(sf);
	/* Only this message goes: UID EXPUNGE needs UIDPLUS. */
	if (r == MAILIMAP_NO_ERROR && imap_has(im, "UIDPLUS"))
		r = mailimap_uid_expunge(im->s, set);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR) {
		*cause = imap_error(im, "removing the moved original", r);
		return (-1);
	}
	return (0);
}

int
imap_move(struct imap *im, uint32_t uid, const char *folder,
    uint32_t *newuid, char **cause)
{
	struct mailimap_set	*set, *src = NULL, *dst = NULL;
	uint32_t		 uidvalidity = 0;
	int			 r, move, tries;
	char			*what;

	*newuid = 0;
	move = imap_has(im, "MOVE");
	for (tries = 0; tries < 2; tries++) {
		set = mailimap_set_new_single(uid);
		if (imap_has(im, "UIDPLUS"))
			r = move ? mailimap_uidplus_uid_move(im->s, set, folder,
			    &uidvalidity, &src, &dst) :
			    mailimap_uidplus_uid_copy(im->s, set, folder,
			    &uidvalidity, &src, &dst);
		else
			r = move ? mailimap_uid_move(im->s, set, folder) :
			    mailimap_uid_copy(im->s, set, folder);
		mailimap_set_free(set);
		if (r == MAILIMAP_NO_ERROR)
			break;
		if (r == MAILIMAP_ERROR_STREAM || tries > 0)
			break;
		/* Most likely [TRYCREATE]: the folder does not exist yet. */
		mailimap_create(im->s, folder);
	}
	if (r != MAILIMAP_NO_ERROR) {
		what = xprintf("moving UID %u to %s", uid, folder);
		*cause = imap_error(im, what, r);
		free(what);
		return (-1);
	}
	*newuid = imap_set_first(dst);
	if (src != NULL)
		mailimap_set_free(src);
	if (dst != NULL)
		mailimap_set_free(dst);
	if (!move)
		return (imap_delete_one(im, uid, cause));
	return (0);
}

int
imap_wait(struct imap *im, int use_idle, int timeout,
    volatile sig_atomic_t *stop, char **cause)
{
	struct pollfd	pfd;
	int		r, news = 0;
	time_t		end = time(NULL) + timeout;

	if (!use_idle || !imap_has(im, "IDLE")) {
		while (!*stop && time(NULL) < end)
			poll(NULL, 0, 200);
		return (!*stop);
	}
	if ((r = mailimap_idle(im->s)) != MAILIMAP_NO_ERROR) {
		*cause = imap_error(im, "IDLE", r);
		return (-1);
	}
	while (!*stop && !news && time(NULL) < end) {
		/* What libetpan buffered already would not wake poll(). */
		if (im->s->imap_stream->read_buffer_len > 0) {
			news = 1;
			break;
		}
		pfd.fd = mailimap_idle_get_fd(im->s);
		pfd.events = POLLIN;
		/* Short naps: a signal between the check and poll waits
		 * at most this long. */
		r = poll(&pfd, 1, 500);
		if (r > 0)
			news = 1;
		else if (r == -1 && errno != EINTR) {
			*cause = xprintf("IDLE: %s", strerror(errno));
			return (-1);
		}
	}
	if ((r = mailimap_idle_done(im->s)) != MAILIMAP_NO_ERROR) {
		*cause = imap_error(im, "IDLE DONE", r);
		return (-1);
	}
	return (news);
}

char *
imap_keyword(const char *prefix, const char *tag)
{
	char	*k, *p;

	k = xprintf("%s%s", prefix, tag);
	for (p = k; *p != '\0'; p++) {
		/* atom-specials, CTL, non-ASCII: not in a keyword. */
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f ||
		    strchr("(){%*\"\\]", *p) != NULL)
			*p = '_';
	}
	return (k);
}

int
imap_append(struct imap *im, const char *folder, const char *raw,
    size_t len, char **cause)
{
	struct mailimap_flag_list	*fl;
	int				 r;
	char				*what;

	fl = mailimap_flag_list_new_empty();
	mailimap_flag_list_add(fl, mailimap_flag_new_seen());
	r = mailimap_append(im->s, folder, fl, NULL, raw, len);
	mailimap_flag_list_free(fl);
	if (r != MAILIMAP_NO_ERROR) {
		what = xprintf("appending to %s", folder);
		*cause = imap_error(im, what, r);
		free(what);
		return (-1);
	}
	return (0);
}
