/* conn.c: the transport side of a connection (see conn.h). */
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "util.h"

struct conn *conn_new(struct transport *t, const char *peer, int64_t now_ms,
    struct conn_list *pending)
{
	struct conn *c = xcalloc(1, sizeof(*c));

	c->t = t;
	c->pending_list = pending;
	c->accepted_at = now_ms;
	strncpy(c->peer, peer, sizeof(c->peer) - 1);
	return c;
}

void conn_free(struct conn *c)
{
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
}

static void mark_pending(struct conn *c)
{
	if (!c->pending) {
		c->pending = true;
		c->pending_next = c->pending_list->head;
		c->pending_list->head = c;
	}
}

struct conn *conn_pending_take(struct conn_list *l)
{
	struct conn *c = l->head;

	if (c != NULL) {
		l->head = c->pending_next;
		c->pending = false;
		c->pending_next = NULL;
	}
	return c;
}

void conn_write(struct conn *c, const char *s, size_t n)
{
	if (c->closing)
		return;
	buf_append(&c->out, s, n);
	c->tail = 0;
	mark_pending(c);
}

char *conn_reserve(struct conn *c, size_t n)
{
	return buf_reserve(&c->out, n);
}

void conn_commit(struct conn *c, size_t n)
{
	buf_commit(&c->out, n);
	c->tail = 0;
	mark_pending(c);
}

void conn_set_tail(struct conn *c, size_t n)
{
	c->tail = n <= buf_len(&c->out) && n <= UINT8_MAX ? (uint8_t)n : 0;
}

bool conn_take_tail(struct conn *c)
{
	if (c->tail == 0 || buf_len(&c->out) < c->tail ||
	    buf_len(&c->out) - c->tail < c->blocked)
		return false;
	buf_unappend(&c->out, c->tail);
	c->tail = 0;
	return true;
}

bool conn_at_line_start(const struct conn *c)
{
	size_t n = buf_len(&c->out);

	return n == 0 || buf_data(&c->out)[n - 1] == '\n';
}

void conn_sent(struct conn *c, size_t n)
{
	buf_consume(&c->out, n);
	c->written += n;
	c->blocked = 0;          /* a write went through: the next one starts afresh */
	if (buf_len(&c->out) < c->tail)
		c->tail = 0;     /* (part of) it went out: it is on the screen now */
}

void conn_close(struct conn *c, const char *reason)
{
	if (c->closing)
		return;
	c->closing = true;
	c->close_reason = reason;
	mark_pending(c); /* the server frees closing connections after its flush */
}
