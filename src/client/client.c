/* client.c: connect mode: picks the plain line client or the full-screen one.
 * Tested by tests/integration/test_client_plain.py and test_client_tui.py (a pipe gets
 * the plain client, a terminal the full-screen one) and test_tls.py (a bad
 * --tls-fingerprint is a usage error before connecting); no unit test: it only picks a
 * front end by isatty(3) and the options. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <string.h>

#include "client.h"
#include "client_plain.h"
#include "client_tui.h"
#include "known_hosts.h"

/* A pin that is no fingerprint is a usage error (exit 2), found before connecting. */
static void check_pin(const char *fp)
{
	char canon[TLS_FP_MAX];

	if (fp == NULL || known_hosts_fp_normalize(fp, strlen(fp), canon) == 0)
		return;
	fprintf(stderr, "tcpchat connect: --tls-fingerprint: not a SHA-256 fingerprint '%.100s'\n"
	    "Try 'tcpchat connect --help' for more information.\n", fp);
	exit(2);
}

int client_main(const struct connect_options *opt)
{
	setlocale(LC_ALL, "");
	int status;

	check_pin(opt->tls_fingerprint);
	if (opt->plain || !isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return client_plain_run(opt);
	status = client_tui_run(opt);
	if (status >= 0)
		return status;
	fprintf(stderr, "tcpchat: cannot use the terminal type '%s'; plain line mode\n",
	    getenv("TERM") ? getenv("TERM") : "");
	return client_plain_run(opt);
}
