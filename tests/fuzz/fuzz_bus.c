/*
 * fuzz_bus.c: libFuzzer harness over the decoder of events from Redis
 * (bus_codec_decode): another server, a tool, or anyone with access to Redis may put
 * any bytes on a tcpchat channel, and a server must neither crash nor let through what
 * the chat's own rules would refuse.
 *
 * Input: the bytes of one message as a subscriber receives it.
 *
 * Invariants checked, for every message decoded:
 * - a room event type with its wire name; a valid server id; a sequence >= 1; a time
 *   from TC_BUS_TIME_MIN to TC_BUS_TIME_AHEAD seconds from now;
 * - a room that room_check_name() keeps as it is; a name (and, for rename and priv,
 *   an other) that names_check() keeps as it is; no other for the other types;
 * - text within BUS_CODEC_TEXT_MAX that is valid UTF-8 with no control character (it is
 *   sanitised again), and empty unless msg, priv or topic, or a leave's or a part's
 *   reason (a move_out without via) within CHAT_REASON_BYTES, trimmed;
 * - a kind (action, notice) on msg and priv only;
 * - encoding the decoded event again and decoding that gives the same event (its kind
 *   and group number too).
 * The same bytes as an operator action (tcpchat:oper, bus_oper_decode): names kept by
 * names_check() as they are, a room (a kick's only) that room_check_name() keeps, text
 * valid UTF-8 without controls, and encoding the action again then decoding it gives
 * the same action.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus_codec.h"
#include "chat.h"
#include "fuzz_check.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A leave's or a part's reason (the event's text). */
static bool is_reason(const struct bus_msg *m)
{
	return m->ev.type == EV_LEAVE || (m->ev.type == EV_MOVE_OUT && m->ev.via == NULL);
}

static void check_text(const struct bus_msg *m)
{
	const char *t = m->ev.text;

	FUZZ_CHECK(m->ev.len <= BUS_CODEC_TEXT_MAX, "text too long", t, m->ev.len);
	FUZZ_CHECK(strlen(t) == m->ev.len, "text length", t, m->ev.len);
	FUZZ_CHECK(utf8_check(t, m->ev.len) == 0, "text not valid UTF-8", t, m->ev.len);
	for (size_t i = 0; i < m->ev.len; i++)
		FUZZ_CHECK((unsigned char)t[i] >= 0x20 && t[i] != 0x7f, "control in text", t, m->ev.len);
	FUZZ_CHECK(m->ev.len == 0 || m->ev.type == EV_MSG || m->ev.type == EV_PRIV ||
	    m->ev.type == EV_TOPIC || is_reason(m), "text on an event without text", t,
	    m->ev.len);
	if (m->ev.len > 0 && is_reason(m))
		FUZZ_CHECK(m->ev.len < CHAT_REASON_BYTES && t[0] != ' ' && t[m->ev.len - 1] != ' ',
		    "reason too long or not trimmed", t, m->ev.len);
}

static void check_fields(const struct bus_msg *m)
{
	char out[NAME_MAX_BYTES + 1];
	bool two = m->ev.type == EV_RENAME || m->ev.type == EV_PRIV;

	FUZZ_CHECK(bus_type_name(m->ev.type) != NULL, "not a room event", m->name, 0);
	FUZZ_CHECK(bus_server_id_ok(m->server), "server id", m->server, strlen(m->server));
	FUZZ_CHECK(m->seq >= 1, "sequence 0", m->server, 0);
	FUZZ_CHECK(m->ev.t >= TC_BUS_TIME_MIN && m->ev.t <= time(NULL) + TC_BUS_TIME_AHEAD,
	    "time out of range", m->server, 0);
	FUZZ_CHECK(room_check_name(m->room, strlen(m->room), out) == NULL &&
	    strcmp(out, m->room) == 0, "room", m->room, strlen(m->room));
	FUZZ_CHECK(names_check(m->name, strlen(m->name), out) == NULL &&
	    strcmp(out, m->name) == 0, "name", m->name, strlen(m->name));
	FUZZ_CHECK(two == (m->ev.other != NULL), "other present", m->other, strlen(m->other));
	if (two)
		FUZZ_CHECK(names_check(m->other, strlen(m->other), out) == NULL &&
		    strcmp(out, m->other) == 0, "other", m->other, strlen(m->other));
	check_text(m);
	FUZZ_CHECK(m->ev.kind == SAY_MSG || m->ev.type == EV_MSG || m->ev.type == EV_PRIV,
	    "a kind on an event that says nothing", m->name, strlen(m->name));
}

static void check_again(const struct bus_msg *m)
{
	struct room r = { .name = "" };
	struct event ev = m->ev;
	struct bus_msg again;
	char err[128], *s;
	size_t len;

	memcpy(r.name, m->room, sizeof(r.name));
	ev.room = &r;
	s = bus_codec_encode(m->server, m->seq, &ev, &len);
	FUZZ_CHECK(s != NULL, "decoded event does not encode", m->name, strlen(m->name));
	FUZZ_CHECK(bus_codec_decode(s, len, &again, err, sizeof(err)) == 0, "re-decode", s, len);
	FUZZ_CHECK(again.ev.type == m->ev.type && again.seq == m->seq && again.ev.t == m->ev.t &&
	    strcmp(again.room, m->room) == 0 && strcmp(again.name, m->name) == 0 &&
	    strcmp(again.other, m->other) == 0 && strcmp(again.server, m->server) == 0 &&
	    again.ev.len == m->ev.len && memcmp(again.ev.text, m->ev.text, m->ev.len) == 0 &&
	    again.ev.group == m->ev.group && again.ev.kind == m->ev.kind,
	    "round trip changed the event", s, len);
	bus_msg_clear(&again);
	free(s);
}

static void check_oper(const struct cluster_oper *op)
{
	char out[NAME_MAX_BYTES + 1], err[128], *s;
	struct cluster_oper again;
	size_t len, tl = strlen(op->text);

	FUZZ_CHECK(names_check(op->by, strlen(op->by), out) == NULL && strcmp(out, op->by) == 0,
	    "oper: by", op->by, strlen(op->by));
	FUZZ_CHECK(op->target[0] == '\0' || (names_check(op->target, strlen(op->target), out) ==
	    NULL && strcmp(out, op->target) == 0), "oper: target", op->target, strlen(op->target));
	FUZZ_CHECK(op->room[0] == '\0' || (op->kind == CLUSTER_OPER_KICK &&
	    room_check_name(op->room, strlen(op->room), out) == NULL), "oper: room", op->room,
	    strlen(op->room));
	FUZZ_CHECK(utf8_check(op->text, tl) == 0, "oper: text not UTF-8", op->text, tl);
	for (size_t i = 0; i < tl; i++)
		FUZZ_CHECK((unsigned char)op->text[i] >= 0x20 && op->text[i] != 0x7f,
		    "oper: control in text", op->text, tl);
	s = bus_oper_encode(op, &len);
	FUZZ_CHECK(s != NULL, "oper: decoded action does not encode", op->by, strlen(op->by));
	FUZZ_CHECK(bus_oper_decode(s, len, &again, err, sizeof(err)) == 0, "oper: re-decode", s,
	    len);
	FUZZ_CHECK(memcmp(&again, op, sizeof(again)) == 0 || (again.kind == op->kind &&
	    again.secs == op->secs && strcmp(again.server, op->server) == 0 &&
	    strcmp(again.by, op->by) == 0 && strcmp(again.target, op->target) == 0 &&
	    strcmp(again.addr, op->addr) == 0 && strcmp(again.room, op->room) == 0 &&
	    strcmp(again.text, op->text) == 0),
	    "oper: round trip changed the action", s, len);
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bus_msg m;
	struct cluster_oper op;
	char err[160];

	if (bus_oper_decode((const char *)data, size, &op, err, sizeof(err)) == 0)
		check_oper(&op);
	if (bus_codec_decode((const char *)data, size, &m, err, sizeof(err)) != 0)
		return 0;
	check_fields(&m);
	check_again(&m);
	bus_msg_clear(&m);
	return 0;
}
