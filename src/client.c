/* client.c: placeholder until the terminal client lands. */
#include <stdio.h>

#include "client.h"

int client_main(const struct connect_options *opt)
{
	(void)opt;
	fputs("tcpchat: connect is not built yet\n", stderr);
	return 1;
}
