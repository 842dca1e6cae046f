/* names.h: what a valid name is (no invisible characters, no look-alike tricks:
 * spoof_check_name), and a table of names in use keyed by their two keys (spoof.h): the
 * case key (spoof_skeleton: case-insensitive, and a confusable of a name in use is taken)
 * and the look-alike key (spoof_lookalike: "AIice", a capital i, is taken next to "Alice").
 * A name is taken when either of its keys is the same kind of key of a name in use.
 * Built on the general table (strtab.h): one per kind of key, both pointing at one
 * record per name, so that either key finds the name and dropping it drops both. */
#ifndef NAMES_H
#define NAMES_H

#include <stddef.h>

#include "tclimits.h"

#define NAME_MAX_BYTES (TC_NAME_MAX_CHARS * 4)

/* Check a name as typed (raw bytes, line ending removed). On success copy the trimmed name to out
 * (NAME_MAX_BYTES + 1 bytes) and return NULL; else return the reason, one line. */
const char *names_check(const char *raw, size_t n, char *out);

/* Case-insensitive (ASCII) equality. */
int names_equal(const char *a, const char *b);

struct names;
struct names *names_new(void);
void names_free(struct names *t);
/* Add name (the table keeps its two keys, not the string). 0, or -1 if either key is
 * taken (it, or a confusable name, is in use). names_find returns the holder of either
 * key (of the case key first), names_find_other the same but never except;
 * names_del removes both keys of the name its keys find (by the case key first). */
int names_add(struct names *t, const char *name, void *owner);
void names_del(struct names *t, const char *name);
void *names_find(const struct names *t, const char *name, size_t len);
void *names_find_other(const struct names *t, const char *name, size_t len,
    const void *except);
size_t names_count(const struct names *t); /* names (not keys) */

#endif
