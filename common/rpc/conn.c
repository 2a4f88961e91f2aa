/*
 * conn.c: stream connections (TCP and AF_LOCAL): accepting under the
 * connection limit, reading and splitting records, back-pressure, and
 * sending replies. See server.c for the threading rules.
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

void
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
	srv_stat_add(srv, &srv->st.conns_closed);
	/*
	 * Events for c may still sit in this round's epoll batch: keep it
	 * allocated until the round ends (a resume entry and each request
	 * hold their own references).
	 */
	c->next = srv->grave;
	srv->grave = c;
}

void
conn_graveyard_flush(struct rpc_srv *srv)
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

void
xprt_accept(struct rpc_srv *srv, struct rpc_listener *l)
{
	struct rpc_conn *c;
	struct epoll_event ev;
	int fd, n;

	for (n = 0; n < 64; n++) {
		struct sockaddr_storage peer = { 0 };
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
				srv_stat_add(srv, &srv->st.conns_evicted);
				conn_close(srv, conn_victim(srv), "descriptor limit");
				continue;
			}
			return;
		}
		if (srv->nconns >= srv->cfg.max_conns && srv->conns != NULL) {
			srv_stat_add(srv, &srv->st.conns_evicted);
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
		srv_stat_add(srv, &srv->st.conns_accepted);
	}
}

struct req *
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

bool
srv_queue_full(struct rpc_srv *srv)
{
	return srv->qlen >= srv->cfg.queue_max;
}

void
srv_enqueue(struct rpc_srv *srv, struct req *rq)
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
			srv_stat_add(srv, rc == -EMSGSIZE ?
			    &srv->st.records_oversize : &srv->st.records_bad);
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
		srv_enqueue(srv, rq);
		if (atomic_load(&c->inflight) >= srv->cfg.max_inflight ||
		    srv_queue_full(srv)) {
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

void
xprt_read(struct rpc_srv *srv, struct rpc_conn *c, uint32_t events)
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
void
xprt_resume(struct rpc_srv *srv)
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

/*
 * Send one reply record given as iov[0..n) (the first starts with the 4
 * byte record mark). One writer at a time per connection.
 */
int
conn_sendv(struct rpc_conn *c, struct iovec *iov, int n)
{
	size_t off = 0, len = 0;
	int rc = 0, i;

	for (i = 0; i < n; i++)
		len += iov[i].iov_len;
	pthread_mutex_lock(&c->wlock);
	while (off < len) {
		struct msghdr mh;
		ssize_t w;

		if (atomic_load(&c->dead)) {
			rc = -EPIPE;
			break;
		}
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = iov;
		mh.msg_iovlen = (size_t)n;
		w = sendmsg(c->fd, &mh, MSG_NOSIGNAL);
		if (w > 0) {
			size_t left = (size_t)w;

			off += left;
			/* skip what went out */
			while (n > 0 && left >= iov->iov_len) {
				left -= iov->iov_len;
				iov++;
				n--;
			}
			if (n > 0) {
				iov->iov_base = (char *)iov->iov_base + left;
				iov->iov_len -= left;
			}
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
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
