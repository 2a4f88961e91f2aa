/*
 * nfsd.h: rpc.nfsd's context and the layer every procedure handler uses:
 * file handles to vnodes (with the export and client checks), per-thread
 * identity, attributes, and the errno -> nfsstat3 map.
 *
 * A call goes:
 *   nfsd_check (program hook)  take a reference on the export generation
 *   handler                    vfs_open_fh() for each handle: decode and
 *                              authenticate it, find its export, check the
 *                              export admits the caller (address, port,
 *                              flavour, ro for P_WRITE), open the object by
 *                              handle as root, then switch the thread to the
 *                              caller's squashed identity
 *                              ... the operation, with *at() calls on the
 *                              vnode's O_PATH fd, as the caller, so the
 *                              kernel checks permissions as for a local user
 *   nfsd_release               drop the generation (the thread keeps the
 *                              caller's identity until the next call needs
 *                              another: see vfs.c)
 */
#ifndef NFSD_H
#define NFSD_H

#include <sys/types.h>
#include <sys/stat.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/cred.h"
#include "common/exports_live.h"
#include "common/fh.h"
#include "common/ratelog.h"
#include "common/rpc/rpc_srv.h"
#include "xdr/nfs3.h"

#define NFSD_RTMAX	(1024 * 1024)	/* = NFS3_MAXDATA */
#define NFSD_WTMAX	(1024 * 1024)
#define NFSD_DTPREF	(64 * 1024)	/* READDIR preferred size */
#define NFSD_UDP_MAXDATA (32 * 1024)	/* READ/WRITE over UDP datagrams */
#define NFSD_NAME_WAIT_MS 2000		/* first lookup of a client's name */

struct ofcache;
struct ofile;
struct gidcache;
struct hostcache;

/* The daemon: rq->ctx of every call. */
struct nfsd {
	struct exp_holder	 exports;
	struct fh_key		 key;
	_Atomic uint64_t	 write_verf;	/* see nfsd_write_verf() */
	struct ofcache		*ofc;		/* open files for READ/WRITE */
	struct ofcache		*pathc;		/* O_PATH fds: handle resolution */
	struct gidcache		*gids;		/* manage-gids, NULL if off */
	struct hostcache	*hosts;		/* client names, for wildcards */
	struct fhcache		*fhc;		/* handles by statx key, or NULL */
	/* calls refused by the export's client list or flavours, and from
	 * unprivileged ports: a few lines, then a count (ratelog.h) */
	struct ratelog		 rate_denied, rate_port;
	/* data bytes READ and WRITE moved (nfsstat's "io"), relaxed */
	uint64_t		 io_read, io_written;
};

/* Per call, in the arena: rq->priv. */
struct nfsd_rq {
	struct exp_live			*gen;	/* reference for the call */
	const struct exp_live_export	*ex;	/* export of the first handle */
	const struct exp_client		*cl;	/* its entry for this caller */
	uint32_t			 flags;	/* EXP_F_* for the call's flavour */
	bool				 root_only; /* admitted with a flavour the
						   export lacks: its root only */
	struct cred			 cred;	/* squashed: what the kernel sees */
};

/* An object opened by handle. */
struct vnode {
	int				 fd;	/* O_PATH (or as asked) */
	struct ofile			*of;	/* fd belongs to this cache entry */
	struct ofcache			*ofc;	/* (else fd is the vnode's own) */
	struct stat			 st;	/* at open */
	const struct exp_live_export	*ex;
	struct fh_khandle		 kh;
};

#define VNODE_INIT	{ .fd = -1 }

/*
 * The write verifier (RFC 1813 3.3.7): new at every start, and new again
 * when stable storage reported an error, so clients resend whatever may
 * have been lost (as knfsd does).
 */
void	nfsd_write_verf(const struct req *rq, char out[NFS3_WRITEVERFSIZE]);
void	nfsd_write_verf_reset(struct req *rq, int err);
/* The same outside a call (the open-file cache's failed flush at close). */
void	nfsd_write_verf_bump(struct nfsd *nd, int err);
/* Statistics of nfsd's own (rpc_srv_add_metrics()): nd's caches and I/O. */
struct mbuf;
void	nfsd_metrics(struct mbuf *out, void *nd);

/* Program hooks (nfsd_procs.c tables use them). */
enum disp nfsd_check(struct req *rq, const struct rpc_proc *pd, void *args,
	    void *res);
void	nfsd_release(struct req *rq);

static inline struct nfsd *
nfsd_of(const struct req *rq)
{
	return rq->ctx;
}

static inline struct nfsd_rq *
nfsd_rq(const struct req *rq)
{
	return rq->priv;
}

/*
 * vfs.c. Every function returns 0 or -errno; the handler maps that with
 * nfs3_stat(). -EBADMSG means "not a handle of ours" (BADHANDLE).
 */
/* Open the object of a wire handle (v3 or v2 form) with flags (O_PATH
 * normally) and leave the thread running as the caller. The WebNFS public
 * handle (webnfs.h) is the public export's root, with the same checks. */
int	vfs_open_fh(struct req *rq, const void *fh, size_t fhlen, int flags,
	    struct vnode *vn);
/* Open export ex's root the same way, with the same checks (WebNFS:
 * the root an absolute path lands in). */
int	vfs_open_root(struct req *rq, const struct exp_live_export *ex,
	    int flags, struct vnode *vn);
/* Same for the second handle of LINK/RENAME: must be the same export
 * (else -EXDEV). */
int	vfs_open_fh2(struct req *rq, const void *fh, size_t fhlen, int flags,
	    const struct vnode *first, struct vnode *vn);
void	vfs_close(struct vnode *vn);
/* An object lost a name (REMOVE, RMDIR, RENAME over it): if that was its
 * last link, close what the caches hold of it now, so its space is freed
 * before the reply (any type: an O_PATH fd holds the inode too). */
void	vfs_forget(struct req *rq, dev_t dev, ino_t ino);
/* Re-open a vnode's regular file or directory with other flags (O_RDONLY,
 * O_WRONLY...) as the caller (permission checked by the kernel); returns
 * the fd, -EINVAL for any other type of object, or -errno. */
int	vfs_reopen(const struct vnode *vn, int flags);
/* Open name in directory dir (no symlink following, no "..", "." or
 * names with '/'; ".." at an export root is the root itself; crossing
 * into another filesystem follows crossmnt/nohide). */
int	vfs_lookup(struct req *rq, const struct vnode *dir, const char *name,
	    int flags, struct vnode *vn);
/* Check a file name from the wire: -EINVAL (NUL, '/', empty),
 * -ENAMETOOLONG (over NAME_MAX), -EEXIST-free. "." and ".." are allowed
 * only where the caller says (allow_dots). */
int	vfs_check_name(const char *name, bool allow_dots);
/* The wire handle (form FH_FORM_V3 or FH_FORM_V2) of vn, in the arena. */
int	vfs_make_fh(struct req *rq, const struct vnode *vn, int form,
	    uint8_t **fhp, size_t *lenp);
/* The same for an object named by dirfd + name (READDIRPLUS, CREATE...). */
int	vfs_make_fh_at(struct req *rq, const struct exp_live_export *ex,
	    int dirfd, const char *name, int form, uint8_t **fhp, size_t *lenp);
/*
 * READDIRPLUS's entry: fresh attributes of dirfd/name (not following a
 * final symlink) in *st, and its wire handle through the handle cache
 * (fhcache.h). -errno: no attributes; 1: attributes only (a mount point,
 * or no handle could be made); 0: both.
 */
int	vfs_plus_at(struct req *rq, const struct exp_live_export *ex,
	    int dirfd, const char *name, int form, struct stat *st,
	    uint8_t **fhp, size_t *lenp);
/*
 * LOOKUP of a plain name in dir from the handle cache: 0 with fresh
 * attributes in *st and the handle; 1: not known there (or ".", "..", a
 * mount point), vfs_lookup() decides; -errno: the name is not there or may
 * not be searched, as vfs_lookup() would say.
 */
int	vfs_lookup_cached(struct req *rq, const struct vnode *dir,
	    const char *name, int form, struct stat *st, uint8_t **fhp,
	    size_t *lenp);
/* Remember the handle vfs_lookup() gave vn (one statx for its birth time). */
void	vfs_fhcache_note(struct req *rq, const struct vnode *vn, int form,
	    const uint8_t *fh, size_t len);
/* Run as root (handle opening) / as the caller again. */
void	vfs_as_root(struct req *rq);
void	vfs_as_caller(struct req *rq);
/* Is the caller the owner of st (after squashing)? */
bool	vfs_is_owner(const struct req *rq, const struct stat *st);
/* access(2) for the caller, with knfsd's owner override for files the
 * caller owns when override is set. mode is R_OK|W_OK|X_OK. */
int	vfs_access(struct req *rq, const struct vnode *vn, int mode, bool override);
/* Does the call modify and is the export read-only for this caller? */
bool	vfs_export_ro(const struct req *rq);

/* attr.c */
void	attr3_from_stat(const struct stat *st, const struct exp_live_export *ex,
	    fattr3 *fa);
void	attr3_post_op(const struct vnode *vn, post_op_attr *pa);
/* post_op from a fresh fstat of fd (or nothing when fd < 0). */
void	attr3_post_op_fd(int fd, const struct exp_live_export *ex, post_op_attr *pa);
void	attr3_pre_op(const struct stat *st, pre_op_attr *pa);
/* wcc from a saved pre-op stat and a fresh fstat of fd. */
void	attr3_wcc(const struct stat *pre, int fd, const struct exp_live_export *ex,
	    wcc_data *w);
uint64_t attr_fsid(const struct exp_live_export *ex, const struct stat *st);

/* nfs3_stat.c: errno (negative or positive) -> nfsstat3, and NFSv2 stat. */
nfsstat3 nfs3_stat(int err);

#endif
