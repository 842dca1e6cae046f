/* input.c: readline in callback mode inside curses. See input.h.
 * Tested by tests/integration/test_client_tui.py (editing, the history file, Tab
 * completion, Ctrl+C, the paste guard, a password typed masked); no unit test: it runs GNU readline's callback
 * interface inside curses, which needs a terminal; key translation is keys.c
 * (test_keys.c). */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "cmdlist.h"
#include "input.h"
#include "keys.h"
#include "tclimits.h"
#include "utf8.h"
#include "util.h"

#define INPUT_QUEUE TC_CLIENT_KEY_QUEUE

static struct {
	struct input_ops ops;
	WINDOW *win;
	unsigned char q[INPUT_QUEUE];
	size_t qhead, qlen;
	char *history_path;
	FILE *devnull;
	int hscroll;         /* first column shown */
	bool started;
	bool secret;         /* a password: shown as '*', kept in no history */
} I;

static void push_bytes(const char *b, size_t n)
{
	for (size_t i = 0; i < n && I.qlen < INPUT_QUEUE; i++)
		I.q[(I.qhead + I.qlen++) % INPUT_QUEUE] = (unsigned char)b[i];
}

static void push_key(int key)
{
	char seq[KEYS_SEQ_MAX];

	push_bytes(seq, keys_to_bytes(key, seq));
}

/* readline pulls bytes here; with none queued it waits for the next key. */
static int getc_hook(FILE *f)
{
	(void)f;
	while (I.qlen == 0) {
		int key;

		if (I.win == NULL)
			return EOF;
		nodelay(I.win, FALSE);
		key = wgetch(I.win);
		nodelay(I.win, TRUE);
		if (key == ERR) {
			/* a signal (SIGWINCH) interrupted the wait: wait again, unless the
			 * terminal itself is gone */
			struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };

			if (poll(&p, 1, 0) < 0 || (p.revents & (POLLHUP | POLLERR | POLLNVAL)))
				return EOF;
			continue;
		}
		push_key(key);
	}
	{
		int c = I.q[I.qhead];

		I.qhead = (I.qhead + 1) % INPUT_QUEUE;
		I.qlen--;
		return c;
	}
}

static int available_hook(void)
{
	return I.qlen > 0;
}

/* How a byte sequence of the line is shown: the character, "^X" for controls, a
 * return symbol for newlines. Returns the bytes consumed; *show / *cols describe it. */
static size_t show_char(const char *s, size_t n, char *show, size_t *show_len, int *cols)
{
	uint32_t cp;
	size_t len = utf8_decode(s, n, &cp);

	if (cp == '\n') {
		*show_len = utf8_encode(0x21B5, show);   /* ↵ */
		*cols = 1;
	} else if (cp < 0x20 || cp == 0x7F) {
		show[0] = '^';
		show[1] = (char)(cp == 0x7F ? '?' : cp + '@');
		*show_len = 2;
		*cols = 2;
	} else if (cp == 0xFFFD && len == 1) {
		show[0] = '?';
		*show_len = 1;
		*cols = 1;
	} else {
		memcpy(show, s, len);
		*show_len = len;
		*cols = utf8_cp_width(cp);
	}
	return len;
}

/* Walk s from logical column *col; with draw, show only the columns
 * [I.hscroll, I.hscroll+width). */
static void walk_text(const char *s, size_t n, int *col, int width, bool draw)
{
	size_t i = 0;

	while (i < n) {
		char show[8];
		size_t show_len;
		int cols;

		i += show_char(s + i, n - i, show, &show_len, &cols);
		if (draw && *col >= I.hscroll && *col + cols <= I.hscroll + width)
			waddnstr(I.win, show, (int)show_len);
		*col += cols;
	}
}

static void draw_text(const char *s, size_t n, int *col, int width)
{
	walk_text(s, n, col, width, true);
}

static int text_cols(const char *s, size_t n)
{
	int total = 0;

	walk_text(s, n, &total, 0, false);
	return total;
}

/* A secret line as it is shown: one '*' a character; *point moves along. malloc'd. */
static char *masked(const char *line, size_t *point)
{
	size_t n = strlen(line), chars = 0, before = 0;
	char *out;

	for (size_t i = 0; i < n; chars++) {
		uint32_t cp;

		if (i < *point)
			before++;
		i += utf8_decode(line + i, n - i, &cp);
	}
	out = xmalloc(chars + 1);
	memset(out, '*', chars);
	out[chars] = '\0';
	*point = before;
	return out;
}

void input_draw(void)
{
	const char *prompt = rl_display_prompt ? rl_display_prompt : "";
	const char *line = rl_line_buffer ? rl_line_buffer : "";
	char *mask = NULL;
	int width, cursor, col = 0;
	size_t point;

	if (I.win == NULL)
		return;
	width = getmaxx(I.win);
	point = rl_point < 0 ? 0 : (size_t)rl_point;
	if (point > strlen(line))
		point = strlen(line);
	if (I.secret)
		line = mask = masked(line, &point);
	cursor = text_cols(prompt, strlen(prompt)) + text_cols(line, point);
	if (cursor < width)
		I.hscroll = 0;       /* all of it fits: the prompt shows (after a tiny size, too) */
	if (cursor < I.hscroll)
		I.hscroll = cursor > width / 2 ? cursor - width / 2 : 0;
	if (cursor >= I.hscroll + width)
		I.hscroll = cursor - width + 1 + (width > 8 ? width / 4 : 0);
	if (I.hscroll > cursor)
		I.hscroll = cursor;
	werase(I.win);
	wmove(I.win, 0, 0);
	draw_text(prompt, strlen(prompt), &col, width);
	draw_text(line, strlen(line), &col, width);
	wmove(I.win, 0, cursor - I.hscroll < width ? cursor - I.hscroll : width - 1);
	wnoutrefresh(I.win);
	free(mask);
}

static void redisplay_hook(void)
{
	input_draw();
	doupdate();
}

static char **names;     /* candidates of the current completion */
static bool addressing;  /* a name at the start of the line: completed as "name: " */

static char *generate(const char *text, int state)
{
	static size_t i, len;

	if (state == 0) {
		i = 0;
		len = strlen(text);
	}
	while (names != NULL && names[i] != NULL) {
		const char *n = names[i++];

		if (strncasecmp(n, text, len) == 0 && addressing) {
			char *s = xmalloc(strlen(n) + 3);

			sprintf(s, "%s: ", n);
			return s;
		}
		if (strncasecmp(n, text, len) == 0)
			return xstrdup(n);
	}
	return NULL;
}

static void free_names(void)
{
	for (size_t i = 0; names != NULL && names[i] != NULL; i++)
		free(names[i]);
	free(names);
	names = NULL;
}

/* The server's commands (/me among them) and the client's own (/clear, /r, /reconnect,
 * /search, /window). */
static char **command_words(void)
{
	static const char *const own[] = { "/clear", "/r", "/reconnect", "/search", "/window" };
	char **words = cmdlist_words();
	size_t n = 0;

	while (words[n] != NULL)
		n++;
	words = xreallocarray(words, n + sizeof(own) / sizeof(own[0]) + 1, sizeof(*words));
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		words[n++] = xstrdup(own[i]);
	words[n] = NULL;
	return words;
}

static char **complete(const char *text, int start, int end)
{
	char **matches;

	(void)end;
	rl_attempted_completion_over = 1;
	if (I.secret)
		return NULL;     /* no name or command is ever put into a password */
	free_names();
	addressing = false;
	if (start == 0 && text[0] == '/')
		names = command_words();
	else if (I.ops.names != NULL)
		names = I.ops.names(I.ops.arg);
	if (start == 0 && text[0] != '/') {
		addressing = true;              /* "bo<Tab>" -> "bob: " */
		rl_completion_suppress_append = 1;
	}
	matches = rl_completion_matches(text, generate);
	addressing = false;
	free_names();
	return matches;
}

static void show_matches(char **matches, int num, int max)
{
	size_t len = 0;
	char *buf;

	(void)max;
	for (int i = 1; i <= num; i++)
		len += strlen(matches[i]) + 2;
	buf = xmalloc(len + 1);
	buf[0] = '\0';
	for (int i = 1; i <= num; i++) {
		strcat(buf, matches[i]);
		if (i < num)
			strcat(buf, "  ");
	}
	if (I.ops.show != NULL)
		I.ops.show(buf, I.ops.arg);
	free(buf);
}

static void remember(const char *line)
{
	if (line != NULL && *line != '\0' && !I.secret) {
		add_history(line);
		if (I.history_path != NULL)
			append_history(1, I.history_path);
	}
}

static void on_line(char *line)
{
	remember(line);
	I.hscroll = 0;
	I.ops.line(line, I.ops.arg);
}

void input_start(const struct input_ops *ops, const char *history_path)
{
	I.ops = *ops;
	/* Before any other readline call: readline must not touch signals or LINES/COLUMNS. */
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_readline_name = "tcpchat";
	rl_prep_term_function = NULL;
	rl_deprep_term_function = NULL;
	rl_getc_function = getc_hook;
	rl_input_available_hook = available_hook;
	rl_redisplay_function = redisplay_hook;
	I.devnull = fopen("/dev/null", "w");
	if (I.devnull != NULL)
		rl_outstream = I.devnull;
	rl_attempted_completion_function = complete;
	rl_completion_display_matches_hook = show_matches;
	rl_basic_word_break_characters = " \t";
	stifle_history(TC_CLIENT_INPUT_HISTORY);
	if (history_path != NULL) {
		int fd = open(history_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);

		if (fd >= 0) {     /* append_history needs the file to exist */
			close(fd);
			I.history_path = xstrdup(history_path);
			read_history(history_path);
		}
	}
	rl_callback_handler_install("> ", on_line);
	if (rl_function_of_keyseq("\033[200~", emacs_standard_keymap, NULL) == NULL)
		rl_bind_keyseq_in_map("\033[200~", rl_bracketed_paste_begin, emacs_standard_keymap);
	I.started = true;
}

void input_stop(void)
{
	if (!I.started)
		return;
	I.started = false;
	rl_callback_handler_remove();
	if (I.history_path != NULL) {
		history_truncate_file(I.history_path, TC_CLIENT_INPUT_HISTORY);
		free(I.history_path);
		I.history_path = NULL;
	}
	if (I.devnull != NULL) {
		rl_outstream = stdout;
		fclose(I.devnull);
		I.devnull = NULL;
	}
}

char *input_history_path(void)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	char dir[4096], path[4200];

	if (state != NULL && state[0] == '/')
		snprintf(dir, sizeof(dir), "%s", state);
	else if (home != NULL && home[0] == '/')
		snprintf(dir, sizeof(dir), "%s/.local/state", home);
	else
		return NULL;
	for (char *p = dir + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(dir, 0700);
			*p = '/';
		}
	}
	mkdir(dir, 0700);
	strncat(dir, "/tcpchat", sizeof(dir) - strlen(dir) - 1);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return NULL;
	snprintf(path, sizeof(path), "%s/history", dir);
	return xstrdup(path);
}

void input_set_window(WINDOW *win)
{
	I.win = win;
}

void input_set_prompt(const char *prompt)
{
	rl_set_prompt(prompt);
}

void input_key(int key)
{
	push_key(key);
	while (I.started && I.qlen > 0)
		rl_callback_read_char();
}

void input_keep(const char *line)
{
	HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;

	if (!I.started || line == NULL || *line == '\0' ||
	    (last != NULL && strcmp(last->line, line) == 0))
		return;
	remember(line);
	using_history();
}

/* Empty the line; a secret one is wiped first. */
static void wipe_line(void)
{
	if (I.secret)
		explicit_bzero(rl_line_buffer, (size_t)rl_end);
	rl_replace_line("", 1);
}

void input_set_secret(bool on)
{
	if (I.started && I.secret && !on && rl_line_buffer != NULL)
		wipe_line();     /* a half-typed password never shows in clear */
	I.secret = on;
}

bool input_clear_line(void)
{
	if (!I.started || rl_line_buffer == NULL || rl_end == 0)
		return false;
	remember(rl_line_buffer);
	wipe_line();
	rl_point = rl_end = rl_mark = 0;
	using_history();   /* Up starts again from the newest line */
	I.hscroll = 0;
	return true;
}
