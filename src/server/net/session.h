/*
 * session.h: the chat session of one local connection: its member (member.h), the
 * framing of its input into lines, the rate limit, and the front (front.h) that says
 * what the lines mean: text (nc and the client protocol) or IRC. The server feeds it
 * the bytes its connection read (conn->in); everything it says goes out through the
 * member's dialect.
 */
#ifndef SESSION_H
#define SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "chat.h"
#include "conn.h"
#include "front.h"
#include "line.h"
#include "member.h"

struct session {
	struct member m;         /* first: the hot part of a broadcast */
	const struct front *front;
	struct line_reader reader;
	bool greeted;            /* the front greeted (the banner was sent) */
	double tokens;           /* rate limit bucket */
	int64_t tokens_at;       /* ms */
	struct cluster_wait *wait; /* the chat makes the input wait (a name claimed
	                              across the cluster): chat_claim_entry */
};

/* A new connection's session, speaking front (attached: its link set up, with
 * front_arg, the module's own setup: the IRC module's server name). */
struct session *session_new(struct chat *ch, const struct front *front, void *front_arg,
    struct conn *c, int64_t now_ms);
void session_free(struct session *s);

static inline struct conn *session_conn(const struct session *s) { return s->m.conn; }
static inline bool session_named(const struct session *s)
{
	return s->m.state == MEMBER_CHATTING;
}
/* Greet the connection (once; later calls do nothing). For a front that waits
 * (greet_wait) the server calls this when TC_SNIFF_WAIT_MS passed without a decision;
 * a first line that is another protocol's (an HTTP request, an IRC registration, a TLS
 * ClientHello: sniff.h) is answered and closed by session_input without a greeting. */
void session_greet(struct chat *ch, struct session *s);
/* The front waits TC_SNIFF_WAIT_MS before it greets. */
bool session_greet_waits(const struct session *s);
/* Handle the complete lines buffered in the connection's input. Returns true when
 * s ran out of rate-limit tokens with lines left (the caller stops reading it). */
bool session_input(struct chat *ch, struct session *s, int64_t now_ms);
/* The peer hung up: its slot is freed at once, and what it sent is handled now, up
 * to one rate-limit burst whatever the tokens; the rest is dropped.
 * session_burst() is that budget in tokens (-1: no limit). session_drain() handles the
 * complete lines buffered while *budget pays for them (counted down by what each costs
 * in the rate limit), and drops the other complete lines; session_input_end() does the same with a last line that has no newline and
 * empties the input. Both return the number of lines dropped. */
long session_burst(const struct chat *ch);
long session_drain(struct chat *ch, struct session *s, long *budget);
long session_input_end(struct chat *ch, struct session *s, long *budget);
/* The line being handled costs lines more of the rate limit than one (an IRC list of
 * targets: a line per target), charged with it as a member's penalty is. */
void session_charge(struct session *s, unsigned lines);
/* Milliseconds until s has a token again (rate limit). */
int64_t session_throttle_ms(const struct chat *ch, const struct session *s);
/* Once a second: the front's keep-alives. */
void session_tick(struct chat *ch, struct session *s, time_t now);
/* Once a second: the front's empty buffers given back (front.h); 1 or more if memory
 * was released, else 0. */
int session_trim(struct session *s);
/* The session ends: its member leaves the chat. */
void session_leave(struct chat *ch, struct session *s);
/* A wait (s->wait) ended: handle the lines that came meanwhile. */
void session_resume(struct chat *ch, struct session *s);
/* The same, for a dialect's resume (dialect.h): the member is a session's. */
void session_resume_member(struct chat *ch, struct member *m);
/* The session of a member that is local (every member a front handles is). */
static inline struct session *session_of_member(struct member *m)
{
	return (struct session *)(void *)m;
}

#endif
