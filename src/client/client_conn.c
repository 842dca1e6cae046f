/* client_conn.c: the client's connection: framing, hello, password, name, reconnect.
 * See client_conn.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "client_conn.h"
#include "client_net.h"
#include "line.h"
#include "tclimits.h"
#include "transport.h"
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
	struct transport *tr;  /* every byte after the TCP connect; NULL before */
	client_conn_transport_fn new_transport;
	bool connecting;     /* connect() in progress */
	bool handshaking;    /* the transport's handshake (TLS) is not done */
	bool held;           /* handshake done, waiting for the front end (verify) */
	bool hello_done;     /* PROTO_HELLO_ANSWER seen (or degraded) */
	enum client_conn_state st;

	struct buf in, out;
	struct line_reader rd;
	char *line;          /* the line being handled, NUL-terminated */

	uint64_t hs_timer, retry_timer;
	int64_t retry_at;
	int backoff_ms;
	bool reconnect;

	char *name;          /* the name to send */
	char *accepted;      /* the name the server accepted */
	char *room;          /* the room we are in (version 2: the last one joined) */
	char *want_room;     /* the room to rejoin after a reconnect */
	int version;         /* the dialect version the server answered (0: none yet) */
	char **rooms;        /* version 2: every room we are in, in the order joined */
	size_t nrooms;
	char **want;         /* the rooms to rejoin at the next WELCOME */
	size_t nwant;
	char *bye;           /* reason given by BYE */
	size_t online;       /* people in the chat (ONLINE, version 2); 0: not told */

	int keepalive_ms;    /* quiet time before a ping; 0: no keepalive */
	int64_t last_rx;     /* when the server last sent something */
	int64_t ping_at;     /* when the unanswered ping went out; 0: none */
	bool stalled;
	uint64_t ka_timer;
	bool was_up;         /* some connection got as far as a name (else: exit, no retry) */
	int64_t reclaim_since; /* a reconnect's own name refused since then (0: not) */
	bool name_due;       /* the hello was answered: the name goes once this read is done */
	struct {             /* the server password (--password-file servers) */
		char *secret;    /* what to give when asked; NULL: ask the front end */
		bool taken;      /* the server took it in this run: given again unasked */
		bool expected;   /* the greeting was the nc password prompt */
		bool asked;      /* this connection is at the password question */
		int unanswered;  /* lines sent at the question and not answered yet */
		uint64_t timer;  /* the wait for a refusal before the name goes */
		char *why;       /* a refusal said in words before the nc prompt */
	} pw;
};

#define KA_TICK_MS   250
#define KA_TOKEN     "tcpchat-keepalive"


static void try_connect(struct client_conn *cc);
static void drop(struct client_conn *cc, const char *reason);
static void send_line(struct client_conn *cc, const char *line);
static void pass_reset(struct client_conn *cc);
static void pass_forget(struct client_conn *cc);

static void list_free(char ***list, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*list)[i]);
	free(*list);
	*list = NULL;
	*n = 0;
}

static ssize_t list_find(char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(list[i], s) == 0)
			return (ssize_t)i;
	return -1;
}

static void list_add(char ***list, size_t *n, const char *s)
{
	if (list_find(*list, *n, s) >= 0)
		return;
	*list = xreallocarray(*list, *n + 1, sizeof(**list));
	(*list)[(*n)++] = xstrdup(s);
}

static void list_remove(char **list, size_t *n, const char *s)
{
	ssize_t i = list_find(list, *n, s);

	if (i < 0)
		return;
	free(list[i]);
	memmove(list + i, list + i + 1, (*n - (size_t)i - 1) * sizeof(*list));
	(*n)--;
}

/* The default transport: plain TCP. */
static struct transport *tcp_transport(int fd, const char *host)
{
	(void)host;
	return transport_tcp_new(fd);
}

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
	cc->new_transport = tcp_transport;
	cc->line = xmalloc(CONN_MAX_LINE + 1);
	cc->reconnect = true;
	cc->backoff_ms = TC_CLIENT_RECONNECT_MIN_MS;
	cc->st = LINK_CONNECTING;
	srand((unsigned)(loop_now_ms() ^ (int64_t)getpid() << 16));
	return cc;
}

static int stall_ms(const struct client_conn *cc)
{
	return cc->keepalive_ms < TC_CLIENT_STALL_MS ? cc->keepalive_ms : TC_CLIENT_STALL_MS;
}

/* Keepalive: a ping after keepalive_ms of quiet; unanswered for stall_ms the link is
 * stalled; for three times that, it is dropped (and reconnected). */
static void on_ka_tick(struct loop *loop, void *arg)
{
	struct client_conn *cc = arg;
	int64_t now = loop_now_ms();

	cc->ka_timer = loop_timer_add(loop, KA_TICK_MS, on_ka_tick, cc);
	if (cc->ping_at == 0 && now - cc->last_rx >= cc->keepalive_ms) {
		send_line(cc, "/ping " KA_TOKEN);
		cc->ping_at = now;
	} else if (cc->ping_at != 0 && now - cc->ping_at >= 3 * stall_ms(cc)) {
		drop(cc, "the server did not answer the keepalive");
	} else if (cc->ping_at != 0 && now - cc->ping_at >= stall_ms(cc)) {
		cc->stalled = true;
	}
}

static void ka_start(struct client_conn *cc)
{
	cc->last_rx = loop_now_ms();
	cc->ping_at = 0;
	if (cc->keepalive_ms > 0 && cc->ka_timer == 0)
		cc->ka_timer = loop_timer_add(cc->loop, KA_TICK_MS, on_ka_tick, cc);
}

static void close_fd(struct client_conn *cc)
{
	if (cc->ka_timer)
		loop_timer_cancel(cc->loop, cc->ka_timer);
	cc->ka_timer = 0;
	cc->stalled = false;
	cc->ping_at = 0;
	if (cc->hs_timer)
		loop_timer_cancel(cc->loop, cc->hs_timer);
	cc->hs_timer = 0;
	if (cc->fd >= 0)
		loop_del(cc->loop, cc->fd);
	if (cc->tr != NULL) {
		transport_shutdown(cc->tr);
		transport_close(cc->tr, false);
	} else if (cc->fd >= 0) {
		client_net_close(cc->fd);
	}
	cc->tr = NULL;
	cc->fd = -1;
	cc->connecting = false;
	cc->handshaking = false;
	cc->held = false;
	cc->hello_done = false;
	cc->version = 0;
	cc->name_due = false;
	pass_reset(cc);
	buf_clear(&cc->in);
	cc->rd = (struct line_reader){ 0 };
	buf_clear(&cc->out);
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
	buf_free(&cc->in);
	buf_free(&cc->out);
	free(cc->line);
	free(cc->name);
	free(cc->accepted);
	free(cc->room);
	free(cc->want_room);
	list_free(&cc->rooms, &cc->nrooms);
	list_free(&cc->want, &cc->nwant);
	free(cc->bye);
	pass_forget(cc);
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
	if (cc->nrooms > 0) {
		list_free(&cc->want, &cc->nwant);
		cc->want = cc->rooms, cc->nwant = cc->nrooms;
		cc->rooms = NULL, cc->nrooms = 0;
	}
	if (cc->bye != NULL) {
		snprintf(buf, sizeof(buf), "%s", cc->bye);
		set_str(&cc->bye, NULL);
		reason = buf;
	}
	if (!cc->reconnect || !cc->was_up) {   /* only a link that was up is retried */
		cc->reconnect = false;
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

/* Poll interest from the transport: always reading, writing while output waits. */
static void update_events(struct client_conn *cc)
{
	if (cc->tr != NULL)
		loop_set_events(cc->loop, cc->fd,
		    transport_events(cc->tr, true, buf_len(&cc->out) > 0));
}

static void queue(struct client_conn *cc, const char *s, size_t n)
{
	buf_append(&cc->out, s, n);
	update_events(cc);
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
	cc->was_up = true;
	set_state(cc, LINK_DEGRADED, "the server did not answer the tcpchat hello");
	if (cc->fd >= 0)
		name_phase(cc);
}

static void send_join(struct client_conn *cc, const char *room)
{
	queue(cc, "/join ", 6);
	send_line(cc, room);
}

/* Version 2 after WELCOME in room `at`: join every wanted room, then leave `at` if it
 * is not one of them (the server never lets the last room go, so it comes last). */
static void rejoin_all(struct client_conn *cc, const char *at)
{
	bool keep = list_find(cc->want, cc->nwant, at) >= 0;

	for (size_t i = 0; i < cc->nwant; i++)
		if (strcasecmp(cc->want[i], at) != 0)
			send_join(cc, cc->want[i]);
	if (!keep && cc->nwant > 0) {
		queue(cc, "/part ", 6);
		send_line(cc, at);
		list_remove(cc->rooms, &cc->nrooms, at);
	}
	list_free(&cc->want, &cc->nwant);
}

/* --- the server password ---------------------------------------------------------- */

static void pass_timer_stop(struct client_conn *cc)
{
	if (cc->pw.timer)
		loop_timer_cancel(cc->loop, cc->pw.timer);
	cc->pw.timer = 0;
}

/* A new connection: no question asked yet (the secret and whether it was taken stay). */
static void pass_reset(struct client_conn *cc)
{
	pass_timer_stop(cc);
	cc->pw.expected = cc->pw.asked = false;
	cc->pw.unanswered = 0;
	set_str(&cc->pw.why, NULL);
}

/* A refused password is never given again, not even after a reconnect. */
static void pass_forget(struct client_conn *cc)
{
	if (cc->pw.secret != NULL) {
		explicit_bzero(cc->pw.secret, strlen(cc->pw.secret));
		free(cc->pw.secret);
	}
	cc->pw.secret = NULL;
	cc->pw.taken = false;
}

/* The server answered the name (WELCOME, NAME?): the password, if one went, was right. */
static void pass_taken(struct client_conn *cc)
{
	pass_reset(cc);
	if (cc->pw.secret != NULL)
		cc->pw.taken = true;
}

/* The name after the password; a name sent while the password is still being checked
 * is an answer the server owes too (a wrong password makes it the next try). */
static void name_after_password(struct client_conn *cc)
{
	bool sends = cc->name != NULL;

	name_phase(cc);
	if (sends)
		cc->pw.unanswered++;
}

static void on_pass_wait(struct loop *loop, void *arg)
{
	struct client_conn *cc = arg;

	(void)loop;
	cc->pw.timer = 0;
	name_after_password(cc);
}

/* The server says nothing of a right password: the name goes when no refusal came in
 * a short while, or at once for a password this server took before (a reconnect). */
static void give_password(struct client_conn *cc)
{
	send_line(cc, cc->pw.secret);
	cc->pw.unanswered = 1;
	set_state(cc, LINK_PASS_SENT, NULL);
	if (cc->pw.taken)
		name_after_password(cc);
	else
		cc->pw.timer = loop_timer_add(cc->loop, TC_CLIENT_PASS_WAIT_MS, on_pass_wait, cc);
}

/* The server asks for the password; why is the reason a refusal gave ("" the first
 * time). The refusal of a line that went before the answer of the last (the name)
 * is not told again. */
static void pass_asked(struct client_conn *cc, const char *why)
{
	bool refused = why[0] != '\0';

	cc->name_due = false;
	cc->pw.asked = true;
	pass_timer_stop(cc);
	if (refused)
		pass_forget(cc);
	if (refused && cc->pw.unanswered > 1) {
		cc->pw.unanswered--;
		return;
	}
	cc->pw.unanswered = 0;
	if (cc->pw.secret != NULL)
		give_password(cc);
	else
		set_state(cc, LINK_NEED_PASSWORD, refused ? why : NULL);
}

/* The nc prompt for the password: the question (with the refusal said just before). */
static void pass_nc_prompt(struct client_conn *cc)
{
	char *why = cc->pw.why;

	cc->pw.why = NULL;
	pass_asked(cc, why != NULL ? why : "");
	free(why);
}

/* Before WELCOME: the question as a PASS? record, or in nc words (a line of text
 * giving the reason, then the nc prompt, as servers ask version 2 clients).
 * True when the line was one of them. */
static bool pass_line(struct client_conn *cc, const char *line)
{
	size_t w = strlen(PROTO_PASSQ_WORD);

	if (cc->st == LINK_ONLINE)
		return false;
	if (strncmp(line, PROTO_PASSQ_WORD, w) == 0 && (line[w] == '\t' || line[w] == '\0')) {
		pass_asked(cc, line[w] == '\t' ? line + w + 1 : "");
		return true;
	}
	if (strcmp(line, PROTO_NC_PASS_PROMPT) == 0) {
		pass_nc_prompt(cc);
		return true;
	}
	if ((cc->pw.asked || cc->pw.expected) &&
	    proto_type_of(line, strcspn(line, "\t")) == PROTO_UNKNOWN) {
		set_str(&cc->pw.why, line);
		return true;
	}
	return false;
}

/* The nc prompt is not a line: it waits at the end of the input. */
static void pass_prompt_tail(struct client_conn *cc)
{
	size_t n = strlen(PROTO_NC_PASS_PROMPT);

	if (buf_len(&cc->in) == n && memcmp(buf_data(&cc->in), PROTO_NC_PASS_PROMPT, n) == 0) {
		buf_consume(&cc->in, n);
		pass_nc_prompt(cc);
	}
}

void client_conn_set_password(struct client_conn *cc, const char *password)
{
	pass_forget(cc);
	cc->pw.secret = xstrdup(password);
	if (cc->fd >= 0 && cc->st == LINK_NEED_PASSWORD)
		give_password(cc);
}

/* --- records ---------------------------------------------------------------------- */

static void welcome(struct client_conn *cc, const struct proto_rec *rec)
{
	pass_taken(cc);
	set_str(&cc->accepted, rec->f[0]);
	set_str(&cc->name, rec->f[0]);
	set_str(&cc->room, rec->f[1]);
	cc->online = 0;
	list_free(&cc->rooms, &cc->nrooms);
	list_add(&cc->rooms, &cc->nrooms, rec->f[1]);
	cc->backoff_ms = TC_CLIENT_RECONNECT_MIN_MS;
	cc->was_up = true;
	cc->reclaim_since = 0;
	ka_start(cc);
	set_state(cc, LINK_ONLINE, NULL);
	if (cc->version >= 2 && cc->nwant > 0)
		rejoin_all(cc, rec->f[1]);
	else if (cc->want_room != NULL && strcasecmp(cc->want_room, rec->f[1]) != 0)
		send_join(cc, cc->want_room);
	set_str(&cc->want_room, NULL);
	list_free(&cc->want, &cc->nwant);
}

/* A reconnect's own name refused: in a cluster, the server the client was on may still
 * hold it (a server that died keeps its names until their lease runs out). Connect
 * again and ask for it, for TC_CLIENT_RECLAIM_MS, before the user is asked for
 * another. True when it goes on so. */
static bool reclaim(struct client_conn *cc)
{
	int64_t now = loop_now_ms();

	if (cc->accepted == NULL || cc->name == NULL || strcmp(cc->name, cc->accepted) != 0 ||
	    !cc->reconnect)
		return false;
	if (cc->reclaim_since == 0)
		cc->reclaim_since = now;
	if (now - cc->reclaim_since >= TC_CLIENT_RECLAIM_MS)
		return false;
	cc->backoff_ms = TC_CLIENT_RECLAIM_EVERY_MS;
	drop(cc, "your name is still held (the server you were on may have died)");
	return true;
}

static void handle_record(struct client_conn *cc, char *line)
{
	struct proto_rec rec;

	proto_parse_v(line, cc->version, &rec);
	switch (rec.type) {
	case PROTO_WELCOME:
		welcome(cc, &rec);
		break;
	case PROTO_ROOM:
		set_str(&cc->room, rec.f[0]);
		if (cc->version < 2)
			list_free(&cc->rooms, &cc->nrooms);
		list_add(&cc->rooms, &cc->nrooms, rec.f[0]);
		break;
	case PROTO_RENAME:
		if (cc->accepted != NULL && strcmp(cc->accepted, rec.f[1]) == 0) {
			set_str(&cc->accepted, rec.f[2]);
			set_str(&cc->name, rec.f[2]);
		}
		break;
	case PROTO_NAMEQ:
		pass_taken(cc);
		if (reclaim(cc))
			return;
		set_str(&cc->name, NULL);
		cc->st = LINK_NEED_NAME;
		break;
	case PROTO_BYE:
		set_str(&cc->bye, rec.f[0][0] ? rec.f[0] : "the server closed the connection");
		if (cc->pw.unanswered > 0)
			pass_forget(cc);   /* the goodbye of a last wrong try: not given again */
		break;
	case PROTO_ONLINE:
		cc->online = strtoul(rec.f[0], NULL, 10);
		break;
	case PROTO_INFO:
		if (strcmp(rec.f[0], "PONG " KA_TOKEN) == 0)
			return;      /* the keepalive's answer */
		break;
	default:
		break;
	}
	if (cc->ops->record)
		cc->ops->record(cc->arg, &rec);
}

/* "+TCPCHAT<TAB>N": N, at most what we asked for; 1 when it is not a number. */
static int hello_version(const char *line)
{
	const char *p = line + strlen(PROTO_HELLO_ANSWER);
	long v = *p == '\t' ? strtol(p + 1, NULL, 10) : 1;

	return v < 1 ? 1 : v > PROTO_VERSION ? PROTO_VERSION : (int)v;
}

/* One line, its LF and one CR already removed by line_next. */
static void handle_line(struct client_conn *cc, char *line)
{
	size_t n = strlen(line);

	if (!cc->hello_done) {
		if (strcmp(line, PROTO_NC_PASS_PROMPT) == 0)
			cc->pw.expected = true;   /* the greeting asked for a password */
		if (strncmp(line, PROTO_HELLO_ANSWER, strlen(PROTO_HELLO_ANSWER)) != 0)
			return;    /* banner, penguin, prompt */
		if (cc->hs_timer)
			loop_timer_cancel(cc->loop, cc->hs_timer);
		cc->hs_timer = 0;
		cc->hello_done = true;
		cc->was_up = true;
		cc->version = hello_version(line);
		cc->name_due = !cc->pw.expected;   /* once the rest of this read is seen */
		return;
	}
	if (cc->st == LINK_DEGRADED && strncmp(line, PROTO_HELLO_ANSWER, strlen(PROTO_HELLO_ANSWER)) == 0) {
		/* a late answer (a slow server): the name, if sent, was sent as a name */
		cc->version = hello_version(line);
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
	if (!pass_line(cc, line))
		handle_record(cc, line);
}

/* nc dialect: prompt repaints at the start of the partial tail are never shown. */
static void skip_prompts(struct client_conn *cc)
{
	size_t skip;

	while ((skip = proto_nc_prompt_len(buf_data(&cc->in), buf_len(&cc->in), cc->name)) > 0)
		buf_consume(&cc->in, skip);
}

/* Hand on every complete line; keep the partial tail. An over-long record is dropped. */
static void process_input(struct client_conn *cc)
{
	while (cc->fd >= 0) {
		const char *line;
		size_t len, used;
		enum line_result r = line_next(&cc->rd, &cc->in, CONN_MAX_LINE - 1, &line, &len,
		    &used);

		if (used == 0)
			break;
		if (r == LINE_OK) {
			memcpy(cc->line, line, len);
			cc->line[len] = '\0';
		}
		buf_consume(&cc->in, used);
		if (r == LINE_OK)
			handle_line(cc, cc->line);
	}
	if (cc->fd >= 0 && cc->st == LINK_DEGRADED)
		skip_prompts(cc);
	else if (cc->fd >= 0 && cc->hello_done && cc->st != LINK_ONLINE)
		pass_prompt_tail(cc);
	if (cc->fd >= 0 && cc->name_due) {   /* no password question came with the answer */
		cc->name_due = false;
		name_phase(cc);
	}
}

static bool again(void)
{
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
}

/* A few reads per wake-up, and on while the transport holds input poll cannot see. */
static void do_read(struct client_conn *cc)
{
	for (int round = 0; cc->tr != NULL && (round < 4 || transport_pending(cc->tr) > 0);
	    round++) {
		ssize_t r = transport_read(cc->tr, buf_reserve(&cc->in, CONN_READ_MAX), CONN_READ_MAX);

		if (r == 0 || (r < 0 && !again())) {
			drop(cc, r == 0 ? "the server closed the connection" : strerror(errno));
			return;
		}
		if (r < 0)
			break;
		buf_commit(&cc->in, (size_t)r);
		cc->last_rx = loop_now_ms();
		cc->ping_at = 0;
		cc->stalled = false;
		process_input(cc);
	}
	update_events(cc);
}

static void do_write(struct client_conn *cc)
{
	while (cc->tr != NULL && buf_len(&cc->out) > 0) {
		ssize_t w = transport_write(cc->tr, buf_data(&cc->out), buf_len(&cc->out));

		if (w < 0 && !again()) {
			drop(cc, strerror(errno));
			return;
		}
		if (w <= 0)
			break;
		buf_consume(&cc->out, (size_t)w);
	}
	update_events(cc);
}

/* Refused for good: no reconnect will try again. */
static void refuse(struct client_conn *cc, const char *reason)
{
	cc->reconnect = false;
	drop(cc, reason);
}

/* The handshake is done: ask the front end, then send the hello (while a user
 * answers, the hello timer is off: it takes what time it takes). */
static void verify(struct client_conn *cc)
{
	int v = cc->ops->verify != NULL ? cc->ops->verify(cc->arg, cc, cc->tr) : 0;

	if (v < 0) {
		refuse(cc, "certificate refused");
		return;
	}
	if (v > 0) {
		cc->held = true;
		if (cc->hs_timer)
			loop_timer_cancel(cc->loop, cc->hs_timer);
		cc->hs_timer = 0;
		loop_set_events(cc->loop, cc->fd, 0);
		return;
	}
	do_write(cc);     /* the hello */
}

void client_conn_resume(struct client_conn *cc, bool accept, const char *reason)
{
	if (!cc->held || cc->tr == NULL)
		return;
	cc->held = false;
	if (!accept) {
		refuse(cc, reason);
		return;
	}
	cc->hs_timer = loop_timer_add(cc->loop, TC_CLIENT_HANDSHAKE_MS, on_hello_timeout, cc);
	do_write(cc);
}

/* Move the transport's handshake on (TLS; plain TCP has none). */
static void handshake(struct client_conn *cc)
{
	int r = transport_handshake(cc->tr);

	if (r < 0) {
		drop(cc, cc->tr->err != NULL ? cc->tr->err : "handshake failed");
		return;
	}
	cc->handshaking = r == 0;
	if (!cc->handshaking)
		verify(cc);
	else
		update_events(cc);
}

/* TCP is connected: wrap the fd in the transport (the one place TLS plugs in, through
 * client_conn_set_transport), queue the hello and start its timer. */
static void connected(struct client_conn *cc)
{
	cc->connecting = false;
	cc->tr = cc->new_transport(cc->fd, cc->host);
	cc->handshaking = true;
	queue(cc, PROTO_HELLO_LINE, strlen(PROTO_HELLO_LINE));
	cc->hs_timer = loop_timer_add(cc->loop, TC_CLIENT_HANDSHAKE_MS, on_hello_timeout, cc);
	handshake(cc);
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
	if (cc->held)
		return;
	if (cc->handshaking) {
		handshake(cc);
		return;
	}
	if (revents & (cc->tr->rd_events | POLLHUP | POLLERR))
		do_read(cc);
	if (cc->tr != NULL && (revents & cc->tr->wr_events))
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

void client_conn_set_transport(struct client_conn *cc, client_conn_transport_fn fn)
{
	cc->new_transport = fn;
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
	return buf_len(&cc->out);
}

void client_conn_flush(struct client_conn *cc)
{
	if (cc->tr != NULL && !cc->handshaking)
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

size_t client_conn_online(const struct client_conn *cc)
{
	return cc->online;
}

const char *client_conn_room(const struct client_conn *cc)
{
	return cc->room;
}

const char *client_conn_server(const struct client_conn *cc)
{
	return cc->server;
}

void client_conn_set_keepalive(struct client_conn *cc, int ms)
{
	cc->keepalive_ms = ms;
}

bool client_conn_stalled(const struct client_conn *cc)
{
	return cc->stalled;
}

bool client_conn_was_up(const struct client_conn *cc)
{
	return cc->was_up;
}

void client_conn_reconnect_now(struct client_conn *cc)
{
	if (!cc->was_up || cc->st == LINK_CLOSED)
		return;
	if (cc->fd >= 0)
		close_fd(cc);
	if (cc->retry_timer)
		loop_timer_cancel(cc->loop, cc->retry_timer);
	cc->retry_timer = 0;
	cc->backoff_ms = TC_CLIENT_RECONNECT_MIN_MS;
	if (cc->room != NULL)
		set_str(&cc->want_room, cc->room);
	if (cc->nrooms > 0) {
		list_free(&cc->want, &cc->nwant);
		cc->want = cc->rooms, cc->nwant = cc->nrooms;
		cc->rooms = NULL, cc->nrooms = 0;
	}
	try_connect(cc);
}

int client_conn_version(const struct client_conn *cc)
{
	return cc->version;
}

size_t client_rooms_split(const char *list, char ***rooms)
{
	char *copy = xstrdup(list), *save = NULL;
	size_t n = 0;

	*rooms = NULL;
	for (char *r = strtok_r(copy, ",\n \t", &save); r != NULL; r = strtok_r(NULL, ",\n \t", &save)) {
		*rooms = xreallocarray(*rooms, n + 1, sizeof(**rooms));
		(*rooms)[n++] = xstrdup(r);
	}
	free(copy);
	return n;
}

void client_rooms_free(char **rooms, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rooms[i]);
	free(rooms);
}

void client_conn_set_rooms(struct client_conn *cc, char *const *rooms, size_t n)
{
	list_free(&cc->want, &cc->nwant);
	for (size_t i = 0; i < n; i++)
		list_add(&cc->want, &cc->nwant, rooms[i]);
	if (n > 0)
		set_str(&cc->want_room, rooms[n - 1]);
}

int client_conn_part(struct client_conn *cc, const char *room, const char *reason)
{
	char *line;
	int rc;

	if (cc->version < 2 || cc->nrooms < 2 || list_find(cc->rooms, cc->nrooms, room) < 0)
		return -1;
	line = xmalloc(strlen(room) + strlen(reason) + 8);
	sprintf(line, "/part %s%s%s", room, reason[0] != '\0' ? " " : "", reason);
	rc = client_conn_send(cc, line);
	free(line);
	if (rc == 0)
		list_remove(cc->rooms, &cc->nrooms, room);
	return rc;
}

size_t client_conn_rooms(const struct client_conn *cc, char *const **rooms)
{
	*rooms = cc->nrooms > 0 ? cc->rooms : cc->want;
	return cc->nrooms > 0 ? cc->nrooms : cc->nwant;
}

int64_t client_conn_retry_in(const struct client_conn *cc)
{
	int64_t left = cc->retry_at - loop_now_ms();

	return cc->st == LINK_WAITING && left > 0 ? left : 0;
}
