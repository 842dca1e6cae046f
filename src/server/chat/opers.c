/* opers.c: NAME:HASH files, crypt_r, a constant-time compare. */
#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opers.h"
#include "util.h"

#define OPERS_MSG_MAX 512 /* bytes in one reported problem */

/* Open a secret file: a regular file, not readable or writable by group or others. */
static FILE *opers_open(const char *path, char *errbuf, size_t errsz)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	FILE *f;

	if (fd < 0) {
		snprintf(errbuf, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(errbuf, errsz, "%s: not a regular file", path);
	} else if (st.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)) {
		snprintf(errbuf, errsz, "%s: refused, group or others can read or write it "
		    "(mode %03o; chmod 600 it)", path, (unsigned)(st.st_mode & 0777));
	} else {
		f = fdopen(fd, "r");
		if (f == NULL)
			fatal("fdopen: %s", strerror(errno));
		return f;
	}
	close(fd);
	return NULL;
}

/* Strip a line in place: trailing blanks, CR, LF; returns where it starts, or NULL for a
 * line to ignore (blank or a comment). */
static char *opers_trim(char *line)
{
	size_t n = strlen(line);

	while (n > 0 && strchr(" \t\r\n", line[n - 1]) != NULL)
		line[--n] = '\0';
	line += strspn(line, " \t");
	return (*line == '\0' || *line == '#') ? NULL : line;
}

const char *opers_hash_problem(const char *hash)
{
	struct crypt_data *cd;
	const char *out, *why = NULL;

	if (hash[0] != '$') /* a plain password, or DES */
		return "not a crypt hash of a current method: make one with mkpasswd or openssl "
		    "passwd -6";
	switch (crypt_checksalt(hash)) {
	case CRYPT_SALT_OK:
		break;
	case CRYPT_SALT_METHOD_LEGACY:
		return "a legacy hash method (such as MD5): make one with mkpasswd or openssl "
		    "passwd -6";
	case CRYPT_SALT_METHOD_DISABLED:
		return "this system's libcrypt has that hash method disabled";
	case CRYPT_SALT_TOO_CHEAP:
		return "a hash with too few rounds to be safe";
	default:
		return "not a crypt hash: make one with mkpasswd or openssl passwd -6";
	}
	cd = xcalloc(1, sizeof(*cd));
	out = crypt_r("", hash, cd);
	if (out == NULL || out[0] == '*' || strlen(out) != strlen(hash))
		why = "not a whole crypt hash (cut or with extra characters?)";
	free(cd);
	return why;
}

static int opers_equal_ct(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), n = na < nb ? na : nb;
	volatile unsigned char d = na != nb;

	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

int opers_verify(const char *hash, const char *password)
{
	struct crypt_data *cd;
	const char *out;
	int ok;

	if (strlen(password) > TC_PASSWORD_MAX)
		return 0;
	cd = xcalloc(1, sizeof(*cd));
	out = crypt_r(password, hash, cd);
	ok = out != NULL && out[0] != '*' && opers_equal_ct(out, hash);
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return ok;
}

static const struct oper *opers_find(const struct opers *o, const char *name)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->v[i].name, name) == 0)
			return &o->v[i];
	return NULL;
}

const char *opers_hash(const struct opers *o, const char *name, bool *known)
{
	const struct oper *op = opers_find(o, name);

	*known = op != NULL;
	if (op != NULL)
		return op->hash;
	return o->n > 0 ? o->v[0].hash : NULL;    /* the same work as a real check */
}

int opers_check(const struct opers *o, const char *name, const char *password)
{
	bool known;
	const char *hash = opers_hash(o, name, &known);

	if (hash == NULL)
		return 0;
	return opers_verify(hash, password) == 1 && known;
}

void opers_free(struct opers *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->v[i].name);
		free(o->v[i].hash);
	}
	free(o->v);
	o->v = NULL;
	o->n = 0;
}

static const char *opers_name_problem(const char *name, size_t n)
{
	if (n == 0)
		return "no name before the ':'";
	if (n > OPERS_NAME_MAX)
		return "name too long";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] <= ' ' || name[i] == 0x7f)
			return "spaces or control characters in the name";
	return NULL;
}

/* One NAME:HASH line: NULL when added, else the reason it is bad. */
static const char *opers_add_line(struct opers *o, char *line)
{
	char *colon = strchr(line, ':');
	const char *why;

	if (colon == NULL)
		return "not NAME:HASH (no ':')";
	*colon = '\0';
	why = opers_name_problem(line, (size_t)(colon - line));
	if (why == NULL)
		why = opers_hash_problem(colon + 1);
	if (why == NULL && opers_find(o, line) != NULL)
		why = "this name is given twice";
	if (why != NULL)
		return why;
	o->v = xreallocarray(o->v, o->n + 1, sizeof(*o->v));
	o->v[o->n].name = xstrdup(line);
	o->v[o->n].hash = xstrdup(colon + 1);
	o->n++;
	return NULL;
}

/* Read the next line into buf; 1 when it was cut (longer than TC_OPER_LINE_MAX). */
static int opers_getline(FILE *f, char *buf, size_t bufsz, int *cut)
{
	int c;

	if (fgets(buf, (int)bufsz, f) == NULL)
		return 0;
	*cut = strchr(buf, '\n') == NULL && !feof(f);
	if (*cut)
		while ((c = getc(f)) != EOF && c != '\n')
			;
	return 1;
}

static void opers_report(opers_report_fn *report, void *ctx, const char *path, int lineno,
    const char *why)
{
	char msg[OPERS_MSG_MAX];

	snprintf(msg, sizeof(msg), "%s:%d: %s", path, lineno, why);
	report(ctx, msg);
}

int opers_load(struct opers *o, const char *path, opers_report_fn *report, void *ctx)
{
	char line[TC_OPER_LINE_MAX + 2], err[OPERS_MSG_MAX];
	int lineno = 0, bad = 0, cut;
	FILE *f;

	opers_free(o);
	f = opers_open(path, err, sizeof(err));
	if (f == NULL) {
		report(ctx, err);
		return -1;
	}
	while (opers_getline(f, line, sizeof(line), &cut)) {
		char *s = opers_trim(line);
		const char *why = cut ? "line too long" : NULL;

		lineno++;
		if (why == NULL && s != NULL)
			why = opers_add_line(o, s);
		if (why != NULL) {
			opers_report(report, ctx, path, lineno, why);
			bad++;
		}
	}
	fclose(f);
	if (bad > 0)
		opers_free(o);
	return bad > 0 ? -1 : 0;
}

/* The collector of opers_load_password: keeps the first problem. */
static void opers_first_problem(void *ctx, const char *msg)
{
	char **first = ctx;

	if (*first == NULL)
		*first = xstrdup(msg);
}

char *opers_load_password(const char *path, char *errbuf, size_t errsz)
{
	char line[TC_OPER_LINE_MAX + 2], *s, *hash = NULL, *problem = NULL;
	const char *why;
	int lineno = 0, cut;
	FILE *f = opers_open(path, errbuf, errsz);

	if (f == NULL)
		return NULL;
	while (problem == NULL && opers_getline(f, line, sizeof(line), &cut)) {
		lineno++;
		if ((s = opers_trim(line)) == NULL && !cut)
			continue;
		why = cut ? "line too long" : hash ? "more than one hash" : opers_hash_problem(s);
		if (why != NULL)
			opers_report(opers_first_problem, &problem, path, lineno, why);
		else
			hash = xstrdup(s);
	}
	fclose(f);
	if (problem == NULL && hash == NULL)
		snprintf(errbuf, errsz, "%s: no hash in it (make one with mkpasswd or openssl "
		    "passwd -6)", path);
	if (problem != NULL) {
		snprintf(errbuf, errsz, "%s", problem);
		free(problem);
		free(hash);
		return NULL;
	}
	return hash;
}
