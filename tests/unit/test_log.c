/* Unit tests for log.c: peer text in the activity log. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "log.h"
#include "tclimits.h"
#include "unsafe.h"

static const char *esc(const char *s, size_t n)
{
	static char out[LOG_ESCAPE_MAX];

	return log_escape(s, n, out, sizeof(out));
}

static void escapes_what_could_harm_a_terminal(void **state)
{
	(void)state;
	assert_string_equal(esc("plain", 5), "plain");
	assert_string_equal(esc("a\x1b[2Jb", 6), "a\\x1b[2Jb");
	assert_string_equal(esc("q\"\\", 3), "q\\x22\\x5c");
	assert_string_equal(esc("c1\xc2\x9b!", 5), "c1\\xc2\\x9b!");      /* C1 CSI */
	assert_string_equal(esc("bad\xff", 4), "bad\\xff");
	assert_string_equal(esc("caf\xc3\xa9", 5), "caf\xc3\xa9");          /* UTF-8 kept */
}

/* Folded from test_regressions.c (test_hardening.py, test_bug_log_escapes_c1_and_invalid_utf8):
 * log_escape() turned C0 controls and DEL into \xHH but passed C1 controls (U+009B is
 * CSI to many terminals) and stray bytes such as 0x9b through to the operator's
 * terminal (at -vv, a refused name is logged as typed). */
static void log_escape_hides_c1_and_stray_bytes(void **state)
{
	static const char in[] = "x\xc2\x9b""31m \x9b""2J \xe6\x97\xa5 \x1b";
	char out[4 * TC_LOG_PEER_TEXT_MAX];

	(void)state;
	log_escape(in, sizeof(in) - 1, out, sizeof(out));
	assert_int_equal(first_unsafe(out, strlen(out), 0), strlen(out));
	assert_non_null(strstr(out, "\xe6\x97\xa5"));     /* valid UTF-8 stays readable */
}

static void caps_length_without_cutting_characters(void **state)
{
	char in[300];
	const char *o;

	(void)state;
	memset(in, 'x', sizeof(in));
	o = esc(in, sizeof(in));
	assert_int_equal(strlen(o), TC_LOG_PEER_TEXT_MAX + 3);
	assert_string_equal(o + TC_LOG_PEER_TEXT_MAX, "...");
	/* a 3-byte character across the cap is escaped, never cut in half */
	memset(in, 'y', TC_LOG_PEER_TEXT_MAX - 1);
	memcpy(in + TC_LOG_PEER_TEXT_MAX - 1, "\xe4\xb8\xad", 3);
	o = esc(in, TC_LOG_PEER_TEXT_MAX + 2);
	assert_null(strstr(o, "\xe4"));
	/* all-escaped input still fits */
	memset(in, 0x01, sizeof(in));
	o = esc(in, sizeof(in));
	assert_true(strlen(o) < LOG_ESCAPE_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escapes_what_could_harm_a_terminal),
		cmocka_unit_test(log_escape_hides_c1_and_stray_bytes),
		cmocka_unit_test(caps_length_without_cutting_characters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
