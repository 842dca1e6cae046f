/* client_windows.c: the windows of the screen client. See client_windows.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "client_windows.h"
#include "util.h"

int client_windows_find(const struct client_windows *cw, const char *name, bool priv)
{
	for (int i = 0; i < cw->n; i++)
		if (cw->w[i].priv == priv && strcasecmp(cw->w[i].name, name) == 0)
			return i;
	return -1;
}

int client_windows_open(struct client_windows *cw, const char *name, bool priv)
{
	int i = client_windows_find(cw, name, priv);

	if (i >= 0)
		return i;
	if (cw->n >= TC_CLIENT_MAX_WINDOWS)
		return -1;
	i = cw->n++;
	memset(&cw->w[i], 0, sizeof(cw->w[i]));
	cw->w[i].name = xstrdup(name);
	cw->w[i].priv = priv;
	return i;
}

void client_windows_close(struct client_windows *cw, int i)
{
	if (i < 0 || i >= cw->n || cw->n == 1)
		return;
	free(cw->w[i].name);
	client_members_clear(&cw->w[i].members);
	memmove(&cw->w[i], &cw->w[i + 1], (size_t)(cw->n - i - 1) * sizeof(cw->w[0]));
	cw->n--;
	if (cw->active > i || cw->active >= cw->n)
		cw->active--;
	if (cw->active < 0)
		cw->active = 0;
}

void client_windows_rename(struct client_windows *cw, int i, const char *name)
{
	if (i < 0 || i >= cw->n)
		return;
	free(cw->w[i].name);
	cw->w[i].name = xstrdup(name);
}

void client_windows_line(struct client_windows *cw, int i, bool mention, bool seeing)
{
	if (i < 0 || i >= cw->n || (i == cw->active && seeing))
		return;
	cw->w[i].unread++;
	if (mention)
		cw->w[i].mentions++;
}

void client_windows_select(struct client_windows *cw, int i)
{
	if (i < 0 || i >= cw->n)
		return;
	cw->active = i;
	client_windows_seen(cw);
}

void client_windows_seen(struct client_windows *cw)
{
	if (cw->n > 0)
		cw->w[cw->active].unread = cw->w[cw->active].mentions = 0;
}

void client_windows_act(const struct client_windows *cw, char *out, size_t n)
{
	size_t len = 0;

	if (n == 0)
		return;
	out[0] = '\0';
	for (int i = 0; i < cw->n && len < n; i++) {
		if (cw->w[i].unread == 0)
			continue;
		len += (size_t)snprintf(out + len, n - len, "%s%d%s", len ? "," : "[Act: ", i + 1,
		    cw->w[i].mentions ? "!" : "");
	}
	if (len > 0 && len < n)
		snprintf(out + len, n - len, "]");
}

int client_windows_mentions(const struct client_windows *cw)
{
	int sum = 0;

	for (int i = 0; i < cw->n; i++)
		sum += cw->w[i].mentions;
	return sum;
}

static void add_name(char ***v, size_t *n, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i], name) == 0)
			return;
	*v = xreallocarray(*v, *n + 2, sizeof(**v));
	(*v)[(*n)++] = xstrdup(name);
	(*v)[*n] = NULL;
}

char **client_windows_names(const struct client_windows *cw)
{
	char **v = xcalloc(1, sizeof(*v));
	size_t n = 0;

	for (int i = 0; i < cw->n; i++) {
		const struct client_window *w = &cw->w[i];

		for (size_t k = 0; k < w->members.n; k++)
			add_name(&v, &n, w->members.names[k]);
		if (w->priv)
			add_name(&v, &n, w->name);
	}
	return v;
}

void client_windows_free(struct client_windows *cw)
{
	for (int i = 0; i < cw->n; i++) {
		free(cw->w[i].name);
		client_members_clear(&cw->w[i].members);
	}
	cw->n = cw->active = 0;
}
