/* client_tui.h: the full-screen client (ncurses history pane, status line, readline). */
#ifndef CLIENT_TUI_H
#define CLIENT_TUI_H

#include "options.h"

/* Run the screen until /quit, Ctrl+D, Ctrl+C or a signal. Returns the exit status, or
 * -1 (before anything was drawn or sent) when curses cannot drive this terminal. */
int client_tui_run(const struct connect_options *opt);

#endif
