/* names.h: what a valid name is (no invisible characters, no look-alike tricks:
 * spoof_check_name), and a table of names in use keyed by their UTS #39 skeleton
 * (spoof_skeleton): case-insensitive, and a name confusable with one in use is taken. */
#ifndef NAMES_H
#define NAMES_H

#include <stddef.h>

#include "tclimits.h"

#define NAME_MAX_BYTES (TC_NAME_MAX_CHARS * 4)

/* Check a name as typed (raw bytes, line ending removed). On success copy the trimmed name to out
 * (NAME_MAX_BYTES + 1 bytes) and return NULL; else return the reason, one line. */
const char *names_check(const char *raw, size_t n, char *out);

/* Case-insensitive (ASCII) equality and hash. */
int names_equal(const char *a, const char *b);

struct names;
struct names *names_new(void);
void names_free(struct names *t);
/* Add name (the table keeps its key, not the string). 0, or -1 if it or a confusable
 * name is taken. names_find and names_del look a name up by the same key. */
int names_add(struct names *t, const char *name, void *owner);
void names_del(struct names *t, const char *name);
void *names_find(const struct names *t, const char *name, size_t len);
size_t names_count(const struct names *t);

#endif
