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
#include "front.h"
#include "irc_session.h"

struct chat;
struct session;
struct member;

/* The IRC module of one server: the chat it speaks for and what its clients are told of
 * the server (made once at setup, given to each IRC listener's connections). */
struct irc_bridge {
	struct chat *ch;
	struct irc_config cfg;
	char server[128];       /* its name in every source prefix (--server-name) */
	char created[64];       /* 003 */
};

struct irc_link {
	struct irc_session s;
	struct irc_bridge *br;
	struct member *m;
	bool busy;              /* its own line is being handled */
	bool to_hist;           /* the line being rendered goes after the replies */
	bool to_welcome;        /* the line being rendered goes after the welcome burst */
	bool pass_inline, pass_right; /* a server password checked at once (b_password) */
	struct buf hist;        /* history lines waiting for the replies */
	struct buf welcome;     /* the default room's JOIN, waiting for the welcome burst */
	unsigned long last_group; /* the last grouped event shown (one QUIT, one NICK) */
	/* The connection's session: while its wait is set (a nick claimed across the
	 * cluster) it holds the input; resumed when the claim came back. */
	struct session *sess;
};

/* The IRC module's input side (front.h): what an IRC listener's connections speak. */
extern const struct front front_irc;

/* Once, before the first IRC connection: the chat and the server's name. */
struct irc_bridge *irc_bridge_new(struct chat *ch, const char *server_name);
void irc_bridge_free(struct irc_bridge *br);

/* The link of a member speaking IRC. */
struct irc_link *irc_link_of(const struct member *m);
/* The server's name (every source prefix). */
/* The line to an IRC client refused at accept (peer "ADDR:PORT"): "ERROR :Closing
 * Link: ADDR (reason)", appended to out. */
void irc_bridge_refusal(const char *peer, const char *reason, struct buf *out);
/* "nick!user@host" of the member called name (lookup: the name it has now, for a
 * rename the new one), a stand-in for someone not here. */
void irc_bridge_source(const struct irc_bridge *br, const char *name, size_t len,
    const char *lookup, size_t lookuplen, char *out, size_t outsz);
/* Queue rendered lines for l: after the replies so far while busy, else at once. */
void irc_link_out(struct irc_link *l, const char *s, size_t n);
/* Bytes of memory l's own buffers hold (hist, welcome, the session's out): emptied
 * after each line, given back by the front's trim once a second. */
size_t irc_link_kept(const struct irc_link *l);

#endif
