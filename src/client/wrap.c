/* wrap.c: line wrapping by display width. See wrap.h. */
#include <stdint.h>

#include "utf8.h"
#include "wrap.h"

/* Columns of the word starting at s[i] (up to the next space or the end). */
static int word_width(const char *s, size_t n, size_t i)
{
	int w = 0;

	while (i < n && s[i] != ' ') {
		uint32_t cp;

		i += utf8_decode(s + i, n - i, &cp);
		w += utf8_cp_width(cp);
	}
	return w;
}

/* End (exclusive) of the row starting at `start`; *next is where the next row starts.
 * A word too wide for a whole next row (of next_width columns) is not moved there: it
 * starts on this row and is cut, so the row above is not left (nearly) empty. */
static size_t row_end(const char *s, size_t n, size_t start, int width, int next_width,
    size_t *next)
{
	size_t i = start, space_end = 0;
	int used = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);
		int w = utf8_cp_width(cp);

		if (used + w > width && i > start) {
			if (cp == ' ') {             /* break at this space, drop it */
				*next = i + 1;
				return i;
			}
			if (space_end > start && word_width(s, n, space_end) <= next_width) {
				/* break after the last space */
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
		row_end(s, n, pos, rows == 0 ? width : width - indent, width - indent, &next);
		rows++;
		pos = next;
	} while (pos < n);
	return rows;
}

/* Back from i to the start of its UTF-8 character. */
static size_t char_start(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	return i;
}

size_t wrap_split(const char *s, size_t n, size_t max, size_t *next)
{
	size_t cut;

	if (max < 8)
		max = 8;         /* room for a UTF-8 character and a slash to step over */
	if (n <= max) {
		*next = n;
		return n;
	}
	for (size_t i = max; i > 0; i--) {      /* after the last space that fits */
		if (s[i] == ' ' && i + 1 < n && s[i + 1] != '/' && s[i + 1] != ' ') {
			*next = i + 1;
			return i;
		}
	}
	cut = char_start(s, max);
	if (cut > 0 && s[cut] == '/')
		cut = char_start(s, cut - 1);
	if (cut == 0)
		cut = max;       /* not UTF-8: cut anyway, never an empty piece */
	*next = cut;
	return cut;
}
