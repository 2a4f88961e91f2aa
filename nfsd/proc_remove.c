/*
 * proc_remove.c: REMOVE, RMDIR and RENAME (RFC 1813 3.3.12 - 3.3.14).
 *
 * Names are removed with unlinkat()/renameat() on the directory's O_PATH
 * descriptor as the caller: the kernel checks write and search permission
 * and the sticky bit. A name that is a mount point is busy: ACCES, as
 * knfsd answers. Handles stay valid across RENAME (they name inodes, not
 * paths). An object losing its last name (a file, a directory, anything
 * the caches hold an fd of) is dropped from the open-file caches before
 * the reply, so its space is freed at once. On a sync export the directories
 * are committed to stable storage before the reply. wcc_data of every
 * directory involved, on failure too.
 */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "nfsd/nfsd_procs.h"
#include "nfsd/ofcache.h"
#include "nfsd/sattr.h"

static bool
is_dot_or_empty(const char *name)
{
	return name[0] == '\0' || strcmp(name, ".") == 0 ||
	    strcmp(name, "..") == 0;
}

static int
open_dir(struct req *rq, const nfs_fh3 *fh, const struct vnode *first,
    struct vnode *dir)
{
	int rc;

	if (first == NULL)
		rc = vfs_open_fh(rq, fh->data.data_val, fh->data.data_len,
		    O_PATH, dir);
	else
		rc = vfs_open_fh2(rq, fh->data.data_val, fh->data.data_len,
		    O_PATH, first, dir);
	if (rc == 0 && !S_ISDIR(dir->st.st_mode))
		rc = -ENOTDIR;
	return rc;
}

/* REMOVE and RMDIR: knfsd's nfsd_unlink(). */
static int
remove_name(struct req *rq, const struct vnode *dir, const char *name,
    int flags)
{
	struct stat st;
	int rc;

	/* knfsd: ".", ".." and the empty name are ACCES */
	if (is_dot_or_empty(name))
		return -EACCES;
	if ((rc = vfs_check_name(name, false)) != 0)
		return rc;
	if (fstatat(dir->fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return -errno;
	if (unlinkat(dir->fd, name, flags) != 0)
		return -errno;		/* a directory: EISDIR for REMOVE */
	/* was it the last name? the caches' own fds tell (no race with
	 * another REMOVE of a second link meanwhile) */
	vfs_forget(rq, st.st_dev, st.st_ino);
	return nfsd_commit_meta(rq, dir);
}

/* RFC 1813 3.3.12 REMOVE: any non-directory (ISDIR for a directory). */
enum disp
nfsd_proc_remove(struct req *rq, REMOVE3args *a, REMOVE3res *res)
{
	struct vnode dir = VNODE_INIT;
	int rc;

	if ((rc = open_dir(rq, &a->object.dir, NULL, &dir)) == 0)
		rc = remove_name(rq, &dir, a->object.name, 0);
	res->status = nfs3_stat(rc);
	/* resok and resfail are the same wcc_data */
	if (dir.fd >= 0)
		attr3_wcc(&dir.st, dir.fd, dir.ex,
		    &res->REMOVE3res_u.resok.dir_wcc);
	vfs_close(&dir);
	return DISP_REPLY;
}

/* RFC 1813 3.3.13 RMDIR: an empty directory (NOTEMPTY, NOTDIR). */
enum disp
nfsd_proc_rmdir(struct req *rq, RMDIR3args *a, RMDIR3res *res)
{
	struct vnode dir = VNODE_INIT;
	int rc;

	if ((rc = open_dir(rq, &a->object.dir, NULL, &dir)) == 0)
		rc = remove_name(rq, &dir, a->object.name, AT_REMOVEDIR);
	res->status = nfs3_stat(rc);
	if (dir.fd >= 0)
		attr3_wcc(&dir.st, dir.fd, dir.ex,
		    &res->RMDIR3res_u.resok.dir_wcc);
	vfs_close(&dir);
	return DISP_REPLY;
}

/*
 * RFC 1813 3.3.14 RENAME, within a directory or between two of the same
 * export (XDEV otherwise). ".", ".." or an empty name on either side is
 * PERM (knfsd). The kernel refuses a directory moved below itself
 * (INVAL), onto a non-empty directory (NOTEMPTY/EXIST), a directory onto
 * a file and back (NOTDIR/ISDIR). An object replaced by the rename is
 * dropped from the open-file caches if that was its last name.
 */
enum disp
nfsd_proc_rename(struct req *rq, RENAME3args *a, RENAME3res *res)
{
	RENAME3resok *ok = &res->RENAME3res_u.resok;
	struct vnode from = VNODE_INIT, to = VNODE_INIT;
	const char *fname = a->from.name, *tname = a->to.name;
	struct stat victim;
	bool replaced;
	int rc;

	if ((rc = open_dir(rq, &a->from.dir, NULL, &from)) != 0)
		goto out;
	if ((rc = open_dir(rq, &a->to.dir, &from, &to)) != 0)
		goto out;
	if (is_dot_or_empty(fname) || is_dot_or_empty(tname)) {
		rc = -EPERM;
		goto out;
	}
	if ((rc = vfs_check_name(fname, false)) != 0 ||
	    (rc = vfs_check_name(tname, false)) != 0)
		goto out;
	replaced = fstatat(to.fd, tname, &victim, AT_SYMLINK_NOFOLLOW) == 0;
	if (renameat(from.fd, fname, to.fd, tname) != 0) {
		rc = -errno;
		goto out;
	}
	/* a rename between two links of one inode does nothing: the victim
	 * keeps its link and vfs_forget() leaves it */
	if (replaced)
		vfs_forget(rq, victim.st_dev, victim.st_ino);
	if ((rc = nfsd_commit_meta(rq, &to)) == 0 &&
	    (to.st.st_ino != from.st.st_ino || to.st.st_dev != from.st.st_dev))
		rc = nfsd_commit_meta(rq, &from);
out:
	res->status = nfs3_stat(rc);
	/* resok and resfail are laid out alike */
	if (from.fd >= 0)
		attr3_wcc(&from.st, from.fd, from.ex, &ok->fromdir_wcc);
	if (to.fd >= 0)
		attr3_wcc(&to.st, to.fd, to.ex, &ok->todir_wcc);
	vfs_close(&to);
	vfs_close(&from);
	return DISP_REPLY;
}
