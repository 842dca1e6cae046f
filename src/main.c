/* main.c: subcommand dispatch and the classic TCPChat name; nothing else.
 * Tested by tests/integration/test_nc_basics.py (test_classic_name_and_usage,
 * test_cli_errors, test_version_and_options_before_the_subcommand) and test_docs.sh
 * (--help); no unit test: it is the program's entry point, and the parsing it calls is
 * options.c's (test_options.c). */
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "options.h"
#include "server.h"

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* "tcpchat --port 5": options before any subcommand are most likely the server's. */
static void suggest_serve(int argc, char **argv)
{
	fprintf(stderr, "tcpchat: options come after the subcommand; did you mean:\n  tcpchat serve");
	for (int i = 1; i < argc; i++)
		fprintf(stderr, " %s", argv[i]);
	fprintf(stderr, "\nTry 'tcpchat --help' for more information.\n");
}

int main(int argc, char **argv)
{
	struct serve_options sopt;
	struct connect_options copt;

	if (argc > 0 && strcmp(base_name(argv[0]), "TCPChat") == 0) {
		options_classic(argc, argv, &sopt);
		return server_main(&sopt);
	}
	if (argc < 2)
		options_usage(2);
	if (strcmp(argv[1], "serve") == 0) {
		options_serve(argc - 1, argv + 1, &sopt);
		return server_main(&sopt);
	}
	if (strcmp(argv[1], "connect") == 0) {
		options_connect(argc - 1, argv + 1, &copt);
		return client_main(&copt);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
		options_usage(0);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
		options_version();
	if (argv[1][0] == '-') {
		suggest_serve(argc, argv);
		return 2;
	}
	fprintf(stderr, "tcpchat: unknown subcommand '%s'\n", argv[1]);
	fprintf(stderr, "Try 'tcpchat --help' for more information.\n");
	return 2;
}
