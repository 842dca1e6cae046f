/* log.h: the server's activity log on stderr. Peer text is escaped and capped. */
#ifndef LOG_H
#define LOG_H

#include <stddef.h>

#include "utf8.h"

enum { LOG_ERROR = -1, LOG_WARN = 0, LOG_INFO = 1, LOG_DEBUG = 2 };

void log_set_level(int level);
int log_enabled(int level);
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Escape peer-supplied bytes for a log line: utf8_clean(UTF8_LOG, ...) (control bytes
 * as \xHH, at most TC_LOG_PEER_TEXT_MAX bytes of input, "..." when cut). Returns out,
 * for use inside log_msg's arguments. */
#define LOG_ESCAPE_MAX UTF8_LOG_MAX /* bytes for log_escape() output */
char *log_escape(const char *s, size_t n, char *out, size_t outsz);

#endif
