/* helpq - test-tls.c: certificate checks on self-signed certificates. */
#include "compat.h"

#include <sys/socket.h>
#include <sys/wait.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "tls.h"
#include "xmalloc.h"
#include "../tap.h"

static char	dir[] = "/tmp/helpq-test-tls.XXXXXX";

/* ok() that cause contains want, printing cause when it does not. */
static void
has(const char *cause, const char *want, const char *name)
{
	if (!ok(cause != NULL && strstr(cause, want) != NULL, "%s", name))
		diag("got '%s', want it to contain '%s'",
		    cause ? cause : "(null)", want);
}

/* A self-signed certificate dir/name.pem with its key dir/name.key. */
static int
make_cert(const char *name, const char *san)
{
	char	*cmd;
	int	 rc;

	cmd = xprintf("openssl req -x509 -newkey ec -pkeyopt "
	    "ec_paramgen_curve:prime256v1 -nodes -days 30 -subj /CN=%s "
	    "-addext subjectAltName=%s -keyout %s/%s.key -out %s/%s.pem "
	    "2>/dev/null", name, san, dir, name, dir, name);
	rc = system(cmd);
	free(cmd);
	return (rc == 0);
}

/* Read dir/name.pem and decode it to DER (gnutls_free() the data). */
static gnutls_datum_t
read_der(const char *name)
{
	gnutls_datum_t	 pem, der = { NULL, 0 };
	char		*path, text[16384];
	size_t		 n;
	FILE		*f;

	path = xprintf("%s/%s.pem", dir, name);
	if ((f = fopen(path, "r")) == NULL)
		abort();
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	free(path);
	pem.data = (unsigned char *)text;
	pem.size = (unsigned int)n;
	if (gnutls_pem_base64_decode2("CERTIFICATE", &pem, &der) < 0)
		abort();
	return (der);
}

/* SHA-256 fingerprint as openssl prints it, lower-cased, colons dropped. */
static void
openssl_fingerprint(const char *name, char *out, size_t size)
{
	char	*cmd, line[256], *p;
	size_t	 n = 0;
	FILE	*f;

	cmd = xprintf("openssl x509 -noout -fingerprint -sha256 -in %s/%s.pem",
	    dir, name);
	out[0] = '\0';
	if ((f = popen(cmd, "r")) != NULL) {
		if (fgets(line, sizeof line, f) != NULL &&
		    (p = strchr(line, '=')) != NULL) {
			for (p++; *p != '\0' && *p != '\n' && n + 1 < size;
			    p++) {
				if (*p != ':')
					out[n++] = (char)tolower(
					    (unsigned char)*p);
			}
			out[n] = '\0';
		}
		pclose(f);
	}
	free(cmd);
}

/*
 * The server side of a TLS handshake over fd, in a child: exit 0 when the
 * client sent want_sni as SNI (or none when want_sni is NULL).
 */
static __dead void
serve(int fd, const char *want_sni)
{
	gnutls_certificate_credentials_t	 cred;
	gnutls_session_t			 s;
	char					*cert, *key;
	char					 name[256], junk[64];
	size_t					 size = sizeof name;
	unsigned int				 type;
	int					 r, rc = 1;

	cert = xprintf("%s/localhost.pem", dir);
	key = xprintf("%s/localhost.key", dir);
	gnutls_certificate_allocate_credentials(&cred);
	if (gnutls_certificate_set_x509_key_file(cred, cert, key,
	    GNUTLS_X509_FMT_PEM) < 0)
		_exit(2);
	gnutls_init(&s, GNUTLS_SERVER);
	gnutls_set_default_priority(s);
	gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred);
	gnutls_transport_set_int(s, fd);
	do
		r = gnutls_handshake(s);
	while (r < 0 && !gnutls_error_is_fatal(r));
	if (r == 0) {
		r = gnutls_server_name_get(s, name, &size, &type, 0);
		if (want_sni == NULL)
			rc = r == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE ? 0 : 3;
		else
			rc = r == 0 && strcmp(name, want_sni) == 0 ? 0 : 4;
		/* Wait for the client to hang up. */
		while ((r = gnutls_record_recv(s, junk, sizeof junk)) > 0 ||
		    (r < 0 && !gnutls_error_is_fatal(r)))
			;
	}
	gnutls_deinit(s);
	gnutls_certificate_free_credentials(cred);
	close(fd);
	free(cert);
	free(key);
	exit(rc);
}

/*
 * Connect libetpan to serve() over a socket pair with tls_set_sni(), then
 * check the stream's chain against each host in turn.
 */
static void
stream_test(const char *host, const char *want_sni, const char *cafile)
{
	mailstream	*s;
	char		*cause = NULL;
	pid_t		 pid;
	int		 sv[2], status;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		abort();
	fflush(stdout);
	if ((pid = fork()) == -1)
		abort();
	if (pid == 0) {
		close(sv[0]);
		serve(sv[1], want_sni);
	}
	close(sv[1]);

	s = mailstream_ssl_open_with_callback(sv[0], tls_set_sni,
	    (void *)host);
	if (!ok(s != NULL, "stream to %s: libetpan handshake", host))
		close(sv[0]);
	if (s != NULL) {
		ok(tls_verify_stream(s, host, cafile, &cause) == 0,
		    "stream to %s: chain verifies", host);
		if (cause != NULL)
			diag("%s", cause);
		free(cause);
		cause = NULL;
		ok(tls_verify_stream(s, "mail.example.com", cafile,
		    &cause) == -1, "stream to %s: not for mail.example.com",
		    host);
		has(cause, "does not match host name mail.example.com",
		    "stream: mismatch message");
		free(cause);
		mailstream_close(s);
	}
	waitpid(pid, &status, 0);
	is_int(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0,
	    "stream to %s: SNI %s", host, want_sni ? want_sni : "not sent");
}

int
main(void)
{
	gnutls_datum_t	 der, other;
	struct tls_der	 chain[2];
	mailstream	*s;
	char		*ca, *otherca, *missing, *cause, *cmd;
	char		 fp[TLS_FINGERPRINT_LEN + 1];
	char		 want[256];
	FILE		*f;
	int		 sv[2];
	static const unsigned char garbage[] = "\x30\x82\x01\x00not a cert";

	if (system("openssl version >/dev/null 2>&1") != 0) {
		printf("1..0 # SKIP openssl is needed to make certificates\n");
		return (0);
	}
	if (mkdtemp(dir) == NULL)
		return (1);
	if (!make_cert("localhost", "DNS:localhost,IP:127.0.0.1") ||
	    !make_cert("other", "DNS:other.example")) {
		printf("Bail out! openssl req failed\n");
		return (1);
	}
	ca = xprintf("%s/localhost.pem", dir);
	otherca = xprintf("%s/other.pem", dir);
	missing = xprintf("%s/missing.pem", dir);
	der = read_der("localhost");
	other = read_der("other");
	chain[0].data = der.data;
	chain[0].len = der.size;

	cause = NULL;
	ok(tls_verify_chain(chain, 1, "localhost", ca, &cause) == 0,
	    "self-signed, its own CA file, localhost");
	if (cause != NULL)
		diag("%s", cause);
	free(cause);
	cause = NULL;
	ok(tls_verify_chain(chain, 1, "127.0.0.1", ca, &cause) == 0,
	    "IP literal matches the IP subjectAltName");
	if (cause != NULL)
		diag("%s", cause);
	free(cause);

	cause = NULL;
	ok(tls_verify_chain(chain, 1, "mail.example.com", ca, &cause) == -1,
	    "another host name is refused");
	has(cause, "certificate for mail.example.com is not trusted: ",
	    "mismatch: says which host");
	has(cause, "does not match host name mail.example.com",
	    "mismatch: says why");
	has(cause, "(it names localhost, 127.0.0.1)",
	    "mismatch: lists the names the certificate has");
	diag("%s", cause);
	free(cause);

	cause = NULL;
	ok(tls_verify_chain(chain, 1, "127.0.0.2", ca, &cause) == -1,
	    "another IP address is refused");
	has(cause, "does not match host name 127.0.0.2",
	    "IP mismatch: says why");
	free(cause);

	cause = NULL;
	ok(tls_verify_chain(chain, 1, "localhost", NULL, &cause) == -1,
	    "system trust refuses a self-signed certificate");
	has(cause, access("/etc/ssl/certs/ca-certificates.crt", R_OK) == 0 ?
	    "certificate for localhost is not trusted: The certificate "
	    "issuer is unknown" : "system trust store",
	    "system trust: issuer unknown");
	diag("%s", cause);
	free(cause);

	cause = NULL;
	ok(tls_verify_chain(chain, 1, "localhost", otherca, &cause) == -1,
	    "an unrelated CA file is refused");
	has(cause, "certificate for localhost is not trusted: ",
	    "unrelated CA: message");
	diag("%s", cause);
	free(cause);

	cause = NULL;
	ok(tls_verify_chain(chain, 1, "localhost", missing, &cause) == -1,
	    "a missing CA file is an error");
	snprintf(want, sizeof want, "CA file %s: No such file or directory",
	    missing);
	is_str(cause, want, "missing CA file: message");
	free(cause);

	cause = NULL;
	ok(tls_verify_chain(chain, 1, "localhost", dir, &cause) == -1,
	    "a directory as CA file is an error");
	has(cause, "is not a regular file", "directory CA file: message");
	free(cause);

	cause = NULL;
	free(otherca);
	otherca = xprintf("%s/localhost.key", dir);
	ok(tls_verify_chain(chain, 1, "localhost", otherca, &cause) == -1,
	    "a key file as CA file is an error");
	has(cause, "holds no PEM certificate", "no certificate: message");
	free(cause);

	cause = NULL;
	free(otherca);
	otherca = xprintf("%s/localhost.der", dir);
	if ((f = fopen(otherca, "w")) == NULL)
		abort();
	fwrite(der.data, 1, der.size, f);
	fclose(f);
	ok(tls_verify_chain(chain, 1, "localhost", otherca, &cause) == -1,
	    "a DER file as CA file is an error");
	has(cause, "holds no PEM certificate", "DER CA file: message");
	free(cause);

	cause = NULL;
	ok(tls_verify_chain(chain, 0, "localhost", ca, &cause) == -1,
	    "an empty chain is refused");
	is_str(cause, "localhost sent no certificate", "empty chain: message");
	free(cause);

	cause = NULL;
	chain[1].data = garbage;
	chain[1].len = sizeof garbage - 1;
	ok(tls_verify_chain(&chain[1], 1, "localhost", ca, &cause) == -1,
	    "garbage DER is refused");
	has(cause, "certificate 1 of 1 from localhost cannot be parsed: ",
	    "garbage DER: message");
	free(cause);
	cause = NULL;
	ok(tls_verify_chain(chain, 2, "localhost", ca, &cause) == -1,
	    "garbage after a good leaf is refused");
	has(cause, "certificate 2 of 2", "garbage second: message");
	free(cause);

	cause = NULL;
	ok(tls_verify_chain(chain, 1, "", ca, &cause) == -1,
	    "an empty host name is refused");
	free(cause);

	tls_fingerprint(&chain[0], fp);
	openssl_fingerprint("localhost", want, sizeof want);
	is_str(fp, want, "fingerprint matches openssl's SHA-256");
	chain[1].data = other.data;
	chain[1].len = other.size;
	tls_fingerprint(&chain[1], fp);
	ok(strcmp(fp, want) != 0 && strlen(fp) == TLS_FINGERPRINT_LEN,
	    "another certificate, another fingerprint");

	/* A plain socket stream has no chain. */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		abort();
	s = mailstream_socket_open(sv[0]);
	cause = NULL;
	ok(tls_verify_stream(s, "localhost", ca, &cause) == -1,
	    "a plain stream is refused");
	is_str(cause, "the connection to localhost is not TLS",
	    "plain stream: message");
	free(cause);
	mailstream_close(s);
	close(sv[1]);

	/* A real handshake through libetpan, SNI included. */
	stream_test("localhost", "localhost", ca);
	stream_test("127.0.0.1", NULL, ca);

	gnutls_free(der.data);
	gnutls_free(other.data);
	free(ca);
	free(otherca);
	free(missing);
	cmd = xprintf("rm -rf %s", dir);
	if (system(cmd) != 0)
		diag("cannot remove %s", dir);
	free(cmd);
	return (done_testing());
}
