/*
 * server.c: listeners, connections, the event loop and the worker pool.
 *
 * The loop thread alone touches the connection list and reads sockets. A
 * complete call becomes a struct req queued for the workers (sched.c); the
 * request holds a reference on its connection, so a connection closed by
 * the loop stays allocated until the last request of it is done. Replies
 * never block a worker (conn.c's send queue); back-pressure and the memory
 * bounds are described in conn.c.
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
#include <malloc.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/addr.h"
#include "common/log.h"
#include "common/rpc/auth_dh.h"
#include "common/rpc/rpc_int.h"

void
srv_stat_add(struct rpc_srv *srv, unsigned long *ctr)
{
	(void)srv;
	/* counters only: no ordering needed, and no lock on the call path */
	__atomic_fetch_add(ctr, 1, __ATOMIC_RELAXED);
}

struct rpc_srv *
rpc_srv_new(const struct rpc_srv_config *cfg)
{
	struct rpc_srv *srv;
	struct epoll_event ev;

	/*
	 * Memory freed after a burst must go back to the system: glibc's
	 * dynamic thresholds would let each worker's arena keep hundreds of
	 * MiB (its top chunk is never trimmed once the trim threshold has
	 * grown). Fixed thresholds: buffers of a few MiB still come from the
	 * arenas (no mmap per 1 MiB READ: glibc's default 128 KiB made reads
	 * 4x slower), an arena keeps at most 2 MiB on top, and 4 arenas serve
	 * all the workers (malloc_trim gives back the free pages between, see
	 * loop.c). Measured: 1 MiB READs as fast as with a 128 MiB trim
	 * threshold, and 11 MB of RSS after them instead of 163 MB.
	 */
	(void)mallopt(M_MMAP_THRESHOLD, 4 * 1024 * 1024);
	(void)mallopt(M_TRIM_THRESHOLD, 2 * 1024 * 1024);
	(void)mallopt(M_ARENA_MAX, 4);
	if ((srv = calloc(1, sizeof(*srv))) == NULL)
		return NULL;
	if ((srv->stats = stats_new()) == NULL) {
		free(srv);
		return NULL;
	}
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
		srv->cfg.send_timeout = 15;
	if (srv->cfg.sendq_high == 0)
		srv->cfg.sendq_high = 4 * 1024 * 1024;
	if (srv->cfg.sendq_budget == 0)
		srv->cfg.sendq_budget = 256 * 1024 * 1024;
	if (srv->cfg.conn_in_max == 0)
		srv->cfg.conn_in_max = 8 * 1024 * 1024;
	if (srv->cfg.in_budget == 0)
		srv->cfg.in_budget = 64 * 1024 * 1024;
	if (srv->cfg.in_budget < 4 * srv->cfg.max_record)
		srv->cfg.in_budget = 4 * srv->cfg.max_record;
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
	rpc_srv_add_auth(srv, &rpc_auth_none_ops);
	rpc_srv_add_auth(srv, &rpc_auth_sys_ops);
	/* AUTH_DH: refused with AUTH_TOOWEAK until rpc_srv_enable_dh() */
	if (auth_dh_attach(srv) != 0)
		goto fail;
	return srv;
fail:
	if (srv->epfd >= 0)
		close(srv->epfd);
	if (srv->wakefd >= 0)
		close(srv->wakefd);
	stats_free(srv);
	free(srv);
	return NULL;
}

void
rpc_srv_free(struct rpc_srv *srv)
{
	struct rpc_listener *l, *ln;

	if (srv == NULL)
		return;
	workers_stop(srv);
	sched_drop(srv, &srv->udp_sched);
	while (srv->conns != NULL)
		conn_close(srv, srv->conns, NULL);
	conn_graveyard_flush(srv);
	xprt_resume(srv);
	for (l = srv->listeners; l != NULL; l = ln) {
		ln = l->next;
		close(l->fd);
		if (l->path != NULL)
			unlink(l->path);
		free(l->path);
		free(l);
	}
	reg_free_all(srv);
	stats_free(srv);
	drc_free(srv->drc);
	auth_dh_detach(srv);
	close(srv->epfd);
	close(srv->wakefd);
	pthread_mutex_destroy(&srv->qlock);
	pthread_cond_destroy(&srv->qcond);
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
#define LD(f)	st->f = __atomic_load_n(&srv->st.f, __ATOMIC_RELAXED)
	LD(calls); LD(replies); LD(dropped); LD(garbage); LD(autherr);
	LD(conns_accepted); LD(conns_closed); LD(conns_evicted);
	LD(conns_idle_closed); LD(records_oversize); LD(records_bad);
#undef LD
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
