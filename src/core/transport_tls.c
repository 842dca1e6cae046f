/* transport_tls.c: TLS over a non-blocking fd with OpenSSL (see transport_tls.h).
 * Tested by tests/integration/test_tls.py (ncat --ssl, openssl s_client, the client,
 * handshake deadlines, slow readers) and, over socketpair(2), by tests/unit/test_tls.c;
 * no unit test of its own: test_tls.c drives it together with tls.c, whose contexts it
 * needs. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "transport_tls.h"
#include "util.h"

#define TLS_WHY_MAX 128         /* bytes of a connection's failure reason */

struct tls_conn {
	struct transport t;     /* first: a struct transport * is a struct tls_conn * */
	SSL *ssl;
	bool established;       /* the handshake finished */
	bool quiet;             /* a fatal error, or close_notify sent: send nothing more */
	bool badhost;           /* the client's host name cannot be checked */
	char why[TLS_WHY_MAX];  /* t.err points here */
};

static const struct transport_ops tls_ops;

static const struct tls_conn *tls_conn(const struct transport *t)
{
	return t != NULL && t->ops == &tls_ops ? (const struct tls_conn *)t : NULL;
}

/* A fatal error: remember why, never send close_notify, set errno. */
static void tls_fatal(struct tls_conn *c, int sslerr, int err)
{
	if (sslerr == SSL_ERROR_SYSCALL && err != 0)
		snprintf(c->why, sizeof(c->why), "%s", strerror(err));
	else
		tls_error(c->why, sizeof(c->why), err == 0 ? "connection closed" : "TLS error");
	c->t.err = c->why;
	c->quiet = true;
	SSL_set_quiet_shutdown(c->ssl, 1);
	errno = err != 0 ? err : EPROTO;
}

/* The peer closed the TCP connection without close_notify (OpenSSL 3 says so with
 * SSL_R_UNEXPECTED_EOF_WHILE_READING; older ones with SSL_ERROR_SYSCALL, errno 0). */
static bool tls_eof(int sslerr, int err)
{
	unsigned long e = ERR_peek_error();

	return (sslerr == SSL_ERROR_SYSCALL && err == 0) ||
	    (sslerr == SSL_ERROR_SSL && ERR_GET_LIB(e) == ERR_LIB_SSL &&
	    ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING);
}

/* After an SSL call failed: 0 for an end of input (reading), else -1 with errno and,
 * for a retry, what to poll for in *events. */
static int tls_failed(struct tls_conn *c, int ret, short *events, bool reading)
{
	int err = errno, sslerr = SSL_get_error(c->ssl, ret);

	switch (sslerr) {
	case SSL_ERROR_WANT_READ:
		*events = POLLIN;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_WANT_WRITE:
		*events = POLLOUT;
		errno = EAGAIN;
		return -1;
	case SSL_ERROR_ZERO_RETURN:     /* close_notify */
		if (reading)
			return 0;
		errno = EPIPE;
		return -1;
	default:
		if (tls_eof(sslerr, err)) {
			tls_fatal(c, sslerr, 0);
			errno = EPIPE;
			return reading ? 0 : -1;
		}
		tls_fatal(c, sslerr, sslerr == SSL_ERROR_SYSCALL ? err : EPROTO);
		return -1;
	}
}

static int tls_handshake(struct transport *t)
{
	struct tls_conn *c = (struct tls_conn *)t;
	int r;

	if (c->established) {
		t->hs_events = 0;
		return 1;
	}
	ERR_clear_error();
	errno = 0;
	r = SSL_do_handshake(c->ssl);
	if (r == 1) {
		c->established = true;
		t->hs_events = 0;
		return 1;
	}
	if (tls_failed(c, r, &t->hs_events, false) == -1 && errno == EAGAIN)
		return 0;
	if (errno == EPIPE && !c->quiet) {  /* a close_notify during the handshake */
		snprintf(c->why, sizeof(c->why), "closed during the handshake");
		t->err = c->why;
	}
	return -1;
}

/* Before a read or write: 1 when the handshake is done, else -1 with errno (EAGAIN:
 * poll for *events). */
static int tls_ready(struct tls_conn *c, short *events)
{
	int r = tls_handshake(&c->t);

	if (r == 0) {
		*events = c->t.hs_events;
		errno = EAGAIN;
		return -1;
	}
	if (r < 0 && errno == 0)
		errno = EPROTO;
	return r;
}

static ssize_t tls_read(struct transport *t, void *p, size_t n)
{
	struct tls_conn *c = (struct tls_conn *)t;
	size_t got = 0;
	int r;

	if (!c->established && tls_ready(c, &t->rd_events) != 1)
		return -1;
	ERR_clear_error();
	errno = 0;
	r = SSL_read_ex(c->ssl, p, n, &got);
	if (r == 1)
		return (ssize_t)got;
	return tls_failed(c, r, &t->rd_events, true);
}

static ssize_t tls_write(struct transport *t, const void *p, size_t n)
{
	struct tls_conn *c = (struct tls_conn *)t;
	size_t done = 0;
	int r;

	if (!c->established && tls_ready(c, &t->wr_events) != 1)
		return -1;
	if (n == 0)
		return 0;
	ERR_clear_error();
	errno = 0;
	r = SSL_write_ex(c->ssl, p, n, &done);
	if (r == 1)
		return (ssize_t)done;
	return tls_failed(c, r, &t->wr_events, false);
}

static size_t tls_pending(const struct transport *t)
{
	const struct tls_conn *c = (const struct tls_conn *)t;
	int n = SSL_pending(c->ssl);

	return n > 0 ? (size_t)n : 0;
}

static void tls_shutdown(struct transport *t)
{
	struct tls_conn *c = (struct tls_conn *)t;

	if (!c->established || c->quiet)
		return;
	c->quiet = true;
	ERR_clear_error();
	(void)SSL_shutdown(c->ssl);     /* best effort: one try, never waited for */
	ERR_clear_error();
}

static void tls_idle(struct transport *t)
{
	struct tls_conn *c = (struct tls_conn *)t;

	(void)SSL_free_buffers(c->ssl); /* refuses, harmlessly, while bytes are held */
}

static void tls_close(struct transport *t, bool abort)
{
	struct tls_conn *c = (struct tls_conn *)t;

	SSL_free(c->ssl);               /* sends nothing; the fd is ours (BIO_NOCLOSE) */
	transport_close_fd(t->fd, abort);
	free(c);
}

static const struct transport_ops tls_ops = {
	.name = "tls",
	.handshake = tls_handshake,
	.read = tls_read,
	.write = tls_write,
	.pending = tls_pending,
	.shutdown = tls_shutdown,
	.idle = tls_idle,
	.close = tls_close,
};

static struct tls_conn *tls_conn_new(int fd, struct tls_ctx *ctx, short first)
{
	struct tls_conn *c = xcalloc(1, sizeof(*c));

	c->t = (struct transport){ .ops = &tls_ops, .fd = fd, .rd_events = POLLIN,
	    .wr_events = POLLOUT, .hs_events = first };
	c->ssl = SSL_new(tls_ctx_ssl(ctx));
	if (c->ssl == NULL || SSL_set_fd(c->ssl, fd) != 1)
		fatal("TLS: cannot make a connection (out of memory)");
	return c;
}

struct transport *transport_tls_server_new(int fd, struct tls_ctx *ctx)
{
	struct tls_conn *c = tls_conn_new(fd, ctx, POLLIN);   /* the ClientHello */

	SSL_set_accept_state(c->ssl);
	return &c->t;
}

/* The name to check: an address for a literal, else a DNS name, also sent as SNI. */
static int tls_set_host(SSL *ssl, const char *host)
{
	unsigned char addr[16];

	if (inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1)
		return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host) == 1 ? 0 : -1;
	SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	/* SSL_set_tlsext_host_name(), without its macro's cast that drops const. */
	if (SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
	    (void *)(uintptr_t)host) != 1 || SSL_set1_host(ssl, host) != 1)
		return -1;
	return 0;
}

struct transport *transport_tls_client_new(int fd, struct tls_ctx *ctx, const char *host)
{
	struct tls_conn *c = tls_conn_new(fd, ctx, POLLOUT);  /* send the ClientHello */

	SSL_set_connect_state(c->ssl);
	if (tls_set_host(c->ssl, host) != 0) {
		c->badhost = true;      /* a name OpenSSL refuses (too long for SNI) */
		ERR_clear_error();
	}
	return &c->t;
}

bool transport_is_tls(const struct transport *t)
{
	return tls_conn(t) != NULL;
}

bool transport_tls_verified(const struct transport *t, const char **why)
{
	const struct tls_conn *c = tls_conn(t);
	long res;

	if (c == NULL || !c->established || SSL_get0_peer_certificate(c->ssl) == NULL) {
		if (why != NULL)
			*why = c == NULL ? "not TLS" : !c->established ? "no handshake" : "no certificate";
		return false;
	}
	res = SSL_get_verify_result(c->ssl);
	if (res == X509_V_OK && !c->badhost)
		return true;
	if (why != NULL)
		*why = c->badhost ? "host name cannot be checked" : X509_verify_cert_error_string(res);
	return false;
}

int transport_tls_peer_fingerprint(const struct transport *t, char out[TLS_FP_MAX])
{
	const struct tls_conn *c = tls_conn(t);
	X509 *x = c != NULL ? SSL_get0_peer_certificate(c->ssl) : NULL;

	return x != NULL ? tls_fingerprint(x, out) : -1;
}

const char *transport_tls_version(const struct transport *t)
{
	const struct tls_conn *c = tls_conn(t);

	return c != NULL && c->established ? SSL_get_version(c->ssl) : NULL;
}

const char *transport_tls_cipher(const struct transport *t)
{
	const struct tls_conn *c = tls_conn(t);

	return c != NULL && c->established ? SSL_get_cipher_name(c->ssl) : NULL;
}
