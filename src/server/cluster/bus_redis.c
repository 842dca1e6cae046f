/* bus_redis.c: the cluster bus on Redis: pub/sub delivery, stream history, name
 * leases, presence and dead servers, the outage queue. See bus_redis.h. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>

#include "bus_redis.h"
#include "log.h"
#include "strtab.h"
#include "redis_loop.h"
#include "tclimits.h"
#include "util.h"

#define KEY_MAX (BUS_CHANNEL_MAX + NAME_MAX_BYTES * 3 + TC_REDIS_SERVER_ID_MAX)

/* Refresh a name: ours (or free) -> ours for the lease; 1, or 0 if another holds it. */
static const char refresh_lua[] =
    "local v = redis.call('GET', KEYS[1]) "
    "if v == false or v == ARGV[1] then "
    "redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end return 0";
/* Claim a name's keys (one or two): all of them, or none if one is held; 1 or 0. */
static const char claim_lua[] =
    "for _, k in ipairs(KEYS) do if redis.call('EXISTS', k) == 1 then return 0 end end "
    "for _, k in ipairs(KEYS) do redis.call('SET', k, ARGV[1], 'PX', ARGV[2]) end "
    "return 1";
/* Release a name's keys, each only if it is ours. */
static const char release_lua[] =
    "local n = 0 for _, k in ipairs(KEYS) do "
    "if redis.call('GET', k) == ARGV[1] then n = n + redis.call('DEL', k) end end "
    "return n";
/* Take out every server whose heartbeat expired: atomic, so exactly one survivor gets
 * each dead server's members: { id, { name, room, ... }, ... }. */
static const char reap_lua[] =
    "local out = {} "
    "for _, id in ipairs(redis.call('SMEMBERS', 'tcpchat:servers')) do "
    "if id ~= ARGV[1] and redis.call('EXISTS', 'tcpchat:server:' .. id) == 0 then "
    "redis.call('SREM', 'tcpchat:servers', id) "
    "table.insert(out, id) "
    "table.insert(out, redis.call('HGETALL', 'tcpchat:members:' .. id)) "
    "redis.call('DEL', 'tcpchat:members:' .. id) end end return out";
/* Every other server's members: { name, room, name, room, ... }. */
static const char roster_lua[] =
    "local out = {} "
    "for _, id in ipairs(redis.call('SMEMBERS', 'tcpchat:servers')) do "
    "if id ~= ARGV[1] then "
    "local h = redis.call('HGETALL', 'tcpchat:members:' .. id) "
    "for i = 1, #h do table.insert(out, h[i]) end end end return out";

/* --- the tables (strtab.h): name keys held, members here ------------------------- */

/* A set of Redis keys (the values are NULL). */
static bool key_in(const struct strtab *t, const char *key)
{
	return strtab_find(t, key, strlen(key)) != NULL;
}

static void key_add(struct strtab *t, const char *key)
{
	strtab_put(t, key, strlen(key), NULL);
}

static void key_del(struct strtab *t, const char *key)
{
	strtab_del(t, key, strlen(key));
}

/* A table of strings it owns (members here: name -> rooms). */
static void text_put(struct strtab *t, const char *key, const char *val)
{
	free(strtab_put(t, key, strlen(key), xstrdup(val)));
}

static void text_del(struct strtab *t, const char *key)
{
	free(strtab_del(t, key, strlen(key)));
}

static const char *text_get(const struct strtab *t, const char *key)
{
	return strtab_get(t, key, strlen(key));
}

static void text_free(struct strtab *t)
{
	STRTAB_FOREACH(t, e)
		free(e->val);
	strtab_free(t);
}

/* --- rooms (channels) and the sequences seen on them --------------------------------- */

struct peer {
	struct peer *next;
	uint64_t last;
	char server[TC_REDIS_SERVER_ID_MAX + 1];
};

struct broom {
	int used;                /* bus_redis_room_used minus _unused */
	bool subscribed;         /* confirmed by Redis */
	uint64_t seq;            /* our last sequence number on this channel */
	struct peer *peers;      /* the last sequence number of each other server */
	char channel[BUS_CHANNEL_MAX];
};

/* --- pending requests and the outage queue -------------------------------------- */

enum req_kind { REQ_CLAIM, REQ_REFRESH, REQ_HISTORY, REQ_ROSTER };

struct req {
	struct bus_redis *b;
	struct req *prev, *next;
	uint64_t id;
	enum req_kind kind;
	bool cancelled;
	bus_redis_claim_cb claim_cb;
	bus_redis_history_cb hist_cb;
	bus_redis_roster_cb roster_cb;
	void *arg;
	char key[];
};

struct qent {
	struct qent *next;
	bool hist;
	char channel[BUS_CHANNEL_MAX];
	char histkey[BUS_CHANNEL_MAX];
	size_t len;
	char payload[];
};

struct bus_redis {
	struct loop *loop;
	struct bus_redis_config cfg;
	char id[TC_REDIS_SERVER_ID_MAX + 1];
	unsigned long reaped;       /* dead servers' members told gone (their leaves' group) */
	char members_key[BUS_CHANNEL_MAX + TC_REDIS_SERVER_ID_MAX];
	char heartbeat_key[BUS_CHANNEL_MAX + TC_REDIS_SERVER_ID_MAX];
	struct redis_loop *cmd, *sub;
	struct strtab rooms;     /* channel -> struct broom, while used (bus_redis.h) */
	struct broom priv;
	struct strtab names;     /* keys held: claimed (or held during an outage) */
	struct strtab unanswered;   /* name keys whose claim got no answer: it may have
	                             * run in Redis all the same; released on reconnect */
	struct strtab members;   /* local member name -> its rooms (owned strings) */
	struct req *reqs;
	uint64_t next_req;
	struct qent *qhead, *qtail;
	size_t qbytes;
	bool dropping;           /* logged the first drop of this outage */
	bool freeing;
	int leaving;             /* replies awaited by bus_redis_leave */
	uint64_t refresh_timer;
	struct bus_redis_stats stats;
};

static struct broom *room_find(const struct bus_redis *b, const char *channel)
{
	if (strcmp(channel, b->priv.channel) == 0)
		return (struct broom *)(uintptr_t)&b->priv;
	return strtab_get(&b->rooms, channel, strlen(channel));
}

static void free_peers(struct broom *r)
{
	for (struct peer *p = r->peers, *next; p != NULL; p = next) {
		next = p->next;
		free(p);
	}
	r->peers = NULL;
}

/* Another server's sequence on this channel: count what is missing. 1 is a fresh
 * start (that server began publishing here again). */
static void check_seq(struct bus_redis *b, struct broom *r, const char *server, uint64_t seq)
{
	struct peer *p;

	for (p = r->peers; p != NULL && strcmp(p->server, server) != 0; p = p->next)
		;
	if (p == NULL) {
		p = xcalloc(1, sizeof(*p));
		snprintf(p->server, sizeof(p->server), "%s", server);
		p->next = r->peers;
		r->peers = p;
	} else if (seq != 1 && seq > p->last + 1) {
		b->stats.gaps += seq - p->last - 1;
		log_msg(LOG_WARN, "redis: %s missed %llu events of server %s", r->channel,
		    (unsigned long long)(seq - p->last - 1), server);
	}
	p->last = seq;
}

/* --- sending ---------------------------------------------------------------------- */

/* One command from its words (no format to parse: this is every event's path). */
static void send_words(struct bus_redis *b, int argc, const char **argv, size_t payload_len)
{
	size_t lens[8];

	for (int i = 0; i < argc - 1; i++)
		lens[i] = strlen(argv[i]);
	lens[argc - 1] = payload_len;        /* the payload is always last */
	redis_loop_commandv(b->cmd, NULL, NULL, argc, argv, lens);
}

static void send_event(struct bus_redis *b, const char *channel, const char *histkey,
    const char *payload, size_t len)
{
	char maxlen[24];

	send_words(b, 3, (const char *[]){ "PUBLISH", channel, payload }, len);
	if (histkey != NULL && strncmp(histkey, BUS_TOPIC_PREFIX, strlen(BUS_TOPIC_PREFIX)) == 0) {
		send_words(b, 3, (const char *[]){ "SET", histkey, payload }, len);
	} else if (histkey != NULL) {
		snprintf(maxlen, sizeof(maxlen), "%lld", (long long)b->cfg.history);
		send_words(b, 8, (const char *[]){ "XADD", histkey, "MAXLEN", "~", maxlen, "*",
		    "e", payload }, len);
	}
	b->stats.published++;
}

static void queue_drop_oldest(struct bus_redis *b)
{
	struct qent *q = b->qhead;

	b->qhead = q->next;
	if (b->qhead == NULL)
		b->qtail = NULL;
	b->qbytes -= q->len;
	b->stats.queued--;
	b->stats.dropped++;
	free(q);
	if (!b->dropping)
		log_msg(LOG_WARN, "redis: outage queue full, dropping the oldest events");
	b->dropping = true;
}

static void enqueue(struct bus_redis *b, const char *channel, const char *histkey,
    const char *payload, size_t len)
{
	struct qent *q = xcalloc(1, sizeof(*q) + len);

	snprintf(q->channel, sizeof(q->channel), "%s", channel);
	q->hist = histkey != NULL;
	if (histkey != NULL)
		snprintf(q->histkey, sizeof(q->histkey), "%s", histkey);
	memcpy(q->payload, payload, len);
	q->len = len;
	if (b->qtail != NULL)
		b->qtail->next = q;
	else
		b->qhead = q;
	b->qtail = q;
	b->qbytes += len;
	b->stats.queued++;
	while (b->qhead != NULL && (b->stats.queued > b->cfg.queue_max ||
	    b->qbytes > b->cfg.queue_max_bytes))
		queue_drop_oldest(b);
}

static void flush_queue(struct bus_redis *b)
{
	while (b->qhead != NULL && redis_loop_up(b->cmd)) {
		struct qent *q = b->qhead;

		b->qhead = q->next;
		send_event(b, q->channel, q->hist ? q->histkey : NULL, q->payload, q->len);
		b->qbytes -= q->len;
		b->stats.queued--;
		free(q);
	}
	if (b->qhead == NULL)
		b->qtail = NULL;
	b->dropping = false;
}

/* Encode and send (or queue) ev, in room (named; ev->room may be a stand-in). */
static void publish_event(struct bus_redis *b, const struct event *ev)
{
	char channel[BUS_CHANNEL_MAX], histkey[BUS_CHANNEL_MAX], *payload;
	struct broom *r;
	uint64_t seq;
	size_t len;
	bool stored;

	if (ev->type == EV_PRIV)
		snprintf(channel, sizeof(channel), "%s", BUS_PRIV_CHANNEL);
	else
		bus_room_channel(ev->room->name, channel);
	if (ev->type == EV_TOPIC)
		bus_topic_key(ev->room->name, histkey);     /* kept, not added to the stream */
	else
		bus_hist_key(ev->room->name, histkey);
	r = room_find(b, channel);
	seq = r != NULL ? ++r->seq : 1;
	payload = bus_codec_encode(b->id, seq, ev, &len);
	if (payload == NULL)
		return;
	stored = ev->type == EV_MSG || ev->type == EV_TOPIC;
	if (redis_loop_up(b->cmd))
		send_event(b, channel, stored ? histkey : NULL, payload, len);
	else
		enqueue(b, channel, stored ? histkey : NULL, payload, len);
	free(payload);
}

/* --- presence: who is here, kept from the events published ------------------------ */

/* A member's rooms, as kept in tcpchat:members:<id>: comma-separated ("lobby,dev"),
 * the room it entered first first (doc/PROTOCOL.md §3). */
#define ROOM_LIST_MAX (TC_MAX_ROOMS * (ROOM_NAME_MAX_BYTES + 1))

/* The next room of list at *p into room (NUL-terminated); false at the end. */
static bool room_list_next(const char **p, char room[ROOM_NAME_MAX_BYTES + 1])
{
	size_t n;

	while (**p == ',')
		(*p)++;
	if (**p == '\0')
		return false;
	n = strcspn(*p, ",");
	snprintf(room, ROOM_NAME_MAX_BYTES + 1, "%.*s", (int)n, *p);
	*p += n;
	return true;
}

/* list without room (ignoring case), then with add at the end if not NULL, into out. */
static void room_list_edit(const char *list, const char *room, const char *add, char *out,
    size_t outsz)
{
	char r[ROOM_NAME_MAX_BYTES + 1];
	size_t o = 0;

	out[0] = '\0';
	while (list != NULL && room_list_next(&list, r))
		if (strcasecmp(r, room) != 0 && (add == NULL || strcasecmp(r, add) != 0) &&
		    o + strlen(r) + 2 <= outsz)
			o += (size_t)snprintf(out + o, outsz - o, "%s%s", o > 0 ? "," : "", r);
	if (add != NULL && o + strlen(add) + 2 <= outsz)
		snprintf(out + o, outsz - o, "%s%s", o > 0 ? "," : "", add);
}

/* name is in rooms now ("": nowhere, it is gone). */
static void member_rooms_set(struct bus_redis *b, const char *name, size_t n,
    const char *rooms)
{
	char key[NAME_MAX_BYTES + 1];

	snprintf(key, sizeof(key), "%.*s", (int)n, name);
	if (rooms[0] == '\0') {
		text_del(&b->members, key);
		redis_loop_command(b->cmd, NULL, NULL, "HDEL %s %s", b->members_key, key);
		return;
	}
	text_put(&b->members, key, rooms);
	redis_loop_command(b->cmd, NULL, NULL, "HSET %s %s %s", b->members_key, key, rooms);
}

static const char *member_rooms_of(const struct bus_redis *b, const char *name, size_t n)
{
	char key[NAME_MAX_BYTES + 1];

	snprintf(key, sizeof(key), "%.*s", (int)n, name);
	return text_get(&b->members, key);
}

/* A room more (EV_MOVE_IN), or one less and maybe another instead (EV_MOVE_OUT). */
static void member_moved(struct bus_redis *b, const struct event *ev, const char *out,
    const char *in)
{
	char *rooms = xmalloc(ROOM_LIST_MAX);

	room_list_edit(member_rooms_of(b, ev->name, ev->namelen), out, in, rooms, ROOM_LIST_MAX);
	member_rooms_set(b, ev->name, ev->namelen, rooms);
	free(rooms);
}

/* A rename is told in each of its rooms: the first moves the rooms to the new name. */
static void member_renamed(struct bus_redis *b, const struct event *ev)
{
	const char *rooms = member_rooms_of(b, ev->name, ev->namelen);
	char *copy;

	if (rooms == NULL)
		return;
	copy = xstrdup(rooms);
	member_rooms_set(b, ev->name, ev->namelen, "");
	member_rooms_set(b, ev->other, ev->otherlen, copy);
	free(copy);
}

static void track_member(struct bus_redis *b, const struct event *ev)
{
	switch (ev->type) {
	case EV_JOIN:
		member_rooms_set(b, ev->name, ev->namelen, ev->room->name);
		break;
	case EV_MOVE_IN:
		member_moved(b, ev, ev->room->name, ev->room->name);
		break;
	case EV_MOVE_OUT:
		member_moved(b, ev, ev->room->name, ev->via);
		break;
	case EV_LEAVE:
		member_rooms_set(b, ev->name, ev->namelen, "");
		break;
	case EV_RENAME:
		member_renamed(b, ev);
		break;
	default:
		break;
	}
}

void bus_redis_publish(struct bus_redis *b, const struct event *ev)
{
	if (!event_is_room(ev->type) || ev->room == NULL)
		return;
	track_member(b, ev);
	publish_event(b, ev);
}

/* --- requests -------------------------------------------------------------------- */

static struct req *req_new(struct bus_redis *b, enum req_kind kind, const char *key, void *arg)
{
	struct req *q = xcalloc(1, sizeof(*q) + strlen(key) + 1);

	q->b = b;
	q->id = ++b->next_req;
	q->kind = kind;
	q->arg = arg;
	memcpy(q->key, key, strlen(key) + 1);
	q->next = b->reqs;
	if (b->reqs != NULL)
		b->reqs->prev = q;
	b->reqs = q;
	return q;
}

static void req_free(struct req *q)
{
	struct bus_redis *b = q->b;

	if (q->prev != NULL)
		q->prev->next = q->next;
	else
		b->reqs = q->next;
	if (q->next != NULL)
		q->next->prev = q->prev;
	free(q);
}

void bus_redis_cancel(struct bus_redis *b, uint64_t id)
{
	for (struct req *q = b->reqs; q != NULL; q = q->next)
		if (q->id == id)
			q->cancelled = true;
}

/* Send a request's command; on failure the request is dropped and 0 returned. */
static uint64_t req_sent(struct req *q, int rc)
{
	uint64_t id = q->id;

	if (rc == 0)
		return id;
	req_free(q);
	return 0;
}

/* --- names ----------------------------------------------------------------------- */

/* The Redis keys of a name key (bus_redis.h): "<case>\t<look>" (either part may be
 * empty, no tab is "<case>") -> tcpchat:name:<case>, tcpchat:look:<look>. Their count. */
static int name_keys(const char *key, char out[2][KEY_MAX])
{
	const char *tab = strchr(key, '\t');
	int n = 0, caselen = tab != NULL ? (int)(tab - key) : (int)strlen(key);

	if (caselen > 0)
		snprintf(out[n++], KEY_MAX, "tcpchat:name:%.*s", caselen, key);
	if (tab != NULL && tab[1] != '\0')
		snprintf(out[n++], KEY_MAX, "tcpchat:look:%s", tab + 1);
	return n;
}

/* EVAL script over the n keys k, then the given ARGV (one or two). */
static int eval_keys(struct bus_redis *b, redis_loop_reply_cb cb, void *arg,
    const char *script, int n, char k[2][KEY_MAX], const char *argv2)
{
	const char *argv[7] = { "EVAL", script, n == 2 ? "2" : "1", k[0], k[1] };
	size_t i = (size_t)(3 + n);

	argv[i++] = b->id;
	if (argv2 != NULL)
		argv[i++] = argv2;
	return redis_loop_commandv(b->cmd, cb, arg, (int)i, argv, NULL);
}

static int send_release(struct bus_redis *b, const char *key, redis_loop_reply_cb cb, void *arg)
{
	char k[2][KEY_MAX];
	int n = name_keys(key, k);

	return n > 0 ? eval_keys(b, cb, arg, release_lua, n, k, NULL) : -1;
}

/* The Redis keys of a name key held (or not) here: each its own entry in b->names. */
static void names_held(struct bus_redis *b, const char *key, bool held)
{
	char k[2][KEY_MAX];
	int n = name_keys(key, k);

	for (int i = 0; i < n; i++)
		if (held)
			key_add(&b->names, k[i]);
		else
			key_del(&b->names, k[i]);
}

/* Only an integer 1 grants a claim. No answer (the link was lost or timed out before
 * it came: NULL) or an error answer grants nothing and holds nothing: the caller
 * refuses the name for now (BUS_CLAIM_DOWN); asked again while Redis is away, the name
 * is held locally (bus_redis_claim), and a clash is resolved when Redis is back. */
static void on_claim_reply(struct redis_loop *rl, redisReply *r, void *arg)
{
	struct req *q = arg;
	struct bus_redis *b = q->b;
	enum bus_claim res = BUS_CLAIM_TAKEN;

	(void)rl;
	if (r == NULL)
		key_add(&b->unanswered, q->key);
	if (r == NULL || r->type != REDIS_REPLY_INTEGER) {
		if (r != NULL)
			log_msg(LOG_WARN, "redis: a name claim failed: %s",
			    r->type == REDIS_REPLY_ERROR ? r->str : "an unexpected answer");
		res = BUS_CLAIM_DOWN;
	} else if (r->integer == 1) {
		res = BUS_CLAIM_OK;
		if (!q->cancelled)
			names_held(b, q->key, true);
		else
			send_release(b, q->key, NULL, NULL);
	}
	if (!q->cancelled && !b->freeing && q->claim_cb != NULL)
		q->claim_cb(q->arg, q->key, res);
	req_free(q);
}

uint64_t bus_redis_claim(struct bus_redis *b, const char *key, bus_redis_claim_cb cb, void *arg)
{
	char k[2][KEY_MAX], lease[16];
	int n = name_keys(key, k);
	struct req *q;

	if (!redis_loop_up(b->cmd) || n == 0) {
		names_held(b, key, true);
		return 0;
	}
	q = req_new(b, REQ_CLAIM, key, arg);
	q->claim_cb = cb;
	snprintf(lease, sizeof(lease), "%d", b->cfg.name_lease_ms);
	return req_sent(q, eval_keys(b, on_claim_reply, q, claim_lua, n, k, lease));
}

void bus_redis_release(struct bus_redis *b, const char *key)
{
	names_held(b, key, false);
	send_release(b, key, NULL, NULL);
}

static void on_refresh_reply(struct redis_loop *rl, redisReply *r, void *arg)
{
	struct req *q = arg;
	struct bus_redis *b = q->b;

	(void)rl;
	/* 0: another server holds it now (our lease ran out during an outage). */
	if (r != NULL && r->type == REDIS_REPLY_INTEGER && r->integer == 0 &&
	    key_in(&b->names, q->key)) {
		key_del(&b->names, q->key);
		log_msg(LOG_WARN, "redis: a name held here was taken by another server");
		if (!b->freeing && b->cfg.name_lost != NULL)
			b->cfg.name_lost(b->cfg.arg, q->key);
	}
	req_free(q);
}

static void refresh_names(struct bus_redis *b)
{
	STRTAB_FOREACH(&b->names, e) {     /* each key a Redis key (names_held) */
		struct req *q = req_new(b, REQ_REFRESH, e->key, NULL);

		req_sent(q, redis_loop_command(b->cmd, on_refresh_reply, q, "EVAL %s 1 %s %s %d",
		    refresh_lua, e->key, b->id, b->cfg.name_lease_ms));
	}
}

/* --- dead servers ------------------------------------------------------------------- */

/* The leaves of one dead member, told in each of its rooms, share a group number, from
 * a range of their own (the chat's groups count from 1 and never get there). */
#define REAP_GROUP_BASE (1UL << 40)

static void leave_in(struct bus_redis *b, const char *nm, const char *room,
    unsigned long group)
{
	struct room r = { .name = "" };
	struct event ev = { .type = EV_LEAVE, .t = time(NULL), .room = &r, .name = nm,
	    .namelen = strlen(nm), .group = group };

	if (room_check_name(room, strlen(room), r.name) != NULL)
		return;
	if (b->cfg.deliver != NULL)
		b->cfg.deliver(b->cfg.arg, b->id, r.name, &(struct event){ .type = EV_LEAVE,
		    .t = ev.t, .name = nm, .namelen = ev.namelen, .group = group });
	publish_event(b, &ev);
}

/* A dead server's member left each of its rooms ("lobby,dev"). */
static void leave_of_dead(struct bus_redis *b, const redisReply *name, const redisReply *rooms)
{
	char nm[NAME_MAX_BYTES + 1], room[ROOM_NAME_MAX_BYTES + 1];
	const char *p;
	unsigned long group;

	if (name->type != REDIS_REPLY_STRING || rooms->type != REDIS_REPLY_STRING ||
	    names_check(name->str, name->len, nm) != NULL)
		return;
	p = rooms->str;
	group = REAP_GROUP_BASE + ++b->reaped;
	while (room_list_next(&p, room))
		leave_in(b, nm, room, group);
}

static void on_reap_reply(struct redis_loop *rl, redisReply *r, void *arg)
{
	struct bus_redis *b = arg;

	(void)rl;
	if (r == NULL || r->type != REDIS_REPLY_ARRAY || b->freeing)
		return;
	for (size_t i = 0; i + 1 < r->elements; i += 2) {
		const redisReply *m = r->element[i + 1];

		if (r->element[i]->type != REDIS_REPLY_STRING || m->type != REDIS_REPLY_ARRAY)
			continue;
		b->stats.dead_servers++;
		log_msg(LOG_WARN, "redis: server %s is gone (no heartbeat): %zu members leave",
		    r->element[i]->str, m->elements / 2);
		for (size_t j = 0; j + 1 < m->elements; j += 2)
			leave_of_dead(b, m->element[j], m->element[j + 1]);
	}
}

/* --- the refresh timer, and coming back ----------------------------------------- */

static void heartbeat(struct bus_redis *b)
{
	redis_loop_command(b->cmd, NULL, NULL, "SET %s %lld PX %d", b->heartbeat_key,
	    (long long)time(NULL), b->cfg.server_ttl_ms);
}

static void write_members(struct bus_redis *b)
{
	redis_loop_command(b->cmd, NULL, NULL, "DEL %s", b->members_key);
	STRTAB_FOREACH(&b->members, e)
		redis_loop_command(b->cmd, NULL, NULL, "HSET %s %s %s", b->members_key, e->key,
		    e->val);
}

/* Taken for dead while alive (our heartbeat lapsed: a stalled loop, a slow network):
 * the others told their users ours left. Say we are here again, and who is. */
static void reannounce(struct bus_redis *b)
{
	log_msg(LOG_WARN, "redis: this server was taken for dead; announcing its %zu users again",
	    strtab_count(&b->members));
	write_members(b);
	STRTAB_FOREACH(&b->members, e) {
		struct room r = { .name = "" };
		struct event ev = { .type = EV_JOIN, .t = time(NULL), .room = &r, .name = e->key,
		    .namelen = strlen(e->key) };
		const char *p = e->val;

		while (room_list_next(&p, r.name)) {   /* joined its first room, then the others */
			publish_event(b, &ev);
			ev.type = EV_MOVE_IN;
		}
	}
}

static void on_sadd_reply(struct redis_loop *rl, redisReply *r, void *arg)
{
	struct bus_redis *b = arg;

	(void)rl;
	if (r != NULL && r->type == REDIS_REPLY_INTEGER && r->integer == 1 && !b->freeing) {
		b->stats.reannounced++;
		reannounce(b);
	}
}

static void on_refresh(struct loop *loop, void *arg)
{
	struct bus_redis *b = arg;

	(void)loop;
	b->refresh_timer = loop_timer_add(b->loop, b->cfg.refresh_ms, on_refresh, b);
	if (!redis_loop_up(b->cmd))
		return;
	heartbeat(b);
	/* 1: we were not in the set any more (reaped), though Redis stayed up. */
	redis_loop_command(b->cmd, on_sadd_reply, b, "SADD tcpchat:servers %s", b->id);
	refresh_names(b);
	redis_loop_command(b->cmd, on_reap_reply, b, "EVAL %s 0 %s", reap_lua, b->id);
}

/* Claims that got no answer may have run in Redis when it came back from a stall:
 * each key not held here since is released (only where Redis says it is ours), before
 * any new claim is sent on the same connection. */
static void release_unanswered(struct bus_redis *b)
{
	STRTAB_FOREACH(&b->unanswered, e) {
		char k[2][KEY_MAX];
		int n = name_keys(e->key, k);
		bool held = false;

		for (int i = 0; i < n; i++)
			held = held || key_in(&b->names, k[i]);
		if (!held)
			send_release(b, e->key, NULL, NULL);
	}
	strtab_free(&b->unanswered);
}

/* Redis is back (or there for the first time): say who we are and who is here,
 * claim the names again, send what was queued. */
static void cmd_up(void *arg)
{
	struct bus_redis *b = arg;

	release_unanswered(b);
	redis_loop_command(b->cmd, NULL, NULL, "SADD tcpchat:servers %s", b->id);
	heartbeat(b);
	write_members(b);
	refresh_names(b);
	flush_queue(b);
	if (b->cfg.status != NULL)
		b->cfg.status(b->cfg.arg, true);
}

static void cmd_down(void *arg, const char *why)
{
	struct bus_redis *b = arg;

	(void)why;
	/* A Redis that stopped answering commands is not delivering messages either. */
	redis_loop_drop(b->sub, "the command connection was lost");
	if (b->cfg.status != NULL && !b->freeing)
		b->cfg.status(b->cfg.arg, false);
}

static void sub_up(void *arg)
{
	struct bus_redis *b = arg;

	redis_loop_subscribe(b->sub, BUS_OPER_CHANNEL);     /* operator actions */
	redis_loop_subscribe(b->sub, b->priv.channel);
	STRTAB_FOREACH(&b->rooms, e)
		redis_loop_subscribe(b->sub, e->key);
}

static void sub_down(void *arg, const char *why)
{
	struct bus_redis *b = arg;

	(void)why;
	b->priv.subscribed = false;
	STRTAB_FOREACH(&b->rooms, e)
		((struct broom *)e->val)->subscribed = false;
}

static void sub_confirmed(void *arg, const char *channel)
{
	struct broom *r = room_find(arg, channel);

	if (r != NULL)
		r->subscribed = true;
}

/* --- receiving ------------------------------------------------------------------- */

static void oper_message(struct bus_redis *b, const char *p, size_t len);

static bool channel_fits(const struct broom *r, const struct bus_msg *m)
{
	char want[BUS_CHANNEL_MAX];

	if (m->ev.type == EV_PRIV)
		return strcmp(r->channel, BUS_PRIV_CHANNEL) == 0;
	bus_room_channel(m->room, want);
	return strcmp(r->channel, want) == 0;
}

static void on_message(void *arg, const char *channel, size_t chlen, const char *p, size_t len)
{
	struct bus_redis *b = arg;
	struct broom *r = room_find(b, channel);
	struct bus_msg m;
	char err[128];

	(void)chlen;
	if (strcmp(channel, BUS_OPER_CHANNEL) == 0) {
		oper_message(b, p, len);
		return;
	}
	if (r == NULL)
		return;                 /* unsubscribed meanwhile */
	if (bus_codec_is_from(p, len, b->id)) {
		b->stats.own++;         /* ours, back: no need to decode it */
		return;
	}
	if (bus_codec_decode(p, len, &m, err, sizeof(err)) != 0 || !channel_fits(r, &m)) {
		if (b->stats.bad++ == 0)
			log_msg(LOG_WARN, "redis: %s: an event that does not decode: %s", channel, err);
		bus_msg_clear(&m);
		return;
	}
	if (strcmp(m.server, b->id) == 0) {
		b->stats.own++;
	} else {
		check_seq(b, r, m.server, m.seq);
		b->stats.received++;
		if (b->cfg.deliver != NULL)
			b->cfg.deliver(b->cfg.arg, m.server, m.room, &m.ev);
	}
	bus_msg_clear(&m);
}

/* --- rooms ----------------------------------------------------------------------- */

void bus_redis_room_used(struct bus_redis *b, const char *room)
{
	char channel[BUS_CHANNEL_MAX];
	struct broom *r;

	bus_room_channel(room, channel);
	r = room_find(b, channel);
	if (r == NULL) {
		r = xcalloc(1, sizeof(*r));
		memcpy(r->channel, channel, sizeof(channel));
		strtab_put(&b->rooms, channel, strlen(channel), r);
	}
	if (r->used++ == 0 && redis_loop_up(b->sub))
		redis_loop_subscribe(b->sub, r->channel);
}

void bus_redis_room_unused(struct bus_redis *b, const char *room)
{
	char channel[BUS_CHANNEL_MAX];
	struct broom *r;

	bus_room_channel(room, channel);
	r = strtab_get(&b->rooms, channel, strlen(channel));
	if (r == NULL || --r->used > 0)
		return;
	if (redis_loop_up(b->sub))
		redis_loop_unsubscribe(b->sub, channel);
	strtab_del(&b->rooms, channel, strlen(channel));
	free_peers(r);
	free(r);
}

size_t bus_redis_channels(const struct bus_redis *b)
{
	return strtab_count(&b->rooms);
}

bool bus_redis_room_subscribed(const struct bus_redis *b, const char *room)
{
	char channel[BUS_CHANNEL_MAX];
	const struct broom *r;

	bus_room_channel(room, channel);
	r = room_find(b, channel);
	return r != NULL && r->subscribed && b->priv.subscribed;
}

/* --- history --------------------------------------------------------------------- */

/* One XREVRANGE entry: [id, [field, value, ...]]; the event is field "e". */
static bool entry_msg(const redisReply *e, struct bus_msg *out)
{
	const redisReply *f;
	char err[128];

	if (e->type != REDIS_REPLY_ARRAY || e->elements != 2 ||
	    e->element[1]->type != REDIS_REPLY_ARRAY)
		return false;
	f = e->element[1];
	for (size_t i = 0; i + 1 < f->elements; i += 2)
		if (f->element[i]->type == REDIS_REPLY_STRING && strcmp(f->element[i]->str, "e") == 0 &&
		    f->element[i + 1]->type == REDIS_REPLY_STRING)
			return bus_codec_decode(f->element[i + 1]->str, f->element[i + 1]->len, out,
			    err, sizeof(err)) == 0 && out->ev.type == EV_MSG;
	return false;
}

/* A decoded message moved: its event points into its own fields. */
static void msg_move(struct bus_msg *to, const struct bus_msg *from)
{
	*to = *from;
	to->ev.name = to->name;
	to->ev.other = to->other[0] ? to->other : NULL;
	to->ev.via = to->via[0] ? to->via : NULL;
}

static void on_history_reply(struct redis_loop *rl, redisReply *r, void *arg)
{
	struct req *q = arg;
	size_t n = 0, total = r != NULL && r->type == REDIS_REPLY_ARRAY ? r->elements : 0;
	struct bus_msg *msgs = xcalloc(total ? total : 1, sizeof(*msgs));

	(void)rl;
	/* Newest first from Redis: fill from the end, oldest first for the caller. */
	for (size_t i = 0; i < total; i++) {
		struct bus_msg m;

		if (entry_msg(r->element[i], &m))
			msg_move(&msgs[total - 1 - n++], &m);
		else
			bus_msg_clear(&m);
	}
	if (!q->cancelled && !q->b->freeing && q->hist_cb != NULL)
		q->hist_cb(q->arg, msgs + (total - n), n, r != NULL && r->type == REDIS_REPLY_ARRAY);
	for (size_t i = total - n; i < total; i++)
		bus_msg_clear(&msgs[i]);
	free(msgs);
	req_free(q);
}

uint64_t bus_redis_history(struct bus_redis *b, const char *room, size_t n,
    bus_redis_history_cb cb, void *arg)
{
	char key[BUS_CHANNEL_MAX];
	struct req *q;

	if (!redis_loop_up(b->cmd))
		return 0;
	bus_hist_key(room, key);
	q = req_new(b, REQ_HISTORY, room, arg);
	q->hist_cb = cb;
	return req_sent(q, redis_loop_command(b->cmd, on_history_reply, q,
	    "XREVRANGE %s + - COUNT %lld", key, (long long)n));
}

static void on_topic_reply(struct redis_loop *rl, redisReply *r, void *arg)
{
	struct req *q = arg;
	struct bus_msg m = { 0 };
	char err[128];
	size_t n = r != NULL && r->type == REDIS_REPLY_STRING &&
	    bus_codec_decode(r->str, r->len, &m, err, sizeof(err)) == 0;

	(void)rl;
	if (n == 1 && m.ev.type != EV_TOPIC) {
		bus_msg_clear(&m);
		n = 0;
	}
	if (!q->cancelled && !q->b->freeing && q->hist_cb != NULL)
		q->hist_cb(q->arg, &m, n, r != NULL);
	if (n == 1)
		bus_msg_clear(&m);
	req_free(q);
}

uint64_t bus_redis_topic(struct bus_redis *b, const char *room, bus_redis_history_cb cb,
    void *arg)
{
	char key[BUS_CHANNEL_MAX];
	struct req *q;

	if (!redis_loop_up(b->cmd))
		return 0;
	bus_topic_key(room, key);
	q = req_new(b, REQ_HISTORY, room, arg);
	q->hist_cb = cb;
	return req_sent(q, redis_loop_command(b->cmd, on_topic_reply, q, "GET %s", key));
}

/* --- the other servers' members ------------------------------------------------ */

/* One entry per room of each member ("lobby,dev": two), appended to *es. */
static void roster_add(struct bus_roster_entry **es, size_t *n, size_t *cap,
    const redisReply *nm, const redisReply *rm)
{
	char name[NAME_MAX_BYTES + 1], room[ROOM_NAME_MAX_BYTES + 1];
	const char *p;

	if (nm->type != REDIS_REPLY_STRING || rm->type != REDIS_REPLY_STRING ||
	    names_check(nm->str, nm->len, name) != NULL)
		return;
	for (p = rm->str; room_list_next(&p, room); ) {
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*es = xrealloc(*es, *cap * sizeof(**es));
		}
		memcpy((*es)[*n].name, name, sizeof(name));
		if (room_check_name(room, strlen(room), (*es)[*n].room) == NULL)
			(*n)++;
	}
}

static void on_roster_reply(struct redis_loop *rl, redisReply *r, void *arg)
{
	struct req *q = arg;
	bool ok = r != NULL && r->type == REDIS_REPLY_ARRAY;
	size_t total = ok ? r->elements / 2 : 0, n = 0, cap = 0;
	struct bus_roster_entry *es = NULL;

	(void)rl;
	for (size_t i = 0; i < total; i++)
		roster_add(&es, &n, &cap, r->element[2 * i], r->element[2 * i + 1]);
	if (!q->cancelled && !q->b->freeing && q->roster_cb != NULL)
		q->roster_cb(q->arg, es, n, ok);
	free(es);
	req_free(q);
}

uint64_t bus_redis_roster(struct bus_redis *b, bus_redis_roster_cb cb, void *arg)
{
	struct req *q;

	if (!redis_loop_up(b->cmd))
		return 0;
	q = req_new(b, REQ_ROSTER, "", arg);
	q->roster_cb = cb;
	return req_sent(q, redis_loop_command(b->cmd, on_roster_reply, q, "EVAL %s 0 %s",
	    roster_lua, b->id));
}

/* --- setup ----------------------------------------------------------------------- */

static void make_id(char out[TC_REDIS_SERVER_ID_MAX + 1])
{
	char host[33] = "";
	unsigned char rnd[4] = { 0 };

	gethostname(host, sizeof(host) - 1);
	for (char *p = host; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			*p = '_';
	if (getentropy(rnd, sizeof(rnd)) != 0)
		memcpy(rnd, &(unsigned){ (unsigned)time(NULL) }, sizeof(rnd));
	snprintf(out, TC_REDIS_SERVER_ID_MAX + 1, "%s-%ld-%02x%02x%02x%02x",
	    host[0] ? host : "tcpchat", (long)getpid(), rnd[0], rnd[1], rnd[2], rnd[3]);
}

static void config_defaults(struct bus_redis_config *c)
{
	if (c->history == 0)
		c->history = TC_DEFAULT_HISTORY;
	if (c->name_lease_ms <= 0)
		c->name_lease_ms = TC_REDIS_NAME_LEASE_MS;
	if (c->server_ttl_ms <= 0)
		c->server_ttl_ms = TC_REDIS_SERVER_TTL_MS;
	if (c->refresh_ms <= 0)
		c->refresh_ms = TC_REDIS_REFRESH_MS;
	if (c->queue_max == 0)
		c->queue_max = TC_REDIS_QUEUE_MAX;
	if (c->queue_max_bytes == 0)
		c->queue_max_bytes = (size_t)TC_REDIS_QUEUE_MAX_KIB * 1024;
}

static struct redis_loop *open_link(struct bus_redis *b, bool subscriber, char *err, size_t errsz)
{
	struct redis_loop_config rc = {
		.connect_timeout_ms = b->cfg.connect_timeout_ms,
		.command_timeout_ms = b->cfg.command_timeout_ms,
		.backoff_min_ms = b->cfg.backoff_min_ms, .backoff_max_ms = b->cfg.backoff_max_ms,
		.on_up = subscriber ? sub_up : cmd_up, .on_down = subscriber ? sub_down : cmd_down,
		.on_message = on_message, .on_subscribed = sub_confirmed, .arg = b,
		.label = subscriber ? "redis-sub" : "redis",
	};

	return redis_loop_new(b->loop, b->cfg.url, &rc, err, errsz);
}

struct bus_redis *bus_redis_new(struct loop *loop, const struct bus_redis_config *cfg,
    char *err, size_t errsz)
{
	struct bus_redis *b = xcalloc(1, sizeof(*b));

	b->loop = loop;
	b->cfg = *cfg;
	config_defaults(&b->cfg);
	if (cfg->server_id != NULL)
		snprintf(b->id, sizeof(b->id), "%s", cfg->server_id);
	else
		make_id(b->id);
	b->cfg.server_id = b->id;
	if (!bus_server_id_ok(b->id) || (cfg->server_id && strlen(cfg->server_id) >= sizeof(b->id))) {
		snprintf(err, errsz, "a server id is 1 to %d of A-Z a-z 0-9 . _ : -",
		    TC_REDIS_SERVER_ID_MAX);
		free(b);
		return NULL;
	}
	snprintf(b->members_key, sizeof(b->members_key), "tcpchat:members:%s", b->id);
	snprintf(b->heartbeat_key, sizeof(b->heartbeat_key), "tcpchat:server:%s", b->id);
	snprintf(b->priv.channel, sizeof(b->priv.channel), "%s", BUS_PRIV_CHANNEL);
	strtab_init(&b->rooms, false);
	strtab_init(&b->names, false);
	strtab_init(&b->unanswered, false);
	strtab_init(&b->members, false);
	b->cmd = open_link(b, false, err, errsz);
	b->sub = b->cmd != NULL ? open_link(b, true, err, errsz) : NULL;
	if (b->sub == NULL) {
		redis_loop_free(b->cmd);
		free(b);
		return NULL;
	}
	b->refresh_timer = loop_timer_add(loop, b->cfg.refresh_ms, on_refresh, b);
	log_msg(LOG_INFO, "redis: server id %s, %s", b->id, b->cfg.url);
	return b;
}

static void on_leave_reply(struct redis_loop *rl, redisReply *r, void *arg)
{
	struct bus_redis *b = arg;

	(void)rl;
	(void)r;
	b->leaving--;
}

void bus_redis_leave(struct bus_redis *b)
{
	if (!redis_loop_up(b->cmd))
		return;
	STRTAB_FOREACH(&b->names, e)       /* each a Redis key (names_held) */
		if (redis_loop_command(b->cmd, on_leave_reply, b, "EVAL %s 1 %s %s", release_lua,
		    e->key, b->id) == 0)
			b->leaving++;
	if (redis_loop_command(b->cmd, on_leave_reply, b, "SREM tcpchat:servers %s", b->id) == 0)
		b->leaving++;
	if (redis_loop_command(b->cmd, on_leave_reply, b, "DEL %s %s", b->heartbeat_key,
	    b->members_key) == 0)
		b->leaving++;
	/* The names are given back: the refresh timer must not take them again. */
	strtab_free(&b->names);
}

bool bus_redis_left(const struct bus_redis *b)
{
	return b->leaving <= 0;
}

void bus_redis_free(struct bus_redis *b)
{
	if (b == NULL)
		return;
	b->freeing = true;
	loop_timer_cancel(b->loop, b->refresh_timer);
	redis_loop_free(b->sub);
	redis_loop_free(b->cmd);
	STRTAB_FOREACH(&b->rooms, e) {
		free_peers(e->val);
		free(e->val);
	}
	strtab_free(&b->rooms);
	free_peers(&b->priv);
	while (b->qhead != NULL) {
		struct qent *q = b->qhead;

		b->qhead = q->next;
		free(q);
	}
	strtab_free(&b->names);
	text_free(&b->members);
	strtab_free(&b->unanswered);
	free(b);
}

const char *bus_redis_server_id(const struct bus_redis *b)
{
	return b->id;
}

bool bus_redis_up(const struct bus_redis *b)
{
	return redis_loop_up(b->cmd);
}

const struct bus_redis_stats *bus_redis_stats(const struct bus_redis *b)
{
	return &b->stats;
}

/* --- operator actions (tcpchat:oper) ------------------------------------------------ */

/* Delete ARGV[1]'s messages (ASCII case folded) from every tcpchat:hist:* stream. */
/* SCAN then XDEL: Redis 5 and 6 want effects replication for that (7 always has it). */
static const char purge_lua[] =
    "redis.replicate_commands() local n, cur = 0, '0' "
    "repeat local r = redis.call('SCAN', cur, 'MATCH', 'tcpchat:hist:*', 'COUNT', 100) "
    "cur = r[1] "
    "for _, k in ipairs(r[2]) do "
    "local es = redis.pcall('XRANGE', k, '-', '+') "
    "if type(es) == 'table' and es.err == nil then for _, e in ipairs(es) do "
    "local f = e[2] for i = 1, #f - 1, 2 do if f[i] == 'e' then "
    "local ok, j = pcall(cjson.decode, f[i + 1]) "
    "if ok and type(j) == 'table' and j.type == 'msg' and type(j.name) == 'string' "
    "and string.lower(j.name) == ARGV[1] then redis.call('XDEL', k, e[1]) n = n + 1 end "
    "end end end end end until cur == '0' return n";

static void oper_message(struct bus_redis *b, const char *p, size_t len)
{
	struct cluster_oper op;
	char err[128];

	if (bus_oper_decode(p, len, &op, err, sizeof(err)) != 0) {
		if (b->stats.bad++ == 0)
			log_msg(LOG_WARN, "redis: %s: an action that does not decode: %s",
			    BUS_OPER_CHANNEL, err);
		return;
	}
	if (strcmp(op.server, b->id) == 0) {
		b->stats.own++;
		return;
	}
	b->stats.received++;
	if (b->cfg.oper != NULL)
		b->cfg.oper(b->cfg.arg, &op);
}

void bus_redis_oper(struct bus_redis *b, struct cluster_oper *op)
{
	size_t len;
	char *payload;

	snprintf(op->server, sizeof(op->server), "%s", b->id);
	payload = bus_oper_encode(op, &len);
	if (payload == NULL)
		return;
	if (redis_loop_up(b->cmd))
		send_event(b, BUS_OPER_CHANNEL, NULL, payload, len);
	else
		enqueue(b, BUS_OPER_CHANNEL, NULL, payload, len);
	free(payload);
}

static void on_purge_reply(struct redis_loop *rl, redisReply *r, void *arg)
{
	(void)rl, (void)arg;
	if (r != NULL && r->type == REDIS_REPLY_INTEGER)
		log_msg(LOG_INFO, "redis: purge: %lld messages deleted from the shared history",
		    r->integer);
	else if (r != NULL && r->type == REDIS_REPLY_ERROR)
		log_msg(LOG_WARN, "redis: purge of the shared history: %s", r->str);
}

bool bus_redis_purge(struct bus_redis *b, const char *name)
{
	char low[NAME_MAX_BYTES + 1];
	size_t i;

	for (i = 0; name[i] != '\0' && i < NAME_MAX_BYTES; i++)
		low[i] = (char)tolower((unsigned char)name[i]);
	low[i] = '\0';
	if (!redis_loop_up(b->cmd))
		return false;
	redis_loop_command(b->cmd, on_purge_reply, NULL, "EVAL %s 0 %s", purge_lua, low);
	return true;
}
