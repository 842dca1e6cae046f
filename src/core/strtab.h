/*
 * strtab.h: a string-keyed hash table, the one general table of the program (the
 * chat's rooms, the names in use, the cluster's Redis channels and keys). Chaining,
 * hashed with hash.h's FNV-1a; the slots double when the entries outnumber them, so a
 * lookup costs the key's length whatever the count. The table copies each key; the
 * values are the caller's (a pointer, NULL allowed: a set). A table made with fold
 * compares and hashes ASCII letters as lower case ("Lobby" is "lobby"). Pure.
 */
#ifndef STRTAB_H
#define STRTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Slots at the first entry (a power of two): not a limit, the table doubles from it. */
#define STRTAB_SLOTS_FIRST 16

struct strtab_entry {
	struct strtab_entry *next;  /* in its slot's chain */
	void *val;
	uint32_t hash;
	uint32_t len;               /* bytes of key */
	char key[];                 /* the copy, NUL-terminated */
};

struct strtab {
	struct strtab_entry **slots;
	size_t nslots;              /* a power of two; 0 until the first entry */
	size_t count;
	bool fold;
};

void strtab_init(struct strtab *t, bool fold);
/* Free the entries (not the values: free those first, walking the table). */
void strtab_free(struct strtab *t);

/* The entry of key (len bytes), or NULL. */
struct strtab_entry *strtab_find(const struct strtab *t, const char *key, size_t len);
/* Its value; NULL when absent (or when the value is NULL). */
void *strtab_get(const struct strtab *t, const char *key, size_t len);
/* key -> val, added or replaced; returns the value replaced (NULL: new). */
void *strtab_put(struct strtab *t, const char *key, size_t len, void *val);
/* Remove key; returns its value (NULL: absent). */
void *strtab_del(struct strtab *t, const char *key, size_t len);

static inline size_t strtab_count(const struct strtab *t) { return t->count; }

/* Every entry: for (e = strtab_first(t); e != NULL; e = strtab_next(t, e)). The table
 * must not change during the walk. */
const struct strtab_entry *strtab_first(const struct strtab *t);
const struct strtab_entry *strtab_next(const struct strtab *t, const struct strtab_entry *e);
#define STRTAB_FOREACH(t, e) \
	for (const struct strtab_entry *e = strtab_first(t); e != NULL; e = strtab_next(t, e))

#endif
