/* addrkey.h: the address a limit or a ban applies to. An IPv4 address is itself; an
 * IPv6 address counts as its /64 (one host or site gets a whole /64, and privacy
 * addresses rotate inside it); an IPv4-mapped IPv6 address (::ffff:1.2.3.4) is the
 * IPv4 address. Shared by bans.c and addrlimit.c so both agree on who "one address" is. */
#ifndef ADDRKEY_H
#define ADDRKEY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define ADDRKEY_TEXT_MAX 48 /* bytes for addrkey_format(): "2001:db8:1:2::/64" and a NUL */

struct addrkey {
	uint8_t family;   /* AF_INET or AF_INET6 (as uint8_t) */
	uint8_t bytes[8]; /* IPv4: 4 bytes, the rest 0; IPv6: the first 64 bits */
};

/* From an accepted peer's address. -1 for a family other than IPv4 and IPv6. */
int addrkey_from_sockaddr(const struct sockaddr *sa, struct addrkey *k);
/* From text: "1.2.3.4", "1.2.3.4:5678", "2001:db8::1", "[2001:db8::1]:5678",
 * "[::1]", "::ffff:1.2.3.4", "2001:db8::/64", "1.2.3.4/32" (net_accept's peer names and what an
 * operator types). -1 for anything else. */
int addrkey_from_text(const char *s, struct addrkey *k);
/* "1.2.3.4" or "2001:db8::/64". Returns out. */
char *addrkey_format(const struct addrkey *k, char out[ADDRKEY_TEXT_MAX]);
int addrkey_equal(const struct addrkey *a, const struct addrkey *b);
/* A hash of the key for tables (FNV-1a over family and bytes). */
uint32_t addrkey_hash(const struct addrkey *k);

#endif
