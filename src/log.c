/* log.c: the activity log on stderr, safe against hostile peer text. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
	size_t o = 0, lim = n > TC_LOG_PEER_TEXT_MAX ? TC_LOG_PEER_TEXT_MAX : n;

	for (size_t i = 0; i < lim && o + 5 < outsz; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f || c == '\\' || c == '"')
			o += (size_t)snprintf(out + o, outsz - o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	if (lim < n && o + 4 < outsz) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o < outsz ? o : outsz - 1] = '\0';
	return out;
}
