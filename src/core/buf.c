/* buf.c: a growable byte buffer with a read offset. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "util.h"

char *buf_reserve(struct buf *b, size_t n)
{
	if (b->off + b->len + n <= b->cap)
		return b->data + b->off + b->len;
	if (b->off > 0 && b->len + n <= b->cap) {
		/* Enough room once the consumed front is reclaimed. */
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
		return b->data + b->len;
	}
	if (b->off > 0) {
		memmove(b->data, b->data + b->off, b->len);
		b->off = 0;
	}
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + n) {
		if (cap > ((size_t)-1) / 2)
			fatal("buffer too large");
		cap *= 2;
	}
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
	return b->data + b->len;
}

void buf_commit(struct buf *b, size_t n)
{
	b->len += n;
}

void buf_append(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	memcpy(buf_reserve(b, n), p, n);
	b->len += n;
}

void buf_append_str(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	*buf_reserve(b, 1) = c;
	b->len++;
}

void buf_unappend(struct buf *b, size_t n)
{
	b->len -= n < b->len ? n : b->len;
}

void buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		b->off = 0;
		b->len = 0;
		return;
	}
	b->off += n;
	b->len -= n;
}

int buf_trim(struct buf *b)
{
	if (b->len != 0 || b->data == NULL)
		return 0;
	buf_free(b);
	return 1;
}

void buf_clear(struct buf *b)
{
	b->off = 0;
	b->len = 0;
}

void buf_free(struct buf *b)
{
	free(b->data);
	*b = (struct buf){ 0 };
}
