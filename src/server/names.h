/* names.h: what a valid name is, and a case-insensitive table of names in use. */
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
/* Add name (the caller keeps the string alive until names_del). 0, or -1 if taken. */
int names_add(struct names *t, const char *name, void *owner);
void names_del(struct names *t, const char *name);
void *names_find(const struct names *t, const char *name, size_t len);
size_t names_count(const struct names *t);

#endif
