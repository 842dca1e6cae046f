/*
 * tls.h: TLS contexts (OpenSSL 3), what transport_tls.c makes connections from.
 *
 * A server context holds the certificate and key: the files given (--tls-cert, a PEM
 * certificate followed by its chain; --tls-key), or a self-signed pair kept in the
 * state directory (statedir.h: cert.pem, key.pem mode 0600), made on first use with an
 * ECDSA P-256 key, CN and subjectAltName the host name, valid TC_TLS_CERT_DAYS.
 * TLS 1.2 and 1.3 only, no renegotiation, no compression, no server session cache.
 * tls_ctx_reload() reads the same files again (SIGHUP): a connection keeps the
 * certificate it was made with (OpenSSL counts references to each SSL_CTX).
 *
 * A client context trusts the system's CAs. The handshake always completes; the caller
 * then asks transport_tls_verified() and, when that says no, compares
 * transport_tls_peer_fingerprint() with what it trusts (known_hosts.h) before it sends
 * a byte.
 *
 * Fingerprints are written as `openssl x509 -noout -fingerprint -sha256` writes them
 * after its "=": SHA-256 of the DER certificate, upper-case hex pairs joined by colons.
 */
#ifndef TLS_H
#define TLS_H

#include <stdbool.h>
#include <stddef.h>

#define TLS_FP_MAX 96            /* bytes for a fingerprint: 64 hex digits, 31 colons, NUL */
#define TLS_CERT_FILE "cert.pem" /* the generated certificate, in the state directory */
#define TLS_KEY_FILE "key.pem"   /* its key, mode 0600 */

struct tls_ctx;
struct ssl_ctx_st;               /* OpenSSL's SSL_CTX */
struct x509_st;                  /* OpenSSL's X509 */

struct tls_server_conf {
	const char *cert_file;   /* PEM: the certificate, then any chain. NULL: self-signed */
	const char *key_file;    /* PEM key. NULL: in cert_file (or the generated key.pem) */
	const char *state_dir;   /* --state-dir; NULL: the default (statedir.h) */
	const char *host;        /* name in a generated certificate; NULL: gethostname() */
};

/* A server context. Self-signed: reuse cert.pem and key.pem from the state directory,
 * or make them when cert.pem is missing. Checks that the key matches the certificate.
 * NULL with a reason in errbuf (file, OpenSSL's words). */
struct tls_ctx *tls_server_new(const struct tls_server_conf *conf, char *errbuf,
    size_t errsz);

/* A client context: TLS 1.2 and 1.3, the system's default CA paths. NULL with errbuf. */
struct tls_ctx *tls_client_new(char *errbuf, size_t errsz);

/* Server: build a new context from the same files; on success it replaces the old one
 * for new connections and 0 is returned. On failure the old one stays in use and -1 is
 * returned with the reason in errbuf. */
int tls_ctx_reload(struct tls_ctx *ctx, char *errbuf, size_t errsz);

/* Free the context. Connections made from it keep working. NULL is fine. */
void tls_ctx_free(struct tls_ctx *ctx);

/* Server: the fingerprint of the certificate in use ("AB:CD:..."). */
const char *tls_ctx_fingerprint(const struct tls_ctx *ctx);
/* Server: the files in use (for logs); the key file is the certificate's when no
 * separate key was given. */
const char *tls_ctx_cert_file(const struct tls_ctx *ctx);
const char *tls_ctx_key_file(const struct tls_ctx *ctx);
/* Server: true when tls_server_new() just made the self-signed pair. */
bool tls_ctx_generated(const struct tls_ctx *ctx);

/* The OpenSSL context new connections are made from (transport_tls.c). */
struct ssl_ctx_st *tls_ctx_ssl(const struct tls_ctx *ctx);

/* SHA-256 fingerprint of a certificate into out. 0, or -1 (OpenSSL failed). */
int tls_fingerprint(const struct x509_st *cert, char out[TLS_FP_MAX]);
/* The same for the first certificate of a PEM file. 0, or -1 with errbuf. */
int tls_fingerprint_file(const char *path, char out[TLS_FP_MAX], char *errbuf,
    size_t errsz);

/* OpenSSL's reason for the oldest error queued (or fallback when none) into buf,
 * and clear the queue. Returns buf. */
const char *tls_error(char *buf, size_t n, const char *fallback);

#endif
