/* refusal.c: a refused connection's last line, in its own transport (see refusal.h).
 * Tested by tests/integration/test_tls.py (inside TLS, the bound on handshakes),
 * test_admission.py (the plain lines, byte for byte) and test_irc.py (the ERROR line);
 * no unit test: what it does is talk through real transports on real sockets. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "loop.h"
#include "net.h"
#include "refusal.h"
#include "tclimits.h"
#include "transport.h"
#include "transport_tls.h"
#include "util.h"

/* One refusal waiting for its TLS handshake, or for its line to be written. */
struct refusal {
	struct refusals *rf;
	struct transport *t;
	uint64_t timer;          /* the handshake's deadline */
	size_t slot;             /* its place in rf->v */
	size_t len, off;         /* bytes of msg, and written so far */
	char peer[NET_PEER_MAX];
	char msg[];
};

struct refusals {
	struct loop *loop;
	struct refusal *v[TC_REFUSALS_TLS_MAX];
	size_t n;
	unsigned long unsaid;    /* refused past TC_REFUSALS_TLS_MAX: reset unsaid */
};

enum refusal_end { REFUSAL_SAID, REFUSAL_FAILED, REFUSAL_RESET };

struct refusals *refusals_new(struct loop *loop)
{
	struct refusals *rf = xcalloc(1, sizeof(*rf));

	rf->loop = loop;
	return rf;
}

static void refusal_end(struct refusal *r, enum refusal_end how)
{
	struct refusals *rf = r->rf;

	loop_del(rf->loop, r->t->fd);
	if (r->timer != 0)
		loop_timer_cancel(rf->loop, r->timer);
	if (how == REFUSAL_SAID)
		transport_shutdown(r->t);       /* close_notify after the line */
	transport_close(r->t, how == REFUSAL_RESET);
	rf->v[r->slot] = rf->v[--rf->n];
	rf->v[r->slot]->slot = r->slot;
	free(r);
}

void refusals_free(struct refusals *rf)
{
	if (rf == NULL)
		return;
	while (rf->n > 0)
		refusal_end(rf->v[0], REFUSAL_RESET);
	free(rf);
}

/* Write what is left of the line: 1 all of it, 0 later, -1 failed. */
static int refusal_write(struct refusal *r)
{
	while (r->off < r->len) {
		ssize_t w = transport_write(r->t, r->msg + r->off, r->len - r->off);

		if (w <= 0)
			return w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
		r->off += (size_t)w;
	}
	return 1;
}

/* Move r on: the handshake, then the line; then it ends. */
static void refusal_step(struct refusal *r)
{
	int st = transport_handshake(r->t);

	if (st > 0)
		st = refusal_write(r);
	if (st < 0) {
		log_msg(LOG_DEBUG, "refusal %s: not said: %s", r->peer,
		    r->t->err != NULL ? r->t->err : strerror(errno));
		refusal_end(r, REFUSAL_FAILED);
	} else if (st > 0) {
		log_msg(LOG_DEBUG, "refusal %s: said inside TLS", r->peer);
		refusal_end(r, REFUSAL_SAID);
	} else {
		loop_set_events(r->rf->loop, r->t->fd, transport_events(r->t, false, true));
	}
}

static void on_refusal(struct loop *loop, int fd, short revents, void *arg)
{
	(void)loop, (void)fd, (void)revents;
	refusal_step(arg);
}

static void on_refusal_deadline(struct loop *loop, void *arg)
{
	struct refusal *r = arg;

	(void)loop;
	r->timer = 0;
	log_msg(LOG_DEBUG, "refusal %s: handshake not done in %d ms", r->peer,
	    TC_TLS_HANDSHAKE_MS);
	refusal_end(r, REFUSAL_RESET);
}

/* Past the bound: reset at once, and say so now and then (with -v). */
static void refusal_unsaid(struct refusals *rf, int fd)
{
	transport_close_fd(fd, true);
	if (rf->unsaid++ % 1000 == 0)
		log_msg(LOG_INFO, "refused TLS connections reset unsaid: %d in their handshake "
		    "already (%lu so far)", TC_REFUSALS_TLS_MAX, rf->unsaid);
}

void refusals_add(struct refusals *rf, int fd, const char *peer, struct tls_ctx *tls,
    const char *msg, size_t n)
{
	struct transport *t;
	struct refusal *r;

	if (tls == NULL) {              /* one try, then closed: nothing waits */
		t = transport_tcp_new(fd);
		(void)transport_write(t, msg, n);
		transport_close(t, false);
		return;
	}
	if (rf->n >= TC_REFUSALS_TLS_MAX) {
		refusal_unsaid(rf, fd);
		return;
	}
	r = xmalloc(sizeof(*r) + n);
	*r = (struct refusal){ .rf = rf, .t = transport_tls_server_new(fd, tls), .len = n,
	    .slot = rf->n };
	memcpy(r->msg, msg, n);
	snprintf(r->peer, sizeof(r->peer), "%s", peer);
	rf->v[rf->n++] = r;
	loop_add(rf->loop, fd, r->t->hs_events, on_refusal, r);
	r->timer = loop_timer_add(rf->loop, TC_TLS_HANDSHAKE_MS, on_refusal_deadline, r);
	refusal_step(r);
}
