/* redis_loop.c: hiredis's async API on our poll() loop, with connect and command
 * timeouts and reconnection. See redis_loop.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include "log.h"
#include "redis_loop.h"
#include "util.h"

/* A command waiting for its reply, oldest first (Redis answers in order). */
struct pending {
	struct redis_loop *rl;
	redis_loop_reply_cb cb;
	void *arg;
	int64_t deadline;
	struct pending *prev, *next;
};

struct redis_loop {
	struct loop *loop;
	struct redis_url url;
	char addr[INET6_ADDRSTRLEN];       /* HOST resolved once */
	struct redis_loop_config cfg;
	redisAsyncContext *ac;
	bool watched;                      /* ac's fd is in the loop */
	int fd;
	short events;
	bool up;                           /* connected and SELECTed */
	bool subscriber;
	bool freeing;
	unsigned long connects;
	int backoff_ms;
	uint64_t retry_timer, connect_timer, command_timer;
	struct pending *head, *tail;
};

static void start(struct redis_loop *rl);
static void lost(struct redis_loop *rl, const char *why);

/* --- URLs ------------------------------------------------------------------------ */

static int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

static int parse_unix(const char *path, struct redis_url *out, char *err, size_t errsz)
{
	if (path[0] != '/' || strlen(path) > REDIS_URL_PATH_MAX) {
		snprintf(err, errsz, "unix: needs an absolute path of at most %d bytes",
		    REDIS_URL_PATH_MAX);
		return -1;
	}
	out->unix_socket = true;
	memcpy(out->path, path, strlen(path) + 1);
	return 0;
}

/* HOST, [V6] or HOST:PORT into out; hp is modified. */
static int parse_hostport(char *hp, struct redis_url *out)
{
	char *host = hp, *port = NULL;

	if (hp[0] == '[') {
		char *close = strchr(hp, ']');

		if (close == NULL || (close[1] != '\0' && close[1] != ':'))
			return -1;
		*close = '\0';
		host = hp + 1;
		port = close[1] == ':' ? close + 2 : NULL;
	} else if ((port = strchr(hp, ':')) != NULL) {
		*port++ = '\0';
	}
	if (host[0] == '\0' || strlen(host) > REDIS_URL_HOST_MAX)
		return -1;
	memcpy(out->host, host, strlen(host) + 1);
	return port == NULL ? 0 : parse_int(port, 1, 65535, &out->port);
}

int redis_loop_parse_url(const char *url, struct redis_url *out, char *err, size_t errsz)
{
	static const char scheme[] = "redis://";
	char hp[REDIS_URL_HOST_MAX + 16], *slash;

	*out = (struct redis_url){ .port = 6379 };
	if (strncmp(url, "unix:", 5) == 0)
		return parse_unix(url + 5, out, err, errsz);
	if (strncmp(url, scheme, sizeof(scheme) - 1) != 0) {
		snprintf(err, errsz, "a Redis URL is redis://HOST[:PORT][/DB] or unix:/PATH");
		return -1;
	}
	url += sizeof(scheme) - 1;
	if (strlen(url) >= sizeof(hp)) {
		snprintf(err, errsz, "the Redis URL is too long");
		return -1;
	}
	memcpy(hp, url, strlen(url) + 1);
	slash = strchr(hp, '/');
	if (slash != NULL)
		*slash++ = '\0';
	if (slash != NULL && *slash != '\0' && parse_int(slash, 0, 1000000, &out->db) != 0) {
		snprintf(err, errsz, "the database in a Redis URL is a number");
		return -1;
	}
	if (parse_hostport(hp, out) != 0) {
		snprintf(err, errsz, "a Redis URL is redis://HOST[:PORT][/DB] (port 1 to 65535)");
		return -1;
	}
	return 0;
}

/* Resolved once, at setup: hiredis would call getaddrinfo on every connect. */
static int resolve(struct redis_loop *rl, char *err, size_t errsz)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	const void *a;
	int rc;

	if (rl->url.unix_socket)
		return 0;
	rc = getaddrinfo(rl->url.host, NULL, &hints, &res);
	if (rc != 0) {
		snprintf(err, errsz, "Redis host %s: %s", rl->url.host, gai_strerror(rc));
		return -1;
	}
	if (res->ai_family == AF_INET6)
		a = &((struct sockaddr_in6 *)(void *)res->ai_addr)->sin6_addr;
	else
		a = &((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr;
	inet_ntop(res->ai_family, a, rl->addr, sizeof(rl->addr));
	freeaddrinfo(res);
	return 0;
}

/* --- the hiredis event hooks ----------------------------------------------------- */

static void on_fd(struct loop *loop, int fd, short revents, void *arg)
{
	struct redis_loop *rl = arg;
	redisAsyncContext *ac = rl->ac;
	short want = rl->events;

	(void)loop;
	(void)fd;
	if (ac == NULL)
		return;
	if (revents & POLLNVAL)
		revents |= POLLERR;
	/* An error or a hang-up goes to whichever side hiredis waits on. */
	if ((revents & POLLIN) || ((revents & (POLLHUP | POLLERR)) && (want & POLLIN)))
		redisAsyncHandleRead(ac);
	if (rl->ac != ac)
		return;             /* freed by the read */
	if ((revents & POLLOUT) || ((revents & (POLLHUP | POLLERR)) && !(want & POLLIN)))
		redisAsyncHandleWrite(ac);
}

static void watch(struct redis_loop *rl, short add, short del)
{
	rl->events = (short)((rl->events | add) & ~del);
	if (rl->watched) {
		loop_set_events(rl->loop, rl->fd, rl->events);
		return;
	}
	rl->fd = rl->ac->c.fd;
	rl->watched = loop_add(rl->loop, rl->fd, rl->events, on_fd, rl) == 0;
}

static void ev_add_read(void *p) { watch(p, POLLIN, 0); }
static void ev_del_read(void *p) { watch(p, 0, POLLIN); }
static void ev_add_write(void *p) { watch(p, POLLOUT, 0); }
static void ev_del_write(void *p) { watch(p, 0, POLLOUT); }

static void ev_cleanup(void *p)
{
	struct redis_loop *rl = p;

	if (rl->watched)
		loop_del(rl->loop, rl->fd);
	rl->watched = false;
	rl->events = 0;
}

/* --- pending commands and their timeout --------------------------------------- */

static void unlink_pending(struct redis_loop *rl, struct pending *p)
{
	if (p->prev != NULL)
		p->prev->next = p->next;
	else
		rl->head = p->next;
	if (p->next != NULL)
		p->next->prev = p->prev;
	else
		rl->tail = p->prev;
}

static void on_command_timer(struct loop *loop, void *arg);

static void arm_command_timer(struct redis_loop *rl)
{
	if (rl->command_timer != 0 || rl->head == NULL)
		return;
	rl->command_timer = loop_timer_add(rl->loop, rl->head->deadline - loop_now_ms(),
	    on_command_timer, rl);
}

static void on_command_timer(struct loop *loop, void *arg)
{
	struct redis_loop *rl = arg;

	(void)loop;
	rl->command_timer = 0;
	if (rl->head != NULL && rl->head->deadline <= loop_now_ms()) {
		redis_loop_drop(rl, "Redis did not answer in time");
		return;
	}
	arm_command_timer(rl);
}

static void on_reply(redisAsyncContext *ac, void *reply, void *priv)
{
	struct pending *p = priv;
	struct redis_loop *rl = p->rl;

	(void)ac;
	unlink_pending(rl, p);
	if (p->cb != NULL)
		p->cb(rl, reply, p->arg);
	free(p);
}

static struct pending *new_pending(struct redis_loop *rl, redis_loop_reply_cb cb, void *arg)
{
	struct pending *p = xcalloc(1, sizeof(*p));

	*p = (struct pending){ .rl = rl, .cb = cb, .arg = arg, .prev = rl->tail,
	    .deadline = loop_now_ms() + rl->cfg.command_timeout_ms };
	if (rl->tail != NULL)
		rl->tail->next = p;
	else
		rl->head = p;
	rl->tail = p;
	arm_command_timer(rl);
	return p;
}

static int sent(struct redis_loop *rl, struct pending *p, int rc)
{
	if (rc == REDIS_OK)
		return 0;
	unlink_pending(rl, p);
	free(p);
	return -1;
}

/* Whether a command may be sent now: up, and the context is neither being freed nor
 * disconnecting. While hiredis tears a context down it calls every pending callback
 * with a NULL reply; a callback that sends a command then must be refused, not handed
 * a context that is gone (issue 21, item 1). */
static bool usable(const struct redis_loop *rl)
{
	return rl->up && rl->ac != NULL &&
	    (rl->ac->c.flags & (REDIS_DISCONNECTING | REDIS_FREEING)) == 0;
}

int redis_loop_command(struct redis_loop *rl, redis_loop_reply_cb cb, void *arg,
    const char *fmt, ...)
{
	struct pending *p;
	va_list ap;
	int rc;

	if (!usable(rl) || rl->subscriber)
		return -1;
	p = new_pending(rl, cb, arg);
	va_start(ap, fmt);
	rc = redisvAsyncCommand(rl->ac, on_reply, p, fmt, ap);
	va_end(ap);
	return sent(rl, p, rc);
}

int redis_loop_commandv(struct redis_loop *rl, redis_loop_reply_cb cb, void *arg,
    int argc, const char **argv, const size_t *argvlen)
{
	struct pending *p;

	if (!usable(rl) || rl->subscriber)
		return -1;
	p = new_pending(rl, cb, arg);
	return sent(rl, p, redisAsyncCommandArgv(rl->ac, on_reply, p, argc, argv, argvlen));
}

/* --- subscriptions ---------------------------------------------------------------- */

static void on_sub_reply(redisAsyncContext *ac, void *r, void *priv)
{
	struct redis_loop *rl = priv;
	const redisReply *reply = r;

	(void)ac;
	if (reply == NULL || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3)
		return;
	if (reply->element[0]->type != REDIS_REPLY_STRING ||
	    reply->element[1]->type != REDIS_REPLY_STRING)
		return;
	if (strcmp(reply->element[0]->str, "subscribe") == 0 && rl->cfg.on_subscribed != NULL)
		rl->cfg.on_subscribed(rl->cfg.arg, reply->element[1]->str);
	if (strcmp(reply->element[0]->str, "message") != 0 ||
	    reply->element[2]->type != REDIS_REPLY_STRING)
		return;             /* a subscribe or unsubscribe confirmation */
	if (rl->cfg.on_message != NULL)
		rl->cfg.on_message(rl->cfg.arg, reply->element[1]->str, reply->element[1]->len,
		    reply->element[2]->str, reply->element[2]->len);
}

static int sub_command(struct redis_loop *rl, const char *verb, const char *channel)
{
	if (!usable(rl))
		return -1;
	rl->subscriber = true;
	return redisAsyncCommand(rl->ac, on_sub_reply, rl, "%s %s", verb, channel) == REDIS_OK
	    ? 0 : -1;
}

int redis_loop_subscribe(struct redis_loop *rl, const char *channel)
{
	return sub_command(rl, "SUBSCRIBE", channel);
}

int redis_loop_unsubscribe(struct redis_loop *rl, const char *channel)
{
	return sub_command(rl, "UNSUBSCRIBE", channel);
}

/* --- connecting, losing, retrying ------------------------------------------------- */

static void became_up(struct redis_loop *rl)
{
	rl->up = true;
	rl->connects++;
	rl->backoff_ms = rl->cfg.backoff_min_ms;
	log_msg(LOG_INFO, "%s: connected", rl->cfg.label);
	if (rl->cfg.on_up != NULL)
		rl->cfg.on_up(rl->cfg.arg);
}

/* The handshake's answer: a PING (or the SELECT) proves Redis itself is there, not
 * only a kernel accepting connections for a stopped process. */
static void on_handshake(struct redis_loop *rl, redisReply *reply, void *arg)
{
	(void)arg;
	if (reply == NULL)
		return;             /* lost meanwhile: already handled */
	if (reply->type == REDIS_REPLY_ERROR) {
		log_msg(LOG_WARN, "%s: %s: %s", rl->cfg.label, rl->url.db ? "SELECT" : "PING",
		    reply->str);
		redis_loop_drop(rl, "the handshake failed");
		return;
	}
	became_up(rl);
}

static void on_connect(const redisAsyncContext *ac, int status)
{
	struct redis_loop *rl = ac->data;
	int rc;

	if (rl == NULL || rl->ac != ac)
		return;
	loop_timer_cancel(rl->loop, rl->connect_timer);
	rl->connect_timer = 0;
	if (status != REDIS_OK) {
		rl->ac = NULL;  /* hiredis frees it after this callback */
		lost(rl, ac->errstr);
		return;
	}
	/* Through the timed path; "up" only for the length of the call. */
	rl->up = true;
	if (rl->url.db != 0)
		rc = redis_loop_command(rl, on_handshake, NULL, "SELECT %d", rl->url.db);
	else
		rc = redis_loop_command(rl, on_handshake, NULL, "PING");
	rl->up = false;
	if (rc != 0)
		redis_loop_drop(rl, "the handshake could not be sent");
}

static void on_disconnect(const redisAsyncContext *ac, int status)
{
	struct redis_loop *rl = ac->data;

	(void)status;
	if (rl == NULL || rl->ac != ac)
		return;
	rl->ac = NULL;
	lost(rl, ac->err ? ac->errstr : "connection closed");
}

static void on_retry(struct loop *loop, void *arg)
{
	struct redis_loop *rl = arg;

	(void)loop;
	rl->retry_timer = 0;
	start(rl);
}

static void lost(struct redis_loop *rl, const char *why)
{
	bool was_up = rl->up;

	rl->up = false;
	rl->subscriber = false;
	loop_timer_cancel(rl->loop, rl->connect_timer);
	loop_timer_cancel(rl->loop, rl->command_timer);
	rl->connect_timer = rl->command_timer = 0;
	if (rl->freeing)
		return;
	if (was_up) {
		log_msg(LOG_WARN, "%s: connection lost: %s", rl->cfg.label, why);
		if (rl->cfg.on_down != NULL)
			rl->cfg.on_down(rl->cfg.arg, why);
	} else {
		log_msg(LOG_DEBUG, "%s: connect failed: %s", rl->cfg.label, why);
	}
	if (rl->retry_timer == 0)
		rl->retry_timer = loop_timer_add(rl->loop, rl->backoff_ms, on_retry, rl);
	rl->backoff_ms = rl->backoff_ms * 2 > rl->cfg.backoff_max_ms
	    ? rl->cfg.backoff_max_ms : rl->backoff_ms * 2;
}

void redis_loop_drop(struct redis_loop *rl, const char *why)
{
	redisAsyncContext *ac = rl->ac;

	if (ac == NULL)
		return;
	/* Our state first: hiredis's callbacks (the NULL replies, on_disconnect) then see
	 * an ac that is no longer ours. */
	rl->ac = NULL;
	ac->data = NULL;
	redisAsyncFree(ac);
	lost(rl, why);
}

static void on_connect_timer(struct loop *loop, void *arg)
{
	struct redis_loop *rl = arg;

	(void)loop;
	rl->connect_timer = 0;
	redis_loop_drop(rl, "connect timed out");
}

static redisAsyncContext *open_ac(const struct redis_loop *rl)
{
	if (rl->url.unix_socket)
		return redisAsyncConnectUnix(rl->url.path);
	return redisAsyncConnect(rl->addr, rl->url.port);
}

static void start(struct redis_loop *rl)
{
	redisAsyncContext *ac = open_ac(rl);

	if (ac == NULL || ac->err) {
		const char *why = ac ? ac->errstr : "out of memory";

		lost(rl, why);
		if (ac != NULL)
			redisAsyncFree(ac);
		return;
	}
	rl->ac = ac;
	ac->data = rl;
	ac->ev.data = rl;
	ac->ev.addRead = ev_add_read;
	ac->ev.delRead = ev_del_read;
	ac->ev.addWrite = ev_add_write;
	ac->ev.delWrite = ev_del_write;
	ac->ev.cleanup = ev_cleanup;
	redisAsyncSetConnectCallback(ac, on_connect);
	redisAsyncSetDisconnectCallback(ac, on_disconnect);
	/* hiredis 0.14 asks for write readiness only once a command is queued. */
	watch(rl, POLLOUT, 0);
	rl->connect_timer = loop_timer_add(rl->loop, rl->cfg.connect_timeout_ms,
	    on_connect_timer, rl);
}

static void defaults(struct redis_loop_config *c)
{
	if (c->connect_timeout_ms <= 0)
		c->connect_timeout_ms = TC_REDIS_CONNECT_TIMEOUT_MS;
	if (c->command_timeout_ms <= 0)
		c->command_timeout_ms = TC_REDIS_COMMAND_TIMEOUT_MS;
	if (c->backoff_min_ms <= 0)
		c->backoff_min_ms = TC_REDIS_RECONNECT_MIN_MS;
	if (c->backoff_max_ms < c->backoff_min_ms)
		c->backoff_max_ms = c->backoff_min_ms > TC_REDIS_RECONNECT_MAX_MS
		    ? c->backoff_min_ms : TC_REDIS_RECONNECT_MAX_MS;
	if (c->label == NULL)
		c->label = "redis";
}

struct redis_loop *redis_loop_new(struct loop *loop, const char *url,
    const struct redis_loop_config *cfg, char *err, size_t errsz)
{
	struct redis_loop *rl = xcalloc(1, sizeof(*rl));

	rl->loop = loop;
	rl->cfg = *cfg;
	defaults(&rl->cfg);
	rl->backoff_ms = rl->cfg.backoff_min_ms;
	if (redis_loop_parse_url(url, &rl->url, err, errsz) != 0 ||
	    resolve(rl, err, errsz) != 0) {
		free(rl);
		return NULL;
	}
	start(rl);
	return rl;
}

void redis_loop_free(struct redis_loop *rl)
{
	if (rl == NULL)
		return;
	rl->freeing = true;
	redis_loop_drop(rl, "closing");
	loop_timer_cancel(rl->loop, rl->retry_timer);
	free(rl);
}

bool redis_loop_up(const struct redis_loop *rl)
{
	return usable(rl);
}

unsigned long redis_loop_connects(const struct redis_loop *rl)
{
	return rl->connects;
}
