/*
 * chat_check.h: a member's password checked off the event loop (the server password,
 * an operator's login; accounts next), through the guarded checks of pwcheck.h. While
 * the check runs the member's input waits (member_held); the answer goes to the front
 * end's continuation, then the member's protocol module goes on with what came
 * meanwhile (dialect resume). Without a checker (ch->pwcheck NULL: unit tests that
 * drive the chat without a loop) the check runs at once, on the caller's stack.
 */
#ifndef CHAT_CHECK_H
#define CHAT_CHECK_H

#include <stdbool.h>

#include "pwcheck.h"

struct chat;
struct member;

#define CHAT_CHECK_NAME_MAX 128 /* bytes of the account name carried to the answer */

/* The answer: res, for the account name the check was for. */
typedef void (*chat_checked)(struct chat *ch, struct member *m, enum pwcheck_result res,
    const char *name);

/* Check pass against hash for m (what: for the log, "server password", "operator
 * alice"); known false: no such account, the check costs the same and fails. cont runs
 * once, later (at once without a checker), unless chat_check_cancel came first (the
 * session does it when its connection ends). */
void chat_check_password(struct chat *ch, struct member *m, const char *what,
    const char *hash, bool known, const char *pass, const char *name, chat_checked cont);
/* m is going away: its check is dropped, its continuation never runs. */
void chat_check_cancel(struct chat *ch, struct member *m);

#endif
