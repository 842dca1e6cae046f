/*
 * client_net.h: resolving the server's address and connecting without blocking.
 *
 * client_net_open resolves HOST and PORT; client_net_next starts a non-blocking
 * connect to the next address (the caller waits for POLLOUT, then asks
 * client_net_result). Addresses are tried in the order getaddrinfo gives them.
 */
#ifndef CLIENT_NET_H
#define CLIENT_NET_H

struct client_net;

/* Resolve host:port. Returns NULL and a static reason in *err on failure. */
struct client_net *client_net_open(const char *host, int port, const char **err);
void client_net_free(struct client_net *cn);

/* Start connecting to the next address. Returns a non-blocking, close-on-exec fd
 * (connected or in progress), or -1 when every address failed (*err says why). */
int client_net_next(struct client_net *cn, const char **err);

/* Close an fd from client_net_next that never got a transport (connect failed). */
void client_net_close(int fd);

/* After POLLOUT on fd: 0 if connected (the next client_net_next starts again at the
 * first address), else -1 with the reason in *err. */
int client_net_result(struct client_net *cn, int fd, const char **err);

#endif
