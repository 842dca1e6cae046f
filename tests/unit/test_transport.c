/* Unit tests for transport.c, what every transport shares: the poll interest (the
 * handshake's alone while it runs, else reading and writing as asked) and closing an fd
 * gently or with a reset, seen from the peer over a TCP loopback pair. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "transport.h"

static void the_handshake_decides_while_it_runs(void **state)
{
	struct transport t = { .rd_events = POLLIN, .wr_events = POLLOUT, .hs_events = POLLOUT };

	(void)state;
	assert_int_equal(transport_events(&t, true, true), POLLOUT);
	assert_int_equal(transport_events(&t, false, false), POLLOUT);
	t.hs_events = 0;
	assert_int_equal(transport_events(&t, true, false), POLLIN);
	assert_int_equal(transport_events(&t, false, true), POLLOUT);
	assert_int_equal(transport_events(&t, true, true), POLLIN | POLLOUT);
	assert_int_equal(transport_events(&t, false, false), 0);
	t.rd_events = POLLOUT;                  /* a TLS read that needs to write */
	t.wr_events = POLLIN;
	assert_int_equal(transport_events(&t, true, false), POLLOUT);
	assert_int_equal(transport_events(&t, false, true), POLLIN);
}

/* A connected TCP pair on loopback: fds[0] accepted, fds[1] the client. */
static void tcp_pair(int fds[2])
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(l >= 0);
	assert_int_equal(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&sa, &len), 0);
	fds[1] = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(connect(fds[1], (struct sockaddr *)&sa, sizeof(sa)), 0);
	fds[0] = accept(l, NULL, NULL);
	assert_true(fds[0] >= 0);
	close(l);
}

static ssize_t read_within(int fd, char *p, size_t n, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	assert_int_equal(poll(&pfd, 1, ms), 1);
	return read(fd, p, n);
}

static void a_gentle_close_is_an_end_of_file(void **state)
{
	int fds[2];
	char c;

	(void)state;
	tcp_pair(fds);
	assert_int_equal(write(fds[0], "x", 1), 1);
	transport_close_fd(fds[0], false);
	assert_int_equal(read_within(fds[1], &c, 1, 2000), 1);
	assert_int_equal(read_within(fds[1], &c, 1, 2000), 0);
	close(fds[1]);
}

/* The peer sees ECONNRESET, never the end of file of a gentle close. */
static void an_abort_is_a_reset(void **state)
{
	int fds[2];
	char buf[16];
	ssize_t n;

	(void)state;
	tcp_pair(fds);
	assert_int_equal(write(fds[0], "queued", 6), 6);
	transport_close_fd(fds[0], true);
	errno = 0;
	while ((n = read_within(fds[1], buf, sizeof(buf), 2000)) > 0)
		;                                /* what had arrived already */
	assert_int_equal(n, -1);
	assert_int_equal(errno, ECONNRESET);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_handshake_decides_while_it_runs),
		cmocka_unit_test(a_gentle_close_is_an_end_of_file),
		cmocka_unit_test(an_abort_is_a_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
