/*
 * fuzz_known_hosts.c: libFuzzer harness over the client's known_hosts parser
 * (known_hosts_parse_line, known_hosts_lookup, known_hosts_rewrite,
 * known_hosts_fp_normalize): the file is the user's, but it may be hand-edited,
 * truncated or junk, and the client must neither crash nor trust wrongly.
 *
 * Input layout: byte 0 picks the port asked about (1..256, so the text's entries can
 * name it); then a first line, the host asked about; a second line, a fingerprint as a
 * user would type it; the rest is the file's text.
 *
 * Invariants checked:
 * - every line parses to an entry, a comment or malformed; an entry has a valid host,
 *   a port in 1..65535 and a canonical fingerprint (95 characters, normalising it
 *   again changes nothing);
 * - a fingerprint that normalises does so idempotently into the canonical form;
 * - for a valid host and fingerprint: after rewrite(text, fp) the lookup is MATCH on
 *   the line just added; after rewrite(that, NULL) it is UNKNOWN, and that text is
 *   exactly rewrite(text, NULL); the entries dropped are nonzero exactly when the
 *   lookup of the original text was not UNKNOWN.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fuzz_check.h"
#include "known_hosts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Cut the next line off *p (n bytes left) into a NUL-terminated copy. */
static char *next_line(const char **p, size_t *n)
{
	const char *nl = memchr(*p, '\n', *n);
	size_t len = nl != NULL ? (size_t)(nl - *p) : *n;
	char *s = malloc(len + 1);

	memcpy(s, *p, len);
	s[len] = '\0';
	*p += len + (nl != NULL);
	*n -= len + (nl != NULL);
	return s;
}

static bool canonical(const char *fp)
{
	char again[TLS_FP_MAX];

	return strlen(fp) == TLS_FP_MAX - 1 &&
	    known_hosts_fp_normalize(fp, strlen(fp), again) == 0 && strcmp(again, fp) == 0;
}

static void check_lines(const char *text, size_t n)
{
	for (size_t off = 0; off < n;) {
		const char *nl = memchr(text + off, '\n', n - off);
		size_t len = nl != NULL ? (size_t)(nl - (text + off)) : n - off;
		struct known_hosts_entry e;
		int r = known_hosts_parse_line(text + off, len, &e);

		FUZZ_CHECK(r >= -1 && r <= 1, "parse result out of range", text + off, len);
		if (r == 1) {
			FUZZ_CHECK(e.hostlen >= 1 && e.hostlen <= KNOWN_HOSTS_HOST_MAX &&
			    e.host >= text + off && e.host + e.hostlen <= text + off + len,
			    "entry host out of the line", text + off, len);
			FUZZ_CHECK(e.port >= 1 && e.port <= 65535, "entry port", text + off, len);
			FUZZ_CHECK(canonical(e.fp), "entry fingerprint not canonical", e.fp,
			    strlen(e.fp));
		}
		off += len + 1;
	}
}

static void check_update(const char *text, size_t n, const char *host, int port,
    const char *fp)
{
	struct buf added = { 0 }, removed = { 0 }, direct = { 0 };
	enum known_hosts_status before = known_hosts_lookup(text, n, host, port, fp, NULL, NULL);
	size_t dropped = known_hosts_rewrite(text, n, host, port, fp, &added), line = 0;

	FUZZ_CHECK((dropped > 0) == (before != KNOWN_HOSTS_UNKNOWN),
	    "dropped entries disagree with the lookup", text, n);
	FUZZ_CHECK(known_hosts_lookup(buf_data(&added), buf_len(&added), host, port, fp, NULL,
	    &line) == KNOWN_HOSTS_MATCH, "no match after adding", buf_data(&added),
	    buf_len(&added));
	known_hosts_rewrite(buf_data(&added), buf_len(&added), host, port, NULL, &removed);
	FUZZ_CHECK(known_hosts_lookup(buf_data(&removed), buf_len(&removed), host, port, fp,
	    NULL, NULL) == KNOWN_HOSTS_UNKNOWN, "still known after forgetting",
	    buf_data(&removed), buf_len(&removed));
	FUZZ_CHECK(known_hosts_rewrite(text, n, host, port, NULL, &direct) == dropped,
	    "forgetting drops a different count", text, n);
	FUZZ_CHECK(buf_len(&direct) == buf_len(&removed) &&
	    memcmp(buf_data(&direct), buf_data(&removed), buf_len(&direct)) == 0,
	    "add then forget is not forget", buf_data(&removed), buf_len(&removed));
	check_lines(buf_data(&added), buf_len(&added));
	buf_free(&added);
	buf_free(&removed);
	buf_free(&direct);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data + 1;
	size_t n = size - 1;
	char *host, *fpin, fp[TLS_FP_MAX];
	int port;

	if (size < 1)
		return 0;
	port = 1 + data[0];
	host = next_line(&p, &n);
	fpin = next_line(&p, &n);
	check_lines(p, n);
	if (known_hosts_fp_normalize(fpin, strlen(fpin), fp) == 0) {
		FUZZ_CHECK(canonical(fp), "normalised fingerprint not canonical", fp, strlen(fp));
		if (known_hosts_valid_host(host))
			check_update(p, n, host, port, fp);
	}
	(void)known_hosts_lookup(p, n, host, port, fpin, fp, NULL);
	free(host);
	free(fpin);
	return 0;
}
