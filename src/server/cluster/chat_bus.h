/*
 * chat_bus.h: the chat in a cluster (--redis): glue between chat.c and the Redis bus
 * (bus_redis.h). It
 *   - watches the events this server decides (it is the chat's bus.h hook): the first
 *     local member entering a room subscribes to its channel (and refreshes the room's
 *     history from its stream and its topic from Redis), the last one leaving
 *     unsubscribes; a leave or a rename releases the (old) name;
 *   - applies what the other servers decide (chat_apply), and keeps a "remote" member
 *     (member.remote, no connection) for each user of another server, so that /list,
 *     /rooms, /msg, the announce limit and the local name check see the whole cluster.
 *     Remote members are kept from the events of the rooms subscribed and, for every
 *     room, from the servers' member lists in Redis, read every TC_REDIS_REFRESH_MS;
 *   - claims a new user's name in Redis before the user enters (chat_bus_claim), and
 *     a renamed user's (an IRC NICK too) before it is taken (chat_bus_claim_name);
 *   - applies the topics set elsewhere (stored, and told to the room as an EV_TOPIC event);
 *   - tells the local users, once, when Redis goes away and when it is back;
 *   - carries the operator actions that reach every server (tcpchat:oper): publishes
 *     those of this server's operators (bus.h: bus_oper) and hands the others' to the
 *     chat's rules (chat_oper_remote); purges the shared history (bus_purge) and gives
 *     its counters to /stats (bus_stats_line): the chat_bus knows no command.
 */
#ifndef CHAT_BUS_H
#define CHAT_BUS_H

#include <stdbool.h>
#include <stddef.h>

#include "bus_codec.h"
#include "chat.h"
#include "loop.h"

struct chat_bus;
struct chat_bus_wait;

/* Join the cluster at url; sets ch->bus and ch->cluster. NULL with err on a bad URL. */
struct chat_bus *chat_bus_new(struct chat *ch, struct loop *loop, const char *url,
    size_t history, char *err, size_t errsz);
/* At start, before the listeners: run loop until Redis answers, at most
 * TC_REDIS_CONNECT_TIMEOUT_MS (then serve alone until it does). */
void chat_bus_wait_up(struct chat_bus *cb, struct loop *loop);
/* Leave the cluster cleanly (names released, out of the presence set), running loop
 * for at most TC_REDIS_COMMAND_TIMEOUT_MS until Redis answered; then free. */
void chat_bus_close(struct chat_bus *cb, struct loop *loop);

/* Claim name for a member about to enter the default room (and fetch that room's
 * history if no local member is in it). done runs later, once, with ok false when
 * another server holds the name. NULL: nothing to wait for (Redis is down: the name
 * is held locally and claimed again on reconnect), go ahead now. */
typedef chat_claim_done chat_bus_done;
struct chat_bus_wait *chat_bus_claim(struct chat_bus *cb, const char *name,
    chat_bus_done done, void *arg);
/* Claim name for a member now called old (NULL: not named yet), before it takes name
 * (a rename, an IRC NICK too). done runs later, once, with ok false when another server
 * holds the name. NULL: nothing to wait for (old and name are one name to Redis, or
 * Redis is down: the name is held locally), go ahead now. */
struct chat_bus_wait *chat_bus_claim_name(struct chat_bus *cb, const char *old,
    const char *name, chat_bus_done done, void *arg);
/* A name claimed (chat_bus_claim_name, ok) but not taken after all: free it again. */
void chat_bus_release(struct chat_bus *cb, const char *name);
/* The member waiting is going away: done will not run. */
void chat_bus_cancel(struct chat_bus *cb, struct chat_bus_wait *w);

/* The bus counters (bus_redis.h) as one line for /stats and SIGUSR1: "cluster: redis
 * up, published 12, queued 0, dropped 0, received 9, own 12, gaps 0, bad 0, dead
 * servers 0, reannounced 0" into out (always NUL-terminated); returns out. */
char *chat_bus_stats_line(const struct chat_bus *cb, char *out, size_t outsz);

#endif
