/* test_client_windows.c: the screen client's windows and their activity; the times. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "client_time.h"
#include "client_windows.h"

static void test_open_find_close(void **state)
{
	struct client_windows cw = { 0 };

	(void)state;
	assert_int_equal(client_windows_open(&cw, "lobby", false), 0);
	assert_int_equal(client_windows_open(&cw, "dev", false), 1);
	assert_int_equal(client_windows_open(&cw, "bob", true), 2);
	assert_int_equal(client_windows_open(&cw, "DEV", false), 1);    /* case-insensitive */
	assert_int_equal(client_windows_find(&cw, "bob", false), -1);   /* a room is not a priv */
	client_windows_select(&cw, 2);
	client_windows_close(&cw, 1);
	assert_int_equal(cw.n, 2);
	assert_int_equal(cw.active, 1);                                  /* bob moved down */
	assert_string_equal(cw.w[1].name, "bob");
	client_windows_close(&cw, 1);
	client_windows_close(&cw, 0);                                    /* never the last */
	assert_int_equal(cw.n, 1);
	assert_int_equal(cw.active, 0);
	client_windows_free(&cw);
}

static void test_activity(void **state)
{
	struct client_windows cw = { 0 };
	char act[64];

	(void)state;
	client_windows_open(&cw, "lobby", false);
	client_windows_open(&cw, "dev", false);
	client_windows_open(&cw, "ops", false);
	client_windows_act(&cw, act, sizeof(act));
	assert_string_equal(act, "");
	client_windows_line(&cw, 0, false, true);        /* active and seen: not counted */
	client_windows_line(&cw, 1, false, true);
	client_windows_line(&cw, 2, true, true);
	client_windows_act(&cw, act, sizeof(act));
	assert_string_equal(act, "[Act: 2,3!]");
	assert_int_equal(client_windows_mentions(&cw), 1);
	client_windows_line(&cw, 0, true, false);        /* active, scrolled up: counted */
	assert_int_equal(client_windows_mentions(&cw), 2);
	client_windows_select(&cw, 2);
	client_windows_act(&cw, act, sizeof(act));
	assert_string_equal(act, "[Act: 1!,2]");
	client_windows_free(&cw);
}

static void test_names(void **state)
{
	struct client_windows cw = { 0 };
	char **v;

	(void)state;
	client_windows_open(&cw, "lobby", false);
	client_windows_open(&cw, "dev", false);
	client_windows_open(&cw, "carol", true);
	client_members_add(&cw.w[0].members, "alice");
	client_members_add(&cw.w[0].members, "bob");
	client_members_add(&cw.w[1].members, "bob");
	v = client_windows_names(&cw);
	assert_string_equal(v[0], "alice");
	assert_string_equal(v[1], "bob");
	assert_string_equal(v[2], "carol");
	assert_null(v[3]);
	for (int i = 0; v[i]; i++)
		free(v[i]);
	free(v);
	client_windows_free(&cw);
}

static void test_times(void **state)
{
	time_t t = 0, now;
	char out[64];

	(void)state;
	setenv("TZ", "UTC+2", 1);    /* two hours behind UTC */
	tzset();
	assert_true(client_time_parse("2026-12-01T09:30:00Z", &t));
	assert_int_equal((long long)t, 1796117400LL);
	assert_true(client_time_parse("2026-12-01 07:30:00", &t));   /* local, version 1 */
	assert_int_equal((long long)t, 1796117400LL);
	assert_false(client_time_parse("yesterday", &t));
	assert_false(client_time_parse("2026-12-01T09:30:00Zjunk", &t));
	now = 1796117400 + 60;
	client_time_show("2026-12-01T09:30:00Z", "%H:%M", true, now, out, sizeof(out));
	assert_string_equal(out, "07:30");
	client_time_show("2026-11-30T09:30:00Z", "%H:%M", true, now, out, sizeof(out));
	assert_string_equal(out, "2026-11-30 07:30");
	client_time_show("2026-11-30T09:30:00Z", "%H:%M:%S", false, now, out, sizeof(out));
	assert_string_equal(out, "07:30:00");
	client_time_show(NULL, "[%H]", false, now, out, sizeof(out));
	assert_string_equal(out, "[07]");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_find_close),
		cmocka_unit_test(test_activity),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_times),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
