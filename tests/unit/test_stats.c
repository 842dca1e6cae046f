/* Unit tests for stats.c: close reasons counted, the SIGUSR1 summary line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "stats.h"

static void summary_line(void **state)
{
	struct stats st;
	struct stats_now sn = { .now = 3725 + 100, .connections = 2, .rooms = 3,
	    .msgs_in = 4, .msgs_out = 9 };
	char reason[] = "closed by peer", out[512];

	(void)state;
	stats_init(&st, 100);
	st.accepted = 5;
	st.bytes_in = 120;
	st.bytes_out = 2048;
	assert_string_equal(stats_format(&st, &sn, out, sizeof(out)),
	    "uptime 1h02m05s, connections 2 (5 accepted, 0 refused), rooms 3, messages 4 in "
	    "9 out, bytes 120 in 2048 out, closed: none");
	stats_drop(&st, "closed by peer");
	stats_drop(&st, "quit");
	stats_drop(&st, reason);          /* same words, another pointer: one entry */
	stats_drop(&st, NULL);
	assert_non_null(strstr(stats_format(&st, &sn, out, sizeof(out)),
	    "closed: closed by peer 2, quit 1, closed 1"));
}

static void reasons_overflow_and_short_buffers(void **state)
{
	struct stats st;
	struct stats_now sn = { 0 };
	static char words[STATS_REASONS + 3][16];
	char out[40];

	(void)state;
	stats_init(&st, 0);
	for (size_t i = 0; i < STATS_REASONS + 3; i++) {
		snprintf(words[i], sizeof(words[i]), "r%zu", i);
		stats_drop(&st, words[i]);
	}
	assert_int_equal(st.other_drops, 3);
	stats_format(&st, &sn, out, sizeof(out));
	assert_int_equal(strlen(out), sizeof(out) - 1);    /* cut, always terminated */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(summary_line),
		cmocka_unit_test(reasons_overflow_and_short_buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
