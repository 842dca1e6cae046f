/*
 * bus_codec.h: a chat event as it crosses Redis between servers (doc/PROTOCOL.md,
 * "What crosses Redis"): one JSON object per event, with the id of the server that
 * decided it and that server's sequence number, so that a server ignores its own
 * messages and sees the gaps in another's. Pure: no Redis, no sockets.
 *
 *   {"v":1,"server":"host-1234-9f2c","seq":42,"type":"msg","time":1764581400,
 *    "utc":"2025-12-01T09:30:00Z","room":"lobby","name":"alice","other":"","text":"hi"}
 *
 * Then "kind" ("action" or "notice": what a msg or priv says, event.h; absent for a
 * plain message), "via" (a move's other room) and "group" (the sender's number shared
 * by the events of one action, event.h) when they have one.
 *
 * Decoding checks everything as if it came from a peer: the version, the server id's
 * characters, the type (room events only), the time (from TC_BUS_TIME_MIN, the year
 * 2000, to TC_BUS_TIME_AHEAD ahead of this server's clock), the room and the names by
 * the chat's own rules; text is sanitised again (UTF8_MESSAGE).
 *
 * Encoding is on every event's path, so it builds no jansson tree: it writes the bytes
 * jansson's compact dump of the same object would (a unit test holds it to that).
 * Decoding is jansson's (a parser is a library's job); a server's own events, which
 * come back on its subscription, are known by their first bytes and not decoded.
 */
#ifndef BUS_CODEC_H
#define BUS_CODEC_H

#include <stdbool.h>
#include <stdint.h>

#include "cluster.h"
#include "event.h"
#include "names.h"
#include "room.h"
#include "tclimits.h"

#define BUS_CODEC_VERSION 1
#define BUS_CODEC_TEXT_MAX (3 * TC_MAX_MAX_LINE)   /* bytes of text after sanitising */
#define BUS_CHANNEL_MAX 64                          /* bytes in a channel or key name */

struct bus_msg {
	char server[TC_REDIS_SERVER_ID_MAX + 1];
	uint64_t seq;
	char room[ROOM_NAME_MAX_BYTES + 1];
	char name[NAME_MAX_BYTES + 1];
	char other[NAME_MAX_BYTES + 1];
	char via[ROOM_NAME_MAX_BYTES + 1];  /* move_in, move_out: the other room; "" */
	char *text;             /* owned (bus_msg_clear), NUL-terminated; "" when none */
	/* The event, pointing into the fields above; ev.room is NULL (the receiver looks
	 * the room up by name). */
	struct event ev;
};

/* A server id is 1 to TC_REDIS_SERVER_ID_MAX bytes of [A-Za-z0-9._:-]. */
bool bus_server_id_ok(const char *id);

/* The wire name of a room event type ("msg", "join", ...); NULL for member events. */
const char *bus_type_name(enum event_type type);

/* Encode ev (a room event; ev->room set) from server id with sequence seq. Returns a
 * malloc'd NUL-terminated string (length in *len), or NULL if ev is not a room event. */
char *bus_codec_encode(const char *server, uint64_t seq, const struct event *ev, size_t *len);

/* Whether buf[0..len) is an event that server encoded (bus_codec_encode puts the
 * version and the server id first): its own events, known without decoding them. */
bool bus_codec_is_from(const char *buf, size_t len, const char *server);

/* Decode buf[0..len) into out. 0, or -1 with the reason in err (out is then cleared). */
int bus_codec_decode(const char *buf, size_t len, struct bus_msg *out, char *err, size_t errsz);
void bus_msg_clear(struct bus_msg *m);

/* Channel and key names: tcpchat:room:<room>, tcpchat:hist:<room> with the room in
 * lower case (room names are case-insensitive); tcpchat:priv for private messages. */
void bus_room_channel(const char *room, char out[BUS_CHANNEL_MAX]);
void bus_hist_key(const char *room, char out[BUS_CHANNEL_MAX]);
/* tcpchat:topic:<room>: the room's last topic event (its JSON), kept for newcomers. */
void bus_topic_key(const char *room, char out[BUS_CHANNEL_MAX]);
#define BUS_TOPIC_PREFIX "tcpchat:topic:"
#define BUS_PRIV_CHANNEL "tcpchat:priv"

/* --- operator actions (tcpchat:oper, doc/PROTOCOL.md §3) ------------------------------
 * An operator action (struct cluster_oper, cluster.h) that reaches every server: published by
 * the server where the operator typed it on the one channel every server of the
 * cluster subscribes to; the server that holds the target (every server, for wall,
 * purge and the bans) applies it. One JSON object:
 *
 *   {"v":1,"server":"host-1234-9f2c","type":"kick","by":"op","target":"bob",
 *    "addr":"","secs":0,"text":"flooding"}
 *
 * Then "room" when it has one (a kick from one room, an IRC KICK): absent otherwise,
 * and read as "" when absent. The fields of each kind are in cluster.h.
 */
#define BUS_OPER_CHANNEL "tcpchat:oper"

/* The wire name of kind ("kick", ...). */
const char *bus_oper_name(enum cluster_oper_kind kind);
/* Encode op (op->server is the sender). A malloc'd NUL-terminated string, length in
 * *len; NULL if a field does not fit. */
char *bus_oper_encode(const struct cluster_oper *op, size_t *len);
/* Decode buf[0..len): every field checked as from a peer (names by the chat's rules,
 * the address's characters, text sanitised again). 0, or -1 with the reason in err. */
int bus_oper_decode(const char *buf, size_t len, struct cluster_oper *out, char *err,
    size_t errsz);

#endif
