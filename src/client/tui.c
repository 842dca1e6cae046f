#define _GNU_SOURCE 1   /* strcasestr */
/* tui.c: the ncurses screen: history pane, status line, input window. See tui.h.
 * Tested by tests/integration/test_client_tui.py and test_client_windows.py (what the
 * screen shows, read back with tmux capture-pane); no unit test: it draws with ncurses
 * on a terminal. */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "client_time.h"
#include "hash.h"
#include "keys.h"
#include "scroll.h"
#include "tclimits.h"
#include "tui.h"
#include "utf8.h"
#include "util.h"
#include "wrap.h"

enum { PAIR_STATUS = 1, PAIR_ERROR, PAIR_NOTICE, PAIR_PRIV, PAIR_MENTION, PAIR_NAME0 };

struct entry {
	char *s;
	size_t len;
	size_t time_end;            /* [0, time_end): the time stamp */
	size_t name_off, name_len;  /* the name, coloured */
	size_t body_off;            /* [body_off, len): the text */
	enum tui_kind kind;
	short name_pair;            /* 0: no colour */
	uint64_t id;                /* tui_add_to's answer */
	size_t note_off;            /* [note_off, len): a note (tui_note); len when none */
	bool note_bad;
	int rows, rows_width;       /* wrapped rows at rows_width columns */
};

/* One window's history: a ring of entries and its scroll position. */
struct pane {
	struct entry *ring;         /* TC_CLIENT_SCROLLBACK entries */
	int head, count;            /* oldest entry, how many */
	long total_rows;
	struct scroll sc;
};

static struct {
	SCREEN *screen;
	bool colour;
	int name_pairs;             /* colour pairs for names */
	WINDOW *hist, *status, *input, *nicks;
	int lines, cols, hist_h, hist_w;
	bool nicks_on;              /* the nick list pane, when the terminal is wide enough */
	char **nick_names;          /* what it shows (NULL-terminated) */
	char *nick_title;
	uint64_t found;             /* the entry /search found last (0: none) */
	struct pane panes[TC_CLIENT_MAX_WINDOWS];
	int npanes, shown;          /* panes open; the one on the screen */
	struct pane *pane;          /* the one being written to (P) */
	const char *time_fmt;
	uint64_t next_id;
	char *status_left, *status_right;
	char *hint;                 /* shown in the status line instead (tui_hint) */
	bool dirty, clear;
	bool titles, title_pushed;  /* the terminal takes titles; we saved the old one */
} T;

#define P (*T.pane)

bool tui_active(void)
{
	return T.screen != NULL;
}

static void init_colours(void)
{
	static const short base[] = { COLOR_RED, COLOR_GREEN, COLOR_YELLOW, COLOR_BLUE,
	    COLOR_MAGENTA, COLOR_CYAN };
	int n = 0;

	if (!T.colour || !has_colors() || start_color() == ERR) {
		T.colour = false;
		return;
	}
	use_default_colors();
	init_pair(PAIR_STATUS, COLOR_WHITE, COLOR_BLUE);
	init_pair(PAIR_ERROR, COLOR_RED, -1);
	init_pair(PAIR_NOTICE, COLOR_CYAN, -1);
	init_pair(PAIR_PRIV, COLOR_MAGENTA, -1);
	init_pair(PAIR_MENTION, COLOR_BLACK, COLOR_YELLOW);
	for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		init_pair((short)(PAIR_NAME0 + n++), base[i], -1);
	if (COLORS >= 16 && COLOR_PAIRS > PAIR_NAME0 + 12) {
		for (size_t i = 0; i < sizeof(base) / sizeof(base[0]); i++)
			init_pair((short)(PAIR_NAME0 + n++), (short)(base[i] + 8), -1);
	}
	T.name_pairs = n;
}

static void layout(void)
{
	int status_y, input_y;

	if (T.hist) delwin(T.hist);
	if (T.status) delwin(T.status);
	if (T.input) delwin(T.input);
	if (T.nicks) delwin(T.nicks);
	T.hist = T.status = T.input = T.nicks = NULL;
	T.lines = LINES > 0 ? LINES : 1;
	T.cols = COLS > 0 ? COLS : 1;
	T.hist_h = T.lines >= 3 ? T.lines - 2 : 0;
	T.hist_w = T.cols;
	status_y = T.lines >= 2 ? T.lines - 2 : -1;
	input_y = T.lines - 1;
	if (T.nicks_on && T.cols >= TUI_NICKS_MIN_COLS && T.hist_h > 0) {
		T.hist_w = T.cols - TUI_NICKS_WIDTH;
		T.nicks = newwin(T.hist_h, TUI_NICKS_WIDTH, 0, T.hist_w);
	}
	if (T.hist_h > 0)
		T.hist = newwin(T.hist_h, T.hist_w, 0, 0);
	if (status_y >= 0)
		T.status = newwin(1, T.cols, status_y, 0);
	T.input = newwin(1, T.cols, input_y, 0);
	if (T.input) {
		keypad(T.input, TRUE);
		nodelay(T.input, TRUE);
	}
	T.dirty = T.clear = true;
}

/* Terminals known to take OSC 2 (set the window title). */
static bool titles_known(void)
{
	static const char *const kinds[] = { "xterm", "screen", "tmux", "rxvt", "alacritty",
	    "foot", "kitty", "vte", "gnome", "konsole", "st-", "wezterm", "putty", "iterm" };
	const char *term = getenv("TERM");

	for (size_t i = 0; term != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strncmp(term, kinds[i], strlen(kinds[i])) == 0)
			return true;
	return false;
}

void tui_title(int unread)
{
	if (!T.titles || T.screen == NULL)
		return;
	if (!T.title_pushed)          /* xterm and VTE keep the old title for the exit */
		fputs("\033[22;2t", stdout);
	T.title_pushed = true;
	if (unread > 0)
		printf("\033]2;tcpchat: %d new\007", unread);
	else
		fputs("\033]2;tcpchat\007", stdout);
	fflush(stdout);
}

void tui_bell(void)
{
	if (T.screen != NULL)
		beep();
}

static bool cursor_addressing(void)
{
	const char *cup = tigetstr("cup");

	return cup != NULL && cup != (char *)-1;
}

/* Ctrl+End: the terminal type's kEND5, and the xterm and rxvt sequences, whatever
 * key code curses gave them (an extended name of terminfo's gets one of its own). */
static void ctrl_end_keys(void)
{
	const char *seqs[] = { "\033[1;5F", "\033[8^", NULL };
	char *kend5 = tigetstr("kEND5");

	if (kend5 != NULL && kend5 != (char *)-1)
		seqs[2] = kend5;
	for (size_t i = 0; i < sizeof(seqs) / sizeof(seqs[0]); i++) {
		if (seqs[i] == NULL)
			continue;
		if (key_defined(seqs[i]) > 0)
			define_key(seqs[i], 0);
		define_key(seqs[i], KEYS_CTRL_END);
	}
}

bool tui_start(bool colour, bool mouse)
{
	T.screen = newterm(NULL, stdout, stdin);
	if (T.screen == NULL)
		return false;
	set_term(T.screen);
	if (!cursor_addressing()) {     /* a terminal type that cannot place the cursor */
		endwin();
		delscreen(T.screen);
		T.screen = NULL;
		return false;
	}
	T.colour = colour;
	T.nicks_on = true;
	cbreak();
	noecho();
	nonl();
	set_escdelay(25);
	init_colours();
	define_key("\033[I", KEYS_FOCUS_IN);
	define_key("\033[O", KEYS_FOCUS_OUT);
	define_key("\033[1;3D", KEYS_ALT_LEFT);
	define_key("\033[1;3C", KEYS_ALT_RIGHT);
	define_key("\033[1;2R", KEY_F(15));    /* Shift+F3 where terminfo lacks kf15 */
	define_key("\033[1;2F", KEY_SEND);     /* Shift+End, Shift+Home where it lacks */
	define_key("\033[1;2H", KEY_SHOME);    /* kEND and kHOM (screen, tmux) */
	ctrl_end_keys();
	T.titles = titles_known();
	if (mouse) {    /* the wheel only: clicks and drags stay the terminal's (Shift) */
		mouseinterval(0);
		mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	}
	if (T.npanes == 0)
		tui_pane_open();
	T.pane = &T.panes[T.shown];
	layout();
	return true;
}

void tui_stop(void)
{
	if (T.screen == NULL)
		return;
	endwin();
	if (T.title_pushed) {
		fputs("\033[23;2t", stdout);
		fflush(stdout);
		T.title_pushed = false;
	}
	T.screen = NULL;   /* kept allocated: delscreen after endwin is not needed at exit */
}

/* The time format, or "YYYY-MM-DD " too when the stamp is not from today. */
static void short_time(const char *stamp, char *out, size_t n)
{
	client_time_show(stamp, T.time_fmt ? T.time_fmt : CLIENT_TIME_DEFAULT, true,
	    time(NULL), out, n);
}

static short name_pair(const char *name)
{
	uint32_t h;   /* the same name always gets the same colour */

	if (!T.colour || T.name_pairs == 0 || name == NULL)
		return 0;
	h = hash_fnv32(HASH_FNV32_INIT, name, strlen(name), false);
	return (short)(PAIR_NAME0 + (int)(h % (uint32_t)T.name_pairs));
}

static struct entry *entry_at(int i)
{
	return &P.ring[(P.head + i) % TC_CLIENT_SCROLLBACK];
}

/* Continuation rows start under the text (after the time and name), if that leaves room. */
static int entry_indent(const struct entry *e, int width)
{
	int indent = utf8_width(e->s, e->body_off);

	return indent <= width / 2 ? indent : 0;
}

static int entry_rows(struct entry *e, int width)
{
	if (e->rows_width != width) {
		e->rows = (int)wrap_rows(e->s, e->len, width, entry_indent(e, width), NULL, 0);
		e->rows_width = width;
	}
	return e->rows;
}

static void recount(void)
{
	P.total_rows = 0;
	for (int i = 0; i < P.count; i++)
		P.total_rows += entry_rows(entry_at(i), T.hist_w);
}

static void append(struct entry *e, const char *s, size_t n)
{
	memcpy(e->s + e->len, s, n);
	e->len += n;
}

/* "TIME <name> text", "TIME [from -> to] text", "TIME -- notice", "TIME !! error". */
static void add(enum tui_kind kind, const char *stamp, const char *name, const char *text);

static struct entry make_entry(enum tui_kind kind, const char *stamp, const char *name,
    const char *text)
{
	static const char *const marks[] = { [TUI_NOTICE] = "-- ", [TUI_ERROR] = "!! ",
	    [TUI_ACTION] = "* " };
	char tbuf[128], *clean_name = name ? utf8_clean_str(UTF8_DISPLAY, name) : NULL;
	char *clean_text = utf8_clean_str(UTF8_DISPLAY, text ? text : "");
	struct entry e = { .kind = kind };

	short_time(stamp, tbuf, sizeof(tbuf));
	e.s = xmalloc(strlen(tbuf) + 8 + (clean_name ? strlen(clean_name) : 0) +
	    strlen(clean_text));
	append(&e, tbuf, strlen(tbuf));
	e.time_end = e.len;
	append(&e, " ", 1);
	if (clean_name != NULL) {
		append(&e, kind == TUI_PRIV ? "[" : "<", 1);
		e.name_off = e.len;
		e.name_len = strlen(clean_name);
		append(&e, clean_name, e.name_len);
		append(&e, kind == TUI_PRIV ? "] " : "> ", 2);
		e.name_pair = kind == TUI_PRIV ? (T.colour ? PAIR_PRIV : 0) : name_pair(clean_name);
	} else {
		append(&e, marks[kind] ? marks[kind] : "", marks[kind] ? strlen(marks[kind]) : 0);
	}
	e.body_off = e.len;
	append(&e, clean_text, strlen(clean_text));
	e.s[e.len] = '\0';
	e.note_off = e.len;
	free(clean_name);
	free(clean_text);
	return e;
}

void tui_add(enum tui_kind kind, const char *stamp, const char *name, const char *text)
{
	tui_add_to(T.shown, kind, stamp, name, text);
}

uint64_t tui_add_to(int pane, enum tui_kind kind, const char *stamp, const char *name,
    const char *text)
{
	struct pane *keep = T.pane;

	if (pane < 0 || pane >= T.npanes)
		return 0;
	T.pane = &T.panes[pane];
	add(kind, stamp, name, text);
	if (pane == T.shown)
		T.dirty = true;
	T.pane = keep;
	return T.next_id;
}

/* Replace e's note (NULL: none). */
static void set_note(struct entry *e, const char *note, bool bad)
{
	size_t n = note != NULL ? strlen(note) + 1 : 0;

	e->s = xrealloc(e->s, e->note_off + n + 1);
	e->len = e->note_off;
	if (note != NULL) {
		e->s[e->len++] = ' ';
		memcpy(e->s + e->len, note, n - 1);
		e->len += n - 1;
	}
	e->s[e->len] = '\0';
	e->note_bad = bad;
}

void tui_note(uint64_t id, const char *note, bool bad)
{
	struct pane *keep = T.pane;

	for (int p = 0; p < T.npanes && id != 0; p++) {
		T.pane = &T.panes[p];
		for (int i = P.count - 1; i >= 0; i--) {
			struct entry *e = entry_at(i);

			if (e->id != id)
				continue;
			P.total_rows -= entry_rows(e, T.hist_w);
			set_note(e, note, bad);
			e->rows_width = 0;
			P.total_rows += entry_rows(e, T.hist_w);
			scroll_clamp(&P.sc, (int)P.total_rows, T.hist_h);
			T.dirty = T.dirty || p == T.shown;
			T.pane = keep;
			return;
		}
	}
	T.pane = keep;
}

static void add(enum tui_kind kind, const char *stamp, const char *name, const char *text)
{
	int rows;

	if (P.ring == NULL)
		return;
	if (P.count == TC_CLIENT_SCROLLBACK) {   /* the oldest entry makes room */
		struct entry *old = entry_at(0);

		P.total_rows -= entry_rows(old, T.hist_w);
		free(old->s);
		P.head = (P.head + 1) % TC_CLIENT_SCROLLBACK;
		P.count--;
	}
	*entry_at(P.count) = make_entry(kind, stamp, name, text);
	entry_at(P.count)->id = ++T.next_id;
	P.count++;
	rows = entry_rows(entry_at(P.count - 1), T.hist_w);
	P.total_rows += rows;
	scroll_added(&P.sc, rows);
	scroll_clamp(&P.sc, (int)P.total_rows, T.hist_h);
	T.dirty = true;
}

int tui_cols(void)
{
	return T.cols;
}

int tui_text_cols(void)
{
	char stamp[128];

	short_time(NULL, stamp, sizeof(stamp));
	return T.hist_w - utf8_width(stamp, strlen(stamp)) - 1;
}

void tui_set_status(const char *left, const char *right)
{
	free(T.status_left);
	free(T.status_right);
	T.status_left = utf8_clean_str(UTF8_DISPLAY, left);
	T.status_right = utf8_clean_str(UTF8_DISPLAY, right);
	T.dirty = true;
}

void tui_page(int dir)
{
	scroll_page(&P.sc, dir, (int)P.total_rows, T.hist_h);
	T.dirty = true;
}

void tui_wheel(int dir)
{
	scroll_by(&P.sc, dir * TUI_WHEEL_ROWS, (int)P.total_rows, T.hist_h);
	T.dirty = true;
}

static void pane_clear(void)
{
	for (int i = 0; i < P.count; i++)
		free(entry_at(i)->s);
	P.head = P.count = 0;
	P.total_rows = 0;
	scroll_bottom(&P.sc);
}

void tui_clear(void)
{
	pane_clear();
	T.dirty = T.clear = true;
}

int tui_pane_open(void)
{
	struct pane *keep = T.pane;

	if (T.npanes >= TC_CLIENT_MAX_WINDOWS)
		return -1;
	T.pane = &T.panes[T.npanes];
	memset(T.pane, 0, sizeof(*T.pane));
	P.ring = xcalloc(TC_CLIENT_SCROLLBACK, sizeof(*P.ring));
	T.pane = keep != NULL ? keep : &T.panes[0];
	return T.npanes++;
}

void tui_pane_close(int i)
{
	if (i < 0 || i >= T.npanes || T.npanes == 1)
		return;
	T.pane = &T.panes[i];
	pane_clear();
	free(P.ring);
	memmove(&T.panes[i], &T.panes[i + 1], (size_t)(T.npanes - i - 1) * sizeof(T.panes[0]));
	T.npanes--;
	if (T.shown >= T.npanes || T.shown > i)
		T.shown--;
	if (T.shown < 0)
		T.shown = 0;
	tui_pane_show(T.shown);
}

void tui_pane_show(int i)
{
	if (i < 0 || i >= T.npanes)
		return;
	T.shown = i;
	T.pane = &T.panes[i];
	recount();
	scroll_clamp(&P.sc, (int)P.total_rows, T.hist_h);
	T.dirty = T.clear = true;
}

int tui_pane_shown(void)
{
	return T.shown;
}

void tui_set_time_format(const char *fmt)
{
	T.time_fmt = fmt;
}

void tui_scroll_top(void)
{
	scroll_by(&P.sc, (int)P.total_rows, (int)P.total_rows, T.hist_h);
	T.dirty = true;
}

void tui_scroll_bottom(void)
{
	scroll_bottom(&P.sc);
	T.dirty = true;
}

bool tui_scrolled_up(void)
{
	return P.sc.offset > 0;
}

bool tui_search(const char *text, int dir, bool again)
{
	int i = P.count, r0 = 0;

	for (int k = 0; again && k < P.count; k++)
		if (entry_at(k)->id == T.found)
			i = k;
	if (!again && dir < 0)
		return false;
	for (i += dir > 0 ? -1 : 1; i >= 0 && i < P.count; i += dir > 0 ? -1 : 1)
		if (strcasestr(entry_at(i)->s + entry_at(i)->time_end, text) != NULL)
			break;
	if (i < 0 || i >= P.count || text[0] == '\0')
		return false;
	T.found = entry_at(i)->id;
	for (int k = 0; k < i; k++)
		r0 += entry_rows(entry_at(k), T.hist_w);
	P.sc.offset = (int)P.total_rows - r0 - T.hist_h > 0 ? (int)P.total_rows - r0 - T.hist_h : 0;
	scroll_clamp(&P.sc, (int)P.total_rows, T.hist_h);
	T.dirty = true;
	return true;
}

void tui_toggle_nicks(void)
{
	T.nicks_on = !T.nicks_on;
	tui_resize();
}

void tui_set_nicks(const char *title, char **names)
{
	for (size_t i = 0; T.nick_names != NULL && T.nick_names[i] != NULL; i++)
		free(T.nick_names[i]);
	free(T.nick_names);
	free(T.nick_title);
	T.nick_names = names;
	T.nick_title = utf8_clean_str(UTF8_DISPLAY, title);
	T.dirty = true;
}

static void draw_nicks(void)
{
	int y = 1;

	werase(T.nicks);
	wattr_set(T.nicks, A_BOLD, 0, NULL);
	mvwaddnstr(T.nicks, 0, 1, T.nick_title ? T.nick_title : "",
	    (int)utf8_fit(T.nick_title ? T.nick_title : "", strlen(T.nick_title ? T.nick_title : ""),
	    TUI_NICKS_WIDTH - 2));
	wattr_set(T.nicks, A_NORMAL, 0, NULL);
	for (size_t i = 0; T.nick_names != NULL && T.nick_names[i] != NULL && y < T.hist_h; i++) {
		char *clean = utf8_clean_str(UTF8_DISPLAY, T.nick_names[i]);

		wattr_set(T.nicks, A_NORMAL, name_pair(clean), NULL);
		mvwaddnstr(T.nicks, y++, 1, clean, (int)utf8_fit(clean, strlen(clean),
		    TUI_NICKS_WIDTH - 2));
		free(clean);
	}
	wattr_set(T.nicks, A_NORMAL, 0, NULL);
	mvwvline(T.nicks, 0, 0, ACS_VLINE, T.hist_h);
	wnoutrefresh(T.nicks);
}

void tui_resize(void)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	layout();
	recount();
	scroll_clamp(&P.sc, (int)P.total_rows, T.hist_h);
}

void tui_force_redraw(void)
{
	T.dirty = T.clear = true;
}

WINDOW *tui_input_window(void)
{
	return T.input;
}

static attr_t kind_attr(const struct entry *e, short *pair)
{
	*pair = 0;
	switch (e->kind) {
	case TUI_NOTICE:
		*pair = T.colour ? PAIR_NOTICE : 0;
		return A_DIM;
	case TUI_ERROR:
		*pair = T.colour ? PAIR_ERROR : 0;
		return A_BOLD;
	case TUI_PRIV:
		return A_BOLD;
	case TUI_MENTION:
		*pair = T.colour ? PAIR_MENTION : 0;
		return A_BOLD | (T.colour ? A_NORMAL : A_REVERSE);
	case TUI_ACTION:
		return A_BOLD;
	default:
		return A_NORMAL;
	}
}

/* Draw bytes [a, b) of e at the current position, with the attributes of each part. */
static void draw_part(WINDOW *w, const struct entry *e, size_t a, size_t b)
{
	while (a < b) {
		size_t end = b;
		attr_t attr = A_NORMAL;
		short pair = 0;

		if (a >= e->note_off) {
			attr = e->note_bad ? A_BOLD : A_DIM;
			pair = e->note_bad && T.colour ? PAIR_ERROR : 0;
		} else if (a < e->time_end) {
			end = e->time_end;
			attr = A_DIM;
		} else if (e->name_len > 0 && a >= e->name_off && a < e->name_off + e->name_len) {
			end = e->name_off + e->name_len;
			attr = A_BOLD;
			pair = e->name_pair;
		} else if (a >= e->body_off) {
			end = e->note_off;
			attr = kind_attr(e, &pair) | (e->id == T.found ? A_REVERSE : A_NORMAL);
		} else {
			end = e->name_len > 0 && a < e->name_off ? e->name_off : e->body_off;
		}
		if (end > b)
			end = b;
		wattr_set(w, attr, pair, NULL);
		waddnstr(w, e->s + a, (int)(end - a));
		a = end;
	}
	wattr_set(w, A_NORMAL, 0, NULL);
}

static void draw_marker(void)
{
	char buf[96];

	if (P.sc.unseen > 0)
		snprintf(buf, sizeof(buf), " -- %d new message%s below (PgDn) -- ", P.sc.unseen,
		    P.sc.unseen == 1 ? "" : "s");
	else
		snprintf(buf, sizeof(buf), " -- more below (PgDn) -- ");
	wmove(T.hist, T.hist_h - 1, 0);
	wclrtoeol(T.hist);
	wattron(T.hist, A_REVERSE | A_BOLD);
	waddnstr(T.hist, buf, (int)utf8_fit(buf, strlen(buf), T.hist_w));
	wattroff(T.hist, A_REVERSE | A_BOLD);
}

static void draw_history(void)
{
	long first = scroll_first_row(&P.sc, (int)P.total_rows, T.hist_h), row = 0;
	int y = 0, i = 0;

	werase(T.hist);
	/* find the entry holding row `first` */
	for (; i < P.count; i++) {
		int r = entry_rows(entry_at(i), T.hist_w);

		if (row + r > first)
			break;
		row += r;
	}
	for (; i < P.count && y < T.hist_h; i++) {
		struct entry *e = entry_at(i);
		int rows = entry_rows(e, T.hist_w);
		size_t *starts = xmalloc(sizeof(size_t) * (size_t)rows);
		int indent = entry_indent(e, T.hist_w);

		wrap_rows(e->s, e->len, T.hist_w, indent, starts, (size_t)rows);
		for (int k = (int)(first > row ? first - row : 0); k < rows && y < T.hist_h; k++) {
			size_t end = k + 1 < rows ? starts[k + 1] : e->len;

			while (end > starts[k] && e->s[end - 1] == ' ')
				end--;
			wmove(T.hist, y++, k > 0 ? indent : 0);
			draw_part(T.hist, e, starts[k], end);
		}
		row += rows;
		first = row;
		free(starts);
	}
	if (P.sc.offset > 0 && T.hist_h > 0)
		draw_marker();
	wnoutrefresh(T.hist);
}

void tui_hint(const char *text)
{
	if (text == NULL && T.hint == NULL)
		return;
	free(T.hint);
	T.hint = text != NULL ? utf8_clean_str(UTF8_DISPLAY, text) : NULL;
	T.dirty = true;
}

static void draw_status(void)
{
	const char *left = T.hint ? T.hint : T.status_left ? T.status_left : "";
	const char *right = T.status_right ? T.status_right : "";
	int rw = utf8_width(right, strlen(right));
	size_t lfit;

	wattr_set(T.status, A_REVERSE, 0, NULL);
	if (T.colour)
		wattr_set(T.status, A_NORMAL, PAIR_STATUS, NULL);
	wmove(T.status, 0, 0);
	for (int x = 0; x < T.cols; x++)
		waddch(T.status, ' ');
	if (rw + 1 > T.cols)
		rw = 0, right = "";
	lfit = utf8_fit(left, strlen(left), T.cols - rw - (rw ? 1 : 0));
	mvwaddnstr(T.status, 0, 0, left, (int)lfit);
	if (rw > 0) {
		wattron(T.status, A_BOLD);
		mvwaddnstr(T.status, 0, T.cols - rw, right, (int)strlen(right));
	}
	wattr_set(T.status, A_NORMAL, 0, NULL);
	wnoutrefresh(T.status);
}

void tui_draw(void)
{
	if (T.screen == NULL || !T.dirty)
		return;
	if (T.clear) {
		clearok(curscr, TRUE);
		T.clear = false;
	}
	if (T.hist != NULL)
		draw_history();
	if (T.status != NULL)
		draw_status();
	if (T.nicks != NULL)
		draw_nicks();
	T.dirty = false;
}
