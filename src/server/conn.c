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

/* A prompt still waiting in the queue is dropped when a line follows it: the line
 * takes its place and a fresh prompt comes after (several lines reaching a receiver
 * in one loop pass get one repaint, not one per line). It always starts a line, so
 * no newline is needed before what replaces it. Returns true if one was dropped. */
static bool drop_queued_prompt(struct conn *c)
{
	if (c->prompt_tail == 0 || buf_len(&c->out) < c->prompt_tail)
		return false;
	buf_unappend(&c->out, c->prompt_tail);
	c->prompt_tail = 0;
	c->prompt_shown = false;
	return true;
}

void conn_sent(struct conn *c)
{
	if (buf_len(&c->out) < c->prompt_tail)
		c->prompt_tail = 0;      /* (part of) it went out: it is on the screen now */
}

void conn_put_raw(struct conn *c, const char *s, size_t n)
{
	if (c->closing)
		return;
	buf_append(&c->out, s, n);
	c->prompt_tail = 0;
	mark_pending(c);
}

void conn_put(struct conn *c, const struct conn_line *l)
{
	char *p;

	if (c->closing)
		return;
	drop_queued_prompt(c);
	c->prompt_tail = 0;
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

/* "[ts][name]:" at p; returns its length. p needs PROMPT_MAX bytes. */
#define PROMPT_MAX (TSTAMP_LEN + NAME_MAX_BYTES + 5)
static size_t render_prompt(const struct conn *c, char *p, time_t now)
{
	size_t nl = c->namelen;

	p[0] = '[';
	tstamp_format(now, p + 1);   /* writes a NUL that the next bytes overwrite */
	memcpy(p + 1 + TSTAMP_LEN, "][", 2);
	memcpy(p + 3 + TSTAMP_LEN, c->name, nl);
	memcpy(p + 3 + TSTAMP_LEN + nl, "]:", 2);
	return TSTAMP_LEN + nl + 5;
}

void conn_prompt(struct conn *c, time_t now)
{
	if (c->proto || c->prompt_shown || c->closing)
		return;
	if (c->state == CONN_NAMING) {
		conn_put_raw(c, NAME_PROMPT, sizeof(NAME_PROMPT) - 1);
	} else {
		size_t before = buf_len(&c->out), n;
		char *p = buf_reserve(&c->out, PROMPT_MAX + 1);

		n = render_prompt(c, p, now);
		buf_commit(&c->out, n);
		/* Only a prompt known to start a line may be replaced later. */
		c->prompt_tail = (before == 0 || buf_data(&c->out)[before - 1] == '\n') ?
		    (uint8_t)n : 0;
		mark_pending(c);
	}
	c->prompt_shown = true;
}

void conn_deliver(struct conn *c, const struct conn_line *l, time_t now)
{
	size_t pre, n;
	char *p;

	if (c->closing)
		return;
	if (c->proto || c->state == CONN_NAMING) {
		conn_put(c, l);
		conn_prompt(c, now);
		return;
	}
	/* The hot path of every broadcast: newline, line, newline, prompt, in one go. */
	drop_queued_prompt(c);
	pre = c->prompt_shown ? 1 : 0;
	p = buf_reserve(&c->out, pre + l->nclen + 1 + PROMPT_MAX + 1);
	p[0] = '\n';
	memcpy(p + pre, l->nc, l->nclen);
	n = pre + l->nclen;
	p[n++] = '\n';
	c->prompt_tail = (uint8_t)render_prompt(c, p + n, now);
	buf_commit(&c->out, n + c->prompt_tail);
	c->prompt_shown = true;
	mark_pending(c);
}

static void put_notice(struct conn *c, const char *type, const char *text)
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
	put_notice(c, "INFO", text);
}

void conn_error(struct conn *c, const char *text)
{
	put_notice(c, "ERR", text);
}

void conn_set_name(struct conn *c, const char *name)
{
	size_t n = strlen(name);

	memcpy(c->name, name, n + 1);
	c->namelen = (uint8_t)n;
}

void conn_close(struct conn *c, const char *reason)
{
	if (c->closing)
		return;
	c->closing = true;
	c->close_reason = reason;
	mark_pending(c); /* the server frees closing connections after its flush */
}
