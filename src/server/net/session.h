/*
 * session.h: the chat session of one local connection: its member (member.h) and
 * its input: the banner, naming (and the client dialect's hello), lines, commands,
 * the rate limit. The server feeds it the bytes its connection read (conn->in);
 * everything it says goes out through the member's dialect.
 */
#ifndef SESSION_H
#define SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "chat.h"
#include "conn.h"
#include "line.h"
#include "member.h"

struct session {
	struct member m;         /* first: the hot part of a broadcast */
	struct line_reader reader;
	uint8_t name_tries;
	bool greeted;            /* the banner was sent */
	bool sniffed;            /* the first line was looked at (sniff.h) */
	uint8_t pass_tries;      /* wrong server passwords (--password-file) */
	bool locked;             /* the server password is still to be given */
	double tokens;           /* rate limit bucket */
	int64_t tokens_at;       /* ms */
	struct chat_bus_wait *wait; /* --redis: the name is being claimed; input waits */
};

struct session *session_new(struct conn *c, int64_t now_ms);
void session_free(struct session *s);
/* s speaks IRC from now on (an IRC listener's connection: no banner, no sniffing). */
void session_attach_irc(struct chat *ch, struct session *s);
static inline struct conn *session_conn(const struct session *s) { return s->m.conn; }
static inline bool session_named(const struct session *s)
{
	return s->m.state == MEMBER_CHATTING;
}

/* A new connection: the banner and the name prompt (once; later calls do nothing).
 * The server waits up to TC_SNIFF_WAIT_MS for the peer's first bytes before it calls
 * this: a first line that is an HTTP request, an IRC registration or a TLS ClientHello
 * (sniff.h) is answered and closed by session_input without a banner. */
void session_greet(struct chat *ch, struct session *s);
/* Handle the complete lines buffered in the connection's input. Returns true when
 * s ran out of rate-limit tokens with lines left (the caller stops reading it). */
bool session_input(struct chat *ch, struct session *s, int64_t now_ms);
/* The peer hung up: its slot is freed at once, and what it sent is handled now, up
 * to one rate-limit burst whatever the tokens; the rest is dropped.
 * session_burst() is that budget (-1: no limit). session_drain() handles the complete
 * lines buffered, at most *budget of them (counted down), and drops the other complete
 * lines; session_input_end() does the same with a last line that has no newline and
 * empties the input. Both return the number of lines dropped. */
long session_burst(const struct chat *ch);
long session_drain(struct chat *ch, struct session *s, long *budget);
long session_input_end(struct chat *ch, struct session *s, long *budget);
/* Milliseconds until s has a token again (rate limit). */
int64_t session_throttle_ms(const struct chat *ch, const struct session *s);
/* The session ends: its member leaves the chat. */
void session_leave(struct chat *ch, struct session *s);
/* A wait (s->wait) ended: handle the lines that came meanwhile. */
void session_resume(struct chat *ch, struct session *s);

#endif
