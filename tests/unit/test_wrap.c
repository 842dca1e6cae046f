/* test_wrap.c: UTF-8 widths and wrapping for the history pane. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "utf8.h"
#include "wrap.h"

static int setup(void **state)
{
	(void)state;
	if (setlocale(LC_ALL, "C.UTF-8") == NULL)
		return -1;
	return 0;
}

static size_t rows_of(const char *s, int width, size_t *starts, size_t max)
{
	return wrap_rows(s, strlen(s), width, 0, starts, max);
}

static void test_wrap_words(void **state)
{
	size_t st[8];

	(void)state;
	assert_int_equal(rows_of("", 10, st, 8), 1);
	assert_int_equal(st[0], 0);
	assert_int_equal(rows_of("hello", 10, st, 8), 1);
	assert_int_equal(rows_of("hello world", 11, st, 8), 1);
	/* breaks at the space, which is dropped */
	assert_int_equal(rows_of("hello world", 7, st, 8), 2);
	assert_int_equal(st[1], 6);
	/* breaks after the last space of the row */
	assert_int_equal(rows_of("aa bb cccc", 7, st, 8), 2);
	assert_int_equal(st[1], 6);
	/* no space: hard break */
	assert_int_equal(rows_of("abcdefghij", 4, st, 8), 3);
	assert_int_equal(st[1], 4);
	assert_int_equal(st[2], 8);
}

static void test_wrap_wide(void **state)
{
	const char *s = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e";   /* 日本語: 6 columns */
	size_t st[8];

	(void)state;
	assert_int_equal(rows_of(s, 6, st, 8), 1);
	assert_int_equal(rows_of(s, 5, st, 8), 2);   /* a wide char never straddles rows */
	assert_int_equal(st[1], 6);
	assert_int_equal(rows_of(s, 3, st, 8), 3);
	/* a width smaller than one character: each gets a row, no endless loop */
	assert_int_equal(rows_of(s, 1, st, 8), 3);
	assert_int_equal(rows_of("abc", 0, st, 8), 3);
}

static void test_wrap_count_only(void **state)
{
	(void)state;
	assert_int_equal(wrap_rows("abcdefghij", 10, 2, 0, NULL, 0), 5);
}

static void test_wrap_hanging_indent(void **state)
{
	size_t st[8];

	(void)state;
	/* 10 columns, continuation rows 4 narrower: "12:00 abc " | "defghi" */
	assert_int_equal(wrap_rows("12:00 abc defghi", 16, 10, 4, st, 8), 2);
	assert_int_equal(st[1], 10);
	assert_int_equal(wrap_rows("aaaaaaaaaabbbbbbcccccc", 22, 10, 4, st, 8), 3);
	assert_int_equal(st[1], 10);
	assert_int_equal(st[2], 16);
	/* an indent as wide as the row is ignored */
	assert_int_equal(wrap_rows("aaaaaaaaaabbbbbbbbbb", 20, 10, 10, st, 8), 2);
}

/* A word wider than a whole row starts on the first row (no row holding only the
 * time and name); a word that fits a row still moves down whole. */
static void test_wrap_long_word(void **state)
{
	size_t st[8];

	(void)state;
	assert_int_equal(rows_of("12:00 <b> xxxxxxxxxxxxxxxxxxxx", 14, st, 8), 3);
	assert_int_equal(st[1], 14);
	assert_int_equal(st[2], 28);
	assert_int_equal(rows_of("12:00 <b> xxxxxxxx", 14, st, 8), 2);
	assert_int_equal(st[1], 10);
	/* with a hanging indent the next rows are narrower: 10 - 4 = 6 columns */
	assert_int_equal(wrap_rows("12:00 abcdefg", 13, 10, 4, st, 8), 2);
	assert_int_equal(st[1], 10);
	assert_int_equal(wrap_rows("12:00 abcde", 11, 10, 4, st, 8), 2);
	assert_int_equal(st[1], 6);
}

static void test_wrap_split(void **state)
{
	size_t next;
	const char *s = "hello world again";

	(void)state;
	assert_int_equal(wrap_split(s, strlen(s), 64, &next), strlen(s));
	assert_int_equal(next, strlen(s));
	assert_int_equal(wrap_split(s, strlen(s), 12, &next), 11);   /* "hello world" */
	assert_int_equal(next, 12);
	assert_int_equal(wrap_split(s, strlen(s), 11, &next), 11);   /* the space just after fits */
	assert_int_equal(wrap_split(s, strlen(s), 10, &next), 5);
	assert_int_equal(next, 6);
	/* no space: between characters, never inside one (é is 2 bytes at 7..8) */
	assert_int_equal(wrap_split("abcdefgé", 9, 8, &next), 7);
	assert_int_equal(next, 7);
	/* the rest never starts with a slash */
	assert_int_equal(wrap_split("aaaaaaa /quit now", 17, 9, &next), 9);   /* "aaaaaaa /" | "quit now" */
	assert_int_equal(next, 9);
	assert_int_equal(wrap_split("hi there /quit", 14, 9, &next), 2);
	assert_int_equal(next, 3);
	assert_int_equal(wrap_split("abcdefgh/quit", 13, 8, &next), 7);
	assert_int_equal(next, 7);
	/* pieces always cover the text in order and fit */
	{
		char big[1000];
		size_t pos = 0, pieces = 0;

		for (size_t i = 0; i < sizeof(big); i++)
			big[i] = (char)(i % 7 == 6 ? ' ' : (i % 13 == 0 ? '/' : 'a' + (char)(i % 26)));
		while (pos < sizeof(big)) {
			size_t len = wrap_split(big + pos, sizeof(big) - pos, 50, &next);

			assert_true(len > 0 && len <= 50 && next >= len);
			pos += next;
			pieces++;
		}
		assert_int_equal(pos, sizeof(big));
		assert_true(pieces >= 20 && pieces <= 40);
	}
}

/* Random bytes: rows cover the text in order, every row fits, sanitised text is clean. */
static void test_random_input(void **state)
{
	unsigned seed = 12345;
	char buf[300];

	(void)state;
	for (int round = 0; round < 2000; round++) {
		size_t n = 0, starts[400], rows;
		int width;
		char *clean;

		seed = seed * 1103515245u + 12345u;
		n = (seed >> 16) % sizeof(buf);
		for (size_t i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (char)(seed >> 16);
		}
		width = (int)((seed >> 8) % 40);
		rows = wrap_rows(buf, n, width, (int)(seed % 7), starts, 400);
		assert_true(rows >= 1 && rows <= n + 1);
		for (size_t r = 1; r < rows; r++)
			assert_true(starts[r] > starts[r - 1] && starts[r] <= n);
		buf[n] = '\0';
		clean = utf8_clean_str(UTF8_DISPLAY, buf);
		for (size_t i = 0, len = strlen(clean); i < len;) {
			uint32_t cp;
			size_t k = utf8_decode(clean + i, len - i, &cp);

			assert_true(cp >= 0x20 && !(cp >= 0x7F && cp < 0xA0));
			assert_true(cp != 0xFFFD || k == 3);   /* only real U+FFFD, no bad bytes */
			i += k;
		}
		free(clean);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wrap_words),
		cmocka_unit_test(test_wrap_wide),
		cmocka_unit_test(test_wrap_count_only),
		cmocka_unit_test(test_wrap_hanging_indent),
		cmocka_unit_test(test_wrap_long_word),
		cmocka_unit_test(test_wrap_split),
		cmocka_unit_test(test_random_input),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
