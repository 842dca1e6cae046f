/*
 * refusal.h: the last words to a connection refused at accept (banned, the chat full,
 * its address over a limit), said in its listener's transport, with no session, member
 * or buffers made for it.
 *
 * On a plain port the line is written at once (one try: a refused peer is never waited
 * for) and the connection closed. On a TLS port the handshake runs first, with its
 * usual deadline (TC_TLS_HANDSHAKE_MS from accept); then the line goes inside TLS,
 * close_notify after it, and the connection is closed. A handshake that fails is
 * closed unsaid; one out of time is reset.
 *
 * A handshake costs the server a signature: at most TC_REFUSALS_TLS_MAX refusals are in
 * their handshake at once, and past that a refused TLS connection is reset at once
 * without a word. A flood from a banned address then costs at most that many
 * handshakes at a time, and holds at most that many descriptors.
 */
#ifndef REFUSAL_H
#define REFUSAL_H

#include <stddef.h>

struct loop;
struct refusals;
struct tls_ctx;

/* The refusals of a server, on its loop. */
struct refusals *refusals_new(struct loop *loop);
/* Reset every refusal still in its handshake, and free. NULL is fine. */
void refusals_free(struct refusals *rf);

/* Say the n bytes of msg to peer (for the log), on fd (accepted, non-blocking), and
 * close it; fd is taken. tls: the listener's context, NULL for plain TCP. */
void refusals_add(struct refusals *rf, int fd, const char *peer, struct tls_ctx *tls,
    const char *msg, size_t n);

#endif
