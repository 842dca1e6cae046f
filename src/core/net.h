/* net.h: listening sockets, accept, peer names. */
#ifndef NET_H
#define NET_H

#include <stdbool.h>
#include <stddef.h>

#define NET_PEER_MAX 64 /* bytes for "[addr]:port" */
#define NET_MAX_LISTEN 8

/* Listen on addr (NULL: every IPv4 and IPv6 address, one dual-stack socket when the
 * system has IPv6) and port (0: the kernel picks). Fills fds (at most NET_MAX_LISTEN).
 * Returns how many, or -1 with a reason in errbuf. */
/* SO_REUSEPORT on the listeners opened from now on (--reuse-port). */
void net_set_reuse_port(bool on);
int net_listen(const char *addr, int port, int *fds, char *errbuf, size_t errsz);
int net_local_port(int fd);
/* accept4 with O_NONBLOCK and O_CLOEXEC; -1 with errno on failure. */
int net_accept(int lfd, char peer[NET_PEER_MAX]);

/* Ask for a kernel send buffer of bytes (best effort: the kernel may double it). */
void net_set_sndbuf(int fd, int bytes);

#endif
