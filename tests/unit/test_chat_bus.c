/* Unit tests for chat_bus.c, the chat in a cluster, against a real redis-server
 * (redis_server.h): two chats in this process, each with its chat_bus on one loop and
 * sessions without sockets, are one chat. The rules: a message said on one server
 * reaches the other's members; a user of the other server is a remote member there
 * (/list, /whois, /msg); a name held on one server is refused on the other after its
 * claim in Redis; a leave frees the name everywhere; the counters line; a walk through
 * 2,000 rooms leaves no room records behind (issue 21, item 12). Exits 77 (skipped)
 * without redis-server. */
#define _GNU_SOURCE 1   /* memmem */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "redis_server.h"   /* first: its loop helpers are not wanted here */
#include "chat.h"
#include "chat_bus.h"
#include "conn.h"
#include "log.h"
#include "loop.h"
#include "session.h"
#include "text.h"

#define WAIT_MS 5000            /* the longest any answer from Redis is waited for */

struct node {
	struct chat ch;
	struct chat_bus *cb;
};

static struct loop *loop;
static struct node na, nb;
static struct conn_list pending;

static void node_open(struct node *n)
{
	char url[64], err[256];

	chat_init(&n->ch, 4096, 0, 100);
	snprintf(url, sizeof(url), "redis://127.0.0.1:%d", redis_test_port);
	n->cb = chat_bus_new(&n->ch, loop, url, 100, err, sizeof(err));
	assert_non_null(n->cb);
}

static void node_close(struct node *n)
{
	cluster_close(&n->ch.cluster);
	chat_free(&n->ch);
}

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	log_set_level(LOG_ERROR - 1);
	redis_test_start();
	loop = loop_new();
	node_open(&na);
	node_open(&nb);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	node_close(&na);
	node_close(&nb);
	loop_free(loop);
	redis_test_stop();
	return 0;
}

/* --- running the loop until something came ------------------------------------------- */

struct waiter {
	bool (*done)(const void *arg);
	const void *arg;
	int64_t deadline;
};

static void check(struct loop *l, void *arg)
{
	struct waiter *w = arg;

	if (w->done(w->arg) || loop_now_ms() > w->deadline)
		loop_stop(l);
	else
		loop_timer_add(l, 2, check, w);
}

static bool run_until(bool (*done)(const void *arg), const void *arg)
{
	struct waiter w = { done, arg, loop_now_ms() + WAIT_MS };

	loop_timer_add(loop, 0, check, &w);
	(void)loop_run(loop);
	return done(arg);
}

static bool never(const void *arg)
{
	(void)arg;
	return false;
}

static void run_for(int ms)
{
	struct waiter w = { never, NULL, loop_now_ms() + ms };

	loop_timer_add(loop, 0, check, &w);
	(void)loop_run(loop);
}

/* --- sessions ------------------------------------------------------------------------- */

struct user {
	struct node *n;
	struct conn *c;
	struct buf got;         /* everything sent to it, consumed by expect() */
};

static struct session *sess(const struct user *u)
{
	return u->c->owner;
}

static void user_new(struct user *u, struct node *n)
{
	memset(u, 0, sizeof(*u));
	u->n = n;
	u->c = conn_new(NULL, "127.0.0.1:4242", 0, &pending);
	u->c->owner = session_new(&n->ch, &front_text, NULL, u->c, 0);
	session_greet(&n->ch, sess(u));
	buf_append_str(&u->c->in, "/TCPCHAT 1\n");
	session_input(&n->ch, sess(u), 0);
}

static void say(struct user *u, const char *line)
{
	buf_append_str(&u->c->in, line);
	session_input(&u->n->ch, sess(u), 0);
}

static void collect(struct user *u)
{
	buf_append(&u->got, buf_data(&u->c->out), buf_len(&u->c->out));
	conn_sent(u->c, buf_len(&u->c->out));
}

struct seek {
	struct user *u;
	const char *text;
};

static bool got_text(const void *arg)
{
	const struct seek *s = arg;

	collect(s->u);
	return memmem(buf_data(&s->u->got), buf_len(&s->u->got), s->text, strlen(s->text)) != NULL;
}

/* Run the loop until u was sent text; consume what it was sent up to it. */
static void expect(struct user *u, const char *text)
{
	struct seek s = { u, text };
	const char *at;

	if (!run_until(got_text, &s)) {
		buf_putc(&u->got, '\0');
		fail_msg("no \"%s\" within %d ms; got \"%s\"", text, WAIT_MS, buf_data(&u->got));
	}
	at = memmem(buf_data(&u->got), buf_len(&u->got), text, strlen(text));
	buf_consume(&u->got, (size_t)(at - buf_data(&u->got)) + strlen(text));
}

static bool named_or_refused(const void *arg)
{
	const struct user *u = arg;

	return sess(u)->wait == NULL;
}

/* Give u its name; wait for the cluster's answer. */
static void name(struct user *u, const char *nm)
{
	char line[64];

	snprintf(line, sizeof(line), "%s\n", nm);
	say(u, line);
	assert_true(run_until(named_or_refused, u));
}

static void user_done(struct user *u)
{
	session_leave(&u->n->ch, sess(u));
	while (conn_pending_take(&pending) != NULL)
		;
	session_free(sess(u));
	conn_free(u->c);
	buf_free(&u->got);
}

/* --- the rules ----------------------------------------------------------------------- */

static void a_message_reaches_the_other_server(void **state)
{
	struct user alice, bob;

	(void)state;
	user_new(&bob, &nb);
	name(&bob, "bob");
	expect(&bob, "WELCOME\tbob\tlobby\n");
	user_new(&alice, &na);
	name(&alice, "alice");
	expect(&alice, "WELCOME\talice\tlobby\n");
	expect(&bob, "JOIN\t");                       /* told by the other server */
	expect(&bob, "\talice\n");
	say(&alice, "hello from a\n");
	expect(&bob, "\talice\thello from a\n");
	say(&bob, "hello from b\n");
	expect(&alice, "\tbob\thello from b\n");
	user_done(&alice);
	expect(&bob, "LEAVE\t");
	expect(&bob, "\talice\n");
	user_done(&bob);
}

static void a_user_of_the_other_server_is_a_remote_member(void **state)
{
	struct user alice, bob;
	struct member *ghost;

	(void)state;
	user_new(&bob, &nb);
	name(&bob, "bob");
	user_new(&alice, &na);
	name(&alice, "alice");
	expect(&bob, "\talice\n");
	ghost = chat_find(&nb.ch, "alice", 5);
	assert_non_null(ghost);
	assert_true(ghost->remote);
	assert_null(ghost->conn);
	say(&bob, "/list\n");
	expect(&bob, "MEMBERS\tbob\talice\n");
	say(&bob, "/whois alice\n");
	expect(&bob, "INFO\talice: on another server, in lobby;");
	say(&bob, "/msg alice psst\n");
	expect(&alice, "PRIV\t");
	expect(&alice, "\tbob\talice\tpsst\n");
	user_done(&alice);
	expect(&bob, "\talice\n");
	assert_null(chat_find(&nb.ch, "alice", 5));   /* gone with the leave */
	user_done(&bob);
}

/* A name held on one server is refused on the other, in any case, once Redis said so;
 * free again after its holder left. */
static void a_name_is_one_across_the_cluster(void **state)
{
	struct user alice, other, again;

	(void)state;
	user_new(&alice, &na);
	name(&alice, "alice");
	user_new(&other, &nb);
	name(&other, "ALICE");
	expect(&other, "NAME?\tName \"ALICE\" is already taken.\n");
	assert_false(session_named(sess(&other)));
	user_done(&alice);
	run_for(100);                                 /* the release reaches Redis */
	user_new(&again, &nb);
	name(&again, "alice");
	assert_true(session_named(sess(&again)));
	user_done(&again);
	user_done(&other);
}

static void the_counters_line_says_redis_is_up(void **state)
{
	struct user alice;
	char line[512];

	(void)state;
	user_new(&alice, &na);
	name(&alice, "alice");
	say(&alice, "counted\n");
	expect(&alice, "\tcounted\n");
	cluster_stats_line(&na.ch.cluster, line, sizeof(line));
	assert_int_equal(strncmp(line, "cluster: redis up, published ", 29), 0);
	assert_null(strstr(line, "published 0,"));
	user_done(&alice);
}

/* Issue 21, item 12: a user walking through many rooms leaves no records behind in the
 * cluster (its list of rooms grew with every room name ever used, and was scanned on
 * every event). */
static void rooms_walked_through_leave_no_records(void **state)
{
	struct user alice;
	char line[64];

	(void)state;
	user_new(&alice, &na);
	name(&alice, "alice");
	ratewarn_init(&sess(&alice)->m.creates, 1000000);    /* no budget of new rooms */
	for (int i = 0; i < 2000; i++) {
		snprintf(line, sizeof(line), "/join walk%d\n", i);
		say(&alice, line);
		collect(&alice);
		buf_consume(&alice.got, buf_len(&alice.got));
		if (i % 100 == 99)
			run_for(10);                /* Redis answers meanwhile */
	}
	say(&alice, "/join lobby\n");
	run_for(200);
	assert_in_range(chat_bus_rooms(na.cb), 1, 4);
	user_done(&alice);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(a_message_reaches_the_other_server, setup, teardown),
		cmocka_unit_test_setup_teardown(a_user_of_the_other_server_is_a_remote_member,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(a_name_is_one_across_the_cluster, setup, teardown),
		cmocka_unit_test_setup_teardown(the_counters_line_says_redis_is_up, setup, teardown),
		cmocka_unit_test_setup_teardown(rooms_walked_through_leave_no_records, setup,
		    teardown),
	};

	redis_test_skip_if_missing();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
