/*
 * chat_bus.h: the chat in a cluster on Redis (--redis), the one implementation of the
 * chat's cluster interface (chat/cluster.h) today: glue between the chat and the Redis
 * bus (bus_redis.h). It
 *   - publishes the events this server decides; when the first local member enters a
 *     room (room_used) it subscribes to the room's channel and refreshes the room's
 *     history from its stream and its topic from Redis, and the last one leaving
 *     (room_unused) unsubscribes; a leave or a rename releases the (old) name;
 *   - applies what the other servers decide (chat_apply), and keeps a "remote" member
 *     (member.remote, no connection) for each user of another server, so that /list,
 *     /rooms, /msg, the announce limit and the local name check see the whole cluster.
 *     Remote members are kept from the events of the rooms subscribed and, for every
 *     room, from the servers' member lists in Redis, read every TC_REDIS_REFRESH_MS;
 *   - claims a new user's name in Redis before the user enters (enter), and a renamed
 *     user's (an IRC NICK too) before it is taken (claim);
 *   - applies the topics set elsewhere (stored, and told to the room as an EV_TOPIC event);
 *   - tells the local users, once, when Redis goes away and when it is back;
 *   - carries the operator actions that reach every server (tcpchat:oper): publishes
 *     those of this server's operators (oper) and hands the others' to the chat's rules
 *     (chat_oper_remote); purges the shared history (purge) and gives its counters to
 *     /stats (stats_line): the cluster knows no command.
 * Nothing outside src/server/cluster includes this but net/server.c, to make it.
 */
#ifndef CHAT_BUS_H
#define CHAT_BUS_H

#include <stddef.h>

#include "chat.h"
#include "loop.h"

struct chat_bus;

/* Join the cluster at url and become ch->cluster (cluster_close leaves it and frees
 * this); then run loop until Redis answers, at most TC_REDIS_CONNECT_TIMEOUT_MS (then
 * serve alone until it does). NULL with err on a bad URL. */
struct chat_bus *chat_bus_new(struct chat *ch, struct loop *loop, const char *url,
    size_t history, char *err, size_t errsz);

/* The room records the cluster keeps, for tests (issue 21, item 12: they grew with
 * every room name ever used): its fields of each room are in the chat's rooms (room.h),
 * so as many as the chat has, plus the channels bus_redis keeps (bus_redis.h). */
size_t chat_bus_rooms(const struct chat_bus *cb);

#endif
