/* buf.h: a growable byte buffer with a read offset (a queue of bytes). Pure. */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>

struct buf {
	char *data;
	size_t off;   /* first unread byte */
	size_t len;   /* unread bytes, starting at data + off */
	size_t cap;
};

static inline const char *buf_data(const struct buf *b) { return b->data ? b->data + b->off : ""; }
static inline size_t buf_len(const struct buf *b) { return b->len; }

void buf_append(struct buf *b, const void *p, size_t n);
void buf_append_str(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
/* Make room for n more bytes and return where to write them; then buf_commit(n). */
char *buf_reserve(struct buf *b, size_t n);
void buf_commit(struct buf *b, size_t n);
/* Take back the last n bytes appended (n <= buf_len). */
void buf_unappend(struct buf *b, size_t n);
/* Drop n bytes from the front. An emptied buffer keeps its memory for reuse. */
void buf_consume(struct buf *b, size_t n);
/* Release the memory of an empty buffer (idle connections then cost nothing here).
 * Returns 1 if memory was released, else 0. */
int buf_trim(struct buf *b);
void buf_clear(struct buf *b);
void buf_free(struct buf *b);

#endif
