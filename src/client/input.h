/*
 * input.h: the readline input line inside the curses screen.
 *
 * readline runs in callback mode and never touches the terminal: keys reach it through
 * a queue (input_key), and it draws through our redisplay function into the window
 * given by input_set_window. Lines (which may hold several lines after a bracketed
 * paste) go to the handler given to input_start; NULL means end of input (Ctrl+D).
 */
#ifndef INPUT_H
#define INPUT_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

typedef void (*input_line_cb)(char *line, void *arg);
/* Completion candidates: return a malloc'd NULL-terminated array of malloc'd names
 * (the caller frees), for the word `text`; `start` is its offset in the line. */
typedef char **(*input_names_cb)(void *arg);
/* Show completion matches somewhere (the history pane). */
typedef void (*input_show_cb)(const char *text, void *arg);

struct input_ops {
	input_line_cb line;
	input_names_cb names;
	input_show_cb show;
	void *arg;
};

/* $XDG_STATE_HOME/tcpchat/history (default ~/.local/state/tcpchat/history), making the
 * directories (0700). malloc'd; NULL when there is no home to put it in. */
char *input_history_path(void);

/* history_path may be NULL (no history file). */
void input_start(const struct input_ops *ops, const char *history_path);
void input_stop(void);

void input_set_window(WINDOW *win);
void input_set_prompt(const char *prompt);

/* Feed one key from wgetch (a byte or a KEY_* code); readline runs on it. */
void input_key(int key);
/* A secret line (a password): shown as one '*' a character, never put on the input
 * history, no completion. Turning it off empties a line that was not sent. */
void input_set_secret(bool on);
/* Ctrl+C: clear a non-empty line, keeping it in the input history. False when the
 * line was empty already. */
bool input_clear_line(void);
/* Put line on the input history (newest; not twice in a row): Up brings it back. */
void input_keep(const char *line);
/* Draw the input line (wnoutrefresh; the caller calls doupdate). */
void input_draw(void);

#endif
