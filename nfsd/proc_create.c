/*
 * proc_create.c: CREATE, MKDIR, SYMLINK, MKNOD and LINK (RFC 1813 3.3.8 -
 * 3.3.11, 3.3.15).
 *
 * Objects are made with *at() calls on the directory's O_PATH descriptor
 * as the caller, so the kernel checks write and search permission on the
 * directory, makes the caller the owner (group by the setgid-directory
 * rule) and strips a setgid bit the caller may not set. The mode the
 * client sent goes to the create call unchanged: the daemon runs with
 * umask 0, like knfsd's threads; no mode means 0 (knfsd), the client
 * sets the real one with the SETATTR that follows. The other attributes
 * are then applied as knfsd's nfsd_create_setattr() does (owner only by
 * root, no size on a new file). On a sync export the new object and the
 * directory are committed to stable storage before the reply
 * (nfsd_commit_meta). Every reply carries the directory's wcc_data, on
 * failure too.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/fh_resolve.h"
#include "nfsd/nfsd_procs.h"
#include "nfsd/sattr.h"

static mode_t
wire_mode(const sattr3 *sa)
{
	return sa != NULL && sa->mode.set_it ?
	    (mode_t)(sa->mode.set_mode3_u.mode & 07777) : 0;
}

static unsigned
created_flags(const struct req *rq)
{
	return SA_F_CREATED |
	    (nfsd_rq(rq)->cred.uid == 0 ? SA_F_ROOT : 0);
}

/* Open the directory of a diropargs3 and check the name (".", ".." and
 * names with '/' are not made). */
static int
open_dir(struct req *rq, const diropargs3 *d, struct vnode *dir)
{
	int rc;

	rc = vfs_open_fh(rq, d->dir.data.data_val, d->dir.data.data_len,
	    O_PATH, dir);
	if (rc != 0)
		return rc;
	if (!S_ISDIR(dir->st.st_mode))
		return -ENOTDIR;
	return vfs_check_name(d->name, false);
}

/* The handle of obj for the reply. */
static int
reply_fh(struct req *rq, const struct vnode *obj, post_op_fh3 *pfh)
{
	uint8_t *fh;
	size_t len;
	int rc;

	if ((rc = vfs_make_fh(rq, obj, FH_FORM_V3, &fh, &len)) != 0)
		return rc;
	pfh->handle_follows = TRUE;
	pfh->post_op_fh3_u.handle.data.data_val = (char *)fh;
	pfh->post_op_fh3_u.handle.data.data_len = (u_int)len;
	return 0;
}

/*
 * The object just made as dir/name: open it (no following), apply the
 * rest of sa (NULL: nothing), fill the reply's handle and attributes.
 * strict: a failure to apply the attributes fails the call (knfsd does,
 * except for SYMLINK).
 */
static int
finish(struct req *rq, const struct vnode *dir, const char *name,
    const sattr3 *sa, bool strict, post_op_fh3 *pfh, post_op_attr *pa)
{
	struct vnode obj = VNODE_INIT;
	struct sattr_plan p;
	int rc;

	if ((rc = vfs_lookup(rq, dir, name, O_PATH, &obj)) != 0)
		return rc;
	if (sa != NULL) {
		rc = sattr_plan(sa, &obj.st, created_flags(rq), &p);
		if (rc == 0 && p.what != 0)
			rc = sattr_apply(rq, &obj, &p);
		if (!strict)
			rc = 0;
	}
	if (rc == 0)
		rc = nfsd_commit_meta(rq, &obj);
	if (rc == 0)
		rc = reply_fh(rq, &obj, pfh);
	if (rc == 0)
		attr3_post_op(&obj, pa);
	vfs_close(&obj);
	return rc;
}

/*
 * A vnode for the file an O_CREAT open just made (fd is owned by vn from
 * here on).
 */
static int
vnode_from_fd(const struct vnode *dir, int fd, struct vnode *vn)
{
	int rc;

	vn->fd = fd;
	vn->ex = dir->ex;
	if (fstat(fd, &vn->st) != 0)
		return -errno;
	if ((rc = fh_from_fd(fd, &vn->kh, NULL)) != 0)
		return rc;
	return 0;
}

/*
 * RFC 1813 3.3.8 CREATE.
 *  UNCHECKED: create, or use the existing regular file, of which only the
 *	size is set (knfsd); an existing object of another type is answered
 *	with its handle and attributes, untouched (knfsd: the client then
 *	fails the open with EISDIR etc., as a local open would).
 *  GUARDED: EXIST if the name exists.
 *  EXCLUSIVE: the verifier goes into the new file's times (sattr.h); a
 *	retransmission finding its own file (same verifier, still empty)
 *	succeeds with that file, anything else there is EXIST.
 */
enum disp
nfsd_proc_create(struct req *rq, CREATE3args *a, CREATE3res *res)
{
	CREATE3resok *ok = &res->CREATE3res_u.resok;
	const char *name = a->where.name;
	const sattr3 *sa = a->how.mode == EXCLUSIVE ? NULL :
	    &a->how.createhow3_u.obj_attributes;
	struct vnode dir = VNODE_INIT, obj = VNODE_INIT;
	struct sattr_plan p;
	struct timespec ts[2];
	bool created = false, changed;
	int rc, fd, tries;

	if ((rc = open_dir(rq, &a->where, &dir)) != 0)
		goto out;
	if (a->how.mode != UNCHECKED && a->how.mode != GUARDED &&
	    a->how.mode != EXCLUSIVE) {
		rc = -EINVAL;
		goto out;
	}
	for (tries = 0;; tries++) {
		fd = openat(dir.fd, name, O_CREAT | O_EXCL | O_RDONLY |
		    O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, wire_mode(sa));
		if (fd >= 0) {
			created = true;
			rc = vnode_from_fd(&dir, fd, &obj);
			break;
		}
		rc = -errno;
		if (rc != -EEXIST || a->how.mode == GUARDED)
			break;
		rc = vfs_lookup(rq, &dir, name, O_PATH, &obj);
		if (rc != -ENOENT || tries > 0)
			break;		/* else removed meanwhile: again */
	}
	if (rc != 0)
		goto out;

	changed = created;
	if (a->how.mode == EXCLUSIVE) {
		if (created) {
			createverf_times(a->how.createhow3_u.verf, ts);
			if (utimensat(obj.fd, "", ts, AT_EMPTY_PATH) != 0)
				rc = -errno;
		} else if (!createverf_match(a->how.createhow3_u.verf, &obj.st))
			rc = -EEXIST;
	} else if (created) {
		rc = sattr_plan(sa, &obj.st, created_flags(rq), &p);
		if (rc == 0 && p.what != 0)
			rc = sattr_apply(rq, &obj, &p);
	} else if (S_ISREG(obj.st.st_mode) && sa->size.set_it) {
		sattr3 only_size;

		memset(&only_size, 0, sizeof(only_size));
		only_size.size = sa->size;
		rc = sattr_plan(&only_size, &obj.st, 0, &p);
		if (rc == 0)
			rc = sattr_apply(rq, &obj, &p);
		changed = true;
	}
	if (rc == 0 && changed && (rc = nfsd_commit_meta(rq, &obj)) == 0)
		rc = nfsd_commit_meta(rq, &dir);
	if (rc == 0 && (rc = reply_fh(rq, &obj, &ok->obj)) == 0)
		attr3_post_op(&obj, &ok->obj_attributes);
out:
	res->status = nfs3_stat(rc);
	if (dir.fd >= 0) {
		/* resok and resfail: dir_wcc at different places */
		attr3_wcc(&dir.st, dir.fd, dir.ex, rc == 0 ? &ok->dir_wcc :
		    &res->CREATE3res_u.resfail.dir_wcc);
	}
	vfs_close(&obj);
	vfs_close(&dir);
	return DISP_REPLY;
}

/* RFC 1813 3.3.9 MKDIR */
enum disp
nfsd_proc_mkdir(struct req *rq, MKDIR3args *a, MKDIR3res *res)
{
	MKDIR3resok *ok = &res->MKDIR3res_u.resok;
	struct vnode dir = VNODE_INIT;
	int rc;

	if ((rc = open_dir(rq, &a->where, &dir)) != 0)
		goto out;
	if (mkdirat(dir.fd, a->where.name, wire_mode(&a->attributes)) != 0)
		rc = -errno;
	else
		rc = finish(rq, &dir, a->where.name, &a->attributes, true,
		    &ok->obj, &ok->obj_attributes);
	if (rc == 0)
		rc = nfsd_commit_meta(rq, &dir);
out:
	res->status = nfs3_stat(rc);
	if (dir.fd >= 0)
		attr3_wcc(&dir.st, dir.fd, dir.ex, rc == 0 ? &ok->dir_wcc :
		    &res->MKDIR3res_u.resfail.dir_wcc);
	vfs_close(&dir);
	return DISP_REPLY;
}

/*
 * RFC 1813 3.3.10 SYMLINK: the target is stored as sent, never looked
 * at (it is the client's to resolve). A symlink has no mode of its own;
 * owner (root only) and times are applied, a failure there ignored, as
 * knfsd does.
 */
enum disp
nfsd_proc_symlink(struct req *rq, SYMLINK3args *a, SYMLINK3res *res)
{
	SYMLINK3resok *ok = &res->SYMLINK3res_u.resok;
	const char *target = a->symlink.symlink_data;
	struct vnode dir = VNODE_INIT;
	int rc;

	if ((rc = open_dir(rq, &a->where, &dir)) != 0)
		goto out;
	if (target == NULL || target[0] == '\0')
		rc = -EINVAL;
	else if (symlinkat(target, dir.fd, a->where.name) != 0)
		rc = -errno;
	else
		rc = finish(rq, &dir, a->where.name,
		    &a->symlink.symlink_attributes, false, &ok->obj,
		    &ok->obj_attributes);
	if (rc == 0)
		rc = nfsd_commit_meta(rq, &dir);
out:
	res->status = nfs3_stat(rc);
	if (dir.fd >= 0)
		attr3_wcc(&dir.st, dir.fd, dir.ex, rc == 0 ? &ok->dir_wcc :
		    &res->SYMLINK3res_u.resfail.dir_wcc);
	vfs_close(&dir);
	return DISP_REPLY;
}

/*
 * RFC 1813 3.3.11 MKNOD: character and block devices (the kernel wants
 * CAP_MKNOD: root on a no_root_squash export, else PERM), sockets and
 * fifos. Regular files, directories and symlinks have their own
 * procedures: BADTYPE. A device number the kernel cannot hold (major over
 * 12 bits, minor over 20) is INVAL, as in knfsd.
 */
enum disp
nfsd_proc_mknod(struct req *rq, MKNOD3args *a, MKNOD3res *res)
{
	MKNOD3resok *ok = &res->MKNOD3res_u.resok;
	const sattr3 *sa = NULL;
	struct vnode dir = VNODE_INIT;
	mode_t type = 0;
	dev_t dev = 0;
	uint32 maj, min;
	int rc;

	if ((rc = open_dir(rq, &a->where, &dir)) != 0)
		goto out;
	switch (a->what.type) {
	case NF3CHR:
	case NF3BLK:
		type = a->what.type == NF3CHR ? S_IFCHR : S_IFBLK;
		sa = &a->what.mknoddata3_u.device.dev_attributes;
		maj = a->what.mknoddata3_u.device.spec.specdata1;
		min = a->what.mknoddata3_u.device.spec.specdata2;
		if (maj > 0xfff || min > 0xfffff) {
			rc = -EINVAL;
			goto out;
		}
		dev = makedev(maj, min);
		break;
	case NF3SOCK:
	case NF3FIFO:
		type = a->what.type == NF3SOCK ? S_IFSOCK : S_IFIFO;
		sa = &a->what.mknoddata3_u.pipe_attributes;
		break;
	default:
		res->status = NFS3ERR_BADTYPE;
		goto wcc;
	}
	if (mknodat(dir.fd, a->where.name, type | wire_mode(sa), dev) != 0)
		rc = -errno;
	else
		rc = finish(rq, &dir, a->where.name, sa, true, &ok->obj,
		    &ok->obj_attributes);
	if (rc == 0)
		rc = nfsd_commit_meta(rq, &dir);
out:
	res->status = nfs3_stat(rc);
wcc:
	if (dir.fd >= 0)
		attr3_wcc(&dir.st, dir.fd, dir.ex,
		    res->status == NFS3_OK ? &ok->dir_wcc :
		    &res->MKNOD3res_u.resfail.dir_wcc);
	vfs_close(&dir);
	return DISP_REPLY;
}

/*
 * RFC 1813 3.3.15 LINK: a new name for a non-directory, in a directory of
 * the same export (else XDEV). linkat() with AT_EMPTY_PATH would need
 * CAP_DAC_READ_SEARCH, which the caller does not have; the /proc/self/fd
 * link with AT_SYMLINK_FOLLOW names the same inode (a symlink included)
 * and keeps the kernel's checks as the caller, fs.protected_hardlinks
 * among them (knfsd's vfs_link() skips that one: here a user cannot link
 * a file it neither owns nor may read and write, as locally).
 */
enum disp
nfsd_proc_link(struct req *rq, LINK3args *a, LINK3res *res)
{
	LINK3resok *ok = &res->LINK3res_u.resok;
	struct vnode file = VNODE_INIT, dir = VNODE_INIT;
	char path[32];
	int rc;

	rc = vfs_open_fh(rq, a->file.data.data_val, a->file.data.data_len,
	    O_PATH, &file);
	if (rc != 0)
		goto out;
	rc = vfs_open_fh2(rq, a->link.dir.data.data_val,
	    a->link.dir.data.data_len, O_PATH, &file, &dir);
	if (rc != 0)
		goto out;
	if (S_ISDIR(file.st.st_mode))
		rc = -EISDIR;
	else if (!S_ISDIR(dir.st.st_mode))
		rc = -ENOTDIR;
	else if ((rc = vfs_check_name(a->link.name, false)) == 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", file.fd);
		if (linkat(AT_FDCWD, path, dir.fd, a->link.name,
		    AT_SYMLINK_FOLLOW) != 0)
			rc = -errno;
		else if ((rc = nfsd_commit_meta(rq, &dir)) == 0)
			rc = nfsd_commit_meta(rq, &file);
	}
out:
	res->status = nfs3_stat(rc);
	/* resok and resfail are laid out alike */
	if (file.fd >= 0)
		attr3_post_op(&file, &ok->file_attributes);
	if (dir.fd >= 0)
		attr3_wcc(&dir.st, dir.fd, dir.ex, &ok->linkdir_wcc);
	vfs_close(&dir);
	vfs_close(&file);
	return DISP_REPLY;
}
