/*
 * sattr.h: what an NFSv3 sattr3 does to an object (SETATTR, and the
 * attributes sent with CREATE, MKDIR, SYMLINK and MKNOD), and the EXCLUSIVE
 * create verifier as it is stored in a file's times.
 *
 * sattr_plan() is pure: it turns the wire attributes and the object's
 * current stat into the system calls to make (knfsd's nfsd_sanitize_attrs()
 * and nfsd_create_setattr() rules). sattr_apply() makes them, as the caller.
 * nfsd_commit_meta() makes metadata changes stable on sync exports.
 */
#ifndef NFSD_SATTR_H
#define NFSD_SATTR_H

#include <sys/types.h>
#include <sys/stat.h>
#include <stdbool.h>
#include <time.h>

#include "xdr/nfs3.h"

struct req;
struct vnode;

#define SA_MODE		0x01u
#define SA_UID		0x02u
#define SA_GID		0x04u
#define SA_SIZE		0x08u
#define SA_ATIME	0x10u
#define SA_MTIME	0x20u

struct sattr_plan {
	unsigned	 what;		/* SA_* to change */
	mode_t		 mode;		/* permission bits only (07777) */
	uid_t		 uid;		/* (uid_t)-1: unchanged */
	gid_t		 gid;		/* (gid_t)-1: unchanged */
	off_t		 size;
	struct timespec	 times[2];	/* utimensat(): atime, mtime; UTIME_OMIT,
					 * UTIME_NOW (server time) or a value */
};

/* sattr_plan() flags */
#define SA_F_CREATED	0x01u	/* object just created: mode was given to the
				 * create call, size 0 is what it has */
#define SA_F_ROOT	0x02u	/* caller is root: may set owner at create */

/*
 * Decide what sa does to an object whose current attributes are st.
 * Returns 0, or -EISDIR (size of a directory), -EINVAL (size of another
 * non-regular object, nanoseconds out of range).
 */
int	sattr_plan(const sattr3 *sa, const struct stat *st, unsigned flags,
	    struct sattr_plan *p);
/* Make the changes of p to vn's object as the caller; 0 or -errno. A size
 * change the caller may not make only because of the file's mode is made
 * anyway for the file's owner (knfsd's owner override). In proc_attr.c. */
int	sattr_apply(struct req *rq, const struct vnode *vn,
	    const struct sattr_plan *p);

/*
 * knfsd's commit_metadata(): on a sync export (the default) a modifying
 * procedure's metadata must be on stable storage before the reply (RFC
 * 1813 3.3.7: CREATE, MKDIR, SYMLINK, MKNOD, REMOVE, RMDIR, RENAME, LINK
 * are synchronous), so fsync() the object (regular files and
 * directories; a journalling filesystem commits the others with their
 * directory). async exports: nothing. 0 or -errno. In proc_attr.c.
 */
int	nfsd_commit_meta(struct req *rq, const struct vnode *vn);

/*
 * EXCLUSIVE create (RFC 1813 3.3.8): the 8-byte verifier is kept in the
 * new file's times, as knfsd keeps it: the first 4 bytes (big-endian) in
 * mtime seconds, the last 4 in atime seconds, each with the top bit
 * cleared (so the times are valid on filesystems with 31-bit seconds),
 * nanoseconds 0. The client's SETATTR after the create replaces them.
 */
void	createverf_times(const char verf[NFS3_CREATEVERFSIZE],
	    struct timespec ts[2]);
/* Is st a file an EXCLUSIVE create with verf made (and nothing wrote to
 * since)? */
bool	createverf_match(const char verf[NFS3_CREATEVERFSIZE],
	    const struct stat *st);

#endif
