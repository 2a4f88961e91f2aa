/*
 * conn.c: stream connections (TCP and AF_LOCAL): accepting under the
 * connection limit, reading and splitting records, sending replies, and
 * the bounds that keep an abusive client from hurting anyone else.
 *
 * Threads. The loop thread alone accepts, reads, closes and walks the
 * connection list. Workers only send: conn_send() writes a reply at once
 * when the socket takes it whole and otherwise leaves the rest on the
 * connection's queue, which the loop writes when the socket drains
 * (EPOLLOUT). No thread ever waits on a socket. A connection's fd is
 * closed as soon as the loop closes the connection (every use of it by a
 * worker is under wlock and checks `dead`); the structure lives on while
 * requests hold references.
 *
 * Bounds, all per connection and for the whole server:
 *  - calls read but not answered: at max_inflight calls or conn_in_max
 *    bytes a connection is no longer read until its workers catch up; at
 *    in_budget bytes over all connections the stalled connections holding
 *    the most are closed, and if none is stalled no connection is read
 *    (starved) until the workers bring it under half;
 *  - replies not yet written: past sendq_high bytes a connection is
 *    choked: neither read nor scheduled (sched.c parks it) until half of
 *    that has drained (choked and parked change together, under wlock,
 *    which is taken before qlock). A connection whose queue does not move for
 *    send_timeout seconds is closed, and when the queues of all
 *    connections pass sendq_budget, those stalled longest are closed first;
 *  - records being received: a connection's record is capped (max_record);
 *    when unfinished records of all connections pass in_budget, the
 *    connections whose record began longest ago are closed until they are
 *    under three quarters of it.
 * Memory freed in bulk (closed connections, big records and replies) is
 * handed back to the system with malloc_trim once a second (loop.c).
 *
 * Connection limit: at max_conns an accept closes another connection
 * instead of refusing the new one (a flood of idle connections never locks
 * clients out, the libtirpc CVE-2021-46828 class), the most useless first:
 * one whose peer has hung up or whose replies are stalled, then one that
 * never completed a call, then the least recently active.
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/addr.h"
#include "common/log.h"
#include "common/rpc/rpc_int.h"

#define READ_CHUNK	65536
#define READ_TURN	(2 * READ_CHUNK)
#define MAX_EMPTY_RECORDS 16
#define CORK_MAX	(256 * 1024)	/* inline replies held for one send */
#define CORK_CALLS	4		/* ... at most: the client must not wait
					   for a whole batch to be answered */
#define OQ_IOV		64		/* iovecs per sendmsg of the queue */
#define BIG_FREE	(64 * 1024)	/* frees worth a malloc_trim */

static void
note_freed(struct rpc_srv *srv, size_t n)
{
	if (n >= BIG_FREE)
		atomic_fetch_add(&srv->freed, n);
}

/* ---------------------------------------------------------- requests */

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
	rq->refs = 1;
	rq->t_arrival = stats_now_ns();
	arena_init(&rq->arena, srv->cfg.max_record * 4 + 64 * 1024);
	return rq;
}

void
req_put(struct req *rq)
{
	if (rq == NULL || __atomic_sub_fetch(&rq->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	note_freed(rq->srv, rq->arena.total + rq->len);
	arena_free(&rq->arena);
	free(rq->buf);
	if (rq->conn != NULL)
		conn_put(rq->conn);
	free(rq);
}

/* ---------------------------------------------------------- connections */

void
conn_put(struct rpc_conn *c)
{
	if (atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	if (c->fd >= 0)
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

/* The epoll mask c should have now; wlock held. */
static void
conn_events_locked(struct rpc_srv *srv, struct rpc_conn *c)
{
	struct epoll_event ev;

	if (atomic_load(&c->dead))
		return;
	memset(&ev, 0, sizeof(ev));
	/* a peer that shut its side is noticed once (level-triggered, it
	 * would fire on every round while we cannot read) */
	if (!c->rdhup)
		ev.events = EPOLLRDHUP;
	if (!c->paused && !c->choked)
		ev.events |= EPOLLIN;
	if (c->want_out)
		ev.events |= EPOLLOUT;
	ev.data.ptr = &c->src;
	epoll_ctl(srv->epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static void
conn_set_polling(struct rpc_srv *srv, struct rpc_conn *c, bool on)
{
	pthread_mutex_lock(&c->wlock);
	c->paused = !on;
	conn_events_locked(srv, c);
	pthread_mutex_unlock(&c->wlock);
}

/*
 * Count c's unfinished record (and stashed input) in the partial budget.
 * newrec: a record completed since the last count, so the one now being
 * received began now. Loop thread.
 */
static void
partial_set(struct rpc_srv *srv, struct rpc_conn *c, time_t now, bool newrec)
{
	size_t now_bytes = c->rm.cap + c->stash_len;

	if (now_bytes > c->partial)
		srv->partial += now_bytes - c->partial;
	else
		srv->partial -= c->partial - now_bytes;
	if (now_bytes == 0)
		c->partial_since = 0;
	else if (newrec || c->partial_since == 0)
		c->partial_since = now;
	c->partial = now_bytes;
}

void
conn_close(struct rpc_srv *srv, struct rpc_conn *c, const char *why)
{
	char abuf[ADDR_STRLEN];
	struct req *oq, *rq;

	if (atomic_load(&c->dead))
		return;
	if (why != NULL && log_debugging(LOG_D_XPRT))
		log_debug(LOG_D_XPRT, "closing %s connection from %s: %s",
		    c->netid, addr_fmt((struct sockaddr *)&c->peer, abuf,
		    sizeof(abuf)), why);
	epoll_ctl(srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	pthread_mutex_lock(&c->wlock);
	atomic_store(&c->dead, true);
	/* the descriptor goes now: a closed peer leaves no socket behind */
	close(c->fd);
	c->fd = -1;
	oq = c->oq_head;
	c->oq_head = c->oq_tail = NULL;
	atomic_fetch_sub(&srv->oq_bytes, c->oq_bytes);
	c->oq_bytes = 0;
	pthread_mutex_unlock(&c->wlock);
	while ((rq = oq) != NULL) {
		oq = rq->next;
		req_put(rq);
	}
	/* what it had sent but nobody started on is dropped too */
	sched_drop(srv, &c->sched);
	note_freed(srv, c->rm.cap + c->stash_len);
	recmark_free(&c->rm);
	free(c->stash);
	c->stash = NULL;
	c->stash_len = 0;
	partial_set(srv, c, 0, false);
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

/* How stalled are c's replies? 0: not; else the seconds without progress
 * (at least 1). Loop thread. */
static time_t
conn_stalled(struct rpc_conn *c, time_t now)
{
	time_t t = 0;

	pthread_mutex_lock(&c->wlock);
	if (c->oq_head != NULL && now > c->oq_progress)
		t = now - c->oq_progress;
	pthread_mutex_unlock(&c->wlock);
	return t;
}

/* Pick the connection to sacrifice for a new one; see the file comment. */
static struct rpc_conn *
conn_victim(struct rpc_srv *srv)
{
	struct rpc_conn *c, *tail = NULL, *silent = NULL, *worst = NULL;
	time_t now = time(NULL), worst_t = 0, t;

	for (c = srv->conns; c != NULL; c = c->next) {
		tail = c;
		if (c->rdhup)
			return c;
		if ((t = conn_stalled(c, now)) > worst_t) {
			worst_t = t;
			worst = c;
		}
		if (c->ncalls == 0)
			silent = c;	/* keeps the least recent silent one */
	}
	if (worst != NULL)
		return worst;
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
		c->sched.conn = c;
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
			int on = 1, sz;

			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
			/*
			 * Room for a whole large reply (a 1 MiB READ) at once:
			 * autotuning starts at 16 KiB, and every reply that
			 * does not fit waits for the loop's EPOLLOUT. A limit,
			 * not an allocation: an idle connection holds nothing.
			 */
			if (srv->cfg.max_record > 256 * 1024) {
				sz = (int)(2 * srv->cfg.max_record);
				(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz,
				    sizeof(sz));
			}
		}
		recmark_init(&c->rm, srv->cfg.max_record);
		atomic_init(&c->refs, 1);
		atomic_init(&c->dead, false);
		atomic_init(&c->inflight, 0);
		atomic_init(&c->inbytes, 0);
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

/* ---------------------------------------------------------- input */

static bool resume_later(struct rpc_srv *srv, struct rpc_conn *c);
static void wake_loop(struct rpc_srv *srv);
static void conn_flush(struct rpc_srv *srv, struct rpc_conn *c);

/* Too much read and not answered on c? (Not the number queued in all:
 * the calls of parked connections would hold everyone else back.) */
static bool
conn_full(struct rpc_srv *srv, struct rpc_conn *c)
{
	return atomic_load(&c->inflight) >= srv->cfg.max_inflight ||
	    atomic_load(&c->inbytes) >= srv->cfg.conn_in_max;
}

/* Low enough again for a paused c to be read (half its limits). */
static bool
conn_low(struct rpc_srv *srv, struct rpc_conn *c)
{
	return atomic_load(&c->inflight) <= srv->cfg.max_inflight / 2 &&
	    atomic_load(&c->inbytes) <= srv->cfg.conn_in_max / 2;
}

/*
 * Calls read and not answered on all connections passed in_budget: close
 * the stalled connections (replies not draining) holding the most, the
 * abusers, rather than stop reading from everyone. Returns true if that
 * was enough.
 */
static bool
input_evict(struct rpc_srv *srv)
{
	time_t now = time(NULL);

	while (atomic_load(&srv->qbytes) >= srv->cfg.in_budget) {
		struct rpc_conn *c, *worst = NULL;
		size_t most = 0, b;

		for (c = srv->conns; c != NULL; c = c->next)
			if ((b = atomic_load(&c->inbytes)) > most &&
			    (c->choked || conn_stalled(c, now) > 0)) {
				most = b;
				worst = c;
			}
		if (worst == NULL)
			return false;
		srv_stat_add(srv, &srv->st.conns_evicted);
		conn_close(srv, worst, "stalled with calls over budget");
	}
	return true;
}

static bool
srv_starving(struct rpc_srv *srv)
{
	return atomic_load(&srv->qbytes) >= srv->cfg.in_budget;
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
		{
			unsigned fl = sched_proc_flags(srv, rq);

			rq->fast = (fl & P_FAST) != 0;
			rq->meta = (fl & P_INLINE_META) != 0;
		}
		atomic_fetch_add(&c->refs, 1);
		atomic_fetch_add(&c->inflight, 1);
		atomic_fetch_add(&c->inbytes, rq->len);
		atomic_fetch_add(&srv->qbytes, rq->len);
		if (sched_try_inline(srv, rq)) {
			if (c->corked && ++c->cork_n >= CORK_CALLS) {
				conn_flush(srv, c);
				c->corked = true;
			}
			if (atomic_load(&c->dead))
				return -1;	/* its reply could not go */
			continue;
		}
		sched_enqueue(srv, &c->sched, rq);
		if (srv_starving(srv) && !input_evict(srv)) {
			atomic_store(&srv->starved, true);
			conn_set_polling(srv, c, false);
			/* calls that finished before starved was set did not
			 * look at it: if they brought the total down, look */
			if (atomic_load(&srv->qbytes) <= srv->cfg.in_budget / 2)
				wake_loop(srv);
			break;
		}
		if (atomic_load(&c->dead))
			return -1;	/* it was the one evicted */
		if (conn_full(srv, c)) {
			conn_set_polling(srv, c, false);
			/* the same for c's own calls (see conn_done) */
			if (conn_low(srv, c)) {
				pthread_mutex_lock(&srv->qlock);
				(void)resume_later(srv, c);
				pthread_mutex_unlock(&srv->qlock);
				wake_loop(srv);
			}
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

/* Close the connections with the oldest unfinished records until those
 * are under three quarters of the budget. */
static void
partial_evict(struct rpc_srv *srv, struct rpc_conn *keep)
{
	while (srv->partial > srv->cfg.in_budget / 4 * 3) {
		struct rpc_conn *c, *oldest = NULL;

		for (c = srv->conns; c != NULL; c = c->next)
			if (c != keep && c->partial > 0 && (oldest == NULL ||
			    c->partial_since < oldest->partial_since))
				oldest = c;
		if (oldest == NULL)
			return;
		srv_stat_add(srv, &srv->st.conns_evicted);
		conn_close(srv, oldest, "unfinished records over budget");
	}
}

static void read_batch(struct rpc_srv *srv, struct rpc_conn *c,
    uint32_t events);

void
xprt_read(struct rpc_srv *srv, struct rpc_conn *c, uint32_t events)
{
	c->corked = true;
	read_batch(srv, c, events);
	conn_flush(srv, c);
}

static void
read_batch(struct rpc_srv *srv, struct rpc_conn *c, uint32_t events)
{
	uint8_t buf[READ_CHUNK];
	ssize_t n, used;
	unsigned long calls = c->ncalls;
	int loops;
	time_t now = time(NULL);

	if (atomic_load(&c->dead))
		return;		/* closed earlier in this round */
	if ((events & EPOLLERR) ||
	    ((events & EPOLLHUP) && (c->paused || c->choked))) {
		/* reset, or gone while we hold its calls or replies: nothing
		 * more can be written to it, whatever is queued */
		conn_close(srv, c, "hangup");
		return;
	}
	/*
	 * At most READ_TURN bytes per turn: epoll hands out ready
	 * connections in turn, so with a thousand streaming at once a small
	 * call on a new connection waits for one chunk of each, not for a
	 * megabyte of each.
	 */
	for (loops = 0; loops < READ_TURN / READ_CHUNK && !c->paused &&
	    !c->choked; loops++) {
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
		conn_touch(srv, c, now);
		if ((used = conn_input(srv, c, buf, (size_t)n)) < 0) {
			conn_close(srv, c, "bad record");
			return;
		}
		if (used < n && conn_stash(c, buf + used, (size_t)(n - used)) != 0) {
			conn_close(srv, c, "out of memory");
			return;
		}
		/* a short read emptied the socket: epoll (level-triggered)
		 * says when there is more, no recv() needed to learn it */
		if ((size_t)n < sizeof(buf))
			break;
	}
	if ((events & EPOLLHUP) && !c->paused && !c->choked) {
		conn_close(srv, c, "hangup");
		return;
	}
	if ((events & EPOLLRDHUP) && (c->paused || c->choked) && !c->rdhup) {
		/* gone, or waiting for its replies: read the end once it
		 * reads again; meanwhile stop hearing about it */
		c->rdhup = true;
		pthread_mutex_lock(&c->wlock);
		conn_events_locked(srv, c);
		pthread_mutex_unlock(&c->wlock);
	}
	partial_set(srv, c, now, c->ncalls != calls);
	if (srv->partial > srv->cfg.in_budget)
		partial_evict(srv, c);
}

/* Ask the loop to look at c again (any thread); qlock held. */
static bool
resume_later(struct rpc_srv *srv, struct rpc_conn *c)
{
	if (c->on_resume)
		return false;
	c->on_resume = true;
	atomic_fetch_add(&c->refs, 1);
	c->resume_next = srv->resume;
	srv->resume = c;
	return true;
}

/* Resume paused connections whose load went down (loop thread). */
void
xprt_resume(struct rpc_srv *srv)
{
	struct rpc_conn *c, *next;

	pthread_mutex_lock(&srv->qlock);
	/* the whole server was over its input budget: look at everyone */
	if (srv->starved && !srv_starving(srv) &&
	    atomic_load(&srv->qbytes) <= srv->cfg.in_budget / 2) {
		srv->starved = false;
		for (c = srv->conns; c != NULL; c = c->next)
			if (c->paused)
				(void)resume_later(srv, c);
	}
	c = srv->resume;
	srv->resume = NULL;
	pthread_mutex_unlock(&srv->qlock);
	/*
	 * An entry keeps on_resume, so that no worker relinks it through
	 * resume_next, until it is taken off this private list under qlock;
	 * a worker that finds it still on the list needs no new turn (its
	 * counts went down before we look at them below).
	 */
	for (; c != NULL; c = next) {
		pthread_mutex_lock(&srv->qlock);
		next = c->resume_next;
		c->resume_next = NULL;
		c->on_resume = false;
		pthread_mutex_unlock(&srv->qlock);
		if (!atomic_load(&c->dead) && c->paused && !conn_full(srv, c) &&
		    !srv_starving(srv)) {
			uint8_t *s = c->stash;
			size_t sl = c->stash_len;
			ssize_t used = 0;

			c->stash = NULL;
			c->stash_len = 0;
			c->paused = false;
			if (s != NULL) {
				c->corked = true;
				used = conn_input(srv, c, s, sl);
				conn_flush(srv, c);
			}
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
				partial_set(srv, c, time(NULL), true);
			}
		}
		conn_put(c);	/* the resume list's reference */
	}
}

static void
wake_loop(struct rpc_srv *srv)
{
	uint64_t one = 1;
	ssize_t n = write(srv->wakefd, &one, sizeof(one));

	(void)n;
}

/*
 * A request of c finished (or was dropped); maybe c may read again. Only a
 * paused c needs the loop's attention: the loop sets paused before it looks
 * at the counts again (conn_input), and the counts go down here before
 * paused is read (both sequentially consistent), so one of the two sees the
 * other and a pause is never missed.
 */
static void
conn_done(struct rpc_srv *srv, struct rpc_conn *c, size_t len)
{
	unsigned left = atomic_fetch_sub(&c->inflight, 1) - 1;
	size_t lbytes = atomic_fetch_sub(&c->inbytes, len) - len;
	size_t q = atomic_fetch_sub(&srv->qbytes, len) - len;
	bool wake = false;

	if (atomic_load(&c->paused) && left <= srv->cfg.max_inflight / 2 &&
	    lbytes <= srv->cfg.conn_in_max / 2) {
		pthread_mutex_lock(&srv->qlock);
		wake = resume_later(srv, c);
		pthread_mutex_unlock(&srv->qlock);
	}
	if (!wake && atomic_load(&srv->starved) &&
	    q <= srv->cfg.in_budget / 2)
		wake = true;
	if (wake)
		wake_loop(srv);
}

void
srv_request_done(struct rpc_srv *srv, struct req *rq)
{
	if (rq->conn != NULL)
		conn_done(srv, rq->conn, rq->len);
	req_put(rq);
}

/* ---------------------------------------------------------- output */

/* Write what the socket takes of rq's remaining reply; wlock held.
 * Returns 1 when all of it went, 0 when the socket is full, -errno. */
static int
out_write(struct rpc_conn *c, struct req *rq)
{
	while (rq->out_left > 0) {
		struct msghdr mh;
		ssize_t w;
		size_t left;

		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = &rq->out[rq->out_i];
		mh.msg_iovlen = (size_t)(rq->out_n - rq->out_i);
		w = sendmsg(c->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		left = (size_t)w;
		rq->out_left -= left;
		while (rq->out_i < rq->out_n && left >= rq->out[rq->out_i].iov_len) {
			left -= rq->out[rq->out_i].iov_len;
			rq->out_i++;
		}
		if (rq->out_i < rq->out_n) {
			rq->out[rq->out_i].iov_base =
			    (char *)rq->out[rq->out_i].iov_base + left;
			rq->out[rq->out_i].iov_len -= left;
		}
	}
	return 1;
}

int
conn_send(struct rpc_srv *srv, struct req *rq, struct iovec *iov, int n)
{
	struct rpc_conn *c = rq->conn;
	bool park = false, defer;
	int i, rc = 0;

	if (n > 3)
		return -EINVAL;
	rq->out_i = 0;
	rq->out_n = n;
	rq->out_left = 0;
	for (i = 0; i < n; i++) {
		rq->out[i] = iov[i];
		rq->out_left += iov[i].iov_len;
	}
	pthread_mutex_lock(&c->wlock);
	if (atomic_load(&c->dead)) {
		pthread_mutex_unlock(&c->wlock);
		return -EPIPE;
	}
	/* the loop answering what it read: the replies leave together when
	 * the batch is done (conn_flush), unless they pile up */
	defer = rq->inline_call && c->corked && c->oq_bytes < CORK_MAX;
	/* in order: only an empty queue lets a reply go first */
	if (!defer && c->oq_head == NULL && (rc = out_write(c, rq)) != 0) {
		pthread_mutex_unlock(&c->wlock);
		return rc < 0 ? rc : 0;
	}
	/* the rest waits for the loop; the queue holds rq */
	__atomic_add_fetch(&rq->refs, 1, __ATOMIC_ACQ_REL);
	rq->next = NULL;
	if (c->oq_tail != NULL)
		c->oq_tail->next = rq;
	else {
		c->oq_head = rq;
		c->oq_progress = time(NULL);
	}
	c->oq_tail = rq;
	c->oq_bytes += rq->out_left;
	atomic_fetch_add(&srv->oq_bytes, rq->out_left);
	if (defer) {
		pthread_mutex_unlock(&c->wlock);
		return 0;
	}
	if (!c->want_out || (!c->choked && c->oq_bytes > srv->cfg.sendq_high)) {
		c->want_out = true;
		if (c->oq_bytes > srv->cfg.sendq_high && !c->choked)
			park = c->choked = true;
		conn_events_locked(srv, c);
	}
	/*
	 * Parked under wlock (order: wlock, then qlock), so that the loop's
	 * unpark in xprt_write, which clears choked under wlock too, can
	 * never come between choked and parked and leave c parked for good.
	 */
	if (park)
		sched_park(srv, &c->sched, true);
	pthread_mutex_unlock(&c->wlock);
	return 0;
}

/*
 * Write as much of c's queue as the socket takes, several replies per
 * sendmsg; wlock held. Replies written in full go to *done. Returns 1 when
 * the queue is empty, 0 when the socket is full, -errno.
 */
static int
oq_drain(struct rpc_srv *srv, struct rpc_conn *c, struct req **done)
{
	struct iovec iov[OQ_IOV];
	struct req *rq;
	struct msghdr mh;
	ssize_t w;
	size_t left;
	int n, i;

	while (c->oq_head != NULL) {
		n = 0;
		for (rq = c->oq_head; rq != NULL && n + 3 <= OQ_IOV;
		    rq = rq->next)
			for (i = rq->out_i; i < rq->out_n; i++)
				iov[n++] = rq->out[i];
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = iov;
		mh.msg_iovlen = (size_t)n;
		w = sendmsg(c->fd, &mh, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return -errno;
		}
		left = (size_t)w;
		c->oq_progress = time(NULL);
		c->oq_bytes -= left;
		atomic_fetch_sub(&srv->oq_bytes, left);
		while ((rq = c->oq_head) != NULL && left > 0) {
			size_t take = left < rq->out_left ? left : rq->out_left;

			left -= take;
			rq->out_left -= take;
			while (take > 0) {
				struct iovec *v = &rq->out[rq->out_i];

				if (take >= v->iov_len) {
					take -= v->iov_len;
					rq->out_i++;
				} else {
					v->iov_base = (char *)v->iov_base + take;
					v->iov_len -= take;
					take = 0;
				}
			}
			if (rq->out_left > 0)
				break;
			if ((c->oq_head = rq->next) == NULL)
				c->oq_tail = NULL;
			rq->next = *done;
			*done = rq;
		}
	}
	return 1;
}

/* After oq_drain (wlock held): EPOLLOUT and the choke as the queue now
 * stands. resume: what the caller does once wlock is dropped. */
static void
oq_settle(struct rpc_srv *srv, struct rpc_conn *c, bool *resume)
{
	bool want = c->oq_head != NULL, unpark = false;
	bool change = want != c->want_out;

	c->want_out = want;
	if (c->choked && c->oq_bytes <= srv->cfg.sendq_high / 2) {
		c->choked = false;
		unpark = change = true;
		*resume = !c->paused;
	}
	if (change)
		conn_events_locked(srv, c);
	if (unpark)		/* under wlock: see conn_send */
		sched_park(srv, &c->sched, false);
}

static void
oq_finish(struct rpc_srv *srv, struct rpc_conn *c, struct req *done, int rc,
    bool resume)
{
	struct req *rq;

	while ((rq = done) != NULL) {
		done = rq->next;
		req_put(rq);
	}
	if (rc < 0) {
		conn_close(srv, c, "write error");
		return;
	}
	if (resume && c->stash != NULL) {
		/* input waiting from before it choked */
		pthread_mutex_lock(&srv->qlock);
		if (resume_later(srv, c))
			wake_loop(srv);
		pthread_mutex_unlock(&srv->qlock);
	}
}

void
xprt_write(struct rpc_srv *srv, struct rpc_conn *c)
{
	struct req *done = NULL;
	bool resume = false;
	int rc;

	if (atomic_load(&c->dead))
		return;
	pthread_mutex_lock(&c->wlock);
	rc = oq_drain(srv, c, &done);
	oq_settle(srv, c, &resume);
	pthread_mutex_unlock(&c->wlock);
	oq_finish(srv, c, done, rc, resume);
}

/* The loop is done with a batch of c's input: uncork, and send the
 * replies its inline calls left queued. */
static void
conn_flush(struct rpc_srv *srv, struct rpc_conn *c)
{
	struct req *done = NULL;
	bool resume = false;
	int rc = 0;

	c->corked = false;
	c->cork_n = 0;
	if (atomic_load(&c->dead))
		return;
	pthread_mutex_lock(&c->wlock);
	if (!c->want_out) {	/* else the loop writes when it drains */
		rc = oq_drain(srv, c, &done);
		oq_settle(srv, c, &resume);
	}
	pthread_mutex_unlock(&c->wlock);
	oq_finish(srv, c, done, rc, resume);
}

/* ---------------------------------------------------------- the tick */

void
conn_tick(struct rpc_srv *srv, time_t now)
{
	struct rpc_conn *c, *prev, *next;

	if (srv->starved)
		xprt_resume(srv);	/* in case no request woke the loop */
	/* idle: the list is ordered by activity, walk from the idle end */
	for (c = srv->conns; c != NULL && c->next != NULL; c = c->next)
		;
	for (; c != NULL; c = prev) {
		prev = c->prev;
		if (now - c->last_active < (time_t)srv->cfg.idle_timeout)
			break;
		if (atomic_load(&c->inflight) > 0 || conn_stalled(c, now) > 0)
			continue;
		srv_stat_add(srv, &srv->st.conns_idle_closed);
		conn_close(srv, c, "idle");
	}
	/* replies that do not drain */
	for (c = srv->conns; c != NULL; c = next) {
		next = c->next;
		if (conn_stalled(c, now) >= (time_t)srv->cfg.send_timeout) {
			srv_stat_add(srv, &srv->st.conns_evicted);
			conn_close(srv, c, "replies not read");
		}
	}
	/* too much waiting to be written everywhere: the most stalled go */
	while (atomic_load(&srv->oq_bytes) > srv->cfg.sendq_budget) {
		struct rpc_conn *worst = NULL;
		time_t worst_t = 0, t;

		for (c = srv->conns; c != NULL; c = c->next)
			if ((t = conn_stalled(c, now)) > worst_t) {
				worst_t = t;
				worst = c;
			}
		if (worst == NULL)
			break;
		srv_stat_add(srv, &srv->st.conns_evicted);
		conn_close(srv, worst, "queued replies over budget");
	}
}
