/*
 * nfsacl.c: NFS_ACL's GETACL and SETACL (versions 3 and 2) and version 2's
 * ACCESS, on the POSIX ACLs the kernel keeps in the extended attributes
 * system.posix_acl_access and system.posix_acl_default.
 *
 * As knfsd (fs/nfsd/nfs3acl.c, nfs2acl.c):
 *  - GETACL checks nothing beyond the handle (anyone who may reach an
 *    object may read its ACL, as getfacl(1) on a local file); an object
 *    without an access ACL, or on a filesystem without ACLs, answers the
 *    minimal ACL its mode gives; only directories have a default ACL;
 *  - SETACL is refused on read-only exports (P_WRITE) and otherwise left
 *    to the kernel, which lets only the owner (or root, unsquashed) set an
 *    ACL and updates the mode's bits from it; an ACL with no entries
 *    removes the attribute; a default ACL with entries on anything but a
 *    directory is EACCES.
 * Beyond knfsd:
 *  - the mask says what SETACL sets: the access ACL with NFS_ACL, the
 *    default ACL with NFS_DFACL (knfsd removes the access ACL when
 *    NFS_ACL is absent; the Linux client always sends it);
 *  - no_acl in the export's options hides ACLs (GETACL answers the mode's
 *    minimal ACL and no default ACL) and refuses SETACL (NOTSUPP);
 *  - a malformed ACL (an unknown type, bits beyond rwx, a count that
 *    differs from the entries sent, not a valid POSIX ACL) is refused
 *    with NFS3ERR_INVAL before anything is written, and when the default
 *    ACL cannot be written after the access ACL was, the access ACL and
 *    the mode are put back: a SETACL is applied whole or not at all.
 *    (An array longer than NFS_ACL_MAX_ENTRIES fails the decode:
 *    GARBAGE_ARGS, as knfsd.)
 *
 * The attributes are reached through /proc/self/fd/N of the vnode's O_PATH
 * descriptor (f*xattr() do not take O_PATH descriptors before Linux 6.13):
 * the magic link lands on the object itself, and the call is made as the
 * caller, whom vfs_open_fh() left the thread running as. Symbolic links
 * have no ACLs (their mode's ACL is answered; SETACL is NOTSUPP).
 */
#include <sys/stat.h>
#include <sys/xattr.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "common/posix_acl.h"
#include "nfsd/nfs2.h"
#include "nfsd/nfsacl.h"
#include "nfsd/nfsd_procs.h"

#define XATTR_MAX	pacl_xattr_size(PACL_MAX_ENTRIES)

enum disp
nfsacl_proc_null(struct req *rq, void *a, void *r)
{
	(void)rq;
	(void)a;
	(void)r;
	return DISP_REPLY;
}

static void
fd_path(char *buf, size_t len, int fd)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

static bool
acls_hidden(const struct req *rq)
{
	return (nfsd_rq(rq)->flags & EXP_F_NO_ACL) != 0;
}

/*
 * One ACL attribute of vn into acl (n = 0: there is none). -EOPNOTSUPP:
 * the object or its filesystem has no ACLs.
 */
static int
read_acl(struct req *rq, const struct vnode *vn, const char *name,
    struct pacl *acl)
{
	char path[32];
	uint8_t *buf;
	ssize_t len;

	acl->n = 0;
	if (S_ISLNK(vn->st.st_mode))
		return -EOPNOTSUPP;
	if ((buf = req_alloc_raw(rq, XATTR_MAX)) == NULL)
		return -ENOMEM;
	fd_path(path, sizeof(path), vn->fd);
	if ((len = getxattr(path, name, buf, XATTR_MAX)) < 0) {
		if (errno == ENODATA)
			return 0;
		/* more entries than the protocol can carry */
		return errno == ERANGE ? -E2BIG : -errno;
	}
	return pacl_from_xattr(buf, (size_t)len, acl);
}

/* Write acl as attribute name of vn (none: remove it). */
static int
write_acl(struct req *rq, const struct vnode *vn, const char *name,
    const struct pacl *acl)
{
	char path[32];
	uint8_t *buf;
	ssize_t len;

	fd_path(path, sizeof(path), vn->fd);
	if (acl->n == 0) {
		if (removexattr(path, name) != 0 && errno != ENODATA)
			return -errno;
		return 0;
	}
	if ((buf = req_alloc_raw(rq, pacl_xattr_size(acl->n))) == NULL)
		return -ENOMEM;
	if ((len = pacl_to_xattr(acl, buf, pacl_xattr_size(acl->n))) < 0)
		return (int)len;
	if (setxattr(path, name, buf, (size_t)len, 0) != 0)
		return -errno;
	return 0;
}

/* An ACL into the reply: its count always, its entries when list. */
static int
put_acl(struct req *rq, const struct pacl *acl, const struct stat *st,
    bool dflt, bool list, u_int *cnt, u_int *len, aclent **val)
{
	unsigned n = pacl_nfs_count(acl);
	int rc;

	*cnt = n;
	*len = 0;
	*val = NULL;
	if (!list || n == 0)
		return 0;
	if ((*val = req_alloc(rq, n * sizeof(**val))) == NULL)
		return -ENOMEM;
	if ((rc = pacl_to_nfs(acl, st->st_uid, st->st_gid, dflt, *val, n)) < 0)
		return rc;
	*len = (u_int)rc;
	return 0;
}

/* GETACL of an open object whose attributes are st, as mask asks. */
static int
get_acls(struct req *rq, const struct vnode *vn, const struct stat *st,
    u_int mask, secattr *sa)
{
	struct pacl *acl;
	int rc = 0;

	memset(sa, 0, sizeof(*sa));
	if (mask & ~(u_int)NFS_ACL_MASK)
		return -EINVAL;
	sa->mask = mask;
	if (mask == 0)
		return 0;
	if ((acl = req_alloc_raw(rq, sizeof(*acl))) == NULL)
		return -ENOMEM;
	if (mask & (NFS_ACL | NFS_ACLCNT)) {
		acl->n = 0;
		if (!acls_hidden(rq))
			rc = read_acl(rq, vn, PACL_XATTR_ACCESS, acl);
		if (rc == -EOPNOTSUPP)
			rc = 0;
		if (rc != 0)
			return rc;
		/* none: the mode's, as Solaris and knfsd answer */
		if (acl->n == 0)
			pacl_from_mode(st->st_mode, acl);
		if ((rc = put_acl(rq, acl, st, false, mask & NFS_ACL,
		    &sa->aclcnt, &sa->aclent.aclent_len,
		    &sa->aclent.aclent_val)) != 0)
			return rc;
	}
	if (mask & (NFS_DFACL | NFS_DFACLCNT)) {
		acl->n = 0;
		if (!acls_hidden(rq) && S_ISDIR(st->st_mode))
			rc = read_acl(rq, vn, PACL_XATTR_DEFAULT, acl);
		if (rc == -EOPNOTSUPP)
			rc = 0;
		if (rc != 0)
			return rc;
		if ((rc = put_acl(rq, acl, st, true, mask & NFS_DFACL,
		    &sa->dfaclcnt, &sa->dfaclent.dfaclent_len,
		    &sa->dfaclent.dfaclent_val)) != 0)
			return rc;
	}
	return 0;
}

/* A list of the arguments as an ACL (into arena storage *out). */
static int
take_acl(struct req *rq, u_int cnt, u_int len, const aclent *val,
    struct pacl **out)
{
	int rc;

	if (cnt != len)
		return -EINVAL;		/* says one count, sends another */
	if ((*out = req_alloc_raw(rq, sizeof(**out))) == NULL)
		return -ENOMEM;
	if ((rc = pacl_from_nfs(val, len, *out)) != 0)
		log_debug(LOG_D_VFS, "SETACL from %s: not a valid ACL",
		    req_peer_str(rq));
	return rc;
}

/*
 * SETACL: the ACLs of sa onto an open object, whole or not at all. Both
 * are checked before anything is written; the access ACL goes first (it
 * may change the mode), and if the default ACL then fails, the access
 * ACL and the mode are put back as they were.
 */
static int
set_acls(struct req *rq, const struct vnode *vn, const secattr *sa)
{
	struct pacl *acl = NULL, *dfl = NULL, *old = NULL;
	struct stat st;
	char path[32];
	int rc, rc2;

	if (acls_hidden(rq))
		return -EOPNOTSUPP;
	if (sa->mask & ~(u_int)NFS_ACL_MASK)
		return -EINVAL;
	if (sa->mask & NFS_ACL)
		if ((rc = take_acl(rq, sa->aclcnt, sa->aclent.aclent_len,
		    sa->aclent.aclent_val, &acl)) != 0)
			return rc;
	if (sa->mask & NFS_DFACL)
		if ((rc = take_acl(rq, sa->dfaclcnt, sa->dfaclent.dfaclent_len,
		    sa->dfaclent.dfaclent_val, &dfl)) != 0)
			return rc;
	if (dfl != NULL && !S_ISDIR(vn->st.st_mode)) {
		if (dfl->n > 0)
			return -EACCES;	/* as the kernel's set_posix_acl() */
		dfl = NULL;		/* nothing to remove */
	}
	if (acl == NULL && dfl == NULL)
		return 0;
	if (S_ISLNK(vn->st.st_mode))
		return -EOPNOTSUPP;
	if (acl != NULL && dfl != NULL) {
		/* what to put back if the default ACL fails */
		if ((old = req_alloc_raw(rq, sizeof(*old))) == NULL)
			return -ENOMEM;
		if ((rc = read_acl(rq, vn, PACL_XATTR_ACCESS, old)) != 0 ||
		    fstat(vn->fd, &st) != 0)
			return rc != 0 ? rc : -errno;
	}
	if (acl != NULL && (rc = write_acl(rq, vn, PACL_XATTR_ACCESS, acl)) != 0)
		return rc;
	if (dfl == NULL || (rc = write_acl(rq, vn, PACL_XATTR_DEFAULT, dfl)) == 0)
		return 0;
	if (old != NULL) {
		fd_path(path, sizeof(path), vn->fd);
		if ((rc2 = write_acl(rq, vn, PACL_XATTR_ACCESS, old)) != 0 ||
		    chmod(path, st.st_mode & 07777) != 0)
			log_warnx("SETACL: the default ACL failed (%s) and the "
			    "access ACL of inode %llu could not be put back: %s",
			    strerror(-rc), (unsigned long long)st.st_ino,
			    strerror(rc2 != 0 ? -rc2 : errno));
		else
			log_debug(LOG_D_VFS, "SETACL: the default ACL failed "
			    "(%s): the access ACL of inode %llu put back",
			    strerror(-rc), (unsigned long long)st.st_ino);
	}
	return rc;
}

/* Version 3 */

enum disp
nfsacl3_proc_getacl(struct req *rq, GETACL3args *a, GETACL3res *res)
{
	struct vnode vn = VNODE_INIT;
	struct stat st;
	int rc;

	rc = vfs_open_fh(rq, a->fh.data.data_val, a->fh.data.data_len, O_PATH,
	    &vn);
	if (rc == 0 && fstat(vn.fd, &st) != 0)
		rc = -errno;
	if (rc == 0)
		rc = get_acls(rq, &vn, &st, a->mask, &res->GETACL3res_u.resok.acl);
	res->status = nfs3_stat(rc);
	/* resok and resfail both start with the post-op attributes */
	if (rc == 0) {
		res->GETACL3res_u.resok.attr.attributes_follow = TRUE;
		attr3_from_stat(&st, vn.ex,
		    &res->GETACL3res_u.resok.attr.post_op_attr_u.attributes);
	} else
		attr3_post_op(&vn, &res->GETACL3res_u.resfail.attr);
	vfs_close(&vn);
	return DISP_REPLY;
}

enum disp
nfsacl3_proc_setacl(struct req *rq, SETACL3args *a, SETACL3res *res)
{
	struct vnode vn = VNODE_INIT;
	int rc;

	rc = vfs_open_fh(rq, a->fh.data.data_val, a->fh.data.data_len, O_PATH,
	    &vn);
	if (rc == 0)
		rc = set_acls(rq, &vn, &a->acl);
	res->status = nfs3_stat(rc);
	/* resok and resfail are the same post-op attributes */
	attr3_post_op(&vn, &res->SETACL3res_u.resok.attr);
	vfs_close(&vn);
	return DISP_REPLY;
}

/* Version 2: NFS v2's handles, attributes and status codes */

enum disp
nfsacl2_proc_getacl(struct req *rq, GETACL2args *a, GETACL2res *res)
{
	struct vnode vn = VNODE_INIT;
	struct stat st;
	int rc;

	rc = vfs_open_fh(rq, a->fh, NFS_ACL2_FHSIZE, O_PATH, &vn);
	if (rc == 0 && fstat(vn.fd, &st) != 0)
		rc = -errno;
	if (rc == 0)
		rc = get_acls(rq, &vn, &st, a->mask, &res->GETACL2res_u.resok.acl);
	if (rc == 0)
		fattr2_from_stat(&st, nfs2_fsid(vn.ex, &st),
		    &res->GETACL2res_u.resok.attr);
	vfs_close(&vn);
	return nfs2_done(rc, &res->status);
}

enum disp
nfsacl2_proc_setacl(struct req *rq, SETACL2args *a, SETACL2res *res)
{
	struct vnode vn = VNODE_INIT;
	int rc;

	rc = vfs_open_fh(rq, a->fh, NFS_ACL2_FHSIZE, O_PATH, &vn);
	if (rc == 0)
		rc = set_acls(rq, &vn, &a->acl);
	if (rc == 0)
		rc = nfs2_getattr(vn.fd, vn.ex, &res->SETACL2res_u.resok.attr);
	vfs_close(&vn);
	return nfs2_done(rc, &res->status);
}

/* NFS v3's ACCESS (RFC 1813 3.3.4) for version 2 clients: the same bits. */
enum disp
nfsacl2_proc_access(struct req *rq, ACCESS2args *a, ACCESS2res *res)
{
	struct vnode vn = VNODE_INIT;
	uint32_t granted = 0;
	int rc;

	rc = vfs_open_fh(rq, a->fh, NFS_ACL2_FHSIZE, O_PATH, &vn);
	if (rc == 0)
		rc = nfsd_access_rights(rq, &vn, a->access, &granted);
	if (rc == 0)
		rc = nfs2_getattr(vn.fd, vn.ex, &res->ACCESS2res_u.resok.attr);
	res->ACCESS2res_u.resok.access = granted;
	vfs_close(&vn);
	return nfs2_done(rc, &res->status);
}
