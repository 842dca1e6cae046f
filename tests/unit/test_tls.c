/*
 * Unit tests for tls.c and transport_tls.c with real OpenSSL: a server and a client
 * transport over a non-blocking socketpair(2), both driven in this process by polling
 * for the events each asks for. Certificates are made by tls.c and, for the chain, by
 * the openssl command (those checks are skipped when it is not on PATH).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#define TMPDIR_NAME "/tmp/test_tls.XXXXXX"
#include "tmpdir.h"

#include <openssl/ssl.h>

#include "buf.h"
#include "statedir.h"
#include "tls.h"
#include "transport_tls.h"
#include "util.h"

#define HOST "chat.test"
#define SPINS 2000              /* poll rounds before a test gives up */

static struct tls_ctx *srv_ctx, *cli_ctx;

struct pair {
	struct transport *srv, *cli;
};

static bool have_openssl(void)
{
	return system("command -v openssl >/dev/null 2>&1") == 0;
}

static void path_in(char *out, size_t n, const char *sub, const char *file)
{
	snprintf(out, n, "%s/%s/%s", tmpdir, sub, file);
}

static struct tls_ctx *self_signed(const char *sub, char *errbuf, size_t errsz)
{
	char dir[256];
	struct tls_server_conf conf = { .host = HOST, .state_dir = dir };

	snprintf(dir, sizeof(dir), "%s/%s", tmpdir, sub);
	return tls_server_new(&conf, errbuf, errsz);
}

static int group_setup(void **state)
{
	char err[256] = "";

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	if (tmpdir_make() != 0)
		return -1;
	srv_ctx = self_signed("main", err, sizeof(err));
	cli_ctx = tls_client_new(err, sizeof(err));
	if (srv_ctx == NULL || cli_ctx == NULL)
		fprintf(stderr, "setup: %s\n", err);
	return srv_ctx != NULL && cli_ctx != NULL ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	tls_ctx_free(srv_ctx);
	tls_ctx_free(cli_ctx);
	return tmpdir_remove();
}

/* --- driving both ends ------------------------------------------------------- */

static void socket_pair(int fds[2], int sndbuf)
{
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(fd_set_nonblock(fds[i]), 0);
		if (sndbuf > 0)
			assert_int_equal(setsockopt(fds[i], SOL_SOCKET, SO_SNDBUF, &sndbuf,
			    sizeof(sndbuf)), 0);
	}
}

static void pair_open(struct pair *p, struct tls_ctx *sctx, const char *host, int sndbuf)
{
	int fds[2];

	socket_pair(fds, sndbuf);
	p->srv = transport_tls_server_new(fds[0], sctx);
	p->cli = transport_tls_client_new(fds[1], cli_ctx, host);
}

static void pair_close(struct pair *p)
{
	transport_close(p->srv, false);
	transport_close(p->cli, false);
}

/* Wait (briefly) for what either side asks for; no wait when one holds input. */
static void pair_wait(struct pair *p, bool srv_writing, bool cli_writing)
{
	struct pollfd pfd[2] = {
		{ .fd = p->srv->fd, .events = transport_events(p->srv, true, srv_writing) },
		{ .fd = p->cli->fd, .events = transport_events(p->cli, true, cli_writing) },
	};

	if (transport_pending(p->srv) == 0 && transport_pending(p->cli) == 0)
		(void)poll(pfd, 2, 100);
}

/* 1 when both handshakes finished, -1 when one failed. */
static int pair_handshake(struct pair *p)
{
	int rs = 0, rc = 0;

	for (int i = 0; i < SPINS && (rs != 1 || rc != 1); i++) {
		if (rc != 1)
			rc = transport_handshake(p->cli);
		if (rs != 1)
			rs = transport_handshake(p->srv);
		if (rs < 0 || rc < 0)
			return -1;
		if (rs != 1 || rc != 1)
			pair_wait(p, false, false);
	}
	return rs == 1 && rc == 1 ? 1 : 0;
}

static void pair_ready(struct pair *p, struct tls_ctx *sctx, const char *host, int sndbuf)
{
	pair_open(p, sctx, host, sndbuf);
	assert_int_equal(pair_handshake(p), 1);
}

/* Read what from has ready into out; returns bytes read (0 on EAGAIN), -1 at EOF. */
static ssize_t drain(struct transport *t, struct buf *out)
{
	ssize_t total = 0;

	for (;;) {
		char chunk[4096];
		ssize_t r = transport_read(t, chunk, sizeof(chunk));

		if (r > 0) {
			buf_append(out, chunk, (size_t)r);
			total += r;
			continue;
		}
		if (r == 0)
			return -1;
		assert_int_equal(errno, EAGAIN);
		return total;
	}
}

/* Send n bytes from one side to the other, reading as it goes. Returns how many
 * writes failed with EAGAIN. */
static int send_through(struct pair *p, bool from_srv, const char *data, size_t n,
    struct buf *got)
{
	struct transport *from = from_srv ? p->srv : p->cli, *to = from_srv ? p->cli : p->srv;
	size_t sent = 0;
	int eagain = 0;

	for (int i = 0; i < SPINS * 10 && buf_len(got) < n; i++) {
		if (sent < n) {
			ssize_t w = transport_write(from, data + sent, n - sent);

			if (w > 0)
				sent += (size_t)w;
			else {
				assert_int_equal(w, -1);
				assert_int_equal(errno, EAGAIN);
				eagain++;
			}
		}
		assert_true(drain(to, got) >= 0);
		if (buf_len(got) < n)
			pair_wait(p, from_srv && sent < n, !from_srv && sent < n);
	}
	assert_int_equal(buf_len(got), n);
	return eagain;
}

static void exchange(struct pair *p, const char *msg)
{
	struct buf got = { 0 };

	send_through(p, false, msg, strlen(msg), &got);
	assert_memory_equal(buf_data(&got), msg, strlen(msg));
	buf_clear(&got);
	send_through(p, true, msg, strlen(msg), &got);
	assert_memory_equal(buf_data(&got), msg, strlen(msg));
	buf_free(&got);
}

/* Read until EOF (read() == 0), at most SPINS rounds. */
static bool read_until_eof(struct pair *p, struct transport *t)
{
	struct buf junk = { 0 };
	bool eof = false;

	for (int i = 0; i < SPINS && !eof; i++) {
		eof = drain(t, &junk) < 0;
		if (!eof)
			pair_wait(p, false, false);
	}
	buf_free(&junk);
	return eof;
}

/* --- the transport ------------------------------------------------------------ */

static void handshake_and_bytes(void **state)
{
	struct pair p;
	char fp[TLS_FP_MAX];
	const char *why = NULL;

	(void)state;
	pair_ready(&p, srv_ctx, HOST, 0);
	assert_string_equal(p.srv->ops->name, "tls");
	assert_int_equal(p.srv->hs_events, 0);
	assert_int_equal(p.cli->hs_events, 0);
	assert_true(transport_is_tls(p.cli));
	assert_string_equal(transport_tls_version(p.cli), "TLSv1.3");
	assert_non_null(transport_tls_cipher(p.srv));
	/* Self-signed: no CA vouches for it; the caller compares the fingerprint. */
	assert_false(transport_tls_verified(p.cli, &why));
	assert_non_null(why);
	assert_non_null(strstr(why, "self-signed"));
	assert_int_equal(transport_tls_peer_fingerprint(p.cli, fp), 0);
	assert_string_equal(fp, tls_ctx_fingerprint(srv_ctx));
	assert_int_equal(transport_tls_peer_fingerprint(p.srv, fp), -1);  /* no client cert */
	exchange(&p, "hello over TLS\n");
	pair_close(&p);
}

static void not_tls(void **state)
{
	int fds[2];
	struct transport *t;
	char fp[TLS_FP_MAX];

	(void)state;
	socket_pair(fds, 0);
	t = transport_tcp_new(fds[0]);
	assert_false(transport_is_tls(t));
	assert_false(transport_tls_verified(t, NULL));
	assert_int_equal(transport_tls_peer_fingerprint(t, fp), -1);
	assert_null(transport_tls_version(t));
	transport_close(t, false);
	close(fds[1]);
}

/* read() and write() before the handshake move it on and say EAGAIN meanwhile. */
static void io_before_handshake(void **state)
{
	struct pair p;
	struct buf got = { 0 };
	int i;

	(void)state;
	pair_open(&p, srv_ctx, HOST, 0);
	assert_int_equal(transport_write(p.cli, "early\n", 6), -1);
	assert_int_equal(errno, EAGAIN);
	assert_int_equal(transport_events(p.cli, true, true), p.cli->hs_events);
	for (i = 0; i < SPINS && buf_len(&got) < 6; i++) {
		(void)transport_write(p.cli, "early\n", 6);
		assert_true(drain(p.srv, &got) >= 0);
		pair_wait(&p, false, true);
	}
	assert_int_equal(buf_len(&got), 6);
	assert_memory_equal(buf_data(&got), "early\n", 6);
	buf_free(&got);
	pair_close(&p);
}

/* A 4 MiB write through small socket buffers: partial writes and EAGAIN with
 * wr_events, every byte arriving in order, both ways. */
static void large_write_hits_want_write(void **state)
{
	size_t n = 4 << 20;
	char *data = xmalloc(n);
	struct buf got = { 0 };
	struct pair p;

	(void)state;
	for (size_t i = 0; i < n; i++)
		data[i] = (char)(i * 7 + i / 4093);
	pair_ready(&p, srv_ctx, HOST, 4096);
	assert_true(send_through(&p, true, data, n, &got) > 0);
	assert_int_equal(p.srv->wr_events, POLLOUT);
	assert_memory_equal(buf_data(&got), data, n);
	buf_clear(&got);
	assert_true(send_through(&p, false, data, n, &got) > 0);
	assert_memory_equal(buf_data(&got), data, n);
	transport_idle(p.srv);
	transport_idle(p.cli);
	exchange(&p, "still fine after idle\n");
	buf_free(&got);
	free(data);
	pair_close(&p);
}

/* One 16000-byte record read 10 bytes at a time: after the first read the rest is
 * inside OpenSSL, where poll() cannot see it, and pending() says how much. */
static void pending_after_small_reads(void **state)
{
	enum { N = 16000, PIECE = 10 };
	char data[N], piece[PIECE];
	size_t total = 0;
	ssize_t r = -1;
	struct pair p;

	(void)state;
	memset(data, 'p', sizeof(data));
	pair_ready(&p, srv_ctx, HOST, 0);
	assert_int_equal(transport_write(p.srv, data, N), N);
	for (int i = 0; i < SPINS && r < 0; i++) {
		r = transport_read(p.cli, piece, PIECE);
		if (r < 0) {
			assert_int_equal(errno, EAGAIN);
			pair_wait(&p, false, false);
		}
	}
	assert_int_equal(r, PIECE);
	total += PIECE;
	assert_int_equal(transport_pending(p.cli), N - PIECE);
	while (transport_pending(p.cli) > 0) {
		r = transport_read(p.cli, piece, PIECE);
		assert_true(r > 0);
		total += (size_t)r;
		assert_int_equal(transport_pending(p.cli), N - total);
	}
	assert_int_equal(total, N);
	assert_int_equal(transport_read(p.cli, piece, PIECE), -1);
	assert_int_equal(errno, EAGAIN);
	pair_close(&p);
}

/* shutdown() sends close_notify: the peer reads 0, answers, and reads 0 in turn. */
static void close_notify_reads_zero(void **state)
{
	struct pair p;

	(void)state;
	pair_ready(&p, srv_ctx, HOST, 0);
	exchange(&p, "bye soon\n");
	transport_shutdown(p.srv);
	assert_true(read_until_eof(&p, p.cli));
	assert_null(p.cli->err);            /* a clean close, not an error */
	transport_shutdown(p.cli);
	assert_true(read_until_eof(&p, p.srv));
	pair_close(&p);
}

/* Bytes waiting in the socket, read and dropped; -1 when none (EAGAIN or EOF). */
static ssize_t raw_pending(int fd)
{
	char b[4096];
	ssize_t total = -1, r;

	while ((r = recv(fd, b, sizeof(b), MSG_DONTWAIT)) > 0)
		total = (total < 0 ? 0 : total) + r;
	return total;
}

/* A peer gone without close_notify: read() is 0 too, but it is noted, and nothing
 * is sent to it afterwards. */
static void eof_without_close_notify(void **state)
{
	struct pair p;
	int fd;

	(void)state;
	pair_ready(&p, srv_ctx, HOST, 0);
	exchange(&p, "x\n");
	fd = p.srv->fd;
	assert_int_equal(shutdown(fd, SHUT_WR), 0);   /* the TCP FIN alone */
	assert_true(read_until_eof(&p, p.cli));
	assert_non_null(p.cli->err);
	(void)raw_pending(fd);              /* OpenSSL's fatal alert, maybe */
	transport_shutdown(p.cli);          /* quiet: no close_notify after that */
	assert_int_equal(raw_pending(fd), -1);
	pair_close(&p);
}

/* Plain text on the TLS port fails the handshake with a reason; no close_notify. */
static void junk_fails_handshake(void **state)
{
	int fds[2], r = 0;
	struct transport *t;
	const char junk[] = "GET / HTTP/1.0\r\n\r\nhello there, plain text\n";

	(void)state;
	socket_pair(fds, 0);
	t = transport_tls_server_new(fds[0], srv_ctx);
	assert_int_equal(transport_handshake(t), 0);         /* nothing yet */
	assert_int_equal(t->hs_events, POLLIN);
	assert_int_equal(write(fds[1], junk, sizeof(junk) - 1), (ssize_t)sizeof(junk) - 1);
	for (int i = 0; i < 10 && r == 0; i++)
		r = transport_handshake(t);
	assert_int_equal(r, -1);
	assert_non_null(t->err);
	(void)raw_pending(fds[1]);                           /* an alert, maybe */
	transport_shutdown(t);
	assert_int_equal(raw_pending(fds[1]), -1);           /* no close_notify */
	transport_close(t, true);
	close(fds[1]);
}

/* shutdown() before any handshake sends nothing. */
static void no_close_notify_before_handshake(void **state)
{
	int fds[2];
	struct transport *t;

	(void)state;
	socket_pair(fds, 0);
	t = transport_tls_server_new(fds[0], srv_ctx);
	transport_shutdown(t);
	assert_int_equal(raw_pending(fds[1]), -1);
	transport_close(t, false);
	close(fds[1]);
}

/* The client checks an address literal as an address (and sends no SNI). */
static void client_ip_literal(void **state)
{
	struct pair p;
	const char *why = NULL;

	(void)state;
	pair_ready(&p, srv_ctx, "127.0.0.1", 0);
	assert_false(transport_tls_verified(p.cli, &why));
	exchange(&p, "by address\n");
	pair_close(&p);
}

/* --- contexts ----------------------------------------------------------------- */

/* The text `openssl x509 -noout -fingerprint -sha256 -in path` prints after '='. */
static bool openssl_fingerprint(const char *path, char *out, size_t n)
{
	char cmd[512], line[256];
	FILE *f;
	char *eq;

	snprintf(cmd, sizeof(cmd), "openssl x509 -noout -fingerprint -sha256 -in '%s'", path);
	f = popen(cmd, "r");
	assert_non_null(f);
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	assert_int_equal(pclose(f), 0);
	line[strcspn(line, "\n")] = '\0';
	assert_true(strncmp(line, "sha256 Fingerprint=", 19) == 0);
	eq = strchr(line, '=');
	snprintf(out, n, "%s", eq + 1);
	return true;
}

static void self_signed_made_once(void **state)
{
	char err[256] = "", cert[256], key[256], fp[TLS_FP_MAX], cli[TLS_FP_MAX];
	struct tls_ctx *a, *b;
	struct stat st;

	(void)state;
	a = self_signed("ss", err, sizeof(err));
	assert_non_null(a);
	assert_true(tls_ctx_generated(a));
	path_in(cert, sizeof(cert), "ss", TLS_CERT_FILE);
	path_in(key, sizeof(key), "ss", TLS_KEY_FILE);
	assert_string_equal(tls_ctx_cert_file(a), cert);
	assert_string_equal(tls_ctx_key_file(a), key);
	assert_int_equal(stat(key, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(stat(cert, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	snprintf(cli, sizeof(cli), "%s/ss", tmpdir);
	assert_int_equal(stat(cli, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(strlen(tls_ctx_fingerprint(a)), TLS_FP_MAX - 1);
	assert_int_equal(tls_fingerprint_file(cert, fp, err, sizeof(err)), 0);
	assert_string_equal(fp, tls_ctx_fingerprint(a));
	if (have_openssl()) {
		assert_true(openssl_fingerprint(cert, cli, sizeof(cli)));
		assert_string_equal(cli, tls_ctx_fingerprint(a));
	}
	b = self_signed("ss", err, sizeof(err));      /* the second start reuses it */
	assert_non_null(b);
	assert_false(tls_ctx_generated(b));
	assert_string_equal(tls_ctx_fingerprint(b), tls_ctx_fingerprint(a));
	tls_ctx_free(a);
	tls_ctx_free(b);
}

/* The generated certificate names the host (CN and subjectAltName), has a P-256 key,
 * lives 3650 days, and nothing else was left in the directory. */
static void self_signed_contents(void **state)
{
	char cmd[512], cert[256], out[4096] = "";
	size_t n;
	FILE *f;

	(void)state;
	if (!have_openssl())
		skip();
	path_in(cert, sizeof(cert), "main", TLS_CERT_FILE);
	snprintf(cmd, sizeof(cmd), "openssl x509 -noout -text -in '%s'; ls -a '%s/main'",
	    cert, tmpdir);
	f = popen(cmd, "r");
	assert_non_null(f);
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	assert_int_equal(pclose(f), 0);
	assert_non_null(strstr(out, "Subject: CN = " HOST));
	assert_non_null(strstr(out, "DNS:" HOST));
	assert_non_null(strstr(out, "prime256v1"));
	assert_non_null(strstr(out, "CA:FALSE"));
	assert_non_null(strstr(out, "TLS Web Server Authentication"));
	assert_non_null(strstr(out, "\n.\n..\ncert.pem\nkey.pem\n"));
}

static void copy_file(const char *from, const char *to, mode_t mode)
{
	struct buf b = { 0 };
	char err[256];

	assert_int_equal(statedir_read_file(from, 1 << 20, &b, err, sizeof(err)), 0);
	assert_int_equal(statedir_write_file(to, buf_data(&b), buf_len(&b), mode, err,
	    sizeof(err)), 0);
	buf_free(&b);
}

/* Reload: a bad pair keeps the old certificate and says why; a good one is used by
 * new connections while an old connection keeps working. */
static void reload_keeps_old_on_bad_pair(void **state)
{
	char err[256] = "", a_cert[256], a_key[256], b_cert[256], b_key[256];
	char cert[256], key[256], fp_a[TLS_FP_MAX], fp[TLS_FP_MAX];
	struct tls_server_conf conf = { .cert_file = cert, .key_file = key };
	struct tls_ctx *b, *ctx;
	struct pair old, p;

	(void)state;
	b = self_signed("other", err, sizeof(err));
	assert_non_null(b);
	path_in(a_cert, sizeof(a_cert), "main", TLS_CERT_FILE);
	path_in(a_key, sizeof(a_key), "main", TLS_KEY_FILE);
	path_in(b_cert, sizeof(b_cert), "other", TLS_CERT_FILE);
	path_in(b_key, sizeof(b_key), "other", TLS_KEY_FILE);
	path_in(cert, sizeof(cert), "main", "given-cert.pem");
	path_in(key, sizeof(key), "main", "given-key.pem");
	copy_file(a_cert, cert, 0644);
	copy_file(a_key, key, 0600);
	ctx = tls_server_new(&conf, err, sizeof(err));
	assert_non_null(ctx);
	assert_false(tls_ctx_generated(ctx));
	snprintf(fp_a, sizeof(fp_a), "%s", tls_ctx_fingerprint(ctx));
	assert_string_equal(fp_a, tls_ctx_fingerprint(srv_ctx));
	pair_ready(&old, ctx, HOST, 0);

	copy_file(b_cert, cert, 0644);               /* B's certificate, A's key */
	assert_int_equal(tls_ctx_reload(ctx, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "do not match"));
	assert_string_equal(tls_ctx_fingerprint(ctx), fp_a);
	pair_ready(&p, ctx, HOST, 0);
	assert_int_equal(transport_tls_peer_fingerprint(p.cli, fp), 0);
	assert_string_equal(fp, fp_a);
	pair_close(&p);

	unlink(key);                                 /* a missing file: the reason names it */
	assert_int_equal(tls_ctx_reload(ctx, err, sizeof(err)), -1);
	assert_non_null(strstr(err, key));

	copy_file(b_key, key, 0600);                 /* the renewed pair */
	assert_int_equal(tls_ctx_reload(ctx, err, sizeof(err)), 0);
	assert_string_equal(tls_ctx_fingerprint(ctx), tls_ctx_fingerprint(b));
	pair_ready(&p, ctx, HOST, 0);
	assert_int_equal(transport_tls_peer_fingerprint(p.cli, fp), 0);
	assert_string_equal(fp, tls_ctx_fingerprint(b));
	pair_close(&p);
	tls_ctx_free(ctx);                           /* the old connection outlives it */
	exchange(&old, "made before the reload\n");
	assert_int_equal(transport_tls_peer_fingerprint(old.cli, fp), 0);
	assert_string_equal(fp, fp_a);
	pair_close(&old);
	tls_ctx_free(b);
	assert_int_equal(tls_ctx_reload(cli_ctx, err, sizeof(err)), -1);
}

static void missing_files_say_which(void **state)
{
	char err[256] = "";
	struct tls_server_conf conf = { .cert_file = "/nonexistent/cert.pem",
	    .key_file = "/nonexistent/key.pem" };

	(void)state;
	assert_null(tls_server_new(&conf, err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/cert.pem"));
}

/* A root, an intermediate and a leaf made with the openssl command; the server is given
 * the leaf followed by the intermediate. A client that trusts only the root verifies
 * the server, so the chain was sent; for another name it does not. */
static void chain_file_from_openssl(void **state)
{
	char cmd[4096], dir[256], chain[300], key[300], root[300], err[256] = "";
	struct tls_server_conf conf = { .cert_file = chain, .key_file = key };
	struct tls_ctx *ctx, *trusting;
	struct tls_ctx *saved = cli_ctx;
	const char *why = NULL;
	struct pair p;
	int r;

	(void)state;
	if (!have_openssl())
		skip();
	snprintf(dir, sizeof(dir), "%s/chain", tmpdir);
	snprintf(cmd, sizeof(cmd),
	    "set -e; mkdir -p '%s'; cd '%s'; exec 2>openssl.log\n"
	    "EC='-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes'\n"
	    "openssl req -x509 $EC -keyout root.key -out root.pem -days 2 -subj /CN=root\n"
	    "printf 'basicConstraints=critical,CA:TRUE\\nkeyUsage=critical,keyCertSign\\n' >int.ext\n"
	    "printf 'subjectAltName=DNS:" HOST "\\nbasicConstraints=CA:FALSE\\n' >leaf.ext\n"
	    "openssl req -new $EC -keyout int.key -out int.csr -subj /CN=intermediate\n"
	    "openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -set_serial 2 "
	    "-days 2 -extfile int.ext -out int.pem\n"
	    "openssl req -new $EC -keyout leaf.key -out leaf.csr -subj /CN=" HOST "\n"
	    "openssl x509 -req -in leaf.csr -CA int.pem -CAkey int.key -set_serial 3 "
	    "-days 2 -extfile leaf.ext -out leaf.pem\n"
	    "cat leaf.pem int.pem >chain.pem\n", dir, dir);
	r = system(cmd);
	assert_int_equal(r, 0);
	snprintf(chain, sizeof(chain), "%s/chain.pem", dir);
	snprintf(key, sizeof(key), "%s/leaf.key", dir);
	snprintf(root, sizeof(root), "%s/root.pem", dir);
	ctx = tls_server_new(&conf, err, sizeof(err));
	assert_non_null(ctx);
	trusting = tls_client_new(err, sizeof(err));
	assert_non_null(trusting);
	assert_int_equal(SSL_CTX_load_verify_locations(tls_ctx_ssl(trusting), root, NULL), 1);
	cli_ctx = trusting;
	pair_ready(&p, ctx, HOST, 0);
	assert_true(transport_tls_verified(p.cli, &why));
	exchange(&p, "verified\n");
	pair_close(&p);
	pair_ready(&p, ctx, "other.test", 0);
	assert_false(transport_tls_verified(p.cli, &why));
	assert_non_null(strstr(why, "hostname mismatch"));
	pair_close(&p);
	cli_ctx = saved;
	pair_ready(&p, ctx, HOST, 0);                /* the system's CAs do not know root */
	assert_false(transport_tls_verified(p.cli, &why));
	pair_close(&p);
	tls_ctx_free(trusting);
	tls_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(handshake_and_bytes),
		cmocka_unit_test(not_tls),
		cmocka_unit_test(io_before_handshake),
		cmocka_unit_test(large_write_hits_want_write),
		cmocka_unit_test(pending_after_small_reads),
		cmocka_unit_test(close_notify_reads_zero),
		cmocka_unit_test(eof_without_close_notify),
		cmocka_unit_test(junk_fails_handshake),
		cmocka_unit_test(no_close_notify_before_handshake),
		cmocka_unit_test(client_ip_literal),
		cmocka_unit_test(self_signed_made_once),
		cmocka_unit_test(self_signed_contents),
		cmocka_unit_test(reload_keeps_old_on_bad_pair),
		cmocka_unit_test(missing_files_say_which),
		cmocka_unit_test(chain_file_from_openssl),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
