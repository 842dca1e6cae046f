/*
 * wrap.h: display width and wrapping of UTF-8 text for the terminal, pure.
 *
 * Decoding is our own (independent of the locale); widths come from wcwidth(3), so the
 * caller sets a UTF-8 locale first. Bytes that are not valid UTF-8 count as one column
 * each (the screen shows them as '?'); wrap_sanitize makes them and control characters
 * harmless before text is stored.
 */
#ifndef WRAP_H
#define WRAP_H

#include <stddef.h>
#include <stdint.h>

/* Decode one code point at s (n bytes available). Returns its length (>= 1); an invalid
 * or truncated sequence yields *cp = 0xFFFD and length 1. */
size_t wrap_decode(const char *s, size_t n, uint32_t *cp);

/* Columns one code point takes: 0 for combining marks, 2 for wide ones, 1 otherwise
 * (control and unknown characters too). */
int wrap_cp_width(uint32_t cp);

/* Columns of the first n bytes of s. */
int wrap_width(const char *s, size_t n);

/* Byte offset of the longest prefix of s (n bytes) that fits in cols columns. */
size_t wrap_fit(const char *s, size_t n, int cols);

/* Split s (n bytes) into rows of at most width columns, breaking after a space when the
 * row has one, else between characters. Rows after the first are `indent` columns
 * narrower (a hanging indent; the caller draws them indented). starts[i] receives the
 * byte offset of row i (starts[0] = 0) for i < max. Returns the number of rows (>= 1,
 * even for empty text). A character wider than the row gets a row of its own. */
size_t wrap_rows(const char *s, size_t n, int width, int indent, size_t *starts, size_t max);

/* Copy of s with control characters and invalid UTF-8 replaced (TAB becomes a space,
 * others U+FFFD). The result is malloc'd (xmalloc). */
char *wrap_sanitize(const char *s);

/* Append the UTF-8 encoding of cp to out (4 bytes room). Returns bytes written. */
size_t wrap_encode(uint32_t cp, char *out);

#endif
