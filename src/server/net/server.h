/* server.h: serve mode. */
#ifndef SERVER_H
#define SERVER_H

#include "options.h"

/* Run the chat server until SIGINT/SIGTERM. Returns the process exit status. */
int server_main(const struct serve_options *opt);

#endif
