/*
 * irc_session.h: one IRC client's side of the conversation, apart from any socket or
 * chat (pure): registration (CAP, PASS, NICK, USER, the welcome burst, the MOTD),
 * PING/PONG both ways, QUIT, and every chat command turned into a call of the chat
 * interface (struct irc_chat) with its replies formatted here. Lines come in parsed
 * one at a time (the framing is line.c's, IRC_INPUT_MAX bytes); what the client is
 * sent is appended to the session's out buffer for the caller to queue.
 *
 * The chat interface is what the wiring implements against chat.c; the chat's events
 * (someone's message, JOIN, PART, NICK, TOPIC) reach the client through the IRC
 * dialect, not through here. Names and rooms cross the interface as our names and
 * room names, never as nicks or channels (irc.h maps them).
 */
#ifndef IRC_SESSION_H
#define IRC_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "event.h"
#include "irc.h"

enum irc_status { IRC_CONTINUE, IRC_CLOSE };

enum irc_cap { IRC_CAP_SERVER_TIME = 1u << 0 };

struct irc_config {
	const char *server;     /* the server's name in every source prefix (--server-name) */
	const char *network;    /* NETWORK= and the welcome */
	const char *version;    /* 002 and 004 */
	const char *created;    /* 003: when the server started, as text */
	const char *motd;       /* lines separated by '\n'; NULL: 422 */
	bool password;          /* a server password is set: PASS must match it */
	int ping_idle;          /* seconds without input before a PING (TC_IRC_PING_IDLE) */
	int ping_timeout;       /* seconds for its answer (TC_IRC_PING_TIMEOUT) */
};

/* Someone, as WHO and WHOIS show them. */
struct irc_person {
	const char *name;       /* our name */
	const char *user;       /* "~alice" for an IRC user, "nc" or "tcpchat" for the others */
	const char *host;
	const char *realname;
	const char *room;       /* WHO: the room this line is about; NULL: none */
	const char *away;       /* away text, NULL when here */
	bool oper;              /* a server operator */
	bool chanop;            /* WHO: an operator of room */
	long idle;              /* WHOIS: seconds since the last message */
	time_t signon;          /* WHOIS */
};

typedef void irc_name_fn(void *arg, const char *name, bool chanop);
typedef void irc_person_fn(void *arg, const struct irc_person *p);
typedef void irc_room_fn(void *arg, const char *room, size_t members, const char *topic);

/*
 * The chat, as the session needs it. ctx is the wiring's (the member). Functions that
 * return int return 0 on success or the numeric that says why not (401 no such name,
 * 403 no such room, 404 cannot send, 433 name in use, 432 name refused, 441 not in
 * that room, 442 you are not in that room, 482 not an operator); the session writes
 * that numeric with its usual text, or IRC_SILENT when nothing is to be said (a JOIN
 * of a room already joined). On success the chat's own event reaches this client
 * through the IRC dialect (the JOIN, PART, NICK, TOPIC, KICK lines themselves).
 */
#define IRC_SILENT (-1)
/* From enter: the answer comes later, through irc_session_entered (--redis: the name is
 * being claimed across the cluster; the wiring holds the client's input meanwhile). */
#define IRC_WAIT (-2)
struct irc_chat {
	/* The server password (pass NULL: none sent): 0 right, 464 wrong, or IRC_WAIT: the
	 * answer comes later, through irc_session_password_checked. */
	int (*password)(void *ctx, const char *pass);
	bool (*name_free)(void *ctx, const char *name);          /* for NICK before registering */
	int (*enter)(void *ctx, const char *name);               /* registered: join the chat */
	int (*rename)(void *ctx, const char *name);
	int (*join)(void *ctx, const char *room);
	int (*part)(void *ctx, const char *room, const char *reason);
	/* A message, notice (NOTICE) or action (CTCP ACTION, in a PRIVMSG or a NOTICE; text
	 * "waves" for "\x01ACTION waves\x01") to a room (name NULL) or to a name (room
	 * NULL); text is sanitised (UTF8_MESSAGE). */
	int (*message)(void *ctx, enum say_kind kind, const char *room, const char *name,
	    const char *text, size_t len);
	/* The away text of name (copied to text), NULL when here or unknown. */
	const char *(*away_of)(void *ctx, const char *name, char *text, size_t textsz);
	int (*names)(void *ctx, const char *room, irc_name_fn *each, void *arg);
	/* The topic (copied to topic), who set it (as "nick!user@host", the 333 reply) and
	 * when: 0, 331 when none, or an error. */
	int (*topic_get)(void *ctx, const char *room, char *topic, size_t topicsz,
	    char *setter, size_t settersz, time_t *when);
	int (*topic_set)(void *ctx, const char *room, const char *topic);
	/* WHO: room set, its members; else the names matching mask (NULL: everyone). */
	int (*who)(void *ctx, const char *room, const char *mask, irc_person_fn *each, void *arg);
	/* WHOIS: p filled, the rooms name is in in rooms (space separated). */
	int (*whois)(void *ctx, const char *name, struct irc_person *p, char *rooms,
	    size_t roomssz);
	int (*away)(void *ctx, const char *text);                /* NULL: back */
	int (*list)(void *ctx, irc_room_fn *each, void *arg);
	int (*kick)(void *ctx, const char *room, const char *name, const char *reason);
	/* QUIT (the others are told reason, "" for none), a ping timeout: registered
	 * members only. */
	void (*quit)(void *ctx, const char *reason);
	/* OPER name password: 0 (381), 464 wrong, 491 no operators here, IRC_SILENT when
	 * the answer comes later through the chat (the IRC dialect's 381 or 464). NULL: 421. */
	int (*oper)(void *ctx, const char *name, const char *pass);
};

struct irc_session {
	const struct irc_config *cfg;
	const struct irc_chat *chat;
	void *ctx;
	struct buf out;                     /* lines for the client */
	bool registered, cap_hold, pass_given, have_user, closed;
	bool pass_ok, pass_checking;        /* the server password was right; is checked */
	unsigned caps;                      /* enum irc_cap, enabled */
	char nick[IRC_NICK_MAX + 1];        /* "" until NICK */
	char name[NAME_MAX_BYTES + 1];      /* our name for nick */
	char user[16];                      /* "~" and the USER name, cut */
	char realname[64];
	char host[64];
	char pass[TC_PASSWORD_MAX + 1];
	time_t last_input, ping_sent;       /* ping_sent 0: no PING out */
	/* What the last line costs in lines of the rate limit: one per target of a list
	 * (PRIVMSG, NOTICE, JOIN, PART: a line to 4 nicks is 4 messages), else one. */
	unsigned cost;
};

void irc_session_init(struct irc_session *s, const struct irc_config *cfg,
    const struct irc_chat *chat, void *ctx, const char *host, time_t now);
void irc_session_free(struct irc_session *s);

/* The answer of an enter that returned IRC_WAIT: 0 (registered: the welcome) or the
 * numeric that says why not. */
void irc_session_entered(struct irc_session *s, int r);

/* The answer of a password check that returned IRC_WAIT: registration goes on, or
 * 464 and an ERROR (IRC_CLOSE: flush out, then close). */
enum irc_status irc_session_password_checked(struct irc_session *s, bool ok);

/* One line from the client (CRLF removed). IRC_CLOSE: flush out, then close. */
enum irc_status irc_session_line(struct irc_session *s, const char *line, size_t n, time_t now);
/* The framing found a line over IRC_INPUT_MAX bytes: 417. */
void irc_session_too_long(struct irc_session *s);
/* Once a second or so: a PING after cfg->ping_idle seconds of silence, IRC_CLOSE (with
 * an ERROR line) when it went unanswered for cfg->ping_timeout seconds. */
enum irc_status irc_session_tick(struct irc_session *s, time_t now);
/* The server ends the connection: "ERROR :Closing Link: host (reason)". */
void irc_session_error(struct irc_session *s, const char *reason);

/* "nick!~user@host", this client as the source of its messages. */
void irc_session_source(const struct irc_session *s, char *out, size_t outsz);
/* The tags to put on a line the chat sends at t: server-time when enabled, else NULL. */
const char *irc_session_tags(const struct irc_session *s, time_t t, char buf[IRC_TIME_TAG_LEN]);

/* The caps offered (CAP LS): "server-time". */
extern const char irc_caps_offered[];

#endif
