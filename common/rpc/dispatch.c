/*
 * dispatch.c: one call, from the record bytes to the reply (RFC 5531).
 *
 *   parse the call header ............ drop if it is not a whole call
 *   rpcvers != 2 ..................... MSG_DENIED RPC_MISMATCH(2, 2)
 *   credential flavour ............... AUTH_ERROR (BADCRED, BADVERF, ...)
 *   program / version / procedure .... PROG_UNAVAIL, PROG_MISMATCH(lo, hi),
 *                                      PROC_UNAVAIL
 *   procedure flags .................. AUTH_TOOWEAK, duplicate request cache
 *   decode arguments ................. GARBAGE_ARGS
 *   program check hook, handler ...... reply / drop / SYSTEM_ERR
 *   encode, send, free
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/addr.h"
#include "common/log.h"
#include "common/rpc/rpc_int.h"

#define RPC_CALL	0
#define RPC_REPLY	1
#define REPLY_HDR_MAX	(7 * 4 + RPC_MAX_AUTH_BYTES + 4 * 4)
#define WRAP_SLACK	4096	/* room for a flavour's wrapping */

struct call_hdr {
	uint32_t		xid, mtype, rpcvers, prog, vers, proc;
	struct rpc_opaque	cred, verf;
	size_t			args_off;
};

static bool
rd32(const uint8_t *b, size_t len, size_t *off, uint32_t *v)
{
	uint32_t w;

	if (len < 4 || *off > len - 4)
		return false;
	memcpy(&w, b + *off, 4);
	*v = ntohl(w);
	*off += 4;
	return true;
}

static bool
rd_opaque_auth(const uint8_t *b, size_t len, size_t *off, struct rpc_opaque *o,
    bool *toolong)
{
	size_t padded;

	if (!rd32(b, len, off, &o->flavor) || !rd32(b, len, off, &o->len))
		return false;
	if (o->len > RPC_MAX_AUTH_BYTES) {
		*toolong = true;
		return false;
	}
	padded = ((size_t)o->len + 3) & ~(size_t)3;
	if (padded > len - *off)
		return false;
	o->body = b + *off;
	*off += padded;
	return true;
}

/* -------------------------------------------------------------- replies */

/*
 * A reply buffer: 4 bytes for the TCP record mark, then the message. The
 * XDR stream writes after the mark.
 *
 * Zero copy: when a handler named its bulk data with req_set_zerocopy()
 * (READ), the stream's putbytes recognises that very buffer and only
 * notes where it goes; the reply then leaves as [message up to there]
 * [the data itself] [the rest: XDR padding and any later fields], in one
 * sendmsg, without copying the data into the reply.
 */
struct reply {
	uint8_t		*buf;
	size_t		 cap;
	XDR		 x;
	struct xdr_ops	 ops;		/* xdrmem's, putbytes wrapped */
	bool_t		(*mem_putbytes)(XDR *, const char *, u_int);
	const void	*zc;		/* the data to leave out */
	size_t		 zclen;
	bool		 zcfound;
	u_int		 zcoff;		/* where it goes */
};

static bool_t
zc_putbytes(XDR *x, const char *addr, u_int len)
{
	struct reply *r = (struct reply *)(void *)x->x_public;

	if (!r->zcfound && r->zc != NULL && (const void *)addr == r->zc &&
	    len == r->zclen) {
		r->zcfound = true;
		r->zcoff = xdr_getpos(x);
		return TRUE;
	}
	return r->mem_putbytes(x, addr, len);
}

static bool
reply_open(struct req *rq, struct reply *r, size_t body)
{
	memset(r, 0, sizeof(*r));
	r->cap = 4 + REPLY_HDR_MAX + body;
	if ((r->buf = req_alloc_raw(rq, r->cap)) == NULL)
		return false;
	xdrmem_create(&r->x, (char *)r->buf + 4, (u_int)(r->cap - 4), XDR_ENCODE);
	return true;
}

/* Leave rq's zero-copy data out of the encoding (see struct reply). */
static void
reply_zerocopy(struct req *rq, struct reply *r)
{
	r->ops = *r->x.x_ops;
	r->mem_putbytes = r->ops.x_putbytes;
	r->ops.x_putbytes = zc_putbytes;
	r->x.x_ops = &r->ops;
	r->x.x_public = (char *)(void *)r;
	r->zc = rq->zc_buf;
	r->zclen = rq->zc_len;
}

static bool
put32(XDR *x, uint32_t v)
{
	return xdr_u_int32_t(x, &v);
}

/* xid, REPLY, MSG_ACCEPTED, verifier, accept_stat */
static bool
reply_accepted(struct req *rq, struct reply *r, uint32_t stat)
{
	struct rpc_opaque v = { AUTH_NONE, 0, NULL };
	uint32_t pad = 0;

	/* every accepted reply of a context carries its verifier (GSS) */
	if (rq->auth != NULL && rq->auth->reply_verf != NULL &&
	    !rq->auth->reply_verf(rq, &v))
		return false;
	if (!put32(&r->x, rq->xid) || !put32(&r->x, RPC_REPLY) ||
	    !put32(&r->x, MSG_ACCEPTED) || !put32(&r->x, v.flavor) ||
	    !put32(&r->x, v.len))
		return false;
	if (v.len > 0) {
		if (v.len > RPC_MAX_AUTH_BYTES ||
		    !xdr_opaque(&r->x, (char *)(uintptr_t)v.body, v.len))
			return false;
		(void)pad;
	}
	return put32(&r->x, stat);
}

static void
reply_send(struct rpc_srv *srv, struct req *rq, struct reply *r, bool cache)
{
	size_t len = xdr_getpos(&r->x), total = len;
	struct iovec iov[3];
	int n = 0, rc;
	uint32_t mark;

	if (r->zcfound)
		total += r->zclen;
	if (cache) {
		if (r->zcfound) {
			/* the cache keeps one contiguous copy */
			uint8_t *flat = req_alloc_raw(rq, total);

			if (flat != NULL) {
				memcpy(flat, r->buf + 4, r->zcoff);
				memcpy(flat + r->zcoff, r->zc, r->zclen);
				memcpy(flat + r->zcoff + r->zclen,
				    r->buf + 4 + r->zcoff, len - r->zcoff);
				drc_store(srv->drc, rq, flat, total);
			}
		} else
			drc_store(srv->drc, rq, r->buf + 4, len);
	}
	mark = htonl(RM_LAST_FRAG | (uint32_t)total);
	memcpy(r->buf, &mark, 4);
	if (r->zcfound) {
		iov[n].iov_base = r->buf;
		iov[n++].iov_len = 4 + r->zcoff;
		iov[n].iov_base = (void *)(uintptr_t)r->zc;
		iov[n++].iov_len = r->zclen;
		iov[n].iov_base = r->buf + 4 + r->zcoff;
		iov[n++].iov_len = len - r->zcoff;
	} else {
		iov[n].iov_base = r->buf;
		iov[n++].iov_len = 4 + len;
	}
	if (rq->kind == RPC_XPRT_UDP) {
		/* no record mark in a datagram */
		iov[0].iov_base = (char *)iov[0].iov_base + 4;
		iov[0].iov_len -= 4;
	}
	/* counted before the client can see the reply */
	rq->st_out += total;
	stats_finish(rq);
	if (rq->kind == RPC_XPRT_UDP)
		rc = udp_sendv(rq, iov, n);
	else
		rc = conn_send(srv, rq, iov, n);
	if (rc != 0)
		log_debug(LOG_D_XPRT, "reply to %s: %s", req_peer_str(rq),
		    strerror(-rc));
	else
		srv_stat_add(srv, &srv->st.replies);
}

/* An error reply with no results (accepted) or a denial. */
static void
reply_error(struct rpc_srv *srv, struct req *rq, bool denied, uint32_t stat,
    uint32_t lo, uint32_t hi)
{
	struct reply r;
	bool ok;

	if (denied)
		stats_reject(rq, stat == RPC_MISMATCH ? REJ_RPC_MISMATCH :
		    REJ_AUTH);
	else
		stats_reject(rq, stat == PROG_UNAVAIL ? REJ_PROG_UNAVAIL :
		    stat == PROG_MISMATCH ? REJ_PROG_MISMATCH :
		    stat == PROC_UNAVAIL ? REJ_PROC_UNAVAIL :
		    stat == GARBAGE_ARGS ? REJ_GARBAGE : REJ_SYSTEM_ERR);
	if (!reply_open(rq, &r, 0))
		return;
	if (denied) {
		ok = put32(&r.x, rq->xid) && put32(&r.x, RPC_REPLY) &&
		    put32(&r.x, MSG_DENIED) && put32(&r.x, stat);
		if (stat == RPC_MISMATCH)
			ok = ok && put32(&r.x, lo) && put32(&r.x, hi);
		else
			ok = ok && put32(&r.x, rq->auth_stat);
	} else {
		ok = reply_accepted(rq, &r, stat);
		if (stat == PROG_MISMATCH)
			ok = ok && put32(&r.x, lo) && put32(&r.x, hi);
	}
	if (!ok)
		return;
	/* an error reply is never a cached answer */
	reply_send(srv, rq, &r, false);
}

static void
reply_autherr(struct rpc_srv *srv, struct req *rq, enum auth_stat why)
{
	rq->auth_stat = why;
	srv_stat_add(srv, &srv->st.autherr);
	reply_error(srv, rq, true, AUTH_ERROR, 0, 0);
}

static void
reply_success(struct rpc_srv *srv, struct req *rq, void *res)
{
	const struct rpc_proc *pd = rq->pd;
	struct reply r;
	unsigned long sz;
	bool ok;

	bool wrap = rq->auth != NULL && rq->auth->encode_res != NULL &&
	    (rq->auth->wraps == NULL || rq->auth->wraps(rq));

	sz = pd->xdr_res == RPC_XDR(xdr_void) ? 0 : xdr_sizeof(pd->xdr_res, res);
	/* a wrapping flavour (GSS) needs the data in the buffer */
	if (rq->zc_buf != NULL && !wrap && sz >= rq->zc_len)
		sz -= rq->zc_len;
	else
		rq->zc_buf = NULL;
	if (!reply_open(rq, &r, sz + (wrap ? WRAP_SLACK : 0))) {
		log_warnx("%s: no memory for a %lu byte reply", pd->name, sz);
		reply_error(srv, rq, false, SYSTEM_ERR, 0, 0);
		return;
	}
	if (rq->zc_buf != NULL)
		reply_zerocopy(rq, &r);
	ok = reply_accepted(rq, &r, SUCCESS);
	if (ok) {
		if (wrap)
			ok = rq->auth->encode_res(rq, &r.x, pd->xdr_res, res);
		else
			ok = pd->xdr_res(&r.x, res);
	}
	if (!ok) {
		log_warnx("%s: cannot encode the reply", pd->name);
		reply_error(srv, rq, false, SYSTEM_ERR, 0, 0);
		return;
	}
	if (rq->program->res_status && pd->res_size >= sizeof(int32_t)) {
		int32_t status;

		memcpy(&status, res, sizeof(status));
		rq->st_status_err = status != 0;
	}
	reply_send(srv, rq, &r, (pd->flags & P_DRC) && srv->drc != NULL);
}

void
rpc_reply_raw(struct req *rq, const struct rpc_opaque *verf, xdrproc_t x,
    void *body)
{
	struct rpc_srv *srv = rq->srv;
	unsigned long sz = body != NULL ? xdr_sizeof(x, body) : 0;
	struct reply r;
	uint32_t pad = 0;
	bool ok;

	if (!reply_open(rq, &r, sz))
		return;
	ok = put32(&r.x, rq->xid) && put32(&r.x, RPC_REPLY) &&
	    put32(&r.x, MSG_ACCEPTED) && put32(&r.x, verf->flavor) &&
	    put32(&r.x, verf->len) && verf->len <= RPC_MAX_AUTH_BYTES &&
	    (verf->len == 0 || xdr_opaque(&r.x, (char *)(uintptr_t)verf->body,
	    verf->len)) && put32(&r.x, SUCCESS) &&
	    (body == NULL || x(&r.x, body));
	(void)pad;
	if (!ok) {
		log_warnx("%s: cannot encode a flavour's reply", req_peer_str(rq));
		return;
	}
	reply_send(srv, rq, &r, false);
}

/* ------------------------------------------------------------ dispatch */

static const struct rpc_auth_ops *
find_auth(struct rpc_srv *srv, uint32_t flavor)
{
	unsigned i;

	for (i = 0; i < srv->nauths; i++)
		if (srv->auths[i]->flavor == flavor)
			return srv->auths[i];
	return NULL;
}

/* Find the procedure; on failure send the error reply and return NULL. */
static const struct rpc_proc *
find_proc(struct rpc_srv *srv, struct req *rq)
{
	const struct rpc_program *p = NULL;
	const struct rpc_version *v = NULL;
	unsigned i, pi, vi = 0;
	uint32_t lo = UINT32_MAX, hi = 0;

	for (pi = 0; pi < srv->nprogs; pi++)
		if (srv->progs[pi]->prog == rq->prog) {
			p = srv->progs[pi];
			break;
		}
	if (p == NULL) {
		reply_error(srv, rq, false, PROG_UNAVAIL, 0, 0);
		return NULL;
	}
	for (i = 0; i < p->nversions; i++) {
		if (p->versions[i].vers < lo)
			lo = p->versions[i].vers;
		if (p->versions[i].vers > hi)
			hi = p->versions[i].vers;
		if (p->versions[i].vers == rq->vers) {
			v = &p->versions[i];
			vi = i;
		}
	}
	if (v == NULL) {
		reply_error(srv, rq, false, PROG_MISMATCH, lo, hi);
		return NULL;
	}
	rq->program = p;
	rq->ctx = p->ctx;
	if (rq->proc >= v->nprocs || v->procs[rq->proc].fn == NULL) {
		reply_error(srv, rq, false, PROC_UNAVAIL, 0, 0);
		return NULL;
	}
	stats_call(srv, rq, pi, vi);
	return &v->procs[rq->proc];
}

static bool
decode_args(struct req *rq, const struct rpc_proc *pd, void *args)
{
	XDR x;
	bool ok;

	xdrmem_create(&x, (char *)rq->buf + rq->args_off,
	    (u_int)(rq->len - rq->args_off), XDR_DECODE);
	if (rq->auth != NULL && rq->auth->decode_args != NULL)
		ok = rq->auth->decode_args(rq, &x, pd->xdr_args, args);
	else
		ok = pd->xdr_args(&x, args);
	xdr_destroy(&x);
	return ok;
}

static void
free_args(const struct rpc_proc *pd, void *args)
{
	if (args != NULL && pd->xdr_args != RPC_XDR(xdr_void))
		xdr_free(pd->xdr_args, args);
}

/* Answer a retransmission from the duplicate request cache. */
static bool
drc_replay(struct rpc_srv *srv, struct req *rq)
{
	uint8_t *cached = NULL;
	size_t clen = 0;
	int rc;

	rc = drc_lookup(srv->drc, rq, &cached, &clen);
	stats_drc(rq, rc);
	if (rc == 0)
		return false;		/* new: we own it now */
	if (rc == 1) {
		struct reply r;

		memset(&r, 0, sizeof(r));
		if ((r.buf = req_alloc_raw(rq, clen + 4)) != NULL) {
			memcpy(r.buf + 4, cached, clen);
			xdrmem_create(&r.x, (char *)r.buf + 4, (u_int)clen,
			    XDR_ENCODE);
			xdr_setpos(&r.x, (u_int)clen);
			reply_send(srv, rq, &r, false);
		}
		free(cached);
	}
	/* -EINPROGRESS: the original is still running; drop this copy */
	srv_stat_add(srv, &srv->st.dropped);
	return true;
}

/* A call too broken to answer. */
static void
garbage(struct rpc_srv *srv, struct req *rq)
{
	srv_stat_add(srv, &srv->st.garbage);
	stats_reject(rq, REJ_GARBAGE);
}

static void
dispatch_call(struct rpc_srv *srv, struct req *rq)
{
	struct call_hdr h;
	const struct rpc_proc *pd;
	enum auth_stat why = AUTH_OK;
	enum auth_result ar;
	enum disp d;
	void *args = NULL, *res = NULL;
	size_t off = 0;
	bool toolong = false, drc_owned = false, reached = false;

	srv_stat_add(srv, &srv->st.calls);
	if (!rd32(rq->buf, rq->len, &off, &h.xid) ||
	    !rd32(rq->buf, rq->len, &off, &h.mtype) || h.mtype != RPC_CALL) {
		garbage(srv, rq);
		return;		/* not a call: nobody to answer */
	}
	rq->xid = h.xid;
	if (!rd32(rq->buf, rq->len, &off, &h.rpcvers)) {
		garbage(srv, rq);
		return;
	}
	if (h.rpcvers != 2) {
		reply_error(srv, rq, true, RPC_MISMATCH, 2, 2);
		return;
	}
	if (!rd32(rq->buf, rq->len, &off, &h.prog) ||
	    !rd32(rq->buf, rq->len, &off, &h.vers) ||
	    !rd32(rq->buf, rq->len, &off, &h.proc)) {
		garbage(srv, rq);
		return;
	}
	rq->prog = h.prog;
	rq->vers = h.vers;
	rq->proc = h.proc;
	if (!rd_opaque_auth(rq->buf, rq->len, &off, &h.cred, &toolong)) {
		if (toolong)
			reply_autherr(srv, rq, AUTH_BADCRED);
		else
			garbage(srv, rq);
		return;
	}
	if (!rd_opaque_auth(rq->buf, rq->len, &off, &h.verf, &toolong)) {
		if (toolong)
			reply_autherr(srv, rq, AUTH_BADVERF);
		else
			garbage(srv, rq);
		return;
	}
	rq->args_off = off;

	if ((rq->auth = find_auth(srv, h.cred.flavor)) == NULL) {
		reply_autherr(srv, rq, AUTH_BADCRED);
		return;
	}
	ar = rq->auth->accept(rq, &h.cred, &h.verf, &why);
	switch (ar) {
	case AUTHR_OK:
		break;
	case AUTHR_DENY:
		reply_autherr(srv, rq, why);
		goto out;
	case AUTHR_DROP:
		srv_stat_add(srv, &srv->st.dropped);
		goto out;
	case AUTHR_REPLIED:
		goto out;
	}

	if ((pd = find_proc(srv, rq)) == NULL)
		goto out;
	if (((pd->flags & P_CRED) && rq->cred.flavor == CRED_AUTH_NONE) ||
	    ((pd->flags & P_LOCAL) && !req_is_local(rq))) {
		reply_autherr(srv, rq, AUTH_TOOWEAK);
		goto out;
	}
	if ((pd->flags & P_DRC) && srv->drc != NULL) {
		if (drc_replay(srv, rq))
			goto out;
		drc_owned = true;
	}
	rq->pd = pd;

	if (pd->args_size > 0 && (args = req_alloc(rq, pd->args_size)) == NULL)
		goto syserr;
	if (pd->res_size > 0 && (res = req_alloc(rq, pd->res_size)) == NULL)
		goto syserr;
	if (!decode_args(rq, pd, args)) {
		srv_stat_add(srv, &srv->st.garbage);
		reply_error(srv, rq, false, GARBAGE_ARGS, 0, 0);
		goto out;
	}
	d = DISP_REPLY;
	reached = true;
	if (rq->program->check != NULL && !(pd->flags & P_NOAUTHCHECK))
		d = rq->program->check(rq, pd, args, res);
	if (d == DISP_REPLY && !rq->handled)
		d = pd->fn(rq, args, res);
	if (log_debugging(LOG_D_CALL))
		log_debug(LOG_D_CALL, "%s xid %08x from %s: %s -> %d",
		    pd->name, rq->xid, req_peer_str(rq),
		    rq->kind == RPC_XPRT_UDP ? "udp" : rq->netid, (int)d);
	switch (d) {
	case DISP_REPLY:
		reply_success(srv, rq, res);	/* stores it in the DRC */
		break;
	case DISP_DROP:
		srv_stat_add(srv, &srv->st.dropped);
		break;
	case DISP_GARBAGE:
		srv_stat_add(srv, &srv->st.garbage);
		reply_error(srv, rq, false, GARBAGE_ARGS, 0, 0);
		break;
	case DISP_PROC_UNAVAIL:
		reply_error(srv, rq, false, PROC_UNAVAIL, 0, 0);
		break;
	case DISP_PROG_UNAVAIL:
		reply_error(srv, rq, false, PROG_UNAVAIL, 0, 0);
		break;
	case DISP_AUTHERR:
		reply_autherr(srv, rq, rq->auth_stat);
		break;
	case DISP_SYSERR:
		goto syserr;
	}
	goto out;
syserr:
	reply_error(srv, rq, false, SYSTEM_ERR, 0, 0);
out:
	if (drc_owned)
		drc_abandon(srv->drc, rq);	/* no-op once a reply was stored */
	if (reached && rq->program->release != NULL)
		rq->program->release(rq);
	if (rq->pd != NULL)
		free_args(rq->pd, args);	/* also after a failed decode */
	if (rq->auth != NULL && rq->auth->release != NULL)
		rq->auth->release(rq);
}

void
rpc_dispatch(struct rpc_srv *srv, struct req *rq)
{
	stats_begin(srv, rq);
	dispatch_call(srv, rq);
	stats_end(rq);
}
