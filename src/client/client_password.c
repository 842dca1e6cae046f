/* client_password.c: the server password from a file or the environment. See
 * client_password.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client_password.h"
#include "tclimits.h"
#include "util.h"

/* The first line of path (without its LF or CRLF) into out (TC_PASSWORD_MAX + 2
 * bytes: one more than allowed tells a line too long). 0, or -1 with err. */
static int first_line(const char *path, char *out, size_t outsz, char *err, size_t errsz)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL) {
		snprintf(err, errsz, "--server-password-file %s: %s", path, strerror(errno));
		return -1;
	}
	if (fgets(out, (int)outsz, f) == NULL)
		out[0] = '\0';
	fclose(f);
	n = strcspn(out, "\n");
	out[n] = '\0';
	if (n > 0 && out[n - 1] == '\r')
		out[--n] = '\0';
	if (n == 0)
		snprintf(err, errsz, "--server-password-file %s: the first line is empty", path);
	else if (n > TC_PASSWORD_MAX)
		snprintf(err, errsz, "--server-password-file %s: the password is longer than %d bytes", path,
		    TC_PASSWORD_MAX);
	if (n == 0 || n > TC_PASSWORD_MAX) {
		explicit_bzero(out, outsz);
		return -1;
	}
	return 0;
}

int client_password_load(const char *file, char **out, char *err, size_t errsz)
{
	char line[TC_PASSWORD_MAX + 2];
	const char *env = getenv(CLIENT_PASSWORD_ENV);

	*out = NULL;
	if (file == NULL && env != NULL && strlen(env) > TC_PASSWORD_MAX) {
		snprintf(err, errsz, "%s: the password is longer than %d bytes",
		    CLIENT_PASSWORD_ENV, TC_PASSWORD_MAX);
		return -1;
	}
	if (file == NULL) {
		if (env != NULL && env[0] != '\0')
			*out = xstrdup(env);
		return 0;
	}
	if (first_line(file, line, sizeof(line), err, errsz) != 0)
		return -1;
	*out = xstrdup(line);
	explicit_bzero(line, sizeof(line));
	return 0;
}

void client_password_free(char *password)
{
	if (password == NULL)
		return;
	explicit_bzero(password, strlen(password));
	free(password);
}
