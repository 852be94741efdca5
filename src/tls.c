/* helpq - tls.c: the certificate checks libetpan leaves out. */
#include "compat.h"

#include <sys/stat.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "buf.h"
#include "log.h"
#include "safe.h"
#include "tls.h"
#include "xmalloc.h"

/* GnuTLS refuses longer chains anyway (DEFAULT_MAX_VERIFY_DEPTH). */
#define TLS_CHAIN_MAX		16
/* A full system bundle is about 220 KB; anything this big is a mistake. */
#define TLS_CAFILE_MAX		(16 * 1024 * 1024)
/* How many names of a mismatched certificate the error lists. */
#define TLS_NAMES_MAX		8

/*
 * Read cafile ourselves rather than through
 * gnutls_x509_trust_list_add_trust_file(), which says only "Error while
 * reading file" for a missing or unreadable file.
 */
static int
tls_add_cafile(gnutls_x509_trust_list_t tl, const char *cafile, char **cause)
{
	struct stat	 st;
	struct buf	 b;
	gnutls_datum_t	 d;
	char		 tmp[8192];
	ssize_t		 r;
	int		 fd, added;

	if ((fd = open(cafile, O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "CA file %s: %s", cafile, strerror(errno));
		return (-1);
	}
	if (fstat(fd, &st) == -1) {
		xasprintf(cause, "CA file %s: %s", cafile, strerror(errno));
		close(fd);
		return (-1);
	}
	if (!S_ISREG(st.st_mode)) {
		xasprintf(cause, "CA file %s is not a regular file", cafile);
		close(fd);
		return (-1);
	}

	buf_init(&b);
	for (;;) {
		r = read(fd, tmp, sizeof tmp);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			xasprintf(cause, "CA file %s: %s", cafile,
			    strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		if (b.len + (size_t)r > TLS_CAFILE_MAX) {
			xasprintf(cause, "CA file %s is larger than %d MB",
			    cafile, TLS_CAFILE_MAX / (1024 * 1024));
			goto fail;
		}
		buf_add(&b, tmp, (size_t)r);
	}
	close(fd);

	d.data = (unsigned char *)buf_cstr(&b);
	d.size = (unsigned int)b.len;
	added = gnutls_x509_trust_list_add_trust_mem(tl, &d, NULL,
	    GNUTLS_X509_FMT_PEM, 0, 0);
	buf_free(&b);
	if (added < 0 && added != GNUTLS_E_NO_CERTIFICATE_FOUND) {
		xasprintf(cause, "CA file %s: %s", cafile,
		    gnutls_strerror(added));
		return (-1);
	}
	if (added <= 0) {
		xasprintf(cause, "CA file %s holds no PEM certificate", cafile);
		return (-1);
	}
	return (0);

fail:
	close(fd);
	buf_free(&b);
	return (-1);
}

/* Append the names the certificate is for, as its owner wrote them. */
static void
tls_add_names(struct buf *b, gnutls_x509_crt_t crt)
{
	char		 name[256], ip[INET6_ADDRSTRLEN], *safe;
	const char	*s;
	size_t		 size;
	unsigned int	 i, shown = 0;
	int		 type;

	for (i = 0; shown <= TLS_NAMES_MAX; i++) {
		size = sizeof name;
		type = gnutls_x509_crt_get_subject_alt_name(crt, i, name,
		    &size, NULL);
		if (type == GNUTLS_E_SHORT_MEMORY_BUFFER)
			continue;
		if (type < 0)
			break;
		if (type == GNUTLS_SAN_DNSNAME)
			s = name;
		else if (type == GNUTLS_SAN_IPADDRESS && (size == 4 ||
		    size == 16) && inet_ntop(size == 4 ? AF_INET : AF_INET6,
		    name, ip, sizeof ip) != NULL)
			s = ip;
		else
			continue;
		if (shown++ == TLS_NAMES_MAX) {
			buf_adds(b, ", ...");
			break;
		}
		/* The peer wrote these: keep control characters out. */
		safe = safe_dup(s, 0);
		buf_addf(b, "%s%s", shown == 1 ? " (it names " : ", ", safe);
		free(safe);
	}
	if (shown == 0) {
		/* GnuTLS matches the common name only without such names. */
		size = sizeof name;
		if (gnutls_x509_crt_get_dn_by_oid(crt,
		    GNUTLS_OID_X520_COMMON_NAME, 0, 0, name, &size) == 0) {
			safe = safe_dup(name, 0);
			buf_addf(b, " (it names %s", safe);
			free(safe);
		} else
			buf_adds(b, " (it names no host");
	}
	buf_addc(b, ')');
}

/* Why verification failed, in GnuTLS's words plus the names for a mismatch. */
static char *
tls_describe(unsigned int status, gnutls_x509_crt_t leaf, const char *host)
{
	static const char	 prefix[] = "The certificate is NOT trusted. ";
	struct buf		 b;
	gnutls_datum_t		 out;
	const char		*s;
	size_t			 len;

	buf_init(&b);
	buf_addf(&b, "certificate for %s is not trusted: ", host);
	if (gnutls_certificate_verification_status_print(status &
	    ~GNUTLS_CERT_UNEXPECTED_OWNER, GNUTLS_CRT_X509, &out, 0) == 0) {
		/* Drop the sentence that only repeats GNUTLS_CERT_INVALID. */
		s = (const char *)out.data;
		if (strncmp(s, prefix, sizeof prefix - 1) == 0)
			s += sizeof prefix - 1;
		len = strlen(s);
		while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '.'))
			len--;
		buf_add(&b, s, len);
		gnutls_free(out.data);
	}
	if (status & GNUTLS_CERT_UNEXPECTED_OWNER) {
		if (b.data[b.len - 1] != ' ')
			buf_adds(&b, ". ");
		buf_addf(&b, "The certificate does not match host name %s",
		    host);
		tls_add_names(&b, leaf);
	}
	if (b.data[b.len - 1] == ' ')
		buf_addf(&b, "status %#x", status);
	return (buf_steal(&b, NULL));
}

/* The trust list: cafile's certificates, or the system's. The caller
 * frees *tlp when it is not NULL, even on error. */
static int
tls_trust(const char *cafile, gnutls_x509_trust_list_t *tlp, char **cause)
{
	int	r;

	if ((r = gnutls_x509_trust_list_init(tlp, 0)) < 0) {
		*tlp = NULL;
		xasprintf(cause, "gnutls_x509_trust_list_init: %s",
		    gnutls_strerror(r));
		return (-1);
	}
	if (cafile != NULL) {
		if (tls_add_cafile(*tlp, cafile, cause) != 0)
			return (-1);
	} else {
		r = gnutls_x509_trust_list_add_system_trust(*tlp, 0, 0);
		if (r < 0) {
			xasprintf(cause, "cannot load the system trust store: "
			    "%s", gnutls_strerror(r));
			return (-1);
		}
		if (r == 0) {
			*cause = xstrdup("the system trust store is empty: "
			    "install ca-certificates or set a CA file");
			return (-1);
		}
	}
	return (0);
}

int
tls_verify_chain(const struct tls_der *certs, size_t n, const char *host,
    const char *cafile, char **cause)
{
	gnutls_x509_trust_list_t	 tl = NULL;
	gnutls_x509_crt_t		*crt;
	gnutls_typed_vdata_st		 vd[2];
	gnutls_datum_t			 d;
	unsigned int			 status, ncrt = 0;
	size_t				 i;
	int				 r, rv = -1;

	if (host == NULL || *host == '\0') {
		*cause = xstrdup("no host name to check the certificate "
		    "against");
		return (-1);
	}
	if (n == 0) {
		xasprintf(cause, "%s sent no certificate", host);
		return (-1);
	}
	if (n > TLS_CHAIN_MAX) {
		xasprintf(cause, "%s sent %zu certificates, more than %d",
		    host, n, TLS_CHAIN_MAX);
		return (-1);
	}

	crt = xcalloc(n, sizeof *crt);
	for (i = 0; i < n; i++) {
		if ((r = gnutls_x509_crt_init(&crt[i])) < 0) {
			xasprintf(cause, "gnutls_x509_crt_init: %s",
			    gnutls_strerror(r));
			goto out;
		}
		ncrt++;
		if (certs[i].len > UINT_MAX)
			r = GNUTLS_E_CERTIFICATE_ERROR;
		else {
			d.data = (unsigned char *)certs[i].data;
			d.size = (unsigned int)certs[i].len;
			r = gnutls_x509_crt_import(crt[i], &d,
			    GNUTLS_X509_FMT_DER);
		}
		if (r < 0) {
			xasprintf(cause, "certificate %zu of %zu from %s "
			    "cannot be parsed: %s", i + 1, n, host,
			    gnutls_strerror(r));
			goto out;
		}
	}

	if (tls_trust(cafile, &tl, cause) != 0)
		goto out;

	/* A textual IP address is matched against IP subjectAltNames. */
	vd[0].type = GNUTLS_DT_DNS_HOSTNAME;
	vd[0].data = (unsigned char *)host;
	vd[0].size = 0;
	vd[1].type = GNUTLS_DT_KEY_PURPOSE_OID;
	vd[1].data = (unsigned char *)GNUTLS_KP_TLS_WWW_SERVER;
	vd[1].size = 0;
	status = 0;
	r = gnutls_x509_trust_list_verify_crt2(tl, crt, ncrt, vd, nitems(vd),
	    0, &status, NULL);
	if (r < 0) {
		xasprintf(cause, "cannot verify the certificate for %s: %s",
		    host, gnutls_strerror(r));
		goto out;
	}
	if (status != 0) {
		*cause = tls_describe(status, crt[0], host);
		goto out;
	}
	rv = 0;

out:
	if (tl != NULL)
		gnutls_x509_trust_list_deinit(tl, 1);
	for (i = 0; i < ncrt; i++)
		gnutls_x509_crt_deinit(crt[i]);
	free(crt);
	return (rv);
}

int
tls_verify_stream(mailstream *s, const char *host, const char *cafile,
    char **cause)
{
	carray		*chain;
	MMAPString	*der;
	struct tls_der	*certs;
	unsigned int	 i, n;
	int		 rv;

	if ((chain = mailstream_get_certificate_chain(s)) == NULL) {
		xasprintf(cause, "the connection to %s is not TLS", host);
		return (-1);
	}
	n = carray_count(chain);
	certs = xcalloc(n == 0 ? 1 : n, sizeof *certs);
	for (i = 0; i < n; i++) {
		der = carray_get(chain, i);
		certs[i].data = (const unsigned char *)der->str;
		certs[i].len = der->len;
	}
	rv = tls_verify_chain(certs, n, host, cafile, cause);
	free(certs);
	mailstream_certificate_chain_free(chain);
	return (rv);
}

void
tls_set_sni(struct mailstream_ssl_context *ctx, void *host)
{
	const char	*h = host;
	struct in_addr	 a4;

	/* Only host names may go in SNI; a ':' means an IPv6 literal. */
	if (h == NULL || *h == '\0' || strchr(h, ':') != NULL ||
	    inet_pton(AF_INET, h, &a4) == 1)
		return;
	if (mailstream_ssl_set_server_name(ctx, (char *)h) != 0)
		log_warnx("cannot send the server name %s (SNI)", h);
}

void
tls_fingerprint(const struct tls_der *cert, char out[TLS_FINGERPRINT_LEN + 1])
{
	static const char	hex[] = "0123456789abcdef";
	unsigned char		md[TLS_FINGERPRINT_LEN / 2];
	size_t			i;

	if (gnutls_hash_fast(GNUTLS_DIG_SHA256, cert->data, cert->len, md) < 0)
		fatalx("GnuTLS cannot compute SHA-256");
	for (i = 0; i < sizeof md; i++) {
		out[i * 2] = hex[md[i] >> 4];
		out[i * 2 + 1] = hex[md[i] & 0xf];
	}
	out[TLS_FINGERPRINT_LEN] = '\0';
}
