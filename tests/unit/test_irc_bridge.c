/* Unit tests for irc_bridge.c, the IRC module's front and its calls of the chat API:
 * registration through front_irc on a connection without a transport (NICK and USER
 * give the welcome burst, then the lobby's JOIN and names), PRIVMSG to a channel and to
 * a name reaching nc members and back, JOIN and PART, the numerics of refusals, the
 * server password, the 417 of an over-long line, the keep-alive PING, and the source
 * prefixes of the others. Driven without sockets (chatfix.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chatfix.h"
#include "irc_bridge.h"
#include "tclimits.h"
#include "util.h"

/* openssl passwd -6 -salt abcdefgh secret */
#define SHA512_SECRET "$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG."

static int setup(void **state)
{
	(void)state;
	fx_init(4096, 0, 16);
	fx_irc("irc.test");
	return 0;
}

/* The same with a rate limit of 20 lines a second (a burst of 40). */
static int setup_rated(void **state)
{
	(void)state;
	fx_init(4096, 20, 16);
	fx_irc("irc.test");
	return 0;
}

/* The same with 1000 messages of history kept per room (as the server by default). */
static int setup_history(void **state)
{
	(void)state;
	fx_init(4096, 0, 1000);
	fx_irc("irc.test");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_free();
	return 0;
}

static struct conn *irc_conn(void)
{
	return fx_conn_on(&front_irc, 0);
}

/* An IRC client registered as nick, its output so far dropped. */
static struct conn *irc_user(const char *nick)
{
	struct conn *c = irc_conn();
	char lines[128];

	snprintf(lines, sizeof(lines), "NICK %s\r\nUSER %s 0 * :Real %s\r\n", nick, nick, nick);
	fx_feed(c, lines);
	assert_true(session_named(fx_sess(c)));
	fx_raw(c);
	return c;
}

/* Does the output hold this line (CRLF added)? */
static void assert_line(const char *out, const char *line)
{
	char want[600];

	snprintf(want, sizeof(want), "%s\r\n", line);
	if (strstr(out, want) == NULL)
		fail_msg("no line \"%s\" in:\n%s", line, out);
}

/* --- registration ------------------------------------------------------------------- */

static void nick_and_user_give_the_welcome_then_the_lobby(void **state)
{
	struct conn *a = fx_named("alice"), *c = irc_conn();
	const char *o;

	(void)state;
	assert_int_equal(fx_sess(c)->m.dialect, DIALECT_IRC);
	assert_non_null(irc_link_of(&fx_sess(c)->m));
	fx_feed(c, "NICK ian\r\n");
	assert_string_equal(fx_raw(c), "");            /* USER still to come */
	assert_false(session_named(fx_sess(c)));
	fx_feed(c, "USER ian 0 * :Ian Irc\r\n");
	o = fx_raw(c);
	assert_int_equal(strncmp(o, ":irc.test 001 ian :Welcome to the tcpchat IRC Network ian\r\n",
	    59), 0);
	assert_line(o, ":irc.test 002 ian :Your host is irc.test, running version tcpchat-"
	    TCPCHAT_VERSION);
	assert_line(o, ":irc.test 422 ian :MOTD File is missing");
	/* The lobby after the burst: JOIN, then its names. */
	assert_non_null(strstr(o, ":irc.test 422 ian :MOTD File is missing\r\n"
	    ":ian!~ian@127.0.0.1 JOIN #lobby\r\n"
	    ":irc.test 353 ian = #lobby :alice ian\r\n"
	    ":irc.test 366 ian #lobby :End of /NAMES list\r\n"));
	assert_true(session_named(fx_sess(c)));
	assert_string_equal(fx_sess(c)->m.name, "ian");
	assert_string_equal(fx_out(a), "\nian has joined our chat...\n[T][alice]:");
	fx_done(c);
	assert_string_equal(fx_out(a), "\nian has left our chat...\n[T][alice]:");
	fx_done(a);
}

static void a_nick_in_use_is_433_then_another_registers(void **state)
{
	struct conn *a = fx_named("alice"), *c = irc_conn();
	const char *o;

	(void)state;
	fx_feed(c, "NICK Alice\r\n");                  /* names are one without regard to case */
	o = fx_raw(c);
	assert_non_null(strstr(o, " 433 "));
	assert_non_null(strstr(o, "Alice :Nickname is already in use\r\n"));
	fx_feed(c, "USER ian 0 * :Ian\r\n");
	assert_false(session_named(fx_sess(c)));
	fx_feed(c, "NICK ian\r\n");
	assert_int_equal(strncmp(fx_raw(c), ":irc.test 001 ian ", 18), 0);
	assert_true(session_named(fx_sess(c)));
	fx_done(c);
	fx_done(a);
}

static void a_server_password_must_come_first(void **state)
{
	struct conn *bad, *good;

	(void)state;
	fx_ch.cfg.password = xstrdup(SHA512_SECRET);
	fx_irc("irc.test");
	bad = irc_conn();
	fx_feed(bad, "NICK ian\r\nUSER ian 0 * :Ian\r\n");
	assert_string_equal(fx_raw(bad), ":irc.test 464 * :Password incorrect\r\n"
	    ":irc.test ERROR :Closing Link: 127.0.0.1 (Bad password)\r\n");
	assert_true(bad->closing);
	assert_false(session_named(fx_sess(bad)));
	good = irc_conn();
	fx_feed(good, "PASS secret\r\nNICK ian\r\nUSER ian 0 * :Ian\r\n");
	assert_int_equal(strncmp(fx_raw(good), ":irc.test 001 ian ", 18), 0);
	fx_done(good);
	fx_done(bad);
}

/* --- messages both ways -------------------------------------------------------------- */

static void privmsg_reaches_nc_members_and_back(void **state)
{
	struct conn *a = fx_named("alice"), *c = irc_user("ian");
	const char *o;

	(void)state;
	fx_out(a);
	fx_feed(c, "PRIVMSG #lobby :hi alice\r\n");
	assert_string_equal(fx_out(a), "\n[T][ian]:hi alice\n[T][alice]:");
	assert_string_equal(fx_raw(c), "");           /* no echo of its own line */
	fx_feed(c, "PRIVMSG alice :psst\r\n");
	assert_string_equal(fx_out(a), "\n[T][ian][private]:psst\n[T][alice]:");
	fx_feed(a, "hello irc\n");
	assert_string_equal(fx_raw(c), ":alice!nc@127.0.0.1 PRIVMSG #lobby :hello irc\r\n");
	fx_feed(a, "/msg ian just you\n");
	o = fx_raw(c);
	assert_string_equal(o, ":alice!nc@127.0.0.1 PRIVMSG ian :just you\r\n");
	fx_done(c);
	fx_done(a);
}

static void notice_reaches_nc_members_as_a_message(void **state)
{
	struct conn *a = fx_named("alice"), *c = irc_user("ian");

	(void)state;
	fx_out(a);
	fx_feed(c, "NOTICE #lobby :fyi\r\n");
	assert_string_equal(fx_out(a), "\n[T][ian]:fyi\n[T][alice]:");
	fx_done(c);
	fx_done(a);
}

static void join_and_part_a_second_channel(void **state)
{
	struct conn *a = fx_named("alice"), *c = irc_user("ian");

	(void)state;
	fx_feed(a, "/join dev\n");
	assert_string_equal(fx_raw(c), ":alice!nc@127.0.0.1 PART #lobby :went to #dev\r\n");
	fx_out(a);
	fx_feed(c, "JOIN #dev\r\n");
	assert_string_equal(fx_raw(c), ":ian!~ian@127.0.0.1 JOIN #dev\r\n"
	    ":irc.test 353 ian = #dev :alice ian\r\n"
	    ":irc.test 366 ian #dev :End of /NAMES list\r\n");
	assert_true(member_in(&fx_sess(c)->m, rooms_find(&fx_ch.rooms, "lobby")));
	assert_true(member_in(&fx_sess(c)->m, rooms_find(&fx_ch.rooms, "dev")));
	assert_string_equal(fx_out(a), "\nian joined room dev\n[T][alice]:");
	fx_feed(c, "JOIN #dev\r\n");                   /* already in it: nothing */
	assert_string_equal(fx_raw(c), "");
	fx_feed(c, "PART #dev\r\n");
	assert_string_equal(fx_raw(c), ":ian!~ian@127.0.0.1 PART #dev\r\n");
	assert_false(member_in(&fx_sess(c)->m, rooms_find(&fx_ch.rooms, "dev")));
	assert_string_equal(fx_out(a), "\nian left room dev\n[T][alice]:");
	fx_done(c);
	fx_done(a);
}

/* --- refusals, as numerics ------------------------------------------------------------ */

static void refusals_are_numerics(void **state)
{
	struct conn *a = fx_named("alice"), *c = irc_user("ian");

	(void)state;
	fx_feed(a, "/join dev\n");
	fx_raw(c);
	fx_out(a);
	fx_feed(c, "PRIVMSG nobody :x\r\n");
	assert_string_equal(fx_raw(c), ":irc.test 401 ian nobody :No such nick/channel\r\n");
	fx_feed(c, "PRIVMSG #nowhere :x\r\n");
	assert_string_equal(fx_raw(c), ":irc.test 403 ian #nowhere :No such channel\r\n");
	fx_feed(c, "PART #nowhere\r\n");
	assert_string_equal(fx_raw(c), ":irc.test 403 ian #nowhere :No such channel\r\n");
	fx_feed(c, "PART #dev\r\n");                   /* it exists; ian is not in it */
	assert_non_null(strstr(fx_raw(c), ":irc.test 442 ian #dev "));
	fx_feed(c, "PRIVMSG #dev :x\r\n");
	assert_non_null(strstr(fx_raw(c), ":irc.test 404 ian #dev "));
	fx_feed(c, "KICK #lobby alice :x\r\n");       /* not an operator */
	assert_string_equal(fx_raw(c), ":irc.test 482 ian #lobby :You're not channel operator\r\n");
	fx_feed(c, "NICK alice\r\n");
	assert_string_equal(fx_raw(c), ":irc.test 433 ian alice :Nickname is already in use\r\n");
	fx_feed(c, "FOO bar\r\n");
	assert_string_equal(fx_raw(c), ":irc.test 421 ian FOO :Unknown command\r\n");
	fx_feed(c, "OPER root pw\r\n");                /* no --oper-file */
	assert_non_null(strstr(fx_raw(c), ":irc.test 491 ian "));
	assert_string_equal(fx_out(a), "");           /* none of it reached the others */
	fx_done(c);
	fx_done(a);
}

static void a_line_over_the_irc_limit_is_417(void **state)
{
	struct conn *c = irc_user("ian");
	char big[IRC_INPUT_MAX + 20];

	(void)state;
	memset(big, 'x', sizeof(big) - 3);
	memcpy(big + sizeof(big) - 3, "\r\n", 3);
	fx_feed(c, big);
	assert_string_equal(fx_raw(c), ":irc.test 417 ian :Input line was too long\r\n");
	assert_false(c->closing);
	fx_done(c);
}

static void a_quiet_client_is_pinged(void **state)
{
	struct conn *c = irc_user("ian");
	time_t now = time(NULL);

	(void)state;
	session_tick(&fx_ch, fx_sess(c), now + 1);
	assert_string_equal(fx_raw(c), "");
	session_tick(&fx_ch, fx_sess(c), now + TC_IRC_PING_IDLE + 1);
	assert_string_equal(fx_raw(c), ":irc.test PING irc.test\r\n");
	assert_false(c->closing);
	session_tick(&fx_ch, fx_sess(c), now + TC_IRC_PING_IDLE + TC_IRC_PING_TIMEOUT + 2);
	assert_true(c->closing);
	fx_done(c);
}

static void quit_closes_and_the_others_see_the_leave(void **state)
{
	struct conn *a = fx_named("alice"), *c = irc_user("ian");

	(void)state;
	fx_out(a);
	fx_feed(c, "QUIT :gone\r\n");
	assert_true(c->closing);
	assert_non_null(strstr(fx_raw(c), "ERROR :Closing Link: 127.0.0.1"));
	assert_false(session_named(fx_sess(c)));
	assert_null(chat_find(&fx_ch, "ian", 3));
	assert_non_null(strstr(fx_out(a), "\nian has left our chat"));   /* (a reason may follow) */
	fx_done(c);
	fx_done(a);
}

/* --- the rate limit ------------------------------------------------------------------ */

/* "PRIVMSG #lobby,bob,dave :hi" is three messages: it costs three lines of the rate
 * limit, the same target twice once. */
static void each_target_of_a_list_costs_a_line_of_the_rate_limit(void **state)
{
	struct conn *b = fx_named("bob"), *d = fx_named("dave"), *c = irc_user("ian");
	double before = fx_sess(c)->tokens;

	(void)state;
	fx_feed(c, "PRIVMSG #lobby,bob,dave,#LOBBY,bob :hi\r\n");
	assert_non_null(strstr(fx_out(b), "[ian][private]:hi"));
	assert_true(before - fx_sess(c)->tokens == 3.0);
	before = fx_sess(c)->tokens;
	fx_feed(c, "JOIN #dev,#ops\r\n");
	assert_true(before - fx_sess(c)->tokens == 2.0);
	before = fx_sess(c)->tokens;
	fx_feed(c, "PRIVMSG #dev :one\r\n");
	assert_true(before - fx_sess(c)->tokens == 1.0);
	fx_done(c);
	fx_done(d);
	fx_done(b);
}

/* A client that hangs up has what it sent handled up to one burst of tokens: a list
 * of four targets spends four of them. */
static void a_hung_up_clients_target_lists_are_paid_from_its_burst(void **state)
{
	struct conn *u[4] = { fx_named("bob"), fx_named("carol"), fx_named("dave"),
	    fx_named("erin") }, *c = irc_user("ian");
	const char *line = "PRIVMSG bob,carol,dave,erin :x\r\n", *o;
	long budget = 8;
	int seen = 0;

	(void)state;
	for (int i = 0; i < 4; i++)
		buf_append(&c->in, line, strlen(line));
	assert_int_equal(session_drain(&fx_ch, fx_sess(c), &budget), 2);
	assert_int_equal(budget, 0);
	for (o = fx_out(u[0]); (o = strstr(o, "[ian][private]:x")) != NULL; o++)
		seen++;
	assert_int_equal(seen, 2);
	fx_done(c);
	for (int i = 0; i < 4; i++)
		fx_done(u[i]);
}

/* --- memory ------------------------------------------------------------------------- */

/* The lobby's history (1 MiB, the most a room keeps) is replayed to an IRC client on
 * registration through the link's buffers; once a second they give that memory back,
 * as the connection's queues do, so an idle IRC user does not keep its replay. */
static void a_replays_buffers_are_given_back_once_a_second(void **state)
{
	struct conn *a = fx_named("alice"), *c;
	struct buf lines = { 0 };
	char text[4001];

	(void)state;
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	for (int i = 0; i < 300; i++) {
		buf_append_str(&lines, text);
		buf_putc(&lines, '\n');
	}
	fx_feed_at(a, buf_data(&lines), buf_len(&lines), 0);
	buf_free(&lines);
	c = irc_user("ian");
	assert_true(buf_len(&c->out) == 0 && c->written > 1024 * 1024);   /* the replay went out */
	assert_true(irc_link_kept(irc_link_of(&fx_sess(c)->m)) > 1024 * 1024);
	assert_true(session_trim(fx_sess(c)) > 0);
	assert_true(irc_link_kept(irc_link_of(&fx_sess(c)->m)) < 4096);
	fx_feed(c, "PRIVMSG #lobby :still here\r\n");   /* and it goes on working */
	assert_non_null(strstr(fx_out(a), "[ian]:still here"));
	fx_done(c);
	fx_done(a);
}

/* --- sources ------------------------------------------------------------------------- */

static void sources_of_the_others(void **state)
{
	struct conn *a = fx_named("alice"), *p = fx_client("bob smith", 1), *c = irc_user("ian");
	char src[200];

	(void)state;
	irc_bridge_source(fx_irc_bridge, "alice", 5, "alice", 5, src, sizeof(src));
	assert_string_equal(src, "alice!nc@127.0.0.1");
	irc_bridge_source(fx_irc_bridge, "bob smith", 9, "bob smith", 9, src, sizeof(src));
	assert_string_equal(src, "bob[20]smith!tcpchat@127.0.0.1");
	irc_bridge_source(fx_irc_bridge, "ian", 3, "ian", 3, src, sizeof(src));
	assert_string_equal(src, "ian!~ian@127.0.0.1");
	irc_bridge_source(fx_irc_bridge, "ghost", 5, "ghost", 5, src, sizeof(src));   /* not here */
	assert_string_equal(src, "ghost!tcpchat@irc.test");
	assert_string_equal(fx_irc_bridge->server, "irc.test");
	assert_null(irc_link_of(&fx_sess(a)->m));
	fx_done(c);
	fx_done(p);
	fx_done(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(nick_and_user_give_the_welcome_then_the_lobby,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(a_nick_in_use_is_433_then_another_registers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(a_server_password_must_come_first, setup, teardown),
		cmocka_unit_test_setup_teardown(privmsg_reaches_nc_members_and_back, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(notice_reaches_nc_members_as_a_message, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(join_and_part_a_second_channel, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals_are_numerics, setup, teardown),
		cmocka_unit_test_setup_teardown(a_line_over_the_irc_limit_is_417, setup, teardown),
		cmocka_unit_test_setup_teardown(a_quiet_client_is_pinged, setup, teardown),
		cmocka_unit_test_setup_teardown(quit_closes_and_the_others_see_the_leave, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(sources_of_the_others, setup, teardown),
		cmocka_unit_test_setup_teardown(a_replays_buffers_are_given_back_once_a_second,
		    setup_history, teardown),
		cmocka_unit_test_setup_teardown(each_target_of_a_list_costs_a_line_of_the_rate_limit,
		    setup_rated, teardown),
		cmocka_unit_test_setup_teardown(a_hung_up_clients_target_lists_are_paid_from_its_burst,
		    setup_rated, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
