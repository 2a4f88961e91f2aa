/*
 * loop.c: the event loop (one thread) and the worker pool.
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

static void	*worker_main(void *arg);

/* ---------------------------------------------------------------- loop */

void
conn_reap_idle(struct rpc_srv *srv, time_t now)
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
		srv_stat_add(srv, &srv->st.conns_idle_closed);
		conn_close(srv, c, "idle");
	}
}

int
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
					xprt_udp_recv(srv, l);
				else
					xprt_accept(srv, l);
				break;
			}
			case SRC_CONN:
				xprt_read(srv, (struct rpc_conn *)s, evs[i].events);
				break;
			case SRC_WAKE: {
				uint64_t v;
				ssize_t r = read(srv->wakefd, &v, sizeof(v));

				(void)r;
				xprt_resume(srv);
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
		conn_graveyard_flush(srv);
		now = time(NULL);
		if (now != srv->last_reap) {
			srv->last_reap = now;
			conn_reap_idle(srv, now);
			conn_graveyard_flush(srv);
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
