/*
 * nfsacl_procs.c: the NFS_ACL program (100227): version 2 and version 3
 * tables, indexed by procedure number, on the hooks of the NFS program
 * (nfsd_check, nfsd_release), so a call is admitted, squashed and refused
 * on read-only exports exactly as an NFS call.
 *
 * Flags as knfsd: nothing is cached in the duplicate request cache
 * (RC_NOCACHE: SETACL sets the same ACL again); SETACL modifies (P_WRITE:
 * ROFS on read-only exports); version 2's GETATTR is NFS v2's own handler
 * and codecs (the same bytes on the wire), its ACCESS is NFS v3's answer.
 * GETXATTRDIR (Solaris) is not served: PROC_UNAVAIL, as from knfsd.
 */
#include "nfsd/nfs2.h"
#include "nfsd/nfsacl.h"
#include "nfsd/nfsd_procs.h"

static const struct rpc_proc nfsacl2_procs[] = {
	[ACLPROC2_NULL]		= RPC_PROC_VOID(nfsacl_proc_null, 0),
	[ACLPROC2_GETACL]	= RPC_PROC(nfsacl2_proc_getacl, GETACL2args,
				    GETACL2res, 0),
	[ACLPROC2_SETACL]	= RPC_PROC(nfsacl2_proc_setacl, SETACL2args,
				    SETACL2res, P_WRITE),
	[ACLPROC2_GETATTR]	= RPC_PROC(nfsd2_proc_getattr, fhandle2,
				    attrstat2, P_FAST),
	[ACLPROC2_ACCESS]	= RPC_PROC(nfsacl2_proc_access, ACCESS2args,
				    ACCESS2res, P_FAST),
};

static const struct rpc_proc nfsacl3_procs[] = {
	[ACLPROC3_NULL]		= RPC_PROC_VOID(nfsacl_proc_null, 0),
	[ACLPROC3_GETACL]	= RPC_PROC(nfsacl3_proc_getacl, GETACL3args,
				    GETACL3res, 0),
	[ACLPROC3_SETACL]	= RPC_PROC(nfsacl3_proc_setacl, SETACL3args,
				    SETACL3res, P_WRITE),
};

static const struct rpc_version nfsacl_versions[] = {
	{ NFS_ACL_V2, nfsacl2_procs, sizeof(nfsacl2_procs) /
	    sizeof(nfsacl2_procs[0]) },
	{ NFS_ACL_V3, nfsacl3_procs, sizeof(nfsacl3_procs) /
	    sizeof(nfsacl3_procs[0]) },
};

static struct rpc_program nfsacl_prog = {
	.prog = NFS_ACL_PROGRAM,
	.name = "nfs_acl",		/* /etc/rpc's name for 100227 */
	.versions = nfsacl_versions,
	.nversions = 2,
	.check = nfsd_check,
	.release = nfsd_release,
	.res_status = true,	/* every result starts with one */
};

const struct rpc_program *
nfsacl_program(struct nfsd *nd)
{
	nfsacl_prog.ctx = nd;
	return &nfsacl_prog;
}
