/* dialect_nc.c: the classic nc dialect: every line an nc user sees after the banner,
 * and the "[time][name]:" prompt repainted after each one (doc/PROTOCOL.md). All
 * prompt state lives here (member->prompt_shown, and the connection's tail: a prompt
 * still queued is taken back when a line follows it, so lines reaching a receiver in
 * one loop pass share one repaint). */
#include <stdio.h>
#include <string.h>

#include "conn.h"
#include "dialect.h"
#include "session.h"
#include "member.h"
#include "names.h"
#include "proto.h"
#include "room.h"
#include "tstamp.h"

#define PROMPT_MAX (TSTAMP_LEN + NAME_MAX_BYTES + 5)

/* "[ts][name]:text" */
static void stamp_line(struct buf *out, time_t t, const char *who, size_t wl,
    const char *mid, const char *tail, const char *text, size_t len)
{
	char ts[TSTAMP_LEN + 1];

	tstamp_format(t, ts);
	buf_putc(out, '[');
	buf_append(out, ts, TSTAMP_LEN);
	buf_append_str(out, mid);
	buf_append(out, who, wl);
	buf_append_str(out, tail);
	buf_append(out, text, len);
}

static void members(const struct event *ev, const struct member *viewer, struct buf *out)
{
	const struct room *r = ev->room;
	const struct member *m;
	char head[96];

	snprintf(head, sizeof(head), "%zu in %s:", r->nmembers, r->name);
	buf_append_str(out, head);
	ROOM_FOREACH(r, m, it) {
		buf_append(out, "\n  ", 3);
		buf_append(out, m->name, m->namelen);
		if (m == viewer)
			buf_append_str(out, " (you)");
	}
}

/* A private message: "[ts][from][private]:text", to its sender "[ts][to NAME][private]:text";
 * a private action: "[private] * from does", to its sender "[to NAME][private] * from does". */
static void private_line(const struct event *ev, const struct member *viewer, struct buf *out)
{
	bool sent = names_equal(viewer->name, ev->name);

	if (ev->kind == SAY_ACTION) {
		if (sent) {
			buf_append_str(out, "[to ");
			buf_append(out, ev->other, ev->otherlen);
			buf_putc(out, ']');
		}
		buf_append_str(out, "[private] ");
		dialect_action_line(out, ev);
	} else if (sent) {
		stamp_line(out, ev->t, ev->other, ev->otherlen, "][to ", "][private]:", ev->text,
		    ev->len);
	} else {
		stamp_line(out, ev->t, ev->name, ev->namelen, "][", "][private]:", ev->text,
		    ev->len);
	}
}

static void topic_news(const struct event *ev, struct buf *out)
{
	char news[ROOM_TOPIC_NEWS_MAX];

	room_topic_news(ev->room, ev->name, ev->namelen, news, sizeof(news));
	buf_append_str(out, news);
}

/* " (reason)" after a leave or a part that gave one; nothing otherwise (the classic line). */
static void reason(const struct event *ev, struct buf *out)
{
	if (ev->len == 0)
		return;
	buf_append(out, " (", 2);
	buf_append(out, ev->text, ev->len);
	buf_putc(out, ')');
}

static bool nc_render(const struct event *ev, const struct member *viewer, struct buf *out)
{
	char line[96];

	buf_clear(out);
	switch (ev->type) {
	case EV_MSG:
	case EV_HIST:
		if (ev->kind == SAY_ACTION)     /* "* alice waves", without a time */
			dialect_action_line(out, ev);
		else
			stamp_line(out, ev->t, ev->name, ev->namelen, "][", "]:", ev->text, ev->len);
		return true;
	case EV_JOIN:
	case EV_LEAVE:
		buf_append(out, ev->name, ev->namelen);
		buf_append_str(out, ev->type == EV_JOIN ? PROTO_NC_JOINED : PROTO_NC_LEFT);
		reason(ev, out);
		return true;
	case EV_MOVE_IN:
	case EV_MOVE_OUT:
		buf_append(out, ev->name, ev->namelen);
		if (ev->via == NULL) {  /* a member of several rooms took or left this one */
			buf_append_str(out, ev->type == EV_MOVE_IN ? PROTO_NC_ENTERED :
			    PROTO_NC_PARTED);
			buf_append_str(out, ev->room->name);
			reason(ev, out);
			return true;
		}
		buf_append_str(out, ev->type == EV_MOVE_IN ? PROTO_NC_CAME_FROM : PROTO_NC_WENT_TO);
		buf_append_str(out, ev->via);
		return true;
	case EV_RENAME:
		buf_append(out, ev->name, ev->namelen);
		buf_append_str(out, " is now known as ");
		buf_append(out, ev->other, ev->otherlen);
		return true;
	case EV_PRIV:
		private_line(ev, viewer, out);
		return true;
	case EV_ROOM:
		snprintf(line, sizeof(line), "You are now in room %s (%zu here).",
		    ev->room->name, ev->room->nmembers);
		buf_append_str(out, line);
		return true;
	case EV_MEMBERS:
		members(ev, viewer, out);
		return true;
	case EV_NAMEQ:
	case EV_INFO:
	case EV_ERR:
	case EV_BYE:
		buf_append(out, ev->text, ev->len);
		return true;
	case EV_TOPIC:
		topic_news(ev, out);
		return true;
	case EV_OPER:
		buf_append(out, ev->text, ev->len);
		return true;
	case EV_WELCOME:
	case EV_ONLINE:
	case EV_KICK:           /* IRC's: the leave or move-out that follows says it */
	case EV_COUNT:
		break;
	}
	return false;
}

/* A prompt still queued is dropped when a line follows it: the line takes its place
 * and a fresh prompt comes after. It always starts a line, so no newline is needed
 * before what replaces it. */
static void drop_queued_prompt(struct member *m)
{
	if (conn_take_tail(m->conn))
		m->prompt_shown = false;
}

static void nc_put(struct member *m, const char *s, size_t n)
{
	size_t pre;
	char *p;

	drop_queued_prompt(m);
	pre = m->prompt_shown ? 1 : 0;
	p = conn_reserve(m->conn, pre + n + 1);
	if (pre)
		p[0] = '\n';
	memcpy(p + pre, s, n);
	p[pre + n] = '\n';
	conn_commit(m->conn, pre + n + 1);
	m->prompt_shown = false;
}

/* "[ts][name]:" at p; returns its length. p needs PROMPT_MAX bytes. */
static size_t render_prompt(const struct member *m, char *p, time_t now)
{
	size_t nl = m->namelen;

	p[0] = '[';
	tstamp_format(now, p + 1);   /* writes a NUL that the next bytes overwrite */
	memcpy(p + 1 + TSTAMP_LEN, "][", 2);
	memcpy(p + 3 + TSTAMP_LEN, m->name, nl);
	memcpy(p + 3 + TSTAMP_LEN + nl, "]:", 2);
	return TSTAMP_LEN + nl + 5;
}

static void nc_prompt(struct member *m, time_t now)
{
	if (m->prompt_shown)
		return;
	if (m->state == MEMBER_NAMING) {
		conn_write(m->conn, PROTO_NC_NAME_PROMPT, sizeof(PROTO_NC_NAME_PROMPT) - 1);
	} else {
		bool fresh = conn_at_line_start(m->conn);
		char *p = conn_reserve(m->conn, PROMPT_MAX + 1);
		size_t n = render_prompt(m, p, now);

		conn_commit(m->conn, n);
		if (fresh)      /* only a prompt known to start a line may be replaced */
			conn_set_tail(m->conn, n);
	}
	m->prompt_shown = true;
}

/* The hot path of every broadcast: newline, line, newline, prompt, in one go. */
static void nc_deliver(struct member *m, const char *s, size_t n, time_t now)
{
	size_t pre, len, plen;
	char *p;

	if (m->state == MEMBER_NAMING) {
		nc_put(m, s, n);
		nc_prompt(m, now);
		return;
	}
	drop_queued_prompt(m);
	pre = m->prompt_shown ? 1 : 0;
	p = conn_reserve(m->conn, pre + n + 1 + PROMPT_MAX + 1);
	p[0] = '\n';
	memcpy(p + pre, s, n);
	len = pre + n;
	p[len++] = '\n';
	plen = render_prompt(m, p + len, now);
	conn_commit(m->conn, len + plen);
	conn_set_tail(m->conn, plen);
	m->prompt_shown = true;
}

static void nc_entered(struct member *m)
{
	m->prompt_shown = false;
}

const struct dialect dialect_nc = {
	.name = "nc",
	.render = nc_render,
	.put = nc_put,
	.deliver = nc_deliver,
	.prompt = nc_prompt,
	.entered = nc_entered,
	.resume = session_resume_member,
	.echo_own = false,
};
