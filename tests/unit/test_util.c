/* Unit tests for util.c: allocations that never return NULL (zero sizes included),
 * fatal() for an overflowing array (in a child: it exits 1 with a message), hex digits
 * and the fd flags. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "util.h"

static void zero_sizes_still_give_memory(void **state)
{
	void *a = xmalloc(0), *b = xcalloc(0, 0), *c = xrealloc(NULL, 0);
	char *d = xreallocarray(NULL, 0, 8);

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_non_null(d);
	free(a), free(b), free(c), free(d);
}

static void calloc_zeroes_and_realloc_keeps(void **state)
{
	unsigned char *p = xcalloc(16, 4);
	int *v;

	(void)state;
	for (int i = 0; i < 64; i++)
		assert_int_equal(p[i], 0);
	free(p);
	v = xreallocarray(NULL, 4, sizeof(int));
	for (int i = 0; i < 4; i++)
		v[i] = i * 7;
	v = xreallocarray(v, 1000, sizeof(int));
	for (int i = 0; i < 4; i++)
		assert_int_equal(v[i], i * 7);
	free(v);
}

static void strdup_copies_and_terminates(void **state)
{
	char src[] = "hello";
	char *a = xstrdup(src), *b = xstrndup("abcdef", 3), *c = xstrndup("a\0b", 3);

	(void)state;
	src[0] = 'j';
	assert_string_equal(a, "hello");
	assert_string_equal(b, "abc");
	assert_memory_equal(c, "a\0b\0", 4);          /* n bytes as they are, then a NUL */
	free(a), free(b), free(c);
}

/* Run fn in a child; returns its exit status and what it wrote to stderr. */
static int in_child(void (*fn)(void), char *err, size_t errsz)
{
	int fds[2], st;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(fds[1], 2);
		close(fds[0]);
		fn();
		_exit(0);
	}
	close(fds[1]);
	for (size_t got = 0;; got += (size_t)n) {  /* to the end: the child writes in pieces */
		n = read(fds[0], err + got, errsz - 1 - got);
		if (n <= 0) {
			err[got] = '\0';
			break;
		}
	}
	close(fds[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void overflow(void)
{
	(void)xreallocarray(NULL, SIZE_MAX / 2, 4);
}

static void say_fatal(void)
{
	fatal("bad %s %d", "thing", 42);
}

static void an_overflowing_array_is_fatal(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(in_child(overflow, err, sizeof(err)), 1);
	assert_non_null(strstr(err, "tcpchat: allocation overflow"));
	assert_int_equal(in_child(say_fatal, err, sizeof(err)), 1);
	assert_string_equal(err, "tcpchat: bad thing 42\n");
}

static void hex_digits_either_case(void **state)
{
	(void)state;
	assert_int_equal(hex_value('0'), 0);
	assert_int_equal(hex_value('9'), 9);
	assert_int_equal(hex_value('a'), 10);
	assert_int_equal(hex_value('F'), 15);
	assert_int_equal(hex_value('g'), -1);
	assert_int_equal(hex_value('G'), -1);
	assert_int_equal(hex_value('/'), -1);
	assert_int_equal(hex_value(':'), -1);
	assert_int_equal(hex_value('@'), -1);
	assert_int_equal(hex_value('`'), -1);
	assert_int_equal(hex_value('\0'), -1);
}

static void fd_flags_are_set(void **state)
{
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_false(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
	assert_false(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
	assert_int_equal(fd_set_nonblock(fds[0]), 0);
	assert_int_equal(fd_set_cloexec(fds[0]), 0);
	assert_true(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
	assert_true(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
	close(fds[0]);
	close(fds[1]);
	assert_int_equal(fd_set_nonblock(fds[0]), -1);   /* a closed fd */
	assert_int_equal(fd_set_cloexec(fds[0]), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zero_sizes_still_give_memory),
		cmocka_unit_test(calloc_zeroes_and_realloc_keeps),
		cmocka_unit_test(strdup_copies_and_terminates),
		cmocka_unit_test(an_overflowing_array_is_fatal),
		cmocka_unit_test(hex_digits_either_case),
		cmocka_unit_test(fd_flags_are_set),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
