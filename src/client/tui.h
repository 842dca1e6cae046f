/*
 * tui.h: the ncurses screen of the client: the history pane (scrollback, reflow,
 * "new messages" marker), the status line, and the window the input line is drawn in.
 *
 * Entries are stored as text and wrapped when drawn, so a resize reflows all of them.
 * Names get a stable colour (a hash of the name) unless colours are off.
 */
#ifndef TUI_H
#define TUI_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

enum tui_kind {
	TUI_MSG,      /* a message from someone */
	TUI_OWN,      /* a message of ours */
	TUI_PRIV,     /* a private message (either way) */
	TUI_NOTICE,   /* joins, leaves, renames, room changes */
	TUI_INFO,     /* command output, client help */
	TUI_ERROR,    /* errors, refusals, connection problems */
	TUI_MENTION,  /* a message that names us: highlighted */
	TUI_ACTION,   /* "/me": "TIME * name does something" (no name given) */
};

#define TUI_WHEEL_ROWS 3   /* rows one wheel notch scrolls */
#define TUI_NICKS_WIDTH 20      /* columns of the nick list pane, its rule included */
#define TUI_NICKS_MIN_COLS 100  /* the pane shows on terminals at least this wide */

/* Start curses on the terminal (stdin/stdout); false if the terminal is unusable (no
 * cursor addressing). mouse: report wheel events (KEY_MOUSE). */
bool tui_start(bool colour, bool mouse);
/* End curses (idempotent). */
void tui_stop(void);
bool tui_active(void);

/* Add one entry to the window shown. time: a record's TIME (client_time.h) or NULL for
 * now; name may be NULL. */
void tui_add(enum tui_kind kind, const char *time, const char *name, const char *text);

/* Windows: each has its own history and scroll position; one is on the screen. The
 * first exists from tui_start. Returns the new one's index, or -1 when
 * TC_CLIENT_MAX_WINDOWS are open. Closing shifts the later ones down (never the last). */
int tui_pane_open(void);
void tui_pane_close(int i);
void tui_pane_show(int i);
int tui_pane_shown(void);
/* tui_add into window i (not necessarily the one shown). Returns the entry's id (0:
 * no such window). */
uint64_t tui_add_to(int i, enum tui_kind kind, const char *time, const char *name,
    const char *text);
/* Set the note after entry id's text ("(sending)"; NULL: none); bad: shown as an
 * error. An entry gone from the scrollback is left alone. */
void tui_note(uint64_t id, const char *note, bool bad);
/* strftime format of the times shown (kept, not copied; NULL: "%H:%M"). */
void tui_set_time_format(const char *fmt);

/* Status line: left part and right part (the connection state). */
void tui_set_status(const char *left, const char *right);
/* The terminal's width in columns. */
int tui_cols(void);
/* The columns an entry's text gets in the history pane (after the time stamp). */
int tui_text_cols(void);

/* /search: the next line of the window shown holding text (any case), dir > 0 older,
 * dir < 0 newer, from the last one found when again, else from the newest; it is
 * scrolled to the top of the view and shown in reverse. False when there is none. */
bool tui_search(const char *text, int dir, bool again);

/* The nick list pane (right of the history on wide terminals; F2 toggles it): its
 * title and names (a NULL-terminated malloc'd array, taken over). */
void tui_toggle_nicks(void);
void tui_set_nicks(const char *title, char **names);

/* A hint in the status line (completion candidates) until the next tui_hint(NULL). */
void tui_hint(const char *text);

/* Scrolling: dir > 0 pages up, dir < 0 pages down. */
void tui_page(int dir);
void tui_scroll_top(void);
/* Mouse wheel: dir > 0 scrolls up (older), dir < 0 down, TUI_WHEEL_ROWS rows a notch. */
void tui_wheel(int dir);
/* /clear: forget every entry of the history pane. */
void tui_clear(void);
void tui_scroll_bottom(void);
bool tui_scrolled_up(void);

/* The terminal title: "tcpchat: N new", or "tcpchat" for 0 (terminals known to take
 * titles only; the title from before is given back at tui_stop where the terminal
 * keeps a title stack). */
void tui_title(int unread);
/* Ring the terminal bell. */
void tui_bell(void);

/* Read the terminal size and lay out again (after SIGWINCH). */
void tui_resize(void);
/* Redraw everything from scratch at the next tui_draw (Ctrl+L). */
void tui_force_redraw(void);
/* Draw the history pane and the status line if they changed (wnoutrefresh only). */
void tui_draw(void);
/* The one-line window the input line lives in (NULL on a terminal too small). */
WINDOW *tui_input_window(void);

#endif
