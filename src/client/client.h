/* client.h: connect mode (the terminal client and the plain line client). */
#ifndef CLIENT_H
#define CLIENT_H

#include "options.h"

/* Run the client. Returns the process exit status. */
int client_main(const struct connect_options *opt);

#endif
