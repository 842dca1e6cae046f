/* statedir.c: the state directory and its files (see statedir.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "statedir.h"
#include "util.h"

#define STATEDIR_MODE 0700

/* The directory's name, nothing created yet. */
static int statedir_choose(char *out, size_t n, const char *override, char *errbuf,
    size_t errsz)
{
	const char *sd = getenv("STATE_DIRECTORY"), *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	int len;

	if (override != NULL && override[0] != '\0')
		len = snprintf(out, n, "%s", override);
	else if (sd != NULL && sd[0] != '\0' && sd[0] != ':')
		len = snprintf(out, n, "%.*s", (int)strcspn(sd, ":"), sd);
	else if (xdg != NULL && xdg[0] == '/')
		len = snprintf(out, n, "%s/tcpchat", xdg);
	else if (home != NULL && home[0] == '/')
		len = snprintf(out, n, "%s/.local/state/tcpchat", home);
	else {
		snprintf(errbuf, errsz, "no state directory: set --state-dir, XDG_STATE_HOME or HOME");
		return -1;
	}
	if (len < 0 || (size_t)len >= n) {
		snprintf(errbuf, errsz, "state directory name too long");
		return -1;
	}
	return 0;
}

/* mkdir -p, each missing component mode 0700. */
static int statedir_mkdirs(char *dir, char *errbuf, size_t errsz)
{
	struct stat st;

	for (char *p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, STATEDIR_MODE) != 0 && errno != EEXIST) {
			snprintf(errbuf, errsz, "mkdir %s: %s", dir, strerror(errno));
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(dir, STATEDIR_MODE) != 0 && errno != EEXIST) {
		snprintf(errbuf, errsz, "mkdir %s: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(errbuf, errsz, "state directory %s is not a directory", dir);
		return -1;
	}
	return 0;
}

int statedir_dir(char *out, size_t n, const char *override, char *errbuf, size_t errsz)
{
	if (statedir_choose(out, n, override, errbuf, errsz) != 0)
		return -1;
	return statedir_mkdirs(out, errbuf, errsz);
}

int statedir_path(char *out, size_t n, const char *override, const char *file,
    char *errbuf, size_t errsz)
{
	size_t len;

	if (statedir_dir(out, n, override, errbuf, errsz) != 0)
		return -1;
	len = strlen(out);
	if ((size_t)snprintf(out + len, n - len, "/%s", file) >= n - len) {
		snprintf(errbuf, errsz, "state file name too long");
		return -1;
	}
	return 0;
}

int statedir_read_file(const char *path, size_t max, struct buf *out, char *errbuf,
    size_t errsz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	size_t total = 0;
	struct stat st;
	ssize_t r;

	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		snprintf(errbuf, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(errbuf, errsz, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	do {
		char *p = buf_reserve(out, 4096);

		r = read(fd, p, 4096);
		if (r > 0) {
			buf_commit(out, (size_t)r);
			total += (size_t)r;
		}
	} while ((r > 0 && total <= max) || (r < 0 && errno == EINTR));
	if (r < 0 || total > max) {
		snprintf(errbuf, errsz, "%s: %s", path,
		    r < 0 ? strerror(errno) : "file too large");
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int statedir_write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int statedir_write_file(const char *path, const void *p, size_t n, mode_t mode,
    char *errbuf, size_t errsz)
{
	char tmp[4096];
	int fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= sizeof(tmp)) {
		snprintf(errbuf, errsz, "%s: name too long", path);
		return -1;
	}
	fd = mkstemp(tmp);  /* O_EXCL, mode 0600 whatever the umask */
	if (fd < 0) {
		snprintf(errbuf, errsz, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	(void)fd_set_cloexec(fd);
	if (fchmod(fd, mode) != 0 || statedir_write_all(fd, p, n) != 0 || fsync(fd) != 0) {
		snprintf(errbuf, errsz, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		snprintf(errbuf, errsz, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
