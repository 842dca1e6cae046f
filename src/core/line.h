/* line.h: line framing and sanitising of peer input. Pure: no syscalls. */
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

/* Sanitise text for other people's terminals: remove C0 controls (except TAB, which
 * becomes a space), DEL and C1 controls; replace each invalid UTF-8 sequence by
 * U+FFFD; keep valid UTF-8. out needs room for 3 * n bytes. Returns bytes written. */
size_t line_sanitize(const char *in, size_t n, char *out);

/* Trim ASCII spaces at both ends (in place on the bounds). */
void line_trim(const char **s, size_t *n);

/* Code points in valid UTF-8 text. */
size_t line_utf8_chars(const char *s, size_t n);

/* The longest prefix of s[0..n) of at most max bytes that does not end inside a UTF-8
 * sequence (for cutting peer text to fit a message). */
size_t line_utf8_cut(const char *s, size_t n, size_t max);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid/truncated. */
size_t line_utf8_seq(const unsigned char *s, size_t n, unsigned *cp);

#endif
