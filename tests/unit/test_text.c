/* Unit tests for text.c, the input side of the nc and client protocol module: the
 * banner once, the name prompt, refused names counted, the server password (its
 * prompt, three wrong tries), the client's hello switching the dialect, the first line
 * sniffed for other protocols, "//" escaping a command, blank lines, a name claimed
 * across the cluster, and no control character passed on. Driven without sockets
 * (chatfix.h). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "chatfix.h"
#include "proto.h"
#include "tclimits.h"
#include "util.h"

/* openssl passwd -6 -salt abcdefgh secret */
#define SHA512_SECRET "$6$abcdefgh$ltjgWl6579NluT/Vi1nwEvcil.G5Nbc4NiXZaNGStk8PSwGfQv72N2CKPPrVACtLtip/cZ/1GM/O6IND4WQhG."

static int setup(void **state)
{
	(void)state;
	fx_init(4096, 0, 16);
	return 0;
}

static int setup_password(void **state)
{
	(void)state;
	fx_init(4096, 0, 16);
	fx_ch.cfg.password = xstrdup(SHA512_SECRET);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_free();
	return 0;
}

static struct conn *greeted(void)
{
	struct conn *c = fx_conn_on(&front_text, 0);

	session_greet(&fx_ch, fx_sess(c));
	return c;
}

/* --- the banner and naming ------------------------------------------------------------ */

static void banner_then_name_prompt_once(void **state)
{
	struct conn *c = fx_conn_on(&front_text, 0);
	const char *o;
	int n;

	(void)state;
	assert_string_equal(fx_raw(c), "");          /* nothing before the greeting */
	session_greet(&fx_ch, fx_sess(c));
	session_greet(&fx_ch, fx_sess(c));
	o = fx_raw(c);
	assert_int_equal(strncmp(o, "Welcome to TCP-Chat!\n         _nnnn_\n", 37), 0);
	assert_non_null(strstr(o, "\n     `-'       `--'\n[ENTER YOUR NAME]:"));
	assert_string_equal(o + strlen(o) - 18, "[ENTER YOUR NAME]:");
	assert_null(strstr(o + 1, "Welcome"));
	for (n = 0; *o != '\0'; o++)                /* the welcome line and 16 of penguin */
		n += *o == '\n';
	assert_int_equal(n, 17);
	fx_done(c);
}

/* Before the greeting the first line is looked at: a name is greeted, then taken. */
static void a_first_name_before_the_banner_is_taken_after_it(void **state)
{
	struct conn *c = fx_conn_on(&front_text, 0);
	const char *o;

	(void)state;
	fx_feed(c, "zed\n");
	o = fx_out(c);
	assert_int_equal(strncmp(o, "Welcome to TCP-Chat!\n", 21), 0);
	assert_non_null(strstr(o, "[ENTER YOUR NAME]:[T][zed]:"));
	assert_true(session_named(fx_sess(c)));
	fx_done(c);
}

static void refused_names_are_told_and_prompted_again(void **state)
{
	struct conn *a = fx_named("a"), *c = greeted();

	(void)state;
	fx_out(c);
	fx_feed(c, "[bad]\n");
	assert_string_equal(fx_out(c), "Name cannot contain [ or ].\n[ENTER YOUR NAME]:");
	fx_feed(c, "A\n");
	assert_string_equal(fx_out(c), "Name \"A\" is already taken.\n[ENTER YOUR NAME]:");
	fx_feed(c, "\n");
	assert_non_null(strstr(fx_out(c), "[ENTER YOUR NAME]:"));
	assert_false(session_named(fx_sess(c)));
	fx_feed(c, "b\n");
	assert_string_equal(fx_out(c), "[T][b]:");
	assert_string_equal(fx_out(a), "\nb has joined our chat...\n[T][a]:");
	fx_done(c);
	fx_done(a);
}

/* TC_MAX_NAME_TRIES refusals end the connection. */
static void too_many_refused_names_close(void **state)
{
	struct conn *c = greeted();

	(void)state;
	fx_out(c);
	for (int i = 1; i < TC_MAX_NAME_TRIES; i++) {
		fx_feed(c, "[x]\n");
		assert_string_equal(fx_out(c), "Name cannot contain [ or ].\n[ENTER YOUR NAME]:");
		assert_false(c->closing);
	}
	fx_feed(c, "[x]\nlater\n");
	assert_string_equal(fx_out(c), "Too many attempts, goodbye.\n");
	assert_true(c->closing);
	assert_string_equal(c->close_reason, "too many name attempts");
	assert_false(session_named(fx_sess(c)));
	fx_done(c);
}

/* --- the server password ------------------------------------------------------------- */

static void password_asked_before_the_name(void **state)
{
	struct conn *c = greeted();
	const char *o = fx_raw(c);

	(void)state;
	assert_string_equal(o + strlen(o) - strlen(PROTO_NC_PASS_PROMPT), PROTO_NC_PASS_PROMPT);
	assert_null(strstr(o, "[ENTER YOUR NAME]:"));
	fx_feed(c, "secret\n");
	assert_string_equal(fx_out(c), "[ENTER YOUR NAME]:");
	fx_feed(c, "bob\n");
	assert_string_equal(fx_out(c), "[T][bob]:");
	fx_done(c);
}

static void three_wrong_passwords_close(void **state)
{
	struct conn *c = greeted();

	(void)state;
	fx_out(c);
	fx_feed(c, "guess\n");
	assert_string_equal(fx_out(c), "Wrong password.\n" PROTO_NC_PASS_PROMPT);
	assert_int_equal(fx_sess(c)->m.penalty, 0);    /* charged with the line */
	fx_feed(c, "secret \n");                        /* exact, no trimming */
	assert_string_equal(fx_out(c), "Wrong password.\n" PROTO_NC_PASS_PROMPT);
	assert_false(c->closing);
	fx_feed(c, "sec\n");
	assert_string_equal(fx_out(c), "Wrong password, goodbye.\n");
	assert_true(c->closing);
	assert_string_equal(c->close_reason, "wrong password");
	fx_done(c);
}

/* A wrong password costs TC_OPER_FAIL_TOKENS tokens more than a line. */
static void a_wrong_password_costs_tokens(void **state)
{
	struct conn *c;
	double before;

	(void)state;
	fx_ch.cfg.rate_limit = 100;
	c = greeted();
	before = fx_sess(c)->tokens;
	fx_feed(c, "nope\n");
	assert_true(before - fx_sess(c)->tokens > 1 + TC_OPER_FAIL_TOKENS - 1e-9);
	assert_true(before - fx_sess(c)->tokens < 1 + TC_OPER_FAIL_TOKENS + 1e-9);
	fx_done(c);
}

/* The client's hello may come before the password: then the password is asked in
 * the client dialect (PASS?). */
static void hello_before_the_password(void **state)
{
	struct conn *c = greeted();

	(void)state;
	fx_out(c);
	fx_feed(c, "/TCPCHAT 1\n");
	assert_string_equal(fx_out(c), "\n+TCPCHAT\t1\nPASS?\t\n");
	fx_feed(c, "bad\n");
	assert_string_equal(fx_out(c), "PASS?\tWrong password.\n");
	fx_feed(c, "secret\nbot\n");
	assert_string_equal(fx_out(c), "WELCOME\tbot\tlobby\nMEMBERS\tbot\n");
	fx_done(c);
}

/* --- the client's hello ------------------------------------------------------------- */

static void hello_switches_the_dialect(void **state)
{
	struct conn *c1 = greeted(), *c2 = greeted(), *c9 = greeted(), *cx = greeted();

	(void)state;
	fx_out(c1), fx_out(c2), fx_out(c9), fx_out(cx);
	fx_feed(c1, "/TCPCHAT 1\n");
	assert_string_equal(fx_out(c1), "\n+TCPCHAT\t1\n");
	assert_int_equal(fx_sess(c1)->m.dialect, DIALECT_PROTO);
	fx_feed(c2, "/TCPCHAT 2\n");
	assert_string_equal(fx_out(c2), "\n+TCPCHAT\t2\n");
	assert_int_equal(fx_sess(c2)->m.dialect, DIALECT_PROTO2);
	fx_feed(c9, "/TCPCHAT 9\n");                  /* the highest we speak */
	assert_string_equal(fx_out(c9), "\n+TCPCHAT\t2\n");
	fx_feed(cx, "/TCPCHAT x\n");                  /* not a number: version 1 */
	assert_string_equal(fx_out(cx), "\n+TCPCHAT\t1\n");
	fx_feed(c1, "/TCPCHAT 2\n");                  /* once: the second is a name */
	assert_int_equal(fx_sess(c1)->m.dialect, DIALECT_PROTO);
	assert_non_null(strstr(fx_out(c1), "NAME?\t"));
	fx_done(c1), fx_done(c2), fx_done(c9), fx_done(cx);
}

static void hello_after_the_name_is_a_command(void **state)
{
	struct conn *a = fx_named("a");

	(void)state;
	fx_feed(a, "/TCPCHAT 1\n");
	assert_string_equal(fx_out(a), "Unknown command: /TCPCHAT (try /help)\n[T][a]:");
	assert_int_equal(fx_sess(a)->m.dialect, DIALECT_NC);
	fx_done(a);
}

/* --- the first line, sniffed ---------------------------------------------------------- */

static void an_http_request_is_answered_and_closed(void **state)
{
	struct conn *obs = fx_client("obs", 1), *c = fx_conn_on(&front_text, 0);
	const char *o;

	(void)state;
	fx_out(obs);
	fx_feed(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
	o = fx_raw(c);
	assert_int_equal(strncmp(o, "HTTP/1.0 ", 9), 0);
	assert_null(strstr(o, "Welcome"));
	assert_true(c->closing);
	assert_string_equal(c->close_reason, "HTTP request");
	assert_false(session_named(fx_sess(c)));
	assert_string_equal(fx_out(obs), "");
	fx_done(c);
	fx_done(obs);
}

static void an_irc_registration_is_pointed_at_the_irc_port(void **state)
{
	struct conn *c = fx_conn_on(&front_text, 0);

	(void)state;
	fx_ch.cfg.where.irc_port = 6667;
	fx_feed(c, "NICK bob\r\nUSER bob 0 * :Bob\r\n");
	assert_string_equal(fx_raw(c), "ERROR :This is tcpchat, a chat server that speaks IRC on "
	    "port 6667, not on this one\r\n");
	assert_true(c->closing);
	fx_done(c);
}

/* Only the first line is sniffed: after the banner, "GET / HTTP/1.1" is a name tried. */
static void only_the_first_line_is_sniffed(void **state)
{
	struct conn *c = greeted();

	(void)state;
	fx_out(c);
	fx_feed(c, "[no]\nGET / HTTP/1.1\n");
	assert_false(c->closing);
	assert_null(strstr(fx_out(c), "HTTP/1.0"));
	fx_done(c);
}

/* --- lines after the name ----------------------------------------------------------- */

static void double_slash_sends_a_line_that_starts_with_a_slash(void **state)
{
	struct conn *obs = fx_client("obs", 1), *a = fx_named("a");

	(void)state;
	fx_out(obs);
	fx_feed(a, "//help me\n");
	assert_string_equal(fx_out(obs), "MSG\tT\ta\t/help me\n");
	assert_string_equal(fx_out(a), "[T][a]:");
	fx_feed(a, "/help\n");                        /* one slash: the command */
	assert_string_equal(fx_out(obs), "");
	assert_int_equal(strncmp(fx_out(a), "Commands:\n", 10), 0);
	fx_feed(a, "///\n");
	assert_string_equal(fx_out(obs), "MSG\tT\ta\t//\n");
	fx_done(a);
	fx_done(obs);
}

static void blank_lines_say_nothing_and_prompt_again(void **state)
{
	struct conn *obs = fx_client("obs", 1), *a = fx_named("a");

	(void)state;
	fx_out(obs);
	fx_feed(a, "\n");
	assert_string_equal(fx_out(a), "[T][a]:");
	fx_feed(a, "    \r\n");
	assert_string_equal(fx_out(a), "[T][a]:");
	fx_feed(a, "\t\n");                           /* a TAB is made a space */
	assert_string_equal(fx_out(a), "[T][a]:");
	assert_string_equal(fx_out(obs), "");
	fx_feed(a, " x \n");                          /* not blank: said as typed */
	assert_string_equal(fx_out(obs), "MSG\tT\ta\t x \n");
	fx_done(a);
	fx_done(obs);
}

/* Escape sequences and controls never reach another client, in either dialect (was
 * test_regressions.c: test_controls_not_forwarded). */
static void controls_not_forwarded(void **state)
{
	static const char in[] =
	    "a\x1b[2J\x07\x08\x7f\x00z \xc2\x9b""31m \x9b \x1b]52;c;eA==\x07 t\tab\r\n";
	struct conn *alice = fx_named("alice"), *bob = fx_client("bob", 1),
	    *eve = fx_named("eve");
	const char *out;

	(void)state;
	fx_out(alice), fx_out(bob), fx_out(eve);
	assert_false(fx_feed_at(eve, in, sizeof(in) - 1, 1000));
	out = fx_raw(alice);
	assert_int_equal(first_unsafe(out, strlen(out), 0), strlen(out));
	assert_non_null(strstr(out, "[eve]:a[2Jz 31m \xef\xbf\xbd ]52;c;eA== t ab\n"));
	out = fx_raw(bob);
	assert_int_equal(first_unsafe(out, strlen(out), 1), strlen(out));
	assert_non_null(strstr(out, "\teve\ta[2Jz 31m \xef\xbf\xbd ]52;c;eA== t ab\n"));
	fx_out(eve);
	fx_done(eve);
	fx_done(bob);
	fx_done(alice);
}

static void too_long_is_told_to_the_sender_alone(void **state)
{
	struct conn *obs = fx_client("obs", 1), *p = fx_client("pat", 1);
	char big[4200];

	(void)state;
	fx_out(obs);
	memset(big, 'w', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	fx_feed(p, big);
	assert_string_equal(fx_out(p), "ERR\tLine too long (more than 4096 bytes), dropped.\n");
	assert_string_equal(fx_out(obs), "");
	fx_done(p);
	fx_done(obs);
}

/* --- a name claimed across the cluster ---------------------------------------------- */

static struct {
	chat_claim_done done;
	void *arg;
	int enters;
} claim;
static char claim_token;

static struct cluster_wait *fake_enter(void *cb, const char *name,
    chat_claim_done done, void *arg)
{
	(void)cb, (void)name;
	claim.done = done;
	claim.arg = arg;
	claim.enters++;
	return (struct cluster_wait *)(void *)&claim_token;
}

static void fake_cancel(void *cb, struct cluster_wait *w)
{
	(void)cb, (void)w;
}

static bool fake_up(void *cb)
{
	(void)cb;
	return true;
}

static const struct cluster_ops fake_cluster = {
	.enter = fake_enter, .cancel = fake_cancel, .up = fake_up,
};

/* A refused claim is a refused name; the line held meanwhile is the next try. */
static void a_name_refused_by_the_cluster_asks_again(void **state)
{
	struct conn *c = greeted();

	(void)state;
	memset(&claim, 0, sizeof(claim));
	fx_ch.cluster = (struct cluster){ &fake_cluster, NULL };
	fx_out(c);
	fx_feed(c, "bob\nrob\n");
	assert_int_equal(claim.enters, 1);
	assert_string_equal(fx_out(c), "");
	claim.done(&fx_ch, claim.arg, CHAT_CLAIM_TAKEN);
	assert_string_equal(fx_out(c), "Name \"bob\" is already taken.\n[ENTER YOUR NAME]:");
	assert_int_equal(claim.enters, 2);            /* "rob", held, is claimed now */
	claim.done(&fx_ch, claim.arg, CHAT_CLAIM_UNKNOWN);
	assert_string_equal(fx_out(c), "Name \"rob\" could not be checked with the other "
	    "servers just now; try again.\n[ENTER YOUR NAME]:");
	fx_feed(c, "rob\n");
	claim.done(&fx_ch, claim.arg, CHAT_CLAIM_OK);
	assert_string_equal(fx_out(c), "[T][rob]:");
	assert_true(session_named(fx_sess(c)));
	fx_ch.cluster = (struct cluster){ 0 };
	fx_done(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(banner_then_name_prompt_once, setup, teardown),
		cmocka_unit_test_setup_teardown(a_first_name_before_the_banner_is_taken_after_it,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(refused_names_are_told_and_prompted_again, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(too_many_refused_names_close, setup, teardown),
		cmocka_unit_test_setup_teardown(password_asked_before_the_name, setup_password,
		    teardown),
		cmocka_unit_test_setup_teardown(three_wrong_passwords_close, setup_password,
		    teardown),
		cmocka_unit_test_setup_teardown(a_wrong_password_costs_tokens, setup_password,
		    teardown),
		cmocka_unit_test_setup_teardown(hello_before_the_password, setup_password, teardown),
		cmocka_unit_test_setup_teardown(hello_switches_the_dialect, setup, teardown),
		cmocka_unit_test_setup_teardown(hello_after_the_name_is_a_command, setup, teardown),
		cmocka_unit_test_setup_teardown(an_http_request_is_answered_and_closed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(an_irc_registration_is_pointed_at_the_irc_port,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(only_the_first_line_is_sniffed, setup, teardown),
		cmocka_unit_test_setup_teardown(double_slash_sends_a_line_that_starts_with_a_slash,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(blank_lines_say_nothing_and_prompt_again, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(controls_not_forwarded, setup, teardown),
		cmocka_unit_test_setup_teardown(too_long_is_told_to_the_sender_alone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(a_name_refused_by_the_cluster_asks_again, setup,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
