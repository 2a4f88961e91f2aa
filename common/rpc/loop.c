/*
 * loop.c: the event loop (one thread): listeners, connections, signals,
 * the workers' wake-ups, and a tick each second.
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
#include <malloc.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "common/addr.h"
#include "common/log.h"
#include "common/sdnotify.h"
#include "common/rpc/rpc_int.h"

#define TRIM_AFTER	(8 * 1024 * 1024)	/* bytes freed in bulk */

/* ---------------------------------------------------------------- loop */

/* Give memory freed in bulk back to the system, at most once a second
 * (glibc keeps freed heap pages of every arena otherwise). */
static void
trim_memory(struct rpc_srv *srv)
{
	if (atomic_load(&srv->freed) < TRIM_AFTER)
		return;
	atomic_store(&srv->freed, 0);
	malloc_trim(0);
}

int
rpc_srv_run(struct rpc_srv *srv, int sigfd,
    void (*on_signal)(struct rpc_srv *, int sig, void *), void *arg)
{
	struct epoll_event evs[64];
	int rc, i, n;

	stats_freeze(srv);	/* the programs are all there now */
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
	activation_adopt_rest(srv);
	reg_ready(srv);		/* unless registration waits for rpcbind */
	while (!atomic_load(&srv->stopping)) {
		time_t now;

		n = epoll_wait(srv->epfd, evs, 64, reg_wait_ms(srv, 1000));
		srv->inline_round = 0;
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
			case SRC_CONN: {
				struct rpc_conn *c = (struct rpc_conn *)s;

				if (evs[i].events & EPOLLOUT)
					xprt_write(srv, c);
				if (evs[i].events & (EPOLLIN | EPOLLRDHUP |
				    EPOLLHUP | EPOLLERR))
					xprt_read(srv, c, evs[i].events);
				break;
			}
			case SRC_WAKE: {
				uint64_t v;
				ssize_t r = read(srv->wakefd, &v, sizeof(v));

				(void)r;
				xprt_resume(srv);
				break;
			}
			case SRC_STATS:
				msrv_event(srv, s, evs[i].events);
				break;
			case SRC_SIGNAL: {
				unsigned char sig;

				sched_inline_settle(srv);

				while (read(sigfd, &sig, 1) == 1)
					if (on_signal != NULL)
						on_signal(srv, sig, arg);
				break;
			}
			}
		}
		sched_inline_settle(srv);
		conn_graveyard_flush(srv);
		now = time(NULL);
		if (now != srv->last_reap) {
			srv->last_reap = now;
			conn_tick(srv, now);
			conn_graveyard_flush(srv);
			msrv_tick(srv, now);
			trim_memory(srv);
		}
		if (srv->timer.fn != NULL && now >= srv->timer.next) {
			srv->timer.next = now + srv->timer.secs;
			srv->timer.fn(srv, srv->timer.arg);
		}
		reg_tick(srv);
	}
	(void)sdnotify("STOPPING=1");
	if (sigfd >= 0)
		epoll_ctl(srv->epfd, EPOLL_CTL_DEL, sigfd, NULL);
	return 0;
}
