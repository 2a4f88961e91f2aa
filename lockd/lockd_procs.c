/*
 * lockd_procs.c: the NLM program, versions 1 and 3 (XNFS chapter 10,
 * 32-bit ranges) and 4 (RFC 1813 section 6, 64-bit ranges), in tables
 * indexed by procedure number, plus lockd's private procedure 16 for
 * statd's reboot callback.
 *
 * Every version is served by the same code: the handlers here turn the
 * version's arguments into struct lk_args (a range that does not fit the
 * version is refused: NLM4_FBIG, denied_nolocks for v1/v3, never wrapped),
 * call lockd_lock.c / lockd_share.c, and turn the NLM4 status back into
 * the version's. The _MSG procedures do the same work and send the answer
 * as a separate _RES call to the caller's lock manager, over the
 * transport the request came on; their own RPC reply is void.
 */
#include <errno.h>
#include <string.h>

#include "common/addr.h"
#include "common/log.h"
#include "common/util.h"
#include "lockd/lockd.h"

/* ------------------------------------------------------------ statuses */

nlm_stats
lk_stat_v3(nlm4_stats s)
{
	switch (s) {
	case NLM4_GRANTED:		return nlm_granted;
	case NLM4_DENIED:		return nlm_denied;
	case NLM4_DENIED_NOLOCKS:	return nlm_denied_nolocks;
	case NLM4_BLOCKED:		return nlm_blocked;
	case NLM4_DENIED_GRACE_PERIOD:	return nlm_denied_grace_period;
	case NLM4_DEADLCK:		return nlm_deadlck;
	case NLM4_FBIG:			return nlm_denied_nolocks;
	default:			return nlm_denied;
	}
}

const char *
lk_stat_name(nlm4_stats s)
{
	static const char *const names[] = {
		"granted", "denied", "denied_nolocks", "blocked",
		"denied_grace_period", "deadlck", "rofs", "stale_fh", "fbig",
		"failed",
	};

	return (unsigned)s < nitems(names) ? names[s] : "?";
}

/* ------------------------------------------------------------ arguments */

static bool
is_msg(const struct req *rq)
{
	return rq->proc >= NLMPROC4_TEST_MSG && rq->proc <= NLMPROC4_GRANTED_MSG;
}

static nlm4_stats
from4(struct req *rq, struct lk_args *a, const netobj *cookie,
    const nlm4_lock *l, bool excl)
{
	memset(a, 0, sizeof(*a));
	a->cookie = cookie;
	a->caller = l->caller_name;
	a->fh = &l->fh;
	a->oh = &l->oh;
	a->svid = l->svid;
	a->off = l->l_offset;
	a->len = l->l_len;
	a->excl = excl;
	a->vers = rq->vers;
	a->msg = is_msg(rq);
	a->monitor = true;
	if (lk_range_make(l->l_offset, l->l_len, 64, excl, &a->range) != 0)
		return NLM4_FBIG;
	return NLM4_GRANTED;
}

static nlm4_stats
from3(struct req *rq, struct lk_args *a, const netobj *cookie,
    const nlm_lock *l, bool excl)
{
	memset(a, 0, sizeof(*a));
	a->cookie = cookie;
	a->caller = l->caller_name;
	a->fh = &l->fh;
	a->oh = &l->oh;
	a->svid = l->svid;
	a->off = l->l_offset;
	a->len = l->l_len;
	a->excl = excl;
	a->vers = rq->vers;
	a->msg = is_msg(rq);
	a->monitor = true;
	if (lk_range_make(l->l_offset, l->l_len, 32, excl, &a->range) != 0)
		return NLM4_FBIG;
	return NLM4_GRANTED;
}

/* ------------------------------------------------------------ _RES calls */

static void
send_res(struct req *rq, uint32_t proc, xdrproc_t x, const void *res)
{
	struct rpc_clnt_call c;
	int rc;

	if (rq->peer.ss_family != AF_INET && rq->peer.ss_family != AF_INET6)
		return;
	memset(&c, 0, sizeof(c));
	memcpy(&c.dest, &rq->peer, rq->peerlen);
	addr_set_port((struct sockaddr *)&c.dest, 0);	/* its rpcbind */
	c.proto = rq->kind == RPC_XPRT_UDP ? RPC_CLNT_UDP : RPC_CLNT_TCP;
	c.prog = NLM_PROG;
	c.vers = rq->vers;
	c.proc = proc;
	c.xdr_args = x;
	c.args = res;
	c.timeout_ms = 10000;
	if ((rc = rpc_clnt_call(lockd_of(rq)->clnt, &c)) != 0)
		log_debug(LOG_D_CALL, "%s: _RES not sent: %s", req_peer_str(rq),
		    strerror(-rc));
}

#define XP(f)	((xdrproc_t)(void (*)(void))(f))

/* ------------------------------------------------------------ results */

static void
testres4(struct req *rq, nlm4_testres *r, const netobj *cookie,
    nlm4_stats st, const struct lk_holder *h)
{
	uint64_t off, len;

	r->cookie = *cookie;
	r->stat.stat = st;
	if (st != NLM4_DENIED)
		return;
	lk_range_wire(&h->range, 64, &off, &len);
	r->stat.nlm4_testrply_u.holder.exclusive = h->excl;
	r->stat.nlm4_testrply_u.holder.svid = h->svid;
	r->stat.nlm4_testrply_u.holder.l_offset = off;
	r->stat.nlm4_testrply_u.holder.l_len = len;
	if (h->ohlen > 0 && (r->stat.nlm4_testrply_u.holder.oh.n_bytes =
	    req_alloc(rq, h->ohlen)) != NULL) {
		memcpy(r->stat.nlm4_testrply_u.holder.oh.n_bytes, h->oh,
		    h->ohlen);
		r->stat.nlm4_testrply_u.holder.oh.n_len = (u_int)h->ohlen;
	}
}

static void
testres3(struct req *rq, nlm_testres *r, const netobj *cookie,
    nlm4_stats st, const struct lk_holder *h)
{
	uint64_t off, len;

	r->cookie = *cookie;
	r->stat.stat = lk_stat_v3(st);
	if (st != NLM4_DENIED)
		return;
	lk_range_wire(&h->range, 32, &off, &len);
	r->stat.nlm_testrply_u.holder.exclusive = h->excl;
	r->stat.nlm_testrply_u.holder.svid = h->svid;
	r->stat.nlm_testrply_u.holder.l_offset = (u_int)off;
	r->stat.nlm_testrply_u.holder.l_len = (u_int)len;
	if (h->ohlen > 0 && (r->stat.nlm_testrply_u.holder.oh.n_bytes =
	    req_alloc(rq, h->ohlen)) != NULL) {
		memcpy(r->stat.nlm_testrply_u.holder.oh.n_bytes, h->oh,
		    h->ohlen);
		r->stat.nlm_testrply_u.holder.oh.n_len = (u_int)h->ohlen;
	}
}

/* ------------------------------------------------------------ version 4 */

static enum disp
p_null(struct req *rq, void *a, void *r)
{
	(void)rq;
	(void)a;
	(void)r;
	return DISP_REPLY;
}

static enum disp
p4_test(struct req *rq, nlm4_testargs *x, nlm4_testres *r)
{
	struct lk_args a;
	struct lk_holder h;
	nlm4_stats st;

	memset(&h, 0, sizeof(h));
	if ((st = from4(rq, &a, &x->cookie, &x->alock, x->exclusive)) ==
	    NLM4_GRANTED)
		st = lk_do_test(rq, &a, &h);
	testres4(rq, r, &x->cookie, st, &h);
	return DISP_REPLY;
}

static enum disp
p4_lock(struct req *rq, nlm4_lockargs *x, nlm4_res *r)
{
	struct lk_args a;
	nlm4_stats st;

	if ((st = from4(rq, &a, &x->cookie, &x->alock, x->exclusive)) ==
	    NLM4_GRANTED) {
		a.block = x->block;
		a.reclaim = x->reclaim;
		a.state = x->state;
		a.monitor = rq->proc != NLMPROC4_NM_LOCK;
		if (!a.monitor)
			a.block = false;	/* NM_LOCK never blocks */
		st = lk_do_lock(rq, &a);
	}
	r->cookie = x->cookie;
	r->stat.stat = st;
	return DISP_REPLY;
}

static enum disp
p4_cancel(struct req *rq, nlm4_cancargs *x, nlm4_res *r)
{
	struct lk_args a;
	nlm4_stats st;

	if ((st = from4(rq, &a, &x->cookie, &x->alock, x->exclusive)) ==
	    NLM4_GRANTED)
		st = lk_do_cancel(rq, &a);
	r->cookie = x->cookie;
	r->stat.stat = st;
	return DISP_REPLY;
}

static enum disp
p4_unlock(struct req *rq, nlm4_unlockargs *x, nlm4_res *r)
{
	struct lk_args a;
	nlm4_stats st;

	if ((st = from4(rq, &a, &x->cookie, &x->alock, false)) == NLM4_GRANTED)
		st = lk_do_unlock(rq, &a);
	r->cookie = x->cookie;
	r->stat.stat = st;
	return DISP_REPLY;
}

/* NLM_GRANTED is a client's procedure: we wait for no lock of another
 * server, so there is nothing to grant (a client's lockd says the same
 * when it has no such blocked request). */
static enum disp
p4_granted(struct req *rq, nlm4_testargs *x, nlm4_res *r)
{
	(void)rq;
	r->cookie = x->cookie;
	r->stat.stat = NLM4_DENIED;
	return DISP_REPLY;
}

static enum disp
p4_test_msg(struct req *rq, nlm4_testargs *x, void *unused)
{
	nlm4_testres r;

	(void)unused;
	memset(&r, 0, sizeof(r));
	p4_test(rq, x, &r);
	send_res(rq, NLMPROC4_TEST_RES, XP(xdr_nlm4_testres), &r);
	return DISP_REPLY;
}

static enum disp
p4_lock_msg(struct req *rq, nlm4_lockargs *x, void *unused)
{
	nlm4_res r;

	(void)unused;
	memset(&r, 0, sizeof(r));
	p4_lock(rq, x, &r);
	send_res(rq, NLMPROC4_LOCK_RES, XP(xdr_nlm4_res), &r);
	return DISP_REPLY;
}

static enum disp
p4_cancel_msg(struct req *rq, nlm4_cancargs *x, void *unused)
{
	nlm4_res r;

	(void)unused;
	memset(&r, 0, sizeof(r));
	p4_cancel(rq, x, &r);
	send_res(rq, NLMPROC4_CANCEL_RES, XP(xdr_nlm4_res), &r);
	return DISP_REPLY;
}

static enum disp
p4_unlock_msg(struct req *rq, nlm4_unlockargs *x, void *unused)
{
	nlm4_res r;

	(void)unused;
	memset(&r, 0, sizeof(r));
	p4_unlock(rq, x, &r);
	send_res(rq, NLMPROC4_UNLOCK_RES, XP(xdr_nlm4_res), &r);
	return DISP_REPLY;
}

static enum disp
p4_granted_msg(struct req *rq, nlm4_testargs *x, void *unused)
{
	nlm4_res r;

	(void)unused;
	memset(&r, 0, sizeof(r));
	p4_granted(rq, x, &r);
	send_res(rq, NLMPROC4_GRANTED_RES, XP(xdr_nlm4_res), &r);
	return DISP_REPLY;
}

/* Answers to _MSG calls we never make: accepted and ignored. */
static enum disp
p_res_ignored(struct req *rq, void *x, void *unused)
{
	(void)x;
	(void)unused;
	log_debug(LOG_D_CALL, "%s: unsolicited NLM procedure %u ignored",
	    req_peer_str(rq), rq->proc);
	return DISP_REPLY;
}

static enum disp
p4_granted_res(struct req *rq, nlm4_res *x, void *unused)
{
	(void)unused;
	lk_granted_res(rq, &x->cookie, x->stat.stat);
	return DISP_REPLY;
}

static enum disp
p4_share(struct req *rq, nlm4_shareargs *x, nlm4_shareres *r)
{
	r->cookie = x->cookie;
	r->sequence = 0;
	r->stat = lk_do_share(rq, &x->share.fh, x->share.caller_name,
	    &x->share.oh, x->share.mode, x->share.access, x->reclaim,
	    rq->proc == NLMPROC4_UNSHARE);
	return DISP_REPLY;
}

static enum disp
p4_free_all(struct req *rq, nlm4_notify *x, void *unused)
{
	(void)unused;
	lk_free_all(rq, x->name);
	return DISP_REPLY;
}

/* ------------------------------------------------------------ versions 1, 3 */

static enum disp
p3_test(struct req *rq, nlm_testargs *x, nlm_testres *r)
{
	struct lk_args a;
	struct lk_holder h;
	nlm4_stats st;

	memset(&h, 0, sizeof(h));
	if ((st = from3(rq, &a, &x->cookie, &x->alock, x->exclusive)) ==
	    NLM4_GRANTED)
		st = lk_do_test(rq, &a, &h);
	testres3(rq, r, &x->cookie, st, &h);
	return DISP_REPLY;
}

static enum disp
p3_lock(struct req *rq, nlm_lockargs *x, nlm_res *r)
{
	struct lk_args a;
	nlm4_stats st;

	if ((st = from3(rq, &a, &x->cookie, &x->alock, x->exclusive)) ==
	    NLM4_GRANTED) {
		a.block = x->block;
		a.reclaim = x->reclaim;
		a.state = x->state;
		a.monitor = rq->proc != NLMPROC_NM_LOCK;
		if (!a.monitor)
			a.block = false;
		st = lk_do_lock(rq, &a);
	}
	r->cookie = x->cookie;
	r->stat.stat = lk_stat_v3(st);
	return DISP_REPLY;
}

static enum disp
p3_cancel(struct req *rq, nlm_cancargs *x, nlm_res *r)
{
	struct lk_args a;
	nlm4_stats st;

	if ((st = from3(rq, &a, &x->cookie, &x->alock, x->exclusive)) ==
	    NLM4_GRANTED)
		st = lk_do_cancel(rq, &a);
	r->cookie = x->cookie;
	r->stat.stat = lk_stat_v3(st);
	return DISP_REPLY;
}

static enum disp
p3_unlock(struct req *rq, nlm_unlockargs *x, nlm_res *r)
{
	struct lk_args a;
	nlm4_stats st;

	if ((st = from3(rq, &a, &x->cookie, &x->alock, false)) == NLM4_GRANTED)
		st = lk_do_unlock(rq, &a);
	r->cookie = x->cookie;
	r->stat.stat = lk_stat_v3(st);
	return DISP_REPLY;
}

static enum disp
p3_granted(struct req *rq, nlm_testargs *x, nlm_res *r)
{
	(void)rq;
	r->cookie = x->cookie;
	r->stat.stat = nlm_denied;
	return DISP_REPLY;
}

static enum disp
p3_test_msg(struct req *rq, nlm_testargs *x, void *unused)
{
	nlm_testres r;

	(void)unused;
	memset(&r, 0, sizeof(r));
	p3_test(rq, x, &r);
	send_res(rq, NLMPROC_TEST_RES, XP(xdr_nlm_testres), &r);
	return DISP_REPLY;
}

static enum disp
p3_lock_msg(struct req *rq, nlm_lockargs *x, void *unused)
{
	nlm_res r;

	(void)unused;
	memset(&r, 0, sizeof(r));
	p3_lock(rq, x, &r);
	send_res(rq, NLMPROC_LOCK_RES, XP(xdr_nlm_res), &r);
	return DISP_REPLY;
}

static enum disp
p3_cancel_msg(struct req *rq, nlm_cancargs *x, void *unused)
{
	nlm_res r;

	(void)unused;
	memset(&r, 0, sizeof(r));
	p3_cancel(rq, x, &r);
	send_res(rq, NLMPROC_CANCEL_RES, XP(xdr_nlm_res), &r);
	return DISP_REPLY;
}

static enum disp
p3_unlock_msg(struct req *rq, nlm_unlockargs *x, void *unused)
{
	nlm_res r;

	(void)unused;
	memset(&r, 0, sizeof(r));
	p3_unlock(rq, x, &r);
	send_res(rq, NLMPROC_UNLOCK_RES, XP(xdr_nlm_res), &r);
	return DISP_REPLY;
}

static enum disp
p3_granted_msg(struct req *rq, nlm_testargs *x, void *unused)
{
	nlm_res r;

	(void)unused;
	memset(&r, 0, sizeof(r));
	p3_granted(rq, x, &r);
	send_res(rq, NLMPROC_GRANTED_RES, XP(xdr_nlm_res), &r);
	return DISP_REPLY;
}

static enum disp
p3_granted_res(struct req *rq, nlm_res *x, void *unused)
{
	(void)unused;
	/* the v1/v3 statuses are the first six NLM4 ones */
	lk_granted_res(rq, &x->cookie, (nlm4_stats)x->stat.stat);
	return DISP_REPLY;
}

static enum disp
p3_share(struct req *rq, nlm_shareargs *x, nlm_shareres *r)
{
	r->cookie = x->cookie;
	r->sequence = 0;
	r->stat = lk_stat_v3(lk_do_share(rq, &x->share.fh,
	    x->share.caller_name, &x->share.oh, x->share.mode,
	    x->share.access, x->reclaim, rq->proc == NLMPROC_UNSHARE));
	return DISP_REPLY;
}

static enum disp
p3_free_all(struct req *rq, nlm_notify *x, void *unused)
{
	(void)unused;
	lk_free_all(rq, x->name);
	return DISP_REPLY;
}

/* ------------------------------------------------------------ tables */

/* Every call but NULL: a reference on the export generation. */
static enum disp
lockd_check(struct req *rq, const struct rpc_proc *pd, void *args, void *res)
{
	struct lk_rq *lr;

	(void)pd;
	(void)args;
	(void)res;
	if ((lr = req_alloc(rq, sizeof(*lr))) == NULL)
		return DISP_DROP;
	if ((lr->gen = exp_holder_get(&lockd_of(rq)->exports)) == NULL)
		return DISP_DROP;
	rq->priv = lr;
	return DISP_REPLY;
}

static void
lockd_release(struct req *rq)
{
	struct lk_rq *lr = rq->priv;

	if (lr == NULL)
		return;
	exp_live_put(lr->gen);
	rq->priv = NULL;
}

typedef int lk_void;
static bool_t
xdr_lk_void(XDR *x, lk_void *v)
{
	(void)x;
	(void)v;
	return TRUE;
}

#define P(fn, A, R)	RPC_PROC(fn, A, R, 0)
#define PV(fn, A)	RPC_PROC_XDR(fn, xdr_##A, A, xdr_lk_void, lk_void, 0)
#define NSM_CB	[NLMPROC_NSM_NOTIFY] = RPC_PROC_XDR(lk_proc_nsm_notify,	\
			xdr_sm_status, sm_status, xdr_lk_void, lk_void, P_LOCAL)

#define V3_COMMON							\
	[NLMPROC_NULL]		= RPC_PROC_VOID(p_null, 0),		\
	[NLMPROC_TEST]		= P(p3_test, nlm_testargs, nlm_testres),\
	[NLMPROC_LOCK]		= P(p3_lock, nlm_lockargs, nlm_res),	\
	[NLMPROC_CANCEL]	= P(p3_cancel, nlm_cancargs, nlm_res),	\
	[NLMPROC_UNLOCK]	= P(p3_unlock, nlm_unlockargs, nlm_res),\
	[NLMPROC_GRANTED]	= P(p3_granted, nlm_testargs, nlm_res),	\
	[NLMPROC_TEST_MSG]	= PV(p3_test_msg, nlm_testargs),	\
	[NLMPROC_LOCK_MSG]	= PV(p3_lock_msg, nlm_lockargs),	\
	[NLMPROC_CANCEL_MSG]	= PV(p3_cancel_msg, nlm_cancargs),	\
	[NLMPROC_UNLOCK_MSG]	= PV(p3_unlock_msg, nlm_unlockargs),	\
	[NLMPROC_GRANTED_MSG]	= PV(p3_granted_msg, nlm_testargs),	\
	[NLMPROC_TEST_RES]	= PV(p_res_ignored, nlm_testres),	\
	[NLMPROC_LOCK_RES]	= PV(p_res_ignored, nlm_res),		\
	[NLMPROC_CANCEL_RES]	= PV(p_res_ignored, nlm_res),		\
	[NLMPROC_UNLOCK_RES]	= PV(p_res_ignored, nlm_res),		\
	[NLMPROC_GRANTED_RES]	= PV(p3_granted_res, nlm_res),		\
	NSM_CB

static const struct rpc_proc nlm1_procs[] = {
	V3_COMMON,
};

static const struct rpc_proc nlm3_procs[] = {
	V3_COMMON,
	[NLMPROC_SHARE]		= P(p3_share, nlm_shareargs, nlm_shareres),
	[NLMPROC_UNSHARE]	= P(p3_share, nlm_shareargs, nlm_shareres),
	[NLMPROC_NM_LOCK]	= P(p3_lock, nlm_lockargs, nlm_res),
	[NLMPROC_FREE_ALL]	= PV(p3_free_all, nlm_notify),
};

static const struct rpc_proc nlm4_procs[] = {
	[NLMPROC4_NULL]		= RPC_PROC_VOID(p_null, 0),
	[NLMPROC4_TEST]		= P(p4_test, nlm4_testargs, nlm4_testres),
	[NLMPROC4_LOCK]		= P(p4_lock, nlm4_lockargs, nlm4_res),
	[NLMPROC4_CANCEL]	= P(p4_cancel, nlm4_cancargs, nlm4_res),
	[NLMPROC4_UNLOCK]	= P(p4_unlock, nlm4_unlockargs, nlm4_res),
	[NLMPROC4_GRANTED]	= P(p4_granted, nlm4_testargs, nlm4_res),
	[NLMPROC4_TEST_MSG]	= PV(p4_test_msg, nlm4_testargs),
	[NLMPROC4_LOCK_MSG]	= PV(p4_lock_msg, nlm4_lockargs),
	[NLMPROC4_CANCEL_MSG]	= PV(p4_cancel_msg, nlm4_cancargs),
	[NLMPROC4_UNLOCK_MSG]	= PV(p4_unlock_msg, nlm4_unlockargs),
	[NLMPROC4_GRANTED_MSG]	= PV(p4_granted_msg, nlm4_testargs),
	[NLMPROC4_TEST_RES]	= PV(p_res_ignored, nlm4_testres),
	[NLMPROC4_LOCK_RES]	= PV(p_res_ignored, nlm4_res),
	[NLMPROC4_CANCEL_RES]	= PV(p_res_ignored, nlm4_res),
	[NLMPROC4_UNLOCK_RES]	= PV(p_res_ignored, nlm4_res),
	[NLMPROC4_GRANTED_RES]	= PV(p4_granted_res, nlm4_res),
	NSM_CB,
	[NLMPROC4_SHARE]	= P(p4_share, nlm4_shareargs, nlm4_shareres),
	[NLMPROC4_UNSHARE]	= P(p4_share, nlm4_shareargs, nlm4_shareres),
	[NLMPROC4_NM_LOCK]	= P(p4_lock, nlm4_lockargs, nlm4_res),
	[NLMPROC4_FREE_ALL]	= PV(p4_free_all, nlm4_notify),
};
#undef P
#undef PV

static const struct rpc_version nlm_versions[] = {
	{ NLM_VERS, nlm1_procs, nitems(nlm1_procs) },
	{ NLM_VERSX, nlm3_procs, nitems(nlm3_procs) },
	{ NLM4_VERS, nlm4_procs, nitems(nlm4_procs) },
};

static struct rpc_program nlm_program = {
	.prog = NLM_PROG,
	.name = "nlockmgr",
	.versions = nlm_versions,
	.nversions = nitems(nlm_versions),
	.check = lockd_check,
	.release = lockd_release,
};

const struct rpc_program *
lockd_program(struct lockd *lk)
{
	nlm_program.ctx = lk;
	return &nlm_program;
}
