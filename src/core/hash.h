/* hash.h: FNV-1a, the one string hash (the general table strtab.h, name colours, seen
 * messages). Pure. */
#ifndef HASH_H
#define HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HASH_FNV32_INIT 2166136261u
#define HASH_FNV64_INIT 14695981039346656037ull

/* An ASCII letter in lower case, any other byte as it is (whatever the locale): the
 * folding of every case-insensitive key (names, rooms). */
static inline unsigned char hash_fold(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Continue a 32-bit FNV-1a hash h over n bytes; fold: ASCII letters hash as lower case. */
uint32_t hash_fnv32(uint32_t h, const void *p, size_t n, bool fold);

/* Continue a 64-bit FNV-1a hash h over n bytes. */
uint64_t hash_fnv64(uint64_t h, const void *p, size_t n);

#endif
