/* Tests for bus_codec.c: events to JSON and back, and what the decoder refuses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <jansson.h>

#include "bus_codec.h"

static struct room lobby = { .name = "Lobby" };

#define T0 1764581400   /* 2025-12-01 09:30:00 UTC: a time the decoder takes */

static struct bus_msg roundtrip(const struct event *ev)
{
	struct bus_msg m;
	char err[128];
	size_t len;
	char *s = bus_codec_encode("host-1.a:b_c", 7, ev, &len);

	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	if (bus_codec_decode(s, len, &m, err, sizeof(err)) != 0)
		fail_msg("%s: %s", s, err);
	free(s);
	assert_string_equal(m.server, "host-1.a:b_c");
	assert_int_equal(m.seq, 7);
	assert_string_equal(m.room, "Lobby");
	assert_int_equal(m.ev.type, ev->type);
	assert_int_equal(m.ev.t, ev->t);
	assert_null(m.ev.room);
	assert_int_equal(m.ev.namelen, ev->namelen);
	assert_memory_equal(m.ev.name, ev->name, ev->namelen);
	assert_int_equal(m.ev.len, ev->len);
	if (ev->len)
		assert_memory_equal(m.ev.text, ev->text, ev->len);
	return m;
}

static void every_room_event_round_trips(void **state)
{
	struct event ev = { .type = EV_MSG, .t = 1764581400, .room = &lobby, .name = "alice",
	    .namelen = 5, .text = "héllo \xf0\x9f\x98\x80 \"q\" \\", .len = 17 };
	struct bus_msg m;

	(void)state;
	m = roundtrip(&ev);
	assert_null(m.ev.other);
	bus_msg_clear(&m);
	for (enum event_type t = EV_JOIN; t <= EV_MOVE_OUT; t++) {
		struct event e = { .type = t, .t = T0 + 5, .room = &lobby, .name = "bob", .namelen = 3 };

		m = roundtrip(&e);
		assert_string_equal(m.ev.text, "");
		bus_msg_clear(&m);
	}
	ev = (struct event){ .type = EV_RENAME, .t = T0 + 9, .room = &lobby, .name = "bob",
	    .namelen = 3, .other = "robert", .otherlen = 6 };
	m = roundtrip(&ev);
	assert_string_equal(m.ev.other, "robert");
	bus_msg_clear(&m);
	ev = (struct event){ .type = EV_PRIV, .t = T0 + 9, .room = &lobby, .name = "bob",
	    .namelen = 3, .other = "carol", .otherlen = 5, .text = "psst", .len = 4 };
	m = roundtrip(&ev);
	assert_string_equal(m.ev.other, "carol");
	bus_msg_clear(&m);
	ev = (struct event){ .type = EV_TOPIC, .t = T0 + 9, .room = &lobby, .name = "bob",
	    .namelen = 3, .text = "release friday", .len = 14 };
	m = roundtrip(&ev);
	assert_int_equal(m.ev.type, EV_TOPIC);
	bus_msg_clear(&m);
	ev.text = "";          /* cleared */
	ev.len = 0;
	m = roundtrip(&ev);
	bus_msg_clear(&m);
}

/* A room switch carries the other room ("via"); nothing else may. */
static void moves_carry_the_other_room(void **state)
{
	struct event ev = { .type = EV_MOVE_OUT, .t = T0 + 5, .room = &lobby, .name = "bob",
	    .namelen = 3, .via = "side" };
	struct bus_msg m = roundtrip(&ev);
	const char *bad = "{\"v\":1,\"server\":\"s\",\"seq\":1,\"type\":\"msg\",\"time\":1764581401,"
	    "\"room\":\"lobby\",\"name\":\"a\",\"other\":\"\",\"text\":\"x\",\"via\":\"side\"}";
	char err[128];

	(void)state;
	assert_string_equal(m.via, "side");
	bus_msg_clear(&m);
	ev.type = EV_JOIN;
	ev.via = NULL;
	m = roundtrip(&ev);
	assert_string_equal(m.via, "");
	bus_msg_clear(&m);
	assert_int_equal(bus_codec_decode(bad, strlen(bad), &m, err, sizeof(err)), -1);
}

static void the_wire_format(void **state)
{
	struct event ev = { .type = EV_MSG, .t = 1764581400, .room = &lobby, .name = "alice",
	    .namelen = 5, .text = "hi", .len = 2 };
	size_t len;
	char *s = bus_codec_encode("srv", 42, &ev, &len);

	(void)state;
	assert_string_equal(s, "{\"v\":1,\"server\":\"srv\",\"seq\":42,\"type\":\"msg\","
	    "\"time\":1764581400,\"utc\":\"2025-12-01T09:30:00Z\",\"room\":\"Lobby\","
	    "\"name\":\"alice\",\"other\":\"\",\"text\":\"hi\"}");
	free(s);
	ev.type = EV_INFO;
	assert_null(bus_codec_encode("srv", 1, &ev, &len));
	ev.type = EV_MSG;
	ev.room = NULL;
	assert_null(bus_codec_encode("srv", 1, &ev, &len));
}

static int decode(const char *json, char *err, size_t errsz)
{
	struct bus_msg m;
	int rc = bus_codec_decode(json, strlen(json), &m, err, errsz);

	bus_msg_clear(&m);
	return rc;
}

#define HEAD "{\"v\":1,\"server\":\"s1\",\"seq\":1,\"time\":1764581410,"
static void refused(const char *json, const char *why)
{
	char err[160];

	if (decode(json, err, sizeof(err)) != -1)
		fail_msg("accepted: %s", json);
	if (why != NULL && strstr(err, why) == NULL)
		fail_msg("%s: refused for \"%s\", not \"%s\"", json, err, why);
}

/* An event's time is another server's clock: one before 2000, or more than a day ahead
 * of this server's (2^40 printed as [0000-00-00 00:00:00]), is refused; the edges and a
 * clock a little ahead are taken. */
static void times_out_of_range_are_refused(void **state)
{
	long long now = (long long)time(NULL);
	const long long bad[] = { 0, TC_BUS_TIME_MIN - 1, now + TC_BUS_TIME_AHEAD + 60,
	    1LL << 40 };
	const long long good[] = { TC_BUS_TIME_MIN, now, now + TC_BUS_TIME_AHEAD - 60 };
	char json[256], err[160];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(json, sizeof(json), "{\"v\":1,\"server\":\"s\",\"seq\":1,\"time\":%lld,"
		    "\"type\":\"msg\",\"room\":\"a\",\"name\":\"b\",\"text\":\"x\"}", bad[i]);
		refused(json, "time");
	}
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		snprintf(json, sizeof(json), "{\"v\":1,\"server\":\"s\",\"seq\":1,\"time\":%lld,"
		    "\"type\":\"msg\",\"room\":\"a\",\"name\":\"b\",\"text\":\"x\"}", good[i]);
		if (decode(json, err, sizeof(err)) != 0)
			fail_msg("refused: %s: %s", json, err);
	}
}

static void what_is_refused(void **state)
{
	char err[160];

	(void)state;
	assert_int_equal(decode(HEAD "\"type\":\"join\",\"room\":\"a\",\"name\":\"bob\"}",
	    err, sizeof(err)), 0);
	refused("[]", "object");
	refused("{", NULL);
	refused("", NULL);
	refused("{\"v\":2,\"server\":\"s1\",\"seq\":1,\"time\":1764581401,\"type\":\"join\","
	    "\"room\":\"a\",\"name\":\"b\"}", "v:");
	refused("{\"v\":1,\"server\":\"s 1\",\"seq\":1,\"time\":1764581401,\"type\":\"join\","
	    "\"room\":\"a\",\"name\":\"b\"}", "server");
	refused("{\"v\":1,\"server\":\"\",\"seq\":1,\"time\":1764581401,\"type\":\"join\","
	    "\"room\":\"a\",\"name\":\"b\"}", "server");
	refused("{\"v\":1,\"server\":\"s\",\"seq\":0,\"time\":1764581401,\"type\":\"join\","
	    "\"room\":\"a\",\"name\":\"b\"}", "seq");
	refused("{\"v\":1,\"server\":\"s\",\"seq\":1,\"time\":-1,\"type\":\"join\","
	    "\"room\":\"a\",\"name\":\"b\"}", "time");
	refused("{\"v\":1,\"server\":\"s\",\"seq\":\"1\",\"time\":1764581401,\"type\":\"join\","
	    "\"room\":\"a\",\"name\":\"b\"}", "seq");
	refused(HEAD "\"type\":\"info\",\"room\":\"a\",\"name\":\"bob\"}", "type");
	refused(HEAD "\"type\":\"join\",\"room\":\"#a\",\"name\":\"bob\"}", "room");
	refused(HEAD "\"type\":\"join\",\"room\":\"a b\",\"name\":\"bob\"}", "room");
	refused(HEAD "\"type\":\"join\",\"name\":\"bob\"}", "room");
	refused(HEAD "\"type\":\"join\",\"room\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
	    "\"name\":\"bob\"}", "room");
	refused(HEAD "\"type\":\"join\",\"room\":\"a\",\"name\":\"\"}", "name");
	refused(HEAD "\"type\":\"join\",\"room\":\"a\",\"name\":\" bob\"}", "name");
	refused(HEAD "\"type\":\"join\",\"room\":\"a\",\"name\":\"b\\u0007\"}", "name");
	refused(HEAD "\"type\":\"join\",\"room\":\"a\",\"name\":7}", "name");
	refused(HEAD "\"type\":\"join\",\"room\":\"a\",\"name\":\"bob\",\"other\":\"x\"}", "other");
	refused(HEAD "\"type\":\"rename\",\"room\":\"a\",\"name\":\"bob\"}", "other");
	refused(HEAD "\"type\":\"join\",\"room\":\"a\",\"name\":\"bob\",\"text\":\"x\"}", "text");
	refused(HEAD "\"type\":\"msg\",\"room\":\"a\",\"name\":\"bob\",\"text\":\"a\\u0000b\"}", NULL);
	refused(HEAD "\"type\":\"msg\",\"room\":\"a\",\"name\":\"bob\",\"type\":\"msg\"}", NULL);
	refused(HEAD "\"type\":\"msg\",\"room\":\"a\",\"name\":\"bob\",\"text\":\"\xff\"}", NULL);
}

static void text_is_sanitised_again(void **state)
{
	const char *json = HEAD "\"type\":\"msg\",\"room\":\"a\",\"name\":\"bob\","
	    "\"text\":\"a\\u001b[2Jb\\tc\"}";
	struct bus_msg m;
	char err[128];

	(void)state;
	assert_int_equal(bus_codec_decode(json, strlen(json), &m, err, sizeof(err)), 0);
	assert_string_equal(m.ev.text, "a[2Jb c");
	bus_msg_clear(&m);
}

static void too_long_is_refused(void **state)
{
	size_t n = BUS_CODEC_TEXT_MAX + 10;
	char *json = malloc(n + 200), err[128];
	struct bus_msg m;
	int off = snprintf(json, 200, HEAD "\"type\":\"msg\",\"room\":\"a\",\"name\":\"b\",\"text\":\"");

	(void)state;
	memset(json + off, 'x', n);
	strcpy(json + off + n, "\"}");
	assert_int_equal(bus_codec_decode(json, strlen(json), &m, err, sizeof(err)), -1);
	free(json);
}

/* The encoder writes by hand what jansson's compact dump writes: parsed and dumped
 * again by jansson, every event is the same bytes. */
static void the_encoder_writes_what_jansson_dumps(void **state)
{
	static const char *const texts[] = {
		"", "hi", "a\"b\\c/d", "tab\there\nnl\rcr\bbs\ffeed\x01\x1f\x7f",
		"h\xc3\xa9llo \xf0\x9f\x98\x80 \xe2\x80\xa8",
	};
	struct event ev = { .type = EV_MSG, .t = 1764581400, .room = &lobby, .name = "alice",
	    .namelen = 5 };

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		size_t len;
		char *s, *again;
		json_t *o;

		ev.text = texts[i];
		ev.len = strlen(texts[i]);
		ev.via = i % 2 ? "side" : NULL;
		ev.type = i % 2 ? EV_MOVE_IN : EV_MSG;
		ev.kind = ev.type == EV_MSG ? (enum say_kind)(i % 3) : SAY_MSG;
		ev.group = i % 3 == 0 ? 0 : i == 1 ? 9223372036854775807ul : 7 * i;
		s = bus_codec_encode("host-1.a:b_c", 9223372036854775807ull - i, &ev, &len);
		assert_non_null(s);
		o = json_loadb(s, len, 0, NULL);
		assert_non_null(o);
		again = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		assert_string_equal(s, again);
		free(again);
		json_decref(o);
		free(s);
	}
	ev.text = "bad \xff";
	ev.len = 5;
	assert_null(bus_codec_encode("srv", 1, &ev, &(size_t){ 0 }));
}

/* The events of one action carry the sender's group number; ungrouped ones (and the
 * events of servers that know no groups) have none. */
static void groups_cross_when_set(void **state)
{
	struct event ev = { .type = EV_LEAVE, .t = T0 + 5, .room = &lobby, .name = "bob",
	    .namelen = 3, .group = 42 };
	struct bus_msg m;
	char err[160];
	size_t len;
	char *s;

	(void)state;
	m = roundtrip(&ev);
	assert_int_equal(m.ev.group, 42);
	bus_msg_clear(&m);
	ev.group = 0;
	m = roundtrip(&ev);
	assert_int_equal(m.ev.group, 0);
	bus_msg_clear(&m);
	ev = (struct event){ .type = EV_RENAME, .t = T0 + 9, .room = &lobby, .name = "bob",
	    .namelen = 3, .other = "robert", .otherlen = 6, .group = 3 };
	s = bus_codec_encode("srv", 4, &ev, &len);
	assert_string_equal(s, "{\"v\":1,\"server\":\"srv\",\"seq\":4,\"type\":\"rename\","
	    "\"time\":1764581409,\"utc\":\"2025-12-01T09:30:09Z\",\"room\":\"Lobby\","
	    "\"name\":\"bob\",\"other\":\"robert\",\"text\":\"\",\"group\":3}");
	free(s);
	assert_int_equal(bus_codec_decode(HEAD "\"type\":\"leave\",\"room\":\"a\","
	    "\"name\":\"b\",\"group\":9223372036854775807}",
	    strlen(HEAD "\"type\":\"leave\",\"room\":\"a\",\"name\":\"b\","
	    "\"group\":9223372036854775807}"), &m, err, sizeof(err)), 0);
	assert_true(m.ev.group == 9223372036854775807ul || sizeof(long) < 8);
	bus_msg_clear(&m);
	refused(HEAD "\"type\":\"leave\",\"room\":\"a\",\"name\":\"b\",\"group\":0}", "group");
	refused(HEAD "\"type\":\"leave\",\"room\":\"a\",\"name\":\"b\",\"group\":-1}", "group");
	refused(HEAD "\"type\":\"leave\",\"room\":\"a\",\"name\":\"b\",\"group\":\"1\"}",
	    "group");
	refused(HEAD "\"type\":\"leave\",\"room\":\"a\",\"name\":\"b\",\"group\":1.5}", "group");
	refused(HEAD "\"type\":\"leave\",\"room\":\"a\",\"name\":\"b\",\"group\":null}", "group");
}

/* Issue 20 point 3: what a msg or priv says crosses Redis: "kind":"action" (or
 * "notice"), absent for a plain message; nothing else carries one. */
static void kinds_cross(void **state)
{
	struct event ev = { .type = EV_MSG, .t = T0 + 9, .room = &lobby, .name = "bob",
	    .namelen = 3, .text = "waves", .len = 5, .kind = SAY_ACTION };
	struct bus_msg m;
	size_t len;
	char *s;

	(void)state;
	s = bus_codec_encode("srv", 4, &ev, &len);
	assert_string_equal(s, "{\"v\":1,\"server\":\"srv\",\"seq\":4,\"type\":\"msg\","
	    "\"time\":1764581409,\"utc\":\"2025-12-01T09:30:09Z\",\"room\":\"Lobby\","
	    "\"name\":\"bob\",\"other\":\"\",\"text\":\"waves\",\"kind\":\"action\"}");
	free(s);
	m = roundtrip(&ev);
	assert_int_equal(m.ev.kind, SAY_ACTION);
	bus_msg_clear(&m);
	ev = (struct event){ .type = EV_PRIV, .t = T0 + 9, .room = &lobby, .name = "bob",
	    .namelen = 3, .other = "carol", .otherlen = 5, .text = "winks", .len = 5,
	    .kind = SAY_ACTION };
	m = roundtrip(&ev);
	assert_int_equal(m.ev.kind, SAY_ACTION);
	bus_msg_clear(&m);
	ev.kind = SAY_NOTICE;
	m = roundtrip(&ev);
	assert_int_equal(m.ev.kind, SAY_NOTICE);
	bus_msg_clear(&m);
	ev.kind = SAY_MSG;
	s = bus_codec_encode("srv", 4, &ev, &len);
	assert_null(strstr(s, "kind"));
	free(s);
	m = roundtrip(&ev);
	assert_int_equal(m.ev.kind, SAY_MSG);
	bus_msg_clear(&m);
	refused(HEAD "\"type\":\"msg\",\"room\":\"a\",\"name\":\"b\",\"text\":\"x\","
	    "\"kind\":\"shout\"}", "kind");
	refused(HEAD "\"type\":\"msg\",\"room\":\"a\",\"name\":\"b\",\"text\":\"x\","
	    "\"kind\":1}", "kind");
	refused(HEAD "\"type\":\"join\",\"room\":\"a\",\"name\":\"b\",\"kind\":\"action\"}",
	    "kind");
}

/* What other writers may send (spaces, escapes, keys of their own, in any order) is
 * read as jansson reads it; what servers write is read without it, alike. */
static void any_json_is_read_alike(void **state)
{
	static const char *const same[] = {
		HEAD "\"type\":\"msg\",\"room\":\"Lobby\",\"name\":\"bob\",\"text\":\"x/y\"}",
		" { \"text\" : \"x\\/y\" ,\"name\":\"b\\u006fb\",\"room\":\"Lobby\",\t\n"
		    "\"type\":\"msg\",\"time\":1764581410,\"seq\":1,\"server\":\"s1\",\"v\":1} \r\n",
		HEAD "\"type\":\"msg\",\"room\":\"Lobby\",\"name\":\"bob\",\"text\":\"x/y\","
		    "\"utc\":null,\"extra\":[1,{\"a\":2.5}]}",
	};
	struct bus_msg m;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		if (bus_codec_decode(same[i], strlen(same[i]), &m, err, sizeof(err)) != 0)
			fail_msg("%s: %s", same[i], err);
		assert_string_equal(m.server, "s1");
		assert_int_equal(m.seq, 1);
		assert_int_equal(m.ev.t, T0 + 10);
		assert_string_equal(m.name, "bob");
		assert_string_equal(m.ev.text, "x/y");
		bus_msg_clear(&m);
	}
	refused(HEAD "\"type\":\"msg\",\"room\":\"a\",\"name\":\"bob\",\"name\":\"bob\"}", NULL);
	refused("{\"v\":1,\"server\":\"s1\",\"seq\":01,\"time\":1764581410,\"type\":\"join\","
	    "\"room\":\"a\",\"name\":\"b\"}", NULL);
	refused("{\"v\":1,\"server\":\"s1\",\"seq\":1.0,\"time\":1764581410,\"type\":\"join\","
	    "\"room\":\"a\",\"name\":\"b\"}", "seq");
	refused("{\"v\":1,\"server\":\"s1\",\"seq\":1e3,\"time\":1764581410,\"type\":\"join\","
	    "\"room\":\"a\",\"name\":\"b\"}", "seq");
	refused(HEAD "\"type\":\"join\",\"room\":\"a\",\"name\":\"b\"} x", NULL);
	refused(HEAD "\"type\":\"join\",\"room\":\"a\",\"name\":\"b\",}", NULL);
	refused(HEAD "\"type\":\"join\",\"room\":\"a\",\"name\":\"b\tc\"}", NULL);
	refused(HEAD "\"type\":\"join\",\"room\":\"a\",\"name\":\"b\\x\"}", NULL);
}

/* A server knows its own events by their first bytes, without decoding them. */
static void own_events_are_known_by_their_head(void **state)
{
	struct event ev = { .type = EV_JOIN, .t = T0 + 5, .room = &lobby, .name = "bob",
	    .namelen = 3 };
	size_t len;
	char *s = bus_codec_encode("web1-42", 3, &ev, &len);

	(void)state;
	assert_true(bus_codec_is_from(s, len, "web1-42"));
	assert_false(bus_codec_is_from(s, len, "web1-4"));
	assert_false(bus_codec_is_from(s, len, "web1-421"));
	assert_false(bus_codec_is_from(s, 10, "web1-42"));
	free(s);
}

static void names_of_channels(void **state)
{
	char ch[BUS_CHANNEL_MAX];

	(void)state;
	bus_room_channel("Lobby.Two", ch);
	assert_string_equal(ch, "tcpchat:room:lobby.two");
	bus_hist_key("ABC", ch);
	assert_string_equal(ch, "tcpchat:hist:abc");
	bus_topic_key("ABC", ch);
	assert_string_equal(ch, "tcpchat:topic:abc");
	assert_string_equal(bus_type_name(EV_TOPIC), "topic");
	assert_true(bus_server_id_ok("a-b.c:d_9"));
	assert_false(bus_server_id_ok("a b"));
	assert_false(bus_server_id_ok(""));
	assert_string_equal(bus_type_name(EV_MOVE_OUT), "move_out");
	assert_null(bus_type_name(EV_BYE));
}

static struct cluster_oper oper_roundtrip(const struct cluster_oper *op)
{
	struct cluster_oper out;
	char err[128];
	size_t len;
	char *s = bus_oper_encode(op, &len);

	assert_non_null(s);
	assert_int_equal(strlen(s), len);
	if (bus_oper_decode(s, len, &out, err, sizeof(err)) != 0)
		fail_msg("%s: %s", s, err);
	free(s);
	assert_string_equal(out.server, op->server);
	assert_int_equal(out.kind, op->kind);
	assert_string_equal(out.by, op->by);
	assert_string_equal(out.target, op->target);
	assert_string_equal(out.addr, op->addr);
	assert_string_equal(out.room, op->room);
	assert_int_equal(out.secs, op->secs);
	assert_string_equal(out.text, op->text);
	return out;
}

static void operator_actions_round_trip(void **state)
{
	struct cluster_oper op = { .server = "s-1", .kind = CLUSTER_OPER_KICK, .by = "op",
	    .target = "bob smith", .text = "flood \"q\" é" };
	char *s;
	size_t len;

	(void)state;
	oper_roundtrip(&op);
	op = (struct cluster_oper){ .server = "s-1", .kind = CLUSTER_OPER_MUTE, .by = "op",
	    .target = "bob", .secs = 300 };
	oper_roundtrip(&op);
	op.kind = CLUSTER_OPER_UNMUTE, op.secs = 0;
	oper_roundtrip(&op);
	op = (struct cluster_oper){ .server = "s-1", .kind = CLUSTER_OPER_BAN, .by = "op",
	    .target = "bob", .secs = 60, .text = "spam" };
	oper_roundtrip(&op);
	op = (struct cluster_oper){ .server = "s-1", .kind = CLUSTER_OPER_BANADDR, .by = "op",
	    .addr = "2001:db8:1:2::/64", .secs = 1764581400, .text = "spam" };
	oper_roundtrip(&op);
	op.kind = CLUSTER_OPER_UNBAN, op.secs = 0, op.text[0] = '\0';
	oper_roundtrip(&op);
	op = (struct cluster_oper){ .server = "s-1", .kind = CLUSTER_OPER_PURGE, .by = "op",
	    .target = "bob" };
	oper_roundtrip(&op);
	op = (struct cluster_oper){ .server = "s-1", .kind = CLUSTER_OPER_WALL, .by = "op",
	    .text = "maintenance at noon" };
	oper_roundtrip(&op);
	s = bus_oper_encode(&op, &len);
	assert_string_equal(s, "{\"v\":1,\"server\":\"s-1\",\"type\":\"wall\",\"by\":\"op\","
	    "\"target\":\"\",\"addr\":\"\",\"secs\":0,\"text\":\"maintenance at noon\"}");
	free(s);
	assert_string_equal(bus_oper_name(CLUSTER_OPER_BANADDR), "banaddr");
}

/* A kick from one room (an IRC KICK) carries it; a message without "room" (from a
 * server that knows none) is a kick out of the chat. */
static void operator_kick_carries_its_room(void **state)
{
	struct cluster_oper op = { .server = "s-1", .kind = CLUSTER_OPER_KICK, .by = "op",
	    .target = "bob", .room = "dev", .text = "off topic" };
	static const char *const bad[] = {
		"{\"v\":1,\"server\":\"s-1\",\"type\":\"mute\",\"by\":\"op\",\"target\":\"bob\","
		"\"addr\":\"\",\"secs\":0,\"text\":\"\",\"room\":\"dev\"}",
		"{\"v\":1,\"server\":\"s-1\",\"type\":\"kick\",\"by\":\"op\",\"target\":\"bob\","
		"\"addr\":\"\",\"secs\":0,\"text\":\"\",\"room\":\"#dev\"}",
		"{\"v\":1,\"server\":\"s-1\",\"type\":\"kick\",\"by\":\"op\",\"target\":\"bob\","
		"\"addr\":\"\",\"secs\":0,\"text\":\"\",\"room\":\"\"}",
		"{\"v\":1,\"server\":\"s-1\",\"type\":\"kick\",\"by\":\"op\",\"target\":\"bob\","
		"\"addr\":\"\",\"secs\":0,\"text\":\"\",\"room\":7}",
	};
	const char *old = "{\"v\":1,\"server\":\"s-1\",\"type\":\"kick\",\"by\":\"op\","
	    "\"target\":\"bob\",\"addr\":\"\",\"secs\":0,\"text\":\"x\"}";
	struct cluster_oper out;
	char err[128], *s;
	size_t len;

	(void)state;
	oper_roundtrip(&op);
	s = bus_oper_encode(&op, &len);
	assert_string_equal(s, "{\"v\":1,\"server\":\"s-1\",\"type\":\"kick\",\"by\":\"op\","
	    "\"target\":\"bob\",\"addr\":\"\",\"secs\":0,\"text\":\"off topic\",\"room\":\"dev\"}");
	free(s);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (bus_oper_decode(bad[i], strlen(bad[i]), &out, err, sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i]);
	assert_int_equal(bus_oper_decode(old, strlen(old), &out, err, sizeof(err)), 0);
	assert_string_equal(out.room, "");
}

#define OHEAD "{\"v\":1,\"server\":\"s-1\","

static void operator_actions_refused(void **state)
{
	static const char *const bad[] = {
		OHEAD "\"type\":\"nuke\",\"by\":\"op\",\"target\":\"bob\",\"addr\":\"\",\"secs\":0,\"text\":\"\"}",
		OHEAD "\"type\":\"kick\",\"by\":\"\",\"target\":\"bob\",\"addr\":\"\",\"secs\":0,\"text\":\"\"}",
		OHEAD "\"type\":\"kick\",\"by\":\"op\",\"target\":\"\",\"addr\":\"\",\"secs\":0,\"text\":\"\"}",
		OHEAD "\"type\":\"kick\",\"by\":\"op\",\"target\":\"b\\nc\",\"addr\":\"\",\"secs\":0,\"text\":\"\"}",
		OHEAD "\"type\":\"wall\",\"by\":\"op\",\"target\":\"bob\",\"addr\":\"\",\"secs\":0,\"text\":\"x\"}",
		OHEAD "\"type\":\"banaddr\",\"by\":\"op\",\"target\":\"\",\"addr\":\"1.2.3.4 x\",\"secs\":0,\"text\":\"\"}",
		OHEAD "\"type\":\"banaddr\",\"by\":\"op\",\"target\":\"\",\"addr\":\"\",\"secs\":0,\"text\":\"\"}",
		OHEAD "\"type\":\"mute\",\"by\":\"op\",\"target\":\"bob\",\"addr\":\"\",\"secs\":-1,\"text\":\"\"}",
		"{\"v\":2,\"server\":\"s-1\",\"type\":\"wall\",\"by\":\"op\",\"target\":\"\",\"addr\":\"\",\"secs\":0,\"text\":\"x\"}",
		"{\"v\":1,\"server\":\"s 1\",\"type\":\"wall\",\"by\":\"op\",\"target\":\"\",\"addr\":\"\",\"secs\":0,\"text\":\"x\"}",
		"[]",
	};
	const char *json = OHEAD "\"type\":\"wall\",\"by\":\"op\",\"target\":\"\",\"addr\":\"\","
	    "\"secs\":0,\"text\":\"a\\u001b[2Jb\"}";
	struct cluster_oper op;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (bus_oper_decode(bad[i], strlen(bad[i]), &op, err, sizeof(err)) != -1)
			fail_msg("accepted: %s", bad[i]);
	assert_int_equal(bus_oper_decode(json, strlen(json), &op, err, sizeof(err)), 0);
	assert_string_equal(op.text, "a[2Jb");
}

/* Issue 20: a leave's or a part's reason crosses as "reason" ("text" stays empty, so a
 * server that knows no reasons still takes the leave), and is sanitised again. */
static void reasons_cross_with_leaves_and_parts(void **state)
{
	struct event ev = { .type = EV_LEAVE, .t = T0 + 5, .room = &lobby, .name = "bob",
	    .namelen = 3, .text = "Quit: gone \"fishing\"", .len = 20, .group = 8 };
	static const char leave[] = HEAD "\"type\":\"leave\",\"room\":\"a\",\"name\":\"b\","
	    "\"reason\":\" \\u001b[31mred\\u0001 alert\\u0007\"}";
	struct bus_msg m;
	char err[160];
	size_t len;
	char *s;

	(void)state;
	s = bus_codec_encode("srv", 4, &ev, &len);
	assert_string_equal(s, "{\"v\":1,\"server\":\"srv\",\"seq\":4,\"type\":\"leave\","
	    "\"time\":1764581405,\"utc\":\"2025-12-01T09:30:05Z\",\"room\":\"Lobby\","
	    "\"name\":\"bob\",\"other\":\"\",\"text\":\"\",\"group\":8,"
	    "\"reason\":\"Quit: gone \\\"fishing\\\"\"}");
	free(s);
	m = roundtrip(&ev);
	assert_string_equal(m.ev.text, "Quit: gone \"fishing\"");
	assert_int_equal(m.ev.group, 8);
	bus_msg_clear(&m);
	ev = (struct event){ .type = EV_MOVE_OUT, .t = T0 + 5, .room = &lobby, .name = "bob",
	    .namelen = 3, .text = "see you", .len = 7 };     /* a part: no via */
	m = roundtrip(&ev);
	assert_null(m.ev.via);
	assert_string_equal(m.ev.text, "see you");
	bus_msg_clear(&m);
	assert_int_equal(bus_codec_decode(leave, strlen(leave), &m, err, sizeof(err)), 0);
	assert_string_equal(m.ev.text, "[31mred alert");
	assert_int_equal(m.ev.len, 13);
	bus_msg_clear(&m);
	refused(HEAD "\"type\":\"join\",\"room\":\"a\",\"name\":\"b\",\"reason\":\"x\"}",
	    "reason");
	refused(HEAD "\"type\":\"msg\",\"room\":\"a\",\"name\":\"b\",\"text\":\"hi\","
	    "\"reason\":\"x\"}", "reason");
	refused(HEAD "\"type\":\"move_out\",\"room\":\"a\",\"name\":\"b\",\"via\":\"c\","
	    "\"reason\":\"x\"}", "reason");
	refused(HEAD "\"type\":\"leave\",\"room\":\"a\",\"name\":\"b\",\"reason\":7}",
	    "reason");
	refused(HEAD "\"type\":\"leave\",\"room\":\"a\",\"name\":\"b\",\"reason\":\"a\\u0000b\"}",
	    NULL);                  /* jansson refuses the NUL */
	refused(HEAD "\"type\":\"leave\",\"room\":\"a\",\"name\":\"b\",\"text\":\"x\"}",
	    "text");                /* a reason is not text */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_room_event_round_trips),
		cmocka_unit_test(the_wire_format),
		cmocka_unit_test(moves_carry_the_other_room),
		cmocka_unit_test(what_is_refused),
		cmocka_unit_test(times_out_of_range_are_refused),
		cmocka_unit_test(text_is_sanitised_again),
		cmocka_unit_test(too_long_is_refused),
		cmocka_unit_test(names_of_channels),
		cmocka_unit_test(operator_actions_round_trip),
		cmocka_unit_test(operator_actions_refused),
		cmocka_unit_test(operator_kick_carries_its_room),
		cmocka_unit_test(the_encoder_writes_what_jansson_dumps),
		cmocka_unit_test(groups_cross_when_set),
		cmocka_unit_test(kinds_cross),
		cmocka_unit_test(reasons_cross_with_leaves_and_parts),
		cmocka_unit_test(any_json_is_read_alike),
		cmocka_unit_test(own_events_are_known_by_their_head),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
