/*
 * transport_tls.h: TLS over a connected, non-blocking fd (OpenSSL 3), a transport
 * like transport_tcp (see transport.h for the operations).
 *
 * - handshake(): 1 done, 0 in progress (poll for hs_events, which is POLLIN or
 *   POLLOUT as OpenSSL asks), -1 failed with t->err (OpenSSL's reason: junk or plain
 *   text on a TLS port, a reset, an EOF). read() and write() before the handshake is
 *   done move it on and fail with EAGAIN while it runs.
 * - read(): > 0 bytes; 0 when the peer sent close_notify or closed the TCP connection;
 *   -1 with errno EAGAIN (poll for rd_events: POLLIN, or POLLOUT when OpenSSL must
 *   write first), EPROTO (a TLS error, t->err), or the socket's errno (ECONNRESET).
 * - write(): like send(); after -1 with EAGAIN (poll for wr_events), write the same
 *   bytes again, at least as many as before (OpenSSL's rule for a retried SSL_write;
 *   the buffer may move). 0 bytes is a no-op.
 * - pending(): decrypted bytes held inside OpenSSL (SSL_pending): read them before
 *   waiting in poll(). Read-ahead is off, so poll() sees every other byte.
 * - shutdown(): sends close_notify once, only after a handshake that finished and
 *   never after a fatal error (a TLS error, a reset, an EOF without close_notify).
 * - idle(): frees OpenSSL's read and write buffers when nothing is held in them
 *   (the contexts also set SSL_MODE_RELEASE_BUFFERS, so this is mostly already done).
 * - close(t, abort): frees the SSL, closes the fd (a reset when abort); sends nothing.
 *
 * OpenSSL writes to the socket with write(2): the process must ignore SIGPIPE.
 */
#ifndef TRANSPORT_TLS_H
#define TRANSPORT_TLS_H

#include <stdbool.h>

#include "tls.h"
#include "transport.h"

/* Accept a TLS connection on fd with ctx's certificate (as it is now: a later
 * tls_ctx_reload() does not change this connection). */
struct transport *transport_tls_server_new(int fd, struct tls_ctx *ctx);

/* Connect over fd to host (SNI, and the name the certificate must carry for
 * transport_tls_verified(); an IPv4 or IPv6 literal is checked as an address and
 * sent no SNI). */
struct transport *transport_tls_client_new(int fd, struct tls_ctx *ctx, const char *host);

/* Whether t is a TLS transport (the functions below return false / -1 / NULL if not). */
bool transport_is_tls(const struct transport *t);

/* After the handshake: did the peer's certificate verify against the client
 * context's CAs for host? When not, *why (if why is not NULL) says why, in OpenSSL's
 * words ("self-signed certificate", "hostname mismatch", "no certificate"). */
bool transport_tls_verified(const struct transport *t, const char **why);

/* After the handshake: the peer certificate's SHA-256 fingerprint (tls.h format).
 * 0, or -1 when there is none. */
int transport_tls_peer_fingerprint(const struct transport *t, char out[TLS_FP_MAX]);

/* The protocol version ("TLSv1.3") and cipher, for logs; NULL if none yet. */
const char *transport_tls_version(const struct transport *t);
const char *transport_tls_cipher(const struct transport *t);

#endif
