/* test_client_members.c: the client's list of names in the room. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "client_members.h"

static void test_add_remove_rename(void **state)
{
	struct client_members m = { 0 };
	char **copy;

	(void)state;
	client_members_add(&m, "alice");
	client_members_add(&m, "bob");
	client_members_add(&m, "alice");
	assert_int_equal(m.n, 2);
	client_members_rename(&m, "bob", "robert");
	client_members_remove(&m, "nobody");
	client_members_remove(&m, "alice");
	assert_int_equal(m.n, 1);
	copy = client_members_copy(&m);
	assert_string_equal(copy[0], "robert");
	assert_null(copy[1]);
	free(copy[0]);
	free(copy);
	client_members_clear(&m);
	assert_int_equal(m.n, 0);
	for (int i = 0; i < 100; i++) {
		char name[16];

		snprintf(name, sizeof(name), "n%d", i);
		client_members_add(&m, name);
	}
	assert_int_equal(m.n, 100);
	client_members_clear(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_remove_rename),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
