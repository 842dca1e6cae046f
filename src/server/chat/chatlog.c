/* chatlog.c: the append-only chat log, its replay and its compaction.
 *
 * Format. One record a line, six fields separated by a TAB, ending in LF:
 *
 *   UTC-TIME  EPOCH  ROOM  KIND  NAME  TEXT
 *   2026-12-01T09:05:17Z	1796115917	lobby	MSG	alice	hello
 *
 * UTC-TIME is the time in UTC as YYYY-MM-DDTHH:MM:SSZ (ISO 8601, so `grep 2026-12-01`
 * finds a day); EPOCH is the same second since 1970, and the two must agree. ROOM is a
 * room name, KIND one word of A-Z (MSG, ACTION, JOIN, LEAVE, RENAME today; EVICT, PURGE,
 * TOPIC and others may follow: replay passes any kind), NAME who did it (may be empty for
 * a kind without one), TEXT the rest of the line (the message; for ACTION what NAME did,
 * "waves" for "/me waves"; for RENAME the new name).
 * No field holds a TAB, CR or LF. Logs written before the UTC-TIME field (five fields,
 * `EPOCH ROOM KIND NAME TEXT`) still replay.
 *
 * Whole records only: a failed write is cut back to the last whole record; a torn last
 * line (a crash mid-write) is skipped on replay and cut when the file is opened. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chatlog.h"
#include "line.h"
#include "log.h"
#include "names.h"
#include "room.h"
#include "tclimits.h"
#include "tstamp.h"
#include "utf8.h"
#include "util.h"

#define ISO_LEN TSTAMP_UTC_LEN      /* "2026-12-01T09:05:17Z" */
#define EPOCH_MAX_DIGITS TSTAMP_EPOCH_DIGITS
#define NFIELDS 6                   /* the current format; the old one has 5 */
/* The longest record line but its text, LF included. */
#define REC_OVERHEAD (ISO_LEN + EPOCH_MAX_DIGITS + ROOM_NAME_MAX_BYTES + \
    TC_LOG_KIND_MAX_BYTES + NAME_MAX_BYTES + NFIELDS)

/* --- fields ------------------------------------------------------------------------ */

/* The one place replayed text is sanitised: the live-input rules (out holds 3n + 1). */
static size_t sanitize_text(const char *in, size_t n, char *out)
{
	return utf8_clean(UTF8_MESSAGE, in, n, out, 3 * n + 1);
}


/* t as UTC-TIME, ISO_LEN characters and a NUL. */
static void format_utc(time_t t, char out[ISO_LEN + 1])
{
	tstamp_format_utc(t, out);
}

struct field {
	const char *p;
	size_t n;
};

/* Split at TABs into at most max fields; returns the count, max + 1 if there are more. */
static int split_fields(const char *s, size_t n, struct field *f, int max)
{
	int nf = 0;

	for (;;) {
		const char *tab = memchr(s, '\t', n);
		size_t len = tab != NULL ? (size_t)(tab - s) : n;

		if (nf == max)
			return max + 1;
		f[nf++] = (struct field){ s, len };
		if (tab == NULL)
			return nf;
		s += len + 1;
		n -= len + 1;
	}
}

static bool valid_kind(struct field f)
{
	if (f.n == 0 || f.n > TC_LOG_KIND_MAX_BYTES)
		return false;
	for (size_t i = 0; i < f.n; i++)
		if (f.p[i] < 'A' || f.p[i] > 'Z')
			return false;
	return true;
}

/* --- one replayed record ----------------------------------------------------------- */

/* What a known kind needs; unknown kinds get only the generic field rules. */
static const struct kind_rule {
	const char *kind;
	bool text;        /* non-blank text */
	bool text_name;   /* text is a valid name */
} kind_rules[] = {
	{ "MSG", true, false },
	{ "ACTION", true, false },
	{ "JOIN", false, false },
	{ "LEAVE", false, false },
	{ "RENAME", false, true },
};

static const struct kind_rule *find_rule(const char *kind)
{
	for (size_t i = 0; i < sizeof(kind_rules) / sizeof(kind_rules[0]); i++)
		if (strcmp(kind_rules[i].kind, kind) == 0)
			return &kind_rules[i];
	return NULL;
}

/* Canonical copies of one replayed record's fields. */
struct scratch {
	char room[ROOM_NAME_MAX_BYTES + 1];
	char kind[TC_LOG_KIND_MAX_BYTES + 1];
	char name[NAME_MAX_BYTES + 1];
	char newname[NAME_MAX_BYTES + 1];
	char *text;                  /* 3 * max_text + 1 bytes */
	size_t max_text;
	time_t iso_t;                /* format_utc(iso_t) == iso: a cache, records share seconds */
	char iso[ISO_LEN + 1];
};

/* The time fields of either format; the index of ROOM, or -1. */
static int parse_times(struct scratch *sc, const struct field *f, int nf, time_t *t)
{
	bool iso = nf == NFIELDS;
	long long v;

	if (nf != NFIELDS && nf != NFIELDS - 1)
		return -1;
	v = tstamp_parse_epoch(f[iso ? 1 : 0].p, f[iso ? 1 : 0].n);
	if (v < 0)
		return -1;
	*t = (time_t)v;
	if (!iso)
		return 1;
	if (sc->iso_t != *t || sc->iso[0] == '\0') {
		format_utc(*t, sc->iso);
		sc->iso_t = *t;
	}
	return f[0].n == ISO_LEN && memcmp(f[0].p, sc->iso, ISO_LEN) == 0 ? 2 : -1;
}

static int parse_text(struct scratch *sc, struct field f, const struct kind_rule *rule,
    struct chatlog_rec *rec)
{
	const char *s;
	size_t n;

	if (f.n > sc->max_text)
		return -1;
	n = sanitize_text(f.p, f.n, sc->text);
	if (n > sc->max_text)
		return -1;
	sc->text[n] = '\0';
	rec->text = sc->text;
	rec->textlen = n;
	s = sc->text;
	line_trim(&s, &n);
	if (rule != NULL && rule->text && n == 0)
		return -1;
	if (rule != NULL && rule->text_name) {
		if (names_check(rec->text, rec->textlen, sc->newname) != NULL)
			return -1;
		rec->text = sc->newname;
		rec->textlen = strlen(sc->newname);
	}
	return 0;
}

/* Validate one line (LF removed) into rec. 0, or -1 if it is not a good record. */
static int parse_record(struct scratch *sc, const char *line, size_t len,
    struct chatlog_rec *rec)
{
	struct field f[NFIELDS];
	int nf = split_fields(line, len, f, NFIELDS), i;
	const struct kind_rule *rule;

	i = parse_times(sc, f, nf, &rec->t);
	if (i < 0 || !valid_kind(f[i + 1]) ||
	    room_check_name(f[i].p, f[i].n, sc->room) != NULL)
		return -1;
	memcpy(sc->kind, f[i + 1].p, f[i + 1].n);
	sc->kind[f[i + 1].n] = '\0';
	rule = find_rule(sc->kind);
	sc->name[0] = '\0';
	if ((f[i + 2].n > 0 || rule != NULL) &&
	    names_check(f[i + 2].p, f[i + 2].n, sc->name) != NULL)
		return -1;
	rec->room = sc->room;
	rec->kind = sc->kind;
	rec->name = sc->name;
	return parse_text(sc, f[i + 3], rule, rec);
}

/* --- opening ----------------------------------------------------------------------- */

static const char *file_type(mode_t m)
{
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISLNK(m))
		return "a symbolic link";
	if (S_ISSOCK(m))
		return "a socket";
	if (S_ISCHR(m) || S_ISBLK(m))
		return "a device";
	return "not a regular file";
}

/* Why opening path failed with err, naming what is there when it is not a file. */
static void open_error(const char *what, const char *path, int err, char *errbuf,
    size_t errsz)
{
	struct stat st;

	if ((err == ELOOP || err == ENXIO || err == EISDIR || err == EWOULDBLOCK) &&
	    lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		snprintf(errbuf, errsz, "%s %s: it is %s, not a regular file (refused)", what,
		    path, file_type(st.st_mode));
	else
		snprintf(errbuf, errsz, "%s %s: %s", what, path, strerror(err));
}

/* Open path as a regular file, never following a symlink nor blocking on a FIFO.
 * The fd (blocking, close-on-exec), or -1 with errno set and errbuf filled. */
static int open_regular(const char *path, int flags, const char *what, struct stat *st,
    char *errbuf, size_t errsz)
{
	int fd = open(path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600), err;

	if (fd < 0) {
		err = errno;
		open_error(what, path, err, errbuf, errsz);
		errno = err;
		return -1;
	}
	err = fstat(fd, st) != 0 ? errno : !S_ISREG(st->st_mode) ? EINVAL :
	    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0 ? errno : 0;
	if (err != 0) {
		if (err == EINVAL)
			snprintf(errbuf, errsz, "%s %s: it is %s, not a regular file (refused)",
			    what, path, file_type(st->st_mode));
		else
			snprintf(errbuf, errsz, "%s %s: %s", what, path, strerror(err));
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/* --- replay ------------------------------------------------------------------------ */

struct replay {
	struct scratch sc;
	chatlog_replay_cb cb;
	void *arg;
	long count, skipped;
	bool discarding;      /* inside an over-long line: drop bytes up to its LF */
};

static void replay_line(struct replay *rp, const char *line, size_t len)
{
	struct chatlog_rec rec;

	if (rp->discarding) {              /* the end of an over-long line, counted already */
		rp->discarding = false;
		return;
	}
	if (parse_record(&rp->sc, line, len, &rec) != 0) {
		rp->skipped++;
		return;
	}
	rp->cb(rp->arg, &rec);
	rp->count++;
}

/* Hand out the whole lines of buf[0..len); returns the bytes used. */
static size_t replay_lines(struct replay *rp, const char *buf, size_t len)
{
	size_t start = 0;
	const char *nl;

	while ((nl = memchr(buf + start, '\n', len - start)) != NULL) {
		replay_line(rp, buf + start, (size_t)(nl - (buf + start)));
		start = (size_t)(nl - buf) + 1;
	}
	return start;
}

/* Stream fd through a buffer of max_line + TC_LOG_READ_CHUNK bytes. 0, or -1 (errno). */
static int replay_fd(struct replay *rp, int fd, size_t max_line)
{
	size_t cap = max_line + TC_LOG_READ_CHUNK, len = 0, used;
	char *buf = xmalloc(cap);
	ssize_t n;

	while ((n = read(fd, buf + len, cap - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			return -1;
		}
		len += (size_t)n;
		used = replay_lines(rp, buf, len);
		memmove(buf, buf + used, len - used);
		len -= used;
		if (len > max_line || (rp->discarding && len > 0)) {
			rp->skipped += !rp->discarding;   /* over-long: skip it to its LF */
			rp->discarding = true;
			len = 0;
		}
	}
	rp->skipped += len > 0 && !rp->discarding;     /* a torn last line */
	free(buf);
	return 0;
}

long chatlog_replay(const char *path, size_t max_text, chatlog_replay_cb cb, void *arg,
    long *skipped, char *errbuf, size_t errsz)
{
	struct replay rp = { .cb = cb, .arg = arg, .sc.max_text = max_text };
	struct stat st;
	int fd = open_regular(path, O_RDONLY, "cannot read log", &st, errbuf, errsz), rc;

	*skipped = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	rp.sc.text = xmalloc(3 * max_text + 1);
	rc = replay_fd(&rp, fd, REC_OVERHEAD + max_text);
	if (rc != 0)
		snprintf(errbuf, errsz, "cannot read log %s: %s", path, strerror(errno));
	close(fd);
	free(rp.sc.text);
	*skipped = rp.skipped;
	return rc != 0 ? -1 : rp.count;
}

/* --- writing ----------------------------------------------------------------------- */

static bool clean_field(const char *s, size_t n, bool nul_ok)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || (!nul_ok && s[i] == '\0'))
			return false;
	return true;
}

static bool rec_writable(const struct chatlog_rec *r)
{
	return r->room[0] != '\0' && r->kind[0] != '\0' &&
	    clean_field(r->room, strlen(r->room), true) &&
	    clean_field(r->kind, strlen(r->kind), true) &&
	    clean_field(r->name, strlen(r->name), true) &&
	    clean_field(r->text, r->textlen, false);
}

static void format_rec(struct buf *b, const struct chatlog_rec *r)
{
	char head[ISO_LEN + 1 + 32];
	size_t n;

	format_utc(r->t, head);
	n = ISO_LEN + (size_t)snprintf(head + ISO_LEN, sizeof(head) - ISO_LEN, "\t%" PRId64 "\t",
	    (int64_t)r->t);
	buf_append(b, head, n);
	buf_append_str(b, r->room);
	buf_putc(b, '\t');
	buf_append_str(b, r->kind);
	buf_putc(b, '\t');
	buf_append_str(b, r->name);
	buf_putc(b, '\t');
	buf_append(b, r->text, r->textlen);
	buf_putc(b, '\n');
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Where the file's last complete line ends (0 if it has none). */
static off_t complete_length(int fd, off_t size)
{
	char chunk[4096];
	off_t pos = size;

	while (pos > 0) {
		off_t start = pos > (off_t)sizeof(chunk) ? pos - (off_t)sizeof(chunk) : 0;
		ssize_t n = pread(fd, chunk, (size_t)(pos - start), start);

		if (n <= 0)
			return size;
		for (ssize_t i = n - 1; i >= 0; i--)
			if (chunk[i] == '\n')
				return start + i + 1;
		pos = start;
	}
	return 0;
}

/* Open path for appending into *fd, a torn last line cut; *end its size. 0, or -1. */
static int open_append(const char *path, int *fd, struct stat *st, off_t *end,
    char *errbuf, size_t errsz)
{
	*fd = open_regular(path, O_RDWR | O_APPEND | O_CREAT, "cannot open log", st, errbuf,
	    errsz);
	if (*fd < 0)
		return -1;
	*end = complete_length(*fd, st->st_size);
	/* A torn last record (a crash mid-write) was never delivered to anyone: cut it,
	 * so the next record starts on a line of its own. */
	if (*end < st->st_size && ftruncate(*fd, *end) != 0) {
		snprintf(errbuf, errsz, "cannot repair log %s: %s", path, strerror(errno));
		close(*fd);
		*fd = -1;
		return -1;
	}
	return 0;
}

static void use_file(struct chatlog *log, int fd, const struct stat *st, off_t end)
{
	if (log->fd >= 0)
		close(log->fd);
	log->fd = fd;
	log->dev = st->st_dev;
	log->ino = st->st_ino;
	log->end = end;
	log->torn = false;
}

int chatlog_open(struct chatlog *log, const char *path, char *errbuf, size_t errsz)
{
	struct stat st;
	off_t end;
	int fd;

	if (open_append(path, &fd, &st, &end, errbuf, errsz) != 0)
		return -1;
	if (log->path != path) {
		free(log->path);
		log->path = xstrdup(path);
	}
	log->fd = -1;
	use_file(log, fd, &st, end);
	log->rotated = false;
	return 0;
}

bool chatlog_is_open(const struct chatlog *log)
{
	return log->path != NULL && log->fd >= 0;
}

void chatlog_add(struct chatlog *log, time_t t, const char *room, const char *kind,
    const char *name, const char *text, size_t textlen)
{
	struct chatlog_rec r = { t, room, kind, name, text, textlen };

	if (!chatlog_is_open(log))
		return;
	if (!rec_writable(&r)) {
		log->dropped++;
		return;
	}
	format_rec(&log->pending, &r);
}

static long count_lines(const char *p, size_t n)
{
	long lines = 0;

	for (const char *e = p + n; (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
		lines++;
	return lines;
}

/* A write failed after `written` bytes of pending: cut the file back to the last whole
 * record, keep the rest pending for a retry (within bounds). errno is kept. */
static void roll_back(struct chatlog *log, size_t written)
{
	const char *p = buf_data(&log->pending);
	size_t whole = written;
	int err = errno;

	while (whole > 0 && p[whole - 1] != '\n')
		whole--;
	log->torn = whole < written && ftruncate(log->fd, log->end + (off_t)whole) != 0;
	log->end += (off_t)whole;
	buf_consume(&log->pending, whole);
	if (buf_len(&log->pending) > (size_t)TC_LOG_RETRY_MAX_KIB * 1024) {
		long lost = count_lines(buf_data(&log->pending), buf_len(&log->pending));

		log->dropped += lost;
		log_msg(LOG_ERROR, "log: %ld record(s) dropped, the log cannot be written", lost);
		buf_clear(&log->pending);
	}
	log->retry_ms = now_ms() + TC_LOG_RETRY_MS;
	errno = err;
}

int chatlog_flush(struct chatlog *log)
{
	size_t len = buf_len(&log->pending), done = 0;

	if (len == 0 || log->fd < 0 || (log->retry_ms != 0 && now_ms() < log->retry_ms))
		return 0;
	log->retry_ms = 0;
	if (log->torn && ftruncate(log->fd, log->end) != 0) {
		roll_back(log, 0);
		return -1;
	}
	log->torn = false;
	while (done < len) {
		ssize_t n = write(log->fd, buf_data(&log->pending) + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = ENOSPC;
			roll_back(log, done);
			return -1;
		}
		done += (size_t)n;
	}
	log->end += (off_t)len;
	buf_clear(&log->pending);
	return 0;
}

int chatlog_reopen(struct chatlog *log, char *errbuf, size_t errsz)
{
	char why[512];
	struct stat st;
	off_t end;
	int fd;

	chatlog_flush(log);
	if (open_append(log->path, &fd, &st, &end, why, sizeof(why)) != 0) {
		snprintf(errbuf, errsz, "%s; %s", why, log->fd >= 0 ?
		    "still writing to the old file" : "not logging");
		return -1;
	}
	log->rotated = st.st_dev != log->dev || st.st_ino != log->ino;
	use_file(log, fd, &st, end);
	return 0;
}

bool chatlog_rotated(const struct chatlog *log)
{
	return log->rotated;
}

/* --- compaction -------------------------------------------------------------------- */

/* fsync the directory holding path, so the rename itself is durable. */
static void sync_dir(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(copy);
}

static int write_buf(int fd, struct buf *b, off_t *size)
{
	int rc = write_all(fd, buf_data(b), buf_len(b));

	*size += (off_t)buf_len(b);
	buf_clear(b);
	return rc;
}

/* Write every writable record next() hands out to fd; the count, or -1 (errno). */
static long write_records(int fd, chatlog_next_cb next, void *arg, off_t *size)
{
	struct buf b = { 0 };
	struct chatlog_rec r;
	long count = 0;
	int rc = 0;

	*size = 0;
	while (rc == 0 && next(arg, &r)) {
		if (!rec_writable(&r))
			continue;
		format_rec(&b, &r);
		count++;
		if (buf_len(&b) >= TC_LOG_READ_CHUNK)
			rc = write_buf(fd, &b, size);
	}
	if (rc == 0)
		rc = write_buf(fd, &b, size);
	buf_free(&b);
	return rc != 0 ? -1 : count;
}

static long compact_fail(char *tmp, int fd, const char *what, char *errbuf, size_t errsz)
{
	snprintf(errbuf, errsz, "cannot compact log: %s %s: %s", what, tmp, strerror(errno));
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	free(tmp);
	return -1;
}

long chatlog_compact(struct chatlog *log, chatlog_next_cb next, void *arg, char *errbuf,
    size_t errsz)
{
	size_t plen;
	char *tmp;
	struct stat st;
	off_t size;
	long count;
	int fd;

	if (!chatlog_is_open(log) || chatlog_flush(log) != 0 || buf_len(&log->pending) > 0) {
		snprintf(errbuf, errsz, "cannot compact log: %s", chatlog_is_open(log) ?
		    "its pending records cannot be written" : "it is not open");
		return -1;
	}
	plen = strlen(log->path);
	tmp = xmalloc(plen + sizeof(".XXXXXX"));
	memcpy(tmp, log->path, plen);
	memcpy(tmp + plen, ".XXXXXX", sizeof(".XXXXXX"));
	fd = mkstemp(tmp);
	if (fd >= 0 && (fd_set_cloexec(fd) != 0 || fcntl(fd, F_SETFL, O_APPEND) != 0))
		return compact_fail(tmp, fd, "set up", errbuf, errsz);
	if (fd < 0)
		return compact_fail(tmp, fd, "create", errbuf, errsz);
	count = write_records(fd, next, arg, &size);
	if (count < 0 || fsync(fd) != 0 || fstat(fd, &st) != 0)
		return compact_fail(tmp, fd, "write", errbuf, errsz);
	if (rename(tmp, log->path) != 0)
		return compact_fail(tmp, fd, "rename", errbuf, errsz);
	sync_dir(log->path);
	use_file(log, fd, &st, size);
	log->rotated = false;
	free(tmp);
	return count;
}

bool chatlog_should_compact(long file_records, long kept_records)
{
	return file_records >= TC_LOG_COMPACT_MIN_RECORDS &&
	    file_records > (long)TC_LOG_COMPACT_RATIO * kept_records;
}

void chatlog_close(struct chatlog *log)
{
	if (log->fd >= 0) {
		log->retry_ms = 0;
		chatlog_flush(log);
		close(log->fd);
	}
	log->fd = -1;
	free(log->path);
	log->path = NULL;
	buf_free(&log->pending);
}
