/*
 * rquotad_procs.c: the dispatch tables of program 100011, versions 1 and
 * 2 (the index of each entry is its procedure number; a unit test walks
 * them), and the daemon's context.
 *
 * Every procedure needs an identity (P_CRED: AUTH_NONE gets AUTH_TOOWEAK,
 * as rpc.rquotad takes the uid from AUTH_UNIX). None needs the duplicate
 * request cache: a repeated SETQUOTA sets the same limits again.
 */
#include "common/util.h"
#include "rquotad/rquotad.h"

bool_t
xdr_rquotad_void(XDR *xdrs UNUSED, void *p UNUSED)
{
	return TRUE;
}

enum disp
rquotad_proc_null(struct req *rq UNUSED, rquotad_void *a UNUSED,
    rquotad_void *res UNUSED)
{
	return DISP_REPLY;
}

static const struct rpc_proc rq_v1[] = {
	[RQUOTAPROC_NULL]	= RPC_PROC_VOID(rquotad_proc_null, 0),
	[RQUOTAPROC_GETQUOTA]	= RPC_PROC(rquotad_getquota1, getquota_args,
				    getquota_rslt, P_CRED),
	[RQUOTAPROC_GETACTIVEQUOTA] = RPC_PROC(rquotad_getactivequota1,
				    getquota_args, getquota_rslt, P_CRED),
	[RQUOTAPROC_SETQUOTA]	= RPC_PROC(rquotad_setquota1, setquota_args,
				    setquota_rslt, P_CRED | P_WRITE),
	[RQUOTAPROC_SETACTIVEQUOTA] = RPC_PROC(rquotad_setactivequota1,
				    setquota_args, setquota_rslt,
				    P_CRED | P_WRITE),
};

static const struct rpc_proc rq_v2[] = {
	[RQUOTAPROC_NULL]	= RPC_PROC_VOID(rquotad_proc_null, 0),
	[RQUOTAPROC_GETQUOTA]	= RPC_PROC(rquotad_getquota2,
				    ext_getquota_args, getquota_rslt, P_CRED),
	[RQUOTAPROC_GETACTIVEQUOTA] = RPC_PROC(rquotad_getactivequota2,
				    ext_getquota_args, getquota_rslt, P_CRED),
	[RQUOTAPROC_SETQUOTA]	= RPC_PROC(rquotad_setquota2,
				    ext_setquota_args, setquota_rslt,
				    P_CRED | P_WRITE),
	[RQUOTAPROC_SETACTIVEQUOTA] = RPC_PROC(rquotad_setactivequota2,
				    ext_setquota_args, setquota_rslt,
				    P_CRED | P_WRITE),
};

static const struct rpc_version rq_versions[] = {
	{ RQUOTAVERS, rq_v1, nitems(rq_v1) },
	{ EXT_RQUOTAVERS, rq_v2, nitems(rq_v2) },
};

static struct rpc_program rq_program = {
	.prog = RQUOTAPROG,
	.name = "rquotad",
	.versions = rq_versions,
	.nversions = nitems(rq_versions),
	.check = NULL,
};

const struct rpc_program *
rquotad_program(struct rquotad *rqd)
{
	rq_program.ctx = rqd;
	return &rq_program;
}

void
rquotad_init(struct rquotad *rqd)
{
	exp_holder_init(&rqd->exports);
	ratelog_init(&rqd->rate_refused, "refused quota requests",
	    RATELOG_BURST, RATELOG_INTERVAL);
}

void
rquotad_destroy(struct rquotad *rqd)
{
	exp_holder_destroy(&rqd->exports);
	ratelog_destroy(&rqd->rate_refused);
}

void
rquotad_rate_tick(struct rquotad *rqd)
{
	ratelog_flush(&rqd->rate_refused);
}
