/*
 * rpc_srv.h: the RPC server core every daemon of the suite uses.
 *
 * One event-loop thread owns the listeners (TCP, UDP, AF_LOCAL; IPv4 and
 * IPv6) and the connections: it reads, splits TCP records (record marking,
 * RFC 5531 section 11) under a size cap, and queues complete calls for a
 * bounded worker pool, which takes them in turn from each connection,
 * cheap procedures (P_FAST) first (sched.c). A worker decodes the call
 * header and credentials, finds the procedure in the program's table
 * (PROG_UNAVAIL, PROG_MISMATCH, PROC_UNAVAIL), decodes the arguments
 * (GARBAGE_ARGS), applies the per-procedure flags, calls the handler,
 * encodes the reply and hands it to the connection, whose queue the loop
 * writes if the socket does not take it at once: no worker ever waits on
 * a client. Replies on one connection may leave out of order. What a
 * client can make the server hold (calls, replies, unfinished records) is
 * bounded per connection and in all (conn.c). libtirpc is used only for
 * XDR and rpcbind calls.
 */
#ifndef NFS_RPC_SRV_H
#define NFS_RPC_SRV_H

#include <sys/types.h>
#include <sys/socket.h>
#include <rpc/rpc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/cred.h"

struct rpc_srv;
struct rpc_conn;
struct req;

/* What a handler asks the dispatcher to do. */
enum disp {
	DISP_REPLY,	/* encode res and send it */
	DISP_DROP,	/* send nothing (a retransmission will come) */
	DISP_SYSERR,	/* reply SYSTEM_ERR */
	DISP_GARBAGE,	/* reply GARBAGE_ARGS (semantic decode failure) */
	DISP_PROC_UNAVAIL, /* reply PROC_UNAVAIL (procedure switched off) */
	DISP_PROG_UNAVAIL, /* reply PROG_UNAVAIL (e.g. for another program:
			      rpcbind's INDIRECT) */
	DISP_AUTHERR,	/* reply AUTH_ERROR with rq->auth_stat */
};

typedef enum disp (*rpc_handler_fn)(struct req *, void *args, void *res);

/* Per-procedure flags, applied by the dispatcher before the handler. */
#define P_CRED		0x0001u	/* needs a real identity: AUTH_NONE -> AUTH_TOOWEAK */
#define P_WRITE		0x0002u	/* modifies state (program hook checks ro) */
#define P_DRC		0x0004u	/* non-idempotent: use the duplicate request cache */
#define P_LOCAL		0x0008u	/* only from local callers (AF_LOCAL, loopback) */
#define P_NOAUTHCHECK	0x0010u	/* skip the program's check hook (NULL procs) */
#define P_FAST		0x0020u	/* cheap and quick: scheduled ahead of the
				   rest, on workers kept free for them */
#define P_INLINE_META	0x0040u	/* a metadata change (CREATE, REMOVE...):
				   may run inline when the gate allows
				   metadata (rpc_srv_set_inline) */

struct rpc_proc {
	rpc_handler_fn	 fn;		/* NULL: PROC_UNAVAIL */
	xdrproc_t	 xdr_args;
	xdrproc_t	 xdr_res;
	size_t		 args_size;
	size_t		 res_size;
	unsigned	 flags;
	const char	*name;
};

/* Handlers are written with their real argument types; the table stores
 * them as the generic type (the detour through void (*)(void) is the
 * sanctioned way to say "deliberate"). */
#define RPC_FN(f)	((rpc_handler_fn)(void (*)(void))(f))
#define RPC_XDR(f)	((xdrproc_t)(void (*)(void))(f))
#define RPC_PROC(fn, A, R, fl)						\
	{ RPC_FN(fn), RPC_XDR(xdr_##A), RPC_XDR(xdr_##R), sizeof(A),	\
	  sizeof(R), (fl), #fn }
/* The same with hand-written codecs xa/xr for the types A/R. */
#define RPC_PROC_XDR(fn, xa, A, xr, R, fl)				\
	{ RPC_FN(fn), RPC_XDR(xa), RPC_XDR(xr), sizeof(A), sizeof(R),	\
	  (fl), #fn }
/* Procedure with void arguments and void result (NULL). */
#define RPC_PROC_VOID(fn, fl)						\
	{ RPC_FN(fn), RPC_XDR(xdr_void), RPC_XDR(xdr_void), 0, 0,	\
	  (fl) | P_NOAUTHCHECK | P_FAST, #fn }

struct rpc_version {
	uint32_t		 vers;
	const struct rpc_proc	*procs;		/* indexed by procedure number */
	unsigned		 nprocs;
};

struct rpc_program {
	uint32_t		 prog;
	const char		*name;		/* for logs and rpcbind owner */
	const struct rpc_version *versions;	/* ascending vers */
	unsigned		 nversions;
	/*
	 * Policy hook, called after arguments are decoded and before the
	 * handler (unless P_NOAUTHCHECK). Returns DISP_REPLY to go on, or
	 * another disp (DISP_AUTHERR with rq->auth_stat set, DISP_DROP...).
	 * A hook may also fill res and return DISP_REPLY with rq->handled set
	 * to answer without the handler (e.g. NFS3ERR_ROFS).
	 */
	enum disp		(*check)(struct req *, const struct rpc_proc *,
				    void *args, void *res);
	/* Called once per call that reached the check hook or handler, after
	 * the reply went out (release what the hook took: rq->priv). */
	void			(*release)(struct req *);
	bool			 no_register;	/* don't register with rpcbind */
	bool			 res_status;	/* every result starts with a
						   status, 0 meaning success
						   (statistics count errors) */
	void			*ctx;		/* daemon's, as rq->ctx */
};

/* Transport kinds. */
enum rpc_xprt_kind { RPC_XPRT_UDP, RPC_XPRT_TCP, RPC_XPRT_LOCAL };

/* Per-request arena: every allocation is freed after the reply is sent. */
struct arena_chunk;
struct arena {
	struct arena_chunk	*head;
	size_t			 total;
	size_t			 limit;		/* 0: no limit */
};

/* The request, as every handler sees it. Lives in one worker thread. */
struct req {
	struct rpc_srv		*srv;
	enum rpc_xprt_kind	 kind;
	const char		*netid;		/* "tcp", "udp6", "local", ... */
	struct sockaddr_storage	 peer;		/* caller */
	socklen_t		 peerlen;
	struct sockaddr_storage	 local;		/* our address it came to */
	socklen_t		 locallen;
	bool			 has_peercred;	/* AF_LOCAL SO_PEERCRED */
	uid_t			 peer_uid;
	gid_t			 peer_gid;
	pid_t			 peer_pid;

	uint32_t		 xid, prog, vers, proc;
	const struct rpc_program *program;
	const struct rpc_proc	*pd;
	struct cred		 cred;
	enum auth_stat		 auth_stat;	/* for DISP_AUTHERR */
	bool			 handled;	/* check hook answered */
	void			*ctx;		/* program->ctx */
	void			*priv;		/* per-request, for the daemon */

	struct arena		 arena;
	const void		*zc_buf;	/* see req_set_zerocopy() */
	size_t			 zc_len;

	/* private to the core */
	int			 refs;		/* the worker, a send queue */
	bool			 fast;		/* P_FAST: scheduled as cheap */
	bool			 inline_call;	/* run by the thread that read it:
						   must not wait (rpc_req_inline) */
	bool			 meta;		/* P_INLINE_META */
	struct iovec		 out[3];	/* a queued reply: what is left */
	int			 out_i, out_n;
	size_t			 out_left;
	struct rpc_conn		*conn;		/* TCP/LOCAL connection, or NULL */
	int			 udp_fd;
	int			 ifindex;	/* UDP: interface it came in on */
	uint8_t			*buf;		/* the call record */
	size_t			 len;
	size_t			 args_off;	/* where the arguments start */
	const struct rpc_auth_ops *auth;
	void			*auth_priv;
	struct req		*next;		/* queue link */
	/* statistics (stats.c) */
	uint64_t		 t_arrival;	/* CLOCK_MONOTONIC ns, call read */
	struct rpc_tstat	*tst;		/* the dispatching thread's */
	int			 st_slot;	/* the procedure's, -1: none */
	bool			 st_err;	/* an RPC error reply */
	bool			 st_status_err;	/* an error status in res */
	bool			 st_done;
	size_t			 st_out;	/* reply bytes */
};

/* Allocate zeroed memory from the request's arena; NULL on exhaustion. */
void	*req_alloc(struct req *rq, size_t len);
/* The same, not zeroed: for buffers about to be filled whole (READ data). */
void	*req_alloc_raw(struct req *rq, size_t len);
char	*req_strdup(struct req *rq, const char *s);
/*
 * The result holds buf[0..len) as an opaque's bytes (READ data): the core
 * sends those bytes from buf without copying them into the reply, unless
 * the flavour must wrap the reply (GSS integrity/privacy). buf must live
 * until the reply is sent (the arena).
 */
void	 req_set_zerocopy(struct req *rq, const void *buf, size_t len);
/* Numeric "host:port" of the caller, in the arena (for logs). */
const char *req_peer_str(struct req *rq);
/* Is the caller local: AF_LOCAL, or loopback source and destination? */
bool	 req_is_local(const struct req *rq);
/* Did the call come from a privileged (< 1024) port? AF_LOCAL: uid 0. */
bool	 req_is_privileged(const struct req *rq);

void	 arena_init(struct arena *a, size_t limit);
void	*arena_alloc(struct arena *a, size_t len);
void	*arena_alloc_raw(struct arena *a, size_t len);
void	 arena_free(struct arena *a);

/*
 * Authentication flavours plug in here. AUTH_NONE and AUTH_SYS are
 * built in; RPCSEC_GSS and AUTH_DH register their ops later.
 */
enum auth_result {
	AUTHR_OK,	/* rq->cred filled; go on to the program */
	AUTHR_DENY,	/* reply AUTH_ERROR with *why */
	AUTHR_DROP,	/* silently discard (e.g. GSS sequence window) */
	AUTHR_REPLIED,	/* the flavour answered itself (GSS control) */
};

struct rpc_opaque {
	uint32_t	 flavor;
	uint32_t	 len;
	const uint8_t	*body;		/* points into the call record */
};

struct rpc_auth_ops {
	uint32_t	flavor;
	const char	*name;
	enum auth_result (*accept)(struct req *, const struct rpc_opaque *cred,
			    const struct rpc_opaque *verf, enum auth_stat *why);
	/* Decode arguments (unwrapping integrity/privacy); NULL = plain. */
	bool		(*decode_args)(struct req *, XDR *, xdrproc_t, void *args);
	/* Encode results (wrapping); NULL = plain. */
	bool		(*encode_res)(struct req *, XDR *, xdrproc_t, void *res);
	/* Does this call's reply get wrapped (no zero copy then)? NULL:
	 * whenever encode_res is set. */
	bool		(*wraps)(const struct req *);
	/* The reply verifier; NULL = AUTH_NONE. Returns false on failure. */
	bool		(*reply_verf)(struct req *, struct rpc_opaque *out);
	/* Free auth_priv after the reply; NULL = nothing. */
	void		(*release)(struct req *);
};

/* Server tuning. Zeroes take the defaults shown. */
struct rpc_srv_config {
	unsigned	nthreads;	/* workers (4) */
	unsigned	queue_max;	/* calls queued to workers (1024) */
	size_t		max_record;	/* TCP record / arena cap (1 MiB + 64 KiB) */
	unsigned	max_conns;	/* connections before the oldest idle is
					   closed (1024) */
	unsigned	idle_timeout;	/* seconds before an idle connection is
					   closed (360) */
	unsigned	max_inflight;	/* calls read and not yet answered, per
					   connection, before it is not read (64) */
	unsigned	send_timeout;	/* seconds a connection's queued replies
					   may go without draining before it is
					   closed (15) */
	size_t		sendq_high;	/* reply bytes queued on a connection
					   before it is neither read nor
					   scheduled (4 MiB) */
	size_t		sendq_budget;	/* reply bytes queued on all connections
					   before the most stalled are closed
					   (256 MiB) */
	size_t		conn_in_max;	/* bytes of calls read and not answered,
					   per connection, before it is not read
					   (8 MiB) */
	size_t		in_budget;	/* the same for all connections (64 MiB),
					   and the bound of unfinished records
					   (whose oldest are closed past it) */
	unsigned	fast_reserve;	/* workers only P_FAST calls may use
					   (nthreads / 8, at least 1 with two
					   or more) */
	bool		inline_fast;	/* run P_FAST calls of AUTH_NONE/AUTH_SYS
					   on the thread that read them (the
					   event loop) instead of handing them
					   to a worker; see rpc_srv_set_inline */
	bool		no_udp;		/* rpc_srv_listen_std: TCP only */
	bool		no_tcp;		/* rpc_srv_listen_std: UDP only */
};

struct rpc_srv_stats {
	unsigned long	calls, replies, dropped, garbage, autherr;
	unsigned long	conns_accepted, conns_closed, conns_evicted,
			conns_idle_closed, records_oversize, records_bad;
	unsigned	conns_open, queued;
};

/* Create a server; returns NULL on allocation failure. */
struct rpc_srv *rpc_srv_new(const struct rpc_srv_config *cfg);
void	rpc_srv_free(struct rpc_srv *srv);

/*
 * Inline calls (cfg.inline_fast): a cheap call (P_FAST, AUTH_NONE or
 * AUTH_SYS) is run by the event loop right where it was read, saving two
 * thread hand-offs, when gate(arg, false) says the daemon's handlers cannot
 * wait right now (nfsd: no export needs a client's host name, which a
 * resolver thread may take seconds to find; with manage-gids, the caller's
 * groups are cached); NULL gate: always. A
 * P_INLINE_META call is run inline only if gate(arg, true) allows it too
 * (nfsd: every export is async, so nothing waits for the disk). A call that holds the
 * loop longer than RPC_INLINE_STALL_MS turns inline calls off for
 * RPC_INLINE_OFF_SECS (a slow or hung file system must not stall every
 * connection), with a notice. Handlers may ask rpc_req_inline(rq).
 */
#define RPC_INLINE_STALL_MS	50
/* Calls the loop runs itself per epoll round; the rest of a busy round
 * goes to the workers, so that a pipelining client gets every core. */
#define RPC_INLINE_PER_ROUND	8
#define RPC_INLINE_OFF_SECS	30
void	rpc_srv_set_inline(struct rpc_srv *srv,
	    bool (*gate)(void *, const struct req *rq, bool meta), void *arg);
/* The uid of an AUTH_SYS call, read from the raw record before it is
 * decoded (for an inline gate): true and *uid, or false. */
bool	rpc_req_peek_sys_uid(const struct req *rq, uint32_t *uid);
static inline bool
rpc_req_inline(const struct req *rq)
{
	return rq->inline_call;
}

/* Add a program (kept by reference: static tables). 0 or -errno. */
int	rpc_srv_add_program(struct rpc_srv *srv, const struct rpc_program *p);
/* Add an authentication flavour (kept by reference). 0 or -EEXIST. */
int	rpc_srv_add_auth(struct rpc_srv *srv, const struct rpc_auth_ops *ops);

/* Listen on one address. kind UDP/TCP with an AF_INET/AF_INET6 sa, or
 * LOCAL with an AF_UNIX sa (an existing socket file is replaced). IPv6
 * sockets are V6ONLY. Returns 0 or -errno. */
int	rpc_srv_listen(struct rpc_srv *srv, enum rpc_xprt_kind kind,
	    const struct sockaddr *sa, socklen_t len);
/*
 * Listen on port (0: one ephemeral port shared by all four where it can be)
 * on the wildcard addresses: udp, tcp, udp6, tcp6 (no UDP with no_udp). IPv6 failing because the
 * host has no IPv6 is not an error. If bind_addrs is non-NULL it is a
 * NULL-terminated list of numeric addresses to bind instead of the
 * wildcards. Returns 0 or -errno.
 */
int	rpc_srv_listen_std(struct rpc_srv *srv, int port, const char *const *bind_addrs);
/* Adopt an already bound socket (systemd socket activation). */
int	rpc_srv_listen_fd(struct rpc_srv *srv, int fd);
/* Port of the first listener of kind/family, 0 if none. */
int	rpc_srv_port(const struct rpc_srv *srv, enum rpc_xprt_kind kind, int family);

/*
 * Register every program/version on every listener's netid with rpcbind
 * (libtirpc rpcb_set), replacing stale entries. When rpcbind cannot be
 * reached, the rest is registered from rpc_srv_run()'s loop, retried with
 * back-off until rpcbind answers (logged here, not an error). Returns 0 or
 * the first -errno no retry can fix (-EACCES: rpcbind refused), carrying
 * on with the rest. Under a service manager ($NOTIFY_SOCKET), READY=1 is
 * sent once the loop runs and the registration is complete; STOPPING=1
 * when the loop ends (common/sdnotify.h).
 */
int	rpc_srv_register(struct rpc_srv *srv);
/* Remove the registrations made above. */
void	rpc_srv_unregister(struct rpc_srv *srv);

/*
 * Run the event loop until rpc_srv_stop(). If sigfd >= 0, each signal
 * number read from it (see daemon_sigpipe()) is passed to on_signal in the
 * loop thread. Starts the workers on first call. Returns 0 or -errno.
 */
int	rpc_srv_run(struct rpc_srv *srv, int sigfd,
	    void (*on_signal)(struct rpc_srv *, int sig, void *), void *arg);
/*
 * Change the number of workers at run time (rpc.nfsd N on a running
 * server): new ones start at once; surplus ones finish the call they run
 * and exit (the caller waits for them). Before rpc_srv_run() this only sets
 * the count it starts. Returns 0 or -errno (-EINVAL for 0).
 */
int	rpc_srv_set_threads(struct rpc_srv *srv, unsigned n);
/* The number of workers running (or to start). */
unsigned rpc_srv_threads(const struct rpc_srv *srv);
/* Ask the loop to return (async-signal-safe, any thread). */
void	rpc_srv_stop(struct rpc_srv *srv);
/* Call fn(arg) in the loop thread every `secs` seconds (one timer). */
void	rpc_srv_set_timer(struct rpc_srv *srv, unsigned secs,
	    void (*fn)(struct rpc_srv *, void *), void *arg);
void	rpc_srv_get_stats(struct rpc_srv *srv, struct rpc_srv_stats *st);

/*
 * Duplicate request cache hooks: a program that sets P_DRC on procedures
 * gets retransmissions (same xid, caller, prog/vers/proc and checksum of
 * the arguments) answered with the cached reply bytes.
 */
int	rpc_srv_enable_drc(struct rpc_srv *srv, unsigned entries);

#endif
