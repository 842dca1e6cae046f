/* Unit tests for render.c: what each record shows in plain mode and on the screen. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "render.h"

/* The plain line of a record of dialect version `version`. */
static const char *plain_v(const char *line, const char *me, int version)
{
	static char out[256];
	char buf[256];
	struct proto_rec rec;
	struct render_view v;

	snprintf(buf, sizeof(buf), "%s", line);
	proto_parse_v(buf, version, &rec);
	if (!render_record(&rec, RENDER_PLAIN, me, &v))
		return NULL;
	snprintf(out, sizeof(out), "%s", v.text);
	render_view_free(&v);
	return out;
}

static const char *plain(const char *line, const char *me)
{
	return plain_v(line, me, 1);
}

static const char *plain2(const char *line, const char *me)
{
	return plain_v(line, me, 2);
}

static void plain_lines(void **state)
{
	(void)state;
	assert_string_equal(plain("MSG\tT\tbob\thi", "eve"), "[T][bob]:hi");
	assert_null(plain("MSG\tT\teve\thi", "eve"));
	assert_string_equal(plain("HIST\tT\teve\thi", "eve"), "[T][eve]:hi");
	assert_string_equal(plain("PRIV\tT\teve\tbob\tpsst", "eve"), "[T][to bob][private]:psst");
	assert_string_equal(plain("PRIV\tT\tbob\teve\tpsst", "eve"), "[T][bob][private]:psst");
	assert_string_equal(plain("JOIN\tT\tbob", NULL), "bob has joined our chat...");
	assert_string_equal(plain("LEAVE\tT\tbob", NULL), "bob has left our chat...");
	assert_string_equal(plain("JOIN\tT\tbob\tlobby", NULL), "bob came from room lobby");
	assert_string_equal(plain("LEAVE\tT\tbob\tdev", "bob"), "bob went to room dev");
	assert_string_equal(plain("LEAVE\tT\tbob\t\tQuit: gone fishing", NULL),
	    "bob has left our chat... (Quit: gone fishing)");     /* a reason (version 2) */
	assert_string_equal(plain("LEAVE\tT\tbob\t\t", NULL), "bob has left our chat...");
	assert_string_equal(plain("WELCOME\teve\tlobby", NULL), "*** You are eve, in room lobby");
	assert_string_equal(plain("MEMBERS\ta\tb c", NULL), "*** In the room: a, b c");
	assert_string_equal(plain("MEMBERS", NULL), "*** In the room:");
	assert_string_equal(plain("ERR\toops", NULL), "*** oops");
	assert_string_equal(plain("INFO\tx", NULL), "x");
	assert_null(plain("NOPE\tx", NULL));
}

static void screen_views(void **state)
{
	char buf[] = "PRIV\tT\tbob\teve\tpsst";
	char own[] = "MSG\tT\teve\thi";
	char members[] = "MEMBERS\ta";
	char said[] = "LEAVE\tT\tbob\t\tsee you";
	struct proto_rec rec;
	struct render_view v;

	(void)state;
	proto_parse(buf, &rec);
	assert_true(render_record(&rec, RENDER_SCREEN, "eve", &v));
	assert_int_equal(v.kind, RENDER_PRIV);
	assert_string_equal(v.time, "T");
	assert_string_equal(v.name, "bob -> eve");
	assert_string_equal(v.text, "psst");
	render_view_free(&v);
	proto_parse(own, &rec);
	assert_true(render_record(&rec, RENDER_SCREEN, "eve", &v));
	assert_int_equal(v.kind, RENDER_OWN);
	render_view_free(&v);
	proto_parse(members, &rec);
	assert_false(render_record(&rec, RENDER_SCREEN, "eve", &v));
	proto_parse(said, &rec);
	assert_true(render_record(&rec, RENDER_SCREEN, "eve", &v));
	assert_int_equal(v.kind, RENDER_NOTICE);
	assert_string_equal(v.text, "bob has left (see you)");
	render_view_free(&v);
}

/* Issue 20 point 3: an action record shows "* NAME TEXT" in plain mode (no time, as the
 * nc line) and on the screen (an action of "NAME TEXT", without a name column). */
static void action_records(void **state)
{
	char room[] = "ACTION\tlobby\tT\tbob\twaves";
	char own[] = "ACTION\tlobby\tT\teve\twaves";
	struct proto_rec rec;
	struct render_view v;

	(void)state;
	assert_string_equal(plain2("ACTION\tlobby\tT\tbob\twaves", "eve"), "* bob waves");
	assert_null(plain2("ACTION\tlobby\tT\teve\twaves", "eve"));   /* our own */
	assert_string_equal(plain2("HISTACTION\tlobby\tT\teve\tnods", "eve"), "* eve nods");
	assert_string_equal(plain2("PRIVACTION\tT\tbob\teve\twinks", "eve"),
	    "[private] * bob winks");
	assert_string_equal(plain2("PRIVACTION\tT\teve\tbob\twinks", "eve"),
	    "[to bob][private] * eve winks");
	assert_string_equal(plain2("MSG\tlobby\tT\tbob\t/me waves", "eve"), "[T][bob]:/me waves");
	proto_parse_v(room, 2, &rec);
	assert_true(render_record(&rec, RENDER_SCREEN, "eve", &v));
	assert_true(v.action);
	assert_int_equal(v.kind, RENDER_MSG);
	assert_string_equal(v.time, "T");
	assert_null(v.name);
	assert_string_equal(v.text, "bob waves");
	render_view_free(&v);
	proto_parse_v(own, 2, &rec);
	assert_true(render_record(&rec, RENDER_SCREEN, "eve", &v));
	assert_true(v.action);
	assert_int_equal(v.kind, RENDER_OWN);
	render_view_free(&v);
}

static void mentions(void **state)
{
	(void)state;
	assert_true(render_mentions("hi alice", "alice"));
	assert_true(render_mentions("ALICE: look", "alice"));
	assert_true(render_mentions("(Alice)", "alice"));
	assert_true(render_mentions("hey Jean Luc!", "jean luc"));
	assert_false(render_mentions("malice aforethought", "alice"));
	assert_false(render_mentions("alice_b", "alice"));
	assert_false(render_mentions("alices", "alice"));
	assert_false(render_mentions("alic", "alice"));
	assert_false(render_mentions("aliceé", "alice"));
	assert_true(render_mentions("x alice2 alice", "alice"));
	assert_false(render_mentions("alice", NULL));
	assert_false(render_mentions("alice", ""));
}

static void actions(void **state)
{
	(void)state;
	assert_string_equal(render_action("bob", "* bob waves"), "bob waves");
	assert_null(render_action("eve", "* bob waves"));      /* not in another's name */
	assert_null(render_action("bob", "* bobby waves"));
	assert_null(render_action("bob", "* bob "));
	assert_null(render_action("bob", "bob waves"));
	assert_null(render_action(NULL, "* bob waves"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_lines),
		cmocka_unit_test(screen_views),
		cmocka_unit_test(mentions),
		cmocka_unit_test(actions),
		cmocka_unit_test(action_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
