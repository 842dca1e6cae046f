/* redis_server.h: a real redis-server for the tests, on a free port, started and
 * stopped by the test (by its PID, also at exit when an assertion failed). Tests that
 * include this exit 77 (ctest: skipped) when redis-server is not installed. */
#ifndef TEST_REDIS_SERVER_H
#define TEST_REDIS_SERVER_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t redis_test_pid = -1;
static int redis_test_port;

static bool redis_test_available(void)
{
	return system("command -v redis-server >/dev/null 2>&1") == 0;
}

static void redis_test_skip_if_missing(void)
{
	if (!redis_test_available()) {
		printf("SKIP: redis-server is not installed (apt-get install redis-server)\n");
		exit(77);
	}
}

static int redis_test_free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0)
		abort();
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static bool redis_test_accepts(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
	    .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	bool ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;

	close(fd);
	return ok;
}

static void redis_test_stop(void)
{
	int st;

	if (redis_test_pid <= 0)
		return;
	kill(redis_test_pid, SIGCONT);
	kill(redis_test_pid, SIGKILL);
	waitpid(redis_test_pid, &st, 0);
	redis_test_pid = -1;
}

/* Start redis-server on redis_test_port (a new free one when 0); wait until it
 * accepts, at most 5 s. */
static void redis_test_start(void)
{
	char port[16];
	static bool registered;

	if (redis_test_port == 0)
		redis_test_port = redis_test_free_port();
	snprintf(port, sizeof(port), "%d", redis_test_port);
	redis_test_pid = fork();
	if (redis_test_pid == 0) {
		if (freopen("/dev/null", "w", stdout) == NULL)
			_exit(127);
		execlp("redis-server", "redis-server", "--port", port, "--bind", "127.0.0.1",
		    "--save", "", "--appendonly", "no", "--loglevel", "warning",
		    "--daemonize", "no", (char *)NULL);
		_exit(127);
	}
	if (!registered) {
		atexit(redis_test_stop);
		registered = true;
	}
	for (int i = 0; i < 500 && !redis_test_accepts(redis_test_port); i++)
		usleep(10000);
	if (!redis_test_accepts(redis_test_port)) {
		fprintf(stderr, "redis-server did not start on port %d\n", redis_test_port);
		redis_test_stop();
		exit(1);
	}
}

#ifdef LOOP_H
/* Run the loop until *counter reaches want, at most ms. */
struct redis_test_waiter {
	const int *counter;
	int want;
	int64_t deadline;
};

static void redis_test_check(struct loop *loop, void *arg)
{
	struct redis_test_waiter *w = arg;

	if (*w->counter >= w->want || loop_now_ms() > w->deadline) {
		loop_stop(loop);
		return;
	}
	loop_timer_add(loop, 5, redis_test_check, w);
}

static bool run_until(struct loop *loop, const int *counter, int want, int ms)
{
	struct redis_test_waiter w = { counter, want, loop_now_ms() + ms };

	loop_timer_add(loop, 0, redis_test_check, &w);
	loop_run(loop);
	return *counter >= want;
}
#endif

#endif
