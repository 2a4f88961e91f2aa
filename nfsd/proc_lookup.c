/*
 * proc_lookup.c: LOOKUP and READLINK (RFC 1813 3.3.3, 3.3.5).
 *
 * vfs_lookup() keeps every answer inside the export: no '/' in names, no
 * symlink followed, ".." of the export root is the root, mounts crossed
 * only as crossmnt/nohide allow. The kernel checks search permission on
 * the directory as the caller. A LOOKUP from the WebNFS public handle
 * takes a whole path, walked with the same vfs_lookup() (webnfs.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "nfsd/nfsd_procs.h"
#include "nfsd/webnfs.h"

static void
post_op_vn(const struct vnode *vn, post_op_attr *pa)
{
	pa->attributes_follow = TRUE;
	attr3_from_stat(&vn->st, vn->ex, &pa->post_op_attr_u.attributes);
}

/*
 * RFC 1813 3.3.3 LOOKUP: the handle and attributes of dir/name, and the
 * directory's attributes, also when the name is not there.
 */
enum disp
nfsd_proc_lookup(struct req *rq, LOOKUP3args *a, LOOKUP3res *res)
{
	LOOKUP3resok *ok = &res->LOOKUP3res_u.resok;
	struct vnode dir = VNODE_INIT, obj = VNODE_INIT;
	uint8_t *fh;
	size_t len;
	int rc;

	if (webnfs_is_public_fh(rq->prog, rq->vers, a->what.dir.data.data_val,
	    a->what.dir.data.data_len))
		rc = webnfs_lookup(rq, a->what.name, &dir, &obj);  /* RFC 2055 */
	else if ((rc = vfs_open_fh(rq, a->what.dir.data.data_val,
	    a->what.dir.data.data_len, O_PATH, &dir)) == 0) {
		/* an object seen before: one statx, no open */
		if ((rc = vfs_lookup_cached(rq, &dir, a->what.name,
		    FH_FORM_V3, &obj.st, &fh, &len)) == 0) {
			ok->object.data.data_val = (char *)fh;
			ok->object.data.data_len = (u_int)len;
			obj.ex = dir.ex;
			post_op_vn(&obj, &ok->obj_attributes);
			post_op_vn(&dir, &ok->dir_attributes);
			goto out;
		}
		if (rc == 1)
			rc = vfs_lookup(rq, &dir, a->what.name, O_PATH, &obj);
	}
	if (rc == 0 &&
	    (rc = vfs_make_fh(rq, &obj, FH_FORM_V3, &fh, &len)) == 0) {
		vfs_fhcache_note(rq, &obj, FH_FORM_V3, fh, len);
		ok->object.data.data_val = (char *)fh;
		ok->object.data.data_len = (u_int)len;
		post_op_vn(&obj, &ok->obj_attributes);
		post_op_vn(&dir, &ok->dir_attributes);
	} else if (dir.fd >= 0)
		post_op_vn(&dir, &res->LOOKUP3res_u.resfail.dir_attributes);
out:
	res->status = nfs3_stat(rc);
	vfs_close(&obj);
	vfs_close(&dir);
	return DISP_REPLY;
}

/*
 * RFC 1813 3.3.5 READLINK: the target as stored, never interpreted.
 * Anything but a symlink is INVAL (knfsd). readlinkat() with an empty
 * name reads the symlink an O_PATH descriptor holds.
 */
enum disp
nfsd_proc_readlink(struct req *rq, READLINK3args *a, READLINK3res *res)
{
	READLINK3resok *ok = &res->READLINK3res_u.resok;
	struct vnode vn = VNODE_INIT;
	char *buf;
	ssize_t n;
	int rc;

	rc = vfs_open_fh(rq, a->symlink.data.data_val,
	    a->symlink.data.data_len, O_PATH, &vn);
	if (rc != 0)
		goto out;
	if (!S_ISLNK(vn.st.st_mode))
		rc = -EINVAL;
	else if ((buf = req_alloc(rq, NFS3_XDR_PATHLEN + 1)) == NULL)
		rc = -ENOMEM;
	else if ((n = readlinkat(vn.fd, "", buf, NFS3_XDR_PATHLEN)) < 0)
		rc = -errno;
	else if (n >= NFS3_XDR_PATHLEN)
		rc = -ENAMETOOLONG;	/* cannot be encoded */
	else {
		buf[n] = '\0';
		ok->data = buf;
	}
	/* resok and resfail both start with the symlink's attributes */
	post_op_vn(&vn, &ok->symlink_attributes);
out:
	res->status = nfs3_stat(rc);
	vfs_close(&vn);
	return DISP_REPLY;
}
