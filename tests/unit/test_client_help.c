/* Unit tests for client_help.c: /help is a key card, then every command in aligned
 * columns fitted to the width (the client's own and the server's, operators apart);
 * /help KEY-OR-COMMAND answers about one, keys written in any usual way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "client_help.h"
#include "cmdlist.h"

#define MAX_LINES 64

struct lines {
	char s[MAX_LINES][256];
	int n;
};

static void collect(const char *line, void *arg)
{
	struct lines *l = arg;

	assert_true(l->n < MAX_LINES);
	snprintf(l->s[l->n++], sizeof(l->s[0]), "%s", line);
}

static int find(const struct lines *l, const char *text)
{
	for (int i = 0; i < l->n; i++)
		if (strcmp(l->s[i], text) == 0)
			return i;
	return -1;
}

/* How many times "/word" stands alone (a column) in lines [from, to). */
static int listed(const struct lines *l, int from, int to, const char *word)
{
	char want[64];
	int n = 0;

	snprintf(want, sizeof(want), "/%s", word);
	for (int i = from; i < to; i++)
		for (const char *p = strstr(l->s[i], want); p != NULL; p = strstr(p + 1, want))
			n += p[-1] == ' ' && (p[strlen(want)] == ' ' || p[strlen(want)] == '\0');
	return n;
}

static void card_then_columns(void **state)
{
	struct lines l = { .n = 0 };
	int cmds, opers;
	const char *own[] = { "clear", "r", "reconnect", "search", "window", "help" };

	(void)state;
	assert_true(client_help(NULL, 74, collect, &l));
	assert_string_equal(l.s[0], "Keys (/help KEY-OR-COMMAND tells more):");
	assert_non_null(strstr(l.s[1], "PageUp PageDown"));
	assert_int_equal(find(&l, "  End              the newest line (Ctrl+End, Shift+End too)"), 2);
	cmds = find(&l, "Commands:");
	opers = find(&l, "Operators:");
	assert_true(cmds > 10 && opers > cmds + 1 && l.n > opers + 1);
	for (int i = 0; i < l.n; i++)
		assert_true(strlen(l.s[i]) <= 74);
	for (size_t i = 0; i < CMDLIST_COUNT; i++) {
		bool oper = strncmp(cmdlist[i].help, "operators:", 10) == 0 ||
		    cmdlist[i].id == CMDLIST_OPER;

		assert_int_equal(listed(&l, cmds, opers, cmdlist[i].name), !oper);
		assert_int_equal(listed(&l, opers, l.n, cmdlist[i].name), oper);
	}
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		assert_int_equal(listed(&l, cmds, opers, own[i]), 1);
	/* aligned: every row's columns start where the first row's do */
	for (int i = cmds + 2; i < opers; i++)
		for (size_t c = 0; c < strlen(l.s[i]); c++)
			if (l.s[i][c] == '/')
				assert_int_equal(l.s[cmds + 1][c], '/');
}

static void columns_fit_the_width(void **state)
{
	struct lines wide = { .n = 0 }, narrow = { .n = 0 };

	(void)state;
	client_help("", 200, collect, &wide);
	client_help("  ", 5, collect, &narrow);       /* too narrow: one column */
	assert_true(narrow.n > wide.n);
	assert_string_equal(narrow.s[find(&narrow, "Commands:") + 1], "  /action");
}

static void one_key_or_command(void **state)
{
	static const struct { const char *topic, *starts; } cases[] = {
		{ "F2", "F2  show or hide the nick list" },
		{ "f3", "F3 Shift+F3  " },
		{ "Ctrl-End", "End  the newest line" },
		{ "control+end", "End  the newest line" },
		{ "shift+end", "End  the newest line" },
		{ "page up", "PageUp PageDown  scroll the history" },
		{ "Alt+3", "Alt+N  window N" },
		{ "ctrl+d", "Ctrl+C  clear the line" },
		{ "search", "/search TEXT  find the newest line holding TEXT" },
		{ "/window", "/window N  show window N" },
		{ "/nick", "/name NEW  change your name (or /nick)" },
		{ "MSG", "/msg NAME TEXT  a private message to NAME" },
		{ "/part", "/part [ROOM [REASON]]  leave ROOM (default: this window's)" },
		{ "/kick", "/kick NAME [REASON]  operators: disconnect NAME" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lines l = { .n = 0 };

		assert_true(client_help(cases[i].topic, 80, collect, &l));
		assert_int_equal(l.n, 1);
		if (strncmp(l.s[0], cases[i].starts, strlen(cases[i].starts)) != 0)
			fail_msg("%s: %s", cases[i].topic, l.s[0]);
	}
}

static void unknown_topic(void **state)
{
	struct lines l = { .n = 0 };

	(void)state;
	assert_false(client_help("frob", 80, collect, &l));
	assert_string_equal(l.s[0], "No key or command \"frob\" (/help lists them).");
	assert_false(client_help("/end", 80, collect, &l));   /* "/" asks for a command */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(card_then_columns),
		cmocka_unit_test(columns_fit_the_width),
		cmocka_unit_test(one_key_or_command),
		cmocka_unit_test(unknown_topic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
