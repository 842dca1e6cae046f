/* dialect_proto.c: the client dialect: one TAB-separated record per event
 * (doc/PROTOCOL.md; the record words come from proto.h, shared with the client). */
#include <string.h>

#include "conn.h"
#include "dialect.h"
#include "member.h"
#include "proto.h"
#include "room.h"
#include "tstamp.h"

static void field(struct buf *out, const char *s, size_t n)
{
	buf_putc(out, '\t');
	buf_append(out, s, n);
}

static void stamp(struct buf *out, time_t t)
{
	char ts[TSTAMP_LEN + 1];

	tstamp_format(t, ts);
	field(out, ts, TSTAMP_LEN);
}

static enum proto_type record_of(enum event_type type)
{
	static const enum proto_type map[EV_COUNT] = {
		[EV_MSG] = PROTO_MSG, [EV_JOIN] = PROTO_JOIN, [EV_LEAVE] = PROTO_LEAVE,
		[EV_MOVE_IN] = PROTO_JOIN, [EV_MOVE_OUT] = PROTO_LEAVE,
		[EV_RENAME] = PROTO_RENAME, [EV_PRIV] = PROTO_PRIV, [EV_HIST] = PROTO_HIST,
		[EV_WELCOME] = PROTO_WELCOME, [EV_ROOM] = PROTO_ROOM,
		[EV_MEMBERS] = PROTO_MEMBERS, [EV_NAMEQ] = PROTO_NAMEQ,
		[EV_INFO] = PROTO_INFO, [EV_ERR] = PROTO_ERR, [EV_BYE] = PROTO_BYE,
	};

	return map[type];
}

static void member_fields(const struct room *r, struct buf *out)
{
	const struct member *m;

	ROOM_FOREACH(r, m, it)
		field(out, m->name, m->namelen);
}

static void fields(const struct event *ev, struct buf *out)
{
	switch (ev->type) {
	case EV_MSG:
	case EV_HIST:
		stamp(out, ev->t);
		field(out, ev->name, ev->namelen);
		field(out, ev->text, ev->len);
		break;
	case EV_JOIN:
	case EV_LEAVE:
	case EV_MOVE_IN:
	case EV_MOVE_OUT:
		stamp(out, ev->t);
		field(out, ev->name, ev->namelen);
		if (ev->via != NULL)    /* a room switch: the other room, a third field */
			field(out, ev->via, strlen(ev->via));
		break;
	case EV_RENAME:
	case EV_PRIV:
		stamp(out, ev->t);
		field(out, ev->name, ev->namelen);
		field(out, ev->other, ev->otherlen);
		if (ev->type == EV_PRIV)
			field(out, ev->text, ev->len);
		break;
	case EV_WELCOME:
	case EV_ROOM:
		/* Entering a room: the room, then who is in it (a MEMBERS record). */
		if (ev->type == EV_WELCOME)
			field(out, ev->name, ev->namelen);
		field(out, ev->room->name, strlen(ev->room->name));
		buf_putc(out, '\n');
		buf_append_str(out, proto_type_name(PROTO_MEMBERS));
		member_fields(ev->room, out);
		break;
	case EV_MEMBERS:
		member_fields(ev->room, out);
		break;
	case EV_NAMEQ:
	case EV_INFO:
	case EV_ERR:
	case EV_BYE:
	case EV_COUNT:
		field(out, ev->text, ev->len);
		break;
	}
}

static bool proto_render(const struct event *ev, const struct member *viewer, struct buf *out)
{
	(void)viewer;
	buf_clear(out);
	buf_append_str(out, proto_type_name(record_of(ev->type)));
	fields(ev, out);
	return true;
}

static void proto_put(struct member *m, const char *s, size_t n)
{
	char *p = conn_reserve(m->conn, n + 1);

	memcpy(p, s, n);
	p[n] = '\n';
	conn_commit(m->conn, n + 1);
}

static void proto_deliver(struct member *m, const char *s, size_t n, time_t now)
{
	(void)now;
	proto_put(m, s, n);
}

static void proto_prompt(struct member *m, time_t now)
{
	(void)m, (void)now;
}

static void proto_entered(struct member *m)
{
	(void)m;
}

const struct dialect dialect_proto = {
	.name = "proto",
	.render = proto_render,
	.put = proto_put,
	.deliver = proto_deliver,
	.prompt = proto_prompt,
	.entered = proto_entered,
	.echo_own = true,
};
