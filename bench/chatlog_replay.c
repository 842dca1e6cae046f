/* chatlog_replay.c: time chatlog_replay() alone on a log file (no rooms, no history).
 *
 *   build-rel/bench/tcpchat-replay-bench FILE [MAX_TEXT]
 *
 * bench/chatlog_replay.sh makes a long log and times whole server starts too. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "chatlog.h"
#include "tclimits.h"

static long long text_bytes;

static void count(void *arg, const struct chatlog_rec *rec)
{
	(void)arg;
	text_bytes += (long long)rec->textlen;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t max_text = argc > 2 ? (size_t)atol(argv[2]) : 3 * TC_DEFAULT_MAX_LINE;
	char err[512];
	long skipped, n;
	double t0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE [MAX_TEXT]\n", argv[0]);
		return 2;
	}
	t0 = now_s();
	n = chatlog_replay(argv[1], max_text, count, NULL, &skipped, err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	printf("%ld records, %ld skipped, %lld text bytes: %.3f s\n", n, skipped, text_bytes,
	    now_s() - t0);
	return 0;
}
