/*
 * clnt.h: the suite's asynchronous RPC client, for the calls daemons make
 * themselves: lockd's NLM_GRANTED and _RES callbacks to clients, lockd's
 * SM_MON to the local statd, statd's SM_NOTIFY to peers and its reboot
 * callbacks to lockd.
 *
 * One thread owns every socket (UDP for IPv4 and IPv6, and one TCP
 * connection per destination), so a call to a dead host costs only a timer
 * entry: it never holds a thread and never delays a call to anyone else.
 * A call whose destination port is 0 first asks the host's portmapper
 * (PMAP GETPORT over UDP, answers cached for a minute). UDP calls are
 * retransmitted with a doubling interval until their deadline. Calls carry
 * AUTH_SYS credentials of root with this host's name.
 */
#ifndef NFS_RPC_CLNT_H
#define NFS_RPC_CLNT_H

#include <sys/socket.h>
#include <rpc/rpc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rpc_clnt;

struct rpc_clnt_config {
	/* Sockets to send UDP calls from, already bound (a reserved or a
	 * configured port); -1: an unbound socket is made. Adopted: closed
	 * by rpc_clnt_free(). */
	int		 udp4_fd, udp6_fd;
	/* Bind TCP connections to a reserved port (CAP_NET_BIND_SERVICE). */
	bool		 tcp_reserved;
	unsigned	 max_calls;	/* calls queued or in flight (1024) */
};

enum rpc_clnt_proto { RPC_CLNT_UDP, RPC_CLNT_TCP };

struct rpc_clnt_call {
	struct sockaddr_storage	 dest;	/* port 0: ask the host's portmapper */
	enum rpc_clnt_proto	 proto;
	uint32_t		 prog, vers, proc;
	xdrproc_t		 xdr_args;	/* encoded when queued */
	const void		*args;
	xdrproc_t		 xdr_res;	/* NULL: the result is not decoded */
	size_t			 res_size;
	unsigned		 timeout_ms;	/* the whole call (10000) */
	unsigned		 retrans_ms;	/* UDP: first resend (1000) */
	/*
	 * Called once, in the client's thread (keep it short, never block),
	 * with 0 and the decoded result (freed when done returns), or -errno:
	 * -ETIMEDOUT, -ECONNREFUSED (no connection, or port 0 from the
	 * portmapper), -EPROTONOSUPPORT (PROG/PROC_UNAVAIL, PROG_MISMATCH),
	 * -EACCES (MSG_DENIED), -EBADMSG (garbled reply, GARBAGE_ARGS,
	 * SYSTEM_ERR), -ECANCELED (the client is being freed). May be NULL.
	 */
	void			(*done)(void *arg, int err, void *res);
	void			*arg;
};

/* Start a client (its thread). NULL on failure, errno set. */
struct rpc_clnt *rpc_clnt_new(const struct rpc_clnt_config *cfg);
/* Stop the thread; calls still pending complete with -ECANCELED. */
void	rpc_clnt_free(struct rpc_clnt *c);

/* Queue a call. The arguments are encoded at once. Returns 0 (done will be
 * called), or -EAGAIN (too many calls), -ENOMEM, -EINVAL (encoding failed,
 * bad address). */
int	rpc_clnt_call(struct rpc_clnt *c, const struct rpc_clnt_call *call);
/*
 * The same, waiting for the answer (not from the client's own thread).
 * call->done and arg are ignored. On 0, *res (res_size bytes) holds the
 * decoded result: the caller frees it with xdr_free(xdr_res, res).
 */
int	rpc_clnt_call_wait(struct rpc_clnt *c, const struct rpc_clnt_call *call,
	    void *res);

/* Forget the cached port of prog/vers at dest's host (after a failure). */
void	rpc_clnt_forget_port(struct rpc_clnt *c, const struct sockaddr *dest,
	    uint32_t prog, uint32_t vers, enum rpc_clnt_proto proto);

/* Bind fd (AF_INET or AF_INET6, UDP or TCP) to a free reserved port (600 to
 * 1023, as bindresvport, never rpc.rquotad's 875 nor the ports glibc's
 * bindresvport blacklist keeps). Returns the port or -errno. */
int	rpc_bind_reserved(int fd, int family);

#endif
