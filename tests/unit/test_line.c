/* Unit tests for line.c: framing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "line.h"

struct got {
	int lines, too_long;
	char last[256];
};

static void drain(struct line_reader *r, struct buf *in, size_t max, struct got *g)
{
	const char *line;
	size_t len, used;

	for (;;) {
		enum line_result res = line_next(r, in, max, &line, &len, &used);

		if (res == LINE_OK) {
			g->lines++;
			memcpy(g->last, line, len);
			g->last[len] = '\0';
		} else if (res == LINE_TOO_LONG) {
			g->too_long++;
		}
		if (used == 0)
			break;
		buf_consume(in, used);
	}
}

static void lf_and_crlf(void **state)
{
	struct line_reader r = { 0 };
	struct buf in = { 0 };
	struct got g = { 0 };

	(void)state;
	buf_append_str(&in, "one\ntwo\r\nthr");
	drain(&r, &in, 100, &g);
	assert_int_equal(g.lines, 2);
	assert_string_equal(g.last, "two");
	assert_int_equal(buf_len(&in), 3);
	buf_append_str(&in, "ee\n");
	drain(&r, &in, 100, &g);
	assert_string_equal(g.last, "three");
	buf_free(&in);
}

static void over_long_line_is_dropped_without_buffering(void **state)
{
	struct line_reader r = { 0 };
	struct buf in = { 0 };
	struct got g = { 0 };
	char chunk[64];

	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	for (int i = 0; i < 1000; i++) {
		buf_append(&in, chunk, sizeof(chunk));
		drain(&r, &in, 100, &g);
		assert_true(buf_len(&in) <= 100 + 1 + sizeof(chunk));
	}
	assert_int_equal(g.too_long, 1);    /* reported once */
	buf_append_str(&in, "tail\nok\n");
	drain(&r, &in, 100, &g);
	assert_int_equal(g.lines, 1);
	assert_string_equal(g.last, "ok");   /* the tail of the long line is not a line */
	buf_free(&in);
}

static void limit_is_exact(void **state)
{
	struct line_reader r = { 0 };
	struct buf in = { 0 };
	struct got g = { 0 };
	char line[12];

	(void)state;
	memset(line, 'x', 10);
	memcpy(line + 10, "\r\n", 2);
	buf_append(&in, line, 12);           /* 10 bytes + CRLF with a limit of 10: fine */
	drain(&r, &in, 10, &g);
	assert_int_equal(g.lines, 1);
	buf_append(&in, "12345678901\n", 12); /* 11 bytes: too long */
	drain(&r, &in, 10, &g);
	assert_int_equal(g.lines, 1);
	assert_int_equal(g.too_long, 1);
	buf_free(&in);
}

/* Framing at the limit (folded from test_regressions.c): max bytes + CR is a line;
 * max + 1 bytes is not. */
static void line_limit_boundaries(void **state)
{
	struct line_reader r = { 0 };
	struct buf in = { 0 };
	const char *line;
	size_t len, used;
	char big[70];

	(void)state;
	memset(big, 'x', sizeof(big));
	buf_append(&in, big, 64);
	buf_append(&in, "\r\n", 2);
	assert_int_equal(line_next(&r, &in, 64, &line, &len, &used), LINE_OK);
	assert_int_equal(len, 64);
	assert_int_equal(used, 66);
	buf_consume(&in, used);
	buf_append(&in, big, 65);
	assert_int_equal(line_next(&r, &in, 64, &line, &len, &used), LINE_NONE);
	buf_append(&in, "\n", 1);
	assert_int_equal(line_next(&r, &in, 64, &line, &len, &used), LINE_TOO_LONG);
	buf_consume(&in, used);
	assert_int_equal(buf_len(&in), 0);
	buf_free(&in);
}

static void trim(void **state)
{
	const char *s = "  a b  ";
	size_t n = strlen(s);

	(void)state;
	line_trim(&s, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(s, "a b", 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lf_and_crlf),
		cmocka_unit_test(over_long_line_is_dropped_without_buffering),
		cmocka_unit_test(limit_is_exact),
		cmocka_unit_test(line_limit_boundaries),
		cmocka_unit_test(trim),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
