/* Unit tests for client_time.c: the two TIME forms of the records (UTC ISO 8601 from
 * version 2 servers, local time from version 1 and nc), shown in a strftime format,
 * with the date when it is not today; and which records carry a time. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <cmocka.h>

#include "client_time.h"
#include "proto.h"

#define T0 1764581400     /* 2025-12-01 09:30:00 UTC */

static int zone(void **state)
{
	(void)state;
	setenv("TZ", "UTC-1", 1);                     /* one hour east of UTC */
	tzset();
	return 0;
}

static void both_forms_parse(void **state)
{
	time_t t = 0;

	(void)state;
	assert_true(client_time_parse("2025-12-01T09:30:00Z", &t));
	assert_int_equal(t, T0);
	assert_true(client_time_parse("2025-12-01 10:30:00", &t));   /* local: UTC+1 */
	assert_int_equal(t, T0);
}

static void anything_else_is_refused(void **state)
{
	time_t t = 42;

	(void)state;
	assert_false(client_time_parse(NULL, &t));
	assert_false(client_time_parse("", &t));
	assert_false(client_time_parse("2025-12-01T09:30:00", &t));   /* no Z */
	assert_false(client_time_parse("2025-12-01T09:30:00Zx", &t));
	assert_false(client_time_parse("2025-12-01 10:30", &t));
	assert_false(client_time_parse("yesterday", &t));
	assert_int_equal(t, 42);
}

static void shown_in_local_time_and_format(void **state)
{
	char out[64];

	(void)state;
	client_time_show("2025-12-01T09:30:05Z", CLIENT_TIME_DEFAULT, false, T0, out, sizeof(out));
	assert_string_equal(out, "10:30");
	client_time_show("2025-12-01T09:30:05Z", CLIENT_TIME_CLASSIC, false, T0, out, sizeof(out));
	assert_string_equal(out, "2025-12-01 10:30:05");
	client_time_show("2025-12-01T09:30:05Z", "%H:%M:%S", true, T0, out, sizeof(out));
	assert_string_equal(out, "10:30:05");         /* today: no date */
}

static void another_day_shows_its_date(void **state)
{
	char out[64];

	(void)state;
	client_time_show("2025-11-30T09:00:00Z", "%H:%M", true, T0, out, sizeof(out));
	assert_string_equal(out, "2025-11-30 10:00");
	client_time_show("2025-11-30T09:00:00Z", "%H:%M", false, T0, out, sizeof(out));
	assert_string_equal(out, "10:00");
	/* 23:30 UTC on the 30th is already the 1st here. */
	client_time_show("2025-11-30T23:30:00Z", "%H:%M", true, T0, out, sizeof(out));
	assert_string_equal(out, "00:30");
}

static void no_or_bad_time_is_now(void **state)
{
	char out[64];

	(void)state;
	client_time_show(NULL, "%H:%M", true, T0, out, sizeof(out));
	assert_string_equal(out, "10:30");
	client_time_show("garbage", "%H:%M", true, T0, out, sizeof(out));
	assert_string_equal(out, "10:30");
}

static void a_format_too_long_gives_an_empty_time(void **state)
{
	char out[8];

	(void)state;
	client_time_show(NULL, "%Y-%m-%d %H:%M:%S", false, T0, out, sizeof(out));
	assert_string_equal(out, "");
	client_time_show(NULL, "%H:%M", false, T0, out, 0);   /* no room at all: untouched */
}

static void the_records_with_a_time(void **state)
{
	(void)state;
	assert_true(client_time_has(PROTO_MSG));
	assert_true(client_time_has(PROTO_HIST));
	assert_true(client_time_has(PROTO_JOIN));
	assert_true(client_time_has(PROTO_LEAVE));
	assert_true(client_time_has(PROTO_RENAME));
	assert_true(client_time_has(PROTO_PRIV));
	assert_false(client_time_has(PROTO_INFO));
	assert_false(client_time_has(PROTO_WELCOME));
	assert_false(client_time_has(PROTO_MEMBERS));
	assert_false(client_time_has(PROTO_ONLINE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(both_forms_parse, zone),
		cmocka_unit_test_setup(anything_else_is_refused, zone),
		cmocka_unit_test_setup(shown_in_local_time_and_format, zone),
		cmocka_unit_test_setup(another_day_shows_its_date, zone),
		cmocka_unit_test_setup(no_or_bad_time_is_now, zone),
		cmocka_unit_test_setup(a_format_too_long_gives_an_empty_time, zone),
		cmocka_unit_test_setup(the_records_with_a_time, zone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
