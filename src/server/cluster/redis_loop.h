/*
 * redis_loop.h: one Redis connection driven by our poll() loop (loop.h), through
 * hiredis's async API (0.14: it gives the addRead/delRead/addWrite/delWrite/cleanup
 * hooks and nothing else). On top of hiredis this module adds what 0.14 lacks:
 *
 *   - a connect timeout and a command timeout, both on the loop's timers: a command
 *     not answered in time drops the connection (every pending callback then runs
 *     with a NULL reply), so a stopped or unreachable Redis never stalls anyone;
 *   - reconnection with exponential backoff, and on_up / on_down callbacks, each
 *     called once per transition;
 *   - the URLs redis://HOST[:PORT][/DB] and unix:/PATH (SELECT DB before on_up).
 *
 * Nothing here blocks the loop, except that HOST is resolved once, in
 * redis_loop_new (at setup, before the loop runs); reconnects use that address.
 *
 * A connection is either a command connection (redis_loop_command) or, once
 * redis_loop_subscribe was called on it, a subscriber one whose messages go to
 * on_message (Redis does not take other commands in that mode). Subscriptions are
 * not remembered across a reconnect: on_up is where to subscribe again.
 */
#ifndef REDIS_LOOP_H
#define REDIS_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loop.h"
#include "tclimits.h"

struct redis_loop;
struct redisReply;

#define REDIS_URL_HOST_MAX 255
#define REDIS_URL_PATH_MAX 107   /* sun_path less its NUL */

struct redis_url {
	bool unix_socket;
	char host[REDIS_URL_HOST_MAX + 1];   /* TCP: a name or an address */
	int port;                            /* TCP */
	char path[REDIS_URL_PATH_MAX + 1];   /* unix */
	int db;                              /* SELECTed after connect; 0 by default */
};

/* Parse url into out. 0, or -1 with the reason in err. */
int redis_loop_parse_url(const char *url, struct redis_url *out, char *err, size_t errsz);

/* reply is NULL when the connection was lost (or timed out) before the answer. */
typedef void (*redis_loop_reply_cb)(struct redis_loop *rl, struct redisReply *reply, void *arg);
typedef void (*redis_loop_msg_cb)(void *arg, const char *channel, size_t chlen,
    const char *payload, size_t len);

struct redis_loop_config {
	int connect_timeout_ms;   /* 0: TC_REDIS_CONNECT_TIMEOUT_MS */
	int command_timeout_ms;   /* 0: TC_REDIS_COMMAND_TIMEOUT_MS */
	int backoff_min_ms;       /* 0: TC_REDIS_RECONNECT_MIN_MS */
	int backoff_max_ms;       /* 0: TC_REDIS_RECONNECT_MAX_MS */
	void (*on_up)(void *arg);                     /* connected (and SELECTed) */
	void (*on_down)(void *arg, const char *why);  /* was up, is not any more */
	redis_loop_msg_cb on_message;                 /* a pub/sub message */
	void (*on_subscribed)(void *arg, const char *channel);  /* SUBSCRIBE confirmed */
	void *arg;
	const char *label;        /* for log lines ("redis", "redis-sub") */
};

/* Parse url, resolve its host, and start connecting. NULL with err on a bad URL or an
 * unknown host; a Redis that is down is not an error (it is retried). */
struct redis_loop *redis_loop_new(struct loop *loop, const char *url,
    const struct redis_loop_config *cfg, char *err, size_t errsz);
/* Close (pending callbacks run with NULL first), cancel the timers, free. */
void redis_loop_free(struct redis_loop *rl);

bool redis_loop_up(const struct redis_loop *rl);
/* Connections made so far (1 after the first connect, 2 after one reconnect...). */
unsigned long redis_loop_connects(const struct redis_loop *rl);
/* Drop the connection now and reconnect after the backoff (as a timeout would). */
void redis_loop_drop(struct redis_loop *rl, const char *why);

/* Send a command (hiredis format, or an argv). cb may be NULL. Returns 0, or -1 when
 * the connection is not up (cb is then never called). */
int redis_loop_command(struct redis_loop *rl, redis_loop_reply_cb cb, void *arg,
    const char *fmt, ...);
int redis_loop_commandv(struct redis_loop *rl, redis_loop_reply_cb cb, void *arg,
    int argc, const char **argv, const size_t *argvlen);

/* SUBSCRIBE / UNSUBSCRIBE one channel (messages go to cfg->on_message). 0 or -1. */
int redis_loop_subscribe(struct redis_loop *rl, const char *channel);
int redis_loop_unsubscribe(struct redis_loop *rl, const char *channel);

#endif
