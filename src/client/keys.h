/*
 * keys.h: turning curses key codes back into the byte sequences readline binds, pure.
 */
#ifndef KEYS_H
#define KEYS_H

#include <stddef.h>

#define KEYS_SEQ_MAX 8

/* What the screen does with a key itself, before readline sees anything. */
enum keys_ui {
	KEYS_UI_NONE, KEYS_UI_PAGE_UP, KEYS_UI_PAGE_DOWN, KEYS_UI_RESIZE, KEYS_UI_REDRAW,
	KEYS_UI_TOP, KEYS_UI_BOTTOM,
};

/* A key handled by the screen (KEYS_UI_NONE if readline should get it). */
enum keys_ui keys_ui_action(int key);

/* Bytes readline expects for key (a byte 0..255 or a KEY_* code). Returns how many
 * were written to out (at most KEYS_SEQ_MAX), 0 for keys readline has no use for. */
size_t keys_to_bytes(int key, char *out);

#endif
