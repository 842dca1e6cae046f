/* test_keys.c: curses keys to readline bytes, and keys the screen keeps. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <curses.h>

#include "keys.h"

static void expect(int key, const char *seq)
{
	char out[KEYS_SEQ_MAX];
	size_t n = keys_to_bytes(key, out);

	assert_int_equal(n, strlen(seq));
	assert_memory_equal(out, seq, n);
}

static void test_bytes_pass_through(void **state)
{
	char out[KEYS_SEQ_MAX];

	(void)state;
	expect('a', "a");
	expect(0x01, "\x01");          /* Ctrl+A */
	expect(0x1b, "\033");
	assert_int_equal(keys_to_bytes(0xc3, out), 1);   /* first byte of é */
	assert_int_equal((unsigned char)out[0], 0xc3);
}

static void test_special_keys(void **state)
{
	(void)state;
	expect(KEY_UP, "\033[A");
	expect(KEY_DOWN, "\033[B");
	expect(KEY_RIGHT, "\033[C");
	expect(KEY_LEFT, "\033[D");
	expect(KEY_HOME, "\033[H");
	expect(KEY_END, "\033[F");
	expect(KEY_DC, "\033[3~");
	expect(KEY_BACKSPACE, "\177");
	expect(KEY_ENTER, "\r");
}

static void test_unknown_key(void **state)
{
	char out[KEYS_SEQ_MAX];

	(void)state;
	assert_int_equal(keys_to_bytes(KEY_F(5), out), 0);
	assert_int_equal(keys_to_bytes(KEY_MOUSE, out), 0);
}

static void test_ui_keys(void **state)
{
	(void)state;
	assert_int_equal(keys_ui_action(KEY_PPAGE), KEYS_UI_PAGE_UP);
	assert_int_equal(keys_ui_action(KEY_NPAGE), KEYS_UI_PAGE_DOWN);
	assert_int_equal(keys_ui_action(KEY_RESIZE), KEYS_UI_RESIZE);
	assert_int_equal(keys_ui_action(0x0c), KEYS_UI_REDRAW);
	assert_int_equal(keys_ui_action('a'), KEYS_UI_NONE);
	assert_int_equal(keys_ui_action(KEY_UP), KEYS_UI_NONE);
	assert_int_equal(keys_ui_action(KEY_MOUSE), KEYS_UI_MOUSE);
	assert_int_equal(keys_ui_action(KEY_END), KEYS_UI_END);       /* and readline's */
	assert_int_equal(keys_ui_action(KEY_SEND), KEYS_UI_BOTTOM);
	assert_int_equal(keys_ui_action(KEYS_CTRL_END), KEYS_UI_BOTTOM);
	assert_int_equal(keys_ui_action(KEY_SHOME), KEYS_UI_TOP);
	assert_int_equal(keys_ui_action(KEYS_FOCUS_IN), KEYS_UI_FOCUS_IN);
	assert_int_equal(keys_ui_action(KEYS_FOCUS_OUT), KEYS_UI_FOCUS_OUT);
	assert_true(KEYS_FOCUS_IN > KEY_MAX && KEYS_FOCUS_OUT > KEY_MAX);
	assert_int_equal(keys_mouse_action(BUTTON4_PRESSED), KEYS_UI_WHEEL_UP);
	assert_int_equal(keys_mouse_action(BUTTON5_PRESSED), KEYS_UI_WHEEL_DOWN);
	assert_int_equal(keys_mouse_action(BUTTON1_PRESSED), KEYS_UI_NONE);
	assert_int_equal(keys_to_bytes(KEY_MOUSE, (char[KEYS_SEQ_MAX]){ 0 }), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_pass_through),
		cmocka_unit_test(test_special_keys),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_ui_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
