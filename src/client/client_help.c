/* client_help.c: /help in the full-screen client. See client_help.h. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client_help.h"
#include "cmdlist.h"
#include "util.h"

#define HELP_KEY_COL  17    /* columns of the key card's first column */
#define HELP_INDENT   "  "  /* before each row of the card and the columns */
#define HELP_MIN_COLS 20    /* narrower screens get the columns of this width */

struct help_key {
	const char *keys;     /* as shown */
	const char *what;     /* on the card */
	const char *more;     /* for /help KEY, after what (NULL: nothing more) */
	const char *names;    /* what /help takes for it, as help_norm writes it, '|' between */
};

static const struct help_key help_keys[] = {
	{ "PageUp PageDown", "scroll the history (the mouse wheel too)", "The wheel scrolls 3 "
	    "rows a notch (not with --no-mouse); scrolled up, the status line counts new lines.",
	    "pageup|pagedown|pgup|pgdn|ppage|npage|wheel|mouse|scroll" },
	{ "End", "the newest line (Ctrl+End, Shift+End too)", "End also moves to the end "
	    "of the input line; Ctrl+End and Shift+End do not.",
	    "end|ctrl+end|shift+end|c+end|s+end|newest" },
	{ "Shift+Home", "the oldest line kept", NULL, "shift+home|s+home|oldest" },
	{ "Alt+N", "window N (Alt+1..9, Alt+0: 10)", "Also /window N.",
	    "alt+n|m+n|alt+0|alt+1|alt+2|alt+3|alt+4|alt+5|alt+6|alt+7|alt+8|alt+9" },
	{ "Alt+Left/Right", "the previous, next window (Ctrl+P, Ctrl+N too)", NULL,
	    "alt+left|alt+right|ctrl+p|ctrl+n|c+p|c+n" },
	{ "Tab", "complete a name or a command", "A second Tab shows the candidates in the "
	    "status line.", "tab" },
	{ "Up Down Ctrl+R", "walk and search the input history", "It is kept between "
	    "sessions.", "up|down|ctrl+r|c+r" },
	{ "F2", "show or hide the nick list", "On terminals 100 columns or wider.", "f2" },
	{ "F3 Shift+F3", "the next older, newer line of the last /search", NULL,
	    "f3|shift+f3|s+f3" },
	{ "Ctrl+L", "redraw the screen", NULL, "ctrl+l|c+l" },
	{ "Ctrl+C", "clear the line; leave on an empty one (Ctrl+D too)", "A line cleared "
	    "stays in the input history: Up brings it back. Ctrl+D on an empty line and /quit "
	    "leave too.", "ctrl+c|c+c|ctrl+d|c+d" },
};

/* The client's own commands, and its own words for server commands it handles. */
struct help_cmd {
	const char *name;
	const char *usage;
	const char *what;
};

static const struct help_cmd help_own[] = {
	{ "clear", "/clear", "clear this window's history pane (on this screen only)" },
	{ "help", "/help [KEY-OR-COMMAND]", "the keys and the commands, or one of them" },
	{ "join", "/join ROOM", "be in ROOM too, in a window of its own (one you are in: "
	    "shown)" },
	{ "me", "/me ACTION", "an action in this window: * NAME ACTION" },
	{ "part", "/part [ROOM [REASON]]", "leave ROOM (default: this window's) and close "
	    "its window; in a private window: close it" },
	{ "quit", "/quit [REASON]", "leave the chat (the others see REASON); Ctrl+D too" },
	{ "r", "/r TEXT", "answer the last private message" },
	{ "reconnect", "/reconnect", "drop the connection and connect again now" },
	{ "search", "/search TEXT", "find the newest line holding TEXT (F3 older, Shift+F3 "
	    "newer)" },
	{ "window", "/window N", "show window N (Alt+N)" },
};

#define NKEYS (sizeof(help_keys) / sizeof(help_keys[0]))
#define NOWN  (sizeof(help_own) / sizeof(help_own[0]))

static void say(client_help_fn out, void *arg, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void say(client_help_fn out, void *arg, const char *fmt, ...)
{
	va_list ap;
	int n;
	char *line;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	line = xmalloc((size_t)(n > 0 ? n : 0) + 1);
	va_start(ap, fmt);
	vsnprintf(line, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
	va_end(ap);
	out(line, arg);
	free(line);
}

/* --- the command columns ------------------------------------------------------------ */

static bool is_oper(const struct cmdlist_cmd *c)
{
	return c->id == CMDLIST_OPER || strncmp(c->help, "operators:", 10) == 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool listed(const char **names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* The command names of one group (operators or not), sorted; returns how many. */
static size_t group_names(bool opers, const char **names)
{
	size_t n = 0;

	for (size_t i = 0; i < CMDLIST_COUNT; i++)
		if (is_oper(&cmdlist[i]) == opers)
			names[n++] = cmdlist[i].name;
	for (size_t i = 0; !opers && i < NOWN; i++)
		if (!listed(names, n, help_own[i].name))
			names[n++] = help_own[i].name;
	qsort(names, n, sizeof(*names), by_name);
	return n;
}

/* The names as "/name" in columns filled top to bottom, as ls(1) does. */
static void columns(const char **names, size_t n, int width, client_help_fn out, void *arg)
{
	size_t colw = 0, cols, rows, len;
	char *line;

	for (size_t i = 0; i < n; i++)
		colw = strlen(names[i]) + 3 > colw ? strlen(names[i]) + 3 : colw;
	cols = (size_t)width > strlen(HELP_INDENT) + colw ?
	    ((size_t)width - strlen(HELP_INDENT)) / colw : 1;
	rows = (n + cols - 1) / cols;
	line = xmalloc(strlen(HELP_INDENT) + cols * colw + 1);
	for (size_t r = 0; r < rows; r++) {
		len = (size_t)sprintf(line, HELP_INDENT);
		for (size_t c = 0; c < cols && c * rows + r < n; c++)
			len += (size_t)sprintf(line + len, "/%-*s", (int)colw - 1, names[c * rows + r]);
		while (len > 0 && line[len - 1] == ' ')
			line[--len] = '\0';
		out(line, arg);
	}
	free(line);
}

static void all_help(int width, client_help_fn out, void *arg)
{
	const char *names[CMDLIST_COUNT + NOWN];
	size_t n;

	say(out, arg, "Keys (/help KEY-OR-COMMAND tells more):");
	for (size_t i = 0; i < NKEYS; i++)
		say(out, arg, HELP_INDENT "%-*s%s", HELP_KEY_COL, help_keys[i].keys,
		    help_keys[i].what);
	say(out, arg, "Commands:");
	n = group_names(false, names);
	columns(names, n, width, out, arg);
	say(out, arg, "Operators:");
	n = group_names(true, names);
	columns(names, n, width, out, arg);
}

/* --- one of them -------------------------------------------------------------------- */

/* A key as typed ("Ctrl-End", "page up") as help_keys names it ("ctrl+end", "pageup"). */
static void help_norm(const char *s, char *out, size_t n)
{
	size_t k = 0;

	for (; *s != '\0' && k + 1 < n; s++) {
		if (*s == ' ')
			continue;
		out[k++] = *s == '-' ? '+' : (char)tolower((unsigned char)*s);
	}
	out[k] = '\0';
	if (strncmp(out, "control+", 8) == 0) {             /* "ctrl+" */
		memcpy(out, "ctrl", 4);
		memmove(out + 4, out + 7, strlen(out + 7) + 1);
	}
}

static const struct help_key *find_key(const char *topic)
{
	char want[64];

	help_norm(topic, want, sizeof(want));
	for (size_t i = 0; i < NKEYS; i++) {
		const char *p = help_keys[i].names;
		size_t len = strlen(want);

		while (p != NULL) {
			if (strncmp(p, want, len) == 0 && (p[len] == '|' || p[len] == '\0'))
				return &help_keys[i];
			p = strchr(p, '|');
			p = p != NULL ? p + 1 : NULL;
		}
	}
	return NULL;
}

static bool command_help(const char *word, client_help_fn out, void *arg)
{
	size_t n = strcspn(word, " ");
	const struct cmdlist_cmd *c = cmdlist_find(word, n);

	for (size_t i = 0; i < NOWN; i++) {
		if (strlen(help_own[i].name) == n && strncasecmp(help_own[i].name, word, n) == 0) {
			say(out, arg, "%s  %s", help_own[i].usage, help_own[i].what);
			return true;
		}
	}
	if (c == NULL)
		return false;
	say(out, arg, "%s  %s%s%s%s", c->usage, c->help, c->alias != NULL ? " (or /" : "",
	    c->alias != NULL ? c->alias : "", c->alias != NULL ? ")" : "");
	return true;
}

static bool one_help(const char *topic, client_help_fn out, void *arg)
{
	const struct help_key *k = topic[0] != '/' ? find_key(topic) : NULL;

	if (k != NULL) {
		say(out, arg, "%s  %s%s%s", k->keys, k->what, k->more != NULL ? ". " : "",
		    k->more != NULL ? k->more : "");
		return true;
	}
	if (command_help(topic + (topic[0] == '/'), out, arg))
		return true;
	say(out, arg, "No key or command \"%s\" (/help lists them).", topic);
	return false;
}

bool client_help(const char *topic, int width, client_help_fn out, void *arg)
{
	if (topic != NULL)
		topic += strspn(topic, " ");
	if (topic == NULL || topic[0] == '\0') {
		all_help(width < HELP_MIN_COLS ? HELP_MIN_COLS : width, out, arg);
		return true;
	}
	return one_help(topic, out, arg);
}
