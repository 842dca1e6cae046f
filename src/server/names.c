/* names.c: name rules and a case-insensitive hash table of names in use. */
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

/* The table's key: the UTS #39 skeleton of the case-folded name (spoof.h), so that a
 * confusable of a name in use ("zеd" with a Cyrillic е next to "zed") is taken; an
 * ASCII-folded copy for bytes that are not UTF-8 (names_check never lets those in). */
static char *names_key(const char *name, size_t len, size_t *keylen)
{
	char *k = spoof_skeleton(name, len, keylen);

	if (k != NULL)
		return k;
	k = xmalloc(len + 1);
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

struct entry {
	char *key;
	size_t keylen;
	uint32_t hash;
	void *owner;
	struct entry *next;
};

struct names {
	struct entry **slots;
	size_t nslots, count;
};

struct names *names_new(void)
{
	struct names *t = xcalloc(1, sizeof(*t));

	t->nslots = 64;
	t->slots = xcalloc(t->nslots, sizeof(*t->slots));
	return t;
}

static void entry_free(struct entry *e)
{
	free(e->key);
	free(e);
}

void names_free(struct names *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nslots; i++) {
		struct entry *e = t->slots[i], *next;

		for (; e != NULL; e = next) {
			next = e->next;
			entry_free(e);
		}
	}
	free(t->slots);
	free(t);
}

static void grow(struct names *t)
{
	size_t nslots = t->nslots * 2;
	struct entry **slots = xcalloc(nslots, sizeof(*slots));

	for (size_t i = 0; i < t->nslots; i++) {
		struct entry *e = t->slots[i], *next;

		for (; e != NULL; e = next) {
			size_t h = e->hash & (nslots - 1);

			next = e->next;
			e->next = slots[h];
			slots[h] = e;
		}
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
}

/* The link that points at the entry with this key (or at the NULL ending its chain). */
static struct entry **names_slot(const struct names *t, const char *key, size_t keylen,
    uint32_t h)
{
	struct entry **pp = &t->slots[h & (t->nslots - 1)];

	for (; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->hash == h && (*pp)->keylen == keylen &&
		    memcmp((*pp)->key, key, keylen) == 0)
			break;
	return pp;
}

void *names_find(const struct names *t, const char *name, size_t len)
{
	size_t keylen;
	char *key = names_key(name, len, &keylen);
	struct entry *e = *names_slot(t, key, keylen, hash_n(key, keylen));

	free(key);
	return e != NULL ? e->owner : NULL;
}

int names_add(struct names *t, const char *name, void *owner)
{
	size_t keylen;
	char *key = names_key(name, strlen(name), &keylen);
	uint32_t h = hash_n(key, keylen);
	struct entry *e;

	if (*names_slot(t, key, keylen, h) != NULL) {
		free(key);
		return -1;
	}
	if (t->count >= t->nslots)
		grow(t);
	e = xmalloc(sizeof(*e));
	*e = (struct entry){ .key = key, .keylen = keylen, .hash = h, .owner = owner,
	    .next = t->slots[h & (t->nslots - 1)] };
	t->slots[h & (t->nslots - 1)] = e;
	t->count++;
	return 0;
}

void names_del(struct names *t, const char *name)
{
	size_t keylen;
	char *key = names_key(name, strlen(name), &keylen);
	struct entry **pp = names_slot(t, key, keylen, hash_n(key, keylen));

	free(key);
	if (*pp != NULL) {
		struct entry *e = *pp;

		*pp = e->next;
		entry_free(e);
		t->count--;
	}
}

size_t names_count(const struct names *t)
{
	return t->count;
}
