/*
 * pwcheck.h: password checks off the event loop, and the limits on guessing them.
 *
 * A check (crypt_r: 150-350 ms for a yescrypt hash) runs on a worker thread
 * (workers.h); its answer comes back on the loop, so a guesser never stalls the chat.
 * What a guesser gets is bounded three ways:
 *  - per connection: the caller's own tries (three for the server password, then
 *    goodbye);
 *  - per address (addrkey.h: an IPv4 address, an IPv6 /64): at most
 *    TC_PWCHECK_PER_ADDR checks at once (more are answered PWCHECK_BUSY at once), and
 *    once it failed TC_PWCHECK_FREE_FAILS times within TC_PWCHECK_WINDOW_S, every answer
 *    to it waits TC_PWCHECK_DELAY_MS, doubling with each further failure up to
 *    TC_PWCHECK_DELAY_MAX_MS;
 *  - server-wide: at most TC_PWCHECK_QUEUE checks wait for a worker (more are BUSY),
 *    and each TC_PWCHECK_SERVER_FAILS failures within a minute double a delay every
 *    answer waits, up to TC_PWCHECK_DELAY_MAX_MS.
 * Right and wrong answers wait the same, so the time does not tell. Failures are logged
 * at most TC_PWCHECK_LOG_PER_MINUTE lines a minute, the rest counted in the next line.
 */
#ifndef PWCHECK_H
#define PWCHECK_H

#include <stdbool.h>

#include "addrkey.h"

struct loop;
struct pwcheck;
struct pwcheck_req;

enum pwcheck_result {
	PWCHECK_OK,             /* the password is right */
	PWCHECK_WRONG,          /* it is not (or there is no such account) */
	PWCHECK_BUSY,           /* not checked: too many checks at once; try again */
};

typedef void (*pwcheck_done)(void *arg, enum pwcheck_result res);

struct pwcheck *pwcheck_new(struct loop *loop);
/* Pending answers are dropped (their done does not run). */
void pwcheck_free(struct pwcheck *pc);

/* Check password against hash (both copied) for what a peer at addr (NULL: not an IP
 * address) typed as `what` ("server password", "operator alice": for the log). known
 * false: the account does not exist; the check costs the same and answers WRONG.
 * done(arg, result) runs once, later, on the loop, unless pwcheck_cancel came first. */
struct pwcheck_req *pwcheck_start(struct pwcheck *pc, const struct addrkey *addr,
    const char *peer, const char *what, const char *hash, bool known,
    const char *password, pwcheck_done done, void *arg);
/* The asker is going away: done will not run. */
void pwcheck_cancel(struct pwcheck *pc, struct pwcheck_req *r);

/* For tests and /stats: checks started, failed, refused busy; the delay an answer to
 * addr would wait now. */
struct pwcheck_stats {
	unsigned long started, failed, busy;
};
const struct pwcheck_stats *pwcheck_stats(const struct pwcheck *pc);
long pwcheck_delay_ms(struct pwcheck *pc, const struct addrkey *addr);

#endif
