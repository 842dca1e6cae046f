/*
 * client_tls.h: `tcpchat connect --tls`: the TLS transport the client's connection is
 * made with (client_conn_set_transport) and the trust decision taken after each
 * handshake, before a byte is sent (tcpchat(1), TLS):
 *   1. with --tls-fingerprint, that fingerprint and nothing else is accepted;
 *   2. a certificate that verifies against the system's CAs for HOST is accepted;
 *   3. else known_hosts (known_hosts.h): MATCH accepted, CHANGED refused loudly,
 *      UNKNOWN is the front end's to decide (the screen asks, the plain mode refuses).
 */
#ifndef CLIENT_TLS_H
#define CLIENT_TLS_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "options.h"
#include "tls.h"

struct transport;

enum client_tls_verdict {
	CLIENT_TLS_CA,          /* verified against the system's CAs: accept */
	CLIENT_TLS_PINNED,      /* the --tls-fingerprint or a known_hosts line: accept */
	CLIENT_TLS_UNKNOWN,     /* not verified, not known: ask, or refuse */
	CLIENT_TLS_CHANGED,     /* known_hosts has another fingerprint: refuse */
	CLIENT_TLS_MISMATCH,    /* not the --tls-fingerprint: refuse */
	CLIENT_TLS_ERROR,       /* no certificate, or known_hosts unreadable: refuse */
};

struct client_tls {
	const char *host;
	int port;
	char pin[TLS_FP_MAX];       /* --tls-fingerprint, canonical; "" when none */
	char fp[TLS_FP_MAX];        /* the certificate of the last handshake */
	char old[TLS_FP_MAX];       /* CHANGED: the fingerprint known_hosts has */
	size_t line;                /* CHANGED: its line in known_hosts */
	const char *why;            /* why the CAs did not verify it */
	char path[PATH_MAX];        /* known_hosts */
	char err[512];
	enum client_tls_verdict last;
};

/* Set up for opt (a client TLS context, the pin checked). 0, or -1 with ct->err. */
int client_tls_init(struct client_tls *ct, const struct connect_options *opt);
void client_tls_free(struct client_tls *ct);

/* The transport for client_conn_set_transport() (uses the context of the last init). */
struct transport *client_tls_transport(int fd, const char *host);

/* After a handshake: the verdict for t's certificate (kept in ct->last). */
enum client_tls_verdict client_tls_check(struct client_tls *ct, const struct transport *t);

/* Whether the connection may go on without asking: no TLS (ct NULL), or the CAs or the
 * pin vouch for t's certificate. Otherwise ct->last says why not. */
bool client_tls_vouched(struct client_tls *ct, const struct transport *t);

/* Why the last verdict refuses, several lines for a person, to out. */
void client_tls_explain(const struct client_tls *ct, FILE *out);

/* Trust the last certificate for host and port from now on. 0, or -1 with ct->err. */
int client_tls_trust(struct client_tls *ct);

/* For the status line: "TLS, CA-verified" or "TLS, pinned" (after an accepted check). */
const char *client_tls_status(const struct client_tls *ct);

#endif
