/* hash.c: FNV-1a in 32 and 64 bits. See hash.h. */
#include "hash.h"

uint32_t hash_fnv32(uint32_t h, const void *p, size_t n, bool fold)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (fold ? hash_fold(s[i]) : s[i])) * 16777619u;
	return h;
}

uint64_t hash_fnv64(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}
