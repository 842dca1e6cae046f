/* Unit tests for conn.c, the transport side of a connection without a transport: the
 * output queue, the pending-write list (each connection on it once, closing ones too),
 * the tail that may be taken back (the nc prompt) and when it no longer may, and what
 * conn_sent counts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "conn.h"

static struct conn_list pending;

static const char *queued(const struct conn *c)
{
	static char s[256];
	size_t n = buf_len(&c->out);

	if (n > 0)
		memcpy(s, buf_data(&c->out), n);
	s[n] = '\0';
	return s;
}

static void a_new_connection_keeps_its_peer(void **state)
{
	char longpeer[NET_PEER_MAX + 20];
	struct conn *c = conn_new(NULL, "10.0.0.1:5555", 1234, &pending), *d;

	(void)state;
	assert_string_equal(c->peer, "10.0.0.1:5555");
	assert_int_equal(c->accepted_at, 1234);
	assert_null(c->t);
	assert_false(c->closing || c->pending);
	assert_true(conn_at_line_start(c));
	memset(longpeer, 'p', sizeof(longpeer) - 1);
	longpeer[sizeof(longpeer) - 1] = '\0';
	d = conn_new(NULL, longpeer, 0, &pending);
	assert_int_equal(strlen(d->peer), NET_PEER_MAX - 1);       /* cut, terminated */
	conn_free(c);
	conn_free(d);
}

static void writes_queue_and_go_on_the_pending_list_once(void **state)
{
	struct conn *a = conn_new(NULL, "a", 0, &pending), *b = conn_new(NULL, "b", 0, &pending);

	(void)state;
	conn_write(a, "one ", 4);
	conn_write(a, "two\n", 4);
	conn_write(b, "x", 1);
	assert_string_equal(queued(a), "one two\n");
	assert_true(a->pending && b->pending);
	assert_ptr_equal(conn_pending_take(&pending), b);      /* the last one marked first */
	assert_false(b->pending);
	assert_null(b->pending_next);
	assert_ptr_equal(conn_pending_take(&pending), a);
	assert_null(conn_pending_take(&pending));
	conn_write(a, "three", 5);                            /* back on it */
	assert_ptr_equal(conn_pending_take(&pending), a);
	assert_null(conn_pending_take(&pending));
	conn_free(a);
	conn_free(b);
}

static void reserve_and_commit_queue_too(void **state)
{
	struct conn *c = conn_new(NULL, "c", 0, &pending);
	char *p = conn_reserve(c, 64);

	(void)state;
	memcpy(p, "abc", 3);
	assert_false(c->pending);                 /* nothing yet */
	assert_int_equal(buf_len(&c->out), 0);
	conn_commit(c, 3);
	assert_string_equal(queued(c), "abc");
	assert_true(c->pending);
	assert_false(conn_at_line_start(c));
	conn_write(c, "\n", 1);
	assert_true(conn_at_line_start(c));
	while (conn_pending_take(&pending) != NULL)
		;
	conn_free(c);
}

static void closing_keeps_the_first_reason_and_queues_no_more(void **state)
{
	struct conn *c = conn_new(NULL, "c", 0, &pending);

	(void)state;
	conn_write(c, "last words\n", 11);
	assert_ptr_equal(conn_pending_take(&pending), c);
	conn_close(c, "quit");
	assert_true(c->closing);
	assert_true(c->pending);                  /* to be freed at the safe point */
	conn_close(c, "other");
	assert_string_equal(c->close_reason, "quit");
	conn_write(c, "more", 4);
	assert_string_equal(queued(c), "last words\n");
	assert_ptr_equal(conn_pending_take(&pending), c);
	assert_null(conn_pending_take(&pending));
	conn_free(c);
}

static void the_tail_is_taken_back_while_whole(void **state)
{
	struct conn *c = conn_new(NULL, "c", 0, &pending);

	(void)state;
	conn_write(c, "line\n", 5);
	conn_write(c, "[prompt]:", 9);
	conn_set_tail(c, 9);
	assert_true(conn_take_tail(c));
	assert_string_equal(queued(c), "line\n");
	assert_false(conn_take_tail(c));          /* once */
	assert_string_equal(queued(c), "line\n");
	conn_write(c, "[prompt]:", 9);
	conn_set_tail(c, 9);
	conn_write(c, "x", 1);                    /* something after it: no longer a tail */
	assert_false(conn_take_tail(c));
	assert_string_equal(queued(c), "line\n[prompt]:x");
	while (conn_pending_take(&pending) != NULL)
		;
	conn_free(c);
}

static void a_tail_partly_sent_stays(void **state)
{
	struct conn *c = conn_new(NULL, "c", 0, &pending);

	(void)state;
	conn_write(c, "ab[p]:", 6);
	conn_set_tail(c, 4);
	conn_sent(c, 2);                          /* "ab" went out: the tail is whole */
	assert_int_equal(c->written, 2);
	assert_int_equal(c->tail, 4);
	conn_sent(c, 1);                          /* part of it went out: on the screen now */
	assert_int_equal(c->tail, 0);
	assert_false(conn_take_tail(c));
	assert_string_equal(queued(c), "p]:");
	assert_int_equal(c->written, 3);
	while (conn_pending_take(&pending) != NULL)
		;
	conn_free(c);
}

/* A write that blocked (TLS) passed bytes that must be passed again: the tail among
 * them may not be taken back; a write that went through clears that. */
static void a_blocked_write_pins_the_tail(void **state)
{
	struct conn *c = conn_new(NULL, "c", 0, &pending);

	(void)state;
	conn_write(c, "msg\n[p]:", 8);
	conn_set_tail(c, 4);
	c->blocked = 6;                           /* the retry passes 6 bytes: 2 of the tail */
	assert_false(conn_take_tail(c));
	c->blocked = 4;                           /* up to the tail: it may go */
	assert_true(conn_take_tail(c));
	assert_string_equal(queued(c), "msg\n");
	c->blocked = 3;
	conn_sent(c, 1);
	assert_int_equal(c->blocked, 0);
	while (conn_pending_take(&pending) != NULL)
		;
	conn_free(c);
}

static void a_tail_that_cannot_be_one_is_none(void **state)
{
	struct conn *c = conn_new(NULL, "c", 0, &pending);
	static char big[300];

	(void)state;
	conn_write(c, "abc", 3);
	conn_set_tail(c, 4);                      /* more than is queued */
	assert_int_equal(c->tail, 0);
	memset(big, 'b', sizeof(big));
	conn_write(c, big, sizeof(big));
	conn_set_tail(c, 256);                    /* more than a tail can be */
	assert_int_equal(c->tail, 0);
	conn_set_tail(c, 255);
	assert_int_equal(c->tail, 255);
	conn_set_tail(c, 0);
	assert_false(conn_take_tail(c));
	assert_int_equal(buf_len(&c->out), 303);
	while (conn_pending_take(&pending) != NULL)
		;
	conn_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_new_connection_keeps_its_peer),
		cmocka_unit_test(writes_queue_and_go_on_the_pending_list_once),
		cmocka_unit_test(reserve_and_commit_queue_too),
		cmocka_unit_test(closing_keeps_the_first_reason_and_queues_no_more),
		cmocka_unit_test(the_tail_is_taken_back_while_whole),
		cmocka_unit_test(a_tail_partly_sent_stays),
		cmocka_unit_test(a_blocked_write_pins_the_tail),
		cmocka_unit_test(a_tail_that_cannot_be_one_is_none),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
