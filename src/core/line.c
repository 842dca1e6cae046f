/* line.c: framing of peer input (LF or CRLF, a length limit). */
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

void line_trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' '))
		(*s)++, (*n)--;
	while (*n > 0 && (*s)[*n - 1] == ' ')
		(*n)--;
}
