/*
 * test_attack_review.c: issue 11 (an attack review of 1.0), the findings that live in
 * the chat's rules, as named tests that fail on 1.0. The chat is driven without
 * sockets, as test_regressions.c does: connections without a transport, input
 * appended to c->in, output taken from c->out. Work is counted (lookups, tokens,
 * lines), never timed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "chat.h"
#include "conn.h"
#include "log.h"
#include "session.h"
#include "text.h"
#include "tclimits.h"

#define NCONN 4

static struct chat ch;
static struct conn_list pending;
static struct conn *c[NCONN];

static struct session *sess(int i)
{
	return c[i]->owner;
}

static void drain(void)
{
	struct conn *x;

	while ((x = conn_pending_take(&pending)) != NULL)
		buf_clear(&x->out);
}

/* Feed a line to connection i at time now_ms; returns whether it is throttled. */
static bool feed(int i, const char *s, int64_t now_ms)
{
	bool throttled;

	buf_append_str(&c[i]->in, s);
	throttled = session_input(&ch, sess(i), now_ms);
	drain();
	return throttled;
}

static const char *out(int i)
{
	static char s[8192];
	size_t n = buf_len(&c[i]->out);

	if (n >= sizeof(s))
		n = sizeof(s) - 1;
	memcpy(s, buf_data(&c[i]->out), n);
	s[n] = '\0';
	return s;
}

static void start(int rate)
{
	char name[16];

	log_set_level(LOG_ERROR - 1);
	chat_init(&ch, 65536, rate, 1000);
	for (int i = 0; i < NCONN; i++) {
		c[i] = conn_new(NULL, "test-peer", 0, &pending);
		c[i]->owner = session_new(&ch, &front_text, NULL, c[i], 0);
		session_greet(&ch, sess(i));
		snprintf(name, sizeof(name), "user%d\n", i);
		feed(i, name, 0);
	}
}

static void stop(void)
{
	for (int i = 0; i < NCONN; i++) {
		session_leave(&ch, sess(i));
		session_free(sess(i));
		drain();
		conn_free(c[i]);
	}
	chat_free(&ch);
}

/* Item 1: /msg looked a name up at every space of the whole line (quadratic). */
static void test_msg_work_is_bounded_by_the_name_limit(void **state)
{
	size_t n = 60000;
	char *line = malloc(n + 8);

	(void)state;
	start(0);
	memcpy(line, "/msg ", 5);
	for (size_t i = 5; i < n; i += 2)
		line[i] = 'a', line[i + 1] = ' ';
	line[n] = '\n';
	line[n + 1] = '\0';
	ch.stats.lookups = ch.stats.bytes_hashed = 0;
	feed(0, line, 0);
	assert_true(ch.stats.lookups <= NAME_MAX_BYTES / 2 + 1);
	assert_true(ch.stats.bytes_hashed <= (NAME_MAX_BYTES + 1) * (NAME_MAX_BYTES / 2 + 1));
	free(line);
	stop();
}

/* Item 13: alternating /join into a room with a big history pulled ~10 MiB/s for
 * 240 bytes/s sent. What a command sends back costs tokens. */
static void test_history_replay_costs_tokens(void **state)
{
	char msg[1100];
	int handled = 0;

	(void)state;
	start(20);
	feed(1, "/join big\n", 0);
	memset(msg, 'x', 1000);
	strcpy(msg + 1000, "\n");
	for (int i = 0; i < 100; i++) {          /* about 100 KB of history, at leisure */
		sess(1)->tokens = 10;
		feed(1, msg, 0);
	}
	for (int i = 0; i < 20 && !feed(0, i % 2 ? "/join lobby\n" : "/join big\n", 0); i++)
		handled++;
	/* The burst is 40 lines; each replay of ~100 KB costs ~25 tokens. */
	assert_true(handled < 4);
	stop();
}

/* Item 8: renames had no rate of their own and ignored --announce-max. */
static void test_renames_have_their_own_rate(void **state)
{
	char line[32];

	(void)state;
	start(0);
	for (int i = 0; i < TC_RENAMES_PER_MINUTE; i++) {
		snprintf(line, sizeof(line), "/name r%d\n", i);
		buf_append_str(&c[0]->in, line);
		session_input(&ch, sess(0), 0);
		assert_null(strstr(out(0), "Too many renames"));
		drain();
	}
	buf_append_str(&c[0]->in, "/name one-too-many\n");
	session_input(&ch, sess(0), 0);
	assert_non_null(strstr(out(0), "Too many renames"));
	drain();
	stop();
}

static void test_renames_follow_announce_max(void **state)
{
	(void)state;
	start(0);
	ch.announce_max = 2;                      /* the lobby has 4 members */
	buf_append_str(&c[0]->in, "/name quiet\n");
	session_input(&ch, sess(0), 0);
	assert_null(strstr(out(1), "is now known as"));
	assert_non_null(strstr(out(0), "is now known as quiet"));   /* the renamer is told */
	drain();
	stop();
}

/* Item 9: one user emptied the room table by creating rooms. */
static void test_room_creation_has_a_budget(void **state)
{
	char line[32];

	(void)state;
	start(0);
	for (int i = 0; i <= TC_ROOM_CREATES_PER_MINUTE; i++) {
		snprintf(line, sizeof(line), "/join r%d\n", i);
		buf_append_str(&c[0]->in, line);
		session_input(&ch, sess(0), 0);
		if (i < TC_ROOM_CREATES_PER_MINUTE)
			assert_null(strstr(out(0), "Too many new rooms"));
		else
			assert_non_null(strstr(out(0), "Too many new rooms"));
		drain();
	}
	stop();
}

/* Items 6 and 9: eviction is by age, an occupied room is never evicted, and a restart
 * replays exactly the rooms and history the live server had. */
static void test_restart_keeps_the_rooms_eviction_left(void **state)
{
	char path[] = "/tmp/tcpchat-review-XXXXXX", line[64], err[256];
	int fd = mkstemp(path);
	struct chat after;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	start(0);
	assert_int_equal(chat_open_log(&ch, path, err, sizeof(err)), 0);
	feed(1, "/join kept\n", 0);
	feed(1, "precious\n", 0);
	for (int i = 0; i < TC_MAX_ROOMS + 20; i++) {   /* user0 cycles through rooms */
		ratewarn_init(&sess(0)->m.creates, TC_ROOM_CREATES_PER_MINUTE);
		snprintf(line, sizeof(line), "/join r%d\nhello %d\n", i, i);
		feed(0, line, 0);
	}
	assert_non_null(rooms_find(&ch.rooms, "kept"));  /* occupied: never evicted */
	chat_flush_log(&ch);
	chat_init(&after, 65536, 0, 1000);
	assert_int_equal(chat_replay_log(&after, path, err, sizeof(err)), 0);
	assert_int_equal(after.rooms.count, ch.rooms.count);
	for (const struct room *r = ch.rooms.list; r != NULL; r = r->next) {
		const struct room *a = rooms_find(&after.rooms, r->name);

		assert_non_null(a);
		assert_int_equal(a->hist.count, r->hist.count);
	}
	assert_int_equal(rooms_find(&after.rooms, "kept")->hist.count, 1);
	chat_free(&after);
	stop();
	unlink(path);
}

/* Item 2: a peer that hung up is handled up to one burst, the rest is dropped. */
static void test_hung_up_peer_gets_one_burst(void **state)
{
	long budget, dropped;

	(void)state;
	start(5);                                /* burst: 10 lines */
	for (int i = 0; i < 30; i++)
		buf_append_str(&c[0]->in, "spam\n");
	budget = session_burst(&ch);
	assert_int_equal(budget, 5 * TC_RATE_BURST_SECONDS);
	dropped = session_input_end(&ch, sess(0), &budget);
	assert_int_equal(dropped, 30 - 5 * TC_RATE_BURST_SECONDS);
	assert_int_equal(buf_len(&c[0]->in), 0);
	drain();
	stop();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msg_work_is_bounded_by_the_name_limit),
		cmocka_unit_test(test_history_replay_costs_tokens),
		cmocka_unit_test(test_renames_have_their_own_rate),
		cmocka_unit_test(test_renames_follow_announce_max),
		cmocka_unit_test(test_room_creation_has_a_budget),
		cmocka_unit_test(test_restart_keeps_the_rooms_eviction_left),
		cmocka_unit_test(test_hung_up_peer_gets_one_burst),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
