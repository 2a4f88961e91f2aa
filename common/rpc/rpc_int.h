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
enum src_type { SRC_LISTENER, SRC_CONN, SRC_SIGNAL, SRC_WAKE, SRC_STATS };
struct ev_src {
	enum src_type	type;
};

/*
 * A source of calls for the scheduler (sched.c): a stream connection, or
 * the server's UDP listeners together. Its waiting calls sit on two FIFOs,
 * cheap ones (procedures flagged P_FAST) and the rest; a source with
 * waiting calls is on the matching ring, and workers take one call from
 * the source at the head of a ring and move it to the tail (round robin),
 * so no source's calls wait behind another's backlog. All under qlock.
 */
struct rpc_sched {
	struct req		*fq_head, *fq_tail;	/* P_FAST calls */
	struct req		*sq_head, *sq_tail;	/* the others */
	bool			 on_fring, on_sring;
	struct rpc_sched	*fnext, *snext;		/* ring links */
	bool			 parked;	/* off the rings: replies stalled */
	struct rpc_conn		*conn;		/* NULL: UDP */
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

	/* input: loop thread only */
	struct recmark		 rm;
	uint8_t			*stash;		/* unread input while paused */
	size_t			 stash_len;
	size_t			 partial;	/* bytes counted in srv->partial */
	time_t			 partial_since;	/* the record being received began */
	unsigned		 empty_records;
	unsigned long		 ncalls;	/* completed records */
	time_t			 last_active;
	atomic_bool		 paused;	/* not polled: too much in flight
						   (written by the loop; read by
						   workers in conn_done) */
	bool			 rdhup;		/* the peer will send nothing more */
	bool			 on_resume;	/* queued for the loop to resume */

	atomic_int		 refs;
	atomic_bool		 dead;
	atomic_uint		 inflight;	/* calls waiting or running */
	atomic_size_t		 inbytes;	/* their records' bytes */

	/*
	 * Output, under wlock: replies that could not be written at once
	 * wait here (each a struct req, linked by next, holding its buffers)
	 * and the loop writes them when the socket drains. Past sendq_high
	 * bytes the connection is choked: neither read nor scheduled.
	 */
	pthread_mutex_t		 wlock;
	struct req		*oq_head, *oq_tail;
	size_t			 oq_bytes;
	time_t			 oq_progress;	/* the queue last moved */
	bool			 want_out;	/* EPOLLOUT armed */
	bool			 corked;	/* loop: inline replies wait for
						   conn_flush (one sendmsg) */
	unsigned		 cork_n;	/* ... how many wait */
	bool			 choked;

	struct rpc_sched	 sched;		/* under qlock */

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

/* Registration with rpcbind and readiness (register.c), loop thread. */
struct rpc_regstate {
	bool		 pending;	/* rpcbind not reached: retrying */
	bool		 ready;		/* READY=1 sent to the service manager */
	bool		 capped;	/* "still waiting" was logged */
	unsigned	 attempts;
	unsigned	 delay_ms;	/* before the next attempt */
	uint64_t	 first_ms;	/* CLOCK_MONOTONIC of the first attempt */
	uint64_t	 next_ms;	/* ... of the next one */
};

/* One worker thread; idx is its place in srv->workers. */
struct rpc_worker {
	struct rpc_srv		*srv;
	pthread_t		 thread;
	unsigned		 idx;
};

struct rpc_srv {
	struct rpc_srv_config	 cfg;
	const struct rpc_program *progs[RPC_MAX_PROGRAMS];
	unsigned		 nprogs;
	const struct rpc_auth_ops *auths[RPC_MAX_AUTHS];
	unsigned		 nauths;
	struct auth_dh		*dh;		/* AUTH_DH state (auth_dh.c) */

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

	/* worker pool and scheduler (sched.c), under qlock */
	struct rpc_worker	**workers;	/* [0, nworkers): running */
	unsigned		 nworkers;
	unsigned		 nwant;		/* workers with an index past it
						   exit (rpc_srv_set_threads) */
	pthread_mutex_t		 qlock;
	pthread_cond_t		 qcond;
	struct rpc_sched	*fring, *fring_tail;	/* sources with cheap calls */
	struct rpc_sched	*sring, *sring_tail;	/* ... with others */
	struct rpc_sched	 udp_sched;	/* every UDP call */
	unsigned		 qlen;		/* calls waiting */
	unsigned		 slow_busy;	/* workers on non-P_FAST calls */
	unsigned		 slow_max;	/* at most (the rest stay for cheap
						   calls) */
	bool			 qstop;
	struct rpc_conn		*resume;	/* paused conns to look at */
	atomic_bool		 starved;	/* input paused: too much queued
						   (see conn_done) */

	/* memory bounds (see conn.c) */
	size_t			 partial;	/* loop: unfinished records */
	atomic_size_t		 qbytes;	/* records waiting or running */
	atomic_size_t		 oq_bytes;	/* replies waiting to be written */
	atomic_size_t		 freed;		/* big frees since malloc_trim */

	struct drc		*drc;

	/* inline calls (sched.c): loop thread, but gate_arg's state */
	bool			(*inline_gate)(void *, const struct req *, bool meta);
	void			*inline_gate_arg;
	time_t			 inline_off_until;	/* stalled: off until */
	bool			 inline_ran;	/* loop: identity may be a
						   caller's (ident_root) */
	unsigned long		 inline_calls;	/* run inline (loop) */
	unsigned		 inline_round;	/* ... in this epoll round */

	/* registrations made, for unregister; retries and readiness */
	struct rpc_reg		*regs;
	struct rpc_regstate	 reg;

	struct rpc_srv_stats	 st;		/* atomic increments */
	struct rpc_stats	*stats;		/* stats.c, metrics_srv.c */
};

/* register.c: milliseconds the loop may sleep before the next retry
 * (at most max_ms); the retry when it is due; READY=1 once registered
 * (at the loop's start, or after the retry that succeeds). */
int	reg_wait_ms(const struct rpc_srv *srv, int max_ms);
void	reg_tick(struct rpc_srv *srv);
void	reg_ready(struct rpc_srv *srv);
/* listen.c: adopt the service manager's sockets (LISTEN_FDS) that no
 * rpc_srv_listen() asked for (rpc_srv_run(), once). */
void	activation_adopt_rest(struct rpc_srv *srv);

/* conn.c */
void	conn_put(struct rpc_conn *c);
void	conn_close(struct rpc_srv *srv, struct rpc_conn *c, const char *why);
void	conn_graveyard_flush(struct rpc_srv *srv);
/* Once a second (loop): idle connections, stalled replies, the budgets. */
void	conn_tick(struct rpc_srv *srv, time_t now);
void	xprt_accept(struct rpc_srv *srv, struct rpc_listener *l);
void	xprt_read(struct rpc_srv *srv, struct rpc_conn *c, uint32_t events);
void	xprt_write(struct rpc_srv *srv, struct rpc_conn *c);
void	xprt_resume(struct rpc_srv *srv);
struct req *req_new(struct rpc_srv *srv, enum rpc_xprt_kind kind, const char *netid);
/* Drop a reference; the last frees the request. */
void	req_put(struct req *rq);
/*
 * Send a reply record iov[0..n) (the first starting with the record mark)
 * on rq's connection without ever blocking: what the socket does not take
 * at once waits on the connection's queue, holding a reference on rq.
 * Returns 0 (sent or queued) or -errno (the connection is gone).
 */
int	conn_send(struct rpc_srv *srv, struct req *rq, struct iovec *iov, int n);
/* sched.c */
/* The flags of the procedure the call in rq->buf is for (P_FAST for an
 * unknown program or version: answered at once). */
unsigned sched_proc_flags(struct rpc_srv *srv, const struct req *rq);
bool	srv_queue_full(struct rpc_srv *srv);
/* Run rq on this (the loop's) thread if it may be (see rpc_srv_set_inline),
 * done with it: true. false: queue it for the workers. */
bool	sched_try_inline(struct rpc_srv *srv, struct req *rq);
/* The loop's own work ahead: back to root if an inline call changed the
 * thread's file-system identity. */
void	sched_inline_settle(struct rpc_srv *srv);
/* Queue a call of source s (NULL: UDP) for the workers. */
void	sched_enqueue(struct rpc_srv *srv, struct rpc_sched *s, struct req *rq);
/* Take s off the rings and free its waiting calls (its connection closed). */
void	sched_drop(struct rpc_srv *srv, struct rpc_sched *s);
/* s's replies are stalled (park: not scheduled) or drain again. */
void	sched_park(struct rpc_srv *srv, struct rpc_sched *s, bool park);
int	workers_start(struct rpc_srv *srv);
void	workers_stop(struct rpc_srv *srv);
/* udp.c */
void	xprt_udp_recv(struct rpc_srv *srv, struct rpc_listener *l);
/* server.c */
void	srv_request_done(struct rpc_srv *srv, struct req *rq);
int	udp_sendv(struct req *rq, struct iovec *iov, int n);
void	srv_stat_add(struct rpc_srv *srv, unsigned long *ctr);

/* dispatch.c */
void	rpc_dispatch(struct rpc_srv *srv, struct req *rq);
/* Answer rq SUCCESS with verifier verf and the body x encodes (a flavour
 * that answers itself: RPCSEC_GSS control calls). */
void	rpc_reply_raw(struct req *rq, const struct rpc_opaque *verf,
	    xdrproc_t x, void *body);

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

/* stats.c: counters (see there for what is counted when) */
enum rpc_rej {
	REJ_GARBAGE, REJ_RPC_MISMATCH, REJ_AUTH, REJ_PROG_UNAVAIL,
	REJ_PROG_MISMATCH, REJ_PROC_UNAVAIL, REJ_SYSTEM_ERR, REJ_N
};
struct rpc_tstat;
struct msrv_client;
struct mbuf;
struct rpc_stats {
	pthread_key_t		 key;		/* the thread's rpc_tstat */
	pthread_mutex_t		 lock;		/* blocks, layout */
	struct rpc_tstat	*blocks;
	bool			 frozen;	/* slots laid out */
	unsigned		 nprogs, nslots;
	unsigned		 base[RPC_MAX_PROGRAMS][8];	/* first slot */
	char			 daemon[64];
	time_t			 start;
	struct {
		void	(*fn)(struct mbuf *, void *);
		void	*arg;
	}			 extra[4];
	unsigned		 nextra;
	/* metrics_srv.c, loop thread */
	struct ev_src		 src_unix, src_http;
	int			 msrv_fd_unix, msrv_fd_http;
	char			*sock_path;
	struct msrv_client	*clients;
	unsigned		 nclients;
	char			*snap;		/* the last rendering */
	size_t			 snap_len;
	uint64_t		 snap_ms;
	unsigned		 renders;	/* in the current second */
	time_t			 renders_sec;
};
struct rpc_stats *stats_new(void);
void	stats_free(struct rpc_srv *srv);
void	stats_freeze(struct rpc_srv *srv);
uint64_t stats_now_ns(void);
void	stats_begin(struct rpc_srv *srv, struct req *rq);
void	stats_reject(struct req *rq, enum rpc_rej why);
void	stats_call(struct rpc_srv *srv, struct req *rq, unsigned pi,
	    unsigned vi);
/* 0: a miss, 1: a hit, else: in progress */
void	stats_drc(struct req *rq, int outcome);
void	stats_finish(struct req *rq);
void	stats_end(struct req *rq);
/* metrics_srv.c: the stats socket and HTTP listener, loop thread */
void	msrv_event(struct rpc_srv *srv, struct ev_src *s, uint32_t events);
void	msrv_tick(struct rpc_srv *srv, time_t now);
void	msrv_close(struct rpc_srv *srv);
/* drc.c */
void	drc_usage(struct drc *d, unsigned *n, unsigned *max);

/* register.c */
struct rpc_reg;
void	reg_free_all(struct rpc_srv *srv);

#endif
