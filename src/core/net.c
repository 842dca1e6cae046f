/* net.c: listening sockets (dual stack, port 0 allowed), accept, peer names.
 * Tested by tests/integration/test_nc_basics.py (port 0, test_ipv6_and_bind, the peer
 * names in the log) and test_cluster.py (test_reuse_port); no unit test: listening,
 * accepting and naming peers is the kernel's work on real sockets. */
#define _GNU_SOURCE /* accept4 */
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net.h"
#include "tclimits.h"
#include "util.h"

static void peer_name(const struct sockaddr *sa, socklen_t len, char out[NET_PEER_MAX])
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];

	if (getnameinfo(sa, len, host, sizeof(host), serv, sizeof(serv),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(out, NET_PEER_MAX, "?");
		return;
	}
	if (strncmp(host, "::ffff:", 7) == 0)
		memmove(host, host + 7, strlen(host + 7) + 1);
	snprintf(out, NET_PEER_MAX, strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, serv);
}

static bool reuse_port;

void net_set_reuse_port(bool on)
{
	reuse_port = on;
}

static int listen_one(const struct addrinfo *ai, int v6only, char *errbuf, size_t errsz)
{
	int fd, one = 1;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    ai->ai_protocol);
	if (fd < 0) {
		snprintf(errbuf, errsz, "socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (reuse_port)
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (ai->ai_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof(v6only));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
	    listen(fd, TC_LISTEN_BACKLOG) != 0) {
		char where[NET_PEER_MAX];

		peer_name(ai->ai_addr, ai->ai_addrlen, where);
		snprintf(errbuf, errsz, "cannot listen on %s: %s", where, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int net_listen(const char *addr, int port, int *fds, char *errbuf, size_t errsz)
{
	struct addrinfo hints, *res, *ai;
	char portstr[16];
	int n = 0, rc, fd;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	snprintf(portstr, sizeof(portstr), "%d", port);

	if (addr == NULL) {
		/* One IPv6 socket that also takes IPv4; plain IPv4 if IPv6 is missing. */
		hints.ai_family = AF_INET6;
		if (getaddrinfo(NULL, portstr, &hints, &res) == 0) {
			fd = listen_one(res, 0, errbuf, errsz);
			freeaddrinfo(res);
			if (fd >= 0) {
				fds[0] = fd;
				return 1;
			}
			if (strncmp(errbuf, "socket", 6) != 0)
				return -1; /* IPv6 works but the port is taken: no fallback */
		}
		hints.ai_family = AF_INET;
	} else {
		hints.ai_family = AF_UNSPEC;
	}
	rc = getaddrinfo(addr, portstr, &hints, &res);
	if (rc != 0) {
		snprintf(errbuf, errsz, "cannot resolve '%s': %s", addr ? addr : "*",
		    gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL && n < NET_MAX_LISTEN; ai = ai->ai_next) {
		/* With port 0 and several addresses, later ones reuse the first's port. */
		if (n > 0 && port == 0) {
			int p = net_local_port(fds[0]);

			if (ai->ai_family == AF_INET)
				((struct sockaddr_in *)ai->ai_addr)->sin_port = htons((uint16_t)p);
			else if (ai->ai_family == AF_INET6)
				((struct sockaddr_in6 *)ai->ai_addr)->sin6_port = htons((uint16_t)p);
		}
		fd = listen_one(ai, 1, errbuf, errsz);
		if (fd >= 0)
			fds[n++] = fd;
	}
	freeaddrinfo(res);
	return n > 0 ? n : -1;
}

int net_local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return -1;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

int net_accept(int lfd, char peer[NET_PEER_MAX])
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd >= 0) {
		int one = 1;

		/* Output is already batched per loop pass; Nagle would only add a delay
		 * (40 ms against a delayed ACK). */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		peer_name((struct sockaddr *)&ss, len, peer);
	}
	return fd;
}

void net_set_sndbuf(int fd, int bytes)
{
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof(bytes));
}
