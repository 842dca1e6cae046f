/*
 * dialect.h: how a member's events become bytes. One table entry per dialect:
 * nc (the classic prompts, dialect_nc.c), the client records (dialect_proto.c,
 * doc/PROTOCOL.md) and IRC (dialect_irc.c). Everything that differs between dialects is an entry here; the
 * chat's rules never ask which dialect a member speaks.
 */
#ifndef DIALECT_H
#define DIALECT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "event.h"

struct chat;
struct member;

struct dialect {
	const char *name;
	/* Render ev for viewer into out (cleared first). Returns false when the
	 * dialect shows nothing for it. Room events do not depend on the viewer. */
	bool (*render)(const struct event *ev, const struct member *viewer, struct buf *out);
	/* Queue one rendered line (or lines) for m. */
	void (*put)(struct member *m, const char *s, size_t n);
	/* Queue a rendered line from someone else, with what follows it (a prompt). */
	void (*deliver)(struct member *m, const char *s, size_t n, time_t now);
	/* After m's input was handled: a fresh prompt, or nothing. */
	void (*prompt)(struct member *m, time_t now);
	/* m pressed Enter. */
	void (*entered)(struct member *m);
	/* The chat answered what m's input waited for (a password check): go on with the
	 * input that came meanwhile. */
	void (*resume)(struct chat *ch, struct member *m);
	/* The sender sees its own messages (the client shows them once, as sent). */
	bool echo_own;
	/* A member may be in several rooms at once (/join adds a room, /part leaves). */
	bool multi_room;
	/* Shows how many people are in the chat (EV_ONLINE, chat_tell_online). */
	bool online;
	/* Rendered for each viewer, never shared (IRC: tags by the viewer's caps, one QUIT
	 * for a leave told in several rooms). */
	bool per_viewer;
};

/* An action as a line of text, "* alice waves": the nc line, and the text of the
 * record a client of version 1 gets (it knows no ACTION record). */
static inline void dialect_action_line(struct buf *out, const struct event *ev)
{
	buf_append(out, "* ", 2);
	buf_append(out, ev->name, ev->namelen);
	buf_putc(out, ' ');
	buf_append(out, ev->text, ev->len);
}

extern const struct dialect dialect_nc;
extern const struct dialect dialect_proto;
extern const struct dialect dialect_proto2;
extern const struct dialect dialect_irc;

const struct dialect *dialect_of(const struct member *m);

#endif
