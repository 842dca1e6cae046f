/* config.c: the client's settings file. See config.h. */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "util.h"

int config_path(char *out, size_t n)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	int len;

	if (xdg != NULL && xdg[0] == '/')
		len = snprintf(out, n, "%s/tcpchat/config", xdg);
	else if (home != NULL && home[0] != '\0')
		len = snprintf(out, n, "%s/.config/tcpchat/config", home);
	else
		return -1;
	return len > 0 && (size_t)len < n ? 0 : -1;
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static const struct option *find_key(const struct option *o, const char *key)
{
	for (; o->name != NULL; o++)
		if (strcmp(o->name, key) == 0 && strcmp(key, "help") != 0 &&
		    strcmp(key, "version") != 0)
			return o;
	return NULL;
}

/* -1: not a yes/no word. */
static int yes_no(const char *v)
{
	static const char *const yes[] = { "yes", "true", "on", "1" }, *const no[] = { "no",
	    "false", "off", "0" };

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0)
			return 1;
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

static void push(struct config_args *c, char *arg, const char *path, int line)
{
	char where[4200];

	snprintf(where, sizeof(where), "%s:%d", path, line);
	c->argv = xreallocarray(c->argv, (size_t)c->n + 1, sizeof(*c->argv));
	c->origin = xreallocarray(c->origin, (size_t)c->n + 1, sizeof(*c->origin));
	c->argv[c->n] = arg;
	c->origin[c->n++] = xstrdup(where);
}

/* One `key = value` line; NULL or why it is bad. */
static const char *take_line(struct config_args *c, const struct option *longopts,
    char *text, const char *path, int line)
{
	char *eq = strchr(text, '='), *key, *val, *arg;
	const struct option *o;
	int yn;

	if (eq == NULL)
		return "expected `key = value`";
	*eq = '\0';
	key = trim(text);
	val = trim(eq + 1);
	if (strcmp(key, "host") == 0) {
		free(c->host);
		c->host = xstrdup(val);
		return val[0] ? NULL : "host needs a value";
	}
	if ((o = find_key(longopts, key)) == NULL)
		return "unknown key (the keys are the long options of tcpchat connect, and host)";
	if (o->has_arg == no_argument) {
		if ((yn = yes_no(val)) < 0)
			return "expected yes or no";
		if (yn == 1) {
			arg = xmalloc(strlen(key) + 3);
			sprintf(arg, "--%s", key);
			push(c, arg, path, line);
		}
		return NULL;
	}
	if (val[0] == '\0')
		return "missing value";
	arg = xmalloc(strlen(key) + strlen(val) + 4);
	sprintf(arg, "--%s=%s", key, val);
	push(c, arg, path, line);
	return NULL;
}

int config_read(const char *path, const struct option *longopts, struct config_args *out,
    char *err, size_t errsz)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;
	int line = 0, rc = 0;

	memset(out, 0, sizeof(*out));
	if (f == NULL) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && getline(&buf, &cap, f) >= 0) {
		char *text = trim(buf);
		const char *why;

		line++;
		if (text[0] == '\0' || text[0] == '#')
			continue;
		if ((why = take_line(out, longopts, text, path, line)) != NULL) {
			snprintf(err, errsz, "%s:%d: %s", path, line, why);
			rc = -1;
		}
	}
	free(buf);
	fclose(f);
	if (rc != 0)
		config_free(out);
	return rc;
}

void config_free(struct config_args *c)
{
	for (int i = 0; i < c->n; i++) {
		free(c->argv[i]);
		free(c->origin[i]);
	}
	free(c->argv);
	free(c->origin);
	free(c->host);
	memset(c, 0, sizeof(*c));
}
