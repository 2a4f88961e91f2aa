/*
 * rpcbd_procs.c: the dispatch tables of program 100000: portmap version 2
 * and rpcbind versions 3 and 4 (RFC 1833), and the XDR glue that gives
 * libtirpc's routines the names the table macros want.
 *
 * libtirpc's xdr_rpcb_rmtcallargs()/xdr_rpcb_rmtcallres() are client-side
 * only (they call back into an argument routine), so the remote-call
 * arguments and results have their own routines here.
 */
#include <rpc/rpc.h>
#include <rpc/pmap_prot.h>
#include <rpc/rpcb_prot.h>

#include "common/util.h"
#include "rpcbind/rpcbd.h"
#include "xdr/xdr_cstring.h"

#define RPCBD_MAXARGS	8800	/* forwarded arguments/results (UDP) */
#define RPCBD_MAXSTR	1024	/* netids, addresses, owners */

static bool_t
xdr_rpcbd_void(XDR *xdrs UNUSED, rpcbd_void *p UNUSED)
{
	return TRUE;
}

static bool_t
xdr_rpcbd_pmap(XDR *xdrs, rpcbd_pmap *p)
{
	return xdr_pmap(xdrs, p);
}

static bool_t
xdr_rpcbd_pmaplist(XDR *xdrs, rpcbd_pmaplist *p)
{
	return xdr_pmaplist(xdrs, p);
}

static bool_t
xdr_rpcbd_bool(XDR *xdrs, rpcbd_bool *p)
{
	return xdr_bool(xdrs, p);
}

static bool_t
xdr_rpcbd_u32(XDR *xdrs, rpcbd_u32 *p)
{
	return xdr_uint32_t(xdrs, p);
}

static bool_t
xdr_rpcbd_str(XDR *xdrs, rpcbd_str *p)
{
	return xdr_cstring(xdrs, p, RPCBD_MAXSTR);	/* no NUL inside */
}

static bool_t
xdr_rpcbd_netbuf(XDR *xdrs, rpcbd_netbuf *p)
{
	return xdr_netbuf(xdrs, p);
}

static bool_t
xdr_rpcbd_rpcblist(XDR *xdrs, rpcbd_rpcblist *p)
{
	return xdr_rpcblist_ptr(xdrs, p);
}

static bool_t
xdr_rpcbd_entlist(XDR *xdrs, rpcbd_entlist *p)
{
	return xdr_rpcb_entry_list_ptr(xdrs, p);
}

static bool_t
xdr_rpcbd_stat(XDR *xdrs, struct rpcb_stat *p)
{
	return xdr_rpcb_stat_byvers(xdrs, p);
}

static bool_t
xdr_rpcbd_rpcb(XDR *xdrs, rpcb *p)
{
	return xdr_rpcb(xdrs, p);
}

/* RFC 1833: struct call_args / rpcb_rmtcallargs: prog, vers, proc, args<>. */
static bool_t
xdr_rpcbd_rmtargs(XDR *xdrs, rpcbd_rmtargs *p)
{
	return xdr_uint32_t(xdrs, &p->prog) && xdr_uint32_t(xdrs, &p->vers) &&
	    xdr_uint32_t(xdrs, &p->proc) &&
	    xdr_bytes(xdrs, &p->args_val, &p->args_len, RPCBD_MAXARGS);
}

/* Version 2 call_result: unsigned port; opaque res<>. */
static bool_t
xdr_rpcbd_rmtres2(XDR *xdrs, rpcbd_rmtres2 *p)
{
	return xdr_uint32_t(xdrs, &p->port) &&
	    xdr_bytes(xdrs, &p->res_val, &p->res_len, RPCBD_MAXARGS);
}

/* Versions 3/4 rpcb_rmtcallres: string addr<>; opaque results<>. */
static bool_t
xdr_rpcbd_rmtres(XDR *xdrs, rpcbd_rmtres *p)
{
	return xdr_string(xdrs, &p->uaddr, RPCBD_MAXSTR) &&
	    xdr_bytes(xdrs, &p->res_val, &p->res_len, RPCBD_MAXARGS);
}

/* RFC 1833 section 3: portmap version 2. */
static const struct rpc_proc pmap_v2[] = {
	[PMAPPROC_NULL]		= RPC_PROC_VOID(rpcbd_null, 0),
	[PMAPPROC_SET]		= RPC_PROC(rpcbd_pmap_set, rpcbd_pmap,
				    rpcbd_bool, P_FAST),
	[PMAPPROC_UNSET]	= RPC_PROC(rpcbd_pmap_unset, rpcbd_pmap,
				    rpcbd_bool, P_FAST),
	[PMAPPROC_GETPORT]	= RPC_PROC(rpcbd_pmap_getport, rpcbd_pmap,
				    rpcbd_u32, P_FAST),
	[PMAPPROC_DUMP]		= RPC_PROC(rpcbd_pmap_dump, rpcbd_void,
				    rpcbd_pmaplist, 0),
	[PMAPPROC_CALLIT]	= RPC_PROC(rpcbd_pmap_callit, rpcbd_rmtargs,
				    rpcbd_rmtres2, 0),
};

/* RFC 1833 section 2.2: rpcbind version 3. */
static const struct rpc_proc rpcb_v3[] = {
	[RPCBPROC_NULL]		= RPC_PROC_VOID(rpcbd_null, 0),
	[RPCBPROC_SET]		= RPC_PROC(rpcbd_rpcb_set, rpcbd_rpcb,
				    rpcbd_bool, P_FAST),
	[RPCBPROC_UNSET]	= RPC_PROC(rpcbd_rpcb_unset, rpcbd_rpcb,
				    rpcbd_bool, P_FAST),
	[RPCBPROC_GETADDR]	= RPC_PROC(rpcbd_rpcb_getaddr, rpcbd_rpcb,
				    rpcbd_str, P_FAST),
	[RPCBPROC_DUMP]		= RPC_PROC(rpcbd_rpcb_dump, rpcbd_void,
				    rpcbd_rpcblist, 0),
	[RPCBPROC_CALLIT]	= RPC_PROC(rpcbd_rpcb_callit, rpcbd_rmtargs,
				    rpcbd_rmtres, 0),
	[RPCBPROC_GETTIME]	= RPC_PROC(rpcbd_rpcb_gettime, rpcbd_void,
				    rpcbd_u32, P_FAST),
	[RPCBPROC_UADDR2TADDR]	= RPC_PROC(rpcbd_rpcb_uaddr2taddr, rpcbd_str,
				    rpcbd_netbuf, P_FAST),
	[RPCBPROC_TADDR2UADDR]	= RPC_PROC(rpcbd_rpcb_taddr2uaddr,
				    rpcbd_netbuf, rpcbd_str, P_FAST),
};

/* RFC 1833 section 2.2: rpcbind version 4 (BCAST is CALLIT's number). */
static const struct rpc_proc rpcb_v4[] = {
	[RPCBPROC_NULL]		= RPC_PROC_VOID(rpcbd_null, 0),
	[RPCBPROC_SET]		= RPC_PROC(rpcbd_rpcb_set, rpcbd_rpcb,
				    rpcbd_bool, P_FAST),
	[RPCBPROC_UNSET]	= RPC_PROC(rpcbd_rpcb_unset, rpcbd_rpcb,
				    rpcbd_bool, P_FAST),
	[RPCBPROC_GETADDR]	= RPC_PROC(rpcbd_rpcb_getaddr, rpcbd_rpcb,
				    rpcbd_str, P_FAST),
	[RPCBPROC_DUMP]		= RPC_PROC(rpcbd_rpcb_dump, rpcbd_void,
				    rpcbd_rpcblist, 0),
	[RPCBPROC_BCAST]	= RPC_PROC(rpcbd_rpcb_callit, rpcbd_rmtargs,
				    rpcbd_rmtres, 0),
	[RPCBPROC_GETTIME]	= RPC_PROC(rpcbd_rpcb_gettime, rpcbd_void,
				    rpcbd_u32, P_FAST),
	[RPCBPROC_UADDR2TADDR]	= RPC_PROC(rpcbd_rpcb_uaddr2taddr, rpcbd_str,
				    rpcbd_netbuf, P_FAST),
	[RPCBPROC_TADDR2UADDR]	= RPC_PROC(rpcbd_rpcb_taddr2uaddr,
				    rpcbd_netbuf, rpcbd_str, P_FAST),
	[RPCBPROC_GETVERSADDR]	= RPC_PROC(rpcbd_rpcb_getversaddr, rpcbd_rpcb,
				    rpcbd_str, P_FAST),
	[RPCBPROC_INDIRECT]	= RPC_PROC(rpcbd_rpcb_indirect, rpcbd_rmtargs,
				    rpcbd_rmtres, 0),
	[RPCBPROC_GETADDRLIST]	= RPC_PROC(rpcbd_rpcb_getaddrlist, rpcbd_rpcb,
				    rpcbd_entlist, P_FAST),
	[RPCBPROC_GETSTAT]	= RPC_PROC(rpcbd_rpcb_getstat, rpcbd_void,
				    rpcbd_stat, P_FAST),
};

static const struct rpc_version rpcbd_versions[] = {
	{ PMAPVERS, pmap_v2, nitems(pmap_v2) },
	{ RPCBVERS, rpcb_v3, nitems(rpcb_v3) },
	{ RPCBVERS4, rpcb_v4, nitems(rpcb_v4) },
};

/*
 * Every call but NULL passes here once decoded: count it for GETSTAT
 * (NULL counts itself in rpcbd_null()). Policy lives in the handlers,
 * which know the arguments.
 */
static enum disp
rpcbd_check(struct req *rq, const struct rpc_proc *pd UNUSED,
    void *args UNUSED, void *res UNUSED)
{
	struct rpcbd *rb = rq->ctx;

	if (rb != NULL)
		rpcbd_stat_proc(rb->db, rpcbd_sv(rq), rq->proc);
	return DISP_REPLY;
}

static const struct rpc_program rpcbd_prog = {
	.prog		= RPCBD_PROG,
	.name		= "portmapper",
	.versions	= rpcbd_versions,
	.nversions	= nitems(rpcbd_versions),
	.check		= rpcbd_check,
	.no_register	= true,		/* we are rpcbind */
	.ctx		= NULL,
};

const struct rpc_program *
rpcbd_program(void)
{
	return &rpcbd_prog;
}
