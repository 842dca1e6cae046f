/* transport_tcp.c: plain TCP, the first transport (see transport.h). */
#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "transport.h"
#include "util.h"

static int tcp_handshake(struct transport *t)
{
	t->hs_events = 0;
	return 1;
}

static ssize_t tcp_read(struct transport *t, void *p, size_t n)
{
	ssize_t r;

	do
		r = read(t->fd, p, n);
	while (r < 0 && errno == EINTR);
	return r;
}

static ssize_t tcp_write(struct transport *t, const void *p, size_t n)
{
	ssize_t r;

	do
		r = send(t->fd, p, n, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	return r;
}

static size_t tcp_pending(const struct transport *t)
{
	(void)t;
	return 0;
}

static void tcp_shutdown(struct transport *t)
{
	(void)t;
}

static void tcp_close(struct transport *t, bool abort)
{
	transport_close_fd(t->fd, abort);
	free(t);
}

static const struct transport_ops tcp_ops = {
	.name = "tcp",
	.handshake = tcp_handshake,
	.read = tcp_read,
	.write = tcp_write,
	.pending = tcp_pending,
	.shutdown = tcp_shutdown,
	.idle = NULL,
	.close = tcp_close,
};

struct transport *transport_tcp_new(int fd)
{
	struct transport *t = xmalloc(sizeof(*t));

	*t = (struct transport){ .ops = &tcp_ops, .fd = fd, .rd_events = POLLIN,
	    .wr_events = POLLOUT };
	return t;
}
