/* Unit tests for session.c: a connection's input framed into lines (LF or CRLF, the
 * line limit), the rate limit (tokens, what a line costs, the throttle time, the
 * refill), the budget of a peer that hung up, and a wait that holds the input until
 * session_resume. The chat is driven without sockets (chatfix.h); an observer in the
 * client dialect shows exactly what was said. */
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

static int setup_small(void **state)
{
	(void)state;
	fx_init(100, 0, 10);
	return 0;
}

static int setup_rate2(void **state)
{
	(void)state;
	fx_init(4096, 2, 10);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_free();
	return 0;
}

/* --- framing ------------------------------------------------------------------------ */

static void lines_end_with_lf_or_crlf(void **state)
{
	struct conn *obs = fx_client("obs", 1), *a = fx_named("a");

	(void)state;
	fx_out(obs);
	fx_feed(a, "one\r\ntwo\nthree\r\n");
	assert_string_equal(fx_out(obs), "MSG\tT\ta\tone\nMSG\tT\ta\ttwo\nMSG\tT\ta\tthree\n");
	fx_feed(a, "par");                        /* no newline yet: nothing */
	assert_string_equal(fx_out(obs), "");
	assert_int_equal(buf_len(&a->in), 3);
	fx_feed(a, "tial\r");
	assert_string_equal(fx_out(obs), "");
	fx_feed(a, "\n");
	assert_string_equal(fx_out(obs), "MSG\tT\ta\tpartial\n");
	assert_int_equal(buf_len(&a->in), 0);
	fx_done(a);
	fx_done(obs);
}

/* The limit is on the line without its newline: 100 bytes and CRLF pass, 101 do not. */
static void line_limit_counts_bytes_before_the_newline(void **state)
{
	struct conn *obs = fx_client("obs", 1), *a = fx_named("a");
	char line[128], want[160];

	(void)state;
	fx_out(obs);
	memset(line, 'y', 100);
	strcpy(line + 100, "\r\n");
	fx_feed(a, line);
	snprintf(want, sizeof(want), "MSG\tT\ta\t%.100s\n", line);
	assert_string_equal(fx_out(obs), want);
	assert_string_equal(fx_out(a), "[T][a]:");
	memset(line, 'y', 101);
	strcpy(line + 101, "\n");
	fx_feed(a, line);
	assert_string_equal(fx_out(obs), "");
	assert_string_equal(fx_out(a), "Line too long (more than 100 bytes), dropped.\n[T][a]:");
	fx_done(a);
	fx_done(obs);
}

/* An over-long line sent in pieces: told once, as soon as it is over the limit, its
 * bytes dropped as they come (never more than the limit + 1 kept), and the line after
 * its newline is fine. */
static void over_long_line_in_pieces_is_one_error(void **state)
{
	struct conn *obs = fx_client("obs", 1), *a = fx_named("a");
	char chunk[61];

	(void)state;
	fx_out(obs);
	memset(chunk, 'z', 60);
	chunk[60] = '\0';
	fx_feed(a, chunk);
	assert_string_equal(fx_out(a), "");
	assert_int_equal(buf_len(&a->in), 60);
	fx_feed(a, chunk);                        /* 120 bytes: over 100 + 1 */
	assert_string_equal(fx_out(a), "Line too long (more than 100 bytes), dropped.\n[T][a]:");
	for (int i = 0; i < 5; i++) {
		fx_feed(a, chunk);
		assert_true(buf_len(&a->in) <= 101);
		assert_string_equal(fx_out(a), "");
	}
	fx_feed(a, "\nok\n");
	assert_string_equal(fx_out(a), "[T][a]:");
	assert_string_equal(fx_out(obs), "MSG\tT\ta\tok\n");
	fx_done(a);
	fx_done(obs);
}

/* A 4 MiB line in 16 KiB reads: one error, never more than limit + 1 bytes kept, the
 * connection still works afterwards, nobody else sees any of it (was
 * test_regressions.c: test_huge_line_not_buffered). */
static void huge_line_not_buffered(void **state)
{
	static char chunk[16384];
	struct conn *alice, *bob, *eve;
	const char *out;

	(void)state;
	fx_init(4096, 0, 16);
	alice = fx_named("alice");
	bob = fx_client("bob", 1);
	eve = fx_named("eve");
	fx_out(alice), fx_out(bob), fx_out(eve);
	memset(chunk, 'L', sizeof(chunk));
	for (int i = 0; i < 256; i++) {
		assert_false(fx_feed_at(eve, chunk, sizeof(chunk), 1000));
		assert_true(buf_len(&eve->in) <= fx_ch.cfg.max_line + 1);
	}
	assert_false(fx_feed_at(eve, "\nafter\n", 7, 1000));
	out = fx_raw(eve);
	assert_non_null(strstr(out, "Line too long (more than 4096 bytes), dropped.\n"));
	assert_null(strstr(strstr(out, "Line too long") + 1, "Line too long"));
	out = fx_raw(alice);
	assert_null(strchr(out, 'L'));
	assert_non_null(strstr(out, "[eve]:after\n"));
	fx_out(bob);
	fx_done(eve);
	fx_done(bob);
	fx_done(alice);
	fx_free();
}

/* --- the rate limit ------------------------------------------------------------------ */

static void tokens_run_out_and_the_throttle_time_says_when(void **state)
{
	struct conn *obs = fx_client("obs", 1), *a = fx_named("a");
	const int burst = 2 * TC_RATE_BURST_SECONDS;
	char lines[256] = "";

	(void)state;
	fx_out(obs);
	assert_int_equal(session_burst(&fx_ch), burst);
	/* Greeted with a full bucket; the name cost one. */
	assert_true(fx_sess(a)->tokens > burst - 1 - 1e-9 && fx_sess(a)->tokens < burst - 1 + 1e-9);
	assert_int_equal(session_throttle_ms(&fx_ch, fx_sess(a)), 0);
	for (int i = 0; i < burst; i++)
		snprintf(lines + strlen(lines), sizeof(lines) - strlen(lines), "m%d\n", i);
	assert_true(fx_feed_at(a, lines, strlen(lines), 0));          /* throttled */
	assert_string_equal(fx_in(a), "m3\n");                /* the last one waits */
	assert_int_equal(session_throttle_ms(&fx_ch, fx_sess(a)), 1000 / 2 + 1);
	assert_true(fx_feed_at(a, "", 0, 400));                       /* 0.8 tokens: not yet */
	assert_int_equal(buf_len(&a->in), 3);
	assert_false(fx_feed_at(a, "", 0, 501));
	assert_int_equal(buf_len(&a->in), 0);
	assert_string_equal(fx_out(obs),
	    "MSG\tT\ta\tm0\nMSG\tT\ta\tm1\nMSG\tT\ta\tm2\nMSG\tT\ta\tm3\n");
	fx_done(a);
	fx_done(obs);
}

static void the_bucket_refills_up_to_one_burst(void **state)
{
	struct conn *a = fx_named("a");
	const double burst = 2 * TC_RATE_BURST_SECONDS;

	(void)state;
	assert_false(fx_feed_at(a, "x\n", 2, 3600 * 1000));          /* an hour later */
	assert_true(fx_sess(a)->tokens > burst - 1 - 1e-9 && fx_sess(a)->tokens < burst - 1 + 1e-9);
	assert_int_equal(fx_sess(a)->tokens_at, 3600 * 1000);
	fx_done(a);
}

static void no_rate_limit_never_throttles(void **state)
{
	struct conn *a = fx_named("a");
	char lines[4000] = "";

	(void)state;
	assert_int_equal(session_burst(&fx_ch), -1);
	for (int i = 0; i < 500; i++)
		strcat(lines, "zz\n");
	assert_false(fx_feed(a, lines));
	assert_int_equal(buf_len(&a->in), 0);
	assert_int_equal(session_throttle_ms(&fx_ch, fx_sess(a)), 0);
	fx_done(a);
}

/* A line costs one token, plus one per TC_OUTPUT_BYTES_PER_TOKEN bytes it made the
 * server send back to the sender; a penalty (a failed /oper) is added once. */
static void a_line_costs_its_output_and_its_penalty(void **state)
{
	struct conn *b = fx_named("b"), *a = fx_named("a");
	struct session *s = fx_sess(a);
	char msg[1002];
	size_t sent;

	(void)state;
	memset(msg, 'h', 1000);
	strcpy(msg + 1000, "\n");
	for (int i = 0; i < 10; i++) {           /* 10 KB of history, at leisure */
		fx_sess(b)->tokens = 4;
		fx_feed(b, msg);
	}
	fx_out(a);
	s->tokens = 4;                            /* the burst (rate 2) */
	fx_feed(a, "/history\n");
	sent = buf_len(&a->out);
	assert_true(sent > 2 * TC_OUTPUT_BYTES_PER_TOKEN);
	assert_true(4 - s->tokens > 1 + (double)(sent / TC_OUTPUT_BYTES_PER_TOKEN) - 1e-9);
	assert_true(4 - s->tokens < 1 + (double)(sent / TC_OUTPUT_BYTES_PER_TOKEN) + 1e-9);
	fx_out(a);
	s->tokens = 4;
	fx_feed(a, "/list\n");                   /* a short answer: one token */
	assert_true(4 - s->tokens > 1 - 1e-9 && 4 - s->tokens < 1 + 1e-9);
	s->tokens = 4;
	s->m.penalty = 5;
	fx_feed(a, "hello\n");
	assert_true(4 - s->tokens > 6 - 1e-9 && 4 - s->tokens < 6 + 1e-9);
	assert_int_equal(s->m.penalty, 0);
	s->tokens = 4;
	fx_feed(a, "again\n");
	assert_true(4 - s->tokens > 1 - 1e-9 && 4 - s->tokens < 1 + 1e-9);
	fx_done(a);
	fx_done(b);
}

static void an_over_long_line_costs_one_token(void **state)
{
	struct conn *a = fx_named("a");
	struct session *s = fx_sess(a);
	char big[5000];
	double before;

	(void)state;
	memset(big, 'q', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = '\0';
	before = s->tokens;
	fx_feed(a, big);
	assert_non_null(strstr(fx_out(a), "Line too long"));
	assert_true(before - s->tokens > 1 - 1e-9 && before - s->tokens < 1 + 1e-9);
	fx_done(a);
}

/* --- a peer that hung up ------------------------------------------------------------ */

static void drain_handles_the_budget_and_drops_the_rest(void **state)
{
	struct conn *obs = fx_client("obs", 1), *a = fx_named("a");
	long budget = 2;

	(void)state;
	fx_out(obs);
	buf_append_str(&a->in, "l1\nl2\nl3\nl4\nl5\nhalf");
	assert_int_equal(session_drain(&fx_ch, fx_sess(a), &budget), 3);
	assert_int_equal(budget, 0);
	assert_string_equal(fx_out(obs), "MSG\tT\ta\tl1\nMSG\tT\ta\tl2\n");
	assert_string_equal(fx_in(a), "half");    /* no newline: not a line yet */
	fx_done(a);
	fx_done(obs);
}

/* Without a rate limit the budget is -1: all of it, and the last line without its
 * newline too. */
static void input_end_handles_a_last_line_without_newline(void **state)
{
	struct conn *obs = fx_client("obs", 1), *a = fx_named("a");
	long budget = session_burst(&fx_ch);

	(void)state;
	fx_out(obs);
	assert_int_equal(budget, -1);
	buf_append_str(&a->in, "x\ny\nlast");
	assert_int_equal(session_input_end(&fx_ch, fx_sess(a), &budget), 0);
	assert_string_equal(fx_out(obs), "MSG\tT\ta\tx\nMSG\tT\ta\ty\nMSG\tT\ta\tlast\n");
	assert_int_equal(buf_len(&a->in), 0);
	fx_done(a);
	fx_done(obs);
}

/* Hung up before the banner (within the sniffing wait): greeted, then its lines. */
static void input_end_before_the_greeting_greets_first(void **state)
{
	struct conn *obs = fx_client("obs", 1), *c = fx_conn_on(&front_text, 0);
	long budget = -1;

	(void)state;
	fx_out(obs);
	assert_true(session_greet_waits(fx_sess(c)));
	buf_append_str(&c->in, "bob\nhi\n");
	assert_int_equal(session_input_end(&fx_ch, fx_sess(c), &budget), 0);
	assert_false(session_greet_waits(fx_sess(c)));
	assert_true(session_named(fx_sess(c)));
	assert_string_equal(fx_out(obs), "JOIN\tT\tbob\nMSG\tT\tbob\thi\n");
	assert_int_equal(strncmp(fx_raw(c), "Welcome to TCP-Chat!\n", 21), 0);
	fx_done(c);
	fx_done(obs);
}

static void a_closing_connection_drains_nothing(void **state)
{
	struct conn *a = fx_named("a");
	long budget = -1;

	(void)state;
	buf_append_str(&a->in, "l1\nl2\n");
	conn_close(a, "test");
	assert_int_equal(session_drain(&fx_ch, fx_sess(a), &budget), 0);
	assert_int_equal(buf_len(&a->in), 6);
	fx_done(a);
}

/* --- folded from test_attack_review.c (issue 11) ------------------------------------- */

/* Item 13: alternating /join into a room with a big history pulled ~10 MiB/s for
 * 240 bytes/s sent. What a command sends back costs tokens. */
static void history_replay_costs_tokens(void **state)
{
	struct conn *c[2];
	char msg[1100];
	int handled = 0;

	(void)state;
	fx_init(65536, 20, 1000);
	c[0] = fx_named("user0");
	c[1] = fx_named("user1");
	fx_feed(c[1], "/join big\n");
	memset(msg, 'x', 1000);
	strcpy(msg + 1000, "\n");
	for (int i = 0; i < 100; i++) {          /* about 100 KB of history, at leisure */
		fx_sess(c[1])->tokens = 10;
		fx_feed(c[1], msg);
		buf_clear(&c[0]->out);
	}
	for (int i = 0; i < 20 && !fx_feed(c[0], i % 2 ? "/join lobby\n" : "/join big\n"); i++) {
		handled++;
		buf_clear(&c[0]->out);
	}
	/* The burst is 40 lines; each replay of ~100 KB costs ~25 tokens. */
	assert_true(handled < 4);
	fx_done(c[1]);
	fx_done(c[0]);
	fx_free();
}

/* Item 2: a peer that hung up is handled up to one burst, the rest is dropped. */
static void hung_up_peer_gets_one_burst(void **state)
{
	struct conn *c;
	long budget, dropped;

	(void)state;
	fx_init(65536, 5, 1000);                 /* burst: 10 lines */
	c = fx_named("user0");
	for (int i = 0; i < 30; i++)
		buf_append_str(&c->in, "spam\n");
	budget = session_burst(&fx_ch);
	assert_int_equal(budget, 5 * TC_RATE_BURST_SECONDS);
	dropped = session_input_end(&fx_ch, fx_sess(c), &budget);
	assert_int_equal(dropped, 30 - 5 * TC_RATE_BURST_SECONDS);
	assert_int_equal(buf_len(&c->in), 0);
	fx_done(c);
	fx_free();
}

/* --- a wait holds the input ---------------------------------------------------------- */

/* The cluster's claims, faked: every entry waits until the test answers it. */
static struct {
	chat_claim_done done;
	void *arg;
	int enters, cancels;
	char name[64];
} claim;
static char claim_token;

static struct cluster_wait *fake_enter(void *cb, const char *name,
    chat_claim_done done, void *arg)
{
	(void)cb;
	claim.done = done;
	claim.arg = arg;
	claim.enters++;
	snprintf(claim.name, sizeof(claim.name), "%s", name);
	return (struct cluster_wait *)(void *)&claim_token;
}

static struct cluster_wait *fake_claim(void *cb, const char *old, const char *name,
    chat_claim_done done, void *arg)
{
	(void)cb, (void)old, (void)name, (void)done, (void)arg;
	return NULL;
}

static void fake_release(void *cb, const char *name, const char *keep)
{
	(void)cb, (void)name, (void)keep;
}

static void fake_cancel(void *cb, struct cluster_wait *w)
{
	(void)cb;
	assert_ptr_equal(w, &claim_token);
	claim.cancels++;
}

static bool fake_up(void *cb)
{
	(void)cb;
	return true;
}

static void fake_forget(void *cb, struct member *remote)
{
	(void)cb, (void)remote;
}

static const struct cluster_ops fake_cluster = {
	.enter = fake_enter, .claim = fake_claim, .release = fake_release,
	.cancel = fake_cancel, .up = fake_up, .forget = fake_forget,
};

static void a_wait_holds_the_lines_until_resumed(void **state)
{
	struct conn *obs = fx_client("obs", 1), *c = fx_conn_on(&front_text, 0);

	(void)state;
	memset(&claim, 0, sizeof(claim));
	fx_ch.cluster = (struct cluster){ &fake_cluster, NULL };
	fx_out(obs);
	session_greet(&fx_ch, fx_sess(c));
	fx_out(c);
	assert_false(fx_feed(c, "bob\nhello\n/list\n"));
	assert_int_equal(claim.enters, 1);
	assert_string_equal(claim.name, "bob");
	assert_ptr_equal(fx_sess(c)->wait, &claim_token);
	assert_string_equal(fx_in(c), "hello\n/list\n");    /* held */
	assert_false(fx_feed(c, "more\n"));
	assert_int_equal(buf_len(&c->in), strlen("hello\n/list\nmore\n"));
	assert_false(session_named(fx_sess(c)));
	assert_string_equal(fx_out(obs), "");
	claim.done(&fx_ch, claim.arg, CHAT_CLAIM_OK);   /* the answer: the name is ours */
	assert_null(fx_sess(c)->wait);
	assert_true(session_named(fx_sess(c)));
	assert_int_equal(buf_len(&c->in), 0);
	assert_string_equal(fx_out(obs), "JOIN\tT\tbob\nMSG\tT\tbob\thello\nMSG\tT\tbob\tmore\n");
	assert_non_null(strstr(fx_out(c), "2 in lobby:\n  obs\n  bob (you)\n"));
	assert_int_equal(claim.cancels, 0);
	fx_done(c);
	fx_ch.cluster = (struct cluster){ 0 };
	fx_done(obs);
}

/* Leaving while the claim is out cancels it: the answer will not come. */
static void leaving_during_a_wait_cancels_it(void **state)
{
	struct conn *c = fx_conn_on(&front_text, 0);

	(void)state;
	memset(&claim, 0, sizeof(claim));
	fx_ch.cluster = (struct cluster){ &fake_cluster, NULL };
	session_greet(&fx_ch, fx_sess(c));
	fx_feed(c, "bob\n");
	assert_ptr_equal(fx_sess(c)->wait, &claim_token);
	fx_done(c);
	assert_int_equal(claim.cancels, 1);
	fx_ch.cluster = (struct cluster){ 0 };
}

/* session_resume with nothing waiting handles what is buffered, within the tokens. */
static void resume_handles_buffered_lines_within_the_tokens(void **state)
{
	struct conn *obs = fx_client("obs", 1), *a = fx_named("a");

	(void)state;
	fx_out(obs);
	buf_append_str(&a->in, "r1\nr2\n");
	fx_sess(a)->tokens = 1.5;
	session_resume(&fx_ch, fx_sess(a));
	assert_string_equal(fx_out(obs), "MSG\tT\ta\tr1\n");
	assert_string_equal(fx_in(a), "r2\n");
	fx_done(a);
	fx_done(obs);
}

/* --- greeting ------------------------------------------------------------------------ */

static void the_text_front_waits_to_greet_and_greets_once(void **state)
{
	struct conn *c = fx_conn_on(&front_text, 0);
	const char *o;

	(void)state;
	assert_true(session_greet_waits(fx_sess(c)));
	assert_int_equal(buf_len(&c->out), 0);
	session_greet(&fx_ch, fx_sess(c));
	session_greet(&fx_ch, fx_sess(c));
	o = fx_raw(c);
	assert_int_equal(strncmp(o, "Welcome to TCP-Chat!\n", 21), 0);
	assert_null(strstr(o + 1, "Welcome"));
	assert_false(session_greet_waits(fx_sess(c)));
	fx_done(c);
}

static void the_irc_front_is_greeted_at_once(void **state)
{
	struct conn *c;

	(void)state;
	fx_irc("irc.test");
	c = fx_conn_on(&front_irc, 0);
	assert_false(session_greet_waits(fx_sess(c)));
	assert_true(fx_sess(c)->greeted);
	assert_int_equal(buf_len(&c->out), 0);         /* IRC: the client speaks first */
	fx_done(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(lines_end_with_lf_or_crlf, setup_small, teardown),
		cmocka_unit_test_setup_teardown(line_limit_counts_bytes_before_the_newline,
		    setup_small, teardown),
		cmocka_unit_test_setup_teardown(over_long_line_in_pieces_is_one_error,
		    setup_small, teardown),
		cmocka_unit_test(huge_line_not_buffered),
		cmocka_unit_test_setup_teardown(tokens_run_out_and_the_throttle_time_says_when,
		    setup_rate2, teardown),
		cmocka_unit_test_setup_teardown(the_bucket_refills_up_to_one_burst, setup_rate2,
		    teardown),
		cmocka_unit_test_setup_teardown(no_rate_limit_never_throttles, setup_small, teardown),
		cmocka_unit_test_setup_teardown(a_line_costs_its_output_and_its_penalty,
		    setup_rate2, teardown),
		cmocka_unit_test_setup_teardown(an_over_long_line_costs_one_token, setup_rate2,
		    teardown),
		cmocka_unit_test_setup_teardown(drain_handles_the_budget_and_drops_the_rest,
		    setup_small, teardown),
		cmocka_unit_test_setup_teardown(input_end_handles_a_last_line_without_newline,
		    setup_small, teardown),
		cmocka_unit_test_setup_teardown(input_end_before_the_greeting_greets_first,
		    setup_small, teardown),
		cmocka_unit_test_setup_teardown(a_closing_connection_drains_nothing, setup_small,
		    teardown),
		cmocka_unit_test(history_replay_costs_tokens),
		cmocka_unit_test(hung_up_peer_gets_one_burst),
		cmocka_unit_test_setup_teardown(a_wait_holds_the_lines_until_resumed, setup_small,
		    teardown),
		cmocka_unit_test_setup_teardown(leaving_during_a_wait_cancels_it, setup_small,
		    teardown),
		cmocka_unit_test_setup_teardown(resume_handles_buffered_lines_within_the_tokens,
		    setup_rate2, teardown),
		cmocka_unit_test_setup_teardown(the_text_front_waits_to_greet_and_greets_once,
		    setup_small, teardown),
		cmocka_unit_test_setup_teardown(the_irc_front_is_greeted_at_once, setup_small,
		    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
