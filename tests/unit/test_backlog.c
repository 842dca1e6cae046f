/* Unit tests for history.c: bounded by count and by bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "backlog.h"

static void keeps_the_last_n(void **state)
{
	struct backlog h;
	char text[32];

	(void)state;
	backlog_init(&h, 5, 1 << 20);
	for (int i = 0; i < 23; i++) {
		int n = snprintf(text, sizeof(text), "m%d", i);

		backlog_add(&h, i, SAY_MSG, "bob", 3, text, (size_t)n);
	}
	assert_int_equal(h.count, 5);
	assert_string_equal(hentry_text(backlog_get(&h, 0)), "m18");
	assert_string_equal(hentry_text(backlog_get(&h, 4)), "m22");
	assert_string_equal(hentry_name(backlog_get(&h, 4)), "bob");
	assert_int_equal(backlog_get(&h, 4)->t, 22);
	assert_null(backlog_get(&h, 5));
	backlog_free(&h);
	assert_int_equal(h.count, 0);
}

static int is_name(const char *name, const void *arg)
{
	return strcmp(name, arg) == 0;
}

/* A purge in a ring that has wrapped keeps the others in order, and adding goes on. */
static void purge_keeps_the_rest_in_order(void **state)
{
	struct backlog h;
	char text[32];

	(void)state;
	backlog_init(&h, 6, 1 << 20);
	for (int i = 0; i < 10; i++) {
		int n = snprintf(text, sizeof(text), "m%d", i);

		backlog_add(&h, i, SAY_MSG, i % 2 ? "eve" : "bob", 3, text, (size_t)n);
	}
	assert_int_equal(backlog_purge(&h, is_name, "eve"), 3);
	assert_int_equal(h.count, 3);
	assert_int_equal(h.bytes, 3 * (3 + 2));
	assert_string_equal(hentry_text(backlog_get(&h, 0)), "m4");
	assert_string_equal(hentry_text(backlog_get(&h, 2)), "m8");
	assert_int_equal(backlog_purge(&h, is_name, "nobody"), 0);
	for (int i = 10; i < 16; i++) {
		int n = snprintf(text, sizeof(text), "m%d", i);

		backlog_add(&h, i, SAY_MSG, "bob", 3, text, (size_t)n);
	}
	assert_int_equal(h.count, 6);
	assert_string_equal(hentry_text(backlog_get(&h, 0)), "m10");
	assert_string_equal(hentry_text(backlog_get(&h, 5)), "m15");
	backlog_free(&h);
}

static void bounded_by_bytes(void **state)
{
	struct backlog h;
	char big[1000];

	(void)state;
	memset(big, 'x', sizeof(big));
	backlog_init(&h, 1000, 5000);
	for (int i = 0; i < 100; i++)
		backlog_add(&h, i, SAY_MSG, "a", 1, big, sizeof(big));
	assert_true(h.bytes <= 5000);
	assert_int_equal(h.count, 4);
	backlog_free(&h);
}

static void zero_keeps_nothing(void **state)
{
	struct backlog h;

	(void)state;
	backlog_init(&h, 0, 5000);
	backlog_add(&h, 1, SAY_MSG, "a", 1, "x", 1);
	assert_int_equal(h.count, 0);
	backlog_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keeps_the_last_n),
		cmocka_unit_test(bounded_by_bytes),
		cmocka_unit_test(zero_keeps_nothing),
		cmocka_unit_test(purge_keeps_the_rest_in_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
