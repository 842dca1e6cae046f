/* server.c: serve mode. Sockets and time: accept with admission control, reads,
 * fair buffered writes, the slow-reader policy, rate-limit back-pressure, timeouts,
 * signals and shutdown. The chat's rules are in chat.c. */
#include <errno.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "chat.h"
#include "log.h"
#include "loop.h"
#include "net.h"
#include "server.h"
#include "tclimits.h"
#include "util.h"

#define HOUSEKEEPING_MS 1000
#define THROTTLE_MIN_MS 10

struct server {
	struct loop *loop;
	struct chat chat;
	const struct serve_options *opt;
	int lfds[NET_MAX_LISTEN];
	int nlfds;
	struct conn **conns;     /* indexed by fd */
	int capconns;
	int nconns;
	int nthrottled;
	size_t hard_limit, soft_limit;
	bool accept_paused;
	bool accept_warned;      /* out of descriptors was logged; quiet until it clears */
	bool shutting_down;
	uint64_t throttle_timer;
	struct buf rbuf;         /* the read buffer connections borrow (see read_conn) */
};

static void on_conn(struct loop *loop, int fd, short revents, void *arg);

/* --- output ------------------------------------------------------------------------ */

static void update_events(struct server *srv, struct conn *c)
{
	short ev = 0;

	if (!c->throttled && !c->closing && !srv->shutting_down)
		ev |= POLLIN;
	if (buf_len(&c->out) > 0)
		ev |= POLLOUT;
	loop_set_events(srv->loop, c->fd, ev);
}

/* Apply the slow-reader policy: above the hard limit at once, above the soft limit
 * for longer than TC_SOFT_QUEUE_SECONDS. Returns true if c was dropped. */
static bool check_queue(struct server *srv, struct conn *c, int64_t now)
{
	size_t q = buf_len(&c->out);
	const char *why = NULL;
	char esc[LOG_ESCAPE_MAX];

	if (q > srv->hard_limit) {
		why = "output queue over the hard limit";
	} else if (q > srv->soft_limit) {
		if (c->soft_since == 0)
			c->soft_since = now;
		else if (now - c->soft_since > TC_SOFT_QUEUE_SECONDS * 1000)
			why = "output queue over the soft limit for too long";
	} else {
		c->soft_since = 0;
	}
	if (why == NULL)
		return false;
	log_msg(LOG_WARN, "dropping slow reader %s \"%s\": %s (%zu bytes queued)", c->peer,
	    log_escape(c->name, c->namelen, esc, sizeof(esc)), why, q);
	buf_free(&c->out);
	conn_close(c, why);
	return true;
}

/* The peer of a throttled connection hung up (or reset, or a write to it failed): the
 * lines it sent before are still delivered, at its rate, by the throttle timer. It is
 * no longer polled (poll would report the hangup on every pass) and its output is
 * dropped; run_input() closes it once its input is handled. */
static void peer_gone(struct server *srv, struct conn *c)
{
	ssize_t n;

	/* Lines it sent that are still in the socket are its lines too (at most what
	 * the kernel buffered). */
	while ((n = read(c->fd, buf_reserve(&c->in, TC_READ_CHUNK), TC_READ_CHUNK)) > 0 ||
	    (n < 0 && errno == EINTR))
		if (n > 0)
			buf_commit(&c->in, (size_t)n);
	c->peer_gone = true;
	buf_free(&c->out);
	loop_del(srv->loop, c->fd);
}

/* Every record logged so far reaches the file before anyone is sent a byte more:
 * called before each write to a client, it costs nothing when nothing is pending. */
static void flush_log(struct server *srv)
{
	if (chatlog_flush(&srv->chat.log) != 0)
		log_msg(LOG_ERROR, "cannot write the log: %s", strerror(errno));
}

/* Write what is queued, at most TC_WRITE_MAX_PER_PASS bytes (fairness). */
static void flush_conn(struct server *srv, struct conn *c)
{
	size_t todo = buf_len(&c->out);

	flush_log(srv);
	if (c->peer_gone) {             /* nobody to write to */
		buf_free(&c->out);
		return;
	}
	if (todo > TC_WRITE_MAX_PER_PASS)
		todo = TC_WRITE_MAX_PER_PASS;
	while (todo > 0) {
		ssize_t n = write(c->fd, buf_data(&c->out), todo);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			if (c->throttled) {     /* it has lines to deliver still */
				peer_gone(srv, c);
				return;
			}
			buf_free(&c->out);
			conn_close(c, errno == EPIPE || errno == ECONNRESET ?
			    "connection reset" : "write error");
			return;
		}
		buf_consume(&c->out, (size_t)n);
		conn_sent(c);
		todo -= (size_t)n;
	}
	if (!check_queue(srv, c, loop_now_ms()))
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
	char esc[LOG_ESCAPE_MAX];

	chat_leave(&srv->chat, c);
	flush_log(srv);
	if (buf_len(&c->out) > 0)
		(void)!write(c->fd, buf_data(&c->out), buf_len(&c->out)); /* last words */
	log_msg(LOG_INFO, "disconnect %s \"%s\": %s", c->peer,
	    log_escape(c->name, strlen(c->name), esc, sizeof(esc)),
	    c->close_reason ? c->close_reason : "closed");
	loop_del(srv->loop, c->fd);
	close(c->fd);
	srv->conns[c->fd] = NULL;
	srv->nconns--;
	if (c->throttled)
		srv->nthrottled--;
	conn_free(c);
	resume_accept(srv);
}

static void before_sleep(struct loop *loop, void *arg)
{
	struct server *srv = arg;
	struct conn *c;

	while ((c = conn_pending_take()) != NULL) {
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
	bool throttled = chat_input(&srv->chat, c, loop_now_ms());

	if (throttled != c->throttled) {
		c->throttled = throttled;
		srv->nthrottled += throttled ? 1 : -1;
		if (!c->closing)
			update_events(srv, c);
	}
	if (throttled) {
		arm_throttle(srv);
	} else if (c->peer_gone && !c->closing) {
		chat_input_end(&srv->chat, c);  /* every line it sent is handled */
		conn_close(c, "connection lost");
	}
}

static void on_throttle_timer(struct loop *loop, void *arg)
{
	struct server *srv = arg;

	(void)loop;
	srv->throttle_timer = 0;
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
	for (;;) {
		n = read(c->fd, buf_reserve(&c->in, TC_READ_CHUNK), TC_READ_CHUNK);
		if (n >= 0 || errno != EINTR)
			break;
	}
	err = errno;
	if (n > 0) {
		buf_commit(&c->in, (size_t)n);
		run_input(srv, c);
	}
	if (shared) {
		srv->rbuf = c->in;
		c->in = own;
		buf_append(&c->in, buf_data(&srv->rbuf), buf_len(&srv->rbuf));
		buf_clear(&srv->rbuf);
	}
	if (n > 0 || (n < 0 && (err == EAGAIN || err == EWOULDBLOCK)))
		return;
	if (n == 0)
		chat_input_end(&srv->chat, c);
	buf_free(&c->in);
	conn_close(c, n == 0 ? "closed by peer" : err == ECONNRESET ?
	    "connection reset" : "read error");
}

static void on_conn(struct loop *loop, int fd, short revents, void *arg)
{
	struct server *srv = arg;
	struct conn *c = srv->conns[fd];

	(void)loop;
	if (c == NULL || c->closing)
		return;
	if (revents & POLLOUT)
		flush_conn(srv, c);
	if (c->closing || c->peer_gone)
		return;
	if (revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL)) {
		if (srv->shutting_down) {
			if (revents & (POLLHUP | POLLERR | POLLNVAL))
				conn_close(c, "connection lost");
			return;
		}
		if (c->throttled) {
			if (revents & (POLLHUP | POLLERR | POLLNVAL))
				peer_gone(srv, c);
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

static void refuse_full(struct server *srv, int fd, const char *peer)
{
	char msg[96];
	int n = snprintf(msg, sizeof(msg), "Chat is full (%d of %d clients), try again later.\n",
	    srv->nconns, srv->opt->max_clients);

	(void)!write(fd, msg, (size_t)n);
	close(fd);
	log_msg(LOG_INFO, "refused %s: chat is full", peer);
}

static void add_conn(struct server *srv, int fd, const char *peer)
{
	struct conn *c;

	if (fd >= srv->capconns) {
		int cap = srv->capconns ? srv->capconns : 64;

		while (cap <= fd)
			cap *= 2;
		srv->conns = xreallocarray(srv->conns, (size_t)cap, sizeof(*srv->conns));
		memset(srv->conns + srv->capconns, 0,
		    (size_t)(cap - srv->capconns) * sizeof(*srv->conns));
		srv->capconns = cap;
	}
	c = conn_new(fd, peer, loop_now_ms());
	srv->conns[fd] = c;
	srv->nconns++;
	loop_add(srv->loop, fd, POLLIN, on_conn, srv);
	log_msg(LOG_INFO, "connect %s (fd %d, %d connected)", peer, fd, srv->nconns);
	chat_greet(&srv->chat, c, loop_now_ms());
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
		/* The limit is checked before anything is allocated. */
		if (srv->nconns >= srv->opt->max_clients)
			refuse_full(srv, fd, peer);
		else
			add_conn(srv, fd, peer);
	}
}

/* --- time -------------------------------------------------------------------------- */

static void on_housekeeping(struct loop *loop, void *arg)
{
	struct server *srv = arg;
	int64_t now = loop_now_ms(), limit = (int64_t)srv->opt->name_timeout * 1000;
	char msg[80];
	int trimmed = 0;

	for (int fd = 0; fd < srv->capconns; fd++) {
		struct conn *c = srv->conns[fd];

		if (c == NULL || c->closing)
			continue;
		/* Busy connections keep their buffers between passes; idle ones give
		 * the memory back here, once a second. */
		trimmed += buf_trim(&c->in) + buf_trim(&c->out);
		if (c->state == CONN_NAMING && limit > 0 && now - c->accepted_at >= limit) {
			snprintf(msg, sizeof(msg), "No name given in %d second%s, goodbye.",
			    srv->opt->name_timeout, srv->opt->name_timeout == 1 ? "" : "s");
			buf_free(&c->in);
			chat_bye(c, msg, "name timeout");
		} else if (c->soft_since != 0) {
			check_queue(srv, c, now);
		}
	}
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

static void on_stop_signal(struct loop *loop, int signo, void *arg)
{
	struct server *srv = arg;
	static const struct conn_line bye = {
		.nc = "Server is shutting down. Goodbye!",
		.nclen = sizeof("Server is shutting down. Goodbye!") - 1,
		.proto = "BYE\tServer is shutting down. Goodbye!",
		.protolen = sizeof("BYE\tServer is shutting down. Goodbye!") - 1,
	};

	if (srv->shutting_down) {
		loop_stop(loop);        /* a second signal: stop flushing now */
		return;
	}
	log_msg(LOG_WARN, "%s: shutting down", strsignal(signo));
	srv->shutting_down = true;
	for (int i = 0; i < srv->nlfds; i++) {
		loop_del(loop, srv->lfds[i]);
		close(srv->lfds[i]);
	}
	srv->nlfds = 0;
	for (int fd = 0; fd < srv->capconns; fd++) {
		struct conn *c = srv->conns[fd];

		if (c == NULL || c->closing)
			continue;
		conn_put(c, &bye);
		update_events(srv, c);
	}
	loop_timer_add(loop, TC_SHUTDOWN_FLUSH_MS, on_shutdown_deadline, srv);
}

static void on_hup(struct loop *loop, int signo, void *arg)
{
	struct server *srv = arg;
	char err[256];

	(void)loop;
	(void)signo;
	if (srv->chat.log.path == NULL)     /* no --log (a failed reopen is retried) */
		return;
	if (chatlog_reopen(&srv->chat.log, err, sizeof(err)) != 0)
		log_msg(LOG_ERROR, "%s", err);
	else
		log_msg(LOG_INFO, "log reopened");
	/* A rotated log starts with the history kept, so a restart still replays it. */
	if (chatlog_rotated(&srv->chat.log) && chat_log_snapshot(&srv->chat, err, sizeof(err)) != 0)
		log_msg(LOG_ERROR, "%s", err);
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

static void server_free(struct server *srv)
{
	while (conn_pending_take() != NULL)   /* before the conns it links are freed */
		;
	for (int fd = 0; fd < srv->capconns; fd++) {
		struct conn *c = srv->conns[fd];

		if (c == NULL)
			continue;
		close(c->fd);
		conn_free(c);
	}
	for (int i = 0; i < srv->nlfds; i++)
		close(srv->lfds[i]);
	free(srv->conns);
	buf_free(&srv->rbuf);
	chat_free(&srv->chat);
	loop_free(srv->loop);
}

int server_main(const struct serve_options *opt)
{
	struct server srv = { .opt = opt };
	char err[512];
	int rc = 0;

	log_set_level(opt->verbosity);
	signal(SIGPIPE, SIG_IGN);
#ifdef __GLIBC__
	/* Output buffers grow and shrink with the traffic. Keep them in the heap rather
	 * than in mmap()ed blocks (no page faults on every pass); housekeeping gives
	 * idle memory back with malloc_trim(). */
	mallopt(M_MMAP_THRESHOLD, 64 * 1024 * 1024);
	mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
#endif
	raise_fd_limit();
	srv.hard_limit = (size_t)opt->max_queue_kib * 1024;
	srv.soft_limit = srv.hard_limit / TC_SOFT_QUEUE_DIVISOR;
	chat_init(&srv.chat, (size_t)opt->max_line, opt->rate_limit, (size_t)opt->history);
	srv.chat.announce_max = (size_t)opt->announce_max;
	srv.loop = loop_new();
	if (opt->log_path != NULL &&
	    (chat_replay_log(&srv.chat, opt->log_path, err, sizeof(err)) != 0 ||
	    chat_open_log(&srv.chat, opt->log_path, err, sizeof(err)) != 0)) {
		fprintf(stderr, "tcpchat: %s\n", err);
		server_free(&srv);
		return 1;
	}
	srv.nlfds = net_listen(opt->bind, opt->port, srv.lfds, err, sizeof(err));
	if (srv.nlfds < 0) {
		fprintf(stderr, "tcpchat: %s\n", err);
		srv.nlfds = 0;
		server_free(&srv);
		return 1;
	}
	for (int i = 0; i < srv.nlfds; i++)
		loop_add(srv.loop, srv.lfds[i], POLLIN, on_listen, &srv);
	loop_signal(srv.loop, SIGINT, on_stop_signal, &srv);
	loop_signal(srv.loop, SIGTERM, on_stop_signal, &srv);
	loop_signal(srv.loop, SIGHUP, on_hup, &srv);
	loop_set_before_sleep(srv.loop, before_sleep, &srv);
	loop_timer_add(srv.loop, HOUSEKEEPING_MS, on_housekeeping, &srv);

	printf("Listening on the port :%d\n", net_local_port(srv.lfds[0]));
	fflush(stdout);
	if (loop_run(srv.loop) != 0) {
		log_msg(LOG_ERROR, "poll: %s", strerror(errno));
		rc = 1;
	}
	server_free(&srv);
	return rc;
}
