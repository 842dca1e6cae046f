/*
 * transport.h: the one place where a connection's bytes enter and leave, for the
 * server and for the client. Nothing else calls read(2) or write(2) on a peer.
 *
 * A transport is a table of operations (struct transport_ops) and a little state.
 * Plain TCP (transport_tcp.c) is one implementation; TLS is another. The model is
 * Redis's connection.h type table, and OpenBSD nc's fillbuf/drainbuf.
 *
 * Poll interest comes from the transport: a TLS read may need the socket writable
 * (and a write readable), a handshake needs either. After an operation returns -1
 * with errno EAGAIN, rd_events / wr_events / hs_events say what to poll for before
 * trying that operation again; transport_events() folds them into one interest.
 * Bytes a transport holds that poll() cannot report (TLS records already decrypted:
 * SSL_pending) are counted by pending(); the caller must read them without waiting.
 */
#ifndef TRANSPORT_H
#define TRANSPORT_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct transport;

struct transport_ops {
	const char *name;       /* "tcp", "tls": for logs */
	/* Move the handshake on: 1 done (or none needed), 0 in progress (poll for
	 * hs_events), -1 failed (t->err says why). */
	int (*handshake)(struct transport *t);
	/* > 0 bytes, 0 the peer closed cleanly, -1 with errno (EAGAIN: later). */
	ssize_t (*read)(struct transport *t, void *p, size_t n);
	ssize_t (*write)(struct transport *t, const void *p, size_t n);
	/* Input already held inside the transport (poll() cannot see it). */
	size_t (*pending)(const struct transport *t);
	/* Say goodbye politely (TLS close_notify; nothing for TCP). Best effort. */
	void (*shutdown)(struct transport *t);
	/* Give back memory while the connection is idle (TLS buffers). May be NULL. */
	void (*idle)(struct transport *t);
	/* Close the fd and free t. abort: reset the connection (SO_LINGER 0), so the
	 * kernel keeps nothing queued for it, and send no close_notify. */
	void (*close)(struct transport *t, bool abort);
};

struct transport {
	const struct transport_ops *ops;
	int fd;
	short rd_events;        /* what a blocked read waits for (POLLIN, or POLLOUT in TLS) */
	short wr_events;        /* what a blocked write waits for */
	short hs_events;        /* what the handshake waits for; 0 when it is done */
	const char *err;        /* reason of the last failure (static string) */
};

/* Plain TCP over a connected, non-blocking fd. */
struct transport *transport_tcp_new(int fd);

/* The poll interest for a caller that wants to read (reading) and has output
 * queued (writing). While a handshake runs, only what the handshake needs. */
short transport_events(const struct transport *t, bool reading, bool writing);

/* Close a transport's fd; abort: a reset (SO_LINGER 0), nothing left queued. For the
 * close() operation of each transport. */
void transport_close_fd(int fd, bool abort);

static inline int transport_handshake(struct transport *t) { return t->ops->handshake(t); }
static inline ssize_t transport_read(struct transport *t, void *p, size_t n)
{
	return t->ops->read(t, p, n);
}
static inline ssize_t transport_write(struct transport *t, const void *p, size_t n)
{
	return t->ops->write(t, p, n);
}
static inline size_t transport_pending(const struct transport *t)
{
	return t->ops->pending(t);
}
static inline void transport_shutdown(struct transport *t) { t->ops->shutdown(t); }
static inline void transport_idle(struct transport *t)
{
	if (t->ops->idle != NULL)
		t->ops->idle(t);
}
static inline void transport_close(struct transport *t, bool abort) { t->ops->close(t, abort); }

#endif
