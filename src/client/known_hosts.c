/* known_hosts.c: the client's trusted-on-first-use certificates (see known_hosts.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "known_hosts.h"
#include "statedir.h"
#include "tclimits.h"
#include "util.h"

#define KNOWN_HOSTS_FP_BYTES 32  /* bytes of a SHA-256 fingerprint */
#define KNOWN_HOSTS_PORT_MAX 65535

static bool kh_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int known_hosts_fp_normalize(const char *in, size_t n, char out[TLS_FP_MAX])
{
	static const char digits[] = "0123456789ABCDEF";
	size_t nd = 0;

	while (n > 0 && kh_blank(in[n - 1]))
		n--;
	for (size_t i = 0; i < n; i++) {
		if (nd == 0 && kh_blank(in[i]))
			continue;
		if (in[i] == ':')
			continue;
		if (hex_value(in[i]) < 0 || nd == 2 * KNOWN_HOSTS_FP_BYTES)
			return -1;
		out[nd / 2 * 3 + nd % 2] = digits[hex_value(in[i])];
		nd++;
	}
	if (nd != 2 * KNOWN_HOSTS_FP_BYTES)
		return -1;
	for (size_t b = 0; b + 1 < KNOWN_HOSTS_FP_BYTES; b++)
		out[b * 3 + 2] = ':';
	out[TLS_FP_MAX - 1] = '\0';
	return 0;
}

/* A host's bytes: no blank, no control, not a comment. */
static bool kh_host_ok(const char *h, size_t n)
{
	if (n == 0 || n > KNOWN_HOSTS_HOST_MAX || h[0] == '#')
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)h[i] <= ' ' || h[i] == 0x7f)
			return false;
	return true;
}

bool known_hosts_valid_host(const char *host)
{
	return kh_host_ok(host, strnlen(host, KNOWN_HOSTS_HOST_MAX + 1));
}

/* The next field of line[*pos..n): its start and length; *pos moves past it. */
static size_t kh_field(const char *line, size_t n, size_t *pos, const char **start)
{
	size_t i = *pos, len = 0;

	while (i < n && kh_blank(line[i]))
		i++;
	*start = line + i;
	while (i + len < n && !kh_blank(line[i + len]))
		len++;
	*pos = i + len;
	return len;
}

static int kh_port(const char *s, size_t n)
{
	int port = 0;

	if (n == 0 || n > 5 || s[0] == '0')
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		port = port * 10 + (s[i] - '0');
	}
	return port <= KNOWN_HOSTS_PORT_MAX ? port : -1;
}

int known_hosts_parse_line(const char *line, size_t n, struct known_hosts_entry *e)
{
	const char *port, *fp, *rest;
	size_t pos = 0, portlen, fplen;

	e->hostlen = kh_field(line, n, &pos, &e->host);
	if (e->hostlen == 0 || e->host[0] == '#')
		return 0;
	portlen = kh_field(line, n, &pos, &port);
	fplen = kh_field(line, n, &pos, &fp);
	if (kh_field(line, n, &pos, &rest) != 0 || !kh_host_ok(e->host, e->hostlen))
		return -1;
	e->port = kh_port(port, portlen);
	if (e->port < 0 || known_hosts_fp_normalize(fp, fplen, e->fp) != 0)
		return -1;
	return 1;
}

static bool kh_same_host(const struct known_hosts_entry *e, const char *host, int port)
{
	return e->port == port && strlen(host) == e->hostlen &&
	    strncasecmp(e->host, host, e->hostlen) == 0;
}

/* Length of the line at text[off..n), without its newline. */
static size_t kh_line_len(const char *text, size_t n, size_t off)
{
	const char *nl = memchr(text + off, '\n', n - off);

	return nl != NULL ? (size_t)(nl - (text + off)) : n - off;
}

enum known_hosts_status known_hosts_lookup(const char *text, size_t n, const char *host,
    int port, const char *fp, char old[TLS_FP_MAX], size_t *line)
{
	enum known_hosts_status st = KNOWN_HOSTS_UNKNOWN;
	struct known_hosts_entry e;
	char want[TLS_FP_MAX] = "";
	size_t lineno = 0;

	(void)known_hosts_fp_normalize(fp, strlen(fp), want);   /* junk matches nothing */
	for (size_t off = 0; off < n; off += kh_line_len(text, n, off) + 1) {
		lineno++;
		if (known_hosts_parse_line(text + off, kh_line_len(text, n, off), &e) != 1 ||
		    !kh_same_host(&e, host, port))
			continue;
		if (strcmp(e.fp, want) == 0) {
			if (line != NULL)
				*line = lineno;
			return KNOWN_HOSTS_MATCH;
		}
		if (st == KNOWN_HOSTS_UNKNOWN) {
			st = KNOWN_HOSTS_CHANGED;
			if (old != NULL)
				memcpy(old, e.fp, TLS_FP_MAX);
			if (line != NULL)
				*line = lineno;
		}
	}
	return st;
}

size_t known_hosts_rewrite(const char *text, size_t n, const char *host, int port,
    const char *fp, struct buf *out)
{
	struct known_hosts_entry e;
	size_t dropped = 0;

	for (size_t off = 0; off < n; off += kh_line_len(text, n, off) + 1) {
		size_t len = kh_line_len(text, n, off);

		if (known_hosts_parse_line(text + off, len, &e) == 1 &&
		    kh_same_host(&e, host, port)) {
			dropped++;
			continue;
		}
		buf_append(out, text + off, len);
		buf_putc(out, '\n');
	}
	if (fp != NULL) {
		char port_s[16];

		snprintf(port_s, sizeof(port_s), " %d ", port);
		buf_append_str(out, host);
		buf_append_str(out, port_s);
		buf_append_str(out, fp);
		buf_putc(out, '\n');
	}
	return dropped;
}

/* --- the file ----------------------------------------------------------------- */

int known_hosts_path(char *out, size_t n, char *errbuf, size_t errsz)
{
	return statedir_path(out, n, NULL, KNOWN_HOSTS_FILE, errbuf, errsz);
}

static int kh_read(const char *path, struct buf *text, char *errbuf, size_t errsz)
{
	return statedir_read_file(path, TC_KNOWN_HOSTS_MAX_BYTES, text, errbuf, errsz) < 0 ?
	    -1 : 0;
}

int known_hosts_check(const char *path, const char *host, int port, const char *fp,
    char old[TLS_FP_MAX], size_t *line, char *errbuf, size_t errsz)
{
	struct buf text = { 0 };
	int st = -1;

	if (kh_read(path, &text, errbuf, errsz) == 0)
		st = (int)known_hosts_lookup(buf_data(&text), buf_len(&text), host, port, fp,
		    old, line);
	buf_free(&text);
	return st;
}

/* Read the file, rewrite it (fp NULL: forget), write it back. Entries dropped or -1. */
static int kh_update(const char *path, const char *host, int port, const char *fp,
    char *errbuf, size_t errsz)
{
	struct buf text = { 0 }, out = { 0 };
	int r = -1;

	if (!known_hosts_valid_host(host) || port <= 0 || port > KNOWN_HOSTS_PORT_MAX)
		snprintf(errbuf, errsz, "%s: cannot store host %s port %d", path, host, port);
	else if (kh_read(path, &text, errbuf, errsz) == 0) {
		r = (int)known_hosts_rewrite(buf_data(&text), buf_len(&text), host, port, fp, &out);
		if ((r > 0 || fp != NULL) && statedir_write_file(path, buf_data(&out), buf_len(&out), 0600, errbuf,
		    errsz) != 0)
			r = -1;
	}
	buf_free(&text);
	buf_free(&out);
	return r;
}

int known_hosts_add(const char *path, const char *host, int port, const char *fp,
    char *errbuf, size_t errsz)
{
	char canon[TLS_FP_MAX];

	if (known_hosts_fp_normalize(fp, strlen(fp), canon) != 0) {
		snprintf(errbuf, errsz, "not a SHA-256 fingerprint: %.100s", fp);
		return -1;
	}
	return kh_update(path, host, port, canon, errbuf, errsz) < 0 ? -1 : 0;
}

int known_hosts_forget(const char *path, const char *host, int port, char *errbuf,
    size_t errsz)
{
	return kh_update(path, host, port, NULL, errbuf, errsz);
}
