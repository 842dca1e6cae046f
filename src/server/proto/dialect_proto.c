/* dialect_proto.c: the client dialect: one TAB-separated record per event
 * (doc/PROTOCOL.md; the record words come from proto.h, shared with the client).
 * Version 1 is one room at a time, times in the server's local time; version 2 puts
 * the room of every room record right after its type word, times in UTC (ISO 8601),
 * lets a member be in several rooms, and has action records (ACTION, HISTACTION,
 * PRIVACTION; version 1 gets an action as a MSG, HIST or PRIV of "* NAME TEXT"). */
#include <string.h>

#include "conn.h"
#include "dialect.h"
#include "session.h"
#include "member.h"
#include "proto.h"
#include "room.h"
#include "tclimits.h"
#include "tstamp.h"

static void field(struct buf *out, const char *s, size_t n)
{
	buf_putc(out, '\t');
	buf_append(out, s, n);
}

static void stamp(struct buf *out, time_t t, bool v2)
{
	char ts[TSTAMP_UTC_LEN + 1];

	if (v2) {
		tstamp_format_utc(t, ts);
		field(out, ts, TSTAMP_UTC_LEN);
	} else {
		tstamp_format(t, ts);
		field(out, ts, TSTAMP_LEN);
	}
}

/* Version 2: the room a record is about, first. */
static void room_field(struct buf *out, const struct room *r, bool v2)
{
	if (v2 && r != NULL)
		field(out, r->name, strlen(r->name));
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
		[EV_ONLINE] = PROTO_ONLINE, [EV_TOPIC] = PROTO_INFO, [EV_OPER] = PROTO_INFO,
	};

	return map[type];
}

/* The names of r's members. A big room's list goes on in MEMBERS+ records, so that
 * no record is longer than the client takes (TC_MEMBERS_RECORD_MAX bytes of names). */
static void member_fields(const struct room *r, struct buf *out, bool v2)
{
	size_t start = buf_len(out);
	const struct member *m;

	ROOM_FOREACH(r, m, it) {
		if (buf_len(out) - start + m->namelen + 1 > TC_MEMBERS_RECORD_MAX) {
			buf_putc(out, '\n');
			start = buf_len(out);
			buf_append_str(out, proto_type_name(PROTO_MEMBERS_MORE));
			room_field(out, r, v2);
		}
		field(out, m->name, m->namelen);
	}
}

/* What is said: the text; an action to version 1, the line "* NAME TEXT". */
static void said_field(struct buf *out, const struct event *ev, bool v2)
{
	if (ev->kind == SAY_ACTION && !v2) {
		buf_putc(out, '\t');
		dialect_action_line(out, ev);
	} else {
		field(out, ev->text, ev->len);
	}
}

static void fields(const struct event *ev, struct buf *out, bool v2)
{
	switch (ev->type) {
	case EV_MSG:
	case EV_HIST:
		room_field(out, ev->room, v2);
		stamp(out, ev->t, v2);
		field(out, ev->name, ev->namelen);
		said_field(out, ev, v2);
		break;
	case EV_JOIN:
	case EV_LEAVE:
	case EV_MOVE_IN:
	case EV_MOVE_OUT:
		room_field(out, ev->room, v2);
		stamp(out, ev->t, v2);
		field(out, ev->name, ev->namelen);
		if (ev->via != NULL)    /* a room switch: the other room, a third field */
			field(out, ev->via, strlen(ev->via));
		else if (v2 && ev->len > 0)
			field(out, "", 0);  /* no other room, but a reason follows */
		if (v2 && ev->len > 0)  /* a leave's or a part's reason (version 2 only) */
			field(out, ev->text, ev->len);
		break;
	case EV_RENAME:
	case EV_PRIV:
		if (ev->type == EV_RENAME)
			room_field(out, ev->room, v2);
		stamp(out, ev->t, v2);
		field(out, ev->name, ev->namelen);
		field(out, ev->other, ev->otherlen);
		if (ev->type == EV_PRIV)
			said_field(out, ev, v2);
		break;
	case EV_WELCOME:
	case EV_ROOM:
		/* Entering a room: the room, then who is in it (a MEMBERS record). */
		if (ev->type == EV_WELCOME)
			field(out, ev->name, ev->namelen);
		field(out, ev->room->name, strlen(ev->room->name));
		buf_putc(out, '\n');
		buf_append_str(out, proto_type_name(PROTO_MEMBERS));
		room_field(out, ev->room, v2);
		member_fields(ev->room, out, v2);
		break;
	case EV_MEMBERS:
		room_field(out, ev->room, v2);
		member_fields(ev->room, out, v2);
		break;
	case EV_NAMEQ:
	case EV_INFO:
	case EV_ERR:
	case EV_BYE:
	case EV_ONLINE:
	case EV_KICK:
	case EV_OPER:
	case EV_COUNT:
		field(out, ev->text, ev->len);
		break;
	case EV_TOPIC: {        /* told as an INFO record: the news */
		char news[ROOM_TOPIC_NEWS_MAX];

		room_topic_news(ev->room, ev->name, ev->namelen, news, sizeof(news));
		field(out, news, strlen(news));
		break;
	}
	}
}

/* The record's word: version 2 tells an action by its own (ACTION for MSG, ...). */
static const char *word(const struct event *ev, bool v2)
{
	enum proto_type type = record_of(ev->type);
	const char *action = proto_action_name(type);

	if (ev->type == EV_OPER && ev->other == NULL)
		return proto_type_name(PROTO_ERR);  /* a refused operator login is an error */
	if (v2 && ev->kind == SAY_ACTION && action != NULL)
		return action;
	return proto_type_name(type);
}

static bool render(const struct event *ev, struct buf *out, bool v2)
{
	buf_clear(out);
	if ((ev->type == EV_ONLINE && !v2) || ev->type == EV_KICK)
		return false;        /* version 2 only; IRC's (the leave that follows says it) */
	buf_append_str(out, word(ev, v2));
	fields(ev, out, v2);
	return true;
}

static bool proto_render(const struct event *ev, const struct member *viewer, struct buf *out)
{
	(void)viewer;
	return render(ev, out, false);
}

static bool proto2_render(const struct event *ev, const struct member *viewer,
    struct buf *out)
{
	(void)viewer;
	return render(ev, out, true);
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
	.resume = session_resume_member,
	.echo_own = true,
};

const struct dialect dialect_proto2 = {
	.name = "proto2",
	.render = proto2_render,
	.put = proto_put,
	.deliver = proto_deliver,
	.prompt = proto_prompt,
	.entered = proto_entered,
	.resume = session_resume_member,
	.echo_own = true,
	.multi_room = true,
	.online = true,
};
