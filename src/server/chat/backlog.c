/* backlog.c: a ring of a room's recent messages and actions. */
#include <stdlib.h>
#include <string.h>

#include "backlog.h"
#include "names.h"
#include "util.h"

_Static_assert(NAME_MAX_BYTES <= UINT16_MAX, "a name's length fits hentry.namelen");

void backlog_init(struct backlog *h, size_t max, size_t max_bytes)
{
	*h = (struct backlog){ .max = max, .max_bytes = max_bytes };
}

static void drop_oldest(struct backlog *h)
{
	struct hentry *e = h->ring[h->head];

	h->bytes -= e->namelen + e->textlen;
	free(e);
	h->ring[h->head] = NULL;
	h->head = (h->head + 1) % h->cap;
	h->count--;
}

static void grow(struct backlog *h)
{
	size_t cap = h->cap ? h->cap * 2 : 16;
	struct hentry **ring;

	if (cap > h->max)
		cap = h->max;
	ring = xcalloc(cap, sizeof(*ring));
	for (size_t i = 0; i < h->count; i++)
		ring[i] = h->ring[(h->head + i) % h->cap];
	free(h->ring);
	h->ring = ring;
	h->cap = cap;
	h->head = 0;
}

void backlog_add(struct backlog *h, time_t t, enum say_kind kind, const char *name,
    size_t namelen, const char *text, size_t textlen)
{
	struct hentry *e;

	if (h->max == 0)
		return;
	while (h->count > 0 && (h->count == h->max ||
	    h->bytes + namelen + textlen > h->max_bytes))
		drop_oldest(h);
	if (h->count == h->cap)
		grow(h);
	e = xmalloc(sizeof(*e) + namelen + textlen + 2);
	e->t = t;
	e->namelen = (uint16_t)namelen;
	e->textlen = (uint32_t)textlen;
	e->kind = kind == SAY_ACTION ? SAY_ACTION : SAY_MSG;
	memcpy(e->data, name, namelen);
	e->data[namelen] = '\0';
	memcpy(e->data + namelen + 1, text, textlen);
	e->data[namelen + 1 + textlen] = '\0';
	h->ring[(h->head + h->count) % h->cap] = e;
	h->count++;
	h->bytes += namelen + textlen;
}

const struct hentry *backlog_get(const struct backlog *h, size_t i)
{
	return i < h->count ? h->ring[(h->head + i) % h->cap] : NULL;
}

size_t backlog_purge(struct backlog *h, int (*drop)(const char *name, const void *arg), const void *arg)
{
	size_t kept = 0, n = h->count;

	for (size_t i = 0; i < n; i++) {
		struct hentry *e = h->ring[(h->head + i) % h->cap];

		h->ring[(h->head + i) % h->cap] = NULL;
		if (drop(hentry_name(e), arg)) {
			h->bytes -= e->namelen + e->textlen;
			free(e);
		} else {
			h->ring[(h->head + kept++) % h->cap] = e;
		}
	}
	h->count = kept;
	return n - kept;
}

void backlog_free(struct backlog *h)
{
	while (h->count > 0)
		drop_oldest(h);
	free(h->ring);
	backlog_init(h, h->max, h->max_bytes);
}
