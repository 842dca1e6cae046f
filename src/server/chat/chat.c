/* chat.c: the chat's rules (see chat.h). What each event looks like on the wire is
 * the dialects' business (dialect_nc.c, dialect_proto.c). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "conn.h"
#include "dialect.h"
#include "duration.h"
#include "line.h"
#include "log.h"
#include "tclimits.h"
#include "util.h"

void chat_init(struct chat *ch, size_t max_line, int rate_limit, size_t history)
{
	memset(ch, 0, sizeof(*ch));
	rooms_init(&ch->rooms, history);
	rooms_get(&ch->rooms, TC_DEFAULT_ROOM);
	ch->names = names_new();
	ch->log.fd = -1;
	ch->cfg.max_line = max_line;
	ch->cfg.rate_limit = rate_limit;
	ch->text = xmalloc(CHAT_TEXT_BYTES(max_line));
	bans_init(&ch->bans, NULL);
	topics_init(&ch->topics, NULL);
	ch->cfg.replay = SIZE_MAX;
}

void chat_free(struct chat *ch)
{
	rooms_free(&ch->rooms);
	names_free(ch->names);
	chatlog_close(&ch->log);
	render_cache_free(&ch->rc);
	free(ch->text);
	bans_free(&ch->bans);
	topics_free(&ch->topics);
	free(ch->cfg.motd);
	free(ch->cfg.password);
}

/* --- text from peers ---------------------------------------------------------------- */

size_t chat_clean(const char *raw, size_t len, size_t max, char *out, size_t outsz)
{
	size_t n = utf8_clean(UTF8_MESSAGE, raw, len, out, outsz - SPOOF_BIDI_GROWTH);

	n = spoof_bidi_fix(out, utf8_cut(out, n, max), outsz - 1);
	/* Blank runs last: a stray pop the fix removes may have split one. */
	n = spoof_collapse_space(out, n, TC_MSG_MAX_SPACE_RUN);
	out[n] = '\0';
	return n;
}

size_t chat_reason(const char *raw, size_t len, char out[CHAT_REASON_BYTES])
{
	const char *p = out;
	size_t n = raw == NULL ? 0 : chat_clean(raw, utf8_cut(raw, len, TC_REASON_MAX),
	    TC_REASON_MAX, out, CHAT_REASON_BYTES);

	line_trim(&p, &n);      /* no blank at either end (a TAB is a space by now) */
	memmove(out, p, n);
	out[n] = '\0';
	return n;
}

/* --- events ------------------------------------------------------------------------ */

/* The log record of what is said: an action is an ACTION, the rest (notices too) MSG. */
static const char *said_kind(enum say_kind kind)
{
	return kind == SAY_ACTION ? "ACTION" : "MSG";
}

static void record(struct chat *ch, const struct event *ev)
{
	const char *room = ev->room->name;

	switch (ev->type) {
	case EV_MSG:
		ev->room->active = ev->t;
		backlog_add(&ev->room->hist, ev->t, ev->kind, ev->name, ev->namelen, ev->text,
		    ev->len);
		chatlog_add(&ch->log, ev->t, room, said_kind(ev->kind), ev->name, ev->text,
		    ev->len);
		break;
	case EV_JOIN:
	case EV_MOVE_IN:
		chatlog_add(&ch->log, ev->t, room, "JOIN", ev->name, "", 0);
		break;
	case EV_LEAVE:
	case EV_MOVE_OUT:       /* with its reason, if any */
		chatlog_add(&ch->log, ev->t, room, "LEAVE", ev->name, ev->len > 0 ? ev->text : "",
		    ev->len);
		break;
	case EV_RENAME:
		chatlog_add(&ch->log, ev->t, room, "RENAME", ev->name, ev->other, ev->otherlen);
		break;
	default:
		break;              /* private messages are never logged */
	}
}

/* In a crowd, joins, leaves and renames would drown the conversation (and a join storm would
 * cost members x joins deliveries): big rooms stay quiet. */
static bool announced(const struct chat *ch, const struct event *ev)
{
	if (ev->type == EV_MSG || ev->type == EV_PRIV || ev->type == EV_TOPIC)
		return true;
	return ch->cfg.announce_max == 0 || ev->room->nmembers <= ch->cfg.announce_max;
}

/* /ignore: m sees no messages (room or private) from who it ignores. */
static bool ignored(const struct member *m, const struct event *ev)
{
	return m->nignored > 0 && (ev->type == EV_MSG || ev->type == EV_PRIV) &&
	    member_ignores(m, ev->name, ev->namelen);
}

static void deliver(struct chat *ch, const struct event *ev, const struct member *except)
{
	unsigned long msg = ev->type == EV_MSG;
	struct member *m;

	render_cache_reset(&ch->rc);
	if (ev->type == EV_PRIV) {
		m = chat_find(ch, ev->other, ev->otherlen);
		if (m != NULL && m != except && !ignored(m, ev)) {
			member_deliver(m, ev, &ch->rc);
			ch->stats.msgs_out++;
		}
		return;
	}
	ROOM_FOREACH(ev->room, m, it) {
		__builtin_prefetch(it->next);
		if (m != except && !ignored(m, ev)) {
			member_deliver(m, ev, &ch->rc);
			ch->stats.msgs_out += msg;
		}
	}
}

void chat_apply(struct chat *ch, const struct event *ev, const struct member *except)
{
	record(ch, ev);
	if (announced(ch, ev))
		deliver(ch, ev, except);
}

/* Decided here: applied locally, then published. */
static void emit(struct chat *ch, const struct event *ev, const struct member *except)
{
	chat_apply(ch, ev, except);
	cluster_publish(&ch->cluster, ev);
}

static struct event room_event(enum event_type type, const struct member *m,
    struct room *r, time_t now)
{
	return (struct event){ .type = type, .t = now, .room = r, .name = m->name,
	    .namelen = m->namelen };
}

/* An action with its own per-minute budget (renames, new rooms): NULL if allowed,
 * else the reason, written to why. */
static const char *over_budget(struct ratewarn *w, const char *what, char *why, size_t whysz)
{
	int64_t now_ms = (int64_t)time(NULL) * 1000;
	unsigned long held;

	if (ratewarn_allow(w, now_ms, &held))
		return NULL;
	snprintf(why, whysz, "Too many %s; wait %ld seconds.", what,
	    (long)((w->window_start_ms + 60000 - now_ms) / 1000) + 1);
	return why;
}

/* --- names ------------------------------------------------------------------------- */

struct member *chat_find(struct chat *ch, const char *name, size_t len)
{
	ch->stats.lookups++;
	ch->stats.bytes_hashed += len;
	return names_find(ch->names, name, len);
}

struct member *chat_find_prefix(struct chat *ch, const char *arg, size_t len, size_t *used)
{
	struct member *to = NULL;
	size_t scan = len < NAME_MAX_BYTES + 1 ? len : NAME_MAX_BYTES + 1;

	for (size_t i = 1; i <= scan; i++) {
		struct member *who;

		if (i < len && arg[i] != ' ')
			continue;
		who = chat_find(ch, arg, i);
		if (who != NULL) {
			to = who;
			*used = i;
		}
	}
	return to;
}

const char *chat_name_taken(const struct chat *ch, const struct member *m,
    const char *name, char *why, size_t whysz)
{
	struct member *holder = names_find_other(ch->names, name, strlen(name), m);

	if (holder == NULL)
		return NULL;
	if (holder->remote && cluster_up(&ch->cluster))
		return NULL;            /* the claim across the cluster decides */
	if (strcmp(holder->name, name) != 0 && !names_equal(holder->name, name))
		snprintf(why, whysz, "Name \"%s\" is already taken (it looks like \"%s\").",
		    name, holder->name);
	else
		snprintf(why, whysz, "Name \"%s\" is already taken.", name);
	return why;
}

const struct rooms *chat_rooms(const struct chat *ch)
{
	return &ch->rooms;
}

/* --- rooms ------------------------------------------------------------------------- */

void chat_members(struct chat *ch, struct member *m)
{
	struct event ev = { .type = EV_MEMBERS, .room = m->room };

	(void)ch;
	member_put(m, &ev);
}

/* Each '\n'-ended line of text as a notice to m. */
static void show_lines(struct member *m, const char *text)
{
	char line[TC_MOTD_LINE_MAX + 1];

	for (const char *nl; (nl = strchr(text, '\n')) != NULL; text = nl + 1) {
		size_t n = (size_t)(nl - text);

		snprintf(line, sizeof(line), "%.*s", (int)n, text);
		member_info(m, line[0] != '\0' ? line : " ");
	}
}

static void show_topic(struct member *m, const struct room *r)
{
	char line[TC_TOPIC_MAX + 16];

	if (r->topic == NULL)
		return;
	snprintf(line, sizeof(line), "Topic: %s", r->topic);
	member_info(m, line);
}

/* The last n (at most) history lines of r to m, oldest first; returns how many. */
static size_t history_to(struct member *m, struct room *r, size_t n)
{
	size_t first = r->hist.count > n ? r->hist.count - n : 0;

	for (size_t i = first; i < r->hist.count; i++) {
		const struct hentry *e = backlog_get(&r->hist, i);
		const char *name = hentry_name(e);
		struct event h = { .type = EV_HIST, .t = e->t, .room = r, .name = name,
		    .namelen = strlen(name), .text = hentry_text(e), .len = e->textlen,
		    .kind = (enum say_kind)e->kind };

		member_put(m, &h);
	}
	return r->hist.count - first;
}

void chat_history(struct chat *ch, struct member *m, size_t n)
{
	(void)ch;
	if (history_to(m, m->room, n) == 0)
		member_info(m, "No messages kept in this room yet.");
}

/* Put m in room r: a notice to the others, then m's welcome and the room's history. */
static void enter_room(struct chat *ch, struct member *m, struct room *r,
    enum event_type how, const char *from, time_t now)
{
	struct event ev = room_event(how, m, r, now);

	ev.via = from;
	cluster_room_used(&ch->cluster, r);
	emit(ch, &ev, NULL);
	room_add(&ch->rooms, r, m);
	ev.type = how == EV_JOIN ? EV_WELCOME : EV_ROOM;
	member_put(m, &ev);
	if (how == EV_JOIN && ch->cfg.motd != NULL)
		show_lines(m, ch->cfg.motd);
	show_topic(m, r);
	history_to(m, r, ch->cfg.replay);
	member_prompt(m, now);
}

/* m leaves r: ev (an EV_LEAVE or EV_MOVE_OUT of m, with its other room, reason and
 * group) is told to the others there. */
static void leave_room(struct chat *ch, struct member *m, struct room *r, struct event *ev)
{
	if (r == NULL)
		return;
	room_remove(r, m);
	cluster_room_unused(&ch->cluster, r);
	ev->room = r;
	emit(ch, ev, m);
	rooms_tidy(&ch->rooms, r);
}

/* The reason (NUL-terminated, or NULL) as the event tells it (chat_reason), in why. */
static size_t reason_told(const char *reason, char why[CHAT_REASON_BYTES])
{
	return chat_reason(reason, reason != NULL ? strlen(reason) : 0, why);
}

/* An EV_MOVE_OUT of m from r: to the room it went to, or (to NULL) a part, with its
 * reason (NULL: none). */
static void move_out(struct chat *ch, struct member *m, struct room *r, const char *to,
    const char *reason)
{
	char why[CHAT_REASON_BYTES];
	struct event ev = room_event(EV_MOVE_OUT, m, r, time(NULL));

	ev.via = to;
	ev.text = why;
	ev.len = reason_told(reason, why);
	leave_room(ch, m, r, &ev);
}

/* Find room name, or create it within m's budget of new rooms; at TC_MAX_ROOMS the
 * empty room idle longest is dropped (and the log says so, so that a replay drops
 * it at the same point). NULL, with m told why, if it cannot be had. */
static struct room *new_room(struct chat *ch, struct member *m, const char *name)
{
	char why[96], victim[ROOM_NAME_MAX_BYTES + 1];
	const char *reason;

	if (rooms_find(&ch->rooms, name) != NULL)
		return rooms_find(&ch->rooms, name);
	if ((reason = over_budget(&m->creates, "new rooms", why, sizeof(why))) != NULL) {
		member_error(m, reason);
		return NULL;
	}
	if (ch->hooks.may_create != NULL && !ch->hooks.may_create(ch->hooks.arg, m)) {
		member_error(m, "Too many new rooms from your address; wait a minute.");
		return NULL;
	}
	if (ch->rooms.count >= TC_MAX_ROOMS) {
		if (rooms_evict(&ch->rooms, victim) != 0) {
			member_error(m, "Too many rooms exist; try again later.");
			return NULL;
		}
		log_msg(LOG_INFO, "room %s dropped to make space for %s", victim, name);
		chatlog_add(&ch->log, time(NULL), victim, "EVICT", "", "", 0);
		topics_changed(&ch->topics, &ch->rooms);
	}
	return rooms_get(&ch->rooms, name);
}

/* A member of several rooms: talk in r from now on (it is in it already). */
static void focus_room(struct member *m, struct room *r)
{
	char line[96];

	m->room = r;
	snprintf(line, sizeof(line), "You now talk in room %s.", r->name);
	member_info(m, line);
}

void chat_join(struct chat *ch, struct member *m, const char *raw, size_t len)
{
	char name[ROOM_NAME_MAX_BYTES + 1], from[ROOM_NAME_MAX_BYTES + 1];
	const char *why = room_check_name(raw, len, name);
	struct room *r;
	time_t now = time(NULL);

	if (why != NULL) {
		member_error(m, why);
		return;
	}
	if (m->room != NULL && names_equal(m->room->name, name)) {
		member_error(m, "You are already in that room.");
		return;
	}
	r = rooms_find(&ch->rooms, name);
	if (r != NULL && member_in(m, r)) {
		focus_room(m, r);
		return;
	}
	r = new_room(ch, m, name);
	if (r == NULL)
		return;
	log_msg(LOG_INFO, "room %s: %s -> %s", m->conn ? m->conn->peer : "-",
	    m->room ? m->room->name : "-", r->name);
	if (member_multi_room(m)) {    /* a room more; the others stay */
		enter_room(ch, m, r, EV_MOVE_IN, NULL, now);
		return;
	}
	snprintf(from, sizeof(from), "%s", m->room != NULL ? m->room->name : TC_DEFAULT_ROOM);
	move_out(ch, m, m->room, r->name, NULL);
	enter_room(ch, m, r, EV_MOVE_IN, from, now);
}

void chat_part(struct chat *ch, struct member *m, const char *raw, size_t len,
    const char *reason)
{
	char name[ROOM_NAME_MAX_BYTES + 1];
	const char *why = len > 0 ? room_check_name(raw, len, name) : NULL;
	struct room *r = len > 0 && why == NULL ? rooms_find(&ch->rooms, name) : m->room;

	if (why == NULL && !member_multi_room(m))
		why = "You are always in one room here; /join ROOM switches to another.";
	else if (why == NULL && (r == NULL || !member_in(m, r)))
		why = "You are not in that room.";
	else if (why == NULL && member_next_room(m, member_rooms(m)) == NULL)
		why = "That is your last room: /join another one first.";
	if (why != NULL) {
		member_error(m, why);
		return;
	}
	move_out(ch, m, r, NULL, reason);
}

void chat_part_room(struct chat *ch, struct member *m, struct room *r, unsigned long group)
{
	char why[CHAT_REASON_BYTES];
	struct event ev = room_event(EV_MOVE_OUT, m, r, time(NULL));

	ev.text = why;
	ev.len = reason_told(NULL, why);
	ev.group = group;
	leave_room(ch, m, r, &ev);
}

static void say(struct chat *ch, struct member *m, struct room *r, enum say_kind kind,
    const char *text, size_t len);

void chat_say_in(struct chat *ch, struct member *m, const char *raw, size_t len,
    enum say_kind kind, const char *text, size_t tlen)
{
	char name[ROOM_NAME_MAX_BYTES + 1];
	struct room *r = room_check_name(raw, len, name) == NULL ?
	    rooms_find(&ch->rooms, name) : NULL;

	if (r == NULL || !member_in(m, r)) {
		member_error(m, "You are not in that room.");
		return;
	}
	say(ch, m, r, kind, text, tlen);
}

/* m takes its name in the table; a member of another server still there under it is
 * gone (the cluster gave m the name). */
static void take_name(struct chat *ch, struct member *m)
{
	struct member *holder;

	/* Up to one holder per key (names.h). */
	for (int i = 0; i < 2; i++) {
		holder = names_find_other(ch->names, m->name, m->namelen, m);
		if (holder != NULL && holder->remote)
			cluster_forget(&ch->cluster, holder);
	}
	names_add(ch->names, m->name, m);
}

void chat_enter(struct chat *ch, struct member *m, const char *name)
{
	member_set_name(m, name);
	take_name(ch, m);
	m->state = MEMBER_CHATTING;
	m->since = m->active = time(NULL);
	member_entered(m);
	enter_room(ch, m, rooms_get(&ch->rooms, TC_DEFAULT_ROOM), EV_JOIN, NULL, time(NULL));
}

struct cluster_wait *chat_claim_entry(struct chat *ch, struct member *m, const char *name,
    chat_claim_done done, void *arg)
{
	if (!cluster_on(&ch->cluster))
		return NULL;
	member_set_name(m, name);       /* held while it waits (names.h: not yet in use) */
	return cluster_enter(&ch->cluster, name, done, arg);
}

void chat_claim_cancel(struct chat *ch, struct cluster_wait *w)
{
	cluster_cancel(&ch->cluster, w);
}

/* In a cluster: a rename waits for its new name's claim. */
struct rename_wait {
	struct cluster_wait *w;
	char name[NAME_MAX_BYTES + 1];
};

/* m leaves the chat: an EV_LEAVE with the reason in each of its rooms, all of one
 * group (one action, event.h). */
static void leave_rooms(struct chat *ch, struct member *m, const char *reason,
    unsigned long group)
{
	char why[CHAT_REASON_BYTES];
	struct event ev = room_event(EV_LEAVE, m, NULL, time(NULL));

	ev.text = why;
	ev.len = reason_told(reason, why);
	ev.group = group;
	while (member_rooms(m) != NULL)
		leave_room(ch, m, member_rooms(m)->room, &ev);
}

void chat_leave(struct chat *ch, struct member *m, const char *reason)
{
	if (m->renaming != NULL) {
		cluster_cancel(&ch->cluster, m->renaming->w);
		free(m->renaming);
		m->renaming = NULL;
	}
	if (m->state != MEMBER_CHATTING)
		return;
	cluster_release(&ch->cluster, m->name, NULL);
	leave_rooms(ch, m, reason, ++ch->groups);
	names_del(ch->names, m->name);
	m->state = MEMBER_NAMING;
}

/* --- actions ----------------------------------------------------------------------- */

/* A rename: who ignored the old name ignores the new one. */
static void ignores_follow(struct chat *ch, const char *old, const char *name)
{
	for (const struct room *r = rooms_first(&ch->rooms); r != NULL; r = rooms_next(r)) {
		struct member *m;

		ROOM_FOREACH(r, m, it)
			member_ignore_rename(m, old, name);
	}
}

static void rename_apply(struct chat *ch, struct member *m, const char *name)
{
	char old[NAME_MAX_BYTES + 1], esc[2][LOG_ESCAPE_MAX];
	struct event ev;

	memcpy(old, m->name, sizeof(old));
	names_del(ch->names, m->name);
	member_set_name(m, name);
	take_name(ch, m);
	cluster_release(&ch->cluster, old, m->name);    /* but the keys the names share */
	ignores_follow(ch, old, m->name);
	log_msg(LOG_INFO, "rename %s: \"%s\" -> \"%s\"", m->conn ? m->conn->peer : "-",
	    log_escape(old, strlen(old), esc[0], sizeof(esc[0])),
	    log_escape(name, strlen(name), esc[1], sizeof(esc[1])));
	ev = (struct event){ .type = EV_RENAME, .t = time(NULL), .name = old,
	    .namelen = strlen(old), .other = m->name, .otherlen = m->namelen,
	    .group = ++ch->groups };
	for (const struct membership *mb = member_rooms(m); mb != NULL;
	    mb = member_next_room(m, mb)) {    /* told in each of its rooms */
		ev.room = mb->room;
		emit(ch, &ev, m);
		member_put(m, &ev);
	}
}

const char *chat_claim_refusal(enum chat_claim res, const char *name, char *why,
    size_t whysz)
{
	if (res == CHAT_CLAIM_TAKEN)
		snprintf(why, whysz, "Name \"%s\" is already taken.", name);
	else
		snprintf(why, whysz, "Name \"%s\" could not be checked with the other servers "
		    "just now; try again.", name);
	return why;
}

/* A rename refused once its claim came back: an error that names the refused name
 * (event.h: the IRC dialect tells it as 433, the others as the error text). */
static void rename_refused(struct member *m, const char *name, const char *reason)
{
	struct event ev = { .type = EV_ERR, .text = reason, .len = strlen(reason),
	    .other = name, .otherlen = strlen(name) };

	member_put(m, &ev);
}

/* The claim came back (ok: no other server holds the name). */
static void rename_claimed(struct chat *ch, void *arg, enum chat_claim res)
{
	struct member *m = arg;
	char name[NAME_MAX_BYTES + 1], why[160];
	const char *reason;

	memcpy(name, m->renaming->name, sizeof(name));
	free(m->renaming);
	m->renaming = NULL;
	if (res == CHAT_CLAIM_OK) {
		reason = chat_name_taken(ch, m, name, why, sizeof(why));
		if (reason != NULL)
			cluster_release(&ch->cluster, name, NULL);
	} else {
		reason = chat_claim_refusal(res, name, why, sizeof(why));
	}
	if (reason != NULL)
		rename_refused(m, name, reason);
	else
		rename_apply(ch, m, name);
	member_prompt(m, time(NULL));
}

/* Whether the rename waits for the other servers (it then goes on in rename_claimed). */
static bool rename_waits(struct chat *ch, struct member *m, const char *name)
{
	struct rename_wait *rw;

	if (!cluster_on(&ch->cluster))
		return false;
	rw = xcalloc(1, sizeof(*rw));
	snprintf(rw->name, sizeof(rw->name), "%s", name);
	m->renaming = rw;
	rw->w = cluster_claim(&ch->cluster, m->name, name, rename_claimed, m);
	if (rw->w != NULL)
		return true;
	free(rw);
	m->renaming = NULL;
	return false;
}

void chat_rename(struct chat *ch, struct member *m, const char *raw, size_t len)
{
	char name[NAME_MAX_BYTES + 1], why[160];
	const char *reason = names_check(raw, len, name);

	if (reason == NULL)
		reason = chat_name_taken(ch, m, name, why, sizeof(why));
	if (reason == NULL && strcmp(name, m->name) == 0)
		reason = "That is already your name.";
	if (reason == NULL && m->renaming != NULL)
		reason = "A rename is already waiting for the other servers.";
	if (reason == NULL)
		reason = over_budget(&m->renames, "renames", why, sizeof(why));
	if (reason != NULL) {
		member_error(m, reason);
		return;
	}
	if (!rename_waits(ch, m, name))
		rename_apply(ch, m, name);
}

const char *chat_muted(struct member *m, time_t now, char *why, size_t whysz)
{
	char left[DURATION_TEXT_MAX];

	if (!m->muted)
		return NULL;
	if (m->muted_until != 0 && now >= m->muted_until) {
		m->muted = false;
		return NULL;
	}
	if (m->muted_until == 0)
		snprintf(why, whysz, "You are muted: your messages are not sent.");
	else
		snprintf(why, whysz, "You are muted for %s more: your messages are not sent.",
		    duration_format((long)(m->muted_until - now), left));
	return why;
}

static bool refused_muted(struct member *m)
{
	char why[128];
	const char *reason = chat_muted(m, time(NULL), why, sizeof(why));

	if (reason != NULL)
		member_error(m, reason);
	return reason != NULL;
}

/* m says text in r, one of its rooms. */
static void say(struct chat *ch, struct member *m, struct room *r, enum say_kind kind,
    const char *text, size_t len)
{
	struct event ev = room_event(EV_MSG, m, r, time(NULL));

	if (refused_muted(m))
		return;
	m->active = ev.t;
	ev.text = text;
	ev.len = len;
	ev.kind = kind;
	ch->stats.msgs_in++;
	emit(ch, &ev, m);
	if (member_echoes_own(m))
		member_put(m, &ev);     /* the client shows its own message once, as sent */
}

void chat_say(struct chat *ch, struct member *m, enum say_kind kind, const char *text,
    size_t len)
{
	say(ch, m, m->room, kind, text, len);
}

/* Who messages an away member is told so. */
static void away_notice(struct member *m, const struct member *to)
{
	char line[NAME_MAX_BYTES + TC_AWAY_MAX + 32];

	snprintf(line, sizeof(line), "%s is away: %s", to->name, to->away);
	member_info(m, line);
}

void chat_private(struct chat *ch, struct member *m, struct member *to,
    enum say_kind kind, const char *text, size_t len)
{
	struct event ev = room_event(EV_PRIV, m, m->room, time(NULL));

	if (refused_muted(m))
		return;
	m->active = ev.t;
	if (to->away != NULL)
		away_notice(m, to);
	ev.other = to->name;
	ev.otherlen = to->namelen;
	ev.text = text;
	ev.len = len;
	ev.kind = kind;
	ch->stats.msgs_in++;
	emit(ch, &ev, m);
	member_put(m, &ev);
}

void chat_bye(struct member *m, const char *text, const char *reason)
{
	struct event ev = { .type = EV_BYE, .text = text, .len = strlen(text) };

	member_put(m, &ev);
	if (m->conn != NULL)
		conn_close(m->conn, reason);
}

void chat_tell_online(struct chat *ch, struct member *m)
{
	size_t n = names_count(ch->names);
	char text[24];

	if (!dialect_of(m)->online || m->state != MEMBER_CHATTING || m->remote ||
	    n == m->online_told || member_closing(m))
		return;
	m->online_told = n;
	snprintf(text, sizeof(text), "%zu", n);
	struct event ev = { .type = EV_ONLINE, .text = text, .len = strlen(text) };

	member_put(m, &ev);
}

void chat_each_member(struct chat *ch, void (*fn)(struct member *m, void *arg), void *arg)
{
	struct member *m;

	for (struct room *r = ch->rooms.list; r != NULL; r = r->next)
		ROOM_FOREACH(r, m, it)
			if (!m->remote)
				fn(m, arg);
}

/* Store, log and keep a topic; src is who set it as "nick!user@host" ("" unknown). */
static void topic_keep(struct chat *ch, struct room *r, const char *by, const char *src,
    time_t t, const char *text, size_t len)
{
	room_set_topic(r, by, src, t, text, len);
	chatlog_add(&ch->log, t, r->name, "TOPIC", by,
	    r->topic != NULL ? r->topic : "", r->topic != NULL ? strlen(r->topic) : 0);
	topics_changed(&ch->topics, &ch->rooms);
}

void chat_topic_from(struct chat *ch, struct room *r, const char *by, time_t t,
    const char *text, size_t len)
{
	topic_keep(ch, r, by, "", t, text, len);
}

static struct event topic_event(struct room *r, const char *by)
{
	return (struct event){ .type = EV_TOPIC, .t = r->topic_at, .room = r, .name = by,
	    .namelen = strlen(by), .text = r->topic != NULL ? r->topic : "",
	    .len = r->topic != NULL ? strlen(r->topic) : 0 };
}

void chat_topic_told(struct chat *ch, struct room *r, const char *by, time_t t,
    const char *text, size_t len)
{
	struct event ev;

	chat_topic_from(ch, r, by, t, text, len);
	ev = topic_event(r, by);
	chat_apply(ch, &ev, NULL);
}

void chat_set_topic(struct chat *ch, struct room *r, const char *by, const char *text,
    size_t len)
{
	char src[ROOM_TOPIC_SRC_MAX + 1] = "";
	struct event ev;

	if (ch->hooks.source_of != NULL)
		ch->hooks.source_of(ch->hooks.source_arg, by, strlen(by), src, sizeof(src));
	topic_keep(ch, r, by, src, time(NULL), text, len);
	ev = topic_event(r, by);
	emit(ch, &ev, NULL);            /* and to the other servers (--redis) */
}

struct purge_who {
	const char *name;
};

static int purge_match(const char *name, const void *arg)
{
	const struct purge_who *w = arg;

	return names_equal(name, w->name);
}

static size_t purge_room(struct room *r, const char *name)
{
	struct purge_who w = { name };

	return backlog_purge(&r->hist, purge_match, &w);
}

size_t chat_purge(struct chat *ch, const char *name)
{
	size_t n = 0;
	time_t now = time(NULL);

	for (struct room *r = ch->rooms.list; r != NULL; r = r->next) {
		n += purge_room(r, name);
		chatlog_add(&ch->log, now, r->name, "PURGE", name, "", 0);
	}
	return n;
}

/* --- the log ----------------------------------------------------------------------- */

/* Replaying the log: each kind of record does what the live server did. */
static void replay_said(struct chat *ch, const struct chatlog_rec *rec, enum say_kind kind)
{
	struct room *r = rooms_get_any(&ch->rooms, rec->room);

	r->active = rec->t;
	backlog_add(&r->hist, rec->t, kind, rec->name, strlen(rec->name), rec->text,
	    rec->textlen);
}

static void replay_msg(struct chat *ch, const struct chatlog_rec *rec)
{
	replay_said(ch, rec, SAY_MSG);
}

static void replay_action(struct chat *ch, const struct chatlog_rec *rec)
{
	replay_said(ch, rec, SAY_ACTION);
}

static void replay_evict(struct chat *ch, const struct chatlog_rec *rec)
{
	rooms_drop(&ch->rooms, rec->room);     /* the live server dropped it here */
}

static void replay_purge(struct chat *ch, const struct chatlog_rec *rec)
{
	struct room *r = rooms_find(&ch->rooms, rec->room);

	if (r != NULL && rec->name[0] != '\0')
		purge_room(r, rec->name);
}

static void replay_topic(struct chat *ch, const struct chatlog_rec *rec)
{
	room_set_topic(rooms_get_any(&ch->rooms, rec->room), rec->name, "", rec->t, rec->text,
	    rec->textlen);
}

static void replay_one(void *arg, const struct chatlog_rec *rec)
{
	static const struct {
		const char *kind;
		void (*apply)(struct chat *ch, const struct chatlog_rec *rec);
	} kinds[] = {
		{ "MSG", replay_msg }, { "ACTION", replay_action }, { "EVICT", replay_evict },
		{ "PURGE", replay_purge }, { "TOPIC", replay_topic },
	};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(rec->kind, kinds[i].kind) == 0)
			kinds[i].apply(arg, rec);
}

int chat_replay_log(struct chat *ch, const char *path, char *errbuf, size_t errsz)
{
	long skipped, n = chatlog_replay(path, 3 * ch->cfg.max_line, replay_one, ch, &skipped,
	    errbuf, errsz);

	if (n < 0)
		return -1;
	ch->log_lines = n + skipped;
	log_msg(LOG_INFO, "log %s: %ld records read, %ld skipped", path, n, skipped);
	if (skipped > 0)
		log_msg(LOG_WARN, "log %s: skipped %ld malformed or torn line(s)", path, skipped);
	return 0;
}

/* chatlog_compact()'s source: every room's kept history, oldest first. */
struct snapshot {
	struct room *r;
	size_t i;
	bool topic_done;        /* r's TOPIC record (first) was handed out */
};

static bool snapshot_topic(struct snapshot *sn, struct chatlog_rec *rec)
{
	sn->topic_done = true;
	if (sn->r->topic == NULL)
		return false;
	*rec = (struct chatlog_rec){ sn->r->topic_at, sn->r->name, "TOPIC", sn->r->topic_by,
	    sn->r->topic, strlen(sn->r->topic) };
	return true;
}

static bool snapshot_next(void *arg, struct chatlog_rec *rec)
{
	struct snapshot *sn = arg;
	const struct hentry *e;

	for (;;) {
		if (sn->r == NULL)
			return false;
		if (!sn->topic_done && snapshot_topic(sn, rec))
			return true;
		if (sn->i < sn->r->hist.count)
			break;
		sn->r = sn->r->next, sn->i = 0, sn->topic_done = false;
	}
	e = backlog_get(&sn->r->hist, sn->i++);
	*rec = (struct chatlog_rec){ e->t, sn->r->name, said_kind((enum say_kind)e->kind),
	    hentry_name(e), hentry_text(e), e->textlen };
	return true;
}

int chat_log_snapshot(struct chat *ch, char *errbuf, size_t errsz)
{
	struct snapshot sn = { ch->rooms.list, 0, false };
	long n = chatlog_compact(&ch->log, snapshot_next, &sn, errbuf, errsz);

	if (n >= 0)
		log_msg(LOG_INFO, "log %s: rewritten with the %ld record(s) kept", ch->log.path, n);
	return n < 0 ? -1 : 0;
}

static long kept_records(const struct chat *ch)
{
	long n = 0;

	for (const struct room *r = ch->rooms.list; r != NULL; r = r->next)
		n += (long)r->hist.count;
	return n;
}

int chat_open_log(struct chat *ch, const char *path, char *errbuf, size_t errsz)
{
	if (chatlog_open(&ch->log, path, errbuf, errsz) != 0)
		return -1;
	if (chatlog_should_compact(ch->log_lines, kept_records(ch)) &&
	    chat_log_snapshot(ch, errbuf, errsz) != 0)
		log_msg(LOG_WARN, "%s", errbuf);
	return 0;
}

bool chat_has_log(const struct chat *ch)
{
	return ch->log.path != NULL;
}

int chat_flush_log(struct chat *ch)
{
	return chatlog_flush(&ch->log);
}

int chat_reopen_log(struct chat *ch, char *errbuf, size_t errsz)
{
	if (chatlog_reopen(&ch->log, errbuf, errsz) != 0)
		return -1;
	/* A rotated log starts with the history kept, so a restart still replays it. */
	if (chatlog_rotated(&ch->log))
		return chat_log_snapshot(ch, errbuf, errsz);
	return 0;
}
