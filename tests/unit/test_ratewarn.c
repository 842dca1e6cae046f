/* Unit tests for ratewarn.c: at most N warnings a minute (a fixed window), the rest
 * counted and reported with the next one allowed, and a clock that goes back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "ratewarn.h"

static void n_per_minute_then_counted(void **state)
{
	struct ratewarn w;
	unsigned long held = 99;

	(void)state;
	ratewarn_init(&w, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(ratewarn_allow(&w, 1000 + i, &held), 1);
		assert_int_equal(held, 0);
	}
	held = 99;
	assert_int_equal(ratewarn_allow(&w, 2000, &held), 0);
	assert_int_equal(ratewarn_allow(&w, 60999, &held), 0);    /* window from 1000 */
	assert_int_equal(held, 99);                               /* untouched when refused */
	assert_int_equal(ratewarn_pending(&w), 2);
	assert_int_equal(ratewarn_allow(&w, 61000, &held), 1);    /* a new window */
	assert_int_equal(held, 2);                                /* "(2 more not shown)" */
	assert_int_equal(ratewarn_pending(&w), 0);
	assert_int_equal(ratewarn_allow(&w, 61001, &held), 1);
	assert_int_equal(held, 0);
}

static void the_window_starts_at_the_first_warning(void **state)
{
	struct ratewarn w;
	unsigned long held;

	(void)state;
	ratewarn_init(&w, 1);
	assert_int_equal(ratewarn_allow(&w, -5000, &held), 1);   /* any time, even negative */
	assert_int_equal(ratewarn_allow(&w, 54999, &held), 0);
	assert_int_equal(ratewarn_allow(&w, 55000, &held), 1);
	assert_int_equal(held, 1);
}

static void a_clock_that_goes_back_starts_a_new_window(void **state)
{
	struct ratewarn w;
	unsigned long held;

	(void)state;
	ratewarn_init(&w, 1);
	assert_int_equal(ratewarn_allow(&w, 100000, &held), 1);
	assert_int_equal(ratewarn_allow(&w, 100001, &held), 0);
	assert_int_equal(ratewarn_allow(&w, 50000, &held), 1);
	assert_int_equal(held, 1);
}

static void zero_per_minute_counts_everything(void **state)
{
	struct ratewarn w;
	unsigned long held;

	(void)state;
	ratewarn_init(&w, 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(ratewarn_allow(&w, i * 100000, &held), 0);
	assert_int_equal(ratewarn_pending(&w), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(n_per_minute_then_counted),
		cmocka_unit_test(the_window_starts_at_the_first_warning),
		cmocka_unit_test(a_clock_that_goes_back_starts_a_new_window),
		cmocka_unit_test(zero_per_minute_counts_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
