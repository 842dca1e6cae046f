/* Unit tests for addrlimit.c and ratewarn.c: per-address admission, rate-limited
 * warnings. Pure: the time is passed in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "addrlimit.h"
#include "ratewarn.h"
#include "tclimits.h"

static struct addrkey key(const char *text)
{
	struct addrkey k;

	assert_int_equal(addrkey_from_text(text, &k), 0);
	return k;
}

static void at_once(void **state)
{
	struct addrlimit *al = addrlimit_new(3, 0, 0, 100);
	struct addrkey a = key("10.0.0.1"), b = key("10.0.0.2");

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(addrlimit_admit(al, &a, 0), ADDRLIMIT_OK);
	assert_int_equal(addrlimit_admit(al, &a, 0), ADDRLIMIT_AT_ONCE);
	assert_int_equal(addrlimit_admit(al, &b, 0), ADDRLIMIT_OK);
	assert_int_equal(addrlimit_count(al, &a), 3);
	addrlimit_release(al, &a, 1);
	assert_int_equal(addrlimit_admit(al, &a, 1), ADDRLIMIT_OK);
	for (int i = 0; i < 3; i++)
		addrlimit_release(al, &a, 2);
	addrlimit_release(al, &b, 2);
	assert_int_equal(addrlimit_entries(al), 0); /* no rate: freed at once */
	addrlimit_release(al, &a, 2);                /* an extra release is harmless */
	assert_int_equal(addrlimit_entries(al), 0);
	addrlimit_free(al);
}

static void ipv6_counts_per_64(void **state)
{
	struct addrlimit *al = addrlimit_new(2, 0, 0, 100);
	struct addrkey a = key("2001:db8:0:1::1"), b = key("2001:db8:0:1::2");
	struct addrkey c = key("2001:db8:0:2::1"), m = key("::ffff:10.0.0.1");
	struct addrkey v4 = key("10.0.0.1");

	(void)state;
	assert_int_equal(addrlimit_admit(al, &a, 0), ADDRLIMIT_OK);
	assert_int_equal(addrlimit_admit(al, &b, 0), ADDRLIMIT_OK);
	assert_int_equal(addrlimit_admit(al, &a, 0), ADDRLIMIT_AT_ONCE);
	assert_int_equal(addrlimit_admit(al, &c, 0), ADDRLIMIT_OK);
	assert_int_equal(addrlimit_admit(al, &m, 0), ADDRLIMIT_OK);
	assert_int_equal(addrlimit_admit(al, &v4, 0), ADDRLIMIT_OK);
	assert_int_equal(addrlimit_admit(al, &v4, 0), ADDRLIMIT_AT_ONCE);
	addrlimit_free(al);
}

static void burst_then_rate(void **state)
{
	struct addrlimit *al = addrlimit_new(0, 30, 60, 100);
	struct addrkey a = key("10.0.0.1");
	int64_t t = 1000;

	(void)state;
	for (int i = 0; i < 60; i++) {
		assert_int_equal(addrlimit_admit(al, &a, t), ADDRLIMIT_OK);
		addrlimit_release(al, &a, t);
	}
	assert_int_equal(addrlimit_admit(al, &a, t), ADDRLIMIT_RATE);
	assert_int_equal(addrlimit_admit(al, &a, t + 1999), ADDRLIMIT_RATE);
	assert_int_equal(addrlimit_admit(al, &a, t + 2000), ADDRLIMIT_OK); /* 30/min: one per 2 s */
	assert_int_equal(addrlimit_admit(al, &a, t + 2000), ADDRLIMIT_RATE);
	/* a connect loop: 5,700 tries a second for 10 s get 5 connections */
	{
		int ok = 0;

		for (int64_t ms = t + 2001; ms <= t + 12000; ms++)
			for (int j = 0; j < 6; j++)
				ok += addrlimit_admit(al, &a, ms) == ADDRLIMIT_OK;
		assert_int_equal(ok, 5);
	}
	addrlimit_free(al);
}

static void memory_is_given_back(void **state)
{
	struct addrlimit *al = addrlimit_new(4, 30, 60, 10000);
	char text[32];

	(void)state;
	for (int i = 0; i < 1000; i++) {
		struct addrkey k;

		snprintf(text, sizeof(text), "10.0.%d.%d", i / 256, i % 256);
		k = key(text);
		assert_int_equal(addrlimit_admit(al, &k, 0), ADDRLIMIT_OK);
		addrlimit_release(al, &k, 0);
	}
	assert_int_equal(addrlimit_entries(al), 1000); /* each bucket short of one token */
	addrlimit_sweep(al, 1999);
	assert_int_equal(addrlimit_entries(al), 1000);
	addrlimit_sweep(al, 2000); /* refilled: forgotten */
	assert_int_equal(addrlimit_entries(al), 0);
	addrlimit_free(al);
}

static void table_full(void **state)
{
	struct addrlimit *al = addrlimit_new(4, 30, 60, 3);
	struct addrkey a = key("10.0.0.1"), b = key("10.0.0.2"), c = key("10.0.0.3");
	struct addrkey d = key("10.0.0.4");

	(void)state;
	assert_int_equal(addrlimit_admit(al, &a, 0), ADDRLIMIT_OK);
	assert_int_equal(addrlimit_admit(al, &b, 0), ADDRLIMIT_OK);
	assert_int_equal(addrlimit_admit(al, &c, 0), ADDRLIMIT_OK);
	assert_int_equal(addrlimit_admit(al, &d, 0), ADDRLIMIT_TABLE_FULL);
	addrlimit_release(al, &b, 10); /* b is idle but remembered (bucket not full) */
	addrlimit_release(al, &a, 20);
	assert_int_equal(addrlimit_entries(al), 3);
	assert_int_equal(addrlimit_admit(al, &d, 30), ADDRLIMIT_OK); /* forgets b, the oldest */
	assert_int_equal(addrlimit_entries(al), 3);
	assert_int_equal(addrlimit_count(al, &a), 0);
	assert_int_equal(addrlimit_admit(al, &a, 30), ADDRLIMIT_OK); /* a was kept */
	addrlimit_free(al);
}

static void refused_attempts_take_no_token(void **state)
{
	struct addrlimit *al = addrlimit_new(1, 30, 2, 10);
	struct addrkey a = key("10.0.0.1");

	(void)state;
	assert_int_equal(addrlimit_admit(al, &a, 0), ADDRLIMIT_OK);
	for (int i = 0; i < 100; i++)
		assert_int_equal(addrlimit_admit(al, &a, 0), ADDRLIMIT_AT_ONCE);
	addrlimit_release(al, &a, 0);
	assert_int_equal(addrlimit_admit(al, &a, 0), ADDRLIMIT_OK);
	addrlimit_free(al);
}

static void reasons(void **state)
{
	struct addrlimit *al = addrlimit_new(TC_DEFAULT_MAX_PER_ADDR, TC_DEFAULT_ADDR_PER_MINUTE,
	    TC_DEFAULT_ADDR_BURST, 10);
	char buf[160];

	(void)state;
	assert_non_null(strstr(addrlimit_reason(al, ADDRLIMIT_AT_ONCE, buf, sizeof(buf)), "32 at once"));
	assert_non_null(strstr(addrlimit_reason(al, ADDRLIMIT_RATE, buf, sizeof(buf)), "30 a minute"));
	assert_non_null(strstr(addrlimit_reason(al, ADDRLIMIT_TABLE_FULL, buf, sizeof(buf)), "busy"));
	addrlimit_free(al);
}

static void ratewarn_window(void **state)
{
	struct ratewarn w;
	unsigned long held = 99;
	int logged = 0;

	(void)state;
	ratewarn_init(&w, 3);
	for (int i = 0; i < 100; i++)
		logged += ratewarn_allow(&w, 1000 + i, &held);
	assert_int_equal(logged, 3);
	assert_int_equal(ratewarn_pending(&w), 97);
	assert_int_equal(ratewarn_allow(&w, 60999, &held), 0);
	assert_int_equal(ratewarn_allow(&w, 61000, &held), 1); /* a new minute */
	assert_int_equal(held, 98);
	assert_int_equal(ratewarn_pending(&w), 0);
	assert_int_equal(ratewarn_allow(&w, 61001, &held), 1);
	assert_int_equal(held, 0);
	assert_int_equal(ratewarn_allow(&w, 5, &held), 1); /* the clock went back: a new window */
}

/* Issue 11 item 9: room creation counts against a per-address budget. */
static void room_creation_budget_per_address(void **state)
{
	struct addrlimit *al = addrlimit_new(8, 30, 8, 64);
	struct addrkey k, other;

	(void)state;
	assert_int_equal(addrkey_from_text("192.0.2.7", &k), 0);
	assert_int_equal(addrkey_from_text("192.0.2.8", &other), 0);
	assert_true(addrlimit_room_create(al, &k, 0));         /* not counted: not charged */
	assert_int_equal(addrlimit_admit(al, &k, 0), ADDRLIMIT_OK);
	assert_int_equal(addrlimit_admit(al, &k, 0), ADDRLIMIT_OK);   /* two connections */
	for (int i = 0; i < TC_ADDR_ROOM_CREATES_PER_MINUTE; i++)
		assert_true(addrlimit_room_create(al, &k, 1000));
	assert_false(addrlimit_room_create(al, &k, 2000));      /* shared by its connections */
	assert_int_equal(addrlimit_admit(al, &other, 0), ADDRLIMIT_OK);
	assert_true(addrlimit_room_create(al, &other, 2000));   /* another address: its own */
	assert_true(addrlimit_room_create(al, &k, 62000));      /* a minute later */
	addrlimit_free(al);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(room_creation_budget_per_address),
		cmocka_unit_test(at_once),
		cmocka_unit_test(ipv6_counts_per_64),
		cmocka_unit_test(burst_then_rate),
		cmocka_unit_test(memory_is_given_back),
		cmocka_unit_test(table_full),
		cmocka_unit_test(refused_attempts_take_no_token),
		cmocka_unit_test(reasons),
		cmocka_unit_test(ratewarn_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
