/* wrap.c: UTF-8 decoding, display widths and line wrapping. See wrap.h. */
#define _XOPEN_SOURCE 700   /* wcwidth */
#include <string.h>
#include <wchar.h>

#include "line.h"
#include "util.h"
#include "wrap.h"

size_t wrap_decode(const char *s, size_t n, uint32_t *cp)
{
	unsigned v;
	size_t k;

	*cp = 0xFFFD;
	if (n == 0)
		return 0;
	k = line_utf8_seq((const unsigned char *)s, n, &v);
	if (k == 0)
		return 1;          /* one invalid byte, shown as U+FFFD */
	*cp = v;
	return k;
}

size_t wrap_encode(uint32_t cp, char *out)
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

int wrap_cp_width(uint32_t cp)
{
	int w;

	if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
		return 1;
	w = wcwidth((wchar_t)cp);
	if (w < 0)
		return 1;
	return w > 2 ? 2 : w;
}

int wrap_width(const char *s, size_t n)
{
	int cols = 0;
	size_t i = 0;

	while (i < n) {
		uint32_t cp;

		i += wrap_decode(s + i, n - i, &cp);
		cols += wrap_cp_width(cp);
	}
	return cols;
}

size_t wrap_fit(const char *s, size_t n, int cols)
{
	size_t i = 0;
	int used = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = wrap_decode(s + i, n - i, &cp);
		int w = wrap_cp_width(cp);

		if (used + w > cols)
			break;
		used += w;
		i += len;
	}
	return i;
}

/* End (exclusive) of the row starting at `start`; *next is where the next row starts. */
static size_t row_end(const char *s, size_t n, size_t start, int width, size_t *next)
{
	size_t i = start, space_end = 0;
	int used = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = wrap_decode(s + i, n - i, &cp);
		int w = wrap_cp_width(cp);

		if (used + w > width && i > start) {
			if (cp == ' ') {             /* break at this space, drop it */
				*next = i + 1;
				return i;
			}
			if (space_end > start) {     /* break after the last space */
				*next = space_end;
				return space_end;
			}
			*next = i;
			return i;
		}
		used += w;
		i += len;
		if (cp == ' ')
			space_end = i;
	}
	*next = n;
	return n;
}

size_t wrap_rows(const char *s, size_t n, int width, int indent, size_t *starts, size_t max)
{
	size_t rows = 0, pos = 0;

	if (width < 1)
		width = 1;
	if (indent < 0 || indent >= width)
		indent = 0;
	do {
		size_t next;

		if (rows < max)
			starts[rows] = pos;
		row_end(s, n, pos, rows == 0 ? width : width - indent, &next);
		rows++;
		pos = next;
	} while (pos < n);
	return rows;
}

char *wrap_sanitize(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out = xmalloc(n * 3 + 1);   /* one bad byte becomes 3 bytes of U+FFFD */

	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = wrap_decode(s + i, n - i, &cp);

		if (cp == '\t')
			cp = ' ';
		else if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0))
			cp = 0xFFFD;
		if (cp == 0xFFFD || cp == ' ')
			o += wrap_encode(cp, out + o);
		else
			memcpy(out + o, s + i, len), o += len;
		i += len;
	}
	out[o] = '\0';
	return out;
}
