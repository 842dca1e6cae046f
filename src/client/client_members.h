/* client_members.h: the names in the client's room (status count, Tab completion), pure. */
#ifndef CLIENT_MEMBERS_H
#define CLIENT_MEMBERS_H

#include <stddef.h>

struct client_members {
	char **names;
	size_t n, cap;
};

void client_members_clear(struct client_members *m);
void client_members_add(struct client_members *m, const char *name);   /* no duplicates */
void client_members_remove(struct client_members *m, const char *name);
void client_members_rename(struct client_members *m, const char *old, const char *name);
/* A malloc'd NULL-terminated copy of the names (for completion). */
char **client_members_copy(const struct client_members *m);

#endif
