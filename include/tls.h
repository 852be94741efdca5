/* helpq - tls.h: checking the server certificate of a libetpan stream. */
#ifndef HELPQ_TLS_H
#define HELPQ_TLS_H

#include "compat.h"

#include <libetpan/mailstream.h>

/*
 * Debian's libetpan (GnuTLS) accepts any certificate for any host, so after
 * mailimap_ssl_connect_with_callback() or
 * mailimap_socket_starttls_with_callback() and before any credential is
 * sent, call tls_verify_stream() and close the connection if it fails.
 */

/* One DER certificate; the caller owns data. */
struct tls_der {
	const unsigned char	*data;
	size_t			 len;
};

/* SHA-256 of a certificate as lower-case hex, without colons. */
#define TLS_FINGERPRINT_LEN	64

/*
 * Check a peer chain (leaf first, as the server sent it) against the CA
 * certificates in the PEM file cafile, or the system trust store when
 * cafile is NULL: issuer, validity, host name (an IP literal matches an IP
 * address in subjectAltName) and the TLS server key purpose.
 * Returns 0 when trusted, else -1 with *cause allocated (caller frees).
 */
int	tls_verify_chain(const struct tls_der *certs, size_t n,
	    const char *host, const char *cafile, char **cause);

/*
 * tls_verify_chain() on the chain of a connected libetpan stream; fails
 * when the stream is not TLS. The stream stays open either way.
 */
int	tls_verify_stream(mailstream *s, const char *host,
	    const char *cafile, char **cause);

/*
 * A libetpan connect callback: pass the host name (a const char *, kept
 * by the caller until the connect returns) as data to send it as SNI.
 * IP literals are not sent, as RFC 6066 forbids them.
 */
void	tls_set_sni(struct mailstream_ssl_context *ctx, void *host);

/*
 * Write the SHA-256 fingerprint of a certificate to out, for pinning a
 * server whose certificate no CA signs. Compare it to the leaf, certs[0].
 */
void	tls_fingerprint(const struct tls_der *cert,
	    char out[TLS_FINGERPRINT_LEN + 1]);

#endif
