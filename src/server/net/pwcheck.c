/* pwcheck.c: password checks off the loop, and the limits on guessing (see pwcheck.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "loop.h"
#include "opers.h"
#include "pwcheck.h"
#include "ratewarn.h"
#include "tclimits.h"
#include "util.h"
#include "workers.h"

#define GUARD_PROBE 8           /* slots looked at for an address */

/* What an address did lately. */
struct guard {
	struct addrkey k;
	bool used;
	unsigned fails;             /* within TC_PWCHECK_WINDOW_S of the last one */
	unsigned inflight;          /* checks asked and not yet answered */
	int64_t last_ms;            /* its last failure (or check) */
};

enum req_state { AT_WORKER, WAITING };

struct pwcheck_req {
	struct work w;              /* first: the job */
	struct pwcheck *pc;
	struct pwcheck_req *prev, *next;
	enum req_state state;
	struct guard *g;            /* its address's, NULL when none */
	struct addrkey k;
	bool known, ok;
	enum pwcheck_result result;
	int64_t started_ms;
	uint64_t timer;
	pwcheck_done done;
	void *arg;
	char what[64], peer[64];
	char hash[TC_PASSWORD_HASH_MAX + 1];
	char password[TC_PASSWORD_MAX + 1];
};

struct pwcheck {
	struct loop *loop;
	struct workers *ws;
	struct guard guards[TC_PWCHECK_ADDRS];
	struct pwcheck_req *reqs;   /* every request not yet answered */
	unsigned server_fails;      /* within the current minute */
	int64_t server_window_ms;
	struct ratewarn warn;
	struct pwcheck_stats stats;
	bool freeing;
};

/* --- the address table --------------------------------------------------------------- */

static bool guard_stale(const struct guard *g, int64_t now)
{
	return g->inflight == 0 && now - g->last_ms >= (int64_t)TC_PWCHECK_WINDOW_S * 1000;
}

/* k's entry, made when there is none; an idle one that failed longest ago gives way. */
static struct guard *guard_get(struct pwcheck *pc, const struct addrkey *k, int64_t now)
{
	size_t at = addrkey_hash(k) % TC_PWCHECK_ADDRS;
	struct guard *free_slot = NULL, *oldest = NULL;

	for (size_t i = 0; i < GUARD_PROBE; i++) {
		struct guard *g = &pc->guards[(at + i) % TC_PWCHECK_ADDRS];

		if (g->used && addrkey_equal(&g->k, k))
			return g;
		if ((!g->used || guard_stale(g, now)) && free_slot == NULL)
			free_slot = g;
		if (g->inflight == 0 && (oldest == NULL || g->last_ms < oldest->last_ms))
			oldest = g;
	}
	if (free_slot == NULL)
		free_slot = oldest;     /* NULL only when all are busy: no address limit then */
	if (free_slot != NULL)
		*free_slot = (struct guard){ .k = *k, .used = true, .last_ms = now };
	return free_slot;
}

/* 0 under free failures, then base doubling with each more, at most the cap. */
static long doubling(unsigned fails, unsigned free_fails)
{
	long d = TC_PWCHECK_DELAY_MS;

	if (fails < free_fails)
		return 0;
	for (unsigned i = free_fails; i < fails && d < TC_PWCHECK_DELAY_MAX_MS; i++)
		d *= 2;
	return d < TC_PWCHECK_DELAY_MAX_MS ? d : TC_PWCHECK_DELAY_MAX_MS;
}

static void server_window(struct pwcheck *pc, int64_t now)
{
	if (now - pc->server_window_ms >= 60000) {
		pc->server_window_ms = now;
		pc->server_fails = 0;
	}
}

static long delay_for(struct pwcheck *pc, const struct guard *g, int64_t now)
{
	long a = 0, s;

	if (g != NULL && !guard_stale(g, now))
		a = doubling(g->fails, TC_PWCHECK_FREE_FAILS);
	server_window(pc, now);
	s = pc->server_fails >= TC_PWCHECK_SERVER_FAILS ?
	    doubling(pc->server_fails / TC_PWCHECK_SERVER_FAILS, 1) : 0;
	return a > s ? a : s;
}

long pwcheck_delay_ms(struct pwcheck *pc, const struct addrkey *addr)
{
	int64_t now = loop_now_ms();

	return delay_for(pc, addr != NULL ? guard_get(pc, addr, now) : NULL, now);
}

/* --- requests ------------------------------------------------------------------------ */

static void req_unlink(struct pwcheck_req *r)
{
	if (r->prev != NULL)
		r->prev->next = r->next;
	else
		r->pc->reqs = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
}

static void req_free(struct pwcheck_req *r)
{
	if (r->g != NULL && r->g->inflight > 0)
		r->g->inflight--;
	req_unlink(r);
	explicit_bzero(r->password, sizeof(r->password));
	free(r);
}

static void answer(struct loop *loop, void *arg)
{
	struct pwcheck_req *r = arg;
	pwcheck_done done = r->done;
	void *darg = r->arg;
	enum pwcheck_result res = r->result;

	(void)loop;
	r->timer = 0;
	req_free(r);
	done(darg, res);
}

/* Answer r at started + delay (now if that passed). */
static void answer_at(struct pwcheck_req *r, long delay_ms)
{
	int64_t left = r->started_ms + delay_ms - loop_now_ms();

	r->state = WAITING;
	r->timer = loop_timer_add(r->pc->loop, left > 0 ? left : 0, answer, r);
}

static void log_failure(struct pwcheck *pc, const struct pwcheck_req *r, int64_t now)
{
	unsigned long held;
	char more[48] = "";

	if (!ratewarn_allow(&pc->warn, now, &held))
		return;
	if (held > 0)
		snprintf(more, sizeof(more), " (%lu more not shown)", held);
	log_msg(LOG_WARN, "wrong %s from %s (%u failed from its address in %d min)%s",
	    r->what, r->peer, r->g != NULL ? r->g->fails : 0, TC_PWCHECK_WINDOW_S / 60, more);
}

static void failed(struct pwcheck *pc, struct pwcheck_req *r, int64_t now)
{
	pc->stats.failed++;
	server_window(pc, now);
	pc->server_fails++;
	if (r->g != NULL) {
		if (now - r->g->last_ms >= (int64_t)TC_PWCHECK_WINDOW_S * 1000)
			r->g->fails = 0;    /* the last failure is out of the window */
		r->g->fails++;
		r->g->last_ms = now;
	}
	log_failure(pc, r, now);
}

static void check_run(struct work *w)
{
	struct pwcheck_req *r = (struct pwcheck_req *)w;

	r->ok = opers_verify(r->hash, r->password) == 1 && r->known;
	explicit_bzero(r->password, sizeof(r->password));
}

static void check_done(struct work *w)
{
	struct pwcheck_req *r = (struct pwcheck_req *)w;
	struct pwcheck *pc = r->pc;
	int64_t now = loop_now_ms();

	if (w->cancelled || pc->freeing) {
		req_free(r);
		return;
	}
	r->result = r->ok ? PWCHECK_OK : PWCHECK_WRONG;
	if (!r->ok)
		failed(pc, r, now);
	answer_at(r, delay_for(pc, r->g, now));
}

static struct pwcheck_req *req_new(struct pwcheck *pc, const struct addrkey *addr,
    const char *peer, const char *what, pwcheck_done done, void *arg)
{
	struct pwcheck_req *r = xcalloc(1, sizeof(*r));

	r->pc = pc;
	r->done = done;
	r->arg = arg;
	r->started_ms = loop_now_ms();
	snprintf(r->peer, sizeof(r->peer), "%s", peer != NULL ? peer : "-");
	snprintf(r->what, sizeof(r->what), "%s", what);
	if (addr != NULL)
		r->g = guard_get(pc, addr, r->started_ms);
	r->next = pc->reqs;
	if (pc->reqs != NULL)
		pc->reqs->prev = r;
	pc->reqs = r;
	return r;
}

struct pwcheck_req *pwcheck_start(struct pwcheck *pc, const struct addrkey *addr,
    const char *peer, const char *what, const char *hash, bool known,
    const char *password, pwcheck_done done, void *arg)
{
	struct pwcheck_req *r = req_new(pc, addr, peer, what, done, arg);

	if ((r->g != NULL && r->g->inflight >= TC_PWCHECK_PER_ADDR) ||
	    strlen(hash) > TC_PASSWORD_HASH_MAX) {
		r->g = NULL;            /* not counted in flight */
		goto busy;
	}
	if (r->g != NULL)
		r->g->inflight++;
	snprintf(r->hash, sizeof(r->hash), "%s", hash);
	r->known = known && strlen(password) <= TC_PASSWORD_MAX;
	snprintf(r->password, sizeof(r->password), "%.*s", TC_PASSWORD_MAX, password);
	r->w = (struct work){ .run = check_run, .done = check_done };
	r->state = AT_WORKER;
	if (workers_submit(pc->ws, &r->w) == 0) {
		pc->stats.started++;
		return r;
	}
busy:
	pc->stats.busy++;
	r->result = PWCHECK_BUSY;
	answer_at(r, 0);
	return r;
}

void pwcheck_cancel(struct pwcheck *pc, struct pwcheck_req *r)
{
	(void)pc;
	if (r == NULL)
		return;
	if (r->state == AT_WORKER) {
		r->w.cancelled = true;  /* check_done frees it */
		return;
	}
	loop_timer_cancel(r->pc->loop, r->timer);
	req_free(r);
}

struct pwcheck *pwcheck_new(struct loop *loop)
{
	struct pwcheck *pc = xcalloc(1, sizeof(*pc));

	pc->loop = loop;
	pc->ws = workers_new(loop, TC_PWCHECK_THREADS, TC_PWCHECK_QUEUE);
	if (pc->ws == NULL)
		fatal("password checks: cannot start %d threads", TC_PWCHECK_THREADS);
	ratewarn_init(&pc->warn, TC_PWCHECK_LOG_PER_MINUTE);
	pc->server_window_ms = loop_now_ms();
	return pc;
}

void pwcheck_free(struct pwcheck *pc)
{
	if (pc == NULL)
		return;
	pc->freeing = true;
	workers_free(pc->ws);           /* each at a worker is freed by check_done */
	while (pc->reqs != NULL) {
		loop_timer_cancel(pc->loop, pc->reqs->timer);
		req_free(pc->reqs);
	}
	free(pc);
}

const struct pwcheck_stats *pwcheck_stats(const struct pwcheck *pc)
{
	return &pc->stats;
}
