/* client_tls.c: the client's TLS transport and trust decision. See client_tls.h.
 * Tested by tests/integration/test_tls.py (connect --tls, --tls-fingerprint, trust on
 * first use in plain mode and in the full-screen prompt, a changed certificate
 * refused); no unit test: the trust decision needs a server's handshake and a person to
 * ask; fingerprints and known_hosts are tested in test_known_hosts.c, the handshake in
 * test_tls.c. */
#include <string.h>

#include "client_tls.h"
#include "known_hosts.h"
#include "transport_tls.h"

static struct tls_ctx *client_tls_ctx;   /* client_conn's transport hook takes no arg */

int client_tls_init(struct client_tls *ct, const struct connect_options *opt)
{
	memset(ct, 0, sizeof(*ct));
	ct->host = opt->host;
	ct->port = opt->port;
	if (opt->tls_fingerprint != NULL && known_hosts_fp_normalize(opt->tls_fingerprint,
	    strlen(opt->tls_fingerprint), ct->pin) != 0) {
		snprintf(ct->err, sizeof(ct->err), "not a SHA-256 fingerprint: '%.100s'",
		    opt->tls_fingerprint);
		return -1;
	}
	client_tls_ctx = tls_client_new(ct->err, sizeof(ct->err));
	return client_tls_ctx == NULL ? -1 : 0;
}

void client_tls_free(struct client_tls *ct)
{
	(void)ct;
	tls_ctx_free(client_tls_ctx);
	client_tls_ctx = NULL;
}

struct transport *client_tls_transport(int fd, const char *host)
{
	return transport_tls_client_new(fd, client_tls_ctx, host);
}

/* Not verified by a CA: what known_hosts says. */
static enum client_tls_verdict check_known(struct client_tls *ct)
{
	int st;

	if (known_hosts_path(ct->path, sizeof(ct->path), ct->err, sizeof(ct->err)) != 0)
		return CLIENT_TLS_ERROR;
	st = known_hosts_check(ct->path, ct->host, ct->port, ct->fp, ct->old, &ct->line,
	    ct->err, sizeof(ct->err));
	if (st == KNOWN_HOSTS_MATCH)
		return CLIENT_TLS_PINNED;
	if (st == KNOWN_HOSTS_CHANGED)
		return CLIENT_TLS_CHANGED;
	return st == KNOWN_HOSTS_UNKNOWN ? CLIENT_TLS_UNKNOWN : CLIENT_TLS_ERROR;
}

static enum client_tls_verdict verdict(struct client_tls *ct, const struct transport *t)
{
	if (transport_tls_peer_fingerprint(t, ct->fp) != 0) {
		snprintf(ct->err, sizeof(ct->err), "the server sent no certificate");
		return CLIENT_TLS_ERROR;
	}
	if (ct->pin[0] != '\0')
		return strcmp(ct->pin, ct->fp) == 0 ? CLIENT_TLS_PINNED : CLIENT_TLS_MISMATCH;
	if (transport_tls_verified(t, &ct->why))
		return CLIENT_TLS_CA;
	return check_known(ct);
}

enum client_tls_verdict client_tls_check(struct client_tls *ct, const struct transport *t)
{
	ct->why = NULL;
	ct->last = verdict(ct, t);
	return ct->last;
}

bool client_tls_vouched(struct client_tls *ct, const struct transport *t)
{
	enum client_tls_verdict v;

	if (ct == NULL)
		return true;
	v = client_tls_check(ct, t);
	return v == CLIENT_TLS_CA || v == CLIENT_TLS_PINNED;
}

static void explain_changed(const struct client_tls *ct, FILE *out)
{
	fprintf(out,
	    "tcpchat: @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
	    "tcpchat: @    WARNING: SERVER CERTIFICATE HAS CHANGED!             @\n"
	    "tcpchat: @@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n"
	    "tcpchat: the certificate of %s port %d is not the one you trusted.\n"
	    "tcpchat: Someone could be listening in (a man-in-the-middle attack), or the\n"
	    "tcpchat: server made a new certificate. Ask its operator before going on.\n"
	    "tcpchat: trusted:  sha256 Fingerprint=%s\n"
	    "tcpchat: received: sha256 Fingerprint=%s\n"
	    "tcpchat: To forget the old one, delete line %zu of %s\n"
	    "tcpchat:   (sed -i '%zud' '%s'), then connect again.\n",
	    ct->host, ct->port, ct->old, ct->fp, ct->line, ct->path, ct->line, ct->path);
}

void client_tls_explain(const struct client_tls *ct, FILE *out)
{
	switch (ct->last) {
	case CLIENT_TLS_CHANGED:
		explain_changed(ct, out);
		break;
	case CLIENT_TLS_MISMATCH:
		fprintf(out, "tcpchat: %s port %d: certificate refused: not the pinned one\n"
		    "tcpchat: pinned:   sha256 Fingerprint=%s\n"
		    "tcpchat: received: sha256 Fingerprint=%s\n", ct->host, ct->port, ct->pin,
		    ct->fp);
		break;
	case CLIENT_TLS_UNKNOWN:
		fprintf(out, "tcpchat: %s port %d: the certificate is not verified (%s) and not known.\n"
		    "tcpchat: sha256 Fingerprint=%s\n"
		    "tcpchat: If that is the fingerprint the server printed, connect with:\n"
		    "tcpchat connect --tls-fingerprint %s %s %d\n", ct->host, ct->port,
		    ct->why != NULL ? ct->why : "no CA", ct->fp, ct->fp, ct->host, ct->port);
		break;
	case CLIENT_TLS_ERROR:
		fprintf(out, "tcpchat: %s port %d: certificate refused: %s\n", ct->host, ct->port,
		    ct->err);
		break;
	default:
		break;
	}
}

int client_tls_trust(struct client_tls *ct)
{
	if (ct->path[0] == '\0' &&
	    known_hosts_path(ct->path, sizeof(ct->path), ct->err, sizeof(ct->err)) != 0)
		return -1;
	if (known_hosts_add(ct->path, ct->host, ct->port, ct->fp, ct->err, sizeof(ct->err)) != 0)
		return -1;
	ct->last = CLIENT_TLS_PINNED;
	return 0;
}

const char *client_tls_status(const struct client_tls *ct)
{
	return ct->last == CLIENT_TLS_CA ? "TLS, CA-verified" : "TLS, pinned";
}
