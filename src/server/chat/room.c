/* room.c: rooms, members (O(1) join and leave), history per room. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "names.h"
#include "room.h"
#include "utf8.h"
#include "util.h"

void rooms_init(struct rooms *rs, size_t hist_max)
{
	*rs = (struct rooms){ .hist_max = hist_max };
	strtab_init(&rs->byname, true);
}

static void room_free(struct room *r)
{
	backlog_free(&r->hist);
	free(r->topic);
	free(r);
}

void rooms_free(struct rooms *rs)
{
	struct room *r, *next;

	for (r = rs->list; r != NULL; r = next) {
		next = r->next;
		room_free(r);
	}
	rs->list = NULL;
	rs->count = 0;
	strtab_free(&rs->byname);
}

const char *room_check_name(const char *raw, size_t n, char *out)
{
	if (n > 0 && raw[0] == '#')
		raw++, n--;
	if (n == 0)
		return "Room name cannot be empty.";
	if (n > ROOM_NAME_MAX_BYTES)
		return "Room name is too long (at most 32 characters).";
	for (size_t i = 0; i < n; i++) {
		char ch = raw[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.'))
			return "Room names use letters, digits, '-', '_' and '.' only.";
	}
	memcpy(out, raw, n);
	out[n] = '\0';
	return NULL;
}

struct room *rooms_find(const struct rooms *rs, const char *name)
{
	return strtab_get(&rs->byname, name, strlen(name));
}

static void unlink_room(struct rooms *rs, struct room *r)
{
	strtab_del(&rs->byname, r->name, strlen(r->name));
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		rs->list = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	rs->count--;
	room_free(r);
}

int rooms_evict(struct rooms *rs, char victim[ROOM_NAME_MAX_BYTES + 1])
{
	struct room *old = NULL;

	for (struct room *r = rs->list; r != NULL; r = r->next)
		if (r->nmembers == 0 && !names_equal(r->name, TC_DEFAULT_ROOM) &&
		    (old == NULL || r->active < old->active))
			old = r;
	if (old == NULL)
		return -1;
	memcpy(victim, old->name, sizeof(old->name));
	unlink_room(rs, old);
	return 0;
}

void rooms_drop(struct rooms *rs, const char *name)
{
	struct room *r = rooms_find(rs, name);

	if (r != NULL && r->nmembers == 0 && !names_equal(r->name, TC_DEFAULT_ROOM))
		unlink_room(rs, r);
}

struct room *rooms_get_any(struct rooms *rs, const char *name)
{
	struct room *r = rooms_find(rs, name);

	if (r != NULL)
		return r;
	r = xcalloc(1, sizeof(*r));
	strncpy(r->name, name, sizeof(r->name) - 1);
	r->members.next = r->members.prev = &r->members;
	backlog_init(&r->hist, rs->hist_max, TC_HISTORY_MAX_BYTES);
	r->active = time(NULL);
	r->serial = ++rs->made;
	r->next = rs->list;
	if (rs->list != NULL)
		rs->list->prev = r;
	rs->list = r;
	rs->count++;
	strtab_put(&rs->byname, r->name, strlen(r->name), r);
	return r;
}

struct room *rooms_get(struct rooms *rs, const char *name)
{
	struct room *r = rooms_find(rs, name);

	if (r != NULL || rs->count >= TC_MAX_ROOMS)
		return r;
	return rooms_get_any(rs, name);
}

void rooms_tidy(struct rooms *rs, struct room *r)
{
	if (r->nmembers == 0 && r->hist.count == 0 && r->topic == NULL && !names_equal(r->name, TC_DEFAULT_ROOM))
		unlink_room(rs, r);
}

/* A free membership of m: home if unused, else a new one on its list. */
static struct membership *free_membership(struct member *m)
{
	struct membership *mb;

	if (m->home.room == NULL)
		return &m->home;
	mb = xcalloc(1, sizeof(*mb));
	mb->m = m;
	mb->next = m->more;
	m->more = mb;
	return mb;
}

void room_add(struct rooms *rs, struct room *r, struct member *m)
{
	struct membership *mb = free_membership(m);
	struct member_link *l = &mb->link;

	(void)rs;
	mb->room = r;
	l->prev = r->members.prev;
	l->next = &r->members;
	r->members.prev->next = l;
	r->members.prev = l;
	r->nmembers++;
	m->room = r;
}

/* Forget membership mb of m (unlinked already). */
static void drop_membership(struct member *m, struct membership *mb)
{
	mb->room = NULL;
	if (mb == &m->home)
		return;
	for (struct membership **pp = &m->more; *pp != NULL; pp = &(*pp)->next)
		if (*pp == mb) {
			*pp = mb->next;
			free(mb);
			return;
		}
}

void room_remove(struct room *r, struct member *m)
{
	struct membership *mb = &m->home;

	if (mb->room != r)
		for (mb = m->more; mb != NULL && mb->room != r; mb = mb->next)
			;
	if (mb == NULL)
		return;
	mb->link.prev->next = mb->link.next;
	mb->link.next->prev = mb->link.prev;
	mb->link.prev = mb->link.next = NULL;
	r->nmembers--;
	drop_membership(m, mb);
	if (m->room == r) {
		const struct membership *other = member_rooms(m);

		m->room = other != NULL ? other->room : NULL;
	}
}

void room_set_topic(struct room *r, const char *by, const char *src, time_t t,
    const char *text, size_t len)
{
	snprintf(r->topic_by, sizeof(r->topic_by), "%s", by);
	snprintf(r->topic_src, sizeof(r->topic_src), "%s", src);
	r->topic_at = t;
	free(r->topic);
	r->topic = NULL;
	if (len > TC_TOPIC_MAX)
		len = utf8_cut(text, len, TC_TOPIC_MAX);
	if (len > 0)
		r->topic = xstrndup(text, len);
}

void room_topic_news(const struct room *r, const char *by, size_t bylen, char *out,
    size_t outsz)
{
	if (r->topic != NULL)
		snprintf(out, outsz, "%.*s set the topic of %s: %s", (int)bylen, by, r->name,
		    r->topic);
	else
		snprintf(out, outsz, "%.*s cleared the topic of %s.", (int)bylen, by, r->name);
}
