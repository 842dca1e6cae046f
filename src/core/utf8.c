/* utf8.c: decoding, display width and the sanitising policies. See utf8.h. */
#define _XOPEN_SOURCE 700   /* wcwidth */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "utf8.h"
#include "util.h"

#define REPLACEMENT "\xef\xbf\xbd"   /* U+FFFD */

size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], v;
	size_t need;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 4;
		v = c & 0x07;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF are invalid. */
	if ((need == 3 && v < 0x800) || (need == 4 && (v < 0x10000 || v > 0x10ffff)) ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return need;
}

size_t utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	unsigned v;
	size_t k;

	*cp = 0xFFFD;
	if (n == 0)
		return 0;
	k = utf8_seq((const unsigned char *)s, n, &v);
	if (k == 0)
		return 1;          /* one invalid byte, shown as U+FFFD */
	*cp = v;
	return k;
}

size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t utf8_chars(const char *s, size_t n)
{
	size_t chars = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			chars++;
	return chars;
}

size_t utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}

/* --- display width -------------------------------------------------------------- */

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
}

int utf8_cp_width(uint32_t cp)
{
	int w;

	if (is_control(cp))
		return 1;
	w = wcwidth((wchar_t)cp);
	if (w < 0)
		return 1;
	return w > 2 ? 2 : w;
}

int utf8_width(const char *s, size_t n)
{
	int cols = 0;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;

		i += utf8_decode(s + i, n - i, &cp);
		cols += utf8_cp_width(cp);
	}
	return cols;
}

size_t utf8_fit(const char *s, size_t n, int cols)
{
	size_t i = 0;
	int used = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);
		int w = utf8_cp_width(cp);

		if (used + w > cols)
			break;
		used += w;
		i += len;
	}
	return i;
}

/* --- policies ------------------------------------------------------------------- */

enum utf8_fault utf8_check(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		unsigned cp;
		size_t k = utf8_seq((const unsigned char *)s + i, n - i, &cp);

		if (k == 0)
			return UTF8_INVALID;
		if (is_control(cp))
			return UTF8_CONTROL;
		i += k;
	}
	return UTF8_OK;
}

static size_t terminate(char *out, size_t outsz, size_t o)
{
	if (outsz > 0)
		out[o] = '\0';
	return o;
}

static size_t clean_name(const char *in, size_t n, char *out, size_t outsz)
{
	if (utf8_check(in, n) != UTF8_OK)
		return UTF8_REFUSED;
	if (n >= outsz)
		n = outsz > 0 ? utf8_cut(in, n, outsz - 1) : 0;
	memcpy(out, in, n);
	return terminate(out, outsz, n);
}

/* UTF8_MESSAGE (controls dropped) and UTF8_DISPLAY (controls shown as U+FFFD). */
static size_t clean_text(const char *in, size_t n, char *out, size_t outsz, bool show)
{
	size_t i = 0, o = 0;

	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(in + i, n - i, &cp), len = k;
		const char *src = in + i;

		i += k;
		if (cp == '\t')
			src = " ", len = 1;
		else if (is_control(cp) && !show)
			continue;
		else if (is_control(cp) || cp == 0xFFFD)
			src = REPLACEMENT, len = 3;
		if (o + len >= outsz)
			break;
		memcpy(out + o, src, len);
		o += len;
	}
	return terminate(out, outsz, o);
}

/* Valid, printable UTF-8 passes; anything else (controls, C1, stray bytes, the quote
 * and the backslash) becomes \xHH, so a log line is always one line of valid UTF-8. */
static size_t clean_log(const char *s, size_t n, char *out, size_t outsz)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0, i = 0, lim = n > TC_LOG_PEER_TEXT_MAX ? TC_LOG_PEER_TEXT_MAX : n;

	while (i < lim) {
		unsigned cp;
		size_t k = utf8_seq(u + i, n - i, &cp);
		bool plain = k > 0 && i + k <= lim && !is_control(cp) && cp != '\\' && cp != '"';

		if (plain) {
			if (o + k + 4 >= outsz)
				break;
			memcpy(out + o, u + i, k);
			o += k;
			i += k;
			continue;
		}
		if (k == 0 || i + k > lim)
			k = 1;
		if (o + 4 * k + 4 >= outsz)
			break;
		for (size_t j = 0; j < k; j++, i++)
			o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", u[i]);
	}
	if (i < n && o + 4 <= outsz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	return terminate(out, outsz, o);
}

size_t utf8_clean(enum utf8_policy policy, const char *in, size_t n, char *out, size_t outsz)
{
	switch (policy) {
	case UTF8_NAME: return clean_name(in, n, out, outsz);
	case UTF8_MESSAGE: return clean_text(in, n, out, outsz, false);
	case UTF8_LOG: return clean_log(in, n, out, outsz);
	case UTF8_DISPLAY: return clean_text(in, n, out, outsz, true);
	}
	fatal("utf8_clean: unknown policy %d", (int)policy);
}

char *utf8_clean_str(enum utf8_policy policy, const char *s)
{
	size_t n = strlen(s), sz = policy == UTF8_LOG ? UTF8_LOG_MAX : UTF8_CLEAN_MAX(n);
	char *out = xmalloc(sz);

	if (utf8_clean(policy, s, n, out, sz) == UTF8_REFUSED) {
		free(out);
		return NULL;
	}
	return out;
}
