/* Unit tests for cmd.c: the one dispatcher (names and aliases in any case, unknown
 * commands, usage errors from the table's argument rules) and the handlers of the
 * plain commands (/help, /rooms, /msg with names that hold spaces, /say, /history,
 * /ping, /quit). The sender speaks the client dialect where the exact reply matters
 * (an INFO or ERR record, no prompt). Driven without sockets (chatfix.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chatfix.h"
#include "cmdlist.h"
#include "tclimits.h"

static int setup(void **state)
{
	(void)state;
	fx_init(4096, 0, 16);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_free();
	return 0;
}

/* --- the dispatcher ------------------------------------------------------------------ */

static void names_and_aliases_in_any_case(void **state)
{
	struct conn *p = fx_client("pat", 1);

	(void)state;
	fx_feed(p, "/LIST\n");
	assert_string_equal(fx_out(p), "MEMBERS\tpat\n");
	fx_feed(p, "/Who\n");                          /* the alias of /list */
	assert_string_equal(fx_out(p), "MEMBERS\tpat\n");
	fx_feed(p, "/nick pam\n");                     /* the alias of /name */
	assert_string_equal(fx_out(p), "RENAME\tT\tpat\tpam\n");
	fx_feed(p, "/list   \n");                      /* trailing spaces are no argument */
	assert_string_equal(fx_out(p), "MEMBERS\tpam\n");
	fx_done(p);
}

static void unknown_commands_are_named_back(void **state)
{
	struct conn *p = fx_client("pat", 1), *a = fx_named("a");

	(void)state;
	fx_out(p);
	fx_feed(p, "/nope\n");
	assert_string_equal(fx_out(p), "ERR\tUnknown command: /nope (try /help)\n");
	fx_feed(p, "/nope with args\n");
	assert_string_equal(fx_out(p), "ERR\tUnknown command: /nope (try /help)\n");
	fx_feed(p, "/lists\n");                        /* no prefix matching */
	assert_string_equal(fx_out(p), "ERR\tUnknown command: /lists (try /help)\n");
	fx_feed(p, "/\n");
	assert_string_equal(fx_out(p), "ERR\tUnknown command: / (try /help)\n");
	fx_feed(p, "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");   /* cut at 32 bytes */
	assert_string_equal(fx_out(p),
	    "ERR\tUnknown command: /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (try /help)\n");
	assert_string_equal(fx_out(a), "");           /* errors go to the sender alone */
	fx_done(a);
	fx_done(p);
}

static void arguments_are_checked_against_the_table(void **state)
{
	struct conn *p = fx_client("pat", 1);

	(void)state;
	fx_feed(p, "/list extra\n");                   /* none */
	assert_string_equal(fx_out(p), "ERR\tUsage: /list\n");
	fx_feed(p, "/join\n");                         /* one word */
	assert_string_equal(fx_out(p), "ERR\tUsage: /join ROOM\n");
	fx_feed(p, "/join bad room\n");
	assert_string_equal(fx_out(p),
	    "ERR\tUsage: /join ROOM (spaces are not allowed in room names)\n");
	fx_feed(p, "/msg\n");                          /* the rest of the line */
	assert_string_equal(fx_out(p), "ERR\tUsage: /msg NAME TEXT\n");
	fx_feed(p, "/history 1 2\n");                  /* an optional word */
	assert_string_equal(fx_out(p), "ERR\tUsage: /history [N]\n");
	fx_feed(p, "/list now\n");                     /* no arguments */
	assert_string_equal(fx_out(p), "ERR\tUsage: /list\n");
	assert_false(p->closing);
	fx_done(p);
}

/* --- the handlers -------------------------------------------------------------------- */

static void help_lists_every_command_of_the_table(void **state)
{
	struct conn *p = fx_client("pat", 1);
	char line[200], want[220];
	const char *o;

	(void)state;
	fx_feed(p, "/help\n");
	o = fx_out(p);
	assert_int_equal(strncmp(o, "INFO\tCommands:\n", 15), 0);
	for (size_t i = 0; i < CMDLIST_COUNT; i++) {
		cmdlist_help_line(&cmdlist[i], line, sizeof(line));
		snprintf(want, sizeof(want), "\nINFO\t%s\n", line);
		assert_non_null(strstr(o, want));
	}
	assert_string_equal(o + strlen(o) - 58,
	    "INFO\t  //TEXT           send a message that starts with /\n");
	fx_done(p);
}

static void rooms_counts_and_marks_where_you_are(void **state)
{
	struct conn *p = fx_client("pat", 1), *a = fx_named("a");

	(void)state;
	fx_feed(a, "/join dev\n");
	fx_out(p);
	fx_feed(p, "/rooms\n");
	assert_string_equal(fx_out(p), "INFO\t2 rooms:\nINFO\t  dev (1)\n"
	    "INFO\t  lobby (1) <- you are here\n");
	fx_done(a);
	fx_out(p);
	fx_feed(p, "/rooms\n");                        /* an empty room without history goes */
	assert_string_equal(fx_out(p), "INFO\t1 room:\nINFO\t  lobby (1) <- you are here\n");
	fx_done(p);
}

/* NAME may hold spaces: the longest run of words that names someone. */
static void msg_takes_the_longest_name(void **state)
{
	struct conn *p = fx_client("pat", 1), *b = fx_client("bob", 1),
	    *bs = fx_client("bob smith", 1);

	(void)state;
	fx_out(p), fx_out(b), fx_out(bs);
	fx_feed(p, "/msg bob smith hi\n");
	assert_string_equal(fx_out(bs), "PRIV\tT\tpat\tbob smith\thi\n");
	assert_string_equal(fx_out(b), "");
	fx_feed(p, "/msg bob   hello there  \n");
	assert_string_equal(fx_out(b), "PRIV\tT\tpat\tbob\thello there\n");
	assert_string_equal(fx_out(p), "PRIV\tT\tpat\tbob smith\thi\nPRIV\tT\tpat\tbob\thello there\n");
	fx_feed(p, "/msg bob\n");
	assert_string_equal(fx_out(p), "ERR\tUsage: /msg NAME TEXT\n");
	fx_feed(p, "/msg nobody here\n");
	assert_string_equal(fx_out(p), "ERR\tNo such user: nobody\n");
	fx_done(bs), fx_done(b), fx_done(p);
}

static void say_needs_a_room_and_text(void **state)
{
	struct conn *p = fx_client("pat", 2);

	(void)state;
	fx_feed(p, "/say lobby\n");
	assert_string_equal(fx_out(p), "ERR\tUsage: /say ROOM TEXT\n");
	fx_feed(p, "/say lobby    \n");
	assert_string_equal(fx_out(p), "ERR\tUsage: /say ROOM TEXT\n");
	fx_feed(p, "/say lobby  hi  there\n");
	assert_string_equal(fx_out(p), "MSG\tlobby\tU\tpat\thi  there\n");
	fx_done(p);
}

static void history_takes_a_positive_number(void **state)
{
	struct conn *p = fx_client("pat", 1), *a = fx_named("a");

	(void)state;
	fx_out(p);
	fx_feed(p, "/history\n");
	assert_string_equal(fx_out(p), "INFO\tNo messages kept in this room yet.\n");
	fx_feed(a, "m1\nm2\nm3\n");
	fx_out(p);
	fx_feed(p, "/history 2\n");
	assert_string_equal(fx_out(p), "HIST\tT\ta\tm2\nHIST\tT\ta\tm3\n");
	fx_feed(p, "/history 99\n");
	assert_string_equal(fx_out(p), "HIST\tT\ta\tm1\nHIST\tT\ta\tm2\nHIST\tT\ta\tm3\n");
	for (const char *bad = "0\0-1\0two\0" "99999999999999999\0"; *bad; bad += strlen(bad) + 1) {
		char line[64];

		snprintf(line, sizeof(line), "/history %s\n", bad);
		fx_feed(p, line);
		assert_string_equal(fx_out(p),
		    "ERR\tUsage: /history [N] (N a number of messages, at least 1)\n");
	}
	fx_done(a), fx_done(p);
}

static void ping_echoes_its_token_cut_at_a_character(void **state)
{
	struct conn *p = fx_client("pat", 1);
	char line[200], want[100];

	(void)state;
	fx_feed(p, "/ping\n");
	assert_string_equal(fx_out(p), "INFO\tPONG\n");
	fx_feed(p, "/ping tok 42\n");
	assert_string_equal(fx_out(p), "INFO\tPONG tok 42\n");
	/* 63 ASCII bytes then a 3-byte character across byte 64: cut before it. */
	memset(line, 0, sizeof(line));
	memcpy(line, "/ping ", 6);
	memset(line + 6, 'p', 63);
	memcpy(line + 69, "\xe6\x97\xa5zz\n", 6);
	fx_feed(p, line);
	snprintf(want, sizeof(want), "INFO\tPONG %.63s\n", line + 6);
	assert_string_equal(fx_out(p), want);
	fx_done(p);
}

static void quit_says_goodbye_and_closes(void **state)
{
	struct conn *a = fx_named("a"), *p = fx_client("pat", 1);

	(void)state;
	fx_out(a);
	fx_feed(p, "/quit\n");
	assert_string_equal(fx_out(p), "BYE\tGoodbye!\n");
	assert_true(p->closing);
	assert_string_equal(p->close_reason, "quit");
	/* The leave is told at once (with the reason /quit may give), and once. */
	assert_string_equal(fx_out(a), "\npat has left our chat...\n[T][a]:");
	fx_feed(p, "after\n");                         /* nothing more from a closing one */
	assert_string_equal(fx_out(a), "");
	fx_done(p);
	assert_string_equal(fx_out(a), "");
	fx_done(a);
}

/* --- folded from test_attack_review.c and test_regressions.c -------------------------- */

/* Issue 11 item 1: /msg looked a name up at every space of the whole line
 * (quadratic); the work is bounded by the name limit. */
static void msg_work_is_bounded_by_the_name_limit(void **state)
{
	size_t n = 60000;
	char *line = malloc(n + 8);
	struct conn *c;

	(void)state;
	fx_init(65536, 0, 1000);
	c = fx_named("user0");
	memcpy(line, "/msg ", 5);
	for (size_t i = 5; i < n; i += 2)
		line[i] = 'a', line[i + 1] = ' ';
	line[n] = '\n';
	line[n + 1] = '\0';
	fx_ch.stats.lookups = fx_ch.stats.bytes_hashed = 0;
	fx_feed(c, line);
	assert_true(fx_ch.stats.lookups <= NAME_MAX_BYTES / 2 + 1);
	assert_true(fx_ch.stats.bytes_hashed <= (NAME_MAX_BYTES + 1) * (NAME_MAX_BYTES / 2 + 1));
	free(line);
	fx_done(c);
	fx_free();
}

static void assert_safe(const char *s, int tab)
{
	size_t n = strlen(s), bad = first_unsafe(s, n, tab);

	if (bad != n)
		fail_msg("unsafe bytes at %zu: \"%.60s\"", bad, s + (bad > 30 ? bad - 30 : 0));
}

/* fuzz_conn, crash-bb88aae9 (own output not terminal safe): "Unknown command: /%.*s"
 * cuts the command word at 32 bytes, which could split a UTF-8 sequence, so the sender
 * was sent invalid UTF-8. The word here is 11 three-byte characters (33 bytes). */
static void unknown_command_cut_keeps_utf8(void **state)
{
	struct conn *eve = fx_named("eve");
	const char *out;

	(void)state;
	assert_false(fx_feed(eve, "/\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5"
	    "\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5\xe6\x97\xa5 x\n"));
	out = fx_raw(eve);
	assert_non_null(strstr(out, "Unknown command: /"));
	assert_safe(out, 0);
	fx_done(eve);
}

/* The same cut in "No such user: %.*s" (64 bytes): 22 three-byte characters. */
static void no_such_user_cut_keeps_utf8(void **state)
{
	struct conn *eve = fx_named("eve");
	char line[128] = "/msg ";
	const char *out;

	(void)state;
	for (int i = 0; i < 22; i++)
		strcat(line, "\xe6\x97\xa5");
	strcat(line, " hi\n");
	assert_false(fx_feed(eve, line));
	out = fx_raw(eve);
	assert_non_null(strstr(out, "No such user: "));
	assert_safe(out, 0);
	fx_done(eve);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(names_and_aliases_in_any_case, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_commands_are_named_back, setup, teardown),
		cmocka_unit_test_setup_teardown(arguments_are_checked_against_the_table, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(help_lists_every_command_of_the_table, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(rooms_counts_and_marks_where_you_are, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(msg_takes_the_longest_name, setup, teardown),
		cmocka_unit_test_setup_teardown(say_needs_a_room_and_text, setup, teardown),
		cmocka_unit_test_setup_teardown(history_takes_a_positive_number, setup, teardown),
		cmocka_unit_test_setup_teardown(ping_echoes_its_token_cut_at_a_character, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(quit_says_goodbye_and_closes, setup, teardown),
		cmocka_unit_test(msg_work_is_bounded_by_the_name_limit),
		cmocka_unit_test_setup_teardown(unknown_command_cut_keeps_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(no_such_user_cut_keeps_utf8, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
