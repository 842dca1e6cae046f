/* names.c: name rules and a case-insensitive hash table of names in use. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "line.h"
#include "names.h"
#include "spoof.h"
#include "utf8.h"
#include "util.h"

const char *names_check(const char *raw, size_t n, char *out)
{
	line_trim(&raw, &n);
	if (n == 0)
		return "Name cannot be empty.";
	if (utf8_chars(raw, n) > TC_NAME_MAX_CHARS || n > NAME_MAX_BYTES)
		return "Name is too long (at most 32 characters).";
	if (raw[0] == '/')
		return "Name cannot start with /.";
	if (memchr(raw, '[', n) != NULL || memchr(raw, ']', n) != NULL)
		return "Name cannot contain [ or ].";
	if (utf8_clean(UTF8_NAME, raw, n, out, NAME_MAX_BYTES + 1) == UTF8_REFUSED)
		return utf8_check(raw, n) == UTF8_INVALID ? "Name must be valid UTF-8." :
		    "Name cannot contain control characters.";
	return spoof_check_name(out, strlen(out));
}

static unsigned char fold(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static int equal_n(const char *a, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < blen; i++)
		if (a[i] == '\0' || fold((unsigned char)a[i]) != fold((unsigned char)b[i]))
			return 0;
	return a[i] == '\0';
}

int names_equal(const char *a, const char *b)
{
	return equal_n(a, b, strlen(b));
}

/* A name's two keys (spoof.h): the case key, so "ZED" is "zed" and a confusable of a
 * name in use ("zеd" with a Cyrillic е next to "zed") is taken, and the look-alike key,
 * so "AIice" (a capital i) is taken next to "Alice". Each kind has its own table: a key
 * matches only the same kind of key. Bytes that are not UTF-8 (names_check never lets
 * those in) get an ASCII-folded copy for both. */
enum { NAMES_CASE, NAMES_LOOK, NAMES_KINDS };

struct names_keys {
	char *key[NAMES_KINDS];
	size_t len[NAMES_KINDS];
	uint32_t hash[NAMES_KINDS];
};

static char *names_folded(const char *name, size_t len, size_t *keylen)
{
	char *k = xmalloc(len + 1);

	for (size_t i = 0; i < len; i++)
		k[i] = (char)fold((unsigned char)name[i]);
	k[len] = '\0';
	*keylen = len;
	return k;
}

static uint32_t hash_n(const char *s, size_t n)
{
	return hash_fnv32(HASH_FNV32_INIT, s, n, false);
}

static void names_keys(const char *name, size_t len, struct names_keys *ks)
{
	ks->key[NAMES_CASE] = spoof_skeleton(name, len, &ks->len[NAMES_CASE]);
	ks->key[NAMES_LOOK] = ks->key[NAMES_CASE] != NULL ?
	    spoof_lookalike(name, len, &ks->len[NAMES_LOOK]) : NULL;
	for (int i = 0; i < NAMES_KINDS; i++) {
		if (ks->key[i] == NULL)
			ks->key[i] = names_folded(name, len, &ks->len[i]);
		ks->hash[i] = hash_n(ks->key[i], ks->len[i]);
	}
}

static void names_keys_free(struct names_keys *ks)
{
	for (int i = 0; i < NAMES_KINDS; i++)
		free(ks->key[i]);
}

struct entry {
	struct entry *next;
	struct entry *twin;     /* the other key of the same name */
	void *owner;
	uint32_t hash;
	uint32_t keylen;        /* keys are short: names are at most NAME_MAX_BYTES */
	char key[];             /* one allocation an entry */
};

/* One kind of key: a hash table of entries. */
struct names_table {
	struct entry **slots;
	size_t nslots, count;
};

struct names {
	struct names_table kind[NAMES_KINDS];
};

struct names *names_new(void)
{
	struct names *t = xcalloc(1, sizeof(*t));

	for (int i = 0; i < NAMES_KINDS; i++) {
		t->kind[i].nslots = 64;
		t->kind[i].slots = xcalloc(t->kind[i].nslots, sizeof(*t->kind[i].slots));
	}
	return t;
}

static void entry_free(struct entry *e)
{
	free(e);
}

static void table_free(struct names_table *tb)
{
	for (size_t i = 0; i < tb->nslots; i++) {
		struct entry *e = tb->slots[i], *next;

		for (; e != NULL; e = next) {
			next = e->next;
			entry_free(e);
		}
	}
	free(tb->slots);
}

void names_free(struct names *t)
{
	if (t == NULL)
		return;
	for (int i = 0; i < NAMES_KINDS; i++)
		table_free(&t->kind[i]);
	free(t);
}

static void grow(struct names_table *tb)
{
	size_t nslots = tb->nslots * 2;
	struct entry **slots = xcalloc(nslots, sizeof(*slots));

	for (size_t i = 0; i < tb->nslots; i++) {
		struct entry *e = tb->slots[i], *next;

		for (; e != NULL; e = next) {
			size_t h = e->hash & (nslots - 1);

			next = e->next;
			e->next = slots[h];
			slots[h] = e;
		}
	}
	free(tb->slots);
	tb->slots = slots;
	tb->nslots = nslots;
}

/* The link that points at the entry with key i of ks (or at the NULL ending its chain). */
static struct entry **names_slot(const struct names *t, const struct names_keys *ks, int i)
{
	const struct names_table *tb = &t->kind[i];
	struct entry **pp = &tb->slots[ks->hash[i] & (tb->nslots - 1)];

	for (; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->hash == ks->hash[i] && (*pp)->keylen == ks->len[i] &&
		    memcmp((*pp)->key, ks->key[i], ks->len[i]) == 0)
			break;
	return pp;
}

/* The holder of either key (the case key's first), but except when skip; NULL if none. */
static void *names_holder(const struct names *t, const char *name, size_t len, bool skip,
    const void *except)
{
	struct names_keys ks;
	void *owner = NULL;

	names_keys(name, len, &ks);
	for (int i = 0; i < NAMES_KINDS; i++) {
		const struct entry *e = *names_slot(t, &ks, i);

		if (e != NULL && (!skip || e->owner != except)) {
			owner = e->owner;
			break;
		}
	}
	names_keys_free(&ks);
	return owner;
}

void *names_find(const struct names *t, const char *name, size_t len)
{
	return names_holder(t, name, len, false, NULL);
}

void *names_find_other(const struct names *t, const char *name, size_t len,
    const void *except)
{
	return names_holder(t, name, len, true, except);
}

static struct entry *table_put(struct names_table *tb, struct names_keys *ks, int i,
    void *owner)
{
	struct entry *e;

	if (tb->count >= tb->nslots)
		grow(tb);
	e = xmalloc(sizeof(*e) + ks->len[i] + 1);
	*e = (struct entry){ .keylen = (uint32_t)ks->len[i], .hash = ks->hash[i],
	    .owner = owner, .next = tb->slots[ks->hash[i] & (tb->nslots - 1)] };
	memcpy(e->key, ks->key[i], ks->len[i] + 1);
	tb->slots[ks->hash[i] & (tb->nslots - 1)] = e;
	tb->count++;
	return e;
}

int names_add(struct names *t, const char *name, void *owner)
{
	struct names_keys ks;
	struct entry *e;

	names_keys(name, strlen(name), &ks);
	for (int i = 0; i < NAMES_KINDS; i++)
		if (*names_slot(t, &ks, i) != NULL) {
			names_keys_free(&ks);
			return -1;
		}
	e = table_put(&t->kind[NAMES_CASE], &ks, NAMES_CASE, owner);
	e->twin = table_put(&t->kind[NAMES_LOOK], &ks, NAMES_LOOK, owner);
	e->twin->twin = e;
	names_keys_free(&ks);
	return 0;
}

/* Take e out of its table (kind i) and free it. */
static void table_unlink(struct names_table *tb, struct entry *e)
{
	struct entry **pp = &tb->slots[e->hash & (tb->nslots - 1)];

	while (*pp != e)
		pp = &(*pp)->next;
	*pp = e->next;
	entry_free(e);
	tb->count--;
}

void names_del(struct names *t, const char *name)
{
	struct names_keys ks;
	struct entry *e = NULL;
	int i;

	names_keys(name, strlen(name), &ks);
	for (i = 0; i < NAMES_KINDS && e == NULL; i++)
		e = *names_slot(t, &ks, i);
	names_keys_free(&ks);
	if (e == NULL)
		return;
	i--;                    /* e's kind; its twin is of the other */
	table_unlink(&t->kind[1 - i], e->twin);
	table_unlink(&t->kind[i], e);
}

size_t names_count(const struct names *t)
{
	return t->kind[NAMES_CASE].count;
}
