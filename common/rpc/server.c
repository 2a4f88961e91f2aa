/*
 * server.c: listeners, connections, the event loop and the worker pool.
 *
 * The loop thread alone touches the connection list and reads sockets. A
 * complete call becomes a struct req on the worker queue; the request holds
 * a reference on its connection, so a connection closed by the loop stays
 * allocated (and its fd open, so it cannot be reused under a worker) until
 * the last reply attempt is done. Back-pressure: a connection with too
 * many calls in flight, or any connection while the queue is full, stops
 * being polled for input until workers catch up.
 *
 * Connection limit: at max_conns an accept closes another connection
 * instead of refusing the new one (a flood of idle connections never locks
 * clients out, the libtirpc CVE-2021-46828 class): first connections that
 * never completed a call, then the least recently active.
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

#define READ_CHUNK	65536
#define MAX_EMPTY_RECORDS 16

static void	conn_close(struct rpc_srv *srv, struct rpc_conn *c, const char *why);
static void	graveyard_flush(struct rpc_srv *srv);
static void	do_resume(struct rpc_srv *srv);
static void	*worker_main(void *arg);

void
srv_stat_add(struct rpc_srv *srv, unsigned long *ctr)
{
	pthread_mutex_lock(&srv->stlock);
	(*ctr)++;
	pthread_mutex_unlock(&srv->stlock);
}

struct rpc_srv *
rpc_srv_new(const struct rpc_srv_config *cfg)
{
	struct rpc_srv *srv;
	struct epoll_event ev;

	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return NULL;
	if (cfg != NULL)
		srv->cfg = *cfg;
	if (srv->cfg.nthreads == 0)
		srv->cfg.nthreads = 4;
	if (srv->cfg.queue_max == 0)
		srv->cfg.queue_max = 1024;
	if (srv->cfg.max_record == 0)
		srv->cfg.max_record = 1024 * 1024 + 64 * 1024;
	if (srv->cfg.max_conns == 0)
		srv->cfg.max_conns = 1024;
	if (srv->cfg.idle_timeout == 0)
		srv->cfg.idle_timeout = 360;
	if (srv->cfg.max_inflight == 0)
		srv->cfg.max_inflight = 64;
	if (srv->cfg.send_timeout == 0)
		srv->cfg.send_timeout = 30;
	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	srv->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (srv->epfd < 0 || srv->wakefd < 0)
		goto fail;
	srv->wake_src.type = SRC_WAKE;
	srv->sig_src.type = SRC_SIGNAL;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &srv->wake_src;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->wakefd, &ev) != 0)
		goto fail;
	pthread_mutex_init(&srv->qlock, NULL);
	pthread_cond_init(&srv->qcond, NULL);
	pthread_mutex_init(&srv->stlock, NULL);
	rpc_srv_add_auth(srv, &rpc_auth_none_ops);
	rpc_srv_add_auth(srv, &rpc_auth_sys_ops);
	return srv;
fail:
	if (srv->epfd >= 0)
		close(srv->epfd);
	if (srv->wakefd >= 0)
		close(srv->wakefd);
	free(srv);
	return NULL;
}

static void
workers_stop(struct rpc_srv *srv)
{
	unsigned i;

	pthread_mutex_lock(&srv->qlock);
	srv->qstop = true;
	pthread_cond_broadcast(&srv->qcond);
	pthread_mutex_unlock(&srv->qlock);
	for (i = 0; i < srv->nworkers; i++)
		pthread_join(srv->workers[i], NULL);
	free(srv->workers);
	srv->workers = NULL;
	srv->nworkers = 0;
}

static void
req_free(struct req *rq)
{
	if (rq == NULL)
		return;
	arena_free(&rq->arena);
	free(rq->buf);
	if (rq->conn != NULL)
		conn_put(rq->conn);
	free(rq);
}

void
rpc_srv_free(struct rpc_srv *srv)
{
	struct rpc_listener *l, *ln;
	struct req *rq;

	if (srv == NULL)
		return;
	workers_stop(srv);
	while ((rq = srv->qhead) != NULL) {
		srv->qhead = rq->next;
		req_free(rq);
	}
	while (srv->conns != NULL)
		conn_close(srv, srv->conns, NULL);
	graveyard_flush(srv);
	do_resume(srv);
	for (l = srv->listeners; l != NULL; l = ln) {
		ln = l->next;
		close(l->fd);
		if (l->path != NULL)
			unlink(l->path);
		free(l->path);
		free(l);
	}
	reg_free_all(srv);
	drc_free(srv->drc);
	close(srv->epfd);
	close(srv->wakefd);
	pthread_mutex_destroy(&srv->qlock);
	pthread_cond_destroy(&srv->qcond);
	pthread_mutex_destroy(&srv->stlock);
	free(srv);
}

int
rpc_srv_add_program(struct rpc_srv *srv, const struct rpc_program *p)
{
	if (srv->nprogs == RPC_MAX_PROGRAMS)
		return -ENOSPC;
	srv->progs[srv->nprogs++] = p;
	return 0;
}

int
rpc_srv_add_auth(struct rpc_srv *srv, const struct rpc_auth_ops *ops)
{
	unsigned i;

	for (i = 0; i < srv->nauths; i++)
		if (srv->auths[i]->flavor == ops->flavor)
			return -EEXIST;
	if (srv->nauths == RPC_MAX_AUTHS)
		return -ENOSPC;
	srv->auths[srv->nauths++] = ops;
	return 0;
}

int
rpc_srv_enable_drc(struct rpc_srv *srv, unsigned entries)
{
	if (srv->drc != NULL)
		return -EEXIST;
	if ((srv->drc = drc_new(entries)) == NULL)
		return -ENOMEM;
	return 0;
}

void
rpc_srv_get_stats(struct rpc_srv *srv, struct rpc_srv_stats *st)
{
	pthread_mutex_lock(&srv->stlock);
	*st = srv->st;
	pthread_mutex_unlock(&srv->stlock);
	pthread_mutex_lock(&srv->qlock);
	st->queued = srv->qlen;
	pthread_mutex_unlock(&srv->qlock);
	st->conns_open = srv->nconns;
}

void
rpc_srv_set_timer(struct rpc_srv *srv, unsigned secs,
    void (*fn)(struct rpc_srv *, void *), void *arg)
{
	srv->timer.secs = secs;
	srv->timer.fn = fn;
	srv->timer.arg = arg;
	srv->timer.next = time(NULL) + secs;
}

void
rpc_srv_stop(struct rpc_srv *srv)
{
	uint64_t one = 1;
	ssize_t n;

	atomic_store(&srv->stopping, true);
	n = write(srv->wakefd, &one, sizeof(one));
	(void)n;
}

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

/* ---------------------------------------------------------- connections */

void
conn_put(struct rpc_conn *c)
{
	if (atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	close(c->fd);
	recmark_free(&c->rm);
	free(c->stash);
	pthread_mutex_destroy(&c->wlock);
	free(c);
}

static void
conn_unlink(struct rpc_srv *srv, struct rpc_conn *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
}

/* Move c to the head of the list: most recently active first. */
static void
conn_touch(struct rpc_srv *srv, struct rpc_conn *c, time_t now)
{
	c->last_active = now;
	if (srv->conns == c)
		return;
	conn_unlink(srv, c);
	c->next = srv->conns;
	if (srv->conns != NULL)
		srv->conns->prev = c;
	srv->conns = c;
}

static void
conn_close(struct rpc_srv *srv, struct rpc_conn *c, const char *why)
{
	char abuf[ADDR_STRLEN];

	if (why != NULL && log_debugging(LOG_D_XPRT))
		log_debug(LOG_D_XPRT, "closing %s connection from %s: %s", c->netid,
		    addr_fmt((struct sockaddr *)&c->peer, abuf, sizeof(abuf)), why);
	epoll_ctl(srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	/* wake a worker blocked sending to it; the fd stays ours until put */
	shutdown(c->fd, SHUT_RDWR);
	atomic_store(&c->dead, true);
	conn_unlink(srv, c);
	srv->nconns--;
	pthread_mutex_lock(&srv->stlock);
	srv->st.conns_closed++;
	pthread_mutex_unlock(&srv->stlock);
	/*
	 * Events for c may still sit in this round's epoll batch: keep it
	 * allocated until the round ends (a resume entry and each request
	 * hold their own references).
	 */
	c->next = srv->grave;
	srv->grave = c;
}

static void
graveyard_flush(struct rpc_srv *srv)
{
	struct rpc_conn *c;

	while ((c = srv->grave) != NULL) {
		srv->grave = c->next;
		c->next = NULL;
		conn_put(c);
	}
}

/* Pick the connection to sacrifice for a new one; see the file comment. */
static struct rpc_conn *
conn_victim(struct rpc_srv *srv)
{
	struct rpc_conn *c, *tail = NULL, *silent = NULL;

	for (c = srv->conns; c != NULL; c = c->next) {
		tail = c;
		if (c->ncalls == 0)
			silent = c;	/* keeps the least recent silent one */
	}
	return silent != NULL ? silent : tail;
}

static void
do_accept(struct rpc_srv *srv, struct rpc_listener *l)
{
	struct rpc_conn *c;
	struct epoll_event ev;
	int fd, n;

	for (n = 0; n < 64; n++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);

		fd = accept4(l->fd, (struct sockaddr *)&peer, &plen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if ((errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM) &&
			    srv->conns != NULL) {
				/* out of descriptors: make room, try again */
				pthread_mutex_lock(&srv->stlock);
				srv->st.conns_evicted++;
				pthread_mutex_unlock(&srv->stlock);
				conn_close(srv, conn_victim(srv), "descriptor limit");
				continue;
			}
			return;
		}
		if (srv->nconns >= srv->cfg.max_conns && srv->conns != NULL) {
			pthread_mutex_lock(&srv->stlock);
			srv->st.conns_evicted++;
			pthread_mutex_unlock(&srv->stlock);
			conn_close(srv, conn_victim(srv), "connection limit");
		}
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		c->src.type = SRC_CONN;
		c->fd = fd;
		c->srv = srv;
		c->kind = l->kind;
		c->netid = l->netid;
		memcpy(&c->peer, &peer, sizeof(peer));
		c->peerlen = plen;
		c->locallen = sizeof(c->local);
		if (getsockname(fd, (struct sockaddr *)&c->local, &c->locallen) != 0)
			c->locallen = 0;
		if (l->kind == RPC_XPRT_LOCAL) {
			struct ucred uc;
			socklen_t ul = sizeof(uc);

			if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &ul) == 0) {
				c->has_peercred = true;
				c->peer_uid = uc.uid;
				c->peer_gid = uc.gid;
				c->peer_pid = uc.pid;
			}
		} else {
			int on = 1;

			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		}
		recmark_init(&c->rm, srv->cfg.max_record);
		atomic_init(&c->refs, 1);
		atomic_init(&c->dead, false);
		atomic_init(&c->inflight, 0);
		pthread_mutex_init(&c->wlock, NULL);
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN | EPOLLRDHUP;
		ev.data.ptr = &c->src;
		if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
			conn_put(c);
			continue;
		}
		c->next = srv->conns;
		if (srv->conns != NULL)
			srv->conns->prev = c;
		srv->conns = c;
		c->last_active = time(NULL);
		srv->nconns++;
		pthread_mutex_lock(&srv->stlock);
		srv->st.conns_accepted++;
		pthread_mutex_unlock(&srv->stlock);
	}
}

static struct req *
req_new(struct rpc_srv *srv, enum rpc_xprt_kind kind, const char *netid)
{
	struct req *rq;

	if ((rq = calloc(1, sizeof(*rq))) == NULL)
		return NULL;
	rq->srv = srv;
	rq->kind = kind;
	rq->netid = netid;
	rq->udp_fd = -1;
	arena_init(&rq->arena, srv->cfg.max_record * 4 + 64 * 1024);
	return rq;
}

static bool
queue_full(struct rpc_srv *srv)
{
	return srv->qlen >= srv->cfg.queue_max;
}

static void
enqueue(struct rpc_srv *srv, struct req *rq)
{
	pthread_mutex_lock(&srv->qlock);
	if (srv->qtail != NULL)
		srv->qtail->next = rq;
	else
		srv->qhead = rq;
	srv->qtail = rq;
	srv->qlen++;
	pthread_cond_signal(&srv->qcond);
	pthread_mutex_unlock(&srv->qlock);
}

static void
conn_set_polling(struct rpc_srv *srv, struct rpc_conn *c, bool on)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = on ? EPOLLIN | EPOLLRDHUP : 0;
	ev.data.ptr = &c->src;
	epoll_ctl(srv->epfd, EPOLL_CTL_MOD, c->fd, &ev);
	c->paused = !on;
}

/*
 * Feed bytes to c's record parser and queue each complete call. Returns
 * the number of bytes consumed (less than n when c got paused), or -1 when
 * the connection must be closed.
 */
static ssize_t
conn_input(struct rpc_srv *srv, struct rpc_conn *c, const uint8_t *p, size_t n)
{
	size_t off = 0, used;
	int rc;

	while (off < n) {
		struct req *rq;

		rc = recmark_feed(&c->rm, p + off, n - off, &used);
		off += used;
		if (rc == -EMSGSIZE || rc == -EPROTO) {
			pthread_mutex_lock(&srv->stlock);
			if (rc == -EMSGSIZE)
				srv->st.records_oversize++;
			else
				srv->st.records_bad++;
			pthread_mutex_unlock(&srv->stlock);
			return -1;
		}
		if (rc < 0)
			return -1;
		if (rc == RM_NEED)
			break;
		if ((rq = req_new(srv, c->kind, c->netid)) == NULL)
			return -1;
		rq->buf = recmark_take(&c->rm, &rq->len);
		if (rq->len == 0) {
			/* an empty record carries no call: tolerate a few */
			free(rq);
			if (++c->empty_records > MAX_EMPTY_RECORDS)
				return -1;
			continue;
		}
		c->empty_records = 0;
		c->ncalls++;
		memcpy(&rq->peer, &c->peer, sizeof(c->peer));
		rq->peerlen = c->peerlen;
		memcpy(&rq->local, &c->local, sizeof(c->local));
		rq->locallen = c->locallen;
		rq->has_peercred = c->has_peercred;
		rq->peer_uid = c->peer_uid;
		rq->peer_gid = c->peer_gid;
		rq->peer_pid = c->peer_pid;
		rq->conn = c;
		atomic_fetch_add(&c->refs, 1);
		atomic_fetch_add(&c->inflight, 1);
		enqueue(srv, rq);
		if (atomic_load(&c->inflight) >= srv->cfg.max_inflight ||
		    queue_full(srv)) {
			conn_set_polling(srv, c, false);
			break;
		}
	}
	return (ssize_t)off;
}

/* Keep bytes that arrived but were not consumed because c paused. */
static int
conn_stash(struct rpc_conn *c, const uint8_t *p, size_t n)
{
	uint8_t *s;

	if (n == 0)
		return 0;
	if ((s = malloc(n)) == NULL)
		return -ENOMEM;
	memcpy(s, p, n);
	c->stash = s;
	c->stash_len = n;
	return 0;
}

static void
do_read(struct rpc_srv *srv, struct rpc_conn *c, uint32_t events)
{
	uint8_t buf[READ_CHUNK];
	ssize_t n, used;
	int loops;

	if (atomic_load(&c->dead))
		return;		/* closed earlier in this round */
	for (loops = 0; loops < 16 && !c->paused; loops++) {
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n == 0) {
			conn_close(srv, c, "end of stream");
			return;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			conn_close(srv, c, "read error");
			return;
		}
		conn_touch(srv, c, time(NULL));
		if ((used = conn_input(srv, c, buf, (size_t)n)) < 0) {
			conn_close(srv, c, "bad record");
			return;
		}
		if (used < n && conn_stash(c, buf + used, (size_t)(n - used)) != 0) {
			conn_close(srv, c, "out of memory");
			return;
		}
	}
	if ((events & (EPOLLHUP | EPOLLERR)) && !c->paused)
		conn_close(srv, c, "hangup");
}

/* Resume paused connections whose load went down (loop thread). */
static void
do_resume(struct rpc_srv *srv)
{
	struct rpc_conn *list, *c;

	pthread_mutex_lock(&srv->qlock);
	list = srv->resume;
	srv->resume = NULL;
	for (c = list; c != NULL; c = c->resume_next)
		c->on_resume = false;
	pthread_mutex_unlock(&srv->qlock);

	while ((c = list) != NULL) {
		list = c->resume_next;
		c->resume_next = NULL;
		if (!atomic_load(&c->dead) && c->paused) {
			uint8_t *s = c->stash;
			size_t sl = c->stash_len;
			ssize_t used = 0;

			c->stash = NULL;
			c->stash_len = 0;
			c->paused = false;
			if (s != NULL)
				used = conn_input(srv, c, s, sl);
			if (used < 0) {
				free(s);
				conn_close(srv, c, "bad record");
			} else {
				if ((size_t)used < sl && conn_stash(c, s + used,
				    sl - (size_t)used) != 0) {
					free(s);
					conn_close(srv, c, "out of memory");
					conn_put(c);
					continue;
				}
				free(s);
				if (!c->paused)
					conn_set_polling(srv, c, true);
			}
		}
		conn_put(c);	/* the resume list's reference */
	}
}

/* Worker side: a request of c finished; maybe c may read again. */
static void
conn_done(struct rpc_srv *srv, struct rpc_conn *c)
{
	unsigned left = atomic_fetch_sub(&c->inflight, 1) - 1;
	bool wake = false;

	pthread_mutex_lock(&srv->qlock);
	if (!c->on_resume && left <= srv->cfg.max_inflight / 2 &&
	    srv->qlen < srv->cfg.queue_max) {
		c->on_resume = true;
		atomic_fetch_add(&c->refs, 1);
		c->resume_next = srv->resume;
		srv->resume = c;
		wake = true;
	}
	pthread_mutex_unlock(&srv->qlock);
	if (wake) {
		uint64_t one = 1;
		ssize_t n = write(srv->wakefd, &one, sizeof(one));

		(void)n;
	}
}

void
srv_request_done(struct rpc_srv *srv, struct req *rq)
{
	if (rq->conn != NULL)
		conn_done(srv, rq->conn);
	req_free(rq);
}

/* Send one reply record; buf has 4 bytes of room for the mark in front. */
int
conn_send(struct rpc_conn *c, const uint8_t *buf, size_t len)
{
	size_t off = 0;
	int rc = 0;

	pthread_mutex_lock(&c->wlock);
	while (off < len) {
		ssize_t n;

		if (atomic_load(&c->dead)) {
			rc = -EPIPE;
			break;
		}
		n = send(c->fd, buf + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };
			int pr = poll(&pfd, 1, (int)c->srv->cfg.send_timeout * 1000);

			if (pr > 0)
				continue;
			rc = -ETIMEDOUT;
		} else
			rc = -errno;
		break;
	}
	if (rc != 0 && off > 0 && off < len)
		/* half a record on the wire: the stream is unusable */
		shutdown(c->fd, SHUT_RDWR);
	pthread_mutex_unlock(&c->wlock);
	return rc;
}

/* ----------------------------------------------------------------- UDP */

static void
do_udp(struct rpc_srv *srv, struct rpc_listener *l)
{
	static const size_t cmsgsz = 256;
	int n;

	for (n = 0; n < 64; n++) {
		uint8_t *buf;
		union {
			struct cmsghdr	align;
			uint8_t		b[256];
		} cbuf;
		struct iovec iov;
		struct msghdr mh;
		struct cmsghdr *cm;
		struct req *rq;
		ssize_t got;

		if ((buf = malloc(RPC_UDP_MAX)) == NULL)
			return;
		if ((rq = req_new(srv, RPC_XPRT_UDP, l->netid)) == NULL) {
			free(buf);
			return;
		}
		iov.iov_base = buf;
		iov.iov_len = RPC_UDP_MAX;
		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &rq->peer;
		mh.msg_namelen = sizeof(rq->peer);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf.b;
		mh.msg_controllen = cmsgsz;
		got = recvmsg(l->fd, &mh, MSG_DONTWAIT);
		if (got <= 0 || (mh.msg_flags & MSG_TRUNC)) {
			free(buf);
			free(rq);
			if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return;
			continue;
		}
		rq->peerlen = mh.msg_namelen;
		memcpy(&rq->local, &l->addr, l->addrlen);
		rq->locallen = l->addrlen;
		for (cm = CMSG_FIRSTHDR(&mh); cm != NULL; cm = CMSG_NXTHDR(&mh, cm)) {
			if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;
				struct sockaddr_in *sin = (struct sockaddr_in *)&rq->local;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				sin->sin_addr = pi.ipi_addr;
				rq->ifindex = pi.ipi_ifindex;
			} else if (cm->cmsg_level == IPPROTO_IPV6 &&
			    cm->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo pi;
				struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&rq->local;

				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				s6->sin6_addr = pi.ipi6_addr;
				rq->ifindex = (int)pi.ipi6_ifindex;
			}
		}
		if (queue_full(srv)) {
			/* overloaded: the client will retransmit */
			free(buf);
			free(rq);
			pthread_mutex_lock(&srv->stlock);
			srv->st.dropped++;
			pthread_mutex_unlock(&srv->stlock);
			continue;
		}
		/* keep only what arrived */
		rq->buf = realloc(buf, (size_t)got);
		if (rq->buf == NULL)
			rq->buf = buf;
		rq->len = (size_t)got;
		rq->udp_fd = l->fd;
		enqueue(srv, rq);
	}
}

int
udp_send(struct req *rq, const uint8_t *buf, size_t len)
{
	union {
		struct cmsghdr	align;
		uint8_t		b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cbuf;
	struct iovec iov = { .iov_base = (void *)(uintptr_t)buf, .iov_len = len };
	struct msghdr mh;
	struct cmsghdr *cm;

	memset(&mh, 0, sizeof(mh));
	memset(&cbuf, 0, sizeof(cbuf));
	mh.msg_name = &rq->peer;
	mh.msg_namelen = rq->peerlen;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	/* answer from the address the call was sent to */
	if (rq->local.ss_family == AF_INET && !addr_is_any((struct sockaddr *)&rq->local)) {
		struct in_pktinfo pi;

		memset(&pi, 0, sizeof(pi));
		pi.ipi_spec_dst = ((struct sockaddr_in *)&rq->local)->sin_addr;
		mh.msg_control = cbuf.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = IPPROTO_IP;
		cm->cmsg_type = IP_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	} else if (rq->local.ss_family == AF_INET6 &&
	    !addr_is_any((struct sockaddr *)&rq->local)) {
		struct in6_pktinfo pi;

		memset(&pi, 0, sizeof(pi));
		pi.ipi6_addr = ((struct sockaddr_in6 *)&rq->local)->sin6_addr;
		mh.msg_control = cbuf.b;
		mh.msg_controllen = CMSG_SPACE(sizeof(pi));
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = IPPROTO_IPV6;
		cm->cmsg_type = IPV6_PKTINFO;
		cm->cmsg_len = CMSG_LEN(sizeof(pi));
		memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
	}
	if (sendmsg(rq->udp_fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}

/* ---------------------------------------------------------------- loop */

static void
reap_idle(struct rpc_srv *srv, time_t now)
{
	struct rpc_conn *c, *prev;

	/* the list is ordered by activity: walk from the idle end */
	for (c = srv->conns; c != NULL && c->next != NULL; c = c->next)
		;
	for (; c != NULL; c = prev) {
		prev = c->prev;
		if (now - c->last_active < (time_t)srv->cfg.idle_timeout)
			break;
		if (atomic_load(&c->inflight) > 0)
			continue;
		pthread_mutex_lock(&srv->stlock);
		srv->st.conns_idle_closed++;
		pthread_mutex_unlock(&srv->stlock);
		conn_close(srv, c, "idle");
	}
}

static int
workers_start(struct rpc_srv *srv)
{
	unsigned i;
	int rc;

	if (srv->nworkers > 0)
		return 0;
	srv->workers = calloc(srv->cfg.nthreads, sizeof(*srv->workers));
	if (srv->workers == NULL)
		return -ENOMEM;
	for (i = 0; i < srv->cfg.nthreads; i++) {
		if ((rc = pthread_create(&srv->workers[i], NULL, worker_main, srv)) != 0)
			return -rc;
		srv->nworkers++;
	}
	return 0;
}

int
rpc_srv_run(struct rpc_srv *srv, int sigfd,
    void (*on_signal)(struct rpc_srv *, int sig, void *), void *arg)
{
	struct epoll_event evs[64];
	int rc, i, n;

	if ((rc = workers_start(srv)) != 0)
		return rc;
	if (sigfd >= 0) {
		struct epoll_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.ptr = &srv->sig_src;
		if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, sigfd, &ev) != 0 &&
		    errno != EEXIST)
			return -errno;
	}
	atomic_store(&srv->stopping, false);
	while (!atomic_load(&srv->stopping)) {
		time_t now;

		n = epoll_wait(srv->epfd, evs, 64, 1000);
		if (n < 0 && errno != EINTR)
			return -errno;
		for (i = 0; i < n; i++) {
			struct ev_src *s = evs[i].data.ptr;

			switch (s->type) {
			case SRC_LISTENER: {
				struct rpc_listener *l = (struct rpc_listener *)s;

				if (l->kind == RPC_XPRT_UDP)
					do_udp(srv, l);
				else
					do_accept(srv, l);
				break;
			}
			case SRC_CONN:
				do_read(srv, (struct rpc_conn *)s, evs[i].events);
				break;
			case SRC_WAKE: {
				uint64_t v;
				ssize_t r = read(srv->wakefd, &v, sizeof(v));

				(void)r;
				do_resume(srv);
				break;
			}
			case SRC_SIGNAL: {
				unsigned char sig;

				while (read(sigfd, &sig, 1) == 1)
					if (on_signal != NULL)
						on_signal(srv, sig, arg);
				break;
			}
			}
		}
		graveyard_flush(srv);
		now = time(NULL);
		if (now != srv->last_reap) {
			srv->last_reap = now;
			reap_idle(srv, now);
			graveyard_flush(srv);
		}
		if (srv->timer.fn != NULL && now >= srv->timer.next) {
			srv->timer.next = now + srv->timer.secs;
			srv->timer.fn(srv, srv->timer.arg);
		}
	}
	if (sigfd >= 0)
		epoll_ctl(srv->epfd, EPOLL_CTL_DEL, sigfd, NULL);
	return 0;
}

/* -------------------------------------------------------------- workers */

static void *
worker_main(void *arg)
{
	struct rpc_srv *srv = arg;
	struct req *rq;

	for (;;) {
		pthread_mutex_lock(&srv->qlock);
		while (srv->qhead == NULL && !srv->qstop)
			pthread_cond_wait(&srv->qcond, &srv->qlock);
		if (srv->qhead == NULL) {
			pthread_mutex_unlock(&srv->qlock);
			return NULL;
		}
		rq = srv->qhead;
		srv->qhead = rq->next;
		if (srv->qhead == NULL)
			srv->qtail = NULL;
		srv->qlen--;
		pthread_mutex_unlock(&srv->qlock);
		rq->next = NULL;
		rpc_dispatch(srv, rq);
		srv_request_done(srv, rq);
	}
}
