/* server.c: serve mode. Sockets and time: accept with admission control, the
 * transport's handshake, reads, fair buffered writes, the slow-reader policy,
 * rate-limit back-pressure, timeouts, signals and shutdown. Every byte moves through
 * a transport (transport.h); a connection's input is its session's (session.c); the
 * chat's rules are in chat.c.
 * Tested by tests/integration/test_hardening.py, test_admission.py,
 * test_slow_readers.py and test_nc_basics.py (accept and admission, fairness, slow
 * readers, rate-limit back-pressure, signals, shutdown); no unit test: it is the event
 * loop over real sockets and time; the rules it applies are in modules with their own
 * (conn, session, addrlimit, bans, sniff, stats). */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "addrlimit.h"
#include "chat.h"
#include "chat_bus.h"
#include "chat_check.h"
#include "cmd_oper.h"
#include "log.h"
#include "loop.h"
#include "net.h"
#include "pwcheck.h"
#include "ratewarn.h"
#include "refusal.h"
#include "server.h"
#include "session.h"
#include "spoof.h"
#include "statedir.h"
#include "stats.h"
#include "tclimits.h"
#include "irc_bridge.h"
#include "text.h"
#include "tls.h"
#include "transport_tls.h"
#include "util.h"

#define HOUSEKEEPING_MS 1000
#define THROTTLE_MIN_MS 10
#define READY_ROUNDS    64      /* passes over input held in transports before poll */
#define SWEEP_TICKS     60      /* housekeeping ticks between sweeps of the address table */

/* What a listener serves: bits. */
enum { LISTEN_PLAIN = 0, LISTEN_TLS = 1, LISTEN_IRC = 2 };

struct server {
	struct loop *loop;
	struct chat chat;
	struct irc_bridge *irc;       /* the IRC module (made always: see add_irc_listeners) */
	const struct serve_options *opt;
	int lfds[4 * NET_MAX_LISTEN];
	uint8_t lkind[4 * NET_MAX_LISTEN]; /* the listener's kind: LISTEN_TLS, LISTEN_IRC */
	int nlfds;
	struct tls_ctx *tls;     /* --tls: the certificate new TLS connections get */
	struct conn **conns;     /* indexed by fd */
	int capconns;
	int nconns;
	int nthrottled;
	size_t hard_limit, soft_limit;
	bool accept_paused;
	bool accept_warned;      /* out of descriptors was logged; quiet until it clears */
	bool shutting_down;
	uint64_t throttle_timer;
	struct conn_list pending; /* output to write, connections to free */
	struct conn *ready;       /* input held inside a transport, poll cannot see it */
	struct buf rbuf;         /* the read buffer connections borrow (see read_conn) */
	struct addrlimit *al;    /* per-address limits, counted from accept */
	struct refusals *refusals; /* refused connections still being told why (TLS) */
	struct ratewarn warn_full, warn_addr; /* operator warnings: chat full, address limits */
	unsigned ticks;          /* housekeeping ticks */
	struct stats stats;      /* for SIGUSR1's summary */
};

static void on_conn(struct loop *loop, int fd, short revents, void *arg);
static void read_conn(struct server *srv, struct conn *c);

static struct session *session_of(const struct conn *c)
{
	return c->owner;
}

static int conn_fd(const struct conn *c)
{
	return c->t->fd;
}

/* --- output ------------------------------------------------------------------------ */

static void update_events(struct server *srv, struct conn *c)
{
	bool reading = !c->throttled && !c->closing && !srv->shutting_down;

	loop_set_events(srv->loop, conn_fd(c),
	    transport_events(c->t, reading, buf_len(&c->out) > 0));
}

/* Drop a slow reader: its queue goes, one last line when the socket takes it, then a
 * reset, so the kernel keeps nothing for it either. */
static void drop_reader(struct conn *c, const char *why)
{
	static const char bye[] = "You are not reading fast enough; disconnected.";
	struct member *m = &session_of(c)->m;
	char esc[LOG_ESCAPE_MAX];

	log_msg(LOG_WARN, "dropping slow reader %s \"%s\": %s (%zu bytes queued)", c->peer,
	    log_escape(m->name, m->namelen, esc, sizeof(esc)), why, buf_len(&c->out));
	buf_free(&c->out);
	c->tail = 0;
	chat_bye(m, bye, why);
	c->abort = true;
}

/* The hard limit, checked after every write: past it, the reader goes at once. */
static bool check_queue(struct server *srv, struct conn *c)
{
	if (buf_len(&c->out) <= srv->hard_limit)
		return false;
	drop_reader(c, "output queue over the hard limit");
	return true;
}

/* Once a second, in server time (a paused server is not a slow reader): a queue over
 * the soft limit that is not draining, or a queue that does not move at all. */
static const char *queue_verdict(struct server *srv, struct conn *c)
{
	uint64_t progress = c->written - c->written_tick;
	size_t q = buf_len(&c->out);

	c->written_tick = c->written;
	c->stall_ticks = q > 0 && progress == 0 ? c->stall_ticks + 1 : 0;
	if (q <= srv->soft_limit || progress >= srv->soft_limit / TC_SOFT_PROGRESS_DIVISOR)
		c->soft_ticks = 0;
	else
		c->soft_ticks++;
	if (srv->opt->stall_timeout > 0 && c->stall_ticks > srv->opt->stall_timeout)
		return "output stalled";
	if (c->soft_ticks > TC_SOFT_QUEUE_SECONDS)
		return "output queue over the soft limit for too long";
	return NULL;
}

static int by_queue_desc(const void *a, const void *b)
{
	size_t x = buf_len(&(*(struct conn *const *)a)->out);
	size_t y = buf_len(&(*(struct conn *const *)b)->out);

	return x < y ? 1 : x > y ? -1 : 0;
}

/* All queues together past --max-total-queue: the largest go first. */
static void check_total_queue(struct server *srv, size_t total)
{
	size_t cap = (size_t)srv->opt->max_total_queue_mib << 20, n = 0;
	struct conn **big;

	if (total <= cap)
		return;
	big = xreallocarray(NULL, (size_t)srv->nconns, sizeof(*big));
	for (int fd = 0; fd < srv->capconns; fd++)
		if (srv->conns[fd] != NULL && !srv->conns[fd]->closing &&
		    buf_len(&srv->conns[fd]->out) > 0 && n < (size_t)srv->nconns)
			big[n++] = srv->conns[fd];
	qsort(big, n, sizeof(*big), by_queue_desc);
	for (size_t i = 0; i < n && total > cap; i++) {
		total -= buf_len(&big[i]->out);
		drop_reader(big[i], "all output queues over the total limit");
	}
	free(big);
}

/* The peer hung up (or reset, or a write to it failed). Its slot is freed at once:
 * lines it sent that are still buffered are handled now, up to one rate-limit burst,
 * and the rest is dropped (a client that floods and closes leaves no ghost behind). */
static void hung_up(struct server *srv, struct conn *c, const char *reason)
{
	struct session *s = session_of(c);
	long budget = session_burst(&srv->chat), dropped = 0;
	char esc[LOG_ESCAPE_MAX];
	ssize_t n;

	/* A throttled peer has lines the kernel still holds: read them a chunk at a
	 * time, to handle or count (never more than TC_HANGUP_READ_MAX bytes). */
	for (size_t got = 0; c->throttled && got < TC_HANGUP_READ_MAX; got += (size_t)n) {
		n = transport_read(c->t, buf_reserve(&c->in, TC_READ_CHUNK), TC_READ_CHUNK);
		if (n <= 0)
			break;
		buf_commit(&c->in, (size_t)n);
		dropped += session_drain(&srv->chat, s, &budget);
	}
	dropped += session_input_end(&srv->chat, s, &budget);
	if (dropped > 0)
		log_msg(LOG_WARN, "%s \"%s\" hung up with %ld line%s over the rate limit: dropped",
		    c->peer, log_escape(s->m.name, s->m.namelen, esc, sizeof(esc)), dropped,
		    dropped == 1 ? "" : "s");
	conn_close(c, reason);
}

/* Every record logged so far reaches the file before anyone is sent a byte more:
 * called before each write to a client, it costs nothing when nothing is pending. */
static void flush_log(struct server *srv)
{
	if (log_enabled(LOG_DEBUG) && chat_has_log(&srv->chat) && buf_len(&srv->chat.log.pending) > 0)
		log_msg(LOG_DEBUG, "log: flushing %zu bytes", buf_len(&srv->chat.log.pending));
	if (chat_flush_log(&srv->chat) != 0)
		log_msg(LOG_ERROR, "cannot write the log: %s", strerror(errno));
}

/* How much to write in one pass: at most TC_WRITE_MAX_PER_PASS bytes (fairness), but
 * never fewer than a write that blocked passed (OpenSSL's rule for a retried
 * SSL_write; the queue only grows until that write goes through). */
static size_t write_budget(const struct conn *c)
{
	size_t todo = buf_len(&c->out);
	size_t cap = c->blocked > TC_WRITE_MAX_PER_PASS ? c->blocked : TC_WRITE_MAX_PER_PASS;

	return todo > cap ? cap : todo;
}

/* Write what is queued, at most write_budget() bytes. */
static void flush_conn(struct server *srv, struct conn *c)
{
	size_t todo = write_budget(c);

	flush_log(srv);
	while (todo > 0) {
		ssize_t n = transport_write(c->t, buf_data(&c->out), todo);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				if (transport_is_tls(c->t))
					c->blocked = todo;
				break;
			}
			buf_free(&c->out);
			hung_up(srv, c, errno == EPIPE || errno == ECONNRESET ?
			    "connection reset" : "write error");
			return;
		}
		conn_sent(c, (size_t)n);
		srv->stats.bytes_out += (size_t)n;
		todo -= (size_t)n;
		if (log_enabled(LOG_DEBUG))
			log_msg(LOG_DEBUG, "sent %s %zd bytes (%zu still queued)%s", c->peer, n,
			    buf_len(&c->out), c->closing ? ", last words before closing" : "");
	}
	if (!check_queue(srv, c))
		update_events(srv, c);
}

/* --- closing ----------------------------------------------------------------------- */

static void resume_accept(struct server *srv)
{
	if (!srv->accept_paused || srv->shutting_down)
		return;
	srv->accept_paused = false;
	for (int i = 0; i < srv->nlfds; i++)
		loop_set_events(srv->loop, srv->lfds[i], POLLIN);
}

/* The one safe point where a connection is freed. */
static void finish_conn(struct server *srv, struct conn *c)
{
	struct session *s = session_of(c);
	char esc[LOG_ESCAPE_MAX];
	int fd = conn_fd(c);

	session_leave(&srv->chat, s);
	flush_log(srv);
	if (buf_len(&c->out) > 0)      /* last words */
		(void)transport_write(c->t, buf_data(&c->out), buf_len(&c->out));
	stats_drop(&srv->stats, c->close_reason ? c->close_reason : "closed");
	log_msg(LOG_INFO, "disconnect %s \"%s\": %s", c->peer,
	    log_escape(s->m.name, strlen(s->m.name), esc, sizeof(esc)),
	    c->close_reason ? c->close_reason : "closed");
	loop_del(srv->loop, fd);
	if (c->greet_timer != 0)
		loop_timer_cancel(srv->loop, c->greet_timer);
	if (!c->handshaking)
		transport_shutdown(c->t);
	transport_close(c->t, c->abort);
	srv->conns[fd] = NULL;
	srv->nconns--;
	if (c->counted)
		addrlimit_release(srv->al, &c->addr, loop_now_ms());
	if (c->throttled)
		srv->nthrottled--;
	session_free(s);
	conn_free(c);
	resume_accept(srv);
}

/* --- input held inside a transport ------------------------------------------------- */

static void mark_ready(struct server *srv, struct conn *c)
{
	if (!c->ready && transport_pending(c->t) > 0) {
		c->ready = true;
		c->ready_next = srv->ready;
		srv->ready = c;
	}
}

static void on_ready_again(struct loop *loop, void *arg)
{
	(void)loop, (void)arg;      /* only there so that poll() does not sleep */
}

/* Read what transports hold (poll would never report it), a bounded number of
 * rounds; if some is left, poll without sleeping. */
static void run_ready(struct server *srv)
{
	for (int round = 0; srv->ready != NULL; round++) {
		struct conn *list = srv->ready;

		if (round == READY_ROUNDS) {
			loop_timer_add(srv->loop, 0, on_ready_again, srv);
			return;
		}
		srv->ready = NULL;
		while (list != NULL) {
			struct conn *c = list;

			list = c->ready_next;
			c->ready = false;
			if (!c->closing && !c->throttled && !srv->shutting_down)
				read_conn(srv, c);
		}
	}
}

static void before_sleep(struct loop *loop, void *arg)
{
	struct server *srv = arg;
	struct conn *c;

	run_ready(srv);
	while ((c = conn_pending_take(&srv->pending)) != NULL) {
		if (c->closing)
			finish_conn(srv, c);
		else
			flush_conn(srv, c);
	}
	if (srv->shutting_down) {
		for (int fd = 0; fd < srv->capconns; fd++)
			if (srv->conns[fd] != NULL && buf_len(&srv->conns[fd]->out) > 0)
				return;
		loop_stop(loop);
	}
}

/* --- input ------------------------------------------------------------------------- */

static void on_throttle_timer(struct loop *loop, void *arg);

static void arm_throttle(struct server *srv)
{
	int64_t ms = 1000 / (srv->opt->rate_limit > 0 ? srv->opt->rate_limit : 1);

	if (srv->throttle_timer == 0)
		srv->throttle_timer = loop_timer_add(srv->loop,
		    ms < THROTTLE_MIN_MS ? THROTTLE_MIN_MS : ms, on_throttle_timer, srv);
}

static void run_input(struct server *srv, struct conn *c)
{
	struct session *s = session_of(c);
	bool throttled = session_input(&srv->chat, s, loop_now_ms());

	if (throttled != c->throttled) {
		c->throttled = throttled;
		srv->nthrottled += throttled ? 1 : -1;
		if (!c->closing)
			update_events(srv, c);
	}
	if (throttled)
		arm_throttle(srv);
	else
		mark_ready(srv, c);
}

static void on_throttle_timer(struct loop *loop, void *arg)
{
	struct server *srv = arg;

	(void)loop;
	srv->throttle_timer = 0;
	if (log_enabled(LOG_DEBUG))
		log_msg(LOG_DEBUG, "timer: throttle, %d connection(s) waiting for tokens",
		    srv->nthrottled);
	if (srv->shutting_down)         /* BYE was sent: no more lines after it */
		return;
	for (int fd = 0; fd < srv->capconns && srv->nthrottled > 0; fd++) {
		struct conn *c = srv->conns[fd];

		if (c != NULL && c->throttled && !c->closing)
			run_input(srv, c);
	}
	if (srv->nthrottled > 0)
		arm_throttle(srv);
}

static void read_conn(struct server *srv, struct conn *c)
{
	/* With nothing kept from before, read into the server's one read buffer and keep
	 * only what is left over (a partial line): connections hold no 16 KiB each. */
	bool shared = buf_len(&c->in) == 0;
	struct buf own = c->in;
	ssize_t n;
	int err;

	if (shared)
		c->in = srv->rbuf;
	n = transport_read(c->t, buf_reserve(&c->in, TC_READ_CHUNK), TC_READ_CHUNK);
	err = errno;
	if (n > 0) {
		srv->stats.bytes_in += (size_t)n;
		buf_commit(&c->in, (size_t)n);
		run_input(srv, c);
	}
	if (shared) {
		srv->rbuf = c->in;
		c->in = own;
		buf_append(&c->in, buf_data(&srv->rbuf), buf_len(&srv->rbuf));
		buf_clear(&srv->rbuf);
	}
	if (n > 0 || (n < 0 && (err == EAGAIN || err == EWOULDBLOCK))) {
		if (n < 0 && !c->closing)
			update_events(srv, c);  /* a transport may wait for something else */
		return;
	}
	if (n == 0) {
		hung_up(srv, c, "closed by peer");
		return;
	}
	buf_free(&c->in);
	conn_close(c, err == ECONNRESET ? "connection reset" : "read error");
}

/* --- the handshake ------------------------------------------------------------------ */

/* The banner waits TC_SNIFF_WAIT_MS for the peer's first bytes: an HTTP client, an IRC
 * client or a TLS ClientHello speaks at once and is answered without a banner (see
 * session_input); a person with nc gets the banner when the wait ends. */
static void on_greet_timer(struct loop *loop, void *arg)
{
	struct conn *c = arg;
	struct server *srv = c->server;

	(void)loop;
	c->greet_timer = 0;
	if (c->closing || srv->shutting_down)
		return;
	session_greet(&srv->chat, session_of(c));
	update_events(srv, c);
}

static void step_handshake(struct server *srv, struct conn *c)
{
	int r = transport_handshake(c->t);

	if (r < 0) {
		log_msg(LOG_INFO, "handshake %s: %s", c->peer, c->t->err ? c->t->err : "failed");
		conn_close(c, "handshake failed");
		return;
	}
	if (r > 0) {
		c->handshaking = false;
		if (session_greet_waits(session_of(c)))
			c->greet_timer = loop_timer_add(srv->loop, TC_SNIFF_WAIT_MS, on_greet_timer, c);
	}
	update_events(srv, c);
}

static void on_conn(struct loop *loop, int fd, short revents, void *arg)
{
	struct server *srv = arg;
	struct conn *c = srv->conns[fd];

	(void)loop;
	if (c == NULL || c->closing)
		return;
	if (c->handshaking) {
		step_handshake(srv, c);
		return;
	}
	if (revents & c->t->wr_events)
		flush_conn(srv, c);
	if (c->closing)
		return;
	if (revents & (c->t->rd_events | POLLHUP | POLLERR | POLLNVAL)) {
		if (srv->shutting_down) {
			if (revents & (POLLHUP | POLLERR | POLLNVAL))
				conn_close(c, "connection lost");
			return;
		}
		if (c->throttled) {
			if (revents & (POLLHUP | POLLERR | POLLNVAL))
				hung_up(srv, c, "connection lost");
			return;
		}
		read_conn(srv, c);
	}
}

/* --- accepting --------------------------------------------------------------------- */

static void on_accept_backoff(struct loop *loop, void *arg)
{
	(void)loop;
	resume_accept(arg);
}

static void pause_accept(struct server *srv, int err)
{
	if (srv->accept_paused)
		return;
	srv->accept_paused = true;
	for (int i = 0; i < srv->nlfds; i++)
		loop_set_events(srv->loop, srv->lfds[i], 0);
	loop_timer_add(srv->loop, TC_ACCEPT_BACKOFF_MS, on_accept_backoff, srv);
	if (!srv->accept_warned)
		log_msg(LOG_WARN, "accept: %s; not accepting for %d ms at a time until it clears",
		    strerror(err), TC_ACCEPT_BACKOFF_MS);
	srv->accept_warned = true;
}

/* --- admission: bans, the client limit, per-address limits ----------------------- */

/* One line to a connection that is refused, then close, in its listener's transport
 * (inside TLS on a TLS port) and dialect (an IRC ERROR line on an IRC port): no session
 * is made for it (refusal.h). */
static void refuse(struct server *srv, int fd, const char *peer, const char *line, int kind)
{
	struct buf msg = { 0 };

	if (kind & LISTEN_IRC) {
		irc_bridge_refusal(peer, line, &msg);
	} else {
		buf_append_str(&msg, line);
		buf_putc(&msg, '\n');
	}
	refusals_add(srv->refusals, fd, peer, kind & LISTEN_TLS ? srv->tls : NULL,
	    buf_data(&msg), buf_len(&msg));
	buf_free(&msg);
}

/* A refusal the operator hears about without -v, rate-limited (TC_WARN_PER_MINUTE of a
 * kind a minute, then how many were not shown); with -v every one is logged. */
static void warn_refused(struct ratewarn *w, const char *peer, const char *why)
{
	unsigned long held = 0;

	if (!ratewarn_allow(w, loop_now_ms(), &held)) {
		log_msg(LOG_INFO, "refused %s: %s", peer, why);
		return;
	}
	if (held > 0)
		log_msg(LOG_WARN, "refused %s: %s (%lu more not shown)", peer, why, held);
	else
		log_msg(LOG_WARN, "refused %s: %s", peer, why);
}

static void refuse_full(struct server *srv, int fd, const char *peer, int kind)
{
	char msg[96];

	snprintf(msg, sizeof(msg), "Chat is full (%d of %d clients), try again later.",
	    srv->nconns, srv->opt->max_clients);
	refuse(srv, fd, peer, msg, kind);
	srv->stats.refused++;
	warn_refused(&srv->warn_full, peer, "chat is full");
}

/* "You are banned from this server until 2026-12-01 10:00:00 UTC: spam." */
static void ban_line(const struct ban *b, char *out, size_t outsz)
{
	char until[48] = " permanently";
	struct tm tm;

	if (b->expires != 0 && gmtime_r(&b->expires, &tm) != NULL)
		strftime(until, sizeof(until), " until %Y-%m-%d %H:%M:%S UTC", &tm);
	snprintf(out, outsz, "You are banned from this server%s%s%s.", until,
	    b->reason[0] != '\0' ? ": " : "", b->reason);
}

/* Is the address banned, or over its limits? Then it is told so and closed (true). */
static bool refused_addr(struct server *srv, int fd, const char *peer,
    const struct addrkey *k, int kind)
{
	const struct ban *b = bans_check(&srv->chat.bans, k, time(NULL));
	enum addrlimit_verdict v;
	char msg[TC_BAN_REASON_MAX + 96];

	if (b != NULL) {
		ban_line(b, msg, sizeof(msg));
		refuse(srv, fd, peer, msg, kind);
		srv->stats.refused++;
		log_msg(LOG_INFO, "refused %s: banned", peer);
		return true;
	}
	if (srv->nconns >= srv->opt->max_clients) {
		refuse_full(srv, fd, peer, kind);
		return true;
	}
	v = addrlimit_admit(srv->al, k, loop_now_ms());
	if (v == ADDRLIMIT_OK)
		return false;
	addrlimit_reason(srv->al, v, msg, sizeof(msg));
	refuse(srv, fd, peer, msg, kind);
	srv->stats.refused++;
	warn_refused(&srv->warn_addr, peer, msg);
	return true;
}

static void grow_conns(struct server *srv, int fd)
{
	int cap = srv->capconns ? srv->capconns : 64;

	while (cap <= fd)
		cap *= 2;
	srv->conns = xreallocarray(srv->conns, (size_t)cap, sizeof(*srv->conns));
	memset(srv->conns + srv->capconns, 0,
	    (size_t)(cap - srv->capconns) * sizeof(*srv->conns));
	srv->capconns = cap;
}

static int listener_kind(const struct server *srv, int lfd)
{
	for (int i = 0; i < srv->nlfds; i++)
		if (srv->lfds[i] == lfd)
			return srv->lkind[i];
	return LISTEN_PLAIN;
}

/* What a listener's connections speak (front.h), and what the module is given for
 * them: one line per protocol module. */
static const struct front *front_of(const struct server *srv, int kind, void **arg)
{
	*arg = kind & LISTEN_IRC ? srv->irc : NULL;
	return kind & LISTEN_IRC ? &front_irc : &front_text;
}

static void add_conn(struct server *srv, struct transport *t, const char *peer,
    const struct addrkey *k, int kind)
{
	int64_t now = loop_now_ms();
	struct conn *c = conn_new(t, peer, now, &srv->pending);
	void *front_arg;
	const struct front *front = front_of(srv, kind, &front_arg);

	if (k != NULL) {
		c->addr = *k;
		c->counted = true;
	}

	net_set_sndbuf(t->fd, TC_SNDBUF_BYTES);
	if (t->fd >= srv->capconns)
		grow_conns(srv, t->fd);
	c->owner = session_new(&srv->chat, front, front_arg, c, now);
	c->handshaking = true;
	c->server = srv;
	srv->conns[t->fd] = c;
	srv->nconns++;
	srv->stats.accepted++;
	loop_add(srv->loop, t->fd, 0, on_conn, srv);
	log_msg(LOG_INFO, "connect %s (fd %d, %s, %d connected)", peer, t->fd, t->ops->name,
	    srv->nconns);
	step_handshake(srv, c);
}

/* The limits are checked before anything is allocated for the connection. */
static struct transport *new_transport(struct server *srv, int fd, bool tls)
{
	return tls ? transport_tls_server_new(fd, srv->tls) : transport_tcp_new(fd);
}

static void admit(struct server *srv, int fd, const char *peer, int kind)
{
	bool tls = kind & LISTEN_TLS;
	struct addrkey k;

	if (addrkey_from_text(peer, &k) != 0) {  /* not IPv4 or IPv6: no address limits */
		if (srv->nconns >= srv->opt->max_clients)
			refuse_full(srv, fd, peer, kind);
		else
			add_conn(srv, new_transport(srv, fd, tls), peer, NULL, kind);
		return;
	}
	if (!refused_addr(srv, fd, peer, &k, kind))
		add_conn(srv, new_transport(srv, fd, tls), peer, &k, kind);
}

static void on_listen(struct loop *loop, int lfd, short revents, void *arg)
{
	struct server *srv = arg;
	char peer[NET_PEER_MAX];

	(void)loop;
	(void)revents;
	for (int i = 0; i < TC_ACCEPTS_PER_PASS && !srv->accept_paused; i++) {
		int fd = net_accept(lfd, peer);

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				pause_accept(srv, errno);
			else if (errno != EINTR && errno != ECONNABORTED && errno != EPROTO &&
			    errno != EAGAIN && errno != EWOULDBLOCK)
				log_msg(LOG_WARN, "accept: %s", strerror(errno));
			if (errno == EAGAIN || errno == EWOULDBLOCK || srv->accept_paused)
				return;
			continue;
		}
		if (srv->accept_warned) {
			log_msg(LOG_WARN, "accept: descriptors available again");
			srv->accept_warned = false;
		}
		admit(srv, fd, peer, listener_kind(srv, lfd));
	}
}

/* --- time -------------------------------------------------------------------------- */

static void name_timeout(struct server *srv, struct conn *c)
{
	char msg[80];

	snprintf(msg, sizeof(msg), "No name given in %d second%s, goodbye.",
	    srv->opt->name_timeout, srv->opt->name_timeout == 1 ? "" : "s");
	buf_free(&c->in);
	chat_bye(&session_of(c)->m, msg, "name timeout");
}

/* Per connection, once a second: give idle buffers back, the name timeout, the
 * slow-reader policy. Returns 1 if memory was given back. */
static int housekeep_conn(struct server *srv, struct conn *c, int64_t now)
{
	int64_t limit = (int64_t)srv->opt->name_timeout * 1000;
	/* Busy connections keep their buffers between passes; idle ones give the
	 * memory back here. */
	int trimmed = buf_trim(&c->in) + buf_trim(&c->out) + session_trim(session_of(c));
	const char *why;

	if (c->handshaking) {
		if (now - c->accepted_at >= TC_TLS_HANDSHAKE_MS) {
			log_msg(LOG_INFO, "handshake %s: not done in %d ms", c->peer,
			    TC_TLS_HANDSHAKE_MS);
			c->abort = true;
			conn_close(c, "handshake timeout");
		}
		return trimmed;
	}
	if (buf_len(&c->out) == 0)
		transport_idle(c->t);
	session_tick(&srv->chat, session_of(c), time(NULL));
	chat_tell_online(&srv->chat, &session_of(c)->m);
	if (!session_named(session_of(c)) && limit > 0 && now - c->accepted_at >= limit)
		name_timeout(srv, c);
	else if ((why = queue_verdict(srv, c)) != NULL)
		drop_reader(c, why);
	return trimmed;
}

static void on_housekeeping(struct loop *loop, void *arg)
{
	struct server *srv = arg;
	int64_t now = loop_now_ms();
	size_t total = 0;
	int trimmed = 0;

	for (int fd = 0; fd < srv->capconns; fd++) {
		struct conn *c = srv->conns[fd];

		if (c == NULL || c->closing)
			continue;
		trimmed += housekeep_conn(srv, c, now);
		total += buf_len(&c->out);
	}
	check_total_queue(srv, total);
	topics_flush(&srv->chat.topics, &srv->chat.rooms, false);
	if (++srv->ticks % SWEEP_TICKS == 0)
		addrlimit_sweep(srv->al, now);
	if (log_enabled(LOG_DEBUG) && (total > 0 || trimmed > 0))
		log_msg(LOG_DEBUG, "timer: housekeeping, %d connection(s), %zu bytes queued, "
		    "%d buffer(s) trimmed", srv->nconns, total, trimmed);
#ifdef __GLIBC__
	if (trimmed > 0)
		malloc_trim(0);
#endif
	loop_timer_add(loop, HOUSEKEEPING_MS, on_housekeeping, srv);
}

/* --- signals and shutdown ---------------------------------------------------------- */

static void on_shutdown_deadline(struct loop *loop, void *arg)
{
	(void)arg;
	loop_stop(loop);
}

static void close_listeners(struct server *srv)
{
	for (int i = 0; i < srv->nlfds; i++) {
		loop_del(srv->loop, srv->lfds[i]);
		close(srv->lfds[i]);
	}
	srv->nlfds = 0;
}

static void on_stop_signal(struct loop *loop, int signo, void *arg)
{
	static const char bye_text[] = "Server is shutting down. Goodbye!";
	static const struct event bye = { .type = EV_BYE, .text = bye_text,
	    .len = sizeof(bye_text) - 1 };
	struct server *srv = arg;

	if (srv->shutting_down) {
		loop_stop(loop);        /* a second signal: stop flushing now */
		return;
	}
	log_msg(LOG_INFO, "%s: shutting down", strsignal(signo));
	srv->shutting_down = true;
	close_listeners(srv);
	for (int fd = 0; fd < srv->capconns; fd++) {
		struct conn *c = srv->conns[fd];

		if (c == NULL || c->closing || c->handshaking)
			continue;
		member_put(&session_of(c)->m, &bye);
		update_events(srv, c);
	}
	loop_timer_add(loop, TC_SHUTDOWN_FLUSH_MS, on_shutdown_deadline, srv);
}

/* SIGHUP with --tls: read the certificate and key again; a bad pair keeps the old. */
static void reload_tls(struct server *srv)
{
	char err[512];

	if (srv->tls == NULL)
		return;
	if (tls_ctx_reload(srv->tls, err, sizeof(err)) != 0)
		log_msg(LOG_ERROR, "TLS certificate not reloaded, keeping the old one: %s", err);
	else
		log_msg(LOG_WARN, "TLS certificate reloaded: sha256 Fingerprint=%s",
		    tls_ctx_fingerprint(srv->tls));
}

/* The room budget of a member's address (issue 11: one user cannot empty the room
 * table by churning through connections either). */
static bool may_create(void *arg, const struct member *m)
{
	struct server *srv = arg;
	const struct conn *c = m->conn;

	return c == NULL || !c->counted || addrlimit_room_create(srv->al, &c->addr, loop_now_ms());
}

/* The chat's each_from (a ban): every connection from address k, named or not. */
static void each_from(void *arg, const struct addrkey *k,
    void (*fn)(struct member *m, void *fnarg), void *fnarg)
{
	struct server *srv = arg;

	for (int fd = 0; fd < srv->capconns; fd++) {
		struct conn *c = srv->conns[fd];

		if (c != NULL && !c->closing && c->counted && addrkey_equal(&c->addr, k))
			fn(&session_of(c)->m, fnarg);
	}
}

/* The one-line summary of SIGUSR1 and /stats. */
static const char *stats_line(void *arg, char *out, size_t outsz)
{
	struct server *srv = arg;
	struct stats_now sn = { .now = time(NULL), .connections = srv->nconns,
	    .rooms = (int)chat_rooms(&srv->chat)->count, .msgs_in = srv->chat.stats.msgs_in,
	    .msgs_out = srv->chat.stats.msgs_out };

	return stats_format(&srv->stats, &sn, out, outsz);
}

/* SIGUSR1: one line of totals on stderr, whatever the log level (--redis: and one of
 * the bus's counters). */
static void on_usr1(struct loop *loop, int signo, void *arg)
{
	struct server *srv = arg;
	char line[1024];

	(void)loop, (void)signo;
	fprintf(stderr, "tcpchat[%ld]: stats: %s\n", (long)getpid(),
	    stats_line(arg, line, sizeof(line)));
	if (cluster_stats_line(&srv->chat.cluster, line, sizeof(line)) != NULL)
		fprintf(stderr, "tcpchat[%ld]: %s\n", (long)getpid(), line);
}

static void on_hup(struct loop *loop, int signo, void *arg)
{
	struct server *srv = arg;
	char err[256];

	(void)loop;
	(void)signo;
	reload_tls(srv);
	if (!chat_has_log(&srv->chat))     /* no --log (a failed reopen is retried) */
		return;
	if (chat_reopen_log(&srv->chat, err, sizeof(err)) != 0)
		log_msg(LOG_ERROR, "%s", err);
	else
		log_msg(LOG_INFO, "log reopened");
}

/* --- setup ------------------------------------------------------------------------- */

static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* --redis, at shutdown: the users still connected leave the chat (their leaves are
 * published, their names given back) before the server leaves the cluster, so the other
 * servers free their names now rather than when this server's heartbeat lapses. */
static void leave_cluster_users(struct server *srv)
{
	if (!cluster_on(&srv->chat.cluster))
		return;
	for (int fd = 0; fd < srv->capconns; fd++)
		if (srv->conns[fd] != NULL)
			session_leave(&srv->chat, session_of(srv->conns[fd]));
}

static void server_free(struct server *srv)
{
	while (conn_pending_take(&srv->pending) != NULL)   /* before the conns it links */
		;
	for (int fd = 0; fd < srv->capconns; fd++) {
		struct conn *c = srv->conns[fd];

		if (c == NULL)
			continue;
		transport_close(c->t, false);
		chat_check_cancel(&srv->chat, &session_of(c)->m);
		session_free(session_of(c));
		conn_free(c);
	}
	close_listeners(srv);
	tls_ctx_free(srv->tls);
	free(srv->conns);
	buf_free(&srv->rbuf);
	pwcheck_free(srv->chat.pwcheck);
	irc_bridge_free(srv->irc);
	cmd_oper_free(&srv->chat);
	chat_free(&srv->chat);
	addrlimit_free(srv->al);
	refusals_free(srv->refusals);
	loop_free(srv->loop);
}

static void tune_malloc(void)
{
#ifdef __GLIBC__
	/* Output buffers grow and shrink with the traffic. Keep them in the heap rather
	 * than in mmap()ed blocks (no page faults on every pass); housekeeping gives
	 * idle memory back with malloc_trim(). */
	mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
#endif
}

/* Listeners of one kind on port, after those already open. 0, or -1 with err. */
static int add_listeners(struct server *srv, int port, int kind, char *err, size_t errsz)
{
	int n = net_listen(srv->opt->bind, port, srv->lfds + srv->nlfds, err, errsz);

	if (n < 0)
		return -1;
	for (int i = srv->nlfds; i < srv->nlfds + n; i++)
		srv->lkind[i] = (uint8_t)kind;
	srv->nlfds += n;
	return 0;
}

static int open_tls(struct server *srv, char *err, size_t errsz)
{
	const struct tls_server_conf conf = { .cert_file = srv->opt->tls_cert,
	    .key_file = srv->opt->tls_key, .state_dir = srv->opt->state_dir };

	srv->tls = tls_server_new(&conf, err, errsz);
	if (srv->tls == NULL)
		return -1;
	if (tls_ctx_generated(srv->tls))
		log_msg(LOG_WARN, "made a self-signed TLS certificate: %s",
		    tls_ctx_cert_file(srv->tls));
	return 0;
}

/* The first port of a kind. */
static int listener_port(const struct server *srv, int kind)
{
	for (int i = 0; i < srv->nlfds; i++)
		if (srv->lkind[i] == kind)
			return net_local_port(srv->lfds[i]);
	return -1;
}

/* What users need to join: the ports, and the certificate's fingerprint. */
static void print_listening(const struct server *srv)
{
	if (!srv->opt->tls_only)
		printf("Listening on the port :%d\n", listener_port(srv, LISTEN_PLAIN));
	if (srv->tls != NULL) {
		printf("Listening for TLS on the port :%d\n", listener_port(srv, LISTEN_TLS));
		printf("sha256 Fingerprint=%s\n", tls_ctx_fingerprint(srv->tls));
	}
	if (srv->opt->irc_port >= 0)
		printf("Listening for IRC on the port :%d\n", listener_port(srv, LISTEN_IRC));
	if (srv->tls != NULL && srv->opt->irc_tls_port >= 0)
		printf("Listening for IRC over TLS on the port :%d\n",
		    listener_port(srv, LISTEN_IRC | LISTEN_TLS));
	fflush(stdout);
}

/* The ban list from the state directory (bans.h). A file that cannot be read stops the
 * start: a server that silently forgot its bans would let them all in. */
static int load_bans(struct server *srv, char *err, size_t errsz)
{
	char path[4096], why[512];
	size_t skipped = 0;

	if (statedir_path(path, sizeof(path), srv->opt->state_dir, "bans", why,
	    sizeof(why)) != 0) {
		log_msg(LOG_WARN, "bans kept in memory only: %s", why);
		return 0;
	}
	bans_free(&srv->chat.bans);
	bans_init(&srv->chat.bans, path);
	if (bans_load(&srv->chat.bans, time(NULL), &skipped, err, errsz) != 0)
		return -1;      /* the reason names the file */
	if (skipped > 0)
		log_msg(LOG_WARN, "%s: %zu bad line%s skipped", path, skipped,
		    skipped == 1 ? "" : "s");
	return 0;
}

/* The topics from the state directory (topics.h), after the log's: the newest of each
 * room's wins. A file that cannot be read is reported and left alone until a topic
 * changes (topics are not worth refusing to start over). */
static void load_topics(struct server *srv)
{
	char path[4096], why[512];
	size_t skipped = 0;

	if (statedir_path(path, sizeof(path), srv->opt->state_dir, "topics", why,
	    sizeof(why)) != 0) {
		log_msg(LOG_WARN, "topics kept in memory only: %s", why);
		return;
	}
	topics_free(&srv->chat.topics);
	topics_init(&srv->chat.topics, path);
	if (topics_load(&srv->chat.topics, &srv->chat.rooms, &skipped, why, sizeof(why)) != 0)
		log_msg(LOG_ERROR, "topics not loaded: %s", why);
	if (skipped > 0)
		log_msg(LOG_WARN, "%s: %zu bad line%s skipped", path, skipped,
		    skipped == 1 ? "" : "s");
	topics_flush(&srv->chat.topics, &srv->chat.rooms, true);
}

static void setup_admission(struct server *srv)
{
	const struct serve_options *opt = srv->opt;

	srv->al = addrlimit_new((unsigned)opt->max_per_ip, (unsigned)opt->max_per_ip_rate,
	    TC_DEFAULT_ADDR_BURST, (size_t)opt->max_clients + TC_ADDRLIMIT_IDLE_ENTRIES);
	srv->refusals = refusals_new(srv->loop);
	ratewarn_init(&srv->warn_full, TC_WARN_PER_MINUTE);
	ratewarn_init(&srv->warn_addr, TC_WARN_PER_MINUTE);
}

/* --irc-port, --irc-tls-port: the IRC listeners. 0, or -1 with err. */
static int add_irc_listeners(struct server *srv, char *err, size_t errsz)
{
	const struct serve_options *opt = srv->opt;

	/* Always: it also says who sets a topic as IRC shows it, kept for a later IRC port. */
	srv->irc = irc_bridge_new(&srv->chat, opt->server_name);
	if (opt->irc_port < 0 && (opt->irc_tls_port < 0 || srv->tls == NULL))
		return 0;
	if (opt->irc_port >= 0 && add_listeners(srv, opt->irc_port, LISTEN_IRC, err, errsz) != 0)
		return -1;
	if (srv->tls != NULL && opt->irc_tls_port >= 0 &&
	    add_listeners(srv, opt->irc_tls_port, LISTEN_IRC | LISTEN_TLS, err, errsz) != 0)
		return -1;
	return 0;
}

/* The chat and what it needs from the options. */
static void setup_chat(struct server *srv)
{
	const struct serve_options *opt = srv->opt;

	srv->hard_limit = (size_t)opt->max_queue_kib * 1024;
	srv->soft_limit = srv->hard_limit / TC_SOFT_QUEUE_DIVISOR;
	chat_init(&srv->chat, (size_t)opt->max_line, opt->rate_limit, (size_t)opt->history);
	srv->chat.cfg.announce_max = (size_t)opt->announce_max;
	srv->chat.hooks.stats_line = stats_line;
	srv->chat.hooks.may_create = may_create;
	srv->chat.hooks.each_from = each_from;
	srv->chat.hooks.arg = srv;
	srv->chat.cfg.replay = opt->replay < 0 ? SIZE_MAX : (size_t)opt->replay;
}

/* What the chat keeps and is told: the cluster, operators, bans, the log. */
static int setup_state(struct server *srv, char *err, size_t errsz)
{
	const struct serve_options *opt = srv->opt;

	if (opt->redis != NULL && chat_bus_new(&srv->chat, srv->loop, opt->redis,
	    (size_t)opt->history, err, errsz) == NULL)
		return -1;
	if (cmd_oper_setup(&srv->chat, opt, err, errsz) != 0 || load_bans(srv, err, errsz) != 0)
		return -1;
	if (opt->log_path != NULL &&
	    (chat_replay_log(&srv->chat, opt->log_path, err, errsz) != 0 ||
	    chat_open_log(&srv->chat, opt->log_path, err, errsz) != 0))
		return -1;
	load_topics(srv);
	return 0;
}

/* Every listener the options ask for, watched; the chat learns the ports. */
static int setup_listeners(struct server *srv, char *err, size_t errsz)
{
	const struct serve_options *opt = srv->opt;

	if (!opt->tls_only && add_listeners(srv, opt->port, LISTEN_PLAIN, err, errsz) != 0)
		return -1;
	if (opt->tls && (open_tls(srv, err, errsz) != 0 ||
	    add_listeners(srv, opt->tls_port, LISTEN_TLS, err, errsz) != 0))
		return -1;
	if (add_irc_listeners(srv, err, errsz) != 0)
		return -1;
	for (int i = 0; i < srv->nlfds; i++)
		loop_add(srv->loop, srv->lfds[i], POLLIN, on_listen, srv);
	srv->chat.cfg.where.port = opt->tls_only ? 0 : listener_port(srv, LISTEN_PLAIN);
	srv->chat.cfg.where.tls_port = srv->tls != NULL ? listener_port(srv, LISTEN_TLS) : 0;
	srv->chat.cfg.where.irc_port = opt->irc_port >= 0 ? listener_port(srv, LISTEN_IRC) : 0;
	return 0;
}

static void setup_loop(struct server *srv)
{
	loop_signal(srv->loop, SIGINT, on_stop_signal, srv);
	loop_signal(srv->loop, SIGTERM, on_stop_signal, srv);
	loop_signal(srv->loop, SIGHUP, on_hup, srv);
	loop_signal(srv->loop, SIGUSR1, on_usr1, srv);
	stats_init(&srv->stats, time(NULL));
	loop_set_before_sleep(srv->loop, before_sleep, srv);
	loop_timer_add(srv->loop, HOUSEKEEPING_MS, on_housekeeping, srv);
}

/* The chat, its state and the listeners. 0, or -1 with a reason in err. */
static int server_setup(struct server *srv, char *err, size_t errsz)
{
	setup_chat(srv);
	srv->loop = loop_new();
	srv->chat.pwcheck = pwcheck_new(srv->loop);   /* passwords checked off the loop */
	net_set_reuse_port(srv->opt->reuse_port);
	setup_admission(srv);
	spoof_init();
	if (setup_state(srv, err, errsz) != 0 || setup_listeners(srv, err, errsz) != 0)
		return -1;
	setup_loop(srv);
	return 0;
}

/* At shutdown: the refusals held back since the last warning of each kind. */
static void report_held(const struct server *srv)
{
	unsigned long full = ratewarn_pending(&srv->warn_full);
	unsigned long addr = ratewarn_pending(&srv->warn_addr);

	if (full + addr > 0)
		log_msg(LOG_WARN, "refusals not shown: %lu chat full, %lu address limits",
		    full, addr);
}

int server_main(const struct serve_options *opt)
{
	struct server srv = { .opt = opt };
	char err[512];
	int rc = 0;

	log_set_level(opt->verbosity);
	signal(SIGPIPE, SIG_IGN);
	tune_malloc();
	raise_fd_limit();
	if (server_setup(&srv, err, sizeof(err)) != 0) {
		fprintf(stderr, "tcpchat: %s\n", err);
		close_listeners(&srv);
		cluster_close(&srv.chat.cluster);
		server_free(&srv);
		spoof_shutdown();
		return 1;
	}
	print_listening(&srv);
	if (loop_run(srv.loop) != 0) {
		log_msg(LOG_ERROR, "poll: %s", strerror(errno));
		rc = 1;
	}
	report_held(&srv);
	topics_flush(&srv.chat.topics, &srv.chat.rooms, true);
	close_listeners(&srv);
	/* The loop runs once more, for Redis alone: without the pass that flushes clients
	 * (it stops the loop at once while shutting down). */
	loop_set_before_sleep(srv.loop, NULL, NULL);
	leave_cluster_users(&srv);
	cluster_close(&srv.chat.cluster);   /* names released, out of the cluster */
	server_free(&srv);
	spoof_shutdown();
	return rc;
}
