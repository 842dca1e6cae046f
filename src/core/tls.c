/* tls.c: TLS contexts, the self-signed certificate, fingerprints (see tls.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "statedir.h"
#include "tclimits.h"
#include "tls.h"
#include "util.h"

#define TLS_PATH_MAX 4096       /* bytes for a state file's path */
#define TLS_CN_MAX 64           /* characters in a CN (X.509 ub-common-name) */
#define TLS_SERIAL_BYTES 16     /* random bytes of a generated certificate's serial */

struct tls_ctx {
	SSL_CTX *ssl;
	bool server;
	bool generated;
	char *cert_file, *key_file;
	char fp[TLS_FP_MAX];
};

const char *tls_error(char *buf, size_t n, const char *fallback)
{
	unsigned long e = ERR_get_error();
	const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;

	if (reason != NULL)
		snprintf(buf, n, "%s", reason);
	else if (e != 0)
		ERR_error_string_n(e, buf, n);
	else
		snprintf(buf, n, "%s", fallback);
	ERR_clear_error();
	return buf;
}

/* --- fingerprints ------------------------------------------------------------- */

int tls_fingerprint(const struct x509_st *cert, char out[TLS_FP_MAX])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;

	if (X509_digest(cert, EVP_sha256(), md, &len) != 1 || len != 32)
		return -1;
	for (unsigned int i = 0; i < len; i++)
		snprintf(out + 3 * i, 4, i + 1 < len ? "%02X:" : "%02X", md[i]);
	return 0;
}

int tls_fingerprint_file(const char *path, char out[TLS_FP_MAX], char *errbuf, size_t errsz)
{
	FILE *f = fopen(path, "r");
	X509 *x;
	char why[128];
	int r;

	if (f == NULL) {
		snprintf(errbuf, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL) {
		snprintf(errbuf, errsz, "%s: %s", path, tls_error(why, sizeof(why), "no certificate"));
		return -1;
	}
	r = tls_fingerprint(x, out);
	X509_free(x);
	if (r != 0)
		snprintf(errbuf, errsz, "%s: cannot compute the fingerprint", path);
	return r;
}

/* --- contexts ------------------------------------------------------------------ */

/* What servers and clients share: versions, no renegotiation or compression, and
 * the modes the transport relies on (partial writes, buffers released when idle). */
static SSL_CTX *tls_ssl_new(const SSL_METHOD *method)
{
	SSL_CTX *s = SSL_CTX_new(method);

	if (s == NULL)
		return NULL;
	if (SSL_CTX_set_min_proto_version(s, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(s, TLS1_3_VERSION) != 1) {
		SSL_CTX_free(s);
		return NULL;
	}
	SSL_CTX_set_options(s, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE);
	SSL_CTX_set_mode(s, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_read_ahead(s, 0);   /* poll() sees every byte not in SSL_pending() */
	return s;
}

/* SSL_CTX_use_PrivateKey_file() compares the key with the certificate already. */
static bool tls_mismatch(void)
{
	unsigned long e = ERR_peek_error();

	return ERR_GET_LIB(e) == ERR_LIB_X509 && ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH;
}

static SSL_CTX *tls_server_ssl(const char *cert, const char *key, char *errbuf, size_t errsz)
{
	SSL_CTX *s = tls_ssl_new(TLS_server_method());
	char why[128];
	const char *file = cert;

	if (s == NULL) {
		snprintf(errbuf, errsz, "%s", tls_error(why, sizeof(why), "SSL_CTX_new failed"));
		return NULL;
	}
	SSL_CTX_set_session_cache_mode(s, SSL_SESS_CACHE_OFF);  /* tickets resume; no cache */
	if (SSL_CTX_use_certificate_chain_file(s, cert) == 1) {
		file = key;
		if (SSL_CTX_use_PrivateKey_file(s, key, SSL_FILETYPE_PEM) == 1 &&
		    SSL_CTX_check_private_key(s) == 1)
			return s;
	}
	if (file == key && (tls_mismatch() || ERR_peek_error() == 0))
		snprintf(errbuf, errsz, "%s and %s do not match", cert, key);
	else
		snprintf(errbuf, errsz, "%s: %s", file, tls_error(why, sizeof(why), "cannot load"));
	ERR_clear_error();
	SSL_CTX_free(s);
	return NULL;
}

/* Put s in use, with its certificate's fingerprint. */
static int tls_ctx_install(struct tls_ctx *ctx, SSL_CTX *s, char *errbuf, size_t errsz)
{
	X509 *x = SSL_CTX_get0_certificate(s);

	if (x == NULL || tls_fingerprint(x, ctx->fp) != 0) {
		snprintf(errbuf, errsz, "%s: cannot compute the fingerprint", ctx->cert_file);
		SSL_CTX_free(s);
		return -1;
	}
	SSL_CTX_free(ctx->ssl);     /* live connections hold their own reference */
	ctx->ssl = s;
	return 0;
}

int tls_ctx_reload(struct tls_ctx *ctx, char *errbuf, size_t errsz)
{
	SSL_CTX *s;

	if (!ctx->server) {
		snprintf(errbuf, errsz, "not a server context");
		return -1;
	}
	s = tls_server_ssl(ctx->cert_file, ctx->key_file, errbuf, errsz);
	if (s == NULL)
		return -1;
	return tls_ctx_install(ctx, s, errbuf, errsz);
}

/* --- the self-signed certificate ------------------------------------------------ */

static int tls_add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	if (ext == NULL)
		return -1;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok == 1 ? 0 : -1;
}

/* subjectAltName: the host as a DNS name, or as an address when it is one. */
static int tls_add_san(X509 *x, const char *host)
{
	unsigned char addr[16];
	bool ip = inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
	GENERAL_NAMES *names = GENERAL_NAMES_new();
	GENERAL_NAME *gn = a2i_GENERAL_NAME(NULL, NULL, NULL, ip ? GEN_IPADD : GEN_DNS,
	    host, 0);
	int ok = 0;

	if (names != NULL && gn != NULL && sk_GENERAL_NAME_push(names, gn) > 0) {
		gn = NULL;
		ok = X509_add1_ext_i2d(x, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT);
	}
	GENERAL_NAME_free(gn);
	GENERAL_NAMES_free(names);
	return ok == 1 ? 0 : -1;
}

static int tls_set_serial(X509 *x)
{
	unsigned char rnd[TLS_SERIAL_BYTES];
	BIGNUM *bn;
	int ok;

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		return -1;
	rnd[0] &= 0x7f;             /* positive */
	rnd[0] |= 0x40;             /* and of full length */
	bn = BN_bin2bn(rnd, sizeof(rnd), NULL);
	ok = bn != NULL && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) != NULL;
	BN_free(bn);
	return ok ? 0 : -1;
}

static int tls_set_name(X509 *x, const char *host)
{
	X509_NAME *name = X509_get_subject_name(x);
	int cn = (int)strnlen(host, TLS_CN_MAX);

	if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)host, cn, -1, 0) != 1)
		return -1;
	return X509_set_issuer_name(x, name) == 1 ? 0 : -1;
}

static X509 *tls_make_cert(EVP_PKEY *key, const char *host)
{
	X509 *x = X509_new();

	if (x == NULL)
		return NULL;
	if (X509_set_version(x, X509_VERSION_3) == 1 && tls_set_serial(x) == 0 &&
	    X509_gmtime_adj(X509_getm_notBefore(x), 0) != NULL &&
	    X509_time_adj_ex(X509_getm_notAfter(x), TC_TLS_CERT_DAYS, 0, NULL) != NULL &&
	    tls_set_name(x, host) == 0 && X509_set_pubkey(x, key) == 1 &&
	    tls_add_san(x, host) == 0 &&
	    tls_add_ext(x, NID_basic_constraints, "critical,CA:FALSE") == 0 &&
	    tls_add_ext(x, NID_key_usage, "critical,digitalSignature") == 0 &&
	    tls_add_ext(x, NID_ext_key_usage, "serverAuth") == 0 &&
	    tls_add_ext(x, NID_subject_key_identifier, "hash") == 0 &&
	    X509_sign(x, key, EVP_sha256()) > 0)
		return x;
	X509_free(x);
	return NULL;
}

/* Write what PEM_write_bio_* put in bio to path. */
static int tls_write_pem(BIO *bio, const char *path, mode_t mode, char *errbuf, size_t errsz)
{
	char *data = NULL;
	long n = BIO_get_mem_data(bio, &data);

	if (n <= 0) {
		snprintf(errbuf, errsz, "%s: nothing to write", path);
		return -1;
	}
	return statedir_write_file(path, data, (size_t)n, mode, errbuf, errsz);
}

/* The key first (0600, O_EXCL, renamed into place), then the certificate: a crash in
 * between leaves no cert.pem, and the next start makes both again. */
static int tls_save_pair(EVP_PKEY *key, X509 *x, const char *cert, const char *keyf,
    char *errbuf, size_t errsz)
{
	BIO *kb = BIO_new(BIO_s_secmem()), *cb = BIO_new(BIO_s_mem());
	char why[128];
	int r = -1;

	if (kb == NULL || cb == NULL || PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0,
	    NULL, NULL) != 1 || PEM_write_bio_X509(cb, x) != 1)
		snprintf(errbuf, errsz, "%s", tls_error(why, sizeof(why), "PEM encoding failed"));
	else if (tls_write_pem(kb, keyf, 0600, errbuf, errsz) == 0)
		r = tls_write_pem(cb, cert, 0644, errbuf, errsz);
	BIO_free(kb);
	BIO_free(cb);
	return r;
}

static int tls_generate(const char *cert, const char *keyf, const char *host,
    char *errbuf, size_t errsz)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *x = key != NULL ? tls_make_cert(key, host) : NULL;
	char why[128];
	int r = -1;

	if (x == NULL)
		snprintf(errbuf, errsz, "making a self-signed certificate: %s",
		    tls_error(why, sizeof(why), "failed"));
	else
		r = tls_save_pair(key, x, cert, keyf, errbuf, errsz);
	X509_free(x);
	EVP_PKEY_free(key);
	return r;
}

/* The generated pair's paths; make the pair when cert.pem does not exist. */
static int tls_self_signed(const struct tls_server_conf *conf, struct tls_ctx *ctx,
    char *errbuf, size_t errsz)
{
	char cert[TLS_PATH_MAX], key[TLS_PATH_MAX], host[HOST_NAME_MAX + 1] = "";
	struct stat st;

	if (statedir_path(cert, sizeof(cert), conf->state_dir, TLS_CERT_FILE, errbuf, errsz) != 0 ||
	    statedir_path(key, sizeof(key), conf->state_dir, TLS_KEY_FILE, errbuf, errsz) != 0)
		return -1;
	ctx->cert_file = xstrdup(cert);
	ctx->key_file = xstrdup(key);
	if (stat(cert, &st) == 0)
		return 0;
	if (conf->host != NULL)
		snprintf(host, sizeof(host), "%s", conf->host);
	else if (gethostname(host, sizeof(host) - 1) != 0)
		host[0] = '\0';
	if (host[0] == '\0')
		snprintf(host, sizeof(host), "localhost");
	ctx->generated = true;
	return tls_generate(cert, key, host, errbuf, errsz);
}

struct tls_ctx *tls_server_new(const struct tls_server_conf *conf, char *errbuf, size_t errsz)
{
	struct tls_ctx *ctx = xcalloc(1, sizeof(*ctx));
	SSL_CTX *s;

	ctx->server = true;
	if (conf->cert_file == NULL) {
		if (tls_self_signed(conf, ctx, errbuf, errsz) != 0) {
			tls_ctx_free(ctx);
			return NULL;
		}
	} else {
		ctx->cert_file = xstrdup(conf->cert_file);
		ctx->key_file = xstrdup(conf->key_file != NULL ? conf->key_file : conf->cert_file);
	}
	s = tls_server_ssl(ctx->cert_file, ctx->key_file, errbuf, errsz);
	if (s == NULL || tls_ctx_install(ctx, s, errbuf, errsz) != 0) {
		tls_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

struct tls_ctx *tls_client_new(char *errbuf, size_t errsz)
{
	struct tls_ctx *ctx;
	SSL_CTX *s = tls_ssl_new(TLS_client_method());
	char why[128];

	if (s == NULL || SSL_CTX_set_default_verify_paths(s) != 1) {
		snprintf(errbuf, errsz, "%s", tls_error(why, sizeof(why), "SSL_CTX_new failed"));
		SSL_CTX_free(s);
		return NULL;
	}
	/* The handshake goes on whatever the verification says; the caller asks
	 * transport_tls_verified() and applies its own trust before sending. */
	SSL_CTX_set_verify(s, SSL_VERIFY_NONE, NULL);
	ctx = xcalloc(1, sizeof(*ctx));
	ctx->ssl = s;
	return ctx;
}

void tls_ctx_free(struct tls_ctx *ctx)
{
	if (ctx == NULL)
		return;
	SSL_CTX_free(ctx->ssl);
	free(ctx->cert_file);
	free(ctx->key_file);
	free(ctx);
}

const char *tls_ctx_fingerprint(const struct tls_ctx *ctx) { return ctx->fp; }
const char *tls_ctx_cert_file(const struct tls_ctx *ctx) { return ctx->cert_file; }
const char *tls_ctx_key_file(const struct tls_ctx *ctx) { return ctx->key_file; }
bool tls_ctx_generated(const struct tls_ctx *ctx) { return ctx->generated; }
struct ssl_ctx_st *tls_ctx_ssl(const struct tls_ctx *ctx) { return ctx->ssl; }
