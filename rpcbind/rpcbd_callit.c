/*
 * rpcbd_callit.c: remote calls through rpcbind: portmap CALLIT, rpcbind
 * CALLIT/BCAST and INDIRECT (RFC 1833 sections 2.2.1 and 3).
 *
 * Off unless remote-calls = yes: a remote call lets anyone reach a service
 * with rpcbind's address as the source, which hides the caller and turns
 * "localhost only" checks around (the old portmapper CVEs, and amplified
 * reflection over UDP). When on, as OpenBSD's portmap does, rpcbind never
 * forwards to itself, to the NFS family (mountd, nfs, nlockmgr, status,
 * rquotad) or to NIS, nor to anything in remote-calls-deny; it forwards
 * only to services registered on this host, over UDP, from the worker
 * thread with a short timeout, and leaves one worker free for the rest.
 * CALLIT and BCAST answer only on success (RFC 1833: a broadcast must not
 * be answered with complaints); INDIRECT returns errors.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rpc/rpc.h>
#include <rpc/auth_unix.h>

#include "common/addr.h"
#include "common/log.h"
#include "common/util.h"
#include "rpcbind/rpcbd.h"

#define FWD_BUFSZ	9000	/* one UDP datagram */

/* Never forwarded to, whatever the configuration says. */
static const uint32_t builtin_deny[] = {
	100000,		/* rpcbind/portmapper itself */
	100003,		/* nfs */
	100005,		/* mountd */
	100011,		/* rquotad */
	100021,		/* nlockmgr */
	100024,		/* status (NSM) */
	100004,		/* ypserv */
	100007,		/* ypbind */
	100009,		/* yppasswdd */
	100069,		/* ypxfrd */
	100227,		/* nfs_acl */
};

bool
rpcbd_callit_denied(struct rpcbd *rb, uint32_t prog)
{
	bool deny = false;
	size_t i;

	for (i = 0; i < nitems(builtin_deny); i++)
		if (builtin_deny[i] == prog)
			return true;
	pthread_mutex_lock(&rb->policy_lock);
	for (i = 0; i < rb->policy.ndeny && !deny; i++)
		deny = rb->policy.deny[i] == prog;
	pthread_mutex_unlock(&rb->policy_lock);
	return deny;
}

/* The body of the caller's AUTH_SYS credential, to pass it on. */
static int
encode_authsys(const struct req *rq, char *buf, u_int len, u_int *outlen)
{
	struct authunix_parms p;
	gid_t gids[CRED_SYS_MAXGIDS];
	unsigned i, n;
	XDR x;
	int ok;

	n = rq->cred.ngroups < CRED_SYS_MAXGIDS ? rq->cred.ngroups :
	    CRED_SYS_MAXGIDS;
	for (i = 0; i < n; i++)
		gids[i] = rq->cred.groups[i];
	memset(&p, 0, sizeof(p));
	p.aup_time = rq->cred.stamp;
	p.aup_machname = (char *)rq->cred.machname;
	p.aup_uid = rq->cred.uid;
	p.aup_gid = rq->cred.gid;
	p.aup_len = n;
	p.aup_gids = gids;
	xdrmem_create(&x, buf, len, XDR_ENCODE);
	ok = xdr_authunix_parms(&x, &p);
	*outlen = xdr_getpos(&x);
	xdr_destroy(&x);
	return ok ? 0 : -EMSGSIZE;
}

static int
encode_call(const struct req *rq, const rpcbd_rmtargs *a, uint32_t xid,
    char *buf, size_t len, size_t *outlen)
{
	struct rpc_msg msg;
	char cred[MAX_AUTH_BYTES];
	u_int credlen = 0;
	XDR x;
	int ok;

	memset(&msg, 0, sizeof(msg));
	msg.rm_xid = xid;
	msg.rm_direction = CALL;
	msg.rm_call.cb_rpcvers = RPC_MSG_VERSION;
	msg.rm_call.cb_prog = a->prog;
	msg.rm_call.cb_vers = a->vers;
	msg.rm_call.cb_proc = a->proc;
	msg.rm_call.cb_cred = _null_auth;
	msg.rm_call.cb_verf = _null_auth;
	if (rq->cred.flavor == CRED_AUTH_SYS &&
	    encode_authsys(rq, cred, sizeof(cred), &credlen) == 0) {
		msg.rm_call.cb_cred.oa_flavor = AUTH_SYS;
		msg.rm_call.cb_cred.oa_base = cred;
		msg.rm_call.cb_cred.oa_length = credlen;
	}
	xdrmem_create(&x, buf, (u_int)len, XDR_ENCODE);
	ok = xdr_callmsg(&x, &msg) &&
	    xdr_opaque(&x, a->args_val, a->args_len);
	*outlen = xdr_getpos(&x);
	xdr_destroy(&x);
	return ok ? 0 : -EMSGSIZE;
}

/* Where the results start in a reply we decode. */
struct rest {
	u_int	pos;
};

static bool_t
xdr_rest(XDR *xdrs, struct rest *r)
{
	r->pos = xdr_getpos(xdrs);
	return TRUE;
}

/* Decode a reply: 0 with [*off, len) the results, or -errno. */
static int
decode_reply(char *buf, size_t len, uint32_t xid, u_int *off)
{
	struct rpc_msg msg;
	struct rest r = { 0 };
	char verf[MAX_AUTH_BYTES];
	XDR x;
	int rc = -EPROTO;

	memset(&msg, 0, sizeof(msg));
	msg.acpted_rply.ar_verf.oa_base = verf;
	msg.acpted_rply.ar_results.where = (caddr_t)&r;
	msg.acpted_rply.ar_results.proc = (xdrproc_t)xdr_rest;
	xdrmem_create(&x, buf, (u_int)len, XDR_DECODE);
	if (!xdr_replymsg(&x, &msg))
		goto out;
	if (msg.rm_xid != xid) {
		rc = -EAGAIN;
		goto out;
	}
	if (msg.rm_reply.rp_stat != MSG_ACCEPTED ||
	    msg.acpted_rply.ar_stat != SUCCESS) {
		rc = -EREMOTEIO;
		goto out;
	}
	*off = r.pos;
	rc = 0;
out:
	xdr_destroy(&x);
	return rc;
}

/* The service's address to send to: registered, on this host. */
static int
service_addr(const struct rpcbd_ent *e, struct sockaddr_storage *ss,
    socklen_t *len)
{
	int fam = strcmp(e->netid, "udp6") == 0 ? AF_INET6 : AF_INET;

	if (addr_from_uaddr(e->uaddr, fam, ss, len) != 0)
		return -EINVAL;
	if (addr_is_any((struct sockaddr *)ss)) {
		int port = addr_port((struct sockaddr *)ss);

		memset(ss, 0, sizeof(*ss));
		if (fam == AF_INET) {
			struct sockaddr_in *sin = (struct sockaddr_in *)ss;

			sin->sin_family = AF_INET;
			sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			*len = sizeof(*sin);
		} else {
			struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

			sin6->sin6_family = AF_INET6;
			sin6->sin6_addr = in6addr_loopback;
			*len = sizeof(*sin6);
		}
		addr_set_port((struct sockaddr *)ss, port);
	}
	/* Only to this host: never a relay to somewhere else. */
	return addr_is_loopback((struct sockaddr *)ss) ? 0 : -EACCES;
}

static int
exchange(const struct sockaddr_storage *to, socklen_t tolen, char *buf,
    size_t len, size_t bufsz, uint32_t xid, unsigned timeout_ms,
    size_t *rlen, u_int *off)
{
	struct timespec start, now;
	struct pollfd pfd;
	ssize_t n;
	long left;
	int fd, rc;

	if ((fd = socket(to->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)to, tolen) != 0 ||
	    send(fd, buf, len, 0) != (ssize_t)len) {
		rc = -errno;
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (long)timeout_ms -
		    ((now.tv_sec - start.tv_sec) * 1000 +
		    (now.tv_nsec - start.tv_nsec) / 1000000);
		if (left <= 0) {
			rc = -ETIMEDOUT;
			goto out;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if ((rc = poll(&pfd, 1, (int)left)) < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			goto out;
		}
		if (rc == 0)
			continue;
		if ((n = recv(fd, buf, bufsz, 0)) < 0) {
			rc = -errno;	/* ECONNREFUSED: nobody there */
			goto out;
		}
		*rlen = (size_t)n;
		rc = decode_reply(buf, (size_t)n, xid, off);
		if (rc != -EAGAIN)
			goto out;
	}
out:
	close(fd);
	return rc;
}

int
rpcbd_forward(struct req *rq, const rpcbd_rmtargs *a, struct rpcbd_ent *svc,
    rpcbd_rmtres *res)
{
	struct rpcbd *rb = rq->ctx;
	struct sockaddr_storage to;
	socklen_t tolen;
	char *buf = NULL;
	char uaddr[RPCBD_UADDR_MAX];
	const char *netid;
	size_t len, rlen = 0;
	u_int off = 0;
	uint32_t xid;
	int rc;

	/* The same family as the caller's transport, else the other. */
	netid = rq->local.ss_family == AF_INET6 ? "udp6" : "udp";
	if (rpcbd_db_find(rb->db, a->prog, a->vers, netid, svc) != 0 ||
	    svc->vers != a->vers) {
		netid = strcmp(netid, "udp") == 0 ? "udp6" : "udp";
		if (rpcbd_db_find(rb->db, a->prog, a->vers, netid, svc) != 0 ||
		    svc->vers != a->vers)
			return -ENOENT;
	}
	if ((rc = service_addr(svc, &to, &tolen)) != 0)
		return rc;
	if (atomic_fetch_add(&rb->callit_busy, 1) >= rb->callit_max) {
		rc = -EBUSY;
		goto out;
	}
	if ((buf = malloc(FWD_BUFSZ)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	xid = arc4random();
	if ((rc = encode_call(rq, a, xid, buf, FWD_BUFSZ, &len)) != 0 ||
	    (rc = exchange(&to, tolen, buf, len, FWD_BUFSZ, xid,
	    rb->callit_timeout_ms, &rlen, &off)) != 0)
		goto out;
	res->res_len = (u_int)(rlen - off);
	if ((res->res_val = req_alloc(rq, res->res_len + 1)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(res->res_val, buf + off, res->res_len);
	res->port = (uint32_t)addr_port((struct sockaddr *)&to);
	if (rpcbd_merge_addr(svc->uaddr, (struct sockaddr *)&rq->local, uaddr,
	    sizeof(uaddr)) != 0 ||
	    (res->uaddr = req_strdup(rq, uaddr)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
out:
	atomic_fetch_sub(&rb->callit_busy, 1);
	free(buf);
	return rc;
}

static bool
remote_calls_on(struct rpcbd *rb)
{
	bool on;

	pthread_mutex_lock(&rb->policy_lock);
	on = rb->policy.remote_calls;
	pthread_mutex_unlock(&rb->policy_lock);
	return on;
}

static enum disp
callit(struct req *rq, rpcbd_rmtargs *a, rpcbd_rmtres *res, bool indirect)
{
	struct rpcbd *rb = rq->ctx;
	struct rpcbd_ent svc;
	int rc;

	memset(res, 0, sizeof(*res));
	res->uaddr = "";
	if (!remote_calls_on(rb))
		return DISP_PROC_UNAVAIL;
	if (rpcbd_callit_denied(rb, a->prog)) {
		rpcbd_refuse(rb, rq, indirect ? "indirect call" : "callit",
		    a->prog, a->vers);
		rpcbd_stat_rmtcall(rb->db, rpcbd_sv(rq), a->prog, a->vers,
		    a->proc, rq->netid, false, indirect);
		/* INDIRECT reports errors (RFC 1833): as if not registered */
		return indirect ? DISP_PROG_UNAVAIL : DISP_DROP;
	}
	rc = rpcbd_forward(rq, a, &svc, res);
	rpcbd_stat_rmtcall(rb->db, rpcbd_sv(rq), a->prog, a->vers, a->proc,
	    rq->netid, rc == 0, indirect);
	if (rc != 0) {
		log_debug(LOG_D_CALL, "forward %lu/%lu/%lu for %s: %s",
		    (unsigned long)a->prog, (unsigned long)a->vers,
		    (unsigned long)a->proc, req_peer_str(rq), strerror(-rc));
		if (!indirect)
			return DISP_DROP;
		return rc == -ENOENT ? DISP_PROG_UNAVAIL : DISP_SYSERR;
	}
	return DISP_REPLY;
}

/* RFC 1833 3: PMAPPROC_CALLIT; silent unless the call succeeded. */
enum disp
rpcbd_pmap_callit(struct req *rq, rpcbd_rmtargs *a, rpcbd_rmtres2 *res)
{
	return callit(rq, a, res, false);
}

/* RFC 1833 2.2: RPCBPROC_CALLIT (v3), RPCBPROC_BCAST (v4). */
enum disp
rpcbd_rpcb_callit(struct req *rq, rpcbd_rmtargs *a, rpcbd_rmtres *res)
{
	return callit(rq, a, res, false);
}

/* RFC 1833 2.2.1: RPCBPROC_INDIRECT; errors are returned. */
enum disp
rpcbd_rpcb_indirect(struct req *rq, rpcbd_rmtargs *a, rpcbd_rmtres *res)
{
	return callit(rq, a, res, true);
}
