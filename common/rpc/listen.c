/*
 * listen.c: listening sockets: TCP, UDP and AF_LOCAL, IPv4 and IPv6, and the
 * netid each one registers under.
 */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/addr.h"
#include "common/log.h"
#include "common/rpc/rpc_int.h"

/* ------------------------------------------------------------ listeners */

static const char *
netid_of(enum rpc_xprt_kind kind, int family)
{
	if (kind == RPC_XPRT_LOCAL)
		return "local";
	if (kind == RPC_XPRT_UDP)
		return family == AF_INET6 ? "udp6" : "udp";
	return family == AF_INET6 ? "tcp6" : "tcp";
}

static int
listener_add(struct rpc_srv *srv, int fd, enum rpc_xprt_kind kind,
    const char *path)
{
	struct rpc_listener *l;
	struct epoll_event ev;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return -ENOMEM;
	l->src.type = SRC_LISTENER;
	l->fd = fd;
	l->kind = kind;
	l->addrlen = sizeof(l->addr);
	if (getsockname(fd, (struct sockaddr *)&l->addr, &l->addrlen) != 0) {
		free(l);
		return -errno;
	}
	l->family = l->addr.ss_family;
	l->netid = netid_of(kind, l->family);
	if (path != NULL && (l->path = strdup(path)) == NULL) {
		free(l);
		return -ENOMEM;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &l->src;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
		int e = -errno;

		free(l->path);
		free(l);
		return e;
	}
	/* keep the configured order: append */
	if (srv->listeners == NULL)
		srv->listeners = l;
	else {
		struct rpc_listener *t = srv->listeners;

		while (t->next != NULL)
			t = t->next;
		t->next = l;
	}
	return 0;
}

/*
 * A UDP socket must hold a burst of calls while the workers are busy:
 * clients send up to 16 or so 32 KiB requests at once (knfsd sizes its
 * buffers the same way). As root the system's rmem_max does not apply.
 */
static void
udp_buffers(int fd)
{
	int sz = 4 * 1024 * 1024;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
}

int
rpc_srv_listen(struct rpc_srv *srv, enum rpc_xprt_kind kind,
    const struct sockaddr *sa, socklen_t len)
{
	int fd, on = 1, type, rc;
	const char *path = NULL;

	type = kind == RPC_XPRT_UDP ? SOCK_DGRAM : SOCK_STREAM;
	if ((kind == RPC_XPRT_LOCAL) != (sa->sa_family == AF_UNIX))
		return -EINVAL;
	fd = socket(sa->sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sa->sa_family == AF_UNIX) {
		const struct sockaddr_un *sun = (const struct sockaddr_un *)sa;

		path = sun->sun_path;
		unlink(path);
	} else {
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (sa->sa_family == AF_INET6)
			setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		if (kind == RPC_XPRT_UDP) {
			udp_buffers(fd);
			if (sa->sa_family == AF_INET)
				setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
			else
				setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on,
				    sizeof(on));
		}
	}
	if (bind(fd, sa, len) != 0)
		goto fail;
	if (path != NULL && chmod(path, 0666) != 0)
		goto fail;
	if (type == SOCK_STREAM && listen(fd, 128) != 0)
		goto fail;
	if ((rc = listener_add(srv, fd, kind, path)) != 0) {
		close(fd);
		return rc;
	}
	return 0;
fail:
	rc = -errno;
	close(fd);
	return rc;
}

int
rpc_srv_listen_fd(struct rpc_srv *srv, int fd)
{
	int type, rc;
	socklen_t tl = sizeof(type);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	enum rpc_xprt_kind kind;

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		return -errno;
	if (ss.ss_family == AF_UNIX)
		kind = RPC_XPRT_LOCAL;
	else
		kind = type == SOCK_DGRAM ? RPC_XPRT_UDP : RPC_XPRT_TCP;
	if ((rc = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, rc | O_NONBLOCK) != 0)
		return -errno;
	if (kind == RPC_XPRT_UDP) {
		int on = 1;

		udp_buffers(fd);
		if (ss.ss_family == AF_INET)
			setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
		else
			setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
	}
	return listener_add(srv, fd, kind, NULL);
}

int
rpc_srv_listen_std(struct rpc_srv *srv, int port, const char *const *bind_addrs)
{
	static const char *const wild[] = { "0.0.0.0", "::", NULL };
	const char *const *a = bind_addrs != NULL ? bind_addrs : wild;
	static const enum rpc_xprt_kind kinds[] = { RPC_XPRT_UDP, RPC_XPRT_TCP };
	struct sockaddr_storage ss;
	socklen_t sl;
	unsigned k;
	int rc, p = port;

	for (; *a != NULL; a++) {
		if (addr_pton(*a, &ss, &sl) != 0)
			return -EINVAL;
		for (k = 0; k < 2; k++) {
			if (kinds[k] == RPC_XPRT_UDP && srv->cfg.no_udp)
				continue;
			addr_set_port((struct sockaddr *)&ss, p);
			rc = rpc_srv_listen(srv, kinds[k], (struct sockaddr *)&ss, sl);
			if (rc == -EADDRINUSE && port == 0 && p != 0) {
				/* the shared ephemeral port is taken here: own one */
				addr_set_port((struct sockaddr *)&ss, 0);
				rc = rpc_srv_listen(srv, kinds[k],
				    (struct sockaddr *)&ss, sl);
			}
			if (rc != 0) {
				if (ss.ss_family == AF_INET6 && bind_addrs == NULL &&
				    (rc == -EAFNOSUPPORT || rc == -EADDRNOTAVAIL))
					break;	/* no IPv6 on this host */
				return rc;
			}
			if (p == 0)
				p = rpc_srv_port(srv, kinds[k], ss.ss_family);
		}
	}
	return 0;
}

int
rpc_srv_port(const struct rpc_srv *srv, enum rpc_xprt_kind kind, int family)
{
	const struct rpc_listener *l;

	for (l = srv->listeners; l != NULL; l = l->next)
		if (l->kind == kind && (family == AF_UNSPEC || l->family == family))
			return addr_port((const struct sockaddr *)&l->addr);
	return 0;
}
