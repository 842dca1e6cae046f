/* line.c: framing (LF or CRLF, a length limit) and sanitising of peer input. */
#include <string.h>

#include "line.h"

enum line_result line_next(struct line_reader *r, struct buf *in, size_t max,
    const char **line, size_t *len, size_t *used)
{
	const char *p = buf_data(in);
	size_t n = buf_len(in);
	const char *nl;

	*used = 0;
	if (n == 0)
		return LINE_NONE;
	nl = memchr(p, '\n', n);
	if (nl == NULL) {
		if (r->discarding) {
			*used = n;
			return LINE_NONE;
		}
		if (n > max + 1) {      /* + 1: room for the CR of a CRLF */
				r->discarding = true;
			*used = n;
			return LINE_TOO_LONG;
		}
		return LINE_NONE;
	}
	size_t l = (size_t)(nl - p);

	*used = l + 1;
	if (r->discarding) {
		r->discarding = false;
		*line = p;
		*len = 0;
		return LINE_NONE; /* the tail of a line already reported; caller loops */
	}
	if (l > 0 && p[l - 1] == '\r')
		l--;
	if (l > max)
		return LINE_TOO_LONG;
	*line = p;
	*len = l;
	return LINE_OK;
}

size_t line_utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
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

size_t line_sanitize(const char *in, size_t n, char *out)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t i = 0, o = 0;

	while (i < n) {
		unsigned cp;
		size_t k = line_utf8_seq(s + i, n - i, &cp);

		if (k == 0) {
			memcpy(out + o, "\xef\xbf\xbd", 3); /* U+FFFD */
			o += 3;
			i++;
			continue;
		}
		if (cp == '\t')
			out[o++] = ' ';
		else if (cp >= 0x20 && cp != 0x7f && !(cp >= 0x80 && cp <= 0x9f)) {
			memcpy(out + o, s + i, k);
			o += k;
		}
		i += k;
	}
	return o;
}

void line_trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' '))
		(*s)++, (*n)--;
	while (*n > 0 && (*s)[*n - 1] == ' ')
		(*n)--;
}

size_t line_utf8_chars(const char *s, size_t n)
{
	size_t chars = 0;

	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			chars++;
	return chars;
}

size_t line_utf8_cut(const char *s, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return max;
}
