/*
 * config.h: the client's settings file, $XDG_CONFIG_HOME/tcpchat/config (default
 * ~/.config/tcpchat/config): lines of `key = value`, `#` comments and blank lines.
 * Every key is a long option of `tcpchat connect` (value yes/no for the ones without
 * an argument), plus `host`, the HOST operand's default. The lines become options
 * placed before the command line's, so the command line wins.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <getopt.h>
#include <stddef.h>

struct config_args {
	char **argv;      /* "--key=value" or "--key", in file order */
	char **origin;    /* "PATH:LINE" of each */
	int n;
	char *host;       /* the `host` key, or NULL */
};

/* The file's path into out (n bytes); -1 when there is no home to put it in. */
int config_path(char *out, size_t n);

/* Read path against longopts (the keys allowed; "help" and "version" are not).
 * 0; 1 when the file does not exist (out empty); -1 with "PATH:LINE: reason" in err. */
int config_read(const char *path, const struct option *longopts, struct config_args *out,
    char *err, size_t errsz);
void config_free(struct config_args *c);

#endif
