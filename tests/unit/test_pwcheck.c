/* Tests for pwcheck.c: checks run off the loop and answer on it; an unknown account
 * fails at the same cost; an address's failures make its answers wait, doubling, and
 * not another address's; at most TC_PWCHECK_PER_ADDR at once from one address; a
 * cancelled check never answers. The waits are asserted as the delay the module
 * computes (pwcheck_delay_ms), not as time measured. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <crypt.h>
#include <string.h>
#include <cmocka.h>

#include "log.h"
#include "loop.h"
#include "pwcheck.h"
#include "tclimits.h"

static char hash[256];

struct answers {
	int n, ok, wrong, busy;
	int64_t last_at;
};

static void on_answer(void *arg, enum pwcheck_result res)
{
	struct answers *a = arg;

	a->n++;
	a->ok += res == PWCHECK_OK;
	a->wrong += res == PWCHECK_WRONG;
	a->busy += res == PWCHECK_BUSY;
	a->last_at = loop_now_ms();
}

struct until {
	int *counter, want;
	int64_t deadline;
};

static void check(struct loop *loop, void *arg)
{
	struct until *u = arg;

	if (*u->counter >= u->want || loop_now_ms() > u->deadline) {
		loop_stop(loop);
		return;
	}
	loop_timer_add(loop, 2, check, u);
}

static void run_until(struct loop *loop, int *counter, int want, int ms)
{
	struct until u = { counter, want, loop_now_ms() + ms };

	loop_timer_add(loop, 0, check, &u);
	loop_run(loop);
}

static struct addrkey addr(const char *text)
{
	struct addrkey k;

	assert_int_equal(addrkey_from_text(text, &k), 0);
	return k;
}

static int setup(void **state)
{
	struct crypt_data cd;

	(void)state;
	memset(&cd, 0, sizeof(cd));
	strcpy(hash, crypt_r("s3cret", "$6$pwchecktest$", &cd));
	log_set_level(LOG_ERROR - 1);
	return 0;
}

static void right_wrong_and_unknown(void **state)
{
	struct loop *loop = loop_new();
	struct pwcheck *pc = pwcheck_new(loop);
	struct addrkey k = addr("192.0.2.1");
	struct answers a = { 0 };

	(void)state;
	pwcheck_start(pc, &k, "192.0.2.1:1", "server password", hash, true, "s3cret",
	    on_answer, &a);
	pwcheck_start(pc, &k, "192.0.2.1:1", "server password", hash, true, "nope",
	    on_answer, &a);
	/* No such operator: the hash of another is checked, and it fails all the same. */
	pwcheck_start(pc, &k, "192.0.2.1:1", "operator ghost", hash, false, "s3cret",
	    on_answer, &a);
	assert_int_equal(a.n, 0);       /* never answered from inside the call */
	run_until(loop, &a.n, 3, 5000);
	assert_int_equal(a.ok, 1);
	assert_int_equal(a.wrong, 2);
	assert_int_equal(pwcheck_stats(pc)->failed, 2);
	pwcheck_free(pc);
	loop_free(loop);
}

static void failures_make_an_address_wait_doubling(void **state)
{
	struct loop *loop = loop_new();
	struct pwcheck *pc = pwcheck_new(loop);
	struct addrkey k = addr("192.0.2.7"), other = addr("198.51.100.9");
	struct answers a = { 0 };

	(void)state;
	for (int i = 0; i < TC_PWCHECK_FREE_FAILS; i++) {
		assert_int_equal(pwcheck_delay_ms(pc, &k), 0);
		pwcheck_start(pc, &k, "x", "server password", hash, true, "bad", on_answer, &a);
		run_until(loop, &a.n, i + 1, 5000);
	}
	assert_int_equal(pwcheck_delay_ms(pc, &k), TC_PWCHECK_DELAY_MS);
	pwcheck_start(pc, &k, "x", "server password", hash, true, "bad", on_answer, &a);
	run_until(loop, &a.n, TC_PWCHECK_FREE_FAILS + 1, 5000);
	assert_int_equal(pwcheck_delay_ms(pc, &k), 2 * TC_PWCHECK_DELAY_MS);
	/* Another address is not slowed. */
	assert_int_equal(pwcheck_delay_ms(pc, &other), 0);
	/* Failures are counted when checked, before their answers wait: four at once
	 * make eight, and 250 ms doubled five times is the cap, 8 s. */
	for (int i = 0; i < TC_PWCHECK_PER_ADDR; i++)
		pwcheck_start(pc, &k, "x", "server password", hash, true, "bad", on_answer, &a);
	for (int i = 0; i < 2500 && pwcheck_stats(pc)->failed < TC_PWCHECK_FREE_FAILS + 5; i++) {
		int zero = 0;

		run_until(loop, &zero, 1, 2);
	}
	assert_int_equal(pwcheck_stats(pc)->failed, TC_PWCHECK_FREE_FAILS + 5);
	assert_int_equal(pwcheck_delay_ms(pc, &k), TC_PWCHECK_DELAY_MAX_MS);
	pwcheck_free(pc);
	loop_free(loop);
}

static void at_most_some_at_once_from_one_address(void **state)
{
	struct loop *loop = loop_new();
	struct pwcheck *pc = pwcheck_new(loop);
	struct addrkey k = addr("2001:db8:1:2::5");
	struct answers a = { 0 };

	(void)state;
	for (int i = 0; i < TC_PWCHECK_PER_ADDR + 2; i++)
		pwcheck_start(pc, &k, "x", "server password", hash, true, "s3cret", on_answer, &a);
	run_until(loop, &a.n, TC_PWCHECK_PER_ADDR + 2, 5000);
	assert_int_equal(a.busy, 2);
	assert_int_equal(a.ok, TC_PWCHECK_PER_ADDR);
	assert_int_equal(pwcheck_stats(pc)->busy, 2);
	/* Answered: the address may ask again. */
	pwcheck_start(pc, &k, "x", "server password", hash, true, "s3cret", on_answer, &a);
	run_until(loop, &a.n, TC_PWCHECK_PER_ADDR + 3, 5000);
	assert_int_equal(a.ok, TC_PWCHECK_PER_ADDR + 1);
	pwcheck_free(pc);
	loop_free(loop);
}

static void cancelled_check_never_answers(void **state)
{
	struct loop *loop = loop_new();
	struct pwcheck *pc = pwcheck_new(loop);
	struct addrkey k = addr("192.0.2.33");
	struct answers a = { 0 }, b = { 0 };
	struct pwcheck_req *r;

	(void)state;
	r = pwcheck_start(pc, &k, "x", "server password", hash, true, "s3cret", on_answer, &a);
	pwcheck_start(pc, &k, "x", "server password", hash, true, "s3cret", on_answer, &b);
	pwcheck_cancel(pc, r);
	run_until(loop, &b.n, 1, 5000);
	run_until(loop, &a.n, 1, 300);  /* and a little longer: still nothing */
	assert_int_equal(a.n, 0);
	assert_int_equal(b.ok, 1);
	/* Cancelled while waiting out its delay, and with checks running at free. */
	pwcheck_start(pc, &k, "x", "server password", hash, true, "s3cret", on_answer, &a);
	pwcheck_free(pc);
	assert_int_equal(a.n, 0);
	loop_free(loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(right_wrong_and_unknown),
		cmocka_unit_test(failures_make_an_address_wait_doubling),
		cmocka_unit_test(at_most_some_at_once_from_one_address),
		cmocka_unit_test(cancelled_check_never_answers),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
