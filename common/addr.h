/*
 * addr.h: socket addresses: numeric formatting, RPC universal addresses
 * (RFC 5665 "h1.h2.h3.h4.p1.p2", IPv6 "x:..:x.p1.p2"), comparison, CIDR.
 */
#ifndef NFS_ADDR_H
#define NFS_ADDR_H

#include <sys/socket.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#define ADDR_STRLEN	64	/* enough for any numeric address or uaddr */

/* Numeric host part ("192.0.2.1", "2001:db8::1", "local"); returns buf. */
const char *addr_ntop(const struct sockaddr *sa, char *buf, size_t len);
/* Host and port, "192.0.2.1:111" / "[::1]:111"; returns buf. */
const char *addr_fmt(const struct sockaddr *sa, char *buf, size_t len);
/* Port in host order, 0 for AF_LOCAL or unknown families. */
int	addr_port(const struct sockaddr *sa);
void	addr_set_port(struct sockaddr *sa, int port);
socklen_t addr_len(const struct sockaddr *sa);
/* Loopback (127/8, ::1, ::ffff:127/104) or AF_LOCAL. */
bool	addr_is_local(const struct sockaddr *sa);
bool	addr_is_loopback(const struct sockaddr *sa);
/* Wildcard (0.0.0.0 / ::). */
bool	addr_is_any(const struct sockaddr *sa);
/* Equal host part (v4-mapped v6 equals its v4); ports ignored. */
bool	addr_host_eq(const struct sockaddr *a, const struct sockaddr *b);
/* Does sa fall in net/prefix (same family, or v4-mapped)? */
bool	addr_in_net(const struct sockaddr *sa, const struct sockaddr *net, unsigned prefix);

/* sockaddr -> universal address; returns 0 or -EAFNOSUPPORT / -ENOSPC. */
int	addr_to_uaddr(const struct sockaddr *sa, char *buf, size_t len);
/* universal address -> sockaddr of the given family (AF_INET, AF_INET6, or
 * AF_UNSPEC to guess; AF_LOCAL takes the path); returns 0 or -EINVAL. */
int	addr_from_uaddr(const char *uaddr, int family, struct sockaddr_storage *ss,
	    socklen_t *lenp);
/* Parse a numeric host ("10.0.0.1", "::1") into ss with port 0; 0 or -EINVAL. */
int	addr_pton(const char *host, struct sockaddr_storage *ss, socklen_t *lenp);

#endif
