/* Unit tests for buf.c. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "buf.h"

static void append_and_consume(void **state)
{
	struct buf b = { 0 };

	(void)state;
	buf_append_str(&b, "hello ");
	buf_append(&b, "world", 5);
	buf_putc(&b, '!');
	assert_int_equal(buf_len(&b), 12);
	assert_memory_equal(buf_data(&b), "hello world!", 12);
	buf_consume(&b, 6);
	assert_int_equal(buf_len(&b), 6);
	assert_memory_equal(buf_data(&b), "world!", 6);
	buf_consume(&b, 6);
	assert_int_equal(buf_len(&b), 0);
	assert_non_null(b.data);   /* kept for reuse */
	buf_append_str(&b, "x");
	buf_trim(&b);              /* not empty: kept */
	assert_non_null(b.data);
	buf_consume(&b, 1);
	buf_trim(&b);
	assert_null(b.data);       /* an idle, empty buffer holds no memory */
	buf_free(&b);
}

static void grows_and_reclaims_front(void **state)
{
	struct buf b = { 0 };
	char chunk[1000];

	(void)state;
	memset(chunk, 'x', sizeof(chunk));
	for (int i = 0; i < 100; i++)
		buf_append(&b, chunk, sizeof(chunk));
	assert_int_equal(buf_len(&b), 100000);
	buf_consume(&b, 99000);
	size_t cap = b.cap;
	for (int i = 0; i < 50; i++)
		buf_append(&b, chunk, sizeof(chunk));
	assert_int_equal(b.cap, cap);     /* reused the consumed front, no growth */
	assert_int_equal(buf_len(&b), 51000);
	buf_free(&b);
}

static void reserve_commit(void **state)
{
	struct buf b = { 0 };
	char *p;

	(void)state;
	p = buf_reserve(&b, 4);
	memcpy(p, "abcd", 4);
	buf_commit(&b, 2);
	assert_int_equal(buf_len(&b), 2);
	assert_memory_equal(buf_data(&b), "ab", 2);
	buf_unappend(&b, 1);
	assert_int_equal(buf_len(&b), 1);
	buf_unappend(&b, 5);
	assert_int_equal(buf_len(&b), 0);
	buf_clear(&b);
	assert_int_equal(buf_len(&b), 0);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(append_and_consume),
		cmocka_unit_test(grows_and_reclaims_front),
		cmocka_unit_test(reserve_commit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
