/* conn.h: one client connection: its state, its input and output buffers, and how
 * lines are written to it in each dialect (nc prompts, or typed client records). */
#ifndef CONN_H
#define CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "line.h"
#include "names.h"
#include "net.h"

struct room;

struct member_link {            /* a place in a room's member list */
	struct member_link *prev, *next;
};

enum conn_state { CONN_NAMING, CONN_CHATTING };

struct conn {
	/* What a broadcast touches comes first, in one or two cache lines (the room's
	 * member walk prefetches the next member's link). */
	struct member_link link;
	struct buf out;
	struct conn *pending_next;
	int fd;
	enum conn_state state;
	bool proto;              /* speaks the client dialect (sent the hello) */
	bool prompt_shown;       /* nc: the last bytes sent end in a prompt */
	bool closing;            /* no more input or output; one last write of what is
	                            queued, then freed at the loop's safe point */
	bool pending;            /* on the pending-write list */
	bool throttled;          /* out of rate-limit tokens: not reading */
	bool peer_gone;          /* hung up while throttled: its buffered lines are still
	                            handled, nothing is read from or written to it */
	uint8_t name_tries;
	uint8_t namelen;
	uint8_t prompt_tail;     /* nc: bytes of a prompt that ends c->out, still unsent */
	const char *close_reason;

	char name[NAME_MAX_BYTES + 1];
	struct room *room;

	struct buf in;
	struct line_reader reader;

	double tokens;           /* rate limit bucket */
	int64_t tokens_at;       /* ms */
	int64_t accepted_at;     /* ms */
	int64_t soft_since;      /* ms when output first passed the soft limit; 0 none */

	char peer[NET_PEER_MAX];
};

/* A line as each dialect renders it. nc is written as is (the caller includes no
 * newline; prompt handling is added); proto is a full record without its newline. */
struct conn_line {
	const char *nc;
	size_t nclen;
	const char *proto;
	size_t protolen;
};

struct conn *conn_new(int fd, const char *peer, int64_t now_ms);
void conn_free(struct conn *c);

/* Queue a line for c in its dialect. nc: a newline first if a prompt was showing. */
void conn_put(struct conn *c, const struct conn_line *l);
/* Queue only the nc text (e.g. the banner) or only a record. */
void conn_put_raw(struct conn *c, const char *s, size_t n);
/* conn_put, then a fresh prompt: what every receiver of a broadcast gets. */
void conn_deliver(struct conn *c, const struct conn_line *l, time_t now);
/* nc: queue a fresh "[time][name]:" prompt (or the name prompt while naming). */
void conn_prompt(struct conn *c, time_t now);
/* A one-line notice for c alone: INFO or ERR record, a plain line in nc. */
void conn_info(struct conn *c, const char *text);
void conn_error(struct conn *c, const char *text);

/* Tell c that bytes left its queue (keeps prompt replacement honest). */
void conn_sent(struct conn *c);
/* Set c's name (already checked). */
void conn_set_name(struct conn *c, const char *name);

/* The pending-write list: connections with queued output. */
struct conn *conn_pending_take(void);

/* Mark c for closing with a reason (kept, not copied: use string literals). */
void conn_close(struct conn *c, const char *reason);

#endif
