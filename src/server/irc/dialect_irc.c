/* dialect_irc.c: the IRC dialect: each event as IRC lines (dialect.h, irc.h). Rendered
 * per viewer: the server-time tag follows the viewer's caps, and a leave or rename
 * told in several of the viewer's rooms is one QUIT or one NICK. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialect.h"
#include "session.h"
#include "irc.h"
#include "irc_bridge.h"
#include "member.h"
#include "room.h"
#include "util.h"

#define SOURCE_MAX (IRC_NICK_MAX + 160)

struct render {
	const struct event *ev;
	struct irc_link *l;
	struct buf *out;
	const char *tags;
	char tagbuf[IRC_TIME_TAG_LEN];
	char src[SOURCE_MAX];
	char chan[IRC_CHANNEL_MAX + 1];
};

static void render_init(struct render *r, const struct event *ev, struct irc_link *l,
    struct buf *out)
{
	r->ev = ev;
	r->l = l;
	r->out = out;
	r->tags = ev->t != 0 ? irc_session_tags(&l->s, ev->t, r->tagbuf) : NULL;
	irc_bridge_source(r->l->br, ev->name, ev->namelen, ev->name, ev->namelen, r->src, sizeof(r->src));
	if (ev->room != NULL)
		irc_room_to_channel(ev->room->name, r->chan);
	else
		r->chan[0] = '\0';
}

/* A grouped event already shown to this viewer (in another room). */
static bool seen(struct irc_link *l, const struct event *ev)
{
	if (ev->group == 0)
		return false;
	if (ev->group == l->last_group)
		return true;
	l->last_group = ev->group;
	return false;
}

static bool is_viewer(const struct event *ev, const struct member *viewer)
{
	return ev->namelen == viewer->namelen && memcmp(ev->name, viewer->name, ev->namelen) == 0;
}

/* What is said, to target: a PRIVMSG, a NOTICE, or a PRIVMSG of a CTCP ACTION. */
static void put_said(struct render *r, const char *target)
{
	const struct event *ev = r->ev;

	if (ev->kind == SAY_ACTION)
		irc_put_action(r->out, r->tags, r->src, "PRIVMSG", target, ev->text, ev->len);
	else
		irc_put_text(r->out, r->tags, r->src, ev->kind == SAY_NOTICE ? "NOTICE" : "PRIVMSG",
		    target, ev->text, ev->len);
}

static bool render_msg(struct render *r)
{
	put_said(r, r->chan);
	return true;
}

/* History: PRIVMSG with its time when the viewer asked for server-time, else NOTICE
 * lines with the time in front ("[2026-12-01 09:37] text"). */
static bool render_hist(struct render *r)
{
	const struct event *ev = r->ev;
	char stamp[32], *text;
	size_t textsz = ev->len + sizeof(stamp) + 4;
	struct tm tm;
	int n;

	r->l->to_hist = r->l->busy;
	if (r->l->s.caps & IRC_CAP_SERVER_TIME)
		return render_msg(r);
	gmtime_r(&ev->t, &tm);
	strftime(stamp, sizeof(stamp), "[%Y-%m-%d %H:%M]", &tm);
	text = xmalloc(textsz);
	n = snprintf(text, textsz, "%s %s%.*s", stamp, ev->kind == SAY_ACTION ? "* " : "",
	    (int)ev->len, ev->text);
	if (n >= (int)textsz)
		n = (int)textsz - 1;
	irc_put_text(r->out, NULL, r->src, "NOTICE", r->chan, text, (size_t)n);
	free(text);
	return true;
}

static bool render_join(struct render *r)
{
	irc_putl(r->out, r->tags, r->src, "JOIN", r->chan, NULL);
	return true;
}

/* A part's or a leave's reason (the event's text, sanitised by the chat), NULL if none. */
static const char *reason_of(const struct event *ev)
{
	return ev->len > 0 ? ev->text : NULL;
}

static bool render_part(struct render *r)
{
	char why[IRC_CHANNEL_MAX + 32];

	if (seen(r->l, r->ev))
		return false;       /* the KICK said it */
	if (r->ev->via == NULL) {
		/* without a reason the parameters end after the channel */
		irc_putl(r->out, r->tags, r->src, "PART", r->chan, reason_of(r->ev), NULL);
		return true;
	}
	snprintf(why, sizeof(why), "went to #%s", r->ev->via);
	irc_putl(r->out, r->tags, r->src, "PART", r->chan, why, NULL);
	return true;
}

/* An operator kicks name from the channel: KICK from the operator (other). The
 * move-out of the same group that follows is not a PART too. */
static bool render_kick(struct render *r)
{
	const struct event *ev = r->ev;
	char name[NAME_MAX_BYTES + 1], nick[IRC_NICK_MAX + 1], *reason;

	(void)seen(r->l, ev);
	snprintf(name, sizeof(name), "%.*s", (int)ev->namelen, ev->name);
	irc_name_to_nick(name, nick);
	irc_bridge_source(r->l->br, ev->other, ev->otherlen, ev->other, ev->otherlen, r->src,
	    sizeof(r->src));
	reason = xstrndup(ev->text, ev->len);
	irc_putl(r->out, r->tags, r->src, "KICK", r->chan, nick, reason, NULL);
	free(reason);
	return true;
}

static bool render_quit(struct render *r)
{
	const char *reason = reason_of(r->ev);

	if (seen(r->l, r->ev))
		return false;
	irc_putl(r->out, r->tags, r->src, "QUIT", reason != NULL ? reason : "Quit", NULL);
	return true;
}

static bool render_nick(struct render *r)
{
	const struct event *ev = r->ev;
	char nick[IRC_NICK_MAX + 1];

	if (seen(r->l, ev))
		return false;
	irc_bridge_source(r->l->br, ev->name, ev->namelen, ev->other, ev->otherlen, r->src, sizeof(r->src));
	irc_name_to_nick(ev->other, nick);
	irc_putl(r->out, r->tags, r->src, "NICK", nick, NULL);
	return true;
}

/* The viewer's own rename, decided after its NICK was handled (--redis: the name was
 * claimed first): the session takes the new nick now. */
static void own_nick(struct render *r, const struct member *viewer)
{
	const struct event *ev = r->ev;

	if (ev->other == NULL || !names_equal(ev->other, viewer->name))
		return;
	snprintf(r->l->s.name, sizeof(r->l->s.name), "%s", viewer->name);
	irc_name_to_nick(viewer->name, r->l->s.nick);
}

/* A rename refused once the other servers answered (EV_ERR naming the new name): 433,
 * the nick unchanged. */
static bool render_nick_refused(struct render *r)
{
	char nick[IRC_NICK_MAX + 1];

	irc_name_to_nick(r->ev->other, nick);
	irc_numeric(r->out, r->l->br->server, 433, r->l->s.nick, nick,
	    irc_numeric_text(433), NULL);
	return true;
}

static bool render_priv(struct render *r, const struct member *viewer)
{
	if (is_viewer(r->ev, viewer))
		return false;       /* its own message: the IRC client shows it as sent */
	put_said(r, r->l->s.nick);
	return true;
}

/* The viewer is in the default room on registration: its JOIN after the welcome. */
static bool render_welcome(struct render *r)
{
	irc_session_source(&r->l->s, r->src, sizeof(r->src));
	r->l->to_welcome = r->l->busy;
	return render_join(r);
}

static bool render_notice(struct render *r)
{
	const char *nick = r->l->s.nick[0] != '\0' ? r->l->s.nick : "*";

	irc_put_text(r->out, NULL, r->l->br->server, "NOTICE", nick, r->ev->text, r->ev->len);
	return true;
}

static bool render_bye(struct render *r)
{
	char text[256];

	snprintf(text, sizeof(text), "Closing Link: %s (%.*s)", r->l->s.host, (int)r->ev->len,
	    r->ev->text);
	irc_putl(r->out, NULL, r->l->br->server, "ERROR", text, NULL);
	r->l->s.closed = true;
	return true;
}

static bool render_topic(struct render *r)
{
	const char *topic = r->ev->room->topic;

	irc_putl(r->out, NULL, r->src, "TOPIC", r->chan, topic != NULL ? topic : "", NULL);
	return true;
}

/* OPER answered: 381, or 464 (wrong, or not checked now: the text says which). */
static bool render_oper(struct render *r)
{
	int code = r->ev->other != NULL ? 381 : 464;

	irc_numeric(r->out, r->l->br->server, code, r->l->s.nick, irc_numeric_text(code),
	    NULL);
	return true;
}

static bool render_event(struct render *r, const struct member *viewer)
{
	switch (r->ev->type) {
	case EV_MSG: return render_msg(r);
	case EV_HIST: return render_hist(r);
	case EV_JOIN: case EV_MOVE_IN: return render_join(r);
	case EV_MOVE_OUT: return render_part(r);
	case EV_LEAVE: return render_quit(r);
	case EV_RENAME:
		own_nick(r, viewer);
		return render_nick(r);
	case EV_PRIV: return render_priv(r, viewer);
	case EV_WELCOME: return render_welcome(r);
	case EV_ROOM:
		irc_session_source(&r->l->s, r->src, sizeof(r->src));
		return render_join(r);
	case EV_INFO:       /* while its own line is handled, the IRC replies say it */
		return !r->l->busy && render_notice(r);
	case EV_ERR: return r->ev->other != NULL ? render_nick_refused(r) : render_notice(r);
	case EV_BYE: return render_bye(r);
	case EV_TOPIC: return render_topic(r);
	case EV_KICK: return render_kick(r);
	case EV_OPER: return render_oper(r);
	case EV_MEMBERS: case EV_NAMEQ: case EV_ONLINE: case EV_COUNT: return false;
	}
	return false;
}

static bool dialect_irc_render(const struct event *ev, const struct member *viewer, struct buf *out)
{
	struct irc_link *l = irc_link_of(viewer);
	struct render r;

	buf_clear(out);
	if (l == NULL)
		return false;
	l->to_hist = l->to_welcome = false;
	render_init(&r, ev, l, out);
	return render_event(&r, viewer) && buf_len(out) > 0;
}

static void dialect_irc_put(struct member *m, const char *s, size_t n)
{
	struct irc_link *l = irc_link_of(m);

	if (l->to_hist)
		buf_append(&l->hist, s, n);
	else if (l->to_welcome)
		buf_append(&l->welcome, s, n);
	else
		irc_link_out(l, s, n);
	l->to_hist = l->to_welcome = false;
}

static void dialect_irc_deliver(struct member *m, const char *s, size_t n, time_t now)
{
	(void)now;
	dialect_irc_put(m, s, n);
}

static void dialect_irc_prompt(struct member *m, time_t now)
{
	(void)m, (void)now;
}

static void dialect_irc_entered(struct member *m)
{
	(void)m;
}

const struct dialect dialect_irc = {
	.name = "irc",
	.render = dialect_irc_render,
	.put = dialect_irc_put,
	.deliver = dialect_irc_deliver,
	.prompt = dialect_irc_prompt,
	.entered = dialect_irc_entered,
	.resume = session_resume_member,
	.echo_own = false,
	.multi_room = true,
	.per_viewer = true,
};
