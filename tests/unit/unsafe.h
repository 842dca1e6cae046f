/* unsafe.h: what no peer may be sent (header only, static): the first byte that is
 * invalid UTF-8, a C1 control or a control other than LF (and TAB when allowed). Written
 * apart from utf8.c on purpose, so that it checks it. */
#ifndef UNSAFE_H
#define UNSAFE_H

#include <stddef.h>

/* Offset of the first byte that is invalid UTF-8 or a control other than LF (and TAB
 * if tab); n if none. Independent of line.c and utf8.c on purpose. */
static inline size_t first_unsafe(const char *p, size_t n, int tab)
{
	const unsigned char *s = (const unsigned char *)p;

	for (size_t i = 0; i < n;) {
		unsigned v, min;
		size_t k;

		if (s[i] < 0x80) {
			if ((s[i] < 0x20 && s[i] != '\n' && !(tab && s[i] == '\t')) || s[i] == 0x7f)
				return i;
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0)
			k = 2, v = s[i] & 0x1fu, min = 0x80;
		else if ((s[i] & 0xf0) == 0xe0)
			k = 3, v = s[i] & 0x0fu, min = 0x800;
		else if ((s[i] & 0xf8) == 0xf0)
			k = 4, v = s[i] & 0x07u, min = 0x10000;
		else
			return i;
		if (n - i < k)
			return i;
		for (size_t j = 1; j < k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return i;
			v = (v << 6) | (s[i + j] & 0x3fu);
		}
		if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff) || (v >= 0x80 && v <= 0x9f))
			return i;
		i += k;
	}
	return n;
}

#endif
