/* chatlog.c: the append-only chat log and its replay. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chatlog.h"
#include "util.h"

/* Split a record into its five fields in place; 0, or -1 if malformed. */
static int split(char *line, char *f[5])
{
	for (int i = 0; i < 4; i++) {
		char *tab = strchr(line, '\t');

		if (tab == NULL)
			return -1;
		f[i] = line;
		*tab = '\0';
		line = tab + 1;
	}
	f[4] = line;
	return 0;
}

long chatlog_replay(const char *path, chatlog_replay_cb cb, void *arg, long *skipped,
    char *errbuf, size_t errsz)
{
	FILE *fp = fopen(path, "re");
	char *line = NULL, *f[5], *end;
	size_t cap = 0;
	ssize_t n;
	long count = 0;

	*skipped = 0;
	if (fp == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(errbuf, errsz, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		long long t;

		if (line[n - 1] != '\n') {   /* torn last line */
			(*skipped)++;
			break;
		}
		line[n - 1] = '\0';
		if (split(line, f) != 0) {
			(*skipped)++;
			continue;
		}
		errno = 0;
		t = strtoll(f[0], &end, 10);
		if (errno != 0 || *end != '\0' || end == f[0] || f[1][0] == '\0') {
			(*skipped)++;
			continue;
		}
		cb(arg, (time_t)t, f[1], f[2], f[3], f[4]);
		count++;
	}
	free(line);
	fclose(fp);
	return count;
}

/* Where the file's last complete line ends (0 if it has none). */
static off_t complete_length(const char *path, off_t size)
{
	char chunk[4096];
	off_t pos = size;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return size;
	while (pos > 0) {
		off_t start = pos > (off_t)sizeof(chunk) ? pos - (off_t)sizeof(chunk) : 0;
		ssize_t n = pread(fd, chunk, (size_t)(pos - start), start);

		if (n <= 0)
			break;
		for (ssize_t i = n - 1; i >= 0; i--) {
			if (chunk[i] == '\n') {
				close(fd);
				return start + i + 1;
			}
		}
		pos = start;
	}
	close(fd);
	return pos == 0 ? 0 : size;
}

int chatlog_open(struct chatlog *log, const char *path, char *errbuf, size_t errsz)
{
	off_t size, keep;

	log->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (log->fd < 0) {
		snprintf(errbuf, errsz, "cannot open log %s: %s", path, strerror(errno));
		return -1;
	}
	if (log->path != path) {
		free(log->path);
		log->path = xstrdup(path);
	}
	/* A torn last record (a crash mid-write) was never delivered to anyone: cut it,
	 * so the next record starts on a line of its own. */
	size = lseek(log->fd, 0, SEEK_END);
	if (size > 0 && (keep = complete_length(path, size)) < size &&
	    ftruncate(log->fd, keep) != 0) {
		snprintf(errbuf, errsz, "cannot repair log %s: %s", path, strerror(errno));
		close(log->fd);
		log->fd = -1;
		return -1;
	}
	return 0;
}

bool chatlog_is_open(const struct chatlog *log)
{
	return log->path != NULL && log->fd >= 0;
}

void chatlog_add(struct chatlog *log, time_t t, const char *room, const char *kind,
    const char *name, const char *text, size_t textlen)
{
	char num[32];

	if (!chatlog_is_open(log))
		return;
	snprintf(num, sizeof(num), "%" PRId64 "\t", (int64_t)t);
	buf_append_str(&log->pending, num);
	buf_append_str(&log->pending, room);
	buf_putc(&log->pending, '\t');
	buf_append_str(&log->pending, kind);
	buf_putc(&log->pending, '\t');
	buf_append_str(&log->pending, name);
	buf_putc(&log->pending, '\t');
	buf_append(&log->pending, text, textlen);
	buf_putc(&log->pending, '\n');
}

int chatlog_flush(struct chatlog *log)
{
	while (buf_len(&log->pending) > 0) {
		ssize_t n = write(log->fd, buf_data(&log->pending), buf_len(&log->pending));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			buf_free(&log->pending);
			return -1;
		}
		buf_consume(&log->pending, (size_t)n);
	}
	return 0;
}

int chatlog_reopen(struct chatlog *log, char *errbuf, size_t errsz)
{
	chatlog_flush(log);
	if (log->fd >= 0)
		close(log->fd);
	log->fd = -1;
	return chatlog_open(log, log->path, errbuf, errsz);
}

void chatlog_close(struct chatlog *log)
{
	if (log->fd >= 0) {
		chatlog_flush(log);
		close(log->fd);
	}
	log->fd = -1;
	free(log->path);
	log->path = NULL;
	buf_free(&log->pending);
}
