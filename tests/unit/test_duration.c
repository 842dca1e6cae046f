/* Unit tests for duration.c: "1d12h" <-> seconds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "duration.h"
#include "tclimits.h"

static const struct {
	const char *text;
	long secs; /* -1: refused */
} parse_cases[] = {
	{ "30s", 30 }, { "10m", 600 }, { "2h", 7200 }, { "7d", 604800 }, { "1d12h", 129600 },
	{ "1h30m", 5400 }, { "1d2h3m4s", 93784 }, { "366d", 366 * 86400L }, { "1s", 1 },
	{ "90m", 5400 }, { "0001m", 60 },
	{ "10", -1 },     /* no unit */
	{ "", -1 }, { "m", -1 }, { "s10", -1 }, { "10x", -1 }, { "10M", -1 }, { "-5m", -1 },
	{ "+5m", -1 }, { " 5m", -1 }, { "5m ", -1 }, { "5 m", -1 }, { "1d 3h", -1 },
	{ "0s", -1 }, { "0d0h", -1 }, { "367d", -1 }, { "99999999999999999999s", -1 },
	{ "31622401s", -1 }, { "31622400s", 31622400 }, { "1m1h", -1 }, { "1h1h", -1 },
	{ "1.5h", -1 }, { "1h30", -1 },
};

static void parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
		long secs = -7;
		const char *why = NULL;
		int rc = duration_parse(parse_cases[i].text, &secs, &why);

		if (parse_cases[i].secs < 0) {
			if (rc != -1 || why == NULL)
				fail_msg("'%s' should be refused", parse_cases[i].text);
		} else if (rc != 0 || secs != parse_cases[i].secs) {
			fail_msg("'%s': got rc %d, %ld (%s)", parse_cases[i].text, rc, secs,
			    why ? why : "");
		}
	}
}

static void bare_number_says_why(void **state)
{
	long secs;
	const char *why = NULL;

	(void)state;
	assert_int_equal(duration_parse("10", &secs, &why), -1);
	assert_non_null(strstr(why, "unit"));
}

static const struct {
	long secs;
	const char *text;
} format_cases[] = {
	{ 0, "0s" }, { 45, "45s" }, { 60, "1m" }, { 5400, "1h 30m" }, { 7200, "2h" },
	{ 97200, "1d 3h" }, { 86460, "1d 1m" }, { 93784, "1d 2h" }, { 604800, "7d" },
	{ 3599, "59m 59s" }, { -5, "0s" }, { TC_DURATION_MAX, "366d" },
};

static void format_table(void **state)
{
	char out[DURATION_TEXT_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof(format_cases) / sizeof(format_cases[0]); i++)
		assert_string_equal(duration_format(format_cases[i].secs, out), format_cases[i].text);
}

static void candidates(void **state)
{
	(void)state;
	assert_true(duration_is_candidate("10m"));
	assert_true(duration_is_candidate("10"));
	assert_false(duration_is_candidate("spam"));
	assert_false(duration_is_candidate(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_table),
		cmocka_unit_test(bare_number_says_why),
		cmocka_unit_test(format_table),
		cmocka_unit_test(candidates),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
