/* client_conn.c: the client's connection: framing, hello, name, reconnect. See
 * client_conn.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "client_conn.h"
#include "client_net.h"
#include "tclimits.h"
#include "util.h"

/* Longest record accepted from the server: a maximal message plus its fields. */
#define CONN_MAX_LINE  TC_CLIENT_MAX_LINE
#define CONN_READ_MAX  TC_READ_CHUNK

struct client_conn {
	struct loop *loop;
	const struct client_conn_ops *ops;
	void *arg;
	char *host;
	int port;
	char *server;
	struct client_net *net;

	int fd;
	bool connecting;     /* connect() in progress */
	bool hello_done;     /* PROTO_HELLO_ANSWER seen (or degraded) */
	enum client_conn_state st;

	char *in;
	size_t in_len;
	bool in_skip;        /* dropping the rest of an over-long line */
	char *out;
	size_t out_len, out_off, out_cap;

	uint64_t hs_timer, retry_timer;
	int64_t retry_at;
	int backoff_ms;
	bool reconnect;

	char *name;          /* the name to send */
	char *accepted;      /* the name the server accepted */
	char *room;          /* the room we are in */
	char *want_room;     /* the room to rejoin after a reconnect */
	char *bye;           /* reason given by BYE */
};

static void try_connect(struct client_conn *cc);

static void set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = src ? xstrdup(src) : NULL;
}

static void set_state(struct client_conn *cc, enum client_conn_state st, const char *detail)
{
	cc->st = st;
	if (cc->ops->state)
		cc->ops->state(cc->arg, st, detail);
}

struct client_conn *client_conn_new(struct loop *loop, const char *host, int port,
    const struct client_conn_ops *ops, void *arg)
{
	struct client_conn *cc = xcalloc(1, sizeof(*cc));
	size_t n = strlen(host) + 16;

	cc->loop = loop;
	cc->ops = ops;
	cc->arg = arg;
	cc->host = xstrdup(host);
	cc->port = port;
	cc->server = xmalloc(n + 2);
	snprintf(cc->server, n + 2, strchr(host, ':') ? "[%s]:%d" : "%s:%d", host, port);
	cc->fd = -1;
	cc->in = xmalloc(CONN_MAX_LINE + 1);
	cc->reconnect = true;
	cc->backoff_ms = TC_CLIENT_RECONNECT_MIN_MS;
	cc->st = LINK_CONNECTING;
	srand((unsigned)(loop_now_ms() ^ (int64_t)getpid() << 16));
	return cc;
}

static void close_fd(struct client_conn *cc)
{
	if (cc->hs_timer)
		loop_timer_cancel(cc->loop, cc->hs_timer);
	cc->hs_timer = 0;
	if (cc->fd >= 0) {
		loop_del(cc->loop, cc->fd);
		close(cc->fd);
	}
	cc->fd = -1;
	cc->connecting = false;
	cc->hello_done = false;
	cc->in_len = 0;
	cc->in_skip = false;
	cc->out_len = cc->out_off = 0;
}

void client_conn_close(struct client_conn *cc)
{
	close_fd(cc);
	if (cc->retry_timer)
		loop_timer_cancel(cc->loop, cc->retry_timer);
	cc->retry_timer = 0;
	cc->reconnect = false;
	cc->st = LINK_CLOSED;
}

void client_conn_free(struct client_conn *cc)
{
	if (cc == NULL)
		return;
	client_conn_close(cc);
	client_net_free(cc->net);
	free(cc->host);
	free(cc->server);
	free(cc->in);
	free(cc->out);
	free(cc->name);
	free(cc->accepted);
	free(cc->room);
	free(cc->want_room);
	free(cc->bye);
	free(cc);
}

static void on_retry(struct loop *loop, void *arg)
{
	struct client_conn *cc = arg;

	(void)loop;
	cc->retry_timer = 0;
	try_connect(cc);
}

/* The connection is gone: reconnect later or stop for good. */
static void drop(struct client_conn *cc, const char *reason)
{
	char buf[256];
	int delay;

	close_fd(cc);
	if (cc->room != NULL)
		set_str(&cc->want_room, cc->room);
	set_str(&cc->room, NULL);
	if (cc->bye != NULL) {
		snprintf(buf, sizeof(buf), "%s", cc->bye);
		set_str(&cc->bye, NULL);
		reason = buf;
	}
	if (!cc->reconnect) {
		set_state(cc, LINK_CLOSED, reason);
		return;
	}
	delay = cc->backoff_ms - cc->backoff_ms / 4 + rand() % (cc->backoff_ms / 2 + 1);
	cc->retry_at = loop_now_ms() + delay;   /* +-25%: clients of a restarted server spread out */
	cc->retry_timer = loop_timer_add(cc->loop, delay, on_retry, cc);
	cc->backoff_ms = cc->backoff_ms * 2 > TC_CLIENT_RECONNECT_MAX_MS ?
	    TC_CLIENT_RECONNECT_MAX_MS : cc->backoff_ms * 2;
	set_state(cc, LINK_WAITING, reason);
}

static void queue(struct client_conn *cc, const char *s, size_t n)
{
	if (cc->out_off > 0 && cc->out_off == cc->out_len)
		cc->out_off = cc->out_len = 0;
	if (cc->out_len + n > cc->out_cap) {
		cc->out_cap = (cc->out_len + n) * 2;
		cc->out = xrealloc(cc->out, cc->out_cap);
	}
	memcpy(cc->out + cc->out_len, s, n);
	cc->out_len += n;
	if (cc->fd >= 0 && !cc->connecting)
		loop_set_events(cc->loop, cc->fd, POLLIN | POLLOUT);
}

static void send_line(struct client_conn *cc, const char *line)
{
	queue(cc, line, strlen(line));
	queue(cc, "\n", 1);
}

/* Ready for a name: send the one we have, or ask the front end for one. */
static void name_phase(struct client_conn *cc)
{
	if (cc->st == LINK_DEGRADED) {
		if (cc->name != NULL)
			send_line(cc, cc->name);
		return;
	}
	if (cc->name != NULL) {
		send_line(cc, cc->name);
		set_state(cc, LINK_NAME_SENT, NULL);
	} else {
		set_state(cc, LINK_NEED_NAME, NULL);
	}
}

static void on_hello_timeout(struct loop *loop, void *arg)
{
	struct client_conn *cc = arg;

	(void)loop;
	cc->hs_timer = 0;
	cc->hello_done = true;
	set_state(cc, LINK_DEGRADED, "the server did not answer the tcpchat hello");
	if (cc->fd >= 0)
		name_phase(cc);
}

static void handle_record(struct client_conn *cc, char *line)
{
	struct proto_rec rec;

	proto_parse(line, &rec);
	switch (rec.type) {
	case PROTO_WELCOME:
		set_str(&cc->accepted, rec.f[0]);
		set_str(&cc->name, rec.f[0]);
		set_str(&cc->room, rec.f[1]);
		cc->backoff_ms = TC_CLIENT_RECONNECT_MIN_MS;
		set_state(cc, LINK_ONLINE, NULL);
		if (cc->want_room != NULL && strcasecmp(cc->want_room, rec.f[1]) != 0) {
			queue(cc, "/join ", 6);
			send_line(cc, cc->want_room);
		}
		set_str(&cc->want_room, NULL);
		break;
	case PROTO_ROOM:
		set_str(&cc->room, rec.f[0]);
		break;
	case PROTO_RENAME:
		if (cc->accepted != NULL && strcmp(cc->accepted, rec.f[1]) == 0) {
			set_str(&cc->accepted, rec.f[2]);
			set_str(&cc->name, rec.f[2]);
		}
		break;
	case PROTO_NAMEQ:
		set_str(&cc->name, NULL);
		cc->st = LINK_NEED_NAME;
		break;
	case PROTO_BYE:
		set_str(&cc->bye, rec.f[0][0] ? rec.f[0] : "the server closed the connection");
		break;
	default:
		break;
	}
	if (cc->ops->record)
		cc->ops->record(cc->arg, &rec);
}

static void handle_line(struct client_conn *cc, char *line)
{
	size_t n = strlen(line);

	if (n > 0 && line[n - 1] == '\r')
		line[--n] = '\0';
	if (!cc->hello_done) {
		if (strncmp(line, PROTO_HELLO_ANSWER, strlen(PROTO_HELLO_ANSWER)) != 0)
			return;    /* banner, penguin, prompt */
		if (cc->hs_timer)
			loop_timer_cancel(cc->loop, cc->hs_timer);
		cc->hs_timer = 0;
		cc->hello_done = true;
		name_phase(cc);
		return;
	}
	if (cc->st == LINK_DEGRADED && strncmp(line, PROTO_HELLO_ANSWER, strlen(PROTO_HELLO_ANSWER)) == 0) {
		/* a late answer (a slow server): the name, if sent, was sent as a name */
		set_state(cc, cc->name != NULL ? LINK_NAME_SENT : LINK_NEED_NAME, NULL);
		return;
	}
	if (cc->st == LINK_DEGRADED) {
		size_t skip;

		while ((skip = proto_nc_prompt_len(line, n, cc->name)) > 0)
			line += skip, n -= skip;
		if (n == 0 || proto_nc_is_prompt(line, n))
			return;
		if (cc->ops->raw_line)
			cc->ops->raw_line(cc->arg, line);
		return;
	}
	handle_record(cc, line);
}

/* Split the input buffer into lines; keep the partial tail. */
static void process_input(struct client_conn *cc)
{
	size_t start = 0;

	while (cc->fd >= 0) {
		char *nl = memchr(cc->in + start, '\n', cc->in_len - start);

		if (nl == NULL)
			break;
		*nl = '\0';
		if (!cc->in_skip)
			handle_line(cc, cc->in + start);
		cc->in_skip = false;
		start = (size_t)(nl - cc->in) + 1;
	}
	if (cc->fd < 0)
		return;
	memmove(cc->in, cc->in + start, cc->in_len - start);
	cc->in_len -= start;
	if (cc->st == LINK_DEGRADED) {
		size_t skip;     /* prompt repaints are never shown */

		while ((skip = proto_nc_prompt_len(cc->in, cc->in_len, cc->name)) > 0) {
			memmove(cc->in, cc->in + skip, cc->in_len - skip);
			cc->in_len -= skip;
		}
	}
	if (cc->in_len == CONN_MAX_LINE) {
		cc->in_len = 0;     /* over-long record: drop it */
		cc->in_skip = true;
	}
}

static void do_read(struct client_conn *cc)
{
	for (int round = 0; round < 4 && cc->fd >= 0; round++) {
		size_t room = CONN_MAX_LINE - cc->in_len;
		ssize_t r = read(cc->fd, cc->in + cc->in_len, room < CONN_READ_MAX ? room : CONN_READ_MAX);

		if (r == 0) {
			drop(cc, "the server closed the connection");
			return;
		}
		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			drop(cc, strerror(errno));
			return;
		}
		cc->in_len += (size_t)r;
		process_input(cc);
	}
}

static void do_write(struct client_conn *cc)
{
	while (cc->fd >= 0 && cc->out_off < cc->out_len) {
		ssize_t w = write(cc->fd, cc->out + cc->out_off, cc->out_len - cc->out_off);

		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			drop(cc, strerror(errno));
			return;
		}
		cc->out_off += (size_t)w;
	}
	if (cc->fd >= 0) {
		cc->out_off = cc->out_len = 0;
		loop_set_events(cc->loop, cc->fd, POLLIN);
	}
}

static void connected(struct client_conn *cc)
{
	cc->connecting = false;
	loop_set_events(cc->loop, cc->fd, POLLIN);
	queue(cc, PROTO_HELLO_LINE, strlen(PROTO_HELLO_LINE));
	cc->hs_timer = loop_timer_add(cc->loop, TC_CLIENT_HANDSHAKE_MS, on_hello_timeout, cc);
}

static void on_fd(struct loop *loop, int fd, short revents, void *arg)
{
	struct client_conn *cc = arg;
	const char *err = NULL;

	(void)loop;
	if (cc->connecting) {
		if (client_net_result(cc->net, fd, &err) == 0) {
			connected(cc);
			return;
		}
		close_fd(cc);
		try_connect(cc);
		return;
	}
	if (revents & (POLLIN | POLLHUP | POLLERR))
		do_read(cc);
	if (cc->fd >= 0 && (revents & POLLOUT))
		do_write(cc);
}

static void try_connect(struct client_conn *cc)
{
	const char *err = "connection failed";

	set_state(cc, LINK_CONNECTING, NULL);
	cc->fd = client_net_next(cc->net, &err);
	if (cc->fd < 0) {
		drop(cc, err);
		return;
	}
	cc->connecting = true;
	loop_add(cc->loop, cc->fd, POLLOUT, on_fd, cc);
}

int client_conn_start(struct client_conn *cc, const char **err)
{
	cc->net = client_net_open(cc->host, cc->port, err);
	if (cc->net == NULL)
		return -1;
	try_connect(cc);
	return 0;
}

void client_conn_set_name(struct client_conn *cc, const char *name)
{
	set_str(&cc->name, name);
	if (cc->fd >= 0 && cc->hello_done && cc->st == LINK_NEED_NAME) {
		send_line(cc, name);
		set_state(cc, LINK_NAME_SENT, NULL);
	}
}

void client_conn_set_reconnect(struct client_conn *cc, bool on)
{
	cc->reconnect = on;
}

int client_conn_send(struct client_conn *cc, const char *line)
{
	if (cc->fd < 0 || cc->connecting || !cc->hello_done)
		return -1;
	if (cc->st == LINK_DEGRADED && cc->name == NULL)
		set_str(&cc->name, line);   /* nc dialect: the first line is the name */
	send_line(cc, line);
	return 0;
}

bool client_conn_has_name(const struct client_conn *cc)
{
	return cc->name != NULL;
}

size_t client_conn_pending(const struct client_conn *cc)
{
	return cc->out_len - cc->out_off;
}

void client_conn_flush(struct client_conn *cc)
{
	if (cc->fd >= 0 && !cc->connecting)
		do_write(cc);
}

enum client_conn_state client_conn_state(const struct client_conn *cc)
{
	return cc->st;
}

const char *client_conn_name(const struct client_conn *cc)
{
	return cc->accepted;
}

const char *client_conn_room(const struct client_conn *cc)
{
	return cc->room;
}

const char *client_conn_server(const struct client_conn *cc)
{
	return cc->server;
}

int64_t client_conn_retry_in(const struct client_conn *cc)
{
	int64_t left = cc->retry_at - loop_now_ms();

	return cc->st == LINK_WAITING && left > 0 ? left : 0;
}
