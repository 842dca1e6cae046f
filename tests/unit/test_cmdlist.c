/* Unit tests for cmdlist.c: the one command table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cmdlist.h"

static void ids_index_the_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < CMDLIST_COUNT; i++)
		assert_int_equal(cmdlist[i].id, i);
}

static void find_by_name_or_alias(void **state)
{
	(void)state;
	assert_int_equal(cmdlist_find("nick", 4)->id, CMDLIST_NAME);
	assert_int_equal(cmdlist_find("WHO", 3)->id, CMDLIST_LIST);
	assert_int_equal(cmdlist_find("Join", 4)->id, CMDLIST_JOIN);
	assert_int_equal(cmdlist_find("ME", 2)->id, CMDLIST_ME);
	assert_int_equal(cmdlist_find("quitx", 4)->id, CMDLIST_QUIT);
	assert_null(cmdlist_find("qui", 3));
	assert_null(cmdlist_find("", 0));
}

static void argument_kinds(void **state)
{
	(void)state;
	assert_true(cmdlist_args_ok(&cmdlist[CMDLIST_LIST], "", 0));
	assert_false(cmdlist_args_ok(&cmdlist[CMDLIST_LIST], "x", 1));
	assert_true(cmdlist_args_ok(&cmdlist[CMDLIST_JOIN], "dev", 3));
	assert_false(cmdlist_args_ok(&cmdlist[CMDLIST_JOIN], "a b", 3));
	assert_false(cmdlist_args_ok(&cmdlist[CMDLIST_JOIN], "", 0));
	assert_true(cmdlist_args_ok(&cmdlist[CMDLIST_MSG], "bob hi there", 12));
	assert_false(cmdlist_args_ok(&cmdlist[CMDLIST_NAME], "", 0));
	assert_true(cmdlist_args_ok(&cmdlist[CMDLIST_TOPIC], "", 0));
	assert_true(cmdlist_args_ok(&cmdlist[CMDLIST_TOPIC], "a b", 3));
	assert_true(cmdlist_args_ok(&cmdlist[CMDLIST_QUIT], "", 0));         /* [REASON] */
	assert_true(cmdlist_args_ok(&cmdlist[CMDLIST_QUIT], "gone fishing", 12));
	assert_true(cmdlist_args_ok(&cmdlist[CMDLIST_PART], "dev see you", 11)); /* ROOM REASON */
}

/* The exact /help text the server has always sent. */
static void help_lines(void **state)
{
	static const char *const want[] = {
		"  /help            list the commands",
		"  /name NEW        change your name (or /nick)",
		"  /list            who is in this room (or /who)",
		"  /rooms           every room and how many are in it",
		"  /join ROOM       go to ROOM, creating it if needed",
		"  /msg NAME TEXT   a private message to NAME",
		"  /history [N]     the last N messages of this room (default: all kept)",
		"  /quit [REASON]   leave the chat (the others see REASON)",
		"  /topic [TEXT]    show or set this room's topic",
		"  /oper NAME PASSWORD become an operator",
		"  /kick NAME [REASON] operators: disconnect NAME",
		"  /ban NAME|ADDRESS [DURATION] [REASON] operators: ban an address (and kick it)",
		"  /unban ADDRESS   operators: lift a ban",
		"  /bans            operators: list the bans",
		"  /mute NAME [DURATION] operators: refuse NAME's messages",
		"  /unmute NAME     operators: let NAME speak again",
		"  /wall TEXT       operators: a notice to every room",
		"  /purge NAME      operators: remove NAME's messages from the history",
		"  /part [ROOM [REASON]] leave ROOM, when you are in several (client, IRC)",
		"  /say ROOM TEXT   say TEXT in ROOM, one of yours",
		"  /away [TEXT]     mark yourself away (TEXT shown to who messages you); alone: back",
		"  /whois NAME      NAME's rooms, idle time, away text, connected since",
		"  /ignore NAME     see no more messages from NAME",
		"  /unignore NAME   see NAME's messages again",
		"  /names [ROOM]    who is in ROOM (default: this room)",
		"  /stats           operators: uptime, connections, rooms, traffic, drops",
		"  /ping [TOKEN]    the server answers PONG [TOKEN] (a client's keepalive)",
		"  /me TEXT         an action: this room sees * NAME TEXT",
		"  /action #ROOM|NAME TEXT an action in ROOM, or to NAME alone",
	};
	char line[128];

	(void)state;
	assert_int_equal(sizeof(want) / sizeof(want[0]), CMDLIST_COUNT);
	for (size_t i = 0; i < CMDLIST_COUNT; i++) {
		cmdlist_help_line(&cmdlist[i], line, sizeof(line));
		assert_string_equal(line, want[i]);
	}
}

/* Completion offers what the client always offered, in the same order, then the
 * commands added since. */
static void completion_words(void **state)
{
	static const char *const want[] = { "/help", "/name", "/nick", "/list", "/who",
	    "/rooms", "/join", "/msg", "/history", "/quit", "/topic", "/oper", "/kick", "/ban",
	    "/unban", "/bans", "/mute", "/unmute", "/wall", "/purge", "/part", "/say", "/away", "/whois", "/ignore", "/unignore",
	    "/names", "/stats", "/ping", "/me", "/action", NULL };
	char **w = cmdlist_words();

	(void)state;
	for (size_t i = 0; want[i] != NULL; i++)
		assert_string_equal(w[i], want[i]);
	assert_null(w[sizeof(want) / sizeof(want[0]) - 1]);
	for (size_t i = 0; w[i] != NULL; i++)
		free(w[i]);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ids_index_the_table),
		cmocka_unit_test(find_by_name_or_alias),
		cmocka_unit_test(argument_kinds),
		cmocka_unit_test(help_lines),
		cmocka_unit_test(completion_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
