/*
 * rpc_int.h: the RPC core's private structures, shared by its files only.
 */
#ifndef NFS_RPC_INT_H
#define NFS_RPC_INT_H

#include <sys/uio.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "common/rpc/recmark.h"
#include "common/rpc/rpc_srv.h"

#define RPC_MAX_AUTH_BYTES	400	/* RFC 5531 opaque_auth body */
#define RPC_MAX_PROGRAMS	8
#define RPC_MAX_AUTHS		8
#define RPC_UDP_MAX		65536

/* What an epoll event points at: a listener, a connection or a pipe. */
enum src_type { SRC_LISTENER, SRC_CONN, SRC_SIGNAL, SRC_WAKE };
struct ev_src {
	enum src_type	type;
};

struct rpc_listener {
	struct ev_src		 src;
	int			 fd;
	enum rpc_xprt_kind	 kind;
	int			 family;
	const char		*netid;
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;
	char			*path;		/* AF_LOCAL socket file */
	struct rpc_listener	*next;
};

struct rpc_conn {
	struct ev_src		 src;
	int			 fd;
	struct rpc_srv		*srv;
	enum rpc_xprt_kind	 kind;
	const char		*netid;
	struct sockaddr_storage	 peer, local;
	socklen_t		 peerlen, locallen;
	bool			 has_peercred;
	uid_t			 peer_uid;
	gid_t			 peer_gid;
	pid_t			 peer_pid;

	struct recmark		 rm;
	uint8_t			*stash;		/* unread input while paused */
	size_t			 stash_len;
	unsigned		 empty_records;
	unsigned long		 ncalls;	/* completed records */
	time_t			 last_active;
	bool			 paused;	/* not polled for input */
	bool			 on_resume;	/* queued for the loop to resume */

	atomic_int		 refs;
	atomic_bool		 dead;
	atomic_uint		 inflight;
	pthread_mutex_t		 wlock;		/* one reply at a time */

	struct rpc_conn		*prev, *next;	/* srv->conns, loop thread only */
	struct rpc_conn		*resume_next;	/* srv->resume, under qlock */
};

struct rpc_timer {
	unsigned	 secs;
	time_t		 next;
	void		(*fn)(struct rpc_srv *, void *);
	void		*arg;
};

struct drc;

struct rpc_srv {
	struct rpc_srv_config	 cfg;
	const struct rpc_program *progs[RPC_MAX_PROGRAMS];
	unsigned		 nprogs;
	const struct rpc_auth_ops *auths[RPC_MAX_AUTHS];
	unsigned		 nauths;

	int			 epfd;
	int			 wakefd;	/* eventfd: workers -> loop */
	struct ev_src		 wake_src, sig_src;
	struct rpc_listener	*listeners;
	struct rpc_conn		*conns;		/* most recently active first */
	struct rpc_conn		*grave;		/* closed this round, via next */
	unsigned		 nconns;
	atomic_bool		 stopping;
	struct rpc_timer	 timer;
	time_t			 last_reap;

	/* worker pool */
	pthread_t		*workers;
	unsigned		 nworkers;
	pthread_mutex_t		 qlock;
	pthread_cond_t		 qcond;
	struct req		*qhead, *qtail;
	unsigned		 qlen;
	bool			 qstop;
	struct rpc_conn		*resume;	/* paused conns to look at */

	struct drc		*drc;

	/* registrations made, for unregister */
	struct rpc_reg		*regs;

	struct rpc_srv_stats	 st;		/* atomic increments */
};

/* conn.c */
void	conn_put(struct rpc_conn *c);
void	conn_close(struct rpc_srv *srv, struct rpc_conn *c, const char *why);
void	conn_graveyard_flush(struct rpc_srv *srv);
void	conn_reap_idle(struct rpc_srv *srv, time_t now);
void	xprt_accept(struct rpc_srv *srv, struct rpc_listener *l);
void	xprt_read(struct rpc_srv *srv, struct rpc_conn *c, uint32_t events);
void	xprt_resume(struct rpc_srv *srv);
struct req *req_new(struct rpc_srv *srv, enum rpc_xprt_kind kind, const char *netid);
void	req_free(struct req *rq);
bool	srv_queue_full(struct rpc_srv *srv);
void	srv_enqueue(struct rpc_srv *srv, struct req *rq);
/* udp.c */
void	xprt_udp_recv(struct rpc_srv *srv, struct rpc_listener *l);
/* loop.c */
int	workers_start(struct rpc_srv *srv);
void	workers_stop(struct rpc_srv *srv);
/* server.c */
void	srv_request_done(struct rpc_srv *srv, struct req *rq);
int	conn_sendv(struct rpc_conn *c, struct iovec *iov, int n);
int	udp_sendv(struct req *rq, struct iovec *iov, int n);
void	srv_stat_add(struct rpc_srv *srv, unsigned long *ctr);

/* dispatch.c */
void	rpc_dispatch(struct rpc_srv *srv, struct req *rq);

/* auth.c */
extern const struct rpc_auth_ops rpc_auth_none_ops, rpc_auth_sys_ops;
int	auth_sys_decode(const struct rpc_opaque *cred, struct cred *c,
	    enum auth_stat *why);

/* drc.c */
struct drc_key;
struct drc *drc_new(unsigned entries);
void	drc_free(struct drc *d);
/* 0: not found (now in progress); 1: reply copied out; -EINPROGRESS */
int	drc_lookup(struct drc *d, const struct req *rq, uint8_t **reply, size_t *len);
void	drc_store(struct drc *d, const struct req *rq, const uint8_t *reply, size_t len);
void	drc_abandon(struct drc *d, const struct req *rq);

/* register.c */
struct rpc_reg;
void	reg_free_all(struct rpc_srv *srv);

#endif
