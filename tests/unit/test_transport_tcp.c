/* Unit tests for transport_tcp.c over a non-blocking socketpair(2) with a small send
 * buffer: no handshake, reads and writes that say EAGAIN when they would block, partial
 * writes, an end of file, EPIPE instead of SIGPIPE, nothing pending, and close. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "transport.h"
#include "util.h"

static int fds[2];
static struct transport *t;

static int setup(void **state)
{
	int small = 4096;

	(void)state;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
		return -1;
	(void)setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	(void)setsockopt(fds[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if (fd_set_nonblock(fds[0]) != 0)
		return -1;
	t = transport_tcp_new(fds[0]);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (t != NULL)
		transport_close(t, false);
	t = NULL;
	close(fds[1]);
	return 0;
}

static void no_handshake_and_plain_poll_interest(void **state)
{
	(void)state;
	assert_string_equal(t->ops->name, "tcp");
	assert_int_equal(t->fd, fds[0]);
	assert_int_equal(transport_handshake(t), 1);
	assert_int_equal(t->hs_events, 0);
	assert_int_equal(transport_events(t, true, true), POLLIN | POLLOUT);
	assert_int_equal(transport_pending(t), 0);
	transport_shutdown(t);                    /* nothing to say goodbye with */
	transport_idle(t);                        /* no idle operation: a no-op */
	assert_int_equal(transport_handshake(t), 1);
}

static void bytes_go_both_ways(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(transport_write(t, "hello", 5), 5);
	assert_int_equal(read(fds[1], buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "hello", 5);
	assert_int_equal(write(fds[1], "world!", 6), 6);
	assert_int_equal(transport_read(t, buf, 3), 3);          /* at most what was asked */
	assert_memory_equal(buf, "wor", 3);
	assert_int_equal(transport_read(t, buf, sizeof(buf)), 3);
	assert_memory_equal(buf, "ld!", 3);
}

static void nothing_to_read_is_eagain(void **state)
{
	char buf[4];

	(void)state;
	errno = 0;
	assert_int_equal(transport_read(t, buf, sizeof(buf)), -1);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
}

/* A full send buffer: the write passes what fits, then EAGAIN; what was passed
 * arrives whole and in order. */
static void a_full_buffer_gives_partial_writes_then_eagain(void **state)
{
	static char out[1 << 20], in[1 << 20];
	size_t sent = 0, got = 0;
	ssize_t n;

	(void)state;
	for (size_t i = 0; i < sizeof(out); i++)
		out[i] = (char)('a' + i % 26);
	while ((n = transport_write(t, out + sent, sizeof(out) - sent)) > 0)
		sent += (size_t)n;
	assert_int_equal(n, -1);
	assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
	assert_true(sent > 0 && sent < sizeof(out));
	while (got < sent) {
		n = read(fds[1], in + got, sent - got);
		assert_true(n > 0);
		got += (size_t)n;
	}
	assert_memory_equal(in, out, sent);
	n = transport_write(t, out + sent, 100);     /* room again */
	assert_int_equal(n, 100);
}

static void end_of_file_when_the_peer_closes(void **state)
{
	char buf[4];

	(void)state;
	assert_int_equal(write(fds[1], "z", 1), 1);
	close(fds[1]);
	fds[1] = -1;
	assert_int_equal(transport_read(t, buf, sizeof(buf)), 1);
	assert_int_equal(transport_read(t, buf, sizeof(buf)), 0);
}

static void writing_to_a_gone_peer_is_epipe_not_a_signal(void **state)
{
	struct sigaction old, dfl = { .sa_handler = SIG_DFL };

	(void)state;
	sigaction(SIGPIPE, &dfl, &old);              /* a SIGPIPE would end this program */
	close(fds[1]);
	fds[1] = -1;
	errno = 0;
	assert_int_equal(transport_write(t, "x", 1), -1);
	assert_int_equal(errno, EPIPE);
	sigaction(SIGPIPE, &old, NULL);
}

static void close_closes_the_fd(void **state)
{
	char c;

	(void)state;
	transport_close(t, false);
	t = NULL;
	assert_int_equal(fcntl(fds[0], F_GETFD), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(read(fds[1], &c, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(no_handshake_and_plain_poll_interest, setup, teardown),
		cmocka_unit_test_setup_teardown(bytes_go_both_ways, setup, teardown),
		cmocka_unit_test_setup_teardown(nothing_to_read_is_eagain, setup, teardown),
		cmocka_unit_test_setup_teardown(a_full_buffer_gives_partial_writes_then_eagain,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(end_of_file_when_the_peer_closes, setup, teardown),
		cmocka_unit_test_setup_teardown(writing_to_a_gone_peer_is_epipe_not_a_signal,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(close_closes_the_fd, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
