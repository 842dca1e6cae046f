/* Unit tests for strtab.c, the string-keyed hash table: put, get, replace, delete;
 * keys are copied and compared by their bytes and length; a folding table finds a key
 * in any ASCII case; thousands of keys (the slots grow, every key is found, the walk
 * sees each once); keys that share a slot; an empty table. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hash.h"
#include "strtab.h"

static void *get(const struct strtab *t, const char *key)
{
	return strtab_get(t, key, strlen(key));
}

static void *put(struct strtab *t, const char *key, void *val)
{
	return strtab_put(t, key, strlen(key), val);
}

static void *del(struct strtab *t, const char *key)
{
	return strtab_del(t, key, strlen(key));
}

static void put_get_replace_delete(void **state)
{
	struct strtab t;
	int a, b, c;

	(void)state;
	strtab_init(&t, false);
	assert_null(put(&t, "alice", &a));
	assert_null(put(&t, "bob", &b));
	assert_ptr_equal(get(&t, "alice"), &a);
	assert_ptr_equal(get(&t, "bob"), &b);
	assert_null(get(&t, "carol"));
	assert_int_equal(strtab_count(&t), 2);
	assert_ptr_equal(put(&t, "alice", &c), &a);     /* replaced: the old value back */
	assert_ptr_equal(get(&t, "alice"), &c);
	assert_int_equal(strtab_count(&t), 2);
	assert_ptr_equal(del(&t, "alice"), &c);
	assert_null(get(&t, "alice"));
	assert_null(del(&t, "alice"));                  /* gone already */
	assert_int_equal(strtab_count(&t), 1);
	strtab_free(&t);
	assert_int_equal(strtab_count(&t), 0);
	assert_null(get(&t, "bob"));
	strtab_free(&t);                                /* twice is fine */
}

/* A set: NULL values, presence by strtab_find. */
static void a_set_has_null_values(void **state)
{
	struct strtab t;
	const struct strtab_entry *e;

	(void)state;
	strtab_init(&t, false);
	put(&t, "tcpchat:name:alice", NULL);
	e = strtab_find(&t, "tcpchat:name:alice", 18);
	assert_non_null(e);
	assert_string_equal(e->key, "tcpchat:name:alice");
	assert_int_equal(e->len, 18);
	assert_null(e->val);
	assert_null(strtab_find(&t, "tcpchat:name:bob", 16));
	strtab_free(&t);
}

/* Keys are their bytes and their length: a prefix, a longer key and a key with other
 * case are other keys; the key given is copied. */
static void keys_are_bytes_and_length(void **state)
{
	struct strtab t;
	char key[16] = "room";
	int a;

	(void)state;
	strtab_init(&t, false);
	put(&t, key, &a);
	strcpy(key, "xxxx");                    /* the table kept its own copy */
	assert_ptr_equal(get(&t, "room"), &a);
	assert_null(get(&t, "roo"));
	assert_null(get(&t, "rooms"));
	assert_null(get(&t, "Room"));
	assert_ptr_equal(strtab_get(&t, "rooms", 4), &a);  /* len bytes of a longer string */
	strtab_free(&t);
}

static void a_folding_table_ignores_ascii_case(void **state)
{
	struct strtab t;
	int a, b;

	(void)state;
	strtab_init(&t, true);
	put(&t, "Lobby", &a);
	assert_ptr_equal(get(&t, "lobby"), &a);
	assert_ptr_equal(get(&t, "LOBBY"), &a);
	assert_ptr_equal(put(&t, "LoBbY", &b), &a);     /* one key in any case */
	assert_int_equal(strtab_count(&t), 1);
	assert_string_equal(strtab_first(&t)->key, "Lobby");   /* spelt as first put */
	/* Only ASCII folds: bytes >= 0x80 compare as they are. */
	put(&t, "caf\xc3\xa9", &a);
	assert_null(get(&t, "CAF\xc3\x89"));
	assert_ptr_equal(get(&t, "CAF\xc3\xa9"), &a);
	assert_ptr_equal(del(&t, "LOBBY"), &b);
	strtab_free(&t);
}

/* Many keys: the slots grow and every key is still found, the walk sees each once. */
static void thousands_of_keys(void **state)
{
	enum { N = 5000 };
	struct strtab t;
	char key[32];
	static char seen[N];
	size_t walked = 0;

	(void)state;
	strtab_init(&t, false);
	for (intptr_t i = 0; i < N; i++) {
		snprintf(key, sizeof(key), "k%ld", (long)i);
		assert_null(put(&t, key, (void *)(i + 1)));
	}
	assert_int_equal(strtab_count(&t), N);
	assert_true(t.nslots >= N);             /* at most one entry a slot on average */
	for (intptr_t i = 0; i < N; i++) {
		snprintf(key, sizeof(key), "k%ld", (long)i);
		assert_ptr_equal(get(&t, key), (void *)(i + 1));
	}
	for (const struct strtab_entry *e = strtab_first(&t); e != NULL; e = strtab_next(&t, e)) {
		intptr_t i = (intptr_t)e->val - 1;

		assert_in_range(i, 0, N - 1);
		assert_int_equal(seen[i], 0);
		seen[i] = 1;
		walked++;
	}
	assert_int_equal(walked, N);
	for (intptr_t i = 0; i < N; i += 2) {
		snprintf(key, sizeof(key), "k%ld", (long)i);
		assert_ptr_equal(del(&t, key), (void *)(i + 1));
	}
	assert_int_equal(strtab_count(&t), N / 2);
	assert_null(get(&t, "k0"));
	assert_ptr_equal(get(&t, "k1"), (void *)2);
	strtab_free(&t);
}

/* Keys in one slot: each found, each deleted alone, from any place in the chain. */
static void keys_that_share_a_slot(void **state)
{
	struct strtab t;
	char keys[4][16];
	int n = 0;

	(void)state;
	strtab_init(&t, false);
	put(&t, "seed", NULL);          /* the slots exist: STRTAB_SLOTS_FIRST of them */
	for (int i = 0; n < 4; i++) {
		char k[16];

		snprintf(k, sizeof(k), "s%d", i);
		if ((hash_fnv32(HASH_FNV32_INIT, k, strlen(k), false) & (STRTAB_SLOTS_FIRST - 1)) == 3)
			strcpy(keys[n++], k);
	}
	del(&t, "seed");
	for (int i = 0; i < 4; i++)
		put(&t, keys[i], keys[i]);
	assert_int_equal(t.nslots, STRTAB_SLOTS_FIRST);
	assert_ptr_equal(del(&t, keys[1]), keys[1]);    /* the middle of the chain */
	assert_ptr_equal(get(&t, keys[0]), keys[0]);
	assert_ptr_equal(get(&t, keys[2]), keys[2]);
	assert_ptr_equal(get(&t, keys[3]), keys[3]);
	assert_null(get(&t, keys[1]));
	strtab_free(&t);
}

static void an_empty_table(void **state)
{
	struct strtab t;

	(void)state;
	strtab_init(&t, true);
	assert_null(get(&t, "x"));
	assert_null(strtab_find(&t, "", 0));
	assert_null(del(&t, "x"));
	assert_null(strtab_first(&t));
	assert_int_equal(strtab_count(&t), 0);
	put(&t, "", &t);                        /* the empty key is a key */
	assert_ptr_equal(get(&t, ""), &t);
	strtab_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(put_get_replace_delete),
		cmocka_unit_test(a_set_has_null_values),
		cmocka_unit_test(keys_are_bytes_and_length),
		cmocka_unit_test(a_folding_table_ignores_ascii_case),
		cmocka_unit_test(thousands_of_keys),
		cmocka_unit_test(keys_that_share_a_slot),
		cmocka_unit_test(an_empty_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
