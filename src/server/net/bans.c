/* bans.c: bans by address, in memory and in an atomically rewritten file. */
#define _GNU_SOURCE /* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bans.h"
#include "util.h"

#define BANS_FIELDS 5 /* ADDRESS EXPIRES SET_AT BY REASON */
#define BANS_LINE_MAX (ADDRKEY_TEXT_MAX + 2 * 24 + BANS_BY_MAX + TC_BAN_REASON_MAX + 8)

void bans_init(struct bans *b, const char *path)
{
	memset(b, 0, sizeof(*b));
	b->path = path ? xstrdup(path) : NULL;
}

void bans_free(struct bans *b)
{
	free(b->v);
	free(b->path);
	memset(b, 0, sizeof(*b));
}

/* Copy at most max bytes of s, control characters as spaces, cut at a character. */
static void bans_copy_text(char *dst, const char *s, size_t max)
{
	size_t n = 0;

	for (; s != NULL && s[n] != '\0' && n < max; n++)
		dst[n] = ((unsigned char)s[n] < 0x20 || s[n] == 0x7f) ? ' ' : s[n];
	if (s != NULL && s[n] != '\0') /* cut: not inside a UTF-8 sequence */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	dst[n] = '\0';
}

static struct ban *bans_find(const struct bans *b, const struct addrkey *k)
{
	for (size_t i = 0; i < b->n; i++)
		if (addrkey_equal(&b->v[i].key, k))
			return &b->v[i];
	return NULL;
}

int bans_add(struct bans *b, const struct addrkey *k, time_t now, time_t expires,
    const char *by, const char *reason)
{
	struct ban *e = bans_find(b, k);
	int replaced = e != NULL;

	if (e == NULL) {
		if (b->n >= TC_MAX_BANS)
			return -1;
		if (b->n == b->cap) {
			b->cap = b->cap ? 2 * b->cap : 16;
			b->v = xreallocarray(b->v, b->cap, sizeof(*b->v));
		}
		e = &b->v[b->n++];
	}
	e->key = *k;
	e->expires = expires;
	e->set_at = now;
	bans_copy_text(e->by, by, BANS_BY_MAX);
	bans_copy_text(e->reason, reason, TC_BAN_REASON_MAX);
	return replaced;
}

static void bans_remove_at(struct bans *b, size_t i)
{
	memmove(&b->v[i], &b->v[i + 1], (b->n - i - 1) * sizeof(*b->v));
	b->n--;
}

int bans_remove(struct bans *b, const struct addrkey *k)
{
	struct ban *e = bans_find(b, k);

	if (e == NULL)
		return -1;
	bans_remove_at(b, (size_t)(e - b->v));
	return 0;
}

static int bans_expired(const struct ban *e, time_t now)
{
	return e->expires != 0 && e->expires <= now;
}

const struct ban *bans_check(struct bans *b, const struct addrkey *k, time_t now)
{
	struct ban *e = bans_find(b, k);

	if (e != NULL && bans_expired(e, now)) {
		bans_remove_at(b, (size_t)(e - b->v));
		return NULL;
	}
	return e;
}

size_t bans_expire(struct bans *b, time_t now)
{
	size_t kept = 0, n = b->n;

	for (size_t i = 0; i < b->n; i++)
		if (!bans_expired(&b->v[i], now))
			b->v[kept++] = b->v[i];
	b->n = kept;
	return n - kept;
}

/* --- the file ------------------------------------------------------------------------ */

static int bans_parse_time(const char *s, time_t *t)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0)
		return -1;
	*t = (time_t)v;
	return 0;
}

/* Split line at tabs into exactly BANS_FIELDS fields (the line is changed). */
static int bans_split(char *line, char *f[BANS_FIELDS])
{
	int n = 0;

	line[strcspn(line, "\n")] = '\0';
	f[n++] = line;
	for (char *p = strchr(line, '\t'); p != NULL && n < BANS_FIELDS; p = strchr(p, '\t')) {
		*p++ = '\0';
		f[n++] = p;
	}
	return n == BANS_FIELDS && strchr(f[BANS_FIELDS - 1], '\t') == NULL ? 0 : -1;
}

/* One line of the file: 0 added, 1 skipped as expired, -1 bad. */
static int bans_load_line(struct bans *b, char *line, time_t now)
{
	char *f[BANS_FIELDS];
	struct addrkey k;
	time_t expires, set_at;

	if (bans_split(line, f) != 0 || addrkey_from_text(f[0], &k) != 0 ||
	    bans_parse_time(f[1], &expires) != 0 || bans_parse_time(f[2], &set_at) != 0 ||
	    strlen(f[3]) > BANS_BY_MAX || strlen(f[4]) > TC_BAN_REASON_MAX)
		return -1;
	if (expires != 0 && expires <= now)
		return 1;
	return bans_add(b, &k, set_at, expires, f[3], f[4]) < 0 ? -1 : 0;
}

/* Open the file for reading: never a FIFO or a device. NULL with errno ENOENT if none. */
static FILE *bans_open(const char *path, char *errbuf, size_t errsz)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	FILE *f;

	if (fd < 0) {
		if (errno != ENOENT)
			snprintf(errbuf, errsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(errbuf, errsz, "%s: not a regular file", path);
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	f = fdopen(fd, "r");
	if (f == NULL)
		fatal("fdopen: %s", strerror(errno));
	return f;
}

int bans_load(struct bans *b, time_t now, size_t *skipped, char *errbuf, size_t errsz)
{
	char line[BANS_LINE_MAX + 2];
	FILE *f;
	int rc;

	*skipped = 0;
	if (b->path == NULL)
		return 0;
	f = bans_open(b->path, errbuf, errsz);
	if (f == NULL)
		return errno == ENOENT ? 0 : -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		int whole = strchr(line, '\n') != NULL || feof(f);

		if (!whole) { /* too long: skip the rest of it */
			int c;

			while ((c = getc(f)) != EOF && c != '\n')
				;
		}
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (!whole || bans_load_line(b, line, now) < 0)
			(*skipped)++;
	}
	rc = ferror(f) ? -1 : 0;
	if (rc != 0)
		snprintf(errbuf, errsz, "%s: read error", b->path);
	fclose(f);
	return rc;
}

static int bans_write_all(const struct bans *b, FILE *f)
{
	char addr[ADDRKEY_TEXT_MAX];

	fprintf(f, "# tcpchat bans: address, expires, set at (seconds since 1970; expires 0: "
	    "never), by, reason; tab-separated\n");
	for (size_t i = 0; i < b->n; i++) {
		const struct ban *e = &b->v[i];

		fprintf(f, "%s\t%" PRIdMAX "\t%" PRIdMAX "\t%s\t%s\n", addrkey_format(&e->key, addr),
		    (intmax_t)e->expires, (intmax_t)e->set_at, e->by, e->reason);
	}
	if (fflush(f) != 0 || ferror(f))
		return -1;
	return fsync(fileno(f));
}

int bans_save(const struct bans *b, char *errbuf, size_t errsz)
{
	char *tmp;
	int fd, written;
	FILE *f;

	if (b->path == NULL)
		return 0;
	tmp = xmalloc(strlen(b->path) + sizeof(".tmp.XXXXXX"));
	sprintf(tmp, "%s.tmp.XXXXXX", b->path);
	fd = mkostemp(tmp, O_CLOEXEC); /* mode 0600 */
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		snprintf(errbuf, errsz, "%s: %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(tmp);
		return -1;
	}
	written = bans_write_all(b, f) == 0;
	if (fclose(f) != 0 || !written || rename(tmp, b->path) != 0) {
		snprintf(errbuf, errsz, "cannot write %s: %s", b->path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}
