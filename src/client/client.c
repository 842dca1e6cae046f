/* client.c: connect mode: picks the plain line client or the full-screen one. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "client.h"
#include "client_plain.h"
#include "client_tui.h"

int client_main(const struct connect_options *opt)
{
	setlocale(LC_ALL, "");
	int status;

	if (opt->plain || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return client_plain_run(opt);
	status = client_tui_run(opt);
	if (status >= 0)
		return status;
	fprintf(stderr, "tcpchat: cannot use the terminal type '%s'; plain line mode\n",
	    getenv("TERM") ? getenv("TERM") : "");
	return client_plain_run(opt);
}
