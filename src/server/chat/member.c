/* member.c: a member's output, through its dialect (see member.h, dialect.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conn.h"
#include "dialect.h"
#include "member.h"
#include "proto.h"
#include "tclimits.h"
#include "util.h"

static struct buf scratch;      /* one rendering of an event for one member */

static const struct dialect *const dialects[DIALECT_COUNT] = {
	[DIALECT_NC] = &dialect_nc,
	[DIALECT_PROTO] = &dialect_proto,
	[DIALECT_PROTO2] = &dialect_proto2,
	[DIALECT_IRC] = &dialect_irc,
};

const struct dialect *dialect_of(const struct member *m)
{
	return dialects[m->dialect];
}

void member_init(struct member *m, struct conn *c)
{
	memset(m, 0, sizeof(*m));
	m->home.m = m;
	m->conn = c;
	m->dialect = DIALECT_NC;
	m->state = MEMBER_NAMING;
	ratewarn_init(&m->renames, TC_RENAMES_PER_MINUTE);
	ratewarn_init(&m->creates, TC_ROOM_CREATES_PER_MINUTE);
}

void member_set_name(struct member *m, const char *name)
{
	size_t n = strlen(name);

	memcpy(m->name, name, n + 1);
	m->namelen = (uint8_t)n;
}

bool member_closing(const struct member *m)
{
	return m->conn == NULL || m->conn->closing;
}

void member_put(struct member *m, const struct event *ev)
{
	const struct dialect *d = dialect_of(m);

	if (member_closing(m) || !d->render(ev, m, &scratch))
		return;
	d->put(m, buf_data(&scratch), buf_len(&scratch));
}

void member_deliver(struct member *m, const struct event *ev, struct render_cache *rc)
{
	const struct dialect *d = dialect_of(m);
	struct buf *b = &rc->out[m->dialect];

	if (member_closing(m))
		return;
	if (d->per_viewer) {
		if (d->render(ev, m, &scratch))
			d->deliver(m, buf_data(&scratch), buf_len(&scratch), ev->t);
		return;
	}
	if (!rc->done[m->dialect]) {
		rc->done[m->dialect] = true;
		if (!d->render(ev, m, b))
			buf_clear(b);
	}
	if (buf_len(b) > 0)
		d->deliver(m, buf_data(b), buf_len(b), ev->t);
}

void render_cache_reset(struct render_cache *rc)
{
	memset(rc->done, 0, sizeof(rc->done));
}

void render_cache_free(struct render_cache *rc)
{
	for (int i = 0; i < DIALECT_COUNT; i++)
		buf_free(&rc->out[i]);
	buf_free(&scratch);
}

static void notice(struct member *m, enum event_type type, const char *text)
{
	struct event ev = { .type = type, .text = text, .len = strlen(text) };

	member_put(m, &ev);
}

void member_info(struct member *m, const char *text)
{
	notice(m, EV_INFO, text);
}

void member_error(struct member *m, const char *text)
{
	notice(m, EV_ERR, text);
}

void member_prompt(struct member *m, time_t now)
{
	/* A rename waiting for the other servers prompts when it is decided (chat.c). */
	if (!member_closing(m) && m->renaming == NULL)
		dialect_of(m)->prompt(m, now);
}

void member_entered(struct member *m)
{
	dialect_of(m)->entered(m);
}

bool member_echoes_own(const struct member *m)
{
	return dialect_of(m)->echo_own;
}

int member_ignore_find(const struct member *m, const char *name, size_t len)
{
	for (int i = 0; i < m->nignored; i++)
		if (strlen(m->ignored[i]) == len && strncasecmp(m->ignored[i], name, len) == 0)
			return i;
	return -1;
}

bool member_ignores(const struct member *m, const char *name, size_t len)
{
	return m->nignored > 0 && member_ignore_find(m, name, len) >= 0;
}

void member_ignore_rename(struct member *m, const char *old, const char *name)
{
	int i = m->nignored > 0 ? member_ignore_find(m, old, strlen(old)) : -1;

	if (i >= 0) {
		free(m->ignored[i]);
		m->ignored[i] = xstrdup(name);
	}
}

void member_release(struct member *m)
{
	for (uint8_t i = 0; i < m->nignored; i++)
		free(m->ignored[i]);
	free(m->ignored);
	free(m->away);
	while (m->more != NULL) {       /* at shutdown the rooms are not left one by one */
		struct membership *mb = m->more;

		m->more = mb->next;
		free(mb);
	}
	m->ignored = NULL;
	m->away = NULL;
	m->nignored = 0;
	while (m->more != NULL) {     /* rooms still held at shutdown (no chat_leave) */
		struct membership *next = m->more->next;

		free(m->more);
		m->more = next;
	}
}

bool member_multi_room(const struct member *m)
{
	return dialect_of(m)->multi_room;
}

bool member_in(const struct member *m, const struct room *r)
{
	for (const struct membership *mb = member_rooms(m); mb != NULL;
	    mb = member_next_room(m, mb))
		if (mb->room == r)
			return true;
	return false;
}

const struct membership *member_rooms(const struct member *m)
{
	return m->home.room != NULL ? &m->home : m->more;
}

const struct membership *member_next_room(const struct member *m,
    const struct membership *mb)
{
	return mb == &m->home ? m->more : mb->next;
}

void member_hello(struct member *m, int version)
{
	char ans[32];
	int n;

	if (version > PROTO_VERSION_MAX)
		version = PROTO_VERSION_MAX;
	n = snprintf(ans, sizeof(ans), "%s%s\t%d\n", m->prompt_shown ? "\n" : "",
	    PROTO_HELLO_ANSWER, version);
	m->dialect = version >= 2 ? DIALECT_PROTO2 : DIALECT_PROTO;
	m->prompt_shown = false;
	if (!member_closing(m))
		conn_write(m->conn, ans, (size_t)n);
}
