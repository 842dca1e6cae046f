/* fuzz_check.h: invariant checks shared by the fuzz harnesses (header only, static). */
#ifndef FUZZ_CHECK_H
#define FUZZ_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

/* A failed invariant: say which, show the offending bytes, abort (libFuzzer saves the
 * input as a crash). */
#define FUZZ_CHECK(cond, what, p, n) \
	do { \
		if (!(cond)) \
			fuzz_fail(__FILE__, __LINE__, (what), (p), (n)); \
	} while (0)

static void fuzz_fail(const char *file, int line, const char *what, const void *p, size_t n)
    __attribute__((noreturn, unused));

static void fuzz_fail(const char *file, int line, const char *what, const void *p, size_t n)
{
	const unsigned char *s = p;

	fprintf(stderr, "%s:%d: invariant failed: %s\n  bytes (%zu):", file, line, what, n);
	for (size_t i = 0; i < n && i < 256; i++)
		fprintf(stderr, (s[i] >= 0x20 && s[i] < 0x7f) ? "%c" : "\\x%02x", s[i]);
	fputc('\n', stderr);
	abort();
}

/* An independent UTF-8 decoder (RFC 3629, written apart from line.c on purpose): length of
 * the valid sequence at s, or 0. */
static size_t fuzz_utf8_len(const unsigned char *s, size_t n, unsigned *cp)
    __attribute__((unused));

static size_t fuzz_utf8_len(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t k;
	unsigned v, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0)
		k = 2, v = s[0] & 0x1fu, min = 0x80;
	else if ((s[0] & 0xf0) == 0xe0)
		k = 3, v = s[0] & 0x0fu, min = 0x800;
	else if ((s[0] & 0xf8) == 0xf0)
		k = 4, v = s[0] & 0x07u, min = 0x10000;
	else
		return 0;
	if (n < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3fu);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return k;
}

/* Offset of the first byte of p that is not valid UTF-8 or is a control character
 * other than those in allowed (a string of ASCII controls, e.g. "\n" or "\n\t"); n if
 * there is none. C1 controls (U+0080..U+009F) and DEL are never allowed. */
static size_t fuzz_first_unsafe(const char *p, size_t n, const char *allowed)
    __attribute__((unused));

static size_t fuzz_first_unsafe(const char *p, size_t n, const char *allowed)
{
	const unsigned char *s = (const unsigned char *)p;

	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t k = fuzz_utf8_len(s + i, n - i, &cp);
		bool ok_ctl = false;

		if (k == 0)
			return i;
		for (const char *a = allowed; *a != '\0'; a++)
			if (cp == (unsigned char)*a)
				ok_ctl = true;
		if ((cp < 0x20 && !ok_ctl) || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			return i;
		i += k;
	}
	return n;
}

static bool fuzz_terminal_safe(const char *p, size_t n, const char *allowed)
    __attribute__((unused));

static bool fuzz_terminal_safe(const char *p, size_t n, const char *allowed)
{
	return fuzz_first_unsafe(p, n, allowed) == n;
}

/* A tiny deterministic PRNG (xorshift32) for chunk sizes. */
static unsigned fuzz_rand(unsigned *state) __attribute__((unused));

static unsigned fuzz_rand(unsigned *state)
{
	unsigned x = *state ? *state : 0x9e3779b9u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	*state = x;
	return x;
}

#endif
