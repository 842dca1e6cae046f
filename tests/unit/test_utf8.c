/* Unit tests for utf8.c: decoding, widths and the sanitising policies. The message
 * policy's cases came from test_line.c (line_sanitize), the decoding, width and display
 * cases from test_wrap.c (wrap_decode, wrap_width, wrap_sanitize). */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "utf8.h"

static int setup(void **state)
{
	(void)state;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return -1;
	return 0;
}

static size_t san(const char *in, char *out)
{
	size_t n = utf8_clean(UTF8_MESSAGE, in, strlen(in), out, 256);

	out[n] = '\0';
	return n;
}

static void sanitize_controls(void **state)
{
	char out[256];

	(void)state;
	san("a\x1b[31mred\x07\x08\x7f", out);
	assert_string_equal(out, "a[31mred");
	san("tab\there", out);
	assert_string_equal(out, "tab here");
	san("c1:\xc2\x9b\xc2\x85!", out);
	assert_string_equal(out, "c1:!");
	assert_int_equal(utf8_clean(UTF8_MESSAGE, "a\0b", 3, out, sizeof(out)), 2);
	assert_memory_equal(out, "ab", 2);
}

static void sanitize_utf8(void **state)
{
	char out[256];
	const char *ok = "caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80";

	(void)state;
	san(ok, out);
	assert_string_equal(out, ok);                        /* valid UTF-8 untouched */
	san("bad\xff!", out);
	assert_string_equal(out, "bad\xef\xbf\xbd!");
	san("\xc0\xaf", out);                                /* overlong '/' */
	assert_string_equal(out, "\xef\xbf\xbd\xef\xbf\xbd");
	san("\xed\xa0\x80", out);                            /* surrogate */
	assert_string_equal(out, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	san("trunc\xe4\xb8", out);
	assert_string_equal(out, "trunc\xef\xbf\xbd\xef\xbf\xbd");
	assert_int_equal(utf8_chars("\xe4\xb8\xad\xe6\x96\x87", 6), 2);
}

static void test_decode(void **state)
{
	uint32_t cp;

	(void)state;
	assert_int_equal(utf8_decode("a", 1, &cp), 1);
	assert_int_equal(cp, 'a');
	assert_int_equal(utf8_decode("\xc3\xa9", 2, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(utf8_decode("\xe6\x97\xa5", 3, &cp), 3);
	assert_int_equal(cp, 0x65E5);
	assert_int_equal(utf8_decode("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1F600);
	/* invalid: lone continuation, overlong, truncated, surrogate */
	assert_int_equal(utf8_decode("\x80", 1, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(utf8_decode("\xc0\xaf", 2, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
	assert_int_equal(utf8_decode("\xe6\x97", 2, &cp), 1);
	assert_int_equal(utf8_decode("\xed\xa0\x80", 3, &cp), 1);
	assert_int_equal(cp, 0xFFFD);
}

static void test_encode_roundtrip(void **state)
{
	const uint32_t cps[] = { 0x41, 0xE9, 0x65E5, 0x1F600, 0x10FFFF };
	char buf[4];
	uint32_t back;

	(void)state;
	for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
		size_t n = utf8_encode(cps[i], buf);

		assert_int_equal(utf8_decode(buf, n, &back), n);
		assert_int_equal(back, cps[i]);
	}
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(utf8_width("hello", 5), 5);
	assert_int_equal(utf8_width("h\xc3\xa9llo", 6), 5);              /* é */
	assert_int_equal(utf8_width("\xe6\x97\xa5\xe6\x9c\xac", 6), 4);   /* 日本 */
	assert_int_equal(utf8_width("e\xcc\x81", 3), 1);                  /* e + combining acute */
	assert_int_equal(utf8_width("\x80x", 2), 2);                      /* bad byte: 1 column */
	assert_int_equal(utf8_fit("\xe6\x97\xa5\xe6\x9c\xac", 6, 3), 3);  /* half a wide char never fits */
	assert_int_equal(utf8_fit("abc", 3, 10), 3);
	assert_int_equal(utf8_fit("abc", 3, 0), 0);
}

static void test_sanitize(void **state)
{
	char *s;

	(void)state;
	s = utf8_clean_str(UTF8_DISPLAY, "a\tb\033[31mc\x80\xc3\xa9");
	assert_string_equal(s, "a b\xef\xbf\xbd[31mc\xef\xbf\xbd\xc3\xa9");
	free(s);
	s = utf8_clean_str(UTF8_DISPLAY, "");
	assert_string_equal(s, "");
	free(s);
}

/* The name policy refuses what the message policy would repair. */
/* Sanitising (folded from test_regressions.c): valid text passes byte-exact, everything
 * invalid becomes U+FFFD. */
static void sanitize_cases(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "h\xc3\xa9llo \xe6\x97\xa5\xf0\x9f\x8e\x89", "h\xc3\xa9llo \xe6\x97\xa5\xf0\x9f\x8e\x89" },
		{ "\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd" },             /* overlong */
		{ "\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" }, /* surrogate */
		{ "\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
		{ "a\xc3", "a\xef\xbf\xbd" },                             /* cut at the end */
		{ "\xc2\x85\xc2\x9f\xc2\xa0", "\xc2\xa0" },               /* C1 gone, NBSP kept */
		{ "\t\x01\x1f\x7f", " " },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = utf8_clean(UTF8_MESSAGE, cases[i].in, strlen(cases[i].in), out, sizeof(out));

		out[n] = '\0';
		assert_string_equal(out, cases[i].out);
	}
}

static void name_policy(void **state)
{
	char out[16];

	(void)state;
	assert_int_equal(utf8_clean(UTF8_NAME, "caf\xc3\xa9", 5, out, sizeof(out)), 5);
	assert_string_equal(out, "caf\xc3\xa9");
	assert_int_equal(utf8_clean(UTF8_NAME, "a\x1b" "b", 3, out, sizeof(out)), UTF8_REFUSED);
	assert_int_equal(utf8_check("a\x1b" "b", 3), UTF8_CONTROL);
	assert_int_equal(utf8_check("a\xff" "b", 3), UTF8_INVALID);
	assert_int_equal(utf8_check("\xc2\x85", 2), UTF8_CONTROL);     /* C1 */
	assert_int_equal(utf8_check("ok", 2), UTF8_OK);
}

/* Output never overflows outsz, and never ends inside a character. */
static void clean_respects_outsz(void **state)
{
	char out[5];

	(void)state;
	assert_int_equal(utf8_clean(UTF8_MESSAGE, "ab\xe6\x97\xa5", 5, out, sizeof(out)), 2);
	assert_string_equal(out, "ab");
	assert_int_equal(utf8_clean(UTF8_DISPLAY, "a\x01", 2, out, sizeof(out)), 4);
	assert_string_equal(out, "a\xef\xbf\xbd");
	assert_int_equal(utf8_clean(UTF8_LOG, "a\x01", 2, out, sizeof(out)), 3);
	assert_string_equal(out, "...");     /* no room for the text: only the cut mark */
	assert_int_equal(utf8_cut("ab\xe6\x97\xa5", 5, 4), 2);
	assert_int_equal(utf8_chars("ab\xe6\x97\xa5", 5), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sanitize_controls),
		cmocka_unit_test(sanitize_utf8),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_encode_roundtrip),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_sanitize),
		cmocka_unit_test(sanitize_cases),
		cmocka_unit_test(name_policy),
		cmocka_unit_test(clean_respects_outsz),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
