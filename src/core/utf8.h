/*
 * utf8.h: UTF-8 in one place: decoding, display width, and the sanitising policies
 * peer text goes through before it reaches a name table, other people's terminals,
 * the log, or our own screen. Pure except utf8_cp_width (wcwidth(3): set a UTF-8
 * locale first).
 *
 * A "control" is a C0 control (U+0000..U+001F), DEL (U+007F) or a C1 control
 * (U+0080..U+009F). Invalid UTF-8 is anything RFC 3629 refuses: stray continuation
 * bytes, overlong forms, surrogates, values past U+10FFFF, truncated sequences.
 */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>
#include <stdint.h>

#include "tclimits.h"

/* What utf8_clean does with a control and with an invalid byte:
 *   UTF8_NAME     refuse the text (returns UTF8_REFUSED); valid text is copied
 *   UTF8_MESSAGE  drop controls, TAB becomes a space, each invalid byte U+FFFD
 *   UTF8_LOG      controls, invalid bytes, '\\' and '"' become \xHH; at most
 *                 TC_LOG_PEER_TEXT_MAX input bytes, "..." when cut; one log line
 *   UTF8_DISPLAY  controls and each invalid byte become U+FFFD, TAB a space */
enum utf8_policy { UTF8_NAME, UTF8_MESSAGE, UTF8_LOG, UTF8_DISPLAY };

#define UTF8_REFUSED ((size_t)-1)
/* Output room that is always enough for n input bytes (with the NUL). */
#define UTF8_CLEAN_MAX(n) (3 * (n) + 1)
#define UTF8_LOG_MAX (4 * TC_LOG_PEER_TEXT_MAX + 8)   /* UTF8_LOG needs no more */

/* Clean in[0..n) by policy into out (outsz bytes, always NUL-terminated when outsz > 0;
 * output that would not fit is left out whole characters at a time). Returns the bytes
 * written, NUL excluded, or UTF8_REFUSED (UTF8_NAME only). */
size_t utf8_clean(enum utf8_policy policy, const char *in, size_t n, char *out, size_t outsz);

/* utf8_clean of the string s into a new string (xmalloc). NULL if refused. */
char *utf8_clean_str(enum utf8_policy policy, const char *s);

/* Why strict text (UTF8_NAME) is refused: the first fault in s[0..n). */
enum utf8_fault { UTF8_OK, UTF8_INVALID, UTF8_CONTROL };
enum utf8_fault utf8_check(const char *s, size_t n);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid/truncated. */
size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp);

/* Decode one code point at s (n bytes available). Returns its length (>= 1, 0 when
 * n == 0); an invalid or truncated sequence yields *cp = 0xFFFD and length 1. */
size_t utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Append the UTF-8 encoding of cp to out (4 bytes room). Returns bytes written. */
size_t utf8_encode(uint32_t cp, char *out);

/* Characters in s (bytes that are not continuation bytes). */
size_t utf8_chars(const char *s, size_t n);

/* The longest prefix of s[0..n) of at most max bytes that does not end inside a UTF-8
 * sequence (for cutting peer text to fit a message). */
size_t utf8_cut(const char *s, size_t n, size_t max);

/* Columns one code point takes: 0 for combining marks, 2 for wide ones, 1 otherwise
 * (control and unknown characters too). */
int utf8_cp_width(uint32_t cp);

/* Columns of the first n bytes of s (an invalid byte takes one column). */
int utf8_width(const char *s, size_t n);

/* Byte offset of the longest prefix of s (n bytes) that fits in cols columns. */
size_t utf8_fit(const char *s, size_t n, int cols);

#endif
