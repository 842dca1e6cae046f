/*
 * irc_bridge.h: an IRC connection in the chat. The chat interface of irc_session.h
 * (struct irc_chat) implemented against chat.c, and the link between a session
 * (session.h) whose member speaks the IRC dialect (dialect_irc.c) and its IRC state.
 *
 * Output order: while the member's own line is handled (busy), what the chat sends it
 * is appended after the replies so far; the history of a room joined waits until the
 * replies (JOIN, 332, 353, 366) are out; on registration the default room's JOIN, topic
 * and names follow the welcome burst.
 */
#ifndef IRC_BRIDGE_H
#define IRC_BRIDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "irc_session.h"

struct chat;
struct chat_bus_wait;
struct member;

struct irc_link {
	struct irc_session s;
	struct member *m;
	bool busy;              /* its own line is being handled */
	bool to_hist;           /* the line being rendered goes after the replies */
	bool to_welcome;        /* the line being rendered goes after the welcome burst */
	struct buf hist;        /* history lines waiting for the replies */
	struct buf welcome;     /* the default room's JOIN, waiting for the welcome burst */
	unsigned long last_group; /* the last grouped event shown (one QUIT, one NICK) */
	char reason[320];       /* its QUIT reason, for the others */
	const char *part_reason; /* while it leaves a channel with PART: the reason */
	/* The connection's session: while *wait is set (a nick claimed across the cluster)
	 * it holds the input; resume when the claim came back. */
	struct chat_bus_wait **wait;
	void (*resume)(struct chat *ch, struct member *m);
};

/* Once, before the first IRC connection: the chat and the server's name. */
void irc_bridge_setup(struct chat *ch, const char *server_name);
/* m speaks IRC from now on: its link (m->irc), and how its session waits (above). */
struct irc_link *irc_bridge_attach(struct member *m, struct chat_bus_wait **wait,
    void (*resume)(struct chat *ch, struct member *m));
void irc_bridge_free(struct irc_link *l);

/* One line from the client (CRLF removed); one over IRC_INPUT_MAX bytes. */
void irc_bridge_line(struct irc_link *l, const char *line, size_t len);
void irc_bridge_too_long(struct irc_link *l);
/* Once a second: PING after silence, the close when it goes unanswered. */
void irc_bridge_tick(struct irc_link *l, time_t now);

/* The link of a member speaking IRC. */
struct irc_link *irc_link_of(const struct member *m);
/* The server's name (every source prefix). */
const char *irc_bridge_server(void);
/* The line to an IRC client refused at accept (peer "ADDR:PORT"): "ERROR :Closing
 * Link: ADDR (reason)", appended to out. */
void irc_bridge_refusal(const char *peer, const char *reason, struct buf *out);
/* "nick!user@host" of the member called name (lookup: the name it has now, for a
 * rename the new one), a stand-in for someone not here. */
void irc_bridge_source(const char *name, size_t len, const char *lookup, size_t lookuplen,
    char *out, size_t outsz);
/* The QUIT reason of the member called name ("Quit" when it gave none). */
const char *irc_bridge_reason(const char *name, size_t len);
/* The reason of the PART the member called name is making, NULL when none. */
const char *irc_bridge_part_reason(const char *name, size_t len);
/* Queue rendered lines for l: after the replies so far while busy, else at once. */
void irc_link_out(struct irc_link *l, const char *s, size_t n);

#endif
