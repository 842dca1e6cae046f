/* util.h: allocation that never returns NULL, fatal errors, fd flags. */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Print "tcpchat: message" to stderr and exit 1. For the impossible and out of memory. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* The value of a hexadecimal digit (either case), -1 for any other character. */
int hex_value(char c);

int fd_set_nonblock(int fd);
int fd_set_cloexec(int fd);

#endif
