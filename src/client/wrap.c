/* wrap.c: line wrapping by display width. See wrap.h. */
#include <stdint.h>

#include "utf8.h"
#include "wrap.h"

/* End (exclusive) of the row starting at `start`; *next is where the next row starts. */
static size_t row_end(const char *s, size_t n, size_t start, int width, size_t *next)
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
