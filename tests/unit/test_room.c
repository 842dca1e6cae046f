/* Unit tests for room.c: room names as typed, the rooms (found without regard to case,
 * created up to TC_MAX_ROOMS), eviction by age that never takes an occupied room or
 * the default one, tidying, members in O(1) (one room or several: the current room
 * follows), the list and the table by name in step as rooms come and go (a room made
 * again is another: its serial), and the topic news. The restart test drives a whole chat (chatfix.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "chatfix.h"
#include "room.h"
#include "tclimits.h"

static const char *check(const char *raw)
{
	static char out[ROOM_NAME_MAX_BYTES + 1];
	const char *why = room_check_name(raw, strlen(raw), out);

	return why != NULL ? why : out;
}

static void room_names_as_typed(void **state)
{
	char n32[40], n33[48];

	(void)state;
	assert_string_equal(check("dev"), "dev");
	assert_string_equal(check("#dev"), "dev");          /* IRC's '#' comes off */
	assert_string_equal(check("Dev-2_x.y"), "Dev-2_x.y");
	assert_string_equal(check(""), "Room name cannot be empty.");
	assert_string_equal(check("#"), "Room name cannot be empty.");
	assert_string_equal(check("a b"), "Room names use letters, digits, '-', '_' and '.' only.");
	assert_string_equal(check("##x"), "Room names use letters, digits, '-', '_' and '.' only.");
	assert_string_equal(check("caf\xc3\xa9"),
	    "Room names use letters, digits, '-', '_' and '.' only.");
	memset(n32, 'r', 32);
	n32[32] = '\0';
	assert_string_equal(check(n32), n32);
	memset(n33, 'r', 33);
	n33[33] = '\0';
	assert_string_equal(check(n33), "Room name is too long (at most 32 characters).");
	snprintf(n33, sizeof(n33), "#%s", n32);             /* the '#' does not count */
	assert_string_equal(check(n33), n32);
}

static void rooms_are_found_in_any_case_and_capped(void **state)
{
	struct rooms rs;
	char name[16];
	struct room *dev;

	(void)state;
	rooms_init(&rs, 10);
	dev = rooms_get(&rs, "Dev");
	assert_non_null(dev);
	assert_ptr_equal(rooms_get(&rs, "dEV"), dev);
	assert_ptr_equal(rooms_find(&rs, "dev"), dev);
	assert_string_equal(dev->name, "Dev");             /* as first named */
	assert_null(rooms_find(&rs, "other"));
	assert_int_equal(rs.count, 1);
	for (int i = 1; i < TC_MAX_ROOMS; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		assert_non_null(rooms_get(&rs, name));
	}
	assert_int_equal(rs.count, TC_MAX_ROOMS);
	assert_null(rooms_get(&rs, "one-more"));           /* full */
	assert_ptr_equal(rooms_get(&rs, "r1"), rooms_find(&rs, "r1"));   /* found still */
	assert_non_null(rooms_get_any(&rs, "replayed"));   /* the log's replay is not capped */
	assert_int_equal(rs.count, TC_MAX_ROOMS + 1);
	rooms_free(&rs);
	assert_int_equal(rs.count, 0);
	assert_null(rs.list);
}

static void members_join_and_leave_in_order(void **state)
{
	struct rooms rs;
	struct member a, b, c;
	struct room *r;
	const struct member *m;
	char seen[8] = "";

	(void)state;
	rooms_init(&rs, 10);
	r = rooms_get(&rs, "lobby");
	member_init(&a, NULL), member_init(&b, NULL), member_init(&c, NULL);
	member_set_name(&a, "a"), member_set_name(&b, "b"), member_set_name(&c, "c");
	room_add(&rs, r, &a);
	room_add(&rs, r, &b);
	room_add(&rs, r, &c);
	assert_int_equal(r->nmembers, 3);
	assert_ptr_equal(a.room, r);
	ROOM_FOREACH(r, m, it)
		strcat(seen, m->name);
	assert_string_equal(seen, "abc");
	room_remove(r, &b);
	assert_int_equal(r->nmembers, 2);
	assert_null(b.room);
	assert_false(member_in(&b, r));
	seen[0] = '\0';
	ROOM_FOREACH(r, m, it)
		strcat(seen, m->name);
	assert_string_equal(seen, "ac");
	room_remove(r, &b);                               /* not in it: nothing */
	assert_int_equal(r->nmembers, 2);
	room_remove(r, &a), room_remove(r, &c);
	assert_int_equal(r->nmembers, 0);
	assert_ptr_equal(r->members.next, &r->members);
	rooms_free(&rs);
}

/* A member of several rooms: each room its own membership; leaving the current room
 * makes another of its rooms current. */
static void several_rooms_and_the_current_one(void **state)
{
	struct rooms rs;
	struct member m;
	struct room *lobby, *dev, *ops;

	(void)state;
	rooms_init(&rs, 10);
	lobby = rooms_get(&rs, "lobby"), dev = rooms_get(&rs, "dev"), ops = rooms_get(&rs, "ops");
	member_init(&m, NULL);
	room_add(&rs, lobby, &m);
	room_add(&rs, dev, &m);
	room_add(&rs, ops, &m);
	assert_ptr_equal(m.room, ops);                    /* the last one entered */
	assert_true(member_in(&m, lobby) && member_in(&m, dev) && member_in(&m, ops));
	assert_ptr_equal(member_rooms(&m)->room, lobby);  /* home first */
	room_remove(ops, &m);
	assert_false(member_in(&m, ops));
	assert_non_null(m.room);
	assert_true(m.room == lobby || m.room == dev);
	room_remove(lobby, &m);                           /* home goes: the rest stays */
	assert_ptr_equal(m.room, dev);
	assert_ptr_equal(member_rooms(&m)->room, dev);
	room_remove(dev, &m);
	assert_null(m.room);
	assert_null(member_rooms(&m));
	assert_int_equal(lobby->nmembers + dev->nmembers + ops->nmembers, 0);
	member_release(&m);
	rooms_free(&rs);
}

static void eviction_takes_the_oldest_empty_room(void **state)
{
	struct rooms rs;
	struct member m;
	struct room *old, *young, *busy, *lobby;
	char victim[ROOM_NAME_MAX_BYTES + 1];

	(void)state;
	rooms_init(&rs, 10);
	lobby = rooms_get(&rs, TC_DEFAULT_ROOM);
	old = rooms_get(&rs, "old"), young = rooms_get(&rs, "young"), busy = rooms_get(&rs, "busy");
	lobby->active = 1, busy->active = 2, old->active = 100, young->active = 200;
	member_init(&m, NULL);
	room_add(&rs, busy, &m);
	assert_int_equal(rooms_evict(&rs, victim), 0);
	assert_string_equal(victim, "old");
	assert_null(rooms_find(&rs, "old"));
	assert_int_equal(rooms_evict(&rs, victim), 0);
	assert_string_equal(victim, "young");
	assert_int_equal(rooms_evict(&rs, victim), -1);   /* busy is occupied, lobby stays */
	assert_non_null(rooms_find(&rs, "busy"));
	assert_non_null(rooms_find(&rs, TC_DEFAULT_ROOM));
	assert_int_equal(rs.count, 2);
	room_remove(busy, &m);
	rooms_free(&rs);
}

static void drop_and_tidy_spare_what_is_used(void **state)
{
	struct rooms rs;
	struct member m;
	struct room *r;

	(void)state;
	rooms_init(&rs, 10);
	rooms_get(&rs, TC_DEFAULT_ROOM);
	r = rooms_get(&rs, "talk");
	backlog_add(&r->hist, 1, SAY_MSG, "a", 1, "hi", 2);
	rooms_tidy(&rs, r);                               /* history: kept */
	assert_non_null(rooms_find(&rs, "talk"));
	r = rooms_get(&rs, "topical");
	r->topic = strdup("news");
	rooms_tidy(&rs, r);                               /* a topic: kept */
	assert_non_null(rooms_find(&rs, "topical"));
	r = rooms_get(&rs, "empty");
	rooms_tidy(&rs, r);
	assert_null(rooms_find(&rs, "empty"));
	rooms_tidy(&rs, rooms_find(&rs, TC_DEFAULT_ROOM));
	assert_non_null(rooms_find(&rs, TC_DEFAULT_ROOM));
	r = rooms_get(&rs, "held");
	member_init(&m, NULL);
	room_add(&rs, r, &m);
	rooms_drop(&rs, "held");                          /* occupied: not dropped */
	assert_non_null(rooms_find(&rs, "held"));
	rooms_drop(&rs, TC_DEFAULT_ROOM);
	assert_non_null(rooms_find(&rs, TC_DEFAULT_ROOM));
	rooms_drop(&rs, "talk");                          /* history and all */
	assert_null(rooms_find(&rs, "talk"));
	rooms_drop(&rs, "nowhere");
	assert_int_equal(rs.count, 3);
	room_remove(r, &m);
	rooms_free(&rs);
}

/* The list and the table by name agree however rooms come and go (from the head, the
 * middle, the tail of the list); a room made again under a dropped room's name is
 * another room (its serial), with none of the old one's cluster fields. */
static void rooms_come_and_go_in_any_order(void **state)
{
	struct rooms rs;
	char name[16];
	struct room *r;
	unsigned long first;
	size_t listed = 0;

	(void)state;
	rooms_init(&rs, 10);
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		rooms_get_any(&rs, name);
	}
	for (int i = 0; i < 200; i += 3) {             /* every third, from all over the list */
		snprintf(name, sizeof(name), "R%d", i);
		rooms_drop(&rs, name);
	}
	for (const struct room *it = rooms_first(&rs); it != NULL; it = rooms_next(it)) {
		assert_ptr_equal(rooms_find(&rs, it->name), it);
		listed++;
	}
	assert_int_equal(listed, rs.count);
	assert_int_equal(rs.count, 200 - 67);
	assert_null(rooms_find(&rs, "r0"));
	assert_non_null(rooms_find(&rs, "R1"));
	r = rooms_find(&rs, "r199");                    /* the head of the list */
	first = r->serial;
	r->cluster.local = 0, r->cluster.msgs = 7;
	rooms_tidy(&rs, r);
	assert_null(rooms_find(&rs, "r199"));
	r = rooms_get_any(&rs, "r199");
	assert_true(r->serial > first);
	assert_int_equal(r->cluster.msgs, 0);
	assert_ptr_equal(rooms_first(&rs), r);
	rooms_free(&rs);
	assert_int_equal(rs.count, 0);
	assert_null(rooms_find(&rs, "r1"));
}

static void topic_news_says_who_and_what(void **state)
{
	struct room r = { .name = "dev" };
	char out[ROOM_TOPIC_NEWS_MAX];

	(void)state;
	room_topic_news(&r, "alice!", 5, out, sizeof(out));
	assert_string_equal(out, "alice cleared the topic of dev.");
	r.topic = (char *)(uintptr_t)"all about dev";
	room_topic_news(&r, "alice", 5, out, sizeof(out));
	assert_string_equal(out, "alice set the topic of dev: all about dev");
}

/* Issue 11 items 6 and 9 (folded from test_attack_review.c): eviction is by age, an
 * occupied room is never evicted, and a restart replays exactly the rooms and history
 * the live server had. */
static void restart_keeps_the_rooms_eviction_left(void **state)
{
	char path[] = "/tmp/tcpchat-review-XXXXXX", line[64], err[256];
	int fd = mkstemp(path);
	struct chat after;
	struct conn *c[2];

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	fx_init(65536, 0, 1000);
	c[0] = fx_named("user0");
	c[1] = fx_named("user1");
	assert_int_equal(chat_open_log(&fx_ch, path, err, sizeof(err)), 0);
	fx_feed(c[1], "/join kept\n");
	fx_feed(c[1], "precious\n");
	for (int i = 0; i < TC_MAX_ROOMS + 20; i++) {   /* user0 cycles through rooms */
		ratewarn_init(&fx_sess(c[0])->m.creates, TC_ROOM_CREATES_PER_MINUTE);
		snprintf(line, sizeof(line), "/join r%d\nhello %d\n", i, i);
		fx_feed(c[0], line);
		buf_clear(&c[0]->out);
		buf_clear(&c[1]->out);
	}
	assert_non_null(rooms_find(&fx_ch.rooms, "kept"));  /* occupied: never evicted */
	chat_flush_log(&fx_ch);
	chat_init(&after, 65536, 0, 1000);
	assert_int_equal(chat_replay_log(&after, path, err, sizeof(err)), 0);
	assert_int_equal(after.rooms.count, fx_ch.rooms.count);
	for (const struct room *r = fx_ch.rooms.list; r != NULL; r = r->next) {
		const struct room *a = rooms_find(&after.rooms, r->name);

		assert_non_null(a);
		assert_int_equal(a->hist.count, r->hist.count);
	}
	assert_int_equal(rooms_find(&after.rooms, "kept")->hist.count, 1);
	chat_free(&after);
	fx_done(c[1]);
	fx_done(c[0]);
	fx_free();
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(room_names_as_typed),
		cmocka_unit_test(rooms_are_found_in_any_case_and_capped),
		cmocka_unit_test(members_join_and_leave_in_order),
		cmocka_unit_test(several_rooms_and_the_current_one),
		cmocka_unit_test(eviction_takes_the_oldest_empty_room),
		cmocka_unit_test(drop_and_tidy_spare_what_is_used),
		cmocka_unit_test(rooms_come_and_go_in_any_order),
		cmocka_unit_test(topic_news_says_who_and_what),
		cmocka_unit_test(restart_keeps_the_rooms_eviction_left),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
