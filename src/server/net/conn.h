/*
 * conn.h: the transport side of one connection: its transport (transport.h), input
 * and output buffers, its place on the server's pending-write list, and the state
 * the server's socket policies need (closing, throttled, slow reader). The server
 * (server.c) owns it; the chat session of the connection is a member (member.h).
 */
#ifndef CONN_H
#define CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "addrkey.h"
#include "buf.h"
#include "net.h"
#include "transport.h"

struct conn;

/* The connections with output waiting (or waiting to be freed). One per server. */
struct conn_list {
	struct conn *head;
};

struct conn {
	struct buf out;
	struct conn *pending_next;
	struct conn_list *pending_list;
	struct conn *ready_next;  /* on the server's list of input held in the transport */
	struct transport *t;     /* NULL in tests that drive the chat without sockets */
	bool closing;            /* no more input or output; one last write of what is
	                            queued, then freed at the loop's safe point */
	bool pending;            /* on the pending-write list */
	bool throttled;          /* out of rate-limit tokens: not reading */
	bool handshaking;        /* the transport's handshake is not done yet */
	bool ready;              /* on the ready list */
	uint8_t tail;            /* bytes at the end of out that may be taken back */
	size_t blocked;          /* bytes a write that blocked passed (TLS): the retry passes
	                            at least as many, and they can no longer be taken back */
	const char *close_reason;
	void *owner;             /* the server's record for this connection */

	struct buf in;
	int64_t accepted_at;     /* ms */
	uint64_t written;        /* bytes written to it so far */
	uint64_t written_tick;   /* written at the last housekeeping tick */
	uint16_t soft_ticks;     /* ticks over the soft limit without draining it */
	uint16_t stall_ticks;    /* ticks with output queued and none written */
	bool abort;              /* reset the connection when it is freed (a dropped reader) */
	bool counted;            /* admitted by the per-address limit: released when freed */
	struct addrkey addr;     /* the address the per-address limit and bans apply to */
	uint64_t greet_timer;    /* the wait for a first line to sniff before the banner */
	void *server;            /* the server that owns it (for its timers) */
	char peer[NET_PEER_MAX];
};

struct conn *conn_new(struct transport *t, const char *peer, int64_t now_ms,
    struct conn_list *pending);
void conn_free(struct conn *c);

/* Queue bytes (nothing once closing). */
void conn_write(struct conn *c, const char *s, size_t n);
/* Room for n bytes at the end of the queue, then conn_commit(c, used). */
char *conn_reserve(struct conn *c, size_t n);
void conn_commit(struct conn *c, size_t n);
/* The last n bytes queued may be taken back (while none of them was sent). */
void conn_set_tail(struct conn *c, size_t n);
/* Take back the tail, if it is still whole in the queue. Returns true if so. */
bool conn_take_tail(struct conn *c);
/* Does the queue end with a newline (or is it empty)? */
bool conn_at_line_start(const struct conn *c);
/* Tell c that n bytes were written from the front of its queue. */
void conn_sent(struct conn *c, size_t n);

/* Take the next connection off the pending list, NULL when empty. */
struct conn *conn_pending_take(struct conn_list *l);

/* Mark c for closing with a reason (kept, not copied: use string literals). */
void conn_close(struct conn *c, const char *reason);

#endif
