/* client_net.c: address resolution and non-blocking connect. See client_net.h.
 * Tested by tests/integration/test_client_link.py (HOST:PORT and [V6ADDR]:PORT, a first
 * connection that fails exits 1) and test_client_plain.py (an unreachable server); no
 * unit test: it is getaddrinfo(3) and connect(2) and nothing else, so only a resolver
 * and real ports can check it. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client_net.h"
#include "util.h"

struct client_net {
	struct addrinfo *list;
	struct addrinfo *next;
	int last_errno;
};

struct client_net *client_net_open(const char *host, int port, const char **err)
{
	struct addrinfo hints, *list = NULL;
	struct client_net *cn;
	char service[16];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	snprintf(service, sizeof(service), "%d", port);
	rc = getaddrinfo(host, service, &hints, &list);
	if (rc == EAI_BADFLAGS || (rc != 0 && rc != EAI_SYSTEM && list == NULL)) {
		hints.ai_flags = 0;   /* AI_ADDRCONFIG hides loopback on hosts with no network */
		rc = getaddrinfo(host, service, &hints, &list);
	}
	if (rc != 0) {
		*err = rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc);
		return NULL;
	}
	cn = xcalloc(1, sizeof(*cn));
	cn->list = cn->next = list;
	cn->last_errno = ECONNREFUSED;
	return cn;
}

void client_net_free(struct client_net *cn)
{
	if (cn == NULL)
		return;
	freeaddrinfo(cn->list);
	free(cn);
}

int client_net_next(struct client_net *cn, const char **err)
{
	while (cn->next != NULL) {
		struct addrinfo *ai = cn->next;
		int fd;

		cn->next = ai->ai_next;
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0) {
			cn->last_errno = errno;
			continue;
		}
		fd_set_nonblock(fd);
		fd_set_cloexec(fd);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 || errno == EINPROGRESS)
			return fd;
		cn->last_errno = errno;
		close(fd);
	}
	cn->next = cn->list;   /* the next round starts over */
	*err = strerror(cn->last_errno);
	return -1;
}

void client_net_close(int fd)
{
	close(fd);
}

int client_net_result(struct client_net *cn, int fd, const char **err)
{
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
		soerr = errno;
	if (soerr == 0) {
		cn->next = cn->list;   /* connected: a reconnect starts at the first address */
		return 0;
	}
	cn->last_errno = soerr;
	*err = strerror(soerr);
	return -1;
}
