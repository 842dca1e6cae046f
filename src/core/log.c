/* log.c: the activity log on stderr, safe against hostile peer text. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "tclimits.h"
#include "tstamp.h"
#include "utf8.h"

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
	utf8_clean(UTF8_LOG, s, n, out, outsz);
	return out;
}
