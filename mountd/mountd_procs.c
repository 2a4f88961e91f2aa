/*
 * mountd_procs.c: the dispatch tables of program 100005. The index of
 * each entry is its procedure number (a unit test walks the tables).
 * Version 1 is RFC 1094 appendix A, version 2 is version 1 plus PATHCONF,
 * version 3 is RFC 1813 section 5 (no EXPORTALL). Every procedure is
 * idempotent (the mount list has no counts), so none needs the duplicate
 * request cache.
 */
#include "common/util.h"
#include "mountd/mountd.h"

#define MNT_MNT1	RPC_PROC(mountd_mnt1, mnt_dirpath, fhstatus, P_FAST)
#define MNT_DUMP	RPC_PROC(mountd_dump, mountd_void, mnt_mountlist, 0)
#define MNT_UMNT	RPC_PROC(mountd_umnt, mnt_dirpath, mountd_void, P_FAST)
#define MNT_UMNTALL	RPC_PROC(mountd_umntall, mountd_void, mountd_void, 0)
#define MNT_EXPORT	RPC_PROC(mountd_export, mountd_void, mnt_exports, 0)

static const struct rpc_proc mount_v1[] = {
	[MOUNTPROC_NULL]	= RPC_PROC_VOID(mountd_null, 0),
	[MOUNTPROC_MNT]		= MNT_MNT1,
	[MOUNTPROC_DUMP]	= MNT_DUMP,
	[MOUNTPROC_UMNT]	= MNT_UMNT,
	[MOUNTPROC_UMNTALL]	= MNT_UMNTALL,
	[MOUNTPROC_EXPORT]	= MNT_EXPORT,
	[MOUNTPROC_EXPORTALL]	= MNT_EXPORT,
};

static const struct rpc_proc mount_v2[] = {
	[MOUNTPROC_NULL]	= RPC_PROC_VOID(mountd_null, 0),
	[MOUNTPROC_MNT]		= MNT_MNT1,
	[MOUNTPROC_DUMP]	= MNT_DUMP,
	[MOUNTPROC_UMNT]	= MNT_UMNT,
	[MOUNTPROC_UMNTALL]	= MNT_UMNTALL,
	[MOUNTPROC_EXPORT]	= MNT_EXPORT,
	[MOUNTPROC_EXPORTALL]	= MNT_EXPORT,
	[MOUNTPROC_PATHCONF]	= RPC_PROC(mountd_pathconf, mnt_dirpath,
				    ppathcnf, 0),
};

static const struct rpc_proc mount_v3[] = {
	[MOUNTPROC3_NULL]	= RPC_PROC_VOID(mountd_null, 0),
	[MOUNTPROC3_MNT]	= RPC_PROC(mountd_mnt3, mnt_dirpath, mountres3,
				    P_FAST),
	[MOUNTPROC3_DUMP]	= MNT_DUMP,
	[MOUNTPROC3_UMNT]	= MNT_UMNT,
	[MOUNTPROC3_UMNTALL]	= MNT_UMNTALL,
	[MOUNTPROC3_EXPORT]	= MNT_EXPORT,
};

static const struct rpc_version mount_versions[] = {
	{ MOUNTVERS, mount_v1, nitems(mount_v1) },
	{ MOUNTVERS_POSIX, mount_v2, nitems(mount_v2) },
	{ MOUNT_V3, mount_v3, nitems(mount_v3) },
};

static const struct rpc_program mount_program = {
	.prog = MOUNT_PROGRAM,
	.name = "mountd",
	.versions = mount_versions,
	.nversions = nitems(mount_versions),
	.check = NULL,
};

const struct rpc_program *
mountd_program(void)
{
	return &mount_program;
}
