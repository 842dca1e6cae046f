/*
 * keys.h: turning curses key codes back into the byte sequences readline binds, pure.
 */
#ifndef KEYS_H
#define KEYS_H

#include <stddef.h>

#define KEYS_SEQ_MAX 8

/* Key codes of our own for the terminal's focus reports (ESC [ I, ESC [ O), given to
 * curses with define_key: the window gained or lost the terminal's focus. */
#define KEYS_FOCUS_IN  0x1001
#define KEYS_FOCUS_OUT 0x1002
/* ... and for Alt+Left, Alt+Right (ESC [ 1 ; 3 D / C). */
#define KEYS_ALT_LEFT  0x1003
#define KEYS_ALT_RIGHT 0x1004
/* ... and for Ctrl+End (ESC [ 1 ; 5 F, or the terminal type's kEND5). */
#define KEYS_CTRL_END  0x1005

/* What the screen does with a key itself, before readline sees anything. */
enum keys_ui {
	KEYS_UI_NONE, KEYS_UI_PAGE_UP, KEYS_UI_PAGE_DOWN, KEYS_UI_RESIZE, KEYS_UI_REDRAW,
	KEYS_UI_TOP, KEYS_UI_BOTTOM, KEYS_UI_MOUSE, KEYS_UI_WHEEL_UP, KEYS_UI_WHEEL_DOWN,
	KEYS_UI_FOCUS_IN, KEYS_UI_FOCUS_OUT, KEYS_UI_WIN_NEXT, KEYS_UI_WIN_PREV,
	KEYS_UI_NICKS, KEYS_UI_SEARCH_OLDER, KEYS_UI_SEARCH_NEWER,
	KEYS_UI_END,     /* the newest line, and readline's end of line too (End) */
};

/* A key handled by the screen (KEYS_UI_NONE if readline should get it). */
enum keys_ui keys_ui_action(int key);

/* The key after an ESC (Alt+KEY): Alt+1..9 and Alt+0 are windows 0..9; else -1. */
int keys_alt_window(int key);

/* What a mouse event (MEVENT.bstate) does: KEYS_UI_WHEEL_UP/DOWN, or KEYS_UI_NONE. */
enum keys_ui keys_mouse_action(unsigned long bstate);

/* Bytes readline expects for key (a byte 0..255 or a KEY_* code). Returns how many
 * were written to out (at most KEYS_SEQ_MAX), 0 for keys readline has no use for. */
size_t keys_to_bytes(int key, char *out);

#endif
