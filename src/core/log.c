/* log.c: the activity log on stderr, safe against hostile peer text. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "line.h"
#include "log.h"
#include "tclimits.h"
#include "tstamp.h"

static int log_level = LOG_WARN;

void log_set_level(int level)
{
	log_level = level;
}

int log_enabled(int level)
{
	return level <= log_level;
}

void log_msg(int level, const char *fmt, ...)
{
	char ts[TSTAMP_LEN + 1], line[1024];
	va_list ap;
	int n;

	if (!log_enabled(level))
		return;
	tstamp_format(time(NULL), ts);
	n = snprintf(line, sizeof(line), "%s tcpchat[%ld]: %s", ts, (long)getpid(),
	    level == LOG_ERROR ? "error: " : level == LOG_WARN ? "warning: " : "");
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", line);
}

char *log_escape(const char *s, size_t n, char *out, size_t outsz)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t o = 0, i = 0, lim = n > TC_LOG_PEER_TEXT_MAX ? TC_LOG_PEER_TEXT_MAX : n;

	/* Valid, printable UTF-8 passes; anything else (controls, C1, stray bytes)
	 * becomes \xHH, so a log line is always one line of valid UTF-8. */
	while (i < lim) {
		unsigned cp;
		size_t k = line_utf8_seq(u + i, n - i, &cp);
		bool plain = k > 0 && i + k <= lim && cp >= 0x20 && cp != 0x7f &&
		    !(cp >= 0x80 && cp <= 0x9f) && cp != '\\' && cp != '"';

		if (plain) {
			if (o + k + 4 >= outsz)
				break;
			memcpy(out + o, u + i, k);
			o += k;
			i += k;
			continue;
		}
		if (k == 0 || i + k > lim)
			k = 1;
		if (o + 4 * k + 4 >= outsz)
			break;
		for (size_t j = 0; j < k; j++, i++)
			o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", u[i]);
	}
	if (i < n && o + 4 <= outsz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}
