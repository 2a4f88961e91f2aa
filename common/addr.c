/*
 * addr.c: socket addresses: numeric formatting, RPC universal addresses
 * (RFC 5665 section 5.2.3), loopback tests, comparison and CIDR matching.
 * Everything is numeric: nothing here resolves names.
 */
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common/addr.h"
#include "common/util.h"

/* If sa is an IPv4-mapped IPv6 address (::ffff:a.b.c.d), the v4 address. */
static bool
v4mapped(const struct sockaddr *sa, struct in_addr *in)
{
	const struct sockaddr_in6 *s6;

	if (sa->sa_family != AF_INET6)
		return false;
	s6 = (const struct sockaddr_in6 *)sa;
	if (!IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr))
		return false;
	memcpy(&in->s_addr, &s6->sin6_addr.s6_addr[12], 4);
	return true;
}

/*
 * The host part as family plus bytes, with v4-mapped v6 turned into v4 so
 * both forms compare equal. Returns the number of bytes (4 or 16), 0 for
 * other families.
 */
static size_t
host_bytes(const struct sockaddr *sa, int *family, uint8_t out[16])
{
	struct in_addr in;

	switch (sa->sa_family) {
	case AF_INET:
		*family = AF_INET;
		memcpy(out, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return 4;
	case AF_INET6:
		if (v4mapped(sa, &in)) {
			*family = AF_INET;
			memcpy(out, &in.s_addr, 4);
			return 4;
		}
		*family = AF_INET6;
		memcpy(out, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return 16;
	default:
		*family = sa->sa_family;
		return 0;
	}
}

const char *
addr_ntop(const struct sockaddr *sa, char *buf, size_t len)
{
	const void *src;

	if (len == 0)
		return buf;
	switch (sa->sa_family) {
	case AF_INET:
		src = &((const struct sockaddr_in *)sa)->sin_addr;
		break;
	case AF_INET6:
		src = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		break;
	case AF_LOCAL:
		str_copy(buf, "local", len);
		return buf;
	default:
		snprintf(buf, len, "family-%d", sa->sa_family);
		return buf;
	}
	if (len > INT32_MAX)
		len = INT32_MAX;
	if (inet_ntop(sa->sa_family, src, buf, (socklen_t)len) == NULL)
		str_copy(buf, "?", len);
	return buf;
}

const char *
addr_fmt(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];

	if (len == 0)
		return buf;
	switch (sa->sa_family) {
	case AF_INET:
		snprintf(buf, len, "%s:%d", addr_ntop(sa, host, sizeof(host)),
		    addr_port(sa));
		break;
	case AF_INET6:
		snprintf(buf, len, "[%s]:%d", addr_ntop(sa, host, sizeof(host)),
		    addr_port(sa));
		break;
	case AF_LOCAL: {
		const struct sockaddr_un *su = (const struct sockaddr_un *)sa;

		if (su->sun_path[0] != '\0')
			snprintf(buf, len, "local:%.*s",
			    (int)sizeof(su->sun_path), su->sun_path);
		else
			str_copy(buf, "local", len);
		break;
	}
	default:
		addr_ntop(sa, buf, len);
		break;
	}
	return buf;
}

int
addr_port(const struct sockaddr *sa)
{
	switch (sa->sa_family) {
	case AF_INET:
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	case AF_INET6:
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	default:
		return 0;
	}
}

void
addr_set_port(struct sockaddr *sa, int port)
{
	switch (sa->sa_family) {
	case AF_INET:
		((struct sockaddr_in *)sa)->sin_port = htons((uint16_t)port);
		break;
	case AF_INET6:
		((struct sockaddr_in6 *)sa)->sin6_port = htons((uint16_t)port);
		break;
	default:
		break;
	}
}

socklen_t
addr_len(const struct sockaddr *sa)
{
	switch (sa->sa_family) {
	case AF_INET:
		return sizeof(struct sockaddr_in);
	case AF_INET6:
		return sizeof(struct sockaddr_in6);
	case AF_LOCAL:
		return sizeof(struct sockaddr_un);
	default:
		return 0;
	}
}

bool
addr_is_loopback(const struct sockaddr *sa)
{
	uint8_t b[16];
	int family;
	size_t n = host_bytes(sa, &family, b);

	if (n == 4)
		return b[0] == 127;
	if (n == 16)
		return IN6_IS_ADDR_LOOPBACK(
		    &((const struct sockaddr_in6 *)sa)->sin6_addr);
	return false;
}

bool
addr_is_local(const struct sockaddr *sa)
{
	return sa->sa_family == AF_LOCAL || addr_is_loopback(sa);
}

bool
addr_is_any(const struct sockaddr *sa)
{
	static const uint8_t zero[16];
	uint8_t b[16];
	int family;
	size_t n = host_bytes(sa, &family, b);

	return n != 0 && memcmp(b, zero, n) == 0;
}

bool
addr_host_eq(const struct sockaddr *a, const struct sockaddr *b)
{
	uint8_t ba[16], bb[16];
	int fa, fb;
	size_t na = host_bytes(a, &fa, ba);
	size_t nb = host_bytes(b, &fb, bb);

	if (fa != fb)
		return false;
	if (fa == AF_LOCAL)
		return true;	/* the same host, by definition */
	return na != 0 && na == nb && memcmp(ba, bb, na) == 0;
}

/* The host part in the IPv6 space: v4 becomes ::ffff:a.b.c.d. */
static bool
to_v6(const struct sockaddr *sa, uint8_t out[16])
{
	static const uint8_t mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	switch (sa->sa_family) {
	case AF_INET:
		memcpy(out, mapped, sizeof(mapped));
		memcpy(out + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
		return true;
	case AF_INET6:
		memcpy(out, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return true;
	default:
		return false;
	}
}

bool
addr_in_net(const struct sockaddr *sa, const struct sockaddr *net,
    unsigned prefix)
{
	uint8_t bs[16], bn[16];
	size_t whole;
	unsigned rest;

	/*
	 * Compare in the IPv6 space, where 10.0.0.0/8 is ::ffff:10.0.0.0/104:
	 * a v4 client seen on a dual-stack socket (v4-mapped) matches a v4
	 * network and the other way round.
	 */
	if (net->sa_family == AF_INET) {
		if (prefix > 32)
			return false;
		prefix += 96;
	} else if (net->sa_family != AF_INET6 || prefix > 128)
		return false;
	if (!to_v6(sa, bs) || !to_v6(net, bn))
		return false;
	whole = prefix / 8;
	rest = prefix % 8;
	if (memcmp(bs, bn, whole) != 0)
		return false;
	if (rest != 0) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		if ((bs[whole] & mask) != (bn[whole] & mask))
			return false;
	}
	return true;
}

int
addr_to_uaddr(const struct sockaddr *sa, char *buf, size_t len)
{
	char host[INET6_ADDRSTRLEN];
	int port, n;

	switch (sa->sa_family) {
	case AF_INET:
	case AF_INET6:
		if (inet_ntop(sa->sa_family, sa->sa_family == AF_INET ?
		    (const void *)&((const struct sockaddr_in *)sa)->sin_addr :
		    (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr,
		    host, sizeof(host)) == NULL)
			return -EAFNOSUPPORT;
		port = addr_port(sa);
		n = snprintf(buf, len, "%s.%d.%d", host, port >> 8, port & 0xff);
		break;
	case AF_LOCAL: {
		const struct sockaddr_un *su = (const struct sockaddr_un *)sa;

		n = snprintf(buf, len, "%.*s", (int)sizeof(su->sun_path),
		    su->sun_path);
		break;
	}
	default:
		return -EAFNOSUPPORT;
	}
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	return 0;
}

/* One port octet of a uaddr: 1-3 decimal digits, at most 255. */
static int
port_octet(const char *s, size_t n)
{
	size_t i;
	int v = 0;

	if (n == 0 || n > 3)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= 255 ? v : -1;
}

int
addr_from_uaddr(const char *uaddr, int family, struct sockaddr_storage *ss,
    socklen_t *lenp)
{
	char host[INET6_ADDRSTRLEN];
	const char *p1, *p2;
	size_t hlen;
	int hi, lo;

	memset(ss, 0, sizeof(*ss));
	if (lenp != NULL)
		*lenp = 0;
	if (family == AF_UNSPEC) {
		if (uaddr[0] == '/')
			family = AF_LOCAL;
		else if (strchr(uaddr, ':') != NULL)
			family = AF_INET6;
		else
			family = AF_INET;
	}
	if (family == AF_LOCAL) {
		struct sockaddr_un *su = (struct sockaddr_un *)ss;
		size_t n = strlen(uaddr);

		if (uaddr[0] != '/' || n >= sizeof(su->sun_path))
			return -EINVAL;
		su->sun_family = AF_LOCAL;
		memcpy(su->sun_path, uaddr, n + 1);
		if (lenp != NULL)
			*lenp = sizeof(*su);
		return 0;
	}
	if (family != AF_INET && family != AF_INET6)
		return -EINVAL;

	/* "HOST.p1.p2": the last two dots delimit the port octets. */
	if ((p2 = strrchr(uaddr, '.')) == NULL || p2 == uaddr)
		return -EINVAL;
	for (p1 = p2 - 1; p1 > uaddr && *p1 != '.'; p1--)
		;
	if (*p1 != '.')
		return -EINVAL;
	if ((hi = port_octet(p1 + 1, (size_t)(p2 - p1 - 1))) < 0 ||
	    (lo = port_octet(p2 + 1, strlen(p2 + 1))) < 0)
		return -EINVAL;
	hlen = (size_t)(p1 - uaddr);
	if (hlen == 0 || hlen >= sizeof(host))
		return -EINVAL;
	memcpy(host, uaddr, hlen);
	host[hlen] = '\0';

	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		if (inet_pton(AF_INET, host, &sin->sin_addr) != 1)
			return -EINVAL;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)(hi << 8 | lo));
		if (lenp != NULL)
			*lenp = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		if (inet_pton(AF_INET6, host, &sin6->sin6_addr) != 1)
			return -EINVAL;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)(hi << 8 | lo));
		if (lenp != NULL)
			*lenp = sizeof(*sin6);
	}
	return 0;
}

int
addr_pton(const char *host, struct sockaddr_storage *ss, socklen_t *lenp)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (lenp != NULL)
		*lenp = 0;
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		if (lenp != NULL)
			*lenp = sizeof(*sin);
		return 0;
	}
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		if (lenp != NULL)
			*lenp = sizeof(*sin6);
		return 0;
	}
	memset(ss, 0, sizeof(*ss));
	return -EINVAL;
}
