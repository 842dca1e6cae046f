/* addrlimit.c: connections at once and new connections a minute, per address.
 * A chained hash table of entries; entries without connections also sit on an idle
 * list, oldest first, which is what is freed or forgotten first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addrlimit.h"
#include "ratewarn.h"
#include "tclimits.h"
#include "util.h"

/* Tokens are counted in 1/60000ths, so a refill of per_minute units a millisecond is
 * exact integer arithmetic (floating point lost a token over a few thousand steps). */
#define ADDRLIMIT_TOKEN 60000 /* units in one token: milliseconds in a minute */

struct al_entry {
	struct addrkey key;
	unsigned count;               /* connections open now */
	int64_t tokens;               /* new connections it may open now, in ADDRLIMIT_TOKEN units */
	int64_t last_ms;              /* when tokens was brought up to date */
	struct al_entry *hnext;       /* hash chain */
	struct al_entry *prev, *next; /* idle list, while count == 0 */
	struct ratewarn creates;      /* rooms created from this address (a fixed window) */
};

struct addrlimit {
	unsigned at_once, per_minute, burst;
	size_t max_entries, entries;
	size_t nbuckets; /* a power of two */
	struct al_entry **buckets;
	struct al_entry *idle_head, *idle_tail;
};

struct addrlimit *addrlimit_new(unsigned at_once, unsigned per_minute, unsigned burst,
    size_t max_entries)
{
	struct addrlimit *al = xcalloc(1, sizeof(*al));

	al->at_once = at_once;
	al->per_minute = per_minute;
	al->burst = burst > 0 ? burst : (per_minute > 0 ? per_minute : 1);
	al->max_entries = max_entries > 0 ? max_entries : 1;
	al->nbuckets = 16;
	while (al->nbuckets < al->max_entries)
		al->nbuckets *= 2;
	al->buckets = xcalloc(al->nbuckets, sizeof(*al->buckets));
	return al;
}

void addrlimit_free(struct addrlimit *al)
{
	if (al == NULL)
		return;
	for (size_t i = 0; i < al->nbuckets; i++) {
		while (al->buckets[i] != NULL) {
			struct al_entry *e = al->buckets[i];

			al->buckets[i] = e->hnext;
			free(e);
		}
	}
	free(al->buckets);
	free(al);
}

static struct al_entry **addrlimit_slot(const struct addrlimit *al, const struct addrkey *k)
{
	struct al_entry **pp = &al->buckets[addrkey_hash(k) & (al->nbuckets - 1)];

	while (*pp != NULL && !addrkey_equal(&(*pp)->key, k))
		pp = &(*pp)->hnext;
	return pp;
}

static void addrlimit_idle_unlink(struct addrlimit *al, struct al_entry *e)
{
	*(e->prev ? &e->prev->next : &al->idle_head) = e->next;
	*(e->next ? &e->next->prev : &al->idle_tail) = e->prev;
	e->prev = e->next = NULL;
}

static void addrlimit_idle_append(struct addrlimit *al, struct al_entry *e)
{
	e->next = NULL;
	e->prev = al->idle_tail;
	*(al->idle_tail ? &al->idle_tail->next : &al->idle_head) = e;
	al->idle_tail = e;
}

/* Free an entry with no connections (it is on the idle list). */
static void addrlimit_drop(struct addrlimit *al, struct al_entry *e)
{
	struct al_entry **pp = addrlimit_slot(al, &e->key);

	*pp = e->hnext;
	addrlimit_idle_unlink(al, e);
	al->entries--;
	free(e);
}

static void addrlimit_refill(const struct addrlimit *al, struct al_entry *e, int64_t now_ms)
{
	int64_t full = (int64_t)al->burst * ADDRLIMIT_TOKEN;

	if (now_ms > e->last_ms) {
		int64_t dt = now_ms - e->last_ms;

		/* capped before multiplying: an old entry cannot overflow */
		e->tokens = dt >= full ? full : e->tokens + dt * al->per_minute;
		if (e->tokens > full)
			e->tokens = full;
	}
	e->last_ms = now_ms;
}

/* Whether an idle entry holds nothing worth remembering (no rate, or a full bucket). */
static int addrlimit_forgettable(const struct addrlimit *al, struct al_entry *e, int64_t now_ms)
{
	if (al->per_minute == 0)
		return 1;
	addrlimit_refill(al, e, now_ms);
	return e->tokens >= (int64_t)al->burst * ADDRLIMIT_TOKEN;
}

/* A new entry for k, forgetting the oldest idle one when the table is full. */
static struct al_entry *addrlimit_create(struct addrlimit *al, const struct addrkey *k,
    int64_t now_ms)
{
	struct al_entry *e;

	if (al->entries >= al->max_entries) {
		if (al->idle_head == NULL)
			return NULL;
		addrlimit_drop(al, al->idle_head);
	}
	e = xcalloc(1, sizeof(*e));
	e->key = *k;
	e->tokens = (int64_t)al->burst * ADDRLIMIT_TOKEN;
	e->last_ms = now_ms;
	e->hnext = *addrlimit_slot(al, k);
	*addrlimit_slot(al, k) = e;
	addrlimit_idle_append(al, e);
	al->entries++;
	return e;
}

/* One step of the sweep on every call: free the oldest idle entry if it is done. */
static void addrlimit_trim(struct addrlimit *al, int64_t now_ms)
{
	if (al->idle_head != NULL && addrlimit_forgettable(al, al->idle_head, now_ms))
		addrlimit_drop(al, al->idle_head);
}

static enum addrlimit_verdict addrlimit_judge(struct addrlimit *al, struct al_entry *e,
    int64_t now_ms)
{
	addrlimit_refill(al, e, now_ms);
	if (al->at_once > 0 && e->count >= al->at_once)
		return ADDRLIMIT_AT_ONCE;
	if (al->per_minute > 0 && e->tokens < ADDRLIMIT_TOKEN)
		return ADDRLIMIT_RATE;
	if (al->per_minute > 0)
		e->tokens -= ADDRLIMIT_TOKEN;
	return ADDRLIMIT_OK;
}

enum addrlimit_verdict addrlimit_admit(struct addrlimit *al, const struct addrkey *k,
    int64_t now_ms)
{
	struct al_entry *e;
	enum addrlimit_verdict v;

	addrlimit_trim(al, now_ms); /* before the lookup: it may free this entry */
	e = *addrlimit_slot(al, k);
	if (e == NULL)
		e = addrlimit_create(al, k, now_ms);
	if (e == NULL)
		return ADDRLIMIT_TABLE_FULL;
	v = addrlimit_judge(al, e, now_ms);
	if (e->count == 0)
		addrlimit_idle_unlink(al, e); /* taken off, and put back last when refused */
	if (v == ADDRLIMIT_OK)
		e->count++;
	else if (e->count == 0)
		addrlimit_idle_append(al, e);
	return v;
}

void addrlimit_release(struct addrlimit *al, const struct addrkey *k, int64_t now_ms)
{
	struct al_entry *e = *addrlimit_slot(al, k);

	if (e == NULL || e->count == 0)
		return;
	if (--e->count > 0)
		return;
	addrlimit_idle_append(al, e);
	if (addrlimit_forgettable(al, e, now_ms))
		addrlimit_drop(al, e);
	addrlimit_trim(al, now_ms);
}

void addrlimit_sweep(struct addrlimit *al, int64_t now_ms)
{
	struct al_entry *e = al->idle_head;

	while (e != NULL) {
		struct al_entry *next = e->next;

		if (addrlimit_forgettable(al, e, now_ms))
			addrlimit_drop(al, e);
		e = next;
	}
}

size_t addrlimit_entries(const struct addrlimit *al)
{
	return al->entries;
}

unsigned addrlimit_count(const struct addrlimit *al, const struct addrkey *k)
{
	const struct al_entry *e = *addrlimit_slot(al, k);

	return e ? e->count : 0;
}

const char *addrlimit_reason(const struct addrlimit *al, enum addrlimit_verdict v,
    char *buf, size_t bufsz)
{
	switch (v) {
	case ADDRLIMIT_AT_ONCE:
		snprintf(buf, bufsz, "too many connections from your address (at most %u at once)",
		    al->at_once);
		break;
	case ADDRLIMIT_RATE:
		snprintf(buf, bufsz, "too many new connections from your address (at most %u a "
		    "minute); try again in a minute", al->per_minute);
		break;
	case ADDRLIMIT_TABLE_FULL:
		snprintf(buf, bufsz, "the server is busy; try again later");
		break;
	case ADDRLIMIT_OK:
		snprintf(buf, bufsz, "ok");
		break;
	}
	return buf;
}

bool addrlimit_room_create(struct addrlimit *al, const struct addrkey *k, int64_t now_ms)
{
	struct al_entry *e = *addrlimit_slot(al, k);
	unsigned long held;

	if (e == NULL)          /* no connection counted for it: nothing to charge */
		return true;
	if (e->creates.per_minute == 0)
		ratewarn_init(&e->creates, TC_ADDR_ROOM_CREATES_PER_MINUTE);
	return ratewarn_allow(&e->creates, now_ms, &held) != 0;
}
