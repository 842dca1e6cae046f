/* conn.c: one connection's state and its output in either dialect. */
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "tstamp.h"
#include "util.h"

#define NAME_PROMPT "[ENTER YOUR NAME]:"

static struct conn *pending_head;

struct conn *conn_new(int fd, const char *peer, int64_t now_ms)
{
	struct conn *c = xcalloc(1, sizeof(*c));

	c->fd = fd;
	c->accepted_at = now_ms;
	c->tokens_at = now_ms;
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
		c->pending_next = pending_head;
		pending_head = c;
	}
}

struct conn *conn_pending_take(void)
{
	struct conn *c = pending_head;

	if (c != NULL) {
		pending_head = c->pending_next;
		c->pending = false;
		c->pending_next = NULL;
	}
	return c;
}

void conn_put_raw(struct conn *c, const char *s, size_t n)
{
	if (c->closing)
		return;
	buf_append(&c->out, s, n);
	mark_pending(c);
}

void conn_put(struct conn *c, const struct conn_line *l)
{
	char *p;

	if (c->closing)
		return;
	if (c->proto) {
		p = buf_reserve(&c->out, l->protolen + 1);
		memcpy(p, l->proto, l->protolen);
		p[l->protolen] = '\n';
		buf_commit(&c->out, l->protolen + 1);
	} else {
		size_t pre = c->prompt_shown ? 1 : 0;

		p = buf_reserve(&c->out, pre + l->nclen + 1);
		if (pre)
			p[0] = '\n';
		memcpy(p + pre, l->nc, l->nclen);
		p[pre + l->nclen] = '\n';
		buf_commit(&c->out, pre + l->nclen + 1);
		c->prompt_shown = false;
	}
	mark_pending(c);
}

void conn_prompt(struct conn *c, time_t now)
{
	char ts[TSTAMP_LEN + 1];
	size_t nl;
	char *p;

	if (c->proto || c->prompt_shown || c->closing)
		return;
	if (c->state == CONN_NAMING) {
		conn_put_raw(c, NAME_PROMPT, sizeof(NAME_PROMPT) - 1);
	} else {
		tstamp_format(now, ts);
		nl = strlen(c->name);
		p = buf_reserve(&c->out, TSTAMP_LEN + nl + 5);
		p[0] = '[';
		memcpy(p + 1, ts, TSTAMP_LEN);
		memcpy(p + 1 + TSTAMP_LEN, "][", 2);
		memcpy(p + 3 + TSTAMP_LEN, c->name, nl);
		memcpy(p + 3 + TSTAMP_LEN + nl, "]:", 2);
		buf_commit(&c->out, TSTAMP_LEN + nl + 5);
		mark_pending(c);
	}
	c->prompt_shown = true;
}

static void notice(struct conn *c, const char *type, const char *text)
{
	size_t tl = strlen(type), n = strlen(text);
	char *rec = xmalloc(tl + 1 + n);
	struct conn_line l = { .nc = text, .nclen = n, .proto = rec, .protolen = tl + 1 + n };

	memcpy(rec, type, tl);
	rec[tl] = '\t';
	memcpy(rec + tl + 1, text, n);
	conn_put(c, &l);
	free(rec);
}

void conn_info(struct conn *c, const char *text)
{
	notice(c, "INFO", text);
}

void conn_error(struct conn *c, const char *text)
{
	notice(c, "ERR", text);
}

void conn_close(struct conn *c, const char *reason)
{
	if (c->closing)
		return;
	c->closing = true;
	c->close_reason = reason;
	mark_pending(c); /* the server frees closing connections after its flush */
}
