/* keys.c: curses key codes to readline byte sequences. See keys.h. */
#include <curses.h>
#include <string.h>

#include "keys.h"

static const struct {
	int key;
	const char *seq;
} table[] = {
	{ KEY_UP, "\033[A" },     { KEY_DOWN, "\033[B" },
	{ KEY_RIGHT, "\033[C" },  { KEY_LEFT, "\033[D" },
	{ KEY_HOME, "\033[H" },   { KEY_END, "\033[F" },
	{ KEY_DC, "\033[3~" },    { KEY_IC, "\033[2~" },
	{ KEY_BACKSPACE, "\177" }, { KEY_ENTER, "\r" },
	{ KEY_BTAB, "\033[Z" },
};

enum keys_ui keys_ui_action(int key)
{
	switch (key) {
	case KEY_PPAGE: return KEYS_UI_PAGE_UP;
	case KEY_NPAGE: return KEYS_UI_PAGE_DOWN;
	case KEY_RESIZE: return KEYS_UI_RESIZE;
	case KEY_SHOME: return KEYS_UI_TOP;
	case KEY_SEND: case KEYS_CTRL_END: return KEYS_UI_BOTTOM;    /* Shift+End, Ctrl+End */
	case KEY_END: return KEYS_UI_END;
	case 0x0c: return KEYS_UI_REDRAW;   /* Ctrl+L */
	case KEY_MOUSE: return KEYS_UI_MOUSE;
	case 0x0e: case KEYS_ALT_RIGHT: return KEYS_UI_WIN_NEXT;   /* Ctrl+N */
	case 0x10: case KEYS_ALT_LEFT: return KEYS_UI_WIN_PREV;    /* Ctrl+P */
	case KEY_F(2): return KEYS_UI_NICKS;
	case KEY_F(3): return KEYS_UI_SEARCH_OLDER;
	case KEY_F(15): return KEYS_UI_SEARCH_NEWER;    /* Shift+F3 */
	case KEYS_FOCUS_IN: return KEYS_UI_FOCUS_IN;
	case KEYS_FOCUS_OUT: return KEYS_UI_FOCUS_OUT;
	default: return KEYS_UI_NONE;
	}
}

int keys_alt_window(int key)
{
	if (key >= '1' && key <= '9')
		return key - '1';
	return key == '0' ? 9 : -1;
}

enum keys_ui keys_mouse_action(unsigned long bstate)
{
	if (bstate & BUTTON4_PRESSED)
		return KEYS_UI_WHEEL_UP;
	if (bstate & BUTTON5_PRESSED)
		return KEYS_UI_WHEEL_DOWN;
	return KEYS_UI_NONE;
}

size_t keys_to_bytes(int key, char *out)
{
	if (key >= 0 && key <= 0xFF) {
		out[0] = (char)key;
		return 1;
	}
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (table[i].key == key) {
			size_t n = strlen(table[i].seq);

			memcpy(out, table[i].seq, n);
			return n;
		}
	}
	return 0;
}
