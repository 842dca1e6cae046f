/* Tests for bus_redis.c against a real redis-server: servers (bus instances, one in a
 * child process that is killed -9) exchanging events, shared history, name claims,
 * sequence gaps and garbage, a dead server's members leaving, an outage (queued
 * publishes, names and presence renewed). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <hiredis/hiredis.h>

#include "bus_redis.h"
#include "loop.h"
#include "redis_loop.h"
#include "redis_server.h"

struct node {
	struct bus_redis *b;
	int delivered, ups, downs, lost, claims, hist;
	unsigned long group;        /* of the last delivery */
	enum bus_claim claim;
	char got[16][160];          /* "type room name other text" of each delivery */
	char histbuf[256];
};

static void on_deliver(void *arg, const char *server, const char *room,
    const struct event *ev)
{
	struct node *n = arg;

	assert_true(bus_server_id_ok(server));
	assert_null(ev->room);
	n->group = ev->group;
	snprintf(n->got[n->delivered++ % 16], sizeof(n->got[0]), "%s %s %.*s %.*s %.*s",
	    bus_type_name(ev->type), room, (int)ev->namelen, ev->name, (int)ev->otherlen,
	    ev->other ? ev->other : "", (int)ev->len, ev->text ? ev->text : "");
}

static void on_status(void *arg, bool up)
{
	struct node *n = arg;

	if (up)
		n->ups++;
	else
		n->downs++;
}

static void on_lost(void *arg, const char *key)
{
	(void)key;
	((struct node *)arg)->lost++;
}

static void on_claim(void *arg, const char *key, enum bus_claim r)
{
	struct node *n = arg;

	(void)key;
	n->claim = r;
	n->claims++;
}

static void on_history(void *arg, const struct bus_msg *msgs, size_t count, bool ok)
{
	struct node *n = arg;

	assert_true(ok);
	n->histbuf[0] = '\0';
	for (size_t i = 0; i < count; i++) {
		size_t used = strlen(n->histbuf);

		snprintf(n->histbuf + used, sizeof(n->histbuf) - used, "%s%s:%s",
		    i ? "," : "", msgs[i].name, msgs[i].ev.text);
	}
	n->hist++;
}

static struct loop *loop;

static void open_node(struct node *n, const char *id, int refresh_ms, size_t queue_max)
{
	char url[64], err[128];
	struct bus_redis_config cfg = { .url = url, .server_id = id, .history = 100,
	    .refresh_ms = refresh_ms, .server_ttl_ms = 400, .name_lease_ms = 600,
	    .command_timeout_ms = 500, .backoff_min_ms = 20, .backoff_max_ms = 100,
	    .queue_max = queue_max, .deliver = on_deliver, .name_lost = on_lost,
	    .status = on_status, .arg = n };

	memset(n, 0, sizeof(*n));
	snprintf(url, sizeof(url), "redis://127.0.0.1:%d", redis_test_port);
	n->b = bus_redis_new(loop, &cfg, err, sizeof(err));
	assert_non_null(n->b);
	assert_true(run_until(loop, &n->ups, 1, 5000));
}

static int subscribed_flag;

static void wait_subscribed(struct node *n, const char *room)
{
	for (int i = 0; i < 200 && !bus_redis_room_subscribed(n->b, room); i++)
		run_until(loop, &subscribed_flag, 1, 10);
	assert_true(bus_redis_room_subscribed(n->b, room));
}

static void publish(struct node *n, enum event_type type, const char *room,
    const char *name, const char *other, const char *text)
{
	struct room r = { .name = "" };
	struct event ev = { .type = type, .t = 1764581400, .room = &r, .name = name,
	    .namelen = strlen(name), .other = other, .otherlen = other ? strlen(other) : 0,
	    .text = text, .len = text ? strlen(text) : 0 };

	snprintf(r.name, sizeof(r.name), "%s", room);
	bus_redis_publish(n->b, &ev);
}

static void delivery_between_servers(void **state)
{
	struct node a, b;

	(void)state;
	open_node(&a, "srv-a", 0, 0);
	open_node(&b, "srv-b", 0, 0);
	bus_redis_room_used(a.b, "lobby");
	bus_redis_room_used(b.b, "Lobby");          /* case-insensitive, one channel */
	wait_subscribed(&a, "lobby");
	wait_subscribed(&b, "lobby");
	publish(&a, EV_JOIN, "lobby", "alice", NULL, NULL);
	publish(&a, EV_MSG, "lobby", "alice", NULL, "hi all");
	publish(&a, EV_MSG, "elsewhere", "alice", NULL, "not for b");
	publish(&a, EV_RENAME, "lobby", "alice", "alicia", NULL);
	publish(&a, EV_PRIV, "lobby", "alicia", "bob", "psst");
	assert_true(run_until(loop, &b.delivered, 4, 3000));
	assert_string_equal(b.got[0], "join lobby alice  ");
	assert_string_equal(b.got[1], "msg lobby alice  hi all");
	assert_string_equal(b.got[2], "rename lobby alice alicia ");
	assert_string_equal(b.got[3], "priv lobby alicia bob psst");
	run_until(loop, &subscribed_flag, 1, 100);
	assert_int_equal(b.delivered, 4);
	assert_int_equal(a.delivered, 0);               /* our own come back, ignored */
	assert_int_equal(bus_redis_stats(a.b)->own, 4);
	assert_int_equal(bus_redis_stats(b.b)->gaps, 0);
	assert_int_equal(bus_redis_stats(a.b)->published, 5);
	bus_redis_room_unused(b.b, "lobby");
	publish(&a, EV_MSG, "lobby", "alicia", NULL, "anyone?");
	run_until(loop, &subscribed_flag, 1, 200);
	assert_int_equal(b.delivered, 4);               /* unsubscribed */
	bus_redis_free(a.b);
	bus_redis_free(b.b);
}

static void shared_history(void **state)
{
	struct node a, b;

	(void)state;
	open_node(&a, "srv-a", 0, 0);
	open_node(&b, "srv-b", 0, 0);
	publish(&a, EV_MSG, "hist1", "alice", NULL, "one");
	publish(&a, EV_JOIN, "hist1", "carol", NULL, NULL);   /* not history */
	publish(&a, EV_MSG, "hist1", "alice", NULL, "two");
	publish(&b, EV_MSG, "HIST1", "bob", NULL, "three");
	run_until(loop, &subscribed_flag, 1, 100);
	assert_true(bus_redis_history(b.b, "hist1", 2, on_history, &b) > 0);
	assert_true(run_until(loop, &b.hist, 1, 3000));
	assert_string_equal(b.histbuf, "alice:two,bob:three");
	assert_true(bus_redis_history(a.b, "Hist1", 10, on_history, &a) > 0);
	assert_true(run_until(loop, &a.hist, 1, 3000));
	assert_string_equal(a.histbuf, "alice:one,alice:two,bob:three");
	assert_true(bus_redis_history(a.b, "nothing", 10, on_history, &a) > 0);
	assert_true(run_until(loop, &a.hist, 2, 3000));
	assert_string_equal(a.histbuf, "");
	bus_redis_free(a.b);
	bus_redis_free(b.b);
}

static void claim(struct node *n, const char *key, enum bus_claim want)
{
	int before = n->claims;

	assert_true(bus_redis_claim(n->b, key, on_claim, n) > 0);
	assert_true(run_until(loop, &n->claims, before + 1, 3000));
	assert_int_equal(n->claim, want);
}

static void names_across_servers(void **state)
{
	struct node a, b;
	uint64_t id;

	(void)state;
	open_node(&a, "srv-a", 0, 0);
	open_node(&b, "srv-b", 0, 0);
	claim(&a, "alice", BUS_CLAIM_OK);
	claim(&b, "alice", BUS_CLAIM_TAKEN);
	claim(&a, "alice", BUS_CLAIM_TAKEN);        /* once only, even for its holder */
	bus_redis_release(a.b, "alice");
	claim(&b, "alice", BUS_CLAIM_OK);
	/* A cancelled claim: no callback, and what it won is given back. */
	id = bus_redis_claim(a.b, "zed", on_claim, &a);
	assert_true(id > 0);
	bus_redis_cancel(a.b, id);
	run_until(loop, &subscribed_flag, 1, 200);
	assert_int_equal(a.claims, 2);
	claim(&b, "zed", BUS_CLAIM_OK);
	/* A release of a name another server holds does not free it. */
	bus_redis_release(a.b, "zed");
	claim(&a, "zed", BUS_CLAIM_TAKEN);
	bus_redis_free(a.b);
	bus_redis_free(b.b);
}

/* --- a raw connection, to put anything on a channel or read a key ------------------ */

struct raw {
	int ups, replies;
	char last[128];
};

static void raw_up(void *arg) { ((struct raw *)arg)->ups++; }

static void raw_reply(struct redis_loop *rl, redisReply *r, void *arg)
{
	struct raw *w = arg;

	(void)rl;
	snprintf(w->last, sizeof(w->last), "%s", r && r->str ? r->str : "(none)");
	w->replies++;
}

static struct redis_loop *raw_open(struct raw *w)
{
	struct redis_loop_config cfg = { .on_up = raw_up, .arg = w };
	char url[64], err[128];
	struct redis_loop *rl;

	memset(w, 0, sizeof(*w));
	snprintf(url, sizeof(url), "redis://127.0.0.1:%d", redis_test_port);
	rl = redis_loop_new(loop, url, &cfg, err, sizeof(err));
	assert_true(run_until(loop, &w->ups, 1, 3000));
	return rl;
}

static const char *raw_cmd(struct redis_loop *rl, struct raw *w, const char *fmt, const char *a,
    const char *b)
{
	int before = w->replies;

	assert_int_equal(redis_loop_command(rl, raw_reply, w, fmt, a, b), 0);
	assert_true(run_until(loop, &w->replies, before + 1, 3000));
	return w->last;
}

/* A name's two keys (chat_bus.c: "<case>\t<look-alike>"): claimed both or neither, a clash
 * on either refuses; released both; a rename's claim of one part. */
static void names_two_keys(void **state)
{
	struct node a, b;
	struct raw w;
	struct redis_loop *rl;

	(void)state;
	open_node(&a, "srv-a", 0, 0);
	open_node(&b, "srv-b", 0, 0);
	rl = raw_open(&w);
	claim(&a, "tk-alice\ttk-alice", BUS_CLAIM_OK);     /* "tk-Alice" */
	claim(&b, "tk-aiice\ttk-alice", BUS_CLAIM_TAKEN);  /* "tk-AIice": look-alike key */
	assert_string_equal(raw_cmd(rl, &w, "GET %s%s", "tcpchat:name:", "tk-aiice"), "(none)");
	assert_string_equal(raw_cmd(rl, &w, "GET %s%s", "tcpchat:look:", "tk-alice"), "srv-a");
	claim(&a, "ivan\tlvan", BUS_CLAIM_OK);               /* "Ivan" */
	claim(&b, "ivan\tivan", BUS_CLAIM_TAKEN);            /* "ivan": the case key */
	assert_string_equal(raw_cmd(rl, &w, "GET %s%s", "tcpchat:look:", "ivan"), "(none)");
	claim(&b, "lvan\tlvan", BUS_CLAIM_TAKEN);            /* "lvan": looks like Ivan */
	claim(&b, "ivo\tivo", BUS_CLAIM_OK);                 /* i and l: two names */
	claim(&a, "lvo\tlvo", BUS_CLAIM_OK);
	bus_redis_release(a.b, "ivan\tlvan");
	for (int i = 0; i < 300 && strcmp(raw_cmd(rl, &w, "GET %s%s", "tcpchat:look:", "lvan"),
	    "(none)") != 0; i++)
		run_until(loop, &subscribed_flag, 1, 10);
	assert_string_equal(raw_cmd(rl, &w, "GET %s%s", "tcpchat:name:", "ivan"), "(none)");
	claim(&b, "lvan\tlvan", BUS_CLAIM_OK);
	claim(&b, "\tivan", BUS_CLAIM_OK);                   /* a part alone */
	assert_string_equal(raw_cmd(rl, &w, "GET %s%s", "tcpchat:look:", "ivan"), "srv-b");
	redis_loop_free(rl);
	bus_redis_free(a.b);
	bus_redis_free(b.b);
}

#define EV(seq, room) "{\"v\":1,\"server\":\"tool\",\"seq\":" #seq ",\"type\":\"msg\"," \
	"\"time\":1764581400,\"room\":\"" room "\",\"name\":\"t\",\"text\":\"x\"}"

static void gaps_and_garbage(void **state)
{
	struct node b;
	struct raw w;
	struct redis_loop *rl;

	(void)state;
	open_node(&b, "srv-b", 0, 0);
	rl = raw_open(&w);
	bus_redis_room_used(b.b, "lobby");
	wait_subscribed(&b, "lobby");
	raw_cmd(rl, &w, "PUBLISH %s %s", "tcpchat:room:lobby", "not json");
	raw_cmd(rl, &w, "PUBLISH %s %s", "tcpchat:room:lobby", EV(1, "lobby"));
	raw_cmd(rl, &w, "PUBLISH %s %s", "tcpchat:room:lobby", EV(4, "lobby"));
	raw_cmd(rl, &w, "PUBLISH %s %s", "tcpchat:room:lobby", EV(5, "other"));
	assert_true(run_until(loop, &b.delivered, 2, 3000));
	run_until(loop, &subscribed_flag, 1, 100);
	assert_int_equal(b.delivered, 2);
	assert_int_equal(bus_redis_stats(b.b)->bad, 2);     /* garbage, and a wrong room */
	assert_int_equal(bus_redis_stats(b.b)->gaps, 2);    /* 2 and 3 never came */
	redis_loop_free(rl);
	bus_redis_free(b.b);
}

/* A server in a child process, killed -9 once its member joined and its name is held. */
static struct node child;

static void child_go(struct loop *l, int fd, short revents, void *arg)
{
	char x;

	(void)revents;
	(void)arg;
	if (read(fd, &x, 1) != 1)
		_exit(1);
	loop_del(l, fd);
	publish(&child, EV_JOIN, "lobby", "carol", NULL, NULL);
}

static pid_t child_server(int go_fd, int ready_fd)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	redis_test_pid = -1;        /* the parent's to stop, not ours */
	loop = loop_new();
	open_node(&child, "srv-c", 100, 0);
	bus_redis_room_used(child.b, "lobby");
	claim(&child, "carol", BUS_CLAIM_OK);
	loop_add(loop, go_fd, POLLIN, child_go, NULL);
	if (write(ready_fd, "r", 1) != 1)
		_exit(1);
	for (;;)
		run_until(loop, &subscribed_flag, 1, 1000);
}

static void dead_server(void **state)
{
	struct node a, b;
	int go[2], ready[2], st;
	pid_t pid;
	char x;

	(void)state;
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(ready), 0);
	pid = child_server(go[0], ready[1]);
	assert_int_equal(read(ready[0], &x, 1), 1);
	open_node(&a, "srv-a", 100, 0);
	open_node(&b, "srv-b", 100, 0);
	bus_redis_room_used(a.b, "lobby");
	bus_redis_room_used(b.b, "lobby");
	wait_subscribed(&a, "lobby");
	wait_subscribed(&b, "lobby");
	claim(&a, "carol", BUS_CLAIM_TAKEN);
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_true(run_until(loop, &b.delivered, 1, 3000));
	assert_string_equal(b.got[0], "join lobby carol  ");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	/* Within the heartbeat's TTL and a refresh: both see carol leave, once. */
	assert_true(run_until(loop, &a.delivered, 2, 3000));
	assert_true(run_until(loop, &b.delivered, 2, 3000));
	assert_string_equal(a.got[1], "leave lobby carol  ");
	assert_string_equal(b.got[1], "leave lobby carol  ");
	/* The reaper's own delivery and the other's from Redis: the leaves of one dead
	 * member in each of its rooms are one group (one IRC QUIT). */
	assert_true(a.group != 0 && a.group == b.group);
	assert_int_equal(bus_redis_stats(a.b)->dead_servers + bus_redis_stats(b.b)->dead_servers, 1);
	/* and the name is free once its lease ran out */
	for (int i = 0; i < 30 && a.claim != BUS_CLAIM_OK; i++) {
		int before = a.claims;

		assert_true(bus_redis_claim(a.b, "carol", on_claim, &a) > 0);
		assert_true(run_until(loop, &a.claims, before + 1, 3000));
		if (a.claim != BUS_CLAIM_OK)
			run_until(loop, &subscribed_flag, 1, 100);
	}
	assert_int_equal(a.claim, BUS_CLAIM_OK);
	close(go[0]);
	close(go[1]);
	close(ready[0]);
	close(ready[1]);
	bus_redis_free(a.b);
	bus_redis_free(b.b);
}

static void taken_for_dead_while_alive(void **state)
{
	struct node a, b;
	struct raw w;
	struct redis_loop *rl;

	(void)state;
	open_node(&a, "srv-a", 100, 0);
	open_node(&b, "srv-b", 100, 0);
	bus_redis_room_used(a.b, "lobby");
	bus_redis_room_used(b.b, "lobby");
	wait_subscribed(&b, "lobby");
	publish(&a, EV_JOIN, "lobby", "alice", NULL, NULL);
	assert_true(run_until(loop, &b.delivered, 1, 3000));
	/* As a survivor's reap would: out of the set, members gone. */
	rl = raw_open(&w);
	raw_cmd(rl, &w, "SREM tcpchat:servers %s%s", "srv-", "a");
	raw_cmd(rl, &w, "DEL tcpchat:members:%s%s", "srv-", "a");
	assert_true(run_until(loop, &b.delivered, 2, 3000));
	assert_string_equal(b.got[1], "join lobby alice  ");
	assert_int_equal(bus_redis_stats(a.b)->reannounced, 1);
	assert_string_equal(raw_cmd(rl, &w, "HGET tcpchat:members:srv-a %s%s", "ali", "ce"), "lobby");
	redis_loop_free(rl);
	bus_redis_free(a.b);
	bus_redis_free(b.b);
}

static void outage(void **state)
{
	struct node a, b;
	struct raw w;
	struct redis_loop *rl;
	char key[80];

	(void)state;
	open_node(&a, "srv-a", 100, 3);
	open_node(&b, "srv-b", 100, 0);
	bus_redis_room_used(a.b, "lobby");
	bus_redis_room_used(b.b, "lobby");
	claim(&a, "alice", BUS_CLAIM_OK);
	publish(&a, EV_JOIN, "lobby", "alice", NULL, NULL);
	redis_test_stop();
	assert_true(run_until(loop, &a.downs, 1, 3000));
	assert_false(bus_redis_up(a.b));
	assert_int_equal(bus_redis_history(a.b, "lobby", 5, on_history, &a), 0);
	assert_int_equal(bus_redis_claim(a.b, "amy", on_claim, &a), 0);  /* held locally */
	for (int i = 1; i <= 5; i++) {
		char text[8];

		snprintf(text, sizeof(text), "m%d", i);
		publish(&a, EV_MSG, "lobby", "alice", NULL, text);
	}
	assert_int_equal(bus_redis_stats(a.b)->queued, 3);
	assert_int_equal(bus_redis_stats(a.b)->dropped, 2);   /* the oldest, past the bound */
	redis_test_start();                                   /* empty: no persistence */
	assert_true(run_until(loop, &a.ups, 2, 5000));
	assert_int_equal(bus_redis_stats(a.b)->queued, 0);
	wait_subscribed(&b, "lobby");
	/* b notices the restart on its own: ask until its link is back and the
	 * flushed queue has reached Redis (3 s at most on a loaded machine). */
	for (int i = 0; i < 300 && strcmp(b.histbuf, "alice:m3,alice:m4,alice:m5") != 0; i++) {
		int asked = b.hist + 1;

		if (bus_redis_history(b.b, "lobby", 10, on_history, &b) > 0)
			run_until(loop, &b.hist, asked, 1000);
		else
			run_until(loop, &subscribed_flag, 1, 10);
	}
	assert_string_equal(b.histbuf, "alice:m3,alice:m4,alice:m5");
	/* Names and presence were renewed on the new Redis. */
	rl = raw_open(&w);
	assert_string_equal(raw_cmd(rl, &w, "GET %s%s", "tcpchat:name:", "alice"), "srv-a");
	assert_string_equal(raw_cmd(rl, &w, "GET %s%s", "tcpchat:name:", "amy"), "srv-a");
	snprintf(key, sizeof(key), "tcpchat:members:%s", bus_redis_server_id(a.b));
	assert_string_equal(raw_cmd(rl, &w, "HGET %s %s", key, "alice"), "lobby");
	/* A clean leave gives the names back. */
	bus_redis_leave(a.b);
	for (int i = 0; i < 500 && !bus_redis_left(a.b); i++)
		run_until(loop, &subscribed_flag, 1, 10);
	assert_true(bus_redis_left(a.b));
	/* The release may still be on its way to Redis on a loaded machine: give it 3 s. */
	for (int i = 0; i < 300 && strcmp(raw_cmd(rl, &w, "GET %s%s", "tcpchat:name:", "alice"),
	    "(none)") != 0; i++)
		run_until(loop, &subscribed_flag, 1, 10);
	assert_string_equal(raw_cmd(rl, &w, "GET %s%s", "tcpchat:name:", "alice"), "(none)");
	assert_int_equal(a.lost, 0);
	redis_loop_free(rl);
	bus_redis_free(a.b);
	bus_redis_free(b.b);
}

/* HGET key field until it is want (a's commands and ours are on two connections). */
static void hget_is(struct redis_loop *rl, struct raw *w, const char *key, const char *field,
    const char *want)
{
	for (int i = 0; i < 300 && strcmp(raw_cmd(rl, w, "HGET %s %s", key, field), want) != 0; i++)
		run_until(loop, &subscribed_flag, 1, 10);
	assert_string_equal(raw_cmd(rl, w, "HGET %s %s", key, field), want);
}

static void moved(struct node *n, enum event_type type, const char *room, const char *name,
    const char *via)
{
	struct room r = { .name = "" };
	struct event ev = { .type = type, .t = 1764581400, .room = &r, .name = name,
	    .namelen = strlen(name), .via = via };

	snprintf(r.name, sizeof(r.name), "%s", room);
	bus_redis_publish(n->b, &ev);
}

static char roster_got[256];
static int rosters;

static void on_roster(void *arg, const struct bus_roster_entry *es, size_t n, bool ok)
{
	(void)arg;
	assert_true(ok);
	roster_got[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		size_t used = strlen(roster_got);

		snprintf(roster_got + used, sizeof(roster_got) - used, "%s%s:%s", i ? " " : "",
		    es[i].name, es[i].room);
	}
	rosters++;
}

/* A member of several rooms (client dialect 2, IRC): its rooms comma-separated in
 * tcpchat:members:<id>, one roster entry per room. */
static void members_in_several_rooms(void **state)
{
	struct node a, b;
	struct raw w;
	struct redis_loop *rl;
	const char *key = "tcpchat:members:srv-a";

	(void)state;
	open_node(&a, "srv-a", 0, 0);
	open_node(&b, "srv-b", 0, 0);
	rl = raw_open(&w);
	moved(&a, EV_JOIN, "lobby", "alice", NULL);
	moved(&a, EV_MOVE_IN, "dev", "alice", NULL);
	moved(&a, EV_MOVE_IN, "dev", "alice", NULL);       /* told twice: listed once */
	hget_is(rl, &w, key, "alice", "lobby,dev");
	rosters = 0;
	assert_true(bus_redis_roster(b.b, on_roster, NULL) > 0);
	assert_true(run_until(loop, &rosters, 1, 3000));
	assert_string_equal(roster_got, "alice:lobby alice:dev");
	moved(&a, EV_MOVE_OUT, "lobby", "alice", "side");  /* a switch: one room for another */
	hget_is(rl, &w, key, "alice", "dev,side");
	moved(&a, EV_MOVE_OUT, "dev", "alice", NULL);      /* a part */
	hget_is(rl, &w, key, "alice", "side");
	moved(&a, EV_MOVE_IN, "lobby", "alice", NULL);
	publish(&a, EV_RENAME, "side", "alice", "amy", NULL);   /* told in each room */
	publish(&a, EV_RENAME, "lobby", "alice", "amy", NULL);
	hget_is(rl, &w, key, "amy", "side,lobby");
	hget_is(rl, &w, key, "alice", "(none)");
	publish(&a, EV_LEAVE, "side", "amy", NULL, NULL);
	publish(&a, EV_LEAVE, "lobby", "amy", NULL, NULL);
	hget_is(rl, &w, key, "amy", "(none)");
	redis_loop_free(rl);
	bus_redis_free(a.b);
	bus_redis_free(b.b);
}

/* A channel is kept while used and freed at its last unused: a walk through many rooms
 * leaves none behind (issue 21, item 12); each is found again while used (counted: a
 * second use keeps it past the first unused). */
static void channels_are_kept_while_used(void **state)
{
	struct node a;
	char room[32];

	(void)state;
	open_node(&a, "srv-a", 0, 0);
	bus_redis_room_used(a.b, "lobby");
	bus_redis_room_used(a.b, "LOBBY");
	for (int i = 0; i < 2000; i++) {
		snprintf(room, sizeof(room), "walk%d", i);
		bus_redis_room_used(a.b, room);
		assert_int_equal(bus_redis_channels(a.b), 2);
		bus_redis_room_unused(a.b, room);
	}
	assert_int_equal(bus_redis_channels(a.b), 1);
	bus_redis_room_unused(a.b, "lobby");
	assert_int_equal(bus_redis_channels(a.b), 1);
	wait_subscribed(&a, "lobby");
	bus_redis_room_unused(a.b, "Lobby");
	assert_int_equal(bus_redis_channels(a.b), 0);
	bus_redis_room_unused(a.b, "lobby");           /* one unused too many: nothing */
	assert_int_equal(bus_redis_channels(a.b), 0);
	bus_redis_free(a.b);
}

static void bad_configuration(void **state)
{
	struct bus_redis_config cfg = { .url = "http://x" };
	char err[128];

	(void)state;
	assert_null(bus_redis_new(loop, &cfg, err, sizeof(err)));
	cfg.url = "redis://127.0.0.1:1";
	cfg.server_id = "has space";
	assert_null(bus_redis_new(loop, &cfg, err, sizeof(err)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(delivery_between_servers),
		cmocka_unit_test(shared_history),
		cmocka_unit_test(names_across_servers),
		cmocka_unit_test(names_two_keys),
		cmocka_unit_test(gaps_and_garbage),
		cmocka_unit_test(dead_server),
		cmocka_unit_test(taken_for_dead_while_alive),
		cmocka_unit_test(outage),
		cmocka_unit_test(members_in_several_rooms),
		cmocka_unit_test(channels_are_kept_while_used),
		cmocka_unit_test(bad_configuration),
	};
	int rc;

	redis_test_skip_if_missing();
	redis_test_start();
	loop = loop_new();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	loop_free(loop);
	redis_test_stop();
	return rc;
}
