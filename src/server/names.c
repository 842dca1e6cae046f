/* names.c: name rules and a case-insensitive hash table of names in use. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "line.h"
#include "names.h"
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
	return NULL;
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

static uint32_t hash_n(const char *s, size_t n)
{
	return hash_fnv32(HASH_FNV32_INIT, s, n, true);
}

struct entry {
	const char *name;
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

void names_free(struct names *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nslots; i++) {
		struct entry *e = t->slots[i], *next;

		for (; e != NULL; e = next) {
			next = e->next;
			free(e);
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
			size_t h = hash_n(e->name, strlen(e->name)) & (nslots - 1);

			next = e->next;
			e->next = slots[h];
			slots[h] = e;
		}
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
}

void *names_find(const struct names *t, const char *name, size_t len)
{
	struct entry *e = t->slots[hash_n(name, len) & (t->nslots - 1)];

	for (; e != NULL; e = e->next)
		if (equal_n(e->name, name, len))
			return e->owner;
	return NULL;
}

int names_add(struct names *t, const char *name, void *owner)
{
	size_t h;
	struct entry *e;

	if (names_find(t, name, strlen(name)) != NULL)
		return -1;
	if (t->count >= t->nslots)
		grow(t);
	h = hash_n(name, strlen(name)) & (t->nslots - 1);
	e = xmalloc(sizeof(*e));
	*e = (struct entry){ .name = name, .owner = owner, .next = t->slots[h] };
	t->slots[h] = e;
	t->count++;
	return 0;
}

void names_del(struct names *t, const char *name)
{
	struct entry **pp = &t->slots[hash_n(name, strlen(name)) & (t->nslots - 1)];

	for (; *pp != NULL; pp = &(*pp)->next) {
		if (equal_n((*pp)->name, name, strlen(name))) {
			struct entry *e = *pp;

			*pp = e->next;
			free(e);
			t->count--;
			return;
		}
	}
}

size_t names_count(const struct names *t)
{
	return t->count;
}
