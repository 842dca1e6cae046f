/* Unit tests for tstamp.c: local stamps (in a fixed zone, and the per-second cache
 * following the time and the zone's offset) and UTC ones, with their bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "tstamp.h"

#define T0 1764581400     /* 2025-12-01 09:30:00 UTC */

static int utc(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	return 0;
}

static void local_stamp_in_utc(void **state)
{
	char s[TSTAMP_LEN + 1];

	(void)state;
	tstamp_format(T0, s);
	assert_string_equal(s, "2025-12-01 09:30:00");
	assert_int_equal(strlen(s), TSTAMP_LEN);
	tstamp_format(T0 + 59, s);                    /* the cache follows the second */
	assert_string_equal(s, "2025-12-01 09:30:59");
	tstamp_format(T0, s);
	assert_string_equal(s, "2025-12-01 09:30:00");
	tstamp_format(0, s);
	assert_string_equal(s, "1970-01-01 00:00:00");
}

static void local_stamp_follows_the_zone(void **state)
{
	char s[TSTAMP_LEN + 1];

	(void)state;
	setenv("TZ", "UTC-2", 1);                     /* POSIX: two hours east of UTC */
	tzset();
	tstamp_format(T0 + 1, s);
	assert_string_equal(s, "2025-12-01 11:30:01");
	setenv("TZ", "UTC", 1);
	tzset();
}

static void utc_stamp_is_iso_8601(void **state)
{
	char s[TSTAMP_UTC_LEN + 1];

	(void)state;
	setenv("TZ", "UTC+5", 1);                     /* the zone does not matter */
	tzset();
	tstamp_format_utc(T0, s);
	assert_string_equal(s, "2025-12-01T09:30:00Z");
	assert_int_equal(strlen(s), TSTAMP_UTC_LEN);
	tstamp_format_utc(253402300799, s);           /* the last second of 9999 */
	assert_string_equal(s, "9999-12-31T23:59:59Z");
	tstamp_format_utc(253402300800, s);           /* year 10000: out of the format */
	assert_string_equal(s, "0000-00-00T00:00:00Z");
	setenv("TZ", "UTC", 1);
	tzset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(local_stamp_in_utc, utc),
		cmocka_unit_test_setup(local_stamp_follows_the_zone, utc),
		cmocka_unit_test_setup(utc_stamp_is_iso_8601, utc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
