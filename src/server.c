/* server.c: placeholder. */
#include "server.h"

int server_main(const struct serve_options *opt)
{
	(void)opt;
	return 1;
}
