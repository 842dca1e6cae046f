/* chat_bus.c: the chat in a cluster (see chat_bus.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus_redis.h"
#include "chat_bus.h"
#include "chat_oper.h"
#include "log.h"
#include "spoof.h"
#include "tclimits.h"
#include "util.h"

/* How often a wait for Redis looks again (at start, at close), in milliseconds. */
#define CHAT_BUS_POLL_MS 10

/* A user of another server. */
struct ghost {
	struct member m;            /* first: found by names_find as a member */
	struct ghost *prev, *next;
	int64_t touched_ms;         /* last changed (by an event or the roster) */
	unsigned long roster_gen;   /* the roster answer that listed it last */
	size_t roster_first, roster_last; /* its entries there (one member's come together) */
};

struct chat_bus {
	struct chat *ch;
	struct loop *loop;
	struct bus_redis *b;
	struct ghost *ghosts;
	struct cluster_wait *waits;
	struct hist_req *hists;
	uint64_t roster_timer, roster_req;
	int64_t roster_sent_ms;
	unsigned long roster_gen;   /* roster answers handled */
	bool told_down;
	/* The last group of events from another server (its id and its number) and the
	 * chat's number for it: the events of one action come one after another. */
	char group_server[TC_REDIS_SERVER_ID_MAX + 1];
	unsigned long group_theirs, group_ours;
};

/* A name claimed for a member (struct cluster_wait is the implementation's). */
struct cluster_wait {
	struct chat_bus *cb;
	struct cluster_wait *prev, *next;
	uint64_t id;
	bool history;               /* the claim is done: waiting for the room's history */
	bool subscribing;           /* holding a use of the default room until subscribed */
	uint64_t timer;             /* polling for the subscription */
	int64_t deadline_ms;
	unsigned long msgs;         /* the room's msgs when its history was asked */
	chat_claim_done done;
	void *arg;
	char name[NAME_MAX_BYTES + 1];
};

static void ask_roster(struct chat_bus *cb);

/* --- rooms used here (room.h: the cluster's fields of each room) ------------------- */

static struct room *lobby(struct chat_bus *cb)
{
	return rooms_get_any(&cb->ch->rooms, TC_DEFAULT_ROOM);    /* always there */
}

/* Room r's backlog becomes its stream's newest messages, then the `extra` messages
 * applied here since the stream was asked (they are not in the reply). */
static void history_fill(struct chat_bus *cb, struct room *r, const struct bus_msg *msgs,
    size_t n, unsigned long extra)
{
	struct backlog nb;

	backlog_init(&nb, cb->ch->rooms.hist_max, TC_HISTORY_MAX_BYTES);
	for (size_t i = 0; i < n; i++)
		backlog_add(&nb, msgs[i].ev.t, msgs[i].ev.kind, msgs[i].ev.name,
		    msgs[i].ev.namelen, msgs[i].ev.text, msgs[i].ev.len);
	for (size_t i = r->hist.count > extra ? r->hist.count - extra : 0; i < r->hist.count; i++) {
		const struct hentry *e = backlog_get(&r->hist, i);

		backlog_add(&nb, e->t, (enum say_kind)e->kind, hentry_name(e), e->namelen,
		    hentry_text(e), e->textlen);
	}
	backlog_free(&r->hist);
	r->hist = nb;
}

struct hist_req {
	struct hist_req *prev, *next;   /* cb->hists: freed at close if not answered */
	struct chat_bus *cb;
	unsigned long serial, msgs; /* the room's when asked (room.h) */
	char room[ROOM_NAME_MAX_BYTES + 1];
};

static void hist_free(struct hist_req *h)
{
	if (h->prev != NULL)
		h->prev->next = h->next;
	else
		h->cb->hists = h->next;
	if (h->next != NULL)
		h->next->prev = h->prev;
	free(h);
}

/* The messages applied to r since h was asked: all of them when r was dropped and made
 * again meanwhile. */
static unsigned long msgs_since(const struct room *r, const struct hist_req *h)
{
	return r->serial == h->serial ? r->cluster.msgs - h->msgs : r->cluster.msgs;
}

static void on_room_history(void *arg, const struct bus_msg *msgs, size_t n, bool ok)
{
	struct hist_req *h = arg;
	struct room *r = rooms_find(&h->cb->ch->rooms, h->room);

	if (ok && r != NULL)
		history_fill(h->cb, r, msgs, n, msgs_since(r, h));
	hist_free(h);
}

static struct hist_req *hist_new(struct chat_bus *cb, const struct room *r)
{
	struct hist_req *h = xcalloc(1, sizeof(*h));

	*h = (struct hist_req){ .next = cb->hists, .cb = cb, .serial = r->serial,
	    .msgs = r->cluster.msgs };
	snprintf(h->room, sizeof(h->room), "%s", r->name);
	if (cb->hists != NULL)
		cb->hists->prev = h;
	cb->hists = h;
	return h;
}

static bool topic_same(const struct room *r, const struct event *ev)
{
	const char *now = r->topic != NULL ? r->topic : "";

	return strlen(now) == ev->len && memcmp(now, ev->text, ev->len) == 0;
}

/* The room's topic kept in Redis, if newer than this server's: taken silently (the
 * next newcomer and /topic see it). */
static void on_room_topic(void *arg, const struct bus_msg *msgs, size_t n, bool ok)
{
	struct hist_req *h = arg;
	struct room *r = rooms_find(&h->cb->ch->rooms, h->room);

	if (ok && n == 1 && r != NULL && !topic_same(r, &msgs[0].ev) &&
	    (r->topic == NULL || msgs[0].ev.t >= r->topic_at))
		chat_topic_from(h->cb->ch, r, msgs[0].name, msgs[0].ev.t, msgs[0].ev.text,
		    msgs[0].ev.len);
	hist_free(h);
}

/* Asked before the room's history: answered before it. */
static void ask_topic(struct chat_bus *cb, const struct room *r)
{
	struct hist_req *h = hist_new(cb, r);

	if (bus_redis_topic(cb->b, r->name, on_room_topic, h) == 0)
		hist_free(h);
}

/* The first local member arrived: the room's channel, then who of the other servers
 * is in it already, its topic and its history. */
static void room_used(void *arg, struct room *r)
{
	struct chat_bus *cb = arg;
	struct hist_req *h;

	if (r->cluster.local++ > 0)
		return;
	bus_redis_room_used(cb->b, r->name);
	ask_roster(cb);
	ask_topic(cb, r);
	h = hist_new(cb, r);
	/* Never cancelled: a reply after the room was dropped is ignored. */
	if (bus_redis_history(cb->b, r->name, cb->ch->rooms.hist_max, on_room_history, h) == 0)
		hist_free(h);
}

/* The last local member left: the channel goes. */
static void room_unused(void *arg, struct room *r)
{
	struct chat_bus *cb = arg;

	if (r->cluster.local == 0 || --r->cluster.local > 0)
		return;
	bus_redis_room_unused(cb->b, r->name);
}

/* --- names ------------------------------------------------------------------------ */

/* A name's two keys (names.h: case, look-alike); NULL for a part that cannot be made. */
static void name_keys(const char *name, char *k[2])
{
	size_t n;

	k[0] = spoof_skeleton(name, strlen(name), &n);
	k[1] = spoof_lookalike(name, strlen(name), &n);
}

/* name's key for Redis (bus_redis.h): "<case key>\t<look-alike key>", without the parts
 * equal to the same kind of key of other when other is not NULL (a rename keeps those).
 * NULL when no part is left. */
static char *name_key(const char *name, const char *other)
{
	char *k[2], *o[2] = { NULL, NULL }, *out = NULL;

	name_keys(name, k);
	if (other != NULL)
		name_keys(other, o);
	for (int i = 0; i < 2; i++)
		if (k[i] != NULL && o[i] != NULL && strcmp(k[i], o[i]) == 0) {
			free(k[i]);
			k[i] = NULL;
		}
	if (k[0] != NULL || k[1] != NULL) {
		size_t len = (k[0] ? strlen(k[0]) : 0) + (k[1] ? strlen(k[1]) : 0) + 2;

		out = xmalloc(len);
		snprintf(out, len, "%s\t%s", k[0] ? k[0] : "", k[1] ? k[1] : "");
	}
	for (int i = 0; i < 2; i++) {
		free(k[i]);
		free(o[i]);
	}
	return out;
}

/* name's keys are free again, but those it shares with keep (NULL: none): a member
 * left, renamed (keep: its new name), or did not take a name claimed after all. */
static void release(void *arg, const char *name, const char *keep)
{
	struct chat_bus *cb = arg;
	char *key = name_key(name, keep);

	if (key != NULL)
		bus_redis_release(cb->b, key);
	free(key);
}

/* --- the events decided here ------------------------------------------------------- */

static void publish(void *arg, const struct event *ev)
{
	struct chat_bus *cb = arg;

	if (ev->room == NULL)
		return;
	if (ev->type == EV_MSG)
		ev->room->cluster.msgs++;
	bus_redis_publish(cb->b, ev);
}

/* --- remote members ----------------------------------------------------------------- */

static struct ghost *ghost_find(struct chat_bus *cb, const char *name, size_t len)
{
	struct member *m = names_find(cb->ch->names, name, len);

	return m != NULL && m->remote ? (struct ghost *)(void *)m : NULL;
}

/* g is not in room r any more. */
static void ghost_part(struct chat_bus *cb, struct ghost *g, struct room *r)
{
	if (r == NULL || !member_in(&g->m, r))
		return;
	room_remove(r, &g->m);
	if (r->cluster.local == 0)
		rooms_tidy(&cb->ch->rooms, r);
}

/* g is in none of its rooms; keep: the one room it stays in (NULL: none). */
static void ghost_unplace(struct chat_bus *cb, struct ghost *g, const struct room *keep)
{
	const struct membership *mb = member_rooms(&g->m);

	while (mb != NULL) {
		if (mb->room == keep) {
			mb = member_next_room(&g->m, mb);
			continue;
		}
		ghost_part(cb, g, mb->room);
		mb = member_rooms(&g->m);       /* the list changed: from the start */
	}
}

static void ghost_free(struct chat_bus *cb, struct ghost *g)
{
	ghost_unplace(cb, g, NULL);
	names_del(cb->ch->names, g->m.name);
	if (g->prev != NULL)
		g->prev->next = g->next;
	else
		cb->ghosts = g->next;
	if (g->next != NULL)
		g->next->prev = g->prev;
	free(g);
}

/* The remote member called name, made if new; NULL when a local user has the name (an
 * outage's clash). */
static struct ghost *ghost_get(struct chat_bus *cb, const char *name, size_t len)
{
	struct member *m = names_find(cb->ch->names, name, len);
	struct ghost *g;

	if (m != NULL)
		return m->remote ? (struct ghost *)(void *)m : NULL;
	g = xcalloc(1, sizeof(*g));
	member_init(&g->m, NULL);
	g->m.remote = true;
	g->m.state = MEMBER_CHATTING;
	snprintf(g->m.name, sizeof(g->m.name), "%.*s", (int)len, name);
	g->m.namelen = (uint8_t)strlen(g->m.name);
	names_add(cb->ch->names, g->m.name, &g->m);
	g->next = cb->ghosts;
	if (cb->ghosts != NULL)
		cb->ghosts->prev = g;
	cb->ghosts = g;
	return g;
}

/* name (of another server) is in room r too (NULL: somewhere this server does not see). */
static struct ghost *ghost_join(struct chat_bus *cb, const char *name, size_t len,
    struct room *r)
{
	struct ghost *g = ghost_get(cb, name, len);

	if (g != NULL && r != NULL && !member_in(&g->m, r))
		room_add(&cb->ch->rooms, r, &g->m);
	return g;
}

/* name (of another server) is in room r now, and in no other (an event: newer than the
 * roster asked before it). */
static void ghost_place(struct chat_bus *cb, const char *name, size_t len, struct room *r)
{
	struct ghost *g = ghost_join(cb, name, len, r);

	if (g == NULL)
		return;
	g->touched_ms = loop_now_ms();
	ghost_unplace(cb, g, r);
}

/* name went from room r (to via, NULL: it only left r; its other rooms stay). */
static void ghost_moved(struct chat_bus *cb, const char *name, size_t len, struct room *r,
    const char *via)
{
	struct ghost *g = ghost_join(cb, name, len,
	    via != NULL ? rooms_get(&cb->ch->rooms, via) : NULL);

	if (g == NULL)
		return;
	g->touched_ms = loop_now_ms();
	ghost_part(cb, g, r);
}

static void ghost_gone(struct chat_bus *cb, const char *name, size_t len)
{
	struct ghost *g = ghost_find(cb, name, len);

	if (g != NULL)
		ghost_free(cb, g);
}

static void ghost_rename(struct chat_bus *cb, const struct event *ev)
{
	struct ghost *g = ghost_find(cb, ev->name, ev->namelen);

	if (g == NULL || names_find(cb->ch->names, ev->other, ev->otherlen) != NULL)
		return;
	names_del(cb->ch->names, g->m.name);
	snprintf(g->m.name, sizeof(g->m.name), "%.*s", (int)ev->otherlen, ev->other);
	g->m.namelen = (uint8_t)strlen(g->m.name);
	names_add(cb->ch->names, g->m.name, &g->m);
	g->touched_ms = loop_now_ms();
}

/* --- the events decided elsewhere --------------------------------------------------- */

static void deliver_priv(struct chat_bus *cb, struct event *e)
{
	struct member *to = names_find(cb->ch->names, e->other, e->otherlen);

	if (to == NULL || to->remote || to->room == NULL)
		return;
	e->room = to->room;
	chat_apply(cb->ch, e, NULL);
}

static void apply_in(struct chat_bus *cb, struct event *e, struct room *r)
{
	if (r == NULL)
		return;
	e->room = r;
	chat_apply(cb->ch, e, NULL);
	if (e->type == EV_LEAVE || e->type == EV_MOVE_OUT)
		rooms_tidy(&cb->ch->rooms, r);
}

/* A topic set on another server: stored, and told as if set here. */
static void topic_from(struct chat_bus *cb, const struct event *e, struct room *r)
{
	char by[NAME_MAX_BYTES + 1];

	if (r == NULL)
		return;
	snprintf(by, sizeof(by), "%.*s", (int)e->namelen, e->name);
	chat_topic_told(cb->ch, r, by, e->t, e->text, e->len);
}

/* The chat's group number for server's group theirs (0: none), so that the dialects
 * see one action as they do here (event.h). */
static unsigned long group_of(struct chat_bus *cb, const char *server, unsigned long theirs)
{
	if (theirs == 0)
		return 0;
	if (theirs != cb->group_theirs || strcmp(server, cb->group_server) != 0) {
		snprintf(cb->group_server, sizeof(cb->group_server), "%s", server);
		cb->group_theirs = theirs;
		cb->group_ours = ++cb->ch->groups;
	}
	return cb->group_ours;
}

static void on_remote(void *arg, const char *server, const char *room,
    const struct event *ev)
{
	struct chat_bus *cb = arg;
	struct room *r = rooms_find(&cb->ch->rooms, room);
	struct event e = *ev;

	e.group = group_of(cb, server, ev->group);
	switch (e.type) {
	case EV_PRIV:
		deliver_priv(cb, &e);
		return;
	case EV_JOIN:               /* a newcomer: in that room only */
		apply_in(cb, &e, r);
		ghost_place(cb, e.name, e.namelen, r);
		return;
	case EV_MOVE_IN: {          /* a room more (a move's other half is its MOVE_OUT) */
		struct ghost *g;

		apply_in(cb, &e, r);
		g = ghost_join(cb, e.name, e.namelen, r);
		if (g != NULL)
			g->touched_ms = loop_now_ms();
		return;
	}
	case EV_LEAVE:
		ghost_gone(cb, e.name, e.namelen);
		break;
	case EV_MOVE_OUT:
		ghost_moved(cb, e.name, e.namelen, r, e.via);
		break;
	case EV_RENAME:
		ghost_rename(cb, &e);
		break;
	case EV_MSG:
		if (r != NULL)
			r->cluster.msgs++;
		break;
	case EV_TOPIC:
		topic_from(cb, &e, r);
		return;
	default:
		break;
	}
	/* Again: moving the member out may have dropped an empty room. */
	apply_in(cb, &e, rooms_find(&cb->ch->rooms, room));
}

/* --- the roster: every other server's members, for the rooms not subscribed -------- */

/* Where this answer lists each ghost: its first and last entry (a member's rooms come
 * one after another), so that each ghost is looked at in its own entries only: the
 * roster is handled in time linear in its size, every TC_REDIS_REFRESH_MS. */
static void roster_mark(struct chat_bus *cb, const struct bus_roster_entry *es, size_t n)
{
	cb->roster_gen++;
	for (size_t i = 0; i < n; i++) {
		struct ghost *g = ghost_find(cb, es[i].name, strlen(es[i].name));

		if (g == NULL)
			continue;
		if (g->roster_gen != cb->roster_gen) {
			g->roster_gen = cb->roster_gen;
			g->roster_first = i;
		}
		g->roster_last = i;
	}
}

/* Does the answer list g in room? */
static bool in_roster(const struct chat_bus *cb, const struct ghost *g,
    const struct bus_roster_entry *es, const char *room)
{
	if (g->roster_gen != cb->roster_gen)
		return false;
	for (size_t i = g->roster_first; i <= g->roster_last; i++)
		if (names_equal(es[i].name, g->m.name) && names_equal(es[i].room, room))
			return true;
	return false;
}

/* A ghost the roster is newer for: out of the rooms the roster does not list it in (or
 * gone, when not listed at all). */
static void roster_trim(struct chat_bus *cb, struct ghost *g, const struct bus_roster_entry *es)
{
	const struct membership *mb;

	if (g->roster_gen != cb->roster_gen) {
		ghost_free(cb, g);
		return;
	}
	for (mb = member_rooms(&g->m); mb != NULL; ) {
		if (in_roster(cb, g, es, mb->room->name)) {
			mb = member_next_room(&g->m, mb);
			continue;
		}
		ghost_part(cb, g, mb->room);
		mb = member_rooms(&g->m);
	}
}

/* The roster has an entry per room of each member: a ghost is in each of them. */
static void on_roster(void *arg, const struct bus_roster_entry *es, size_t n, bool ok)
{
	struct chat_bus *cb = arg;
	struct ghost *g, *next;

	cb->roster_req = 0;
	if (!ok)
		return;
	/* What changed after the question was asked is newer than the answer. */
	roster_mark(cb, es, n);
	for (g = cb->ghosts; g != NULL; g = next) {
		next = g->next;
		if (g->touched_ms < cb->roster_sent_ms)
			roster_trim(cb, g, es);
	}
	for (size_t i = 0; i < n; i++) {
		g = ghost_find(cb, es[i].name, strlen(es[i].name));
		if (g == NULL || g->touched_ms < cb->roster_sent_ms)
			(void)ghost_join(cb, es[i].name, strlen(es[i].name),
			    rooms_get(&cb->ch->rooms, es[i].room));
	}
}

static void ask_roster(struct chat_bus *cb)
{
	if (cb->roster_req != 0)
		return;
	cb->roster_sent_ms = loop_now_ms();
	cb->roster_req = bus_redis_roster(cb->b, on_roster, cb);
}

static void on_roster_timer(struct loop *loop, void *arg)
{
	struct chat_bus *cb = arg;

	cb->roster_timer = loop_timer_add(loop, TC_REDIS_REFRESH_MS, on_roster_timer, cb);
	ask_roster(cb);
}

/* --- Redis away and back ------------------------------------------------------------ */

static char down_text[] = "The link to the other servers is down: "
    "you are talking with this server's users only for now.";
static char back_text[] = "The link to the other servers is back.";

static void tell_one(struct member *m, void *arg)
{
	member_info(m, arg);
	member_prompt(m, time(NULL));
}

static void on_status(void *arg, bool up)
{
	struct chat_bus *cb = arg;

	if (!up && !cb->told_down) {
		cb->told_down = true;
		log_msg(LOG_WARN, "redis: lost; serving this server's users only until it is back");
		chat_each_member(cb->ch, tell_one, down_text);
	} else if (up && cb->told_down) {
		cb->told_down = false;
		log_msg(LOG_WARN, "redis: back; the cluster is whole again");
		chat_each_member(cb->ch, tell_one, back_text);
	}
	if (up)
		ask_roster(cb);
}

static void on_name_lost(void *arg, const char *key)
{
	(void)arg;
	log_msg(LOG_WARN, "redis: a name held here during the outage was taken by another "
	    "server meanwhile (%s); both users keep it until one renames", key);
}

/* --- claiming a new user's name ---------------------------------------------------- */

static void wait_free(struct cluster_wait *w)
{
	if (w->timer != 0)
		loop_timer_cancel(w->cb->loop, w->timer);
	if (w->subscribing)
		bus_redis_room_unused(w->cb->b, TC_DEFAULT_ROOM);
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		w->cb->waits = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	free(w);
}

static enum chat_claim claim_result(enum bus_claim result)
{
	return result == BUS_CLAIM_OK ? CHAT_CLAIM_OK
	    : result == BUS_CLAIM_TAKEN ? CHAT_CLAIM_TAKEN : CHAT_CLAIM_UNKNOWN;
}

static void wait_done(struct cluster_wait *w, enum chat_claim res)
{
	struct chat *ch = w->cb->ch;
	struct chat_bus *cb = w->cb;
	chat_claim_done done = w->done;
	void *arg = w->arg;
	bool held = w->subscribing;

	w->subscribing = false;
	wait_free(w);
	done(ch, arg, res);
	if (held)       /* after the entry took its own use: no unsubscribe between */
		bus_redis_room_unused(cb->b, TC_DEFAULT_ROOM);
}

static void on_entry_history(void *arg, const struct bus_msg *msgs, size_t n, bool ok)
{
	struct cluster_wait *w = arg;
	struct room *r = lobby(w->cb);

	/* Still no local member in the room: its backlog is the stream's. */
	if (ok && r->cluster.local == 0)
		history_fill(w->cb, r, msgs, n, r->cluster.msgs - w->msgs);
	wait_done(w, CHAT_CLAIM_OK);
}

static void on_entry_poll(struct loop *loop, void *arg)
{
	struct cluster_wait *w = arg;
	struct chat_bus *cb = w->cb;

	w->timer = 0;
	if (!bus_redis_room_subscribed(cb->b, TC_DEFAULT_ROOM) && bus_redis_up(cb->b) &&
	    loop_now_ms() < w->deadline_ms) {
		w->timer = loop_timer_add(loop, 5, on_entry_poll, w);
		return;
	}
	w->msgs = lobby(cb)->cluster.msgs;
	ask_topic(cb, lobby(cb));           /* in the welcome too */
	w->id = bus_redis_history(cb->b, TC_DEFAULT_ROOM, cb->ch->rooms.hist_max,
	    on_entry_history, w);
	if (w->id == 0)
		wait_done(w, CHAT_CLAIM_OK);
}

static void on_entry_claim(void *arg, const char *key, enum bus_claim result)
{
	struct cluster_wait *w = arg;
	struct chat_bus *cb = w->cb;

	(void)key;
	if (result != BUS_CLAIM_OK) {
		wait_done(w, claim_result(result));
		return;
	}
	w->history = true;
	w->id = 0;
	if (lobby(cb)->cluster.local > 0) {
		wait_done(w, CHAT_CLAIM_OK);
		return;
	}
	/* The room's channel first, so nothing said after the history is missed. */
	w->subscribing = true;
	bus_redis_room_used(cb->b, TC_DEFAULT_ROOM);
	w->deadline_ms = loop_now_ms() + TC_REDIS_COMMAND_TIMEOUT_MS;
	on_entry_poll(cb->loop, w);
}

static struct cluster_wait *wait_new(struct chat_bus *cb, const char *name,
    chat_claim_done done, void *arg)
{
	struct cluster_wait *w = xcalloc(1, sizeof(*w));

	*w = (struct cluster_wait){ .cb = cb, .done = done, .arg = arg };
	snprintf(w->name, sizeof(w->name), "%s", name);
	w->next = cb->waits;
	if (cb->waits != NULL)
		cb->waits->prev = w;
	cb->waits = w;
	return w;
}

/* Send w's claim (of the keys its name does not share with old, when not NULL); NULL
 * (w freed) when there is nothing to wait for. */
static struct cluster_wait *wait_claim(struct cluster_wait *w, const char *old,
    bus_redis_claim_cb cb)
{
	char *key = name_key(w->name, old);

	w->id = key != NULL ? bus_redis_claim(w->cb->b, key, cb, w) : 0;
	free(key);
	if (w->id == 0) {
		wait_free(w);
		return NULL;
	}
	return w;
}

/* A new member's name; when granted, the default room is made ready too (its channel
 * and history, if no local member is in it). */
static struct cluster_wait *enter(void *arg, const char *name, chat_claim_done done,
    void *done_arg)
{
	return wait_claim(wait_new(arg, name, done, done_arg), NULL, on_entry_claim);
}

static void on_name_claim(void *arg, const char *key, enum bus_claim result)
{
	(void)key;
	wait_done(arg, claim_result(result));
}

/* A rename's new name: the keys it does not share with old. */
static struct cluster_wait *claim(void *arg, const char *old, const char *name,
    chat_claim_done done, void *done_arg)
{
	char *key = name_key(name, old);

	free(key);
	if (key == NULL)
		return NULL;            /* one name to Redis: nothing to claim */
	return wait_claim(wait_new(arg, name, done, done_arg), old, on_name_claim);
}

static void cancel(void *arg, struct cluster_wait *w)
{
	struct chat_bus *cb = arg;

	bus_redis_cancel(cb->b, w->id);
	if (w->history)
		release(cb, w->name, NULL);     /* claimed for a user now gone */
	wait_free(w);
}

/* --- /stats and SIGUSR1 ------------------------------------------------------------- */

/* "cluster: redis up, published 12, queued 0, dropped 0, received 9, own 12, gaps 0,
 * bad 0, dead servers 0, reannounced 0" (bus_redis.h: the counters). */
static char *stats_line(void *arg, char *out, size_t outsz)
{
	const struct chat_bus *cb = arg;
	const struct bus_redis_stats *st = bus_redis_stats(cb->b);

	snprintf(out, outsz, "cluster: redis %s, published %lu, queued %lu, dropped %lu, "
	    "received %lu, own %lu, gaps %lu, bad %lu, dead servers %lu, reannounced %lu",
	    bus_redis_up(cb->b) ? "up" : "down", st->published, st->queued, st->dropped,
	    st->received, st->own, st->gaps, st->bad, st->dead_servers, st->reannounced);
	return out;
}

size_t chat_bus_rooms(const struct chat_bus *cb)
{
	return cb->ch->rooms.count + bus_redis_channels(cb->b);
}

/* --- operator actions ------------------------------------------------------------- */

/* Another server's operator action: the chat's rules apply it (chat_oper.h). */
static void on_oper(void *arg, const struct cluster_oper *op)
{
	struct chat_bus *cb = arg;

	chat_oper_remote(cb->ch, op);
}

/* This server's: to the others. */
static void oper(void *arg, struct cluster_oper *op)
{
	struct chat_bus *cb = arg;

	bus_redis_oper(cb->b, op);
}

static bool purge(void *arg, const char *name)
{
	struct chat_bus *cb = arg;

	return bus_redis_purge(cb->b, name);
}

static bool up(void *arg)
{
	struct chat_bus *cb = arg;

	return bus_redis_up(cb->b);
}

/* The member is a ghost (first in struct ghost) whose leave this server missed. */
static void forget(void *arg, struct member *remote)
{
	log_msg(LOG_INFO, "redis: %s has left (its name was given to a user here)",
	    remote->name);
	ghost_free(arg, (struct ghost *)(void *)remote);
}

/* --- setup ------------------------------------------------------------------------- */

/* Running the loop until Redis said something (bus_redis_up, bus_redis_left), for at
 * most a deadline. */
struct redis_poll {
	const struct bus_redis *b;
	bool (*done)(const struct bus_redis *b);
	int64_t deadline_ms;
};

static void on_redis_poll(struct loop *loop, void *arg)
{
	struct redis_poll *p = arg;

	if (p->done(p->b) || loop_now_ms() > p->deadline_ms)
		loop_stop(loop);
	else
		loop_timer_add(loop, CHAT_BUS_POLL_MS, on_redis_poll, p);
}

static void run_until(struct chat_bus *cb, bool (*done)(const struct bus_redis *b), int ms)
{
	struct redis_poll p = { cb->b, done, loop_now_ms() + ms };

	loop_timer_add(cb->loop, 0, on_redis_poll, &p);
	(void)loop_run(cb->loop);
}

/* Leave the cluster cleanly (names released, out of the presence set), running the
 * loop for at most TC_REDIS_COMMAND_TIMEOUT_MS until Redis answered; then free. */
static void close_cluster(void *arg)
{
	struct chat_bus *cb = arg;

	loop_timer_cancel(cb->loop, cb->roster_timer);
	bus_redis_leave(cb->b);
	run_until(cb, bus_redis_left, TC_REDIS_COMMAND_TIMEOUT_MS);
	while (cb->ghosts != NULL)
		ghost_free(cb, cb->ghosts);
	while (cb->waits != NULL)
		wait_free(cb->waits);
	bus_redis_free(cb->b);      /* no callback runs after this */
	while (cb->hists != NULL)
		hist_free(cb->hists);
	cb->ch->cluster = (struct cluster){ 0 };
	free(cb);
}

static const struct cluster_ops redis_cluster = {
	.publish = publish, .room_used = room_used, .room_unused = room_unused,
	.enter = enter, .claim = claim, .release = release, .cancel = cancel,
	.forget = forget, .up = up, .oper = oper, .purge = purge, .stats_line = stats_line,
	.close = close_cluster,
};

struct chat_bus *chat_bus_new(struct chat *ch, struct loop *loop, const char *url,
    size_t history, char *err, size_t errsz)
{
	struct chat_bus *cb = xcalloc(1, sizeof(*cb));
	struct bus_redis_config cfg = { .url = url, .history = history, .deliver = on_remote,
	    .name_lost = on_name_lost, .status = on_status, .oper = on_oper, .arg = cb };

	cb->ch = ch;
	cb->loop = loop;
	cb->b = bus_redis_new(loop, &cfg, err, errsz);
	if (cb->b == NULL) {
		free(cb);
		return NULL;
	}
	ch->cluster = (struct cluster){ &redis_cluster, cb };
	cb->roster_timer = loop_timer_add(loop, TC_REDIS_REFRESH_MS, on_roster_timer, cb);
	log_msg(LOG_INFO, "redis: %s, this server is %s", url, bus_redis_server_id(cb->b));
	run_until(cb, bus_redis_up, TC_REDIS_CONNECT_TIMEOUT_MS);
	if (!bus_redis_up(cb->b))
		log_msg(LOG_WARN, "redis: not reachable yet; serving this server's users only "
		    "until it is");
	return cb;
}
