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

/* Keyed by the UTS #39 skeleton: a look-alike of a name in use is taken. */
static void confusables(void **state)
{
	struct names *t = names_new();
	int zed, alice;
	char out[NAME_MAX_BYTES + 1];

	(void)state;
	assert_int_equal(names_add(t, "zed", &zed), 0);
	assert_int_equal(names_add(t, "alice", &alice), 0);
	assert_int_equal(names_add(t, "z\xd0\xb5" "d", NULL), -1);        /* Cyrillic e */
	assert_int_equal(names_add(t, "\xef\xbd\x9a\xef\xbd\x85\xef\xbd\x84", NULL), -1); /* fullwidth */
	assert_ptr_equal(names_find(t, "ZED", 3), &zed);
	assert_ptr_equal(names_find(t, "z\xd0\xb5" "d", 4), &zed);
	assert_null(names_find(t, "zeta", 4));
	names_del(t, "z\xd0\xb5" "d");            /* the same key: zed's entry goes */
	assert_null(names_find(t, "zed", 3));
	assert_int_equal(names_count(t), 1);
	names_free(t);
	/* invisible characters and double spaces are refused by names_check */
	assert_non_null(names_check("z\xe2\x80\x8b" "ed", 6, out));      /* ZWSP */
	assert_non_null(names_check("\xef\xbb\xbf" "zed", 6, out));      /* BOM */
	assert_non_null(names_check("ze\xc2\xad" "d", 5, out));           /* soft hyphen */
	assert_non_null(names_check("a  b", 4, out));
	assert_null(names_check("a b", 3, out));
}

/* Two keys a name: "AIice" (a capital i) is taken next to "Alice" by the look-alike
 * key, "Ivan" next to "ivan" by the case key, and "ivan" and "lvan" are two names. */
static void two_keys(void **state)
{
	struct names *t = names_new();
	int alice, ivan, lvan, ivan2;

	(void)state;
	assert_int_equal(names_add(t, "Alice", &alice), 0);
	assert_int_equal(names_add(t, "AIice", NULL), -1);
	assert_ptr_equal(names_find(t, "AIice", 5), &alice);
	assert_int_equal(names_add(t, "ivan", &ivan), 0);
	assert_int_equal(names_add(t, "Ivan", NULL), -1);
	assert_int_equal(names_add(t, "lvan", &lvan), 0);   /* not a look-alike of ivan */
	assert_ptr_equal(names_find(t, "ivan", 4), &ivan);
	assert_ptr_equal(names_find(t, "lvan", 4), &lvan);
	/* "Ivan" is ivan's by case and lvan's by look: taken by both, found by case first */
	assert_ptr_equal(names_find(t, "Ivan", 4), &ivan);
	assert_ptr_equal(names_find_other(t, "Ivan", 4, &ivan), &lvan);
	assert_ptr_equal(names_find_other(t, "Ivan", 4, &lvan), &ivan);
	assert_null(names_find_other(t, "ivan", 4, &ivan));
	assert_int_equal(names_count(t), 3);
	/* names_del takes both keys of the name it finds (by case key first) */
	names_del(t, "Ivan");                       /* ivan's keys go, lvan's stay */
	assert_null(names_find(t, "ivan", 4));
	assert_ptr_equal(names_find(t, "lvan", 4), &lvan);
	assert_int_equal(names_add(t, "Ivan", NULL), -1);   /* lvan's look-alike */
	names_del(t, "lvan");
	assert_int_equal(names_add(t, "Ivan", &ivan2), 0);
	assert_int_equal(names_add(t, "lvan", NULL), -1);
	assert_int_equal(names_add(t, "ivan", NULL), -1);
	names_del(t, "Ivan");
	assert_int_equal(names_add(t, "lvan", &lvan), 0);
	assert_int_equal(names_count(t), 2);
	names_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rules),
		cmocka_unit_test(table),
		cmocka_unit_test(confusables),
		cmocka_unit_test(two_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
