/* chatfix.h: a chat without sockets for one cmocka program (header only, static), as
 * tests/fuzz/fuzz_conn.c drives it: connections without a transport
 * (conn_new(NULL, ...)), a session on a front for each, input appended to c->in and
 * handled by session_input(), output taken from c->out. fx_init() in a setup,
 * fx_free() in its teardown; TZ is UTC so that rendered times are exact. */
#ifndef CHATFIX_H
#define CHATFIX_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "conn.h"
#include "log.h"
#include "irc_bridge.h"
#include "session.h"
#include "text.h"
#include "unsafe.h"

static struct chat fx_ch;
static struct conn_list fx_pending;

static inline void fx_init(size_t max_line, int rate, size_t history)
{
	setenv("TZ", "UTC", 1);
	tzset();
	log_set_level(LOG_ERROR - 1);
	chat_init(&fx_ch, max_line, rate, history);
}

/* The server's before_sleep(): take everything off the pending list. */
static inline void fx_drain(void)
{
	while (conn_pending_take(&fx_pending) != NULL)
		;
}

/* The IRC module given to front_irc connections (fx_irc), NULL until made. */
static struct irc_bridge *fx_irc_bridge;

/* (Re)make the IRC module, as the server does at setup, named server. */
static inline void fx_irc(const char *server)
{
	irc_bridge_free(fx_irc_bridge);
	fx_irc_bridge = irc_bridge_new(&fx_ch, server);
}

static inline void fx_free(void)
{
	fx_drain();
	irc_bridge_free(fx_irc_bridge);
	fx_irc_bridge = NULL;
	chat_free(&fx_ch);
}

static inline struct session *fx_sess(struct conn *c)
{
	return c->owner;
}

/* A new connection speaking front, not greeted yet (the text front waits). */
static inline struct conn *fx_conn_on(const struct front *front, int64_t now_ms)
{
	struct conn *c = conn_new(NULL, "127.0.0.1:4242", now_ms, &fx_pending);

	c->owner = session_new(&fx_ch, front, front == &front_irc ? (void *)fx_irc_bridge : NULL,
	    c, now_ms);
	return c;
}

/* Bytes in at now_ms; returns session_input's answer (throttled). */
static inline bool fx_feed_at(struct conn *c, const char *s, size_t n, int64_t now_ms)
{
	buf_append(&c->in, s, n);
	return session_input(&fx_ch, fx_sess(c), now_ms);
}

static inline bool fx_feed(struct conn *c, const char *s)
{
	return fx_feed_at(c, s, strlen(s), 0);
}

/* c's queued output as a string, consumed (as if written), time stamps left as sent. */
static inline const char *fx_raw(struct conn *c)
{
	static char s[65536];
	size_t n = buf_len(&c->out) < sizeof(s) - 1 ? buf_len(&c->out) : sizeof(s) - 1;

	if (n > 0)
		memcpy(s, buf_data(&c->out), n);
	s[n] = '\0';
	conn_sent(c, buf_len(&c->out));
	return s;
}

/* The same with every time stamp replaced: "T" for "YYYY-MM-DD HH:MM:SS", "U" for
 * "YYYY-MM-DDTHH:MM:SSZ". */
static inline const char *fx_out(struct conn *c)
{
	static char s[65536];
	const char *p = fx_raw(c);
	size_t o = 0, n = strlen(p);

	for (size_t i = 0; i < n && o + 1 < sizeof(s);) {
		if (i + 20 <= n && p[i + 4] == '-' && p[i + 7] == '-' && p[i + 10] == 'T' &&
		    p[i + 13] == ':' && p[i + 16] == ':' && p[i + 19] == 'Z') {
			s[o++] = 'U';
			i += 20;
		} else if (i + 19 <= n && p[i + 4] == '-' && p[i + 7] == '-' && p[i + 10] == ' ' &&
		    p[i + 13] == ':' && p[i + 16] == ':') {
			s[o++] = 'T';
			i += 19;
		} else {
			s[o++] = p[i++];
		}
	}
	s[o] = '\0';
	return s;
}

/* What is still buffered in c's input, as a string. */
static inline const char *fx_in(const struct conn *c)
{
	static char s[65536];
	size_t n = buf_len(&c->in) < sizeof(s) - 1 ? buf_len(&c->in) : sizeof(s) - 1;

	if (n > 0)
		memcpy(s, buf_data(&c->in), n);
	s[n] = '\0';
	return s;
}

/* An nc user named name, greeted, its output so far dropped. */
static inline struct conn *fx_named(const char *name)
{
	struct conn *c = fx_conn_on(&front_text, 0);
	char line[64];

	session_greet(&fx_ch, fx_sess(c));
	snprintf(line, sizeof(line), "%s\n", name);
	fx_feed(c, line);
	buf_clear(&c->out);
	return c;
}

/* A user of the client dialect (version 1 or 2) named name, its output dropped. */
static inline struct conn *fx_client(const char *name, int version)
{
	struct conn *c = fx_conn_on(&front_text, 0);
	char line[80];

	session_greet(&fx_ch, fx_sess(c));
	snprintf(line, sizeof(line), "/TCPCHAT %d\n%s\n", version, name);
	fx_feed(c, line);
	buf_clear(&c->out);
	return c;
}

/* c leaves and is freed, as the server's finish_conn() does. */
static inline void fx_done(struct conn *c)
{
	session_leave(&fx_ch, fx_sess(c));
	fx_drain();
	session_free(fx_sess(c));
	conn_free(c);
}

#endif
