/* addrkey.c: IPv4 address or IPv6 /64 as one key, from a sockaddr or from text. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "addrkey.h"

static void addrkey_v4(const uint8_t a[4], struct addrkey *k)
{
	memset(k, 0, sizeof(*k));
	k->family = AF_INET;
	memcpy(k->bytes, a, 4);
}

/* An IPv6 address as a key: v4-mapped ones become IPv4, the rest keep the /64. */
static void addrkey_v6(const struct in6_addr *a, struct addrkey *k)
{
	if (IN6_IS_ADDR_V4MAPPED(a)) {
		addrkey_v4(a->s6_addr + 12, k);
		return;
	}
	memset(k, 0, sizeof(*k));
	k->family = AF_INET6;
	memcpy(k->bytes, a->s6_addr, 8);
}

int addrkey_from_sockaddr(const struct sockaddr *sa, struct addrkey *k)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;

		addrkey_v4((const uint8_t *)&in->sin_addr, k);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		addrkey_v6(&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, k);
		return 0;
	}
	return -1;
}

/* A port after the address: digits only, 1 to 5 of them. */
static int addrkey_is_port(const char *p)
{
	size_t n = strspn(p, "0123456789");

	return n >= 1 && n <= 5 && p[n] == '\0';
}

/* Split text into the address and what follows it; copies the address to host. */
static int addrkey_split(const char *s, char *host, size_t hostsz, const char **rest)
{
	const char *end;

	if (*s == '[') {
		end = strchr(s, ']');
		if (end == NULL || (end[1] != '\0' && (end[1] != ':' || !addrkey_is_port(end + 2))))
			return -1;
		s++;
		*rest = "";
	} else if (strchr(s, ':') == strrchr(s, ':') && strchr(s, ':') != NULL) {
		end = strchr(s, ':'); /* one colon: IPv4 and a port */
		if (!addrkey_is_port(end + 1))
			return -1;
		*rest = "";
	} else {
		end = strchr(s, '/') ? strchr(s, '/') : s + strlen(s);
		*rest = end;
	}
	if ((size_t)(end - s) >= hostsz)
		return -1;
	memcpy(host, s, (size_t)(end - s));
	host[end - s] = '\0';
	return 0;
}

int addrkey_from_text(const char *s, struct addrkey *k)
{
	char host[INET6_ADDRSTRLEN + 1];
	const char *rest;
	uint8_t a4[4];
	struct in6_addr a6;

	if (addrkey_split(s, host, sizeof(host), &rest) != 0)
		return -1;
	if (inet_pton(AF_INET, host, a4) == 1 && (*rest == '\0' || strcmp(rest, "/32") == 0)) {
		addrkey_v4(a4, k);
		return 0;
	}
	if (inet_pton(AF_INET6, host, &a6) == 1 && (*rest == '\0' || strcmp(rest, "/64") == 0)) {
		addrkey_v6(&a6, k);
		return 0;
	}
	return -1;
}

char *addrkey_format(const struct addrkey *k, char out[ADDRKEY_TEXT_MAX])
{
	struct in6_addr a6;

	if (k->family == AF_INET) {
		inet_ntop(AF_INET, k->bytes, out, ADDRKEY_TEXT_MAX);
		return out;
	}
	memset(&a6, 0, sizeof(a6));
	memcpy(a6.s6_addr, k->bytes, 8);
	inet_ntop(AF_INET6, &a6, out, INET6_ADDRSTRLEN);
	strcat(out, "/64");
	return out;
}

int addrkey_equal(const struct addrkey *a, const struct addrkey *b)
{
	return a->family == b->family && memcmp(a->bytes, b->bytes, sizeof(a->bytes)) == 0;
}

uint32_t addrkey_hash(const struct addrkey *k)
{
	uint32_t h = 2166136261u ^ k->family;

	for (size_t i = 0; i < sizeof(k->bytes); i++)
		h = (h ^ k->bytes[i]) * 16777619u;
	return h;
}
