/*
 * proc_attr.c: GETATTR, SETATTR and ACCESS (RFC 1813 3.3.1, 3.3.2, 3.3.4).
 *
 * Every change is a system call made as the caller (vfs_open_fh() leaves
 * the thread with the caller's squashed fsuid, fsgid and groups), so the
 * kernel decides who may chmod, chown, truncate or set times exactly as for
 * a local user. O_PATH descriptors take fchownat() and utimensat() with
 * AT_EMPTY_PATH (which never follow a symlink), chmod() goes through the
 * /proc/self/fd link (it lands on the object itself), and a size change
 * reopens the file for writing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nfsd/nfsd_procs.h"
#include "nfsd/sattr.h"

/* Post-op attributes from the stat taken when the handle was opened. */
static void
post_op_vn(const struct vnode *vn, post_op_attr *pa)
{
	pa->attributes_follow = TRUE;
	attr3_from_stat(&vn->st, vn->ex, &pa->post_op_attr_u.attributes);
}

/*
 * Set the size of a regular file. The caller needs write permission, as
 * for truncate(2), except that the file's owner may always change its
 * size: knfsd's owner override (NFSD_MAY_OWNER_OVERRIDE), because the
 * client checked permission when its application opened the file, and a
 * chmod since then (cp -p of a read-only file, "tar x", fchmod(fd, 0))
 * must not break writes through that open file. Only the open is made
 * with root's filesystem privileges, and only when the kernel refused it
 * with EACCES (mode bits), never for EPERM (immutable, append-only) or
 * anything else; the truncate itself runs as the caller, so the kernel
 * still applies the caller's limits (RLIMIT_FSIZE, setuid bits cleared as
 * for the owner, quotas).
 */
static int
set_size(struct req *rq, const struct vnode *vn, off_t size)
{
	int fd, rc = 0;

	fd = vfs_reopen(vn, O_WRONLY | O_NONBLOCK);
	if (fd == -EACCES && vfs_is_owner(rq, &vn->st)) {
		vfs_as_root(rq);
		fd = vfs_reopen(vn, O_WRONLY | O_NONBLOCK);
		vfs_as_caller(rq);
	}
	if (fd < 0)
		return fd;
	if (ftruncate(fd, size) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* Are all the times p sets "now" (SET_TO_SERVER_TIME)? */
static bool
server_times_only(const struct sattr_plan *p)
{
	return (!(p->what & SA_ATIME) || p->times[0].tv_nsec == UTIME_NOW) &&
	    (!(p->what & SA_MTIME) || p->times[1].tv_nsec == UTIME_NOW);
}

/*
 * Times: explicit values only for the owner; "now" for the owner or a
 * caller who may write the object, as knfsd allows (NFSD_MAY_WRITE for
 * times without ATTR_*TIME_SET). The kernel itself gives a writer "now"
 * only for both times at once: for one time alone ("touch -m"), once
 * faccessat() as the caller has granted write permission, the call is
 * made with root's filesystem privileges on the object's descriptor (no
 * path is resolved).
 */
static int
set_times(struct req *rq, const struct vnode *vn, const struct sattr_plan *p)
{
	const int fl = AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW;
	int rc = 0;

	if (utimensat(vn->fd, "", p->times, fl) == 0)
		return 0;
	rc = -errno;
	if (rc != -EPERM || !server_times_only(p) || vfs_is_owner(rq, &vn->st))
		return rc;
	if ((rc = vfs_access(rq, vn, W_OK, false)) != 0)
		return rc;	/* ACCES, as knfsd and as for both times */
	vfs_as_root(rq);
	rc = utimensat(vn->fd, "", p->times, fl) == 0 ? 0 : -errno;
	vfs_as_caller(rq);
	return rc;
}

int
sattr_apply(struct req *rq, const struct vnode *vn, const struct sattr_plan *p)
{
	char path[32];
	int rc;

	/* the order of knfsd: size on its own first, then the rest */
	if (p->what & SA_SIZE) {
		if (!S_ISREG(vn->st.st_mode))
			return S_ISDIR(vn->st.st_mode) ? -EISDIR : -EINVAL;
		if ((rc = set_size(rq, vn, p->size)) != 0)
			return rc;
	}
	/* owner before mode: chown clears setuid/setgid, the mode sent
	 * along (already sanitized by sattr_plan) is then what stays */
	if ((p->what & (SA_UID | SA_GID)) &&
	    fchownat(vn->fd, "", p->uid, p->gid,
	    AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) != 0)
		return -errno;
	if ((p->what & SA_MODE) && !S_ISLNK(vn->st.st_mode)) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", vn->fd);
		if (chmod(path, p->mode) != 0)
			return -errno;
	}
	if (p->what & (SA_ATIME | SA_MTIME))
		return set_times(rq, vn, p);
	return 0;
}

int
nfsd_commit_meta(struct req *rq, const struct vnode *vn)
{
	int fd, rc = 0;

	if (nfsd_rq(rq)->flags & EXP_F_ASYNC)
		return 0;
	if (!S_ISREG(vn->st.st_mode) && !S_ISDIR(vn->st.st_mode))
		return 0;
	if (fsync(vn->fd) == 0)		/* a real open file (CREATE's) */
		return 0;
	if (errno != EBADF)
		return -errno;
	/* fsync() wants an open file, not O_PATH; any open will do, so it
	 * is made as root (the caller may hold only w+x on a directory) */
	vfs_as_root(rq);
	fd = vfs_reopen(vn, O_RDONLY | O_NONBLOCK |
	    (S_ISDIR(vn->st.st_mode) ? O_DIRECTORY : 0));
	vfs_as_caller(rq);
	if (fd < 0)
		return fd == -ENOENT || fd == -ESTALE ? 0 : fd;	/* gone */
	if (fsync(fd) != 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* RFC 1813 3.3.1 GETATTR */
enum disp
nfsd_proc_getattr(struct req *rq, GETATTR3args *a, GETATTR3res *res)
{
	struct vnode vn = VNODE_INIT;
	int rc;

	rc = vfs_open_fh(rq, a->object.data.data_val, a->object.data.data_len,
	    O_PATH, &vn);
	if (rc == 0)
		attr3_from_stat(&vn.st, vn.ex,
		    &res->GETATTR3res_u.resok.obj_attributes);
	vfs_close(&vn);
	res->status = nfs3_stat(rc);
	return DISP_REPLY;
}

/*
 * RFC 1813 3.3.2 SETATTR. The guard compares the ctime the client saw
 * (seconds and nanoseconds) with the object's; NOT_SYNC when they differ.
 * wcc_data on success and failure alike.
 */
enum disp
nfsd_proc_setattr(struct req *rq, SETATTR3args *a, SETATTR3res *res)
{
	struct vnode vn = VNODE_INIT;
	struct sattr_plan p;
	int rc;

	rc = vfs_open_fh(rq, a->object.data.data_val, a->object.data.data_len,
	    O_PATH, &vn);
	if (rc != 0) {
		res->status = nfs3_stat(rc);
		return DISP_REPLY;
	}
	if (a->guard.check &&
	    ((uint32)vn.st.st_ctim.tv_sec != a->guard.sattrguard3_u.obj_ctime.seconds ||
	    (uint32)vn.st.st_ctim.tv_nsec != a->guard.sattrguard3_u.obj_ctime.nseconds)) {
		res->status = NFS3ERR_NOT_SYNC;
		goto out;
	}
	if ((rc = sattr_plan(&a->new_attributes, &vn.st, 0, &p)) == 0 &&
	    (rc = sattr_apply(rq, &vn, &p)) == 0 && p.what != 0)
		rc = nfsd_commit_meta(rq, &vn);
	res->status = nfs3_stat(rc);
out:
	/* resok and resfail are the same wcc_data */
	attr3_wcc(&vn.st, vn.fd, vn.ex, &res->SETATTR3res_u.resok.obj_wcc);
	vfs_close(&vn);
	return DISP_REPLY;
}

/*
 * RFC 1813 3.3.4 ACCESS: the rights the caller's real permissions give,
 * asked of the kernel (faccessat as the caller), bit by bit with knfsd's
 * map: regular files READ=r, EXECUTE=x, MODIFY/EXTEND=w; directories
 * READ=r, LOOKUP=x, MODIFY/EXTEND/DELETE=wx; other objects READ=r,
 * EXECUTE=x, MODIFY/EXTEND=w. On a read-only export files and directories
 * get no write rights (devices and fifos keep theirs: writing one does
 * not write the export, knfsd's NFSD_MAY_LOCAL_ACCESS). A refusal (EACCES,
 * EPERM, EROFS) clears a bit; any other error fails the call.
 */
struct access_map {
	uint32	bit;
	int	mode;
	bool	write;
};

static const struct access_map reg_map[] = {
	{ ACCESS3_READ,		R_OK,		false },
	{ ACCESS3_EXECUTE,	X_OK,		false },
	{ ACCESS3_MODIFY,	W_OK,		true },
	{ ACCESS3_EXTEND,	W_OK,		true },
	{ 0, 0, false }
};
static const struct access_map dir_map[] = {
	{ ACCESS3_READ,		R_OK,		false },
	{ ACCESS3_LOOKUP,	X_OK,		false },
	{ ACCESS3_MODIFY,	W_OK | X_OK,	true },
	{ ACCESS3_EXTEND,	W_OK | X_OK,	true },
	{ ACCESS3_DELETE,	W_OK | X_OK,	true },
	{ 0, 0, false }
};
static const struct access_map any_map[] = {
	{ ACCESS3_READ,		R_OK,		false },
	{ ACCESS3_EXECUTE,	X_OK,		false },
	{ ACCESS3_MODIFY,	W_OK,		false },
	{ ACCESS3_EXTEND,	W_OK,		false },
	{ 0, 0, false }
};

int
nfsd_access_rights(struct req *rq, const struct vnode *vn, uint32_t want,
    uint32_t *granted)
{
	const struct access_map *m;
	int known[8], rc;	/* by mode (R/W/X bits): 1 yes, 0 no, -1 ? */
	bool ro;
	size_t i;

	*granted = 0;
	if (S_ISREG(vn->st.st_mode))
		m = reg_map;
	else if (S_ISDIR(vn->st.st_mode))
		m = dir_map;
	else
		m = any_map;
	ro = vfs_export_ro(rq);
	for (i = 0; i < 8; i++)
		known[i] = -1;
	for (; m->bit != 0; m++) {
		if (!(want & m->bit) || (m->write && ro))
			continue;
		if (known[m->mode] < 0) {
			rc = vfs_access(rq, vn, m->mode, false);
			if (rc != 0 && rc != -EACCES && rc != -EPERM &&
			    rc != -EROFS)
				return rc;
			known[m->mode] = rc == 0;
		}
		if (known[m->mode])
			*granted |= m->bit;
	}
	return 0;
}

enum disp
nfsd_proc_access(struct req *rq, ACCESS3args *a, ACCESS3res *res)
{
	struct vnode vn = VNODE_INIT;
	uint32_t granted = 0;
	int rc;

	rc = vfs_open_fh(rq, a->object.data.data_val, a->object.data.data_len,
	    O_PATH, &vn);
	if (rc == 0)
		rc = nfsd_access_rights(rq, &vn, a->access, &granted);
	res->ACCESS3res_u.resok.access = granted;
	res->status = nfs3_stat(rc);
	/* resok and resfail both start with the post-op attributes */
	if (vn.fd >= 0)
		post_op_vn(&vn, &res->ACCESS3res_u.resok.obj_attributes);
	vfs_close(&vn);
	return DISP_REPLY;
}
