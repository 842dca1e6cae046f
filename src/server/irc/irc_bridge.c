/* irc_bridge.c: an IRC connection in the chat (see irc_bridge.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "attention.h"
#include "chat.h"
#include "chat_check.h"
#include "chat_oper.h"
#include "conn.h"
#include "irc_bridge.h"
#include "session.h"
#include "log.h"
#include "opers.h"
#include "tclimits.h"
#include "utf8.h"
#include "util.h"

static const struct irc_chat bridge_ops;

static void topic_source(void *arg, const char *name, size_t len, char *out, size_t outsz)
{
	irc_bridge_source(arg, name, len, name, len, out, outsz);
}

struct irc_bridge *irc_bridge_new(struct chat *ch, const char *server_name)
{
	struct irc_bridge *br = xcalloc(1, sizeof(*br));
	time_t now = time(NULL);
	struct tm tm;

	br->ch = ch;
	ch->hooks.source_of = topic_source;   /* who sets a topic, for 333 */
	ch->hooks.source_arg = br;
	if (server_name != NULL)
		snprintf(br->server, sizeof(br->server), "%s", server_name);
	else if (gethostname(br->server, sizeof(br->server)) != 0 || br->server[0] == '\0')
		snprintf(br->server, sizeof(br->server), "tcpchat");
	br->server[sizeof(br->server) - 1] = '\0';
	gmtime_r(&now, &tm);
	strftime(br->created, sizeof(br->created), "%Y-%m-%d %H:%M:%S UTC", &tm);
	br->cfg = (struct irc_config){ .server = br->server, .network = "tcpchat",
	    .version = "tcpchat-" TCPCHAT_VERSION, .created = br->created,
	    .motd = ch->cfg.motd, .password = ch->cfg.password != NULL,
	    .ping_idle = TC_IRC_PING_IDLE, .ping_timeout = TC_IRC_PING_TIMEOUT };
	return br;
}

void irc_bridge_free(struct irc_bridge *br)
{
	if (br != NULL && br->ch->hooks.source_arg == br) {
		br->ch->hooks.source_of = NULL;
		br->ch->hooks.source_arg = NULL;
	}
	free(br);
}

/* The address of a peer without its port: "127.0.0.1", "::1". */
static void peer_host(const char *peer, char *out, size_t outsz)
{
	const char *colon = strrchr(peer, ':');
	size_t n = colon != NULL ? (size_t)(colon - peer) : strlen(peer);

	if (n >= 2 && peer[0] == '[')
		snprintf(out, outsz, "%.*s", (int)(n - 2), peer + 1);
	else
		snprintf(out, outsz, "%.*s", (int)n, peer);
	if (out[0] == '\0')
		snprintf(out, outsz, "tcpchat");
}

void irc_bridge_refusal(const char *peer, const char *reason, struct buf *out)
{
	char host[64];

	peer_host(peer, host, sizeof(host));
	irc_put_closing(out, NULL, host, reason);
}

/* The front (front.h): a connection of an IRC listener speaks IRC from the start. */
static void irc_attach(struct chat *ch, struct session *sess, void *arg)
{
	struct irc_link *l = xcalloc(1, sizeof(*l));
	struct member *m = &sess->m;
	char host[64];

	(void)ch;
	peer_host(m->conn->peer, host, sizeof(host));
	l->br = arg;
	l->m = m;
	l->sess = sess;
	irc_session_init(&l->s, &l->br->cfg, &bridge_ops, l, host, time(NULL));
	m->dialect = DIALECT_IRC;
	m->link = l;
}

static void irc_detach(struct session *sess)
{
	struct irc_link *l = sess->m.link;

	if (l == NULL)
		return;
	irc_session_free(&l->s);
	buf_free(&l->hist);
	buf_free(&l->welcome);
	free(l);
	sess->m.link = NULL;
}

struct irc_link *irc_link_of(const struct member *m)
{
	return m->dialect == DIALECT_IRC ? m->link : NULL;
}

void irc_link_out(struct irc_link *l, const char *s, size_t n)
{
	if (l->busy)
		buf_append(&l->s.out, s, n);
	else if (!member_closing(l->m))
		conn_write(l->m->conn, s, n);
}

static struct member *member_named(const struct irc_bridge *br, const char *name, size_t len)
{
	return names_find(br->ch->names, name, len);
}

void irc_bridge_source(const struct irc_bridge *br, const char *name, size_t len,
    const char *lookup, size_t lookuplen, char *out, size_t outsz)
{
	char nick[IRC_NICK_MAX + 1], host[64], copy[NAME_MAX_BYTES + 1];
	struct member *m = member_named(br, lookup, lookuplen);
	struct irc_link *l = m != NULL ? irc_link_of(m) : NULL;

	snprintf(copy, sizeof(copy), "%.*s", (int)len, name);
	irc_name_to_nick(copy, nick);
	if (m == NULL || m->conn == NULL) {
		snprintf(out, outsz, "%s!tcpchat@%s", nick, br->server);
		return;
	}
	if (l != NULL)
		snprintf(host, sizeof(host), "%s", l->s.host);
	else
		peer_host(m->conn->peer, host, sizeof(host));
	snprintf(out, outsz, "%s!%s@%s", nick,
	    l != NULL ? l->s.user : m->dialect == DIALECT_NC ? "nc" : "tcpchat", host);
}

/* --- the line ------------------------------------------------------------------------ */

static void flush_buf(struct irc_link *l, struct buf *b)
{
	if (buf_len(b) > 0 && !member_closing(l->m))
		conn_write(l->m->conn, buf_data(b), buf_len(b));
	buf_clear(b);
}

/* The default room, as if joined: its topic and names after the welcome burst. */
static void welcome_room(struct irc_link *l, time_t now)
{
	char line[IRC_CHANNEL_MAX + 16], chan[IRC_CHANNEL_MAX + 1];
	struct room *r = l->m->room;

	if (r == NULL)
		return;
	irc_room_to_channel(r->name, chan);
	if (r->topic != NULL) {
		snprintf(line, sizeof(line), "TOPIC %s", chan);
		irc_session_line(&l->s, line, strlen(line), now);
	}
	snprintf(line, sizeof(line), "NAMES %s", chan);
	irc_session_line(&l->s, line, strlen(line), now);
}

static void finish(struct irc_link *l, enum irc_status st, bool was_registered, time_t now)
{
	flush_buf(l, &l->s.out);
	if (!was_registered && l->s.registered && !l->s.closed) {
		flush_buf(l, &l->welcome);
		welcome_room(l, now);
		flush_buf(l, &l->s.out);
	}
	flush_buf(l, &l->hist);
	l->busy = false;
	if (st == IRC_CLOSE && !member_closing(l->m))
		conn_close(l->m->conn, "quit");
}

static void irc_line(struct chat *ch, struct session *sess, const char *line, size_t len)
{
	struct irc_link *l = sess->m.link;
	bool was = l->s.registered;
	time_t now = time(NULL);
	enum irc_status st;

	(void)ch;
	l->busy = true;
	st = irc_session_line(&l->s, line, len, now);
	session_charge(sess, l->s.cost - 1);   /* a list of targets: a line per target */
	finish(l, st, was, now);
}

static void irc_too_long(struct chat *ch, struct session *sess)
{
	struct irc_link *l = sess->m.link;

	(void)ch;
	irc_session_too_long(&l->s);
	flush_buf(l, &l->s.out);
}

static void irc_tick(struct chat *ch, struct session *sess, time_t now)
{
	struct irc_link *l = sess->m.link;
	enum irc_status st;

	(void)ch;
	l->busy = true;
	st = irc_session_tick(&l->s, now);
	finish(l, st, l->s.registered, now);
}

/* What a replay made the link's buffers hold goes back once a second, as the
 * connection's queues do (they are empty between two lines). */
static int irc_trim(struct session *sess)
{
	struct irc_link *l = sess->m.link;

	return buf_trim(&l->hist) + buf_trim(&l->welcome) + buf_trim(&l->s.out);
}

size_t irc_link_kept(const struct irc_link *l)
{
	return l->hist.cap + l->welcome.cap + l->s.out.cap;
}

static size_t irc_line_max(const struct chat *ch)
{
	(void)ch;
	return IRC_INPUT_MAX;
}

/* --- the chat interface ------------------------------------------------------------- */

#define LINK(ctx) ((struct irc_link *)(ctx))
#define ME(ctx) (LINK(ctx)->m)
#define BR(ctx) (LINK(ctx)->br)
#define CH(ctx) (BR(ctx)->ch)

/* The server password's answer (chat_check.h). Checked at once (no checker: tests),
 * it is the return value of b_password; else registration goes on from here. */
static void pass_checked(struct chat *ch, struct member *m, enum pwcheck_result res,
    const char *name)
{
	struct irc_link *l = m->link;      /* an IRC member: its link */
	enum irc_status st;

	(void)name;
	if (l == NULL)          /* not an IRC member: never (it asked as one) */
		return;
	if (l->pass_inline) {
		l->pass_inline = false;
		l->pass_right = res == PWCHECK_OK;
		return;
	}
	l->busy = true;
	st = irc_session_password_checked(&l->s, res == PWCHECK_OK);
	finish(l, st, false, time(NULL));
	(void)ch;
}

static int b_password(void *ctx, const char *pass)
{
	struct irc_link *l = LINK(ctx);

	if (pass == NULL || CH(ctx)->cfg.password == NULL)
		return 464;
	l->pass_inline = true;
	l->pass_right = false;
	chat_check_password(CH(ctx), l->m, "server password", CH(ctx)->cfg.password, true,
	    pass, NULL, pass_checked);
	if (!l->pass_inline)            /* answered already */
		return l->pass_right ? 0 : 464;
	l->pass_inline = false;
	return IRC_WAIT;
}

static bool b_name_free(void *ctx, const char *name)
{
	char why[160];

	return chat_name_taken(CH(ctx), ME(ctx), name, why, sizeof(why)) == NULL;
}

static int enter_now(struct irc_link *l, const char *name)
{
	struct member *m = l->m;
	char esc[LOG_ESCAPE_MAX];

	if (!b_name_free(l, name))
		return 433;
	log_msg(LOG_INFO, "name %s: \"%s\" (IRC)", m->conn->peer,
	    log_escape(name, strlen(name), esc, sizeof(esc)));
	chat_enter(l->br->ch, m, name);
	return 0;
}

/* --redis: the nick's claim came back (ok: no other server holds it). */
static void enter_claimed(struct chat *ch, void *arg, enum chat_claim res)
{
	struct irc_link *l = arg;
	char name[NAME_MAX_BYTES + 1];
	time_t now = time(NULL);

	l->sess->wait = NULL;
	snprintf(name, sizeof(name), "%s", l->s.name);
	l->busy = true;
	irc_session_entered(&l->s, res == CHAT_CLAIM_OK ? enter_now(l, name) : 433);
	finish(l, IRC_CONTINUE, false, now);
	session_resume(ch, l->sess);
}

static int b_enter(void *ctx, const char *name)
{
	struct irc_link *l = LINK(ctx);

	if (!b_name_free(ctx, name))
		return 433;
	l->sess->wait = chat_claim_entry(CH(ctx), l->m, name, enter_claimed, l);
	if (l->sess->wait != NULL)
		return IRC_WAIT;
	return enter_now(LINK(ctx), name);
}

static int b_rename(void *ctx, const char *name)
{
	struct member *m = ME(ctx);

	if (!b_name_free(ctx, name))
		return 433;
	chat_rename(CH(ctx), m, name, strlen(name));
	return strcmp(m->name, name) == 0 ? 0 : IRC_SILENT;
}

/* A room by its (canonical) name, NULL when there is none. */
static struct room *room_named(const struct irc_bridge *br, const char *room)
{
	return rooms_find(&br->ch->rooms, room);
}

static int b_join(void *ctx, const char *room)
{
	struct member *m = ME(ctx);
	struct room *r = room_named(BR(ctx), room);

	if (r != NULL && member_in(m, r))
		return IRC_SILENT;
	chat_join(CH(ctx), m, room, strlen(room));
	r = room_named(BR(ctx), room);
	return r != NULL && member_in(m, r) ? 0 : IRC_SILENT;
}

static int b_part(void *ctx, const char *room, const char *reason)
{
	struct irc_link *l = LINK(ctx);
	struct room *r = room_named(BR(ctx), room);
	char src[IRC_NICK_MAX + 160], chan[IRC_CHANNEL_MAX + 1], why[CHAT_REASON_BYTES];

	if (r == NULL)
		return 403;
	if (!member_in(l->m, r))
		return 442;
	chat_part(CH(ctx), l->m, room, strlen(room), reason);
	if (member_in(l->m, r))
		return IRC_SILENT;         /* its last room: told why */
	irc_session_source(&l->s, src, sizeof(src));
	irc_room_to_channel(room, chan);
	if (chat_reason(reason, strlen(reason), why) > 0)
		irc_putl(&l->s.out, NULL, src, "PART", chan, why, NULL);   /* as the others see it */
	else
		irc_putl(&l->s.out, NULL, src, "PART", chan, NULL);
	return 0;
}

static int b_message(void *ctx, enum say_kind kind, const char *room, const char *name,
    const char *text, size_t len)
{
	struct member *m = ME(ctx), *to;
	struct room *r;
	char why[128];

	if (chat_muted(m, time(NULL), why, sizeof(why)) != NULL)
		return 404;
	if (room != NULL) {
		if ((r = room_named(BR(ctx), room)) == NULL)
			return 403;
		if (!member_in(m, r))
			return 404;
		chat_say_in(CH(ctx), m, room, strlen(room), kind, text, len);
		return 0;
	}
	to = chat_find(CH(ctx), name, strlen(name));
	if (to == NULL)
		return 401;
	chat_private(CH(ctx), m, to, kind, text, len);
	return 0;
}

static const char *b_away_of(void *ctx, const char *name, char *text, size_t textsz)
{
	struct member *who = member_named(BR(ctx), name, strlen(name));

	if (who == NULL || who->away == NULL)
		return NULL;
	snprintf(text, textsz, "%s", who->away);
	return text;
}

static int b_names(void *ctx, const char *room, irc_name_fn *each, void *arg)
{
	struct room *r = room_named(BR(ctx), room);
	struct member *m;

	if (r == NULL)
		return 403;
	ROOM_FOREACH(r, m, it)
		each(arg, m->name, m->oper);
	return 0;
}

static int b_topic_get(void *ctx, const char *room, char *topic, size_t topicsz,
    char *setter, size_t settersz, time_t *when)
{
	struct room *r = room_named(BR(ctx), room);

	if (r == NULL)
		return 403;
	if (r->topic == NULL)
		return 331;
	snprintf(topic, topicsz, "%s", r->topic);
	if (r->topic_src[0] != '\0')
		snprintf(setter, settersz, "%s", r->topic_src);
	else    /* set before a restart without IRC, or on another server: a stand-in */
		irc_source(r->topic_by[0] != '\0' ? r->topic_by : "tcpchat", "tcpchat",
		    BR(ctx)->server, setter, settersz);
	*when = r->topic_at;
	return 0;
}

static int b_topic_set(void *ctx, const char *room, const char *topic)
{
	switch (chat_oper_topic(CH(ctx), ME(ctx), room_named(BR(ctx), room), topic,
	    strlen(topic))) {
	case CHAT_OPER_OK: return 0;
	case CHAT_OPER_NO_SUCH_ROOM: return 403;
	case CHAT_OPER_NOT_IN_ROOM: return 442;
	default: return 482;
	}
}

static void person_of(const struct irc_bridge *br, const struct member *m,
    const struct room *r, struct irc_person *p, char *host, size_t hostsz)
{
	struct irc_link *l = irc_link_of(m);

	if (l != NULL)
		snprintf(host, hostsz, "%s", l->s.host);
	else
		peer_host(m->conn != NULL ? m->conn->peer : br->server, host, hostsz);
	*p = (struct irc_person){ .name = m->name, .host = host,
	    .user = l != NULL ? l->s.user : m->dialect == DIALECT_NC ? "nc" : "tcpchat",
	    .realname = l != NULL && l->s.realname[0] != '\0' ? l->s.realname : m->name,
	    .room = r != NULL ? r->name : NULL, .away = m->away, .oper = m->oper,
	    .chanop = m->oper, .idle = (long)(time(NULL) - m->active), .signon = m->since };
}

static void who_one(const struct irc_bridge *br, const struct member *m,
    const struct room *r, irc_person_fn *each, void *arg)
{
	struct irc_person p;
	char host[64];

	person_of(br, m, r, &p, host, sizeof(host));
	each(arg, &p);
}

static int b_who(void *ctx, const char *room, const char *mask, irc_person_fn *each, void *arg)
{
	struct member *m;
	struct room *r;

	if (room != NULL) {
		if ((r = room_named(BR(ctx), room)) != NULL)
			ROOM_FOREACH(r, m, it)
				who_one(BR(ctx), m, r, each, arg);
		return 0;
	}
	if (mask != NULL) {
		if ((m = member_named(BR(ctx), mask, strlen(mask))) != NULL)
			who_one(BR(ctx), m, m->room, each, arg);
		return 0;
	}
	for (r = CH(ctx)->rooms.list; r != NULL; r = r->next)
		ROOM_FOREACH(r, m, it)
			if (member_rooms(m)->room == r)     /* once, in its first room */
				who_one(BR(ctx), m, r, each, arg);
	return 0;
}

static int b_whois(void *ctx, const char *name, struct irc_person *p, char *rooms,
    size_t roomssz)
{
	static char host[64];
	struct member *m = member_named(BR(ctx), name, strlen(name));
	size_t o = 0;

	if (m == NULL)
		return 401;
	person_of(BR(ctx), m, NULL, p, host, sizeof(host));
	rooms[0] = '\0';
	for (const struct membership *mb = member_rooms(m); mb != NULL && o < roomssz;
	    mb = member_next_room(m, mb))
		o += (size_t)snprintf(rooms + o, roomssz - o, "%s%s", o > 0 ? " " : "",
		    mb->room->name);
	return 0;
}

static int b_away(void *ctx, const char *text)
{
	attention_away(CH(ctx), ME(ctx), text != NULL ? text : "",
	    text != NULL ? strlen(text) : 0);
	return 0;
}

static int b_list(void *ctx, irc_room_fn *each, void *arg)
{
	for (const struct room *r = rooms_first(&CH(ctx)->rooms); r != NULL; r = rooms_next(r))
		each(arg, r->name, r->nmembers, r->topic);
	return 0;
}

/* The numeric of a KICK refused (irc_session.h). */
static int kick_numeric(enum chat_oper_status st)
{
	switch (st) {
	case CHAT_OPER_OK: return 0;
	case CHAT_OPER_NOT_OPER: return 482;
	case CHAT_OPER_NO_SUCH_ROOM: return 403;
	default: return 441;    /* no such user, or not in that channel */
	}
}

/* KICK: the chat's rule (chat_oper.h): the room's IRC members see the KICK line; the
 * member leaves that channel, or is put out of the chat as /kick does. */
static int b_kick(void *ctx, const char *room, const char *name, const char *reason)
{
	struct irc_link *l = LINK(ctx);
	struct member *who = member_named(BR(ctx), name, strlen(name));
	struct chat_oper_result res;
	size_t n = strlen(reason), tlen;
	char *text = xmalloc(UTF8_CLEAN_MAX(n));
	enum chat_oper_status st;

	tlen = utf8_clean(UTF8_MESSAGE, reason, n, text, UTF8_CLEAN_MAX(n));
	st = chat_oper_kick(CH(ctx), l->m, who, room, text, tlen, &res);
	free(text);
	if (st == CHAT_OPER_OK && res.remote)   /* its server applies it: say what was done */
		irc_putl(&l->s.out, NULL, BR(ctx)->server, "NOTICE", l->s.nick, res.what, NULL);
	return kick_numeric(st);
}

static void b_quit(void *ctx, const char *reason)
{
	chat_leave(CH(ctx), ME(ctx), reason);
}

static int b_oper(void *ctx, const char *name, const char *pass)
{
	/* The answer comes as an EV_OPER event (381 or 464): nothing to say now. */
	return chat_oper_login(CH(ctx), ME(ctx), name, pass) == CHAT_OPER_NO_OPERS ? 491 :
	    IRC_SILENT;
}

static const struct irc_chat bridge_ops = {
	.password = b_password, .name_free = b_name_free, .enter = b_enter,
	.rename = b_rename, .join = b_join, .part = b_part, .message = b_message,
	.away_of = b_away_of, .names = b_names, .topic_get = b_topic_get,
	.topic_set = b_topic_set, .who = b_who, .whois = b_whois, .away = b_away,
	.list = b_list, .kick = b_kick, .quit = b_quit, .oper = b_oper,
};

const struct front front_irc = {
	.name = "irc", .attach = irc_attach, .line_max = irc_line_max, .line = irc_line,
	.too_long = irc_too_long, .tick = irc_tick, .trim = irc_trim, .detach = irc_detach,
};
