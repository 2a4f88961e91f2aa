/*
 * nfs2.h: NFS version 2 (RFC 1094) in rpc.nfsd: attribute conversion, the
 * errno -> nfsstat2 map, and the handlers the table in nfs2_procs.c names.
 *
 * Version 2 runs on the same vfs layer as version 3 (vfs_open_fh with the
 * raw 32-byte handle, the same export, client, squash and ro checks); what
 * differs is the 32-bit wire: sizes, offsets, file ids and directory
 * cookies are 32 bits, WRITE is always stable, and there are fewer status
 * codes.
 */
#ifndef NFSD_NFS2_H
#define NFSD_NFS2_H

#include <sys/types.h>
#include <sys/stat.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "nfsd/nfsd.h"
#include "xdr/nfs2.h"

/*
 * Status values outside RFC 1094's list that v2 servers have always sent:
 * v2 status codes are Unix errno numbers, and Sun's and Linux's clients
 * (and knfsd) use these three. Nothing NFSv3-only (>= 10000) is ever sent.
 */
#define NFS2ERR_INVAL		((nfsstat2)22)
#define NFS2ERR_MLINK		((nfsstat2)31)
#define NFS2ERR_OPNOTSUPP	((nfsstat2)45)

#define NFS2_FIFO_DEV		0xffffffffu	/* rdev of a FIFO sent as NFCHR */
#define NFS2_NO_RDEV		0xffffffffu	/* rdev of a non-device */
#define NFS2_DONT_SET		0xffffffffu	/* sattr2 field left unchanged */
#define NFS2_SERVER_TIME	1000000u	/* sattr2 useconds: "now" (Sun) */
#define NFS2_STATFS_TSIZE	NFS2_MAXDATA	/* STATFS tsize: the I/O size */

/* A decoded sattr2: which fields to set. */
#define SA2_MODE	0x01u
#define SA2_UID		0x02u
#define SA2_GID		0x04u
#define SA2_SIZE	0x08u
#define SA2_ATIME	0x10u
#define SA2_MTIME	0x20u

struct nfs2_sattr {
	unsigned	 set;		/* SA2_* */
	mode_t		 mode;		/* all 32 bits the client sent */
	uid_t		 uid;
	gid_t		 gid;
	uint32_t	 size;
	struct timespec	 atime;		/* tv_nsec UTIME_NOW: server time */
	struct timespec	 mtime;
};

/* nfs2_attr.c */
/* fattr2 from a stat (RFC 1094 2.3.5); fsid is the export's, folded. */
void	fattr2_from_stat(const struct stat *st, uint32_t fsid, fattr2 *fa);
/* The 32-bit file id of an inode number (high ^ low half). */
uint32_t nfs2_fileid(uint64_t ino);
/* The 32-bit fsid v2 clients see for objects of ex. */
uint32_t nfs2_fsid(const struct exp_live_export *ex, const struct stat *st);
/* Decode a sattr2 (RFC 1094 2.3.6, -1 = unchanged). Returns 0, or -EINVAL
 * for a time with useconds above one second. */
int	sattr2_decode(const sattr2 *sa, struct nfs2_sattr *out);
/* errno (negative or positive, 0) -> nfsstat2. */
nfsstat2 nfs2_stat(int err);
/* Is err a "try again later" condition (NFS3ERR_JUKEBOX in v3)? v2 has no
 * such status: the reply is dropped and the client retransmits. */
bool	nfs2_retry_later(int err);
/* The disposition for a handler ending with err: fills *st, and returns
 * DISP_DROP for retry-later conditions, DISP_REPLY otherwise. */
enum disp nfs2_done(int err, nfsstat2 *st);
/* new_encode_dev(): the 32-bit device number v2 carries. */
uint32_t nfs2_encode_dev(dev_t dev);
dev_t	nfs2_decode_dev(uint32_t v);

/*
 * READDIR cookies (nfs2_dir.c explains the scheme). A cookie below
 * NFS2_CK_BIG is a directory offset as is; with NFS2_CK_BIG set it is
 * either the upper half of an ext2/3/4 hash offset (hash: true), which is
 * exactly the 32-bit hash cookie ext4 gives 32-bit callers, or the ordinal
 * of the next entry from the start of the directory (other filesystems).
 */
#define NFS2_CK_BIG		0x80000000u
#define NFS2_HASH_EOF		0x7fffffffffffffffLL	/* ext4's 64-bit EOF */
/* The cookie for offset off, or false if off needs an ordinal cookie. */
bool	nfs2_cookie_from_off(int64_t off, bool hash, uint32_t *ck);
/* Where a cookie resumes: returns true and *off for an offset cookie,
 * false and *ordinal for an ordinal cookie. */
bool	nfs2_cookie_to_off(uint32_t ck, bool hash, int64_t *off,
	    uint32_t *ordinal);

/* nfs2_proc.c: RFC 1094 2.2 */
enum disp nfsd2_proc_null(struct req *, void *, void *);
enum disp nfsd2_proc_getattr(struct req *, char *, attrstat2 *);
enum disp nfsd2_proc_setattr(struct req *, sattrargs2 *, attrstat2 *);
enum disp nfsd2_proc_root(struct req *, void *, void *);
enum disp nfsd2_proc_lookup(struct req *, diropargs2 *, diropres2 *);
enum disp nfsd2_proc_readlink(struct req *, char *, readlinkres2 *);
enum disp nfsd2_proc_read(struct req *, readargs2 *, readres2 *);
enum disp nfsd2_proc_writecache(struct req *, void *, void *);
enum disp nfsd2_proc_write(struct req *, writeargs2 *, attrstat2 *);
enum disp nfsd2_proc_create(struct req *, createargs2 *, diropres2 *);
enum disp nfsd2_proc_remove(struct req *, diropargs2 *, nfsstat2 *);
enum disp nfsd2_proc_rename(struct req *, renameargs2 *, nfsstat2 *);
enum disp nfsd2_proc_link(struct req *, linkargs2 *, nfsstat2 *);
enum disp nfsd2_proc_symlink(struct req *, symlinkargs2 *, nfsstat2 *);
enum disp nfsd2_proc_mkdir(struct req *, createargs2 *, diropres2 *);
enum disp nfsd2_proc_rmdir(struct req *, diropargs2 *, nfsstat2 *);
enum disp nfsd2_proc_statfs(struct req *, char *, statfsres2 *);
/* nfs2_dir.c */
enum disp nfsd2_proc_readdir(struct req *, readdirargs2 *, readdirres2 *);

/* Shared by nfs2_proc.c and nfs2_dir.c: the fattr2 of an open object. */
int	nfs2_getattr(int fd, const struct exp_live_export *ex, fattr2 *fa);

#endif
