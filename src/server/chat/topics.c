/* topics.c: the rooms' topics in a file of the state directory (format in topics.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "loop.h"
#include "names.h"
#include "statedir.h"
#include "tclimits.h"
#include "topics.h"
#include "tstamp.h"
#include "utf8.h"
#include "util.h"

#define TOPICS_FIELDS 5                   /* ROOM SET_AT BY SOURCE TOPIC */
#define TOPICS_HEADER "# tcpchat topics: room, set at (seconds since 1970), by, " \
    "by as nick!user@host, topic (empty: cleared); tab-separated\n"

struct topics_field {
	const char *p;
	size_t n;
};

/* One line of the file, checked. */
struct topics_line {
	char room[ROOM_NAME_MAX_BYTES + 1];
	time_t t;
	char by[NAME_MAX_BYTES + 1];
	char src[ROOM_TOPIC_SRC_MAX + 1];
	char text[UTF8_CLEAN_MAX(TC_TOPIC_MAX)];
	size_t len;
};

void topics_init(struct topics *tp, const char *path)
{
	*tp = (struct topics){ .path = path != NULL ? xstrdup(path) : NULL };
}

void topics_free(struct topics *tp)
{
	free(tp->path);
	tp->path = NULL;
}

bool topics_source_ok(const char *s, size_t n)
{
	const char *bang = memchr(s, '!', n);

	if (n == 0 || n > ROOM_TOPIC_SRC_MAX || s[0] == ':' || bang == NULL || bang == s ||
	    memchr(bang, '@', n - (size_t)(bang - s)) == NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

/* --- loading ------------------------------------------------------------------------ */

/* Split p (n bytes, no LF) at TABs: exactly TOPICS_FIELDS fields, or -1. */
static int topics_split(const char *p, size_t n, struct topics_field f[TOPICS_FIELDS])
{
	int k = 0;

	f[0].p = p;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && p[i] != '\t')
			continue;
		f[k].n = (size_t)(p + i - f[k].p);
		if (++k == TOPICS_FIELDS)
			return i == n ? 0 : -1;
		f[k].p = p + i + 1;
	}
	return -1;
}

static int topics_parse_time(struct topics_field f, time_t *t)
{
	long long v = tstamp_parse_epoch(f.p, f.n);

	*t = (time_t)v;
	return v < 0 ? -1 : 0;
}

/* Check one line into tl: 0, or -1 when it is not a good line. */
static int topics_parse(const char *p, size_t n, struct topics_line *tl)
{
	struct topics_field f[TOPICS_FIELDS];

	if (topics_split(p, n, f) != 0 || room_check_name(f[0].p, f[0].n, tl->room) != NULL ||
	    topics_parse_time(f[1], &tl->t) != 0 || f[4].n > TC_TOPIC_MAX)
		return -1;
	tl->by[0] = tl->src[0] = '\0';
	if (f[2].n > 0 && names_check(f[2].p, f[2].n, tl->by) != NULL)
		return -1;
	if (f[3].n > 0 && !topics_source_ok(f[3].p, f[3].n))
		return -1;
	memcpy(tl->src, f[3].p, f[3].n);
	tl->src[f[3].n] = '\0';
	tl->len = utf8_clean(UTF8_MESSAGE, f[4].p, f[4].n, tl->text, sizeof(tl->text));
	return 0;
}

/* One line into the rooms: 0, or -1 when it is skipped. */
static int topics_apply(struct rooms *rs, const char *p, size_t n)
{
	struct topics_line tl;
	struct room *r;

	if (topics_parse(p, n, &tl) != 0)
		return -1;
	r = rooms_find(rs, tl.room);
	if (r == NULL && tl.len == 0)
		return 0;               /* cleared in a room not here: nothing to clear */
	if (r == NULL && rs->count >= TC_MAX_ROOMS)
		return -1;
	if (r == NULL)
		r = rooms_get_any(rs, tl.room);
	if (tl.t >= r->topic_at)
		room_set_topic(r, tl.by, tl.src, tl.t, tl.text, tl.len);
	return 0;
}

static size_t topics_apply_all(struct rooms *rs, const char *p, size_t n)
{
	size_t skipped = 0;

	while (n > 0) {
		const char *nl = memchr(p, '\n', n);
		size_t len = nl != NULL ? (size_t)(nl - p) : n;

		if (len > 0 && p[0] != '#' && topics_apply(rs, p, len) != 0)
			skipped++;
		len += nl != NULL;
		p += len;
		n -= len;
	}
	return skipped;
}

int topics_load(struct topics *tp, struct rooms *rs, size_t *skipped, char *errbuf,
    size_t errsz)
{
	struct buf file = { 0 }, now = { 0 };
	size_t kept;
	int rc;

	*skipped = 0;
	if (tp->path == NULL)
		return 0;
	rc = statedir_read_file(tp->path, TC_TOPICS_FILE_MAX_BYTES, &file, errbuf, errsz);
	if (rc >= 0) {
		*skipped = topics_apply_all(rs, buf_data(&file), buf_len(&file));
		kept = topics_format(rs, &now);
		tp->dirty = rc == 1 ? kept > 0 : buf_len(&now) != buf_len(&file) ||
		    memcmp(buf_data(&now), buf_data(&file), buf_len(&now)) != 0;
	}
	buf_free(&file);
	buf_free(&now);
	return rc < 0 ? -1 : 0;
}

/* --- writing ------------------------------------------------------------------------ */

static bool topics_clean(const char *s)
{
	return strpbrk(s, "\t\r\n") == NULL;
}

/* A room the file holds: its topic was set or cleared, and every field is writable. */
static bool topics_kept(const struct room *r)
{
	return (r->topic != NULL || r->topic_at != 0) && topics_clean(r->topic_by) &&
	    topics_clean(r->topic_src) && (r->topic == NULL || topics_clean(r->topic));
}

static int topics_by_name(const void *a, const void *b)
{
	return strcmp((*(const struct room *const *)a)->name, (*(const struct room *const *)b)->name);
}

static void topics_put(struct buf *out, const struct room *r)
{
	char t[TSTAMP_EPOCH_DIGITS + 8];

	snprintf(t, sizeof(t), "\t%lld\t", (long long)r->topic_at);
	buf_append_str(out, r->name);
	buf_append_str(out, t);
	buf_append_str(out, r->topic_by);
	buf_putc(out, '\t');
	buf_append_str(out, r->topic_src);
	buf_putc(out, '\t');
	buf_append_str(out, r->topic != NULL ? r->topic : "");
	buf_putc(out, '\n');
}

size_t topics_format(const struct rooms *rs, struct buf *out)
{
	const struct room **v = xreallocarray(NULL, rs->count + 1, sizeof(*v));
	size_t n = 0;

	buf_append_str(out, TOPICS_HEADER);
	for (const struct room *r = rooms_first(rs); r != NULL && n < rs->count; r = rooms_next(r))
		if (topics_kept(r))
			v[n++] = r;
	qsort(v, n, sizeof(*v), topics_by_name);
	for (size_t i = 0; i < n; i++)
		topics_put(out, v[i]);
	free(v);
	return n;
}

int topics_save(struct topics *tp, const struct rooms *rs, char *errbuf, size_t errsz)
{
	struct buf out = { 0 };
	int rc;

	if (tp->path == NULL)
		return 0;
	topics_format(rs, &out);
	rc = statedir_write_file(tp->path, buf_data(&out), buf_len(&out), 0600, errbuf, errsz);
	buf_free(&out);
	tp->saved_ms = loop_now_ms();
	if (rc == 0)
		tp->dirty = false;
	return rc;
}

void topics_flush(struct topics *tp, const struct rooms *rs, bool force)
{
	char err[512];

	if (!tp->dirty || tp->path == NULL || (!force && tp->saved_ms != 0 &&
	    loop_now_ms() - tp->saved_ms < TC_TOPICS_SAVE_MS))
		return;
	if (topics_save(tp, rs, err, sizeof(err)) != 0) {
		if (!tp->failing)
			log_msg(LOG_ERROR, "topics not saved (retried): %s", err);
		tp->failing = true;
	} else if (tp->failing) {
		log_msg(LOG_WARN, "topics saved again in %s", tp->path);
		tp->failing = false;
	}
}

void topics_changed(struct topics *tp, const struct rooms *rs)
{
	tp->dirty = true;
	topics_flush(tp, rs, false);
}
