/*
 * loadgen.c: tcpchat's load generator (target tcpchat-loadgen, not installed).
 *
 * It opens N client connections the way nc users make them (read the banner up to
 * "[ENTER YOUR NAME]:", send a unique name, wait for the own prompt), lets the
 * join notices drain, then S of the clients send M messages each, either as fast
 * as a bounded window allows or at a fixed total rate. Every message text carries
 * "~L:SENDER:SEQ:NANOSECONDS:" (CLOCK_MONOTONIC at send time), so every receiver
 * counts loss, duplicates and reordering per sender and the latency of each
 * delivery. It speaks three dialects: tcpchat (nc), Redis pub/sub (RESP SUBSCRIBE
 * and PUBLISH on one channel; publishers are S extra connections) and ncat --chat,
 * each in plain TCP or in TLS (--tls: OpenSSL, non-blocking handshake right after
 * the TCP connect, no certificate check; the same measurement on top).
 *
 * Design: T worker threads (default 1; the machine is shared with the server), each
 * owning every T-th connection, with epoll, non-blocking sockets and big reads into
 * a per-thread buffer; only an incomplete line is kept per connection (its head, if
 * it is long). The main thread only moves the phases along: connect, settle (until
 * no byte arrived for a while), run, drain (stalled readers), stop.
 *
 * Output: a human summary, then one line "RESULT key=value ..." for scripts.
 * Exit status: 0 when every client that kept reading got every message, 1 on loss,
 * a dropped reader or any failure, 2 on a usage error.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define LG_READ_BUF        (256 * 1024) /* bytes, per-thread read buffer */
#define LG_PART_KEEP       1024         /* bytes of an incomplete line kept per connection */
#define LG_READS_PER_EVENT 4            /* reads from one connection per readiness event */
#define LG_TLS_READS       64           /* TLS: SSL_read calls per event (one record each) */
#define LG_EVENTS          1024         /* epoll events per epoll_wait */
#define LG_HIST_SUB_BITS   5            /* latency histogram: 32 sub-buckets per power of 2 */
#define LG_HIST_BUCKETS    (64 << LG_HIST_SUB_BITS)
#define LG_MAX_SEND_BATCH  256          /* messages composed per sender per pass */
#define LG_NAME_PROMPT     "[ENTER YOUR NAME]:"
#define LG_CHANNEL         "chat"
#define LG_MARK            "~L:"

enum proto { PROTO_TCPCHAT, PROTO_REDIS, PROTO_NCAT };
enum cstate { CS_IDLE, CS_CONNECTING, CS_TLS, CS_HELLO, CS_NAMING, CS_READY, CS_CLOSED };
enum phase { PH_CONNECT, PH_SETTLE, PH_RUN, PH_DRAIN, PH_STOP };

struct config {
	enum proto proto;
	const char *host;
	int port;
	unsigned clients;       /* N */
	unsigned senders;       /* S */
	unsigned messages;      /* M per sender */
	unsigned bytes;         /* message text size, 0 = just the header */
	double rate;            /* total messages/s, 0 = fastest */
	unsigned window;        /* messages per sender not yet delivered everywhere */
	unsigned stalled;       /* receivers that stop reading at the start */
	double stall_secs;
	double idle_secs;       /* hold connected and idle before the run */
	long server_pid;
	unsigned threads;
	double timeout;         /* seconds per phase */
	double quiet_ms;        /* settle: this long without a byte */
	double grace;           /* seconds for stalled readers after they resume */
	unsigned parallel;      /* connections being set up at once */
	bool quiet;
	bool tls;               /* speak TLS on every connection */
	const char *label;
};

struct conn {
	int fd;
	SSL *ssl;               /* with --tls, from the TCP connect on */
	uint32_t idx;           /* client index; publishers (redis) come after the clients */
	uint8_t state;
	bool receiver;          /* counts messages */
	bool stalled;           /* stops reading during the run */
	bool paused;
	bool want_out;
	bool done;              /* received everything expected */
	int32_t sender;         /* sender id or -1 */
	uint32_t sent;
	uint32_t plen;
	char *part;             /* LG_PART_KEEP bytes, allocated on first use */
	char *out;
	size_t olen, ooff, ocap;
	uint64_t expected, got, dup, reorder, garbled;
	int32_t *last;          /* per sender: highest sequence number seen */
	uint8_t *seen;          /* bitmap, senders * messages bits */
	char name[16];
	size_t namelen;
};

struct worker {
	pthread_t tid;
	unsigned id;
	int ep;
	struct conn **conns;
	size_t nconns;
	size_t next_connect;
	unsigned pending;
	unsigned parallel;
	struct conn **snd;      /* the senders this thread drives */
	size_t nsnd;
	char *rbuf;
	uint64_t *dlocal;       /* deliveries per sender not yet published to g_delivered */
	uint64_t hist[LG_HIST_BUCKETS];
	uint64_t lat_max, deliveries;
	uint64_t last_delivery_ns, last_ready_ns;
	bool resumed;
};

static struct config cfg;
static struct conn *conns;
static size_t nconns;
static struct worker *workers;

static atomic_int g_phase;
static atomic_uint g_ready, g_failed, g_recv_done, g_keep_lost, g_stall_settled;
static atomic_uint g_stall_disc, g_senders_done;
static atomic_uint_fast64_t g_last_rx_ns, g_t_start;
static atomic_uint_fast64_t *g_delivered; /* per sender, to readers that keep reading */
static uint64_t *recv_per_sender;         /* keep-readers expecting each sender's messages */
static unsigned keep_readers;
static char g_error[256];
static pthread_mutex_t g_error_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sockaddr_storage g_addr;
static socklen_t g_addrlen;
static SSL_CTX *g_ssl;

static const char usage_text[] =
"Usage: tcpchat-loadgen [OPTION]... -p PORT\n"
"       tcpchat-loadgen --free-port\n"
"Load generator for tcpchat (nc dialect), Redis pub/sub and ncat --chat.\n"
"N clients connect and get named; S of them send M messages each; every receiver\n"
"checks loss, duplicates, order and latency. Prints a summary and a RESULT line.\n"
"\n"
"  -P, --proto P          tcpchat (default), redis or ncat\n"
"  -a, --addr HOST        server address (default 127.0.0.1)\n"
"  -p, --port PORT        server port (required)\n"
"  -n, --clients N        connections that receive (default 10)\n"
"  -s, --senders S        clients that send (default min(N, 10); with redis, S extra\n"
"                         publisher connections)\n"
"  -M, --messages M       messages per sender (default 1000)\n"
"  -b, --bytes B          message text size in bytes (default: header only, ~35)\n"
"  -r, --rate R           total messages per second (default 0: as fast as the\n"
"                         window allows)\n"
"  -w, --window W         messages per sender in flight, not yet seen by every\n"
"                         reader (default 256)\n"
"  -k, --stall K          K receivers (never senders) stop reading when the run starts\n"
"  -K, --stall-secs SECS  how long they stop (default 5)\n"
"  -g, --grace SECS       time the stalled readers get to catch up afterwards (default 5)\n"
"  -i, --idle SECS        hold all clients connected and idle for SECS before the\n"
"                         server's RSS is read and the run starts\n"
"  -S, --server-pid PID   server process, for its RSS per connection (/proc)\n"
"  -j, --threads T        worker threads (default 1; at most the number of cores)\n"
"  -c, --parallel C       connections being set up at once (default 1000)\n"
"  -t, --timeout SECS     limit for each phase (default 120)\n"
"  -Q, --quiet-ms MS      settle: wait until nothing arrived for MS (default 200)\n"
"  -T, --tls              TLS on every connection (no certificate check)\n"
"  -l, --label TEXT       label printed in the RESULT line\n"
"  -q, --quiet            print only the RESULT line\n"
"      --free-port        print a free loopback TCP port and exit\n"
"  -h, --help             show this help and exit\n"
"\n"
"Exit status: 0 when every client that kept reading got every message exactly once,\n"
"1 on loss, a dropped reader or a failure, 2 on a usage error.\n";

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("tcpchat-loadgen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void *lg_alloc(size_t n, bool zero)
{
	void *p = zero ? calloc(1, n ? n : 1) : malloc(n ? n : 1);

	if (p == NULL)
		die("out of memory (%zu bytes)", n);
	return p;
}

/* Remember the first failure; the main thread reports it and stops. */
static void lg_fail(const struct conn *c, const char *what)
{
	pthread_mutex_lock(&g_error_lock);
	if (g_error[0] == '\0')
		snprintf(g_error, sizeof(g_error), "client %u: %s", c->idx, what);
	pthread_mutex_unlock(&g_error_lock);
	atomic_fetch_add(&g_failed, 1);
}

/* --- latency histogram (log-linear, about 3% resolution) ---------------------- */

static unsigned hist_index(uint64_t v)
{
	unsigned b, shift;

	if (v < (2u << LG_HIST_SUB_BITS))
		return (unsigned)v;
	b = 63u - (unsigned)__builtin_clzll(v);
	shift = b - LG_HIST_SUB_BITS;
	return ((shift + 1) << LG_HIST_SUB_BITS) + (unsigned)(v >> shift) - (1u << LG_HIST_SUB_BITS);
}

static uint64_t hist_value(unsigned idx)
{
	unsigned shift;
	uint64_t sub;

	if (idx < (2u << LG_HIST_SUB_BITS))
		return idx;
	shift = (idx >> LG_HIST_SUB_BITS) - 1;
	sub = (idx & ((1u << LG_HIST_SUB_BITS) - 1)) + (1u << LG_HIST_SUB_BITS);
	return (sub << shift) + ((1ull << shift) >> 1);
}

static uint64_t hist_percentile(const uint64_t *h, uint64_t total, double p)
{
	uint64_t want = (uint64_t)(p * (double)total + 0.999999), seen = 0;

	if (total == 0)
		return 0;
	if (want < 1)
		want = 1;
	for (unsigned i = 0; i < LG_HIST_BUCKETS; i++) {
		seen += h[i];
		if (seen >= want)
			return hist_value(i);
	}
	return hist_value(LG_HIST_BUCKETS - 1);
}

/* --- sockets -------------------------------------------------------------------- */

static void resolve(const char *host, int port)
{
	struct addrinfo hints, *res;
	char service[16];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	snprintf(service, sizeof(service), "%d", port);
	rc = getaddrinfo(host, service, &hints, &res);
	if (rc != 0)
		die("cannot resolve %s: %s", host, gai_strerror(rc));
	memcpy(&g_addr, res->ai_addr, res->ai_addrlen);
	g_addrlen = res->ai_addrlen;
	freeaddrinfo(res);
}

static int free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket: %s", strerror(errno));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
		die("bind: %s", strerror(errno));
	close(fd);
	return ntohs(sin.sin_port);
}

static void raise_nofile(size_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_cur >= need)
		return;
	if (rl.rlim_max < need) {
		rl.rlim_max = need;
		rl.rlim_cur = need;
		if (setrlimit(RLIMIT_NOFILE, &rl) == 0)
			return;
		getrlimit(RLIMIT_NOFILE, &rl);
	}
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < need)
		fprintf(stderr, "tcpchat-loadgen: warning: only %llu file descriptors "
		    "(%zu wanted)\n", (unsigned long long)rl.rlim_cur, need);
}

static long read_rss_kb(long pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	if (pid <= 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%ld/status", pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0) {
			kb = strtol(line + 6, NULL, 10);
			break;
		}
	fclose(f);
	return kb;
}

static void conn_events(struct worker *w, struct conn *c)
{
	struct epoll_event ev;

	ev.events = (c->paused ? 0u : (uint32_t)EPOLLIN) | (c->want_out ? (uint32_t)EPOLLOUT : 0u);
	ev.data.ptr = c;
	if (epoll_ctl(w->ep, EPOLL_CTL_MOD, c->fd, &ev) != 0)
		die("epoll_ctl: %s", strerror(errno));
}

static void conn_close(struct worker *w, struct conn *c)
{
	if (c->ssl != NULL) {
		SSL_free(c->ssl);       /* no close_notify: the run is over or the link broke */
		c->ssl = NULL;
	}
	if (c->fd >= 0) {
		epoll_ctl(w->ep, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
		c->fd = -1;
	}
	c->state = CS_CLOSED;
}

/* The server closed c (or it broke). Whether that is a failure depends on the phase. */
static void conn_lost(struct worker *w, struct conn *c, const char *why)
{
	uint8_t was = c->state;
	int ph = atomic_load(&g_phase);

	conn_close(w, c);
	if (was < CS_READY) {
		w->pending--;
		lg_fail(c, why);
		return;
	}
	if (c->stalled) {
		if (!c->done) {
			atomic_fetch_add(&g_stall_disc, 1);
			atomic_fetch_add(&g_stall_settled, 1);
			c->done = true;
		}
		return;
	}
	if (ph >= PH_RUN && c->receiver && !c->done) {
		atomic_fetch_add(&g_keep_lost, 1);
		c->done = true;
		return;
	}
	if (c->sender >= 0 && c->sent < cfg.messages) {
		lg_fail(c, why);
		return;
	}
	if (ph < PH_RUN)
		lg_fail(c, why);
}

/* --- TLS -------------------------------------------------------------------------- */

static void tls_init(void)
{
	g_ssl = SSL_CTX_new(TLS_client_method());
	if (g_ssl == NULL || SSL_CTX_set_min_proto_version(g_ssl, TLS1_2_VERSION) != 1)
		die("cannot set up OpenSSL");
	SSL_CTX_set_verify(g_ssl, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_mode(g_ssl, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_session_cache_mode(g_ssl, SSL_SESS_CACHE_OFF);
}

/* What an SSL call's failure means: EAGAIN (wait for the socket; *out tells which
 * way), 0 for a clean or abrupt end, else -1 with errno set. */
static ssize_t tls_result(struct conn *c, int rc, bool *out)
{
	int e = SSL_get_error(c->ssl, rc);

	ERR_clear_error();
	switch (e) {
	case SSL_ERROR_WANT_READ: *out = false; errno = EAGAIN; return -1;
	case SSL_ERROR_WANT_WRITE: *out = true; errno = EAGAIN; return -1;
	case SSL_ERROR_ZERO_RETURN: return 0;
	case SSL_ERROR_SYSCALL: if (errno == 0) return 0; return -1;
	default: errno = EPROTO; return -1;
	}
}

/* read()/write() on the connection, TLS or not: the same results as read(2). */
static ssize_t conn_rd(struct conn *c, char *buf, size_t len)
{
	size_t n = 0;
	bool out = false;
	int rc;

	if (c->ssl == NULL)
		return read(c->fd, buf, len);
	rc = SSL_read_ex(c->ssl, buf, len, &n);
	return rc == 1 ? (ssize_t)n : tls_result(c, rc, &out);
}

static ssize_t conn_wr(struct conn *c, const char *buf, size_t len)
{
	size_t n = 0;
	bool out = false;
	int rc;

	if (c->ssl == NULL)
		return write(c->fd, buf, len);
	rc = SSL_write_ex(c->ssl, buf, len, &n);
	return rc == 1 ? (ssize_t)n : tls_result(c, rc, &out);
}

/* Write what is queued; keep the rest and ask for EPOLLOUT. */
static void conn_flush(struct worker *w, struct conn *c)
{
	while (c->ooff < c->olen) {
		ssize_t n = conn_wr(c, c->out + c->ooff, c->olen - c->ooff);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			conn_lost(w, c, strerror(errno));
			return;
		}
		c->ooff += (size_t)n;
	}
	if (c->ooff == c->olen)
		c->ooff = c->olen = 0;
	if (c->want_out != (c->olen > 0)) {
		c->want_out = c->olen > 0;
		conn_events(w, c);
	}
}

static void out_reserve(struct conn *c, size_t more)
{
	if (c->olen + more <= c->ocap)
		return;
	if (c->ooff > 0) {
		memmove(c->out, c->out + c->ooff, c->olen - c->ooff);
		c->olen -= c->ooff;
		c->ooff = 0;
	}
	while (c->olen + more > c->ocap)
		c->ocap = c->ocap ? c->ocap * 2 : 4096;
	c->out = realloc(c->out, c->ocap);
	if (c->out == NULL)
		die("out of memory");
}

static void conn_queue(struct conn *c, const char *data, size_t len)
{
	out_reserve(c, len);
	memcpy(c->out + c->olen, data, len);
	c->olen += len;
}

/* --- connection setup ------------------------------------------------------------ */

static void conn_ready(struct worker *w, struct conn *c)
{
	c->state = CS_READY;
	w->pending--;
	w->last_ready_ns = now_ns();
	atomic_fetch_add(&g_ready, 1);
}

static void conn_start(struct worker *w, struct conn *c)
{
	struct epoll_event ev;
	int one = 1;

	c->fd = socket(g_addr.ss_family, SOCK_STREAM, 0);
	if (c->fd < 0) {
		lg_fail(c, strerror(errno));
		c->state = CS_CLOSED;
		return;
	}
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	fcntl(c->fd, F_SETFD, FD_CLOEXEC);
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	w->pending++;
	c->state = CS_CONNECTING;
	c->want_out = true;
	ev.events = EPOLLIN | EPOLLOUT;
	ev.data.ptr = c;
	if (epoll_ctl(w->ep, EPOLL_CTL_ADD, c->fd, &ev) != 0)
		die("epoll_ctl: %s", strerror(errno));
	if (connect(c->fd, (struct sockaddr *)&g_addr, g_addrlen) != 0 && errno != EINPROGRESS)
		conn_lost(w, c, strerror(errno));
}

static void tls_step(struct worker *w, struct conn *c);
static void conn_greet(struct worker *w, struct conn *c);

static void conn_connected(struct worker *w, struct conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
		conn_lost(w, c, strerror(err ? err : errno));
		return;
	}
	if (cfg.tls) {
		c->ssl = SSL_new(g_ssl);
		if (c->ssl == NULL || SSL_set_fd(c->ssl, c->fd) != 1)
			die("SSL_new failed");
		SSL_set_connect_state(c->ssl);
		c->state = CS_TLS;
		tls_step(w, c);
		return;
	}
	conn_greet(w, c);
}

/* One step of the TLS handshake; on success the dialect's greeting. */
static void tls_step(struct worker *w, struct conn *c)
{
	int rc = SSL_do_handshake(c->ssl);
	bool out = false;

	if (rc == 1) {
		conn_greet(w, c);
		return;
	}
	if (tls_result(c, rc, &out) < 0 && errno == EAGAIN) {
		if (c->want_out != out) {
			c->want_out = out;
			conn_events(w, c);
		}
		return;
	}
	conn_lost(w, c, "TLS handshake failed");
}

/* The transport is up: wait for the banner (tcpchat, ncat) or subscribe (redis). */
static void conn_greet(struct worker *w, struct conn *c)
{
	static const char subscribe[] = "*2\r\n$9\r\nSUBSCRIBE\r\n$4\r\n" LG_CHANNEL "\r\n";

	c->state = CS_HELLO;
	c->want_out = false;
	conn_events(w, c);
	if (cfg.proto == PROTO_REDIS) {
		if (c->sender >= 0 && !c->receiver) {
			conn_ready(w, c);
		} else {
			conn_queue(c, subscribe, sizeof(subscribe) - 1);
			conn_flush(w, c);
		}
	}
}

static bool ends_with(const char *s, size_t len, const char *suffix, size_t slen)
{
	return len >= slen && memcmp(s + len - slen, suffix, slen) == 0;
}

/* A line (complete or not) while setting up; may move the state along. */
static void setup_line(struct worker *w, struct conn *c, const char *s, size_t len, bool complete)
{
	if (len > 0 && s[len - 1] == '\r')
		len--;
	switch (cfg.proto) {
	case PROTO_TCPCHAT:
		if (c->state == CS_HELLO && !complete &&
		    ends_with(s, len, LG_NAME_PROMPT, sizeof(LG_NAME_PROMPT) - 1)) {
			/* c->name is the prompt's tail "[lgN]:"; the name itself is lgN. */
			conn_queue(c, c->name + 1, c->namelen - 3);
			conn_queue(c, "\n", 1);
			c->state = CS_NAMING;
			conn_flush(w, c);
		} else if (c->state == CS_NAMING && ends_with(s, len, c->name, c->namelen)) {
			conn_ready(w, c);
		} else if (complete && ((len >= 12 && memcmp(s, "Chat is full", 12) == 0) ||
		    (len >= 5 && memcmp(s, "Name ", 5) == 0))) {
			char why[128];

			snprintf(why, sizeof(why), "refused: %.*s", (int)(len < 100 ? len : 100), s);
			conn_lost(w, c, why);
		}
		break;
	case PROTO_REDIS:
		if (complete && len > 0 && s[0] == ':')
			conn_ready(w, c);
		else if (complete && len > 0 && s[0] == '-')
			conn_lost(w, c, "redis error reply");
		break;
	case PROTO_NCAT:
		if (complete && len >= 28 && memcmp(s, "<announce> already connected", 28) == 0)
			conn_ready(w, c);
		break;
	}
}

/* --- deliveries -------------------------------------------------------------------- */

static bool parse_u64(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;

	if (s >= end || *s < '0' || *s > '9')
		return false;
	while (s < end && *s >= '0' && *s <= '9')
		v = v * 10 + (uint64_t)(*s++ - '0');
	if (s >= end || *s != ':')
		return false;
	*p = s + 1;
	*out = v;
	return true;
}

static void receiver_complete(struct conn *c)
{
	c->done = true;
	if (c->stalled)
		atomic_fetch_add(&g_stall_settled, 1);
	else
		atomic_fetch_add(&g_recv_done, 1);
}

static void delivery(struct worker *w, struct conn *c, const char *s, size_t len, uint64_t now)
{
	const char *p = memchr(s, '~', len), *end = s + len;
	uint64_t snd, seq, ts, bit;

	if (p == NULL)
		return;
	if (end - p < 3 || memcmp(p, LG_MARK, 3) != 0)
		return;
	p += 3;
	if (!c->receiver)
		return;
	if (!parse_u64(&p, end, &snd) || !parse_u64(&p, end, &seq) || !parse_u64(&p, end, &ts) ||
	    snd >= cfg.senders || seq >= cfg.messages || (int64_t)snd == c->sender) {
		c->garbled++;
		return;
	}
	if (c->seen != NULL) {
		bit = snd * cfg.messages + seq;
		if (c->seen[bit >> 3] & (1u << (bit & 7))) {
			c->dup++;
			return;
		}
		c->seen[bit >> 3] |= (uint8_t)(1u << (bit & 7));
	}
	if ((int64_t)seq < c->last[snd])
		c->reorder++;
	else
		c->last[snd] = (int32_t)seq;
	c->got++;
	if (!c->stalled) {
		uint64_t lat = now > ts ? now - ts : 0;

		w->hist[hist_index(lat)]++;
		if (lat > w->lat_max)
			w->lat_max = lat;
		w->deliveries++;
		w->dlocal[snd]++;
		w->last_delivery_ns = now;
	}
	if (c->got == c->expected && !c->done)
		receiver_complete(c);
}

static void handle_line(struct worker *w, struct conn *c, const char *s, size_t len, uint64_t now)
{
	if (c->state == CS_READY)
		delivery(w, c, s, len, now);
	else
		setup_line(w, c, s, len, true);
}

/* Read a few times (big reads), split into lines, keep the incomplete tail. */
static void conn_read(struct worker *w, struct conn *c)
{
	int rounds = c->ssl != NULL ? LG_TLS_READS : LG_READS_PER_EVENT;

	for (int round = 0; round < rounds && c->fd >= 0 && !c->paused; round++) {
		size_t have = c->plen, total;
		ssize_t n;
		uint64_t now;
		char *p, *end, *nl;

		if (have > 0)
			memcpy(w->rbuf, c->part, have);
		n = conn_rd(c, w->rbuf + have, LG_READ_BUF - have);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_lost(w, c, strerror(errno));
			return;
		}
		if (n == 0) {
			conn_lost(w, c, "closed by the server");
			return;
		}
		now = now_ns();
		atomic_store_explicit(&g_last_rx_ns, now, memory_order_relaxed);
		total = have + (size_t)n;
		p = w->rbuf;
		end = p + total;
		while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
			handle_line(w, c, p, (size_t)(nl - p), now);
			if (c->fd < 0)
				return;
			p = nl + 1;
		}
		c->plen = 0;
		if (p < end) {
			size_t rest = (size_t)(end - p);

			if (c->state != CS_READY)
				setup_line(w, c, p, rest, false);
			if (c->fd < 0)
				return;
			if (c->state == CS_READY) {
				/* Only the text from the marker on matters (prompts have none). */
				char *m = memchr(p, '~', rest);

				rest = m != NULL ? (size_t)(end - m) : 0;
				p = m != NULL ? m : p;
			}
			/* Keep the head of a long line: it carries whatever we look for. */
			if (rest > LG_PART_KEEP)
				rest = LG_PART_KEEP;
			if (rest > 0 && c->part == NULL)
				c->part = lg_alloc(LG_PART_KEEP, false);
			if (rest > 0)
				memcpy(c->part, p, rest);
			c->plen = (uint32_t)rest;
		}
		/* A short read() drained the socket; SSL_read() returns one record at a
		 * time, so TLS reads on until it would block. */
		if (c->ssl == NULL && (size_t)n < LG_READ_BUF - have)
			return;
	}
}

/* --- senders ------------------------------------------------------------------------ */

static size_t compose(char *buf, size_t cap, int32_t snd, uint32_t seq, uint64_t ts)
{
	char text[64];
	int tl = snprintf(text, sizeof(text), LG_MARK "%d:%u:%" PRIu64 ":", snd, seq, ts);
	size_t body = (size_t)tl < cfg.bytes ? cfg.bytes : (size_t)tl, n = 0;

	if (cfg.proto == PROTO_REDIS)
		n = (size_t)snprintf(buf, cap, "*3\r\n$7\r\nPUBLISH\r\n$4\r\n" LG_CHANNEL "\r\n$%zu\r\n",
		    body);
	memcpy(buf + n, text, (size_t)tl);
	memset(buf + n + (size_t)tl, 'x', body - (size_t)tl);
	n += body;
	if (cfg.proto == PROTO_REDIS)
		buf[n++] = '\r';
	buf[n++] = '\n';
	return n;
}

/* Messages sender c may send now. */
static uint32_t send_allowance(const struct conn *c, uint64_t now, uint64_t t0)
{
	uint64_t r = recv_per_sender[c->sender], allowed = cfg.messages - c->sent;

	if (r > 0) {
		uint64_t acked = atomic_load_explicit(&g_delivered[c->sender],
		    memory_order_relaxed) / r;
		uint64_t limit = acked + cfg.window;

		allowed = limit > c->sent ? limit - c->sent : 0;
		if (allowed > cfg.messages - c->sent)
			allowed = cfg.messages - c->sent;
	}
	if (cfg.rate > 0) {
		/* Message k of sender i is due at t0 + (k * S + i) / rate seconds. */
		double since = (double)(now - t0) * cfg.rate / 1e9;
		double k = (since - (double)c->sender) / (double)cfg.senders;
		uint64_t due = k < 0 ? 0 : (uint64_t)k + 1;

		due = due > c->sent ? due - c->sent : 0;
		if (due < allowed)
			allowed = due;
	}
	if (allowed > LG_MAX_SEND_BATCH)
		allowed = LG_MAX_SEND_BATCH;
	return (uint32_t)allowed;
}

/* Returns the nanoseconds until this sender wants to run again (0: as soon as possible). */
static uint64_t sender_pass(struct worker *w, struct conn *c, uint64_t now, uint64_t t0)
{
	size_t one = (cfg.bytes > 40 ? cfg.bytes : 40) + 96;
	uint32_t n;

	if (c->fd < 0 || c->sent >= cfg.messages)
		return UINT64_MAX;
	if (c->olen > 0)
		return UINT64_MAX; /* EPOLLOUT wakes us */
	n = send_allowance(c, now, t0);
	if (n == 0) {
		if (cfg.rate > 0) {
			double next = ((double)c->sent * cfg.senders + (double)c->sender) / cfg.rate;
			uint64_t at = t0 + (uint64_t)(next * 1e9);

			return at > now ? at - now : 1000000;
		}
		return 1000000; /* window closed: look again in 1 ms */
	}
	out_reserve(c, one * n);
	for (uint32_t i = 0; i < n; i++)
		c->olen += compose(c->out + c->olen, c->ocap - c->olen, c->sender, c->sent++, now);
	if (c->sent == cfg.messages)
		atomic_fetch_add(&g_senders_done, 1);
	conn_flush(w, c);
	return 0;
}

/* --- worker --------------------------------------------------------------------------- */

static void worker_publish(struct worker *w)
{
	for (unsigned s = 0; s < cfg.senders; s++)
		if (w->dlocal[s] > 0) {
			atomic_fetch_add_explicit(&g_delivered[s], w->dlocal[s], memory_order_relaxed);
			w->dlocal[s] = 0;
		}
}

static void worker_connect_more(struct worker *w)
{
	while (w->pending < w->parallel && w->next_connect < w->nconns)
		conn_start(w, w->conns[w->next_connect++]);
}

static void worker_stall(struct worker *w, bool pause)
{
	for (size_t i = 0; i < w->nconns; i++) {
		struct conn *c = w->conns[i];

		if (c->stalled && c->fd >= 0 && c->paused != pause) {
			c->paused = pause;
			conn_events(w, c);
		}
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event *evs = lg_alloc(sizeof(*evs) * LG_EVENTS, false);
	bool running = false;

	while (atomic_load(&g_phase) != PH_STOP) {
		int ph = atomic_load(&g_phase), timeout = 10, n;
		uint64_t now = now_ns(), wait_ns = UINT64_MAX;

		if (ph == PH_CONNECT)
			worker_connect_more(w);
		if (ph >= PH_RUN) {
			uint64_t t0 = atomic_load(&g_t_start);

			if (!running) {
				running = true;
				worker_stall(w, true);
			}
			if (!w->resumed && now >= t0 + (uint64_t)(cfg.stall_secs * 1e9)) {
				w->resumed = true;
				worker_stall(w, false);
			}
			for (size_t i = 0; i < w->nsnd; i++) {
				uint64_t d = sender_pass(w, w->snd[i], now, t0);

				if (d < wait_ns)
					wait_ns = d;
			}
			if (!w->resumed) {
				uint64_t d = t0 + (uint64_t)(cfg.stall_secs * 1e9) - now;

				if (d < wait_ns)
					wait_ns = d;
			}
		}
		if (wait_ns != UINT64_MAX)
			timeout = (int)((wait_ns + 999999) / 1000000);
		if (timeout > 10)
			timeout = 10;
		n = epoll_wait(w->ep, evs, LG_EVENTS, timeout);
		if (n < 0 && errno != EINTR)
			die("epoll_wait: %s", strerror(errno));
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			uint32_t e = evs[i].events;

			if (c->fd < 0)
				continue;
			if (c->state == CS_CONNECTING) {
				if (e & (EPOLLOUT | EPOLLERR | EPOLLHUP))
					conn_connected(w, c);
				continue;
			}
			if (c->state == CS_TLS) {
				tls_step(w, c);
				continue;
			}
			if ((e & EPOLLOUT) && c->olen > 0)
				conn_flush(w, c);
			if (c->fd >= 0 && (e & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
				if (c->paused)
					conn_lost(w, c, "dropped while not reading");
				else
					conn_read(w, c);
			}
		}
		worker_publish(w);
	}
	free(evs);
	return NULL;
}

/* --- setup, phases, report ---------------------------------------------------------------- */

static double secs_since(uint64_t t)
{
	return (double)(now_ns() - t) / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static bool failed(void)
{
	return atomic_load(&g_failed) > 0;
}

static void setup_conns(void)
{
	unsigned extra = cfg.proto == PROTO_REDIS ? cfg.senders : 0;
	size_t bits = (size_t)cfg.senders * cfg.messages;
	bool track_dups = (size_t)cfg.clients * (bits / 8 + 1) < ((size_t)1 << 30);

	nconns = cfg.clients + extra;
	conns = lg_alloc(sizeof(*conns) * nconns, true);
	recv_per_sender = lg_alloc(sizeof(*recv_per_sender) * (cfg.senders + 1), true);
	g_delivered = lg_alloc(sizeof(*g_delivered) * (cfg.senders + 1), true);
	for (size_t i = 0; i < nconns; i++) {
		struct conn *c = &conns[i];

		c->fd = -1;
		c->idx = (uint32_t)i;
		c->sender = -1;
		c->namelen = (size_t)snprintf(c->name, sizeof(c->name), "[lg%zu]:", i);
		if (i < cfg.clients) {
			c->receiver = true;
			c->stalled = i >= cfg.clients - cfg.stalled;
			if (cfg.proto != PROTO_REDIS && i < cfg.senders)
				c->sender = (int32_t)i;
		} else {
			c->sender = (int32_t)(i - cfg.clients);
		}
	}
	for (size_t i = 0; i < cfg.clients; i++) {
		struct conn *c = &conns[i];

		for (unsigned s = 0; s < cfg.senders; s++) {
			if ((int32_t)s == c->sender)
				continue;
			c->expected += cfg.messages;
			if (!c->stalled)
				recv_per_sender[s]++;
		}
		if (!c->stalled && c->expected > 0)
			keep_readers++;
		if (cfg.senders > 0) {
			c->last = lg_alloc(sizeof(*c->last) * cfg.senders, false);
			for (unsigned s = 0; s < cfg.senders; s++)
				c->last[s] = -1;
			if (track_dups)
				c->seen = lg_alloc(bits / 8 + 1, true);
		}
		if (c->expected == 0)
			c->done = true;
	}
}

static void setup_workers(void)
{
	workers = lg_alloc(sizeof(*workers) * cfg.threads, true);
	for (unsigned t = 0; t < cfg.threads; t++) {
		struct worker *w = &workers[t];

		w->id = t;
		w->ep = epoll_create1(EPOLL_CLOEXEC);
		if (w->ep < 0)
			die("epoll_create1: %s", strerror(errno));
		w->conns = lg_alloc(sizeof(*w->conns) * (nconns / cfg.threads + 1), false);
		w->snd = lg_alloc(sizeof(*w->snd) * (cfg.senders / cfg.threads + 1), false);
		w->rbuf = lg_alloc(LG_READ_BUF, false);
		w->dlocal = lg_alloc(sizeof(*w->dlocal) * (cfg.senders + 1), true);
		w->parallel = cfg.parallel / cfg.threads ? cfg.parallel / cfg.threads : 1;
		w->resumed = cfg.stalled == 0;
	}
	for (size_t i = 0; i < nconns; i++) {
		struct worker *w = &workers[i % cfg.threads];

		w->conns[w->nconns++] = &conns[i];
		if (conns[i].sender >= 0)
			w->snd[w->nsnd++] = &conns[i];
	}
}

struct results {
	double connect_s, run_s, dps;
	long rss0, rss1, rss2;
	uint64_t deliveries, expected, got, loss, dup, reorder, garbled;
	uint64_t p50, p90, p99, max;
	unsigned keep_lost, stall_disc, stall_done, stall_short, ready;
	bool ok, timed_out;
};

static void collect(struct results *r, uint64_t t0)
{
	static uint64_t hist[LG_HIST_BUCKETS];
	uint64_t last = t0;

	for (unsigned t = 0; t < cfg.threads; t++) {
		struct worker *w = &workers[t];

		for (unsigned i = 0; i < LG_HIST_BUCKETS; i++)
			hist[i] += w->hist[i];
		r->deliveries += w->deliveries;
		if (w->lat_max > r->max)
			r->max = w->lat_max;
		if (w->last_delivery_ns > last)
			last = w->last_delivery_ns;
	}
	for (size_t i = 0; i < cfg.clients; i++) {
		const struct conn *c = &conns[i];

		if (c->stalled) {
			if (c->state == CS_CLOSED && c->got < c->expected)
				continue;
			if (c->got == c->expected)
				r->stall_done++;
			else
				r->stall_short++;
			continue;
		}
		r->expected += c->expected;
		r->got += c->got;
		r->loss += c->expected - c->got;
		r->dup += c->dup;
		r->reorder += c->reorder;
		r->garbled += c->garbled;
	}
	r->keep_lost = atomic_load(&g_keep_lost);
	r->stall_disc = atomic_load(&g_stall_disc);
	r->run_s = (double)(last - t0) / 1e9;
	r->dps = r->run_s > 0 ? (double)r->deliveries / r->run_s : 0;
	r->p50 = hist_percentile(hist, r->deliveries, 0.50);
	r->p90 = hist_percentile(hist, r->deliveries, 0.90);
	r->p99 = hist_percentile(hist, r->deliveries, 0.99);
	if (r->p50 > r->max)
		r->p50 = r->max;
	if (r->p90 > r->max)
		r->p90 = r->max;
	if (r->p99 > r->max)
		r->p99 = r->max;
	r->ok = r->loss == 0 && r->dup == 0 && r->keep_lost == 0 && r->garbled == 0 &&
	    !failed() && !r->timed_out;
}

static const char *proto_name(void)
{
	if (cfg.tls)
		return cfg.proto == PROTO_REDIS ? "redis+tls" : cfg.proto == PROTO_NCAT ? "ncat+tls" :
		    "tcpchat+tls";
	return cfg.proto == PROTO_REDIS ? "redis" : cfg.proto == PROTO_NCAT ? "ncat" : "tcpchat";
}

static void report(const struct results *r)
{
	double ms = 1e6;
	double per_client = r->rss1 >= 0 && r->rss0 >= 0 && cfg.clients > 0 ?
	    (double)(r->rss1 - r->rss0) * 1024.0 / cfg.clients : -1;

	if (!cfg.quiet) {
		printf("%s %s:%d: %u clients, %u senders x %u messages of %u bytes, %s",
		    proto_name(), cfg.host, cfg.port, cfg.clients, cfg.senders, cfg.messages,
		    cfg.bytes, cfg.rate > 0 ? "" : "fastest");
		if (cfg.rate > 0)
			printf("%.0f msg/s", cfg.rate);
		printf(" (window %u, %u threads)\n", cfg.window, cfg.threads);
		printf("  connected and ready %u of %zu connections in %.3f s", r->ready, nconns,
		    r->connect_s);
		if (per_client >= 0)
			printf("; server RSS %ld -> %ld kB = %.0f bytes per client", r->rss0, r->rss1,
			    per_client);
		printf("\n");
		if (cfg.senders > 0 && cfg.messages > 0) {
			printf("  deliveries %" PRIu64 " of %" PRIu64 " in %.3f s = %.0f/s; loss %" PRIu64
			    ", duplicates %" PRIu64 ", reordered %" PRIu64 ", garbled %" PRIu64
			    ", readers dropped %u%s\n", r->got, r->expected, r->run_s, r->dps, r->loss,
			    r->dup, r->reorder, r->garbled, r->keep_lost, r->timed_out ? " (TIMED OUT)" : "");
			printf("  latency ms: p50 %.3f p90 %.3f p99 %.3f max %.3f\n", (double)r->p50 / ms,
			    (double)r->p90 / ms, (double)r->p99 / ms, (double)r->max / ms);
			if (cfg.stalled > 0)
				printf("  stalled readers %u (%.1f s): %u dropped by the server, %u caught up, "
				    "%u still behind\n", cfg.stalled, cfg.stall_secs, r->stall_disc,
				    r->stall_done, r->stall_short);
		}
		if (failed())
			printf("  FAILED: %s\n", g_error);
	}
	printf("RESULT label=%s proto=%s clients=%u senders=%u messages=%u bytes=%u rate=%.0f "
	    "ready=%u connect_s=%.4f rss0_kb=%ld rss1_kb=%ld rss2_kb=%ld rss_per_client=%.0f "
	    "deliveries=%" PRIu64 " expected=%" PRIu64 " run_s=%.4f dps=%.0f p50_ms=%.3f "
	    "p90_ms=%.3f p99_ms=%.3f max_ms=%.3f loss=%" PRIu64 " dup=%" PRIu64 " reorder=%" PRIu64
	    " garbled=%" PRIu64 " dropped=%u stalled=%u stall_dropped=%u stall_done=%u "
	    "stall_behind=%u timeout=%d ok=%d",
	    cfg.label ? cfg.label : "-", proto_name(), cfg.clients, cfg.senders, cfg.messages,
	    cfg.bytes, cfg.rate, r->ready, r->connect_s, r->rss0, r->rss1, r->rss2, per_client,
	    r->got, r->expected, r->run_s, r->dps, (double)r->p50 / ms, (double)r->p90 / ms,
	    (double)r->p99 / ms, (double)r->max / ms, r->loss, r->dup, r->reorder, r->garbled,
	    r->keep_lost, cfg.stalled, r->stall_disc, r->stall_done, r->stall_short,
	    r->timed_out, r->ok);
	if (failed()) {
		/* error=TEXT last, spaces as underscores so it stays one field. */
		fputs(" error=", stdout);
		for (const char *p = g_error; *p != '\0'; p++)
			putchar(*p == ' ' || *p == '=' ? '_' : *p);
	}
	putchar('\n');
	fflush(stdout);
}

static double arg_num(const char *opt, const char *s, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "tcpchat-loadgen: invalid %s '%s' (expected %g to %g)\n", opt, s,
		    min, max);
		fprintf(stderr, "Try 'tcpchat-loadgen --help' for more information.\n");
		exit(2);
	}
	return v;
}

static void usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "tcpchat-loadgen: %s '%s'\n", what, arg);
	fprintf(stderr, "Try 'tcpchat-loadgen --help' for more information.\n");
	exit(2);
}

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "proto", required_argument, NULL, 'P' },
		{ "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "clients", required_argument, NULL, 'n' },
		{ "senders", required_argument, NULL, 's' },
		{ "messages", required_argument, NULL, 'M' },
		{ "bytes", required_argument, NULL, 'b' },
		{ "rate", required_argument, NULL, 'r' },
		{ "window", required_argument, NULL, 'w' },
		{ "stall", required_argument, NULL, 'k' },
		{ "stall-secs", required_argument, NULL, 'K' },
		{ "grace", required_argument, NULL, 'g' },
		{ "idle", required_argument, NULL, 'i' },
		{ "server-pid", required_argument, NULL, 'S' },
		{ "threads", required_argument, NULL, 'j' },
		{ "parallel", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ "quiet-ms", required_argument, NULL, 'Q' },
		{ "tls", no_argument, NULL, 'T' },
		{ "label", required_argument, NULL, 'l' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "free-port", no_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	bool senders_set = false;
	int c;

	cfg.proto = PROTO_TCPCHAT;
	cfg.host = "127.0.0.1";
	cfg.port = -1;
	cfg.clients = 10;
	cfg.messages = 1000;
	cfg.window = 256;
	cfg.stall_secs = 5;
	cfg.grace = 5;
	cfg.threads = 1;
	cfg.timeout = 120;
	cfg.quiet_ms = 200;
	cfg.parallel = 1000;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":P:a:p:n:s:M:b:r:w:k:K:g:i:S:j:c:t:Q:l:qTh", longopts,
	    NULL)) != -1) {
		switch (c) {
		case 'P':
			if (strcmp(optarg, "tcpchat") == 0 || strcmp(optarg, "nc") == 0)
				cfg.proto = PROTO_TCPCHAT;
			else if (strcmp(optarg, "redis") == 0)
				cfg.proto = PROTO_REDIS;
			else if (strcmp(optarg, "ncat") == 0)
				cfg.proto = PROTO_NCAT;
			else
				usage_error("unknown protocol", optarg);
			break;
		case 'a': cfg.host = optarg; break;
		case 'p': cfg.port = (int)arg_num("port", optarg, 1, 65535); break;
		case 'n': cfg.clients = (unsigned)arg_num("client count", optarg, 1, 1000000); break;
		case 's':
			cfg.senders = (unsigned)arg_num("sender count", optarg, 0, 1000000);
			senders_set = true;
			break;
		case 'M': cfg.messages = (unsigned)arg_num("message count", optarg, 0, 100000000); break;
		case 'b': cfg.bytes = (unsigned)arg_num("message size", optarg, 0, 60000); break;
		case 'r': cfg.rate = arg_num("rate", optarg, 0, 1e9); break;
		case 'w': cfg.window = (unsigned)arg_num("window", optarg, 1, 1e9); break;
		case 'k': cfg.stalled = (unsigned)arg_num("stalled reader count", optarg, 0, 1000000); break;
		case 'K': cfg.stall_secs = arg_num("stall time", optarg, 0, 3600); break;
		case 'g': cfg.grace = arg_num("grace time", optarg, 0, 3600); break;
		case 'i': cfg.idle_secs = arg_num("idle time", optarg, 0, 3600); break;
		case 'S': cfg.server_pid = (long)arg_num("server pid", optarg, 1, 1e9); break;
		case 'j': cfg.threads = (unsigned)arg_num("thread count", optarg, 1, ncpu > 0 ? (double)ncpu : 1); break;
		case 'c': cfg.parallel = (unsigned)arg_num("parallel connects", optarg, 1, 100000); break;
		case 't': cfg.timeout = arg_num("timeout", optarg, 0.1, 86400); break;
		case 'Q': cfg.quiet_ms = arg_num("quiet time", optarg, 1, 60000); break;
		case 'l': cfg.label = optarg; break;
		case 'q': cfg.quiet = true; break;
		case 'T': cfg.tls = true; break;
		case 'F': printf("%d\n", free_port()); exit(0);
		case 'h': fputs(usage_text, stdout); exit(0);
		case ':': usage_error("missing argument for option", argv[optind - 1]); break;
		default: usage_error("unknown option", argv[optind - 1]); break;
		}
	}
	if (optind < argc)
		usage_error("unexpected argument", argv[optind]);
	if (cfg.port < 0) {
		fprintf(stderr, "tcpchat-loadgen: a port is required (-p PORT)\n");
		fprintf(stderr, "Try 'tcpchat-loadgen --help' for more information.\n");
		exit(2);
	}
	if (!senders_set)
		cfg.senders = cfg.clients < 10 ? cfg.clients : 10;
	if (cfg.proto != PROTO_REDIS && cfg.senders > cfg.clients)
		usage_error("more senders than clients", "-s");
	if (cfg.stalled + (cfg.proto == PROTO_REDIS ? 0 : cfg.senders) > cfg.clients)
		usage_error("stalled readers must not be senders", "-k");
	if (cfg.threads > cfg.clients)
		cfg.threads = cfg.clients;
}

/* Wait until done() or the phase's timeout; false on timeout or failure. */
static bool wait_for(bool (*done)(void), double timeout)
{
	uint64_t t = now_ns();

	while (!done()) {
		if (failed() || secs_since(t) > timeout)
			return false;
		sleep_ms(1);
	}
	return true;
}

static bool all_ready(void)
{
	return atomic_load(&g_ready) == nconns;
}

static bool settled(void)
{
	return now_ns() - atomic_load(&g_last_rx_ns) > (uint64_t)(cfg.quiet_ms * 1e6);
}

static bool run_done(void)
{
	return atomic_load(&g_senders_done) == cfg.senders &&
	    atomic_load(&g_recv_done) + atomic_load(&g_keep_lost) >= keep_readers;
}

static bool stalled_done(void)
{
	return atomic_load(&g_stall_settled) >= cfg.stalled;
}

int main(int argc, char **argv)
{
	struct results r;
	uint64_t t_conn, t0;

	memset(&r, 0, sizeof(r));
	r.rss1 = r.rss2 = -1;
	signal(SIGPIPE, SIG_IGN);
	parse_args(argc, argv);
	resolve(cfg.host, cfg.port);
	if (cfg.tls)
		tls_init();
	raise_nofile(cfg.clients + cfg.senders + 64);
	setup_conns();
	setup_workers();

	r.rss0 = read_rss_kb(cfg.server_pid);
	atomic_store(&g_phase, PH_CONNECT);
	t_conn = now_ns();
	for (unsigned t = 0; t < cfg.threads; t++)
		if (pthread_create(&workers[t].tid, NULL, worker_main, &workers[t]) != 0)
			die("pthread_create failed");

	if (!wait_for(all_ready, cfg.timeout) && !failed()) {
		pthread_mutex_lock(&g_error_lock);
		snprintf(g_error, sizeof(g_error), "only %u of %zu connections ready after %.0f s",
		    atomic_load(&g_ready), nconns, cfg.timeout);
		pthread_mutex_unlock(&g_error_lock);
		atomic_fetch_add(&g_failed, 1);
	}
	r.ready = atomic_load(&g_ready);
	for (unsigned t = 0; t < cfg.threads; t++)
		if (workers[t].last_ready_ns > t_conn &&
		    (double)(workers[t].last_ready_ns - t_conn) / 1e9 > r.connect_s)
			r.connect_s = (double)(workers[t].last_ready_ns - t_conn) / 1e9;

	if (!failed()) {
		atomic_store(&g_phase, PH_SETTLE);
		wait_for(settled, cfg.timeout);
		if (cfg.idle_secs > 0)
			sleep_ms((long)(cfg.idle_secs * 1000));
		r.rss1 = read_rss_kb(cfg.server_pid);
	}

	if (!failed() && cfg.senders > 0 && cfg.messages > 0) {
		t0 = now_ns();
		atomic_store(&g_t_start, t0);
		atomic_store(&g_phase, PH_RUN);
		if (!wait_for(run_done, cfg.timeout) && !failed())
			r.timed_out = true;
		atomic_store(&g_phase, PH_DRAIN);
		if (cfg.stalled > 0)
			wait_for(stalled_done, cfg.stall_secs + cfg.grace - secs_since(t0) > 0.1 ?
			    cfg.stall_secs + cfg.grace - secs_since(t0) : 0.1);
	} else {
		t0 = now_ns();
	}
	r.rss2 = read_rss_kb(cfg.server_pid);
	atomic_store(&g_phase, PH_STOP);
	for (unsigned t = 0; t < cfg.threads; t++)
		pthread_join(workers[t].tid, NULL);
	if (cfg.senders > 0 && cfg.messages > 0)
		collect(&r, t0);
	else
		r.ok = !failed();
	if (cfg.senders == 0 || cfg.messages == 0)
		r.ok = !failed();
	report(&r);
	return r.ok ? 0 : 1;
}
