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
#include <stdbool.h>
#include <time.h>
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

/* ------------------------------------------------------ socket activation */

/*
 * Sockets a service manager opened for us (systemd's LISTEN_FDS protocol,
 * sd_listen_fds(3)): descriptors 3 .. 3 + LISTEN_FDS - 1, meant for this
 * process only when LISTEN_PID is its pid (a child does not take them). A
 * listener asked for the address one of them is bound to adopts it
 * instead of binding its own: an AF_LOCAL one keeps its socket file, which
 * belongs to the manager and outlives us. Those no listener asked for are
 * adopted as they are when the loop starts (activation_adopt_rest()).
 * Nothing is kept: the environment says it all, and a descriptor already
 * on the listener list is taken.
 */
static int
activation_count(void)
{
	const char *p = getenv("LISTEN_PID"), *n = getenv("LISTEN_FDS");
	char *end;
	long pid, nfds;

	if (p == NULL || n == NULL)
		return 0;
	pid = strtol(p, &end, 10);
	if (*p == '\0' || *end != '\0' || pid != (long)getpid())
		return 0;
	nfds = strtol(n, &end, 10);
	if (*n == '\0' || *end != '\0' || nfds <= 0 || nfds > 256)
		return 0;
	return (int)nfds;
}

static bool
is_listener(const struct rpc_srv *srv, int fd)
{
	const struct rpc_listener *l;

	for (l = srv->listeners; l != NULL; l = l->next)
		if (l->fd == fd)
			return true;
	return false;
}

static bool
same_addr(const struct sockaddr_storage *a, const struct sockaddr *b)
{
	if (a->ss_family != b->sa_family)
		return false;
	if (b->sa_family == AF_UNIX)
		return strncmp(((const struct sockaddr_un *)a)->sun_path,
		    ((const struct sockaddr_un *)b)->sun_path,
		    sizeof(((const struct sockaddr_un *)a)->sun_path)) == 0;
	return addr_host_eq((const struct sockaddr *)a, b) &&
	    addr_port((const struct sockaddr *)a) == addr_port(b);
}

static int
adopt(struct rpc_srv *srv, int fd)
{
	char buf[128];
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int rc;

	if ((rc = fcntl(fd, F_GETFD)) < 0 ||
	    fcntl(fd, F_SETFD, rc | FD_CLOEXEC) != 0)
		return -errno;
	if ((rc = rpc_srv_listen_fd(srv, fd)) != 0)
		return rc;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_UNIX)
			snprintf(buf, sizeof(buf), "%s",
			    ((struct sockaddr_un *)&ss)->sun_path);
		else
			addr_fmt((struct sockaddr *)&ss, buf, sizeof(buf));
		log_info("listening on %s (socket %d from the service "
		    "manager)", buf, fd);
	}
	return 0;
}

/* A descriptor passed to us for kind on sa, or -1. */
static int
activation_find(const struct rpc_srv *srv, enum rpc_xprt_kind kind,
    const struct sockaddr *sa)
{
	struct sockaddr_storage ss;
	socklen_t sl, tl;
	int n = activation_count(), fd, type;

	for (fd = 3; fd < 3 + n; fd++) {
		tl = sizeof(type);
		sl = sizeof(ss);
		if (is_listener(srv, fd) ||
		    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0 ||
		    type != (kind == RPC_XPRT_UDP ? SOCK_DGRAM : SOCK_STREAM) ||
		    getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
			continue;
		if (same_addr(&ss, sa))
			return fd;
	}
	return -1;
}

void
activation_adopt_rest(struct rpc_srv *srv)
{
	int n = activation_count(), fd, type, rc;
	socklen_t tl;

	for (fd = 3; fd < 3 + n; fd++) {
		tl = sizeof(type);
		if (is_listener(srv, fd) ||
		    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) != 0)
			continue;
		if ((rc = adopt(srv, fd)) != 0)
			log_warnx("socket %d from the service manager: %s", fd,
			    strerror(-rc));
	}
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
	if ((fd = activation_find(srv, kind, sa)) >= 0)
		return adopt(srv, fd);
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

/*
 * A fixed TCP port can be held for a minute after a short-lived client
 * used it as its source port and closed first (its TIME_WAIT: libtirpc's
 * and libnfs's clients bind reserved ports without SO_REUSEADDR, and such
 * a TIME_WAIT blocks our bind even with it). Seen with rpc.rquotad's 875
 * after rpcinfo ran as root. When nothing listens on the port (a connect
 * to it is refused), wait that out; a real listener fails at once.
 */
#define TIMEWAIT_WAIT_MS	70000
#define TIMEWAIT_STEP_MS	250

static bool
port_has_listener(const struct sockaddr_storage *bound, socklen_t len)
{
	struct sockaddr_storage to = *bound;
	int fd, rc;

	if (to.ss_family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&to;

		if (sin->sin_addr.s_addr == htonl(INADDR_ANY))
			sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	} else if (to.ss_family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&to;

		if (IN6_IS_ADDR_UNSPECIFIED(&sin6->sin6_addr))
			sin6->sin6_addr = in6addr_loopback;
	} else
		return true;
	if ((fd = socket(to.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return true;
	rc = connect(fd, (struct sockaddr *)&to, len);
	close(fd);
	return rc == 0 || errno != ECONNREFUSED;
}

static int
listen_after_timewait(struct rpc_srv *srv, struct sockaddr_storage *ss,
    socklen_t sl)
{
	struct timespec step = { 0, TIMEWAIT_STEP_MS * 1000000L };
	int waited, rc = -EADDRINUSE;

	for (waited = 0; waited < TIMEWAIT_WAIT_MS;
	    waited += TIMEWAIT_STEP_MS) {
		if (port_has_listener(ss, sl))
			return -EADDRINUSE;
		if (waited == 0)
			log_notice("tcp port %d is held by closing connections "
			    "(a client's source port in TIME_WAIT); waiting up "
			    "to %d s for it", addr_port((struct sockaddr *)ss),
			    TIMEWAIT_WAIT_MS / 1000);
		nanosleep(&step, NULL);
		rc = rpc_srv_listen(srv, RPC_XPRT_TCP, (struct sockaddr *)ss,
		    sl);
		if (rc != -EADDRINUSE) {
			if (rc == 0)
				log_notice("tcp port %d free after %.1f s",
				    addr_port((struct sockaddr *)ss),
				    (waited + TIMEWAIT_STEP_MS) / 1000.0);
			return rc;
		}
	}
	return rc;
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
			if ((kinds[k] == RPC_XPRT_UDP && srv->cfg.no_udp) ||
			    (kinds[k] == RPC_XPRT_TCP && srv->cfg.no_tcp))
				continue;
			addr_set_port((struct sockaddr *)&ss, p);
			rc = rpc_srv_listen(srv, kinds[k], (struct sockaddr *)&ss, sl);
			if (rc == -EADDRINUSE && port == 0 && p != 0) {
				/* the shared ephemeral port is taken here: own one */
				addr_set_port((struct sockaddr *)&ss, 0);
				rc = rpc_srv_listen(srv, kinds[k],
				    (struct sockaddr *)&ss, sl);
			} else if (rc == -EADDRINUSE && port != 0 &&
			    kinds[k] == RPC_XPRT_TCP)
				rc = listen_after_timewait(srv, &ss, sl);
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
