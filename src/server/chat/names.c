/* names.c: name rules and the names in use, by their two keys (see names.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "line.h"
#include "names.h"
#include "spoof.h"
#include "strtab.h"
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

static int equal_n(const char *a, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < blen; i++)
		if (a[i] == '\0' || hash_fold((unsigned char)a[i]) != hash_fold((unsigned char)b[i]))
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
};

static char *names_folded(const char *name, size_t len, size_t *keylen)
{
	char *k = xmalloc(len + 1);

	for (size_t i = 0; i < len; i++)
		k[i] = (char)hash_fold((unsigned char)name[i]);
	k[len] = '\0';
	*keylen = len;
	return k;
}

static void names_keys(const char *name, size_t len, struct names_keys *ks)
{
	ks->key[NAMES_CASE] = spoof_skeleton(name, len, &ks->len[NAMES_CASE]);
	ks->key[NAMES_LOOK] = ks->key[NAMES_CASE] != NULL ?
	    spoof_lookalike(name, len, &ks->len[NAMES_LOOK]) : NULL;
	for (int i = 0; i < NAMES_KINDS; i++)
		if (ks->key[i] == NULL)
			ks->key[i] = names_folded(name, len, &ks->len[i]);
}

static void names_keys_free(struct names_keys *ks)
{
	for (int i = 0; i < NAMES_KINDS; i++)
		free(ks->key[i]);
}

/* A name in use: its owner, and its entries in the two tables (one a kind of key: a key
 * matches only the same kind of key). Both entries hold the record: either key finds
 * the name, and the name drops both of its own keys (which the entries hold: nothing
 * is copied twice). */
struct names_rec {
	void *owner;
	const struct strtab_entry *e[NAMES_KINDS];
};

struct names {
	struct strtab kind[NAMES_KINDS];
};

struct names *names_new(void)
{
	struct names *t = xcalloc(1, sizeof(*t));

	for (int i = 0; i < NAMES_KINDS; i++)
		strtab_init(&t->kind[i], false);
	return t;
}

void names_free(struct names *t)
{
	if (t == NULL)
		return;
	STRTAB_FOREACH(&t->kind[NAMES_CASE], e)
		free(e->val);
	for (int i = 0; i < NAMES_KINDS; i++)
		strtab_free(&t->kind[i]);
	free(t);
}

/* The record of the name in use that has key i of ks, or NULL. */
static struct names_rec *names_rec(const struct names *t, const struct names_keys *ks, int i)
{
	return strtab_get(&t->kind[i], ks->key[i], ks->len[i]);
}

/* The holder of either key (the case key's first), but except when skip; NULL if none. */
static void *names_holder(const struct names *t, const char *name, size_t len, bool skip,
    const void *except)
{
	struct names_keys ks;
	void *owner = NULL;

	names_keys(name, len, &ks);
	for (int i = 0; i < NAMES_KINDS; i++) {
		const struct names_rec *rec = names_rec(t, &ks, i);

		if (rec != NULL && (!skip || rec->owner != except)) {
			owner = rec->owner;
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

int names_add(struct names *t, const char *name, void *owner)
{
	struct names_keys ks;
	struct names_rec *rec;
	bool taken = false;

	names_keys(name, strlen(name), &ks);
	for (int i = 0; i < NAMES_KINDS; i++)
		taken = taken || names_rec(t, &ks, i) != NULL;
	if (!taken) {
		rec = xcalloc(1, sizeof(*rec));
		rec->owner = owner;
		for (int i = 0; i < NAMES_KINDS; i++) {
			strtab_put(&t->kind[i], ks.key[i], ks.len[i], rec);
			rec->e[i] = strtab_find(&t->kind[i], ks.key[i], ks.len[i]);
		}
	}
	names_keys_free(&ks);
	return taken ? -1 : 0;
}

void names_del(struct names *t, const char *name)
{
	struct names_keys ks;
	struct names_rec *rec = NULL;

	names_keys(name, strlen(name), &ks);
	for (int i = 0; i < NAMES_KINDS && rec == NULL; i++)
		rec = names_rec(t, &ks, i);
	names_keys_free(&ks);
	if (rec == NULL)
		return;
	for (int i = 0; i < NAMES_KINDS; i++)    /* its own keys, as its entries hold them */
		strtab_del(&t->kind[i], rec->e[i]->key, rec->e[i]->len);
	free(rec);
}

size_t names_count(const struct names *t)
{
	return strtab_count(&t->kind[NAMES_CASE]);
}
