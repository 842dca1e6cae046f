/* test_scroll.c: the history pane's scroll model. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "scroll.h"

static void test_follow(void **state)
{
	struct scroll sc = { 0, 0 };

	(void)state;
	scroll_added(&sc, 3);
	assert_int_equal(sc.offset, 0);
	assert_int_equal(sc.unseen, 0);
	assert_int_equal(scroll_first_row(&sc, 100, 10), 90);
	assert_int_equal(scroll_first_row(&sc, 4, 10), 0);
}

static void test_page_keeps_place(void **state)
{
	struct scroll sc = { 0, 0 };

	(void)state;
	scroll_page(&sc, 1, 100, 10);
	assert_int_equal(sc.offset, 9);              /* one row of context */
	assert_int_equal(scroll_first_row(&sc, 100, 10), 81);
	scroll_added(&sc, 2);                        /* two rows arrive: view stays put */
	assert_int_equal(scroll_first_row(&sc, 102, 10), 81);
	assert_int_equal(sc.unseen, 1);
	scroll_added(&sc, 1);
	assert_int_equal(sc.unseen, 2);
	scroll_page(&sc, -1, 103, 10);
	scroll_page(&sc, -1, 103, 10);
	assert_int_equal(sc.offset, 0);
	assert_int_equal(sc.unseen, 0);              /* back at the bottom: marker gone */
}

static void test_clamp(void **state)
{
	struct scroll sc = { 0, 0 };

	(void)state;
	scroll_by(&sc, 1000, 50, 10);
	assert_int_equal(sc.offset, 40);
	assert_int_equal(scroll_first_row(&sc, 50, 10), 0);
	scroll_clamp(&sc, 50, 30);                  /* taller window after a resize */
	assert_int_equal(sc.offset, 20);
	scroll_clamp(&sc, 5, 10);                   /* everything fits */
	assert_int_equal(sc.offset, 0);
	scroll_by(&sc, 5, 3, 0);                    /* no pane at all */
	assert_int_equal(sc.offset, 3);
	scroll_by(&sc, -100, 3, 0);
	assert_int_equal(sc.offset, 0);
}

static void test_tiny_page(void **state)
{
	struct scroll sc = { 0, 0 };

	(void)state;
	scroll_page(&sc, 1, 10, 1);
	assert_int_equal(sc.offset, 1);
	scroll_bottom(&sc);
	assert_int_equal(sc.offset, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follow),
		cmocka_unit_test(test_page_keeps_place),
		cmocka_unit_test(test_clamp),
		cmocka_unit_test(test_tiny_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
