/* Unit tests for hash.c: FNV-1a in 32 and 64 bits against the published test vectors,
 * continuation over pieces, and ASCII folding (names hash alike in any case). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hash.h"

/* The FNV-1a vectors of the reference (isthe.com/chongo/tech/comp/fnv). */
static void fnv_test_vectors(void **state)
{
	(void)state;
	assert_int_equal(hash_fnv32(HASH_FNV32_INIT, "", 0, false), 0x811c9dc5u);
	assert_int_equal(hash_fnv32(HASH_FNV32_INIT, "a", 1, false), 0xe40c292cu);
	assert_int_equal(hash_fnv32(HASH_FNV32_INIT, "foobar", 6, false), 0xbf9cf968u);
	assert_true(hash_fnv64(HASH_FNV64_INIT, "", 0) == 0xcbf29ce484222325ull);
	assert_true(hash_fnv64(HASH_FNV64_INIT, "a", 1) == 0xaf63dc4c8601ec8cull);
	assert_true(hash_fnv64(HASH_FNV64_INIT, "foobar", 6) == 0x85944171f73967e8ull);
}

static void a_hash_continues_over_pieces(void **state)
{
	uint32_t h32 = hash_fnv32(HASH_FNV32_INIT, "foo", 3, false);
	uint64_t h64 = hash_fnv64(HASH_FNV64_INIT, "foo", 3);

	(void)state;
	assert_int_equal(hash_fnv32(h32, "bar", 3, false), 0xbf9cf968u);
	assert_true(hash_fnv64(h64, "bar", 3) == 0x85944171f73967e8ull);
}

static void folding_makes_ascii_letters_one_case(void **state)
{
	uint32_t lower = hash_fnv32(HASH_FNV32_INIT, "alice-42", 8, true);

	(void)state;
	assert_int_equal(hash_fnv32(HASH_FNV32_INIT, "ALICE-42", 8, true), lower);
	assert_int_equal(hash_fnv32(HASH_FNV32_INIT, "aLiCe-42", 8, true), lower);
	assert_int_equal(lower, hash_fnv32(HASH_FNV32_INIT, "alice-42", 8, false));
	assert_int_not_equal(hash_fnv32(HASH_FNV32_INIT, "ALICE-42", 8, false), lower);
	/* Only A-Z fold: '@' (0x40) and '`' (0x60) stay apart, and so do bytes >= 0x80. */
	assert_int_not_equal(hash_fnv32(HASH_FNV32_INIT, "@", 1, true),
	    hash_fnv32(HASH_FNV32_INIT, "`", 1, true));
	assert_int_not_equal(hash_fnv32(HASH_FNV32_INIT, "\xc3\x89", 2, true),
	    hash_fnv32(HASH_FNV32_INIT, "\xc3\xa9", 2, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fnv_test_vectors),
		cmocka_unit_test(a_hash_continues_over_pieces),
		cmocka_unit_test(folding_makes_ascii_letters_one_case),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
