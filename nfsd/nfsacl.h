/*
 * nfsacl.h: the NFS_ACL side protocol in rpc.nfsd (program 100227,
 * versions 2 and 3, on the NFS listeners, as knfsd serves it): the
 * program table (nfsacl_procs.c) and its handlers (nfsacl.c).
 *
 * The calls take the path of every NFS call: the program hooks
 * nfsd_check/nfsd_release, vfs_open_fh() for the handle (export, client,
 * flavour, port and squash checks; P_WRITE refused on read-only exports),
 * then the ACL attributes are read and written as the caller.
 */
#ifndef NFSD_NFSACL_H
#define NFSD_NFSACL_H

#include "nfsd/nfsd.h"
#include "xdr/nfs_acl.h"

/* The program (NFS_ACL v2 and v3) bound to the daemon context nd. */
const struct rpc_program *nfsacl_program(struct nfsd *nd);

/* nfsacl.c */
enum disp nfsacl_proc_null(struct req *, void *, void *);
enum disp nfsacl3_proc_getacl(struct req *, GETACL3args *, GETACL3res *);
enum disp nfsacl3_proc_setacl(struct req *, SETACL3args *, SETACL3res *);
enum disp nfsacl2_proc_getacl(struct req *, GETACL2args *, GETACL2res *);
enum disp nfsacl2_proc_setacl(struct req *, SETACL2args *, SETACL2res *);
enum disp nfsacl2_proc_access(struct req *, ACCESS2args *, ACCESS2res *);

#endif
