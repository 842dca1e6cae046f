/* session.c: a local connection's input, framed and rate-limited (see session.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat_check.h"
#include "session.h"
#include "tclimits.h"
#include "util.h"

struct session *session_new(struct chat *ch, const struct front *front, void *front_arg,
    struct conn *c, int64_t now_ms)
{
	struct session *s = xcalloc(1, sizeof(*s));

	member_init(&s->m, c);
	s->front = front;
	s->tokens_at = now_ms;
	front->attach(ch, s, front_arg);
	if (front->before_greet == NULL)
		session_greet(ch, s);
	return s;
}

void session_free(struct session *s)
{
	s->front->detach(s);
	member_release(&s->m);
	free(s);
}

void session_greet(struct chat *ch, struct session *s)
{
	if (s->greeted)
		return;
	s->greeted = true;
	s->tokens = ch->cfg.rate_limit * TC_RATE_BURST_SECONDS;
	if (s->front->greet != NULL)
		s->front->greet(ch, s);
}

bool session_greet_waits(const struct session *s)
{
	return s->front->greet_wait && !s->greeted;
}

void session_tick(struct chat *ch, struct session *s, time_t now)
{
	if (s->front->tick != NULL)
		s->front->tick(ch, s, now);
}

int session_trim(struct session *s)
{
	return s->front->trim != NULL ? s->front->trim(s) : 0;
}

static bool handle_input(struct chat *ch, struct session *s, bool limited, long *budget);

/* --- the rate limit ---------------------------------------------------------------- */

static void refill(const struct chat *ch, struct session *s, int64_t now_ms)
{
	double burst = (double)ch->cfg.rate_limit * TC_RATE_BURST_SECONDS;

	s->tokens += (double)(now_ms - s->tokens_at) * ch->cfg.rate_limit / 1000.0;
	if (s->tokens > burst)
		s->tokens = burst;
	s->tokens_at = now_ms;
}

int64_t session_throttle_ms(const struct chat *ch, const struct session *s)
{
	if (ch->cfg.rate_limit <= 0 || s->tokens >= 1)
		return 0;
	return (int64_t)((1 - s->tokens) * 1000.0 / ch->cfg.rate_limit) + 1;
}

void session_charge(struct session *s, unsigned lines)
{
	unsigned total = s->m.penalty + lines;

	s->m.penalty = total > UINT8_MAX ? UINT8_MAX : (uint8_t)total;
}

/* One line's cost in tokens: one, plus what it made the server send back to this
 * connection (history, lists), so that no command is a free amplifier. Taking the
 * name (and the first history replay with it) costs one. */
static double line_cost(const struct session *s, bool was_named, size_t before)
{
	size_t after = buf_len(&s->m.conn->out);

	if (!was_named || after <= before)
		return 1;
	return 1 + (double)((after - before) / TC_OUTPUT_BYTES_PER_TOKEN);
}

/* Handle one line (or an over-long one) at the front of the input; returns the bytes
 * used, 0 when no complete line is buffered; what it cost in tokens in *cost. */
static size_t handle_one(struct chat *ch, struct session *s, long *cost)
{
	struct conn *c = s->m.conn;
	bool was_named = session_named(s);
	size_t before = buf_len(&c->out), len, used;
	const char *line;

	*cost = 1;
	switch (line_next(&s->reader, &c->in, s->front->line_max(ch), &line, &len, &used)) {
	case LINE_OK:
		s->front->line(ch, s, line, len);
		*cost = (long)line_cost(s, was_named, before) + s->m.penalty;
		s->m.penalty = 0;
		break;
	case LINE_TOO_LONG:
		s->front->too_long(ch, s);
		break;
	case LINE_NONE:
		return used;
	}
	s->tokens -= (double)*cost;
	return used;
}

static bool line_waiting(const struct conn *c)
{
	return memchr(buf_data(&c->in), '\n', buf_len(&c->in)) != NULL;
}

/* Handle the buffered lines: with limited, stop when the tokens run out; with a
 * budget >= 0, when that many tokens are spent (a line costs what it costs in the rate
 * limit: a list of targets, a line per target). */
static bool handle_input(struct chat *ch, struct session *s, bool limited, long *budget)
{
	struct conn *c = s->m.conn;
	size_t used;
	long cost;

	while (!c->closing && buf_len(&c->in) > 0) {
		if (s->wait != NULL || s->m.check != NULL)
			return false;
		if (limited && s->tokens < 1 && line_waiting(c))
			return true;
		if (budget != NULL && *budget == 0)
			return false;
		used = handle_one(ch, s, &cost);
		if (used == 0)
			break;
		buf_consume(&c->in, used);
		if (budget != NULL && *budget > 0)
			*budget = *budget > cost ? *budget - cost : 0;
	}
	return false;
}

bool session_input(struct chat *ch, struct session *s, int64_t now_ms)
{
	if (!s->greeted) {
		if (s->front->before_greet(ch, s))
			return false;
		session_greet(ch, s);
	}
	if (ch->cfg.rate_limit > 0)
		refill(ch, s, now_ms);
	return handle_input(ch, s, ch->cfg.rate_limit > 0, NULL);
}

/* Drop the complete lines at the front of the input; returns how many. */
static long drop_lines(struct conn *c)
{
	const char *p = buf_data(&c->in), *nl, *end = p + buf_len(&c->in);
	long n = 0;

	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		p = nl + 1;
		n++;
	}
	buf_consume(&c->in, (size_t)(p - buf_data(&c->in)));
	return n;
}

long session_drain(struct chat *ch, struct session *s, long *budget)
{
	struct conn *c = s->m.conn;

	if (c->closing)
		return 0;
	if (!s->greeted) {      /* hung up within the wait: look at what it sent, then greet */
		if (s->front->before_greet(ch, s) && c->closing)
			return 0;
		session_greet(ch, s);
	}
	handle_input(ch, s, false, *budget >= 0 ? budget : NULL);
	return c->closing ? 0 : drop_lines(c);
}

long session_input_end(struct chat *ch, struct session *s, long *budget)
{
	struct conn *c = s->m.conn;
	long dropped = 0;

	if (buf_len(&c->in) > 0 && !c->closing) {
		if (buf_data(&c->in)[buf_len(&c->in) - 1] != '\n')
			buf_putc(&c->in, '\n');    /* a last line without its newline */
		dropped = session_drain(ch, s, budget);
	}
	buf_free(&c->in);
	return dropped;
}

void session_resume(struct chat *ch, struct session *s)
{
	/* What the answer cost (a wrong password) is charged before the next line. */
	s->tokens -= s->m.penalty;
	s->m.penalty = 0;
	if (!s->m.conn->closing)
		handle_input(ch, s, ch->cfg.rate_limit > 0, NULL);   /* what came meanwhile */
}

void session_resume_member(struct chat *ch, struct member *m)
{
	session_resume(ch, session_of_member(m));
}

long session_burst(const struct chat *ch)
{
	return ch->cfg.rate_limit > 0 ? (long)ch->cfg.rate_limit * TC_RATE_BURST_SECONDS : -1;
}

void session_leave(struct chat *ch, struct session *s)
{
	chat_claim_cancel(ch, s->wait);
	s->wait = NULL;
	chat_check_cancel(ch, &s->m);
	chat_leave(ch, &s->m, NULL);
}
