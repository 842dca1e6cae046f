/* client.c: connect mode: picks the plain line client or the full-screen one. */
#include <locale.h>
#include <unistd.h>

#include "client.h"
#include "client_plain.h"
#include "client_tui.h"

int client_main(const struct connect_options *opt)
{
	setlocale(LC_ALL, "");
	if (opt->plain || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return client_plain_run(opt);
	return client_tui_run(opt);
}
