/* client_plain.h: the plain line client (stdin or stdout not a terminal, or --plain). */
#ifndef CLIENT_PLAIN_H
#define CLIENT_PLAIN_H

#include "options.h"

/* Each input line is a message (the first is the name when none was given); incoming
 * records are printed as plain lines. A refused name is retried with the next input
 * line, unless it came from -n. Returns the exit status: 0 after end of input once
 * every line was sent, 1 when the connection fails or is lost or the -n name is refused. */
int client_plain_run(const struct connect_options *opt);

#endif
