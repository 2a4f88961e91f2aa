/*
 * nfs2_proc.c: the NFSv2 procedures (RFC 1094 2.2) but READDIR
 * (nfs2_dir.c), on the vfs layer directly: vfs_open_fh() with the raw
 * 32-byte handle admits the caller exactly as for v3 (export, client
 * address, port, flavour, squash, ro) and leaves the thread running as the
 * caller, so every *at() call below is permission-checked by the kernel.
 *
 * Where v2 differs from v3, this follows knfsd (fs/nfsd/nfsproc.c):
 *  - A result handle that cannot be made 32 bytes long (the kernel handle
 *    is over FH_V2_KHANDLE_MAX bytes: vfs_make_fh returns -EOVERFLOW) is
 *    NFS2ERR_OPNOTSUPP, as knfsd's fh_compose fails with opnotsupp: the
 *    object exists (STALE would send the client into re-lookups), but this
 *    filesystem cannot be served over v2.
 *  - READ and WRITE use 32-bit offsets. READ returns at most NFS2_MAXDATA
 *    bytes. A WRITE whose end would pass 2^32 - 1 is NFSERR_FBIG (no fattr2
 *    could show the file's size). WRITE is always stable (O_DSYNC, as
 *    knfsd's IOCB_DSYNC). READ/WRITE of a directory or any non-regular
 *    file is NFSERR_ISDIR (the Solaris convention knfsd keeps).
 *  - READ may read a file the caller can only execute, and the owner may
 *    read and write his own file whatever its mode bits (knfsd's
 *    READ_IF_EXEC and OWNER_OVERRIDE: the client checked at open time).
 *  - CREATE is overloaded (the "gospel of Sun"): the sattr2 mode's type
 *    bits make devices, FIFOs (NFCHR without a size) and sockets; on an
 *    existing regular file only the size is applied (open(O_CREAT|
 *    O_TRUNC)); uid/gid in creation attributes are honoured for root only.
 *  - The touch(1) heuristic of SETATTR: both times set to the same second
 *    within 30 minutes of now, refused for a non-owner, becomes "now".
 *  - "." and ".." are refused: EXIST for CREATE, MKDIR, SYMLINK, LINK;
 *    ACCES for REMOVE, RMDIR; PERM for RENAME.
 *  - Retry-later conditions (v3 JUKEBOX) drop the reply (nfs2_done()).
 */
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nfsd/nfs2.h"
#include "nfsd/ofcache.h"
#include "nfsd/webnfs.h"

#define TOUCH_WINDOW	(30 * 60)	/* seconds, knfsd's MAX_TOUCH_TIME_ERROR */

static int
open_fh(struct req *rq, const char *fh, struct vnode *vn)
{
	return vfs_open_fh(rq, fh, NFS2_FHSIZE, O_PATH, vn);
}

/* The 32-byte handle of vn into out. */
static int
make_fh(struct req *rq, const struct vnode *vn, char *out)
{
	uint8_t *fh;
	size_t len;
	int rc;

	if ((rc = vfs_make_fh(rq, vn, FH_FORM_V2, &fh, &len)) != 0)
		return rc == -EOVERFLOW ? -EOPNOTSUPP : rc;
	if (len != NFS2_FHSIZE)
		return -EOPNOTSUPP;
	memcpy(out, fh, NFS2_FHSIZE);
	return 0;
}

int
nfs2_getattr(int fd, const struct exp_live_export *ex, fattr2 *fa)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return -errno;
	fattr2_from_stat(&st, nfs2_fsid(ex, &st), fa);
	return 0;
}

static void
proc_path(char *buf, size_t len, int fd)
{
	snprintf(buf, len, "/proc/self/fd/%d", fd);
}

static bool
caller_is_root(const struct req *rq)
{
	return nfsd_rq(rq)->cred.uid == 0;
}

/*
 * An fd for READ (write false) or WRITE/truncate of a regular file, opened
 * as the caller; failing that with EACCES, as root when knfsd would allow
 * it: the owner (OWNER_OVERRIDE) or, for reading, a caller who may
 * execute it (READ_IF_EXEC).
 */
static int
open_io(struct req *rq, const struct vnode *vn, int flags)
{
	bool write = (flags & O_ACCMODE) != O_RDONLY;
	int fd;

	fd = vfs_reopen(vn, flags);
	if (fd != -EACCES || !S_ISREG(vn->st.st_mode))
		return fd;
	if (!vfs_is_owner(rq, &vn->st) &&
	    (write || vfs_access(rq, vn, X_OK, false) != 0))
		return fd;
	vfs_as_root(rq);
	fd = vfs_reopen(vn, flags);
	vfs_as_caller(rq);
	return fd;
}

/* READ/WRITE only regular files: others are ISDIR (Solaris, knfsd). */
static int
check_io_type(const struct vnode *vn)
{
	return S_ISREG(vn->st.st_mode) ? 0 : -EISDIR;
}

static int
set_times(const struct vnode *vn, const struct nfs2_sattr *sa)
{
	struct timespec ts[2];
	time_t now;

	ts[0].tv_sec = ts[1].tv_sec = 0;
	ts[0].tv_nsec = ts[1].tv_nsec = UTIME_OMIT;
	if (sa->set & SA2_ATIME)
		ts[0] = sa->atime;
	if (sa->set & SA2_MTIME)
		ts[1] = sa->mtime;
	if (utimensat(vn->fd, "", ts, AT_EMPTY_PATH) == 0)
		return 0;
	if (errno != EPERM)
		return -errno;
	/*
	 * knfsd's touch heuristic: v2 cannot say "set to now", which needs
	 * only write access, so a non-owner's touch arrives as both times
	 * set to the client's clock. Both explicit, the same second, near
	 * our clock: try "now".
	 */
	now = time(NULL);
	if ((sa->set & (SA2_ATIME | SA2_MTIME)) != (SA2_ATIME | SA2_MTIME) ||
	    sa->atime.tv_nsec == UTIME_NOW || sa->mtime.tv_nsec == UTIME_NOW ||
	    sa->atime.tv_sec != sa->mtime.tv_sec ||
	    sa->atime.tv_sec - now >= TOUCH_WINDOW ||
	    now - sa->atime.tv_sec >= TOUCH_WINDOW)
		return -EPERM;
	ts[0].tv_nsec = ts[1].tv_nsec = UTIME_NOW;
	return utimensat(vn->fd, "", ts, AT_EMPTY_PATH) == 0 ? 0 : -errno;
}

/*
 * Apply a decoded sattr2 to vn as the caller: size, owner, mode, times
 * in that order (times last, so a truncate does not undo them). As knfsd:
 * an unchanged uid/gid is not a chown (which would clear set-id bits);
 * a chown of a non-directory clears the set-id bits of a mode set with
 * it; a symlink's mode is ignored; a size on a non-regular file other than
 * a directory is ignored.
 */
static int
apply_sattr(struct req *rq, struct vnode *vn, const struct nfs2_sattr *sa0)
{
	struct nfs2_sattr sa = *sa0;
	char path[32];
	int fd, rc = 0;

	if (sa.set & SA2_SIZE) {
		if (S_ISDIR(vn->st.st_mode))
			return -EISDIR;
		if (S_ISREG(vn->st.st_mode)) {
			if ((fd = open_io(rq, vn, O_WRONLY)) < 0)
				return fd;
			if (ftruncate(fd, (off_t)sa.size) != 0)
				rc = -errno;
			close(fd);
			if (rc != 0)
				return rc;
		}
	}
	if ((sa.set & SA2_UID) && sa.uid == vn->st.st_uid)
		sa.set &= ~SA2_UID;
	if ((sa.set & SA2_GID) && sa.gid == vn->st.st_gid)
		sa.set &= ~SA2_GID;
	if (sa.set & (SA2_UID | SA2_GID)) {
		if (fchownat(vn->fd, "", (sa.set & SA2_UID) ? sa.uid : (uid_t)-1,
		    (sa.set & SA2_GID) ? sa.gid : (gid_t)-1, AT_EMPTY_PATH) != 0)
			return -errno;
		if ((sa.set & SA2_MODE) && !S_ISDIR(vn->st.st_mode)) {
			sa.mode &= ~(mode_t)S_ISGID;
			if (sa.mode & (S_IXUSR | S_IXGRP | S_IXOTH))
				sa.mode &= ~(mode_t)S_ISUID;
		}
	}
	if ((sa.set & SA2_MODE) && !S_ISLNK(vn->st.st_mode)) {
		proc_path(path, sizeof(path), vn->fd);
		if (chmod(path, sa.mode & 07777) != 0)
			return -errno;
	}
	if (sa.set & (SA2_ATIME | SA2_MTIME))
		return set_times(vn, &sa);
	return 0;
}

/* Attributes given at creation: uid/gid for root only; a size only for
 * a regular file, and not 0 (it is new, so empty). */
static void
creation_attrs(struct req *rq, const struct vnode *vn, struct nfs2_sattr *sa)
{
	if (!caller_is_root(rq))
		sa->set &= ~(SA2_UID | SA2_GID);
	if (!S_ISREG(vn->st.st_mode) || sa->size == 0)
		sa->set &= ~SA2_SIZE;
}

/*
 * After creating name in dir: its vnode, the creation attributes applied,
 * and the diropres. The mode was given to the create call; set it again
 * only if the process umask took bits away (keeping a set-gid bit a
 * directory inherited).
 */
static int
created(struct req *rq, const struct vnode *dir, const char *name,
    mode_t perm, const struct nfs2_sattr *sa0, diropres2 *res)
{
	struct nfs2_sattr sa = *sa0;
	struct vnode vn = VNODE_INIT;
	int rc;

	if ((rc = vfs_lookup(rq, dir, name, O_PATH, &vn)) != 0)
		return rc;
	creation_attrs(rq, &vn, &sa);
	sa.set &= ~SA2_MODE;
	if (!S_ISLNK(vn.st.st_mode) && (vn.st.st_mode & 0777) != (perm & 0777)) {
		sa.set |= SA2_MODE;
		sa.mode = (perm & 07777) | (vn.st.st_mode & S_ISGID);
	}
	if (sa.set != 0)
		rc = apply_sattr(rq, &vn, &sa);
	if (rc == 0 && res != NULL)
		rc = make_fh(rq, &vn, res->diropres2_u.diropok.file);
	if (rc == 0 && res != NULL)
		rc = nfs2_getattr(vn.fd, vn.ex, &res->diropres2_u.diropok.attributes);
	vfs_close(&vn);
	return rc;
}

/* RFC 1094 2.2.1 */
enum disp
nfsd2_proc_null(struct req *rq, void *a, void *r)
{
	(void)rq;
	(void)a;
	(void)r;
	return DISP_REPLY;
}

/* RFC 1094 2.2.2 */
enum disp
nfsd2_proc_getattr(struct req *rq, char *fh, attrstat2 *res)
{
	struct vnode vn = VNODE_INIT;
	int rc;

	if ((rc = open_fh(rq, fh, &vn)) == 0)
		rc = nfs2_getattr(vn.fd, vn.ex, &res->attrstat2_u.attributes);
	vfs_close(&vn);
	return nfs2_done(rc, &res->status);
}

/* RFC 1094 2.2.3 */
enum disp
nfsd2_proc_setattr(struct req *rq, sattrargs2 *a, attrstat2 *res)
{
	struct vnode vn = VNODE_INIT;
	struct nfs2_sattr sa;
	int rc;

	if ((rc = sattr2_decode(&a->attributes, &sa)) != 0)
		goto out;
	if ((rc = open_fh(rq, a->file, &vn)) != 0)
		goto out;
	if ((rc = apply_sattr(rq, &vn, &sa)) == 0)
		rc = nfs2_getattr(vn.fd, vn.ex, &res->attrstat2_u.attributes);
out:
	vfs_close(&vn);
	return nfs2_done(rc, &res->status);
}

/* RFC 1094 2.2.4: obsolete (MOUNT gives the root handle); a no-op. */
enum disp
nfsd2_proc_root(struct req *rq, void *a, void *r)
{
	return nfsd2_proc_null(rq, a, r);
}

/* RFC 1094 2.2.5 */
enum disp
nfsd2_proc_lookup(struct req *rq, diropargs2 *a, diropres2 *res)
{
	struct vnode dir = VNODE_INIT, vn = VNODE_INIT;
	diropokres2 *ok = &res->diropres2_u.diropok;
	int rc;

	if (webnfs_is_public_fh(rq->prog, rq->vers, a->dir, NFS2_FHSIZE))
		rc = webnfs_lookup(rq, a->name, &dir, &vn);	/* RFC 2055 */
	else if ((rc = open_fh(rq, a->dir, &dir)) == 0)
		rc = vfs_lookup(rq, &dir, a->name, O_PATH, &vn);
	if (rc != 0)
		goto out;
	if ((rc = make_fh(rq, &vn, ok->file)) == 0)
		fattr2_from_stat(&vn.st, nfs2_fsid(vn.ex, &vn.st), &ok->attributes);
out:
	vfs_close(&vn);
	vfs_close(&dir);
	return nfs2_done(rc, &res->status);
}

/* RFC 1094 2.2.6 */
enum disp
nfsd2_proc_readlink(struct req *rq, char *fh, readlinkres2 *res)
{
	struct vnode vn = VNODE_INIT;
	char *buf;
	ssize_t n;
	int rc;

	if ((rc = open_fh(rq, fh, &vn)) != 0)
		goto out;
	if (!S_ISLNK(vn.st.st_mode)) {
		rc = -EINVAL;
		goto out;
	}
	if ((buf = req_alloc(rq, NFS2_MAXPATHLEN + 2)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	if ((n = readlinkat(vn.fd, "", buf, NFS2_MAXPATHLEN + 1)) < 0)
		rc = -errno;
	else if (n > NFS2_MAXPATHLEN)
		rc = -ENAMETOOLONG;
	else {
		buf[n] = '\0';
		res->readlinkres2_u.data = buf;
	}
out:
	vfs_close(&vn);
	return nfs2_done(rc, &res->status);
}

/* RFC 1094 2.2.7 */
enum disp
nfsd2_proc_read(struct req *rq, readargs2 *a, readres2 *res)
{
	struct vnode vn = VNODE_INIT;
	readokres2 *ok = &res->readres2_u.readok;
	uint32_t count = a->count > NFS2_MAXDATA ? NFS2_MAXDATA : a->count;
	char *buf = NULL;
	ssize_t n = 0;
	int fd = -1, rc;

	if ((rc = open_fh(rq, a->file, &vn)) != 0 ||
	    (rc = check_io_type(&vn)) != 0)
		goto out;
	if ((fd = open_io(rq, &vn, O_RDONLY)) < 0) {
		rc = fd;
		goto out;
	}
	if (count > 0 && (buf = req_alloc_raw(rq, count)) == NULL) {
		rc = -ENOMEM;
		goto out;
	}
	while ((uint32_t)n < count) {
		ssize_t r = pread(fd, buf + n, count - (size_t)n,
		    (off_t)a->offset + n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -errno;
			goto out;
		}
		if (r == 0)
			break;
		n += r;
	}
	ok->data.data_len = (u_int)n;
	ok->data.data_val = buf;
	req_set_zerocopy(rq, buf, (size_t)n);
	rc = nfs2_getattr(fd, vn.ex, &ok->attributes);
out:
	if (fd >= 0)
		close(fd);
	vfs_close(&vn);
	return nfs2_done(rc, &res->status);
}

/* RFC 1094 2.2.8: reserved, never used; a no-op. */
enum disp
nfsd2_proc_writecache(struct req *rq, void *a, void *r)
{
	return nfsd2_proc_null(rq, a, r);
}

/* RFC 1094 2.2.9: the data is on stable storage before the reply. */
enum disp
nfsd2_proc_write(struct req *rq, writeargs2 *a, attrstat2 *res)
{
	struct vnode vn = VNODE_INIT;
	size_t done = 0, len = a->data.data_len;
	int fd = -1, rc;

	if ((rc = open_fh(rq, a->file, &vn)) != 0 ||
	    (rc = check_io_type(&vn)) != 0)
		goto out;
	if ((uint64_t)a->offset + len > UINT32_MAX) {
		rc = -EFBIG;	/* the size would not fit a fattr2 */
		goto out;
	}
	if ((fd = open_io(rq, &vn, O_WRONLY | O_DSYNC)) < 0) {
		rc = fd;
		goto out;
	}
	while (done < len) {
		ssize_t w = pwrite(fd, a->data.data_val + done, len - done,
		    (off_t)a->offset + (off_t)done);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			rc = -errno;
			goto out;
		}
		if (w == 0) {
			rc = -ENOSPC;
			goto out;
		}
		done += (size_t)w;
	}
	rc = nfs2_getattr(fd, vn.ex, &res->attrstat2_u.attributes);
out:
	if (fd >= 0)
		close(fd);
	vfs_close(&vn);
	return nfs2_done(rc, &res->status);
}

/*
 * CREATE's type and device from the sattr2 mode and size, and the object
 * already there (ex: NULL if none), as knfsd's nfsd_proc_create.
 */
static int
create_type(struct req *rq, const struct vnode *dir, const char *name,
    struct nfs2_sattr *sa, const struct stat *ex, mode_t *typep,
    mode_t *permp, dev_t *rdevp)
{
	mode_t type, perm;
	dev_t rdev = 0;
	bool have_size = (sa->set & SA2_SIZE) != 0;

	if (sa->set & SA2_MODE) {
		type = sa->mode & S_IFMT;
		perm = sa->mode & 07777;
		if (type == 0 && ex == NULL)
			type = S_IFREG;
		else if (type == 0) {
			type = ex->st_mode & S_IFMT;
			if (S_ISCHR(type) || S_ISBLK(type)) {
				rdev = ex->st_rdev;
				have_size = true;
			}
			if (S_ISCHR(type) || S_ISBLK(type) || S_ISFIFO(type)) {
				/* IRIX checks "echo > /dev/x" this way */
				if (faccessat(dir->fd, name, W_OK,
				    AT_EACCESS | AT_SYMLINK_NOFOLLOW) != 0 &&
				    errno != EROFS)
					return -errno;
			}
		}
	} else if (ex != NULL) {
		type = ex->st_mode & S_IFMT;
		perm = ex->st_mode & 07777;
	} else {
		type = S_IFREG;
		perm = 0;
	}
	if (type != S_IFREG) {
		if (type != S_IFBLK && type != S_IFCHR)
			rdev = 0;
		else if (type == S_IFCHR && !have_size)
			type = S_IFIFO;		/* Sun: NFCHR without a size */
		else if (rdev == 0)
			rdev = nfs2_decode_dev(sa->size);
		sa->set &= ~SA2_SIZE;		/* it was the device number */
		if (ex != NULL && (ex->st_mode & S_IFMT) != type)
			return -EEXIST;
	}
	(void)rq;
	*typep = type;
	*permp = perm;
	*rdevp = rdev;
	return 0;
}

/* RFC 1094 2.2.10 */
enum disp
nfsd2_proc_create(struct req *rq, createargs2 *a, diropres2 *res)
{
	struct vnode dir = VNODE_INIT, vn = VNODE_INIT;
	struct nfs2_sattr sa;
	struct stat st;
	const struct stat *ex = NULL;
	mode_t type, perm;
	dev_t rdev;
	int fd, rc;

	if ((rc = sattr2_decode(&a->attributes, &sa)) != 0)
		goto out;
	if ((rc = open_fh(rq, a->where.dir, &dir)) != 0)
		goto out;
	if (!S_ISDIR(dir.st.st_mode)) {
		rc = -ENOTDIR;
		goto out;
	}
	if ((rc = vfs_check_name(a->where.name, false)) != 0)
		goto out;
	if (fstatat(dir.fd, a->where.name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		ex = &st;
	else if (errno != ENOENT) {
		rc = -errno;
		goto out;
	}
	if ((rc = create_type(rq, &dir, a->where.name, &sa, ex, &type, &perm,
	    &rdev)) != 0)
		goto out;
	if (ex == NULL) {
		if (S_ISREG(type)) {
			fd = openat(dir.fd, a->where.name, O_CREAT | O_EXCL |
			    O_WRONLY | O_NOFOLLOW | O_CLOEXEC, perm);
			if (fd >= 0)
				close(fd);
			rc = fd < 0 ? -errno : 0;
		} else if (S_ISDIR(type))
			rc = mkdirat(dir.fd, a->where.name, perm) == 0 ? 0 : -errno;
		else if (S_ISCHR(type) || S_ISBLK(type) || S_ISFIFO(type) ||
		    S_ISSOCK(type))
			rc = mknodat(dir.fd, a->where.name, type | perm, rdev) == 0 ?
			    0 : -errno;
		else
			rc = -EINVAL;	/* symlinks have their procedure */
		if (rc == 0)
			rc = created(rq, &dir, a->where.name, perm, &sa, res);
		goto out;
	}
	/* it exists: as open(O_CREAT | O_TRUNC), only the size counts */
	if ((rc = vfs_lookup(rq, &dir, a->where.name, O_PATH, &vn)) != 0)
		goto out;
	if (S_ISREG(type) && (sa.set & SA2_SIZE)) {
		sa.set = SA2_SIZE;
		if ((rc = apply_sattr(rq, &vn, &sa)) != 0)
			goto out;
	}
	if ((rc = make_fh(rq, &vn, res->diropres2_u.diropok.file)) == 0)
		rc = nfs2_getattr(vn.fd, vn.ex, &res->diropres2_u.diropok.attributes);
out:
	vfs_close(&vn);
	vfs_close(&dir);
	return nfs2_done(rc, &res->status);
}

/* Open dir handle fh and check name (dots: -dots_err). */
static int
open_dir_name(struct req *rq, const char *fh, const char *name, int dots_err,
    struct vnode *dir)
{
	int rc;

	if ((rc = open_fh(rq, fh, dir)) != 0)
		return rc;
	if (!S_ISDIR(dir->st.st_mode))
		return -ENOTDIR;
	rc = vfs_check_name(name, false);
	return rc == -EEXIST ? dots_err : rc;
}

/* A removed or replaced name: if it was the object's last, the caches let
 * it go now (see proc_remove.c). */
static void
forget(struct req *rq, const struct stat *st)
{
	vfs_forget(rq, st->st_dev, st->st_ino);
}

/* RFC 1094 2.2.11 */
enum disp
nfsd2_proc_remove(struct req *rq, diropargs2 *a, nfsstat2 *res)
{
	struct vnode dir = VNODE_INIT;
	struct stat st;
	bool have;
	int rc;

	if ((rc = open_dir_name(rq, a->dir, a->name, -EACCES, &dir)) != 0)
		goto out;
	have = fstatat(dir.fd, a->name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (unlinkat(dir.fd, a->name, 0) != 0)
		rc = -errno;
	else if (have)
		forget(rq, &st);
out:
	vfs_close(&dir);
	return nfs2_done(rc, res);
}

/* RFC 1094 2.2.12 */
enum disp
nfsd2_proc_rename(struct req *rq, renameargs2 *a, nfsstat2 *res)
{
	struct vnode from = VNODE_INIT, to = VNODE_INIT;
	struct stat st;
	bool have;
	int rc;

	if ((rc = open_dir_name(rq, a->from.dir, a->from.name, -EPERM,
	    &from)) != 0)
		goto out;
	if ((rc = vfs_open_fh2(rq, a->to.dir, NFS2_FHSIZE, O_PATH, &from,
	    &to)) != 0)
		goto out;
	if (!S_ISDIR(to.st.st_mode)) {
		rc = -ENOTDIR;
		goto out;
	}
	if ((rc = vfs_check_name(a->to.name, false)) != 0) {
		rc = rc == -EEXIST ? -EPERM : rc;
		goto out;
	}
	have = fstatat(to.fd, a->to.name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (renameat(from.fd, a->from.name, to.fd, a->to.name) != 0)
		rc = -errno;
	else if (have)
		forget(rq, &st);
out:
	vfs_close(&to);
	vfs_close(&from);
	return nfs2_done(rc, res);
}

/* RFC 1094 2.2.13 */
enum disp
nfsd2_proc_link(struct req *rq, linkargs2 *a, nfsstat2 *res)
{
	struct vnode from = VNODE_INIT, dir = VNODE_INIT;
	char path[32];
	int rc;

	if ((rc = open_fh(rq, a->from, &from)) != 0)
		goto out;
	if ((rc = vfs_open_fh2(rq, a->to.dir, NFS2_FHSIZE, O_PATH, &from,
	    &dir)) != 0)
		goto out;
	if (!S_ISDIR(dir.st.st_mode)) {
		rc = -ENOTDIR;
		goto out;
	}
	if ((rc = vfs_check_name(a->to.name, false)) != 0)
		goto out;
	/* through /proc: linkat(AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH */
	proc_path(path, sizeof(path), from.fd);
	if (linkat(AT_FDCWD, path, dir.fd, a->to.name, AT_SYMLINK_FOLLOW) != 0)
		rc = -errno;
out:
	vfs_close(&dir);
	vfs_close(&from);
	return nfs2_done(rc, res);
}

/* RFC 1094 2.2.14 */
enum disp
nfsd2_proc_symlink(struct req *rq, symlinkargs2 *a, nfsstat2 *res)
{
	struct vnode dir = VNODE_INIT;
	struct nfs2_sattr sa;
	int rc;

	if ((rc = sattr2_decode(&a->attributes, &sa)) != 0)
		goto out;
	if ((rc = open_dir_name(rq, a->from.dir, a->from.name, -EEXIST,
	    &dir)) != 0)
		goto out;
	if (symlinkat(a->to, dir.fd, a->from.name) != 0) {
		rc = -errno;
		goto out;
	}
	sa.set &= ~(SA2_MODE | SA2_SIZE);	/* a symlink's mode is 0777 */
	rc = created(rq, &dir, a->from.name, 0777, &sa, NULL);
out:
	vfs_close(&dir);
	return nfs2_done(rc, res);
}

/* RFC 1094 2.2.15 */
enum disp
nfsd2_proc_mkdir(struct req *rq, createargs2 *a, diropres2 *res)
{
	struct vnode dir = VNODE_INIT;
	struct nfs2_sattr sa;
	mode_t perm;
	int rc;

	if ((rc = sattr2_decode(&a->attributes, &sa)) != 0)
		goto out;
	if ((rc = open_dir_name(rq, a->where.dir, a->where.name, -EEXIST,
	    &dir)) != 0)
		goto out;
	sa.set &= ~SA2_SIZE;
	perm = (sa.set & SA2_MODE) ? sa.mode & 07777 : 0;
	if (mkdirat(dir.fd, a->where.name, perm) != 0) {
		rc = -errno;
		goto out;
	}
	rc = created(rq, &dir, a->where.name, perm, &sa, res);
out:
	vfs_close(&dir);
	return nfs2_done(rc, &res->status);
}

/* RFC 1094 2.2.16 */
enum disp
nfsd2_proc_rmdir(struct req *rq, diropargs2 *a, nfsstat2 *res)
{
	struct vnode dir = VNODE_INIT;
	struct stat st;
	bool have;
	int rc;

	if ((rc = open_dir_name(rq, a->dir, a->name, -EACCES, &dir)) != 0)
		goto out;
	have = fstatat(dir.fd, a->name, &st, AT_SYMLINK_NOFOLLOW) == 0;
	if (unlinkat(dir.fd, a->name, AT_REMOVEDIR) != 0)
		rc = errno == EEXIST ? -ENOTEMPTY : -errno;
	else if (have)
		forget(rq, &st);
out:
	vfs_close(&dir);
	return nfs2_done(rc, res);
}

/*
 * RFC 1094 2.2.18. Block counts over 32 bits are scaled: the block size
 * doubles until they fit, so the byte figures stay right (knfsd truncates
 * them, which shows a 16 TiB filesystem with 4 KiB blocks as empty).
 */
enum disp
nfsd2_proc_statfs(struct req *rq, char *fh, statfsres2 *res)
{
	statfsokres2 *ok = &res->statfsres2_u.info;
	struct vnode vn = VNODE_INIT;
	struct statvfs sv;
	uint64_t bsize, blocks, bfree, bavail;
	int rc;

	if ((rc = open_fh(rq, fh, &vn)) != 0)
		goto out;
	if (fstatvfs(vn.fd, &sv) != 0) {
		rc = -errno;
		goto out;
	}
	bsize = sv.f_frsize ? sv.f_frsize : sv.f_bsize;
	blocks = sv.f_blocks;
	bfree = sv.f_bfree;
	bavail = sv.f_bavail;
	while (blocks > UINT32_MAX && bsize <= UINT32_MAX / 2) {
		bsize *= 2;
		blocks /= 2;
		bfree /= 2;
		bavail /= 2;
	}
	ok->tsize = NFS2_STATFS_TSIZE;
	ok->bsize = (u_int)bsize;
	ok->blocks = blocks > UINT32_MAX ? UINT32_MAX : (u_int)blocks;
	ok->bfree = bfree > UINT32_MAX ? UINT32_MAX : (u_int)bfree;
	ok->bavail = bavail > UINT32_MAX ? UINT32_MAX : (u_int)bavail;
out:
	vfs_close(&vn);
	return nfs2_done(rc, &res->status);
}
