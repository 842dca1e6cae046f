/* Unit tests for dialect_nc.c: the exact bytes of each event type as an nc user sees
 * it, and the prompt state: "[time][name]:" repainted after a line from someone else,
 * the name prompt while naming, a queued prompt taken back when a line follows it in
 * the same pass, and a newline before a line when the prompt is on the screen. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dialectfix.h"

static int setup(void **state)
{
	(void)state;
	df_init();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	df_free();
	return 0;
}

static const char *nc(const struct event *ev)
{
	return df_render(&dialect_nc, ev);
}

static void messages_and_history_are_stamped(void **state)
{
	struct event ev = df_event(EV_MSG, "bob", "hello there");

	(void)state;
	assert_string_equal(nc(&ev), "[2025-12-01 09:30:00][bob]:hello there");
	ev.type = EV_HIST;
	assert_string_equal(nc(&ev), "[2025-12-01 09:30:00][bob]:hello there");
	ev.text = "";
	ev.len = 0;
	assert_string_equal(nc(&ev), "[2025-12-01 09:30:00][bob]:");
}

static void joins_leaves_and_room_changes(void **state)
{
	struct event ev = df_event(EV_JOIN, "bob", NULL);

	(void)state;
	assert_string_equal(nc(&ev), "bob has joined our chat...");
	ev.type = EV_LEAVE;
	assert_string_equal(nc(&ev), "bob has left our chat...");
	ev.type = EV_MOVE_IN;
	ev.via = "lobby";
	assert_string_equal(nc(&ev), "bob came from room lobby");
	ev.type = EV_MOVE_OUT;
	ev.via = "ops";
	assert_string_equal(nc(&ev), "bob went to room ops");
	ev.via = NULL;                           /* a member of several rooms */
	assert_string_equal(nc(&ev), "bob left room dev");
	ev.type = EV_MOVE_IN;
	assert_string_equal(nc(&ev), "bob joined room dev");
}

static void renames_and_private_messages(void **state)
{
	struct event ev = df_event(EV_RENAME, "bob", NULL);

	(void)state;
	ev.other = "robert";
	ev.otherlen = 6;
	assert_string_equal(nc(&ev), "bob is now known as robert");
	ev = df_event(EV_PRIV, "bob", "psst");
	ev.other = "alice";
	ev.otherlen = 5;
	assert_string_equal(nc(&ev), "[2025-12-01 09:30:00][bob][private]:psst");
	ev = df_event(EV_PRIV, "ALICE", "to you");   /* the viewer sent it (any case) */
	ev.other = "bob";
	ev.otherlen = 3;
	assert_string_equal(nc(&ev), "[2025-12-01 09:30:00][to bob][private]:to you");
}

static void room_members_and_topic(void **state)
{
	struct event ev = df_event(EV_ROOM, NULL, NULL);

	(void)state;
	assert_string_equal(nc(&ev), "You are now in room dev (2 here).");
	ev.type = EV_MEMBERS;
	assert_string_equal(nc(&ev), "2 in dev:\n  alice (you)\n  bob");
	ev = df_event(EV_TOPIC, "bob", NULL);
	assert_string_equal(nc(&ev), "bob cleared the topic of dev.");
	df_dev->topic = strdup("all about dev");
	assert_string_equal(nc(&ev), "bob set the topic of dev: all about dev");
}

static void notices_are_their_text(void **state)
{
	static const enum event_type types[] = { EV_NAMEQ, EV_INFO, EV_ERR, EV_BYE };

	(void)state;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct event ev = df_event(types[i], NULL, "Some words.");

		assert_string_equal(nc(&ev), "Some words.");
	}
}

static void the_client_only_events_show_nothing(void **state)
{
	struct event ev = df_event(EV_WELCOME, "alice", NULL);

	(void)state;
	assert_string_equal(nc(&ev), "(none)");
	ev = df_event(EV_ONLINE, NULL, "3");
	assert_string_equal(nc(&ev), "(none)");
}

/* --- putting, delivering, prompting --------------------------------------------------- */

static void the_prompt_after_a_delivered_line(void **state)
{
	(void)state;
	dialect_nc.deliver(&df_alice, "[x][bob]:hi", 11, DF_T0);
	assert_string_equal(df_sent(), "[x][bob]:hi\n[2025-12-01 09:30:00][alice]:");
	assert_true(df_alice.prompt_shown);
	/* The prompt went out: the next line starts on a new one. */
	dialect_nc.deliver(&df_alice, "[x][bob]:again", 14, DF_T0 + 1);
	assert_string_equal(df_sent(), "\n[x][bob]:again\n[2025-12-01 09:30:01][alice]:");
}

/* Lines that reach a member in one pass share one repaint: the queued prompt is taken
 * back when the next line comes. */
static void a_queued_prompt_is_taken_back(void **state)
{
	(void)state;
	dialect_nc.deliver(&df_alice, "one", 3, DF_T0);
	dialect_nc.deliver(&df_alice, "two", 3, DF_T0);
	dialect_nc.put(&df_alice, "info", 4);
	assert_string_equal(df_sent(), "one\ntwo\ninfo\n");
	assert_false(df_alice.prompt_shown);
	dialect_nc.prompt(&df_alice, DF_T0);
	dialect_nc.prompt(&df_alice, DF_T0);          /* shown already: once */
	assert_string_equal(df_sent(), "[2025-12-01 09:30:00][alice]:");
}

/* Typing: after Enter the cursor is on a new line, so no newline comes first. */
static void entered_means_no_newline_first(void **state)
{
	(void)state;
	dialect_nc.prompt(&df_alice, DF_T0);
	df_sent();
	dialect_nc.entered(&df_alice);
	dialect_nc.put(&df_alice, "reply", 5);
	assert_string_equal(df_sent(), "reply\n");
	dialect_nc.prompt(&df_alice, DF_T0);
	df_sent();
	dialect_nc.put(&df_alice, "unasked", 7);      /* on the prompt's line: a newline */
	assert_string_equal(df_sent(), "\nunasked\n");
}

/* A prompt that does not start a line is never taken back (it would leave half a line). */
static void a_prompt_after_half_a_line_stays(void **state)
{
	(void)state;
	conn_write(df_conn, "half", 4);
	dialect_nc.prompt(&df_alice, DF_T0);
	dialect_nc.put(&df_alice, "line", 4);
	assert_string_equal(df_sent(), "half[2025-12-01 09:30:00][alice]:\nline\n");
}

static void while_naming_the_name_prompt(void **state)
{
	(void)state;
	df_alice.state = MEMBER_NAMING;
	dialect_nc.prompt(&df_alice, DF_T0);
	assert_string_equal(df_sent(), "[ENTER YOUR NAME]:");
	dialect_nc.deliver(&df_alice, "notice", 6, DF_T0);
	assert_string_equal(df_sent(), "\nnotice\n[ENTER YOUR NAME]:");
	df_alice.state = MEMBER_CHATTING;
}

static void what_the_dialect_says_of_itself(void **state)
{
	(void)state;
	assert_string_equal(dialect_nc.name, "nc");
	assert_false(dialect_nc.echo_own);
	assert_false(dialect_nc.multi_room);
	assert_false(dialect_nc.online);
	assert_false(dialect_nc.per_viewer);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(messages_and_history_are_stamped, setup, teardown),
		cmocka_unit_test_setup_teardown(joins_leaves_and_room_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(renames_and_private_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(room_members_and_topic, setup, teardown),
		cmocka_unit_test_setup_teardown(notices_are_their_text, setup, teardown),
		cmocka_unit_test_setup_teardown(the_client_only_events_show_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(the_prompt_after_a_delivered_line, setup, teardown),
		cmocka_unit_test_setup_teardown(a_queued_prompt_is_taken_back, setup, teardown),
		cmocka_unit_test_setup_teardown(entered_means_no_newline_first, setup, teardown),
		cmocka_unit_test_setup_teardown(a_prompt_after_half_a_line_stays, setup, teardown),
		cmocka_unit_test_setup_teardown(while_naming_the_name_prompt, setup, teardown),
		cmocka_unit_test(what_the_dialect_says_of_itself),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
