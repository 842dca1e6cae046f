/* Unit tests for names.c: name rules and the case-insensitive table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "names.h"

static const char *check(const char *raw, char *out)
{
	return names_check(raw, strlen(raw), out);
}

static void rules(void **state)
{
	char out[NAME_MAX_BYTES + 1];

	(void)state;
	assert_null(check("  alice  ", out));
	assert_string_equal(out, "alice");
	assert_null(check("bob smith", out));
	assert_string_equal(check("", out), "Name cannot be empty.");
	assert_string_equal(check("   ", out), "Name cannot be empty.");
	assert_string_equal(check("/x", out), "Name cannot start with /.");
	assert_string_equal(check("a[", out), "Name cannot contain [ or ].");
	assert_string_equal(check("a\tb", out), "Name cannot contain control characters.");
	assert_string_equal(check("a\xc2\x9b", out), "Name cannot contain control characters.");
	assert_string_equal(check("a\xff", out), "Name must be valid UTF-8.");
	assert_null(check("12345678901234567890123456789012", out));
	assert_string_equal(check("123456789012345678901234567890123", out),
	    "Name is too long (at most 32 characters).");
	/* 32 three-byte characters are fine: the limit is in characters */
	char cjk[32 * 3 + 1] = "";
	for (int i = 0; i < 32; i++)
		strcat(cjk, "\xe4\xb8\xad");
	assert_null(check(cjk, out));
}

static void table(void **state)
{
	struct names *t = names_new();
	char names[500][16];
	int owner[500];

	(void)state;
	for (int i = 0; i < 500; i++) {
		snprintf(names[i], sizeof(names[i]), "User%d", i);
		assert_int_equal(names_add(t, names[i], &owner[i]), 0);
	}
	assert_int_equal(names_count(t), 500);
	assert_int_equal(names_add(t, "user7", NULL), -1);        /* case-insensitive */
	assert_ptr_equal(names_find(t, "USER499", 7), &owner[499]);
	assert_ptr_equal(names_find(t, "user12 hello", 6), &owner[12]); /* a prefix */
	assert_null(names_find(t, "user500", 7));
	names_del(t, "USER7");
	assert_null(names_find(t, "user7", 5));
	assert_int_equal(names_count(t), 499);
	assert_true(names_equal("Straße", "straße"));
	assert_false(names_equal("abc", "abcd"));
	names_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rules),
		cmocka_unit_test(table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
