/* line.h: line framing of peer input. Pure: no syscalls. Sanitising is in utf8.h. */
#ifndef LINE_H
#define LINE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

struct line_reader {
	bool discarding; /* inside an over-long line: drop bytes up to its newline */
};

enum line_result {
	LINE_NONE,     /* no complete line buffered */
	LINE_OK,       /* line and len hold one line, without its LF or CRLF */
	LINE_TOO_LONG, /* a line over the limit was, or is being, discarded */
};

/* Take the next line out of in. The returned line points into in's storage and is
 * valid until in is changed; call line_done(in, ...) after using it. An over-long line is
 * reported once, when it is first seen, and its bytes are dropped as they arrive, so it
 * is never buffered whole. */
enum line_result line_next(struct line_reader *r, struct buf *in, size_t max,
    const char **line, size_t *len, size_t *used);

/* Trim ASCII spaces at both ends (in place on the bounds). */
void line_trim(const char **s, size_t *n);

#endif
