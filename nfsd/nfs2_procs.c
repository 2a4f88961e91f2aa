/*
 * nfs2_procs.c: the NFSv2 table (RFC 1094 2.2), indexed by procedure
 * number, all 18 procedures. nfsd_procs.c puts it in the NFS program as
 * version 2.
 *
 * Flags as for version 3: P_WRITE procedures are refused with
 * NFSERR_ROFS on read-only exports; P_DRC procedures are answered from the
 * duplicate request cache when retransmitted. As knfsd (RC_REPLBUFF), v2
 * WRITE is cached too: its reply is a small attrstat, and a retransmitted
 * stable write must not land again after a later write to the same range.
 * ROOT (obsolete, replaced by MOUNT) and WRITECACHE (never used) are void
 * no-ops, as in knfsd.
 */
#include "nfsd/nfs2.h"
#include "nfsd/nfsd_procs.h"

#define W	P_WRITE
#define D	P_DRC
const struct rpc_proc nfsd_v2_procs[] = {
	[NFSPROC_NULL]		= RPC_PROC_VOID(nfsd2_proc_null, 0),
	[NFSPROC_GETATTR]	= RPC_PROC(nfsd2_proc_getattr, fhandle2,
				    attrstat2, P_FAST),
	[NFSPROC_SETATTR]	= RPC_PROC(nfsd2_proc_setattr, sattrargs2,
				    attrstat2, W | D),
	[NFSPROC_ROOT]		= RPC_PROC_VOID(nfsd2_proc_root, 0),
	[NFSPROC_LOOKUP]	= RPC_PROC(nfsd2_proc_lookup, diropargs2,
				    diropres2, P_FAST),
	[NFSPROC_READLINK]	= RPC_PROC(nfsd2_proc_readlink, fhandle2,
				    readlinkres2, 0),
	[NFSPROC_READ]		= RPC_PROC(nfsd2_proc_read, readargs2,
				    readres2, 0),
	[NFSPROC_WRITECACHE]	= RPC_PROC_VOID(nfsd2_proc_writecache, 0),
	[NFSPROC_WRITE]		= RPC_PROC(nfsd2_proc_write, writeargs2,
				    attrstat2, W | D),
	[NFSPROC_CREATE]	= RPC_PROC(nfsd2_proc_create, createargs2,
				    diropres2, W | D),
	[NFSPROC_REMOVE]	= RPC_PROC(nfsd2_proc_remove, diropargs2,
				    nfsstat2, W | D),
	[NFSPROC_RENAME]	= RPC_PROC(nfsd2_proc_rename, renameargs2,
				    nfsstat2, W | D),
	[NFSPROC_LINK]		= RPC_PROC(nfsd2_proc_link, linkargs2,
				    nfsstat2, W | D),
	[NFSPROC_SYMLINK]	= RPC_PROC(nfsd2_proc_symlink, symlinkargs2,
				    nfsstat2, W | D),
	[NFSPROC_MKDIR]		= RPC_PROC(nfsd2_proc_mkdir, createargs2,
				    diropres2, W | D),
	[NFSPROC_RMDIR]		= RPC_PROC(nfsd2_proc_rmdir, diropargs2,
				    nfsstat2, W | D),
	[NFSPROC_READDIR]	= RPC_PROC(nfsd2_proc_readdir, readdirargs2,
				    readdirres2, 0),
	[NFSPROC_STATFS]	= RPC_PROC(nfsd2_proc_statfs, fhandle2,
				    statfsres2, P_FAST),
};
#undef W
#undef D

const unsigned nfsd_v2_nprocs = sizeof(nfsd_v2_procs) / sizeof(nfsd_v2_procs[0]);
