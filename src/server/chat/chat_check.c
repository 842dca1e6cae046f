/* chat_check.c: a member's password checked off the loop (see chat_check.h).
 * Tested by tests/integration/test_operators.py (guesses answered after a message said
 * later, busy, the log; the --password-file prompts) and, checked at once, by
 * test_chat_oper.c and test_text.c; no unit test of its own: it joins pwcheck.c
 * (test_pwcheck.c) to a session's held input, which needs a loop and a connection. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chat.h"
#include "chat_check.h"
#include "conn.h"
#include "dialect.h"
#include "opers.h"
#include "util.h"

struct chat_check {
	struct chat *ch;
	struct member *m;
	struct pwcheck_req *req;
	chat_checked cont;
	char name[CHAT_CHECK_NAME_MAX + 1];
};

static void checked(void *arg, enum pwcheck_result res)
{
	struct chat_check *c = arg;
	struct chat *ch = c->ch;
	struct member *m = c->m;

	m->check = NULL;
	c->cont(ch, m, res, c->name);
	free(c);
	if (!member_closing(m))
		dialect_of(m)->resume(ch, m);    /* what it sent meanwhile */
}

void chat_check_password(struct chat *ch, struct member *m, const char *what,
    const char *hash, bool known, const char *pass, const char *name, chat_checked cont)
{
	struct chat_check *c;
	bool ok;

	if (ch->pwcheck == NULL) {      /* no loop: at once */
		ok = known && opers_verify(hash, pass) == 1;
		cont(ch, m, ok ? PWCHECK_OK : PWCHECK_WRONG, name);
		return;
	}
	c = xcalloc(1, sizeof(*c));
	*c = (struct chat_check){ .ch = ch, .m = m, .cont = cont };
	snprintf(c->name, sizeof(c->name), "%s", name != NULL ? name : "");
	m->check = c;
	c->req = pwcheck_start(ch->pwcheck, m->conn != NULL && m->conn->counted ?
	    &m->conn->addr : NULL, m->conn != NULL ? m->conn->peer : "-", what, hash, known,
	    pass, checked, c);
}

void chat_check_cancel(struct chat *ch, struct member *m)
{
	struct chat_check *c = m->check;

	if (c == NULL)
		return;
	pwcheck_cancel(ch->pwcheck, c->req);
	m->check = NULL;
	free(c);
}
