/* Tests for redis_loop.c: URL parsing, and our loop against a real redis-server:
 * commands, a SELECTed database, pub/sub, a killed and restarted Redis, a command
 * timeout against a stopped one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <hiredis/hiredis.h>

#include "loop.h"
#include "redis_loop.h"
#include "redis_server.h"

static void urls(void **state)
{
	struct redis_url u;
	char err[128];

	(void)state;
	assert_int_equal(redis_loop_parse_url("redis://127.0.0.1:7000/3", &u, err, sizeof(err)), 0);
	assert_string_equal(u.host, "127.0.0.1");
	assert_int_equal(u.port, 7000);
	assert_int_equal(u.db, 3);
	assert_int_equal(redis_loop_parse_url("redis://cache", &u, err, sizeof(err)), 0);
	assert_int_equal(u.port, 6379);
	assert_int_equal(u.db, 0);
	assert_int_equal(redis_loop_parse_url("redis://[::1]:6380/", &u, err, sizeof(err)), 0);
	assert_string_equal(u.host, "::1");
	assert_int_equal(u.port, 6380);
	assert_int_equal(redis_loop_parse_url("unix:/run/redis.sock", &u, err, sizeof(err)), 0);
	assert_true(u.unix_socket);
	assert_string_equal(u.path, "/run/redis.sock");
	assert_int_equal(redis_loop_parse_url("unix:relative", &u, err, sizeof(err)), -1);
	assert_int_equal(redis_loop_parse_url("http://x", &u, err, sizeof(err)), -1);
	assert_int_equal(redis_loop_parse_url("redis://h:0", &u, err, sizeof(err)), -1);
	assert_int_equal(redis_loop_parse_url("redis://h:70000", &u, err, sizeof(err)), -1);
	assert_int_equal(redis_loop_parse_url("redis://h:1/x", &u, err, sizeof(err)), -1);
	assert_int_equal(redis_loop_parse_url("redis://", &u, err, sizeof(err)), -1);
	assert_int_equal(redis_loop_parse_url("redis://[::1", &u, err, sizeof(err)), -1);
}

struct conn {
	int ups, downs, messages, replies, nulls;
	char last[64];
	char msg[64];
};

static void on_up(void *arg) { ((struct conn *)arg)->ups++; }
static void on_down(void *arg, const char *why) { (void)why; ((struct conn *)arg)->downs++; }

static void on_message(void *arg, const char *ch, size_t chlen, const char *p, size_t len)
{
	struct conn *c = arg;

	(void)chlen;
	assert_string_equal(ch, "news");
	snprintf(c->msg, sizeof(c->msg), "%.*s", (int)len, p);
	c->messages++;
}

static void on_reply(struct redis_loop *rl, redisReply *r, void *arg)
{
	struct conn *c = arg;

	(void)rl;
	c->replies++;
	if (r == NULL) {
		c->nulls++;
		return;
	}
	if (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)
		snprintf(c->last, sizeof(c->last), "%s", r->str);
	else if (r->type == REDIS_REPLY_NIL)
		snprintf(c->last, sizeof(c->last), "(nil)");
	else if (r->type == REDIS_REPLY_INTEGER)
		snprintf(c->last, sizeof(c->last), "%lld", r->integer);
}

static struct redis_loop *open_conn(struct loop *loop, struct conn *c, int db, int timeout_ms)
{
	struct redis_loop_config cfg = { .on_up = on_up, .on_down = on_down,
	    .on_message = on_message, .arg = c, .command_timeout_ms = timeout_ms,
	    .connect_timeout_ms = 1000, .backoff_min_ms = 20, .backoff_max_ms = 200 };
	char url[64], err[128];
	struct redis_loop *rl;

	memset(c, 0, sizeof(*c));
	snprintf(url, sizeof(url), "redis://127.0.0.1:%d/%d", redis_test_port, db);
	rl = redis_loop_new(loop, url, &cfg, err, sizeof(err));
	assert_non_null(rl);
	assert_true(run_until(loop, &c->ups, 1, 5000));
	return rl;
}

static void roundtrip(struct loop *loop, struct redis_loop *rl, struct conn *c,
    const char *fmt, const char *arg, const char *want)
{
	int before = c->replies;

	assert_int_equal(redis_loop_command(rl, on_reply, c, fmt, arg), 0);
	assert_true(run_until(loop, &c->replies, before + 1, 3000));
	assert_string_equal(c->last, want);
}

static void commands_and_select(void **state)
{
	struct loop *loop = loop_new();
	struct conn a, b;
	struct redis_loop *db3, *db0;

	(void)state;
	db3 = open_conn(loop, &a, 3, 0);
	db0 = open_conn(loop, &b, 0, 0);
	roundtrip(loop, db3, &a, "SET k %s", "v3", "OK");
	roundtrip(loop, db3, &a, "GET %s", "k", "v3");
	roundtrip(loop, db0, &b, "GET %s", "k", "(nil)");   /* another database */
	redis_loop_free(db3);
	redis_loop_free(db0);
	loop_free(loop);
}

static void publish_until_received(struct loop *loop, struct redis_loop *pub,
    struct conn *p, struct conn *s)
{
	for (int i = 0; i < 100 && s->messages == 0; i++) {
		redis_loop_command(pub, on_reply, p, "PUBLISH news %s", "hello");
		run_until(loop, &s->messages, 1, 50);
	}
	assert_int_equal(s->messages >= 1, 1);
	assert_string_equal(s->msg, "hello");
}

static void pubsub_and_restart(void **state)
{
	struct loop *loop = loop_new();
	struct conn p, s;
	struct redis_loop *pub, *sub;

	(void)state;
	pub = open_conn(loop, &p, 0, 0);
	sub = open_conn(loop, &s, 0, 0);
	assert_int_equal(redis_loop_subscribe(sub, "news"), 0);
	assert_int_equal(redis_loop_command(sub, on_reply, &s, "GET x"), -1); /* subscriber */
	publish_until_received(loop, pub, &p, &s);

	/* Redis killed: both notice once; restarted: both reconnect. */
	redis_test_stop();
	assert_true(run_until(loop, &p.downs, 1, 3000));
	assert_true(run_until(loop, &s.downs, 1, 3000));
	assert_false(redis_loop_up(pub));
	assert_int_equal(redis_loop_command(pub, on_reply, &p, "GET x"), -1);
	redis_test_start();
	assert_true(run_until(loop, &p.ups, 2, 5000));
	assert_true(run_until(loop, &s.ups, 2, 5000));
	assert_int_equal(p.downs, 1);
	assert_int_equal(redis_loop_connects(pub), 2);

	/* Subscriptions are the caller's to renew after a reconnect. */
	s.messages = 0;
	assert_int_equal(redis_loop_subscribe(sub, "news"), 0);
	publish_until_received(loop, pub, &p, &s);
	redis_loop_free(pub);
	redis_loop_free(sub);
	loop_free(loop);
}

static void command_timeout_on_stopped_redis(void **state)
{
	struct loop *loop = loop_new();
	struct conn c;
	struct redis_loop *rl;
	int64_t t0;

	(void)state;
	rl = open_conn(loop, &c, 0, 300);
	kill(redis_test_pid, SIGSTOP);
	t0 = loop_now_ms();
	assert_int_equal(redis_loop_command(rl, on_reply, &c, "GET %s", "k"), 0);
	assert_int_equal(redis_loop_command(rl, on_reply, &c, "GET %s", "k"), 0);
	assert_true(run_until(loop, &c.replies, 2, 3000));
	assert_int_equal(c.nulls, 2);                 /* both given up, at once */
	assert_true(loop_now_ms() - t0 >= 290);
	assert_true(loop_now_ms() - t0 < 2000);
	assert_int_equal(c.downs, 1);
	assert_false(redis_loop_up(rl));
	/* The kernel still accepts connections for the stopped process: not "up". */
	assert_false(run_until(loop, &c.ups, 2, 700));
	kill(redis_test_pid, SIGCONT);
	assert_true(run_until(loop, &c.ups, 2, 5000));
	roundtrip(loop, rl, &c, "ECHO %s", "back", "back");
	redis_loop_free(rl);
	loop_free(loop);
}

/* A reply callback that runs because the link was dropped (a command timed out) and
 * sends again, as a name claim's answer publishing a join would: the link is down for
 * it and its commands are refused. It used to get a freed context and crash (issue 21,
 * item 1). */
struct resend {
	struct conn *c;
	int tried, refused, seen_up;
};

static void on_reply_resend(struct redis_loop *rl, redisReply *r, void *arg)
{
	struct resend *rs = arg;

	on_reply(rl, r, rs->c);
	rs->tried++;
	rs->seen_up += redis_loop_up(rl);
	rs->refused += redis_loop_command(rl, NULL, NULL, "PUBLISH %s", "x y") == -1;
	rs->refused += redis_loop_subscribe(rl, "news") == -1;
}

static void no_command_on_a_dropped_link(void **state)
{
	struct loop *loop = loop_new();
	struct conn c;
	struct redis_loop *rl;
	struct resend rs = { .c = &c };

	(void)state;
	rl = open_conn(loop, &c, 0, 300);
	kill(redis_test_pid, SIGSTOP);
	assert_int_equal(redis_loop_command(rl, on_reply_resend, &rs, "GET %s", "k"), 0);
	assert_int_equal(redis_loop_command(rl, on_reply_resend, &rs, "GET %s", "k"), 0);
	assert_true(run_until(loop, &c.replies, 2, 3000));
	assert_int_equal(c.nulls, 2);
	assert_int_equal(rs.tried, 2);
	assert_int_equal(rs.seen_up, 0);
	assert_int_equal(rs.refused, 4);
	kill(redis_test_pid, SIGCONT);
	assert_true(run_until(loop, &c.ups, 2, 5000));
	roundtrip(loop, rl, &c, "ECHO %s", "back", "back");
	redis_loop_free(rl);
	loop_free(loop);
}

static void free_with_commands_pending(void **state)
{
	struct loop *loop = loop_new();
	struct conn c;
	struct redis_loop *rl;

	(void)state;
	rl = open_conn(loop, &c, 0, 0);
	assert_int_equal(redis_loop_command(rl, on_reply, &c, "GET %s", "k"), 0);
	redis_loop_free(rl);
	assert_int_equal(c.nulls, 1);                 /* told, never leaked */
	assert_int_equal(c.downs, 0);                 /* closing is not an outage */
	loop_free(loop);
}

static void unreachable_is_retried(void **state)
{
	struct loop *loop = loop_new();
	struct redis_loop_config cfg = { .backoff_min_ms = 10, .backoff_max_ms = 20 };
	char url[64], err[128];
	struct redis_loop *rl;
	int zero = 0;

	(void)state;
	snprintf(url, sizeof(url), "redis://127.0.0.1:%d", redis_test_free_port());
	rl = redis_loop_new(loop, url, &cfg, err, sizeof(err));
	assert_non_null(rl);
	run_until(loop, &zero, 1, 100);
	assert_false(redis_loop_up(rl));
	redis_loop_free(rl);
	assert_null(redis_loop_new(loop, "redis://no-such-host.invalid", &cfg, err, sizeof(err)));
	loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(urls),
		cmocka_unit_test(commands_and_select),
		cmocka_unit_test(pubsub_and_restart),
		cmocka_unit_test(command_timeout_on_stopped_redis),
		cmocka_unit_test(no_command_on_a_dropped_link),
		cmocka_unit_test(free_with_commands_pending),
		cmocka_unit_test(unreachable_is_retried),
	};
	int rc;

	redis_test_skip_if_missing();
	redis_test_start();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	redis_test_stop();
	return rc;
}
