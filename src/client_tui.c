/* client_tui.c: placeholder. */
#include "client_plain.h"
#include "client_tui.h"

int client_tui_run(const struct connect_options *opt)
{
	return client_plain_run(opt);
}
