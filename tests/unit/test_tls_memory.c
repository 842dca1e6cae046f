/*
 * test_tls_memory.c: the server's heap per idle TLS connection. This process is the
 * server side of N connections over socketpairs; a child process is the client side
 * (so its memory is not counted). Each connection finishes the handshake, carries one
 * line each way, then goes idle (transport_idle); the heap growth divided by N is what
 * one idle TLS client costs (OpenSSL's SSL object and session, the transport).
 *
 * Measured with OpenSSL 3.0: about 14 KiB, of which the SSL object alone is 7.6 KB, the
 * two AES-GCM contexts 1.9 KB, the session 0.9 KB, the key exchange's two X25519 keys
 * and the transcript digests 1 KB, none of which OpenSSL lets go while the
 * connection lives; issue 13's goal of 8 KiB cannot be met with OpenSSL 3.0. Without
 * released buffers (SSL_MODE_RELEASE_BUFFERS or transport_idle()) it is 47 KiB. The
 * bound below catches buffers kept by idle connections.
 * The heap is measured with ASan's allocator statistics in sanitizer builds, else
 * with mallinfo2().
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#define TMPDIR_NAME "/tmp/test_tls_memory.XXXXXX"
#include "tmpdir.h"

#include "tls.h"
#include "transport_tls.h"
#include "util.h"

#if defined(__SANITIZE_ADDRESS__)
#define HAVE_ASAN_STATS 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HAVE_ASAN_STATS 1
#endif
#endif
#ifdef HAVE_ASAN_STATS
size_t __sanitizer_get_current_allocated_bytes(void); /* <sanitizer/allocator_interface.h> */
#endif

#define CONNS 200
#define IDLE_BOUND_BYTES 16384  /* fails when idle connections keep OpenSSL's buffers */
#define SPINS 5000


static size_t heap_bytes(void)
{
#ifdef HAVE_ASAN_STATS
	return __sanitizer_get_current_allocated_bytes();
#else
	return mallinfo2().uordblks;
#endif
}

/* One end of a connection. step: 0 handshake, 1 waiting for the peer's line, 2 done.
 * The server sends "ping\n" after the handshake, the client answers "pong\n". */
struct end {
	struct transport *t;
	bool server;
	int step;
	size_t got;
};

static void end_step(struct end *e)
{
	char b[16];
	ssize_t r;

	if (e->step == 0) {
		int h = transport_handshake(e->t);

		if (h < 0)
			fatal("handshake: %s", e->t->err);
		if (h == 0)
			return;
		e->step = 1;
		if (e->server && transport_write(e->t, "ping\n", 5) != 5)
			fatal("server write");
	}
	while (e->step == 1 && (r = transport_read(e->t, b, sizeof(b))) > 0) {
		e->got += (size_t)r;
		if (e->got < 5)
			continue;
		e->step = 2;
		if (!e->server && transport_write(e->t, "pong\n", 5) != 5)
			fatal("client write");
	}
}

/* Drive every end until all are at step 2. */
static void drive(struct end *ends, int n)
{
	struct pollfd pfd[CONNS];

	for (int spin = 0; spin < SPINS; spin++) {
		int left = 0;

		for (int i = 0; i < n; i++) {
			end_step(&ends[i]);
			pfd[i] = (struct pollfd){ .fd = ends[i].t->fd,
			    .events = ends[i].step == 2 ? 0 : transport_events(ends[i].t, true, false) };
			left += ends[i].step != 2;
		}
		if (left == 0)
			return;
		(void)poll(pfd, (nfds_t)n, 100);
	}
	fatal("connections did not finish");
}

/* The client side, in the child: connect, answer ping with pong, wait for the end. */
static void client_side(int *fds, int n)
{
	struct end ends[CONNS] = { 0 };
	char err[256];
	struct tls_ctx *ctx = tls_client_new(err, sizeof(err));

	if (ctx == NULL)
		fatal("%s", err);
	for (int i = 0; i < n; i++)
		ends[i].t = transport_tls_client_new(fds[i], ctx, "memory.test");
	drive(ends, n);
	for (int i = 0; i < n; i++) {
		struct pollfd p = { .fd = ends[i].t->fd, .events = POLLIN };
		char b[16];

		while (poll(&p, 1, 5000) > 0 && transport_read(ends[i].t, b, sizeof(b)) < 0 &&
		    errno == EAGAIN)
			;
		transport_close(ends[i].t, false);
	}
	tls_ctx_free(ctx);
}

static void idle_tls_connection_memory(void **state)
{
	int sfd[CONNS], cfd[CONNS], status = 0;
	struct end ends[CONNS] = { 0 };
	struct tls_server_conf conf = { .state_dir = tmpdir, .host = "memory.test" };
	char err[256] = "";
	struct tls_ctx *ctx;
	size_t before, after, per;
	pid_t pid;

	(void)state;
	ctx = tls_server_new(&conf, err, sizeof(err));
	assert_non_null(ctx);
	for (int i = 0; i < CONNS; i++) {
		int fds[2];

		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
		assert_int_equal(fd_set_nonblock(fds[0]), 0);
		assert_int_equal(fd_set_nonblock(fds[1]), 0);
		sfd[i] = fds[0];
		cfd[i] = fds[1];
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		for (int i = 0; i < CONNS; i++)
			close(sfd[i]);
		client_side(cfd, CONNS);
		_exit(0);
	}
	for (int i = 0; i < CONNS; i++)
		close(cfd[i]);
	before = heap_bytes();
	for (int i = 0; i < CONNS; i++)
		ends[i] = (struct end){ .t = transport_tls_server_new(sfd[i], ctx), .server = true };
	drive(ends, CONNS);
	for (int i = 0; i < CONNS; i++)
		transport_idle(ends[i].t);
	after = heap_bytes();
	per = after > before ? (after - before) / CONNS : 0;
	print_message("server heap per idle TLS connection: %zu bytes (%d connections, %s)\n",
	    per, CONNS, transport_tls_version(ends[0].t));
	for (int i = 0; i < CONNS; i++) {
		transport_shutdown(ends[i].t);
		transport_close(ends[i].t, false);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	tls_ctx_free(ctx);
	assert_true(per <= IDLE_BOUND_BYTES);
}

static int group_setup(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);
	return tmpdir_make();
}

static int group_teardown(void **state)
{
	(void)state;
	return tmpdir_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(idle_tls_connection_memory),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
