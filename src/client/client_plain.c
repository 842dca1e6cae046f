/* client_plain.c: the plain line client. See client_plain.h.
 * Tested by tests/integration/test_client_plain.py (stdin lines as messages, names
 * asked and refused, the server password, --listen, --reconnect, --no-history, --json,
 * exit statuses); no
 * unit test: it is the loop tying stdin, stdout and the link together; its parts have
 * theirs (test_client_conn.c, test_render.c, test_client_json.c). */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "client_conn.h"
#include "client_json.h"
#include "client_password.h"
#include "client_plain.h"
#include "client_time.h"
#include "client_tls.h"
#include "render.h"
#include "tclimits.h"
#include "utf8.h"
#include "util.h"

#define PLAIN_READ_CHUNK 4096

struct plain {
	struct loop *loop;
	struct client_conn *cc;
	char *in;              /* partial input line */
	size_t in_len, in_cap;
	char **queue;          /* complete lines waiting to be sent */
	size_t nqueue, capqueue;
	bool eof;              /* end of input seen */
	bool need_name;        /* the next input line is a name */
	bool quitting;         /* /quit sent, waiting for the server to close */
	bool fixed_name;       /* the name came from -n: a refusal is final */
	bool online;           /* named and in a room at least once */
	bool bye;              /* the server said goodbye (BYE) on this connection */
	const struct connect_options *opt;
	int status;
	struct client_tls *tls; /* --tls, else NULL */
};

/* Print the strings (sanitised: no control characters reach the output) and a newline. */
static void say(const char *first, ...)
{
	va_list ap;

	va_start(ap, first);
	for (const char *s = first; s != NULL; s = va_arg(ap, const char *)) {
		char *clean = utf8_clean_str(UTF8_DISPLAY, s);

		fputs(clean, stdout);
		free(clean);
	}
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static void pump(struct plain *p);

static void name_refused(struct plain *p)
{
	if (p->fixed_name) {   /* input lines are messages, never names: give up */
		p->status = 1;
		p->quitting = true;
		loop_stop(p->loop);
		return;
	}
	p->need_name = true;
	pump(p);
}

/* A line of --json output, or NULL (invalid text). */
static void say_json(char *json)
{
	if (json != NULL) {
		puts(json);
		fflush(stdout);
	}
	free(json);
}

/* The record with its time shown as the classic local stamp (version 2 sends UTC). */
static const struct proto_rec *local_times(const struct proto_rec *rec,
    struct proto_rec *copy, char *stamp, size_t n)
{
	if (!client_time_has(rec->type) || rec->nf < 1)
		return rec;
	*copy = *rec;
	client_time_show(rec->f[0], CLIENT_TIME_CLASSIC, false, time(NULL), stamp, n);
	copy->f[0] = stamp;
	return copy;
}

static void on_record(void *arg, const struct proto_rec *rec)
{
	struct plain *p = arg;
	struct render_view v;
	struct proto_rec copy;
	char stamp[64];

	if (rec->type == PROTO_BYE)
		p->bye = true;      /* the server closes on purpose (not a lost link) */
	if (rec->type == PROTO_NAMEQ && p->fixed_name && !p->opt->json)
		fprintf(stderr, "tcpchat: name refused: %s\n", rec->nf > 0 ? rec->f[0] : "");
	if ((p->opt->no_history && rec->type == PROTO_HIST) || rec->type == PROTO_ONLINE)
		return;      /* ONLINE: a head count for the status line, none here */
	if (p->opt->json)
		say_json(client_json_record(rec, client_conn_room(p->cc), time(NULL)));
	else if (render_record(local_times(rec, &copy, stamp, sizeof(stamp)), RENDER_PLAIN,
	    client_conn_name(p->cc), &v)) {
		const char *cur = client_conn_room(p->cc);
		bool other = rec->room[0] != '\0' && cur != NULL && strcasecmp(rec->room, cur) != 0;

		if (other)      /* version 2: a line of another of our rooms says which */
			say("[#", rec->room, "] ", v.text, NULL);
		else
			say(v.text, NULL);
		render_view_free(&v);
	}
	if (rec->type == PROTO_NAMEQ)
		name_refused(p);
}

static void on_raw_line(void *arg, const char *line)
{
	struct plain *p = arg;

	if (p->opt->json)
		say_json(client_json_line(line, NULL, time(NULL)));
	else
		say(line, NULL);
}

/* Connected, a name is needed, and none will come: stdin is over (or --listen). */
static bool nameless(const struct plain *p)
{
	return p->need_name && p->nqueue == 0 && (p->eof || p->opt->listen);
}

/* The link went down: with --reconnect wait for it, otherwise stop. A server that
 * said goodbye (BYE: a shutdown, a kick) to a --listen run that was online ends it
 * normally; a link lost (the server killed, the network gone) is a failure, so that a
 * supervisor restarts the bot. */
static void link_down(struct plain *p, enum client_conn_state st, const char *detail)
{
	const char *why = detail ? detail : "disconnected";

	if (st == LINK_WAITING) {
		fprintf(stderr, "tcpchat: %s: %s; reconnecting in %lld s\n",
		    client_conn_server(p->cc), why,
		    (long long)((client_conn_retry_in(p->cc) + 999) / 1000));
		return;
	}
	if (!p->quitting) {
		fprintf(stderr, "tcpchat: %s: %s\n", client_conn_server(p->cc), why);
		p->status = p->opt->listen && p->online && p->bye ? 0 : 1;
	}
	loop_stop(p->loop);
}

/* The server asks for its password: plain mode has only the one it was given. */
static void password_asked(struct plain *p, const char *refusal)
{
	if (refusal != NULL)
		fprintf(stderr, "tcpchat: %s: %s\n", client_conn_server(p->cc), refusal);
	else
		fprintf(stderr, "tcpchat: %s: the server asks for a password: give "
		    "--server-password-file FILE or set " CLIENT_PASSWORD_ENV "\n",
		    client_conn_server(p->cc));
	p->status = 1;
	loop_stop(p->loop);
}

static void on_state(void *arg, enum client_conn_state st, const char *detail)
{
	struct plain *p = arg;

	switch (st) {
	case LINK_NEED_PASSWORD:
		password_asked(p, detail);
		return;
	case LINK_NEED_NAME:
		p->need_name = true;
		if (nameless(p)) {
			fprintf(stderr, "tcpchat: %s: no name to join with (give --name NAME)\n",
			    client_conn_server(p->cc));
			p->status = 1;
			loop_stop(p->loop);
			return;
		}
		if (p->nqueue == 0 && isatty(STDIN_FILENO))
			say("*** Choose a name:", NULL);   /* someone is typing: tell them */
		break;
	case LINK_ONLINE:
		p->online = true;
		p->bye = false;
		break;
	case LINK_DEGRADED:
		fprintf(stderr, "tcpchat: %s; using the nc dialect\n", detail);
		break;
	case LINK_CLOSED:
	case LINK_WAITING:
		link_down(p, st, detail);
		if (st == LINK_CLOSED)
			return;
		break;
	default:
		break;
	}
	pump(p);
}

/* TLS: accept what the CAs or a pin vouch for; plain mode cannot ask about the rest. */
static int on_verify(void *arg, struct client_conn *cc, const struct transport *t)
{
	struct plain *p = arg;

	(void)cc;
	if (client_tls_vouched(p->tls, t))
		return 0;
	client_tls_explain(p->tls, stderr);
	return -1;
}

static const struct client_conn_ops plain_ops = {
	.state = on_state, .record = on_record, .raw_line = on_raw_line, .verify = on_verify,
};

static char *dequeue(struct plain *p)
{
	char *line = p->queue[0];

	memmove(p->queue, p->queue + 1, (p->nqueue - 1) * sizeof(*p->queue));
	p->nqueue--;
	return line;
}

static void on_quit_timeout(struct loop *loop, void *arg)
{
	(void)arg;
	loop_stop(loop);
}

/* Send what can be sent in the current state; quit after the last line. */
static void pump(struct plain *p)
{
	enum client_conn_state st = client_conn_state(p->cc);

	if (p->need_name && p->nqueue > 0 && (st == LINK_NEED_NAME ||
	    st == LINK_CONNECTING || st == LINK_PASS_SENT)) {
		char *name = dequeue(p);

		p->need_name = false;
		client_conn_set_name(p->cc, name);
		free(name);
		return;
	}
	if (st != LINK_ONLINE && st != LINK_DEGRADED)
		return;
	while (p->nqueue > 0) {
		char *line = dequeue(p);

		client_conn_send(p->cc, line);
		free(line);
	}
	if (p->eof && !p->quitting) {
		p->quitting = true;
		client_conn_send(p->cc, "/quit");
		loop_timer_add(p->loop, TC_CLIENT_HANDSHAKE_MS, on_quit_timeout, p);
	}
}

static void add_line(struct plain *p, const char *s, size_t n)
{
	if (n > 0 && s[n - 1] == '\r')
		n--;
	if (p->nqueue == p->capqueue) {
		p->capqueue = p->capqueue ? p->capqueue * 2 : 16;
		p->queue = xreallocarray(p->queue, p->capqueue, sizeof(*p->queue));
	}
	p->queue[p->nqueue++] = xstrndup(s, n);
}

static void on_stdin(struct loop *loop, int fd, short revents, void *arg)
{
	struct plain *p = arg;
	ssize_t r;
	size_t start = 0;

	(void)revents;
	if (p->in_len + PLAIN_READ_CHUNK > p->in_cap) {
		p->in_cap = p->in_len + PLAIN_READ_CHUNK * 2;
		p->in = xrealloc(p->in, p->in_cap);
	}
	r = read(fd, p->in + p->in_len, PLAIN_READ_CHUNK);
	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (r <= 0) {
		if (p->in_len > 0)
			add_line(p, p->in, p->in_len);
		p->in_len = 0;
		p->eof = true;
		loop_del(loop, fd);
		if (nameless(p) && client_conn_state(p->cc) == LINK_NEED_NAME) {
			fprintf(stderr, "tcpchat: %s: no name to join with (give --name NAME)\n",
			    client_conn_server(p->cc));
			p->status = 1;
			loop_stop(loop);
			return;
		}
		pump(p);
		return;
	}
	p->in_len += (size_t)r;
	for (size_t i = 0; i < p->in_len; i++) {
		if (p->in[i] == '\n') {
			add_line(p, p->in + start, i - start);
			start = i + 1;
		}
	}
	memmove(p->in, p->in + start, p->in_len - start);
	p->in_len -= start;
	pump(p);
}

/* The link to the server, with the name, rooms and password given. -1: no password
 * (said on stderr). */
static int open_link(struct plain *p, const struct connect_options *opt)
{
	char *password, why[512];

	if (client_password_load(opt->server_password_file, &password, why, sizeof(why)) != 0) {
		fprintf(stderr, "tcpchat: %s\n", why);
		return -1;
	}
	p->loop = loop_new();
	p->cc = client_conn_new(p->loop, opt->host, opt->port, &plain_ops, p);
	if (p->tls != NULL)
		client_conn_set_transport(p->cc, client_tls_transport);
	client_conn_set_reconnect(p->cc, opt->reconnect);
	if (opt->name != NULL)
		client_conn_set_name(p->cc, opt->name);
	if (password != NULL)
		client_conn_set_password(p->cc, password);
	client_password_free(password);
	if (opt->join != NULL) {
		char **rooms;
		size_t n = client_rooms_split(opt->join, &rooms);

		client_conn_set_rooms(p->cc, rooms, n);
		client_rooms_free(rooms, n);
	}
	return 0;
}

int client_plain_run(const struct connect_options *opt)
{
	struct client_tls tls;
	struct plain p;
	const char *err = NULL;

	memset(&p, 0, sizeof(p));
	p.opt = opt;
	signal(SIGPIPE, SIG_IGN);
	if (opt->tls) {
		if (client_tls_init(&tls, opt) != 0) {
			fprintf(stderr, "tcpchat: %s\n", tls.err);
			client_tls_free(&tls);
			return 1;
		}
		p.tls = &tls;
	}
	if (open_link(&p, opt) != 0) {
		if (p.tls != NULL)
			client_tls_free(p.tls);
		return 1;
	}
	p.fixed_name = opt->name != NULL;
	p.need_name = !p.fixed_name;
	if (!opt->listen)       /* --listen reads nothing: a bot under systemd, cron, nohup */
		loop_add(p.loop, STDIN_FILENO, POLLIN, on_stdin, &p);
	if (client_conn_start(p.cc, &err) != 0) {
		fprintf(stderr, "tcpchat: %s: %s\n", opt->host, err);
		p.status = 1;
	} else {
		loop_run(p.loop);
	}
	client_conn_free(p.cc);
	loop_free(p.loop);
	if (p.tls != NULL)
		client_tls_free(p.tls);
	for (size_t i = 0; i < p.nqueue; i++)
		free(p.queue[i]);
	free(p.queue);
	free(p.in);
	return p.status;
}
