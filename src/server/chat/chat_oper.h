/*
 * chat_oper.h: the operator rules, once for every protocol module. One function per
 * action: log in (/oper, IRC OPER), kick, ban, unban, mute, unmute, wall, purge (and
 * the ban list for /bans). Each checks that m may do it, decides, records (the ban
 * list, the log of purges), tells the members it touches, writes the oper log line
 * (warning level, with who did it) and hands the action to the cluster (cluster.h)
 * when another server of a cluster must apply it; the actions the other servers' operators
 * publish come back through chat_oper_remote().
 *
 * Each returns a status that the front end words its own way: cmd_oper.c as the nc and
 * client lines, irc_bridge.c as numerics. On CHAT_OPER_OK, res->what is what was done,
 * as the oper log says it. Targets come as the front end found them (NULL: nobody by
 * that name): where a name ends in a command line is parsing, not a rule.
 *
 * A kick from one room (IRC KICK): the room's members are told (EV_KICK: IRC shows a
 * KICK line, the other dialects nothing); a member of several rooms (IRC, client
 * version 2) that has another room then leaves just that one (the others see it go as
 * after /part, and it is told why); otherwise, and for every kick without a room
 * (/kick), the member is put out of the chat: a last line, then its connection closes.
 */
#ifndef CHAT_OPER_H
#define CHAT_OPER_H

#include <stdbool.h>
#include <stddef.h>

#include "addrkey.h"

struct cluster_oper;
struct chat;
struct member;

enum chat_oper_status {
	CHAT_OPER_OK,
	CHAT_OPER_NOT_OPER,         /* m is not an operator */
	CHAT_OPER_NO_OPERS,         /* log in: this server has no operators */
	CHAT_OPER_REFUSED,          /* log in: wrong name or password */
	CHAT_OPER_NO_SUCH_USER,     /* no target (a ban: nor an address) */
	CHAT_OPER_NO_SUCH_ROOM,
	CHAT_OPER_NOT_IN_ROOM,      /* the target is not in that room */
	CHAT_OPER_NOT_MUTED,        /* unmute of a member of this server that is not muted */
	CHAT_OPER_NOT_BANNED,       /* unban of an address that is not banned */
	CHAT_OPER_BANS_FULL,        /* the ban list has TC_MAX_BANS bans */
	CHAT_OPER_WAIT,             /* log in: being checked; the answer is told (EV_OPER) */
};

/* Bytes of a summary: a reply line, and a wall notice with its head. */
#define CHAT_OPER_WHAT_MAX (512 + 64)

struct chat_oper_result {
	char what[CHAT_OPER_WHAT_MAX];  /* "Kicked bob (127.0.0.1:4242): flooding" */
	bool remote;                    /* the target is on another server, which applies it */
	bool unsaved;                   /* the ban list could not be saved (see the log) */
};

/* Does this server have operators (an oper file)? */
bool chat_oper_configured(const struct chat *ch);
/* CHAT_OPER_OK when m is an operator, else CHAT_OPER_NOT_OPER: for a front end that
 * must refuse before it parses the rest of a command. */
enum chat_oper_status chat_oper_may(const struct member *m);

/* m becomes an operator for its session when name and pass are an account of the oper
 * file. The password is checked off the loop (chat_check.h: m's input waits), so this
 * returns CHAT_OPER_WAIT (or CHAT_OPER_NO_OPERS at once) and the answer is told to m as
 * an EV_OPER event, which each dialect words its own way, then a prompt. A failed try
 * costs TC_OPER_FAIL_TOKENS lines of the rate limit; on a connection that is not
 * encrypted m is told once that its password crossed in clear. */
enum chat_oper_status chat_oper_login(struct chat *ch, struct member *m, const char *name,
    const char *pass);
/* Kick who (reason cut to TC_BAN_REASON_MAX bytes), out of the chat (room NULL) or from
 * room (a room name): see above. */
enum chat_oper_status chat_oper_kick(struct chat *ch, struct member *m, struct member *who,
    const char *room, const char *reason, size_t rlen, struct chat_oper_result *res);
/* Ban who's address (who NULL: key) for secs (0: for good), kicking every connection
 * from it here but m's; a user of another server is banned by its server. Every ban is
 * added to the other servers' lists too. */
enum chat_oper_status chat_oper_ban(struct chat *ch, struct member *m, struct member *who,
    const struct addrkey *key, long secs, const char *reason, size_t rlen,
    struct chat_oper_result *res);
enum chat_oper_status chat_oper_unban(struct chat *ch, struct member *m,
    const struct addrkey *key, struct chat_oper_result *res);
/* /bans: the expired bans dropped (and the list saved), then ch->bans is the list. */
enum chat_oper_status chat_oper_bans(struct chat *ch, struct member *m,
    struct chat_oper_result *res);
/* Mute who for secs (0: until unmuted or the end of its session). */
enum chat_oper_status chat_oper_mute(struct chat *ch, struct member *m, struct member *who,
    long secs, struct chat_oper_result *res);
enum chat_oper_status chat_oper_unmute(struct chat *ch, struct member *m, struct member *who,
    struct chat_oper_result *res);
/* A notice to everyone, on every server ("*** Notice from NAME: TEXT"). */
enum chat_oper_status chat_oper_wall(struct chat *ch, struct member *m, const char *text,
    size_t len, struct chat_oper_result *res);
/* Remove name's (checked) messages from every history (chat_purge), and from the
 * shared history of a cluster. */
enum chat_oper_status chat_oper_purge(struct chat *ch, struct member *m, const char *name,
    struct chat_oper_result *res);

/* The oper log line of m's action what: at warning level (shown without -v), with
 * who did it ("oper "alice" (127.0.0.1:4242): what"). */
void chat_oper_log(const struct member *m, const char *what);
/* m sets room r's topic (len 0: clears it): m must be in r, and an operator when this
 * server has operators. Told to the room and the other servers (chat_set_topic) and
 * logged (an operator's as the oper log, others' at info level). */
enum chat_oper_status chat_oper_topic(struct chat *ch, struct member *m, struct room *r,
    const char *text, size_t len);

/* Apply an action another server's operator did (the cluster calls it): its own oper rule
 * was checked there. */
void chat_oper_remote(struct chat *ch, const struct cluster_oper *op);

#endif
