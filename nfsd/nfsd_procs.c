/*
 * nfsd_procs.c: the NFS program: v2 (RFC 1094) and v3 (RFC 1813) tables,
 * indexed by procedure number, and the hooks every call goes through.
 *
 * Flags: P_WRITE procedures are refused with NFS3ERR_ROFS on read-only
 * exports (vfs_open_fh checks, since the export is known only from the
 * handle); P_DRC procedures are not idempotent, so a retransmission is
 * answered from the duplicate request cache instead of running twice.
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"

#include "nfsd/nfsd_procs.h"

static enum disp
nfsd_proc_null(struct req *rq, void *a, void *r)
{
	(void)rq;
	(void)a;
	(void)r;
	return DISP_REPLY;
}

#define W	P_WRITE
#define D	P_DRC
#define M	P_INLINE_META
static const struct rpc_proc nfs3_procs[] = {
	[NFSPROC3_NULL]		= RPC_PROC_VOID(nfsd_proc_null, 0),
	[NFSPROC3_GETATTR]	= RPC_PROC(nfsd_proc_getattr, GETATTR3args,
				    GETATTR3res, P_FAST),
	[NFSPROC3_SETATTR]	= RPC_PROC(nfsd_proc_setattr, SETATTR3args,
				    SETATTR3res, W | D | M),
	[NFSPROC3_LOOKUP]	= RPC_PROC(nfsd_proc_lookup, LOOKUP3args,
				    LOOKUP3res, P_FAST),
	[NFSPROC3_ACCESS]	= RPC_PROC(nfsd_proc_access, ACCESS3args,
				    ACCESS3res, P_FAST),
	[NFSPROC3_READLINK]	= RPC_PROC(nfsd_proc_readlink, READLINK3args,
				    READLINK3res, 0),
	[NFSPROC3_READ]		= RPC_PROC(nfsd_proc_read, READ3args, READ3res, 0),
	[NFSPROC3_WRITE]	= RPC_PROC_XDR(nfsd_proc_write,
				    xdr_WRITE3args_inline, WRITE3args,
				    xdr_WRITE3res, WRITE3res, W),
	[NFSPROC3_CREATE]	= RPC_PROC(nfsd_proc_create, CREATE3args,
				    CREATE3res, W | D | M),
	[NFSPROC3_MKDIR]	= RPC_PROC(nfsd_proc_mkdir, MKDIR3args,
				    MKDIR3res, W | D | M),
	[NFSPROC3_SYMLINK]	= RPC_PROC(nfsd_proc_symlink, SYMLINK3args,
				    SYMLINK3res, W | D | M),
	[NFSPROC3_MKNOD]	= RPC_PROC(nfsd_proc_mknod, MKNOD3args,
				    MKNOD3res, W | D | M),
	[NFSPROC3_REMOVE]	= RPC_PROC(nfsd_proc_remove, REMOVE3args,
				    REMOVE3res, W | D | M),
	[NFSPROC3_RMDIR]	= RPC_PROC(nfsd_proc_rmdir, RMDIR3args,
				    RMDIR3res, W | D | M),
	[NFSPROC3_RENAME]	= RPC_PROC(nfsd_proc_rename, RENAME3args,
				    RENAME3res, W | D | M),
	[NFSPROC3_LINK]		= RPC_PROC(nfsd_proc_link, LINK3args, LINK3res,
				    W | D | M),
	[NFSPROC3_READDIR]	= RPC_PROC(nfsd_proc_readdir, READDIR3args,
				    READDIR3res, 0),
	[NFSPROC3_READDIRPLUS]	= RPC_PROC(nfsd_proc_readdirplus,
				    READDIRPLUS3args, READDIRPLUS3res, 0),
	[NFSPROC3_FSSTAT]	= RPC_PROC(nfsd_proc_fsstat, FSSTAT3args,
				    FSSTAT3res, P_FAST),
	[NFSPROC3_FSINFO]	= RPC_PROC(nfsd_proc_fsinfo, FSINFO3args,
				    FSINFO3res, P_FAST),
	[NFSPROC3_PATHCONF]	= RPC_PROC(nfsd_proc_pathconf, PATHCONF3args,
				    PATHCONF3res, P_FAST),
	[NFSPROC3_COMMIT]	= RPC_PROC(nfsd_proc_commit, COMMIT3args,
				    COMMIT3res, 0),
};
#undef W
#undef D
#undef M

void
nfsd_write_verf(const struct req *rq, char out[NFS3_WRITEVERFSIZE])
{
	uint64_t v = atomic_load(&nfsd_of(rq)->write_verf);

	memcpy(out, &v, NFS3_WRITEVERFSIZE);
}

void
nfsd_write_verf_reset(struct req *rq, int err)
{
	nfsd_write_verf_bump(nfsd_of(rq), err);
}

void
nfsd_write_verf_bump(struct nfsd *nd, int err)
{
	uint64_t v;

	/* not a problem with durable storage: keep the verifier */
	if (err == -EAGAIN || err == -ESTALE || err == -EINTR)
		return;
	v = atomic_load(&nd->write_verf);
	atomic_store(&nd->write_verf, v * 6364136223846793005ULL +
	    1442695040888963407ULL);
	log_warnx("write error (%s): new write verifier, clients will resend "
	    "unstable writes", strerror(-err));
}

/* Every call: a reference on the export generation for its duration. */
enum disp
nfsd_check(struct req *rq, const struct rpc_proc *pd, void *args, void *res)
{
	struct nfsd_rq *nr;

	(void)pd;
	(void)args;
	(void)res;
	if ((nr = req_alloc(rq, sizeof(*nr))) == NULL)
		return DISP_DROP;	/* out of memory: let the client retry */
	nr->gen = exp_holder_get(&nfsd_of(rq)->exports);
	if (nr->gen == NULL)
		return DISP_DROP;
	rq->priv = nr;
	return DISP_REPLY;
}

void
nfsd_release(struct req *rq)
{
	struct nfsd_rq *nr = rq->priv;

	if (nr == NULL)
		return;
	exp_live_put(nr->gen);
	rq->priv = NULL;
}

static struct rpc_version nfs_versions[] = {
	{ 2, NULL, 0 },
	{ 3, nfs3_procs, sizeof(nfs3_procs) / sizeof(nfs3_procs[0]) },
};

static struct rpc_program nfs_program = {
	.prog = NFS3_PROGRAM,
	.name = "nfs",
	.versions = nfs_versions,
	.nversions = 2,
	.check = nfsd_check,
	.release = nfsd_release,
	.res_status = true,	/* every v2 and v3 result starts with one */
};

const struct rpc_program *
nfsd_program(struct nfsd *nd)
{
	nfs_versions[0].procs = nfsd_v2_procs;
	nfs_versions[0].nprocs = nfsd_v2_nprocs;
	nfs_program.ctx = nd;
	return &nfs_program;
}
