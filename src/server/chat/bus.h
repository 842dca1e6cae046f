/*
 * bus.h: where chat events leave this server. chat.c hands every room event it has
 * applied locally to bus_publish(); a message bus between servers (Redis pub/sub)
 * implements it and feeds what other servers publish back through chat_apply().
 * Without one (the default) publishing does nothing, and the local path is the whole
 * chat.
 *
 * The operator actions that reach every server (chat_oper.h) leave through the same
 * bus: bus_oper() hands one to the other servers, and the bus feeds theirs back
 * through chat_oper_remote(). bus_purge() and bus_stats_line() are the cluster's part
 * of /purge (the shared history) and /stats (its counters).
 */
#ifndef BUS_H
#define BUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "names.h"
#include "room.h"
#include "tclimits.h"

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
enum bus_oper_kind {
	BUS_OPER_KICK, BUS_OPER_MUTE, BUS_OPER_UNMUTE, BUS_OPER_BAN, BUS_OPER_BANADDR,
	BUS_OPER_UNBAN, BUS_OPER_PURGE, BUS_OPER_WALL
};
#define BUS_OPER_TEXT_MAX 512           /* bytes of a reason or a notice, after sanitising */
#define BUS_OPER_ADDR_MAX 48            /* bytes of an address's text, with its NUL */

struct bus_oper {
	char server[TC_REDIS_SERVER_ID_MAX + 1];    /* who published it (the bus fills it) */
	enum bus_oper_kind kind;
	char by[NAME_MAX_BYTES + 1];                /* the operator */
	char target[NAME_MAX_BYTES + 1];            /* "" when none */
	char room[ROOM_NAME_MAX_BYTES + 1];         /* kick: "" when out of the chat */
	char addr[BUS_OPER_ADDR_MAX];               /* "" when none */
	int64_t secs;
	char text[BUS_OPER_TEXT_MAX + 1];
};

struct bus {
	void (*publish)(void *arg, const struct event *ev);
	void *arg;
	/* The cluster's (NULL alone): publish op to the other servers (op->server is
	 * filled in); delete name's messages from the shared history (false when it could
	 * not be: the cluster is away); its counters as one line into out (returned). */
	void (*oper)(void *arg, struct bus_oper *op);
	bool (*purge)(void *arg, const char *name);
	char *(*stats_line)(void *arg, char *out, size_t outsz);
};

static inline void bus_publish(const struct bus *bus, const struct event *ev)
{
	if (bus != NULL && bus->publish != NULL)
		bus->publish(bus->arg, ev);
}

/* Are there other servers to tell operator actions to? */
static inline bool bus_shares_oper(const struct bus *bus)
{
	return bus != NULL && bus->oper != NULL;
}

static inline void bus_oper(const struct bus *bus, struct bus_oper *op)
{
	if (bus_shares_oper(bus))
		bus->oper(bus->arg, op);
}

static inline bool bus_purge(const struct bus *bus, const char *name)
{
	return bus != NULL && bus->purge != NULL && bus->purge(bus->arg, name);
}

/* NULL when there is no cluster. */
static inline const char *bus_stats_line(const struct bus *bus, char *out, size_t outsz)
{
	return bus != NULL && bus->stats_line != NULL ? bus->stats_line(bus->arg, out, outsz) :
	    NULL;
}

#endif
