/* hash.h: FNV-1a, the one string hash (name table, name colours, seen messages). Pure. */
#ifndef HASH_H
#define HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HASH_FNV32_INIT 2166136261u
#define HASH_FNV64_INIT 14695981039346656037ull

/* Continue a 32-bit FNV-1a hash h over n bytes; fold: ASCII letters hash as lower case. */
uint32_t hash_fnv32(uint32_t h, const void *p, size_t n, bool fold);

/* Continue a 64-bit FNV-1a hash h over n bytes. */
uint64_t hash_fnv64(uint64_t h, const void *p, size_t n);

#endif
