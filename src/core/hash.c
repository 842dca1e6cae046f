/* hash.c: FNV-1a in 32 and 64 bits. See hash.h. */
#include "hash.h"

static unsigned char fold_ascii(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

uint32_t hash_fnv32(uint32_t h, const void *p, size_t n, bool fold)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (fold ? fold_ascii(s[i]) : s[i])) * 16777619u;
	return h;
}

uint64_t hash_fnv64(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ull;
	return h;
}
