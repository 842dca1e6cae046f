/* Unit tests for attention.c: /away (set, cut, back), /whois (rooms, idle, since, away;
 * unknown names), /ignore and /unignore (not oneself, no one unknown, no duplicates, a
 * limit; messages and private messages held back) and /names (the current room, a named
 * one, bad and unknown rooms). Replies are read as client records (chatfix.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "attention.h"
#include "chatfix.h"
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

static void away_is_set_shown_and_cleared(void **state)
{
	struct conn *a = fx_client("a", 1), *b = fx_client("b", 1);

	(void)state;
	fx_out(a);
	fx_feed(b, "/away lunch, back at 2\n");
	assert_string_equal(fx_out(b), "INFO\tYou are marked away.\n");
	assert_string_equal(fx_sess(b)->m.away, "lunch, back at 2");
	fx_feed(a, "/msg b are you there\n");
	assert_string_equal(fx_out(a), "INFO\tb is away: lunch, back at 2\n"
	    "PRIV\tT\ta\tb\tare you there\n");
	assert_string_equal(fx_out(b), "PRIV\tT\ta\tb\tare you there\n");  /* delivered all the same */
	fx_feed(b, "/away\n");
	assert_string_equal(fx_out(b), "INFO\tYou are back.\n");
	assert_null(fx_sess(b)->m.away);
	fx_feed(a, "/msg b now?\n");
	assert_string_equal(fx_out(a), "PRIV\tT\ta\tb\tnow?\n");
	fx_done(b), fx_done(a);
}

/* An away text is cut at TC_AWAY_MAX bytes, never inside a character. */
static void a_long_away_text_is_cut_at_a_character(void **state)
{
	struct conn *b = fx_client("b", 1);
	char line[TC_AWAY_MAX + 40] = "/away x";
	const char *away;

	(void)state;
	for (int i = 0; i < TC_AWAY_MAX / 3 + 5; i++)
		strcat(line, "\xe6\x97\xa5");             /* 1 + 3k bytes: the cut falls inside one */
	strcat(line, "\n");
	fx_feed(b, line);
	away = fx_sess(b)->m.away;
	assert_non_null(away);
	assert_true(strlen(away) <= TC_AWAY_MAX);
	assert_true(strlen(away) > TC_AWAY_MAX - 3);
	assert_int_equal(first_unsafe(away, strlen(away), 0), strlen(away));
	fx_done(b);
}

static void whois_says_where_since_and_away(void **state)
{
	struct conn *a = fx_client("a", 1), *b = fx_client("b", 2);
	char want[200], since[32];
	const char *o;
	struct tm tm;

	(void)state;
	fx_feed(b, "/join dev\n/away out\n");
	gmtime_r(&fx_sess(b)->m.since, &tm);
	strftime(since, sizeof(since), "%Y-%m-%d %H:%M UTC", &tm);
	fx_sess(b)->m.active = time(NULL) - 125;        /* its last message, 2m5s ago */
	fx_out(a);
	fx_feed(a, "/whois B\n");
	o = fx_out(a);
	snprintf(want, sizeof(want), "INFO\tb: in lobby, dev; idle 2m %ds; here since %s; "
	    "away: out\n", strstr(o, "2m 6s") != NULL ? 6 : 5, since);   /* a second may tick */
	assert_string_equal(o, want);
	fx_feed(a, "/whois nobody\n");
	assert_string_equal(fx_out(a), "ERR\tNo such user: nobody\n");
	fx_done(b), fx_done(a);
}

static void whois_of_someone_just_active(void **state)
{
	struct conn *a = fx_client("a", 1);
	const char *o;

	(void)state;
	fx_feed(a, "hi\n/whois a\n");
	o = fx_out(a);
	assert_non_null(strstr(o, "INFO\ta: in lobby; idle 0s; here since "));
	assert_null(strstr(o, "away"));
	fx_done(a);
}

static void ignore_holds_back_messages_and_private_ones(void **state)
{
	struct conn *a = fx_client("a", 1), *b = fx_client("b", 1);

	(void)state;
	fx_out(a);
	fx_feed(a, "/ignore B\n");
	assert_string_equal(fx_out(a), "INFO\tYou ignore b (their messages are not shown to you).\n");
	fx_feed(a, "/ignore b\n");                      /* again: no second entry */
	assert_int_equal(fx_sess(a)->m.nignored, 1);
	fx_out(a);
	fx_feed(b, "in the room\n/msg a in private\n");
	assert_string_equal(fx_out(a), "");
	fx_feed(b, "/name bee\n");                      /* notices still come */
	assert_string_equal(fx_out(a), "RENAME\tT\tb\tbee\n");
	fx_feed(a, "/unignore b\n");                    /* the old name is not ignored now */
	assert_string_equal(fx_out(a), "ERR\tYou do not ignore anyone of that name.\n");
	fx_feed(a, "/unignore BEE\n");
	assert_string_equal(fx_out(a), "INFO\tYou see bee's messages again.\n");
	assert_int_equal(fx_sess(a)->m.nignored, 0);
	fx_feed(b, "back\n");
	assert_string_equal(fx_out(a), "MSG\tT\tbee\tback\n");
	fx_done(b), fx_done(a);
}

static void ignore_refuses_oneself_and_strangers(void **state)
{
	struct conn *a = fx_client("a", 1);

	(void)state;
	fx_feed(a, "/ignore a\n");
	assert_string_equal(fx_out(a), "ERR\tYou cannot ignore yourself.\n");
	fx_feed(a, "/ignore ghost\n");
	assert_string_equal(fx_out(a), "ERR\tNo such user.\n");
	assert_int_equal(fx_sess(a)->m.nignored, 0);
	fx_done(a);
}

static void ignore_has_a_limit(void **state)
{
	struct conn *a = fx_client("a", 1), *c[TC_IGNORE_MAX + 1];
	char name[16], line[32];

	(void)state;
	for (int i = 0; i <= TC_IGNORE_MAX; i++) {
		snprintf(name, sizeof(name), "u%d", i);
		c[i] = fx_client(name, 1);
	}
	fx_out(a);
	for (int i = 0; i < TC_IGNORE_MAX; i++) {
		snprintf(line, sizeof(line), "/ignore u%d\n", i);
		fx_feed(a, line);
		assert_int_equal(strncmp(fx_out(a), "INFO\tYou ignore", 15), 0);
	}
	snprintf(line, sizeof(line), "/ignore u%d\n", TC_IGNORE_MAX);
	fx_feed(a, line);
	assert_string_equal(fx_out(a), "ERR\tYou ignore too many people already (see /unignore).\n");
	assert_int_equal(fx_sess(a)->m.nignored, TC_IGNORE_MAX);
	fx_feed(a, "/ignore u0\n");                     /* one already ignored is still fine */
	assert_int_equal(strncmp(fx_out(a), "INFO\tYou ignore u0", 18), 0);
	for (int i = 0; i <= TC_IGNORE_MAX; i++)
		fx_done(c[i]);
	fx_done(a);
}

static void names_lists_a_room(void **state)
{
	struct conn *a = fx_client("a", 1), *b = fx_client("b", 1), *n = fx_named("n");

	(void)state;
	fx_feed(b, "/join dev\n");
	fx_out(a), fx_out(n);
	fx_feed(a, "/names\n");
	assert_string_equal(fx_out(a), "MEMBERS\ta\tn\n");
	fx_feed(a, "/names dev\n");
	assert_string_equal(fx_out(a), "MEMBERS\tb\n");
	assert_ptr_equal(fx_sess(a)->m.room, rooms_find(&fx_ch.rooms, "lobby"));   /* still */
	fx_feed(n, "/names #DEV\n");
	assert_string_equal(fx_out(n), "1 in dev:\n  b\n[T][n]:");
	fx_feed(a, "/names nowhere\n");
	assert_string_equal(fx_out(a), "ERR\tNo such room.\n");
	fx_feed(a, "/names b@d\n");
	assert_string_equal(fx_out(a), "ERR\tRoom names use letters, digits, '-', '_' and '.' only.\n");
	fx_done(n), fx_done(b), fx_done(a);
}

/* The functions work on their own too, as the IRC module calls them. */
static void the_functions_alone(void **state)
{
	struct conn *a = fx_client("a", 1);
	struct member *m = &fx_sess(a)->m;

	(void)state;
	attention_away(&fx_ch, m, "afk", 3);
	assert_string_equal(m->away, "afk");
	attention_away(&fx_ch, m, "", 0);
	assert_null(m->away);
	attention_names(&fx_ch, m, "", 0);
	assert_string_equal(fx_out(a), "INFO\tYou are marked away.\nINFO\tYou are back.\n"
	    "MEMBERS\ta\n");
	fx_done(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(away_is_set_shown_and_cleared, setup, teardown),
		cmocka_unit_test_setup_teardown(a_long_away_text_is_cut_at_a_character, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(whois_says_where_since_and_away, setup, teardown),
		cmocka_unit_test_setup_teardown(whois_of_someone_just_active, setup, teardown),
		cmocka_unit_test_setup_teardown(ignore_holds_back_messages_and_private_ones, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(ignore_refuses_oneself_and_strangers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(ignore_has_a_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(names_lists_a_room, setup, teardown),
		cmocka_unit_test_setup_teardown(the_functions_alone, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
