/*
 * front.h: the input side of a protocol module. A session (session.h) frames its
 * connection's bytes into lines, keeps the rate limit and holds the input while the
 * chat makes it wait; what a line means is its front's business. A front turns lines
 * into calls of the chat API (chat.h) and owns its connections' state (the member's
 * link); its dialect (chat/dialect.h) is the output side of the same module.
 *
 * The fronts: text (nc and the client protocol, proto/text.c) and irc (the IRC module,
 * irc/irc_bridge.c). A listener says which front its connections get (server.c); adding
 * a protocol is a new module with its front and its dialect, and one line there.
 */
#ifndef FRONT_H
#define FRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct chat;
struct session;

struct front {
	const char *name;
	/* A new connection: set up the member's link, choose its dialect; arg is what
	 * the listener was given for the module (session_new). */
	void (*attach)(struct chat *ch, struct session *s, void *arg);
	/* The server waits TC_SNIFF_WAIT_MS for the peer's first bytes before it greets
	 * (greet_wait); meanwhile before_greet looks at what came: true while there is
	 * nothing to decide on yet, or the connection was answered and closed. NULL: the
	 * front greets at once (attach did). */
	bool greet_wait;
	bool (*before_greet)(struct chat *ch, struct session *s);
	void (*greet)(struct chat *ch, struct session *s);
	/* The longest line taken, in bytes. */
	size_t (*line_max)(const struct chat *ch);
	/* One line, its newline removed; and a line over line_max, dropped. */
	void (*line)(struct chat *ch, struct session *s, const char *raw, size_t len);
	void (*too_long)(struct chat *ch, struct session *s);
	/* Once a second: keep-alives (NULL: none). */
	void (*tick)(struct chat *ch, struct session *s, time_t now);
	/* Once a second: give back the memory of the module's own buffers that are empty
	 * (what a history replay made them hold), as the connection's queues are; returns
	 * how many gave some back. NULL: the module keeps no buffers. */
	int (*trim)(struct session *s);
	/* The connection is gone: free the link. */
	void (*detach)(struct session *s);
};

#endif
