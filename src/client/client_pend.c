/* client_pend.c: our lines waiting for the server's echo. See client_pend.h. */
#include <stdlib.h>
#include <string.h>

#include "client_pend.h"
#include "tclimits.h"
#include "util.h"

static void drop(struct client_pend *p, size_t i)
{
	free(p->v[i].text);
	free(p->v[i].typed);
	memmove(p->v + i, p->v + i + 1, (p->n - i - 1) * sizeof(*p->v));
	p->n--;
}

void client_pend_add(struct client_pend *p, uint64_t id, int win, bool action,
    const char *text, const char *typed, int64_t deadline)
{
	p->v = xreallocarray(p->v, p->n + 1, sizeof(*p->v));
	p->v[p->n++] = (struct client_pend_line){ .id = id, .win = win, .action = action,
	    .text = xstrdup(text), .typed = xstrdup(typed), .deadline = deadline };
}

/* Past TC_CLIENT_FAILED_KEPT failed lines, the oldest are forgotten. */
static void trim_failed(struct client_pend *p)
{
	size_t failed = 0;

	for (size_t i = 0; i < p->n; i++)
		failed += p->v[i].failed;
	for (size_t i = 0; i < p->n && failed > TC_CLIENT_FAILED_KEPT;) {
		if (p->v[i].failed) {
			drop(p, i);
			failed--;
		} else {
			i++;
		}
	}
}

bool client_pend_expire(struct client_pend *p, int64_t now, client_pend_fn fn, void *arg)
{
	bool waiting = false;

	for (size_t i = 0; i < p->n; i++) {
		struct client_pend_line *l = &p->v[i];

		if (!l->failed && l->deadline <= now) {
			l->failed = true;
			fn(l, arg);
		}
		waiting |= !l->failed;
	}
	trim_failed(p);
	return waiting;
}

uint64_t client_pend_echo(struct client_pend *p, int win, bool action, const char *text)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct client_pend_line *l = &p->v[i];
		uint64_t id = l->id;

		if (l->win != win || l->action != action || strcmp(l->text, text) != 0)
			continue;
		drop(p, i);
		return id;
	}
	return 0;
}

void client_pend_window_closed(struct client_pend *p, int win)
{
	for (size_t k = p->n; k-- > 0;) {
		if (p->v[k].win == win)
			drop(p, k);
		else if (p->v[k].win > win)
			p->v[k].win--;
	}
}

void client_pend_free(struct client_pend *p)
{
	while (p->n > 0)
		drop(p, p->n - 1);
	free(p->v);
	p->v = NULL;
}
