/*
 * nfsd_procs.h: the NFS program table and the handlers in proc_*.c.
 */
#ifndef NFSD_PROCS_H
#define NFSD_PROCS_H

#include "nfsd/nfsd.h"
#include "xdr/nfs2.h"

/* The program (NFS v2 and v3) bound to the daemon context nd. */
const struct rpc_program *nfsd_program(struct nfsd *nd);

/* proc_attr.c: RFC 1813 3.3.1, 3.3.2, 3.3.4 */
enum disp nfsd_proc_getattr(struct req *, GETATTR3args *, GETATTR3res *);
enum disp nfsd_proc_setattr(struct req *, SETATTR3args *, SETATTR3res *);
enum disp nfsd_proc_access(struct req *, ACCESS3args *, ACCESS3res *);
/* ACCESS's answer for an open object: of the ACCESS3_* bits in want,
 * those the caller has (into *granted); 0 or -errno (NFS_ACL's v2 ACCESS
 * asks the same). */
int	nfsd_access_rights(struct req *rq, const struct vnode *vn,
	    uint32_t want, uint32_t *granted);
/* proc_lookup.c: 3.3.3, 3.3.5 */
enum disp nfsd_proc_lookup(struct req *, LOOKUP3args *, LOOKUP3res *);
enum disp nfsd_proc_readlink(struct req *, READLINK3args *, READLINK3res *);
/* proc_io.c: 3.3.6, 3.3.7, 3.3.21 */
enum disp nfsd_proc_read(struct req *, READ3args *, READ3res *);
enum disp nfsd_proc_write(struct req *, WRITE3args *, WRITE3res *);
enum disp nfsd_proc_commit(struct req *, COMMIT3args *, COMMIT3res *);
/* proc_create.c: 3.3.8 - 3.3.11, 3.3.15 */
enum disp nfsd_proc_create(struct req *, CREATE3args *, CREATE3res *);
enum disp nfsd_proc_mkdir(struct req *, MKDIR3args *, MKDIR3res *);
enum disp nfsd_proc_symlink(struct req *, SYMLINK3args *, SYMLINK3res *);
enum disp nfsd_proc_mknod(struct req *, MKNOD3args *, MKNOD3res *);
enum disp nfsd_proc_link(struct req *, LINK3args *, LINK3res *);
/* proc_remove.c: 3.3.12 - 3.3.14 */
enum disp nfsd_proc_remove(struct req *, REMOVE3args *, REMOVE3res *);
enum disp nfsd_proc_rmdir(struct req *, RMDIR3args *, RMDIR3res *);
enum disp nfsd_proc_rename(struct req *, RENAME3args *, RENAME3res *);
/* proc_dir.c: 3.3.16, 3.3.17 */
enum disp nfsd_proc_readdir(struct req *, READDIR3args *, READDIR3res *);
enum disp nfsd_proc_readdirplus(struct req *, READDIRPLUS3args *,
	    READDIRPLUS3res *);
/* proc_fs.c: 3.3.18 - 3.3.20 */
enum disp nfsd_proc_fsstat(struct req *, FSSTAT3args *, FSSTAT3res *);
enum disp nfsd_proc_fsinfo(struct req *, FSINFO3args *, FSINFO3res *);
enum disp nfsd_proc_pathconf(struct req *, PATHCONF3args *, PATHCONF3res *);

/* xdr_write.c: WRITE3args decoded in place (the data is not copied) */
bool_t	xdr_WRITE3args_inline(XDR *x, WRITE3args *a);

/* nfs2_procs.c: the NFSv2 table (RFC 1094) */
extern const struct rpc_proc nfsd_v2_procs[];
extern const unsigned nfsd_v2_nprocs;

#endif
