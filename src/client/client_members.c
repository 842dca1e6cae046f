/* client_members.c: the names in the client's room. See client_members.h. */
#include <stdlib.h>
#include <string.h>

#include "client_members.h"
#include "util.h"

void client_members_clear(struct client_members *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->names[i]);
	free(m->names);
	m->names = NULL;
	m->n = m->cap = 0;
}

static size_t find(const struct client_members *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->names[i], name) == 0)
			return i;
	return m->n;
}

void client_members_add(struct client_members *m, const char *name)
{
	if (find(m, name) < m->n)
		return;
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->names = xreallocarray(m->names, m->cap, sizeof(*m->names));
	}
	m->names[m->n++] = xstrdup(name);
}

void client_members_remove(struct client_members *m, const char *name)
{
	size_t i = find(m, name);

	if (i == m->n)
		return;
	free(m->names[i]);
	m->names[i] = m->names[--m->n];
}

void client_members_rename(struct client_members *m, const char *old, const char *name)
{
	size_t i = find(m, old);

	if (i == m->n)
		return;
	free(m->names[i]);
	m->names[i] = xstrdup(name);
}

char **client_members_copy(const struct client_members *m)
{
	char **copy = xcalloc(m->n + 1, sizeof(*copy));

	for (size_t i = 0; i < m->n; i++)
		copy[i] = xstrdup(m->names[i]);
	return copy;
}
