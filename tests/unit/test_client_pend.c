/* Unit tests for client_pend.c: our lines waiting for the server's echo; failed at their
 * deadline, and still cleared by an echo that comes late (shown once, mark gone); the
 * failed ones kept are bounded; a closed window's lines forgotten. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "client_pend.h"
#include "tclimits.h"

struct seen {
	int n;
	uint64_t last;
};

static void on_failed(const struct client_pend_line *line, void *arg)
{
	struct seen *s = arg;

	s->n++;
	s->last = line->id;
}

static void echo_in_time_or_late(void **state)
{
	struct client_pend p = { 0 };
	struct seen s = { 0 };

	(void)state;
	client_pend_add(&p, 1, 0, false, "first", "first", 100);
	client_pend_add(&p, 2, 0, false, "late", "late", 200);
	assert_true(client_pend_expire(&p, 99, on_failed, &s));
	assert_int_equal(s.n, 0);
	assert_int_equal(client_pend_echo(&p, 0, false, "first"), 1);   /* in time */
	assert_true(client_pend_expire(&p, 200, on_failed, &s) == false);
	assert_int_equal(s.n, 1);                                      /* failed once */
	assert_int_equal(s.last, 2);
	assert_false(client_pend_expire(&p, 300, on_failed, &s));
	assert_int_equal(s.n, 1);                                      /* never again */
	assert_int_equal(client_pend_echo(&p, 0, false, "late"), 2);    /* a late echo */
	assert_int_equal(client_pend_echo(&p, 0, false, "late"), 0);    /* only once */
	assert_int_equal(p.n, 0);
	client_pend_free(&p);
}

static void echo_matches_window_kind_and_text(void **state)
{
	struct client_pend p = { 0 };

	(void)state;
	client_pend_add(&p, 1, 0, false, "hi", "hi", 100);
	client_pend_add(&p, 2, 1, false, "hi", "hi", 100);
	client_pend_add(&p, 3, 1, true, "hi", "/me hi", 100);
	client_pend_add(&p, 4, 1, false, "hi", "hi", 100);
	assert_int_equal(client_pend_echo(&p, 2, false, "hi"), 0);
	assert_int_equal(client_pend_echo(&p, 1, false, "ho"), 0);
	assert_int_equal(client_pend_echo(&p, 1, true, "hi"), 3);
	assert_int_equal(client_pend_echo(&p, 1, false, "hi"), 2);      /* the oldest first */
	assert_int_equal(client_pend_echo(&p, 1, false, "hi"), 4);
	assert_int_equal(client_pend_echo(&p, 0, false, "hi"), 1);
	client_pend_free(&p);
}

static void failed_lines_kept_are_bounded(void **state)
{
	struct client_pend p = { 0 };
	struct seen s = { 0 };

	(void)state;
	for (uint64_t i = 1; i <= TC_CLIENT_FAILED_KEPT + 2; i++)
		client_pend_add(&p, i, 0, false, "x", "x", 10);
	client_pend_add(&p, 999, 0, false, "x", "x", 1000);            /* still waiting */
	assert_true(client_pend_expire(&p, 10, on_failed, &s));
	assert_int_equal(s.n, TC_CLIENT_FAILED_KEPT + 2);
	assert_int_equal(p.n, TC_CLIENT_FAILED_KEPT + 1);
	assert_int_equal(client_pend_echo(&p, 0, false, "x"), 3);       /* 1 and 2 forgotten */
	client_pend_free(&p);
}

static void closed_window_forgotten(void **state)
{
	struct client_pend p = { 0 };

	(void)state;
	client_pend_add(&p, 1, 0, false, "a", "a", 100);
	client_pend_add(&p, 2, 1, false, "b", "b", 100);
	client_pend_add(&p, 3, 2, false, "c", "c", 100);
	client_pend_window_closed(&p, 1);
	assert_int_equal(p.n, 2);
	assert_int_equal(client_pend_echo(&p, 1, false, "b"), 0);
	assert_int_equal(client_pend_echo(&p, 1, false, "c"), 3);       /* window 2 is now 1 */
	assert_int_equal(client_pend_echo(&p, 0, false, "a"), 1);
	client_pend_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(echo_in_time_or_late),
		cmocka_unit_test(echo_matches_window_kind_and_text),
		cmocka_unit_test(failed_lines_kept_are_bounded),
		cmocka_unit_test(closed_window_forgotten),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
