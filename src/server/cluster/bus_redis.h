/*
 * bus_redis.h: the cluster bus on Redis (--redis): several tcpchat servers given the
 * same Redis are one chat (chat_bus.c makes it the chat's cluster, chat/cluster.h).
 * What crosses Redis is documented in doc/PROTOCOL.md ("What crosses Redis"); events
 * are encoded by bus_codec.h. Its tables (channels, name keys held, members here) are
 * the general table, strtab.h.
 *
 *   delivery   every room event this server decides is PUBLISHed on the room's channel
 *              (tcpchat:room:<room>; private messages on tcpchat:priv); the server
 *              SUBSCRIBEs to a room's channel while it has local members there
 *              (bus_redis_room_used / _unused: a channel's state is this module's own,
 *              see bus_redis_channels) and hands what the others publish to
 *              cfg.deliver. Its own messages come back and are ignored (server id);
 *              a gap in another server's per-channel sequence is counted and logged.
 *   history    messages are also XADDed to tcpchat:hist:<room> (MAXLEN ~ history);
 *              bus_redis_history reads the newest N. A topic event is SET as
 *              tcpchat:topic:<room> instead (bus_redis_topic reads it).
 *   names      bus_redis_claim: a name key "<case>\t<look>" (names.h: the two keys
 *              of a name) is tcpchat:name:<case> and tcpchat:look:<look>, both SET
 *              <server-id> PX <lease> by one script if neither exists (both or
 *              neither); each refreshed every TC_REDIS_REFRESH_MS, both deleted on
 *              bus_redis_release (each only if ours).
 *   presence   a heartbeat key tcpchat:server:<id> (PX TC_REDIS_SERVER_TTL_MS), the
 *              set tcpchat:servers, and tcpchat:members:<id> (name -> room, kept from
 *              the events published). A server whose heartbeat expired is taken out
 *              by exactly one survivor (an atomic script), which publishes a leave for
 *              each of its members. A server that finds itself taken out while
 *              alive (its heartbeat lapsed) publishes a join for each of its users.
 *   operators  tcpchat:oper: operator actions (bus_codec.h, struct cluster_oper); every
 *              server subscribes while in the cluster (bus_redis_oper publishes,
 *              cfg.oper receives); bus_redis_purge deletes a name's stream entries.
 *   outages    two connections (commands, subscriber), each with timeouts and
 *              reconnection (redis_loop.h). While Redis is away, publishes are queued
 *              (TC_REDIS_QUEUE_MAX events, TC_REDIS_QUEUE_MAX_KIB; the oldest dropped
 *              past that) and sent when it is back; subscriptions, presence and the
 *              names held are then renewed (a name another server took meanwhile is
 *              reported through cfg.name_lost).
 *
 * Never blocks the loop (the Redis host is resolved once, in bus_redis_new).
 */
#ifndef BUS_REDIS_H
#define BUS_REDIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus_codec.h"
#include "loop.h"

struct bus_redis;

struct bus_redis_config {
	const char *url;            /* redis://HOST[:PORT][/DB] or unix:/PATH */
	const char *server_id;      /* NULL: HOST-PID-RANDOM, new at every start */
	size_t history;             /* messages kept per room stream; 0: TC_DEFAULT_HISTORY */
	/* 0 for each: the tclimits.h default (tests make them short). */
	int name_lease_ms, server_ttl_ms, refresh_ms;
	int connect_timeout_ms, command_timeout_ms, backoff_min_ms, backoff_max_ms;
	size_t queue_max, queue_max_bytes;
	/* An event server (its id) decided, for this server's members of room (ev->room
	 * is NULL: look the room up by name; EV_PRIV: deliver to ev->other if local;
	 * ev->group is server's number). Also the leaves of a dead server's members
	 * (server: this one's id, ungrouped). */
	void (*deliver)(void *arg, const char *server, const char *room, const struct event *ev);
	/* A name this server held (claimed) was taken by another server during an outage. */
	void (*name_lost)(void *arg, const char *key);
	/* The command connection to Redis went down (false) or came back (true). */
	void (*status)(void *arg, bool up);
	/* An operator action another server published on tcpchat:oper (bus_codec.h). */
	void (*oper)(void *arg, const struct cluster_oper *op);
	void *arg;
};

struct bus_redis_stats {
	unsigned long published;    /* events sent to Redis */
	unsigned long queued;       /* events waiting for Redis now */
	unsigned long dropped;      /* events dropped from a full outage queue */
	unsigned long received;     /* events from other servers delivered */
	unsigned long own;          /* our own events seen coming back (ignored) */
	unsigned long gaps;         /* events missed, from gaps in sequences */
	unsigned long bad;          /* messages that did not decode */
	unsigned long dead_servers; /* dead servers this server cleaned up */
	unsigned long reannounced;  /* times this server was taken for dead and came back */
};

/* NULL with err on a bad URL, an unknown host or a bad server id. */
struct bus_redis *bus_redis_new(struct loop *loop, const struct bus_redis_config *cfg,
    char *err, size_t errsz);
/* A clean shutdown: release the names held and leave the presence set (sent now;
 * bus_redis_left is true once Redis answered all of it, or the link was lost). Then
 * bus_redis_free. Without it the names and presence simply expire. */
void bus_redis_leave(struct bus_redis *b);
bool bus_redis_left(const struct bus_redis *b);
/* Close and free (pending callbacks are not called). */
void bus_redis_free(struct bus_redis *b);

/* Publish a room event this server decided (tracking its members' rooms in
 * tcpchat:members:<id>); queued while Redis is away. Other events are ignored. */
void bus_redis_publish(struct bus_redis *b, const struct event *ev);
const char *bus_redis_server_id(const struct bus_redis *b);
bool bus_redis_up(const struct bus_redis *b);
const struct bus_redis_stats *bus_redis_stats(const struct bus_redis *b);

/* The first local member entered room / the last one left it. Counted: every used
 * needs its unused. */
void bus_redis_room_used(struct bus_redis *b, const char *room);
void bus_redis_room_unused(struct bus_redis *b, const char *room);
/* Redis confirmed the subscriptions to room's channel and to tcpchat:priv (for tests
 * and /stats). */
bool bus_redis_room_subscribed(const struct bus_redis *b, const char *room);
/* The channels kept now (each used at least once more than unused; for tests). A
 * channel's state (its use count, the subscription Redis confirmed, this server's
 * sequence number on it and the last one seen from each other server) is this
 * module's own, in a table by channel name (strtab.h), freed at its last unused. It is
 * not kept in the chat's struct room with the cluster's other per-room fields: it is
 * Redis's protocol (tcpchat:priv has it too and is no room; a channel is held before
 * the room has a local member, while a newcomer's entry waits for its history; the
 * tests use channels with no chat at all), and the chat core knows nothing of Redis. */
size_t bus_redis_channels(const struct bus_redis *b);

/* The newest n messages of room's shared history, oldest first. cb runs later, once,
 * with ok false if Redis was lost meanwhile (msgs are valid during the call only).
 * Returns a request id > 0, or 0 when Redis is down (cb never runs: use the local
 * history). */
typedef void (*bus_redis_history_cb)(void *arg, const struct bus_msg *msgs, size_t n, bool ok);
uint64_t bus_redis_history(struct bus_redis *b, const char *room, size_t n,
    bus_redis_history_cb cb, void *arg);
/* The room's last topic event (tcpchat:topic:<room>): cb as for bus_redis_history, with
 * n 1 (the topic event) or 0 (none kept). Asked before a history, it is answered first. */
uint64_t bus_redis_topic(struct bus_redis *b, const char *room, bus_redis_history_cb cb,
    void *arg);

/* Every other server's members (from their tcpchat:members:<id>), for /list, /rooms
 * and /msg across servers: one entry per room of each member (a member in lobby and
 * dev is two). Same contract as bus_redis_history. */
struct bus_roster_entry {
	char name[NAME_MAX_BYTES + 1];
	char room[ROOM_NAME_MAX_BYTES + 1];
};
typedef void (*bus_redis_roster_cb)(void *arg, const struct bus_roster_entry *es, size_t n,
    bool ok);
uint64_t bus_redis_roster(struct bus_redis *b, bus_redis_roster_cb cb, void *arg);

/* Claim key for this server: "<case key>\t<look-alike key>" (either part may be empty:
 * not claimed; no tab: the case key alone). cb runs later, once, with
 * BUS_CLAIM_OK or BUS_CLAIM_TAKEN, or BUS_CLAIM_DOWN when no answer came (Redis was
 * lost or timed out meanwhile) or an error did: nothing is granted nor held then, the
 * caller refuses the name for now. Returns a request id > 0,
 * or 0 when Redis is down: the name is held locally at once, cb never runs. */
enum bus_claim { BUS_CLAIM_OK, BUS_CLAIM_TAKEN, BUS_CLAIM_DOWN };
typedef void (*bus_redis_claim_cb)(void *arg, const char *key, enum bus_claim result);
uint64_t bus_redis_claim(struct bus_redis *b, const char *key, bus_redis_claim_cb cb, void *arg);
/* Forget a pending request (its arg is going away): cb will not run; a claim that
 * succeeds anyway is released. */
void bus_redis_cancel(struct bus_redis *b, uint64_t id);
/* The name is free again (its member left or was renamed). */
void bus_redis_release(struct bus_redis *b, const char *key);

/* --- operator actions (tcpchat:oper): every server subscribes while in the cluster. */
/* Publish op (op->server is set to this server's id); queued while Redis is away. */
void bus_redis_oper(struct bus_redis *b, struct cluster_oper *op);
/* Delete name's messages (compared without ASCII case) from every room's stream
 * (tcpchat:hist:*): one script, a SCAN of the keys and a read of each stream (each at
 * most about `history` entries long). Nothing when Redis is down. */
bool bus_redis_purge(struct bus_redis *b, const char *name);

#endif
