/* tmpdir.h: a scratch directory for one cmocka program (header only, static).
 * Define TMPDIR_NAME ("/tmp/test_x.XXXXXX") before including; tmpdir_make() in the group
 * setup, tmpdir_remove() in the group teardown. */
#ifndef TMPDIR_H
#define TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

static char tmpdir[] = TMPDIR_NAME;

static int tmpdir_make(void)
{
	return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int tmpdir_remove(void)
{
	char cmd[sizeof(tmpdir) + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
