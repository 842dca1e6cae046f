/* strtab.c: a string-keyed hash table (see strtab.h). */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "strtab.h"
#include "util.h"

void strtab_init(struct strtab *t, bool fold)
{
	*t = (struct strtab){ .fold = fold };
}

void strtab_free(struct strtab *t)
{
	for (size_t i = 0; i < t->nslots; i++) {
		for (struct strtab_entry *e = t->slots[i], *next; e != NULL; e = next) {
			next = e->next;
			free(e);
		}
	}
	free(t->slots);
	strtab_init(t, t->fold);
}

static uint32_t key_hash(const struct strtab *t, const char *key, size_t len)
{
	return hash_fnv32(HASH_FNV32_INIT, key, len, t->fold);
}

/* ASCII letters alike in either case (whatever the locale), every other byte as is. */
static bool folded_equal(const char *a, const char *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (hash_fold((unsigned char)a[i]) != hash_fold((unsigned char)b[i]))
			return false;
	return true;
}

static bool key_equal(const struct strtab *t, const struct strtab_entry *e, const char *key,
    size_t len)
{
	if (e->len != len)
		return false;
	return t->fold ? folded_equal(e->key, key, len) : memcmp(e->key, key, len) == 0;
}

/* The link that points at key's entry, or at the NULL ending its chain. */
static struct strtab_entry **slot_of(const struct strtab *t, const char *key, size_t len,
    uint32_t h)
{
	struct strtab_entry **pp = &t->slots[h & (t->nslots - 1)];

	while (*pp != NULL && ((*pp)->hash != h || !key_equal(t, *pp, key, len)))
		pp = &(*pp)->next;
	return pp;
}

struct strtab_entry *strtab_find(const struct strtab *t, const char *key, size_t len)
{
	return t->nslots == 0 ? NULL : *slot_of(t, key, len, key_hash(t, key, len));
}

void *strtab_get(const struct strtab *t, const char *key, size_t len)
{
	struct strtab_entry *e = strtab_find(t, key, len);

	return e != NULL ? e->val : NULL;
}

static void grow(struct strtab *t)
{
	size_t nslots = t->nslots ? t->nslots * 2 : STRTAB_SLOTS_FIRST;
	struct strtab_entry **slots = xcalloc(nslots, sizeof(*slots));

	for (size_t i = 0; i < t->nslots; i++) {
		for (struct strtab_entry *e = t->slots[i], *next; e != NULL; e = next) {
			next = e->next;
			e->next = slots[e->hash & (nslots - 1)];
			slots[e->hash & (nslots - 1)] = e;
		}
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
}

void *strtab_put(struct strtab *t, const char *key, size_t len, void *val)
{
	uint32_t h = key_hash(t, key, len);
	struct strtab_entry **pp, *e;
	void *old;

	if (t->count >= t->nslots)
		grow(t);
	pp = slot_of(t, key, len, h);
	if (*pp != NULL) {
		old = (*pp)->val;
		(*pp)->val = val;
		return old;
	}
	e = xmalloc(sizeof(*e) + len + 1);
	*e = (struct strtab_entry){ .val = val, .hash = h, .len = (uint32_t)len };
	memcpy(e->key, key, len);
	e->key[len] = '\0';
	*pp = e;
	t->count++;
	return NULL;
}

void *strtab_del(struct strtab *t, const char *key, size_t len)
{
	struct strtab_entry **pp, *e;
	void *val;

	if (t->nslots == 0)
		return NULL;
	pp = slot_of(t, key, len, key_hash(t, key, len));
	if ((e = *pp) == NULL)
		return NULL;
	*pp = e->next;
	val = e->val;
	free(e);
	t->count--;
	return val;
}

/* The first entry in slot i or after it. */
static const struct strtab_entry *from_slot(const struct strtab *t, size_t i)
{
	for (; i < t->nslots; i++)
		if (t->slots[i] != NULL)
			return t->slots[i];
	return NULL;
}

const struct strtab_entry *strtab_first(const struct strtab *t)
{
	return from_slot(t, 0);
}

const struct strtab_entry *strtab_next(const struct strtab *t, const struct strtab_entry *e)
{
	return e->next != NULL ? e->next : from_slot(t, (e->hash & (t->nslots - 1)) + 1);
}
