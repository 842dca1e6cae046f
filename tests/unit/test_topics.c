/* Unit tests for topics.c: the topics file of the state directory, written and read
 * back, the newest topic winning over the log's, and hostile files. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "room.h"
#include "tclimits.h"
#include "topics.h"

#define TMPDIR_NAME "/tmp/test_topics.XXXXXX"
#include "tmpdir.h"

#define HEADER "# tcpchat topics: room, set at (seconds since 1970), by, " \
    "by as nick!user@host, topic (empty: cleared); tab-separated\n"

static char path[sizeof(tmpdir) + 16];

static int group_setup(void **state)
{
	(void)state;
	if (tmpdir_make() != 0)
		return -1;
	snprintf(path, sizeof(path), "%s/topics", tmpdir);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	return tmpdir_remove();
}

static int each_setup(void **state)
{
	(void)state;
	unlink(path);
	rmdir(path);
	return 0;
}

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_back(void)
{
	static char text[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

static void set(struct rooms *rs, const char *room, const char *by, const char *src,
    time_t t, const char *text)
{
	room_set_topic(rooms_get_any(rs, room), by, src, t, text, strlen(text));
}

/* Load the file into rs (fresh), expecting rc and skipped. */
static struct topics load(struct rooms *rs, int rc, size_t skipped)
{
	struct topics tp;
	size_t sk = 99;
	char err[256] = "";

	topics_init(&tp, path);
	assert_int_equal(topics_load(&tp, rs, &sk, err, sizeof(err)), rc);
	if (rc == 0)
		assert_int_equal(sk, skipped);
	return tp;
}

static void save_and_load_back(void **state)
{
	struct rooms rs, back;
	struct topics tp;
	char err[256];
	struct room *r;

	(void)state;
	rooms_init(&rs, 10);
	set(&rs, "lobby", "alice", "alice!~alice@192.0.2.7", 1796115917, "release on friday");
	set(&rs, "dev", "bob smith", "bob[20]smith!nc@::1", 1796115000, "all about dev");
	set(&rs, "ops", "carol", "", 1796116000, "");       /* cleared: kept with its time */
	rooms_get_any(&rs, "quiet");                         /* never had one: not written */
	topics_init(&tp, path);
	assert_int_equal(topics_save(&tp, &rs, err, sizeof(err)), 0);
	assert_string_equal(read_back(), HEADER
	    "dev\t1796115000\tbob smith\tbob[20]smith!nc@::1\tall about dev\n"
	    "lobby\t1796115917\talice\talice!~alice@192.0.2.7\trelease on friday\n"
	    "ops\t1796116000\tcarol\t\t\n");
	assert_int_equal(access(path, F_OK), 0);
	{
		struct stat st;

		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0600);
	}
	topics_free(&tp);

	rooms_init(&back, 10);
	tp = load(&back, 0, 0);
	assert_true(tp.dirty);                  /* the clear of a room not here is dropped */
	r = rooms_find(&back, "lobby");
	assert_non_null(r);
	assert_string_equal(r->topic, "release on friday");
	assert_string_equal(r->topic_by, "alice");
	assert_string_equal(r->topic_src, "alice!~alice@192.0.2.7");
	assert_int_equal(r->topic_at, 1796115917);
	r = rooms_find(&back, "dev");
	assert_non_null(r);
	assert_string_equal(r->topic_src, "bob[20]smith!nc@::1");
	assert_null(rooms_find(&back, "ops"));  /* a clear makes no room */
	assert_null(rooms_find(&back, "quiet"));
	assert_int_equal(topics_save(&tp, &back, err, sizeof(err)), 0);
	topics_free(&tp);
	rooms_free(&back);
	rooms_init(&back, 10);
	tp = load(&back, 0, 0);
	assert_false(tp.dirty);                 /* the file is what the rooms are */
	assert_int_equal(back.count, 2);
	topics_free(&tp);
	rooms_free(&rs);
	rooms_free(&back);
}

static void missing_file_is_no_topics(void **state)
{
	struct rooms rs;
	struct topics tp;

	(void)state;
	rooms_init(&rs, 10);
	tp = load(&rs, 0, 0);
	assert_false(tp.dirty);
	assert_null(rs.list);
	topics_free(&tp);
	rooms_free(&rs);
}

/* The log's topics are replayed first; the file's line wins when it is as new or newer. */
static void newest_wins(void **state)
{
	struct rooms rs;
	struct topics tp;
	struct room *r;

	(void)state;
	write_file(HEADER "lobby\t100\talice\talice!~a@h\tfrom the file\n"
	    "dev\t300\tbob\t\tnewer in the file\n"
	    "ops\t250\tcarol\t\t\n");
	rooms_init(&rs, 10);
	set(&rs, "lobby", "zed", "", 200, "newer in the log");
	set(&rs, "dev", "zed", "", 200, "older in the log");
	set(&rs, "ops", "zed", "", 240, "cleared later");
	tp = load(&rs, 0, 0);
	r = rooms_find(&rs, "lobby");
	assert_string_equal(r->topic, "newer in the log");
	assert_string_equal(r->topic_by, "zed");
	assert_int_equal(r->topic_at, 200);
	r = rooms_find(&rs, "dev");
	assert_string_equal(r->topic, "newer in the file");
	assert_string_equal(r->topic_by, "bob");
	r = rooms_find(&rs, "ops");
	assert_null(r->topic);                  /* the clear is newer than the log's topic */
	assert_int_equal(r->topic_at, 250);
	assert_true(tp.dirty);                  /* the log had news: the file is written again */
	topics_free(&tp);
	rooms_free(&rs);
}

static void hostile_lines_skipped_or_sanitised(void **state)
{
	struct rooms rs;
	struct topics tp;
	struct room *r;
	char big[TC_TOPIC_MAX + 64], line[TC_TOPIC_MAX + 128];

	(void)state;
	memset(big, 'x', TC_TOPIC_MAX + 1);
	big[TC_TOPIC_MAX + 1] = '\0';
	snprintf(line, sizeof(line), "long\t1\ta\t\t%s\n", big);
	{
		char text[8192];

		snprintf(text, sizeof(text), "%s%s%s", HEADER
		    "\n"
		    "# a comment\n"
		    "bad room\t1\ta\t\tx\n"                     /* room name */
		    "r1\t1x\ta\t\tx\n"                          /* time */
		    "r2\t-1\ta\t\tx\n"
		    "r3\t9999999999999\ta\t\tx\n"               /* over 12 digits */
		    "r4\t1\ta\x1b[2J\t\tx\n"                    /* name with a control */
		    "r5\t1\ta\ta b!c@d\tx\n"                    /* source with a space */
		    "r6\t1\ta\t:a!b@c\tx\n"                     /* source starting with ':' */
		    "r7\t1\ta\tnobang\tx\n"
		    "r8\t1\ta\ta!b@c\tx\textra\n"               /* a field too many */
		    "r9\t1\ta\ta!b@c\n",                        /* one too few */
		    line,
		    "esc\t5\tmallory\tm!~m@h\t\x1b[31mred\r\x07 \xff\xfe end\n"
		    "cr\t6\t\t\tno newline at the end");
		write_file(text);
	}
	rooms_init(&rs, 10);
	tp = load(&rs, 0, 11);
	assert_int_equal(rs.count, 2);
	r = rooms_find(&rs, "esc");
	assert_non_null(r);
	/* ESC, CR and BEL dropped, each invalid byte U+FFFD: nothing reaches a terminal. */
	assert_string_equal(r->topic, "[31mred \xef\xbf\xbd\xef\xbf\xbd end");
	assert_string_equal(r->topic_src, "m!~m@h");
	r = rooms_find(&rs, "cr");
	assert_non_null(r);
	assert_string_equal(r->topic, "no newline at the end");
	assert_string_equal(r->topic_by, "");
	assert_true(tp.dirty);                  /* bad lines: written again without them */
	topics_free(&tp);
	rooms_free(&rs);
}

static void no_rooms_past_the_limit(void **state)
{
	FILE *f = fopen(path, "w");
	struct rooms rs;
	struct topics tp;

	(void)state;
	assert_non_null(f);
	for (int i = 0; i < TC_MAX_ROOMS + 10; i++)
		fprintf(f, "room%d\t1\ta\t\ttopic %d\n", i, i);
	fclose(f);
	rooms_init(&rs, 10);
	rooms_get_any(&rs, "lobby");
	tp = load(&rs, 0, 11);
	assert_int_equal(rs.count, TC_MAX_ROOMS);
	topics_free(&tp);
	rooms_free(&rs);
}

static void unreadable_files_refused(void **state)
{
	struct rooms rs;
	struct topics tp;
	FILE *f;

	(void)state;
	rooms_init(&rs, 10);
	f = fopen(path, "w");
	assert_non_null(f);
	for (size_t n = 0; n <= TC_TOPICS_FILE_MAX_BYTES; n += 20)
		fputs("# nineteen bytes ..\n", f);
	fclose(f);
	tp = load(&rs, -1, 0);                  /* too large */
	topics_free(&tp);
	unlink(path);
	assert_int_equal(mkfifo(path, 0600), 0);
	tp = load(&rs, -1, 0);                  /* a FIFO: refused, never waited on */
	topics_free(&tp);
	unlink(path);
	assert_int_equal(mkdir(path, 0700), 0);
	tp = load(&rs, -1, 0);
	assert_false(tp.dirty);
	assert_null(rs.list);
	topics_free(&tp);
	rooms_free(&rs);
}

/* A change is written at once, the next within TC_TOPICS_SAVE_MS by a later flush. */
static void changes_written_at_most_once_a_second(void **state)
{
	struct rooms rs;
	struct topics tp;

	(void)state;
	rooms_init(&rs, 10);
	topics_init(&tp, path);
	set(&rs, "lobby", "a", "", 1, "first");
	topics_changed(&tp, &rs);
	assert_non_null(strstr(read_back(), "\tfirst\n"));
	set(&rs, "lobby", "a", "", 2, "second");
	topics_changed(&tp, &rs);
	assert_true(tp.dirty);
	assert_non_null(strstr(read_back(), "\tfirst\n"));
	topics_flush(&tp, &rs, false);          /* not yet */
	assert_non_null(strstr(read_back(), "\tfirst\n"));
	topics_flush(&tp, &rs, true);           /* at exit */
	assert_non_null(strstr(read_back(), "\tsecond\n"));
	assert_false(tp.dirty);
	tp.saved_ms -= TC_TOPICS_SAVE_MS;       /* a second later */
	set(&rs, "lobby", "a", "", 3, "third");
	topics_changed(&tp, &rs);
	assert_non_null(strstr(read_back(), "\tthird\n"));
	topics_free(&tp);
	rooms_free(&rs);
}

static void sources(void **state)
{
	static const struct {
		const char *s;
		bool ok;
	} cases[] = {
		{ "alice!~alice@192.0.2.7", true }, { "b[20]c!nc@::1", true },
		{ "x!tcpchat@chat.example.org", true }, { "", false }, { "alice", false },
		{ "alice@host", false }, { "!u@h", false }, { "a!u", false },
		{ ":a!u@h", false }, { "a !u@h", false }, { "a!u@h\r", false },
		{ "a!u@h\x7f", false }, { "a!u@\xc3\xa9", false },
	};
	char big[ROOM_TOPIC_SRC_MAX + 2];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (topics_source_ok(cases[i].s, strlen(cases[i].s)) != cases[i].ok)
			fail_msg("source \"%s\": want %d", cases[i].s, cases[i].ok);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[1] = '!';
	big[3] = '@';
	assert_false(topics_source_ok(big, strlen(big)));
	assert_true(topics_source_ok(big, strlen(big) - 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(save_and_load_back, each_setup),
		cmocka_unit_test_setup(missing_file_is_no_topics, each_setup),
		cmocka_unit_test_setup(newest_wins, each_setup),
		cmocka_unit_test_setup(hostile_lines_skipped_or_sanitised, each_setup),
		cmocka_unit_test_setup(no_rooms_past_the_limit, each_setup),
		cmocka_unit_test_setup(unreadable_files_refused, each_setup),
		cmocka_unit_test_setup(changes_written_at_most_once_a_second, each_setup),
		cmocka_unit_test(sources),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
