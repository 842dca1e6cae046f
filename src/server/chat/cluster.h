/*
 * cluster.h: the chat in a cluster, the one seam between the chat core and the other
 * servers. Several servers share one chat through an implementation of struct
 * cluster_ops, a table of operations with its context (struct cluster, in struct chat;
 * no operations: this server is the whole chat). The chat calls the table through the
 * wrappers below, which do nothing when alone (an operation left NULL does nothing
 * either, so a test fills in only the ones it watches); the implementation feeds back
 * through the chat API (chat.h): chat_apply for the other servers' events (their users
 * are remote members), chat_oper_remote for their operators' actions, chat_topic_from
 * and chat_topic_told for their topics.
 *
 * Redis is the one implementation today (src/server/cluster/chat_bus.c, made by
 * net/server.c); nothing outside src/server/cluster knows Redis. What it fetches from
 * the other servers (a room's history and topic when its first local member arrives,
 * the default room's at a newcomer's entry, the roster of every server's members) it
 * fetches inside room_used and enter: the chat never asks for them itself.
 *
 *   publish     an event decided here and applied locally, to the other servers
 *   room_used   a local member arrived in r / left r (counted: each used has its
 *   room_unused unused); the first one makes the room shared here, the last one stops
 *   enter       claim a new member's name before it enters (the default room made
 *               ready too); claim: a rename's new name (old: its name now). NULL when
 *               there is nothing to wait for (the cluster is away: the name is held
 *               here and claimed again when it is back); else done runs later, once,
 *               unless cancel is called first
 *   release     name is free again, but for the keys it shares with keep (names.h;
 *               NULL: all of it): a member left, a rename, a claim not taken after all
 *   cancel      the member waiting on w is going away: done will not run, a name
 *               granted meanwhile is released
 *   forget      a name the cluster gave a member here is still held here by a remote
 *               member, who is gone: drop it
 *   up          the cluster answers now: a name held here only by a remote member is
 *               the cluster's to decide (this server's picture of the others may be
 *               old: that member may have left)
 *   oper        an operator action for the other servers (op->server is filled in)
 *   purge       delete name's messages from the shared history (false: the cluster is
 *               away)
 *   stats_line  its counters as one line into out (returned), for /stats and SIGUSR1
 *   close       leave the cluster cleanly (names given back), waiting a bounded time,
 *               and free the context; the chat is alone afterwards
 */
#ifndef CLUSTER_H
#define CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "names.h"
#include "room.h"
#include "tclimits.h"

struct chat;
struct member;
struct cluster_wait;            /* the implementation's */

/* A claim of a name across the cluster came back: granted (no other server holds it),
 * taken (another does), or unknown (no answer came: the cluster was lost or stalled
 * meanwhile). Only CHAT_CLAIM_OK lets the name be used. (The chat API's type:
 * chat_claim_entry's done is given to enter.) */
enum chat_claim { CHAT_CLAIM_OK, CHAT_CLAIM_TAKEN, CHAT_CLAIM_UNKNOWN };
typedef void (*chat_claim_done)(struct chat *ch, void *arg, enum chat_claim res);

/* An operator action for the other servers (on the wire: bus_codec.h, doc/PROTOCOL.md
 * "What crosses Redis"). The server that holds the target applies it (every server,
 * for banaddr, unban, purge and wall):
 *
 *   kick     target: the user; room: the room it is kicked from ("": out of the chat);
 *            text: the reason
 *   mute     target; secs: how long, 0 until /unmute      unmute  target
 *   ban      target: the user, whose server bans its address; secs, text: the reason
 *   banaddr  addr: an address banned (addrkey text), every server adds it to its list;
 *            secs: the expiry (seconds since the epoch), 0 for good; text: the reason
 *   unban    addr: lifted on every server
 *   purge    target: the name whose messages every server purges from its history
 *   wall     text: the notice, to every server's users
 */
enum cluster_oper_kind {
	CLUSTER_OPER_KICK, CLUSTER_OPER_MUTE, CLUSTER_OPER_UNMUTE, CLUSTER_OPER_BAN,
	CLUSTER_OPER_BANADDR, CLUSTER_OPER_UNBAN, CLUSTER_OPER_PURGE, CLUSTER_OPER_WALL
};
#define CLUSTER_OPER_TEXT_MAX 512       /* bytes of a reason or a notice, sanitised */
#define CLUSTER_OPER_ADDR_MAX 48        /* bytes of an address's text, with its NUL */

struct cluster_oper {
	char server[TC_REDIS_SERVER_ID_MAX + 1];    /* who published it (oper fills it) */
	enum cluster_oper_kind kind;
	char by[NAME_MAX_BYTES + 1];                /* the operator */
	char target[NAME_MAX_BYTES + 1];            /* "" when none */
	char room[ROOM_NAME_MAX_BYTES + 1];         /* kick: "" when out of the chat */
	char addr[CLUSTER_OPER_ADDR_MAX];           /* "" when none */
	int64_t secs;
	char text[CLUSTER_OPER_TEXT_MAX + 1];
};

struct cluster_ops {
	void (*publish)(void *arg, const struct event *ev);
	void (*room_used)(void *arg, struct room *r);
	void (*room_unused)(void *arg, struct room *r);
	struct cluster_wait *(*enter)(void *arg, const char *name, chat_claim_done done,
	    void *done_arg);
	struct cluster_wait *(*claim)(void *arg, const char *old, const char *name,
	    chat_claim_done done, void *done_arg);
	void (*release)(void *arg, const char *name, const char *keep);
	void (*cancel)(void *arg, struct cluster_wait *w);
	void (*forget)(void *arg, struct member *remote);
	bool (*up)(void *arg);
	void (*oper)(void *arg, struct cluster_oper *op);
	bool (*purge)(void *arg, const char *name);
	char *(*stats_line)(void *arg, char *out, size_t outsz);
	void (*close)(void *arg);
};

/* The table and its context, in struct chat. (A pair, not the chat: these wrappers
 * cannot see struct chat, which holds it, without an include cycle.) */
struct cluster {
	const struct cluster_ops *ops;  /* NULL: alone */
	void *arg;
};

/* Does the cluster have operation op? */
#define CLUSTER_HAS(cl, op) ((cl)->ops != NULL && (cl)->ops->op != NULL)

/* Is this server one of several? */
static inline bool cluster_on(const struct cluster *cl)
{
	return cl->ops != NULL;
}

static inline void cluster_publish(const struct cluster *cl, const struct event *ev)
{
	if (CLUSTER_HAS(cl, publish))
		cl->ops->publish(cl->arg, ev);
}

static inline void cluster_room_used(const struct cluster *cl, struct room *r)
{
	if (CLUSTER_HAS(cl, room_used))
		cl->ops->room_used(cl->arg, r);
}

static inline void cluster_room_unused(const struct cluster *cl, struct room *r)
{
	if (CLUSTER_HAS(cl, room_unused))
		cl->ops->room_unused(cl->arg, r);
}

/* NULL: nothing to wait for (alone too). */
static inline struct cluster_wait *cluster_enter(const struct cluster *cl, const char *name,
    chat_claim_done done, void *done_arg)
{
	return CLUSTER_HAS(cl, enter) ? cl->ops->enter(cl->arg, name, done, done_arg) : NULL;
}

static inline struct cluster_wait *cluster_claim(const struct cluster *cl, const char *old,
    const char *name, chat_claim_done done, void *done_arg)
{
	return CLUSTER_HAS(cl, claim) ? cl->ops->claim(cl->arg, old, name, done, done_arg) :
	    NULL;
}

static inline void cluster_release(const struct cluster *cl, const char *name,
    const char *keep)
{
	if (CLUSTER_HAS(cl, release))
		cl->ops->release(cl->arg, name, keep);
}

/* w may be NULL. */
static inline void cluster_cancel(const struct cluster *cl, struct cluster_wait *w)
{
	if (w != NULL && CLUSTER_HAS(cl, cancel))
		cl->ops->cancel(cl->arg, w);
}

static inline void cluster_forget(const struct cluster *cl, struct member *remote)
{
	if (CLUSTER_HAS(cl, forget))
		cl->ops->forget(cl->arg, remote);
}

static inline bool cluster_up(const struct cluster *cl)
{
	return CLUSTER_HAS(cl, up) && cl->ops->up(cl->arg);
}

/* Are there other servers to tell operator actions to? */
static inline bool cluster_shares_oper(const struct cluster *cl)
{
	return CLUSTER_HAS(cl, oper);
}

static inline void cluster_oper(const struct cluster *cl, struct cluster_oper *op)
{
	if (CLUSTER_HAS(cl, oper))
		cl->ops->oper(cl->arg, op);
}

static inline bool cluster_purge(const struct cluster *cl, const char *name)
{
	return CLUSTER_HAS(cl, purge) && cl->ops->purge(cl->arg, name);
}

/* NULL when there is no cluster. */
static inline const char *cluster_stats_line(const struct cluster *cl, char *out,
    size_t outsz)
{
	return CLUSTER_HAS(cl, stats_line) ? cl->ops->stats_line(cl->arg, out, outsz) : NULL;
}

/* Alone afterwards. */
static inline void cluster_close(struct cluster *cl)
{
	if (CLUSTER_HAS(cl, close))
		cl->ops->close(cl->arg);
	*cl = (struct cluster){ 0 };
}

#endif
