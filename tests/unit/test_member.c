/* Unit tests for member.c: a member's defaults, its output through its dialect (put to
 * it alone, delivered through the render cache: one rendering per dialect for a whole
 * broadcast), the hello that switches the dialect, what each dialect says of echoing
 * and rooms, prompts held while closing or renaming, the ignore list, and release. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conn.h"
#include "dialect.h"
#include "member.h"
#include "room.h"
#include "tclimits.h"
#include "util.h"

static struct conn_list pending;

struct who {
	struct conn *c;
	struct member m;
};

static void who_init(struct who *w, const char *name, enum dialect_id d)
{
	w->c = conn_new(NULL, "peer", 0, &pending);
	member_init(&w->m, w->c);
	member_set_name(&w->m, name);
	w->m.state = MEMBER_CHATTING;
	w->m.dialect = (uint8_t)d;
}

static void who_free(struct who *w)
{
	member_release(&w->m);
	while (conn_pending_take(&pending) != NULL)
		;
	conn_free(w->c);
}

static const char *out(struct who *w)
{
	static char s[512];
	size_t n = buf_len(&w->c->out);

	if (n > 0)
		memcpy(s, buf_data(&w->c->out), n);
	s[n] = '\0';
	conn_sent(w->c, n);
	return s;
}

static void a_new_member_is_naming_in_nc(void **state)
{
	struct member m;

	(void)state;
	member_init(&m, NULL);
	assert_int_equal(m.dialect, DIALECT_NC);
	assert_int_equal(m.state, MEMBER_NAMING);
	assert_ptr_equal(m.home.m, &m);
	assert_null(m.room);
	assert_true(member_closing(&m));              /* no connection: nothing goes out */
	assert_int_equal(m.renames.per_minute, TC_RENAMES_PER_MINUTE);
	assert_int_equal(m.creates.per_minute, TC_ROOM_CREATES_PER_MINUTE);
	member_set_name(&m, "alice");
	assert_string_equal(m.name, "alice");
	assert_int_equal(m.namelen, 5);
	member_info(&m, "to nobody");                 /* no connection: safely nothing */
}

static void put_renders_in_the_members_dialect(void **state)
{
	struct who n, p;

	(void)state;
	who_init(&n, "n", DIALECT_NC);
	who_init(&p, "p", DIALECT_PROTO);
	member_info(&n.m, "hello");
	member_info(&p.m, "hello");
	member_error(&p.m, "oops");
	assert_string_equal(out(&n), "hello\n");
	assert_string_equal(out(&p), "INFO\thello\nERR\toops\n");
	n.c->closing = true;
	member_info(&n.m, "late");
	assert_string_equal(out(&n), "");
	n.c->closing = false;
	who_free(&n);
	who_free(&p);
}

/* One rendering per dialect for a whole broadcast: the cache holds the bytes, each
 * member gets them (nc with its own prompt after). */
static void deliver_renders_once_per_dialect(void **state)
{
	struct who a, b, p;
	struct render_cache rc = { 0 };
	struct event ev = { .type = EV_INFO, .text = "news", .len = 4 };

	(void)state;
	who_init(&a, "a", DIALECT_NC);
	who_init(&b, "bb", DIALECT_NC);
	who_init(&p, "p", DIALECT_PROTO);
	member_deliver(&a.m, &ev, &rc);
	assert_true(rc.done[DIALECT_NC]);
	assert_false(rc.done[DIALECT_PROTO]);
	ev.text = "changed";                          /* the cache is used, not the event */
	ev.len = 7;
	member_deliver(&b.m, &ev, &rc);
	member_deliver(&p.m, &ev, &rc);
	assert_string_equal(out(&a), "news\n[1970-01-01 00:00:00][a]:");
	assert_string_equal(out(&b), "news\n[1970-01-01 00:00:00][bb]:");
	assert_string_equal(out(&p), "INFO\tchanged\n");
	render_cache_reset(&rc);
	assert_false(rc.done[DIALECT_NC] || rc.done[DIALECT_PROTO]);
	member_deliver(&b.m, &ev, &rc);              /* its prompt went out: a newline first */
	assert_string_equal(out(&b), "\nchanged\n[1970-01-01 00:00:00][bb]:");
	render_cache_free(&rc);
	who_free(&a), who_free(&b), who_free(&p);
}

static void hello_switches_the_dialect_and_answers(void **state)
{
	struct who w, v;

	(void)state;
	who_init(&w, "w", DIALECT_NC);
	w.m.prompt_shown = true;                      /* after a prompt: a newline first */
	member_hello(&w.m, 1);
	assert_string_equal(out(&w), "\n+TCPCHAT\t1\n");
	assert_int_equal(w.m.dialect, DIALECT_PROTO);
	assert_false(w.m.prompt_shown);
	who_init(&v, "v", DIALECT_NC);
	member_hello(&v.m, 7);                        /* more than we speak: our highest */
	assert_string_equal(out(&v), "+TCPCHAT\t2\n");
	assert_int_equal(v.m.dialect, DIALECT_PROTO2);
	who_free(&w), who_free(&v);
}

static void what_each_dialect_says(void **state)
{
	struct member m;

	(void)state;
	member_init(&m, NULL);
	assert_false(member_echoes_own(&m));
	assert_false(member_multi_room(&m));
	m.dialect = DIALECT_PROTO;
	assert_true(member_echoes_own(&m));
	assert_false(member_multi_room(&m));
	m.dialect = DIALECT_PROTO2;
	assert_true(member_echoes_own(&m));
	assert_true(member_multi_room(&m));
	m.dialect = DIALECT_IRC;
	assert_true(member_multi_room(&m));
	assert_ptr_equal(dialect_of(&m), &dialect_irc);
}

static void no_prompt_while_renaming_or_closing(void **state)
{
	struct who w;

	(void)state;
	who_init(&w, "w", DIALECT_NC);
	w.m.renaming = (struct rename_wait *)(void *)&w;     /* a rename is out */
	member_prompt(&w.m, 0);
	assert_string_equal(out(&w), "");
	w.m.renaming = NULL;
	member_prompt(&w.m, 0);
	assert_string_equal(out(&w), "[1970-01-01 00:00:00][w]:");
	w.m.prompt_shown = false;
	w.c->closing = true;
	member_prompt(&w.m, 0);
	assert_string_equal(out(&w), "");
	w.c->closing = false;
	member_entered(&w.m);
	assert_false(w.m.prompt_shown);
	who_free(&w);
}

static void the_ignore_list_follows_renames(void **state)
{
	struct member m;

	(void)state;
	member_init(&m, NULL);
	assert_false(member_ignores(&m, "bob", 3));
	m.ignored = xcalloc(2, sizeof(*m.ignored));
	m.ignored[m.nignored++] = xstrdup("bob");
	m.ignored[m.nignored++] = xstrdup("carol");
	assert_true(member_ignores(&m, "BOB", 3));    /* without regard to case */
	assert_int_equal(member_ignore_find(&m, "carol", 5), 1);
	assert_false(member_ignores(&m, "bo", 2));    /* whole names only */
	assert_false(member_ignores(&m, "bobby", 5));
	member_ignore_rename(&m, "Bob", "robert");
	assert_false(member_ignores(&m, "bob", 3));
	assert_true(member_ignores(&m, "robert", 6));
	member_ignore_rename(&m, "dave", "x");        /* not ignored: nothing */
	assert_int_equal(m.nignored, 2);
	m.away = xstrdup("lunch");
	member_release(&m);                           /* frees the list and the away text */
	assert_null(m.ignored);
	assert_null(m.away);
	assert_int_equal(m.nignored, 0);
}

static void release_gives_back_the_rooms_still_held(void **state)
{
	struct rooms rs;
	struct member m;

	(void)state;
	rooms_init(&rs, 4);
	member_init(&m, NULL);
	room_add(&rs, rooms_get(&rs, "a"), &m);
	room_add(&rs, rooms_get(&rs, "b"), &m);
	room_add(&rs, rooms_get(&rs, "c"), &m);
	assert_non_null(m.more);
	member_release(&m);                           /* at shutdown: no chat_leave */
	assert_null(m.more);
	rooms_free(&rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_new_member_is_naming_in_nc),
		cmocka_unit_test(put_renders_in_the_members_dialect),
		cmocka_unit_test(deliver_renders_once_per_dialect),
		cmocka_unit_test(hello_switches_the_dialect_and_answers),
		cmocka_unit_test(what_each_dialect_says),
		cmocka_unit_test(no_prompt_while_renaming_or_closing),
		cmocka_unit_test(the_ignore_list_follows_renames),
		cmocka_unit_test(release_gives_back_the_rooms_still_held),
	};
	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
