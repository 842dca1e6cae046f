/*
 * fuzz_line.c: libFuzzer harness over line framing (line_next) and sanitising
 * (utf8_clean with the message policy, as the server applies it), the two functions every byte a peer sends goes through.
 *
 * Input layout: byte 0 picks the line limit (64..319 bytes, small so over-long lines are
 * common), byte 1 seeds the chunking; the rest is the byte stream a peer sends, fed to a
 * struct buf in chunks of 1..(2 * limit) bytes, as reads would deliver it.
 *
 * Invariants checked:
 * - framing matches an independent model: split the stream at LF, drop one CR before
 *   each LF; a line of at most limit bytes is LINE_OK with exactly those bytes, a longer
 *   one is reported LINE_TOO_LONG exactly once (early if it is still open), and an open
 *   line longer than limit + 1 is reported before its newline arrives;
 * - the input buffer never holds more than limit + 1 + one chunk, and its capacity stays
 *   within a doubling of limit + 1 + the largest chunk;
 * - sanitised output is at most 3 * len bytes, valid UTF-8, has no C0 control (TAB
 *   becomes a space), no DEL and no C1 control; sanitising is idempotent; text that is
 *   already valid and control free passes byte-exact.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fuzz_check.h"
#include "line.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The model: the events the stream should produce, in order. */
enum { EV_LINE, EV_LONG };
struct event {
	int kind;
	size_t off, len; /* EV_LINE: the line's bytes in the stream */
};

static size_t model(const char *s, size_t n, size_t max, struct event *ev)
{
	size_t nev = 0, start = 0;

	for (size_t i = 0; i <= n; i++) {
		size_t len;

		if (i == n) {                     /* the open last line */
			if (i - start > max + 1)
				ev[nev++] = (struct event){ EV_LONG, 0, 0 };
			break;
		}
		if (s[i] != '\n')
			continue;
		len = i - start;
		if (len > 0 && s[i - 1] == '\r')
			len--;
		if (len > max)
			ev[nev++] = (struct event){ EV_LONG, 0, 0 };
		else
			ev[nev++] = (struct event){ EV_LINE, start, len };
		start = i + 1;
	}
	return nev;
}

static void check_sanitize(const char *line, size_t len)
{
	char *out = malloc(3 * len + 1), *again = malloc(9 * len + 1);
	size_t n = utf8_clean(UTF8_MESSAGE, line, len, out, 3 * len + 1), m;

	FUZZ_CHECK(n <= 3 * len, "sanitised text longer than 3 * input", line, len);
	FUZZ_CHECK(fuzz_terminal_safe(out, n, ""), "sanitised text not terminal safe", out, n);
	m = utf8_clean(UTF8_MESSAGE, out, n, again, 9 * len + 1);
	FUZZ_CHECK(m == n && memcmp(out, again, n) == 0, "sanitising is not idempotent", out, n);
	if (fuzz_terminal_safe(line, len, ""))
		FUZZ_CHECK(n == len && memcmp(out, line, len) == 0,
		    "clean UTF-8 was changed", line, len);
	free(out);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf in = { 0 };
	struct line_reader rd = { 0 };
	struct event *ev;
	size_t max, nev, iev = 0, pos = 0, total;
	unsigned seed;
	const char *s;

	if (size < 2)
		return 0;
	max = 64 + data[0];
	seed = data[1] * 2654435761u + 1;
	s = (const char *)data + 2;
	total = size - 2;
	ev = malloc((total + 1) * sizeof(*ev));
	nev = model(s, total, max, ev);

	while (pos < total) {
		size_t chunk = 1 + fuzz_rand(&seed) % (2 * max);

		if (chunk > total - pos)
			chunk = total - pos;
		buf_append(&in, s + pos, chunk);
		pos += chunk;
		FUZZ_CHECK(buf_len(&in) <= max + 1 + chunk, "input buffer over limit + chunk",
		    buf_data(&in), buf_len(&in));
		/* The capacity is kept while the buffer is not empty, so its bound is set by
		 * the largest chunk, not this one; doubling may at most double it. */
		FUZZ_CHECK(in.cap <= 2 * (max + 1 + 2 * max) + 256, "input buffer capacity too big",
		    NULL, 0);
		while (buf_len(&in) > 0) {      /* as chat_input() does */
			const char *line = NULL;
			size_t len = 0, used = 0;
			enum line_result r = line_next(&rd, &in, max, &line, &len, &used);

			FUZZ_CHECK(used <= buf_len(&in), "line_next used more than buffered",
			    NULL, 0);
			if (r == LINE_OK) {
				FUZZ_CHECK(iev < nev && ev[iev].kind == EV_LINE, "unexpected line",
				    line, len);
				FUZZ_CHECK(len == ev[iev].len && memcmp(line, s + ev[iev].off, len) == 0,
				    "line differs from the model", line, len);
				FUZZ_CHECK(len <= max && line == buf_data(&in) && len < used,
				    "line bounds", line, len);
				FUZZ_CHECK(memchr(line, '\n', len) == NULL, "LF inside a line", line, len);
				check_sanitize(line, len);
				iev++;
			} else if (r == LINE_TOO_LONG) {
				FUZZ_CHECK(iev < nev && ev[iev].kind == EV_LONG,
				    "unexpected too-long report", buf_data(&in), buf_len(&in));
				iev++;
			}
			if (used == 0)
				break;
			buf_consume(&in, used);
		}
		FUZZ_CHECK(buf_len(&in) <= max + 1, "more than limit + 1 bytes left buffered",
		    buf_data(&in), buf_len(&in));
		FUZZ_CHECK(buf_len(&in) == 0 || memchr(buf_data(&in), '\n', buf_len(&in)) == NULL,
		    "a complete line was left unread", buf_data(&in), buf_len(&in));
	}
	FUZZ_CHECK(iev == nev, "fewer events than the model", s, total);
	buf_free(&in);
	free(ev);
	return 0;
}
