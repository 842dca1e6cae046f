/* Unit tests for dialect_proto.c: the exact record of each event type in the client
 * dialect, version 1 (one room, local times) and version 2 (the room after the type
 * word, UTC times), a big room's member list split in MEMBERS+ records, and put and
 * deliver (one record a line, no prompts). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dialectfix.h"
#include "tclimits.h"

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

static const char *v1(const struct event *ev)
{
	return df_render(&dialect_proto, ev);
}

static const char *v2(const struct event *ev)
{
	return df_render(&dialect_proto2, ev);
}

static void messages_and_history(void **state)
{
	struct event ev = df_event(EV_MSG, "bob", "hello\tthere");

	(void)state;
	assert_string_equal(v1(&ev), "MSG\t2025-12-01 09:30:00\tbob\thello\tthere");
	assert_string_equal(v2(&ev), "MSG\tdev\t2025-12-01T09:30:00Z\tbob\thello\tthere");
	ev.type = EV_HIST;
	assert_string_equal(v1(&ev), "HIST\t2025-12-01 09:30:00\tbob\thello\tthere");
	assert_string_equal(v2(&ev), "HIST\tdev\t2025-12-01T09:30:00Z\tbob\thello\tthere");
}

static void local_times_in_version_1_utc_in_version_2(void **state)
{
	struct event ev = df_event(EV_JOIN, "bob", NULL);

	(void)state;
	setenv("TZ", "UTC-3", 1);
	tzset();
	ev.t = DF_T0 + 7;                        /* a second not cached yet */
	assert_string_equal(v1(&ev), "JOIN\t2025-12-01 12:30:07\tbob");
	assert_string_equal(v2(&ev), "JOIN\tdev\t2025-12-01T09:30:07Z\tbob");
	setenv("TZ", "UTC", 1);
	tzset();
}

static void joins_leaves_and_room_changes(void **state)
{
	struct event ev = df_event(EV_JOIN, "bob", NULL);

	(void)state;
	assert_string_equal(v1(&ev), "JOIN\t2025-12-01 09:30:00\tbob");
	ev.type = EV_LEAVE;
	assert_string_equal(v1(&ev), "LEAVE\t2025-12-01 09:30:00\tbob");
	assert_string_equal(v2(&ev), "LEAVE\tdev\t2025-12-01T09:30:00Z\tbob");
	ev.type = EV_MOVE_OUT;                   /* a room switch: the other room third */
	ev.via = "ops";
	assert_string_equal(v1(&ev), "LEAVE\t2025-12-01 09:30:00\tbob\tops");
	ev.type = EV_MOVE_IN;
	ev.via = "lobby";
	assert_string_equal(v1(&ev), "JOIN\t2025-12-01 09:30:00\tbob\tlobby");
	assert_string_equal(v2(&ev), "JOIN\tdev\t2025-12-01T09:30:00Z\tbob\tlobby");
	ev.via = NULL;
	assert_string_equal(v2(&ev), "JOIN\tdev\t2025-12-01T09:30:00Z\tbob");
}

static void renames_and_private_messages(void **state)
{
	struct event ev = df_event(EV_RENAME, "bob", NULL);

	(void)state;
	ev.other = "robert";
	ev.otherlen = 6;
	assert_string_equal(v1(&ev), "RENAME\t2025-12-01 09:30:00\tbob\trobert");
	assert_string_equal(v2(&ev), "RENAME\tdev\t2025-12-01T09:30:00Z\tbob\trobert");
	ev = df_event(EV_PRIV, "bob", "psst");   /* private: no room, in either version */
	ev.other = "alice";
	ev.otherlen = 5;
	assert_string_equal(v1(&ev), "PRIV\t2025-12-01 09:30:00\tbob\talice\tpsst");
	assert_string_equal(v2(&ev), "PRIV\t2025-12-01T09:30:00Z\tbob\talice\tpsst");
}

static void welcome_room_and_members(void **state)
{
	struct event ev = df_event(EV_WELCOME, "alice", NULL);

	(void)state;
	assert_string_equal(v1(&ev), "WELCOME\talice\tdev\nMEMBERS\talice\tbob");
	assert_string_equal(v2(&ev), "WELCOME\talice\tdev\nMEMBERS\tdev\talice\tbob");
	ev.type = EV_ROOM;
	assert_string_equal(v1(&ev), "ROOM\tdev\nMEMBERS\talice\tbob");
	assert_string_equal(v2(&ev), "ROOM\tdev\nMEMBERS\tdev\talice\tbob");
	ev.type = EV_MEMBERS;
	assert_string_equal(v1(&ev), "MEMBERS\talice\tbob");
	assert_string_equal(v2(&ev), "MEMBERS\tdev\talice\tbob");
}

static void notices_topic_and_online(void **state)
{
	struct event ev = df_event(EV_NAMEQ, NULL, "Name taken.");

	(void)state;
	assert_string_equal(v1(&ev), "NAME?\tName taken.");
	ev.type = EV_INFO;
	assert_string_equal(v2(&ev), "INFO\tName taken.");
	ev.type = EV_ERR;
	assert_string_equal(v1(&ev), "ERR\tName taken.");
	ev.type = EV_BYE;
	assert_string_equal(v1(&ev), "BYE\tName taken.");
	ev = df_event(EV_TOPIC, "bob", NULL);    /* told as an INFO record: the news */
	df_dev->topic = strdup("plans");
	assert_string_equal(v1(&ev), "INFO\tbob set the topic of dev: plans");
	assert_string_equal(v2(&ev), "INFO\tbob set the topic of dev: plans");
	ev = df_event(EV_ONLINE, NULL, "42");
	assert_string_equal(v1(&ev), "(none)");  /* version 2 only */
	assert_string_equal(v2(&ev), "ONLINE\t42");
}

/* A big room's names go on in MEMBERS+ records, none over TC_MEMBERS_RECORD_MAX bytes
 * of names. */
static void a_big_room_is_split_in_members_plus_records(void **state)
{
	enum { N = 2000 };
	static struct member many[N];
	struct event ev = df_event(EV_MEMBERS, NULL, NULL);
	const char *o, *line, *nl;
	size_t records = 0, names = 0;
	char name[16];

	(void)state;
	for (int i = 0; i < N; i++) {
		member_init(&many[i], NULL);
		snprintf(name, sizeof(name), "member%04d", i);
		member_set_name(&many[i], name);
		room_add(&df_rooms, df_dev, &many[i]);
	}
	assert_int_equal(strncmp(v2(&ev), "MEMBERS\tdev\talice\tbob\tmember0000\t", 33), 0);
	o = buf_data(&df_buf);                   /* the whole rendering */
	for (line = o; line < o + buf_len(&df_buf); line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(o + buf_len(&df_buf) - line));
		if (nl == NULL)
			nl = o + buf_len(&df_buf);
		records++;
		if (records == 1)
			assert_int_equal(strncmp(line, "MEMBERS\tdev\t", 12), 0);
		else
			assert_int_equal(strncmp(line, "MEMBERS+\tdev\t", 13), 0);
		assert_true((size_t)(nl - line) <= TC_MEMBERS_RECORD_MAX + sizeof("MEMBERS+\tdev"));
		for (const char *p = line; p < nl; p++)
			names += *p == '\t';
		names--;                         /* the tab before the room */
	}
	assert_true(records >= 2);
	assert_int_equal(names, N + 2);
	for (int i = 0; i < N; i++)
		room_remove(df_dev, &many[i]);
}

static void put_and_deliver_write_one_line(void **state)
{
	(void)state;
	df_alice.dialect = DIALECT_PROTO;
	dialect_proto.put(&df_alice, "INFO\tx", 6);
	dialect_proto.deliver(&df_alice, "MSG\ty", 5, DF_T0);
	dialect_proto.prompt(&df_alice, DF_T0);       /* no prompts in this dialect */
	dialect_proto.entered(&df_alice);
	assert_string_equal(df_sent(), "INFO\tx\nMSG\ty\n");
	assert_true(dialect_proto.echo_own && dialect_proto2.echo_own);
	assert_false(dialect_proto.multi_room);
	assert_true(dialect_proto2.multi_room);
	assert_false(dialect_proto.online);
	assert_true(dialect_proto2.online);
	df_alice.dialect = DIALECT_NC;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(messages_and_history, setup, teardown),
		cmocka_unit_test_setup_teardown(local_times_in_version_1_utc_in_version_2, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(joins_leaves_and_room_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(renames_and_private_messages, setup, teardown),
		cmocka_unit_test_setup_teardown(welcome_room_and_members, setup, teardown),
		cmocka_unit_test_setup_teardown(notices_topic_and_online, setup, teardown),
		cmocka_unit_test_setup_teardown(a_big_room_is_split_in_members_plus_records, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(put_and_deliver_write_one_line, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
