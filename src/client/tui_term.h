/*
 * tui_term.h: putting the terminal back, whatever way the client ends.
 *
 * tui_term_save records the tty modes before curses starts. tui_term_arm (after curses
 * started) turns bracketed paste on, precomputes the bytes that undo the screen, and
 * installs handlers for crash signals (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT,
 * SIGQUIT) that write those bytes, restore the tty modes and re-raise the signal.
 * tui_term_restore (normal exits, atexit) calls the given clean-up first (readline,
 * endwin), then switches bracketed paste off and restores the tty modes. Idempotent.
 */
#ifndef TUI_TERM_H
#define TUI_TERM_H

void tui_term_save(void);
void tui_term_arm(void (*cleanup)(void));
void tui_term_restore(void);
/* Ctrl+Z: give the terminal back (screen, bracketed paste), stop the process, and
 * take the terminal again after SIGCONT. The caller then lays out and redraws, and
 * routes SIGTSTP to itself again. */
void tui_term_suspend(void);

#endif
