/* tui_term.c: terminal restore on every exit, crash signals included. See tui_term.h.
 * Tested by tests/integration/test_client_tui.py (test_signals_restore_terminal,
 * test_ctrl_z_and_fg: stty -a before and after); no unit test: what it restores is a
 * real terminal's state, on exits and signals. */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>
#include <termios.h>
#include <unistd.h>

#include "tui_term.h"

/* Bracketed paste and focus reports on; off again with the mouse reports curses turned
 * on (for the crash path: endwin turns the mouse off itself). */
#define PASTE_ON  "\033[?2004h\033[?1004h"
#define PASTE_OFF "\033[?2004l\033[?1004l"
#define MOUSE_OFF "\033[?1006l\033[?1000l"

static struct termios saved_tio;
static bool saved_tio_ok;
static char crash_reset[128];   /* bytes that put the screen back, for crash handlers */
static size_t crash_reset_len;
static volatile sig_atomic_t armed;
static void (*cleanup_fn)(void);

void tui_term_save(void)
{
	saved_tio_ok = tcgetattr(STDIN_FILENO, &saved_tio) == 0;
}

void tui_term_restore(void)
{
	if (!armed)
		return;
	armed = 0;
	if (cleanup_fn != NULL)
		cleanup_fn();
	fputs(PASTE_OFF, stdout);
	fflush(stdout);
	if (saved_tio_ok)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved_tio);
}

void tui_term_suspend(void)
{
	if (!armed)
		return;
	fputs(PASTE_OFF, stdout);
	fflush(stdout);
	endwin();
	fflush(stdout);
	signal(SIGTSTP, SIG_DFL);
	raise(SIGTSTP);               /* stopped here until SIGCONT (fg) */
	fputs(PASTE_ON, stdout);
	fflush(stdout);
}

/* Async-signal-safe: write(2), tcsetattr(3), signal(2), raise(3) only. */
static void on_crash(int sig)
{
	if (armed) {
		(void)!write(STDOUT_FILENO, crash_reset, crash_reset_len);
		if (saved_tio_ok)
			tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static const char *cap(const char *name)
{
	const char *s = tigetstr(name);

	return s != NULL && s != (char *)-1 ? s : "";
}

static void prepare_crash_reset(void)
{
	const char *parts[] = { PASTE_OFF, MOUSE_OFF, "\r\n", cap("sgr0"), cap("cnorm"), cap("rmcup") };

	crash_reset_len = 0;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		size_t n = strlen(parts[i]);

		if (crash_reset_len + n < sizeof(crash_reset)) {
			memcpy(crash_reset + crash_reset_len, parts[i], n);
			crash_reset_len += n;
		}
	}
}

void tui_term_arm(void (*cleanup)(void))
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGQUIT };
	struct sigaction sa;

	cleanup_fn = cleanup;
	prepare_crash_reset();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_crash;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	armed = 1;
	atexit(tui_term_restore);
	fputs(PASTE_ON, stdout);
	fflush(stdout);
}
