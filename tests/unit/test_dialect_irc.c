/* Unit tests for dialect_irc.c: chat events as IRC lines, rendered per viewer. The
 * server-time tag only for a client that asked for it; messages and private messages as
 * PRIVMSG (a NOTICE stays a NOTICE), sources nick!user@host with the nick of a name
 * that holds a space; an nc user's room switch as PART and JOIN; a rename or a leave
 * told in several of the viewer's channels as one NICK or one QUIT. The IRC clients
 * register through front_irc on connections without a transport (chatfix.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "chatfix.h"
#include "dialect.h"
#include "irc_bridge.h"

static int setup(void **state)
{
	(void)state;
	fx_init(4096, 0, 16);
	fx_irc("irc.test");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_free();
	return 0;
}

/* An IRC client registered as nick (with the server-time cap when tags), output dropped. */
static struct conn *irc_user(const char *nick, bool tags)
{
	struct conn *c = fx_conn_on(&front_irc, 0);
	char lines[200];

	snprintf(lines, sizeof(lines), "%sNICK %s\r\nUSER %s 0 * :%s\r\n%s",
	    tags ? "CAP LS 302\r\n" : "", nick, nick, nick,
	    tags ? "CAP REQ :server-time\r\nCAP END\r\n" : "");
	fx_feed(c, lines);
	assert_true(session_named(fx_sess(c)));
	fx_raw(c);
	return c;
}

static int count(const char *s, const char *what)
{
	int n = 0;

	for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
		n++;
	return n;
}

/* "@time=YYYY-MM-DDTHH:MM:SS.000Z " at the start of s. */
static bool has_time_tag(const char *s)
{
	return strncmp(s, "@time=", 6) == 0 && strlen(s) > 31 && s[16] == 'T' &&
	    strncmp(s + 25, ".000Z ", 6) == 0;
}

static void the_time_tag_is_for_who_asked(void **state)
{
	struct conn *a = fx_named("alice"), *tagged = irc_user("tim", true),
	    *plain = irc_user("pat", false);
	const char *o;

	(void)state;
	fx_raw(tagged);                               /* pat's JOIN */
	fx_feed(a, "hi all\n");
	o = fx_raw(tagged);
	assert_true(has_time_tag(o));
	assert_string_equal(o + 31, ":alice!nc@127.0.0.1 PRIVMSG #lobby :hi all\r\n");
	assert_string_equal(fx_raw(plain), ":alice!nc@127.0.0.1 PRIVMSG #lobby :hi all\r\n");
	fx_done(plain), fx_done(tagged), fx_done(a);
}

static void messages_private_and_notices(void **state)
{
	struct conn *a = fx_named("alice"), *b = fx_client("bob smith", 1),
	    *i = irc_user("ian", false), *j = irc_user("jo", false);

	(void)state;
	fx_raw(i);                                    /* jo's JOIN */
	fx_feed(a, "/msg ian psst\n");
	assert_string_equal(fx_raw(i), ":alice!nc@127.0.0.1 PRIVMSG ian psst\r\n");
	assert_string_equal(fx_raw(j), "");           /* private: ian alone */
	fx_feed(b, "word\n");                         /* a name with a space: its nick */
	assert_string_equal(fx_raw(i), ":bob[20]smith!tcpchat@127.0.0.1 PRIVMSG #lobby word\r\n");
	fx_raw(j);
	fx_feed(j, "NOTICE #lobby :heads up\r\n");    /* a notice stays a notice */
	assert_string_equal(fx_raw(i), ":jo!~jo@127.0.0.1 NOTICE #lobby :heads up\r\n");
	fx_feed(j, "NOTICE ian :just you\r\n");
	assert_string_equal(fx_raw(i), ":jo!~jo@127.0.0.1 NOTICE ian :just you\r\n");
	fx_done(j), fx_done(i), fx_done(b), fx_done(a);
}

static void a_room_switch_is_part_then_join(void **state)
{
	struct conn *a = fx_named("alice"), *i = irc_user("ian", false);

	(void)state;
	fx_feed(i, "JOIN #dev\r\n");
	fx_raw(i);
	fx_feed(a, "/join dev\n");
	assert_string_equal(fx_raw(i), ":alice!nc@127.0.0.1 PART #lobby :went to #dev\r\n"
	    ":alice!nc@127.0.0.1 JOIN #dev\r\n");
	fx_feed(a, "/name al\n");
	assert_string_equal(fx_raw(i), ":alice!nc@127.0.0.1 NICK al\r\n");
	fx_done(i), fx_done(a);
}

/* A member in two of the viewer's channels renames or leaves: told in each room, one
 * NICK and one QUIT for the viewer. */
static void one_nick_and_one_quit_for_several_channels(void **state)
{
	struct conn *c = fx_client("carol", 2), *i = irc_user("ian", false);
	const char *o;

	(void)state;
	fx_feed(c, "/join dev\n");
	fx_feed(i, "JOIN #dev\r\n");
	fx_raw(i);
	assert_true(member_in(&fx_sess(c)->m, rooms_find(&fx_ch.rooms, "lobby")));
	fx_feed(c, "/name caro\n");
	o = fx_raw(i);
	assert_string_equal(o, ":carol!tcpchat@127.0.0.1 NICK caro\r\n");
	fx_done(c);
	o = fx_raw(i);
	assert_int_equal(count(o, " QUIT"), 1);
	assert_int_equal(strncmp(o, ":caro!tcpchat@127.0.0.1 QUIT", 28), 0);
	assert_int_equal(count(o, "\r\n"), 1);
	fx_done(i);
}

/* The IRC viewer's own lines are not echoed back by the dialect (IRC clients show
 * their own), while an nc user in the room gets them. */
static void own_messages_are_not_echoed(void **state)
{
	struct conn *a = fx_named("alice"), *i = irc_user("ian", true);

	(void)state;
	fx_out(a);
	fx_feed(i, "PRIVMSG #lobby :mine\r\n");
	assert_string_equal(fx_raw(i), "");
	assert_string_equal(fx_out(a), "\n[T][ian]:mine\n[T][alice]:");
	fx_done(i), fx_done(a);
}

static void what_the_dialect_says_of_itself(void **state)
{
	(void)state;
	assert_string_equal(dialect_irc.name, "irc");
	assert_true(dialect_irc.per_viewer);
	assert_true(dialect_irc.multi_room);
	assert_false(dialect_irc.echo_own);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(the_time_tag_is_for_who_asked, setup, teardown),
		cmocka_unit_test_setup_teardown(messages_private_and_notices, setup, teardown),
		cmocka_unit_test_setup_teardown(a_room_switch_is_part_then_join, setup, teardown),
		cmocka_unit_test_setup_teardown(one_nick_and_one_quit_for_several_channels, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(own_messages_are_not_echoed, setup, teardown),
		cmocka_unit_test(what_the_dialect_says_of_itself),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
