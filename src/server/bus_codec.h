/*
 * bus_codec.h: a chat event as it crosses Redis between servers (doc/PROTOCOL.md,
 * "What crosses Redis"): one JSON object per event, with the id of the server that
 * decided it and that server's sequence number, so that a server ignores its own
 * messages and sees the gaps in another's. Pure: no Redis, no sockets.
 *
 *   {"v":1,"server":"host-1234-9f2c","seq":42,"type":"msg","time":1764581400,
 *    "utc":"2025-12-01T09:30:00Z","room":"lobby","name":"alice","other":"","text":"hi"}
 *
 * Decoding checks everything as if it came from a peer: the version, the server id's
 * characters, the type (room events only), the room and the names by the chat's own
 * rules; text is sanitised again (UTF8_MESSAGE).
 *
 * Both ways are on every delivery's path, so neither builds a jansson tree for what
 * servers write: the encoder writes the bytes jansson's compact dump would, the decoder
 * reads flat objects of strings and integers itself and leaves anything else (\u
 * escapes, other keys, other values, anything it would refuse) to jansson, which then
 * decides alike and explains.
 */
#ifndef BUS_CODEC_H
#define BUS_CODEC_H

#include <stdbool.h>
#include <stdint.h>

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

#endif
