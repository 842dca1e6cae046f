/*
 * wrap.h: wrapping of UTF-8 text for the terminal, pure.
 *
 * Widths come from utf8_width (wcwidth(3)), so the caller sets a UTF-8 locale first.
 * Bytes that are not valid UTF-8 count as one column each (the screen shows them as
 * '?'); utf8_clean(UTF8_DISPLAY, ...) makes them and control characters harmless
 * before text is stored.
 */
#ifndef WRAP_H
#define WRAP_H

#include <stddef.h>

/* Split s (n bytes) into rows of at most width columns, breaking after a space when the
 * row has one, else between characters. Rows after the first are `indent` columns
 * narrower (a hanging indent; the caller draws them indented). starts[i] receives the
 * byte offset of row i (starts[0] = 0) for i < max. Returns the number of rows (>= 1,
 * even for empty text). A character wider than the row gets a row of its own. */
size_t wrap_rows(const char *s, size_t n, int width, int indent, size_t *starts, size_t max);

/* The first piece of s (n bytes) when it must go in lines of at most max bytes (at
 * least 8): the length of the piece; *next is where the rest starts. Cuts at the last
 * space that fits (the space dropped), else between UTF-8 characters; never so that
 * the rest starts with '/' (it would be taken for a command). n <= max: all of it. */
size_t wrap_split(const char *s, size_t n, size_t max, size_t *next);

#endif
